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
        let answer = self
            .get_or_compute(key, || async {
                let value = compute().await?;
                serde_json::to_vec(&value)
                    .map_err(|e| ApiError::internal(format!("serialising a report: {e}")))
            })
            .await?;
        Ok(respond_bytes(req, &answer.body, &answer.etag))
    }

    /// The cached answer under `key`, or the body `compute` makes, kept under it.
    ///
    /// One computation per key at a time: the other requests for it wait for its answer
    /// instead of each computing the same report (32 clients asking for a new period's
    /// Summary at once used to compute it 32 times over). A failed computation leaves
    /// the key empty, and the next waiter computes.
    async fn get_or_compute<F, Fut>(
        &self,
        key: String,
        compute: F,
    ) -> Result<CachedAnswer, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<u8>, ApiError>>,
    {
        let guard = match self.inner.get_value_or_guard_async(&key).await {
            Ok(hit) => return Ok(hit),
            Err(guard) => guard,
        };
        let body = compute().await?;
        let etag = etag_of(&body);
        let answer = CachedAnswer {
            body: body.into(),
            etag: etag.into(),
        };
        let _ = guard.insert(answer.clone());
        Ok(answer)
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// 32 concurrent requests for one new key compute it once and all get its answer.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_requests_for_a_new_key_compute_it_once() {
        let cache = ReportCache::new(1 << 20);
        let computed = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let (cache, computed) = (cache.clone(), computed.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_compute("summary?start=2026-01".to_owned(), || async move {
                        computed.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Ok(b"{\"total\":42}".to_vec())
                    })
                    .await
            }));
        }
        for task in tasks {
            let answer = task.await.expect("task").expect("answer");
            assert_eq!(&*answer.body, b"{\"total\":42}");
            assert_eq!(&*answer.etag, etag_of(b"{\"total\":42}"));
        }
        assert_eq!(
            computed.load(Ordering::SeqCst),
            1,
            "computed more than once"
        );
        // Another key is its own computation.
        cache
            .get_or_compute("summary?start=2026-04".to_owned(), || async {
                computed.fetch_add(1, Ordering::SeqCst);
                Ok(b"{}".to_vec())
            })
            .await
            .expect("answer");
        assert_eq!(computed.load(Ordering::SeqCst), 2);
    }

    /// A failed computation keeps nothing: the waiters behind it compute in its place.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_computation_leaves_the_key_to_the_next_request() {
        let cache = ReportCache::new(1 << 20);
        let computed = Arc::new(AtomicUsize::new(0));
        let failing = {
            let (cache, computed) = (cache.clone(), computed.clone());
            tokio::spawn(async move {
                cache
                    .get_or_compute("k".to_owned(), || async move {
                        computed.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Err(ApiError::internal("the database went away".to_owned()))
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let waiter = {
            let (cache, computed) = (cache.clone(), computed.clone());
            tokio::spawn(async move {
                cache
                    .get_or_compute("k".to_owned(), || async move {
                        computed.fetch_add(1, Ordering::SeqCst);
                        Ok(b"[1]".to_vec())
                    })
                    .await
            })
        };
        assert!(failing.await.expect("task").is_err());
        let answer = waiter.await.expect("task").expect("the waiter computes");
        assert_eq!(&*answer.body, b"[1]");
        assert_eq!(computed.load(Ordering::SeqCst), 2);
        // And the answer is kept now.
        let again = cache
            .get_or_compute("k".to_owned(), || async { Ok(b"[2]".to_vec()) })
            .await
            .expect("answer");
        assert_eq!(&*again.body, b"[1]");
    }
}
