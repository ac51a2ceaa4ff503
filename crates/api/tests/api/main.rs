//! The API integration tests: one binary, every test on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod accounts;
mod auth;
mod crash;
mod ingest;
mod isolation;
mod licenses;
mod mail;
mod openapi;
mod references;
mod reports;
mod store;
mod summary;
mod support;
