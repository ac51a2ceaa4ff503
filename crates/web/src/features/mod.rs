//! The pages, one folder per feature.

pub mod licenses;
pub mod placeholders;
pub mod signin;
pub mod summary;
