//! 非公企业多元解纷 (SPEC §3, issue 15): a workstation (多元解纷工作站, a unit of the chamber of commerce) records a
//! dispute case — its enterprise parties, the other party, the type, the amount and the facts — and transfers it to a
//! mediator (法治护航员), a court, an arbitration body or a unit; whoever took it mediates, records each session and the
//! outcome; the enterprise evaluates the service. The case moves on the engine of appeals (`engine.rs`).
//!
//! Scope (SPEC §5): a workstation's staff and leaders see the cases of their region and below; a mediator sees the
//! cases transferred to them; a unit (court, arbitration body, government unit) the cases transferred to it; an
//! enterprise the cases it is a party to. The figures (`dispute_figures`) are read by the same region roles and the
//! command office (指挥部), which publishes them in its bulletins.

use jiff::Timestamp;
use jiff::civil::Date;
use zhuqi_domain::dispute::{Forum, MAX_DISPUTE_FEN, Outcome, is_dispute_type};
use zhuqi_domain::time::{local_date, start_of_day, stored_precision, to_micros};
use zhuqi_domain::{Action, ActionKind, Actor, Appeal, AppealNumber, Event, Fen, Kind, RegionCode, Role, Status};

use crate::audit;
use crate::db::{Row, Tx, Value, params};
use crate::engine::{DISPUTES, Item, ItemTables, parse_state, replay};
use crate::scope::{bind, enterprise_scope, first_acting_role, holds, in_region};
use crate::{IdempotencyKey, Principal, Result, Store, StoreError, Writer};

/// Case numbers: JF-2026-000012 (解纷), counted per year like appeal numbers.
pub const DISPUTE_PREFIX: &str = "JF";
/// The longest name of the other party, in characters.
pub const MAX_PARTY_NAME: usize = 100;
/// The most enterprise parties one case names.
pub const MAX_ENTERPRISE_PARTIES: usize = 20;

/// A case as the workstation records it.
#[derive(Debug, Clone)]
pub struct NewDispute {
    /// The enterprise parties: one or more enterprises of the register, in the workstation's region.
    pub enterprise_ids: Vec<i64>,
    /// 对方当事人
    pub other_party: String,
    /// 纠纷类型, one of `zhuqi_domain::dispute::DISPUTE_TYPES`.
    pub dispute_type: String,
    /// 涉及金额
    pub amount: Fen,
    /// 纠纷事实
    pub facts: String,
}

/// An enterprise party of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub enterprise_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeRecord {
    pub id: i64,
    pub number: AppealNumber,
    pub workstation_id: i64,
    pub workstation_name: String,
    pub region_code: RegionCode,
    pub parties: Vec<Party>,
    pub other_party: String,
    pub facts: String,
    pub amount: Fen,
    /// Who holds it now: the mediator's name, or the court's, arbitration body's or unit's.
    pub unit_name: Option<String>,
    pub mediator_name: Option<String>,
    pub created_by: Option<i64>,
    pub state: Appeal,
}

impl DisputeRecord {
    pub fn forum(&self) -> Option<Forum> {
        self.state.mediation.as_ref().and_then(|m| m.forum)
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.state.mediation.as_ref().and_then(|m| m.outcome)
    }

    pub fn agreed(&self) -> Option<Fen> {
        self.state.mediation.as_ref().and_then(|m| m.agreed)
    }

    /// The parties' names, joined as a list cell shows them.
    pub fn party_names(&self) -> String {
        self.parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("、")
    }
}

/// Which cases a list shows.
#[derive(Debug, Clone, Default)]
pub struct DisputeFilter {
    pub statuses: Vec<Status>,
    pub dispute_type: Option<String>,
    pub outcome: Option<Outcome>,
    /// Only the cases of this region and below.
    pub region: Option<RegionCode>,
    /// Only the cases a mediator or unit holds (a desk), not all it may see.
    pub held_by_me: bool,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone)]
pub struct DisputePage {
    pub items: Vec<DisputeRecord>,
    pub total: usize,
}

/// How the figures are broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeGrouping {
    Workstation,
    DisputeType,
    County,
}

impl DisputeGrouping {
    pub const ALL: [DisputeGrouping; 3] =
        [DisputeGrouping::Workstation, DisputeGrouping::DisputeType, DisputeGrouping::County];

    pub fn as_str(self) -> &'static str {
        match self {
            DisputeGrouping::Workstation => "workstation",
            DisputeGrouping::DisputeType => "type",
            DisputeGrouping::County => "county",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DisputeGrouping::Workstation => "工作站",
            DisputeGrouping::DisputeType => "纠纷类型",
            DisputeGrouping::County => "县（市、区）",
        }
    }

    pub fn parse(s: &str) -> Option<DisputeGrouping> {
        DisputeGrouping::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// The cases of one group as they stood at the end of a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisputeTally {
    /// 受理: recorded by then and not refused (不予受理) by then.
    pub received: i64,
    /// 涉及金额 of the cases received.
    pub amount: Fen,
    /// 调解成功 by then.
    pub mediated: i64,
    pub failed: i64,
    pub litigation: i64,
    pub withdrawn: i64,
    /// 达成金额 of the cases mediated successfully.
    pub agreed: Fen,
}

impl DisputeTally {
    /// Still being handled: received and neither concluded nor withdrawn.
    pub fn open(&self) -> i64 {
        self.received - self.mediated - self.failed - self.litigation - self.withdrawn
    }

    /// 调解成功率, in per mille of the cases received (as the seed's 1238 of 1585 gives 78.1%); `None` for none.
    pub fn success_per_mille(&self) -> Option<i64> {
        (self.received > 0).then(|| (self.mediated * 1000 * 2 + self.received) / (self.received * 2))
    }
}

/// The dispute figures of a scope as of the end of `as_of`, in all and by group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeFigures {
    pub as_of: Date,
    pub total: DisputeTally,
    /// (key, label, tally), the largest group first.
    pub rows: Vec<(String, String, DisputeTally)>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn invalid<T>(message: impl Into<String>) -> Result<T> {
    Err(StoreError::Invalid(message.into()))
}

const DISPUTE_COLUMNS: &str = "d.id, d.number, d.workstation_id, w.name, d.region_code, d.other_party, d.facts, \
    d.amount_fen, u.name, m.display_name, d.created_by, d.state";
const DISPUTE_FROM: &str = "disputes d JOIN units w ON w.id = d.workstation_id \
    LEFT JOIN units u ON u.id = d.unit_id LEFT JOIN users m ON m.id = d.mediator_id";

fn dispute_from_row(row: &Row) -> Result<DisputeRecord> {
    let number = row.text(1)?;
    let region = row.text(4)?;
    Ok(DisputeRecord {
        id: row.int(0)?,
        number: AppealNumber::parse(&number).map_err(|e| corrupt("disputes.number", e))?,
        workstation_id: row.int(2)?,
        workstation_name: row.text(3)?,
        region_code: RegionCode::parse(&region).map_err(|e| corrupt("disputes.region_code", e))?,
        parties: Vec::new(),
        other_party: row.text(5)?,
        facts: row.text(6)?,
        amount: Fen::new(row.int(7)?).map_err(|e| corrupt("disputes.amount_fen", e))?,
        unit_name: row.opt_text(8)?,
        mediator_name: row.opt_text(9)?,
        created_by: row.opt_int(10)?,
        state: parse_state(&row.text(11)?)?,
    })
}

/// Reads the cases `condition` picks, with their parties.
fn load_disputes(tx: &mut Tx<'_>, condition: &str, tail: &str, values: &[Value]) -> Result<Vec<DisputeRecord>> {
    let mut items = tx
        .query(&format!("SELECT {DISPUTE_COLUMNS} FROM {DISPUTE_FROM} WHERE {condition} {tail}"), values)?
        .iter()
        .map(dispute_from_row)
        .collect::<Result<Vec<_>>>()?;
    if items.is_empty() {
        return Ok(items);
    }
    let mut ids = Vec::new();
    let list: Vec<String> = items.iter().map(|d| bind(&mut ids, d.id)).collect();
    let rows = tx.query(
        &format!(
            "SELECT de.dispute_id, e.id, e.name FROM dispute_enterprises de JOIN enterprises e ON e.id = de.enterprise_id \
             WHERE de.dispute_id IN ({}) ORDER BY de.dispute_id, e.id",
            list.join(", ")
        ),
        &ids,
    )?;
    for row in rows.iter() {
        let id = row.int(0)?;
        if let Some(d) = items.iter_mut().find(|d| d.id == id) {
            d.parties.push(Party { enterprise_id: row.int(1)?, name: row.text(2)? });
        }
    }
    Ok(items)
}

fn load_dispute(tx: &mut Tx<'_>, id: i64) -> Result<DisputeRecord> {
    load_disputes(tx, "d.id = $1", "", params![id])?.pop().ok_or(StoreError::NotFound("纠纷案件"))
}

/// What one role of `p` may see of the cases aliased `d`; `None` if the role sees none.
fn dispute_role_scope(p: &Principal, role: Role, values: &mut Vec<Value>) -> Option<String> {
    match role {
        Role::Workstation | Role::Leader => p.region.as_ref().map(|r| in_region("d.region_code", r, values)),
        Role::Mediator => Some(format!("d.mediator_id = {}", bind(values, p.user_id))),
        // A court, arbitration body or unit holds the cases transferred to it; a case transferred to a mediator is
        // the mediator's, not their workstation's.
        Role::Handler => p.unit_id.map(|u| format!("(d.unit_id = {} AND d.mediator_id IS NULL)", bind(values, u))),
        Role::Enterprise => p.enterprise_id.map(|e| {
            format!("d.id IN (SELECT dispute_id FROM dispute_enterprises WHERE enterprise_id = {})", bind(values, e))
        }),
        _ => None,
    }
}

fn dispute_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    let parts: Vec<String> = p.roles.iter().filter_map(|r| dispute_role_scope(p, *r, values)).collect();
    if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

/// The roles that read the dispute figures, all by region: the workstations, leaders and the command office.
fn figures_scope(p: &Principal, values: &mut Vec<Value>) -> Option<String> {
    let reads = [Role::Workstation, Role::Leader, Role::Dispatcher].iter().any(|r| p.has(*r));
    p.region.as_ref().filter(|_| reads).map(|r| in_region("d.region_code", r, values))
}

/// Whether `p` may read the dispute figures at all.
pub fn reads_dispute_figures(p: &Principal) -> bool {
    figures_scope(p, &mut Vec::new()).is_some()
}

fn visible_dispute(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<DisputeRecord> {
    if !holds(tx, "disputes", "d", id, |v| Some(dispute_scope(p, v)))? {
        return Err(StoreError::NotFound("纠纷案件"));
    }
    load_dispute(tx, id)
}

impl Item for DisputeRecord {
    const TABLES: &'static ItemTables = &DISPUTES;

    fn state(&self) -> &Appeal {
        &self.state
    }

    fn visible(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<Self> {
        visible_dispute(tx, p, id)
    }

    fn acting_role(tx: &mut Tx<'_>, p: &Principal, id: i64, kind: ActionKind) -> Result<Role> {
        acting_role(tx, p, id, kind)
    }

    fn check(w: &mut Writer<'_>, action: &Action) -> Result<()> {
        w.check_transfer(action)
    }

    fn apply(w: &mut Writer<'_>, record: &Self, actor: Actor, action: Action, at: Timestamp) -> Result<Self> {
        w.apply_dispute(record, actor, action, at)
    }
}

fn acting_role(tx: &mut Tx<'_>, p: &Principal, id: i64, kind: ActionKind) -> Result<Role> {
    let allowed = Kind::Dispute.allowed_roles(kind);
    first_acting_role(tx, p, ("disputes", "d"), id, allowed, dispute_role_scope)?.ok_or_else(|| {
        StoreError::Forbidden(format!(
            "您的角色无权对该纠纷案件执行「{}」/ your roles may not {kind} this case",
            Kind::Dispute.step_label(kind)
        ))
    })
}

impl Writer<'_> {
    /// Records a case taken in by `workstation_id` at `at` (受理): submitted at once, waiting to be transferred. No
    /// scope check (`Store::create_dispute_as` checks it); the parties, type and amount are checked here.
    pub fn create_dispute(
        &mut self,
        new: &NewDispute,
        workstation_id: i64,
        actor: Actor,
        at: Timestamp,
    ) -> Result<DisputeRecord> {
        match new.other_party.trim().chars().count() {
            0 => return invalid("请填写对方当事人"),
            n if n > MAX_PARTY_NAME => return invalid(format!("对方当事人最多{MAX_PARTY_NAME}字")),
            _ => {}
        }
        match new.facts.trim().chars().count() {
            0 => return invalid("请填写纠纷事实"),
            n if n > zhuqi_domain::appeal::MAX_TEXT => return invalid("纠纷事实最多5000字"),
            _ => {}
        }
        if !is_dispute_type(new.dispute_type.trim()) {
            return invalid(format!("纠纷类型「{}」不在目录中", new.dispute_type.trim()));
        }
        if new.amount.fen() > MAX_DISPUTE_FEN {
            return invalid("涉及金额不能超过1000亿元，请核对单位（元）");
        }
        let mut parties = new.enterprise_ids.clone();
        parties.sort_unstable();
        parties.dedup();
        if parties.is_empty() {
            return invalid("请选择至少一家涉事企业");
        }
        if parties.len() > MAX_ENTERPRISE_PARTIES {
            return invalid(format!("涉事企业最多{MAX_ENTERPRISE_PARTIES}家"));
        }
        for e in &parties {
            if self.tx.query_opt("SELECT 1 FROM enterprises WHERE id = $1", params![*e])?.is_none() {
                return invalid(format!("企业 {e} 不存在 / enterprise {e} does not exist"));
            }
        }
        let region = self
            .tx
            .query_opt("SELECT region_code FROM units WHERE id = $1", params![workstation_id])?
            .ok_or_else(|| StoreError::Invalid(format!("工作站 {workstation_id} 不存在")))?
            .text(0)?;
        let at = stored_precision(at);
        let history = [Event {
            seq: 1,
            at,
            actor,
            action: Action::Create { category: new.dispute_type.trim().to_owned(), draft: false },
        }];
        let state = replay(&DISPUTES, &history)?;
        let number = self.next_number(DISPUTE_PREFIX, local_date(at).year())?;
        let own = [
            ("number", number.to_string().into()),
            ("workstation_id", workstation_id.into()),
            ("region_code", region.into()),
            ("other_party", new.other_party.trim().into()),
            ("facts", new.facts.trim().into()),
            ("amount_fen", new.amount.fen().into()),
            ("created_by", actor.user_id.into()),
        ];
        let id = self.insert_item(&DISPUTES, &own, &history, &state)?;
        for e in &parties {
            self.tx.execute(
                "INSERT INTO dispute_enterprises (dispute_id, enterprise_id) VALUES ($1, $2)",
                params![id, *e],
            )?;
        }
        let after = serde_json::json!({"number": number.to_string(), "workstation_id": workstation_id,
            "enterprise_ids": parties, "other_party": new.other_party.trim(), "type": new.dispute_type.trim(),
            "amount_fen": new.amount.fen()});
        self.audit("dispute.create", format!("dispute:{id}"), None, audit::json(&after));
        load_dispute(&mut self.tx, id)
    }

    /// Takes `action` on a case as the caller last read it; refused with `Conflict` if it moved since. The case's
    /// own mirror columns (forum, mediator, outcome) follow its state.
    pub fn apply_dispute(
        &mut self,
        record: &DisputeRecord,
        actor: Actor,
        action: Action,
        at: Timestamp,
    ) -> Result<DisputeRecord> {
        let state = self.apply_item(&DISPUTES, record.id, &record.state, actor, action, at)?;
        if state.mediation != record.state.mediation {
            let m = state.mediation.clone().unwrap_or_default();
            self.tx.execute(
                "UPDATE disputes SET forum = $1, mediator_id = $2, outcome = $3, agreed_fen = $4 WHERE id = $5",
                params![
                    m.forum.map(Forum::as_str),
                    m.mediator_id,
                    m.outcome.map(Outcome::as_str),
                    m.agreed.map(Fen::fen),
                    record.id
                ],
            )?;
        }
        load_dispute(&mut self.tx, record.id)
    }

    /// Checks where a transfer sends a case: the unit exists and is active, and a mediator is a user with the
    /// mediator role whose unit (their workstation) is the transfer's unit.
    fn check_transfer(&mut self, action: &Action) -> Result<()> {
        let Action::Transfer { unit_id, mediator_id, .. } = action else { return Ok(()) };
        crate::scope::check_units(&mut self.tx, *unit_id, &[])?;
        if let Some(m) = mediator_id {
            let row = self.tx.query_opt(
                "SELECT u.unit_id FROM users u JOIN user_roles r ON r.user_id = u.id \
                 WHERE u.id = $1 AND r.role = 'mediator'",
                params![*m],
            )?;
            match row {
                None => return invalid(format!("调解员 {m} 不存在 / no mediator {m}")),
                Some(r) if r.opt_int(0)? != Some(*unit_id) => {
                    return invalid("调解员不属于所选工作站 / the mediator is not of that unit");
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

impl Store {
    /// Records a case for `p`'s workstation (the unit of a user with the workstation role); idempotent by `key`.
    pub async fn create_dispute_as(
        &self,
        p: &Principal,
        source: &str,
        new: NewDispute,
        at: Timestamp,
        key: Option<IdempotencyKey>,
    ) -> Result<DisputeRecord> {
        let Some(workstation) = p.unit_id.filter(|_| p.has(Role::Workstation)) else {
            return Err(StoreError::Forbidden(
                "只有解纷工作站可以受理纠纷案件 / only a workstation records dispute cases".into(),
            ));
        };
        let q = p.clone();
        let create = move |w: &mut Writer<'_>| {
            // The enterprise parties must be in the workstation's region: it cannot name what it may not see.
            for e in &new.enterprise_ids {
                if !holds(&mut w.tx, "enterprises", "e", *e, |v| Some(enterprise_scope(&q, v)))? {
                    return invalid(format!("企业 {e} 不存在或不在本地区 / enterprise {e} is not in your region"));
                }
            }
            w.create_dispute(&new, workstation, Actor::user(q.user_id, Role::Workstation), at).map(|d| d.id)
        };
        self.create_once(p.origin(source), "dispute", key, create, load_dispute).await
    }

    /// The cases `p` may see that `filter` picks, the open ones first by due date, with the total.
    pub async fn disputes_for(&self, p: &Principal, filter: DisputeFilter) -> Result<DisputePage> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut conditions = vec![dispute_scope(&p, &mut values)];
            if !filter.statuses.is_empty() {
                let list: Vec<String> = filter.statuses.iter().map(|s| bind(&mut values, s.as_str())).collect();
                conditions.push(format!("d.status IN ({})", list.join(", ")));
            }
            if let Some(t) = &filter.dispute_type {
                conditions.push(format!("d.category_code = {}", bind(&mut values, t.as_str())));
            }
            if let Some(o) = filter.outcome {
                conditions.push(format!("d.outcome = {}", bind(&mut values, o.as_str())));
            }
            if let Some(r) = &filter.region {
                conditions.push(in_region("d.region_code", r, &mut values));
            }
            if filter.held_by_me {
                let mut held = Vec::new();
                if p.has(Role::Mediator) {
                    held.push(format!("d.mediator_id = {}", bind(&mut values, p.user_id)));
                }
                if let Some(u) = p.unit_id.filter(|_| p.has(Role::Handler)) {
                    held.push(format!("(d.unit_id = {} AND d.mediator_id IS NULL)", bind(&mut values, u)));
                }
                conditions.push(if held.is_empty() { "1 = 0".to_owned() } else { format!("({})", held.join(" OR ")) });
            }
            let condition = conditions.join(" AND ");
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM disputes d WHERE {condition}"), &values)?.int(0)?;
            let limit = bind(&mut values, i64::try_from(filter.limit.max(1)).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(filter.offset).unwrap_or(i64::MAX));
            let tail = format!(
                "ORDER BY d.closed_at IS NOT NULL, COALESCE(d.resolve_due, '9999-12-31'), d.id DESC \
                 LIMIT {limit} OFFSET {offset}"
            );
            let items = load_disputes(tx, &condition, &tail, &values)?;
            Ok(DisputePage { items, total: usize::try_from(total).unwrap_or(0) })
        })
        .await
    }

    /// The case if `p` may see it; `NotFound` otherwise.
    pub async fn dispute_for(&self, p: &Principal, id: i64) -> Result<DisputeRecord> {
        let p = p.clone();
        self.read(move |tx| visible_dispute(tx, &p, id)).await
    }

    pub async fn dispute_events_for(&self, p: &Principal, id: i64) -> Result<Vec<Event>> {
        self.item_events_for::<DisputeRecord>(p, id).await
    }

    /// Takes one action on a case `p` saw at `expected_version` (see `act_on_item`). Where a transfer sends the
    /// case must exist.
    pub async fn act_on_dispute(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        expected_version: u32,
        action: Action,
        at: Timestamp,
    ) -> Result<DisputeRecord> {
        self.act_on_item(p, source, id, expected_version, action, at).await
    }

    /// The mediators a workstation of `p`'s region may transfer a case to: (user id, name, unit id, unit name).
    pub async fn mediators_for(&self, p: &Principal) -> Result<Vec<(i64, String, i64, String)>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let Some(region) = p.region.as_ref().filter(|_| p.has(Role::Workstation)) else { return Ok(Vec::new()) };
            let scope = in_region("n.region_code", region, &mut values);
            tx.query(
                &format!(
                    "SELECT u.id, u.display_name, n.id, n.name FROM users u JOIN user_roles r ON r.user_id = u.id \
                     JOIN units n ON n.id = u.unit_id WHERE r.role = 'mediator' AND {scope} ORDER BY n.id, u.id"
                ),
                &values,
            )?
            .iter()
            .map(|r| Ok((r.int(0)?, r.text(1)?, r.int(2)?, r.text(3)?)))
            .collect()
        })
        .await
    }

    /// The dispute figures of `p`'s region (of `within` it, when given) as they stood at the end of `as_of`, in all
    /// and by `grouping`. Exact as of any past day: a case counts from the moment it was recorded, an outcome from
    /// the moment it was recorded (`answered_at`; an outcome never changes once recorded), a refusal or withdrawal
    /// from `closed_at`.
    pub async fn dispute_figures(
        &self,
        p: &Principal,
        within: Option<RegionCode>,
        as_of: Date,
        grouping: DisputeGrouping,
    ) -> Result<DisputeFigures> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let Some(mut scope) = figures_scope(&p, &mut values) else {
                return Err(StoreError::Forbidden("您的角色无权查看解纷统计 / your roles do not read dispute figures".into()));
            };
            if let Some(r) = &within {
                scope = format!("{scope} AND {}", in_region("d.region_code", r, &mut values));
            }
            let end = as_of
                .tomorrow()
                .ok()
                .and_then(start_of_day)
                .ok_or_else(|| StoreError::Invalid(format!("日期 {as_of} 超出范围")))?;
            let end = bind(&mut values, to_micros(end));
            let (key, label, join) = match grouping {
                DisputeGrouping::Workstation => ("CAST(d.workstation_id AS TEXT)", "g.name", "JOIN units g ON g.id = d.workstation_id"),
                DisputeGrouping::DisputeType => ("d.category_code", "d.category_code", ""),
                DisputeGrouping::County => ("d.region_code", "g.name", "JOIN regions g ON g.code = d.region_code"),
            };
            let concluded = |outcome: &str| {
                format!("SUM(CASE WHEN d.outcome = '{outcome}' AND d.answered_at < {end} THEN 1 ELSE 0 END)")
            };
            let sql = format!(
                "SELECT {key}, {label}, COUNT(*), CAST(SUM(d.amount_fen) AS BIGINT), {mediated}, {failed}, {litigation}, \
                 SUM(CASE WHEN d.status = 'withdrawn' AND d.closed_at < {end} THEN 1 ELSE 0 END), \
                 CAST(SUM(CASE WHEN d.outcome = 'mediated' AND d.answered_at < {end} THEN d.agreed_fen ELSE 0 END) AS BIGINT) \
                 FROM disputes d {join} WHERE {scope} AND d.created_at < {end} \
                 AND NOT (d.status = 'invalid' AND d.closed_at < {end}) GROUP BY {key}, {label}",
                mediated = concluded("mediated"),
                failed = concluded("failed"),
                litigation = concluded("litigation"),
            );
            let mut total = DisputeTally::default();
            let mut rows = Vec::new();
            for row in tx.query(&sql, &values)?.iter() {
                let fen = |i| Fen::new(row.opt_int(i)?.unwrap_or(0)).map_err(|e| corrupt("disputes.amount_fen", e));
                let tally = DisputeTally {
                    received: row.int(2)?,
                    amount: fen(3)?,
                    mediated: row.int(4)?,
                    failed: row.int(5)?,
                    litigation: row.int(6)?,
                    withdrawn: row.int(7)?,
                    agreed: fen(8)?,
                };
                total = total.plus(&tally).ok_or_else(|| corrupt("dispute figures", "amount overflow"))?;
                rows.push((row.text(0)?, row.text(1)?, tally));
            }
            rows.sort_by(|a, b| b.2.received.cmp(&a.2.received).then_with(|| a.0.cmp(&b.0)));
            Ok(DisputeFigures { as_of, total, rows })
        })
        .await
    }
}

impl DisputeTally {
    /// The two tallies together; `None` if the amounts overflow.
    pub fn plus(&self, o: &DisputeTally) -> Option<DisputeTally> {
        Some(DisputeTally {
            received: self.received + o.received,
            amount: self.amount.checked_add(o.amount)?,
            mediated: self.mediated + o.mediated,
            failed: self.failed + o.failed,
            litigation: self.litigation + o.litigation,
            withdrawn: self.withdrawn + o.withdrawn,
            agreed: self.agreed.checked_add(o.agreed)?,
        })
    }
}
