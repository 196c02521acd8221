use jiff::civil::date;
use jiff::{Timestamp, ToSpan};
use proptest::prelude::*;

use super::*;
use crate::DeadlinePolicy;
use crate::calendar::WorkingCalendar;
use crate::deadline::{EscalationKind, EscalationLadder, Light, Milestone};
use crate::dispute::{Forum, Outcome};
use crate::kind::Kind;
use crate::role::Role;
use crate::values::{Fen, Stars};

fn at(s: &str) -> Timestamp {
    s.parse().expect("valid timestamp")
}

/// Drives one appeal through actions, as the store would: each event gets the next seq.
struct Story {
    state: Appeal,
    events: Vec<Event>,
}

impl Story {
    fn new(when: &str) -> Self {
        let event = Event {
            seq: 1,
            at: at(when),
            actor: Actor::user(1, Role::Enterprise),
            action: Action::Create { category: "financing".into(), draft: false },
        };
        Story { state: Appeal::create(&event).expect("create"), events: vec![event] }
    }

    fn try_do(&mut self, when: &str, role: Role, action: Action) -> Result<(), TransitionError> {
        let event = Event { seq: self.state.version + 1, at: at(when), actor: Actor::user(7, role), action };
        self.state = self.state.apply(&event)?;
        self.events.push(event);
        Ok(())
    }

    fn act(&mut self, when: &str, role: Role, action: Action) {
        self.try_do(when, role, action).expect("legal step");
    }
}

fn assign(unit_id: i64) -> Action {
    Action::assign_standard(unit_id, "financing")
}

#[test]
fn the_whole_loop_with_a_reopen() {
    let mut s = Story::new("2024-03-04T01:00:00Z");
    s.act("2024-03-04T02:00:00Z", Role::Dispatcher, assign(3));
    s.act("2024-03-04T03:00:00Z", Role::Handler, Action::Acknowledge);
    s.act("2024-03-05T03:00:00Z", Role::Handler, Action::Reply { text: "已联系企业，正在协调银行".into() });
    s.act("2024-03-08T03:00:00Z", Role::Handler, Action::Answer { text: "已放款300万元".into() });
    s.act("2024-03-09T03:00:00Z", Role::Enterprise, Action::Reject { reason: "只放款一半".into() });
    assert_eq!(s.state.status, Status::Reopened);
    assert_eq!(s.state.reopen_count, 1);
    // A reopen starts a fresh cycle on the reject date.
    let cal = WorkingCalendar::official();
    assert_eq!(s.state.deadlines(&cal, date(2024, 3, 9)).map(|d| d.start), Some(date(2024, 3, 9)));
    s.act("2024-03-11T03:00:00Z", Role::Handler, Action::Acknowledge);
    s.act("2024-03-12T03:00:00Z", Role::Handler, Action::Answer { text: "余款已放".into() });
    let five = Stars::new(5).expect("valid");
    s.act("2024-03-12T05:00:00Z", Role::Enterprise, Action::Confirm { rating: Some(five), comment: "满意".into() });
    assert_eq!(s.state.status, Status::Closed);
    assert!(s.state.resolved);
    assert_eq!(s.state.rating, Some(five));
    assert_eq!(s.state.version, 9);
    assert_eq!(Appeal::replay(&s.events).expect("replays"), Some(s.state.clone()));
}

#[test]
fn an_illegal_action_names_the_state_and_the_action() {
    let mut s = Story::new("2024-03-04T01:00:00Z");
    let err = s.try_do("2024-03-04T02:00:00Z", Role::Handler, Action::Answer { text: "x".into() });
    assert_eq!(err, Err(TransitionError::Illegal { status: Status::Submitted, action: ActionKind::Answer }));
    let msg = err.expect_err("refused").to_string();
    assert!(
        msg.contains("待交办") && msg.contains("答复办结") && msg.contains("answer") && msg.contains("submitted"),
        "{msg}"
    );
    assert_eq!(s.state.version, 1, "a refused action changes nothing");
}

#[test]
fn a_role_cannot_take_another_roles_action() {
    let mut s = Story::new("2024-03-04T01:00:00Z");
    let err = s.try_do("2024-03-04T02:00:00Z", Role::Enterprise, assign(3));
    assert_eq!(err, Err(TransitionError::Forbidden { role: Role::Enterprise, action: ActionKind::Assign }));
    let err = s.try_do("2024-03-04T02:00:00Z", Role::Auditor, Action::Withdraw { reason: "x".into() });
    assert!(matches!(err, Err(TransitionError::Forbidden { .. })));
}

#[test]
fn a_closed_appeal_never_changes() {
    let mut s = Story::new("2024-03-04T01:00:00Z");
    s.act("2024-03-04T02:00:00Z", Role::Dispatcher, Action::RejectInvalid { reason: "重复提交".into() });
    for (role, action) in [
        (Role::Dispatcher, assign(3)),
        (Role::Leader, Action::Instruct { text: "请抓紧".into() }),
        (Role::Enterprise, Action::Withdraw { reason: "x".into() }),
        (Role::Dispatcher, Action::Merge { common_issue_id: 1 }),
    ] {
        assert!(matches!(s.try_do("2024-03-05T02:00:00Z", role, action), Err(TransitionError::Illegal { .. })));
    }
}

#[test]
fn a_common_issues_answer_brings_each_merged_appeal_back_for_its_enterprise_to_rate() {
    // Merged before assignment: no clock, no unit. The answer gives both, and only a merged appeal takes it.
    let mut s = Story::new("2024-03-04T01:00:00Z");
    let answer = || Action::ResolveCommon { text: "统一协调供电公司扩容".into(), unit_id: 5 };
    assert!(matches!(
        s.try_do("2024-03-04T02:00:00Z", Role::Dispatcher, answer()),
        Err(TransitionError::Illegal { .. })
    ));
    s.act("2024-03-04T02:00:00Z", Role::Dispatcher, Action::Merge { common_issue_id: 1 });
    assert!(s.state.closed_at.is_some() && !s.state.resolved);
    let blank = Action::ResolveCommon { text: " ".into(), unit_id: 5 };
    assert!(matches!(s.try_do("2024-03-08T02:00:00Z", Role::Dispatcher, blank), Err(TransitionError::Invalid { .. })));
    s.act("2024-03-08T02:00:00Z", Role::Dispatcher, answer());
    assert_eq!((s.state.status, s.state.unit_id, s.state.closed_at), (Status::Answered, Some(5), None));
    assert!(s.state.answered_at.is_some() && s.state.offers(ActionKind::Confirm));
    let mut rated = Story { state: s.state.clone(), events: s.events.clone() };
    rated.act(
        "2024-03-09T02:00:00Z",
        Role::Enterprise,
        Action::Confirm { rating: Stars::new(5).ok(), comment: String::new() },
    );
    assert!(rated.state.resolved && rated.state.resolved_on_time(&WorkingCalendar::official()) == Some(true));
    // Rejected, it goes back to the lead unit of the issue.
    s.act("2024-03-09T02:00:00Z", Role::Enterprise, Action::Reject { reason: "仍未通电".into() });
    assert_eq!((s.state.status, s.state.unit_id), (Status::Reopened, Some(5)));
    assert_eq!(Appeal::replay(&s.events).expect("replays"), Some(s.state.clone()));
}

#[test]
fn blank_reasons_and_bad_extensions_are_refused() {
    let mut s = Story::new("2024-03-04T01:00:00Z");
    assert!(matches!(
        s.try_do("2024-03-04T02:00:00Z", Role::Dispatcher, Action::RejectInvalid { reason: "   ".into() }),
        Err(TransitionError::Invalid { .. })
    ));
    s.act("2024-03-04T02:00:00Z", Role::Dispatcher, assign(3));
    s.act("2024-03-04T03:00:00Z", Role::Handler, Action::Acknowledge);
    let ask = |days| Action::RequestExtension { days, reason: "需会商".into() };
    assert!(s.try_do("2024-03-04T04:00:00Z", Role::Handler, ask(0)).is_err());
    assert!(s.try_do("2024-03-04T04:00:00Z", Role::Handler, ask(61)).is_err());
    s.act("2024-03-04T04:00:00Z", Role::Handler, ask(5));
    assert!(s.try_do("2024-03-04T05:00:00Z", Role::Handler, ask(3)).is_err(), "one request at a time");
    // Events may not go back in time: refused for that, naming the step they would follow.
    let early = s.try_do("2024-03-01T05:00:00Z", Role::Dispatcher, Action::ApproveExtension);
    assert!(matches!(early, Err(TransitionError::BeforePrevious { previous: Some(ActionKind::RequestExtension), .. })));
    let message = early.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.starts_with("「批准延期」的时间2024-03-01 13:00早于该诉求上一步「申请延期」的时间2024-03-04 12:00"),
        "{message}"
    );
}

#[test]
fn an_action_the_state_forbids_is_refused_for_the_state_whatever_its_time() {
    let mut s = Story::new("2024-03-04T01:00:00Z");
    s.act("2024-03-04T02:00:00Z", Role::Dispatcher, assign(3));
    // Answering before signing for the item, dated before the assignment: the state is what is wrong.
    let early = s.try_do("2024-03-04T01:30:00Z", Role::Handler, Action::Answer { text: "已解决".into() });
    assert_eq!(early, Err(TransitionError::Illegal { status: Status::Assigned, action: ActionKind::Answer }));
}

#[test]
fn an_approved_extension_moves_resolve_and_a_refused_one_does_not() {
    let cal = WorkingCalendar::official();
    let mut s = Story::new("2024-03-04T01:00:00Z");
    s.act("2024-03-04T02:00:00Z", Role::Dispatcher, assign(3));
    s.act("2024-03-04T03:00:00Z", Role::Handler, Action::Acknowledge);
    let today = date(2024, 3, 6);
    let before = s.state.deadlines(&cal, today).expect("assigned");
    s.act("2024-03-05T03:00:00Z", Role::Handler, Action::RequestExtension { days: 3, reason: "需上级审批".into() });
    s.act("2024-03-05T04:00:00Z", Role::Dispatcher, Action::RefuseExtension { reason: "不符合延期条件".into() });
    assert_eq!(s.state.deadlines(&cal, today), Some(before));
    s.act("2024-03-05T05:00:00Z", Role::Handler, Action::RequestExtension { days: 3, reason: "需上级审批".into() });
    s.act("2024-03-05T06:00:00Z", Role::Dispatcher, Action::ApproveExtension);
    let after = s.state.deadlines(&cal, today).expect("assigned");
    assert_eq!(cal.working_days_between(before.resolve, after.resolve), 3);
}

#[test]
fn waiting_for_material_stops_the_clock() {
    let cal = WorkingCalendar::official();
    let mut s = Story::new("2024-03-04T01:00:00Z");
    s.act("2024-03-04T02:00:00Z", Role::Dispatcher, assign(3));
    s.act("2024-03-04T03:00:00Z", Role::Handler, Action::Acknowledge);
    s.act("2024-03-05T03:00:00Z", Role::Handler, Action::RequestMaterial { what: "请补充近三年财务报表".into() });
    assert_eq!(s.state.light(&cal, date(2024, 4, 30)), Some(Light::Normal));
    s.act("2024-03-07T03:00:00Z", Role::Enterprise, Action::SupplyMaterial { text: "已上传".into() });
    assert_eq!(s.state.status, Status::InProgress);
    // Tue, Wed, Thu touched by the pause: resolve moves from 03-13 to 03-18.
    assert_eq!(s.state.deadlines(&cal, date(2024, 3, 7)).map(|d| d.resolve), Some(date(2024, 3, 18)));
}

#[test]
fn the_ladder_runs_once_per_step_and_auto_close_waits_five_working_days() {
    let cal = WorkingCalendar::official();
    let ladder = EscalationLadder::default();
    let mut s = Story::new("2024-03-04T01:00:00Z");
    s.act("2024-03-04T02:00:00Z", Role::Dispatcher, assign(3));
    // Not signed for: acknowledge was due 03-05; by 03-08 three working days late.
    let due = s.state.due_escalations(&cal, &ladder, date(2024, 3, 8));
    assert_eq!(due.len(), 3);
    for action in due {
        s.act("2024-03-08T01:00:00Z", Role::System, action);
    }
    assert!(s.state.due_escalations(&cal, &ladder, date(2024, 3, 8)).is_empty());
    assert_eq!(
        s.state.due_escalations(&cal, &ladder, date(2024, 3, 12)),
        vec![Action::Escalate { step: EscalationKind::Accountability, milestone: Milestone::Acknowledge }]
    );
    s.act("2024-03-12T01:00:00Z", Role::Handler, Action::Acknowledge);
    s.act("2024-03-12T02:00:00Z", Role::Handler, Action::Answer { text: "已办结".into() });
    assert!(!s.state.auto_close_due(&cal, date(2024, 3, 18), 5));
    assert!(s.state.auto_close_due(&cal, date(2024, 3, 19), 5));
    s.act("2024-03-19T01:00:00Z", Role::System, Action::AutoClose);
    assert!(s.state.resolved && s.state.rating.is_none());
}

// ---- property tests ----

fn action_for(index: u8) -> Action {
    match index % 25 {
        0 => Action::Submit,
        1 | 2 => assign(3 + i64::from(index % 2)),
        3 => Action::Acknowledge,
        4 => Action::Reply { text: "正在办理".into() },
        5 => Action::Return { reason: "非本单位职责".into() },
        6 | 7 => Action::Answer { text: "已解决".into() },
        8 => Action::RequestExtension { days: 1 + u16::from(index % 7), reason: "需会商".into() },
        9 => Action::ApproveExtension,
        10 => Action::RefuseExtension { reason: "不予延期".into() },
        11 => Action::RequestMaterial { what: "补充材料".into() },
        12 => Action::SupplyMaterial { text: "已补充".into() },
        13 => Action::Confirm { rating: Stars::new(1 + index % 5).ok(), comment: String::new() },
        14 => Action::Reject { reason: "未解决".into() },
        15 => Action::AutoClose,
        16 => Action::Withdraw { reason: "已自行解决".into() },
        17 => Action::RejectInvalid { reason: "非涉企问题".into() },
        18 => Action::Merge { common_issue_id: 9 },
        19 => Action::ResolveCommon { text: "统一协调解决".into(), unit_id: 5 },
        21 => Action::Transfer {
            forum: Forum::Mediator,
            unit_id: 6,
            mediator_id: Some(40),
            category: "劳动争议".into(),
            policy: DeadlinePolicy::standard(),
        },
        22 => Action::Transfer {
            forum: Forum::Court,
            unit_id: 7,
            mediator_id: None,
            category: "合同纠纷".into(),
            policy: DeadlinePolicy::standard(),
        },
        23 => Action::Conclude {
            outcome: Outcome::Mediated,
            agreed: Some(Fen::new(i64::from(index) * 1_000_000).expect("non-negative")),
            text: "双方达成和解".into(),
        },
        24 => Action::Conclude { outcome: Outcome::Failed, agreed: None, text: "双方分歧较大".into() },
        _ => Action::Escalate { step: EscalationKind::Urge, milestone: Milestone::Acknowledge },
    }
}

/// The actions that may move due dates: a new cycle (assign, reopen, a common issue's answer to an appeal merged
/// before assignment), an approved extension, a pause that starts, and a return, which ends the cycle.
fn may_move_deadlines(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::Assign
            | ActionKind::Transfer
            | ActionKind::ResolveCommon
            | ActionKind::Reject
            | ActionKind::ApproveExtension
            | ActionKind::RequestMaterial
            | ActionKind::Return
    )
}

/// Drives a random history of an item of `kind` and checks the invariants every kind keeps.
fn check_random_history(
    kind_of_item: Kind,
    draft: bool,
    steps: Vec<(u8, bool, usize, i64)>,
) -> Result<(), TestCaseError> {
    let cal = WorkingCalendar::official();
    let start = at("2024-01-29T01:00:00Z");
    let creator = kind_of_item.allowed_roles(ActionKind::Create)[0];
    let draft = draft && kind_of_item == Kind::Appeal;
    let first = Event {
        seq: 1,
        at: start,
        actor: Actor::user(1, creator),
        action: Action::Create { category: "land".into(), draft },
    };
    let mut state = Appeal::create_as(kind_of_item, &first).expect("create");
    let mut events = vec![first];
    let mut now = start;
    for (index, use_allowed_role, role_index, gap_hours) in steps {
        now = now.checked_add(gap_hours.hours()).expect("in range");
        let action = action_for(index);
        let kind = action.kind();
        let allowed = kind_of_item.allowed_roles(kind);
        let use_allowed_role = use_allowed_role && !allowed.is_empty();
        let role = if use_allowed_role { allowed[role_index % allowed.len()] } else { Role::ALL[role_index] };
        let event = Event { seq: state.version + 1, at: now, actor: Actor::user(2, role), action };
        let today = crate::time::local_date(now);
        let offered = state.offers(kind);
        let result = state.apply(&event);
        // A page offers exactly the actions that are legal now (an escalation may also be refused as a repeat).
        if use_allowed_role && kind != ActionKind::Escalate {
            prop_assert_eq!(offered, result.is_ok(), "{} offers {}: {}", state.status, kind, offered);
        }
        match result {
            Ok(next) => {
                // An ended item never changes, but for a merged appeal answered with its common issue.
                let answered_with_issue = state.status == Status::Merged && kind == ActionKind::ResolveCommon;
                prop_assert!(
                    !state.status.is_terminal() || answered_with_issue,
                    "a {} item changed by {}",
                    state.status,
                    kind
                );
                prop_assert!(allowed.contains(&role));
                prop_assert_eq!(next.version, state.version + 1);
                if !may_move_deadlines(kind) {
                    prop_assert_eq!(
                        state.deadlines(&cal, today),
                        next.deadlines(&cal, today),
                        "{} moved deadlines",
                        kind
                    );
                }
                prop_assert_eq!(next.status.is_terminal(), next.closed_at.is_some());
                prop_assert!(!next.resolved || next.status == Status::Closed);
                prop_assert!(
                    next.clock.is_some()
                        || !(next.status.is_with_unit()
                            || next.status == Status::Waiting
                            || next.status == Status::Answered)
                );
                prop_assert_eq!(next.status == Status::Waiting, next.clock.as_ref().is_some_and(|c| c.is_paused()));
                // A dispute's outcome, once recorded, stays: the figures count it from the day it was recorded.
                let outcome = |a: &Appeal| a.mediation.as_ref().and_then(|m| m.outcome);
                prop_assert!(outcome(&state).is_none() || outcome(&state) == outcome(&next));
                prop_assert_eq!(next.mediation.is_some(), kind_of_item == Kind::Dispute);
                // The figures count the light and the overdue status from the outlook's days (issue 17).
                if let Err(e) = super::outlook::agrees(&next, &cal, today, 40) {
                    prop_assert!(false, "after {}: {}", kind, e);
                }
                state = next;
                events.push(event);
            }
            Err(_) => prop_assert_eq!(state.version as usize, events.len()),
        }
    }
    // Replaying the stored form of the history gives the same state.
    let stored = serde_json::to_string(&events).expect("serialises");
    let loaded: Vec<Event> = serde_json::from_str(&stored).expect("deserialises");
    prop_assert_eq!(Appeal::replay_as(kind_of_item, &loaded).expect("history replays"), Some(state.clone()));
    let snapshot: Appeal = serde_json::from_str(&serde_json::to_string(&state).expect("ser")).expect("de");
    prop_assert_eq!(snapshot, state);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_histories_keep_the_invariants(
        draft in any::<bool>(),
        steps in prop::collection::vec((any::<u8>(), any::<bool>(), 0usize..12, 0i64..80), 0..60),
    ) {
        check_random_history(Kind::Appeal, draft, steps)?;
    }

    #[test]
    fn random_dispute_histories_keep_the_invariants(
        steps in prop::collection::vec((any::<u8>(), any::<bool>(), 0usize..12, 0i64..80), 0..60),
    ) {
        check_random_history(Kind::Dispute, false, steps)?;
    }
}

#[test]
fn a_dispute_is_transferred_mediated_concluded_and_evaluated() {
    let create = Event {
        seq: 1,
        at: at("2024-03-04T01:00:00Z"),
        actor: Actor::user(1, Role::Workstation),
        action: Action::Create { category: "合同纠纷".into(), draft: false },
    };
    let mut s = Story { state: Appeal::create_as(Kind::Dispute, &create).expect("create"), events: vec![create] };
    assert_eq!(s.state.status, Status::Submitted);
    // A transfer to a mediator names the mediator; the type must be one of the dispute types.
    let transfer = |forum, mediator_id, category: &str| Action::Transfer {
        forum,
        unit_id: 6,
        mediator_id,
        category: category.into(),
        policy: DeadlinePolicy::standard(),
    };
    assert!(s.try_do("2024-03-04T02:00:00Z", Role::Workstation, transfer(Forum::Mediator, None, "合同纠纷")).is_err());
    assert!(s.try_do("2024-03-04T02:00:00Z", Role::Workstation, transfer(Forum::Mediator, Some(40), "吵架")).is_err());
    assert!(
        s.try_do("2024-03-04T02:00:00Z", Role::Dispatcher, transfer(Forum::Mediator, Some(40), "合同纠纷")).is_err()
    );
    s.act("2024-03-04T02:00:00Z", Role::Workstation, transfer(Forum::Mediator, Some(40), "买卖纠纷"));
    assert_eq!(s.state.category, "买卖纠纷");
    s.act("2024-03-04T03:00:00Z", Role::Mediator, Action::Acknowledge);
    s.act("2024-03-05T03:00:00Z", Role::Mediator, Action::Reply { text: "第一次调解：双方陈述".into() });
    // An answer is not a dispute's step; a mediated outcome states the agreed amount, and only it.
    assert!(s.try_do("2024-03-06T03:00:00Z", Role::Mediator, Action::Answer { text: "调解完毕".into() }).is_err());
    let conclude = |outcome, agreed: Option<i64>| Action::Conclude {
        outcome,
        agreed: agreed.map(|f| Fen::new(f).expect("non-negative")),
        text: "双方签订调解协议".into(),
    };
    assert!(s.try_do("2024-03-06T03:00:00Z", Role::Mediator, conclude(Outcome::Mediated, None)).is_err());
    assert!(s.try_do("2024-03-06T03:00:00Z", Role::Mediator, conclude(Outcome::Failed, Some(5))).is_err());
    s.act("2024-03-06T03:00:00Z", Role::Mediator, conclude(Outcome::Mediated, Some(120_000_000)));
    assert_eq!(s.state.status, Status::Answered);
    // The enterprise evaluates; it cannot send the case back.
    assert!(s.try_do("2024-03-07T03:00:00Z", Role::Enterprise, Action::Reject { reason: "不满意".into() }).is_err());
    s.act(
        "2024-03-07T03:00:00Z",
        Role::Enterprise,
        Action::Confirm { rating: Stars::new(5).ok(), comment: "调解及时".into() },
    );
    assert_eq!(s.state.status, Status::Closed);
    let m = s.state.mediation.clone().expect("a dispute keeps its mediation");
    assert_eq!((m.forum, m.mediator_id, m.outcome), (Some(Forum::Mediator), Some(40), Some(Outcome::Mediated)));
    assert_eq!(m.agreed.map(Fen::fen), Some(120_000_000));
    assert_eq!(Appeal::replay_as(Kind::Dispute, &s.events).expect("replays"), Some(s.state.clone()));
}
