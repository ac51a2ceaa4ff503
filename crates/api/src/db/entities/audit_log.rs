//! The publisher's audit log: who did what, when, from where. Append-only.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    /// A UUIDv7, so the key orders entries by time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    /// The actor's email (or API client's name) as it was then.
    pub actor: Option<String>,
    /// `shared::users::AuditAction` name.
    pub action: String,
    pub target: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
