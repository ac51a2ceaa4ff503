//! The Orders and Usage reports: one shape for both (orders counted, usage in hours).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Month;
use crate::dictionary::Channel;
use crate::reports::slicers::Slicers;

/// Which usage figure a Usage report sums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum UsageMeasure {
    /// Core hours: virtual machine hours multiplied by the machine's cores.
    #[default]
    Normalized,
    /// Virtual machine hours as run, regardless of size.
    Raw,
}

impl UsageMeasure {
    /// Both measures.
    pub const ALL: &'static [UsageMeasure] = &[UsageMeasure::Normalized, UsageMeasure::Raw];

    /// The query-parameter value.
    pub const fn name(self) -> &'static str {
        match self {
            UsageMeasure::Normalized => "normalized",
            UsageMeasure::Raw => "raw",
        }
    }
}

impl FromStr for UsageMeasure {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|m| m.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("'{s}' is not a usage measure; use normalized or raw"))
    }
}

/// What the values of an Orders or Usage report count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ActivityUnit {
    /// New orders (orders purchased in the month).
    Orders,
    /// Hours of usage (normalized or raw, as the filters say).
    Hours,
}

/// A subject area of the trend view: the dimension its chart is split by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum SubjectArea {
    /// CSP, Direct Enterprise, Indirect Enterprise, Web Direct.
    Channel,
    /// The customer's country or region.
    Market,
    /// The offer's type.
    OfferType,
    /// The offer itself (by name).
    Offer,
    /// The Azure License Type.
    AzureLicenseType,
    /// The Marketplace License Type.
    MarketplaceLicenseType,
    /// Preview or Live plans.
    PreviewStatus,
}

impl SubjectArea {
    /// Every subject area, in the order the trend view shows them.
    pub const ALL: &'static [SubjectArea] = &[
        SubjectArea::Channel,
        SubjectArea::Market,
        SubjectArea::OfferType,
        SubjectArea::Offer,
        SubjectArea::AzureLicenseType,
        SubjectArea::MarketplaceLicenseType,
        SubjectArea::PreviewStatus,
    ];

    /// The query-parameter value (camelCase).
    pub const fn name(self) -> &'static str {
        match self {
            SubjectArea::Channel => "channel",
            SubjectArea::Market => "market",
            SubjectArea::OfferType => "offerType",
            SubjectArea::Offer => "offer",
            SubjectArea::AzureLicenseType => "azureLicenseType",
            SubjectArea::MarketplaceLicenseType => "marketplaceLicenseType",
            SubjectArea::PreviewStatus => "previewStatus",
        }
    }

    /// The label in the app.
    pub const fn label(self) -> &'static str {
        match self {
            SubjectArea::Channel => "Channel",
            SubjectArea::Market => "Market",
            SubjectArea::OfferType => "Offer Type",
            SubjectArea::Offer => "Offer",
            SubjectArea::AzureLicenseType => "Azure License Type",
            SubjectArea::MarketplaceLicenseType => "Marketplace License Type",
            SubjectArea::PreviewStatus => "Preview Status",
        }
    }
}

impl FromStr for SubjectArea {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a subject area; use one of {}",
                    Self::ALL
                        .iter()
                        .map(|a| a.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

/// How many categories a chart shows before summing the rest as "Other".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum TopN {
    /// Every category.
    All,
    /// The largest `n` categories and one "Other" row for the rest.
    Top(u32),
}

impl TopN {
    /// The limit, if any.
    pub const fn limit(self) -> Option<usize> {
        match self {
            TopN::All => None,
            TopN::Top(n) => Some(n as usize),
        }
    }
}

impl fmt::Display for TopN {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopN::All => f.write_str("all"),
            TopN::Top(n) => write!(f, "{n}"),
        }
    }
}

impl FromStr for TopN {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(TopN::All);
        }
        match s.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => Ok(TopN::Top(n)),
            _ => Err(format!(
                "'{s}' is not a top-N; use 'all' or a number from 1 to 100"
            )),
        }
    }
}

/// The filters an Orders or Usage report was computed with, echoed back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivityFilters {
    /// The first month of the period.
    pub start: Month,
    /// The last month of the period (two months after `start`).
    pub end: Month,
    /// The usage measure (Usage reports only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<UsageMeasure>,
    /// The slicer selection.
    pub slicers: Slicers,
}

/// One bar of a chart: a category and its value over the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CategoryValue {
    /// The category's value as slicers and filters take it (`US`, `SaaS`); `Other` for
    /// the sum of the categories past the top N.
    pub key: String,
    /// The category's label (`United States`, `SaaS`, `Other`).
    pub label: String,
    /// Whether this is the "Other" row.
    pub other: bool,
    /// New orders, or hours of usage.
    pub value: f64,
}

/// One channel's row of the monthly view's summary table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChannelRow {
    /// The channel.
    pub channel: Channel,
    /// The value in each month of the period, oldest first.
    pub months: Vec<f64>,
    /// The value over the period.
    pub total: f64,
}

/// Metered usage (not in hours) of one month, per unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MeteredMonth {
    /// The month.
    pub month: Month,
    /// Metered quantity of the month, summed over meters.
    pub metered_usage: f64,
}

/// Panel B: the monthly view of an Orders or Usage report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivityMonthly {
    /// The effective filters.
    pub filters: ActivityFilters,
    /// When the dataset last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// What the values count.
    pub unit: ActivityUnit,
    /// The months of the period, oldest first (the columns of `byChannel`).
    pub months: Vec<Month>,
    /// The value of each month, summed over channels.
    pub month_totals: Vec<f64>,
    /// The value over the period.
    pub total: f64,
    /// The summary by channel, every channel listed in dictionary order.
    pub by_channel: Vec<ChannelRow>,
    /// Top 10 markets over the period, then "Other".
    pub top_markets: Vec<CategoryValue>,
    /// Top 10 offer types over the period, then "Other".
    pub top_offer_types: Vec<CategoryValue>,
    /// Every Azure License Type present.
    pub by_azure_license_type: Vec<CategoryValue>,
    /// Every Marketplace License Type present.
    pub by_marketplace_license_type: Vec<CategoryValue>,
    /// Metered usage per month (Usage reports only; reported apart from hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metered: Option<Vec<MeteredMonth>>,
}

/// One category's line in a trend chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TrendSeries {
    /// The category's value (`US`), or `Other`.
    pub key: String,
    /// The category's label, or `Other`.
    pub label: String,
    /// Whether this is the "Other" row.
    pub other: bool,
    /// The value in each month of the period, oldest first.
    pub months: Vec<f64>,
    /// The value over the period.
    pub total: f64,
}

/// One subject area's chart of the trend view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TrendArea {
    /// The subject area.
    pub subject: SubjectArea,
    /// Its label.
    pub label: String,
    /// The categories, largest total first; with a top N, then one "Other" series, so the
    /// series add up to `monthTotals`.
    pub series: Vec<TrendSeries>,
}

/// The filters of a trend view, echoed back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TrendFilters {
    /// The period, measure and slicers.
    #[serde(flatten)]
    pub activity: ActivityFilters,
    /// The subject areas shown.
    pub subject: Vec<SubjectArea>,
    /// `all`, or how many categories each chart shows before "Other".
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "10"))]
    pub top: String,
}

/// Panel C: the trend view of an Orders or Usage report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivityTrend {
    /// The effective filters.
    pub filters: TrendFilters,
    /// When the dataset last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// What the values count.
    pub unit: ActivityUnit,
    /// The months of the period, oldest first.
    pub months: Vec<Month>,
    /// The value of each month over every category.
    pub month_totals: Vec<f64>,
    /// One chart per subject area, in the order asked for.
    pub areas: Vec<TrendArea>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_n_parses_all_and_bounded_numbers() {
        assert_eq!("all".parse::<TopN>(), Ok(TopN::All));
        assert_eq!("10".parse::<TopN>(), Ok(TopN::Top(10)));
        assert!("0".parse::<TopN>().is_err());
        assert!("101".parse::<TopN>().is_err());
        assert!("ten".parse::<TopN>().is_err());
    }

    #[test]
    fn subject_areas_round_trip_their_names() {
        for area in SubjectArea::ALL {
            assert_eq!(area.name().parse::<SubjectArea>(), Ok(*area));
        }
        assert!("customer".parse::<SubjectArea>().is_err());
    }
}
