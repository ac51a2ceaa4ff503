//! Support requests with attachments, the operator's answers, feedback, the glossary and
//! the privacy policy.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shared::auth::Permission;
use shared::support::{Feedback, SupportRequest, SupportRequestSummary, SupportStatus};

use crate::helpers::{Backend, OPERATOR_TOKEN, TestApp, problem, spawn_app, spawn_app_with};
use crate::on_both_databases;

/// A one-pixel PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
/// The start of a Windows program.
const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00This program cannot be run in DOS mode.\r\n\x00\x00";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const SVG: &[u8] = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";

/// A small real Excel workbook.
fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Month").unwrap();
    sheet.write_number(1, 0, 3.0).unwrap();
    book.save_to_buffer().unwrap()
}

/// A ZIP archive that is not a workbook.
fn plain_zip() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file(
            "notes.txt",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        std::io::Write::write_all(&mut zip, b"hello").unwrap();
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// One part of a multipart form.
enum Part<'a> {
    Text(&'a str, String),
    File(&'a str, &'a [u8]),
}

/// A `multipart/form-data` body: its content type and bytes.
fn form(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "----portal-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(value.as_bytes());
            }
            Part::File(file_name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn new_request(title: &str) -> String {
    json!({
        "problemType": "reportsAndInsights",
        "category": "reportQuestions",
        "contact": {"name": "Ada Lovelace", "email": "ada@contact.test", "phone": "+44 20 7946 0000",
                    "timeZone": "Europe/London", "region": "GB", "language": "en-GB"},
        "title": title,
        "description": "The Summary shows 12 new orders for March;\nour billing says 15."
    })
    .to_string()
}

impl TestApp {
    async fn send_form(
        &self,
        method: Method,
        path: &str,
        token: &str,
        parts: &[Part<'_>],
    ) -> reqwest::Response {
        let (content_type, body) = form(parts);
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts a reply with one file to `path` (a request's path) that must be refused
    /// with `status`, and checks that it stored nothing: no row and no file.
    async fn refused_reply(&self, path: &str, token: &str, body: &str, status: u16) {
        let before = self.support_footprint().await;
        let res = self
            .send_form(
                Method::POST,
                &format!("{path}/messages"),
                token,
                &[Part::Text("body", body.into()), Part::File("more.png", PNG)],
            )
            .await;
        assert_eq!(problem(res).await.status, status);
        assert_eq!(self.support_footprint().await, before, "{body}");
    }

    async fn file_request(
        &self,
        token: &str,
        title: &str,
        files: &[Part<'_>],
    ) -> reqwest::Response {
        let mut parts = vec![Part::Text("request", new_request(title))];
        for f in files {
            if let Part::File(n, b) = f {
                parts.push(Part::File(n, b));
            }
        }
        self.send_form(Method::POST, "/api/v1/support-requests", token, &parts)
            .await
    }

    /// Rows of the support tables and files under the data folder's `support/`.
    async fn support_footprint(&self) -> (i64, i64, i64, usize) {
        fn count_files(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|e| {
                            let p = e.path();
                            if p.is_dir() { count_files(&p) } else { 1 }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        (
            self.scalar("SELECT COUNT(*) FROM support_requests").await,
            self.scalar("SELECT COUNT(*) FROM support_messages").await,
            self.scalar("SELECT COUNT(*) FROM support_attachments")
                .await,
            count_files(&self.state.config.data_dir.join("support")),
        )
    }

    async fn mails_to(&self, to: &str) -> Vec<shared::users::OutboxMail> {
        api::mail::outbox(&self.state.db, 500)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.to == to)
            .collect()
    }
}

async fn filing_answering_and_following_a_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app.tenant("acme", &[Permission::Support]).await;
    let token = app.token(&t.user_email).await;
    let book = xlsx();

    let res = app
        .file_request(
            &token,
            "New orders in March look low",
            &[
                Part::File("screenshot.png", PNG),
                Part::File("billing.csv", b"Month,Orders\n2026-03,15\n"),
                Part::File("export.xlsx", &book),
                Part::File("statement.pdf", PDF),
            ],
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: SupportRequest = res.json().await.unwrap();
    assert!(created.number.starts_with("SR-"), "{}", created.number);
    assert_eq!(
        location,
        format!("/api/v1/support-requests/{}", created.number)
    );
    assert_eq!(created.status, SupportStatus::New);
    assert_eq!(created.requester, t.user_email);
    assert_eq!(created.contact.time_zone, "Europe/London");
    assert_eq!(created.messages.len(), 1);
    let files = &created.messages[0].attachments;
    let types: Vec<&str> = files.iter().map(|a| a.media_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "image/png",
            "text/csv; charset=utf-8",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/pdf"
        ]
    );
    assert_eq!(files[0].sha256, hex::encode(Sha256::digest(PNG)));
    assert_eq!(files[0].size, PNG.len() as u64);
    // Stored outside the database, under the data folder, and nothing left in tmp.
    assert_eq!(app.support_footprint().await, (1, 1, 4, 4));
    let on_disk = app
        .state
        .config
        .data_dir
        .join("support")
        .join(t.publisher_id.to_string())
        .join(&files[0].id);
    assert_eq!(std::fs::read(on_disk).unwrap(), PNG);

    // The requester (account and contact address) and the operator are mailed.
    let support_mail = app.mails_to("support@localhost").await;
    assert_eq!(support_mail.len(), 1);
    assert!(support_mail[0].subject.contains(&created.number));
    assert!(support_mail[0].body.contains("Attachments: 4"));
    assert_eq!(app.mails_to(&t.user_email).await.len(), 1);
    assert_eq!(app.mails_to("ada@contact.test").await.len(), 1);

    // "My requests" and the request.
    let list: Vec<SupportRequestSummary> = app
        .get("/api/v1/support-requests", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].number, created.number);
    assert_eq!(list[0].status, SupportStatus::New);
    let path = format!("/api/v1/support-requests/{}", created.number);
    let got: SupportRequest = app.get(&path, &token).await.json().await.unwrap();
    assert_eq!(got, created);

    // The file comes back as an attachment, never sniffed.
    let res = app
        .get(&format!("{path}/attachments/{}", files[0].id), &token)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("screenshot.png"),
        "{disposition}"
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);

    // The operator sees every publisher's requests and answers; the requester is mailed.
    let all: Vec<SupportRequestSummary> = app
        .get("/api/v1/support-requests?status=new", OPERATOR_TOKEN)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let res = app
        .get("/api/v1/support-requests?status=bogus", OPERATOR_TOKEN)
        .await;
    assert_eq!(problem(res).await.status, 400);
    let none: Vec<SupportRequestSummary> = app
        .get("/api/v1/support-requests?status=closed", &token)
        .await
        .json()
        .await
        .unwrap();
    assert!(none.is_empty());
    let res = app
        .send_form(
            Method::POST,
            &format!("{path}/messages"),
            OPERATOR_TOKEN,
            &[
                Part::Text("body", "Which offer? Please send the order IDs.".into()),
                Part::Text("status", "waitingForYou".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), 201);
    let answered: SupportRequest = res.json().await.unwrap();
    assert_eq!(answered.status, SupportStatus::WaitingForYou);
    assert_eq!(answered.messages.len(), 2);
    assert_eq!(answered.messages[1].author_name, api::support::SUPPORT_NAME);
    let told = app.mails_to("ada@contact.test").await;
    assert_eq!(told.len(), 2, "{told:#?}");
    assert!(told[0].body.contains("Which offer?"), "{}", told[0].body);

    // The requester replies with a file: back in progress, the operator is mailed.
    let res = app
        .send_form(
            Method::POST,
            &format!("{path}/messages"),
            &token,
            &[
                Part::Text("body", "Orders 1001 and 1002.".into()),
                Part::File("orders.txt", b"1001\n1002\n"),
            ],
        )
        .await;
    assert_eq!(res.status(), 201);
    let replied: SupportRequest = res.json().await.unwrap();
    assert_eq!(replied.status, SupportStatus::InProgress);
    assert_eq!(replied.messages[2].attachments.len(), 1);
    assert_eq!(app.mails_to("support@localhost").await.len(), 2);
    // A requester may not set the status.
    let res = app
        .send_form(
            Method::POST,
            &format!("{path}/messages"),
            &token,
            &[
                Part::Text("body", "Closing myself".into()),
                Part::Text("status", "closed".into()),
            ],
        )
        .await;
    assert_eq!(problem(res).await.status, 400);

    // The operator changes the status; the requester is told each time.
    for (status, label) in [("resolved", "Resolved"), ("closed", "Closed")] {
        let res = app
            .send_json(
                Method::PATCH,
                &path,
                OPERATOR_TOKEN,
                &json!({ "status": status }),
            )
            .await;
        assert_eq!(res.status(), 200);
        let changed: SupportRequest = res.json().await.unwrap();
        assert_eq!(changed.status.label(), label);
        let last = &app.mails_to("ada@contact.test").await[0];
        assert!(last.subject.contains(label), "{}", last.subject);
    }
    // A publisher's token may not change the status.
    let res = app
        .send_json(Method::PATCH, &path, &token, &json!({"status": "new"}))
        .await;
    assert_eq!(problem(res).await.status, 403);
    // Closed: no more replies, and nothing is stored.
    app.refused_reply(&path, &token, "One more thing", 409)
        .await;
    // The operator downloads the requester's file too.
    let res = app
        .get(
            &format!("{path}/attachments/{}", files[1].id),
            OPERATOR_TOKEN,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "Month,Orders\n2026-03,15\n");
}
on_both_databases!(filing_answering_and_following_a_request);

/// What a case sends (file name and bytes), and the status it must get.
type BadCase<'a> = (&'a str, Vec<(&'a str, &'a [u8])>, u16);

async fn bad_files_refuse_the_request_and_store_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.support_max_file_bytes = 4096).await;
    let t = app.tenant("acme", &[Permission::Support]).await;
    let token = app.token(&t.user_email).await;
    let zip = plain_zip();
    let big = vec![b'a'; 4097];
    let exactly = vec![b'a'; 4096];
    let cases: Vec<BadCase> = vec![
        ("a program named .png", vec![("screenshot.png", EXE)], 415),
        ("a PDF named .png", vec![("screenshot.png", PDF)], 415),
        (
            "text named .png",
            vec![("screenshot.png", b"just some text")],
            415,
        ),
        ("a PNG named .exe", vec![("tool.exe", PNG)], 415),
        (
            "SVG with a script, named .txt",
            vec![("notes.txt", SVG)],
            415,
        ),
        ("a PNG named .svg", vec![("picture.svg", PNG)], 415),
        (
            "HTML named .csv",
            vec![("data.csv", b"<!DOCTYPE html><html><body>x</body></html>")],
            415,
        ),
        ("a ZIP named .xlsx", vec![("book.xlsx", &zip)], 415),
        (
            "a good file, then a program",
            vec![("ok.png", PNG), ("run.txt", EXE)],
            415,
        ),
        ("one byte over the limit", vec![("big.txt", &big)], 413),
        ("an empty file", vec![("empty.txt", b"")], 422),
        (
            "six files",
            vec![
                ("1.png", PNG),
                ("2.png", PNG),
                ("3.png", PNG),
                ("4.png", PNG),
                ("5.png", PNG),
                ("6.png", PNG),
            ],
            413,
        ),
    ];
    for (what, files, status) in cases {
        let parts: Vec<Part> = files.iter().map(|(n, b)| Part::File(n, b)).collect();
        let res = app.file_request(&token, what, &parts).await;
        let p = problem(res).await;
        assert_eq!(p.status, status, "{what}: {p:?}");
        assert!(
            p.detail.contains("Nothing was stored"),
            "{what}: {}",
            p.detail
        );
        assert_eq!(app.support_footprint().await, (0, 0, 0, 0), "{what}");
    }
    // Not a form, a form without the request, a broken request: 400, nothing stored.
    let res = app
        .post_json(
            "/api/v1/support-requests",
            Some(&token),
            &json!({"title": "x"}),
        )
        .await;
    assert_eq!(problem(res).await.status, 400);
    let res = app
        .send_form(
            Method::POST,
            "/api/v1/support-requests",
            &token,
            &[Part::File("a.png", PNG)],
        )
        .await;
    assert_eq!(problem(res).await.status, 400);
    let res = app
        .send_form(
            Method::POST,
            "/api/v1/support-requests",
            &token,
            &[
                Part::Text("request", "{\"title\":".into()),
                Part::File("a.png", PNG),
            ],
        )
        .await;
    assert_eq!(problem(res).await.status, 400);
    let mut bad: Value = serde_json::from_str(&new_request("Valid title")).unwrap();
    bad["contact"]["email"] = json!("not-an-address");
    let res = app
        .send_form(
            Method::POST,
            "/api/v1/support-requests",
            &token,
            &[
                Part::Text("request", bad.to_string()),
                Part::File("a.png", PNG),
            ],
        )
        .await;
    let p = problem(res).await;
    assert_eq!(p.status, 422, "{p:?}");
    assert_eq!(app.support_footprint().await, (0, 0, 0, 0));
    assert!(app.mails_to("support@localhost").await.is_empty());

    // Five files at the limit are fine.
    let five: Vec<Part> = (0..5).map(|_| Part::File("max.txt", &exactly)).collect();
    let res = app.file_request(&token, "Five files", &five).await;
    assert_eq!(res.status(), 201);
    let created: SupportRequest = res.json().await.unwrap();
    assert_eq!(app.support_footprint().await, (1, 1, 5, 5));

    // A reply with a lying file adds nothing either.
    let res = app
        .send_form(
            Method::POST,
            &format!("/api/v1/support-requests/{}/messages", created.number),
            &token,
            &[
                Part::Text("body", "See attached".into()),
                Part::File("shot.png", EXE),
            ],
        )
        .await;
    assert_eq!(problem(res).await.status, 415);
    let res = app
        .send_form(
            Method::POST,
            &format!("/api/v1/support-requests/{}/messages", created.number),
            &token,
            &[Part::Text("body", "   ".into())],
        )
        .await;
    assert_eq!(problem(res).await.status, 422);
    assert_eq!(app.support_footprint().await, (1, 1, 5, 5));
}
on_both_databases!(bad_files_refuse_the_request_and_store_nothing);

async fn another_publishers_requests_are_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.tenant("alpha", &[Permission::Support]).await;
    let b = app.tenant("bravo", &[Permission::Support]).await;
    let a_token = app.token(&a.user_email).await;
    let b_token = app.token(&b.user_email).await;
    let b_req: SupportRequest = app
        .file_request(&b_token, "Bravo's secret", &[Part::File("b.png", PNG)])
        .await
        .json()
        .await
        .unwrap();
    let a_req: SupportRequest = app
        .file_request(&a_token, "Alpha's own", &[Part::File("a.png", PNG)])
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(
        a_req.number, b_req.number,
        "numbers are unique in the instance"
    );
    let b_path = format!("/api/v1/support-requests/{}", b_req.number);
    let b_file = &b_req.messages[0].attachments[0].id;
    let a_file = &a_req.messages[0].attachments[0].id;

    let res = app.get(&b_path, &a_token).await;
    assert_eq!(problem(res).await.status, 404);
    let res = app
        .get(&format!("{b_path}/attachments/{b_file}"), &a_token)
        .await;
    assert_eq!(problem(res).await.status, 404);
    // A's own attachment id under B's number, and B's under A's: not found either.
    let res = app
        .get(&format!("{b_path}/attachments/{a_file}"), &a_token)
        .await;
    assert_eq!(problem(res).await.status, 404);
    let res = app
        .get(
            &format!(
                "/api/v1/support-requests/{}/attachments/{b_file}",
                a_req.number
            ),
            &a_token,
        )
        .await;
    assert_eq!(problem(res).await.status, 404);
    app.refused_reply(&b_path, &a_token, "Let me in", 404).await;
    let list = app
        .get("/api/v1/support-requests", &a_token)
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Bravo"), "{list}");
    assert!(list.contains(&a_req.number));
    // Malformed numbers are simply not found.
    for bad in ["SR-abc", "0", "..%2Fetc"] {
        let res = app
            .get(&format!("/api/v1/support-requests/{bad}"), &a_token)
            .await;
        assert_eq!(res.status(), 404, "{bad}");
    }

    // Without the Support permission: 403, even for one's own publisher's request.
    let nobody = app.tenant("charlie", &[Permission::Orders]).await;
    let c_token = app.token(&nobody.user_email).await;
    let res = app.get("/api/v1/support-requests", &c_token).await;
    assert_eq!(problem(res).await.status, 403);
    let res = app.file_request(&c_token, "No", &[]).await;
    assert_eq!(problem(res).await.status, 403);
    // Administrators have every permission, Support included; B's Administrator sees
    // B's request, A's does not.
    let b_admin = app.token(&b.admin_email).await;
    assert_eq!(app.get(&b_path, &b_admin).await.status(), 200);
    let a_admin = app.token(&a.admin_email).await;
    assert_eq!(app.get(&b_path, &a_admin).await.status(), 404);
}
on_both_databases!(another_publishers_requests_are_not_found);

async fn feedback_glossary_and_privacy(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.privacy_policy = Some("Our policy.\n\nSecond paragraph.".to_owned());
    })
    .await;
    let t = app.tenant("acme", &[]).await;
    let token = app.token(&t.user_email).await;
    let res = app
        .post_json(
            "/api/v1/feedback",
            Some(&token),
            &json!({"sentiment": "unhappy", "comment": "The trend is slow.", "pageUrl": "/orders-usage?view=trend"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post_json(
            "/api/v1/feedback",
            Some(&token),
            &json!({"sentiment": "happy"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post_json(
            "/api/v1/feedback",
            Some(&token),
            &json!({"sentiment": "happy", "pageUrl": "https://evil.example/"}),
        )
        .await;
    assert_eq!(problem(res).await.status, 422);
    let res = app
        .post_json(
            "/api/v1/feedback",
            Some(&token),
            &json!({"sentiment": "meh"}),
        )
        .await;
    assert_eq!(problem(res).await.status, 400);
    let res = app
        .post_json("/api/v1/feedback", None, &json!({"sentiment": "happy"}))
        .await;
    assert_eq!(problem(res).await.status, 401);

    let list: Vec<Feedback> = app
        .get("/api/v1/feedback", OPERATOR_TOKEN)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].comment, "The trend is slow.");
    assert_eq!(
        list[1].page_url.as_deref(),
        Some("/orders-usage?view=trend")
    );
    assert_eq!(list[1].user, t.user_email);
    assert_eq!(list[1].publisher, "acme Inc.");
    let res = app.get("/api/v1/feedback", &token).await;
    assert_eq!(problem(res).await.status, 403);

    // The glossary: public, generated from the dictionary, searchable.
    let all: Vec<shared::glossary::GlossaryTerm> = app
        .client
        .get(app.url("/api/v1/glossary"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all, shared::glossary::glossary());
    let column = shared::dictionary::Dataset::Orders
        .column("AzureLicenseType")
        .unwrap();
    let term = all.iter().find(|t| t.id == "azure-license-type").unwrap();
    assert_eq!(term.label, column.label);
    assert_eq!(term.description, column.description);
    assert!(term.values.iter().any(|v| v.name == "Pay as You Go"));
    let found: Vec<shared::glossary::GlossaryTerm> = app
        .client
        .get(app.url("/api/v1/glossary?search=pay%20as%20you"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!found.is_empty() && found.len() < all.len());
    assert!(found.iter().any(|t| t.id == "azure-license-type"));
    let res = app
        .client
        .get(app.url("/api/v1/glossary?q=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(res).await.status, 400);

    // The privacy policy: configured here; the default elsewhere.
    let policy: shared::support::PrivacyPolicy = app
        .client
        .get(app.url("/api/v1/privacy-policy"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(policy.text, "Our policy.\n\nSecond paragraph.");
    let plain = spawn_app(backend).await;
    let policy: shared::support::PrivacyPolicy = plain
        .client
        .get(plain.url("/api/v1/privacy-policy"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(policy.text, api::config::DEFAULT_PRIVACY_POLICY);
}
on_both_databases!(feedback_glossary_and_privacy);
