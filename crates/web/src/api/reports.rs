//! The report endpoints: Orders and Usage (options, monthly, trend, details), the
//! Customer page (summary, details, one customer) and their downloads.
//!
//! Each query type below is also what a page keeps in its URL, so the app's address and
//! the API request are built from the same fields.

use chrono::NaiveDate;
use shared::Month;
use shared::Problem;
use shared::reports::activity::{ActivityMonthly, ActivityTrend, SubjectArea, TopN, UsageMeasure};
use shared::reports::customers::{CustomerSummary, CustomerView};
use shared::reports::grid::{DEFAULT_PAGE_SIZE, GridPage, GridRow};
use shared::reports::slicers::{SlicerOptions, Slicers};

use super::Client;

/// Query pairs, in order; a name may repeat (`filter`).
pub type Pairs = Vec<(String, String)>;

/// The report area of the Orders and Usage page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Area {
    /// New orders.
    #[default]
    Orders,
    /// Hours of usage.
    Usage,
}

impl Area {
    /// The name in URLs (`orders`, `usage`).
    pub const fn name(self) -> &'static str {
        match self {
            Area::Orders => "orders",
            Area::Usage => "usage",
        }
    }

    /// The area with this URL name.
    pub fn from_name(text: &str) -> Option<Self> {
        match text {
            "orders" => Some(Area::Orders),
            "usage" => Some(Area::Usage),
            _ => None,
        }
    }

    /// The dataset behind the area's detail grid.
    pub const fn dataset(self) -> shared::dictionary::Dataset {
        match self {
            Area::Orders => shared::dictionary::Dataset::Orders,
            Area::Usage => shared::dictionary::Dataset::Usage,
        }
    }
}

/// A slicer selection as the URL holds it: per slicer parameter, the chosen dictionary
/// values (empty for all). Values stay text so that a mistyped link reaches the server
/// and comes back as its problem, rather than being dropped here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SlicerChoice {
    values: Vec<(&'static str, Vec<String>)>,
}

impl SlicerChoice {
    /// Reads the slicers named in `names` through `get` (a URL's query).
    pub fn read(names: &[&'static str], get: impl Fn(&str) -> Option<String>) -> Self {
        let values = names
            .iter()
            .map(|name| {
                let chosen = get(name)
                    .map(|text| {
                        text.split(',')
                            .map(str::trim)
                            .filter(|v| !v.is_empty())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                (*name, chosen)
            })
            .collect();
        Self { values }
    }

    /// The chosen values of one slicer.
    pub fn get(&self, name: &str) -> &[String] {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// Chooses `values` for the slicer `name`.
    pub fn set(&mut self, name: &'static str, values: Vec<String>) {
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = values,
            None => self.values.push((name, values)),
        }
    }

    /// How many slicers narrow the data.
    pub fn active(&self) -> usize {
        self.values.iter().filter(|(_, v)| !v.is_empty()).count()
    }

    /// The selection as query pairs (only the slicers that are set).
    pub fn pairs(&self) -> Pairs {
        self.values
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| ((*n).to_owned(), v.join(",")))
            .collect()
    }

    /// The five slicers of Orders and Usage, read from a URL.
    pub fn activity(get: impl Fn(&str) -> Option<String>) -> Self {
        Self::read(Slicers::PARAMETERS, get)
    }
}

/// The period, measure and slicers of an Orders or Usage report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityQuery {
    /// Orders or Usage.
    pub area: Area,
    /// The usage measure (Usage only).
    pub measure: UsageMeasure,
    /// The first month; `None` for the server's default (the latest three months).
    pub start: Option<Month>,
    /// The slicers.
    pub slicers: SlicerChoice,
}

impl ActivityQuery {
    fn pairs(&self, with_slicers: bool) -> Pairs {
        let mut pairs = Pairs::new();
        if let Some(start) = self.start {
            pairs.push(("start".to_owned(), start.to_string()));
        }
        if self.area == Area::Usage {
            pairs.push(("measure".to_owned(), self.measure.name().to_owned()));
        }
        if with_slicers {
            pairs.extend(self.slicers.pairs());
        }
        pairs
    }
}

/// The trend view's subject areas and top-N.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrendQuery {
    /// The subject areas shown (every one when empty).
    pub subjects: Vec<SubjectArea>,
    /// All, or the top N and "Other".
    pub top: TopN,
}

impl Default for TrendQuery {
    fn default() -> Self {
        Self {
            subjects: Vec::new(),
            top: TopN::Top(10),
        }
    }
}

impl TrendQuery {
    /// The subject areas as the `subject` parameter takes them, if not all.
    pub fn subject_param(&self) -> Option<String> {
        (!self.subjects.is_empty() && self.subjects.len() < SubjectArea::ALL.len()).then(|| {
            self.subjects
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(",")
        })
    }

    fn pairs(&self) -> Pairs {
        let mut pairs = Pairs::new();
        if let Some(subject) = self.subject_param() {
            pairs.push(("subject".to_owned(), subject));
        }
        pairs.push(("top".to_owned(), self.top.to_string()));
        pairs
    }
}

/// A detail grid's column filters, sort and paging.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridQuery {
    /// Column filters, each `Column:op:value`.
    pub filters: Vec<String>,
    /// The sort column with a leading `-` for descending; `None` for the grid's default.
    pub sort: Option<String>,
    /// Rows per page.
    pub page_size: u32,
    /// The cursors of the pages before this one, oldest first: the last is this page's
    /// cursor, and dropping it goes back one page.
    pub cursors: Vec<String>,
}

impl Default for GridQuery {
    fn default() -> Self {
        Self {
            filters: Vec::new(),
            sort: None,
            page_size: DEFAULT_PAGE_SIZE,
            cursors: Vec::new(),
        }
    }
}

impl GridQuery {
    /// The filters, sort and page size (no cursor): what downloads take.
    pub fn result_pairs(&self) -> Pairs {
        let mut pairs: Pairs = self
            .filters
            .iter()
            .map(|f| ("filter".to_owned(), f.clone()))
            .collect();
        if let Some(sort) = &self.sort {
            pairs.push(("sort".to_owned(), sort.clone()));
        }
        pairs
    }

    fn page_pairs(&self) -> Pairs {
        let mut pairs = self.result_pairs();
        pairs.push(("pageSize".to_owned(), self.page_size.to_string()));
        if let Some(cursor) = self.cursors.last() {
            pairs.push(("cursor".to_owned(), cursor.clone()));
        }
        pairs.push(("total".to_owned(), "true".to_owned()));
        pairs
    }
}

/// A download's file type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DownloadFormat {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl DownloadFormat {
    /// The `format` parameter's value, also the file extension.
    pub const fn name(self) -> &'static str {
        match self {
            DownloadFormat::Csv => "csv",
            DownloadFormat::Xlsx => "xlsx",
        }
    }
}

/// The Customer page's period and slicers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    /// The first day; `None` for a year before `to`.
    pub from: Option<NaiveDate>,
    /// The last day; `None` for the latest day with data.
    pub to: Option<NaiveDate>,
    /// Azure and Marketplace License Types.
    pub slicers: SlicerChoice,
}

impl CustomerQuery {
    /// The two slicers of the Customer page.
    pub const SLICERS: &'static [&'static str] = &["azureLicenseType", "marketplaceLicenseType"];

    fn pairs(&self) -> Pairs {
        let mut pairs = Pairs::new();
        if let Some(from) = self.from {
            pairs.push(("from".to_owned(), from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to".to_owned(), to.to_string()));
        }
        pairs.extend(self.slicers.pairs());
        pairs
    }
}

fn area_path(area: Area, what: &str) -> String {
    format!("/reports/{}/{what}", area.name())
}

impl Client {
    /// The slicer values present in the period (`GET /reports/{area}/options`).
    pub async fn activity_options(&self, query: &ActivityQuery) -> Result<SlicerOptions, Problem> {
        self.get_json(&area_path(query.area, "options"), &query.pairs(false))
            .await
    }

    /// Panel B (`GET /reports/{area}/monthly`).
    pub async fn activity_monthly(
        &self,
        query: &ActivityQuery,
    ) -> Result<ActivityMonthly, Problem> {
        self.get_json(&area_path(query.area, "monthly"), &query.pairs(true))
            .await
    }

    /// Panel C (`GET /reports/{area}/trend`).
    pub async fn activity_trend(
        &self,
        query: &ActivityQuery,
        trend: &TrendQuery,
    ) -> Result<ActivityTrend, Problem> {
        let mut pairs = query.pairs(true);
        pairs.extend(trend.pairs());
        self.get_json(&area_path(query.area, "trend"), &pairs).await
    }

    /// One page of Panel D (`GET /reports/{area}/details`).
    pub async fn activity_details(
        &self,
        query: &ActivityQuery,
        grid: &GridQuery,
    ) -> Result<GridPage<GridRow>, Problem> {
        let mut pairs = query.pairs(true);
        pairs.retain(|(k, _)| k != "measure");
        pairs.extend(grid.page_pairs());
        self.get_json(&area_path(query.area, "details"), &pairs)
            .await
    }

    /// Every row of Panel D's filtered result as a file.
    pub async fn download_activity(
        &self,
        query: &ActivityQuery,
        grid: &GridQuery,
        format: DownloadFormat,
    ) -> Result<(), Problem> {
        let mut pairs = query.pairs(true);
        pairs.retain(|(k, _)| k != "measure");
        pairs.extend(grid.result_pairs());
        pairs.push(("format".to_owned(), format.name().to_owned()));
        let fallback = format!("{}.{}", query.area.name(), format.name());
        self.get_file(&area_path(query.area, "details"), &pairs, &fallback)
            .await
    }

    /// Customers by Marketplace License Type (`GET /reports/customers/summary`).
    pub async fn customers_summary(
        &self,
        query: &CustomerQuery,
    ) -> Result<CustomerSummary, Problem> {
        self.get_json("/reports/customers/summary", &query.pairs())
            .await
    }

    /// One page of the customer grid (`GET /reports/customers/details`).
    pub async fn customers_details(
        &self,
        query: &CustomerQuery,
        grid: &GridQuery,
    ) -> Result<GridPage<GridRow>, Problem> {
        let mut pairs = query.pairs();
        pairs.extend(grid.page_pairs());
        self.get_json("/reports/customers/details", &pairs).await
    }

    /// Every row of the customer grid's filtered result as a file.
    pub async fn download_customers(
        &self,
        query: &CustomerQuery,
        grid: &GridQuery,
        format: DownloadFormat,
    ) -> Result<(), Problem> {
        let mut pairs = query.pairs();
        pairs.extend(grid.result_pairs());
        pairs.push(("format".to_owned(), format.name().to_owned()));
        let fallback = format!("customers.{}", format.name());
        self.get_file("/reports/customers/details", &pairs, &fallback)
            .await
    }

    /// One customer's view (`GET /reports/customers/{customerId}`).
    pub async fn customer(&self, customer_id: &str) -> Result<CustomerView, Problem> {
        let id = String::from(js_sys::encode_uri_component(customer_id));
        self.get_json(&format!("/reports/customers/{id}"), &[])
            .await
    }
}
