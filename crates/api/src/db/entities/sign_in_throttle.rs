//! Failed sign-ins per account and per client address, in fixed windows. Instance-wide
//! (an unknown email has no publisher), so shared by every API process.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_throttle")]
pub struct Model {
    /// `account:<email>` or `address:<ip>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub throttle_key: String,
    pub window_started_at: DateTimeUtc,
    pub failures: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
