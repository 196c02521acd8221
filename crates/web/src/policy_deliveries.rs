//! 政策送达与兑现 on the pages (issue 16): a policy's way to each enterprise. The store decides who may take which
//! step (`zhuqi_store::policies`); these pages offer the steps the viewer may take next and say why a step was
//! refused.
//!
//! - `/policies/{id}/enterprises/{eid}`: one policy with one enterprise — whether it qualifies and why, the record
//!   step by step, and the forms of the next steps (送达, 申报, 兑现, 不予兑现);
//! - `/policies/{id}/grant-list` and `/policies/{id}/grant-list/confirm`: 免申即享, posted from the policy's page;
//! - `/policies/{id}/questions`: an enterprise's question, posted from the policy's page, becomes a 政策兑现 appeal;
//! - `/policies/{id}/deliveries.xlsx`: the policy's records, for the unit's ledger;
//! - `/policies/claims`: what waits on a unit's decision (申报 and 免申即享 lines), on its workbench.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::policy::Fit;
use zhuqi_domain::policy::delivery::{DeliveryChannel, DeliveryStep, Intention};
use zhuqi_domain::{Fen, Role};
use zhuqi_store::{DeliveryDesk, DeliveryFilter, DeliveryRecord, IdempotencyKey, Store, StoreError};

use super::csrf::Checked;
use super::page::{EXPORT_CAP, Errors, PageResult, Shell, Viewer, chinese, every_row};
use super::policies::{READERS, refusal};

/// One step of the record, as the page lists it.
pub struct StepLine {
    pub label: &'static str,
    pub on: String,
    pub text: String,
}

/// The record of `r`, step by step, oldest first.
pub fn step_lines(r: &DeliveryRecord) -> Vec<StepLine> {
    let d = &r.delivery;
    let mut out = Vec::new();
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    if d.proposed_on.is_some() {
        out.push(StepLine {
            label: "列入兑现名单",
            on: day(d.proposed_on),
            text: "免申即享，按已掌握的企业信息自动列入".into(),
        });
    }
    if d.channel.is_some() {
        let by = r.delivered_by.as_deref().map(|b| format!("（{b}）")).unwrap_or_default();
        let said = [d.channel.map(DeliveryChannel::label), d.intention.map(Intention::label)];
        let mut text = said.into_iter().flatten().collect::<Vec<_>>().join("，") + &by;
        if !d.note.is_empty() {
            text = format!("{text}：{}", d.note);
        }
        out.push(StepLine { label: "送达", on: day(d.delivered_on), text });
    }
    if d.claimed_on.is_some() {
        let text = d.claimed.map(|a| format!("申报金额{a}")).unwrap_or_else(|| "未填写申报金额".into());
        out.push(StepLine { label: "申报", on: day(d.claimed_on), text });
    }
    if let Some(on) = d.decided_on {
        let (label, text) = match d.granted {
            // An honour, a factor, a service: granted, not paid.
            Some(a) if a == Fen::default() => ("兑现", "已落实（非资金扶持）".to_owned()),
            Some(a) => ("兑现", format!("兑现金额{a}")),
            None => ("不予兑现", String::new()),
        };
        let text = [text, d.reason.clone()].into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join("：");
        out.push(StepLine { label, on: on.to_string(), text });
    }
    out
}

/// A step as typed on the page (every field text, so that a refused form comes back as typed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    intention: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

impl StepForm {
    /// The step, or the fields to correct.
    fn step(&self, errors: &mut Errors) -> Option<DeliveryStep> {
        let on = match self.on.trim().parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.add("on", "请填写日期（年-月-日）");
                None
            }
        };
        let amount = |required: bool, errors: &mut Errors| match self.amount.trim() {
            "" if required => {
                errors.add("amount", "请填写兑现金额");
                None
            }
            "" => Some(None),
            text => match Fen::parse(text) {
                Ok(a) => Some(Some(a)),
                Err(e) => {
                    errors.add("amount", chinese(&e.to_string()).to_owned());
                    None
                }
            },
        };
        let step = match self.step.as_str() {
            "deliver" => {
                let channel = DeliveryChannel::parse(&self.channel);
                let intention = Intention::parse(&self.intention);
                if channel.is_none() {
                    errors.add("channel", "请选择送达方式");
                }
                if intention.is_none() {
                    errors.add("intention", "请选择企业意向");
                }
                let (on, channel, intention) = (on?, channel?, intention?);
                DeliveryStep::Deliver { on, channel, intention, note: self.note.clone() }
            }
            "claim" => {
                let amount = amount(false, errors)?;
                DeliveryStep::Claim { on: on?, amount }
            }
            "grant" => {
                let amount = amount(true, errors)??;
                DeliveryStep::Grant { on: on?, amount, note: self.note.clone() }
            }
            "refuse" => DeliveryStep::Refuse { on: on?, reason: self.reason.clone() },
            _ => {
                errors.form = Some("请选择要登记的环节".into());
                return None;
            }
        };
        Some(step)
    }
}

#[derive(Template)]
#[template(path = "policy_delivery.html")]
struct DeskPage {
    shell: Shell,
    desk: DeliveryDesk,
    qualifies: bool,
    met: Vec<String>,
    failed: Vec<String>,
    steps: Vec<StepLine>,
    stage: &'static str,
    version: String,
    /// The forms offered: by the record's stage and the viewer's rights.
    deliver: bool,
    claim: bool,
    decide: bool,
    cap: String,
    /// What the grant form offers as the amount: the amount claimed, in yuan.
    suggested: String,
    /// The form that was refused (its step), as typed, with why.
    typed: StepForm,
    errors: Errors,
    flash_ok: Option<String>,
    today: String,
    channels: &'static [DeliveryChannel],
    intentions: &'static [Intention],
}

#[derive(Debug, Default, Deserialize)]
pub struct DeskQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn desk_page(
    store: &Store,
    v: &Viewer,
    ids: (i64, i64),
    typed: StepForm,
    errors: Errors,
    flash_ok: Option<String>,
    status: StatusCode,
) -> PageResult {
    let today = zhuqi_domain::time::today();
    let desk = store.delivery_desk(&v.caller.user, ids.0, ids.1, today).await?;
    let stage = desk.record.as_ref().map(|r| r.delivery.stage);
    use zhuqi_domain::policy::delivery::DeliveryStage as S;
    let open = matches!(stage, None | Some(S::Delivered | S::Proposed));
    let claimable = matches!(stage, None | Some(S::Delivered)) && !desk.policy.policy.no_application;
    let decidable = matches!(stage, Some(S::Claimed | S::Proposed));
    let (met, failed): (Vec<_>, Vec<_>) = desk.checks.iter().cloned().partition(|c| c.met);
    let page = DeskPage {
        shell: v.shell(format!("{}：{}", desk.enterprise_name, desk.policy.policy.title), "/policies"),
        qualifies: desk.fit == Fit::Qualifies,
        met: met.into_iter().map(|c| c.reason).collect(),
        failed: failed.into_iter().map(|c| c.reason).collect(),
        steps: desk.record.as_ref().map(step_lines).unwrap_or_default(),
        stage: stage.map_or("未送达", |s| s.label()),
        version: desk.record.as_ref().map(|r| r.version.to_string()).unwrap_or_default(),
        deliver: desk.may_deliver && open,
        claim: desk.may_claim && claimable,
        decide: desk.may_decide && decidable,
        cap: desk.policy.policy.cap.map(|c| c.to_string()).unwrap_or_default(),
        suggested: desk
            .record
            .as_ref()
            .and_then(|r| r.delivery.claimed)
            .map(|a| format!("{}.{:02}", a.fen() / 100, a.fen() % 100))
            .unwrap_or_default(),
        typed,
        errors,
        flash_ok,
        today: today.to_string(),
        channels: DeliveryChannel::ALL,
        intentions: Intention::ALL,
        desk,
    };
    Ok(super::page::render_with(status, &page))
}

/// `/policies/{id}/enterprises/{eid}`: the policy with the enterprise, and the next steps.
pub async fn desk(
    State(store): State<Store>,
    v: Viewer,
    Path(ids): Path<(i64, i64)>,
    Query(q): Query<DeskQuery>,
) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let flash = q.done.as_deref().map(|step| match step {
        "deliver" => "已登记送达。".to_owned(),
        "claim" => "已登记申报。".to_owned(),
        "grant" => "已登记兑现。".to_owned(),
        _ => "已登记。".to_owned(),
    });
    let fresh = StepForm { on: zhuqi_domain::time::today().to_string(), ..StepForm::default() };
    desk_page(&store, &v, ids, fresh, Errors::default(), flash, StatusCode::OK).await
}

/// Posts a step from the desk page: done, back to the page; refused, the page again with the form as typed.
pub async fn take(
    State(store): State<Store>,
    v: Viewer,
    Path(ids): Path<(i64, i64)>,
    Checked(form): Checked<StepForm>,
) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let Some(step) = form.step(&mut errors) else {
        return desk_page(&store, &v, ids, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let version = form.version.trim().parse::<i64>().ok();
    let (user, source) = (&v.caller.user, &v.caller.source);
    match store.take_delivery_step_as(user, source, ids.0, ids.1, version, step.clone(), Timestamp::now()).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/policies/{}/enterprises/{}?done={}", ids.0, ids.1, step.code())).into_response())
        }
        Err(e) => match refusal(&e) {
            Some((m, status)) => {
                errors.form = Some(m);
                desk_page(&store, &v, ids, form, errors, None, status).await
            }
            None => Err(e.into()),
        },
    }
}

/// A policy-page post done: back to the policy's page, which says so (`done`, with a count).
fn back(id: i64, done: &str, n: usize) -> axum::response::Response {
    Redirect::to(&format!("/policies/{id}?done={done}&n={n}#deliveries")).into_response()
}

/// A policy-page post refused: the policy's page again, saying why.
pub(crate) async fn refused(store: &Store, v: &Viewer, id: i64, e: StoreError) -> PageResult {
    match refusal(&e) {
        Some((m, status)) => super::policies::policy_page(store, v, id, Default::default(), Some(m), status).await,
        None => Err(e.into()),
    }
}

/// `POST /policies/{id}/grant-list`: 免申即享 — every enterprise that qualifies today onto the grant list.
pub async fn draw(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(_): Checked<Empty>,
) -> PageResult {
    if let Err(r) = v.require(&[Role::Dispatcher, Role::Handler]) {
        return Ok(r);
    }
    match store.draw_grant_list_as(&v.caller.user, &v.caller.source, id, Timestamp::now()).await {
        Ok(n) => Ok(back(id, "drawn", n)),
        Err(e) => refused(&store, &v, id, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    on: String,
}

/// `POST /policies/{id}/grant-list/confirm`: one amount for every line still waiting.
pub async fn confirm(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<ConfirmForm>,
) -> PageResult {
    if let Err(r) = v.require(&[Role::Dispatcher, Role::Handler]) {
        return Ok(r);
    }
    let amount = match Fen::parse(&form.amount) {
        Ok(a) => a,
        Err(e) => {
            return refused(&store, &v, id, StoreError::Invalid(format!("兑现金额：{}", chinese(&e.to_string()))))
                .await;
        }
    };
    let Ok(on) = form.on.trim().parse::<Date>() else {
        return refused(&store, &v, id, StoreError::Invalid("请填写兑现日期（年-月-日）".into())).await;
    };
    match store.confirm_grant_list_as(&v.caller.user, &v.caller.source, id, amount, on, Timestamp::now()).await {
        Ok(n) => Ok(back(id, "confirmed", n)),
        Err(e) => refused(&store, &v, id, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    enterprise_id: String,
    #[serde(default)]
    question: String,
}

/// `POST /policies/{id}/questions`: the enterprise's question, raised as a 政策兑现 appeal; on to the appeal.
pub async fn ask(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<QuestionForm>,
) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let user = &v.caller.user;
    let Some(enterprise) = form.enterprise_id.trim().parse().ok().or(user.enterprise_id) else {
        return refused(&store, &v, id, StoreError::Invalid("请指明企业".into())).await;
    };
    let key = IdempotencyKey::parse(&form.idempotency_key).ok();
    let asked = store.ask_about_policy_as(user, &v.caller.source, id, enterprise, form.question, Timestamp::now(), key);
    match asked.await {
        Ok(a) => Ok(Redirect::to(&format!("/appeals/{}", a.id)).into_response()),
        Err(e) => refused(&store, &v, id, e).await,
    }
}

/// `/policies/{id}/deliveries.xlsx`: every record of the policy the viewer reads (up to the export cap).
pub async fn export(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    if let Err(r) = v.require(&[Role::Dispatcher, Role::Leader, Role::Handler, Role::Cadre]) {
        return Ok(r);
    }
    let user = &v.caller.user;
    store.policy_for(user, id).await?;
    let (records, capped) = every_row(EXPORT_CAP, |page| {
        let store = &store;
        async move {
            let offset = (page - 1) * 1000;
            let filter = DeliveryFilter { policy_id: Some(id), offset, limit: 1000, ..DeliveryFilter::default() };
            let page = store.deliveries_for(user, filter).await?;
            Ok::<_, StoreError>((page.items, page.total))
        }
    })
    .await?;
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let fen = |a: Option<Fen>| a.map(|a| a.to_string()).unwrap_or_default();
    let rows: Vec<[String; 11]> = records
        .into_iter()
        .map(|r| {
            let d = r.delivery;
            [
                r.enterprise_name,
                d.stage.label().to_owned(),
                day(d.delivered_on),
                d.channel.map(|c| c.label().to_owned()).unwrap_or_default(),
                d.intention.map(|i| i.label().to_owned()).unwrap_or_default(),
                r.delivered_by.unwrap_or_default(),
                day(d.claimed_on),
                fen(d.claimed),
                day(d.decided_on),
                fen(d.granted),
                [d.note, d.reason].into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join("；"),
            ]
        })
        .collect();
    let heads = [
        "企业名称",
        "进度",
        "送达日期",
        "送达方式",
        "企业意向",
        "送达人",
        "申报日期",
        "申报金额",
        "兑现日期",
        "兑现金额",
        "说明",
    ];
    Ok(super::page::sheet_download("政策送达与兑现", heads, rows, capped).await?)
}

/// What of 惠企政策 waits on `unit` (its workbench's counts): the claims and grant-list lines of its policies waiting
/// for its decision, and the policies it is drafting (政策推进清单).
pub async fn waiting_on_unit(
    store: &Store,
    user: &zhuqi_store::Principal,
    unit: i64,
) -> Result<(usize, usize), StoreError> {
    let claims = DeliveryFilter { waiting: true, unit_id: Some(unit), limit: 1, ..DeliveryFilter::default() };
    let drafts = zhuqi_store::PolicyFilter {
        status: Some(zhuqi_domain::policy::PolicyStatus::Drafting),
        unit_id: Some(unit),
        limit: 1,
        ..zhuqi_store::PolicyFilter::default()
    };
    let (claims, drafts) = tokio::try_join!(store.deliveries_for(user, claims), store.policies_for(user, drafts))?;
    Ok((claims.total, drafts.total))
}

struct ClaimLine {
    policy_id: i64,
    policy_title: String,
    enterprise_id: i64,
    enterprise_name: String,
    stage: &'static str,
    since: String,
    claimed: String,
}

#[derive(Template)]
#[template(path = "policy_claims.html")]
struct ClaimsPage {
    shell: Shell,
    lines: Vec<ClaimLine>,
    pager: super::page::Pager,
}

#[derive(Debug, Default, Deserialize)]
pub struct ClaimsQuery {
    #[serde(default)]
    page: String,
}

/// `/policies/claims`: the claims and 免申即享 lines of the viewer's unit's policies (the office: its region's)
/// that wait for a decision, oldest first.
pub async fn claims(State(store): State<Store>, v: Viewer, Query(q): Query<ClaimsQuery>) -> PageResult {
    if let Err(r) = v.require(&[Role::Dispatcher, Role::Handler]) {
        return Ok(r);
    }
    let user = &v.caller.user;
    let unit = user.unit_id.filter(|_| user.has(Role::Handler) && !user.has(Role::Dispatcher));
    let asked = q.page.trim().parse().unwrap_or(1);
    const PER_PAGE: usize = 20;
    let (lines, pager) = super::page::paged(
        asked,
        PER_PAGE,
        |n| format!("/policies/claims?page={n}"),
        |n| {
            let store = &store;
            async move {
                let filter = DeliveryFilter {
                    waiting: true,
                    unit_id: unit,
                    offset: (n - 1) * PER_PAGE,
                    limit: PER_PAGE,
                    ..DeliveryFilter::default()
                };
                let page = store.deliveries_for(user, filter).await?;
                let lines = page.items.into_iter().map(|r| {
                    let d = &r.delivery;
                    ClaimLine {
                        stage: d.stage.label(),
                        since: d.claimed_on.or(d.proposed_on).map(|d| d.to_string()).unwrap_or_default(),
                        claimed: d.claimed.map(|a| a.to_string()).unwrap_or_default(),
                        policy_id: r.policy_id,
                        policy_title: r.policy_title,
                        enterprise_id: r.enterprise_id,
                        enterprise_name: r.enterprise_name,
                    }
                });
                Ok::<_, StoreError>((lines.collect(), page.total))
            }
        },
    )
    .await?;
    let page = ClaimsPage { shell: v.shell("政策待兑现", "/workbench"), lines, pager };
    Ok(super::page::render_with(StatusCode::OK, &page))
}
