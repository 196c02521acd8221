//! The headline figures of the leader's dashboard (SPEC §6), over the appeals in the reader's scope (SPEC §5), as
//! they stand now. Cadres and units are assessed on these numbers: each is defined once, here, and counted by the
//! database from the stored columns, except the deadline lights, which depend on today and are computed from each
//! open item's state exactly as the appeal list computes them.

use jiff::civil::Date;
use serde::Serialize;
use zhuqi_domain::Light;

use crate::access::Principal;
use crate::appeals::parse_state;
use crate::scope::appeal_scope;
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
            let mut values = Vec::new();
            let scope = appeal_scope(&p, &mut values);
            // COUNT of a CASE without ELSE counts the rows where the condition holds: a BIGINT on both databases
            // (SUM would be NUMERIC on PostgreSQL).
            let row = tx.query_one(
                &format!(
                    "SELECT COUNT(*), \
                     COUNT(CASE WHEN a.resolved = 1 OR (a.status = 'merged' AND c.resolved_at IS NOT NULL) THEN 1 END), \
                     COUNT(CASE WHEN a.closed_at IS NULL THEN 1 END), \
                     COUNT(CASE WHEN a.rating IS NOT NULL THEN 1 END), \
                     COUNT(CASE WHEN a.rating = 5 THEN 1 END), \
                     COUNT(CASE WHEN a.reopen_count > 0 THEN 1 END) \
                     FROM appeals a LEFT JOIN common_issues c ON c.id = a.common_issue_id \
                     WHERE {scope} AND {COLLECTED}"
                ),
                &values,
            )?;
            let mut h = Headline {
                collected: row.int(0)?,
                resolved: row.int(1)?,
                open: row.int(2)?,
                rated: row.int(3)?,
                five_star: row.int(4)?,
                reopened: row.int(5)?,
                ..Headline::default()
            };
            // Only open items that were assigned have a light: an item never assigned has no deadline clock, and
            // no due date stored (acknowledge_due is set exactly when the clock is), so it need not be read.
            let states = tx.query(
                &format!(
                    "SELECT a.state FROM appeals a WHERE {scope} AND {COLLECTED} AND a.closed_at IS NULL \
                     AND a.acknowledge_due IS NOT NULL"
                ),
                &values,
            )?;
            for row in &states {
                match parse_state(&row.text(0)?)?.light(&cal, today) {
                    Some(Light::Warning) => h.warning += 1,
                    Some(Light::Overdue) => h.overdue += 1,
                    Some(Light::Normal) | None => {}
                }
            }
            Ok(h)
        })
        .await
    }
}
