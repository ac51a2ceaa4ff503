//! The Seller Insights Portal server: REST API under `/api/v1`, the browser app, demo
//! data and the operator's command line. See ARCHITECTURE.md for the map.

pub mod accounts;
pub mod apidocs;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod health;
pub mod help;
pub mod ingest;
pub mod mail;
pub mod openapi;
pub mod query;
pub mod reports;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
pub mod support;
pub mod telemetry;
pub mod users;
pub mod webapp;
