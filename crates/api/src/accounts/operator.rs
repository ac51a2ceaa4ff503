//! The operator's onboarding: creating a publisher with its first Administrator
//! (invited by mail), listing publishers, and reading the mail outbox. The same
//! functions serve the CLI (`portal publishers ...`, `portal outbox`) and the operator's
//! endpoints under `/api/v1/operator`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use shared::ErrorCode;
use shared::auth::Role;
use shared::users::{
    AuditAction, InviteUserRequest, NewPublisherRequest, OnboardedPublisher, OutboxMail,
    PublisherInfo,
};

use super::audit::{self, Actor};
use super::invalid_field;
use super::users::{create_invited_user, user_view};
use crate::db::entities::{publishers, users};
use crate::error::ApiError;
use crate::ingest::handlers::Operator;
use crate::query::QueryParams;
use crate::state::AppState;
use crate::users::{create_publisher, find_publisher};

/// Creates a publisher and invites its first Administrator (the invitation goes by
/// SMTP, or to the outbox).
pub async fn onboard(
    state: &AppState,
    request: &NewPublisherRequest,
) -> Result<OnboardedPublisher, ApiError> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(invalid_field(
            "name",
            "must be 1 to 200 characters, without control characters",
        ));
    }
    let slug = request.slug.trim();
    let slug_ok = (2..=40).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.chars().all(|c| c.is_ascii_digit());
    if !slug_ok {
        return Err(invalid_field(
            "slug",
            "must be 2 to 40 lower-case letters, digits and inner hyphens, not only digits",
        ));
    }
    let admin = InviteUserRequest {
        email: request.admin_email.clone(),
        first_name: request.admin_first_name.clone(),
        last_name: request.admin_last_name.clone(),
        role: Role::Administrator,
        permissions: Vec::new(),
    };
    super::normalise_email("adminEmail", &admin.email)?;
    if find_publisher(&state.db, slug).await?.is_some() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("There is already a publisher '{slug}'."),
        ));
    }
    let publisher = create_publisher(&state.db, slug, name).await?;
    let user = create_invited_user(state, &publisher, &admin, "The portal's operator").await?;
    let actor = Actor {
        id: None,
        name: Some("operator".to_owned()),
        address: None,
    };
    audit::record(
        &state.db,
        publisher.publisher_id,
        &actor,
        AuditAction::UserInvited,
        Some(&user.email),
        format!(
            "The operator created {} and invited {} as its first Administrator.",
            publisher.name, user.email
        ),
    )
    .await?;
    Ok(OnboardedPublisher {
        publisher: PublisherInfo {
            id: publisher.publisher_id,
            slug: publisher.slug,
            name: publisher.name,
            allow_password_reset: publisher.allow_password_reset,
            users: 1,
            created_at: publisher.created_at,
        },
        administrator: user_view(user),
    })
}

/// Every publisher with its number of users, by id.
pub async fn list(state: &AppState) -> Result<Vec<PublisherInfo>, ApiError> {
    let rows = publishers::Entity::find()
        .order_by_asc(publishers::Column::PublisherId)
        .all(&state.db)
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for p in rows {
        let count = users::Entity::find()
            .filter(users::Column::PublisherId.eq(p.publisher_id))
            .count(&state.db)
            .await?;
        list.push(PublisherInfo {
            id: p.publisher_id,
            slug: p.slug,
            name: p.name,
            allow_password_reset: p.allow_password_reset,
            users: count,
            created_at: p.created_at,
        });
    }
    Ok(list)
}

/// Onboard a publisher: create it and invite its first Administrator.
///
/// Operator only. The invitation goes out by SMTP, or waits in the outbox.
#[utoipa::path(
    tag = "operations",
    operation_id = "create_publisher",
    request_body = NewPublisherRequest,
    responses(
        (status = 201, description = "Created; the Administrator is invited", body = OnboardedPublisher),
        (status = 400, description = "Not a publisher", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or wrong operator token", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A publisher's token", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug or the email is taken", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("operator" = [])),
    extensions(("x-access" = json!("operator"))),
)]
#[post("/operator/publishers")]
pub async fn create_publisher_handler(
    state: web::Data<AppState>,
    _operator: Operator,
    body: web::Json<NewPublisherRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(onboard(&state, &body).await?))
}

/// Every publisher of the instance. Operator only.
#[utoipa::path(
    tag = "operations",
    operation_id = "list_publishers",
    responses(
        (status = 200, description = "The publishers", body = Vec<PublisherInfo>),
        (status = 401, description = "No or wrong operator token", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A publisher's token", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("operator" = [])),
    extensions(("x-access" = json!("operator"))),
)]
#[get("/operator/publishers")]
pub async fn list_publishers(
    state: web::Data<AppState>,
    _operator: Operator,
) -> Result<web::Json<Vec<PublisherInfo>>, ApiError> {
    Ok(web::Json(list(&state).await?))
}

/// The mail outbox, newest first (`limit`, default 20, at most 500). Operator only.
#[utoipa::path(
    tag = "operations",
    operation_id = "list_outbox",
    params(("limit" = Option<u64>, Query, description = "At most this many mails (1 to 500, default 20)", example = 20, minimum = 1, maximum = 500)),
    responses(
        (status = 200, description = "The newest mails", body = Vec<OutboxMail>),
        (status = 400, description = "Unknown or malformed parameter", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or wrong operator token", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A publisher's token", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("operator" = [])),
    extensions(("x-access" = json!("operator"))),
)]
#[get("/operator/outbox")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    _operator: Operator,
    req: HttpRequest,
) -> Result<web::Json<Vec<OutboxMail>>, ApiError> {
    let params = QueryParams::parse(req.query_string(), &["limit"])?;
    let limit = match params.get("limit") {
        None => 20,
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| {
                ApiError::invalid_parameter("limit", "must be a whole number from 1 to 500")
            })?,
    };
    Ok(web::Json(crate::mail::outbox(&state.db, limit).await?))
}
