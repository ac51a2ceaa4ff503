//! Usage's primary key in time order (issue #5): `(publisher_id, usage_date,
//! marketplace_subscription_id, meter_id)` in place of m0001's `(publisher_id,
//! marketplace_subscription_id, usage_date, meter_id)`, which makes m0003's day index
//! (the same columns) redundant; and the table `customer_subscriptions` for what the
//! old key served alone, the usage grid filtered by subscription.
//!
//! A batch's rows fall in a few days and months. With the subscription first, the key
//! index took each new row to a random place in an index as large as the table's
//! history, and once that outgrew the writer's page cache nearly every insert read a
//! page (200,000 new rows into a million stored: the writer's loop was mostly key-index
//! misses, `docs/ingest-performance.md`). With the day first, a batch's keys land in
//! its days' narrow part of the index, as the month-prefixed indexes of m0008 and m0009
//! do; and the day index it replaces is one b-tree insert a row fewer.
//!
//! A subscription filter is resolved through `customer_subscriptions` (a row per
//! subscription and customer, kept by the store path) to its customers, whose rows the
//! customer index m0009 reads month by month, as a customer-name filter's are (m0010).
//! A subscription index would have cost every usage row a b-tree insert again; the
//! pairs cost one insert per new subscription.
//!
//! SQLite cannot change a table's primary key: the table is rebuilt (created anew with
//! the new key, filled in key order, the old one dropped and the new one renamed), its
//! other indexes recreated from their stored definitions, in one transaction.
//! PostgreSQL swaps the key constraint in place.

use sea_orm::{ConnectionTrait, DbBackend, IdenStatic, Iterable, Schema, Statement};
use sea_orm_migration::prelude::*;

use super::m0001_foundation::index;
use super::m0007_offer_names::create_and_fill;
use super::m0008_usage_month_sort_indexes::drop as drop_usage_index;
use crate::db::entities::{customer_subscriptions, usage};

/// The migration.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_usage_time_key"
    }
}

/// The key after this migration: publisher, day, subscription, meter.
pub const TIME_KEY: &[&str] = &[
    "publisher_id",
    "usage_date",
    "marketplace_subscription_id",
    "meter_id",
];
/// m0001's key: publisher, subscription, day, meter.
const SUBSCRIPTION_KEY: &[&str] = &[
    "publisher_id",
    "marketplace_subscription_id",
    "usage_date",
    "meter_id",
];
/// m0003's usage index, which the time-ordered key makes redundant.
const DAY_INDEX: &str = "ix_usage_usage_date_marketplace_subscription_id_meter_id";

fn quoted(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn run(manager: &SchemaManager<'_>, sql: String) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_raw(Statement::from_string(manager.get_database_backend(), sql))
        .await
        .map(|_| ())
}

/// Rebuilds SQLite's usage table with the primary key `to`, keeping its rows, its
/// columns and its other indexes (except `drop_index`).
async fn rebuild_sqlite(
    manager: &SchemaManager<'_>,
    to: &[&str],
    drop_index: &str,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    // The table as the entity (and so m0001) describes it, under a new name and with
    // the new key.
    let create = Schema::new(DbBackend::Sqlite)
        .create_table_from_entity(usage::Entity)
        .to_string(SqliteQueryBuilder);
    let old_key = format!("PRIMARY KEY ({})", quoted(SUBSCRIPTION_KEY));
    if create.matches(&old_key).count() != 1 || !create.starts_with("CREATE TABLE \"usage\" (") {
        return Err(DbErr::Migration(format!(
            "m0011: the usage table's statement does not declare {old_key}: {create}"
        )));
    }
    let create = create
        .replacen(
            "CREATE TABLE \"usage\" (",
            "CREATE TABLE \"usage_rebuilt\" (",
            1,
        )
        .replacen(&old_key, &format!("PRIMARY KEY ({})", quoted(to)), 1);
    let indexes: Vec<String> = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'usage' \
             AND sql IS NOT NULL AND name <> ? ORDER BY name",
            [drop_index.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;
    let columns = quoted(
        &usage::Column::iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
    );
    run(manager, "DROP TABLE IF EXISTS \"usage_rebuilt\"".into()).await?;
    run(manager, create).await?;
    run(
        manager,
        format!(
            "INSERT INTO \"usage_rebuilt\" ({columns}) SELECT {columns} FROM \"usage\" \
             ORDER BY {}",
            quoted(to)
        ),
    )
    .await?;
    run(manager, "DROP TABLE \"usage\"".into()).await?;
    run(
        manager,
        "ALTER TABLE \"usage_rebuilt\" RENAME TO \"usage\"".into(),
    )
    .await?;
    for index in indexes {
        run(manager, index).await?;
    }
    Ok(())
}

/// Swaps PostgreSQL's usage key constraint (m0001 named it after the entity) for one
/// on `to`, under the same name.
async fn swap_postgres_key(manager: &SchemaManager<'_>, to: &[&str]) -> Result<(), DbErr> {
    let name: String = manager
        .get_connection()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT conname::text FROM pg_constraint \
             WHERE conrelid = '\"usage\"'::regclass AND contype = 'p'",
        ))
        .await?
        .ok_or_else(|| DbErr::Migration("m0011: the usage table has no primary key".into()))?
        .try_get_by_index(0)?;
    run(
        manager,
        format!(
            "ALTER TABLE \"usage\" DROP CONSTRAINT \"{name}\", \
             ADD CONSTRAINT \"{name}\" PRIMARY KEY ({})",
            quoted(to)
        ),
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too (its default is none): a crash at any step of
    /// the rebuild leaves the old table as it was.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                rebuild_sqlite(manager, TIME_KEY, DAY_INDEX).await?;
            }
            _ => {
                swap_postgres_key(manager, TIME_KEY).await?;
                manager
                    .drop_index(drop_usage_index(DAY_INDEX.to_owned()))
                    .await?;
            }
        }
        // One pass over the facts (a minute at ten million rows, once).
        create_and_fill(
            manager,
            customer_subscriptions::Entity,
            "INSERT INTO customer_subscriptions \
             (publisher_id, marketplace_subscription_id, customer_id) \
             SELECT publisher_id, marketplace_subscription_id, customer_id FROM orders \
             UNION SELECT publisher_id, marketplace_subscription_id, customer_id FROM usage",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(Alias::new("customer_subscriptions"))
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Sqlite {
            rebuild_sqlite(manager, SUBSCRIPTION_KEY, DAY_INDEX).await?;
        } else {
            swap_postgres_key(manager, SUBSCRIPTION_KEY).await?;
        }
        // m0003's index, under the name it gave it (DAY_INDEX).
        index(manager, "usage", &TIME_KEY[1..], false).await
    }
}
