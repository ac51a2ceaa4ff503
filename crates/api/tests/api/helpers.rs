//! Starting the app on a free port with a fresh database, and typed calls against it.

use api::config::Config;
use api::db::entities::orders;
use api::startup::{self, Application};
use api::state::AppState;
use api::store::{BatchMeta, FactBatch, StoreOutcome, store_batch};
use api::users::{NewUser, create_publisher, create_user};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Database, Statement};
use shared::Problem;
use shared::auth::{Permission, Role, Session, SignInRequest};
use shared::dictionary::{AzureLicenseType, MarketplaceLicenseType, OfferType};

/// The database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

pub const PASSWORD: &str = "correct horse battery staple";
pub const OPERATOR_TOKEN: &str = "test-operator-token-0123456789";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/portal.db", dir.display()),
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
                panic!("PostgreSQL must answer at {admin_url} (set TEST_POSTGRES_URL): {e}")
            });
            let name = format!("portal_test_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("CREATE DATABASE {name}"),
                ))
                .await
                .expect("create the test database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Like `spawn_app`, with the configuration adjusted by `adjust` first.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        host: "127.0.0.1".into(),
        port: 0,
        database_url: fresh_database(backend, dir.path()).await,
        data_dir: dir.path().to_path_buf(),
        web_dir: dir.path().join("no-web-build"),
        // Installed by `npm ci` in crates/api/apidocs (scripts/test does it).
        apidocs_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("apidocs/node_modules/swagger-ui-dist"),
        demo: false,
        operator_token: Some(OPERATOR_TOKEN.to_owned()),
        ingest_max_bytes: 1024 * 1024,
        public_url: Some("https://portal.test".to_owned()),
        ..Config::default()
    };
    adjust(&mut config);
    let state = startup::prepare(config).await.expect("prepare the app");
    let app = Application::build(state.clone()).expect("build the server");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        state,
        _dir: dir,
    }
}

/// A publisher with an Administrator and a User of the given permissions.
pub struct Tenant {
    pub publisher_id: i64,
    pub admin_email: String,
    pub user_email: String,
}

impl TestApp {
    /// The one integer a SQL query answers (a count or a sum), read straight from the database.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let db = &self.state.db;
        db.query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn tenant(&self, slug: &str, user_permissions: &[Permission]) -> Tenant {
        let db = &self.state.db;
        let publisher = create_publisher(db, slug, &format!("{slug} Inc."))
            .await
            .unwrap();
        let admin_email = format!("admin@{slug}.test");
        let user_email = format!("user@{slug}.test");
        for (email, role, perms) in [
            (&admin_email, Role::Administrator, Permission::ALL),
            (&user_email, Role::User, user_permissions),
        ] {
            create_user(
                db,
                NewUser {
                    publisher_id: publisher.publisher_id,
                    email,
                    first_name: "Test",
                    last_name: role.name(),
                    role,
                    permissions: perms,
                    password: Some(PASSWORD),
                },
            )
            .await
            .unwrap();
        }
        Tenant {
            publisher_id: publisher.publisher_id,
            admin_email,
            user_email,
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/sign-in"))
            .json(&SignInRequest {
                email: email.to_owned(),
                password: password.to_owned(),
            })
            .send()
            .await
            .unwrap()
    }

    pub async fn token(&self, email: &str) -> String {
        self.token_with(email, PASSWORD).await
    }

    pub async fn token_with(&self, email: &str, password: &str) -> String {
        let res = self.sign_in(email, password).await;
        assert_eq!(res.status(), 200, "sign-in of {email}");
        res.json::<Session>().await.unwrap().access_token
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn store(&self, publisher_id: i64, key: &str, batch: FactBatch) -> StoreOutcome {
        let meta = BatchMeta {
            publisher_id,
            batch_key: key.to_owned(),
            content_sha256: BatchMeta::digest(format!("{batch:?}").as_bytes()),
            source: "test",
        };
        store_batch(&self.state.db, &meta, batch).await.unwrap()
    }
}

impl TestApp {
    /// The token of the newest mailed link to `to` (invitation or reset), from the outbox.
    pub async fn link_token(&self, to: &str) -> String {
        let mails = api::mail::outbox(&self.state.db, 100).await.unwrap();
        let mail = mails
            .iter()
            .find(|m| m.to == to && m.body.contains("#token="))
            .unwrap_or_else(|| panic!("no mailed link to {to}: {mails:#?}"));
        let start = mail.body.find("#token=").unwrap() + "#token=".len();
        mail.body[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }

    pub async fn post_json<T: serde::Serialize>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &T,
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.unwrap()
    }

    pub async fn send_json<T: serde::Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: &T,
    ) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// The user id of `email`.
    pub async fn user_id(&self, email: &str) -> String {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        api::db::entities::users::Entity::find()
            .filter(api::db::entities::users::Column::Email.eq(email))
            .one(&self.state.db)
            .await
            .unwrap()
            .unwrap()
            .user_id
            .to_string()
    }
}

/// The refresh token a response sets, from its `Set-Cookie`.
pub fn refresh_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portal_refresh="))
        .map(|v| {
            v.trim_start_matches("portal_refresh=")
                .split(';')
                .next()
                .unwrap()
                .to_owned()
        })
}

/// Reads a problem document, checking its media type.
pub async fn problem(res: reqwest::Response) -> Problem {
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(
        content_type, "application/problem+json",
        "errors are problem documents"
    );
    res.json().await.unwrap()
}

pub fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// An order with the fields reports slice on; the rest plausible.
pub fn order(
    publisher_id: i64,
    order_id: &str,
    purchase: &str,
    azure_license_type: AzureLicenseType,
    offer_type: OfferType,
    market: &str,
) -> orders::Model {
    let purchase = date(purchase);
    orders::Model {
        publisher_id,
        order_id: order_id.to_owned(),
        marketplace_subscription_id: format!("sub-{order_id}"),
        month_start_date: shared::Month::of(purchase).first_day(),
        offer_id: format!(
            "offer-{}",
            offer_type.name().to_lowercase().replace(' ', "-")
        ),
        offer_name: format!("{} offer", offer_type.name()),
        offer_type: offer_type.name().to_owned(),
        sku: "standard".to_owned(),
        azure_license_type: azure_license_type.name().to_owned(),
        channel: azure_license_type.channel().name().to_owned(),
        marketplace_license_type: MarketplaceLicenseType::BilledThroughAzure.name().to_owned(),
        customer_country: market.to_owned(),
        is_preview_sku: false,
        order_quantity: 2,
        is_new_customer: true,
        order_status: "Active".to_owned(),
        order_purchase_date: purchase,
        order_cancel_date: None,
        trial_end_date: None,
        has_trial: false,
        term_start_date: Some(purchase),
        term_end_date: None,
        purchase_record_id: format!("pr-{order_id}"),
        purchase_record_line_item_id: "1".to_owned(),
        customer_id: format!("cust-{order_id}"),
        customer_name: "Pat Doe".to_owned(),
        customer_company_name: "Doe Ltd".to_owned(),
        billing_account_id: "ba-1".to_owned(),
        estimated_charges: 1_000_000,
        currency: "USD".to_owned(),
    }
}
