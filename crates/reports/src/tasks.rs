//! The 周交办 part of a bulletin (issue 15): the tasks the government's weekly meetings handed out within the period,
//! each as it stood at the as-of date, by lead unit: counted as the next meeting's 上周交办事项完成情况 counts them
//! (`Store::task_standings`); here only put in order and words.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use serde::Serialize;
use zhuqi_domain::RegionCode;
use zhuqi_domain::stats::Rate;
use zhuqi_store::{Outcome, Principal, Store, StoreError};

use super::tables::{Cell, Section, Table, chinese_date};

/// The section; `None` when no meeting of the period handed out a task the reader may see.
#[derive(Debug, Clone, Serialize)]
pub struct TaskSection {
    /// Meetings of the period that handed out tasks.
    pub meetings: i64,
    pub total: TaskLine,
    /// Per lead unit, the most unfinished first.
    pub units: Vec<TaskLine>,
}

/// One unit's tasks of the period (or all of them), as they stood at the as-of date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TaskLine {
    pub name: String,
    pub assigned: i64,
    pub on_time: i64,
    pub late: i64,
    /// Not done yet (未完成).
    pub open: i64,
    /// Of those, past their resolve deadline (已超期); the others are not due yet.
    pub overdue: i64,
    pub withdrawn: i64,
    /// 按期完成率: done on time of the tasks not withdrawn.
    pub on_time_rate: Rate,
}

impl TaskLine {
    fn count(&mut self, o: &Outcome, overdue: bool) {
        self.assigned += 1;
        match o {
            Outcome::OnTime => self.on_time += 1,
            Outcome::Late => self.late += 1,
            Outcome::Open { .. } => {
                self.open += 1;
                self.overdue += i64::from(overdue);
            }
            Outcome::Withdrawn => self.withdrawn += 1,
        }
        self.on_time_rate = Rate::of(self.on_time, self.assigned - self.withdrawn);
    }
}

/// The section for `region` (the reader's whole scope when `None`), from `first` to `as_of`.
pub async fn section(
    store: &Store,
    p: &Principal,
    region: Option<RegionCode>,
    first: Date,
    as_of: Date,
) -> Result<Option<TaskSection>, StoreError> {
    let standings = store.task_standings(p, region, first, as_of).await?;
    if standings.is_empty() {
        return Ok(None);
    }
    let names: HashMap<i64, String> = store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let meetings: BTreeSet<i64> = standings.iter().filter_map(|s| s.task.meeting_id).collect();
    let unit = |id: Option<i64>| id.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "未明确牵头单位".to_owned());
    let (total, units) = by_unit(standings.iter().map(|s| (unit(s.unit_id), &s.outcome, s.overdue)));
    Ok(Some(TaskSection { meetings: meetings.len() as i64, total, units }))
}

/// Counts tasks (each with whether it is overdue) by lead unit: the whole (named 合计) and each unit's line, the most
/// overdue first, then the most unfinished.
pub fn by_unit<'a>(tasks: impl Iterator<Item = (String, &'a Outcome, bool)>) -> (TaskLine, Vec<TaskLine>) {
    let mut total = TaskLine { name: "合计".to_owned(), ..TaskLine::default() };
    let mut units: BTreeMap<String, TaskLine> = BTreeMap::new();
    for (name, outcome, overdue) in tasks {
        total.count(outcome, overdue);
        let line = units.entry(name.clone()).or_insert_with(|| TaskLine { name, ..TaskLine::default() });
        line.count(outcome, overdue);
    }
    let mut units: Vec<TaskLine> = units.into_values().collect();
    let order = |l: &TaskLine| (std::cmp::Reverse(l.overdue), std::cmp::Reverse(l.open), std::cmp::Reverse(l.late));
    units.sort_by(|a, b| order(a).cmp(&order(b)).then_with(|| a.name.cmp(&b.name)));
    (total, units)
}

/// The section's paragraph: how many were handed out, how they stand, which units still owe some.
pub fn prose(s: &TaskSection, this: &str, as_of: Date) -> String {
    let t = &s.total;
    let mut p = format!(
        "重点工作周交办方面，{this}{}次周交办会议共交办事项{}项，截至{}，按期完成{}项，逾期完成{}项，未完成{}项（其中已超期{}项）",
        s.meetings,
        t.assigned,
        chinese_date(as_of),
        t.on_time,
        t.late,
        t.open,
        t.overdue,
    );
    if t.withdrawn > 0 {
        p += &format!("，撤销{}项", t.withdrawn);
    }
    p += &format!("，按期完成率{}", t.on_time_rate);
    let late: Vec<&str> = s.units.iter().filter(|u| u.overdue > 0).map(|u| u.name.as_str()).collect();
    if !late.is_empty() {
        p += &format!("；超期未完成事项涉及{}等{}个单位，请抓紧推进，按时报告办理进展", late.join("、"), late.len());
    }
    p + "。"
}

/// The section's table, numbered `number`.
pub fn table(s: &TaskSection, number: &str) -> Table {
    let note = "本期召开的周交办会议交办的事项，按截至日期的办理情况统计；按期完成率为按期完成事项占未撤销事项的比例。";
    unit_table(format!("{number}、重点工作周交办落实情况"), &s.units, &s.total, Some(note.to_owned()))
}

/// The tasks by lead unit, with the total last.
pub fn unit_table(title: String, units: &[TaskLine], total: &TaskLine, note: Option<String>) -> Table {
    let row = |l: &TaskLine| {
        vec![
            Cell::Text(l.name.clone()),
            Cell::Count(l.assigned),
            Cell::Count(l.on_time),
            Cell::Count(l.late),
            Cell::Count(l.open),
            Cell::Count(l.overdue),
            Cell::Count(l.withdrawn),
            Cell::Rate(l.on_time_rate),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = units.iter().map(row).collect();
    rows.push(row(total));
    Table {
        section: Section::Tasks,
        title,
        sheet: "周交办",
        headers: ["牵头单位", "交办事项", "按期完成", "逾期完成", "未完成", "其中超期", "撤销", "按期完成率"]
            .map(str::to_owned)
            .to_vec(),
        rows,
        empty: "",
        note,
    }
}
