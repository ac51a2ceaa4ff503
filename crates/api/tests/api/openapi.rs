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
        ("PUT", "/api/v1/me", "GET, HEAD"),
        (
            "TRACE",
            "/api/v1/users/0192a1b2-0000-7000-8000-000000000001",
            "GET, DELETE, PATCH, HEAD",
        ),
        ("DELETE", "/api/v1/reports/usage/details", "GET, HEAD"),
        ("GET", "/api/v1/ingest/usage", "POST"),
        ("PUT", "/api/v1/ingest/batches", "GET, HEAD"),
        ("POST", "/health", "GET, HEAD"),
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

/// Every documented path, asked with each method it does not document, is a 405 whose
/// `Allow` lists what it documents (and HEAD beside GET); HEAD is GET without a body.
#[tokio::test]
async fn every_documented_path_refuses_undocumented_methods() {
    let app = spawn_app(Backend::Sqlite).await;
    let spec: serde_json::Value = serde_json::from_str(&api::openapi::spec_json()).unwrap();
    let mut probes = 0;
    for template in spec["paths"].as_object().unwrap().keys() {
        let path: String = template
            .split('/')
            .map(|s| if s.starts_with('{') { "x1" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        // A concrete path may match more than one template (`/ingest/batches` and
        // `/ingest/{dataset}`): a method any of them documents is routed to a handler;
        // `Allow` names the most specific template's.
        let parameters = |t: &str| t.split('/').filter(|s| s.starts_with('{')).count();
        let matching: Vec<(&String, &serde_json::Value)> = spec["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(other, _)| {
                let (a, b): (Vec<&str>, Vec<&str>) =
                    (other.split('/').collect(), path.split('/').collect());
                a.len() == b.len() && a.iter().zip(&b).all(|(t, p)| t.starts_with('{') || t == p)
            })
            .collect();
        let fewest = matching.iter().map(|(t, _)| parameters(t)).min().unwrap();
        let methods_of = |items: &mut dyn Iterator<Item = &serde_json::Value>| {
            let mut out: Vec<String> = Vec::new();
            for item in items {
                for m in ["get", "put", "post", "delete", "patch"] {
                    if item.get(m).is_some() && !out.contains(&m.to_uppercase()) {
                        out.push(m.to_uppercase());
                    }
                }
            }
            out
        };
        let routed = methods_of(&mut matching.iter().map(|(_, i)| *i));
        let mut documented = methods_of(
            &mut matching
                .iter()
                .filter(|(t, _)| parameters(t) == fewest)
                .map(|(_, i)| *i),
        );
        if documented.iter().any(|m| m == "GET") {
            documented.push("HEAD".to_owned());
        }
        for method in ["GET", "PUT", "POST", "DELETE", "PATCH", "TRACE"] {
            if documented.iter().any(|m| m == method) || routed.iter().any(|m| m == method) {
                continue;
            }
            let res = app
                .client
                .request(
                    reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                    app.url(&path),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 405, "{method} {path}");
            let allow = res.headers()["allow"].to_str().unwrap().to_owned();
            let mut allowed: Vec<&str> = allow.split(", ").collect();
            allowed.sort_unstable();
            let mut expected: Vec<&str> = documented.iter().map(String::as_str).collect();
            expected.sort_unstable();
            assert_eq!(allowed, expected, "{method} {path}");
            probes += 1;
        }
    }
    assert!(probes > 150, "only {probes} probes");
    let head = app.client.head(app.url("/health")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.text().await.unwrap(), "");
    let head = app.client.head(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(
        head.status(),
        401,
        "HEAD is GET: the same refusal without a token"
    );
}

/// A body past an operation's limit is a 413 problem document, as the spec says, on the
/// token endpoint (read by hand) as on the JSON ones.
#[tokio::test]
async fn oversized_bodies_are_413_problems() {
    let app = spawn_app(Backend::Sqlite).await;
    for (path, media_type, body) in [
        (
            "/api/v1/oauth/token",
            "application/x-www-form-urlencoded",
            format!(
                "grant_type=client_credentials&scope={}",
                "x".repeat(20 * 1024)
            ),
        ),
        (
            "/api/v1/auth/sign-in",
            "application/json",
            format!(
                "{{\"email\":\"{}\",\"password\":\"x\"}}",
                "a".repeat(300 * 1024)
            ),
        ),
    ] {
        let res = app
            .client
            .post(app.url(path))
            .header("content-type", media_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413, "{path}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let problem: shared::Problem = res.json().await.unwrap();
        assert_eq!(problem.code, shared::ErrorCode::PayloadTooLarge, "{path}");
    }
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
