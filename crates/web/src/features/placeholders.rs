//! Pages of report areas that are not built yet. Each says so plainly rather than
//! showing made-up numbers; each is replaced by its own feature folder when built.

use leptos::prelude::*;

use crate::components::layout::set_page_title;

#[component]
fn ComingSoon(title: &'static str, what: &'static str) -> impl IntoView {
    set_page_title(title);
    view! {
        <div class="page-header">
            <h1>{title}</h1>
        </div>
        <section class="card placeholder">
            <p class="placeholder-title">"This area is coming."</p>
            <p>{what}</p>
        </section>
    }
}

/// `/help`, also where Contact Us and Privacy Policy point for now.
#[component]
pub fn HelpPage() -> impl IntoView {
    view! {
        <ComingSoon
            title="Help"
            what="Definitions of every term, contact details, the privacy policy and support requests will appear here."
        />
    }
}

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
