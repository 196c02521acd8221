//! The stylesheet and icon, compiled into the binary: a city intranet is often offline, so nothing comes from a CDN.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const CSS: &str = include_str!("../../assets/app.css");
const ICON: &str = include_str!("../../assets/icon.svg");
const USCC_JS: &str = include_str!("../../assets/uscc.js");

/// Pages link `app.css?v=VERSION`, so a new binary's stylesheet is never hidden by a cached old one.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

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
