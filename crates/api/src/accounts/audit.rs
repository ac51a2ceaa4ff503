//! The audit log: recording who did what, when, from where; and reading it back
//! (`GET /api/v1/audit-log`, Administrators only).
//!
//! Anything a publisher's people or integrations do that an Administrator should be
//! able to trace afterwards goes through [`record`] (or [`record_by`] with the
//! request's [`Caller`]): sign-ins and failures, user and permission changes, API
//! clients, and data downloads (`AuditAction::DataDownloaded`, for export endpoints).

use actix_web::{HttpRequest, get, web};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use shared::users::{AuditAction, AuditEvent, AuditPage};
use uuid::Uuid;

use super::paging::Paging;
use crate::auth::Caller;
use crate::db::entities::audit_log;
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::state::AppState;

/// Who acted, as the audit log names them.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    /// The user's or API client's id.
    pub id: Option<Uuid>,
    /// Their email or the client's name.
    pub name: Option<String>,
    /// The client address.
    pub address: Option<String>,
}

impl From<&Caller> for Actor {
    fn from(caller: &Caller) -> Self {
        Self {
            id: Some(caller.user_id),
            name: Some(caller.name.clone()),
            address: caller.address.clone(),
        }
    }
}

/// Appends an entry to `publisher_id`'s audit log.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    actor: &Actor,
    action: AuditAction,
    target: Option<&str>,
    detail: impl Into<String>,
) -> Result<(), ApiError> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        publisher_id: Set(publisher_id),
        event_id: Set(Uuid::now_v7()),
        occurred_at: Set(Utc::now()),
        actor_id: Set(actor.id),
        actor: Set(actor.name.clone()),
        action: Set(action.name().to_owned()),
        target: Set(target.map(str::to_owned)),
        detail: Set(detail.into()),
        address: Set(actor.address.clone()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Appends an entry for what `caller` did, in the caller's publisher.
pub async fn record_by<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    action: AuditAction,
    target: Option<&str>,
    detail: impl Into<String>,
) -> Result<(), ApiError> {
    record(
        db,
        caller.publisher_id,
        &Actor::from(caller),
        action,
        target,
        detail,
    )
    .await
}

/// The audit log of the caller's publisher, newest first.
///
/// Filter by the acting user's id (`userId`) and by `action`; page with `page` (from 1)
/// and `pageSize` (1 to 100, default 20). Administrators only.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit_log",
    params(
        ("userId" = Option<uuid::Uuid>, Query, description = "Only what this user (or API client) did: its id"),
        ("action" = Option<AuditAction>, Query, description = "Only this kind of event"),
        ("page" = Option<u64>, Query, description = "Page number, from 1", example = 1, minimum = 1, maximum = 1000000),
        ("pageSize" = Option<u64>, Query, description = "Entries per page, 1 to 100", example = 20, minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "A page of the audit log", body = AuditPage),
        (status = 400, description = "Unknown or malformed parameter", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<AuditPage>, ApiError> {
    caller.require_administrator()?;
    let params = QueryParams::parse(
        req.query_string(),
        &["userId", "action", "page", "pageSize"],
    )?;
    let paging = Paging::from_params(&params)?;
    let mut query =
        audit_log::Entity::find().filter(audit_log::Column::PublisherId.eq(caller.publisher_id));
    if let Some(user) = params.get("userId") {
        let id = Uuid::parse_str(user.trim()).map_err(|_| {
            ApiError::invalid_parameter("userId", format!("'{user}' is not a user id (a UUID)"))
        })?;
        query = query.filter(audit_log::Column::ActorId.eq(id));
    }
    if let Some(action) = params.get("action") {
        let action = AuditAction::from_name(action.trim()).ok_or_else(|| {
            ApiError::invalid_parameter(
                "action",
                format!(
                    "'{action}' is not an audit action; use one of: {}",
                    AuditAction::ALL
                        .iter()
                        .map(|a| a.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        query = query.filter(audit_log::Column::Action.eq(action.name()));
    }
    let paginator = query
        .order_by_desc(audit_log::Column::EventId)
        .paginate(&state.db, paging.page_size);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(paging.page - 1).await?;
    Ok(web::Json(AuditPage {
        items: rows
            .into_iter()
            .map(|r| AuditEvent {
                id: r.event_id.to_string(),
                occurred_at: r.occurred_at,
                actor_id: r.actor_id.map(|id| id.to_string()),
                actor: r.actor,
                action: AuditAction::from_name(&r.action).unwrap_or(AuditAction::UserUpdated),
                target: r.target,
                detail: r.detail,
                address: r.address,
            })
            .collect(),
        total,
        page: paging.page,
        page_size: paging.page_size,
    }))
}
