//! The wire vocabulary of the Seller Insights Portal.
//!
//! Everything here is compiled for both the server (`api`) and the browser app (`web`),
//! so it stays light: serde and a date type. OpenAPI schema derives sit behind the
//! `openapi` feature, which only the server turns on.

pub mod auth;
pub mod countries;
pub mod dictionary;
pub mod error;
pub mod glossary;
pub mod health;
pub mod ingest;
pub mod month;
pub mod reports;
pub mod support;
pub mod users;
pub mod world;

pub use error::{ErrorCode, FieldError, Problem};
pub use month::Month;
