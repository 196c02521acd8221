//! The appeal's workflow state and its one transition function.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Action, ActionKind, Event, Level, Status};
use crate::calendar::WorkingCalendar;
use crate::deadline::{Clock, DeadlinePolicy, Deadlines, EscalationKind, EscalationLadder, Light, Milestone, Pause};
use crate::dispute::{Forum, MAX_DISPUTE_FEN, Mediation, Outcome, is_dispute_type};
use crate::kind::Kind;
use crate::role::Role;
use crate::time::local_date;
use crate::values::Stars;

/// The longest reason, answer or note the loop accepts, in characters.
pub const MAX_TEXT: usize = 5000;
/// The longest extension a unit may ask for at once, in working days.
pub const MAX_EXTENSION_DAYS: u16 = 60;

/// Working days after an answer before an unconfirmed appeal closes as confirmed (SPEC §3 default).
pub const AUTO_CLOSE_AFTER: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("诉求当前状态为「{s}」，不能执行「{a}」 / action {action} is not allowed while the appeal is {status}", s = .status.label(), a = .action.label())]
    Illegal { status: Status, action: ActionKind },
    #[error("「{r}」角色无权执行「{a}」 / role {role} may not {action}", r = .role.label(), a = .action.label())]
    Forbidden { role: Role, action: ActionKind },
    #[error("{message}（{a}） / {action}: {detail}", a = .action.label())]
    Invalid { action: ActionKind, message: &'static str, detail: &'static str },
    #[error("事件顺序错误：应为第{expected}步，收到第{got}步 / event out of order: expected seq {expected}, got {got}")]
    OutOfOrder { expected: u32, got: u32 },
    /// A step dated before the step it follows (a clock set wrong, or a ledger's dates out of order).
    #[error(
        "「{a}」的时间{t}早于该诉求上一步「{p}」的时间{pt}，请核对时间 / {action} at {at} is before the previous step {pe} at {previous_at}",
        a = .action.label(), p = .previous.map_or("上一步", ActionKind::label),
        pe = .previous.map_or_else(|| "?".to_owned(), |k| k.to_string()),
        t = crate::time::local_minute(*.at), pt = crate::time::local_minute(*.previous_at)
    )]
    BeforePrevious { action: ActionKind, at: Timestamp, previous: Option<ActionKind>, previous_at: Timestamp },
}

/// The workflow state of one appeal: everything the loop needs to decide the next step. What the enterprise wrote
/// (title, description, amounts) lives beside it in the store; it does not steer the loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    /// Which kind of item this is; stored only for kinds other than appeals, so an appeal's state reads as before.
    #[serde(default, skip_serializing_if = "Kind::is_appeal")]
    pub kind: Kind,
    pub status: Status,
    /// The number of events applied; the next event's `seq` is `version + 1`.
    pub version: u32,
    pub category: String,
    pub level: Option<Level>,
    pub unit_id: Option<i64>,
    pub co_unit_ids: Vec<i64>,
    /// The deadline clock of the current handling cycle, from assignment (or reopen) on.
    pub clock: Option<Clock>,
    /// Working days asked for by a pending extension request.
    pub pending_extension: Option<u16>,
    pub common_issue_id: Option<i64>,
    pub rating: Option<Stars>,
    pub rating_comment: Option<String>,
    pub reopen_count: u16,
    pub return_count: u16,
    /// Escalation steps already taken in the current cycle.
    pub escalations: Vec<(Milestone, EscalationKind)>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub first_assigned_at: Option<Timestamp>,
    /// The latest answer (答复).
    pub answered_at: Option<Timestamp>,
    /// When the enterprise first rejected an answer (重办): the figures count reopened appeals as of a date.
    #[serde(default)]
    pub first_reopened_at: Option<Timestamp>,
    /// When the appeal left the loop: closed, withdrawn, invalid or merged.
    pub closed_at: Option<Timestamp>,
    /// The kind of the last step taken (none in states stored before it was kept): what a refusal names.
    #[serde(default)]
    pub last_step: Option<ActionKind>,
    /// When the enterprise supplied the material asked for, until the unit next replies, answers, asks again or
    /// returns the item: the workbench shows it waits on the unit.
    #[serde(default)]
    pub material_supplied_at: Option<Timestamp>,
    /// Closed after an answer: the problem counts as resolved (SPEC §6).
    pub resolved: bool,
    /// A dispute case's forum and outcome (its own steps, `Transfer` and `Conclude`); absent for other kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mediation: Option<Mediation>,
}

fn invalid(action: ActionKind, message: &'static str, detail: &'static str) -> TransitionError {
    TransitionError::Invalid { action, message, detail }
}

/// A reason, answer or note: not blank, not endless.
fn text(action: ActionKind, s: &str) -> Result<(), TransitionError> {
    if s.trim().is_empty() {
        return Err(invalid(action, "请填写说明", "a reason or text is required"));
    }
    if s.chars().count() > MAX_TEXT {
        return Err(invalid(action, "说明过长，最多5000字", "text longer than 5000 characters"));
    }
    Ok(())
}

impl Appeal {
    /// The state of an appeal after the first event, which must be `Create`.
    pub fn create(event: &Event) -> Result<Appeal, TransitionError> {
        Appeal::create_as(Kind::Appeal, event)
    }

    /// The state of an item of `kind` after its first event, which must be `Create`.
    pub fn create_as(kind: Kind, event: &Event) -> Result<Appeal, TransitionError> {
        let Action::Create { category, draft } = &event.action else {
            return Err(TransitionError::Illegal { status: Status::Draft, action: event.action.kind() });
        };
        if event.seq != 1 {
            return Err(TransitionError::OutOfOrder { expected: 1, got: event.seq });
        }
        if !kind.allowed_roles(ActionKind::Create).contains(&event.actor.role) {
            return Err(TransitionError::Forbidden { role: event.actor.role, action: ActionKind::Create });
        }
        if category.trim().is_empty() {
            return Err(invalid(ActionKind::Create, "请选择问题类型", "a category is required"));
        }
        Ok(Appeal {
            kind,
            status: if *draft { Status::Draft } else { Status::Submitted },
            version: 1,
            category: category.clone(),
            level: None,
            unit_id: None,
            co_unit_ids: Vec::new(),
            clock: None,
            pending_extension: None,
            common_issue_id: None,
            rating: None,
            rating_comment: None,
            reopen_count: 0,
            return_count: 0,
            escalations: Vec::new(),
            created_at: event.at,
            updated_at: event.at,
            submitted_at: (!draft).then_some(event.at),
            first_assigned_at: None,
            answered_at: None,
            first_reopened_at: None,
            closed_at: None,
            last_step: Some(ActionKind::Create),
            material_supplied_at: None,
            resolved: false,
            mediation: (kind == Kind::Dispute).then(Mediation::default),
        })
    }

    /// Rebuilds an appeal's state from the full history.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Result<Option<Appeal>, TransitionError> {
        Appeal::replay_as(Kind::Appeal, events)
    }

    /// Rebuilds the state of an item of `kind` from the full history.
    pub fn replay_as<'a>(
        kind: Kind,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<Option<Appeal>, TransitionError> {
        let mut state: Option<Appeal> = None;
        for event in events {
            state = Some(match state {
                None => Appeal::create_as(kind, event)?,
                Some(s) => s.apply(event)?,
            });
        }
        Ok(state)
    }

    /// The state after `event`, or why the event is refused. Pure: `self` is never changed.
    pub fn apply(&self, event: &Event) -> Result<Appeal, TransitionError> {
        let kind = event.action.kind();
        if event.seq != self.version + 1 {
            return Err(TransitionError::OutOfOrder { expected: self.version + 1, got: event.seq });
        }
        if !self.kind.allowed_roles(kind).contains(&event.actor.role) {
            return Err(TransitionError::Forbidden { role: event.actor.role, action: kind });
        }
        let illegal = || TransitionError::Illegal { status: self.status, action: kind };
        let at = event.at;
        let mut next = self.clone();
        next.version = event.seq;
        next.updated_at = at;
        next.last_step = Some(kind);
        if matches!(kind, ActionKind::Reply | ActionKind::Answer | ActionKind::RequestMaterial | ActionKind::Return) {
            next.material_supplied_at = None;
        }

        use Status::*;
        match (&event.action, self.status) {
            (Action::Submit, Draft) => {
                next.status = Submitted;
                next.submitted_at = Some(at);
            }
            (Action::Assign { unit_id, co_unit_ids, level, category, policy }, Submitted | Assigned) => {
                if category.trim().is_empty() {
                    return Err(invalid(kind, "请选择问题类型", "a category is required"));
                }
                if co_unit_ids.contains(unit_id) {
                    return Err(invalid(kind, "协办单位不能与承办单位相同", "a co-handling unit is the handling unit"));
                }
                next.status = Assigned;
                next.unit_id = Some(*unit_id);
                next.co_unit_ids = co_unit_ids.clone();
                next.level = Some(*level);
                next.category = category.clone();
                next.start_cycle(at, policy.clone());
                next.first_assigned_at.get_or_insert(at);
            }
            (Action::Acknowledge, Assigned | Reopened) => {
                next.status = InProgress;
                next.clock_mut(kind)?.acknowledged_at.get_or_insert(at);
            }
            (Action::Reply { text: t }, InProgress) => {
                text(kind, t)?;
                next.clock_mut(kind)?.replied_at.get_or_insert(at);
            }
            (Action::Return { reason }, Assigned | InProgress) => {
                text(kind, reason)?;
                next.status = Submitted;
                next.unit_id = None;
                next.co_unit_ids.clear();
                next.clock = None;
                next.pending_extension = None;
                next.escalations.clear();
                next.return_count += 1;
                if let Some(m) = next.mediation.as_mut() {
                    m.forum = None;
                    m.mediator_id = None;
                }
            }
            (Action::Answer { text: t }, InProgress) => {
                text(kind, t)?;
                next.status = Answered;
                let clock = next.clock_mut(kind)?;
                clock.replied_at.get_or_insert(at);
                clock.answered_at = Some(at);
                next.answered_at = Some(at);
                next.pending_extension = None;
            }
            (Action::RequestExtension { days, reason }, InProgress) => {
                text(kind, reason)?;
                if next.pending_extension.is_some() {
                    return Err(invalid(kind, "已有延期申请待审批", "an extension request is already pending"));
                }
                if *days == 0 || *days > MAX_EXTENSION_DAYS {
                    return Err(invalid(kind, "延期天数须为1至60个工作日", "extension must be 1 to 60 working days"));
                }
                next.pending_extension = Some(*days);
            }
            (Action::ApproveExtension, InProgress | Waiting) => {
                let days = next.pending_extension.take().ok_or_else(|| no_pending(kind))?;
                let clock = next.clock_mut(kind)?;
                clock.extension_days = clock.extension_days.saturating_add(days);
            }
            (Action::RefuseExtension { reason }, InProgress | Waiting) => {
                text(kind, reason)?;
                next.pending_extension.take().ok_or_else(|| no_pending(kind))?;
            }
            (Action::RequestMaterial { what }, InProgress) => {
                text(kind, what)?;
                next.status = Waiting;
                next.clock_mut(kind)?.pauses.push(Pause { from: at, to: None });
            }
            (Action::SupplyMaterial { text: t }, Waiting) => {
                text(kind, t)?;
                next.status = InProgress;
                next.end_pause(at);
                next.material_supplied_at = Some(at);
            }
            (Action::Confirm { rating, comment }, Answered) => {
                if rating.is_some() && !self.kind.is_rated() {
                    return Err(invalid(kind, "交办事项不评星级", "this kind of item is not rated"));
                }
                if comment.chars().count() > MAX_TEXT {
                    return Err(invalid(kind, "评价过长，最多5000字", "comment longer than 5000 characters"));
                }
                next.status = Closed;
                next.rating = *rating;
                next.rating_comment = Some(comment.trim().to_owned()).filter(|c| !c.is_empty());
                next.closed_at = Some(at);
                next.resolved = true;
            }
            (Action::AutoClose, Answered) => {
                next.status = Closed;
                next.closed_at = Some(at);
                next.resolved = true;
            }
            (Action::Reject { reason }, Answered) => {
                text(kind, reason)?;
                let policy = self.clock.as_ref().map_or_else(DeadlinePolicy::standard, |c| c.policy.clone());
                next.status = Reopened;
                next.reopen_count += 1;
                next.first_reopened_at.get_or_insert(at);
                next.start_cycle(at, policy);
            }
            (Action::Withdraw { reason }, Draft | Submitted | Assigned | InProgress | Waiting) => {
                text(kind, reason)?;
                next.status = Withdrawn;
                next.end_pause(at);
                next.closed_at = Some(at);
            }
            (Action::RejectInvalid { reason }, Submitted) => {
                text(kind, reason)?;
                next.status = Invalid;
                next.closed_at = Some(at);
            }
            (Action::Merge { common_issue_id }, Submitted | Assigned | InProgress | Waiting | Reopened) => {
                next.status = Merged;
                next.common_issue_id = Some(*common_issue_id);
                next.end_pause(at);
                next.closed_at = Some(at);
            }
            (Action::ResolveCommon { text: t, unit_id }, Merged) => {
                text(kind, t)?;
                // Back in the loop, answered: the feedback clock runs from now. An appeal merged before it was
                // assigned had no clock; its cycle starts here under the standard policy.
                next.status = Answered;
                next.unit_id = Some(*unit_id);
                next.co_unit_ids.clear();
                next.closed_at = None;
                if next.clock.is_none() {
                    next.start_cycle(at, DeadlinePolicy::standard());
                }
                let clock = next.clock_mut(kind)?;
                clock.acknowledged_at.get_or_insert(at);
                clock.replied_at.get_or_insert(at);
                clock.answered_at = Some(at);
                next.answered_at = Some(at);
                next.pending_extension = None;
            }
            (Action::Transfer { forum, unit_id, mediator_id, category, policy }, Submitted | Assigned) => {
                if !is_dispute_type(category) {
                    return Err(invalid(kind, "请选择纠纷类型", "a dispute type is required"));
                }
                if (*forum == Forum::Mediator) != mediator_id.is_some() {
                    return Err(invalid(
                        kind,
                        "移交法治护航员调解时须指定调解员，移交其他机构时不指定",
                        "a mediator is named exactly when the forum is a mediator",
                    ));
                }
                next.status = Assigned;
                next.unit_id = Some(*unit_id);
                next.co_unit_ids.clear();
                next.category = category.clone();
                next.start_cycle(at, policy.clone());
                next.first_assigned_at.get_or_insert(at);
                let m = next.mediation.get_or_insert_with(Mediation::default);
                m.forum = Some(*forum);
                m.mediator_id = *mediator_id;
            }
            (Action::Conclude { outcome, agreed, text: t }, InProgress) => {
                text(kind, t)?;
                match (outcome, agreed) {
                    (Outcome::Mediated, None) => {
                        return Err(invalid(
                            kind,
                            "调解成功须填写达成金额",
                            "a mediated case states the agreed amount",
                        ));
                    }
                    (Outcome::Mediated, Some(a)) if a.fen() > MAX_DISPUTE_FEN => {
                        return Err(invalid(kind, "达成金额不能超过1000亿元", "agreed amount above 1000 亿元"));
                    }
                    (Outcome::Failed | Outcome::Litigation, Some(_)) => {
                        return Err(invalid(
                            kind,
                            "只有调解成功才填写达成金额",
                            "only a mediated case has an agreed amount",
                        ));
                    }
                    _ => {}
                }
                next.status = Answered;
                let clock = next.clock_mut(kind)?;
                clock.replied_at.get_or_insert(at);
                clock.answered_at = Some(at);
                next.answered_at = Some(at);
                next.pending_extension = None;
                let m = next.mediation.get_or_insert_with(Mediation::default);
                m.outcome = Some(*outcome);
                m.agreed = *agreed;
            }
            (Action::Instruct { text: t }, s) if !s.is_terminal() => text(kind, t)?,
            (Action::Escalate { step, milestone }, s) if s.is_with_unit() => {
                if next.escalations.contains(&(*milestone, *step)) {
                    return Err(invalid(kind, "该督办步骤已执行", "this escalation step was already taken"));
                }
                next.escalations.push((*milestone, *step));
            }
            _ => return Err(illegal()),
        }
        // The state and the payload are judged first: an action the item cannot take is refused as such, whatever
        // its time; only a legal step dated before the last one is refused for its time.
        if event.at < self.updated_at {
            return Err(TransitionError::BeforePrevious {
                action: kind,
                at: event.at,
                previous: self.last_step,
                previous_at: self.updated_at,
            });
        }
        Ok(next)
    }

    /// Whether `kind` can be taken now, whatever its payload: the actions a page offers as buttons. It says the same as
    /// `apply` for a well-formed payload (a property test holds them together).
    pub fn offers(&self, kind: ActionKind) -> bool {
        use Status::*;
        if self.kind.allowed_roles(kind).is_empty() {
            return false;
        }
        let s = self.status;
        let pending = self.pending_extension.is_some();
        match kind {
            ActionKind::Create => false,
            ActionKind::Submit => s == Draft,
            ActionKind::Assign => matches!(s, Submitted | Assigned),
            ActionKind::Acknowledge => matches!(s, Assigned | Reopened),
            ActionKind::Reply | ActionKind::Answer | ActionKind::RequestMaterial => s == InProgress,
            ActionKind::RequestExtension => s == InProgress && !pending,
            ActionKind::Return => matches!(s, Assigned | InProgress),
            ActionKind::ApproveExtension | ActionKind::RefuseExtension => matches!(s, InProgress | Waiting) && pending,
            ActionKind::SupplyMaterial => s == Waiting,
            ActionKind::Confirm | ActionKind::Reject | ActionKind::AutoClose => s == Answered,
            ActionKind::Withdraw => matches!(s, Draft | Submitted | Assigned | InProgress | Waiting),
            ActionKind::RejectInvalid => s == Submitted,
            ActionKind::Merge => matches!(s, Submitted | Assigned | InProgress | Waiting | Reopened),
            ActionKind::ResolveCommon => s == Merged,
            ActionKind::Instruct => !s.is_terminal(),
            ActionKind::Escalate => s.is_with_unit(),
            ActionKind::Transfer => matches!(s, Submitted | Assigned),
            ActionKind::Conclude => s == InProgress,
        }
    }

    fn start_cycle(&mut self, at: Timestamp, policy: DeadlinePolicy) {
        self.clock = Some(Clock::start(at, policy));
        self.pending_extension = None;
        self.escalations.clear();
    }

    fn end_pause(&mut self, at: Timestamp) {
        if let Some(pause) = self.clock.as_mut().and_then(|c| c.pauses.last_mut()).filter(|p| p.to.is_none()) {
            pause.to = Some(at);
        }
    }

    fn clock_mut(&mut self, kind: ActionKind) -> Result<&mut Clock, TransitionError> {
        // Every status that reaches here was entered through assignment, which starts the clock.
        self.clock.as_mut().ok_or(invalid(kind, "诉求尚未交办，没有时限", "the appeal has no deadline clock"))
    }

    /// The due dates of the current cycle, if the appeal has been assigned.
    pub fn deadlines(&self, cal: &WorkingCalendar, today: Date) -> Option<Deadlines> {
        self.clock.as_ref().map(|c| c.deadlines(cal, today))
    }

    /// The milestone the light is measured against: what the unit owes while it holds the item, the feedback (回访)
    /// while the answer awaits the enterprise (kinds without feedback: none).
    pub fn watched_milestone(&self) -> Option<Milestone> {
        let clock = self.clock.as_ref()?;
        match self.status {
            s if s.is_with_unit() || s == Status::Waiting => clock.next_unit_milestone(),
            Status::Answered if self.kind.awaits_feedback() => Some(Milestone::Feedback),
            _ => None,
        }
    }

    /// 红黄绿灯 for an open item; `None` for items with no running deadline (drafts, unassigned, ended).
    pub fn light(&self, cal: &WorkingCalendar, today: Date) -> Option<Light> {
        let milestone = self.watched_milestone()?;
        self.clock.as_ref().map(|c| c.light(cal, today, milestone))
    }

    /// The escalation steps due today and not yet taken in this cycle, as the actions that take them.
    pub fn due_escalations(&self, cal: &WorkingCalendar, ladder: &EscalationLadder, today: Date) -> Vec<Action> {
        let (Some(clock), true) = (&self.clock, self.status.is_with_unit()) else { return Vec::new() };
        let Some(milestone) = clock.next_unit_milestone() else { return Vec::new() };
        ladder
            .triggered(clock, cal, today, milestone)
            .into_iter()
            .filter(|step| !self.escalations.contains(&(milestone, *step)))
            .map(|step| Action::Escalate { step, milestone })
            .collect()
    }

    /// Whether the resolution counts as on time (按期办结): the answer that resolved it came by 24:00 of its cycle's
    /// resolve deadline, with approved extensions and pauses. `None` unless resolved.
    pub fn resolved_on_time(&self, cal: &WorkingCalendar) -> Option<bool> {
        if !self.resolved {
            return None;
        }
        // A resolved appeal was answered, so it was assigned: the clock is there.
        self.clock.as_ref().and_then(|c| c.met_on_time(cal, Milestone::Resolve))
    }

    /// Working days from the first assignment to the answer that resolved it (SPEC §6 avg_working_days).
    pub fn resolution_working_days(&self, cal: &WorkingCalendar) -> Option<u32> {
        let (true, Some(from), Some(to)) = (self.resolved, self.first_assigned_at, self.answered_at) else {
            return None;
        };
        Some(cal.working_days_between(local_date(from), local_date(to)))
    }

    /// If the unit still owes its answer at `day` and the resolve deadline has passed: that deadline and the working
    /// days past it (超期未办结). The state must be the appeal as it stood at `day`.
    pub fn resolve_overdue(&self, cal: &WorkingCalendar, day: Date) -> Option<(Date, u32)> {
        if !(self.status.is_with_unit() || self.status == Status::Waiting) {
            return None;
        }
        self.clock.as_ref()?.resolve_overdue(cal, day)
    }

    /// An answer the enterprise has neither confirmed nor rejected for `after` working days (normally
    /// [`AUTO_CLOSE_AFTER`]) closes by itself.
    pub fn auto_close_due(&self, cal: &WorkingCalendar, today: Date, after: u32) -> bool {
        self.status == Status::Answered
            && !self.kind.allowed_roles(ActionKind::AutoClose).is_empty()
            && self.answered_at.is_some_and(|at| cal.working_days_between(local_date(at), today) >= after)
    }
}

fn no_pending(kind: ActionKind) -> TransitionError {
    invalid(kind, "没有待审批的延期申请", "no extension request is pending")
}
