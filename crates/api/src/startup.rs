//! Building and running the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use sha2::{Digest, Sha256};
use utoipa_actix_web::AppExt;

use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::demo::{DemoAccount, DemoSpec};
use crate::state::AppState;
use crate::{apidocs, db, demo, error, openapi, routes, telemetry, users, webapp};

/// Connects to the database (migrating it) and loads the token keys.
pub async fn prepare(config: Config) -> anyhow::Result<AppState> {
    let db = db::connect(&config.database_url)
        .await
        .with_context(|| format!("opening the database {}", redact(&config.database_url)))?;
    let tokens = TokenKeys::load_or_create(
        config.jwt_secret.as_deref(),
        &config.data_dir,
        config.access_token_ttl_secs,
    )
    .with_context(|| {
        format!(
            "reading or creating the token secret in {}",
            config.data_dir.display()
        )
    })?;
    let operator_token = operator_token(&config)?;
    let mailer = crate::mail::Mailer::from_config(&config).context("setting up mail")?;
    match crate::support::files::sweep_stale_uploads(&config.data_dir) {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            removed = n,
            "deleted support uploads left by an interrupted upload"
        ),
        Err(e) => tracing::warn!(error = %e, "could not sweep the support upload staging folder"),
    }
    let report_secret = crate::config::kept_secret(&config.data_dir, "report-secret", 32, "", 32)
        .with_context(|| {
        format!("keeping the report secret in {}", config.data_dir.display())
    })?;
    let sqlite_reader = db::sqlite_path(&config.database_url)
        .map(|path| Arc::new(crate::reports::grid::fast::SqliteReader::new(path)));
    Ok(AppState {
        sqlite_reader,
        mailer: Arc::new(mailer),
        db,
        tokens: Arc::new(tokens),
        report_keys: crate::reports::keys::ReportKeys::from_secret(&report_secret),
        report_cache: crate::reports::cache::ReportCache::new(config.report_cache_bytes),
        operator_token_sha256: Sha256::digest(operator_token.as_bytes()).into(),
        config: Arc::new(config),
    })
}

/// The operator's token: configured, or generated once into `data_dir/operator-token`.
pub fn operator_token(config: &Config) -> anyhow::Result<String> {
    if let Some(token) = &config.operator_token {
        anyhow::ensure!(
            token.len() >= 24,
            "the operator token must be at least 24 characters"
        );
        return Ok(token.clone());
    }
    crate::config::kept_secret(&config.data_dir, "operator-token", 24, "op_", 24).with_context(
        || {
            format!(
                "keeping the operator token in {}",
                config.data_dir.display()
            )
        },
    )
}

/// Loads the demo data when the database has no publisher yet and the demo is enabled.
/// Returns the accounts created, or `None` when nothing was loaded.
pub async fn ensure_demo(
    state: &AppState,
    password: &str,
    progress: bool,
) -> anyhow::Result<Option<Vec<DemoAccount>>> {
    if !state.config.demo || users::count_publishers(&state.db).await? > 0 {
        return Ok(None);
    }
    let c = &state.config;
    let mut spec = DemoSpec::ending_today(
        c.demo_publishers,
        c.demo_months,
        c.demo_orders,
        c.demo_usage_rows,
        c.demo_seed,
        password.to_owned(),
    );
    spec.progress = progress;
    let started = std::time::Instant::now();
    let (accounts, stats) = demo::load(&state.db, &spec).await?;
    tracing::info!(
        rows = stats.total(),
        seconds = started.elapsed().as_secs_f64(),
        "demo data loaded"
    );
    Ok(Some(accounts))
}

/// A running server and the port it listens on.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds the configured address (port 0 picks a free port) and builds the server.
    pub fn build(state: AppState) -> anyhow::Result<Self> {
        let address = format!("{}:{}", state.config.host, state.config.port);
        let listener =
            TcpListener::bind(&address).with_context(|| format!("listening on {address}"))?;
        let port = listener.local_addr()?.port();
        let api = openapi::spec();
        let methods = web::Data::new(routes::Methods::of(&api));
        let spec = web::Data::new(OpenApiJson(openapi::json_of(&api)));
        let web_dir = state.config.web_dir.clone();
        let apidocs_dir = state.config.apidocs_dir.clone();
        let data = web::Data::new(state);
        let server = HttpServer::new(move || {
            let web_dir = web_dir.clone();
            let apidocs_dir = apidocs_dir.clone();
            let (app, _) = App::new()
                .into_utoipa_app()
                .openapi(openapi::base())
                .app_data(data.clone())
                .app_data(spec.clone())
                .app_data(methods.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(256 * 1024)
                        .error_handler(error::json_error),
                )
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .configure(routes::documented)
                .split_for_parts();
            app.service(web::resource("/openapi.json").route(web::get().to(serve_spec)))
                .configure(move |cfg| apidocs::configure(cfg, apidocs_dir))
                .service(web::scope("/api").default_service(web::to(routes::api_not_found)))
                .configure(move |cfg| webapp::configure(cfg, web_dir))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "same-origin"))
                        .add(("X-Frame-Options", "DENY")),
                )
                .wrap(Compress::default())
                .wrap(from_fn(routes::head_as_get))
                .wrap(from_fn(telemetry::request_id))
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Self { port, server })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until stopped (Ctrl-C or SIGTERM stop it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The OpenAPI document, rendered once at start.
pub struct OpenApiJson(pub String);

/// `GET /api/v1/openapi.json` (also at `/openapi.json`).
pub async fn serve_spec(spec: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(spec.0.clone())
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
