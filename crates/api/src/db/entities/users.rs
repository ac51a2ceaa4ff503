//! A person who signs in, belonging to one publisher.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Lower-cased; unique across the instance, since it is how people sign in.
    #[sea_orm(unique)]
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// `Administrator` or `User`.
    pub role: String,
    /// Comma-separated permission names.
    pub permissions: String,
    /// Argon2id PHC string; `None` until an invited person sets a password.
    pub password_hash: Option<String>,
    /// Bumped to invalidate every outstanding access token of the user.
    pub token_version: i32,
    pub created_at: DateTimeUtc,
    pub last_sign_in_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
