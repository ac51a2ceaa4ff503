//! Starting a session: an access token for the user as they are now, and a refresh
//! token in its cookie.

use actix_web::HttpResponse;
use shared::auth::Session;
use uuid::Uuid;

use super::caller::parse_permissions;
use super::refresh;
use super::token::{AUDIENCE, Claims, ISSUER, now_secs};
use crate::db::entities::users;
use crate::error::ApiError;
use crate::state::AppState;
use crate::users::current_user;

/// A signed access token for `user` at their current token version.
pub fn access_token(state: &AppState, user: &users::Model) -> Result<String, ApiError> {
    let now = now_secs();
    state.tokens.issue(&Claims {
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
        sub: user.user_id.to_string(),
        pid: user.publisher_id,
        role: user.role.clone(),
        perms: parse_permissions(&user.role, &user.permissions)
            .iter()
            .map(|p| p.name().to_owned())
            .collect(),
        ver: user.token_version,
        iat: now,
        exp: now + state.tokens.ttl_secs,
        scope: None,
    })
}

/// The session body for `user`.
pub async fn session(state: &AppState, user: &users::Model) -> Result<Session, ApiError> {
    Ok(Session {
        access_token: access_token(state, user)?,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.ttl_secs,
        user: current_user(&state.db, user.publisher_id, user.user_id).await?,
    })
}

/// 200 with a new session for `user` and a new refresh token (a new family, unless
/// `refresh_token` is the successor already made by a rotation).
pub async fn start(
    state: &AppState,
    user: &users::Model,
    refresh_token: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let ttl = state.config.refresh_token_ttl_secs;
    let token = match refresh_token {
        Some(token) => token,
        None => refresh::create(&state.db, user.publisher_id, user.user_id, None, ttl).await?,
    };
    let body = session(state, user).await?;
    Ok(HttpResponse::Ok()
        .cookie(refresh::cookie(token, ttl))
        .insert_header(("Cache-Control", "no-store"))
        .json(body))
}

/// The users' id as a `Uuid` from a path segment; anything else is "no such user".
pub fn user_id_of(segment: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(segment.trim()).map_err(|_| ApiError::not_found("No such user."))
}
