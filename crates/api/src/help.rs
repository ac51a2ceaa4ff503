//! `GET /api/v1/glossary` and `GET /api/v1/privacy-policy`: what the Help tab and the
//! footer's Privacy Policy show. Both are public.

use actix_web::{get, web};
use shared::glossary::{GlossaryTerm, glossary, matches};
use shared::support::PrivacyPolicy;

use crate::error::ApiError;
use crate::query::QueryParams;
use crate::state::AppState;

/// Every term used in slicers, charts and columns, with its definition, generated from
/// the data dictionary (so a label and its definition never drift). `search` keeps the
/// terms whose label, name, definition or a value contains it. Public.
#[utoipa::path(
    tag = "help",
    operation_id = "get_glossary",
    params(("search" = Option<String>, Query, description = "Only terms containing this text", example = "license")),
    responses(
        (status = 200, description = "The terms, by label", body = Vec<GlossaryTerm>),
        (status = 400, description = "Unknown parameter", body = shared::Problem, content_type = "application/problem+json"),
    ),
    extensions(("x-access" = json!("public"))),
)]
#[get("/glossary")]
pub async fn get_glossary(
    req: actix_web::HttpRequest,
) -> Result<web::Json<Vec<GlossaryTerm>>, ApiError> {
    let params = QueryParams::parse(req.query_string(), &["search"])?;
    let search = params.get("search").unwrap_or_default();
    Ok(web::Json(
        glossary()
            .into_iter()
            .filter(|t| matches(t, search))
            .collect(),
    ))
}

/// The instance's privacy policy (set by the `privacy_policy` configuration, with a
/// default describing what the portal keeps). Public.
#[utoipa::path(
    tag = "help",
    operation_id = "get_privacy_policy",
    responses((status = 200, description = "The policy", body = PrivacyPolicy)),
    extensions(("x-access" = json!("public"))),
)]
#[get("/privacy-policy")]
pub async fn get_privacy_policy(state: web::Data<AppState>) -> web::Json<PrivacyPolicy> {
    web::Json(PrivacyPolicy {
        text: state.config.privacy_policy_text(),
    })
}
