//! The filter menu of one column header: operators fit for the column's type and the
//! value inputs that operator needs.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::dictionary::{Column, ColumnType};
use shared::reports::grid::FilterOp;

use crate::api::GridQuery;

/// The column's current filter, split into operator and value.
fn current(query: &GridQuery, column: &Column) -> Option<(FilterOp, String)> {
    query.filters.iter().find_map(|f| {
        let mut parts = f.splitn(3, ':');
        let (name, op, value) = (parts.next()?, parts.next()?, parts.next()?);
        (name == column.name).then(|| Some((op.parse().ok()?, value.to_owned())))?
    })
}

/// A disclosure in the column header with the column's filter form.
#[component]
pub fn ColumnFilterMenu(
    column: &'static Column,
    query: Signal<GridQuery>,
    on_change: Callback<GridQuery>,
) -> impl IntoView {
    let ops = FilterOp::for_type(column.kind);
    let enumeration = match column.kind {
        ColumnType::Enumeration(e) => Some(e),
        _ => None,
    };
    let op = RwSignal::new(ops[0]);
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let picked = RwSignal::new(Vec::<String>::new());
    let active = Memo::new(move |_| query.with(|q| current(q, column)));

    // The form shows the filter in the URL whenever it changes (Back, Forward, reload).
    Effect::new(move |_| match active.get() {
        Some((o, value)) => {
            op.set(o);
            if enumeration.is_some() {
                picked.set(value.split(',').map(str::to_owned).collect());
            } else if o == FilterOp::Between {
                let (a, b) = value.split_once(',').unwrap_or((&value, ""));
                first.set(a.to_owned());
                second.set(b.to_owned());
            } else {
                first.set(value);
                second.set(String::new());
            }
        }
        None => {
            op.set(ops[0]);
            first.set(String::new());
            second.set(String::new());
            picked.set(Vec::new());
        }
    });

    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        let value = if enumeration.is_some() {
            picked.get_untracked().join(",")
        } else if op.get_untracked() == FilterOp::Between {
            let (a, b) = (first.get_untracked(), second.get_untracked());
            if a.trim().is_empty() || b.trim().is_empty() {
                error.set(Some("Enter both values."));
                return;
            }
            format!("{},{}", a.trim(), b.trim())
        } else {
            first.get_untracked().trim().to_owned()
        };
        if value.is_empty() {
            error.set(Some("Enter a value, or use Clear."));
            return;
        }
        error.set(None);
        let filter = format!("{}:{}:{value}", column.name, op.get_untracked().name());
        let mut next = query.get_untracked();
        next.filters
            .retain(|f| !f.starts_with(&format!("{}:", column.name)));
        next.filters.push(filter);
        next.cursors.clear();
        open.set(false);
        on_change.run(next);
    };
    let clear = move |_| {
        let mut next = query.get_untracked();
        next.filters
            .retain(|f| !f.starts_with(&format!("{}:", column.name)));
        next.cursors.clear();
        open.set(false);
        error.set(None);
        on_change.run(next);
    };

    let id = format!("filter-{}", column.name);
    let op_id = format!("{id}-op");
    let value_id = format!("{id}-value");
    let second_id = format!("{id}-value2");
    let input_type = match column.kind {
        ColumnType::Integer | ColumnType::Decimal | ColumnType::Money => "number",
        ColumnType::Date | ColumnType::Timestamp => "date",
        _ => "text",
    };
    let boolean = column.kind == ColumnType::Boolean;

    let value_inputs = move || {
        if let Some(e) = enumeration {
            let boxes = e
                .values
                .iter()
                .map(|v| {
                    let name = v.name;
                    let box_id = format!("filter-{}-{}", column.name, name.replace(' ', "-"));
                    let for_id = box_id.clone();
                    view! {
                        <label class="multi-option" for=for_id>
                            <input
                                type="checkbox"
                                id=box_id
                                prop:checked=move || picked.with(|p| p.iter().any(|x| x == name))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    picked.update(|p| {
                                        p.retain(|x| x != name);
                                        if on {
                                            p.push(name.to_owned());
                                        }
                                    });
                                }
                            />
                            <span>{name}</span>
                        </label>
                    }
                })
                .collect_view();
            return view! {
                <fieldset class="filter-values">
                    <legend>"Any of"</legend>
                    {boxes}
                </fieldset>
            }
            .into_any();
        }
        if boolean {
            let (yes, no) = if column.name == "IsPreviewSKU" {
                ("Preview", "Live")
            } else {
                ("Yes", "No")
            };
            return view! {
                <label for=value_id.clone()>"Value"</label>
                <select id=value_id.clone() on:change=move |ev| first.set(event_target_value(&ev)) prop:value=move || first.get()>
                    <option value="">"Choose…"</option>
                    <option value="true">{yes}</option>
                    <option value="false">{no}</option>
                </select>
            }
            .into_any();
        }
        let between = op.get() == FilterOp::Between;
        let placeholder = match (column.kind, op.get()) {
            (_, FilterOp::In) => "values, comma-separated",
            (ColumnType::Country, _) => "country code, e.g. US",
            (ColumnType::Currency, _) => "currency code, e.g. USD",
            _ => "",
        };
        view! {
            <label for=value_id.clone()>{if between { "From" } else { "Value" }}</label>
            <input
                id=value_id.clone()
                type=input_type
                step="any"
                placeholder=placeholder
                bind:value=first
            />
            {between.then(|| view! {
                <label for=second_id.clone()>"To"</label>
                <input id=second_id.clone() type=input_type step="any" bind:value=second/>
            })}
        }
        .into_any()
    };

    view! {
        <details
            class="col-filter"
            // One column's menu open at a time (details elements sharing a name).
            name="grid-column-filter"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    open.set(false);
                    crate::components::slicer::focus_summary(&ev);
                }
            }
            class:col-filter-active=move || active.with(Option::is_some)
            data-testid=id
            prop:open=move || open.get()
            on:toggle=move |ev| {
                use wasm_bindgen::JsCast;
                if let Some(details) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                {
                    open.set(details.open());
                }
            }
        >
            <summary aria-label=format!("Filter {}", column.label) title=format!("Filter {}", column.label)>
                <svg viewBox="0 0 16 16" aria-hidden="true" class="filter-icon">
                    <path d="M1 2h14l-5.5 6.5V14l-3-1.5V8.5z"></path>
                </svg>
            </summary>
            <form class="filter-form" on:submit=apply>
                {(enumeration.is_none() && !boolean && ops.len() > 1).then(|| view! {
                    <label for=op_id.clone()>"Operator"</label>
                    <select
                        id=op_id.clone()
                        on:change=move |ev| {
                            if let Ok(o) = event_target_value(&ev).parse::<FilterOp>() {
                                op.set(o);
                            }
                        }
                    >
                        {ops
                            .iter()
                            .map(|o| {
                                let o = *o;
                                view! { <option value=o.name() selected=move || op.get() == o>{o.label()}</option> }
                            })
                            .collect_view()}
                    </select>
                })}
                {value_inputs}
                <p class="field-error" role="alert">{move || error.get()}</p>
                <div class="filter-actions">
                    <button type="submit" class="button button-primary">"Apply filter"</button>
                    <button type="button" class="button button-secondary" on:click=clear>"Clear"</button>
                </div>
            </form>
        </details>
    }
}
