//! Editing and retiring the reference data (issue 13): a region, a unit, a category or a deadline policy opens on a
//! page of its own with its fields and a 在用 box; the system administrator renames it, moves it, changes its days or
//! retires it (停用). Nothing is deleted: records that name it keep it. One template serves the four, field by field.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use zhuqi_domain::{DeadlinePolicy, RegionCode};
use zhuqi_store::{CategoryRecord, RegionRecord, Store, StoreError, UnitRecord};

use super::super::csrf::Checked;
use super::super::page::{PageResult, Shell, Viewer, chinese, error_page, render_with};
use super::CONFIG_ROLES;

/// How a field is typed.
pub enum Kind {
    Text { max: usize },
    Number { min: i64, max: i64 },
    Select(Vec<(String, String)>),
    Check,
}

pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    fn text(name: &'static str, label: &'static str, max: usize, value: impl Into<String>) -> Field {
        Field { name, label, kind: Kind::Text { max }, value: value.into(), error: None }
    }

    fn number(name: &'static str, label: &'static str, (min, max): (i64, i64), value: impl ToString) -> Field {
        Field { name, label, kind: Kind::Number { min, max }, value: value.to_string(), error: None }
    }

    fn active(value: bool) -> Field {
        let value = if value { "1" } else { "" };
        Field {
            name: "active",
            label: "在用（取消勾选即停用：已有记录保留，不再用于新记录）",
            kind: Kind::Check,
            value: value.into(),
            error: None,
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self.kind, Kind::Text { .. })
    }

    pub fn max(&self) -> usize {
        match self.kind {
            Kind::Text { max } => max,
            _ => 0,
        }
    }

    pub fn range(&self) -> (i64, i64) {
        match self.kind {
            Kind::Number { min, max } => (min, max),
            _ => (0, 0),
        }
    }

    pub fn options(&self) -> &[(String, String)] {
        match &self.kind {
            Kind::Select(o) => o,
            _ => &[],
        }
    }

    pub fn is_check(&self) -> bool {
        matches!(self.kind, Kind::Check)
    }

    pub fn is_number(&self) -> bool {
        matches!(self.kind, Kind::Number { .. })
    }

    pub fn is_select(&self) -> bool {
        matches!(self.kind, Kind::Select(_))
    }
}

#[derive(Template)]
#[template(path = "admin_edit.html")]
struct EditPage {
    shell: Shell,
    back: &'static str,
    back_label: &'static str,
    heading: String,
    note: &'static str,
    action: String,
    fields: Vec<Field>,
    form_error: Option<String>,
}

type Form = HashMap<String, String>;

fn typed<'a>(form: &'a Form, name: &str) -> &'a str {
    form.get(name).map_or("", |v| v.trim())
}

/// The fields as typed, for showing a refused form again.
fn refill(mut fields: Vec<Field>, form: &Form) -> Vec<Field> {
    for f in &mut fields {
        f.value = typed(form, f.name).to_owned();
    }
    fields
}

fn set_error(fields: &mut [Field], name: &str, message: impl Into<String>) {
    if let Some(f) = fields.iter_mut().find(|f| f.name == name) {
        f.error = Some(message.into());
    }
}

/// What the page of one kind of record needs.
struct Section {
    back: &'static str,
    back_label: &'static str,
    note: &'static str,
}

const REGION: Section = Section {
    back: "/admin/regions",
    back_label: "地区",
    note: "停用的地区不再出现在企业注册、新建单位等选项中；已有记录不受影响。有在用下级地区的须先停用下级。",
};
const UNIT: Section = Section {
    back: "/admin/units",
    back_label: "承办单位",
    note: "停用的单位不能再被交办新诉求；其在办事项照常办理，统计照常计入。",
};
const CATEGORY: Section = Section {
    back: "/admin/categories",
    back_label: "问题类型",
    note: "停用的类型不能再用于新诉求和交办；已有诉求保留原类型，统计照常计入。",
};
const POLICY: Section = Section {
    back: "/admin/policies",
    back_label: "时限规则",
    note: "修改时限只影响今后交办的诉求，已交办的诉求按交办时的时限计算。至少保留一条在用规则。",
};

/// One record's page: its section, its heading and where its form posts.
struct Target {
    section: &'static Section,
    heading: String,
    action: String,
}

impl Target {
    fn new(section: &'static Section, heading: String, key: impl std::fmt::Display) -> Target {
        Target { section, heading, action: format!("{}/{key}", section.back) }
    }

    fn render(&self, v: &Viewer, status: StatusCode, fields: Vec<Field>, error: Option<String>) -> PageResult {
        let page = EditPage {
            shell: v.shell(self.heading.clone(), self.section.back),
            back: self.section.back,
            back_label: self.section.back_label,
            heading: self.heading.clone(),
            note: self.section.note,
            action: self.action.clone(),
            fields,
            form_error: error,
        };
        Ok(render_with(status, &page))
    }

    fn show(&self, v: &Viewer, fields: Vec<Field>) -> PageResult {
        self.render(v, StatusCode::OK, fields, None)
    }

    fn refuse(&self, v: &Viewer, fields: Vec<Field>, error: Option<String>) -> PageResult {
        self.render(v, StatusCode::UNPROCESSABLE_ENTITY, fields, error)
    }

    /// Back to the list once saved; the form again, with the store's refusal where it belongs, otherwise.
    fn saved(&self, v: &Viewer, result: Result<(), StoreError>, mut fields: Vec<Field>) -> PageResult {
        match result {
            Ok(()) => Ok(Redirect::to(&format!("{}?done=saved", self.section.back)).into_response()),
            Err(e) => {
                let error = store_refusal(e, &mut fields)?;
                self.refuse(v, fields, error)
            }
        }
    }
}

fn not_found(what: &str) -> PageResult {
    Ok(error_page(StatusCode::NOT_FOUND, "未找到", &format!("没有这个{what}。")))
}

/// Where a store's refusal is shown: next to the name when it is about the name, above the form otherwise.
fn store_refusal(e: StoreError, fields: &mut [Field]) -> Result<Option<String>, StoreError> {
    match e {
        StoreError::Invalid(m) if m.contains("名") => {
            set_error(fields, "name", chinese(&m));
            Ok(None)
        }
        StoreError::Invalid(m) | StoreError::Duplicate(m) => Ok(Some(chinese(&m).to_owned())),
        other => Err(other),
    }
}

fn active_typed(form: &Form) -> bool {
    !typed(form, "active").is_empty()
}

// ------------------------------------------------------------------------------------------------ regions

fn region_fields(name: &str, active: bool) -> Vec<Field> {
    vec![Field::text("name", "地区名称", 50, name), Field::active(active)]
}

fn region_target(r: &RegionRecord) -> Target {
    Target::new(&REGION, format!("地区 {}（{}）", r.name, r.code), &r.code)
}

pub async fn region(State(store): State<Store>, v: Viewer, Path(code): Path<String>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let Some(r) = store.regions().await?.into_iter().find(|r| r.code == code) else { return not_found("地区") };
    region_target(&r).show(&v, region_fields(&r.name, r.active))
}

pub async fn save_region(
    State(store): State<Store>,
    v: Viewer,
    Path(code): Path<String>,
    Checked(form): Checked<Form>,
) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let (Ok(region), Some(r)) = (RegionCode::parse(&code), store.regions().await?.into_iter().find(|r| r.code == code))
    else {
        return not_found("地区");
    };
    let fields = refill(region_fields(&r.name, r.active), &form);
    let origin = v.caller.user.origin(&v.caller.source);
    let result = store.edit_region(origin, region, typed(&form, "name").to_owned(), active_typed(&form)).await;
    region_target(&r).saved(&v, result, fields)
}

// -------------------------------------------------------------------------------------------------- units

async fn unit_fields(store: &Store, name: &str, region: &str, active: bool) -> Result<Vec<Field>, StoreError> {
    let regions = store.regions().await?.into_iter().filter(|r| r.active || r.code == region);
    let options = regions.map(|r| (r.code.clone(), format!("{}（{}）", r.name, r.code))).collect();
    Ok(vec![
        Field::text("name", "单位名称", 100, name),
        Field {
            name: "region_code",
            label: "所属地区",
            kind: Kind::Select(options),
            value: region.into(),
            error: None,
        },
        Field::active(active),
    ])
}

fn unit_target(u: &UnitRecord) -> Target {
    Target::new(&UNIT, format!("单位 {}", u.name), u.id)
}

pub async fn unit(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let Some(u) = store.units().await?.into_iter().find(|u| u.id == id) else { return not_found("单位") };
    unit_target(&u).show(&v, unit_fields(&store, &u.name, &u.region_code, u.active).await?)
}

pub async fn save_unit(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<Form>,
) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let Some(u) = store.units().await?.into_iter().find(|u| u.id == id) else { return not_found("单位") };
    let target = unit_target(&u);
    let mut fields = refill(unit_fields(&store, &u.name, &u.region_code, u.active).await?, &form);
    let Ok(region) = RegionCode::parse(typed(&form, "region_code")) else {
        set_error(&mut fields, "region_code", "请选择所属地区");
        return target.refuse(&v, fields, None);
    };
    let origin = v.caller.user.origin(&v.caller.source);
    let result = store.edit_unit(origin, id, typed(&form, "name").to_owned(), region, active_typed(&form)).await;
    target.saved(&v, result, fields)
}

// --------------------------------------------------------------------------------------------- categories

async fn category_fields(store: &Store, c: &CategoryRecord) -> Result<Vec<Field>, StoreError> {
    let mut options = vec![(String::new(), "（无，作为一级类型）".to_owned())];
    let others = store.categories().await?.into_iter().filter(|p| p.code != c.code);
    options.extend(others.map(|p| (p.code.clone(), format!("{}（{}）", p.name, p.code))));
    Ok(vec![
        Field::text("name", "类型名称", 50, c.name.clone()),
        Field {
            name: "parent_code",
            label: "上级类型",
            kind: Kind::Select(options),
            value: c.parent_code.clone().unwrap_or_default(),
            error: None,
        },
        Field::number("position", "排序", (0, 9999), c.position),
        Field::active(c.active),
    ])
}

fn category_target(c: &CategoryRecord) -> Target {
    Target::new(&CATEGORY, format!("问题类型 {}（{}）", c.name, c.code), &c.code)
}

pub async fn category(State(store): State<Store>, v: Viewer, Path(code): Path<String>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let Some(c) = store.categories().await?.into_iter().find(|c| c.code == code) else {
        return not_found("问题类型");
    };
    category_target(&c).show(&v, category_fields(&store, &c).await?)
}

pub async fn save_category(
    State(store): State<Store>,
    v: Viewer,
    Path(code): Path<String>,
    Checked(form): Checked<Form>,
) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let Some(c) = store.categories().await?.into_iter().find(|c| c.code == code) else {
        return not_found("问题类型");
    };
    let target = category_target(&c);
    let mut fields = refill(category_fields(&store, &c).await?, &form);
    let Some(position) = typed(&form, "position").parse::<i64>().ok().filter(|n| (0..=9999).contains(n)) else {
        set_error(&mut fields, "position", "排序应为0到9999之间的整数");
        return target.refuse(&v, fields, None);
    };
    let edit = CategoryRecord {
        code: c.code.clone(),
        name: typed(&form, "name").to_owned(),
        parent_code: Some(typed(&form, "parent_code").to_owned()).filter(|p| !p.is_empty()),
        position,
        active: active_typed(&form),
    };
    let result = store.edit_category(v.caller.user.origin(&v.caller.source), edit).await;
    target.saved(&v, result, fields)
}

// ----------------------------------------------------------------------------------------------- policies

fn policy_fields(p: &DeadlinePolicy, active: bool) -> Vec<Field> {
    let days = (0, i64::from(super::org::MAX_DAYS));
    vec![
        Field::text("name", "规则名称", 50, p.name.clone()),
        Field::number("acknowledge", "签收（工作日）", days, p.acknowledge),
        Field::number("reply", "首次答复（工作日）", days, p.reply),
        Field::number("resolve", "办结（工作日）", days, p.resolve),
        Field::number("feedback", "反馈（工作日）", days, p.feedback),
        Field::active(active),
    ]
}

fn policy_target(p: &DeadlinePolicy) -> Target {
    Target::new(&POLICY, format!("时限规则 {}（{}）", p.name, p.code), &p.code)
}

pub async fn policy(State(store): State<Store>, v: Viewer, Path(code): Path<String>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let Some((p, active)) = store.deadline_policies_all().await?.into_iter().find(|(p, _)| p.code == code) else {
        return not_found("时限规则");
    };
    policy_target(&p).show(&v, policy_fields(&p, active))
}

pub async fn save_policy(
    State(store): State<Store>,
    v: Viewer,
    Path(code): Path<String>,
    Checked(form): Checked<Form>,
) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let Some((p, active)) = store.deadline_policies_all().await?.into_iter().find(|(p, _)| p.code == code) else {
        return not_found("时限规则");
    };
    let target = policy_target(&p);
    let mut fields = refill(policy_fields(&p, active), &form);
    let mut days = [0u16; 4];
    let mut bad = false;
    for (i, name) in ["acknowledge", "reply", "resolve", "feedback"].into_iter().enumerate() {
        match typed(&form, name).parse::<u16>() {
            Ok(d) if d <= super::org::MAX_DAYS => days[i] = d,
            _ => {
                set_error(&mut fields, name, format!("请填写0到{}之间的整数", super::org::MAX_DAYS));
                bad = true;
            }
        }
    }
    if bad {
        return target.refuse(&v, fields, None);
    }
    let [acknowledge, reply, resolve, feedback] = days;
    if !(acknowledge <= reply && reply <= resolve && resolve <= feedback) {
        return target.refuse(&v, fields, Some("时限须满足 签收 ≤ 首次答复 ≤ 办结 ≤ 反馈".to_owned()));
    }
    let name = typed(&form, "name").to_owned();
    let policy = DeadlinePolicy { code: p.code.clone(), name, acknowledge, reply, resolve, feedback };
    let result = store.edit_deadline_policy(v.caller.user.origin(&v.caller.source), policy, active_typed(&form)).await;
    target.saved(&v, result, fields)
}
