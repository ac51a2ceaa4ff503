//! Support requests, their conversation and attachments, and feedback from the smiley.
//!
//! The same functions serve the publisher's endpoints (`/api/v1/support-requests`, a
//! `Caller` with the Support permission), the operator's (the same paths with the
//! operator token) and the CLI (`portal support ...`, `portal feedback list`).
//!
//! Every read and write of a request is scoped by publisher: a publisher's caller
//! passes its own `publisher_id`; only the operator looks a number up across
//! publishers, and then takes the publisher from the row it found.

pub mod files;
pub mod handlers;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, TransactionTrait,
};
use shared::support::{
    ContactInfo, Feedback, MessageAuthor, NewFeedback, NewSupportRequest, ProblemType,
    SupportAttachment, SupportCategory, SupportMessage, SupportRequest, SupportRequestSummary,
    SupportStatus, format_request_number,
};
use shared::{ErrorCode, FieldError, Problem};
use uuid::Uuid;

use self::files::StagedFiles;
use crate::db::entities::{
    feedback, publishers, support_attachments, support_messages, support_requests,
};
use crate::error::ApiError;
use crate::mail::Mail;
use crate::state::AppState;

/// The person filing or answering on a publisher's side.
#[derive(Clone, Debug)]
pub struct Requester {
    /// Their publisher.
    pub publisher_id: i64,
    /// Their user id.
    pub user_id: Uuid,
    /// Their email.
    pub email: String,
    /// Their name as shown in the conversation.
    pub name: String,
}

/// The name support messages are signed with.
pub const SUPPORT_NAME: &str = "Portal support";

fn invalid(field: &str, reason: &str) -> ApiError {
    ApiError::Client(Box::new(
        Problem::new(
            ErrorCode::Unprocessable,
            format!("The field '{field}' {reason}. Nothing was stored."),
        )
        .with_errors(vec![FieldError {
            field: field.to_owned(),
            line: None,
            reason: reason.to_owned(),
        }]),
    ))
}

/// Checks a text: trimmed, `min..=max` characters, no control characters but line breaks
/// and tabs when `multiline`.
fn text(
    field: &str,
    value: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, ApiError> {
    let value = value.trim();
    let count = value.chars().count();
    if count < min || count > max {
        return Err(invalid(
            field,
            &if min == 0 {
                format!("must be at most {max} characters")
            } else {
                format!("must be {min} to {max} characters")
            },
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

fn not_found(number: i64) -> ApiError {
    ApiError::not_found(format!(
        "There is no support request {} of yours.",
        format_request_number(number)
    ))
}

/// The next request number of the instance. Must be the transaction's first statement
/// (on SQLite it takes the write lock at once).
async fn next_number<C: ConnectionTrait>(db: &C) -> Result<i64, ApiError> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "UPDATE support_sequence SET value = value + 1 WHERE name = 'request' RETURNING value"
                .to_owned(),
        ))
        .await?
        .ok_or_else(|| ApiError::internal("support_sequence has no 'request' row"))?;
    row.try_get_by_index::<i64>(0)
        .map_err(|e| ApiError::internal(format!("reading the next request number: {e:?}")))
}

fn attachment_rows(
    publisher_id: i64,
    number: i64,
    message_id: Uuid,
    files: &StagedFiles,
) -> Vec<support_attachments::ActiveModel> {
    let now = Utc::now();
    files
        .files
        .iter()
        .map(|f| support_attachments::ActiveModel {
            publisher_id: Set(publisher_id),
            attachment_id: Set(f.attachment_id),
            request_number: Set(number),
            message_id: Set(message_id),
            file_name: Set(f.file_name.clone()),
            media_type: Set(f.media_type.to_owned()),
            size_bytes: Set(f.size as i64),
            sha256: Set(f.sha256.clone()),
            created_at: Set(now),
        })
        .collect()
}

/// Files a request: the request, its first message (the description) and its files, in
/// one transaction that also moves the files into place. Mails the requester and the
/// operator's support address.
pub async fn create_request(
    state: &AppState,
    who: &Requester,
    new: &NewSupportRequest,
    mut files: StagedFiles,
) -> Result<SupportRequest, ApiError> {
    let title = text("title", &new.title, 1, 200, false)?;
    let description = text("description", &new.description, 1, 20_000, true)?;
    let contact = ContactInfo {
        name: text("contact.name", &new.contact.name, 1, 200, false)?,
        email: crate::accounts::normalise_email("contact.email", &new.contact.email)?,
        phone: text("contact.phone", &new.contact.phone, 0, 50, false)?,
        time_zone: text("contact.timeZone", &new.contact.time_zone, 1, 64, false)?,
        region: text("contact.region", &new.contact.region, 1, 100, false)?,
        language: text("contact.language", &new.contact.language, 1, 35, false)?,
    };
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let number = next_number(&txn).await?;
    support_requests::Entity::insert(support_requests::ActiveModel {
        publisher_id: Set(who.publisher_id),
        number: Set(number),
        requester_id: Set(who.user_id),
        requester_email: Set(who.email.clone()),
        problem_type: Set(new.problem_type.name().to_owned()),
        category: Set(new.category.name().to_owned()),
        title: Set(title.clone()),
        status: Set(SupportStatus::New.name().to_owned()),
        contact_name: Set(contact.name.clone()),
        contact_email: Set(contact.email.clone()),
        contact_phone: Set(contact.phone.clone()),
        time_zone: Set(contact.time_zone.clone()),
        region: Set(contact.region.clone()),
        language: Set(contact.language.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let message_id = Uuid::now_v7();
    support_messages::Entity::insert(support_messages::ActiveModel {
        publisher_id: Set(who.publisher_id),
        message_id: Set(message_id),
        request_number: Set(number),
        author: Set("requester".to_owned()),
        author_name: Set(who.name.clone()),
        body: Set(description.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let rows = attachment_rows(who.publisher_id, number, message_id, &files);
    let attached = rows.len();
    if !rows.is_empty() {
        support_attachments::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    files.place(&state.config.data_dir, who.publisher_id)?;
    txn.commit().await?;
    files.keep();

    let label = format_request_number(number);
    let link = format!("{}/help/requests/{label}", state.config.public_url());
    let mut recipients = vec![who.email.clone()];
    if !contact.email.eq_ignore_ascii_case(&who.email) {
        recipients.push(contact.email.clone());
    }
    for to in recipients {
        state
            .mailer
            .send(
                &state.db,
                Mail {
                    publisher_id: who.publisher_id,
                    to,
                    subject: format!("[{label}] We received your support request"),
                    body: format!(
                        "Hello {},\n\nThank you for contacting support. Your request {label} \"{title}\" \
                         has been received; we will answer by mail and in the portal.\n\n\
                         Follow it at {link}\n",
                        contact.name
                    ),
                    link: None,
                },
            )
            .await?;
    }
    let publisher = publisher_name(&state.db, who.publisher_id).await?;
    state
        .mailer
        .send(
            &state.db,
            Mail {
                publisher_id: who.publisher_id,
                to: state.config.support_email.clone(),
                subject: format!("[{label}] New support request from {publisher}: {title}"),
                body: format!(
                    "{} ({}) of {publisher} filed {label}.\n\nCategory: {}\nContact: {} <{}> {}\n\
                     Time zone: {}, region: {}, language: {}\nAttachments: {}\n\n{description}\n\n\
                     Answer with: portal support reply {label} --message \"...\"\n",
                    contact.name,
                    who.email,
                    new.category.label(),
                    contact.name,
                    contact.email,
                    contact.phone,
                    contact.time_zone,
                    contact.region,
                    contact.language,
                    attached,
                ),
                link: None,
            },
        )
        .await?;
    get_request(&state.db, Some(who.publisher_id), number).await
}

async fn publisher_name(db: &DatabaseConnection, publisher_id: i64) -> Result<String, ApiError> {
    Ok(publishers::Entity::find_by_id(publisher_id)
        .one(db)
        .await?
        .map(|p| p.name)
        .unwrap_or_default())
}

/// The request row: of `publisher_id` when given (a publisher's caller), of any
/// publisher for the operator (`None`).
async fn find_request(
    db: &DatabaseConnection,
    publisher_id: Option<i64>,
    number: i64,
) -> Result<support_requests::Model, ApiError> {
    let mut query =
        support_requests::Entity::find().filter(support_requests::Column::Number.eq(number));
    if let Some(publisher_id) = publisher_id {
        query = query.filter(support_requests::Column::PublisherId.eq(publisher_id));
    }
    query.one(db).await?.ok_or_else(|| not_found(number))
}

fn status_of(text: &str) -> SupportStatus {
    SupportStatus::from_name(text).unwrap_or(SupportStatus::New)
}

fn summary(row: support_requests::Model, publisher: String) -> SupportRequestSummary {
    SupportRequestSummary {
        number: format_request_number(row.number),
        category: SupportCategory::from_name(&row.category).unwrap_or(SupportCategory::Other),
        status: status_of(&row.status),
        title: row.title,
        requester: row.requester_email,
        publisher,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// A request with its conversation.
pub async fn get_request(
    db: &DatabaseConnection,
    publisher_id: Option<i64>,
    number: i64,
) -> Result<SupportRequest, ApiError> {
    let row = find_request(db, publisher_id, number).await?;
    let pid = row.publisher_id;
    let messages = support_messages::Entity::find()
        .filter(support_messages::Column::PublisherId.eq(pid))
        .filter(support_messages::Column::RequestNumber.eq(number))
        .order_by_asc(support_messages::Column::MessageId)
        .all(db)
        .await?;
    let attachments = support_attachments::Entity::find()
        .filter(support_attachments::Column::PublisherId.eq(pid))
        .filter(support_attachments::Column::RequestNumber.eq(number))
        .order_by_asc(support_attachments::Column::CreatedAt)
        .all(db)
        .await?;
    let messages = messages
        .into_iter()
        .map(|m| SupportMessage {
            id: m.message_id.to_string(),
            author: if m.author == "support" {
                MessageAuthor::Support
            } else {
                MessageAuthor::Requester
            },
            author_name: m.author_name,
            body: m.body,
            attachments: attachments
                .iter()
                .filter(|a| a.message_id == m.message_id)
                .map(|a| SupportAttachment {
                    id: a.attachment_id.to_string(),
                    file_name: a.file_name.clone(),
                    media_type: a.media_type.clone(),
                    size: a.size_bytes as u64,
                    sha256: a.sha256.clone(),
                })
                .collect(),
            created_at: m.created_at,
        })
        .collect();
    Ok(SupportRequest {
        number: format_request_number(row.number),
        problem_type: ProblemType::from_name(&row.problem_type)
            .unwrap_or(ProblemType::ReportsAndInsights),
        category: SupportCategory::from_name(&row.category).unwrap_or(SupportCategory::Other),
        title: row.title,
        status: status_of(&row.status),
        requester: row.requester_email,
        publisher: publisher_name(db, pid).await?,
        contact: ContactInfo {
            name: row.contact_name,
            email: row.contact_email,
            phone: row.contact_phone,
            time_zone: row.time_zone,
            region: row.region,
            language: row.language,
        },
        messages,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Requests, newest first: of one publisher, or (operator) of all or of `publisher_id`;
/// optionally only those of `status`.
pub async fn list_requests(
    db: &DatabaseConnection,
    publisher_id: Option<i64>,
    status: Option<SupportStatus>,
    limit: u64,
) -> Result<Vec<SupportRequestSummary>, ApiError> {
    let mut query = support_requests::Entity::find();
    if let Some(publisher_id) = publisher_id {
        query = query.filter(support_requests::Column::PublisherId.eq(publisher_id));
    }
    if let Some(status) = status {
        query = query.filter(support_requests::Column::Status.eq(status.name()));
    }
    let rows = query
        .order_by_desc(support_requests::Column::Number)
        .limit(limit)
        .all(db)
        .await?;
    let names: std::collections::HashMap<i64, String> = publishers::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.publisher_id, p.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = names.get(&r.publisher_id).cloned().unwrap_or_default();
            summary(r, name)
        })
        .collect())
}

/// Who writes a reply.
#[derive(Clone, Debug)]
pub enum Author {
    /// Someone of the request's publisher.
    Requester(Requester),
    /// The operator's support.
    Support,
}

/// Adds a message (with files) to a request, in one transaction that also moves the
/// files into place, and sets the status: a requester's reply reopens a resolved or
/// waiting request ("In progress"); support's reply sets `status` when given. A closed
/// request takes no more replies (409). Mails the other side.
pub async fn add_message(
    state: &AppState,
    publisher_id: Option<i64>,
    number: i64,
    author: &Author,
    body: &str,
    status: Option<SupportStatus>,
    mut files: StagedFiles,
) -> Result<SupportRequest, ApiError> {
    let body = text("body", body, 1, 20_000, true)?;
    let row = find_request(&state.db, publisher_id, number).await?;
    let current = status_of(&row.status);
    if current == SupportStatus::Closed && status.is_none() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "{} is closed; file a new request instead.",
                format_request_number(number)
            ),
        ));
    }
    let next = match author {
        Author::Requester(_) => match current {
            SupportStatus::WaitingForYou | SupportStatus::Resolved => SupportStatus::InProgress,
            other => other,
        },
        Author::Support => status.unwrap_or(current),
    };
    let pid = row.publisher_id;
    let (author_kind, author_name) = match author {
        Author::Requester(r) => ("requester", r.name.clone()),
        Author::Support => ("support", SUPPORT_NAME.to_owned()),
    };
    let now = Utc::now();
    let message_id = Uuid::now_v7();
    let txn = state.db.begin().await?;
    support_requests::Entity::update_many()
        .col_expr(support_requests::Column::Status, Expr::value(next.name()))
        .col_expr(support_requests::Column::UpdatedAt, Expr::value(now))
        .filter(support_requests::Column::PublisherId.eq(pid))
        .filter(support_requests::Column::Number.eq(number))
        .exec(&txn)
        .await?;
    support_messages::Entity::insert(support_messages::ActiveModel {
        publisher_id: Set(pid),
        message_id: Set(message_id),
        request_number: Set(number),
        author: Set(author_kind.to_owned()),
        author_name: Set(author_name.clone()),
        body: Set(body.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let rows = attachment_rows(pid, number, message_id, &files);
    let attached = rows.len();
    if !rows.is_empty() {
        support_attachments::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    files.place(&state.config.data_dir, pid)?;
    txn.commit().await?;
    files.keep();

    let label = format_request_number(number);
    let link = format!("{}/help/requests/{label}", state.config.public_url());
    let mail = match author {
        Author::Support => Mail {
            publisher_id: pid,
            to: row.contact_email.clone(),
            subject: format!("[{label}] Support replied: {}", row.title),
            body: format!(
                "Hello {},\n\nSupport replied to your request {label} \"{}\" (status: {}):\n\n{body}\n\n\
                 Read the conversation and reply at {link}\n",
                row.contact_name,
                row.title,
                next.label()
            ),
            link: None,
        },
        Author::Requester(r) => Mail {
            publisher_id: pid,
            to: state.config.support_email.clone(),
            subject: format!("[{label}] Reply from {}: {}", r.email, row.title),
            body: format!(
                "{} ({}) replied to {label} (status: {}; {attached} file(s) attached):\n\n{body}\n\n\
                 Answer with: portal support reply {label} --message \"...\"\n",
                r.name,
                r.email,
                next.label()
            ),
            link: None,
        },
    };
    state.mailer.send(&state.db, mail).await?;
    get_request(&state.db, Some(pid), number).await
}

/// The operator sets a request's status; the requester is told by mail.
pub async fn set_status(
    state: &AppState,
    number: i64,
    status: SupportStatus,
) -> Result<SupportRequest, ApiError> {
    let row = find_request(&state.db, None, number).await?;
    let previous = status_of(&row.status);
    if previous != status {
        support_requests::Entity::update_many()
            .col_expr(support_requests::Column::Status, Expr::value(status.name()))
            .col_expr(support_requests::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(support_requests::Column::PublisherId.eq(row.publisher_id))
            .filter(support_requests::Column::Number.eq(number))
            .exec(&state.db)
            .await?;
        let label = format_request_number(number);
        state
            .mailer
            .send(
                &state.db,
                Mail {
                    publisher_id: row.publisher_id,
                    to: row.contact_email.clone(),
                    subject: format!("[{label}] Status: {}", status.label()),
                    body: format!(
                        "Hello {},\n\nYour support request {label} \"{}\" is now: {} (was: {}).\n\n\
                         Follow it at {}/help/requests/{label}\n",
                        row.contact_name,
                        row.title,
                        status.label(),
                        previous.label(),
                        state.config.public_url()
                    ),
                    link: None,
                },
            )
            .await?;
    }
    get_request(&state.db, Some(row.publisher_id), number).await
}

/// An attachment's record, scoped like its request.
pub async fn find_attachment(
    db: &DatabaseConnection,
    publisher_id: Option<i64>,
    number: i64,
    attachment_id: Uuid,
) -> Result<support_attachments::Model, ApiError> {
    let request = find_request(db, publisher_id, number).await?;
    support_attachments::Entity::find()
        .filter(support_attachments::Column::PublisherId.eq(request.publisher_id))
        .filter(support_attachments::Column::AttachmentId.eq(attachment_id))
        .filter(support_attachments::Column::RequestNumber.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("There is no such attachment on this request."))
}

/// Records feedback from the smiley.
pub async fn create_feedback(
    db: &DatabaseConnection,
    who: &Requester,
    new: &NewFeedback,
) -> Result<Feedback, ApiError> {
    let comment = text("comment", &new.comment, 0, 5_000, true)?;
    let page_url = match &new.page_url {
        Some(url) if !url.trim().is_empty() => {
            let url = text("pageUrl", url, 1, 2_000, false)?;
            if !url.starts_with('/') || url.starts_with("//") {
                return Err(invalid(
                    "pageUrl",
                    "must be a path of the app, starting with '/'",
                ));
            }
            Some(url)
        }
        _ => None,
    };
    let now = Utc::now();
    let id = Uuid::now_v7();
    feedback::Entity::insert(feedback::ActiveModel {
        publisher_id: Set(who.publisher_id),
        feedback_id: Set(id),
        user_id: Set(who.user_id),
        user_email: Set(who.email.clone()),
        sentiment: Set(new.sentiment.name().to_owned()),
        comment: Set(comment.clone()),
        page_url: Set(page_url.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(Feedback {
        id: id.to_string(),
        sentiment: new.sentiment,
        comment,
        page_url,
        user: who.email.clone(),
        publisher: publisher_name(db, who.publisher_id).await?,
        created_at: now,
    })
}

/// The newest feedback of every publisher, newest first (the operator's).
pub async fn list_feedback(db: &DatabaseConnection, limit: u64) -> Result<Vec<Feedback>, ApiError> {
    let rows = feedback::Entity::find()
        .order_by_desc(feedback::Column::CreatedAt)
        .order_by_desc(feedback::Column::FeedbackId)
        .limit(limit)
        .all(db)
        .await?;
    let names: std::collections::HashMap<i64, String> = publishers::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.publisher_id, p.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| Feedback {
            id: r.feedback_id.to_string(),
            sentiment: if r.sentiment == "unhappy" {
                shared::support::Sentiment::Unhappy
            } else {
                shared::support::Sentiment::Happy
            },
            comment: r.comment,
            page_url: r.page_url,
            user: r.user_email,
            publisher: names.get(&r.publisher_id).cloned().unwrap_or_default(),
            created_at: r.created_at,
        })
        .collect())
}
