//! A support request filed by someone of a publisher. The number is unique in the
//! instance (from `support_sequence`), but every lookup is scoped by publisher.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    /// The number people read as `SR-000123`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i64,
    pub requester_id: Uuid,
    pub requester_email: String,
    /// `reportsAndInsights`.
    pub problem_type: String,
    /// `reportQuestions` or `other`.
    pub category: String,
    pub title: String,
    /// A `SupportStatus` wire name.
    pub status: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub time_zone: String,
    pub region: String,
    pub language: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
