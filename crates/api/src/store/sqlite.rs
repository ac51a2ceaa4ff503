//! The SQLite writer: a connection of its own to the database file, on a blocking thread.
//!
//! Every row is one execution of a prepared single-row `INSERT ... ON CONFLICT DO
//! NOTHING`, its values (moved out of the row on the preparing stage's thread,
//! `super::prepare`) bound one by one: no statement text is built per row. A row that
//! meets an existing key is the rare path: the old row is read, taken out of the
//! rollups and deleted, and the insert runs again. Rows this
//! batch wrote have rowids above the table's largest at the start (the batch holds the
//! write lock), which tells a key repeated within the batch from a restated old row.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, LazyLock, Mutex};
use std::time::Instant;

use chrono::SecondsFormat;
use rusqlite::types::{ToSqlOutput, Value as Lite, ValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use sea_orm::sea_query::ColumnType;
use sea_orm::{ColumnTrait, DbBackend, DbErr, IdenStatic, Statement, Value};
use shared::dictionary::Dataset;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::facts::{self, Fact};
use super::rollups::Rollups;
use super::{BatchMeta, Prepared, Progress, StoreError, StoreOutcome, Written};

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("SQLite: {e}")))
}

/// A value as SQLite holds it, encoded as sqlx encodes it (the pool reads these rows).
fn lite(value: &Value) -> Result<ToSqlOutput<'_>, StoreError> {
    use ToSqlOutput::{Borrowed, Owned};
    Ok(match value {
        Value::Bool(Some(b)) => Owned(Lite::Integer(i64::from(*b))),
        Value::TinyInt(Some(i)) => Owned(Lite::Integer(i64::from(*i))),
        Value::SmallInt(Some(i)) => Owned(Lite::Integer(i64::from(*i))),
        Value::Int(Some(i)) => Owned(Lite::Integer(i64::from(*i))),
        Value::BigInt(Some(i)) => Owned(Lite::Integer(*i)),
        Value::String(Some(s)) => Borrowed(ValueRef::Text(s.as_bytes())),
        Value::ChronoDate(Some(d)) => Owned(Lite::Text(d.format("%F").to_string())),
        Value::ChronoDateTimeUtc(Some(t)) => {
            Owned(Lite::Text(t.to_rfc3339_opts(SecondsFormat::AutoSi, false)))
        }
        Value::Uuid(Some(u)) => Borrowed(ValueRef::Blob(u.as_bytes())),
        Value::Bool(None)
        | Value::TinyInt(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::String(None)
        | Value::ChronoDate(None)
        | Value::ChronoDateTimeUtc(None)
        | Value::Uuid(None) => Owned(Lite::Null),
        other => {
            return Err(StoreError::Db(DbErr::Custom(format!(
                "no SQLite encoding for {other:?}"
            ))));
        }
    })
}

/// A stored value back, by its column's type.
fn read(row: &rusqlite::Row<'_>, i: usize, kind: &ColumnType) -> Result<Value, StoreError> {
    let parse = |e: String| StoreError::Db(DbErr::Custom(e));
    Ok(match kind {
        ColumnType::BigInteger => Value::BigInt(row.get(i).map_err(db_err)?),
        ColumnType::Integer | ColumnType::SmallInteger | ColumnType::TinyInteger => {
            Value::Int(row.get(i).map_err(db_err)?)
        }
        ColumnType::Boolean => Value::Bool(
            row.get::<_, Option<i64>>(i)
                .map_err(db_err)?
                .map(|b| b != 0),
        ),
        ColumnType::Date => Value::ChronoDate(
            row.get::<_, Option<String>>(i)
                .map_err(db_err)?
                .map(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d"))
                .transpose()
                .map_err(|e| parse(format!("a stored date: {e}")))?,
        ),
        ColumnType::TimestampWithTimeZone => Value::ChronoDateTimeUtc(
            row.get::<_, Option<String>>(i)
                .map_err(db_err)?
                .map(|t| {
                    chrono::DateTime::parse_from_rfc3339(&t)
                        .or_else(|_| chrono::DateTime::parse_from_str(&t, "%F %T%.f%#z"))
                        .map(|t| t.with_timezone(&chrono::Utc))
                })
                .transpose()
                .map_err(|e| parse(format!("a stored timestamp: {e}")))?,
        ),
        _ => Value::String(row.get(i).map_err(db_err)?),
    })
}

/// Binds `value` as parameter `index`; dates are written on the stack, not allocated.
fn bind(
    statement: &mut rusqlite::Statement<'_>,
    index: usize,
    value: &Value,
) -> Result<(), StoreError> {
    if let Value::ChronoDate(Some(d)) = value {
        let text = facts::date_text(*d);
        return statement
            .raw_bind_parameter(index, ToSqlOutput::Borrowed(ValueRef::Text(&text)))
            .map_err(db_err);
    }
    statement
        .raw_bind_parameter(index, lite(value)?)
        .map_err(db_err)
}

fn bind_all(
    statement: &mut rusqlite::Statement<'_>,
    first: usize,
    values: &[Value],
) -> Result<(), StoreError> {
    for (i, value) in values.iter().enumerate() {
        bind(statement, first + i, value)?;
    }
    Ok(())
}

fn execute(conn: &Connection, statement: &Statement) -> Result<usize, StoreError> {
    let mut prepared = conn.prepare(&statement.sql).map_err(db_err)?;
    if let Some(values) = &statement.values {
        for (i, v) in values.0.iter().enumerate() {
            prepared
                .raw_bind_parameter(i + 1, lite(v)?)
                .map_err(db_err)?;
        }
    }
    prepared.raw_execute().map_err(db_err)
}

fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(db_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(db_err)?;
    // The pool's settings (db/mod.rs; WAL mode is the file's, set when the pool opened
    // it), with the large page cache of a writer: 128 MiB. A batch into a database
    // already holding a million usage rows inserts into the primary key's pages all over
    // it; 200,000 rows took 4.23 s with 64 MiB, 3.53 s with 128 MiB, 3.31 s with
    // 256 MiB (peak RSS 160, 241, 398 MB; docs/ingest-performance.md).
    // The writer never checkpoints on commit: `checkpoint_later` does, off the batch's path.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA temp_store = memory; PRAGMA cache_size = -131072; \
         PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;",
    )
    .map_err(db_err)?;
    Ok(conn)
}

/// Whether a checkpoint of a database file is running, per file: the next batch waits
/// for it. The write-ahead log starts over (and is cut back to `journal_size_limit`)
/// only when a write begins after a checkpoint has copied all of it; batches sent back
/// to back would otherwise always begin while the previous one's checkpoint still runs,
/// and the log would grow by every batch until the last connection closed (18 GB after
/// ten minutes of the 10M demo load).
type Gate = Arc<(Mutex<bool>, Condvar)>;

fn checkpoint_gate(path: &Path) -> Gate {
    static GATES: LazyLock<Mutex<HashMap<PathBuf, Gate>>> = LazyLock::new(Default::default);
    let mut gates = GATES.lock().unwrap_or_else(|e| e.into_inner());
    gates.entry(path.to_path_buf()).or_default().clone()
}

/// Waits until no checkpoint of the file at `path` is running.
fn wait_for_checkpoint(path: &Path) {
    let gate = checkpoint_gate(path);
    let (running, done) = &*gate;
    let mut running = running.lock().unwrap_or_else(|e| e.into_inner());
    while *running {
        running = done.wait(running).unwrap_or_else(|e| e.into_inner());
    }
}

/// Copies the batch's pages from the write-ahead log into the database file on a thread
/// of its own, once the batch is committed (and durable in the log): the answer does not
/// wait for it, the next batch does ([`wait_for_checkpoint`]). A passive checkpoint never
/// blocks readers; what it leaves, the next checkpoint (or the last connection to close)
/// copies.
fn checkpoint_later(conn: Connection, path: &Path) {
    let gate = checkpoint_gate(path);
    set_running(&gate, true);
    let finishing = gate.clone();
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".to_owned())
        .spawn(move || {
            let started = Instant::now();
            match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
            }) {
                Ok((log, copied)) => tracing::debug!(
                    log_pages = log,
                    copied_pages = copied,
                    checkpoint_ms = started.elapsed().as_millis(),
                    "checkpoint"
                ),
                Err(e) => tracing::warn!(error = %e, "checkpoint after a batch failed"),
            }
            set_running(&finishing, false);
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread for the checkpoint after a batch");
        set_running(&gate, false);
    }
}

fn set_running(gate: &Gate, value: bool) {
    let (running, done) = &**gate;
    *running.lock().unwrap_or_else(|e| e.into_inner()) = value;
    done.notify_all();
}

/// Writes the batch, unless its key is taken.
pub fn store<M: Fact>(
    path: &Path,
    meta: &BatchMeta,
    dataset: Dataset,
    mut source: mpsc::Receiver<Prepared<Vec<Vec<Value>>>>,
) -> Result<Written, StoreError> {
    let started = Instant::now();
    wait_for_checkpoint(path);
    let mut conn = open(path)?;
    let txn = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_err)?;

    let table = facts::table::<M>();
    let columns = facts::columns::<M>();
    let kinds: Vec<ColumnType> = columns
        .iter()
        .map(|c| c.def().get_column_type().clone())
        .collect();
    let names = columns
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let marks = vec!["?"; columns.len()].join(", ");
    let keys = M::key_columns();
    let key_index = facts::key_index::<M>()?;
    let key_match = keys
        .iter()
        .map(|c| format!(" AND \"{}\" = ?", c.as_str()))
        .collect::<String>();
    let insert_sql =
        format!("INSERT INTO \"{table}\" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING");
    let find_sql =
        format!("SELECT rowid, {names} FROM \"{table}\" WHERE publisher_id = ?{key_match}");
    let delete_sql = format!("DELETE FROM \"{table}\" WHERE rowid = ?");
    let first_new: i64 = txn
        .query_row(
            &format!("SELECT COALESCE(MAX(rowid), 0) + 1 FROM \"{table}\""),
            [],
            |r| r.get(0),
        )
        .map_err(db_err)?;

    let mut progress = Progress::default();
    // The replaced rows' contributions, taken out of what the rows added at the end.
    let mut removed = Rollups::default();
    let mut insert_ms = 0u128;
    let (digest, counted) = loop {
        let (rows, chunk) = match source.blocking_recv() {
            Some(Prepared::Chunk { rows, data }) => (rows, data),
            Some(Prepared::End { digest, counted }) => break (digest, counted),
            // Dropping the transaction rolls it back.
            None => return Err(StoreError::Incomplete),
        };
        let phase = Instant::now();
        let mut insert = txn.prepare_cached(&insert_sql).map_err(db_err)?;
        let (mut replaced, mut earlier) = (0u64, 0u64);
        for values in chunk {
            bind_all(&mut insert, 1, &values)?;
            if insert.raw_execute().map_err(db_err)? == 1 {
                continue;
            }
            // The key exists: take the old row out, then insert again.
            let mut find = txn.prepare_cached(&find_sql).map_err(db_err)?;
            find.raw_bind_parameter(1, meta.publisher_id)
                .map_err(db_err)?;
            for (i, k) in key_index.iter().enumerate() {
                bind(&mut find, i + 2, &values[*k])?;
            }
            let mut found = find.raw_query();
            let old = found.next().map_err(db_err)?.ok_or_else(|| {
                StoreError::Db(DbErr::Custom(format!(
                    "a row of {table} conflicts with no stored key"
                )))
            })?;
            let rowid: i64 = old.get(0).map_err(db_err)?;
            let old_values = kinds
                .iter()
                .enumerate()
                .map(|(i, kind)| read(old, i + 1, kind))
                .collect::<Result<Vec<_>, _>>()?;
            drop(found);
            M::from_values(old_values)?.contribute(-1, &mut removed);
            replaced += 1;
            if rowid >= first_new {
                earlier += 1;
            }
            txn.prepare_cached(&delete_sql)
                .map_err(db_err)?
                .execute([rowid])
                .map_err(db_err)?;
            bind_all(&mut insert, 1, &values)?;
            insert.raw_execute().map_err(db_err)?;
        }
        insert_ms += phase.elapsed().as_millis();
        progress.written(rows, replaced, earlier);
    };
    tracing::debug!(
        batch_key = %meta.batch_key,
        table,
        rows = progress.rows,
        replaced = progress.replaced,
        insert_ms,
        "facts written"
    );

    let rollups = counted.finish(removed, &mut progress);
    let digest = digest.unwrap_or_else(|| meta.content_sha256.clone());
    let batch_id = Uuid::now_v7();
    let claim = super::claim_statement(
        DbBackend::Sqlite,
        meta,
        &digest,
        dataset,
        batch_id,
        &progress,
        started,
    );
    if execute(&txn, &claim)? == 0 {
        // Dropping the transaction rolls it back.
        return Ok(Written::KeyTaken(digest));
    }
    let phase = Instant::now();
    for statement in
        super::closing_statements(DbBackend::Sqlite, meta, dataset, &progress, rollups)?
    {
        execute(&txn, &statement)?;
    }
    let rollup_ms = phase.elapsed().as_millis();
    let phase = Instant::now();
    txn.commit().map_err(db_err)?;
    checkpoint_later(conn, path);
    tracing::debug!(
        batch_key = %meta.batch_key,
        rollup_ms,
        commit_ms = phase.elapsed().as_millis(),
        total_ms = started.elapsed().as_millis(),
        "batch stored"
    );
    Ok(Written::Stored(StoreOutcome {
        batch_id,
        rows: progress.rows,
        replaced: progress.replaced,
        replayed: false,
    }))
}
