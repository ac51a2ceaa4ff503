//! The one store path: replacement, idempotency, atomicity, and rollups that equal
//! the facts (checked on demo data by an independent aggregation of the raw rows).

use api::demo::{self, DemoSpec};
use api::store::{BatchMeta, FactBatch, StoreError, store_batch};
use shared::Month;
use shared::auth::Permission;
use shared::dictionary::{AzureLicenseType::*, OfferType};
use shared::reports::summary::SummaryReport;

use crate::helpers::{Backend, TestApp, date, order, spawn_app};
use crate::on_both_databases;

async fn trend(app: &TestApp, token: &str, start: &str) -> Vec<u64> {
    let report: SummaryReport = app
        .get(&format!("/api/v1/reports/summary?start={start}"), token)
        .await
        .json()
        .await
        .unwrap();
    report
        .new_orders_trend
        .iter()
        .map(|m| m.new_orders)
        .collect()
}

async fn a_restated_row_replaces_the_old_one_and_the_rollups_follow(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let p = t.publisher_id;
    let token = app.token(&t.user_email).await;
    let first = app
        .store(
            p,
            "k1",
            FactBatch::Orders(vec![
                order(p, "o1", "2026-01-10", PayAsYouGo, OfferType::SaaS, "US"),
                order(p, "o2", "2026-01-11", PayAsYouGo, OfferType::SaaS, "US"),
            ]),
        )
        .await;
    assert_eq!((first.rows, first.replaced, first.replayed), (2, 0, false));
    assert_eq!(trend(&app, &token, "2026-01").await, [2, 0, 0]);

    // o1 is restated into February; a batch may also restate a row within itself.
    let second = app
        .store(
            p,
            "k2",
            FactBatch::Orders(vec![
                order(p, "o1", "2026-02-03", PayAsYouGo, OfferType::SaaS, "US"),
                order(p, "o3", "2026-03-01", PayAsYouGo, OfferType::SaaS, "US"),
                order(p, "o3", "2026-03-02", PayAsYouGo, OfferType::SaaS, "US"),
            ]),
        )
        .await;
    assert_eq!((second.rows, second.replaced), (2, 1));
    assert_eq!(trend(&app, &token, "2026-01").await, [1, 1, 1]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 3);
    assert_eq!(
        app.scalar("SELECT CAST(SUM(new_orders) AS BIGINT) FROM rollup_orders")
            .await,
        3,
        "a slice emptied by a restatement is gone or zero, never negative"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM rollup_orders WHERE new_orders <= 0")
            .await,
        0
    );
}
on_both_databases!(a_restated_row_replaces_the_old_one_and_the_rollups_follow);

async fn keys_repeated_across_chunks_count_once_and_restate_across_chunks(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let p = t.publisher_id;
    // Larger than a chunk: the last row repeats the first row's key, in another chunk.
    let n = api::store::CHUNK_ROWS + 10;
    let mut rows: Vec<_> = (0..n)
        .map(|i| {
            order(
                p,
                &format!("o{i}"),
                "2026-01-10",
                PayAsYouGo,
                OfferType::SaaS,
                "US",
            )
        })
        .collect();
    rows.push(order(
        p,
        "o0",
        "2026-02-10",
        PayAsYouGo,
        OfferType::SaaS,
        "US",
    ));
    let first = app.store(p, "big", FactBatch::Orders(rows)).await;
    assert_eq!((first.rows, first.replaced), (n as u64, 0));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, n as i64);
    assert_eq!(
        app.scalar("SELECT CAST(SUM(new_orders) AS BIGINT) FROM rollup_orders")
            .await,
        n as i64
    );
    assert_eq!(
        app.scalar(
            "SELECT CAST(SUM(new_orders) AS BIGINT) FROM rollup_orders WHERE month >= '2026-02-01'"
        )
        .await,
        1,
        "the later row of a repeated key is the one kept"
    );

    // A second batch restates rows of every chunk of the first.
    let restated: Vec<_> = (0..n)
        .step_by(100)
        .map(|i| {
            order(
                p,
                &format!("o{i}"),
                "2026-03-10",
                PayAsYouGo,
                OfferType::SaaS,
                "US",
            )
        })
        .collect();
    let count = restated.len() as u64;
    let second = app.store(p, "again", FactBatch::Orders(restated)).await;
    assert_eq!((second.rows, second.replaced), (count, count));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, n as i64);
    assert_eq!(
        app.scalar(
            "SELECT CAST(SUM(new_orders) AS BIGINT) FROM rollup_orders WHERE month >= '2026-03-01'"
        )
        .await,
        count as i64
    );
    assert_eq!(
        app.scalar("SELECT CAST(SUM(new_orders) AS BIGINT) FROM rollup_orders")
            .await,
        n as i64
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM rollup_orders WHERE new_orders <= 0")
            .await,
        0
    );
}
on_both_databases!(keys_repeated_across_chunks_count_once_and_restate_across_chunks);

async fn a_batch_key_is_idempotent_and_conflicts_on_other_content(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let p = t.publisher_id;
    let rows = vec![order(
        p,
        "o1",
        "2026-01-10",
        PayAsYouGo,
        OfferType::SaaS,
        "US",
    )];
    let first = app
        .store(p, "same-key", FactBatch::Orders(rows.clone()))
        .await;
    for _ in 0..3 {
        let again = app
            .store(p, "same-key", FactBatch::Orders(rows.clone()))
            .await;
        assert!(again.replayed);
        assert_eq!(again.batch_id, first.batch_id);
        assert_eq!(again.rows, 1);
    }
    assert_eq!(
        app.scalar("SELECT CAST(SUM(new_orders) AS BIGINT) FROM rollup_orders")
            .await,
        1
    );

    let other = vec![order(
        p,
        "o2",
        "2026-01-12",
        PayAsYouGo,
        OfferType::SaaS,
        "US",
    )];
    let meta = BatchMeta {
        publisher_id: p,
        batch_key: "same-key".into(),
        content_sha256: BatchMeta::digest(b"different content"),
        source: "test",
    };
    let err = store_batch(&app.state.db, &meta, FactBatch::Orders(other))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::KeyConflict(ref k) if k == "same-key"),
        "{err}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 1);
}
on_both_databases!(a_batch_key_is_idempotent_and_conflicts_on_other_content);

async fn a_failing_batch_leaves_nothing_behind(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[Permission::Summary]).await;
    let b = app.tenant("beta", &[Permission::Summary]).await;
    let rows = vec![
        order(
            a.publisher_id,
            "o1",
            "2026-01-10",
            PayAsYouGo,
            OfferType::SaaS,
            "US",
        ),
        order(
            b.publisher_id,
            "o2",
            "2026-01-10",
            PayAsYouGo,
            OfferType::SaaS,
            "US",
        ),
    ];
    let meta = BatchMeta {
        publisher_id: a.publisher_id,
        batch_key: "mixed".into(),
        content_sha256: BatchMeta::digest(b"mixed"),
        source: "test",
    };
    let err = store_batch(&app.state.db, &meta, FactBatch::Orders(rows))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::WrongPublisher { row: 1, .. }),
        "{err}"
    );
    for table in [
        "orders",
        "rollup_orders",
        "ingest_batches",
        "data_freshness",
        "offers",
    ] {
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    // The key was not consumed: the corrected batch goes through under it.
    let ok = app
        .store(
            a.publisher_id,
            "mixed",
            FactBatch::Orders(vec![order(
                a.publisher_id,
                "o1",
                "2026-01-10",
                PayAsYouGo,
                OfferType::SaaS,
                "US",
            )]),
        )
        .await;
    assert!(!ok.replayed);
}
on_both_databases!(a_failing_batch_leaves_nothing_behind);

async fn demo_data_is_deterministic_and_its_rollups_equal_the_raw_rows(backend: Backend) {
    let spec = DemoSpec {
        publishers: 2,
        months: 4,
        end: Month::new(2026, 6).unwrap(),
        today: date("2026-06-20"),
        orders: 800,
        usage_rows: 8_000,
        seed: 7,
        password: "demo password 123".into(),
        progress: false,
    };
    let app = spawn_app(backend).await;
    let (accounts, stats) = demo::load(&app.state.db, &spec).await.unwrap();
    assert_eq!(accounts.len(), 4);
    assert_eq!(stats.rows["orders"], 800);
    let usage = stats.rows["usage"] as f64;
    assert!(
        (6_000.0..=10_000.0).contains(&usage),
        "about the usage rows asked for: {usage}"
    );

    // New orders per purchase month, computed straight from the orders, equal the report.
    let token = app
        .token_with("admin@contoso.example", &spec.password)
        .await;
    let report: SummaryReport = app
        .get("/api/v1/reports/summary?start=2026-04", &token)
        .await
        .json()
        .await
        .unwrap();
    for m in &report.new_orders_trend {
        let raw = app.scalar(
            &format!(
                "SELECT COUNT(*) FROM orders WHERE publisher_id = 1 AND order_purchase_date >= '{}' AND order_purchase_date <= '{}'",
                m.month.first_day(),
                m.month.last_day()
            ),
        )
        .await;
        assert_eq!(m.new_orders as i64, raw, "{}", m.month);
    }
    assert!(report.total_new_orders() > 0);

    // Usage rollups equal the raw usage, slice by slice totals.
    let raw = app
        .scalar("SELECT CAST(SUM(normalized_usage) AS BIGINT) FROM usage")
        .await;
    let rolled = app
        .scalar("SELECT CAST(SUM(normalized_usage) AS BIGINT) FROM rollup_usage")
        .await;
    assert_eq!(raw, rolled);
    let raw_rows = app.scalar("SELECT COUNT(*) FROM usage").await;
    let rolled_rows = app
        .scalar("SELECT CAST(SUM(row_count) AS BIGINT) FROM rollup_usage")
        .await;
    assert_eq!(raw_rows, rolled_rows);
    let normalized_is_cores_times_raw = app.scalar(
        "SELECT COUNT(*) FROM usage WHERE usage_type <> 'Metered' AND normalized_usage <> core_size * raw_usage",
    )
    .await;
    assert_eq!(normalized_is_cores_times_raw, 0);
    let byol = app
        .scalar(
            "SELECT COUNT(*) FROM orders WHERE marketplace_license_type = 'Bring Your Own License'",
        )
        .await as f64;
    assert!(
        (0.08..=0.25).contains(&(byol / 800.0)),
        "about 15% BYOL: {}",
        byol / 800.0
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM licenses WHERE licenses_assigned > licenses_provisioned")
            .await,
        0
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM payouts p WHERE NOT EXISTS (SELECT 1 FROM offers o WHERE o.publisher_id = p.publisher_id AND o.offer_name = p.offer_name AND o.is_paid)"
        )
        .await,
        0,
        "payouts only for paid offers"
    );

    // The demo names only what its publisher has, as ingestion demands, and sends its
    // batches in the order ingestion accepts them: customers first.
    for (what, sql) in [
        (
            "customers of orders, usage, licenses and payouts",
            "SELECT COUNT(*) FROM (SELECT publisher_id, customer_id FROM orders UNION ALL \
             SELECT publisher_id, customer_id FROM usage UNION ALL \
             SELECT publisher_id, customer_id FROM licenses UNION ALL \
             SELECT publisher_id, customer_id FROM payouts) f WHERE NOT EXISTS (SELECT 1 FROM customers c \
             WHERE c.publisher_id = f.publisher_id AND c.customer_id = f.customer_id)",
        ),
        (
            "offers and plans of licenses",
            "SELECT COUNT(*) FROM licenses l WHERE NOT EXISTS (SELECT 1 FROM plans p JOIN offers o \
             ON o.publisher_id = p.publisher_id AND o.offer_id = p.offer_id \
             WHERE p.publisher_id = l.publisher_id AND p.offer_id = l.product_id \
             AND p.sku = l.plan_name AND o.offer_type = l.offer_type)",
        ),
        (
            "offers and plans of payouts",
            "SELECT COUNT(*) FROM payouts y WHERE NOT EXISTS (SELECT 1 FROM plans p JOIN offers o \
             ON o.publisher_id = p.publisher_id AND o.offer_id = p.offer_id \
             WHERE o.publisher_id = y.publisher_id AND o.offer_name = y.offer_name \
             AND p.sku = y.sku AND o.offer_type = y.offer_type)",
        ),
        (
            "batches before their publisher's customers",
            "SELECT COUNT(*) FROM ingest_batches b WHERE b.created_at < (SELECT MIN(c.created_at) \
             FROM ingest_batches c WHERE c.publisher_id = b.publisher_id AND c.dataset = 'customers')",
        ),
    ] {
        assert_eq!(app.scalar(sql).await, 0, "{what}");
    }

    // The same seed gives the same data.
    let again = spawn_app(Backend::Sqlite).await;
    demo::load(&again.state.db, &spec).await.unwrap();
    let token = again
        .token_with("admin@contoso.example", &spec.password)
        .await;
    let second: SummaryReport = again
        .get("/api/v1/reports/summary?start=2026-04", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second.new_orders_trend, report.new_orders_trend);
    assert_eq!(second.new_orders_by_channel, report.new_orders_by_channel);
}
on_both_databases!(demo_data_is_deterministic_and_its_rollups_equal_the_raw_rows);

/// PostgreSQL's planner has no statistics for a freshly loaded table until autovacuum
/// gets to it; a large batch refreshes them as it ends (`reltuples` is -1 until a table
/// has been analysed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_postgres_batch_leaves_planner_statistics() {
    let app = spawn_app(Backend::Postgres).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let p = t.publisher_id;
    let reltuples = "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE relname = 'orders'";
    let rollup_reltuples =
        "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE relname = 'rollup_orders'";
    let small = (0..10)
        .map(|i| {
            order(
                p,
                &format!("s{i}"),
                "2026-01-10",
                PayAsYouGo,
                OfferType::SaaS,
                "US",
            )
        })
        .collect();
    app.store(p, "small", FactBatch::Orders(small)).await;
    assert_eq!(
        app.scalar(reltuples).await,
        -1,
        "a small batch is left to autovacuum"
    );
    assert_eq!(app.scalar(rollup_reltuples).await, -1);
    let large = (0..50_000)
        .map(|i| {
            order(
                p,
                &format!("o{i}"),
                "2026-01-10",
                PayAsYouGo,
                OfferType::SaaS,
                "US",
            )
        })
        .collect();
    app.store(p, "large", FactBatch::Orders(large)).await;
    let estimated = app.scalar(reltuples).await;
    assert!(
        (45_000..=55_000).contains(&estimated),
        "the planner estimates {estimated} rows"
    );
    // The batch's 50,000 orders share one slicer combination: one rollup row.
    assert_eq!(
        app.scalar(rollup_reltuples).await,
        1,
        "the rollups the batch added to have statistics too"
    );
}

/// A new SQLite database is made with 16 KiB pages (the store path writes batches
/// faster with them than with SQLite's default 4 KiB).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_sqlite_database_has_large_pages() {
    let app = spawn_app(Backend::Sqlite).await;
    assert_eq!(app.scalar("PRAGMA page_size").await, 16_384);
}
