//! Every name an offer's orders and usage rows were stored under, kept by the store path
//! (an offer renamed keeps its old rows' name). Grids resolve a text filter on
//! `OfferName` to the offers that have a matching name through it (see
//! `reports::grid::GridRequest::plan`), instead of testing the text of every row.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_names")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
