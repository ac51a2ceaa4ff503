//! `/accept-invitation#token=...`: an invited person sets a password and lands signed in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::auth::SetPasswordRequest;
use shared::{ErrorCode, Problem};

use super::{NewPasswordFields, link_token, password_mismatch};
use crate::api::Client;
use crate::auth::{landing_path, use_auth};
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::layout::{APP_NAME, set_page_title};

/// The invitation page.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    set_page_title("Accept your invitation");
    let auth = use_auth();
    let navigate = use_navigate();
    let token = link_token();
    let token_for_preview = token.clone();
    let preview = LocalResource::new(move || {
        let token = token_for_preview.clone();
        async move {
            match token {
                Some(token) => Client::anonymous().preview_invitation(&token).await,
                None => Err(Problem::new(
                    ErrorCode::NotFound,
                    "This invitation link is incomplete. Open the link from your invitation mail again.",
                )),
            }
        }
    });

    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
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
        let Some(token) = token.clone() else { return };
        pending.set(true);
        problem.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let request = SetPasswordRequest { token, password: p };
            match Client::anonymous().accept_invitation(&request).await {
                Ok(session) => {
                    let target = landing_path(Some(&session.user));
                    auth.sign_in(session);
                    navigate(
                        target,
                        NavigateOptions {
                            replace: true,
                            ..NavigateOptions::default()
                        },
                    );
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
                <Suspense fallback=|| view! { <Loading/> }>
                    {move || {
                        let on_submit = on_submit.clone();
                        Suspend::new(async move {
                        match preview.await {
                            Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                            Ok(invitation) => view! {
                                <p class="signin-lead" data-testid="invitation">
                                    "Welcome" {(!invitation.first_name.is_empty()).then(|| format!(", {}", invitation.first_name))}
                                    "! You are invited to " <strong>{invitation.publisher_name.clone()}</strong>
                                    ". Choose a password; you will sign in as "
                                    <strong data-testid="invited-email">{invitation.email.clone()}</strong> "."
                                </p>
                                <form class="form" on:submit=on_submit>
                                    <input type="email" name="username" autocomplete="username" value=invitation.email.clone() hidden/>
                                    <NewPasswordFields password=password confirm=confirm/>
                                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                                    <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>
                                        "Set password and sign in"
                                    </button>
                                </form>
                            }.into_any(),
                        }
                    })}}
                </Suspense>
            </main>
        </div>
    }
}
