//! The stylesheet and icon, compiled into the binary: a city intranet is often offline, so nothing comes from a CDN.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const CSS: &str = include_str!("../assets/app.css");
const ICON: &str = include_str!("../assets/icon.svg");
const USCC_JS: &str = include_str!("../assets/uscc.js");
const SESSION_JS: &str = include_str!("../assets/session.js");

/// Pages link `app.css?v=VERSION`, a hash of the assets themselves: a binary with a changed stylesheet or script is
/// never shown with the copy a browser cached from the one before.
pub const VERSION: u64 =
    fnv1a(CSS.as_bytes(), fnv1a(USCC_JS.as_bytes(), fnv1a(SESSION_JS.as_bytes(), 0xcbf2_9ce4_8422_2325)));

/// FNV-1a, at compile time (a cache key, not a checksum anyone relies on).
const fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut hash = seed;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

pub async fn css() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=86400")], CSS)
}

pub async fn icon() -> impl IntoResponse {
    ([(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, "public, max-age=86400")], ICON)
}

/// The credit-code check as the user types (progressive enhancement; the server checks again).
pub async fn uscc_js() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8"), (CACHE_CONTROL, "public, max-age=86400")], USCC_JS)
}

/// The warning before a session ends, and the new token after signing in again (progressive enhancement).
pub async fn session_js() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8"), (CACHE_CONTROL, "public, max-age=86400")], SESSION_JS)
}
