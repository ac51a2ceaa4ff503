//! Feedback given with the smiley.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    /// A UUIDv7, so the key orders feedback by time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub feedback_id: Uuid,
    pub user_id: Uuid,
    pub user_email: String,
    /// `happy` or `unhappy`.
    pub sentiment: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub page_url: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
