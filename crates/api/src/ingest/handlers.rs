//! `POST /api/v1/ingest/{dataset}` and `GET /api/v1/ingest/batches`: the operator's door.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, get, post, web};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use shared::dictionary::Dataset;
use shared::ingest::{IngestBatch, IngestOutcome};
use shared::{ErrorCode, FieldError, Problem};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::{Format, IngestError, ingest_reader};
use crate::auth::caller::bearer;
use crate::db::entities::publishers;
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::state::AppState;
use crate::store::StoreError;
use crate::users::find_publisher;

/// How much of a body is gathered before it is written to the spool file.
const SPOOL_BUFFER: usize = 1 << 20;

/// The instance's operator, proven by the operator token. A publisher's access token is
/// never enough.
pub struct Operator;

impl FromRequest for Operator {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req).map_err(|_| {
            ApiError::unauthenticated(
                "Send the operator token: 'Authorization: Bearer <operator token>'.",
            )
        });
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token?;
            let given: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            if given == state.operator_token_sha256 {
                return Ok(Operator);
            }
            if state.tokens.verify(&token).is_ok() {
                return Err(ApiError::forbidden(
                    "Only the instance's operator may ingest data; a publisher's token cannot.",
                ));
            }
            Err(ApiError::unauthenticated(
                "The operator token is not valid.",
            ))
        })
    }
}

/// The publisher a `publisher` parameter names (slug or id); 404 when there is none.
async fn publisher_named(
    state: &AppState,
    slug_or_id: &str,
) -> Result<publishers::Model, ApiError> {
    find_publisher(&state.db, slug_or_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no publisher '{slug_or_id}'.")))
}

fn dataset_of(slug: &str) -> Result<Dataset, ApiError> {
    Dataset::from_name(slug).ok_or_else(|| {
        ApiError::invalid_parameter(
            "dataset",
            format!(
                "'{slug}' is not a dataset; use one of: orders, usage, customers, licenses, payouts"
            ),
        )
    })
}

/// Ingest a batch of one dataset for one publisher.
///
/// The body is a CSV file (`text/csv`) whose header names dictionary columns in any
/// order, JSON lines (`application/x-ndjson`) keyed by the same names, or an Excel
/// workbook (`.xlsx`; its first sheet or `sheet`, refused if it holds formulas or
/// decompresses too far). Every row is
/// validated; a batch with any bad row is refused whole (422, listing the first 1,000
/// problems with line, column and reason). Rows may name only the publisher's own
/// customers, offers and plans, stored or brought by the batch: send customers first,
/// then orders and usage (which bring offers and plans), then licenses and payouts.
/// An accepted batch is committed in one
/// transaction with its rollups and is visible to every report at once. Re-sending a
/// key with the same content changes nothing (200, `replayed`); with other content it
/// is a conflict (409). Needs the operator token.
#[utoipa::path(
    tag = "ingestion",
    operation_id = "create_ingest_batch",
    params(
        ("dataset" = String, Path, description = "orders, usage, customers, licenses or payouts", example = "usage"),
        ("publisher" = String, Query, description = "The publisher's slug or id", example = "contoso"),
        ("key" = String, Query, description = "The batch's idempotency key, unique per publisher and dataset", example = "usage-2026-11-20"),
        ("sheet" = Option<String>, Query, description = "For an Excel workbook: the sheet to read (default: the first)"),
    ),
    request_body(content = String, description = "The batch", content_type = "text/csv"),
    responses(
        (status = 201, description = "Stored", body = IngestOutcome),
        (status = 200, description = "Already stored with this content; nothing changed", body = IngestOutcome),
        (status = 400, description = "Unknown dataset or parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or wrong operator token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A publisher's token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such publisher", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key was used for other content", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the instance accepts", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV nor JSON lines", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows; nothing was stored", body = Problem, content_type = "application/problem+json"),
    ),
    security(("operator" = [])),
)]
#[post("/ingest/{dataset}")]
pub async fn create_ingest_batch(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    req: HttpRequest,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let dataset = dataset_of(&path.into_inner())?;
    let params = QueryParams::parse(req.query_string(), &["publisher", "key", "sheet"])?;
    let publisher = params.get("publisher").ok_or_else(|| {
        ApiError::invalid_parameter("publisher", "is required (the publisher's slug or id)")
    })?;
    let key = params.get("key").ok_or_else(|| {
        ApiError::invalid_parameter("key", "is required (the batch's idempotency key)")
    })?;
    if key.len() > 200 {
        return Err(ApiError::invalid_parameter(
            "key",
            "is longer than 200 characters",
        ));
    }
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let format = match Format::from_media_type(media_type) {
        Some(Format::Excel(_)) => Format::Excel(params.get("sheet").map(str::to_owned)),
        Some(other) => other,
        None => {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                format!(
                    "Send text/csv, application/x-ndjson or an Excel workbook ({}), not '{media_type}'.",
                    super::XLSX_MEDIA_TYPE
                ),
            ));
        }
    };
    let publisher = publisher_named(&state, publisher).await?;

    let limit = state.config.ingest_max_bytes;
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("The batch is larger than this instance accepts ({limit} bytes); split it."),
        )
    };
    if let Some(length) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && length > limit
    {
        return Err(too_large());
    }
    // The body goes to an anonymous temporary file in the data folder (gone with the
    // process), hashed on the way: memory stays bounded whatever its size, and the
    // batch's write transaction starts only once the whole body is here.
    let spool = tempfile::tempfile_in(&state.config.data_dir)
        .map_err(|e| ApiError::internal(format!("no spool file: {e}")))?;
    let mut file = tokio::fs::File::from_std(spool);
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut pending: Vec<u8> = Vec::with_capacity(SPOOL_BUFFER);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidBody,
                format!("The body could not be read: {e}."),
            )
        })?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large());
        }
        hasher.update(&chunk);
        pending.extend_from_slice(&chunk);
        if pending.len() >= SPOOL_BUFFER {
            file.write_all(&pending)
                .await
                .map_err(|e| ApiError::internal(format!("spooling the body: {e}")))?;
            pending.clear();
        }
    }
    file.write_all(&pending)
        .await
        .map_err(|e| ApiError::internal(format!("spooling the body: {e}")))?;
    drop(pending);
    file.seek(std::io::SeekFrom::Start(0))
        .await
        .map_err(|e| ApiError::internal(format!("spooling the body: {e}")))?;
    let file = file.into_std().await;

    match ingest_reader(
        &state.db,
        publisher.publisher_id,
        dataset,
        format,
        key,
        Some(hex::encode(hasher.finalize())),
        file,
        "api",
    )
    .await
    {
        Ok(outcome) => {
            let body = IngestOutcome {
                batch_id: outcome.batch_id.to_string(),
                dataset,
                rows: outcome.rows,
                replaced: outcome.replaced,
                replayed: outcome.replayed,
            };
            Ok(if outcome.replayed {
                HttpResponse::Ok().json(body)
            } else {
                HttpResponse::Created().json(body)
            })
        }
        Err(IngestError::Rejected(rejection)) => {
            let listed = rejection.errors.len();
            let detail = if rejection.total as usize > listed {
                format!(
                    "The batch was refused and nothing was stored: {} problems, the first {listed} listed.",
                    rejection.total
                )
            } else {
                format!(
                    "The batch was refused and nothing was stored: {} problem(s).",
                    rejection.total
                )
            };
            let errors = rejection
                .errors
                .into_iter()
                .map(|e| FieldError {
                    field: e.column.unwrap_or_else(|| "(file)".to_owned()),
                    line: (e.line > 0).then_some(e.line),
                    reason: e.reason,
                })
                .collect();
            Err(ApiError::Client(Box::new(
                Problem::new(ErrorCode::Unprocessable, detail).with_errors(errors),
            )))
        }
        Err(IngestError::Store(StoreError::KeyConflict(key))) => Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "The key '{key}' was already used for other content; send new content under a new key."
            ),
        )),
        Err(IngestError::Store(e)) => Err(ApiError::internal(e)),
    }
}

/// The stored batches, newest first, optionally of one publisher. Needs the operator token.
#[utoipa::path(
    tag = "ingestion",
    operation_id = "list_ingest_batches",
    params(
        ("publisher" = Option<String>, Query, description = "Only this publisher's (slug or id)"),
        ("limit" = Option<u64>, Query, description = "At most this many (1 to 1000, default 100)", minimum = 1, maximum = 1000),
    ),
    responses(
        (status = 200, description = "The batches", body = Vec<IngestBatch>),
        (status = 400, description = "Unknown parameter or bad limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or wrong operator token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A publisher's token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such publisher", body = Problem, content_type = "application/problem+json"),
    ),
    security(("operator" = [])),
)]
#[get("/ingest/batches")]
pub async fn list_ingest_batches(
    state: web::Data<AppState>,
    _operator: Operator,
    req: HttpRequest,
) -> Result<web::Json<Vec<IngestBatch>>, ApiError> {
    let params = QueryParams::parse(req.query_string(), &["publisher", "limit"])?;
    let limit = params.number_from_1("limit", 100, 1000)?;
    let publisher_id = match params.get("publisher") {
        Some(p) => Some(publisher_named(&state, p).await?.publisher_id),
        None => None,
    };
    Ok(web::Json(
        super::list_batches(&state.db, publisher_id, limit).await?,
    ))
}
