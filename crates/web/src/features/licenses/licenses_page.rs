//! The License dashboard page (`/licenses?range=last12m&country=US,DE&by=customers`).
//!
//! The URL is the only state: the filter bar's Apply writes it, every widget follows it,
//! so a link or a reload shows the same view.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use shared::Month;
use shared::dictionary::OfferType;
use shared::reports::licenses::{AnalysisBy, LicenseFilters, LicenseOptions};
use shared::reports::slicers::SlicerOption;

use crate::api::LicenseWidget;
use crate::auth::use_auth;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::glossary::TermLink;
use crate::components::layout::set_page_title;
use crate::features::licenses::files;
use crate::features::licenses::widgets::{
    AnalysisBody, CustomersBody, GeographyBody, LicensesBody, WidgetCard,
};
use crate::format;

fn list(query: &ParamsMap, name: &str) -> Vec<String> {
    query
        .get(name)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The filters a URL asks for.
fn filters_from(query: &ParamsMap) -> LicenseFilters {
    let from = query.get("from").and_then(|v| v.parse::<Month>().ok());
    let to = query.get("to").and_then(|v| v.parse::<Month>().ok());
    let range = if from.is_some() || to.is_some() {
        "custom".to_owned()
    } else if query.get("range").as_deref() == Some("last12m") {
        "last12m".to_owned()
    } else {
        "last6m".to_owned()
    };
    LicenseFilters {
        range,
        from,
        to,
        offer_type: list(query, "offerType")
            .iter()
            .filter_map(|v| OfferType::from_name(v))
            .collect(),
        offer_name: list(query, "offerName"),
        plan_name: list(query, "planName"),
        customer_name: list(query, "customerName"),
        country: list(query, "country"),
    }
}

/// The page URL of filters and grouping.
fn url_of(filters: &LicenseFilters, by: AnalysisBy) -> String {
    let mut pairs = filters.query_pairs();
    if by == AnalysisBy::Customers {
        pairs.push(("by", "customers".to_owned()));
    }
    if pairs.is_empty() {
        return "/licenses".to_owned();
    }
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("/licenses?{query}")
}

/// The License dashboard.
#[component]
pub fn LicensesPage() -> impl IntoView {
    set_page_title("Licenses");
    let auth = use_auth();
    let query = use_query_map();
    let filters = Memo::new(move |_| filters_from(&query.read()));
    let by = Memo::new(move |_| match query.read().get("by").as_deref() {
        Some("customers") => AnalysisBy::Customers,
        _ => AnalysisBy::Products,
    });

    let options = LocalResource::new(move || {
        let f = filters.get();
        let client = auth.client();
        async move { client.license_options(&f).await }
    });
    let customers = LocalResource::new(move || {
        let f = filters.get();
        let client = auth.client();
        async move { client.license_customers(&f).await }
    });
    let licenses = LocalResource::new(move || {
        let f = filters.get();
        let client = auth.client();
        async move { client.license_licenses(&f).await }
    });
    let analysis = LocalResource::new(move || {
        let (f, by) = (filters.get(), by.get());
        let client = auth.client();
        async move { client.license_analysis(&f, by).await }
    });
    let geography = LocalResource::new(move || {
        let f = filters.get();
        let client = auth.client();
        async move { client.license_geography(&f).await }
    });

    let download_status = RwSignal::new(String::new());
    let download_data = move |_| {
        let client = auth.client();
        let f = filters.get_untracked();
        let name = match (f.from, f.to) {
            (Some(a), Some(b)) => format!("licenses-{a}-to-{b}.csv"),
            _ => "licenses.csv".to_owned(),
        };
        download_status.set("Preparing the license rows…".to_owned());
        spawn_local(async move {
            match client.license_rows_csv(&f).await {
                Ok(file) => {
                    let name = file.name.unwrap_or(name);
                    files::save(&file.bytes, "text/csv", &name);
                    download_status.set(format!("Downloaded {name}."));
                }
                Err(p) => download_status.set(format!("Download failed: {}", p.detail)),
            }
        });
    };

    let navigate = use_navigate();
    let set_by = move |new_by: AnalysisBy| {
        navigate(
            &url_of(&filters.get_untracked(), new_by),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };

    view! {
        <div class="page-header page-header-actions">
            <div>
                <h1>"Licenses"</h1>
                <p class="page-lead">"Customers, provisioned and assigned licenses, by offer, plan and country/region."</p>
            </div>
            <div class="download-data">
                <button type="button" class="button button-primary" data-testid="download-data" on:click=download_data>
                    "Download data"
                </button>
                <p class="widget-status" data-testid="download-status" aria-live="polite">{move || download_status.get()}</p>
            </div>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let (from, to, as_of) = licenses
                    .await
                    .map(|l| (l.filters.from, l.filters.to, l.data_as_of))
                    .unwrap_or((None, None, None));
                view! { <Freshness from=from to=to as_of=as_of/> }
            })}
        </Transition>
        <FilterBar filters=filters by=by options=options/>
        <div class="panels">
            {move || {
                let f = filters.get();
                view! {
                    <WidgetCard title="Customers" widget=LicenseWidget::Customers filters=f.clone() test_id="widget-customers">
                        <Transition fallback=|| view! { <Loading/> }>
                            {move || Suspend::new(async move {
                                match customers.await {
                                    Ok(d) => view! { <CustomersBody data=d/> }.into_any(),
                                    Err(p) => view! { <ErrorNotice problem=p/> }.into_any(),
                                }
                            })}
                        </Transition>
                    </WidgetCard>
                    <WidgetCard title="Licenses" widget=LicenseWidget::Licenses filters=f.clone() test_id="widget-licenses">
                        <Transition fallback=|| view! { <Loading/> }>
                            {move || Suspend::new(async move {
                                match licenses.await {
                                    Ok(d) => view! { <LicensesBody data=d/> }.into_any(),
                                    Err(p) => view! { <ErrorNotice problem=p/> }.into_any(),
                                }
                            })}
                        </Transition>
                    </WidgetCard>
                }
            }}
            {move || {
                let (f, current) = (filters.get(), by.get());
                let (to_products, to_customers) = (set_by.clone(), set_by.clone());
                let switch = view! {
                    <div class="segmented" role="group" aria-label="Analyse by">
                        <button type="button" data-testid="analysis-by-products"
                            aria-pressed=(current == AnalysisBy::Products).to_string()
                            on:click=move |_| to_products(AnalysisBy::Products)>"Products"</button>
                        <button type="button" data-testid="analysis-by-customers"
                            aria-pressed=(current == AnalysisBy::Customers).to_string()
                            on:click=move |_| to_customers(AnalysisBy::Customers)>"Customers"</button>
                    </div>
                }
                .into_any();
                view! {
                    <WidgetCard title="Analysis" widget=LicenseWidget::Analysis(current) filters=f.clone()
                        test_id="widget-analysis" class="panel-wide" controls=switch>
                        <Transition fallback=|| view! { <Loading/> }>
                            {move || Suspend::new(async move {
                                match analysis.await {
                                    Ok(d) => view! { <AnalysisBody data=d/> }.into_any(),
                                    Err(p) => view! { <ErrorNotice problem=p/> }.into_any(),
                                }
                            })}
                        </Transition>
                    </WidgetCard>
                    <WidgetCard title="Geographical spread" widget=LicenseWidget::Geography filters=f
                        test_id="widget-geography" class="panel-wide">
                        <Transition fallback=|| view! { <Loading/> }>
                            {move || Suspend::new(async move {
                                match geography.await {
                                    Ok(d) => view! { <GeographyBody data=d/> }.into_any(),
                                    Err(p) => view! { <ErrorNotice problem=p/> }.into_any(),
                                }
                            })}
                        </Transition>
                    </WidgetCard>
                }
            }}
        </div>
    }
}

/// The range shown and how fresh the data is.
#[component]
fn Freshness(
    from: Option<Month>,
    to: Option<Month>,
    as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let period = match (from, to) {
        (Some(f), Some(t)) => format!(
            "{} – {} (current month: {})",
            format::month(f),
            format::month(t),
            format::month(t)
        ),
        _ => String::new(),
    };
    view! {
        <p class="report-meta">
            <span class="report-period" data-testid="license-period">{period}</span>
            {match as_of {
                Some(at) => view! {
                    <span class="report-as-of">
                        "Data as of "
                        <time data-testid="data-as-of" datetime=at.to_rfc3339()>{format::timestamp(at)}</time>
                    </span>
                }
                .into_any(),
                None => view! { <span class="report-as-of" data-testid="data-as-of">"No license data received yet"</span> }.into_any(),
            }}
            <span class="report-latency" data-testid="data-latency">
                "License data is reported with a latency of up to 48 hours."
            </span>
        </p>
    }
}

/// One multi-select filter: a disclosure with a checkbox per option.
#[component]
fn FilterChoice(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    options: Vec<SlicerOption>,
    selected: RwSignal<Vec<String>>,
    #[prop(optional, into)] note: String,
) -> impl IntoView {
    let empty = options.is_empty();
    let summary_label = label.clone();
    let items = options
        .into_iter()
        .map(|o| {
            let value = o.value.clone();
            let checked_value = o.value.clone();
            view! {
                <label class="choice">
                    <input
                        type="checkbox"
                        name=name.clone()
                        value=o.value.clone()
                        prop:checked=move || selected.read().contains(&checked_value)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selected.update(|s| {
                                s.retain(|v| v != &value);
                                if on {
                                    s.push(value.clone());
                                    s.sort();
                                }
                            });
                        }
                    />
                    {o.label}
                </label>
            }
        })
        .collect_view();
    let term = name.clone();
    let term_label = label.clone();
    view! {
        <div class="slicer">
        <details class="filter" data-testid=format!("filter-{name}")>
            <summary>
                {summary_label}
                {move || {
                    let n = selected.read().len();
                    if n == 0 { " (all)".to_owned() } else { format!(" ({n})") }
                }}
            </summary>
            <fieldset class="choices">
                <legend class="visually-hidden">{label}</legend>
                {if empty {
                    view! { <p class="muted">{if note.is_empty() { "No values in this range".to_owned() } else { note }}</p> }.into_any()
                } else {
                    items.into_any()
                }}
            </fieldset>
        </details>
        <TermLink name=term label=term_label/>
        </div>
    }
}

fn values(options: &[SlicerOption]) -> Vec<SlicerOption> {
    options.to_vec()
}

/// The filter bar: date range and the five filters, applied together.
#[component]
fn FilterBar(
    filters: Memo<LicenseFilters>,
    by: Memo<AnalysisBy>,
    options: LocalResource<Result<LicenseOptions, shared::Problem>>,
) -> impl IntoView {
    let range = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let offer_type = RwSignal::new(Vec::<String>::new());
    let offer_name = RwSignal::new(Vec::<String>::new());
    let plan_name = RwSignal::new(Vec::<String>::new());
    let customer_name = RwSignal::new(Vec::<String>::new());
    let country = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let f = filters.get();
        range.set(f.range.clone());
        from.set(f.from.map(|m| m.to_string()).unwrap_or_default());
        to.set(f.to.map(|m| m.to_string()).unwrap_or_default());
        offer_type.set(f.offer_type.iter().map(|t| t.name().to_owned()).collect());
        offer_name.set(f.offer_name.clone());
        plan_name.set(f.plan_name.clone());
        customer_name.set(f.customer_name.clone());
        country.set(f.country.clone());
    });
    // The server's range, so that choosing "Custom" starts from the months on screen.
    Effect::new(move |_| {
        if let Some(o) = options.get().and_then(|r| r.ok()).map(|o| o.filters) {
            if from.get_untracked().is_empty() {
                from.set(o.from.map(|m| m.to_string()).unwrap_or_default());
            }
            if to.get_untracked().is_empty() {
                to.set(o.to.map(|m| m.to_string()).unwrap_or_default());
            }
        }
    });
    let invalid = RwSignal::new(false);
    let navigate = use_navigate();
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut f = LicenseFilters {
            range: range.get_untracked(),
            offer_type: offer_type
                .get_untracked()
                .iter()
                .filter_map(|v| OfferType::from_name(v))
                .collect(),
            offer_name: offer_name.get_untracked(),
            plan_name: plan_name.get_untracked(),
            customer_name: customer_name.get_untracked(),
            country: country.get_untracked(),
            ..LicenseFilters::default()
        };
        if f.range == "custom" {
            match (
                from.get_untracked().parse::<Month>(),
                to.get_untracked().parse::<Month>(),
            ) {
                (Ok(a), Ok(b)) if a <= b => {
                    f.from = Some(a);
                    f.to = Some(b);
                }
                _ => {
                    invalid.set(true);
                    return;
                }
            }
        }
        invalid.set(false);
        navigate(
            &url_of(&f, by.get_untracked()),
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };

    view! {
        <form class="toolbar license-filters" on:submit=apply aria-label="License filters" data-testid="license-filters">
            <div class="field field-inline">
                <label for="license-range">"Date range"</label>
                <select id="license-range" data-testid="range" prop:value=move || range.get()
                    on:change=move |ev| range.set(event_target_value(&ev))>
                    <option value="last6m">"Last 6 months"</option>
                    <option value="last12m">"Last 12 months"</option>
                    <option value="custom">"Custom"</option>
                </select>
            </div>
            <Show when=move || range.get() == "custom">
                <div class="field field-inline">
                    <label for="license-from">"From"</label>
                    <input id="license-from" type="month" data-testid="from" bind:value=from aria-invalid=move || invalid.get().to_string()/>
                </div>
                <div class="field field-inline">
                    <label for="license-to">"To"</label>
                    <input id="license-to" type="month" data-testid="to" bind:value=to aria-invalid=move || invalid.get().to_string()/>
                </div>
            </Show>
            <Transition fallback=|| view! { <span class="muted">"Loading filters…"</span> }>
                {move || Suspend::new(async move {
                    match options.await {
                        Ok(o) => view! {
                            <FilterChoice label="Offer type" name="offerType" options=values(&o.offer_type) selected=offer_type/>
                            <FilterChoice label="Offer name" name="offerName" options=values(&o.offer_name) selected=offer_name/>
                            <FilterChoice label="Plan name" name="planName" options=values(&o.plan_name) selected=plan_name/>
                            <FilterChoice label="Customer name" name="customerName" options=values(&o.customer_name) selected=customer_name
                                note=if o.masked { "Needs the Customers permission" } else { "" }/>
                            <FilterChoice label="Country/region" name="country" options=values(&o.country) selected=country/>
                        }
                        .into_any(),
                        Err(p) => view! { <ErrorNotice problem=p/> }.into_any(),
                    }
                })}
            </Transition>
            <button type="submit" class="button button-primary" data-testid="apply-filters">"Apply"</button>
            <a class="button button-quiet" href="/licenses" data-testid="reset-filters">"Reset"</a>
            <p class="field-error" aria-live="polite">
                {move || invalid.get().then_some("Choose a From month on or before the To month (YYYY-MM).")}
            </p>
        </form>
    }
}
