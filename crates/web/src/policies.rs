//! 惠企政策 (issue 16): the policy library and matching, for the command office, the units that answer for policies,
//! cadres, leaders and enterprises. The store decides who reads and writes what (`zhuqi_store::policies`).
//!
//! - `/policies`: the library, searchable by words, with filters; "登记政策" for the office and units;
//! - `/policies/new`, `/policies/{id}/edit`: the policy form, conditions as data;
//! - `/policies/{id}`: a policy, its conditions in words, and the enterprises that qualify (送政策上门), downloadable.
//!
//! An enterprise's page (`enterprises`) lists the policies it qualifies for or nearly does, with `FitLine`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::policy::delivery::DeliveryStage;
use zhuqi_domain::policy::{BenefitKind, Conditions, Fit, PolicyLevel, PolicyStatus, RevenueBand, SizeFlag, TaxCredit};
use zhuqi_domain::{Fen, RegionCode, Role};
use zhuqi_store::{
    DeliveryFilter, IdempotencyKey, MAX_POLICY_BODY, MAX_POLICY_LINE, MAX_POLICY_TITLE, NewPolicy, PolicyFilter,
    PolicyFit, PolicyRecord, RegionRecord, Store, StoreError, UnitRecord,
};

use super::csrf::Checked;
use super::page::{EXPORT_CAP, Errors, PageResult, Pager, Shell, Viewer, chinese, form_key, paged, render_with};

/// Who opens the library (the store narrows each to its policies).
pub const READERS: &[Role] =
    &[Role::Dispatcher, Role::Leader, Role::Handler, Role::Cadre, Role::Enterprise, Role::Office];
/// Who records policies: the office for its region, a unit for itself.
pub(crate) const WRITERS: &[Role] = &[Role::Dispatcher, Role::Handler];
const PER_PAGE: usize = 20;

fn yuan(f: Fen) -> String {
    f.to_wan_string()
}

/// A policy on an enterprise's page: qualifies or nearly, with each condition's reason.
pub struct FitLine {
    pub id: i64,
    pub title: String,
    pub doc_number: String,
    pub benefit: String,
    pub qualifies: bool,
    pub no_application: bool,
    pub met: Vec<String>,
    pub failed: Vec<String>,
    /// Where the policy stands with the enterprise: 未送达, 已送达, …
    pub stage: &'static str,
}

impl FitLine {
    pub fn of(f: PolicyFit) -> FitLine {
        let p = f.policy.policy;
        let (met, failed): (Vec<_>, Vec<_>) = f.checks.into_iter().partition(|c| c.met);
        FitLine {
            id: f.policy.id,
            benefit: format!("{}：{}", p.benefit_kind.label(), p.benefit),
            title: p.title,
            doc_number: p.doc_number,
            qualifies: f.fit == Fit::Qualifies,
            no_application: p.no_application,
            met: met.into_iter().map(|c| c.reason).collect(),
            failed: failed.into_iter().map(|c| c.reason).collect(),
            stage: "未送达",
        }
    }
}

// ------------------------------------------------------------------------------------------------ the library

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// "" the library, `execution` the 政策执行清单, `drafting` the 政策推进清单.
    #[serde(default)]
    view: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    in_force: String,
    #[serde(default)]
    page: String,
}

struct Line {
    id: i64,
    title: String,
    doc_number: String,
    issuer: String,
    level: &'static str,
    benefit_kind: &'static str,
    validity: String,
    standing: &'static str,
    unit: String,
    no_application: bool,
    /// A draft past the day it was due.
    late: bool,
    /// 执行清单: how far the policy has gone today with the enterprises the viewer sees.
    reach: Option<Reach>,
    /// 推进清单: the draft's task on the loop.
    task: Option<super::tasks::TaskLine>,
}

/// The 执行清单's columns of a policy.
struct Reach {
    matched: usize,
    delivered: usize,
    claimed: usize,
    granted: usize,
    /// 兑现金额, to the fen.
    amount: String,
}

/// The three lists of `/policies`: (view, label).
const VIEWS: [(&str, &str); 3] = [("", "政策库"), ("execution", "政策执行清单"), ("drafting", "政策推进清单")];

fn validity(p: &NewPolicy) -> String {
    if let (PolicyStatus::Drafting, Some(due)) = (p.status, p.due_on) {
        return format!("计划{due}出台");
    }
    match p.valid_to {
        Some(to) => format!("{} 至 {to}", p.valid_from),
        None => format!("{} 起长期有效", p.valid_from),
    }
}

fn line(r: &PolicyRecord, today: Date) -> Line {
    let p = &r.policy;
    Line {
        id: r.id,
        title: p.title.clone(),
        doc_number: p.doc_number.clone(),
        issuer: p.issuer.clone(),
        level: p.level.label(),
        benefit_kind: p.benefit_kind.label(),
        validity: validity(p),
        standing: r.standing(today),
        unit: r.unit_name.clone(),
        no_application: p.no_application,
        late: p.status == PolicyStatus::Drafting && p.due_on.is_some_and(|d| d < today),
        reach: None,
        task: None,
    }
}

#[derive(Template)]
#[template(path = "policies.html")]
struct ListPage {
    shell: Shell,
    view: &'static str,
    views: [(&'static str, &'static str); 3],
    /// The 执行清单's count of enterprises is shown (staff only).
    shows_reach: bool,
    q: String,
    status: String,
    level: String,
    kind: String,
    in_force: bool,
    statuses: &'static [PolicyStatus],
    levels: &'static [PolicyLevel],
    kinds: &'static [BenefitKind],
    lines: Vec<Line>,
    pager: Pager,
    may_write: bool,
    /// Whether the viewer may open a draft's task (the office, leaders, units).
    opens_tasks: bool,
    /// Whether the library downloads (staff; an enterprise reads it on its page).
    shows_export: bool,
    /// Whether the viewer reads the figures (惠企政策统计).
    counts: bool,
}

/// `/policies`: the library the viewer may read, newest first; words search titles, 文号, issuers and texts.
pub async fn list(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let view = VIEWS.iter().map(|(k, _)| *k).find(|k| *k == q.view.trim()).unwrap_or("");
    let words: String = q.q.trim().chars().take(100).collect();
    let status = if view == "drafting" { Some(PolicyStatus::Drafting) } else { PolicyStatus::parse(&q.status) };
    let level = PolicyLevel::parse(&q.level);
    let kind = BenefitKind::parse(&q.kind);
    let in_force = view == "execution" || !q.in_force.is_empty();
    let today = zhuqi_domain::time::today();
    let filter = PolicyFilter {
        words: Some(words.clone()).filter(|w| !w.is_empty()),
        status,
        level,
        benefit_kind: kind,
        unit_id: None,
        in_force_on: in_force.then_some(today),
        offset: 0,
        limit: PER_PAGE,
    };
    let query = serde_html_form::to_string([
        ("view", view),
        ("q", words.as_str()),
        ("status", status.map_or("", PolicyStatus::as_str)),
        ("level", level.map_or("", PolicyLevel::as_str)),
        ("kind", kind.map_or("", BenefitKind::as_str)),
        ("in_force", if in_force { "1" } else { "" }),
    ])
    .unwrap_or_default();
    let link = |n: usize| format!("/policies?{query}&page={n}");
    let asked = q.page.trim().parse().unwrap_or(1);
    let (rows, pager) = paged(asked, PER_PAGE, link, |n| {
        let filter = PolicyFilter { offset: (n - 1) * PER_PAGE, ..filter.clone() };
        let (store, p) = (&store, &v.caller.user);
        async move {
            let page = store.policies_for(p, filter).await?;
            Ok::<_, StoreError>((page.items, page.total))
        }
    })
    .await?;
    let shows_reach =
        view == "execution" && [Role::Dispatcher, Role::Leader, Role::Handler, Role::Cadre].iter().any(|r| v.has(*r));
    let mut reach: std::collections::HashMap<i64, Reach> = if shows_reach {
        let all = store.policy_reach(&v.caller.user, today).await?.into_iter();
        all.map(|r| {
            let g = r.progress;
            let cells = Reach {
                matched: r.matched,
                delivered: g.delivered,
                claimed: g.claimed,
                granted: g.granted,
                amount: g.amount.to_string(),
            };
            (r.policy.id, cells)
        })
        .collect()
    } else {
        Default::default()
    };
    let mut tasks = if view == "drafting" {
        store.drafting_tasks(rows.iter().map(|r| r.id).collect()).await?
    } else {
        Default::default()
    };
    let names = if tasks.is_empty() { Default::default() } else { super::tasks::unit_names(&store.units().await?) };
    let cal = store.calendar();
    let lines = rows
        .iter()
        .map(|r| {
            let base = line(r, today);
            let Some(t) = tasks.remove(&r.id) else { return Line { reach: reach.remove(&r.id), ..base } };
            // The task's deadline, extensions granted, is the draft's: late while the unit still holds it past it.
            let late = t.with_unit() && t.state.deadlines(&cal, today).is_some_and(|d| d.resolve < today);
            Line { late, task: Some(super::tasks::line(&t, &names, &store, today)), ..base }
        })
        .collect();
    let page = ListPage {
        shell: v.shell("惠企政策", "/policies"),
        view,
        views: VIEWS,
        shows_reach,
        lines,
        q: words,
        status: status.map_or("", PolicyStatus::as_str).to_owned(),
        level: level.map_or("", PolicyLevel::as_str).to_owned(),
        kind: kind.map_or("", BenefitKind::as_str).to_owned(),
        in_force,
        statuses: PolicyStatus::ALL,
        levels: PolicyLevel::ALL,
        kinds: BenefitKind::ALL,
        pager,
        may_write: WRITERS.iter().any(|r| v.has(*r)),
        opens_tasks: [Role::Office, Role::Leader, Role::Handler].iter().any(|r| v.has(*r)),
        shows_export: !v.has(Role::Enterprise),
        counts: [Role::Dispatcher, Role::Leader, Role::Handler].iter().any(|r| v.has(*r)),
    };
    Ok(render_with(StatusCode::OK, &page))
}

/// `/policies/export.xlsx`: the library the viewer reads, as the 惠企政策库 `zhuqi export policies` writes (so that it
/// imports into another installation as it is).
pub async fn export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    Ok(super::page::ledger_download(&store, &v, zhuqi_ledger::LedgerKind::Policies, None, "惠企政策库.xlsx").await)
}

// ------------------------------------------------------------------------------------------------ the form

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    benefit_kind: String,
    #[serde(default)]
    benefit: String,
    #[serde(default)]
    cap: String,
    #[serde(default)]
    no_application: Option<String>,
    #[serde(default)]
    industries: Vec<String>,
    #[serde(default)]
    sizes: Vec<String>,
    #[serde(default)]
    min_years: String,
    #[serde(default)]
    max_years: String,
    #[serde(default)]
    min_employees: String,
    #[serde(default)]
    max_employees: String,
    #[serde(default)]
    min_revenue: String,
    #[serde(default)]
    max_revenue: String,
    #[serde(default)]
    min_tax_credit: String,
    #[serde(default)]
    body: String,
}

impl PolicyForm {
    fn of(r: &PolicyRecord) -> PolicyForm {
        let p = &r.policy;
        let c = &p.conditions;
        let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        PolicyForm {
            idempotency_key: String::new(),
            version: r.version.to_string(),
            title: p.title.clone(),
            issuer: p.issuer.clone(),
            level: p.level.as_str().into(),
            doc_number: p.doc_number.clone(),
            region: p.region.as_str().into(),
            unit_id: p.unit_id.to_string(),
            status: p.status.as_str().into(),
            valid_from: p.valid_from.to_string(),
            valid_to: p.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            due_on: p.due_on.map(|d| d.to_string()).unwrap_or_default(),
            benefit_kind: p.benefit_kind.as_str().into(),
            benefit: p.benefit.clone(),
            cap: p.cap.map(yuan).unwrap_or_default(),
            no_application: p.no_application.then(|| "1".into()),
            industries: c.industries.clone(),
            sizes: c.sizes.iter().map(|s| s.as_str().to_owned()).collect(),
            min_years: num(c.min_years),
            max_years: num(c.max_years),
            min_employees: num(c.min_employees),
            max_employees: num(c.max_employees),
            min_revenue: c.min_revenue.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            max_revenue: c.max_revenue.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            min_tax_credit: c.min_tax_credit.map(|t| t.as_str().to_owned()).unwrap_or_default(),
            body: p.body.clone(),
        }
    }

    fn has_industry(&self, i: &str) -> bool {
        self.industries.iter().any(|x| x == i)
    }

    fn has_size(&self, s: &SizeFlag) -> bool {
        self.sizes.iter().any(|x| x == s.as_str())
    }

    /// The policy these fields describe, or the message for each wrong field.
    fn policy(&self, errors: &mut Errors) -> Option<NewPolicy> {
        let text =
            |errors: &mut Errors, field: &'static str, what: &str, value: &str, min: usize, max: usize| match value
                .trim()
                .chars()
                .count()
            {
                n if n < min => errors.add(field, format!("请填写{what}")),
                n if n > max => errors.add(field, format!("{what}最多{max}字")),
                _ => {}
            };
        text(errors, "title", "政策名称", &self.title, 1, MAX_POLICY_TITLE);
        text(errors, "issuer", "发文机关", &self.issuer, 1, MAX_POLICY_LINE);
        text(errors, "doc_number", "文号", &self.doc_number, 0, MAX_POLICY_LINE);
        text(errors, "benefit", "扶持内容", &self.benefit, 0, MAX_POLICY_LINE);
        text(errors, "body", "政策原文", &self.body, 0, MAX_POLICY_BODY);
        fn pick<T>(errors: &mut Errors, field: &'static str, message: &str, v: Option<T>) -> Option<T> {
            if v.is_none() {
                errors.add(field, message.to_owned());
            }
            v
        }
        let level = pick(errors, "level", "请选择政策层级", PolicyLevel::parse(&self.level));
        let status = pick(errors, "status", "请选择政策状态", PolicyStatus::parse(&self.status));
        let kind = pick(errors, "benefit_kind", "请选择扶持方式", BenefitKind::parse(&self.benefit_kind));
        let region = pick(errors, "region", "请选择适用地区", RegionCode::parse(self.region.trim()).ok());
        let unit_id = pick(errors, "unit_id", "请选择责任单位", self.unit_id.trim().parse::<i64>().ok());
        let date = |errors: &mut Errors, field: &'static str, what: &str, value: &str| match value.trim() {
            "" => None,
            d => d.parse::<Date>().map_err(|_| errors.add(field, format!("{what}格式应为 2026-01-01"))).ok(),
        };
        let valid_from = date(errors, "valid_from", "有效期起", &self.valid_from);
        if self.valid_from.trim().is_empty() {
            errors.add("valid_from", "请填写有效期起");
        }
        let valid_to = date(errors, "valid_to", "有效期止", &self.valid_to);
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && to < from
        {
            errors.add("valid_to", "有效期止不能早于有效期起");
        }
        let due_on = date(errors, "due_on", "计划出台日期", &self.due_on);
        if status == Some(PolicyStatus::Drafting) && due_on.is_none() && !errors.has("due_on") {
            errors.add("due_on", "起草中的政策请填写计划出台日期");
        }
        let cap = match self.cap.trim() {
            "" => None,
            c => Fen::parse(c)
                .map_err(|e| errors.add("cap", format!("单户上限有误：{}（如 50万）", chinese(&e.to_string()))))
                .ok(),
        };
        let count = |errors: &mut Errors, field: &'static str, what: &str, value: &str| match value.trim() {
            "" => None,
            n => n.parse::<u32>().map_err(|_| errors.add(field, format!("{what}请填写0或正整数"))).ok(),
        };
        let sizes: Vec<SizeFlag> = self.sizes.iter().filter_map(|s| SizeFlag::parse(s)).collect();
        let conditions = Conditions {
            industries: self.industries.iter().map(|i| i.trim().to_owned()).filter(|i| !i.is_empty()).collect(),
            sizes,
            min_years: count(errors, "min_years", "成立年限", &self.min_years),
            max_years: count(errors, "max_years", "成立年限", &self.max_years),
            min_employees: count(errors, "min_employees", "从业人数", &self.min_employees),
            max_employees: count(errors, "max_employees", "从业人数", &self.max_employees),
            min_revenue: RevenueBand::parse(&self.min_revenue),
            max_revenue: RevenueBand::parse(&self.max_revenue),
            min_tax_credit: TaxCredit::parse(&self.min_tax_credit),
        };
        let conditions = match conditions.normalised() {
            Ok(c) => Some(c),
            Err(e) => {
                errors.add("conditions", e.to_string());
                None
            }
        };
        if !errors.is_empty() {
            return None;
        }
        Some(NewPolicy {
            title: self.title.trim().to_owned(),
            issuer: self.issuer.trim().to_owned(),
            level: level?,
            doc_number: self.doc_number.trim().to_owned(),
            region: region?,
            unit_id: unit_id?,
            status: status?,
            valid_from: valid_from?,
            valid_to,
            due_on,
            benefit_kind: kind?,
            benefit: self.benefit.trim().to_owned(),
            cap,
            no_application: self.no_application.is_some(),
            conditions: conditions?,
            body: self.body.trim().to_owned(),
        })
    }
}

#[derive(Template)]
#[template(path = "policy_form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    typed: PolicyForm,
    errors: Errors,
    regions: Vec<RegionRecord>,
    units: Vec<UnitRecord>,
    industries: Vec<String>,
    levels: &'static [PolicyLevel],
    statuses: &'static [PolicyStatus],
    kinds: &'static [BenefitKind],
    sizes: &'static [SizeFlag],
    revenue_bands: &'static [RevenueBand],
    tax_credits: &'static [TaxCredit],
}

/// The regions and units the viewer's form offers: a dispatcher's region and what lies below, with their units; a
/// handler's own unit, in its unit's region and below.
async fn choices(store: &Store, v: &Viewer) -> Result<(Vec<RegionRecord>, Vec<UnitRecord>), StoreError> {
    let p = &v.caller.user;
    let units: Vec<UnitRecord> = store.units().await?.into_iter().filter(|u| u.active).collect();
    let own = units.iter().find(|u| Some(u.id) == p.unit_id && p.has(Role::Handler)).cloned();
    let home = if p.has(Role::Dispatcher) {
        p.region.clone()
    } else {
        own.as_ref().and_then(|u| RegionCode::parse(&u.region_code).ok())
    };
    let Some(home) = home else { return Ok((Vec::new(), Vec::new())) };
    let inside = |code: &str| RegionCode::parse(code).is_ok_and(|c| home.contains(&c));
    let regions = store.regions().await?.into_iter().filter(|r| r.active && inside(&r.code)).collect();
    let units = if p.has(Role::Dispatcher) {
        units.into_iter().filter(|u| inside(&u.region_code)).collect()
    } else {
        own.into_iter().collect()
    };
    Ok((regions, units))
}

async fn form_page(
    store: &Store,
    v: &Viewer,
    heading: String,
    action: String,
    typed: PolicyForm,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    let (regions, units) = choices(store, v).await?;
    let page = FormPage {
        shell: v.shell(heading.clone(), "/policies"),
        heading,
        action,
        typed,
        errors,
        regions,
        units,
        industries: store.industries().await?,
        levels: PolicyLevel::ALL,
        statuses: PolicyStatus::ALL,
        kinds: BenefitKind::ALL,
        sizes: SizeFlag::ALL,
        revenue_bands: RevenueBand::ALL,
        tax_credits: TaxCredit::ALL,
    };
    Ok(render_with(status, &page))
}

/// `/policies/new`: a blank form, in force from today, for the viewer's region and (a unit's) own unit.
pub async fn new_policy(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(WRITERS) {
        return Ok(r);
    }
    let (regions, units) = choices(&store, &v).await?;
    let fresh = PolicyForm {
        idempotency_key: form_key(),
        level: PolicyLevel::City.as_str().into(),
        status: PolicyStatus::Published.as_str().into(),
        benefit_kind: BenefitKind::Subsidy.as_str().into(),
        valid_from: zhuqi_domain::time::today().to_string(),
        region: regions.first().map(|r| r.code.clone()).unwrap_or_default(),
        unit_id: units.first().map(|u| u.id.to_string()).unwrap_or_default(),
        ..PolicyForm::default()
    };
    form_page(&store, &v, "登记政策".into(), "/policies".into(), fresh, Errors::default(), StatusCode::OK).await
}

/// What a refused write says on the form, and its status: the store's reason, or `None` for an error that is not
/// the user's.
pub(crate) fn refusal(e: &StoreError) -> Option<(String, StatusCode)> {
    let status = match e {
        StoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
        StoreError::Stale(_) => StatusCode::CONFLICT,
        _ => return None,
    };
    Some((chinese(&e.to_string()).to_owned(), status))
}

pub async fn create(State(store): State<Store>, v: Viewer, Checked(form): Checked<PolicyForm>) -> PageResult {
    if let Err(r) = v.require(WRITERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let again =
        |form, errors, status| form_page(&store, &v, "登记政策".into(), "/policies".into(), form, errors, status);
    let Some(policy) = form.policy(&mut errors) else {
        return again(form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let key = IdempotencyKey::parse(&form.idempotency_key).ok();
    match store.create_policy_as(&v.caller.user, &v.caller.source, policy, Timestamp::now(), key).await {
        Ok(p) => Ok(Redirect::to(&format!("/policies/{}?done=create", p.id)).into_response()),
        Err(e) => match refusal(&e) {
            Some((m, status)) => {
                errors.form = Some(m);
                again(form, errors, status).await
            }
            None => Err(e.into()),
        },
    }
}

/// `/policies/{id}/edit`: the policy's form, filled in, for those who may change it.
pub async fn edit(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    if let Err(r) = v.require(WRITERS) {
        return Ok(r);
    }
    let p = store.policy_for(&v.caller.user, id).await?;
    if !store.may_edit_policy(&v.caller.user, id).await? {
        return Ok(super::page::error_page(
            StatusCode::FORBIDDEN,
            "无权修改",
            "只有本地区指挥部或政策的责任单位可以修改该政策。",
        ));
    }
    let (heading, action) = (format!("修改政策：{}", p.policy.title), format!("/policies/{id}/edit"));
    form_page(&store, &v, heading, action, PolicyForm::of(&p), Errors::default(), StatusCode::OK).await
}

pub async fn save(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<PolicyForm>,
) -> PageResult {
    if let Err(r) = v.require(WRITERS) {
        return Ok(r);
    }
    let current = store.policy_for(&v.caller.user, id).await?;
    let (heading, action) = (format!("修改政策：{}", current.policy.title), format!("/policies/{id}/edit"));
    let mut errors = Errors::default();
    let version = form.version.trim().parse::<i64>().unwrap_or(0);
    let Some(policy) = form.policy(&mut errors) else {
        return form_page(&store, &v, heading, action, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match store.edit_policy_as(&v.caller.user, &v.caller.source, id, version, policy, Timestamp::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/policies/{id}?done=edit")).into_response()),
        Err(e) => match refusal(&e) {
            Some((m, status)) => {
                errors.form = Some(m);
                form_page(&store, &v, heading, action, form, errors, status).await
            }
            None => Err(e.into()),
        },
    }
}

// ------------------------------------------------------------------------------------------------ one policy

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    page: String,
    /// The page of the 送达与兑现 records, and the stage they are narrowed to.
    #[serde(default)]
    dpage: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    done: Option<String>,
    /// How many a grant-list post wrote.
    #[serde(default)]
    n: Option<usize>,
}

struct MatchLine {
    id: i64,
    name: String,
    region: String,
    industry: String,
    /// 未送达, 已送达, …
    stage: &'static str,
}

struct DeliveryLine {
    enterprise_id: i64,
    enterprise_name: String,
    stage: &'static str,
    steps: Vec<super::policy_deliveries::StepLine>,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    shell: Shell,
    p: PolicyRecord,
    standing: &'static str,
    validity: String,
    cap: String,
    conditions: Vec<String>,
    may_edit: bool,
    flash_ok: Option<String>,
    flash_error: Option<String>,
    lines: Vec<MatchLine>,
    pager: Pager,
    /// Whether the viewer sees the enterprises that qualify (enterprises see the policy only).
    sees_matches: bool,
    deliveries: Vec<DeliveryLine>,
    delivery_pager: Pager,
    stage: String,
    stages: &'static [DeliveryStage],
    /// 免申即享 lines waiting for the unit's confirmation.
    waiting: usize,
    /// An enterprise viewing: its own record's stage, and its id for the question form.
    own: Option<(i64, &'static str)>,
    question_key: String,
    today: String,
    /// 政策附件
    files: Vec<zhuqi_store::PolicyFile>,
}

/// `/policies/{id}`: the policy, the enterprises that qualify today (20 a page) and its 送达与兑现 records.
pub async fn show(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    policy_page(&store, &v, id, q, None, StatusCode::OK).await
}

/// The policy's page, with `error` (a refused post from it) said on top.
pub(crate) async fn policy_page(
    store: &Store,
    v: &Viewer,
    id: i64,
    q: ShowQuery,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let user = &v.caller.user;
    let p = store.policy_for(user, id).await?;
    let today = zhuqi_domain::time::today();
    let sees_matches = [Role::Dispatcher, Role::Leader, Role::Handler, Role::Cadre].iter().any(|r| user.has(*r));
    let regions: std::collections::HashMap<String, String> =
        store.regions().await?.into_iter().map(|r| (r.code, r.name)).collect();
    let stage_of = |d: Option<&zhuqi_store::DeliveryRecord>| d.map_or("未送达", |d| d.delivery.stage.label());
    let (lines, pager) = if sees_matches {
        let asked = q.page.trim().parse().unwrap_or(1);
        let link = |n| format!("/policies/{id}?page={n}");
        let regions = &regions;
        paged(asked, PER_PAGE, link, |n| async move {
            let page = store.policy_matches_for(user, id, today, (n - 1) * PER_PAGE, PER_PAGE).await?;
            let lines = page.items.into_iter().map(|e| MatchLine {
                region: regions.get(e.region_code.as_str()).cloned().unwrap_or_default(),
                stage: stage_of(page.deliveries.get(&e.id)),
                id: e.id,
                name: e.name,
                industry: e.industry,
            });
            Ok::<_, StoreError>((lines.collect(), page.total))
        })
        .await?
    } else {
        (Vec::new(), Pager::new(0, 1, PER_PAGE, |n| format!("/policies/{id}?page={n}")))
    };
    let stage = DeliveryStage::parse(&q.stage).filter(|_| !q.stage.is_empty());
    let stage_code = stage.map_or("", DeliveryStage::as_str);
    // The records are listed for those who see the matches; an enterprise sees its own line only (`own`).
    let delivery_link = |n| format!("/policies/{id}?stage={stage_code}&dpage={n}#deliveries");
    let (deliveries, delivery_pager) = if sees_matches {
        let asked = q.dpage.trim().parse().unwrap_or(1);
        paged(asked, PER_PAGE, delivery_link, |n| async move {
            let filter = DeliveryFilter {
                policy_id: Some(id),
                stage,
                offset: (n - 1) * PER_PAGE,
                limit: PER_PAGE,
                ..DeliveryFilter::default()
            };
            let page = store.deliveries_for(user, filter).await?;
            let lines = page.items.iter().map(|r| DeliveryLine {
                enterprise_id: r.enterprise_id,
                enterprise_name: r.enterprise_name.clone(),
                stage: r.delivery.stage.label(),
                steps: super::policy_deliveries::step_lines(r),
            });
            Ok::<_, StoreError>((lines.collect(), page.total))
        })
        .await?
    } else {
        (Vec::new(), Pager::new(0, 1, PER_PAGE, delivery_link))
    };
    let may_edit = WRITERS.iter().any(|r| user.has(*r)) && store.may_edit_policy(user, id).await?;
    let waiting = if p.policy.no_application && may_edit {
        let filter = DeliveryFilter {
            policy_id: Some(id),
            stage: Some(DeliveryStage::Proposed),
            limit: 1,
            ..DeliveryFilter::default()
        };
        store.deliveries_for(user, filter).await?.total
    } else {
        0
    };
    let own = match user.enterprise_id.filter(|_| user.has(Role::Enterprise)) {
        Some(e) => {
            let filter =
                DeliveryFilter { policy_id: Some(id), enterprise_id: Some(e), limit: 1, ..DeliveryFilter::default() };
            Some((e, stage_of(store.deliveries_for(user, filter).await?.items.first())))
        }
        None => None,
    };
    let n = q.n.unwrap_or(0);
    let flash_ok = match q.done.as_deref() {
        Some("create") => Some("政策已登记。".to_owned()),
        Some("edit") => Some("政策已保存。".to_owned()),
        Some("drawn") if n == 0 => Some("没有新的符合条件企业，兑现名单未变。".to_owned()),
        Some("drawn") => Some(format!("已将{n}户符合条件的企业列入兑现名单，请逐户或统一确认兑现。")),
        Some("confirmed") => Some(format!("已确认兑现{n}户。")),
        Some("files") => Some(format!("已上传{n}个附件。")),
        Some("removed") => Some("附件已删除。".to_owned()),
        _ => None,
    };
    let files = store.policy_files_for(user, id).await?;
    let page = PolicyPage {
        shell: v.shell(p.policy.title.clone(), "/policies"),
        standing: p.standing(today),
        validity: validity(&p.policy),
        cap: p.policy.cap.map(yuan).unwrap_or_default(),
        conditions: p.policy.conditions.describe(),
        may_edit,
        flash_ok,
        flash_error: error,
        lines,
        pager,
        sees_matches,
        deliveries,
        delivery_pager,
        stage: stage_code.to_owned(),
        stages: DeliveryStage::ALL,
        waiting,
        own,
        question_key: form_key(),
        today: today.to_string(),
        files,
        p,
    };
    Ok(render_with(status, &page))
}

/// `/policies/{id}/matches.xlsx`: every enterprise that qualifies today (up to the export cap), for the cadres who
/// bring the policy to them.
pub async fn matches_export(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    if let Err(r) = v.require(&[Role::Dispatcher, Role::Leader, Role::Handler, Role::Cadre]) {
        return Ok(r);
    }
    let user = &v.caller.user;
    let today = zhuqi_domain::time::today();
    let policy = store.policy_for(user, id).await?;
    let page = store.policy_matches_for(user, id, today, 0, EXPORT_CAP).await?;
    let regions: std::collections::HashMap<String, String> =
        store.regions().await?.into_iter().map(|r| (r.code, r.name)).collect();
    let whole = zhuqi_api::org::sees_whole_phone(user);
    let rows: Vec<[String; 7]> = page
        .items
        .into_iter()
        .map(|e| {
            let phone = e.contact_phone.as_ref().map(|ph| if whole { ph.as_str().to_owned() } else { ph.masked() });
            [
                e.name,
                e.uscc.as_str().to_owned(),
                regions.get(e.region_code.as_str()).cloned().unwrap_or_default(),
                e.industry,
                e.contact_name.unwrap_or_default(),
                phone.unwrap_or_default(),
                policy.policy.title.clone(),
            ]
        })
        .collect();
    let heads = ["企业名称", "统一社会信用代码", "所在地区", "产业链", "联系人", "联系电话", "符合政策"];
    Ok(super::page::sheet_download("符合政策企业", heads, rows, page.total > EXPORT_CAP).await?)
}
