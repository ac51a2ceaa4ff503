//! Refresh tokens: the browser's session behind its short-lived access tokens.
//!
//! A refresh token lives in an HttpOnly, Secure, SameSite=Strict cookie scoped to
//! `/api/v1/auth`, and in the database only as its SHA-256. Every use exchanges it for a
//! new token of the same family. A token used a second time means it was copied: the
//! whole family is revoked, so the thief's and the owner's sessions both end.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::secret;
use crate::db::entities::{refresh_tokens, users};
use crate::error::ApiError;

/// The cookie's name.
pub const COOKIE: &str = "portal_refresh";
/// The cookie's path: only the auth endpoints ever see it.
pub const COOKIE_PATH: &str = "/api/v1/auth";

/// What presenting a refresh token came to.
#[derive(Debug)]
pub enum Rotation {
    /// The user and the successor token (same family).
    Rotated(users::Model, String),
    /// Unknown, expired or revoked: sign in again.
    Invalid,
    /// Already used: the family was revoked. Carries the user's publisher and id.
    Reused(i64, Uuid),
}

/// Stores a new refresh token for the user (a new family unless `family` is given).
pub async fn create<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    user_id: Uuid,
    family: Option<Uuid>,
    ttl_secs: u64,
) -> Result<String, ApiError> {
    let (token, hash) = secret::issue(publisher_id);
    let now = Utc::now();
    // Expired tokens can be neither used nor reused; the user's are cleared here, so the
    // table holds live sessions only.
    refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::PublisherId.eq(publisher_id))
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    refresh_tokens::Entity::insert(refresh_tokens::ActiveModel {
        publisher_id: Set(publisher_id),
        token_sha256: Set(hash),
        user_id: Set(user_id),
        family_id: Set(family.unwrap_or_else(Uuid::now_v7)),
        created_at: Set(now),
        expires_at: Set(now + Duration::seconds(ttl_secs as i64)),
        used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// Exchanges `token` for its successor.
pub async fn rotate<C: ConnectionTrait>(
    db: &C,
    token: &str,
    ttl_secs: u64,
) -> Result<Rotation, ApiError> {
    let Some((publisher_id, hash)) = secret::parse(token) else {
        return Ok(Rotation::Invalid);
    };
    let Some(row) = refresh_tokens::Entity::find_by_id((publisher_id, hash.clone()))
        .one(db)
        .await?
    else {
        return Ok(Rotation::Invalid);
    };
    let now = Utc::now();
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Ok(Rotation::Invalid);
    }
    // Marking it used only where it is still unused makes two concurrent uses of one
    // token come out as one rotation and one reuse.
    let marked = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::PublisherId.eq(publisher_id))
        .filter(refresh_tokens::Column::TokenSha256.eq(hash))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if row.used_at.is_some() || marked.rows_affected != 1 {
        revoke_family(db, publisher_id, row.family_id).await?;
        return Ok(Rotation::Reused(publisher_id, row.user_id));
    }
    let Some(user) = users::Entity::find_by_id((publisher_id, row.user_id))
        .one(db)
        .await?
        .filter(|u| u.password_hash.is_some())
    else {
        return Ok(Rotation::Invalid);
    };
    let next = create(
        db,
        publisher_id,
        user.user_id,
        Some(row.family_id),
        ttl_secs,
    )
    .await?;
    // A sign-out or password change that ran between the checks above and the insert
    // revoked the predecessor but could not see the successor: look again, so that no
    // session outlives its revocation.
    let revoked_meanwhile = refresh_tokens::Entity::find_by_id((publisher_id, row.token_sha256))
        .one(db)
        .await?
        .is_none_or(|r| r.revoked_at.is_some());
    if revoked_meanwhile {
        revoke_family(db, publisher_id, row.family_id).await?;
        return Ok(Rotation::Invalid);
    }
    Ok(Rotation::Rotated(user, next))
}

async fn revoke_family<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    family_id: Uuid,
) -> Result<(), ApiError> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::PublisherId.eq(publisher_id))
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The publisher and user a refresh token belongs to, whether or not it still works.
pub async fn owner<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> Result<Option<(i64, Uuid)>, ApiError> {
    let Some((publisher_id, hash)) = secret::parse(token) else {
        return Ok(None);
    };
    Ok(refresh_tokens::Entity::find_by_id((publisher_id, hash))
        .one(db)
        .await?
        .map(|row| (row.publisher_id, row.user_id)))
}

/// Revokes every refresh token of a user (sign out, password change, deletion).
pub async fn revoke_user<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    user_id: Uuid,
) -> Result<(), ApiError> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::PublisherId.eq(publisher_id))
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The cookie carrying `token`.
pub fn cookie(token: String, ttl_secs: u64) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(ttl_secs as i64))
        .finish()
}

/// A cookie that makes the browser forget the refresh token.
pub fn removal_cookie() -> Cookie<'static> {
    let mut cookie = cookie(String::new(), 0);
    cookie.make_removal();
    cookie
}
