//! `/customer?from=&to=&azureLicenseType=&marketplaceLicenseType=&filter=&sort=&pageSize=&cursor=`
//! and `/customer?customerId=…` for one customer.

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use shared::dictionary::{AzureLicenseType, MarketplaceLicenseType};
use shared::reports::customers::CustomerSummary;
use shared::reports::grid::{DEFAULT_PAGE_SIZE, PAGE_SIZES};
use shared::{ErrorCode, Problem};

use super::customer_view::CustomerViewPanel;
use crate::api::{CustomerQuery, GridQuery, SlicerChoice};
use crate::auth::use_auth;
use crate::components::chart::{Bar, BarChart, Orientation, raw};
use crate::components::data_grid::{DataGrid, Downloader};
use crate::components::feedback::{DataAsOf, Empty, ErrorNotice, Loading};
use crate::components::layout::set_page_title;
use crate::components::slicer::{Choice, MultiSelect};
use crate::format;
use crate::url::href;

/// The customer grid's columns.
const CUSTOMER_COLUMNS: &[&str] = &[
    "CustomerId",
    "MarketplaceSubscriptionId",
    "CustomerCompanyName",
    "FirstName",
    "LastName",
    "Email",
    "CustomerCountryRegion",
    "CustomerType",
    "AzureLicenseType",
    "MarketplaceLicenseType",
    "OfferName",
    "Sku",
    "DateAcquired",
    "DateLost",
];

/// The Customer page's whole state, as its URL says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerState {
    /// Period and slicers.
    pub query: CustomerQuery,
    /// The grid's filters, sort and page.
    pub grid: GridQuery,
    /// The customer whose own view is shown, if any.
    pub customer_id: Option<String>,
    /// What in the URL could not be read.
    pub invalid: Option<String>,
}

impl CustomerState {
    fn from_query(q: &ParamsMap) -> Self {
        let mut invalid = None;
        let mut date = |name: &str| {
            q.get(name).and_then(|t| match t.parse::<NaiveDate>() {
                Ok(d) => Some(d),
                Err(_) => {
                    invalid = Some(format!("'{t}' is not a date (YYYY-MM-DD) for '{name}'."));
                    None
                }
            })
        };
        let from = date("from");
        let to = date("to");
        let page_size = q
            .get("pageSize")
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|s| PAGE_SIZES.contains(s))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        Self {
            query: CustomerQuery {
                from,
                to,
                slicers: SlicerChoice::read(CustomerQuery::SLICERS, |n| q.get(n)),
            },
            grid: GridQuery {
                filters: q.get_all("filter").unwrap_or_default(),
                sort: q.get("sort"),
                page_size,
                cursors: q.get_all("cursor").unwrap_or_default(),
            },
            customer_id: q.get("customerId").filter(|c| !c.is_empty()),
            invalid,
        }
    }

    /// The page's address for this state.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Some(id) = &self.customer_id {
            pairs.push(("customerId".to_owned(), id.clone()));
        }
        if let Some(from) = self.query.from {
            pairs.push(("from".to_owned(), from.to_string()));
        }
        if let Some(to) = self.query.to {
            pairs.push(("to".to_owned(), to.to_string()));
        }
        pairs.extend(self.query.slicers.pairs());
        for f in &self.grid.filters {
            pairs.push(("filter".to_owned(), f.clone()));
        }
        if let Some(sort) = &self.grid.sort {
            pairs.push(("sort".to_owned(), sort.clone()));
        }
        if self.grid.page_size != DEFAULT_PAGE_SIZE {
            pairs.push(("pageSize".to_owned(), self.grid.page_size.to_string()));
        }
        for c in &self.grid.cursors {
            pairs.push(("cursor".to_owned(), c.clone()));
        }
        href("/customer", &pairs)
    }

    fn check(&self) -> Result<(), Problem> {
        match &self.invalid {
            Some(detail) => Err(Problem::new(ErrorCode::InvalidParameter, detail.clone())),
            None => Ok(()),
        }
    }
}

/// The Customer page: all customers, or one customer's view.
#[component]
pub fn CustomerPage() -> impl IntoView {
    set_page_title("Customer");
    let query_map = use_query_map();
    let state = Memo::new(move |_| query_map.with(CustomerState::from_query));
    let navigate = use_navigate();
    let go = Callback::new(move |next: CustomerState| {
        navigate(
            &next.href(),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });
    let customer_id = Memo::new(move |_| state.with(|s| s.customer_id.clone()));
    view! {
        {move || match customer_id.get() {
            Some(id) => view! { <CustomerViewPanel customer_id=id state=state/> }.into_any(),
            None => view! { <AllCustomers state=state go=go/> }.into_any(),
        }}
    }
}

fn enum_choices(values: &[&'static str]) -> Vec<Choice> {
    values.iter().map(|v| Choice::plain(v)).collect()
}

/// The slicers, dates, summary and grid of every customer.
#[component]
fn AllCustomers(state: Memo<CustomerState>, go: Callback<CustomerState>) -> impl IntoView {
    let auth = use_auth();
    let query = Memo::new(move |_| state.with(|s| (s.query.clone(), s.check())));
    let grid_query = Memo::new(move |_| state.with(|s| s.grid.clone()));
    let summary = LocalResource::new(move || {
        let (query, check) = query.get();
        let client = auth.client();
        async move {
            check?;
            client.customers_summary(&query).await
        }
    });
    let details = LocalResource::new(move || {
        let (query, check) = query.get();
        let grid = grid_query.get();
        let client = auth.client();
        async move {
            check?;
            client.customers_details(&query, &grid).await
        }
    });

    let azure = RwSignal::new(Vec::<String>::new());
    let marketplace = RwSignal::new(Vec::<String>::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    Effect::new(move |_| {
        let (q, _) = query.get();
        azure.set(q.slicers.get("azureLicenseType").to_vec());
        marketplace.set(q.slicers.get("marketplaceLicenseType").to_vec());
        // Without dates in the URL the inputs show the period the server chose.
        let echoed = summary.with(|s| {
            s.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|s| (s.filters.from, s.filters.to))
        });
        if let Some(f) = q.from.or(echoed.map(|e| e.0)) {
            from.set(f.to_string());
        }
        if let Some(t) = q.to.or(echoed.map(|e| e.1)) {
            to.set(t.to_string());
        }
    });

    let form_error = RwSignal::new(None::<String>);
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        let parse = |text: String, what: &str| -> Result<Option<NaiveDate>, String> {
            let text = text.trim().to_owned();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<NaiveDate>()
                .map(Some)
                .map_err(|_| format!("Enter the {what} as YYYY-MM-DD."))
        };
        let (f, t) = match (
            parse(from.get_untracked(), "start date"),
            parse(to.get_untracked(), "end date"),
        ) {
            (Ok(f), Ok(t)) => (f, t),
            (Err(e), _) | (_, Err(e)) => {
                form_error.set(Some(e));
                return;
            }
        };
        if let (Some(f), Some(t)) = (f, t)
            && f > t
        {
            form_error.set(Some("The start date is after the end date.".to_owned()));
            return;
        }
        form_error.set(None);
        let mut next = state.get_untracked();
        next.query.from = f;
        next.query.to = t;
        next.query
            .slicers
            .set("azureLicenseType", azure.get_untracked());
        next.query
            .slicers
            .set("marketplaceLicenseType", marketplace.get_untracked());
        next.grid.cursors.clear();
        next.invalid = None;
        go.run(next);
    };

    let grid_change = Callback::new(move |grid: GridQuery| {
        let mut next = state.get_untracked();
        next.grid = grid;
        go.run(next);
    });
    let downloader: Downloader = Callback::new(move |format| {
        let client = auth.client();
        let (query, grid) = state.with_untracked(|s| (s.query.clone(), s.grid.clone()));
        Box::pin(async move { client.download_customers(&query, &grid, format).await })
            as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>
    });

    let azure_choices = Signal::derive(|| {
        enum_choices(
            &AzureLicenseType::ALL
                .iter()
                .map(|v| v.name())
                .collect::<Vec<_>>(),
        )
    });
    let marketplace_choices = Signal::derive(|| {
        enum_choices(
            &MarketplaceLicenseType::ALL
                .iter()
                .map(|v| v.name())
                .collect::<Vec<_>>(),
        )
    });

    view! {
        <div class="page-header">
            <h1>"Customer"</h1>
            <p class="page-lead">"Your customers between two dates, by Marketplace License Type, and each one's subscriptions."</p>
        </div>
        <form class="toolbar" on:submit=apply aria-label="Customer slicers and period">
            <MultiSelect name="azureLicenseType" label="Azure License Type" choices=azure_choices selected=azure/>
            <MultiSelect name="marketplaceLicenseType" label="Marketplace License Type" choices=marketplace_choices selected=marketplace/>
            <div class="field field-inline">
                <label for="from-date">"Start date"</label>
                <input id="from-date" type="date" bind:value=from/>
            </div>
            <div class="field field-inline">
                <label for="to-date">"End date"</label>
                <input id="to-date" type="date" bind:value=to/>
            </div>
            <button type="submit" class="button button-primary">"Apply"</button>
            <p class="field-error" aria-live="polite">{move || form_error.get()}</p>
        </form>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => view! { <SummaryByLicenseType summary=summary/> }.into_any(),
                    Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card panel-d" aria-labelledby="customer-grid-heading">
            <div class="card-header">
                <h2 id="customer-grid-heading">"Customer Detail"</h2>
                <p class="card-note">"One row per customer and subscription. Select a subscription ID to see the customer."</p>
            </div>
            <DataGrid
                test_id="customer-grid"
                caption="Customer detail"
                dataset=shared::dictionary::Dataset::Customers
                columns=CUSTOMER_COLUMNS
                query=grid_query
                on_change=grid_change
                page=details
                download=downloader
            />
        </section>
    }
}

#[component]
fn SummaryByLicenseType(summary: CustomerSummary) -> impl IntoView {
    let period = format!(
        "{} – {}",
        format::day(summary.filters.from),
        format::day(summary.filters.to)
    );
    let meta = view! {
        <p class="report-meta">
            <span class="report-period">{period.clone()}</span>
            <DataAsOf at=summary.data_as_of/>
        </p>
    };
    if summary.total_active == 0 {
        return view! { {meta} <Empty/> }.into_any();
    }
    let rows = summary
        .by_marketplace_license_type
        .iter()
        .map(|c| {
            let name = c.marketplace_license_type.name();
            view! {
                <tr data-testid="license-type-row" data-label=name data-active=c.active.to_string()
                    data-new=c.new.to_string() data-lost=c.lost.to_string()>
                    <th scope="row">{name}</th>
                    <td class="numeric">{format::count(c.active)}</td>
                    <td class="numeric">{format::count(c.new)}</td>
                    <td class="numeric">{format::count(c.lost)}</td>
                </tr>
            }
        })
        .collect_view();
    let bars: Vec<Bar> = summary
        .by_marketplace_license_type
        .iter()
        .map(|c| Bar {
            key: c.marketplace_license_type.name().to_owned(),
            label: c.marketplace_license_type.name().to_owned(),
            value: c.active as f64,
            other: false,
        })
        .collect();
    view! {
        {meta}
        <div class="panels">
            <section class="card" aria-labelledby="customer-summary-heading">
                <div class="card-header">
                    <h2 id="customer-summary-heading">"Customer Summary by Marketplace License Type"</h2>
                    <p class="kpi">
                        <span class="kpi-value" data-testid="customers-total" data-value=raw(summary.total_active as f64)>
                            {format::count(summary.total_active)}
                        </span>
                        <span class="kpi-label">"active customers"</span>
                    </p>
                </div>
                <table class="data-table" data-testid="customer-summary">
                    <caption class="sr-only">{format!("Customers by Marketplace License Type, {period}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Marketplace License Type"</th>
                            <th scope="col" class="numeric">"Active"</th>
                            <th scope="col" class="numeric">"New"</th>
                            <th scope="col" class="numeric">"Lost"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
            <section class="card" aria-labelledby="customer-chart-heading">
                <div class="card-header"><h2 id="customer-chart-heading">"Active customers"</h2></div>
                <BarChart
                    test_id="customers-by-license-type"
                    title=format!("Active customers by Marketplace License Type, {period}")
                    unit="customers"
                    bars=bars
                    orientation=Orientation::Rows
                />
            </section>
        </div>
    }
    .into_any()
}
