//! A browser without JavaScript for page tests over real HTTP: it keeps its cookies (the session and the `zhuqi_form`
//! cookie of the forms shown before sign-in), follows no redirect by itself, and posts forms URL-encoded or, for
//! attachments, as multipart/form-data built by hand.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};

use super::{PASSWORD, Server};

pub struct Browser {
    pub client: reqwest::Client,
    pub root: String,
    pub cookies: BTreeMap<String, String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub cache: Option<String>,
    pub content_type: Option<String>,
    pub disposition: Option<String>,
    pub bytes: Vec<u8>,
    pub body: String,
}

impl Page {
    /// The CSRF token of the page's forms (every signed-in page carries one, in the sign-out form at least).
    pub fn csrf(&self) -> String {
        let marker = r#"name="csrf" value=""#;
        let start = self.body.find(marker).unwrap_or_else(|| panic!("no csrf field in {}", self.body)) + marker.len();
        self.body[start..].split('"').next().unwrap_or_default().to_owned()
    }

    /// The rows of the first sheet of a downloaded xlsx, as text (the header row first).
    pub fn sheet_rows(&self) -> Vec<Vec<String>> {
        assert_eq!(self.status, StatusCode::OK, "a download: {}", self.body);
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(self.bytes.clone())).expect("an xlsx workbook");
        let range = calamine::Reader::worksheet_range_at(&mut book, 0).expect("a sheet").expect("readable");
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    /// The idempotency key the page's (first) create form carries.
    pub fn idempotency_key(&self) -> String {
        let marker = r#"name="idempotency_key" value=""#;
        let at = self.body.find(marker).unwrap_or_else(|| panic!("no idempotency key in {}", self.body)) + marker.len();
        self.body[at..].split('"').next().unwrap_or_default().to_owned()
    }

    /// Nothing the Content-Security-Policy refuses: no inline style and no script other than the product's own files.
    pub fn csp_clean(&self) -> bool {
        let inline_script =
            self.body.match_indices("<script").any(|(at, _)| !self.body[at..].starts_with("<script src=\"/assets/"));
        !self.has("style=") && !self.has("<style") && !inline_script
    }

    pub fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

/// A file of a multipart form: its name and bytes.
#[derive(Clone, Copy)]
pub struct Upload<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
}

impl Browser {
    pub fn new(s: &Server) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Browser { client, root: s.base.trim_end_matches("/api/v1").to_owned(), cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let req = if self.cookies.is_empty() { req } else { req.header(COOKIE, self.cookie_header()) };
        let resp = req.send().await.expect("request");
        for v in resp.headers().get_all(SET_COOKIE) {
            let v = v.to_str().expect("ascii cookie");
            let pair = v.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let header = |name| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (status, location, cache) = (resp.status(), header(LOCATION), header(CACHE_CONTROL));
        let (content_type, disposition) = (header(CONTENT_TYPE), header(CONTENT_DISPOSITION));
        let bytes = resp.bytes().await.expect("body").to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Page { status, location, cache, content_type, disposition, bytes, body }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{path}", self.root));
        self.send(req).await
    }

    /// Posts a URL-encoded form exactly as given (the caller adds the token or leaves it out).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_html_form::to_string(fields).expect("encode");
        let req = self
            .client
            .post(format!("{}{path}", self.root))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }

    /// Posts a multipart/form-data form exactly as given: the text fields, then each file under `files`.
    pub async fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)], files: &[Upload<'_>]) -> Page {
        const BOUNDARY: &str = "----zhuqi-test-boundary-7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        for f in files {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"files\"; filename=\"{}\"\r\n", f.name).as_bytes(),
            );
            body.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
            body.extend_from_slice(f.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let req = self
            .client
            .post(format!("{}{path}", self.root))
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(body);
        self.send(req).await
    }

    /// Posts a form of the page at `from` with that page's token.
    pub async fn submit(&mut self, from: &str, to: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(from).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(to, &all).await
    }

    /// Posts the create form of `from` twice with the same key, as a double tap does: both answers.
    pub async fn post_twice(&mut self, from: &str, to: &str, fields: &[(&str, &str)]) -> (Page, Page) {
        let form = self.get(from).await;
        let (csrf, key) = (form.csrf(), form.idempotency_key());
        let mut all = vec![("csrf", csrf.as_str()), ("idempotency_key", key.as_str())];
        all.extend_from_slice(fields);
        (self.post(to, &all).await, self.post(to, &all).await)
    }

    /// Signs in through the sign-in form and returns where it sent the browser.
    pub async fn sign_in_as(&mut self, user: &str, password: &str) -> Page {
        let form = self.get("/signin").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        self.post("/signin", &[("csrf", &csrf), ("username", user), ("password", password)]).await
    }

    pub async fn signed_in(s: &Server, user: &str) -> Browser {
        let mut b = Browser::new(s);
        let landed = b.sign_in_as(user, PASSWORD).await;
        assert_eq!(landed.status, StatusCode::SEE_OTHER, "{user} signs in: {}", landed.body);
        assert!(b.cookies.contains_key("zhuqi_session"), "{user} has a session");
        b
    }
}
