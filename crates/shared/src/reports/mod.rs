//! Report responses, one module per report area.

pub mod activity;
pub mod customers;
pub mod grid;
pub mod licenses;
pub mod payouts;
pub mod slicers;
pub mod summary;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How fresh a report's data is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Freshness {
    /// When the latest data of the report's datasets was stored for this publisher;
    /// `null` when nothing has been stored yet.
    pub data_as_of: Option<DateTime<Utc>>,
}

/// Ten-thousandths (how money and decimal quantities are stored) as a decimal string
/// with at least two decimals: `12_3400` is `"12.34"`, `-5` is `"-0.0005"`.
pub fn decimal_string(ten_thousandths: i64) -> String {
    let sign = if ten_thousandths < 0 { "-" } else { "" };
    let abs = ten_thousandths.unsigned_abs();
    let whole = abs / 10_000;
    let mut frac = format!("{:04}", abs % 10_000);
    while frac.len() > 2 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{sign}{whole}.{frac}")
}

/// Ten-thousandths as a floating-point number of units (hours).
pub fn units(ten_thousandths: i64) -> f64 {
    ten_thousandths as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings_keep_every_significant_digit() {
        assert_eq!(decimal_string(12_3400), "12.34");
        assert_eq!(decimal_string(12_3456), "12.3456");
        assert_eq!(decimal_string(0), "0.00");
        assert_eq!(decimal_string(-5), "-0.0005");
        assert_eq!(decimal_string(-1_0000), "-1.00");
    }
}
