//! The headline figures of the leader's dashboard (SPEC §6), over the appeals in the reader's scope (SPEC §5), as
//! they stand now. Cadres and units are assessed on these numbers: each is defined once, here. For a leader or the
//! command office (a scope of regions) every figure is a sum by day (`facts`): of all time for the closed appeals'
//! figures and the open ones, up to today for the lights (dated ahead from each state, `facts::outlook`). For any
//! other reader they are counted from the appeals' stored columns, and the lights from each open item's state
//! exactly as the appeal list computes them.

use jiff::civil::Date;
use serde::Serialize;
use zhuqi_domain::{Light, WorkingCalendar};

use crate::access::Principal;
use crate::db::{Tx, Value};
use crate::engine::parse_state;
use crate::facts;
use crate::scope::{appeal_region_scope, appeal_scope};
use crate::{Result, Store};

/// The counts behind the dashboard's rates. Every figure counts appeals among the *collected* ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Headline {
    /// 收集: appeals submitted at least once (`submitted_at` set: drafts never submitted are not counted), whatever
    /// has happened to them since, except those withdrawn by the enterprise or dismissed as invalid. A merged
    /// appeal counts once in its own right.
    pub collected: i64,
    /// 已解决: collected appeals whose problem was solved: closed after an answer (`resolved`), or merged into a
    /// common issue that has been resolved (SPEC §6).
    pub resolved: i64,
    /// 未办结: collected appeals still in the loop (not closed, withdrawn, invalid or merged: `closed_at` unset),
    /// including those awaiting assignment.
    pub open: i64,
    /// 黄灯: open appeals whose deadline light today is warning (at least 80% of the time to the next due date used).
    pub warning: i64,
    /// 红灯: open appeals whose deadline light today is overdue (the next due date has passed).
    pub overdue: i64,
    /// 已评价: collected appeals the enterprise rated (1 to 5 stars).
    pub rated: i64,
    /// 五星: collected appeals rated 5 stars.
    pub five_star: i64,
    /// 重办: collected appeals the enterprise rejected at least once (reopened), whatever their status now.
    pub reopened: i64,
}

/// The condition of "collected" on appeals `a`; the statuses are fixed names written as literals.
const COLLECTED: &str = "a.submitted_at IS NOT NULL AND a.status NOT IN ('withdrawn', 'invalid')";

impl Store {
    /// The headline figures over the appeals `p` may see, with the lights as of `today` (Asia/Shanghai).
    pub async fn headline(&self, p: &Principal, today: Date) -> Result<Headline> {
        let (p, cal) = (p.clone(), self.calendar());
        self.read(move |tx| {
            let started = std::time::Instant::now();
            let mut values = Vec::new();
            let scope = appeal_scope(&p, &mut values);
            let mut facts_values = Vec::new();
            let h = match appeal_region_scope(&p, "f.region_code", &mut facts_values) {
                Some(cond) => from_facts(tx, &cond, &facts_values, &scope, &values, today)?,
                None => {
                    let mut h = closed_from_appeals(tx, &scope, &values)?;
                    open_from_appeals(tx, &scope, &values, &cal, today, &mut h)?;
                    h
                }
            };
            tracing::debug!(elapsed = ?started.elapsed(), "headline");
            Ok(h)
        })
        .await
    }
}

/// The headline from the sums by day (`facts`) up to today, for a reader whose scope is regions alone: the lights are
/// the sums of their facts dated up to today (`facts::outlook`), every other figure those of all time. Merged appeals resolved with
/// their common issue are counted from the appeals, found from the resolved common issues (few; their issue decides).
fn from_facts(
    tx: &mut Tx<'_>,
    cond: &str,
    facts_values: &[Value],
    scope: &str,
    values: &[Value],
    today: Date,
) -> Result<Headline> {
    // Only the lights are dated ahead: the sums up to today are all time for every other fact (the rows of the
    // days and months ahead, a light for each open item, are not read).
    let sums: facts::Counts = facts::sums(tx, cond, facts_values, None, today)?.into_values().sum();
    let merged = tx.query_one(
        &format!(
            "SELECT COUNT(*) FROM common_issues c CROSS JOIN appeals a \
             WHERE a.common_issue_id = c.id AND c.resolved_at IS NOT NULL AND {scope} AND a.status = 'merged' \
             AND a.closed_at IS NOT NULL AND a.submitted_at IS NOT NULL"
        ),
        values,
    )?;
    Ok(Headline {
        collected: sums.submitted - sums.voided,
        resolved: sums.resolved + merged.int(0)?,
        rated: sums.rated,
        five_star: sums.five_star,
        reopened: sums.reopened - sums.voided_reopened,
        open: sums.submitted - sums.closed,
        warning: sums.warning,
        overdue: sums.red,
    })
}

/// The open appeals and their lights today, each read whole: for a reader whose scope is more than regions. An open
/// appeal is never withdrawn or invalid (both close it), never resolved and not yet rated (both happen at closing).
fn open_from_appeals(
    tx: &mut Tx<'_>,
    scope: &str,
    values: &[Value],
    cal: &WorkingCalendar,
    today: Date,
    h: &mut Headline,
) -> Result<()> {
    let open = tx.query(
        &format!("SELECT a.state FROM appeals a WHERE {scope} AND a.closed_at IS NULL AND a.submitted_at IS NOT NULL"),
        values,
    )?;
    for row in &open {
        let state = parse_state(&row.text(0)?)?;
        h.open += 1;
        match state.light(cal, today) {
            Some(Light::Warning) => h.warning += 1,
            Some(Light::Overdue) => h.overdue += 1,
            Some(Light::Normal) | None => {}
        }
    }
    Ok(())
}

/// The same from the appeals themselves, for any other reader; open appeals are added by the caller. Closed appeals
/// are counted by the database from the index of closed rows (0005); the common issue is looked up only for a
/// merged one. COUNT of a CASE without ELSE counts the rows where the condition holds: a BIGINT on both databases
/// (SUM would be NUMERIC on PostgreSQL).
fn closed_from_appeals(tx: &mut Tx<'_>, scope: &str, values: &[Value]) -> Result<Headline> {
    let row = tx.query_one(
        &format!(
            "SELECT COUNT(*), \
             COUNT(CASE WHEN a.resolved = 1 OR (a.status = 'merged' AND EXISTS (SELECT 1 FROM common_issues c \
               WHERE c.id = a.common_issue_id AND c.resolved_at IS NOT NULL)) THEN 1 END), \
             COUNT(CASE WHEN a.rating IS NOT NULL THEN 1 END), \
             COUNT(CASE WHEN a.rating = 5 THEN 1 END), \
             COUNT(CASE WHEN a.reopen_count > 0 THEN 1 END) \
             FROM appeals a WHERE {scope} AND a.closed_at IS NOT NULL AND {COLLECTED}"
        ),
        values,
    )?;
    let open = tx.query_one(
        &format!(
            "SELECT COUNT(*), COUNT(CASE WHEN a.reopen_count > 0 THEN 1 END) FROM appeals a \
             WHERE {scope} AND a.closed_at IS NULL AND a.submitted_at IS NOT NULL"
        ),
        values,
    )?;
    Ok(Headline {
        collected: row.int(0)? + open.int(0)?,
        resolved: row.int(1)?,
        rated: row.int(2)?,
        five_star: row.int(3)?,
        reopened: row.int(4)? + open.int(1)?,
        ..Headline::default()
    })
}
