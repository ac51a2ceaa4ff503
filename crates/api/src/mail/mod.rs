//! Mail: every message is written to the `mail_outbox` table; with `smtp_host`
//! configured it is also sent over SMTP (lettre, rustls), otherwise the outbox is where
//! the operator reads it (`portal outbox`).
//!
//! A message may carry a secret link (an invitation or a password reset). The outbox
//! keeps that link only while it is the delivery channel: once SMTP has delivered the
//! mail, the stored copy has the link blanked out.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use shared::users::OutboxMail;
use uuid::Uuid;

use crate::config::Config;
use crate::db::entities::mail_outbox;
use crate::error::ApiError;

/// The placeholder a message body uses where its secret link goes.
pub const LINK: &str = "{link}";

/// A message to send.
#[derive(Clone, Debug)]
pub struct Mail {
    /// The publisher it concerns.
    pub publisher_id: i64,
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body; [`LINK`] marks where `link` goes.
    pub body: String,
    /// A secret link, if any.
    pub link: Option<String>,
}

impl Mail {
    fn text(&self) -> String {
        self.body.replace(LINK, self.link.as_deref().unwrap_or(""))
    }

    fn text_without_secret(&self) -> String {
        self.body.replace(
            LINK,
            "[link delivered by mail; not kept here because it is a secret]",
        )
    }
}

/// Sends mail: SMTP when configured, and always the outbox.
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the configuration describes.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .with_context(|| format!("mail_from '{}' is not a mail address", config.mail_from))?;
        let smtp = match config.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) {
            None => None,
            Some(host) => {
                let mut builder = match config.smtp_tls.as_str() {
                    "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                        .context("setting up SMTP with STARTTLS")?,
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                        .context("setting up SMTP over TLS")?,
                    "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    other => anyhow::bail!("smtp_tls '{other}' is not one of starttls, tls, none"),
                };
                if let Some(port) = config.smtp_port {
                    builder = builder.port(port);
                } else if config.smtp_tls == "none" {
                    builder = builder.port(25);
                }
                if let (Some(user), Some(password)) = (&config.smtp_username, &config.smtp_password)
                {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Some(builder.timeout(Some(Duration::from_secs(20))).build())
            }
        };
        Ok(Self { smtp, from })
    }

    /// Whether mail goes out over SMTP.
    pub fn uses_smtp(&self) -> bool {
        self.smtp.is_some()
    }

    /// Writes `mail` to the outbox and, with SMTP, sends it. A failure to send is
    /// recorded on the outbox row and logged; the caller's action still stands, and the
    /// operator can read the mail from the outbox.
    pub async fn send<C: ConnectionTrait>(&self, db: &C, mail: Mail) -> Result<(), ApiError> {
        let mail_id = self.queue(db, &mail).await?;
        self.deliver(db, mail_id, &mail).await
    }

    /// Like [`Mailer::send`], but the SMTP conversation happens after the call returns,
    /// so that the answer takes as long whether or not a mail went out (password reset
    /// requests must not tell which addresses have accounts).
    pub async fn send_detached(
        self: std::sync::Arc<Self>,
        db: &sea_orm::DatabaseConnection,
        mail: Mail,
    ) -> Result<(), ApiError> {
        let mail_id = self.queue(db, &mail).await?;
        if self.smtp.is_some() {
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = self.deliver(&db, mail_id, &mail).await {
                    tracing::error!(error = %e, "recording a mail's delivery failed");
                }
            });
        }
        Ok(())
    }

    async fn queue<C: ConnectionTrait>(&self, db: &C, mail: &Mail) -> Result<Uuid, ApiError> {
        let mail_id = Uuid::now_v7();
        let status = if self.smtp.is_some() {
            "sending"
        } else {
            "outbox"
        };
        mail_outbox::Entity::insert(mail_outbox::ActiveModel {
            publisher_id: Set(mail.publisher_id),
            mail_id: Set(mail_id),
            to_address: Set(mail.to.clone()),
            subject: Set(mail.subject.clone()),
            body: Set(mail.text()),
            status: Set(status.to_owned()),
            error: Set(None),
            created_at: Set(Utc::now()),
            sent_at: Set(None),
        })
        .exec_without_returning(db)
        .await?;
        if self.smtp.is_none() {
            tracing::info!(to = %mail.to, subject = %mail.subject, "mail kept in the outbox");
        }
        Ok(mail_id)
    }

    async fn deliver<C: ConnectionTrait>(
        &self,
        db: &C,
        mail_id: Uuid,
        mail: &Mail,
    ) -> Result<(), ApiError> {
        let Some(smtp) = &self.smtp else {
            return Ok(());
        };
        let result = match self.message(mail) {
            Ok(message) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let update = mail_outbox::Entity::update_many()
            .filter(mail_outbox::Column::PublisherId.eq(mail.publisher_id))
            .filter(mail_outbox::Column::MailId.eq(mail_id));
        match result {
            Ok(()) => {
                update
                    .col_expr(mail_outbox::Column::Status, Expr::value("sent"))
                    .col_expr(mail_outbox::Column::SentAt, Expr::value(Utc::now()))
                    .col_expr(
                        mail_outbox::Column::Body,
                        Expr::value(mail.text_without_secret()),
                    )
                    .exec(db)
                    .await?;
                tracing::info!(to = %mail.to, subject = %mail.subject, "mail sent");
            }
            Err(error) => {
                tracing::error!(to = %mail.to, %error, "sending mail failed; it stays in the outbox");
                update
                    .col_expr(mail_outbox::Column::Status, Expr::value("failed"))
                    .col_expr(mail_outbox::Column::Error, Expr::value(error))
                    .exec(db)
                    .await?;
            }
        }
        Ok(())
    }

    fn message(&self, mail: &Mail) -> Result<Message, String> {
        let to: Mailbox = mail.to.parse().map_err(|e| format!("bad recipient: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .body(mail.text())
            .map_err(|e| e.to_string())
    }
}

/// The newest `limit` mails of the outbox, newest first.
pub async fn outbox<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<OutboxMail>, ApiError> {
    let rows = mail_outbox::Entity::find()
        .order_by_desc(mail_outbox::Column::CreatedAt)
        .order_by_desc(mail_outbox::Column::MailId)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxMail {
            id: r.mail_id.to_string(),
            publisher_id: r.publisher_id,
            to: r.to_address,
            subject: r.subject,
            body: r.body,
            status: r.status,
            error: r.error,
            created_at: r.created_at,
        })
        .collect())
}
