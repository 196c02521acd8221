//! 惠企政策 (issue 16): the policy library, the facts an enterprise record keeps for it, and matching both ways —
//! for a policy the enterprises that qualify, for an enterprise the policies it qualifies for or nearly does, with
//! why. Every test runs on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use jiff::civil::Date;
use support::*;
use zhuqi_domain::policy::delivery::{DeliveryChannel, DeliveryStage, DeliveryStep, Intention};
use zhuqi_domain::policy::{
    BenefitKind, ConditionKind, Conditions, Fit, PolicyLevel, PolicyStatus, RevenueBand, SizeFlag, TaxCredit,
};
use zhuqi_domain::{Fen, Role, Uscc};
use zhuqi_store::{
    DeliveryFilter, EnterpriseProfile, NewEnterprise, NewPolicy, NewUser, PolicyFilter, PolicyGrouping, Principal,
    Store, StoreError,
};

fn day(s: &str) -> Date {
    s.parse().expect("date")
}

const TODAY: &str = "2026-12-03";

/// A city policy of the finance bureau for 专精特新 food or medicine makers of 3 years or more, 20 people or more,
/// with a B tax credit or better.
fn policy(unit_id: i64) -> NewPolicy {
    NewPolicy {
        title: "周口市支持专精特新中小企业高质量发展若干措施".into(),
        issuer: "周口市人民政府办公室".into(),
        level: PolicyLevel::City,
        doc_number: "周政办〔2026〕12号".into(),
        region: code("411600"),
        unit_id,
        status: PolicyStatus::Published,
        valid_from: day("2026-01-01"),
        valid_to: Some(day("2027-12-31")),
        due_on: None,
        benefit_kind: BenefitKind::Subsidy,
        benefit: "首次认定的一次性奖励50万元".into(),
        cap: Some(Fen::parse("50万").expect("amount")),
        no_application: false,
        conditions: Conditions {
            industries: vec!["现代食品".into(), "生物医药".into()],
            sizes: vec![SizeFlag::Specialized],
            min_years: Some(3),
            min_employees: Some(20),
            min_tax_credit: Some(TaxCredit::B),
            ..Conditions::default()
        },
        body: "为加快培育专精特新中小企业，对首次认定的企业给予一次性奖励。".into(),
    }
}

fn uscc(n: u32) -> Uscc {
    Uscc::with_check_char(&format!("91411600MA{n:07}")).expect("valid")
}

/// An enterprise of 川汇区 that meets `policy()` on `TODAY`.
fn qualifying(name: &str, n: u32) -> NewEnterprise {
    NewEnterprise {
        name: name.into(),
        uscc: uscc(n),
        region: code("411602"),
        industry: "现代食品".into(),
        above_scale: true,
        small_micro: false,
        specialized: true,
        little_giant: false,
        contact_name: None,
        contact_phone: None,
        created_at: at("2024-01-02T00:00:00Z"),
        profile: EnterpriseProfile {
            high_tech: false,
            registered_on: Some(day("2019-05-20")),
            employees: Some(85),
            revenue: Some(RevenueBand::To100m),
            tax_credit: Some(TaxCredit::A),
        },
    }
}

struct Library {
    enterprises: Vec<i64>,
    county_unit: i64,
    county_handler: i64,
    sysadmin: i64,
    cadre: i64,
}

/// 川汇区 and 扶沟县 enterprises on each side of each condition of `policy()`, a county unit with its handler.
async fn seed_library(s: &Store) -> Library {
    s.transaction(sys(), |w| {
        w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
        let mut ids = Vec::new();
        let base = qualifying("周口金丝猴食品有限公司", 1);
        let variants: Vec<NewEnterprise> = vec![
            base.clone(),
            NewEnterprise {
                name: "周口仁和药业有限公司".into(),
                uscc: uscc(2),
                industry: "生物医药".into(),
                ..base.clone()
            },
            // each of these fails one condition
            NewEnterprise {
                name: "周口纺织有限公司".into(),
                uscc: uscc(3),
                industry: "纺织服装".into(),
                ..base.clone()
            },
            NewEnterprise {
                name: "周口小厨食品有限公司".into(), uscc: uscc(4), specialized: false, ..base.clone()
            },
            NewEnterprise {
                name: "周口新创食品有限公司".into(),
                uscc: uscc(5),
                profile: EnterpriseProfile { registered_on: Some(day("2023-12-04")), ..base.profile.clone() },
                ..base.clone()
            },
            NewEnterprise {
                name: "周口微小食品有限公司".into(),
                uscc: uscc(6),
                profile: EnterpriseProfile { employees: Some(19), ..base.profile.clone() },
                ..base.clone()
            },
            NewEnterprise {
                name: "周口欠税食品有限公司".into(),
                uscc: uscc(7),
                profile: EnterpriseProfile { tax_credit: Some(TaxCredit::M), ..base.profile.clone() },
                ..base.clone()
            },
            NewEnterprise {
                name: "周口无档案食品有限公司".into(),
                uscc: uscc(8),
                profile: EnterpriseProfile::default(),
                ..base.clone()
            },
            // 扶沟县: inside the city's policy
            NewEnterprise {
                name: "扶沟县天顺食品有限公司".into(),
                uscc: uscc(9),
                region: code("411621"),
                ..base.clone()
            },
        ];
        for e in &variants {
            ids.push(w.insert_enterprise(e)?);
        }
        let county_unit = w.insert_unit("扶沟县工业和信息化局", &code("411621"))?;
        let county_handler =
            w.insert_user(&NewUser { unit_id: Some(county_unit), ..person("fugou_gxj", Role::Handler, "411621") })?;
        let sysadmin = w.insert_user(&person("xitong", Role::Sysadmin, "411600"))?;
        let cadre = w.insert_user(&person("ganbu", Role::Cadre, "411602"))?;
        Ok::<_, StoreError>(Library { enterprises: ids, county_unit, county_handler, sysadmin, cadre })
    })
    .await
    .expect("seed")
}

async fn principal(s: &Store, id: i64) -> Principal {
    s.principal(id).await.expect("principal")
}

async fn count(s: &Store, p: &Principal) -> usize {
    s.policies_for(p, PolicyFilter { limit: 100, ..PolicyFilter::default() }).await.expect("list").total
}

#[tokio::test]
async fn a_policy_lists_the_enterprises_that_qualify_and_an_enterprise_its_policies_with_why() {
    for db in backends("policies_matching").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let lib = seed_library(s).await;
        let office = principal(s, city.dispatcher).await;
        let p = s.create_policy_as(&office, "test", policy(city.unit_id), at("2026-01-05T02:00:00Z"), None).await;
        let p = p.expect("recorded");
        assert_eq!(p.version, 1);
        assert_eq!(p.unit_name, "周口市地方金融监督管理局");

        let matched = s.policy_matches_for(&office, p.id, day(TODAY), 0, 50).await.expect("matches");
        let names: Vec<&str> = matched.items.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["周口金丝猴食品有限公司", "周口仁和药业有限公司", "扶沟县天顺食品有限公司"], "{b:?}");
        assert_eq!(matched.total, 3);
        let second = s.policy_matches_for(&office, p.id, day(TODAY), 2, 50).await.expect("page 2");
        assert_eq!((second.total, second.items.len()), (3, 1));
        // A day earlier 新创食品 is not yet 3 years old; a day later it is.
        let later = s.policy_matches_for(&office, p.id, day("2026-12-04"), 0, 50).await.expect("later");
        assert_eq!(later.total, 4, "{b:?}");

        // The enterprise's side: one policy, qualifies, each condition met with a reason.
        let own = principal(s, city.enterprise_user).await;
        assert!(s.enterprise_policies_for(&own, city.enterprise_id, day(TODAY)).await.expect("own").is_empty());
        let fits = s.enterprise_policies_for(&office, lib.enterprises[0], day(TODAY)).await.expect("fits");
        assert_eq!(fits.len(), 1);
        assert_eq!(fits[0].fit, Fit::Qualifies);
        assert!(fits[0].checks.iter().all(|c| c.met));
        assert!(fits[0].checks.iter().any(|c| c.reason.contains("纳税信用A级")), "{:?}", fits[0].checks);
        // Each enterprise failing one condition nearly qualifies, and the check names it.
        let failing = [
            (2, ConditionKind::Industry),
            (3, ConditionKind::Size),
            (4, ConditionKind::Age),
            (5, ConditionKind::Employees),
            (6, ConditionKind::TaxCredit),
        ];
        for (i, kind) in failing {
            let fits = s.enterprise_policies_for(&office, lib.enterprises[i], day(TODAY)).await.expect("fits");
            assert_eq!(fits.len(), 1, "{b:?} {i}");
            assert_eq!(fits[0].fit, Fit::Nearly);
            let failed: Vec<ConditionKind> = fits[0].checks.iter().filter(|c| !c.met).map(|c| c.condition).collect();
            assert_eq!(failed, [kind], "{b:?} {i}");
        }
        // No facts recorded: three conditions fail, so not even nearly.
        assert!(s.enterprise_policies_for(&office, lib.enterprises[7], day(TODAY)).await.expect("bare").is_empty());

        // Recording the facts makes it qualify; the edit is audited with before and after.
        let record = s.enterprise_for(&office, lib.enterprises[7]).await.expect("read");
        let edit = NewEnterprise {
            name: record.name.clone(),
            uscc: record.uscc.clone(),
            region: record.region_code.clone(),
            industry: record.industry.clone(),
            above_scale: record.above_scale,
            small_micro: record.small_micro,
            specialized: record.specialized,
            little_giant: record.little_giant,
            contact_name: None,
            contact_phone: None,
            created_at: record.created_at,
            profile: qualifying("", 0).profile,
        };
        let edited = s.edit_enterprise_as(&office, "test", record.id, edit.clone()).await.expect("edit");
        assert_eq!(edited.profile.employees, Some(85));
        assert_eq!(s.policy_matches_for(&office, p.id, day(TODAY), 0, 50).await.expect("matches").total, 4);
        // The unserved cadre and the other county's handler may not edit it; nobody may change the USCC.
        let cadre = principal(s, lib.cadre).await;
        assert!(s.edit_enterprise_as(&cadre, "test", record.id, edit.clone()).await.is_err());
        let changed = NewEnterprise { uscc: uscc(99), ..edit };
        let refused = s.edit_enterprise_as(&office, "test", record.id, changed).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{refused:?}");
    }
}

#[tokio::test]
async fn who_reads_and_writes_which_policies() {
    for db in backends("policies_scope").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let lib = seed_library(s).await;
        let office = principal(s, city.dispatcher).await;
        let county = principal(s, lib.county_handler).await;
        let city_handler = principal(s, city.handler).await;
        let enterprise = principal(s, city.enterprise_user).await;
        let admin = principal(s, lib.sysadmin).await;

        let city_policy = s.create_policy_as(&office, "t", policy(city.unit_id), at("2026-01-05T02:00:00Z"), None);
        let city_policy = city_policy.await.expect("city");
        // The county unit records its own county's policy and drafts another.
        let mine = NewPolicy {
            title: "扶沟县促进纺织服装产业发展奖补办法".into(),
            region: code("411621"),
            unit_id: lib.county_unit,
            level: PolicyLevel::County,
            conditions: Conditions { industries: vec!["纺织服装".into()], ..Conditions::default() },
            ..policy(lib.county_unit)
        };
        let fugou = s.create_policy_as(&county, "t", mine.clone(), at("2026-02-01T02:00:00Z"), None).await;
        let fugou = fugou.expect("county policy");
        let draft = NewPolicy {
            title: "扶沟县支持企业技术改造实施办法（征求意见稿）".into(),
            status: PolicyStatus::Drafting,
            due_on: Some(day("2027-03-31")),
            ..mine.clone()
        };
        let draft = s.create_policy_as(&county, "t", draft, at("2026-11-01T02:00:00Z"), None).await.expect("draft");
        // It may not record a city policy, nor one for another unit.
        let refused = s.create_policy_as(&county, "t", policy(lib.county_unit), at("2026-02-01T02:00:00Z"), None).await;
        assert!(matches!(refused, Err(StoreError::Forbidden(_))), "{b:?} {refused:?}");
        let refused = s.create_policy_as(&county, "t", policy(city.unit_id), at("2026-02-01T02:00:00Z"), None).await;
        assert!(matches!(refused, Err(StoreError::Forbidden(_))), "{b:?}");
        // Nor may the city unit's handler change the county's policy, nor the enterprise anything.
        let refused = s.edit_policy_as(&city_handler, "t", fugou.id, 1, mine.clone(), at("2026-02-02T00:00:00Z"));
        assert!(refused.await.is_err());
        let refused = s.create_policy_as(&enterprise, "t", policy(city.unit_id), at("2026-02-01T00:00:00Z"), None);
        assert!(matches!(refused.await, Err(StoreError::Forbidden(_))));

        // Reading: the office all three; the county unit all three (the city's concerns it, the draft is its own);
        // the enterprise of 川汇区 the city's only; the city handler the two published; the admin none.
        assert_eq!(count(s, &office).await, 3, "{b:?}");
        assert_eq!(count(s, &county).await, 3);
        assert_eq!(count(s, &enterprise).await, 1);
        assert_eq!(count(s, &city_handler).await, 2);
        assert_eq!(count(s, &admin).await, 0);
        assert!(matches!(s.policy_for(&enterprise, draft.id).await, Err(StoreError::NotFound(_))));
        assert!(matches!(s.policy_for(&enterprise, fugou.id).await, Err(StoreError::NotFound(_))));
        assert!(s.policy_for(&enterprise, city_policy.id).await.is_ok());

        // The county unit sees every enterprise of its region that qualifies (it grants them); the city handler
        // sees only those its own items bring it — none here.
        let textile = NewEnterprise {
            name: "扶沟县锦程纺织有限公司".into(),
            uscc: uscc(40),
            region: code("411621"),
            industry: "纺织服装".into(),
            ..qualifying("", 0)
        };
        s.transaction(sys(), move |w| w.insert_enterprise(&textile)).await.expect("textile");
        let own = s.policy_matches_for(&county, fugou.id, day(TODAY), 0, 10).await.expect("own");
        let names: Vec<&str> = own.items.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["扶沟县锦程纺织有限公司"], "{b:?}");
        assert_eq!(s.policy_matches_for(&city_handler, fugou.id, day(TODAY), 0, 10).await.expect("other").total, 0);
        // The 执行清单 counts what the policy's page lists, for the unit that grants it and for the others.
        for (who, want) in [(&county, 1), (&city_handler, 0)] {
            let reach = s.policy_reach(who, day(TODAY)).await.expect("reach");
            let count = reach.iter().find(|r| r.policy.id == fugou.id).map(|r| r.matched);
            assert_eq!(count, Some(want), "{b}: {}", who.username);
        }

        // Publishing the draft, as read; a second edit on the old version is refused as stale.
        let published = NewPolicy { status: PolicyStatus::Published, ..draft.policy.clone() };
        let edited = s.edit_policy_as(&county, "t", draft.id, 1, published.clone(), at("2026-12-01T00:00:00Z")).await;
        assert_eq!(edited.expect("published").version, 2);
        let stale = s.edit_policy_as(&county, "t", draft.id, 1, published, at("2026-12-01T00:00:01Z")).await;
        assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
        assert!(s.may_edit_policy(&county, draft.id).await.expect("may"));
        assert!(!s.may_edit_policy(&city_handler, draft.id).await.expect("may not"));
    }
}

#[tokio::test]
async fn bad_policies_are_refused_and_change_nothing() {
    for db in backends("policies_invalid").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let office = principal(s, city.dispatcher).await;
        let good = policy(city.unit_id);
        let cases: Vec<(NewPolicy, &str)> = vec![
            (
                NewPolicy {
                    conditions: Conditions { industries: vec!["航空航天".into()], ..Conditions::default() },
                    ..good.clone()
                },
                "产业链「航空航天」不在目录中",
            ),
            (NewPolicy { region: code("411699"), ..good.clone() }, "地区 411699 不存在"),
            (NewPolicy { valid_to: Some(day("2025-12-31")), ..good.clone() }, "有效期止不能早于有效期起"),
            (
                NewPolicy {
                    conditions: Conditions { min_years: Some(5), max_years: Some(3), ..Conditions::default() },
                    ..good.clone()
                },
                "成立年限的下限",
            ),
            (NewPolicy { title: " ".into(), ..good.clone() }, "请填写政策名称"),
            (NewPolicy { status: PolicyStatus::Drafting, due_on: None, ..good.clone() }, "计划出台日期"),
            (NewPolicy { unit_id: 9999, ..good.clone() }, "单位 9999 不存在"),
        ];
        let newest = |s: Store| async move { s.audit_records(None, 1).await.expect("audit")[0].seq };
        let audit_before = newest(s.clone()).await;
        for (bad, message) in cases {
            match s.create_policy_as(&office, "t", bad, at("2026-01-05T02:00:00Z"), None).await {
                Err(StoreError::Invalid(m)) => assert!(m.contains(message), "{b:?}: {m} lacks {message}"),
                other => panic!("{b:?}: {message}: {other:?}"),
            }
        }
        assert_eq!(count(s, &office).await, 0);
        assert_eq!(newest(s.clone()).await, audit_before, "{b:?}");

        // Words find policies by title, 文号 or text; two words must both be there.
        s.create_policy_as(&office, "t", good.clone(), at("2026-01-05T02:00:00Z"), None).await.expect("good");
        let loan = NewPolicy {
            title: "周口市中小微企业贷款贴息办法".into(),
            doc_number: "周财金〔2026〕3号".into(),
            benefit_kind: BenefitKind::LoanInterest,
            body: "对从银行取得流动资金贷款的企业给予贴息。".into(),
            conditions: Conditions::default(),
            ..good
        };
        s.create_policy_as(&office, "t", loan, at("2026-02-05T02:00:00Z"), None).await.expect("loan");
        let find = |words: &str| {
            let filter = PolicyFilter { words: Some(words.into()), limit: 10, ..PolicyFilter::default() };
            let (s, office) = (s.clone(), office.clone());
            async move { s.policies_for(&office, filter).await.expect("search").items.len() }
        };
        assert_eq!(find("贴息").await, 1);
        assert_eq!(find("贷款 银行").await, 1);
        assert_eq!(find("贷款 专精特新").await, 0);
        assert_eq!(find("周财金〔2026〕3号").await, 1);
        assert_eq!(find("周口").await, 2);
        assert_eq!(find("100%_").await, 0, "LIKE's wildcards are taken literally");
    }
}

/// The database counts a policy's enterprises from its conditions written in SQL; the 执行清单 counts them with the
/// domain's `qualifies`. Over enterprises spread across every bound (dates around anniversaries and 29 February, each
/// band and grade, unknown facts) and policies with every kind of condition, on four days, both give the same number.
#[tokio::test]
async fn the_database_and_the_domain_count_the_same_enterprises() {
    for db in backends("policies_sql_domain").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let office = principal(s, city.dispatcher).await;
        let dates = [
            None,
            Some("2016-02-29"),
            Some("2017-02-28"),
            Some("2017-03-01"),
            Some("2023-12-03"),
            Some("2023-12-04"),
            Some("2024-02-29"),
            Some("2025-02-28"),
            Some("2016-12-04"),
            Some("2016-12-03"),
            Some("2020-02-29"),
        ];
        let employees = [None, Some(0), Some(19), Some(20), Some(300), Some(301), Some(5000)];
        let revenue = [
            None,
            Some(RevenueBand::Under5m),
            Some(RevenueBand::To20m),
            Some(RevenueBand::To100m),
            Some(RevenueBand::To400m),
            Some(RevenueBand::Over400m),
        ];
        let grades =
            [None, Some(TaxCredit::A), Some(TaxCredit::B), Some(TaxCredit::M), Some(TaxCredit::C), Some(TaxCredit::D)];
        let industries = ["现代食品", "生物医药", "纺织服装"];
        s.transaction(sys(), move |w| {
            for i in 0..462_usize {
                let e = NewEnterprise {
                    name: format!("周口测试企业{i}有限公司"),
                    uscc: uscc(1000 + u32::try_from(i).unwrap_or(0)),
                    industry: industries[i % 3].into(),
                    above_scale: i % 2 == 0,
                    small_micro: i % 2 == 1,
                    specialized: i % 5 == 0,
                    little_giant: i % 13 == 0,
                    profile: EnterpriseProfile {
                        high_tech: i % 7 == 0,
                        registered_on: dates[i % 11].map(day),
                        employees: employees[i % 7],
                        revenue: revenue[(i / 7) % 6],
                        tax_credit: grades[(i / 11) % 6],
                    },
                    ..qualifying("", 0)
                };
                w.insert_enterprise(&e)?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .expect("enterprises");
        let sets = [
            Conditions::default(),
            Conditions { min_years: Some(3), ..Conditions::default() },
            Conditions { max_years: Some(10), ..Conditions::default() },
            Conditions { min_years: Some(1), max_years: Some(3), ..Conditions::default() },
            Conditions { min_employees: Some(20), max_employees: Some(300), ..Conditions::default() },
            Conditions {
                min_revenue: Some(RevenueBand::To20m),
                max_revenue: Some(RevenueBand::To400m),
                ..Conditions::default()
            },
            Conditions { max_revenue: Some(RevenueBand::Under5m), ..Conditions::default() },
            Conditions { min_tax_credit: Some(TaxCredit::B), ..Conditions::default() },
            Conditions { industries: vec!["生物医药".into(), "纺织服装".into()], ..Conditions::default() },
            Conditions { sizes: vec![SizeFlag::HighTech, SizeFlag::LittleGiant], ..Conditions::default() },
            strict_for_counting(),
        ];
        for (n, c) in sets.into_iter().enumerate() {
            let p = NewPolicy {
                title: format!("测试政策{n}"),
                valid_from: day("2015-01-01"),
                valid_to: None,
                cap: None,
                conditions: c,
                ..policy(city.unit_id)
            };
            s.create_policy_as(&office, "t", p, at("2015-01-01T00:00:00Z"), None).await.expect("policy");
        }
        for today in ["2026-12-03", "2028-02-29", "2027-02-28", "2027-03-01"] {
            let reach = s.policy_reach(&office, day(today)).await.expect("reach");
            assert_eq!(reach.len(), 11);
            let mut seen = 0;
            for r in reach {
                let (p, count) = (r.policy, r.matched);
                let page = s.policy_matches_for(&office, p.id, day(today), 0, 500).await.expect("matches");
                assert_eq!(page.total, count, "{b}: {} on {today}", p.policy.title);
                assert_eq!(page.items.len(), count);
                seen += count;
            }
            assert!(seen > 500, "{b}: the policies reach enough enterprises to mean something ({seen})");
        }
    }
}

/// Every kind of condition at once, loose enough that some of the test's enterprises meet them all.
fn strict_for_counting() -> Conditions {
    Conditions {
        industries: vec!["现代食品".into(), "生物医药".into()],
        sizes: vec![SizeFlag::AboveScale, SizeFlag::SmallMicro],
        min_years: Some(1),
        max_years: Some(12),
        min_employees: Some(1),
        max_employees: Some(1000),
        min_revenue: Some(RevenueBand::Under5m),
        max_revenue: Some(RevenueBand::To400m),
        min_tax_credit: Some(TaxCredit::C),
    }
}

fn deliver(on: &str) -> DeliveryStep {
    DeliveryStep::Deliver {
        on: day(on),
        channel: DeliveryChannel::Visit,
        intention: Intention::Apply,
        note: "上门讲解申报条件和材料".into(),
    }
}

fn grant(on: &str, amount: &str) -> DeliveryStep {
    DeliveryStep::Grant { on: day(on), amount: Fen::parse(amount).expect("amount"), note: String::new() }
}

#[tokio::test]
async fn a_policy_is_delivered_claimed_and_granted_by_the_people_whose_step_it_is() {
    for db in backends("policies_deliveries").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let lib = seed_library(s).await;
        let (first, second) = (lib.enterprises[0], lib.enterprises[1]);
        let own = s
            .transaction(sys(), move |w| {
                w.insert_category("policy", "政策兑现", None, 2)?;
                let group = w.insert_work_group("川汇区第一助企工作组", &code("411602"), None)?;
                w.add_work_group_member(group, lib.cadre)?;
                w.assign_enterprise(group, first)?;
                w.insert_user(&NewUser { enterprise_id: Some(first), ..person("jinsihou", Role::Enterprise, "411602") })
            })
            .await
            .expect("cadre serves the first");
        let own = principal(s, own).await;
        let office = principal(s, city.dispatcher).await;
        let unit = principal(s, city.handler).await;
        let cadre = principal(s, lib.cadre).await;
        let county = principal(s, lib.county_handler).await;
        let p = s.create_policy_as(&office, "t", policy(city.unit_id), at("2026-01-05T02:00:00Z"), None).await;
        let p = p.expect("policy");
        let now = at("2026-06-30T02:00:00Z");

        // The serving cadre delivers it; a second post of the same form (no record seen) is stale, not a duplicate.
        let d = s.take_delivery_step_as(&cadre, "t", p.id, first, None, deliver("2026-03-02"), now).await;
        let d = d.expect("delivered");
        assert_eq!((d.delivery.stage, d.version), (DeliveryStage::Delivered, 1), "{b:?}");
        assert_eq!(d.delivered_by.as_deref(), Some("ganbu的姓名"));
        let again = s.take_delivery_step_as(&cadre, "t", p.id, first, None, deliver("2026-03-02"), now).await;
        assert!(matches!(again, Err(StoreError::Stale(_))), "{b:?} {again:?}");
        // It serves only the first: the second is not its to deliver, and the other county's unit not at all.
        let refused = s.take_delivery_step_as(&cadre, "t", p.id, second, None, deliver("2026-03-02"), now).await;
        assert!(matches!(refused, Err(StoreError::NotFound(_))), "{b:?} {refused:?}");
        let refused = s.take_delivery_step_as(&county, "t", p.id, second, None, deliver("2026-03-02"), now).await;
        assert!(matches!(refused, Err(StoreError::NotFound(_) | StoreError::Forbidden(_))), "{b:?} {refused:?}");

        // The enterprise claims on its portal; it may not grant itself, nor may the cadre.
        let claim = DeliveryStep::Claim { on: day("2026-03-10"), amount: Some(Fen::parse("50万").expect("amount")) };
        let d = s.take_delivery_step_as(&own, "t", p.id, first, Some(1), claim, now).await.expect("claimed");
        assert_eq!(d.delivery.stage, DeliveryStage::Claimed);
        for who in [&own, &cadre] {
            let refused = s.take_delivery_step_as(who, "t", p.id, first, Some(2), grant("2026-04-01", "30万"), now);
            assert!(matches!(refused.await, Err(StoreError::Forbidden(_))), "{b:?} {}", who.username);
        }
        // The unit grants: above the cap is refused and changes nothing; within it, granted.
        let over = s.take_delivery_step_as(&unit, "t", p.id, first, Some(2), grant("2026-04-01", "50.01万"), now);
        assert!(matches!(over.await, Err(StoreError::Invalid(m)) if m.contains("超过政策上限")), "{b:?}");
        let d = s.take_delivery_step_as(&unit, "t", p.id, first, Some(2), grant("2026-04-01", "30万"), now).await;
        let d = d.expect("granted");
        assert_eq!(
            (d.delivery.stage, d.delivery.granted.map(Fen::fen), d.version),
            (DeliveryStage::Granted, Some(30_000_000), 3)
        );

        // The office records a delivery to the second; the 执行清单 counts both by the day asked.
        s.take_delivery_step_as(&office, "t", p.id, second, None, deliver("2026-05-06"), now).await.expect("office");
        let reach = |day_: &'static str| {
            let office = office.clone();
            async move {
                let r = s.policy_reach(&office, day(day_)).await.expect("reach");
                r.into_iter().find(|r| r.policy.id == p.id).expect("in force").progress
            }
        };
        let june = reach("2026-06-30").await;
        assert_eq!((june.delivered, june.claimed, june.granted, june.amount.fen()), (2, 1, 1, 30_000_000), "{b:?}");
        let march = reach("2026-03-31").await;
        assert_eq!((march.delivered, march.claimed, march.granted, march.amount.fen()), (1, 1, 0, 0), "{b:?}");
        // The cadre counts only the enterprise it serves; the enterprise reads its own record only.
        let mine = s.policy_reach(&cadre, day("2026-06-30")).await.expect("cadre reach");
        assert_eq!(mine.iter().find(|r| r.policy.id == p.id).expect("cadre").progress.delivered, 1);
        let page = s.deliveries_for(&own, DeliveryFilter { limit: 10, ..Default::default() }).await.expect("own");
        assert_eq!((page.total, page.items[0].enterprise_id), (1, first));
        let page = s.deliveries_for(&unit, DeliveryFilter { policy_id: Some(p.id), limit: 10, ..Default::default() });
        assert_eq!(page.await.expect("unit").total, 2, "{b:?}");
        let matches = s.policy_matches_for(&unit, p.id, day(TODAY), 0, 10).await.expect("matches");
        assert_eq!(matches.deliveries.get(&first).map(|d| d.delivery.stage), Some(DeliveryStage::Granted));

        // The figures count the same, by county and by industry, for the whole city or one county.
        let june = day("2026-06-30");
        let by_county = s.policy_figures(&office, None, june, PolicyGrouping::Region).await.expect("figures");
        assert_eq!((by_county.in_force, by_county.total.matched, by_county.total.progress.granted), (1, 3, 1), "{b:?}");
        let lines: Vec<(&str, usize, usize, i64)> = by_county
            .rows
            .iter()
            .map(|(k, _, t)| (k.as_str(), t.matched, t.progress.delivered, t.progress.amount.fen()))
            .collect();
        assert_eq!(lines, [("411602", 2, 2, 30_000_000), ("411621", 1, 0, 0)], "{b:?}");
        assert_eq!(by_county.rows[0].1, "川汇区");
        let by_industry = s.policy_figures(&office, None, june, PolicyGrouping::Industry).await.expect("industry");
        let lines: Vec<(&str, usize, usize)> =
            by_industry.rows.iter().map(|(k, _, t)| (k.as_str(), t.matched, t.progress.delivered)).collect();
        assert_eq!(lines, [("现代食品", 2, 1), ("生物医药", 1, 1)], "{b:?}");
        let county = s.policy_figures(&office, Some(code("411621")), june, PolicyGrouping::Policy).await;
        let county = county.expect("county");
        assert_eq!((county.total.matched, county.total.progress.delivered), (1, 0), "{b:?}");
        let before = s.policy_figures(&office, None, day("2026-03-01"), PolicyGrouping::Region).await.expect("eve");
        assert_eq!(before.total.progress.delivered, 0, "{b:?}: nothing was delivered before 2 March");

        // The enterprise asks about it: a 政策兑现 appeal that names the policy.
        let asked =
            s.ask_about_policy_as(&own, "t", p.id, first, "申报材料中的研发费用口径如何认定？".into(), now, None);
        let asked = asked.await.expect("asked");
        assert_eq!(asked.state.category, "policy");
        assert!(asked.title.starts_with("政策咨询："), "{}", asked.title);
        assert_eq!(s.appeal_policy(&office, asked.id).await.expect("link").map(|(id, _)| id), Some(p.id));

        // Every step is audited under its name.
        let audit = s.audit_records(None, 100).await.expect("audit");
        for action in ["support_policy.deliver", "support_policy.claim", "support_policy.grant", "appeal.policy"] {
            assert!(audit.iter().any(|a| a.action == action), "{b:?} {action}");
        }
    }
}

#[tokio::test]
async fn a_no_application_policy_grants_from_the_list_the_unit_confirms() {
    for db in backends("policies_grant_list").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let lib = seed_library(s).await;
        let office = principal(s, city.dispatcher).await;
        let unit = principal(s, city.handler).await;
        let cadre = principal(s, lib.cadre).await;
        let auto =
            NewPolicy { no_application: true, cap: Some(Fen::parse("2万").expect("cap")), ..policy(city.unit_id) };
        let p = s.create_policy_as(&office, "t", auto, at("2026-01-05T02:00:00Z"), None).await.expect("policy");
        let now = at("2026-06-30T02:00:00Z");

        let refused = s.draw_grant_list_as(&cadre, "t", p.id, now).await;
        assert!(matches!(refused, Err(StoreError::Forbidden(_))), "{b:?} {refused:?}");
        // The three enterprises that qualify on 2026-06-30 go on the list; drawing it again adds nobody.
        assert_eq!(s.draw_grant_list_as(&unit, "t", p.id, now).await.expect("drawn"), 3, "{b:?}");
        assert_eq!(s.draw_grant_list_as(&unit, "t", p.id, now).await.expect("again"), 0);
        // Nobody claims a 免申即享 policy.
        let claim = DeliveryStep::Claim { on: day("2026-06-30"), amount: None };
        let first = lib.enterprises[0];
        let refused = s.take_delivery_step_as(&office, "t", p.id, first, Some(1), claim, now).await;
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("免申即享")), "{b:?}");
        // One line is refused with a reason; above the cap the confirmation refuses the whole list.
        let refuse = DeliveryStep::Refuse { on: day("2026-06-30"), reason: "企业已注销".into() };
        s.take_delivery_step_as(&unit, "t", p.id, first, Some(1), refuse, now).await.expect("refused line");
        let over = s.confirm_grant_list_as(&unit, "t", p.id, Fen::parse("2.5万").expect("a"), day("2026-06-30"), now);
        assert!(matches!(over.await, Err(StoreError::Invalid(_))), "{b:?}");
        let waiting = DeliveryFilter {
            policy_id: Some(p.id),
            stage: Some(DeliveryStage::Proposed),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(s.deliveries_for(&unit, waiting.clone()).await.expect("waiting").total, 2, "nothing changed");
        let n = s.confirm_grant_list_as(&unit, "t", p.id, Fen::parse("2万").expect("a"), day("2026-06-30"), now).await;
        assert_eq!(n.expect("confirmed"), 2);
        assert_eq!(s.deliveries_for(&unit, waiting).await.expect("none left").total, 0);
        let reach = s.policy_reach(&office, day("2026-06-30")).await.expect("reach");
        let progress = reach.into_iter().find(|r| r.policy.id == p.id).expect("in force").progress;
        assert_eq!(
            (progress.delivered, progress.claimed, progress.granted, progress.amount.fen()),
            (2, 0, 2, 4_000_000)
        );
    }
}

/// 政策推进清单: a draft is a task on the loop. Recording it hands the drafting to its unit, due on the planned day;
/// while the unit holds the task the draft's unit and date are the task's; publishing reports the task done for the
/// office to judge; dropping a draft withdraws its task. A draft due before it is recorded is refused whole.
#[tokio::test]
async fn a_draft_is_a_task_on_the_loop_until_it_is_published() {
    use zhuqi_domain::{Action, Status};
    for db in backends("policies_drafting").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let lib = seed_library(s).await;
        let office_user = s
            .transaction(sys(), |w| w.insert_user(&person("zhengfuban", Role::Office, "411600")))
            .await
            .expect("office");
        let (dispatcher, unit) = (principal(s, city.dispatcher).await, principal(s, city.handler).await);
        let office = principal(s, office_user).await;
        let draft = NewPolicy {
            title: "周口市支持企业上市挂牌奖励办法（征求意见稿）".into(),
            status: PolicyStatus::Drafting,
            due_on: Some(day("2027-01-29")),
            ..policy(city.unit_id)
        };
        let recorded = at("2026-12-01T02:00:00Z");
        let created = s.create_policy_as(&dispatcher, "t", draft.clone(), recorded, None).await.expect("draft");
        let tasks = s.drafting_tasks(vec![created.id]).await.expect("tasks");
        let task = tasks.get(&created.id).expect("a drafting task").clone();
        assert_eq!((task.policy_id, task.meeting_id), (Some(created.id), None), "{b:?}");
        assert_eq!(task.state.status, Status::Assigned);
        assert_eq!(task.state.unit_id, Some(city.unit_id));
        assert_eq!(task.state.category, zhuqi_store::DRAFTING_AREA);
        assert_eq!(task.created_by, Some(city.dispatcher));
        assert!(task.content.contains("周口市支持企业上市挂牌奖励办法"));
        let due = task.state.deadlines(&s.calendar(), day("2026-12-01")).expect("due").resolve;
        assert_eq!(due, day("2027-01-29"));
        // It is on the unit's desk and the office's.
        for who in [&unit, &office] {
            let filter = zhuqi_store::TaskFilter { limit: 10, ..Default::default() };
            let listed = s.tasks_for(who, filter).await.expect("tasks");
            assert_eq!(listed.items.iter().map(|t| t.id).collect::<Vec<_>>(), [task.id], "{b:?} {}", who.username);
        }

        // The unit and date are the task's while the unit holds it; the words are the draft's own.
        let moved = NewPolicy { unit_id: lib.county_unit, region: code("411621"), ..draft.clone() };
        let refused = s.edit_policy_as(&dispatcher, "t", created.id, 1, moved, at("2026-12-02T02:00:00Z")).await;
        assert!(matches!(&refused, Err(StoreError::Invalid(m)) if m.contains(&task.number.to_string())), "{refused:?}");
        let later = NewPolicy { due_on: Some(day("2027-03-31")), ..draft.clone() };
        let refused = s.edit_policy_as(&dispatcher, "t", created.id, 1, later, at("2026-12-02T02:00:00Z")).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{b:?}");
        let worded = NewPolicy { body: "第二稿：扩大奖励范围。".into(), ..draft.clone() };
        let edited = s.edit_policy_as(&unit, "t", created.id, 1, worded.clone(), at("2026-12-02T03:00:00Z")).await;
        assert_eq!(edited.expect("worded").version, 2);

        // The unit signs for it; publishing the policy reports it done, and the office confirms it 完成.
        let signed = s.act_on_task(&unit, "t", task.id, 2, Action::Acknowledge, at("2026-12-02T04:00:00Z")).await;
        assert_eq!(signed.expect("signed").state.status, Status::InProgress);
        let published = NewPolicy {
            status: PolicyStatus::Published,
            valid_from: day("2026-12-10"),
            doc_number: "周政办〔2026〕30号".into(),
            ..worded
        };
        s.edit_policy_as(&unit, "t", created.id, 2, published, at("2026-12-03T02:00:00Z")).await.expect("published");
        let task = s.task_for(&office, task.id).await.expect("task");
        assert_eq!(task.state.status, Status::Answered, "{b:?}");
        let history = s.task_events_for(&office, task.id).await.expect("history");
        let reported = history.last().expect("last");
        assert_eq!(reported.actor.role, Role::System);
        assert!(matches!(&reported.action, Action::Answer { text } if text.contains("周政办〔2026〕30号")));
        let confirm = Action::Confirm { rating: None, comment: "按期出台".into() };
        let done = s.act_on_task(&office, "t", task.id, task.state.version, confirm, at("2026-12-03T03:00:00Z")).await;
        assert_eq!(done.expect("confirmed").state.status, Status::Closed);

        // A draft dropped before it is published withdraws its task (here not yet signed for).
        let other = NewPolicy { title: "周口市楼宇经济扶持办法（草案）".into(), ..draft.clone() };
        let other = s.create_policy_as(&dispatcher, "t", other, recorded, None).await.expect("other");
        let dropped = NewPolicy { status: PolicyStatus::Repealed, ..other.policy.clone() };
        s.edit_policy_as(&dispatcher, "t", other.id, 1, dropped, at("2026-12-02T02:00:00Z")).await.expect("dropped");
        let withdrawn = s.drafting_tasks(vec![other.id]).await.expect("tasks").remove(&other.id).expect("task");
        assert_eq!(withdrawn.state.status, Status::Withdrawn, "{b:?}");

        // A draft due before the day it is recorded is refused, and nothing is written.
        let before = count(s, &dispatcher).await;
        let past = NewPolicy { title: "过期草案".into(), due_on: Some(day("2026-11-30")), ..draft.clone() };
        let refused = s.create_policy_as(&dispatcher, "t", past, recorded, None).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{b:?} {refused:?}");
        assert_eq!(count(s, &dispatcher).await, before);
        let all = s.tasks_for(&office, zhuqi_store::TaskFilter { limit: 10, ..Default::default() }).await;
        assert_eq!(all.expect("tasks").total, 2, "{b:?}");
    }
}
