//! The reference data the system administrator keeps (`CONFIG_ROLES` of the API): handling units, regions (GB/T 2260),
//! problem categories and deadline policies. Each page lists what there is and offers the form to add one; a refused
//! form comes back with the message next to the field and what was typed kept.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhuqi_domain::{DeadlinePolicy, RegionCode};
use zhuqi_store::{CategoryRecord, RegionRecord, Store, StoreError, UnitRecord};

use super::super::csrf::Checked;
use super::super::page::{
    PageNo, PageResult, Pager, Shell, Viewer, chinese, form_key, page_of, render_with, sheet_download,
};
use super::{CONFIG_ROLES, Done, Errors, required};

fn done(d: &Done, message: &'static str) -> Option<&'static str> {
    match d.done.as_deref() {
        Some("saved") => Some("已保存。"),
        _ => d.is().then_some(message),
    }
}

/// Rows per page of the reference lists.
const PER_PAGE: usize = 50;

fn state(active: bool) -> String {
    if active { "在用" } else { "已停用" }.to_owned()
}

fn region_label(names: &HashMap<&str, &str>, code: &str) -> String {
    match names.get(code) {
        Some(name) => format!("{name}（{code}）"),
        None => code.to_owned(),
    }
}

fn level_label(level: &str) -> &'static str {
    match level {
        "province" => "省",
        "city" => "市",
        "county" => "县（区）",
        _ => "其他",
    }
}

// ---------------------------------------------------------------------------------------------------- units

#[derive(Debug, Default, Deserialize)]
pub struct UnitForm {
    /// The form's idempotency key: posted twice, it creates once.
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region_code: String,
}

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub region: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    shell: Shell,
    rows: Vec<UnitRow>,
    pager: Pager,
    regions: Vec<RegionRecord>,
    typed: UnitForm,
    errors: Errors,
    flash: Option<&'static str>,
}

async fn units_page(
    store: &Store,
    v: &Viewer,
    typed: UnitForm,
    errors: Errors,
    flash: Option<&'static str>,
    status: StatusCode,
    asked: usize,
) -> PageResult {
    let regions = store.regions().await?;
    let (rows, pager) =
        page_of(unit_rows(store, &regions).await?, asked, PER_PAGE, |n| format!("/admin/units?page={n}"));
    let page = UnitsPage { shell: v.shell("承办单位", "/admin/units"), rows, pager, typed, errors, flash, regions };
    Ok(render_with(status, &page))
}

async fn unit_rows(store: &Store, regions: &[RegionRecord]) -> Result<Vec<UnitRow>, StoreError> {
    let names: HashMap<&str, &str> = regions.iter().map(|r| (r.code.as_str(), r.name.as_str())).collect();
    let units = store.units().await?;
    Ok(units
        .into_iter()
        .map(|u: UnitRecord| UnitRow {
            id: u.id,
            region: region_label(&names, &u.region_code),
            name: u.name,
            active: u.active,
        })
        .collect())
}

/// `/admin/units/export.xlsx`: every unit.
pub async fn units_export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let rows: Vec<[String; 4]> = unit_rows(&store, &store.regions().await?)
        .await?
        .into_iter()
        .map(|u| [u.id.to_string(), u.name, u.region, state(u.active)])
        .collect();
    Ok(sheet_download("承办单位", ["编号", "单位名称", "所属地区", "状态"], rows, false).await?)
}

/// `/admin/units`: the handling units (承办单位) and the form for a new one.
pub async fn units(
    State(store): State<Store>,
    v: Viewer,
    Query(d): Query<Done>,
    Query(n): Query<PageNo>,
) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    units_page(
        &store,
        &v,
        UnitForm { idempotency_key: form_key(), ..UnitForm::default() },
        Errors::default(),
        done(&d, "已新增承办单位。"),
        StatusCode::OK,
        n.get(),
    )
    .await
}

pub async fn add_unit(State(store): State<Store>, v: Viewer, Checked(form): Checked<UnitForm>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let name = required(&mut errors, "name", "单位名称", &form.name, 100).to_owned();
    let region = region_field(&store, &mut errors, "region_code", &form.region_code).await?;
    let (Some(region), true) = (region, errors.is_empty()) else {
        return units_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await;
    };
    match store
        .add_unit(
            v.caller.user.origin(&v.caller.source),
            name.clone(),
            region,
            zhuqi_store::IdempotencyKey::parse(&form.idempotency_key).ok(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/units?done=1").into_response()),
        Err(StoreError::Duplicate(_)) => {
            errors.add("name", format!("已有名为「{name}」的单位"));
            units_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::MissingReference(_))) => {
            errors.add("region_code", chinese(&e.to_string()).to_owned());
            units_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A region picked or typed: a valid code that is in the database.
async fn region_field(
    store: &Store,
    errors: &mut Errors,
    field: &'static str,
    typed: &str,
) -> Result<Option<RegionCode>, StoreError> {
    let typed = typed.trim();
    if typed.is_empty() {
        errors.add(field, "请选择所属地区");
        return Ok(None);
    }
    match RegionCode::parse(typed) {
        Ok(code) if store.regions().await?.iter().any(|r| r.code == code.as_str()) => Ok(Some(code)),
        Ok(code) => {
            errors.add(field, format!("地区 {code} 尚未录入，请先在「地区」中录入"));
            Ok(None)
        }
        Err(e) => {
            errors.add(field, chinese(&e.to_string()).to_owned());
            Ok(None)
        }
    }
}

// -------------------------------------------------------------------------------------------------- regions

#[derive(Debug, Default, Deserialize)]
pub struct RegionForm {
    /// The form's idempotency key: posted twice, it creates once.
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub parent: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_regions.html")]
struct RegionsPage {
    shell: Shell,
    rows: Vec<RegionRow>,
    pager: Pager,
    typed: RegionForm,
    errors: Errors,
    flash: Option<&'static str>,
}

async fn regions_page(
    store: &Store,
    v: &Viewer,
    typed: RegionForm,
    errors: Errors,
    flash: Option<&'static str>,
    status: StatusCode,
    asked: usize,
) -> PageResult {
    let (rows, pager) = page_of(region_rows(store).await?, asked, PER_PAGE, |n| format!("/admin/regions?page={n}"));
    let page = RegionsPage { shell: v.shell("地区", "/admin/regions"), rows, pager, typed, errors, flash };
    Ok(render_with(status, &page))
}

async fn region_rows(store: &Store) -> Result<Vec<RegionRow>, StoreError> {
    let regions = store.regions().await?;
    let names: HashMap<&str, &str> = regions.iter().map(|r| (r.code.as_str(), r.name.as_str())).collect();
    Ok(regions
        .iter()
        .map(|r| RegionRow {
            code: r.code.clone(),
            name: r.name.clone(),
            level: level_label(&r.level),
            parent: r.parent_code.as_deref().map(|p| region_label(&names, p)).unwrap_or_default(),
            active: r.active,
        })
        .collect())
}

/// `/admin/regions/export.xlsx`: every region.
pub async fn regions_export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let rows: Vec<[String; 5]> = region_rows(&store)
        .await?
        .into_iter()
        .map(|r| [r.code, r.name, r.level.to_owned(), r.parent, state(r.active)])
        .collect();
    Ok(sheet_download("地区", ["地区代码", "名称", "级别", "上级", "状态"], rows, false).await?)
}

/// `/admin/regions`: the region tree (GB/T 2260) and the form for a new region.
pub async fn regions(
    State(store): State<Store>,
    v: Viewer,
    Query(d): Query<Done>,
    Query(n): Query<PageNo>,
) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    regions_page(
        &store,
        &v,
        RegionForm { idempotency_key: form_key(), ..RegionForm::default() },
        Errors::default(),
        done(&d, "已新增地区。"),
        StatusCode::OK,
        n.get(),
    )
    .await
}

pub async fn add_region(State(store): State<Store>, v: Viewer, Checked(form): Checked<RegionForm>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let code = match form.code.trim() {
        "" => {
            errors.add("code", "请填写地区代码");
            None
        }
        typed => match RegionCode::parse(typed) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.add("code", chinese(&e.to_string()).to_owned());
                None
            }
        },
    };
    let name = required(&mut errors, "name", "地区名称", &form.name, 50).to_owned();
    let (Some(code), true) = (code, errors.is_empty()) else {
        return regions_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await;
    };
    match store
        .add_region(
            v.caller.user.origin(&v.caller.source),
            code.clone(),
            name,
            zhuqi_store::IdempotencyKey::parse(&form.idempotency_key).ok(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/admin/regions?done=1").into_response()),
        Err(StoreError::Duplicate(_)) => {
            errors.add("code", format!("地区代码 {code} 已录入"));
            regions_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::MissingReference(_))) => {
            errors.add("code", chinese(&e.to_string()).to_owned());
            regions_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e) => Err(e.into()),
    }
}

// ----------------------------------------------------------------------------------------------- categories

#[derive(Debug, Default, Deserialize)]
pub struct CategoryForm {
    /// The form's idempotency key: posted twice, it creates once.
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_code: String,
    #[serde(default)]
    position: String,
}

pub struct CategoryRow {
    pub code: String,
    pub name: String,
    pub parent: String,
    pub child: bool,
    pub position: i64,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_categories.html")]
struct CategoriesPage {
    shell: Shell,
    rows: Vec<CategoryRow>,
    pager: Pager,
    parents: Vec<CategoryRecord>,
    typed: CategoryForm,
    errors: Errors,
    flash: Option<&'static str>,
}

async fn categories_page(
    store: &Store,
    v: &Viewer,
    typed: CategoryForm,
    errors: Errors,
    flash: Option<&'static str>,
    status: StatusCode,
    asked: usize,
) -> PageResult {
    let all = store.categories().await?;
    let (rows, pager) = page_of(category_rows(&all), asked, PER_PAGE, |n| format!("/admin/categories?page={n}"));
    let page = CategoriesPage {
        shell: v.shell("问题类型", "/admin/categories"),
        rows,
        pager,
        parents: all,
        typed,
        errors,
        flash,
    };
    Ok(render_with(status, &page))
}

/// Each top-level category followed by its children.
fn category_rows(all: &[CategoryRecord]) -> Vec<CategoryRow> {
    let names: HashMap<&str, &str> = all.iter().map(|c| (c.code.as_str(), c.name.as_str())).collect();
    let mut rows = Vec::new();
    let row = |c: &CategoryRecord| CategoryRow {
        code: c.code.clone(),
        name: c.name.clone(),
        parent: c
            .parent_code
            .as_deref()
            .map(|p| names.get(p).map_or_else(|| p.to_owned(), |n| format!("{n}（{p}）")))
            .unwrap_or_default(),
        child: c.parent_code.is_some(),
        position: c.position,
        active: c.active,
    };
    let top = |c: &&CategoryRecord| c.parent_code.as_deref().is_none_or(|p| !names.contains_key(p));
    for parent in all.iter().filter(top) {
        rows.push(row(parent));
        rows.extend(all.iter().filter(|c| c.parent_code.as_deref() == Some(parent.code.as_str())).map(row));
    }
    rows
}

/// `/admin/categories/export.xlsx`: the whole category tree, in its order.
pub async fn categories_export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let rows: Vec<[String; 5]> = category_rows(&store.categories().await?)
        .into_iter()
        .map(|c| [c.code, c.name, c.parent, c.position.to_string(), state(c.active)])
        .collect();
    Ok(sheet_download("问题类型", ["类型编码", "类型名称", "上级类型", "排序", "状态"], rows, false).await?)
}

/// `/admin/categories`: the category tree (融资, 用工, 土地, …) and the form for a new category.
pub async fn categories(
    State(store): State<Store>,
    v: Viewer,
    Query(d): Query<Done>,
    Query(n): Query<PageNo>,
) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let flash = done(&d, "已新增问题类型。");
    categories_page(
        &store,
        &v,
        CategoryForm { idempotency_key: form_key(), ..CategoryForm::default() },
        Errors::default(),
        flash,
        StatusCode::OK,
        n.get(),
    )
    .await
}

pub async fn add_category(State(store): State<Store>, v: Viewer, Checked(form): Checked<CategoryForm>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let code = required(&mut errors, "code", "类型编码", &form.code, 50).to_owned();
    let name = required(&mut errors, "name", "类型名称", &form.name, 50).to_owned();
    let parent_code = match form.parent_code.trim() {
        "" => None,
        p if store.categories().await?.iter().any(|c| c.code == p) => Some(p.to_owned()),
        p => {
            errors.add("parent_code", format!("上级类型 {p} 不存在"));
            None
        }
    };
    let position = match form.position.trim() {
        "" => 0,
        p => p.parse::<i64>().ok().filter(|n| (0..=9999).contains(n)).unwrap_or_else(|| {
            errors.add("position", "排序应为0到9999之间的整数");
            0
        }),
    };
    if !errors.is_empty() {
        return categories_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await;
    }
    let record = CategoryRecord { code: code.clone(), name, parent_code, position, active: true };
    match store
        .add_category(
            v.caller.user.origin(&v.caller.source),
            record,
            zhuqi_store::IdempotencyKey::parse(&form.idempotency_key).ok(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/admin/categories?done=1").into_response()),
        Err(StoreError::Duplicate(_)) => {
            errors.add("code", format!("类型编码 {code} 已存在"));
            categories_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::MissingReference(_))) => {
            errors.form = Some(chinese(&e.to_string()).to_owned());
            categories_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------------------------------------- policies

#[derive(Debug, Default, Deserialize)]
pub struct PolicyForm {
    /// The form's idempotency key: posted twice, it creates once.
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    acknowledge: String,
    #[serde(default)]
    reply: String,
    #[serde(default)]
    resolve: String,
    #[serde(default)]
    feedback: String,
}

/// The most working days a milestone may be given (the API's bound).
pub(super) const MAX_DAYS: u16 = 365;

#[derive(Template)]
#[template(path = "admin_policies.html")]
struct PoliciesPage {
    shell: Shell,
    rows: Vec<(DeadlinePolicy, bool)>,
    pager: Pager,
    typed: PolicyForm,
    errors: Errors,
    flash: Option<&'static str>,
    max_days: u16,
}

async fn policies_page(
    store: &Store,
    v: &Viewer,
    typed: PolicyForm,
    errors: Errors,
    flash: Option<&'static str>,
    status: StatusCode,
    asked: usize,
) -> PageResult {
    let all = store.deadline_policies_all().await?;
    let (rows, pager) = page_of(all, asked, PER_PAGE, |n| format!("/admin/policies?page={n}"));
    let page = PoliciesPage {
        shell: v.shell("时限规则", "/admin/policies"),
        rows,
        pager,
        typed,
        errors,
        flash,
        max_days: MAX_DAYS,
    };
    Ok(render_with(status, &page))
}

/// `/admin/policies/export.xlsx`: every deadline policy with its working days.
pub async fn policies_export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let rows: Vec<[String; 7]> = store
        .deadline_policies_all()
        .await?
        .into_iter()
        .map(|(p, active)| {
            let days = [p.acknowledge, p.reply, p.resolve, p.feedback].map(|d| d.to_string());
            let [a, r, s, f] = days;
            [p.code, p.name, a, r, s, f, state(active)]
        })
        .collect();
    let heads = ["规则编码", "规则名称", "签收（工作日）", "首次答复", "办结", "反馈", "状态"];
    Ok(sheet_download("时限规则", heads, rows, false).await?)
}

/// `/admin/policies`: the deadline policies a dispatcher may pick (13710, 即办件, …) and the form for a new one.
pub async fn policies(
    State(store): State<Store>,
    v: Viewer,
    Query(d): Query<Done>,
    Query(n): Query<PageNo>,
) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let flash = done(&d, "已新增时限规则。");
    policies_page(
        &store,
        &v,
        PolicyForm { idempotency_key: form_key(), ..PolicyForm::default() },
        Errors::default(),
        flash,
        StatusCode::OK,
        n.get(),
    )
    .await
}

pub async fn add_policy(State(store): State<Store>, v: Viewer, Checked(form): Checked<PolicyForm>) -> PageResult {
    if let Err(r) = v.require(CONFIG_ROLES) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let code = required(&mut errors, "code", "规则编码", &form.code, 50).to_owned();
    let name = required(&mut errors, "name", "规则名称", &form.name, 50).to_owned();
    let mut days = |field: &'static str, typed: &str| match typed.trim().parse::<u16>() {
        Ok(d) if d <= MAX_DAYS => Some(d),
        _ => {
            errors.add(field, format!("请填写0到{MAX_DAYS}之间的整数"));
            None
        }
    };
    let acknowledge = days("acknowledge", &form.acknowledge);
    let reply = days("reply", &form.reply);
    let resolve = days("resolve", &form.resolve);
    let feedback = days("feedback", &form.feedback);
    let (Some(acknowledge), Some(reply), Some(resolve), Some(feedback)) = (acknowledge, reply, resolve, feedback)
    else {
        return policies_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await;
    };
    if reply < acknowledge {
        errors.add("reply", "首次答复时限不能早于签收时限");
    }
    if resolve < reply {
        errors.add("resolve", "办结时限不能早于首次答复时限");
    }
    if feedback < resolve {
        errors.add("feedback", "反馈时限不能早于办结时限");
    }
    if !errors.is_empty() {
        return policies_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await;
    }
    let policy = DeadlinePolicy { code: code.clone(), name, acknowledge, reply, resolve, feedback };
    match store
        .add_deadline_policy(
            v.caller.user.origin(&v.caller.source),
            policy,
            zhuqi_store::IdempotencyKey::parse(&form.idempotency_key).ok(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/admin/policies?done=1").into_response()),
        Err(StoreError::Duplicate(_)) => {
            errors.add("code", format!("规则编码 {code} 已存在"));
            policies_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e @ StoreError::Invalid(_)) => {
            errors.form = Some(chinese(&e.to_string()).to_owned());
            policies_page(&store, &v, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e) => Err(e.into()),
    }
}
