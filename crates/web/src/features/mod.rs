//! The pages, one folder per feature.

pub mod placeholders;
pub mod signin;
pub mod summary;
