//! One appeal: what was raised, where it stands against its 13710 deadlines, every event of its life, its
//! attachments, and a form for each action the viewer may take now. An action that is refused comes back to this
//! page with the message next to the field and what the user typed kept.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use zhuqi_api::error::ApiError;
use zhuqi_domain::{Action, ActionKind, DeadlinePolicy, Event, Level, Role, Stars, Status};
use zhuqi_store::{
    AppealRecord, AttachmentInfo, CategoryRecord, CoHandling, CommonIssueRecord, FILE_STEPS, Similar, Store,
    StoreError, UnitRecord,
};

use super::csrf::Posted;
use super::page::{Done, PageResult, Shell, Viewer, chinese, error_response, render_with};
use super::view::{DueLine, due_lines, local};

/// What an action form sends. Every field is text as typed, so a refused form can be shown again unchanged.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ActionInput {
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    co_unit_ids: Vec<String>,
    #[serde(default)]
    level: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    policy: String,
    #[serde(default)]
    common_issue_id: String,
    #[serde(default)]
    new_title: String,
}

impl Refusal {
    /// The 协办意见 form refused with `message`.
    pub(super) fn co_opinion(message: String) -> Self {
        Refusal { co_opinion: Some(message), ..Refusal::default() }
    }
}

impl ActionInput {
    /// A form with only its text typed (the 协办意见 form shares the page's way of keeping what was typed).
    pub(super) fn with_text(text: String) -> Self {
        ActionInput { text, ..ActionInput::default() }
    }
}

/// A refused action: which form, the message for each field, and one for the whole form. A refused 协办意见 has
/// no kind and its message in `co_opinion`.
#[derive(Default)]
pub(super) struct Refusal {
    kind: Option<ActionKind>,
    fields: Vec<(&'static str, String)>,
    form: Option<String>,
    co_opinion: Option<String>,
}

struct TimelineEntry {
    when: String,
    who: String,
    what: &'static str,
    detail: String,
    system: bool,
}

struct Fact {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "appeal.html")]
struct AppealPage {
    shell: Shell,
    id: i64,
    number: String,
    status: &'static str,
    status_label: &'static str,
    title: String,
    description: String,
    version: u32,
    facts: Vec<Fact>,
    /// 所属项目: the key project the appeal is linked to (id, name).
    project: Option<(i64, String)>,
    /// 咨询政策: the policy an enterprise's question is about (id, title).
    policy: Option<(i64, String)>,
    /// 共性问题: the issue it was merged into (id, title, whether the viewer may open its page).
    common_issue: Option<(i64, String, bool)>,
    dues: Vec<DueLine>,
    light_note: String,
    timeline: Vec<TimelineEntry>,
    attachments: Vec<AttachmentInfo>,
    actions: Vec<ActionKind>,
    flash_ok: Option<String>,
    flash_error: Option<String>,
    refusal: Refusal,
    typed: ActionInput,
    units: Vec<UnitRecord>,
    categories: Vec<CategoryRecord>,
    policies: Vec<DeadlinePolicy>,
    issues: Vec<CommonIssueRecord>,
    current_category: String,
    levels: [(&'static str, &'static str); 3],
    /// The rating buttons: stars and what they mean.
    stars: [(u8, &'static str); 5],
    auto_close_days: u32,
    /// The co-units and their opinions (staff only).
    co: CoHandling,
    /// The viewer's unit, when it co-handles this item while it is being handled: it may sign and give its opinion.
    co_unit: Option<i64>,
    /// Likely duplicates, for a dispatcher who may merge it.
    similar: Similar,
}

/// The action whose offer tells the enterprise a rating is awaited.
pub const CONFIRM: &ActionKind = &ActionKind::Confirm;

impl AppealPage {
    fn field_error(&self, kind: &ActionKind, field: &str) -> Option<&str> {
        (self.refusal.kind == Some(*kind))
            .then(|| self.refusal.fields.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str()))
            .flatten()
    }

    fn form_error(&self, kind: &ActionKind) -> Option<&str> {
        (self.refusal.kind == Some(*kind)).then_some(self.refusal.form.as_deref()).flatten()
    }

    /// The form is unfolded when it was just refused, or when it is the only thing to do here — unless that one
    /// thing ends or hands back the item (撤回, 退回, 无效), which nobody should do by a slip.
    fn is_open(&self, kind: &ActionKind) -> bool {
        let drastic = matches!(kind, ActionKind::Withdraw | ActionKind::Return | ActionKind::RejectInvalid);
        self.refusal.kind == Some(*kind) || (self.actions.len() == 1 && !drastic)
    }

    /// What the user typed into this form's field, if this is the form that was refused.
    fn typed(&self, kind: &ActionKind, field: &str) -> &str {
        if self.refusal.kind != Some(*kind) {
            return "";
        }
        let t = &self.typed;
        match field {
            "text" => &t.text,
            "reason" => &t.reason,
            "what" => &t.what,
            "days" => &t.days,
            "rating" => &t.rating,
            "comment" => &t.comment,
            "unit_id" => &t.unit_id,
            "level" => &t.level,
            "category" => &t.category,
            "policy" => &t.policy,
            "common_issue_id" => &t.common_issue_id,
            "new_title" => &t.new_title,
            _ => "",
        }
    }

    fn chosen(&self, kind: &ActionKind, field: &str, value: &str, default: &str) -> bool {
        let typed = self.typed(kind, field);
        if typed.is_empty() { value == default } else { typed == value }
    }

    /// The common issue the merge form starts on: the one typed, else the most alike of the suggested ones.
    fn issue_chosen(&self, kind: &ActionKind, id: &i64) -> bool {
        match self.typed(kind, "common_issue_id") {
            "" => self.refusal.kind != Some(*kind) && self.similar.issues.first().is_some_and(|i| i.id == *id),
            typed => typed == id.to_string(),
        }
    }

    fn co_unit_chosen(&self, kind: &ActionKind, id: &i64) -> bool {
        self.refusal.kind == Some(*kind) && self.typed.co_unit_ids.iter().any(|c| *c == id.to_string())
    }

    fn hint(&self, kind: &ActionKind) -> &'static str {
        hint(*kind)
    }

    /// Whether the form of `kind` takes files.
    fn takes_files(&self, kind: &ActionKind) -> bool {
        FILE_STEPS.contains(kind)
    }

    /// The files sent with the problem or one of the steps, opinions' files aside (shown with each opinion).
    fn exchanged_files(&self) -> impl Iterator<Item = &AttachmentInfo> {
        self.attachments.iter().filter(|a| a.co_opinion_id.is_none())
    }

    fn when(&self, at: &Timestamp) -> String {
        local(*at)
    }

    /// Whether the viewer's co-unit has yet to sign.
    fn co_awaits_signing(&self) -> bool {
        self.co_unit.is_some_and(|u| self.co.awaits_signing(u))
    }
}

/// What a file came with, as the list of files says it.
pub(super) fn step_label(a: &AttachmentInfo) -> &'static str {
    match a.step.as_deref() {
        None => "",
        Some("supply_material") => "补充材料",
        Some("reply") => "首次答复",
        Some("answer") => "办结答复",
        Some("co_opinion") => "协办意见",
        Some(_) => "办理过程",
    }
}

/// A line under each action's title saying what it does.
fn hint(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Submit => "提交后由指挥部交办。",
        ActionKind::Assign => "交办后承办单位须在1个工作日内签收（按所选时限规则计算）。",
        ActionKind::Acknowledge => "签收后开始办理；首次答复、办结、反馈期限按时限规则计算。",
        ActionKind::Reply => "首次答复（反馈办理意见），不结束办理。",
        ActionKind::Return => "非本单位职责的退回指挥部重新交办，须说明理由。",
        ActionKind::Answer => "答复办结后请企业确认；企业不满意将重办。",
        ActionKind::RequestExtension => "延期须指挥部批准，批准后办结期限顺延。",
        ActionKind::ApproveExtension => "批准后各期限按申请的工作日数顺延。",
        ActionKind::RefuseExtension => "不予延期，原期限不变。",
        ActionKind::RequestMaterial => "请企业补充材料期间暂停计时。",
        ActionKind::SupplyMaterial => "补充后恢复计时。",
        ActionKind::Confirm => "对答复满意请确认并评价（1–5星）。",
        ActionKind::Reject => "对答复不满意，诉求退回承办单位重办，并重新计时。",
        ActionKind::Withdraw => "问题已不需要办理时可以撤回。",
        ActionKind::RejectInvalid => "非涉企问题等无效诉求，须说明理由。",
        ActionKind::Merge => "同一原因的诉求并入共性问题，集中解决。",
        ActionKind::Instruct => "领导批示记入办理过程，承办单位可见。",
        _ => "",
    }
}

/// The actions a page offers: legal now, and one of the viewer's roles may take it — a unit only on its own items,
/// not on those it co-handles. (The store checks scope again.)
fn offered(v: &Viewer, record: &AppealRecord) -> Vec<ActionKind> {
    let lead_unit = record.state.unit_id.is_some() && record.state.unit_id == v.caller.user.unit_id;
    let may = |r: &Role| v.has(*r) && (*r != Role::Handler || lead_unit);
    ActionKind::ALL
        .into_iter()
        // 集中解决 is given on the common issue's page, for all its appeals at once.
        .filter(|k| {
            !matches!(k, ActionKind::Create | ActionKind::AutoClose | ActionKind::Escalate | ActionKind::ResolveCommon)
        })
        .filter(|k| record.state.offers(*k) && k.allowed_roles().iter().any(may))
        .collect()
}

pub async fn show(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    let record = store.appeal_for(&v.caller.user, id).await?;
    let flash_ok = match d.done.as_deref() {
        Some("co_sign") => Some("已签收协办事项。".to_owned()),
        Some("co_opinion") => Some("已提交协办意见，主办单位答复前可见。".to_owned()),
        done => done.and_then(ActionKind::parse).map(|k| format!("已{}。", k.label())),
    };
    page(&store, &v, record, flash_ok, None, Refusal::default(), ActionInput::default(), StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn page(
    store: &Store,
    v: &Viewer,
    record: AppealRecord,
    flash_ok: Option<String>,
    flash_error: Option<String>,
    refusal: Refusal,
    typed: ActionInput,
    status: StatusCode,
) -> PageResult {
    let p = &v.caller.user;
    let (cal, today) = (store.calendar(), zhuqi_domain::time::today());
    let events = store.appeal_events_for(p, record.id).await?;
    let attachments = store.attachments_for(p, record.id).await?;
    let units = store.units().await?;
    let categories = store.categories().await?;
    let enterprise = store.enterprise_for(p, record.enterprise_id).await.ok();
    let actions = offered(v, &record);
    let policies = if actions.contains(&ActionKind::Assign) { store.deadline_policies().await? } else { Vec::new() };
    let (issues, similar) = if actions.contains(&ActionKind::Merge) {
        (store.open_common_issues(p).await?, store.similar_to(p, record.id).await?)
    } else {
        (Vec::new(), Similar::default())
    };
    let unit_name = |id: i64| units.iter().find(|u| u.id == id).map_or_else(|| format!("单位{id}"), |u| u.name.clone());
    let category_name =
        |code: &str| categories.iter().find(|c| c.code == code).map_or_else(|| code.to_owned(), |c| c.name.clone());

    let s = &record.state;
    let mut facts = vec![
        Fact {
            label: "企业",
            value: enterprise.as_ref().map_or_else(|| format!("企业{}", record.enterprise_id), |e| e.name.clone()),
        },
        Fact { label: "问题类型", value: category_name(&s.category) },
        Fact { label: "来源", value: record.channel.label().to_owned() },
        Fact { label: "登记时间", value: local(s.created_at) },
    ];
    if let Some(e) = &enterprise
        && let Some(phone) = &e.contact_phone
    {
        let shown = if zhuqi_api::org::sees_whole_phone(p) { phone.as_str().to_owned() } else { phone.masked() };
        let who = e.contact_name.clone().unwrap_or_default();
        facts.push(Fact { label: "联系人", value: format!("{who} {shown}").trim().to_owned() });
    }
    if let Some(a) = record.amount {
        facts.push(Fact { label: "涉及金额", value: a.to_string() });
    }
    if let Some(level) = s.level {
        facts.push(Fact { label: "层级", value: level.label().to_owned() });
    }
    if let Some(u) = s.unit_id {
        facts.push(Fact { label: "承办单位", value: unit_name(u) });
    }
    if !s.co_unit_ids.is_empty() {
        let names: Vec<String> = s.co_unit_ids.iter().map(|u| unit_name(*u)).collect();
        facts.push(Fact { label: "协办单位", value: names.join("、") });
    }
    if let Some(clock) = &s.clock {
        facts.push(Fact { label: "时限规则", value: clock.policy.name.clone() });
    }
    if let Some(days) = s.pending_extension {
        facts.push(Fact {
            label: "延期申请", value: format!("申请延期{days}个工作日，待指挥部审批")
        });
    }
    // The common issue by its title, linked for the office that keeps it.
    let common_issue = match s.common_issue_id {
        Some(c) => Some(match store.common_issue_for(p, c).await {
            Ok(d) => (c, d.issue.title, true),
            Err(_) => (c, format!("第{c}号共性问题"), false),
        }),
        None => None,
    };
    if s.reopen_count > 0 {
        facts.push(Fact { label: "重办次数", value: s.reopen_count.to_string() });
    }
    if let Some(r) = s.rating {
        let comment = s.rating_comment.clone().unwrap_or_default();
        facts.push(Fact { label: "企业评价", value: format!("{}星 {comment}", r.get()).trim().to_owned() });
    }
    let project = store.appeal_project(p, record.id).await?;
    let policy = store.appeal_policy(p, record.id).await?;
    let co = store.co_handling_for(p, record.id).await?;
    let co_handled = matches!(s.status, Status::Assigned | Status::InProgress | Status::Waiting | Status::Reopened);
    let co_unit = p.unit_id.filter(|u| v.has(Role::Handler) && co.is_co_unit(*u) && co_handled);
    let light_note = s.light(&cal, today).map(|l| l.label().to_owned()).unwrap_or_default();
    let mut names = HashMap::new();
    let mut timeline = Vec::with_capacity(events.len());
    for e in &events {
        timeline.push(entry(store, &mut names, e, &unit_name).await);
    }
    let page = AppealPage {
        shell: v.shell(record.number.to_string(), ""),
        id: record.id,
        number: record.number.to_string(),
        status: s.status.as_str(),
        status_label: s.status.label(),
        title: record.title.clone(),
        description: record.description.clone(),
        version: s.version,
        facts,
        project,
        policy,
        common_issue,
        dues: due_lines(s, &cal, today),
        light_note,
        timeline,
        attachments,
        actions,
        flash_ok,
        flash_error,
        refusal,
        typed,
        current_category: s.category.clone(),
        units,
        categories,
        policies,
        issues,
        levels: [("county", "县区级"), ("city", "市级"), ("province", "省级")],
        stars: [(5, "满意"), (4, "基本满意"), (3, "一般"), (2, "较差"), (1, "很差")],
        auto_close_days: zhuqi_domain::AUTO_CLOSE_AFTER,
        co,
        co_unit,
        similar,
    };
    Ok(render_with(status, &page))
}

/// One event as the timeline shows it: when, who (name and role), what, and the words or choices it carried.
async fn entry(
    store: &Store,
    names: &mut HashMap<i64, String>,
    e: &Event,
    unit_name: &impl Fn(i64) -> String,
) -> TimelineEntry {
    let who = super::view::actor_name(store, names, &e.actor).await;
    let detail = match &e.action {
        Action::Create { draft, .. } => if *draft { "保存为草稿" } else { "登记并提交" }.to_owned(),
        Action::Assign { unit_id, co_unit_ids, level, policy, .. } => {
            let co: Vec<String> = co_unit_ids.iter().map(|u| unit_name(*u)).collect();
            let co = if co.is_empty() { String::new() } else { format!("，协办：{}", co.join("、")) };
            format!("交办至{}（{}，{}）{co}", unit_name(*unit_id), level.label(), policy.name)
        }
        Action::Reply { text }
        | Action::Answer { text }
        | Action::SupplyMaterial { text }
        | Action::Instruct { text } => text.clone(),
        Action::Return { reason }
        | Action::RefuseExtension { reason }
        | Action::Reject { reason }
        | Action::Withdraw { reason }
        | Action::RejectInvalid { reason } => reason.clone(),
        Action::RequestExtension { days, reason } => format!("申请延期{days}个工作日：{reason}"),
        Action::RequestMaterial { what } => what.clone(),
        Action::Confirm { rating, comment } => {
            let stars = rating.map(|r| format!("{}星", r.get())).unwrap_or_else(|| "未评分".into());
            format!("{stars} {comment}").trim().to_owned()
        }
        Action::Merge { common_issue_id } => format!("并入第{common_issue_id}号共性问题"),
        Action::ResolveCommon { text, unit_id } => {
            format!("共性问题集中解决（牵头单位：{}）：{text}", unit_name(*unit_id))
        }
        Action::Escalate { step, milestone } => format!("{}：{}", step.label(), milestone.label()),
        // A dispute case's own steps (its page: `disputes::detail`); an appeal never has them.
        Action::Transfer { .. } | Action::Conclude { .. } => String::new(),
        Action::Submit | Action::Acknowledge | Action::ApproveExtension | Action::AutoClose => String::new(),
    };
    TimelineEntry { when: local(e.at), who, what: e.action.kind().label(), detail, system: e.actor.user_id.is_none() }
}

fn required(fields: &mut Vec<(&'static str, String)>, name: &'static str, value: &str, message: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        fields.push((name, message.to_owned()));
    } else if v.chars().count() > 5000 {
        fields.push((name, "最多5000字".to_owned()));
    }
    v.to_owned()
}

/// The action a form asks for, or the message for each field that is wrong.
fn action_of(
    kind: ActionKind,
    i: &ActionInput,
    policies: &[DeadlinePolicy],
) -> Result<Action, Vec<(&'static str, String)>> {
    let mut f = Vec::new();
    let action = match kind {
        ActionKind::Submit => Action::Submit,
        ActionKind::Acknowledge => Action::Acknowledge,
        ActionKind::ApproveExtension => Action::ApproveExtension,
        ActionKind::Reply => Action::Reply { text: required(&mut f, "text", &i.text, "请填写答复内容") },
        ActionKind::Answer => Action::Answer { text: required(&mut f, "text", &i.text, "请填写办理结果") },
        ActionKind::SupplyMaterial => {
            Action::SupplyMaterial { text: required(&mut f, "text", &i.text, "请说明补充的内容") }
        }
        ActionKind::Instruct => Action::Instruct { text: required(&mut f, "text", &i.text, "请填写批示内容") },
        ActionKind::Return => Action::Return { reason: required(&mut f, "reason", &i.reason, "请说明退回理由") },
        ActionKind::RefuseExtension => {
            Action::RefuseExtension { reason: required(&mut f, "reason", &i.reason, "请说明不予延期的理由") }
        }
        ActionKind::Reject => {
            Action::Reject { reason: required(&mut f, "reason", &i.reason, "请说明不满意的原因") }
        }
        ActionKind::Withdraw => {
            Action::Withdraw { reason: required(&mut f, "reason", &i.reason, "请说明撤回原因") }
        }
        ActionKind::RejectInvalid => {
            Action::RejectInvalid { reason: required(&mut f, "reason", &i.reason, "请说明无效的理由") }
        }
        ActionKind::RequestMaterial => {
            Action::RequestMaterial { what: required(&mut f, "what", &i.what, "请写明需要补充的材料") }
        }
        ActionKind::RequestExtension => {
            let days = match i.days.trim().parse::<u16>() {
                Ok(d) if (1..=60).contains(&d) => d,
                _ => {
                    f.push(("days", "延期天数须为1至60个工作日".to_owned()));
                    0
                }
            };
            Action::RequestExtension { days, reason: required(&mut f, "reason", &i.reason, "请说明延期理由") }
        }
        ActionKind::Confirm => {
            // The page asks for a star: its buttons carry one each, and nothing is chosen for the enterprise.
            let rating = match i.rating.trim() {
                "" => {
                    f.push(("rating", "请点选星级（1–5星）后确认".to_owned()));
                    None
                }
                r => match r.parse::<u8>().ok().and_then(|n| Stars::new(n).ok()) {
                    Some(s) => Some(s),
                    None => {
                        f.push(("rating", "评分须为1至5星".to_owned()));
                        None
                    }
                },
            };
            if i.comment.chars().count() > 5000 {
                f.push(("comment", "评价最多5000字".to_owned()));
            }
            Action::Confirm { rating, comment: i.comment.trim().to_owned() }
        }
        ActionKind::Assign => {
            let unit_id = i.unit_id.trim().parse::<i64>().ok();
            if unit_id.is_none() {
                f.push(("unit_id", "请选择承办单位".to_owned()));
            }
            let level = Level::parse(i.level.trim());
            if level.is_none() {
                f.push(("level", "请选择交办层级".to_owned()));
            }
            if i.category.trim().is_empty() {
                f.push(("category", "请选择问题类型".to_owned()));
            }
            let policy = policies.iter().find(|p| p.code == i.policy.trim()).cloned();
            if policy.is_none() {
                f.push(("policy", "请选择时限规则".to_owned()));
            }
            let mut co_unit_ids = Vec::new();
            for c in i.co_unit_ids.iter().filter(|c| !c.trim().is_empty()) {
                match c.trim().parse::<i64>() {
                    Ok(id) if Some(id) == unit_id => f.push(("co_unit_ids", "协办单位不能与承办单位相同".to_owned())),
                    Ok(id) => co_unit_ids.push(id),
                    Err(_) => f.push(("co_unit_ids", "协办单位无效".to_owned())),
                }
            }
            match (unit_id, level, policy) {
                (Some(unit_id), Some(level), Some(policy)) if f.is_empty() => {
                    Action::Assign { unit_id, co_unit_ids, level, category: i.category.trim().to_owned(), policy }
                }
                _ => return Err(f),
            }
        }
        ActionKind::Merge => match i.common_issue_id.trim() {
            // No issue chosen: a new one is made with this title (`merge_into_new`), marked here by id 0.
            "" => {
                let title = required(&mut f, "new_title", &i.new_title, "请选择已有共性问题或填写新共性问题的名称");
                if title.chars().count() > 100 {
                    f.push(("new_title", "名称最多100字".to_owned()));
                }
                Action::Merge { common_issue_id: 0 }
            }
            id => match id.parse::<i64>() {
                Ok(id) if id > 0 => Action::Merge { common_issue_id: id },
                _ => {
                    f.push(("common_issue_id", "共性问题无效".to_owned()));
                    Action::Merge { common_issue_id: 0 }
                }
            },
        },
        ActionKind::Create
        | ActionKind::AutoClose
        | ActionKind::Escalate
        | ActionKind::ResolveCommon
        | ActionKind::Transfer
        | ActionKind::Conclude => {
            f.push(("", "该操作不能在页面上进行".to_owned()));
            Action::Submit
        }
    };
    if f.is_empty() { Ok(action) } else { Err(f) }
}

pub async fn act(
    State(store): State<Store>,
    v: Viewer,
    Path((id, name)): Path<(i64, String)>,
    Posted { form: input, files }: Posted<ActionInput>,
) -> PageResult {
    let p = &v.caller.user;
    let Some(kind) = ActionKind::parse(&name) else { return Ok(not_found()) };
    let record = store.appeal_for(p, id).await?;
    let Ok(version) = input.version.trim().parse::<u32>() else {
        return Err(ApiError::invalid("invalid_version", "页面已过期，请刷新后重试").into());
    };
    let policies = if kind == ActionKind::Assign { store.deadline_policies().await? } else { Vec::new() };
    let refuse = |fields, form: Option<String>| Refusal { kind: Some(kind), fields, form, co_opinion: None };
    let action = match action_of(kind, &input, &policies) {
        Ok(a) => a,
        Err(fields) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&store, &v, record, None, None, refuse(fields, None), input, status).await;
        }
    };
    let now = Timestamp::now();
    let result = match action {
        Action::Merge { common_issue_id: 0 } => {
            store.merge_into_new(p, &v.caller.source, id, version, input.new_title.trim().to_owned(), now).await
        }
        action => store.act_with_files(p, &v.caller.source, id, version, action, files, now).await,
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/appeals/{id}?done={}", kind.as_str())).into_response()),
        // Someone acted first, or the item moved on: show it as it is now, keep what was typed.
        Err(
            e @ (StoreError::Conflict { .. } | StoreError::Transition(zhuqi_domain::TransitionError::Illegal { .. })),
        ) => {
            let latest = store.appeal_for(p, id).await?;
            let message = format!(
                "未能{}：{}。页面已更新为最新情况（当前状态：{}），请核对后再操作。",
                kind.label(),
                chinese(&e.to_string()),
                latest.state.status.label()
            );
            page(&store, &v, latest, None, Some(message), refuse(Vec::new(), None), input, StatusCode::CONFLICT).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::MissingReference(_) | StoreError::Transition(_))) => {
            let form = Some(chinese(&e.to_string()).to_owned());
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(&store, &v, record, None, None, refuse(Vec::new(), form), input, status).await
        }
        Err(e) => Err(e.into()),
    }
}

fn not_found() -> Response {
    error_response(ApiError::not_found("appeal"))
}

/// An attachment, if the viewer may see its appeal; served as a download, never rendered inline.
pub async fn attachment(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let (info, bytes) = store.attachment_for(&v.caller.user, id).await?;
    Ok(super::page::download(&info.content_type, &info.name, bytes))
}
