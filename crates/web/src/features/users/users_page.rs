//! `/users?search=...&page=N`: the searchable, paged list of the publisher's users.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::auth::Role;
use shared::users::{User, UserStatus};

use super::describe;
use crate::auth::use_auth;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::layout::set_page_title;
use crate::format;

const PAGE_SIZE: u64 = 10;

/// The users list.
#[component]
pub fn UsersPage() -> impl IntoView {
    set_page_title("Users");
    let auth = use_auth();
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("search").unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    });
    let users = LocalResource::new(move || {
        let (search, page) = (search.get(), page.get());
        let client = auth.client();
        async move { client.users(&search, page, PAGE_SIZE).await }
    });
    let draft = RwSignal::new(search.get_untracked());
    let navigate = use_navigate();
    let go = move |search: String, page: u64| {
        let mut url = format!("/users?page={page}");
        if !search.trim().is_empty() {
            url.push_str("&search=");
            url.push_str(&js_encode(search.trim()));
        }
        navigate(&url, Default::default());
    };
    let go_search = go.clone();
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go_search(draft.get_untracked(), 1);
    };

    view! {
        <form class="toolbar" role="search" on:submit=on_search>
            <div class="field field-inline">
                <label for="user-search">"Search users"</label>
                <input id="user-search" type="search" placeholder="Name or email" bind:value=draft/>
            </div>
            <button type="submit" class="button button-secondary">"Search"</button>
            <A href="/users/new" attr:class="button button-primary">"Add user"</A>
        </form>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || {
                let go = go.clone();
                Suspend::new(async move {
                    match users.await {
                        Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                        Ok(page) => {
                            let pages = page.total.div_ceil(page.page_size).max(1);
                            let current = page.page;
                            let search = search.get_untracked();
                            let (prev, next) = (go.clone(), go.clone());
                            let (search_prev, search_next) = (search.clone(), search);
                            view! {
                                <section class="card">
                                    <p class="report-meta" data-testid="users-total">
                                        {format!("{} user(s)", page.total)}
                                    </p>
                                    {if page.items.is_empty() {
                                        view! { <p data-testid="empty">"No users match this search."</p> }.into_any()
                                    } else {
                                        view! { <UsersTable users=page.items/> }.into_any()
                                    }}
                                    <nav class="pager" aria-label="Pages">
                                        <button
                                            type="button"
                                            class="button button-secondary"
                                            disabled={current <= 1}
                                            on:click=move |_| prev(search_prev.clone(), current - 1)
                                        >"Previous"</button>
                                        <span data-testid="page">{format!("Page {current} of {pages}")}</span>
                                        <button
                                            type="button"
                                            class="button button-secondary"
                                            disabled={current >= pages}
                                            on:click=move |_| next(search_next.clone(), current + 1)
                                        >"Next"</button>
                                    </nav>
                                </section>
                            }
                            .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn UsersTable(users: Vec<User>) -> impl IntoView {
    view! {
        <table class="grid" data-testid="users-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Permissions"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Last sign-in"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {users
                    .into_iter()
                    .map(|u| {
                        let href = format!("/users/{}", u.id);
                        let name = format!("{} {}", u.first_name, u.last_name).trim().to_owned();
                        view! {
                            <tr data-testid="user-row" data-email=u.email.clone()>
                                <td>{name.clone()}</td>
                                <td>{u.email.clone()}</td>
                                <td>{u.role.name()}</td>
                                <td>{if u.role == Role::Administrator { "All".to_owned() } else { describe(&u.permissions) }}</td>
                                <td>{match u.status { UserStatus::Invited => "Invited", UserStatus::Active => "Active" }}</td>
                                <td>{u.last_sign_in_at.map(format::timestamp).unwrap_or_else(|| "Never".to_owned())}</td>
                                <td><A href=href attr:aria-label=format!("Edit {}", u.email)>"Edit"</A></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// Percent-encodes a query value.
pub fn js_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
