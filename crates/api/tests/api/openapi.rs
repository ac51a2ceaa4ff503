//! The committed OpenAPI document is the one the code generates and serves.

use crate::helpers::{Backend, spawn_app};

#[test]
fn committed_spec_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let generated = api::openapi::spec_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo run -p api -- openapi --output openapi/openapi.json` \
         (or this test with UPDATE_OPENAPI=1) and commit the result"
    );
    let spec: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(
                id.contains('_'),
                "{method} {path} needs a verb_resource operationId, has '{id}'"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{method} {path} needs a tag"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} needs a summary"
            );
        }
    }
}

#[tokio::test]
async fn the_instance_serves_the_committed_spec() {
    let app = spawn_app(Backend::Sqlite).await;
    let served = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.text().await.unwrap(), api::openapi::spec_json());
}

/// The API reference page is Swagger UI over the instance's own spec, from the vendored
/// files only, under a policy that allows no other origin.
#[tokio::test]
async fn the_api_reference_page_is_served_from_local_assets() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let res = app.client.get(app.url("/api/docs")).send().await.unwrap();
    assert_eq!(
        res.status(),
        200,
        "run `npm ci` in crates/api/apidocs (scripts/test does) to vendor Swagger UI"
    );
    let policy = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'self'") && policy.contains("script-src 'self'"));
    let page = res.text().await.unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no remote assets"
    );
    let init = app
        .client
        .get(app.url("/api/docs/init.js"))
        .send()
        .await
        .unwrap();
    assert!(init.text().await.unwrap().contains("/api/v1/openapi.json"));
    for asset in ["swagger-ui-bundle.js", "swagger-ui.css"] {
        assert!(page.contains(&format!("/api/docs/assets/{asset}")));
        let res = app
            .client
            .get(app.url(&format!("/api/docs/assets/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{asset}");
        assert!(
            res.bytes().await.unwrap().len() > 10_000,
            "{asset} is the real file"
        );
    }
    let res = app
        .client
        .get(app.url("/api/docs/assets/package.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "only the page's own assets are served");
}
