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
    // Every reference resolves: a generated client cannot build a type it cannot find.
    let mut refs = Vec::new();
    collect_refs(&spec, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}"));
        assert!(
            spec["components"]["schemas"].get(name).is_some(),
            "{r} is referenced but not among the components"
        );
    }
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

/// A documented path asked with a method it does not take is a 405 problem that lists
/// the methods it takes; a path nobody documents stays a 404.
#[tokio::test]
async fn other_methods_on_documented_paths_are_405_with_allow() {
    let app = spawn_app(Backend::Sqlite).await;
    for (method, path, allow) in [
        ("PUT", "/api/v1/me", "GET"),
        (
            "TRACE",
            "/api/v1/users/0192a1b2-0000-7000-8000-000000000001",
            "GET, DELETE, PATCH",
        ),
        ("DELETE", "/api/v1/reports/usage/details", "GET"),
        ("GET", "/api/v1/ingest/usage", "POST"),
        ("POST", "/health", "GET"),
    ] {
        let res = app
            .client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                app.url(path),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "{method} {path}");
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        let problem: shared::Problem = res.json().await.unwrap();
        assert_eq!(problem.code, shared::ErrorCode::MethodNotAllowed);
        assert!(problem.detail.contains(allow), "{}", problem.detail);
    }
    let res = app
        .client
        .delete(app.url("/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // The browser app's pages are only read.
    let res = app.client.post(app.url("/summary")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, HEAD");
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

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => out.push(r.to_owned()),
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
