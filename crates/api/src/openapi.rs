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
    components(schemas(shared::Problem, shared::ErrorCode, shared::FieldError)),
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
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(routes::documented)
        .split_for_parts();
    api
}

/// The document as committed at `openapi/openapi.json`: pretty JSON with a final newline.
pub fn spec_json() -> String {
    let mut text = spec()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
