//! `/projects/{id}`: one project — its fields, the stage timeline of 九位一体 with the dates reached and the reasons of
//! any move back, the investment curve, the monthly reports, the plans per year, its batches and its open problems
//! (linked appeals with their lights) — and the forms of what the viewer may do to it: a stage change or a monthly
//! report (a dispatcher, or a handler of the responsible unit), a year's plan, a linked appeal, a batch (a
//! dispatcher). A refused form comes back with the message next to its field, what was typed kept, nothing changed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhuqi_domain::project::{BatchList, ProjectError, Stage, check_investment_report, check_stage_change};
use zhuqi_store::{AppealFilter, BatchRecord, NewInvestmentReport, ProjectDetail, Store, StoreError};

use super::charts::{Curve, investment_curve, month_index};
use super::{date_field, field, money, money_field, reports_on, require_reader, schedule, writes_ledger};
use crate::csrf::Checked;
use crate::page::{Done, Errors, PageResult, Shell, Viewer, chinese, render_with};
use crate::view::{Row, local, row};

/// What the forms of the page send; each form uses some of the fields.
#[derive(Debug, Default, Deserialize)]
pub struct ActInput {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    cumulative: String,
    #[serde(default)]
    override_reason: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    appeal_id: String,
    #[serde(default)]
    batch: String,
    #[serde(default)]
    list: String,
}

/// The forms of the page, by the last segment of their path.
const ACTIONS: [&str; 6] = ["stage", "investment", "plan", "appeal", "unlink", "batch"];

/// One of the nine stages on the timeline strip.
pub struct StageStep {
    pub label: &'static str,
    /// done, current or todo.
    pub class: &'static str,
    pub on: String,
}

pub struct ChangeLine {
    pub from: String,
    pub to: &'static str,
    pub on: String,
    pub back: bool,
    pub reason: String,
    pub by: String,
}

pub struct ReportLine {
    pub month: String,
    pub cumulative: String,
    pub ytd: String,
    pub reason: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    shell: Shell,
    d: ProjectDetail,
    facts: Vec<(&'static str, String)>,
    steps: Vec<StageStep>,
    changes: Vec<ChangeLine>,
    curve: String,
    reports: Vec<ReportLine>,
    plans: Vec<(i16, String)>,
    year: i16,
    year_text: String,
    year_line: Option<(String, String, String, String, &'static str)>,
    batches: Vec<(i64, String, &'static str)>,
    rows: Vec<Row>,
    may_report: bool,
    may_write: bool,
    all_batches: Vec<BatchRecord>,
    stages: [Stage; 9],
    lists: [BatchList; 3],
    flash: Option<String>,
    /// The form refused, its messages and what was typed.
    refused: Option<&'static str>,
    errors: Errors,
    typed: ActInput,
    today: String,
    this_month: String,
}

impl ProjectPage {
    fn err(&self, form: &str, name: &str) -> Option<&str> {
        (self.refused == Some(form)).then(|| self.errors.get(name)).flatten()
    }

    fn form_error(&self, form: &str) -> Option<&str> {
        (self.refused == Some(form)).then_some(self.errors.form.as_deref()).flatten()
    }

    /// What was typed into `name` of `form`, if that form was refused; else `default`.
    fn val<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        if self.refused != Some(form) {
            return default;
        }
        let t = &self.typed;
        match name {
            "stage" => &t.stage,
            "on" => &t.on,
            "reason" => &t.reason,
            "month" => &t.month,
            "cumulative" => &t.cumulative,
            "override_reason" => &t.override_reason,
            "year" => &t.year,
            "amount" => &t.amount,
            "number" => &t.number,
            "batch" => &t.batch,
            "list" => &t.list,
            _ => "",
        }
    }

    fn open(&self, form: &str) -> bool {
        self.refused == Some(form)
    }
}

fn flash_of(done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => "项目已录入台账。",
        "edited" => "项目信息已保存。",
        "stage" => "阶段变更已登记。",
        "investment" => "月度投资已填报。",
        "plan" => "年度计划已保存。",
        "appeal" => "诉求已关联到本项目。",
        "unlink" => "已取消关联。",
        "batch" => "三个一批名单已更新。",
        _ => return None,
    })
}

pub async fn show(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let detail = store.project_for(&v.caller.user, id).await?;
    let flash = d.done.as_deref().and_then(flash_of).map(str::to_owned);
    page(&store, &v, detail, flash, None, Errors::default(), ActInput::default(), StatusCode::OK).await
}

/// The cumulative completed at the end of the last year before `year` (what this year's completion counts from).
fn base_before(d: &ProjectDetail, year: i16) -> i64 {
    d.reports
        .iter()
        .rfind(|r| month_index(&r.month).is_some_and(|i| i < i64::from(year) * 12))
        .map_or(0, |r| r.cumulative.fen())
}

#[allow(clippy::too_many_arguments)]
async fn page(
    store: &Store,
    v: &Viewer,
    d: ProjectDetail,
    flash: Option<String>,
    refused: Option<&'static str>,
    errors: Errors,
    typed: ActInput,
    status: StatusCode,
) -> PageResult {
    let p = &v.caller.user;
    let (cal, today) = (store.calendar(), zhuqi_domain::time::today());
    let project = &d.project;
    let appeals = store.project_appeals(p, project.id).await?;
    let may_write = writes_ledger(v);
    let all_batches = if may_write { store.batches(p).await? } else { Vec::new() };
    let year = today.year();

    let facts = vec![
        ("项目编号", project.code.clone()),
        ("所属县区", project.region_name.clone()),
        ("产业", project.industry.clone()),
        ("业主单位", project.owner.clone()),
        ("责任单位", project.unit_name.clone().unwrap_or_else(|| "（未指定）".to_owned())),
        ("总投资", money(project.total_investment)),
        ("责任领导", project.leader.clone()),
        ("工作专班", project.team.clone()),
        ("白名单", if project.whitelist { "是（四保项目）" } else { "否" }.to_owned()),
        ("建设阶段", format!("{}（{}起）", project.stage.label(), project.stage_on)),
    ];
    let steps = Stage::ALL
        .iter()
        .map(|s| {
            let on = d.stages.iter().rev().find(|c| c.to == *s).map(|c| c.on.to_string()).unwrap_or_default();
            let class = if *s == project.stage {
                "current"
            } else if *s < project.stage {
                "done"
            } else {
                "todo"
            };
            StageStep { label: s.label(), class, on }
        })
        .collect();
    let changes = d
        .stages
        .iter()
        .rev()
        .map(|c| ChangeLine {
            from: c.from.map_or_else(|| "（录入）".to_owned(), |f| f.label().to_owned()),
            to: c.to.label(),
            on: c.on.to_string(),
            back: c.from.is_some_and(|f| c.to < f),
            reason: c.reason.clone().unwrap_or_default(),
            by: c.recorded_by.clone(),
        })
        .collect();
    let planned = d.plans.iter().find(|(y, _)| *y == year).map(|(_, f)| *f);
    let base = base_before(&d, year);
    let points: Vec<(String, i64)> = d.reports.iter().map(|r| (r.month.clone(), r.cumulative.fen())).collect();
    let curve = investment_curve(&Curve {
        reports: &points,
        total: project.total_investment.fen(),
        year,
        plan: planned.map(|f| (base, f.fen())),
    });
    // This year's completion against the plan and the schedule, as of today.
    let year_line = planned.map(|plan| {
        let done = d
            .reports
            .iter()
            .rfind(|r| month_index(&r.month).is_some_and(|i| i / 12 == i64::from(year)))
            .map_or(0, |r| r.cumulative.fen() - base)
            .max(0);
        let progress = zhuqi_domain::project::PlanProgress::new(done, plan.fen());
        let (text, class) = schedule(progress.ahead_pp(today));
        (money(plan), super::money_of(done), progress.completion().percent(), text, class)
    });
    let reports = d
        .reports
        .iter()
        .rev()
        .map(|r| ReportLine {
            month: r.month.clone(),
            cumulative: money(r.cumulative),
            ytd: money(r.year_to_date),
            reason: r.override_reason.clone().unwrap_or_default(),
            by: r.reported_by.clone(),
            at: local(r.reported_at),
        })
        .collect();
    let plans = d.plans.iter().rev().map(|(y, f)| (*y, money(*f))).collect();
    let batches = d.batches.iter().map(|(b, l)| (b.id, b.name.clone(), l.label())).collect();
    let rows = appeals.iter().map(|s| row(s, &cal, today)).collect();
    let page = ProjectPage {
        shell: v.shell(project.name.clone(), "/projects"),
        may_report: reports_on(v, project),
        facts,
        steps,
        changes,
        curve,
        reports,
        plans,
        year,
        year_text: year.to_string(),
        year_line,
        batches,
        rows,
        may_write,
        all_batches,
        stages: Stage::ALL,
        lists: BatchList::ALL,
        flash,
        refused,
        errors,
        typed,
        today: today.to_string(),
        this_month: format!("{}-{:02}", today.year(), today.month()),
        d,
    };
    Ok(render_with(status, &page))
}

/// `2026-10` → (2026, 10).
fn parse_month(s: &str) -> Option<(i16, i8)> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    let (y, m): (i16, i8) = (y.parse().ok()?, m.parse().ok()?);
    ((2000..=2100).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

/// The message of a rule of `zhuqi_domain::project`, next to the field it concerns.
fn place(errors: &mut Errors, e: &ProjectError) {
    let message = chinese(&e.to_string()).to_owned();
    let name = match e {
        ProjectError::SameStage(_) => "stage",
        ProjectError::BackwardsWithoutReason { .. } => "reason",
        ProjectError::BeforeLastChange { .. } | ProjectError::InFuture(_) => "on",
        ProjectError::AboveTotal { .. } | ProjectError::BelowPrevious { .. } => "override_reason",
        ProjectError::MonthNotBegun(_) => "month",
    };
    errors.add(name, message);
}

pub async fn act(
    State(store): State<Store>,
    v: Viewer,
    Path((id, action)): Path<(i64, String)>,
    Checked(i): Checked<ActInput>,
) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let Some(form) = ACTIONS.iter().copied().find(|a| *a == action) else {
        return Ok(crate::page::error_page(StatusCode::NOT_FOUND, "未找到", "没有这个页面。"));
    };
    let p = &v.caller.user;
    let d = store.project_for(p, id).await?;
    let allowed = match form {
        "stage" | "investment" => reports_on(&v, &d.project),
        _ => writes_ledger(&v),
    };
    if !allowed {
        return Ok(crate::page::error_page(
            StatusCode::FORBIDDEN,
            "无权访问",
            if matches!(form, "stage" | "investment") {
                "仅限本地区指挥部或项目责任单位填报。"
            } else {
                "仅限指挥部（项目专班）操作。"
            },
        ));
    }
    let today = zhuqi_domain::time::today();
    let (src, mut errors) = (&v.caller.source, Errors::default());
    let result: Result<(), StoreError> = match form {
        "stage" => {
            let to = Stage::parse(&i.stage);
            if to.is_none() {
                errors.add("stage", "请选择变更后的阶段");
            }
            let on = date_field(&mut errors, "on", &i.on, true);
            let reason = field(&i.reason).map(str::to_owned);
            if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
                errors.add("reason", "原因最多500字");
            }
            if let (Some(to), Some(on), true) = (to, on, errors.is_empty()) {
                let last = Some(d.project.stage_on);
                if let Err(e) = check_stage_change(d.project.stage, to, on, last, today, reason.as_deref()) {
                    place(&mut errors, &e);
                }
                if errors.is_empty() {
                    store.change_stage(p, src, id, to, on, reason, today).await.map(|_| ())
                } else {
                    Ok(())
                }
            } else {
                Ok(())
            }
        }
        "investment" => {
            let month = parse_month(&i.month);
            if month.is_none() {
                errors.add("month", "月份格式应为 2026-10");
            }
            if month.is_some_and(|(y, m)| (y, m) > (today.year(), today.month())) {
                errors.add("month", "该月尚未到来，不能填报");
            }
            let cumulative = money_field(&mut errors, "cumulative", &i.cumulative, "累计完成投资");
            let reason = field(&i.override_reason).map(str::to_owned);
            if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
                errors.add("override_reason", "原因最多500字");
            }
            if let (Some(month), Some(cumulative), true) = (month, cumulative, errors.is_empty()) {
                let at = i64::from(month.0) * 12 + i64::from(month.1) - 1;
                let previous =
                    d.reports.iter().rfind(|r| month_index(&r.month).is_some_and(|m| m < at)).map(|r| r.cumulative);
                let total = d.project.total_investment;
                if let Err(e) = check_investment_report(cumulative, total, previous, reason.as_deref()) {
                    place(&mut errors, &e);
                }
                if errors.is_empty() {
                    let report = NewInvestmentReport { month, cumulative, override_reason: reason };
                    store.report_investment(p, src, id, report, today).await.map(|_| ())
                } else {
                    Ok(())
                }
            } else {
                Ok(())
            }
        }
        "plan" => {
            let year = i.year.trim().parse::<i16>().ok().filter(|y| (2000..=2100).contains(y));
            if year.is_none() {
                errors.add("year", "年份应为四位数字，如 2026");
            }
            let amount = money_field(&mut errors, "amount", &i.amount, "年度计划投资");
            match (year, amount, errors.is_empty()) {
                (Some(y), Some(a), true) => store.set_plan(p, src, id, y, a).await,
                _ => Ok(()),
            }
        }
        "appeal" => match field(&i.number) {
            None => {
                errors.add("number", "请填写诉求编号，如 ZK-2026-000123");
                Ok(())
            }
            Some(number) => match find_appeal(&store, &v, number).await? {
                None => {
                    errors.add("number", "未找到该编号的诉求（或不在您的职责范围内）");
                    Ok(())
                }
                Some(appeal_id) => store.link_appeal(p, src, appeal_id, Some(id)).await,
            },
        },
        "unlink" => match i.appeal_id.trim().parse::<i64>() {
            Ok(appeal_id) => store.link_appeal(p, src, appeal_id, None).await,
            Err(_) => {
                errors.form = Some("诉求无效".to_owned());
                Ok(())
            }
        },
        _ => {
            let batch = i.batch.trim().parse::<i64>().ok();
            if batch.is_none() {
                errors.add("batch", "请选择批次");
            }
            let list = match field(&i.list) {
                None => None,
                Some(l) => {
                    let parsed = BatchList::parse(l);
                    if parsed.is_none() {
                        errors.add("list", "请选择签约、开工或投产名单");
                    }
                    parsed
                }
            };
            match (batch, errors.is_empty()) {
                (Some(b), true) => store.set_batch_list(p, src, b, id, list).await,
                _ => Ok(()),
            }
        }
    };
    match result {
        Ok(()) if errors.is_empty() => Ok(Redirect::to(&format!("/projects/{id}?done={form}")).into_response()),
        Ok(()) => page(&store, &v, d, None, Some(form), errors, i, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(
            e @ (StoreError::Invalid(_)
            | StoreError::MissingReference(_)
            | StoreError::Duplicate(_)
            | StoreError::Conflict { .. }
            | StoreError::Stale(_)
            | StoreError::Forbidden(_)),
        ) => {
            errors.form = Some(chinese(&e.to_string()).to_owned());
            let latest = store.project_for(p, id).await?;
            page(&store, &v, latest, None, Some(form), errors, i, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::NotFound(what)) if form != "stage" && form != "investment" => {
            errors.form = Some(format!("{what}不存在，或不在您的职责范围内"));
            page(&store, &v, d, None, Some(form), errors, i, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The appeal of this number that the viewer may see.
async fn find_appeal(store: &Store, v: &Viewer, number: &str) -> Result<Option<i64>, StoreError> {
    let number = number.trim().to_uppercase();
    if number.chars().count() > 40 {
        return Ok(None);
    }
    let filter = AppealFilter { text: Some(number.clone()), limit: 20, ..AppealFilter::default() };
    let page = store.list_appeals(&v.caller.user, filter, zhuqi_domain::time::today()).await?;
    Ok(page.items.iter().find(|s| s.number.eq_ignore_ascii_case(&number)).map(|s| s.id))
}
