//! Killing the server mid-batch loses nothing acknowledged and shows nothing partial.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Backend, OPERATOR_TOKEN, fresh_database};
use crate::on_both_databases;

const ROWS_PER_BATCH: usize = 20_000;
const ROUNDS: usize = 6;

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn portal(dir: &std::path::Path, database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portal"));
    cmd.env("PORTAL_DATA_DIR", dir)
        .env("PORTAL_DATABASE_URL", database_url)
        .env("PORTAL_OPERATOR_TOKEN", OPERATOR_TOKEN)
        .env("PORTAL_DEMO", "false")
        .env("PORTAL_WEB_DIR", dir.join("no-web"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

// The child moves into the returned `Server`, whose owner kills and waits for it.
#[allow(clippy::zombie_processes)]
async fn start(dir: &std::path::Path, database_url: &str, client: &reqwest::Client) -> Server {
    let port = free_port();
    let mut child = portal(dir, database_url)
        .env("PORTAL_PORT", port.to_string())
        .arg("serve")
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(res) = client.get(format!("{base}/health")).send().await
            && res.status() == 200
        {
            return Server { child, base };
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("the portal did not start within a minute");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn batch(round: usize) -> String {
    let mut csv = String::from(
        "OrderId,OrderPurchaseDate,MarketplaceSubscriptionId,MonthStartDate,OfferId,OfferName,OfferType,Sku,\
AzureLicenseType,MarketplaceLicenseType,CustomerCountry,IsPreviewSKU,OrderQuantity,IsNewCustomer,OrderStatus,\
HasTrial,PurchaseRecordId,PurchaseRecordLineItemId,CustomerId,CustomerName,CustomerCompanyName,BillingAccountId,\
EstimatedCharges,Currency\n",
    );
    for i in 0..ROWS_PER_BATCH {
        csv.push_str(&format!(
            "r{round}-{i},2026-0{}-1{},sub-{round}-{i},2026-0{}-01,offer-{},Offer {},SaaS,std,Enterprise,Billed Through Azure,DE,false,{},false,Active,false,pr-{round}-{i},1,c{},Name,Company,ba,10.5,EUR\n",
            1 + i % 3,
            i % 9,
            1 + i % 3,
            i % 7,
            i % 7,
            1 + i % 5,
            i % 300
        ));
    }
    csv
}

/// The customers the batches name (`c0` to `c299`), which must be stored before them.
fn customers() -> String {
    let mut csv = String::from(
        "MarketplaceSubscriptionId,CustomerId,BillingAccountId,CustomerType,CustomerCompanyName,FirstName,\
LastName,Email,CustomerCity,CustomerState,CustomerPostalCode,CustomerCountryRegion,CustomerCommunicationCulture,\
AzureLicenseType,MarketplaceLicenseType,OfferName,PlanId,Sku,DateAcquired,DateLost,LastModifiedAt\n",
    );
    for i in 0..300 {
        csv.push_str(&format!(
            "sub-c{i},c{i},ba,Organization,Company,Pat,Doe,c{i}@example.com,,,,DE,de-DE,Enterprise,\
Billed Through Azure,Offer 0,offer-0-std,std,2026-01-01,,2026-01-01T12:00:00Z\n"
        ));
    }
    csv
}

async fn orders_of_round(database_url: &str, round: usize) -> i64 {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let db = Database::connect(database_url).await.unwrap();
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) FROM orders WHERE order_id LIKE 'r{round}-%'"),
        ))
        .await
        .unwrap()
        .unwrap();
    let rows: i64 = row.try_get_by_index(0).unwrap();
    let rolled = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT CAST(COALESCE(SUM(new_orders), 0) AS BIGINT) FROM rollup_orders".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    let facts = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) FROM orders".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(rolled, facts, "the rollups hold exactly the stored orders");
    if backend == sea_orm::DbBackend::Sqlite {
        let check: String = db
            .query_one_raw(Statement::from_string(
                backend,
                "PRAGMA integrity_check".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        assert_eq!(check, "ok");
    }
    db.close().await.unwrap();
    rows
}

async fn killing_the_server_mid_batch_leaves_all_or_nothing(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, dir.path()).await;
    let status = portal(dir.path(), &database_url)
        .args([
            "demo",
            "--publishers",
            "1",
            "--orders",
            "20",
            "--usage-rows",
            "50",
            "--months",
            "2",
        ])
        .env("PORTAL_DEMO_PASSWORD", "crash test password")
        .status()
        .unwrap();
    assert!(status.success(), "seeding a publisher");
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, customers()).unwrap();
    let status = portal(dir.path(), &database_url)
        .args([
            "ingest",
            "--publisher",
            "contoso",
            "--dataset",
            "customers",
            "--key",
            "customers",
        ])
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success(), "storing the batches' customers first");
    let client = reqwest::Client::new();
    let mut kill_after = 0x9e37_79b9_u64;
    let mut killed_in_flight = 0;

    for round in 0..ROUNDS {
        let body = batch(round);
        let mut server = start(dir.path(), &database_url, &client).await;
        let url = format!(
            "{}/api/v1/ingest/orders?publisher=contoso&key=crash-{round}",
            server.base
        );
        let request = client
            .post(&url)
            .bearer_auth(OPERATOR_TOKEN)
            .header("content-type", "text/csv")
            .body(body.clone())
            .send();
        // Kill at a different point each round: before, during or after the write.
        kill_after = kill_after
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // Round 0 always dies before its batch can be acknowledged.
        let delay = if round == 0 {
            Duration::from_millis(30)
        } else {
            Duration::from_millis(50 + (kill_after >> 33) % 2_500)
        };
        let acknowledged = match tokio::time::timeout(delay, request).await {
            Ok(Ok(res)) => res.status().is_success(),
            _ => false,
        };
        server.child.kill().unwrap();
        server.child.wait().unwrap();

        let stored = orders_of_round(&database_url, round).await;
        killed_in_flight += usize::from(!acknowledged);
        if acknowledged {
            assert_eq!(
                stored, ROWS_PER_BATCH as i64,
                "round {round}: an acknowledged batch is whole"
            );
        } else {
            assert!(
                stored == 0 || stored == ROWS_PER_BATCH as i64,
                "round {round}: a killed batch is all or nothing, found {stored} rows"
            );
        }

        // After a restart, re-sending under the same key completes the batch.
        let mut server = start(dir.path(), &database_url, &client).await;
        let res = client
            .post(format!(
                "{}/api/v1/ingest/orders?publisher=contoso&key=crash-{round}",
                server.base
            ))
            .bearer_auth(OPERATOR_TOKEN)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "round {round}: re-sending gave {}",
            res.status()
        );
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        assert_eq!(
            orders_of_round(&database_url, round).await,
            ROWS_PER_BATCH as i64
        );
    }
    assert!(
        killed_in_flight >= 1,
        "at least one batch was killed before it was acknowledged"
    );
}
on_both_databases!(killing_the_server_mid_batch_leaves_all_or_nothing);
