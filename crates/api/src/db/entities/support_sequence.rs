//! The instance-wide counter of support request numbers (one row, `name` = `request`).
//! Like `sign_in_throttle`, it belongs to no publisher: numbers are unique in the
//! instance so that one number names one request when people talk to support.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_sequence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// The last number handed out.
    pub value: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
