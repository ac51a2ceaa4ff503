//! Reports, one folder per area; each reads the rollups, scoped to the caller's publisher.

pub mod activity;
pub mod cache;
pub mod customers;
pub mod filters;
pub mod grid;
pub mod keys;
pub mod licenses;
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
    let bytes = serde_json::to_vec(body)
        .map_err(|e| ApiError::internal(format!("serialising a report: {e}")))?;
    let etag = etag_of(&bytes);
    Ok(respond_bytes(req, &bytes, &etag))
}

/// The strong ETag of a body: a quoted digest.
pub fn etag_of(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("\"{}\"", hex::encode(&Sha256::digest(body)[..16]))
}

/// A JSON body with its ETag, or 304 when `If-None-Match` names the ETag.
pub fn respond_bytes(
    req: &actix_web::HttpRequest,
    body: &[u8],
    etag: &str,
) -> actix_web::HttpResponse {
    use actix_web::http::header;
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
        .insert_header((header::ETAG, etag.to_owned()))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "Authorization"));
    if matches {
        return response.finish();
    }
    response
        .content_type("application/json")
        .body(body.to_vec())
}
