//! The report a weekly meeting opens with (上周交办事项完成情况, issue 15): the tasks of the meeting before, each as
//! it stood at the end of this meeting's day (`Store::previous_meeting_report`), by lead unit, and those not done with
//! why. The meeting's page shows it and prints it; here it also becomes a Word document and a workbook, through the
//! bulletin's writers.

use std::collections::HashMap;

use jiff::Timestamp;
use zhuqi_domain::WorkingCalendar;
use zhuqi_store::{MeetingRecord, MeetingReport, Outcome, ReportLine};

use super::document::Document;
use super::tables::{Cell, Section, Table};
use super::tasks::{TaskLine, by_unit, unit_table};

#[derive(Debug, Clone)]
pub struct MeetingSheet {
    pub meeting: MeetingRecord,
    /// The meeting whose tasks are reported; `None` at a region's first meeting.
    pub previous: Option<MeetingRecord>,
    pub total: TaskLine,
    /// Per lead unit, the most unfinished first.
    pub units: Vec<TaskLine>,
    /// The tasks not done, in the order they were handed out.
    pub open: Vec<OpenTask>,
}

#[derive(Debug, Clone)]
pub struct OpenTask {
    pub id: i64,
    pub number: String,
    pub unit: String,
    pub content: String,
    /// The unit's last words on it, or the state it is in.
    pub reason: String,
}

/// The sheet of `meeting` from its report; `names` names the units, `cal` says which open tasks were past due on the
/// meeting's day.
pub fn sheet(
    meeting: MeetingRecord,
    report: Option<MeetingReport>,
    names: &HashMap<i64, String>,
    cal: &WorkingCalendar,
) -> MeetingSheet {
    let Some(r) = report else {
        return MeetingSheet {
            meeting,
            previous: None,
            total: TaskLine::default(),
            units: Vec::new(),
            open: Vec::new(),
        };
    };
    let unit = |id: Option<i64>| id.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "待交办".to_owned());
    let day = meeting.held_on;
    let overdue = |l: &ReportLine| {
        matches!(l.outcome, Outcome::Open { .. }) && l.then.deadlines(cal, day).is_some_and(|d| d.resolve < day)
    };
    let (total, units) = by_unit(r.lines.iter().map(|l| (unit(l.then.unit_id), &l.outcome, overdue(l))));
    let open = r
        .lines
        .iter()
        .filter_map(|l| match &l.outcome {
            Outcome::Open { reason } => Some(OpenTask {
                id: l.task.id,
                number: l.task.number.to_string(),
                unit: unit(l.then.unit_id),
                content: l.task.content.clone(),
                reason: reason.clone(),
            }),
            _ => None,
        })
        .collect();
    MeetingSheet { meeting, previous: Some(r.previous), total, units, open }
}

impl MeetingSheet {
    /// 市政府2026年第10次重点工作周交办会议（2026-11-23）交办事项12项：按期完成9项，逾期完成1项，未完成2项。
    pub fn summary(&self) -> String {
        let Some(p) = &self.previous else {
            return "这是本地区的第一次交办会议，没有上次会议交办的事项。".to_owned();
        };
        let t = &self.total;
        let withdrawn = if t.withdrawn > 0 { format!("，撤销{}项", t.withdrawn) } else { String::new() };
        let overdue = if t.open > 0 { format!("（其中已超期{}项）", t.overdue) } else { String::new() };
        format!(
            "{}（{}）交办事项{}项：按期完成{}项，逾期完成{}项，未完成{}项{overdue}{withdrawn}。",
            p.title, p.held_on, t.assigned, t.on_time, t.late, t.open
        )
    }

    /// The sheet as a document for the Word and Excel writers.
    pub fn document(&self, generated_at: Timestamp) -> Document {
        let m = &self.meeting;
        let mut tables = Vec::new();
        if self.previous.is_some() {
            tables.push(unit_table("一、分单位完成情况".to_owned(), &self.units, &self.total, None));
            let rows = self
                .open
                .iter()
                .map(|o| [&o.number, &o.unit, &o.content, &o.reason].map(|t| Cell::Text(t.to_string())).to_vec())
                .collect();
            tables.push(Table {
                section: Section::OpenTasks,
                title: "二、未完成事项及原因".to_owned(),
                sheet: "未完成事项",
                headers: ["编号", "牵头单位", "交办事项", "原因"].map(str::to_owned).to_vec(),
                rows,
                empty: "上次会议交办事项均已完成。",
                note: None,
            });
        }
        Document {
            title: "上周交办事项完成情况".to_owned(),
            subject: "周交办会议通报",
            meta: vec![("会议", m.title.clone()), ("日期", m.held_on.to_string()), ("主持", m.chair.clone())],
            prose: vec![self.summary()],
            tables,
            notes: Vec::new(),
            generated_at,
        }
    }
}
