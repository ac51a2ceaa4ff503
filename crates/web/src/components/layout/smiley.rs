//! The smiley in the top bar: feedback from any page (happy or unhappy, a comment, and
//! optionally the page's address with its view state).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::support::{NewFeedback, Sentiment};

use crate::auth::use_auth;

/// The page's path and query, the view state the app keeps in its URL.
fn current_page() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}",
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// The smiley button and its feedback panel.
#[component]
pub fn FeedbackButton() -> impl IntoView {
    let auth = use_auth();
    let open = RwSignal::new(false);
    let sentiment = RwSignal::new(None::<Sentiment>);
    let comment = RwSignal::new(String::new());
    let attach = RwSignal::new(true);
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        outcome.set(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(chosen) = sentiment.get_untracked() else {
            outcome.set(Some(Err("Choose a smile or a frown first.".to_owned())));
            return;
        };
        let feedback = NewFeedback {
            sentiment: chosen,
            comment: comment.get_untracked(),
            page_url: attach.get_untracked().then(current_page),
        };
        let client = auth.client();
        pending.set(true);
        spawn_local(async move {
            let result = client.send_feedback(&feedback).await.map_err(|p| p.detail);
            if result.is_ok() {
                comment.try_set(String::new());
                sentiment.try_set(None);
            }
            outcome.try_set(Some(result));
            pending.try_set(false);
        });
    };
    let choice = move |value: Sentiment, face: &'static str, label: &'static str| {
        view! {
            <label class="smiley-choice">
                <input
                    type="radio"
                    name="feedback-sentiment"
                    value=value.name()
                    prop:checked=move || sentiment.get() == Some(value)
                    on:change=move |_| sentiment.set(Some(value))
                />
                <span aria-hidden="true" class="smiley-face">{face}</span>
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <div class="feedback">
            <button
                type="button"
                class="button button-quiet smiley"
                aria-expanded=move || open.get().to_string()
                aria-controls="feedback-panel"
                data-testid="feedback-button"
                on:click=toggle
            >
                <span aria-hidden="true">"☺"</span>
                <span class="sr-only">"Send feedback"</span>
            </button>
            <Show when=move || open.get()>
                <form id="feedback-panel" class="feedback-panel card" aria-label="Feedback" on:submit=submit data-testid="feedback-panel">
                    <fieldset>
                        <legend>"How do you feel about this page?"</legend>
                        {choice(Sentiment::Happy, "☺", "Happy")}
                        {choice(Sentiment::Unhappy, "☹", "Unhappy")}
                    </fieldset>
                    <div class="field">
                        <label for="feedback-comment">"Comment (optional)"</label>
                        <textarea id="feedback-comment" rows="3" bind:value=comment></textarea>
                    </div>
                    <label class="check">
                        <input id="feedback-attach" type="checkbox" bind:checked=attach/>
                        " Attach this page's address and filters"
                    </label>
                    {move || outcome.get().map(|o| match o {
                        Ok(()) => view! { <p class="notice" role="status" data-testid="feedback-thanks">"Thank you for your feedback."</p> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                    })}
                    <div class="button-row">
                        <button type="submit" class="button button-primary" aria-busy=move || pending.get().to_string()>"Send"</button>
                        <button type="button" class="button button-quiet" on:click=move |_| open.set(false)>"Close"</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}
