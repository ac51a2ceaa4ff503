//! How numbers, months and times read in the app.

use chrono::{DateTime, Utc};
use shared::Month;

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A count with thousands separators: `12345` reads `12,345`.
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
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
    }

    #[test]
    fn months_read_as_words() {
        let m: Month = "2025-01".parse().unwrap();
        assert_eq!(month(m), "Jan 2025");
        assert_eq!(month(m.plus_months(11)), "Dec 2025");
    }
}
