//! Keys the reports derive from the instance's report secret: the BYOL subscription
//! hash and the cursor cipher.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The report keys. Both are derived from one secret kept in the data folder, so hashes
/// and cursors stay valid across restarts and across every process of an instance.
#[derive(Clone)]
pub struct ReportKeys {
    byol: [u8; 32],
    cursor: [u8; 32],
}

impl fmt::Debug for ReportKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReportKeys(..)")
    }
}

fn hmac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

fn derive(secret: &[u8], label: &str) -> [u8; 32] {
    let mut mac = hmac(secret);
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl ReportKeys {
    /// The keys derived from the instance's report secret.
    pub fn from_secret(secret: &str) -> Self {
        ReportKeys {
            byol: derive(secret.as_bytes(), "byol-subscription-id"),
            cursor: derive(secret.as_bytes(), "grid-cursor"),
        }
    }

    /// The stable stand-in for a Bring Your Own License subscription ID: a keyed hash per
    /// publisher, so the same subscription always shows the same value to its publisher,
    /// the real ID cannot be recovered, and two publishers' hashes cannot be correlated.
    pub fn byol_hash(&self, publisher_id: i64, subscription_id: &str) -> String {
        let mut mac = hmac(&self.byol);
        mac.update(&publisher_id.to_be_bytes());
        mac.update(subscription_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("byol-{}", hex::encode(&digest[..12]))
    }

    /// The key of the cursor cipher.
    pub(crate) fn cursor_key(&self) -> &[u8; 32] {
        &self.cursor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byol_hashes_are_stable_per_publisher_and_differ_across_publishers() {
        let keys = ReportKeys::from_secret("secret");
        let a = keys.byol_hash(1, "sub-1");
        assert_eq!(a, keys.byol_hash(1, "sub-1"));
        assert_ne!(a, keys.byol_hash(2, "sub-1"));
        assert_ne!(a, ReportKeys::from_secret("other").byol_hash(1, "sub-1"));
        assert!(a.starts_with("byol-") && !a.contains("sub-1"));
    }
}
