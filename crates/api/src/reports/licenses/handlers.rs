//! `GET /api/v1/reports/licenses/{options,customers,licenses,analysis,geography,details}`.
//!
//! Every endpoint needs the Licenses permission, answers for the caller's publisher only,
//! takes the same range and filters, and refuses unknown parameters and values. The
//! widget endpoints answer JSON by default, or with `format` (or `Accept`) the widget's
//! aggregated data as CSV, or the widget drawn as PNG, SVG or a one-page PDF.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use shared::auth::Permission;
use shared::reports::grid::{GridPage, LicenseRow};
use shared::reports::licenses::{
    AnalysisBy, LicenseAnalysisWidget, LicenseCustomersWidget, LicenseFilters,
    LicenseGeographyWidget, LicenseLicensesWidget, LicenseOptions,
};
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::query::QueryParams;
use crate::reports::activity::handlers::grid_response;
use crate::reports::etag_of;
use crate::reports::grid::{self, GRID_PARAMETERS, Scope};
use crate::reports::licenses::query::{self, LicenseQuery};
use crate::reports::licenses::render::{self, DEFAULT_SIZE, MAX_SIZE, MIN_SIZE};
use crate::reports::licenses::widgets::Widget;
use crate::reports::params::{GridParams, LicenseColumnParams, SpreadsheetFile};
use crate::state::AppState;

/// The License dashboard's range and filters.
#[allow(dead_code)]
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LicenseFilterParams {
    /// `last6m` (the default) or `last12m`: the months ending with the latest month that
    /// has license data. Not together with `from`/`to`.
    #[param(example = "last12m", pattern = r"^(last6m|last12m)$")]
    range: Option<String>,
    /// A custom range's first month (`YYYY-MM`); default five months before `to`.
    #[param(value_type = Option<shared::Month>, example = "2026-01")]
    from: Option<String>,
    /// A custom range's last month (`YYYY-MM`), the widgets' "current" month; default
    /// the latest month with data. At most 60 months from `from`.
    #[param(value_type = Option<shared::Month>, example = "2026-06")]
    to: Option<String>,
    /// Offer types (dictionary names), repeated or comma-separated.
    #[param(value_type = Option<Vec<shared::dictionary::OfferType>>, style = Form,
        example = json!(["SaaS"]))]
    offer_type: Option<String>,
    /// Offer names (`ProductDisplayName`), repeated or comma-separated.
    #[param(value_type = Option<Vec<String>>, style = Form)]
    offer_name: Option<String>,
    /// Plan names, repeated or comma-separated.
    #[param(value_type = Option<Vec<String>>, style = Form)]
    plan_name: Option<String>,
    /// Customer names, repeated or comma-separated. Needs the Customers permission (403 otherwise).
    #[param(value_type = Option<Vec<String>>, style = Form)]
    customer_name: Option<String>,
    /// Countries/regions as ISO 3166-1 alpha-2 codes, repeated or comma-separated.
    #[param(value_type = Option<Vec<crate::reports::params::CountryCode>>, style = Form,
        example = json!(["US", "DE"]))]
    country: Option<String>,
}

/// A widget's output format and image size.
#[allow(dead_code)]
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WidgetFormatParams {
    /// `json` (the default), `csv` (the widget's aggregated data), `png`, `svg` or `pdf`
    /// (the widget drawn, with its title, filters and `dataAsOf`). `Accept: text/csv`,
    /// `image/png`, `image/svg+xml` or `application/pdf` does the same.
    #[param(example = "png", pattern = r"^(json|csv|png|svg|pdf)$")]
    format: Option<String>,
    /// PNG and SVG width in pixels, 600 to 2400 (default 1200).
    #[param(example = 1200, minimum = 600, maximum = 2400)]
    width: Option<u32>,
    /// PNG and SVG height in pixels, 400 to 1600 (default 675).
    #[param(example = 675, minimum = 400, maximum = 1600)]
    height: Option<u32>,
}

/// The Analysis widget's grouping.
#[allow(dead_code)]
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalysisByParams {
    /// `products` (per offer and plan, the default) or `customers` (per customer).
    #[param(value_type = Option<AnalysisBy>, example = "products")]
    by: Option<String>,
}

/// A PNG image.
pub struct PngImage;
/// A PDF document.
pub struct PdfDocument;

fn binary(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
        .description(Some(description))
        .into()
}

impl utoipa::PartialSchema for PngImage {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        binary("The widget drawn as a PNG image of `width` × `height` pixels.")
    }
}
impl utoipa::ToSchema for PngImage {}
impl utoipa::PartialSchema for PdfDocument {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        binary("The widget drawn on one PDF page (vector graphics, text as text).")
    }
}
impl utoipa::ToSchema for PdfDocument {}

/// What a widget request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Output {
    Json,
    Csv,
    Png,
    Svg,
    Pdf,
}

fn output(params: &QueryParams, req: &HttpRequest) -> Result<Output, ApiError> {
    match params.get("format").map(str::to_ascii_lowercase).as_deref() {
        Some("json") => Ok(Output::Json),
        Some("csv") => Ok(Output::Csv),
        Some("png") => Ok(Output::Png),
        Some("svg") => Ok(Output::Svg),
        Some("pdf") => Ok(Output::Pdf),
        Some(other) => Err(ApiError::invalid_parameter(
            "format",
            format!("'{other}' is not a format; use json, csv, png, svg or pdf"),
        )),
        None => {
            let accept = req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            Ok(if accept.contains("text/csv") {
                Output::Csv
            } else if accept.contains("image/png") {
                Output::Png
            } else if accept.contains("image/svg+xml") {
                Output::Svg
            } else if accept.contains("application/pdf") {
                Output::Pdf
            } else {
                Output::Json
            })
        }
    }
}

fn size(params: &QueryParams) -> Result<(u32, u32), ApiError> {
    let one = |name: &str, default: u32, min: u32, max: u32| -> Result<u32, ApiError> {
        match params.get(name) {
            None => Ok(default),
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::invalid_parameter(
                    name,
                    format!("'{v}' is not a size; use a number of pixels from {min} to {max}"),
                )),
            },
        }
    };
    Ok((
        one("width", DEFAULT_SIZE.0, MIN_SIZE.0, MAX_SIZE.0)?,
        one("height", DEFAULT_SIZE.1, MIN_SIZE.1, MAX_SIZE.1)?,
    ))
}

/// Parses the query (checking every name against `extra` and the filters) and the range.
async fn license_query(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    extra: &[&str],
) -> Result<(QueryParams, LicenseQuery), ApiError> {
    caller.require(Permission::Licenses)?;
    let names: Vec<&str> = LicenseFilters::PARAMETERS
        .iter()
        .chain(extra)
        .copied()
        .collect();
    let params = QueryParams::parse(req.query_string(), &names)?;
    let query = query::parse(&state.db, caller.publisher_id, &caller.permissions, &params).await?;
    Ok((params, query))
}

const WIDGET_PARAMETERS: &[&str] = &["format", "width", "height"];

/// A file answer with a strong ETag (or 304), as a download named `filename`.
fn file(req: &HttpRequest, body: Vec<u8>, content_type: &str, filename: String) -> HttpResponse {
    let etag = etag_of(&body);
    let matches = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim().trim_start_matches("W/") == etag || tag.trim() == "*");
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "Authorization"));
    if matches {
        return response.finish();
    }
    response
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

/// The widget's CSV: its records, text cells a spreadsheet would run neutralised.
pub fn widget_csv<W: Widget>(widget: &W) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in widget.records() {
        let record: Vec<String> = record
            .into_iter()
            .map(|cell| {
                if cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                    && cell.parse::<f64>().is_err()
                {
                    format!("'{cell}")
                } else {
                    cell
                }
            })
            .collect();
        writer
            .write_record(&record)
            .map_err(|e| ApiError::internal(format!("writing a widget CSV: {e}")))?;
    }
    writer
        .into_inner()
        .map_err(|e| ApiError::internal(format!("writing a widget CSV: {e}")))
}

/// Answers a widget in the asked format.
async fn answer<W, F, Fut>(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    params: &QueryParams,
    compute: F,
) -> Result<HttpResponse, ApiError>
where
    W: Widget + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<W, ApiError>>,
{
    let output = output(params, req)?;
    let size = size(params)?;
    if output == Output::Json {
        return state
            .report_cache
            .answer(&state.db, caller, req, compute)
            .await;
    }
    let widget = compute().await?;
    let stem = format!(
        "{}-{}",
        widget.slug(),
        match (widget.filters().from, widget.filters().to) {
            (Some(f), Some(t)) => format!("{f}-to-{t}"),
            _ => "empty".to_owned(),
        }
    );
    let figure = || widget.figure();
    Ok(match output {
        Output::Csv => file(
            req,
            widget_csv(&widget)?,
            "text/csv; charset=utf-8",
            format!("{stem}.csv"),
        ),
        Output::Png => {
            let fig = figure();
            let bytes = web::block(move || render::png(&fig, size))
                .await
                .map_err(ApiError::internal)??;
            file(req, bytes, "image/png", format!("{stem}.png"))
        }
        Output::Svg => {
            let fig = figure();
            let text = web::block(move || render::svg(&fig, size))
                .await
                .map_err(ApiError::internal)??;
            file(
                req,
                text.into_bytes(),
                "image/svg+xml",
                format!("{stem}.svg"),
            )
        }
        Output::Pdf => {
            let fig = figure();
            let bytes = web::block(move || render::pdf(&fig))
                .await
                .map_err(ApiError::internal)??;
            file(req, bytes, "application/pdf", format!("{stem}.pdf"))
        }
        Output::Json => return Err(ApiError::internal("a JSON answer past the cache")),
    })
}

/// The filter values present in the range: offer types, offer names, plan names,
/// customer names (only with the Customers permission) and countries/regions.
///
/// Needs the Licenses permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_license_options",
    params(LicenseFilterParams),
    responses(
        (status = 200, description = "The filter options of the range", body = LicenseOptions),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or value, malformed month, bad range", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Licenses permission, or a customer-name filter without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Licenses"))),
)]
#[get("/reports/licenses/options")]
pub async fn get_license_options(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (_, lq) = license_query(&state, &caller, &req, &[]).await?;
    state
        .report_cache
        .answer(&state.db, &caller, &req, || query::options(&state.db, &lq))
        .await
}

/// The Customers widget: the current number of customers (distinct customers with
/// license rows in the last month of the range) and the month-over-month trend.
///
/// Needs the Licenses permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_license_customers",
    params(LicenseFilterParams, WidgetFormatParams),
    responses(
        (status = 200, description = "The Customers widget as JSON, CSV, PNG, SVG or PDF",
            content(
                (LicenseCustomersWidget = "application/json"),
                (String = "text/csv"),
                (PngImage = "image/png"),
                (String = "image/svg+xml"),
                (PdfDocument = "application/pdf"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or value, malformed month, bad range, format or size", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Licenses permission, or a customer-name filter without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Licenses"))),
)]
#[get("/reports/licenses/customers")]
pub async fn get_license_customers(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (params, lq) = license_query(&state, &caller, &req, WIDGET_PARAMETERS).await?;
    let (db, lq) = (&state.db, &lq);
    answer(&state, &caller, &req, &params, move || async move {
        let facts = query::facts(db, lq).await?;
        Ok(query::customers(lq, &facts))
    })
    .await
}

/// The Licenses widget: provisioned and assigned licenses in the last month of the range
/// and month over month.
///
/// Needs the Licenses permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_license_licenses",
    params(LicenseFilterParams, WidgetFormatParams),
    responses(
        (status = 200, description = "The Licenses widget as JSON, CSV, PNG, SVG or PDF",
            content(
                (LicenseLicensesWidget = "application/json"),
                (String = "text/csv"),
                (PngImage = "image/png"),
                (String = "image/svg+xml"),
                (PdfDocument = "application/pdf"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or value, malformed month, bad range, format or size", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Licenses permission, or a customer-name filter without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Licenses"))),
)]
#[get("/reports/licenses/licenses")]
pub async fn get_license_licenses(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (params, lq) = license_query(&state, &caller, &req, WIDGET_PARAMETERS).await?;
    let (db, lq) = (&state.db, &lq);
    answer(&state, &caller, &req, &params, move || async move {
        let facts = query::facts(db, lq).await?;
        Ok(query::licenses(lq, &facts))
    })
    .await
}

/// The Analysis widget: provisioned and assigned licenses of the last month per offer
/// and plan (`by=products`) or per customer (`by=customers`), each row's share of the
/// total in percent and its previous month; and the month-over-month totals.
///
/// Needs the Licenses permission; customer names are masked without Customers.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_license_analysis",
    params(LicenseFilterParams, AnalysisByParams, WidgetFormatParams),
    responses(
        (status = 200, description = "The Analysis widget as JSON, CSV, PNG, SVG or PDF",
            content(
                (LicenseAnalysisWidget = "application/json"),
                (String = "text/csv"),
                (PngImage = "image/png"),
                (String = "image/svg+xml"),
                (PdfDocument = "application/pdf"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or value, malformed month, bad range, grouping, format or size", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Licenses permission, or a customer-name filter without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Licenses"))),
)]
#[get("/reports/licenses/analysis")]
pub async fn get_license_analysis(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let extra: Vec<&str> = WIDGET_PARAMETERS.iter().chain(&["by"]).copied().collect();
    let (params, lq) = license_query(&state, &caller, &req, &extra).await?;
    let by = match params.get("by") {
        None | Some("products") => AnalysisBy::Products,
        Some("customers") => AnalysisBy::Customers,
        Some(other) => {
            return Err(ApiError::invalid_parameter(
                "by",
                format!("'{other}' is not a grouping; use products or customers"),
            ));
        }
    };
    let (db, lq) = (&state.db, &lq);
    answer(&state, &caller, &req, &params, move || async move {
        let facts = query::facts(db, lq).await?;
        Ok(query::analysis(lq, &facts, by))
    })
    .await
}

/// The Geographical spread widget: licenses of the last month of the range per
/// country/region; as an image, a shaded world map with a table of the top countries.
///
/// Needs the Licenses permission.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_license_geography",
    params(LicenseFilterParams, WidgetFormatParams),
    responses(
        (status = 200, description = "The Geographical spread widget as JSON, CSV, PNG, SVG or PDF",
            content(
                (LicenseGeographyWidget = "application/json"),
                (String = "text/csv"),
                (PngImage = "image/png"),
                (String = "image/svg+xml"),
                (PdfDocument = "application/pdf"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter or value, malformed month, bad range, format or size", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Licenses permission, or a customer-name filter without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Licenses"))),
)]
#[get("/reports/licenses/geography")]
pub async fn get_license_geography(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (params, lq) = license_query(&state, &caller, &req, WIDGET_PARAMETERS).await?;
    let (db, lq) = (&state.db, &lq);
    answer(&state, &caller, &req, &params, move || async move {
        let facts = query::facts(db, lq).await?;
        Ok(query::geography(lq, &facts))
    })
    .await
}

/// The license rows of the filtered range ("Download data"): a page of rows, or with
/// `format=csv` (or `Accept: text/csv`) every row streamed as CSV with the license
/// dictionary's columns; `format=xlsx` for Excel.
///
/// Needs the Licenses permission; customer names are masked without Customers.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_licenses",
    params(LicenseFilterParams, LicenseColumnParams, GridParams),
    responses(
        (status = 200, description = "A page of license rows, or every row as CSV or Excel",
            content(
                (GridPage<LicenseRow> = "application/json"),
                (String = "text/csv"),
                (SpreadsheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown parameter, column, operator or value; bad range, page size or cursor", body = shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No Licenses permission, or personal data asked for without the Customers permission", body = shared::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!("permission:Licenses"))),
)]
#[get("/reports/licenses/details")]
pub async fn list_licenses(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (params, lq) = license_query(&state, &caller, &req, GRID_PARAMETERS).await?;
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let mut request = grid::parse(
        &grid::spec::LICENSES,
        caller.publisher_id,
        Scope::Months(lq.period),
        &params,
        accept,
        &caller.permissions,
        &state.report_keys,
        state.db.get_database_backend(),
    )?;
    for (column, values) in lq.column_filters() {
        request = request.with_any(column, values);
    }
    let stem = format!("licenses-{}-to-{}", lq.period.start, lq.period.end);
    grid_response(&state, &caller, &req, request, lq.data_as_of, stem).await
}
