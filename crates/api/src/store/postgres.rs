//! The PostgreSQL writer: a pooled connection's transaction, rows streamed in with `COPY`.
//!
//! Each chunk, encoded on the preparing stage's thread (`encoder`, `super::prepare`),
//! goes into the table with `COPY ... FROM STDIN` (text format), first under a
//! savepoint with no lookup at all (new keys are the common case). When that meets an
//! existing key, the savepoint is rolled back and, from then on, each chunk's restated
//! rows are deleted first in one statement (its keys travel as arrays, `unnest`ed) that
//! returns them, so their contribution leaves the rollups. A deleted row whose `xmin` is
//! this transaction's id or a later one (its savepoints' ids follow it, in PostgreSQL's
//! modulo-2^32 order) was an earlier row of the batch with the same key, not a restated
//! one. (Were another batch of the same publisher and dataset to commit rows with the
//! same keys meanwhile, they would count as this batch's own: only the counts of
//! replaced rows would be off, never the rows or the rollups.)

use std::io::Write as _;
use std::time::Instant;

use chrono::{NaiveDate, SecondsFormat};
use sea_orm::sea_query::ColumnType;
use sea_orm::sqlx::postgres::{PgPool, Postgres};
use sea_orm::sqlx::{self, AssertSqlSafe, Row};
use sea_orm::{ColumnTrait, DbBackend, DbErr, IdenStatic, QueryResult, Statement, Value};
use sea_query_sqlx::SqlxValues;
use shared::dictionary::Dataset;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::facts::{self, Fact};
use super::rollups::{NameRows, Rollups};
use super::{BatchMeta, Prepared, Progress, StoreError, StoreOutcome, Written};

fn pg_err(e: sqlx::Error) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("PostgreSQL: {e}")))
}

async fn execute(conn: &mut sqlx::PgConnection, statement: Statement) -> Result<u64, StoreError> {
    let values = statement
        .values
        .unwrap_or_else(|| sea_orm::Values(Vec::new()));
    Ok(
        sqlx::query_with::<Postgres, _>(AssertSqlSafe(statement.sql), SqlxValues(values))
            .execute(conn)
            .await
            .map_err(pg_err)?
            .rows_affected(),
    )
}

/// Appends `value` in `COPY`'s text format.
fn copy_text(buf: &mut Vec<u8>, value: &Value) -> Result<(), StoreError> {
    match value {
        Value::String(Some(s)) => {
            for &b in s.as_bytes() {
                match b {
                    b'\\' => buf.extend_from_slice(b"\\\\"),
                    b'\t' => buf.extend_from_slice(b"\\t"),
                    b'\n' => buf.extend_from_slice(b"\\n"),
                    b'\r' => buf.extend_from_slice(b"\\r"),
                    _ => buf.push(b),
                }
            }
        }
        Value::BigInt(Some(i)) => {
            let _ = write!(buf, "{i}");
        }
        Value::Int(Some(i)) => {
            let _ = write!(buf, "{i}");
        }
        Value::SmallInt(Some(i)) => {
            let _ = write!(buf, "{i}");
        }
        Value::Bool(Some(b)) => buf.push(if *b { b't' } else { b'f' }),
        Value::ChronoDate(Some(d)) => buf.extend_from_slice(&facts::date_text(*d)),
        Value::ChronoDateTimeUtc(Some(t)) => {
            buf.extend_from_slice(t.to_rfc3339_opts(SecondsFormat::AutoSi, true).as_bytes())
        }
        Value::Uuid(Some(u)) => {
            let _ = write!(buf, "{}", u.hyphenated());
        }
        Value::String(None)
        | Value::BigInt(None)
        | Value::Int(None)
        | Value::SmallInt(None)
        | Value::Bool(None)
        | Value::ChronoDate(None)
        | Value::ChronoDateTimeUtc(None)
        | Value::Uuid(None) => buf.extend_from_slice(b"\\N"),
        other => {
            return Err(StoreError::Db(DbErr::Custom(format!(
                "no COPY encoding for {other:?}"
            ))));
        }
    }
    Ok(())
}

async fn plain(conn: &mut sqlx::PgConnection, sql: &'static str) -> Result<(), StoreError> {
    sqlx::query(sql).execute(conn).await.map_err(pg_err)?;
    Ok(())
}

/// `COPY`s `rows` (text format) with `sql`.
async fn copy(conn: &mut sqlx::PgConnection, sql: &str, rows: &[u8]) -> Result<(), sqlx::Error> {
    let mut copy = conn.copy_in_raw(sql).await?;
    if let Err(e) = copy.send(rows).await {
        let _ = copy.abort("the batch failed").await;
        return Err(e);
    }
    copy.finish().await?;
    Ok(())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "23505")
}

/// One key column's values of a chunk, as an array parameter.
enum KeyArray {
    Text(Vec<String>),
    Date(Vec<NaiveDate>),
    BigInt(Vec<i64>),
}

impl KeyArray {
    fn new(kind: &ColumnType, capacity: usize) -> (Self, &'static str) {
        match kind {
            ColumnType::Date => (KeyArray::Date(Vec::with_capacity(capacity)), "date"),
            ColumnType::BigInteger => (KeyArray::BigInt(Vec::with_capacity(capacity)), "int8"),
            _ => (KeyArray::Text(Vec::with_capacity(capacity)), "text"),
        }
    }

    fn push(&mut self, value: &Value) -> Result<(), StoreError> {
        match (self, value) {
            (KeyArray::Text(v), Value::String(Some(s))) => v.push(s.clone()),
            (KeyArray::Date(v), Value::ChronoDate(Some(d))) => v.push(*d),
            (KeyArray::BigInt(v), Value::BigInt(Some(i))) => v.push(*i),
            (_, other) => {
                return Err(StoreError::Db(DbErr::Custom(format!(
                    "a key column holds {other:?}"
                ))));
            }
        }
        Ok(())
    }
}

/// Inserts a batch's rows of a name table (`Rollups::take_names`) that are not there
/// yet, in one statement whose columns travel as arrays (`unnest`). The same rows as
/// multi-row `VALUES` lists (10,000 rows a statement) took PostgreSQL most of the
/// batch's closing time to parse and plan (docs/ingest-performance.md).
async fn insert_names(
    conn: &mut sqlx::PgConnection,
    publisher_id: i64,
    names: NameRows,
) -> Result<(), StoreError> {
    let table = names.table;
    let list = names
        .columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let arrays = (0..names.columns.len())
        .map(|i| format!("${}::text[]", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let columns = names.into_columns();
    if columns.first().is_none_or(Vec::is_empty) {
        return Ok(());
    }
    // The table and column names are the store path's own, never input.
    let sql = format!(
        "INSERT INTO \"{table}\" (publisher_id, {list}) SELECT $1, * FROM unnest({arrays}) \
         ON CONFLICT DO NOTHING"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(publisher_id);
    for column in columns {
        query = query.bind(column);
    }
    query.execute(conn).await.map_err(pg_err)?;
    Ok(())
}

/// A batch of at least this many rows refreshes its table's planner statistics once it
/// has committed.
const ANALYZE_AFTER_ROWS: u64 = 50_000;

/// `ANALYZE`s `table`. Until autovacuum gets to a freshly loaded table the planner has
/// no statistics for it and picks poor plans: detail pages took 240-640 ms before and
/// 1-7 ms after on the 1M benchmark database (docs/report-speed.md). The batch is
/// committed already, so a failure here is only logged.
async fn refresh_statistics(pool: &PgPool, table: &str) {
    let started = Instant::now();
    // The table name is an entity's, never input.
    match sqlx::query(AssertSqlSafe(format!("ANALYZE \"{table}\"")))
        .execute(pool)
        .await
    {
        Ok(_) => tracing::debug!(
            table,
            analyze_ms = started.elapsed().as_millis(),
            "statistics refreshed"
        ),
        Err(e) => tracing::warn!(table, error = %e, "could not refresh statistics"),
    }
}

/// The rollup tables a dataset's batches add to.
fn rollup_tables(dataset: Dataset) -> &'static [&'static str] {
    match dataset {
        Dataset::Orders => &["rollup_orders", "rollup_customer_orders"],
        Dataset::Usage => &["rollup_usage"],
        Dataset::Payouts => &["rollup_payouts"],
        Dataset::Customers | Dataset::Licenses => &[],
    }
}

/// A chunk as the writer sends it: its rows in `COPY`'s text format, and its key
/// columns' values as arrays for the lookup of restated rows.
pub(super) struct Encoded {
    text: Vec<u8>,
    keys: Vec<KeyArray>,
}

/// The types of `M`'s key columns, in key order.
fn key_types<M: Fact>() -> Vec<ColumnType> {
    M::key_columns()
        .iter()
        .map(|c| c.def().get_column_type().clone())
        .collect()
}

/// Encodes chunks of `M` for [`store`], on the preparing stage's thread (`prepare`),
/// so that the writer's task only talks to the server.
pub(super) fn encoder<M: Fact>()
-> Result<impl FnMut(Vec<M>) -> Result<Encoded, StoreError> + Send + 'static, StoreError> {
    let key_index = facts::key_index::<M>()?;
    let key_types = key_types::<M>();
    Ok(move |chunk: Vec<M>| {
        let mut keys: Vec<KeyArray> = key_types
            .iter()
            .map(|k| KeyArray::new(k, chunk.len()).0)
            .collect();
        let mut text = Vec::new();
        for row in chunk {
            let values = row.into_values();
            for (array, k) in keys.iter_mut().zip(&key_index) {
                array.push(&values[*k])?;
            }
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    text.push(b'\t');
                }
                copy_text(&mut text, value)?;
            }
            text.push(b'\n');
        }
        Ok(Encoded { text, keys })
    })
}

/// Writes the batch, unless its key is taken.
pub async fn store<M: Fact>(
    pool: &PgPool,
    meta: &BatchMeta,
    dataset: Dataset,
    mut source: mpsc::Receiver<Prepared<Encoded>>,
) -> Result<Written, StoreError> {
    let started = Instant::now();
    let mut txn = pool.begin().await.map_err(pg_err)?;

    let table = facts::table::<M>();
    let columns = facts::columns::<M>();
    let names = columns
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let keys = M::key_columns();
    let key_types = key_types::<M>();
    let key_aliases = (0..keys.len())
        .map(|i| format!("k{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let key_join = keys
        .iter()
        .enumerate()
        .map(|(i, c)| format!("t.\"{}\" = s.k{i}", c.as_str()))
        .collect::<Vec<_>>()
        .join(" AND ");
    let arrays = key_types
        .iter()
        .enumerate()
        .map(|(i, kind)| format!("${}::{}[]", i + 2, KeyArray::new(kind, 0).1))
        .collect::<Vec<_>>()
        .join(", ");
    // A chunk's keys are distinct (`super::prepare`), so a join needs no de-duplication.
    let delete_sql = format!(
        "DELETE FROM \"{table}\" AS t USING unnest({arrays}) AS s({key_aliases}) \
         WHERE t.publisher_id = $1 AND {key_join} \
         RETURNING t.*, ((t.xmin::text::bigint - pg_current_xact_id()::text::bigint \
         % 4294967296 + 4294967296) % 4294967296) < 2147483648 AS written_by_batch"
    );
    let copy_sql = format!("COPY \"{table}\" ({names}) FROM STDIN");

    let mut progress = Progress::default();
    // The replaced rows' contributions, taken out of what the rows added at the end.
    let mut removed = Rollups::default();
    let mut optimistic = true;
    let (mut delete_ms, mut copy_ms) = (0u128, 0u128);
    let (digest, counted) = loop {
        let (rows, Encoded { text, keys }) = match source.recv().await {
            Some(Prepared::Chunk { rows, data }) => (rows, data),
            Some(Prepared::End { digest, counted }) => break (digest, counted),
            None => {
                txn.rollback().await.map_err(pg_err)?;
                return Err(StoreError::Incomplete);
            }
        };

        if optimistic {
            // New keys (the common case) need no lookup: copy under a savepoint, and
            // only if a key exists, go back and take the restated rows out first.
            let phase = Instant::now();
            plain(&mut txn, "SAVEPOINT chunk").await?;
            match copy(&mut txn, &copy_sql, &text).await {
                Ok(()) => {
                    plain(&mut txn, "RELEASE SAVEPOINT chunk").await?;
                    copy_ms += phase.elapsed().as_millis();
                    progress.written(rows, 0, 0);
                    continue;
                }
                Err(e) if is_unique_violation(&e) => {
                    plain(&mut txn, "ROLLBACK TO SAVEPOINT chunk").await?;
                    // A batch that restates rows likely restates more: look up first
                    // from now on.
                    optimistic = false;
                }
                Err(e) => return Err(pg_err(e)),
            }
        }

        let phase = Instant::now();
        let mut query = sqlx::query(AssertSqlSafe(delete_sql.clone())).bind(meta.publisher_id);
        for array in keys {
            query = match array {
                KeyArray::Text(v) => query.bind(v),
                KeyArray::Date(v) => query.bind(v),
                KeyArray::BigInt(v) => query.bind(v),
            };
        }
        let old = query.fetch_all(&mut *txn).await.map_err(pg_err)?;
        let (mut replaced, mut earlier) = (0u64, 0u64);
        for row in old {
            let mine: bool = row.try_get("written_by_batch").map_err(pg_err)?;
            let old = M::from_query_result(&QueryResult::from(row), "")?;
            old.contribute(-1, &mut removed);
            replaced += 1;
            earlier += u64::from(mine);
        }
        delete_ms += phase.elapsed().as_millis();

        let phase = Instant::now();
        copy(&mut txn, &copy_sql, &text).await.map_err(pg_err)?;
        copy_ms += phase.elapsed().as_millis();
        progress.written(rows, replaced, earlier);
    };
    tracing::debug!(
        batch_key = %meta.batch_key,
        table,
        rows = progress.rows,
        replaced = progress.replaced,
        delete_ms,
        copy_ms,
        "facts written"
    );

    let mut rollups = counted.finish(removed, &mut progress);
    let digest = digest.unwrap_or_else(|| meta.content_sha256.clone());
    let batch_id = Uuid::now_v7();
    let claim = super::claim_statement(
        DbBackend::Postgres,
        meta,
        &digest,
        dataset,
        batch_id,
        &progress,
        started,
    );
    if execute(&mut txn, claim).await? == 0 {
        txn.rollback().await.map_err(pg_err)?;
        return Ok(Written::KeyTaken(digest));
    }
    let phase = Instant::now();
    for names in rollups.take_names() {
        insert_names(&mut txn, meta.publisher_id, names).await?;
    }
    for statement in
        super::closing_statements(DbBackend::Postgres, meta, dataset, &progress, rollups)?
    {
        execute(&mut txn, statement).await?;
    }
    let rollup_ms = phase.elapsed().as_millis();
    let phase = Instant::now();
    txn.commit().await.map_err(pg_err)?;
    tracing::debug!(
        batch_key = %meta.batch_key,
        rollup_ms,
        commit_ms = phase.elapsed().as_millis(),
        total_ms = started.elapsed().as_millis(),
        "batch stored"
    );
    if progress.rows >= ANALYZE_AFTER_ROWS {
        refresh_statistics(pool, &table).await;
        // The rollups the batch added to: without statistics the planner estimated one
        // row for a period's scan of them.
        for rollup in rollup_tables(dataset) {
            refresh_statistics(pool, rollup).await;
        }
    }
    Ok(Written::Stored(StoreOutcome {
        batch_id,
        rows: progress.rows,
        replaced: progress.replaced,
        replayed: false,
    }))
}
