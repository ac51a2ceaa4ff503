//! The Payouts report: the earnings trend and the line-item grid.

pub mod handlers;
pub mod query;
