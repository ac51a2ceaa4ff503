//! User Management, publisher settings, integrations (API clients), the audit log and
//! the operator's onboarding: the wire types of issue #3's endpoints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{Permission, Role};

/// Whether an account can sign in yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UserStatus {
    /// Invited; has not set a password yet.
    Invited,
    /// Has set a password and can sign in.
    Active,
}

/// A user of the caller's publisher, as User Management shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The user's id.
    pub id: String,
    /// Email address (lower case); how the user signs in.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Role within the publisher.
    pub role: Role,
    /// Report areas the user may read (every one for an Administrator).
    pub permissions: Vec<Permission>,
    /// Invited or active.
    pub status: UserStatus,
    /// When the account was created (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When the user last signed in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// One page of users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserPage {
    /// The users of this page, by last name, first name and email.
    pub items: Vec<User>,
    /// Users matching the search, on every page.
    pub total: u64,
    /// This page's number (from 1).
    pub page: u64,
    /// Users per page.
    pub page_size: u64,
}

/// Adding a user: they get an invitation mail to set their password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "pat@contoso.example", "firstName": "Pat", "lastName": "Doe",
    "role": "User", "permissions": ["Orders"]
})))]
pub struct InviteUserRequest {
    /// The new user's email address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Role (default `User`).
    #[serde(default = "default_role")]
    pub role: Role,
    /// Report areas the user may read (ignored for Administrators, who have all).
    #[serde(default)]
    pub permissions: Vec<Permission>,
}

fn default_role() -> Role {
    Role::User
}

/// Changes to a user; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"permissions": ["Summary", "Orders"]})))]
pub struct UpdateUserRequest {
    /// New first name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// New last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// New role. The last Administrator cannot be made a User.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// New permissions (replacing the old ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<Permission>>,
}

/// The publisher's settings that its Administrators control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublisherSettings {
    /// The publisher's name.
    pub name: String,
    /// Whether users may reset a forgotten password by a mailed link.
    pub allow_password_reset: bool,
}

/// Changing the publisher's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"allowPasswordReset": false})))]
pub struct UpdatePublisherSettings {
    /// Whether users may reset a forgotten password by a mailed link.
    pub allow_password_reset: bool,
}

/// What an API client may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApiScope {
    /// Read every report area (`reports:read`).
    #[serde(rename = "reports:read")]
    ReportsRead,
    /// Define, schedule and run report queries (`queries:manage`).
    #[serde(rename = "queries:manage")]
    QueriesManage,
}

impl ApiScope {
    /// Every scope.
    pub const ALL: &'static [ApiScope] = &[ApiScope::ReportsRead, ApiScope::QueriesManage];

    /// The scope's name as stored, sent and requested.
    pub const fn name(self) -> &'static str {
        match self {
            ApiScope::ReportsRead => "reports:read",
            ApiScope::QueriesManage => "queries:manage",
        }
    }

    /// The scope with this name.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.name() == text)
    }
}

/// An integration's API client (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiClient {
    /// The client id, sent as `client_id` to `POST /api/v1/oauth/token`.
    pub client_id: String,
    /// What the client is for.
    pub name: String,
    /// What its tokens may do.
    pub scopes: Vec<ApiScope>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Who created it (email), if that account still exists.
    pub created_by: Option<String>,
    /// When it last obtained a token.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked client gets no tokens and its tokens fail.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Creating an API client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Finance warehouse", "scopes": ["reports:read"]})))]
pub struct NewApiClientRequest {
    /// What the client is for.
    pub name: String,
    /// What its tokens may do (at least one).
    pub scopes: Vec<ApiScope>,
}

/// A new API client with its secret, shown this once and never again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiClient {
    /// The client.
    pub client: ApiClient,
    /// The client secret. Only its hash is kept: copy it now.
    pub client_secret: String,
}

/// An OAuth 2.0 access token response (RFC 6749 section 5.1, hence snake_case).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthToken {
    /// The access token, sent as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until it expires.
    pub expires_in: u64,
    /// The granted scopes, space-separated.
    pub scope: String,
}

/// What happened, in the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A user signed in.
    SignIn,
    /// A sign-in with a wrong password (or a throttled one).
    SignInFailed,
    /// A user signed out.
    SignOut,
    /// A refresh token was used twice; its whole chain was revoked.
    RefreshTokenReused,
    /// A user changed their password.
    PasswordChanged,
    /// A password reset link was asked for.
    PasswordResetRequested,
    /// A password was reset by a mailed link.
    PasswordReset,
    /// A user was invited (or their invitation sent again).
    UserInvited,
    /// An invited user set their password.
    InvitationAccepted,
    /// A user's name, role or permissions changed.
    UserUpdated,
    /// A user was deleted.
    UserDeleted,
    /// The publisher's settings changed.
    SettingsChanged,
    /// An API client was created.
    ApiClientCreated,
    /// An API client was revoked.
    ApiClientRevoked,
    /// An API client obtained an access token.
    ApiTokenIssued,
    /// Data was downloaded (CSV, Excel, images, query results).
    DataDownloaded,
}

impl AuditAction {
    /// Every action.
    pub const ALL: &'static [AuditAction] = &[
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::RefreshTokenReused,
        AuditAction::PasswordChanged,
        AuditAction::PasswordResetRequested,
        AuditAction::PasswordReset,
        AuditAction::UserInvited,
        AuditAction::InvitationAccepted,
        AuditAction::UserUpdated,
        AuditAction::UserDeleted,
        AuditAction::SettingsChanged,
        AuditAction::ApiClientCreated,
        AuditAction::ApiClientRevoked,
        AuditAction::ApiTokenIssued,
        AuditAction::DataDownloaded,
    ];

    /// The action's name as stored and sent.
    pub const fn name(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignOut => "sign_out",
            AuditAction::RefreshTokenReused => "refresh_token_reused",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::PasswordResetRequested => "password_reset_requested",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::UserInvited => "user_invited",
            AuditAction::InvitationAccepted => "invitation_accepted",
            AuditAction::UserUpdated => "user_updated",
            AuditAction::UserDeleted => "user_deleted",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::ApiClientCreated => "api_client_created",
            AuditAction::ApiClientRevoked => "api_client_revoked",
            AuditAction::ApiTokenIssued => "api_token_issued",
            AuditAction::DataDownloaded => "data_downloaded",
        }
    }

    /// The action with this name.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.name() == text)
    }
}

/// One entry of the audit log: who did what, when, from where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// The entry's id.
    pub id: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// The acting user's (or API client's) id, if known.
    pub actor_id: Option<String>,
    /// The acting user's email (or API client's name), as it was then.
    pub actor: Option<String>,
    /// What happened.
    pub action: AuditAction,
    /// What it happened to (a user's email, a client's id), if anything.
    pub target: Option<String>,
    /// Details in a sentence.
    pub detail: String,
    /// The client address the request came from.
    pub address: Option<String>,
}

/// One page of the audit log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    /// The entries of this page.
    pub items: Vec<AuditEvent>,
    /// Entries matching the filters.
    pub total: u64,
    /// This page's number (from 1).
    pub page: u64,
    /// Entries per page.
    pub page_size: u64,
}

/// Onboarding a publisher: the operator creates it and invites its first Administrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Adventure Works", "slug": "adventureworks", "adminEmail": "it@adventureworks.example"
})))]
pub struct NewPublisherRequest {
    /// The publisher's name.
    pub name: String,
    /// A short unique handle: lower-case letters, digits and hyphens.
    pub slug: String,
    /// The first Administrator's email address; they get an invitation.
    pub admin_email: String,
    /// The first Administrator's first name.
    #[serde(default)]
    pub admin_first_name: String,
    /// The first Administrator's last name.
    #[serde(default)]
    pub admin_last_name: String,
}

/// A publisher as the operator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublisherInfo {
    /// The publisher's id.
    pub id: i64,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Whether self-service password reset is allowed.
    pub allow_password_reset: bool,
    /// Its users (invited ones included).
    pub users: u64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A mail the instance sent or keeps in its outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OutboxMail {
    /// The mail's id.
    pub id: String,
    /// The publisher it concerns.
    pub publisher_id: i64,
    /// The recipient.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The text. Links with secrets are kept only while SMTP has not delivered them.
    pub body: String,
    /// `outbox` (no SMTP configured), `sent` or `failed`.
    pub status: String,
    /// Why sending failed.
    pub error: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// An OAuth 2.0 token request with the client-credentials grant (RFC 6749 section 4.4),
/// sent as `application/x-www-form-urlencoded`. The client may authenticate with HTTP
/// Basic instead of `client_id` and `client_secret`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "grant_type": "client_credentials", "client_id": "1.01937f7e-0000-7000-8000-000000000000",
    "client_secret": "not-a-real-secret", "scope": "reports:read"
})))]
pub struct OAuthTokenRequest {
    /// Always `client_credentials`.
    pub grant_type: String,
    /// The client id.
    pub client_id: Option<String>,
    /// The client secret.
    pub client_secret: Option<String>,
    /// Space-separated scopes wanted (default: all of the client's).
    pub scope: Option<String>,
}

/// A new publisher and its invited first Administrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OnboardedPublisher {
    /// The publisher.
    pub publisher: PublisherInfo,
    /// Its first Administrator, invited.
    pub administrator: User,
}
