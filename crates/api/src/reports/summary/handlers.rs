//! `GET /api/v1/reports/summary`.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use shared::Month;
use shared::auth::Permission;
use shared::reports::summary::SummaryReport;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::reports::summary::query;
use crate::state::AppState;

/// The Summary's query parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SummaryParams {
    /// The first of the three months (`YYYY-MM`). Without it, the three months ending
    /// with the latest month that has orders.
    #[param(value_type = Option<shared::Month>, example = "2026-09")]
    start: Option<Month>,
}

/// The Summary: new orders over three months from a start month by month, channel and
/// offer type; the top 5 markets, offers and customers; and the payout trend of paid
/// offers.
///
/// Reads the orders rollup of the caller's publisher. Needs the Summary permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_summary",
    params(SummaryParams),
    responses(
        (status = 200, description = "The Summary", body = SummaryReport),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or malformed month", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Summary permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Summary"))),
)]
#[get("/reports/summary")]
pub async fn get_summary(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Summary)?;
    let params = QueryParams::parse(req.query_string(), &["start"])?;
    let start = params.month("start")?;
    state
        .report_cache
        .answer(&state.db, &caller, &req, || {
            query::summary(&state.db, caller.publisher_id, start, &caller.permissions)
        })
        .await
}
