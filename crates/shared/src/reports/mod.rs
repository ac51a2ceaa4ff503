//! Report responses, one module per report area.

pub mod summary;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How fresh a report's data is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Freshness {
    /// When the latest data of the report's datasets was stored for this publisher;
    /// `null` when nothing has been stored yet.
    pub data_as_of: Option<DateTime<Utc>>,
}
