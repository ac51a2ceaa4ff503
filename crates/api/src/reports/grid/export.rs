//! Downloads of a grid's whole filtered result: CSV streamed as it is read, Excel
//! written in constant memory to a temporary file and then streamed.
//!
//! Both read the rows in keyset chunks, so memory stays flat whatever the row count,
//! and neither holds a database transaction open for the download's duration.

use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use futures_util::stream;
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::Value;
use shared::dictionary::ColumnType;
use shared::reports::grid::Cell;
use tokio::io::AsyncReadExt;

use crate::error::ApiError;
use crate::reports::grid::fast::{self, SqliteReader};
use crate::reports::grid::{GridColumn, GridRequest, XLSX_MEDIA_TYPE};

/// Rows read per query while downloading.
pub const CHUNK_ROWS: u64 = 2_000;
/// Data rows per Excel sheet: the format's 1,048,576 rows less the header.
pub const XLSX_SHEET_ROWS: u32 = 1_048_575;

/// A text cell a spreadsheet would run as a formula gets a leading apostrophe
/// (OWASP's advice for CSV injection); numbers and dates are never touched.
pub fn neutralised(column: &GridColumn, text: String) -> String {
    if needs_neutralising(column, &text) {
        format!("'{text}")
    } else {
        text
    }
}

/// Whether [`neutralised`] would prefix the text.
pub fn needs_neutralising(column: &GridColumn, text: &str) -> bool {
    let is_text = matches!(
        column.dictionary.kind,
        ColumnType::Text | ColumnType::Country | ColumnType::Currency | ColumnType::Enumeration(_)
    );
    is_text && text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn attachment(filename: String) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(filename)],
    }
}

/// A piece of a download, or the news that it failed (logged where it happened).
type Chunk = Result<Bytes, ()>;

fn failed() -> actix_web::Error {
    actix_web::error::ErrorInternalServerError("the download failed; see the server log")
}

/// The CSV header: the dictionary's column names.
fn csv_header(columns: &[GridColumn]) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(columns.iter().map(|c| c.dictionary.name))
        .map_err(|e| e.to_string())?;
    writer.into_inner().map_err(|e| e.to_string())
}

/// Streams every row of the request as CSV, headed by the dictionary's column names:
/// through `reader` on SQLite (see `fast.rs`), through the pool otherwise.
pub fn csv(
    db: DatabaseConnection,
    reader: Option<Arc<SqliteReader>>,
    request: GridRequest,
    file_stem: &str,
) -> HttpResponse {
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(4);
    if let Some(reader) = reader {
        tokio::task::spawn_blocking(move || {
            let result = csv_header(request.spec.columns()).and_then(|header| {
                if tx.blocking_send(Ok(Bytes::from(header))).is_err() {
                    return Ok(());
                }
                reader.with(|conn| {
                    fast::write_csv(conn, &request, |bytes| {
                        tx.blocking_send(Ok(Bytes::from(bytes))).is_ok()
                    })
                })
            });
            if let Err(e) = result {
                tracing::error!(error = %e, "CSV download failed while reading rows");
                let _ = tx.blocking_send(Err(()));
            }
        });
    } else {
        actix_web::rt::spawn(pooled_csv(db, request, tx));
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(format!("{file_stem}.csv")))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .streaming(stream::unfold(rx, |mut rx| async move {
            rx.recv()
                .await
                .map(|chunk| (chunk.map_err(|()| failed()), rx))
        }))
}

/// The CSV download through the sqlx pool, in keyset chunks.
async fn pooled_csv(
    db: DatabaseConnection,
    request: GridRequest,
    tx: tokio::sync::mpsc::Sender<Chunk>,
) {
    {
        let columns = request.spec.columns();
        let mut writer = csv::Writer::from_writer(Vec::with_capacity(1 << 16));
        let header: Vec<&str> = columns.iter().map(|c| c.dictionary.name).collect();
        if writer.write_record(&header).is_err() {
            return;
        }
        let mut after: Option<Vec<Value>> = None;
        loop {
            let mut chunk = match request.chunk(&db, after.as_deref(), CHUNK_ROWS).await {
                Ok(chunk) => chunk,
                Err(e) => {
                    tracing::error!(error = %e, "CSV download failed while reading rows");
                    let _ = tx.send(Err(())).await;
                    return;
                }
            };
            let done = (chunk.rows.len() as u64) < CHUNK_ROWS;
            after = chunk.order_values.pop();
            for row in chunk.rows {
                let record = columns
                    .iter()
                    .zip(row)
                    .map(|(c, cell)| neutralised(c, cell.into_text()));
                if writer.write_record(record).is_err() {
                    return;
                }
            }
            let buffer = match writer.into_inner() {
                Ok(buffer) => buffer,
                Err(_) => return,
            };
            if tx.send(Ok(Bytes::from(buffer))).await.is_err() {
                // The client went away; stop reading.
                return;
            }
            if done {
                return;
            }
            writer = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::with_capacity(1 << 16));
        }
    }
}

/// Writes every row of the request into an Excel workbook (constant memory, a new sheet
/// every [`XLSX_SHEET_ROWS`] rows) and streams the file.
pub async fn xlsx(
    db: DatabaseConnection,
    reader: Option<Arc<SqliteReader>>,
    request: GridRequest,
    file_stem: &str,
) -> Result<HttpResponse, ApiError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<Cell>>>(2);
    let columns = request.spec.columns();
    let sheet_name = request.spec.dataset.name();
    let writer = tokio::task::spawn_blocking(move || {
        write_workbook(rx, columns, sheet_name, XLSX_SHEET_ROWS)
    });

    if let Some(reader) = reader {
        // Reading and writing run on two threads, the batches between them bounded.
        tokio::task::spawn_blocking(move || {
            reader.with(|conn| fast::read_cells(conn, &request, |batch| tx.send(batch).is_ok()))
        })
        .await
        .map_err(|e| ApiError::internal(format!("Excel reader stopped: {e}")))?
        .map_err(|e| ApiError::internal(format!("reading the Excel download: {e}")))?;
    } else {
        pooled_cells(&db, &request, tx).await?;
    }
    let file = writer
        .await
        .map_err(|e| ApiError::internal(format!("Excel writer stopped: {e}")))?
        .map_err(|e| ApiError::internal(format!("writing the Excel download: {e}")))?;
    stream_file(file, file_stem).await
}

/// The Excel download's rows through the sqlx pool, in keyset chunks.
async fn pooled_cells(
    db: &DatabaseConnection,
    request: &GridRequest,
    tx: std::sync::mpsc::SyncSender<Vec<Vec<Cell>>>,
) -> Result<(), ApiError> {
    let mut after: Option<Vec<Value>> = None;
    loop {
        let mut chunk = request.chunk(db, after.as_deref(), CHUNK_ROWS).await?;
        let done = (chunk.rows.len() as u64) < CHUNK_ROWS;
        after = chunk.order_values.pop();
        let batch = chunk.rows;
        let sender = tx.clone();
        // The writer thread may be busy; hand the batch over without blocking a worker.
        let sent = tokio::task::spawn_blocking(move || sender.send(batch).is_ok())
            .await
            .unwrap_or(false);
        if !sent || done {
            return Ok(());
        }
    }
}

/// Streams a finished workbook (the temporary file goes when the stream ends).
async fn stream_file(
    file: tempfile::NamedTempFile,
    file_stem: &str,
) -> Result<HttpResponse, ApiError> {
    let handle = tokio::fs::File::open(file.path())
        .await
        .map_err(|e| ApiError::internal(format!("reopening the Excel download: {e}")))?;
    let body = stream::unfold((handle, file), |(mut handle, file)| async move {
        let mut buffer = vec![0u8; 64 * 1024];
        match handle.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((
                    Ok::<_, actix_web::Error>(Bytes::from(buffer)),
                    (handle, file),
                ))
            }
            Err(e) => Some((
                Err(actix_web::error::ErrorInternalServerError(e)),
                (handle, file),
            )),
        }
    });
    Ok(HttpResponse::Ok()
        .content_type(XLSX_MEDIA_TYPE)
        .insert_header(attachment(format!("{file_stem}.xlsx")))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .streaming(body))
}

fn write_workbook(
    rx: std::sync::mpsc::Receiver<Vec<Vec<Cell>>>,
    columns: &'static [GridColumn],
    sheet_name: &str,
    sheet_rows: u32,
) -> Result<tempfile::NamedTempFile, String> {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let money = CellFormat::new().set_num_format("#,##0.00##");
    let mut sheets = 0u32;
    let mut row_in_sheet = sheet_rows;
    let mut worksheet_index = None;
    for batch in rx {
        for row in batch {
            if row_in_sheet >= sheet_rows {
                sheets += 1;
                let name = if sheets == 1 {
                    sheet_name.to_owned()
                } else {
                    format!("{sheet_name} ({sheets})")
                };
                let sheet = workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(|e| e.to_string())?;
                sheet.set_name(&name).map_err(|e| e.to_string())?;
                for (c, column) in columns.iter().enumerate() {
                    sheet
                        .write_string_with_format(0, c as u16, column.dictionary.name, &bold)
                        .map_err(|e| e.to_string())?;
                }
                worksheet_index = Some(sheets as usize - 1);
                row_in_sheet = 0;
            }
            let Some(index) = worksheet_index else {
                continue;
            };
            let sheet = workbook
                .worksheet_from_index(index)
                .map_err(|e| e.to_string())?;
            row_in_sheet += 1;
            for (c, column) in columns.iter().enumerate() {
                let (r, c16) = (row_in_sheet, c as u16);
                let result = match (row.get(c), column.dictionary.kind) {
                    (None | Some(Cell::Null), _) => Ok(&mut *sheet),
                    (Some(Cell::Bool(b)), _) => sheet.write_boolean(r, c16, *b),
                    (Some(Cell::Integer(i)), _) => sheet.write_number(r, c16, *i as f64),
                    (Some(Cell::Number(n)), _) => sheet.write_number(r, c16, *n),
                    (Some(Cell::Text(t)), ColumnType::Money) => match t.parse::<f64>() {
                        Ok(n) => sheet.write_number_with_format(r, c16, n, &money),
                        Err(_) => sheet.write_string(r, c16, t),
                    },
                    (Some(Cell::Text(t)), ColumnType::Date) => {
                        match ExcelDateTime::parse_from_str(t) {
                            Ok(d) => sheet.write_datetime_with_format(r, c16, &d, &date),
                            Err(_) => sheet.write_string(r, c16, t),
                        }
                    }
                    (Some(Cell::Text(t)), _) => {
                        sheet.write_string(r, c16, neutralised(column, t.clone()))
                    }
                };
                result.map_err(|e| e.to_string())?;
            }
        }
    }
    if sheets == 0 {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name).map_err(|e| e.to_string())?;
        for (c, column) in columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, column.dictionary.name, &bold)
                .map_err(|e| e.to_string())?;
        }
    }
    let file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    workbook.save(file.path()).map_err(|e| e.to_string())?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use calamine::{Reader, Xlsx};

    use super::*;
    use crate::reports::grid::spec::PAYOUTS;

    #[test]
    fn workbooks_start_a_new_sheet_with_a_header_when_one_is_full() {
        let columns = PAYOUTS.columns();
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        let row = |i: usize| -> Vec<Cell> {
            columns
                .iter()
                .map(|c| match c.dictionary.name {
                    "PurchaseRecordId" => Cell::Text(format!("pr-{i}")),
                    "EarningAmountUSD" => Cell::Text("12.50".into()),
                    "MonthStartDate" => Cell::Text("2026-09-01".into()),
                    "OfferName" => Cell::Text("=1+1".into()),
                    _ => Cell::Null,
                })
                .collect()
        };
        tx.send((0..5).map(row).collect()).unwrap();
        tx.send((5..7).map(row).collect()).unwrap();
        drop(tx);
        let file = write_workbook(rx, columns, "Payouts", 3).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook(file.path()).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["Payouts", "Payouts (2)", "Payouts (3)"]
        );
        let mut data_rows = 0;
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            let mut rows = range.rows();
            let header = rows.next().unwrap();
            assert_eq!(header[0].to_string(), columns[0].dictionary.name);
            for r in rows {
                data_rows += 1;
                let offer = columns
                    .iter()
                    .position(|c| c.dictionary.name == "OfferName")
                    .unwrap();
                assert_eq!(
                    r[offer].to_string(),
                    "'=1+1",
                    "formula-like text neutralised"
                );
                let usd = columns
                    .iter()
                    .position(|c| c.dictionary.name == "EarningAmountUSD")
                    .unwrap();
                assert_eq!(r[usd], calamine::Data::Float(12.5), "money is a number");
            }
        }
        assert_eq!(data_rows, 7);
    }
}
