//! The 惠企政策 section of a bulletin (issue 16), in the register of seeds 002 and 003 ("市县建立已出台政策执行清单75
//! 项", "实现企业需求和政策供给精准匹配"): the policies in force, the enterprises that qualify for them, and how far
//! the policies have gone — delivered, claimed, granted, the amount granted — per county (a county's bulletin: per
//! industry). Counted by the store (`policy_figures`); here only put in order and words.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use zhuqi_domain::{Fen, RegionCode, RegionLevel};
use zhuqi_store::{PolicyGrouping, PolicyTally, Principal, RegionRecord, Store, StoreError};

use super::disputes::{rough_amount, wan_cell};
use super::tables::{Cell, Section, Table, chinese_date};

/// The section; `None` in a bulletin whose scope has no policy in force and no delivery.
#[derive(Debug, Clone, Serialize)]
pub struct PolicySection {
    /// Whom the lines name: 县区 in a city's or a province's bulletin, 产业链 in a county's.
    pub grouped_by: &'static str,
    /// Policies in force on the as-of date, and of them 免申即享.
    pub in_force: usize,
    pub no_application: usize,
    pub total: PolicyLine,
    /// What the period added.
    pub in_period: PolicyChange,
    /// Per county (or industry), the most enterprises that qualify first.
    pub lines: Vec<PolicyLine>,
}

/// One line's figures as of the date, in enterprise-policy pairs (户次). Amounts in fen.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyLine {
    pub code: String,
    pub name: String,
    pub matched: usize,
    pub delivered: usize,
    pub claimed: usize,
    pub granted: usize,
    pub amount_fen: i64,
}

impl PolicyLine {
    fn of(code: String, name: String, t: &PolicyTally) -> Self {
        let g = &t.progress;
        PolicyLine {
            code,
            name,
            matched: t.matched,
            delivered: g.delivered,
            claimed: g.claimed,
            granted: g.granted,
            amount_fen: g.amount.fen(),
        }
    }
}

/// Delivered, granted and the amount granted within the period: the figures at its end less those on its eve.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PolicyChange {
    pub delivered: i64,
    pub granted: i64,
    pub amount_fen: i64,
}

fn signed(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The section for `region` (the reader's whole scope when `None`), whose lines are the children of `base` (a
/// county's bulletin: its industries).
pub async fn section(
    store: &Store,
    p: &Principal,
    region: Option<RegionCode>,
    (base, regions): (&str, &[RegionRecord]),
    period_first: Date,
    as_of: Date,
) -> Result<Option<PolicySection>, StoreError> {
    let in_county = RegionCode::parse(base).is_ok_and(|c| c.level() == RegionLevel::County);
    let by = if in_county { PolicyGrouping::Industry } else { PolicyGrouping::Region };
    let now = store.policy_figures(p, region.clone(), as_of, by).await?;
    if now.in_force == 0 && now.total.progress.delivered == 0 {
        return Ok(None);
    }
    let before = match period_first.yesterday() {
        Ok(eve) => store.policy_progress(p, region, eve).await?,
        Err(_) => PolicyTally::default(),
    };
    let mut lines: Vec<PolicyLine> = if in_county {
        now.rows.iter().map(|(code, name, t)| PolicyLine::of(code.clone(), name.clone(), t)).collect()
    } else {
        // A province's bulletin names its cities: each county's figures go to the child of `base` it lies in.
        let child = super::build::child_of(regions, base);
        let mut summed: BTreeMap<String, PolicyTally> = BTreeMap::new();
        for (code, _, t) in &now.rows {
            let sum = summed.entry(child(code).unwrap_or_else(|| code.clone())).or_default();
            *sum = sum.plus(*t)?;
        }
        let name = |code: &str| regions.iter().find(|r| r.code == code).map_or(code.to_owned(), |r| r.name.clone());
        summed.into_iter().map(|(code, t)| PolicyLine::of(code.clone(), name(&code), &t)).collect()
    };
    lines.sort_by(|a, b| b.matched.cmp(&a.matched).then_with(|| a.code.cmp(&b.code)));
    let (t, b) = (&now.total.progress, &before.progress);
    Ok(Some(PolicySection {
        grouped_by: if in_county { "产业链" } else { "县区" },
        in_force: now.in_force,
        no_application: now.no_application,
        total: PolicyLine::of(String::new(), String::new(), &now.total),
        in_period: PolicyChange {
            delivered: signed(t.delivered) - signed(b.delivered),
            granted: signed(t.granted) - signed(b.granted),
            amount_fen: t.amount.fen() - b.amount.fen(),
        },
        lines,
    }))
}

/// The section's paragraph: the 执行清单 as of the date, and what the period added.
pub fn prose(s: &PolicySection, whole: &str, this: &str, as_of: Date) -> String {
    let (t, c) = (&s.total, &s.in_period);
    let amount = |fen: i64| rough_amount(Fen::new(fen.max(0)).unwrap_or_default());
    format!(
        "惠企政策方面，截至{}，{whole}现行惠企政策{}项（其中免申即享{}项），按企业登记信息匹配符合条件企业{}户次，\
         已送达{}户次、企业申报{}户次、兑现{}户次，兑现金额{}；{this}新送达{}户次，新兑现{}户次、金额{}。",
        chinese_date(as_of),
        s.in_force,
        s.no_application,
        t.matched,
        t.delivered,
        t.claimed,
        t.granted,
        amount(t.amount_fen),
        c.delivered,
        c.granted,
        amount(c.amount_fen),
    )
}

/// The section's table, numbered `number`.
pub fn table(s: &PolicySection, number: &str) -> Table {
    let count = |n: usize| Cell::Count(signed(n));
    let row = |l: &PolicyLine| {
        vec![
            Cell::Text(l.name.clone()),
            count(l.matched),
            count(l.delivered),
            count(l.claimed),
            count(l.granted),
            wan_cell(l.amount_fen),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = s.lines.iter().map(row).collect();
    rows.push(row(&PolicyLine { name: "合计".to_owned(), ..s.total.clone() }));
    let headers =
        [s.grouped_by, "符合条件（户次）", "已送达（户次）", "已申报（户次）", "已兑现（户次）", "兑现金额（万元）"];
    Table {
        section: Section::Policies,
        title: format!("{number}、惠企政策落实情况"),
        sheet: "惠企政策",
        headers: headers.map(str::to_owned).to_vec(),
        rows,
        empty: "",
        note: Some(format!(
            "现行政策{}项（免申即享{}项）；符合条件为截至日期按企业登记信息自动匹配的企业与政策对数，送达、申报、兑现累计至截至日期。",
            s.in_force, s.no_application
        )),
    }
}
