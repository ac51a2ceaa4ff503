//! `/users/audit?action=...&user=...&page=N`: the publisher's audit log.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::users::AuditAction;

use super::users_page::js_encode;
use crate::auth::use_auth;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::layout::set_page_title;
use crate::format;

/// The audit log page.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    set_page_title("Audit log");
    let auth = use_auth();
    let query = use_query_map();
    let action = Memo::new(move |_| query.read().get("action").unwrap_or_default());
    let user = Memo::new(move |_| query.read().get("user").unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    });
    let log = LocalResource::new(move || {
        let (action, user, page) = (action.get(), user.get(), page.get());
        let client = auth.client();
        async move { client.audit_log(Some(&user), Some(&action), page).await }
    });
    let people = LocalResource::new(move || {
        let client = auth.client();
        async move { client.users("", 1, 100).await }
    });
    let navigate = use_navigate();
    let go = move |action: String, user: String, page: u64| {
        let mut url = format!("/users/audit?page={page}");
        if !action.is_empty() {
            url.push_str(&format!("&action={}", js_encode(&action)));
        }
        if !user.is_empty() {
            url.push_str(&format!("&user={}", js_encode(&user)));
        }
        navigate(&url, Default::default());
    };
    let (go_action, go_user) = (go.clone(), go.clone());

    view! {
        <form class="toolbar" aria-label="Filters" on:submit=|ev| ev.prevent_default()>
            <div class="field field-inline">
                <label for="audit-action">"Action"</label>
                <select
                    id="audit-action"
                    prop:value=move || action.get()
                    on:change=move |ev| go_action(event_target_value(&ev), user.get_untracked(), 1)
                >
                    <option value="">"All actions"</option>
                    {AuditAction::ALL.iter().map(|a| view! { <option value=a.name()>{a.name().replace('_', " ")}</option> }).collect_view()}
                </select>
            </div>
            <div class="field field-inline">
                <label for="audit-user">"User"</label>
                <select
                    id="audit-user"
                    prop:value=move || user.get()
                    on:change=move |ev| go_user(action.get_untracked(), event_target_value(&ev), 1)
                >
                    <option value="">"Everyone"</option>
                    {move || people.get().and_then(Result::ok).map(|page| page.items.into_iter().map(|u| view! {
                        <option value=u.id.clone()>{u.email.clone()}</option>
                    }).collect_view())}
                </select>
            </div>
        </form>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || {
                let go = go.clone();
                Suspend::new(async move {
                    match log.await {
                        Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                        Ok(page) => {
                            let pages = page.total.div_ceil(page.page_size).max(1);
                            let current = page.page;
                            let (prev, next) = (go.clone(), go);
                            view! {
                                <section class="card">
                                    {if page.items.is_empty() {
                                        view! { <p data-testid="empty">"Nothing recorded for these filters."</p> }.into_any()
                                    } else {
                                        view! {
                                            <table class="grid" data-testid="audit-table">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">"When"</th>
                                                        <th scope="col">"Who"</th>
                                                        <th scope="col">"Action"</th>
                                                        <th scope="col">"What"</th>
                                                        <th scope="col">"From"</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {page.items.into_iter().map(|e| view! {
                                                        <tr data-testid="audit-row" data-action=e.action.name()>
                                                            <td>{format::timestamp(e.occurred_at)}</td>
                                                            <td>{e.actor.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                                            <td>{e.action.name().replace('_', " ")}</td>
                                                            <td>{e.detail.clone()}</td>
                                                            <td>{e.address.clone().unwrap_or_default()}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        }.into_any()
                                    }}
                                    <nav class="pager" aria-label="Pages">
                                        <button type="button" class="button button-secondary" disabled={current <= 1}
                                            on:click=move |_| prev(action.get_untracked(), user.get_untracked(), current - 1)>"Previous"</button>
                                        <span>{format!("Page {current} of {pages}")}</span>
                                        <button type="button" class="button button-secondary" disabled={current >= pages}
                                            on:click=move |_| next(action.get_untracked(), user.get_untracked(), current + 1)>"Next"</button>
                                    </nav>
                                </section>
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
