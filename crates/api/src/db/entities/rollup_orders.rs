//! New orders per purchase month and slicer combination: the Summary's and the Orders
//! report's aggregates read this, never the orders themselves.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rollup_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    /// The first day of the purchase month.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sku: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub azure_license_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub marketplace_license_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_country: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub is_preview_sku: bool,
    pub new_orders: i64,
    pub order_quantity: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
