//! The "?" next to a slicer or column label that opens the term's glossary entry.

use leptos::prelude::*;
use leptos_router::components::A;

/// A link to the glossary entry of `name` (a slicer parameter or a column's JSON or
/// dictionary name); nothing when the glossary has no such term.
#[component]
pub fn TermLink(
    /// The dictionary name of the term.
    #[prop(into)]
    name: String,
    /// The label people read, for the link's accessible name.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    shared::glossary::anchor_for(&name).map(|anchor| {
        view! {
            <A
                href=format!("/help/glossary#{anchor}")
                attr:class="term-link"
                attr:title=format!("What is {label}?")
                attr:aria-label=format!("What is {label}? (glossary)")
                attr:data-testid=format!("term-link-{anchor}")
            >
                "?"
            </A>
        }
    })
}
