//! `GET /api/v1/reports/{orders,usage}/{options,monthly,trend,details}`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::auth::Permission;
use shared::dictionary::Dataset;
use shared::reports::activity::{ActivityMonthly, ActivityTrend, SubjectArea, TopN, UsageMeasure};
use shared::reports::grid::{GridPage, OrderRow, UsageRow};
use shared::reports::slicers::{SlicerOptions, Slicers};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::reports::activity::query::{self, Activity};
use crate::reports::grid::{self, Format, GRID_PARAMETERS, GridSpec};
use crate::reports::params::{
    GridParams, MeasureParams, OrderColumnParams, PeriodParams, SlicerParams, SpreadsheetFile,
    TrendParams, UsageColumnParams,
};
use crate::reports::{etagged, filters};
use crate::state::AppState;

fn names(groups: &[&[&'static str]]) -> Vec<&'static str> {
    groups.iter().flat_map(|g| g.iter().copied()).collect()
}

fn activity_of(dataset: Dataset, params: &QueryParams) -> Result<Activity, ApiError> {
    Ok(match dataset {
        Dataset::Usage => Activity::Usage(
            params
                .parsed::<UsageMeasure>("measure")?
                .unwrap_or_default(),
        ),
        _ => Activity::Orders,
    })
}

fn permission(dataset: Dataset) -> Permission {
    match dataset {
        Dataset::Usage => Permission::Usage,
        _ => Permission::Orders,
    }
}

fn measure_names(dataset: Dataset) -> &'static [&'static str] {
    match dataset {
        Dataset::Usage => &["measure"],
        _ => &[],
    }
}

async fn options(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    dataset: Dataset,
) -> Result<HttpResponse, ApiError> {
    caller.require(permission(dataset))?;
    let params = QueryParams::parse(
        req.query_string(),
        &names(&[&["start"], measure_names(dataset)]),
    )?;
    let activity = activity_of(dataset, &params)?;
    let start = params.month("start")?;
    let (db, publisher_id) = (&state.db, caller.publisher_id);
    state
        .report_cache
        .answer(db, caller, req, || async move {
            let (period, data_as_of) = filters::period(db, publisher_id, dataset, start).await?;
            query::options(db, activity, publisher_id, period, data_as_of).await
        })
        .await
}

async fn monthly(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    dataset: Dataset,
) -> Result<HttpResponse, ApiError> {
    caller.require(permission(dataset))?;
    let params = QueryParams::parse(
        req.query_string(),
        &names(&[&["start"], Slicers::PARAMETERS, measure_names(dataset)]),
    )?;
    let activity = activity_of(dataset, &params)?;
    let slicers = filters::slicers(&params)?;
    let start = params.month("start")?;
    let (db, publisher_id, slicers) = (&state.db, caller.publisher_id, &slicers);
    let reader = state.sqlite_reader.as_ref();
    state
        .report_cache
        .answer(db, caller, req, || async move {
            let (period, data_as_of) = filters::period(db, publisher_id, dataset, start).await?;
            query::monthly(
                db,
                reader,
                activity,
                publisher_id,
                period,
                slicers,
                data_as_of,
            )
            .await
        })
        .await
}

async fn trend(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    dataset: Dataset,
) -> Result<HttpResponse, ApiError> {
    caller.require(permission(dataset))?;
    let params = QueryParams::parse(
        req.query_string(),
        &names(&[
            &["start", "subject", "top"],
            Slicers::PARAMETERS,
            measure_names(dataset),
        ]),
    )?;
    let activity = activity_of(dataset, &params)?;
    let slicers = filters::slicers(&params)?;
    let subjects = match params.get("subject") {
        None => SubjectArea::ALL.to_vec(),
        Some(list) => {
            let mut subjects = Vec::new();
            for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let area = part
                    .parse::<SubjectArea>()
                    .map_err(|e| ApiError::invalid_parameter("subject", e))?;
                if !subjects.contains(&area) {
                    subjects.push(area);
                }
            }
            subjects
        }
    };
    let top = params.parsed::<TopN>("top")?.unwrap_or(TopN::Top(10));
    let start = params.month("start")?;
    let (db, publisher_id) = (&state.db, caller.publisher_id);
    let (slicers, subjects) = (&slicers, &subjects);
    let reader = state.sqlite_reader.as_ref();
    state
        .report_cache
        .answer(db, caller, req, || async move {
            let (period, data_as_of) = filters::period(db, publisher_id, dataset, start).await?;
            query::trend(
                db,
                reader,
                activity,
                publisher_id,
                period,
                slicers,
                subjects,
                top,
                data_as_of,
            )
            .await
        })
        .await
}

/// Answers a grid request: a JSON page, or the whole result as CSV or Excel.
pub async fn grid_response(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    request: grid::GridRequest,
    data_as_of: Option<chrono::DateTime<chrono::Utc>>,
    file_stem: String,
) -> Result<HttpResponse, ApiError> {
    let request = request.plan(&state.db).await?;
    if request.format != Format::Json {
        // Who took which data out, for the Administrators' audit log.
        let detail = format!(
            "{} download of {}: {}",
            match request.format {
                Format::Xlsx => "Excel",
                _ => "CSV",
            },
            request.spec.dataset.name(),
            req.query_string()
        );
        crate::accounts::audit::record_by(
            &state.db,
            caller,
            shared::users::AuditAction::DataDownloaded,
            Some(request.spec.dataset.slug()),
            detail,
        )
        .await?;
    }
    match request.format {
        Format::Csv => Ok(grid::export::csv(
            state.db.clone(),
            state.sqlite_reader.clone(),
            request,
            &file_stem,
        )),
        Format::Xlsx => {
            grid::export::xlsx(
                state.db.clone(),
                state.sqlite_reader.clone(),
                request,
                &file_stem,
            )
            .await
        }
        Format::Json => {
            let (rows, next_cursor) = request.page(&state.db).await?;
            let total = if request.want_total {
                Some(request.count(&state.db).await?)
            } else {
                None
            };
            let page = GridPage {
                filters: request.echo(),
                data_as_of,
                masked: request.masked,
                rows,
                next_cursor,
                total,
            };
            etagged(req, &page)
        }
    }
}

/// A detail grid over months (Orders, Usage, Payouts): the caller needs `permission`;
/// the grid takes `start`, its dataset's slicers and the grid parameters.
pub async fn month_grid(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    spec: &'static GridSpec,
    permission: Permission,
) -> Result<HttpResponse, ApiError> {
    let dataset = spec.dataset;
    caller.require(permission)?;
    let params = QueryParams::parse(
        req.query_string(),
        &names(&[&["start"], &spec.slicers.parameters(), GRID_PARAMETERS]),
    )?;
    let (scope, data_as_of) =
        grid::month_scope(&state.db, caller.publisher_id, spec, &params).await?;
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let request = grid::parse(
        spec,
        caller.publisher_id,
        scope,
        &params,
        accept,
        &caller.permissions,
        &state.report_keys,
        state.db.get_database_backend(),
    )?;
    let stem = match scope {
        grid::Scope::Months(p) => format!("{}-{}-to-{}", dataset.slug(), p.start, p.end),
        _ => dataset.slug().to_owned(),
    };
    grid_response(state, caller, req, request, data_as_of, stem).await
}

/// Slicer options of the Orders report: the values present in the period.
///
/// What Panel A's multi-selects offer. Needs the Orders permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_orders_options",
    params(PeriodParams),
    responses(
        (status = 200, description = "The slicer values present", body = SlicerOptions),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or malformed month", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Orders permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Orders"))),
)]
#[get("/reports/orders/options")]
pub async fn get_orders_options(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    options(&state, &caller, &req, Dataset::Orders).await
}

/// The Orders monthly view: new orders by channel and month, top 10 markets and offer
/// types (then "Other"), and by Azure and Marketplace License Type.
///
/// Reads the orders rollup. Needs the Orders permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_orders_monthly",
    params(PeriodParams, SlicerParams),
    responses(
        (status = 200, description = "The monthly view", body = ActivityMonthly),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter, unknown slicer value or malformed month", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Orders permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Orders"))),
)]
#[get("/reports/orders/monthly")]
pub async fn get_orders_monthly(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    monthly(&state, &caller, &req, Dataset::Orders).await
}

/// The Orders trend view: new orders per month for each subject area, top N and
/// "Other" so that the series add up to the month totals.
///
/// Needs the Orders permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_orders_trend",
    params(PeriodParams, SlicerParams, TrendParams),
    responses(
        (status = 200, description = "The trend view", body = ActivityTrend),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or value", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Orders permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Orders"))),
)]
#[get("/reports/orders/trend")]
pub async fn get_orders_trend(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    trend(&state, &caller, &req, Dataset::Orders).await
}

/// The Orders detail grid: one row per order, filtered, sorted and paged by cursor; or
/// every matching row as CSV or Excel.
///
/// Subscription IDs of Bring Your Own License orders are replaced by a stable keyed hash;
/// personal data is masked without the Customers permission. Needs the Orders
/// permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_orders",
    params(PeriodParams, SlicerParams, OrderColumnParams, GridParams),
    responses(
        (status = 200, description = "A page of orders, or the whole result as CSV or Excel",
            content(
                (GridPage<OrderRow> = "application/json"),
                (String = "text/csv"),
                (SpreadsheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter, column, operator or value; bad page size or cursor", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Orders permission, or a filter or sort on personal data without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Orders"))),
)]
#[get("/reports/orders/details")]
pub async fn list_orders(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    month_grid(
        &state,
        &caller,
        &req,
        &grid::spec::ORDERS,
        Permission::Orders,
    )
    .await
}

/// Slicer options of the Usage report: the values present in the period.
///
/// Needs the Usage permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_usage_options",
    params(PeriodParams, MeasureParams),
    responses(
        (status = 200, description = "The slicer values present", body = SlicerOptions),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or malformed month", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Usage permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Usage"))),
)]
#[get("/reports/usage/options")]
pub async fn get_usage_options(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    options(&state, &caller, &req, Dataset::Usage).await
}

/// The Usage monthly view in hours (normalized or raw), with metered usage apart.
///
/// Reads the usage rollup. Needs the Usage permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_usage_monthly",
    params(PeriodParams, SlicerParams, MeasureParams),
    responses(
        (status = 200, description = "The monthly view", body = ActivityMonthly),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter, slicer value or measure; malformed month", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Usage permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Usage"))),
)]
#[get("/reports/usage/monthly")]
pub async fn get_usage_monthly(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    monthly(&state, &caller, &req, Dataset::Usage).await
}

/// The Usage trend view in hours for each subject area, top N and "Other".
///
/// Needs the Usage permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_usage_trend",
    params(PeriodParams, SlicerParams, MeasureParams, TrendParams),
    responses(
        (status = 200, description = "The trend view", body = ActivityTrend),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or value", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Usage permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Usage"))),
)]
#[get("/reports/usage/trend")]
pub async fn get_usage_trend(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    trend(&state, &caller, &req, Dataset::Usage).await
}

/// The Usage detail grid: one row per subscription, day and meter; or every matching
/// row as CSV or Excel.
///
/// BYOL subscription IDs hashed; personal data masked without the Customers permission.
/// Needs the Usage permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_usage",
    params(PeriodParams, SlicerParams, UsageColumnParams, GridParams),
    responses(
        (status = 200, description = "A page of usage rows, or the whole result as CSV or Excel",
            content(
                (GridPage<UsageRow> = "application/json"),
                (String = "text/csv"),
                (SpreadsheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter, column, operator or value; bad page size or cursor", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Usage permission, or a filter or sort on personal data without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Usage"))),
)]
#[get("/reports/usage/details")]
pub async fn list_usage(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    month_grid(&state, &caller, &req, &grid::spec::USAGE, Permission::Usage).await
}
