//! One customer's own view: profile, subscriptions, orders and usage by month.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::Problem;
use shared::dictionary::country_name;
use shared::reports::customers::CustomerView;
use shared::reports::grid::GridRow;

use super::customer_page::CustomerState;
use crate::api::{CustomerQuery, DownloadFormat, GridQuery};
use crate::auth::use_auth;
use crate::components::chart::{Bar, BarChart};
use crate::components::feedback::{DataAsOf, ErrorNotice, Loading};
use crate::format;

/// Orders listed on the page; the Orders grid has them all.
const ORDERS_SHOWN: usize = 50;

/// The customer's view, with a way back to every customer.
#[component]
pub fn CustomerViewPanel(customer_id: String, state: Memo<CustomerState>) -> impl IntoView {
    let auth = use_auth();
    let id = customer_id.clone();
    let view_resource = LocalResource::new(move || {
        let client = auth.client();
        let id = id.clone();
        async move { client.customer(&id).await }
    });
    let back_href = move || {
        let mut next = state.get();
        next.customer_id = None;
        next.href()
    };

    let busy = RwSignal::new(false);
    let download_error = RwSignal::new(None::<Problem>);
    let id_for_download = StoredValue::new(customer_id.clone());
    let download = move |format: DownloadFormat| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        download_error.set(None);
        let client = auth.client();
        let id = id_for_download.get_value();
        spawn_local(async move {
            // Every subscription the customer ever had: the customer grid over all time,
            // filtered to this customer.
            let query = CustomerQuery {
                from: chrono::NaiveDate::from_ymd_opt(2000, 1, 1),
                ..CustomerQuery::default()
            };
            let grid = GridQuery {
                filters: vec![format!("CustomerId:eq:{id}")],
                ..GridQuery::default()
            };
            let result = client.download_customers(&query, &grid, format).await;
            busy.try_set(false);
            if let Err(problem) = result {
                download_error.try_set(Some(problem));
            }
        });
    };

    view! {
        <div class="page-header">
            <p class="breadcrumb">
                <A href=back_href>
                    "← All customers"
                </A>
            </p>
            <h1>"Customer " <span class="mono" data-testid="customer-id">{customer_id.clone()}</span></h1>
        </div>
        <div class="toolbar toolbar-right">
            <span class="toolbar-label">"Download this customer's subscriptions"</span>
            <button type="button" class="button button-secondary" data-testid="customer-download-csv"
                aria-busy=move || busy.get().to_string() on:click=move |_| download(DownloadFormat::Csv)>
                "Download CSV"
            </button>
            <button type="button" class="button button-secondary" data-testid="customer-download-xlsx"
                aria-busy=move || busy.get().to_string() on:click=move |_| download(DownloadFormat::Xlsx)>
                "Download Excel"
            </button>
        </div>
        {move || download_error.get().map(|problem| view! { <ErrorNotice problem=problem/> })}
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match view_resource.await {
                    Ok(v) => view! { <CustomerDetails customer=v/> }.into_any(),
                    Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn text(row: &GridRow, json: &str) -> String {
    row.text(json)
}

#[component]
fn CustomerDetails(customer: CustomerView) -> impl IntoView {
    let profile = customer.profile.as_ref().map(|p| p.0.clone());
    let field = |label: &'static str, value: String| {
        view! {
            <div class="profile-field">
                <dt>{label}</dt>
                <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
            </div>
        }
    };
    let profile_view = match profile {
        Some(p) => {
            let name = format!("{} {}", text(&p, "firstName"), text(&p, "lastName"))
                .trim()
                .to_owned();
            let country = text(&p, "customerCountryRegion");
            let country = country_name(&country)
                .map(|n| format!("{n} ({country})"))
                .unwrap_or(country);
            let place = [text(&p, "customerCity"), text(&p, "customerState"), country]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <dl class="profile" data-testid="customer-profile">
                    {field("Company", text(&p, "customerCompanyName"))}
                    {field("Contact", name)}
                    {field("Email", text(&p, "email"))}
                    {field("Customer type", text(&p, "customerType"))}
                    {field("Location", place)}
                    {field("Language", text(&p, "customerCommunicationCulture"))}
                    {field("Billing account", text(&p, "billingAccountId"))}
                </dl>
            }
            .into_any()
        }
        None => view! { <p class="muted">"No customer record yet: only orders or usage know this customer."</p> }.into_any(),
    };
    let masked = customer.masked.then(|| {
        view! { <p class="note">"Names and contact details are hidden: they need the Customers permission."</p> }
    });

    let subscriptions = customer
        .subscriptions
        .iter()
        .map(|s| {
            let s = &s.0;
            view! {
                <tr data-testid="customer-subscription">
                    <td class="mono">{text(s, "marketplaceSubscriptionId")}</td>
                    <td>{text(s, "offerName")}</td>
                    <td>{text(s, "sku")}</td>
                    <td>{text(s, "marketplaceLicenseType")}</td>
                    <td>{text(s, "azureLicenseType")}</td>
                    <td class="nowrap">{text(s, "dateAcquired")}</td>
                    <td class="nowrap">{text(s, "dateLost")}</td>
                </tr>
            }
        })
        .collect_view();
    let order_rows = customer
        .orders
        .iter()
        .take(ORDERS_SHOWN)
        .map(|o| {
            let o = &o.0;
            let quantity = o.get("orderQuantity").map(|c| c.to_text()).unwrap_or_default();
            view! {
                <tr data-testid="customer-order">
                    <td class="nowrap">{text(o, "orderPurchaseDate")}</td>
                    <td class="mono">{text(o, "orderId")}</td>
                    <td>{text(o, "offerName")}</td>
                    <td>{text(o, "sku")}</td>
                    <td class="numeric">{quantity.parse::<f64>().map(format::number).unwrap_or(quantity)}</td>
                    <td>{text(o, "orderStatus")}</td>
                    <td class="mono">{text(o, "marketplaceSubscriptionId")}</td>
                </tr>
            }
        })
        .collect_view();
    let shown = customer.orders.len().min(ORDERS_SHOWN);
    // Every month from the first with usage to the last, months without usage as 0, so
    // the trend's gaps show.
    let usage_bars: Vec<Bar> = match (
        customer.usage_by_month.first(),
        customer.usage_by_month.last(),
    ) {
        (Some(first), Some(last)) => first
            .month
            .through(last.month)
            .map(|month| Bar {
                key: month.to_string(),
                label: format::month(month),
                value: customer
                    .usage_by_month
                    .iter()
                    .find(|u| u.month == month)
                    .map_or(0.0, |u| u.normalized_usage),
                other: false,
            })
            .collect(),
        _ => Vec::new(),
    };
    let usage_rows = customer
        .usage_by_month
        .iter()
        .map(|u| {
            view! {
                <tr>
                    <th scope="row">{format::month(u.month)}</th>
                    <td class="numeric">{format::number(u.normalized_usage)}</td>
                    <td class="numeric">{format::number(u.raw_usage)}</td>
                    <td class="numeric">{format::number(u.metered_usage)}</td>
                </tr>
            }
        })
        .collect_view();
    let has_usage = !customer.usage_by_month.is_empty();

    view! {
        <p class="report-meta">
            <span class="report-period" data-testid="customer-order-count" data-value=customer.order_count.to_string()>
                {format!("{} orders · {} subscriptions", format::count(customer.order_count), customer.subscriptions.len())}
            </span>
            <DataAsOf at=customer.data_as_of/>
        </p>
        <div class="panels" data-testid="customer-view" data-customer-id=customer.customer_id.clone()>
            <section class="card panel-wide" aria-labelledby="profile-heading">
                <div class="card-header"><h2 id="profile-heading">"Profile"</h2></div>
                {masked}
                {profile_view}
            </section>
            <section class="card panel-wide" aria-labelledby="usage-heading">
                <div class="card-header"><h2 id="usage-heading">"Usage trend (normalized hours)"</h2></div>
                {if has_usage {
                    view! {
                        <BarChart test_id="customer-usage" title="Normalized usage hours per month" unit="hours" bars=usage_bars/>
                        <details class="table-details">
                            <summary>"Usage by month"</summary>
                            <table class="data-table">
                                <thead><tr><th scope="col">"Month"</th><th scope="col" class="numeric">"Normalized hours"</th>
                                <th scope="col" class="numeric">"Raw hours"</th><th scope="col" class="numeric">"Metered units"</th></tr></thead>
                                <tbody>{usage_rows}</tbody>
                            </table>
                        </details>
                    }.into_any()
                } else {
                    view! { <p class="muted">"No usage recorded for this customer."</p> }.into_any()
                }}
            </section>
            <section class="card panel-wide" aria-labelledby="subscriptions-heading">
                <div class="card-header"><h2 id="subscriptions-heading">"Subscriptions"</h2></div>
                <div class="table-scroll" tabindex="0" role="group" aria-label="Subscriptions, scrollable">
                    <table class="data-table" data-testid="customer-subscriptions">
                        <thead><tr>
                            <th scope="col">"Subscription ID"</th><th scope="col">"Offer"</th><th scope="col">"SKU"</th>
                            <th scope="col">"Marketplace License Type"</th><th scope="col">"Azure License Type"</th>
                            <th scope="col">"Acquired"</th><th scope="col">"Lost"</th>
                        </tr></thead>
                        <tbody>{subscriptions}</tbody>
                    </table>
                </div>
            </section>
            <section class="card panel-wide" aria-labelledby="orders-heading">
                <div class="card-header">
                    <h2 id="orders-heading">"Orders"</h2>
                    <p class="card-note">{format!("Newest first; showing {shown} of {}.", format::count(customer.order_count))}</p>
                </div>
                <div class="table-scroll" tabindex="0" role="group" aria-label="Orders, scrollable">
                    <table class="data-table" data-testid="customer-orders">
                        <thead><tr>
                            <th scope="col">"Purchase date"</th><th scope="col">"Order ID"</th><th scope="col">"Offer"</th>
                            <th scope="col">"SKU"</th><th scope="col" class="numeric">"Quantity"</th><th scope="col">"Status"</th>
                            <th scope="col">"Subscription ID"</th>
                        </tr></thead>
                        <tbody>{order_rows}</tbody>
                    </table>
                </div>
            </section>
        </div>
    }
}
