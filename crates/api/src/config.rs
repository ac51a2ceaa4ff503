//! Configuration: defaults, then an optional TOML file, then the environment.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Everything the portal can be configured with. See README.md for each key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// `sqlite://path` (embedded default) or `postgres://...`.
    pub database_url: String,
    /// Folder for the SQLite file and instance secrets.
    pub data_dir: PathBuf,
    /// Folder of the built browser app (Trunk's `dist`).
    pub web_dir: PathBuf,
    /// Folder of the vendored Swagger UI files served at `/api/docs` (npm's
    /// `swagger-ui-dist`, installed by the run and test scripts).
    pub apidocs_dir: PathBuf,
    /// Secret that signs access tokens. When absent, one is generated and kept in
    /// `data_dir/jwt-secret`; set it explicitly when several instances serve together.
    pub jwt_secret: Option<String>,
    /// Lifetime of an access token, in seconds.
    pub access_token_ttl_secs: u64,
    /// Load demo data into an empty database on `serve`.
    pub demo: bool,
    /// Password of every demo account; a random one is generated and printed when absent.
    pub demo_password: Option<String>,
    /// Demo publishers.
    pub demo_publishers: u32,
    /// Demo months, ending with the current month.
    pub demo_months: u32,
    /// Demo orders in all.
    pub demo_orders: u64,
    /// Demo usage rows in all.
    pub demo_usage_rows: u64,
    /// Seed of the demo generator.
    pub demo_seed: u64,
    /// Logs as JSON lines instead of text.
    pub log_json: bool,
    /// The operator's bearer token for the ingestion API. When absent, one is generated
    /// and kept in `data_dir/operator-token`.
    pub operator_token: Option<String>,
    /// The largest ingestion body accepted, in bytes (413 past it).
    pub ingest_max_bytes: u64,
    /// The address people reach the portal at; mailed links start with it. Defaults to
    /// `http://<host>:<port>`.
    pub public_url: Option<String>,
    /// SMTP server; without it, mail stays in the outbox (`portal outbox`).
    pub smtp_host: Option<String>,
    /// SMTP port (default: 587 for `starttls`, 465 for `tls`, 25 for `none`).
    pub smtp_port: Option<u16>,
    /// SMTP user name.
    pub smtp_username: Option<String>,
    /// SMTP password.
    pub smtp_password: Option<String>,
    /// SMTP transport security: `starttls`, `tls` or `none`.
    pub smtp_tls: String,
    /// The sender of the instance's mail.
    pub mail_from: String,
    /// How long an invitation link works, in seconds.
    pub invitation_ttl_secs: u64,
    /// How long a password reset link works, in seconds.
    pub password_reset_ttl_secs: u64,
    /// How long a refresh token (the browser's session) lives without use, in seconds.
    pub refresh_token_ttl_secs: u64,
    /// Failed sign-ins per account within a window before it is throttled.
    pub sign_in_failures_per_account: u32,
    /// Failed sign-ins per client address within a window before it is throttled.
    pub sign_in_failures_per_address: u32,
    /// The throttling window, in seconds.
    pub sign_in_window_secs: u64,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Memory for cached aggregate report answers, in bytes.
    pub report_cache_bytes: u64,
    /// The operator's support address: new support requests and requesters' replies are
    /// mailed there.
    pub support_email: String,
    /// The most files one support request or reply may carry.
    pub support_max_files: usize,
    /// The largest file a support request or reply may carry, in bytes (413 past it).
    pub support_max_file_bytes: u64,
    /// The privacy policy the instance shows (plain text; blank lines separate
    /// paragraphs). When absent, a default that describes what this software keeps.
    pub privacy_policy: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 8080,
            database_url: "sqlite://./data/portal.db".to_owned(),
            data_dir: PathBuf::from("./data"),
            web_dir: PathBuf::from("crates/web/dist"),
            apidocs_dir: PathBuf::from("crates/api/apidocs/node_modules/swagger-ui-dist"),
            jwt_secret: None,
            access_token_ttl_secs: 900,
            demo: true,
            demo_password: None,
            demo_publishers: 3,
            demo_months: 24,
            demo_orders: 55_000,
            demo_usage_rows: 1_050_000,
            demo_seed: 42,
            log_json: false,
            operator_token: None,
            ingest_max_bytes: 256 * 1024 * 1024,
            public_url: None,
            smtp_host: None,
            smtp_port: None,
            smtp_username: None,
            smtp_password: None,
            smtp_tls: "starttls".to_owned(),
            mail_from: "Seller Insights Portal <no-reply@localhost>".to_owned(),
            invitation_ttl_secs: 7 * 24 * 3600,
            password_reset_ttl_secs: 3600,
            refresh_token_ttl_secs: 14 * 24 * 3600,
            sign_in_failures_per_account: 5,
            sign_in_failures_per_address: 50,
            sign_in_window_secs: 15 * 60,
            trust_forwarded_for: false,
            report_cache_bytes: 64 * 1024 * 1024,
            support_email: "support@localhost".to_owned(),
            support_max_files: 5,
            support_max_file_bytes: 10 * 1024 * 1024,
            privacy_policy: None,
        }
    }
}

impl Config {
    /// Loads the configuration: defaults, then `file` (when given and present), then
    /// `DATABASE_URL`, then `PORTAL_*` variables (`PORTAL_PORT`, `PORTAL_DATABASE_URL`, ...).
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        } else if Path::new("portal.toml").exists() {
            figment = figment.merge(Toml::file_exact("portal.toml"));
        }
        figment
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(Env::prefixed("PORTAL_").ignore(&["CONFIG"]))
            .extract()
            .map_err(Box::new)
    }

    /// The portal's public address without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}:{}", self.host, self.port),
        }
    }

    /// The privacy policy's text: configured, or the default.
    pub fn privacy_policy_text(&self) -> String {
        match &self.privacy_policy {
            Some(text) if !text.trim().is_empty() => text.trim().to_owned(),
            _ => DEFAULT_PRIVACY_POLICY.to_owned(),
        }
    }

    /// Whether the database is the embedded SQLite default.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// The privacy policy shown when none is configured: what this software keeps and why.
pub const DEFAULT_PRIVACY_POLICY: &str = "This instance of the Seller Insights Portal is run by its operator, who is responsible for the personal data it holds.

What we keep: your name, email address, role and permissions; when you signed in and from which address (for security and the audit log); the reports data your publisher's marketplace sends, which includes customer names and addresses; support requests, their files and replies; and feedback you give.

Why: to show your publisher its reports, to keep accounts secure, and to answer support requests. We do not sell data or use it for advertising.

Who sees it: people of your publisher according to the permissions their Administrator gave them, and the operator of this instance. Support requests and their files are seen by your publisher's people with the Support permission and by the operator.

How long: account data while the account exists; audit entries, support requests and feedback as long as the operator keeps them. Ask your Administrator or the operator (Contact Us) to see, correct or delete your data.

Cookies: one cookie keeps you signed in; there are no tracking cookies.";

/// A secret kept in `data_dir/name`: read back when the file holds at least `min_len`
/// characters, otherwise made from `random_bytes` random bytes (hex, after `prefix`) and
/// written readable by the owner only. The instance's generated secrets (token signing
/// key, operator token, demo password) all live this way.
pub fn kept_secret(
    data_dir: &Path,
    name: &str,
    min_len: usize,
    prefix: &str,
    random_bytes: usize,
) -> std::io::Result<String> {
    let path = data_dir.join(name);
    if let Ok(text) = std::fs::read_to_string(&path)
        && text.trim().len() >= min_len
    {
        return Ok(text.trim().to_owned());
    }
    let mut bytes = vec![0u8; random_bytes];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let secret = format!("{prefix}{}", hex::encode(bytes));
    std::fs::create_dir_all(data_dir)?;
    write_private(&path, &secret)?;
    Ok(secret)
}

/// Writes `contents` to `path`, readable by the owner only.
#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

/// Writes `contents` to `path`.
#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
