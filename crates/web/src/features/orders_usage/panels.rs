//! Panel B (the monthly view) and Panel C (the trend view).

use leptos::prelude::*;
use shared::reports::activity::{
    ActivityMonthly, ActivityTrend, ActivityUnit, CategoryValue, SubjectArea, TopN, TrendArea,
};
use shared::{ErrorCode, Month, Problem};

use super::state::PageState;
use crate::auth::use_auth;
use crate::components::chart::{Bar, BarChart, Orientation, TrendChart, raw};
use crate::components::feedback::{DataAsOf, Empty, ErrorNotice, Loading};
use crate::components::slicer::{Choice, MultiSelect};
use crate::format;

fn unit_words(unit: ActivityUnit) -> &'static str {
    match unit {
        ActivityUnit::Orders => "new orders",
        ActivityUnit::Hours => "hours",
    }
}

fn period(months: &[Month]) -> String {
    match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!("{} – {}", format::month(*a), format::month(*b)),
        _ => String::new(),
    }
}

fn invalid(state: &PageState) -> Result<(), Problem> {
    match &state.invalid {
        Some(detail) => Err(Problem::new(ErrorCode::InvalidParameter, detail.clone())),
        None => Ok(()),
    }
}

/// Panel B: the summary by channel and the four charts.
#[component]
pub fn MonthlyPanel(state: Memo<PageState>) -> impl IntoView {
    let auth = use_auth();
    let key = Memo::new(move |_| state.with(|s| (s.activity.clone(), invalid(s))));
    let report = LocalResource::new(move || {
        let (query, check) = key.get();
        let client = auth.client();
        async move {
            check?;
            client.activity_monthly(&query).await
        }
    });
    view! {
        <section class="panel-b" aria-labelledby="panel-b-heading" data-testid="monthly-view">
            <h2 id="panel-b-heading" class="sr-only">"Monthly view"</h2>
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(report) => view! { <MonthlyReport report=report/> }.into_any(),
                        Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn bars(values: &[CategoryValue]) -> Vec<Bar> {
    values
        .iter()
        .map(|c| Bar {
            key: c.key.clone(),
            label: c.label.clone(),
            value: c.value,
            other: c.other,
        })
        .collect()
}

#[component]
fn MonthlyReport(report: ActivityMonthly) -> impl IntoView {
    let unit = unit_words(report.unit);
    let what = match report.unit {
        ActivityUnit::Orders => "Orders",
        ActivityUnit::Hours => "Usage",
    };
    let period = period(&report.months);
    let meta = view! {
        <p class="report-meta">
            <span class="report-period">{period.clone()}</span>
            <DataAsOf at=report.data_as_of/>
        </p>
    };
    if report.total == 0.0
        && report
            .metered
            .as_ref()
            .is_none_or(|m| m.iter().all(|m| m.metered_usage == 0.0))
    {
        return view! { {meta} <Empty/> }.into_any();
    }
    let month_heads = report
        .months
        .iter()
        .map(|m| view! { <th scope="col" class="numeric">{format::month(*m)}</th> })
        .collect_view();
    let channel_rows = report
        .by_channel
        .iter()
        .map(|row| {
            let cells = row
                .months
                .iter()
                .map(|v| view! { <td class="numeric">{format::number(*v)}</td> })
                .collect_view();
            view! {
                <tr data-testid="channel-row" data-label=row.channel.name() data-value=raw(row.total)>
                    <th scope="row">{row.channel.name()}</th>
                    {cells}
                    <td class="numeric strong">{format::number(row.total)}</td>
                </tr>
            }
        })
        .collect_view();
    let total_cells = report
        .month_totals
        .iter()
        .map(|v| view! { <td class="numeric strong">{format::number(*v)}</td> })
        .collect_view();
    let metered = report.metered.clone().filter(|m| !m.is_empty()).map(|metered| {
        let rows = metered
            .iter()
            .map(|m| view! {
                <tr><th scope="row">{format::month(m.month)}</th><td class="numeric">{format::number(m.metered_usage)}</td></tr>
            })
            .collect_view();
        view! {
            <section class="card" aria-labelledby="metered-heading">
                <div class="card-header"><h3 id="metered-heading">"Metered usage (meter units, not hours)"</h3></div>
                <table class="data-table" data-testid="metered-table">
                    <thead><tr><th scope="col">"Month"</th><th scope="col" class="numeric">"Units"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });

    view! {
        {meta}
        <div class="panels">
            <section class="card panel-wide" aria-labelledby="channel-heading">
                <div class="card-header">
                    <h3 id="channel-heading">{format!("{what} Summary by Channel")}</h3>
                    <p class="kpi">
                        <span class="kpi-value" data-testid="activity-total" data-value=raw(report.total)>
                            {format::number(report.total)}
                        </span>
                        <span class="kpi-label">{format!("{unit} in the period")}</span>
                    </p>
                </div>
                <div class="table-scroll" tabindex="0" role="group" aria-label="Summary by channel, scrollable">
                    <table class="data-table" data-testid="channel-summary">
                        <caption class="sr-only">{format!("{what} by channel and month, {period}")}</caption>
                        <thead>
                            <tr><th scope="col">"Channel"</th>{month_heads}<th scope="col" class="numeric">"Total"</th></tr>
                        </thead>
                        <tbody>{channel_rows}</tbody>
                        <tfoot>
                            <tr><th scope="row">"All channels"</th>{total_cells}<td class="numeric strong">{format::number(report.total)}</td></tr>
                        </tfoot>
                    </table>
                </div>
            </section>
            <ChartCard heading=format!("Top 10 {what} by Market") test_id="top-markets" unit=unit bars=bars(&report.top_markets)/>
            <ChartCard heading=format!("Top 10 {what} by Offer Type") test_id="top-offer-types" unit=unit bars=bars(&report.top_offer_types)/>
            <ChartCard heading=format!("{what} by Azure License Type") test_id="by-azure-license-type" unit=unit bars=bars(&report.by_azure_license_type)/>
            <ChartCard heading=format!("{what} by Marketplace License Type") test_id="by-marketplace-license-type" unit=unit bars=bars(&report.by_marketplace_license_type)/>
            {metered}
        </div>
    }
    .into_any()
}

#[component]
fn ChartCard(
    heading: String,
    test_id: &'static str,
    unit: &'static str,
    bars: Vec<Bar>,
) -> impl IntoView {
    let heading_id = format!("{test_id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <div class="card-header"><h3 id=heading_id>{heading.clone()}</h3></div>
            {if bars.is_empty() {
                view! { <p class="muted">"No data for these filters"</p> }.into_any()
            } else {
                view! { <BarChart test_id=test_id title=heading unit=unit bars=bars orientation=Orientation::Rows/> }.into_any()
            }}
        </section>
    }
}

/// Panel C: subject areas, All or Top 10, a chart per area with its data table.
#[component]
pub fn TrendPanel(state: Memo<PageState>, go: Callback<PageState>) -> impl IntoView {
    let auth = use_auth();
    let query =
        Memo::new(move |_| state.with(|s| (s.activity.clone(), s.trend.clone(), invalid(s))));
    let report = LocalResource::new(move || {
        let (activity, trend, check) = query.get();
        let client = auth.client();
        async move {
            check?;
            client.activity_trend(&activity, &trend).await
        }
    });

    let subjects_draft = RwSignal::new(Vec::<String>::new());
    let subjects_in_url = Memo::new(move |_| state.with(|s| s.trend.subjects.clone()));
    Effect::new(move |_| {
        let chosen = subjects_in_url.get();
        subjects_draft.set(chosen.iter().map(|s| s.name().to_owned()).collect());
    });
    let subject_choices = Signal::derive(|| {
        SubjectArea::ALL
            .iter()
            .map(|s| Choice {
                value: s.name().to_owned(),
                label: s.label().to_owned(),
            })
            .collect::<Vec<_>>()
    });
    let apply_subjects = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut next = state.get_untracked();
        let chosen = subjects_draft.get_untracked();
        next.trend.subjects = SubjectArea::ALL
            .iter()
            .copied()
            .filter(|s| chosen.iter().any(|c| c == s.name()))
            .collect();
        go.run(next);
    };
    let set_top = move |top: TopN| {
        let mut next = state.get_untracked();
        next.trend.top = top;
        go.run(next);
    };
    let top = move || state.with(|s| s.trend.top);

    view! {
        <section class="panel-c" aria-labelledby="panel-c-heading" data-testid="trend-view">
            <h2 id="panel-c-heading" class="sr-only">"Trend view"</h2>
            <form class="toolbar" on:submit=apply_subjects aria-label="Trend options">
                <MultiSelect name="subject" label="Subject Area" choices=subject_choices selected=subjects_draft none_text="Select all"/>
                <button type="submit" class="button button-primary">"Apply"</button>
                <fieldset class="segmented" data-testid="top-n">
                    <legend>"Show"</legend>
                    <label>
                        <input type="radio" name="top" value="10" prop:checked=move || top() != TopN::All
                            on:change=move |_| set_top(TopN::Top(10))/>
                        <span>"Top 10"</span>
                    </label>
                    <label>
                        <input type="radio" name="top" value="all" prop:checked=move || top() == TopN::All
                            on:change=move |_| set_top(TopN::All)/>
                        <span>"All"</span>
                    </label>
                </fieldset>
            </form>
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(report) => view! { <TrendReport report=report/> }.into_any(),
                        Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn TrendReport(report: ActivityTrend) -> impl IntoView {
    let unit = unit_words(report.unit);
    let period = period(&report.months);
    let total: f64 = report.month_totals.iter().sum();
    let meta = view! {
        <p class="report-meta">
            <span class="report-period">{period.clone()}</span>
            <span class="report-total">
                "Total: "
                <span data-testid="trend-total" data-value=raw(total)>{format::number(total)}</span>
                {format!(" {unit}")}
            </span>
            <DataAsOf at=report.data_as_of/>
        </p>
    };
    if total == 0.0 {
        return view! { {meta} <Empty/> }.into_any();
    }
    let months = report.months.clone();
    let charts = report
        .areas
        .into_iter()
        .map(|area| view! { <TrendCard area=area months=months.clone() unit=unit period=period.clone()/> })
        .collect_view();
    view! {
        {meta}
        <div class="panels">{charts}</div>
    }
    .into_any()
}

#[component]
fn TrendCard(
    area: TrendArea,
    months: Vec<Month>,
    unit: &'static str,
    period: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let name = area.subject.name();
    let heading_id = format!("trend-{name}-heading");
    let table_id = format!("trend-table-{name}");
    let month_heads = months
        .iter()
        .map(|m| view! { <th scope="col" class="numeric">{format::month(*m)}</th> })
        .collect_view();
    let rows = area
        .series
        .iter()
        .map(|s| {
            let cells = s
                .months
                .iter()
                .map(|v| view! { <td class="numeric">{format::number(*v)}</td> })
                .collect_view();
            view! {
                <tr data-label=s.key.clone() data-value=raw(s.total)>
                    <th scope="row">{s.label.clone()}</th>
                    {cells}
                    <td class="numeric strong">{format::number(s.total)}</td>
                </tr>
            }
        })
        .collect_view();
    let title = format!("{} by {}, {period}", capitalised(unit), area.label);
    let labelled_by = heading_id.clone();
    let controls = table_id.clone();
    let region_id = table_id.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by data-testid=format!("trend-card-{name}")>
            <div class="card-header">
                <h3 id=heading_id>{area.label.clone()}</h3>
                <ul class="legend" aria-hidden="true">
                    {months.iter().enumerate().map(|(i, m)| view! {
                        <li><span class=format!("swatch month-{}", i % 6 + 1)></span>{format::month(*m)}</li>
                    }).collect_view()}
                </ul>
            </div>
            <TrendChart test_id=format!("trend-{name}") title=title unit=unit months=months.clone() series=area.series.clone()/>
            <button
                type="button"
                class="plus-button"
                aria-expanded=move || open.get().to_string()
                aria-controls=controls
                data-testid=format!("trend-plus-{name}")
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">{move || if open.get() { "−" } else { "+" }}</span>
                {move || if open.get() { " Hide data" } else { " Show data" }}
            </button>
            <div id=region_id hidden=move || !open.get() class="table-scroll">
                <table class="data-table" data-testid=table_id>
                    <caption class="sr-only">{format!("{} by month", area.label)}</caption>
                    <thead><tr><th scope="col">{area.label.clone()}</th>{month_heads}<th scope="col" class="numeric">"Total"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => std::iter::once(c.to_ascii_uppercase())
            .chain(chars)
            .collect(),
        None => String::new(),
    }
}
