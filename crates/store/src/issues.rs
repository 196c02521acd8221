//! 共性问题 (glossary `CommonIssue`, SPEC §3): appeals with one cause, merged by the dispatcher and answered once (集中解决).
//!
//! An issue is kept by the command office of a region (the dispatcher who made it) and read by that region's
//! dispatchers and leaders and those above. An appeal is merged only into an open issue whose region holds the
//! appeal's, so whoever may see the issue sees every appeal in it. The answer is one transaction: each merged appeal
//! comes back as answered by the issue's lead unit (`Action::ResolveCommon`), for its enterprise to rate, and the
//! issue is marked resolved — or nothing is written.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use zhuqi_domain::time::{from_micros, to_micros};
use zhuqi_domain::{Action, ActionKind, Actor, RegionCode, Role, Status};

use crate::access::Principal;
use crate::appeals::{AppealSummary, MAX_TITLE, SUMMARY_COLUMNS, load_record, summary_from_row};
use crate::db::{Row, Tx, Value, params};
use crate::scope::{appeal_role_scope, bind, escape_like, in_region};
use crate::{AppealRecord, IdempotencyKey, Result, Store, StoreError, Writer, audit};

/// The longest cause (原因) and answer of a common issue, in characters.
pub const MAX_ISSUE_TEXT: usize = 5000;

/// A common issue and how many appeals were merged into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommonIssueRecord {
    pub id: i64,
    pub title: String,
    /// 原因: what the appeals have in common.
    pub cause: String,
    pub category_code: String,
    /// 牵头单位: answers the issue, and handles again what an enterprise rejects.
    pub lead_unit_id: Option<i64>,
    pub lead_unit_name: Option<String>,
    /// The region of the office that keeps it; `None` for issues made before regions were kept.
    pub region_code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_at: Timestamp,
    /// When it was answered for everyone merged into it; `None` while open.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub resolved_at: Option<Timestamp>,
    /// The answer given once (集中解决).
    pub answer: Option<String>,
    /// Sent back with an edit: a stale one is refused.
    pub version: i64,
    /// The appeals merged into it.
    pub appeals: i64,
}

/// What a dispatcher enters to open an issue (or to edit one: `category` aside).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCommonIssue {
    pub title: String,
    pub cause: String,
    pub category: String,
    pub lead_unit_id: Option<i64>,
}

/// Which issues a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommonIssueFilter {
    /// `Some(true)`: open only; `Some(false)`: resolved only.
    pub open: Option<bool>,
    /// Words of the title.
    pub text: Option<String>,
    /// Rows to skip and to give.
    pub offset: usize,
    pub limit: usize,
}

/// One page of issues and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommonIssuePage {
    pub items: Vec<CommonIssueRecord>,
    pub total: i64,
}

/// An issue with the appeals merged into it (as the reader may see them), newest first.
#[derive(Debug, Clone)]
pub struct CommonIssueDetail {
    pub issue: CommonIssueRecord,
    pub appeals: Vec<AppealSummary>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: out of range"))
}

const COLUMNS: &str = "c.id, c.title, c.category_code, c.created_at, c.resolved_at, \
     (SELECT COUNT(*) FROM appeals a WHERE a.common_issue_id = c.id), c.cause, c.lead_unit_id, u.name, c.region_code, \
     c.answer, c.version";
const FROM: &str = "common_issues c LEFT JOIN units u ON u.id = c.lead_unit_id";

fn issue_from_row(row: &Row) -> Result<CommonIssueRecord> {
    Ok(CommonIssueRecord {
        id: row.int(0)?,
        title: row.text(1)?,
        category_code: row.text(2)?,
        created_at: from_micros(row.int(3)?).ok_or_else(|| corrupt("common_issues.created_at"))?,
        resolved_at: row
            .opt_int(4)?
            .map(|t| from_micros(t).ok_or_else(|| corrupt("common_issues.resolved_at")))
            .transpose()?,
        appeals: row.int(5)?,
        cause: row.text(6)?,
        lead_unit_id: row.opt_int(7)?,
        lead_unit_name: row.opt_text(8)?,
        region_code: row.opt_text(9)?,
        answer: row.opt_text(10)?,
        version: row.int(11)?,
    })
}

fn not_dispatcher() -> StoreError {
    StoreError::Forbidden("只有指挥部可以管理共性问题 / only the dispatcher manages common issues".into())
}

/// The issues `p` may read: those kept in its region or below (and those kept nowhere), for dispatchers and leaders.
fn issue_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    match (&p.region, p.has(Role::Dispatcher) || p.has(Role::Leader)) {
        (Some(r), true) => format!("(c.region_code IS NULL OR {})", in_region("c.region_code", r, values)),
        _ => "1 = 0".to_owned(),
    }
}

fn invalid(message: String) -> StoreError {
    StoreError::Invalid(message)
}

/// The fields of an issue as entered, checked; the lead unit and the category must exist and be in use.
fn checked(tx: &mut Tx<'_>, new: &NewCommonIssue) -> Result<NewCommonIssue> {
    let title = new.title.trim().to_owned();
    if title.is_empty() {
        return Err(invalid("请填写共性问题名称 / the title is empty".into()));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(invalid(format!(
            "共性问题名称最多{MAX_TITLE}字 / the title is longer than {MAX_TITLE} characters"
        )));
    }
    let cause = new.cause.trim().to_owned();
    if cause.chars().count() > MAX_ISSUE_TEXT {
        return Err(invalid(format!("原因最多{MAX_ISSUE_TEXT}字 / the cause is too long")));
    }
    if let Some(unit) = new.lead_unit_id {
        match tx.query_opt("SELECT active FROM units WHERE id = $1", params![unit])? {
            None => return Err(invalid(format!("牵头单位 {unit} 不存在 / unit {unit} does not exist"))),
            Some(r) if r.int(0)? == 0 => return Err(invalid("牵头单位已停用 / the lead unit is retired".into())),
            Some(_) => {}
        }
    }
    Ok(NewCommonIssue { title, cause, category: new.category.trim().to_owned(), lead_unit_id: new.lead_unit_id })
}

/// The issue `id` if `p` may read it; not found otherwise.
fn visible_issue(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<CommonIssueRecord> {
    let mut values = vec![Value::from(id)];
    let scope = issue_scope(p, &mut values);
    let row = tx
        .query_opt(&format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = $1 AND {scope}"), &values)?
        .ok_or(StoreError::NotFound("共性问题"))?;
    issue_from_row(&row)
}

impl Writer<'_> {
    /// Opens a common issue. No scope check: the callers make it (`create_common_issue`, a merge, the demo, a
    /// ledger import).
    pub fn insert_common_issue_in(
        &mut self,
        new: &NewCommonIssue,
        region: Option<&RegionCode>,
        at: Timestamp,
    ) -> Result<i64> {
        let new = checked(&mut self.tx, new)?;
        let id = self
            .tx
            .query_one(
                "INSERT INTO common_issues (title, cause, category_code, lead_unit_id, region_code, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                params![
                    new.title.as_str(),
                    new.cause.as_str(),
                    new.category.as_str(),
                    new.lead_unit_id,
                    region.map(RegionCode::as_str),
                    to_micros(at)
                ],
            )?
            .int(0)?;
        let after = json!({"title": new.title, "cause": new.cause, "category": new.category,
            "lead_unit_id": new.lead_unit_id, "region_code": region.map(RegionCode::as_str)});
        self.audit("common_issue.add", format!("common_issue:{id}"), None, audit::json(&after));
        Ok(id)
    }

    /// Answers issue `id` (seen at `version`) for `user_id` as dispatcher: every appeal still merged into it comes
    /// back as answered by `unit`. No scope check: the callers make it (`resolve_common_issue`, the demo). Returns
    /// how many appeals were answered.
    pub fn answer_common_issue(
        &mut self,
        id: i64,
        version: i64,
        user_id: i64,
        unit: i64,
        answer: &str,
        at: Timestamp,
    ) -> Result<usize> {
        let changed = self.tx.execute(
            "UPDATE common_issues SET resolved_at = $1, answer = $2, resolved_by = $3, version = version + 1, \
             lead_unit_id = $6 WHERE id = $4 AND version = $5 AND resolved_at IS NULL",
            params![to_micros(at), answer, user_id, id, version, unit],
        )?;
        if changed == 0 {
            let actual = self.tx.query_opt("SELECT version FROM common_issues WHERE id = $1", params![id])?;
            return Err(conflict(version, actual.map_or(Ok(0), |r| r.int(0))?));
        }
        let ids = self.merged_into(id)?;
        let actor = Actor::user(user_id, Role::Dispatcher);
        for appeal in &ids {
            let record = load_record(&mut self.tx, *appeal)?;
            self.apply(&record, actor, Action::ResolveCommon { text: answer.to_owned(), unit_id: unit }, at)?;
        }
        let after = json!({"answer": answer, "appeals": ids.len(), "lead_unit_id": unit});
        self.audit("common_issue.resolve", format!("common_issue:{id}"), None, audit::json(&after));
        Ok(ids.len())
    }

    /// The appeals still merged into issue `id` (not yet answered), oldest first.
    pub fn merged_into(&mut self, id: i64) -> Result<Vec<i64>> {
        let merged = Status::Merged.as_str();
        self.tx
            .query(
                &format!("SELECT id FROM appeals WHERE common_issue_id = $1 AND status = '{merged}' ORDER BY id"),
                params![id],
            )?
            .iter()
            .map(|r| r.int(0))
            .collect()
    }

    /// An appeal may be merged into issue `id` only while it is open, and only if the issue's region holds the
    /// appeal's: the issue's readers then see every appeal in it.
    pub(crate) fn check_merge_target(&mut self, record: &AppealRecord, id: i64) -> Result<()> {
        let row = self
            .tx
            .query_opt("SELECT resolved_at, region_code FROM common_issues WHERE id = $1", params![id])?
            .ok_or_else(|| invalid(format!("共性问题 {id} 不存在 / common issue {id} does not exist")))?;
        if row.opt_int(0)?.is_some() {
            return Err(invalid("该共性问题已集中解决，不能再并入 / the common issue is already resolved".into()));
        }
        if let Some(region) = row.opt_text(1)? {
            let region = RegionCode::parse(&region).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if !record.region_code.as_str().starts_with(region.subtree_prefix()) {
                return Err(invalid(
                    "该诉求不在共性问题所属地区内，不能并入 / the appeal lies outside the issue's region".into(),
                ));
            }
        }
        Ok(())
    }
}

impl Store {
    /// The common issues not yet resolved that `p` may merge into, newest first. Dispatchers only.
    pub async fn open_common_issues(&self, p: &Principal) -> Result<Vec<CommonIssueRecord>> {
        if !p.has(Role::Dispatcher) {
            return Err(not_dispatcher());
        }
        let filter = CommonIssueFilter { open: Some(true), limit: 200, ..CommonIssueFilter::default() };
        Ok(self.list_common_issues(p, filter).await?.items)
    }

    /// The common issues `p` may read (dispatchers and leaders of their region), newest first, with their total.
    pub async fn list_common_issues(&self, p: &Principal, f: CommonIssueFilter) -> Result<CommonIssuePage> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut conditions = vec![issue_scope(&p, &mut values)];
            match f.open {
                Some(true) => conditions.push("c.resolved_at IS NULL".into()),
                Some(false) => conditions.push("c.resolved_at IS NOT NULL".into()),
                None => {}
            }
            if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                conditions.push(format!("c.title LIKE {} ESCAPE '\\'", bind(&mut values, escape_like(text))));
            }
            let condition = conditions.join(" AND ");
            let total =
                tx.query_one(&format!("SELECT COUNT(*) FROM common_issues c WHERE {condition}"), &values)?.int(0)?;
            let limit = bind(&mut values, i64::try_from(f.limit).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(f.offset).unwrap_or(i64::MAX));
            let items = tx
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM {FROM} WHERE {condition} \
                         ORDER BY c.created_at DESC, c.id DESC LIMIT {limit} OFFSET {offset}"
                    ),
                    &values,
                )?
                .iter()
                .map(issue_from_row)
                .collect::<Result<_>>()?;
            Ok(CommonIssuePage { items, total })
        })
        .await
    }

    /// One issue with its appeals, if `p` may read it.
    pub async fn common_issue_for(&self, p: &Principal, id: i64) -> Result<CommonIssueDetail> {
        let p = p.clone();
        self.read(move |tx| {
            let issue = visible_issue(tx, &p, id)?;
            let mut values = vec![Value::from(id)];
            let scope = crate::scope::appeal_scope(&p, &mut values);
            let appeals = tx
                .query(
                    &format!(
                        "SELECT {SUMMARY_COLUMNS} FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id \
                         LEFT JOIN units u ON u.id = a.unit_id WHERE a.common_issue_id = $1 AND {scope} \
                         ORDER BY a.created_at DESC, a.id DESC"
                    ),
                    &values,
                )?
                .iter()
                .map(summary_from_row)
                .collect::<Result<_>>()?;
            Ok(CommonIssueDetail { issue, appeals })
        })
        .await
    }

    /// Opens a common issue kept by `p`'s region. Dispatchers only; the category must be in use.
    pub async fn create_common_issue(
        &self,
        p: &Principal,
        source: &str,
        new: NewCommonIssue,
        at: Timestamp,
        key: Option<IdempotencyKey>,
    ) -> Result<CommonIssueRecord> {
        let region = match (&p.region, p.has(Role::Dispatcher)) {
            (Some(r), true) => r.clone(),
            _ => return Err(not_dispatcher()),
        };
        let create = move |w: &mut Writer<'_>| {
            crate::scope::check_category(&mut w.tx, new.category.trim())?;
            w.insert_common_issue_in(&new, Some(&region), at)
        };
        let q = p.clone();
        self.create_once(p.origin(source), "common_issue", key, create, move |tx, id| visible_issue(tx, &q, id)).await
    }

    /// Renames an open issue, rewrites its cause or names its lead unit, if nobody changed it since `version`.
    pub async fn edit_common_issue(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        version: i64,
        edit: NewCommonIssue,
    ) -> Result<CommonIssueRecord> {
        if !p.has(Role::Dispatcher) {
            return Err(not_dispatcher());
        }
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let before = visible_issue(&mut w.tx, &p, id)?;
            if before.resolved_at.is_some() {
                return Err(StoreError::Forbidden("共性问题已集中解决，不能再修改 / the issue is resolved".into()));
            }
            let edit = checked(&mut w.tx, &NewCommonIssue { category: before.category_code.clone(), ..edit })?;
            let changed = w.tx.execute(
                "UPDATE common_issues SET title = $1, cause = $2, lead_unit_id = $3, version = version + 1 \
                 WHERE id = $4 AND version = $5",
                params![edit.title.as_str(), edit.cause.as_str(), edit.lead_unit_id, id, version],
            )?;
            if changed == 0 {
                return Err(conflict(version, before.version));
            }
            let old = json!({"title": before.title, "cause": before.cause, "lead_unit_id": before.lead_unit_id});
            let new = json!({"title": edit.title, "cause": edit.cause, "lead_unit_id": edit.lead_unit_id});
            w.audit("common_issue.edit", format!("common_issue:{id}"), audit::json(&old), audit::json(&new));
            visible_issue(&mut w.tx, &p, id)
        })
        .await
    }

    /// 集中解决: answers the issue once. Every appeal merged into it comes back as answered by the lead unit, for its
    /// enterprise to rate, and the issue is resolved — in one transaction, or nothing is written. Refused unless
    /// `p` is a dispatcher who may see every merged appeal, the issue is open, unchanged since `version`, has a
    /// lead unit and at least one merged appeal. Returns the issue and how many appeals were answered.
    pub async fn resolve_common_issue(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        version: i64,
        answer: String,
        at: Timestamp,
    ) -> Result<(CommonIssueRecord, usize)> {
        if !p.has(Role::Dispatcher) {
            return Err(not_dispatcher());
        }
        let answer = answer.trim().to_owned();
        if answer.is_empty() {
            return Err(invalid("请填写集中解决的答复 / the answer is empty".into()));
        }
        if answer.chars().count() > MAX_ISSUE_TEXT {
            return Err(invalid(format!("答复最多{MAX_ISSUE_TEXT}字 / the answer is too long")));
        }
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let issue = visible_issue(&mut w.tx, &p, id)?;
            if issue.resolved_at.is_some() {
                return Err(StoreError::Duplicate("该共性问题已集中解决 / the issue is already resolved".into()));
            }
            if issue.version != version {
                return Err(conflict(version, issue.version));
            }
            let unit = issue
                .lead_unit_id
                .ok_or_else(|| invalid("请先指定牵头单位，再集中解决 / name the lead unit first".into()))?;
            let merged = merged_in_scope(&mut w.tx, &p, id)?;
            if merged.in_scope < merged.all {
                return Err(StoreError::Forbidden(format!(
                    "该共性问题有{}件诉求不在您的管辖范围内，请由上级指挥部集中解决 / {} merged appeals lie outside your scope",
                    merged.all - merged.in_scope,
                    merged.all - merged.in_scope
                )));
            }
            if merged.waiting == 0 {
                return Err(invalid("该共性问题还没有并入的诉求 / no appeal was merged into it".into()));
            }
            let answered = w.answer_common_issue(id, version, p.user_id, unit, &answer, at)?;
            Ok((visible_issue(&mut w.tx, &p, id)?, answered))
        })
        .await
    }
}

fn conflict(expected: i64, actual: i64) -> StoreError {
    let v = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    StoreError::Conflict { expected: v(expected), actual: v(actual) }
}

/// The appeals of issue `id`: all of them, how many `p` may act on as dispatcher, and how many are still merged.
struct Merged {
    all: i64,
    in_scope: i64,
    waiting: i64,
}

fn merged_in_scope(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<Merged> {
    let mut values = vec![Value::from(id)];
    let scope = appeal_role_scope(p, Role::Dispatcher, &mut values).unwrap_or_else(|| "1 = 0".to_owned());
    let merged = Status::Merged.as_str();
    let row = tx.query_one(
        &format!(
            "SELECT COUNT(*), COUNT(CASE WHEN {scope} THEN 1 END), COUNT(CASE WHEN a.status = '{merged}' THEN 1 END) \
             FROM appeals a WHERE a.common_issue_id = $1"
        ),
        &values,
    )?;
    Ok(Merged { all: row.int(0)?, in_scope: row.int(1)?, waiting: row.int(2)? })
}

impl Store {
    /// Opens a common issue titled `title` in the appeal's category, kept by `p`'s region, and merges the appeal
    /// into it, in one transaction. Refused exactly as `act` refuses a merge (not found outside `p`'s scope,
    /// forbidden to any role but the dispatcher, a conflict if the appeal moved since `version`, illegal from its
    /// status); in every refusal the new issue is not kept either.
    pub async fn merge_into_new(
        &self,
        p: &Principal,
        source: &str,
        appeal_id: i64,
        version: u32,
        title: String,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let (record, role) = w.target(&p, appeal_id, version, ActionKind::Merge)?;
            let new = NewCommonIssue {
                title,
                cause: String::new(),
                category: record.state.category.clone(),
                lead_unit_id: record.state.unit_id,
            };
            let common_issue_id = w.insert_common_issue_in(&new, p.region.as_ref(), at)?;
            w.act_on(&p, &record, role, Action::Merge { common_issue_id }, at)
        })
        .await
    }
}
