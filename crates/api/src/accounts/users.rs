//! User Management (`/api/v1/users`): Administrators list, invite, edit and delete the
//! users of their publisher.
//!
//! Rules: the last Administrator can be neither deleted nor demoted, and nobody deletes
//! themselves. Every change is in the audit log.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use shared::ErrorCode;
use shared::auth::{Permission, Role};
use shared::users::{
    AuditAction, InviteUserRequest, UpdateUserRequest, User, UserPage, UserStatus,
};
use uuid::Uuid;

use super::audit;
use super::links::send_invitation;
use super::paging::Paging;
use super::{name_part, normalise_email};
use crate::auth::caller::parse_permissions;
use crate::auth::session::user_id_of;
use crate::auth::{Caller, refresh};
use crate::db::entities::{account_tokens, publishers, users};
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::state::AppState;

/// The wire view of an account.
pub fn user_view(user: users::Model) -> User {
    User {
        id: user.user_id.to_string(),
        permissions: parse_permissions(&user.role, &user.permissions),
        role: Role::from_name(&user.role).unwrap_or(Role::User),
        status: if user.password_hash.is_some() {
            UserStatus::Active
        } else {
            UserStatus::Invited
        },
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        created_at: user.created_at,
        last_sign_in_at: user.last_sign_in_at,
    }
}

/// Stored form of a permission list (sorted, no duplicates).
pub fn stored_permissions(role: Role, permissions: &[Permission]) -> String {
    if role == Role::Administrator {
        return Permission::ALL
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(",");
    }
    let mut list = permissions.to_vec();
    list.sort();
    list.dedup();
    list.iter().map(|p| p.name()).collect::<Vec<_>>().join(",")
}

/// The user `id` of `publisher_id`, or 404.
async fn find_user<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    id: Uuid,
) -> Result<users::Model, ApiError> {
    users::Entity::find_by_id((publisher_id, id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("No such user."))
}

async fn administrators<C: ConnectionTrait>(db: &C, publisher_id: i64) -> Result<u64, ApiError> {
    Ok(users::Entity::find()
        .filter(users::Column::PublisherId.eq(publisher_id))
        .filter(users::Column::Role.eq(Role::Administrator.name()))
        .count(db)
        .await?)
}

/// The publisher's users, searched and paged.
///
/// `search` matches email, first and last name (any part, any case). Ordered by last
/// name, first name and email. Administrators only.
#[utoipa::path(
    tag = "users",
    operation_id = "list_users",
    params(
        ("search" = Option<String>, Query, description = "Text to look for in email and names", example = "doe"),
        ("page" = Option<u64>, Query, description = "Page number, from 1", example = 1, minimum = 1, maximum = 1000000),
        ("pageSize" = Option<u64>, Query, description = "Users per page, 1 to 100", example = 20, minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        (status = 400, description = "Unknown or malformed parameter", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<UserPage>, ApiError> {
    caller.require_administrator()?;
    let params = QueryParams::parse(req.query_string(), &["search", "page", "pageSize"])?;
    let paging = Paging::from_params(&params)?;
    let mut query =
        users::Entity::find().filter(users::Column::PublisherId.eq(caller.publisher_id));
    if let Some(search) = params
        .get("search")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let escaped = search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let like = |column: users::Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(like(users::Column::Email))
                .add(like(users::Column::FirstName))
                .add(like(users::Column::LastName)),
        );
    }
    let paginator = query
        .order_by_asc(users::Column::LastName)
        .order_by_asc(users::Column::FirstName)
        .order_by_asc(users::Column::Email)
        .paginate(&state.db, paging.page_size);
    let total = paginator.num_items().await?;
    let items = paginator
        .fetch_page(paging.page - 1)
        .await?
        .into_iter()
        .map(user_view)
        .collect();
    Ok(web::Json(UserPage {
        items,
        total,
        page: paging.page,
        page_size: paging.page_size,
    }))
}

/// Add a user: they get an invitation mail with a link to set their password.
///
/// The email must not belong to any account yet (409). Administrators only.
#[utoipa::path(
    tag = "users",
    operation_id = "invite_user",
    request_body = InviteUserRequest,
    responses(
        (status = 201, description = "Created and invited", body = User),
        (status = 400, description = "Not a user", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email address is taken", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[post("/users")]
pub async fn invite_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<InviteUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_administrator()?;
    let request = body.into_inner();
    let publisher = publishers::Entity::find_by_id(caller.publisher_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::internal("the caller's publisher is missing"))?;
    let user = create_invited_user(&state, &publisher, &request, &caller.name).await?;
    audit::record_by(
        &state.db,
        &caller,
        AuditAction::UserInvited,
        Some(&user.email),
        format!(
            "Invited {} as {} with permissions: {}.",
            user.email,
            user.role,
            describe(&parse_permissions(&user.role, &user.permissions))
        ),
    )
    .await?;
    Ok(HttpResponse::Created().json(user_view(user)))
}

/// Creates an invited account in `publisher` and mails the invitation.
pub async fn create_invited_user(
    state: &AppState,
    publisher: &publishers::Model,
    request: &InviteUserRequest,
    invited_by: &str,
) -> Result<users::Model, ApiError> {
    let email = normalise_email("email", &request.email)?;
    let first_name = name_part("firstName", &request.first_name)?;
    let last_name = name_part("lastName", &request.last_name)?;
    let taken = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .count(&state.db)
        .await?
        > 0;
    if taken {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "This email address already has an account; one address can belong to one account only.",
        ));
    }
    let user = users::Model {
        publisher_id: publisher.publisher_id,
        user_id: Uuid::now_v7(),
        email,
        first_name,
        last_name,
        role: request.role.name().to_owned(),
        permissions: stored_permissions(request.role, &request.permissions),
        password_hash: None,
        token_version: 0,
        created_at: Utc::now(),
        last_sign_in_at: None,
    };
    users::Entity::insert(user.clone().into_active_model())
        .exec_without_returning(&state.db)
        .await?;
    send_invitation(state, publisher, &user, invited_by).await?;
    Ok(user)
}

fn describe(permissions: &[Permission]) -> String {
    if permissions.is_empty() {
        "none".to_owned()
    } else {
        permissions
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One user of the publisher. Administrators only.
#[utoipa::path(
    tag = "users",
    operation_id = "get_user",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in your publisher", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<web::Json<User>, ApiError> {
    caller.require_administrator()?;
    let id = user_id_of(&path)?;
    Ok(web::Json(user_view(
        find_user(&state.db, caller.publisher_id, id).await?,
    )))
}

/// Change a user's name, role or permissions.
///
/// Permission changes apply to the user's next request. The last Administrator cannot
/// be made a User (409). Administrators only.
#[utoipa::path(
    tag = "users",
    operation_id = "update_user",
    params(("id" = String, Path, description = "The user's id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The user as changed", body = User),
        (status = 400, description = "Not a change", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in your publisher", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave the publisher without an Administrator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<UpdateUserRequest>,
) -> Result<web::Json<User>, ApiError> {
    caller.require_administrator()?;
    let id = user_id_of(&path)?;
    let change = body.into_inner();
    let user = find_user(&state.db, caller.publisher_id, id).await?;
    let old_role = Role::from_name(&user.role).unwrap_or(Role::User);
    let role = change.role.unwrap_or(old_role);
    if old_role == Role::Administrator
        && role != Role::Administrator
        && administrators(&state.db, caller.publisher_id).await? <= 1
    {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "This is the publisher's last Administrator; make someone else an Administrator first.",
        ));
    }
    let old_permissions = parse_permissions(&user.role, &user.permissions);
    let permissions = change
        .permissions
        .clone()
        .unwrap_or(old_permissions.clone());
    let mut changes = Vec::new();
    let mut active = user.clone().into_active_model();
    if let Some(first) = &change.first_name {
        let first = name_part("firstName", first)?;
        if first != user.first_name {
            changes.push(format!("first name to '{first}'"));
            active.first_name = Set(first);
        }
    }
    if let Some(last) = &change.last_name {
        let last = name_part("lastName", last)?;
        if last != user.last_name {
            changes.push(format!("last name to '{last}'"));
            active.last_name = Set(last);
        }
    }
    if role != old_role {
        changes.push(format!("role from {} to {}", old_role.name(), role.name()));
        active.role = Set(role.name().to_owned());
    }
    let stored = stored_permissions(role, &permissions);
    let new_permissions = parse_permissions(role.name(), &stored);
    if new_permissions != old_permissions {
        changes.push(format!(
            "permissions from {} to {}",
            describe(&old_permissions),
            describe(&new_permissions)
        ));
    }
    active.permissions = Set(stored);
    if changes.is_empty() {
        return Ok(web::Json(user_view(user)));
    }
    let updated = active.update(&state.db).await?;
    audit::record_by(
        &state.db,
        &caller,
        AuditAction::UserUpdated,
        Some(&updated.email),
        format!("Changed {}: {}.", updated.email, changes.join("; ")),
    )
    .await?;
    Ok(web::Json(user_view(updated)))
}

/// Delete a user.
///
/// Their sessions end at once. Nobody deletes themselves, and the last Administrator
/// cannot be deleted (409). Administrators only.
#[utoipa::path(
    tag = "users",
    operation_id = "delete_user",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in your publisher", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Yourself, or the last Administrator", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[delete("/users/{id}")]
pub async fn delete_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_administrator()?;
    let id = user_id_of(&path)?;
    let user = find_user(&state.db, caller.publisher_id, id).await?;
    if user.user_id == caller.user_id {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "You cannot delete your own account; ask another Administrator.",
        ));
    }
    if Role::from_name(&user.role) == Some(Role::Administrator)
        && administrators(&state.db, caller.publisher_id).await? <= 1
    {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "This is the publisher's last Administrator and cannot be deleted.",
        ));
    }
    refresh::revoke_user(&state.db, caller.publisher_id, user.user_id).await?;
    account_tokens::Entity::delete_many()
        .filter(account_tokens::Column::PublisherId.eq(caller.publisher_id))
        .filter(account_tokens::Column::UserId.eq(user.user_id))
        .exec(&state.db)
        .await?;
    users::Entity::delete_by_id((caller.publisher_id, user.user_id))
        .exec(&state.db)
        .await?;
    audit::record_by(
        &state.db,
        &caller,
        AuditAction::UserDeleted,
        Some(&user.email),
        format!("Deleted {} ({}).", user.email, user.role),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a user's invitation again (a new link; the old one stops working).
///
/// Only for users who have not set a password yet (409 otherwise). Administrators only.
#[utoipa::path(
    tag = "users",
    operation_id = "resend_invitation",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Sent"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in your publisher", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The user has already accepted", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[post("/users/{id}/invitation")]
pub async fn resend_invitation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_administrator()?;
    let id = user_id_of(&path)?;
    let user = find_user(&state.db, caller.publisher_id, id).await?;
    if user.password_hash.is_some() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "This user has already set a password.",
        ));
    }
    let publisher = publishers::Entity::find_by_id(caller.publisher_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::internal("the caller's publisher is missing"))?;
    send_invitation(&state, &publisher, &user, &caller.name).await?;
    audit::record_by(
        &state.db,
        &caller,
        AuditAction::UserInvited,
        Some(&user.email),
        format!("Sent {} a new invitation.", user.email),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
