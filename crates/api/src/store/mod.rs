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
mod postgres;
mod rollups;
mod sqlite;

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryTrait, Statement, Value,
};
use sha2::{Digest, Sha256};
use shared::dictionary::Dataset;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::db::entities::{customers, ingest_batches, licenses, orders, payouts, usage};
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

    /// The SHA-256 hex digest of everything `reader` yields.
    pub fn digest_reader(reader: &mut impl std::io::Read) -> std::io::Result<String> {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                return Ok(hex::encode(hasher.finalize()));
            }
            hasher.update(&buf[..n]);
        }
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
    /// The row source ended without completing the batch (it was refused); everything
    /// written was rolled back.
    #[error("the batch ended before it was complete; nothing was stored")]
    Incomplete,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// How many rows travel together from a parser to the writer: a batch is written in
/// chunks of this many rows inside its one transaction, so memory stays bounded
/// whatever the batch's size.
pub const CHUNK_ROWS: usize = 4_096;

/// What a row source hands the store path.
#[derive(Debug)]
pub enum Piece<M> {
    /// More rows.
    Rows(Vec<M>),
    /// The batch is complete: commit it, under this content digest when given (a parser
    /// that hashes the content as it reads knows it only now), else the meta's. A source
    /// that ends without `End` (a refused or failed parse) has everything written so far
    /// rolled back.
    End(Option<String>),
}

/// What a writer did.
enum Written {
    /// The batch is stored.
    Stored(StoreOutcome),
    /// Its key was taken; nothing was written. The digest is the content's.
    KeyTaken(String),
}

/// Writes `batch` for `meta.publisher_id` in one transaction, with its rollups and
/// freshness. Replaying a key with the same content returns the first outcome and
/// writes nothing.
pub async fn store_batch(
    db: &DatabaseConnection,
    meta: &BatchMeta,
    batch: FactBatch,
) -> Result<StoreOutcome, StoreError> {
    match batch {
        FactBatch::Orders(rows) => store_rows(db, meta, rows).await,
        FactBatch::Usage(rows) => store_rows(db, meta, rows).await,
        FactBatch::Customers(rows) => store_rows(db, meta, rows).await,
        FactBatch::Licenses(rows) => store_rows(db, meta, rows).await,
        FactBatch::Payouts(rows) => store_rows(db, meta, rows).await,
    }
}

async fn store_rows<M: Fact>(
    db: &DatabaseConnection,
    meta: &BatchMeta,
    rows: Vec<M>,
) -> Result<StoreOutcome, StoreError> {
    let (sender, receiver) = mpsc::channel(2);
    let feed = async move {
        let mut rows = rows.into_iter();
        loop {
            let chunk: Vec<M> = rows.by_ref().take(CHUNK_ROWS).collect();
            if chunk.is_empty() {
                break;
            }
            if sender.send(Piece::Rows(chunk)).await.is_err() {
                return;
            }
        }
        let _ = sender.send(Piece::End(None)).await;
    };
    let (stored, ()) = tokio::join!(store_stream(db, meta, receiver), feed);
    stored
}

/// Writes the rows `source` yields, chunk by chunk, as one batch of `M`'s dataset in one
/// transaction with its rollups, the offer and plan dimensions and the dataset's
/// freshness. Nothing is committed unless the source ends with [`Piece::End`].
///
/// SQLite batches are written by a connection of their own on a blocking thread
/// (`sqlite.rs`: prepared single-row inserts, no per-value allocation); PostgreSQL
/// batches stream into the table with `COPY` (`postgres.rs`).
pub async fn store_stream<M: Fact>(
    db: &DatabaseConnection,
    meta: &BatchMeta,
    source: mpsc::Receiver<Piece<M>>,
) -> Result<StoreOutcome, StoreError> {
    let dataset = dataset_of::<M>()?;
    if !meta.content_sha256.is_empty()
        && stored_digest(db, meta.publisher_id, dataset, &meta.batch_key)
            .await?
            .is_some()
    {
        // A key used before writes nothing (a race past this check ends the same way,
        // when the batch's claim finds the key taken).
        return replay(db, meta, dataset).await;
    }
    let (written, prepared) = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let path = db
                .get_sqlite_connection_pool()
                .connect_options()
                .get_filename()
                .to_owned();
            let meta = meta.clone();
            let (source, prepared) = prepare(meta.publisher_id, source, |chunk: Vec<M>| {
                Ok(chunk.into_iter().map(Fact::into_values).collect())
            });
            let written = tokio::task::spawn_blocking(move || {
                sqlite::store::<M>(&path, &meta, dataset, source)
            })
            .await
            .map_err(|e| DbErr::Custom(format!("the batch writer stopped: {e}")));
            (written, prepared)
        }
        DbBackend::Postgres => {
            let (source, prepared) = prepare(meta.publisher_id, source, postgres::encoder::<M>()?);
            let written =
                Ok(
                    postgres::store::<M>(db.get_postgres_connection_pool(), meta, dataset, source)
                        .await,
                );
            (written, prepared)
        }
        other => {
            return Err(StoreError::Db(DbErr::Custom(format!(
                "no store path for {other:?}"
            ))));
        }
    };
    let written = match written? {
        // The writer's stream ended early: when the preparing stage refused a chunk
        // (it has finished, since its end ended the stream), that is the reason.
        Err(StoreError::Incomplete) => {
            prepared.await.map_err(|e| {
                DbErr::Custom(format!("the batch's preparing stage stopped: {e}"))
            })??;
            return Err(StoreError::Incomplete);
        }
        // Otherwise the stage ends by itself: it sent the end, or its next send fails.
        other => other?,
    };
    match written {
        Written::Stored(outcome) => Ok(outcome),
        Written::KeyTaken(content_sha256) => {
            let meta = BatchMeta {
                content_sha256,
                ..meta.clone()
            };
            replay(db, &meta, dataset).await
        }
    }
}

fn dataset_of<M: Fact>() -> Result<Dataset, StoreError> {
    let table = facts::table::<M>();
    Dataset::from_name(&table)
        .ok_or_else(|| StoreError::Db(DbErr::Custom(format!("no dataset for table {table}"))))
}

/// Counts kept while a batch is written.
#[derive(Debug, Default)]
struct Progress {
    rows: u64,
    replaced: u64,
    latest: Option<NaiveDate>,
}

impl Progress {
    /// Counts a written chunk of `rows` rows that replaced `replaced` stored rows, of
    /// which `earlier` were written earlier in the same batch (so not "replaced").
    fn written(&mut self, rows: usize, replaced: u64, earlier: u64) {
        self.rows += rows as u64 - earlier;
        self.replaced += replaced - earlier;
    }
}

/// A batch's rows as a writer receives them from [`prepare`].
enum Prepared<T> {
    /// A chunk of `rows` rows, checked, de-duplicated, counted and encoded.
    Chunk { rows: usize, data: T },
    /// The source ended with [`Piece::End`]: its digest, and what the chunks added.
    End {
        digest: Option<String>,
        counted: Box<Counted>,
    },
}

/// What a batch's rows add, counted by [`prepare`] before they are written (a failure
/// rolls everything back anyway): the rollups and the latest date.
#[derive(Debug, Default)]
struct Counted {
    rollups: Rollups,
    latest: Option<NaiveDate>,
}

impl Counted {
    /// The batch's rollup deltas once the writer has taken out the contributions of the
    /// rows it replaced (`removed`), with the latest date noted in `progress`.
    fn finish(self: Box<Self>, removed: Rollups, progress: &mut Progress) -> Rollups {
        let Counted {
            mut rollups,
            latest,
        } = *self;
        rollups.absorb(removed);
        progress.latest = latest;
        rollups
    }
}

/// How many prepared chunks wait for the writer at most.
const PREPARED_AHEAD: usize = 2;

/// The stage between a row source and a writer, on a thread of its own: checks each
/// chunk's publisher, removes its repeated keys (a later row restates an earlier one),
/// adds its rows to the rollups and encodes it the writer's way (`encode`), so that the
/// writer's thread, the bound of a batch's speed, only writes. On the SQLite writer's
/// thread this work was about a tenth of its time (perf, 200,000 usage rows; see
/// docs/ingest-performance.md).
///
/// A source that ends without [`Piece::End`], or a chunk that fails here, ends the
/// prepared stream without [`Prepared::End`], so the writer rolls back; the failure is
/// the task's result.
fn prepare<M: Fact, T: Send + 'static>(
    publisher_id: i64,
    mut source: mpsc::Receiver<Piece<M>>,
    mut encode: impl FnMut(Vec<M>) -> Result<T, StoreError> + Send + 'static,
) -> (
    mpsc::Receiver<Prepared<T>>,
    tokio::task::JoinHandle<Result<(), StoreError>>,
) {
    let (sender, receiver) = mpsc::channel(PREPARED_AHEAD);
    let task = tokio::task::spawn_blocking(move || {
        let mut offset = 0usize;
        let mut counted = Counted::default();
        loop {
            let chunk = match source.blocking_recv() {
                Some(Piece::Rows(chunk)) => chunk,
                Some(Piece::End(digest)) => {
                    // A writer that stopped has its own error to tell.
                    let counted = Box::new(counted);
                    let _ = sender.blocking_send(Prepared::End { digest, counted });
                    return Ok(());
                }
                None => return Ok(()),
            };
            if let Some((row, found)) = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| (i, r.publisher_id()))
                .find(|(_, p)| *p != publisher_id)
            {
                return Err(StoreError::WrongPublisher {
                    row: offset + row,
                    expected: publisher_id,
                    found,
                });
            }
            offset += chunk.len();
            let (chunk, _) = facts::last_of_each_key(chunk);
            for row in &chunk {
                row.contribute(1, &mut counted.rollups);
                counted.latest = counted.latest.max(Some(row.date()));
            }
            let rows = chunk.len();
            let data = encode(chunk)?;
            if sender
                .blocking_send(Prepared::Chunk { rows, data })
                .is_err()
            {
                // The writer stopped; its error tells why.
                return Ok(());
            }
        }
    });
    (receiver, task)
}

/// The statement that records a batch under its key, claiming the key: it inserts
/// nothing when the key is taken. It runs once the rows are written, in the same
/// transaction, so a concurrent batch with the same key waits for this one's outcome.
fn claim_statement(
    backend: DbBackend,
    meta: &BatchMeta,
    content_sha256: &str,
    dataset: Dataset,
    batch_id: Uuid,
    progress: &Progress,
    started: Instant,
) -> Statement {
    ingest_batches::Entity::insert(ingest_batches::ActiveModel {
        publisher_id: Set(meta.publisher_id),
        batch_id: Set(batch_id),
        dataset: Set(dataset.slug().to_owned()),
        batch_key: Set(meta.batch_key.clone()),
        content_sha256: Set(content_sha256.to_owned()),
        source: Set(meta.source.to_owned()),
        row_count: Set(progress.rows as i64),
        replaced_count: Set(progress.replaced as i64),
        created_at: Set(Utc::now()),
        duration_ms: Set(started.elapsed().as_millis() as i64),
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
    .build(backend)
}

/// The statements that close a batch: its rollup deltas and the dataset's freshness.
fn closing_statements(
    backend: DbBackend,
    meta: &BatchMeta,
    dataset: Dataset,
    progress: &Progress,
    rollups: Rollups,
) -> Result<Vec<Statement>, DbErr> {
    let mut out = rollups.statements(backend, meta.publisher_id)?;
    // The latest date only moves forward; a batch of older rows leaves it.
    out.push(Statement::from_sql_and_values(
        backend,
        "INSERT INTO data_freshness (publisher_id, dataset, data_as_of, latest_date) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (publisher_id, dataset) DO UPDATE SET \
         data_as_of = excluded.data_as_of, latest_date = CASE \
         WHEN excluded.latest_date IS NULL THEN data_freshness.latest_date \
         WHEN data_freshness.latest_date IS NULL OR excluded.latest_date > data_freshness.latest_date \
         THEN excluded.latest_date ELSE data_freshness.latest_date END",
        [
            Value::from(meta.publisher_id),
            Value::from(dataset.slug().to_owned()),
            Value::from(Utc::now()),
            Value::from(progress.latest),
        ],
    ));
    Ok(out)
}

/// The content digest of the batch stored under `key`, if there is one.
pub async fn stored_digest(
    db: &DatabaseConnection,
    publisher_id: i64,
    dataset: Dataset,
    key: &str,
) -> Result<Option<String>, DbErr> {
    Ok(ingest_batches::Entity::find()
        .filter(ingest_batches::Column::PublisherId.eq(publisher_id))
        .filter(ingest_batches::Column::Dataset.eq(dataset.slug()))
        .filter(ingest_batches::Column::BatchKey.eq(key))
        .one(db)
        .await?
        .map(|b| b.content_sha256))
}

/// The first outcome of the batch stored under `meta`'s key, when `meta`'s content is
/// the same; a [`StoreError::KeyConflict`] when it is not.
pub async fn replay(
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
