//! The Summary page (`/summary?start=YYYY-MM&top=markets|offers|customers`): new orders
//! over three months, the top 5 panel and the payout trend.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::reports::activity::CategoryValue;
use shared::reports::summary::SummaryReport;
use shared::{ErrorCode, Month, Problem};

use crate::auth::use_auth;
use crate::components::chart::{Bar, BarChart, Orientation};
use crate::components::feedback::{DataAsOf, Empty, ErrorNotice, Loading};
use crate::components::layout::set_page_title;
use crate::format;
use crate::url::href;

/// What the Top 5 panel ranks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum TopFive {
    #[default]
    Markets,
    Offers,
    Customers,
}

impl TopFive {
    const ALL: [TopFive; 3] = [TopFive::Markets, TopFive::Offers, TopFive::Customers];

    fn name(self) -> &'static str {
        match self {
            TopFive::Markets => "markets",
            TopFive::Offers => "offers",
            TopFive::Customers => "customers",
        }
    }

    fn label(self) -> &'static str {
        match self {
            TopFive::Markets => "Markets",
            TopFive::Offers => "Performing Offers",
            TopFive::Customers => "Customers",
        }
    }

    fn from_name(text: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|t| t.name() == text)
            .unwrap_or_default()
    }
}

fn summary_href(start: Option<String>, top: TopFive) -> String {
    let mut pairs = Vec::new();
    if let Some(start) = start {
        pairs.push(("start".to_owned(), start));
    }
    if top != TopFive::Markets {
        pairs.push(("top".to_owned(), top.name().to_owned()));
    }
    href("/summary", &pairs)
}

/// The start-month form and the report it selects. The URL's `start` is the only state:
/// Apply writes it, the report follows it, so a link or a reload shows the same period.
#[component]
pub fn SummaryPage() -> impl IntoView {
    set_page_title("Summary");
    let auth = use_auth();
    let query = use_query_map();
    let start_in_url = Memo::new(move |_| query.read().get("start"));
    let top_in_url =
        Memo::new(move |_| TopFive::from_name(&query.read().get("top").unwrap_or_default()));

    let report = LocalResource::new(move || {
        let start = start_in_url.get();
        let client = auth.client();
        async move {
            let start = start.as_deref().map(parse_start).transpose()?;
            client.summary(start).await
        }
    });

    // The month input shows the URL's start, or, without one, the period the server
    // chose, so the user always sees which months they are looking at.
    let draft = RwSignal::new(start_in_url.get_untracked().unwrap_or_default());
    Effect::new(move |_| {
        let shown = match start_in_url.get() {
            Some(start) => Some(start),
            None => report.with(|r| {
                r.as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .map(|r| r.filters.start.to_string())
            }),
        };
        if let Some(start) = shown {
            draft.set(start);
        }
    });

    let invalid = RwSignal::new(false);
    let navigate = use_navigate();
    let on_apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        let text = text.trim();
        let target = if text.is_empty() {
            None
        } else {
            match text.parse::<Month>() {
                Ok(month) => Some(month.to_string()),
                Err(_) => {
                    invalid.set(true);
                    return;
                }
            }
        };
        invalid.set(false);
        if target == start_in_url.get_untracked() {
            // Same URL, so nothing would change: asking again is what Apply means here.
            report.refetch();
            return;
        }
        let path = summary_href(target, top_in_url.get_untracked());
        navigate(
            &path,
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };

    view! {
        <div class="page-header">
            <h1>"Summary"</h1>
            <p class="page-lead">"New orders over the three months from the start month."</p>
        </div>
        <form class="toolbar" on:submit=on_apply aria-label="Report period">
            <div class="field field-inline">
                <label for="start-month">"Start month"</label>
                <input
                    id="start-month"
                    name="start"
                    type="month"
                    placeholder="YYYY-MM"
                    bind:value=draft
                    aria-invalid=move || invalid.get().to_string()
                    aria-describedby="start-month-error"
                />
            </div>
            <button type="submit" class="button button-primary">"Apply"</button>
            <p id="start-month-error" class="field-error" aria-live="polite">
                {move || invalid.get().then_some("Enter a month as YYYY-MM, for example 2025-01.")}
            </p>
        </form>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <SummaryPanels report=report top=top_in_url/> }.into_any(),
                    Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The report's panels, or the empty state when the period has no orders at all.
#[component]
fn SummaryPanels(report: SummaryReport, top: Memo<TopFive>) -> impl IntoView {
    let period = format!(
        "{} – {}",
        format::month(report.filters.start),
        format::month(report.filters.end)
    );
    let freshness = view! {
        <p class="report-meta">
            <span class="report-period">{period.clone()}</span>
            {match report.data_as_of {
                Some(at) => view! {
                    <DataAsOf at=Some(at)/>
                }
                .into_any(),
                None => view! { <DataAsOf at=None/> }.into_any(),
            }}
        </p>
    };

    let total = report.total_new_orders();
    let nothing = total == 0
        && report
            .new_orders_by_channel
            .iter()
            .all(|c| c.new_orders == 0)
        && report
            .new_orders_by_offer_type
            .iter()
            .all(|o| o.new_orders == 0);
    if nothing {
        return view! { {freshness} <Empty/> }.into_any();
    }

    let trend: Vec<Bar> = report
        .new_orders_trend
        .iter()
        .map(|m| Bar {
            key: m.month.to_string(),
            label: format::month(m.month),
            value: m.new_orders as f64,
            other: false,
        })
        .collect();
    let by_channel: Vec<Bar> = report
        .new_orders_by_channel
        .iter()
        .map(|c| Bar {
            key: c.channel.name().to_owned(),
            label: c.channel.name().to_owned(),
            value: c.new_orders as f64,
            other: false,
        })
        .collect();
    let by_offer_type: Vec<Bar> = report
        .new_orders_by_offer_type
        .iter()
        .map(|o| Bar {
            key: o.offer_type.name().to_owned(),
            label: o.offer_type.name().to_owned(),
            value: o.new_orders as f64,
            other: false,
        })
        .collect();

    let top_five = TopFiveLists {
        markets: report.top_markets.clone(),
        offers: report.top_offers.clone(),
        customers: report.top_customers.clone(),
    };
    let start = Some(report.filters.start.to_string());
    let payout_total = report
        .payout_trend
        .as_ref()
        .map(|months| {
            let sum: f64 = months
                .iter()
                .filter_map(|m| m.earning_amount_usd.parse::<f64>().ok())
                .sum();
            format::money(&format!("{sum:.2}"), "USD")
        })
        .unwrap_or_default();
    let payout: Option<Vec<Bar>> = report.payout_trend.as_ref().map(|months| {
        months
            .iter()
            .map(|m| {
                Bar::new(
                    m.month.to_string(),
                    format::month(m.month),
                    m.earning_amount_usd.parse::<f64>().unwrap_or(0.0),
                )
            })
            .collect()
    });

    view! {
        {freshness}
        <div class="panels">
            <section class="card panel-wide" aria-labelledby="trend-heading">
                <div class="card-header">
                    <h2 id="trend-heading">"New Orders"</h2>
                    <p class="kpi">
                        <span class="kpi-value" data-testid="new-orders-total" data-value=total.to_string()>
                            {format::count(total)}
                        </span>
                        <span class="kpi-label">"new orders in the period"</span>
                    </p>
                </div>
                <BarChart
                    test_id="new-orders-trend"
                    title=format!("New orders per month, {period}")
                    unit="new orders"
                    bars=trend
                />
            </section>
            <section class="card" aria-labelledby="channel-heading">
                <div class="card-header">
                    <h2 id="channel-heading">"New Orders by Channel"</h2>
                </div>
                <BarChart
                    test_id="new-orders-by-channel"
                    title=format!("New orders by channel, {period}")
                    unit="new orders"
                    bars=by_channel
                    orientation=Orientation::Rows
                />
            </section>
            <section class="card" aria-labelledby="offer-type-heading">
                <div class="card-header">
                    <h2 id="offer-type-heading">"New Orders by Offer Type"</h2>
                </div>
                <BarChart
                    test_id="new-orders-by-offer-type"
                    title=format!("New orders by offer type, {period}")
                    unit="new orders"
                    bars=by_offer_type
                    orientation=Orientation::Rows
                />
            </section>
            <TopFivePanel report=top_five top=top start=start period=period.clone()/>
            {payout.map(|bars| view! {
                <section class="card" aria-labelledby="payout-heading" data-testid="payout-panel">
                    <div class="card-header">
                        <h2 id="payout-heading">"Payout Trend"</h2>
                        <p class="kpi">
                            <span class="kpi-value" data-testid="payout-total">{payout_total.clone()}</span>
                            <span class="kpi-label">"earned by paid offers"</span>
                        </p>
                    </div>
                    <BarChart
                        test_id="payout-trend"
                        title=format!("Payout earnings in USD per month, {period}")
                        unit="USD"
                        bars=bars
                        compact=true
                        money=true
                    />
                </section>
            })}
        </div>
    }
    .into_any()
}

/// The top 5 markets, offers and customers of the period.
#[derive(Clone)]
struct TopFiveLists {
    markets: Vec<CategoryValue>,
    offers: Vec<CategoryValue>,
    customers: Vec<CategoryValue>,
}

/// The Top 5 panel, switchable between Markets, Performing Offers and Customers; the
/// choice is kept in the URL (`top`).
#[component]
fn TopFivePanel(
    report: TopFiveLists,
    top: Memo<TopFive>,
    start: Option<String>,
    period: String,
) -> impl IntoView {
    let navigate = use_navigate();
    let choose = move |choice: TopFive| {
        navigate(
            &summary_href(start.clone(), choice),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    let report = StoredValue::new(report);
    let switches = TopFive::ALL
        .into_iter()
        .map(|choice| {
            let choose = choose.clone();
            view! {
                <label>
                    <input
                        type="radio"
                        name="top-five"
                        value=choice.name()
                        prop:checked=move || top.get() == choice
                        on:change=move |_| choose(choice)
                    />
                    <span>{choice.label()}</span>
                </label>
            }
        })
        .collect_view();
    let chart = move || {
        let choice = top.get();
        let values = report.with_value(|r| match choice {
            TopFive::Markets => r.markets.clone(),
            TopFive::Offers => r.offers.clone(),
            TopFive::Customers => r.customers.clone(),
        });
        if values.is_empty() {
            return view! { <p class="muted" data-testid="top-five-empty">"No data for these filters"</p> }.into_any();
        }
        let bars: Vec<Bar> = values
            .into_iter()
            .map(|c| Bar::new(c.key, c.label, c.value))
            .collect();
        view! {
            <BarChart
                test_id="top-five"
                title=format!("Top 5 {} by new orders, {period}", choice.label().to_ascii_lowercase())
                unit="new orders"
                bars=bars
                orientation=Orientation::Rows
            />
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="top-five-heading" data-testid="top-five-panel">
            <div class="card-header">
                <h2 id="top-five-heading">"Top 5"</h2>
                <fieldset class="segmented segmented-small">
                    <legend class="sr-only">"Rank"</legend>
                    {switches}
                </fieldset>
            </div>
            {chart}
        </section>
    }
}

/// The URL's start month, refused here with the same kind of problem the server would
/// send, so a mistyped link shows the error state rather than a silent default.
fn parse_start(text: &str) -> Result<Month, Problem> {
    text.parse::<Month>().map_err(|e| {
        Problem::new(
            ErrorCode::InvalidParameter,
            format!("The start month is not valid: {e}."),
        )
    })
}
