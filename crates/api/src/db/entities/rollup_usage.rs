//! Usage per month and slicer combination.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rollup_usage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
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
    #[sea_orm(primary_key, auto_increment = false)]
    pub usage_type: String,
    pub row_count: i64,
    /// Ten-thousandths of an hour.
    pub normalized_usage: i64,
    /// Ten-thousandths of an hour.
    pub raw_usage: i64,
    /// Ten-thousandths of the meter's unit.
    pub metered_usage: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
