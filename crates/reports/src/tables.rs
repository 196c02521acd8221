//! What every printed format of a bulletin shows, built once: the heading lines, the six tables and the notes.
//! Markdown, HTML, XLSX and DOCX differ only in how they lay these out, never in which figures a table holds or how a
//! figure reads, so a number cannot say one thing in the Word document and another in the workbook.

use jiff::civil::Date;
use zhuqi_domain::Level;
use zhuqi_domain::stats::{Flag, Hundredths, PeriodKind, Rate};

use super::bulletin::{Bulletin, Figures, Line};

/// Which part of the bulletin a table is: the print view picks its chart by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Regions,
    Units,
    Overdue,
    Categories,
    Trend,
    /// Key projects against plan and 时序进度, per region.
    Projects,
    Batches,
    Observation,
    /// Dispute cases (多元解纷), per county or workstation.
    Disputes,
    /// Tasks of the weekly meetings (周交办), per lead unit.
    Tasks,
    /// 惠企政策: the policies' reach and payouts, per county or industry.
    Policies,
    /// The tasks of a meeting not done, with why.
    OpenTasks,
}

/// One table of the bulletin.
#[derive(Debug, Clone)]
pub struct Table {
    pub section: Section,
    /// 一、总体情况: the heading printed above it.
    pub title: String,
    /// 总体情况: the workbook sheet it goes to (short, and free of the characters Excel refuses in a sheet name).
    pub sheet: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Printed instead of the table when it has no rows.
    pub empty: &'static str,
    /// A remark printed under the table, e.g. that the overdue list names only the most overdue items.
    pub note: Option<String>,
}

impl Table {
    /// Per column, the widest text in it, in half-width character cells, with the header counted as if wrapped over
    /// `header_lines` lines: the workbook sizes its columns by it (one line) and the Word document shares its page
    /// width out by it (headers may wrap there).
    pub fn column_widths(&self, header_lines: usize) -> Vec<usize> {
        let cells = self.cell_widths();
        self.headers.iter().zip(cells).map(|(h, w)| w.max(display_width(h).div_ceil(header_lines.max(1)))).collect()
    }

    /// Per column, the widest cell's text (the header left out), in half-width character cells.
    pub fn cell_widths(&self) -> Vec<usize> {
        (0..self.headers.len())
            .map(|c| {
                let widths = self.rows.iter().filter_map(|r| r.get(c)).map(|cell| display_width(&cell.text()));
                widths.max().unwrap_or(0)
            })
            .collect()
    }

    /// More than eight columns: printed landscape in the workbook and in a smaller type in the Word document.
    pub fn is_wide(&self) -> bool {
        self.headers.len() > 8
    }
}

/// One cell. Numbers stay numbers until a format prints them, so the workbook can write them as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// A percentage, "—" over no items.
    Rate(Rate),
    /// Two decimals, "—" without a value: a score, a mean number of working days.
    Decimal(Option<Hundredths>),
    Date(Date),
    /// The change from the previous period.
    Change(Delta),
    Flag(Flag),
}

/// A change from the previous period, printed with its sign ("持平" when nothing changed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Delta {
    Count(i64),
    /// Percentage points (百分点) between two rates; `None` when either is "—".
    Points(Option<Hundredths>),
    /// Between two two-decimal numbers, e.g. mean working days.
    Decimal(Option<Hundredths>),
}

/// A text column no wider than this (in half-width cells: 编号, a county's name, a date) is kept on one line in print,
/// so that the long texts (问题, 企业) get the room instead of 太康县 breaking over three lines.
pub const ONE_LINE: usize = 14;

/// How a value that does not exist is printed (a rate over no items, a rank without a score).
pub const NONE: &str = "—";

impl Cell {
    /// The cell as every text format prints it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Rate(r) => r.percent(),
            Cell::Decimal(d) => d.map_or_else(|| NONE.to_owned(), |d| d.to_string()),
            Cell::Date(d) => d.to_string(),
            Cell::Change(d) => d.text(),
            Cell::Flag(f) => f.label().to_owned(),
        }
    }

    /// Printed right-aligned, and written as a number in a workbook when it has a value.
    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Count(_) | Cell::Rate(_) | Cell::Decimal(_) | Cell::Date(_) | Cell::Change(_))
    }

    fn rank(rank: Option<u32>) -> Cell {
        rank.map_or_else(|| Cell::Text(NONE.to_owned()), |r| Cell::Count(i64::from(r)))
    }
}

impl Delta {
    pub fn text(&self) -> String {
        let signed = |h: Hundredths| if h.0 > 0 { format!("+{h}") } else { h.to_string() };
        match *self {
            Delta::Count(0) | Delta::Points(Some(Hundredths(0))) | Delta::Decimal(Some(Hundredths(0))) => {
                "持平".to_owned()
            }
            Delta::Count(n) if n > 0 => format!("+{n}"),
            Delta::Count(n) => n.to_string(),
            Delta::Points(Some(h)) => format!("{}个百分点", signed(h)),
            Delta::Decimal(Some(h)) => signed(h),
            Delta::Points(None) | Delta::Decimal(None) => NONE.to_owned(),
        }
    }
}

/// Columns a Chinese character fills in a monospaced grid: two for CJK and full-width forms, one otherwise.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide_char(c) { 2 } else { 1 }).sum()
}

/// A character that fills two columns of a monospaced grid: CJK, full-width forms, the em dash.
pub fn is_wide_char(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
        | 0x2014 | 0x20000..=0x3FFFD)
}

/// 2023年7月31日: how a bulletin writes a date in its text.
pub fn chinese_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The lines under the title: 期间, 截至, 范围.
pub fn meta(b: &Bulletin) -> Vec<(&'static str, String)> {
    let p = &b.period;
    let span = if p.first.year() == p.last.year() {
        format!("{}至{}月{}日", chinese_date(p.first), p.last.month(), p.last.day())
    } else {
        format!("{}至{}", chinese_date(p.first), chinese_date(p.last))
    };
    let mut scope = b.scope.name.clone();
    if let Some(level) = b.scope.level {
        // The scope keeps the code word (`city`); the reader wants 市级.
        scope += &format!("（仅{}交办事项）", Level::parse(level).map_or(level, Level::label));
    }
    vec![
        ("期间", format!("{}（{span}）", p.label)),
        ("截至", format!("{}24时", chinese_date(b.as_of))),
        ("范围", scope),
    ]
}

/// How the tables are numbered: 一、总体情况 … 十、多元解纷情况.
const NUMBERS: [&str; 12] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

/// The six tables, and those of the key projects if any, in the order the bulletin prints them.
pub fn tables(b: &Bulletin) -> Vec<Table> {
    let mut out = vec![overview(b), regions(b), units(b), overdue(b), categories(b), trend(b)];
    if let Some(s) = &b.projects {
        out.extend(super::projects::tables(s, 0));
    }
    if let Some(s) = &b.tasks {
        out.push(super::tasks::table(s, NUMBERS.get(out.len()).copied().unwrap_or("")));
    }
    if let Some(s) = &b.disputes {
        out.push(super::disputes::table(s, NUMBERS.get(out.len()).copied().unwrap_or("")));
    }
    if let Some(s) = &b.policies {
        out.push(super::policies::table(s, NUMBERS.get(out.len()).copied().unwrap_or("")));
    }
    out
}

/// 一、总体情况: every metric of SPEC §6 for this period and the previous one, and the change between them.
fn overview(b: &Bulletin) -> Table {
    let (now, before, ch) = (&b.figures, &b.previous.figures, &b.previous.change);
    let count = |name: &str, f: fn(&Figures) -> i64, d: i64| {
        vec![Cell::Text(name.to_owned()), Cell::Count(f(now)), Cell::Count(f(before)), Cell::Change(Delta::Count(d))]
    };
    let rate = |name: &str, f: fn(&Figures) -> Rate, d: Option<Hundredths>| {
        vec![Cell::Text(name.to_owned()), Cell::Rate(f(now)), Cell::Rate(f(before)), Cell::Change(Delta::Points(d))]
    };
    let rows = vec![
        count("收集企业问题（条）", |f| f.collected, ch.collected),
        count("已解决（条）", |f| f.resolved, ch.resolved),
        rate("问题动态解决率", |f| f.resolution_rate, ch.resolution_rate),
        count("按期办结（条）", |f| f.closed_on_time, ch.closed_on_time),
        rate("按期办结率", |f| f.on_time_rate, ch.on_time_rate),
        count("超期未办结（条）", |f| f.overdue_open, ch.overdue_open),
        count("企业评价（条）", |f| f.rated, ch.rated),
        count("五星好评（条）", |f| f.five_star, ch.five_star),
        rate("五星好评率", |f| f.five_star_rate, ch.five_star_rate),
        rate("满意率", |f| f.satisfaction_rate, ch.satisfaction_rate),
        count("重办（条）", |f| f.reopened, ch.reopened),
        vec![
            Cell::Text("平均办理时长（工作日）".to_owned()),
            Cell::Decimal(now.avg_working_days),
            Cell::Decimal(before.avg_working_days),
            Cell::Change(Delta::Decimal(ch.avg_working_days)),
        ],
        count(&format!("{}新增问题（条）", b.kind.this()), |f| f.new_in_period, ch.new_in_period),
    ];
    Table {
        section: Section::Overview,
        title: "一、总体情况".to_owned(),
        sheet: "总体情况",
        headers: vec![
            "指标".to_owned(),
            format!("本期（{}）", b.period.label),
            format!("上期（{}）", b.previous.period.label),
            "较上期".to_owned(),
        ],
        rows,
        empty: "",
        note: None,
    }
}

/// How the regions one level below the scope are called: in the heading, and in a table's column.
struct RegionWords {
    heading: &'static str,
    column: &'static str,
    sheet: &'static str,
}

/// A province's children are 省辖市, a city's 县（市、区）, a county's 乡镇（街道）: told apart by the GB/T 2260 code,
/// whose trailing zeros mark the level.
fn region_words(b: &Bulletin) -> RegionWords {
    let code = b.scope.code.as_str();
    if b.scope.kind == "region" && code.len() == 6 && code.ends_with("0000") {
        RegionWords { heading: "省辖市", column: "省辖市", sheet: "各省辖市" }
    } else if b.scope.kind == "region" && code.len() == 6 && !code.ends_with("00") {
        RegionWords { heading: "乡镇（街道）", column: "乡镇（街道）", sheet: "各乡镇" }
    } else {
        RegionWords { heading: "县（市、区）", column: "县区", sheet: "各县区" }
    }
}

/// 二、各县（市、区）情况
fn regions(b: &Bulletin) -> Table {
    let words = region_words(b);
    ranking(Section::Regions, format!("二、各{}情况", words.heading), words.sheet, words.column, &b.regions)
}

/// 三、各单位情况
fn units(b: &Bulletin) -> Table {
    ranking(Section::Units, "三、各单位情况".to_owned(), "各单位", "单位", &b.units)
}

/// A ranked table of regions or units, in the order the ranking gave.
fn ranking(section: Section, title: String, sheet: &'static str, name: &str, lines: &[Line]) -> Table {
    let headers = [
        "排名",
        name,
        "收集",
        "已解决",
        "动态解决率",
        "按期办结率",
        "满意率",
        "五星好评率",
        "超期未办结",
        "得分",
        "旗帜",
    ];
    let rows = lines
        .iter()
        .map(|l| {
            let f = &l.figures;
            vec![
                Cell::rank(l.rank),
                Cell::Text(l.name.clone()),
                Cell::Count(f.collected),
                Cell::Count(f.resolved),
                Cell::Rate(f.resolution_rate),
                Cell::Rate(f.on_time_rate),
                Cell::Rate(f.satisfaction_rate),
                Cell::Rate(f.five_star_rate),
                Cell::Count(f.overdue_open),
                Cell::Decimal(l.score),
                flag_cell(l),
            ]
        })
        .collect();
    Table {
        section,
        title,
        sheet,
        headers: headers.map(str::to_owned).to_vec(),
        rows,
        empty: "本期无可排名的数据。",
        note: None,
    }
}

/// 红旗/黄旗; 不评旗 for a line with too few items, so that a blank never hides why it has no flag.
fn flag_cell(l: &Line) -> Cell {
    match (l.flag, l.eligible) {
        (Some(f), _) => Cell::Flag(f),
        (None, false) => Cell::Text("不评旗".to_owned()),
        (None, true) => Cell::Text(String::new()),
    }
}

/// 四、超期未办结事项: the most overdue first, as the bulletin lists them.
fn overdue(b: &Bulletin) -> Table {
    let words = region_words(b);
    let rows = b
        .overdue
        .iter()
        .map(|o| {
            vec![
                Cell::Text(o.number.clone()),
                Cell::Text(o.title.clone()),
                Cell::Text(o.enterprise.clone()),
                Cell::Text(o.region.clone()),
                Cell::Text(o.unit.clone()),
                Cell::Date(o.resolve_due),
                Cell::Count(i64::from(o.overdue_days)),
            ]
        })
        .collect();
    let all = b.figures.overdue_open;
    let listed = i64::try_from(b.overdue.len()).unwrap_or(i64::MAX);
    let note = (all > listed).then(|| format!("超期未办结共{all}条，此处列出超期时间最长的{listed}条。"));
    Table {
        section: Section::Overdue,
        title: "四、超期未办结事项".to_owned(),
        sheet: "超期事项",
        headers: ["编号", "问题", "企业", words.column, "责任单位", "应办结日期", "超期工作日"]
            .map(str::to_owned)
            .to_vec(),
        rows,
        empty: "截至统计日，无超期未办结事项。",
        note,
    }
}

/// 五、问题类型分布, with each type's share of all problems collected.
fn categories(b: &Bulletin) -> Table {
    let rows = b
        .categories
        .iter()
        .map(|c| {
            let f = &c.figures;
            vec![
                Cell::Text(c.name.clone()),
                Cell::Count(f.collected),
                Cell::Rate(Rate::of(f.collected, b.figures.collected)),
                Cell::Count(f.resolved),
                Cell::Rate(f.resolution_rate),
                Cell::Count(f.overdue_open),
                Cell::Count(f.new_in_period),
            ]
        })
        .collect();
    let new = format!("{}新增", b.kind.this());
    Table {
        section: Section::Categories,
        title: "五、问题类型分布".to_owned(),
        sheet: "问题类型",
        headers: ["问题类型", "收集", "占比", "已解决", "动态解决率", "超期未办结", new.as_str()]
            .map(str::to_owned)
            .to_vec(),
        rows,
        empty: "本期无问题类型数据。",
        note: None,
    }
}

/// 六、近12个月走势: per period, the problems raised and resolved within it and the rate at its end.
fn trend(b: &Bulletin) -> Table {
    let rows = b
        .trend
        .iter()
        .map(|t| {
            vec![
                Cell::Text(t.label.clone()),
                Cell::Count(t.new_in_period),
                Cell::Count(t.resolved_in_period),
                Cell::Rate(t.resolution_rate),
            ]
        })
        .collect();
    let unit = match b.kind {
        PeriodKind::Week => "周",
        PeriodKind::Month => "个月",
        PeriodKind::Quarter => "个季度",
        PeriodKind::Year => "年",
    };
    Table {
        section: Section::Trend,
        title: format!("六、近{}{unit}走势", b.trend.len()),
        sheet: "趋势",
        headers: ["期间", "新增问题", "解决问题", "动态解决率（期末累计）"].map(str::to_owned).to_vec(),
        rows,
        empty: "暂无往期数据。",
        note: None,
    }
}

/// The notes under the tables: what each figure means and how the ranking was made, so that a printed bulletin
/// answers the questions a unit asks about its place in it.
pub fn notes(b: &Bulletin) -> Vec<String> {
    let w = &b.weights;
    let r = &b.flag_rule;
    let flags = match (r.red, r.yellow) {
        (0, 0) => "本期不授旗".to_owned(),
        (red, 0) => format!("综合得分前{red}名授红旗"),
        (0, yellow) => format!("综合得分后{yellow}名领黄旗"),
        (red, yellow) => format!("综合得分前{red}名授红旗、后{yellow}名领黄旗"),
    };
    vec![
        "问题动态解决率＝已解决÷收集；按期办结率＝按期办结÷已解决；满意率＝四星及以上评价÷评价；\
         五星好评率＝五星评价÷评价。比率保留两位小数（四舍五入），无相应件数的记“—”。"
            .to_owned(),
        format!(
            "收集、已解决及各比率为自首条记录起截至{}24时的累计数，“{}新增”为期内新收集数；不含已撤回和经审核无效的问题。\
             超期未办结指截至统计日已超过办结时限（含经批准的延期）仍未办结的问题，时限按法定工作日计算。",
            chinese_date(b.as_of),
            b.kind.this()
        ),
        format!(
            "综合得分＝问题动态解决率×{}%＋按期办结率×{}%＋满意率×{}%（某项无相应件数的，由其余各项按权重折算）；\
             得分相同的，超期未办结少者居前。{flags}；收集问题不足{}条的参与排名、不评旗。",
            w.resolution, w.on_time, w.satisfaction, r.min_items
        ),
        format!("上期为{}，数据截至{}24时。", b.previous.period.label, chinese_date(b.previous.as_of)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example::example;

    #[test]
    fn cells_print_as_a_bulletin_writes_them() {
        assert_eq!(Cell::Change(Delta::Count(236)).text(), "+236");
        assert_eq!(Cell::Change(Delta::Count(-3)).text(), "-3");
        assert_eq!(Cell::Change(Delta::Count(0)).text(), "持平");
        assert_eq!(Cell::Change(Delta::Points(Some(Hundredths(16)))).text(), "+0.16个百分点");
        assert_eq!(Cell::Change(Delta::Points(Some(Hundredths(-105)))).text(), "-1.05个百分点");
        assert_eq!(Cell::Change(Delta::Points(None)).text(), "—");
        assert_eq!(Cell::Rate(Rate(None)).text(), "—");
        assert_eq!(Cell::Decimal(Some(Hundredths(473))).text(), "4.73");
        assert_eq!(display_width("川汇区 A1"), 9);
    }

    #[test]
    fn every_table_row_has_a_cell_per_header() {
        for t in tables(&example()) {
            assert!(!t.rows.is_empty(), "{}", t.title);
            assert!(t.rows.iter().all(|r| r.len() == t.headers.len()), "{}", t.title);
        }
    }

    #[test]
    fn a_city_names_its_counties_and_a_cut_overdue_list_says_so() {
        let mut b = example();
        let t = tables(&b);
        assert_eq!(t[1].title, "二、各县（市、区）情况");
        assert_eq!(t[1].headers[1], "县区");
        assert_eq!(t[3].note, None);
        b.figures.overdue_open = 250;
        b.scope.code = "411602".into();
        let t = tables(&b);
        assert_eq!(t[1].title, "二、各乡镇（街道）情况");
        assert_eq!(t[3].note.as_deref(), Some("超期未办结共250条，此处列出超期时间最长的6条。"));
    }

    #[test]
    fn a_line_too_small_to_flag_says_so() {
        let b = example();
        let small = b.units.iter().find(|l| !l.eligible).expect("the example has a small unit");
        assert_eq!(flag_cell(small), Cell::Text("不评旗".into()));
        let rows = tables(&b)[2].rows.clone();
        assert!(rows.iter().any(|r| r[10] == Cell::Flag(Flag::Red)));
        assert!(rows.iter().any(|r| r[10] == Cell::Flag(Flag::Yellow)));
    }
}
