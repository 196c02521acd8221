//! 共性问题 (glossary `CommonIssue`) as the dispatcher's merge form needs them: the issues still open to merge into,
//! and merging an appeal into a new one in a single step.

use jiff::Timestamp;
use serde::Serialize;
use zhuqi_domain::time::from_micros;
use zhuqi_domain::{Action, ActionKind, Role};

use crate::access::Principal;
use crate::appeals::MAX_TITLE;
use crate::db::Row;
use crate::{AppealRecord, Result, Store, StoreError};

/// A common issue and how many appeals were merged into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommonIssueRecord {
    pub id: i64,
    pub title: String,
    pub category_code: String,
    pub created_at: Timestamp,
    /// When it was solved for everyone merged into it; `None` while open.
    pub resolved_at: Option<Timestamp>,
    /// The appeals merged into it, across the whole database: the issue is solved once for all of them, whichever
    /// region each came from.
    pub appeals: i64,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: out of range"))
}

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
    })
}

fn not_dispatcher() -> StoreError {
    StoreError::Forbidden("只有指挥部可以管理共性问题 / only the dispatcher manages common issues".into())
}

impl Store {
    /// The common issues not yet resolved, newest first: what a dispatcher may merge an appeal into. Dispatchers only.
    pub async fn open_common_issues(&self, p: &Principal) -> Result<Vec<CommonIssueRecord>> {
        if !p.has(Role::Dispatcher) {
            return Err(not_dispatcher());
        }
        self.read(|tx| {
            tx.query(
                "SELECT c.id, c.title, c.category_code, c.created_at, c.resolved_at, \
                 (SELECT COUNT(*) FROM appeals a WHERE a.common_issue_id = c.id) \
                 FROM common_issues c WHERE c.resolved_at IS NULL ORDER BY c.created_at DESC, c.id DESC",
                &[],
            )?
            .iter()
            .map(issue_from_row)
            .collect()
        })
        .await
    }

    /// Opens a common issue titled `title` in the appeal's category and merges the appeal into it, in one
    /// transaction. Refused exactly as `act` refuses a merge (not found outside `p`'s scope, forbidden to any role but
    /// the dispatcher, a conflict if the appeal moved since `version`, illegal from its status); in every refusal
    /// the new issue is not kept either.
    pub async fn merge_into_new(
        &self,
        p: &Principal,
        source: &str,
        appeal_id: i64,
        version: u32,
        title: String,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        let title = title.trim().to_owned();
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let (record, role) = w.target(&p, appeal_id, version, ActionKind::Merge)?;
            if title.chars().count() > MAX_TITLE {
                return Err(StoreError::Invalid(format!(
                    "共性问题标题最多{MAX_TITLE}字 / the title is longer than {MAX_TITLE} characters"
                )));
            }
            let common_issue_id = w.insert_common_issue(&title, &record.state.category, at)?;
            w.act_on(&p, &record, role, Action::Merge { common_issue_id }, at)
        })
        .await
    }
}
