//! Every (subscription, customer) pair the orders' and usage rows were stored with, kept
//! by the store path. Grids resolve filters on `MarketplaceSubscriptionId` to the
//! customers that have a matching subscription through it, then read those customers'
//! rows through the customer indexes (see `reports::grid::GridRequest::plan`): usage has
//! no index that leads with the subscription (its key puts the day first, m0011).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publisher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub marketplace_subscription_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
