//! Opaque grid cursors: the last row's sort and key values, encrypted and
//! authenticated (XChaCha20-Poly1305), bound to the publisher and the query.
//!
//! Encryption matters: the key values include subscription IDs, and those of Bring Your
//! Own License orders never leave the server in the clear.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::reports::grid::Cell;

use crate::reports::keys::ReportKeys;

#[derive(Serialize, Deserialize)]
struct Payload {
    /// The publisher.
    p: i64,
    /// A digest of the query the cursor belongs to.
    q: String,
    /// The last row's sort and key values.
    v: Vec<Cell>,
}

fn digest(fingerprint: &str) -> String {
    hex::encode(&Sha256::digest(fingerprint.as_bytes())[..12])
}

/// The cursor that continues after a row with these order values.
pub fn seal(keys: &ReportKeys, publisher_id: i64, fingerprint: &str, values: &[Cell]) -> String {
    let payload = Payload {
        p: publisher_id,
        q: digest(fingerprint),
        v: values.to_vec(),
    };
    let plain = serde_json::to_vec(&payload)
        .unwrap_or_else(|_| unreachable!("strings, numbers and booleans always serialise"));
    let cipher = XChaCha20Poly1305::new(keys.cursor_key().into());
    let mut nonce = [0u8; 24];
    rand::rng().fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(&XNonce::from(nonce), plain.as_slice())
        .unwrap_or_else(|_| unreachable!("encryption fails only past 256 GiB of plaintext"));
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    URL_SAFE_NO_PAD.encode(out)
}

/// The order values in a cursor, if it is one of ours, for this publisher and query.
pub fn open(
    keys: &ReportKeys,
    text: &str,
    publisher_id: i64,
    fingerprint: &str,
) -> Result<Vec<Cell>, String> {
    let bad = || "not a cursor this API issued; start again without 'cursor'".to_owned();
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| bad())?;
    if bytes.len() < 24 + 16 {
        return Err(bad());
    }
    let (nonce, sealed) = bytes.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().map_err(|_| bad())?;
    let cipher = XChaCha20Poly1305::new(keys.cursor_key().into());
    let plain = cipher
        .decrypt(&XNonce::from(nonce), sealed)
        .map_err(|_| bad())?;
    let payload: Payload = serde_json::from_slice(&plain).map_err(|_| bad())?;
    if payload.p != publisher_id {
        return Err(bad());
    }
    if payload.q != digest(fingerprint) {
        return Err(
            "the cursor belongs to a query with other filters or another sort; start again \
             without 'cursor'"
                .to_owned(),
        );
    }
    Ok(payload.v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_open_only_for_their_publisher_and_query() {
        let keys = ReportKeys::from_secret("s");
        let values = vec![Cell::Text("2026-09-01".into()), Cell::Text("sub-1".into())];
        let c = seal(&keys, 7, "q1", &values);
        assert!(!c.contains("sub-1"));
        assert_eq!(open(&keys, &c, 7, "q1").unwrap(), values);
        assert!(open(&keys, &c, 8, "q1").is_err());
        assert!(
            open(&keys, &c, 7, "q2")
                .unwrap_err()
                .contains("other filters")
        );
        assert!(open(&ReportKeys::from_secret("t"), &c, 7, "q1").is_err());
        let mut tampered = c.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(open(&keys, &String::from_utf8(tampered).unwrap(), 7, "q1").is_err());
        assert!(open(&keys, "!!", 7, "q1").is_err());
    }
}
