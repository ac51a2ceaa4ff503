//! The page for addresses the app does not know.

use leptos::prelude::*;

use crate::components::layout::set_page_title;

/// Any path the app does not know.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_page_title("Page not found");
    view! {
        <main class="not-found card">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address."</p>
            <p>
                <a href="/summary">"Go to Summary"</a>
            </p>
        </main>
    }
}
