//! Bar charts drawn as inline SVG, with no charting library to download or ship.
//!
//! Every chart is one `<svg role="group">` named by its `<title>` and described by a
//! `<desc>` that lists every value, so a screen reader hears the data. Each bar is a
//! focusable `<g role="img" data-testid="bar" data-label data-value>` with an
//! `aria-label` and its own `<title>` (shown on hover); its value is written on or beside
//! it, or, in the denser trend chart, shown on hover and on keyboard focus. Long
//! category names are shortened with "…" and keep their full text in the bar's title.
//! Colours come from one palette (`--chart-1` to `--chart-6` in the stylesheet).

mod trend;

use leptos::prelude::*;

use crate::format;
pub use trend::TrendChart;

/// One bar: a category or month and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The stable name of the category (`2025-01`, `CSP`, `US`), written to `data-label`.
    pub key: String,
    /// The text under or beside the bar (`Jan 2025`, `CSP`, `United States`).
    pub label: String,
    /// The bar's value.
    pub value: f64,
    /// Whether this bar sums the categories past the top N ("Other").
    pub other: bool,
}

impl Bar {
    /// A bar of a named category.
    pub fn new(key: impl Into<String>, label: impl Into<String>, value: f64) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            value,
            other: false,
        }
    }
}

/// Which way the bars run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Orientation {
    /// Vertical bars side by side, for a few points in time.
    #[default]
    Columns,
    /// Horizontal bars stacked, for categories whose names are too long to fit under a column.
    Rows,
}

/// The drawing's coordinate widths; the SVG scales to its container. Columns usually sit
/// in a full-width panel, rows in a half-width one, so each keeps a sensible text size.
const COLUMNS_WIDTH: f64 = 900.0;
const ROWS_WIDTH: f64 = 560.0;
/// Below this size (in drawing units) a value label goes beside the bar instead of on it.
const MIN_INSIDE_COLUMN: f64 = 24.0;
const MIN_INSIDE_ROW: f64 = 64.0;
/// Longest category name drawn in full beside a row (about the label column's width).
pub(crate) const ROW_LABEL_CHARS: usize = 20;
/// Longest name drawn in full under a column.
const COLUMN_LABEL_CHARS: usize = 16;

/// An accessible SVG bar chart.
#[component]
pub fn BarChart(
    /// The chart's `data-testid`; also the stem of its element ids, so it must be unique
    /// on the page.
    #[prop(into)]
    test_id: String,
    /// The chart's name, read first by screen readers.
    #[prop(into)]
    title: String,
    /// What the values count (`new orders`), used in each bar's hover text.
    #[prop(into)]
    unit: String,
    /// The bars in display order.
    bars: Vec<Bar>,
    /// Columns (the default) or rows.
    #[prop(optional)]
    orientation: Orientation,
    /// Columns drawn for a half-width card, so their text stays legible.
    #[prop(optional)]
    compact: bool,
    /// Values are money: always two decimals.
    #[prop(optional)]
    money: bool,
) -> impl IntoView {
    let show = move |value: f64| {
        if money {
            format::money(&format!("{value:.2}"), "")
        } else {
            format::number(value)
        }
    };
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let description = if bars.is_empty() {
        "No values.".to_owned()
    } else {
        bars.iter()
            .map(|b| format!("{}: {}", b.label, show(b.value)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let title_id = format!("{test_id}-title");
    let desc_id = format!("{test_id}-desc");
    let width = match orientation {
        Orientation::Columns if compact => ROWS_WIDTH,
        Orientation::Columns => COLUMNS_WIDTH,
        Orientation::Rows => ROWS_WIDTH,
    };
    let (height, shapes) = match orientation {
        Orientation::Columns => columns(&bars, max, width, &show),
        Orientation::Rows => rows(&bars, max, &show),
    };
    let label_chars = match orientation {
        Orientation::Columns => COLUMN_LABEL_CHARS,
        Orientation::Rows => ROW_LABEL_CHARS,
    };

    // Under many narrow columns a two-word label ("Jan 2025") takes two lines.
    let stacked_labels = orientation == Orientation::Columns && bars.len() > 6;
    let bar_views = bars
        .into_iter()
        .zip(shapes)
        .map(|(bar, shape)| {
            let spoken = format!("{}: {} {unit}", bar.label, show(bar.value));
            let aria = spoken.clone();
            let class = if bar.other { "bar bar-other" } else { "bar" };
            view! {
                <g
                    class=class
                    data-testid="bar"
                    data-label=bar.key
                    data-value=raw(bar.value)
                    data-other=bar.other.then_some("true")
                    tabindex="0"
                    role="img"
                    aria-label=aria
                >
                    {svg_title(None, spoken)}
                    <rect
                        class="bar-rect"
                        x=num(shape.x)
                        y=num(shape.y)
                        width=num(shape.width)
                        height=num(shape.height)
                        rx="3"
                    ></rect>
                    <text
                        class=if shape.value_inside { "bar-value inside" } else { "bar-value" }
                        x=num(shape.value_x)
                        y=num(shape.value_y)
                        text-anchor=shape.value_anchor
                        aria-hidden="true"
                    >
                        {show(bar.value)}
                    </text>
                    <text
                        class="bar-label"
                        x=num(shape.label_x)
                        y=num(shape.label_y)
                        text-anchor=shape.label_anchor
                        aria-hidden="true"
                    >
                        {label_text(&bar.label, label_chars, stacked_labels, shape.label_x)}
                    </text>
                </g>
            }
        })
        .collect_view();

    let baseline = match orientation {
        Orientation::Columns => (
            COL_LEFT,
            COL_TOP + COL_PLOT,
            width - COL_RIGHT,
            COL_TOP + COL_PLOT,
        ),
        Orientation::Rows => (ROW_LABELS, ROW_TOP, ROW_LABELS, height - ROW_BOTTOM),
    };

    let labelled_by = title_id.clone();
    let described_by = desc_id.clone();
    view! {
        <svg
            class="chart"
            data-testid=test_id
            role="group"
            aria-labelledby=labelled_by
            aria-describedby=described_by
            viewBox=format!("0 0 {width} {}", num(height))
            preserveAspectRatio="xMidYMid meet"
        >
            {svg_title(Some(title_id), title)}
            <desc id=desc_id>{description}</desc>
            <line
                class="chart-axis"
                x1=num(baseline.0)
                y1=num(baseline.1)
                x2=num(baseline.2)
                y2=num(baseline.3)
            ></line>
            {bar_views}
        </svg>
    }
}

/// A bar's label: shortened, or for narrow columns its two words on two lines.
fn label_text(label: &str, max: usize, stacked: bool, x: f64) -> AnyView {
    match label.split_once(' ') {
        Some((first, second)) if stacked => view! {
            <tspan x=num(x)>{first.to_owned()}</tspan>
            <tspan x=num(x) dy="1.15em">{shorten(second, max)}</tspan>
        }
        .into_any(),
        _ => shorten(label, max).into_any(),
    }
}

/// The text of a chart's `<desc>`: every label and value.
pub(crate) fn describe<'a>(values: impl Iterator<Item = (&'a str, f64)>) -> String {
    let parts: Vec<String> = values
        .map(|(label, value)| format!("{label}: {}", format::number(value)))
        .collect();
    if parts.is_empty() {
        "No values.".to_owned()
    } else {
        parts.join("; ")
    }
}

/// A value as `data-value` carries it: whole numbers without a decimal point.
pub fn raw(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// `text` cut to `max` characters with an ellipsis; the full text stays in titles.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", kept.trim_end())
    }
}

/// Where one bar and its two labels go, in drawing units.
struct Shape {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    value_x: f64,
    value_y: f64,
    value_anchor: &'static str,
    value_inside: bool,
    label_x: f64,
    label_y: f64,
    label_anchor: &'static str,
}

const COL_TOP: f64 = 24.0;
const COL_PLOT: f64 = 180.0;
const COL_BOTTOM: f64 = 46.0;
const COL_LEFT: f64 = 12.0;
const COL_RIGHT: f64 = 12.0;

fn columns(
    bars: &[Bar],
    max: f64,
    total_width: f64,
    show: &dyn Fn(f64) -> String,
) -> (f64, Vec<Shape>) {
    let slot = (total_width - COL_LEFT - COL_RIGHT) / bars.len().max(1) as f64;
    let width = (slot * 0.5).min(140.0);
    let shapes = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let height = scaled(bar.value, max, COL_PLOT);
            let x = COL_LEFT + slot * i as f64 + (slot - width) / 2.0;
            let y = COL_TOP + COL_PLOT - height;
            let centre = x + width / 2.0;
            // The value goes on the bar only if it fits there.
            let text_width = show(bar.value).chars().count() as f64 * 8.0 + 6.0;
            let value_inside = height >= MIN_INSIDE_COLUMN && width >= text_width;
            Shape {
                x,
                y,
                width,
                height,
                value_x: centre,
                value_y: if value_inside { y + 17.0 } else { y - 7.0 },
                value_anchor: "middle",
                value_inside,
                label_x: centre,
                label_y: COL_TOP + COL_PLOT + 21.0,
                label_anchor: "middle",
            }
        })
        .collect();
    (COL_TOP + COL_PLOT + COL_BOTTOM, shapes)
}

const ROW_TOP: f64 = 6.0;
const ROW_BOTTOM: f64 = 6.0;
const ROW_HEIGHT: f64 = 36.0;
const ROW_BAR: f64 = 24.0;
const ROW_LABELS: f64 = 170.0;
const ROW_RIGHT: f64 = 64.0;

fn rows(bars: &[Bar], max: f64, show: &dyn Fn(f64) -> String) -> (f64, Vec<Shape>) {
    let plot = ROWS_WIDTH - ROW_LABELS - ROW_RIGHT;
    let shapes = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let width = scaled(bar.value, max, plot);
            let y = ROW_TOP + ROW_HEIGHT * i as f64 + (ROW_HEIGHT - ROW_BAR) / 2.0;
            let middle = y + ROW_BAR / 2.0 + 4.5;
            let text_width = show(bar.value).chars().count() as f64 * 8.0 + 12.0;
            let value_inside = width >= MIN_INSIDE_ROW.max(text_width);
            Shape {
                x: ROW_LABELS,
                y,
                width,
                height: ROW_BAR,
                value_x: if value_inside {
                    ROW_LABELS + width - 8.0
                } else {
                    ROW_LABELS + width + 6.0
                },
                value_y: middle,
                value_anchor: if value_inside { "end" } else { "start" },
                value_inside,
                label_x: ROW_LABELS - 10.0,
                label_y: middle,
                label_anchor: "end",
            }
        })
        .collect();
    (
        ROW_TOP + ROW_HEIGHT * bars.len() as f64 + ROW_BOTTOM,
        shapes,
    )
}

/// `value` as a share of `max`, stretched to `span` drawing units.
pub(crate) fn scaled(value: f64, max: f64, span: f64) -> f64 {
    if max <= 0.0 || value <= 0.0 {
        0.0
    } else {
        value / max * span
    }
}

/// An SVG `<title>`. The `view!` macro builds `<title>` as an HTML element even inside an
/// `<svg>`, and browsers neither show that as a tooltip nor take it as the graphic's name.
pub(crate) fn svg_title(id: Option<String>, text: String) -> impl IntoView {
    leptos::svg::title().id(id).child(text)
}

/// A coordinate as an attribute value; one decimal is finer than a pixel.
pub(crate) fn num(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_shortened_with_an_ellipsis() {
        assert_eq!(shorten("United States", 20), "United States");
        assert_eq!(
            shorten("Contoso Analytics Enterprise Edition", 12),
            "Contoso Ana…"
        );
    }

    #[test]
    fn raw_values_keep_whole_numbers_whole() {
        assert_eq!(raw(12.0), "12");
        assert_eq!(raw(12.5), "12.5");
    }
}
