//! A refresh token, kept only as its SHA-256. Each use rotates it to a new token of the
//! same family; using a rotated one again revokes the family.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_sha256: String,
    pub user_id: Uuid,
    /// Every token rotated from the same sign-in shares the family.
    pub family_id: Uuid,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// When it was exchanged for its successor.
    pub used_at: Option<DateTimeUtc>,
    /// When it was revoked (sign out, password change, reuse of the family).
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
