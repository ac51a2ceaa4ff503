//! Reports, one folder per area; each reads the rollups, scoped to the caller's publisher.

pub mod activity;
pub mod customers;
pub mod filters;
pub mod grid;
pub mod keys;
pub mod params;
pub mod payouts;
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

/// A report's JSON answer with a strong `ETag` (a digest of the body), or `304 Not
/// Modified` when the caller's `If-None-Match` already names it.
pub fn etagged<T: serde::Serialize>(
    req: &actix_web::HttpRequest,
    body: &T,
) -> Result<actix_web::HttpResponse, ApiError> {
    use actix_web::http::header;
    use sha2::{Digest, Sha256};

    let bytes = serde_json::to_vec(body)
        .map_err(|e| ApiError::internal(format!("serialising a report: {e}")))?;
    let digest = Sha256::digest(&bytes);
    let etag = format!("\"{}\"", hex::encode(&digest[..16]));
    let matches = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag);
    let mut response = if matches {
        actix_web::HttpResponse::NotModified()
    } else {
        actix_web::HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "Authorization"));
    if matches {
        return Ok(response.finish());
    }
    Ok(response.content_type("application/json").body(bytes))
}
