//! Times one SQL statement on each of four connections of the portal's own SQLite pool,
//! round after round: a statement whose time depends on the connection it draws shows
//! here (docs/report-speed.md, session 7: the shared page-cache group).
//!
//! ```text
//! cargo run --release -p api --example pool_probe -- sqlite:///path/portal.db "SELECT ..." [cache_size]
//! ```
//!
//! `?` placeholders in the statement are bound, in order, to: publisher 1, the period
//! 2026-06-01 to 2026-08-31, the pattern `%zz%` and the limit 51 (the usage grid's page
//! with a contains filter). With `cache_size`, each connection sets that page cache
//! first; with `PROBE_TXN` set, each run is inside `BEGIN` ... `COMMIT`.

use sea_orm::sqlx;

const CONNECTIONS: usize = 4;
const ROUNDS: usize = 3;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(sql)) = (args.next(), args.next()) else {
        return Err("usage: pool_probe <sqlite URL> <statement> [cache_size]".into());
    };
    let cache_size = args.next();
    let in_transaction = std::env::var_os("PROBE_TXN").is_some();
    let db = api::db::connect(&url).await?;
    let pool = db.get_sqlite_connection_pool();
    let mut connections = Vec::new();
    for _ in 0..CONNECTIONS {
        let mut c = pool.acquire().await?;
        if let Some(size) = &cache_size {
            let size: i64 = size.parse()?;
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = {size}")))
                .execute(&mut *c)
                .await?;
        }
        connections.push(c);
    }
    for round in 0..ROUNDS {
        for (i, c) in connections.iter_mut().enumerate() {
            let started = std::time::Instant::now();
            if in_transaction {
                sqlx::query("BEGIN").execute(&mut **c).await?;
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            if sql.contains('?') {
                q = q
                    .bind(1i64)
                    .bind("2026-06-01")
                    .bind("2026-08-31")
                    .bind("%zz%")
                    .bind(51i64);
            }
            let rows = q.fetch_all(&mut **c).await?;
            if in_transaction {
                sqlx::query("COMMIT").execute(&mut **c).await?;
            }
            print!(
                "round {round} connection {i}: {} rows {:.0?}  ",
                rows.len(),
                started.elapsed()
            );
        }
        println!();
    }
    Ok(())
}
