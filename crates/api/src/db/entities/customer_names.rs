//! Every (customer, name, company) triple the orders' and usage rows were stored with,
//! kept by the store path. Grids resolve text filters on `CustomerName` and
//! `CustomerCompanyName` to the customers with a matching name through it (see
//! `reports::grid::GridRequest::plan`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_names")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_name: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_company_name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
