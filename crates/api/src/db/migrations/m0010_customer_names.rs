//! The names each customer's orders and usage rows carry (issue #4): a text filter on
//! `CustomerName` or `CustomerCompanyName` is resolved to the customers with a matching
//! name, read from this table (a row per customer, mostly), and the grid then reads
//! only those customers' rows through the customer indexes (orders' `customer_id`
//! index, usage's m0009) instead of testing the text of every row of the period.
//!
//! Filled once here from the stored rows; the store path adds each batch's names.

use sea_orm_migration::prelude::*;

use super::m0007_offer_names::create_and_fill;
use crate::db::entities::customer_names;

/// The migration.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_customer_names"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One pass over the facts (a minute at ten million rows, once).
        create_and_fill(
            manager,
            customer_names::Entity,
            "INSERT INTO customer_names \
             (publisher_id, customer_id, customer_name, customer_company_name) \
             SELECT publisher_id, customer_id, customer_name, customer_company_name \
             FROM orders UNION SELECT publisher_id, customer_id, customer_name, \
             customer_company_name FROM usage",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("customer_names")).to_owned())
            .await
    }
}
