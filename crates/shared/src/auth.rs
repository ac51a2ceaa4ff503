//! Sign-in and the signed-in caller: roles and report-area permissions.

use serde::{Deserialize, Serialize};

/// A person's role within their publisher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Sees everything and manages the publisher's users.
    Administrator,
    /// Sees the report areas their permissions allow.
    User,
}

impl Role {
    /// The role's name as stored and sent.
    pub const fn name(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::User => "User",
        }
    }

    /// The role with this name.
    pub fn from_name(text: &str) -> Option<Self> {
        [Role::Administrator, Role::User]
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(text))
    }
}

/// Read access to one report area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Permission {
    /// The Summary page.
    Summary,
    /// Orders reports.
    Orders,
    /// Usage reports.
    Usage,
    /// Customer names, emails and other personal data.
    Customers,
    /// The License dashboard.
    Licenses,
    /// Payouts (money).
    Payouts,
    /// Support requests.
    Support,
}

impl Permission {
    /// Every permission; an Administrator has all of them.
    pub const ALL: &'static [Permission] = &[
        Permission::Summary,
        Permission::Orders,
        Permission::Usage,
        Permission::Customers,
        Permission::Licenses,
        Permission::Payouts,
        Permission::Support,
    ];

    /// The permission's name as stored and sent.
    pub const fn name(self) -> &'static str {
        match self {
            Permission::Summary => "Summary",
            Permission::Orders => "Orders",
            Permission::Usage => "Usage",
            Permission::Customers => "Customers",
            Permission::Licenses => "Licenses",
            Permission::Payouts => "Payouts",
            Permission::Support => "Support",
        }
    }

    /// The permission with this name.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.name().eq_ignore_ascii_case(text))
    }
}

/// Credentials for signing in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "admin@contoso.example", "password": "correct horse battery"})))]
pub struct SignInRequest {
    /// The account's email address.
    pub email: String,
    /// The account's password.
    pub password: String,
}

/// A signed-in session: the bearer access token and who it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The access token (a signed JWT), sent as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The signed-in user.
    pub user: CurrentUser,
}

/// The signed-in user, their publisher and what they may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CurrentUser {
    /// The user's id.
    pub id: String,
    /// The user's email address.
    pub email: String,
    /// The user's first name.
    pub first_name: String,
    /// The user's last name.
    pub last_name: String,
    /// The user's role within the publisher.
    pub role: Role,
    /// The report areas the user may read.
    pub permissions: Vec<Permission>,
    /// The publisher the user belongs to.
    pub publisher: PublisherRef,
}

impl CurrentUser {
    /// Whether the user may read `area`.
    pub fn can(&self, area: Permission) -> bool {
        self.permissions.contains(&area)
    }

    /// The name to show top right.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

/// A publisher, by id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublisherRef {
    /// The publisher's id.
    pub id: i64,
    /// The publisher's name.
    pub name: String,
}

/// Changing one's own password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"currentPassword": "correct horse battery", "newPassword": "a longer passphrase of mine"})))]
pub struct ChangePasswordRequest {
    /// The password now.
    pub current_password: String,
    /// The new password: at least 12 characters, not a commonly used one.
    pub new_password: String,
}

/// A single-use link's token (invitation or password reset), as the mailed link carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"token": "1.bm90LWEtcmVhbC10b2tlbi1qdXN0LWFuLWV4YW1wbGU"})))]
pub struct LinkToken {
    /// The token from the link.
    pub token: String,
}

/// Who an invitation is for, so the page can greet them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationPreview {
    /// The invited email address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The publisher they are invited to.
    pub publisher_name: String,
}

/// Setting a password with a single-use link's token (accepting an invitation, or
/// completing a password reset).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"token": "1.bm90LWEtcmVhbC10b2tlbi1qdXN0LWFuLWV4YW1wbGU", "password": "a longer passphrase of mine"})))]
pub struct SetPasswordRequest {
    /// The token from the link.
    pub token: String,
    /// The new password: at least 12 characters, not a commonly used one.
    pub password: String,
}

/// Asking for a password reset link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "pat@contoso.example"})))]
pub struct PasswordResetRequest {
    /// The account's email address.
    pub email: String,
}

/// The answer to a reset request, the same whether or not the account exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasswordResetAccepted {
    /// What happens next, to show the user.
    pub message: String,
}
