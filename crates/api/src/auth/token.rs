//! Access tokens: HS256-signed JWTs with the algorithm, issuer and audience pinned.

use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// The `iss` of every token this instance issues.
pub const ISSUER: &str = "seller-insights-portal";
/// The `aud` of access tokens for the API.
pub const AUDIENCE: &str = "seller-insights-api";

/// What an access token says about its bearer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// The publisher the bearer acts for.
    pub pid: i64,
    /// `Administrator` or `User`.
    pub role: String,
    /// The report areas the bearer may read.
    pub perms: Vec<String>,
    /// The user's token version when issued; a newer version on the user refuses it.
    pub ver: i32,
    /// Issued at (seconds since the epoch).
    pub iat: u64,
    /// Expires at (seconds since the epoch).
    pub exp: u64,
    /// Present only on an API client's token: its space-separated scopes. The `sub` is
    /// then the client's id, and the token is checked against the client, not a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The keys that sign and verify tokens, and the pinned validation rules.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Lifetime of an access token in seconds.
    pub ttl_secs: u64,
}

impl TokenKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs,
        }
    }

    /// The configured secret, or the one kept in `data_dir/jwt-secret` (created with 32
    /// random bytes on first use).
    pub fn load_or_create(
        configured: Option<&str>,
        data_dir: &Path,
        ttl_secs: u64,
    ) -> std::io::Result<Self> {
        if let Some(secret) = configured {
            return Ok(Self::new(secret.as_bytes(), ttl_secs));
        }
        let secret = crate::config::kept_secret(data_dir, "jwt-secret", 32, "", 32)?;
        Ok(Self::new(secret.as_bytes(), ttl_secs))
    }

    /// Signs `claims`.
    pub fn issue(&self, claims: &Claims) -> Result<String, ApiError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(ApiError::internal)
    }

    /// Verifies a token's signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                let why = match e.kind() {
                    ErrorKind::ExpiredSignature => "The access token has expired; sign in again.",
                    ErrorKind::InvalidAudience | ErrorKind::InvalidIssuer => {
                        "The access token was not issued for this API."
                    }
                    ErrorKind::InvalidAlgorithm => {
                        "The access token is signed with an algorithm this API does not accept."
                    }
                    _ => "The access token is not valid.",
                };
                ApiError::unauthenticated(why)
            })
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: u64) -> Claims {
        Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "u1".into(),
            pid: 1,
            role: "User".into(),
            perms: vec!["Summary".into()],
            ver: 0,
            iat: now_secs(),
            exp,
            scope: None,
        }
    }

    #[test]
    fn round_trips_and_refuses_tampering() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 900);
        let token = keys.issue(&claims(now_secs() + 60)).unwrap();
        assert_eq!(keys.verify(&token).unwrap().sub, "u1");
        let other = TokenKeys::new(b"another secret of enough length!!", 900);
        assert!(other.verify(&token).is_err());
        assert!(
            keys.verify(&keys.issue(&claims(now_secs() - 600)).unwrap())
                .is_err()
        );
    }
}
