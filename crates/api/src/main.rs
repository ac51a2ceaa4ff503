//! `portal`: the Seller Insights Portal's one binary.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use api::config::Config;
use api::demo::{self, DemoAccount, DemoSpec};
use api::startup::{self, Application};
use api::{openapi, telemetry, users};
use clap::{Parser, Subcommand};
use rand::RngCore;

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
    println!("Portal listening on http://{}:{}", config.host, app.port());
    std::io::stdout().flush().ok();
    app.run_until_stopped().await.context("serving")
}

/// The demo accounts' password: configured, or generated once and kept in the data
/// folder so that every start prints the same one.
fn demo_password(config: &Config) -> anyhow::Result<String> {
    if let Some(p) = &config.demo_password {
        return Ok(p.clone());
    }
    let path = config.data_dir.join("demo-password");
    if let Ok(text) = std::fs::read_to_string(&path)
        && text.trim().len() >= 12
    {
        return Ok(text.trim().to_owned());
    }
    let mut bytes = [0u8; 9];
    rand::rng().fill_bytes(&mut bytes);
    let password = format!("demo-{}", hex::encode(bytes));
    std::fs::create_dir_all(&config.data_dir)?;
    std::fs::write(&path, &password).with_context(|| format!("writing {}", path.display()))?;
    Ok(password)
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
