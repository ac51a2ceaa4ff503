//! The Summary page: three months of new orders from a start month.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Month;
use crate::dictionary::{Channel, OfferType};
use crate::reports::activity::CategoryValue;
use crate::reports::payouts::PayoutMonth;

/// The filters a summary was computed with, echoed back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SummaryFilters {
    /// The first month of the period.
    pub start: Month,
    /// The last month of the period (two months after `start`).
    pub end: Month,
}

/// The number of new orders in one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MonthlyCount {
    /// The month.
    pub month: Month,
    /// Orders purchased in the month.
    pub new_orders: u64,
}

/// New orders of the period through one channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// Orders purchased in the period through it.
    pub new_orders: u64,
}

/// New orders of the period for one offer type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OfferTypeCount {
    /// The offer type.
    pub offer_type: OfferType,
    /// Orders purchased in the period for offers of that type.
    pub new_orders: u64,
}

/// The Summary report for three months from a start month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SummaryReport {
    /// The effective filters.
    pub filters: SummaryFilters,
    /// When the latest orders were stored for this publisher; `null` before any.
    pub data_as_of: Option<DateTime<Utc>>,
    /// New orders in each of the three months, oldest first, months without orders as 0.
    pub new_orders_trend: Vec<MonthlyCount>,
    /// New orders of the period by channel, every channel listed.
    pub new_orders_by_channel: Vec<ChannelCount>,
    /// New orders of the period by offer type, every offer type listed.
    pub new_orders_by_offer_type: Vec<OfferTypeCount>,
    /// The five markets with the most new orders in the period (key: country code).
    pub top_markets: Vec<CategoryValue>,
    /// The five offers with the most new orders in the period (key: offer ID).
    pub top_offers: Vec<CategoryValue>,
    /// The five customers with the most new orders in the period (key: customer ID;
    /// the label is masked without the Customers permission).
    pub top_customers: Vec<CategoryValue>,
    /// Earnings of paid offers per month of the period; absent when the publisher has
    /// only BYOL, free or first-party offers, or the caller lacks the Payouts permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payout_trend: Option<Vec<PayoutMonth>>,
}

impl SummaryReport {
    /// New orders of the whole period.
    pub fn total_new_orders(&self) -> u64 {
        self.new_orders_trend.iter().map(|m| m.new_orders).sum()
    }
}
