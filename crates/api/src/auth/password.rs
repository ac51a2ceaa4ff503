//! Password hashing with Argon2id, always off the async executor.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::ApiError;

/// Hashes `password` with Argon2id (the crate's default, OWASP-recommended parameters)
/// on a blocking thread.
pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Whether `password` matches the PHC string `stored`, checked on a blocking thread.
/// With no stored hash a dummy hash is checked, so an unknown account takes as long
/// to refuse as a wrong password.
pub async fn verify(stored: Option<String>, password: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let dummy;
        let phc = match stored.as_deref() {
            Some(s) => s,
            None => {
                dummy = dummy_hash();
                dummy.as_str()
            }
        };
        let parsed = PasswordHash::new(phc).map_err(ApiError::internal)?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && stored.is_some())
    })
    .await
    .map_err(ApiError::internal)?
}

fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(b"no such account", &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_only_the_right_password() {
        let stored = hash("correct horse battery".to_owned()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify(Some(stored.clone()), "correct horse battery".to_owned())
                .await
                .unwrap()
        );
        assert!(!verify(Some(stored), "wrong".to_owned()).await.unwrap());
        assert!(!verify(None, "anything".to_owned()).await.unwrap());
    }
}
