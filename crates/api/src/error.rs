//! The one error type of the API, rendered as an RFC 9457 problem document.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use shared::{ErrorCode, FieldError, Problem};

use crate::telemetry::current_request_id;

/// An error a handler returns. Client errors carry their problem document; internal
/// errors carry what went wrong, which is logged in full and never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A problem the caller can act on (4xx).
    #[error("{0}")]
    Client(Box<Problem>),
    /// A failure of the server or a dependency (5xx); the text is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
    /// Too many attempts (429): the problem and the seconds to send in `Retry-After`.
    #[error("{0}")]
    RateLimited(Box<Problem>, u64),
    /// The database does not answer (503).
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl ApiError {
    /// A client error of `code` with a detail sentence.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError::Client(Box::new(Problem::new(code, detail)))
    }

    /// A parameter with a malformed or unknown value, named in the problem.
    pub fn invalid_parameter(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        ApiError::Client(Box::new(
            Problem::new(
                ErrorCode::InvalidParameter,
                format!("Parameter '{field}': {reason}"),
            )
            .with_errors(vec![FieldError {
                field: field.to_owned(),
                line: None,
                reason,
            }]),
        ))
    }

    /// Not signed in, or a token that is not valid.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, detail)
    }

    /// Signed in but not allowed.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    /// Nothing here, or nothing of the caller's.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, detail)
    }

    /// An internal failure, logged with its cause.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    /// The problem document sent for this error.
    pub fn problem(&self) -> Problem {
        let mut problem = match self {
            ApiError::Client(p) | ApiError::RateLimited(p, _) => (**p).clone(),
            ApiError::Internal(_) => Problem::new(
                ErrorCode::Internal,
                "Something went wrong on our side. It has been logged; quote the request id if you report it.",
            ),
            ApiError::Unavailable(_) => Problem::new(
                ErrorCode::Unavailable,
                "The database is not answering right now; try again shortly.",
            ),
        };
        problem.request_id = current_request_id();
        problem
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        match e {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => {
                ApiError::Unavailable(e.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let problem = self.problem();
        match self {
            ApiError::Internal(cause) | ApiError::Unavailable(cause) => {
                tracing::error!(request_id = ?problem.request_id, %cause, "request failed");
            }
            ApiError::Client(_) | ApiError::RateLimited(..) => {}
        }
        let mut response = problem_response(&problem);
        if let ApiError::RateLimited(_, seconds) = self
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// The HTTP response carrying `problem`.
pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(problem).unwrap_or_else(|_| "{}".to_owned());
    HttpResponse::build(status)
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ))
        .body(body)
}

/// Turns the JSON body extractor's failures into the same problem shape as handlers'.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => ApiError::new(
            ErrorCode::PayloadTooLarge,
            "The request body is larger than this endpoint accepts.",
        ),
        E::ContentType => ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "The request body must be JSON (Content-Type: application/json).",
        ),
        E::Deserialize(e) => ApiError::new(
            ErrorCode::InvalidBody,
            format!("The request body is not valid: {e}."),
        ),
        other => ApiError::new(
            ErrorCode::InvalidBody,
            format!("The request body could not be read: {other}."),
        ),
    };
    api.into()
}

/// Turns path-segment extractor failures into a problem naming the segment.
pub fn path_error(
    err: actix_web::error::PathError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::new(
        ErrorCode::InvalidParameter,
        format!("A path segment is not valid: {err}."),
    )
    .into()
}

/// Turns typed query-string extractor failures into a problem.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::new(
        ErrorCode::InvalidParameter,
        format!("The query string is not valid: {err}."),
    )
    .into()
}
