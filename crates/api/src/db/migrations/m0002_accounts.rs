//! Accounts: single-use links, refresh tokens, API clients, the audit log, the mail
//! outbox and sign-in throttling.

use sea_orm::{EntityTrait, Schema};
use sea_orm_migration::prelude::*;

use crate::db::entities::{
    account_tokens, api_clients, audit_log, mail_outbox, refresh_tokens, sign_in_throttle,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn create<E: EntityTrait>(manager: &SchemaManager<'_>, entity: E) -> Result<(), DbErr> {
    let schema = Schema::new(manager.get_database_backend());
    manager
        .create_table(schema.create_table_from_entity(entity))
        .await
}

/// An index whose first column is the publisher key, as every index of publisher data is.
async fn index(manager: &SchemaManager<'_>, table: &str, columns: &[&str]) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(Alias::new(table))
        .col(Alias::new("publisher_id"));
    for column in columns {
        stmt.col(Alias::new(*column));
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(manager, account_tokens::Entity).await?;
        create(manager, refresh_tokens::Entity).await?;
        create(manager, api_clients::Entity).await?;
        create(manager, audit_log::Entity).await?;
        create(manager, mail_outbox::Entity).await?;
        create(manager, sign_in_throttle::Entity).await?;
        index(manager, "account_tokens", &["user_id"]).await?;
        index(manager, "refresh_tokens", &["user_id"]).await?;
        index(manager, "refresh_tokens", &["family_id"]).await?;
        index(manager, "audit_log", &["actor_id", "event_id"]).await?;
        index(manager, "audit_log", &["action", "event_id"]).await?;
        // The throttle is instance-wide (an unknown email has no publisher); old windows
        // are purged by age.
        manager
            .create_index(
                Index::create()
                    .name("ix_sign_in_throttle_window_started_at")
                    .table(Alias::new("sign_in_throttle"))
                    .col(Alias::new("window_started_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "sign_in_throttle",
            "mail_outbox",
            "audit_log",
            "api_clients",
            "refresh_tokens",
            "account_tokens",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
