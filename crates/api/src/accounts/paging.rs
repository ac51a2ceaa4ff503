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
        Ok(Self {
            page: params.number_from_1("page", 1, 1_000_000)?,
            page_size: params.number_from_1("pageSize", 20, 100)?,
        })
    }
}
