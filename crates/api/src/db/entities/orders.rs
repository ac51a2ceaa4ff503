//! The Orders dataset: one row per order of a subscription.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: String,
    pub marketplace_subscription_id: String,
    pub month_start_date: Date,
    pub offer_id: String,
    pub offer_name: String,
    pub offer_type: String,
    pub sku: String,
    pub azure_license_type: String,
    pub channel: String,
    pub marketplace_license_type: String,
    pub customer_country: String,
    pub is_preview_sku: bool,
    pub order_quantity: i64,
    pub is_new_customer: bool,
    pub order_status: String,
    pub order_purchase_date: Date,
    pub order_cancel_date: Option<Date>,
    pub trial_end_date: Option<Date>,
    pub has_trial: bool,
    pub term_start_date: Option<Date>,
    pub term_end_date: Option<Date>,
    pub purchase_record_id: String,
    pub purchase_record_line_item_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub customer_company_name: String,
    pub billing_account_id: String,
    /// Ten-thousandths of the currency unit.
    pub estimated_charges: i64,
    pub currency: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
