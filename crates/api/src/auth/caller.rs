//! The signed-in caller, extracted from the bearer token of every publisher endpoint.
//!
//! Architecture invariant: a handler learns which publisher it serves only from a
//! `Caller`, and a `Caller` exists only for a valid token of an existing user whose
//! token version matches, so publisher scoping cannot be forgotten.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use sea_orm::EntityTrait;
use shared::auth::{Permission, Role};
use uuid::Uuid;

use crate::db::entities::users;
use crate::error::ApiError;
use crate::state::AppState;

/// The authenticated caller: who they are, for which publisher, allowed what.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The user's id.
    pub user_id: Uuid,
    /// The publisher every query of this request is scoped to.
    pub publisher_id: i64,
    /// The user's role.
    pub role: Role,
    /// The report areas the caller may read.
    pub permissions: Vec<Permission>,
}

impl Caller {
    /// Succeeds when the caller may read `area`; a 403 naming the area otherwise.
    pub fn require(&self, area: Permission) -> Result<(), ApiError> {
        if self.permissions.contains(&area) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "You do not have the {} permission; ask your Administrator for it.",
                area.name()
            )))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token?;
            let claims = state.tokens.verify(&token)?;
            let user_id = Uuid::parse_str(&claims.sub)
                .map_err(|_| ApiError::unauthenticated("The access token is not valid."))?;
            let user = users::Entity::find_by_id((claims.pid, user_id))
                .one(&state.db)
                .await?
                .ok_or_else(|| {
                    ApiError::unauthenticated("The access token's account no longer exists.")
                })?;
            if user.token_version != claims.ver {
                return Err(ApiError::unauthenticated(
                    "The access token was revoked (password changed or signed out everywhere); sign in again.",
                ));
            }
            // Permissions come from the account as it is now, so a change takes effect
            // at once rather than when the token expires.
            Ok(Caller {
                user_id,
                publisher_id: user.publisher_id,
                role: Role::from_name(&user.role).unwrap_or(Role::User),
                permissions: parse_permissions(&user.role, &user.permissions),
            })
        })
    }
}

/// The bearer token of the `Authorization` header, or a 401 saying what is wrong with it.
pub(crate) fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthenticated("Sign in first: send 'Authorization: Bearer <access token>'.")
    })?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthenticated("The Authorization header is not valid."))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::unauthenticated(
            "The Authorization header must be 'Bearer <access token>'.",
        )),
    }
}

/// The permissions of an account: all of them for an Administrator, else those stored.
pub fn parse_permissions(role: &str, stored: &str) -> Vec<Permission> {
    if Role::from_name(role) == Some(Role::Administrator) {
        return Permission::ALL.to_vec();
    }
    let mut perms: Vec<Permission> = stored
        .split(',')
        .filter_map(Permission::from_name)
        .collect();
    perms.sort();
    perms.dedup();
    perms
}
