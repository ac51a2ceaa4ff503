//! The one error body of the API: an RFC 9457 problem document with a stable code.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code. The browser app and integrations match on
/// this, never on the human-readable text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A query parameter the endpoint does not know.
    UnknownParameter,
    /// A parameter with a malformed or unknown value.
    InvalidParameter,
    /// A request body that is not the JSON the endpoint expects.
    InvalidBody,
    /// No access token, or one that is not valid.
    Unauthenticated,
    /// The email and password do not match an account.
    InvalidCredentials,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// Nothing here, or nothing that belongs to the caller.
    NotFound,
    /// The path exists but not with this method; `Allow` lists the methods it takes.
    MethodNotAllowed,
    /// The request conflicts with the current state.
    Conflict,
    /// The request body is too large.
    PayloadTooLarge,
    /// The request body's media type is not accepted here.
    UnsupportedMediaType,
    /// Well-formed, but invalid.
    Unprocessable,
    /// Too many requests; retry after the time in `Retry-After`.
    RateLimited,
    /// Something failed on the server; the request id identifies it in the logs.
    Internal,
    /// A dependency (such as the database) is unavailable.
    Unavailable,
}

impl ErrorCode {
    /// The HTTP status the code is sent with.
    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::UnknownParameter | ErrorCode::InvalidParameter | ErrorCode::InvalidBody => {
                400
            }
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::Unprocessable => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }

    /// A short, human-readable summary of the problem type.
    pub const fn title(self) -> &'static str {
        match self {
            ErrorCode::UnknownParameter => "Unknown parameter",
            ErrorCode::InvalidParameter => "Invalid parameter",
            ErrorCode::InvalidBody => "Invalid request body",
            ErrorCode::Unauthenticated => "Not signed in",
            ErrorCode::InvalidCredentials => "Invalid email or password",
            ErrorCode::Forbidden => "Not allowed",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::Conflict => "Conflict",
            ErrorCode::PayloadTooLarge => "Request too large",
            ErrorCode::UnsupportedMediaType => "Unsupported media type",
            ErrorCode::Unprocessable => "Invalid request",
            ErrorCode::RateLimited => "Too many requests",
            ErrorCode::Internal => "Internal error",
            ErrorCode::Unavailable => "Service unavailable",
        }
    }

    /// The code as written in the problem's `code` and `type`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnknownParameter => "unknown_parameter",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::Unprocessable => "unprocessable",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
        }
    }
}

/// One invalid field or parameter, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The parameter or field, by the name the caller used (for a refused file: the
    /// column, or `(file)`).
    pub field: String,
    /// For a refused file: the line (1 is a CSV file's header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Why it was refused.
    pub reason: String,
}

/// An RFC 9457 problem document (`application/problem+json`), the body of every error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "/problems/unknown_parameter",
    "title": "Unknown parameter",
    "status": 400,
    "detail": "Unknown query parameter 'markets'; this endpoint accepts: start.",
    "code": "unknown_parameter",
    "errors": [{"field": "markets", "reason": "unknown parameter"}]
})))]
pub struct Problem {
    /// A URI reference naming the problem type (`/problems/{code}`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, in a sentence.
    pub detail: String,
    /// The stable machine-readable code.
    pub code: ErrorCode,
    /// For validation problems, each invalid field or parameter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request's id, also in the `X-Request-Id` header; quote it when reporting a 5xx.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    /// A problem of `code` with a detail sentence.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            detail: detail.into(),
            code,
            errors: Vec::new(),
            request_id: None,
        }
    }

    /// The same problem, listing the fields at fault.
    #[must_use]
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.title, self.status, self.detail)
    }
}

impl std::error::Error for Problem {}
