//! Sign in, sign out, and who am I.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use shared::ErrorCode;
use shared::auth::{CurrentUser, Session, SignInRequest};

use super::caller::Caller;
use super::token::{AUDIENCE, Claims, ISSUER, now_secs};
use super::{caller::parse_permissions, password};
use crate::db::entities::users;
use crate::error::ApiError;
use crate::state::AppState;
use crate::users::current_user;

/// Sign in with email and password.
///
/// Returns a short-lived bearer access token and the signed-in user. An unknown email
/// and a wrong password get the same answer.
#[utoipa::path(
    tag = "auth",
    operation_id = "sign_in",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 400, description = "The body is not a sign-in request", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password", body = shared::Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/auth/sign-in")]
pub async fn sign_in(
    state: web::Data<AppState>,
    body: web::Json<SignInRequest>,
) -> Result<web::Json<Session>, ApiError> {
    let SignInRequest {
        email,
        password: given,
    } = body.into_inner();
    let email = email.trim().to_lowercase();
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = password::verify(stored, given).await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            tracing::info!(%email, "sign-in refused");
            return Err(ApiError::new(
                ErrorCode::InvalidCredentials,
                "The email or password is not right.",
            ));
        }
    };
    let now = now_secs();
    let claims = Claims {
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
    };
    let access_token = state.tokens.issue(&claims)?;
    let (publisher_id, user_id) = (user.publisher_id, user.user_id);
    let mut active = user.into_active_model();
    active.last_sign_in_at = Set(Some(Utc::now()));
    active.update(&state.db).await?;
    tracing::info!(%email, publisher_id, "signed in");
    Ok(web::Json(Session {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.ttl_secs,
        user: current_user(&state.db, publisher_id, user_id).await?,
    }))
}

/// Sign out.
///
/// The browser forgets its access token; the token itself expires within minutes.
#[utoipa::path(
    tag = "auth",
    operation_id = "sign_out",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/auth/sign-out")]
pub async fn sign_out(caller: Caller) -> HttpResponse {
    tracing::info!(user_id = %caller.user_id, "signed out");
    HttpResponse::NoContent().finish()
}

/// The signed-in user: name, role, permissions and publisher.
#[utoipa::path(
    tag = "auth",
    operation_id = "get_me",
    responses(
        (status = 200, description = "The signed-in user", body = CurrentUser),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<CurrentUser>, ApiError> {
    Ok(web::Json(
        current_user(&state.db, caller.publisher_id, caller.user_id).await?,
    ))
}
