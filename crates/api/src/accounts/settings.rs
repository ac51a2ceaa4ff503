//! The publisher's settings (`/api/v1/publisher/settings`), Administrators only.

use actix_web::{get, patch, web};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use shared::users::{AuditAction, PublisherSettings, UpdatePublisherSettings};

use super::audit;
use crate::auth::Caller;
use crate::db::entities::publishers;
use crate::error::ApiError;
use crate::state::AppState;

async fn publisher(state: &AppState, caller: &Caller) -> Result<publishers::Model, ApiError> {
    publishers::Entity::find_by_id(caller.publisher_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::internal("the caller's publisher is missing"))
}

/// The publisher's settings. Administrators only.
#[utoipa::path(
    tag = "users",
    operation_id = "get_publisher_settings",
    responses(
        (status = 200, description = "The settings", body = PublisherSettings),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[get("/publisher/settings")]
pub async fn get_publisher_settings(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<PublisherSettings>, ApiError> {
    caller.require_administrator()?;
    let p = publisher(&state, &caller).await?;
    Ok(web::Json(PublisherSettings {
        name: p.name,
        allow_password_reset: p.allow_password_reset,
    }))
}

/// Change the publisher's settings: whether users may reset a forgotten password by a
/// mailed link. Administrators only.
#[utoipa::path(
    tag = "users",
    operation_id = "update_publisher_settings",
    request_body = UpdatePublisherSettings,
    responses(
        (status = 200, description = "The settings as changed", body = PublisherSettings),
        (status = 400, description = "Not a settings change", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an Administrator", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("administrator"))),
)]
#[patch("/publisher/settings")]
pub async fn update_publisher_settings(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<UpdatePublisherSettings>,
) -> Result<web::Json<PublisherSettings>, ApiError> {
    caller.require_administrator()?;
    let p = publisher(&state, &caller).await?;
    let allow = body.allow_password_reset;
    let p = if p.allow_password_reset != allow {
        let mut active = p.into_active_model();
        active.allow_password_reset = Set(allow);
        let p = active.update(&state.db).await?;
        audit::record_by(
            &state.db,
            &caller,
            AuditAction::SettingsChanged,
            None,
            if allow {
                "Allowed self-service password reset."
            } else {
                "Turned off self-service password reset."
            },
        )
        .await?;
        p
    } else {
        p
    };
    Ok(web::Json(PublisherSettings {
        name: p.name,
        allow_password_reset: p.allow_password_reset,
    }))
}
