//! Mail over SMTP when configured: a minimal SMTP server on a free port receives the
//! invitation, and the outbox keeps a copy without the secret link.

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{Backend, OPERATOR_TOKEN, spawn_app_with};
use crate::on_both_databases;

/// Accepts one SMTP session and returns everything the client sent after DATA.
async fn receive_one_mail(listener: TcpListener) -> String {
    let (socket, _) = listener.accept().await.unwrap();
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 test ESMTP\r\n").await.unwrap();
    let mut data = String::new();
    let mut in_data = false;
    while let Some(line) = lines.next_line().await.unwrap() {
        if in_data {
            if line == "." {
                // The client keeps its connection pooled rather than quitting; the mail
                // is complete, so the session is done.
                write.write_all(b"250 queued\r\n").await.unwrap();
                break;
            } else {
                data.push_str(&line);
                data.push('\n');
            }
            continue;
        }
        let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 test\r\n",
            "DATA" => {
                in_data = true;
                b"354 go ahead\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            }
            _ => b"250 ok\r\n",
        };
        write.write_all(answer).await.unwrap();
    }
    data
}

async fn invitations_go_out_over_smtp(backend: Backend) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(receive_one_mail(listener));
    let app = spawn_app_with(backend, |c| {
        c.smtp_host = Some("127.0.0.1".into());
        c.smtp_port = Some(port);
        c.smtp_tls = "none".into();
        c.mail_from = "Portal <portal@example.test>".into();
    })
    .await;
    let res = app
        .post_json(
            "/api/v1/operator/publishers",
            Some(OPERATOR_TOKEN),
            &json!({"name": "Mailed", "slug": "mailed", "adminEmail": "boss@mailed.test"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let data = server.await.unwrap();
    assert!(data.contains("To: boss@mailed.test"), "{data}");
    assert!(
        data.contains("From: Portal <portal@example.test>"),
        "{data}"
    );
    assert!(
        data.contains("https://portal.test/accept-invitation#token="),
        "{data}"
    );

    let outbox = api::mail::outbox(&app.state.db, 5).await.unwrap();
    assert_eq!(outbox[0].status, "sent");
    assert!(
        !outbox[0].body.contains("#token="),
        "the sent copy keeps no secret"
    );
}
on_both_databases!(invitations_go_out_over_smtp);
