//! The panels' sums on SQLite, from one pass over the period's rollup rows.
//!
//! The portable statement (`query::Sums::load`) has the database group the period's
//! rollup rows once per panel column (a `UNION ALL` of grouped scans). On SQLite each of
//! those scans reads every rollup row of the period again and sorts it by its column
//! (the covering index is in slicer order, so no column but the month comes sorted):
//! six scans and six sorts of 6,000 rows at 1M usage rows, 12,000 at 10M. Here the
//! covering index is read once, in its own order, through rusqlite (sqlx's SQLite driver
//! copies every value of every row on its worker thread, microseconds a row), and each
//! row is added to every asked column's sums in memory, no sort.

use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use sea_orm::sea_query::{SelectStatement, SqliteQueryBuilder};
use shared::Month;
use shared::dictionary::PreviewStatus;

use super::query::Dim;
use crate::reports::grid::fast::bind_value;

/// Per asked column: each value's measure per month of the period.
pub(super) type ColumnSums = Vec<HashMap<String, Vec<i64>>>;

/// One column's sums while the rows are read. Rows come in index order, so most
/// columns repeat the previous row's value: that is checked first, without hashing.
struct Column {
    keys: Vec<String>,
    values: Vec<Vec<i64>>,
    index: HashMap<String, usize>,
    last: usize,
}

impl Column {
    fn new() -> Self {
        Column {
            keys: Vec::new(),
            values: Vec::new(),
            index: HashMap::new(),
            last: usize::MAX,
        }
    }

    /// The measures per month of `key`, new (all zeros) if it was not seen yet.
    fn entry(&mut self, key: &[u8], months: usize) -> Result<&mut Vec<i64>, String> {
        if self.keys.get(self.last).is_none_or(|k| k.as_bytes() != key) {
            let key = std::str::from_utf8(key).map_err(|e| e.to_string())?;
            self.last = match self.index.get(key) {
                Some(i) => *i,
                None => {
                    self.keys.push(key.to_owned());
                    self.values.push(vec![0; months]);
                    self.index.insert(key.to_owned(), self.keys.len() - 1);
                    self.keys.len() - 1
                }
            };
        }
        Ok(&mut self.values[self.last])
    }

    fn into_sums(self) -> HashMap<String, Vec<i64>> {
        self.keys.into_iter().zip(self.values).collect()
    }
}

/// Runs `select` (month, then one column per `dims`, then the measure, one row per
/// rollup row) on `conn` and sums the measure by month and value of each column.
/// A value present in any month has an entry for every month (zeros where it had no
/// rows), as the grouped statement's answer would once spread over the months.
pub(super) fn column_sums(
    conn: &Connection,
    select: &SelectStatement,
    months: &[Month],
    dims: &[Dim],
) -> Result<ColumnSums, String> {
    let (sql, values) = select.build(SqliteQueryBuilder);
    let params = values
        .iter()
        .map(bind_value)
        .collect::<Result<Vec<_>, _>>()?;
    // Month starts as SQLite holds them (`YYYY-MM-DD` text), in period order.
    let month_texts: Vec<String> = months
        .iter()
        .map(|m| m.first_day().format("%F").to_string())
        .collect();
    let mut columns: Vec<Column> = dims.iter().map(|_| Column::new()).collect();
    let measure_at = dims.len() + 1;
    let mut stmt = conn.prepare_cached(&sql).map_err(|e| e.to_string())?;
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .map_err(|e| e.to_string())?;
    // The month changes rarely (rows come month by month).
    let mut month = usize::MAX;
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let month_text = bytes(row.get_ref(0).map_err(|e| e.to_string())?)?;
        if month_texts
            .get(month)
            .is_none_or(|m| m.as_bytes() != month_text)
        {
            month = month_texts
                .iter()
                .position(|m| m.as_bytes() == month_text)
                .ok_or_else(|| {
                    format!(
                        "a rollup row of month {} outside the period",
                        String::from_utf8_lossy(month_text)
                    )
                })?;
        }
        let value = match row.get_ref(measure_at).map_err(|e| e.to_string())? {
            ValueRef::Integer(i) => i,
            ValueRef::Null => 0,
            other => return Err(format!("a rollup measure of type {:?}", other.data_type())),
        };
        for (i, (dim, column)) in dims.iter().zip(columns.iter_mut()).enumerate() {
            let cell = row.get_ref(i + 1).map_err(|e| e.to_string())?;
            let key = match (dim, cell) {
                (Dim::Preview, ValueRef::Integer(flag)) => {
                    PreviewStatus::of(flag != 0).name().as_bytes()
                }
                (_, cell) => bytes(cell)?,
            };
            column.entry(key, months.len())?[month] += value;
        }
    }
    Ok(columns.into_iter().map(Column::into_sums).collect())
}

fn bytes(value: ValueRef<'_>) -> Result<&[u8], String> {
    match value {
        ValueRef::Text(t) => Ok(t),
        other => Err(format!("expected text, found {:?}", other.data_type())),
    }
}
