//! The lights and the overdue count as facts dated ahead (issue 17). An appeal's state, left as it is, turns yellow,
//! red and overdue on days known in advance (`Appeal::outlook`): a write counts them on those days, and the next
//! write that changes the state takes them back from its own day on. The sum of a scope's facts up to a day is then
//! that day's count of yellow lights, red lights and overdue answers, as each appeal stood at the end of it.
//!
//! One case is not a single day: a pause (待补充材料) that began with the answer due on its last working day is
//! overdue on days off only. Those days are counted for two years from the state's day (`HORIZON`); a pause older
//! than that is read from the state itself (`paused_overdue`) and counted day by day once it ends.

use std::collections::HashMap;

use jiff::civil::Date;
use zhuqi_domain::time::local_date;
use zhuqi_domain::{Appeal, Event, Outlook, Overdue, WorkingCalendar};

use super::spans::OverdueSpan;
use super::{Counts, Deltas, FactKey};
use crate::Result;
use crate::db::{Tx, Value};
use crate::engine::parse_state;
use crate::figures::GroupKey;

/// How far ahead the days off of a pause due on its last working day are counted (`Overdue::OnDaysOff`).
const HORIZON_DAYS: i64 = 731;

/// The last day the facts count for a state of day `day`; later days are read from the state.
fn horizon(day: Date) -> Date {
    day.checked_add(jiff::Span::new().days(HORIZON_DAYS - 1)).unwrap_or(Date::MAX)
}

impl Deltas {
    /// Appeal `id` of `region_code` went from `old` (`None`: it is new) to `new`, on the day of `new`'s last event.
    pub fn outlook_moved(
        &mut self,
        id: i64,
        region_code: &str,
        old: Option<&Appeal>,
        new: &Appeal,
        cal: &WorkingCalendar,
    ) {
        let on = local_date(new.updated_at);
        let (key, outlook) = (FactKey::of_state(region_code, new), new.outlook(cal));
        let old_outlook = old.map(|old| old.outlook(cal));
        let old_span = old.zip(old_outlook.as_ref()).and_then(|(old, o)| OverdueSpan::of(old, o, cal));
        self.spans.moved(id, old_span.as_ref(), OverdueSpan::of(new, &outlook, cal), on);
        if let Some((old, old_outlook)) = old.zip(old_outlook) {
            let old_key = FactKey::of_state(region_code, old);
            // Days off are counted up to a horizon from the state's own day: a later state of the same outlook
            // counts further.
            let same_days = !matches!(outlook.overdue, Overdue::OnDaysOff(_)) || local_date(old.updated_at) == on;
            if old_key == key && old_outlook == outlook && same_days {
                return;
            }
            self.ahead(&old_key, old, &old_outlook, on, -1, cal);
            // The days past the horizon were read from the state: now that they are over, they are counted.
            if let Overdue::OnDaysOff(_) = old_outlook.overdue {
                let after = horizon(local_date(old.updated_at)).tomorrow().unwrap_or(Date::MAX);
                self.days_off(&old_key, after, on, 1, cal);
            }
        }
        self.ahead(&key, new, &outlook, on, 1, cal);
    }

    /// Counts the whole `history` of appeal `id` of region `region_code` (a new appeal, or a check); returns the
    /// state it replays to.
    pub fn outlook_of_history(
        &mut self,
        id: i64,
        region_code: &str,
        history: &[Event],
        cal: &WorkingCalendar,
    ) -> Result<Option<Appeal>> {
        let mut state: Option<Appeal> = None;
        for event in history {
            let next = match &state {
                None => Appeal::create(event)?,
                Some(s) => s.apply(event)?,
            };
            self.outlook_moved(id, region_code, state.as_ref(), &next, cal);
            state = Some(next);
        }
        Ok(state)
    }

    /// The calendar changed today: the days to come of appeal `id`'s unchanged `state` move from what `old` gave to
    /// what `new` gives.
    pub fn outlook_recounted(
        &mut self,
        id: i64,
        region_code: &str,
        state: &Appeal,
        old: &WorkingCalendar,
        new: &WorkingCalendar,
        today: Date,
    ) {
        let (before, after) = (state.outlook(old), state.outlook(new));
        // From today, or from the state's own day if that is later (a clock set ahead, in tests).
        let on = today.max(local_date(state.updated_at));
        let old_span = OverdueSpan::of(state, &before, old);
        self.spans.moved(id, old_span.as_ref(), OverdueSpan::of(state, &after, new), on);
        if before != after || matches!(before.overdue, Overdue::OnDaysOff(_)) {
            let key = FactKey::of_state(region_code, state);
            self.ahead(&key, state, &before, on, -1, old);
            self.ahead(&key, state, &after, on, 1, new);
        }
    }

    /// The days `outlook` (of `state`) gives, counted from `on` (days before it are as they were).
    fn ahead(&mut self, key: &FactKey, state: &Appeal, outlook: &Outlook, on: Date, sign: i64, cal: &WorkingCalendar) {
        if let Some((yellow, red)) = outlook.light {
            self.dated(key, yellow.max(on), &Counts { warning: 1, ..Counts::default() }, sign);
            self.dated(key, red.max(on), &Counts { warning: -1, red: 1, ..Counts::default() }, sign);
        }
        match outlook.overdue {
            Overdue::Never => {}
            Overdue::From(day) => self.dated(key, day.max(on), &Counts { overdue: 1, ..Counts::default() }, sign),
            Overdue::OnDaysOff(day) => {
                let last = horizon(local_date(state.updated_at));
                self.days_off(key, day.max(on), last.tomorrow().unwrap_or(Date::MAX), sign, cal);
            }
        }
    }

    /// Counts an answer overdue on each day off of `from..until` (`sign` 1), or takes it back (−1).
    fn days_off(&mut self, key: &FactKey, from: Date, until: Date, sign: i64, cal: &WorkingCalendar) {
        let one = Counts { overdue: 1, ..Counts::default() };
        let mut overdue = false;
        for day in from.series(jiff::ToSpan::days(1)).take_while(|d| *d < until) {
            let off = !cal.is_working_day(day);
            if off != overdue {
                self.dated(key, day, &one, if off { sign } else { -sign });
                overdue = off;
            }
        }
        if overdue {
            self.dated(key, until, &one, -sign);
        }
    }
}

/// The paused appeals (`cond` on `appeals a`) whose state has stood for longer than the facts count ahead
/// (`HORIZON_DAYS`) and that are overdue at the end of `day`, per group: what the facts leave out. There are none
/// unless a pause has lasted two years; they are found from the index of appeals by closing and last change (0028).
pub(crate) fn paused_overdue(
    tx: &mut Tx<'_>,
    cond: &str,
    values: &[Value],
    day: Date,
    cal: &WorkingCalendar,
) -> Result<HashMap<GroupKey, i64>> {
    let mut out = HashMap::new();
    let Ok(since) = day.checked_sub(jiff::Span::new().days(HORIZON_DAYS)) else { return Ok(out) };
    let Some(before) = zhuqi_domain::time::start_of_day(since.tomorrow().unwrap_or(since)) else { return Ok(out) };
    let mut values = values.to_vec();
    let before = crate::scope::bind(&mut values, zhuqi_domain::time::to_micros(before));
    let rows = tx.query(
        &format!(
            "SELECT a.region_code, a.state FROM appeals a \
             WHERE {cond} AND a.status = 'waiting' AND a.closed_at IS NULL AND a.updated_at < {before}"
        ),
        &values,
    )?;
    for row in &rows {
        let state = parse_state(&row.text(1)?)?;
        // Other paused states are counted whole by the facts.
        let beyond = matches!(state.outlook(cal).overdue, Overdue::OnDaysOff(_));
        if beyond && state.resolve_overdue(cal, day).is_some() {
            let key = GroupKey { region_code: row.text(0)?, unit_id: state.unit_id, category_code: state.category };
            *out.entry(key).or_default() += 1;
        }
    }
    Ok(out)
}
