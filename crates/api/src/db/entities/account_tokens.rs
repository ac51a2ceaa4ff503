//! A single-use link's token (invitation or password reset), kept only as its SHA-256.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    /// Hex SHA-256 of the token's secret part.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_sha256: String,
    pub user_id: Uuid,
    /// `invitation` or `password_reset`.
    pub purpose: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Set when the link is used (or superseded); a used link never works again.
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
