//! Which appeals were overdue (超期未办结) at the end of a past day, one by one (issue 17): the sums by day count
//! them (`outlook`), a bulletin also lists the most overdue. Each state that owes an answer falls overdue on a day
//! known in advance (`Appeal::outlook`) and stays so until the next state that stands otherwise. The write that
//! makes such a state opens its span in `appeal_overdue_spans` (from the day it falls overdue, or its own day if
//! later), and the next write that changes how the appeal stands ends it on its own day; a span that ends before it
//! begins was never overdue and is not kept. The list of a day is then the spans that cover it: one indexed read,
//! however much happened to the appeals since.
//!
//! A span holds what the list shows of the appeal as it stood: its status, unit, category and resolve deadline. A
//! paused clock's deadline moves on with each working day of the pause: its span holds no deadline, and the day's
//! deadline is read from the state.

use std::collections::BTreeMap;

use jiff::civil::Date;
use zhuqi_domain::time::local_date;
use zhuqi_domain::{Appeal, Outlook, Overdue, Status, WorkingCalendar};

use crate::db::{Row, Tx, Value, placeholders};
use crate::{Result, StoreError};

/// How an appeal stands towards its resolve deadline while one of its states lasts: overdue from `from` (on days
/// off only, for some pauses: `Overdue::OnDaysOff`) until `until` (`None`: it still stands so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OverdueSpan {
    pub from: Date,
    pub until: Option<Date>,
    /// `None` while paused: the deadline of each day is the state's (`Clock::deadlines`).
    pub resolve_due: Option<Date>,
    pub status: Status,
    pub unit_id: Option<i64>,
    pub category_code: String,
}

impl OverdueSpan {
    /// The span of `state` (whose outlook is `outlook`), if it owes an answer that falls overdue.
    pub fn of(state: &Appeal, outlook: &Outlook, cal: &WorkingCalendar) -> Option<OverdueSpan> {
        let from = match outlook.overdue {
            Overdue::Never => return None,
            Overdue::From(day) | Overdue::OnDaysOff(day) => day,
        };
        let clock = state.clock.as_ref()?;
        // Without a running pause the deadline is the same whatever the day (`Appeal::outlook`).
        let resolve_due = (!clock.is_paused()).then(|| clock.deadlines(cal, local_date(clock.started_at)).resolve);
        Some(OverdueSpan {
            from,
            until: None,
            resolve_due,
            status: state.status,
            unit_id: state.unit_id,
            category_code: state.category.clone(),
        })
    }

    fn is_empty(&self) -> bool {
        self.until.is_some_and(|until| until <= self.from)
    }
}

/// The spans a transaction opened and ended, by appeal, until they are written (`write`).
#[derive(Debug, Default)]
pub(crate) struct Spans {
    appeals: BTreeMap<i64, Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    /// The stored span still open ends on this day.
    end_stored: Option<Date>,
    /// Spans opened in this transaction, in order: only the last may be open.
    opened: Vec<OverdueSpan>,
}

impl Spans {
    /// Appeal `id` went on day `on` from a state of span `old` to one of span `new` (as `OverdueSpan::of` gives
    /// them, `None`: none): if they differ, the old one ends on `on` and the new one begins on `on` at the earliest.
    pub fn moved(&mut self, id: i64, old: Option<&OverdueSpan>, new: Option<OverdueSpan>, on: Date) {
        if old == new.as_ref() {
            return;
        }
        let pending = self.appeals.entry(id).or_default();
        if old.is_some() {
            match pending.opened.last_mut() {
                Some(last) if last.until.is_none() => last.until = Some(on),
                _ => {
                    pending.end_stored.get_or_insert(on);
                }
            }
        }
        if let Some(span) = new {
            pending.opened.push(OverdueSpan { from: span.from.max(on), ..span });
        }
    }

    /// The spans opened (and not empty), by appeal, forgetting them: what a history replayed makes (`check`).
    pub fn take_opened(&mut self) -> BTreeMap<i64, Vec<OverdueSpan>> {
        std::mem::take(&mut self.appeals)
            .into_iter()
            .map(|(id, p)| (id, p.opened.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>()))
            .filter(|(_, spans)| !spans.is_empty())
            .collect()
    }

    /// Ends the stored spans and adds the new ones, and forgets them: the ends first (an appeal's open span is the
    /// stored one until then), by day, a slice of appeals per statement; an ended span that never began is deleted.
    pub fn write(&mut self, tx: &mut Tx<'_>) -> Result<()> {
        let mut ends: BTreeMap<Date, Vec<i64>> = BTreeMap::new();
        let mut rows: Vec<Value> = Vec::new();
        for (id, pending) in std::mem::take(&mut self.appeals) {
            if let Some(on) = pending.end_stored {
                ends.entry(on).or_default().push(id);
            }
            for span in pending.opened.into_iter().filter(|s| !s.is_empty()) {
                rows.extend([
                    id.into(),
                    span.from.to_string().into(),
                    span.until.map(|d| d.to_string()).into(),
                    span.resolve_due.map(|d| d.to_string()).into(),
                    span.status.as_str().into(),
                    span.unit_id.into(),
                    span.category_code.into(),
                ]);
            }
        }
        for (on, ids) in ends {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                let mut values: Vec<Value> = vec![on.to_string().into()];
                values.extend(chunk.iter().map(|id| Value::from(*id)));
                let list = placeholders(2, chunk.len());
                tx.execute(
                    &format!(
                        "UPDATE appeal_overdue_spans SET until_day = $1 WHERE until_day IS NULL AND appeal_id IN ({list})"
                    ),
                    &values,
                )?;
                tx.execute(
                    &format!(
                        "DELETE FROM appeal_overdue_spans WHERE appeal_id IN ({}) AND until_day <= from_day",
                        placeholders(1, chunk.len())
                    ),
                    &values[1..],
                )?;
            }
        }
        for chunk in rows.chunks(COLUMNS * ROWS_PER_INSERT) {
            let tuples: Vec<String> = (0..chunk.len() / COLUMNS)
                .map(|r| {
                    let params: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", r * COLUMNS + c)).collect();
                    format!("({})", params.join(", "))
                })
                .collect();
            tx.execute(
                &format!(
                    "INSERT INTO appeal_overdue_spans \
                     (appeal_id, from_day, until_day, resolve_due, status, unit_id, category_code) VALUES {}",
                    tuples.join(", ")
                ),
                chunk,
            )?;
        }
        Ok(())
    }
}

/// Columns of a span row as `write` inserts it.
const COLUMNS: usize = 7;
/// Appeals per statement that ends spans.
const IDS_PER_STATEMENT: usize = 500;
/// Spans per INSERT (875 values).
const ROWS_PER_INSERT: usize = 125;

/// The columns `span_of_row` reads, from column 0, of `appeal_overdue_spans` aliased `s`.
pub(crate) const SPAN_COLUMNS: &str = "s.from_day, s.until_day, s.resolve_due, s.status, s.unit_id, s.category_code";

/// A span from the columns `SPAN_COLUMNS` of `row`, starting at column `at`.
pub(crate) fn span_of_row(row: &Row, at: usize) -> Result<OverdueSpan> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("bad value in appeal_overdue_spans.{what}"));
    let date = |t: String| t.parse::<Date>().map_err(|_| corrupt("from_day, until_day or resolve_due"));
    let status = row.text(at + 3)?;
    Ok(OverdueSpan {
        from: date(row.text(at)?)?,
        until: row.opt_text(at + 1)?.map(date).transpose()?,
        resolve_due: row.opt_text(at + 2)?.map(date).transpose()?,
        status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
        unit_id: row.opt_int(at + 4)?,
        category_code: row.text(at + 5)?,
    })
}

/// The stored spans of the appeals `first..=last`, by appeal, oldest first.
pub(crate) fn stored(tx: &mut Tx<'_>, first: i64, last: i64) -> Result<BTreeMap<i64, Vec<OverdueSpan>>> {
    let mut out: BTreeMap<i64, Vec<OverdueSpan>> = BTreeMap::new();
    for row in &tx.query(
        &format!(
            "SELECT {SPAN_COLUMNS}, s.appeal_id FROM appeal_overdue_spans s \
             WHERE s.appeal_id >= $1 AND s.appeal_id <= $2 ORDER BY s.appeal_id, s.from_day"
        ),
        &[first.into(), last.into()],
    )? {
        out.entry(row.int(6)?).or_default().push(span_of_row(row, 0)?);
    }
    Ok(out)
}
