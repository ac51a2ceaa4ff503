//! Load and latency benchmark of the report API against a running instance.
//!
//! `scripts/bench-reports` starts the server on a large demo database and runs this;
//! it can also be pointed at any instance:
//!
//! ```text
//! cargo run --release -p api --example report_bench -- \
//!     --url http://127.0.0.1:8080 --email admin@contoso.example --password ... --server-pid 1234
//! ```
//!
//! For each scenario it prints the request count, p50, p95 and max latency; for the
//! aggregate endpoints also the throughput with `--clients` concurrent clients; for the
//! downloads the time, the bytes and rows received, and the server's peak resident
//! memory (`VmHWM` of `--server-pid`, which the script restarts before each download).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use clap::Parser;
use serde::Deserialize;

#[derive(Parser, Debug)]
struct Args {
    /// The instance's base URL.
    #[arg(long)]
    url: String,
    /// A user with every report permission.
    #[arg(long)]
    email: String,
    /// Its password.
    #[arg(long)]
    password: String,
    /// Which part to run: latency, load, csv or xlsx.
    #[arg(long, default_value = "latency")]
    part: String,
    /// Sequential requests per latency scenario.
    #[arg(long, default_value_t = 100)]
    requests: usize,
    /// Concurrent clients of the load part.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Seconds of the load part per endpoint.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The server's process id, for its peak memory.
    #[arg(long)]
    server_pid: Option<u32>,
    /// The first month of the period the scenarios query.
    #[arg(long)]
    start: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Session {
    access_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    next_cursor: Option<String>,
    #[serde(default)]
    total: Option<u64>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn peak_rss_mb(pid: Option<u32>) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU seconds (user and system) the process has used so far: the downloads' cost apart
/// from other load on the machine.
fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid?)).ok()?;
    // Fields after the command's closing parenthesis; utime and stime are 14th and 15th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

struct Bench {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl Bench {
    async fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let res = self
            .client
            .get(format!("{}{}", self.url, path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.bytes().await.expect("body").to_vec())
    }

    /// Times `requests` sequential GETs of `path` (each after a warm-up) and prints a row.
    async fn latency(&self, name: &str, paths: &[String]) -> Duration {
        for p in paths.iter().take(3) {
            let (status, body) = self.get(p).await;
            assert_eq!(status, 200, "{p}: {}", String::from_utf8_lossy(&body));
        }
        let mut times = Vec::with_capacity(paths.len());
        for p in paths {
            let t = Instant::now();
            let (status, body) = self.get(p).await;
            times.push(t.elapsed());
            assert_eq!(status, 200, "{p}: {}", String::from_utf8_lossy(&body));
        }
        times.sort();
        let p95 = percentile(&times, 0.95);
        println!(
            "| {name} | {} | {} | {} | {} |",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(p95),
            ms(*times.last().unwrap())
        );
        p95
    }

    /// Walks `pages` pages of `path` (pageSize in it) and returns the cursor after them.
    async fn cursor_after(&self, path: &str, pages: usize) -> String {
        let mut cursor: Option<String> = None;
        for _ in 0..pages {
            let p = match &cursor {
                None => path.to_owned(),
                Some(c) => format!("{path}&cursor={c}"),
            };
            let (status, body) = self.get(&p).await;
            assert_eq!(status, 200, "{p}");
            let page: Page = serde_json::from_slice(&body).unwrap();
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        cursor.expect("the result is deeper than the pages walked")
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients * 2)
        .build()
        .unwrap();
    let res = client
        .post(format!("{}/api/v1/auth/sign-in", args.url))
        .json(&serde_json::json!({"email": args.email, "password": args.password}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "sign-in failed");
    let token = res.json::<Session>().await.unwrap().access_token;
    let bench = Bench {
        client,
        url: args.url.clone(),
        token,
    };
    let start = args
        .start
        .clone()
        .map(|s| format!("start={s}"))
        .unwrap_or_default();
    let n = args.requests;
    let repeat = |path: String| vec![path; n];
    let slicer_sets = [
        "",
        "&market=US,DE,GB",
        "&offerType=SaaS,Virtual Machine",
        "&azureLicenseType=Enterprise&previewStatus=Live",
        "&marketplaceLicenseType=Billed Through Azure,Free&market=US",
    ];
    let varied = |base: &str| -> Vec<String> {
        (0..n)
            .map(|i| format!("{base}?{start}{}", slicer_sets[i % slicer_sets.len()]))
            .collect()
    };
    // Every request a query not asked before (start months and slicer sets), so that
    // no answer comes from the report cache.
    let months: Vec<String> = (0..20)
        .map(|i| {
            let m = chrono::Utc::now().date_naive() - chrono::Months::new(3 + i);
            m.format("%Y-%m").to_string()
        })
        .collect();
    let cold = |base: &str| -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "{base}?start={}{}&top={}",
                    months[i % months.len()],
                    slicer_sets[(i / months.len()) % slicer_sets.len()],
                    10 + i / 100
                )
            })
            .collect()
    };
    // The monthly view has no `top`: 20 start months times 5 slicer sets are 100
    // queries not asked before.
    let cold_monthly = |base: &str| -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "{base}?start={}{}",
                    months[i % months.len()],
                    slicer_sets[(i / months.len()) % slicer_sets.len()],
                )
            })
            .collect()
    };

    match args.part.as_str() {
        "latency" => {
            println!("| scenario | requests | p50 ms | p95 ms | max ms |");
            println!("|---|---|---|---|---|");
            bench
                .latency(
                    "summary",
                    &repeat(format!("/api/v1/reports/summary?{start}")),
                )
                .await;
            bench
                .latency(
                    "orders monthly (5 slicer sets)",
                    &varied("/api/v1/reports/orders/monthly"),
                )
                .await;
            bench
                .latency(
                    "orders trend, every query new (uncached)",
                    &cold("/api/v1/reports/orders/trend"),
                )
                .await;
            bench
                .latency(
                    "usage trend, every query new (uncached)",
                    &cold("/api/v1/reports/usage/trend"),
                )
                .await;
            bench
                .latency(
                    "orders monthly, every query new (uncached)",
                    &cold_monthly("/api/v1/reports/orders/monthly"),
                )
                .await;
            bench
                .latency(
                    "usage monthly, every query new (uncached)",
                    &cold_monthly("/api/v1/reports/usage/monthly"),
                )
                .await;
            bench
                .latency(
                    "usage monthly (5 slicer sets)",
                    &varied("/api/v1/reports/usage/monthly"),
                )
                .await;
            bench
                .latency(
                    "orders trend, top 10 (5 slicer sets)",
                    &varied("/api/v1/reports/orders/trend"),
                )
                .await;
            bench
                .latency(
                    "usage trend, top 10 (5 slicer sets)",
                    &varied("/api/v1/reports/usage/trend"),
                )
                .await;
            let grid = format!("/api/v1/reports/usage/details?{start}&pageSize=50");
            bench
                .latency(
                    "usage details, first page, default sort",
                    &repeat(grid.clone()),
                )
                .await;
            let deep = bench
                .cursor_after(
                    &format!("/api/v1/reports/usage/details?{start}&pageSize=1000"),
                    100,
                )
                .await;
            // The cursor belongs to pageSize-free query parameters, so it continues a
            // 50-row page 100,000 rows deep.
            bench
                .latency(
                    "usage details, 100,000 rows deep",
                    &repeat(format!("{grid}&cursor={deep}")),
                )
                .await;
            for (name, query) in [
                (
                    "usage details, eq filter, default sort",
                    "&filter=OfferType:in:SaaS",
                ),
                (
                    "usage details, range filter, default sort",
                    "&filter=NormalizedUsage:ge:10",
                ),
                (
                    "usage details, sorted by CustomerCountry",
                    "&sort=CustomerCountry",
                ),
                (
                    "usage details, sorted by -NormalizedUsage, eq filter",
                    "&sort=-NormalizedUsage&filter=OfferType:in:SaaS",
                ),
                (
                    "usage details, contains filter (no offer matches)",
                    "&filter=OfferName:contains:cloud",
                ),
                (
                    "usage details, contains filter (one offer matches)",
                    "&filter=OfferName:contains:gateway",
                ),
                (
                    "usage details, CustomerCompanyName contains (no company matches)",
                    "&filter=CustomerCompanyName:contains:zz",
                ),
                (
                    "usage details, CustomerCompanyName contains (one company of 480)",
                    "&filter=CustomerCompanyName:contains:pioneer%20telecom",
                ),
                (
                    "usage details, UsageReference contains (scans)",
                    "&filter=UsageReference:contains:zz",
                ),
                ("orders details, first page", ""),
                (
                    "orders details, sorted by OrderQuantity, range filter",
                    "&sort=OrderQuantity&filter=OrderQuantity:ge:5",
                ),
            ] {
                let base = if name.starts_with("orders") {
                    format!("/api/v1/reports/orders/details?{start}&pageSize=50{query}")
                } else {
                    format!("{grid}{query}")
                };
                // Sorts and text filters without an index take seconds at 10M rows.
                bench.latency(name, &vec![base; n.min(10)]).await;
            }
            // A subscription's usage rows (the grid filtered by its ID, which resolves to
            // its customers, m0011): the first non-BYOL subscription of the first page.
            let (_, body) = bench.get(&grid).await;
            let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let subscription = page["rows"]
                .as_array()
                .expect("usage rows")
                .iter()
                .filter(|r| r["marketplaceLicenseType"] != "Bring Your Own License")
                .find_map(|r| r["marketplaceSubscriptionId"].as_str())
                .expect("a non-BYOL usage row")
                .to_owned();
            bench
                .latency(
                    "usage details, MarketplaceSubscriptionId eq",
                    &repeat(format!(
                        "{grid}&filter=MarketplaceSubscriptionId:eq:{subscription}"
                    )),
                )
                .await;
            // One customer's view (profile, subscriptions, orders, usage by month); not
            // cached, so every request computes it.
            let (_, body) = bench
                .get("/api/v1/reports/customers/details?pageSize=5")
                .await;
            let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let views: Vec<String> = page["rows"]
                .as_array()
                .expect("customer rows")
                .iter()
                .filter_map(|r| r["customerId"].as_str())
                .map(|id| format!("/api/v1/reports/customers/{id}"))
                .collect();
            let views: Vec<String> = views.iter().cycle().take(n.min(20)).cloned().collect();
            bench.latency("customer view (5 customers)", &views).await;
        }
        "load" => {
            println!("| endpoint | clients | seconds | requests | requests/s | errors | p95 ms |");
            println!("|---|---|---|---|---|---|---|");
            for path in [
                format!("/api/v1/reports/summary?{start}"),
                format!("/api/v1/reports/orders/monthly?{start}"),
                format!("/api/v1/reports/usage/trend?{start}"),
            ] {
                let deadline = Instant::now() + Duration::from_secs(args.seconds);
                let mut tasks = Vec::new();
                for _ in 0..args.clients {
                    let client = bench.client.clone();
                    let url = format!("{}{}", bench.url, path);
                    let token = bench.token.clone();
                    tasks.push(tokio::spawn(async move {
                        let mut times = Vec::new();
                        let mut errors = 0usize;
                        while Instant::now() < deadline {
                            let t = Instant::now();
                            match client.get(&url).bearer_auth(&token).send().await {
                                Ok(r) if r.status() == 200 => {
                                    let _ = r.bytes().await;
                                    times.push(t.elapsed());
                                }
                                _ => errors += 1,
                            }
                        }
                        (times, errors)
                    }));
                }
                let mut times = Vec::new();
                let mut errors = 0;
                for t in tasks {
                    let (mut ts, e) = t.await.unwrap();
                    times.append(&mut ts);
                    errors += e;
                }
                times.sort();
                println!(
                    "| {path} | {} | {} | {} | {:.0} | {errors} | {} |",
                    args.clients,
                    args.seconds,
                    times.len(),
                    times.len() as f64 / args.seconds as f64,
                    ms(percentile(&times, 0.95))
                );
            }
        }
        "csv" | "xlsx" => {
            let format = args.part.as_str();
            let path = format!("/api/v1/reports/usage/details?{start}&total=true&pageSize=1");
            let (_, body) = bench.get(&path).await;
            let total = serde_json::from_slice::<Page>(&body)
                .unwrap()
                .total
                .unwrap();
            let before = peak_rss_mb(args.server_pid);
            let cpu_before = cpu_seconds(args.server_pid);
            let t = Instant::now();
            let res = bench
                .client
                .get(format!(
                    "{}/api/v1/reports/usage/details?{start}&format={format}",
                    bench.url
                ))
                .bearer_auth(&bench.token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let body = res.bytes().await.unwrap();
            let elapsed = t.elapsed();
            let rows = if format == "csv" {
                body.iter().filter(|b| **b == b'\n').count() as u64 - 1
            } else {
                total
            };
            assert_eq!(rows, total, "the download holds every matching row");
            let cpu = match (cpu_before, cpu_seconds(args.server_pid)) {
                (Some(a), Some(b)) => format!("{:.2}", b - a),
                _ => "?".into(),
            };
            println!(
                "| {format} download | {total} rows | {:.2} s | {:.1} MB | server peak RSS {} MB (before: {} MB) | server CPU {cpu} s |",
                elapsed.as_secs_f64(),
                body.len() as f64 / 1e6,
                peak_rss_mb(args.server_pid).map_or("?".into(), |m| format!("{m:.0}")),
                before.map_or("?".into(), |m| format!("{m:.0}")),
            );
        }
        other => panic!("unknown part {other}"),
    }
}
