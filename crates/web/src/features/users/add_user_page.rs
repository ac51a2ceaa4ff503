//! `/users/new`: adding a user as a wizard: email, then names, then permissions, then a
//! review, then Save (the new user gets an invitation mail).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::auth::{Permission, Role};
use shared::users::InviteUserRequest;

use super::{PermissionPicker, describe};
use crate::auth::use_auth;
use crate::components::layout::set_page_title;

const STEPS: [&str; 4] = ["Email", "Name", "Permissions", "Review"];

/// The add-user wizard.
#[component]
pub fn AddUserPage() -> impl IntoView {
    set_page_title("Add user");
    let auth = use_auth();
    let step = RwSignal::new(0usize);
    let email = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let administrator = RwSignal::new(false);
    let permissions = RwSignal::new(Vec::<Permission>::new());
    let problem = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let added = RwSignal::new(None::<String>);

    let check = move |at: usize| -> Option<&'static str> {
        match at {
            0 => {
                let e = email.get_untracked();
                let e = e.trim();
                (!e.contains('@') || e.starts_with('@') || e.ends_with('@') || e.contains(' '))
                    .then_some("Enter the email address the user will sign in with.")
            }
            1 => (first_name.get_untracked().trim().is_empty()
                || last_name.get_untracked().trim().is_empty())
            .then_some("Enter the user's first and last name."),
            2 => (!administrator.get_untracked() && permissions.with_untracked(Vec::is_empty))
                .then_some("Choose at least one permission, or make the user an Administrator."),
            _ => None,
        }
    };
    let on_next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let at = step.get_untracked();
        if let Some(why) = check(at) {
            problem.set(Some(why.to_owned()));
            return;
        }
        problem.set(None);
        if at < 3 {
            step.set(at + 1);
            return;
        }
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let client = auth.client();
        let request = InviteUserRequest {
            email: email.get_untracked().trim().to_owned(),
            first_name: first_name.get_untracked().trim().to_owned(),
            last_name: last_name.get_untracked().trim().to_owned(),
            role: if administrator.get_untracked() {
                Role::Administrator
            } else {
                Role::User
            },
            permissions: permissions.get_untracked(),
        };
        spawn_local(async move {
            match client.invite_user(&request).await {
                Ok(user) => {
                    added.try_set(Some(user.email));
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
            pending.try_set(false);
        });
    };
    let restart = move |_| {
        email.set(String::new());
        first_name.set(String::new());
        last_name.set(String::new());
        administrator.set(false);
        permissions.set(Vec::new());
        added.set(None);
        step.set(0);
    };

    view! {
        <section class="card wizard">
            <Show
                when=move || added.get().is_none()
                fallback=move || view! {
                    <p class="notice" role="status" data-testid="user-added">
                        "Saved. An invitation is on its way to " <strong>{added.get()}</strong>
                        "; the link in it works once, for 7 days."
                    </p>
                    <p>
                        <A href="/users">"Back to the users"</A> " · "
                        <button type="button" class="button button-secondary" on:click=restart>"Add another user"</button>
                    </p>
                }
            >
                <ol class="wizard-steps" aria-label="Steps">
                    {STEPS
                        .iter()
                        .enumerate()
                        .map(|(i, name)| view! {
                            <li aria-current=move || (step.get() == i).then_some("step") class={move || if step.get() > i { "done" } else { "" }}>
                                {format!("{}. {name}", i + 1)}
                            </li>
                        })
                        .collect_view()}
                </ol>
                <form class="form" on:submit=on_next>
                    {move || match step.get() {
                        0 => view! {
                            <h2>"Email"</h2>
                            <div class="field">
                                <label for="new-user-email">"Email"</label>
                                <input id="new-user-email" type="email" autocomplete="off" required bind:value=email/>
                            </div>
                        }.into_any(),
                        1 => view! {
                            <h2>"Name"</h2>
                            <div class="field">
                                <label for="new-user-first-name">"First name"</label>
                                <input id="new-user-first-name" type="text" autocomplete="off" required bind:value=first_name/>
                            </div>
                            <div class="field">
                                <label for="new-user-last-name">"Last name"</label>
                                <input id="new-user-last-name" type="text" autocomplete="off" required bind:value=last_name/>
                            </div>
                        }.into_any(),
                        2 => view! {
                            <h2>"Permissions"</h2>
                            <PermissionPicker administrator=administrator permissions=permissions/>
                        }.into_any(),
                        _ => view! {
                            <h2>"Review"</h2>
                            <dl class="review" data-testid="review">
                                <dt>"Email"</dt><dd>{email.get_untracked().trim().to_owned()}</dd>
                                <dt>"Name"</dt><dd>{format!("{} {}", first_name.get_untracked().trim(), last_name.get_untracked().trim())}</dd>
                                <dt>"Role"</dt><dd>{if administrator.get_untracked() { "Administrator" } else { "User" }}</dd>
                                <dt>"Permissions"</dt>
                                <dd data-testid="review-permissions">
                                    {if administrator.get_untracked() { "All".to_owned() } else { describe(&permissions.get_untracked()) }}
                                </dd>
                            </dl>
                            <p class="field-hint">"Saving sends the user an invitation mail to set their password."</p>
                        }.into_any(),
                    }}
                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                    <div class="form-actions">
                        <button
                            type="button"
                            class="button button-secondary"
                            disabled=move || step.get() == 0
                            on:click=move |_| { problem.set(None); step.update(|s| *s = s.saturating_sub(1)); }
                        >"Back"</button>
                        <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>
                            {move || if step.get() < 3 { "Next" } else { "Save" }}
                        </button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
