//! The 多元解纷 section of a bulletin (issue 15), in the register of seed 002: "全市共计受理涉企纠纷案件1585起，涉及金额
//! 13亿元左右，调解成功1238起". Counted by the store (`dispute_figures`); here only put in order and words.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use zhuqi_domain::stats::{Hundredths, Rate};
use zhuqi_domain::{Fen, RegionCode, RegionLevel};
use zhuqi_store::{DisputeGrouping, DisputeTally, Principal, RegionRecord, Store, StoreError, reads_dispute_figures};

use super::tables::{Cell, Section, Table, chinese_date};

const FEN_PER_YI: i64 = 10_000_000_000;
const FEN_PER_WAN: i64 = 1_000_000;

/// The section; `None` in a bulletin whose scope has no cases or whose reader does not read dispute figures.
#[derive(Debug, Clone, Serialize)]
pub struct DisputeSection {
    /// Whom the lines name: 县区 in a city's or a province's bulletin, 工作站 in a county's.
    pub grouped_by: &'static str,
    /// Every case of the scope up to the end of the as-of date, as the seed counts them (since the stations opened).
    pub total: DisputeLine,
    /// Of those, what happened within the period: cases received, and cases mediated successfully (of any age).
    pub in_period: DisputeChange,
    /// Per county (or workstation), the most cases first.
    pub lines: Vec<DisputeLine>,
}

/// One scope's cases as of the date. Amounts in fen.
#[derive(Debug, Clone, Serialize)]
pub struct DisputeLine {
    pub code: String,
    pub name: String,
    pub received: i64,
    pub amount_fen: i64,
    pub mediated: i64,
    /// 调解成功率: mediated of received.
    pub success_rate: Rate,
    pub failed: i64,
    pub litigation: i64,
    pub withdrawn: i64,
    /// Still being handled.
    pub open: i64,
    pub agreed_fen: i64,
}

impl DisputeLine {
    /// The seed's sentence for these cases, for `area` (全市, a county's name, or none).
    pub fn sentence(&self, area: &str) -> String {
        let tally = DisputeTally {
            received: self.received,
            amount: Fen::new(self.amount_fen).unwrap_or_default(),
            mediated: self.mediated,
            ..DisputeTally::default()
        };
        sentence(area, &tally)
    }

    pub(crate) fn of(code: String, name: String, t: &DisputeTally) -> Self {
        DisputeLine {
            code,
            name,
            received: t.received,
            amount_fen: t.amount.fen(),
            mediated: t.mediated,
            success_rate: Rate::of(t.mediated, t.received),
            failed: t.failed,
            litigation: t.litigation,
            withdrawn: t.withdrawn,
            open: t.open(),
            agreed_fen: t.agreed.fen(),
        }
    }
}

/// What the period added: the difference of the figures at its end and on the eve of its first day.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DisputeChange {
    pub received: i64,
    pub amount_fen: i64,
    pub mediated: i64,
}

/// The section for `region` (the reader's whole scope when `None`), whose lines are the children of `base`.
pub async fn section(
    store: &Store,
    p: &Principal,
    region: Option<RegionCode>,
    (base, regions): (&str, &[RegionRecord]),
    period_first: Date,
    as_of: Date,
) -> Result<Option<DisputeSection>, StoreError> {
    if !reads_dispute_figures(p) {
        return Ok(None);
    }
    let in_county = RegionCode::parse(base).is_ok_and(|c| c.level() == RegionLevel::County);
    let grouping = if in_county { DisputeGrouping::Workstation } else { DisputeGrouping::County };
    let now = store.dispute_figures(p, region.clone(), as_of, grouping).await?;
    if now.total.received == 0 {
        return Ok(None);
    }
    let before = match period_first.yesterday() {
        Ok(eve) => store.dispute_figures(p, region, eve, grouping).await?.total,
        Err(_) => DisputeTally::default(),
    };
    let overflow = || StoreError::Corrupt("dispute figures: amount overflow".into());
    let mut lines: Vec<DisputeLine> = if in_county {
        now.rows.iter().map(|(code, name, t)| DisputeLine::of(code.clone(), name.clone(), t)).collect()
    } else {
        // A province's bulletin names its cities: each county's cases go to the child of `base` it lies in.
        let child = super::build::child_of(regions, base);
        let mut summed: BTreeMap<String, DisputeTally> = BTreeMap::new();
        for (code, _, t) in &now.rows {
            let key = child(code).unwrap_or_else(|| code.clone());
            let sum = summed.entry(key).or_default();
            *sum = sum.plus(t).ok_or_else(overflow)?;
        }
        let name = |code: &str| regions.iter().find(|r| r.code == code).map_or(code.to_owned(), |r| r.name.clone());
        summed.into_iter().map(|(code, t)| DisputeLine::of(code.clone(), name(&code), &t)).collect()
    };
    lines.sort_by(|a, b| b.received.cmp(&a.received).then_with(|| a.code.cmp(&b.code)));
    let t = &now.total;
    Ok(Some(DisputeSection {
        grouped_by: if in_county { "工作站" } else { "县区" },
        total: DisputeLine::of(String::new(), String::new(), t),
        in_period: DisputeChange {
            received: t.received - before.received,
            amount_fen: t.amount.fen() - before.amount.fen(),
            mediated: t.mediated - before.mediated,
        },
        lines,
    }))
}

/// An amount as a bulletin says it: whole 亿元 from one 亿 up, whole 万元 below, "左右" where rounding changed it.
pub fn rough_amount(f: Fen) -> String {
    let (unit, name) = if f.fen() >= FEN_PER_YI { (FEN_PER_YI, "亿元") } else { (FEN_PER_WAN, "万元") };
    let whole = (f.fen() + unit / 2) / unit;
    let about = if whole * unit == f.fen() { "" } else { "左右" };
    format!("{whole}{name}{about}")
}

/// The sentence for `area` (全市, 全省, or a county's name): cases received, amount involved, mediated successfully.
pub fn sentence(area: &str, t: &DisputeTally) -> String {
    format!("{area}共计受理涉企纠纷案件{}起，涉及金额{}，调解成功{}起", t.received, rough_amount(t.amount), t.mediated)
}

/// The section's paragraph: the seed's sentence as of the date, the success rate, and what the period added.
pub fn prose(s: &DisputeSection, whole: &str, this: &str, as_of: Date) -> String {
    let t = &s.total;
    let c = &s.in_period;
    format!(
        "多元解纷方面，截至{}，{}，调解成功率{}，调解不成{}起，转诉讼{}起，仍在调解{}起；{this}新受理{}起，调解成功{}起。",
        chinese_date(as_of),
        t.sentence(whole),
        t.success_rate,
        t.failed,
        t.litigation,
        t.open,
        c.received,
        c.mediated,
    )
}

/// The section's table, numbered `number` (七、 or later).
pub fn table(s: &DisputeSection, number: &str) -> Table {
    let row = |l: &DisputeLine| {
        vec![
            Cell::Text(l.name.clone()),
            Cell::Count(l.received),
            wan_cell(l.amount_fen),
            Cell::Count(l.mediated),
            Cell::Rate(l.success_rate),
            Cell::Count(l.failed),
            Cell::Count(l.litigation),
            Cell::Count(l.withdrawn),
            Cell::Count(l.open),
            wan_cell(l.agreed_fen),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = s.lines.iter().map(row).collect();
    rows.push(row(&DisputeLine { name: "合计".to_owned(), ..s.total.clone() }));
    let headers = [
        s.grouped_by,
        "受理（起）",
        "涉及金额（万元）",
        "调解成功（起）",
        "调解成功率",
        "调解不成",
        "转诉讼",
        "撤回",
        "办理中",
        "达成金额（万元）",
    ];
    Table {
        section: Section::Disputes,
        title: format!("{number}、多元解纷情况"),
        sheet: "多元解纷",
        headers: headers.map(str::to_owned).to_vec(),
        rows,
        empty: "",
        note: Some("累计至截至日期；调解成功率为调解成功案件占受理案件的比例。".to_owned()),
    }
}

/// An amount in 万元 as a two-decimal number cell.
pub(crate) fn wan_cell(fen: i64) -> Cell {
    let hundredths = (i128::from(fen) * 2 + 10_000) / 20_000;
    Cell::Decimal(i64::try_from(hundredths).ok().map(Hundredths))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_sentence() {
        let t = DisputeTally {
            received: 1585,
            amount: Fen::new(130_405_908_000).expect("fen"),
            mediated: 1238,
            ..DisputeTally::default()
        };
        assert_eq!(sentence("全市", &t), "全市共计受理涉企纠纷案件1585起，涉及金额13亿元左右，调解成功1238起");
        assert_eq!(rough_amount(Fen::new(3 * FEN_PER_YI).expect("fen")), "3亿元");
        assert_eq!(rough_amount(Fen::new(38_600_000_000 / 10).expect("fen")), "3860万元");
        assert_eq!(rough_amount(Fen::new(0).expect("fen")), "0万元");
    }
}
