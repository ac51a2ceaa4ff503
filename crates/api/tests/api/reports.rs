//! The report API against random data: every aggregate recomputed independently from
//! the raw rows, grids walked page by page against a plain sort of the rows, BYOL
//! hashing, personal-data masking, downloads, ETags, bad input and publisher isolation.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use api::db::entities::{orders, usage};
use api::db::migrations::Migrator;
use api::store::FactBatch;
use calamine::{Reader, Xlsx};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::MigratorTrait;
use shared::Month;
use shared::auth::Permission;
use shared::dictionary::{
    AzureLicenseType, Dataset, MarketplaceLicenseType, OfferType, PreviewStatus,
};
use shared::reports::activity::{ActivityMonthly, ActivityTrend};
use shared::reports::customers::CustomerView;
use shared::reports::grid::{Cell, GridPage, GridRow, MASKED};
use shared::reports::units;

use crate::helpers::{Backend, TestApp, date, order, problem, spawn_app};
use crate::on_both_databases;

const MARKETS: &[&str] = &[
    "US", "DE", "GB", "FR", "JP", "BR", "IN", "CA", "AU", "ES", "IT", "NL", "SE",
];
const MONTHS: &[&str] = &["2026-05", "2026-06", "2026-07", "2026-08"];

fn pick<T: Copy>(rng: &mut StdRng, values: &[T]) -> T {
    values[rng.random_range(0..values.len())]
}

fn random_orders(rng: &mut StdRng, publisher_id: i64, n: usize) -> Vec<orders::Model> {
    (0..n)
        .map(|i| {
            let month = pick(rng, MONTHS);
            let day = rng.random_range(1..=28);
            let mut o = order(
                publisher_id,
                &format!("o{publisher_id}-{i:04}"),
                &format!("{month}-{day:02}"),
                pick(rng, AzureLicenseType::ALL),
                pick(rng, OfferType::ALL),
                pick(rng, MARKETS),
            );
            o.marketplace_license_type = pick(rng, MarketplaceLicenseType::ALL).name().to_owned();
            o.is_preview_sku = rng.random_bool(0.2);
            o.order_quantity = rng.random_range(1..20);
            o.customer_id = format!("cust-{}", rng.random_range(0..40));
            o.customer_company_name = format!("Company {}", rng.random_range(0..9));
            o.offer_id = format!("offer-{}", rng.random_range(0..14));
            o.offer_name = format!("Offer {}", o.offer_id);
            o
        })
        .collect()
}

fn usage_row(rng: &mut StdRng, publisher_id: i64, i: usize) -> usage::Model {
    let month = pick(rng, MONTHS);
    let day = rng.random_range(1..=28);
    let usage_date: chrono::NaiveDate = format!("{month}-{day:02}").parse().unwrap();
    let alt = pick(rng, AzureLicenseType::ALL);
    let metered = rng.random_bool(0.15);
    let cores = pick(rng, &[1, 2, 4, 8]);
    let raw: i64 = rng.random_range(1..240_000);
    usage::Model {
        publisher_id,
        marketplace_subscription_id: format!("usub-{}", i % 50),
        usage_date,
        meter_id: format!("meter-{i}"),
        month_start_date: Month::of(usage_date).first_day(),
        offer_id: format!("offer-{}", rng.random_range(0..14)),
        offer_name: "An offer".to_owned(),
        offer_type: pick(rng, OfferType::ALL).name().to_owned(),
        sku: "standard".to_owned(),
        plan_id: "plan".to_owned(),
        sku_billing_type: "Paid".to_owned(),
        azure_license_type: alt.name().to_owned(),
        channel: alt.channel().name().to_owned(),
        marketplace_license_type: pick(rng, MarketplaceLicenseType::ALL).name().to_owned(),
        customer_country: pick(rng, MARKETS).to_owned(),
        is_preview_sku: rng.random_bool(0.2),
        is_private_offer: false,
        vm_size: "Standard_D2".to_owned(),
        core_size: cores,
        deployment_method: "ARM".to_owned(),
        usage_type: if metered { "Metered" } else { "VM Normalized" }.to_owned(),
        normalized_usage: if metered { 0 } else { raw * i64::from(cores) },
        raw_usage: if metered { 0 } else { raw },
        metered_usage: if metered {
            rng.random_range(1..50_000)
        } else {
            0
        },
        meter_dimension: String::new(),
        usage_unit: "hours".to_owned(),
        usage_reference: format!("ref-{i}"),
        customer_id: format!("cust-{}", rng.random_range(0..40)),
        customer_name: "Pat Doe".to_owned(),
        customer_company_name: "Doe Ltd".to_owned(),
        billing_account_id: "ba".to_owned(),
        customer_currency_cc: "USD".to_owned(),
        price_cc: 0,
        estimated_extended_charge_cc: 0,
        payout_currency_pc: "USD".to_owned(),
        estimated_extended_charge_pc: 0,
    }
}

/// A random slicer selection and its query string.
#[derive(Debug, Default)]
struct Selection {
    alt: Vec<&'static str>,
    mlt: Vec<&'static str>,
    market: Vec<&'static str>,
    offer_type: Vec<&'static str>,
    preview: Option<bool>,
}

impl Selection {
    fn random(rng: &mut StdRng) -> Self {
        fn some<T: Copy>(rng: &mut StdRng, values: &[T]) -> Vec<T> {
            if rng.random_bool(0.5) {
                return Vec::new();
            }
            let mut out: Vec<T> = values
                .iter()
                .copied()
                .filter(|_| rng.random_bool(0.5))
                .collect();
            if out.is_empty() {
                out.push(values[0]);
            }
            out
        }
        let alt: Vec<&str> = AzureLicenseType::ALL.iter().map(|v| v.name()).collect();
        let mlt: Vec<&str> = MarketplaceLicenseType::ALL
            .iter()
            .map(|v| v.name())
            .collect();
        let ot: Vec<&str> = OfferType::ALL.iter().map(|v| v.name()).collect();
        Selection {
            alt: some(rng, &alt),
            mlt: some(rng, &mlt),
            market: some(rng, MARKETS),
            offer_type: some(rng, &ot),
            preview: if rng.random_bool(0.3) {
                Some(rng.random_bool(0.5))
            } else {
                None
            },
        }
    }

    fn query(&self) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (name, values) in [
            ("azureLicenseType", &self.alt),
            ("marketplaceLicenseType", &self.mlt),
            ("market", &self.market),
            ("offerType", &self.offer_type),
        ] {
            if !values.is_empty() {
                pairs.append_pair(name, &values.join(","));
            }
        }
        if let Some(p) = self.preview {
            pairs.append_pair("previewStatus", PreviewStatus::of(p).name());
        }
        pairs.finish()
    }

    fn keeps(&self, alt: &str, mlt: &str, market: &str, offer_type: &str, preview: bool) -> bool {
        (self.alt.is_empty() || self.alt.contains(&alt))
            && (self.mlt.is_empty() || self.mlt.contains(&mlt))
            && (self.market.is_empty() || self.market.contains(&market))
            && (self.offer_type.is_empty() || self.offer_type.contains(&offer_type))
            && self.preview.is_none_or(|p| p == preview)
    }
}

/// One raw fact as the test sees it: month, dimensions and value.
struct Raw {
    month: Month,
    alt: String,
    mlt: String,
    market: String,
    offer_type: String,
    offer: String,
    preview: bool,
    value: f64,
}

fn channel(alt: &str) -> &'static str {
    AzureLicenseType::from_name(alt).unwrap().channel().name()
}

/// Sums by key, sorted largest first (ties by key), cut at `top` with the rest as Other.
fn top_n(by_key: &HashMap<String, f64>, top: Option<usize>) -> Vec<(String, f64)> {
    let mut rows: Vec<(String, f64)> = by_key.iter().map(|(k, v)| (k.clone(), *v)).collect();
    rows.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then_with(|| a.0.cmp(&b.0)));
    match top {
        Some(n) if rows.len() > n => {
            let other: f64 = rows[n..].iter().map(|r| r.1).sum();
            rows.truncate(n);
            rows.push(("Other".to_owned(), other));
            rows
        }
        _ => rows,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

fn check_monthly(raw: &[Raw], sel: &Selection, start: Month, got: &ActivityMonthly, what: &str) {
    let months: Vec<Month> = start.through(start.plus_months(2)).collect();
    let kept: Vec<&Raw> = raw
        .iter()
        .filter(|r| months.contains(&r.month))
        .filter(|r| sel.keeps(&r.alt, &r.mlt, &r.market, &r.offer_type, r.preview))
        .collect();
    let total: f64 = kept.iter().map(|r| r.value).sum();
    assert!(
        close(got.total, total),
        "{what}: total {} != {total}",
        got.total
    );
    for (i, m) in months.iter().enumerate() {
        let expected: f64 = kept.iter().filter(|r| r.month == *m).map(|r| r.value).sum();
        assert!(close(got.month_totals[i], expected), "{what}: month {m}");
    }
    for row in &got.by_channel {
        let expected: f64 = kept
            .iter()
            .filter(|r| channel(&r.alt) == row.channel.name())
            .map(|r| r.value)
            .sum();
        assert!(
            close(row.total, expected),
            "{what}: channel {:?}",
            row.channel
        );
        let parts: f64 = row.months.iter().sum();
        assert!(close(parts, row.total), "{what}: channel months add up");
    }
    let mut by_market: HashMap<String, f64> = HashMap::new();
    let mut by_type: HashMap<String, f64> = HashMap::new();
    for r in &kept {
        *by_market.entry(r.market.clone()).or_default() += r.value;
        *by_type.entry(r.offer_type.clone()).or_default() += r.value;
    }
    let expected = top_n(&by_market, Some(10));
    assert_eq!(got.top_markets.len(), expected.len(), "{what}: top markets");
    for (g, (k, v)) in got.top_markets.iter().zip(&expected) {
        assert_eq!(&g.key, k, "{what}: top market order");
        assert!(close(g.value, *v), "{what}: market {k}");
    }
    let parts: f64 = got.top_markets.iter().map(|c| c.value).sum();
    assert!(
        close(parts, total),
        "{what}: top 10 markets and Other add up to the total"
    );
    let expected = top_n(&by_type, Some(10));
    let got_types: Vec<(String, f64)> = got
        .top_offer_types
        .iter()
        .map(|c| (c.key.clone(), c.value))
        .collect();
    assert_eq!(got_types.len(), expected.len(), "{what}: offer types");
    for ((gk, gv), (k, v)) in got_types.iter().zip(&expected) {
        assert_eq!(gk, k);
        assert!(close(*gv, *v));
    }
}

fn check_trend(
    raw: &[Raw],
    sel: &Selection,
    start: Month,
    top: Option<usize>,
    got: &ActivityTrend,
) {
    let months: Vec<Month> = start.through(start.plus_months(2)).collect();
    let kept: Vec<&Raw> = raw
        .iter()
        .filter(|r| months.contains(&r.month))
        .filter(|r| sel.keeps(&r.alt, &r.mlt, &r.market, &r.offer_type, r.preview))
        .collect();
    for area in &got.areas {
        let key = |r: &Raw| -> String {
            match area.subject.name() {
                "market" => r.market.clone(),
                "channel" => channel(&r.alt).to_owned(),
                "offerType" => r.offer_type.clone(),
                "azureLicenseType" => r.alt.clone(),
                "marketplaceLicenseType" => r.mlt.clone(),
                "offer" => r.offer.clone(),
                "previewStatus" => PreviewStatus::of(r.preview).name().to_owned(),
                other => panic!("untested subject {other}"),
            }
        };
        let mut by_key: HashMap<String, f64> = HashMap::new();
        for r in &kept {
            *by_key.entry(key(r)).or_default() += r.value;
        }
        let expected = top_n(&by_key, top);
        assert_eq!(
            area.series.len(),
            expected.len(),
            "{:?} series",
            area.subject
        );
        for (s, (k, v)) in area.series.iter().zip(&expected) {
            assert_eq!(&s.key, k, "{:?} order", area.subject);
            assert!(close(s.total, *v), "{:?} {k}", area.subject);
        }
        for (i, total) in got.month_totals.iter().enumerate() {
            let parts: f64 = area.series.iter().map(|s| s.months[i]).sum();
            assert!(
                close(parts, *total),
                "{:?}: series add up in month {i}",
                area.subject
            );
        }
    }
}

async fn json<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str, token: &str) -> T {
    let res = app.get(path, token).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
}

async fn aggregates_equal_a_recomputation_from_the_raw_rows(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let b = app.tenant("beta", &[]).await;
    let mut rng = StdRng::seed_from_u64(0x5eed_0004);
    let mut orders = random_orders(&mut rng, a.publisher_id, 400);
    let mut usage: Vec<usage::Model> = (0..500)
        .map(|i| usage_row(&mut rng, a.publisher_id, i))
        .collect();
    app.store(a.publisher_id, "o", FactBatch::Orders(orders.clone()))
        .await;
    app.store(a.publisher_id, "u", FactBatch::Usage(usage.clone()))
        .await;
    // Marketplaces restate rows: a later batch replaces some (same keys, other slicer
    // values and measures), and what the replaced rows counted must leave every
    // aggregate.
    let restated_orders = random_orders(&mut rng, a.publisher_id, 60);
    let restated_usage: Vec<usage::Model> = usage[..80]
        .iter()
        .map(|old| {
            let mut u = usage_row(&mut rng, a.publisher_id, 0);
            u.marketplace_subscription_id = old.marketplace_subscription_id.clone();
            u.usage_date = old.usage_date;
            u.month_start_date = old.month_start_date;
            u.meter_id = old.meter_id.clone();
            u
        })
        .collect();
    app.store(
        a.publisher_id,
        "o2",
        FactBatch::Orders(restated_orders.clone()),
    )
    .await;
    app.store(
        a.publisher_id,
        "u2",
        FactBatch::Usage(restated_usage.clone()),
    )
    .await;
    orders.splice(..restated_orders.len(), restated_orders);
    usage.splice(..restated_usage.len(), restated_usage);
    // Another publisher's data in the same months must never count.
    let other = random_orders(&mut rng, b.publisher_id, 100);
    app.store(b.publisher_id, "o", FactBatch::Orders(other))
        .await;
    let token = app.token(&a.admin_email).await;

    let raw_orders: Vec<Raw> = orders
        .iter()
        .map(|o| Raw {
            month: Month::of(o.order_purchase_date),
            alt: o.azure_license_type.clone(),
            mlt: o.marketplace_license_type.clone(),
            market: o.customer_country.clone(),
            offer_type: o.offer_type.clone(),
            offer: o.offer_id.clone(),
            preview: o.is_preview_sku,
            value: 1.0,
        })
        .collect();
    let raw_usage = |normalized: bool| -> Vec<Raw> {
        usage
            .iter()
            .filter(|u| u.usage_type != "Metered")
            .map(|u| Raw {
                month: Month::of(u.usage_date),
                alt: u.azure_license_type.clone(),
                mlt: u.marketplace_license_type.clone(),
                market: u.customer_country.clone(),
                offer_type: u.offer_type.clone(),
                offer: u.offer_id.clone(),
                preview: u.is_preview_sku,
                value: if normalized {
                    u.normalized_usage
                } else {
                    u.raw_usage
                } as f64
                    / 10_000.0,
            })
            .collect()
    };
    let usage_normalized = raw_usage(true);
    let usage_raw = raw_usage(false);

    for round in 0..10 {
        let sel = if round == 0 {
            Selection::default()
        } else {
            Selection::random(&mut rng)
        };
        let start: Month = pick(&mut rng, &["2026-04", "2026-05", "2026-06"])
            .parse()
            .unwrap();
        let q = format!("start={start}&{}", sel.query());
        let what = format!("round {round} {q}");

        let monthly: ActivityMonthly =
            json(&app, &format!("/api/v1/reports/orders/monthly?{q}"), &token).await;
        check_monthly(
            &raw_orders,
            &sel,
            start,
            &monthly,
            &format!("orders {what}"),
        );
        let monthly: ActivityMonthly =
            json(&app, &format!("/api/v1/reports/usage/monthly?{q}"), &token).await;
        check_monthly(
            &usage_normalized,
            &sel,
            start,
            &monthly,
            &format!("usage {what}"),
        );
        let monthly: ActivityMonthly = json(
            &app,
            &format!("/api/v1/reports/usage/monthly?{q}&measure=raw"),
            &token,
        )
        .await;
        check_monthly(
            &usage_raw,
            &sel,
            start,
            &monthly,
            &format!("raw usage {what}"),
        );
        let metered: f64 = usage
            .iter()
            .filter(|u| u.usage_type == "Metered")
            .filter(|u| {
                start
                    .through(start.plus_months(2))
                    .any(|m| m == Month::of(u.usage_date))
            })
            .filter(|u| {
                sel.keeps(
                    &u.azure_license_type,
                    &u.marketplace_license_type,
                    &u.customer_country,
                    &u.offer_type,
                    u.is_preview_sku,
                )
            })
            .map(|u| u.metered_usage as f64 / 10_000.0)
            .sum();
        let got: f64 = monthly
            .metered
            .unwrap()
            .iter()
            .map(|m| m.metered_usage)
            .sum();
        assert!(close(got, metered), "metered {what}");

        let subjects = "subject=market,channel,offerType,azureLicenseType,marketplaceLicenseType,offer,previewStatus";
        for (top, top_param) in [(Some(10), "10"), (Some(3), "3"), (None, "all")] {
            let trend: ActivityTrend = json(
                &app,
                &format!("/api/v1/reports/orders/trend?{q}&{subjects}&top={top_param}"),
                &token,
            )
            .await;
            check_trend(&raw_orders, &sel, start, top, &trend);
            let trend: ActivityTrend = json(
                &app,
                &format!("/api/v1/reports/usage/trend?{q}&{subjects}&top={top_param}"),
                &token,
            )
            .await;
            check_trend(&usage_normalized, &sel, start, top, &trend);
        }
    }
}
on_both_databases!(aggregates_equal_a_recomputation_from_the_raw_rows);

/// A list parameter repeated (as generated clients send arrays) means what it means
/// comma-separated, on every kind of report.
async fn list_parameters_may_be_repeated(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let mut rng = StdRng::seed_from_u64(0x5eed_0017);
    let orders = random_orders(&mut rng, a.publisher_id, 300);
    app.store(a.publisher_id, "o", FactBatch::Orders(orders))
        .await;
    let token = app.token(&a.admin_email).await;
    for (repeated, joined) in [
        (
            "/api/v1/reports/orders/monthly?market=US&market=DE&offerType=SaaS&offerType=Container",
            "/api/v1/reports/orders/monthly?market=US,DE&offerType=SaaS,Container",
        ),
        (
            "/api/v1/reports/orders/trend?subject=market&subject=channel&azureLicenseType=Enterprise&azureLicenseType=Pay%20as%20You%20Go",
            "/api/v1/reports/orders/trend?subject=market,channel&azureLicenseType=Enterprise,Pay%20as%20You%20Go",
        ),
        (
            "/api/v1/reports/orders/details?market=US&market=DE&pageSize=50",
            "/api/v1/reports/orders/details?market=US,DE&pageSize=50",
        ),
    ] {
        let one: serde_json::Value = json(&app, repeated, &token).await;
        let other: serde_json::Value = json(&app, joined, &token).await;
        assert_eq!(one, other, "{repeated}");
        assert!(
            one["filters"]["slicers"]["market"] == serde_json::json!(["DE", "US"])
                || one["filters"]["slicers"]["azureLicenseType"]
                    == serde_json::json!(["Enterprise", "Pay as You Go"]),
            "{repeated}: {}",
            one["filters"]
        );
    }
    // A single-valued parameter stays single.
    let res = app
        .get(
            "/api/v1/reports/orders/monthly?start=2026-01&start=2026-02",
            &token,
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(problem(res).await.errors[0].field, "start");
}
on_both_databases!(list_parameters_may_be_repeated);

/// Walks every page of a grid query and returns the rows in order.
async fn walk(app: &TestApp, path: &str, token: &str) -> Vec<GridRow> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            None => path.to_owned(),
            Some(c) => format!("{path}&cursor={c}"),
        };
        let page: GridPage<GridRow> = json(app, &url, token).await;
        rows.extend(page.rows);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return rows,
        }
        assert!(rows.len() < 100_000, "paging must end");
    }
}

async fn grid_filters_sorts_and_pages_like_the_raw_rows(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let mut rng = StdRng::seed_from_u64(7);
    let mut orders = random_orders(&mut rng, a.publisher_id, 300);
    for o in orders.iter_mut().step_by(5) {
        o.order_cancel_date = Some(o.order_purchase_date + chrono::Days::new(9));
    }
    app.store(a.publisher_id, "o", FactBatch::Orders(orders.clone()))
        .await;
    let token = app.token(&a.admin_email).await;
    let start: Month = "2026-05".parse().unwrap();
    let in_period = |o: &&orders::Model| {
        start
            .through(start.plus_months(2))
            .any(|m| m == Month::of(o.month_start_date))
    };

    type Check = fn(&orders::Model) -> bool;
    let cases: Vec<(&str, Check)> = vec![
        ("", |_| true),
        ("&filter=OrderQuantity:ge:10", |o| o.order_quantity >= 10),
        ("&filter=OfferType:in:SaaS,Container", |o| {
            ["SaaS", "Container"].contains(&o.offer_type.as_str())
        }),
        (
            "&filter=CustomerCountry:in:US,DE&filter=OrderQuantity:between:3,12",
            |o| {
                ["US", "DE"].contains(&o.customer_country.as_str())
                    && (3..=12).contains(&o.order_quantity)
            },
        ),
        ("&filter=CustomerCompanyName:contains:ANY%204", |o| {
            o.customer_company_name.to_lowercase().contains("any 4")
        }),
        ("&filter=OrderPurchaseDate:before:2026-06-15", |o| {
            o.order_purchase_date < "2026-06-15".parse().unwrap()
        }),
        ("&filter=OrderCancelDate:after:2026-06-01", |o| {
            o.order_cancel_date
                .is_some_and(|d| d > "2026-06-01".parse().unwrap())
        }),
        ("&filter=AzureLicenseType:ne:Enterprise", |o| {
            o.azure_license_type != "Enterprise"
        }),
    ];
    type SortKey = fn(&orders::Model) -> String;
    let sorts: Vec<(&str, SortKey)> = vec![
        ("OrderQuantity", |o| format!("{:05}", o.order_quantity)),
        ("-OrderPurchaseDate", |o| o.order_purchase_date.to_string()),
        ("CustomerCountry", |o| o.customer_country.clone()),
        ("-OrderCancelDate", |o| {
            o.order_cancel_date
                .map_or("0001-01-01".to_owned(), |d| d.to_string())
        }),
    ];
    for (filter, keep) in &cases {
        for (sort, sort_key) in &sorts {
            let descending = sort.starts_with('-');
            let mut expected: Vec<&orders::Model> = orders
                .iter()
                .filter(in_period)
                .filter(|o| keep(o))
                .collect();
            expected.sort_by(|x, y| {
                let order = sort_key(x)
                    .cmp(&sort_key(y))
                    .then_with(|| x.order_id.cmp(&y.order_id));
                if descending { order.reverse() } else { order }
            });
            let path = format!(
                "/api/v1/reports/orders/details?start={start}&sort={sort}&pageSize=7{filter}"
            );
            let got: Vec<String> = walk(&app, &path, &token)
                .await
                .iter()
                .map(|r| r.text("orderId"))
                .collect();
            let want: Vec<String> = expected.iter().map(|o| o.order_id.clone()).collect();
            assert_eq!(got, want, "{path}");
            let page: GridPage<GridRow> = json(&app, &format!("{path}&total=true"), &token).await;
            assert_eq!(page.total, Some(want.len() as u64), "{path} total");
        }
    }
}
on_both_databases!(grid_filters_sorts_and_pages_like_the_raw_rows);

/// The cells of the column headed `name` of a CSV download, in row order.
fn csv_column(body: &str, name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    reader
        .records()
        .map(|r| r.unwrap()[at].to_owned())
        .collect()
}

/// A tenant "alpha" with `n` random usage rows stored as one batch, its admin's token,
/// and the rows.
async fn usage_tenant(
    backend: Backend,
    seed: u64,
    n: usize,
) -> (TestApp, Vec<usage::Model>, String) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let mut rng = StdRng::seed_from_u64(seed);
    let usage: Vec<usage::Model> = (0..n)
        .map(|i| usage_row(&mut rng, a.publisher_id, i))
        .collect();
    app.store(a.publisher_id, "u1", FactBatch::Usage(usage.clone()))
        .await;
    let token = app.token(&a.admin_email).await;
    (app, usage, token)
}

/// The usage grid sorted by hours with filters on slice columns, where the rollups'
/// bounds of the hours decide where the sort index's walk starts: pages equal a plain
/// sort of the rows, also after restatements raise hours above a slice's old largest
/// value and lower others below its old smallest, and a filter no slice holds answers
/// an empty grid.
async fn usage_sorted_by_hours_with_slice_filters_matches_the_rows(backend: Backend) {
    let (app, mut usage, token) = usage_tenant(backend, 0x5eed_0b0d, 400).await;
    let publisher_id = usage[0].publisher_id;
    let start: Month = "2026-05".parse().unwrap();
    let in_period = |u: &&usage::Model| {
        start
            .through(start.plus_months(2))
            .any(|m| m == Month::of(u.month_start_date))
    };
    type Check = fn(&usage::Model) -> bool;
    let cases: Vec<(&str, Check)> = vec![
        ("&filter=UsageType:eq:Metered", |u| {
            u.usage_type == "Metered"
        }),
        ("&filter=OfferType:in:SaaS", |u| u.offer_type == "SaaS"),
        ("&offerType=Virtual%20Machine&market=US,DE", |u| {
            u.offer_type == "Virtual Machine" && ["US", "DE"].contains(&u.customer_country.as_str())
        }),
        (
            "&filter=CustomerCountry:in:JP&filter=NormalizedUsage:le:30",
            |u| u.customer_country == "JP" && u.normalized_usage <= 300_000,
        ),
        (
            "&filter=Sku:contains:stand&filter=OfferId:in:offer-3,offer-7",
            |u| ["offer-3", "offer-7"].contains(&u.offer_id.as_str()),
        ),
        // No slice holds it.
        ("&filter=OfferId:eq:offer-99", |_| false),
    ];
    let check = |usage: Vec<usage::Model>| {
        let (app, token, cases) = (&app, &token, &cases);
        async move {
            for (filter, keep) in cases {
                for sort in ["-NormalizedUsage", "NormalizedUsage"] {
                    let mut expected: Vec<&usage::Model> =
                        usage.iter().filter(in_period).filter(|u| keep(u)).collect();
                    expected.sort_by(|x, y| {
                        let order = (
                            x.normalized_usage,
                            &x.marketplace_subscription_id,
                            x.usage_date,
                            &x.meter_id,
                        )
                            .cmp(&(
                                y.normalized_usage,
                                &y.marketplace_subscription_id,
                                y.usage_date,
                                &y.meter_id,
                            ));
                        if sort.starts_with('-') {
                            order.reverse()
                        } else {
                            order
                        }
                    });
                    let path = format!(
                        "/api/v1/reports/usage/details?start={start}&sort={sort}&pageSize=10{filter}"
                    );
                    let got: Vec<String> = walk(app, &path, token)
                        .await
                        .iter()
                        .map(|r| r.text("meterId"))
                        .collect();
                    let want: Vec<String> = expected.iter().map(|u| u.meter_id.clone()).collect();
                    assert_eq!(got, want, "{path}");
                    let page: GridPage<GridRow> =
                        json(app, &format!("{path}&total=true"), token).await;
                    assert_eq!(page.total, Some(want.len() as u64), "{path} total");
                }
            }
        }
    };
    check(usage.clone()).await;
    // Restate a third of the rows: hours far above every slice's largest and below its
    // smallest, in the same slices.
    let restated: Vec<usage::Model> = usage
        .iter()
        .step_by(3)
        .enumerate()
        .filter(|(_, u)| u.usage_type != "Metered")
        .map(|(i, u)| {
            let mut u = u.clone();
            u.normalized_usage = if i % 2 == 0 { 9_000_000 + i as i64 } else { 1 };
            u
        })
        .collect();
    app.store(publisher_id, "u2", FactBatch::Usage(restated.clone()))
        .await;
    for r in &restated {
        let old = usage.iter_mut().find(|u| u.meter_id == r.meter_id).unwrap();
        *old = r.clone();
    }
    check(usage).await;
    // Every slice's bounds hold its rows.
    let outside = app
        .scalar(
            "SELECT COUNT(*) FROM usage u JOIN rollup_usage r ON r.publisher_id = u.publisher_id \
             AND r.month = u.month_start_date AND r.offer_id = u.offer_id AND r.sku = u.sku \
             AND r.offer_type = u.offer_type AND r.azure_license_type = u.azure_license_type \
             AND r.marketplace_license_type = u.marketplace_license_type \
             AND r.customer_country = u.customer_country AND r.is_preview_sku = u.is_preview_sku \
             AND r.usage_type = u.usage_type \
             WHERE u.normalized_usage > r.max_normalized_usage \
             OR u.normalized_usage < r.min_normalized_usage",
        )
        .await;
    assert_eq!(outside, 0, "rows outside their slice's bounds");
}
on_both_databases!(usage_sorted_by_hours_with_slice_filters_matches_the_rows);

/// The usage grid sorted on a column whose index is prefixed by month (m0008): each
/// month of the period is read from its own part of the index and the parts merged.
/// Pages walked by cursor, totals and the CSV download equal a plain sort of the rows,
/// with no filter, filters the first rows of every month fill a page with, filters so
/// rare that the merge falls back to sorting the period, and subscription filters
/// (resolved to customers, m0011), also sorted by day.
async fn usage_sorted_on_month_indexed_columns_pages_like_the_rows(backend: Backend) {
    let (app, usage, token) = usage_tenant(backend, 0x0a53_0f11, 600).await;
    let start: Month = "2026-05".parse().unwrap();
    let in_period = |u: &&usage::Model| {
        start
            .through(start.plus_months(2))
            .any(|m| m == Month::of(u.month_start_date))
    };
    type Check = fn(&usage::Model) -> bool;
    let cases: Vec<(&str, Check)> = vec![
        ("", |_| true),
        ("&filter=MeterId:startsWith:meter-1", |u| {
            u.meter_id.starts_with("meter-1")
        }),
        ("&filter=MeterId:eq:meter-17", |u| u.meter_id == "meter-17"),
        ("&market=US,JP&filter=NormalizedUsage:ge:100", |u| {
            ["US", "JP"].contains(&u.customer_country.as_str()) && u.normalized_usage >= 1_000_000
        }),
        ("&filter=CustomerCountry:ne:US", |u| {
            u.customer_country != "US"
        }),
        // A subscription's rows, resolved to its customer (m0011's pairs) and read
        // through the customer index; a BYOL row is never found by its real ID.
        ("&filter=MarketplaceSubscriptionId:eq:usub-7", |u| {
            u.marketplace_subscription_id == "usub-7"
                && u.marketplace_license_type != MarketplaceLicenseType::BringYourOwnLicense.name()
        }),
        (
            "&filter=MarketplaceSubscriptionId:in:usub-3,usub-41&filter=NormalizedUsage:ge:1",
            |u| {
                ["usub-3", "usub-41"].contains(&u.marketplace_subscription_id.as_str())
                    && u.marketplace_license_type
                        != MarketplaceLicenseType::BringYourOwnLicense.name()
                    && u.normalized_usage >= 10_000
            },
        ),
        ("&filter=MarketplaceSubscriptionId:contains:SUB-4", |u| {
            u.marketplace_subscription_id.contains("sub-4")
                && u.marketplace_license_type != MarketplaceLicenseType::BringYourOwnLicense.name()
        }),
    ];
    type Key = fn(&usage::Model) -> (String, i64);
    let sorts: Vec<(&str, Key)> = vec![
        ("-UsageDate", |u| (u.usage_date.to_string(), 0)),
        // No index since m0011 (the key puts the day first): the period is sorted.
        ("-MarketplaceSubscriptionId", |u| {
            (u.marketplace_subscription_id.clone(), 0)
        }),
        ("CustomerCountry", |u| (u.customer_country.clone(), 0)),
        ("-CustomerCountry", |u| (u.customer_country.clone(), 0)),
        ("NormalizedUsage", |u| (String::new(), u.normalized_usage)),
        ("-NormalizedUsage", |u| (String::new(), u.normalized_usage)),
    ];
    for (filter, keep) in &cases {
        for (sort, key) in &sorts {
            let mut expected: Vec<&usage::Model> =
                usage.iter().filter(in_period).filter(|u| keep(u)).collect();
            expected.sort_by(|x, y| {
                let order = (
                    key(x),
                    &x.marketplace_subscription_id,
                    x.usage_date,
                    &x.meter_id,
                )
                    .cmp(&(
                        key(y),
                        &y.marketplace_subscription_id,
                        y.usage_date,
                        &y.meter_id,
                    ));
                if sort.starts_with('-') {
                    order.reverse()
                } else {
                    order
                }
            });
            let want: Vec<String> = expected.iter().map(|u| u.meter_id.clone()).collect();
            let path = format!("/api/v1/reports/usage/details?start={start}&sort={sort}{filter}");
            let got: Vec<String> = walk(&app, &format!("{path}&pageSize=7"), &token)
                .await
                .iter()
                .map(|r| r.text("meterId"))
                .collect();
            assert_eq!(got, want, "{path}");
            let page: GridPage<GridRow> = json(&app, &format!("{path}&total=true"), &token).await;
            assert_eq!(page.total, Some(want.len() as u64), "{path} total");
            let res = app.get(&format!("{path}&format=csv"), &token).await;
            assert_eq!(res.status(), 200, "{path} CSV");
            let csv_rows = csv_column(&res.text().await.unwrap(), "MeterId");
            assert_eq!(csv_rows, want, "{path} CSV");
        }
    }
}
on_both_databases!(usage_sorted_on_month_indexed_columns_pages_like_the_rows);

/// The columns of usage's primary key, in order.
async fn usage_key(app: &TestApp) -> String {
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT group_concat(name, ',') FROM (SELECT ii.name AS name \
             FROM pragma_index_list('usage') il, pragma_index_info(il.name) ii \
             WHERE il.origin = 'pk' ORDER BY ii.seqno)"
        }
        _ => {
            "SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM pg_index i \
             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
             WHERE i.indrelid = 'usage'::regclass AND i.indisprimary"
        }
    };
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<String>(0)
        .unwrap()
}

/// How many of the usage indexes that m0011 rebuilds on SQLite exist.
async fn usage_indexes(app: &TestApp) -> i64 {
    let names = "'ix_usage_month_sort_customer_country', 'ix_usage_month_sort_normalized_usage', \
                 'ix_usage_customer_months'";
    let sql = match app.state.db.get_database_backend() {
        DbBackend::Sqlite => format!(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'usage' \
             AND name IN ({names})"
        ),
        _ => format!(
            "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'usage' AND indexname IN ({names})"
        ),
    };
    app.scalar(&sql).await
}

/// Usage's primary key puts the day before the subscription (m0011: a batch's keys land
/// in its days' part of the key index). Migrating down to m0001's key and up again
/// keeps every row and every other index, fills the subscriptions' customers from the
/// rows, and the grid answers as before (the code reads the latest schema only).
async fn usage_key_puts_the_day_first_and_rebuilding_keeps_every_row(backend: Backend) {
    let (app, usage, token) = usage_tenant(backend, 0x0011, 300).await;
    let time_key = "publisher_id,usage_date,marketplace_subscription_id,meter_id";
    assert_eq!(usage_key(&app).await, time_key);
    assert_eq!(usage_indexes(&app).await, 3);
    let paths = [
        "/api/v1/reports/usage/details?start=2026-05&pageSize=9",
        "/api/v1/reports/usage/details?start=2026-05&pageSize=9&sort=CustomerCountry",
        "/api/v1/reports/usage/details?start=2026-05&pageSize=9&filter=MarketplaceSubscriptionId:eq:usub-9",
    ];
    let mut before = Vec::new();
    for path in paths {
        let rows = walk(&app, path, &token).await;
        assert!(!rows.is_empty(), "{path}");
        before.push(rows);
    }

    Migrator::down(&app.state.db, Some(1)).await.unwrap();
    assert_eq!(
        usage_key(&app).await,
        "publisher_id,marketplace_subscription_id,usage_date,meter_id"
    );
    assert_eq!(usage_indexes(&app).await, 3);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM usage").await, 300);

    Migrator::up(&app.state.db, None).await.unwrap();
    assert_eq!(usage_key(&app).await, time_key);
    assert_eq!(usage_indexes(&app).await, 3);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM usage").await, 300);
    // Filled from the stored rows: one row per subscription and customer.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM customer_subscriptions")
            .await,
        app.scalar(
            "SELECT COUNT(*) FROM (SELECT DISTINCT marketplace_subscription_id, customer_id \
             FROM usage) AS pairs"
        )
        .await
    );
    for (path, want) in paths.iter().zip(&before) {
        assert_eq!(
            &walk(&app, path, &token).await,
            want,
            "{path} after the rebuild"
        );
    }
    // The rebuilt table's key still finds a restated row and replaces it.
    let mut restated = usage[0].clone();
    restated.normalized_usage = 123_456_789;
    app.store(
        restated.publisher_id,
        "u2",
        FactBatch::Usage(vec![restated.clone()]),
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM usage").await, 300);
    let sql = format!(
        "SELECT normalized_usage FROM usage WHERE meter_id = '{}'",
        restated.meter_id
    );
    assert_eq!(app.scalar(&sql).await, 123_456_789);
}
on_both_databases!(usage_key_puts_the_day_first_and_rebuilding_keeps_every_row);

/// Filters on customers' names and companies and on plans (resolved to customers and
/// SKUs through the names their rows carry) find every row under each name a customer
/// had: a company renamed in July keeps its old name on older rows. Any sort, pages,
/// totals and the CSV download; another publisher's names resolve nothing here.
async fn customer_and_plan_filters_find_the_rows_of_each_name(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let b = app.tenant("beta", &[]).await;
    let mut rng = StdRng::seed_from_u64(0x0c05_7000);
    let company = |customer: &str, month: chrono::NaiveDate| {
        let n = customer.trim_start_matches("cust-");
        if month < date("2026-07-01") {
            format!("Acme {n} Ltd")
        } else {
            format!("Zenith {n} GmbH")
        }
    };
    let usage: Vec<usage::Model> = (0..400)
        .map(|i| {
            let mut u = usage_row(&mut rng, a.publisher_id, i);
            u.customer_name = format!("Person {}", u.customer_id);
            u.customer_company_name = company(&u.customer_id, u.month_start_date);
            if i % 3 == 0 {
                u.sku = format!("premium-{}", i % 4);
            }
            u
        })
        .collect();
    app.store(a.publisher_id, "u1", FactBatch::Usage(usage.clone()))
        .await;
    let mut other = usage_row(&mut rng, b.publisher_id, 0);
    other.customer_company_name = "Acme Elsewhere".to_owned();
    other.customer_id = "cust-other".to_owned();
    other.sku = "premium-other".to_owned();
    app.store(b.publisher_id, "u1", FactBatch::Usage(vec![other]))
        .await;
    let token = app.token(&a.admin_email).await;
    let start: Month = "2026-05".parse().unwrap();
    let in_period = |u: &&usage::Model| {
        start
            .through(start.plus_months(2))
            .any(|m| m == Month::of(u.month_start_date))
    };
    type Keep = fn(&usage::Model) -> bool;
    let cases: Vec<(&str, Keep)> = vec![
        ("CustomerCompanyName:contains:acme%201", |u| {
            u.customer_company_name.starts_with("Acme 1")
        }),
        ("CustomerCompanyName:contains:zenith%207%20", |u| {
            u.customer_company_name == "Zenith 7 GmbH"
        }),
        ("CustomerCompanyName:startsWith:ACME", |u| {
            u.customer_company_name.starts_with("Acme")
        }),
        ("CustomerCompanyName:contains:elsewhere", |_| false),
        ("CustomerName:eq:Person%20cust-5", |u| {
            u.customer_id == "cust-5"
        }),
        ("CustomerName:contains:cust-3", |u| {
            u.customer_id.starts_with("cust-3")
        }),
        ("CustomerCompanyName:notContains:gmbh", |u| {
            !u.customer_company_name.contains("GmbH")
        }),
        ("Sku:contains:premium", |u| u.sku.starts_with("premium")),
        ("Sku:eq:premium-2", |u| u.sku == "premium-2"),
        ("Sku:contains:other", |_| false),
    ];
    for (filter, keep) in &cases {
        for sort in [
            "-UsageDate",
            "CustomerCountry",
            "-NormalizedUsage",
            "MeterId",
        ] {
            let mut kept: Vec<&usage::Model> =
                usage.iter().filter(in_period).filter(|u| keep(u)).collect();
            // The page order, for the sort on hours: hours, then the key, descending.
            kept.sort_by(|x, y| {
                let key = |u: &usage::Model| {
                    (
                        u.normalized_usage,
                        u.marketplace_subscription_id.clone(),
                        u.usage_date,
                        u.meter_id.clone(),
                    )
                };
                key(y).cmp(&key(x))
            });
            let in_order: Vec<String> = kept.iter().map(|u| u.meter_id.clone()).collect();
            let mut want = in_order.clone();
            want.sort();
            let path =
                format!("/api/v1/reports/usage/details?start={start}&sort={sort}&filter={filter}");
            let walked: Vec<String> = walk(&app, &format!("{path}&pageSize=9"), &token)
                .await
                .iter()
                .map(|r| r.text("meterId"))
                .collect();
            if sort == "-NormalizedUsage" {
                assert_eq!(walked, in_order, "{path} order");
            }
            let mut got = walked;
            got.sort();
            assert_eq!(got, want, "{path}");
            let page: GridPage<GridRow> = json(&app, &format!("{path}&total=true"), &token).await;
            assert_eq!(page.total, Some(want.len() as u64), "{path} total");
            let res = app.get(&format!("{path}&format=csv"), &token).await;
            assert_eq!(res.status(), 200, "{path} CSV");
            let mut csv_rows = csv_column(&res.text().await.unwrap(), "MeterId");
            csv_rows.sort();
            assert_eq!(csv_rows, want, "{path} CSV");
        }
    }
}
on_both_databases!(customer_and_plan_filters_find_the_rows_of_each_name);

/// Filters on `OfferName` (resolved to offers through the names their rows carry) find
/// every row of an offer under each name it had: old rows keep the name they were
/// stored with after a rename. A name no offer has answers an empty grid; a negated
/// filter keeps testing the rows' own names. Orders and usage, any sort.
async fn offer_name_filters_find_the_rows_of_each_name_an_offer_had(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let b = app.tenant("beta", &[]).await;
    let mut rng = StdRng::seed_from_u64(0x0ffe_2a3e);
    // Offers are renamed from "Cloud Backup N" to "Vault N" in July.
    let name = |offer: &str, month: chrono::NaiveDate| {
        let n = offer.trim_start_matches("offer-");
        if month < date("2026-07-01") {
            format!("Cloud Backup {n}")
        } else {
            format!("Vault {n}")
        }
    };
    let usage: Vec<usage::Model> = (0..300)
        .map(|i| {
            let mut u = usage_row(&mut rng, a.publisher_id, i);
            u.offer_name = name(&u.offer_id, u.month_start_date);
            u
        })
        .collect();
    app.store(a.publisher_id, "u1", FactBatch::Usage(usage.clone()))
        .await;
    let orders: Vec<orders::Model> = (0..120)
        .map(|i| {
            let month = pick(&mut rng, MONTHS);
            let mut o = order(
                a.publisher_id,
                &format!("o-{i}"),
                &format!("{month}-{:02}", rng.random_range(1..=28)),
                pick(&mut rng, AzureLicenseType::ALL),
                pick(&mut rng, OfferType::ALL),
                "US",
            );
            o.offer_id = format!("offer-{}", i % 6);
            o.offer_name = name(&o.offer_id, o.month_start_date);
            o
        })
        .collect();
    app.store(a.publisher_id, "o1", FactBatch::Orders(orders.clone()))
        .await;
    // Another publisher's offer named as the filters look for has no effect on alpha.
    let mut other = usage_row(&mut rng, b.publisher_id, 0);
    other.offer_name = "Cloud Nothing".to_owned();
    other.offer_id = "offer-99".to_owned();
    app.store(b.publisher_id, "u1", FactBatch::Usage(vec![other]))
        .await;
    let token = app.token(&a.admin_email).await;
    let start: Month = "2026-05".parse().unwrap();
    let in_period = |month: chrono::NaiveDate| {
        start
            .through(start.plus_months(2))
            .any(|m| m == Month::of(month))
    };
    type Keep = fn(&str) -> bool;
    let cases: Vec<(&str, Keep)> = vec![
        ("OfferName:contains:cloud", |n| n.starts_with("Cloud")),
        ("OfferName:contains:UP%201", |n| {
            n.starts_with("Cloud Backup 1")
        }),
        ("OfferName:startsWith:vault", |n| n.starts_with("Vault")),
        // Both names of offer-1 match: its key alone implies the filter.
        ("OfferName:contains:1", |n| n.contains('1')),
        ("OfferName:eq:Vault%203", |n| n == "Vault 3"),
        ("OfferName:in:Vault%202,Cloud%20Backup%204", |n| {
            n == "Vault 2" || n == "Cloud Backup 4"
        }),
        ("OfferName:notContains:backup", |n| !n.contains("Backup")),
        ("OfferName:contains:nothing", |_| false),
        ("OfferName:contains:%25", |_| false),
    ];
    for (filter, keep) in &cases {
        for sort in ["-UsageDate", "-NormalizedUsage", "OfferName"] {
            let mut want: Vec<String> = usage
                .iter()
                .filter(|u| in_period(u.month_start_date) && keep(&u.offer_name))
                .map(|u| u.meter_id.clone())
                .collect();
            want.sort();
            let path = format!(
                "/api/v1/reports/usage/details?start={start}&sort={sort}&pageSize=20&filter={filter}"
            );
            let mut got: Vec<String> = walk(&app, &path, &token)
                .await
                .iter()
                .map(|r| r.text("meterId"))
                .collect();
            got.sort();
            assert_eq!(got, want, "{path}");
            let page: GridPage<GridRow> = json(&app, &format!("{path}&total=true"), &token).await;
            assert_eq!(page.total, Some(want.len() as u64), "{path} total");
        }
        let mut want: Vec<String> = orders
            .iter()
            .filter(|o| in_period(o.month_start_date) && keep(&o.offer_name))
            .map(|o| o.order_id.clone())
            .collect();
        want.sort();
        let path =
            format!("/api/v1/reports/orders/details?start={start}&pageSize=10&filter={filter}");
        let mut got: Vec<String> = walk(&app, &path, &token)
            .await
            .iter()
            .map(|r| r.text("orderId"))
            .collect();
        got.sort();
        assert_eq!(got, want, "{path}");
        // The CSV download holds the same rows.
        let res = app
            .get(
                &format!("{}&format=csv", path.replace("pageSize=10&", "")),
                &token,
            )
            .await;
        assert_eq!(res.status(), 200, "{path} CSV");
        let mut got = csv_column(&res.text().await.unwrap(), "OrderId");
        got.sort();
        assert_eq!(got, want, "{path} CSV");
    }
    // A contains filter meant for another publisher's offer finds nothing here.
    let page: GridPage<GridRow> = json(
        &app,
        &format!("/api/v1/reports/usage/details?start={start}&filter=OfferName:contains:nothing&total=true"),
        &token,
    )
    .await;
    assert_eq!(page.total, Some(0));
}
on_both_databases!(offer_name_filters_find_the_rows_of_each_name_an_offer_had);

async fn byol_subscription_ids_never_leave_the_server(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let mut rng = StdRng::seed_from_u64(11);
    let mut orders = random_orders(&mut rng, a.publisher_id, 60);
    for (i, o) in orders.iter_mut().enumerate() {
        o.order_purchase_date = "2026-07-10".parse().unwrap();
        o.month_start_date = "2026-07-01".parse().unwrap();
        o.marketplace_license_type = if i % 2 == 0 {
            MarketplaceLicenseType::BringYourOwnLicense
        } else {
            MarketplaceLicenseType::BilledThroughAzure
        }
        .name()
        .to_owned();
        o.marketplace_subscription_id = format!("real-sub-{i:03}");
        o.customer_id = format!("cust-{}", i % 3);
    }
    app.store(a.publisher_id, "o", FactBatch::Orders(orders.clone()))
        .await;
    let token = app.token(&a.admin_email).await;
    let base = "/api/v1/reports/orders/details?start=2026-07&pageSize=100";
    let rows = walk(&app, base, &token).await;
    assert_eq!(rows.len(), 60);
    let mut hashes = HashSet::new();
    for row in &rows {
        let id = row.text("marketplaceSubscriptionId");
        if row.text("marketplaceLicenseType") == "Bring Your Own License" {
            assert!(id.starts_with("byol-") && !id.contains("real-sub"), "{id}");
            hashes.insert(id);
        } else {
            assert!(id.starts_with("real-sub-"), "{id}");
        }
    }
    assert_eq!(hashes.len(), 30, "one stable hash per subscription");
    let again = walk(&app, base, &token).await;
    assert_eq!(rows, again, "hashes are stable");

    // A hashed ID finds nothing, and nor does the real one of a BYOL order.
    let hash = hashes.iter().next().unwrap();
    for id in [hash.as_str(), "real-sub-000"] {
        let page: GridPage<GridRow> = json(
            &app,
            &format!("{base}&filter=MarketplaceSubscriptionId:eq:{id}&total=true"),
            &token,
        )
        .await;
        assert_eq!(page.total, Some(0), "{id} must find nothing");
    }
    let page: GridPage<GridRow> = json(
        &app,
        &format!("{base}&filter=MarketplaceSubscriptionId:contains:real&total=true"),
        &token,
    )
    .await;
    assert_eq!(page.total, Some(30), "only non-BYOL IDs match text filters");

    // Neither downloads nor the customer view carry a real BYOL ID.
    for format in ["csv", "xlsx"] {
        let res = app.get(&format!("{base}&format={format}"), &token).await;
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        let text = if format == "csv" {
            String::from_utf8(bytes.to_vec()).unwrap()
        } else {
            xlsx_rows(&bytes)
                .iter()
                .map(|r| r.join(","))
                .collect::<Vec<_>>()
                .join("\n")
        };
        for o in orders.iter().step_by(2) {
            assert!(
                !text.contains(&o.marketplace_subscription_id),
                "{format} leaks a BYOL ID"
            );
        }
        assert!(text.contains(hash.as_str()), "{format} carries the hash");
    }
    let view: CustomerView = json(&app, "/api/v1/reports/customers/cust-0", &token).await;
    assert!(!view.orders.is_empty());
    for o in &view.orders {
        let id = o.0.text("marketplaceSubscriptionId");
        let byol = o.0.text("marketplaceLicenseType") == "Bring Your Own License";
        assert_eq!(byol, id.starts_with("byol-"), "{id}");
    }
}
on_both_databases!(byol_subscription_ids_never_leave_the_server);

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let mut rows = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        for row in range.rows() {
            rows.push(row.iter().map(|c| c.to_string()).collect());
        }
    }
    rows
}

async fn downloads_hold_the_whole_filtered_result(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let mut rng = StdRng::seed_from_u64(3);
    let mut orders = random_orders(&mut rng, a.publisher_id, 250);
    orders[0].customer_company_name = "=HYPERLINK(\"http://evil\")".to_owned();
    orders[0].offer_type = "SaaS".to_owned();
    orders[0].order_purchase_date = "2026-06-02".parse().unwrap();
    orders[0].month_start_date = "2026-06-01".parse().unwrap();
    app.store(a.publisher_id, "o", FactBatch::Orders(orders.clone()))
        .await;
    let token = app.token(&a.admin_email).await;
    let path = "/api/v1/reports/orders/details?start=2026-05&filter=OfferType:in:SaaS,Container";
    let page: GridPage<GridRow> = json(&app, &format!("{path}&total=true"), &token).await;
    let total = page.total.unwrap() as usize;
    assert!(total > 20, "more rows than one page");
    let header: Vec<&str> = Dataset::Orders.columns().iter().map(|c| c.name).collect();

    // CSV, by parameter and by Accept header.
    for res in [
        app.get(&format!("{path}&format=csv"), &token).await,
        app.client
            .get(app.url(path))
            .bearer_auth(&token)
            .header("accept", "text/csv")
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        let body = res.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let got_header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(got_header, header);
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), total);
        let company = header
            .iter()
            .position(|h| *h == "CustomerCompanyName")
            .unwrap();
        assert!(
            records
                .iter()
                .any(|r| &r[company] == "'=HYPERLINK(\"http://evil\")"),
            "formula-like cells are neutralised"
        );
        assert!(records.iter().all(|r| !r[company].starts_with('=')));
    }

    let res = app.get(&format!("{path}&format=xlsx"), &token).await;
    assert_eq!(res.status(), 200);
    let rows = xlsx_rows(&res.bytes().await.unwrap());
    assert_eq!(
        rows[0],
        header.iter().map(|h| h.to_string()).collect::<Vec<_>>()
    );
    assert_eq!(rows.len() - 1, total);

    // Every download is in the Administrators' audit log: two CSV and one Excel.
    let log: shared::users::AuditPage =
        json(&app, "/api/v1/audit-log?action=data_downloaded", &token).await;
    assert_eq!(log.total, 3, "{:?}", log.items);
}
on_both_databases!(downloads_hold_the_whole_filtered_result);

/// A download of many thousands of rows (several read chunks, and on SQLite many
/// hand-overs between its reading and formatting threads) holds the same rows, in the
/// same order, with the same text in every cell, as paging through the grid.
async fn large_downloads_match_the_grid_row_for_row(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let mut rng = StdRng::seed_from_u64(17);
    let rows: Vec<usage::Model> = (0..20_000)
        .map(|i| usage_row(&mut rng, a.publisher_id, i))
        .collect();
    app.store(a.publisher_id, "u", FactBatch::Usage(rows)).await;
    let token = app.token(&a.admin_email).await;
    // The default sort (newest day first, on the period column), its reverse, and a
    // sort on another column.
    for sort in ["", "&sort=UsageDate", "&sort=-NormalizedUsage"] {
        let path = format!("/api/v1/reports/usage/details?start=2026-06{sort}");
        let pages = walk(&app, &format!("{path}&pageSize=1000"), &token).await;
        let counted: GridPage<GridRow> =
            json(&app, &format!("{path}&total=true&pageSize=1"), &token).await;
        assert_eq!(
            Some(pages.len() as u64),
            counted.total,
            "the period's rows ({sort})"
        );
        assert!(pages.len() > 10_000, "{} rows in the period", pages.len());

        let res = app.get(&format!("{path}&format=csv"), &token).await;
        assert_eq!(res.status(), 200);
        let body = res.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let columns = Dataset::Usage.columns();
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), pages.len(), "every row, once ({sort})");
        for (n, (record, row)) in records.iter().zip(&pages).enumerate() {
            for (i, column) in columns.iter().enumerate() {
                assert_eq!(
                    &record[i],
                    row.text(&column.json_name()),
                    "row {n}, column {} ({sort})",
                    column.name
                );
            }
        }
    }
}

on_both_databases!(large_downloads_match_the_grid_row_for_row);

async fn personal_data_is_masked_without_the_customers_permission(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[Permission::Orders]).await;
    let mut rng = StdRng::seed_from_u64(5);
    app.store(
        a.publisher_id,
        "o",
        FactBatch::Orders(random_orders(&mut rng, a.publisher_id, 30)),
    )
    .await;
    let analyst = app.token(&a.user_email).await;
    let admin = app.token(&a.admin_email).await;
    let path = "/api/v1/reports/orders/details?start=2026-05&pageSize=50";

    let page: GridPage<GridRow> = json(&app, path, &analyst).await;
    assert!(page.masked && !page.rows.is_empty());
    for row in &page.rows {
        assert_eq!(
            row.get("customerName"),
            Some(&Cell::Text(MASKED.to_owned()))
        );
        assert_eq!(
            row.get("customerCompanyName"),
            Some(&Cell::Text(MASKED.to_owned()))
        );
        assert_ne!(row.text("offerName"), MASKED);
    }
    let csv = app
        .get(&format!("{path}&format=csv"), &analyst)
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("Pat Doe") && csv.contains(MASKED));
    for probe in [
        "&filter=CustomerName:contains:pat",
        "&sort=CustomerCompanyName",
    ] {
        let res = app.get(&format!("{path}{probe}"), &analyst).await;
        assert_eq!(res.status(), 403, "{probe}");
        let p = problem(res).await;
        assert!(p.detail.contains("Customers permission"), "{}", p.detail);
    }
    let page: GridPage<GridRow> = json(&app, path, &admin).await;
    assert!(!page.masked);
    assert!(
        page.rows
            .iter()
            .all(|r| r.text("customerName") == "Pat Doe")
    );
    let page: GridPage<GridRow> = json(
        &app,
        &format!("{path}&filter=CustomerName:contains:pat"),
        &admin,
    )
    .await;
    assert!(!page.rows.is_empty());
}
on_both_databases!(personal_data_is_masked_without_the_customers_permission);

async fn bad_report_parameters_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let mut rng = StdRng::seed_from_u64(9);
    app.store(
        a.publisher_id,
        "o",
        FactBatch::Orders(random_orders(&mut rng, a.publisher_id, 40)),
    )
    .await;
    let token = app.token(&a.admin_email).await;
    let page: GridPage<GridRow> = json(
        &app,
        "/api/v1/reports/orders/details?start=2026-05&pageSize=5",
        &token,
    )
    .await;
    let cursor = page.next_cursor.unwrap();
    let mut tampered = cursor.clone().into_bytes();
    tampered[10] = if tampered[10] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    for (path, field) in [
        ("/api/v1/reports/orders/monthly?markets=US", "markets"),
        ("/api/v1/reports/orders/monthly?market=US,XX", "market"),
        ("/api/v1/reports/orders/monthly?offerType=Game", "offerType"),
        ("/api/v1/reports/orders/monthly?start=2026-13", "start"),
        ("/api/v1/reports/usage/monthly?measure=cores", "measure"),
        ("/api/v1/reports/orders/trend?subject=weather", "subject"),
        ("/api/v1/reports/orders/trend?top=0", "top"),
        ("/api/v1/reports/orders/details?pageSize=0", "pageSize"),
        ("/api/v1/reports/orders/details?pageSize=1001", "pageSize"),
        ("/api/v1/reports/orders/details?sort=Colour", "sort"),
        (
            "/api/v1/reports/orders/details?filter=Colour:eq:red",
            "filter",
        ),
        (
            "/api/v1/reports/orders/details?filter=OrderQuantity:contains:1",
            "filter",
        ),
        (
            "/api/v1/reports/orders/details?filter=OrderQuantity:gt:many",
            "filter",
        ),
        (
            "/api/v1/reports/orders/details?filter=OfferType:in:Game",
            "filter",
        ),
        (
            "/api/v1/reports/orders/details?filter=OrderQuantity",
            "filter",
        ),
        ("/api/v1/reports/orders/details?format=pdf", "format"),
        ("/api/v1/reports/orders/details?cursor=garbage", "cursor"),
        (
            &format!("/api/v1/reports/orders/details?start=2026-05&pageSize=5&cursor={tampered}"),
            "cursor",
        ),
        (
            &format!(
                "/api/v1/reports/orders/details?start=2026-05&pageSize=5&sort=OrderId&cursor={cursor}"
            ),
            "cursor",
        ),
        ("/api/v1/reports/customers/summary?from=2026-02-30", "from"),
        (
            "/api/v1/reports/customers/summary?from=2026-05-01&to=2026-04-01",
            "from",
        ),
    ] {
        let res = app.get(path, &token).await;
        assert_eq!(res.status(), 400, "{path}");
        let p = problem(res).await;
        assert!(p.errors.iter().any(|e| e.field == field), "{path}: {p:?}");
    }
    // The same cursor keeps working for its own query.
    let res = app
        .get(
            &format!("/api/v1/reports/orders/details?start=2026-05&pageSize=5&cursor={cursor}"),
            &token,
        )
        .await;
    assert_eq!(res.status(), 200);
}
on_both_databases!(bad_report_parameters_are_named);

async fn reports_answer_not_modified_to_a_matching_etag(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let mut rng = StdRng::seed_from_u64(13);
    app.store(
        a.publisher_id,
        "o1",
        FactBatch::Orders(random_orders(&mut rng, a.publisher_id, 20)),
    )
    .await;
    let token = app.token(&a.admin_email).await;
    for path in [
        "/api/v1/reports/summary?start=2026-05",
        "/api/v1/reports/orders/monthly?start=2026-05",
        "/api/v1/reports/orders/details?start=2026-05",
    ] {
        let res = app.get(path, &token).await;
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let res = app
            .client
            .get(app.url(path))
            .bearer_auth(&token)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304, "{path}");
        let res = app
            .client
            .get(app.url(path))
            .bearer_auth(&token)
            .header("if-none-match", "\"something-else\"")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    // New data changes the answer, and so its ETag.
    let path = "/api/v1/reports/orders/monthly?start=2026-05";
    let before = app.get(path, &token).await.headers()["etag"].clone();
    let mut more = random_orders(&mut rng, a.publisher_id, 5);
    for (i, o) in more.iter_mut().enumerate() {
        o.order_id = format!("late-{i}");
    }
    app.store(a.publisher_id, "o2", FactBatch::Orders(more))
        .await;
    let after = app.get(path, &token).await.headers()["etag"].clone();
    assert_ne!(before, after);
}
on_both_databases!(reports_answer_not_modified_to_a_matching_etag);

/// A customer's view sums its usage rows by month (every month it has usage in),
/// follows restatements, and counts nothing of another publisher's customer with the
/// same ID.
async fn customer_view_sums_the_customers_usage_by_month(backend: Backend) {
    let (app, mut usage, token) = usage_tenant(backend, 0x00c0_ffee, 500).await;
    let publisher_id = usage[0].publisher_id;
    let b = app.tenant("beta", &[]).await;
    let mut rng = StdRng::seed_from_u64(99);
    let theirs: Vec<usage::Model> = (0..200)
        .map(|i| usage_row(&mut rng, b.publisher_id, i))
        .collect();
    app.store(b.publisher_id, "u1", FactBatch::Usage(theirs))
        .await;
    let expected = |usage: &[usage::Model], customer: &str| {
        let mut months: BTreeMap<Month, [i64; 3]> = BTreeMap::new();
        for u in usage.iter().filter(|u| u.customer_id == customer) {
            let m = months.entry(Month::of(u.month_start_date)).or_default();
            m[0] += u.normalized_usage;
            m[1] += u.raw_usage;
            m[2] += u.metered_usage;
        }
        months
            .into_iter()
            .map(|(m, [n, r, x])| (m, units(n), units(r), units(x)))
            .collect::<Vec<_>>()
    };
    let check = |usage: Vec<usage::Model>| {
        let (app, token) = (&app, &token);
        async move {
            for customer in ["cust-3", "cust-17", "cust-39"] {
                let view: CustomerView =
                    json(app, &format!("/api/v1/reports/customers/{customer}"), token).await;
                let got: Vec<_> = view
                    .usage_by_month
                    .iter()
                    .map(|m| (m.month, m.normalized_usage, m.raw_usage, m.metered_usage))
                    .collect();
                let want = expected(&usage, customer);
                assert!(!want.is_empty(), "{customer} has usage");
                assert_eq!(got, want, "{customer}");
            }
        }
    };
    check(usage.clone()).await;
    // Restate some of cust-3's rows to more hours.
    let restated: Vec<usage::Model> = usage
        .iter()
        .filter(|u| u.customer_id == "cust-3" && u.usage_type != "Metered")
        .take(3)
        .map(|u| {
            let mut u = u.clone();
            u.normalized_usage += 70_000;
            u.raw_usage += 10_000;
            u
        })
        .collect();
    app.store(publisher_id, "u2", FactBatch::Usage(restated.clone()))
        .await;
    for r in &restated {
        *usage.iter_mut().find(|u| u.meter_id == r.meter_id).unwrap() = r.clone();
    }
    check(usage).await;
}
on_both_databases!(customer_view_sums_the_customers_usage_by_month);

async fn another_publishers_data_never_shows(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let b = app.tenant("beta", &[]).await;
    let mut rng = StdRng::seed_from_u64(17);
    let mut orders = random_orders(&mut rng, a.publisher_id, 50);
    for o in &mut orders {
        o.customer_id = format!("alpha-only-{}", o.customer_id);
        o.offer_name = "Alpha Secret Offer".to_owned();
    }
    app.store(a.publisher_id, "o", FactBatch::Orders(orders.clone()))
        .await;
    let usage: Vec<usage::Model> = (0..40)
        .map(|i| usage_row(&mut rng, a.publisher_id, i))
        .collect();
    app.store(a.publisher_id, "u", FactBatch::Usage(usage))
        .await;
    let token_b = app.token(&b.admin_email).await;
    for path in [
        "/api/v1/reports/summary?start=2026-05",
        "/api/v1/reports/orders/options?start=2026-05",
        "/api/v1/reports/orders/monthly?start=2026-05",
        "/api/v1/reports/orders/trend?start=2026-05",
        "/api/v1/reports/orders/details?start=2026-05&total=true",
        "/api/v1/reports/usage/options?start=2026-05",
        "/api/v1/reports/usage/monthly?start=2026-05",
        "/api/v1/reports/usage/trend?start=2026-05",
        "/api/v1/reports/usage/details?start=2026-05&total=true",
        "/api/v1/reports/customers/summary?from=2026-01-01&to=2026-12-31",
        "/api/v1/reports/customers/details?from=2026-01-01&to=2026-12-31&total=true",
        "/api/v1/reports/payouts/trend?start=2026-05",
        "/api/v1/reports/payouts/details?start=2026-05&total=true",
    ] {
        let res = app.get(path, &token_b).await;
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.unwrap();
        assert!(
            !body.contains("alpha-only") && !body.contains("Alpha Secret"),
            "{path}: {body}"
        );
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        for key in ["total", "totalActive"] {
            if let Some(n) = value.get(key).and_then(|v| v.as_f64()) {
                assert_eq!(n, 0.0, "{path} {key}");
            }
        }
        if let Some(rows) = value.get("rows") {
            assert_eq!(rows.as_array().unwrap().len(), 0, "{path}");
        }
    }
    let customer = &orders[0].customer_id;
    let res = app
        .get(&format!("/api/v1/reports/customers/{customer}"), &token_b)
        .await;
    assert_eq!(res.status(), 404);
    let token_a = app.token(&a.admin_email).await;
    let view: CustomerView = json(
        &app,
        &format!("/api/v1/reports/customers/{customer}"),
        &token_a,
    )
    .await;
    let expected = orders.iter().filter(|o| &o.customer_id == customer).count();
    assert_eq!(view.order_count, expected as u64);
    // Cursors do not cross publishers either.
    let page: GridPage<GridRow> = json(
        &app,
        "/api/v1/reports/orders/details?start=2026-05&pageSize=2",
        &token_a,
    )
    .await;
    let res = app
        .get(
            &format!(
                "/api/v1/reports/orders/details?start=2026-05&pageSize=2&cursor={}",
                page.next_cursor.unwrap()
            ),
            &token_b,
        )
        .await;
    assert_eq!(res.status(), 400);
}
on_both_databases!(another_publishers_data_never_shows);

async fn report_areas_need_their_permission(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app
        .tenant("alpha", &[Permission::Summary, Permission::Orders])
        .await;
    let token = app.token(&a.user_email).await;
    for (path, status) in [
        ("/api/v1/reports/orders/monthly", 200),
        ("/api/v1/reports/orders/details", 200),
        ("/api/v1/reports/customers/summary", 200),
        ("/api/v1/reports/usage/monthly", 403),
        ("/api/v1/reports/usage/details", 403),
        ("/api/v1/reports/payouts/trend", 403),
        ("/api/v1/reports/payouts/details", 403),
    ] {
        let res = app.get(path, &token).await;
        assert_eq!(res.status(), status, "{path}");
    }
    let res = app
        .client
        .get(app.url("/api/v1/reports/orders/monthly"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
on_both_databases!(report_areas_need_their_permission);

async fn customer_summary_counts_active_new_and_lost(backend: Backend) {
    use api::db::entities::customers;
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[]).await;
    let row =
        |id: &str, sub: &str, mlt: MarketplaceLicenseType, acquired: &str, lost: Option<&str>| {
            customers::Model {
                publisher_id: a.publisher_id,
                customer_id: id.to_owned(),
                marketplace_subscription_id: sub.to_owned(),
                billing_account_id: "ba".to_owned(),
                customer_type: "Organization".to_owned(),
                customer_company_name: format!("{id} Ltd"),
                first_name: "A".to_owned(),
                last_name: "B".to_owned(),
                email: format!("{id}@example.com"),
                customer_city: "Oslo".to_owned(),
                customer_state: String::new(),
                customer_postal_code: "0150".to_owned(),
                customer_country_region: "NO".to_owned(),
                customer_communication_culture: "nb-NO".to_owned(),
                azure_license_type: "Enterprise".to_owned(),
                marketplace_license_type: mlt.name().to_owned(),
                offer_name: "Offer".to_owned(),
                plan_id: "plan".to_owned(),
                sku: "sku".to_owned(),
                date_acquired: acquired.parse().unwrap(),
                date_lost: lost.map(|l| l.parse().unwrap()),
                last_modified_at: chrono::Utc::now(),
            }
        };
    use MarketplaceLicenseType::*;
    app.store(
        a.publisher_id,
        "c",
        FactBatch::Customers(vec![
            row("c1", "s1", BilledThroughAzure, "2025-01-01", None),
            row(
                "c1",
                "s2",
                BilledThroughAzure,
                "2026-03-01",
                Some("2026-03-20"),
            ),
            row("c2", "s3", BilledThroughAzure, "2026-02-10", None),
            row("c3", "s4", Free, "2025-06-01", Some("2026-02-15")),
            row("c4", "s5", Free, "2025-06-01", Some("2025-12-31")),
            row("c5", "s6", BringYourOwnLicense, "2026-04-01", None),
        ]),
    )
    .await;
    let token = app.token(&a.admin_email).await;
    let s: shared::reports::customers::CustomerSummary = json(
        &app,
        "/api/v1/reports/customers/summary?from=2026-01-01&to=2026-03-31",
        &token,
    )
    .await;
    let by: BTreeMap<&str, (u64, u64, u64)> = s
        .by_marketplace_license_type
        .iter()
        .map(|c| (c.marketplace_license_type.name(), (c.active, c.new, c.lost)))
        .collect();
    assert_eq!(by["Billed Through Azure"], (2, 1, 0));
    assert_eq!(by["Free"], (1, 0, 1));
    assert_eq!(by["Bring Your Own License"], (0, 0, 0));
    assert_eq!(s.total_active, 3);
    let page: GridPage<GridRow> = json(
        &app,
        "/api/v1/reports/customers/details?from=2026-01-01&to=2026-03-31&marketplaceLicenseType=Free&total=true",
        &token,
    )
    .await;
    assert_eq!(page.total, Some(1));
    assert_eq!(page.rows[0].text("customerId"), "c3");
}
on_both_databases!(customer_summary_counts_active_new_and_lost);
