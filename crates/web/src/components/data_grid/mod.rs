//! The detail grid of any dataset: a filter on each column header with operators fit for
//! the column's type, sorting, 10, 20 or 50 rows a page with cursor paging, and
//! downloads of the whole filtered result.
//!
//! The grid draws what its page's URL says ([`GridQuery`]) and asks the page to change
//! the URL (`on_change`); it never fetches by itself, so reload and Back reproduce it.

mod filter;

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::Problem;
use shared::dictionary::{Column, ColumnType, Dataset, country_name};
use shared::reports::grid::{Cell, GridPage, GridRow, PAGE_SIZES};

use crate::api::{DownloadFormat, GridQuery};
use crate::auth::use_auth;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::glossary::TermLink;
use crate::format;
use crate::url::href;
use filter::ColumnFilterMenu;

/// Starts a download of the whole filtered result in a format.
pub type Downloader = Callback<DownloadFormat, Pin<Box<dyn Future<Output = Result<(), Problem>>>>>;

/// The grid of `dataset`, showing `columns` (dictionary names) of each row.
#[component]
pub fn DataGrid(
    /// The `data-testid` of the table and the stem of element ids.
    #[prop(into)]
    test_id: String,
    /// A name for the grid's region ("Order detail").
    #[prop(into)]
    caption: String,
    /// The dataset whose dictionary describes the columns.
    dataset: Dataset,
    /// The columns shown, by dictionary name, in order.
    columns: &'static [&'static str],
    /// The grid state in the URL.
    #[prop(into)]
    query: Signal<GridQuery>,
    /// Asks the page to show another grid state.
    on_change: Callback<GridQuery>,
    /// The current page.
    page: LocalResource<Result<GridPage<GridRow>, Problem>>,
    /// Downloads the whole filtered result.
    download: Downloader,
) -> impl IntoView {
    let columns: Vec<&'static Column> = columns
        .iter()
        .filter_map(|name| dataset.column(name))
        .collect();
    let columns = StoredValue::new(columns);
    // Sorting or filtering on personal data needs the Customers permission; without it
    // those columns offer neither.
    let personal_data = use_auth()
        .user()
        .is_some_and(|u| u.can(shared::auth::Permission::Customers));

    let header = move || {
        columns
            .get_value()
            .into_iter()
            .map(|column| {
                let json = column.json_name();
                let sort_state = move || {
                    query.with(|q| match q.sort.as_deref() {
                        Some(s) if s == column.name => "ascending",
                        Some(s) if s.strip_prefix('-') == Some(column.name) => "descending",
                        _ => "none",
                    })
                };
                let toggle_sort = move |_| {
                    let mut next = query.get_untracked();
                    next.sort = Some(if sort_state() == "ascending" {
                        format!("-{}", column.name)
                    } else {
                        column.name.to_owned()
                    });
                    next.cursors.clear();
                    on_change.run(next);
                };
                let arrow = move || match sort_state() {
                    "ascending" => "▲",
                    "descending" => "▼",
                    _ => "↕",
                };
                if column.pii && !personal_data {
                    return view! {
                        <th scope="col" data-column=column.name data-json=json>
                            <div class="th-inner">
                                <span class="th-plain">{column.label}</span>
                                <TermLink name=column.name label=column.label/>
                            </div>
                        </th>
                    }
                    .into_any();
                }
                view! {
                    <th scope="col" aria-sort=sort_state data-column=column.name data-json=json>
                        <div class="th-inner">
                            <button
                                type="button"
                                class="sort-button"
                                data-testid=format!("sort-{}", column.name)
                                on:click=toggle_sort
                            >
                                <span>{column.label}</span>
                                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                            </button>
                            <TermLink name=column.name label=column.label/>
                            <ColumnFilterMenu column=column query=query on_change=on_change/>
                        </div>
                    </th>
                }
                .into_any()
            })
            .collect_view()
    };

    let active_filters = move || {
        query.with(|q| {
            q.filters
                .iter()
                .map(|f| {
                    let text = describe_filter(dataset, f);
                    let filter = f.clone();
                    let remove = move |_| {
                        let mut next = query.get_untracked();
                        next.filters.retain(|x| x != &filter);
                        next.cursors.clear();
                        on_change.run(next);
                    };
                    view! {
                        <li class="chip">
                            <span>{text.clone()}</span>
                            <button type="button" class="chip-remove" aria-label=format!("Remove filter {text}") on:click=remove>
                                "×"
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };

    let set_page_size = move |ev| {
        let size = event_target_value(&ev).parse::<u32>().unwrap_or(20);
        let mut next = query.get_untracked();
        next.page_size = size;
        next.cursors.clear();
        on_change.run(next);
    };
    let page_size_id = format!("{test_id}-page-size");

    let body = move || {
        let columns = columns.get_value();
        let span = columns.len();
        Suspend::new(async move {
            match page.await {
                Err(problem) => view! {
                    <tr><td colspan=span><ErrorNotice problem=problem/></td></tr>
                }
                .into_any(),
                Ok(page) if page.rows.is_empty() => view! {
                    <tr>
                        <td colspan=span class="grid-empty" data-testid="empty">
                            "No data for these filters"
                        </td>
                    </tr>
                }
                .into_any(),
                Ok(page) => page
                    .rows
                    .iter()
                    .map(|row| {
                        let cells = columns.iter().map(|c| cell_view(c, row)).collect_view();
                        view! { <tr data-testid="grid-row">{cells}</tr> }
                    })
                    .collect_view()
                    .into_any(),
            }
        })
    };

    let pager = move || {
        Suspend::new(async move {
            let Ok(page) = page.await else {
                return ().into_any();
            };
            let (size, depth) = query.with_untracked(|q| (q.page_size, q.cursors.len()));
            let total = page.total;
            let pages = total.map(|t| t.div_ceil(u64::from(size)).max(1));
            let next_cursor = page.next_cursor.clone();
            let has_next = next_cursor.is_some();
            let previous = move |_| {
                let mut next = query.get_untracked();
                next.cursors.pop();
                on_change.run(next);
            };
            let forward = move |_| {
                if let Some(cursor) = next_cursor.clone() {
                    let mut next = query.get_untracked();
                    next.cursors.push(cursor);
                    on_change.run(next);
                }
            };
            view! {
                <span class="pager-status" aria-live="polite">
                    {format!("Page {}", depth + 1)}
                    {pages.map(|p| format!(" of {}", format::count(p)))}
                    {total.map(|t| view! {
                        " · "
                        <span data-testid="grid-total" data-value=t.to_string()>{format::count(t)}</span>
                        {if t == 1 { " row" } else { " rows" }}
                    })}
                    {page.masked.then_some(" · personal data hidden (needs the Customers permission)")}
                </span>
                <button type="button" class="button button-secondary" disabled=depth == 0 on:click=previous>
                    "Previous"
                </button>
                <button type="button" class="button button-secondary" disabled=!has_next on:click=forward>
                    "Next"
                </button>
            }
            .into_any()
        })
    };

    let busy = RwSignal::new(None::<DownloadFormat>);
    let download_error = RwSignal::new(None::<Problem>);
    let start_download = move |format: DownloadFormat| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(format));
        download_error.set(None);
        spawn_local(async move {
            let result = download.run(format).await;
            busy.try_set(None);
            if let Err(problem) = result {
                download_error.try_set(Some(problem));
            }
        });
    };

    view! {
        <div class="grid" role="region" aria-label=caption.clone()>
            <div class="grid-toolbar">
                <ul class="chips" aria-label="Column filters">{active_filters}</ul>
                <div class="grid-downloads">
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="download-csv"
                        aria-busy=move || (busy.get() == Some(DownloadFormat::Csv)).to_string()
                        on:click=move |_| start_download(DownloadFormat::Csv)
                    >
                        "Download CSV"
                    </button>
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="download-xlsx"
                        aria-busy=move || (busy.get() == Some(DownloadFormat::Xlsx)).to_string()
                        on:click=move |_| start_download(DownloadFormat::Xlsx)
                    >
                        "Download Excel"
                    </button>
                </div>
            </div>
            {move || download_error.get().map(|problem| view! { <ErrorNotice problem=problem/> })}
            <div class="grid-scroll" tabindex="0" role="group" aria-label=format!("{caption}, scrollable")>
                <table class="grid-table" data-testid=test_id>
                    <caption class="sr-only">{caption.clone()}</caption>
                    <thead><tr>{header}</tr></thead>
                    <tbody>
                        <Suspense fallback=move || view! {
                            <tr><td colspan=columns.with_value(Vec::len)><Loading/></td></tr>
                        }>{body}</Suspense>
                    </tbody>
                </table>
            </div>
            <div class="grid-footer">
                <div class="field field-inline">
                    <label for=page_size_id.clone()>"Rows per page"</label>
                    <select id=page_size_id data-testid="page-size" on:change=set_page_size>
                        {PAGE_SIZES
                            .iter()
                            .map(|s| {
                                let s = *s;
                                view! {
                                    <option value=s.to_string() selected=move || query.with(|q| q.page_size == s)>
                                        {s.to_string()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="pager" data-testid="pager">
                    <Suspense fallback=|| ()>{pager}</Suspense>
                </div>
            </div>
        </div>
    }
}

/// A filter as a reader says it: `Offer Type any of SaaS, Container`.
fn describe_filter(dataset: Dataset, filter: &str) -> String {
    let mut parts = filter.splitn(3, ':');
    let (Some(name), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return filter.to_owned();
    };
    let label = dataset.column(name).map(|c| c.label).unwrap_or(name);
    let op_label = op
        .parse::<shared::reports::grid::FilterOp>()
        .map(|o| o.label())
        .unwrap_or(op);
    format!("{label} {op_label} {}", value.replace(',', ", "))
}

/// One cell, formatted for its column's type. A subscription ID links to its
/// customer's view unless it is a hashed BYOL ID.
fn cell_view(column: &'static Column, row: &GridRow) -> impl IntoView + use<> {
    let json = column.json_name();
    let cell = row.get(&json).cloned().unwrap_or(Cell::Null);
    let raw = cell.to_text();
    let text = match (&cell, column.kind) {
        (Cell::Null, _) => String::new(),
        (Cell::Integer(i), _) => format::number(*i as f64),
        (Cell::Number(n), _) => format::number(*n),
        (Cell::Bool(b), _) if column.name == "IsPreviewSKU" => {
            if *b { "Preview" } else { "Live" }.to_owned()
        }
        (Cell::Bool(b), _) => if *b { "Yes" } else { "No" }.to_owned(),
        (Cell::Text(t), ColumnType::Money) => format::money(t, ""),
        (Cell::Text(t), ColumnType::Country) => country_name(t)
            .map(|name| format!("{name} ({t})"))
            .unwrap_or_else(|| t.clone()),
        (Cell::Text(t), _) => t.clone(),
    };
    // Long cells are cut with an ellipsis; the title shows them whole.
    let title = (text.chars().count() > 24).then(|| text.clone());
    let numeric = matches!(
        column.kind,
        ColumnType::Integer | ColumnType::Decimal | ColumnType::Money
    );
    let customer = row.text("customerId");
    let content = if column.name == "MarketplaceSubscriptionId"
        && !raw.is_empty()
        && !raw.starts_with("byol-")
        && !customer.is_empty()
    {
        let link = href("/customer", &[("customerId".to_owned(), customer)]);
        view! {
            <A href=link attr:data-testid="subscription-link" attr:class="subscription-link">{text}</A>
        }
        .into_any()
    } else {
        text.into_any()
    };
    view! {
        <td class:numeric=numeric data-column=column.name data-value=raw title=title>{content}</td>
    }
}
