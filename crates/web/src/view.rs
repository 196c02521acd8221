//! How the loop's facts read on a page: times in Beijing time, deadlines in working days ("剩余2个工作日",
//! "已超期3个工作日"), lights, and the rows of appeal lists.

use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use zhuqi_domain::time::china;
use zhuqi_domain::{ActionKind, Appeal, Kind, Light, Milestone, Status, WorkingCalendar};
use zhuqi_store::{AppealSummary, StoreError};

/// "2026-11-21 09:30", Beijing time.
pub fn local(at: Timestamp) -> String {
    at.to_zoned(china()).strftime("%Y-%m-%d %H:%M").to_string()
}

/// "2026-11-21", the Beijing date.
pub fn local_day(at: Timestamp) -> String {
    at.to_zoned(china()).date().to_string()
}

/// "剩余2个工作日" / "今日到期" / "已超期3个工作日" for a due date not yet met.
pub fn remaining(cal: &WorkingCalendar, today: Date, due: Date) -> String {
    if today > due {
        // Past a due date that fell before a weekend or holiday: late, though no working day has passed yet.
        match cal.working_days_between(due, today) {
            0 => "已超期".to_owned(),
            late => format!("已超期{late}个工作日"),
        }
    } else if today == due {
        "今日到期".to_owned()
    } else {
        format!("剩余{}个工作日", cal.working_days_between(today, due))
    }
}

/// The watched milestone's due date and how it stands, e.g. ("2026-11-24", "办结剩余2个工作日").
pub fn watched(state: &Appeal, cal: &WorkingCalendar, today: Date) -> (String, String) {
    let (Some(milestone), Some(deadlines)) = (state.watched_milestone(), state.deadlines(cal, today)) else {
        return (String::new(), String::new());
    };
    let due = deadlines.of(milestone);
    let text = if state.status == Status::Waiting {
        "暂停计时（待补充材料）".to_owned()
    } else {
        format!("{}{}", milestone.label(), remaining(cal, today, due))
    };
    (due.to_string(), text)
}

/// One line of an item's deadline table.
pub struct DueLine {
    pub label: &'static str,
    pub due: String,
    /// "已完成（按期）", "剩余2个工作日", …
    pub state: String,
    /// CSS class: due-overdue, due-warning or empty.
    pub class: &'static str,
}

/// The four milestones of the current cycle (13710), each with its due date and how it stands.
pub fn due_lines(state: &Appeal, cal: &WorkingCalendar, today: Date) -> Vec<DueLine> {
    let (Some(clock), Some(deadlines)) = (state.clock.as_ref(), state.deadlines(cal, today)) else { return Vec::new() };
    let milestones = [Milestone::Acknowledge, Milestone::Reply, Milestone::Resolve, Milestone::Feedback];
    milestones
        .into_iter()
        // A kind without feedback (a task the office judges at its meeting) has no fourth line.
        .filter(|m| *m != Milestone::Feedback || state.kind.awaits_feedback())
        .map(|m| {
            let due = deadlines.of(m);
            let met = match m {
                Milestone::Acknowledge => clock.acknowledged_at,
                Milestone::Reply => clock.replied_at,
                Milestone::Resolve => clock.answered_at,
                Milestone::Feedback => state.closed_at,
            };
            let (text, class) = match met {
                Some(at) => {
                    let late = local_date(at) > due;
                    (format!("{} 完成{}", local_day(at), if late { "（超期）" } else { "（按期）" }), "")
                }
                None if state.status.is_terminal() => ("—".to_owned(), ""),
                None if state.status == Status::Waiting => ("暂停计时".to_owned(), ""),
                None => {
                    let light = clock.light(cal, today, m);
                    (remaining(cal, today, due), light_class(light))
                }
            };
            DueLine { label: m.label(), due: due.to_string(), state: text, class }
        })
        .collect()
}

fn local_date(at: Timestamp) -> Date {
    zhuqi_domain::time::local_date(at)
}

fn light_class(light: Light) -> &'static str {
    match light {
        Light::Overdue => "due-overdue",
        Light::Warning => "due-warning",
        Light::Normal => "",
    }
}

/// A row of an appeal table.
pub struct Row {
    pub id: i64,
    pub number: String,
    pub enterprise: String,
    pub title: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub unit: String,
    pub light: &'static str,
    pub light_label: &'static str,
    pub due: String,
    pub remaining: String,
    pub registered: String,
    /// Sent back by a unit (退回) at least once: the triage queue shows it again.
    pub returned: bool,
    /// The enterprise supplied material and the unit has not acted since.
    pub supplied: bool,
    /// The unit's extension request awaits the dispatcher.
    pub extension_pending: bool,
}

/// A row of a list: an ID number typed into the title is masked (SPEC §9; the appeal's own page shows it whole to
/// those who may open it).
pub fn row(s: &AppealSummary, cal: &WorkingCalendar, today: Date) -> Row {
    let light = s.state.light(cal, today);
    let (due, remaining) = watched(&s.state, cal, today);
    Row {
        id: s.id,
        number: s.number.clone(),
        enterprise: s.enterprise_name.clone(),
        title: zhuqi_domain::mask_id_numbers(&s.title).into_owned(),
        status: s.state.status.as_str(),
        status_label: s.state.status.label(),
        unit: s.unit_name.clone().unwrap_or_default(),
        light: light.map_or("none", Light::as_str),
        light_label: light.map_or("", Light::label),
        due,
        remaining,
        registered: local_day(s.state.created_at),
        returned: s.state.return_count > 0,
        supplied: s.state.material_supplied_at.is_some(),
        extension_pending: s.state.pending_extension.is_some(),
    }
}

/// How urgent an open item is, most urgent first: red, then yellow, then green, then items without a clock; within
/// a light, the earliest due date.
pub fn urgency(s: &AppealSummary, cal: &WorkingCalendar, today: Date) -> (u8, Option<Date>, Timestamp) {
    let rank = match s.state.light(cal, today) {
        Some(Light::Overdue) => 0,
        Some(Light::Warning) => 1,
        Some(Light::Normal) => 2,
        None => 3,
    };
    let due = s.state.watched_milestone().zip(s.state.deadlines(cal, today)).map(|(m, d)| d.of(m));
    (rank, due, s.state.created_at)
}

/// Who took a step, as a timeline names them: "姓名（角色）", or 系统 for the program. Names read once per page
/// (`names` keeps them).
pub async fn actor_name(
    store: &zhuqi_store::Store,
    names: &mut std::collections::HashMap<i64, String>,
    actor: &zhuqi_domain::Actor,
) -> String {
    let Some(id) = actor.user_id else { return "系统".to_owned() };
    let name = match names.get(&id) {
        Some(n) => n.clone(),
        None => {
            let n = store.user(id).await.map_or_else(|_| format!("用户{id}"), |u| u.display_name);
            names.insert(id, n.clone());
            n
        }
    };
    format!("{name}（{}）", actor.role.label())
}

/// A step the store refused for what the page can show (a conflict, an illegal step, a bad value): the message
/// printed at the step's form, and the status (409 for a conflict, 422 otherwise). `None` for anything else, which
/// is an error page.
pub fn refused_step(kind: Kind, step: ActionKind, e: &StoreError) -> Option<(String, StatusCode)> {
    let status = match e {
        StoreError::Conflict { .. } => StatusCode::CONFLICT,
        StoreError::Transition(_) | StoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => return None,
    };
    Some((format!("未能{}：{}", kind.step_label(step), super::page::chinese(&e.to_string())), status))
}

/// "已接收。": what a work item's page says after the step its `done` parameter names (the redirect of a step).
pub fn done_flash(kind: Kind, done: Option<&str>) -> Option<String> {
    done.and_then(ActionKind::parse).map(|k| format!("已{}。", kind.step_label(k)))
}
