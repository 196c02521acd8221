//! The figures of SPEC §6 for a scope, as of any date: what bulletins, rankings and the dashboard print.
//!
//! Every figure is a count of dated facts of each appeal (submitted, withdrawn or found invalid, resolved on time or
//! late, rated, first reopened), all written into columns from the appeal's history when each event is written. So
//! "as of D" is a comparison with 24:00 of D, and one pass of the database counts a whole city for two dates at once,
//! grouped by region, unit and category. Closed rows (nineteen in twenty) are read from their covering index (0006);
//! open rows from the open-items index.
//!
//! The one figure that depends on more than dates is `overdue_open`: whether an open item's resolve deadline had passed
//! at D. For a reader whose scope is regions it is a sum of facts dated ahead (`facts::outlook`). Otherwise, and for
//! the list of the most overdue items, it is decided on the appeal's state as it stood at D: the stored state if
//! nothing happened to the appeal since, otherwise the state replayed from its events up to D (a later extension or
//! pause must not rewrite the past).

use std::collections::HashMap;

use jiff::civil::Date;
use zhuqi_domain::stats::Counts;
use zhuqi_domain::time::{from_micros, local_date, start_of_day, to_micros};
use zhuqi_domain::{Appeal, Level, RegionCode, Status, WorkingCalendar};

use crate::access::Principal;
use crate::db::{Row, Tx, Value, placeholders};
use crate::engine::{event_from_row, parse_state};
use crate::facts;
use crate::scope::{appeal_region_scope, appeal_scope, bind, in_region};
use crate::{Result, Store, StoreError};

/// Which appeals, within what the reader may see: a region subtree, one handling unit, one level (分层交办).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FigureScope {
    pub region: Option<RegionCode>,
    pub unit_id: Option<i64>,
    pub level: Option<Level>,
}

/// A count window: everything up to 24:00 of `as_of`; `new_in_period` counts submissions from `first` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub first: Date,
    pub as_of: Date,
}

/// The finest grain the figures are counted at; regions, units, categories and the whole scope are sums of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    pub region_code: String,
    pub unit_id: Option<i64>,
    pub category_code: String,
}

/// The counts of one group in the two windows asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub key: GroupKey,
    pub now: Counts,
    pub before: Counts,
}

/// An open item past its resolve deadline at the as-of date, as it stood then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueRow {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub enterprise: String,
    pub key: GroupKey,
    pub status: Status,
    pub resolve_due: Date,
    pub overdue_days: u32,
}

/// New appeals and resolutions within one period of a trend, and the cumulative counts at its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrendCounts {
    pub new: i64,
    pub resolved: i64,
    pub collected_total: i64,
    pub resolved_total: i64,
}

/// 24:00 of `day` in Asia/Shanghai, as stored micros: "as of day" means strictly before this.
fn end_of(day: Date) -> Result<i64> {
    day.tomorrow()
        .ok()
        .and_then(start_of_day)
        .map(to_micros)
        .ok_or_else(|| StoreError::Invalid(format!("日期超出范围 / date out of range: {day}")))
}

fn start_of(day: Date) -> Result<i64> {
    start_of_day(day)
        .map(to_micros)
        .ok_or_else(|| StoreError::Invalid(format!("日期超出范围 / date out of range: {day}")))
}

/// The reader's scope narrowed by `scope`, as one SQL condition on appeals `a`.
fn condition(p: &Principal, scope: &FigureScope, values: &mut Vec<Value>) -> String {
    let reader = appeal_scope(p, values);
    narrowed(reader, "a", scope, values)
}

/// The reader's scope narrowed by `scope`, as one SQL condition on the sums `f` (`appeal_facts`, `appeal_voided`),
/// when the reader's scope is regions alone (`appeal_region_scope`); `None` otherwise.
fn fact_condition(p: &Principal, scope: &FigureScope, values: &mut Vec<Value>) -> Option<String> {
    let reader = appeal_region_scope(p, "f.region_code", values)?;
    Some(narrowed(reader, "f", scope, values))
}

/// `reader AND` the region, unit and level of `scope`, on the columns of the table aliased `t`.
fn narrowed(reader: String, t: &str, scope: &FigureScope, values: &mut Vec<Value>) -> String {
    let mut parts = vec![reader];
    if let Some(region) = &scope.region {
        parts.push(in_region(&format!("{t}.region_code"), region, values));
    }
    if let Some(unit) = scope.unit_id {
        parts.push(format!("{t}.unit_id = {}", bind(values, unit)));
    }
    if let Some(level) = scope.level {
        parts.push(format!("{t}.level = {}", bind(values, level.as_str())));
    }
    parts.join(" AND ")
}

/// The counts of each group in `now` and `before`, from the sums by day (`facts`).
fn tallies_from_facts(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    now: Window,
    before: Window,
) -> Result<HashMap<GroupKey, Tally>> {
    let mut groups: HashMap<GroupKey, Tally> = HashMap::new();
    let spans =
        [(None, now.as_of), (Some(now.first), now.as_of), (None, before.as_of), (Some(before.first), before.as_of)];
    let mut sums = facts::sums_of_spans(tx, cond, values, &spans)?.into_iter();
    for (window, is_now) in [(now, true), (before, false)] {
        let (totals, fresh) = (sums.next().unwrap_or_default(), sums.next().unwrap_or_default());
        let voided = facts::voided_within(tx, cond, values, window.first, window.as_of)?;
        let mut window_counts: HashMap<&GroupKey, Counts> = HashMap::new();
        for (key, sums) in &totals {
            let counts = window_counts.entry(key).or_default();
            *counts += sums.figures();
            // 超期未办结 at the window's end is dated ahead in the sums (`facts::outlook`); `overdue_besides_sums`
            // adds the few the sums leave to the items' states.
            counts.overdue_open += sums.overdue;
        }
        // New in the period: submitted in it, less those of them voided by its end.
        for (key, sums) in &fresh {
            window_counts.entry(key).or_default().new_in_period += sums.submitted;
        }
        for (key, n) in &voided {
            window_counts.entry(key).or_default().new_in_period -= n;
        }
        for (key, counts) in window_counts {
            let t = entry(&mut groups, key);
            *(if is_now { &mut t.now } else { &mut t.before }) += counts;
        }
    }
    Ok(groups)
}

/// The counting expressions of one window, in the order `counts_at` reads them. `d` is 24:00 of the as-of date and
/// `p` 00:00 of the period's first day, both as bound parameters. Status names are fixed literals.
fn window_columns(d: &str, p: &str) -> String {
    let collected =
        format!("a.submitted_at < {d} AND NOT (a.status IN ('withdrawn', 'invalid') AND a.closed_at < {d})");
    let resolved = format!("a.resolved = 1 AND a.closed_at < {d}");
    let rated = format!("a.rating IS NOT NULL AND a.closed_at < {d}");
    // COUNT of a CASE without ELSE counts the rows where it holds, a BIGINT on both databases; SUM is cast because
    // PostgreSQL sums BIGINTs as NUMERIC.
    [
        format!("COUNT(CASE WHEN {collected} THEN 1 END)"),
        format!("COUNT(CASE WHEN {resolved} THEN 1 END)"),
        format!("COUNT(CASE WHEN {resolved} AND a.on_time = 1 THEN 1 END)"),
        format!("COUNT(CASE WHEN {rated} THEN 1 END)"),
        format!("COUNT(CASE WHEN {rated} AND a.rating = 5 THEN 1 END)"),
        format!("COUNT(CASE WHEN {rated} AND a.rating >= 4 THEN 1 END)"),
        format!("COUNT(CASE WHEN a.first_reopened_at < {d} AND {collected} THEN 1 END)"),
        format!("CAST(SUM(CASE WHEN {resolved} THEN a.work_days END) AS BIGINT)"),
        format!("COUNT(CASE WHEN {resolved} AND a.work_days IS NOT NULL THEN 1 END)"),
        format!("COUNT(CASE WHEN {collected} AND a.submitted_at >= {p} THEN 1 END)"),
    ]
    .join(", ")
}

const WINDOW_WIDTH: usize = 10;

fn counts_at(row: &Row, at: usize) -> Result<Counts> {
    Ok(Counts {
        collected: row.int(at)?,
        resolved: row.int(at + 1)?,
        closed_on_time: row.int(at + 2)?,
        rated: row.int(at + 3)?,
        five_star: row.int(at + 4)?,
        satisfied: row.int(at + 5)?,
        reopened: row.int(at + 6)?,
        working_days: row.opt_int(at + 7)?.unwrap_or(0),
        timed: row.int(at + 8)?,
        new_in_period: row.int(at + 9)?,
        overdue_open: 0,
    })
}

fn key_at(row: &Row, at: usize) -> Result<GroupKey> {
    Ok(GroupKey { region_code: row.text(at)?, unit_id: row.opt_int(at + 1)?, category_code: row.text(at + 2)? })
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("bad value in {what}"))
}

impl Store {
    /// The counts of SPEC §6 in the scope, per (region, unit, category), for two windows (a period and the one
    /// before it), 超期未办结 (`overdue_open`) at each window's end included (`overdue` lists the items).
    pub async fn figures(&self, p: &Principal, scope: &FigureScope, now: Window, before: Window) -> Result<Vec<Tally>> {
        let (p, scope, cal) = (p.clone(), scope.clone(), self.calendar());
        self.read(move |tx| {
            let started = std::time::Instant::now();
            let mut facts_values = Vec::new();
            let from_facts = fact_condition(&p, &scope, &mut facts_values);
            let mut groups = match &from_facts {
                Some(cond) => tallies_from_facts(tx, cond, &facts_values, now, before)?,
                None => tallies_from_appeals(tx, &p, &scope, now, before)?,
            };
            for (day, is_now) in [(now.as_of, true), (before.as_of, false)] {
                for (key, n) in overdue_besides_sums(tx, &p, &scope, &cal, day, from_facts.is_some())? {
                    let t = entry(&mut groups, &key);
                    (if is_now { &mut t.now } else { &mut t.before }).overdue_open += n;
                }
            }
            tracing::debug!(elapsed = ?started.elapsed(), "figures: counted");
            let bounds = [end_of(now.as_of)?, end_of(before.as_of)?];
            let merged = merged_resolutions(tx, &p, &scope, &cal, end_of(now.as_of.max(before.as_of))?)?;
            for m in &merged {
                let t = entry(&mut groups, &m.key);
                if m.resolved_at < bounds[0] {
                    t.now += m.counts;
                }
                if m.resolved_at < bounds[1] {
                    t.before += m.counts;
                }
            }
            tracing::debug!(elapsed = ?started.elapsed(), "figures: counted with merged");
            // A group with nothing counted in either window (its appeals all submitted later, or moved elsewhere)
            // is no line of a ranking.
            let mut groups: Vec<Tally> =
                groups.into_values().filter(|t| t.now != Counts::default() || t.before != Counts::default()).collect();
            groups.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(groups)
        })
        .await
    }

    /// The open items past their resolve deadline at `day` (超期未办结), most overdue first, each as it stood then:
    /// the first `limit` (`overdue_counts` counts them all).
    pub async fn overdue(
        &self,
        p: &Principal,
        scope: &FigureScope,
        day: Date,
        limit: usize,
    ) -> Result<Vec<OverdueRow>> {
        let (p, scope, cal) = (p.clone(), scope.clone(), self.calendar());
        self.read(move |tx| {
            let started = std::time::Instant::now();
            let mut items = overdue_at(tx, &p, &scope, &cal, day, limit)?;
            items.truncate(limit);
            let rows = with_details(tx, items)?;
            tracing::debug!(elapsed = ?started.elapsed(), n = rows.len(), %day, "overdue");
            Ok(rows)
        })
        .await
    }

    /// How many open items were past their resolve deadline at the end of `day` (超期未办结), per group, as they
    /// stood then: for a reader whose scope is regions alone, the sums by day (`facts::outlook`) and the paused
    /// items read whole; for any other, `overdue`'s rows counted.
    pub async fn overdue_counts(
        &self,
        p: &Principal,
        scope: &FigureScope,
        day: Date,
    ) -> Result<HashMap<GroupKey, i64>> {
        let (p, scope, cal) = (p.clone(), scope.clone(), self.calendar());
        self.read(move |tx| {
            let started = std::time::Instant::now();
            let mut facts_values = Vec::new();
            let from_facts = fact_condition(&p, &scope, &mut facts_values);
            let mut out: HashMap<GroupKey, i64> = match &from_facts {
                Some(cond) => facts::sums(tx, cond, &facts_values, None, day)?
                    .into_iter()
                    .map(|(key, counts)| (key, counts.overdue))
                    .filter(|(_, n)| *n != 0)
                    .collect(),
                None => HashMap::new(),
            };
            for (key, n) in overdue_besides_sums(tx, &p, &scope, &cal, day, from_facts.is_some())? {
                *out.entry(key).or_default() += n;
            }
            tracing::debug!(elapsed = ?started.elapsed(), %day, "overdue counted");
            Ok(out)
        })
        .await
    }

    /// New appeals and resolutions within each of `periods` (consecutive, oldest first), and the cumulative counts at
    /// the end of each; `new` excludes appeals withdrawn or found invalid by `as_of`, as `new_in_period` does.
    pub async fn trend(
        &self,
        p: &Principal,
        scope: &FigureScope,
        periods: &[(Date, Date)],
        as_of: Date,
    ) -> Result<Vec<TrendCounts>> {
        let (p, scope, periods, cal) = (p.clone(), scope.clone(), periods.to_vec(), self.calendar());
        self.read(move |tx| {
            let started = std::time::Instant::now();
            let Some(&(_, last)) = periods.last() else { return Ok(Vec::new()) };
            // Bucket 0 is everything before the first period, bucket i the i-th period.
            let ends: Vec<i64> = periods.iter().map(|(_, l)| end_of(*l)).collect::<Result<_>>()?;
            let first = start_of(periods[0].0)?;
            let n = periods.len() + 1;
            let mut facts_values = Vec::new();
            let (submitted, new, mut resolved, excluded) = match fact_condition(&p, &scope, &mut facts_values) {
                Some(cond) => {
                    let (sums, voided) = facts::trend_buckets(tx, &cond, &facts_values, &periods, as_of.max(last))?;
                    let column = |j: usize| sums.iter().map(|s| s[j]).collect::<Vec<i64>>();
                    let new = sums.iter().zip(&voided).map(|(s, v)| s[0] - v).collect();
                    (column(0), new, column(2), column(1))
                }
                None => trend_from_appeals(tx, &p, &scope, &periods, as_of)?,
            };
            // Appeals merged into a common issue count as resolved when the issue is.
            for m in merged_resolutions(tx, &p, &scope, &cal, *ends.last().unwrap_or(&0))? {
                // The query keeps those resolved before the last end, so a period is always found.
                let i = if m.resolved_at < first {
                    0
                } else {
                    ends.iter().position(|e| m.resolved_at < *e).map_or(0, |i| i + 1)
                };
                resolved[i] += 1;
            }
            tracing::debug!(elapsed = ?started.elapsed(), "trend: counted");
            let mut out = Vec::with_capacity(periods.len());
            let (mut collected_total, mut resolved_total) = (submitted[0] - excluded[0], resolved[0]);
            for i in 1..n {
                collected_total += submitted[i] - excluded[i];
                resolved_total += resolved[i];
                out.push(TrendCounts { new: new[i], resolved: resolved[i], collected_total, resolved_total });
            }
            Ok(out)
        })
        .await
    }
}

/// The counts of each group in `now` and `before`, from the appeals themselves: for a reader whose scope is more
/// than regions (a unit, a cadre). Closed rows from their covering index, then open rows: the same counts, added up
/// per group.
fn tallies_from_appeals(
    tx: &mut Tx<'_>,
    p: &Principal,
    scope: &FigureScope,
    now: Window,
    before: Window,
) -> Result<HashMap<GroupKey, Tally>> {
    let mut groups: HashMap<GroupKey, Tally> = HashMap::new();
    let mut values = Vec::new();
    let cond = condition(p, scope, &mut values);
    let bounds = [end_of(now.as_of)?, start_of(now.first)?, end_of(before.as_of)?, start_of(before.first)?];
    let [d, f, d0, f0] = bounds.map(|b| bind(&mut values, b));
    let columns = format!("{}, {}", window_columns(&d, &f), window_columns(&d0, &f0));
    for part in ["a.closed_at IS NOT NULL", "a.closed_at IS NULL AND a.submitted_at IS NOT NULL"] {
        let rows = tx.query(
            &format!(
                "SELECT a.region_code, a.unit_id, a.category_code, {columns} FROM appeals a \
                 WHERE {cond} AND {part} GROUP BY a.region_code, a.unit_id, a.category_code"
            ),
            &values,
        )?;
        for row in &rows {
            let key = key_at(row, 0)?;
            let (n, b) = (counts_at(row, 3)?, counts_at(row, 3 + WINDOW_WIDTH)?);
            let t = entry(&mut groups, &key);
            t.now += n;
            t.before += b;
        }
    }
    Ok(groups)
}

/// New, resolved and voided appeals per bucket of a trend (bucket 0 before the first period), from the appeals
/// themselves: for a reader whose scope is more than regions.
#[allow(clippy::type_complexity)]
fn trend_from_appeals(
    tx: &mut Tx<'_>,
    p: &Principal,
    scope: &FigureScope,
    periods: &[(Date, Date)],
    as_of: Date,
) -> Result<(Vec<i64>, Vec<i64>, Vec<i64>, Vec<i64>)> {
    let Some(&(_, last)) = periods.last() else { return Ok(Default::default()) };
    let mut values = Vec::new();
    let cond = condition(p, scope, &mut values);
    let ends: Vec<i64> = periods.iter().map(|(_, l)| end_of(*l)).collect::<Result<_>>()?;
    let first = start_of(periods[0].0)?;
    let start = bind(&mut values, first);
    let ends_sql: Vec<String> = ends.iter().map(|e| bind(&mut values, *e)).collect();
    let bucket = |column: &str| {
        let arms: String =
            ends_sql.iter().enumerate().map(|(i, e)| format!(" WHEN {column} < {e} THEN {}", i + 1)).collect();
        format!("CASE WHEN {column} < {start} THEN 0{arms} END")
    };
    // Bound last: the resolutions' query below does not use it, and PostgreSQL wants exactly what is used.
    let d = bind(&mut values, end_of(as_of.max(last))?);
    let end = ends_sql.last().cloned().unwrap_or_default();
    let n = periods.len() + 1;
    let (mut submitted, mut new, mut resolved, mut excluded) = (vec![0; n], vec![0; n], vec![0; n], vec![0; n]);
    for part in ["a.closed_at IS NOT NULL", "a.closed_at IS NULL"] {
        let rows = tx.query(
            &format!(
                "SELECT {b}, COUNT(*), COUNT(CASE WHEN NOT (a.status IN ('withdrawn', 'invalid') \
                 AND a.closed_at < {d}) THEN 1 END) FROM appeals a \
                 WHERE {cond} AND {part} AND a.submitted_at < {end} GROUP BY {b}",
                b = bucket("a.submitted_at")
            ),
            &values,
        )?;
        for row in &rows {
            let i = bucket_index(row, n)?;
            submitted[i] += row.int(1)?;
            new[i] += row.int(2)?;
        }
    }
    let rows = tx.query(
        &format!(
            "SELECT {b}, COUNT(CASE WHEN a.resolved = 1 THEN 1 END), \
             COUNT(CASE WHEN a.status IN ('withdrawn', 'invalid') THEN 1 END) FROM appeals a \
             WHERE {cond} AND a.closed_at IS NOT NULL AND a.submitted_at IS NOT NULL AND a.closed_at < {end} \
             GROUP BY {b}",
            b = bucket("a.closed_at")
        ),
        &values[..values.len() - 1],
    )?;
    for row in &rows {
        let i = bucket_index(row, n)?;
        resolved[i] += row.int(1)?;
        excluded[i] += row.int(2)?;
    }
    Ok((submitted, new, resolved, excluded))
}

fn entry<'a>(groups: &'a mut HashMap<GroupKey, Tally>, key: &GroupKey) -> &'a mut Tally {
    groups.entry(key.clone()).or_insert_with(|| Tally {
        key: key.clone(),
        now: Counts::default(),
        before: Counts::default(),
    })
}

fn bucket_index(row: &Row, n: usize) -> Result<usize> {
    let i = row.opt_int(0)?.ok_or_else(|| corrupt("trend bucket"))?;
    usize::try_from(i).ok().filter(|i| *i < n).ok_or_else(|| corrupt("trend bucket"))
}

/// A merged appeal whose common issue was resolved: it counts as resolved from then on.
struct MergedResolution {
    key: GroupKey,
    /// When its common issue was resolved (stored micros).
    resolved_at: i64,
    counts: Counts,
}

/// Appeals merged into a common issue resolved before `end` (SPEC §6: they count as resolved). A merged appeal is on
/// time if its common issue was resolved by the appeal's own resolve deadline, or it had none (merged before
/// assignment). Merged appeals are few: they are read one by one.
fn merged_resolutions(
    tx: &mut Tx<'_>,
    p: &Principal,
    scope: &FigureScope,
    cal: &WorkingCalendar,
    end: i64,
) -> Result<Vec<MergedResolution>> {
    let mut values = Vec::new();
    let cond = condition(p, scope, &mut values);
    let d = bind(&mut values, end);
    let rows = tx.query(
        &format!(
            "SELECT a.region_code, a.unit_id, a.category_code, a.resolve_due, c.resolved_at, a.first_assigned_at \
             FROM common_issues c CROSS JOIN appeals a \
             WHERE a.common_issue_id = c.id AND c.resolved_at < {d} AND {cond} AND a.status = 'merged'"
        ),
        &values,
    )?;
    rows.iter()
        .map(|row| {
            let due =
                row.opt_text(3)?.map(|t| t.parse::<Date>().map_err(|_| corrupt("appeals.resolve_due"))).transpose()?;
            let resolved_at = row.int(4)?;
            let resolved_on = local_date(from_micros(resolved_at).ok_or_else(|| corrupt("common_issues.resolved_at"))?);
            let assigned = row.opt_int(5)?.and_then(from_micros).map(local_date);
            let days = assigned.map(|a| i64::from(cal.working_days_between(a, resolved_on)));
            let counts = Counts {
                resolved: 1,
                closed_on_time: i64::from(due.is_none_or(|due| resolved_on <= due)),
                working_days: days.unwrap_or(0),
                timed: i64::from(days.is_some()),
                ..Counts::default()
            };
            Ok(MergedResolution { key: key_at(row, 0)?, resolved_at, counts })
        })
        .collect()
}

/// The items past their resolve deadline at the end of `day` that the sums by day do not count, per group: with
/// `from_facts` (a reader whose scope is regions alone) the items paused for longer than the sums count ahead
/// (`facts::paused_overdue`), otherwise every one (`overdue_at`).
fn overdue_besides_sums(
    tx: &mut Tx<'_>,
    p: &Principal,
    scope: &FigureScope,
    cal: &WorkingCalendar,
    day: Date,
    from_facts: bool,
) -> Result<HashMap<GroupKey, i64>> {
    if from_facts {
        let mut values = Vec::new();
        let cond = condition(p, scope, &mut values);
        return facts::paused_overdue(tx, &cond, &values, day, cal);
    }
    let mut out: HashMap<GroupKey, i64> = HashMap::new();
    for item in overdue_at(tx, p, scope, cal, day, usize::MAX)? {
        *out.entry(item.key).or_default() += 1;
    }
    Ok(out)
}

/// An item overdue at a day, as it stood then, before its number, title and enterprise are read.
struct OverdueItem {
    id: i64,
    key: GroupKey,
    status: Status,
    resolve_due: Date,
    overdue_days: u32,
}

/// The items whose resolve deadline had passed at the end of `day` while their unit owed the answer, most overdue
/// first (all of them, or at least the first `limit`): the spans of days overdue that cover `day` (`facts::spans`),
/// each read as it stood then. A paused item's deadline of that day is its state's as it stood then (`state_at`).
fn overdue_at(
    tx: &mut Tx<'_>,
    p: &Principal,
    scope: &FigureScope,
    cal: &WorkingCalendar,
    day: Date,
    limit: usize,
) -> Result<Vec<OverdueItem>> {
    let mut values = Vec::new();
    let cond = condition(p, scope, &mut values);
    let d = bind(&mut values, day.to_string());
    // Over regions, each read walks the spans' own index (SQLite is told which: it would rather walk the appeals of
    // the scope); over one unit, the unit's appeals are the smaller read.
    let regions_only = scope.unit_id.is_none() && appeal_region_scope(p, "a.region_code", &mut Vec::new()).is_some();
    let index = |name: &str| if regions_only { tx.indexed_by(name) } else { String::new() };
    let (open_index, ended_index) = (index("appeal_overdue_spans_open"), index("appeal_overdue_spans_ended"));
    let read = |index: String, covering: &str| {
        format!(
            "SELECT s.appeal_id, {}, a.region_code FROM appeal_overdue_spans s{index} JOIN appeals a ON a.id = s.appeal_id \
             WHERE {cond} AND s.from_day <= {d} AND {covering}",
            facts::spans::SPAN_COLUMNS
        )
    };
    // Spans still open, by deadline: an earlier deadline is more working days past it, so the first `limit` with a
    // deadline are the most overdue of them; the paused ones (no deadline of their own) all. Then the spans ended
    // since `day` that began by then.
    let first = {
        let mut values = values.clone();
        let limit = bind(&mut values, i64::try_from(limit).unwrap_or(i64::MAX));
        let sql = read(
            open_index.clone(),
            &format!(
                "s.until_day IS NULL AND s.resolve_due IS NOT NULL ORDER BY s.resolve_due, s.appeal_id LIMIT {limit}"
            ),
        );
        tx.query(&sql, &values)?
    };
    let paused = read(open_index, "s.until_day IS NULL AND s.resolve_due IS NULL");
    let ended = read(ended_index, &format!("s.until_day > {d}"));
    let mut rows = first;
    rows.extend(tx.query(&paused, &values)?);
    rows.extend(tx.query(&ended, &values)?);
    let mut out = Vec::with_capacity(rows.len());
    let mut paused = Vec::new();
    for row in &rows {
        let (id, span) = (row.int(0)?, facts::spans::span_of_row(row, 1)?);
        match span.resolve_due {
            Some(due) => out.push(OverdueItem {
                id,
                key: GroupKey { region_code: row.text(7)?, unit_id: span.unit_id, category_code: span.category_code },
                status: span.status,
                resolve_due: due,
                overdue_days: cal.working_days_between(due, day),
            }),
            None => paused.push(id),
        }
    }
    let end = end_of(day)?;
    for chunk in paused.chunks(IDS_PER_READ) {
        for row in &tx.query(
            &format!(
                "SELECT id, state, updated_at, region_code FROM appeals WHERE id IN ({})",
                placeholders(1, chunk.len())
            ),
            &chunk.iter().map(|id| Value::from(*id)).collect::<Vec<_>>(),
        )? {
            let id = row.int(0)?;
            let state = state_at(tx, id, parse_state(&row.text(1)?)?, row.int(2)?, end)?;
            // A pause begun with the answer due on its last working day is overdue on days off only.
            let Some((due, days)) = state.resolve_overdue(cal, day) else { continue };
            out.push(OverdueItem {
                id,
                key: GroupKey { region_code: row.text(3)?, unit_id: state.unit_id, category_code: state.category },
                status: state.status,
                resolve_due: due,
                overdue_days: days,
            });
        }
    }
    out.sort_by(|a, b| {
        b.overdue_days.cmp(&a.overdue_days).then(a.resolve_due.cmp(&b.resolve_due)).then(a.id.cmp(&b.id))
    });
    Ok(out)
}

/// Ids per `IN (…)` list.
const IDS_PER_READ: usize = 500;

/// The listed `items` with their numbers, titles and enterprises.
fn with_details(tx: &mut Tx<'_>, items: Vec<OverdueItem>) -> Result<Vec<OverdueRow>> {
    let mut details: HashMap<i64, (String, String, String)> = HashMap::with_capacity(items.len());
    for chunk in items.chunks(IDS_PER_READ) {
        for row in &tx.query(
            &format!(
                "SELECT a.id, a.number, a.title, e.name FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id \
                 WHERE a.id IN ({})",
                placeholders(1, chunk.len())
            ),
            &chunk.iter().map(|item| Value::from(item.id)).collect::<Vec<_>>(),
        )? {
            details.insert(row.int(0)?, (row.text(1)?, row.text(2)?, row.text(3)?));
        }
    }
    items
        .into_iter()
        .map(|item| {
            let (number, title, enterprise) =
                details.remove(&item.id).ok_or_else(|| corrupt("appeal_overdue_spans"))?;
            Ok(OverdueRow {
                id: item.id,
                number,
                title,
                enterprise,
                key: item.key,
                status: item.status,
                resolve_due: item.resolve_due,
                overdue_days: item.overdue_days,
            })
        })
        .collect()
}

/// The appeal `now` (last changed at `updated`, micros) as it stood just before `end`, as far as its deadline goes. If
/// nothing happened since, it is `now`. If its current cycle had begun by then without an extension, the cycle as it
/// stood then is cut from the state (later steps and pauses dropped): the unit, category and deadline were the same.
/// Otherwise (a new cycle, a return, an extension since) the history before `end` is replayed.
fn state_at(tx: &mut Tx<'_>, id: i64, now: Appeal, updated: i64, end: i64) -> Result<Appeal> {
    if updated < end {
        return Ok(now);
    }
    let end_at = from_micros(end).ok_or_else(|| corrupt("as-of date"))?;
    let Some(clock) = now.clock.as_ref().and_then(|c| c.as_of(end_at)) else { return state_before(tx, id, end) };
    let status = if clock.is_paused() {
        Status::Waiting
    } else if clock.answered_at.is_some() {
        Status::Answered
    } else if clock.acknowledged_at.is_some() {
        Status::InProgress
    } else if now.first_reopened_at.is_some_and(|r| r <= clock.started_at) {
        Status::Reopened
    } else {
        Status::Assigned
    };
    Ok(Appeal { status, clock: Some(clock), ..now })
}

/// The appeal as it stood just before `end` (micros), replayed from its events.
fn state_before(tx: &mut Tx<'_>, id: i64, end: i64) -> Result<Appeal> {
    let events = tx
        .query(
            "SELECT seq, at, actor_user_id, actor_role, payload FROM appeal_events \
             WHERE appeal_id = $1 AND at < $2 ORDER BY seq",
            &[id.into(), end.into()],
        )?
        .iter()
        .map(event_from_row)
        .collect::<Result<Vec<_>>>()?;
    Appeal::replay(&events)?.ok_or_else(|| corrupt("appeal_events"))
}
