//! The human-readable API reference at `/api/docs`: Swagger UI over the instance's own
//! `/api/v1/openapi.json`, served from files vendored at build time (npm's
//! `swagger-ui-dist`, pinned in `crates/api/apidocs/package.json`), never from a CDN.

use std::path::PathBuf;

use actix_files::NamedFile;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};

/// The files of Swagger UI the page loads; nothing else of the folder is served.
const ASSETS: &[&str] = &[
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "favicon-32x32.png",
    "favicon-16x16.png",
];

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Seller Insights Portal API reference</title>
  <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
"#;

const INIT: &str = r##"window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
  defaultModelsExpandDepth: 0,
  docExpansion: "list",
  validatorUrl: null
});
"##;

/// Registers `/api/docs`, `/api/docs/init.js` and `/api/docs/assets/{file}`.
pub fn configure(cfg: &mut web::ServiceConfig, dir: PathBuf) {
    let dir = web::Data::new(AssetsDir(dir));
    cfg.service(
        web::scope("/api/docs")
            .app_data(dir)
            .route("", web::get().to(page))
            .route("/", web::get().to(page))
            .route("/init.js", web::get().to(init))
            .route("/assets/{file}", web::get().to(asset)),
    );
}

struct AssetsDir(PathBuf);

/// A strict policy: only this instance's own scripts, styles, images and spec.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                      script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

async fn page(dir: web::Data<AssetsDir>) -> HttpResponse {
    if !dir.0.join("swagger-ui-bundle.js").is_file() {
        let body = format!(
            "<!doctype html><title>API reference</title><h1>The API reference is not installed</h1>\
             <p>No Swagger UI files in <code>{}</code>. Run <code>scripts/run</code> (which runs \
             <code>npm ci</code> in <code>crates/api/apidocs</code>) or set \
             <code>PORTAL_APIDOCS_DIR</code>. The specification itself is at \
             <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>",
            dir.0.display()
        );
        return HttpResponse::ServiceUnavailable()
            .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(body);
    }
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CONTENT_SECURITY_POLICY, POLICY))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(PAGE)
}

async fn init() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(INIT)
}

async fn asset(
    req: HttpRequest,
    dir: web::Data<AssetsDir>,
    file: web::Path<String>,
) -> Result<HttpResponse, actix_web::Error> {
    let name = file.into_inner();
    let Some(known) = ASSETS.iter().find(|a| **a == name) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let file = NamedFile::open_async(dir.0.join(known)).await?;
    Ok(file.use_etag(true).into_response(&req))
}
