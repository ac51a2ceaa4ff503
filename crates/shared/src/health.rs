//! The instance's health report.

use serde::{Deserialize, Serialize};

/// Whether the instance and its database answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok` when everything answers, `degraded` otherwise.
    pub status: String,
    /// The database backend (`sqlite` or `postgres`) and whether it answered.
    pub database: DatabaseHealth,
    /// The running version.
    pub version: String,
}

/// The database's part of the health report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DatabaseHealth {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Whether a trivial query succeeded.
    pub ok: bool,
    /// How long the query took, in milliseconds.
    pub latency_ms: u64,
}
