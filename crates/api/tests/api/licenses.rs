//! The License dashboard API against random license rows: every widget recomputed from
//! the raw rows for random filters and ranges, the filter options, the files (CSV, PNG,
//! SVG, PDF) and the "Download data" CSV, bad input, permissions and publisher isolation.

use std::collections::{BTreeMap, BTreeSet};

use api::db::entities::licenses;
use api::store::FactBatch;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::Month;
use shared::auth::Permission;
use shared::dictionary::{Dataset, OfferType};
use shared::reports::grid::MASKED;
use shared::reports::licenses::{
    LicenseAnalysisWidget, LicenseCustomersWidget, LicenseGeographyWidget, LicenseLicensesWidget,
    LicenseOptions,
};

use crate::helpers::{Backend, TestApp, problem, spawn_app};
use crate::on_both_databases;

const COUNTRIES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("DE", "Germany"),
    ("GB", "United Kingdom"),
    ("JP", "Japan"),
    ("BR", "Brazil"),
    ("IN", "India"),
];
const OFFERS: &[&str] = &[
    "Contoso CRM",
    "Fabrikam Desk",
    "Northwind BI",
    "Tailspin HR",
];
const PLANS: &[&str] = &["basic", "standard", "premium"];
const TYPES: &[OfferType] = &[
    OfferType::SaaS,
    OfferType::Dynamics365App,
    OfferType::PowerBiApp,
];
/// January 2025 to August 2026: 20 months, so last12m and custom ranges cut into it.
const FIRST: (i32, u32) = (2025, 1);
const MONTH_COUNT: i32 = 20;

fn pick<T: Copy>(rng: &mut StdRng, values: &[T]) -> T {
    values[rng.random_range(0..values.len())]
}

fn random_rows(rng: &mut StdRng, publisher_id: i64, n: usize) -> Vec<licenses::Model> {
    let first = Month::new(FIRST.0, FIRST.1).unwrap();
    let mut rows: BTreeMap<(Month, String, String, String), licenses::Model> = BTreeMap::new();
    for _ in 0..n {
        let month = first.plus_months(rng.random_range(0..MONTH_COUNT));
        let customer = rng.random_range(0..25);
        let (code, country) = COUNTRIES[customer % COUNTRIES.len()];
        let offer = rng.random_range(0..OFFERS.len());
        let plan = pick(rng, PLANS);
        let provisioned = rng.random_range(1..50);
        let row = licenses::Model {
            publisher_id,
            month_start_date: month.first_day(),
            customer_id: format!("cust-{customer}"),
            product_id: format!("prod-{offer}"),
            plan_name: plan.to_owned(),
            customer_country: country.to_owned(),
            customer_country_code: code.to_owned(),
            customer_name: format!("Customer {customer} Ltd"),
            activation_date: month.first_day(),
            product_display_name: OFFERS[offer].to_owned(),
            service_id: format!("svc-{plan}"),
            license_state: "Active".to_owned(),
            licenses_assigned: rng.random_range(0..=provisioned),
            licenses_provisioned: provisioned,
            offer_type: TYPES[offer % TYPES.len()].name().to_owned(),
        };
        rows.insert(
            (
                month,
                row.customer_id.clone(),
                row.product_id.clone(),
                row.plan_name.clone(),
            ),
            row,
        );
    }
    rows.into_values().collect()
}

/// A random selection: a range and some filters.
#[derive(Debug)]
struct Selection {
    pairs: Vec<(&'static str, String)>,
    from: Month,
    to: Month,
    offer_type: Vec<&'static str>,
    offer_name: Vec<&'static str>,
    plan_name: Vec<&'static str>,
    customer_name: Vec<String>,
    country: Vec<&'static str>,
}

fn some<T: Copy>(rng: &mut StdRng, values: &[T]) -> Vec<T> {
    if rng.random_bool(0.5) {
        return Vec::new();
    }
    let kept: Vec<T> = values
        .iter()
        .copied()
        .filter(|_| rng.random_bool(0.5))
        .collect();
    if kept.is_empty() {
        vec![values[0]]
    } else {
        kept
    }
}

impl Selection {
    fn random(rng: &mut StdRng, latest: Month) -> Self {
        let mut pairs = Vec::new();
        let (from, to) = match rng.random_range(0..4) {
            0 => (latest.plus_months(-5), latest),
            1 => {
                pairs.push(("range", "last6m".to_owned()));
                (latest.plus_months(-5), latest)
            }
            2 => {
                pairs.push(("range", "last12m".to_owned()));
                (latest.plus_months(-11), latest)
            }
            _ => {
                let first = Month::new(FIRST.0, FIRST.1).unwrap();
                let from = first.plus_months(rng.random_range(0..MONTH_COUNT));
                let to = from.plus_months(rng.random_range(0..8));
                pairs.push(("from", from.to_string()));
                pairs.push(("to", to.to_string()));
                (from, to)
            }
        };
        let offer_type: Vec<&'static str> = some(rng, TYPES).iter().map(|t| t.name()).collect();
        let offer_name = some(rng, OFFERS);
        let plan_name = some(rng, PLANS);
        let customer_name: Vec<String> = if rng.random_bool(0.3) {
            (0..3)
                .map(|_| format!("Customer {} Ltd", rng.random_range(0..25)))
                .collect()
        } else {
            Vec::new()
        };
        let country: Vec<&'static str> = some(rng, COUNTRIES).iter().map(|c| c.0).collect();
        for (name, values) in [
            (
                "offerType",
                offer_type.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
            ),
            (
                "offerName",
                offer_name.iter().map(|v| v.to_string()).collect(),
            ),
            (
                "planName",
                plan_name.iter().map(|v| v.to_string()).collect(),
            ),
            ("customerName", customer_name.clone()),
            ("country", country.iter().map(|v| v.to_string()).collect()),
        ] {
            if !values.is_empty() {
                pairs.push((name, values.join(",")));
            }
        }
        Selection {
            pairs,
            from,
            to,
            offer_type,
            offer_name,
            plan_name,
            customer_name,
            country,
        }
    }

    fn keeps(&self, r: &licenses::Model) -> bool {
        let month = Month::of(r.month_start_date);
        let ok = |values: &[&str], v: &str| values.is_empty() || values.contains(&v);
        month >= self.from
            && month <= self.to
            && ok(&self.offer_type, &r.offer_type)
            && ok(&self.offer_name, &r.product_display_name)
            && ok(&self.plan_name, &r.plan_name)
            && (self.customer_name.is_empty() || self.customer_name.contains(&r.customer_name))
            && ok(&self.country, &r.customer_country_code)
    }
}

async fn get(
    app: &TestApp,
    path: &str,
    pairs: &[(&str, String)],
    token: &str,
) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .query(pairs)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn json<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    path: &str,
    pairs: &[(&str, String)],
    token: &str,
) -> T {
    let res = get(app, path, pairs, token).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 200, "GET {path} {pairs:?}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

async fn seeded(backend: Backend, seed: u64) -> (TestApp, i64, String, Vec<licenses::Model>) {
    let app = spawn_app(backend).await;
    let a = app
        .tenant("alpha", &[Permission::Licenses, Permission::Customers])
        .await;
    let mut rng = StdRng::seed_from_u64(seed);
    let rows = random_rows(&mut rng, a.publisher_id, 400);
    app.store(
        a.publisher_id,
        "licenses-1",
        FactBatch::Licenses(rows.clone()),
    )
    .await;
    let token = app.token(&a.user_email).await;
    (app, a.publisher_id, token, rows)
}

async fn widgets_equal_a_recomputation_from_the_raw_rows(backend: Backend) {
    let (app, _, token, rows) = seeded(backend, 7).await;
    let latest = rows
        .iter()
        .map(|r| Month::of(r.month_start_date))
        .max()
        .unwrap();
    let mut rng = StdRng::seed_from_u64(11);
    for round in 0..8 {
        let sel = Selection::random(&mut rng, latest);
        let kept: Vec<&licenses::Model> = rows.iter().filter(|r| sel.keeps(r)).collect();
        let months: Vec<Month> = sel.from.through(sel.to).collect();
        let what = format!("round {round}: {sel:?}");
        let previous = (sel.from < sel.to).then(|| sel.to.plus_months(-1));

        let customers: LicenseCustomersWidget = json(
            &app,
            "/api/v1/reports/licenses/customers",
            &sel.pairs,
            &token,
        )
        .await;
        assert_eq!(customers.filters.from, Some(sel.from), "{what}");
        assert_eq!(customers.filters.to, Some(sel.to), "{what}");
        assert!(customers.data_as_of.is_some());
        let distinct = |m: Month| {
            kept.iter()
                .filter(|r| Month::of(r.month_start_date) == m)
                .map(|r| r.customer_id.as_str())
                .collect::<BTreeSet<_>>()
                .len() as u64
        };
        assert_eq!(customers.months.len(), months.len(), "{what}");
        for (m, got) in months.iter().zip(&customers.months) {
            assert_eq!(got.month, *m);
            assert_eq!(got.customers, distinct(*m), "{what} {m}");
        }
        assert_eq!(customers.current, distinct(sel.to), "{what}");
        assert_eq!(customers.previous, previous.map(distinct), "{what}");

        let sums = |m: Month| {
            kept.iter()
                .filter(|r| Month::of(r.month_start_date) == m)
                .fold((0, 0), |(p, a), r| {
                    (p + r.licenses_provisioned, a + r.licenses_assigned)
                })
        };
        let lic: LicenseLicensesWidget = json(
            &app,
            "/api/v1/reports/licenses/licenses",
            &sel.pairs,
            &token,
        )
        .await;
        for (m, got) in months.iter().zip(&lic.months) {
            assert_eq!((got.provisioned, got.assigned), sums(*m), "{what} {m}");
        }
        assert_eq!(
            (lic.current.provisioned, lic.current.assigned),
            sums(sel.to),
            "{what}"
        );

        // Analysis by products: per offer and plan in the last month.
        let mut by_product: BTreeMap<(String, String), [i64; 4]> = BTreeMap::new();
        for r in &kept {
            let m = Month::of(r.month_start_date);
            let slot = if m == sel.to {
                0
            } else if Some(m) == previous {
                2
            } else {
                continue;
            };
            let e = by_product
                .entry((r.product_display_name.clone(), r.plan_name.clone()))
                .or_default();
            e[slot] += r.licenses_provisioned;
            e[slot + 1] += r.licenses_assigned;
        }
        let (total_p, total_a) = sums(sel.to);
        let analysis: LicenseAnalysisWidget = json(
            &app,
            "/api/v1/reports/licenses/analysis",
            &sel.pairs,
            &token,
        )
        .await;
        assert_eq!(analysis.rows.len(), by_product.len(), "{what}");
        for row in &analysis.rows {
            let key = (
                row.offer_name.clone().unwrap(),
                row.plan_name.clone().unwrap(),
            );
            let e = by_product[&key];
            assert_eq!(
                [
                    row.provisioned,
                    row.assigned,
                    row.previous_provisioned,
                    row.previous_assigned
                ],
                e,
                "{what} {key:?}"
            );
            assert!((row.provisioned_percent - percent(e[0], total_p)).abs() <= 0.051);
            assert!((row.assigned_percent - percent(e[1], total_a)).abs() <= 0.051);
        }
        assert!(
            analysis
                .rows
                .windows(2)
                .all(|w| w[0].provisioned >= w[1].provisioned),
            "{what}: rows most provisioned first"
        );

        // Analysis by customers.
        let mut pairs = sel.pairs.clone();
        pairs.push(("by", "customers".to_owned()));
        let by_customer: LicenseAnalysisWidget =
            json(&app, "/api/v1/reports/licenses/analysis", &pairs, &token).await;
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        for r in kept
            .iter()
            .filter(|r| Month::of(r.month_start_date) == sel.to)
        {
            *expected.entry(r.customer_id.clone()).or_default() += r.licenses_provisioned;
        }
        let got: BTreeMap<String, i64> = by_customer
            .rows
            .iter()
            .filter(|r| r.provisioned > 0)
            .map(|r| (r.customer_id.clone().unwrap(), r.provisioned))
            .collect();
        assert_eq!(got, expected, "{what}");

        // Geographical spread.
        let mut by_country: BTreeMap<String, (i64, i64, BTreeSet<String>)> = BTreeMap::new();
        for r in kept
            .iter()
            .filter(|r| Month::of(r.month_start_date) == sel.to)
        {
            let e = by_country
                .entry(r.customer_country_code.clone())
                .or_default();
            e.0 += r.licenses_provisioned;
            e.1 += r.licenses_assigned;
            e.2.insert(r.customer_id.clone());
        }
        let geo: LicenseGeographyWidget = json(
            &app,
            "/api/v1/reports/licenses/geography",
            &sel.pairs,
            &token,
        )
        .await;
        assert_eq!(geo.countries.len(), by_country.len(), "{what}");
        for c in &geo.countries {
            let e = &by_country[&c.country_code];
            assert_eq!(
                (c.provisioned, c.assigned, c.customers),
                (e.0, e.1, e.2.len() as u64),
                "{what} {}",
                c.country_code
            );
        }

        // Download data: exactly the filtered rows, with the dictionary's columns.
        let mut pairs = sel.pairs.clone();
        pairs.push(("format", "csv".to_owned()));
        let res = get(&app, "/api/v1/reports/licenses/details", &pairs, &token).await;
        assert_eq!(res.status(), 200, "{what}");
        let text = res.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let names: Vec<&str> = Dataset::Licenses.columns().iter().map(|c| c.name).collect();
        assert_eq!(header, names);
        assert_eq!(reader.records().count(), kept.len(), "{what}");
    }
}
on_both_databases!(widgets_equal_a_recomputation_from_the_raw_rows);

async fn options_are_the_values_of_the_range(backend: Backend) {
    let (app, _, token, rows) = seeded(backend, 3).await;
    let pairs = vec![("from", "2025-03".to_owned()), ("to", "2025-05".to_owned())];
    let options: LicenseOptions =
        json(&app, "/api/v1/reports/licenses/options", &pairs, &token).await;
    let (from, to) = (Month::new(2025, 3).unwrap(), Month::new(2025, 5).unwrap());
    let in_range: Vec<&licenses::Model> = rows
        .iter()
        .filter(|r| (from..=to).contains(&Month::of(r.month_start_date)))
        .collect();
    let set = |f: fn(&licenses::Model) -> String| -> Vec<String> {
        in_range
            .iter()
            .map(|r| f(r))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let values = |o: &[shared::reports::slicers::SlicerOption]| -> Vec<String> {
        let mut v: Vec<String> = o.iter().map(|x| x.value.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(
        values(&options.offer_name),
        set(|r| r.product_display_name.clone())
    );
    assert_eq!(values(&options.plan_name), set(|r| r.plan_name.clone()));
    assert_eq!(
        values(&options.customer_name),
        set(|r| r.customer_name.clone())
    );
    assert_eq!(
        values(&options.country),
        set(|r| r.customer_country_code.clone())
    );
    assert_eq!(values(&options.offer_type), set(|r| r.offer_type.clone()));
    assert!(!options.masked);
}
on_both_databases!(options_are_the_values_of_the_range);

fn png_pixels(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

async fn widget_files_carry_the_data_title_and_filters(backend: Backend) {
    let (app, _, token, _) = seeded(backend, 5).await;
    let base = vec![
        ("range", "last12m".to_owned()),
        ("country", "US,DE".to_owned()),
    ];
    for (path, title, header) in [
        ("customers", "Customers", "Month,Customers"),
        (
            "licenses",
            "Licenses",
            "Month,LicensesProvisioned,LicensesAssigned",
        ),
        (
            "analysis",
            "Analysis by products",
            "OfferName,PlanName,LicensesProvisioned,LicensesAssigned",
        ),
        (
            "geography",
            "Geographical spread",
            "CustomerCountryCode,CustomerCountry,LicensesProvisioned",
        ),
    ] {
        let url = format!("/api/v1/reports/licenses/{path}");
        let with = |format: &str| {
            let mut p = base.clone();
            p.push(("format", format.to_owned()));
            p
        };

        let res = get(&app, &url, &with("csv"), &token).await;
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let text = res.text().await.unwrap();
        assert!(text.starts_with(header), "{path}: {text}");

        let mut pairs = with("png");
        pairs.push(("width", "900".to_owned()));
        pairs.push(("height", "500".to_owned()));
        let res = get(&app, &url, &pairs, &token).await;
        assert_eq!(res.status(), 200, "{path} png");
        assert_eq!(res.headers()["content-type"], "image/png");
        let (w, h, pixels) = png_pixels(&res.bytes().await.unwrap());
        assert_eq!((w, h), (900, 500), "{path}");
        let colours: BTreeSet<&[u8]> = pixels.chunks(3).collect();
        let dark = pixels
            .chunks(3)
            .filter(|p| p.iter().all(|c| *c < 128))
            .count();
        assert!(colours.len() > 20, "{path}: {} colours", colours.len());
        assert!(
            dark > 500,
            "{path}: the image has text and lines ({dark} dark pixels)"
        );

        let res = get(&app, &url, &with("svg"), &token).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/svg+xml");
        let svg = res.text().await.unwrap();
        assert!(svg.contains("<svg") && svg.contains(title), "{path} svg");
        assert!(svg.contains("Data as of"), "{path} svg");

        let res = get(&app, &url, &with("pdf"), &token).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let doc = lopdf::Document::load_mem(&res.bytes().await.unwrap()).unwrap();
        let pages = doc.get_pages();
        assert_eq!(pages.len(), 1, "{path}: one page");
        let text = doc.extract_text(&[1]).unwrap();
        assert!(text.contains(title), "{path}: {text}");
        assert!(text.contains("Data as of"), "{path}: {text}");
        assert!(text.contains("Country/region: DE, US"), "{path}: {text}");

        // Accept selects the format too.
        let res = app
            .client
            .get(app.url(&url))
            .query(&base)
            .header("Accept", "image/png")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-type"], "image/png");
    }
}
on_both_databases!(widget_files_carry_the_data_title_and_filters);

async fn bad_license_parameters_are_named(backend: Backend) {
    let (app, _, token, _) = seeded(backend, 1).await;
    for (path, query, field) in [
        ("customers", "ranges=last6m", "ranges"),
        ("customers", "offerType=Game", "offerType"),
        ("licenses", "country=XX", "country"),
        ("licenses", "range=last3m", "range"),
        ("analysis", "range=last6m&from=2025-01", "range"),
        ("analysis", "by=regions", "by"),
        ("geography", "from=2025-13", "from"),
        ("geography", "from=2026-05&to=2026-01", "from"),
        ("geography", "format=gif", "format"),
        ("customers", "format=png&width=10", "width"),
        ("options", "format=png", "format"),
        ("details", "sort=Nope", "sort"),
    ] {
        let res = app
            .get(&format!("/api/v1/reports/licenses/{path}?{query}"), &token)
            .await;
        assert_eq!(res.status(), 400, "{path}?{query}");
        let p = problem(res).await;
        assert!(
            p.errors.iter().any(|e| e.field == field),
            "{path}?{query}: {p:?}"
        );
    }
}
on_both_databases!(bad_license_parameters_are_named);

async fn licenses_need_their_permission_and_stay_with_the_publisher(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[Permission::Licenses]).await;
    let b = app.tenant("beta", &[Permission::Orders]).await;
    let mut rng = StdRng::seed_from_u64(9);
    let rows_a = random_rows(&mut rng, a.publisher_id, 50);
    let mut rows_b = random_rows(&mut rng, b.publisher_id, 300);
    for r in &mut rows_b {
        r.customer_country_code = "FR".to_owned();
        r.customer_country = "France".to_owned();
        r.product_display_name = "Beta Secret Offer".to_owned();
    }
    app.store(a.publisher_id, "a", FactBatch::Licenses(rows_a.clone()))
        .await;
    app.store(b.publisher_id, "b", FactBatch::Licenses(rows_b))
        .await;

    // Beta's user has no Licenses permission.
    let token_b = app.token(&b.user_email).await;
    for path in [
        "options",
        "customers",
        "licenses",
        "analysis",
        "geography",
        "details",
    ] {
        let res = app
            .get(&format!("/api/v1/reports/licenses/{path}"), &token_b)
            .await;
        assert_eq!(res.status(), 403, "{path}");
    }
    let res = app
        .client
        .get(app.url("/api/v1/reports/licenses/customers"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // Alpha's user sees only alpha's rows; customer names are masked without Customers.
    let token_a = app.token(&a.user_email).await;
    let all = vec![("from", "2025-01".to_owned()), ("to", "2026-08".to_owned())];
    let options: LicenseOptions =
        json(&app, "/api/v1/reports/licenses/options", &all, &token_a).await;
    assert!(options.masked && options.customer_name.is_empty());
    assert!(options.country.iter().all(|c| c.value != "FR"));
    assert!(
        options
            .offer_name
            .iter()
            .all(|o| o.value != "Beta Secret Offer")
    );
    let mut pairs = all.clone();
    pairs.push(("format", "csv".to_owned()));
    let res = get(&app, "/api/v1/reports/licenses/details", &pairs, &token_a).await;
    let text = res.text().await.unwrap();
    assert!(!text.contains("Beta Secret Offer") && !text.contains("Customer 1 Ltd"));
    assert_eq!(text.lines().count(), rows_a.len() + 1);
    let mut by = all.clone();
    by.push(("by", "customers".to_owned()));
    let analysis: LicenseAnalysisWidget =
        json(&app, "/api/v1/reports/licenses/analysis", &by, &token_a).await;
    assert!(
        analysis
            .rows
            .iter()
            .all(|r| r.customer_name.as_deref() == Some(MASKED))
    );
    let mut named = all.clone();
    named.push(("customerName", "Customer 1 Ltd".to_owned()));
    let res = get(&app, "/api/v1/reports/licenses/customers", &named, &token_a).await;
    assert_eq!(res.status(), 403);
    let p = problem(res).await;
    assert_eq!(p.errors[0].field, "customerName");

    // A filter value of another publisher matches nothing here.
    let mut foreign = all.clone();
    foreign.push(("offerName", "Beta Secret Offer".to_owned()));
    let geo: LicenseGeographyWidget = json(
        &app,
        "/api/v1/reports/licenses/geography",
        &foreign,
        &token_a,
    )
    .await;
    assert!(geo.countries.is_empty());
}
on_both_databases!(licenses_need_their_permission_and_stay_with_the_publisher);

async fn widget_answers_carry_an_etag(backend: Backend) {
    let (app, _, token, _) = seeded(backend, 2).await;
    for query in ["", "?format=png", "?format=csv"] {
        let path = format!("/api/v1/reports/licenses/licenses{query}");
        let res = app.get(&path, &token).await;
        assert_eq!(res.status(), 200);
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let res = app
            .client
            .get(app.url(&path))
            .bearer_auth(&token)
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304, "{path}");
    }
}
on_both_databases!(widget_answers_carry_an_etag);
