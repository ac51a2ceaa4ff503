//! Sign in, refresh, sign out, change password, and who am I.

use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use shared::ErrorCode;
use shared::auth::{ChangePasswordRequest, CurrentUser, Session, SignInRequest};
use shared::users::AuditAction;

use super::caller::{Caller, client_address};
use super::refresh::{self, Rotation};
use super::throttle::{self, Limit};
use super::{password, policy, session};
use crate::accounts::audit::{self, Actor};
use crate::db::entities::users;
use crate::error::ApiError;
use crate::state::AppState;
use crate::users::current_user;

/// The one answer to a wrong email or a wrong password.
fn invalid_credentials() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCredentials,
        "The email or password is not right.",
    )
}

/// The throttling counters of a sign-in attempt.
fn sign_in_limits(state: &AppState, email: &str, address: Option<&str>) -> Vec<Limit> {
    let c = &state.config;
    let mut limits = vec![Limit::account(email, c.sign_in_failures_per_account)];
    if let Some(address) = address {
        limits.push(Limit::address(address, c.sign_in_failures_per_address));
    }
    limits
}

/// Sign in with email and password.
///
/// Returns a short-lived bearer access token and the signed-in user, and sets the
/// refresh token cookie (HttpOnly, Secure, SameSite=Strict, path `/api/v1/auth`). An
/// unknown email and a wrong password get the same answer. Repeated failures for one
/// account or from one address are throttled (429 with `Retry-After`).
#[utoipa::path(
    tag = "auth",
    operation_id = "sign_in",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is in a cookie", body = Session),
        (status = 400, description = "The body is not a sign-in request", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password", body = shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see Retry-After", body = shared::Problem, content_type = "application/problem+json"),
    ),
    extensions(("x-access" = json!("public"))),
)]
#[post("/auth/sign-in")]
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SignInRequest>,
) -> Result<HttpResponse, ApiError> {
    let SignInRequest {
        email,
        password: given,
    } = body.into_inner();
    let email = email.trim().to_lowercase();
    let address = client_address(&req, state.config.trust_forwarded_for);
    let limits = sign_in_limits(&state, &email, address.as_deref());
    let window = state.config.sign_in_window_secs;
    throttle::check(&state.db, &limits, window).await?;

    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = password::verify(stored, given).await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        (_, user) => {
            throttle::record_failure(&state.db, &limits, window).await?;
            if let Some(user) = user {
                let actor = Actor {
                    id: Some(user.user_id),
                    name: Some(user.email.clone()),
                    address: address.clone(),
                };
                audit::record(
                    &state.db,
                    user.publisher_id,
                    &actor,
                    AuditAction::SignInFailed,
                    Some(&user.email),
                    "A sign-in failed: wrong password.",
                )
                .await?;
            }
            tracing::info!(%email, ?address, "sign-in refused");
            return Err(invalid_credentials());
        }
    };
    throttle::clear(&state.db, &limits[0].key).await?;
    let mut active = user.clone().into_active_model();
    active.last_sign_in_at = Set(Some(Utc::now()));
    active.update(&state.db).await?;
    let actor = Actor {
        id: Some(user.user_id),
        name: Some(user.email.clone()),
        address,
    };
    audit::record(
        &state.db,
        user.publisher_id,
        &actor,
        AuditAction::SignIn,
        Some(&user.email),
        "Signed in with email and password.",
    )
    .await?;
    tracing::info!(%email, publisher_id = user.publisher_id, "signed in");
    session::start(&state, &user, None).await
}

/// Exchange the refresh token cookie for a new access token.
///
/// The refresh token is rotated: the answer sets a new cookie and the old token stops
/// working. Presenting an already used refresh token revokes every token descended from
/// the same sign-in (someone copied it), and is a 401.
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh_session",
    responses(
        (status = 200, description = "A new access token; the rotated refresh token is in a cookie", body = Session),
        (status = 401, description = "No, expired, revoked or reused refresh token", body = shared::Problem, content_type = "application/problem+json"),
    ),
    extensions(("x-access" = json!("public"))),
)]
#[post("/auth/refresh")]
pub async fn refresh_session(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let refused = |detail: &str| {
        let mut response = ApiError::unauthenticated(detail.to_owned()).error_response();
        let _ = response.add_removal_cookie(&refresh::removal_cookie());
        Ok(response)
    };
    let Some(cookie) = req.cookie(refresh::COOKIE) else {
        return refused("There is no session to refresh; sign in.");
    };
    let ttl = state.config.refresh_token_ttl_secs;
    match refresh::rotate(&state.db, cookie.value(), ttl).await? {
        Rotation::Rotated(user, next) => session::start(&state, &user, Some(next)).await,
        Rotation::Invalid => refused("The session has ended; sign in again."),
        Rotation::Reused(publisher_id, user_id) => {
            let actor = Actor {
                id: Some(user_id),
                name: None,
                address: client_address(&req, state.config.trust_forwarded_for),
            };
            audit::record(
                &state.db,
                publisher_id,
                &actor,
                AuditAction::RefreshTokenReused,
                None,
                "A refresh token was used twice; every session descended from that sign-in was revoked.",
            )
            .await?;
            tracing::warn!(%user_id, "refresh token reuse; family revoked");
            refused("The session has ended; sign in again.")
        }
    }
}

/// Sign out.
///
/// Revokes every refresh token of the user (all their browser sessions) and clears the
/// cookie; access tokens already issued expire within minutes. Works with the access
/// token, or with the refresh cookie alone (when the access token has expired).
#[utoipa::path(
    tag = "auth",
    operation_id = "sign_out",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Neither a valid access token nor a refresh cookie", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("signed-in"))),
)]
#[post("/auth/sign-out")]
pub async fn sign_out(
    state: web::Data<AppState>,
    caller: Option<Caller>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let cookie_owner = match req.cookie(refresh::COOKIE) {
        Some(cookie) => refresh::owner(&state.db, cookie.value()).await?,
        None => None,
    };
    let (publisher_id, user_id, actor) = match (&caller, cookie_owner) {
        (Some(caller), _) if caller.client_scopes.is_some() => {
            return Ok(HttpResponse::NoContent().finish());
        }
        (Some(caller), _) => (caller.publisher_id, caller.user_id, Actor::from(caller)),
        (None, Some((publisher_id, user_id))) => (
            publisher_id,
            user_id,
            Actor {
                id: Some(user_id),
                name: None,
                address: client_address(&req, state.config.trust_forwarded_for),
            },
        ),
        (None, None) => {
            return Err(ApiError::unauthenticated(
                "Sign in first: there is no session to end.",
            ));
        }
    };
    refresh::revoke_user(&state.db, publisher_id, user_id).await?;
    audit::record(
        &state.db,
        publisher_id,
        &actor,
        AuditAction::SignOut,
        None,
        "Signed out; every browser session of the user ended.",
    )
    .await?;
    tracing::info!(%user_id, "signed out");
    let mut response = HttpResponse::NoContent().finish();
    let _ = response.add_removal_cookie(&refresh::removal_cookie());
    Ok(response)
}

/// Change one's own password.
///
/// Needs the current password. The new one must have at least 12 characters and not be
/// a commonly used password. Every other session of the user ends: refresh tokens are
/// revoked and access tokens issued before stop working. The answer is a new session.
#[utoipa::path(
    tag = "auth",
    operation_id = "change_password",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed; a new session", body = Session),
        (status = 400, description = "Not a password change", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the current password is wrong", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API client's token", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password is too weak", body = shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("signed-in"))),
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_person()?;
    let request = body.into_inner();
    let user = users::Entity::find_by_id((caller.publisher_id, caller.user_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::unauthenticated("The account no longer exists."))?;
    let limits = sign_in_limits(&state, &user.email, caller.address.as_deref());
    let window = state.config.sign_in_window_secs;
    throttle::check(&state.db, &limits, window).await?;
    if !password::verify(user.password_hash.clone(), request.current_password).await? {
        throttle::record_failure(&state.db, &limits, window).await?;
        return Err(ApiError::new(
            ErrorCode::InvalidCredentials,
            "The current password is not right.",
        ));
    }
    policy::check("newPassword", &request.new_password, &user.email)?;
    let user = set_password(&state, user, request.new_password).await?;
    audit::record_by(
        &state.db,
        &caller,
        AuditAction::PasswordChanged,
        Some(&user.email),
        "Changed their password; every other session was ended.",
    )
    .await?;
    session::start(&state, &user, None).await
}

/// Sets a user's password, ends every session they have (refresh tokens revoked, access
/// tokens refused by the bumped token version), and returns the account as it is now.
pub async fn set_password(
    state: &AppState,
    user: users::Model,
    new_password: String,
) -> Result<users::Model, ApiError> {
    let hash = password::hash(new_password).await?;
    let (publisher_id, user_id) = (user.publisher_id, user.user_id);
    let version = user.token_version + 1;
    let mut active = user.into_active_model();
    active.password_hash = Set(Some(hash));
    active.token_version = Set(version);
    let user = active.update(&state.db).await?;
    refresh::revoke_user(&state.db, publisher_id, user_id).await?;
    Ok(user)
}

/// The signed-in user: name, role, permissions and publisher.
#[utoipa::path(
    tag = "auth",
    operation_id = "get_me",
    responses(
        (status = 200, description = "The signed-in user", body = CurrentUser),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API client's token", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("signed-in"))),
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<CurrentUser>, ApiError> {
    caller.require_person()?;
    Ok(web::Json(
        current_user(&state.db, caller.publisher_id, caller.user_id).await?,
    ))
}
