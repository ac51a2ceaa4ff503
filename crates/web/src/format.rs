//! How numbers, months, dates and times read in the app.
//!
//! Numbers follow the reader's locale through the browser's `Intl.NumberFormat` (the
//! same digits, separators and decimal mark the reader's other apps use); off the
//! browser (unit tests) they fall back to English grouping.

use chrono::{DateTime, NaiveDate, Utc};
use shared::Month;

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A count with the locale's thousands separators: `12345` reads `12,345` in English.
pub fn count(value: u64) -> String {
    number(value as f64)
}

/// A quantity (orders or hours) with at most one decimal, in the reader's locale.
pub fn number(value: f64) -> String {
    locale::format(value, 1).unwrap_or_else(|| english(value, 1, false))
}

/// A money amount given as a decimal string (`"1234.50"`), with two decimals in the
/// reader's locale, then its currency code.
pub fn money(decimal: &str, currency: &str) -> String {
    let amount = decimal
        .parse::<f64>()
        .ok()
        .map(|v| locale::format_fixed(v, 2).unwrap_or_else(|| english(v, 2, true)))
        .unwrap_or_else(|| decimal.to_owned());
    if currency.is_empty() {
        amount
    } else {
        format!("{amount} {currency}")
    }
}

/// English digit grouping with at most `decimals` decimals; the fallback off the browser.
fn english(value: f64, decimals: usize, fixed: bool) -> String {
    let negative = value < 0.0;
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) if fixed => (w.to_owned(), f.to_owned()),
        Some((w, f)) => (w.to_owned(), f.trim_end_matches('0').to_owned()),
        None => (text.clone(), String::new()),
    };
    let mut out = String::with_capacity(whole.len() + whole.len() / 3 + 4);
    if negative && (whole != "0" || !frac.is_empty()) {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out
}

#[cfg(target_arch = "wasm32")]
mod locale {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use js_sys::{Array, Function, Intl, Object, Reflect};
    use wasm_bindgen::JsValue;

    thread_local! {
        /// One formatter per (decimals, fixed) pair: building an `Intl.NumberFormat`
        /// is far slower than using one.
        static FORMATTERS: RefCell<HashMap<(u8, bool), Function>> = RefCell::new(HashMap::new());
    }

    fn formatter(decimals: u8, fixed: bool) -> Option<Function> {
        FORMATTERS.with(|cache| {
            if let Some(f) = cache.borrow().get(&(decimals, fixed)) {
                return Some(f.clone());
            }
            let options = Object::new();
            Reflect::set(
                &options,
                &"maximumFractionDigits".into(),
                &JsValue::from(decimals),
            )
            .ok()?;
            if fixed {
                Reflect::set(
                    &options,
                    &"minimumFractionDigits".into(),
                    &JsValue::from(decimals),
                )
                .ok()?;
            }
            let f = Intl::NumberFormat::new(&Array::new(), &options).format();
            cache.borrow_mut().insert((decimals, fixed), f.clone());
            Some(f)
        })
    }

    fn run(value: f64, decimals: u8, fixed: bool) -> Option<String> {
        formatter(decimals, fixed)?
            .call1(&JsValue::NULL, &JsValue::from_f64(value))
            .ok()?
            .as_string()
    }

    pub fn format(value: f64, decimals: u8) -> Option<String> {
        run(value, decimals, false)
    }

    pub fn format_fixed(value: f64, decimals: u8) -> Option<String> {
        run(value, decimals, true)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod locale {
    pub fn format(_value: f64, _decimals: u8) -> Option<String> {
        None
    }

    pub fn format_fixed(_value: f64, _decimals: u8) -> Option<String> {
        None
    }
}

/// A month as people say it: `2025-01` reads `Jan 2025`.
pub fn month(month: Month) -> String {
    let name = usize::try_from(month.month() - 1)
        .ok()
        .and_then(|i| MONTH_NAMES.get(i))
        .copied()
        .unwrap_or("?");
    format!("{name} {}", month.year())
}

/// A day as people say it: `2025-01-31` reads `31 Jan 2025`.
pub fn day(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// A point in time to the minute, in UTC so every reader sees the same text.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(number(1234.56), "1,234.6");
        assert_eq!(money("1234.5", "USD"), "1,234.50 USD");
    }

    #[test]
    fn months_read_as_words() {
        let m: Month = "2025-01".parse().unwrap();
        assert_eq!(month(m), "Jan 2025");
        assert_eq!(month(m.plus_months(11)), "Dec 2025");
    }
}
