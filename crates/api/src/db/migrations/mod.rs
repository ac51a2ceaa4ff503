//! Schema migrations; each runs unchanged on SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_accounts;
mod m0003_report_indexes;
mod m0004_support;
pub(crate) mod m0005_report_sort_indexes;
mod m0006_rollup_bounds;
mod m0007_offer_names;
pub(crate) mod m0008_usage_month_sort_indexes;
mod m0009_usage_customer_months;
mod m0010_customer_names;
pub(crate) mod m0011_usage_time_key;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_accounts::Migration),
            Box::new(m0003_report_indexes::Migration),
            Box::new(m0004_support::Migration),
            Box::new(m0005_report_sort_indexes::Migration),
            Box::new(m0006_rollup_bounds::Migration),
            Box::new(m0007_offer_names::Migration),
            Box::new(m0008_usage_month_sort_indexes::Migration),
            Box::new(m0009_usage_customer_months::Migration),
            Box::new(m0010_customer_names::Migration),
            Box::new(m0011_usage_time_key::Migration),
        ]
    }
}
