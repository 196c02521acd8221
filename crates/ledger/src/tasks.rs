//! The 交办清单 (issue 15): the task lists of the weekly meetings as a government office keeps them in Excel.
//!
//! `zhuqi import tasks FILE` hands out each row at its meeting, named by 会议名称 (the meeting is recorded in zhuqi
//! first, with its date and chair): 工作领域, 交办事项, 牵头市领导, 牵头单位, 配合单位 (several, 、 between them), 完成时限
//! (a date no earlier than the meeting, or a deadline rule by name such as 13710 or 复杂事项) and 预期成效. Every row
//! is checked before any is written, and all are written in one transaction or none. A task its meeting already has
//! (the same 交办事项) is refused, so that a file imported twice hands nothing out twice.
//!
//! `zhuqi export tasks` writes every task under the same headings, with its number and state, meeting by meeting.

use std::collections::HashMap;

use jiff::{Timestamp, ToSpan};
use zhuqi_domain::{Actor, Kind, Role};
use zhuqi_store::{MeetingRecord, NewTask, Store, TaskDue};

use super::catalog::Catalog;
use super::export::Out;
use super::headings::{Column, Layout, normalise};
use super::import::{Cells, ImportSummary, checked, write_all};
use super::sheet::SheetRow;
use super::values;

const MAX_SHORT: usize = 100;
const MAX_TEXT: usize = zhuqi_domain::appeal::MAX_TEXT;

/// How far ahead a 完成时限 may be: a meeting hands out this year's work, not the next decade's.
const LONGEST_YEARS: i16 = 5;

pub(super) async fn import(
    store: &Store,
    (data, layout, catalog): (&[SheetRow], &Layout, &Catalog),
    file: String,
    dry_run: bool,
    summary: &mut ImportSummary,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let ledger = store.ledger_meetings(None).await?;
    let meetings: HashMap<String, &MeetingRecord> = ledger.iter().map(|(m, _)| (normalise(&m.title), m)).collect();
    let mut handed_out: HashMap<(i64, String), usize> =
        ledger.iter().flat_map(|(m, tasks)| tasks.iter().map(|t| ((m.id, normalise(&t.content)), 0))).collect();
    let policies = store.deadline_policies().await?;
    let today = zhuqi_domain::time::today();
    let latest = today.checked_add(i32::from(LONGEST_YEARS).years())?;
    let mut errors = Vec::new();
    let mut ready = Vec::new();
    for row in data {
        let before = errors.len();
        let mut cells = Cells { row, layout, errors: &mut errors };
        let meeting = cells.required(Column::Meeting, MAX_SHORT).and_then(|t| match meetings.get(&normalise(&t)) {
            Some(m) => Some(*m),
            None => {
                cells.fail(
                    Column::Meeting,
                    "系统中没有这次会议，请先在「周交办会议」中录入会议 / no such meeting: record it first",
                );
                None
            }
        });
        let area = cells.required(Column::Area, MAX_SHORT);
        let content = cells.required(Column::TaskContent, MAX_TEXT);
        let leader = cells.required(Column::Leader, MAX_SHORT);
        let expected = cells.bounded(Column::Expected, MAX_TEXT).unwrap_or_default();
        let unit = cells.required(Column::Unit, MAX_SHORT).and_then(|t| match catalog.units.resolve(&t) {
            Ok(u) => Some(u.id),
            Err(reason) => {
                cells.fail(Column::Unit, reason);
                None
            }
        });
        let mut co_units = Vec::new();
        for name in cells.text(Column::CoUnits).map(|t| values::names(&t)).unwrap_or_default() {
            match catalog.units.resolve(&name) {
                Ok(u) if Some(u.id) == unit => {
                    cells.fail(Column::CoUnits, format!("「{name}」已是牵头单位 / the lead unit"))
                }
                Ok(u) if !co_units.contains(&u.id) => co_units.push(u.id),
                Ok(_) => {}
                Err(reason) => cells.fail(Column::CoUnits, reason),
            }
        }
        let due = match cells.cell(Column::Due).cloned() {
            None => {
                cells.fail(Column::Due, "不能为空：填写日期（如 2026-12-31）或时限规则（如 13710）/ required");
                None
            }
            Some(cell) => {
                let named = cell.text().and_then(|t| {
                    let t = normalise(&t);
                    policies.iter().find(|p| normalise(&p.name) == t || normalise(&p.code) == t).cloned()
                });
                match named {
                    Some(policy) => Some(TaskDue::Policy(policy)),
                    None => cells.parse(Column::Due, |c| values::date(c, latest).map(TaskDue::On)),
                }
            }
        };
        if let (Some(m), Some(TaskDue::On(d))) = (meeting, &due)
            && *d < m.held_on
        {
            cells.fail(Column::Due, format!("完成时限 {d} 早于会议日期 {} / due before the meeting", m.held_on));
        }
        if let (Some(m), Some(c)) = (meeting, &content) {
            match handed_out.get(&(m.id, normalise(c))) {
                Some(0) => cells.fail(Column::TaskContent, "该会议已交办此事项 / the meeting has this task already"),
                Some(first) => cells.fail(Column::TaskContent, format!("与第{first}行重复 / the same as row {first}")),
                None => {
                    handed_out.insert((m.id, normalise(c)), row.number);
                }
            }
        }
        if errors.len() != before {
            continue;
        }
        if let (Some(m), Some(area), Some(content), Some(leader), Some(unit_id), Some(due)) =
            (meeting, area, content, leader, unit, due)
        {
            let task =
                NewTask { meeting_id: m.id, area, content, leader, expected, unit_id, co_unit_ids: co_units, due };
            ready.push(task);
        }
    }
    if !checked(errors, (data.len(), layout), summary, started, dry_run)? {
        return Ok(());
    }
    // The office hands the list out; no one signed in, as with every ledger the command line imports.
    let office = Actor { user_id: None, role: Role::Office };
    let now = Timestamp::now();
    write_all(store, ("tasks", file), ready, summary, move |w, task| {
        w.create_task(task, office, now)?;
        Ok(())
    })
    .await
}

/// Every task, meeting by meeting, under the headings an import reads.
pub(super) async fn rows(
    store: &Store,
    region: Option<zhuqi_domain::RegionCode>,
    catalog: &Catalog,
) -> anyhow::Result<Vec<Vec<Out>>> {
    let names: HashMap<i64, &str> = catalog.units.all().map(|u| (u.id, u.name.as_str())).collect();
    let name = |id: &i64| names.get(id).map_or_else(|| id.to_string(), |n| (*n).to_owned());
    let mut out = Vec::new();
    for (m, tasks) in store.ledger_meetings(region).await? {
        for t in tasks {
            let s = &t.state;
            let due = match t.due_on {
                Some(d) => Out::Date(d),
                None => Out::opt(s.clock.as_ref().map(|c| c.policy.name.clone())),
            };
            out.push(vec![
                Out::Number((out.len() + 1) as f64),
                Out::text(t.number.to_string()),
                Out::text(m.title.clone()),
                Out::text(s.category.clone()),
                Out::text(t.content),
                Out::text(t.leader),
                Out::opt(s.unit_id.as_ref().map(name)),
                Out::text(s.co_unit_ids.iter().map(name).collect::<Vec<_>>().join("、")),
                due,
                Out::text(t.expected),
                Out::text(Kind::Task.status_label(s.status)),
            ]);
        }
    }
    Ok(out)
}
