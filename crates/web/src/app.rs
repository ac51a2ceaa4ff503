//! The app's root: session state, routes, and the guard that keeps signed-out visitors
//! on the sign-in page.

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{NavigateOptions, path};

use crate::auth::{Auth, use_auth};
use crate::components::layout::Shell;
use crate::features::licenses::LicensesPage;
use crate::features::placeholders::{
    CustomerPage, HelpPage, NotFoundPage, OrdersUsagePage, UserManagementPage,
};
use crate::features::signin::{SignInPage, sign_in_path_returning_to};
use crate::features::summary::SummaryPage;

/// The whole app: every page but sign-in sits inside the signed-in frame.
#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::provide();
    auth.refresh_user();

    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/signin") view=SignInPage/>
                <ParentRoute path=path!("") view=SignedIn>
                    <Route path=path!("") view=|| view! { <Redirect path="/summary" options=replace()/> }/>
                    <Route path=path!("/summary") view=SummaryPage/>
                    <Route path=path!("/orders-usage") view=OrdersUsagePage/>
                    <Route path=path!("/customer") view=CustomerPage/>
                    <Route path=path!("/licenses") view=LicensesPage/>
                    <Route path=path!("/users") view=UserManagementPage/>
                    <Route path=path!("/help") view=HelpPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The signed-in frame around the matched page, or, without a session, a redirect to
/// sign in. Because the frame watches the session, anything that ends it (Sign out, a
/// 401 from the API) leaves the page at once.
#[component]
fn SignedIn() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Show when=move || auth.is_signed_in() fallback=ToSignIn>
            <Shell>
                <Outlet/>
            </Shell>
        </Show>
    }
}

/// Sends a signed-out visitor to sign in, and back here afterwards, unless they have
/// just signed out on purpose.
#[component]
fn ToSignIn() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let target = if auth.take_signed_out_by_user() {
        "/signin".to_owned()
    } else {
        let path = location.pathname.get_untracked();
        let search = location.search.get_untracked();
        if search.is_empty() {
            sign_in_path_returning_to(&path)
        } else {
            sign_in_path_returning_to(&format!("{path}?{search}"))
        }
    };
    view! { <Redirect path=target options=replace()/> }
}

/// Redirects replace the history entry, so Back does not bounce straight forward again.
fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..NavigateOptions::default()
    }
}
