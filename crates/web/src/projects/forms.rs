//! The project form (SPEC §7, 五个一): `/projects/new` enters a project in the ledger with its first stage,
//! `/projects/{id}/edit` changes its fields. Every field is checked here and a wrong one is named next to it, with
//! what was typed kept; an edit carries the version it was made on, and one made on a stale page shows the project
//! as it is now.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhuqi_domain::project::Stage;
use zhuqi_domain::{Fen, RegionCode};
use zhuqi_store::{NewProject, ProjectEdit, ProjectRecord, RegionRecord, Store, StoreError, UnitRecord};

use super::{date_field, field, money, money_field, regions_in_scope, require_reader, writes_ledger};
use crate::csrf::Checked;
use crate::page::{Errors, PageResult, Shell, Viewer, chinese, render_with};

/// The form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ProjectInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    total: String,
    #[serde(default)]
    leader: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    whitelist: Option<String>,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    stage_on: String,
    #[serde(default)]
    version: String,
    /// A new project's idempotency key: posted twice, the form enters one project.
    #[serde(default)]
    idempotency_key: String,
}

impl ProjectInput {
    fn of(p: &ProjectRecord) -> ProjectInput {
        ProjectInput {
            name: p.name.clone(),
            code: p.code.clone(),
            region: p.region_code.clone(),
            industry: p.industry.clone(),
            owner: p.owner.clone(),
            unit_id: p.unit_id.map(|u| u.to_string()).unwrap_or_default(),
            total: money(p.total_investment),
            leader: p.leader.clone(),
            team: p.team.clone(),
            plan: p.plan.clone(),
            whitelist: p.whitelist.then(|| "1".to_owned()),
            stage: p.stage.as_str().to_owned(),
            stage_on: p.stage_on.to_string(),
            version: p.version.to_string(),
            idempotency_key: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "project_form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    /// `Some(id)` when editing.
    editing: Option<i64>,
    typed: ProjectInput,
    errors: Errors,
    regions: Vec<RegionRecord>,
    units: Vec<UnitRecord>,
    industries: Vec<String>,
    stages: [Stage; 9],
    notice: Option<String>,
}

impl FormPage {
    /// An industry a ledger import wrote that the list does not have: offered as it is.
    fn other_industry(&self) -> bool {
        let i = self.typed.industry.trim();
        !i.is_empty() && !self.industries.iter().any(|x| x == i)
    }
}

/// The units working in the viewer's region: its own, those below it, and those above it.
async fn units_near(store: &Store, v: &Viewer) -> Result<Vec<UnitRecord>, StoreError> {
    let Some(mine) = v.caller.user.region.clone() else { return Ok(Vec::new()) };
    Ok(store
        .units()
        .await?
        .into_iter()
        .filter(|u| RegionCode::parse(&u.region_code).is_ok_and(|c| mine.contains(&c) || c.contains(&mine)))
        .collect())
}

/// The fields every project has, checked.
struct Checked5 {
    name: String,
    region: RegionCode,
    industry: String,
    owner: String,
    unit_id: Option<i64>,
    total: Fen,
    leader: String,
    team: String,
    plan: String,
}

fn text(errors: &mut Errors, name: &'static str, v: &str, label: &str, max: usize, required: bool) -> String {
    let t = v.trim();
    if required && t.is_empty() {
        errors.add(name, format!("请填写{label}"));
    } else if t.chars().count() > max {
        errors.add(name, format!("{label}最多{max}字"));
    }
    t.to_owned()
}

fn check(i: &ProjectInput, regions: &[RegionRecord], units: &[UnitRecord], errors: &mut Errors) -> Option<Checked5> {
    let name = text(errors, "name", &i.name, "项目名称", 100, true);
    let region = match RegionCode::parse(i.region.trim()) {
        Ok(r) if regions.iter().any(|x| x.code == r.as_str()) => Some(r),
        _ => {
            errors.add("region", "请选择您职责范围内的县区");
            None
        }
    };
    let industry = text(errors, "industry", &i.industry, "产业", 20, true);
    let owner = text(errors, "owner", &i.owner, "业主单位", 100, true);
    let unit_id = match field(&i.unit_id) {
        None => None,
        Some(u) => match u.parse::<i64>().ok().filter(|id| units.iter().any(|x| x.id == *id)) {
            Some(id) => Some(id),
            None => {
                errors.add("unit_id", "请从列表中选择责任单位");
                None
            }
        },
    };
    let total = money_field(errors, "total", &i.total, "总投资");
    let leader = text(errors, "leader", &i.leader, "责任领导", 50, true);
    let team = text(errors, "team", &i.team, "工作专班", 200, false);
    let plan = text(errors, "plan", &i.plan, "推进方案", 5000, false);
    let (region, total) = (region?, total?);
    errors.is_empty().then_some(Checked5 { name, region, industry, owner, unit_id, total, leader, team, plan })
}

async fn form(
    store: &Store,
    v: &Viewer,
    editing: Option<(i64, &str)>,
    typed: ProjectInput,
    errors: Errors,
    notice: Option<String>,
    status: StatusCode,
) -> PageResult {
    let (heading, action, title) = match editing {
        Some((id, name)) => (format!("修改项目：{name}"), format!("/projects/{id}/edit"), "修改项目"),
        None => ("新增重点项目".to_owned(), "/projects/new".to_owned(), "新增项目"),
    };
    let page = FormPage {
        shell: v.shell(title, "/projects"),
        heading,
        action,
        editing: editing.map(|(id, _)| id),
        typed,
        errors,
        regions: regions_in_scope(store, v).await?,
        units: units_near(store, v).await?,
        industries: store.industries().await?,
        stages: Stage::ALL,
        notice,
    };
    Ok(render_with(status, &page))
}

#[allow(clippy::result_large_err)]
fn require_writer(v: &Viewer) -> Result<(), axum::response::Response> {
    require_reader(v)?;
    if writes_ledger(v) { Ok(()) } else { v.require(&[zhuqi_domain::Role::Dispatcher]) }
}

pub async fn new_page(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = require_writer(&v) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let typed = ProjectInput {
        stage: Stage::Planning.as_str().to_owned(),
        stage_on: today.to_string(),
        region: v.caller.user.region.as_ref().map(|r| r.as_str().to_owned()).unwrap_or_default(),
        idempotency_key: crate::page::form_key(),
        ..ProjectInput::default()
    };
    form(&store, &v, None, typed, Errors::default(), None, StatusCode::OK).await
}

pub async fn create(State(store): State<Store>, v: Viewer, Checked(i): Checked<ProjectInput>) -> PageResult {
    if let Err(r) = require_writer(&v) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let regions = regions_in_scope(&store, &v).await?;
    let units = units_near(&store, &v).await?;
    let mut errors = Errors::default();
    let fields = check(&i, &regions, &units, &mut errors);
    let code = field(&i.code).map(str::to_owned);
    if code.as_ref().is_some_and(|c| c.chars().count() > 40 || c.chars().any(char::is_whitespace)) {
        errors.add("code", "项目编号最多40个字符，不含空格");
    }
    let stage = Stage::parse(&i.stage);
    if stage.is_none() {
        errors.add("stage", "请选择初始阶段");
    }
    let stage_on = date_field(&mut errors, "stage_on", &i.stage_on, true);
    if stage_on.is_some_and(|d| d > today) {
        errors.add("stage_on", "日期不能晚于今天");
    }
    let (Some(f), Some(stage), Some(stage_on), true) = (fields, stage, stage_on, errors.is_empty()) else {
        return form(&store, &v, None, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewProject {
        code,
        name: f.name,
        region_code: f.region,
        industry: f.industry,
        owner: f.owner,
        enterprise_id: None,
        unit_id: f.unit_id,
        total_investment: f.total,
        leader: f.leader,
        team: f.team,
        plan: f.plan,
        whitelist: i.whitelist.is_some(),
        stage,
        stage_on,
    };
    let key = zhuqi_store::IdempotencyKey::parse(&i.idempotency_key).ok();
    match store.create_project(&v.caller.user, &v.caller.source, new, today, key).await {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}?done=created", p.id)).into_response()),
        Err(StoreError::Duplicate(_)) => {
            let mut errors = Errors::default();
            errors.add("code", "该项目编号已存在");
            form(&store, &v, None, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::MissingReference(_) | StoreError::Forbidden(_))) => {
            let mut errors = Errors::default();
            errors.form = Some(chinese(&e.to_string()).to_owned());
            form(&store, &v, None, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_page(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    if let Err(r) = require_writer(&v) {
        return Ok(r);
    }
    let d = store.project_for(&v.caller.user, id).await?;
    let p = &d.project;
    form(&store, &v, Some((id, &p.name)), ProjectInput::of(p), Errors::default(), None, StatusCode::OK).await
}

pub async fn save(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(i): Checked<ProjectInput>,
) -> PageResult {
    if let Err(r) = require_writer(&v) {
        return Ok(r);
    }
    let current = store.project_for(&v.caller.user, id).await?.project;
    let regions = regions_in_scope(&store, &v).await?;
    let units = units_near(&store, &v).await?;
    let mut errors = Errors::default();
    let fields = check(&i, &regions, &units, &mut errors);
    let version = i.version.trim().parse::<i64>().ok();
    if version.is_none() {
        errors.form = Some("页面已过期，请刷新后重试".to_owned());
    }
    let (Some(f), Some(version), true) = (fields, version, errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return form(&store, &v, Some((id, &current.name)), i, errors, None, status).await;
    };
    let edit = ProjectEdit {
        name: f.name,
        region_code: f.region,
        industry: f.industry,
        owner: f.owner,
        enterprise_id: current.enterprise_id,
        unit_id: f.unit_id,
        total_investment: f.total,
        leader: f.leader,
        team: f.team,
        plan: f.plan,
        whitelist: i.whitelist.is_some(),
        version,
    };
    let stale = |latest: ProjectRecord| {
        let notice = format!(
            "该项目已被他人修改（当前第{}版，您编辑的是第{version}版）。页面已更新为最新内容，请核对后重新修改并保存。",
            latest.version
        );
        (ProjectInput::of(&latest), notice, latest)
    };
    match store.edit_project(&v.caller.user, &v.caller.source, id, edit).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?done=edited")).into_response()),
        Err(StoreError::Conflict { .. } | StoreError::Stale(_)) => {
            let (typed, notice, latest) = stale(store.project_for(&v.caller.user, id).await?.project);
            let status = StatusCode::CONFLICT;
            form(&store, &v, Some((id, &latest.name)), typed, Errors::default(), Some(notice), status).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::MissingReference(_) | StoreError::Forbidden(_))) => {
            let latest = store.project_for(&v.caller.user, id).await?.project;
            if latest.version != version {
                let (typed, notice, latest) = stale(latest);
                let status = StatusCode::CONFLICT;
                return form(&store, &v, Some((id, &latest.name)), typed, Errors::default(), Some(notice), status)
                    .await;
            }
            let mut errors = Errors::default();
            errors.form = Some(chinese(&e.to_string()).to_owned());
            form(&store, &v, Some((id, &current.name)), i, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
