//! What every page shares: the signed-in viewer, the frame around the content (header, navigation for the viewer's
//! roles, sign-out), rendering, and the error pages.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use zhuqi_api::auth::Caller;
use zhuqi_api::error::ApiError;
use zhuqi_domain::Role;
use zhuqi_store::{Store, StoreError};

/// A signed-in user looking at a page. Without a session the browser is sent to sign in; with a password still to
/// change, to the password form.
pub struct Viewer {
    pub caller: Caller,
    /// The token every form of this viewer carries (see `csrf`).
    pub csrf: String,
}

impl FromRequestParts<Store> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, store: &Store) -> Result<Self, Response> {
        match Caller::from_request_parts(parts, store).await {
            Ok(caller) => {
                let csrf = caller.session.as_deref().map(super::csrf::for_session).unwrap_or_default();
                Ok(Viewer { caller, csrf })
            }
            Err(e) if e.code == "password_change_required" => Err(Redirect::to("/password").into_response()),
            Err(e) if e.code == "second_factor_setup_required" => {
                Err(Redirect::to("/account/second-factor").into_response())
            }
            Err(e) if e.status == StatusCode::UNAUTHORIZED => Err(Redirect::to("/signin").into_response()),
            Err(e) => Err(error_response(e)),
        }
    }
}

impl Viewer {
    pub fn has(&self, role: Role) -> bool {
        self.caller.user.has(role)
    }

    /// The page frame, with `active` the path of the navigation entry to highlight.
    pub fn shell(&self, title: impl Into<String>, active: &'static str) -> Shell {
        let user = &self.caller.user;
        let roles: Vec<&str> = user.roles.iter().map(|r| r.label()).collect();
        let mut nav: Vec<NavItem> = Vec::new();
        for role in &user.roles {
            for &(href, label) in nav_of(*role) {
                if !nav.iter().any(|n| n.href == href) {
                    nav.push(NavItem { href, label, active: href == active });
                }
            }
        }
        Shell {
            title: title.into(),
            who: format!("{}（{}）", user.display_name, roles.join("、")),
            nav,
            csrf: self.csrf.clone(),
            today: zhuqi_domain::time::today().to_string(),
        }
    }

    /// Refuses a page its roles do not open, with a page that says which roles do. (The error is the response the
    /// handler returns as it is, once per request: its size does not matter.)
    #[allow(clippy::result_large_err)]
    pub fn require(&self, roles: &[Role]) -> Result<(), Response> {
        self.caller.require(roles).map_err(error_response)
    }
}

/// The frame of every signed-in page.
pub struct Shell {
    pub title: String,
    pub who: String,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub today: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The pages a role works from, its home first.
fn nav_of(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Enterprise => &[
            ("/portal", "我的诉求"),
            ("/appeals/new", "提交诉求"),
            ("/disputes", "纠纷调解"),
            ("/enterprise", "企业信息"),
            ("/policies", "惠企政策"),
        ],
        Role::Cadre => &[
            ("/enterprises", "包联企业"),
            ("/visits", "走访记录"),
            ("/appeals", "诉求跟踪"),
            ("/policies", "惠企政策"),
        ],
        Role::Dispatcher => &[
            ("/triage", "待交办"),
            ("/extensions", "延期审批"),
            ("/supervision", "督办看板"),
            ("/appeals", "全部诉求"),
            ("/common-issues", "共性问题"),
            ("/dashboard", "总览"),
            ("/bulletins", "通报"),
            ("/projects", "重点项目"),
            ("/workgroups", "包联工作组"),
            ("/disputes/figures", "解纷统计"),
            ("/policies", "惠企政策"),
        ],
        Role::Handler => &[
            ("/workbench", "工作台"),
            ("/co-handling", "协办事项"),
            ("/tasks", "交办事项"),
            ("/disputes", "纠纷案件"),
            ("/appeals", "全部诉求"),
            ("/projects", "重点项目"),
            ("/policies", "惠企政策"),
        ],
        Role::Leader => &[
            ("/dashboard", "总览"),
            ("/appeals", "诉求清单"),
            ("/meetings", "周交办"),
            ("/disputes", "多元解纷"),
            ("/common-issues", "共性问题"),
            ("/bulletins", "通报"),
            ("/projects", "重点项目"),
            ("/workgroups", "包联工作组"),
            ("/policies", "惠企政策"),
        ],
        Role::Office => &[("/tasks", "交办事项"), ("/meetings", "周交办会议")],
        Role::Workstation => {
            &[("/disputes", "纠纷案件"), ("/disputes/new", "受理登记"), ("/disputes/figures", "解纷统计")]
        }
        Role::Mediator => &[("/disputes", "我的调解")],
        Role::Sysadmin => &[
            ("/admin/users", "用户"),
            ("/admin/units", "单位"),
            ("/workgroups", "包联工作组"),
            ("/admin/regions", "地区"),
            ("/admin/categories", "问题类型"),
            ("/admin/policies", "时限规则"),
            ("/admin/calendar", "工作日历"),
        ],
        Role::Secadmin => &[("/admin/users", "用户与权限"), ("/admin/security", "安全设置")],
        Role::Auditor => &[("/admin/audit", "审计日志"), ("/admin/security", "安全设置")],
        Role::System => &[],
    }
}

/// Where a user lands after signing in: the home of its first role.
pub fn home_of(roles: &[Role]) -> &'static str {
    if roles.iter().any(|r| r.is_admin()) {
        return "/admin";
    }
    roles.iter().find_map(|r| nav_of(*r).first().map(|(href, _)| *href)).unwrap_or("/password")
}

/// Messages next to the fields of a refused form, and one for the form as a whole.
#[derive(Debug, Default)]
pub struct Errors {
    fields: Vec<(&'static str, String)>,
    pub form: Option<String>,
}

impl Errors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.fields.push((field, message.into()));
    }

    /// The message of `field`, if it was refused.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_none()
    }
}

/// `?done=…` after a form succeeded and redirected back.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

impl Done {
    pub fn is(&self) -> bool {
        self.done.as_deref().is_some_and(|d| !d.is_empty())
    }
}

/// `?page=N` of a list: 1 when absent or not a number.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageNo {
    #[serde(default)]
    page: String,
}

impl PageNo {
    pub fn get(&self) -> usize {
        self.page.trim().parse().unwrap_or(1)
    }
}

/// Renders a template, or the error page if it cannot (a bug, logged).
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统错误",
                "页面生成失败，请稍后重试；如一再出现请联系系统管理员。",
            )
        }
    }
}

/// Renders a template with a status other than 200 (a refused form is 422, with the form and its messages).
pub fn render_with(status: StatusCode, t: &impl Template) -> Response {
    let mut r = render(t);
    if r.status() == StatusCode::OK {
        *r.status_mut() = status;
    }
    r
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

/// A page that says what went wrong and offers the way back.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let html = ErrorPage { title, message }.render().unwrap_or_else(|_| message.to_owned());
    (status, Html(html)).into_response()
}

/// The Chinese half of a "中文 / English" message: what a page shows.
pub fn chinese(message: &str) -> &str {
    message.split(" / ").next().unwrap_or(message)
}

/// The page for an API-level refusal: an item outside the viewer's scope looks exactly like one that does not exist.
pub fn error_response(e: ApiError) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::FORBIDDEN => "无权访问",
        StatusCode::CONFLICT => "操作未完成",
        s if s.is_server_error() => "系统错误",
        _ => "请求有误",
    };
    let message = if e.status == StatusCode::NOT_FOUND {
        "未找到该内容：它不存在，或不在您的职责范围内。"
    } else {
        chinese(&e.message)
    };
    error_page(e.status, title, message)
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError(ApiError::from(e))
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

/// `?` in page handlers: any refusal becomes its page.
pub struct PageError(pub ApiError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_response(self.0)
    }
}

pub type PageResult = Result<Response, PageError>;

/// Any path that is not a page.
pub async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "未找到", "没有这个页面。请从上方导航进入。")
}

/// Headers on every response: nothing is framed, sniffed, or loaded from elsewhere — every asset is in the binary,
/// and no inline script or style runs, so injected markup cannot act. Nothing is cached (a signed-in page or an API
/// answer left in a shared computer's cache is readable by the next user) unless the response says it may be (the
/// binary's own assets).
pub async fn security_headers(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let tls = zhuqi_api::auth::behind_tls(request.headers());
    let mut response = next.run(request).await;
    use axum::http::HeaderValue;
    use axum::http::header::{
        CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
        X_FRAME_OPTIONS,
    };
    let h = response.headers_mut();
    h.entry(CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'",
        ),
    );
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if tls {
        // Served over TLS (a proxy says so): the browser is to come back over TLS only, for a year.
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

/// Where a numbered list stands (issue 13: every list shows its total, page N of M, and links to the first, previous,
/// next and last pages). A page past the last shows the last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub first: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub last: Option<String>,
}

impl Pager {
    /// `asked` is the page the URL asks for (1-based); `link` gives the URL of a page.
    pub fn new(total: usize, asked: usize, per_page: usize, link: impl Fn(usize) -> String) -> Pager {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        let page = asked.clamp(1, pages);
        let to = |n: usize, shown: bool| shown.then(|| link(n));
        Pager {
            total,
            page,
            pages,
            first: to(1, page > 1),
            prev: to(page.saturating_sub(1), page > 1),
            next: to(page + 1, page < pages),
            last: to(pages, page < pages),
        }
    }
}

/// Page `asked` of a list read with `fetch(page)` (its rows and how many there are in all), or its last page when
/// `asked` lies past the end (the list shrank since the link was made); with the pager.
pub async fn paged<T, E, Fut>(
    asked: usize,
    per_page: usize,
    link: impl Fn(usize) -> String,
    fetch: impl Fn(usize) -> Fut,
) -> Result<(Vec<T>, Pager), E>
where
    Fut: std::future::Future<Output = Result<(Vec<T>, usize), E>>,
{
    let (rows, total) = fetch(asked.max(1)).await?;
    let pager = Pager::new(total, asked, per_page, link);
    let rows = if pager.page == asked.max(1) { rows } else { fetch(pager.page).await?.0 };
    Ok((rows, pager))
}

/// Page `asked` of a list held whole (the short lists: units, regions, categories, batches, observations), or its
/// last page when `asked` lies past the end; with the pager.
pub fn page_of<T>(all: Vec<T>, asked: usize, per_page: usize, link: impl Fn(usize) -> String) -> (Vec<T>, Pager) {
    let pager = Pager::new(all.len(), asked, per_page, link);
    let rows = all.into_iter().skip((pager.page - 1) * per_page).take(per_page).collect();
    (rows, pager)
}

/// The most rows one download writes (a sheet says when it was cut there).
pub const EXPORT_CAP: usize = 50_000;

/// Every row of a list (for its download), read with `fetch(page)` a page at a time, up to `cap` rows; and whether
/// there were more.
pub async fn every_row<T, E, Fut>(cap: usize, fetch: impl Fn(usize) -> Fut) -> Result<(Vec<T>, bool), E>
where
    Fut: std::future::Future<Output = Result<(Vec<T>, usize), E>>,
{
    let mut all = Vec::new();
    for page in 1.. {
        let (rows, total) = fetch(page).await?;
        let done = rows.is_empty() || all.len() + rows.len() >= total;
        all.extend(rows);
        if all.len() >= cap {
            return Ok((all, total > cap));
        }
        if done {
            break;
        }
    }
    Ok((all, false))
}

/// A fresh idempotency key for a create form (issue 13): the form carries it, so that posting it twice — a double
/// tap, a resent request — creates one item.
pub fn form_key() -> String {
    use rand::RngExt;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How long a session lives without a request, for the page's warning before it ends.
pub const IDLE_SECONDS: i64 = zhuqi_store::SESSION_IDLE.as_secs();

/// The MIME type of an .xlsx workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A list downloaded as `<title>-<today>.xlsx`: its sheet (see `sheet`) written off the async threads.
pub async fn sheet_download<R: AsRef<[String]> + Send + 'static, const N: usize>(
    title: &'static str,
    heads: [&'static str; N],
    rows: Vec<R>,
    capped: bool,
) -> Result<Response, StoreError> {
    let bytes = tokio::task::spawn_blocking(move || sheet(title, &heads, &rows, capped))
        .await
        .map_err(|e| StoreError::Database(format!("导出中断 / the export failed: {e}")))?
        .map_err(|e| StoreError::Database(format!("导出失败 / the export failed: {e}")))?;
    Ok(download(XLSX, &format!("{title}-{}.xlsx", zhuqi_domain::time::today()), bytes))
}

/// A list downloaded as xlsx: one sheet named `title`, a bold header row and the rows as text, with a note under them
/// when the list was cut at its cap.
pub fn sheet<R: AsRef<[String]>>(
    title: &str,
    heads: &[&str],
    rows: &[R],
    capped: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(title)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in (0u16..).zip(heads) {
        ws.write_string_with_format(0, c, *h, &bold)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (c, text) in (0u16..).zip(row.as_ref()) {
            ws.write_string(r, c, text.as_str())?;
        }
    }
    if capped {
        let at = u32::try_from(rows.len()).unwrap_or(u32::MAX).saturating_add(2);
        ws.write_string(at, 0, format!("仅导出了前{}条，请用筛选条件缩小范围后分批导出。", rows.len()))?;
    }
    ws.autofit();
    book.save_to_buffer()
}

/// A file sent as a download, never rendered inline nor kept by a cache.
pub fn download(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (header::CONTENT_DISPOSITION, zhuqi_api::disposition::attachment(name)),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    (headers, bytes).into_response()
}

/// A ledger of `kind` as `zhuqi export` writes it (so that it imports back), for `v`, within `region`, downloaded as
/// `name`: written to a temporary file by the ledger crate, then sent.
pub async fn ledger_download(
    store: &Store,
    v: &Viewer,
    kind: zhuqi_ledger::LedgerKind,
    region: Option<zhuqi_domain::RegionCode>,
    name: &str,
) -> Response {
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, ledger = kind.label(), "台账导出失败");
        error_page(StatusCode::INTERNAL_SERVER_ERROR, "导出失败", "台账导出失败，请稍后重试。")
    };
    let Ok(dir) = tempfile::tempdir() else { return failed(&"temporary directory") };
    let path = dir.path().join("ledger.xlsx");
    let request = zhuqi_ledger::ExportRequest {
        kind,
        path: path.clone(),
        reader: zhuqi_store::ledger::LedgerReader::User(v.caller.user.clone()),
        filter: zhuqi_store::ledger::LedgerFilter { region, from: None, to: None },
        full_phone: false,
    };
    if let Err(e) = zhuqi_ledger::export(store, &request, zhuqi_ledger::Progress { visible: false }).await {
        return failed(&e);
    }
    // A city's ledger is a few hundred kilobytes: read on a blocking thread.
    match tokio::task::spawn_blocking(move || std::fs::read(&path)).await {
        Ok(Ok(bytes)) => download(XLSX, name, bytes),
        Ok(Err(e)) => failed(&e),
        Err(e) => failed(&e),
    }
}

#[cfg(test)]
mod pager_tests {
    use super::Pager;

    #[test]
    fn the_pager_counts_pages_and_clamps_the_page_asked() {
        let link = |n: usize| format!("?page={n}");
        let p = Pager::new(45, 2, 20, link);
        assert_eq!((p.pages, p.page), (3, 2));
        assert_eq!((p.first.as_deref(), p.last.as_deref()), (Some("?page=1"), Some("?page=3")));
        let last = Pager::new(45, 99, 20, link);
        assert_eq!((last.page, last.next, last.prev.as_deref()), (3, None, Some("?page=2")));
        let empty = Pager::new(0, 1, 20, link);
        assert_eq!((empty.pages, empty.page, empty.first), (1, 1, None));
    }
}
