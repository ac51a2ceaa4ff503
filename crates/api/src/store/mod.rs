//! The one store path: every fact the portal holds is written by [`store_batch`].
//!
//! A batch of rows of one dataset is written in one transaction that also brings the
//! rollups, the offer and plan dimensions and the dataset's freshness up to date, and
//! records the batch under its key. Rows whose natural key already exists replace the
//! old ones (marketplaces restate data), and the old rows' contributions are taken out
//! of the rollups in the same transaction.
//!
//! Architecture invariant: nothing else writes facts or rollups, so the rollups always
//! equal an aggregation of the facts.

mod facts;
mod rollups;

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sha2::{Digest, Sha256};
use shared::dictionary::Dataset;
use uuid::Uuid;

use crate::db::entities::{
    customers, data_freshness, ingest_batches, licenses, orders, payouts, usage,
};
pub use facts::Fact;
use rollups::Rollups;

/// Rows of one dataset, all of one publisher.
#[derive(Clone, Debug)]
pub enum FactBatch {
    /// Orders rows.
    Orders(Vec<orders::Model>),
    /// Usage rows.
    Usage(Vec<usage::Model>),
    /// Customers rows.
    Customers(Vec<customers::Model>),
    /// Licenses rows.
    Licenses(Vec<licenses::Model>),
    /// Payouts rows.
    Payouts(Vec<payouts::Model>),
}

impl FactBatch {
    /// The batch's dataset.
    pub fn dataset(&self) -> Dataset {
        match self {
            FactBatch::Orders(_) => Dataset::Orders,
            FactBatch::Usage(_) => Dataset::Usage,
            FactBatch::Customers(_) => Dataset::Customers,
            FactBatch::Licenses(_) => Dataset::Licenses,
            FactBatch::Payouts(_) => Dataset::Payouts,
        }
    }

    /// How many rows it holds.
    pub fn len(&self) -> usize {
        match self {
            FactBatch::Orders(r) => r.len(),
            FactBatch::Usage(r) => r.len(),
            FactBatch::Customers(r) => r.len(),
            FactBatch::Licenses(r) => r.len(),
            FactBatch::Payouts(r) => r.len(),
        }
    }

    /// Whether it holds no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Who sends a batch and under which idempotency key.
#[derive(Clone, Debug)]
pub struct BatchMeta {
    /// The publisher every row belongs to.
    pub publisher_id: i64,
    /// The caller's idempotency key, unique per publisher and dataset.
    pub batch_key: String,
    /// SHA-256 (hex) of the batch as received, to tell a replay from a conflicting key.
    pub content_sha256: String,
    /// Where the batch came from (`demo`, `api`, `cli`).
    pub source: &'static str,
}

impl BatchMeta {
    /// The SHA-256 hex digest of `content`.
    pub fn digest(content: &[u8]) -> String {
        hex::encode(Sha256::digest(content))
    }
}

/// What storing a batch did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreOutcome {
    /// The batch's id.
    pub batch_id: Uuid,
    /// Rows written.
    pub rows: u64,
    /// Rows that replaced an existing row with the same natural key.
    pub replaced: u64,
    /// True when the key was already stored with the same content: nothing was written.
    pub replayed: bool,
}

/// Why a batch was not stored. Nothing of it was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key was used before for different content.
    #[error("batch key '{0}' was already used for different content")]
    KeyConflict(String),
    /// A row names another publisher than the batch.
    #[error("row {row} belongs to publisher {found}, not to the batch's publisher {expected}")]
    WrongPublisher {
        /// The row's index in the batch.
        row: usize,
        /// The batch's publisher.
        expected: i64,
        /// The row's publisher.
        found: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Writes `batch` for `meta.publisher_id` in one transaction, with its rollups and
/// freshness. Replaying a key with the same content returns the first outcome and
/// writes nothing.
pub async fn store_batch(
    db: &DatabaseConnection,
    meta: &BatchMeta,
    batch: FactBatch,
) -> Result<StoreOutcome, StoreError> {
    let started = Instant::now();
    let dataset = batch.dataset();
    let txn = db
        .begin_with_options(TransactionOptions {
            isolation_level: None,
            access_mode: None,
            // Take SQLite's write lock first, so the transaction never has to upgrade a
            // read snapshot that another writer has since moved past.
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?;
    let sqlite = txn.get_database_backend() == sea_orm::DbBackend::Sqlite;
    if sqlite {
        // A batch writes many b-tree pages: give this connection a large page cache for
        // the write, and hand it back to the pool with the readers' small one (below).
        txn.execute_unprepared(crate::db::WRITER_CACHE_PRAGMA)
            .await?;
    }

    let batch_id = Uuid::now_v7();
    let claimed = ingest_batches::Entity::insert(ingest_batches::ActiveModel {
        publisher_id: Set(meta.publisher_id),
        batch_id: Set(batch_id),
        dataset: Set(dataset.slug().to_owned()),
        batch_key: Set(meta.batch_key.clone()),
        content_sha256: Set(meta.content_sha256.clone()),
        source: Set(meta.source.to_owned()),
        row_count: Set(0),
        replaced_count: Set(0),
        created_at: Set(Utc::now()),
        duration_ms: Set(0),
    })
    .on_conflict(
        OnConflict::columns([
            ingest_batches::Column::PublisherId,
            ingest_batches::Column::Dataset,
            ingest_batches::Column::BatchKey,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if claimed == 0 {
        txn.rollback().await?;
        return replay(db, meta, dataset).await;
    }

    let mut rollups = Rollups::default();
    let (rows, replaced, latest) = match batch {
        FactBatch::Orders(rows) => {
            facts::write(&txn, meta.publisher_id, rows, &mut rollups).await?
        }
        FactBatch::Usage(rows) => facts::write(&txn, meta.publisher_id, rows, &mut rollups).await?,
        FactBatch::Customers(rows) => {
            facts::write(&txn, meta.publisher_id, rows, &mut rollups).await?
        }
        FactBatch::Licenses(rows) => {
            facts::write(&txn, meta.publisher_id, rows, &mut rollups).await?
        }
        FactBatch::Payouts(rows) => {
            facts::write(&txn, meta.publisher_id, rows, &mut rollups).await?
        }
    };
    let phase = Instant::now();
    rollups.apply(&txn, meta.publisher_id).await?;
    tracing::debug!(batch_key = %meta.batch_key, rollup_ms = phase.elapsed().as_millis(), "rollups applied");
    touch_freshness(&txn, meta.publisher_id, dataset, latest).await?;

    ingest_batches::Entity::update_many()
        .col_expr(ingest_batches::Column::RowCount, Expr::value(rows as i64))
        .col_expr(
            ingest_batches::Column::ReplacedCount,
            Expr::value(replaced as i64),
        )
        .col_expr(
            ingest_batches::Column::DurationMs,
            Expr::value(started.elapsed().as_millis() as i64),
        )
        .filter(ingest_batches::Column::PublisherId.eq(meta.publisher_id))
        .filter(ingest_batches::Column::BatchId.eq(batch_id))
        .exec(&txn)
        .await?;
    if sqlite {
        // A smaller limit only makes SQLite spill pages sooner; the commit writes them all.
        txn.execute_unprepared(crate::db::READER_CACHE_PRAGMA)
            .await?;
    }
    let phase = Instant::now();
    txn.commit().await?;
    tracing::debug!(
        batch_key = %meta.batch_key,
        commit_ms = phase.elapsed().as_millis(),
        total_ms = started.elapsed().as_millis(),
        "batch stored"
    );

    Ok(StoreOutcome {
        batch_id,
        rows,
        replaced,
        replayed: false,
    })
}

async fn replay(
    db: &DatabaseConnection,
    meta: &BatchMeta,
    dataset: Dataset,
) -> Result<StoreOutcome, StoreError> {
    let first = ingest_batches::Entity::find()
        .filter(ingest_batches::Column::PublisherId.eq(meta.publisher_id))
        .filter(ingest_batches::Column::Dataset.eq(dataset.slug()))
        .filter(ingest_batches::Column::BatchKey.eq(meta.batch_key.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("batch {}", meta.batch_key)))?;
    if first.content_sha256 != meta.content_sha256 {
        return Err(StoreError::KeyConflict(meta.batch_key.clone()));
    }
    Ok(StoreOutcome {
        batch_id: first.batch_id,
        rows: first.row_count as u64,
        replaced: first.replaced_count as u64,
        replayed: true,
    })
}

async fn touch_freshness<C: ConnectionTrait>(
    txn: &C,
    publisher_id: i64,
    dataset: Dataset,
    latest: Option<NaiveDate>,
) -> Result<(), DbErr> {
    let current = data_freshness::Entity::find_by_id((publisher_id, dataset.slug().to_owned()))
        .one(txn)
        .await?;
    let latest_date = current.and_then(|c| c.latest_date).max(latest);
    data_freshness::Entity::insert(data_freshness::ActiveModel {
        publisher_id: Set(publisher_id),
        dataset: Set(dataset.slug().to_owned()),
        data_as_of: Set(Utc::now()),
        latest_date: Set(latest_date),
    })
    .on_conflict(
        OnConflict::columns([
            data_freshness::Column::PublisherId,
            data_freshness::Column::Dataset,
        ])
        .update_columns([
            data_freshness::Column::DataAsOf,
            data_freshness::Column::LatestDate,
        ])
        .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
