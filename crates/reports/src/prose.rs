//! The bulletin's text, in the register of the seeds: "截至7月31日，全市共收集企业问题3118条，已解决3097条，问题动态
//! 解决率99.33%……". Every number comes from the bulletin's figures; nothing here counts.

use jiff::civil::Date;
use zhuqi_domain::stats::{Flag, Hundredths};

use super::Bulletin;
use super::bulletin::Line;

/// The paragraphs, in order: the headline, handling quality, change on the previous period, flags, overdue items.
pub fn write(b: &Bulletin) -> Vec<String> {
    let f = &b.figures;
    let whole = whole(&b.scope.name, b.scope.kind);
    let level = b.scope.level.map_or("", |l| match l {
        "county" => "县区级",
        "city" => "市级",
        _ => "省级",
    });
    let mut out = vec![format!(
        "截至{}，{whole}共收集{level}企业问题{}条，已解决{}条，问题动态解决率{}；{}新收集问题{}条。",
        day(b.as_of),
        f.collected,
        f.resolved,
        f.resolution_rate,
        b.kind_this(),
        f.new_in_period,
    )];
    let avg = f.avg_working_days.map_or_else(String::new, |d| format!("，平均办理用时{d}个工作日"));
    out.push(format!(
        "已解决问题中，按期办结{}条，按期办结率{}{avg}。企业评价{}条，其中五星好评{}条，五星好评率{}，满意率{}；企业不满意重办问题{}条。",
        f.closed_on_time, f.on_time_rate, f.rated, f.five_star, f.five_star_rate, f.satisfaction_rate, f.reopened,
    ));
    let c = &b.previous.change;
    out.push(format!(
        "与{}相比，累计收集问题增加{}条，已解决问题增加{}条，问题动态解决率{}，按期办结率{}，满意率{}；超期未办结问题{}。",
        b.previous.period.label,
        c.collected,
        c.resolved,
        points(c.resolution_rate),
        points(c.on_time_rate),
        points(c.satisfaction_rate),
        more_or_less(c.overdue_open, "件"),
    ));
    for (what, lines) in [("各县（市、区）", &b.regions), ("各责任单位", &b.units)] {
        if let Some(p) = flags(what, lines, b) {
            out.push(p);
        }
    }
    out.push(overdue(b));
    if let Some(s) = &b.projects {
        out.extend(super::projects::prose(s, &whole, b.as_of));
    }
    if let Some(s) = &b.tasks {
        out.push(super::tasks::prose(s, b.kind_this(), b.as_of));
    }
    if let Some(s) = &b.disputes {
        out.push(super::disputes::prose(s, &whole, b.kind_this(), b.as_of));
    }
    if let Some(s) = &b.policies {
        out.push(super::policies::prose(s, &whole, b.kind_this(), b.as_of));
    }
    out
}

impl Bulletin {
    fn kind_this(&self) -> &'static str {
        self.kind.this()
    }
}

/// 全市, 全县, 全区, 全省; a unit is named.
fn whole(name: &str, kind: &str) -> String {
    if kind == "unit" {
        return name.to_owned();
    }
    match name.chars().last() {
        Some('省') => "全省".into(),
        Some('县') => "全县".into(),
        Some('区') => "全区".into(),
        _ => "全市".into(),
    }
}

/// 7月31日 (the year is in the title).
fn day(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 上升0.12个百分点, 下降1.50个百分点, 持平, 无可比数据.
fn points(pp: Option<Hundredths>) -> String {
    match pp {
        None => "无可比数据".into(),
        Some(Hundredths(0)) => "持平".into(),
        Some(h) if h.0 > 0 => format!("上升{h}个百分点"),
        Some(h) => format!("下降{}个百分点", Hundredths(-h.0)),
    }
}

fn more_or_less(n: i64, unit: &str) -> String {
    match n {
        0 => "持平".into(),
        n if n > 0 => format!("增加{n}{unit}"),
        n => format!("减少{}{unit}", -n),
    }
}

/// 按综合得分排名，川汇区、项城市获得红旗，郸城县领取黄旗。
fn flags(what: &str, lines: &[Line], b: &Bulletin) -> Option<String> {
    let named =
        |flag: Flag| -> Vec<&str> { lines.iter().filter(|l| l.flag == Some(flag)).map(|l| l.name.as_str()).collect() };
    let (red, yellow) = (named(Flag::Red), named(Flag::Yellow));
    if red.is_empty() && yellow.is_empty() {
        return None;
    }
    let w = &b.weights;
    let mut s = format!(
        "按照综合得分（问题动态解决率占{}%、按期办结率占{}%、满意率占{}%）对{what}排名，",
        w.resolution, w.on_time, w.satisfaction
    );
    if !red.is_empty() {
        s.push_str(&format!("{}获得红旗", red.join("、")));
    }
    if !yellow.is_empty() {
        s.push_str(if red.is_empty() { "" } else { "，" });
        s.push_str(&format!("{}领取黄旗", yellow.join("、")));
    }
    s.push_str(&format!("（收集问题不足{}条的不参与评旗）。", b.flag_rule.min_items));
    Some(s)
}

/// The overdue items, the units named with their counts, most first.
fn overdue(b: &Bulletin) -> String {
    let n = b.figures.overdue_open;
    if n == 0 {
        return format!("截至{}，无超期未办结问题。", day(b.as_of));
    }
    let mut units: Vec<&Line> = b.units.iter().filter(|l| l.figures.overdue_open > 0).collect();
    units.sort_by(|a, b| b.figures.overdue_open.cmp(&a.figures.overdue_open).then(a.name.cmp(&b.name)));
    let named: Vec<String> = units.iter().take(5).map(|l| format!("{}{}件", l.name, l.figures.overdue_open)).collect();
    let more = if units.len() > 5 { "等" } else { "" };
    format!(
        "截至{}，仍有{n}件问题超期未办结，涉及{}个单位，其中{}{more}。请相关单位对照清单逐件销号，超期5个工作日以上的问题按规定发送问责函。",
        day(b.as_of),
        units.len(),
        named.join("、"),
    )
}
