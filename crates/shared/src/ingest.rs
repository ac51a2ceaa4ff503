//! Ingestion results and the batch list, for the operator.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::dictionary::Dataset;

/// What storing a batch did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IngestOutcome {
    /// The stored batch's id.
    pub batch_id: String,
    /// The dataset.
    pub dataset: Dataset,
    /// Rows stored.
    pub rows: u64,
    /// Rows that replaced an existing row with the same natural key.
    pub replaced: u64,
    /// True when this key was already stored with the same content: nothing changed.
    pub replayed: bool,
}

/// A stored batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IngestBatch {
    /// The batch's id.
    pub batch_id: String,
    /// The publisher's slug.
    pub publisher: String,
    /// The dataset.
    pub dataset: String,
    /// The idempotency key it was sent under.
    pub batch_key: String,
    /// Where it came from: `api`, `cli` or `demo`.
    pub source: String,
    /// Rows stored.
    pub rows: u64,
    /// Rows that replaced existing ones.
    pub replaced: u64,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// How long storing it took, in milliseconds.
    pub duration_ms: u64,
}
