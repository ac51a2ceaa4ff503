//! The Payouts dataset: one row per purchase-record line item.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payouts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub purchase_record_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub line_item_id: String,
    pub month_start_date: Date,
    pub offer_name: String,
    pub offer_type: String,
    pub sku: String,
    pub customer_id: String,
    pub channel: String,
    /// Ten-thousandths of the customer's currency.
    pub transaction_amount_cc: i64,
    pub customer_currency_cc: String,
    /// Ten-thousandths of the payout currency.
    pub earning_amount_pc: i64,
    pub payout_currency_pc: String,
    /// Ten-thousandths of a US dollar.
    pub earning_amount_usd: i64,
    pub payout_status: String,
    pub estimated_payout_month: Date,
    pub payment_sent_date: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
