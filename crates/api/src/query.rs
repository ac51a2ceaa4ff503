//! Strict query-string parsing: every report refuses parameters it does not know and
//! names the parameter at fault, rather than answering an empty 200.

use std::collections::BTreeMap;

use shared::{ErrorCode, FieldError, Month, Problem};

use crate::error::ApiError;

/// The query parameters of one request, checked against the names an endpoint accepts.
#[derive(Clone, Debug, Default)]
pub struct QueryParams {
    values: BTreeMap<String, String>,
    repeated: BTreeMap<String, Vec<String>>,
}

/// Parameters that may be given more than once (each occurrence is one value).
pub const REPEATABLE: &[&str] = &["filter"];

/// Comma-separated lists that may also come as a repeated parameter, the OpenAPI default
/// for an array in a query (`market=US&market=DE`, as generated clients send it, is
/// `market=US,DE`).
pub const LISTS: &[&str] = &[
    "azureLicenseType",
    "marketplaceLicenseType",
    "market",
    "offerType",
    "previewStatus",
    "subject",
    "offerName",
    "planName",
    "customerName",
    "country",
];

impl QueryParams {
    /// Parses `raw`, refusing names not in `allowed` and repeated names (except
    /// [`REPEATABLE`] ones and [`LISTS`], whose repeats are joined).
    pub fn parse(raw: &str, allowed: &[&str]) -> Result<Self, ApiError> {
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let mut repeated: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut errors = Vec::new();
        for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
            if allowed.contains(&name.as_ref()) && REPEATABLE.contains(&name.as_ref()) {
                if !value.is_empty() {
                    repeated
                        .entry(name.to_string())
                        .or_default()
                        .push(value.to_string());
                }
            } else if !allowed.contains(&name.as_ref()) {
                errors.push(FieldError {
                    field: name.to_string(),
                    line: None,
                    reason: "unknown parameter".to_owned(),
                });
            } else if let Some(list) = values
                .get_mut(name.as_ref())
                .filter(|_| LISTS.contains(&name.as_ref()))
            {
                if !value.is_empty() {
                    if !list.is_empty() {
                        list.push(',');
                    }
                    list.push_str(&value);
                }
            } else if values.insert(name.to_string(), value.to_string()).is_some() {
                errors.push(FieldError {
                    field: name.to_string(),
                    line: None,
                    reason: "given more than once; pass a comma-separated list instead".to_owned(),
                });
            }
        }
        if errors.is_empty() {
            return Ok(Self { values, repeated });
        }
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let code = if errors.iter().any(|e| e.reason == "unknown parameter") {
            ErrorCode::UnknownParameter
        } else {
            ErrorCode::InvalidParameter
        };
        let accepted = if allowed.is_empty() {
            "no parameters".to_owned()
        } else {
            allowed.join(", ")
        };
        let detail = format!(
            "Query parameter{} {} not accepted here; this endpoint accepts: {accepted}.",
            if names.len() > 1 { "s" } else { "" },
            names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Err(ApiError::Client(Box::new(
            Problem::new(code, detail).with_errors(errors),
        )))
    }

    /// The raw value of `name`, if given (an empty value counts as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Every value of a repeatable parameter, in the order given.
    pub fn all(&self, name: &str) -> &[String] {
        self.repeated.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether `name` was given with a non-empty value.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some() || !self.all(name).is_empty()
    }

    /// The value of `name` parsed with `FromStr`, naming the parameter when it fails.
    pub fn parsed<T>(&self, name: &str) -> Result<Option<T>, ApiError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        self.get(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|e| ApiError::invalid_parameter(name, e.to_string()))
            })
            .transpose()
    }

    /// The date in `name` (`YYYY-MM-DD`), if given.
    pub fn date(&self, name: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
        self.get(name)
            .map(|v| {
                chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                    ApiError::invalid_parameter(
                        name,
                        format!("'{v}' is not a date; use YYYY-MM-DD, for example 2026-09-30"),
                    )
                })
            })
            .transpose()
    }

    /// The whole number in `name`, from 1 to `max`; `default` when not given. Page
    /// numbers, page sizes and list limits all read this way.
    pub fn number_from_1(&self, name: &str, default: u64, max: u64) -> Result<u64, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(text) => text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::invalid_parameter(
                        name,
                        format!("'{text}' is not a whole number from 1 to {max}"),
                    )
                }),
        }
    }

    /// The month in `name` (`YYYY-MM`), if given.
    pub fn month(&self, name: &str) -> Result<Option<Month>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse::<Month>()
                    .map_err(|e| ApiError::invalid_parameter(name, e.to_string()))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(e: ApiError) -> Problem {
        match e {
            ApiError::Client(p) => *p,
            other => panic!("expected a client error, got {other}"),
        }
    }

    #[test]
    fn unknown_parameters_are_named() {
        let p = problem(QueryParams::parse("start=2026-01&markets=US", &["start"]).unwrap_err());
        assert_eq!(p.code, ErrorCode::UnknownParameter);
        assert_eq!(p.status, 400);
        assert_eq!(p.errors[0].field, "markets");
        assert!(
            p.detail.contains("'markets'") && p.detail.contains("start"),
            "{}",
            p.detail
        );
    }

    #[test]
    fn a_list_may_come_repeated_and_a_single_value_may_not() {
        let allowed = &["market", "start"];
        let q = QueryParams::parse("market=US&market=DE,FR&market=", allowed).unwrap();
        assert_eq!(q.get("market"), Some("US,DE,FR"));
        let q = QueryParams::parse("market=&market=DE", allowed).unwrap();
        assert_eq!(q.get("market"), Some("DE"));
        let p = problem(QueryParams::parse("start=2026-01&start=2026-02", allowed).unwrap_err());
        assert_eq!(p.code, ErrorCode::InvalidParameter);
        assert_eq!(p.errors[0].field, "start");
    }

    #[test]
    fn numbers_from_1_keep_to_their_range_and_name_the_parameter() {
        let q = QueryParams::parse("limit=1000&page= 2 ", &["limit", "page", "size"]).unwrap();
        assert_eq!(q.number_from_1("limit", 100, 1000).unwrap(), 1000);
        assert_eq!(q.number_from_1("page", 1, 10).unwrap(), 2);
        assert_eq!(q.number_from_1("size", 20, 100).unwrap(), 20, "the default");
        for bad in ["limit=0", "limit=1001", "limit=-1", "limit=ten"] {
            let q = QueryParams::parse(bad, &["limit"]).unwrap();
            let p = problem(q.number_from_1("limit", 100, 1000).unwrap_err());
            assert_eq!(p.code, ErrorCode::InvalidParameter, "{bad}");
            assert_eq!(p.errors[0].field, "limit", "{bad}");
            assert!(p.detail.contains("1 to 1000"), "{bad}: {}", p.detail);
        }
    }

    #[test]
    fn malformed_months_name_the_parameter() {
        let q = QueryParams::parse("start=2026-13", &["start"]).unwrap();
        let p = problem(q.month("start").unwrap_err());
        assert_eq!(p.code, ErrorCode::InvalidParameter);
        assert_eq!(p.errors[0].field, "start");
        assert!(p.detail.contains("2026-13"));
    }

    #[test]
    fn repeated_parameters_are_refused() {
        let p = problem(QueryParams::parse("start=2026-01&start=2026-02", &["start"]).unwrap_err());
        assert_eq!(p.code, ErrorCode::InvalidParameter);
    }

    #[test]
    fn absent_and_empty_values_are_none() {
        let q = QueryParams::parse("start=", &["start"]).unwrap();
        assert_eq!(q.month("start").unwrap(), None);
    }
}
