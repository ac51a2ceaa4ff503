//! The Payouts report: earnings of paid offers by month.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Month;
use crate::dictionary::PayoutStatus;

/// Earnings of one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PayoutMonth {
    /// The month.
    pub month: Month,
    /// Earnings in US dollars, a decimal string.
    #[cfg_attr(feature = "openapi", schema(example = "1234.50"))]
    pub earning_amount_usd: String,
    /// The currency of `earningAmountUsd`: always `USD`.
    pub currency: String,
    /// Purchase-record line items of the month.
    pub line_items: u64,
}

/// Earnings of the period in one payout status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PayoutStatusTotal {
    /// The payout status.
    pub payout_status: PayoutStatus,
    /// Earnings in US dollars, a decimal string.
    pub earning_amount_usd: String,
    /// Line items.
    pub line_items: u64,
}

/// The payout trend of the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PayoutTrend {
    /// The first month of the period.
    pub start: Month,
    /// The last month of the period.
    pub end: Month,
    /// When payouts last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Every month of the period, oldest first.
    pub months: Vec<PayoutMonth>,
    /// The period's earnings by payout status, every status listed.
    pub by_status: Vec<PayoutStatusTotal>,
    /// The period's earnings in US dollars, a decimal string.
    pub total_usd: String,
}
