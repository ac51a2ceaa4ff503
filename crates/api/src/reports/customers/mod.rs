//! The Customer page: the summary by Marketplace License Type, the customer grid and
//! one customer's view.

pub mod handlers;
pub mod query;
