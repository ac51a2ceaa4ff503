//! The one typed HTTP client of the browser app.
//!
//! Every request to the server goes through [`Client`]; components call its methods
//! with `shared` types and never build URLs. Every failure, whether a non-2xx answer, a
//! network error or an unreadable body, comes back as a [`Problem`], so pages have one
//! error type to show.

mod reports;

use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use shared::auth::{CurrentUser, Session, SignInRequest};
use shared::reports::summary::SummaryReport;
use shared::{ErrorCode, Month, Problem};

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

    /// A GET of `path` with these query pairs, read as JSON.
    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        pairs: &[(String, String)],
    ) -> Result<T, Problem> {
        let builder = self
            .authorized(Request::get(&url(path)))
            .query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        read_json(self.send(build(builder)?).await?).await
    }

    /// A GET of `path` with these query pairs whose body is a file: the browser saves
    /// it under the server's file name. A plain link cannot carry the bearer token, so
    /// the file is fetched here and handed to the browser through an object URL.
    async fn get_file(
        &self,
        path: &str,
        pairs: &[(String, String)],
        fallback_name: &str,
    ) -> Result<(), Problem> {
        let builder = self
            .authorized(Request::get(&url(path)))
            .query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let response = self.send(build(builder)?).await?;
        let name = response
            .headers()
            .get("content-disposition")
            .and_then(|v| file_name_of(&v))
            .unwrap_or_else(|| fallback_name.to_owned());
        let media_type = response
            .headers()
            .get("content-type")
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let bytes = response.binary().await.map_err(|e| {
            Problem::new(
                ErrorCode::Unavailable,
                format!("The download was interrupted ({e}). Try again."),
            )
        })?;
        save_file(&bytes, &name, &media_type).map_err(|detail| {
            client_problem(format!("The browser could not save the file: {detail}"))
        })
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

pub use reports::{
    ActivityQuery, Area, CustomerQuery, DownloadFormat, GridQuery, SlicerChoice, TrendQuery,
};

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

/// The file name of a `Content-Disposition: attachment; filename="..."` header.
fn file_name_of(header: &str) -> Option<String> {
    let (_, rest) = header.split_once("filename=")?;
    let name = rest.split(';').next()?.trim().trim_matches('"');
    (!name.is_empty()).then(|| name.to_owned())
}

/// Hands `bytes` to the browser as a download named `name`.
fn save_file(bytes: &[u8], name: &str, media_type: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;

    let describe = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(describe)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_owned())?;
    anchor.set_href(&href);
    anchor.set_download(name);
    anchor.set_hidden(true);
    let body = document.body().ok_or("no body")?;
    body.append_child(&anchor).map_err(describe)?;
    anchor.click();
    let _ = body.remove_child(&anchor);
    // The click has started the download; the URL is released once the browser has
    // surely read the blob.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&href);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

/// A problem raised in the browser before anything reached the server.
fn client_problem(detail: String) -> Problem {
    Problem::new(ErrorCode::InvalidBody, detail)
}
