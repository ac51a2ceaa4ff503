//! A publisher (seller) of the marketplace: the tenant every other row belongs to.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publishers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    /// A short unique handle (`contoso`).
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// The secret key of the keyed hash that replaces BYOL subscription IDs (hex).
    pub byol_hash_key: String,
    /// Whether users may reset their own password by mail.
    pub allow_password_reset: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
