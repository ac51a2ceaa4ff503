//! The names each offer's orders and usage rows carry (issue #4): a text filter on
//! `OfferName` ("contains cloud") is resolved to the offers with a matching name, read
//! from this small table, and the grid then reads only those offers' rows (or none, when
//! no offer matches) instead of testing the text of every row of the period.
//!
//! Filled once here from the stored rows; the store path adds each batch's names.

use sea_orm::{ConnectionTrait, EntityTrait, Schema, Statement};
use sea_orm_migration::prelude::*;

use crate::db::entities::offer_names;

/// The migration.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_offer_names"
    }
}

/// Creates a lookup table from its entity and fills it with `fill` (an `INSERT ...
/// SELECT` over the stored facts); m0010 makes its table the same way.
pub(super) async fn create_and_fill<E: EntityTrait>(
    manager: &SchemaManager<'_>,
    entity: E,
    fill: &str,
) -> Result<(), DbErr> {
    let schema = Schema::new(manager.get_database_backend());
    manager
        .create_table(
            schema
                .create_table_from_entity(entity)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
    manager
        .get_connection()
        .execute_raw(Statement::from_string(
            manager.get_database_backend(),
            fill.to_owned(),
        ))
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One pass over the facts (seconds at ten million rows, once). UNION removes
        // the duplicates.
        create_and_fill(
            manager,
            offer_names::Entity,
            "INSERT INTO offer_names (publisher_id, offer_id, offer_name) \
             SELECT publisher_id, offer_id, offer_name FROM offers \
             UNION SELECT publisher_id, offer_id, offer_name FROM orders \
             UNION SELECT publisher_id, offer_id, offer_name FROM usage",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("offer_names")).to_owned())
            .await
    }
}
