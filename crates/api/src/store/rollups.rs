//! Rollup deltas: accumulated in memory while facts are written (their size follows the
//! number of slices a batch touches, not its rows), then added to the rollup tables with
//! one upsert per table chunk.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{DbBackend, DbErr, Statement, Value};
use shared::dictionary::MarketplaceLicenseType;

use super::facts::push_date;
use crate::db::entities::{orders, payouts, usage};

const MAX_PARAMS: usize = 30_000;
/// Separates the parts of a slice's key.
const SEP: char = '\u{1f}';

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct OfferDim {
    offer_name: String,
    offer_type: String,
    is_paid: bool,
}

/// The rollup deltas of one batch, and the offers and plans it names.
///
/// Slices are keyed by their parts joined into one text, built in a reused buffer, so a
/// row that adds to an existing slice allocates nothing.
#[derive(Debug, Default)]
pub struct Rollups {
    orders: HashMap<String, [i64; 2]>,
    customer_orders: HashMap<String, [i64; 2]>,
    usage: HashMap<String, [i64; 4]>,
    /// The largest and smallest `NormalizedUsage` of the rows the batch writes, by usage
    /// slice (see `m0006_rollup_bounds`).
    usage_bounds: HashMap<String, [i64; 2]>,
    payouts: HashMap<String, [i64; 2]>,
    offers: HashMap<String, OfferDim>,
    plans: HashMap<String, (String, bool)>,
    /// Every (offer, name) pair the batch's rows carry, joined by `SEP` (`offer_names`).
    offer_names: HashSet<String>,
    /// Every (customer, name, company) triple the batch's rows carry, joined by `SEP`
    /// (`customer_names`).
    customer_names: HashSet<String>,
    /// Every (subscription, customer) pair the batch's rows carry, joined by `SEP`
    /// (`customer_subscriptions`).
    customer_subscriptions: HashSet<String>,
    removed_any: bool,
    key: String,
}

fn add<const N: usize>(
    map: &mut HashMap<String, [i64; N]>,
    key: &str,
    sign: i64,
    values: [i64; N],
) {
    let target = match map.get_mut(key) {
        Some(t) => t,
        None => map.entry(key.to_owned()).or_insert([0; N]),
    };
    for (t, v) in target.iter_mut().zip(values) {
        *t += sign * v;
    }
}

#[allow(clippy::too_many_arguments)]
fn slice_key(
    key: &mut String,
    month: NaiveDate,
    offer_id: &str,
    sku: &str,
    offer_type: &str,
    azure_license_type: &str,
    marketplace_license_type: &str,
    customer_country: &str,
    is_preview_sku: bool,
) {
    key.clear();
    push_date(key, month);
    for part in [
        offer_id,
        sku,
        offer_type,
        azure_license_type,
        marketplace_license_type,
        customer_country,
    ] {
        key.push(SEP);
        key.push_str(part);
    }
    key.push(SEP);
    key.push(if is_preview_sku { '1' } else { '0' });
}

impl Rollups {
    fn note_customer(
        &mut self,
        customer_id: &str,
        subscription_id: &str,
        name: &str,
        company: &str,
    ) {
        note(
            &mut self.customer_names,
            &mut self.key,
            &[customer_id, name, company],
        );
        note(
            &mut self.customer_subscriptions,
            &mut self.key,
            &[subscription_id, customer_id],
        );
    }

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
        match self.offers.get_mut(offer_id) {
            Some(o) => o.is_paid |= paid,
            None => {
                self.offers.insert(
                    offer_id.to_owned(),
                    OfferDim {
                        offer_name: name.to_owned(),
                        offer_type: offer_type.to_owned(),
                        is_paid: paid,
                    },
                );
            }
        }
        note(&mut self.offer_names, &mut self.key, &[offer_id, name]);
        self.key.clear();
        self.key.push_str(offer_id);
        self.key.push(SEP);
        self.key.push_str(sku);
        match self.plans.get_mut(self.key.as_str()) {
            Some(plan) if plan.0 == mlt && plan.1 == preview => {}
            Some(plan) => *plan = (mlt.to_owned(), preview),
            None => {
                self.plans
                    .insert(self.key.clone(), (mlt.to_owned(), preview));
            }
        }
    }

    /// Adds or removes one order, counted in its purchase month.
    pub fn add_order(&mut self, o: &orders::Model, purchase_month: NaiveDate, sign: i64) {
        self.removed_any |= sign < 0;
        slice_key(
            &mut self.key,
            purchase_month,
            &o.offer_id,
            &o.sku,
            &o.offer_type,
            &o.azure_license_type,
            &o.marketplace_license_type,
            &o.customer_country,
            o.is_preview_sku,
        );
        add(&mut self.orders, &self.key, sign, [1, o.order_quantity]);
        self.key.clear();
        push_date(&mut self.key, purchase_month);
        self.key.push(SEP);
        self.key.push_str(&o.customer_id);
        add(
            &mut self.customer_orders,
            &self.key,
            sign,
            [1, o.order_quantity],
        );
        if sign > 0 {
            self.note_customer(
                &o.customer_id,
                &o.marketplace_subscription_id,
                &o.customer_name,
                &o.customer_company_name,
            );
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
        slice_key(
            &mut self.key,
            u.month_start_date,
            &u.offer_id,
            &u.sku,
            &u.offer_type,
            &u.azure_license_type,
            &u.marketplace_license_type,
            &u.customer_country,
            u.is_preview_sku,
        );
        self.key.push(SEP);
        self.key.push_str(&u.usage_type);
        add(
            &mut self.usage,
            &self.key,
            sign,
            [1, u.normalized_usage, u.raw_usage, u.metered_usage],
        );
        if sign > 0 {
            let n = u.normalized_usage;
            match self.usage_bounds.get_mut(self.key.as_str()) {
                Some(b) => *b = [Ord::max(b[0], n), Ord::min(b[1], n)],
                None => {
                    self.usage_bounds.insert(self.key.clone(), [n, n]);
                }
            }
            self.note_customer(
                &u.customer_id,
                &u.marketplace_subscription_id,
                &u.customer_name,
                &u.customer_company_name,
            );
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
        self.key.clear();
        let _ = write!(
            self.key,
            "{}{SEP}{}{SEP}{}{SEP}{}",
            p.month_start_date, p.offer_type, p.channel, p.payout_status
        );
        add(
            &mut self.payouts,
            &self.key,
            sign,
            [1, p.earning_amount_usd],
        );
    }

    /// Adds `other`'s deltas, bounds, dimensions and names to these (the rows a writer
    /// replaced, taken out of what a batch's rows added).
    pub fn absorb(&mut self, other: Rollups) {
        fn sums<const N: usize>(
            into: &mut HashMap<String, [i64; N]>,
            from: HashMap<String, [i64; N]>,
        ) {
            for (key, values) in from {
                let target = into.entry(key).or_insert([0; N]);
                for (t, v) in target.iter_mut().zip(values) {
                    *t += v;
                }
            }
        }
        sums(&mut self.orders, other.orders);
        sums(&mut self.customer_orders, other.customer_orders);
        sums(&mut self.usage, other.usage);
        sums(&mut self.payouts, other.payouts);
        for (key, [high, low]) in other.usage_bounds {
            let bound = self.usage_bounds.entry(key).or_insert([high, low]);
            *bound = [Ord::max(bound[0], high), Ord::min(bound[1], low)];
        }
        for (key, offer) in other.offers {
            self.offers
                .entry(key)
                .and_modify(|o| o.is_paid |= offer.is_paid)
                .or_insert(offer);
        }
        // As for rows, a later plan's license type and preview status win.
        self.plans.extend(other.plans);
        self.offer_names.extend(other.offer_names);
        self.customer_names.extend(other.customer_names);
        self.customer_subscriptions
            .extend(other.customer_subscriptions);
        self.removed_any |= other.removed_any;
    }

    /// Takes the batch's rows of the name tables out (the store path's lookups: offers'
    /// and customers' names, subscriptions' customers), for a writer that writes them
    /// its own way; [`Self::statements`] then has none of them left to insert.
    pub fn take_names(&mut self) -> Vec<NameRows> {
        vec![
            NameRows {
                table: "offer_names",
                columns: &["offer_id", "offer_name"],
                keys: std::mem::take(&mut self.offer_names),
            },
            NameRows {
                table: "customer_names",
                columns: &["customer_id", "customer_name", "customer_company_name"],
                keys: std::mem::take(&mut self.customer_names),
            },
            NameRows {
                table: "customer_subscriptions",
                columns: &["marketplace_subscription_id", "customer_id"],
                keys: std::mem::take(&mut self.customer_subscriptions),
            },
        ]
    }

    /// The statements that add the deltas to the rollup tables and record the offers and
    /// plans, for `backend`.
    pub fn statements(
        mut self,
        backend: DbBackend,
        publisher_id: i64,
    ) -> Result<Vec<Statement>, DbErr> {
        let mut out = Vec::new();
        // A slice key's parts as values: the month first, the preview flag last of the
        // eight slicer parts; anything after that is text.
        let slice_values = |key: &str| -> Result<Vec<Value>, DbErr> {
            let mut values = vec![Value::from(publisher_id)];
            for (i, part) in key.split(SEP).enumerate() {
                values.push(match i {
                    0 => NaiveDate::parse_from_str(part, "%Y-%m-%d")
                        .map_err(|e| DbErr::Custom(format!("rollup month '{part}': {e}")))?
                        .into(),
                    7 => (part == "1").into(),
                    _ => part.to_owned().into(),
                });
            }
            Ok(values)
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

        let mut rows = Vec::new();
        for (k, v) in self.orders.iter().filter(|(_, v)| **v != [0, 0]) {
            let mut row = slice_values(k)?;
            row.extend(v.iter().map(|x| Value::from(*x)));
            rows.push(row);
        }
        upsert_sum(
            &mut out,
            backend,
            "rollup_orders",
            &SLICE,
            &[],
            &["new_orders", "order_quantity"],
            rows,
        )?;

        let mut rows = Vec::new();
        for (k, v) in self.customer_orders.iter().filter(|(_, v)| **v != [0, 0]) {
            let mut row = slice_values(k)?;
            row.extend(v.iter().map(|x| Value::from(*x)));
            rows.push(row);
        }
        upsert_sum(
            &mut out,
            backend,
            "rollup_customer_orders",
            &["publisher_id", "month", "customer_id"],
            &[],
            &["new_orders", "order_quantity"],
            rows,
        )?;

        // A slice whose sums did not change may still have new rows, and so new bounds.
        // A slice with removed rows only keeps its bounds: they stay bounds.
        let mut rows = Vec::new();
        for (k, v) in &self.usage {
            let bounds = self.usage_bounds.get(k);
            if *v == [0; 4] && bounds.is_none() {
                continue;
            }
            let mut row = slice_values(k)?;
            row.extend(v.iter().map(|x| Value::from(*x)));
            let [max, min] = bounds.copied().unwrap_or([i64::MIN, i64::MAX]);
            row.extend([Value::from(max), Value::from(min)]);
            rows.push(row);
        }
        upsert(
            &mut out,
            backend,
            "rollup_usage",
            &[&SLICE[..], &["usage_type"]].concat(),
            &[
                ("row_count", Merge::Add),
                ("normalized_usage", Merge::Add),
                ("raw_usage", Merge::Add),
                ("metered_usage", Merge::Add),
                ("max_normalized_usage", Merge::Max),
                ("min_normalized_usage", Merge::Min),
            ],
            rows,
        )?;

        let mut rows = Vec::new();
        for (k, v) in self.payouts.iter().filter(|(_, v)| **v != [0, 0]) {
            let mut row = slice_values(k)?;
            row.extend(v.iter().map(|x| Value::from(*x)));
            rows.push(row);
        }
        upsert_sum(
            &mut out,
            backend,
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
        )?;

        if self.removed_any {
            // Slices whose every row was replaced away hold nothing any more.
            for (table, count) in [
                ("rollup_orders", "new_orders"),
                ("rollup_customer_orders", "new_orders"),
                ("rollup_usage", "row_count"),
                ("rollup_payouts", "line_items"),
            ] {
                out.push(Statement::from_sql_and_values(
                    backend,
                    format!("DELETE FROM \"{table}\" WHERE publisher_id = $1 AND \"{count}\" = 0"),
                    [Value::from(publisher_id)],
                ));
            }
        }

        self.dimensions(&mut out, backend, publisher_id)?;
        Ok(out)
    }

    fn dimensions(
        &mut self,
        out: &mut Vec<Statement>,
        backend: DbBackend,
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
            out.push(backend.build(&insert));
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
            for (key, (mlt, preview)) in chunk {
                let (offer_id, sku) = key.split_once(SEP).unwrap_or((key.as_str(), ""));
                insert
                    .values([
                        publisher_id.into(),
                        offer_id.to_owned().into(),
                        sku.to_owned().into(),
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
            out.push(backend.build(&insert));
        }
        for names in self.take_names() {
            insert_new(out, backend, publisher_id, &names)?;
        }
        Ok(())
    }
}

/// A batch's rows of one name table: every row is new or already there, never changed.
pub struct NameRows {
    /// The table.
    pub table: &'static str,
    /// Its columns after `publisher_id`, all text.
    pub columns: &'static [&'static str],
    /// Each row's values in `columns` order, joined by `SEP`.
    keys: HashSet<String>,
}

impl NameRows {
    /// One row's values (a key of `keys`), in `columns` order.
    fn values<'k>(&self, key: &'k str) -> impl Iterator<Item = &'k str> {
        let mut parts = key.splitn(self.columns.len(), SEP);
        (0..self.columns.len()).map(move |_| parts.next().unwrap_or(""))
    }

    /// The rows column by column, each row's values in the same place of every column,
    /// the rows in sorted order (two batches that insert the same rows then take their
    /// locks in the same order).
    pub fn into_columns(self) -> Vec<Vec<String>> {
        let mut keys: Vec<&String> = self.keys.iter().collect();
        keys.sort_unstable();
        let mut columns = vec![Vec::with_capacity(keys.len()); self.columns.len()];
        for key in keys {
            for (column, value) in columns.iter_mut().zip(self.values(key)) {
                column.push(value.to_owned());
            }
        }
        columns
    }
}

/// Adds `parts`, joined by `SEP` in the reused buffer `key`, to `set` (allocating only
/// for a new one).
fn note(set: &mut HashSet<String>, key: &mut String, parts: &[&str]) {
    key.clear();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            key.push(SEP);
        }
        key.push_str(part);
    }
    if !set.contains(key.as_str()) {
        set.insert(key.clone());
    }
}

/// Adds to `out` the inserts of `names`' rows into its table under `publisher_id`,
/// keeping rows already there.
fn insert_new(
    out: &mut Vec<Statement>,
    backend: DbBackend,
    publisher_id: i64,
    names: &NameRows,
) -> Result<(), DbErr> {
    let all: Vec<&str> = std::iter::once("publisher_id")
        .chain(names.columns.iter().copied())
        .collect();
    let keys: Vec<&String> = names.keys.iter().collect();
    for chunk in keys.chunks(MAX_PARAMS / all.len()) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(names.table))
            .columns(all.iter().map(|c| Alias::new(*c)));
        for key in chunk {
            let values = std::iter::once(Value::from(publisher_id))
                .chain(names.values(key).map(|v| Value::from(v.to_owned())));
            insert
                .values(values.map(Into::into))
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        insert.on_conflict(
            OnConflict::columns(all.iter().map(|c| Alias::new(*c)))
                .do_nothing()
                .to_owned(),
        );
        out.push(backend.build(&insert));
    }
    Ok(())
}

/// How an upsert merges a measure into an existing row's.
#[derive(Clone, Copy, Debug)]
enum Merge {
    /// Adds it.
    Add,
    /// Keeps the larger (a NULL, "not known", stays NULL).
    Max,
    /// Keeps the smaller (a NULL stays NULL).
    Min,
}

/// Adds to `out` the upserts of `rows` (key columns then measures) into `table`, adding
/// the measures to an existing row with the same key.
fn upsert_sum(
    out: &mut Vec<Statement>,
    backend: DbBackend,
    table: &str,
    key: &[&str],
    extra_key: &[&str],
    measures: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    let key: Vec<&str> = key.iter().chain(extra_key).copied().collect();
    let measures: Vec<(&str, Merge)> = measures.iter().map(|m| (*m, Merge::Add)).collect();
    upsert(out, backend, table, &key, &measures, rows)
}

/// Adds to `out` the upserts of `rows` (key columns then measures) into `table`, merging
/// the measures into an existing row with the same key.
fn upsert(
    out: &mut Vec<Statement>,
    backend: DbBackend,
    table: &str,
    key: &[&str],
    measures: &[(&str, Merge)],
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    let columns: Vec<&str> = key
        .iter()
        .copied()
        .chain(measures.iter().map(|(m, _)| *m))
        .collect();
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
        let mut on_conflict = OnConflict::columns(key.iter().map(|c| Alias::new(*c)));
        for (m, merge) in measures {
            let (old, new) = (format!("\"{table}\".\"{m}\""), format!("excluded.\"{m}\""));
            let expr = match (merge, backend) {
                (Merge::Add, _) => format!("{old} + {new}"),
                // SQLite's two-argument max and min are NULL when either is.
                (Merge::Max, DbBackend::Sqlite) => format!("max({old}, {new})"),
                (Merge::Min, DbBackend::Sqlite) => format!("min({old}, {new})"),
                // PostgreSQL's GREATEST and LEAST skip NULLs: keep "not known".
                (Merge::Max, _) => {
                    format!("CASE WHEN {old} IS NULL THEN NULL ELSE GREATEST({old}, {new}) END")
                }
                (Merge::Min, _) => {
                    format!("CASE WHEN {old} IS NULL THEN NULL ELSE LEAST({old}, {new}) END")
                }
            };
            on_conflict.value(Alias::new(*m), Expr::cust(expr));
        }
        insert.on_conflict(on_conflict.to_owned());
        out.push(backend.build(&insert));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absorbing_removals_sums_slices_and_keeps_what_rows_added() {
        // What a batch's rows added (the preparing stage) ...
        let mut added = Rollups::default();
        add(&mut added.usage, "m1", 1, [2, 30, 40, 0]);
        add(&mut added.usage, "m2", 1, [1, 5, 6, 0]);
        added.usage_bounds.insert("m1".into(), [20, 10]);
        added.note_customer("c1", "sub-a", "Sam", "Roe Inc");
        added
            .plans
            .insert("o1\u{1f}s1".into(), ("Free".into(), false));
        // ... and what the writer took out for the rows they replaced.
        let mut removed = Rollups::default();
        add(&mut removed.usage, "m1", -1, [1, 12, 16, 0]);
        add(&mut removed.usage, "m3", -1, [1, 7, 7, 0]);
        removed.removed_any = true;
        removed
            .plans
            .insert("o1\u{1f}s1".into(), ("Billed Through Azure".into(), true));
        added.absorb(removed);
        assert_eq!(added.usage["m1"], [1, 18, 24, 0]);
        assert_eq!(added.usage["m2"], [1, 5, 6, 0]);
        assert_eq!(added.usage["m3"], [-1, -7, -7, 0]);
        assert_eq!(added.usage_bounds["m1"], [20, 10]);
        assert!(added.removed_any);
        assert!(added.customer_names.contains("c1\u{1f}Sam\u{1f}Roe Inc"));
        // The later plan wins, as for rows.
        assert_eq!(
            added.plans["o1\u{1f}s1"],
            ("Billed Through Azure".to_owned(), true)
        );
    }

    #[test]
    fn name_rows_come_out_column_by_column_in_sorted_order() {
        let mut rollups = Rollups::default();
        rollups.note_customer("c2", "sub-b", "Pat", "Doe Ltd");
        rollups.note_customer("c1", "sub-a", "Sam", "Roe Inc");
        // The same pair again is one row.
        rollups.note_customer("c1", "sub-a", "Sam", "Roe Inc");
        let names = rollups.take_names();
        let by_table: HashMap<&str, Vec<Vec<String>>> = names
            .into_iter()
            .map(|n| (n.table, n.into_columns()))
            .collect();
        assert_eq!(
            by_table["customer_subscriptions"],
            vec![vec!["sub-a", "sub-b"], vec!["c1", "c2"]]
        );
        assert_eq!(
            by_table["customer_names"],
            vec![
                vec!["c1", "c2"],
                vec!["Sam", "Pat"],
                vec!["Roe Inc", "Doe Ltd"]
            ]
        );
        assert!(by_table["offer_names"].iter().all(Vec::is_empty));
        // Taken: the generic statements insert none of them again.
        let statements = rollups.statements(DbBackend::Sqlite, 1).unwrap();
        assert!(statements.iter().all(
            |s| !s.sql.contains("customer_subscriptions") && !s.sql.contains("customer_names")
        ));
    }
}
