//! `page` and `pageSize` of the paged account lists.

use crate::error::ApiError;
use crate::query::QueryParams;

/// A page request: `page` from 1, `pageSize` from 1 to 100 (default 20).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// Page number, from 1.
    pub page: u64,
    /// Items per page.
    pub page_size: u64,
}

impl Paging {
    /// Reads `page` and `pageSize`, naming either when malformed or out of range.
    pub fn from_params(params: &QueryParams) -> Result<Self, ApiError> {
        let number = |name: &str, default: u64, max: u64| -> Result<u64, ApiError> {
            match params.get(name) {
                None => Ok(default),
                Some(text) => text
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid_parameter(
                            name,
                            format!("must be a whole number from 1 to {max}"),
                        )
                    }),
            }
        };
        Ok(Self {
            page: number("page", 1, 1_000_000)?,
            page_size: number("pageSize", 20, 100)?,
        })
    }
}
