//! The one typed HTTP client of the browser app.
//!
//! Every request to the server goes through [`Client`]; components call its methods
//! with `shared` types and never build URLs. Every failure, whether a non-2xx answer, a
//! network error or an unreadable body, comes back as a [`Problem`], so pages have one
//! error type to show.
//!
//! A client made for a session renews it silently: when the server answers 401 to the
//! access token, the client asks for a new one once (`POST /auth/refresh`, with the
//! HttpOnly refresh cookie) and repeats the request; if that fails, the session ends.

mod reports;

pub use reports::{
    ActivityQuery, Area, CustomerQuery, DownloadFormat, GridQuery, SlicerChoice, TrendQuery,
};

mod licenses;
mod support;

use std::rc::Rc;

use futures_util::future::LocalBoxFuture;
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::auth::{
    ChangePasswordRequest, CurrentUser, InvitationPreview, LinkToken, PasswordResetAccepted,
    PasswordResetRequest, Session, SetPasswordRequest, SignInRequest,
};
use shared::reports::summary::SummaryReport;
use shared::users::{
    ApiClient, AuditPage, CreatedApiClient, InviteUserRequest, NewApiClientRequest,
    PublisherSettings, UpdatePublisherSettings, UpdateUserRequest, User, UserPage,
};
use shared::{ErrorCode, Month, Problem};

pub use licenses::{LicenseWidget, WidgetFile};

/// Where the versioned API lives; the app is served from the same origin.
const API_BASE: &str = "/api/v1";

/// Renews a session whose access token (the argument) was refused: the new access
/// token, or `None` when the session has ended.
pub type Renew = Rc<dyn Fn(String) -> LocalBoxFuture<'static, Option<String>>>;

/// A client for the portal API, with or without an access token.
#[derive(Clone, Default)]
pub struct Client {
    token: Option<String>,
    renew: Option<Renew>,
}

/// One request, kept as data so that it can be sent again with a renewed token. Every
/// method of [`Client`] describes its request as a `Call` and hands it to
/// `Client::json` (an answer to read), `Client::empty` (no answer) or `Client::send`
/// (the raw response, e.g. a file).
struct Call {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<String>,
    /// A multipart form (files); the browser sets its content type and boundary.
    form: Option<web_sys::FormData>,
}

impl Call {
    fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            form: None,
        }
    }

    /// A GET of `path` (under `/api/v1`).
    fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds these query pairs, in order.
    fn pairs(mut self, pairs: &[(String, String)]) -> Self {
        self.query.extend(pairs.iter().cloned());
        self
    }

    fn json<T: Serialize>(mut self, body: &T) -> Result<Self, Problem> {
        self.body = Some(
            serde_json::to_string(body)
                .map_err(|e| client_problem(format!("Could not encode the request: {e}")))?,
        );
        Ok(self)
    }
}

impl Client {
    /// A client that sends no credentials (for signing in, links and refreshing).
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// A client that sends `token` as a bearer token and, when the server refuses it,
    /// asks `renew` for another one once.
    pub fn with_token(token: String, renew: Renew) -> Self {
        Self {
            token: Some(token),
            renew: Some(renew),
        }
    }

    /// The same client, but one that never renews its token (for signing out, which
    /// the refresh cookie alone can also do).
    pub fn without_renewal(mut self) -> Self {
        self.renew = None;
        self
    }

    /// Signs in with email and password (`POST /auth/sign-in`).
    pub async fn sign_in(&self, credentials: &SignInRequest) -> Result<Session, Problem> {
        self.json(Call::new(Method::POST, "/auth/sign-in").json(credentials)?)
            .await
    }

    /// A new access token for the refresh cookie (`POST /auth/refresh`).
    pub async fn refresh(&self) -> Result<Session, Problem> {
        self.json(Call::new(Method::POST, "/auth/refresh")).await
    }

    /// Ends the session on the server (`POST /auth/sign-out`).
    pub async fn sign_out(&self) -> Result<(), Problem> {
        self.empty(Call::new(Method::POST, "/auth/sign-out")).await
    }

    /// Changes the signed-in user's password (`POST /auth/password`); a new session.
    pub async fn change_password(
        &self,
        change: &ChangePasswordRequest,
    ) -> Result<Session, Problem> {
        self.json(Call::new(Method::POST, "/auth/password").json(change)?)
            .await
    }

    /// The signed-in user as the server knows them now (`GET /me`).
    pub async fn me(&self) -> Result<CurrentUser, Problem> {
        self.json(Call::get("/me")).await
    }

    /// Who an invitation is for (`POST /invitations/preview`).
    pub async fn preview_invitation(&self, token: &str) -> Result<InvitationPreview, Problem> {
        let body = LinkToken {
            token: token.to_owned(),
        };
        self.json(Call::new(Method::POST, "/invitations/preview").json(&body)?)
            .await
    }

    /// Accepts an invitation with a new password; a session (`POST /invitations/accept`).
    pub async fn accept_invitation(&self, accept: &SetPasswordRequest) -> Result<Session, Problem> {
        self.json(Call::new(Method::POST, "/invitations/accept").json(accept)?)
            .await
    }

    /// Asks for a password reset mail (`POST /password-resets`).
    pub async fn request_password_reset(
        &self,
        request: &PasswordResetRequest,
    ) -> Result<PasswordResetAccepted, Problem> {
        self.json(Call::new(Method::POST, "/password-resets").json(request)?)
            .await
    }

    /// Sets a new password with a reset link (`POST /password-resets/complete`).
    pub async fn complete_password_reset(&self, reset: &SetPasswordRequest) -> Result<(), Problem> {
        self.empty(Call::new(Method::POST, "/password-resets/complete").json(reset)?)
            .await
    }

    /// The Summary report for three months from `start`, or for the server's default
    /// period when `start` is `None` (`GET /reports/summary`).
    pub async fn summary(&self, start: Option<Month>) -> Result<SummaryReport, Problem> {
        let mut call = Call::get("/reports/summary");
        if let Some(start) = start {
            call = call.query("start", start);
        }
        self.json(call).await
    }

    /// A page of the publisher's users (`GET /users`).
    pub async fn users(
        &self,
        search: &str,
        page: u64,
        page_size: u64,
    ) -> Result<UserPage, Problem> {
        let mut call = Call::get("/users")
            .query("page", page)
            .query("pageSize", page_size);
        if !search.trim().is_empty() {
            call = call.query("search", search.trim());
        }
        self.json(call).await
    }

    /// Adds a user, who gets an invitation (`POST /users`).
    pub async fn invite_user(&self, user: &InviteUserRequest) -> Result<User, Problem> {
        self.json(Call::new(Method::POST, "/users").json(user)?)
            .await
    }

    /// One user (`GET /users/{id}`).
    pub async fn user(&self, id: &str) -> Result<User, Problem> {
        self.json(Call::get(format!("/users/{}", segment(id))))
            .await
    }

    /// Changes a user (`PATCH /users/{id}`).
    pub async fn update_user(&self, id: &str, change: &UpdateUserRequest) -> Result<User, Problem> {
        self.json(Call::new(Method::PATCH, format!("/users/{}", segment(id))).json(change)?)
            .await
    }

    /// Deletes a user (`DELETE /users/{id}`).
    pub async fn delete_user(&self, id: &str) -> Result<(), Problem> {
        self.empty(Call::new(Method::DELETE, format!("/users/{}", segment(id))))
            .await
    }

    /// Sends a user's invitation again (`POST /users/{id}/invitation`).
    pub async fn resend_invitation(&self, id: &str) -> Result<(), Problem> {
        self.empty(Call::new(
            Method::POST,
            format!("/users/{}/invitation", segment(id)),
        ))
        .await
    }

    /// The publisher's settings (`GET /publisher/settings`).
    pub async fn publisher_settings(&self) -> Result<PublisherSettings, Problem> {
        self.json(Call::get("/publisher/settings")).await
    }

    /// Changes the publisher's settings (`PATCH /publisher/settings`).
    pub async fn update_publisher_settings(
        &self,
        change: &UpdatePublisherSettings,
    ) -> Result<PublisherSettings, Problem> {
        self.json(Call::new(Method::PATCH, "/publisher/settings").json(change)?)
            .await
    }

    /// The publisher's API clients (`GET /api-clients`).
    pub async fn api_clients(&self) -> Result<Vec<ApiClient>, Problem> {
        self.json(Call::get("/api-clients")).await
    }

    /// Creates an API client; the answer holds its secret, once (`POST /api-clients`).
    pub async fn create_api_client(
        &self,
        client: &NewApiClientRequest,
    ) -> Result<CreatedApiClient, Problem> {
        self.json(Call::new(Method::POST, "/api-clients").json(client)?)
            .await
    }

    /// Revokes an API client (`DELETE /api-clients/{clientId}`).
    pub async fn revoke_api_client(&self, client_id: &str) -> Result<(), Problem> {
        self.empty(Call::new(
            Method::DELETE,
            format!("/api-clients/{}", segment(client_id)),
        ))
        .await
    }

    /// A page of the audit log, optionally of one actor and one action (`GET /audit-log`).
    pub async fn audit_log(
        &self,
        user_id: Option<&str>,
        action: Option<&str>,
        page: u64,
    ) -> Result<AuditPage, Problem> {
        let mut call = Call::get("/audit-log")
            .query("page", page)
            .query("pageSize", 20);
        if let Some(user) = user_id.filter(|u| !u.is_empty()) {
            call = call.query("userId", user);
        }
        if let Some(action) = action.filter(|a| !a.is_empty()) {
            call = call.query("action", action);
        }
        self.json(call).await
    }

    /// A GET of `path` with these query pairs, read as JSON.
    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        pairs: &[(String, String)],
    ) -> Result<T, Problem> {
        self.json(Call::get(path).pairs(pairs)).await
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
        let response = self.send(Call::get(path).pairs(pairs)).await?;
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

    async fn json<T: DeserializeOwned>(&self, call: impl IntoCall) -> Result<T, Problem> {
        let text = self.text(call.into_call()?).await?;
        serde_json::from_str(&text).map_err(unreadable)
    }

    /// Sends `call` and reads the answer's body. Boxed, like [`Client::send`], so that
    /// the typed calls share one copy of the sending and reading code: each answer type
    /// otherwise inlined its own into every page's resource (a sixth of the bundle).
    fn text(&self, call: Call) -> LocalBoxFuture<'_, Result<String, Problem>> {
        Box::pin(async move { self.send(call).await?.text().await.map_err(unreadable) })
    }

    async fn empty(&self, call: impl IntoCall) -> Result<(), Problem> {
        self.send(call.into_call()?).await.map(drop)
    }

    fn build(&self, call: &Call, token: Option<&str>) -> Result<Request, Problem> {
        let url = format!("{API_BASE}{}", call.path);
        let mut builder = RequestBuilder::new(&url)
            .method(call.method.clone())
            .header("Accept", "application/json, application/problem+json");
        if !call.query.is_empty() {
            builder = builder.query(call.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let built = match (&call.body, &call.form) {
            (Some(body), _) => builder
                .header("Content-Type", "application/json")
                .body(body.clone()),
            (None, Some(form)) => builder.body(form.clone()),
            (None, None) => builder.build(),
        };
        built.map_err(|e| client_problem(format!("Could not prepare the request: {e}")))
    }

    /// Sends `call`, renewing a refused token once. Boxed: one copy of this code, not
    /// one inlined into every caller's future.
    fn send(&self, call: Call) -> LocalBoxFuture<'_, Result<Response, Problem>> {
        Box::pin(async move {
            let response = transmit(self.build(&call, self.token.as_deref())?).await?;
            if response.status() == 401
                && let (Some(renew), Some(token)) = (&self.renew, &self.token)
                && let Some(renewed) = renew(token.clone()).await
            {
                return finish(transmit(self.build(&call, Some(&renewed))?).await?).await;
            }
            finish(response).await
        })
    }
}

/// What `Client::json` and `Client::empty` take: a call, or the failure to make one.
trait IntoCall {
    fn into_call(self) -> Result<Call, Problem>;
}

impl IntoCall for Call {
    fn into_call(self) -> Result<Call, Problem> {
        Ok(self)
    }
}

impl IntoCall for Result<Call, Problem> {
    fn into_call(self) -> Result<Call, Problem> {
        self
    }
}

/// A path segment with the characters that would change the path escaped.
fn segment(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' | '_' | '~' => c.to_string(),
            other => {
                let mut buf = [0u8; 4];
                other
                    .encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect()
}

async fn transmit(request: Request) -> Result<Response, Problem> {
    request.send().await.map_err(|e| {
        Problem::new(
            ErrorCode::Unavailable,
            format!(
                "The portal server could not be reached ({e}). Check your connection and try again."
            ),
        )
    })
}

async fn finish(response: Response) -> Result<Response, Problem> {
    if response.ok() {
        Ok(response)
    } else {
        Err(problem_of(response).await)
    }
}

/// The problem of an answer that is not what the API documents.
fn unreadable(error: impl std::fmt::Display) -> Problem {
    Problem::new(
        ErrorCode::Internal,
        format!("The server's answer could not be read ({error})."),
    )
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
        405 => ErrorCode::MethodNotAllowed,
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
