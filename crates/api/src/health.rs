//! `GET /health`: the instance and its database.

use std::time::Instant;

use actix_web::{HttpResponse, get, web};
use sea_orm::{ConnectionTrait, Statement};
use shared::health::{DatabaseHealth, Health};

use crate::db::backend_name;
use crate::state::AppState;

/// Whether the instance and its database answer. 200 when both do, 503 otherwise.
#[utoipa::path(
    tag = "operations",
    operation_id = "get_health",
    responses(
        (status = 200, description = "Everything answers", body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    ),
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let started = Instant::now();
    let ok = state
        .db
        .query_one_raw(Statement::from_string(
            state.db.get_database_backend(),
            "SELECT 1",
        ))
        .await
        .is_ok();
    let body = Health {
        status: if ok { "ok" } else { "degraded" }.to_owned(),
        database: DatabaseHealth {
            backend: backend_name(&state.db).to_owned(),
            ok,
            latency_ms: started.elapsed().as_millis() as u64,
        },
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
