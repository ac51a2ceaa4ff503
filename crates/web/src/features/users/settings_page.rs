//! `/users/settings`: whether users may reset a forgotten password by mail.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::users::UpdatePublisherSettings;

use crate::auth::use_auth;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::layout::set_page_title;

/// The publisher settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    set_page_title("Publisher settings");
    let auth = use_auth();
    let settings = LocalResource::new(move || {
        let client = auth.client();
        async move { client.publisher_settings().await }
    });
    let allow = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        let client = auth.client();
        notice.set(None);
        problem.set(None);
        spawn_local(async move {
            let change = UpdatePublisherSettings {
                allow_password_reset: wanted,
            };
            match client.update_publisher_settings(&change).await {
                Ok(s) => {
                    allow.try_set(s.allow_password_reset);
                    notice.try_set(Some("Saved.".to_owned()));
                }
                Err(p) => {
                    allow.try_set(!wanted);
                    problem.try_set(Some(p.detail));
                }
            }
        });
    };
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                    Ok(s) => {
                        allow.set(s.allow_password_reset);
                        view! {
                            <section class="card">
                                <h2>{s.name.clone()}</h2>
                                <label class="check">
                                    <input id="allow-password-reset" type="checkbox" prop:checked=allow on:change=on_change/>
                                    " Allow users to reset a forgotten password by a mailed link"
                                </label>
                                <p class="field-hint">
                                    "When this is off, the Forgot password page tells users to contact an Administrator, who can invite them again."
                                </p>
                                {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
