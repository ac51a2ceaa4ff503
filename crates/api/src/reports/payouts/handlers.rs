//! `GET /api/v1/reports/payouts/{trend,details}`.

use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::auth::Permission;
use shared::dictionary::Dataset;
use shared::dictionary::OfferType;
use shared::reports::grid::{GridPage, PayoutRow};
use shared::reports::payouts::PayoutTrend;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::reports::activity::handlers::month_grid;
use crate::reports::filters;
use crate::reports::grid;
use crate::reports::params::{GridParams, PayoutColumnParams, PeriodParams, SpreadsheetFile};
use crate::reports::payouts::query;
use crate::state::AppState;

/// The payout trend: earnings of paid offers in US dollars per month of the period, and
/// the period's earnings by payout status.
///
/// Needs the Payouts permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_payouts_trend",
    params(PeriodParams),
    responses(
        (status = 200, description = "The payout trend", body = PayoutTrend),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or malformed month", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Payouts permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Payouts"))),
)]
#[get("/reports/payouts/trend")]
pub async fn get_payouts_trend(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Payouts)?;
    let params = QueryParams::parse(req.query_string(), &["start"])?;
    let start = params.month("start")?;
    let (db, publisher_id) = (&state.db, caller.publisher_id);
    state
        .report_cache
        .answer(db, &caller, &req, || async move {
            let (period, data_as_of) =
                filters::period(db, publisher_id, Dataset::Payouts, start).await?;
            query::trend(db, publisher_id, period, data_as_of).await
        })
        .await
}

/// The payout grid: a row per purchase-record line item of the period, filtered, sorted
/// and paged by cursor; or every matching row as CSV or Excel.
///
/// Needs the Payouts permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_payouts",
    params(PeriodParams, ("offerType" = Option<Vec<OfferType>>, Query, description = "Offer types, repeated or comma-separated", style = Form), PayoutColumnParams, GridParams),
    responses(
        (status = 200, description = "A page of payout line items, or the whole result as CSV or Excel",
            content(
                (GridPage<PayoutRow> = "application/json"),
                (String = "text/csv"),
                (SpreadsheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter, column, operator or value; bad page size or cursor", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Payouts permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Payouts"))),
)]
#[get("/reports/payouts/details")]
pub async fn list_payouts(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    month_grid(
        &state,
        &caller,
        &req,
        &grid::spec::PAYOUTS,
        Permission::Payouts,
    )
    .await
}
