//! Accounts of a publisher beyond signing in: User Management, invitations and password
//! resets (single-use links), publisher settings, integrations' API clients, the audit
//! log, and the operator's onboarding of publishers.

pub mod api_clients;
pub mod audit;
pub mod links;
pub mod operator;
pub mod paging;
pub mod settings;
pub mod users;

use shared::{ErrorCode, FieldError, Problem};

use crate::error::ApiError;

/// A 422 naming the field at fault.
pub fn invalid_field(field: &str, reason: impl Into<String>) -> ApiError {
    let reason = reason.into();
    ApiError::Client(Box::new(
        Problem::new(ErrorCode::Unprocessable, format!("{field}: {reason}")).with_errors(vec![
            FieldError {
                field: field.to_owned(),
                line: None,
                reason,
            },
        ]),
    ))
}

/// A plausible email address, trimmed and lower-cased; a 422 naming `field` otherwise.
pub fn normalise_email(field: &str, email: &str) -> Result<String, ApiError> {
    let email = email.trim().to_lowercase();
    let plausible = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
                && !domain.ends_with('.') && !domain.contains('@'));
    if plausible {
        Ok(email)
    } else {
        Err(invalid_field(field, "is not an email address"))
    }
}

/// A person's name part, trimmed; at most 100 characters and no control characters.
pub fn name_part(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.chars().count() > 100 || text.chars().any(char::is_control) {
        return Err(invalid_field(
            field,
            "must be at most 100 characters, without control characters",
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_normalised() {
        assert_eq!(
            normalise_email("email", " Pat@Contoso.Example ").unwrap(),
            "pat@contoso.example"
        );
        for bad in [
            "", "pat", "pat@", "@x.y", "pat@host", "p at@x.y", "a@b@c.d", "a@.x",
        ] {
            assert!(normalise_email("email", bad).is_err(), "{bad}");
        }
    }
}
