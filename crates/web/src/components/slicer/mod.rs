//! Slicers: a multi-select of the values present in the period, as a disclosure of
//! checkboxes (keyboard and screen-reader friendly without any script of its own).

use leptos::prelude::*;

use crate::components::glossary::TermLink;

/// One choosable value: what the API takes and what the reader sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The value as the parameter takes it.
    pub value: String,
    /// Its label.
    pub label: String,
}

impl Choice {
    /// A value whose label is itself.
    pub fn plain(value: &str) -> Self {
        Self {
            value: value.to_owned(),
            label: value.to_owned(),
        }
    }
}

/// A multi-select: "All" when nothing is chosen, otherwise the chosen values.
#[component]
pub fn MultiSelect(
    /// The parameter name, also the stem of element ids and the `data-testid`
    /// (`slicer-<name>`).
    #[prop(into)]
    name: String,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The values offered.
    #[prop(into)]
    choices: Signal<Vec<Choice>>,
    /// The chosen values (a draft the page applies with its Go button).
    selected: RwSignal<Vec<String>>,
    /// The text shown when nothing is chosen.
    #[prop(into, default = "All".to_owned())]
    none_text: String,
) -> impl IntoView {
    let summary = move || {
        let chosen = selected.get();
        match chosen.len() {
            0 => none_text.clone(),
            1 => choices
                .with(|c| {
                    c.iter()
                        .find(|c| c.value == chosen[0])
                        .map(|c| c.label.clone())
                })
                .unwrap_or_else(|| chosen[0].clone()),
            n => format!("{n} selected"),
        }
    };
    // Values chosen in the URL but absent from this period stay listed, so they can be
    // seen and unticked.
    let listed = move || {
        let mut all = choices.get();
        for value in selected.get() {
            if !all.iter().any(|c| c.value == value) {
                all.push(Choice::plain(&value));
            }
        }
        all
    };
    let test_id = format!("slicer-{name}");
    let name_for_items = name.clone();
    let term = name.clone();
    let term_label = label.clone();
    view! {
        <div class="slicer">
        <details
            class="multi-select"
            data-testid=test_id
            // One slicer's list open at a time; Escape closes it.
            name="slicer"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape"
                    && let Some(details) = details_of(&ev)
                {
                    details.set_open(false);
                    focus_summary(&ev);
                }
            }
        >
            <summary>
                <span class="multi-name">{label.clone()}</span>
                <span class="multi-value">{summary}</span>
            </summary>
            <fieldset class="multi-options">
                <legend class="sr-only">{label}</legend>
                <div class="multi-actions">
                    <button type="button" class="link-button" on:click=move |_| selected.set(Vec::new())>
                        "All"
                    </button>
                </div>
                <For
                    each=listed
                    key=|c| c.value.clone()
                    children=move |choice| {
                        let value = choice.value.clone();
                        let checked_value = value.clone();
                        let id = format!("{}-{}", name_for_items, id_part(&value));
                        let for_id = id.clone();
                        view! {
                            <label class="multi-option" for=for_id>
                                <input
                                    type="checkbox"
                                    id=id
                                    value=value.clone()
                                    prop:checked=move || selected.with(|s| s.contains(&checked_value))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        selected.update(|s| {
                                            s.retain(|v| v != &value);
                                            if on {
                                                s.push(value.clone());
                                            }
                                        });
                                    }
                                />
                                <span>{choice.label}</span>
                            </label>
                        }
                    }
                />
            </fieldset>
        </details>
        <TermLink name=term label=term_label/>
        </div>
    }
}

/// A value as a fragment of an element id.
fn id_part(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The `<details>` element a keyboard event was bound on.
fn details_of(ev: &leptos::ev::KeyboardEvent) -> Option<web_sys::HtmlDetailsElement> {
    use wasm_bindgen::JsCast;
    ev.current_target()?
        .dyn_into::<web_sys::HtmlDetailsElement>()
        .ok()
}

/// Puts the keyboard focus back on the `<summary>` of the `<details>` the event was bound
/// on, after its menu closed.
pub fn focus_summary(ev: &leptos::ev::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if let Some(summary) = details_of(ev)
        .and_then(|d| d.query_selector("summary").ok().flatten())
        .and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = summary.focus();
    }
}
