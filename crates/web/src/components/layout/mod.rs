//! The frame around every signed-in page: top bar, report tabs and footer.

use leptos::prelude::*;
use leptos_router::components::A;

use shared::auth::Permission;

use crate::auth::use_auth;

mod smiley;

use smiley::FeedbackButton;

/// The app's name, in the top bar and the window title.
pub const APP_NAME: &str = "Seller Insights Portal";

/// The signed-in frame with the page in `children`.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    view! {
        <div class="shell">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <TopBar/>
            <Tabs/>
            <main id="main" class="page" tabindex="-1">
                {children()}
            </main>
            <Footer/>
        </div>
    }
}

/// The app's name on the left; the user, their publisher and Sign out on the right.
#[component]
fn TopBar() -> impl IntoView {
    let auth = use_auth();
    let user = move || auth.user();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
                    <rect x="3" y="12" width="4" height="9" rx="1"></rect>
                    <rect x="10" y="7" width="4" height="14" rx="1"></rect>
                    <rect x="17" y="3" width="4" height="18" rx="1"></rect>
                </svg>
                <span>{APP_NAME}</span>
            </a>
            <div class="account">
                <FeedbackButton/>
                <span class="publisher">{move || user().map(|u| u.publisher.name)}</span>
                <span class="user-name" data-testid="user-name">
                    {move || user().map(|u| u.display_name())}
                </span>
                <A href="/account/password" attr:class="button button-quiet">"Change password"</A>
                <button type="button" class="button button-quiet" on:click=move |_| auth.sign_out()>
                    "Sign out"
                </button>
            </div>
        </header>
    }
}

/// The report areas the user may read, one tab each; User Management only for
/// Administrators.
#[component]
fn Tabs() -> impl IntoView {
    let auth = use_auth();
    view! {
        <nav class="tabs" aria-label="Reports">
            <Show when=move || auth.can(Permission::Summary)>
                <A href="/summary">"Summary"</A>
            </Show>
            <Show when=move || auth.can(Permission::Orders) || auth.can(Permission::Usage)>
                <A href="/orders-usage">"Orders and Usage"</A>
            </Show>
            <Show when=move || auth.can(Permission::Customers)>
                <A href="/customer">"Customer"</A>
            </Show>
            <Show when=move || auth.can(Permission::Licenses)>
                <A href="/licenses">"Licenses"</A>
            </Show>
            <Show when=move || auth.is_administrator()>
                <A href="/users">"User Management"</A>
            </Show>
            <A href="/help">"Help"</A>
        </nav>
    }
}

#[component]
fn Footer() -> impl IntoView {
    view! {
        <footer class="footer">
            <span>{APP_NAME}</span>
            <nav class="footer-links" aria-label="Site">
                <A href="/help/support" attr:data-testid="contact-us">"Contact Us"</A>
                <a href="/privacy" data-testid="privacy-link">"Privacy Policy"</a>
            </nav>
        </footer>
    }
}

/// Names the browser tab after the page, so history and tab lists say where one was.
pub fn set_page_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{page} · {APP_NAME}"));
    }
}
