//! The app's root: session state, routes, and the guard that keeps signed-out visitors
//! on the sign-in page.

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{NavigateOptions, path};
use shared::auth::Permission;

use crate::auth::{Auth, landing_path, use_auth};
use crate::components::feedback::Loading;
use crate::components::layout::{Shell, set_page_title};
use crate::features::accounts::{
    AcceptInvitationPage, ChangePasswordPage, ForgotPasswordPage, ResetPasswordPage,
};
use crate::features::customer::CustomerPage;
use crate::features::help::{
    GlossaryPage, HelpFrame, HelpPage, MyRequestsPage, PrivacyPage, RequestPage, StartRequestPage,
};
use crate::features::licenses::LicensesPage;
use crate::features::orders_usage::OrdersUsagePage;
use crate::features::placeholders::NotFoundPage;
use crate::features::signin::{SignInPage, sign_in_path_returning_to};
use crate::features::summary::SummaryPage;
use crate::features::users::{
    AddUserPage, AuditLogPage, EditUserPage, IntegrationsPage, SettingsPage, UserManagement,
    UsersPage,
};

/// The whole app: every page but sign-in and the mailed links' pages sits inside the
/// signed-in frame.
#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::provide();
    auth.resume();

    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/signin") view=SignInPage/>
                <Route path=path!("/accept-invitation") view=AcceptInvitationPage/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                <Route path=path!("/reset-password") view=ResetPasswordPage/>
                <Route path=path!("/privacy") view=PrivacyPage/>
                <ParentRoute path=path!("") view=SignedIn>
                    <Route path=path!("") view=Landing/>
                    <Route path=path!("/summary") view=|| view! {
                        <Requires areas=&[Permission::Summary] title="Summary"><SummaryPage/></Requires>
                    }/>
                    <Route path=path!("/orders-usage") view=|| view! {
                        <Requires areas=&[Permission::Orders, Permission::Usage] title="Orders and Usage"><OrdersUsagePage/></Requires>
                    }/>
                    <Route path=path!("/customer") view=|| view! {
                        <Requires areas=&[Permission::Customers] title="Customer"><CustomerPage/></Requires>
                    }/>
                    <Route path=path!("/licenses") view=|| view! {
                        <Requires areas=&[Permission::Licenses] title="Licenses"><LicensesPage/></Requires>
                    }/>
                    <ParentRoute path=path!("/users") view=UserManagement>
                        <Route path=path!("") view=UsersPage/>
                        <Route path=path!("/new") view=AddUserPage/>
                        <Route path=path!("/settings") view=SettingsPage/>
                        <Route path=path!("/integrations") view=IntegrationsPage/>
                        <Route path=path!("/audit") view=AuditLogPage/>
                        <Route path=path!("/:id") view=EditUserPage/>
                    </ParentRoute>
                    <Route path=path!("/account/password") view=ChangePasswordPage/>
                    <ParentRoute path=path!("/help") view=HelpFrame>
                        <Route path=path!("") view=HelpPage/>
                        <Route path=path!("/glossary") view=GlossaryPage/>
                        <Route path=path!("/support") view=StartRequestPage/>
                        <Route path=path!("/requests") view=MyRequestsPage/>
                        <Route path=path!("/requests/:number") view=RequestPage/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// `/`: the first report area the user may read.
#[component]
fn Landing() -> impl IntoView {
    let auth = use_auth();
    let target = landing_path(auth.user().as_ref());
    view! { <Redirect path=target options=replace()/> }
}

/// The page in `children` when the user may read one of `areas`; otherwise a notice
/// saying whom to ask. The server refuses the data anyway; this keeps the page honest.
#[component]
fn Requires(
    areas: &'static [Permission],
    title: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let auth = use_auth();
    let allowed = move || areas.iter().any(|a| auth.can(*a));
    view! {
        <Show
            when=allowed
            fallback=move || {
                set_page_title(title);
                view! {
                    <div class="page-header"><h1>{title}</h1></div>
                    <section class="card placeholder" role="alert" data-testid="no-access">
                        <p class="placeholder-title">"You do not have access to this area"</p>
                        <p>"Ask an Administrator of your publisher for the permission."</p>
                    </section>
                }
            }
        >
            {children()}
        </Show>
    }
}

/// The signed-in frame around the matched page, or, without a session, a redirect to
/// sign in. Because the frame watches the session, anything that ends it (Sign out, a
/// refused renewal) leaves the page at once.
#[component]
fn SignedIn() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Show
            when=move || auth.is_signed_in()
            fallback=move || view! {
                <Show when=move || !auth.is_resuming() fallback=|| view! { <Loading/> }>
                    <ToSignIn/>
                </Show>
            }
        >
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
