//! Who a user is (SPEC §9): argon2id passwords and the rule a new one must meet, one-time passwords, TOTP second factors
//! with recovery codes, and the random secrets behind sessions, tokens and form keys. No HTTP and no database here:
//! the store keeps the hashes, the API and the pages ask these functions.

pub mod password;
pub mod second_factor;

use rand::RngExt;

/// A random secret of 256 bits, hex, with a prefix that says what it is.
pub fn new_secret(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::rng().random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}
