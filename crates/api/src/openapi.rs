//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Seller Insights Portal API",
        version = "1.0.0",
        description = "Orders, usage, customers, licenses and payouts of a marketplace publisher, \
                       as the Seller Insights Portal shows them. Every report is scoped to the caller's \
                       publisher. Errors are RFC 9457 problem documents (`application/problem+json`) \
                       with a stable `code`. Each operation's `x-access` extension says who may call it: \
                       `public`, `signed-in`, `administrator`, `operator` or `permission:<Permission>`. \
                       People sign in at `/auth/sign-in`; integrations get tokens from `/oauth/token` \
                       (client credentials).",
        license(name = "MIT OR Apache-2.0"),
    ),
    modifiers(&BearerSecurity),
    // Besides the bodies' schemas, which the routes bring, those only parameters use.
    components(schemas(
        shared::Problem,
        shared::ErrorCode,
        shared::FieldError,
        shared::dictionary::AzureLicenseType,
        shared::dictionary::MarketplaceLicenseType,
        shared::dictionary::OfferType,
        shared::dictionary::PreviewStatus,
        shared::reports::activity::SubjectArea,
        shared::reports::activity::UsageMeasure,
        shared::support::SupportStatus,
        crate::reports::params::CountryCode,
        crate::reports::grid::Format,
        shared::Month,
        shared::reports::licenses::AnalysisBy,
    )),
    tags(
        (name = "auth", description = "Signing in, sessions and the signed-in user"),
        (name = "accounts", description = "Invitations and password resets (single-use mailed links)"),
        (name = "users", description = "User Management and publisher settings (Administrators)"),
        (name = "integrations", description = "API clients and OAuth 2.0 client-credentials tokens"),
        (name = "audit", description = "The publisher's audit log (Administrators)"),
        (name = "reports", description = "Reports of the caller's publisher"),
        (name = "ingestion", description = "Feeding data in (the instance's operator)"),
        (name = "support", description = "Support requests with attachments, and feedback (the Support permission; the operator answers with its token)"),
        (name = "help", description = "The glossary and the privacy policy (public)"),
        (name = "operations", description = "Running the instance and onboarding publishers (the instance's operator)"),
    ),
)]
struct ApiDoc;

struct BearerSecurity;

impl Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/v1/auth/sign-in`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The instance operator's token (`PORTAL_OPERATOR_TOKEN`, or the one generated into `data/operator-token`).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The base document (info, tags, security) that the routes' paths are added to.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The complete document, as `/api/v1/openapi.json` serves it.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(routes::documented)
        .split_for_parts();
    document_body_refusals(&mut api);
    api
}

/// Every operation that takes a body can be refused for its media type (415) or its size
/// (413) before its handler runs (`startup`'s body configs): each says so.
fn document_body_refusals(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    for item in api.paths.paths.values_mut() {
        let operations = [
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ];
        for operation in operations.into_iter().flatten() {
            if operation.request_body.is_none() {
                continue;
            }
            for (status, description) in [
                ("413", "The body is larger than this operation takes"),
                (
                    "415",
                    "The body is not of a media type this operation takes",
                ),
            ] {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(description)
                                .content(
                                    "application/problem+json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("Problem")))
                                        .build(),
                                )
                                .build(),
                        )
                    });
            }
        }
    }
}

/// The document as committed at `openapi/openapi.json`: pretty JSON with a final newline.
pub fn spec_json() -> String {
    json_of(&spec())
}

/// `api` as committed and served: pretty JSON with a final newline.
pub fn json_of(api: &utoipa::openapi::OpenApi) -> String {
    let mut text = api
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
