//! Fact rows as the store path needs to know them: natural keys, dates, rollup
//! contributions, and their columns as values.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, DbErr, EntityName, EntityTrait, FromQueryResult, IdenStatic, Iterable,
    ModelTrait, TryIntoModel, Value,
};

use super::rollups::Rollups;
use crate::db::entities::{customers, licenses, orders, payouts, usage};

/// A column of a fact's entity.
pub type Col<M> = <<M as ModelTrait>::Entity as EntityTrait>::Column;

/// A row of a fact table, as the store path needs to know it.
pub trait Fact: ModelTrait + FromQueryResult + Clone + Send + Sync + 'static {
    /// The publisher the row belongs to.
    fn publisher_id(&self) -> i64;
    /// The natural key's columns, after `publisher_id`.
    fn key_columns() -> Vec<<Self::Entity as EntityTrait>::Column>;
    /// The natural key as one comparable text, for de-duplicating a batch.
    fn natural_key(&self) -> String;
    /// The row's date, for the dataset's latest date.
    fn date(&self) -> NaiveDate;
    /// Adds (`sign` 1) or removes (`sign` -1) the row's contribution to the rollups.
    fn contribute(&self, sign: i64, rollups: &mut Rollups);
    /// The row back from its column values (in the order of [`columns`]).
    fn from_values(values: Vec<Value>) -> Result<Self, DbErr>;
    /// The row's column values (in the order of [`columns`]), moved out of it.
    fn into_values(self) -> Vec<Value>;
}

/// Where each of `M`'s key columns stands in [`columns`].
pub fn key_index<M: Fact>() -> Result<Vec<usize>, DbErr> {
    let columns = columns::<M>();
    M::key_columns()
        .iter()
        .map(|k| {
            columns
                .iter()
                .position(|c| c.as_str() == k.as_str())
                .ok_or_else(|| DbErr::Custom(format!("no key column {}", k.as_str())))
        })
        .collect()
}

/// `date` as `YYYY-MM-DD`, as chrono writes it, without the formatting machinery.
pub fn date_text(date: NaiveDate) -> [u8; 10] {
    use chrono::Datelike;
    let (y, m, d) = (date.year().clamp(0, 9999) as u32, date.month(), date.day());
    let digit = |n: u32| b'0' + (n % 10) as u8;
    [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(d / 10),
        digit(d),
    ]
}

/// Appends `date` as `YYYY-MM-DD`.
pub fn push_date(out: &mut String, date: NaiveDate) {
    for b in date_text(date) {
        out.push(char::from(b));
    }
}

/// Keeps the last row of each natural key, in order: within one batch, a later row
/// restates an earlier one. Returns the rows kept and how many were dropped.
pub fn last_of_each_key<M: Fact>(rows: Vec<M>) -> (Vec<M>, u64) {
    let mut last: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        last.insert(row.natural_key(), i);
    }
    if last.len() == rows.len() {
        return (rows, 0);
    }
    let before = rows.len();
    let kept: Vec<M> = rows
        .into_iter()
        .enumerate()
        .filter(|(i, row)| last.get(&row.natural_key()) == Some(i))
        .map(|(_, row)| row)
        .collect();
    let dropped = (before - kept.len()) as u64;
    (kept, dropped)
}

/// The table's columns, in entity order.
pub fn columns<M: Fact>() -> Vec<Col<M>> {
    Col::<M>::iter().collect()
}

/// The table's name.
pub fn table<M: Fact>() -> String {
    M::Entity::default().table_name().to_owned()
}

fn values<M, A>(row: M) -> Vec<Value>
where
    M: Fact,
    A: ActiveModelTrait<Entity = M::Entity> + From<M>,
{
    let mut active = A::from(row);
    Col::<M>::iter()
        .map(|c| active.take(c).into_value().unwrap_or(Value::String(None)))
        .collect()
}

fn build<M, A>(values: Vec<Value>) -> Result<M, DbErr>
where
    M: Fact,
    A: ActiveModelTrait<Entity = M::Entity> + TryIntoModel<M>,
{
    let mut active = <A as ActiveModelTrait>::default();
    for (column, value) in Col::<M>::iter().zip(values) {
        active.try_set(column, value)?;
    }
    active
        .try_into_model()
        .map_err(|e| DbErr::Custom(format!("a stored row is incomplete: {e}")))
}

fn month_of(date: NaiveDate) -> NaiveDate {
    shared::Month::of(date).first_day()
}

impl Fact for orders::Model {
    fn from_values(values: Vec<Value>) -> Result<Self, DbErr> {
        build::<Self, orders::ActiveModel>(values)
    }
    fn into_values(self) -> Vec<Value> {
        values::<Self, orders::ActiveModel>(self)
    }
    fn publisher_id(&self) -> i64 {
        self.publisher_id
    }
    fn key_columns() -> Vec<orders::Column> {
        vec![orders::Column::OrderId]
    }
    fn natural_key(&self) -> String {
        self.order_id.clone()
    }
    fn date(&self) -> NaiveDate {
        self.order_purchase_date.max(self.month_start_date)
    }
    fn contribute(&self, sign: i64, rollups: &mut Rollups) {
        rollups.add_order(self, month_of(self.order_purchase_date), sign);
    }
}

impl Fact for usage::Model {
    fn from_values(values: Vec<Value>) -> Result<Self, DbErr> {
        build::<Self, usage::ActiveModel>(values)
    }
    /// Field by field in column order (the generic way through the active model cost 6 %
    /// of the SQLite writer's instructions on the largest dataset); a test checks that
    /// it agrees with the generic way.
    fn into_values(self) -> Vec<Value> {
        vec![
            Value::from(self.publisher_id),
            Value::from(self.marketplace_subscription_id),
            Value::from(self.usage_date),
            Value::from(self.meter_id),
            Value::from(self.month_start_date),
            Value::from(self.offer_id),
            Value::from(self.offer_name),
            Value::from(self.offer_type),
            Value::from(self.sku),
            Value::from(self.plan_id),
            Value::from(self.sku_billing_type),
            Value::from(self.azure_license_type),
            Value::from(self.channel),
            Value::from(self.marketplace_license_type),
            Value::from(self.customer_country),
            Value::from(self.is_preview_sku),
            Value::from(self.is_private_offer),
            Value::from(self.vm_size),
            Value::from(self.core_size),
            Value::from(self.deployment_method),
            Value::from(self.usage_type),
            Value::from(self.normalized_usage),
            Value::from(self.raw_usage),
            Value::from(self.metered_usage),
            Value::from(self.meter_dimension),
            Value::from(self.usage_unit),
            Value::from(self.usage_reference),
            Value::from(self.customer_id),
            Value::from(self.customer_name),
            Value::from(self.customer_company_name),
            Value::from(self.billing_account_id),
            Value::from(self.customer_currency_cc),
            Value::from(self.price_cc),
            Value::from(self.estimated_extended_charge_cc),
            Value::from(self.payout_currency_pc),
            Value::from(self.estimated_extended_charge_pc),
        ]
    }
    fn publisher_id(&self) -> i64 {
        self.publisher_id
    }
    fn key_columns() -> Vec<usage::Column> {
        vec![
            usage::Column::MarketplaceSubscriptionId,
            usage::Column::UsageDate,
            usage::Column::MeterId,
        ]
    }
    fn natural_key(&self) -> String {
        let mut key = String::with_capacity(
            self.marketplace_subscription_id.len() + self.meter_id.len() + 12,
        );
        key.push_str(&self.marketplace_subscription_id);
        key.push('\u{1f}');
        push_date(&mut key, self.usage_date);
        key.push('\u{1f}');
        key.push_str(&self.meter_id);
        key
    }
    fn date(&self) -> NaiveDate {
        self.usage_date
    }
    fn contribute(&self, sign: i64, rollups: &mut Rollups) {
        rollups.add_usage(self, sign);
    }
}

impl Fact for customers::Model {
    fn from_values(values: Vec<Value>) -> Result<Self, DbErr> {
        build::<Self, customers::ActiveModel>(values)
    }
    fn into_values(self) -> Vec<Value> {
        values::<Self, customers::ActiveModel>(self)
    }
    fn publisher_id(&self) -> i64 {
        self.publisher_id
    }
    fn key_columns() -> Vec<customers::Column> {
        vec![
            customers::Column::CustomerId,
            customers::Column::MarketplaceSubscriptionId,
        ]
    }
    fn natural_key(&self) -> String {
        format!(
            "{}\u{1f}{}",
            self.customer_id, self.marketplace_subscription_id
        )
    }
    fn date(&self) -> NaiveDate {
        self.date_lost
            .unwrap_or(self.date_acquired)
            .max(self.date_acquired)
    }
    fn contribute(&self, _sign: i64, _rollups: &mut Rollups) {}
}

impl Fact for licenses::Model {
    fn from_values(values: Vec<Value>) -> Result<Self, DbErr> {
        build::<Self, licenses::ActiveModel>(values)
    }
    fn into_values(self) -> Vec<Value> {
        values::<Self, licenses::ActiveModel>(self)
    }
    fn publisher_id(&self) -> i64 {
        self.publisher_id
    }
    fn key_columns() -> Vec<licenses::Column> {
        vec![
            licenses::Column::MonthStartDate,
            licenses::Column::CustomerId,
            licenses::Column::ProductId,
            licenses::Column::PlanName,
        ]
    }
    fn natural_key(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.month_start_date, self.customer_id, self.product_id, self.plan_name
        )
    }
    fn date(&self) -> NaiveDate {
        self.month_start_date
    }
    fn contribute(&self, _sign: i64, _rollups: &mut Rollups) {}
}

impl Fact for payouts::Model {
    fn from_values(values: Vec<Value>) -> Result<Self, DbErr> {
        build::<Self, payouts::ActiveModel>(values)
    }
    fn into_values(self) -> Vec<Value> {
        values::<Self, payouts::ActiveModel>(self)
    }
    fn publisher_id(&self) -> i64 {
        self.publisher_id
    }
    fn key_columns() -> Vec<payouts::Column> {
        vec![
            payouts::Column::PurchaseRecordId,
            payouts::Column::LineItemId,
        ]
    }
    fn natural_key(&self) -> String {
        format!("{}\u{1f}{}", self.purchase_record_id, self.line_item_id)
    }
    fn date(&self) -> NaiveDate {
        self.month_start_date
    }
    fn contribute(&self, sign: i64, rollups: &mut Rollups) {
        rollups.add_payout(self, sign);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_values_field_by_field_are_the_active_models() {
        let date = |d: &str| d.parse::<NaiveDate>().unwrap();
        let row = usage::Model {
            publisher_id: 7,
            marketplace_subscription_id: "sub".into(),
            usage_date: date("2026-01-05"),
            meter_id: "meter".into(),
            month_start_date: date("2026-01-01"),
            offer_id: "offer".into(),
            offer_name: "Offer".into(),
            offer_type: "SaaS".into(),
            sku: "std".into(),
            plan_id: "plan".into(),
            sku_billing_type: "Paid".into(),
            azure_license_type: "Enterprise".into(),
            channel: "Direct Enterprise".into(),
            marketplace_license_type: "Free".into(),
            customer_country: "US".into(),
            is_preview_sku: true,
            is_private_offer: false,
            vm_size: "D2".into(),
            core_size: 2,
            deployment_method: "VM".into(),
            usage_type: "Metered".into(),
            normalized_usage: 11,
            raw_usage: 12,
            metered_usage: 13,
            meter_dimension: "dim".into(),
            usage_unit: "GB".into(),
            usage_reference: "ref".into(),
            customer_id: "cust".into(),
            customer_name: "Pat".into(),
            customer_company_name: "Doe".into(),
            billing_account_id: "ba".into(),
            customer_currency_cc: "EUR".into(),
            price_cc: 14,
            estimated_extended_charge_cc: 15,
            payout_currency_pc: "USD".into(),
            estimated_extended_charge_pc: 16,
        };
        assert_eq!(
            row.clone().into_values(),
            values::<usage::Model, usage::ActiveModel>(row.clone())
        );
        assert_eq!(
            usage::Model::from_values(row.clone().into_values()).unwrap(),
            row
        );
    }
}
