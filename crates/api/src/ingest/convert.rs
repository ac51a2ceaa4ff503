//! From text cells to typed values, by the dictionary's column types.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::Value;
use sea_orm::sea_query::ColumnType as SqlType;
use shared::dictionary::{Column, ColumnType, Dataset, market_code};

use super::{MAX_CELL_BYTES, Rejection};

/// One data row: its line in the file and a cell per dictionary column.
pub struct Record {
    pub line: u64,
    pub cells: Vec<Option<String>>,
}

fn position(names: &[(&'static str, bool)], given: &str) -> Option<usize> {
    // PascalCase (CSV headers) and camelCase (JSON keys) differ only in case.
    let given = given.trim();
    names
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(given))
}

fn cell(text: &str) -> Result<Option<String>, String> {
    Ok(cell_ref(text)?.map(str::to_owned))
}

/// A cell's text, trimmed; `None` when empty. Refuses huge cells and the unit separator
/// (U+001F), which the store path uses to join key parts.
fn cell_ref(text: &str) -> Result<Option<&str>, String> {
    let text = text.trim();
    if text.len() > MAX_CELL_BYTES {
        return Err(format!(
            "is {} bytes long; a cell holds at most {MAX_CELL_BYTES}",
            text.len()
        ));
    }
    if text.as_bytes().contains(&0x1f) {
        return Err("holds the control character U+001F".to_owned());
    }
    Ok((!text.is_empty()).then_some(text))
}

/// Receives each data row: its line and a cell per dictionary column (`None` when
/// absent or empty), and the batch's rejection to add the row's problems to. Answers
/// whether to read on.
pub type OnRow<'a> = dyn FnMut(u64, &[Option<&str>], &mut Rejection) -> bool + 'a;

/// The rows of a CSV file whose header names dictionary columns, in any order, read as a
/// stream: one record in memory at a time. Problems of the file's structure and cells
/// go into `rejection`; rows whose cells are readable go to `on_row`.
pub fn csv_rows(
    dataset: Dataset,
    names: &[(&'static str, bool)],
    reader: impl std::io::Read,
    rejection: &mut Rejection,
    on_row: &mut OnRow<'_>,
) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            rejection.push(0, None, format!("the header row cannot be read: {e}"));
            return;
        }
    };
    let mut texts = Vec::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        let h = if i == 0 {
            h.strip_prefix("\u{feff}".as_bytes()).unwrap_or(h)
        } else {
            h
        };
        match std::str::from_utf8(h) {
            Ok(t) => texts.push(t.to_owned()),
            Err(e) => {
                rejection.push(
                    1,
                    None,
                    format!(
                        "the file is not UTF-8 text (invalid byte at offset {} of header {}); save it as UTF-8",
                        e.valid_up_to(),
                        i + 1
                    ),
                );
                return;
            }
        }
    }
    let slots = match header_slots(dataset, names, &texts) {
        Ok(slots) => slots,
        Err(r) => {
            rejection.merge(r);
            return;
        }
    };
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let mut cells: Vec<Option<&str>> = vec![None; names.len()];
                let mut readable = true;
                for (slot, bytes) in slots.iter().zip(record.iter()) {
                    let Some(i) = slot else { continue };
                    let text = match std::str::from_utf8(bytes) {
                        Ok(t) => t,
                        Err(e) => {
                            rejection.push(
                                line,
                                Some(names[*i].0),
                                format!(
                                    "is not UTF-8 text (invalid byte at offset {}); save the file as UTF-8",
                                    e.valid_up_to()
                                ),
                            );
                            readable = false;
                            continue;
                        }
                    };
                    match cell_ref(text) {
                        Ok(v) => cells[*i] = v,
                        Err(reason) => {
                            rejection.push(line, Some(names[*i].0), reason);
                            readable = false;
                        }
                    }
                }
                if readable && !on_row(line, &cells, rejection) {
                    return;
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        len, expected_len, ..
                    } => {
                        format!("has {len} fields where the header has {expected_len}")
                    }
                    other => format!("cannot be read: {other:?}"),
                };
                rejection.push(line, None, reason);
                if fatal {
                    return;
                }
            }
        }
    }
}

/// Maps a header row to dictionary columns, refusing unknown, repeated and missing ones.
fn header_slots(
    dataset: Dataset,
    names: &[(&'static str, bool)],
    headers: &[String],
) -> Result<Vec<Option<usize>>, Rejection> {
    let mut rejection = Rejection::default();
    if headers.len() == 1 && headers[0].contains(';')
        || headers.len() == 1 && headers[0].contains('\t')
    {
        rejection.push(
            1,
            None,
            "the header has a single column holding ';' or tabs: separate columns with commas",
        );
        return Err(rejection);
    }
    let mut slots: Vec<Option<usize>> = Vec::with_capacity(headers.len());
    let mut seen = vec![false; names.len()];
    for header in headers {
        match position(names, header) {
            Some(i) if seen[i] => {
                rejection.push(1, Some(names[i].0), "appears twice in the header");
                slots.push(None);
            }
            Some(i) => {
                seen[i] = true;
                slots.push(Some(i));
            }
            None if header.trim().is_empty() => slots.push(None),
            None => {
                rejection.push(
                    1,
                    Some(header.trim()),
                    format!("is not a column of the {} dataset", dataset.name()),
                );
                slots.push(None);
            }
        }
    }
    let missing: Vec<&str> = names
        .iter()
        .zip(&seen)
        .filter(|((_, optional), seen)| !*optional && !**seen)
        .map(|((n, _), _)| *n)
        .collect();
    if !missing.is_empty() {
        rejection.push(
            1,
            None,
            format!("missing required column(s): {}", missing.join(", ")),
        );
    }
    if rejection.total > 0 {
        return Err(rejection);
    }
    Ok(slots)
}

/// The most an Excel file may decompress to.
pub const MAX_XLSX_UNCOMPRESSED: u64 = 512 * 1024 * 1024;
/// The most cells a sheet may span.
pub const MAX_XLSX_CELLS: usize = 20_000_000;

/// The rows of an Excel workbook's first sheet (or the named one), whose first row names
/// dictionary columns. Refused safely: files that decompress too far, sheets too large,
/// and formula cells (a batch holds values, never code).
pub fn excel_records(
    dataset: Dataset,
    names: &[(&'static str, bool)],
    content: &[u8],
    sheet: Option<&str>,
) -> Result<Vec<Record>, Rejection> {
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    let not_xlsx = |e: &dyn std::fmt::Display| {
        Rejection::file(format!("the file is not an Excel workbook (.xlsx): {e}"))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(content)).map_err(|e| not_xlsx(&e))?;
    let mut unpacked: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| not_xlsx(&e))?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_XLSX_UNCOMPRESSED {
        return Err(Rejection::file(format!(
            "the workbook would decompress to {unpacked} bytes, more than the {MAX_XLSX_UNCOMPRESSED} accepted"
        )));
    }
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(content)).map_err(|e| not_xlsx(&e))?;
    let sheet_names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => sheet_names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| {
                Rejection::file(format!(
                    "the workbook has no sheet '{wanted}'; it has: {}",
                    sheet_names.join(", ")
                ))
            })?,
        None => sheet_names
            .first()
            .cloned()
            .ok_or_else(|| Rejection::file("the workbook has no sheets"))?,
    };
    let formulas = workbook
        .worksheet_formula(&name)
        .map_err(|e| Rejection::file(format!("sheet '{name}' cannot be read: {e}")))?;
    let mut rejection = Rejection::default();
    let start = formulas.start().unwrap_or((0, 0));
    for (row, col, formula) in formulas.used_cells() {
        if !formula.is_empty() {
            rejection.push(
                u64::from(start.0) + row as u64 + 1,
                None,
                format!(
                    "cell {} holds a formula; send values only",
                    cell_name(start.1 as usize + col, start.0 as usize + row)
                ),
            );
        }
    }
    if rejection.total > 0 {
        return Err(rejection);
    }
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| Rejection::file(format!("sheet '{name}' cannot be read: {e}")))?;
    let (height, width) = range.get_size();
    if height.saturating_mul(width) > MAX_XLSX_CELLS {
        return Err(Rejection::file(format!(
            "sheet '{name}' spans {height} rows by {width} columns, more than the {MAX_XLSX_CELLS} cells accepted"
        )));
    }
    let first_row = u64::from(range.start().map_or(0, |s| s.0));
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        return Err(Rejection::file(format!("sheet '{name}' is empty")));
    };
    let headers: Vec<String> = header
        .iter()
        .map(|c| text_of(c).unwrap_or_default())
        .collect();
    let slots = header_slots(dataset, names, &headers)?;
    let mut records = Vec::new();
    for (index, row) in rows.enumerate() {
        let line = first_row + index as u64 + 2;
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let mut cells = vec![None; names.len()];
        for (slot, value) in slots.iter().zip(row) {
            let Some(i) = slot else { continue };
            if let Data::Error(e) = value {
                rejection.push(
                    line,
                    Some(names[*i].0),
                    format!("holds the Excel error {e}"),
                );
                continue;
            }
            match text_of(value).as_deref().map(cell).transpose() {
                Ok(v) => cells[*i] = v.flatten(),
                Err(reason) => rejection.push(line, Some(names[*i].0), reason),
            }
        }
        records.push(Record { line, cells });
    }
    if rejection.total > 0 {
        return Err(rejection);
    }
    Ok(records)
}

/// A cell's value as the text a CSV file would hold.
fn text_of(value: &calamine::Data) -> Option<String> {
    use calamine::Data;
    match value {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::DateTime(d) => d.as_datetime().map(|t| {
            if t.time() == chrono::NaiveTime::MIN {
                t.date().format("%Y-%m-%d").to_string()
            } else {
                t.and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            }
        }),
    }
}

/// A cell's A1 name from zero-based column and row.
fn cell_name(col: usize, row: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The longest JSON line accepted, in bytes.
pub const MAX_JSON_LINE: usize = 1 << 20;

/// The rows of a JSON-lines file, one object per line keyed by dictionary names, read as a
/// stream: one line in memory at a time.
pub fn json_rows(
    dataset: Dataset,
    names: &[(&'static str, bool)],
    reader: impl std::io::Read,
    rejection: &mut Rejection,
    on_row: &mut OnRow<'_>,
) {
    use std::io::{BufRead, Read};
    let mut reader = std::io::BufReader::with_capacity(1 << 16, reader);
    let mut bytes = Vec::new();
    let mut line = 0u64;
    loop {
        bytes.clear();
        line += 1;
        let read = match (&mut reader)
            .take(MAX_JSON_LINE as u64 + 1)
            .read_until(b'\n', &mut bytes)
        {
            Ok(n) => n,
            Err(e) => {
                rejection.push(line, None, format!("cannot be read: {e}"));
                return;
            }
        };
        if read == 0 {
            return;
        }
        if bytes.len() > MAX_JSON_LINE && bytes.last() != Some(&b'\n') {
            rejection.push(
                line,
                None,
                format!("is longer than the {MAX_JSON_LINE} bytes a line may hold"),
            );
            // Skip to the end of the line.
            loop {
                bytes.clear();
                match (&mut reader).take(1 << 16).read_until(b'\n', &mut bytes) {
                    Ok(0) => return,
                    Ok(_) if bytes.last() == Some(&b'\n') => break,
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
            continue;
        }
        let mut text: &[u8] = &bytes;
        if line == 1 {
            text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
        }
        let text = match std::str::from_utf8(text) {
            Ok(t) => t.trim_end_matches(['\n', '\r']),
            Err(e) => {
                rejection.push(
                    line,
                    None,
                    format!(
                        "is not UTF-8 text (invalid byte at offset {}); save the file as UTF-8",
                        e.valid_up_to()
                    ),
                );
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let object: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(text) {
            Ok(o) => o,
            Err(e) => {
                rejection.push(line, None, format!("is not a JSON object: {e}"));
                continue;
            }
        };
        let mut owned: Vec<Option<String>> = vec![None; names.len()];
        let mut readable = true;
        for (key, value) in object {
            let Some(i) = position(names, &key) else {
                rejection.push(
                    line,
                    Some(&key),
                    format!("is not a column of the {} dataset", dataset.name()),
                );
                readable = false;
                continue;
            };
            let text = match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                    rejection.push(
                        line,
                        Some(names[i].0),
                        "must be a string, number, boolean or null",
                    );
                    readable = false;
                    continue;
                }
            };
            match text.as_deref().map(cell).transpose() {
                Ok(v) => owned[i] = v.flatten(),
                Err(reason) => {
                    rejection.push(line, Some(names[i].0), reason);
                    readable = false;
                }
            }
        }
        let cells: Vec<Option<&str>> = owned.iter().map(|c| c.as_deref()).collect();
        if readable && !on_row(line, &cells, rejection) {
            return;
        }
    }
}

/// A `YYYY-MM-DD` date (what chrono's `%Y-%m-%d` takes, without its general parser).
pub fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        return NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?);
    }
    // Anything else chrono's parser takes (a sign, more or fewer year digits, ...).
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// An amount with at most four decimals as ten-thousandths (`12.5` is 125000).
pub fn fixed4(text: &str) -> Result<i64, String> {
    let err = || format!("'{text}' is not a decimal number with at most 4 decimal places");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 4
    {
        return Err(err());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| err())?
    };
    let mut fraction_value: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().map_err(|_| err())?
    };
    for _ in fraction.len()..4 {
        fraction_value *= 10;
    }
    let value = whole
        .checked_mul(10_000)
        .and_then(|w| w.checked_add(fraction_value))
        .ok_or_else(err)?;
    Ok(if negative { -value } else { value })
}

fn null_of(sql: &SqlType) -> Value {
    match sql {
        SqlType::Date => Option::<NaiveDate>::None.into(),
        SqlType::TimestampWithTimeZone => Option::<DateTime<Utc>>::None.into(),
        SqlType::BigInteger => Option::<i64>::None.into(),
        SqlType::Integer => Option::<i32>::None.into(),
        SqlType::Boolean => Option::<bool>::None.into(),
        _ => Option::<String>::None.into(),
    }
}

/// The typed value of one cell of `column`, or why it is not one.
pub fn value(
    column: &Column,
    sql: &SqlType,
    cell: Option<&str>,
    optional: bool,
) -> Result<Value, String> {
    let Some(raw) = cell else {
        if optional {
            return Ok(null_of(sql));
        }
        // Free text may be empty; identifiers and typed values may not.
        if column.kind == ColumnType::Text && !column.name.ends_with("Id") {
            return Ok(Value::from(String::new()));
        }
        return Err("is required".to_owned());
    };
    match sql {
        SqlType::Date => iso_date(raw)
            .map(Value::from)
            .ok_or_else(|| format!("'{raw}' is not a date in the form YYYY-MM-DD")),
        SqlType::TimestampWithTimeZone => DateTime::parse_from_rfc3339(raw)
            .map(|t| Value::from(t.with_timezone(&Utc)))
            .map_err(|_| format!("'{raw}' is not an RFC 3339 timestamp (2026-01-31T12:00:00Z)")),
        SqlType::Boolean => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Value::from(true)),
            "false" | "0" | "no" => Ok(Value::from(false)),
            _ => Err(format!("'{raw}' is not true or false")),
        },
        SqlType::Integer => raw
            .parse::<i32>()
            .map(Value::from)
            .map_err(|_| format!("'{raw}' is not a whole number")),
        SqlType::BigInteger => match column.kind {
            ColumnType::Money | ColumnType::Decimal => fixed4(raw).map(Value::from),
            _ => raw
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("'{raw}' is not a whole number")),
        },
        _ => text_value(column, raw).map(Value::from),
    }
}

fn text_value(column: &Column, raw: &str) -> Result<String, String> {
    match column.kind {
        ColumnType::Enumeration(e) => e
            .values
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(raw))
            .map(|v| v.name.to_owned())
            .ok_or_else(|| {
                let expected: Vec<&str> = e.values.iter().map(|v| v.name).collect();
                format!(
                    "'{raw}' is not a {}; expected one of: {}",
                    e.label,
                    expected.join(", ")
                )
            }),
        ColumnType::Country => market_code(raw)
            .map(str::to_owned)
            .ok_or_else(|| format!("'{raw}' is not an ISO 3166-1 alpha-2 country code")),
        ColumnType::Currency => {
            if raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_alphabetic()) {
                Ok(raw.to_ascii_uppercase())
            } else {
                Err(format!("'{raw}' is not an ISO 4217 currency code"))
            }
        }
        _ => Ok(raw.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_parse_as_chrono_does() {
        for text in [
            "2026-01-31",
            "2024-02-29",
            "0001-01-01",
            "2026-1-5",
            "+2026-01-05",
        ] {
            assert_eq!(
                iso_date(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text}"
            );
        }
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026/01/01",
            "26-01-01x",
            "",
            "2026-0a-01",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn fixed4_parses_exact_decimals() {
        assert_eq!(fixed4("12.5"), Ok(125_000));
        assert_eq!(fixed4("-0.0001"), Ok(-1));
        assert_eq!(fixed4("7"), Ok(70_000));
        assert_eq!(fixed4(".25"), Ok(2_500));
        for bad in [
            "1.23456",
            "1e3",
            "1,5",
            "",
            "-",
            "abc",
            "1.2.3",
            "99999999999999999",
        ] {
            assert!(fixed4(bad).is_err(), "{bad}");
        }
    }
}
