//! `/orders-usage`: the page frame, Panel A and the wiring of the panels to the URL.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::dictionary::country_name;
use shared::reports::activity::UsageMeasure;
use shared::reports::slicers::{SlicerOption, SlicerOptions};
use shared::{ErrorCode, Month, Problem};

use super::panels::{MonthlyPanel, TrendPanel};
use super::state::{PageState, View};
use crate::api::{Area, GridQuery};
use crate::auth::use_auth;
use crate::components::data_grid::{DataGrid, Downloader};
use crate::components::feedback::ErrorNotice;
use crate::components::layout::set_page_title;
use crate::components::slicer::{Choice, MultiSelect};

/// The Orders grid's columns, most telling first.
const ORDER_COLUMNS: &[&str] = &[
    "MarketplaceSubscriptionId",
    "OrderPurchaseDate",
    "OfferName",
    "OfferType",
    "Sku",
    "OrderQuantity",
    "OrderStatus",
    "AzureLicenseType",
    "MarketplaceLicenseType",
    "CustomerCountry",
    "CustomerName",
    "EstimatedCharges",
    "Currency",
];

/// The Usage grid's columns.
const USAGE_COLUMNS: &[&str] = &[
    "MarketplaceSubscriptionId",
    "UsageDate",
    "OfferName",
    "OfferType",
    "VMSize",
    "UsageType",
    "NormalizedUsage",
    "RawUsage",
    "MeteredUsage",
    "AzureLicenseType",
    "MarketplaceLicenseType",
    "CustomerCountry",
    "CustomerName",
];

/// Panel A's slicers: parameter name and label.
const SLICERS: [(&str, &str); 5] = [
    ("azureLicenseType", "Azure License Type"),
    ("marketplaceLicenseType", "Marketplace License Type"),
    ("market", "Market"),
    ("offerType", "Offer Type"),
    ("previewStatus", "Preview Status"),
];

/// The Orders and Usage page.
#[component]
pub fn OrdersUsagePage() -> impl IntoView {
    set_page_title("Orders and Usage");
    let auth = use_auth();
    let query_map = use_query_map();
    let state = Memo::new(move |_| query_map.with(PageState::from_query));
    let activity = Memo::new(move |_| state.with(|s| s.activity.clone()));
    let grid_query = Memo::new(move |_| state.with(|s| s.grid.clone()));

    let navigate = use_navigate();
    let go = Callback::new(move |next: PageState| {
        navigate(
            &next.href(),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });

    // The options depend on the period, not on the slicers chosen.
    let options_query = Memo::new(move |_| {
        let mut query = activity.get();
        query.slicers = Default::default();
        query
    });
    let options = LocalResource::new(move || {
        let query = options_query.get();
        let client = auth.client();
        async move { client.activity_options(&query).await }
    });
    let details = LocalResource::new(move || {
        let query = activity.get();
        let grid = grid_query.get();
        let invalid = state.with_untracked(|s| s.invalid.clone());
        let client = auth.client();
        async move {
            if let Some(detail) = invalid {
                return Err(Problem::new(ErrorCode::InvalidParameter, detail));
            }
            client.activity_details(&query, &grid).await
        }
    });

    // Panel A's drafts: what the form shows until Go. They follow the URL, so Back and
    // Forward show the slicers of the view they return to.
    let drafts: Vec<(&'static str, &'static str, RwSignal<Vec<String>>)> = SLICERS
        .iter()
        .map(|(name, label)| (*name, *label, RwSignal::new(Vec::new())))
        .collect();
    let start_draft = RwSignal::new(String::new());
    let drafts_for_effect = drafts.clone();
    Effect::new(move |_| {
        let a = activity.get();
        for (name, _, signal) in &drafts_for_effect {
            signal.set(a.slicers.get(name).to_vec());
        }
        let shown = a.start.map(|m| m.to_string()).or_else(|| {
            options.with(|o| {
                o.as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .map(|o| o.start.to_string())
            })
        });
        if let Some(start) = shown {
            start_draft.set(start);
        }
    });

    let invalid_start = RwSignal::new(false);
    let drafts_for_go = drafts.clone();
    let on_go = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut next = state.get_untracked();
        let text = start_draft.get_untracked();
        let text = text.trim();
        next.activity.start = if text.is_empty() {
            None
        } else {
            match text.parse::<Month>() {
                Ok(m) => Some(m),
                Err(_) => {
                    invalid_start.set(true);
                    return;
                }
            }
        };
        invalid_start.set(false);
        for (name, _, signal) in &drafts_for_go {
            next.activity.slicers.set(name, signal.get_untracked());
        }
        next.grid.cursors.clear();
        next.invalid = None;
        go.run(next);
    };

    let set_area = move |area: Area| {
        let mut next = state.get_untracked();
        if next.activity.area != area {
            next.activity.area = area;
            // The grids' columns differ, so their filters and sort do not carry over.
            next.grid = GridQuery {
                page_size: next.grid.page_size,
                ..GridQuery::default()
            };
            go.run(next);
        }
    };
    let set_measure = move |measure: UsageMeasure| {
        let mut next = state.get_untracked();
        next.activity.measure = measure;
        go.run(next);
    };
    let toggle_advanced = move |_| {
        let mut next = state.get_untracked();
        next.advanced = !next.advanced;
        go.run(next);
    };
    let set_view = move |view: View| {
        let mut next = state.get_untracked();
        next.view = view;
        go.run(next);
    };

    let slicer_views = drafts
        .iter()
        .map(|(name, label, signal)| {
            let name = *name;
            let choices = Signal::derive(move || {
                options.with(|o| {
                    o.as_ref()
                        .and_then(|r| r.as_ref().ok())
                        .map(|o| choices_of(o, name))
                        .unwrap_or_default()
                })
            });
            view! { <MultiSelect name=name label=*label choices=choices selected=*signal/> }
        })
        .collect_view();

    // Memos, so that a part of the page is redrawn only when its own input changes.
    let area_memo = Memo::new(move |_| state.with(|s| s.activity.area));
    let measure_memo = Memo::new(move |_| state.with(|s| s.activity.measure));
    let advanced_memo = Memo::new(move |_| state.with(|s| s.advanced));
    let view_memo = Memo::new(move |_| state.with(|s| s.view));
    let area = move || area_memo.get();
    let measure = move || measure_memo.get();
    let advanced = move || advanced_memo.get();
    let view_kind = move || view_memo.get();

    let grid_change = Callback::new(move |grid: GridQuery| {
        let mut next = state.get_untracked();
        next.grid = grid;
        go.run(next);
    });
    let downloader: Downloader = Callback::new(move |format| {
        let client = auth.client();
        let (query, grid) = state.with_untracked(|s| (s.activity.clone(), s.grid.clone()));
        Box::pin(async move { client.download_activity(&query, &grid, format).await })
            as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>
    });

    view! {
        <div class="page-header">
            <h1>"Orders and Usage"</h1>
            <p class="page-lead">"Orders and usage over three months, sliced, trended and in detail."</p>
        </div>
        <section class="card panel-a" aria-labelledby="panel-a-heading">
            <h2 id="panel-a-heading" class="sr-only">"Report selection"</h2>
            <div class="switches">
                <fieldset class="segmented" data-testid="report-type">
                    <legend>"Report Type"</legend>
                    <label>
                        <input type="radio" name="report-type" value="orders"
                            prop:checked=move || area() == Area::Orders
                            on:change=move |_| set_area(Area::Orders)/>
                        <span>"Orders"</span>
                    </label>
                    <label>
                        <input type="radio" name="report-type" value="usage"
                            prop:checked=move || area() == Area::Usage
                            on:change=move |_| set_area(Area::Usage)/>
                        <span>"Usage"</span>
                    </label>
                </fieldset>
                <Show when=move || area() == Area::Usage>
                    <fieldset class="segmented" data-testid="usage-measure">
                        <legend>"Usage"</legend>
                        <label>
                            <input type="radio" name="measure" value="normalized"
                                prop:checked=move || measure() == UsageMeasure::Normalized
                                on:change=move |_| set_measure(UsageMeasure::Normalized)/>
                            <span>"Normalized"</span>
                        </label>
                        <label>
                            <input type="radio" name="measure" value="raw"
                                prop:checked=move || measure() == UsageMeasure::Raw
                                on:change=move |_| set_measure(UsageMeasure::Raw)/>
                            <span>"Raw"</span>
                        </label>
                    </fieldset>
                </Show>
                <button
                    type="button"
                    class="button button-secondary filter-toggle"
                    aria-expanded=move || advanced().to_string()
                    aria-controls="slicers"
                    on:click=toggle_advanced
                >
                    <svg viewBox="0 0 16 16" aria-hidden="true" class="filter-icon">
                        <path d="M1 2h14l-5.5 6.5V14l-3-1.5V8.5z"></path>
                    </svg>
                    "Advanced Filter"
                    {move || {
                        let n = activity.with(|a| a.slicers.active());
                        (n > 0).then(|| view! { <span class="badge">{n}</span> })
                    }}
                </button>
            </div>
            <form class="slicer-form" on:submit=on_go aria-label="Slicers and period">
                <div id="slicers" class="slicers" hidden=move || !advanced()>
                    {slicer_views}
                </div>
                <div class="go-row">
                    <div class="field field-inline">
                        <label for="start-month">"Start month"</label>
                        <input
                            id="start-month"
                            type="month"
                            placeholder="YYYY-MM"
                            bind:value=start_draft
                            aria-invalid=move || invalid_start.get().to_string()
                        />
                    </div>
                    <button type="submit" class="button button-primary">"Go"</button>
                    <p class="field-error" aria-live="polite">
                        {move || invalid_start.get().then_some("Enter a month as YYYY-MM, for example 2025-01.")}
                    </p>
                </div>
            </form>
        </section>

        <div class="view-switch" role="group" aria-label="View">
            <button type="button" class="tab-button" aria-pressed=move || (view_kind() == View::Monthly).to_string()
                on:click=move |_| set_view(View::Monthly)>"Monthly View"</button>
            <button type="button" class="tab-button" aria-pressed=move || (view_kind() == View::Trend).to_string()
                on:click=move |_| set_view(View::Trend)>"Trend View"</button>
        </div>
        {move || match view_kind() {
            View::Monthly => view! { <MonthlyPanel state=state/> }.into_any(),
            View::Trend => view! { <TrendPanel state=state go=go/> }.into_any(),
        }}

        <section class="card panel-d" aria-labelledby="panel-d-heading">
            <div class="card-header">
                <h2 id="panel-d-heading">
                    {move || if area() == Area::Orders { "Order Detail" } else { "Usage Detail" }}
                </h2>
                <p class="card-note">
                    {move || if area() == Area::Orders {
                        "One row per order. Select a subscription ID to see its customer."
                    } else {
                        "One row per subscription, day and meter. Select a subscription ID to see its customer."
                    }}
                </p>
            </div>
            {move || {
                let area = area();
                view! {
                    <DataGrid
                        test_id="detail-grid"
                        caption=if area == Area::Orders { "Order detail" } else { "Usage detail" }
                        dataset=area.dataset()
                        columns=if area == Area::Orders { ORDER_COLUMNS } else { USAGE_COLUMNS }
                        query=grid_query
                        on_change=grid_change
                        page=details
                        download=downloader
                    />
                }
            }}
        </section>
        // Options that failed to load make the slicers empty; say why.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match options.await {
                    Err(problem) if advanced() => view! { <ErrorNotice problem=problem/> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

/// The options of one slicer, in the order the API gives them.
fn choices_of(options: &SlicerOptions, name: &str) -> Vec<Choice> {
    let list: &[SlicerOption] = match name {
        "azureLicenseType" => &options.azure_license_type,
        "marketplaceLicenseType" => &options.marketplace_license_type,
        "market" => &options.market,
        "offerType" => &options.offer_type,
        "previewStatus" => &options.preview_status,
        _ => &[],
    };
    list.iter()
        .map(|o| Choice {
            value: o.value.clone(),
            label: if name == "market" && o.label == o.value {
                country_name(&o.value).unwrap_or(&o.label).to_owned()
            } else {
                o.label.clone()
            },
        })
        .collect()
}
