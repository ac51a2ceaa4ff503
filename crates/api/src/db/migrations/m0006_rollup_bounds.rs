//! Bounds of the usage grid's sort measure in each usage rollup slice (issue #4).
//!
//! `max_normalized_usage` and `min_normalized_usage` hold, for each slice (month and
//! slicer combination), a value at least as large (small) as every row's
//! `NormalizedUsage` in it: exact when the slice's rows were written, and still bounds
//! after restatements lowered or raised them (the store path only widens them). The
//! usage grid, sorted by `NormalizedUsage` and filtered on slicer columns, starts its
//! walk of the sort index at the bound of the slices the filters keep (see
//! `grid::GridRequest::plan`): filtering SaaS rows, whose hours are all zero, sorted by
//! hours descending, otherwise steps over every other row of the index first.
//!
//! The columns are not in the entity (which `m0001` creates tables from, and which would
//! then create them twice); NULL means "not known" and the grid then uses no bound.
//! Existing slices are filled from the usage rows once, here.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;

/// The migration.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_rollup_bounds"
    }
}

/// The slice's key columns, as the usage rows name them, in rollup order.
const SLICE: &[(&str, &str)] = &[
    ("publisher_id", "publisher_id"),
    ("month", "month_start_date"),
    ("offer_id", "offer_id"),
    ("sku", "sku"),
    ("offer_type", "offer_type"),
    ("azure_license_type", "azure_license_type"),
    ("marketplace_license_type", "marketplace_license_type"),
    ("customer_country", "customer_country"),
    ("is_preview_sku", "is_preview_sku"),
    ("usage_type", "usage_type"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["max_normalized_usage", "min_normalized_usage"] {
            if !manager.has_column("rollup_usage", column).await? {
                manager
                    .alter_table(
                        Table::alter()
                            .table(Alias::new("rollup_usage"))
                            .add_column(ColumnDef::new(Alias::new(column)).big_integer().null())
                            .to_owned(),
                    )
                    .await?;
            }
        }
        // One grouped pass over the usage rows (minutes at ten million rows, once).
        let keys: Vec<String> = SLICE
            .iter()
            .map(|(rollup, fact)| format!("{fact} AS {rollup}"))
            .collect();
        let group: Vec<&str> = SLICE.iter().map(|(_, fact)| *fact).collect();
        let join: Vec<String> = SLICE
            .iter()
            .map(|(rollup, _)| format!("rollup_usage.{rollup} = b.{rollup}"))
            .collect();
        let sql = format!(
            "UPDATE rollup_usage SET max_normalized_usage = b.mx, min_normalized_usage = b.mn \
             FROM (SELECT {}, MAX(normalized_usage) AS mx, MIN(normalized_usage) AS mn \
             FROM usage GROUP BY {}) AS b WHERE {}",
            keys.join(", "),
            group.join(", "),
            join.join(" AND ")
        );
        let db = manager.get_connection();
        db.execute_raw(Statement::from_string(manager.get_database_backend(), sql))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["max_normalized_usage", "min_normalized_usage"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("rollup_usage"))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
