//! Integrations: API clients with scopes (`/api/v1/api-clients`, Administrators only)
//! and the OAuth 2.0 client-credentials token endpoint (`POST /api/v1/oauth/token`).
//!
//! A client secret is shown once, at creation, and kept only as its SHA-256. A token
//! names its client and scopes; every request re-reads the client, so revoking it ends
//! its tokens at once.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use shared::ErrorCode;
use shared::users::{
    ApiClient, ApiScope, AuditAction, CreatedApiClient, NewApiClientRequest, OAuthToken,
    OAuthTokenRequest,
};
use uuid::Uuid;

use super::audit::{self, Actor};
use super::invalid_field;
use crate::auth::caller::{client_address, client_permissions};
use crate::auth::throttle::{self, Limit};
use crate::auth::token::{AUDIENCE, Claims, ISSUER, now_secs};
use crate::auth::{Caller, secret};
use crate::db::entities::{api_clients, users};
use crate::error::ApiError;
use crate::state::AppState;

/// The public client id: `<publisher id>.<uuid>`.
pub fn client_id(publisher_id: i64, id: Uuid) -> String {
    format!("{publisher_id}.{id}")
}

fn parse_client_id(text: &str) -> Option<(i64, Uuid)> {
    let (publisher, id) = text.trim().split_once('.')?;
    Some((publisher.parse().ok()?, Uuid::parse_str(id).ok()?))
}

fn scopes_of(stored: &str) -> Vec<ApiScope> {
    stored
        .split_whitespace()
        .filter_map(ApiScope::from_name)
        .collect()
}

async fn view(state: &AppState, client: api_clients::Model) -> Result<ApiClient, ApiError> {
    let created_by = match client.created_by {
        Some(id) => users::Entity::find_by_id((client.publisher_id, id))
            .one(&state.db)
            .await?
            .map(|u| u.email),
        None => None,
    };
    Ok(ApiClient {
        client_id: client_id(client.publisher_id, client.client_id),
        scopes: scopes_of(&client.scopes),
        name: client.name,
        created_at: client.created_at,
        created_by,
        last_used_at: client.last_used_at,
        revoked_at: client.revoked_at,
    })
}

/// The publisher's API clients, revoked ones included, newest first. Administrators only.
#[utoipa::path(
    tag = "integrations",
    operation_id = "list_api_clients",
    responses(
        (status = 200, description = "The API clients", body = Vec<ApiClient>),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[get("/api-clients")]
pub async fn list_api_clients(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<ApiClient>>, ApiError> {
    caller.require_administrator()?;
    let rows = api_clients::Entity::find()
        .filter(api_clients::Column::PublisherId.eq(caller.publisher_id))
        .order_by_desc(api_clients::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut clients = Vec::with_capacity(rows.len());
    for row in rows {
        clients.push(view(&state, row).await?);
    }
    Ok(web::Json(clients))
}

/// Create an API client. The answer holds its secret, shown this once. Administrators only.
#[utoipa::path(
    tag = "integrations",
    operation_id = "create_api_client",
    request_body = NewApiClientRequest,
    responses(
        (status = 201, description = "Created; copy the secret now", body = CreatedApiClient),
        (status = 400, description = "Not a client", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No name or no scope", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[post("/api-clients")]
pub async fn create_api_client(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewApiClientRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_administrator()?;
    let request = body.into_inner();
    let name = request.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(invalid_field(
            "name",
            "must be 1 to 100 characters, without control characters",
        ));
    }
    let mut scopes = request.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(invalid_field("scopes", "name at least one scope"));
    }
    let secret = secret::random_secret();
    let model = api_clients::Model {
        publisher_id: caller.publisher_id,
        client_id: Uuid::now_v7(),
        name,
        scopes: scopes
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(" "),
        secret_sha256: secret::sha256_hex(&secret),
        created_by: Some(caller.user_id),
        created_at: Utc::now(),
        last_used_at: None,
        revoked_at: None,
    };
    api_clients::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&state.db)
        .await?;
    let client = view(&state, model).await?;
    audit::record_by(
        &state.db,
        &caller,
        AuditAction::ApiClientCreated,
        Some(&client.client_id),
        format!(
            "Created the API client '{}' with scopes: {}.",
            client.name,
            client
                .scopes
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .await?;
    Ok(HttpResponse::Created().json(CreatedApiClient {
        client,
        client_secret: secret,
    }))
}

/// Revoke an API client: it gets no more tokens and its tokens stop working at once.
/// Administrators only.
#[utoipa::path(
    tag = "integrations",
    operation_id = "revoke_api_client",
    params(("clientId" = String, Path, description = "The client id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client in your publisher", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[delete("/api-clients/{clientId}")]
pub async fn revoke_api_client(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_administrator()?;
    let no_such = || ApiError::not_found("No such API client.");
    let (publisher_id, id) = parse_client_id(&path).ok_or_else(no_such)?;
    if publisher_id != caller.publisher_id {
        return Err(no_such());
    }
    let client = api_clients::Entity::find_by_id((caller.publisher_id, id))
        .one(&state.db)
        .await?
        .ok_or_else(no_such)?;
    if client.revoked_at.is_none() {
        let name = client.name.clone();
        let mut active = client.into_active_model();
        active.revoked_at = Set(Some(Utc::now()));
        active.update(&state.db).await?;
        audit::record_by(
            &state.db,
            &caller,
            AuditAction::ApiClientRevoked,
            Some(&client_id(caller.publisher_id, id)),
            format!("Revoked the API client '{name}'."),
        )
        .await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

fn invalid_client() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCredentials,
        "The client id or secret is not right, or the client was revoked.",
    )
}

/// The most a token request's form may hold: its four fields with room to spare.
const TOKEN_FORM_LIMIT: usize = 16 * 1024;

/// The token request's body, refused as a problem (413) past [`TOKEN_FORM_LIMIT`] (actix's
/// own limit would answer in plain text).
async fn read_form(payload: &mut web::Payload) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::new(ErrorCode::InvalidBody, e.to_string()))?;
        if body.len() + chunk.len() > TOKEN_FORM_LIMIT {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "A token request is at most {} KiB.",
                    TOKEN_FORM_LIMIT / 1024
                ),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Get an access token for an API client (OAuth 2.0 client-credentials grant).
///
/// Send `grant_type=client_credentials`, the client's id and secret (in the form, or as
/// HTTP Basic), and optionally `scope` (a subset of the client's scopes). The token is
/// a bearer token for the API, limited to the granted scopes: `reports:read` reads
/// every report area. Failures from one address are throttled.
#[utoipa::path(
    tag = "integrations",
    operation_id = "create_oauth_token",
    request_body(content = OAuthTokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token", body = OAuthToken),
        (status = 400, description = "Not a client-credentials request, or a scope the client lacks", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown client, wrong secret, or revoked", body = shared::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a form", body = shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see Retry-After", body = shared::Problem, content_type = "application/problem+json"),
    ),
    extensions(("x-access" = json!("public"))),
)]
#[post("/oauth/token")]
pub async fn create_oauth_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !media
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the token request as application/x-www-form-urlencoded.",
        ));
    }
    let body = read_form(&mut payload).await?;
    let mut form = OAuthTokenRequest {
        grant_type: String::new(),
        client_id: None,
        client_secret: None,
        scope: None,
    };
    for (key, value) in form_urlencoded::parse(&body) {
        match key.as_ref() {
            "grant_type" => form.grant_type = value.into_owned(),
            "client_id" => form.client_id = Some(value.into_owned()),
            "client_secret" => form.client_secret = Some(value.into_owned()),
            "scope" => form.scope = Some(value.into_owned()),
            _ => {}
        }
    }
    if form.grant_type != "client_credentials" {
        return Err(ApiError::invalid_parameter(
            "grant_type",
            "only client_credentials is supported",
        ));
    }
    if let Some((id, secret)) = basic_credentials(&req) {
        form.client_id = Some(id);
        form.client_secret = Some(secret);
    }
    let address = client_address(&req, state.config.trust_forwarded_for);
    let window = state.config.sign_in_window_secs;
    let limits: Vec<Limit> = address
        .iter()
        .map(|a| Limit::address(a, state.config.sign_in_failures_per_address))
        .collect();
    throttle::check(&state.db, &limits, window).await?;

    let (Some(id), Some(given)) = (form.client_id, form.client_secret) else {
        return Err(invalid_client());
    };
    let client = match parse_client_id(&id) {
        Some(key) => api_clients::Entity::find_by_id(key).one(&state.db).await?,
        None => None,
    };
    let given_hash = secret::sha256_hex(&given);
    let client = match client {
        Some(c)
            if c.revoked_at.is_none()
                && secret::constant_time_eq(c.secret_sha256.as_bytes(), given_hash.as_bytes()) =>
        {
            c
        }
        _ => {
            throttle::record_failure(&state.db, &limits, window).await?;
            return Err(invalid_client());
        }
    };
    let own = scopes_of(&client.scopes);
    let granted: Vec<ApiScope> = match form.scope.as_deref().map(str::trim) {
        None | Some("") => own.clone(),
        Some(wanted) => {
            let mut granted = Vec::new();
            for name in wanted.split_whitespace() {
                match ApiScope::from_name(name).filter(|s| own.contains(s)) {
                    Some(scope) => granted.push(scope),
                    None => {
                        return Err(ApiError::invalid_parameter(
                            "scope",
                            format!("the client does not have the scope '{name}'"),
                        ));
                    }
                }
            }
            granted
        }
    };
    let scope = granted
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(" ");
    let now = now_secs();
    let ttl = state.tokens.ttl_secs;
    let access_token = state.tokens.issue(&Claims {
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
        sub: client.client_id.to_string(),
        pid: client.publisher_id,
        role: "User".to_owned(),
        perms: client_permissions(&granted)
            .iter()
            .map(|p| p.name().to_owned())
            .collect(),
        ver: 0,
        iat: now,
        exp: now + ttl,
        scope: Some(scope.clone()),
    })?;
    let (publisher_id, uuid, name) = (client.publisher_id, client.client_id, client.name.clone());
    let mut active = client.into_active_model();
    active.last_used_at = Set(Some(Utc::now()));
    active.update(&state.db).await?;
    let actor = Actor {
        id: Some(uuid),
        name: Some(name),
        address,
    };
    audit::record(
        &state.db,
        publisher_id,
        &actor,
        AuditAction::ApiTokenIssued,
        Some(&client_id(publisher_id, uuid)),
        format!("Issued an access token with scopes: {scope}."),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(OAuthToken {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in: ttl,
            scope,
        }))
}

/// `client_id` and `client_secret` from an HTTP Basic `Authorization` header.
fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let id = form_urlencoded::parse(format!("a={id}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    let secret = form_urlencoded::parse(format!("a={secret}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    Some((id, secret))
}
