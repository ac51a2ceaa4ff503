//! Reading a grid's rows fast from SQLite, for the downloads.
//!
//! sqlx's SQLite driver runs each query on a worker thread and copies every value of
//! every row into an owned row before the async side sees it: about 27 µs a usage row
//! of 36 columns, which made a million-row CSV take half a minute. Downloads on SQLite
//! therefore read through rusqlite, on a small pool of read-only connections to the same
//! file ([`SqliteReader`]), on a blocking thread, and write each row straight from
//! SQLite's own buffers into the CSV writer (or into Excel cells). The SQL is the very
//! statement the grid engine builds for its pages ([`GridRequest::page_query`]), so
//! filters, slicers, sort and keyset chunks mean the same; the rows pass through the
//! same masking, BYOL hashing and formula neutralisation as every other grid row.
//!
//! PostgreSQL keeps the sqlx path of `export.rs`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags};
use sea_orm::sea_query::{ColumnType as SqlType, SqliteQueryBuilder, Value};
use shared::dictionary::{ColumnType, MarketplaceLicenseType};
use shared::reports::grid::{Cell, MASKED};
use shared::reports::{decimal_string, units};

use crate::reports::grid::{GridColumn, GridRequest};

/// Read-only rusqlite connections to the SQLite file the pool writes, kept for reuse.
pub struct SqliteReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SqliteReader({})", self.path.display())
    }
}

/// Idle connections kept; more may be open while downloads run.
const IDLE_CONNECTIONS: usize = 4;

impl SqliteReader {
    /// A reader of the database file at `path` (opened lazily, read-only).
    pub fn new(path: &Path) -> Self {
        SqliteReader {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn take(&self) -> rusqlite::Result<Connection> {
        if let Some(conn) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(30))?;
        // The same small page cache as the pool's readers: a download's pages pass once.
        conn.execute_batch("PRAGMA cache_size = -8192")?;
        Ok(conn)
    }

    fn give(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE_CONNECTIONS
        {
            idle.push(conn);
        }
    }

    /// Runs `f` on a reader connection (blocking: call it from a blocking thread).
    pub fn with<R>(&self, f: impl FnOnce(&Connection) -> Result<R, String>) -> Result<R, String> {
        let conn = self.take().map_err(|e| e.to_string())?;
        let result = f(&conn);
        self.give(conn);
        result
    }
}

/// A sea-query value as rusqlite binds it, encoded exactly as sqlx's SQLite driver
/// encodes it (dates as `YYYY-MM-DD` text, booleans as 0 and 1), so that comparisons
/// with the stored values mean the same.
pub(crate) fn bind_value(value: &Value) -> Result<SqlValue, String> {
    Ok(match value {
        Value::Bool(v) => v.map_or(SqlValue::Null, |b| SqlValue::Integer(i64::from(b))),
        Value::TinyInt(v) => v.map_or(SqlValue::Null, |n| SqlValue::Integer(n.into())),
        Value::SmallInt(v) => v.map_or(SqlValue::Null, |n| SqlValue::Integer(n.into())),
        Value::Int(v) => v.map_or(SqlValue::Null, |n| SqlValue::Integer(n.into())),
        Value::BigInt(v) => v.map_or(SqlValue::Null, SqlValue::Integer),
        Value::TinyUnsigned(v) => v.map_or(SqlValue::Null, |n| SqlValue::Integer(n.into())),
        Value::SmallUnsigned(v) => v.map_or(SqlValue::Null, |n| SqlValue::Integer(n.into())),
        Value::Unsigned(v) => v.map_or(SqlValue::Null, |n| SqlValue::Integer(n.into())),
        Value::BigUnsigned(v) => match v {
            None => SqlValue::Null,
            Some(n) => SqlValue::Integer(i64::try_from(*n).map_err(|e| e.to_string())?),
        },
        Value::Float(v) => v.map_or(SqlValue::Null, |n| SqlValue::Real(n.into())),
        Value::Double(v) => v.map_or(SqlValue::Null, SqlValue::Real),
        Value::String(v) => v
            .as_ref()
            .map_or(SqlValue::Null, |s| SqlValue::Text(s.to_string())),
        Value::ChronoDate(v) => v.map_or(SqlValue::Null, |d| {
            SqlValue::Text(d.format("%F").to_string())
        }),
        Value::ChronoDateTimeUtc(v) => v.map_or(SqlValue::Null, |t| {
            SqlValue::Text(t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
        }),
        other => return Err(format!("no SQLite binding for {other:?}")),
    })
}

/// How one column's stored value becomes a cell (the same rules as the grid's pages).
#[derive(Clone, Copy)]
enum Kind {
    Date,
    Timestamp,
    Boolean,
    Integer,
    Money,
    Decimal,
    Text,
}

fn kind_of(column: &GridColumn) -> Kind {
    match column.sql {
        SqlType::Date => Kind::Date,
        SqlType::TimestampWithTimeZone => Kind::Timestamp,
        SqlType::Boolean => Kind::Boolean,
        SqlType::Integer => Kind::Integer,
        SqlType::BigInteger => match column.dictionary.kind {
            ColumnType::Money => Kind::Money,
            ColumnType::Decimal => Kind::Decimal,
            _ => Kind::Integer,
        },
        _ => Kind::Text,
    }
}

/// One cell as read, borrowing SQLite's buffer where it can.
enum CellRef<'a> {
    Null,
    Bool(bool),
    Integer(i64),
    /// Ten-thousandths of a unit, shown as a number (hours).
    Decimal(i64),
    Money(i64),
    Text(&'a str),
    Owned(String),
}

impl CellRef<'_> {
    fn into_cell(self) -> Cell {
        match self {
            CellRef::Null => Cell::Null,
            CellRef::Bool(b) => Cell::Bool(b),
            CellRef::Integer(i) => Cell::Integer(i),
            CellRef::Decimal(n) => Cell::Number(units(n)),
            CellRef::Money(m) => Cell::Text(decimal_string(m)),
            CellRef::Text(t) => Cell::Text(t.to_owned()),
            CellRef::Owned(t) => Cell::Text(t),
        }
    }
}

fn text_of(value: ValueRef<'_>) -> Result<&str, String> {
    match value {
        ValueRef::Text(t) => std::str::from_utf8(t).map_err(|e| e.to_string()),
        other => Err(format!("expected text, found {:?}", other.data_type())),
    }
}

fn integer_of(value: ValueRef<'_>) -> Result<i64, String> {
    match value {
        ValueRef::Integer(i) => Ok(i),
        ValueRef::Real(r) => Ok(r as i64),
        other => Err(format!(
            "expected an integer, found {:?}",
            other.data_type()
        )),
    }
}

fn read(value: ValueRef<'_>, kind: Kind) -> Result<CellRef<'_>, String> {
    if value == ValueRef::Null {
        return Ok(CellRef::Null);
    }
    Ok(match kind {
        Kind::Date | Kind::Text => match value {
            ValueRef::Integer(i) => CellRef::Owned(i.to_string()),
            ValueRef::Real(r) => CellRef::Owned(r.to_string()),
            other => CellRef::Text(text_of(other)?),
        },
        Kind::Timestamp => {
            let text = text_of(value)?;
            let at = DateTime::parse_from_rfc3339(text)
                .or_else(|_| DateTime::parse_from_str(text, "%F %T%.f%:z"))
                .map_err(|e| format!("bad timestamp '{text}': {e}"))?;
            CellRef::Owned(
                at.with_timezone(&Utc)
                    .to_rfc3339_opts(SecondsFormat::Secs, true),
            )
        }
        Kind::Boolean => CellRef::Bool(integer_of(value)? != 0),
        Kind::Integer => CellRef::Integer(integer_of(value)?),
        Kind::Money => CellRef::Money(integer_of(value)?),
        Kind::Decimal => CellRef::Decimal(integer_of(value)?),
    })
}

/// The order values a keyset chunk continues after, from a row's stored values.
fn order_value(value: ValueRef<'_>, column: &GridColumn) -> Value {
    match value {
        ValueRef::Null => column.null_sort_value(),
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(r) => Value::from(r),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(String::from_utf8_lossy(b).into_owned()),
    }
}

/// A row's stored values by column position: a rusqlite row, or one copied out of it.
trait RowValues {
    fn value(&self, i: usize) -> Result<ValueRef<'_>, String>;
}

impl RowValues for rusqlite::Row<'_> {
    fn value(&self, i: usize) -> Result<ValueRef<'_>, String> {
        self.get_ref(i).map_err(|e| e.to_string())
    }
}

/// What a row needs besides its values: per column its kind, whether it is masked, and
/// where the BYOL decision's columns are.
struct Plan {
    columns: &'static [GridColumn],
    kinds: Vec<Kind>,
    masked: Vec<bool>,
    subscription: Option<usize>,
    license_type: Option<usize>,
    order: Vec<usize>,
}

impl Plan {
    fn new(request: &GridRequest) -> Self {
        let columns = request.spec.columns();
        let position = |name: &str| columns.iter().position(|c| c.dictionary.name == name);
        Plan {
            columns,
            kinds: columns.iter().map(kind_of).collect(),
            masked: columns
                .iter()
                .map(|c| c.dictionary.pii && request.masked)
                .collect(),
            subscription: position("MarketplaceSubscriptionId").filter(|_| request.spec.byol),
            license_type: position("MarketplaceLicenseType").filter(|_| request.spec.byol),
            order: request
                .order_columns()
                .iter()
                .map(|oc| columns.iter().position(|c| c.db == oc.db).unwrap_or(0))
                .collect(),
        }
    }

    /// Whether the row is a BYOL row whose subscription ID must be hashed.
    fn is_byol<R: RowValues + ?Sized>(&self, row: &R) -> bool {
        self.license_type.is_some_and(|l| {
            matches!(row.value(l), Ok(ValueRef::Text(t))
                if t == MarketplaceLicenseType::BringYourOwnLicense.name().as_bytes())
        })
    }

    /// Column `i` of the row as the caller may see it.
    fn cell<'r, R: RowValues + ?Sized>(
        &self,
        request: &GridRequest,
        row: &'r R,
        i: usize,
        byol: bool,
    ) -> Result<CellRef<'r>, String> {
        let value = row.value(i)?;
        let cell = read(value, self.kinds[i])?;
        if matches!(cell, CellRef::Null) {
            return Ok(cell);
        }
        if self.masked[i] {
            return Ok(CellRef::Text(MASKED));
        }
        if byol
            && Some(i) == self.subscription
            && let CellRef::Text(id) = cell
        {
            return Ok(CellRef::Owned(
                request.keys.byol_hash(request.publisher_id, id),
            ));
        }
        Ok(cell)
    }

    fn order_values(&self, row: &rusqlite::Row<'_>) -> Result<Vec<Value>, String> {
        self.order
            .iter()
            .map(|&i| {
                row.get_ref(i)
                    .map(|v| order_value(v, &self.columns[i]))
                    .map_err(|e| e.to_string())
            })
            .collect()
    }
}

/// Reads the request's rows in keyset chunks of `chunk_rows`, calling `row` for each;
/// `end_of_chunk` runs after each chunk's statement is finished (so that a slow
/// consumer never holds a read transaction open). Stops early when either says so.
fn each_row(
    conn: &Connection,
    request: &GridRequest,
    chunk_rows: u64,
    mut row: impl FnMut(&Plan, &rusqlite::Row<'_>) -> Result<(), String>,
    mut end_of_chunk: impl FnMut() -> Result<bool, String>,
) -> Result<(), String> {
    let plan = Plan::new(request);
    if request.known_empty() {
        return Ok(());
    }
    let mut after: Option<Vec<Value>> = None;
    loop {
        let (sql, values) = request
            .page_query(after.as_deref(), chunk_rows, true)
            .build(SqliteQueryBuilder);
        let params = values
            .iter()
            .map(bind_value)
            .collect::<Result<Vec<_>, _>>()?;
        let mut read_rows = 0u64;
        {
            let mut stmt = conn.prepare(&sql).map_err(|e| e.to_string())?;
            let mut rows = stmt
                .query(rusqlite::params_from_iter(params))
                .map_err(|e| e.to_string())?;
            while let Some(r) = rows.next().map_err(|e| e.to_string())? {
                read_rows += 1;
                row(&plan, r)?;
                if read_rows == chunk_rows {
                    after = Some(plan.order_values(r)?);
                }
            }
        }
        if !end_of_chunk()? || read_rows < chunk_rows {
            return Ok(());
        }
    }
}

/// Rows per statement: big enough that the keyset seek between chunks costs nothing,
/// small enough that a chunk's CSV (a few MB) is all a slow client makes us hold.
pub const FAST_CHUNK_ROWS: u64 = 8_192;

/// Rows the reading thread copies out before handing them to the formatting thread:
/// about a megabyte of usage rows, so that the rows in flight stay a few megabytes.
const HANDOFF_ROWS: usize = 1_024;

/// Writes every row of the request as CSV (after the header, which the caller writes),
/// handing the bytes to `send` about a thousand rows at a time; `send` returns false
/// when the client is gone.
///
/// Two threads share the work, so that a download uses both of a small machine's cores:
/// this one steps SQLite and copies each row's values out of its buffers ([`RawRows`]);
/// a second one formats them (the same masking, BYOL hashing and neutralising as every
/// grid row) and sends the CSV. A bounded channel between them keeps memory flat.
pub fn write_csv(
    conn: &Connection,
    request: &GridRequest,
    send: impl FnMut(Vec<u8>) -> bool + Send,
) -> Result<(), String> {
    let plan = Plan::new(request);
    let width = plan.columns.len();
    let (tx, rx) = std::sync::mpsc::sync_channel::<RawRows>(2);
    std::thread::scope(|scope| {
        let formatter = std::thread::Builder::new()
            .name("csv-format".to_owned())
            .spawn_scoped(scope, || format_csv(&plan, request, rx, send))
            .map_err(|e| format!("no thread to format the CSV: {e}"))?;
        let raw = std::cell::RefCell::new(RawRows::new(width));
        let hand_over = |at_least: usize| -> Result<(), String> {
            let mut raw = raw.borrow_mut();
            if raw.len() < at_least.max(1) {
                return Ok(());
            }
            let full = std::mem::replace(&mut *raw, RawRows::new(width));
            tx.send(full).map_err(|_| FORMATTER_GONE.to_owned())
        };
        let read = each_row(
            conn,
            request,
            FAST_CHUNK_ROWS,
            |_, row| {
                raw.borrow_mut().push(row)?;
                hand_over(HANDOFF_ROWS)
            },
            || hand_over(1).map(|()| true),
        );
        drop(tx);
        let formatted = formatter
            .join()
            .map_err(|_| "the CSV formatter panicked".to_owned())?;
        match (read, formatted) {
            // The formatter stopped first (the client left, or its own error): its word.
            (Err(e), formatted) if e == FORMATTER_GONE => formatted,
            (read, formatted) => read.and(formatted),
        }
    })
}

const FORMATTER_GONE: &str = "the CSV formatter stopped";

/// The formatting half of [`write_csv`]: CSV for each batch of rows, sent as it is done.
fn format_csv(
    plan: &Plan,
    request: &GridRequest,
    rows: std::sync::mpsc::Receiver<RawRows>,
    mut send: impl FnMut(Vec<u8>) -> bool,
) -> Result<(), String> {
    let new_writer = || {
        csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(1 << 20))
    };
    let mut writer = new_writer();
    let mut scratch: Vec<u8> = Vec::with_capacity(64);
    let mut numbers = itoa::Buffer::new();
    for batch in rows {
        for r in 0..batch.len() {
            let row = batch.row(r);
            let byol = plan.is_byol(&row);
            for (i, column) in plan.columns.iter().enumerate() {
                let cell = plan.cell(request, &row, i, byol)?;
                scratch.clear();
                let field: &[u8] = match &cell {
                    CellRef::Null => b"",
                    CellRef::Bool(true) => b"true",
                    CellRef::Bool(false) => b"false",
                    CellRef::Integer(n) => numbers.format(*n).as_bytes(),
                    CellRef::Decimal(n) => {
                        push_decimal(&mut scratch, *n, 0);
                        &scratch
                    }
                    CellRef::Money(m) => {
                        push_decimal(&mut scratch, *m, 2);
                        &scratch
                    }
                    CellRef::Text(t) => text_field(column, t, &mut scratch),
                    CellRef::Owned(t) => text_field(column, t, &mut scratch),
                };
                writer.write_field(field).map_err(|e| e.to_string())?;
            }
            writer
                .write_record(None::<&[u8]>)
                .map_err(|e| e.to_string())?;
        }
        let full = std::mem::replace(&mut writer, new_writer());
        let bytes = full.into_inner().map_err(|e| e.to_string())?;
        if !bytes.is_empty() && !send(bytes) {
            return Ok(());
        }
    }
    Ok(())
}

/// Ten-thousandths written as a decimal number with at least `min_decimals` decimals
/// and no trailing zeros past them: with 2, what [`decimal_string`] makes of money;
/// with 0, what `f64`'s display makes of [`units`] (hours), without either's
/// allocation or floating point.
fn push_decimal(out: &mut Vec<u8>, ten_thousandths: i64, min_decimals: usize) {
    if ten_thousandths < 0 {
        out.push(b'-');
    }
    let abs = ten_thousandths.unsigned_abs();
    out.extend_from_slice(itoa::Buffer::new().format(abs / 10_000).as_bytes());
    let fraction = abs % 10_000;
    let digits = [
        fraction / 1_000,
        fraction / 100 % 10,
        fraction / 10 % 10,
        fraction % 10,
    ];
    let mut shown = digits.len();
    while shown > min_decimals && digits[shown - 1] == 0 {
        shown -= 1;
    }
    if shown > 0 {
        out.push(b'.');
        out.extend(digits[..shown].iter().map(|d| b'0' + *d as u8));
    }
}

/// One stored value copied out of SQLite's row buffer (text and blobs as a range of
/// [`RawRows::bytes`]).
#[derive(Clone, Copy)]
enum RawCell {
    Null,
    Integer(i64),
    Real(f64),
    Text(usize, usize),
    Blob(usize, usize),
}

/// Rows of stored values, copied out of SQLite so that another thread can format them:
/// every text in one buffer, every value in one list, `width` values a row.
struct RawRows {
    width: usize,
    bytes: Vec<u8>,
    cells: Vec<RawCell>,
}

impl RawRows {
    fn new(width: usize) -> Self {
        RawRows {
            width,
            bytes: Vec::with_capacity(HANDOFF_ROWS * 512),
            cells: Vec::with_capacity(HANDOFF_ROWS * width),
        }
    }

    fn len(&self) -> usize {
        self.cells.len() / self.width.max(1)
    }

    fn push(&mut self, row: &rusqlite::Row<'_>) -> Result<(), String> {
        for i in 0..self.width {
            let mut range = |bytes: &[u8]| {
                let start = self.bytes.len();
                self.bytes.extend_from_slice(bytes);
                (start, self.bytes.len())
            };
            let cell = match row.get_ref(i).map_err(|e| e.to_string())? {
                ValueRef::Null => RawCell::Null,
                ValueRef::Integer(n) => RawCell::Integer(n),
                ValueRef::Real(r) => RawCell::Real(r),
                ValueRef::Text(t) => {
                    let (start, end) = range(t);
                    RawCell::Text(start, end)
                }
                ValueRef::Blob(b) => {
                    let (start, end) = range(b);
                    RawCell::Blob(start, end)
                }
            };
            self.cells.push(cell);
        }
        Ok(())
    }

    fn row(&self, r: usize) -> RawRow<'_> {
        RawRow {
            bytes: &self.bytes,
            cells: &self.cells[r * self.width..(r + 1) * self.width],
        }
    }
}

/// One row of [`RawRows`].
struct RawRow<'a> {
    bytes: &'a [u8],
    cells: &'a [RawCell],
}

impl RowValues for RawRow<'_> {
    fn value(&self, i: usize) -> Result<ValueRef<'_>, String> {
        Ok(match self.cells.get(i).ok_or("no such column")? {
            RawCell::Null => ValueRef::Null,
            RawCell::Integer(n) => ValueRef::Integer(*n),
            RawCell::Real(r) => ValueRef::Real(*r),
            RawCell::Text(a, b) => ValueRef::Text(&self.bytes[*a..*b]),
            RawCell::Blob(a, b) => ValueRef::Blob(&self.bytes[*a..*b]),
        })
    }
}

/// A text field, with the apostrophe that keeps a spreadsheet from running it.
fn text_field<'a>(column: &GridColumn, text: &'a str, scratch: &'a mut Vec<u8>) -> &'a [u8] {
    if super::export::needs_neutralising(column, text) {
        scratch.push(b'\'');
        scratch.extend_from_slice(text.as_bytes());
        scratch
    } else {
        text.as_bytes()
    }
}

/// Reads every row of the request as cells (for the Excel writer), a chunk at a time.
pub fn read_cells(
    conn: &Connection,
    request: &GridRequest,
    mut send: impl FnMut(Vec<Vec<Cell>>) -> bool,
) -> Result<(), String> {
    let batch: std::cell::RefCell<Vec<Vec<Cell>>> = std::cell::RefCell::new(Vec::new());
    each_row(
        conn,
        request,
        FAST_CHUNK_ROWS,
        |plan, row| {
            let byol = plan.is_byol(row);
            let mut cells = Vec::with_capacity(plan.columns.len());
            for i in 0..plan.columns.len() {
                cells.push(plan.cell(request, row, i, byol)?.into_cell());
            }
            batch.borrow_mut().push(cells);
            Ok(())
        },
        || {
            let rows = batch.take();
            Ok(rows.is_empty() || send(rows))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(value: i64, min_decimals: usize) -> String {
        let mut out = Vec::new();
        push_decimal(&mut out, value, min_decimals);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn decimals_are_written_as_money_and_hours_were_before() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut values = vec![0, 1, -1, 5, -5, 9_999, 10_000, -10_000, 123_400, 10_000_001];
        for _ in 0..100_000 {
            // xorshift: values of every magnitude up to a hundred billion hours.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let magnitude = 10_i64.pow((state % 16) as u32);
            values.push((state >> 20) as i64 % magnitude * if state & 1 == 0 { 1 } else { -1 });
        }
        for v in values {
            assert_eq!(decimal(v, 2), decimal_string(v), "money {v}");
            assert_eq!(decimal(v, 0), format!("{}", units(v)), "hours {v}");
        }
    }
}
