//! Proven isolation: every operation of the committed OpenAPI document is called as a
//! user of publisher A with publisher B's identifiers, as A's users lacking the
//! permission or role it needs, anonymously, and with forged tokens. Nothing of B's may
//! come back, and the refusals must be the documented ones.
//!
//! The test enumerates `openapi/openapi.json`, so an endpoint added later is covered
//! without anyone remembering to add it here. An operation can say who may call it
//! with the `x-access` extension (`public`, `signed-in`, `administrator`, `operator`,
//! `permission:<Permission>`, or `permission:<A>|<B>` for an operation that takes any
//! of several); without it, an operation that documents a 403 must refuse a user with
//! no permissions.

use api::auth::token::{AUDIENCE, Claims, ISSUER, now_secs};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use serde_json::{Value, json};
use shared::auth::{Permission, Role};
use shared::users::CreatedApiClient;

use crate::helpers::{Backend, PASSWORD, TestApp, order, spawn_app};
use crate::on_both_databases;
use api::store::FactBatch;
use api::users::{NewUser, create_user};
use shared::dictionary::{AzureLicenseType, OfferType};

/// What identifies publisher B: none of it may appear in an answer to A.
struct Bravo {
    user_id: String,
    admin_id: String,
    client_id: String,
    customer_id: String,
    subscription_id: String,
    order_id: String,
    offer_id: String,
    request_number: String,
    attachment_id: String,
    markers: Vec<String>,
}

impl Bravo {
    /// B's identifier for a path parameter of this name, when the name says what it
    /// identifies.
    fn id_for(&self, name: &str) -> Option<String> {
        let name = name.to_lowercase();
        let id = if name.contains("request") {
            &self.request_number
        } else if name.contains("attachment") {
            &self.attachment_id
        } else if name == "id" || name.contains("user") {
            &self.user_id
        } else if name.contains("client") {
            &self.client_id
        } else if name.contains("customer") {
            &self.customer_id
        } else if name.contains("subscription") {
            &self.subscription_id
        } else if name.contains("order") {
            &self.order_id
        } else if name.contains("offer") {
            &self.offer_id
        } else {
            return None;
        };
        Some(id.clone())
    }
}

async fn publisher_b(app: &TestApp) -> Bravo {
    let b = app.tenant("bravozulu", &[Permission::Orders]).await;
    let mut row = order(
        b.publisher_id,
        "zulu-1",
        "2026-03-05",
        AzureLicenseType::Enterprise,
        OfferType::SaaS,
        "DE",
    );
    row.customer_name = "Zuleika Bravissimo".to_owned();
    row.customer_company_name = "Bravissimo Zulu GmbH".to_owned();
    row.offer_name = "Zulu Secret Offer".to_owned();
    row.offer_id = "offer-zulu-secret".to_owned();
    let (customer_id, subscription_id, order_id, offer_id) = (
        row.customer_id.clone(),
        row.marketplace_subscription_id.clone(),
        row.order_id.clone(),
        row.offer_id.clone(),
    );
    app.store(b.publisher_id, "b-orders", FactBatch::Orders(vec![row]))
        .await;
    let admin = app.token(&b.admin_email).await;
    let created: CreatedApiClient = app
        .post_json(
            "/api/v1/api-clients",
            Some(&admin),
            &json!({"name": "Zulu integration", "scopes": ["reports:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    app.post_json(
        "/api/v1/users",
        Some(&admin),
        &json!({"email": "invited@bravozulu.test", "firstName": "Invitee", "lastName": "Zulu"}),
    )
    .await;
    // A support request of B's, with an attachment.
    let boundary = "zulu-boundary";
    let request = json!({
        "problemType": "reportsAndInsights",
        "category": "other",
        "contact": {"name": "Zuleika Bravissimo", "email": "zuleika@bravozulu.test", "phone": "",
                    "timeZone": "Europe/Berlin", "region": "DE", "language": "de-DE"},
        "title": "Zulu support question",
        "description": "Bravissimo details"
    });
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{request}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"zulu.txt\"\r\n\r\n\
         Zulu attachment\r\n--{boundary}--\r\n"
    );
    let filed: Value = app
        .client
        .post(app.url("/api/v1/support-requests"))
        .bearer_auth(&admin)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let request_number = filed["number"].as_str().unwrap().to_owned();
    let attachment_id = filed["messages"][0]["attachments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user_id = app.user_id(&b.user_email).await;
    let admin_id = app.user_id(&b.admin_email).await;
    Bravo {
        request_number,
        attachment_id,
        markers: vec![
            "bravozulu".to_owned(),
            "Zuleika".to_owned(),
            "Bravissimo".to_owned(),
            "Zulu".to_owned(),
            user_id.clone(),
            admin_id.clone(),
            created.client.client_id.clone(),
            created.client_secret.clone(),
        ],
        user_id,
        admin_id,
        client_id: created.client.client_id,
        customer_id,
        subscription_id,
        order_id,
        offer_id,
    }
}

/// A's people: the Administrator, a User with no permissions, a User with every
/// permission, and Users lacking given permissions (made when first needed).
struct Alpha {
    publisher_id: i64,
    admin: String,
    nobody: String,
    everything: String,
    lacking: std::collections::HashMap<Vec<Permission>, String>,
}

impl Alpha {
    /// A User of A with every permission but `missing`.
    async fn user_lacking(&mut self, app: &TestApp, missing: &[Permission]) -> String {
        let mut key = missing.to_vec();
        key.sort();
        if let Some(email) = self.lacking.get(&key) {
            return email.clone();
        }
        let email = format!(
            "lacking-{}@alpha.test",
            key.iter()
                .map(|p| p.name().to_lowercase())
                .collect::<Vec<_>>()
                .join("-")
        );
        let permissions: Vec<Permission> = Permission::ALL
            .iter()
            .copied()
            .filter(|p| !key.contains(p))
            .collect();
        create_user(
            &app.state.db,
            NewUser {
                publisher_id: self.publisher_id,
                email: &email,
                first_name: "Alpha",
                last_name: "Person",
                role: Role::User,
                permissions: &permissions,
                password: Some(PASSWORD),
            },
        )
        .await
        .unwrap();
        self.lacking.insert(key, email.clone());
        email
    }
}

async fn publisher_a(app: &TestApp) -> Alpha {
    let a = app.tenant("alpha", &[]).await;
    let row = order(
        a.publisher_id,
        "alpha-1",
        "2026-03-07",
        AzureLicenseType::Enterprise,
        OfferType::SaaS,
        "US",
    );
    app.store(a.publisher_id, "a-orders", FactBatch::Orders(vec![row]))
        .await;
    let mut alpha = Alpha {
        publisher_id: a.publisher_id,
        admin: a.admin_email,
        nobody: a.user_email,
        everything: String::new(),
        lacking: Default::default(),
    };
    alpha.everything = alpha.user_lacking(app, &[]).await;
    alpha
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            &spec["components"]["schemas"][name]
        }
        None => value,
    }
}

/// A request an operation documents, with B's identifiers in its path.
struct Probe {
    method: Method,
    path: String,
    /// Whether a path parameter names an object (B's, or nobody's).
    names_an_object: bool,
    sent_ids: Vec<String>,
    /// The path with B's ids also in the optional query parameters whose names say
    /// what they identify (`userId=...`), when there are any.
    path_with_b_ids_in_query: Option<String>,
    content_type: Option<String>,
    body: Option<String>,
    bearer: bool,
    access: Option<String>,
    documents_403: bool,
}

fn probe(spec: &Value, method: &str, template: &str, op: &Value, b: &Bravo) -> Probe {
    let id = op["operationId"].as_str().unwrap_or(template);
    let mut path = template.to_owned();
    let mut query = Vec::new();
    let mut id_query = Vec::new();
    let mut names_an_object = false;
    let mut sent_ids = Vec::new();
    for param in op["parameters"].as_array().into_iter().flatten() {
        let param = resolve(spec, param);
        let name = param["name"].as_str().unwrap();
        let example = param
            .get("example")
            .or_else(|| param["schema"].get("example"));
        match param["in"].as_str().unwrap() {
            "path" => {
                // B's id where the name says what it identifies; an example value (a
                // dataset, an area) where there is one; else an id nobody has.
                let value = match (b.id_for(name), example) {
                    (Some(id), _) => {
                        names_an_object = true;
                        sent_ids.push(id.clone());
                        id
                    }
                    (None, Some(e)) => e
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| e.to_string()),
                    (None, None) => {
                        names_an_object = true;
                        let id = uuid::Uuid::new_v4().to_string();
                        sent_ids.push(id.clone());
                        id
                    }
                };
                path = path.replace(&format!("{{{name}}}"), &value);
            }
            "query" if param["required"].as_bool() == Some(true) => {
                let e = example.unwrap_or_else(|| {
                    panic!("{id}: required query parameter '{name}' needs an example for this test")
                });
                let value = e
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| e.to_string());
                let value = if name == "publisher" {
                    "bravozulu".to_owned()
                } else {
                    value
                };
                query.push(format!("{name}={value}"));
            }
            "query" => {
                if let Some(b_id) = b.id_for(name) {
                    sent_ids.push(b_id.clone());
                    id_query.push(format!("{name}={b_id}"));
                }
            }
            _ => {}
        }
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let path_with_b_ids_in_query = (!id_query.is_empty()).then(|| {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{path}{separator}{}", id_query.join("&"))
    });
    let (content_type, body) = match op.get("requestBody") {
        None => (None, None),
        Some(request) => {
            let (media, content) = request["content"]
                .as_object()
                .and_then(|c| c.iter().next())
                .unwrap_or_else(|| panic!("{id}: a request body without content"));
            let example = content
                .get("example")
                .or_else(|| resolve(spec, &content["schema"]).get("example"))
                .cloned();
            let body = match media.as_str() {
                "application/json" => serde_json::to_string(&example.unwrap_or_else(|| {
                    panic!("{id}: the JSON request body needs an example for this test")
                }))
                .unwrap(),
                "application/x-www-form-urlencoded" => {
                    let example =
                        example.unwrap_or_else(|| panic!("{id}: the form body needs an example"));
                    let mut form = form_urlencoded::Serializer::new(String::new());
                    for (k, v) in example.as_object().unwrap() {
                        form.append_pair(k, v.as_str().unwrap_or_default());
                    }
                    form.finish()
                }
                _ => example
                    .and_then(|e| e.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            };
            (Some(media.clone()), Some(body))
        }
    };
    let bearer = op["security"]
        .as_array()
        .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
    Probe {
        method: Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
        path,
        names_an_object,
        sent_ids,
        path_with_b_ids_in_query,
        content_type,
        body,
        bearer,
        access: op["x-access"].as_str().map(str::to_owned),
        documents_403: op["responses"].get("403").is_some(),
    }
}

async fn call(app: &TestApp, p: &Probe, token: Option<&str>) -> (u16, String) {
    let mut req = app.client.request(p.method.clone(), app.url(&p.path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let (Some(media), Some(body)) = (&p.content_type, &p.body) {
        req = req.header("content-type", media).body(body.clone());
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    assert!(
        status < 500,
        "{} {} answered {status}: {body}",
        p.method,
        p.path
    );
    (status, body)
}

fn assert_nothing_of_b(b: &Bravo, p: &Probe, who: &str, body: &str) {
    for marker in &b.markers {
        if p.sent_ids.contains(marker) {
            continue; // An id we sent may be echoed; that reveals nothing.
        }
        assert!(
            !body.contains(marker.as_str()),
            "{} {} as {who}: the answer contains B's '{marker}': {body}",
            p.method,
            p.path
        );
    }
}

fn forged(claims: &Claims) -> Vec<(&'static str, String)> {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let rs = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let hs = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    vec![
        ("alg none", format!("{none}.{payload}.")),
        ("RS256", format!("{rs}.{payload}.c2lnbmF0dXJl")),
        ("unsigned HS256", format!("{hs}.{payload}.c2lnbmF0dXJl")),
    ]
}

async fn every_operation_is_isolated(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = publisher_b(&app).await;
    let mut a = publisher_a(&app).await;
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json"),
    )
    .unwrap();
    let spec: Value = serde_json::from_str(&committed).unwrap();
    let b_pid = app
        .scalar("SELECT publisher_id FROM publishers WHERE slug = 'bravozulu'")
        .await;
    // An A Administrator's claims, but pointing at B's publisher: forged every way.
    let forged_claims = Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: b.admin_id.clone(),
        pid: b_pid,
        role: "Administrator".into(),
        perms: Permission::ALL
            .iter()
            .map(|p| p.name().to_owned())
            .collect(),
        ver: 0,
        iat: now_secs(),
        exp: now_secs() + 600,
        scope: None,
    };

    let mut covered = 0;
    let mut total = 0;
    for (template, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            total += 1;
            let p = probe(&spec, method, template, op, &b);
            let name = op["operationId"].as_str().unwrap_or_default().to_owned();

            // 1. A's Administrator with B's identifiers.
            let admin = app.token(&a.admin).await;
            let (status, body) = call(&app, &p, Some(&admin)).await;
            assert_nothing_of_b(&b, &p, "A's Administrator", &body);
            if p.names_an_object || p.access.as_deref() == Some("operator") {
                assert!(
                    status == 403 || status == 404,
                    "{name}: {} {} as A's Administrator answered {status}, not 403/404: {body}",
                    p.method,
                    p.path
                );
            }

            if let Some(path) = &p.path_with_b_ids_in_query {
                let with_ids = Probe {
                    path: path.clone(),
                    path_with_b_ids_in_query: None,
                    sent_ids: p.sent_ids.clone(),
                    method: p.method.clone(),
                    content_type: p.content_type.clone(),
                    body: p.body.clone(),
                    access: p.access.clone(),
                    ..p
                };
                let (_, body) = call(&app, &with_ids, Some(&admin)).await;
                assert_nothing_of_b(
                    &b,
                    &with_ids,
                    "A's Administrator, B's ids in the query",
                    &body,
                );
            }

            // 2. A's User without any permission.
            let nobody = app.token(&a.nobody).await;
            let (status, body) = call(&app, &p, Some(&nobody)).await;
            assert_nothing_of_b(&b, &p, "A's User without permissions", &body);
            let must_refuse = match p.access.as_deref() {
                Some("public") | Some("signed-in") => false,
                Some(_) => true,
                None => p.documents_403,
            };
            if must_refuse || p.names_an_object {
                assert!(
                    status == 403 || status == 404,
                    "{name}: {} {} as a User without permissions answered {status}: {body}",
                    p.method,
                    p.path
                );
            }

            // 3. The precise lack: the permission (every one of those listed, for an
            // operation that takes any of them), or the Administrator role.
            let lacking: Option<(String, String)> = match p.access.as_deref() {
                Some("administrator") => {
                    Some(("a User with every permission".into(), a.everything.clone()))
                }
                Some(access) if access.starts_with("permission:") => {
                    let wanted: Vec<Permission> = access["permission:".len()..]
                        .split('|')
                        .map(|n| {
                            Permission::from_name(n.trim()).unwrap_or_else(|| {
                                panic!("{name}: unknown permission in x-access '{access}'")
                            })
                        })
                        .collect();
                    let email = a.user_lacking(&app, &wanted).await;
                    Some((format!("a User with every permission but {access}"), email))
                }
                _ => None,
            };
            if let Some((who, email)) = lacking {
                let token = app.token(&email).await;
                let (status, body) = call(&app, &p, Some(&token)).await;
                assert_nothing_of_b(&b, &p, &who, &body);
                assert_eq!(
                    status, 403,
                    "{name}: {} {} as {who}: {body}",
                    p.method, p.path
                );
            }
            if p.access.is_none() {
                // Undeclared: whatever Users lacking one permission may see, it is
                // nothing of B's.
                for missing in Permission::ALL {
                    let email = a.user_lacking(&app, &[*missing]).await;
                    let token = app.token(&email).await;
                    let (_, body) = call(&app, &p, Some(&token)).await;
                    assert_nothing_of_b(&b, &p, &email, &body);
                }
            }

            // 4. Anonymous, and forged tokens claiming to be B's Administrator.
            if p.bearer {
                let (status, body) = call(&app, &p, None).await;
                assert_eq!(
                    status, 401,
                    "{name}: {} {} anonymously: {body}",
                    p.method, p.path
                );
                for (how, token) in forged(&forged_claims) {
                    let (status, body) = call(&app, &p, Some(&token)).await;
                    assert_eq!(
                        status, 401,
                        "{name}: {} {} with a forged token ({how}): {body}",
                        p.method, p.path
                    );
                    assert_nothing_of_b(&b, &p, how, &body);
                }
            }
            covered += 1;
        }
    }
    println!("isolation: {covered} of {total} operations probed");
    assert_eq!(covered, total, "every operation is probed");
    assert!(
        total >= 27,
        "the spec has the accounts endpoints ({total} operations)"
    );
}
on_both_databases!(every_operation_is_isolated);
