//! Figures from facts by day (SPEC §6, issue 17): what each appeal did on which day, summed per (period, region,
//! unit, category, level) in `appeal_facts` (migration 0027), so that a figure as of any day reads a few thousand sums
//! instead of every appeal.
//!
//! An appeal's facts are a function of its stored row (`FactRow`): submitted on a day, first reopened on a day, and
//! on the day it closed voided, resolved (on time, in so many working days) and rated. Every write that changes an
//! appeal's row takes its old facts away and adds its new ones (`Deltas`), in the same transaction; a re-assignment
//! or a category change thus moves the appeal's whole history to its new unit or category, exactly as the figures
//! counted from the appeal rows did before. The deltas of a transaction are written once, just before it commits, in
//! key order (two transactions never wait on each other's rows in opposite orders).
//!
//! Each fact is counted three times: in its day's row, its month's and its year's (`period` 20261104, 202611, 2026).
//! `periods` cuts any span of days into whole years, whole months and days, so a sum "up to D" reads the rows of past
//! years, of this year's past months and of this month's days.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use zhuqi_domain::time::{from_micros, local_date};
use zhuqi_domain::{Appeal, Status, WorkingCalendar};

use crate::db::{Row, Tx, Value};
use crate::figures::GroupKey;
use crate::{Result, StoreError};

/// The columns of `appeals` an appeal's facts are read from, in the order `FactRow::read` takes them.
pub(crate) const FACT_COLUMNS: &str = "region_code, unit_id, category_code, level, status, submitted_at, closed_at, \
                                       resolved, on_time, rating, work_days, first_reopened_at";

/// Where an appeal's facts are counted. `unit_id` 0 and `level` "" stand for "not yet assigned".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FactKey {
    pub region_code: String,
    pub unit_id: i64,
    pub category_code: String,
    pub level: String,
}

/// What the facts of one appeal are computed from: its stored row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FactRow {
    pub key: FactKey,
    /// Withdrawn or found invalid.
    pub void: bool,
    pub submitted_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub reopened_on: Option<Date>,
    pub resolved: bool,
    pub on_time: bool,
    pub rating: Option<i64>,
    pub work_days: Option<i64>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("bad value in appeals.{what}"))
}

fn day_of(micros: Option<i64>, what: &str) -> Result<Option<Date>> {
    micros.map(|m| from_micros(m).map(local_date).ok_or_else(|| corrupt(what))).transpose()
}

impl FactRow {
    /// From the columns `FACT_COLUMNS` of `row`, starting at column `at`.
    pub fn read(row: &Row, at: usize) -> Result<FactRow> {
        let status = row.text(at + 4)?;
        Ok(FactRow {
            key: FactKey {
                region_code: row.text(at)?,
                unit_id: row.opt_int(at + 1)?.unwrap_or(0),
                category_code: row.text(at + 2)?,
                level: row.opt_text(at + 3)?.unwrap_or_default(),
            },
            void: status == Status::Withdrawn.as_str() || status == Status::Invalid.as_str(),
            submitted_on: day_of(row.opt_int(at + 5)?, "submitted_at")?,
            closed_on: day_of(row.opt_int(at + 6)?, "closed_at")?,
            resolved: row.int(at + 7)? == 1,
            on_time: row.opt_int(at + 8)? == Some(1),
            rating: row.opt_int(at + 9)?,
            work_days: row.opt_int(at + 10)?,
            reopened_on: day_of(row.opt_int(at + 11)?, "first_reopened_at")?,
        })
    }

    /// What the row of an appeal of `region_code` in `state` holds (as `engine::engine_values` writes it).
    pub fn of_state(region_code: &str, state: &Appeal, cal: &WorkingCalendar) -> FactRow {
        let day = |t: Option<jiff::Timestamp>| t.map(local_date);
        FactRow {
            key: FactKey {
                region_code: region_code.to_owned(),
                unit_id: state.unit_id.unwrap_or(0),
                category_code: state.category.clone(),
                level: state.level.map(|l| l.as_str().to_owned()).unwrap_or_default(),
            },
            void: matches!(state.status, Status::Withdrawn | Status::Invalid),
            submitted_on: day(state.submitted_at),
            closed_on: day(state.closed_at),
            reopened_on: day(state.first_reopened_at),
            resolved: state.resolved,
            on_time: state.resolved_on_time(cal) == Some(true),
            rating: state.rating.map(|s| i64::from(s.get())),
            work_days: state.resolution_working_days(cal).map(i64::from),
        }
    }

    /// The counts this appeal adds, by day.
    fn facts(&self) -> Vec<(Date, Counts)> {
        let mut out = Vec::with_capacity(3);
        if let Some(day) = self.submitted_on {
            out.push((day, Counts { submitted: 1, ..Counts::default() }));
        }
        if let Some(day) = self.reopened_on {
            out.push((day, Counts { reopened: 1, ..Counts::default() }));
        }
        if let Some(day) = self.closed_on {
            let voided = self.void && self.submitted_on.is_some();
            let rated = self.rating.is_some();
            out.push((
                day,
                Counts {
                    voided: i64::from(voided),
                    voided_reopened: i64::from(voided && self.reopened_on.is_some()),
                    resolved: i64::from(self.resolved),
                    on_time: i64::from(self.resolved && self.on_time),
                    work_days: if self.resolved { self.work_days.unwrap_or(0) } else { 0 },
                    timed: i64::from(self.resolved && self.work_days.is_some()),
                    rated: i64::from(rated),
                    five_star: i64::from(self.rating == Some(5)),
                    satisfied: i64::from(self.rating.is_some_and(|r| r >= 4)),
                    ..Counts::default()
                },
            ));
        }
        out
    }

    /// The (submitted, closed) days of a voided appeal.
    fn voided_days(&self) -> Option<(Date, Date)> {
        match (self.void, self.submitted_on, self.closed_on) {
            (true, Some(s), Some(c)) => Some((s, c)),
            _ => None,
        }
    }
}

/// The sums of one row of `appeal_facts`, named as its columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub submitted: i64,
    pub reopened: i64,
    pub voided: i64,
    pub voided_reopened: i64,
    pub resolved: i64,
    pub on_time: i64,
    pub work_days: i64,
    pub timed: i64,
    pub rated: i64,
    pub five_star: i64,
    pub satisfied: i64,
}

impl std::iter::Sum for Counts {
    fn sum<I: Iterator<Item = Counts>>(iter: I) -> Counts {
        iter.fold(Counts::default(), |mut total, c| {
            total.add(&c, 1);
            total
        })
    }
}

/// The counters' columns, in the order of `Counts::values`.
const COUNTERS: [&str; 11] = [
    "submitted",
    "reopened",
    "voided",
    "voided_reopened",
    "resolved",
    "on_time",
    "work_days",
    "timed",
    "rated",
    "five_star",
    "satisfied",
];

impl Counts {
    fn values(&self) -> [i64; 11] {
        [
            self.submitted,
            self.reopened,
            self.voided,
            self.voided_reopened,
            self.resolved,
            self.on_time,
            self.work_days,
            self.timed,
            self.rated,
            self.five_star,
            self.satisfied,
        ]
    }

    fn from_values(v: [i64; 11]) -> Counts {
        let [
            submitted,
            reopened,
            voided,
            voided_reopened,
            resolved,
            on_time,
            work_days,
            timed,
            rated,
            five_star,
            satisfied,
        ] = v;
        Counts {
            submitted,
            reopened,
            voided,
            voided_reopened,
            resolved,
            on_time,
            work_days,
            timed,
            rated,
            five_star,
            satisfied,
        }
    }

    fn add(&mut self, other: &Counts, sign: i64) {
        let (mut a, b) = (self.values(), other.values());
        for (x, y) in a.iter_mut().zip(b) {
            *x += sign * y;
        }
        *self = Counts::from_values(a);
    }

    fn is_zero(&self) -> bool {
        self.values().iter().all(|v| *v == 0)
    }

    /// The figures of SPEC §6 these sums make, as of the last day they cover.
    pub fn figures(&self) -> zhuqi_domain::stats::Counts {
        zhuqi_domain::stats::Counts {
            collected: self.submitted - self.voided,
            resolved: self.resolved,
            closed_on_time: self.on_time,
            rated: self.rated,
            five_star: self.five_star,
            satisfied: self.satisfied,
            reopened: self.reopened - self.voided_reopened,
            working_days: self.work_days,
            timed: self.timed,
            ..zhuqi_domain::stats::Counts::default()
        }
    }
}

/// A day as `period` numbers: its day, month and year.
fn day_number(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}
fn month_number(d: Date) -> i64 {
    i64::from(d.year()) * 100 + i64::from(d.month())
}
fn year_number(d: Date) -> i64 {
    i64::from(d.year())
}

/// Changes to `appeal_facts` and `appeal_voided`, gathered over a transaction.
#[derive(Debug, Default)]
pub(crate) struct Deltas {
    facts: BTreeMap<(i64, FactKey), Counts>,
    voided: BTreeMap<(i64, i64, FactKey), i64>,
}

impl Deltas {
    /// Counts `row`'s facts once more (`sign` 1) or once less (−1).
    pub fn add(&mut self, row: &FactRow, sign: i64) {
        for (day, counts) in row.facts() {
            for period in [day_number(day), month_number(day), year_number(day)] {
                self.facts.entry((period, row.key.clone())).or_default().add(&counts, sign);
            }
        }
        if let Some((s, c)) = row.voided_days() {
            *self.voided.entry((day_number(s), day_number(c), row.key.clone())).or_default() += sign;
        }
    }

    /// An appeal's row changed from `old` to `new` (`None`: no row).
    pub fn moved(&mut self, old: Option<&FactRow>, new: Option<&FactRow>) {
        if old == new {
            return;
        }
        if let Some(old) = old {
            self.add(old, -1);
        }
        if let Some(new) = new {
            self.add(new, 1);
        }
    }

    /// Adds the changes to the tables, in key order, and forgets them: a few rows per statement (a transition
    /// changes three to twelve; a bulk load thousands), each row's sums added to what the table holds.
    pub fn write(&mut self, tx: &mut Tx<'_>) -> Result<()> {
        let facts: Vec<Vec<Value>> = std::mem::take(&mut self.facts)
            .into_iter()
            .filter(|(_, counts)| !counts.is_zero())
            .map(|((period, key), counts)| {
                let mut row = vec![period.into()];
                row.extend(key.values());
                row.extend(counts.values().map(Value::from));
                row
            })
            .collect();
        let sums: Vec<String> = COUNTERS.iter().map(|c| format!("{c} = appeal_facts.{c} + excluded.{c}")).collect();
        upsert(
            tx,
            &format!("appeal_facts (period, {KEY_COLUMNS}, {})", COUNTERS.join(", ")),
            &format!("(period, {KEY_COLUMNS}) DO UPDATE SET {}", sums.join(", ")),
            &facts,
        )?;
        let voided: Vec<Vec<Value>> = std::mem::take(&mut self.voided)
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((submitted, closed, key), n)| {
                let mut row = vec![submitted.into(), closed.into()];
                row.extend(key.values());
                row.push(n.into());
                row
            })
            .collect();
        upsert(
            tx,
            &format!("appeal_voided (submitted_on, closed_on, {KEY_COLUMNS}, appeals)"),
            &format!(
                "(submitted_on, closed_on, {KEY_COLUMNS}) DO UPDATE SET appeals = appeal_voided.appeals + excluded.appeals"
            ),
            &voided,
        )
    }
}

const KEY_COLUMNS: &str = "region_code, unit_id, category_code, level";

impl FactKey {
    fn values(self) -> [Value; 4] {
        [self.region_code.into(), self.unit_id.into(), self.category_code.into(), self.level.into()]
    }
}

/// Rows per upsert statement: each count of rows is its own statement text, prepared once.
const ROWS_PER_UPSERT: usize = 64;

/// `INSERT INTO {into} VALUES … ON CONFLICT {on_conflict}` for `rows` (no two with the same key), in slices.
fn upsert(tx: &mut Tx<'_>, into: &str, on_conflict: &str, rows: &[Vec<Value>]) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_UPSERT) {
        let mut values = Vec::with_capacity(chunk.len() * chunk[0].len());
        let mut tuples = Vec::with_capacity(chunk.len());
        for row in chunk {
            let n = values.len();
            let params: Vec<String> = (1..=row.len()).map(|i| format!("${}", n + i)).collect();
            tuples.push(format!("({})", params.join(", ")));
            values.extend(row.iter().cloned());
        }
        tx.execute(&format!("INSERT INTO {into} VALUES {} ON CONFLICT {on_conflict}", tuples.join(", ")), &values)?;
    }
    Ok(())
}

/// The stored facts row of appeal `id`.
pub(crate) fn stored(tx: &mut Tx<'_>, id: i64) -> Result<Option<FactRow>> {
    tx.query_opt(&format!("SELECT {FACT_COLUMNS} FROM appeals WHERE id = $1"), &[id.into()])?
        .map(|row| FactRow::read(&row, 0))
        .transpose()
}

/// The first day any fact can be dated: "up to D" is "from this day to D".
fn beginning() -> Date {
    Date::constant(1900, 1, 1)
}

/// Inclusive ranges of `period` whose rows hold, together and once, the facts dated `first..=last`: whole years,
/// whole months, then days. Consecutive pieces of the same kind are one range (the numbers between two consecutive
/// months or days, like 202613 or 20261132, are no period at all).
pub(crate) fn periods(first: Date, last: Date) -> Vec<(i64, i64)> {
    let mut out: Vec<(u8, i64, i64)> = Vec::new();
    let mut d = first;
    while d <= last {
        let (kind, number, end) = if d.day_of_year() == 1 && d.last_of_year() <= last {
            (0, year_number(d), d.last_of_year())
        } else if d.day() == 1 && d.last_of_month() <= last {
            (1, month_number(d), d.last_of_month())
        } else {
            (2, day_number(d), d)
        };
        match out.last_mut() {
            Some((k, _, hi)) if *k == kind => *hi = number,
            _ => out.push((kind, number, number)),
        }
        let Ok(next) = end.tomorrow() else { break };
        d = next;
    }
    out.into_iter().map(|(_, lo, hi)| (lo, hi)).collect()
}

/// `(f.period BETWEEN … OR …)` for `ranges`, bound into `values`.
fn in_periods(ranges: &[(i64, i64)], values: &mut Vec<Value>) -> String {
    if ranges.is_empty() {
        return "1 = 0".to_owned();
    }
    let parts: Vec<String> = ranges
        .iter()
        .map(|(lo, hi)| {
            let lo = crate::scope::bind(values, *lo);
            let hi = crate::scope::bind(values, *hi);
            format!("f.period BETWEEN {lo} AND {hi}")
        })
        .collect();
    format!("({})", parts.join(" OR "))
}

fn group_key(row: &Row) -> Result<GroupKey> {
    let unit = row.int(1)?;
    Ok(GroupKey { region_code: row.text(0)?, unit_id: (unit != 0).then_some(unit), category_code: row.text(2)? })
}

fn sum_columns() -> String {
    COUNTERS.iter().map(|c| format!("CAST(SUM(f.{c}) AS BIGINT)")).collect::<Vec<_>>().join(", ")
}

/// The sums of the facts dated `first..=last` where `cond` holds (on `appeal_facts f`), per group.
pub(crate) fn sums(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    first: Option<Date>,
    last: Date,
) -> Result<HashMap<GroupKey, Counts>> {
    let mut values = values.to_vec();
    let ranges = in_periods(&periods(first.unwrap_or_else(beginning), last), &mut values);
    let rows = tx.query(
        &format!(
            "SELECT f.region_code, f.unit_id, f.category_code, {} FROM appeal_facts f WHERE {cond} AND {ranges} \
             GROUP BY f.region_code, f.unit_id, f.category_code",
            sum_columns()
        ),
        &values,
    )?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in &rows {
        let mut v = [0; 11];
        for (i, x) in v.iter_mut().enumerate() {
            *x = row.opt_int(3 + i)?.unwrap_or(0);
        }
        out.insert(group_key(row)?, Counts::from_values(v));
    }
    Ok(out)
}

/// Appeals submitted in `first..=last` and voided by `last`, per group (where `cond` holds on `appeal_voided f`).
pub(crate) fn voided_within(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    first: Date,
    last: Date,
) -> Result<HashMap<GroupKey, i64>> {
    let mut values = values.to_vec();
    let (lo, hi) =
        (crate::scope::bind(&mut values, day_number(first)), crate::scope::bind(&mut values, day_number(last)));
    let rows = tx.query(
        &format!(
            "SELECT f.region_code, f.unit_id, f.category_code, CAST(SUM(f.appeals) AS BIGINT) FROM appeal_voided f \
             WHERE {cond} AND f.submitted_on >= {lo} AND f.submitted_on <= {hi} AND f.closed_on <= {hi} \
             GROUP BY f.region_code, f.unit_id, f.category_code"
        ),
        &values,
    )?;
    rows.iter().map(|row| Ok((group_key(row)?, row.opt_int(3)?.unwrap_or(0)))).collect()
}

/// For a trend: the facts of each of `spans` (bucket i+1; bucket 0 is everything before the first), summed over the
/// scope: (submitted, voided, resolved) per bucket, and the appeals submitted in each bucket and voided by `as_of`.
pub(crate) fn trend_buckets(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    spans: &[(Date, Date)],
    as_of: Date,
) -> Result<(Vec<[i64; 3]>, Vec<i64>)> {
    let n = spans.len() + 1;
    let mut facts = vec![[0; 3]; n];
    let mut voided = vec![0; n];
    let Some(&(first, _)) = spans.first() else { return Ok((facts, voided)) };
    let mut buckets = Vec::with_capacity(n);
    if let Ok(before) = first.yesterday() {
        buckets.push((beginning(), before));
    }
    buckets.extend_from_slice(spans);
    let offset = n - buckets.len();
    // CASE over the bucket's ranges: each fact row lies in the ranges of one bucket at most.
    let mut vals = values.to_vec();
    let mut arms = String::new();
    let mut all = Vec::new();
    for (i, (f, l)) in buckets.iter().enumerate() {
        let ranges = periods(*f, *l);
        all.extend_from_slice(&ranges);
        arms.push_str(&format!(" WHEN {} THEN {}", in_periods(&ranges, &mut vals), i + offset));
    }
    let within = in_periods(&all, &mut vals);
    let rows = tx.query(
        &format!(
            "SELECT CASE{arms} END, CAST(SUM(f.submitted) AS BIGINT), CAST(SUM(f.voided) AS BIGINT), \
             CAST(SUM(f.resolved) AS BIGINT) FROM appeal_facts f WHERE {cond} AND {within} GROUP BY 1"
        ),
        &vals,
    )?;
    for row in &rows {
        let i = bucket(row, n)?;
        for (j, x) in facts[i].iter_mut().enumerate() {
            *x += row.opt_int(1 + j)?.unwrap_or(0);
        }
    }
    let mut vals = values.to_vec();
    let mut arms = String::new();
    for (i, (f, l)) in buckets.iter().enumerate() {
        let (f, l) = (crate::scope::bind(&mut vals, day_number(*f)), crate::scope::bind(&mut vals, day_number(*l)));
        arms.push_str(&format!(" WHEN f.submitted_on BETWEEN {f} AND {l} THEN {}", i + offset));
    }
    let until = crate::scope::bind(&mut vals, day_number(as_of));
    let rows = tx.query(
        &format!(
            "SELECT CASE{arms} END, CAST(SUM(f.appeals) AS BIGINT) FROM appeal_voided f \
             WHERE {cond} AND f.closed_on <= {until} GROUP BY 1"
        ),
        &vals,
    )?;
    for row in &rows {
        if row.opt_int(0)?.is_some() {
            voided[bucket(row, n)?] += row.opt_int(1)?.unwrap_or(0);
        }
    }
    Ok((facts, voided))
}

fn bucket(row: &Row, n: usize) -> Result<usize> {
    let i = row.opt_int(0)?.ok_or_else(|| corrupt("trend bucket"))?;
    usize::try_from(i).ok().filter(|i| *i < n).ok_or_else(|| corrupt("trend bucket"))
}

/// Counts every appeal again from its stored row: `appeal_facts` and `appeal_voided` emptied and written anew. Used
/// once when the tables are new (migration 0027) and after anything that rewrote the rows' facts in bulk.
pub(crate) fn rebuild(tx: &mut Tx<'_>) -> Result<u64> {
    tx.execute("DELETE FROM appeal_facts", &[])?;
    tx.execute("DELETE FROM appeal_voided", &[])?;
    let mut deltas = Deltas::default();
    let mut counted = 0;
    let mut after = 0;
    loop {
        // In slices by id: a province's appeals are never all in memory at once.
        let rows = tx.query(
            &format!("SELECT id, {FACT_COLUMNS} FROM appeals WHERE id > $1 ORDER BY id LIMIT 20000"),
            &[after.into()],
        )?;
        let Some(last) = rows.last() else { break };
        after = last.int(0)?;
        for row in &rows {
            deltas.add(&FactRow::read(row, 1)?, 1);
        }
        counted += rows.len() as u64;
    }
    deltas.write(tx)?;
    tx.execute("DELETE FROM zhuqi_meta WHERE key = 'rebuild_appeal_facts'", &[])?;
    Ok(counted)
}

/// What `zhuqi figures verify` found: the sums against the appeals' rows, and the rows against their histories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FiguresCheck {
    pub appeals: u64,
    /// Rows of sums read (`appeal_facts` and `appeal_voided`).
    pub sums: u64,
    /// Sums that are not what the appeals' rows add up to: how many, and the first few described.
    pub wrong_sums: u64,
    pub wrong_sum_examples: Vec<String>,
    /// Appeals whose row says other than their history replayed: how many, and the first few numbers.
    pub unlike_history: u64,
    pub unlike_history_examples: Vec<String>,
    /// Appeals that differ from their history only in 按期/工作日数, as the calendar loaded now counts them (a
    /// holiday schedule changed after they closed): not an error.
    pub recounted_by_calendar: u64,
}

impl FiguresCheck {
    pub fn is_sound(&self) -> bool {
        self.wrong_sums == 0 && self.unlike_history == 0
    }
}

const EXAMPLES: usize = 20;

/// Checks, in one snapshot, every appeal's row against its history and the sums against the rows.
pub(crate) fn check(tx: &mut Tx<'_>, cal: &WorkingCalendar, progress: &dyn Fn(u64, u64)) -> Result<FiguresCheck> {
    let total = u64::try_from(tx.query_one("SELECT COUNT(*) FROM appeals", &[])?.int(0)?).unwrap_or(0);
    let mut out = FiguresCheck::default();
    let mut expected = Deltas::default();
    let mut after = 0;
    loop {
        let rows = tx.query(
            &format!("SELECT id, number, {FACT_COLUMNS} FROM appeals WHERE id > $1 ORDER BY id LIMIT 5000"),
            &[after.into()],
        )?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else { break };
        let (first, last) = (first.int(0)?, last.int(0)?);
        let events = tx.query(
            "SELECT seq, at, actor_user_id, actor_role, payload, appeal_id FROM appeal_events \
             WHERE appeal_id >= $1 AND appeal_id <= $2 ORDER BY appeal_id, seq",
            &[first.into(), last.into()],
        )?;
        let mut histories: HashMap<i64, Vec<zhuqi_domain::Event>> = HashMap::new();
        for e in &events {
            histories.entry(e.int(5)?).or_default().push(crate::engine::event_from_row(e)?);
        }
        for row in &rows {
            let stored = FactRow::read(row, 2)?;
            expected.add(&stored, 1);
            let history = histories.remove(&row.int(0)?).unwrap_or_default();
            let replayed = Appeal::replay(&history).ok().flatten();
            let told = replayed.map(|state| FactRow::of_state(&stored.key.region_code, &state, cal));
            match told {
                Some(told) if told == stored => {}
                Some(told)
                    if FactRow { on_time: stored.on_time, work_days: stored.work_days, ..told.clone() } == stored =>
                {
                    out.recounted_by_calendar += 1;
                }
                _ => {
                    out.unlike_history += 1;
                    if out.unlike_history_examples.len() < EXAMPLES {
                        out.unlike_history_examples.push(row.text(1)?);
                    }
                }
            }
        }
        after = last;
        out.appeals += rows.len() as u64;
        progress(out.appeals, total);
    }
    // The sums held against the sums the rows make.
    let mut held: BTreeMap<(i64, FactKey), Counts> = BTreeMap::new();
    let columns = COUNTERS.join(", ");
    for row in &tx.query(
        &format!("SELECT period, region_code, unit_id, category_code, level, {columns} FROM appeal_facts"),
        &[],
    )? {
        let mut v = [0; 11];
        for (i, x) in v.iter_mut().enumerate() {
            *x = row.int(5 + i)?;
        }
        held.insert((row.int(0)?, key_of(row, 1)?), Counts::from_values(v));
    }
    out.sums = held.len() as u64;
    let made: BTreeMap<_, _> = expected.facts.into_iter().filter(|(_, c)| !c.is_zero()).collect();
    let held: BTreeMap<_, _> = held.into_iter().filter(|(_, c)| !c.is_zero()).collect();
    for key in made.keys().chain(held.keys().filter(|k| !made.contains_key(*k))) {
        let (want, have) = (made.get(key).copied().unwrap_or_default(), held.get(key).copied().unwrap_or_default());
        if want != have {
            out.wrong_sums += 1;
            if out.wrong_sum_examples.len() < EXAMPLES {
                out.wrong_sum_examples.push(format!("{} {:?}: {have:?}, should be {want:?}", key.0, key.1));
            }
        }
    }
    let mut held: BTreeMap<(i64, i64, FactKey), i64> = BTreeMap::new();
    for row in &tx.query(
        "SELECT submitted_on, closed_on, region_code, unit_id, category_code, level, appeals FROM appeal_voided",
        &[],
    )? {
        held.insert((row.int(0)?, row.int(1)?, key_of(row, 2)?), row.int(6)?);
    }
    out.sums += held.len() as u64;
    let made: BTreeMap<_, _> = expected.voided.into_iter().filter(|(_, n)| *n != 0).collect();
    let held: BTreeMap<_, _> = held.into_iter().filter(|(_, n)| *n != 0).collect();
    for key in made.keys().chain(held.keys().filter(|k| !made.contains_key(*k))) {
        let (want, have) = (made.get(key).copied().unwrap_or(0), held.get(key).copied().unwrap_or(0));
        if want != have {
            out.wrong_sums += 1;
            if out.wrong_sum_examples.len() < EXAMPLES {
                out.wrong_sum_examples
                    .push(format!("作废 {} → {} {:?}: {have}, should be {want}", key.0, key.1, key.2));
            }
        }
    }
    Ok(out)
}

fn key_of(row: &Row, at: usize) -> Result<FactKey> {
    Ok(FactKey {
        region_code: row.text(at)?,
        unit_id: row.int(at + 1)?,
        category_code: row.text(at + 2)?,
        level: row.text(at + 3)?,
    })
}

impl crate::Store {
    /// Checks the figures' sums against the appeals, and each appeal against its history (`check`), in one
    /// snapshot; `progress` hears (appeals checked, appeals).
    pub async fn verify_figures(&self, progress: impl Fn(u64, u64) + Send + 'static) -> Result<FiguresCheck> {
        let cal = self.calendar();
        self.read(move |tx| check(tx, &cal, &progress)).await
    }

    /// Counts every appeal's facts again (`rebuild`), in one transaction; returns how many appeals were counted.
    pub async fn rebuild_figures(&self, origin: crate::Origin) -> Result<u64> {
        self.transaction(origin, |w| {
            let counted = rebuild(&mut w.tx)?;
            w.audit("figures.rebuild", "appeal_facts".to_owned(), None, Some(format!("{counted} appeals")));
            Ok(counted)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    #[test]
    fn a_span_is_cut_into_years_months_and_days() {
        assert_eq!(periods(d(2026, 1, 1), d(2026, 12, 31)), vec![(2026, 2026)]);
        assert_eq!(periods(beginning(), d(2026, 12, 4)), vec![(1900, 2025), (202601, 202611), (20261201, 20261204)]);
        assert_eq!(
            periods(d(2026, 11, 29), d(2027, 2, 2)),
            vec![(20261129, 20261130), (202612, 202701), (20270201, 20270202)]
        );
        assert_eq!(periods(d(2026, 3, 5), d(2026, 3, 5)), vec![(20260305, 20260305)]);
        assert!(periods(d(2026, 3, 6), d(2026, 3, 5)).is_empty());
        // Every day of a span is in exactly one piece, whatever the span.
        let mut first = d(2023, 12, 20);
        for _ in 0..40 {
            let last = first.checked_add(jiff::Span::new().days(400)).expect("date");
            let pieces = periods(first, last);
            let mut day = first.checked_sub(jiff::Span::new().days(40)).expect("date");
            while day <= last.checked_add(jiff::Span::new().days(40)).expect("date") {
                let inside = [day_number(day), month_number(day), year_number(day)]
                    .iter()
                    .filter(|p| pieces.iter().any(|(lo, hi)| lo <= *p && *p <= hi))
                    .count();
                assert_eq!(inside, usize::from(first <= day && day <= last), "{day} in {pieces:?}");
                day = day.tomorrow().expect("date");
            }
            first = first.checked_add(jiff::Span::new().days(17)).expect("date");
        }
    }
}
