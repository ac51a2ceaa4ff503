//! The Geographical spread map: the shipped Natural Earth outlines (`shared::world`),
//! shaded by provisioned licenses, with the hovered or focused country's values.
//!
//! The outlines are not compiled into the app: they are the same file the server draws
//! its map images from, copied by Trunk next to the bundle (`/world-110m.txt`) and
//! fetched once, the first time a map is shown. Until it arrives (or if it cannot be
//! read) the table beside the map carries the same numbers.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use shared::reports::licenses::CountryLicenses;
use shared::world;

use crate::format;

/// Where Trunk puts the outlines (see `crates/web/index.html`).
const OUTLINES_URL: &str = "/world-110m.txt";

thread_local! {
    /// The outlines once fetched: every later map draws at once.
    static OUTLINES: RefCell<Option<Rc<str>>> = const { RefCell::new(None) };
}

/// The country outlines, fetched on first use; `None` if they cannot be read.
async fn outlines() -> Option<Rc<str>> {
    if let Some(text) = OUTLINES.with(|cell| cell.borrow().clone()) {
        return Some(text);
    }
    let response = gloo_net::http::Request::get(OUTLINES_URL)
        .send()
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    let text: Rc<str> = response.text().await.ok()?.into();
    OUTLINES.with(|cell| *cell.borrow_mut() = Some(text.clone()));
    Some(text)
}

/// The shade of a country with `value` of `max`, as the server's images draw it.
fn shade(value: i64, max: i64) -> String {
    if value <= 0 || max <= 0 {
        return "rgb(228,230,234)".to_owned();
    }
    let t = (value as f64 / max as f64).sqrt().clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round();
    format!(
        "rgb({},{},{})",
        mix(198.0, 11.0),
        mix(219.0, 61.0),
        mix(242.0, 138.0)
    )
}

/// The hover text of a country.
fn describe(c: &CountryLicenses) -> String {
    format!(
        "{}: {} provisioned, {} assigned",
        c.country,
        format::count(c.provisioned.max(0) as u64),
        format::count(c.assigned.max(0) as u64)
    )
}

/// The shaded world map.
#[component]
pub fn WorldMap(countries: Vec<CountryLicenses>) -> impl IntoView {
    let hovered = RwSignal::new(None::<String>);
    let outlines = LocalResource::new(outlines);
    let countries = std::sync::Arc::new(countries);
    let paths = move || {
        outlines
            .get()
            .flatten()
            .map(|text| country_shapes(&text, &countries, hovered))
    };
    view! {
        <div class="world-map">
            <svg
                viewBox=format!("0 0 {} {}", world::MAP_WIDTH, world::MAP_HEIGHT)
                role="group"
                aria-label="Licenses provisioned per country/region"
                data-testid="world-map"
            >
                {paths}
            </svg>
            <p class="map-tooltip" data-testid="map-tooltip" aria-live="polite">
                {move || hovered.get().unwrap_or_else(|| "Point at or focus a shaded country to see its licenses.".to_owned())}
            </p>
        </div>
    }
}

/// One shaded path per country of `text`, the ones with licenses focusable and titled.
fn country_shapes(
    text: &str,
    countries: &[CountryLicenses],
    hovered: RwSignal<Option<String>>,
) -> AnyView {
    let max = countries.iter().map(|c| c.provisioned).max().unwrap_or(0);
    world::country_paths_in(text)
        .map(|(code, d)| {
            let (code, d) = (code.to_owned(), d.to_owned());
            let data = countries.iter().find(|c| c.country_code == code).cloned();
            let fill = shade(data.as_ref().map_or(0, |c| c.provisioned), max);
            match data {
                Some(c) => {
                    let text = describe(&c);
                    let (enter, focus, label) = (text.clone(), text.clone(), text.clone());
                    view! {
                        <path
                            class="country has-data"
                            data-testid="map-country"
                            data-code=code
                            data-value=c.provisioned.to_string()
                            d=d
                            fill=fill
                            tabindex="0"
                            role="img"
                            aria-label=label
                            on:mouseenter=move |_| hovered.set(Some(enter.clone()))
                            on:mouseleave=move |_| hovered.set(None)
                            on:focus=move |_| hovered.set(Some(focus.clone()))
                            on:blur=move |_| hovered.set(None)
                        >
                            <title>{text}</title>
                        </path>
                    }
                    .into_any()
                }
                None => {
                    view! { <path class="country" data-code=code d=d fill=fill></path> }.into_any()
                }
            }
        })
        .collect_view()
        .into_any()
}
