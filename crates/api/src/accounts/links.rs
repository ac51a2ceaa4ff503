//! Single-use links: invitations (7 days by default) and password resets (1 hour), their
//! tokens kept only as SHA-256, and the endpoints that use them.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::auth::{
    InvitationPreview, LinkToken, PasswordResetAccepted, PasswordResetRequest, Session,
    SetPasswordRequest,
};
use shared::users::AuditAction;

use super::audit::{self, Actor};
use crate::auth::caller::client_address;
use crate::auth::handlers::set_password;
use crate::auth::throttle::{self, Limit};
use crate::auth::{policy, secret, session};
use crate::db::entities::{account_tokens, publishers, users};
use crate::error::ApiError;
use crate::mail::{LINK, Mail};
use crate::state::AppState;

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Set a first password.
    Invitation,
    /// Set a new password.
    PasswordReset,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// Makes a new link for `user`, retiring their earlier unused links of the same purpose,
/// and returns its token.
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    user: &users::Model,
    purpose: Purpose,
    ttl_secs: u64,
) -> Result<String, ApiError> {
    let now = Utc::now();
    account_tokens::Entity::update_many()
        .col_expr(account_tokens::Column::UsedAt, Expr::value(now))
        .filter(account_tokens::Column::PublisherId.eq(user.publisher_id))
        .filter(account_tokens::Column::UserId.eq(user.user_id))
        .filter(account_tokens::Column::Purpose.eq(purpose.name()))
        .filter(account_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let (token, hash) = secret::issue(user.publisher_id);
    account_tokens::Entity::insert(account_tokens::ActiveModel {
        publisher_id: Set(user.publisher_id),
        token_sha256: Set(hash),
        user_id: Set(user.user_id),
        purpose: Set(purpose.name().to_owned()),
        created_at: Set(now),
        expires_at: Set(now + Duration::seconds(ttl_secs as i64)),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// The link's row and its user, while the link is unused and unexpired.
async fn find<C: ConnectionTrait>(
    db: &C,
    token: &str,
    purpose: Purpose,
) -> Result<Option<(account_tokens::Model, users::Model)>, ApiError> {
    let Some((publisher_id, hash)) = secret::parse(token) else {
        return Ok(None);
    };
    let Some(link) = account_tokens::Entity::find_by_id((publisher_id, hash))
        .one(db)
        .await?
        .filter(|l| l.purpose == purpose.name() && l.used_at.is_none())
        .filter(|l| l.expires_at > Utc::now())
    else {
        return Ok(None);
    };
    let user = users::Entity::find_by_id((publisher_id, link.user_id))
        .one(db)
        .await?;
    Ok(user.map(|u| (link, u)))
}

/// Uses the link up; false when someone else used it first.
async fn consume<C: ConnectionTrait>(
    db: &C,
    link: &account_tokens::Model,
) -> Result<bool, ApiError> {
    let result = account_tokens::Entity::update_many()
        .col_expr(account_tokens::Column::UsedAt, Expr::value(Utc::now()))
        .filter(account_tokens::Column::PublisherId.eq(link.publisher_id))
        .filter(account_tokens::Column::TokenSha256.eq(link.token_sha256.clone()))
        .filter(account_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Sets `user`'s new password with `link`: checks the password, uses the link up
/// (`gone` when someone used it first), sets the password and records `action` in the
/// audit log as done by the user. What accepting an invitation and completing a reset
/// share.
#[allow(clippy::too_many_arguments)]
async fn redeem(
    state: &AppState,
    req: &HttpRequest,
    link: &account_tokens::Model,
    user: users::Model,
    password: String,
    gone: fn() -> ApiError,
    action: AuditAction,
    summary: &str,
) -> Result<users::Model, ApiError> {
    policy::check("password", &password, &user.email)?;
    if !consume(&state.db, link).await? {
        return Err(gone());
    }
    let user = set_password(state, user, password).await?;
    let actor = Actor {
        id: Some(user.user_id),
        name: Some(user.email.clone()),
        address: client_address(req, state.config.trust_forwarded_for),
    };
    audit::record(
        &state.db,
        user.publisher_id,
        &actor,
        action,
        Some(&user.email),
        summary,
    )
    .await?;
    Ok(user)
}

fn invitation_gone() -> ApiError {
    ApiError::not_found(
        "This invitation link does not work: it has expired, has been used, or was replaced by a newer one. Ask your Administrator to invite you again.",
    )
}

fn reset_gone() -> ApiError {
    ApiError::not_found(
        "This password reset link does not work: it has expired (links last an hour), has been used, or was replaced by a newer one. Ask for a new one.",
    )
}

/// Sends `user` an invitation to `publisher` (a new link; earlier ones stop working).
pub async fn send_invitation(
    state: &AppState,
    publisher: &publishers::Model,
    user: &users::Model,
    invited_by: &str,
) -> Result<(), ApiError> {
    let ttl = state.config.invitation_ttl_secs;
    let token = issue(&state.db, user, Purpose::Invitation, ttl).await?;
    let days = ttl.div_ceil(24 * 3600);
    let greeting = if user.first_name.is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Hello {},", user.first_name)
    };
    let body = format!(
        "{greeting}\n\n{invited_by} invited you to {publisher} on the Seller Insights Portal, where you \
         can see the publisher's marketplace orders, usage, customers and more.\n\n\
         Open this link to set your password and sign in:\n\n{LINK}\n\n\
         The link works once and expires in {days} day(s). You sign in with {email}.\n\n\
         If you did not expect this invitation, ignore this mail.\n",
        publisher = publisher.name,
        email = user.email,
    );
    state
        .mailer
        .send(
            &state.db,
            Mail {
                publisher_id: publisher.publisher_id,
                to: user.email.clone(),
                subject: format!(
                    "Your invitation to {} on the Seller Insights Portal",
                    publisher.name
                ),
                body,
                link: Some(format!(
                    "{}/accept-invitation#token={token}",
                    state.config.public_url()
                )),
            },
        )
        .await
}

/// Who an invitation is for.
///
/// Lets the invitation page greet the person and show the email they will sign in
/// with. The token comes in the body, never in the URL, so that it stays out of logs.
#[utoipa::path(
    tag = "accounts",
    operation_id = "preview_invitation",
    request_body = LinkToken,
    responses(
        (status = 200, description = "The invitation", body = InvitationPreview),
        (status = 400, description = "Not a token", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Expired, used, replaced or unknown", body = shared::Problem, content_type = "application/problem+json"),
    ),
    extensions(("x-access" = json!("public"))),
)]
#[post("/invitations/preview")]
pub async fn preview_invitation(
    state: web::Data<AppState>,
    body: web::Json<LinkToken>,
) -> Result<web::Json<InvitationPreview>, ApiError> {
    let (_, user) = find(&state.db, &body.token, Purpose::Invitation)
        .await?
        .ok_or_else(invitation_gone)?;
    let publisher = publishers::Entity::find_by_id(user.publisher_id)
        .one(&state.db)
        .await?
        .ok_or_else(invitation_gone)?;
    Ok(web::Json(InvitationPreview {
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        publisher_name: publisher.name,
    }))
}

/// Accept an invitation: set a password and sign in.
///
/// The link works once and only until it expires. The password must have at least 12
/// characters and not be a commonly used one. The answer is a session, with the
/// refresh token in its cookie, as for sign-in.
#[utoipa::path(
    tag = "accounts",
    operation_id = "accept_invitation",
    request_body = SetPasswordRequest,
    responses(
        (status = 200, description = "Password set; signed in", body = Session),
        (status = 400, description = "Not an acceptance", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Expired, used, replaced or unknown invitation", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is too weak", body = shared::Problem, content_type = "application/problem+json"),
    ),
    extensions(("x-access" = json!("public"))),
)]
#[post("/invitations/accept")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let (link, user) = find(&state.db, &request.token, Purpose::Invitation)
        .await?
        .ok_or_else(invitation_gone)?;
    let user = redeem(
        &state,
        &req,
        &link,
        user,
        request.password,
        invitation_gone,
        AuditAction::InvitationAccepted,
        "Accepted the invitation and set a password.",
    )
    .await?;
    session::start(&state, &user, None).await
}

const RESET_ANSWER: &str = "If an account exists for this address, we have mailed it: a link to set a new password \
     (it works once, for an hour) if your publisher allows self-service reset, otherwise whom to ask. \
     If your publisher does not allow self-service reset, contact your Administrator.";

/// Ask for a password reset link.
///
/// Always the same 202 answer, whether or not the account exists. Where the account's
/// publisher allows self-service reset, the account gets a mail with a link that works
/// once, for an hour; otherwise a mail saying to contact their Administrator. Requests
/// for one address are throttled.
#[utoipa::path(
    tag = "accounts",
    operation_id = "request_password_reset",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted (the same answer for every address)", body = PasswordResetAccepted),
        (status = 400, description = "Not a reset request", body = shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this address", body = shared::Problem, content_type = "application/problem+json"),
    ),
    extensions(("x-access" = json!("public"))),
)]
#[post("/password-resets")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = body.email.trim().to_lowercase();
    let window = state.config.sign_in_window_secs;
    let limits = [Limit {
        key: format!("reset:{email}"),
        max: 5,
    }];
    throttle::check(&state.db, &limits, window).await?;
    throttle::record_failure(&state.db, &limits, window).await?;
    let accepted = HttpResponse::Accepted().json(PasswordResetAccepted {
        message: RESET_ANSWER.to_owned(),
    });
    let Some(user) = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?
    else {
        return Ok(accepted);
    };
    let Some(publisher) = publishers::Entity::find_by_id(user.publisher_id)
        .one(&state.db)
        .await?
    else {
        return Ok(accepted);
    };
    let actor = Actor {
        id: Some(user.user_id),
        name: Some(user.email.clone()),
        address: client_address(&req, state.config.trust_forwarded_for),
    };
    let mail = if publisher.allow_password_reset {
        let ttl = state.config.password_reset_ttl_secs;
        let token = issue(&state.db, &user, Purpose::PasswordReset, ttl).await?;
        Mail {
            publisher_id: publisher.publisher_id,
            to: user.email.clone(),
            subject: "Reset your Seller Insights Portal password".to_owned(),
            body: format!(
                "Hello,\n\nSomeone (we hope you) asked to reset the password of {email} for {name} on the \
                 Seller Insights Portal. Open this link to choose a new one:\n\n{LINK}\n\n\
                 The link works once and expires in {minutes} minutes. If you did not ask for it, \
                 ignore this mail: your password stays as it is.\n",
                email = user.email,
                name = publisher.name,
                minutes = ttl.div_ceil(60),
            ),
            link: Some(format!(
                "{}/reset-password#token={token}",
                state.config.public_url()
            )),
        }
    } else {
        Mail {
            publisher_id: publisher.publisher_id,
            to: user.email.clone(),
            subject: "About your Seller Insights Portal password".to_owned(),
            body: format!(
                "Hello,\n\nSomeone (we hope you) asked to reset the password of {email} for {name} on the \
                 Seller Insights Portal. {name} does not allow self-service password reset: please \
                 contact your Administrator, who can invite you again.\n",
                email = user.email,
                name = publisher.name,
            ),
            link: None,
        }
    };
    state.mailer.clone().send_detached(&state.db, mail).await?;
    audit::record(
        &state.db,
        publisher.publisher_id,
        &actor,
        AuditAction::PasswordResetRequested,
        Some(&user.email),
        if publisher.allow_password_reset {
            "A password reset link was mailed."
        } else {
            "A password reset was asked for; self-service reset is off, so the mail says to contact an Administrator."
        },
    )
    .await?;
    Ok(accepted)
}

/// Set a new password with a reset link.
///
/// The link works once, for an hour, and only while the publisher allows self-service
/// reset. Every session of the user ends; they sign in with the new password.
#[utoipa::path(
    tag = "accounts",
    operation_id = "complete_password_reset",
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "The password is set; sign in with it"),
        (status = 400, description = "Not a reset", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Expired, used, replaced or unknown link", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is too weak", body = shared::Problem, content_type = "application/problem+json"),
    ),
    extensions(("x-access" = json!("public"))),
)]
#[post("/password-resets/complete")]
pub async fn complete_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let (link, user) = find(&state.db, &request.token, Purpose::PasswordReset)
        .await?
        .ok_or_else(reset_gone)?;
    let allowed = publishers::Entity::find_by_id(user.publisher_id)
        .one(&state.db)
        .await?
        .is_some_and(|p| p.allow_password_reset);
    if !allowed {
        return Err(ApiError::not_found(
            "Your publisher no longer allows self-service password reset; contact your Administrator.",
        ));
    }
    redeem(
        &state,
        &req,
        &link,
        user,
        request.password,
        reset_gone,
        AuditAction::PasswordReset,
        "Set a new password with a reset link; every session was ended.",
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
