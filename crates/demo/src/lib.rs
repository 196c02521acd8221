//! `zhuqi demo`: fills an empty database with a realistic, deterministic demo city — 周口市 with its real regions, about
//! forty real-named government units, users of every role, enterprises with valid USCCs, work groups that serve them, and
//! a year of appeals that went through the real state machine (every status, escalations included).
//!
//! The same seed and the same `today` always give the same database: every random choice comes from one seeded
//! generator, and nothing reads the clock.

mod corpus;
mod deliveries;
mod disputes;
mod life;
mod meetings;
mod policies;
mod projects;

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, bail};
use indicatif::ProgressBar;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zhuqi_auth::password;
use zhuqi_domain::time::start_of_day;
use zhuqi_domain::{
    Action, Actor, DeadlinePolicy, Event, Phone, RegionCode, RegionLevel, Role, Status, Uscc, WorkingCalendar,
};
use zhuqi_store::{
    AppealRecord, Counts, NewAppeal, NewAttachment, NewCommonIssue, NewEnterprise, NewUser, Origin, Store, Writer,
};

/// The password of every demo login (printed by `zhuqi demo` and in the README).
pub const DEMO_PASSWORD: &str = "Demo@2026";
/// Appeal numbers of the demo city: ZK-2026-000123.
pub const PREFIX: &str = "ZK";

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    pub enterprises: usize,
    pub appeals: usize,
    /// The demo's "today": appeals span the twelve months before it; open ones are judged against it.
    pub today: Date,
}

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub who: String,
}

#[derive(Debug, Clone)]
pub struct DemoReport {
    pub logins: Vec<DemoLogin>,
    pub counts: Counts,
    pub by_status: BTreeMap<Status, usize>,
    /// Key projects written, and appeals linked to them.
    pub projects: usize,
    pub linked_appeals: usize,
}

/// What the appeal generator needs to know about the city it built.
pub(crate) struct City {
    units: Vec<Unit>,
    enterprises: Vec<Enterprise>,
    dispatcher: i64,
    leader: i64,
    /// 政府办: records the weekly meetings and hands out their tasks.
    office: i64,
    common_issues: Vec<(i64, &'static str)>,
    policies: [DeadlinePolicy; 3],
}

struct Unit {
    id: i64,
    region: &'static str,
    categories: &'static [&'static str],
    handler: i64,
}

struct Enterprise {
    id: i64,
    name: String,
    industry: &'static str,
    region: &'static str,
    county: &'static str,
    user: i64,
    cadre: i64,
}

/// Fills an empty database in one transaction: on any failure nothing is left behind.
pub async fn fill(store: &Store, opts: &DemoOptions, bar: &ProgressBar) -> anyhow::Result<DemoReport> {
    if store.counts().await?.enterprises > 0 {
        bail!(
            "数据库中已有数据，演示数据只能写入空数据库 / the database already holds data; the demo fills only an empty one"
        );
    }
    let cal = store.calendar();
    let origin = || Origin::system("demo");
    let (o, b) = (opts.clone(), bar.clone());
    let mut making = store.transaction(origin(), move |w| begin(w, &o, &b)).await?;
    // The appeals a slice per transaction: a province's ten million never make one transaction (its memory, its
    // log). Should the demo stop half-way, the database holds a part of the city and the demo refuses to add to it.
    bar.set_message("诉求 / appeals");
    bar.set_length(opts.appeals as u64);
    let times = life::submission_times(&mut making.rng, &cal, making.now, opts.appeals);
    for slice in times.chunks(APPEALS_PER_TRANSACTION) {
        let (slice, b, c) = (slice.to_vec(), bar.clone(), cal.clone());
        let seed = opts.seed;
        making = store.transaction(origin(), move |w| appeals(w, making, seed, &slice, &b, &c)).await?;
        store.fold_log().await;
        store.fold_fact_shards().await?;
    }
    let (o, b) = (opts.clone(), bar.clone());
    let (logins, by_status, projects, linked_appeals) =
        store.transaction(origin(), move |w| finish(w, making, &o, &b, &cal)).await?;
    store.fold_fact_shards().await?;
    store.refresh_statistics().await?;
    Ok(DemoReport { logins, counts: store.counts().await?, by_status, projects, linked_appeals })
}

/// Appeals written per `insert_appeals` by the demo.
const APPEALS_PER_WRITE: usize = 500;

/// Appeals written per transaction by the demo.
const APPEALS_PER_TRANSACTION: usize = 20_000;

type Written = (Vec<DemoLogin>, BTreeMap<Status, usize>, usize, usize);

/// The demo city as it is being written, from one transaction to the next.
struct Making {
    rng: ChaCha8Rng,
    city: City,
    logins: Vec<DemoLogin>,
    projects: projects::Written,
    /// The demo's "now" (see `begin`).
    now: Timestamp,
    by_status: BTreeMap<Status, usize>,
    /// Appeals of project owners about their project's kind of problem, with the project.
    about_projects: Vec<(i64, i64)>,
}

/// Key projects of the demo city: one for every five enterprises, at most 400.
fn project_count(enterprises: usize) -> usize {
    (enterprises / 5).clamp(24, 400)
}

/// The categories of an owner's appeal that are about its project (land, permits, utilities, money, environment).
const PROJECT_CATEGORIES: [&str; 5] = ["land", "permits", "utilities", "financing", "environment"];
/// Appeals linked to projects: a few dozen.
const LINKED_APPEALS: usize = 40;

/// The city: regions, units, enterprises, users, and its key projects.
fn begin(w: &mut Writer<'_>, opts: &DemoOptions, bar: &ProgressBar) -> anyhow::Result<Making> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    // The demo's "now": noon of its day, or the moment it runs if that is earlier, so that nothing it writes is
    // dated after it was written (a step in the future would refuse the user's next step on the item).
    let noon = start_of_day(opts.today).context("日期超出范围 / date out of range")?.checked_add(12.hours())?;
    let now = noon.min(Timestamp::now());
    bar.set_message("地区、单位、企业和用户 / regions, units, enterprises, users");
    let (city, logins) = build_city(w, &mut rng, opts, now)?;

    bar.set_message("重点项目 / key projects");
    let started = std::time::Instant::now();
    let projects = projects::write(w, opts.seed, &city, opts.today, now, project_count(opts.enterprises))?;
    // The time only, for measuring the demo: nothing written depends on the clock.
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), projects = projects.projects, "demo projects written");
    Ok(Making { rng, city, logins, projects, now, by_status: BTreeMap::new(), about_projects: Vec::new() })
}

/// The appeals submitted at `times` (of `life::submission_times`), with their histories and what people exchanged
/// on them.
fn appeals(
    w: &mut Writer<'_>,
    mut m: Making,
    seed: u64,
    times: &[Timestamp],
    bar: &ProgressBar,
    cal: &WorkingCalendar,
) -> anyhow::Result<Making> {
    let made: Vec<(NewAppeal, Vec<Event>)> = life::appeals_at(&mut m.rng, &m.city, cal, m.now, times).collect();
    // A few hundred to a write (on PostgreSQL each statement is a round trip), then what was said on each.
    for batch in made.chunks(APPEALS_PER_WRITE) {
        let records = w.insert_appeals(PREFIX, batch)?;
        for (record, (new, history)) in records.iter().zip(batch) {
            exchanges(w, seed, &m.city, cal, record, history, m.now)?;
            *m.by_status.entry(record.state.status).or_insert(0) += 1;
            if let Some(project) = m.projects.by_enterprise.get(&new.enterprise_id)
                && PROJECT_CATEGORIES.contains(&new.category.as_str())
            {
                m.about_projects.push((record.id, *project));
            }
        }
        bar.inc(batch.len() as u64);
    }
    Ok(m)
}

/// The rest of the city's year: project links, visits, common issues, meetings, disputes, policies.
fn finish(
    w: &mut Writer<'_>,
    m: Making,
    opts: &DemoOptions,
    bar: &ProgressBar,
    cal: &WorkingCalendar,
) -> anyhow::Result<Written> {
    let Making { mut rng, city, mut logins, projects, now, by_status, about_projects } = m;
    // Spread over the year: every k-th of the owners' appeals about land, permits, utilities, money, environment.
    let step = (about_projects.len() / LINKED_APPEALS).max(1);
    let links: Vec<(i64, i64)> = about_projects.into_iter().step_by(step).take(LINKED_APPEALS).collect();
    w.ledger_link_appeals(&links)?;
    bar.set_message("走访记录 / visits");
    visits(w, opts.seed, &city, opts.today, now)?;
    resolve_common_issues(w, &mut rng, &city, cal, now)?;
    bar.set_message("周交办会议 / weekly meetings");
    meetings::write(w, opts.seed, &city, cal, opts.today, now)?;
    bar.set_message("多元解纷 / dispute cases");
    // Its people's passwords are salted from the seed, apart from the city's stream, so the rest stays as it was.
    let mut salt = [0xd1_u8; 16];
    salt[..8].copy_from_slice(&opts.seed.to_le_bytes());
    let mut users = Users { rng_salt: salt, created_at: now.checked_sub((400 * 24).hours())?, logins };
    disputes::write(w, opts.seed, &city, &mut users, cal, opts.today, now)?;
    logins = users.logins;
    bar.set_message("惠企政策 / policies");
    let library = policies::write(w, opts.seed, &city, opts.today, now)?;
    bar.set_message("政策送达与兑现 / policy deliveries");
    deliveries::write(w, opts.seed, &city, &library, opts.today, now)?;
    bar.set_message("提交 / committing");
    Ok((logins, by_status, projects.projects, links.len()))
}

/// What people exchanged on an item besides its steps, drawn from the item's own seed: a 情况说明 from whoever raised
/// one problem in seven, a file with one answer in ten, and on items assigned with a co-unit its opinion (协办意见), a
/// working day after the assignment while the lead unit still had the item — never after `now`.
fn exchanges(
    w: &mut Writer<'_>,
    seed: u64,
    city: &City,
    cal: &WorkingCalendar,
    record: &AppealRecord,
    history: &[Event],
    now: Timestamp,
) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (record.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let text_file = |name: &str, text: String| NewAttachment {
        name: name.to_owned(),
        content_type: "text/plain".to_owned(),
        data: text.into_bytes().into(),
    };
    if let Some(created) = history.first()
        && let Some(user) = created.actor.user_id
        && rng.random_bool(1.0 / 7.0)
    {
        let text = format!("{}\n\n{}\n", record.title, record.description);
        w.record_attachments(record.id, user, vec![text_file("情况说明.txt", text)], None, created.at)?;
    }
    let answer = history.iter().rev().find(|e| matches!(e.action, Action::Answer { .. }));
    if let Some(e) = answer
        && let (Some(user), Action::Answer { text }) = (e.actor.user_id, &e.action)
        && rng.random_bool(0.1)
    {
        let file = text_file("办理结果说明.txt", format!("{}\n\n{text}\n", record.title));
        w.record_attachments(record.id, user, vec![file], Some("answer"), e.at)?;
    }
    let assigned = history.iter().rev().find(|e| matches!(e.action, Action::Assign { .. })).map(|e| e.at);
    if let (Some(co), Some(assigned)) = (record.state.co_unit_ids.first(), assigned)
        && let Some(unit) = city.units.iter().find(|u| u.id == *co)
    {
        let at = life::later(&mut rng, cal, assigned, 1, 2);
        if at <= now && record.state.answered_at.is_none_or(|answered| at < answered) {
            let opinion = life::pick(&mut rng, corpus::CO_OPINIONS);
            let files = if rng.random_bool(0.3) {
                vec![text_file("核查情况.txt", format!("{}\n\n{opinion}\n", record.title))]
            } else {
                Vec::new()
            };
            w.record_co_opinion(record.id, *co, unit.handler, &opinion, files, at)?;
        }
    }
    Ok(())
}

/// Half the common issues answered once (集中解决) by a city unit that handles their kind of problem, a working day
/// after the last appeal was merged into them (never after `now`); most of their enterprises have rated the answer
/// since, the others are still asked to.
fn resolve_common_issues(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    city: &City,
    cal: &WorkingCalendar,
    now: Timestamp,
) -> anyhow::Result<()> {
    let users: HashMap<i64, i64> = city.enterprises.iter().map(|e| (e.id, e.user)).collect();
    let answers = corpus::COMMON_ISSUES.iter().map(|(_, _, answer)| *answer);
    for ((id, category), answer) in city.common_issues.iter().zip(answers).step_by(2) {
        let Some(lead) = city.units.iter().find(|u| u.region == corpus::CITY && u.categories.contains(category)) else {
            continue;
        };
        let merged = w.merged_into(*id)?;
        let mut records = Vec::with_capacity(merged.len());
        for appeal in merged {
            records.push(w.appeal(appeal)?);
        }
        let Some(last) = records.iter().map(|r| r.state.updated_at).max() else { continue };
        let at = life::later(rng, cal, last, 1, 2);
        if at > now {
            continue;
        }
        w.answer_common_issue(*id, 1, city.dispatcher, lead.id, answer, at)?;
        for record in records {
            let rated = life::later(rng, cal, at, 0, 3);
            if rated > now || rng.random_bool(0.15) {
                continue;
            }
            let Some(user) = users.get(&record.enterprise_id) else { continue };
            let record = w.appeal(record.id)?;
            let stars = life::stars(rng);
            let confirm = Action::Confirm { rating: Some(stars), comment: life::comment(rng, stars) };
            w.apply(&record, Actor::user(*user, Role::Enterprise), confirm, rated)?;
        }
    }
    Ok(())
}

/// The cadres' visits (走访) of the last quarter: every enterprise visited by a cadre of its group one to five times,
/// on working days, written the evening of the visit at the latest — never after `now`. Drawn from their own
/// random stream, so that adding them changed nothing else of the demo.
fn visits(w: &mut Writer<'_>, seed: u64, city: &City, today: Date, now: Timestamp) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5649_5349_5453);
    for e in &city.enterprises {
        for _ in 0..rng.random_range(1..=5) {
            let day = today.checked_sub(jiff::Span::new().days(rng.random_range(0..90i64)))?;
            if matches!(day.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday) {
                continue;
            }
            let who = format!("{}{}", corpus::SURNAMES.choose(&mut rng).copied().unwrap_or("王"), "总");
            let seen = corpus::VISIT_SEEN.choose(&mut rng).copied().unwrap_or_default().replace("{who}", &who);
            let found = corpus::VISIT_FOUND.choose(&mut rng).copied().unwrap_or_default();
            let written = start_of_day(day)
                .and_then(|t| t.checked_add(i64::from(rng.random_range(15 * 60..21 * 60)).minutes()).ok())
                .map_or(now, |t| t.min(now));
            w.insert_visit(e.id, e.cadre, day, &format!("{seen}{found}"), written)?;
        }
    }
    Ok(())
}

/// How a company or project name writes its county: 川汇, 项城, and 周口经开区 for the development zone (never
/// "周口经济技术开发" with the 区 cut off).
fn short_county(name: &str) -> &str {
    match name {
        "周口经济技术开发区" => "周口经开区",
        _ => name.trim_end_matches(['县', '区', '市']),
    }
}

fn code(s: &str) -> anyhow::Result<RegionCode> {
    RegionCode::parse(s).with_context(|| format!("演示数据中的地区编码 {s}"))
}

fn person(rng: &mut ChaCha8Rng) -> String {
    let surname = corpus::SURNAMES.choose(rng).copied().unwrap_or("王");
    let given = corpus::GIVEN_NAMES.choose(rng).copied().unwrap_or("伟");
    format!("{surname}{given}")
}

fn mobile(rng: &mut ChaCha8Rng) -> anyhow::Result<Phone> {
    let second = rng.random_range(3..=9);
    let rest: u32 = rng.random_range(0..1_000_000_000);
    Ok(Phone::parse(&format!("1{second}{rest:09}"))?)
}

/// A valid USCC of an enterprise (登记管理部门 9, 类别 1) registered in `region`.
fn uscc(rng: &mut ChaCha8Rng, region: &str) -> anyhow::Result<Uscc> {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let body: String = (0..9).map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())])).collect();
    Ok(Uscc::with_check_char(&format!("91{region}{body}"))?)
}

fn build_city(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    opts: &DemoOptions,
    now: Timestamp,
) -> anyhow::Result<(City, Vec<DemoLogin>)> {
    w.set_meta("appeal_prefix", PREFIX)?;
    w.set_meta("city_name", "周口市")?;
    for r in corpus::REGIONS {
        let parent = r.parent.map(code).transpose()?;
        w.insert_region(&code(r.code)?, r.name, parent.as_ref())?;
    }
    // The categories and policies every new city starts with (already there when `zhuqi` created the database).
    w.ensure_standard_catalog()?;
    let policies = zhuqi_domain::catalog::standard_policies();
    let created_at = now.checked_sub((400 * 24).hours())?;
    let city_code = code("411600")?;
    let mut users = Users { rng_salt: rng.random(), created_at, logins: Vec::new() };

    let dispatcher = users.add(
        w,
        "zhihuibu",
        "市万人助万企活动指挥部 张卫东",
        Role::Dispatcher,
        Some(&city_code),
        None,
        None,
        true,
    )?;
    let leader = users.add(w, "lingdao", "分管副市长 李国强", Role::Leader, Some(&city_code), None, None, true)?;
    let office =
        users.add(w, "zhengfuban", "市政府办公室督查科 周敏", Role::Office, Some(&city_code), None, None, true)?;
    users.add(w, "admin", "系统管理员 赵明", Role::Sysadmin, Some(&city_code), None, None, true)?;
    users.add(w, "anquan", "安全管理员 钱志刚", Role::Secadmin, Some(&city_code), None, None, true)?;
    users.add(w, "shenji", "审计管理员 孙丽", Role::Auditor, Some(&city_code), None, None, true)?;

    let mut units = Vec::new();
    for (i, u) in corpus::UNITS.iter().enumerate() {
        let region = code(u.region)?;
        let id = w.insert_unit(u.name, &region)?;
        // The demo handler login works at the first unit that takes financing problems; the others cannot sign in.
        let login = u.region == "411600"
            && u.categories.contains(&"financing")
            && !users.logins.iter().any(|l| l.role == Role::Handler);
        let username = if login { "chengban".to_owned() } else { format!("cb{:03}", i + 1) };
        let name = format!("{} {}", u.name, person(rng));
        let handler = users.add(w, username, &name, Role::Handler, Some(&region), Some(id), None, login)?;
        units.push(Unit { id, region: u.region, categories: u.categories, handler });
    }
    if !users.logins.iter().any(|l| l.role == Role::Handler) {
        bail!("演示数据中没有承办融资问题的单位 / no unit handles financing in the corpus");
    }

    let counties: Vec<&corpus::RegionSeed> = corpus::REGIONS.iter().filter(|r| r.parent == Some("411600")).collect();
    let mut names = std::collections::BTreeSet::new();
    let mut codes = std::collections::BTreeSet::new();
    let mut enterprises = Vec::with_capacity(opts.enterprises);
    let group_count = (opts.enterprises / 50).max(corpus::WORK_GROUP_NAMES.len()).max(1);
    let mut groups = Vec::with_capacity(group_count);
    for g in 0..group_count {
        let county = counties[g % counties.len()];
        let name = match corpus::WORK_GROUP_NAMES.get(g) {
            Some(n) => (*n).to_owned(),
            None => format!("{}第{}助企工作组", county.name, g / counties.len() + 1),
        };
        let region = if g < corpus::WORK_GROUP_NAMES.len() { city_code.clone() } else { code(county.code)? };
        let group = w.insert_work_group(&name, &region, None)?;
        let mut members = Vec::new();
        for k in 0..3 {
            let login = g == 0 && k == 0;
            let username = if login { "ganbu".to_owned() } else { format!("gb{:03}{k}", g + 1) };
            let who = format!("{name} {}", person(rng));
            let cadre = users.add(w, username, &who, Role::Cadre, Some(&region), None, None, login)?;
            w.add_work_group_member(group, cadre)?;
            members.push(cadre);
        }
        groups.push((group, region, members));
    }

    // The facts policies read come from their own stream: the city's draws stay as they were.
    let mut facts = policies::facts_stream(opts.seed);
    for i in 0..opts.enterprises {
        let county = counties[rng.random_range(0..counties.len())];
        let industry = &corpus::INDUSTRIES[rng.random_range(0..corpus::INDUSTRIES.len())];
        let name = loop {
            let stem = corpus::NAME_STEMS.choose(rng).copied().unwrap_or("华源");
            let word = industry.name_words.choose(rng).copied().unwrap_or("实业");
            let short = short_county(county.name);
            let candidate = match rng.random_range(0..10) {
                0..=4 => format!("周口{stem}{word}有限公司"),
                5..=6 => format!("河南{stem}{word}股份有限公司"),
                _ => format!("{short}{stem}{word}有限公司"),
            };
            if names.insert(candidate.clone()) {
                break candidate;
            }
        };
        let uscc = loop {
            let candidate = uscc(rng, county.code)?;
            if codes.insert(candidate.as_str().to_owned()) {
                break candidate;
            }
        };
        let above_scale = rng.random_bool(0.4);
        let small_micro = !above_scale && rng.random_bool(0.6);
        let id = w.insert_enterprise(&NewEnterprise {
            name: name.clone(),
            uscc: uscc.clone(),
            region: code(county.code)?,
            industry: industry.name.to_owned(),
            above_scale,
            small_micro,
            specialized: rng.random_bool(0.08),
            little_giant: rng.random_bool(0.015),
            contact_name: Some(person(rng)),
            contact_phone: Some(mobile(rng)?),
            created_at,
            profile: policies::profile(&mut facts, industry.name, above_scale, small_micro, opts.today),
        })?;
        // A group serves enterprises of its own region: a county's group those of its county, the city's any.
        let county_code = code(county.code)?;
        let serving: Vec<_> = groups.iter().filter(|(_, r, _)| r.contains(&county_code)).collect();
        let (group, _, members) = serving[i % serving.len()];
        w.assign_enterprise(*group, id)?;
        // Every enterprise has an account (signed in with its USCC); only the first one's is a demo login.
        let login = i == 0;
        let username = if login { "qiye".to_owned() } else { uscc.as_str().to_owned() };
        let user = users.add(w, username, &name, Role::Enterprise, Some(&code(county.code)?), None, Some(id), login)?;
        let cadre = members[i % members.len()];
        enterprises.push(Enterprise {
            id,
            name,
            industry: industry.name,
            region: county.code,
            county: county.name,
            user,
            cadre,
        });
    }

    let mut common_issues = Vec::new();
    // Kept by the city's office, each led by the first city unit that handles its kind of problem.
    let city_code = code(corpus::CITY)?;
    for (category, title, _) in corpus::COMMON_ISSUES {
        let at = now.checked_sub((rng.random_range(60..330i64) * 24).hours())?;
        let lead = units.iter().find(|u| u.region == corpus::CITY && u.categories.contains(category));
        let new = NewCommonIssue {
            title: (*title).to_owned(),
            cause: String::new(),
            category: (*category).to_owned(),
            lead_unit_id: lead.map(|u| u.id),
        };
        common_issues.push((w.insert_common_issue_in(&new, Some(&city_code), at)?, *category));
    }
    let city = City { units, enterprises, dispatcher, leader, office, common_issues, policies };
    Ok((city, users.logins))
}

struct Users {
    rng_salt: [u8; 16],
    created_at: Timestamp,
    logins: Vec<DemoLogin>,
}

impl Users {
    /// Adds a user; demo logins get the demo password (hashed with a salt derived from the seed), the rest none.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        w: &mut Writer<'_>,
        username: impl Into<String>,
        who: &str,
        role: Role,
        region: Option<&RegionCode>,
        unit_id: Option<i64>,
        enterprise_id: Option<i64>,
        login: bool,
    ) -> anyhow::Result<i64> {
        let username = username.into();
        let password_hash = if login {
            let mut salt = self.rng_salt;
            salt[0] ^= self.logins.len() as u8;
            let hash = password::hash_with_salt(DEMO_PASSWORD, &salt)?;
            self.logins.push(DemoLogin { username: username.clone(), role, who: who.to_owned() });
            Some(hash)
        } else {
            None
        };
        let region = region.filter(|r| r.level() != RegionLevel::Province).cloned();
        let id = w.insert_user(&NewUser {
            username,
            display_name: who.to_owned(),
            password_hash,
            must_change_password: !login,
            region,
            unit_id,
            enterprise_id,
            phone: None,
            roles: vec![role],
            created_at: self.created_at,
        })?;
        Ok(id)
    }
}
