//! A realistic monthly bulletin of 周口市 for 2023-07, with the figures the seed reports (3,118 problems collected,
//! 3,097 resolved: 99.33%). The renderers are tested against it and `render_examples` writes it in every format, so
//! that the output can be looked at before a database has a month of appeals.
//!
//! It is internally consistent: the city's figures are the sum of its counties', the ranks and flags come from the
//! domain's ranking, the previous month is the trend's last point but one, and the prose is written from the figures.

use jiff::civil::{Date, date};
use zhuqi_domain::stats::Flag::{Red, Yellow};
use zhuqi_domain::stats::{Counts, FlagRule, Hundredths, Period, PeriodKind, Rate, Weights, rank};

use zhuqi_domain::Fen;
use zhuqi_store::DisputeTally;

use super::bulletin::{
    Bulletin, CategoryLine, Change, Figures, Line, OverdueItem, PeriodInfo, Previous, ScopeInfo, TrendPoint,
};
use super::disputes::{DisputeChange, DisputeLine, DisputeSection};
use super::policies::{PolicyChange, PolicyLine, PolicySection};
use super::tasks::{TaskLine, TaskSection};

/// The counts of one county or unit: collected, resolved, on time, overdue, rated, five stars, four or five stars,
/// reopened, working days spent on the resolved, new this month.
type Row = (&'static str, &'static str, [i64; 10]);

const COUNTIES: [Row; 10] = [
    ("411602", "川汇区", [412, 411, 405, 0, 386, 371, 383, 2, 1850, 31]),
    ("411603", "淮阳区", [298, 295, 283, 1, 275, 258, 268, 3, 1460, 22]),
    ("411621", "扶沟县", [246, 244, 239, 0, 230, 219, 227, 1, 1120, 18]),
    ("411622", "西华县", [265, 261, 246, 2, 243, 222, 234, 4, 1390, 20]),
    ("411623", "商水县", [301, 300, 294, 0, 282, 270, 279, 2, 1380, 23]),
    ("411624", "沈丘县", [287, 285, 276, 0, 266, 252, 262, 2, 1330, 21]),
    ("411625", "郸城县", [318, 318, 313, 0, 301, 291, 299, 1, 1420, 25]),
    ("411627", "太康县", [334, 329, 309, 2, 305, 281, 295, 5, 1700, 26]),
    ("411628", "鹿邑县", [352, 350, 339, 1, 329, 312, 324, 2, 1610, 27]),
    ("411681", "项城市", [305, 304, 296, 0, 286, 273, 283, 1, 1390, 23]),
];

/// City-level handling units; 市科技局 has too few items to be flagged.
const UNITS: [Row; 13] = [
    ("101", "市发展改革委", [186, 185, 181, 0, 176, 168, 174, 1, 860, 14]),
    ("102", "市自然资源和规划局", [164, 160, 148, 2, 151, 134, 144, 3, 900, 12]),
    ("103", "市人社局", [142, 142, 140, 0, 137, 132, 136, 0, 560, 11]),
    ("104", "市住房城乡建设局", [131, 130, 124, 1, 123, 112, 119, 2, 680, 10]),
    ("105", "市市场监管局", [118, 118, 116, 0, 113, 108, 112, 0, 470, 9]),
    ("106", "市生态环境局", [97, 96, 91, 1, 90, 82, 87, 1, 520, 7]),
    ("107", "市税务局", [126, 126, 125, 0, 120, 117, 120, 0, 430, 10]),
    ("108", "市工业和信息化局", [105, 105, 102, 0, 100, 95, 99, 1, 470, 8]),
    ("109", "市商务局", [64, 64, 62, 0, 60, 57, 59, 0, 300, 5]),
    ("110", "市财政局", [72, 71, 66, 0, 68, 61, 66, 1, 390, 6]),
    ("111", "国网周口供电公司", [153, 152, 149, 1, 146, 141, 145, 1, 540, 12]),
    ("112", "中国银行周口分行", [88, 87, 83, 1, 82, 76, 80, 1, 430, 7]),
    ("113", "市科技局", [4, 4, 4, 0, 3, 3, 3, 0, 15, 1]),
];

/// Per category, most collected first: collected, resolved, overdue, new this month (they add up to the city's).
const CATEGORIES: [(&str, &str, [i64; 4]); 12] = [
    ("financing", "融资", [612, 606, 2, 46]),
    ("labour", "用工", [428, 427, 0, 32]),
    ("permits", "审批证照", [402, 401, 0, 30]),
    ("land", "土地", [356, 351, 2, 27]),
    ("utilities", "水电气暖", [331, 330, 1, 25]),
    ("policy", "政策兑现", [298, 296, 0, 23]),
    ("market", "市场产销", [176, 176, 0, 13]),
    ("logistics", "物流交通", [164, 164, 0, 12]),
    ("environment", "环保", [141, 140, 1, 11]),
    ("talent", "科技人才", [98, 98, 0, 8]),
    ("legal", "法律纠纷", [72, 70, 0, 6]),
    ("other", "其他", [40, 38, 0, 3]),
];

/// New and resolved problems per month, 2022-08 to 2023-07.
const TREND: [(i64, i64); 12] = [
    (268, 259),
    (254, 262),
    (231, 228),
    (247, 240),
    (212, 221),
    (158, 149),
    (263, 251),
    (289, 290),
    (276, 280),
    (251, 255),
    (244, 240),
    (236, 239),
];

fn counts(c: [i64; 10]) -> Counts {
    Counts {
        collected: c[0],
        resolved: c[1],
        closed_on_time: c[2],
        overdue_open: c[3],
        rated: c[4],
        five_star: c[5],
        satisfied: c[6],
        reopened: c[7],
        working_days: c[8],
        timed: c[1],
        new_in_period: c[9],
    }
}

fn period_info(p: Period) -> PeriodInfo {
    PeriodInfo { code: p.code(), label: p.label(), first: p.first, last: p.last }
}

/// Ranks rows with the domain's ranking, as `report::build` does.
fn lines(rows: &[Row], weights: &Weights, rule: &FlagRule) -> Vec<Line> {
    let entries = rows.iter().map(|&(code, name, c)| ((code.to_owned(), name.to_owned()), counts(c))).collect();
    Line::ranked(rank(entries, weights, rule))
}

pub fn example() -> Bulletin {
    let period = Period::parse("2023-07").expect("a valid period");
    let before = period.previous();
    let (weights, flag_rule) = (Weights::default(), FlagRule::default());
    let city: Counts = COUNTIES.iter().map(|r| counts(r.2)).sum();
    let figures = Figures::from(&city);
    // June as of 30 June: 236 fewer collected and 239 fewer resolved than July, as the trend says.
    let june = Figures::from(&Counts {
        collected: 2882,
        resolved: 2858,
        closed_on_time: 2768,
        overdue_open: 9,
        rated: 2678,
        five_star: 2537,
        satisfied: 2632,
        reopened: 21,
        working_days: 13_540,
        timed: 2858,
        new_in_period: 244,
    });
    let regions = lines(&COUNTIES, &weights, &flag_rule);
    let units = lines(&UNITS, &weights, &flag_rule);
    let mut b = Bulletin {
        title: "周口市万人助万企活动2023年7月通报".to_owned(),
        kind: PeriodKind::Month,
        period: period_info(period),
        as_of: period.last,
        scope: ScopeInfo { kind: "region", code: "411600".to_owned(), name: "周口市".to_owned(), level: None },
        generated_at: "2023-08-01T01:30:00Z".parse().expect("a valid timestamp"),
        figures,
        previous: Previous {
            period: period_info(before),
            as_of: before.last,
            figures: june,
            change: Change::between(&figures, &june),
        },
        regions,
        units,
        overdue: overdue(),
        trend: trend(period, &city),
        categories: categories(),
        weights,
        flag_rule,
        projects: None,
        disputes: Some(disputes()),
        policies: Some(policies()),
        tasks: Some(tasks()),
        prose: Vec::new(),
    };
    b.prose = prose(&b);
    b
}

/// Per county: received, amount (万元), mediated, failed, to court, withdrawn, agreed (万元): the seed's 1,585 cases,
/// about 13亿元, 1,238 mediated.
const DISPUTES: [(&str, &str, [i64; 7]); 10] = [
    ("411602", "川汇区", [212, 17448, 166, 21, 16, 6, 10818]),
    ("411603", "淮阳区", [151, 12423, 118, 15, 12, 4, 7702]),
    ("411621", "扶沟县", [128, 10531, 100, 13, 10, 3, 6529]),
    ("411622", "西华县", [139, 11436, 109, 14, 10, 4, 7090]),
    ("411623", "商水县", [163, 13410, 127, 16, 13, 4, 8314]),
    ("411624", "沈丘县", [158, 12999, 123, 16, 12, 4, 8059]),
    ("411625", "郸城县", [170, 13986, 133, 17, 13, 4, 8671]),
    ("411627", "太康县", [172, 14150, 134, 17, 13, 5, 8773]),
    ("411628", "鹿邑县", [167, 13739, 130, 17, 13, 4, 8518]),
    ("411681", "项城市", [125, 10284, 98, 12, 9, 3, 6376]),
];

/// The month's four weekly meetings handed out 40 tasks: per lead unit, on time, late, open, withdrawn, and of the
/// open ones those past due (the others were handed out at the month's last meeting).
const TASKS: [(&str, [i64; 5]); 5] = [
    ("市发展和改革委员会", [9, 1, 2, 0, 1]),
    ("市工业和信息化局", [7, 1, 1, 0, 0]),
    ("市住房和城乡建设局", [5, 2, 1, 0, 1]),
    ("市商务局", [6, 0, 0, 1, 0]),
    ("市人力资源和社会保障局", [3, 0, 1, 0, 0]),
];

fn tasks() -> TaskSection {
    let line = |name: &str, c: &[i64; 5]| {
        let assigned = c[..4].iter().sum();
        TaskLine {
            name: name.to_owned(),
            assigned,
            on_time: c[0],
            late: c[1],
            open: c[2],
            overdue: c[4],
            withdrawn: c[3],
            on_time_rate: Rate::of(c[0], assigned - c[3]),
        }
    };
    let mut units: Vec<TaskLine> = TASKS.iter().map(|(name, c)| line(name, c)).collect();
    units.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| b.late.cmp(&a.late)).then_with(|| a.name.cmp(&b.name)));
    let sum = TASKS.iter().fold([0; 5], |t, (_, c)| std::array::from_fn(|i| t[i] + c[i]));
    TaskSection { meetings: 4, total: line("合计", &sum), units }
}

/// The 惠企政策 section of the example: the seed's 75 policies in force, three counties' lines.
fn policies() -> PolicySection {
    let line = |code: &str, name: &str, n: [usize; 4], amount_fen: i64| PolicyLine {
        code: code.to_owned(),
        name: name.to_owned(),
        matched: n[0],
        delivered: n[1],
        claimed: n[2],
        granted: n[3],
        amount_fen,
    };
    let lines = vec![
        line("411602", "川汇区", [1_260, 804, 377, 301], 4_318_500_000),
        line("411628", "鹿邑县", [918, 655, 240, 212], 2_907_000_000),
        line("411627", "太康县", [703, 402, 188, 150], 1_655_000_000),
    ];
    let sum = |f: fn(&PolicyLine) -> usize| lines.iter().map(f).sum::<usize>();
    PolicySection {
        grouped_by: "县区",
        in_force: 75,
        no_application: 12,
        total: line(
            "",
            "",
            [sum(|l| l.matched), sum(|l| l.delivered), sum(|l| l.claimed), sum(|l| l.granted)],
            lines.iter().map(|l| l.amount_fen).sum(),
        ),
        in_period: PolicyChange { delivered: 214, granted: 96, amount_fen: 1_012_000_000 },
        lines,
    }
}

fn disputes() -> DisputeSection {
    let wan = |n: i64| Fen::new(n * 1_000_000).expect("in range");
    let tally = |c: &[i64; 7]| DisputeTally {
        received: c[0],
        amount: wan(c[1]),
        mediated: c[2],
        failed: c[3],
        litigation: c[4],
        withdrawn: c[5],
        agreed: wan(c[6]),
    };
    let total = DISPUTES.iter().fold(DisputeTally::default(), |t, (_, _, c)| t.plus(&tally(c)).expect("in range"));
    let mut lines: Vec<DisputeLine> =
        DISPUTES.iter().map(|(code, name, c)| DisputeLine::of((*code).into(), (*name).into(), &tally(c))).collect();
    lines.sort_by(|a, b| b.received.cmp(&a.received).then_with(|| a.code.cmp(&b.code)));
    DisputeSection {
        grouped_by: "县区",
        total: DisputeLine::of(String::new(), String::new(), &total),
        in_period: DisputeChange { received: 131, amount_fen: wan(10_870).fen(), mediated: 104 },
        lines,
    }
}

fn overdue() -> Vec<OverdueItem> {
    let item = |id: i64, title: &str, enterprise: &str, region: &str, unit: &str, due: Date, days: u32| OverdueItem {
        id,
        number: format!("ZK-2023-{id:06}"),
        title: title.to_owned(),
        enterprise: enterprise.to_owned(),
        region: region.to_owned(),
        unit: unit.to_owned(),
        resolve_due: due,
        overdue_days: days,
        status: "办理中",
    };
    vec![
        item(
            2871,
            "项目用地规划条件调整未批复",
            "太康县华瑞纺织有限公司",
            "太康县",
            "市自然资源和规划局",
            date(2023, 7, 14),
            11,
        ),
        item(
            2903,
            "厂区不动产权证首次登记办理滞后",
            "西华县益康食品有限公司",
            "西华县",
            "市自然资源和规划局",
            date(2023, 7, 19),
            8,
        ),
        item(
            2936,
            "园区配套道路施工影响企业物流通行",
            "太康县龙腾纸业有限公司",
            "太康县",
            "市住房城乡建设局",
            date(2023, 7, 21),
            6,
        ),
        item(
            2958,
            "流动资金贷款续贷审批周期过长",
            "周口市淮阳区羲皇农产品加工有限公司",
            "淮阳区",
            "中国银行周口分行",
            date(2023, 7, 24),
            5,
        ),
        item(
            3012,
            "新建车间10千伏专线接入迟缓",
            "西华县恒通电子科技有限公司",
            "西华县",
            "国网周口供电公司",
            date(2023, 7, 26),
            3,
        ),
        item(
            3040,
            "技改项目环评批复办理进度慢",
            "鹿邑县宏昌羽绒制品有限公司",
            "鹿邑县",
            "市生态环境局",
            date(2023, 7, 27),
            2,
        ),
    ]
}

/// Twelve months ending with `period`; each month's cumulative rate is worked back from the city's totals.
fn trend(period: Period, city: &Counts) -> Vec<TrendPoint> {
    let mut months = vec![period];
    while months.len() < TREND.len() {
        let earlier = months[months.len() - 1].previous();
        months.push(earlier);
    }
    months.reverse();
    let (mut collected, mut resolved) = (city.collected, city.resolved);
    let mut points: Vec<TrendPoint> = months
        .iter()
        .zip(TREND)
        .rev()
        .map(|(m, (new, done))| {
            let point = TrendPoint {
                code: m.code(),
                label: m.label(),
                new_in_period: new,
                resolved_in_period: done,
                resolution_rate: Rate::of(resolved, collected),
            };
            collected -= new;
            resolved -= done;
            point
        })
        .collect();
    points.reverse();
    points
}

fn categories() -> Vec<CategoryLine> {
    CATEGORIES
        .iter()
        .map(|&(code, name, [collected, resolved, overdue, new])| {
            // Ratings and timeliness are not broken down by category in the example; plausible shares of them.
            let counts = Counts {
                collected,
                resolved,
                closed_on_time: resolved * 97 / 100,
                overdue_open: overdue,
                rated: resolved * 93 / 100,
                five_star: resolved * 88 / 100,
                satisfied: resolved * 92 / 100,
                timed: resolved,
                working_days: resolved * 47 / 10,
                new_in_period: new,
                ..Counts::default()
            };
            CategoryLine { code: code.to_owned(), name: name.to_owned(), figures: Figures::from(&counts) }
        })
        .collect()
}

/// The bulletin's text, written from its figures in the register of the seeds.
fn prose(b: &Bulletin) -> Vec<String> {
    let f = &b.figures;
    let change = b.previous.change.resolution_rate.map_or_else(String::new, |pp| match pp.0 {
        0 => "，与上月持平".to_owned(),
        n if n > 0 => format!("，较上月提高{pp}个百分点"),
        _ => format!("，较上月下降{}个百分点", Hundredths(-pp.0)),
    });
    let mut top: Vec<_> = b.categories.iter().collect();
    top.sort_by_key(|c| std::cmp::Reverse(c.figures.collected));
    let top: Vec<String> = top
        .iter()
        .take(3)
        .map(|c| format!("{}类{}条（占{}）", c.name, c.figures.collected, Rate::of(c.figures.collected, f.collected)))
        .collect();
    let flagged = |lines: &[Line], flag| {
        lines.iter().filter(|l| l.flag == Some(flag)).map(|l| l.name.as_str()).collect::<Vec<_>>().join("、")
    };
    let mut units: Vec<&str> = Vec::new();
    for o in &b.overdue {
        if !units.contains(&o.unit.as_str()) {
            units.push(&o.unit);
        }
    }
    vec![
        format!(
            "2023年7月，全市各级各部门深入开展“万人助万企”活动，坚持问题导向、结果导向，持续推动企业问题“清仓见底”。\
             截至7月31日，全市共收集企业问题{}条，已解决{}条，问题动态解决率{}{change}；按期办结率{}，满意率{}，五星好评率{}。",
            f.collected, f.resolved, f.resolution_rate, f.on_time_rate, f.satisfaction_rate, f.five_star_rate
        ),
        format!(
            "本月新收集企业问题{}条，解决{}条。从问题类型看，{}居前三位，融资难、用工难、审批慢仍是企业反映最集中的问题。",
            f.new_in_period,
            b.trend.last().map_or(0, |t| t.resolved_in_period),
            top.join("、")
        ),
        format!(
            "按照综合得分排名，{}获评红旗，{}领黄旗；市直及驻周单位中，{}获评红旗，{}领黄旗。",
            flagged(&b.regions, Red),
            flagged(&b.regions, Yellow),
            flagged(&b.units, Red),
            flagged(&b.units, Yellow)
        ),
        format!(
            "截至7月31日，全市尚有超期未办结问题{}条，涉及{}等{}个单位。请相关单位对照清单逐件明确责任人和办结时限，\
             限期办结并及时反馈；超期5个工作日以上的，按规定发送问责函。",
            f.overdue_open,
            units.join("、"),
            units.len()
        ),
        b.tasks.as_ref().map_or_else(String::new, |s| super::tasks::prose(s, "本月", b.as_of)),
        b.disputes.as_ref().map_or_else(String::new, |s| super::disputes::prose(s, "全市", "本月", b.as_of)),
        b.policies.as_ref().map_or_else(String::new, |s| super::policies::prose(s, "全市", "本月", b.as_of)),
        "各县（市、区）、市直各有关单位要坚持“13710”工作制度，做到只帮忙不添乱、多解题少指导、真到位不越位，\
         让“无事不扰、有事解决”成为常态，为全市经济高质量发展营造一流营商环境。"
            .to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_holds_the_seeds_figures_and_adds_up() {
        let b = example();
        assert_eq!((b.figures.collected, b.figures.resolved), (3118, 3097));
        assert_eq!(b.figures.resolution_rate.percent(), "99.33%");
        assert!(b.prose[0].contains("全市共收集企业问题3118条，已解决3097条，问题动态解决率99.33%"), "{}", b.prose[0]);
        assert_eq!(b.regions.len(), 10);
        assert_eq!(b.categories.iter().map(|c| c.figures.collected).sum::<i64>(), 3118);
        assert_eq!(b.categories.iter().map(|c| c.figures.overdue_open).sum::<i64>(), b.figures.overdue_open);
        assert_eq!(b.units.iter().map(|u| u.figures.overdue_open).sum::<i64>(), b.figures.overdue_open);
        assert_eq!(b.overdue.len() as i64, b.figures.overdue_open);
        assert_eq!(b.trend.len(), 12);
        assert_eq!(b.trend[10].code, "2023-06");
        assert_eq!(b.trend[10].resolution_rate, b.previous.figures.resolution_rate);
        assert_eq!(b.trend[11].resolution_rate, b.figures.resolution_rate);
        assert_eq!(b.previous.change.collected, b.figures.new_in_period);
    }

    /// Writes the example in every format beside the build, to be opened and looked at:
    /// `cargo test -p zhuqi --lib report -- --ignored render_examples` → `$CARGO_TARGET_DIR/bulletin-example.*`.
    #[test]
    #[ignore = "writes files for a person to look at"]
    fn render_examples() {
        let dir = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"), Into::into);
        let b = example();
        for format in crate::Format::ALL {
            let path = dir.join(format!("bulletin-example.{}", format.as_str()));
            std::fs::write(&path, format.render(&b).expect("renders")).expect("writes");
            println!("{}", path.display());
        }
    }
}
