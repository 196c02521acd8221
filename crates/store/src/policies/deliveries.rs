//! 政策送达与兑现 (issue 16): a policy's way to each enterprise — delivered, claimed, granted or refused — and the
//! 免申即享 grant list; and an enterprise's question about a policy, raised as a 政策兑现 appeal that names it.
//! The rules of the steps are `zhuqi_domain::policy::delivery`'s; who may take them is here:
//!
//! - 送达: the region's office or the policy's unit (any enterprise the policy applies to), a cadre (the enterprises
//!   it serves);
//! - 申报: the same, and the enterprise itself;
//! - 兑现 / 不予兑现 and the grant list: the office or the policy's unit only.
//!
//! Reading follows the policy and the enterprise: a record is read by whoever reads the policy and sees the
//! enterprise, and by the policy's own unit for every enterprise (it grants them).

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use zhuqi_domain::policy::delivery::{Delivery, DeliveryChannel, DeliveryStage, DeliveryStep, Intention, Terms, take};
use zhuqi_domain::policy::{Check, Fit, PolicyStatus, check, fit};
use zhuqi_domain::time::{from_micros, local_date, to_micros};
use zhuqi_domain::{Channel, Fen, RegionCode, Role};

use super::{
    FACT_COLUMNS, FACT_COUNT, PolicyRecord, check_writer, conditions_sql, corrupt, date, facts_from_row, grants,
    policy_scope, visible_policy,
};
use crate::access::Principal;
use crate::appeals::{NewAppeal, load_record};
use crate::catalog::coded;
use crate::db::{Row, Tx, Value, params};
use crate::scope::{bind, enterprise_role_scope, enterprise_scope, holds, in_region};
use crate::{AppealRecord, IdempotencyKey, Result, Store, StoreError, Writer};

/// A policy's progress with one enterprise.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    pub id: i64,
    pub policy_id: i64,
    pub policy_title: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub delivery: Delivery,
    /// Who delivered it (the cadre's or unit member's name).
    pub delivered_by: Option<String>,
    /// Give this back with the next step: a stale one is refused.
    pub version: i64,
    pub updated_at: Timestamp,
}

/// One policy with one enterprise, as a page shows it: whether the enterprise qualifies and why, the record so far,
/// and which steps the reader may take.
#[derive(Debug, Clone)]
pub struct DeliveryDesk {
    pub policy: PolicyRecord,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub fit: Fit,
    pub checks: Vec<Check>,
    pub record: Option<DeliveryRecord>,
    /// 送达 (the office, the policy's unit, a serving cadre).
    pub may_deliver: bool,
    /// 申报 (those, and the enterprise itself).
    pub may_claim: bool,
    /// 兑现, 不予兑现 (the office, the policy's unit).
    pub may_decide: bool,
}

#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub policy_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub stage: Option<DeliveryStage>,
    /// Only those waiting for the unit's decision (申报 and 免申即享 lines not yet decided).
    pub waiting: bool,
    /// Only the policies this unit answers for.
    pub unit_id: Option<i64>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryRecord>,
    pub total: usize,
}

/// How far a policy has gone by a day, among the records `p` reads (the 执行清单's columns).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub delivered: usize,
    pub claimed: usize,
    pub granted: usize,
    pub amount: Fen,
}

const DELIVERY_COLUMNS: &str = "d.id, d.policy_id, p.title, d.enterprise_id, e.name, d.stage, d.proposed_on, \
     d.delivered_on, d.channel, d.intention, d.note, d.claimed_on, d.claimed_fen, d.decided_on, d.granted_fen, \
     d.reason, d.version, d.updated_at, ud.display_name";
pub(super) const DELIVERY_FROM: &str = "policy_deliveries d JOIN policies p ON p.id = d.policy_id \
     JOIN enterprises e ON e.id = d.enterprise_id LEFT JOIN users ud ON ud.id = d.delivered_by";

fn delivery_from_row(row: &Row) -> Result<DeliveryRecord> {
    let fen = |i| -> Result<Option<Fen>> {
        row.opt_int(i)?.map(Fen::new).transpose().map_err(|e| corrupt("policy_deliveries amount", e))
    };
    let stage = coded(Some(row.text(5)?), DeliveryStage::parse, "policy_deliveries.stage")?
        .ok_or_else(|| corrupt("policy_deliveries.stage", "missing"))?;
    Ok(DeliveryRecord {
        id: row.int(0)?,
        policy_id: row.int(1)?,
        policy_title: row.text(2)?,
        enterprise_id: row.int(3)?,
        enterprise_name: row.text(4)?,
        delivery: Delivery {
            stage,
            proposed_on: date(row.opt_text(6)?, "policy_deliveries.proposed_on")?,
            delivered_on: date(row.opt_text(7)?, "policy_deliveries.delivered_on")?,
            channel: coded(row.opt_text(8)?, DeliveryChannel::parse, "policy_deliveries.channel")?,
            intention: coded(row.opt_text(9)?, Intention::parse, "policy_deliveries.intention")?,
            note: row.text(10)?,
            claimed_on: date(row.opt_text(11)?, "policy_deliveries.claimed_on")?,
            claimed: fen(12)?,
            decided_on: date(row.opt_text(13)?, "policy_deliveries.decided_on")?,
            granted: fen(14)?,
            reason: row.text(15)?,
        },
        version: row.int(16)?,
        updated_at: from_micros(row.int(17)?).ok_or_else(|| corrupt("policy_deliveries.updated_at", "time"))?,
        delivered_by: row.opt_text(18)?,
    })
}

fn load_deliveries(tx: &mut Tx<'_>, condition: &str, tail: &str, values: &[Value]) -> Result<Vec<DeliveryRecord>> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM {DELIVERY_FROM} WHERE {condition} {tail}");
    tx.query(&sql, values)?.iter().map(delivery_from_row).collect()
}

fn load_pair(tx: &mut Tx<'_>, policy_id: i64, enterprise_id: i64) -> Result<Option<DeliveryRecord>> {
    Ok(load_deliveries(tx, "d.policy_id = $1 AND d.enterprise_id = $2", "", params![policy_id, enterprise_id])?
        .into_iter()
        .next())
}

/// Policy `policy_id`'s records with `enterprises`, by enterprise id (a page of its matches, which the reader sees).
pub(super) fn of_enterprises(
    tx: &mut Tx<'_>,
    policy_id: i64,
    enterprises: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, DeliveryRecord>> {
    let mut values = vec![Value::from(policy_id)];
    let ids: Vec<String> = enterprises.map(|e| bind(&mut values, e)).collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let condition = format!("d.policy_id = $1 AND d.enterprise_id IN ({})", ids.join(", "));
    Ok(load_deliveries(tx, &condition, "", &values)?.into_iter().map(|d| (d.enterprise_id, d)).collect())
}

/// The condition on `policy_deliveries d` (joined as in `DELIVERY_FROM`) of the records `p` reads.
pub(super) fn delivery_scope(tx: &mut Tx<'_>, p: &Principal, values: &mut Vec<Value>) -> Result<String> {
    let policies = policy_scope(tx, p, values)?;
    let mut enterprises = vec![enterprise_scope(p, values)];
    if let Some(unit) = p.unit_id.filter(|_| p.has(Role::Handler)) {
        enterprises.push(format!("p.unit_id = {}", bind(values, unit)));
    }
    Ok(format!("{policies} AND ({})", enterprises.join(" OR ")))
}

/// Whether the office's or the policy's unit's check passes for `p` (a refusal is `false`; other errors stay).
fn office_or_unit(tx: &mut Tx<'_>, p: &Principal, policy: &PolicyRecord) -> Result<bool> {
    match check_writer(tx, p, &policy.policy) {
        Ok(()) => Ok(true),
        Err(StoreError::Forbidden(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Refuses `step` unless `p` may take it on `policy` for enterprise `enterprise_id` (see the module comment).
fn check_step(
    tx: &mut Tx<'_>,
    p: &Principal,
    policy: &PolicyRecord,
    enterprise_id: i64,
    step: &DeliveryStep,
) -> Result<()> {
    if office_or_unit(tx, p, policy)? {
        return Ok(());
    }
    let serves = p.has(Role::Cadre)
        && holds(tx, "enterprises", "e", enterprise_id, |v| enterprise_role_scope(p, Role::Cadre, v))?;
    let itself = p.has(Role::Enterprise) && p.enterprise_id == Some(enterprise_id);
    let allowed = match step {
        DeliveryStep::Deliver { .. } => serves,
        DeliveryStep::Claim { .. } => serves || itself,
        DeliveryStep::Grant { .. } | DeliveryStep::Refuse { .. } => false,
    };
    if allowed {
        return Ok(());
    }
    if !holds(tx, "enterprises", "e", enterprise_id, |v| Some(enterprise_scope(p, v)))? {
        return Err(StoreError::NotFound("企业"));
    }
    Err(StoreError::Forbidden(if step.decides() {
        "只有本地区指挥部或政策的责任单位可以兑现 / only the office or the policy's unit decides grants".into()
    } else {
        format!("您无权为该企业登记政策{} / you may not record this for the enterprise", step.label())
    }))
}

/// The published policy `p` reads, and the region of enterprise `enterprise_id`, which the policy must apply to.
fn policy_for_enterprise(tx: &mut Tx<'_>, p: &Principal, policy_id: i64, enterprise_id: i64) -> Result<PolicyRecord> {
    let policy = visible_policy(tx, p, policy_id)?;
    if policy.policy.status != PolicyStatus::Published {
        return Err(StoreError::Invalid(format!(
            "该政策{}，不能送达、申报、兑现或咨询 / the policy is not published",
            policy.policy.status.label()
        )));
    }
    let region = tx
        .query_opt("SELECT region_code FROM enterprises WHERE id = $1", params![enterprise_id])?
        .ok_or(StoreError::NotFound("企业"))?
        .text(0)?;
    let region = RegionCode::parse(&region).map_err(|e| corrupt("enterprises.region_code", e))?;
    if !policy.policy.region.contains(&region) {
        return Err(StoreError::Invalid(format!(
            "该政策适用于{}，该企业不在其中 / the policy does not apply to the enterprise's region",
            policy.region_name
        )));
    }
    Ok(policy)
}

fn terms(policy: &PolicyRecord) -> Terms {
    Terms { no_application: policy.policy.no_application, cap: policy.policy.cap }
}

/// What the audit keeps of a record.
fn audited(d: &Delivery) -> serde_json::Value {
    let day = |d: Option<Date>| d.map(|d| d.to_string());
    json!({"stage": d.stage.as_str(), "proposed_on": day(d.proposed_on), "delivered_on": day(d.delivered_on),
        "channel": d.channel.map(DeliveryChannel::as_str), "intention": d.intention.map(Intention::as_str),
        "note": d.note, "claimed_on": day(d.claimed_on), "claimed_fen": d.claimed.map(Fen::fen),
        "decided_on": day(d.decided_on), "granted_fen": d.granted.map(Fen::fen), "reason": d.reason})
}

/// The columns a step writes, in the order of `step_values`.
const STEP_WRITTEN: [&str; 12] = [
    "stage",
    "proposed_on",
    "delivered_on",
    "channel",
    "intention",
    "note",
    "claimed_on",
    "claimed_fen",
    "decided_on",
    "granted_fen",
    "reason",
    "updated_at",
];

fn step_values(d: &Delivery, at: Timestamp) -> Vec<Value> {
    let day = |d: Option<Date>| d.map(|d| d.to_string());
    params![
        d.stage.as_str(),
        day(d.proposed_on),
        day(d.delivered_on),
        d.channel.map(DeliveryChannel::as_str),
        d.intention.map(Intention::as_str),
        d.note.as_str(),
        day(d.claimed_on),
        d.claimed.map(Fen::fen),
        day(d.decided_on),
        d.granted.map(Fen::fen),
        d.reason.as_str(),
        to_micros(at),
    ]
    .to_vec()
}

/// The column naming who took `step`.
fn by_column(step: &DeliveryStep) -> &'static str {
    match step {
        DeliveryStep::Deliver { .. } => "delivered_by",
        DeliveryStep::Claim { .. } => "claimed_by",
        DeliveryStep::Grant { .. } | DeliveryStep::Refuse { .. } => "decided_by",
    }
}

impl Writer<'_> {
    /// Writes `step` over the record `current` (none yet: a new one) of `policy` and `enterprise_id`, seen at
    /// `expected_version` (`None` when there was none); refused with `Stale` if it moved since.
    fn write_step(
        &mut self,
        policy: &PolicyRecord,
        enterprise_id: i64,
        expected_version: Option<i64>,
        step: &DeliveryStep,
        by: i64,
        at: Timestamp,
    ) -> Result<i64> {
        let current = load_pair(&mut self.tx, policy.id, enterprise_id)?;
        if current.as_ref().map(|c| c.version) != expected_version {
            return Err(StoreError::Stale("政策送达记录"));
        }
        self.write_over(policy, enterprise_id, current, step, by, at)
    }

    /// `write_step` over `current` as just read in this transaction.
    fn write_over(
        &mut self,
        policy: &PolicyRecord,
        enterprise_id: i64,
        current: Option<DeliveryRecord>,
        step: &DeliveryStep,
        by: i64,
        at: Timestamp,
    ) -> Result<i64> {
        if matches!(step, DeliveryStep::Claim { .. }) && policy.policy.valid_to.is_some_and(|to| step.on() > to) {
            return Err(StoreError::Invalid("政策已过有效期，不能再申报 / the policy has expired".into()));
        }
        let next = take(current.as_ref().map(|c| &c.delivery), step, terms(policy), local_date(at))
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut values = step_values(&next, at);
        let by_col = by_column(step);
        values.push(Value::from(by));
        let id = match &current {
            Some(c) => {
                let set: Vec<String> =
                    STEP_WRITTEN.iter().enumerate().map(|(i, col)| format!("{col} = ${}", i + 1)).collect();
                let n = values.len();
                values.extend([Value::from(c.id), Value::from(c.version)]);
                let changed = self.tx.execute(
                    &format!(
                        "UPDATE policy_deliveries SET {}, {by_col} = ${n}, version = version + 1 \
                         WHERE id = ${} AND version = ${}",
                        set.join(", "),
                        n + 1,
                        n + 2
                    ),
                    &values,
                )?;
                if changed != 1 {
                    return Err(StoreError::Stale("政策送达记录"));
                }
                c.id
            }
            None => {
                values.extend([Value::from(policy.id), Value::from(enterprise_id)]);
                let marks: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "INSERT INTO policy_deliveries ({}, {by_col}, policy_id, enterprise_id, created_at) \
                     VALUES ({}, ${}) ON CONFLICT (policy_id, enterprise_id) DO NOTHING RETURNING id",
                    STEP_WRITTEN.join(", "),
                    marks.join(", "),
                    STEP_WRITTEN.len()
                );
                // Two people recording the first contact at once: the second finds the first's record.
                self.tx.query_opt(&sql, &values)?.ok_or(StoreError::Stale("政策送达记录"))?.int(0)?
            }
        };
        self.audit(
            &format!("support_policy.{}", step.code()),
            format!("policy_delivery:{id}"),
            current.and_then(|c| crate::audit::json(&audited(&c.delivery))),
            crate::audit::json(&json!({"policy_id": policy.id, "enterprise_id": enterprise_id,
                "record": audited(&next)})),
        );
        Ok(id)
    }
}

/// The writes the demo and bulk loads make as they stand, with no check of who takes them (the rules of the steps
/// still hold); `Store`'s `_as` methods check the person first.
impl Writer<'_> {
    /// Policy `policy_id` as `record_delivery_step` takes it: read once for all the steps taken on it.
    pub fn policy_record(&mut self, policy_id: i64) -> Result<PolicyRecord> {
        super::load_policy(&mut self.tx, policy_id)
    }

    /// Takes `step` on `policy`'s record with enterprise `enterprise_id` as it stands, by user `by`.
    pub fn record_delivery_step(
        &mut self,
        policy: &PolicyRecord,
        enterprise_id: i64,
        step: &DeliveryStep,
        by: i64,
        at: Timestamp,
    ) -> Result<i64> {
        let current = load_pair(&mut self.tx, policy.id, enterprise_id)?;
        self.write_over(policy, enterprise_id, current, step, by, at)
    }

    /// 免申即享: puts every enterprise of `policy`'s region that qualifies on `at`'s day and has no record yet on
    /// its grant list. Returns the enterprises added, in id order.
    pub fn draw_grant_list(&mut self, policy_id: i64, at: Timestamp) -> Result<Vec<i64>> {
        let policy = super::load_policy(&mut self.tx, policy_id)?;
        let today = local_date(at);
        if !policy.policy.no_application {
            return Err(StoreError::Invalid("只有免申即享政策生成兑现名单 / only 免申即享 policies have one".into()));
        }
        if !policy.in_force(today) {
            return Err(StoreError::Invalid(format!(
                "该政策今天{}，不能生成兑现名单 / the policy is not in force",
                policy.standing(today)
            )));
        }
        let mut values = vec![Value::from(policy.id), Value::from(today.to_string()), Value::from(to_micros(at))];
        let mut conditions = vec![in_region("e.region_code", &policy.policy.region, &mut values)];
        conditions.extend(conditions_sql(&policy.policy.conditions, today, &mut values));
        let sql = format!(
            "INSERT INTO policy_deliveries (policy_id, enterprise_id, stage, proposed_on, created_at, updated_at) \
             SELECT $1, e.id, 'proposed', $2, $3, $3 FROM enterprises e WHERE {} \
             ON CONFLICT (policy_id, enterprise_id) DO NOTHING RETURNING enterprise_id",
            conditions.join(" AND ")
        );
        let mut added: Vec<i64> = self.tx.query(&sql, &values)?.iter().map(|r| r.int(0)).collect::<Result<_>>()?;
        added.sort_unstable();
        self.audit(
            "support_policy.grant_list",
            format!("support_policy:{}", policy.id),
            None,
            crate::audit::json(&json!({"day": today.to_string(), "added": added.len(), "enterprises": added})),
        );
        Ok(added)
    }

    /// The enterprises of policy `policy_id`'s region that qualify for it on `day`, in id order.
    pub fn qualifying_enterprises(&mut self, policy_id: i64, day: Date) -> Result<Vec<i64>> {
        let policy = super::load_policy(&mut self.tx, policy_id)?;
        let mut values = Vec::new();
        let mut conditions = vec![in_region("e.region_code", &policy.policy.region, &mut values)];
        conditions.extend(conditions_sql(&policy.policy.conditions, day, &mut values));
        let sql = format!("SELECT e.id FROM enterprises e WHERE {} ORDER BY e.id", conditions.join(" AND "));
        self.tx.query(&sql, &values)?.iter().map(|r| r.int(0)).collect()
    }
}

impl Store {
    /// Takes `step` on policy `policy_id` for enterprise `enterprise_id`, as `p` last saw their record
    /// (`expected_version`; `None`: there was none). One transaction with its audit; refused whole otherwise.
    #[allow(clippy::too_many_arguments)]
    pub async fn take_delivery_step_as(
        &self,
        p: &Principal,
        source: &str,
        policy_id: i64,
        enterprise_id: i64,
        expected_version: Option<i64>,
        step: DeliveryStep,
        at: Timestamp,
    ) -> Result<DeliveryRecord> {
        let q = p.clone();
        self.transaction(p.origin(source), move |w| {
            let policy = policy_for_enterprise(&mut w.tx, &q, policy_id, enterprise_id)?;
            check_step(&mut w.tx, &q, &policy, enterprise_id, &step)?;
            let id = w.write_step(&policy, enterprise_id, expected_version, &step, q.user_id, at)?;
            load_deliveries(&mut w.tx, "d.id = $1", "", params![id])?
                .into_iter()
                .next()
                .ok_or(StoreError::NotFound("政策送达记录"))
        })
        .await
    }

    /// 免申即享: puts every enterprise of the policy's region that qualifies today and has no record yet on the
    /// policy's grant list, for the unit to confirm. Returns how many were added.
    pub async fn draw_grant_list_as(
        &self,
        p: &Principal,
        source: &str,
        policy_id: i64,
        at: Timestamp,
    ) -> Result<usize> {
        let q = p.clone();
        self.transaction(p.origin(source), move |w| {
            let policy = visible_policy(&mut w.tx, &q, policy_id)?;
            if !office_or_unit(&mut w.tx, &q, &policy)? {
                return Err(StoreError::Forbidden(
                    "只有本地区指挥部或政策的责任单位可以生成兑现名单 / only the office or the policy's unit".into(),
                ));
            }
            Ok(w.draw_grant_list(policy.id, at)?.len())
        })
        .await
    }

    /// Grants every line of a 免申即享 grant list still waiting, `amount` each, on `on`: the unit's confirmation of
    /// the list as drawn. Each line follows the rules of a single grant; one refused refuses all. Returns how many.
    pub async fn confirm_grant_list_as(
        &self,
        p: &Principal,
        source: &str,
        policy_id: i64,
        amount: Fen,
        on: Date,
        at: Timestamp,
    ) -> Result<usize> {
        let q = p.clone();
        self.transaction(p.origin(source), move |w| {
            let policy = visible_policy(&mut w.tx, &q, policy_id)?;
            let step = DeliveryStep::Grant { on, amount, note: "按兑现名单确认".into() };
            let waiting = load_deliveries(
                &mut w.tx,
                "d.policy_id = $1 AND d.stage = 'proposed'",
                "ORDER BY d.enterprise_id",
                params![policy_id],
            )?;
            if waiting.is_empty() {
                return Err(StoreError::Invalid("兑现名单上没有待确认的企业 / nothing waits on the grant list".into()));
            }
            for line in &waiting {
                check_step(&mut w.tx, &q, &policy, line.enterprise_id, &step)?;
                w.write_step(&policy, line.enterprise_id, Some(line.version), &step, q.user_id, at)?;
            }
            Ok(waiting.len())
        })
        .await
    }

    /// The records `p` reads that `filter` picks, latest first (those waiting: oldest first), with the total.
    pub async fn deliveries_for(&self, p: &Principal, filter: DeliveryFilter) -> Result<DeliveryPage> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut conditions = vec![delivery_scope(tx, &p, &mut values)?];
            if let Some(id) = filter.policy_id {
                conditions.push(format!("d.policy_id = {}", bind(&mut values, id)));
            }
            if let Some(id) = filter.enterprise_id {
                conditions.push(format!("d.enterprise_id = {}", bind(&mut values, id)));
            }
            if let Some(stage) = filter.stage {
                conditions.push(format!("d.stage = {}", bind(&mut values, stage.as_str())));
            }
            if filter.waiting {
                conditions.push("d.stage IN ('claimed', 'proposed')".into());
            }
            if let Some(unit) = filter.unit_id {
                conditions.push(format!("p.unit_id = {}", bind(&mut values, unit)));
            }
            let condition = conditions.join(" AND ");
            let total =
                tx.query_one(&format!("SELECT COUNT(*) FROM {DELIVERY_FROM} WHERE {condition}"), &values)?.int(0)?;
            let limit = bind(&mut values, i64::try_from(filter.limit.max(1)).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(filter.offset).unwrap_or(i64::MAX));
            // What waits is worked through oldest first; the rest reads latest first.
            let order = if filter.waiting { "ASC" } else { "DESC" };
            let tail = format!("ORDER BY d.updated_at {order}, d.id {order} LIMIT {limit} OFFSET {offset}");
            let items = load_deliveries(tx, &condition, &tail, &values)?;
            Ok(DeliveryPage { items, total: usize::try_from(total).unwrap_or(0) })
        })
        .await
    }

    /// Policy `policy_id` with enterprise `enterprise_id` on `day`, for `p` (see `DeliveryDesk`): the enterprise must
    /// be one `p` sees, or — for the policy's unit — one of the policy's region.
    pub async fn delivery_desk(
        &self,
        p: &Principal,
        policy_id: i64,
        enterprise_id: i64,
        day: Date,
    ) -> Result<DeliveryDesk> {
        let p = p.clone();
        self.read(move |tx| {
            let policy = visible_policy(tx, &p, policy_id)?;
            let mut values = vec![Value::from(enterprise_id)];
            let mut reach = vec![enterprise_scope(&p, &mut values)];
            if grants(&p, &policy) {
                reach.push(in_region("e.region_code", &policy.policy.region, &mut values));
            }
            let sql = format!(
                "SELECT {FACT_COLUMNS}, e.name FROM enterprises e WHERE e.id = $1 AND ({})",
                reach.join(" OR ")
            );
            let row = tx.query_opt(&sql, &values)?.ok_or(StoreError::NotFound("企业"))?;
            let (_, facts) = facts_from_row(&row)?;
            let checks = check(&policy.policy.region, &policy.policy.conditions, &facts, day);
            let may_decide = office_or_unit(tx, &p, &policy)?;
            let serves = p.has(Role::Cadre)
                && holds(tx, "enterprises", "e", enterprise_id, |v| enterprise_role_scope(&p, Role::Cadre, v))?;
            let itself = p.has(Role::Enterprise) && p.enterprise_id == Some(enterprise_id);
            let published = policy.policy.status == PolicyStatus::Published;
            Ok(DeliveryDesk {
                enterprise_id,
                enterprise_name: row.text(FACT_COUNT)?,
                fit: fit(&checks),
                checks,
                record: load_pair(tx, policy_id, enterprise_id)?,
                may_deliver: published && (may_decide || serves),
                may_claim: published && (may_decide || serves || itself),
                may_decide: published && may_decide,
                policy,
            })
        })
        .await
    }

    /// An enterprise's question about a policy: a 政策兑现 appeal, raised for the enterprise by `p` as any appeal,
    /// that names the policy. Idempotent by `key`.
    #[allow(clippy::too_many_arguments)]
    pub async fn ask_about_policy_as(
        &self,
        p: &Principal,
        source: &str,
        policy_id: i64,
        enterprise_id: i64,
        question: String,
        at: Timestamp,
        key: Option<IdempotencyKey>,
    ) -> Result<AppealRecord> {
        // Checked before the key is looked up: a bad question is refused even when it repeats a key already used.
        match question.trim().chars().count() {
            0 => return Err(StoreError::Invalid("请填写要咨询的问题 / a question is required".into())),
            n if n > zhuqi_domain::appeal::MAX_TEXT => {
                return Err(StoreError::Invalid(
                    "咨询的问题最多5000字 / the question is longer than 5000 characters".into(),
                ));
            }
            _ => {}
        }
        let prefix = self.appeal_prefix().await?;
        let q = p.clone();
        let create = move |w: &mut Writer<'_>| {
            let policy = policy_for_enterprise(&mut w.tx, &q, policy_id, enterprise_id)?;
            let title: String =
                format!("政策咨询：{}", policy.policy.title).chars().take(crate::appeals::MAX_TITLE).collect();
            let new = NewAppeal {
                enterprise_id,
                channel: if q.has(Role::Enterprise) { Channel::Web } else { Channel::CadreVisit },
                category: POLICY_CATEGORY.into(),
                title,
                description: question,
                amount: None,
                draft: false,
            };
            let id = w.raise_appeal(&q, &prefix, &new, Vec::new(), at)?;
            w.tx.execute("UPDATE appeals SET policy_id = $1 WHERE id = $2", params![policy_id, id])?;
            w.audit(
                "appeal.policy",
                format!("appeal:{id}"),
                None,
                crate::audit::json(&json!({"policy_id": policy_id})),
            );
            Ok(id)
        };
        self.create_once(p.origin(source), "policy_question", key, create, load_record).await
    }

    /// The policy (id, title) appeal `appeal_id` asks about, if `p` may read the appeal and it names one.
    pub async fn appeal_policy(&self, p: &Principal, appeal_id: i64) -> Result<Option<(i64, String)>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values: Vec<Value> = Vec::new();
            let scope = crate::scope::appeal_scope(&p, &mut values);
            let id = bind(&mut values, appeal_id);
            let sql = format!(
                "SELECT po.id, po.title FROM appeals a JOIN policies po ON po.id = a.policy_id WHERE a.id = {id} AND {scope}"
            );
            match tx.query_opt(&sql, &values)? {
                Some(row) => Ok(Some((row.int(0)?, row.text(1)?))),
                None => Ok(None),
            }
        })
        .await
    }
}

/// The category of the appeals that ask about a policy (SPEC §3's 政策兑现).
pub const POLICY_CATEGORY: &str = "policy";
