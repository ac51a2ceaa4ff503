//! Help: the glossary, support requests (start one, "My requests", a request's
//! conversation) and the privacy policy.

mod glossary_page;
mod privacy_page;
mod requests_page;
mod support_page;

pub use glossary_page::GlossaryPage;
pub use privacy_page::PrivacyPage;
pub use requests_page::{MyRequestsPage, RequestPage};
pub use support_page::StartRequestPage;

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use shared::auth::Permission;

use crate::auth::use_auth;
use crate::components::layout::set_page_title;

/// The Help frame: its own navigation above the Help pages.
#[component]
pub fn HelpFrame() -> impl IntoView {
    let auth = use_auth();
    view! {
        <div class="page-header">
            <h1>"Help"</h1>
        </div>
        <nav class="subtabs" aria-label="Help">
            <A href="/help" exact=true>"Overview"</A>
            <A href="/help/glossary">"Glossary"</A>
            <Show when=move || auth.can(Permission::Support)>
                <A href="/help/support">"Start Request"</A>
                <A href="/help/requests">"My requests"</A>
            </Show>
        </nav>
        <Outlet/>
    }
}

/// `/help`: what Help offers.
#[component]
pub fn HelpPage() -> impl IntoView {
    set_page_title("Help");
    let auth = use_auth();
    view! {
        <div class="help-cards">
            <section class="card">
                <h2>"Glossary"</h2>
                <p>"What every slicer, chart and column means, with the values each can take."</p>
                <p><A href="/help/glossary" attr:class="button button-secondary">"Open the glossary"</A></p>
            </section>
            <section class="card" data-testid="support-card">
                <h2>"Support & Documentation"</h2>
                <Show
                    when=move || auth.can(Permission::Support)
                    fallback=|| view! {
                        <p>"Support requests need the Support permission; ask an Administrator of your publisher for it."</p>
                    }
                >
                    <p>"Ask a question about your reports, attach screenshots, and follow the answer."</p>
                    <p class="button-row">
                        <A href="/help/support" attr:class="button button-primary">"Start Request"</A>
                        <A href="/help/requests" attr:class="button button-secondary">"My requests"</A>
                    </p>
                </Show>
            </section>
            <section class="card">
                <h2>"Privacy"</h2>
                <p>"What this portal keeps about you, and why."</p>
                <p><a href="/privacy">"Privacy policy"</a></p>
            </section>
        </div>
    }
}

/// The notice a Help page shows to someone without the Support permission.
#[component]
fn NeedsSupport() -> impl IntoView {
    view! {
        <section class="card placeholder" role="alert" data-testid="no-access">
            <p class="placeholder-title">"You do not have access to support requests"</p>
            <p>"Ask an Administrator of your publisher for the Support permission."</p>
        </section>
    }
}
