//! 共性问题 over HTTP (issue 13): the command office lists, opens, renames and answers common issues (集中解决);
//! leaders read them. The rules are the store's (`zhuqi_store::issues`), shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_store::{CommonIssueFilter, CommonIssuePage, CommonIssueRecord, NewCommonIssue, Store};

use super::appeals::{AppealRow, row};
use super::auth::Caller;
use super::error::{ApiError, Body, Id, Once, OnceHeader, Params, ReadRefusals, WriteRefusals};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IssueQuery {
    /// Part of the title.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// `true`: open only; `false`: resolved only.
    pub open: Option<bool>,
    /// 1-based.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The common issues the caller may read (its region's and below), newest first, one page and the total.
#[utoipa::path(get, path = "/common-issues", tag = "common issues", params(IssueQuery),
    responses((status = 200, body = CommonIssuePage), ReadRefusals))]
async fn list(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<IssueQuery>,
) -> Result<Json<CommonIssuePage>, ApiError> {
    if q.q.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(ApiError::invalid("invalid_query", "搜索词最多100字 / the search text is over 100 characters"));
    }
    let (offset, limit) = super::error::page_window(q.page, q.limit)?;
    let filter = CommonIssueFilter { open: q.open, text: q.q, offset, limit };
    Ok(Json(store.list_common_issues(&c.user, filter).await?))
}

/// A common issue with the appeals merged into it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueView {
    pub issue: CommonIssueRecord,
    pub appeals: Vec<AppealRow>,
}

/// One common issue with its appeals (404 outside the caller's region).
#[utoipa::path(get, path = "/common-issues/{id}", tag = "common issues", params(("id" = i64, Path)),
    responses((status = 200, body = IssueView), ReadRefusals))]
async fn show(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<IssueView>, ApiError> {
    let d = store.common_issue_for(&c.user, id).await?;
    let (cal, today) = (store.calendar(), zhuqi_domain::time::today());
    Ok(Json(IssueView { issue: d.issue, appeals: d.appeals.into_iter().map(|s| row(&cal, today, s)).collect() }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIssueBody {
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// 原因.
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub cause: String,
    /// A category code in use.
    pub category: String,
    /// 牵头单位: needed before the issue is answered.
    pub lead_unit_id: Option<i64>,
}

/// Opens a common issue kept by the caller's region (dispatchers). Sent again with the same `Idempotency-Key`, it
/// answers with the issue the first call opened.
#[utoipa::path(post, path = "/common-issues", tag = "common issues", request_body = NewIssueBody,
    params(OnceHeader), responses((status = 201, body = CommonIssueRecord), WriteRefusals))]
async fn create(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewIssueBody>,
) -> Result<(StatusCode, Json<CommonIssueRecord>), ApiError> {
    let new = NewCommonIssue { title: b.title, cause: b.cause, category: b.category, lead_unit_id: b.lead_unit_id };
    let issue = store.create_common_issue(&c.user, &c.source, new, Timestamp::now(), key).await?;
    Ok((StatusCode::CREATED, Json(issue)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueEditBody {
    /// The `version` the caller read: a stale one answers 409.
    pub version: i64,
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub cause: String,
    pub lead_unit_id: Option<i64>,
}

/// Renames an open issue, rewrites its cause or names its lead unit (dispatchers).
#[utoipa::path(patch, path = "/common-issues/{id}", tag = "common issues", params(("id" = i64, Path)),
    request_body = IssueEditBody, responses((status = 200, body = CommonIssueRecord), WriteRefusals))]
async fn edit(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<IssueEditBody>,
) -> Result<Json<CommonIssueRecord>, ApiError> {
    let edit = NewCommonIssue { title: b.title, cause: b.cause, category: String::new(), lead_unit_id: b.lead_unit_id };
    Ok(Json(store.edit_common_issue(&c.user, &c.source, id, b.version, edit).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    /// The `version` the caller read: a stale one answers 409.
    pub version: i64,
    #[schema(min_length = 1, max_length = 5000)]
    pub answer: String,
}

/// The issue answered, and how many of its appeals the answer reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct Resolved {
    pub issue: CommonIssueRecord,
    pub answered: usize,
}

/// 集中解决: answers the issue once; every merged appeal is answered by the lead unit and its enterprise asked to
/// rate it, in one transaction (dispatchers who see every merged appeal).
#[utoipa::path(post, path = "/common-issues/{id}/resolve", tag = "common issues", params(("id" = i64, Path)),
    request_body = ResolveBody, responses((status = 200, body = Resolved), WriteRefusals))]
async fn resolve(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<ResolveBody>,
) -> Result<Json<Resolved>, ApiError> {
    let now = Timestamp::now();
    let (issue, answered) = store.resolve_common_issue(&c.user, &c.source, id, b.version, b.answer, now).await?;
    Ok(Json(Resolved { issue, answered }))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show, edit)).routes(routes!(resolve))
}
