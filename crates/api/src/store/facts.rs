//! Writing fact rows: de-duplication, replacement of existing natural keys, insertion.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, EntityName, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, ModelTrait, Statement, Value,
};

use super::StoreError;
use super::rollups::Rollups;
use crate::db::entities::{customers, licenses, orders, payouts, usage};

/// The most bind parameters one statement may carry; below both SQLite's (32,766) and
/// PostgreSQL's (65,535) limits.
const MAX_PARAMS: usize = 30_000;

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
}

/// Writes `rows` (all of `publisher_id`), replacing rows with the same natural key, and
/// accumulates the rollup deltas. Returns the rows written, the rows replaced and the
/// latest date.
pub async fn write<M: Fact>(
    txn: &DatabaseTransaction,
    publisher_id: i64,
    rows: Vec<M>,
    rollups: &mut Rollups,
) -> Result<(u64, u64, Option<NaiveDate>), StoreError>
where
    M::Entity: EntityTrait<Model = M>,
{
    if let Some((row, found)) = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i, r.publisher_id()))
        .find(|(_, p)| *p != publisher_id)
    {
        return Err(StoreError::WrongPublisher {
            row,
            expected: publisher_id,
            found,
        });
    }
    let rows = last_of_each_key(rows);
    if rows.is_empty() {
        return Ok((0, 0, None));
    }
    let backend = txn.get_database_backend();
    let table = M::Entity::default().table_name().to_owned();
    let phase = std::time::Instant::now();
    let keys: Vec<String> = M::key_columns()
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();

    // Stage the batch's keys, then find and remove the rows they replace.
    txn.execute_unprepared("DROP TABLE IF EXISTS stage_keys")
        .await?;
    txn.execute_unprepared(&format!(
        "CREATE TEMP TABLE stage_keys AS SELECT {} FROM \"{table}\" WHERE 1 = 0",
        quoted(&keys)
    ))
    .await?;
    let key_columns = M::key_columns();
    let key_names: Vec<&str> = keys.iter().map(String::as_str).collect();
    for chunk in rows.chunks((MAX_PARAMS / key_columns.len()).max(1)) {
        let values = chunk
            .iter()
            .flat_map(|row| key_columns.iter().map(|c| row.get(*c)));
        txn.execute_raw(insert_statement(
            backend,
            "stage_keys",
            &key_names,
            chunk.len(),
            values,
        ))
        .await?;
    }
    // The staged keys drive the lookup (SQLite's CROSS JOIN keeps them the outer loop),
    // so finding the restated rows costs one primary-key probe per batch row, however
    // large the table already is.
    let key_list = quoted(&keys);
    let joined = keys
        .iter()
        .map(|k| format!("t.\"{k}\" = s.\"{k}\""))
        .collect::<Vec<_>>()
        .join(" AND ");
    let old = M::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            format!("SELECT t.* FROM stage_keys s CROSS JOIN \"{table}\" t WHERE t.publisher_id = $1 AND {joined}"),
            [Value::from(publisher_id)],
        ))
        .all(txn)
        .await?;
    let replaced = old.len() as u64;
    if !old.is_empty() {
        for row in &old {
            row.contribute(-1, rollups);
        }
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "DELETE FROM \"{table}\" WHERE publisher_id = $1 AND ({key_list}) IN (SELECT {key_list} FROM stage_keys)"
            ),
            [Value::from(publisher_id)],
        ))
        .await?;
    }
    txn.execute_unprepared("DROP TABLE stage_keys").await?;

    let lookup_ms = phase.elapsed().as_millis();
    let phase = std::time::Instant::now();
    let columns: Vec<_> = <M::Entity as EntityTrait>::Column::iter().collect();
    let names: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
    for chunk in rows.chunks(MAX_PARAMS / columns.len()) {
        let values = chunk
            .iter()
            .flat_map(|row| columns.iter().map(|c| row.get(*c)));
        txn.execute_raw(insert_statement(
            backend,
            &table,
            &names,
            chunk.len(),
            values,
        ))
        .await?;
    }
    let insert_ms = phase.elapsed().as_millis();
    let phase = std::time::Instant::now();
    let mut latest = None;
    for row in &rows {
        row.contribute(1, rollups);
        latest = latest.max(Some(row.date()));
    }
    tracing::debug!(
        table,
        rows = rows.len(),
        replaced,
        lookup_ms,
        insert_ms,
        contribute_ms = phase.elapsed().as_millis(),
        "facts written"
    );
    Ok((rows.len() as u64, replaced, latest))
}

/// Keeps the last row of each natural key, in batch order: within one batch, a later
/// row restates an earlier one.
fn last_of_each_key<M: Fact>(rows: Vec<M>) -> Vec<M> {
    let mut last: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        last.insert(row.natural_key(), i);
    }
    if last.len() == rows.len() {
        return rows;
    }
    rows.into_iter()
        .enumerate()
        .filter(|(i, row)| last.get(&row.natural_key()) == Some(i))
        .map(|(_, row)| row)
        .collect()
}

/// A multi-row `INSERT` of `rows` rows into `table`, taking the values in row order.
///
/// Built by hand rather than with the query builder: each value is moved into the
/// statement once, where the builder would copy every string twice, and on batches of
/// a million rows that copying was most of the cost.
fn insert_statement(
    backend: DbBackend,
    table: &str,
    columns: &[&str],
    rows: usize,
    values: impl Iterator<Item = Value>,
) -> Statement {
    let mut sql = String::with_capacity(64 + columns.len() * (rows * 6 + 24));
    sql.push_str("INSERT INTO \"");
    sql.push_str(table);
    sql.push_str("\" (");
    sql.push_str(&quoted(columns));
    sql.push_str(") VALUES ");
    let mut n = 0usize;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                DbBackend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    Statement::from_sql_and_values(backend, sql, values)
}

fn quoted(columns: &[impl AsRef<str>]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{}\"", c.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn month_of(date: NaiveDate) -> NaiveDate {
    shared::Month::of(date).first_day()
}

impl Fact for orders::Model {
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
        format!(
            "{}\u{1f}{}\u{1f}{}",
            self.marketplace_subscription_id, self.usage_date, self.meter_id
        )
    }
    fn date(&self) -> NaiveDate {
        self.usage_date
    }
    fn contribute(&self, sign: i64, rollups: &mut Rollups) {
        rollups.add_usage(self, sign);
    }
}

impl Fact for customers::Model {
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
