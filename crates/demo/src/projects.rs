//! The demo city's key projects (重点项目, SPEC §7): a ledger of projects over the counties, named as 周口's papers name
//! them ("XX年产6万吨生物可降解聚酯项目", "XX智能终端产业园"), each with its 五个一 (leader, team, plan), a stage among
//! the nine reached through dated changes, annual plans for last year and this, and monthly cumulative investment
//! up to last month along an S-curve — some projects ahead of the time schedule, some behind, and two counties
//! clearly behind. Three 三个一批 batches, the quarterly observations of the last three quarters with their scores
//! (so that red and yellow flags show), and one counted programme (老旧小区改造).
//!
//! Everything is drawn from its own generator seeded from the demo's seed, so the appeals stay what they were.

use std::collections::{BTreeSet, HashMap};

use anyhow::Context;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use zhuqi_domain::project::{BatchList, Criterion, CriterionWeights, Scores, Stage};
use zhuqi_domain::stats::{FlagRule, Hundredths, Period};
use zhuqi_domain::{Fen, RegionCode};
use zhuqi_store::projects::Month;
use zhuqi_store::{NewBatch, NewObservation, NewProgramme, NewProject, Writer};

use super::{City, corpus, person};

/// Counties whose projects run clearly behind the time schedule (太康县, 郸城县).
const BEHIND: [&str; 2] = ["411627", "411625"];

/// What a project is named after, by industry: the body of the name after its owner or county.
static BODIES: &[(&str, &[&str])] = &[
    (
        "生物医药",
        &[
            "大健康产业园",
            "年产3000吨原料药及制剂项目",
            "医疗器械产业园",
            "中药饮片生产线建设项目",
            "高端医用耗材项目",
            "发酵药物产业化项目",
            "生物医药产业园（一期）",
        ],
    ),
    (
        "电子信息",
        &[
            "智能终端产业园",
            "电子信息产业园",
            "年产5000万片柔性线路板项目",
            "5G通信模组生产项目",
            "智能终端生产项目",
            "电子元器件产业园",
            "精密结构件项目",
        ],
    ),
    (
        "新型材料",
        &[
            "年产6万吨生物可降解聚酯及其制品项目",
            "年产10万吨聚乳酸项目",
            "新材料管件管道项目",
            "高性能复合材料项目",
            "锂电池正极材料项目",
            "年产2万吨丙交酯项目",
        ],
    ),
    (
        "现代轻工",
        &[
            "百万吨绿色循环造纸项目",
            "智能家居产业园",
            "制鞋产业园",
            "年产500万套定制家具项目",
            "绿色包装材料项目",
            "日用化工产业园",
        ],
    ),
    (
        "现代食品",
        &[
            "现代食品产业园",
            "中央厨房项目",
            "年产20万吨休闲食品项目",
            "食品工业园",
            "冷链物流及肉制品加工项目",
            "年产30万吨面粉深加工项目",
            "预制菜产业园",
        ],
    ),
    (
        "先进装备",
        &[
            "装备制造产业园",
            "智能农机生产项目",
            "新能源汽车零部件项目",
            "高端数控机床项目",
            "智能仓储装备项目",
            "电动车整车及配套项目",
        ],
    ),
    (
        "纺织服装",
        &[
            "纺织服装产业园",
            "年产3万吨高档纱线项目",
            "印染产业园项目",
            "服装智能制造项目",
            "年产1亿米高档面料项目",
            "纺纱织布一体化项目",
        ],
    ),
    ("现代农业", &["高标准农田示范区", "现代农业产业园", "农产品精深加工项目", "智慧粮仓项目"]),
    ("商贸物流", &["港口物流园", "内河集装箱码头项目", "冷链物流园", "电商产业园", "综合物流枢纽项目"]),
    ("绿色建材", &["装配式建筑产业园", "年产100万立方米新型墙材项目", "绿色建材产业园"]),
    ("新能源", &["风电项目", "分布式光伏项目", "生物质热电联产项目", "储能电站项目", "新能源产业基地"]),
];

/// Milestones a 推进方案 names, in the order a project reaches them.
static MILESTONES: &[&str] = &[
    "完成项目备案和用地预审",
    "完成土地摘牌",
    "取得施工许可证",
    "完成主体结构封顶",
    "完成设备安装调试",
    "实现试生产",
    "全面竣工投产",
    "达产达效并纳入统计",
];

/// The share of the stages among the projects (谋划 … 入统), in thousandths.
const STAGE_SHARE: [u32; 9] = [40, 80, 100, 80, 100, 350, 120, 80, 50];

pub(super) struct Written {
    pub projects: usize,
    /// A project of each owner enterprise, for linking its appeals.
    pub by_enterprise: HashMap<i64, i64>,
}

/// One project's schedule, from which its stages, plans and reports follow.
struct Timeline {
    stage: Stage,
    /// (from, to, day), oldest first.
    changes: Vec<(Option<Stage>, Stage, Date)>,
    /// 开工 day and the planned days of construction (none before 开工).
    start: Option<Date>,
    duration: i64,
    /// Actual pace against the plan: below 1 behind, above 1 ahead.
    pace: f64,
}

fn smooth(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

fn days(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |s| i64::from(s.get_days()))
}

fn shift(d: Date, by: i64) -> Date {
    d.checked_add(by.days()).unwrap_or(d)
}

fn month_end((y, m): Month) -> Date {
    jiff::civil::date(y, m, 1).last_of_month()
}

fn add_months((y, m): Month, n: i32) -> Month {
    let index = i32::from(y) * 12 + i32::from(m) - 1 + n;
    ((index / 12) as i16, (index % 12 + 1) as i8)
}

fn weighted_stage(rng: &mut ChaCha8Rng) -> Stage {
    let mut roll = rng.random_range(0..STAGE_SHARE.iter().sum::<u32>());
    for (stage, share) in Stage::ALL.into_iter().zip(STAGE_SHARE) {
        if roll < share {
            return stage;
        }
        roll -= share;
    }
    Stage::Building
}

fn timeline(rng: &mut ChaCha8Rng, today: Date, behind: bool) -> Timeline {
    use Stage::*;
    let stage = weighted_stage(rng);
    let pace = if behind { rng.random_range(0.45..0.75) } else { rng.random_range(0.92..1.4) };
    let mut changes: Vec<(Option<Stage>, Stage, Date)> = Vec::new();
    let mut push = |to: Stage, on: Date| {
        let from = changes.last().map(|c: &(Option<Stage>, Stage, Date)| c.1);
        changes.push((from, to, on));
    };
    if stage < Started {
        // Counted back from the last change, each earlier stage a month to half a year before.
        let mut dates = vec![shift(today, -rng.random_range(15..400))];
        let first = if rng.random_bool(0.5) { Planning } else { Reserve };
        let ladder: Vec<Stage> = Stage::ALL.into_iter().filter(|s| *s >= first && *s <= stage).collect();
        for _ in 1..ladder.len() {
            let earlier = shift(dates[0], -rng.random_range(30..180));
            dates.insert(0, earlier);
        }
        for (s, d) in ladder.into_iter().zip(dates) {
            push(s, d);
        }
        return Timeline { stage, changes, start: None, duration: 0, pace };
    }
    let (start, duration) = match stage {
        Started => (shift(today, -rng.random_range(10..80)), rng.random_range(360..1000)),
        Building => {
            let start = shift(today, -rng.random_range(90..900));
            let elapsed = days(start, today);
            (start, (elapsed + rng.random_range(60..600)).max(rng.random_range(365..1000)))
        }
        _ => {
            let production = match stage {
                Producing => shift(today, -rng.random_range(15..500)),
                FullProduction => shift(today, -rng.random_range(150..600)),
                _ => shift(today, -rng.random_range(250..700)),
            };
            let duration = rng.random_range(300..900);
            (shift(production, -duration), duration)
        }
    };
    let signed = shift(start, -rng.random_range(40..150));
    push(Reserve, shift(signed, -rng.random_range(30..200)));
    push(Signed, signed);
    push(Landed, shift(start, -rng.random_range(10..35)));
    push(Started, start);
    if stage >= Building {
        push(Building, shift(start, rng.random_range(20..60)));
    }
    if stage >= Producing {
        let production = shift(start, duration);
        push(Producing, production);
        if stage >= FullProduction {
            let full = shift(production, rng.random_range(60..140));
            push(FullProduction, full);
            if stage >= Counted {
                push(Counted, shift(full, rng.random_range(20..90)));
            }
        }
    }
    Timeline { stage, changes, start: Some(start), duration, pace }
}

impl Timeline {
    fn on(&self, stage: Stage) -> Option<Date> {
        self.changes.iter().find(|c| c.1 == stage).map(|c| c.2)
    }

    /// The share of the total invested by `day`: the plan's (pace 1) or the actual one.
    fn share(&self, day: Date, actual: bool) -> f64 {
        let Some(start) = self.start else { return 0.0 };
        if day < start || self.duration <= 0 {
            return 0.0;
        }
        let x = days(start, day) as f64 / self.duration as f64;
        if self.stage >= Stage::Producing {
            return smooth(x);
        }
        let x = if actual { x * self.pace } else { x };
        // Not in production yet: the last equipment is still to be paid for.
        smooth(x).min(0.97)
    }
}

/// Fen of `share` of `total`, to the hundred yuan (0.01万元).
fn part(total: Fen, share: f64) -> Fen {
    let hundreds = (total.fen() as f64 * share / 10_000.0).round() as i64;
    Fen::new(hundreds * 10_000).unwrap_or_default()
}

fn wan(w: i64) -> Fen {
    Fen::new(w * 1_000_000).unwrap_or_default()
}

/// A responsible unit for a project of `region`: its county's development, industry or land office when it has one,
/// else the city's development and reform commission or industry bureau.
fn unit_for(rng: &mut ChaCha8Rng, city: &City, region: &str) -> Option<i64> {
    let fits = |name: &str| ["发展和改革", "工业和信息化", "经济发展", "自然资源"].iter().any(|k| name.contains(k));
    let county: Vec<i64> = corpus::UNITS
        .iter()
        .zip(&city.units)
        .filter(|(seed, _)| seed.region == region && fits(seed.name))
        .map(|(_, u)| u.id)
        .collect();
    if let Some(id) = county.choose(rng).filter(|_| rng.random_bool(0.7)) {
        return Some(*id);
    }
    let city_units: Vec<i64> = corpus::UNITS
        .iter()
        .zip(&city.units)
        .filter(|(seed, _)| {
            seed.region == "411600" && (seed.name.contains("发展和改革") || seed.name.contains("工业和信息化"))
        })
        .map(|(_, u)| u.id)
        .collect();
    city_units.choose(rng).copied()
}

/// A trade name and a project's body, without the word they share written twice ("周口盛世电子" and
/// "电子元器件产业园" make 周口盛世电子元器件产业园).
fn join_names(prefix: &str, body: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    for n in (2..=chars.len().min(6)).rev() {
        let head: String = chars[..n].iter().collect();
        if prefix.ends_with(&head) {
            return format!("{prefix}{}", chars[n..].iter().collect::<String>());
        }
    }
    format!("{prefix}{body}")
}

fn leader_title(region: &corpus::RegionSeed) -> &'static str {
    match region.code {
        "411671" => "管委会副主任",
        _ if region.name.ends_with('区') => "副区长",
        _ if region.name.ends_with('市') => "副市长",
        _ => "副县长",
    }
}

/// The company part of an owner's name: 河南金丹乳酸科技股份有限公司 → 河南金丹乳酸科技.
fn trade_name(owner: &str) -> &str {
    owner.trim_end_matches("股份有限公司").trim_end_matches("有限公司").trim_end_matches("有限责任公司")
}

/// A project's name without its closing 项目: what its 工作专班 is called after.
fn new_name_stem(name: &str) -> &str {
    name.strip_suffix("项目").unwrap_or(name)
}

/// The 推进方案 of a project at `stage`: its next two milestones with their months, or, once in production, what
/// remains to be done.
fn plan_text(rng: &mut ChaCha8Rng, stage: Stage, today: Date) -> String {
    let next = match stage {
        Stage::Planning | Stage::Reserve => 0,
        Stage::Signed => 1,
        Stage::Landed => 2,
        Stage::Started => 3,
        Stage::Building => rng.random_range(3..=5),
        Stage::Producing => 7,
        Stage::FullProduction | Stage::Counted => {
            return "已投产达效，持续做好用工、融资等要素保障和跟踪服务，推动二期项目谋划落地。".to_owned();
        }
    };
    let rule = "按照“一个项目、一名领导、一套班子、一项方案、一抓到底”要求";
    let soon = add_months((today.year(), today.month()), rng.random_range(1..=6));
    let later = add_months(soon, rng.random_range(3..=12));
    let first = format!("{}年{}月底前{}", soon.0, soon.1, MILESTONES[next]);
    match MILESTONES.get(next + 1) {
        Some(then) => format!("{rule}，{first}，{}年{}月底前{then}。", later.0, later.1),
        None => format!("{rule}，{first}。"),
    }
}

/// Writes the projects, batches, observations and programme of the demo city.
pub(super) fn write(
    w: &mut Writer<'_>,
    seed: u64,
    city: &City,
    today: Date,
    now: Timestamp,
    count: usize,
) -> anyhow::Result<Written> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7072_6f6a_6563_7473);
    let counties: Vec<&corpus::RegionSeed> = corpus::REGIONS.iter().filter(|r| r.parent == Some("411600")).collect();
    let this_year = today.year();
    let last_month: Month = if today.month() == 1 { (this_year - 1, 12) } else { (this_year, today.month() - 1) };
    let first_month: Month = (this_year - 1, 1);
    let anchor: Month = (this_year - 2, 12);
    let mut names = BTreeSet::new();
    let mut numbers: HashMap<i16, u32> = HashMap::new();
    let mut by_enterprise = HashMap::new();
    let mut projects: Vec<(i64, &'static str, Timeline)> = Vec::with_capacity(count);
    let mut reports: Vec<(i64, Month, Fen, Option<String>)> = Vec::new();
    for _ in 0..count {
        let county = counties[rng.random_range(0..counties.len())];
        let (industry, bodies) = BODIES[rng.random_range(0..BODIES.len())];
        let seeds = corpus::INDUSTRIES.iter().find(|i| i.name == industry);
        let owned: Vec<&super::Enterprise> =
            city.enterprises.iter().filter(|e| e.region == county.code && e.industry == industry).collect();
        let enterprise = owned.choose(&mut rng).copied().filter(|_| rng.random_bool(0.6));
        let owner = match enterprise {
            Some(e) => e.name.clone(),
            None => {
                let stem = corpus::NAME_STEMS.choose(&mut rng).copied().unwrap_or("华源");
                let word = seeds.and_then(|s| s.name_words.choose(&mut rng).copied()).unwrap_or("实业");
                match rng.random_range(0..3) {
                    0 => format!("河南{stem}{word}股份有限公司"),
                    1 => format!("{stem}{word}（周口）有限公司"),
                    _ => format!("周口{stem}{word}有限公司"),
                }
            }
        };
        let body = bodies.choose(&mut rng).copied().unwrap_or("产业园");
        let prefix = if rng.random_bool(0.65) {
            trade_name(&owner).to_owned()
        } else {
            super::short_county(county.name).to_owned()
        };
        let mut name = join_names(&prefix, body);
        for phase in ["（二期）", "（三期）", "（扩建）"] {
            if !names.contains(&name) {
                break;
            }
            name = format!("{prefix}{body}{phase}");
        }
        if !names.insert(name.clone()) {
            continue;
        }
        let behind = BEHIND.contains(&county.code);
        let t = timeline(&mut rng, today, behind);
        // 5000万 to 50亿, in whole 十万.
        let total = wan((10f64.powf(rng.random_range(3.7..5.7)) / 10.0).round() as i64 * 10);
        let entered = t.changes.first().map_or(today, |c| c.2);
        let n = numbers.entry(entered.year()).or_insert(0);
        *n += 1;
        let code = format!("XM{}-{:04}", entered.year(), n);
        let plan = plan_text(&mut rng, t.stage, today);
        let (stage, stage_on) = t.changes.last().map_or((t.stage, today), |c| (c.1, c.2));
        let new = NewProject {
            code: Some(code.clone()),
            name: name.clone(),
            region_code: RegionCode::parse(county.code)?,
            industry: industry.to_owned(),
            owner,
            enterprise_id: enterprise.map(|e| e.id),
            unit_id: unit_for(&mut rng, city, county.code),
            total_investment: total,
            leader: format!("{}{} {}", county.name, leader_title(county), person(&mut rng)),
            team: format!("{}项目工作专班", new_name_stem(&name)),
            plan,
            whitelist: rng.random_bool(0.45),
            stage,
            stage_on,
        };
        let id = w.ledger_insert_project_with_history(&code, &new, &t.changes, now)?;
        if let Some(e) = enterprise {
            by_enterprise.entry(e.id).or_insert(id);
        }
        w.ledger_audit_project("project.demo", &code, &json!({"name": new.name, "stage": stage.as_str()}))?;

        // The plans of last year and this: what the schedule (pace 1) puts into each year, give or take.
        for year in [this_year - 1, this_year] {
            let (from, to) = (jiff::civil::date(year - 1, 12, 31), jiff::civil::date(year, 12, 31));
            let mut share = t.share(to, false) - t.share(from, false);
            if share <= 0.0
                && year == this_year
                && matches!(t.stage, Stage::Landed | Stage::Signed)
                && rng.random_bool(0.5)
            {
                // To start this year: a first slice planned, nothing done yet.
                share = rng.random_range(0.03..0.08);
            }
            if share > 0.0 {
                w.ledger_plan(id, year, part(total, share * rng.random_range(0.9..1.05)))?;
            }
        }
        // Monthly reports from January of last year (and the December before, which the year's figures start from).
        if t.start.is_some() {
            let mut month = anchor;
            while month <= last_month {
                let done = part(total, t.share(month_end(month), true));
                if done.fen() > 0 && (month == anchor || month >= first_month) {
                    reports.push((id, month, done, None));
                }
                month = if month == anchor { first_month } else { add_months(month, 1) };
            }
        }
        projects.push((id, county.code, t));
    }
    w.ledger_reports(&reports, now)?;
    batches(w, &mut rng, &projects, today, now)?;
    observations(w, &mut rng, &projects, today, now)?;
    programme(w, &mut rng, today, last_month, now)?;
    Ok(Written { projects: projects.len(), by_enterprise })
}

/// 第五期, 第六期 and 第七期 "三个一批", six months each, the seventh running now. A project is on a list when the
/// list's stage fell (or was due to fall) within the batch; the current batch also carries projects that have not
/// got there yet.
fn batches(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    projects: &[(i64, &'static str, Timeline)],
    today: Date,
    now: Timestamp,
) -> anyhow::Result<()> {
    let current: Month = (today.year(), today.month());
    for (k, name) in ["第五期“三个一批”", "第六期“三个一批”", "第七期“三个一批”"].into_iter().enumerate()
    {
        let first = add_months(current, -17 + 6 * k as i32);
        let starts_on = jiff::civil::date(first.0, first.1, 1);
        let ends_on = month_end(add_months(first, 5));
        let last = k == 2;
        let batch = NewBatch { name: name.to_owned(), region_code: RegionCode::parse("411600")?, starts_on, ends_on };
        let id = w.ledger_batch(&batch, now)?;
        let window = |d: Option<Date>| d.is_some_and(|d| d >= starts_on && d <= shift(ends_on, 30));
        for (project, _, t) in projects {
            let list = if window(t.on(Stage::Producing))
                || (last && t.stage == Stage::Building && rng.random_bool(0.12))
            {
                Some(BatchList::Produce)
            } else if window(t.on(Stage::Started))
                || (matches!(t.stage, Stage::Signed | Stage::Landed) && rng.random_bool(if last { 0.4 } else { 0.1 }))
            {
                Some(BatchList::Start)
            } else if window(t.on(Stage::Signed)) || (last && t.stage < Stage::Signed && rng.random_bool(0.3)) {
                Some(BatchList::Sign)
            } else {
                None
            };
            if let Some(list) = list {
                w.ledger_batch_list(id, *project, list)?;
            }
        }
    }
    Ok(())
}

/// The observations of the last three complete quarters: about five projects under way per county, scored on the six
/// criteria around a level of the county's own (the behind counties lower).
fn observations(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    projects: &[(i64, &'static str, Timeline)],
    today: Date,
    now: Timestamp,
) -> anyhow::Result<()> {
    let counties: Vec<&str> = corpus::REGIONS.iter().filter(|r| r.parent == Some("411600")).map(|r| r.code).collect();
    let level: HashMap<&str, i64> = counties
        .iter()
        .map(|c| (*c, if BEHIND.contains(c) { rng.random_range(58..68) } else { rng.random_range(68..90) }))
        .collect();
    let quarter = i32::from(today.month() - 1) / 3;
    for back in (1..=3).rev() {
        let index = i32::from(today.year()) * 4 + quarter - back;
        let (year, q) = ((index / 4) as i16, (index % 4 + 1) as i8);
        let end = month_end((year, q * 3));
        let period = Period::parse(&format!("{year}-Q{q}")).context("演示观摩的季度 / quarter")?;
        let numbers = ["一", "二", "三", "四"];
        let new = NewObservation {
            name: format!("{year}年第{}季度重点项目观摩", numbers[(q - 1) as usize]),
            region_code: RegionCode::parse("411600")?,
            period,
            held_on: shift(end, -rng.random_range(0..8)),
            weights: CriterionWeights::default(),
            rule: FlagRule { red: 2, yellow: 1, min_items: 1 },
        };
        let id = w.ledger_observation(&new, now)?;
        let mut scored = Vec::new();
        for county in &counties {
            let under_way: Vec<&(i64, &str, Timeline)> = projects
                .iter()
                .filter(|(_, c, t)| c == county && t.on(Stage::Started).is_some_and(|d| d <= end))
                .collect();
            let base = level[county] + rng.random_range(-4..=4);
            for (project, _, t) in under_way.sample(rng, 5) {
                let own = base + rng.random_range(-8..=8);
                let mut scores = Scores::default();
                for c in Criterion::ALL {
                    let mut v = own + rng.random_range(-6..=6);
                    if c == Criterion::Statistics && t.on(Stage::Counted).is_some_and(|d| d <= end) {
                        v += 10;
                    }
                    let tenths = v.clamp(40, 100) * 10 + if v < 100 { rng.random_range(0..10) } else { 0 };
                    scores.set(c, Hundredths(tenths * 10)).map_err(anyhow::Error::msg)?;
                }
                scored.push((*project, scores));
            }
        }
        w.ledger_scores(id, &scored)?;
    }
    Ok(())
}

/// 老旧小区改造: 5.3万户 this year, about 80% started by the end of October (seed 000: 4.26万, 80.4%).
fn programme(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    today: Date,
    last_month: Month,
    now: Timestamp,
) -> anyhow::Result<()> {
    let target = 53_000;
    let new = NewProgramme {
        name: "老旧小区改造".to_owned(),
        region_code: RegionCode::parse("411600")?,
        year: today.year(),
        unit_label: "户".to_owned(),
        target,
    };
    let id = w.ledger_programme(&new, now)?;
    if last_month.0 != today.year() {
        return Ok(());
    }
    let mut done = 0;
    for m in 1..=last_month.1 {
        let due = target * i64::from(m) * 965 / 12_000;
        done = (due + rng.random_range(-250..=250)).max(done);
        w.ledger_programme_report(id, (today.year(), m), done, now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_word_the_trade_name_and_the_body_share_is_written_once() {
        assert_eq!(super::join_names("周口盛世电子", "电子元器件产业园"), "周口盛世电子元器件产业园");
        assert_eq!(super::join_names("周口精诚农产品", "农产品精深加工项目"), "周口精诚农产品精深加工项目");
        assert_eq!(super::join_names("川汇", "智能终端产业园"), "川汇智能终端产业园");
    }
}
