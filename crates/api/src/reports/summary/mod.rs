//! The Summary report: three months of new orders from a start month.

pub mod handlers;
pub mod query;
