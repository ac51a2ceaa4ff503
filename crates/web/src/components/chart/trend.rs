//! The trend view's chart: one row per category, one bar per month in it.

use leptos::prelude::*;
use shared::Month;
use shared::reports::activity::TrendSeries;

use super::{ROW_LABEL_CHARS, describe, num, raw, scaled, shorten, svg_title};
use crate::format;

const WIDTH: f64 = 560.0;
const LABELS: f64 = 170.0;
const RIGHT: f64 = 80.0;
const TOP: f64 = 6.0;
const BAR: f64 = 9.0;
const GAP: f64 = 2.0;
const ROW_GAP: f64 = 12.0;

/// A category's months side by side as thin bars, the category's total at the row's end.
/// Each bar shows its value on hover and on keyboard focus; the series total is written.
#[component]
pub fn TrendChart(
    /// The chart's `data-testid` and id stem.
    #[prop(into)]
    test_id: String,
    /// The chart's name.
    #[prop(into)]
    title: String,
    /// What the values count.
    #[prop(into)]
    unit: String,
    /// The months, oldest first (the bars of each row).
    months: Vec<Month>,
    /// The categories, drawn top to bottom.
    series: Vec<TrendSeries>,
) -> impl IntoView {
    let max = series
        .iter()
        .flat_map(|s| s.months.iter().copied())
        .fold(0.0, f64::max);
    let description = describe(series.iter().map(|s| (s.label.as_str(), s.total)));
    let row_height = BAR * months.len().max(1) as f64 + GAP * (months.len().max(1) - 1) as f64;
    let plot = WIDTH - LABELS - RIGHT;
    let height = TOP * 2.0 + (row_height + ROW_GAP) * series.len() as f64;
    let title_id = format!("{test_id}-title");
    let desc_id = format!("{test_id}-desc");

    let rows = series
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let y0 = TOP + (row_height + ROW_GAP) * i as f64;
            let middle = y0 + row_height / 2.0 + 4.5;
            let bars = months
                .iter()
                .zip(s.months.iter().copied())
                .enumerate()
                .map(|(m, (month, value))| {
                    let y = y0 + (BAR + GAP) * m as f64;
                    let width = scaled(value, max, plot).max(if value > 0.0 { 1.0 } else { 0.0 });
                    let spoken = format!(
                        "{}, {}: {} {unit}",
                        s.label,
                        format::month(*month),
                        format::number(value)
                    );
                    let aria = spoken.clone();
                    view! {
                        <g
                            class=format!("bar month-{}", m % 6 + 1)
                            data-testid="bar"
                            data-label=s.key.clone()
                            data-month=month.to_string()
                            data-value=raw(value)
                            tabindex="0"
                            role="img"
                            aria-label=aria
                        >
                            {svg_title(None, spoken)}
                            <rect class="bar-rect" x=num(LABELS) y=num(y) width=num(width) height=num(BAR) rx="2"></rect>
                            // An invisible full-length target, so thin bars are easy to point at.
                            <rect class="bar-hit" x=num(LABELS) y=num(y) width=num(plot) height=num(BAR)></rect>
                            <text class="bar-tip" x=num(LABELS + width + 6.0) y=num(y + BAR - 1.0) aria-hidden="true">
                                {format!("{}: {}", format::month(*month), format::number(value))}
                            </text>
                        </g>
                    }
                })
                .collect_view();
            view! {
                <g
                    class=if s.other { "series series-other" } else { "series" }
                    data-testid="series"
                    data-label=s.key.clone()
                    data-value=raw(s.total)
                    data-other=s.other.then_some("true")
                >
                    <text class="bar-label" x=num(LABELS - 10.0) y=num(middle) text-anchor="end" aria-hidden="true">
                        {svg_title(None, s.label.clone())}
                        {shorten(&s.label, ROW_LABEL_CHARS)}
                    </text>
                    {bars}
                    <text class="bar-value series-total" x=num(WIDTH - 4.0) y=num(middle) text-anchor="end" aria-hidden="true">
                        {format::number(s.total)}
                    </text>
                </g>
            }
        })
        .collect_view();

    let labelled_by = title_id.clone();
    let described_by = desc_id.clone();
    view! {
        <svg
            class="chart chart-trend"
            data-testid=test_id
            role="group"
            aria-labelledby=labelled_by
            aria-describedby=described_by
            viewBox=format!("0 0 {WIDTH} {}", num(height))
            preserveAspectRatio="xMidYMid meet"
        >
            {svg_title(Some(title_id), title)}
            <desc id=desc_id>{description}</desc>
            <line class="chart-axis" x1=num(LABELS) y1="0" x2=num(LABELS) y2=num(height)></line>
            {rows}
        </svg>
    }
}
