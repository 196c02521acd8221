//! The key-project part of a bulletin (SPEC §7): the year's investment against plan and 时序进度 for the scope and each
//! region below it, the 三个一批 batches under way, and the latest quarterly observation's flags. Counted by the
//! store (`project_metrics`, `batch_report`, `observation_result`); here the figures are only put in order and words.

use jiff::civil::Date;
use serde::Serialize;
use zhuqi_domain::project::{PlanProgress, time_progress};
use zhuqi_domain::stats::{Flag, Hundredths, Rate};
use zhuqi_domain::{Fen, RegionCode};
use zhuqi_store::{MetricsQuery, Principal, ProjectTally, Store, StoreError};

use super::tables::{Cell, Section, Table, chinese_date};

/// The project section; `None` in a bulletin whose scope has no key projects.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectSection {
    pub year: i16,
    /// 时序进度 of the as-of date.
    pub time_progress: Hundredths,
    pub total: ProjectFigures,
    /// Per region one level below the scope, furthest ahead of the schedule first.
    pub regions: Vec<ProjectFigures>,
    /// The batches whose time span includes the as-of date, or ended within the year.
    pub batches: Vec<BatchFigures>,
    /// The latest quarterly observation held by the as-of date.
    pub observation: Option<ObservationFigures>,
    /// The counted programmes of the as-of date's year (老旧小区改造: 5.3万 planned, 4.26万 started → 80.4%).
    pub programmes: Vec<ProgrammeFigures>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeFigures {
    pub name: String,
    /// 个, 户, 公里
    pub unit_label: String,
    pub target: i64,
    pub done: i64,
    pub completion: Rate,
    /// The completion to one decimal, as the seeds print it.
    pub completion_one_decimal: String,
    pub ahead_pp: Option<Hundredths>,
}

/// A scope's projects as of the date. Amounts in fen.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectFigures {
    pub code: String,
    pub name: String,
    pub projects: i64,
    pub whitelist: i64,
    pub planned: i64,
    pub completed_ytd: i64,
    pub plan_completion: Rate,
    pub ahead_pp: Option<Hundredths>,
}

impl ProjectFigures {
    fn of(code: String, name: String, t: &ProjectTally, as_of: Date) -> Self {
        let progress: PlanProgress = t.progress;
        ProjectFigures {
            code,
            name,
            projects: t.projects,
            whitelist: t.whitelist,
            planned: progress.planned,
            completed_ytd: progress.done,
            plan_completion: progress.completion(),
            ahead_pp: progress.ahead_pp(as_of),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchFigures {
    pub name: String,
    pub projects: i64,
    pub start_rate: Rate,
    pub production_rate: Rate,
    pub full_production_rate: Rate,
    /// Investment completed within the batch, fen.
    pub completed: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObservationFigures {
    pub name: String,
    pub held_on: Date,
    pub red: Vec<String>,
    pub yellow: Vec<String>,
    pub regions: Vec<ObservedRegion>,
}

/// A region's line in the observation's ranking.
#[derive(Debug, Clone, Serialize)]
pub struct ObservedRegion {
    pub rank: Option<u32>,
    pub name: String,
    pub projects: i64,
    pub score: Option<Hundredths>,
    pub flag: Option<Flag>,
}

/// The section for `region` (the viewer's whole scope when `None`) as of `as_of`.
pub async fn section(
    store: &Store,
    p: &Principal,
    region: Option<RegionCode>,
    as_of: Date,
) -> Result<Option<ProjectSection>, StoreError> {
    let q = MetricsQuery { region: region.clone(), as_of, industry: None, batch_id: None, whitelist_only: false };
    let m = store.project_metrics(p, q).await?;
    if m.total.projects == 0 {
        return Ok(None);
    }
    let mut regions: Vec<ProjectFigures> =
        m.by_region.iter().map(|(code, name, t)| ProjectFigures::of(code.clone(), name.clone(), t, as_of)).collect();
    regions.sort_by_key(|r| (r.ahead_pp.is_none(), std::cmp::Reverse(r.ahead_pp)));
    let inside = |code: &str| match (&region, RegionCode::parse(code)) {
        (Some(scope), Ok(c)) => scope.contains(&c) || c.contains(scope),
        _ => true,
    };
    let mut batches = Vec::new();
    for b in store.batches(p).await?.into_iter().filter(|b| inside(&b.region_code)) {
        let current = b.starts_on <= as_of && (b.ends_on >= as_of || b.ends_on.year() == as_of.year());
        if !current {
            continue;
        }
        let r = store.batch_report(p, b.id, as_of).await?;
        batches.push(BatchFigures {
            name: b.name,
            projects: r.lines.len() as i64,
            start_rate: r.progress.start_rate(),
            production_rate: r.progress.production_rate(),
            full_production_rate: r.progress.full_production_rate(),
            completed: r.completed.fen(),
        });
    }
    let latest = store
        .observations(p)
        .await?
        .into_iter()
        .filter(|o| o.held_on <= as_of && inside(&o.region_code))
        .max_by_key(|o| (o.held_on, o.id));
    let observation = match latest {
        None => None,
        Some(o) => {
            let r = store.observation_result(p, o.id).await?;
            let named = |f: Flag| r.regions.iter().filter(|l| l.flag == Some(f)).map(|l| l.key.1.clone()).collect();
            Some(ObservationFigures {
                name: o.name,
                held_on: o.held_on,
                red: named(Flag::Red),
                yellow: named(Flag::Yellow),
                regions: r
                    .regions
                    .iter()
                    .map(|l| ObservedRegion {
                        rank: l.rank,
                        name: l.key.1.clone(),
                        projects: l.counts.projects,
                        score: l.score,
                        flag: l.flag,
                    })
                    .collect(),
            })
        }
    };
    let programmes = store
        .programmes(p, as_of)
        .await?
        .into_iter()
        .filter(|g| g.year == as_of.year() && inside(&g.region_code))
        .map(|g| ProgrammeFigures {
            completion: g.progress.completion(),
            completion_one_decimal: g.progress.completion_one_decimal(),
            ahead_pp: g.progress.ahead_pp(as_of),
            target: g.progress.planned,
            done: g.progress.done,
            name: g.name,
            unit_label: g.unit_label,
        })
        .collect();
    let (code, name) = match &region {
        Some(r) => (r.as_str().to_owned(), String::new()),
        None => (String::new(), String::new()),
    };
    Ok(Some(ProjectSection {
        year: as_of.year(),
        time_progress: time_progress(as_of),
        total: ProjectFigures::of(code, name, &m.total, as_of),
        regions,
        batches,
        observation,
        programmes,
    }))
}

/// 1,546.18亿元 as the seeds print it: hundred-millions of yuan, two decimals.
fn yi(fen: i64) -> String {
    Fen::new(fen).map_or_else(|_| "—".to_owned(), |f| f.to_yi_string())
}

/// A count as the seeds write large ones: 53000 → "5.3万", 42600 → "4.26万", 800 → "800".
fn wan(n: i64) -> String {
    if n < 10_000 {
        return n.to_string();
    }
    let hundredths = (n * 2 + 100) / 200;
    let s = format!("{}.{:02}", hundredths / 100, hundredths % 100);
    format!("{}万", s.trim_end_matches('0').trim_end_matches('.'))
}

/// The amount in 亿元 as a two-decimal number cell.
fn yi_cell(fen: i64) -> Cell {
    let hundredths = (i128::from(fen) * 2 + 100_000_000) / 200_000_000;
    Cell::Decimal(i64::try_from(hundredths).ok().map(Hundredths))
}

/// 高于时序进度6.44个百分点 / 低于… / 与时序进度持平.
pub fn against_schedule(pp: Option<Hundredths>) -> String {
    match pp {
        None => "无年度计划".to_owned(),
        Some(Hundredths(0)) => "与时序进度持平".to_owned(),
        Some(h) if h.0 > 0 => format!("高于时序进度{h}个百分点"),
        Some(h) => format!("低于时序进度{}个百分点", Hundredths(-h.0)),
    }
}

/// The paragraphs of the section, in the register of seed 003.
pub fn prose(s: &ProjectSection, whole: &str, as_of: Date) -> Vec<String> {
    let t = &s.total;
    let mut out = vec![format!(
        "重点项目建设方面，{whole}{}个重点项目（其中白名单项目{}个）{}年计划投资{}，截至{}完成投资{}，完成年度计划的{}，{}（时序进度{}%）。",
        t.projects,
        t.whitelist,
        s.year,
        yi(t.planned),
        chinese_date(as_of),
        yi(t.completed_ytd),
        t.plan_completion,
        against_schedule(t.ahead_pp),
        s.time_progress,
    )];
    let ahead: Vec<&str> =
        s.regions.iter().filter(|r| r.ahead_pp.is_some_and(|h| h.0 >= 0)).map(|r| r.name.as_str()).collect();
    let behind: Vec<&str> =
        s.regions.iter().filter(|r| r.ahead_pp.is_some_and(|h| h.0 < 0)).map(|r| r.name.as_str()).collect();
    if !s.regions.is_empty() {
        let mut p = String::new();
        if !ahead.is_empty() {
            p += &format!("{}等{}个地区达到或高于时序进度", ahead.join("、"), ahead.len());
        }
        if !behind.is_empty() {
            p += if p.is_empty() { "" } else { "；" };
            p += &format!("{}等{}个地区低于时序进度，需加快推进", behind.join("、"), behind.len());
        }
        if !p.is_empty() {
            out.push(p + "。");
        }
    }
    for b in &s.batches {
        out.push(format!(
            "{}项目{}个，开工率{}，投产率{}，达产率{}，批次内完成投资{}。",
            b.name,
            b.projects,
            b.start_rate,
            b.production_rate,
            b.full_production_rate,
            yi(b.completed)
        ));
    }
    for g in &s.programmes {
        out.push(format!(
            "{}计划{}{unit}，已完成{}{unit}，完成率{}，{}。",
            g.name,
            wan(g.target),
            wan(g.done),
            g.completion_one_decimal,
            against_schedule(g.ahead_pp),
            unit = g.unit_label
        ));
    }
    if let Some(o) = &s.observation {
        let mut p = format!("{}（{}）", o.name, chinese_date(o.held_on));
        if !o.red.is_empty() {
            p += &format!("，{}获得红旗", o.red.join("、"));
        }
        if !o.yellow.is_empty() {
            p += &format!("，{}领取黄旗", o.yellow.join("、"));
        }
        out.push(p + "。");
    }
    out
}

/// The section's tables: the regions against the schedule, the batches, the observation.
pub fn tables(s: &ProjectSection, first_number: usize) -> Vec<Table> {
    let numbers = ["七", "八", "九", "十", "十一"];
    let mut n = first_number;
    let mut next = || {
        let word = numbers.get(n).copied().unwrap_or("");
        n += 1;
        word
    };
    let mut rows: Vec<Vec<Cell>> = s.regions.iter().map(|r| region_row(r, s.time_progress)).collect();
    rows.push(region_row(&ProjectFigures { name: "合计".to_owned(), ..s.total.clone() }, s.time_progress));
    let mut out = vec![Table {
        section: Section::Projects,
        title: format!("{}、重点项目建设情况", next()),
        sheet: "重点项目",
        headers: [
            "县区",
            "项目数",
            "白名单",
            "年度计划（亿元）",
            "本年完成（亿元）",
            "完成率",
            "时序进度",
            "较时序进度（百分点）",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        empty: "",
        note: Some("完成率为本年完成投资占年度计划投资的比例；时序进度为截至日期已过天数占全年天数的比例。".to_owned()),
    }];
    if !s.batches.is_empty() {
        out.push(Table {
            section: Section::Batches,
            title: format!("{}、“三个一批”项目推进情况", next()),
            sheet: "三个一批",
            headers: ["批次", "项目数", "开工率", "投产率", "达产率", "批次内完成投资（亿元）"]
                .map(str::to_owned)
                .to_vec(),
            rows: s
                .batches
                .iter()
                .map(|b| {
                    vec![
                        Cell::Text(b.name.clone()),
                        Cell::Count(b.projects),
                        Cell::Rate(b.start_rate),
                        Cell::Rate(b.production_rate),
                        Cell::Rate(b.full_production_rate),
                        yi_cell(b.completed),
                    ]
                })
                .collect(),
            empty: "",
            note: None,
        });
    }
    if let Some(o) = &s.observation {
        out.push(Table {
            section: Section::Observation,
            title: format!("{}、{}", next(), o.name),
            sheet: "季观摩",
            headers: ["排名", "县区", "观摩项目数", "平均得分", "红黄旗"].map(str::to_owned).to_vec(),
            rows: o
                .regions
                .iter()
                .map(|r| {
                    vec![
                        r.rank.map_or_else(|| Cell::Text("—".to_owned()), |n| Cell::Count(i64::from(n))),
                        Cell::Text(r.name.clone()),
                        Cell::Count(r.projects),
                        Cell::Decimal(r.score),
                        r.flag.map_or_else(|| Cell::Text(String::new()), Cell::Flag),
                    ]
                })
                .collect(),
            empty: "本次观摩尚无评分。",
            note: None,
        });
    }
    out
}

fn region_row(r: &ProjectFigures, time_progress: Hundredths) -> Vec<Cell> {
    vec![
        Cell::Text(r.name.clone()),
        Cell::Count(r.projects),
        Cell::Count(r.whitelist),
        yi_cell(r.planned),
        yi_cell(r.completed_ytd),
        Cell::Rate(r.plan_completion),
        Cell::Rate(Rate(Some(time_progress))),
        Cell::Decimal(r.ahead_pp),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_the_schedule_read_as_the_seeds_write_them() {
        assert_eq!(yi(15_461_800_000_000), "1546.18亿元");
        assert_eq!(yi_cell(15_461_800_000_000).text(), "1546.18");
        assert_eq!(yi_cell(49_999_999).text(), "0.00");
        assert_eq!(yi_cell(50_000_000).text(), "0.01");
        assert_eq!(against_schedule(Some(Hundredths(644))), "高于时序进度6.44个百分点");
        assert_eq!(against_schedule(Some(Hundredths(-1849))), "低于时序进度18.49个百分点");
        assert_eq!(against_schedule(None), "无年度计划");
        assert_eq!(wan(53_000), "5.3万");
        assert_eq!(wan(42_600), "4.26万");
        assert_eq!(wan(40_000), "4万");
        assert_eq!(wan(9_999), "9999");
    }
}
