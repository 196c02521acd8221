//! The figures of SPEC §6, counted from histories built here and compared with the figures the seeds print:
//! 3,118 collected / 3,097 resolved → 99.33% at the end of June, 3,552 / 3,542 → 99.72% at the end of September,
//! 45 rated / 43 five-star → 95.56%, 76 of 76 district-level → 100.00%, "—" over no items, a reopened appeal resolved
//! late counted as resolved but not on time, an overdue item judged by its deadline as it stood then.
//! Runs on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp, ToSpan};
use support::*;
use zhuqi_domain::stats::Counts;
use zhuqi_domain::{Action, Actor, DeadlinePolicy, Event, Level, Role, Stars};
use zhuqi_store::{FigureScope, NewAppeal, Principal, StoreError, Window};

/// An appeal's history, built step by step from its submission.
struct Story {
    title: String,
    events: Vec<Event>,
}

fn story(city: &City, title: String, submitted: Timestamp) -> Story {
    let create = Action::Create { category: "financing".into(), draft: false };
    Story { title, events: vec![Event { seq: 1, at: submitted, actor: enterprise(city), action: create }] }
}

impl Story {
    fn then(mut self, actor: Actor, action: Action, at: Timestamp) -> Story {
        let seq = u32::try_from(self.events.len()).expect("short") + 1;
        self.events.push(Event { seq, at, actor, action });
        self
    }
}

fn hours(t: Timestamp, h: i64) -> Timestamp {
    t + SignedDuration::from_hours(h)
}

fn assign(city: &City, level: Level) -> Action {
    Action::Assign {
        unit_id: city.unit_id,
        co_unit_ids: Vec::new(),
        level,
        category: "financing".into(),
        policy: DeadlinePolicy::standard(),
    }
}

/// Submitted at `t`, assigned an hour later and signed for at once.
fn taken(city: &City, title: String, t: Timestamp, level: Level) -> Story {
    story(city, title, t).then(dispatcher(city), assign(city, level), hours(t, 1)).then(
        handler(city),
        Action::Acknowledge,
        hours(t, 2),
    )
}

fn answer() -> Action {
    Action::Answer { text: "已办理".into() }
}

fn confirm(stars: Option<u8>) -> Action {
    Action::Confirm { rating: stars.and_then(|s| Stars::new(s).ok()), comment: String::new() }
}

/// Taken at `t`, answered a day later, confirmed two days later with `stars`.
fn resolved(city: &City, title: String, t: Timestamp, level: Level, stars: Option<u8>) -> Story {
    taken(city, title, t, level).then(handler(city), answer(), hours(t, 24)).then(
        enterprise(city),
        confirm(stars),
        hours(t, 48),
    )
}

fn leader(city: &City) -> Principal {
    Principal {
        user_id: city.dispatcher,
        username: "lingdao".into(),
        display_name: "领导".into(),
        roles: vec![Role::Leader],
        region: Some(code("411600")),
        unit_id: None,
        enterprise_id: None,
        must_change_password: false,
        must_add_second_factor: false,
    }
}

fn total(groups: &[zhuqi_store::Tally]) -> (Counts, Counts) {
    (groups.iter().map(|t| t.now).sum(), groups.iter().map(|t| t.before).sum())
}

const D1: Date = date(2023, 6, 30);
const D2: Date = date(2023, 9, 28);

/// The city's history of 2023, in four batches (see the module comment for what each proves).
fn histories(city: &City) -> Vec<Story> {
    let mut out = Vec::new();
    let june = at("2023-06-01T01:00:00Z");
    // A: 3,097 resolved in June; 45 rated (43 five stars, 2 four); 76 handled at district level.
    for i in 0..3097 {
        let t = june + SignedDuration::from_secs(i * 240);
        let stars = match i {
            0..43 => Some(5),
            43..45 => Some(4),
            _ => None,
        };
        let level = if (100..176).contains(&i) { Level::County } else { Level::City };
        out.push(resolved(city, format!("A{i}"), t, level, stars));
    }
    // B: 20 submitted in late June and resolved after June.
    let b = at("2023-06-25T01:00:00Z");
    for i in 0..18 {
        let t = b + SignedDuration::from_secs(i * 60);
        out.push(
            taken(city, format!("B{i}"), t, Level::City)
                .then(handler(city), answer(), at("2023-07-03T02:00:00Z"))
                .then(enterprise(city), confirm(None), at("2023-07-05T02:00:00Z")),
        );
    }
    // B18: answered, rejected on 06-28 (a new 7-day clock), answered again only on 08-01: resolved, late, reopened.
    out.push(
        taken(city, "B18 重办后超期".into(), at("2023-06-26T01:00:00Z"), Level::City)
            .then(handler(city), answer(), at("2023-06-27T01:00:00Z"))
            .then(enterprise(city), Action::Reject { reason: "未解决".into() }, at("2023-06-28T01:00:00Z"))
            .then(handler(city), Action::Acknowledge, at("2023-06-28T02:00:00Z"))
            .then(handler(city), answer(), at("2023-08-01T02:00:00Z"))
            .then(enterprise(city), confirm(None), at("2023-08-02T02:00:00Z")),
    );
    // B19: taken 06-01, due 06-12, still unanswered at 06-30 (overdue then); 30 more days approved on 07-03 moved the
    // deadline to late July, and the answer of 07-20 met it.
    out.push(
        taken(city, "B19 延期".into(), at("2023-06-01T01:00:00Z"), Level::City)
            .then(
                handler(city),
                Action::RequestExtension { days: 30, reason: "需协调".into() },
                at("2023-07-03T01:00:00Z"),
            )
            .then(dispatcher(city), Action::ApproveExtension, at("2023-07-03T02:00:00Z"))
            .then(handler(city), answer(), at("2023-07-20T02:00:00Z"))
            .then(enterprise(city), confirm(None), at("2023-07-21T02:00:00Z")),
    );
    // W: submitted in June, withdrawn in July: collected at the end of June, not at the end of September.
    out.push(story(city, "W".into(), at("2023-06-10T01:00:00Z")).then(
        enterprise(city),
        Action::Withdraw { reason: "已自行解决".into() },
        at("2023-07-10T01:00:00Z"),
    ));
    // Never collected: 5 withdrawn and 3 found invalid in June.
    for i in 0..5 {
        out.push(story(city, format!("X{i}"), at("2023-06-02T01:00:00Z")).then(
            enterprise(city),
            Action::Withdraw { reason: "撤回".into() },
            at("2023-06-03T01:00:00Z"),
        ));
    }
    for i in 0..3 {
        out.push(story(city, format!("I{i}"), at("2023-06-02T01:00:00Z")).then(
            dispatcher(city),
            Action::RejectInvalid { reason: "不属于涉企问题".into() },
            at("2023-06-03T01:00:00Z"),
        ));
    }
    // C: 435 submitted in August; 425 resolved in August; 4 taken on 08-01 and never answered (overdue at the end of
    // September), 6 taken on 09-27 (not yet due).
    let aug = at("2023-08-01T01:00:00Z");
    for i in 0..425 {
        let t = aug + SignedDuration::from_secs(i * 60);
        out.push(
            taken(city, format!("C{i}"), t, Level::City)
                .then(handler(city), answer(), at("2023-08-08T02:00:00Z"))
                .then(enterprise(city), confirm(None), at("2023-08-09T02:00:00Z")),
        );
    }
    for i in 0..4 {
        out.push(taken(city, format!("C-late{i}"), aug + SignedDuration::from_secs(i), Level::City));
    }
    for i in 0..6 {
        let t = at("2023-08-31T01:00:00Z") + SignedDuration::from_secs(i);
        out.push(story(city, format!("C-new{i}"), t).then(
            dispatcher(city),
            assign(city, Level::City),
            at("2023-09-27T01:00:00Z"),
        ));
    }
    out
}

#[tokio::test]
async fn the_seeds_figures_from_histories() {
    for db in backends("the_seeds_figures_from_histories").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let stories = histories(&city);
        let (enterprise_id, n) = (city.enterprise_id, stories.len());
        // Written as a bulk load writes them (on PostgreSQL a few statements for many appeals).
        s.transaction(sys(), move |w| {
            let appeals: Vec<(NewAppeal, Vec<Event>)> = stories
                .iter()
                .map(|st| {
                    let new = NewAppeal {
                        enterprise_id,
                        channel: zhuqi_domain::Channel::Web,
                        category: "financing".into(),
                        title: st.title.clone(),
                        description: "企业反映的问题".into(),
                        amount: None,
                        draft: false,
                    };
                    (new, st.events.clone())
                })
                .collect();
            for chunk in appeals.chunks(250) {
                w.insert_appeals("ZK", chunk)?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .expect("histories");
        assert_eq!(n, 3097 + 20 + 1 + 8 + 435);
        let p = leader(&city);
        let whole = FigureScope::default();
        let set = s
            .figures(
                &p,
                &whole,
                Window { first: date(2023, 7, 1), as_of: D2 },
                Window { first: date(2023, 4, 1), as_of: D1 },
            )
            .await
            .expect("figures");
        let (q3, q2) = total(&set);
        // The end of June: 3,118 collected (W still counts), 3,097 resolved.
        assert_eq!((q2.collected, q2.resolved), (3118, 3097), "{}", db.backend);
        assert_eq!(q2.resolution_rate().percent(), "99.33%");
        assert_eq!(q2.new_in_period, 3118);
        // B19 was overdue then: its deadline was June 12, whatever was approved later (replayed: it had an extension).
        let june = s.overdue(&p, &whole, D1, usize::MAX).await.expect("overdue in June");
        assert_eq!(june.len(), 1);
        assert!(june[0].title.starts_with("B19") && june[0].resolve_due == date(2023, 6, 12), "{june:?}");
        assert_eq!(june[0].overdue_days, 13);
        assert_eq!(q2.reopened, 1);
        // The end of September: 3,552 collected, 3,542 resolved.
        assert_eq!((q3.collected, q3.resolved), (3552, 3542), "{}", db.backend);
        assert_eq!(q3.resolution_rate().percent(), "99.72%");
        assert_eq!(q3.new_in_period, 435);
        assert_eq!((q3.rated, q3.five_star, q3.five_star_rate().percent()), (45, 43, "95.56%".to_owned()));
        assert_eq!(q3.satisfaction_rate().percent(), "100.00%");
        // B18 resolved late after its reopening: resolved, not on time; B19 on time by its extended deadline.
        assert_eq!(q3.closed_on_time, 3541);
        assert_eq!(q3.on_time_rate().percent(), "99.97%");
        assert_eq!(q3.reopened, 1);
        let september = s.overdue(&p, &whole, D2, usize::MAX).await.expect("overdue in September");
        assert_eq!(september.len(), 4);
        assert!(september.iter().all(|o| o.title.starts_with("C-late") && o.resolve_due == date(2023, 8, 10)));
        // At 07-31 only B18 was late: in its reopened cycle (due 07-07, answered 08-01, closed since), cut from its
        // stored state as that cycle stood then.
        let july = s.overdue(&p, &whole, date(2023, 7, 31), usize::MAX).await.expect("overdue in July");
        let titles: Vec<&str> = july.iter().map(|o| o.title.as_str()).collect();
        assert_eq!(titles, vec!["B18 重办后超期"], "{july:?}");
        assert_eq!(july[0].status, zhuqi_domain::Status::InProgress);
        // Working days from assignment to answer: A 1 each; B 6 (06-25 Sunday make-up day → 07-03); B18 26; B19 33;
        // C 5 (08-01 → 08-08).
        assert_eq!(q3.timed, 3542);

        // 76 district-level items of 川汇区, all resolved.
        let district = FigureScope { region: Some(code("411602")), unit_id: None, level: Some(Level::County) };
        let now = Window { first: date(2023, 7, 1), as_of: D2 };
        let (d, _) = total(&s.figures(&p, &district, now, now).await.expect("district"));
        assert_eq!((d.collected, d.resolved, d.resolution_rate().percent()), (76, 76, "100.00%".to_owned()));
        // A rate over no items is "—".
        let province = FigureScope { level: Some(Level::Province), ..FigureScope::default() };
        let (none, _) = total(&s.figures(&p, &province, now, now).await.expect("none"));
        assert_eq!(none.collected, 0);
        assert_eq!(none.resolution_rate().percent(), "—");
        assert_eq!(none.five_star_rate().percent(), "—");

        // Outside the reader's scope nothing is counted.
        let other = Principal { region: Some(code("411621")), ..leader(&city) };
        let (outside, _) = total(&s.figures(&other, &whole, now, now).await.expect("outside"));
        assert_eq!(outside, Counts::default());

        // The monthly trend June–September: new, resolved within each month, and the cumulative rate at each end.
        let months = [
            (date(2023, 6, 1), D1),
            (date(2023, 7, 1), date(2023, 7, 31)),
            (date(2023, 8, 1), date(2023, 8, 31)),
            (date(2023, 9, 1), D2),
        ];
        let trend = s.trend(&p, &whole, &months, D2).await.expect("trend");
        let got: Vec<_> = trend.iter().map(|t| (t.new, t.resolved, t.collected_total, t.resolved_total)).collect();
        assert_eq!(
            got,
            vec![(3117, 3097, 3118, 3097), (0, 19, 3117, 3116), (435, 426, 3552, 3542), (0, 0, 3552, 3542)]
        );

        // A database written before migration 0006 gets the three columns from each appeal's history on its next
        // start: clear them as such a database has them, mark the fill as pending, open it again.
        raw_sql(
            &db,
            "UPDATE appeals SET on_time = NULL, work_days = NULL, first_reopened_at = NULL; \
             INSERT INTO zhuqi_meta (key, value) VALUES ('backfill_figures', 'pending');",
        )
        .expect("old shape");
        let reopened = zhuqi_store::Store::open(&db.url).await.expect("reopen");
        let again = reopened
            .figures(
                &p,
                &whole,
                Window { first: date(2023, 7, 1), as_of: D2 },
                Window { first: date(2023, 4, 1), as_of: D1 },
            )
            .await
            .expect("figures again");
        assert_eq!(total(&again), (q3, q2), "{}", db.backend);
        assert_eq!(reopened.meta("backfill_figures").await.expect("meta"), None);
        reopened.close().await;
    }
}

/// Assigned to `unit` under `category`, at city level.
fn assign_to(unit: i64, category: &str) -> Action {
    Action::Assign {
        unit_id: unit,
        co_unit_ids: Vec::new(),
        level: Level::City,
        category: category.into(),
        policy: DeadlinePolicy::standard(),
    }
}

/// The figures of every window and the trend, as a leader reads them (from the sums by day) and as a reader whose
/// scope is more than regions reads them (from the appeals themselves): they must be the same.
/// Returns the overdue answers counted over the days (each appeal once per day).
async fn both_ways_agree(s: &zhuqi_store::Store, city: &City, backend: &str) -> i64 {
    let sums = leader(city);
    let rows = Principal { roles: vec![Role::Leader, Role::Cadre], ..leader(city) };
    let windows = [
        Window { first: date(2024, 1, 1), as_of: date(2024, 1, 31) },
        Window { first: date(2024, 2, 1), as_of: date(2024, 2, 29) },
        Window { first: date(2024, 2, 12), as_of: date(2024, 3, 9) },
        Window { first: date(2024, 3, 1), as_of: date(2024, 3, 31) },
        Window { first: date(2024, 1, 1), as_of: date(2024, 12, 31) },
        Window { first: date(2025, 1, 1), as_of: date(2025, 1, 1) },
    ];
    let scopes = [
        FigureScope::default(),
        FigureScope { unit_id: Some(city.unit_id), ..FigureScope::default() },
        FigureScope { level: Some(Level::City), ..FigureScope::default() },
        FigureScope { region: Some(code("411602")), ..FigureScope::default() },
    ];
    let mut counted = 0;
    for scope in &scopes {
        for pair in windows.windows(2) {
            let (now, before) = (pair[1], pair[0]);
            let a = s.figures(&sums, scope, now, before).await.expect("from the sums");
            let b = s.figures(&rows, scope, now, before).await.expect("from the appeals");
            assert_eq!(a, b, "{backend}: {scope:?} {now:?} {before:?}");
            counted += total(&a).0.collected;
        }
        // A trend's periods follow one another.
        let months = [
            (date(2024, 1, 1), date(2024, 1, 31)),
            (date(2024, 2, 1), date(2024, 2, 29)),
            (date(2024, 3, 1), date(2024, 3, 31)),
            (date(2024, 4, 1), date(2024, 6, 30)),
        ];
        for as_of in [date(2024, 3, 31), date(2024, 2, 20), date(2025, 6, 1)] {
            let a = s.trend(&sums, scope, &months, as_of).await.expect("trend from the sums");
            let b = s.trend(&rows, scope, &months, as_of).await.expect("trend from the appeals");
            assert_eq!(a, b, "{backend}: trend {scope:?} as of {as_of}");
        }
    }
    assert!(counted > 0, "{backend}: the windows count something");
    // The overdue answers of each day as each appeal stood then: from the sums dated ahead, and from the states.
    let mut overdue = 0;
    for scope in &scopes {
        for day in date(2024, 1, 1).series(2.days()).take_while(|d| *d <= date(2024, 7, 1)) {
            let a = s.overdue_counts(&sums, scope, day).await.expect("overdue from the sums");
            let b = s.overdue_counts(&rows, scope, day).await.expect("overdue from the appeals");
            assert_eq!(a, b, "{backend}: overdue {scope:?} on {day}");
            overdue += a.values().sum::<i64>();
            // A bulletin lists the most overdue first: the first three are the first three of all.
            let all = s.overdue(&sums, scope, day, usize::MAX).await.expect("all overdue");
            assert_eq!(all.len() as i64, a.values().sum::<i64>(), "{backend}: listed {scope:?} on {day}");
            let first = s.overdue(&sums, scope, day, 3).await.expect("the most overdue");
            assert_eq!(first, all[..all.len().min(3)], "{backend}: first {scope:?} on {day}");
        }
    }
    // Lights are of today: days after every event.
    for today in [date(2024, 5, 20), date(2025, 1, 1)] {
        let a = s.headline(&sums, today).await.expect("headline from the sums");
        assert_eq!(a, s.headline(&rows, today).await.expect("headline from the appeals"), "{backend}: headline");
    }
    let check = s.verify_figures(|_, _| {}).await.expect("verify");
    assert!(check.is_sound(), "{backend}: {check:?}");
    overdue
}

/// Corrections move an appeal's facts with it: re-assigned to another unit and category, reopened, withdrawn, found
/// invalid, each step in its own transaction or several in one. After each round the figures from the sums by day
/// are those counted from the appeals, and `verify_figures` finds every sum as the histories make it; a sum altered
/// behind the program's back is found, and `rebuild_figures` mends it.
#[tokio::test]
async fn corrections_move_the_facts_and_the_sums_agree_with_the_appeals() {
    for db in backends("corrections_move_the_facts").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let other_unit = s
            .transaction(sys(), |w| {
                w.insert_category("land", "用地", None, 2)?;
                w.insert_unit("周口市自然资源和规划局", &code("411600"))
            })
            .await
            .expect("a second unit");
        let (unit, enterprise_id) = (city.unit_id, city.enterprise_id);
        let (e, d, h) = (enterprise(&city), dispatcher(&city), handler(&city));
        let day = |i: i64| at("2024-01-02T01:00:00Z") + SignedDuration::from_hours(i * 37);
        // Sixty-four appeals submitted from January 2 on, every 37 hours (some at night, China time the next day).
        let ids = s
            .transaction(sys(), move |w| {
                let mut ids = Vec::new();
                for i in 0..65 {
                    let new = NewAppeal { title: format!("诉求{i}"), ..new_appeal_for(enterprise_id) };
                    let create = Action::Create { category: "financing".into(), draft: false };
                    let history = [Event { seq: 1, at: day(i), actor: e, action: create }];
                    ids.push(w.insert_appeal("ZK", &new, &history)?.id);
                }
                Ok::<_, StoreError>(ids)
            })
            .await
            .expect("sixty appeals");
        both_ways_agree(s, &city, db.backend).await;

        // Each appeal's life, a step a day from its submission (the last four: waits for material, answers late);
        // one transaction per appeal.
        let material = || Action::RequestMaterial { what: "补充营业执照".into() };
        let supplied = || Action::SupplyMaterial { text: "已上传".into() };
        for (i, id) in ids.iter().copied().enumerate() {
            let i = i as i64;
            let hours = |days: i64| SignedDuration::from_hours(24 * days + 2);
            let timed: Vec<(SignedDuration, Actor, Action)> = match i {
                60 => vec![
                    (hours(0), d, assign_to(unit, "financing")),
                    (hours(1), h, Action::Acknowledge),
                    (hours(16), h, material()),
                    (hours(26), e, supplied()),
                    (hours(30), h, answer()),
                    (hours(31), e, confirm(Some(2))),
                ],
                61 => vec![
                    (hours(0), d, assign_to(unit, "financing")),
                    (hours(1), h, Action::Acknowledge),
                    (hours(2), h, material()),
                    (hours(25), e, supplied()),
                ],
                62 => vec![
                    (hours(0), d, assign_to(unit, "financing")),
                    (hours(1), h, Action::Acknowledge),
                    (hours(20), h, material()),
                ],
                63 => vec![(hours(0), d, assign_to(unit, "financing"))],
                _ => Vec::new(),
            };
            let steps: Vec<(Actor, Action)> = match i % 6 {
                _ if i >= 60 => Vec::new(),
                0 => vec![
                    (d, assign_to(unit, "financing")),
                    (h, Action::Acknowledge),
                    (h, answer()),
                    (e, confirm(Some(5))),
                ],
                1 => vec![
                    (d, assign_to(unit, "financing")),
                    (h, Action::Acknowledge),
                    (h, answer()),
                    (e, Action::Reject { reason: "未解决".into() }),
                    (h, Action::Acknowledge),
                    (h, answer()),
                    (e, confirm(Some(3))),
                ],
                2 => vec![
                    (d, assign_to(unit, "financing")),
                    (h, Action::Return { reason: "不属本单位职责".into() }),
                    (d, assign_to(other_unit, "land")),
                ],
                3 => vec![(e, Action::Withdraw { reason: "已自行解决".into() })],
                4 => vec![(d, Action::RejectInvalid { reason: "非涉企诉求".into() })],
                _ => vec![(d, assign_to(other_unit, "land")), (h, Action::Acknowledge)],
            };
            let timed = steps
                .into_iter()
                .enumerate()
                .map(|(n, (actor, action))| (SignedDuration::from_hours(26 * (n as i64 + 1)), actor, action))
                .chain(timed);
            let timed: Vec<_> = timed.collect();
            s.transaction(sys(), move |w| {
                for (after, actor, action) in timed {
                    // The writer checks the steps, not who may take them (the pages and the API do).
                    let record = w.appeal(id)?;
                    w.apply(&record, actor, action, day(i) + after)?;
                }
                Ok::<_, StoreError>(())
            })
            .await
            .unwrap_or_else(|err| panic!("{}: appeal {i}: {err}", db.backend));
        }
        // The last: material asked for on the working day after the answer was due, supplied three weeks later.
        // While it waits, each working day moves the deadline to that day: overdue on days off only.
        let last = *ids.last().expect("ids");
        s.transaction(sys(), move |w| {
            let record = w.appeal(last)?;
            let t = record.state.updated_at + SignedDuration::from_hours(1);
            let record = w.apply(&record, d, assign_to(unit, "financing"), t)?;
            let record = w.apply(&record, h, Action::Acknowledge, t + SignedDuration::from_hours(1))?;
            let due = record.state.deadlines(&zhuqi_domain::WorkingCalendar::official(), date(2024, 1, 1));
            let due = due.expect("assigned").resolve;
            let next = zhuqi_domain::WorkingCalendar::official().add_working_days(due, 1);
            let on_due = zhuqi_domain::time::start_of_day(next).expect("in range") + SignedDuration::from_hours(10);
            let record = w.apply(&record, h, material(), on_due)?;
            let o = record.state.outlook(&zhuqi_domain::WorkingCalendar::official()).overdue;
            assert!(matches!(o, zhuqi_domain::Overdue::OnDaysOff(_)), "{o:?}");
            w.apply(&record, e, supplied(), on_due + SignedDuration::from_hours(24 * 21))?;
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap_or_else(|err| panic!("{}: paused on the day due: {err}", db.backend));
        assert!(both_ways_agree(s, &city, db.backend).await > 0, "{}: some answers were late", db.backend);

        // The second unit's open items answered and closed, then re-assigned ones moved back: several appeals in one
        // transaction, facts of earlier months moving with them.
        let moved: Vec<i64> =
            ids.iter().copied().enumerate().filter(|(i, _)| i % 6 == 2 && *i < 60).map(|(_, id)| id).collect();
        s.transaction(sys(), move |w| {
            for id in moved {
                let record = w.appeal(id)?;
                let t = record.state.updated_at + SignedDuration::from_hours(30);
                let record = w.apply(&record, h, Action::Return { reason: "应由金融局办理".into() }, t)?;
                let t = t + SignedDuration::from_hours(2);
                let record = w.apply(&record, d, assign_to(unit, "financing"), t)?;
                let record = w.apply(&record, h, Action::Acknowledge, t + SignedDuration::from_hours(1))?;
                let record = w.apply(&record, h, answer(), t + SignedDuration::from_hours(50))?;
                w.apply(&record, e, confirm(Some(4)), t + SignedDuration::from_hours(60))?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap_or_else(|err| panic!("{}: moved back: {err}", db.backend));
        both_ways_agree(s, &city, db.backend).await;

        // A sum and a span of days overdue altered behind the program's back are found; counting again mends them.
        raw_sql(&db, "UPDATE appeal_facts SET resolved = resolved + 1 WHERE period = 2024").expect("alter a sum");
        raw_sql(&db, "UPDATE appeal_overdue_spans SET resolve_due = '2023-12-31' WHERE resolve_due IS NOT NULL")
            .expect("alter the spans");
        let check = s.verify_figures(|_, _| {}).await.expect("verify");
        assert!(!check.is_sound() && check.wrong_sums > 0, "{}: {check:?}", db.backend);
        assert!(check.spans > 0 && check.wrong_spans > 0, "{}: {check:?}", db.backend);
        assert_eq!((check.appeals, check.unlike_history), (65, 0));
        assert_eq!(s.rebuild_figures(sys()).await.expect("rebuild"), 65);
        both_ways_agree(s, &city, db.backend).await;
    }
}

fn new_appeal_for(enterprise_id: i64) -> NewAppeal {
    NewAppeal {
        enterprise_id,
        channel: zhuqi_domain::Channel::Web,
        category: "financing".into(),
        title: String::new(),
        description: "企业反映的问题".into(),
        amount: None,
        draft: false,
    }
}

/// A holiday notice loaded today moves the lights and overdue answers to come of the open appeals: the sums dated
/// ahead say what the states say, on every day from today.
#[tokio::test]
async fn a_calendar_loaded_moves_the_lights_and_overdue_days_to_come() {
    for db in backends("a_calendar_loaded_moves_the_lights").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let (e, d, h) = (enterprise(&city), dispatcher(&city), handler(&city));
        let (unit, enterprise_id) = (city.unit_id, city.enterprise_id);
        // Twelve appeals assigned one to twelve days ago, every other one acknowledged: yellow, red and overdue soon.
        let now = Timestamp::now();
        s.transaction(sys(), move |w| {
            for k in 1..=12 {
                let then = now - SignedDuration::from_hours(24 * k);
                let new = NewAppeal { title: format!("诉求{k}"), ..new_appeal_for(enterprise_id) };
                let create = Action::Create { category: "financing".into(), draft: false };
                let record = w.insert_appeal("ZK", &new, &[Event { seq: 1, at: then, actor: e, action: create }])?;
                let record = w.apply(&record, d, assign_to(unit, "financing"), then + SignedDuration::from_hours(1))?;
                if k % 2 == 0 {
                    w.apply(&record, h, Action::Acknowledge, then + SignedDuration::from_hours(2))?;
                }
            }
            Ok::<_, StoreError>(())
        })
        .await
        .expect("twelve appeals");
        let today = zhuqi_domain::time::today();
        let city = &city;
        let agree = |what: &'static str| async move {
            let sums = leader(city);
            let rows = Principal { roles: vec![Role::Leader, Role::Cadre], ..leader(city) };
            let (mut lights, mut overdue) = (0, 0);
            for day in today.series(1.days()).take(40) {
                let a = s.overdue_counts(&sums, &FigureScope::default(), day).await.expect("overdue from the sums");
                let b = s.overdue_counts(&rows, &FigureScope::default(), day).await.expect("overdue from the appeals");
                assert_eq!(a, b, "{}: {what}: overdue on {day}", db.backend);
                overdue += a.values().sum::<i64>();
                let a = s.headline(&sums, day).await.expect("headline from the sums");
                assert_eq!(a, s.headline(&rows, day).await.expect("from the appeals"), "{}: {what}: {day}", db.backend);
                lights += a.warning + a.overdue;
            }
            assert!(lights > 0 && overdue > 0, "{}: {what}: lights {lights}, overdue {overdue}", db.backend);
        };
        agree("before").await;
        // Three days off from tomorrow (within tomorrow's year).
        let first = today.tomorrow().expect("tomorrow");
        let last = first.checked_add(2.days()).expect("in range").min(first.last_of_year());
        let mut year = s
            .calendar_years()
            .await
            .expect("years")
            .into_iter()
            .find(|y| i32::from(y.year) == i32::from(first.year()))
            .unwrap_or(zhuqi_domain::CalendarYear {
                year: first.year(),
                source: "test".into(),
                holidays: Vec::new(),
                workdays: Vec::new(),
            });
        year.holidays.retain(|h| h.to < first || h.from > last);
        year.workdays.retain(|w| *w < first || *w > last);
        year.holidays.push(zhuqi_domain::calendar::Holiday { name: "临时休假".into(), from: first, to: last });
        assert!(s.load_calendar_years(sys(), vec![year]).await.expect("load") > 0, "{}", db.backend);
        agree("after the notice").await;
        let check = s.verify_figures(|_, _| {}).await.expect("verify");
        assert!(check.is_sound(), "{}: {check:?}", db.backend);
    }
}

/// Issue 17, point 3: on PostgreSQL each connection adds to its own rows of sums (its shard), so that appeals created
/// at once in one region and category never wait on each other's sums; a fold moves those rows into shard 0 and no
/// figure changes. SQLite, with one writer, writes and folds no shards.
#[tokio::test]
async fn sums_written_at_once_on_many_connections_fold_without_changing_a_figure() {
    for db in backends("sums_written_at_once_fold").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let mut creates = tokio::task::JoinSet::new();
        for i in 0..48 {
            let (s, new, who) = (s.clone(), new_appeal(&city, &format!("并发提交{i}")), enterprise(&city));
            creates.spawn(async move { s.create_appeal(sys(), new, who, at("2024-03-04T01:00:00Z")).await });
        }
        while let Some(created) = creates.join_next().await {
            created.expect("task").expect("create");
        }
        let unfolded = "SELECT COUNT(DISTINCT shard) FROM appeal_facts WHERE shard <> 0";
        let figures = || async {
            let scope = FigureScope::default();
            let window = Window { first: date(2024, 3, 1), as_of: date(2024, 3, 31) };
            let figures = s.figures(&leader(&city), &scope, window, window).await.expect("figures");
            (figures, s.headline(&leader(&city), date(2024, 3, 20)).await.expect("headline"))
        };
        if b == "postgres" {
            assert!(raw_count(&db, unfolded) >= 2, "creates at once write on several connections' shards");
        }
        let before = figures().await;
        assert_eq!(total(&before.0).0.collected, 48, "{b}");
        let folded = s.fold_fact_shards().await.expect("fold");
        if b == "postgres" {
            assert!(folded > 0, "the creates wrote to their connections' shards");
            assert_eq!(raw_count(&db, unfolded), 0, "a fold leaves nothing to fold");
        } else {
            assert_eq!(folded, 0, "SQLite has no shards");
        }
        assert_eq!(figures().await, before, "{b}: a fold changes no figure");
        assert_eq!(s.fold_fact_shards().await.expect("fold again"), 0, "{b}");
        let check = s.verify_figures(|_, _| {}).await.expect("verify");
        assert!(check.is_sound(), "{b}: {check:?}");
    }
}

/// A bulk load (`insert_appeals`: the demo, a ledger import) stores what one `insert_appeal` per appeal stores: the
/// same rows, numbers (across a change of year), histories, sums and audit records.
#[tokio::test]
async fn a_bulk_load_stores_what_one_appeal_at_a_time_stores() {
    for (one, bulk) in backends("a_bulk_load_one").await.into_iter().zip(backends("a_bulk_load_bulk").await) {
        let b = one.backend;
        let (mut appeals, mut cities) = (Vec::new(), Vec::new());
        for db in [&one, &bulk] {
            let city = seed_city(&db.store).await;
            let (e, d) = (enterprise(&city), dispatcher(&city));
            appeals = (0..230_i64)
                .map(|i| {
                    let t = at("2023-12-20T01:00:00Z") + SignedDuration::from_hours(i * 5);
                    let new = NewAppeal { title: format!("批量{i}"), ..new_appeal_for(city.enterprise_id) };
                    let mut events = vec![Event {
                        seq: 1,
                        at: t,
                        actor: e,
                        action: Action::Create { category: "financing".into(), draft: false },
                    }];
                    if i % 3 == 0 {
                        events.push(Event {
                            seq: 2,
                            at: hours(t, 3),
                            actor: d,
                            action: assign_to(city.unit_id, "financing"),
                        });
                    }
                    (new, events)
                })
                .collect();
            cities.push(city);
        }
        let written = |db: &TestDb, bulk: bool| {
            let (s, appeals) = (db.store.clone(), appeals.clone());
            async move {
                s.transaction(sys(), move |w| {
                    if bulk {
                        w.insert_appeals("ZK", &appeals)
                    } else {
                        appeals.iter().map(|(new, history)| w.insert_appeal("ZK", new, history)).collect()
                    }
                })
                .await
                .expect("written")
            }
        };
        let (a, z) = (written(&one, false).await, written(&bulk, true).await);
        assert_eq!(a, z, "{b}: the records written");
        assert!(a.iter().any(|r| r.number.to_string().contains("2024-")), "{b}: numbers run into a second year");
        for r in &a {
            assert_eq!(one.store.appeal(r.id).await.expect("one"), bulk.store.appeal(r.id).await.expect("bulk"), "{b}");
            assert_eq!(
                one.store.appeal_events(r.id).await.expect("one"),
                bulk.store.appeal_events(r.id).await.expect("bulk"),
                "{b}"
            );
        }
        let after = |db: &TestDb| {
            let s = db.store.clone();
            async move {
                let records = s.audit_records(None, 1000).await.expect("audit");
                records.into_iter().map(|r| (r.action, r.object, r.after)).collect::<Vec<_>>()
            }
        };
        assert_eq!(after(&one).await, after(&bulk).await, "{b}: the audit records");
        for db in [&one, &bulk] {
            let check = db.store.verify_figures(|_, _| {}).await.expect("verify");
            assert!(check.is_sound(), "{b}: {check:?}");
        }
        let window = Window { first: date(2024, 1, 1), as_of: date(2024, 1, 31) };
        let figures = |db: &TestDb, city: &City| {
            let (s, p) = (db.store.clone(), leader(city));
            async move { s.figures(&p, &FigureScope::default(), window, window).await.expect("figures") }
        };
        assert_eq!(figures(&one, &cities[0]).await, figures(&bulk, &cities[1]).await, "{b}: the figures");
    }
}

/// Issue 17, point 2: ten leaders opening the dashboard at once are served by one computation, and a result is given
/// again only while nothing has been committed since it was read (SQLite counts its commits, PostgreSQL names its
/// snapshots): the first write after it, however small, has the next reader count again and see the write.
#[tokio::test]
async fn a_kept_result_lasts_until_the_next_commit_and_ten_readers_share_one_count() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    for db in backends("kept_until_the_next_commit").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let counted = Arc::new(AtomicUsize::new(0));
        let read = || {
            let (s, counted, p) = (s.clone(), Arc::clone(&counted), leader(&city));
            async move {
                s.memoized("headline", || async {
                    counted.fetch_add(1, Ordering::SeqCst);
                    // Slow enough for every reader to ask while it is counted.
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    s.headline(&p, date(2024, 3, 20)).await
                })
                .await
                .expect("memoized headline")
            }
        };
        let mut readers = tokio::task::JoinSet::new();
        for _ in 0..10 {
            readers.spawn(read());
        }
        let mut seen = Vec::new();
        while let Some(h) = readers.join_next().await {
            seen.push(h.expect("reader").collected);
        }
        assert_eq!(seen, vec![0; 10], "{b}");
        assert_eq!(counted.load(Ordering::SeqCst), 1, "{b}: ten readers at once, one count");
        // PostgreSQL's snapshots name the transactions of the whole server: the other tests' databases, busy
        // meanwhile, change the version too (a count more, never a stale one). How often a result is kept is
        // checked on SQLite, whose version moves with its own commits only; that a write is seen, on both.
        let quiet = b == "sqlite";
        assert_eq!(read().await.collected, 0, "{b}");
        if quiet {
            assert_eq!(counted.load(Ordering::SeqCst), 1, "{b}: nothing written, nothing counted again");
        }
        let version = s.data_version().await.expect("version");
        submit(s, &city, "第一件").await;
        assert_ne!(s.data_version().await.expect("version"), version, "{b}: a commit changes the version");
        let before = counted.load(Ordering::SeqCst);
        assert_eq!(read().await.collected, 1, "{b}: the write is seen");
        assert_eq!(counted.load(Ordering::SeqCst), before + 1, "{b}");
        assert_eq!(read().await.collected, 1, "{b}");
        if quiet {
            assert_eq!(counted.load(Ordering::SeqCst), 2, "{b}: one count before the write, one after");
        }
    }
}
