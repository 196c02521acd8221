//! Cross-site request forgery protection for every form (issue 4). The session cookie is SameSite=Strict already;
//! each form also carries a token that a page on another site cannot know: derived from the signed-in session, or,
//! before sign-in, from a random cookie set with the form (double submit).

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use zhuqi_api::auth::{SESSION_COOKIE, cookie};
use zhuqi_auth::new_secret;
use zhuqi_store::{NewAttachment, Store, hash_secret};

/// The cookie that keys the token of forms shown before sign-in (sign-in, enterprise sign-up).
const ANON_COOKIE: &str = "zhuqi_form";

/// The largest form body accepted (attachments go through multipart, not here).
const MAX_FORM_BYTES: usize = 256 * 1024;

fn derive(key: &str) -> String {
    hash_secret(&format!("zhuqi-csrf:{key}"))
}

/// The token for a signed-in session, from the stored hash of its secret.
pub fn for_session(session_hash: &str) -> String {
    derive(session_hash)
}

/// A token for a form shown before sign-in, and the cookie to set with it when the browser has none yet.
pub fn anonymous(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(key) = cookie(headers, ANON_COOKIE) {
        return (derive(&key), None);
    }
    let key = new_secret("");
    // Secure behind TLS, like the session cookie (issue 14, finding 6).
    let secure = if zhuqi_api::auth::behind_tls(headers) { "; Secure" } else { "" };
    let set = HeaderValue::from_str(&format!("{ANON_COOKIE}={key}; Path=/; HttpOnly; SameSite=Strict{secure}")).ok();
    (derive(&key), set)
}

/// Whether `token` is the one this request's forms carry: the session's, or — for the sign-in form of a browser
/// whose session ended while its cookie stayed — the one keyed by the form cookie. Compared in full, never by prefix.
pub fn verify(headers: &HeaderMap, token: &str) -> bool {
    let same = |e: String| e.len() == token.len() && e.bytes().zip(token.bytes()).all(|(a, b)| a == b);
    let session = cookie(headers, SESSION_COOKIE).map(|s| derive(&hash_secret(&s)));
    let form = cookie(headers, ANON_COOKIE).map(|k| derive(&k));
    session.is_some_and(same) || form.is_some_and(same)
}

/// The page shown when a form comes without its token: usually an old tab whose session ended.
pub fn refused() -> Response {
    super::page::error_page(
        StatusCode::FORBIDDEN,
        "页面已过期",
        "表单已失效（可能是登录已过期或页面打开太久），请返回上一页刷新后重新提交。",
    )
}

/// A form with no fields but its token (sign-out).
#[derive(serde::Deserialize)]
pub struct Nothing {}

/// A URL-encoded form whose `csrf` field was checked. Repeated fields (multi-selects) fill a `Vec`.
pub struct Checked<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Store> for Checked<T> {
    type Rejection = Response;

    async fn from_request(req: Request, store: &Store) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let bytes = axum::body::Bytes::from_request(req, store).await.map_err(IntoResponse::into_response)?;
        if bytes.len() > MAX_FORM_BYTES {
            return Err(too_long());
        }
        let token = token_of(&bytes).unwrap_or_default();
        if !verify(&headers, &token) {
            return Err(refused());
        }
        serde_html_form::from_bytes(&bytes).map(Checked).map_err(|e| {
            tracing::debug!(error = %e, "form refused");
            malformed()
        })
    }
}

/// A form whose `csrf` field was checked, sent URL-encoded or, when it carries files, as multipart: the text fields
/// as `T`, the files (inputs named `files`, empty ones skipped) beside them. Files are checked by the store.
pub struct Posted<T> {
    pub form: T,
    pub files: Vec<NewAttachment>,
}

impl<T: DeserializeOwned> FromRequest<Store> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, store: &Store) -> Result<Self, Response> {
        let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !content_type.starts_with("multipart/form-data") {
            let Checked(form) = Checked::from_request(req, store).await?;
            return Ok(Posted { form, files: Vec::new() });
        }
        let headers = req.headers().clone();
        let m = Multipart::from_request(req, store).await.map_err(IntoResponse::into_response)?;
        let (pairs, files) = super::upload::read(m)
            .await
            .map_err(|r| super::page::error_page(r.status(), "上传未完成", &r.message()))?;
        let token = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.clone()).unwrap_or_default();
        if !verify(&headers, &token) {
            return Err(refused());
        }
        serde_html_form::to_string(&pairs)
            .ok()
            .and_then(|encoded| serde_html_form::from_str(&encoded).ok())
            .map(|form| Posted { form, files })
            .ok_or_else(malformed)
    }
}

fn too_long() -> Response {
    super::page::error_page(StatusCode::PAYLOAD_TOO_LARGE, "内容过长", "提交的内容过长，请精简后重试。")
}

fn malformed() -> Response {
    super::page::error_page(StatusCode::BAD_REQUEST, "表单内容有误", "提交的表单格式不正确，请返回刷新后重试。")
}

/// The `csrf` field of a URL-encoded body (other fields are ignored here).
fn token_of(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Token {
        csrf: Option<String>,
    }
    serde_html_form::from_bytes::<Token>(bytes).ok().and_then(|t| t.csrf)
}

/// Adds the anonymous form cookie to a response when one was made.
pub fn with_cookie(mut response: Response, set: Option<HeaderValue>) -> Response {
    if let Some(v) = set {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}
