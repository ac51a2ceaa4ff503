//! `/forgot-password`, `/reset-password#token=...` and `/account/password`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::auth::{ChangePasswordRequest, PasswordResetRequest, SetPasswordRequest};

use super::{NewPasswordFields, link_token, password_mismatch};
use crate::api::Client;
use crate::auth::use_auth;
use crate::components::layout::{APP_NAME, set_page_title};

/// Asking for a reset link. The answer is the same for every address; it says to
/// contact the Administrator where self-service reset is off.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    set_page_title("Forgot your password");
    let email = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let answer = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        problem.set(None);
        let request = PasswordResetRequest {
            email: email.get_untracked().trim().to_owned(),
        };
        spawn_local(async move {
            match Client::anonymous().request_password_reset(&request).await {
                Ok(accepted) => {
                    answer.try_set(Some(accepted.message));
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <div class="signin-page">
            <main class="signin-card card">
                <h1 class="signin-title">{APP_NAME}</h1>
                <h2>"Forgot your password?"</h2>
                <Show
                    when=move || answer.get().is_none()
                    fallback=move || view! {
                        <p class="notice" role="status" data-testid="reset-requested">{answer.get()}</p>
                        <p><A href="/signin">"Back to sign in"</A></p>
                    }
                >
                    <p class="signin-lead">
                        "Enter the email you sign in with. If your publisher allows self-service reset, we mail you a link to choose a new password; otherwise, contact your Administrator."
                    </p>
                    <form class="form" on:submit=on_submit>
                        <div class="field">
                            <label for="email">"Email"</label>
                            <input id="email" name="email" type="email" autocomplete="username" required bind:value=email/>
                        </div>
                        {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                        <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>
                            "Send reset link"
                        </button>
                    </form>
                    <p><A href="/signin">"Back to sign in"</A></p>
                </Show>
            </main>
        </div>
    }
}

/// Choosing a new password with a reset link.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    set_page_title("Choose a new password");
    let token = link_token();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let done = RwSignal::new(false);
    let problem = RwSignal::new(if token.is_none() {
        Some("This reset link is incomplete. Open the link from your mail again.".to_owned())
    } else {
        None
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (p, c) = (password.get_untracked(), confirm.get_untracked());
        if let Some(why) = password_mismatch(&p, &c) {
            problem.set(Some(why.to_owned()));
            return;
        }
        let Some(token) = token.clone() else { return };
        pending.set(true);
        problem.set(None);
        spawn_local(async move {
            let request = SetPasswordRequest { token, password: p };
            match Client::anonymous().complete_password_reset(&request).await {
                Ok(()) => {
                    done.try_set(true);
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <div class="signin-page">
            <main class="signin-card card">
                <h1 class="signin-title">{APP_NAME}</h1>
                <h2>"Choose a new password"</h2>
                <Show
                    when=move || !done.get()
                    fallback=|| view! {
                        <p class="notice" role="status" data-testid="reset-done">
                            "Your password is set. Every earlier session has ended; sign in with the new password."
                        </p>
                        <p><A href="/signin">"Sign in"</A></p>
                    }
                >
                    <form class="form" on:submit=on_submit.clone()>
                        <NewPasswordFields password=password confirm=confirm/>
                        {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                        <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>
                            "Set new password"
                        </button>
                    </form>
                </Show>
            </main>
        </div>
    }
}

/// The signed-in user changes their password; their other sessions end.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    set_page_title("Change password");
    let auth = use_auth();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let done = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (p, c) = (password.get_untracked(), confirm.get_untracked());
        if let Some(why) = password_mismatch(&p, &c) {
            problem.set(Some(why.to_owned()));
            return;
        }
        pending.set(true);
        problem.set(None);
        done.set(false);
        let client = auth.client();
        let change = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: p,
        };
        spawn_local(async move {
            match client.change_password(&change).await {
                Ok(session) => {
                    auth.sign_in(session);
                    current.try_set(String::new());
                    password.try_set(String::new());
                    confirm.try_set(String::new());
                    done.try_set(true);
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <div class="page-header">
            <h1>"Change password"</h1>
            <p class="page-lead">"Your other sessions end when you change your password."</p>
        </div>
        <section class="card narrow">
            <form class="form" on:submit=on_submit>
                <div class="field">
                    <label for="current-password">"Current password"</label>
                    <input id="current-password" type="password" autocomplete="current-password" required bind:value=current/>
                </div>
                <NewPasswordFields password=password confirm=confirm/>
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                {move || done.get().then(|| view! { <p class="notice" role="status">"Your password is changed."</p> })}
                <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>
                    "Change password"
                </button>
            </form>
        </section>
    }
}
