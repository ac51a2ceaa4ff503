//! `/users/integrations`: API clients with scopes; the secret is shown once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::users::{ApiClient, ApiScope, CreatedApiClient, NewApiClientRequest};

use crate::auth::use_auth;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::layout::set_page_title;
use crate::format;

/// The integrations page.
#[component]
pub fn IntegrationsPage() -> impl IntoView {
    set_page_title("Integrations");
    let auth = use_auth();
    let clients = LocalResource::new(move || {
        let client = auth.client();
        async move { client.api_clients().await }
    });
    let name = RwSignal::new(String::new());
    let read_reports = RwSignal::new(true);
    let manage_queries = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedApiClient>);
    let problem = RwSignal::new(None::<String>);
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut scopes = Vec::new();
        if read_reports.get_untracked() {
            scopes.push(ApiScope::ReportsRead);
        }
        if manage_queries.get_untracked() {
            scopes.push(ApiScope::QueriesManage);
        }
        let request = NewApiClientRequest {
            name: name.get_untracked().trim().to_owned(),
            scopes,
        };
        let client = auth.client();
        problem.set(None);
        spawn_local(async move {
            match client.create_api_client(&request).await {
                Ok(new) => {
                    created.try_set(Some(new));
                    name.try_set(String::new());
                    clients.refetch();
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
        });
    };
    view! {
        <section class="card">
            <h2>"New API client"</h2>
            <p class="field-hint">
                "An integration exchanges its client id and secret for access tokens at POST /api/v1/oauth/token (client-credentials grant)."
            </p>
            <form class="form" on:submit=on_create>
                <div class="field">
                    <label for="client-name">"Name"</label>
                    <input id="client-name" type="text" required placeholder="Finance warehouse" bind:value=name/>
                </div>
                <fieldset>
                    <legend>"Scopes"</legend>
                    <label class="check"><input type="checkbox" bind:checked=read_reports/>" Read reports (reports:read)"</label>
                    <label class="check"><input type="checkbox" bind:checked=manage_queries/>" Manage report queries (queries:manage)"</label>
                </fieldset>
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                <button type="submit" class="button button-primary">"Create API client"</button>
            </form>
            {move || created.get().map(|c| view! {
                <div class="notice secret" role="status" data-testid="client-secret">
                    <p><strong>"Copy the secret now: it is not shown again."</strong></p>
                    <p>"Client id: " <code data-testid="client-id">{c.client.client_id.clone()}</code></p>
                    <p>"Client secret: " <code data-testid="client-secret-value">{c.client_secret.clone()}</code></p>
                    <button type="button" class="button button-secondary" on:click=move |_| created.set(None)>"I have copied it"</button>
                </div>
            })}
        </section>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match clients.await {
                    Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                    Ok(list) => view! { <ClientsTable clients=list on_revoked=move || clients.refetch()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ClientsTable(
    clients: Vec<ApiClient>,
    on_revoked: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let problem = RwSignal::new(None::<String>);
    if clients.is_empty() {
        return view! { <section class="card"><p data-testid="empty">"No API clients yet."</p></section> }.into_any();
    }
    view! {
        <section class="card">
            <h2>"API clients"</h2>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <table class="grid" data-testid="clients-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Client id"</th>
                        <th scope="col">"Scopes"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {clients
                        .into_iter()
                        .map(|c| {
                            let id = c.client_id.clone();
                            let on_revoked = on_revoked.clone();
                            let revoke = move |_| {
                                let client = auth.client();
                                let id = id.clone();
                                let on_revoked = on_revoked.clone();
                                spawn_local(async move {
                                    match client.revoke_api_client(&id).await {
                                        Ok(()) => on_revoked(),
                                        Err(p) => {
                                            problem.try_set(Some(p.detail));
                                        }
                                    }
                                });
                            };
                            view! {
                                <tr data-testid="client-row">
                                    <td>{c.name.clone()}</td>
                                    <td><code>{c.client_id.clone()}</code></td>
                                    <td>{c.scopes.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")}</td>
                                    <td>{format::timestamp(c.created_at)}{c.created_by.map(|by| format!(" by {by}"))}</td>
                                    <td>{c.last_used_at.map(format::timestamp).unwrap_or_else(|| "Never".to_owned())}</td>
                                    <td>
                                        {match c.revoked_at {
                                            Some(at) => format!("Revoked {}", format::timestamp(at)).into_any(),
                                            None => view! {
                                                <button type="button" class="button button-danger" on:click=revoke>
                                                    {format!("Revoke {}", c.name)}
                                                </button>
                                            }.into_any(),
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}
