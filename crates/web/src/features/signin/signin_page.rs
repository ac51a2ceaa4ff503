//! The sign-in page (`/signin?next=...`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use shared::Problem;
use shared::auth::SignInRequest;

use crate::api::Client;
use crate::auth::use_auth;
use crate::components::layout::{APP_NAME, set_page_title};

/// Where a signed-in user lands when nothing else was asked for: `/` sends them on to
/// the first report area they may read.
const HOME: &str = "/";

/// The sign-in path that comes back to `path` (path and query) after signing in.
pub fn sign_in_path_returning_to(path: &str) -> String {
    if path.is_empty() || path == HOME || path == "/summary" {
        return "/signin".to_owned();
    }
    let query: ParamsMap = [("next", path)].into_iter().collect();
    format!("/signin{}", query.to_query_string())
}

/// The email and password form. Once a session exists (now or on arrival) it sends the
/// user on to `next`, or to Summary.
#[component]
pub fn SignInPage() -> impl IntoView {
    set_page_title("Sign in");
    let auth = use_auth();
    let query = use_query_map();
    let next = move || safe_next(query.read().get("next").as_deref());

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        problem.set(None);
        let credentials = SignInRequest {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match Client::anonymous().sign_in(&credentials).await {
                Ok(session) => auth.sign_in(session),
                Err(p) => {
                    problem.try_set(Some(p));
                    password.try_set(String::new());
                }
            }
            pending.try_set(false);
        });
    };

    let go_on = move || {
        let options = NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        };
        view! { <Redirect path=next() options=options/> }
    };

    view! {
        <Show when=move || !auth.is_signed_in() fallback=go_on>
            <div class="signin-page">
                <main class="signin-card card">
                    <h1 class="signin-title">{APP_NAME}</h1>
                    <p class="signin-lead">"Sign in to see your marketplace orders, usage and customers."</p>
                    <form class="form" on:submit=on_submit>
                        <div class="field">
                            <label for="email">"Email"</label>
                            <input
                                id="email"
                                name="email"
                                type="email"
                                autocomplete="username"
                                required
                                bind:value=email
                            />
                        </div>
                        <div class="field">
                            <label for="password">"Password"</label>
                            <input
                                id="password"
                                name="password"
                                type="password"
                                autocomplete="current-password"
                                required
                                bind:value=password
                            />
                        </div>
                        {move || {
                            problem
                                .get()
                                .map(|p| view! { <p class="form-error" role="alert">{p.detail}</p> })
                        }}
                        <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>
                            "Sign in"
                        </button>
                    </form>
                    <p class="signin-help"><A href="/forgot-password">"Forgot your password?"</A></p>
                </main>
            </div>
        </Show>
    }
}

/// `next` if it is a path inside this app; anything else (another origin, the sign-in
/// page itself) would make the redirect a way out or a loop.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/signin") =>
        {
            path.to_owned()
        }
        _ => HOME.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_inside_the_app() {
        assert_eq!(safe_next(Some("/licenses")), "/licenses");
        assert_eq!(
            safe_next(Some("/summary?start=2025-01")),
            "/summary?start=2025-01"
        );
        assert_eq!(safe_next(Some("//evil.example")), HOME);
        assert_eq!(sign_in_path_returning_to("/summary"), "/signin");
        assert_eq!(safe_next(Some("https://evil.example")), HOME);
        assert_eq!(safe_next(Some("/signin?next=/x")), HOME);
        assert_eq!(safe_next(None), HOME);
    }
}
