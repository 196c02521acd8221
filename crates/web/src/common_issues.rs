//! 共性问题 (SPEC §3, issue 13): the command office lists its common issues, opens one with a cause and a lead unit,
//! renames it, reads the appeals merged into it with their enterprises, and answers it once (集中解决): every merged
//! appeal is answered and its enterprise asked to rate it. Leaders read. The store decides who may do what.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use serde::Deserialize;
use zhuqi_domain::Role;
use zhuqi_domain::WorkingCalendar;
use zhuqi_store::{
    CategoryRecord, CommonIssueDetail, CommonIssueFilter, CommonIssueRecord, NewCommonIssue, Store, StoreError,
    UnitRecord,
};

use super::csrf::Checked;
use super::page::{Done, Errors, PageResult, Pager, Shell, Viewer, chinese, paged, render_with};
use super::view::{Row, local, local_day, row};

const READERS: &[Role] = &[Role::Dispatcher, Role::Leader];
const KEEPERS: &[Role] = &[Role::Dispatcher];
const PER_PAGE: usize = 30;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    /// "open", "resolved" or empty for all.
    #[serde(default)]
    state: String,
    #[serde(default)]
    page: String,
}

impl ListQuery {
    fn export_link(&self) -> String {
        let pairs: Vec<(&str, &str)> = [("q", self.q.as_str()), ("state", &self.state)]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        match serde_html_form::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("/common-issues/export.xlsx?{q}"),
            _ => "/common-issues/export.xlsx".to_owned(),
        }
    }

    fn link(&self, page: usize) -> String {
        let page = page.to_string();
        let pairs: Vec<(&str, &str)> = [("q", self.q.as_str()), ("state", &self.state), ("page", &page)]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        match serde_html_form::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("/common-issues?{q}"),
            _ => "/common-issues".to_owned(),
        }
    }
}

/// The issue form as typed (new or edit).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    cause: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    lead_unit_id: String,
    #[serde(default)]
    version: String,
    /// A new issue's idempotency key: posted twice, the form opens one issue.
    #[serde(default)]
    idempotency_key: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    version: String,
}

#[derive(Template)]
#[template(path = "common_issues.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<CommonIssueRecord>,
    pager: Pager,
    query: ListQuery,
    categories: Vec<CategoryRecord>,
    units: Vec<UnitRecord>,
    keeper: bool,
    typed: IssueForm,
    errors: Errors,
    export: String,
}

impl ListPage {
    fn category(&self, code: &str) -> String {
        category_name(&self.categories, code)
    }

    fn day(&self, t: &Timestamp) -> String {
        local_day(*t)
    }
}

fn category_name(categories: &[CategoryRecord], code: &str) -> String {
    categories.iter().find(|c| c.code == code).map_or_else(|| code.to_owned(), |c| c.name.clone())
}

async fn list_page(
    store: &Store,
    v: &Viewer,
    query: ListQuery,
    typed: IssueForm,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    let open = open_of(&query.state);
    let asked = query.page.trim().parse().unwrap_or(1);
    let text = Some(query.q.trim().to_owned()).filter(|t| !t.is_empty());
    let (rows, pager) = paged(
        asked,
        PER_PAGE,
        |n| query.link(n),
        |n| {
            let filter = CommonIssueFilter { open, text: text.clone(), offset: (n - 1) * PER_PAGE, limit: PER_PAGE };
            async move {
                let page = store.list_common_issues(&v.caller.user, filter).await?;
                Ok::<_, StoreError>((page.items, usize::try_from(page.total).unwrap_or(0)))
            }
        },
    )
    .await?;
    let page = ListPage {
        shell: v.shell("共性问题", "/common-issues"),
        export: query.export_link(),
        rows,
        pager,
        query,
        categories: store.categories().await?,
        units: store.units().await?,
        keeper: KEEPERS.iter().any(|r| v.has(*r)),
        typed,
        errors,
    };
    Ok(render_with(status, &page))
}

/// `/common-issues`: the issues of the viewer's region, open and resolved, and the form for a new one.
pub async fn list(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let fresh = IssueForm { idempotency_key: super::page::form_key(), ..IssueForm::default() };
    list_page(&store, &v, q, fresh, Errors::default(), StatusCode::OK).await
}

/// The open/resolved choice of the list's query.
fn open_of(state: &str) -> Option<bool> {
    match state {
        "open" => Some(true),
        "resolved" => Some(false),
        _ => None,
    }
}

/// `/common-issues/export.xlsx`: every issue the list's filters find.
pub async fn export(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let text = Some(q.q.trim().to_owned()).filter(|t| !t.is_empty());
    let filter = CommonIssueFilter { open: open_of(&q.state), text, offset: 0, limit: super::page::EXPORT_CAP };
    let page = store.list_common_issues(&v.caller.user, filter).await?;
    let categories = store.categories().await?;
    let rows: Vec<[String; 7]> = page
        .items
        .into_iter()
        .map(|i| {
            [
                i.title,
                category_name(&categories, &i.category_code),
                i.lead_unit_name.unwrap_or_default(),
                i.appeals.to_string(),
                local_day(i.created_at),
                i.resolved_at.map(local_day).unwrap_or_else(|| "未解决".to_owned()),
                i.cause,
            ]
        })
        .collect();
    let capped = usize::try_from(page.total).unwrap_or(0) > rows.len();
    let heads = ["共性问题", "问题类型", "牵头单位", "并入诉求", "登记日期", "集中解决", "原因"];
    Ok(super::page::sheet_download("共性问题", heads, rows, capped).await?)
}

/// The form's fields checked as far as the page can: each message next to its field.
fn issue_of(errors: &mut Errors, form: &IssueForm, units: &[UnitRecord]) -> NewCommonIssue {
    let title = form.title.trim();
    if title.is_empty() {
        errors.add("title", "请填写共性问题名称");
    } else if title.chars().count() > 100 {
        errors.add("title", "名称最多100字");
    }
    if form.cause.chars().count() > zhuqi_store::MAX_ISSUE_TEXT {
        errors.add("cause", "原因最多5000字");
    }
    let lead = form.lead_unit_id.trim();
    let lead_unit_id = if lead.is_empty() {
        None
    } else {
        let found = lead.parse::<i64>().ok().filter(|id| units.iter().any(|u| u.id == *id && u.active));
        if found.is_none() {
            errors.add("lead_unit_id", "请从列表中选择牵头单位");
        }
        found
    };
    NewCommonIssue {
        title: title.to_owned(),
        cause: form.cause.trim().to_owned(),
        category: form.category.trim().to_owned(),
        lead_unit_id,
    }
}

/// Where a store's refusal of a form is shown: next to `field`, or above the form.
fn refused(errors: &mut Errors, e: &StoreError, field: &'static str) -> bool {
    match e {
        StoreError::Invalid(_) | StoreError::Forbidden(_) | StoreError::Duplicate(_) | StoreError::Conflict { .. } => {
            errors.add(field, chinese(&e.to_string()).to_owned());
            true
        }
        _ => false,
    }
}

pub async fn create(State(store): State<Store>, v: Viewer, Checked(form): Checked<IssueForm>) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let units = store.units().await?;
    let new = issue_of(&mut errors, &form, &units);
    if new.category.is_empty() {
        errors.add("category", "请选择问题类型");
    }
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if !errors.is_empty() {
        return list_page(&store, &v, ListQuery::default(), form, errors, unprocessable).await;
    }
    let key = zhuqi_store::IdempotencyKey::parse(&form.idempotency_key).ok();
    match store.create_common_issue(&v.caller.user, &v.caller.source, new, Timestamp::now(), key).await {
        Ok(issue) => Ok(Redirect::to(&format!("/common-issues/{}?done=created", issue.id)).into_response()),
        Err(e) if refused(&mut errors, &e, "category") => {
            list_page(&store, &v, ListQuery::default(), form, errors, unprocessable).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "common_issue.html")]
struct IssuePage {
    shell: Shell,
    d: CommonIssueDetail,
    category: String,
    rows: Vec<Row>,
    units: Vec<UnitRecord>,
    keeper: bool,
    edit: IssueForm,
    answer: String,
    errors: Errors,
    flash: Option<String>,
}

impl IssuePage {
    fn when(&self, t: &Timestamp) -> String {
        local(*t)
    }

    /// The enterprises of the merged appeals, each named once.
    fn enterprises(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.d.appeals.iter().map(|a| a.enterprise_name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Appeals still waiting for the answer (merged and not yet answered).
    fn waiting(&self) -> usize {
        self.d.appeals.iter().filter(|a| a.state.status == zhuqi_domain::Status::Merged).count()
    }
}

/// What the issue page's forms held when one was refused: the edit form, the answer.
#[derive(Default)]
struct Typed {
    edit: Option<IssueForm>,
    answer: String,
}

async fn issue_page(
    store: &Store,
    v: &Viewer,
    id: i64,
    typed: Typed,
    errors: Errors,
    flash: Option<String>,
    status: StatusCode,
) -> PageResult {
    let d = store.common_issue_for(&v.caller.user, id).await?;
    let (cal, today): (WorkingCalendar, _) = ((*store.calendar()).clone(), zhuqi_domain::time::today());
    let rows = d.appeals.iter().map(|s| row(s, &cal, today)).collect();
    let edit = typed.edit.unwrap_or_else(|| IssueForm {
        title: d.issue.title.clone(),
        cause: d.issue.cause.clone(),
        category: d.issue.category_code.clone(),
        lead_unit_id: d.issue.lead_unit_id.map(|u| u.to_string()).unwrap_or_default(),
        version: d.issue.version.to_string(),
        idempotency_key: String::new(),
    });
    let page = IssuePage {
        shell: v.shell(d.issue.title.clone(), "/common-issues"),
        category: category_name(&store.categories().await?, &d.issue.category_code),
        rows,
        units: store.units().await?,
        keeper: KEEPERS.iter().any(|r| v.has(*r)),
        edit,
        answer: typed.answer,
        errors,
        flash,
        d,
    };
    Ok(render_with(status, &page))
}

fn flash(done: &Done) -> Option<String> {
    let text = match done.done.as_deref()? {
        "created" => "已新建共性问题。可在待交办的诉求中选择「并入共性问题」将同因诉求并入。".to_owned(),
        "saved" => "已保存。".to_owned(),
        other => other.strip_prefix("resolved-").map(|n| format!("已集中解决：{n}件诉求已答复，请各企业评价。"))?,
    };
    Some(text)
}

/// `/common-issues/{id}`: the issue, its merged appeals and their enterprises, with the dispatcher's forms.
pub async fn show(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    issue_page(&store, &v, id, Typed::default(), Errors::default(), flash(&d), StatusCode::OK).await
}

fn version(errors: &mut Errors, typed: &str) -> i64 {
    typed.trim().parse().unwrap_or_else(|_| {
        errors.add("form", "页面已过期，请刷新后重试");
        0
    })
}

pub async fn edit(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<IssueForm>,
) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let units = store.units().await?;
    let edit = issue_of(&mut errors, &form, &units);
    let seen = version(&mut errors, &form.version);
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if !errors.is_empty() {
        return issue_page(&store, &v, id, Typed { edit: Some(form), ..Typed::default() }, errors, None, unprocessable)
            .await;
    }
    match store.edit_common_issue(&v.caller.user, &v.caller.source, id, seen, edit).await {
        Ok(_) => Ok(Redirect::to(&format!("/common-issues/{id}?done=saved")).into_response()),
        Err(e) if refused(&mut errors, &e, "title") => {
            issue_page(&store, &v, id, Typed { edit: Some(form), ..Typed::default() }, errors, None, unprocessable)
                .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn resolve(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<ResolveForm>,
) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let seen = version(&mut errors, &form.version);
    if form.answer.trim().is_empty() {
        errors.add("answer", "请填写集中解决的答复");
    }
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if !errors.is_empty() {
        return issue_page(&store, &v, id, Typed { answer: form.answer, edit: None }, errors, None, unprocessable)
            .await;
    }
    let (p, source, answer) = (&v.caller.user, &v.caller.source, form.answer.clone());
    match store.resolve_common_issue(p, source, id, seen, answer, Timestamp::now()).await {
        Ok((_, answered)) => Ok(Redirect::to(&format!("/common-issues/{id}?done=resolved-{answered}")).into_response()),
        Err(e) if refused(&mut errors, &e, "answer") => {
            issue_page(&store, &v, id, Typed { answer: form.answer, edit: None }, errors, None, unprocessable).await
        }
        Err(e) => Err(e.into()),
    }
}
