//! The foundation schema: tenants, people, facts, rollups, batches and freshness.
//!
//! The tables are created from the entities as they stand in this first version.
//! Architecture invariant: once a release has shipped, this migration is frozen, and
//! every later schema change is a new migration that alters tables explicitly.

use sea_orm::{EntityTrait, Schema};
use sea_orm_migration::prelude::*;

use crate::db::entities::{
    customers, data_freshness, ingest_batches, licenses, offers, orders, payouts, plans,
    publishers, rollup_customer_orders, rollup_orders, rollup_payouts, rollup_usage, usage, users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn create<E: EntityTrait>(manager: &SchemaManager<'_>, entity: E) -> Result<(), DbErr> {
    let schema = Schema::new(manager.get_database_backend());
    manager
        .create_table(schema.create_table_from_entity(entity))
        .await?;
    for index in schema.create_index_from_entity(entity) {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// An index whose first column is the publisher key, as every index of publisher data is.
pub(super) async fn index(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(Alias::new(table))
        .col(Alias::new("publisher_id"));
    for column in columns {
        stmt.col(Alias::new(*column));
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(manager, publishers::Entity).await?;
        create(manager, users::Entity).await?;
        create(manager, offers::Entity).await?;
        create(manager, plans::Entity).await?;
        create(manager, customers::Entity).await?;
        create(manager, orders::Entity).await?;
        create(manager, usage::Entity).await?;
        create(manager, licenses::Entity).await?;
        create(manager, payouts::Entity).await?;
        create(manager, ingest_batches::Entity).await?;
        create(manager, data_freshness::Entity).await?;
        create(manager, rollup_orders::Entity).await?;
        create(manager, rollup_customer_orders::Entity).await?;
        create(manager, rollup_usage::Entity).await?;
        create(manager, rollup_payouts::Entity).await?;

        index(manager, "orders", &["order_purchase_date"], false).await?;
        index(manager, "orders", &["marketplace_subscription_id"], false).await?;
        index(manager, "orders", &["customer_id"], false).await?;
        // Usage has no secondary index: reports read its rollups, and its primary key
        // (subscription, date, meter) serves per-subscription reads. Each index would
        // cost every one of the millions of usage rows another b-tree insert.
        index(manager, "customers", &["date_acquired"], false).await?;
        index(manager, "licenses", &["customer_id"], false).await?;
        index(manager, "payouts", &["month_start_date"], false).await?;
        index(manager, "ingest_batches", &["dataset", "batch_key"], true).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "rollup_payouts",
            "rollup_usage",
            "rollup_customer_orders",
            "rollup_orders",
            "data_freshness",
            "ingest_batches",
            "payouts",
            "licenses",
            "usage",
            "orders",
            "customers",
            "plans",
            "offers",
            "users",
            "publishers",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
