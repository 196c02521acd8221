//! Enterprises: the public sign-up of an enterprise account (企业注册), an enterprise's own record, the cadre's
//! enterprises (包联企业) with their items and visits (走访), and the record of a visit.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_api::auth::hash_password;
use zhuqi_domain::policy::{MAX_EMPLOYEES, RevenueBand, TaxCredit};
use zhuqi_domain::{Phone, RegionCode, Role, Uscc};
use zhuqi_store::{
    AppealFilter, DeliveryFilter, DeliveryPage, EnterpriseProfile, EnterpriseRecord, NewEnterprise, NewUser, NewVisit,
    RegionRecord, Store, StoreError, VisitRecord,
};

use super::csrf::{self, Checked};
use super::page::{
    Done, EXPORT_CAP, Errors, PageResult, Pager, Shell, Viewer, chinese, every_row, paged, render, render_with,
};
use super::view::{Row, row};

/// The enterprise form as typed (sign-up adds the account's fields).
#[derive(Debug, Default, Deserialize)]
pub struct EnterpriseInput {
    /// The form's idempotency key: posted twice, it creates once.
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    above_scale: Option<String>,
    #[serde(default)]
    small_micro: Option<String>,
    #[serde(default)]
    specialized: Option<String>,
    #[serde(default)]
    little_giant: Option<String>,
    #[serde(default)]
    high_tech: Option<String>,
    /// 成立日期, YYYY-MM-DD
    #[serde(default)]
    registered_on: String,
    #[serde(default)]
    employees: String,
    #[serde(default)]
    revenue_band: String,
    #[serde(default)]
    tax_credit: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

impl EnterpriseInput {
    /// An empty form with its own idempotency key.
    fn fresh() -> EnterpriseInput {
        EnterpriseInput { idempotency_key: super::page::form_key(), ..EnterpriseInput::default() }
    }
}

/// The enterprise these fields describe, or the message for each wrong field.
fn enterprise_of(
    i: &EnterpriseInput,
    regions: &[RegionRecord],
    industries: &[String],
    errors: &mut Errors,
) -> Option<NewEnterprise> {
    let name = i.name.trim();
    if name.is_empty() {
        errors.add("name", "请填写企业名称");
    } else if name.chars().count() > 100 {
        errors.add("name", "企业名称最多100字");
    }
    let uscc = Uscc::parse(&i.uscc).map_err(|e| errors.add("uscc", chinese(&e.to_string().to_owned()))).ok();
    let region = match RegionCode::parse(i.region.trim()) {
        Ok(r) if regions.iter().any(|x| x.code == r.as_str()) => Some(r),
        _ => {
            errors.add("region", "请选择所在县（市、区）");
            None
        }
    };
    if !industries.iter().any(|x| x == i.industry.trim()) {
        errors.add("industry", "请选择所属产业链");
    }
    let contact_name = Some(i.contact_name.trim().to_owned()).filter(|n| !n.is_empty());
    if contact_name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        errors.add("contact_name", "联系人最多50字");
    }
    let phone = match i.contact_phone.trim() {
        "" => None,
        p => Phone::parse(p).map_err(|e| errors.add("contact_phone", chinese(&e.to_string().to_owned()))).ok(),
    };
    let profile = profile_of(i, errors);
    let (uscc, region) = (uscc?, region?);
    errors.is_empty().then(|| NewEnterprise {
        name: name.to_owned(),
        uscc,
        region,
        industry: i.industry.trim().to_owned(),
        above_scale: i.above_scale.is_some(),
        small_micro: i.small_micro.is_some(),
        specialized: i.specialized.is_some(),
        little_giant: i.little_giant.is_some(),
        contact_name,
        contact_phone: phone,
        created_at: Timestamp::now(),
        profile,
    })
}

/// The facts policies read (each may be left empty), or the message for each wrong one.
fn profile_of(i: &EnterpriseInput, errors: &mut Errors) -> EnterpriseProfile {
    let registered_on = match i.registered_on.trim() {
        "" => None,
        d => match d.parse::<Date>() {
            Ok(d) if d <= zhuqi_domain::time::today() => Some(d),
            Ok(_) => {
                errors.add("registered_on", "成立日期不能晚于今天");
                None
            }
            Err(_) => {
                errors.add("registered_on", "成立日期格式应为 2019-05-20");
                None
            }
        },
    };
    let employees = match i.employees.trim() {
        "" => None,
        n => match n.parse::<u32>() {
            Ok(n) if n <= MAX_EMPLOYEES => Some(n),
            _ => {
                errors.add("employees", "从业人数请填写0或正整数");
                None
            }
        },
    };
    let revenue = RevenueBand::parse(&i.revenue_band);
    if revenue.is_none() && !i.revenue_band.trim().is_empty() {
        errors.add("revenue_band", "请选择营业收入档次");
    }
    let tax_credit = TaxCredit::parse(&i.tax_credit);
    if tax_credit.is_none() && !i.tax_credit.trim().is_empty() {
        errors.add("tax_credit", "请选择纳税信用等级");
    }
    EnterpriseProfile { high_tech: i.high_tech.is_some(), registered_on, employees, revenue, tax_credit }
}

impl EnterpriseInput {
    /// The form filled in with the record as it stands (the edit form).
    fn of(e: &EnterpriseRecord) -> EnterpriseInput {
        let flag = |on: bool| on.then(|| "1".to_owned());
        let p = &e.profile;
        EnterpriseInput {
            name: e.name.clone(),
            uscc: e.uscc.as_str().to_owned(),
            region: e.region_code.as_str().to_owned(),
            industry: e.industry.clone(),
            above_scale: flag(e.above_scale),
            small_micro: flag(e.small_micro),
            specialized: flag(e.specialized),
            little_giant: flag(e.little_giant),
            high_tech: flag(p.high_tech),
            registered_on: p.registered_on.map(|d| d.to_string()).unwrap_or_default(),
            employees: p.employees.map(|n| n.to_string()).unwrap_or_default(),
            revenue_band: p.revenue.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            tax_credit: p.tax_credit.map(|t| t.as_str().to_owned()).unwrap_or_default(),
            contact_name: e.contact_name.clone().unwrap_or_default(),
            contact_phone: e.contact_phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
            ..EnterpriseInput::default()
        }
    }
}

#[derive(Template)]
#[template(path = "enterprise_form.html")]
struct EnterpriseForm {
    /// `None` before sign-in (the public sign-up page has no navigation).
    shell: Option<Shell>,
    heading: &'static str,
    action: String,
    signup: bool,
    /// Correcting a record: its USCC is shown, not typed.
    editing: bool,
    revenue_bands: &'static [RevenueBand],
    tax_credits: &'static [TaxCredit],
    csrf: String,
    typed: EnterpriseInput,
    errors: Errors,
    form_error: Option<String>,
    regions: Vec<RegionRecord>,
    industries: Vec<String>,
}

/// Counties and districts: where an enterprise is registered.
async fn counties(store: &Store) -> Result<Vec<RegionRecord>, StoreError> {
    Ok(store.regions().await?.into_iter().filter(|r| r.level == "county" && r.active).collect())
}

// ---- public sign-up ----

pub async fn signup_page(State(store): State<Store>, headers: HeaderMap) -> PageResult {
    let (token, set) = csrf::anonymous(&headers);
    let page = signup_form(&store, token, EnterpriseInput::fresh(), Errors::default(), None).await?;
    Ok(csrf::with_cookie(render(&page), set))
}

async fn signup_form(
    store: &Store,
    csrf: String,
    typed: EnterpriseInput,
    errors: Errors,
    form_error: Option<String>,
) -> Result<EnterpriseForm, StoreError> {
    Ok(EnterpriseForm {
        shell: None,
        heading: "企业注册",
        action: "/register".into(),
        signup: true,
        editing: false,
        revenue_bands: RevenueBand::ALL,
        tax_credits: TaxCredit::ALL,
        csrf,
        typed,
        errors,
        form_error,
        regions: counties(store).await?,
        industries: store.industries().await?,
    })
}

pub async fn signup(
    State(store): State<Store>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Checked(mut i): Checked<EnterpriseInput>,
) -> PageResult {
    let regions = counties(&store).await?;
    let mut errors = Errors::default();
    let enterprise = enterprise_of(&i, &regions, &store.industries().await?, &mut errors);
    let username = i.username.trim().to_owned();
    if username.chars().count() < 3 || username.chars().count() > 32 || username.chars().any(char::is_whitespace) {
        errors.add("username", "用户名为3至32个字符，不含空格");
    }
    if let Err(e) = zhuqi_auth::password::check_rules(&i.password) {
        errors.add("password", e.to_owned());
    } else if i.password != i.password_again {
        errors.add("password_again", "两次输入的密码不一致");
    }
    let again = |i: &mut EnterpriseInput| {
        // A refused form never sends the password back to the browser.
        i.password.clear();
        i.password_again.clear();
    };
    let (Some(enterprise), true) = (enterprise, errors.is_empty()) else {
        again(&mut i);
        let (token, _) = csrf::anonymous(&headers);
        let page = signup_form(&store, token, i, errors, None).await?;
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let hash = hash_password(std::mem::take(&mut i.password)).await?;
    let user = NewUser {
        username: username.clone(),
        display_name: enterprise.contact_name.clone().unwrap_or_else(|| enterprise.name.clone()),
        password_hash: Some(hash),
        must_change_password: false,
        region: Some(enterprise.region.clone()),
        unit_id: None,
        enterprise_id: None,
        phone: enterprise.contact_phone.clone(),
        roles: vec![Role::Enterprise],
        created_at: Timestamp::now(),
    };
    let key = zhuqi_store::IdempotencyKey::parse(&i.idempotency_key).ok();
    match store.sign_up_enterprise(&addr.ip().to_string(), user, enterprise, key).await {
        Ok(_) => Ok(Redirect::to("/signin?registered=1").into_response()),
        Err(e @ (StoreError::Duplicate(_) | StoreError::Invalid(_) | StoreError::MissingReference(_))) => {
            again(&mut i);
            let (token, _) = csrf::anonymous(&headers);
            let page =
                signup_form(&store, token, i, Errors::default(), Some(chinese(&e.to_string()).to_owned())).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- correcting a record ----

/// The roles offered the edit form (the store decides for each record: see `Store::edit_enterprise_as`).
const EDITORS: &[Role] = &[Role::Sysadmin, Role::Dispatcher, Role::Cadre, Role::Enterprise];

async fn edit_form(
    store: &Store,
    v: &Viewer,
    id: i64,
    typed: EnterpriseInput,
    errors: Errors,
    form_error: Option<String>,
) -> Result<EnterpriseForm, StoreError> {
    Ok(EnterpriseForm {
        shell: Some(v.shell("修改企业信息", if v.has(Role::Enterprise) { "/enterprise" } else { "/enterprises" })),
        heading: "修改企业信息",
        action: format!("/enterprises/{id}/edit"),
        signup: false,
        editing: true,
        revenue_bands: RevenueBand::ALL,
        tax_credits: TaxCredit::ALL,
        csrf: v.csrf.clone(),
        typed,
        errors,
        form_error,
        regions: counties(store).await?,
        industries: store.industries().await?,
    })
}

/// `/enterprises/{id}/edit`: the record's form, filled in.
pub async fn edit(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    if let Err(r) = v.require(EDITORS) {
        return Ok(r);
    }
    let e = store.enterprise_for(&v.caller.user, id).await?;
    Ok(render(&edit_form(&store, &v, id, EnterpriseInput::of(&e), Errors::default(), None).await?))
}

pub async fn save(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(mut i): Checked<EnterpriseInput>,
) -> PageResult {
    if let Err(r) = v.require(EDITORS) {
        return Ok(r);
    }
    // The USCC is not typed on this form: it is the record's own.
    let before = store.enterprise_for(&v.caller.user, id).await?;
    i.uscc = before.uscc.as_str().to_owned();
    let regions = counties(&store).await?;
    let mut errors = Errors::default();
    let Some(edit) = enterprise_of(&i, &regions, &store.industries().await?, &mut errors) else {
        let page = edit_form(&store, &v, id, i, errors, None).await?;
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    match store.edit_enterprise_as(&v.caller.user, &v.caller.source, id, edit).await {
        Ok(_) if v.caller.user.enterprise_id == Some(id) => Ok(Redirect::to("/enterprise?done=edit").into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/enterprises/{id}?done=edit")).into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Forbidden(_))) => {
            let page =
                edit_form(&store, &v, id, i, Errors::default(), Some(chinese(&e.to_string()).to_owned())).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- an enterprise's own record ----

/// How many 送达与兑现 records an enterprise's page lists.
const DELIVERIES_SHOWN: usize = 200;

/// A policy's record with the enterprise, on its page.
struct OwnDelivery {
    policy_id: i64,
    policy_title: String,
    stage: &'static str,
    steps: Vec<super::policy_deliveries::StepLine>,
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct EnterprisePage {
    shell: Shell,
    e: EnterpriseRecord,
    may_edit: bool,
    /// 惠企政策: those it qualifies for, then those it nearly does.
    policies: Vec<super::policies::FitLine>,
    /// The enterprise's 送达与兑现 records, latest first (at most `DELIVERIES_SHOWN`), and how many in all.
    deliveries: Vec<OwnDelivery>,
    delivery_total: usize,
    region: String,
    phone: String,
    rows: Vec<Row>,
    visits: Vec<VisitRecord>,
    may_visit: bool,
    /// 包联: the work group serving the enterprise, linked for those who keep work groups.
    work_group: Option<(i64, String)>,
    keeps_groups: bool,
    visit_typed: VisitInput,
    visit_errors: Errors,
    flash_ok: Option<String>,
    today: String,
}

/// `/enterprise`: the signed-in enterprise's own record, or the form to register it if an administrator made the
/// account before the enterprise existed.
pub async fn own(State(store): State<Store>, v: Viewer, Query(d): Query<Done>) -> PageResult {
    if let Err(r) = v.require(&[Role::Enterprise]) {
        return Ok(r);
    }
    let flash = d.is().then(|| "企业信息已保存。".to_owned());
    match v.caller.user.enterprise_id {
        Some(id) => detail(&store, &v, id, VisitInput::default(), Errors::default(), flash, StatusCode::OK).await,
        None => {
            let page = own_form(&store, &v, EnterpriseInput::fresh(), Errors::default(), None).await?;
            Ok(render(&page))
        }
    }
}

async fn own_form(
    store: &Store,
    v: &Viewer,
    typed: EnterpriseInput,
    errors: Errors,
    form_error: Option<String>,
) -> Result<EnterpriseForm, StoreError> {
    Ok(EnterpriseForm {
        shell: Some(v.shell("登记企业信息", "/enterprise")),
        heading: "登记企业信息",
        action: "/enterprise".into(),
        signup: false,
        editing: false,
        revenue_bands: RevenueBand::ALL,
        tax_credits: TaxCredit::ALL,
        csrf: v.csrf.clone(),
        typed,
        errors,
        form_error,
        regions: counties(store).await?,
        industries: store.industries().await?,
    })
}

pub async fn register_own(State(store): State<Store>, v: Viewer, Checked(i): Checked<EnterpriseInput>) -> PageResult {
    if let Err(r) = v.require(&[Role::Enterprise]) {
        return Ok(r);
    }
    let regions = counties(&store).await?;
    let mut errors = Errors::default();
    let Some(new) = enterprise_of(&i, &regions, &store.industries().await?, &mut errors) else {
        let page = own_form(&store, &v, i, errors, None).await?;
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let key = zhuqi_store::IdempotencyKey::parse(&i.idempotency_key).ok();
    match store.register_enterprise(&v.caller.user, &v.caller.source, new, key).await {
        Ok(_) => Ok(Redirect::to("/portal").into_response()),
        Err(e @ (StoreError::Duplicate(_) | StoreError::Invalid(_) | StoreError::Forbidden(_))) => {
            let page = own_form(&store, &v, i, Errors::default(), Some(chinese(&e.to_string()).to_owned())).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the cadre's enterprises and visits ----

#[derive(Debug, Default, Deserialize)]
pub struct VisitInput {
    #[serde(default)]
    visited_on: String,
    #[serde(default)]
    notes: String,
    /// The form's idempotency key: posted twice, the form records one visit.
    #[serde(default)]
    idempotency_key: String,
}

pub async fn show(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    let flash =
        d.done.as_deref().map(|d| if d == "edit" { "企业信息已保存。" } else { "走访记录已保存。" }.to_owned());
    let fresh = VisitInput { idempotency_key: super::page::form_key(), ..VisitInput::default() };
    detail(&store, &v, id, fresh, Errors::default(), flash, StatusCode::OK).await
}

async fn detail(
    store: &Store,
    v: &Viewer,
    id: i64,
    visit_typed: VisitInput,
    visit_errors: Errors,
    flash_ok: Option<String>,
    status: StatusCode,
) -> PageResult {
    let p = &v.caller.user;
    let e = store.enterprise_for(p, id).await?;
    let (cal, today) = (store.calendar(), zhuqi_domain::time::today());
    let filter = AppealFilter { enterprise_id: Some(id), limit: 50, ..AppealFilter::default() };
    let rows = store.list_appeals(p, filter, today).await?.items.iter().map(|s| row(s, &cal, today)).collect();
    let sees_visits = [Role::Cadre, Role::Dispatcher, Role::Leader, Role::Enterprise].iter().any(|r| p.has(*r));
    let visits = if sees_visits { store.visits_for(p, Some(id), 20).await? } else { Vec::new() };
    let region = store
        .regions()
        .await?
        .into_iter()
        .find(|r| r.code == e.region_code.as_str())
        .map_or_else(String::new, |r| r.name);
    let phone = e
        .contact_phone
        .as_ref()
        .map(|ph| if zhuqi_api::org::sees_whole_phone(p) { ph.as_str().to_owned() } else { ph.masked() })
        .unwrap_or_default();
    let work_group = store.work_group_of_enterprise(e.id).await?;
    let (mut policies, deliveries) = if super::policies::READERS.iter().any(|r| p.has(*r)) {
        let fits = store.enterprise_policies_for(p, id, today).await?;
        let filter = DeliveryFilter { enterprise_id: Some(id), limit: DELIVERIES_SHOWN, ..DeliveryFilter::default() };
        let fits: Vec<super::policies::FitLine> = fits.into_iter().map(super::policies::FitLine::of).collect();
        (fits, store.deliveries_for(p, filter).await?)
    } else {
        (Vec::new(), DeliveryPage { items: Vec::new(), total: 0 })
    };
    for fit in &mut policies {
        if let Some(d) = deliveries.items.iter().find(|d| d.policy_id == fit.id) {
            fit.stage = d.delivery.stage.label();
        }
    }
    let delivery_total = deliveries.total;
    let deliveries: Vec<OwnDelivery> = deliveries
        .items
        .iter()
        .map(|d| OwnDelivery {
            policy_id: d.policy_id,
            policy_title: d.policy_title.clone(),
            stage: d.delivery.stage.label(),
            steps: super::policy_deliveries::step_lines(d),
        })
        .collect();
    let page = EnterprisePage {
        may_edit: EDITORS.iter().any(|r| p.has(*r)),
        policies,
        deliveries,
        delivery_total,
        shell: v.shell(e.name.clone(), if p.has(Role::Enterprise) { "/enterprise" } else { "/enterprises" }),
        work_group,
        keeps_groups: [Role::Dispatcher, Role::Sysadmin, Role::Leader].iter().any(|r| p.has(*r)),
        region,
        phone,
        rows,
        visits,
        may_visit: p.has(Role::Cadre),
        visit_typed,
        visit_errors,
        flash_ok,
        today: today.to_string(),
        e,
    };
    Ok(render_with(status, &page))
}

pub async fn record_visit(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(i): Checked<VisitInput>,
) -> PageResult {
    if let Err(r) = v.require(&[Role::Cadre]) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let visited_on =
        i.visited_on.trim().parse().map_err(|_| errors.add("visited_on", "请填写走访日期，如 2026-11-20")).ok();
    let notes = i.notes.trim();
    if notes.is_empty() {
        errors.add("notes", "请填写走访情况");
    }
    let Some(visited_on) = visited_on.filter(|_| errors.is_empty()) else {
        return detail(&store, &v, id, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewVisit { enterprise_id: id, visited_on, notes: notes.to_owned() };
    let key = zhuqi_store::IdempotencyKey::parse(&i.idempotency_key).ok();
    match store.record_visit(&v.caller.user, &v.caller.source, new, zhuqi_domain::time::today(), key).await {
        Ok(_) => Ok(Redirect::to(&format!("/enterprises/{id}?done=visit")).into_response()),
        Err(StoreError::Invalid(m)) => {
            let mut errors = Errors::default();
            errors.form = Some(chinese(&m).to_owned());
            detail(&store, &v, id, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct EnterpriseList {
    shell: Shell,
    q: String,
    items: Vec<(EnterpriseRecord, String)>,
    pager: Pager,
    export: String,
}

#[derive(Deserialize)]
pub struct EnterpriseQuery {
    q: Option<String>,
    page: Option<String>,
}

impl EnterpriseQuery {
    /// The search typed, if it is one (at most 100 characters).
    fn text(&self) -> Option<String> {
        self.q.as_deref().map(str::trim).filter(|t| !t.is_empty() && t.chars().count() <= 100).map(str::to_owned)
    }

    fn link(&self, path: &str, page: Option<usize>) -> String {
        let (q, page) = (self.text().unwrap_or_default(), page.map(|p| p.to_string()).unwrap_or_default());
        let pairs: Vec<(&str, &str)> =
            [("q", q.as_str()), ("page", page.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        match serde_html_form::to_string(&pairs) {
            Ok(query) if !query.is_empty() => format!("{path}?{query}"),
            _ => path.to_owned(),
        }
    }
}

const ENTERPRISE_READERS: &[Role] = &[Role::Cadre, Role::Dispatcher, Role::Leader];
const PER_PAGE: usize = 50;

/// `/enterprises`: the enterprises the viewer serves or oversees, searchable by name or credit code.
pub async fn list(State(store): State<Store>, v: Viewer, Query(q): Query<EnterpriseQuery>) -> PageResult {
    if let Err(r) = v.require(ENTERPRISE_READERS) {
        return Ok(r);
    }
    let text = q.text();
    let asked = q.page.as_deref().and_then(|p| p.trim().parse().ok()).unwrap_or(1usize);
    let (found, pager) = paged(
        asked,
        PER_PAGE,
        |n| q.link("/enterprises", Some(n)),
        |n| store.enterprise_page(&v.caller.user, None, text.clone(), n, PER_PAGE),
    )
    .await?;
    let regions = store.regions().await?;
    let items = found
        .into_iter()
        .map(|e| {
            let region =
                regions.iter().find(|r| r.code == e.region_code.as_str()).map_or_else(String::new, |r| r.name.clone());
            (e, region)
        })
        .collect();
    Ok(render(&EnterpriseList {
        shell: v.shell("包联企业", "/enterprises"),
        q: text.unwrap_or_default(),
        items,
        pager,
        export: q.link("/enterprises/export.xlsx", None),
    }))
}

/// `/enterprises/export.xlsx`: every enterprise the search finds, with its contact (the phone masked unless the
/// viewer's role sees whole numbers).
pub async fn export(State(store): State<Store>, v: Viewer, Query(q): Query<EnterpriseQuery>) -> PageResult {
    if let Err(r) = v.require(ENTERPRISE_READERS) {
        return Ok(r);
    }
    let (p, text) = (&v.caller.user, q.text());
    let (all, capped) = every_row(EXPORT_CAP, |n| store.enterprise_page(p, None, text.clone(), n, 1000)).await?;
    let regions: std::collections::HashMap<String, String> =
        store.regions().await?.into_iter().map(|r| (r.code, r.name)).collect();
    let whole = zhuqi_api::org::sees_whole_phone(p);
    let rows: Vec<[String; 7]> = all
        .into_iter()
        .map(|e| {
            let phone = e.contact_phone.as_ref().map(|ph| if whole { ph.as_str().to_owned() } else { ph.masked() });
            [
                e.name,
                e.uscc.as_str().to_owned(),
                regions.get(e.region_code.as_str()).cloned().unwrap_or_default(),
                e.industry,
                if e.above_scale { "是" } else { "否" }.to_owned(),
                e.contact_name.unwrap_or_default(),
                phone.unwrap_or_default(),
            ]
        })
        .collect();
    let heads = ["企业名称", "统一社会信用代码", "所在地区", "产业链", "规上企业", "联系人", "联系电话"];
    Ok(super::page::sheet_download("包联企业", heads, rows, capped).await?)
}

#[derive(Template)]
#[template(path = "visits.html")]
struct VisitList {
    shell: Shell,
    visits: Vec<VisitRecord>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

/// `/visits`: the visits in the viewer's scope, the latest first, 50 to a page.
pub async fn visits(State(store): State<Store>, v: Viewer, Query(q): Query<PageQuery>) -> PageResult {
    if let Err(r) = v.require(ENTERPRISE_READERS) {
        return Ok(r);
    }
    let asked = q.page.as_deref().and_then(|p| p.trim().parse().ok()).unwrap_or(1usize);
    let (visits, pager) =
        paged(asked, PER_PAGE, |n| format!("/visits?page={n}"), |n| store.visit_page(&v.caller.user, n, PER_PAGE))
            .await?;
    Ok(render(&VisitList { shell: v.shell("走访记录", "/visits"), visits, pager }))
}

/// `/visits/export.xlsx`: every visit in the viewer's scope (up to the cap of downloads), the latest first.
pub async fn visits_export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(ENTERPRISE_READERS) {
        return Ok(r);
    }
    let (visits, capped) = every_row(EXPORT_CAP, |n| store.visit_page(&v.caller.user, n, 1_000)).await?;
    let rows: Vec<[String; 5]> = visits
        .into_iter()
        .map(|vi| {
            [
                vi.visited_on.to_string(),
                vi.enterprise_name,
                vi.cadre_name,
                vi.notes,
                super::view::local_day(vi.created_at),
            ]
        })
        .collect();
    let heads = ["走访日期", "企业", "助企干部", "走访情况", "登记日期"];
    Ok(super::page::sheet_download("走访记录", heads, rows, capped).await?)
}
