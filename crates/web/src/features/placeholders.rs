//! Pages of report areas that are not built yet. Each says so plainly rather than
//! showing made-up numbers; each is replaced by its own feature folder when built.

use leptos::prelude::*;

use crate::auth::use_auth;
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

/// `/orders-usage`.
#[component]
pub fn OrdersUsagePage() -> impl IntoView {
    view! {
        <ComingSoon
            title="Orders and Usage"
            what="Orders and usage with slicers, monthly and trend views and a downloadable detail grid will appear here."
        />
    }
}

/// `/customer`.
#[component]
pub fn CustomerPage() -> impl IntoView {
    view! {
        <ComingSoon
            title="Customer"
            what="Your customers, their subscriptions, orders and usage will appear here."
        />
    }
}

/// `/users`: only Administrators manage users; others are told whom to ask.
#[component]
pub fn UserManagementPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Show
            when=move || auth.is_administrator()
            fallback=|| {
                set_page_title("User Management");
                view! {
                    <div class="page-header">
                        <h1>"User Management"</h1>
                    </div>
                    <section class="card placeholder" role="alert">
                        <p class="placeholder-title">"Administrators only"</p>
                        <p>"Ask an Administrator of your publisher to add users or change permissions."</p>
                    </section>
                }
            }
        >
            <ComingSoon
                title="User Management"
                what="Adding users, editing their permissions and the audit log will appear here."
            />
        </Show>
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
