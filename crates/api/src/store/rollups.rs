//! Rollup deltas: accumulated in memory while facts are written, then added to the
//! rollup tables with one upsert per table chunk.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Statement, Value};
use shared::dictionary::MarketplaceLicenseType;

use crate::db::entities::{orders, payouts, usage};

const MAX_PARAMS: usize = 30_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SliceKey {
    month: NaiveDate,
    offer_id: String,
    sku: String,
    offer_type: String,
    azure_license_type: String,
    marketplace_license_type: String,
    customer_country: String,
    is_preview_sku: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct OfferDim {
    offer_name: String,
    offer_type: String,
    is_paid: bool,
}

/// The rollup deltas of one batch, and the offers and plans it names.
#[derive(Debug, Default)]
pub struct Rollups {
    orders: HashMap<SliceKey, [i64; 2]>,
    customer_orders: HashMap<(NaiveDate, String), [i64; 2]>,
    usage: HashMap<(SliceKey, String), [i64; 4]>,
    payouts: HashMap<(NaiveDate, String, String, String), [i64; 2]>,
    offers: HashMap<String, OfferDim>,
    plans: HashMap<(String, String), (String, bool)>,
    removed_any: bool,
}

fn add<const N: usize>(target: &mut [i64; N], sign: i64, values: [i64; N]) {
    for (t, v) in target.iter_mut().zip(values) {
        *t += sign * v;
    }
}

impl Rollups {
    fn note_dimensions(
        &mut self,
        offer_id: &str,
        name: &str,
        offer_type: &str,
        sku: &str,
        mlt: &str,
        preview: bool,
    ) {
        let paid = MarketplaceLicenseType::from_name(mlt).is_some_and(|t| t.is_paid());
        self.offers
            .entry(offer_id.to_owned())
            .and_modify(|o| o.is_paid |= paid)
            .or_insert_with(|| OfferDim {
                offer_name: name.to_owned(),
                offer_type: offer_type.to_owned(),
                is_paid: paid,
            });
        self.plans.insert(
            (offer_id.to_owned(), sku.to_owned()),
            (mlt.to_owned(), preview),
        );
    }

    /// Adds or removes one order, counted in its purchase month.
    pub fn add_order(&mut self, o: &orders::Model, purchase_month: NaiveDate, sign: i64) {
        self.removed_any |= sign < 0;
        let key = SliceKey {
            month: purchase_month,
            offer_id: o.offer_id.clone(),
            sku: o.sku.clone(),
            offer_type: o.offer_type.clone(),
            azure_license_type: o.azure_license_type.clone(),
            marketplace_license_type: o.marketplace_license_type.clone(),
            customer_country: o.customer_country.clone(),
            is_preview_sku: o.is_preview_sku,
        };
        add(
            self.orders.entry(key).or_default(),
            sign,
            [1, o.order_quantity],
        );
        add(
            self.customer_orders
                .entry((purchase_month, o.customer_id.clone()))
                .or_default(),
            sign,
            [1, o.order_quantity],
        );
        if sign > 0 {
            self.note_dimensions(
                &o.offer_id,
                &o.offer_name,
                &o.offer_type,
                &o.sku,
                &o.marketplace_license_type,
                o.is_preview_sku,
            );
        }
    }

    /// Adds or removes one usage row, counted in its month.
    pub fn add_usage(&mut self, u: &usage::Model, sign: i64) {
        self.removed_any |= sign < 0;
        let key = SliceKey {
            month: u.month_start_date,
            offer_id: u.offer_id.clone(),
            sku: u.sku.clone(),
            offer_type: u.offer_type.clone(),
            azure_license_type: u.azure_license_type.clone(),
            marketplace_license_type: u.marketplace_license_type.clone(),
            customer_country: u.customer_country.clone(),
            is_preview_sku: u.is_preview_sku,
        };
        add(
            self.usage.entry((key, u.usage_type.clone())).or_default(),
            sign,
            [1, u.normalized_usage, u.raw_usage, u.metered_usage],
        );
        if sign > 0 {
            self.note_dimensions(
                &u.offer_id,
                &u.offer_name,
                &u.offer_type,
                &u.sku,
                &u.marketplace_license_type,
                u.is_preview_sku,
            );
        }
    }

    /// Adds or removes one payout line item, counted in its month.
    pub fn add_payout(&mut self, p: &payouts::Model, sign: i64) {
        self.removed_any |= sign < 0;
        let key = (
            p.month_start_date,
            p.offer_type.clone(),
            p.channel.clone(),
            p.payout_status.clone(),
        );
        add(
            self.payouts.entry(key).or_default(),
            sign,
            [1, p.earning_amount_usd],
        );
    }

    /// Adds the deltas to the rollup tables and records the offers and plans.
    pub async fn apply(self, txn: &DatabaseTransaction, publisher_id: i64) -> Result<(), DbErr> {
        let p = || Value::from(publisher_id);
        let slice_values = |k: &SliceKey| -> Vec<Value> {
            vec![
                p(),
                k.month.into(),
                k.offer_id.clone().into(),
                k.sku.clone().into(),
                k.offer_type.clone().into(),
                k.azure_license_type.clone().into(),
                k.marketplace_license_type.clone().into(),
                k.customer_country.clone().into(),
                k.is_preview_sku.into(),
            ]
        };
        const SLICE: [&str; 9] = [
            "publisher_id",
            "month",
            "offer_id",
            "sku",
            "offer_type",
            "azure_license_type",
            "marketplace_license_type",
            "customer_country",
            "is_preview_sku",
        ];

        let rows = self
            .orders
            .iter()
            .filter(|(_, v)| **v != [0, 0])
            .map(|(k, v)| {
                let mut row = slice_values(k);
                row.extend(v.iter().map(|x| Value::from(*x)));
                row
            });
        upsert_sum(
            txn,
            "rollup_orders",
            &SLICE,
            &[],
            &["new_orders", "order_quantity"],
            rows,
        )
        .await?;

        let rows = self
            .customer_orders
            .iter()
            .filter(|(_, v)| **v != [0, 0])
            .map(|((month, customer), v)| {
                vec![
                    p(),
                    (*month).into(),
                    customer.clone().into(),
                    v[0].into(),
                    v[1].into(),
                ]
            });
        upsert_sum(
            txn,
            "rollup_customer_orders",
            &["publisher_id", "month", "customer_id"],
            &[],
            &["new_orders", "order_quantity"],
            rows,
        )
        .await?;

        let rows = self
            .usage
            .iter()
            .filter(|(_, v)| **v != [0; 4])
            .map(|((k, usage_type), v)| {
                let mut row = slice_values(k);
                row.push(usage_type.clone().into());
                row.extend(v.iter().map(|x| Value::from(*x)));
                row
            });
        upsert_sum(
            txn,
            "rollup_usage",
            &SLICE,
            &["usage_type"],
            &[
                "row_count",
                "normalized_usage",
                "raw_usage",
                "metered_usage",
            ],
            rows,
        )
        .await?;

        let rows = self.payouts.iter().filter(|(_, v)| **v != [0, 0]).map(
            |((month, offer_type, channel, status), v)| {
                vec![
                    p(),
                    (*month).into(),
                    offer_type.clone().into(),
                    channel.clone().into(),
                    status.clone().into(),
                    v[0].into(),
                    v[1].into(),
                ]
            },
        );
        upsert_sum(
            txn,
            "rollup_payouts",
            &[
                "publisher_id",
                "month",
                "offer_type",
                "channel",
                "payout_status",
            ],
            &[],
            &["line_items", "earning_amount_usd"],
            rows,
        )
        .await?;

        if self.removed_any {
            // Slices whose every row was replaced away hold nothing any more.
            for (table, count) in [
                ("rollup_orders", "new_orders"),
                ("rollup_customer_orders", "new_orders"),
                ("rollup_usage", "row_count"),
                ("rollup_payouts", "line_items"),
            ] {
                txn.execute_raw(Statement::from_sql_and_values(
                    txn.get_database_backend(),
                    format!("DELETE FROM \"{table}\" WHERE publisher_id = $1 AND \"{count}\" = 0"),
                    [p()],
                ))
                .await?;
            }
        }

        self.write_dimensions(txn, publisher_id).await
    }

    async fn write_dimensions(
        &self,
        txn: &DatabaseTransaction,
        publisher_id: i64,
    ) -> Result<(), DbErr> {
        let offers: Vec<_> = self.offers.iter().collect();
        for chunk in offers.chunks(MAX_PARAMS / 5) {
            let mut insert = Query::insert();
            insert.into_table(Alias::new("offers")).columns(
                [
                    "publisher_id",
                    "offer_id",
                    "offer_name",
                    "offer_type",
                    "is_paid",
                ]
                .map(Alias::new),
            );
            for (id, dim) in chunk {
                insert
                    .values([
                        publisher_id.into(),
                        (*id).clone().into(),
                        dim.offer_name.clone().into(),
                        dim.offer_type.clone().into(),
                        dim.is_paid.into(),
                    ])
                    .map_err(|e| DbErr::Custom(e.to_string()))?;
            }
            insert.on_conflict(
                OnConflict::columns(["publisher_id", "offer_id"].map(Alias::new))
                    .update_columns(["offer_name", "offer_type"].map(Alias::new))
                    .value(
                        Alias::new("is_paid"),
                        Expr::cust("\"offers\".\"is_paid\" OR excluded.\"is_paid\""),
                    )
                    .to_owned(),
            );
            txn.execute(&insert).await?;
        }
        let plans: Vec<_> = self.plans.iter().collect();
        for chunk in plans.chunks(MAX_PARAMS / 5) {
            let mut insert = Query::insert();
            insert.into_table(Alias::new("plans")).columns(
                [
                    "publisher_id",
                    "offer_id",
                    "sku",
                    "marketplace_license_type",
                    "is_preview_sku",
                ]
                .map(Alias::new),
            );
            for ((offer_id, sku), (mlt, preview)) in chunk {
                insert
                    .values([
                        publisher_id.into(),
                        offer_id.clone().into(),
                        sku.clone().into(),
                        mlt.clone().into(),
                        (*preview).into(),
                    ])
                    .map_err(|e| DbErr::Custom(e.to_string()))?;
            }
            insert.on_conflict(
                OnConflict::columns(["publisher_id", "offer_id", "sku"].map(Alias::new))
                    .update_columns(["marketplace_license_type", "is_preview_sku"].map(Alias::new))
                    .to_owned(),
            );
            txn.execute(&insert).await?;
        }
        Ok(())
    }
}

/// Inserts `rows` (key columns then measures) into `table`, adding the measures to an
/// existing row with the same key.
async fn upsert_sum(
    txn: &DatabaseTransaction,
    table: &str,
    key: &[&str],
    extra_key: &[&str],
    measures: &[&str],
    rows: impl Iterator<Item = Vec<Value>>,
) -> Result<(), DbErr> {
    let columns: Vec<&str> = key
        .iter()
        .chain(extra_key)
        .chain(measures)
        .copied()
        .collect();
    let rows: Vec<Vec<Value>> = rows.collect();
    for chunk in rows.chunks(MAX_PARAMS / columns.len()) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)));
        for row in chunk {
            insert
                .values(row.iter().cloned().map(Into::into))
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        let mut on_conflict =
            OnConflict::columns(key.iter().chain(extra_key).map(|c| Alias::new(*c)));
        for m in measures {
            on_conflict.value(
                Alias::new(*m),
                Expr::cust(format!("\"{table}\".\"{m}\" + excluded.\"{m}\"")),
            );
        }
        insert.on_conflict(on_conflict.to_owned());
        txn.execute(&insert).await?;
    }
    Ok(())
}
