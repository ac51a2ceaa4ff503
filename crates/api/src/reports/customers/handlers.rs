//! `GET /api/v1/reports/customers/{summary,details}` and
//! `GET /api/v1/reports/customers/{customerId}`.
//!
//! The Customer page is open to callers with the Customers, Orders or Usage permission
//! (Orders and Usage drill down into it); personal data is masked without Customers.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Months, NaiveDate, Utc};
use shared::ErrorCode;
use shared::auth::Permission;
use shared::dictionary::Dataset;
use shared::reports::customers::{CustomerSummary, CustomerView};
use shared::reports::grid::{CustomerRow, GridPage};
use shared::reports::slicers::Slicers;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::reports::activity::handlers::grid_response;
use crate::reports::customers::query;
use crate::reports::grid::{self, GRID_PARAMETERS, Scope};
use crate::reports::params::{
    CustomerColumnParams, DaySpanParams, GridParams, LicenseTypeParams, SpreadsheetFile,
};
use crate::reports::{etagged, filters, freshness};
use crate::state::AppState;

const SLICERS: &[&str] = &["azureLicenseType", "marketplaceLicenseType"];

fn require_customer_page(caller: &Caller) -> Result<(), ApiError> {
    if [Permission::Customers, Permission::Orders, Permission::Usage]
        .iter()
        .any(|p| caller.permissions.contains(p))
    {
        Ok(())
    } else {
        caller.require(Permission::Customers)
    }
}

/// The period of the Customer page: `from` and `to`, by default the year up to the
/// latest day with customer data.
async fn span(
    state: &AppState,
    caller: &Caller,
    params: &QueryParams,
) -> Result<(NaiveDate, NaiveDate, Option<chrono::DateTime<Utc>>), ApiError> {
    let (data_as_of, latest) =
        freshness(&state.db, caller.publisher_id, Dataset::Customers).await?;
    let to = match params.date("to")? {
        Some(d) => d,
        None => latest.unwrap_or_else(|| Utc::now().date_naive()),
    };
    let from = match params.date("from")? {
        Some(d) => d,
        None => to
            .checked_sub_months(Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(to),
    };
    if from > to {
        return Err(ApiError::invalid_parameter(
            "from",
            format!("'from' ({from}) is after 'to' ({to})"),
        ));
    }
    Ok((from, to, data_as_of))
}

fn license_slicers(params: &QueryParams) -> Result<Slicers, ApiError> {
    filters::slicers(params)
}

/// Customers by Marketplace License Type between two dates: active, new and lost.
///
/// Needs the Customers, Orders or Usage permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_customers_summary",
    params(DaySpanParams, LicenseTypeParams),
    responses(
        (status = 200, description = "The customer summary", body = CustomerSummary),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or value, malformed date, or from after to", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Customers, Orders or Usage permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Customers|Orders|Usage"))),
)]
#[get("/reports/customers/summary")]
pub async fn get_customers_summary(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_customer_page(&caller)?;
    let names: Vec<&str> = ["from", "to"].iter().chain(SLICERS).copied().collect();
    let params = QueryParams::parse(req.query_string(), &names)?;
    let slicers = license_slicers(&params)?;
    let (from, to, data_as_of) = span(&state, &caller, &params).await?;
    state
        .report_cache
        .answer(&state.db, &caller, &req, || {
            query::summary(
                &state.db,
                caller.publisher_id,
                from,
                to,
                &slicers,
                data_as_of,
            )
        })
        .await
}

/// The customer grid: a row per customer and subscription active between the two
/// dates, with column filters, sort and cursor paging; or every row as CSV or Excel.
///
/// BYOL subscription IDs hashed; personal data masked without the Customers permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_customers",
    params(DaySpanParams, LicenseTypeParams, CustomerColumnParams, GridParams),
    responses(
        (status = 200, description = "A page of customers, or the whole result as CSV or Excel",
            content(
                (GridPage<CustomerRow> = "application/json"),
                (String = "text/csv"),
                (SpreadsheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter, column, operator or value; bad page size or cursor", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No permission for the Customer page, or a filter or sort on personal data without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Customers|Orders|Usage"))),
)]
#[get("/reports/customers/details")]
pub async fn list_customers(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_customer_page(&caller)?;
    let names: Vec<&str> = ["from", "to"]
        .iter()
        .chain(SLICERS)
        .chain(GRID_PARAMETERS)
        .copied()
        .collect();
    let params = QueryParams::parse(req.query_string(), &names)?;
    let (from, to, data_as_of) = span(&state, &caller, &params).await?;
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let request = grid::parse(
        &grid::spec::CUSTOMERS,
        caller.publisher_id,
        Scope::Days(from, to),
        &params,
        accept,
        &caller.permissions,
        &state.report_keys,
        state.db.get_database_backend(),
    )?;
    grid_response(
        &state,
        &caller,
        &req,
        request,
        data_as_of,
        format!("customers-{from}-to-{to}"),
    )
    .await
}

/// One customer's view: profile, subscriptions, orders and usage by month.
///
/// The customer is looked up by its `CustomerId` among the caller's publisher's data
/// only; an unknown customer, or one of another publisher, is 404.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_customer",
    params(("customerId" = String, Path, description = "The customer's CustomerId")),
    responses(
        (status = 200, description = "The customer's view", body = CustomerView),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No permission for the Customer page", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer for this publisher", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Customers|Orders|Usage"))),
)]
#[get("/reports/customers/{customerId}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    require_customer_page(&caller)?;
    QueryParams::parse(req.query_string(), &[])?;
    let customer_id = path.into_inner();
    let make =
        |spec: &'static grid::GridSpec, query: &str| -> Result<grid::GridRequest, ApiError> {
            let params = QueryParams::parse(query, GRID_PARAMETERS)?;
            Ok(grid::parse(
                spec,
                caller.publisher_id,
                Scope::All,
                &params,
                None,
                &caller.permissions,
                &state.report_keys,
                state.db.get_database_backend(),
            )?
            .with_fixed("customer_id", customer_id.clone()))
        };
    let subscriptions = make(&grid::spec::CUSTOMERS, "sort=-LastModifiedAt&pageSize=1000")?;
    let orders = make(&grid::spec::ORDERS, "sort=-OrderPurchaseDate&pageSize=500")?;
    let (data_as_of, _) = freshness(&state.db, caller.publisher_id, Dataset::Customers).await?;
    match query::view(&state.db, &customer_id, subscriptions, orders, data_as_of).await? {
        Some(view) => etagged(&req, &view),
        None => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("There is no customer '{customer_id}'."),
        )),
    }
}
