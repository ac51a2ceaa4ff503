//! The Customer page: customers by Marketplace License Type between two dates, and one
//! customer's own view.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::Month;
use crate::dictionary::{AzureLicenseType, MarketplaceLicenseType};
use crate::reports::grid::{CustomerRow, OrderRow};

/// The filters of a customer summary, echoed back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerFilters {
    /// The first day of the period.
    pub from: NaiveDate,
    /// The last day of the period.
    pub to: NaiveDate,
    /// Azure License Types kept; empty for all.
    pub azure_license_type: Vec<AzureLicenseType>,
    /// Marketplace License Types kept; empty for all.
    pub marketplace_license_type: Vec<MarketplaceLicenseType>,
}

/// Customers of one Marketplace License Type over the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerCount {
    /// The Marketplace License Type.
    pub marketplace_license_type: MarketplaceLicenseType,
    /// Customers with a subscription of this type active at some time in the period
    /// (acquired on or before its last day, not lost before its first).
    pub active: u64,
    /// Of those, customers who acquired it within the period.
    pub new: u64,
    /// Customers who lost their last subscription of this type within the period.
    pub lost: u64,
}

/// The customer summary by Marketplace License Type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerSummary {
    /// The effective filters.
    pub filters: CustomerFilters,
    /// When customers last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Distinct customers active in the period, over every license type.
    pub total_active: u64,
    /// Every Marketplace License Type, in dictionary order.
    pub by_marketplace_license_type: Vec<CustomerCount>,
}

/// One month of a customer's usage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerUsageMonth {
    /// The month.
    pub month: Month,
    /// Normalized hours.
    pub normalized_usage: f64,
    /// Raw hours.
    pub raw_usage: f64,
    /// Metered quantity.
    pub metered_usage: f64,
}

/// One customer's own view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    /// The customer's ID.
    pub customer_id: String,
    /// When customers, orders or usage last changed for this publisher.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Whether personal-data columns are masked for this caller.
    pub masked: bool,
    /// The customer's profile: its most recently modified customer row (personal data
    /// masked without the Customers permission); `null` when only orders or usage know
    /// the customer.
    pub profile: Option<CustomerRow>,
    /// Every subscription the customer has, one customer row each (BYOL subscription
    /// IDs hashed).
    pub subscriptions: Vec<CustomerRow>,
    /// The customer's orders, newest purchase first (at most 500; the Orders grid
    /// filtered on `CustomerId` has them all).
    pub orders: Vec<OrderRow>,
    /// The number of the customer's orders.
    pub order_count: u64,
    /// Usage by month, oldest first.
    pub usage_by_month: Vec<CustomerUsageMonth>,
}
