//! Deadlines (SPEC §4): the 13710 policy, the deadline clock of one handling cycle with its pauses, the deadline
//! light, and the escalation ladder. All are pure functions of (history, calendar, today), computed on demand and never
//! stored stale.
//!
//! Counting, exactly as SPEC §4 defines it: the cycle's start date is day 0; "within N working days" means by 24:00
//! (Asia/Shanghai) of the N-th working day strictly after it. Each working day touched by a pause (待补充材料) pushes
//! every due date by one working day. An item is overdue by k when k working days have passed after its due date.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::time::local_date;

/// How many working days a unit has for each milestone. Policies are data: 13710 is the default, a dispatcher may pick
/// another per category or per item (即办件, 复杂事项 …). The policy is copied into the item at assignment, so a later
/// edit of the policy table never moves deadlines already given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlinePolicy {
    pub code: String,
    pub name: String,
    /// 签收
    pub acknowledge: u16,
    /// 首次答复 (反馈办理意见)
    pub reply: u16,
    /// 办结
    pub resolve: u16,
    /// 反馈结果 (回访)
    pub feedback: u16,
}

impl DeadlinePolicy {
    /// The 13710 rule: acknowledge in 1, first reply in 3, resolve in 7, final feedback in 10 working days.
    pub fn standard() -> Self {
        Self::new("13710", "13710标准时限", [1, 3, 7, 10]).unwrap_or_else(|_| unreachable!("13710 is ordered"))
    }

    /// A policy whose milestones come in order and stay within a year of working days.
    pub fn new(code: &str, name: &str, days: [u16; 4]) -> Result<Self, &'static str> {
        let [acknowledge, reply, resolve, feedback] = days;
        if !(acknowledge <= reply && reply <= resolve && resolve <= feedback) {
            return Err("时限须满足 签收 ≤ 首次答复 ≤ 办结 ≤ 反馈 / milestones must be in order");
        }
        if feedback > 250 {
            return Err("时限不能超过250个工作日 / a deadline cannot exceed 250 working days");
        }
        if code.trim().is_empty() || name.trim().is_empty() {
            return Err("时限策略须有编码和名称 / a policy needs a code and a name");
        }
        Ok(Self { code: code.trim().into(), name: name.trim().into(), acknowledge, reply, resolve, feedback })
    }

    /// A policy for an item given a date to be done by (a meeting's 完成时限) and assigned on `from`: resolved by the
    /// last working day up to `due`, signed for the next working day and first reported on within three (both no
    /// later than the due date). Refused if no working day lies between.
    pub fn until(cal: &WorkingCalendar, from: Date, due: Date) -> Result<Self, &'static str> {
        let days = cal.working_days_between(from, due);
        let resolve = u16::try_from(days).map_err(|_| "完成时限过远 / the due date is too far away")?;
        if resolve == 0 {
            return Err("完成时限须晚于交办日期，且其间至少有一个工作日 / the due date must leave a working day");
        }
        Self::new(&format!("until-{due}"), &format!("{due}前完成"), [1, 3.min(resolve), resolve, resolve])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Milestone {
    Acknowledge,
    Reply,
    Resolve,
    Feedback,
}

impl Milestone {
    pub fn label(self) -> &'static str {
        match self {
            Milestone::Acknowledge => "签收",
            Milestone::Reply => "首次答复",
            Milestone::Resolve => "办结",
            Milestone::Feedback => "反馈",
        }
    }
}

/// A stretch of time in which the item waited for the enterprise (待补充材料); `to` is `None` while it still waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: Timestamp,
    pub to: Option<Timestamp>,
}

/// The deadline clock of one handling cycle: started by assignment, started again by a reopen (重办).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub started_at: Timestamp,
    pub policy: DeadlinePolicy,
    /// Working days granted by approved extensions; they move 办结 and 反馈.
    pub extension_days: u16,
    pub pauses: Vec<Pause>,
    pub acknowledged_at: Option<Timestamp>,
    pub replied_at: Option<Timestamp>,
    pub answered_at: Option<Timestamp>,
}

/// The due dates of a cycle: each milestone is due by 24:00 Asia/Shanghai of its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    pub start: Date,
    pub acknowledge: Date,
    pub reply: Date,
    pub resolve: Date,
    pub feedback: Date,
}

impl Deadlines {
    pub fn of(&self, milestone: Milestone) -> Date {
        match milestone {
            Milestone::Acknowledge => self.acknowledge,
            Milestone::Reply => self.reply,
            Milestone::Resolve => self.resolve,
            Milestone::Feedback => self.feedback,
        }
    }
}

/// 红黄绿灯: the deadline state of an open item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Light {
    Normal,
    /// 黄灯: at least 80% of the time to the next due date is used.
    Warning,
    /// 红灯: past the next due date.
    Overdue,
}

impl Light {
    pub const ALL: [Light; 3] = [Light::Normal, Light::Warning, Light::Overdue];

    pub fn parse(s: &str) -> Option<Light> {
        Light::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Light::Normal => "normal",
            Light::Warning => "warning",
            Light::Overdue => "overdue",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Light::Normal => "正常",
            Light::Warning => "预警",
            Light::Overdue => "超期",
        }
    }
}

impl Clock {
    pub fn start(at: Timestamp, policy: DeadlinePolicy) -> Self {
        Self {
            started_at: at,
            policy,
            extension_days: 0,
            pauses: Vec::new(),
            acknowledged_at: None,
            replied_at: None,
            answered_at: None,
        }
    }

    pub fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.to.is_none())
    }

    /// Working days touched by pauses; a pause still running is counted up to `today`. A day touched by two pauses
    /// counts once: it is one day the unit could not work on the item.
    pub fn paused_working_days(&self, cal: &WorkingCalendar, today: Date) -> u32 {
        let mut days = BTreeSet::new();
        for pause in &self.pauses {
            let from = local_date(pause.from);
            let to = pause.to.map_or(today, local_date).max(from);
            days.extend(from.series(jiff::ToSpan::days(1)).take_while(|d| *d <= to).filter(|d| cal.is_working_day(*d)));
        }
        u32::try_from(days.len()).unwrap_or(u32::MAX)
    }

    pub fn deadlines(&self, cal: &WorkingCalendar, today: Date) -> Deadlines {
        let start = local_date(self.started_at);
        let pause = self.paused_working_days(cal, today);
        let p = &self.policy;
        let ext = u32::from(self.extension_days);
        let due = |days: u16, extended: bool| {
            cal.add_working_days(start, u32::from(days) + pause + if extended { ext } else { 0 })
        };
        Deadlines {
            start,
            acknowledge: due(p.acknowledge, false),
            reply: due(p.reply, false),
            resolve: due(p.resolve, true),
            feedback: due(p.feedback, true),
        }
    }

    /// The first milestone the unit still owes, if any.
    pub fn next_unit_milestone(&self) -> Option<Milestone> {
        if self.acknowledged_at.is_none() {
            Some(Milestone::Acknowledge)
        } else if self.replied_at.is_none() {
            Some(Milestone::Reply)
        } else if self.answered_at.is_none() {
            Some(Milestone::Resolve)
        } else {
            None
        }
    }

    /// The light against a milestone's due date. A paused clock is never late: the wait is the enterprise's.
    pub fn light(&self, cal: &WorkingCalendar, today: Date, milestone: Milestone) -> Light {
        if self.is_paused() {
            return Light::Normal;
        }
        let deadlines = self.deadlines(cal, today);
        let due = deadlines.of(milestone);
        if today > due {
            return Light::Overdue;
        }
        let allowed = cal.working_days_between(deadlines.start, due);
        let used = cal.working_days_between(deadlines.start, today);
        // used / allowed ≥ 80%, in integers so that no rounding decides a cadre's light.
        if u64::from(used) * 5 >= u64::from(allowed) * 4 { Light::Warning } else { Light::Normal }
    }

    /// Working days past a milestone's due date (0 when not past it, or past it by less than a working day).
    pub fn overdue_days(&self, cal: &WorkingCalendar, today: Date, milestone: Milestone) -> u32 {
        cal.working_days_between(self.deadlines(cal, today).of(milestone), today)
    }

    /// The clock as it stood just before the instant `end`, when this state can tell: `None` if the cycle began at or
    /// after `end`, or had an extension (when it was granted is not kept: the history must be replayed).
    pub fn as_of(&self, end: Timestamp) -> Option<Clock> {
        if self.started_at >= end || self.extension_days > 0 {
            return None;
        }
        let before = |t: Option<Timestamp>| t.filter(|t| *t < end);
        Some(Clock {
            started_at: self.started_at,
            policy: self.policy.clone(),
            extension_days: 0,
            pauses: self
                .pauses
                .iter()
                .filter(|p| p.from < end)
                .map(|p| Pause { from: p.from, to: before(p.to) })
                .collect(),
            acknowledged_at: before(self.acknowledged_at),
            replied_at: before(self.replied_at),
            answered_at: before(self.answered_at),
        })
    }

    /// If the answer is still owed at `day` and the resolve deadline has passed: that deadline and the working days
    /// past it (超期未办结).
    pub fn resolve_overdue(&self, cal: &WorkingCalendar, day: Date) -> Option<(Date, u32)> {
        if self.answered_at.is_some() {
            return None;
        }
        let due = self.deadlines(cal, day).resolve;
        (day > due).then(|| (due, cal.working_days_between(due, day)))
    }

    /// Was the milestone met by 24:00 of its due date? `None` while it is not met.
    pub fn met_on_time(&self, cal: &WorkingCalendar, milestone: Milestone) -> Option<bool> {
        let at = match milestone {
            Milestone::Acknowledge => self.acknowledged_at,
            Milestone::Reply => self.replied_at,
            Milestone::Resolve | Milestone::Feedback => self.answered_at,
        }?;
        let day = local_date(at);
        Some(day <= self.deadlines(cal, day).of(milestone))
    }
}

/// The weight of an escalation step (SPEC §4), lightest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EscalationKind {
    /// 预警: reminder to the handler.
    Reminder,
    /// 催办: notice to the unit, copied to its leader.
    Urge,
    /// 督办: by the dispatcher, with a 督办函, flagged on the dashboard.
    Supervise,
    /// 问责: 问责函, listed in the next bulletin.
    Accountability,
}

impl EscalationKind {
    pub fn label(self) -> &'static str {
        match self {
            EscalationKind::Reminder => "预警提醒",
            EscalationKind::Urge => "催办",
            EscalationKind::Supervise => "督办",
            EscalationKind::Accountability => "问责",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The light turned yellow (or worse).
    Warning,
    /// Overdue by at least this many working days.
    OverdueBy(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationStep {
    pub kind: EscalationKind,
    pub trigger: Trigger,
}

/// The escalation ladder: configurable steps, each taken once per milestone and cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationLadder {
    pub steps: Vec<EscalationStep>,
}

impl Default for EscalationLadder {
    fn default() -> Self {
        use EscalationKind::*;
        let step = |kind, trigger| EscalationStep { kind, trigger };
        Self {
            steps: vec![
                step(Reminder, Trigger::Warning),
                step(Urge, Trigger::OverdueBy(1)),
                step(Supervise, Trigger::OverdueBy(3)),
                step(Accountability, Trigger::OverdueBy(5)),
            ],
        }
    }
}

impl EscalationLadder {
    /// The steps whose trigger holds for `milestone` today. A ladder that was not run for a while catches up: every
    /// step that holds is returned, lightest first; the caller skips those already taken.
    pub fn triggered(
        &self,
        clock: &Clock,
        cal: &WorkingCalendar,
        today: Date,
        milestone: Milestone,
    ) -> Vec<EscalationKind> {
        let light = clock.light(cal, today, milestone);
        let late_by = if light == Light::Overdue { Some(clock.overdue_days(cal, today, milestone)) } else { None };
        let mut kinds: Vec<EscalationKind> = self
            .steps
            .iter()
            .filter(|s| match s.trigger {
                Trigger::Warning => light != Light::Normal,
                Trigger::OverdueBy(k) => late_by.is_some_and(|d| d >= k),
            })
            .map(|s| s.kind)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("valid timestamp")
    }

    #[test]
    fn standard_13710_over_spring_festival_2024() {
        let cal = WorkingCalendar::official();
        // 2024-02-08 17:30 in Shanghai.
        let clock = Clock::start(at("2024-02-08T09:30:00Z"), DeadlinePolicy::standard());
        let d = clock.deadlines(&cal, date(2024, 2, 8));
        assert_eq!(
            (d.acknowledge, d.reply, d.resolve, d.feedback),
            (date(2024, 2, 9), date(2024, 2, 19), date(2024, 2, 23), date(2024, 2, 28))
        );
    }

    #[test]
    fn assignment_late_at_night_utc_counts_from_the_china_date() {
        let cal = WorkingCalendar::official();
        // 2024-02-07 23:30 UTC is 2024-02-08 07:30 in Shanghai.
        let clock = Clock::start(at("2024-02-07T23:30:00Z"), DeadlinePolicy::standard());
        assert_eq!(clock.deadlines(&cal, date(2024, 2, 8)).start, date(2024, 2, 8));
    }

    #[test]
    fn light_turns_yellow_at_80_percent_and_red_after_the_due_day() {
        let cal = WorkingCalendar::official();
        let mut clock = Clock::start(at("2025-09-30T02:00:00Z"), DeadlinePolicy::standard());
        clock.acknowledged_at = Some(at("2025-10-09T02:00:00Z"));
        clock.replied_at = Some(at("2025-10-10T02:00:00Z"));
        // Resolve due 2025-10-16 (7 working days). 5/7 = 71% on 10-14; 6/7 = 86% on 10-15.
        assert_eq!(clock.light(&cal, date(2025, 10, 14), Milestone::Resolve), Light::Normal);
        assert_eq!(clock.light(&cal, date(2025, 10, 15), Milestone::Resolve), Light::Warning);
        assert_eq!(clock.light(&cal, date(2025, 10, 16), Milestone::Resolve), Light::Warning);
        assert_eq!(clock.light(&cal, date(2025, 10, 17), Milestone::Resolve), Light::Overdue);
        // Friday 10-17 is the first working day past the due date; the weekend adds none.
        assert_eq!(clock.overdue_days(&cal, date(2025, 10, 19), Milestone::Resolve), 1);
        assert_eq!(clock.overdue_days(&cal, date(2025, 10, 23), Milestone::Resolve), 5);
    }

    #[test]
    fn a_pause_pushes_every_due_date_by_the_working_days_it_touched() {
        let cal = WorkingCalendar::official();
        let mut clock = Clock::start(at("2024-03-04T01:00:00Z"), DeadlinePolicy::standard()); // Monday
        let before = clock.deadlines(&cal, date(2024, 3, 4));
        assert_eq!(before.resolve, date(2024, 3, 13));
        // Waiting from Tuesday 16:00 to Thursday 09:00 (Shanghai): Tue, Wed, Thu touched → 3 working days.
        clock.pauses.push(Pause { from: at("2024-03-05T08:00:00Z"), to: Some(at("2024-03-07T01:00:00Z")) });
        let after = clock.deadlines(&cal, date(2024, 3, 7));
        assert_eq!(after.resolve, date(2024, 3, 18));
        assert_eq!(after.acknowledge, date(2024, 3, 8));
        // A pause over a weekend only touches no working day.
        clock.pauses.push(Pause { from: at("2024-03-09T02:00:00Z"), to: Some(at("2024-03-10T02:00:00Z")) });
        assert_eq!(clock.deadlines(&cal, date(2024, 3, 11)).resolve, date(2024, 3, 18));
    }

    #[test]
    fn a_running_pause_keeps_the_light_normal_and_moves_due_dates_daily() {
        let cal = WorkingCalendar::official();
        let mut clock = Clock::start(at("2024-03-04T01:00:00Z"), DeadlinePolicy::standard());
        clock.pauses.push(Pause { from: at("2024-03-05T08:00:00Z"), to: None });
        assert_eq!(clock.light(&cal, date(2024, 4, 30), Milestone::Acknowledge), Light::Normal);
        let tue = clock.deadlines(&cal, date(2024, 3, 5)).resolve;
        let wed = clock.deadlines(&cal, date(2024, 3, 6)).resolve;
        assert_eq!(cal.working_days_between(tue, wed), 1);
    }

    #[test]
    fn extension_moves_resolve_and_feedback_only() {
        let cal = WorkingCalendar::official();
        let mut clock = Clock::start(at("2024-03-04T01:00:00Z"), DeadlinePolicy::standard());
        let before = clock.deadlines(&cal, date(2024, 3, 4));
        clock.extension_days = 5;
        let after = clock.deadlines(&cal, date(2024, 3, 4));
        assert_eq!(after.acknowledge, before.acknowledge);
        assert_eq!(after.reply, before.reply);
        assert_eq!(cal.working_days_between(before.resolve, after.resolve), 5);
        assert_eq!(cal.working_days_between(before.feedback, after.feedback), 5);
    }

    #[test]
    fn the_ladder_climbs_with_lateness_and_catches_up() {
        let cal = WorkingCalendar::official();
        let ladder = EscalationLadder::default();
        let clock = Clock::start(at("2024-03-04T01:00:00Z"), DeadlinePolicy::standard());
        // Acknowledge due Tuesday 03-05.
        assert!(ladder.triggered(&clock, &cal, date(2024, 3, 4), Milestone::Acknowledge).is_empty());
        assert_eq!(
            ladder.triggered(&clock, &cal, date(2024, 3, 5), Milestone::Acknowledge),
            vec![EscalationKind::Reminder]
        );
        assert_eq!(
            ladder.triggered(&clock, &cal, date(2024, 3, 6), Milestone::Acknowledge),
            vec![EscalationKind::Reminder, EscalationKind::Urge]
        );
        assert_eq!(ladder.triggered(&clock, &cal, date(2024, 3, 8), Milestone::Acknowledge).len(), 3);
        assert_eq!(ladder.triggered(&clock, &cal, date(2024, 3, 12), Milestone::Acknowledge).len(), 4);
    }

    #[test]
    fn met_on_time_uses_the_extended_due_date() {
        let cal = WorkingCalendar::official();
        let mut clock = Clock::start(at("2024-03-04T01:00:00Z"), DeadlinePolicy::standard());
        clock.answered_at = Some(at("2024-03-14T03:00:00Z")); // one working day after 03-13
        assert_eq!(clock.met_on_time(&cal, Milestone::Resolve), Some(false));
        clock.extension_days = 2;
        assert_eq!(clock.met_on_time(&cal, Milestone::Resolve), Some(true));
    }

    #[test]
    fn policies_must_be_ordered() {
        assert!(DeadlinePolicy::new("quick", "即办件", [0, 0, 0, 0]).is_ok());
        assert!(DeadlinePolicy::new("bad", "乱序", [3, 1, 7, 10]).is_err());
        assert!(DeadlinePolicy::new("", "无编码", [1, 3, 7, 10]).is_err());
    }
}
