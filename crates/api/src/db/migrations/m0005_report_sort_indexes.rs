//! Indexes for the reports' speed (issue #4).
//!
//! - Covering indexes on the Orders and Usage rollups, in the order the panels scan
//!   them (publisher, month, then every slicer column and the measures): a panel's
//!   grouped scan of a period reads only these index pages, never the table.
//! - Sort indexes `(publisher_id, column, key...)` for the detail-grid columns sellers
//!   sort on most, so that a page sorted on one of them is a keyset range scan at any
//!   depth, whatever the period's size. Each costs ingestion one more b-tree insert a
//!   row and disk (about 85 bytes a usage row, 70 an order), so usage, with ten times
//!   the rows, has two. `grid::spec` lists them (`GridSpec::sort_indexes`); sorts on
//!   other columns sort the period's rows (see ARCHITECTURE.md, "Report speed").

use sea_orm_migration::prelude::*;

/// The migration.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_report_sort_indexes"
    }
}

/// Orders grid sort indexes: the column, then the key (`order_id`).
pub const ORDER_SORTS: &[&str] = &[
    "customer_country",
    "offer_name",
    "sku",
    "order_quantity",
    "estimated_charges",
];
/// Usage grid sort indexes: the column, then the key.
pub const USAGE_SORTS: &[&str] = &["customer_country", "normalized_usage"];
const USAGE_KEY: &[&str] = &["marketplace_subscription_id", "usage_date", "meter_id"];

const ROLLUP_ORDERS: &[&str] = &[
    "month",
    "offer_id",
    "offer_type",
    "azure_license_type",
    "marketplace_license_type",
    "customer_country",
    "is_preview_sku",
    "new_orders",
];
const ROLLUP_USAGE: &[&str] = &[
    "month",
    "usage_type",
    "offer_id",
    "offer_type",
    "azure_license_type",
    "marketplace_license_type",
    "customer_country",
    "is_preview_sku",
    "normalized_usage",
    "raw_usage",
    "metered_usage",
];

/// Every index: name, table, columns after `publisher_id`. Names stay within
/// PostgreSQL's 63 characters.
fn indexes() -> Vec<(String, &'static str, Vec<&'static str>)> {
    let mut all = vec![
        (
            "ix_rollup_orders_panels".to_owned(),
            "rollup_orders",
            ROLLUP_ORDERS.to_vec(),
        ),
        (
            "ix_rollup_usage_panels".to_owned(),
            "rollup_usage",
            ROLLUP_USAGE.to_vec(),
        ),
    ];
    for column in ORDER_SORTS {
        all.push((
            format!("ix_orders_sort_{column}"),
            "orders",
            vec![column, "order_id"],
        ));
    }
    for column in USAGE_SORTS {
        let mut columns = vec![*column];
        columns.extend_from_slice(USAGE_KEY);
        all.push((format!("ix_usage_sort_{column}"), "usage", columns));
    }
    all
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in indexes() {
            let mut stmt = Index::create();
            stmt.name(name)
                .table(Alias::new(table))
                .col(Alias::new("publisher_id"));
            for column in columns {
                stmt.col(Alias::new(column));
            }
            manager.create_index(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in indexes() {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
