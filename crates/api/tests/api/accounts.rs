//! Accounts: onboarding, invitations, User Management, sessions, throttling, password
//! reset, integrations and the audit log.

use reqwest::Method;
use serde_json::json;
use shared::ErrorCode;
use shared::auth::{InvitationPreview, Permission, Role, Session};
use shared::users::{
    AuditPage, CreatedApiClient, OAuthToken, OnboardedPublisher, PublisherSettings, User, UserPage,
    UserStatus,
};

use crate::helpers::{
    Backend, OPERATOR_TOKEN, PASSWORD, TestApp, problem, refresh_cookie, spawn_app, spawn_app_with,
};
use crate::on_both_databases;

const NEW_PASSWORD: &str = "violet mango ferry lantern";

async fn accept(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/invitations/accept",
        None,
        &json!({"token": token, "password": password}),
    )
    .await
}

async fn refresh_with(app: &TestApp, cookie: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", format!("portal_refresh={cookie}"))
        .send()
        .await
        .unwrap()
}

async fn onboarding_invitation_and_user_management(backend: Backend) {
    let app = spawn_app(backend).await;
    // The operator onboards a publisher; a publisher's token may not.
    let other = app.tenant("other", &[]).await;
    let other_admin = app.token(&other.admin_email).await;
    let body = json!({"name": "Adventure Works", "slug": "adventureworks", "adminEmail": "Boss@AdventureWorks.test", "adminFirstName": "Ada"});
    let res = app
        .post_json("/api/v1/operator/publishers", Some(&other_admin), &body)
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .post_json("/api/v1/operator/publishers", Some(OPERATOR_TOKEN), &body)
        .await;
    assert_eq!(res.status(), 201);
    let onboarded: OnboardedPublisher = res.json().await.unwrap();
    assert_eq!(onboarded.administrator.email, "boss@adventureworks.test");
    assert_eq!(onboarded.administrator.status, UserStatus::Invited);
    let res = app
        .post_json("/api/v1/operator/publishers", Some(OPERATOR_TOKEN), &body)
        .await;
    assert_eq!(res.status(), 409, "the slug is taken");

    // The mail links to the configured public URL; only the hash is stored.
    let mails = api::mail::outbox(&app.state.db, 10).await.unwrap();
    assert!(
        mails[0]
            .body
            .contains("https://portal.test/accept-invitation#token=")
    );
    let token = app.link_token("boss@adventureworks.test").await;
    let stored = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM account_tokens WHERE token_sha256 = '{}'",
            api::auth::secret::sha256_hex(&token)
        ))
        .await;
    assert_eq!(stored, 1);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM account_tokens WHERE token_sha256 = '{token}'"
        ))
        .await,
        0
    );

    // An invited person cannot sign in before accepting.
    assert_eq!(
        app.sign_in("boss@adventureworks.test", "").await.status(),
        401
    );
    let preview: InvitationPreview = app
        .post_json(
            "/api/v1/invitations/preview",
            None,
            &json!({"token": token}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preview.publisher_name, "Adventure Works");
    assert_eq!(preview.first_name, "Ada");

    let weak = accept(&app, &token, "password1234").await;
    assert_eq!(weak.status(), 422);
    assert_eq!(problem(weak).await.errors[0].field, "password");
    let short = accept(&app, &token, "short").await;
    assert_eq!(short.status(), 422);
    let res = accept(&app, &token, NEW_PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert!(refresh_cookie(&res).is_some());
    let admin: Session = res.json().await.unwrap();
    assert_eq!(admin.user.role, Role::Administrator);
    assert_eq!(
        accept(&app, &token, NEW_PASSWORD).await.status(),
        404,
        "single use"
    );
    let admin_token = admin.access_token;

    // The Administrator adds a User with only Orders.
    let res = app
        .post_json(
            "/api/v1/users",
            Some(&admin_token),
            &json!({"email": "pat@adventureworks.test", "firstName": "Pat", "lastName": "Doe", "permissions": ["Orders"]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let pat: User = res.json().await.unwrap();
    assert_eq!(pat.permissions, [Permission::Orders]);
    let res = app
        .post_json(
            "/api/v1/users",
            Some(&admin_token),
            &json!({"email": other.user_email, "firstName": "X", "lastName": "Y"}),
        )
        .await;
    assert_eq!(res.status(), 409, "an address has one account");
    let res = app
        .post_json(
            "/api/v1/users",
            Some(&admin_token),
            &json!({"email": "not-an-email", "firstName": "X", "lastName": "Y"}),
        )
        .await;
    assert_eq!(res.status(), 422);

    let pat_token = app.link_token("pat@adventureworks.test").await;
    let pat_session: Session = accept(&app, &pat_token, "pat's own long passphrase")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pat_session.user.permissions, [Permission::Orders]);
    let pat_access = app
        .token_with("pat@adventureworks.test", "pat's own long passphrase")
        .await;
    assert_eq!(
        app.get("/api/v1/reports/summary", &pat_access)
            .await
            .status(),
        403
    );
    assert_eq!(app.get("/api/v1/users", &pat_access).await.status(), 403);

    // Search and paging.
    for i in 0..3 {
        app.post_json(
            "/api/v1/users",
            Some(&admin_token),
            &json!({"email": format!("extra{i}@adventureworks.test"), "firstName": "Extra", "lastName": format!("Person {i}")}),
        )
        .await;
    }
    let page: UserPage = app
        .get("/api/v1/users?search=EXTRA&pageSize=2&page=2", &admin_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].last_name, "Person 2");
    let page: UserPage = app
        .get("/api/v1/users?search=d%25", &admin_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.total, 0, "LIKE wildcards are literal");
    let res = app.get("/api/v1/users?pageSize=1000", &admin_token).await;
    assert_eq!(res.status(), 400);

    // Changing permissions applies to the next request.
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/users/{}", pat.id),
            &admin_token,
            &json!({"permissions": ["Orders", "Summary"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get("/api/v1/reports/summary", &pat_access)
            .await
            .status(),
        200
    );

    // The last Administrator is neither demoted nor deleted; nobody deletes themselves.
    let admin_id = admin.user.id.clone();
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/users/{admin_id}"),
            &admin_token,
            &json!({"role": "User"}),
        )
        .await;
    assert_eq!(res.status(), 409);
    let res = app
        .delete(&format!("/api/v1/users/{admin_id}"), &admin_token)
        .await;
    assert_eq!(res.status(), 409);
    // Another publisher's user is not found, whatever its id.
    let foreign = app.user_id(&other.user_email).await;
    for res in [
        app.get(&format!("/api/v1/users/{foreign}"), &admin_token)
            .await,
        app.delete(&format!("/api/v1/users/{foreign}"), &admin_token)
            .await,
        app.get("/api/v1/users/not-a-uuid", &admin_token).await,
    ] {
        assert_eq!(res.status(), 404);
    }
    // Deleting a user ends their access at once.
    let res = app
        .delete(&format!("/api/v1/users/{}", pat.id), &admin_token)
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.get("/api/v1/reports/summary", &pat_access)
            .await
            .status(),
        401
    );
}
on_both_databases!(onboarding_invitation_and_user_management);

async fn sessions_rotate_and_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let res = app.sign_in(&t.user_email, PASSWORD).await;
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(
            set_cookie.contains(attribute),
            "{set_cookie} has {attribute}"
        );
    }
    let first = refresh_cookie(&res).unwrap();
    let session: Session = res.json().await.unwrap();
    assert!(session.expires_in <= 15 * 60);

    // Rotation: the refresh answers a new token, and the old one no longer works.
    let res = refresh_with(&app, &first).await;
    assert_eq!(res.status(), 200);
    let second = refresh_cookie(&res).unwrap();
    assert_ne!(first, second);
    let refreshed: Session = res.json().await.unwrap();
    assert_eq!(
        app.get("/api/v1/me", &refreshed.access_token)
            .await
            .status(),
        200
    );
    // Reuse of the old one revokes the chain: the newer token dies too.
    assert_eq!(refresh_with(&app, &first).await.status(), 401);
    assert_eq!(refresh_with(&app, &second).await.status(), 401);
    assert_eq!(
        app.get("/api/v1/reports/summary", "junk").await.status(),
        401
    );
    assert_eq!(refresh_with(&app, "1.junk").await.status(), 401);
    let no_cookie = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_cookie.status(), 401);

    // Sign out revokes the user's refresh tokens.
    let res = app.sign_in(&t.user_email, PASSWORD).await;
    let cookie = refresh_cookie(&res).unwrap();
    let access = res.json::<Session>().await.unwrap().access_token;
    let out = app
        .post_json("/api/v1/auth/sign-out", Some(&access), &json!({}))
        .await;
    assert_eq!(out.status(), 204);
    assert_eq!(refresh_with(&app, &cookie).await.status(), 401);
    // With an expired access token, the refresh cookie alone signs out.
    let res = app.sign_in(&t.user_email, PASSWORD).await;
    let cookie = refresh_cookie(&res).unwrap();
    let out = app
        .client
        .post(app.url("/api/v1/auth/sign-out"))
        .header("cookie", format!("portal_refresh={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(refresh_with(&app, &cookie).await.status(), 401);
    let nothing = app
        .client
        .post(app.url("/api/v1/auth/sign-out"))
        .send()
        .await
        .unwrap();
    assert_eq!(nothing.status(), 401);

    // A password change ends every other session, access tokens included.
    let res = app.sign_in(&t.user_email, PASSWORD).await;
    let other_cookie = refresh_cookie(&res).unwrap();
    let before = res.json::<Session>().await.unwrap().access_token;
    let wrong = app
        .post_json(
            "/api/v1/auth/password",
            Some(&before),
            &json!({"currentPassword": "nope", "newPassword": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    let weak = app
        .post_json(
            "/api/v1/auth/password",
            Some(&before),
            &json!({"currentPassword": PASSWORD, "newPassword": "qwerty123456"}),
        )
        .await;
    assert_eq!(weak.status(), 422);
    let res = app
        .post_json(
            "/api/v1/auth/password",
            Some(&before),
            &json!({"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let after = res.json::<Session>().await.unwrap().access_token;
    assert_eq!(
        app.get("/api/v1/me", &before).await.status(),
        401,
        "token from before the change"
    );
    assert_eq!(refresh_with(&app, &other_cookie).await.status(), 401);
    assert_eq!(app.get("/api/v1/me", &after).await.status(), 200);
    assert_eq!(app.sign_in(&t.user_email, PASSWORD).await.status(), 401);
    assert_eq!(app.sign_in(&t.user_email, NEW_PASSWORD).await.status(), 200);
}
on_both_databases!(sessions_rotate_and_end);

async fn sign_in_is_throttled(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.sign_in_failures_per_account = 3;
        c.sign_in_failures_per_address = 6;
    })
    .await;
    let t = app.tenant("alpha", &[]).await;
    for _ in 0..3 {
        assert_eq!(
            app.sign_in(&t.user_email, "wrong password!").await.status(),
            401
        );
    }
    // Now even the right password waits, with the same answer for an unknown account.
    let res = app.sign_in(&t.user_email, PASSWORD).await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60 + 1);
    assert_eq!(problem(res).await.code, ErrorCode::RateLimited);
    let unknown = problem(app.sign_in("nobody@alpha.test", "wrong").await).await;
    let wrong = problem(app.sign_in(&t.admin_email, "wrong").await).await;
    assert_eq!(unknown.detail, wrong.detail, "one generic message");
    assert_eq!(unknown.status, 401);
    // Another account from the same address still signs in, until the address's
    // failures (3 + 2 so far, one more allowed) run out too.
    assert_eq!(app.sign_in(&t.admin_email, PASSWORD).await.status(), 200);
    assert_eq!(app.sign_in("other@alpha.test", "wrong").await.status(), 401);
    assert_eq!(app.sign_in(&t.admin_email, PASSWORD).await.status(), 429);
    // The failures are in the audit log of the account's publisher.
    let failures = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed'")
        .await;
    assert_eq!(failures, 4);

    // When the window is over, the account signs in again.
    {
        use api::db::entities::sign_in_throttle;
        use sea_orm::EntityTrait;
        use sea_orm::sea_query::Expr;
        sign_in_throttle::Entity::update_many()
            .col_expr(
                sign_in_throttle::Column::WindowStartedAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
            )
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    assert_eq!(app.sign_in(&t.user_email, PASSWORD).await.status(), 200);
}
on_both_databases!(sign_in_is_throttled);

async fn password_reset_by_mail_when_allowed(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let admin = app.token(&t.admin_email).await;
    let ask = |email: String| {
        let app = &app;
        async move {
            app.post_json("/api/v1/password-resets", None, &json!({ "email": email }))
                .await
        }
    };
    let known = ask(t.user_email.clone()).await;
    assert_eq!(known.status(), 202);
    let known = known.text().await.unwrap();
    let unknown = ask("nobody@alpha.test".to_owned()).await;
    assert_eq!(unknown.status(), 202);
    assert_eq!(
        unknown.text().await.unwrap(),
        known,
        "the same answer for every address"
    );

    let token = app.link_token(&t.user_email).await;
    let mails = api::mail::outbox(&app.state.db, 1).await.unwrap();
    assert!(
        mails[0]
            .body
            .contains("https://portal.test/reset-password#token=")
    );
    let before = app.token(&t.user_email).await;
    let res = app
        .post_json(
            "/api/v1/password-resets/complete",
            None,
            &json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get("/api/v1/me", &before).await.status(), 401);
    assert_eq!(app.sign_in(&t.user_email, NEW_PASSWORD).await.status(), 200);
    let again = app
        .post_json(
            "/api/v1/password-resets/complete",
            None,
            &json!({"token": token, "password": "yet another passphrase"}),
        )
        .await;
    assert_eq!(again.status(), 404, "single use");

    // The Administrator turns self-service reset off: the mail says whom to ask.
    let res = app
        .send_json(
            Method::PATCH,
            "/api/v1/publisher/settings",
            &admin,
            &json!({"allowPasswordReset": false}),
        )
        .await;
    let settings: PublisherSettings = res.json().await.unwrap();
    assert!(!settings.allow_password_reset);
    let user = app.token_with(&t.user_email, NEW_PASSWORD).await;
    assert_eq!(
        app.get("/api/v1/publisher/settings", &user).await.status(),
        403
    );
    assert_eq!(ask(t.user_email.clone()).await.status(), 202);
    let mails = api::mail::outbox(&app.state.db, 1).await.unwrap();
    assert!(mails[0].body.contains("contact your Administrator"));
    assert!(!mails[0].body.contains("#token="));
}
on_both_databases!(password_reset_by_mail_when_allowed);

async fn integrations_get_scoped_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let admin = app.token(&t.admin_email).await;
    let user = app.token(&t.user_email).await;
    let body = json!({"name": "Warehouse", "scopes": ["reports:read"]});
    assert_eq!(
        app.post_json("/api/v1/api-clients", Some(&user), &body)
            .await
            .status(),
        403
    );
    let res = app
        .post_json("/api/v1/api-clients", Some(&admin), &body)
        .await;
    assert_eq!(res.status(), 201);
    let created: CreatedApiClient = res.json().await.unwrap();
    let listed = app
        .get("/api/v1/api-clients", &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !listed.contains(&created.client_secret),
        "the secret is shown once"
    );

    let token_request = |form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/oauth/token"))
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    let id = created.client.client_id.clone();
    let secret = created.client_secret.clone();
    let res = token_request(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", id.clone()),
        ("client_secret", "wrong".into()),
    ])
    .await;
    assert_eq!(res.status(), 401);
    let res = token_request(vec![
        ("grant_type", "password".into()),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(res.status(), 400);
    let res = token_request(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
        ("scope", "queries:manage".into()),
    ])
    .await;
    assert_eq!(res.status(), 400, "a scope the client lacks");
    let res = token_request(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(res.status(), 200);
    let token: OAuthToken = res.json().await.unwrap();
    assert_eq!(token.scope, "reports:read");
    let client_token = token.access_token;
    assert_eq!(
        app.get("/api/v1/reports/summary", &client_token)
            .await
            .status(),
        200
    );
    for path in [
        "/api/v1/users",
        "/api/v1/me",
        "/api/v1/api-clients",
        "/api/v1/audit-log",
    ] {
        assert_eq!(app.get(path, &client_token).await.status(), 403, "{path}");
    }
    // HTTP Basic works too.
    let res = app
        .client
        .post(app.url("/api/v1/oauth/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // A client without reports:read reads no report.
    let res = app
        .post_json(
            "/api/v1/api-clients",
            Some(&admin),
            &json!({"name": "Queries", "scopes": ["queries:manage"]}),
        )
        .await;
    let queries: CreatedApiClient = res.json().await.unwrap();
    let res = token_request(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", queries.client.client_id.clone()),
        ("client_secret", queries.client_secret.clone()),
    ])
    .await;
    let queries_token = res.json::<OAuthToken>().await.unwrap().access_token;
    assert_eq!(
        app.get("/api/v1/reports/summary", &queries_token)
            .await
            .status(),
        403
    );

    // Revoking ends its tokens at once.
    let res = app
        .delete(&format!("/api/v1/api-clients/{id}"), &admin)
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.get("/api/v1/reports/summary", &client_token)
            .await
            .status(),
        401
    );
    let res = token_request(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(res.status(), 401);
}
on_both_databases!(integrations_get_scoped_tokens);

async fn the_audit_log_records_who_did_what(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("alpha", &[Permission::Summary]).await;
    let other = app.tenant("beta", &[]).await;
    app.sign_in(&t.user_email, "wrong password!").await;
    let admin = app.token(&t.admin_email).await;
    let user_id = app.user_id(&t.user_email).await;
    app.send_json(
        Method::PATCH,
        &format!("/api/v1/users/{user_id}"),
        &admin,
        &json!({"permissions": ["Orders"]}),
    )
    .await;
    app.post_json(
        "/api/v1/api-clients",
        Some(&admin),
        &json!({"name": "Warehouse", "scopes": ["reports:read"]}),
    )
    .await;
    app.token(&other.admin_email).await;

    let log: AuditPage = app
        .get("/api/v1/audit-log", &admin)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.name()).collect();
    assert_eq!(
        actions,
        [
            "api_client_created",
            "user_updated",
            "sign_in",
            "sign_in_failed"
        ],
        "newest first, and nothing of the other publisher"
    );
    let update = &log.items[1];
    assert_eq!(update.actor.as_deref(), Some(t.admin_email.as_str()));
    assert_eq!(update.target.as_deref(), Some(t.user_email.as_str()));
    assert!(
        update.detail.contains("from Summary to Orders"),
        "{}",
        update.detail
    );
    assert_eq!(update.address.as_deref(), Some("127.0.0.1"));

    let admin_id = app.user_id(&t.admin_email).await;
    let mine: AuditPage = app
        .get(
            &format!("/api/v1/audit-log?userId={admin_id}&pageSize=1&page=2"),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.total, 3);
    assert_eq!(mine.items[0].action.name(), "user_updated");
    let failed: AuditPage = app
        .get("/api/v1/audit-log?action=sign_in_failed", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(failed.total, 1);
    assert_eq!(
        app.get("/api/v1/audit-log?action=nope", &admin)
            .await
            .status(),
        400
    );
    let user = app.token(&t.user_email).await;
    assert_eq!(app.get("/api/v1/audit-log", &user).await.status(), 403);
}
on_both_databases!(the_audit_log_records_who_did_what);
