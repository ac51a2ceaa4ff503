//! The License dashboard: customers, licenses, analysis and geographical spread widgets
//! over a range of months, with five page filters.
//!
//! "Current" means the last month of the range: license rows are a monthly stock (one
//! row per customer, product, plan and month), so the newest month says what a customer
//! has now and each earlier month what it had then.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Month;
use crate::dictionary::OfferType;
use crate::reports::slicers::SlicerOption;

/// The page filters and range a License dashboard answer was computed with. Empty lists
/// mean "all values".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseFilters {
    /// `last6m`, `last12m` or `custom` (explicit `from` and `to`).
    pub range: String,
    /// The first month of the range.
    pub from: Option<Month>,
    /// The last month of the range: the "current" month of every widget.
    pub to: Option<Month>,
    /// Offer types kept.
    pub offer_type: Vec<OfferType>,
    /// Offer names (`ProductDisplayName`) kept.
    pub offer_name: Vec<String>,
    /// Plan names kept.
    pub plan_name: Vec<String>,
    /// Customer names kept (filtering on them needs the Customers permission).
    pub customer_name: Vec<String>,
    /// Countries/regions kept, as ISO 3166-1 alpha-2 codes.
    pub country: Vec<String>,
}

impl LicenseFilters {
    /// The query parameters of every License dashboard endpoint's filters.
    pub const PARAMETERS: &'static [&'static str] = &[
        "range",
        "from",
        "to",
        "offerType",
        "offerName",
        "planName",
        "customerName",
        "country",
    ];

    /// The filters as query-string pairs (only those that are set; the range as
    /// `range`, or `from` and `to` for a custom range).
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        match (self.range.as_str(), self.from, self.to) {
            ("custom", Some(from), Some(to)) => {
                pairs.push(("from", from.to_string()));
                pairs.push(("to", to.to_string()));
            }
            ("last12m", _, _) => pairs.push(("range", "last12m".to_owned())),
            _ => {}
        }
        let list = |values: &[String]| values.join(",");
        if !self.offer_type.is_empty() {
            let names: Vec<String> = self
                .offer_type
                .iter()
                .map(|t| t.name().to_owned())
                .collect();
            pairs.push(("offerType", list(&names)));
        }
        if !self.offer_name.is_empty() {
            pairs.push(("offerName", list(&self.offer_name)));
        }
        if !self.plan_name.is_empty() {
            pairs.push(("planName", list(&self.plan_name)));
        }
        if !self.customer_name.is_empty() {
            pairs.push(("customerName", list(&self.customer_name)));
        }
        if !self.country.is_empty() {
            pairs.push(("country", list(&self.country)));
        }
        pairs
    }

    /// A one-line description for images and PDFs: the range and every filter set.
    pub fn describe(&self) -> String {
        let mut parts = vec![match (self.from, self.to) {
            (Some(f), Some(t)) => format!("{f} to {t}"),
            _ => "no data".to_owned(),
        }];
        let mut add = |label: &str, values: Vec<String>| {
            if !values.is_empty() {
                parts.push(format!("{label}: {}", values.join(", ")));
            }
        };
        add(
            "Offer type",
            self.offer_type
                .iter()
                .map(|t| t.name().to_owned())
                .collect(),
        );
        add("Offer", self.offer_name.clone());
        add("Plan", self.plan_name.clone());
        add("Customer", self.customer_name.clone());
        add("Country/region", self.country.clone());
        parts.join(" · ")
    }
}

/// The filter values present in a range: what the page's filter lists offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseOptions {
    /// The range the options come from (other filters are not applied to them).
    pub filters: LicenseFilters,
    /// When license data last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Offer types present, in dictionary order.
    pub offer_type: Vec<SlicerOption>,
    /// Offer names present, sorted.
    pub offer_name: Vec<SlicerOption>,
    /// Plan names present, sorted.
    pub plan_name: Vec<SlicerOption>,
    /// Customer names present, sorted; empty without the Customers permission.
    pub customer_name: Vec<SlicerOption>,
    /// Countries/regions present (value: ISO code, label: name), by label.
    pub country: Vec<SlicerOption>,
    /// Whether customer names are withheld (no Customers permission).
    pub masked: bool,
}

/// Customers with licenses in one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomersMonth {
    /// The month.
    pub month: Month,
    /// Distinct customers with at least one license row in the month.
    pub customers: u64,
}

/// The Customers widget: the current number of customers and the month-over-month trend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseCustomersWidget {
    /// The effective filters.
    pub filters: LicenseFilters,
    /// When license data last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Customers in the last month of the range.
    pub current: u64,
    /// Customers in the month before it (`null` for a one-month range).
    pub previous: Option<u64>,
    /// Every month of the range, oldest first.
    pub months: Vec<CustomersMonth>,
}

/// Licenses of one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicensesMonth {
    /// The month.
    pub month: Month,
    /// Licenses provisioned (sum of `LicensesProvisioned`).
    pub provisioned: i64,
    /// Licenses assigned (sum of `LicensesAssigned`).
    pub assigned: i64,
}

/// The Licenses widget: provisioned and assigned licenses now and month over month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseLicensesWidget {
    /// The effective filters.
    pub filters: LicenseFilters,
    /// When license data last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// The last month of the range.
    pub current: LicensesMonth,
    /// The month before it (`null` for a one-month range).
    pub previous: Option<LicensesMonth>,
    /// Every month of the range, oldest first.
    pub months: Vec<LicensesMonth>,
}

/// How the Analysis widget groups licenses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum AnalysisBy {
    /// Per offer and plan.
    #[default]
    Products,
    /// Per customer.
    Customers,
}

impl AnalysisBy {
    /// The query-parameter value.
    pub fn name(self) -> &'static str {
        match self {
            AnalysisBy::Products => "products",
            AnalysisBy::Customers => "customers",
        }
    }
}

/// One row of the Analysis widget: an offer and plan, or a customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AnalysisRow {
    /// The offer name (`ProductDisplayName`), for `by=products`.
    pub offer_name: Option<String>,
    /// The plan name, for `by=products`.
    pub plan_name: Option<String>,
    /// The customer ID, for `by=customers`.
    pub customer_id: Option<String>,
    /// The customer name, for `by=customers` (masked without the Customers permission).
    pub customer_name: Option<String>,
    /// Licenses provisioned in the current month.
    pub provisioned: i64,
    /// Licenses assigned in the current month.
    pub assigned: i64,
    /// This row's share of all provisioned licenses of the current month, in percent
    /// (one decimal).
    pub provisioned_percent: f64,
    /// This row's share of all assigned licenses of the current month, in percent (one
    /// decimal).
    pub assigned_percent: f64,
    /// Licenses provisioned in the previous month.
    pub previous_provisioned: i64,
    /// Licenses assigned in the previous month.
    pub previous_assigned: i64,
}

/// The Analysis widget: provisioned and assigned licenses per offer and plan (or per
/// customer), their shares, and the month-over-month totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseAnalysisWidget {
    /// The effective filters.
    pub filters: LicenseFilters,
    /// `products` or `customers`.
    pub by: AnalysisBy,
    /// When license data last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Rows of the current month, most provisioned first (ties by name).
    pub rows: Vec<AnalysisRow>,
    /// Provisioned and assigned licenses per month of the range, oldest first.
    pub months: Vec<LicensesMonth>,
}

/// Licenses of one country/region in the current month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CountryLicenses {
    /// ISO 3166-1 alpha-2 code (`CustomerCountryCode`).
    pub country_code: String,
    /// The country/region's name (`CustomerCountry`).
    pub country: String,
    /// Licenses provisioned.
    pub provisioned: i64,
    /// Licenses assigned.
    pub assigned: i64,
    /// Distinct customers.
    pub customers: u64,
}

/// The Geographical spread widget: licenses per country/region in the current month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LicenseGeographyWidget {
    /// The effective filters.
    pub filters: LicenseFilters,
    /// When license data last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Countries/regions, most provisioned first (ties by code).
    pub countries: Vec<CountryLicenses>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_give_only_what_is_set() {
        let month = |s: &str| s.parse::<Month>().ok();
        let default = LicenseFilters {
            range: "last6m".to_owned(),
            from: month("2026-01"),
            to: month("2026-06"),
            ..LicenseFilters::default()
        };
        assert!(default.query_pairs().is_empty());
        let custom = LicenseFilters {
            range: "custom".to_owned(),
            offer_type: vec![OfferType::SaaS],
            country: vec!["DE".to_owned(), "US".to_owned()],
            ..default.clone()
        };
        assert_eq!(
            custom.query_pairs(),
            vec![
                ("from", "2026-01".to_owned()),
                ("to", "2026-06".to_owned()),
                ("offerType", "SaaS".to_owned()),
                ("country", "DE,US".to_owned()),
            ]
        );
        assert_eq!(
            custom.describe(),
            "2026-01 to 2026-06 · Offer type: SaaS · Country/region: DE, US"
        );
    }
}
