//! Indexes that let the detail grids page through a period in their default order by
//! keyset, at any depth, without sorting the period's rows.

use sea_orm_migration::prelude::*;

use super::m0001_foundation::index;

/// The migration.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_report_indexes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The Orders grid: newest month first, then order ID.
        index(manager, "orders", &["month_start_date", "order_id"], false).await?;
        // The Usage grid: newest day first, then the rest of the primary key. The one
        // secondary index usage carries; it costs ingestion one more b-tree insert a row.
        index(
            manager,
            "usage",
            &["usage_date", "marketplace_subscription_id", "meter_id"],
            false,
        )
        .await?;
        // The Payouts grid: newest month first, then the line item's key.
        index(
            manager,
            "payouts",
            &["month_start_date", "purchase_record_id", "line_item_id"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            ("orders", "ix_orders_month_start_date_order_id"),
            (
                "usage",
                "ix_usage_usage_date_marketplace_subscription_id_meter_id",
            ),
            (
                "payouts",
                "ix_payouts_month_start_date_purchase_record_id_line_item_id",
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
