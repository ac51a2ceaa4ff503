//! `/api/v1/support-requests` and `/api/v1/feedback`: thin handlers over the functions of
//! [`crate::support`]. The publisher's people need the Support permission; the operator
//! uses the same paths with the operator token.

use std::future::Future;
use std::pin::Pin;

use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, get, patch, post, web};
use sha2::{Digest, Sha256};
use shared::auth::Permission;
use shared::support::{
    Feedback, NewFeedback, NewSupportRequest, SupportRequest, SupportRequestSummary, SupportStatus,
    SupportStatusChange, parse_request_number,
};
use shared::{ErrorCode, Problem};
use uuid::Uuid;

use super::files::{attachment_path, read_form};
use super::{Author, Requester};
use crate::auth::Caller;
use crate::auth::caller::bearer;
use crate::error::ApiError;
use crate::ingest::handlers::Operator;
use crate::query::QueryParams;
use crate::state::AppState;

/// Who calls a support endpoint: a publisher's caller, or the instance's operator.
pub enum SupportActor {
    /// Someone of a publisher (a person or an API client).
    Publisher(Caller),
    /// The operator (the operator token).
    Operator,
}

impl FromRequest for SupportActor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_operator = match (req.app_data::<web::Data<AppState>>(), bearer(req)) {
            (Some(state), Ok(token)) => {
                let given: [u8; 32] = Sha256::digest(token.as_bytes()).into();
                given == state.operator_token_sha256
            }
            _ => false,
        };
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            if is_operator {
                Ok(SupportActor::Operator)
            } else {
                Ok(SupportActor::Publisher(caller.await?))
            }
        })
    }
}

impl SupportActor {
    /// The publisher scope: the caller's own (after checking the Support permission and
    /// that a person is calling), or `None` for the operator.
    fn scope(&self) -> Result<Option<i64>, ApiError> {
        match self {
            SupportActor::Operator => Ok(None),
            SupportActor::Publisher(caller) => {
                caller.require(Permission::Support)?;
                caller.require_person()?;
                Ok(Some(caller.publisher_id))
            }
        }
    }
}

/// The person behind a caller, as a request's author.
async fn requester(state: &AppState, caller: &Caller) -> Result<Requester, ApiError> {
    use sea_orm::EntityTrait;
    let user =
        crate::db::entities::users::Entity::find_by_id((caller.publisher_id, caller.user_id))
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::unauthenticated("The account no longer exists."))?;
    let name = format!("{} {}", user.first_name, user.last_name)
        .trim()
        .to_owned();
    Ok(Requester {
        publisher_id: caller.publisher_id,
        user_id: caller.user_id,
        name: if name.is_empty() {
            user.email.clone()
        } else {
            name
        },
        email: user.email,
    })
}

/// The multipart form that files a request (for the API reference; the handler reads
/// the parts as they stream).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SupportRequestForm {
    /// The request as JSON.
    #[schema(value_type = NewSupportRequest)]
    request: String,
    /// Up to five files (10 MB each by default): PNG, JPEG, GIF, WebP, PDF, text, CSV or
    /// Excel, recognised by content.
    #[schema(value_type = Option<Vec<String>>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// The multipart form of a reply (for the API reference).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct SupportMessageForm {
    /// The message's text.
    body: String,
    /// The operator only: the request's new status (new, inProgress, waitingForYou,
    /// resolved, closed).
    status: Option<String>,
    /// Up to five files, as when filing.
    #[schema(value_type = Option<Vec<String>>, format = Binary)]
    files: Vec<Vec<u8>>,
}

fn number_of(text: &str) -> Result<i64, ApiError> {
    parse_request_number(text).ok_or_else(|| {
        ApiError::not_found(format!("There is no support request '{text}' of yours."))
    })
}

/// File a support request.
///
/// A `multipart/form-data` body: a `request` part holding the JSON of
/// `NewSupportRequest`, and up to five `files` parts (10 MB each by default; both
/// configurable) that are images (PNG, JPEG, GIF, WebP), PDF, text, CSV or Excel. Files
/// are recognised by their content; one that is something else, or whose name
/// contradicts its content, refuses the whole request (415), as does a file too large
/// or one file too many (413) or an empty one (422): nothing is stored. The answer is
/// the request with its number; the requester and the operator's support address are
/// mailed. Needs the Support permission.
#[utoipa::path(
    tag = "support",
    operation_id = "create_support_request",
    request_body(content = inline(SupportRequestForm), description = "`request` (JSON, NewSupportRequest) and `files` parts", content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Filed", body = SupportRequest),
        (status = 400, description = "Not a multipart form, or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Support permission", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file too large, or too many files; nothing stored", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A file of a type not accepted; nothing stored", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field not valid, or an empty file; nothing stored", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Support"))),
)]
#[post("/support-requests")]
pub async fn create_support_request(
    state: web::Data<AppState>,
    caller: Caller,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Support)?;
    caller.require_person()?;
    let who = requester(&state, &caller).await?;
    let form = read_form(&state.config, multipart, &["request"]).await?;
    let json = form.field("request").ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidBody,
            "The form needs a 'request' part (JSON).",
        )
    })?;
    let new: NewSupportRequest = serde_json::from_str(json).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidBody,
            format!("The 'request' part is not a valid support request: {e}."),
        )
    })?;
    let created = super::create_request(&state, &who, &new, form.files).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/support-requests/{}", created.number),
        ))
        .json(created))
}

/// The support requests, newest first ("My requests"): the publisher's, or with the
/// operator token every publisher's. `status` keeps one status; `limit` (1 to 1000,
/// default 200). Needs the Support permission.
#[utoipa::path(
    tag = "support",
    operation_id = "list_support_requests",
    params(
        ("status" = Option<shared::support::SupportStatus>, Query, description = "Only requests of this status"),
        ("limit" = Option<u64>, Query, description = "At most this many (1 to 1000, default 200)", minimum = 1, maximum = 1000),
    ),
    responses(
        (status = 200, description = "The requests", body = Vec<SupportRequestSummary>),
        (status = 400, description = "Unknown parameter or value", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Support permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("operator" = [])),
    extensions(("x-access" = json!("permission:Support"))),
)]
#[get("/support-requests")]
pub async fn list_support_requests(
    state: web::Data<AppState>,
    actor: SupportActor,
    req: HttpRequest,
) -> Result<web::Json<Vec<SupportRequestSummary>>, ApiError> {
    let scope = actor.scope()?;
    let params = QueryParams::parse(req.query_string(), &["status", "limit"])?;
    let status = match params.get("status") {
        None => None,
        Some(s) => Some(SupportStatus::from_name(s).ok_or_else(|| {
            ApiError::invalid_parameter(
                "status",
                format!("'{s}' is not one of new, inProgress, waitingForYou, resolved, closed"),
            )
        })?),
    };
    let limit = params.number_from_1("limit", 200, 1000)?;
    Ok(web::Json(
        super::list_requests(&state.db, scope, status, limit).await?,
    ))
}

/// One support request with its contact details and whole conversation. Another
/// publisher's number is a 404. Needs the Support permission (or the operator token).
#[utoipa::path(
    tag = "support",
    operation_id = "get_support_request",
    params(("requestNumber" = String, Path, description = "The request number", example = "SR-000001")),
    responses(
        (status = 200, description = "The request", body = SupportRequest),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Support permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("operator" = [])),
    extensions(("x-access" = json!("permission:Support"))),
)]
#[get("/support-requests/{requestNumber}")]
pub async fn get_support_request(
    state: web::Data<AppState>,
    actor: SupportActor,
    path: web::Path<String>,
) -> Result<web::Json<SupportRequest>, ApiError> {
    let scope = actor.scope()?;
    let number = number_of(&path)?;
    Ok(web::Json(
        super::get_request(&state.db, scope, number).await?,
    ))
}

/// Reply to a support request, with files.
///
/// A `multipart/form-data` body: `body` (the text) and up to five `files` parts, checked
/// as when filing. With the operator token the reply is support's, and an optional
/// `status` part sets the status; the requester is mailed. A requester's reply to a
/// request that is waiting or resolved puts it back in progress, and the operator's
/// support address is mailed. A closed request takes no replies (409). Needs the
/// Support permission.
#[utoipa::path(
    tag = "support",
    operation_id = "create_support_message",
    params(("requestNumber" = String, Path, description = "The request number", example = "SR-000001")),
    request_body(content = inline(SupportMessageForm), description = "`body` (text), optionally `status` (operator only) and `files` parts", content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Added; the request as it now stands", body = SupportRequest),
        (status = 400, description = "Not a multipart form, or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Support permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is closed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file too large, or too many files; nothing stored", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A file of a type not accepted; nothing stored", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty body or file; nothing stored", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("operator" = [])),
    extensions(("x-access" = json!("permission:Support"))),
)]
#[post("/support-requests/{requestNumber}/messages")]
pub async fn create_support_message(
    state: web::Data<AppState>,
    actor: SupportActor,
    path: web::Path<String>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let scope = actor.scope()?;
    let number = number_of(&path)?;
    // Found (or 404) before the body is read, so another publisher's number learns nothing.
    super::get_request(&state.db, scope, number).await?;
    let author = match &actor {
        SupportActor::Operator => Author::Support,
        SupportActor::Publisher(caller) => Author::Requester(requester(&state, caller).await?),
    };
    let text_fields: &[&str] = match author {
        Author::Support => &["body", "status"],
        Author::Requester(_) => &["body"],
    };
    let form = read_form(&state.config, multipart, text_fields).await?;
    let status = match form.field("status").filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => Some(SupportStatus::from_name(s).ok_or_else(|| {
            super::invalid(
                "status",
                "is not one of new, inProgress, waitingForYou, resolved, closed",
            )
        })?),
    };
    let body = form.field("body").unwrap_or_default().to_owned();
    let updated =
        super::add_message(&state, scope, number, &author, &body, status, form.files).await?;
    Ok(HttpResponse::Created().json(updated))
}

/// Change a request's status (the operator); the requester is mailed.
#[utoipa::path(
    tag = "support",
    operation_id = "update_support_request",
    params(("requestNumber" = String, Path, description = "The request number", example = "SR-000001")),
    request_body = SupportStatusChange,
    responses(
        (status = 200, description = "The request as it now stands", body = SupportRequest),
        (status = 400, description = "Not a status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or wrong operator token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A publisher's token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("operator" = [])),
    extensions(("x-access" = json!("operator"))),
)]
#[patch("/support-requests/{requestNumber}")]
pub async fn update_support_request(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<SupportStatusChange>,
) -> Result<web::Json<SupportRequest>, ApiError> {
    let number = number_of(&path)?;
    Ok(web::Json(
        super::set_status(&state, number, body.status).await?,
    ))
}

/// Download an attachment of a request, as `Content-Disposition: attachment` with the
/// media type its content was recognised as and `X-Content-Type-Options: nosniff`.
/// Only the request's publisher (Support permission) and the operator may.
#[utoipa::path(
    tag = "support",
    operation_id = "get_support_attachment",
    params(
        ("requestNumber" = String, Path, description = "The request number", example = "SR-000001"),
        ("attachmentId" = String, Path, description = "The attachment's id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Support permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request or attachment of yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("operator" = [])),
    extensions(("x-access" = json!("permission:Support"))),
)]
#[get("/support-requests/{requestNumber}/attachments/{attachmentId}")]
pub async fn get_support_attachment(
    state: web::Data<AppState>,
    actor: SupportActor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let scope = actor.scope()?;
    let (number, attachment) = path.into_inner();
    let number = number_of(&number)?;
    let attachment_id = Uuid::parse_str(&attachment)
        .map_err(|_| ApiError::not_found("There is no such attachment on this request."))?;
    let row = super::find_attachment(&state.db, scope, number, attachment_id).await?;
    let file = attachment_path(&state.config.data_dir, row.publisher_id, row.attachment_id);
    let bytes = tokio::fs::read(&file).await.map_err(|e| {
        ApiError::internal(format!("attachment {} unreadable: {e}", file.display()))
    })?;
    // The name as plain ASCII for the header; the original stays in the JSON.
    let ascii: String = row
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, row.media_type.clone()))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(ascii)],
        })
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("x-checksum-sha256", row.sha256.clone()))
        .body(bytes))
}

/// Give feedback (the smiley): happy or unhappy, a comment, and optionally the page's
/// address with its view state. Any signed-in person may.
#[utoipa::path(
    tag = "support",
    operation_id = "create_feedback",
    request_body = NewFeedback,
    responses(
        (status = 201, description = "Recorded", body = Feedback),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API client's token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("signed-in"))),
)]
#[post("/feedback")]
pub async fn create_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewFeedback>,
) -> Result<HttpResponse, ApiError> {
    caller.require_person()?;
    let who = requester(&state, &caller).await?;
    let created = super::create_feedback(&state.db, &who, &body).await?;
    Ok(HttpResponse::Created().json(created))
}

/// The feedback of every publisher, newest first (`limit`, 1 to 1000, default 100).
/// Operator only.
#[utoipa::path(
    tag = "support",
    operation_id = "list_feedback",
    params(("limit" = Option<u64>, Query, description = "At most this many (1 to 1000, default 100)", minimum = 1, maximum = 1000)),
    responses(
        (status = 200, description = "The feedback", body = Vec<Feedback>),
        (status = 400, description = "Unknown or malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or wrong operator token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A publisher's token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("operator" = [])),
    extensions(("x-access" = json!("operator"))),
)]
#[get("/feedback")]
pub async fn list_feedback(
    state: web::Data<AppState>,
    _operator: Operator,
    req: HttpRequest,
) -> Result<web::Json<Vec<Feedback>>, ApiError> {
    let params = QueryParams::parse(req.query_string(), &["limit"])?;
    let limit = params.number_from_1("limit", 100, 1000)?;
    Ok(web::Json(super::list_feedback(&state.db, limit).await?))
}
