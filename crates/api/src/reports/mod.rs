//! Reports, one folder per area; each reads the rollups, scoped to the caller's publisher.

pub mod summary;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use shared::dictionary::Dataset;

use crate::db::entities::data_freshness;
use crate::error::ApiError;

/// When `dataset` last changed for the publisher and its latest fact date.
pub async fn freshness<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    dataset: Dataset,
) -> Result<(Option<DateTime<Utc>>, Option<NaiveDate>), ApiError> {
    let row = data_freshness::Entity::find_by_id((publisher_id, dataset.slug().to_owned()))
        .one(db)
        .await?;
    Ok(row.map_or((None, None), |r| (Some(r.data_as_of), r.latest_date)))
}
