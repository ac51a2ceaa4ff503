//! The database: connection (SQLite embedded default or PostgreSQL), schema and entities.

pub mod entities;
pub mod migrations;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;

use migrations::Migrator;

/// Opens the database at `url` and brings its schema up to date.
///
/// SQLite files are created (with their folder) when missing and run in WAL mode, so
/// readers never wait for the writer; the pool holds one writer's worth of connections
/// per core.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(std::env::var_os("PORTAL_SQL_LOG").is_some())
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        if let Some(parent) = sqlite_path(url).and_then(|p| p.parent().map(Path::to_path_buf))
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(&parent)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
        }
        // Validate the URL here so a malformed one is a clear error, not a panic later.
        SqliteConnectOptions::from_str(url)
            .map_err(|e| DbErr::Custom(format!("bad SQLite URL {url}: {e}")))?;
        options.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                // Only a new database takes it (an existing one keeps the page size it
                // was made with). 200,000 usage rows by `portal ingest`, into a new
                // database / into a copy of the 1m benchmark database: 4 KiB pages
                // 2.72 s / 4.3-4.6 s, 16 KiB 2.23 s / 4.28 s, 64 KiB 2.00 s / 6.4 s
                // (larger pages cost more where inserts are scattered over a big
                // index; docs/ingest-performance.md).
                .page_size(SQLITE_PAGE_SIZE)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .pragma("temp_store", "memory")
                .pragma("cache_size", READER_CACHE_KIB)
                // A large batch grows the write-ahead log to its size; once the log is
                // checkpointed and starts over, it is cut back to 64 MiB rather than
                // keeping the largest batch's size on disk for good.
                .pragma("journal_size_limit", "67108864")
        });
    } else {
        options.max_connections(16);
    }
    // Migrate over one dedicated connection, then open the pool. Run through the pool,
    // migration statements land on several connections, and a connection that reads
    // SQLite's schema between a table's creation and its unique index's keeps that
    // stale schema: preparing an upsert on it then fails, intermittently.
    let mut single = options.clone();
    single.max_connections(1).min_connections(1);
    let migrator = Database::connect(single).await?;
    Migrator::up(&migrator, None).await?;
    migrator.close().await?;
    Database::connect(options).await
}

/// The page size of a new SQLite database (bytes).
pub const SQLITE_PAGE_SIZE: u32 = 16_384;

/// SQLite's page cache per pooled connection (KiB, negative as the pragma takes it): small,
/// so that eight connections reading a large download cannot hold much memory. (Batches
/// are written by a connection of the store path's own, with a 128 MiB cache.)
const READER_CACHE_KIB: &str = "-8192";

/// The file of a `sqlite:` URL, if it names one.
pub fn sqlite_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// The backend's short name, as reported by `/health`.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}
