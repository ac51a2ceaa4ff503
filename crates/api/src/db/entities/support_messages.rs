//! One message of a support request's conversation (the first is its description).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    /// A UUIDv7, so the key orders messages by time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub message_id: Uuid,
    pub request_number: i64,
    /// `requester` or `support`.
    pub author: String,
    pub author_name: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
