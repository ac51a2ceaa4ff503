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

/// The documented paths and the methods each takes, read once from the spec, so that
/// a known path asked with another method is answered 405 with `Allow`, not 404.
#[derive(Debug)]
pub struct Methods(Vec<(Vec<Option<String>>, Vec<String>)>);

impl Methods {
    /// The table of the spec's paths (`openapi::spec`).
    pub fn of(api: &utoipa::openapi::OpenApi) -> Self {
        Methods(
            api.paths
                .paths
                .iter()
                .map(|(template, item)| {
                    let segments = template
                        .split('/')
                        .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                        .collect();
                    let operations = [
                        ("GET", &item.get),
                        ("PUT", &item.put),
                        ("POST", &item.post),
                        ("DELETE", &item.delete),
                        ("OPTIONS", &item.options),
                        ("HEAD", &item.head),
                        ("PATCH", &item.patch),
                        ("TRACE", &item.trace),
                    ];
                    let mut methods: Vec<String> = operations
                        .iter()
                        .filter(|(_, operation)| operation.is_some())
                        .map(|(method, _)| (*method).to_owned())
                        .collect();
                    // `head_as_get` answers HEAD wherever GET is answered.
                    if methods.iter().any(|m| m == "GET") {
                        methods.push("HEAD".to_owned());
                    }
                    (segments, methods)
                })
                .collect(),
        )
    }

    /// The methods a documented path takes, or `None` when no documented path is this.
    /// Where templates overlap, the most specific wins, as in routing: `/ingest/batches`
    /// takes GET, though `/ingest/{dataset}` would take POST.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let asked: Vec<&str> = path.split('/').collect();
        let mut best: Option<(usize, Vec<String>)> = None;
        for (segments, taken) in &self.0 {
            let matches = segments.len() == asked.len()
                && segments.iter().zip(&asked).all(|(s, a)| match s {
                    Some(fixed) => fixed == a,
                    None => !a.is_empty(),
                });
            if !matches {
                continue;
            }
            let parameters = segments.iter().filter(|s| s.is_none()).count();
            match &mut best {
                Some((fewest, methods)) if *fewest == parameters => {
                    for m in taken {
                        if !methods.contains(m) {
                            methods.push(m.clone());
                        }
                    }
                }
                Some((fewest, _)) if *fewest < parameters => {}
                _ => best = Some((parameters, taken.clone())),
            }
        }
        best.map(|(_, methods)| methods)
    }
}

/// Answers `HEAD` as `GET` without the body (RFC 9110: a server that supports GET
/// supports HEAD), for every route: actix's route guards take `GET` only. The
/// connection already knows the request was `HEAD` and sends no body; the handler's is
/// dropped here all the same, which also ends a download stream.
pub async fn head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let head = req.method() == actix_web::http::Method::HEAD;
    if head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let res = next.call(req).await?;
    Ok(if head {
        res.map_body(|_, _| actix_web::body::BoxBody::new(()))
    } else {
        res.map_into_boxed_body()
    })
}

/// The 405 problem for a documented path asked with a method it does not take.
pub fn method_not_allowed(req: &HttpRequest, allowed: &[String]) -> HttpResponse {
    use actix_web::ResponseError;
    let allow = allowed.join(", ");
    let mut response = ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} does not take {}; it takes {allow}.",
            req.path(),
            req.method()
        ),
    )
    .error_response();
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    response
}

/// The problem answer for a path under `/api` that does not exist, or 405 for a
/// documented path asked with another method.
pub async fn api_not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    if let Some(methods) = req.app_data::<web::Data<Methods>>()
        && let Some(allowed) = methods.allowed(req.path())
    {
        return method_not_allowed(&req, &allowed);
    }
    ApiError::new(
        ErrorCode::NotFound,
        format!("There is no {} {} in this API.", req.method(), req.path()),
    )
    .error_response()
}

#[cfg(test)]
mod tests {
    use super::Methods;

    #[test]
    fn a_documented_path_is_matched_with_its_parameters() {
        let methods = Methods::of(&crate::openapi::spec());
        assert_eq!(
            methods.allowed("/api/v1/users/0192"),
            Some(
                ["GET", "DELETE", "PATCH", "HEAD"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(
            methods.allowed("/health"),
            Some(["GET", "HEAD"].map(String::from).to_vec())
        );
        assert_eq!(
            methods.allowed("/api/v1/ingest/usage"),
            Some(["POST"].map(String::from).to_vec())
        );
        assert_eq!(
            methods.allowed("/api/v1/ingest/batches"),
            Some(["GET", "HEAD"].map(String::from).to_vec())
        );
        assert_eq!(methods.allowed("/api/v1/users/"), None);
        assert_eq!(methods.allowed("/api/v1/nothing"), None);
        assert_eq!(methods.allowed("/api/v1/users/1/2"), None);
    }
}
