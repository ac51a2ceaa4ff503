//! The pages, one folder per feature.

pub mod customer;
pub mod orders_usage;
pub mod placeholders;
pub mod signin;
pub mod summary;
