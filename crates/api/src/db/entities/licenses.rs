//! The Licenses dataset: one row per customer, product, plan and month.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "licenses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub month_start_date: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_name: String,
    pub customer_country: String,
    pub customer_country_code: String,
    pub customer_name: String,
    pub activation_date: Date,
    pub product_display_name: String,
    pub service_id: String,
    pub license_state: String,
    pub licenses_assigned: i64,
    pub licenses_provisioned: i64,
    pub offer_type: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
