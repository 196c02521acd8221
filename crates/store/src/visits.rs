//! 走访 (SPEC §1, glossary `Visit`): a cadre's record of a visit to an enterprise it serves. The campaign asks for a
//! visit a week (每周一走访); the records are what shows it was made, and where problems were found.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use serde_json::json;
use zhuqi_domain::Role;
use zhuqi_domain::time::{from_micros, to_micros};

use crate::access::Principal;
use crate::db::{Row, Tx, Value, params};
use crate::scope::{bind, enterprise_role_scope, holds};
use crate::{IdempotencyKey, Result, Store, StoreError, audit};

/// The longest notes of a visit, in characters (as an appeal's description).
pub const MAX_VISIT_NOTES: usize = zhuqi_domain::appeal::MAX_TEXT;

/// What a cadre writes after a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    pub enterprise_id: i64,
    /// The day of the visit (Asia/Shanghai).
    pub visited_on: Date,
    pub notes: String,
}

/// A stored visit, with the names a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitRecord {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub cadre_user_id: i64,
    pub cadre_name: String,
    pub visited_on: Date,
    pub notes: String,
    /// When the record was written (it may be days after the visit).
    pub created_at: Timestamp,
}

/// The columns `visit_from_row` reads, from `visits v`, `enterprises e` and `users u` (the cadre).
const VISIT_COLUMNS: &str =
    "v.id, v.enterprise_id, e.name, v.cadre_user_id, u.display_name, v.visited_on, v.notes, v.created_at";
const VISIT_FROM: &str = "visits v JOIN enterprises e ON e.id = v.enterprise_id JOIN users u ON u.id = v.cadre_user_id";

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn visit_from_row(row: &Row) -> Result<VisitRecord> {
    Ok(VisitRecord {
        id: row.int(0)?,
        enterprise_id: row.int(1)?,
        enterprise_name: row.text(2)?,
        cadre_user_id: row.int(3)?,
        cadre_name: row.text(4)?,
        visited_on: row.text(5)?.parse().map_err(|e| corrupt("visits.visited_on", e))?,
        notes: row.text(6)?,
        created_at: from_micros(row.int(7)?).ok_or_else(|| corrupt("visits.created_at", "out of range"))?,
    })
}

/// The notes, trimmed, if the visit is one that can be recorded `today`: not in the future, and not so long ago that
/// the record can no longer be trusted (a year).
fn check_visit(new: &NewVisit, today: Date) -> Result<String> {
    let invalid = |msg: String| Err(StoreError::Invalid(msg));
    let day = new.visited_on;
    if day > today {
        return invalid(format!("走访日期 {day} 晚于今天 / the visit date {day} is after today"));
    }
    let earliest = today.checked_sub(1.year()).unwrap_or(Date::MIN);
    if day < earliest {
        return invalid(format!("走访日期 {day} 早于一年前 / the visit date {day} is more than a year ago"));
    }
    let notes = new.notes.trim();
    if notes.is_empty() {
        return invalid("请填写走访情况 / the notes of the visit are required".into());
    }
    if notes.chars().count() > MAX_VISIT_NOTES {
        return invalid(format!(
            "走访情况最多{MAX_VISIT_NOTES}字 / the notes are longer than {MAX_VISIT_NOTES} characters"
        ));
    }
    Ok(notes.to_owned())
}

fn visit_by_id(tx: &mut Tx<'_>, id: i64) -> Result<VisitRecord> {
    let row = tx
        .query_opt(&format!("SELECT {VISIT_COLUMNS} FROM {VISIT_FROM} WHERE v.id = $1"), params![id])?
        .ok_or(StoreError::NotFound("走访记录"))?;
    visit_from_row(&row)
}

/// The roles that read visits: the cadres who make them, the enterprise visited, and the command office and leaders
/// of the region, who check that the weekly visits happen. Handlers and the admins have no business with them.
const VISIT_READERS: [Role; 4] = [Role::Cadre, Role::Enterprise, Role::Dispatcher, Role::Leader];

/// The visits `p` may read, as a condition on the visited enterprise `e`: the enterprises each of its reading roles
/// may see. Forbidden if `p` holds none of those roles.
fn visit_scope(p: &Principal, values: &mut Vec<Value>) -> Result<String> {
    if !p.roles.iter().any(|r| VISIT_READERS.contains(r)) {
        return Err(StoreError::Forbidden("您的角色无权查看走访记录 / your roles may not read visits".into()));
    }
    let parts: Vec<String> = p
        .roles
        .iter()
        .filter(|r| VISIT_READERS.contains(r))
        .filter_map(|r| enterprise_role_scope(p, *r, values))
        .collect();
    Ok(if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) })
}

impl crate::Writer<'_> {
    /// A visit as the caller has checked it (`Store::record_visit`, or the demo's cadres), with its audit record.
    pub fn insert_visit(
        &mut self,
        enterprise_id: i64,
        cadre_user_id: i64,
        visited_on: Date,
        notes: &str,
        created_at: Timestamp,
    ) -> Result<i64> {
        let id = self
            .tx
            .query_one(
                "INSERT INTO visits (enterprise_id, cadre_user_id, visited_on, notes, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                params![enterprise_id, cadre_user_id, visited_on.to_string(), notes, to_micros(created_at)],
            )?
            .int(0)?;
        let after = json!({"enterprise_id": enterprise_id, "visited_on": visited_on.to_string(), "notes": notes});
        self.audit("visit.add", format!("visit:{id}"), None, audit::json(&after));
        Ok(id)
    }
}

impl Store {
    /// Records a visit by cadre `p` to an enterprise its work groups serve (another enterprise is not found for it).
    /// The day may be today or up to a year before `today`; the notes say what was found (1 to 5000 characters).
    pub async fn record_visit(
        &self,
        p: &Principal,
        source: &str,
        new: NewVisit,
        today: Date,
        key: Option<IdempotencyKey>,
    ) -> Result<VisitRecord> {
        if !p.has(Role::Cadre) {
            return Err(StoreError::Forbidden("只有助企干部可以登记走访 / only cadres record visits".into()));
        }
        let q = p.clone();
        let create = move |w: &mut crate::Writer<'_>| {
            let enterprise = new.enterprise_id;
            if !holds(&mut w.tx, "enterprises", "e", enterprise, |v| enterprise_role_scope(&q, Role::Cadre, v))? {
                return Err(StoreError::NotFound("企业"));
            }
            let notes = check_visit(&new, today)?;
            w.insert_visit(enterprise, q.user_id, new.visited_on, &notes, Timestamp::now())
        };
        self.create_once(p.origin(source), "visit", key, create, visit_by_id).await
    }

    /// The visits `p` may read, newest visit day first, at most `limit`; only those to `enterprise_id` if given. A
    /// cadre reads the visits to the enterprises its work groups serve (by any of their cadres), a dispatcher or
    /// leader those to the enterprises of its region and below, an enterprise user those to its own enterprise.
    /// Other roles are refused.
    pub async fn visits_for(
        &self,
        p: &Principal,
        enterprise_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<VisitRecord>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut condition = visit_scope(&p, &mut values)?;
            if let Some(e) = enterprise_id {
                values.push(e.into());
                condition.push_str(&format!(" AND v.enterprise_id = ${}", values.len()));
            }
            values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
            let sql = format!(
                "SELECT {VISIT_COLUMNS} FROM {VISIT_FROM} WHERE {condition} \
                 ORDER BY v.visited_on DESC, v.id DESC LIMIT ${}",
                values.len()
            );
            tx.query(&sql, &values)?.iter().map(visit_from_row).collect()
        })
        .await
    }

    /// Page `page` (1-based) of the visits `p` may read (as `visits_for`), newest visit day first, and how many
    /// there are in all.
    pub async fn visit_page(&self, p: &Principal, page: usize, per_page: usize) -> Result<(Vec<VisitRecord>, usize)> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = visit_scope(&p, &mut values)?;
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM {VISIT_FROM} WHERE {condition}"), &values)?;
            let total = usize::try_from(total.int(0)?).unwrap_or(0);
            let skip = page.saturating_sub(1).saturating_mul(per_page);
            let limit = bind(&mut values, i64::try_from(per_page).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(skip).unwrap_or(i64::MAX));
            let sql = format!(
                "SELECT {VISIT_COLUMNS} FROM {VISIT_FROM} WHERE {condition} \
                 ORDER BY v.visited_on DESC, v.id DESC LIMIT {limit} OFFSET {offset}"
            );
            let items = tx.query(&sql, &values)?.iter().map(visit_from_row).collect::<Result<Vec<_>>>()?;
            Ok((items, total))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn visit(day: Date, notes: &str) -> NewVisit {
        NewVisit { enterprise_id: 1, visited_on: day, notes: notes.into() }
    }

    #[test]
    fn a_visit_is_dated_within_the_last_year() {
        let today = date(2024, 2, 29);
        assert!(check_visit(&visit(today, "走访"), today).is_ok_and(|n| n == "走访"));
        assert!(check_visit(&visit(date(2023, 2, 28), "走访"), today).is_ok());
        assert!(check_visit(&visit(date(2023, 2, 27), "走访"), today).is_err());
        assert!(check_visit(&visit(date(2024, 3, 1), "走访"), today).is_err());
        assert!(check_visit(&visit(today, "  "), today).is_err());
        assert!(check_visit(&visit(today, &"字".repeat(5001)), today).is_err());
        assert!(check_visit(&visit(today, &format!(" {} ", "字".repeat(5000))), today).is_ok());
    }
}
