//! Password rules after NIST SP 800-63B: at least 12 characters, at most 256, not a
//! commonly used password nor one made of the account's own name, and no composition
//! rules (no "one digit, one symbol").

use shared::{ErrorCode, FieldError, Problem};

use crate::error::ApiError;

/// The fewest characters (Unicode scalar values) a password may have.
pub const MIN_LENGTH: usize = 12;
/// The most characters a password may have (hashing is deliberately slow).
pub const MAX_LENGTH: usize = 256;

/// Commonly used passwords of 12 characters or more, shipped with the binary. Shorter
/// ones are refused by length already.
const COMMON: &str = include_str!("common-passwords.txt");

/// Why `password` may not be used for the account `email`, if it may not.
pub fn weakness(password: &str, email: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!(
            "Use at least {MIN_LENGTH} characters; a few words make a good password."
        ));
    }
    if length > MAX_LENGTH {
        return Some(format!("Use at most {MAX_LENGTH} characters."));
    }
    let lower = password.to_lowercase();
    let squeezed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|common| common == lower || common == squeezed)
    {
        return Some("This password is too common; choose another.".to_owned());
    }
    let chars: Vec<char> = squeezed.chars().collect();
    if chars.windows(2).all(|w| w[0] == w[1]) {
        return Some("A password of one repeated character is easy to guess.".to_owned());
    }
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| w[1] as i64 - w[0] as i64)
        .collect();
    if steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1) {
        return Some("A run of consecutive characters is easy to guess.".to_owned());
    }
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if squeezed == email
        || (local.chars().count() >= 4 && squeezed.contains(local))
        || ["sellerinsights", "insightsportal"]
            .iter()
            .any(|w| squeezed.contains(w))
    {
        return Some(
            "A password made of your email address or this portal's name is easy to guess."
                .to_owned(),
        );
    }
    None
}

/// 422 naming the `field` when `password` may not be used.
pub fn check(field: &str, password: &str, email: &str) -> Result<(), ApiError> {
    match weakness(password, email) {
        None => Ok(()),
        Some(reason) => Err(ApiError::Client(Box::new(
            Problem::new(ErrorCode::Unprocessable, reason.clone()).with_errors(vec![FieldError {
                field: field.to_owned(),
                line: None,
                reason,
            }]),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nist_rules() {
        let email = "pat.doe@contoso.example";
        assert!(weakness("short one", email).is_some());
        assert!(weakness("password1234", email).is_some(), "common");
        assert!(weakness("Password 1234", email).is_some(), "common, spaced");
        assert!(weakness("aaaaaaaaaaaaaa", email).is_some());
        assert!(weakness("abcdefghijklmnop", email).is_some());
        assert!(weakness("pat.doe@contoso.example", email).is_some());
        assert!(weakness("my pat.doe secret", email).is_some());
        assert!(weakness(&"x".repeat(300), email).is_some());
        // No composition rules: lower-case words are fine, and so is any script.
        assert_eq!(weakness("violet mango ferry lantern", email), None);
        assert!(
            weakness("correct horse battery staple", email).is_some(),
            "xkcd's, now common"
        );
        assert_eq!(weakness("ünïcödé pässwörd", email), None);
        assert_eq!(weakness("大家好大家好大家好朋友们", email), None);
    }
}
