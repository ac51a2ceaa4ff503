//! Support requests, their conversation and attachments, feedback from the smiley, and
//! the privacy policy: the wire types of `/api/v1/support-requests`, `/api/v1/feedback`
//! and `/api/v1/privacy-policy`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a support request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum SupportStatus {
    /// Filed; nobody has looked at it yet.
    New,
    /// The operator is working on it.
    InProgress,
    /// The operator needs an answer from the requester.
    WaitingForYou,
    /// Answered; the requester may still reply, which reopens it.
    Resolved,
    /// Closed for good; no more replies.
    Closed,
}

impl SupportStatus {
    /// Every status, in the order a request goes through them.
    pub const ALL: &'static [SupportStatus] = &[
        SupportStatus::New,
        SupportStatus::InProgress,
        SupportStatus::WaitingForYou,
        SupportStatus::Resolved,
        SupportStatus::Closed,
    ];

    /// The wire name (`inProgress`).
    pub const fn name(self) -> &'static str {
        match self {
            SupportStatus::New => "new",
            SupportStatus::InProgress => "inProgress",
            SupportStatus::WaitingForYou => "waitingForYou",
            SupportStatus::Resolved => "resolved",
            SupportStatus::Closed => "closed",
        }
    }

    /// The label people read ("Waiting for you").
    pub const fn label(self) -> &'static str {
        match self {
            SupportStatus::New => "New",
            SupportStatus::InProgress => "In progress",
            SupportStatus::WaitingForYou => "Waiting for you",
            SupportStatus::Resolved => "Resolved",
            SupportStatus::Closed => "Closed",
        }
    }

    /// The status with this wire name or label, ignoring case, spaces, hyphens and
    /// underscores (`in-progress`, `In progress` and `inProgress` are all one).
    pub fn from_name(text: &str) -> Option<Self> {
        let squash = |s: &str| {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        };
        let wanted = squash(text);
        Self::ALL
            .iter()
            .copied()
            .find(|s| squash(s.name()) == wanted)
    }
}

/// The problem type of a request. The portal's support covers its reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ProblemType {
    /// Reports and Insights.
    ReportsAndInsights,
}

impl ProblemType {
    /// The label people read.
    pub const fn label(self) -> &'static str {
        match self {
            ProblemType::ReportsAndInsights => "Reports and Insights",
        }
    }

    /// The wire name.
    pub const fn name(self) -> &'static str {
        match self {
            ProblemType::ReportsAndInsights => "reportsAndInsights",
        }
    }

    /// The problem type with this wire name.
    pub fn from_name(text: &str) -> Option<Self> {
        (text == "reportsAndInsights").then_some(ProblemType::ReportsAndInsights)
    }
}

/// The category of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum SupportCategory {
    /// Questions related to reports.
    ReportQuestions,
    /// Anything else.
    Other,
}

impl SupportCategory {
    /// Both categories.
    pub const ALL: &'static [SupportCategory] =
        &[SupportCategory::ReportQuestions, SupportCategory::Other];

    /// The label people read.
    pub const fn label(self) -> &'static str {
        match self {
            SupportCategory::ReportQuestions => "Questions related to reports",
            SupportCategory::Other => "Other",
        }
    }

    /// The wire name.
    pub const fn name(self) -> &'static str {
        match self {
            SupportCategory::ReportQuestions => "reportQuestions",
            SupportCategory::Other => "other",
        }
    }

    /// The category with this wire name.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == text)
    }

    /// Links that may answer the question before a request is filed.
    pub const fn helpful_links(self) -> &'static [HelpfulLink] {
        match self {
            SupportCategory::ReportQuestions => &[
                HelpfulLink {
                    title: "Glossary: what every slicer, chart and column means",
                    href: "/help/glossary",
                },
                HelpfulLink {
                    title: "Why a number differs: data as of, and new orders by purchase date",
                    href: "/help/glossary#term-data-as-of",
                },
                HelpfulLink {
                    title: "Normalized and raw usage",
                    href: "/help/glossary#term-normalized-usage",
                },
                HelpfulLink {
                    title: "The API reference (the same numbers for integrations)",
                    href: "/api/docs",
                },
            ],
            SupportCategory::Other => &[
                HelpfulLink {
                    title: "Forgot your password? Reset it from the sign-in page",
                    href: "/forgot-password",
                },
                HelpfulLink {
                    title: "Who can see what: ask your Administrator (User Management)",
                    href: "/users",
                },
                HelpfulLink {
                    title: "Privacy policy",
                    href: "/privacy",
                },
            ],
        }
    }
}

/// A link shown before the request form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HelpfulLink {
    /// What the link answers.
    pub title: &'static str,
    /// Where it goes (an address of the instance).
    pub href: &'static str,
}

/// How and when the requester wants to be reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactInfo {
    /// The requester's name.
    pub name: String,
    /// Where replies go.
    pub email: String,
    /// A phone number, if the requester wants calls.
    #[serde(default)]
    pub phone: String,
    /// An IANA time zone (`Europe/Amsterdam`).
    pub time_zone: String,
    /// The requester's country or region.
    pub region: String,
    /// The language to answer in (a BCP 47 tag such as `en-US`).
    pub language: String,
}

/// A new support request: the JSON `request` part of the multipart form (files go in
/// `files` parts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "problemType": "reportsAndInsights",
    "category": "reportQuestions",
    "contact": {"name": "Ada Lovelace", "email": "ada@contoso.example", "phone": "",
                "timeZone": "Europe/London", "region": "GB", "language": "en-GB"},
    "title": "New orders in March look low",
    "description": "The Summary shows 12 new orders for March; our billing says 15."
})))]
pub struct NewSupportRequest {
    /// Always `reportsAndInsights`.
    pub problem_type: ProblemType,
    /// The category.
    pub category: SupportCategory,
    /// Contact details.
    pub contact: ContactInfo,
    /// A short title (1 to 200 characters).
    pub title: String,
    /// What happened, in as much detail as possible (1 to 20,000 characters).
    pub description: String,
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum MessageAuthor {
    /// Someone of the publisher.
    Requester,
    /// The instance's support (the operator).
    Support,
}

/// A file attached to a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SupportAttachment {
    /// The attachment's id (download it at `.../attachments/{id}`).
    pub id: String,
    /// The name it was uploaded with.
    pub file_name: String,
    /// The media type its content was recognised as.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// One message of a request's conversation; the first is the request's description.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SupportMessage {
    /// The message's id.
    pub id: String,
    /// Requester or support.
    pub author: MessageAuthor,
    /// The author's name as shown.
    pub author_name: String,
    /// The text.
    pub body: String,
    /// Files attached to it.
    pub attachments: Vec<SupportAttachment>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// A request in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SupportRequestSummary {
    /// The request number (`SR-000123`), unique in the instance.
    pub number: String,
    /// The title.
    pub title: String,
    /// The category.
    pub category: SupportCategory,
    /// Where it stands.
    pub status: SupportStatus,
    /// Who filed it (email).
    pub requester: String,
    /// The publisher's name.
    pub publisher: String,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A request with its contact details and whole conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SupportRequest {
    /// The request number (`SR-000123`).
    pub number: String,
    /// The problem type.
    pub problem_type: ProblemType,
    /// The category.
    pub category: SupportCategory,
    /// The title.
    pub title: String,
    /// Where it stands.
    pub status: SupportStatus,
    /// Who filed it (email).
    pub requester: String,
    /// The publisher's name.
    pub publisher: String,
    /// The contact details given.
    pub contact: ContactInfo,
    /// The conversation, oldest first; the first message is the description.
    pub messages: Vec<SupportMessage>,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A change of a request's status by the operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "inProgress"})))]
pub struct SupportStatusChange {
    /// The new status.
    pub status: SupportStatus,
}

/// The numeric part of a request number: `SR-000123`, `sr-123` and `123` all give 123.
pub fn parse_request_number(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t
        .strip_prefix("SR-")
        .or_else(|| t.strip_prefix("sr-"))
        .unwrap_or(t);
    if digits.is_empty() || digits.len() > 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

/// The request number people read for the numeric one (`SR-000123`).
pub fn format_request_number(number: i64) -> String {
    format!("SR-{number:06}")
}

/// How a page made the reader feel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Sentiment {
    /// A smile.
    Happy,
    /// A frown.
    Unhappy,
}

impl Sentiment {
    /// The wire name.
    pub const fn name(self) -> &'static str {
        match self {
            Sentiment::Happy => "happy",
            Sentiment::Unhappy => "unhappy",
        }
    }
}

/// Feedback from the smiley.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "sentiment": "happy",
    "comment": "The trend view is just what we needed.",
    "pageUrl": "/orders-usage?view=trend&start=2026-06"
})))]
pub struct NewFeedback {
    /// Happy or unhappy.
    pub sentiment: Sentiment,
    /// What the reader wants to say (up to 5,000 characters; may be empty).
    #[serde(default)]
    pub comment: String,
    /// The page and its URL state (path and query of the app), when the reader chose
    /// to attach it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
}

/// Feedback as the operator reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    /// Its id.
    pub id: String,
    /// Happy or unhappy.
    pub sentiment: Sentiment,
    /// The comment.
    pub comment: String,
    /// The page it was given on, if attached.
    pub page_url: Option<String>,
    /// Who gave it (email).
    pub user: String,
    /// Their publisher's name.
    pub publisher: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The instance's privacy policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PrivacyPolicy {
    /// The policy as plain text; blank lines separate paragraphs.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_numbers_round_trip() {
        assert_eq!(format_request_number(123), "SR-000123");
        assert_eq!(parse_request_number("SR-000123"), Some(123));
        assert_eq!(parse_request_number("sr-7"), Some(7));
        assert_eq!(parse_request_number("42"), Some(42));
        for bad in ["", "SR-", "SR-0", "SR-12a", "../1", "SR-1234567890123"] {
            assert_eq!(parse_request_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn statuses_parse_loosely() {
        assert_eq!(
            SupportStatus::from_name("in-progress"),
            Some(SupportStatus::InProgress)
        );
        assert_eq!(
            SupportStatus::from_name("Waiting for you"),
            Some(SupportStatus::WaitingForYou)
        );
        assert_eq!(SupportStatus::from_name("done"), None);
        for s in SupportStatus::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.name()));
        }
    }
}
