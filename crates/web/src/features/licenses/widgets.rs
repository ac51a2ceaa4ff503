//! The four widgets' bodies and the card with the "..." menu around each.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::reports::licenses::{
    AnalysisBy, LicenseAnalysisWidget, LicenseCustomersWidget, LicenseFilters,
    LicenseGeographyWidget, LicenseLicensesWidget,
};

use crate::api::{LicenseWidget, WidgetFile};
use crate::auth::use_auth;
use crate::components::chart::{Bar, BarChart};
use crate::components::feedback::Empty;
use crate::features::licenses::files::{self, ClipboardPng};
use crate::features::licenses::map::WorldMap;
use crate::format;

fn signed(v: i64) -> String {
    let text = format::count(v.unsigned_abs());
    match v {
        v if v > 0 => format!("+{text}"),
        v if v < 0 => format!("−{text}"),
        _ => "0".to_owned(),
    }
}

fn count(v: i64) -> String {
    format::count(v.max(0) as u64)
}

/// A widget's card: title, "..." menu (copy as image, download CSV, download PDF), body.
#[component]
pub fn WidgetCard(
    /// The heading.
    #[prop(into)]
    title: String,
    /// Which widget (for its files).
    widget: LicenseWidget,
    /// The filters the files are made with.
    filters: LicenseFilters,
    /// The `data-testid` of the card.
    #[prop(into)]
    test_id: String,
    /// Extra class (`panel-wide`).
    #[prop(optional, into)]
    class: String,
    /// Controls beside the title (the Analysis switch).
    #[prop(optional)]
    controls: Option<AnyView>,
    children: Children,
) -> impl IntoView {
    let auth = use_auth();
    let status = RwSignal::new(String::new());
    let heading_id = format!("{test_id}-heading");
    let labelled_by = heading_id.clone();
    let menu_ref = NodeRef::<leptos::html::Details>::new();
    let stem = match (filters.from, filters.to) {
        (Some(f), Some(t)) => format!("{}-{f}-to-{t}", widget.slug()),
        _ => widget.slug().to_owned(),
    };
    let close_menu = move || {
        if let Some(menu) = menu_ref.get_untracked() {
            menu.set_open(false);
        }
    };
    let download = {
        let filters = filters.clone();
        let stem = stem.clone();
        move |file: WidgetFile| {
            close_menu();
            let client = auth.client();
            let filters = filters.clone();
            let name = format!("{stem}.{}", file.extension());
            status.set(format!("Preparing {name}…"));
            spawn_local(async move {
                match client.license_widget_file(widget, &filters, file).await {
                    Ok(saved) => {
                        let name = saved.name.unwrap_or(name);
                        files::save(&saved.bytes, file.media_type(), &name);
                        status.set(format!("Downloaded {name}."));
                    }
                    Err(problem) => status.set(format!("Download failed: {}", problem.detail)),
                }
            });
        }
    };
    let download_csv = download.clone();
    let download_pdf = download;
    let copy = {
        let filters = filters.clone();
        move |_| {
            close_menu();
            let clipboard = match ClipboardPng::begin() {
                Ok(c) => c,
                Err(reason) => {
                    status.set(reason);
                    return;
                }
            };
            status.set("Copying the image…".to_owned());
            let client = auth.client();
            let filters = filters.clone();
            spawn_local(async move {
                let png = client
                    .license_widget_file(widget, &filters, WidgetFile::Png)
                    .await
                    .map(|f| f.bytes)
                    .map_err(|p| p.detail);
                match clipboard.finish(png).await {
                    Ok(()) => status.set("Image copied to the clipboard.".to_owned()),
                    Err(reason) => status.set(format!("Copy failed: {reason}")),
                }
            });
        }
    };
    view! {
        <section class=format!("card widget {class}") data-testid=test_id.clone() aria-labelledby=labelled_by>
            <div class="card-header widget-header">
                <h2 id=heading_id>{title.clone()}</h2>
                {controls}
                <details
                    class="widget-menu"
                    node_ref=menu_ref
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            close_menu();
                        }
                    }
                >
                    <summary aria-label=format!("More actions for {title}") data-testid="widget-menu">"…"</summary>
                    <div class="widget-menu-items">
                        <button type="button" class="button button-quiet" data-testid="copy-image" on:click=copy>
                            "Copy as image"
                        </button>
                        <button type="button" class="button button-quiet" data-testid="download-csv"
                            on:click=move |_| download_csv(WidgetFile::Csv)>
                            "Download CSV"
                        </button>
                        <button type="button" class="button button-quiet" data-testid="download-pdf"
                            on:click=move |_| download_pdf(WidgetFile::Pdf)>
                            "Download PDF"
                        </button>
                    </div>
                </details>
            </div>
            <p class="widget-status" data-testid="widget-status" aria-live="polite">{move || status.get()}</p>
            {children()}
        </section>
    }
}

fn change_text(now: i64, before: Option<i64>) -> String {
    match before {
        None => "No previous month in the range".to_owned(),
        Some(b) => format!("{} vs previous month", signed(now - b)),
    }
}

/// The Customers widget's body.
#[component]
pub fn CustomersBody(data: LicenseCustomersWidget) -> impl IntoView {
    if data.months.iter().all(|m| m.customers == 0) {
        return view! { <Empty/> }.into_any();
    }
    let bars: Vec<Bar> = data
        .months
        .iter()
        .map(|m| {
            Bar::new(
                m.month.to_string(),
                format::month(m.month),
                m.customers as f64,
            )
        })
        .collect();
    view! {
        <p class="kpi">
            <span class="kpi-value" data-testid="customers-current" data-value=data.current.to_string()>
                {format::count(data.current)}
            </span>
            <span class="kpi-label">"customers now · "
                {change_text(data.current as i64, data.previous.map(|p| p as i64))}
            </span>
        </p>
        <BarChart test_id="customers-trend" title="Customers per month" unit="customers" bars=bars/>
    }
    .into_any()
}

/// The Licenses widget's body.
#[component]
pub fn LicensesBody(data: LicenseLicensesWidget) -> impl IntoView {
    if data
        .months
        .iter()
        .all(|m| m.provisioned == 0 && m.assigned == 0)
    {
        return view! { <Empty/> }.into_any();
    }
    let rows = data
        .months
        .iter()
        .rev()
        .map(|m| {
            view! {
                <tr data-testid="licenses-month" data-month=m.month.to_string()>
                    <th scope="row">{format::month(m.month)}</th>
                    <td class="num">{count(m.provisioned)}</td>
                    <td class="num">{count(m.assigned)}</td>
                </tr>
            }
        })
        .collect_view();
    let bars: Vec<Bar> = data
        .months
        .iter()
        .map(|m| {
            Bar::new(
                m.month.to_string(),
                format::month(m.month),
                m.provisioned.max(0) as f64,
            )
        })
        .collect();
    view! {
        <div class="kpis">
            <p class="kpi">
                <span class="kpi-value" data-testid="licenses-provisioned" data-value=data.current.provisioned.to_string()>
                    {count(data.current.provisioned)}
                </span>
                <span class="kpi-label">"provisioned now · "
                    {change_text(data.current.provisioned, data.previous.as_ref().map(|p| p.provisioned))}
                </span>
            </p>
            <p class="kpi">
                <span class="kpi-value" data-testid="licenses-assigned" data-value=data.current.assigned.to_string()>
                    {count(data.current.assigned)}
                </span>
                <span class="kpi-label">"assigned now · "
                    {change_text(data.current.assigned, data.previous.as_ref().map(|p| p.assigned))}
                </span>
            </p>
        </div>
        <BarChart test_id="licenses-trend" title="Provisioned licenses per month" unit="licenses provisioned" bars=bars/>
        <table class="data-table">
            <caption class="visually-hidden">"Provisioned and assigned licenses per month"</caption>
            <thead><tr><th scope="col">"Month"</th><th scope="col" class="num">"Provisioned"</th><th scope="col" class="num">"Assigned"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// The Analysis widget's body.
#[component]
pub fn AnalysisBody(data: LicenseAnalysisWidget) -> impl IntoView {
    if data.rows.is_empty() {
        return view! { <Empty/> }.into_any();
    }
    let by = data.by;
    let rows = data
        .rows
        .iter()
        .map(|r| {
            let (first, second) = match by {
                AnalysisBy::Products => (
                    r.offer_name.clone().unwrap_or_default(),
                    r.plan_name.clone().unwrap_or_default(),
                ),
                AnalysisBy::Customers => (
                    r.customer_name.clone().unwrap_or_default(),
                    r.customer_id.clone().unwrap_or_default(),
                ),
            };
            let key = format!("{first}|{second}");
            view! {
                <tr data-testid="analysis-row" data-key=key
                    data-provisioned=r.provisioned.to_string() data-assigned=r.assigned.to_string()>
                    <th scope="row">{first}</th>
                    <td>{second}</td>
                    <td class="num">{count(r.provisioned)}</td>
                    <td class="num">{format!("{:.1}%", r.provisioned_percent)}</td>
                    <td class="num">{count(r.assigned)}</td>
                    <td class="num">{format!("{:.1}%", r.assigned_percent)}</td>
                    <td class="num">{signed(r.provisioned - r.previous_provisioned)}</td>
                    <td class="num">{signed(r.assigned - r.previous_assigned)}</td>
                </tr>
            }
        })
        .collect_view();
    let (h1, h2) = match by {
        AnalysisBy::Products => ("Offer", "Plan"),
        AnalysisBy::Customers => ("Customer", "Customer ID"),
    };
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <caption class="visually-hidden">"Provisioned and assigned licenses in the current month"</caption>
                <thead>
                    <tr>
                        <th scope="col">{h1}</th>
                        <th scope="col">{h2}</th>
                        <th scope="col" class="num">"Provisioned"</th>
                        <th scope="col" class="num">"% of provisioned"</th>
                        <th scope="col" class="num">"Assigned"</th>
                        <th scope="col" class="num">"% of assigned"</th>
                        <th scope="col" class="num">"Provisioned MoM"</th>
                        <th scope="col" class="num">"Assigned MoM"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The Geographical spread widget's body: the map and the table beside it.
#[component]
pub fn GeographyBody(data: LicenseGeographyWidget) -> impl IntoView {
    if data.countries.is_empty() {
        return view! { <Empty/> }.into_any();
    }
    let rows = data
        .countries
        .iter()
        .map(|c| {
            view! {
                <tr data-testid="geo-row" data-code=c.country_code.clone()
                    data-provisioned=c.provisioned.to_string() data-assigned=c.assigned.to_string()>
                    <th scope="row">{c.country.clone()}</th>
                    <td class="num">{count(c.provisioned)}</td>
                    <td class="num">{count(c.assigned)}</td>
                    <td class="num">{format::count(c.customers)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="geo">
            <WorldMap countries=data.countries.clone()/>
            <div class="table-scroll geo-table">
                <table class="data-table">
                    <caption class="visually-hidden">"Licenses per country/region in the current month"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Country/region"</th>
                            <th scope="col" class="num">"Provisioned"</th>
                            <th scope="col" class="num">"Assigned"</th>
                            <th scope="col" class="num">"Customers"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}
