//! A per-process cache of aggregate report answers.
//!
//! A report is a function of the publisher's data, the query and what the caller may see.
//! Data changes only through the store path, which bumps the publisher's `data_freshness`
//! rows in the same transaction; so the key holds a stamp of those rows, read on every
//! request, and a new batch makes every older entry unreachable at once, in every process
//! of an instance. Detail grids are not cached: their pages are many and cheap.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::reports::{etag_of, respond_bytes};

/// One cached answer: its JSON body and ETag.
#[derive(Clone)]
pub struct CachedAnswer {
    body: Arc<[u8]>,
    etag: Arc<str>,
}

#[derive(Clone)]
struct BodyWeight;

impl Weighter<String, CachedAnswer> for BodyWeight {
    fn weight(&self, key: &String, value: &CachedAnswer) -> u64 {
        (key.len() + value.body.len() + value.etag.len() + 64) as u64
    }
}

/// The cache: answers up to a total size in bytes.
#[derive(Clone)]
pub struct ReportCache {
    inner: Arc<Cache<String, CachedAnswer, BodyWeight>>,
}

impl std::fmt::Debug for ReportCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReportCache({} answers)", self.inner.len())
    }
}

impl ReportCache {
    /// A cache holding at most `bytes` of answers (0 turns caching off).
    pub fn new(bytes: u64) -> Self {
        let items = Ord::max(bytes / 8192, 16) as usize;
        ReportCache {
            inner: Arc::new(Cache::with_weighter(items, Ord::max(bytes, 1), BodyWeight)),
        }
    }

    /// Answers `req` from the cache when the publisher's data has not changed since the
    /// cached answer was made; otherwise computes it, keeps it and answers.
    pub async fn answer<C, T, F, Fut>(
        &self,
        db: &C,
        caller: &Caller,
        req: &HttpRequest,
        compute: F,
    ) -> Result<HttpResponse, ApiError>
    where
        C: ConnectionTrait,
        T: Serialize,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let key = key(db, caller, req).await?;
        // One computation per key at a time: the other requests for it wait for its
        // answer instead of each computing the same report (32 clients asking for a
        // new period's Summary at once used to compute it 32 times over).
        let guard = match self.inner.get_value_or_guard_async(&key).await {
            Ok(hit) => return Ok(respond_bytes(req, &hit.body, &hit.etag)),
            Err(guard) => guard,
        };
        let value = compute().await?;
        let body = serde_json::to_vec(&value)
            .map_err(|e| ApiError::internal(format!("serialising a report: {e}")))?;
        let etag = etag_of(&body);
        let answer = CachedAnswer {
            body: body.into(),
            etag: etag.into(),
        };
        // A failed computation drops the guard unfilled, and the next waiter computes.
        let _ = guard.insert(answer.clone());
        Ok(respond_bytes(req, &answer.body, &answer.etag))
    }
}

/// The cache key: publisher, what the caller may see, the freshness of every dataset of
/// the publisher, and the request's path and query.
async fn key<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    req: &HttpRequest,
) -> Result<String, ApiError> {
    let mut q = Query::select();
    q.from(Alias::new("data_freshness"))
        .column(Alias::new("dataset"))
        .column(Alias::new("data_as_of"))
        .and_where(Expr::col(Alias::new("publisher_id")).eq(caller.publisher_id))
        .order_by(Alias::new("dataset"), Order::Asc);
    let mut stamp = Sha256::new();
    for r in db.query_all(&q).await? {
        let dataset: String = r.try_get_by_index(0)?;
        let at: chrono::DateTime<chrono::Utc> = r.try_get_by_index(1)?;
        stamp.update(dataset.as_bytes());
        stamp.update(at.timestamp_nanos_opt().unwrap_or_default().to_be_bytes());
    }
    let mut permissions: Vec<&str> = caller.permissions.iter().map(|p| p.name()).collect();
    permissions.sort_unstable();
    Ok(format!(
        "{}|{}|{}|{}?{}",
        caller.publisher_id,
        permissions.join(","),
        hex::encode(&stamp.finalize()[..12]),
        req.path(),
        req.query_string()
    ))
}
