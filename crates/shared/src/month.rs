//! A calendar month, written `YYYY-MM` on the wire.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar month (UTC), written `YYYY-MM` on the wire and in query strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

/// Why a text is not a month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthParseError(pub String);

impl fmt::Display for MonthParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not a month in the form YYYY-MM", self.0)
    }
}

impl std::error::Error for MonthParseError {}

impl Month {
    /// The month of `year` and `month` (1 to 12), or `None` when out of range.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year)).then_some(Self { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year, 1 to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month (the dictionary's `MonthStartDate`).
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.plus_months(1)
            .first_day()
            .pred_opt()
            .unwrap_or(NaiveDate::MAX)
    }

    /// The month `n` months later (earlier when negative), held within the months
    /// [`Month::new`] takes (1900-01 to 9999-12): "five months before 1900-01" is
    /// 1900-01, so that no month outside them is ever answered.
    #[must_use]
    pub fn plus_months(self, n: i32) -> Self {
        let index = (self.year * 12 + (self.month as i32 - 1))
            .saturating_add(n)
            .clamp(1900 * 12, 9999 * 12 + 11);
        Self {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    /// The months from `self` through `last`, inclusive.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        let count = (last.index() - self.index() + 1).max(0);
        (0..count).map(move |n| self.plus_months(n))
    }

    fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = MonthParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || MonthParseError(s.to_owned());
        let (y, m) = s.split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 || !y.chars().chain(m.chars()).all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        let year = y.parse().map_err(|_| err())?;
        let month = m.parse().map_err(|_| err())?;
        Month::new(year, month).ok_or_else(err)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^(19|[2-9]\d)\d{2}-(0[1-9]|1[0-2])$"))
            .description(Some(
                "A calendar month, `YYYY-MM`, of the years 1900 to 9999.",
            ))
            .examples(["2026-09"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Month {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic_stays_within_the_months_that_parse() {
        let first: Month = "1900-01".parse().unwrap();
        let last: Month = "9999-12".parse().unwrap();
        assert_eq!(first.plus_months(-5), first);
        assert_eq!(last.plus_months(1), last);
        assert_eq!(first.plus_months(i32::MAX), last);
        assert_eq!("1900-06".parse::<Month>().unwrap().plus_months(-5), first);
        assert_eq!(first.through(first.plus_months(-5)).count(), 1);
    }

    #[test]
    fn parses_and_prints_months() {
        let m: Month = "2026-09".parse().unwrap();
        assert_eq!(m.to_string(), "2026-09");
        assert_eq!(m.plus_months(4).to_string(), "2027-01");
        assert_eq!(m.plus_months(-9).to_string(), "2025-12");
        assert_eq!(m.last_day().to_string(), "2026-09-30");
    }

    #[test]
    fn refuses_malformed_months() {
        for bad in [
            "2026-13",
            "2026-00",
            "26-09",
            "2026-9",
            "2026/09",
            "",
            "abcd-ef",
            "2026-09-01",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn ranges_are_inclusive() {
        let a: Month = "2025-11".parse().unwrap();
        let months: Vec<String> = a.through(a.plus_months(2)).map(|m| m.to_string()).collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01"]);
        assert_eq!(a.through(a.plus_months(-1)).count(), 0);
    }
}
