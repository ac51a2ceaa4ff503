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
            <p>"Try another period."</p>
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
