//! What an appeal's state, left as it is, shows on each day to come (issue 17): the day its light turns yellow and the
//! day it turns red, and the days its answer is overdue (超期未办结). A state's light and overdue status change
//! with the days only at these dates, so the figures can count them as facts dated ahead (`store::facts`) instead of
//! reading every open appeal's state on every dashboard.

use jiff::civil::Date;

use super::{Appeal, Status};
use crate::calendar::WorkingCalendar;
use crate::time::local_date;

/// The days at which an unchanged state's light and overdue status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outlook {
    /// The first yellow day and the first red day of the light (yellow ≤ red), while a light runs; `None` when it
    /// never shows yellow or red (no milestone watched, a paused clock, an ended item).
    pub light: Option<(Date, Date)>,
    pub overdue: Overdue,
}

/// When the state's answer is overdue (`Appeal::resolve_overdue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overdue {
    /// Never: the unit does not owe the answer, or a pause keeps pushing its deadline ahead of the days.
    Never,
    /// From this day on.
    From(Date),
    /// On each day off (weekend, holiday) from this day on, not on working days: a pause that began with the
    /// deadline on its last working day moves the deadline to each working day as it comes.
    OnDaysOff(Date),
}

impl Appeal {
    /// The days this state's light and overdue status change, were nothing to happen to it again.
    pub fn outlook(&self, cal: &WorkingCalendar) -> Outlook {
        let Some(clock) = &self.clock else { return Outlook { light: None, overdue: Overdue::Never } };
        let owed = (self.status.is_with_unit() || self.status == Status::Waiting) && clock.answered_at.is_none();
        if clock.is_paused() {
            // A paused clock shows no light.
            return Outlook { light: None, overdue: if owed { self.paused_overdue(cal) } else { Overdue::Never } };
        }
        // Without a running pause the deadlines are the same whatever the day.
        let deadlines = clock.deadlines(cal, local_date(clock.started_at));
        let light = self.watched_milestone().map(|m| {
            let due = deadlines.of(m);
            let allowed = cal.working_days_between(deadlines.start, due);
            // Yellow once 80% of the working days are used (`Clock::light`): on the due day at the latest.
            let yellow = deadlines
                .start
                .series(jiff::ToSpan::days(1))
                .take_while(|d| *d < due)
                .find(|d| u64::from(cal.working_days_between(deadlines.start, *d)) * 5 >= u64::from(allowed) * 4)
                .unwrap_or(due);
            (yellow, after(due))
        });
        let overdue = if owed { Overdue::From(after(deadlines.resolve)) } else { Overdue::Never };
        Outlook { light, overdue }
    }
}

impl Appeal {
    /// A paused state's overdue days. From its day `d` on, each working day the pause lasts moves the resolve
    /// deadline on by one working day, and a day off moves neither: the working days between the day and the
    /// deadline stay what they are on `d`. Deadline ahead on `d` by a working day or more: never overdue; behind by
    /// one or more: overdue every day; on `d`'s last working day: overdue on days off only.
    fn paused_overdue(&self, cal: &WorkingCalendar) -> Overdue {
        let Some(clock) = &self.clock else { return Overdue::Never };
        let day = local_date(self.updated_at);
        let due = clock.deadlines(cal, day).resolve;
        if due >= day {
            if cal.working_days_between(day, due) > 0 { Overdue::Never } else { Overdue::OnDaysOff(day) }
        } else if cal.working_days_between(due, day) > 0 {
            Overdue::From(day)
        } else {
            Overdue::OnDaysOff(day)
        }
    }
}

/// The day after `d` (the end of time stays itself: nothing falls due after it).
fn after(d: Date) -> Date {
    d.tomorrow().unwrap_or(d)
}

/// Whether the outlook's days give the light and the overdue status the state gives, on each of `days` days from
/// `from` (tests).
#[cfg(test)]
pub(crate) fn agrees(state: &Appeal, cal: &WorkingCalendar, from: Date, days: usize) -> Result<(), String> {
    use crate::deadline::Light;
    let o = state.outlook(cal);
    for d in from.series(jiff::ToSpan::days(1)).take(days) {
        let light = match o.light {
            Some((_, red)) if d >= red => Light::Overdue,
            Some((yellow, _)) if d >= yellow => Light::Warning,
            _ => Light::Normal,
        };
        let actual = state.light(cal, d).unwrap_or(Light::Normal);
        if light != actual {
            return Err(format!("{d}: outlook {o:?} gives {light:?}, the state {actual:?}"));
        }
        let overdue = match o.overdue {
            Overdue::Never => false,
            Overdue::From(first) => d >= first,
            Overdue::OnDaysOff(first) => d >= first && !cal.is_working_day(d),
        };
        if overdue != state.resolve_overdue(cal, d).is_some() {
            return Err(format!("{d}: outlook {o:?} gives overdue {overdue}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::appeal::{Action, Actor, Event};
    use crate::role::Role;

    #[test]
    fn an_assignment_turns_yellow_then_red_then_overdue() {
        let cal = WorkingCalendar::official();
        let event = |seq, at: &str, role, action| Event {
            seq,
            at: at.parse().expect("time"),
            actor: Actor::user(1, role),
            action,
        };
        let state = Appeal::create(&event(
            1,
            "2024-03-04T01:00:00Z",
            Role::Enterprise,
            Action::Create { category: "land".into(), draft: false },
        ))
        .expect("created");
        assert_eq!(state.outlook(&cal), Outlook { light: None, overdue: Overdue::Never });
        let state = state
            .apply(&event(2, "2024-03-04T02:00:00Z", Role::Dispatcher, Action::assign_standard(3, "land")))
            .expect("assigned");
        let o = state.outlook(&cal);
        let (yellow, red) = o.light.expect("a light");
        assert!(yellow < red);
        assert!(matches!(o.overdue, Overdue::From(d) if d > red));
        agrees(&state, &cal, date(2024, 3, 4), 60).expect("agrees");
    }
}
