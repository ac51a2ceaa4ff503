//! The Usage dataset: one row per subscription, meter and day.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub marketplace_subscription_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub usage_date: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub meter_id: String,
    pub month_start_date: Date,
    pub offer_id: String,
    pub offer_name: String,
    pub offer_type: String,
    pub sku: String,
    pub plan_id: String,
    pub sku_billing_type: String,
    pub azure_license_type: String,
    pub channel: String,
    pub marketplace_license_type: String,
    pub customer_country: String,
    pub is_preview_sku: bool,
    pub is_private_offer: bool,
    pub vm_size: String,
    pub core_size: i32,
    pub deployment_method: String,
    pub usage_type: String,
    /// Ten-thousandths of an hour.
    pub normalized_usage: i64,
    /// Ten-thousandths of an hour.
    pub raw_usage: i64,
    /// Ten-thousandths of the meter's unit.
    pub metered_usage: i64,
    pub meter_dimension: String,
    pub usage_unit: String,
    pub usage_reference: String,
    pub customer_id: String,
    pub customer_name: String,
    pub customer_company_name: String,
    pub billing_account_id: String,
    pub customer_currency_cc: String,
    /// Ten-thousandths of the customer's currency.
    pub price_cc: i64,
    /// Ten-thousandths of the customer's currency.
    pub estimated_extended_charge_cc: i64,
    pub payout_currency_pc: String,
    /// Ten-thousandths of the payout currency.
    pub estimated_extended_charge_pc: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
