//! The page's whole view state, read from and written to its URL.

use leptos_router::params::ParamsMap;
use shared::Month;
use shared::reports::activity::{SubjectArea, TopN, UsageMeasure};
use shared::reports::grid::PAGE_SIZES;

use crate::api::{ActivityQuery, Area, GridQuery, SlicerChoice, TrendQuery};
use crate::url::href;

/// Monthly (Panel B) or trend (Panel C).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Panel B.
    #[default]
    Monthly,
    /// Panel C.
    Trend,
}

/// Everything the Orders and Usage page shows, as its URL says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageState {
    /// Report type, measure, start month and slicers.
    pub activity: ActivityQuery,
    /// Whether the slicers are shown ("Advanced Filter").
    pub advanced: bool,
    /// Monthly or trend view.
    pub view: View,
    /// The trend view's subject areas and top-N.
    pub trend: TrendQuery,
    /// The detail grid's filters, sort and page.
    pub grid: GridQuery,
    /// What in the URL could not be read (shown as the error state).
    pub invalid: Option<String>,
}

impl PageState {
    /// Reads the state from the URL's query.
    pub fn from_query(q: &ParamsMap) -> Self {
        let mut invalid = None;
        let area = match q.get("type") {
            None => Area::Orders,
            Some(t) => Area::from_name(&t).unwrap_or_else(|| {
                invalid = Some(format!("'{t}' is not a report type; use orders or usage."));
                Area::Orders
            }),
        };
        let measure = match q.get("measure") {
            None => UsageMeasure::Normalized,
            Some(m) => m.parse().unwrap_or_else(|e: String| {
                invalid = Some(format!("{e}."));
                UsageMeasure::Normalized
            }),
        };
        let start = q.get("start").and_then(|s| match s.parse::<Month>() {
            Ok(m) => Some(m),
            Err(e) => {
                invalid = Some(format!("The start month is not valid: {e}."));
                None
            }
        });
        let subjects = q
            .get("subject")
            .map(|list| {
                list.split(',')
                    .filter_map(|s| s.parse::<SubjectArea>().ok())
                    .collect()
            })
            .unwrap_or_default();
        let top = q
            .get("top")
            .and_then(|t| t.parse::<TopN>().ok())
            .unwrap_or(TopN::Top(10));
        let page_size = q
            .get("pageSize")
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|s| PAGE_SIZES.contains(s))
            .unwrap_or(shared::reports::grid::DEFAULT_PAGE_SIZE);
        Self {
            activity: ActivityQuery {
                area,
                measure,
                start,
                slicers: SlicerChoice::activity(|name| q.get(name)),
            },
            advanced: q.get("advanced").is_some_and(|v| v == "1"),
            view: if q.get("view").as_deref() == Some("trend") {
                View::Trend
            } else {
                View::Monthly
            },
            trend: TrendQuery { subjects, top },
            grid: GridQuery {
                filters: q.get_all("filter").unwrap_or_default(),
                sort: q.get("sort"),
                page_size,
                cursors: q.get_all("cursor").unwrap_or_default(),
            },
            invalid,
        }
    }

    /// The page's address for this state.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| pairs.push((k.to_owned(), v));
        push("type", self.activity.area.name().to_owned());
        if self.activity.area == Area::Usage {
            push("measure", self.activity.measure.name().to_owned());
        }
        if let Some(start) = self.activity.start {
            push("start", start.to_string());
        }
        for (k, v) in self.activity.slicers.pairs() {
            push(&k, v);
        }
        if self.advanced {
            push("advanced", "1".to_owned());
        }
        if self.view == View::Trend {
            push("view", "trend".to_owned());
            if let Some(subject) = self.trend.subject_param() {
                push("subject", subject);
            }
            if self.trend.top == TopN::All {
                push("top", "all".to_owned());
            }
        }
        for f in &self.grid.filters {
            push("filter", f.clone());
        }
        if let Some(sort) = &self.grid.sort {
            push("sort", sort.clone());
        }
        if self.grid.page_size != shared::reports::grid::DEFAULT_PAGE_SIZE {
            push("pageSize", self.grid.page_size.to_string());
        }
        for c in &self.grid.cursors {
            push("cursor", c.clone());
        }
        href("/orders-usage", &pairs)
    }
}
