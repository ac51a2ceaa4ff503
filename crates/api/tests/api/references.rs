//! Ingestion's reference checks: a row names customers, offers and plans its publisher
//! has, or that the batch brings. Loading order: customers, then orders and usage, then
//! licenses and payouts.

use api::ingest::{Format, IngestError, Rejection, RowError, ingest};
use api::store::StoreOutcome;
use shared::auth::Permission;
use shared::dictionary::Dataset;

use crate::helpers::{Backend, OPERATOR_TOKEN, TestApp, problem, spawn_app};
use crate::on_both_databases;

/// A value for every column of every dataset: one SaaS offer `offer-1` ("Contoso
/// Gateway", plan `std`) bought by customer `cust-1`.
fn default_cell(column: &str) -> &'static str {
    match column {
        "MarketplaceSubscriptionId" => "sub-1",
        "MonthStartDate" => "2026-01-01",
        "UsageDate" | "OrderPurchaseDate" | "ActivationDate" | "DateAcquired" => "2026-01-05",
        "OfferId" | "ProductId" => "offer-1",
        "OfferName" | "ProductDisplayName" => "Contoso Gateway",
        "OfferType" => "SaaS",
        "Sku" | "PlanName" => "std",
        "PlanId" => "offer-1-std",
        "SKUBillingType" => "Paid",
        "AzureLicenseType" => "Enterprise",
        "Channel" => "Direct Enterprise",
        "MarketplaceLicenseType" => "Billed Through Azure",
        "CustomerCountry" | "CustomerCountryCode" | "CustomerCountryRegion" => "US",
        "IsPreviewSKU" | "IsPrivateOffer" | "IsNewCustomer" | "HasTrial" => "false",
        "CoreSize" | "NormalizedUsage" | "RawUsage" => "0",
        "DeploymentMethod" => "SaaS",
        "UsageType" => "Metered",
        "MeteredUsage" | "OrderQuantity" | "LicensesAssigned" | "LicensesProvisioned" => "5",
        "MeterId" => "protected-gb",
        "UsageUnit" => "GB",
        "CustomerId" => "cust-1",
        "CustomerName" => "Pat Doe",
        "CustomerCompanyName" => "Doe Ltd",
        "FirstName" => "Pat",
        "LastName" => "Doe",
        "Email" => "pat@doe.example",
        "CustomerCommunicationCulture" => "en-US",
        "CustomerType" => "Organization",
        "BillingAccountId" => "ba-1",
        "Currency" | "CustomerCurrencyCC" | "PayoutCurrencyPC" => "USD",
        "PriceCC" | "EstimatedExtendedChargeCC" | "EstimatedExtendedChargePC" => "2.5",
        "EstimatedCharges" | "TransactionAmountCC" | "EarningAmountPC" | "EarningAmountUSD" => "10",
        "OrderId" => "o-1",
        "OrderStatus" => "Active",
        "PurchaseRecordId" => "pr-1",
        "PurchaseRecordLineItemId" | "LineItemId" => "1",
        "LicenseState" => "Active",
        "ServiceId" => "svc-std",
        "PayoutStatus" => "Sent",
        "EstimatedPayoutMonth" => "2026-03-01",
        "LastModifiedAt" => "2026-01-05T12:00:00Z",
        _ => "",
    }
}

/// A CSV file of `dataset` with every dictionary column, one line per row: the default
/// cells with the row's own `(column, value)` pairs instead.
fn csv(dataset: Dataset, rows: &[&[(&str, &str)]]) -> String {
    let names: Vec<&str> = dataset.columns().iter().map(|c| c.name).collect();
    let mut text = names.join(",");
    for row in rows {
        text.push('\n');
        let cells: Vec<&str> = names
            .iter()
            .map(|n| {
                row.iter()
                    .find(|(c, _)| c == n)
                    .map_or(default_cell(n), |(_, v)| *v)
            })
            .collect();
        text.push_str(&cells.join(","));
    }
    text.push('\n');
    text
}

async fn send(
    app: &TestApp,
    publisher_id: i64,
    dataset: Dataset,
    key: &str,
    content: &str,
) -> Result<StoreOutcome, IngestError> {
    ingest(
        &app.state.db,
        publisher_id,
        dataset,
        Format::Csv,
        key,
        content.as_bytes(),
        "test",
    )
    .await
}

async fn accepted(app: &TestApp, publisher_id: i64, dataset: Dataset, key: &str, content: &str) {
    match send(app, publisher_id, dataset, key, content).await {
        Ok(outcome) => assert!(!outcome.replayed, "{key}"),
        Err(e) => panic!("{dataset} batch {key} was refused: {e:?}"),
    }
}

async fn refused(
    app: &TestApp,
    publisher_id: i64,
    dataset: Dataset,
    key: &str,
    content: &str,
) -> Rejection {
    match send(app, publisher_id, dataset, key, content).await {
        Err(IngestError::Rejected(r)) => r,
        other => panic!("{dataset} batch {key}: expected a refusal, got {other:?}"),
    }
}

/// The one problem of a refusal.
fn only(r: &Rejection) -> &RowError {
    assert_eq!(r.total, 1, "{r:?}");
    &r.errors[0]
}

async fn rows_of(app: &TestApp, table: &str, publisher_id: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM {table} WHERE publisher_id = {publisher_id}"
    ))
    .await
}

async fn orders_and_usage_name_a_customer_the_publisher_has(backend: Backend) {
    let app = spawn_app(backend).await;
    let alpha = app
        .tenant("alpha", &[Permission::Summary])
        .await
        .publisher_id;
    let beta = app
        .tenant("beta", &[Permission::Summary])
        .await
        .publisher_id;

    // Beta has customer cust-1; alpha has no customers yet.
    let customers = csv(Dataset::Customers, &[&[]]);
    accepted(&app, beta, Dataset::Customers, "c", &customers).await;
    let orders = csv(
        Dataset::Orders,
        &[&[], &[("OrderId", "o-2"), ("CustomerId", "cust-2")]],
    );
    let usage = csv(
        Dataset::Usage,
        &[
            &[("UsageDate", "2026-01-06")],
            &[("UsageDate", "2026-01-07")],
        ],
    );

    // Alpha's orders name cust-1 (line 2) and cust-2 (line 3), neither its customer; the
    // refusal gives each line, the column and the reason.
    let r = refused(&app, alpha, Dataset::Orders, "o", &orders).await;
    assert_eq!(r.total, 2, "{r:?}");
    for (e, (line, id)) in r.errors.iter().zip([(2, "cust-1"), (3, "cust-2")]) {
        assert_eq!(e.line, line);
        assert_eq!(e.column.as_deref(), Some("CustomerId"));
        assert_eq!(
            e.reason,
            format!(
                "CustomerId \"{id}\" is not a customer of this publisher; ingest the customers dataset first"
            )
        );
    }
    let r = refused(&app, alpha, Dataset::Usage, "u", &usage).await;
    assert_eq!(r.total, 2, "{r:?}");
    assert_eq!(
        (r.errors[1].line, r.errors[1].column.as_deref()),
        (3, Some("CustomerId"))
    );

    // Through the HTTP door: 422 with the line, the column and the reason.
    let res = app
        .client
        .post(app.url("/api/v1/ingest/usage?publisher=alpha&key=u-http"))
        .bearer_auth(OPERATOR_TOKEN)
        .header("content-type", "text/csv")
        .body(usage.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let p = problem(res).await;
    assert_eq!(
        (p.errors[0].field.as_str(), p.errors[0].line),
        ("CustomerId", Some(2))
    );
    assert!(
        p.errors[0].reason.contains("\"cust-1\" is not a customer"),
        "{p:?}"
    );

    // The refused batches changed nothing: no rows, rollups, offers, batches or freshness.
    for table in [
        "orders",
        "usage",
        "rollup_orders",
        "rollup_usage",
        "offers",
        "plans",
        "ingest_batches",
        "data_freshness",
    ] {
        assert_eq!(rows_of(&app, table, alpha).await, 0, "{table}");
    }

    // In the natural order, the same files go in: customers first, then orders and usage.
    let customers = csv(
        Dataset::Customers,
        &[
            &[],
            &[
                ("CustomerId", "cust-2"),
                ("MarketplaceSubscriptionId", "sub-2"),
            ],
        ],
    );
    accepted(&app, alpha, Dataset::Customers, "c", &customers).await;
    accepted(&app, alpha, Dataset::Orders, "o", &orders).await;
    accepted(&app, alpha, Dataset::Usage, "u", &usage).await;
    assert_eq!(rows_of(&app, "orders", alpha).await, 2);
    assert_eq!(rows_of(&app, "usage", alpha).await, 2);

    // Beta's customer cust-1 is still not enough for beta's own unknown cust-3.
    let r = refused(
        &app,
        beta,
        Dataset::Usage,
        "u3",
        &csv(Dataset::Usage, &[&[], &[("CustomerId", "cust-3")]]),
    )
    .await;
    let e = only(&r);
    assert_eq!((e.line, e.column.as_deref()), (3, Some("CustomerId")));
    assert!(e.reason.contains("\"cust-3\""), "{e:?}");
}
on_both_databases!(orders_and_usage_name_a_customer_the_publisher_has);

async fn a_customer_and_its_usage_go_in_one_after_the_other(backend: Backend) {
    let app = spawn_app(backend).await;
    let alpha = app
        .tenant("alpha", &[Permission::Summary])
        .await
        .publisher_id;
    let customer = [
        ("CustomerId", "cust-new"),
        ("MarketplaceSubscriptionId", "sub-new"),
    ];
    let usage = csv(Dataset::Usage, &[&customer]);
    accepted(
        &app,
        alpha,
        Dataset::Customers,
        "c",
        &csv(Dataset::Customers, &[&customer]),
    )
    .await;
    accepted(&app, alpha, Dataset::Usage, "u", &usage).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM usage WHERE customer_id = 'cust-new'")
            .await,
        1
    );
    // The usage brought its offer and plan, which a licenses row may now name.
    accepted(
        &app,
        alpha,
        Dataset::Licenses,
        "l",
        &csv(Dataset::Licenses, &[&[("CustomerId", "cust-new")]]),
    )
    .await;
}
on_both_databases!(a_customer_and_its_usage_go_in_one_after_the_other);

async fn licenses_and_payouts_name_stored_customers_offers_and_plans(backend: Backend) {
    let app = spawn_app(backend).await;
    let alpha = app
        .tenant("alpha", &[Permission::Summary])
        .await
        .publisher_id;
    let beta = app
        .tenant("beta", &[Permission::Summary])
        .await
        .publisher_id;

    // Beta has it all: customer cust-1 and, through its orders, offer-1 with plan std.
    accepted(
        &app,
        beta,
        Dataset::Customers,
        "c",
        &csv(Dataset::Customers, &[&[]]),
    )
    .await;
    accepted(
        &app,
        beta,
        Dataset::Orders,
        "o",
        &csv(Dataset::Orders, &[&[]]),
    )
    .await;
    let licenses = csv(Dataset::Licenses, &[&[]]);
    let payouts = csv(Dataset::Payouts, &[&[]]);
    accepted(&app, beta, Dataset::Licenses, "l", &licenses).await;
    accepted(&app, beta, Dataset::Payouts, "p", &payouts).await;

    // Alpha has none of it: beta's customer and offer do not count.
    let r = refused(&app, alpha, Dataset::Licenses, "l", &licenses).await;
    let problems: Vec<(u64, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        problems,
        [(2, Some("CustomerId")), (2, Some("ProductId"))],
        "{r:?}"
    );
    assert!(
        r.errors[1]
            .reason
            .starts_with("ProductId \"offer-1\" is not an offer of this publisher"),
        "{r:?}"
    );
    let r = refused(&app, alpha, Dataset::Payouts, "p", &payouts).await;
    let problems: Vec<(u64, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        problems,
        [(2, Some("CustomerId")), (2, Some("OfferName"))],
        "{r:?}"
    );
    assert!(
        r.errors[1]
            .reason
            .starts_with("OfferName \"Contoso Gateway\" is not an offer of this publisher"),
        "{r:?}"
    );

    // With its customer but before the orders that bring the offer: still refused.
    accepted(
        &app,
        alpha,
        Dataset::Customers,
        "c",
        &csv(Dataset::Customers, &[&[]]),
    )
    .await;
    let r = refused(&app, alpha, Dataset::Licenses, "l", &licenses).await;
    assert_eq!(only(&r).column.as_deref(), Some("ProductId"));
    let r = refused(&app, alpha, Dataset::Payouts, "p", &payouts).await;
    assert_eq!(only(&r).column.as_deref(), Some("OfferName"));
    for table in ["licenses", "payouts", "rollup_payouts"] {
        assert_eq!(rows_of(&app, table, alpha).await, 0, "{table}");
    }

    // In the natural order they go in.
    accepted(
        &app,
        alpha,
        Dataset::Orders,
        "o",
        &csv(Dataset::Orders, &[&[]]),
    )
    .await;
    accepted(&app, alpha, Dataset::Licenses, "l", &licenses).await;
    accepted(&app, alpha, Dataset::Payouts, "p", &payouts).await;

    // A plan the offer does not have, a customer the publisher does not have, the offer
    // under another type: each refused, on its line and column.
    let r = refused(
        &app,
        alpha,
        Dataset::Licenses,
        "l2",
        &csv(
            Dataset::Licenses,
            &[
                &[("PlanName", "premium")],
                &[("CustomerId", "cust-9")],
                &[("OfferType", "Power BI App")],
            ],
        ),
    )
    .await;
    let problems: Vec<(u64, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        problems,
        [
            (2, Some("PlanName")),
            (3, Some("CustomerId")),
            (4, Some("OfferType"))
        ],
        "{r:?}"
    );
    assert_eq!(
        r.errors[0].reason,
        "PlanName \"premium\" is not a plan of offer \"offer-1\" (the Sku of its orders or usage)"
    );
    assert_eq!(
        r.errors[2].reason,
        "offer \"offer-1\" is a SaaS offer, not Power BI App"
    );
    let r = refused(
        &app,
        alpha,
        Dataset::Payouts,
        "p2",
        &csv(
            Dataset::Payouts,
            &[
                &[("PurchaseRecordId", "pr-2"), ("Sku", "premium")],
                &[("PurchaseRecordId", "pr-3"), ("OfferType", "Container")],
            ],
        ),
    )
    .await;
    let problems: Vec<(u64, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        problems,
        [(2, Some("Sku")), (3, Some("OfferType"))],
        "{r:?}"
    );
    assert_eq!(rows_of(&app, "licenses", alpha).await, 1);
    assert_eq!(rows_of(&app, "payouts", alpha).await, 1);
}
on_both_databases!(licenses_and_payouts_name_stored_customers_offers_and_plans);

async fn an_offer_keeps_its_type(backend: Backend) {
    let app = spawn_app(backend).await;
    let alpha = app
        .tenant("alpha", &[Permission::Summary])
        .await
        .publisher_id;
    accepted(
        &app,
        alpha,
        Dataset::Customers,
        "c",
        &csv(Dataset::Customers, &[&[]]),
    )
    .await;
    accepted(
        &app,
        alpha,
        Dataset::Orders,
        "o",
        &csv(Dataset::Orders, &[&[]]),
    )
    .await;

    // The stored SaaS offer sent again as a virtual machine.
    let r = refused(
        &app,
        alpha,
        Dataset::Usage,
        "u",
        &csv(Dataset::Usage, &[&[("OfferType", "Virtual Machine")]]),
    )
    .await;
    let e = only(&r);
    assert_eq!((e.line, e.column.as_deref()), (2, Some("OfferType")));
    assert_eq!(
        e.reason,
        "offer \"offer-1\" is a SaaS offer (as stored); an offer cannot change its type to Virtual Machine"
    );

    // A new offer whose rows disagree within the batch: the later row is refused.
    let r = refused(
        &app,
        alpha,
        Dataset::Orders,
        "o2",
        &csv(
            Dataset::Orders,
            &[
                &[("OrderId", "o-2"), ("OfferId", "offer-2")],
                &[
                    ("OrderId", "o-3"),
                    ("OfferId", "offer-2"),
                    ("OfferType", "Container"),
                ],
            ],
        ),
    )
    .await;
    let e = only(&r);
    assert_eq!((e.line, e.column.as_deref()), (3, Some("OfferType")));
    assert_eq!(
        e.reason,
        "offer \"offer-2\" is a SaaS offer (as line 2 of this batch says); an offer cannot change its type to Container"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM offers WHERE publisher_id = {alpha} AND offer_type = 'SaaS'"
        ))
        .await,
        1,
        "offer-1 is still SaaS and offer-2 was not stored"
    );

    // Another publisher's offer of the same id may have another type.
    let beta = app
        .tenant("beta", &[Permission::Summary])
        .await
        .publisher_id;
    accepted(
        &app,
        beta,
        Dataset::Customers,
        "c",
        &csv(Dataset::Customers, &[&[]]),
    )
    .await;
    accepted(
        &app,
        beta,
        Dataset::Orders,
        "o",
        &csv(Dataset::Orders, &[&[("OfferType", "Virtual Machine")]]),
    )
    .await;
}
on_both_databases!(an_offer_keeps_its_type);

/// `MonthStartDate` is the first of a month, and a usage row's is its `UsageDate`'s
/// month: reports count a row in the one and list it by the other, so a row where they
/// disagree would be counted in a month whose grid does not show it.
async fn month_start_dates_are_first_days_and_match_the_usage_date(backend: Backend) {
    let app = spawn_app(backend).await;
    let alpha = app
        .tenant("alpha", &[Permission::Summary])
        .await
        .publisher_id;
    accepted(
        &app,
        alpha,
        Dataset::Customers,
        "c",
        &csv(Dataset::Customers, &[&[]]),
    )
    .await;
    let usage = csv(
        Dataset::Usage,
        &[
            &[],
            &[("MonthStartDate", "2026-01-15")],
            &[("MonthStartDate", "2026-02-01"), ("MeterId", "m-3")],
        ],
    );
    let r = refused(&app, alpha, Dataset::Usage, "u", &usage).await;
    assert_eq!(r.total, 2, "{r:?}");
    assert_eq!(
        (r.errors[0].line, r.errors[0].column.as_deref()),
        (3, Some("MonthStartDate"))
    );
    assert_eq!(
        r.errors[0].reason,
        "2026-01-15 is not the first day of a month"
    );
    assert_eq!(
        (r.errors[1].line, r.errors[1].column.as_deref()),
        (4, Some("MonthStartDate"))
    );
    assert_eq!(
        r.errors[1].reason,
        "2026-02-01 is not the month of UsageDate 2026-01-05"
    );
    let orders = csv(Dataset::Orders, &[&[("MonthStartDate", "2026-01-31")]]);
    let r = refused(&app, alpha, Dataset::Orders, "o", &orders).await;
    assert_eq!(only(&r).column.as_deref(), Some("MonthStartDate"));
    assert_eq!(rows_of(&app, "usage", alpha).await, 0);
    assert_eq!(rows_of(&app, "orders", alpha).await, 0);
    // The same rows with agreeing dates go in.
    accepted(
        &app,
        alpha,
        Dataset::Usage,
        "u",
        &csv(Dataset::Usage, &[&[]]),
    )
    .await;
    assert_eq!(rows_of(&app, "usage", alpha).await, 1);
}
on_both_databases!(month_start_dates_are_first_days_and_match_the_usage_date);
