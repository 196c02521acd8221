//! 重点工作周交办 on the work-item engine (issue 15): the office records a meeting and its tasks; the lead unit signs
//! for, reports and finishes a task; the office judges it 完成 or 未完成. The same loop as appeals — deadlines,
//! escalation, conflicts, audit — with the task's own roles. Every test runs on SQLite and, with `ZHUQI_TEST_PG`, on
//! PostgreSQL.

mod support;

use support::*;
use zhuqi_domain::{
    Action, ActionKind, Actor, DeadlinePolicy, EscalationLadder, Kind, Light, Role, Stars, Status, WorkingCalendar,
};
use zhuqi_store::{MeetingRecord, NewMeeting, NewTask, NewUser, Outcome, Principal, Store, StoreError, TaskDue};

struct Office {
    office: i64,
    county_office: i64,
    leader: i64,
    other_handler: i64,
    other_unit: i64,
}

async fn seed_office(store: &Store) -> Office {
    store
        .transaction(sys(), |w| {
            let other_unit = w.insert_unit("周口市发展和改革委员会", &code("411600"))?;
            let handler = NewUser { unit_id: Some(other_unit), ..person("fagai", Role::Handler, "411600") };
            Ok::<_, StoreError>(Office {
                office: w.insert_user(&person("zhengfuban", Role::Office, "411600"))?,
                county_office: w.insert_user(&person("chuanhui", Role::Office, "411602"))?,
                leader: w.insert_user(&person("lingdao", Role::Leader, "411600"))?,
                other_handler: w.insert_user(&handler)?,
                other_unit,
            })
        })
        .await
        .expect("seed the office")
}

async fn principal(store: &Store, id: i64) -> Principal {
    store.principal(id).await.expect("principal")
}

fn meeting() -> NewMeeting {
    NewMeeting {
        region: code("411600"),
        title: "市政府2024年第10次重点工作周交办会议".into(),
        held_on: "2024-03-04".parse().expect("date"),
        chair: "常务副市长".into(),
        attendees: "市发展改革委、市财政局、市地方金融监管局等单位主要负责同志".into(),
    }
}

fn task(meeting: &MeetingRecord, unit_id: i64, due: TaskDue) -> NewTask {
    NewTask {
        meeting_id: meeting.id,
        area: "经济运行".into(),
        content: "协调银行机构为重点企业续贷，一季度新增普惠小微贷款不低于20亿元".into(),
        leader: "王副市长".into(),
        expected: "3月底前完成续贷对接".into(),
        unit_id,
        co_unit_ids: Vec::new(),
        due,
    }
}

/// Monday 2024-03-04 09:00 in Shanghai, plus `hours`.
fn monday(hours: i64) -> jiff::Timestamp {
    at("2024-03-04T01:00:00Z") + jiff::SignedDuration::from_hours(hours)
}

#[tokio::test]
async fn a_task_goes_round_the_loop_and_the_office_judges_it_done() {
    for db in backends("tasks_loop").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let o = seed_office(s).await;
        let office = principal(s, o.office).await;
        let unit = principal(s, city.handler).await;
        let m = s.create_meeting_as(&office, "t", meeting(), monday(0), None).await.expect("meeting");
        let due: jiff::civil::Date = "2024-03-29".parse().expect("date");
        let t = s
            .create_task_as(&office, "t", task(&m, city.unit_id, TaskDue::On(due)), monday(2), None)
            .await
            .expect("task");
        assert_eq!(t.number.to_string(), "JB-2024-000001", "{b}");
        assert_eq!((t.state.kind, t.state.status, t.due_on), (Kind::Task, Status::Assigned, Some(due)), "{b}");
        let cal = WorkingCalendar::official();
        let deadlines = t.state.deadlines(&cal, due).expect("a clock");
        assert_eq!((deadlines.resolve, deadlines.acknowledge), (due, "2024-03-05".parse().expect("date")), "{b}");

        // The lead unit signs for it, reports progress and reports it done; each step on the loop, audited.
        let t = s.act_on_task(&unit, "t", t.id, 2, Action::Acknowledge, monday(3)).await.expect("sign");
        let progress = Action::Reply { text: "已召开银企对接会，梳理续贷需求企业46家".into() };
        let t = s.act_on_task(&unit, "t", t.id, 3, progress, monday(30)).await.expect("progress");
        let done = Action::Answer { text: "已完成续贷对接，新增普惠小微贷款22.6亿元".into() };
        let t = s.act_on_task(&unit, "t", t.id, 4, done, monday(200)).await.expect("done");
        assert_eq!(t.state.status, Status::Answered, "{b}");

        // Not rated, and never closed by the clock: the office judges it at the meeting.
        let rated = Action::Confirm { rating: Some(Stars::new(5).expect("stars")), comment: String::new() };
        let refused = s.act_on_task(&office, "t", t.id, 5, rated, monday(201)).await;
        assert!(matches!(refused, Err(StoreError::Transition(_))), "{b}: {refused:?}");
        assert!(!t.state.auto_close_due(&cal, "2024-06-28".parse().expect("date"), 5), "{b}");
        // Reported done, it waits for the office's meeting under no deadline: no light, whatever the date.
        assert_eq!(t.state.light(&cal, "2024-06-28".parse().expect("date")), None, "{b}");
        let confirm = Action::Confirm { rating: None, comment: "按期完成".into() };
        let t = s.act_on_task(&office, "t", t.id, 5, confirm, monday(202)).await.expect("完成");
        assert!(t.state.resolved && t.state.status == Status::Closed, "{b}");
        assert_eq!(t.state.resolved_on_time(&cal), Some(true), "{b}");

        let events = s.task_events_for(&office, t.id).await.expect("events");
        let kinds: Vec<ActionKind> = events.iter().map(|e| e.action.kind()).collect();
        use ActionKind::*;
        assert_eq!(kinds, [Create, Assign, Acknowledge, Reply, Answer, Confirm], "{b}");
        assert_eq!(zhuqi_domain::Appeal::replay_as(Kind::Task, &events).expect("replays"), Some(t.state), "{b}");
        let verdict = s.verify_audit(None, |_, _| {}).await.expect("verify");
        assert!(matches!(verdict, zhuqi_store::AuditVerdict::Intact { .. }), "{b}: {verdict:?}");
    }
}

#[tokio::test]
async fn each_role_takes_only_its_own_steps_within_its_scope() {
    for db in backends("tasks_roles").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let o = seed_office(s).await;
        let office = principal(s, o.office).await;
        let county = principal(s, o.county_office).await;
        let unit = principal(s, city.handler).await;
        let other = principal(s, o.other_handler).await;
        let leader = principal(s, o.leader).await;
        let dispatcher = principal(s, city.dispatcher).await;
        let company = principal(s, city.enterprise_user).await;

        // Only the office records meetings and tasks, and only for its own region.
        for p in [&dispatcher, &unit, &leader, &company] {
            let refused = s.create_meeting_as(p, "t", meeting(), monday(0), None).await;
            assert!(matches!(refused, Err(StoreError::Forbidden(_))), "{b} {}: {refused:?}", p.username);
        }
        let refused = s.create_meeting_as(&county, "t", meeting(), monday(0), None).await;
        assert!(matches!(refused, Err(StoreError::Forbidden(_))), "{b}: a county office records no city meeting");
        let m = s.create_meeting_as(&office, "t", meeting(), monday(0), None).await.expect("meeting");
        let twice = s.create_meeting_as(&office, "t", meeting(), monday(0), None).await;
        assert!(matches!(twice, Err(StoreError::Invalid(_))), "{b}: one meeting of a title: {twice:?}");
        let policy = TaskDue::Policy(DeadlinePolicy::standard());
        let refused = s.create_task_as(&county, "t", task(&m, city.unit_id, policy.clone()), monday(1), None).await;
        assert!(matches!(refused, Err(StoreError::NotFound(_))), "{b}: the city's meeting is not the county's");
        let mut co = task(&m, city.unit_id, policy.clone());
        co.co_unit_ids = vec![o.other_unit];
        let t = s.create_task_as(&office, "t", co, monday(1), None).await.expect("task");

        // The co-unit sees the task but takes no lead unit's step; the enterprise and the dispatcher see nothing.
        assert!(s.task_for(&other, t.id).await.is_ok(), "{b}: the co-unit sees it");
        let taken = s.act_on_task(&other, "t", t.id, 2, Action::Acknowledge, monday(2)).await;
        assert!(matches!(taken, Err(StoreError::Forbidden(_))), "{b}: {taken:?}");
        for p in [&company, &dispatcher, &county] {
            let seen = s.task_for(p, t.id).await;
            assert!(matches!(seen, Err(StoreError::NotFound(_))), "{b} {}: {seen:?}", p.username);
        }
        assert_eq!(s.meetings_for(&unit).await.expect("meetings").len(), 1, "{b}: a unit sees its meetings");
        assert!(s.meetings_for(&company).await.expect("meetings").is_empty(), "{b}");
        // The office may not take the unit's steps; the unit may not judge its own task done.
        let taken = s.act_on_task(&office, "t", t.id, 2, Action::Acknowledge, monday(2)).await;
        assert!(matches!(taken, Err(StoreError::Forbidden(_))), "{b}: {taken:?}");
        let t = s.act_on_task(&unit, "t", t.id, 2, Action::Acknowledge, monday(2)).await.expect("sign");
        let answer = Action::Answer { text: "已完成".into() };
        let t = s.act_on_task(&unit, "t", t.id, 3, answer, monday(3)).await.expect("done");
        let judge = Action::Confirm { rating: None, comment: String::new() };
        let taken = s.act_on_task(&unit, "t", t.id, 4, judge, monday(4)).await;
        assert!(matches!(taken, Err(StoreError::Forbidden(_))), "{b}: {taken:?}");
        // 未完成: back to the unit with a new deadline.
        let undone = Action::Reject { reason: "续贷对接企业未全覆盖".into() };
        let t = s.act_on_task(&office, "t", t.id, 4, undone, monday(5)).await.expect("未完成");
        assert_eq!((t.state.status, t.state.reopen_count), (Status::Reopened, 1), "{b}");
        // Steps a task does not have are refused as such.
        let material = Action::RequestMaterial { what: "补充材料".into() };
        let refused = s.act_on_task(&unit, "t", t.id, 5, material, monday(6)).await;
        assert!(refused.is_err(), "{b}: a task asks no enterprise for material");
        // A leader reads and instructs.
        let t = s.task_for(&leader, t.id).await.expect("the leader sees it");
        let note = Action::Instruct { text: "务必月底前全覆盖".into() };
        s.act_on_task(&leader, "t", t.id, 5, note, monday(7)).await.expect("批示");
    }
}

#[tokio::test]
async fn bad_tasks_are_refused_and_change_nothing() {
    for db in backends("tasks_bad_input").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let o = seed_office(s).await;
        let office = principal(s, o.office).await;
        let m = s.create_meeting_as(&office, "t", meeting(), monday(0), None).await.expect("meeting");
        let before_meeting = TaskDue::On("2024-03-01".parse().expect("date"));
        let same_day = TaskDue::On("2024-03-04".parse().expect("date"));
        let policy = TaskDue::Policy(DeadlinePolicy::standard());
        let cases = [
            ("due before its meeting", task(&m, city.unit_id, before_meeting)),
            ("no working day to do it", task(&m, city.unit_id, same_day)),
            ("an unknown unit", task(&m, 9_999, policy.clone())),
            (
                "a co-unit that is the lead unit",
                NewTask { co_unit_ids: vec![city.unit_id], ..task(&m, city.unit_id, policy.clone()) },
            ),
            ("no content", NewTask { content: "  ".into(), ..task(&m, city.unit_id, policy.clone()) }),
            ("no leader", NewTask { leader: String::new(), ..task(&m, city.unit_id, policy.clone()) }),
            ("an unknown meeting", NewTask { meeting_id: 9_999, ..task(&m, city.unit_id, policy.clone()) }),
        ];
        for (why, new) in cases {
            let refused = s.create_task_as(&office, "t", new, monday(1), None).await;
            assert!(
                matches!(refused, Err(StoreError::Invalid(_) | StoreError::NotFound(_))),
                "{b}: {why}: {refused:?}"
            );
        }
        assert!(s.meeting_tasks(&office, m.id).await.expect("tasks").is_empty(), "{b}: nothing written");
        // A stale version is a conflict, not a silent overwrite.
        let t = s.create_task_as(&office, "t", task(&m, city.unit_id, policy), monday(1), None).await.expect("task");
        assert_eq!(t.number.to_string(), "JB-2024-000001", "{b}: refused tasks took no number");
        let unit = principal(s, city.handler).await;
        s.act_on_task(&unit, "t", t.id, 2, Action::Acknowledge, monday(2)).await.expect("sign");
        let stale = s.act_on_task(&unit, "t", t.id, 2, Action::Reply { text: "进展".into() }, monday(3)).await;
        assert!(matches!(stale, Err(StoreError::Conflict { expected: 2, actual: 3 })), "{b}: {stale:?}");
        // A form posted twice hands out one task.
        let key = || zhuqi_store::IdempotencyKey::parse("task-form-1").ok();
        let again = || task(&m, city.unit_id, TaskDue::Policy(DeadlinePolicy::standard()));
        let first = s.create_task_as(&office, "t", again(), monday(4), key()).await.expect("first post");
        let second = s.create_task_as(&office, "t", again(), monday(4), key()).await.expect("second post");
        assert_eq!((first.id, first.number.to_string()), (second.id, "JB-2024-000002".to_owned()), "{b}");
        assert_eq!(s.meeting_tasks(&office, m.id).await.expect("tasks").len(), 2, "{b}");
    }
}

#[tokio::test]
async fn a_late_task_lights_red_and_escalates_like_an_appeal() {
    for db in backends("tasks_escalation").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let o = seed_office(s).await;
        let office = principal(s, o.office).await;
        let m = s.create_meeting_as(&office, "t", meeting(), monday(0), None).await.expect("meeting");
        let t = s
            .create_task_as(
                &office,
                "t",
                task(&m, city.unit_id, TaskDue::Policy(DeadlinePolicy::standard())),
                monday(1),
                None,
            )
            .await
            .expect("task");
        assert_eq!(s.open_items(Kind::Task).await.expect("open"), [t.id], "{b}");
        let cal = WorkingCalendar::official();
        // Not signed for by Tuesday: red the day after, and the ladder's first step is due.
        let wednesday = "2024-03-06".parse().expect("date");
        assert_eq!(t.state.light(&cal, wednesday), Some(Light::Overdue), "{b}");
        let steps = t.state.due_escalations(&cal, &EscalationLadder::default(), "2024-03-08".parse().expect("date"));
        assert!(!steps.is_empty(), "{b}");
        let id = t.id;
        s.transaction(sys(), move |w| {
            let mut state = w.item_state(Kind::Task, id)?;
            for step in steps {
                state = w.apply_to(Kind::Task, id, &state, Actor::system(), step, monday(100))?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .expect("escalate");
        let events = s.task_events_for(&office, t.id).await.expect("events");
        assert!(events.iter().any(|e| e.action.kind() == ActionKind::Escalate), "{b}");
    }
}

#[tokio::test]
async fn the_next_meeting_opens_with_how_last_weeks_tasks_stand() {
    for db in backends("tasks_report").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let o = seed_office(s).await;
        let office = principal(s, o.office).await;
        let unit = principal(s, city.handler).await;
        let first = s.create_meeting_as(&office, "t", meeting(), monday(0), None).await.expect("meeting");
        assert!(s.previous_meeting_report(&office, first.id).await.expect("report").is_none(), "{b}: the first");
        let policy = || TaskDue::Policy(DeadlinePolicy::standard());
        let mut ids = Vec::new();
        for _ in 0..6 {
            let t = s.create_task_as(&office, "t", task(&first, city.unit_id, policy()), monday(1), None).await;
            ids.push(t.expect("task").id);
        }
        // Resolve by Wednesday 2024-03-13 (7 working days). Hours after Monday 2024-03-04 09:00.
        let step = |id: i64, version: u32, action: Action, hours: i64, who: &Principal| {
            let (s, who) = (s, who.clone());
            async move { s.act_on_task(&who, "t", id, version, action, monday(hours)).await.expect("step") }
        };
        let done = || Action::Answer { text: "已完成".into() };
        step(ids[0], 2, Action::Acknowledge, 2, &unit).await;
        step(ids[0], 3, done(), 48, &unit).await; // Wednesday 03-06: on time
        step(ids[1], 2, Action::Acknowledge, 2, &unit).await;
        step(ids[1], 3, done(), 24 * 11, &unit).await; // Friday 03-15: late
        step(ids[2], 2, Action::Acknowledge, 2, &unit).await;
        step(ids[2], 3, Action::Reply { text: "已形成初稿，正在征求意见".into() }, 30, &unit).await;
        // ids[3]: never signed for.
        step(ids[4], 2, Action::Withdraw { reason: "会议决定不再推进".into() }, 5, &office).await;
        step(ids[5], 2, Action::Acknowledge, 2, &unit).await;
        step(ids[5], 3, done(), 24 * 15 + 2, &unit).await; // Tuesday 03-19, after the next meeting's day

        let next = NewMeeting {
            title: "市政府2024年第11次重点工作周交办会议".into(),
            held_on: "2024-03-18".parse().expect("date"),
            ..meeting()
        };
        let second = s.create_meeting_as(&office, "t", next, monday(24 * 14), None).await.expect("next meeting");
        // Judged 完成 at the meeting itself: counted.
        let confirm = Action::Confirm { rating: None, comment: "按期完成".into() };
        step(ids[0], 4, confirm, 24 * 14 + 2, &office).await;
        let report = s.previous_meeting_report(&office, second.id).await.expect("report").expect("a previous meeting");
        assert_eq!(report.previous.id, first.id, "{b}");
        let outcomes: Vec<Outcome> = report.lines.iter().map(|l| l.outcome.clone()).collect();
        assert_eq!(
            outcomes,
            [
                Outcome::OnTime,
                Outcome::Late,
                Outcome::Open { reason: "已形成初稿，正在征求意见".into() },
                Outcome::Open { reason: "尚未签收".into() },
                Outcome::Withdrawn,
                Outcome::Open { reason: "办理中，尚未报告进展".into() },
            ],
            "{b}"
        );
        assert_eq!(report.lines[0].then.status, Status::Closed, "{b}: judged at the meeting");
        // A unit reads the report of its own tasks only; one given no task at either meeting sees neither.
        let other = principal(s, o.other_handler).await;
        let theirs = s.previous_meeting_report(&other, second.id).await;
        assert!(matches!(theirs, Err(StoreError::NotFound(_))), "{b}: no task of theirs, no meeting: {theirs:?}");
        let mut later = task(&second, o.other_unit, policy());
        later.content = "第二次会议交给另一单位的事项".into();
        s.create_task_as(&office, "t", later, monday(24 * 14 + 3), None).await.expect("a task for the other unit");
        let theirs = s.previous_meeting_report(&other, second.id).await.expect("report");
        assert!(theirs.is_none(), "{b}: the first meeting gave them nothing: {theirs:?}");
    }
}
