//! Serving the browser app: its built files, and `index.html` for every client-side route.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, guard, web};

use crate::routes::{Methods, method_not_allowed};

/// Serves `dir` at `/`, answering unknown paths with its `index.html` so that the app's
/// own router handles them. Without a built app, a page says how to build it.
pub fn configure(cfg: &mut web::ServiceConfig, dir: PathBuf) {
    // The app's pages are read, never written: other methods get 405 (and `/health`, a
    // documented path outside `/api`, its own `Allow`).
    cfg.service(
        web::resource("/{tail:.*}")
            .guard(guard::Not(guard::Any(guard::Get()).or(guard::Head())))
            .to(not_read),
    );
    let index = dir.join("index.html");
    if !index.is_file() {
        let dir_text = dir.display().to_string();
        cfg.default_service(fn_service(move |req: ServiceRequest| {
            let dir_text = dir_text.clone();
            async move {
                let (req, _) = req.into_parts();
                let body = format!(
                    "<!doctype html><title>Seller Insights Portal</title><h1>The browser app is not built</h1>\
                     <p>No <code>index.html</code> in <code>{dir_text}</code>. Run <code>scripts/run</code>, \
                     which builds it, or set <code>PORTAL_WEB_DIR</code>. The API is at <code>/api/v1</code>.</p>"
                );
                let res = HttpResponse::ServiceUnavailable()
                    .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
                    .body(body);
                Ok(ServiceResponse::new(req, res))
            }
        }));
        return;
    }
    cfg.service(
        Files::new("/", dir)
            .index_file("index.html")
            .use_etag(true)
            .default_handler(fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move {
                    let (req, _) = req.into_parts();
                    let file = NamedFile::open_async(&index).await?;
                    let mut res = file.into_response(&req);
                    // The shell must be revalidated so a new build is picked up at once.
                    res.headers_mut()
                        .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                    Ok(ServiceResponse::new(req, res))
                }
            })),
    );
}

async fn not_read(req: HttpRequest) -> HttpResponse {
    let documented = req
        .app_data::<web::Data<Methods>>()
        .and_then(|m| m.allowed(req.path()));
    let allowed = documented.unwrap_or_else(|| vec!["GET".to_owned(), "HEAD".to_owned()]);
    method_not_allowed(&req, &allowed)
}
