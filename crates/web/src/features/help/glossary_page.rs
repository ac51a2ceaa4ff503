//! `/help/glossary?q=`: every term, generated from the data dictionary, searchable.
//! Each term's element id is `term-<id>`, the anchor slicers and column headers link to.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use shared::glossary::{TermKind, glossary, matches};

use crate::components::layout::set_page_title;
use crate::url::href;

/// The glossary page.
#[component]
pub fn GlossaryPage() -> impl IntoView {
    set_page_title("Glossary");
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let navigate = use_navigate();
    let terms = glossary();
    let location = use_location();
    // A link to `#term-...` scrolls to its entry once the list is drawn.
    Effect::new(move |_| {
        let hash = location.hash.get();
        let id = hash.trim_start_matches('#').to_owned();
        if id.is_empty() {
            return;
        }
        request_animation_frame(move || {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&id))
            {
                el.scroll_into_view();
            }
        });
    });
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let pairs = if text.is_empty() {
            Vec::new()
        } else {
            vec![("q".to_owned(), text)]
        };
        navigate(
            &href("/help/glossary", &pairs),
            leptos_router::NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let shown = move || {
        let needle = search.get();
        terms
            .iter()
            .filter(|t| matches(t, &needle))
            .cloned()
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card glossary">
            <h2>"Glossary"</h2>
            <div class="field">
                <label for="glossary-search">"Search terms"</label>
                <input
                    id="glossary-search"
                    type="search"
                    data-testid="glossary-search"
                    prop:value=move || search.get()
                    on:input=on_input
                />
            </div>
            {move || {
                let list = shown();
                if list.is_empty() {
                    return view! { <p class="state-title" role="status">"No term matches this search."</p> }.into_any();
                }
                view! {
                    <p class="field-hint" role="status">{match list.len() { 1 => "1 term".to_owned(), n => format!("{n} terms") }}</p>
                    <dl class="glossary-list" data-testid="glossary-list">
                        {list.into_iter().map(|t| {
                            let kind = match t.kind {
                                TermKind::Column => "Column",
                                TermKind::Enumeration => "Slicer / list of values",
                                TermKind::Measure => "Chart measure",
                            };
                            let datasets = (!t.datasets.is_empty()).then(|| format!("In: {}", t.datasets.join(", ")));
                            view! {
                                <div class="glossary-term" id=format!("term-{}", t.id) data-term=t.id.clone()>
                                    <dt>
                                        <span class="term-label">{t.label.clone()}</span>
                                        " "
                                        <code class="term-name">{t.name.clone()}</code>
                                    </dt>
                                    <dd>
                                        <p>{t.description.clone()}</p>
                                        <p class="field-hint">
                                            {kind}
                                            {t.value_type.clone().map(|v| format!(" · {v}"))}
                                            {datasets.map(|d| format!(" · {d}"))}
                                        </p>
                                        {(!t.values.is_empty()).then(|| view! {
                                            <ul class="term-values">
                                                {t.values.iter().map(|v| view! {
                                                    <li><strong>{v.name.clone()}</strong>": "{v.description.clone()}</li>
                                                }).collect_view()}
                                            </ul>
                                        })}
                                    </dd>
                                </div>
                            }
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
        </section>
    }
}
