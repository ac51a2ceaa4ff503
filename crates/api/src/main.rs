//! `portal`: the Seller Insights Portal's one binary.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use api::config::Config;
use api::demo::{self, DemoAccount, DemoSpec};
use api::startup::{self, Application};
use api::{openapi, telemetry, users};
use clap::{Parser, Subcommand};

// Bulk loads allocate and free millions of small values; mimalloc does that markedly
// faster than the system allocator (measured on the demo load, see README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "portal",
    version,
    about = "Seller Insights Portal: API, browser app and operator tools"
)]
struct Cli {
    /// Configuration file (TOML); environment variables PORTAL_* override it.
    #[arg(long, global = true, env = "PORTAL_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the API and the browser app (the default). An empty database gets demo data.
    Serve,
    /// Load demo data into an empty database.
    Demo {
        /// Publishers to create.
        #[arg(long)]
        publishers: Option<u32>,
        /// Months of data, ending with the current month.
        #[arg(long)]
        months: Option<u32>,
        /// Orders in all.
        #[arg(long)]
        orders: Option<u64>,
        /// Usage rows in all.
        #[arg(long)]
        usage_rows: Option<u64>,
        /// Generator seed.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Print the OpenAPI document (or write it to a file).
    Openapi {
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Ingest a batch of one dataset for one publisher from a CSV or JSON-lines file.
    /// The batch is validated whole and stored all-or-nothing; re-sending the same
    /// file under the same key changes nothing.
    Ingest {
        /// The publisher, by slug or id.
        #[arg(long)]
        publisher: String,
        /// The dataset: orders, usage, customers, licenses or payouts.
        #[arg(long)]
        dataset: String,
        /// The batch's idempotency key (default: the file's SHA-256).
        #[arg(long)]
        key: Option<String>,
        /// csv, jsonl or xlsx (default: from the file's extension).
        #[arg(long)]
        format: Option<String>,
        /// For an Excel workbook: the sheet to read (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// The file.
        file: PathBuf,
    },
    /// Onboard and list publishers.
    Publishers {
        #[command(subcommand)]
        command: PublishersCommand,
    },
    /// Print the newest mails of the outbox (invitations, password resets), newest
    /// first. Without SMTP configured this is how mail reaches people.
    Outbox {
        /// At most this many mails.
        #[arg(long, default_value_t = 10)]
        limit: u64,
    },
    /// Read and answer support requests (the operator's side of Help > Support).
    Support {
        #[command(subcommand)]
        command: SupportCommand,
    },
    /// Read feedback given with the smiley.
    Feedback {
        #[command(subcommand)]
        command: FeedbackCommand,
    },
    /// List stored batches, newest first.
    Batches {
        /// Only this publisher's (slug or id).
        #[arg(long)]
        publisher: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

#[derive(Subcommand, Debug)]
enum PublishersCommand {
    /// Create a publisher and invite its first Administrator (the invitation goes out by
    /// SMTP, or waits in the outbox: see `portal outbox`).
    Create {
        /// The publisher's name, e.g. "Adventure Works".
        #[arg(long)]
        name: String,
        /// A short unique handle: lower-case letters, digits and hyphens.
        #[arg(long)]
        slug: String,
        /// The first Administrator's email address.
        #[arg(long)]
        admin_email: String,
        /// The first Administrator's first name.
        #[arg(long, default_value = "")]
        admin_first_name: String,
        /// The first Administrator's last name.
        #[arg(long, default_value = "")]
        admin_last_name: String,
    },
    /// List every publisher with its number of users.
    List,
}

#[derive(Subcommand, Debug)]
enum SupportCommand {
    /// List support requests, newest first.
    List {
        /// Only requests of this status: new, in-progress, waiting-for-you, resolved, closed.
        #[arg(long)]
        status: Option<String>,
        /// Only this publisher's (slug or id).
        #[arg(long)]
        publisher: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
    /// Print a request with its contact details and conversation.
    Show {
        /// The request number, e.g. SR-000123.
        number: String,
    },
    /// Answer a request as support; the requester is mailed.
    Reply {
        /// The request number, e.g. SR-000123.
        number: String,
        /// The answer's text.
        #[arg(long)]
        message: String,
        /// Also set the status (default: unchanged), e.g. waiting-for-you or resolved.
        #[arg(long)]
        status: Option<String>,
    },
    /// Change a request's status; the requester is mailed.
    Status {
        /// The request number, e.g. SR-000123.
        number: String,
        /// new, in-progress, waiting-for-you, resolved or closed.
        status: String,
    },
}

#[derive(Subcommand, Debug)]
enum FeedbackCommand {
    /// List feedback, newest first.
    List {
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref()).context("reading the configuration")?;
    if !matches!(cli.command, Some(Command::Openapi { .. })) {
        telemetry::init(config.log_json);
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Demo {
            publishers,
            months,
            orders,
            usage_rows,
            seed,
        } => {
            let state = startup::prepare(config.clone()).await?;
            if users::count_publishers(&state.db).await? > 0 {
                anyhow::bail!(
                    "the database already has publishers; demo data goes only into an empty database"
                );
            }
            let password = demo_password(&config)?;
            let spec = DemoSpec::ending_today(
                publishers.unwrap_or(config.demo_publishers),
                months.unwrap_or(config.demo_months),
                orders.unwrap_or(config.demo_orders),
                usage_rows.unwrap_or(config.demo_usage_rows),
                seed.unwrap_or(config.demo_seed),
                password,
            );
            let started = std::time::Instant::now();
            let (accounts, stats) = demo::load(&state.db, &spec).await?;
            let mut rows: Vec<_> = stats.rows.iter().collect();
            rows.sort();
            println!(
                "Loaded {} rows in {:.1} s: {}",
                stats.total(),
                started.elapsed().as_secs_f64(),
                rows.iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            print_accounts(&accounts);
            Ok(())
        }
        Command::Openapi { output } => {
            let text = openapi::spec_json();
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display())),
                None => std::io::stdout()
                    .write_all(text.as_bytes())
                    .context("writing the spec"),
            }
        }
        Command::Ingest {
            publisher,
            dataset,
            key,
            format,
            sheet,
            file,
        } => {
            ingest(
                config,
                &publisher,
                &dataset,
                key,
                format.as_deref(),
                sheet,
                &file,
            )
            .await
        }
        Command::Publishers { command } => publishers(config, command).await,
        Command::Outbox { limit } => outbox(config, limit).await,
        Command::Support { command } => support(config, command).await,
        Command::Feedback {
            command: FeedbackCommand::List { limit },
        } => feedback(config, limit).await,
        Command::Batches { publisher, limit } => batches(config, publisher.as_deref(), limit).await,
        Command::Migrate => {
            startup::prepare(config).await?;
            println!("The database schema is up to date.");
            Ok(())
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let state = startup::prepare(config.clone()).await?;
    let password = demo_password(&config)?;
    if let Some(accounts) = startup::ensure_demo(&state, &password, true).await? {
        println!("Demo data loaded. Sign in with any of these accounts:");
        print_accounts(&accounts);
    } else if config.demo {
        println!(
            "Demo accounts (if this database was created with demo data): admin@contoso.example, \
             analyst@contoso.example, ... with password {password}"
        );
    }
    let app = Application::build(state)?;
    if config.operator_token.is_none() {
        println!(
            "Operator token for the ingestion API: in {}",
            config.data_dir.join("operator-token").display()
        );
    }
    println!("Portal listening on http://{}:{}", config.host, app.port());
    std::io::stdout().flush().ok();
    app.run_until_stopped().await.context("serving")
}

async fn ingest(
    config: Config,
    publisher: &str,
    dataset: &str,
    key: Option<String>,
    format: Option<&str>,
    sheet: Option<String>,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    use api::ingest::{Format, IngestError};
    use shared::dictionary::Dataset;

    let dataset = Dataset::from_name(dataset).with_context(|| {
        format!(
            "unknown dataset '{dataset}'; use one of: orders, usage, customers, licenses, payouts"
        )
    })?;
    let format = match format {
        Some("csv") => Format::Csv,
        Some("jsonl") | Some("ndjson") => Format::JsonLines,
        Some("xlsx") => Format::Excel(None),
        Some(other) => anyhow::bail!("unknown format '{other}'; use csv, jsonl or xlsx"),
        None => Format::from_path(file).with_context(|| {
            format!(
                "cannot tell the format of {}; pass --format csv|jsonl|xlsx",
                file.display()
            )
        })?,
    };
    let format = match format {
        Format::Excel(_) => Format::Excel(sheet),
        other => other,
    };
    let state = startup::prepare(config).await?;
    let publisher = users::find_publisher(&state.db, publisher)
        .await?
        .with_context(|| {
            format!("no publisher '{publisher}' (see `portal batches` or the onboarding commands)")
        })?;

    let size = std::fs::metadata(file)
        .with_context(|| format!("reading {}", file.display()))?
        .len();
    let open = || std::fs::File::open(file).with_context(|| format!("opening {}", file.display()));
    // Without a key, the key is the content's digest, so it is needed first; with one,
    // the digest is computed as the file is read and stored.
    let (key, digest) = match key {
        Some(key) => (key, None),
        None => {
            let digest = api::store::BatchMeta::digest_reader(&mut open()?)
                .with_context(|| format!("reading {}", file.display()))?;
            (format!("sha256:{digest}"), Some(digest))
        }
    };
    let bar = indicatif::ProgressBar::new(size).with_style(
        indicatif::ProgressStyle::with_template(
            "{msg:40} [{bar:40}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(format!(
        "validating and storing {} rows of {}",
        dataset.slug(),
        publisher.name
    ));
    let reader = bar.wrap_read(open()?);
    let started = std::time::Instant::now();
    let result = api::ingest::ingest_reader(
        &state.db,
        publisher.publisher_id,
        dataset,
        format,
        &key,
        digest,
        reader,
        "cli",
    )
    .await;
    bar.finish_and_clear();
    match result {
        Ok(outcome) if outcome.replayed => {
            println!(
                "Batch '{key}' was already stored with this content ({} rows, batch {}); nothing changed.",
                outcome.rows, outcome.batch_id
            );
            Ok(())
        }
        Ok(outcome) => {
            println!(
                "Stored {} {} rows for {} ({} replaced existing rows) in {:.1} s as batch {} (key '{key}').",
                outcome.rows,
                dataset.slug(),
                publisher.name,
                outcome.replaced,
                started.elapsed().as_secs_f64(),
                outcome.batch_id
            );
            Ok(())
        }
        Err(IngestError::Rejected(rejection)) => {
            eprintln!(
                "The batch was refused; nothing was stored. {} problem(s):",
                rejection.total
            );
            for e in rejection.errors.iter().take(50) {
                let at = if e.line == 0 {
                    "file".to_owned()
                } else {
                    format!("line {}", e.line)
                };
                match &e.column {
                    Some(c) => eprintln!("  {at}, {c}: {}", e.reason),
                    None => eprintln!("  {at}: {}", e.reason),
                }
            }
            if rejection.total > 50 {
                eprintln!("  ... and {} more", rejection.total - 50);
            }
            std::process::exit(2);
        }
        Err(IngestError::Store(e)) => Err(e.into()),
    }
}

async fn batches(config: Config, publisher: Option<&str>, limit: u64) -> anyhow::Result<()> {
    let state = startup::prepare(config).await?;
    let publisher_id = match publisher {
        Some(p) => Some(
            users::find_publisher(&state.db, p)
                .await?
                .with_context(|| format!("no publisher '{p}'"))?
                .publisher_id,
        ),
        None => None,
    };
    println!(
        "{:20} {:12} {:10} {:>10} {:>9} {:>8} {:6} key",
        "created (UTC)", "publisher", "dataset", "rows", "replaced", "ms", "source"
    );
    for b in api::ingest::list_batches(&state.db, publisher_id, limit).await? {
        println!(
            "{:20} {:12} {:10} {:>10} {:>9} {:>8} {:6} {}",
            b.created_at.format("%Y-%m-%d %H:%M:%S"),
            b.publisher,
            b.dataset,
            b.rows,
            b.replaced,
            b.duration_ms,
            b.source,
            b.batch_key
        );
    }
    Ok(())
}

async fn publishers(config: Config, command: PublishersCommand) -> anyhow::Result<()> {
    let state = startup::prepare(config).await?;
    match command {
        PublishersCommand::Create {
            name,
            slug,
            admin_email,
            admin_first_name,
            admin_last_name,
        } => {
            let request = shared::users::NewPublisherRequest {
                name,
                slug,
                admin_email,
                admin_first_name,
                admin_last_name,
            };
            let done = api::accounts::operator::onboard(&state, &request)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.problem().detail))?;
            println!(
                "Created publisher {} ({}, id {}).",
                done.publisher.name, done.publisher.slug, done.publisher.id
            );
            let via = if state.mailer.uses_smtp() {
                "by mail"
            } else {
                "to the outbox (no SMTP configured; read it with `portal outbox`)"
            };
            println!(
                "Invited {} as its first Administrator; the invitation went {via}.",
                done.administrator.email
            );
            Ok(())
        }
        PublishersCommand::List => {
            println!(
                "{:>4}  {:20} {:6} {:14} name",
                "id", "slug", "users", "self-reset"
            );
            for p in api::accounts::operator::list(&state).await? {
                println!(
                    "{:>4}  {:20} {:6} {:14} {}",
                    p.id,
                    p.slug,
                    p.users,
                    if p.allow_password_reset {
                        "allowed"
                    } else {
                        "off"
                    },
                    p.name
                );
            }
            Ok(())
        }
    }
}

async fn outbox(config: Config, limit: u64) -> anyhow::Result<()> {
    let state = startup::prepare(config).await?;
    let mails = api::mail::outbox(&state.db, limit.clamp(1, 1000)).await?;
    if mails.is_empty() {
        println!("The outbox is empty.");
    }
    for m in mails {
        println!("{}", "=".repeat(72));
        println!("Date:    {}", m.created_at.format("%Y-%m-%d %H:%M:%S UTC"));
        println!("To:      {}", m.to);
        println!("Subject: {}", m.subject);
        println!(
            "Status:  {}{}",
            m.status,
            m.error.map(|e| format!(" ({e})")).unwrap_or_default()
        );
        println!();
        println!("{}", m.body.trim_end());
    }
    Ok(())
}

fn support_status(text: &str) -> anyhow::Result<shared::support::SupportStatus> {
    shared::support::SupportStatus::from_name(text).with_context(|| {
        format!(
            "'{text}' is not a status; use new, in-progress, waiting-for-you, resolved or closed"
        )
    })
}

fn request_number(text: &str) -> anyhow::Result<i64> {
    shared::support::parse_request_number(text)
        .with_context(|| format!("'{text}' is not a request number (like SR-000123)"))
}

async fn support(config: Config, command: SupportCommand) -> anyhow::Result<()> {
    use api::support;
    let state = startup::prepare(config).await?;
    let problem = |e: api::error::ApiError| anyhow::anyhow!("{}", e.problem().detail);
    match command {
        SupportCommand::List {
            status,
            publisher,
            limit,
        } => {
            let status = status.as_deref().map(support_status).transpose()?;
            let publisher_id = match publisher {
                Some(p) => Some(
                    users::find_publisher(&state.db, &p)
                        .await?
                        .with_context(|| format!("no publisher '{p}'"))?
                        .publisher_id,
                ),
                None => None,
            };
            let list =
                support::list_requests(&state.db, publisher_id, status, limit.clamp(1, 1000))
                    .await
                    .map_err(problem)?;
            if list.is_empty() {
                println!("No support requests.");
                return Ok(());
            }
            println!(
                "{:10} {:16} {:17} {:24} {:28} title",
                "number", "status", "updated (UTC)", "publisher", "requester"
            );
            for r in list {
                println!(
                    "{:10} {:16} {:17} {:24} {:28} {}",
                    r.number,
                    r.status.label(),
                    r.updated_at.format("%Y-%m-%d %H:%M"),
                    r.publisher,
                    r.requester,
                    r.title
                );
            }
            Ok(())
        }
        SupportCommand::Show { number } => {
            let r = support::get_request(&state.db, None, request_number(&number)?)
                .await
                .map_err(problem)?;
            print_request(&r);
            Ok(())
        }
        SupportCommand::Reply {
            number,
            message,
            status,
        } => {
            let status = status.as_deref().map(support_status).transpose()?;
            let r = support::add_message(
                &state,
                None,
                request_number(&number)?,
                &support::Author::Support,
                &message,
                status,
                support::files::StagedFiles::default(),
            )
            .await
            .map_err(problem)?;
            println!(
                "Replied to {} (status: {}); {} was told by mail.",
                r.number,
                r.status.label(),
                r.contact.email
            );
            Ok(())
        }
        SupportCommand::Status { number, status } => {
            let r = support::set_status(&state, request_number(&number)?, support_status(&status)?)
                .await
                .map_err(problem)?;
            println!(
                "{} is now {}; {} was told by mail.",
                r.number,
                r.status.label(),
                r.contact.email
            );
            Ok(())
        }
    }
}

fn print_request(r: &shared::support::SupportRequest) {
    println!("{} · {} · {}", r.number, r.status.label(), r.title);
    println!(
        "Publisher: {}   Filed by: {}   Category: {} / {}",
        r.publisher,
        r.requester,
        r.problem_type.label(),
        r.category.label()
    );
    println!(
        "Contact:   {} <{}> {}   Time zone: {}   Region: {}   Language: {}",
        r.contact.name,
        r.contact.email,
        r.contact.phone,
        r.contact.time_zone,
        r.contact.region,
        r.contact.language
    );
    for m in &r.messages {
        println!("{}", "-".repeat(72));
        println!(
            "{} · {}",
            m.created_at.format("%Y-%m-%d %H:%M UTC"),
            m.author_name
        );
        println!("{}", m.body.trim_end());
        for a in &m.attachments {
            println!(
                "  [file] {} ({}, {} bytes, sha256 {}) id {}",
                a.file_name, a.media_type, a.size, a.sha256, a.id
            );
        }
    }
}

async fn feedback(config: Config, limit: u64) -> anyhow::Result<()> {
    let state = startup::prepare(config).await?;
    let list = api::support::list_feedback(&state.db, limit.clamp(1, 1000))
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.problem().detail))?;
    if list.is_empty() {
        println!("No feedback yet.");
    }
    for f in list {
        println!(
            "{} {:8} {:24} {:28} {}{}",
            f.created_at.format("%Y-%m-%d %H:%M"),
            f.sentiment.name(),
            f.publisher,
            f.user,
            f.comment.replace('\n', " "),
            f.page_url.map(|u| format!("  [{u}]")).unwrap_or_default()
        );
    }
    Ok(())
}

/// The demo accounts' password: configured, or generated once and kept in the data
/// folder so that every start prints the same one.
fn demo_password(config: &Config) -> anyhow::Result<String> {
    if let Some(p) = &config.demo_password {
        return Ok(p.clone());
    }
    api::config::kept_secret(&config.data_dir, "demo-password", 12, "demo-", 9)
        .with_context(|| format!("keeping the demo password in {}", config.data_dir.display()))
}

fn print_accounts(accounts: &[DemoAccount]) {
    for a in accounts {
        println!(
            "  {:32} {:24} {:14} {}",
            a.email,
            a.password,
            a.role.name(),
            a.publisher
        );
    }
}
