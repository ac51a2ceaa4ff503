//! Ingestion: dictionary-named files in, validated whole, stored all-or-nothing.

use api::db::entities::{customers, licenses, orders, payouts, usage};
use api::ingest::references::Known;
use api::ingest::{Format, IngestError, MAX_REPORTED, ingest, unmapped_table_columns};
use api::store::StoreError;
use shared::auth::Permission;
use shared::dictionary::Dataset;
use shared::reports::summary::SummaryReport;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;

#[test]
fn every_dictionary_column_has_a_table_column_and_back() {
    assert!(unmapped_table_columns::<orders::Entity>(Dataset::Orders).is_empty());
    assert!(unmapped_table_columns::<usage::Entity>(Dataset::Usage).is_empty());
    assert!(unmapped_table_columns::<customers::Entity>(Dataset::Customers).is_empty());
    assert!(unmapped_table_columns::<licenses::Entity>(Dataset::Licenses).is_empty());
    assert!(unmapped_table_columns::<payouts::Entity>(Dataset::Payouts).is_empty());
    for dataset in Dataset::ALL {
        // A header of every dictionary column with no rows is refused only for having no rows.
        let header = dataset
            .columns()
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(",");
        let err = api::ingest::parse(
            *dataset,
            Format::Csv,
            1,
            &mut Known::default(),
            header.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(err.errors[0].reason, "the file holds no rows", "{dataset}");
    }
}

// Columns in an order of their own; Channel left out (it is derived).
const ORDERS_HEADER: &str = "OrderId,OrderPurchaseDate,MarketplaceSubscriptionId,MonthStartDate,OfferId,OfferName,OfferType,Sku,\
AzureLicenseType,MarketplaceLicenseType,CustomerCountry,IsPreviewSKU,OrderQuantity,IsNewCustomer,OrderStatus,\
OrderCancelDate,TrialEndDate,HasTrial,TermStartDate,TermEndDate,PurchaseRecordId,PurchaseRecordLineItemId,\
CustomerId,CustomerName,CustomerCompanyName,BillingAccountId,EstimatedCharges,Currency";

/// An order of customer `cust-1`: of offer `offer-1` ("Contoso Gateway", plan `std`) when
/// `offer_type` is SaaS, else of an offer of its own for that type (an offer keeps its type).
fn order_line(id: &str, purchase: &str, azure_license_type: &str, offer_type: &str) -> String {
    let month = format!("{}-01", &purchase[..7]);
    let (offer_id, offer_name) = if offer_type.eq_ignore_ascii_case("SaaS") {
        ("offer-1".to_owned(), "Contoso Gateway".to_owned())
    } else {
        (
            format!(
                "offer-{}",
                offer_type.to_ascii_lowercase().replace(' ', "-")
            ),
            format!("Contoso {offer_type}"),
        )
    };
    format!(
        "{id},{purchase},sub-{id},{month},{offer_id},{offer_name},{offer_type},std,{azure_license_type},\
Billed Through Azure,us,false,3,true,Active,,,false,{purchase},,pr-{id},1,cust-1,Pat Doe,\"Doe, Ltd\",ba-1,120.50,usd"
    )
}

const CUSTOMERS_HEADER: &str = "MarketplaceSubscriptionId,CustomerId,BillingAccountId,CustomerType,\
CustomerCompanyName,FirstName,LastName,Email,CustomerCity,CustomerState,CustomerPostalCode,CustomerCountryRegion,\
CustomerCommunicationCulture,AzureLicenseType,MarketplaceLicenseType,OfferName,PlanId,Sku,DateAcquired,DateLost,\
LastModifiedAt";

/// The customers the files below name (`cust-1`, `c1`, `c2`), ingested first: orders,
/// usage, licenses and payouts may only name a publisher's customers.
async fn customers_first(app: &TestApp, publisher_id: i64) {
    let mut csv = CUSTOMERS_HEADER.to_owned();
    for id in ["cust-1", "c1", "c2"] {
        csv.push_str(&format!(
            "\nsub-{id},{id},ba-1,Organization,Doe Ltd,Pat,Doe,pat@doe.example,,,,US,en-US,Enterprise,\
Billed Through Azure,Contoso Gateway,offer-1-std,std,2026-01-01,,2026-01-01T12:00:00Z"
        ));
    }
    ingest(
        &app.state.db,
        publisher_id,
        Dataset::Customers,
        Format::Csv,
        "customers",
        csv.as_bytes(),
        "test",
    )
    .await
    .unwrap();
}

/// Customers, then an order that brings offer `offer-1` ("Contoso Gateway", SaaS, plan
/// `std`), which licenses and payouts may then name.
async fn customers_and_offer_first(app: &TestApp, publisher_id: i64) {
    customers_first(app, publisher_id).await;
    let csv = orders_csv(&[order_line("seed", "2026-01-05", "Enterprise", "SaaS")]);
    ingest(
        &app.state.db,
        publisher_id,
        Dataset::Orders,
        Format::Csv,
        "offers",
        csv.as_bytes(),
        "test",
    )
    .await
    .unwrap();
}

fn orders_csv(lines: &[String]) -> String {
    let mut text = ORDERS_HEADER.to_owned();
    for l in lines {
        text.push('\n');
        text.push_str(l);
    }
    text.push('\n');
    text
}

async fn a_csv_batch_is_stored_and_reported(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    customers_first(&app, t.publisher_id).await;
    let csv = orders_csv(&[
        order_line("o1", "2026-01-05", "Cloud Solution Provider", "SaaS"),
        order_line("o2", "2026-02-07", "Pay as You Go", "Virtual Machine"),
        order_line("o3", "2026-02-08", "enterprise", "saas"),
    ]);
    let outcome = ingest(
        &app.state.db,
        t.publisher_id,
        Dataset::Orders,
        Format::Csv,
        "k1",
        csv.as_bytes(),
        "test",
    )
    .await
    .unwrap();
    assert_eq!((outcome.rows, outcome.replayed), (3, false));

    let token = app.token(&t.user_email).await;
    let report: SummaryReport = app
        .get("/api/v1/reports/summary?start=2026-01", &token)
        .await
        .json()
        .await
        .unwrap();
    let trend: Vec<u64> = report
        .new_orders_trend
        .iter()
        .map(|m| m.new_orders)
        .collect();
    assert_eq!(trend, [1, 2, 0]);
    assert!(
        report.data_as_of.is_some(),
        "the batch's freshness is visible at once"
    );

    // Values are stored canonically: enumerations by their dictionary names, markets
    // and currencies upper-cased, money exact, the channel derived.
    assert_eq!(
        app.scalar( "SELECT COUNT(*) FROM orders WHERE channel = 'Direct Enterprise' AND azure_license_type = 'Enterprise' AND offer_type = 'SaaS'").await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM orders WHERE customer_country = 'US' AND currency = 'USD'"
        )
        .await,
        3
    );
    assert_eq!(
        app.scalar("SELECT MIN(estimated_charges) FROM orders")
            .await,
        1_205_000
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE customer_company_name = 'Doe, Ltd'")
            .await,
        3
    );

    // Replaying the same file under its key a hundred times changes nothing.
    for _ in 0..100 {
        let again = ingest(
            &app.state.db,
            t.publisher_id,
            Dataset::Orders,
            Format::Csv,
            "k1",
            csv.as_bytes(),
            "test",
        )
        .await
        .unwrap();
        assert!(again.replayed);
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 3);
    assert_eq!(
        app.scalar("SELECT CAST(SUM(new_orders) AS BIGINT) FROM rollup_orders")
            .await,
        3
    );

    // The same key with other content is a conflict; nothing changes.
    let other = orders_csv(&[order_line("o9", "2026-01-05", "Enterprise", "SaaS")]);
    let err = ingest(
        &app.state.db,
        t.publisher_id,
        Dataset::Orders,
        Format::Csv,
        "k1",
        other.as_bytes(),
        "test",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, IngestError::Store(StoreError::KeyConflict(_))),
        "{err}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 3);
}
on_both_databases!(a_csv_batch_is_stored_and_reported);

async fn json_lines_are_keyed_by_camel_case_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    customers_and_offer_first(&app, t.publisher_id).await;
    let jsonl = r#"{"purchaseRecordId":"pr-1","lineItemId":"1","monthStartDate":"2026-03-01","offerName":"Contoso Gateway","offerType":"SaaS","sku":"std","customerId":"c1","channel":"CSP","transactionAmountCC":12.5,"customerCurrencyCC":"EUR","earningAmountPC":"11.2","payoutCurrencyPC":"USD","earningAmountUSD":11.2,"payoutStatus":"Sent","estimatedPayoutMonth":"2026-05-01","paymentSentDate":null}

{"PurchaseRecordId":"pr-2","LineItemId":"1","MonthStartDate":"2026-03-01","OfferName":"Contoso Gateway","OfferType":"SaaS","Sku":"std","CustomerId":"c2","Channel":"Web Direct","TransactionAmountCC":"1","CustomerCurrencyCC":"USD","EarningAmountPC":"0.97","PayoutCurrencyPC":"USD","EarningAmountUSD":"0.97","PayoutStatus":"upcoming","EstimatedPayoutMonth":"2026-05-01"}
"#;
    let outcome = ingest(
        &app.state.db,
        t.publisher_id,
        Dataset::Payouts,
        Format::JsonLines,
        "p1",
        jsonl.as_bytes(),
        "test",
    )
    .await
    .unwrap();
    assert_eq!(outcome.rows, 2);
    assert_eq!(
        app.scalar("SELECT CAST(SUM(earning_amount_usd) AS BIGINT) FROM rollup_payouts")
            .await,
        121_700
    );
}
on_both_databases!(json_lines_are_keyed_by_camel_case_names);

async fn refuse(
    app: &TestApp,
    publisher_id: i64,
    format: Format,
    content: &[u8],
) -> api::ingest::Rejection {
    match ingest(
        &app.state.db,
        publisher_id,
        Dataset::Orders,
        format,
        "bad",
        content,
        "test",
    )
    .await
    {
        Err(IngestError::Rejected(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn malformed_files_are_refused_whole_naming_the_problem(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let p = t.publisher_id;
    customers_first(&app, p).await;
    let good = order_line("o1", "2026-01-05", "Enterprise", "SaaS");

    // A bad enumeration value on line 3: the row, the column and the allowed values.
    let r = refuse(
        &app,
        p,
        Format::Csv,
        orders_csv(&[
            good.clone(),
            order_line("o2", "2026-01-06", "Enterprise", "Spreadsheet"),
        ])
        .as_bytes(),
    )
    .await;
    assert_eq!(r.total, 1);
    assert_eq!(r.errors[0].line, 3);
    assert_eq!(r.errors[0].column.as_deref(), Some("OfferType"));
    assert!(
        r.errors[0].reason.contains("'Spreadsheet'")
            && r.errors[0].reason.contains("Virtual Machine")
    );

    // Bad dates, numbers, booleans and countries, each named.
    let bad = good
        .replace("2026-01-05,sub", "05/01/2026,sub")
        .replace(",3,true,", ",three,maybe,")
        .replace(",us,", ",Utopia,");
    let r = refuse(&app, p, Format::Csv, orders_csv(&[bad]).as_bytes()).await;
    let columns: Vec<&str> = r
        .errors
        .iter()
        .filter_map(|e| e.column.as_deref())
        .collect();
    for expected in [
        "OrderPurchaseDate",
        "OrderQuantity",
        "IsNewCustomer",
        "CustomerCountry",
    ] {
        assert!(columns.contains(&expected), "{expected} in {columns:?}");
    }

    // Structure: missing and unknown columns, wrong delimiter, short rows, empty files,
    // huge cells, text that is not UTF-8.
    let missing = orders_csv(std::slice::from_ref(&good)).replacen("OrderId,", "", 1);
    let r = refuse(&app, p, Format::Csv, missing.as_bytes()).await;
    assert!(
        r.errors
            .iter()
            .any(|e| e.reason.contains("missing required column(s): OrderId")),
        "{r:?}"
    );

    let extra = orders_csv(&[format!("{good},x")]).replacen("Currency", "Currency,Discount", 1);
    let r = refuse(&app, p, Format::Csv, extra.as_bytes()).await;
    assert_eq!(r.errors[0].column.as_deref(), Some("Discount"));

    let semicolons = orders_csv(std::slice::from_ref(&good)).replace(',', ";");
    let r = refuse(&app, p, Format::Csv, semicolons.as_bytes()).await;
    assert!(r.errors[0].reason.contains("commas"), "{r:?}");

    let short = orders_csv(&[good.clone(), "o2,2026-01-05".to_owned()]);
    let r = refuse(&app, p, Format::Csv, short.as_bytes()).await;
    assert_eq!(r.errors[0].line, 3);
    assert!(r.errors[0].reason.contains("fields"), "{r:?}");

    let r = refuse(&app, p, Format::Csv, b"").await;
    assert_eq!(r.total, 1);
    let r = refuse(
        &app,
        p,
        Format::Csv,
        format!("{ORDERS_HEADER}\n").as_bytes(),
    )
    .await;
    assert!(r.errors[0].reason.contains("no rows"));

    let huge = good.replace("Pat Doe", &"x".repeat(5_000));
    let r = refuse(&app, p, Format::Csv, orders_csv(&[huge]).as_bytes()).await;
    assert_eq!(r.errors[0].column.as_deref(), Some("CustomerName"));

    let mut latin1 = orders_csv(&[good.replace("Pat Doe", "Ren\u{e9}")]).into_bytes();
    let at = latin1.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
    latin1.splice(at..at + 2, [0xE9]);
    let r = refuse(&app, p, Format::Csv, &latin1).await;
    assert!(r.errors[0].reason.contains("UTF-8"), "{r:?}");

    let r = refuse(
        &app,
        p,
        Format::JsonLines,
        b"{\"orderId\": \"o1\"\nnot json\n",
    )
    .await;
    assert!(r.errors.iter().all(|e| e.reason.contains("JSON")), "{r:?}");

    // Many bad rows: the first thousand are listed, and the total is given.
    let many: Vec<String> = (0..1_500)
        .map(|i| order_line(&format!("o{i}"), "2026-01-05", "Nobody", "SaaS"))
        .collect();
    let r = refuse(&app, p, Format::Csv, orders_csv(&many).as_bytes()).await;
    assert_eq!(r.total, 1_500);
    assert_eq!(r.errors.len(), MAX_REPORTED);

    // Nothing of any refused batch was written, and its key stays free.
    for table in ["orders", "rollup_orders", "offers"] {
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    for table in ["ingest_batches", "data_freshness"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE dataset = 'orders'"
            ))
            .await,
            0,
            "{table}"
        );
    }
}
on_both_databases!(malformed_files_are_refused_whole_naming_the_problem);

#[test]
fn arbitrary_bytes_never_panic() {
    // A small deterministic fuzz: mutations of a valid file and random bytes.
    let valid = orders_csv(&[order_line("o1", "2026-01-05", "Enterprise", "SaaS")]).into_bytes();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..2_000 {
        let mut bytes = valid.clone();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes[at] = next() as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b",\n\"\r"[(next() % 4) as usize]),
            }
        }
        if round % 10 == 0 {
            bytes = (0..(next() % 300)).map(|_| next() as u8).collect();
        }
        for dataset in Dataset::ALL {
            for format in [Format::Csv, Format::JsonLines, Format::Excel(None)] {
                let _ = api::ingest::parse(*dataset, format, 1, &mut Known::default(), &bytes);
            }
        }
    }
}

async fn the_ingestion_api_takes_the_operator_token_only(backend: Backend) {
    use crate::helpers::{OPERATOR_TOKEN, problem};
    use shared::ErrorCode;
    use shared::ingest::{IngestBatch, IngestOutcome};

    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    customers_first(&app, t.publisher_id).await;
    let csv = orders_csv(&[
        order_line("o1", "2026-01-05", "Enterprise", "SaaS"),
        order_line("o2", "2026-01-06", "Enterprise", "SaaS"),
    ]);
    let post = |path: &str, token: &str, content_type: &str, body: Vec<u8>| {
        app.client
            .post(app.url(path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    let res = post(
        "/api/v1/ingest/orders?publisher=alpha&key=b1",
        OPERATOR_TOKEN,
        "text/csv",
        csv.clone().into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let outcome: IngestOutcome = res.json().await.unwrap();
    assert_eq!((outcome.rows, outcome.replayed), (2, false));

    let res = post(
        "/api/v1/ingest/orders?publisher=alpha&key=b1",
        OPERATOR_TOKEN,
        "text/csv; charset=utf-8",
        csv.clone().into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.json::<IngestOutcome>().await.unwrap().replayed);

    let other = orders_csv(&[order_line("o3", "2026-01-06", "Enterprise", "SaaS")]);
    let res = post(
        "/api/v1/ingest/orders?publisher=alpha&key=b1",
        OPERATOR_TOKEN,
        "text/csv",
        other.into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(problem(res).await.code, ErrorCode::Conflict);

    let bad = orders_csv(&[order_line("o4", "2026-01-06", "Enterprise", "Spreadsheet")]);
    let res = post(
        "/api/v1/ingest/orders?publisher=alpha&key=b2",
        OPERATOR_TOKEN,
        "text/csv",
        bad.into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 422);
    let p = problem(res).await;
    assert_eq!(p.code, ErrorCode::Unprocessable);
    assert_eq!(p.errors[0].field, "OfferType");
    assert_eq!(p.errors[0].line, Some(2));

    // A publisher's own token cannot feed data in, however valid.
    let user_token = app.token(&t.admin_email).await;
    let res = post(
        "/api/v1/ingest/orders?publisher=alpha&key=b3",
        &user_token,
        "text/csv",
        csv.clone().into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 403);
    let res = post(
        "/api/v1/ingest/orders?publisher=alpha&key=b3",
        "not-the-token",
        "text/csv",
        csv.clone().into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
    let res = app
        .client
        .post(app.url("/api/v1/ingest/orders?publisher=alpha&key=b3"))
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    for (path, content_type, status, code) in [
        (
            "/api/v1/ingest/invoices?publisher=alpha&key=b4",
            "text/csv",
            400,
            ErrorCode::InvalidParameter,
        ),
        (
            "/api/v1/ingest/orders?publisher=nobody&key=b4",
            "text/csv",
            404,
            ErrorCode::NotFound,
        ),
        (
            "/api/v1/ingest/orders?publisher=alpha",
            "text/csv",
            400,
            ErrorCode::InvalidParameter,
        ),
        (
            "/api/v1/ingest/orders?publisher=alpha&key=b4&force=1",
            "text/csv",
            400,
            ErrorCode::UnknownParameter,
        ),
        (
            "/api/v1/ingest/orders?publisher=alpha&key=b4",
            "application/pdf",
            415,
            ErrorCode::UnsupportedMediaType,
        ),
    ] {
        let res = post(path, OPERATOR_TOKEN, content_type, csv.clone().into_bytes())
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{path} {content_type}");
        assert_eq!(problem(res).await.code, code, "{path}");
    }

    // Past the configured size (1 MiB in tests): 413, and nothing stored.
    let lines: Vec<String> = (0..6_000)
        .map(|i| order_line(&format!("big{i}"), "2026-01-05", "Enterprise", "SaaS"))
        .collect();
    let big = orders_csv(&lines);
    assert!(big.len() > 1024 * 1024);
    let res = post(
        "/api/v1/ingest/orders?publisher=alpha&key=big",
        OPERATOR_TOKEN,
        "text/csv",
        big.into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 2);

    // The operator lists batches; publishers cannot.
    let res = app
        .client
        .get(app.url("/api/v1/ingest/batches?publisher=alpha"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let batches: Vec<IngestBatch> = res.json().await.unwrap();
    let listed: Vec<(&str, u64, &str, &str)> = batches
        .iter()
        .map(|b| {
            (
                b.dataset.as_str(),
                b.rows,
                b.batch_key.as_str(),
                b.source.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("orders", 2, "b1", "api"),
            ("customers", 3, "customers", "test")
        ]
    );
    assert_eq!(
        app.get("/api/v1/ingest/batches", &user_token)
            .await
            .status(),
        403
    );
}
on_both_databases!(the_ingestion_api_takes_the_operator_token_only);

fn workbook(sheet: &str, rows: &[Vec<&str>], formula_at: Option<(u32, u16)>) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if let Ok(n) = value.parse::<f64>() {
                ws.write_number(r, c, n).unwrap();
            } else if let Ok(d) = rust_xlsxwriter::ExcelDateTime::parse_from_str(value)
                && value.len() == 10
            {
                ws.write_datetime_with_format(r, c, &d, &date).unwrap();
            } else if !value.is_empty() {
                ws.write_string(r, c, *value).unwrap();
            }
        }
    }
    if let Some((r, c)) = formula_at {
        ws.write_formula(r, c, "=1+1").unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn payout_rows(ids: &[&'static str]) -> Vec<Vec<&'static str>> {
    let mut rows = vec![vec![
        "PurchaseRecordId",
        "LineItemId",
        "MonthStartDate",
        "OfferName",
        "OfferType",
        "Sku",
        "CustomerId",
        "Channel",
        "TransactionAmountCC",
        "CustomerCurrencyCC",
        "EarningAmountPC",
        "PayoutCurrencyPC",
        "EarningAmountUSD",
        "PayoutStatus",
        "EstimatedPayoutMonth",
    ]];
    for id in ids {
        rows.push(vec![
            id,
            "1",
            "2026-03-01",
            "Contoso Gateway",
            "SaaS",
            "std",
            "c1",
            "CSP",
            "12.5",
            "EUR",
            "11.25",
            "USD",
            "11.25",
            "Sent",
            "2026-05-01",
        ]);
    }
    rows
}

async fn excel_workbooks_are_read_and_refused_safely(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let p = t.publisher_id;
    customers_and_offer_first(&app, p).await;
    let store = |content: Vec<u8>, sheet: Option<&str>, key: &str| {
        let db = app.state.db.clone();
        let key = key.to_owned();
        let format = Format::Excel(sheet.map(str::to_owned));
        async move { ingest(&db, p, Dataset::Payouts, format, &key, &content, "test").await }
    };

    // Numbers, dates and text cells of the named sheet.
    let book = workbook("Payouts", &payout_rows(&["pr-1", "pr-2"]), None);
    let outcome = store(book.clone(), Some("payouts"), "x1").await.unwrap();
    assert_eq!(outcome.rows, 2);
    assert_eq!(
        app.scalar("SELECT CAST(SUM(earning_amount_usd) AS BIGINT) FROM payouts")
            .await,
        225_000
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payouts WHERE month_start_date = '2026-03-01'")
            .await,
        2,
        "date cells read as dates"
    );

    let refused = |r: Result<_, IngestError>| match r {
        Err(IngestError::Rejected(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let r = refused(store(book, Some("Summary"), "x2").await);
    assert!(
        r.errors[0].reason.contains("no sheet 'Summary'") && r.errors[0].reason.contains("Payouts")
    );

    let with_formula = workbook("Payouts", &payout_rows(&["pr-3"]), Some((1, 8)));
    let r = refused(store(with_formula, None, "x3").await);
    assert!(
        r.errors[0].reason.contains("cell I2 holds a formula"),
        "{r:?}"
    );

    let r = refused(store(b"PK\x03\x04 not really a zip".to_vec(), None, "x4").await);
    assert!(
        r.errors[0].reason.contains("not an Excel workbook"),
        "{r:?}"
    );

    let r = refused(store(zip_claiming(4 * 1024 * 1024 * 1024), None, "x5").await);
    assert!(r.errors[0].reason.contains("decompress"), "{r:?}");

    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payouts").await,
        2,
        "refused workbooks wrote nothing"
    );

    // Through the operator's HTTP door, by the workbook's media type and a named sheet.
    let book = workbook("Payouts", &payout_rows(&["pr-7", "pr-8", "pr-9"]), None);
    let res = app
        .client
        .post(app.url("/api/v1/ingest/payouts?publisher=alpha&key=x6&sheet=Payouts"))
        .bearer_auth(crate::helpers::OPERATOR_TOKEN)
        .header("content-type", api::ingest::XLSX_MEDIA_TYPE)
        .body(book)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payouts").await, 5);
}
on_both_databases!(excel_workbooks_are_read_and_refused_safely);

/// A one-entry zip whose headers claim `size` bytes once unpacked (a zip bomb's calling
/// card), holding only a few bytes.
fn zip_claiming(size: u64) -> Vec<u8> {
    let name = b"xl/worksheets/sheet1.xml";
    let data = b"<x/>";
    let claimed = size.min(u64::from(u32::MAX)) as u32;
    let mut out = Vec::new();
    let le16 = |v: u16| v.to_le_bytes();
    let le32 = |v: u32| v.to_le_bytes();
    out.extend(le32(0x0403_4b50));
    out.extend(le16(20));
    out.extend(le16(0));
    out.extend(le16(0));
    out.extend([0u8; 4]);
    out.extend(le32(0));
    out.extend(le32(data.len() as u32));
    out.extend(le32(claimed));
    out.extend(le16(name.len() as u16));
    out.extend(le16(0));
    out.extend(name);
    out.extend(data);
    let central = out.len() as u32;
    out.extend(le32(0x0201_4b50));
    out.extend(le16(20));
    out.extend(le16(20));
    out.extend(le16(0));
    out.extend(le16(0));
    out.extend([0u8; 4]);
    out.extend(le32(0));
    out.extend(le32(data.len() as u32));
    out.extend(le32(claimed));
    out.extend(le16(name.len() as u16));
    out.extend([0u8; 12]);
    out.extend(le32(0));
    out.extend(name);
    let central_size = out.len() as u32 - central;
    out.extend(le32(0x0605_4b50));
    out.extend([0u8; 4]);
    out.extend(le16(1));
    out.extend(le16(1));
    out.extend(le32(central_size));
    out.extend(le32(central));
    out.extend(le16(0));
    out
}
