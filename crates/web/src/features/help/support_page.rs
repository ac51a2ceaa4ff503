//! `/help/support?category=...&step=form`: Start Request. First the problem type and
//! category with helpful links for it; then the form (contact details prefilled from the
//! account, time zone, region, language, title, description, files); then a
//! confirmation with the request number.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::auth::Permission;
use shared::support::{ContactInfo, NewSupportRequest, ProblemType, SupportCategory};

use super::NeedsSupport;
use crate::auth::use_auth;
use crate::components::layout::set_page_title;
use crate::url::href;

/// The Start Request page.
#[component]
pub fn StartRequestPage() -> impl IntoView {
    set_page_title("Start Request");
    let auth = use_auth();
    let query = use_query_map();
    let category = Memo::new(move |_| {
        query
            .read()
            .get("category")
            .and_then(|c| SupportCategory::from_name(&c))
            .unwrap_or(SupportCategory::ReportQuestions)
    });
    let on_form = Memo::new(move |_| query.read().get("step").as_deref() == Some("form"));
    view! {
        <Show when=move || auth.can(Permission::Support) fallback=|| view! { <NeedsSupport/> }>
            {move || if on_form.get() {
                view! { <RequestForm category=category.get()/> }.into_any()
            } else {
                view! { <ChooseCategory category=category/> }.into_any()
            }}
        </Show>
    }
}

fn page_href(category: SupportCategory, form: bool) -> String {
    let mut pairs = vec![("category".to_owned(), category.name().to_owned())];
    if form {
        pairs.push(("step".to_owned(), "form".to_owned()));
    }
    href("/help/support", &pairs)
}

/// Step one: problem type, category, and the links that may already answer.
#[component]
fn ChooseCategory(category: Memo<SupportCategory>) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    view! {
        <section class="card support-start">
            <h2>"Support & Documentation"</h2>
            <div class="field">
                <label for="problem-type">"Problem type"</label>
                <select id="problem-type" data-testid="problem-type">
                    <option value=ProblemType::ReportsAndInsights.name() selected=true>
                        {ProblemType::ReportsAndInsights.label()}
                    </option>
                </select>
            </div>
            <fieldset class="field">
                <legend>"Category"</legend>
                {SupportCategory::ALL.iter().map(|&c| {
                    let navigate = navigate.clone();
                    view! {
                        <label class="check">
                            <input
                                type="radio"
                                name="category"
                                value=c.name()
                                prop:checked=move || category.get() == c
                                on:change=move |_| navigate(&page_href(c, false), leptos_router::NavigateOptions { replace: true, ..Default::default() })
                            />
                            " " {c.label()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <h3>"These may answer your question"</h3>
            <ul class="helpful-links" data-testid="helpful-links">
                {move || category.get().helpful_links().iter().map(|l| view! {
                    <li><a href=l.href>{l.title}</a></li>
                }).collect_view()}
            </ul>
            <p>
                <A href=move || page_href(category.get(), true) attr:class="button button-primary" attr:data-testid="start-request">
                    "Start Request"
                </A>
            </p>
        </section>
    }
}

/// The reader's time zone (IANA name), from the browser.
fn browser_time_zone() -> String {
    use js_sys::{Array, Intl, Object, Reflect};
    let options = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// The browser's language tag (`en-US`).
fn browser_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en-US".to_owned())
}

/// The files chosen in a file input.
pub(super) fn chosen_files(input: &NodeRef<html::Input>) -> Vec<web_sys::File> {
    let Some(list) = input.get_untracked().and_then(|i| i.files()) else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// What the file inputs accept (the server checks the content anyway).
pub(super) const ACCEPT: &str =
    ".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.log,.csv,.tsv,.json,.md,.xlsx,.xls";

/// Step two: the request itself.
#[component]
fn RequestForm(category: SupportCategory) -> impl IntoView {
    let auth = use_auth();
    let user = auth.user();
    let language = browser_language();
    let region = language
        .split_once('-')
        .map(|(_, r)| r.to_owned())
        .unwrap_or_default();
    let name = RwSignal::new(user.as_ref().map(|u| u.display_name()).unwrap_or_default());
    let email = RwSignal::new(user.as_ref().map(|u| u.email.clone()).unwrap_or_default());
    let phone = RwSignal::new(String::new());
    let time_zone = RwSignal::new(browser_time_zone());
    let region = RwSignal::new(region);
    let language = RwSignal::new(language);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let files = NodeRef::<html::Input>::new();
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let request = NewSupportRequest {
            problem_type: ProblemType::ReportsAndInsights,
            category,
            contact: ContactInfo {
                name: name.get_untracked(),
                email: email.get_untracked(),
                phone: phone.get_untracked(),
                time_zone: time_zone.get_untracked(),
                region: region.get_untracked(),
                language: language.get_untracked(),
            },
            title: title.get_untracked(),
            description: description.get_untracked(),
        };
        let chosen = chosen_files(&files);
        let client = auth.client();
        pending.set(true);
        problem.set(None);
        spawn_local(async move {
            match client.create_support_request(&request, &chosen).await {
                Ok(r) => {
                    created.try_set(Some(r.number));
                }
                Err(p) => {
                    problem.try_set(Some(p.detail));
                }
            }
            pending.try_set(false);
        });
    };

    let text_field = move |id: &'static str,
                           label: &'static str,
                           value: RwSignal<String>,
                           kind: &'static str,
                           required: bool| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type=kind required=required bind:value=value/>
            </div>
        }
    };

    view! {
        {move || match created.get() {
            Some(number) => view! {
                <section class="card" role="status" data-testid="request-confirmation">
                    <h2>"Thank you"</h2>
                    <p>
                        "Your support request " <strong data-testid="request-number">{number.clone()}</strong>
                        " has been submitted. We sent you a confirmation by mail and will answer there and here."
                    </p>
                    <p class="button-row">
                        <A href=format!("/help/requests/{number}") attr:class="button button-primary">"View the request"</A>
                        <A href="/help/requests" attr:class="button button-secondary">"My requests"</A>
                    </p>
                </section>
            }.into_any(),
            None => view! {
                <form class="card support-form" on:submit=submit data-testid="support-form">
                    <h2>{format!("{} · {}", ProblemType::ReportsAndInsights.label(), category.label())}</h2>
                    <p><A href=page_href(category, false)>"Change the category"</A></p>
                    <fieldset>
                        <legend>"Contact information"</legend>
                        {text_field("contact-name", "Name", name, "text", true)}
                        {text_field("contact-email", "Email", email, "email", true)}
                        {text_field("contact-phone", "Phone (optional)", phone, "tel", false)}
                        {text_field("contact-time-zone", "Time zone", time_zone, "text", true)}
                        {text_field("contact-region", "Country or region", region, "text", true)}
                        {text_field("contact-language", "Language", language, "text", true)}
                    </fieldset>
                    <fieldset>
                        <legend>"Your question"</legend>
                        {text_field("request-title", "Title", title, "text", true)}
                        <div class="field">
                            <label for="request-description">"Description"</label>
                            <textarea id="request-description" rows="8" required=true bind:value=description></textarea>
                            <p class="field-hint">"Give as much detail as you can: the page, the filters, what you expected."</p>
                        </div>
                        <div class="field">
                            <label for="request-files">"Attachments (optional)"</label>
                            <input id="request-files" type="file" multiple=true accept=ACCEPT node_ref=files/>
                            <p class="field-hint">"Up to 5 files of 10 MB each: screenshots (PNG, JPEG, GIF, WebP), PDF, text, CSV or Excel."</p>
                        </div>
                    </fieldset>
                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert" data-testid="form-error">{p}</p> })}
                    <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string() data-testid="submit-request">
                        "Submit"
                    </button>
                </form>
            }.into_any(),
        }}
    }
}
