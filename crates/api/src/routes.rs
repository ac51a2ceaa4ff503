//! Every route of the instance, in one place.

use actix_web::{HttpRequest, HttpResponse, web};
use shared::ErrorCode;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::{accounts, auth, health, help, ingest, reports, support};

/// The documented routes: `/health` and everything under `/api/v1`.
pub fn documented(cfg: &mut ServiceConfig) {
    cfg.service(health::health).service(
        utoipa_actix_web::scope("/api/v1")
            .service(auth::handlers::sign_in)
            .service(auth::handlers::refresh_session)
            .service(auth::handlers::sign_out)
            .service(auth::handlers::change_password)
            .service(auth::handlers::me)
            .service(accounts::links::preview_invitation)
            .service(accounts::links::accept_invitation)
            .service(accounts::links::request_password_reset)
            .service(accounts::links::complete_password_reset)
            .service(accounts::users::list_users)
            .service(accounts::users::invite_user)
            .service(accounts::users::get_user)
            .service(accounts::users::update_user)
            .service(accounts::users::delete_user)
            .service(accounts::users::resend_invitation)
            .service(accounts::settings::get_publisher_settings)
            .service(accounts::settings::update_publisher_settings)
            .service(accounts::api_clients::list_api_clients)
            .service(accounts::api_clients::create_api_client)
            .service(accounts::api_clients::revoke_api_client)
            .service(accounts::api_clients::create_oauth_token)
            .service(accounts::audit::list_audit_log)
            .service(accounts::operator::create_publisher_handler)
            .service(accounts::operator::list_publishers)
            .service(accounts::operator::list_outbox)
            .service(reports::summary::handlers::get_summary)
            .service(reports::activity::handlers::get_orders_options)
            .service(reports::activity::handlers::get_orders_monthly)
            .service(reports::activity::handlers::get_orders_trend)
            .service(reports::activity::handlers::list_orders)
            .service(reports::activity::handlers::get_usage_options)
            .service(reports::activity::handlers::get_usage_monthly)
            .service(reports::activity::handlers::get_usage_trend)
            .service(reports::activity::handlers::list_usage)
            // The fixed paths before `{customerId}`, which would otherwise take them.
            .service(reports::customers::handlers::get_customers_summary)
            .service(reports::customers::handlers::list_customers)
            .service(reports::customers::handlers::get_customer)
            .service(reports::licenses::handlers::get_license_options)
            .service(reports::licenses::handlers::get_license_customers)
            .service(reports::licenses::handlers::get_license_licenses)
            .service(reports::licenses::handlers::get_license_analysis)
            .service(reports::licenses::handlers::get_license_geography)
            .service(reports::licenses::handlers::list_licenses)
            .service(reports::payouts::handlers::get_payouts_trend)
            .service(reports::payouts::handlers::list_payouts)
            .service(ingest::handlers::list_ingest_batches)
            .service(ingest::handlers::create_ingest_batch)
            .service(support::handlers::create_support_request)
            .service(support::handlers::list_support_requests)
            .service(support::handlers::get_support_request)
            .service(support::handlers::update_support_request)
            .service(support::handlers::create_support_message)
            .service(support::handlers::get_support_attachment)
            .service(support::handlers::create_feedback)
            .service(support::handlers::list_feedback)
            .service(help::get_glossary)
            .service(help::get_privacy_policy)
            .route("/openapi.json", web::get().to(crate::startup::serve_spec))
            .default_service(web::to(api_not_found)),
    );
}

/// The problem answer for a path under `/api` that does not exist.
pub async fn api_not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    ApiError::new(
        ErrorCode::NotFound,
        format!("There is no {} {} in this API.", req.method(), req.path()),
    )
    .error_response()
}
