//! 非公企业多元解纷 (issue 15): a workstation (多元解纷工作站) takes a case in, classifies it and transfers it to a
//! mediator (法治护航员), a court, an arbitration body or a unit; whoever took it records each mediation session and the
//! outcome; the enterprise party evaluates the service; leaders and the command office read the figures. The store
//! decides who may see and do what (`zhuqi_store::disputes`).
//!
//! - `/disputes`: the viewer's cases (a workstation's by stage; a mediator's or unit's desk; an enterprise's own);
//! - `/disputes/new`: the workstation's form (受理登记);
//! - `/disputes/{id}`: a case with its deadlines and history, and the steps the viewer may take;
//! - `/disputes/figures`: cases received, amount involved, mediated successfully, as of any date, by group.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::dispute::{DISPUTE_TYPES, Forum, Outcome};
use zhuqi_domain::{Action, ActionKind, DeadlinePolicy, Fen, Kind, Role, Stars, Status};
use zhuqi_store::{
    DisputeFigures, DisputeFilter, DisputeGrouping, DisputeRecord, EnterpriseRecord, IdempotencyKey, NewDispute, Store,
    StoreError, UnitRecord,
};

use super::csrf::Checked;
use super::page::{Done, Errors, PageResult, Shell, Viewer, chinese, error_page, form_key, render_with};
use super::view::{DueLine, actor_name, done_flash, due_lines, local, refused_step, watched};

const READERS: &[Role] = &[Role::Workstation, Role::Mediator, Role::Handler, Role::Leader, Role::Enterprise];
const FIGURE_READERS: &[Role] = &[Role::Workstation, Role::Leader, Role::Dispatcher];
/// The policy a transfer form offers first: mediation rarely ends within 13710's seven days.
const DEFAULT_POLICY: &str = "complex";
const PER_PAGE: usize = 30;

// ------------------------------------------------------------------------------------------------ the list

/// The stages a list offers: (view, label, statuses).
const VIEWS: [(&str, &str); 5] =
    [("submitted", "待分流"), ("open", "调解中"), ("answered", "待评价"), ("ended", "已结案"), ("all", "全部")];

fn statuses_of(view: &str) -> Vec<Status> {
    match view {
        "submitted" => vec![Status::Submitted],
        "open" => vec![Status::Assigned, Status::InProgress],
        "answered" => vec![Status::Answered],
        "ended" => vec![Status::Closed, Status::Withdrawn, Status::Invalid],
        _ => Vec::new(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    r#type: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    page: String,
}

/// One row of a case list.
struct Line {
    id: i64,
    number: String,
    parties: String,
    other_party: String,
    dispute_type: String,
    amount: String,
    holder: String,
    status: &'static str,
    status_label: &'static str,
    outcome: &'static str,
    light: String,
}

fn holder(d: &DisputeRecord) -> String {
    match (d.forum(), &d.mediator_name, &d.unit_name) {
        (Some(Forum::Mediator), Some(m), _) => format!("{m}（{}）", Forum::Mediator.label()),
        (Some(f), _, Some(u)) => format!("{u}（{}）", f.label()),
        _ => "待分流".to_owned(),
    }
}

fn line(d: &DisputeRecord, store: &Store, today: Date) -> Line {
    let (_, light) = watched(&d.state, &store.calendar(), today);
    Line {
        id: d.id,
        number: d.number.to_string(),
        parties: d.party_names(),
        other_party: d.other_party.clone(),
        dispute_type: d.state.category.clone(),
        amount: yuan(d.amount),
        holder: holder(d),
        status: d.state.status.as_str(),
        status_label: Kind::Dispute.status_label(d.state.status),
        outcome: d.outcome().map_or("", Outcome::label),
        light,
    }
}

/// An amount as the workstations write it: 万元 with two decimals.
fn yuan(f: Fen) -> String {
    f.to_wan_string()
}

#[derive(Template)]
#[template(path = "disputes.html")]
struct ListPage {
    shell: Shell,
    view: String,
    views: [(&'static str, &'static str); 5],
    dispute_type: String,
    outcome: String,
    types: [&'static str; 10],
    outcomes: [Outcome; 3],
    lines: Vec<Line>,
    pager: super::page::Pager,
    workstation: bool,
}

/// What a list's query asks for: the stage, the filter (without its page) and the query string that repeats it.
fn filter_of(v: &Viewer, q: &ListQuery) -> (String, DisputeFilter, String) {
    let default = if v.has(Role::Workstation) {
        "submitted"
    } else if v.has(Role::Enterprise) {
        "all"
    } else {
        "open"
    };
    let view = VIEWS.iter().map(|(k, _)| *k).find(|k| *k == q.view.trim()).unwrap_or(default).to_owned();
    let dispute_type = DISPUTE_TYPES.iter().find(|t| **t == q.r#type.trim()).map(|t| (*t).to_owned());
    let outcome = Outcome::parse(q.outcome.trim());
    // A mediator's or a unit's desk is what it holds; a workstation or leader sees its region.
    let held_by_me =
        (v.has(Role::Mediator) || v.has(Role::Handler)) && !v.has(Role::Workstation) && !v.has(Role::Leader);
    let query = format!(
        "view={view}&type={}&outcome={}",
        dispute_type.as_deref().unwrap_or(""),
        outcome.map_or("", Outcome::as_str)
    );
    let filter = DisputeFilter {
        statuses: statuses_of(&view),
        dispute_type,
        outcome,
        region: None,
        held_by_me,
        offset: 0,
        limit: PER_PAGE,
    };
    (view, filter, query)
}

/// `/disputes`: a workstation's cases by stage (待分流 first), a mediator's or unit's desk (the cases it holds), a
/// leader's, an enterprise's own.
pub async fn list(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let (view, filter, query) = filter_of(&v, &q);
    let asked = q.page.trim().parse().unwrap_or(1);
    let link = |n: usize| format!("/disputes?{query}&page={n}");
    let (rows, pager) = super::page::paged(asked, PER_PAGE, link, |n| {
        let filter = DisputeFilter { offset: (n - 1) * PER_PAGE, ..filter.clone() };
        let (store, p) = (&store, &v.caller.user);
        async move {
            let page = store.disputes_for(p, filter).await?;
            Ok::<_, StoreError>((page.items, page.total))
        }
    })
    .await?;
    let today = zhuqi_domain::time::today();
    let page = ListPage {
        shell: v.shell("纠纷案件", "/disputes"),
        lines: rows.iter().map(|d| line(d, &store, today)).collect(),
        view,
        views: VIEWS,
        dispute_type: filter.dispute_type.unwrap_or_default(),
        outcome: filter.outcome.map_or("", Outcome::as_str).to_owned(),
        types: DISPUTE_TYPES,
        outcomes: Outcome::ALL,
        pager,
        workstation: v.has(Role::Workstation),
    };
    Ok(render_with(StatusCode::OK, &page))
}

/// `/disputes/export.xlsx`: every case the viewer may see, as the 纠纷案件台账 `zhuqi export disputes` writes (so that it
/// imports into another installation as it is).
pub async fn export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    Ok(super::page::ledger_download(&store, &v, zhuqi_ledger::LedgerKind::Disputes, None, "纠纷案件台账.xlsx").await)
}

// ------------------------------------------------------------------------------------------------ a new case

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseForm {
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    enterprises: String,
    #[serde(default)]
    other_party: String,
    #[serde(default)]
    dispute_type: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    facts: String,
}

#[derive(Template)]
#[template(path = "dispute_new.html")]
struct NewPage {
    shell: Shell,
    typed: CaseForm,
    errors: Errors,
    types: [&'static str; 10],
}

fn new_page(v: &Viewer, typed: CaseForm, errors: Errors, status: StatusCode) -> PageResult {
    let page = NewPage { shell: v.shell("受理登记", "/disputes/new"), typed, errors, types: DISPUTE_TYPES };
    Ok(render_with(status, &page))
}

pub async fn new_case(v: Viewer) -> PageResult {
    if let Err(r) = v.require(&[Role::Workstation]) {
        return Ok(r);
    }
    let fresh = CaseForm { idempotency_key: form_key(), dispute_type: DISPUTE_TYPES[0].into(), ..CaseForm::default() };
    new_page(&v, fresh, Errors::default(), StatusCode::OK)
}

/// The enterprises a form names, one per line or separated by 、 or commas: each by its full name or credit code,
/// among those the viewer may see; or why not.
async fn named_enterprises(store: &Store, v: &Viewer, typed: &str) -> Result<Result<Vec<i64>, String>, StoreError> {
    let mut ids = Vec::new();
    for name in typed.split(['\n', '、', ',', '，', ';', '；']).map(str::trim).filter(|n| !n.is_empty()) {
        let (found, _) = store.enterprises_for(&v.caller.user, None, Some(name.to_owned()), None, 6).await?;
        let exact: Vec<&EnterpriseRecord> =
            found.iter().filter(|e| e.name == name || e.uscc.as_str() == name).collect();
        let any: Vec<&EnterpriseRecord> = found.iter().collect();
        match (exact.as_slice(), any.as_slice()) {
            ([one], _) | (_, [one]) => ids.push(one.id),
            (_, []) => return Ok(Err(format!("在本地区没有找到企业「{name}」"))),
            (_, many) => {
                let names: Vec<&str> = many.iter().take(5).map(|e| e.name.as_str()).collect();
                return Ok(Err(format!(
                    "「{name}」匹配到多家企业（{}…），请输入完整名称或统一社会信用代码",
                    names.join("、")
                )));
            }
        }
    }
    Ok(if ids.is_empty() { Err("请填写至少一家涉事企业".to_owned()) } else { Ok(ids) })
}

pub async fn create(State(store): State<Store>, v: Viewer, Checked(form): Checked<CaseForm>) -> PageResult {
    if let Err(r) = v.require(&[Role::Workstation]) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let enterprise_ids = match named_enterprises(&store, &v, &form.enterprises).await? {
        Ok(ids) => ids,
        Err(message) => {
            errors.add("enterprises", message);
            Vec::new()
        }
    };
    let other_party = form.other_party.trim().to_owned();
    if other_party.is_empty() {
        errors.add("other_party", "请填写对方当事人");
    } else if other_party.chars().count() > zhuqi_store::MAX_PARTY_NAME {
        errors.add("other_party", format!("对方当事人最多{}字", zhuqi_store::MAX_PARTY_NAME));
    }
    if !DISPUTE_TYPES.contains(&form.dispute_type.trim()) {
        errors.add("dispute_type", "请选择纠纷类型");
    }
    let amount = match Fen::parse(&form.amount) {
        Ok(a) => Some(a),
        Err(e) => {
            errors.add(
                "amount",
                format!("涉及金额有误：{}（如 386万、3860000 或 3,860,000.00）", chinese(&e.to_string())),
            );
            None
        }
    };
    let facts = form.facts.trim().to_owned();
    if facts.is_empty() {
        errors.add("facts", "请填写纠纷事实");
    } else if facts.chars().count() > 5000 {
        errors.add("facts", "纠纷事实最多5000字");
    }
    let (Some(amount), true) = (amount, errors.is_empty()) else {
        return new_page(&v, form, errors, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let new =
        NewDispute { enterprise_ids, other_party, dispute_type: form.dispute_type.trim().to_owned(), amount, facts };
    let key = IdempotencyKey::parse(&form.idempotency_key).ok();
    match store.create_dispute_as(&v.caller.user, &v.caller.source, new, Timestamp::now(), key).await {
        Ok(d) => Ok(Redirect::to(&format!("/disputes/{}?done=create", d.id)).into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Forbidden(_))) => {
            errors.form = Some(chinese(&e.to_string()).to_owned());
            new_page(&v, form, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------------------------------------ one case

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    forum: String,
    /// For a mediator: "mediator:{user id}"; for another forum: the unit's id.
    #[serde(default)]
    to: String,
    #[serde(default)]
    dispute_type: String,
    #[serde(default)]
    policy: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    agreed: String,
}

struct Entry {
    when: String,
    who: String,
    what: &'static str,
    detail: String,
    system: bool,
}

/// A step the viewer may take, with what its form asks for.
struct Step {
    kind: ActionKind,
    label: &'static str,
    /// The text field's label, or empty for none.
    asks: &'static str,
}

#[derive(Template)]
#[template(path = "dispute.html")]
struct CasePage {
    shell: Shell,
    d: DisputeRecord,
    status_label: &'static str,
    holder: String,
    light: String,
    dues: Vec<DueLine>,
    timeline: Vec<Entry>,
    steps: Vec<Step>,
    refused: Option<(ActionKind, String)>,
    typed: StepForm,
    flash: Option<String>,
    /// What a transfer form offers: mediators (user id, "name（workstation）") and units (id, name).
    mediators: Vec<(i64, String)>,
    units: Vec<UnitRecord>,
    policies: Vec<DeadlinePolicy>,
    types: [&'static str; 10],
    forums: [Forum; 4],
    outcomes: [Outcome; 3],
    stars: [(u8, &'static str); 5],
}

impl CasePage {
    fn refusal(&self, kind: &ActionKind) -> Option<&str> {
        self.refused.as_ref().filter(|(k, _)| k == kind).map(|(_, m)| m.as_str())
    }

    fn typed_text(&self, kind: &ActionKind) -> &str {
        if self.refusal(kind).is_some() { &self.typed.text } else { "" }
    }

    fn amount(&self, f: &Fen) -> String {
        yuan(*f)
    }

    fn chosen_policy(&self, code: &str) -> bool {
        let typed = self.typed.policy.trim();
        if typed.is_empty() { code == DEFAULT_POLICY } else { typed == code }
    }

    fn chosen_type(&self, t: &str) -> bool {
        let typed = self.typed.dispute_type.trim();
        if typed.is_empty() { t == self.d.state.category } else { typed == t }
    }
}

/// The steps a case's page offers: legal now, and one of the viewer's roles may take it here — a mediator or unit
/// only on the case it holds, an enterprise only on its own. (The store checks scope again.)
fn steps(v: &Viewer, d: &DisputeRecord) -> Vec<Step> {
    let p = &v.caller.user;
    let mediator = d.state.mediation.as_ref().and_then(|m| m.mediator_id);
    let may = |r: &Role| {
        v.has(*r)
            && match r {
                Role::Mediator => mediator == Some(p.user_id),
                Role::Handler => mediator.is_none() && d.state.unit_id.is_some() && d.state.unit_id == p.unit_id,
                Role::Enterprise => p.enterprise_id.is_some_and(|e| d.parties.iter().any(|x| x.enterprise_id == e)),
                _ => true,
            }
    };
    use ActionKind::*;
    [
        (Transfer, ""),
        (Acknowledge, ""),
        (Reply, "调解记录（时间、地点、参加人、双方意见）"),
        (Conclude, "结果说明"),
        (RequestExtension, "延期理由"),
        (Return, "退回理由"),
        (ApproveExtension, ""),
        (RefuseExtension, "不予延期的理由"),
        (Confirm, "评价意见（可不填）"),
        (Withdraw, "撤回原因"),
        (RejectInvalid, "不予受理的理由"),
        (Instruct, "批示内容"),
    ]
    .into_iter()
    .filter(|(k, _)| d.state.offers(*k) && Kind::Dispute.allowed_roles(*k).iter().any(may))
    .map(|(kind, asks)| Step { kind, label: Kind::Dispute.step_label(kind), asks })
    .collect()
}

fn action_of(kind: ActionKind, f: &StepForm, policies: &[DeadlinePolicy]) -> Result<Action, String> {
    let text = f.text.trim().to_owned();
    if text.chars().count() > 5000 {
        return Err("最多5000字".into());
    }
    let needed = |message: &str| if text.is_empty() { Err(message.to_owned()) } else { Ok(text.clone()) };
    Ok(match kind {
        ActionKind::Acknowledge => Action::Acknowledge,
        ActionKind::ApproveExtension => Action::ApproveExtension,
        ActionKind::Reply => Action::Reply { text: needed("请填写调解记录")? },
        ActionKind::Instruct => Action::Instruct { text: needed("请填写批示内容")? },
        ActionKind::Return => Action::Return { reason: needed("请说明退回理由")? },
        ActionKind::RefuseExtension => Action::RefuseExtension { reason: needed("请说明不予延期的理由")? },
        ActionKind::Withdraw => Action::Withdraw { reason: needed("请说明撤回原因")? },
        ActionKind::RejectInvalid => Action::RejectInvalid { reason: needed("请说明不予受理的理由")? },
        ActionKind::RequestExtension => {
            let days = match f.days.trim().parse::<u16>() {
                Ok(d) if (1..=60).contains(&d) => d,
                _ => return Err("延期天数须为1至60个工作日".into()),
            };
            Action::RequestExtension { days, reason: needed("请说明延期理由")? }
        }
        ActionKind::Confirm => {
            // Nothing is chosen for the enterprise: it clicks a star.
            let rating = f.rating.trim().parse::<u8>().ok().and_then(|n| Stars::new(n).ok());
            if rating.is_none() {
                return Err("请点选星级（1–5星）后提交评价".into());
            }
            Action::Confirm { rating, comment: text }
        }
        ActionKind::Conclude => {
            let outcome = Outcome::parse(f.outcome.trim()).ok_or("请选择调解结果")?;
            let agreed = match (outcome, f.agreed.trim()) {
                (Outcome::Mediated, "") => return Err("调解成功须填写达成金额（无金额的填0）".into()),
                (Outcome::Mediated, typed) => {
                    Some(Fen::parse(typed).map_err(|e| format!("达成金额有误：{}", chinese(&e.to_string())))?)
                }
                (_, "") => None,
                _ => return Err("只有调解成功才填写达成金额".into()),
            };
            Action::Conclude { outcome, agreed, text: needed("请填写结果说明")? }
        }
        ActionKind::Transfer => {
            let forum = Forum::parse(f.forum.trim()).ok_or("请选择移交去向")?;
            let category = f.dispute_type.trim().to_owned();
            let policy = policies.iter().find(|p| p.code == f.policy.trim()).cloned().ok_or("请选择时限规则")?;
            let to = f.to.trim();
            let (unit_id, mediator_id) = match (forum, to.strip_prefix("mediator:")) {
                (Forum::Mediator, Some(m)) => (0, Some(m.parse::<i64>().map_err(|_| "请选择调解员")?)),
                (Forum::Mediator, None) => return Err("请选择调解员".into()),
                (_, Some(_)) => return Err("移交法院、仲裁机构或职能部门时请选择单位".into()),
                (_, None) => (to.parse::<i64>().map_err(|_| "请选择接收单位")?, None),
            };
            Action::Transfer { forum, unit_id, mediator_id, category, policy }
        }
        _ => return Err("该操作不能在页面上进行".into()),
    })
}

/// What one event carried, in the words of the case's page.
fn detail(a: &Action, units: &HashMap<i64, String>, people: &HashMap<i64, String>) -> String {
    let unit = |u: &i64| units.get(u).cloned().unwrap_or_else(|| format!("单位{u}"));
    match a {
        Action::Create { category, .. } => format!("受理，纠纷类型：{category}"),
        Action::Transfer { forum, unit_id, mediator_id, category, policy } => {
            let to = match mediator_id {
                Some(m) => people.get(m).cloned().unwrap_or_else(|| format!("调解员{m}")),
                None => unit(unit_id),
            };
            format!("移交{}：{to}（{category}，{}）", forum.label(), policy.name)
        }
        Action::Conclude { outcome, agreed, text } => match agreed {
            Some(a) => format!("{}，达成金额{}：{text}", outcome.label(), yuan(*a)),
            None => format!("{}：{text}", outcome.label()),
        },
        Action::Reply { text } | Action::Instruct { text } => text.clone(),
        Action::Return { reason }
        | Action::RefuseExtension { reason }
        | Action::Withdraw { reason }
        | Action::RejectInvalid { reason } => reason.clone(),
        Action::RequestExtension { days, reason } => format!("申请延期{days}个工作日：{reason}"),
        Action::Confirm { rating, comment } => {
            let stars = rating.map(|r| format!("{}星", r.get())).unwrap_or_else(|| "未评分".into());
            format!("{stars} {comment}").trim().to_owned()
        }
        Action::Escalate { step, milestone } => format!("{}：{}", step.label(), milestone.label()),
        _ => String::new(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn case_page(
    store: &Store,
    v: &Viewer,
    d: DisputeRecord,
    refused: Option<(ActionKind, String)>,
    typed: StepForm,
    flash: Option<String>,
    status: StatusCode,
) -> PageResult {
    let p = &v.caller.user;
    let units = store.units().await?;
    let unit_names: HashMap<i64, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();
    let cal = store.calendar();
    let today = zhuqi_domain::time::today();
    let mediators = store.mediators_for(p).await?;
    let mut people: HashMap<i64, String> = mediators.iter().map(|(id, name, _, _)| (*id, name.clone())).collect();
    if let (Some(id), Some(name)) = (d.state.mediation.as_ref().and_then(|m| m.mediator_id), &d.mediator_name) {
        people.insert(id, name.clone());
    }
    let mut names = HashMap::new();
    let mut timeline = Vec::new();
    for e in store.dispute_events_for(p, d.id).await? {
        timeline.push(Entry {
            when: local(e.at),
            who: actor_name(store, &mut names, &e.actor).await,
            what: Kind::Dispute.step_label(e.action.kind()),
            detail: detail(&e.action, &unit_names, &people),
            system: e.actor.user_id.is_none(),
        });
    }
    let steps = steps(v, &d);
    let transfers = steps.iter().any(|s| s.kind == ActionKind::Transfer);
    let page = CasePage {
        shell: v.shell(format!("纠纷案件 {}", d.number), "/disputes"),
        status_label: Kind::Dispute.status_label(d.state.status),
        holder: holder(&d),
        light: watched(&d.state, &cal, today).1,
        dues: due_lines(&d.state, &cal, today),
        timeline,
        steps,
        refused,
        typed,
        flash,
        mediators: mediators.into_iter().map(|(id, name, _, station)| (id, format!("{name}（{station}）"))).collect(),
        units: if transfers { units.into_iter().filter(|u| u.active).collect() } else { Vec::new() },
        policies: if transfers { store.deadline_policies().await? } else { Vec::new() },
        types: DISPUTE_TYPES,
        forums: Forum::ALL,
        outcomes: Outcome::ALL,
        stars: [(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "很不满意")],
        d,
    };
    Ok(render_with(status, &page))
}

/// `/disputes/{id}`
pub async fn case(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let record = store.dispute_for(&v.caller.user, id).await?;
    let flash = done_flash(Kind::Dispute, d.done.as_deref());
    case_page(&store, &v, record, None, StepForm::default(), flash, StatusCode::OK).await
}

pub async fn act(
    State(store): State<Store>,
    v: Viewer,
    Path((id, name)): Path<(i64, String)>,
    Checked(form): Checked<StepForm>,
) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let p = &v.caller.user;
    let Some(kind) = ActionKind::parse(&name) else {
        return Ok(error_page(StatusCode::NOT_FOUND, "未找到", "没有这个操作。"));
    };
    let record = store.dispute_for(p, id).await?;
    let refuse = |record, message: String, form, status| {
        case_page(&store, &v, record, Some((kind, message)), form, None, status)
    };
    let Ok(version) = form.version.trim().parse::<u32>() else {
        let message = "页面已过期，请刷新后重试".to_owned();
        return refuse(record, message, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let policies = if kind == ActionKind::Transfer { store.deadline_policies().await? } else { Vec::new() };
    let mut action = match action_of(kind, &form, &policies) {
        Ok(a) => a,
        Err(message) => return refuse(record, message, form, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    // A mediator's case goes to the mediator's workstation as its unit.
    if let Action::Transfer { unit_id, mediator_id: Some(m), .. } = &mut action {
        match store.mediators_for(p).await?.into_iter().find(|(id, ..)| id == m) {
            Some((_, _, station, _)) => *unit_id = station,
            None => {
                let message = "所选调解员不在本地区".to_owned();
                return refuse(record, message, form, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        }
    }
    match store.act_on_dispute(p, &v.caller.source, id, version, action, Timestamp::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/disputes/{id}?done={}", kind.as_str())).into_response()),
        Err(e) => match refused_step(Kind::Dispute, kind, &e) {
            Some((message, status)) => refuse(store.dispute_for(p, id).await?, message, form, status).await,
            None => Err(e.into()),
        },
    }
}

// ------------------------------------------------------------------------------------------------ figures

#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    by: String,
}

#[derive(Template)]
#[template(path = "dispute_figures.html")]
struct FiguresPage {
    shell: Shell,
    f: DisputeFigures,
    by: DisputeGrouping,
    groupings: [DisputeGrouping; 3],
    sentence: String,
    error: Option<String>,
}

impl FiguresPage {
    fn yi(&self, f: &Fen) -> String {
        f.to_yi_string()
    }

    fn wan(&self, f: &Fen) -> String {
        f.to_wan_string()
    }

    fn rate(&self, t: &zhuqi_store::DisputeTally) -> String {
        t.success_per_mille().map_or_else(|| "—".to_owned(), |m| format!("{}.{}%", m / 10, m % 10))
    }
}

/// How a sentence names the viewer's region: 全市, 全省, or a county by name.
async fn area_word(store: &Store, v: &Viewer) -> Result<String, StoreError> {
    let Some(code) = v.caller.user.region.clone() else { return Ok("全市".to_owned()) };
    Ok(match code.level() {
        zhuqi_domain::RegionLevel::Province => "全省".to_owned(),
        zhuqi_domain::RegionLevel::City => "全市".to_owned(),
        zhuqi_domain::RegionLevel::County => store
            .regions()
            .await?
            .into_iter()
            .find(|r| r.code == code.as_str())
            .map_or("本县（区）".to_owned(), |r| r.name),
    })
}

/// `/disputes/figures`: the figures of the viewer's region as of a day (today by default), by workstation, type or
/// county, with the bulletin's sentence.
pub async fn figures(State(store): State<Store>, v: Viewer, Query(q): Query<FiguresQuery>) -> PageResult {
    if let Err(r) = v.require(FIGURE_READERS) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let (as_of, error) = match q.as_of.trim() {
        "" => (today, None),
        typed => match typed.parse::<Date>() {
            Ok(d) if d <= today => (d, None),
            Ok(_) => (today, Some("统计日期不能晚于今天，已显示截至今天的数据".to_owned())),
            Err(_) => (today, Some(format!("日期「{typed}」无法识别（如 2026-06-30），已显示截至今天的数据"))),
        },
    };
    let by = DisputeGrouping::parse(q.by.trim()).unwrap_or(DisputeGrouping::County);
    let f = store.dispute_figures(&v.caller.user, None, as_of, by).await?;
    let page = FiguresPage {
        shell: v.shell("解纷统计", "/disputes/figures"),
        sentence: zhuqi_reports::disputes::sentence(&area_word(&store, &v).await?, &f.total),
        f,
        by,
        groupings: DisputeGrouping::ALL,
        error,
    };
    Ok(render_with(StatusCode::OK, &page))
}
