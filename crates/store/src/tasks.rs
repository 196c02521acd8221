//! 重点工作周交办 (SPEC §3, issue 15): the government office (政府办) records its weekly meetings and the tasks each
//! hands out; units take them through the same loop as appeals (`engine.rs`): sign for, report progress, report done,
//! ask for more time; the office judges each 完成 or 未完成 at a later meeting. A task has no enterprise and no rating.
//!
//! Scope (SPEC §5): the office and leaders see the meetings and tasks of their region and below; a unit sees the tasks
//! it leads or co-handles and acts only on those it leads.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use zhuqi_domain::time::{from_micros, local_date, stored_precision, to_micros};
use zhuqi_domain::{
    Action, ActionKind, Actor, Appeal, AppealNumber, DeadlinePolicy, Event, Level, RegionCode, RegionLevel, Role,
    Status,
};

use crate::audit;
use crate::db::{Row, Tx, Value, params};
use crate::engine::{Item, ItemTables, TASKS, load_item_events, parse_state, replay};
use crate::scope::{bind, check_units, first_acting_role, holds, in_region};
use crate::{IdempotencyKey, Principal, Result, Store, StoreError, Writer};

/// Task numbers: JB-2026-000012 (交办), counted per year like appeal numbers.
pub const TASK_PREFIX: &str = "JB";
/// The longest meeting title, chair, leader or area, in characters.
pub const MAX_MEETING_NAME: usize = 100;

/// A meeting as the office records it: 市政府2026年第10次重点工作周交办会议.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub region: RegionCode,
    pub title: String,
    pub held_on: Date,
    pub chair: String,
    pub attendees: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub id: i64,
    pub region_code: RegionCode,
    pub title: String,
    pub held_on: Date,
    pub chair: String,
    pub attendees: String,
    pub created_by: Option<i64>,
    pub created_at: Timestamp,
}

/// By when a task is due: a date the meeting gave, or a deadline policy (e.g. 13710).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskDue {
    On(Date),
    Policy(DeadlinePolicy),
}

/// One line of a meeting's task list (清单式交办).
#[derive(Debug, Clone)]
pub struct NewTask {
    pub meeting_id: i64,
    /// 经济运行, 项目建设, 营商环境优化, 民生重点事项, 安全稳定, …
    pub area: String,
    pub content: String,
    /// 牵头市领导
    pub leader: String,
    /// 预期成效
    pub expected: String,
    pub unit_id: i64,
    pub co_unit_ids: Vec<i64>,
    pub due: TaskDue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub id: i64,
    pub number: AppealNumber,
    /// The meeting that handed it out; none for a draft policy's task (政策推进清单).
    pub meeting_id: Option<i64>,
    pub region_code: RegionCode,
    pub content: String,
    pub leader: String,
    pub expected: String,
    pub due_on: Option<Date>,
    pub created_by: Option<i64>,
    pub state: Appeal,
    /// The draft policy this task is the drafting of.
    pub policy_id: Option<i64>,
}

/// Which tasks a list shows: by status (none: all), only those with an extension to decide, a page of them.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub statuses: Vec<Status>,
    pub pending_extension: bool,
    /// Only the tasks this unit leads (a unit's own desk, not what it co-handles).
    pub unit_id: Option<i64>,
    pub offset: usize,
    pub limit: usize,
}

/// A page of tasks and how many match in all.
#[derive(Debug, Clone)]
pub struct TaskPage {
    pub items: Vec<TaskRecord>,
    pub total: usize,
}

impl TaskRecord {
    /// Whether the task is still with its unit: signed for or not, not yet reported done.
    pub fn with_unit(&self) -> bool {
        matches!(self.state.status, Status::Assigned | Status::InProgress | Status::Reopened)
    }
}

/// A task as `Writer::hand_out` records it, from a meeting's list or from the 政策推进清单.
pub(crate) struct Handout<'a> {
    pub region: &'a RegionCode,
    pub meeting_id: Option<i64>,
    pub policy_id: Option<i64>,
    pub area: &'a str,
    pub content: &'a str,
    pub leader: &'a str,
    pub expected: &'a str,
    pub unit_id: i64,
    pub co_unit_ids: &'a [i64],
    pub policy: DeadlinePolicy,
    pub due_on: Option<Date>,
    /// The user who recorded it (the program may be the actor that hands it out).
    pub created_by: Option<i64>,
}

/// How a task of one meeting stood when the next met (上周交办事项完成情况).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Reported done by its resolve deadline (judged 完成, or awaiting judgement).
    OnTime,
    /// Reported done after it.
    Late,
    /// Still with the unit, and why, in the unit's last words or the state it is in.
    Open { reason: String },
    /// Withdrawn (撤销) by the office.
    Withdrawn,
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::OnTime => "按期完成",
            Outcome::Late => "逾期完成",
            Outcome::Open { .. } => "未完成",
            Outcome::Withdrawn => "已撤销",
        }
    }
}

/// One task of the earlier meeting: as it is now, as it stood at the later meeting, and how it counts.
#[derive(Debug, Clone)]
pub struct ReportLine {
    pub task: TaskRecord,
    pub then: Appeal,
    pub outcome: Outcome,
}

/// A task handed out within a bulletin's period, as it stood at the as-of date.
#[derive(Debug, Clone)]
pub struct TaskStanding {
    pub task: TaskRecord,
    /// The lead unit then.
    pub unit_id: Option<i64>,
    pub outcome: Outcome,
    /// Not done, and past its resolve deadline at the as-of date (a task handed out days before is not yet due).
    pub overdue: bool,
}

/// The report a meeting opens with: the tasks of the meeting before it, as they stood at the end of its day.
#[derive(Debug, Clone)]
pub struct MeetingReport {
    pub previous: MeetingRecord,
    pub lines: Vec<ReportLine>,
}

/// How `then` (a task's state at the report's moment, after `events`) counts in the report.
fn outcome(then: &Appeal, events: &[Event], cal: &zhuqi_domain::WorkingCalendar) -> Outcome {
    use zhuqi_domain::Milestone;
    match then.status {
        Status::Withdrawn => Outcome::Withdrawn,
        Status::Answered | Status::Closed => {
            match then.clock.as_ref().and_then(|c| c.met_on_time(cal, Milestone::Resolve)) {
                Some(false) => Outcome::Late,
                _ => Outcome::OnTime,
            }
        }
        status => {
            let said = events.iter().rev().find_map(|e| match &e.action {
                Action::Reply { text } | Action::RequestExtension { reason: text, .. } => Some(text.clone()),
                Action::Reject { reason } => Some(format!("会议认定未完成：{reason}")),
                _ => None,
            });
            let reason = match (status, said) {
                (Status::Assigned, _) => "尚未签收".to_owned(),
                (_, Some(text)) => text,
                (_, None) => "办理中，尚未报告进展".to_owned(),
            };
            Outcome::Open { reason }
        }
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn invalid<T>(message: &str) -> Result<T> {
    Err(StoreError::Invalid(message.to_owned()))
}

/// A short name: not blank, at most `MAX_MEETING_NAME` characters.
fn name(value: &str, what: &str) -> Result<()> {
    match value.trim().chars().count() {
        0 => invalid(&format!("请填写{what}")),
        n if n > MAX_MEETING_NAME => invalid(&format!("{what}最多{MAX_MEETING_NAME}字")),
        _ => Ok(()),
    }
}

fn text(value: &str, what: &str) -> Result<()> {
    match value.trim().chars().count() {
        0 => invalid(&format!("请填写{what}")),
        n if n > zhuqi_domain::appeal::MAX_TEXT => invalid(&format!("{what}最多5000字")),
        _ => Ok(()),
    }
}

const MEETING_COLUMNS: &str = "id, region_code, title, held_on, chair, attendees, created_by, created_at";

fn meeting_from_row(row: &Row) -> Result<MeetingRecord> {
    let region = row.text(1)?;
    let held_on = row.text(3)?;
    Ok(MeetingRecord {
        id: row.int(0)?,
        region_code: RegionCode::parse(&region).map_err(|e| corrupt("meetings.region_code", e))?,
        title: row.text(2)?,
        held_on: held_on.parse().map_err(|e| corrupt("meetings.held_on", e))?,
        chair: row.text(4)?,
        attendees: row.text(5)?,
        created_by: row.opt_int(6)?,
        created_at: from_micros(row.int(7)?).ok_or_else(|| corrupt("meetings.created_at", "out of range"))?,
    })
}

pub(crate) const TASK_COLUMNS: &str = "t.id, t.number, t.meeting_id, t.region_code, t.content, t.leader, t.expected, t.due_on, t.created_by, t.state, \
     t.policy_id";

pub(crate) fn task_from_row(row: &Row) -> Result<TaskRecord> {
    let number = row.text(1)?;
    let region = row.text(3)?;
    Ok(TaskRecord {
        id: row.int(0)?,
        number: AppealNumber::parse(&number).map_err(|e| corrupt("tasks.number", e))?,
        meeting_id: row.opt_int(2)?,
        region_code: RegionCode::parse(&region).map_err(|e| corrupt("tasks.region_code", e))?,
        content: row.text(4)?,
        leader: row.text(5)?,
        expected: row.text(6)?,
        due_on: row.opt_text(7)?.map(|d| d.parse()).transpose().map_err(|e| corrupt("tasks.due_on", e))?,
        created_by: row.opt_int(8)?,
        state: parse_state(&row.text(9)?)?,
        policy_id: row.opt_int(10)?,
    })
}

pub(crate) fn load_task(tx: &mut Tx<'_>, id: i64) -> Result<TaskRecord> {
    let row = tx
        .query_opt(&format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.id = $1"), params![id])?
        .ok_or(StoreError::NotFound("交办事项"))?;
    task_from_row(&row)
}

fn load_meeting(tx: &mut Tx<'_>, id: i64) -> Result<MeetingRecord> {
    let row = tx
        .query_opt(&format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1"), params![id])?
        .ok_or(StoreError::NotFound("会议"))?;
    meeting_from_row(&row)
}

/// What one role of `p` may see of the tasks aliased `t`; `None` if the role sees none.
fn task_role_scope(p: &Principal, role: Role, values: &mut Vec<Value>) -> Option<String> {
    match role {
        Role::Office | Role::Leader => p.region.as_ref().map(|r| in_region("t.region_code", r, values)),
        Role::Handler => p.unit_id.map(|u| {
            let lead = bind(values, u);
            let co = bind(values, u);
            format!("(t.unit_id = {lead} OR t.id IN (SELECT task_id FROM task_co_units WHERE unit_id = {co}))")
        }),
        _ => None,
    }
}

/// What one role of `p` may act on: what it sees, except that a unit takes the steps only on the tasks it leads.
fn task_action_scope(p: &Principal, role: Role, values: &mut Vec<Value>) -> Option<String> {
    match role {
        Role::Handler => p.unit_id.map(|u| format!("t.unit_id = {}", bind(values, u))),
        _ => task_role_scope(p, role, values),
    }
}

fn task_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    let parts: Vec<String> = p.roles.iter().filter_map(|r| task_role_scope(p, *r, values)).collect();
    if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

/// The meetings `p` may see: the office's and the leaders' region; a unit sees the meetings that gave it a task.
fn meeting_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = p.region.as_ref().filter(|_| p.has(Role::Office) || p.has(Role::Leader)) {
        parts.push(in_region("m.region_code", r, values));
    }
    if let Some(c) = p.has(Role::Handler).then(|| task_role_scope(p, Role::Handler, values)).flatten() {
        parts.push(format!("m.id IN (SELECT t.meeting_id FROM tasks t WHERE {c})"));
    }
    if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

impl Writer<'_> {
    /// Records a meeting. No scope check: `Store::create_meeting_as` checks the office's region.
    pub fn create_meeting(
        &mut self,
        new: &NewMeeting,
        created_by: Option<i64>,
        at: Timestamp,
    ) -> Result<MeetingRecord> {
        name(&new.title, "会议名称")?;
        name(&new.chair, "主持人")?;
        if new.attendees.chars().count() > zhuqi_domain::appeal::MAX_TEXT {
            return invalid("参会人员最多5000字");
        }
        if self.tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![new.region.as_str()])?.is_none() {
            return Err(StoreError::NotFound("地区"));
        }
        if self
            .tx
            .query_opt(
                "SELECT 1 FROM meetings WHERE region_code = $1 AND title = $2",
                params![new.region.as_str(), new.title.trim()],
            )?
            .is_some()
        {
            return invalid(&format!("会议「{}」已存在", new.title.trim()));
        }
        let at = stored_precision(at);
        let id = self
            .tx
            .query_one(
                "INSERT INTO meetings (region_code, title, held_on, chair, attendees, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                params![
                    new.region.as_str(),
                    new.title.trim(),
                    new.held_on.to_string(),
                    new.chair.trim(),
                    new.attendees.trim(),
                    created_by,
                    to_micros(at)
                ],
            )?
            .int(0)?;
        let after =
            serde_json::json!({"title": new.title.trim(), "held_on": new.held_on, "region": new.region.as_str()});
        self.audit("meeting.create", format!("meeting:{id}"), None, audit::json(&after));
        load_meeting(&mut self.tx, id)
    }

    /// Records a task of a meeting, handed to its lead unit at once: its history is 登记 then 交办 by `actor`. No
    /// scope check (`Store::create_task_as` checks it); the meeting, the units and the due date are checked here.
    pub fn create_task(&mut self, new: &NewTask, actor: Actor, at: Timestamp) -> Result<TaskRecord> {
        name(&new.area, "工作领域")?;
        name(&new.leader, "牵头领导")?;
        text(&new.content, "交办事项内容")?;
        if new.expected.chars().count() > zhuqi_domain::appeal::MAX_TEXT {
            return invalid("预期成效最多5000字");
        }
        let meeting = load_meeting(&mut self.tx, new.meeting_id)?;
        check_units(&mut self.tx, new.unit_id, &new.co_unit_ids)?;
        let assigned_on = local_date(stored_precision(at));
        let (policy, due_on) = match &new.due {
            TaskDue::Policy(policy) => (policy.clone(), None),
            TaskDue::On(due) if *due < meeting.held_on => {
                return invalid(&format!("完成时限 {due} 早于会议日期 {}", meeting.held_on));
            }
            TaskDue::On(due) => (
                DeadlinePolicy::until(&self.cal, assigned_on, *due).map_err(|e| StoreError::Invalid(e.into()))?,
                Some(*due),
            ),
        };
        self.hand_out(
            &Handout {
                region: &meeting.region_code,
                meeting_id: Some(meeting.id),
                policy_id: None,
                area: new.area.trim(),
                content: new.content.trim(),
                leader: new.leader.trim(),
                expected: new.expected.trim(),
                unit_id: new.unit_id,
                co_unit_ids: &new.co_unit_ids,
                policy,
                due_on,
                created_by: actor.user_id,
            },
            actor,
            at,
        )
    }

    /// Records a task handed to its lead unit at once: its history is 登记 then 交办 by `actor`, at the level of
    /// the region that hands it out (a county's office, county tasks). The caller checked its fields.
    pub(crate) fn hand_out(&mut self, h: &Handout<'_>, actor: Actor, at: Timestamp) -> Result<TaskRecord> {
        let at = stored_precision(at);
        let area = h.area.to_owned();
        let history = [
            Event { seq: 1, at, actor, action: Action::Create { category: area.clone(), draft: false } },
            Event {
                seq: 2,
                at,
                actor,
                action: Action::Assign {
                    unit_id: h.unit_id,
                    co_unit_ids: h.co_unit_ids.to_vec(),
                    level: match h.region.level() {
                        RegionLevel::County => Level::County,
                        RegionLevel::City => Level::City,
                        RegionLevel::Province => Level::Province,
                    },
                    category: area,
                    policy: h.policy.clone(),
                },
            },
        ];
        let state = replay(&TASKS, &history)?;
        let number = self.next_number(TASK_PREFIX, local_date(at).year())?;
        let own = [
            ("number", number.to_string().into()),
            ("meeting_id", h.meeting_id.into()),
            ("policy_id", h.policy_id.into()),
            ("region_code", h.region.as_str().into()),
            ("content", h.content.into()),
            ("leader", h.leader.into()),
            ("expected", h.expected.into()),
            ("due_on", h.due_on.map(|d| d.to_string()).into()),
            ("created_by", h.created_by.into()),
        ];
        let id = self.insert_item(&TASKS, &own, &history, &state)?;
        let after = serde_json::json!({"number": number.to_string(), "meeting_id": h.meeting_id,
            "policy_id": h.policy_id, "content": h.content, "unit_id": h.unit_id, "status": state.status});
        self.audit("task.create", format!("task:{id}"), None, audit::json(&after));
        load_task(&mut self.tx, id)
    }

    /// Takes `action` on a task as the caller last read it; refused with `Conflict` if it moved since.
    pub fn apply_task(
        &mut self,
        record: &TaskRecord,
        actor: Actor,
        action: Action,
        at: Timestamp,
    ) -> Result<TaskRecord> {
        let state = self.apply_item(&TASKS, record.id, &record.state, actor, action, at)?;
        Ok(TaskRecord { state, ..record.clone() })
    }
}

impl Store {
    /// Records a meeting for the office of `p`'s region (or a region below it). A repeated post with the same `key`
    /// gives the meeting the first one made.
    pub async fn create_meeting_as(
        &self,
        p: &Principal,
        source: &str,
        new: NewMeeting,
        at: Timestamp,
        key: Option<IdempotencyKey>,
    ) -> Result<MeetingRecord> {
        let region = p.region.clone().filter(|_| p.has(Role::Office));
        let Some(region) = region else {
            return Err(StoreError::Forbidden(
                "只有政府办可以登记交办会议 / only the government office records meetings".into(),
            ));
        };
        if !region.contains(&new.region) {
            return Err(StoreError::Forbidden("不能为本地区以外登记会议 / outside your region".into()));
        }
        let user = p.user_id;
        let create = move |w: &mut Writer<'_>| w.create_meeting(&new, Some(user), at).map(|m| m.id);
        self.create_once(p.origin(source), "meeting", key, create, load_meeting).await
    }

    /// Records a task of a meeting `p` may see, as the office; idempotent by `key` like a meeting.
    pub async fn create_task_as(
        &self,
        p: &Principal,
        source: &str,
        new: NewTask,
        at: Timestamp,
        key: Option<IdempotencyKey>,
    ) -> Result<TaskRecord> {
        if !p.has(Role::Office) {
            return Err(StoreError::Forbidden(
                "只有政府办可以交办事项 / only the government office hands out tasks".into(),
            ));
        }
        let q = p.clone();
        let create = move |w: &mut Writer<'_>| {
            if !holds(&mut w.tx, "meetings", "m", new.meeting_id, |v| Some(meeting_scope(&q, v)))? {
                return Err(StoreError::NotFound("会议"));
            }
            w.create_task(&new, Actor::user(q.user_id, Role::Office), at).map(|t| t.id)
        };
        self.create_once(p.origin(source), "task", key, create, load_task).await
    }

    pub async fn meeting_for(&self, p: &Principal, id: i64) -> Result<MeetingRecord> {
        let p = p.clone();
        self.read(move |tx| {
            if !holds(tx, "meetings", "m", id, |v| Some(meeting_scope(&p, v)))? {
                return Err(StoreError::NotFound("会议"));
            }
            load_meeting(tx, id)
        })
        .await
    }

    /// Every meeting with every task, for the command line's ledgers (`zhuqi import|export tasks`): a meeting with
    /// its tasks in the order they were handed out, the meetings in the order they were held. `region`, when given,
    /// keeps those within it.
    pub async fn ledger_meetings(&self, region: Option<RegionCode>) -> Result<Vec<(MeetingRecord, Vec<TaskRecord>)>> {
        self.read(move |tx| {
            let mut values = Vec::new();
            let within = |column: &str, values: &mut Vec<Value>| match &region {
                Some(r) => in_region(column, r, values),
                None => "1 = 1".to_owned(),
            };
            // Both conditions bind the same one value ($1), so both queries take `values`.
            let (within, tasks_within) =
                (within("m.region_code", &mut values), within("t.region_code", &mut Vec::new()));
            let meetings: Vec<MeetingRecord> = tx
                .query(
                    &format!("SELECT {MEETING_COLUMNS} FROM meetings m WHERE {within} ORDER BY held_on, id"),
                    &values,
                )?
                .iter()
                .map(meeting_from_row)
                .collect::<Result<_>>()?;
            let mut tasks: HashMap<i64, Vec<TaskRecord>> = HashMap::new();
            for row in tx
                .query(&format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE {tasks_within} ORDER BY t.id"), &values)?
                .iter()
            {
                let t = task_from_row(row)?;
                if let Some(meeting) = t.meeting_id {
                    tasks.entry(meeting).or_default().push(t);
                }
            }
            Ok(meetings
                .into_iter()
                .map(|m| {
                    let list = tasks.remove(&m.id).unwrap_or_default();
                    (m, list)
                })
                .collect())
        })
        .await
    }

    /// The meetings `p` may see, the latest first.
    pub async fn meetings_for(&self, p: &Principal) -> Result<Vec<MeetingRecord>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let scope = meeting_scope(&p, &mut values);
            tx.query(
                &format!("SELECT {MEETING_COLUMNS} FROM meetings m WHERE {scope} ORDER BY held_on DESC, id DESC"),
                &values,
            )?
            .iter()
            .map(meeting_from_row)
            .collect()
        })
        .await
    }

    /// The tasks of a meeting that `p` may see, in the order they were handed out.
    pub async fn meeting_tasks(&self, p: &Principal, meeting_id: i64) -> Result<Vec<TaskRecord>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let scope = task_scope(&p, &mut values);
            let meeting = bind(&mut values, meeting_id);
            tx.query(
                &format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.meeting_id = {meeting} AND {scope} ORDER BY t.id"),
                &values,
            )?
            .iter()
            .map(task_from_row)
            .collect()
        })
        .await
    }

    /// What meeting `meeting_id` opens with: the tasks `p` may see of the meeting before it (same region, the latest
    /// held earlier), each as it stood at the end of this meeting's day — so the office's judgements at the meeting
    /// count — and how it counts. `None` for a region's first meeting.
    pub async fn previous_meeting_report(&self, p: &Principal, meeting_id: i64) -> Result<Option<MeetingReport>> {
        let meeting = self.meeting_for(p, meeting_id).await?;
        let previous = self
            .read(move |tx| {
                tx.query_opt(
                    &format!(
                        "SELECT {MEETING_COLUMNS} FROM meetings WHERE region_code = $1 \
                         AND (held_on < $2 OR (held_on = $2 AND id < $3)) ORDER BY held_on DESC, id DESC LIMIT 1"
                    ),
                    params![meeting.region_code.as_str(), meeting.held_on.to_string(), meeting.id],
                )?
                .map(|r| meeting_from_row(&r))
                .transpose()
            })
            .await?;
        let Some(previous) = previous else { return Ok(None) };
        // A unit given no task at the meeting before does not see that meeting, nor a report of it.
        match self.meeting_for(p, previous.id).await {
            Err(StoreError::NotFound(_)) => return Ok(None),
            other => other?,
        };
        let cutoff = zhuqi_domain::time::start_of_day(meeting.held_on.tomorrow().map_err(|e| corrupt("date", e))?)
            .ok_or_else(|| corrupt("meetings.held_on", "out of range"))?;
        let cal = self.calendar();
        let mut lines = Vec::new();
        for task in self.meeting_tasks(p, previous.id).await? {
            let events: Vec<Event> =
                self.task_events_for(p, task.id).await?.into_iter().filter(|e| e.at < cutoff).collect();
            let Some(then) = Appeal::replay_as(zhuqi_domain::Kind::Task, &events)? else { continue };
            let outcome = outcome(&then, &events, &cal);
            lines.push(ReportLine { task, then, outcome });
        }
        Ok(Some(MeetingReport { previous, lines }))
    }

    /// The tasks `p` may see (within `within`, when given) handed out at meetings held from `first` to `as_of`, each
    /// as it stood at the end of `as_of` and how it counts there, as the meeting report counts: a bulletin's
    /// 周交办 part. In the order they were handed out.
    pub async fn task_standings(
        &self,
        p: &Principal,
        within: Option<RegionCode>,
        first: Date,
        as_of: Date,
    ) -> Result<Vec<TaskStanding>> {
        let p = p.clone();
        let cutoff = as_of.tomorrow().ok().and_then(zhuqi_domain::time::start_of_day);
        let cutoff = cutoff.ok_or_else(|| StoreError::Invalid(format!("日期 {as_of} 超出范围")))?;
        let cal = self.calendar();
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut scope = task_scope(&p, &mut values);
            if let Some(r) = &within {
                scope = format!("{scope} AND {}", in_region("t.region_code", r, &mut values));
            }
            let (from, to) = (bind(&mut values, first.to_string()), bind(&mut values, as_of.to_string()));
            let tasks: Vec<TaskRecord> = tx
                .query(
                    &format!(
                        "SELECT {TASK_COLUMNS} FROM tasks t JOIN meetings m ON m.id = t.meeting_id \
                         WHERE {scope} AND m.held_on >= {from} AND m.held_on <= {to} ORDER BY m.held_on, t.id"
                    ),
                    &values,
                )?
                .iter()
                .map(task_from_row)
                .collect::<Result<_>>()?;
            let mut out = Vec::with_capacity(tasks.len());
            for task in tasks {
                let events: Vec<Event> =
                    load_item_events(tx, &TASKS, task.id)?.into_iter().filter(|e| e.at < cutoff).collect();
                let Some(then) = Appeal::replay_as(zhuqi_domain::Kind::Task, &events)? else { continue };
                let outcome = outcome(&then, &events, &cal);
                let overdue = matches!(outcome, Outcome::Open { .. })
                    && then.deadlines(&cal, as_of).is_some_and(|d| d.resolve < as_of);
                out.push(TaskStanding { unit_id: then.unit_id, task, outcome, overdue });
            }
            Ok(out)
        })
        .await
    }

    /// The tasks `p` may see that `filter` picks, the most urgent first (the earliest resolve date), with the total.
    pub async fn tasks_for(&self, p: &Principal, filter: TaskFilter) -> Result<TaskPage> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut conditions = vec![task_scope(&p, &mut values)];
            if !filter.statuses.is_empty() {
                let list: Vec<String> = filter.statuses.iter().map(|s| bind(&mut values, s.as_str())).collect();
                conditions.push(format!("t.status IN ({})", list.join(", ")));
            }
            if filter.pending_extension {
                conditions.push("t.pending_extension IS NOT NULL".to_owned());
            }
            if let Some(unit) = filter.unit_id {
                conditions.push(format!("t.unit_id = {}", bind(&mut values, unit)));
            }
            let condition = conditions.join(" AND ");
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM tasks t WHERE {condition}"), &values)?.int(0)?;
            let limit = bind(&mut values, i64::try_from(filter.limit.max(1)).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(filter.offset).unwrap_or(i64::MAX));
            let items = tx
                .query(
                    &format!(
                        "SELECT {TASK_COLUMNS} FROM tasks t WHERE {condition} ORDER BY t.closed_at IS NOT NULL, \
                         COALESCE(t.resolve_due, '9999-12-31'), t.id LIMIT {limit} OFFSET {offset}"
                    ),
                    &values,
                )?
                .iter()
                .map(task_from_row)
                .collect::<Result<Vec<_>>>()?;
            Ok(TaskPage { items, total: usize::try_from(total).unwrap_or(0) })
        })
        .await
    }

    /// The task if `p` may see it; `NotFound` otherwise.
    pub async fn task_for(&self, p: &Principal, id: i64) -> Result<TaskRecord> {
        let p = p.clone();
        self.read(move |tx| visible_task(tx, &p, id)).await
    }

    pub async fn task_events_for(&self, p: &Principal, id: i64) -> Result<Vec<Event>> {
        self.item_events_for::<TaskRecord>(p, id).await
    }

    /// Takes one action on a task `p` saw at `expected_version` (see `act_on_item`). The units an assignment names
    /// must exist.
    pub async fn act_on_task(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        expected_version: u32,
        action: Action,
        at: Timestamp,
    ) -> Result<TaskRecord> {
        self.act_on_item(p, source, id, expected_version, action, at).await
    }
}

impl Item for TaskRecord {
    const TABLES: &'static ItemTables = &TASKS;

    fn state(&self) -> &Appeal {
        &self.state
    }

    fn visible(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<Self> {
        visible_task(tx, p, id)
    }

    fn acting_role(tx: &mut Tx<'_>, p: &Principal, id: i64, kind: ActionKind) -> Result<Role> {
        acting_role(tx, p, id, kind)
    }

    fn check(w: &mut Writer<'_>, action: &Action) -> Result<()> {
        match action {
            Action::Assign { unit_id, co_unit_ids, .. } => check_units(&mut w.tx, *unit_id, co_unit_ids),
            _ => Ok(()),
        }
    }

    fn apply(w: &mut Writer<'_>, record: &Self, actor: Actor, action: Action, at: Timestamp) -> Result<Self> {
        w.apply_task(record, actor, action, at)
    }
}

fn visible_task(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<TaskRecord> {
    if !holds(tx, "tasks", "t", id, |v| Some(task_scope(p, v)))? {
        return Err(StoreError::NotFound("交办事项"));
    }
    load_task(tx, id)
}

fn acting_role(tx: &mut Tx<'_>, p: &Principal, id: i64, kind: ActionKind) -> Result<Role> {
    let allowed = zhuqi_domain::Kind::Task.allowed_roles(kind);
    first_acting_role(tx, p, ("tasks", "t"), id, allowed, task_action_scope)?.ok_or_else(|| {
        StoreError::Forbidden(format!(
            "您的角色无权对该交办事项执行「{}」/ your roles may not {kind} this task",
            zhuqi_domain::Kind::Task.step_label(kind)
        ))
    })
}
