//! Signing in, and the tokens every endpoint refuses.

use api::auth::token::{AUDIENCE, Claims, ISSUER, TokenKeys, now_secs};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{ConnectionTrait, Statement};
use shared::ErrorCode;
use shared::auth::{CurrentUser, Permission, Role, Session};

use crate::helpers::{Backend, PASSWORD, problem, spawn_app};
use crate::on_both_databases;

async fn sign_in_returns_a_token_and_the_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app
        .tenant("alpha", &[Permission::Orders, Permission::Summary])
        .await;
    let res = app.sign_in(&t.user_email.to_uppercase(), PASSWORD).await;
    assert_eq!(res.status(), 200);
    let session: Session = res.json().await.unwrap();
    assert_eq!(session.token_type, "Bearer");
    assert_eq!(session.expires_in, 900);
    assert_eq!(session.user.email, t.user_email);
    assert_eq!(session.user.role, Role::User);
    assert_eq!(
        session.user.permissions,
        [Permission::Summary, Permission::Orders]
    );
    assert_eq!(session.user.publisher.name, "alpha Inc.");

    let me: CurrentUser = app
        .get("/api/v1/me", &session.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me, session.user);

    let admin = app
        .sign_in(&t.admin_email, PASSWORD)
        .await
        .json::<Session>()
        .await
        .unwrap();
    assert_eq!(
        admin.user.permissions,
        Permission::ALL,
        "an Administrator has every permission"
    );
}
on_both_databases!(sign_in_returns_a_token_and_the_user);

async fn wrong_credentials_get_one_generic_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[]).await;
    let wrong_password = problem(app.sign_in(&t.user_email, "not the password").await).await;
    let unknown_email = problem(app.sign_in("nobody@nowhere.test", PASSWORD).await).await;
    assert_eq!(wrong_password.status, 401);
    assert_eq!(wrong_password.code, ErrorCode::InvalidCredentials);
    assert_eq!(wrong_password.detail, unknown_email.detail);
    assert_eq!(wrong_password.code, unknown_email.code);

    let res = app
        .client
        .post(app.url("/api/v1/auth/sign-in"))
        .header("content-type", "application/json")
        .body("{\"email\": 42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(problem(res).await.code, ErrorCode::InvalidBody);

    let res = app
        .client
        .post(app.url("/api/v1/auth/sign-in"))
        .header("content-type", "text/plain")
        .body("email=a&password=b")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    assert_eq!(problem(res).await.code, ErrorCode::UnsupportedMediaType);
}
on_both_databases!(wrong_credentials_get_one_generic_answer);

fn claims_for(sub: &str, pid: i64) -> Claims {
    Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: sub.into(),
        pid,
        role: "Administrator".into(),
        perms: vec!["Summary".into()],
        ver: 0,
        iat: now_secs(),
        exp: now_secs() + 600,
        scope: None,
    }
}

async fn forged_expired_and_revoked_tokens_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let session = app
        .sign_in(&t.user_email, PASSWORD)
        .await
        .json::<Session>()
        .await
        .unwrap();
    let good = session.access_token.clone();
    assert_eq!(app.get("/api/v1/me", &good).await.status(), 200);
    let base = claims_for(&session.user.id, t.publisher_id);
    let keys = &app.state.tokens;

    let parts: Vec<&str> = good.split('.').collect();
    let payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let mut altered = payload.clone();
    altered["pid"] = serde_json::json!(t.publisher_id + 1);
    let altered_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&altered).unwrap());
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let hs512_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS512","typ":"JWT"}"#);
    let mut flipped_signature = parts[2].to_owned();
    let last = flipped_signature.pop().unwrap();
    flipped_signature.push(if last == 'A' { 'B' } else { 'A' });

    let forged = TokenKeys::new(b"a different secret, 32 bytes long!", 900);
    let cases: Vec<(&str, String)> = vec![
        ("alg none", format!("{none_header}.{}.", parts[1])),
        (
            "another algorithm",
            format!("{hs512_header}.{}.{}", parts[1], parts[2]),
        ),
        (
            "altered payload",
            format!("{}.{altered_payload}.{}", parts[0], parts[2]),
        ),
        (
            "altered signature",
            format!("{}.{}.{flipped_signature}", parts[0], parts[1]),
        ),
        ("another secret", forged.issue(&base).unwrap()),
        (
            "wrong audience",
            keys.issue(&Claims {
                aud: "someone-else".into(),
                ..base.clone()
            })
            .unwrap(),
        ),
        (
            "wrong issuer",
            keys.issue(&Claims {
                iss: "evil".into(),
                ..base.clone()
            })
            .unwrap(),
        ),
        (
            "expired",
            keys.issue(&Claims {
                exp: now_secs() - 3600,
                iat: now_secs() - 7200,
                ..base.clone()
            })
            .unwrap(),
        ),
        ("not a JWT", "hello".to_owned()),
    ];
    for (name, token) in cases {
        let res = app.get("/api/v1/me", &token).await;
        assert_eq!(res.status(), 401, "{name}");
        assert_eq!(
            problem(res).await.code,
            ErrorCode::Unauthenticated,
            "{name}"
        );
    }

    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", format!("Basic {good}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "a non-bearer scheme");

    // A token version bump (password change, sign out everywhere) revokes the token.
    let db = &app.state.db;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "UPDATE users SET token_version = token_version + 1 WHERE email = '{}'",
            t.user_email
        ),
    ))
    .await
    .unwrap();
    assert_eq!(
        app.get("/api/v1/me", &good).await.status(),
        401,
        "an older token version"
    );

    // A deleted user's token is refused.
    let admin = app.token(&t.admin_email).await;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!("DELETE FROM users WHERE email = '{}'", t.admin_email),
    ))
    .await
    .unwrap();
    assert_eq!(
        app.get("/api/v1/me", &admin).await.status(),
        401,
        "a deleted user"
    );
}
on_both_databases!(forged_expired_and_revoked_tokens_are_refused);

async fn health_unknown_paths_and_request_ids(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let health: shared::health::Health = res.json().await.unwrap();
    assert_eq!(health.status, "ok");
    assert!(health.database.ok);
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(health.database.backend, expected);

    for path in [
        "/api/v1/nothing-here",
        "/api/v2/reports/summary",
        "/api/whatever",
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.headers().contains_key("x-request-id"));
        let p = problem(res).await;
        assert_eq!(p.code, ErrorCode::NotFound);
        assert!(p.request_id.is_some());
    }

    // Client-side routes are the browser app's; without a build, a page says how to build it.
    let res = app
        .client
        .get(app.url("/summary?start=2026-01"))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(res.text().await.unwrap().contains("scripts/run"));
}
on_both_databases!(health_unknown_paths_and_request_ids);
