//! Support requests with their conversation and attachments, feedback from the smiley,
//! and the instance-wide counter of request numbers.

use sea_orm::{EntityTrait, Schema};
use sea_orm_migration::prelude::*;

use super::m0001_foundation::index;
use crate::db::entities::{
    feedback, support_attachments, support_messages, support_requests, support_sequence,
};

/// The migration.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_support"
    }
}

async fn create<E: EntityTrait>(manager: &SchemaManager<'_>, entity: E) -> Result<(), DbErr> {
    let schema = Schema::new(manager.get_database_backend());
    manager
        .create_table(schema.create_table_from_entity(entity))
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(manager, support_requests::Entity).await?;
        create(manager, support_messages::Entity).await?;
        create(manager, support_attachments::Entity).await?;
        create(manager, feedback::Entity).await?;
        create(manager, support_sequence::Entity).await?;
        // A request's conversation and files are read by its number, within a publisher.
        index(
            manager,
            "support_messages",
            &["request_number", "message_id"],
            false,
        )
        .await?;
        index(
            manager,
            "support_attachments",
            &["request_number", "message_id"],
            false,
        )
        .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Alias::new("support_sequence"))
                    .columns([Alias::new("name"), Alias::new("value")])
                    .values_panic(["request".into(), 0i64.into()])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "support_sequence",
            "feedback",
            "support_attachments",
            "support_messages",
            "support_requests",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
