//! The Summary report: numbers, scoping, permissions and bad input.

use api::store::FactBatch;
use shared::ErrorCode;
use shared::auth::Permission;
use shared::dictionary::{AzureLicenseType::*, Channel, OfferType};
use shared::reports::summary::SummaryReport;

use crate::helpers::{Backend, order, problem, spawn_app};
use crate::on_both_databases;

async fn summary_counts_new_orders_by_purchase_month(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[Permission::Summary]).await;
    let b = app.tenant("beta", &[Permission::Summary]).await;
    let p = a.publisher_id;
    app.store(
        p,
        "alpha-1",
        FactBatch::Orders(vec![
            order(
                p,
                "o1",
                "2026-01-05",
                CloudSolutionProvider,
                OfferType::SaaS,
                "US",
            ),
            order(
                p,
                "o2",
                "2026-01-31",
                Enterprise,
                OfferType::VirtualMachine,
                "DE",
            ),
            order(p, "o3", "2026-02-10", PayAsYouGo, OfferType::SaaS, "US"),
            order(
                p,
                "o4",
                "2026-03-01",
                EnterpriseThroughReseller,
                OfferType::Container,
                "FR",
            ),
            order(p, "o5", "2026-04-01", PayAsYouGo, OfferType::SaaS, "US"),
            order(p, "o6", "2025-12-31", PayAsYouGo, OfferType::SaaS, "US"),
        ]),
    )
    .await;
    let q = b.publisher_id;
    app.store(
        q,
        "beta-1",
        FactBatch::Orders(
            (0..5)
                .map(|i| {
                    order(
                        q,
                        &format!("b{i}"),
                        "2026-01-15",
                        PayAsYouGo,
                        OfferType::PowerBiApp,
                        "JP",
                    )
                })
                .collect(),
        ),
    )
    .await;

    let token = app.token(&a.user_email).await;
    let res = app
        .get("/api/v1/reports/summary?start=2026-01", &token)
        .await;
    assert_eq!(res.status(), 200);
    let report: SummaryReport = res.json().await.unwrap();
    assert_eq!(report.filters.start.to_string(), "2026-01");
    assert_eq!(report.filters.end.to_string(), "2026-03");
    let trend: Vec<(String, u64)> = report
        .new_orders_trend
        .iter()
        .map(|m| (m.month.to_string(), m.new_orders))
        .collect();
    assert_eq!(
        trend,
        [
            ("2026-01".to_owned(), 2),
            ("2026-02".to_owned(), 1),
            ("2026-03".to_owned(), 1)
        ]
    );
    let channels: Vec<(Channel, u64)> = report
        .new_orders_by_channel
        .iter()
        .map(|c| (c.channel, c.new_orders))
        .collect();
    assert_eq!(
        channels,
        [
            (Channel::Csp, 1),
            (Channel::DirectEnterprise, 1),
            (Channel::IndirectEnterprise, 1),
            (Channel::WebDirect, 1)
        ]
    );
    let by_type = |t: OfferType| {
        report
            .new_orders_by_offer_type
            .iter()
            .find(|c| c.offer_type == t)
            .map(|c| c.new_orders)
    };
    assert_eq!(by_type(OfferType::SaaS), Some(2));
    assert_eq!(by_type(OfferType::VirtualMachine), Some(1));
    assert_eq!(by_type(OfferType::Container), Some(1));
    assert_eq!(
        by_type(OfferType::PowerBiApp),
        Some(0),
        "beta's orders never count for alpha"
    );
    assert!(report.data_as_of.is_some());

    // Without a start month: the three months ending with the latest order's month.
    let report: SummaryReport = app
        .get("/api/v1/reports/summary", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report.filters.start.to_string(), "2026-02");
    assert_eq!(report.total_new_orders(), 3);

    // Beta sees its own orders only.
    let token_b = app.token(&b.user_email).await;
    let report: SummaryReport = app
        .get("/api/v1/reports/summary?start=2026-01", &token_b)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report.total_new_orders(), 5);
    assert_eq!(report.new_orders_trend[0].new_orders, 5);
}
on_both_databases!(summary_counts_new_orders_by_purchase_month);

async fn summary_refuses_bad_input_naming_the_parameter(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[Permission::Summary]).await;
    let token = app.token(&a.user_email).await;

    let res = app
        .get("/api/v1/reports/summary?start=2026-01&market=US", &token)
        .await;
    assert_eq!(res.status(), 400);
    let p = problem(res).await;
    assert_eq!(p.code, ErrorCode::UnknownParameter);
    assert_eq!(p.errors[0].field, "market");
    assert!(p.detail.contains("'market'"), "{}", p.detail);

    for bad in ["2026-13", "January", "2026-1", "26-01"] {
        let res = app
            .get(&format!("/api/v1/reports/summary?start={bad}"), &token)
            .await;
        assert_eq!(res.status(), 400, "start={bad}");
        let p = problem(res).await;
        assert_eq!(p.code, ErrorCode::InvalidParameter);
        assert_eq!(p.errors[0].field, "start");
        assert!(p.detail.contains(bad), "{}", p.detail);
    }
}
on_both_databases!(summary_refuses_bad_input_naming_the_parameter);

async fn summary_needs_a_signed_in_caller_with_the_summary_permission(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[Permission::Orders]).await;

    let res = app
        .client
        .get(app.url("/api/v1/reports/summary"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(problem(res).await.code, ErrorCode::Unauthenticated);

    let token = app.token(&a.user_email).await;
    let res = app.get("/api/v1/reports/summary", &token).await;
    assert_eq!(res.status(), 403);
    let p = problem(res).await;
    assert_eq!(p.code, ErrorCode::Forbidden);
    assert!(p.detail.contains("Summary"));

    let admin = app.token(&a.admin_email).await;
    assert_eq!(
        app.get("/api/v1/reports/summary", &admin).await.status(),
        200
    );
}
on_both_databases!(summary_needs_a_signed_in_caller_with_the_summary_permission);
