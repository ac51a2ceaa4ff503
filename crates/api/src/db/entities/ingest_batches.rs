//! A batch of facts written through the store path, kept for idempotency and audit.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ingest_batches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub batch_id: Uuid,
    /// The dataset's slug.
    pub dataset: String,
    /// The caller's idempotency key, unique per publisher and dataset.
    pub batch_key: String,
    /// SHA-256 of the batch's content, to tell a replay from a conflicting re-use of a key.
    pub content_sha256: String,
    /// Where it came from: `demo`, `api`, `cli`.
    pub source: String,
    pub row_count: i64,
    /// Rows that replaced an existing row with the same natural key.
    pub replaced_count: i64,
    pub created_at: DateTimeUtc,
    pub duration_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
