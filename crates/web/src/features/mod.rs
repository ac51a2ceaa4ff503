//! The pages, one folder per feature.

pub mod accounts;
pub mod customer;
pub mod help;
pub mod licenses;
pub mod orders_usage;
pub mod placeholders;
pub mod signin;
pub mod summary;
pub mod users;
