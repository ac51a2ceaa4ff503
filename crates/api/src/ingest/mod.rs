//! Ingestion: batches of a dataset in CSV or JSON lines, validated row by row against
//! the data dictionary and the publisher's customers, offers and plans
//! ([`references`]), then written through the one store path.
//!
//! A batch with any bad row is refused whole; the refusal lists each bad row (line,
//! column, reason), the first [`MAX_REPORTED`] of them, and how many there were.

pub mod convert;
pub mod handlers;
pub mod references;

use chrono::Datelike;
use std::io::Read;
use std::str::FromStr;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IdenStatic, Iterable,
    TryIntoModel, Value,
};
use serde::Serialize;
use shared::dictionary::{AzureLicenseType, Column, Dataset};

use crate::db::entities::{customers, licenses, orders, payouts, usage};
use references::{Known, References};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::store::{
    BatchMeta, CHUNK_ROWS, Fact, FactBatch, Piece, StoreError, StoreOutcome, store_stream,
};

/// How many bad rows a refusal lists; the total is always given.
pub const MAX_REPORTED: usize = 1_000;
/// The longest cell accepted, in bytes.
pub const MAX_CELL_BYTES: usize = 4_096;

/// The media type of an Excel workbook.
pub const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A batch's encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row of dictionary names.
    Csv,
    /// One JSON object per line, keyed by dictionary names (PascalCase or camelCase).
    JsonLines,
    /// An Excel workbook (.xlsx): the named sheet, or the first, with a header row.
    Excel(Option<String>),
}

impl Format {
    /// The format of a media type (`text/csv`, `application/x-ndjson`, ...).
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/csv" | "application/csv" => Some(Format::Csv),
            "application/x-ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
            | "application/jsonlines" => Some(Format::JsonLines),
            XLSX_MEDIA_TYPE => Some(Format::Excel(None)),
            _ => None,
        }
    }

    /// The format a file name's extension suggests.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "xlsx" => Some(Format::Excel(None)),
            _ => None,
        }
    }
}

/// One reason a batch was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    /// The line of the file (1 is the CSV header or the first JSON line); 0 for the file as a whole.
    pub line: u64,
    /// The column at fault, by its dictionary name, when one is.
    pub column: Option<String>,
    /// Why.
    pub reason: String,
}

/// Why a batch was refused: its bad rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejection {
    /// How many problems there were in all.
    pub total: u64,
    /// The first [`MAX_REPORTED`] of them.
    pub errors: Vec<RowError>,
}

impl Rejection {
    pub(crate) fn push(&mut self, line: u64, column: Option<&str>, reason: impl Into<String>) {
        self.total += 1;
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(RowError {
                line,
                column: column.map(str::to_owned),
                reason: reason.into(),
            });
        }
    }

    fn merge(&mut self, other: Rejection) {
        self.total += other.total;
        let room = MAX_REPORTED.saturating_sub(self.errors.len());
        self.errors.extend(other.errors.into_iter().take(room));
    }

    fn file(reason: impl Into<String>) -> Self {
        let mut r = Rejection::default();
        r.push(0, None, reason);
        r
    }
}

/// Why an ingestion failed.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The content is not a valid batch; nothing was written.
    #[error("the batch was refused: {} problem(s)", .0.total)]
    Rejected(Rejection),
    /// The store path refused it (a reused key, ...) or the database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Parses, validates and stores `content` as a batch of `dataset` for `publisher_id`.
pub async fn ingest(
    db: &DatabaseConnection,
    publisher_id: i64,
    dataset: Dataset,
    format: Format,
    batch_key: &str,
    content: &[u8],
    source: &'static str,
) -> Result<StoreOutcome, IngestError> {
    let digest = BatchMeta::digest(content);
    ingest_reader(
        db,
        publisher_id,
        dataset,
        format,
        batch_key,
        Some(digest),
        std::io::Cursor::new(content.to_vec()),
        source,
    )
    .await
}

/// Reads, validates and stores a batch of `dataset` for `publisher_id` as a stream: the
/// rows are parsed on a blocking thread and written in chunks of
/// [`CHUNK_ROWS`](crate::store::CHUNK_ROWS) inside the batch's one transaction, which is
/// rolled back at the first bad row (the rest is still read, to list every problem).
/// Memory stays bounded whatever the batch's size, except for Excel workbooks, which are
/// read whole (within [`convert::MAX_XLSX_UNCOMPRESSED`] and [`convert::MAX_XLSX_CELLS`]).
///
/// `content_sha256` is the content's SHA-256 when the caller knows it; otherwise it is
/// computed as the content is read. When the key was used before, the content is only
/// hashed and compared: the same content is a replay, other content a conflict.
#[allow(clippy::too_many_arguments)]
pub async fn ingest_reader<R: Read + Send + 'static>(
    db: &DatabaseConnection,
    publisher_id: i64,
    dataset: Dataset,
    format: Format,
    batch_key: &str,
    content_sha256: Option<String>,
    mut reader: R,
    source: &'static str,
) -> Result<StoreOutcome, IngestError> {
    let mut meta = BatchMeta {
        publisher_id,
        batch_key: batch_key.to_owned(),
        content_sha256: content_sha256.clone().unwrap_or_default(),
        source,
    };
    // A key used before: the same content is a replay and a conflict otherwise; either
    // way the content is only hashed.
    if crate::store::stored_digest(db, publisher_id, dataset, batch_key)
        .await
        .map_err(StoreError::from)?
        .is_some()
    {
        if content_sha256.is_none() {
            let digest = tokio::task::spawn_blocking(move || BatchMeta::digest_reader(&mut reader))
                .await
                .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
            meta.content_sha256 = digest.map_err(|e| {
                IngestError::Rejected(Rejection::file(format!("the content cannot be read: {e}")))
            })?;
        }
        return Ok(crate::store::replay(db, &meta, dataset).await?);
    }
    let hash = content_sha256.is_none();
    match dataset {
        Dataset::Orders => run::<orders::Entity, R>(db, meta, dataset, format, reader, hash).await,
        Dataset::Usage => run::<usage::Entity, R>(db, meta, dataset, format, reader, hash).await,
        Dataset::Customers => {
            run::<customers::Entity, R>(db, meta, dataset, format, reader, hash).await
        }
        Dataset::Licenses => {
            run::<licenses::Entity, R>(db, meta, dataset, format, reader, hash).await
        }
        Dataset::Payouts => {
            run::<payouts::Entity, R>(db, meta, dataset, format, reader, hash).await
        }
    }
}

/// A reader that hashes what it reads.
struct Hashing<R> {
    inner: R,
    hasher: Option<Sha256>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

async fn run<E, R>(
    db: &DatabaseConnection,
    meta: BatchMeta,
    dataset: Dataset,
    format: Format,
    reader: R,
    hash: bool,
) -> Result<StoreOutcome, IngestError>
where
    E: EntityTrait,
    E::Model: Fact + References,
    E::ActiveModel: ActiveModelTrait<Entity = E> + TryIntoModel<E::Model>,
    R: Read + Send + 'static,
{
    let publisher_id = meta.publisher_id;
    // The customers, offers and plans rows may name, read once (before the batch's write
    // transaction: they only grow, as restated rows keep their keys).
    let mut known = Known::load(db, publisher_id, dataset)
        .await
        .map_err(StoreError::from)?;
    let (sender, receiver) = mpsc::channel(2);
    let parser = tokio::task::spawn_blocking(move || {
        let mut reader = Hashing {
            inner: reader,
            hasher: hash.then(Sha256::new),
        };
        let mut out = Output::Send(Some(sender));
        let parsed = parse_rows::<E>(
            dataset,
            format,
            publisher_id,
            &mut known,
            &mut reader,
            &mut out,
        );
        if parsed.is_ok()
            && let Output::Send(Some(sender)) = out
        {
            // Read to the end, so the digest covers all of it, then complete the batch.
            let digest = reader.hasher.take().map(|mut h| {
                let _ = std::io::copy(&mut reader.inner, &mut HashSink(&mut h));
                hex::encode(h.finalize())
            });
            let _ = sender.blocking_send(Piece::End(digest));
        }
        parsed
    });
    let stored = store_stream(db, &meta, receiver).await;
    let parsed = parser
        .await
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("the parser failed: {e}"))))?;
    match parsed {
        Err(rejection) => Err(IngestError::Rejected(rejection)),
        Ok(()) => Ok(stored?),
    }
}

struct HashSink<'a>(&'a mut Sha256);

impl std::io::Write for HashSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where parsed rows go.
enum Output<M> {
    /// Into a vector (parsing without storing).
    Collect(Vec<M>),
    /// In chunks to the store path; `None` once the batch is refused or the writer is gone.
    Send(Option<mpsc::Sender<Piece<M>>>),
}

/// Parses and validates `content` into rows of `dataset`, refusing it whole on any bad row;
/// references are checked against `known` (the publisher's keys, [`Known::load`]).
pub fn parse(
    dataset: Dataset,
    format: Format,
    publisher_id: i64,
    known: &mut Known,
    content: &[u8],
) -> Result<FactBatch, Rejection> {
    fn collect<E>(
        dataset: Dataset,
        format: Format,
        publisher_id: i64,
        known: &mut Known,
        content: &[u8],
    ) -> Result<Vec<E::Model>, Rejection>
    where
        E: EntityTrait,
        E::Model: References,
        E::ActiveModel: ActiveModelTrait<Entity = E> + TryIntoModel<E::Model>,
    {
        let mut out = Output::Collect(Vec::new());
        parse_rows::<E>(
            dataset,
            format,
            publisher_id,
            known,
            &mut { content },
            &mut out,
        )?;
        match out {
            Output::Collect(rows) => Ok(rows),
            Output::Send(_) => Ok(Vec::new()),
        }
    }
    Ok(match dataset {
        Dataset::Orders => FactBatch::Orders(collect::<orders::Entity>(
            dataset,
            format,
            publisher_id,
            known,
            content,
        )?),
        Dataset::Usage => FactBatch::Usage(collect::<usage::Entity>(
            dataset,
            format,
            publisher_id,
            known,
            content,
        )?),
        Dataset::Customers => FactBatch::Customers(collect::<customers::Entity>(
            dataset,
            format,
            publisher_id,
            known,
            content,
        )?),
        Dataset::Licenses => FactBatch::Licenses(collect::<licenses::Entity>(
            dataset,
            format,
            publisher_id,
            known,
            content,
        )?),
        Dataset::Payouts => FactBatch::Payouts(collect::<payouts::Entity>(
            dataset,
            format,
            publisher_id,
            known,
            content,
        )?),
    })
}

/// A dictionary column and the table column it is stored in.
struct Target<E: EntityTrait> {
    dictionary: &'static Column,
    column: E::Column,
    /// The table column's type and whether it takes null (read once: `def()` builds a
    /// column definition each time).
    sql: sea_orm::sea_query::ColumnType,
    nullable: bool,
}

/// The columns of `dataset` in dictionary order, each with its table column.
fn targets<E: EntityTrait>(dataset: Dataset) -> Result<Vec<Target<E>>, Rejection> {
    dataset
        .columns()
        .iter()
        .map(|c| {
            E::Column::from_str(&c.db_name())
                .map(|column| {
                    let def = column.def();
                    Target {
                        dictionary: c,
                        column,
                        sql: def.get_column_type().clone(),
                        nullable: def.is_null(),
                    }
                })
                .map_err(|_| {
                    Rejection::file(format!("internal: column {} has no table column", c.name))
                })
        })
        .collect()
}

/// Whether the dataset's Channel follows from its AzureLicenseType column (Payouts has
/// a Channel but no license type, so there it must be given).
fn derives_channel<E: EntityTrait>(targets: &[Target<E>]) -> bool {
    targets
        .iter()
        .any(|t| t.dictionary.name == "AzureLicenseType")
}

/// A column may be left out when the table allows null, or when it is derived.
fn optional<E: EntityTrait>(target: &Target<E>, derives_channel: bool) -> bool {
    target.nullable || (derives_channel && target.dictionary.name == "Channel")
}

/// Reads every row of `reader`, validating each (its cells, then the customers, offers and
/// plans it names, against `known`); valid rows go to `out` while there are no
/// problems. At the first problem, rows stop going out (a writer sees its source end
/// without completing, and rolls back) but reading goes on, to list every problem.
fn parse_rows<E>(
    dataset: Dataset,
    format: Format,
    publisher_id: i64,
    known: &mut Known,
    reader: &mut dyn Read,
    out: &mut Output<E::Model>,
) -> Result<(), Rejection>
where
    E: EntityTrait,
    E::Model: References,
    E::ActiveModel: ActiveModelTrait<Entity = E> + TryIntoModel<E::Model>,
{
    let targets = targets::<E>(dataset)?;
    let names = targets_names(&targets);
    let derives = derives_channel(&targets);
    let mut rejection = Rejection::default();
    let mut rows = 0u64;
    let mut chunk: Vec<E::Model> = Vec::new();
    let mut on_row = |line: u64, cells: &[Option<&str>], rejection: &mut Rejection| -> bool {
        rows += 1;
        let built = build_row::<E>(&targets, derives, publisher_id, cells).and_then(|model| {
            let mut problems = Vec::new();
            model.check_references(known, line, &mut problems);
            if problems.is_empty() {
                Ok(model)
            } else {
                Err(problems)
            }
        });
        match built {
            Ok(model) => {
                if rejection.total > 0 {
                    return true;
                }
                match out {
                    Output::Collect(all) => all.push(model),
                    Output::Send(None) => return false,
                    Output::Send(Some(sender)) => {
                        chunk.push(model);
                        if chunk.len() >= CHUNK_ROWS {
                            let full =
                                std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
                            if sender.blocking_send(Piece::Rows(full)).is_err() {
                                // The writer is gone (it failed); its outcome says why.
                                *out = Output::Send(None);
                                return false;
                            }
                        }
                    }
                }
            }
            Err(errors) => {
                for (column, reason) in errors {
                    rejection.push(line, Some(column), reason);
                }
            }
        }
        if rejection.total > 0 {
            // Refused: the writer rolls back as soon as its source ends incomplete.
            if let Output::Send(sender) = out {
                *sender = None;
            }
            chunk = Vec::new();
        }
        true
    };
    match format {
        Format::Excel(sheet) => {
            let mut content = Vec::new();
            reader
                .read_to_end(&mut content)
                .map_err(|e| Rejection::file(format!("the workbook cannot be read: {e}")))?;
            let records = convert::excel_records(dataset, &names, &content, sheet.as_deref())?;
            drop(content);
            for record in records {
                let cells: Vec<Option<&str>> = record.cells.iter().map(|c| c.as_deref()).collect();
                if !on_row(record.line, &cells, &mut rejection) {
                    break;
                }
            }
        }
        Format::Csv => convert::csv_rows(dataset, &names, reader, &mut rejection, &mut on_row),
        Format::JsonLines => {
            convert::json_rows(dataset, &names, reader, &mut rejection, &mut on_row)
        }
    }
    if rejection.total > 0 {
        if let Output::Send(sender) = out {
            *sender = None;
        }
        return Err(rejection);
    }
    if rows == 0 {
        if let Output::Send(sender) = out {
            *sender = None;
        }
        return Err(Rejection::file("the file holds no rows"));
    }
    if let Output::Send(Some(sender)) = out
        && !chunk.is_empty()
        && sender.blocking_send(Piece::Rows(chunk)).is_err()
    {
        *out = Output::Send(None);
    }
    Ok(())
}

fn targets_names<E: EntityTrait>(targets: &[Target<E>]) -> Vec<(&'static str, bool)> {
    let derives = derives_channel(targets);
    targets
        .iter()
        .map(|t| (t.dictionary.name, optional(t, derives)))
        .collect()
}

/// Builds one row from its cells (one per dictionary column, `None` when absent or empty).
fn build_row<E>(
    targets: &[Target<E>],
    derives_channel: bool,
    publisher_id: i64,
    cells: &[Option<&str>],
) -> Result<E::Model, Vec<(&'static str, String)>>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + TryIntoModel<E::Model>,
{
    let mut active = E::ActiveModel::default();
    let mut errors = Vec::new();
    if let Ok(publisher) = E::Column::from_str("publisher_id") {
        active.set(publisher, Value::from(publisher_id));
    }
    let mut azure_license_type = None;
    let mut channel_target = None;
    for (target, cell) in targets.iter().zip(cells) {
        if derives_channel && target.dictionary.name == "Channel" {
            channel_target = Some((target, *cell));
            continue;
        }
        let optional = optional(target, derives_channel);
        match convert::value(target.dictionary, &target.sql, *cell, optional) {
            Ok(Value::ChronoDate(Some(d)))
                if target.dictionary.name == "MonthStartDate" && d.day() != 1 =>
            {
                errors.push((
                    target.dictionary.name,
                    format!("{d} is not the first day of a month"),
                ));
            }
            Ok(value) => {
                if target.dictionary.name == "AzureLicenseType"
                    && let Value::String(Some(name)) = &value
                {
                    azure_license_type = AzureLicenseType::from_name(name);
                }
                active.set(target.column, value);
            }
            Err(reason) => errors.push((target.dictionary.name, reason)),
        }
    }
    // The channel follows from the Azure license type; a given one must agree with it.
    if let Some((target, cell)) = channel_target {
        let derived = azure_license_type.map(|t| t.channel().name());
        match (cell.map(str::trim), derived) {
            (Some(given), Some(expected)) if !given.eq_ignore_ascii_case(expected) => {
                errors.push((
                    "Channel",
                    format!(
                        "'{given}' does not match AzureLicenseType, whose channel is '{expected}'"
                    ),
                ))
            }
            (_, Some(expected)) => active.set(target.column, Value::from(expected.to_owned())),
            (_, None) => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    active
        .try_into_model()
        .map_err(|e| vec![("(row)", format!("incomplete row: {e}"))])
}

/// The stored batches, newest first, of one publisher or all, at most `limit`.
pub async fn list_batches(
    db: &DatabaseConnection,
    publisher_id: Option<i64>,
    limit: u64,
) -> Result<Vec<shared::ingest::IngestBatch>, sea_orm::DbErr> {
    use crate::db::entities::{ingest_batches, publishers};
    use sea_orm::{QueryFilter, QueryOrder, QuerySelect};

    let mut query = ingest_batches::Entity::find()
        .order_by_desc(ingest_batches::Column::CreatedAt)
        .limit(limit);
    if let Some(id) = publisher_id {
        query = query.filter(ingest_batches::Column::PublisherId.eq(id));
    }
    let slugs: std::collections::HashMap<i64, String> = publishers::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.publisher_id, p.slug))
        .collect();
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|b| shared::ingest::IngestBatch {
            batch_id: b.batch_id.to_string(),
            publisher: slugs.get(&b.publisher_id).cloned().unwrap_or_default(),
            dataset: b.dataset,
            batch_key: b.batch_key,
            source: b.source,
            rows: b.row_count.max(0) as u64,
            replaced: b.replaced_count.max(0) as u64,
            created_at: b.created_at,
            duration_ms: b.duration_ms.max(0) as u64,
        })
        .collect())
}

/// The names of a dataset's table columns that no dictionary column fills, besides the
/// publisher key; empty when the dictionary and the table agree.
pub fn unmapped_table_columns<E: EntityTrait>(dataset: Dataset) -> Vec<String> {
    let names: Vec<String> = dataset.columns().iter().map(Column::db_name).collect();
    E::Column::iter()
        .map(|c| c.as_str().to_owned())
        .filter(|c| c != "publisher_id" && !names.contains(c))
        .collect()
}
