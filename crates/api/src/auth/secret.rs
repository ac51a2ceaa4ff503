//! Random secrets (single-use links, refresh tokens, client secrets): 32 random bytes,
//! base64url, stored only as SHA-256.
//!
//! A link or refresh token names its publisher before the dot (`<publisher id>.<secret>`),
//! so its row is found by `(publisher_id, token_sha256)` like every publisher-owned row.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes from a cryptographically secure generator seeded by the operating
/// system (rand's thread generator), base64url without padding.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Hex SHA-256 of `text`.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A new publisher-scoped token and the hash to store.
pub fn issue(publisher_id: i64) -> (String, String) {
    let token = format!("{publisher_id}.{}", random_secret());
    let hash = sha256_hex(&token);
    (token, hash)
}

/// The publisher a token names and the hash to look it up by; `None` for anything
/// that is not shaped like one of ours.
pub fn parse(token: &str) -> Option<(i64, String)> {
    let token = token.trim();
    let (publisher, secret) = token.split_once('.')?;
    let publisher_id = publisher.parse::<i64>().ok().filter(|id| *id > 0)?;
    let decoded = URL_SAFE_NO_PAD.decode(secret).ok()?;
    (decoded.len() == 32).then(|| (publisher_id, sha256_hex(token)))
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_junk_is_refused() {
        let (token, hash) = issue(7);
        assert!(token.starts_with("7."));
        assert_eq!(parse(&token), Some((7, hash)));
        assert_eq!(parse("7.short"), None);
        assert_eq!(parse("x.abc"), None);
        assert_eq!(parse("nothing"), None);
        assert_ne!(random_secret(), random_secret());
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
