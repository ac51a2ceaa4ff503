//! Ingestion: batches of a dataset in CSV or JSON lines, validated row by row against
//! the data dictionary, then written through the one store path.
//!
//! A batch with any bad row is refused whole; the refusal lists each bad row (line,
//! column, reason), the first [`MAX_REPORTED`] of them, and how many there were.

pub mod convert;
pub mod handlers;

use std::str::FromStr;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IdenStatic, Iterable,
    TryIntoModel, Value,
};
use serde::Serialize;
use shared::dictionary::{AzureLicenseType, Column, Dataset};

use crate::db::entities::{customers, licenses, orders, payouts, usage};
use crate::store::{BatchMeta, FactBatch, StoreError, StoreOutcome, store_batch};

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
    fn push(&mut self, line: u64, column: Option<&str>, reason: impl Into<String>) {
        self.total += 1;
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(RowError {
                line,
                column: column.map(str::to_owned),
                reason: reason.into(),
            });
        }
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
    let batch = parse(dataset, format, publisher_id, content).map_err(IngestError::Rejected)?;
    let meta = BatchMeta {
        publisher_id,
        batch_key: batch_key.to_owned(),
        content_sha256: BatchMeta::digest(content),
        source,
    };
    Ok(store_batch(db, &meta, batch).await?)
}

/// Parses and validates `content` into rows of `dataset`, refusing it whole on any bad row.
pub fn parse(
    dataset: Dataset,
    format: Format,
    publisher_id: i64,
    content: &[u8],
) -> Result<FactBatch, Rejection> {
    Ok(match dataset {
        Dataset::Orders => FactBatch::Orders(parse_as::<orders::Entity>(
            dataset,
            format,
            publisher_id,
            content,
        )?),
        Dataset::Usage => FactBatch::Usage(parse_as::<usage::Entity>(
            dataset,
            format,
            publisher_id,
            content,
        )?),
        Dataset::Customers => FactBatch::Customers(parse_as::<customers::Entity>(
            dataset,
            format,
            publisher_id,
            content,
        )?),
        Dataset::Licenses => FactBatch::Licenses(parse_as::<licenses::Entity>(
            dataset,
            format,
            publisher_id,
            content,
        )?),
        Dataset::Payouts => FactBatch::Payouts(parse_as::<payouts::Entity>(
            dataset,
            format,
            publisher_id,
            content,
        )?),
    })
}

/// A dictionary column and the table column it is stored in.
struct Target<E: EntityTrait> {
    dictionary: &'static Column,
    column: E::Column,
}

/// The columns of `dataset` in dictionary order, each with its table column.
fn targets<E: EntityTrait>(dataset: Dataset) -> Result<Vec<Target<E>>, Rejection> {
    dataset
        .columns()
        .iter()
        .map(|c| {
            E::Column::from_str(&c.db_name())
                .map(|column| Target {
                    dictionary: c,
                    column,
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
    target.column.def().is_null() || (derives_channel && target.dictionary.name == "Channel")
}

fn parse_as<E>(
    dataset: Dataset,
    format: Format,
    publisher_id: i64,
    content: &[u8],
) -> Result<Vec<E::Model>, Rejection>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + TryIntoModel<E::Model>,
{
    let targets = targets::<E>(dataset)?;
    let names = targets_names(&targets);
    let records = match format {
        Format::Excel(sheet) => convert::excel_records(dataset, &names, content, sheet.as_deref())?,
        Format::Csv | Format::JsonLines => {
            let text = std::str::from_utf8(content).map_err(|e| {
                Rejection::file(format!(
                    "the file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                    e.valid_up_to()
                ))
            })?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            if format == Format::Csv {
                convert::csv_records(dataset, &names, text)?
            } else {
                convert::json_records(dataset, &names, text)?
            }
        }
    };
    let mut rejection = Rejection::default();
    let mut rows = Vec::with_capacity(records.len());
    let derives = derives_channel(&targets);
    for record in records {
        match build_row::<E>(&targets, derives, publisher_id, &record.cells) {
            Ok(model) => rows.push(model),
            Err(errors) => {
                for (column, reason) in errors {
                    rejection.push(record.line, Some(column), reason);
                }
            }
        }
    }
    if rows.is_empty() && rejection.total == 0 {
        return Err(Rejection::file("the file holds no rows"));
    }
    if rejection.total > 0 {
        return Err(rejection);
    }
    Ok(rows)
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
    cells: &[Option<String>],
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
            channel_target = Some((target, cell.clone()));
            continue;
        }
        let optional = optional(target, derives_channel);
        match convert::value(
            target.dictionary,
            target.column.def().get_column_type(),
            cell.as_deref(),
            optional,
        ) {
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
        match (cell.as_deref().map(str::trim), derived) {
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
