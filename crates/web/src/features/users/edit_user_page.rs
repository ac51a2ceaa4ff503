//! `/users/:id`: one user's role and permissions, resending their invitation, deleting
//! them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::auth::Role;
use shared::users::{UpdateUserRequest, User, UserStatus};

use super::PermissionPicker;
use crate::auth::use_auth;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::layout::set_page_title;

/// The edit-user page.
#[component]
pub fn EditUserPage() -> impl IntoView {
    set_page_title("Edit user");
    let auth = use_auth();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let user = LocalResource::new(move || {
        let id = id.get();
        let client = auth.client();
        async move { client.user(&id).await }
    });
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(user) => view! { <EditUser user=user/> }.into_any(),
                    Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EditUser(user: User) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let administrator = RwSignal::new(user.role == Role::Administrator);
    let permissions = RwSignal::new(if user.role == Role::Administrator {
        Vec::new()
    } else {
        user.permissions.clone()
    });
    let first_name = RwSignal::new(user.first_name.clone());
    let last_name = RwSignal::new(user.last_name.clone());
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let is_self = auth.user().is_some_and(|me| me.id == user.id);
    let id = StoredValue::new(user.id.clone());
    let email = user.email.clone();

    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        problem.set(None);
        let client = auth.client();
        let change = UpdateUserRequest {
            first_name: Some(first_name.get_untracked()),
            last_name: Some(last_name.get_untracked()),
            role: Some(if administrator.get_untracked() {
                Role::Administrator
            } else {
                Role::User
            }),
            permissions: Some(permissions.get_untracked()),
        };
        spawn_local(async move {
            match client.update_user(&id.get_value(), &change).await {
                Ok(_) => {
                    notice.try_set(Some(
                        "Saved. The change applies to the user's next request.".to_owned(),
                    ));
                    auth.refresh_user();
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
            pending.try_set(false);
        });
    };
    let on_resend = move |_| {
        let client = auth.client();
        spawn_local(async move {
            match client.resend_invitation(&id.get_value()).await {
                Ok(()) => {
                    notice.try_set(Some(
                        "A new invitation is on its way; the old link no longer works.".to_owned(),
                    ));
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
        });
    };
    let on_delete = move |_| {
        let client = auth.client();
        let navigate = navigate.clone();
        spawn_local(async move {
            match client.delete_user(&id.get_value()).await {
                Ok(()) => navigate("/users", NavigateOptions::default()),
                Err(p) => {
                    confirming.try_set(false);
                    problem.try_set(Some(p.detail));
                }
            }
        });
    };
    let delete_label = format!("Yes, delete {email}");

    view! {
        <section class="card">
            <h2 data-testid="edit-user-email">{user.email.clone()}</h2>
            <p class="report-meta">
                {match user.status { UserStatus::Invited => "Invited; has not set a password yet.", UserStatus::Active => "Active." }}
            </p>
            <form class="form" on:submit=on_save>
                <div class="field">
                    <label for="edit-first-name">"First name"</label>
                    <input id="edit-first-name" type="text" bind:value=first_name/>
                </div>
                <div class="field">
                    <label for="edit-last-name">"Last name"</label>
                    <input id="edit-last-name" type="text" bind:value=last_name/>
                </div>
                <PermissionPicker administrator=administrator permissions=permissions/>
                {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                <div class="form-actions">
                    <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>"Save changes"</button>
                    {(user.status == UserStatus::Invited).then(|| view! {
                        <button type="button" class="button button-secondary" on:click=on_resend>"Resend invitation"</button>
                    })}
                </div>
            </form>
        </section>
        {(!is_self).then(|| view! {
            <section class="card danger-zone">
                <h2>"Delete user"</h2>
                <p>"The user loses access at once. This cannot be undone."</p>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class="button button-danger" on:click=move |_| confirming.set(true)>"Delete user"</button>
                    }
                >
                    <button type="button" class="button button-danger" on:click=on_delete.clone()>{delete_label.clone()}</button>
                    " "
                    <button type="button" class="button button-secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </Show>
            </section>
        })}
    }
}
