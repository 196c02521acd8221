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
//!
//! Open appeals are submitted less closed; yellow and red lights and answers overdue are facts dated ahead from each
//! appeal's state and taken back by its next change (`outlook`): their sums up to a day are that day's counts.

mod check;
mod outlook;
mod read;
mod shards;
pub(crate) mod spans;

use std::collections::BTreeMap;

use jiff::civil::Date;
use zhuqi_domain::time::{from_micros, local_date};
use zhuqi_domain::{Appeal, Status, WorkingCalendar};

pub use check::FiguresCheck;
pub(crate) use check::rebuild;
pub(crate) use outlook::paused_overdue;
pub(crate) use read::{sums, sums_of_spans, trend_buckets, voided_within};

use crate::db::{Row, Tx, Value};
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

impl FactKey {
    /// Where the facts of an appeal of `region_code` in `state` are counted.
    pub fn of_state(region_code: &str, state: &Appeal) -> FactKey {
        FactKey {
            region_code: region_code.to_owned(),
            unit_id: state.unit_id.unwrap_or(0),
            category_code: state.category.clone(),
            level: state.level.map(|l| l.as_str().to_owned()).unwrap_or_default(),
        }
    }
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
            key: FactKey::of_state(region_code, state),
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
                    closed: i64::from(self.submitted_on.is_some()),
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
    /// Closed after its submission (any way: resolved, withdrawn, invalid, merged); "open" is submitted − closed.
    pub closed: i64,
    /// Dated ahead from each state's `Outlook`: the light turned yellow (+1) and left yellow for red (−1), …
    pub warning: i64,
    /// … turned red, …
    pub red: i64,
    /// … and the answer fell overdue (超期未办结). Only their sums up to a day mean anything: the count that day.
    pub overdue: i64,
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
const COUNTERS: [&str; N] = [
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
    "closed",
    "warning",
    "red",
    "overdue",
];

/// How many counters a row of sums has.
const N: usize = 15;

impl Counts {
    fn values(&self) -> [i64; N] {
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
            self.closed,
            self.warning,
            self.red,
            self.overdue,
        ]
    }

    fn from_values(v: [i64; N]) -> Counts {
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
            closed,
            warning,
            red,
            overdue,
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
            closed,
            warning,
            red,
            overdue,
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

/// Changes to `appeal_facts`, `appeal_voided` and `appeal_overdue_spans`, gathered over a transaction.
#[derive(Debug, Default)]
pub(crate) struct Deltas {
    facts: BTreeMap<(i64, FactKey), Counts>,
    voided: BTreeMap<(i64, i64, FactKey), i64>,
    pub spans: spans::Spans,
}

impl Deltas {
    /// Counts `row`'s facts once more (`sign` 1) or once less (−1).
    pub fn add(&mut self, row: &FactRow, sign: i64) {
        for (day, counts) in row.facts() {
            self.dated(&row.key, day, &counts, sign);
        }
        if let Some((s, c)) = row.voided_days() {
            *self.voided.entry((day_number(s), day_number(c), row.key.clone())).or_default() += sign;
        }
    }

    /// Counts `counts` on `day` (in its day's, month's and year's rows) once more or once less.
    fn dated(&mut self, key: &FactKey, day: Date, counts: &Counts, sign: i64) {
        for period in [day_number(day), month_number(day), year_number(day)] {
            self.facts.entry((period, key.clone())).or_default().add(counts, sign);
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
        let counters = COUNTERS.join(", ");
        let add = format!("DO UPDATE SET {}", sums.join(", "));
        // PostgreSQL: into this connection's own rows (`shards`), which no other transaction writes at the same time.
        let (into, on_conflict, lead) = match tx {
            Tx::Postgres(_) => (
                format!("appeal_facts (shard, period, {KEY_COLUMNS}, {counters})"),
                format!("(period, {KEY_COLUMNS}, shard) {add}"),
                Some(shards::THIS_CONNECTION),
            ),
            _ => (
                format!("appeal_facts (period, {KEY_COLUMNS}, {counters})"),
                format!("(period, {KEY_COLUMNS}) {add}"),
                None,
            ),
        };
        upsert(tx, &into, &on_conflict, lead, &facts)?;
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
            None,
            &voided,
        )?;
        self.spans.write(tx)
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

/// `INSERT INTO {into} VALUES … ON CONFLICT {on_conflict}` for `rows` (no two with the same key), in slices; `lead`
/// is an SQL expression put before each row's values.
fn upsert(tx: &mut Tx<'_>, into: &str, on_conflict: &str, lead: Option<&str>, rows: &[Vec<Value>]) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_UPSERT) {
        let mut values = Vec::with_capacity(chunk.len() * chunk[0].len());
        let mut tuples = Vec::with_capacity(chunk.len());
        for row in chunk {
            let n = values.len();
            let params: Vec<String> =
                lead.map(str::to_owned).into_iter().chain((1..=row.len()).map(|i| format!("${}", n + i))).collect();
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
