//! What every handler shares.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::mail::Mailer;

/// The application state: database pool, token keys and configuration. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Keys that sign and verify access tokens.
    pub tokens: Arc<TokenKeys>,
    /// The configuration the instance runs with.
    pub config: Arc<Config>,
    /// Aggregate report answers, keyed by the publisher's data freshness.
    pub report_cache: crate::reports::cache::ReportCache,
    /// Keys of BYOL subscription hashes and grid cursors.
    pub report_keys: crate::reports::keys::ReportKeys,
    /// SHA-256 of the operator's token (the token itself is not kept in memory).
    pub operator_token_sha256: [u8; 32],
    /// Sends mail (SMTP when configured) and keeps the outbox.
    pub mailer: Arc<Mailer>,
    /// Read-only rusqlite connections to the SQLite file, for reading many rows fast
    /// (downloads); `None` on PostgreSQL and in-memory SQLite.
    pub sqlite_reader: Option<Arc<crate::reports::grid::fast::SqliteReader>>,
}
