//! The loading, empty and error states every data panel shows, one look for all pages.

use leptos::prelude::*;
use shared::Problem;

/// Shown while a report is on its way.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="state state-loading" data-testid="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            "Loading…"
        </div>
    }
}

/// Shown when a report came back with nothing in it.
#[component]
pub fn Empty() -> impl IntoView {
    view! {
        <div class="state state-empty" role="status">
            <p class="state-title" data-testid="empty">"No data for these filters"</p>
            <p>"Try other filters or another period."</p>
        </div>
    }
}

/// Shows why a request failed, in the server's words.
#[component]
pub fn ErrorNotice(
    /// What went wrong.
    problem: Problem,
) -> impl IntoView {
    view! {
        <div class="state state-error">
            <p class="state-title">{problem.title}</p>
            <p class="state-detail" data-testid="error" role="alert">{problem.detail}</p>
            {problem.request_id.map(|id| view! { <p class="state-meta">"Request id: " <code>{id}</code></p> })}
        </div>
    }
}

/// How old data may be before the page says it is delayed: the marketplace promises
/// new data within 48 hours.
const DELAYED_AFTER_HOURS: f64 = 48.0;

/// The "data as of" line of a report, and a distinct notice when the data is older than
/// the marketplace's 48-hour promise or none has arrived yet.
#[component]
pub fn DataAsOf(
    /// When the report's data last changed.
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    match at {
        Some(at) => {
            let age_hours = (js_sys::Date::now() - at.timestamp_millis() as f64) / 3_600_000.0;
            let delayed = age_hours > DELAYED_AFTER_HOURS;
            view! {
                <span class="report-as-of">
                    "Data as of "
                    <time data-testid="data-as-of" datetime=at.to_rfc3339()>{crate::format::timestamp(at)}</time>
                </span>
                {delayed.then(|| view! {
                    <p class="state-delayed" data-testid="delayed" role="status">
                        {format!(
                            "Data may be delayed: the latest data arrived {} days ago. New data usually arrives within 48 hours.",
                            (age_hours / 24.0).floor()
                        )}
                    </p>
                })}
            }
            .into_any()
        }
        None => view! {
            <span class="report-as-of">
                <span data-testid="data-as-of">"No data received yet"</span>
            </span>
            <p class="state-delayed" data-testid="delayed" role="status">
                "No data has arrived for this report yet. It appears here once your first data is received."
            </p>
        }
        .into_any(),
    }
}
