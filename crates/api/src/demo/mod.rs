//! The demo-data generator: realistic, deterministic under a seed, any size.
//!
//! Every row goes through the one store path ([`crate::store::store_batch`]) in batches
//! of one dataset, publisher and month, exactly as ingested data would, in the order
//! ingestion accepts: customers first, then orders and usage, then licenses and payouts
//! (each batch is checked with ingestion's reference checks as it is made).

mod catalog;

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::DatabaseConnection;
use shared::Month;
use shared::auth::{Permission, Role};
use shared::dictionary::{
    AzureLicenseType, CustomerType, Dataset, LicenseState, OfferType, OrderStatus, PayoutStatus,
    SkuBillingType, UsageType, country_name,
};
use uuid::Uuid;

use crate::db::entities::{customers, licenses, orders, payouts, usage};
use crate::ingest::references::{Known, check_batch};
use crate::store::{BatchMeta, FactBatch, store_batch};
use crate::users::{NewUser, create_publisher, create_user};
use catalog::{OfferTemplate, PlanTemplate};

/// How much demo data to make.
#[derive(Clone, Debug)]
pub struct DemoSpec {
    /// Publishers.
    pub publishers: u32,
    /// Months of data, ending with `end`.
    pub months: u32,
    /// The last month (data runs up to `today` within it).
    pub end: Month,
    /// The last day with data.
    pub today: NaiveDate,
    /// Orders in all.
    pub orders: u64,
    /// Usage rows in all (approximately: days are sampled to reach it).
    pub usage_rows: u64,
    /// Seed: the same seed, sizes and end give the same data.
    pub seed: u64,
    /// Password of every demo account.
    pub password: String,
    /// Draw a progress bar on the terminal.
    pub progress: bool,
}

impl DemoSpec {
    /// The default demo ending today.
    pub fn ending_today(
        publishers: u32,
        months: u32,
        orders: u64,
        usage_rows: u64,
        seed: u64,
        password: String,
    ) -> Self {
        let today = Utc::now().date_naive();
        Self {
            publishers,
            months: months.max(1),
            end: Month::of(today),
            today,
            orders,
            usage_rows,
            seed,
            password,
            progress: true,
        }
    }
}

impl DemoSpec {
    /// The months with data, oldest first, ending with `end`.
    pub fn month_range(&self) -> Vec<Month> {
        self.end
            .plus_months(-(self.months as i32 - 1))
            .through(self.end)
            .collect()
    }
}

/// A demo account to sign in with.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    /// Email address.
    pub email: String,
    /// Password.
    pub password: String,
    /// Role.
    pub role: Role,
    /// The publisher's name.
    pub publisher: String,
}

/// What the generator wrote.
#[derive(Clone, Debug, Default)]
pub struct DemoStats {
    /// Rows written per dataset slug.
    pub rows: HashMap<&'static str, u64>,
}

impl DemoStats {
    /// Rows written in all.
    pub fn total(&self) -> u64 {
        self.rows.values().sum()
    }
}

/// Creates the demo publishers with their accounts and data.
pub async fn load(
    db: &DatabaseConnection,
    spec: &DemoSpec,
) -> anyhow::Result<(Vec<DemoAccount>, DemoStats)> {
    let expected = spec.orders * 2 + spec.usage_rows;
    let bar = if spec.progress {
        ProgressBar::new(expected)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:24} [{bar:40}] {human_pos}/{human_len} rows, {per_sec}, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut accounts = Vec::new();
    let mut stats = DemoStats::default();
    for index in 0..spec.publishers {
        let (slug, name) = publisher_name(index);
        bar.set_message(name.clone());
        let publisher = create_publisher(db, &slug, &name)
            .await
            .with_context(|| format!("creating publisher {slug}"))?;
        for (local, first, last, role, perms) in [
            (
                "admin",
                "Avery",
                "Admin",
                Role::Administrator,
                Permission::ALL,
            ),
            (
                "analyst",
                "Sam",
                "Analyst",
                Role::User,
                &[Permission::Summary, Permission::Orders, Permission::Usage][..],
            ),
        ] {
            let email = format!("{local}@{slug}.example");
            create_user(
                db,
                NewUser {
                    publisher_id: publisher.publisher_id,
                    email: &email,
                    first_name: first,
                    last_name: last,
                    role,
                    permissions: perms,
                    password: Some(&spec.password),
                },
            )
            .await
            .with_context(|| format!("creating {email}"))?;
            accounts.push(DemoAccount {
                email,
                password: spec.password.clone(),
                role,
                publisher: name.clone(),
            });
        }
        let share = spec.orders / u64::from(spec.publishers.max(1))
            + u64::from(index < (spec.orders % u64::from(spec.publishers.max(1))) as u32);
        let usage_share = spec.usage_rows / u64::from(spec.publishers.max(1));
        let seed = spec.seed ^ (u64::from(index) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);

        // Generation runs on a blocking thread and hands batches over a short queue, so
        // making the next month overlaps with storing this one.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, FactBatch)>(2);
        let generator =
            PublisherGenerator::new(publisher.publisher_id, &slug, &name, spec.clone(), seed);
        let producer = tokio::task::spawn_blocking(move || generator.run(share, usage_share, &tx));
        while let Some((key, batch)) = rx.recv().await {
            store(
                db,
                publisher.publisher_id,
                spec.seed,
                key,
                batch,
                &bar,
                &mut stats,
            )
            .await?;
        }
        producer
            .await
            .context("the demo generator stopped")?
            .map_err(anyhow::Error::msg)?;
    }
    bar.finish_and_clear();
    Ok((accounts, stats))
}

fn publisher_name(index: u32) -> (String, String) {
    let (slug, name) = catalog::PUBLISHERS[index as usize % catalog::PUBLISHERS.len()];
    let round = index as usize / catalog::PUBLISHERS.len();
    if round == 0 {
        (slug.to_owned(), name.to_owned())
    } else {
        (
            format!("{slug}{}", round + 1),
            format!("{name} {}", round + 1),
        )
    }
}

/// Picks an index with probability proportional to its weight.
fn pick(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

fn fixed4(value: f64) -> i64 {
    (value * 10_000.0).round() as i64
}

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

#[derive(Clone, Debug)]
struct Customer {
    id: String,
    billing_account: String,
    company: String,
    first_name: String,
    last_name: String,
    email: String,
    market: &'static str,
    azure_license_type: AzureLicenseType,
    customer_type: CustomerType,
    culture: &'static str,
    has_ordered: bool,
}

#[derive(Clone, Debug)]
struct Offer {
    id: String,
    name: String,
    template: &'static OfferTemplate,
}

#[derive(Clone, Debug)]
struct Order {
    row: orders::Model,
    customer: usize,
    offer: usize,
    plan: &'static PlanTemplate,
    /// The last day the subscription runs (its cancel date, or the data's last day).
    until: NaiveDate,
    vm: (&'static str, i32),
}

struct PublisherGenerator {
    publisher_id: i64,
    slug: String,
    spec: DemoSpec,
    rng: ChaCha8Rng,
    offers: Vec<Offer>,
    customers: Vec<Customer>,
}

impl PublisherGenerator {
    fn new(publisher_id: i64, slug: &str, name: &str, spec: DemoSpec, seed: u64) -> Self {
        let brand = name.split_whitespace().next().unwrap_or(name);
        let offers = catalog::OFFERS
            .iter()
            .map(|t| Offer {
                id: format!("{slug}-{}", t.suffix.to_lowercase().replace(' ', "-")),
                name: format!("{brand} {}", t.suffix),
                template: t,
            })
            .collect();
        Self {
            publisher_id,
            slug: slug.to_owned(),
            spec,
            rng: ChaCha8Rng::seed_from_u64(seed),
            offers,
            customers: Vec::new(),
        }
    }

    fn make_customers(&mut self, count: usize) {
        let market_weights: Vec<f64> = (0..catalog::MARKETS.len())
            .map(|i| 1.0 / ((i + 1) as f64).powf(1.1))
            .collect();
        for n in 0..count {
            let rng = &mut self.rng;
            let market = catalog::MARKETS[pick(rng, &market_weights)];
            let company = format!(
                "{} {}",
                catalog::COMPANY_FIRST[rng.random_range(0..catalog::COMPANY_FIRST.len())],
                catalog::COMPANY_SECOND[rng.random_range(0..catalog::COMPANY_SECOND.len())]
            );
            let first_name =
                catalog::FIRST_NAMES[rng.random_range(0..catalog::FIRST_NAMES.len())].to_owned();
            let last_name =
                catalog::LAST_NAMES[rng.random_range(0..catalog::LAST_NAMES.len())].to_owned();
            let customer_type = if rng.random_bool(0.85) {
                CustomerType::Organization
            } else {
                CustomerType::Individual
            };
            let azure_license_type = AzureLicenseType::ALL[pick(rng, &[0.25, 0.3, 0.15, 0.3])];
            let id = uuid(rng).to_string();
            let billing_account = uuid(rng).to_string();
            let domain = company.to_lowercase().replace(' ', "");
            self.customers.push(Customer {
                email: format!(
                    "{}.{}{n}@{domain}.example",
                    first_name.to_lowercase(),
                    last_name.to_lowercase()
                ),
                id,
                billing_account,
                company,
                first_name,
                last_name,
                market,
                azure_license_type,
                customer_type,
                culture: culture_of(market),
                has_ordered: false,
            });
        }
    }

    fn make_orders(&mut self, total: u64) -> Vec<Order> {
        let months = self.spec.month_range();
        // Business grows: later months sell more than earlier ones.
        let weights: Vec<f64> = months
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let growth = 1.0 + 1.5 * i as f64 / months.len().max(1) as f64;
                let days = (m.last_day().min(self.spec.today) - m.first_day()).num_days() + 1;
                growth * days.max(0) as f64 / 30.0
            })
            .collect();
        let weight_sum: f64 = weights.iter().sum();
        let offer_weights: Vec<f64> = self.offers.iter().map(|o| o.template.weight).collect();
        let mut result = Vec::with_capacity(total as usize);
        let mut carried = 0.0;
        let mut made = 0u64;
        for (i, (month, weight)) in months.iter().zip(&weights).enumerate() {
            // Whole orders per month, carrying the fractions forward; the last month takes
            // what is left so the total is exact.
            let count = if i + 1 == months.len() {
                total - made
            } else {
                let exact = total as f64 * weight / weight_sum + carried;
                let count = (exact.floor() as u64).min(total - made);
                carried = exact - count as f64;
                count
            };
            made += count;
            let last_day = month.last_day().min(self.spec.today);
            let days = (last_day - month.first_day()).num_days() + 1;
            for _ in 0..count {
                let purchase =
                    month.first_day() + Duration::days(self.rng.random_range(0..days.max(1)));
                let offer = pick(&mut self.rng, &offer_weights);
                let order = self.make_order(purchase, offer);
                result.push(order);
            }
        }
        result
    }

    fn make_order(&mut self, purchase: NaiveDate, offer_index: usize) -> Order {
        let offer = &self.offers[offer_index];
        let template = offer.template;
        let rng = &mut self.rng;
        let plan = &template.plans[pick(
            rng,
            &template.plans.iter().map(|p| p.weight).collect::<Vec<_>>(),
        )];
        let customer_index = rng.random_range(0..self.customers.len());
        let customer = &mut self.customers[customer_index];
        let is_new_customer = !customer.has_ordered;
        customer.has_ordered = true;
        let quantity: i64 = match template.offer_type {
            OfferType::SaaS | OfferType::Dynamics365App | OfferType::PowerBiApp => {
                let r: f64 = rng.random();
                (1.0 + 60.0 * r * r * r).round() as i64
            }
            OfferType::VirtualMachine => rng.random_range(1..=4),
            _ => rng.random_range(1..=2),
        };
        let paid = plan.license.is_paid();
        let has_trial =
            paid && matches!(
                template.offer_type,
                OfferType::SaaS | OfferType::VirtualMachine
            ) && rng.random_bool(0.3);
        let trial_end = has_trial.then(|| purchase + Duration::days(30));
        let cancel = if rng.random_bool(0.12) {
            let date = purchase + Duration::days(rng.random_range(10..400));
            (date <= self.spec.today).then_some(date)
        } else {
            None
        };
        let term_start = trial_end.unwrap_or(purchase);
        let currency = catalog::currency_of(customer.market);
        let charges = plan.monthly_price * quantity as f64 * catalog::per_usd(currency);
        let vm = catalog::VM_SIZES[rng.random_range(0..catalog::VM_SIZES.len())];
        let row = orders::Model {
            publisher_id: self.publisher_id,
            order_id: uuid(rng).to_string(),
            marketplace_subscription_id: uuid(rng).to_string(),
            month_start_date: Month::of(purchase).first_day(),
            offer_id: offer.id.clone(),
            offer_name: offer.name.clone(),
            offer_type: template.offer_type.name().to_owned(),
            sku: plan.sku.to_owned(),
            azure_license_type: customer.azure_license_type.name().to_owned(),
            channel: customer.azure_license_type.channel().name().to_owned(),
            marketplace_license_type: plan.license.name().to_owned(),
            customer_country: customer.market.to_owned(),
            is_preview_sku: plan.preview,
            order_quantity: quantity,
            is_new_customer,
            order_status: if cancel.is_some() {
                OrderStatus::Cancelled
            } else {
                OrderStatus::Active
            }
            .name()
            .to_owned(),
            order_purchase_date: purchase,
            order_cancel_date: cancel,
            trial_end_date: trial_end,
            has_trial,
            term_start_date: Some(term_start),
            term_end_date: Some(term_start + Duration::days(364)),
            purchase_record_id: format!("PR-{}", &uuid(rng).simple().to_string()[..12]),
            purchase_record_line_item_id: "1".to_owned(),
            customer_id: customer.id.clone(),
            customer_name: format!("{} {}", customer.first_name, customer.last_name),
            customer_company_name: customer.company.clone(),
            billing_account_id: customer.billing_account.clone(),
            estimated_charges: fixed4(charges),
            currency: currency.to_owned(),
        };
        Order {
            until: cancel.unwrap_or(self.spec.today),
            row,
            customer: customer_index,
            offer: offer_index,
            plan,
            vm,
        }
    }

    /// Makes the publisher's data and sends it batch by batch: its customers, then a month
    /// at a time. Fails if a batch names what no earlier batch brought.
    fn run(
        mut self,
        orders_total: u64,
        usage_total: u64,
        tx: &tokio::sync::mpsc::Sender<(String, FactBatch)>,
    ) -> Result<(), String> {
        let customer_count = ((orders_total / 3) as usize).max(10);
        self.make_customers(customer_count);
        let orders = self.make_orders(orders_total);
        let months = self.spec.month_range();

        // Usage-bearing subscriptions report on a sample of their active days, sized so
        // that the publisher's usage rows come to about its share.
        let usage_orders: Vec<&Order> = orders.iter().filter(|o| has_usage(o)).collect();
        let active_days: i64 = usage_orders
            .iter()
            .map(|o| (o.until - o.row.order_purchase_date).num_days() + 1)
            .sum();
        let day_share = if active_days > 0 {
            (usage_total as f64 / active_days as f64).min(1.0)
        } else {
            0.0
        };

        let slug = self.slug.clone();
        // The batches go in the order ingestion accepts (`ingest::references`): customers,
        // then each month's orders and usage, then its licenses and payouts. Each is
        // checked against what the batches before it brought, as ingestion would check it
        // against what a fresh publisher has stored; a problem is a bug here.
        let mut known = Known::default();
        let mut send = |key: String, batch: FactBatch| -> Result<bool, String> {
            check_batch(&mut known, &batch).map_err(|e| format!("demo batch {key}: {e}"))?;
            // A closed channel means the consumer failed; it reports why, so stop quietly.
            Ok(tx.blocking_send((key, batch)).is_ok())
        };
        if !send(
            format!("demo:{slug}:customers"),
            FactBatch::Customers(self.customer_rows(&orders)),
        )? {
            return Ok(());
        }
        for month in &months {
            let first = month.first_day();
            let in_month: Vec<orders::Model> = orders
                .iter()
                .filter(|o| o.row.month_start_date == first)
                .map(|o| o.row.clone())
                .collect();
            let usage = self.usage_rows(&usage_orders, *month, day_share);
            let licenses = self.license_rows(&orders, *month);
            let payouts = self.payout_rows(&orders, *month);
            if !(send(
                format!("demo:{slug}:orders:{month}"),
                FactBatch::Orders(in_month),
            )? && send(
                format!("demo:{slug}:usage:{month}"),
                FactBatch::Usage(usage),
            )? && send(
                format!("demo:{slug}:licenses:{month}"),
                FactBatch::Licenses(licenses),
            )? && send(
                format!("demo:{slug}:payouts:{month}"),
                FactBatch::Payouts(payouts),
            )?) {
                return Ok(());
            }
        }
        Ok(())
    }

    fn usage_rows(
        &mut self,
        usage_orders: &[&Order],
        month: Month,
        day_share: f64,
    ) -> Vec<usage::Model> {
        let mut rows = Vec::new();
        for order in usage_orders {
            let from = order.row.order_purchase_date.max(month.first_day());
            let to = order.until.min(month.last_day());
            let mut day = from;
            while day <= to {
                if self.rng.random_bool(day_share) {
                    rows.push(self.usage_row(order, day));
                }
                day += Duration::days(1);
            }
        }
        // A marketplace's usage feed arrives day by day, so the rows are stored in date
        // order as a real feed stores them (the period's rows then sit together on disk,
        // which is what the date-sorted grid and its downloads read).
        rows.sort_unstable_by(|a, b| {
            (a.usage_date, &a.marketplace_subscription_id, &a.meter_id).cmp(&(
                b.usage_date,
                &b.marketplace_subscription_id,
                &b.meter_id,
            ))
        });
        rows
    }

    fn usage_row(&mut self, order: &Order, day: NaiveDate) -> usage::Model {
        let o = &order.row;
        let customer = &self.customers[order.customer];
        let metered = order.plan.sku == "backup-metered";
        let (vm_size, cores) = if metered { ("", 0) } else { order.vm };
        let raw = if metered {
            0.0
        } else if self.rng.random_bool(0.7) {
            24.0
        } else {
            (self.rng.random_range(100..2400) as f64) / 100.0
        };
        let units = if metered {
            (self.rng.random_range(1_000..50_000) as f64) / 100.0
        } else {
            0.0
        };
        let hourly = order.plan.monthly_price / 730.0;
        let charge_usd = if metered {
            units * 0.05
        } else {
            raw * hourly * o.order_quantity as f64
        };
        let per_usd = catalog::per_usd(&o.currency);
        usage::Model {
            publisher_id: self.publisher_id,
            marketplace_subscription_id: o.marketplace_subscription_id.clone(),
            usage_date: day,
            meter_id: if metered {
                "backup-protected-gb".to_owned()
            } else {
                format!("vm-{}-hours", vm_size.to_lowercase())
            },
            month_start_date: Month::of(day).first_day(),
            offer_id: o.offer_id.clone(),
            offer_name: o.offer_name.clone(),
            offer_type: o.offer_type.clone(),
            sku: o.sku.clone(),
            plan_id: format!("{}-{}", o.offer_id, o.sku),
            sku_billing_type: if order.plan.license.is_paid() {
                SkuBillingType::Paid
            } else {
                SkuBillingType::Free
            }
            .name()
            .to_owned(),
            azure_license_type: o.azure_license_type.clone(),
            channel: o.channel.clone(),
            marketplace_license_type: o.marketplace_license_type.clone(),
            customer_country: o.customer_country.clone(),
            is_preview_sku: o.is_preview_sku,
            is_private_offer: customer.customer_type == CustomerType::Organization
                && order.offer.is_multiple_of(5),
            vm_size: vm_size.to_owned(),
            core_size: cores,
            deployment_method: match self.offers[order.offer].template.offer_type {
                OfferType::AzureApplication => "Managed Application",
                OfferType::Container => "Kubernetes",
                OfferType::SaaS => "SaaS",
                _ => "Virtual Machine",
            }
            .to_owned(),
            usage_type: if metered {
                UsageType::Metered
            } else {
                UsageType::VmNormalized
            }
            .name()
            .to_owned(),
            normalized_usage: fixed4(raw * f64::from(cores)),
            raw_usage: fixed4(raw),
            metered_usage: fixed4(units),
            meter_dimension: if metered { "Protected GB" } else { "" }.to_owned(),
            usage_unit: if metered { "GB" } else { "Hours" }.to_owned(),
            usage_reference: format!(
                "{}-{}",
                &o.marketplace_subscription_id[..8],
                day.format("%Y%m%d")
            ),
            customer_id: o.customer_id.clone(),
            customer_name: o.customer_name.clone(),
            customer_company_name: o.customer_company_name.clone(),
            billing_account_id: o.billing_account_id.clone(),
            customer_currency_cc: o.currency.clone(),
            price_cc: fixed4(hourly * per_usd),
            estimated_extended_charge_cc: fixed4(charge_usd * per_usd),
            payout_currency_pc: "USD".to_owned(),
            estimated_extended_charge_pc: fixed4(charge_usd),
        }
    }

    fn license_rows(&mut self, orders: &[Order], month: Month) -> Vec<licenses::Model> {
        let mut rows: HashMap<(String, String, String), licenses::Model> = HashMap::new();
        for order in orders.iter().filter(|o| has_licenses(o)) {
            let o = &order.row;
            if o.order_purchase_date > month.last_day() || order.until < month.first_day() {
                continue;
            }
            let customer = &self.customers[order.customer];
            let cancelled_here = o.order_cancel_date.is_some_and(|d| Month::of(d) == month);
            let state = if cancelled_here {
                LicenseState::Expired
            } else if self.rng.random_bool(0.02) {
                LicenseState::Suspended
            } else {
                LicenseState::Active
            };
            let provisioned = o.order_quantity;
            let assigned = ((provisioned as f64) * self.rng.random_range(0.4..=1.0)).floor() as i64;
            let key = (o.customer_id.clone(), o.offer_id.clone(), o.sku.clone());
            rows.entry(key)
                .and_modify(|r| {
                    r.licenses_provisioned += provisioned;
                    r.licenses_assigned += assigned;
                })
                .or_insert_with(|| licenses::Model {
                    publisher_id: self.publisher_id,
                    month_start_date: month.first_day(),
                    customer_id: o.customer_id.clone(),
                    product_id: o.offer_id.clone(),
                    plan_name: o.sku.clone(),
                    customer_country: country_name(customer.market)
                        .unwrap_or(customer.market)
                        .to_owned(),
                    customer_country_code: customer.market.to_owned(),
                    customer_name: customer.company.clone(),
                    activation_date: o.order_purchase_date,
                    product_display_name: o.offer_name.clone(),
                    service_id: format!("svc-{}", o.sku),
                    license_state: state.name().to_owned(),
                    licenses_assigned: assigned,
                    licenses_provisioned: provisioned,
                    offer_type: o.offer_type.clone(),
                });
        }
        let mut rows: Vec<licenses::Model> = rows.into_values().collect();
        rows.sort_by(|a, b| {
            (&a.customer_id, &a.product_id, &a.plan_name).cmp(&(
                &b.customer_id,
                &b.product_id,
                &b.plan_name,
            ))
        });
        rows
    }

    fn payout_rows(&mut self, orders: &[Order], month: Month) -> Vec<payouts::Model> {
        let end = self.spec.end;
        let mut rows = Vec::new();
        for order in orders
            .iter()
            .filter(|o| o.plan.license.is_paid() && o.plan.monthly_price > 0.0)
        {
            let o = &order.row;
            if o.order_purchase_date > month.last_day() || order.until < month.first_day() {
                continue;
            }
            let per_usd = catalog::per_usd(&o.currency);
            let usd = order.plan.monthly_price * o.order_quantity as f64;
            let earning = usd * 0.97;
            let status = if month.plus_months(2) <= end {
                if self.rng.random_bool(0.01) {
                    PayoutStatus::Rejected
                } else {
                    PayoutStatus::Sent
                }
            } else if month < end {
                PayoutStatus::Upcoming
            } else {
                PayoutStatus::Unprocessed
            };
            let payout_month = month.plus_months(2).first_day();
            rows.push(payouts::Model {
                publisher_id: self.publisher_id,
                purchase_record_id: format!(
                    "{}-{:04}{:02}",
                    o.purchase_record_id,
                    month.year(),
                    month.month()
                ),
                line_item_id: o.purchase_record_line_item_id.clone(),
                month_start_date: month.first_day(),
                offer_name: o.offer_name.clone(),
                offer_type: o.offer_type.clone(),
                sku: o.sku.clone(),
                customer_id: o.customer_id.clone(),
                channel: o.channel.clone(),
                transaction_amount_cc: fixed4(usd * per_usd),
                customer_currency_cc: o.currency.clone(),
                earning_amount_pc: fixed4(earning),
                payout_currency_pc: "USD".to_owned(),
                earning_amount_usd: fixed4(earning),
                payout_status: status.name().to_owned(),
                estimated_payout_month: payout_month,
                payment_sent_date: (status == PayoutStatus::Sent)
                    .then(|| payout_month.with_day(15).unwrap_or(payout_month)),
            });
        }
        rows
    }

    fn customer_rows(&self, orders: &[Order]) -> Vec<customers::Model> {
        orders
            .iter()
            .map(|order| {
                let o = &order.row;
                let c = &self.customers[order.customer];
                customers::Model {
                    publisher_id: self.publisher_id,
                    customer_id: c.id.clone(),
                    marketplace_subscription_id: o.marketplace_subscription_id.clone(),
                    billing_account_id: c.billing_account.clone(),
                    customer_type: c.customer_type.name().to_owned(),
                    customer_company_name: c.company.clone(),
                    first_name: c.first_name.clone(),
                    last_name: c.last_name.clone(),
                    email: c.email.clone(),
                    customer_city: city_of(c.market).to_owned(),
                    customer_state: String::new(),
                    customer_postal_code: String::new(),
                    customer_country_region: c.market.to_owned(),
                    customer_communication_culture: c.culture.to_owned(),
                    azure_license_type: o.azure_license_type.clone(),
                    marketplace_license_type: o.marketplace_license_type.clone(),
                    offer_name: o.offer_name.clone(),
                    plan_id: format!("{}-{}", o.offer_id, o.sku),
                    sku: o.sku.clone(),
                    date_acquired: o.order_purchase_date,
                    date_lost: o.order_cancel_date,
                    last_modified_at: o
                        .order_cancel_date
                        .unwrap_or(o.order_purchase_date)
                        .and_hms_opt(12, 0, 0)
                        .map(|t| t.and_utc())
                        .unwrap_or_default(),
                }
            })
            .collect()
    }
}

/// Stores one generated batch through the store path and advances the progress bar.
async fn store(
    db: &DatabaseConnection,
    publisher_id: i64,
    seed: u64,
    key: String,
    batch: FactBatch,
    bar: &ProgressBar,
    stats: &mut DemoStats,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let dataset = batch.dataset();
    let rows = batch.len() as u64;
    if matches!(dataset, Dataset::Licenses | Dataset::Payouts) {
        // The bar's length counted orders, customers and usage up front; these two
        // datasets' sizes are known only as they are made.
        bar.inc_length(rows);
    }
    let meta = BatchMeta {
        publisher_id,
        content_sha256: BatchMeta::digest(format!("{seed}:{key}").as_bytes()),
        batch_key: key,
        source: "demo",
    };
    store_batch(db, &meta, batch)
        .await
        .with_context(|| format!("storing {}", meta.batch_key))?;
    *stats.rows.entry(dataset.slug()).or_default() += rows;
    bar.inc(rows);
    Ok(())
}

fn has_usage(order: &Order) -> bool {
    matches!(
        order.row.offer_type.as_str(),
        t if t == OfferType::VirtualMachine.name() || t == OfferType::AzureApplication.name() || t == OfferType::Container.name()
    ) || order.plan.sku == "backup-metered"
}

fn has_licenses(order: &Order) -> bool {
    let t = order.row.offer_type.as_str();
    (t == OfferType::SaaS.name() && order.plan.sku != "backup-metered")
        || t == OfferType::Dynamics365App.name()
        || t == OfferType::PowerBiApp.name()
}

fn culture_of(market: &str) -> &'static str {
    match market {
        "DE" | "AT" | "CH" => "de-DE",
        "FR" | "BE" | "LU" => "fr-FR",
        "JP" => "ja-JP",
        "ES" | "MX" | "AR" | "CO" | "CL" | "PE" => "es-ES",
        "BR" | "PT" => "pt-BR",
        "IT" => "it-IT",
        "NL" => "nl-NL",
        "KR" => "ko-KR",
        _ => "en-US",
    }
}

fn city_of(market: &str) -> &'static str {
    match market {
        "US" => "Seattle",
        "GB" => "London",
        "DE" => "Berlin",
        "FR" => "Paris",
        "JP" => "Tokyo",
        "CA" => "Toronto",
        "AU" => "Sydney",
        "NL" => "Amsterdam",
        "IN" => "Bengaluru",
        "BR" => "São Paulo",
        _ => "",
    }
}
