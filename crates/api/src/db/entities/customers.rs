//! The Customers dataset: one row per customer and subscription.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub marketplace_subscription_id: String,
    pub billing_account_id: String,
    pub customer_type: String,
    pub customer_company_name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub customer_city: String,
    pub customer_state: String,
    pub customer_postal_code: String,
    pub customer_country_region: String,
    pub customer_communication_culture: String,
    pub azure_license_type: String,
    pub marketplace_license_type: String,
    pub offer_name: String,
    pub plan_id: String,
    pub sku: String,
    pub date_acquired: Date,
    pub date_lost: Option<Date>,
    pub last_modified_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
