//! `/help/requests` ("My requests") and `/help/requests/:number` (a request's
//! conversation, with a reply form that takes files).

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::auth::Permission;
use shared::support::{MessageAuthor, SupportAttachment, SupportRequest, SupportStatus};

use super::NeedsSupport;
use super::support_page::{ACCEPT, chosen_files};
use crate::auth::use_auth;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::layout::set_page_title;

fn status_badge(status: SupportStatus) -> impl IntoView {
    view! {
        <span class=format!("status-badge status-{}", status.name()) data-testid="request-status">
            {status.label()}
        </span>
    }
}

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "My requests": the publisher's support requests with their status.
#[component]
pub fn MyRequestsPage() -> impl IntoView {
    set_page_title("My requests");
    let auth = use_auth();
    let list = LocalResource::new(move || {
        let client = auth.client();
        async move { client.support_requests().await }
    });
    view! {
        <Show when=move || auth.can(Permission::Support) fallback=|| view! { <NeedsSupport/> }>
            <section class="card">
                <h2>"My requests"</h2>
                <Suspense fallback=|| view! { <Loading/> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                            Ok(rows) if rows.is_empty() => view! {
                                <p role="status" data-testid="no-requests">
                                    "No support requests yet. "
                                    <A href="/help/support">"Start Request"</A>
                                </p>
                            }.into_any(),
                            Ok(rows) => view! {
                                <table class="table" data-testid="requests-table">
                                    <caption class="sr-only">"Support requests"</caption>
                                    <thead><tr>
                                        <th scope="col">"Number"</th>
                                        <th scope="col">"Title"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Filed by"</th>
                                        <th scope="col">"Last change"</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| {
                                            let link = format!("/help/requests/{}", r.number);
                                            let number = r.number.clone();
                                            view! {
                                            <tr data-number=r.number.clone()>
                                                <td><A href=link>{number}</A></td>
                                                <td>{r.title.clone()}</td>
                                                <td>{status_badge(r.status)}</td>
                                                <td>{r.requester.clone()}</td>
                                                <td>{when(r.updated_at)}</td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Show>
    }
}

/// One request: details, the conversation and the reply form.
#[component]
pub fn RequestPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    set_page_title("Support request");
    let current = RwSignal::new(None::<SupportRequest>);
    let loaded = LocalResource::new(move || {
        let n = number.get();
        let client = auth.client();
        async move { client.support_request(&n).await }
    });
    view! {
        <Show when=move || auth.can(Permission::Support) fallback=|| view! { <NeedsSupport/> }>
            <p><A href="/help/requests">"← My requests"</A></p>
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                        Ok(r) => {
                            current.set(Some(r));
                            view! { <RequestView current=current/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Show>
    }
}

#[component]
fn RequestView(current: RwSignal<Option<SupportRequest>>) -> impl IntoView {
    let auth = use_auth();
    let download = move |number: String, a: SupportAttachment| {
        let client = auth.client();
        spawn_local(async move {
            let _ = client.download_attachment(&number, &a).await;
        });
    };
    view! {
        {move || current.get().map(|r| {
            set_page_title(&format!("{} · Support request", r.number));
            let number = r.number.clone();
            view! {
                <section class="card request-head" data-testid="request-detail">
                    <h2><span data-testid="request-number">{r.number.clone()}</span>" · "{r.title.clone()}</h2>
                    <p>{status_badge(r.status)}" "{format!("{} · {}", r.problem_type.label(), r.category.label())}</p>
                    <p class="field-hint">
                        {format!("Filed by {} on {} · Contact {} <{}> {} · {} · {} · {}",
                            r.requester, when(r.created_at), r.contact.name, r.contact.email, r.contact.phone,
                            r.contact.time_zone, r.contact.region, r.contact.language)}
                    </p>
                </section>
                <section class="card" aria-label="Conversation">
                    <h2>"Conversation"</h2>
                    <ol class="conversation" data-testid="conversation">
                        {r.messages.into_iter().map(|m| {
                            let number = number.clone();
                            let from_support = m.author == MessageAuthor::Support;
                            view! {
                                <li class=if from_support { "message message-support" } else { "message" }
                                    data-author=if from_support { "support" } else { "requester" }>
                                    <p class="message-meta"><strong>{m.author_name.clone()}</strong>" · "{when(m.created_at)}</p>
                                    <p class="message-body">{m.body.clone()}</p>
                                    {(!m.attachments.is_empty()).then(|| view! {
                                        <ul class="attachments">
                                            {m.attachments.into_iter().map(|a| {
                                                let number = number.clone();
                                                let label = format!("{} ({} KB)", a.file_name, a.size.div_ceil(1024));
                                                let item = a.clone();
                                                view! {
                                                    <li>
                                                        <button type="button" class="link-button" data-testid="attachment"
                                                            on:click=move |_| download(number.clone(), item.clone())>
                                                            {label}
                                                        </button>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>
                {(r.status != SupportStatus::Closed).then(|| view! { <ReplyForm number=number.clone() current=current/> })}
            }
        })}
    }
}

#[component]
fn ReplyForm(number: String, current: RwSignal<Option<SupportRequest>>) -> impl IntoView {
    let auth = use_auth();
    let body = RwSignal::new(String::new());
    let files = NodeRef::<html::Input>::new();
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let chosen = chosen_files(&files);
        let client = auth.client();
        let (number, text) = (number.clone(), body.get_untracked());
        pending.set(true);
        problem.set(None);
        spawn_local(async move {
            match client.reply_support_request(&number, &text, &chosen).await {
                Ok(r) => {
                    body.try_set(String::new());
                    current.try_set(Some(r));
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <form class="card" on:submit=submit data-testid="reply-form">
            <h2>"Reply"</h2>
            <div class="field">
                <label for="reply-body">"Your message"</label>
                <textarea id="reply-body" rows="5" required=true bind:value=body></textarea>
            </div>
            <div class="field">
                <label for="reply-files">"Add files (optional)"</label>
                <input id="reply-files" type="file" multiple=true accept=ACCEPT node_ref=files/>
            </div>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>"Send reply"</button>
        </form>
    }
}
