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
use shared::users::ApiScope;
use uuid::Uuid;

use crate::db::entities::{api_clients, users};
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
    /// The user's email, or the API client's name (for the audit log).
    pub name: String,
    /// For an API client's token, its scopes; `None` for a person.
    pub client_scopes: Option<Vec<ApiScope>>,
    /// The client address the request came from.
    pub address: Option<String>,
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

impl Caller {
    /// Succeeds for an Administrator of the publisher; a 403 otherwise.
    pub fn require_administrator(&self) -> Result<(), ApiError> {
        if self.role == Role::Administrator && self.client_scopes.is_none() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "Only an Administrator of your publisher may do this.",
            ))
        }
    }

    /// Succeeds for a person signed in; a 403 for an API client's token.
    pub fn require_person(&self) -> Result<(), ApiError> {
        match self.client_scopes {
            None => Ok(()),
            Some(_) => Err(ApiError::forbidden(
                "An API client's token cannot do this; only a signed-in person can.",
            )),
        }
    }

    /// Succeeds for a person, and for an API client granted `scope`; a 403 otherwise.
    pub fn require_scope(&self, scope: ApiScope) -> Result<(), ApiError> {
        match &self.client_scopes {
            Some(scopes) if !scopes.contains(&scope) => Err(ApiError::forbidden(format!(
                "This API client lacks the '{}' scope.",
                scope.name()
            ))),
            _ => Ok(()),
        }
    }
}

/// The report areas an API client's scopes let it read: every report area with
/// `reports:read` (Support is a person's business).
pub fn client_permissions(scopes: &[ApiScope]) -> Vec<Permission> {
    if scopes.contains(&ApiScope::ReportsRead) {
        Permission::ALL
            .iter()
            .copied()
            .filter(|p| *p != Permission::Support)
            .collect()
    } else {
        Vec::new()
    }
}

/// The caller's address: the peer's, or with `trust_forwarded_for` the first hop of
/// `X-Forwarded-For` / `Forwarded` (only behind a proxy that sets it).
pub fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> Option<String> {
    if trust_forwarded_for && let Some(ip) = req.connection_info().realip_remote_addr() {
        return Some(ip.to_owned());
    }
    req.peer_addr().map(|a| a.ip().to_string())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let forwarded = state.as_ref().is_some_and(|s| s.config.trust_forwarded_for);
        let address = client_address(req, forwarded);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token?;
            let claims = state.tokens.verify(&token)?;
            let user_id = Uuid::parse_str(&claims.sub)
                .map_err(|_| ApiError::unauthenticated("The access token is not valid."))?;
            if claims.scope.is_some() {
                let client = api_clients::Entity::find_by_id((claims.pid, user_id))
                    .one(&state.db)
                    .await?
                    .filter(|c| c.revoked_at.is_none())
                    .ok_or_else(|| {
                        ApiError::unauthenticated("The API client was revoked or deleted.")
                    })?;
                // The token grants what it says, within what the client still has.
                let granted: Vec<ApiScope> = client
                    .scopes
                    .split_whitespace()
                    .filter_map(ApiScope::from_name)
                    .filter(|s| {
                        claims
                            .scope
                            .as_deref()
                            .is_some_and(|c| c.split_whitespace().any(|n| n == s.name()))
                    })
                    .collect();
                return Ok(Caller {
                    user_id,
                    publisher_id: client.publisher_id,
                    role: Role::User,
                    permissions: client_permissions(&granted),
                    name: client.name,
                    client_scopes: Some(granted),
                    address,
                });
            }
            let user = users::Entity::find_by_id((claims.pid, user_id))
                .one(&state.db)
                .await?
                .ok_or_else(|| {
                    ApiError::unauthenticated("The access token's account no longer exists.")
                })?;
            if user.token_version != claims.ver || user.password_hash.is_none() {
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
                name: user.email,
                client_scopes: None,
                address,
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
