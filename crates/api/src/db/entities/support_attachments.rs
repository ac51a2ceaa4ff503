//! A file attached to a support message. The content lives in the data folder
//! (`support/<publisher_id>/<attachment_id>`), never in the database.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub attachment_id: Uuid,
    pub request_number: i64,
    pub message_id: Uuid,
    /// The name it was uploaded with (cleaned of paths and control characters).
    pub file_name: String,
    /// The media type its content was recognised as.
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
