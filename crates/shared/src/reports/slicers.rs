//! The slicers every Orders, Usage and Customer report shares, and the options a period
//! offers for them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Month;
use crate::dictionary::{AzureLicenseType, MarketplaceLicenseType, OfferType, PreviewStatus};

/// The slicer selection a report was computed with. An empty list means "all values".
///
/// On the wire (query string) each slicer is one comma-separated parameter of dictionary
/// names: `azureLicenseType=Enterprise,Pay as You Go&market=US,DE&previewStatus=Live`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Slicers {
    /// Azure License Types kept; empty for all.
    pub azure_license_type: Vec<AzureLicenseType>,
    /// Marketplace License Types kept; empty for all.
    pub marketplace_license_type: Vec<MarketplaceLicenseType>,
    /// Markets (ISO 3166-1 alpha-2 codes) kept; empty for all.
    pub market: Vec<String>,
    /// Offer types kept; empty for all.
    pub offer_type: Vec<OfferType>,
    /// Preview statuses kept; empty for all.
    pub preview_status: Vec<PreviewStatus>,
}

impl Slicers {
    /// The query-parameter names of the slicers.
    pub const PARAMETERS: &'static [&'static str] = &[
        "azureLicenseType",
        "marketplaceLicenseType",
        "market",
        "offerType",
        "previewStatus",
    ];

    /// Whether nothing is sliced away.
    pub fn is_empty(&self) -> bool {
        self.azure_license_type.is_empty()
            && self.marketplace_license_type.is_empty()
            && self.market.is_empty()
            && self.offer_type.is_empty()
            && self.preview_status.is_empty()
    }

    /// The selection as query-string pairs (only the slicers that are set).
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        fn join<T>(values: &[T], name: impl Fn(&T) -> &str) -> String {
            values.iter().map(name).collect::<Vec<_>>().join(",")
        }
        let mut pairs = Vec::new();
        if !self.azure_license_type.is_empty() {
            pairs.push((
                "azureLicenseType",
                join(&self.azure_license_type, |v| v.name()),
            ));
        }
        if !self.marketplace_license_type.is_empty() {
            pairs.push((
                "marketplaceLicenseType",
                join(&self.marketplace_license_type, |v| v.name()),
            ));
        }
        if !self.market.is_empty() {
            pairs.push(("market", join(&self.market, |v| v.as_str())));
        }
        if !self.offer_type.is_empty() {
            pairs.push(("offerType", join(&self.offer_type, |v| v.name())));
        }
        if !self.preview_status.is_empty() {
            pairs.push(("previewStatus", join(&self.preview_status, |v| v.name())));
        }
        pairs
    }
}

/// One value a slicer can take, with its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SlicerOption {
    /// The value as the slicer parameter takes it (`US`, `Enterprise`).
    pub value: String,
    /// Its label in the app (`United States`, `Enterprise`).
    pub label: String,
}

/// The slicer values present in a period: what the slicer multi-selects offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SlicerOptions {
    /// The first month of the period.
    pub start: Month,
    /// The last month of the period.
    pub end: Month,
    /// When the report's dataset last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Azure License Types present, in dictionary order.
    pub azure_license_type: Vec<SlicerOption>,
    /// Marketplace License Types present, in dictionary order.
    pub marketplace_license_type: Vec<SlicerOption>,
    /// Markets present, by label.
    pub market: Vec<SlicerOption>,
    /// Offer types present, in dictionary order.
    pub offer_type: Vec<SlicerOption>,
    /// Preview statuses present.
    pub preview_status: Vec<SlicerOption>,
}
