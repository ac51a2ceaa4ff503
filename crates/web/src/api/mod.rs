//! The one typed HTTP client of the browser app.
//!
//! Every request to the server goes through [`Client`]; components call its methods
//! with `shared` types and never build URLs. Every failure, whether a non-2xx answer, a
//! network error or an unreadable body, comes back as a [`Problem`], so pages have one
//! error type to show.

mod licenses;

use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use shared::auth::{CurrentUser, Session, SignInRequest};
use shared::reports::summary::SummaryReport;
use shared::{ErrorCode, Month, Problem};

pub use licenses::{LicenseWidget, WidgetFile};

/// Where the versioned API lives; the app is served from the same origin.
const API_BASE: &str = "/api/v1";

/// A client for the portal API, with or without an access token.
#[derive(Clone, Default)]
pub struct Client {
    token: Option<String>,
    /// Called when the server refuses the token, so that an expired session ends in
    /// one place rather than in every page.
    on_unauthorized: Option<Rc<dyn Fn()>>,
}

impl Client {
    /// A client that sends no credentials (for signing in).
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// A client that sends `token` as a bearer token and calls `on_unauthorized` when
    /// the server answers 401.
    pub fn with_token(token: String, on_unauthorized: impl Fn() + 'static) -> Self {
        Self {
            token: Some(token),
            on_unauthorized: Some(Rc::new(on_unauthorized)),
        }
    }

    /// Signs in with email and password (`POST /auth/sign-in`).
    pub async fn sign_in(&self, credentials: &SignInRequest) -> Result<Session, Problem> {
        let request = self
            .authorized(Request::post(&url("/auth/sign-in")))
            .json(credentials)
            .map_err(|e| client_problem(format!("Could not encode the sign-in request: {e}")))?;
        let response = self.send(request).await?;
        read_json(response).await
    }

    /// Ends the session on the server (`POST /auth/sign-out`).
    pub async fn sign_out(&self) -> Result<(), Problem> {
        let request = build(self.authorized(Request::post(&url("/auth/sign-out"))))?;
        self.send(request).await.map(drop)
    }

    /// The signed-in user as the server knows them now (`GET /me`).
    pub async fn me(&self) -> Result<CurrentUser, Problem> {
        let request = build(self.authorized(Request::get(&url("/me"))))?;
        read_json(self.send(request).await?).await
    }

    /// The Summary report for three months from `start`, or for the server's default
    /// period when `start` is `None` (`GET /reports/summary`).
    pub async fn summary(&self, start: Option<Month>) -> Result<SummaryReport, Problem> {
        let mut builder = self.authorized(Request::get(&url("/reports/summary")));
        if let Some(start) = start {
            builder = builder.query([("start", start.to_string())]);
        }
        read_json(self.send(build(builder)?).await?).await
    }

    fn authorized(&self, builder: RequestBuilder) -> RequestBuilder {
        let builder = builder.header("Accept", "application/json, application/problem+json");
        match &self.token {
            Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
            None => builder,
        }
    }

    async fn send(&self, request: Request) -> Result<Response, Problem> {
        let response = request.send().await.map_err(|e| {
            Problem::new(
                ErrorCode::Unavailable,
                format!("The portal server could not be reached ({e}). Check your connection and try again."),
            )
        })?;
        if response.ok() {
            return Ok(response);
        }
        if response.status() == 401
            && let Some(on_unauthorized) = &self.on_unauthorized
        {
            on_unauthorized();
        }
        Err(problem_of(response).await)
    }
}

fn url(path: &str) -> String {
    format!("{API_BASE}{path}")
}

fn build(builder: RequestBuilder) -> Result<Request, Problem> {
    builder
        .build()
        .map_err(|e| client_problem(format!("Could not prepare the request: {e}")))
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, Problem> {
    response.json().await.map_err(|e| {
        Problem::new(
            ErrorCode::Internal,
            format!("The server's answer could not be read ({e})."),
        )
    })
}

/// The problem document of a failed response. A proxy or a crashed server may answer
/// with something else, so the status alone still yields a problem.
async fn problem_of(response: Response) -> Problem {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| {
        let mut problem = Problem::new(
            code_for_status(status),
            format!("The server answered {status} {}.", response.status_text()).replace(" .", "."),
        );
        problem.status = status;
        problem
    })
}

fn code_for_status(status: u16) -> ErrorCode {
    match status {
        400 => ErrorCode::InvalidParameter,
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        422 => ErrorCode::Unprocessable,
        429 => ErrorCode::RateLimited,
        502..=504 => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    }
}

/// A problem raised in the browser before anything reached the server.
fn client_problem(detail: String) -> Problem {
    Problem::new(ErrorCode::InvalidBody, detail)
}
