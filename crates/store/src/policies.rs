//! 惠企政策 (SPEC §8, issue 16): the policy library and the matching of policies and enterprises both ways.
//!
//! Who writes: a dispatcher (the command office) records any policy of its region; a handler records its own unit's
//! policies. Who reads: policies are public to the people of the regions they concern — a policy of 周口 is read in
//! 周口 and its counties, a national one recorded at the top by everybody below — but a draft (起草中) only by the
//! command office, the government office (which judges its drafting task) and leaders of its region and the unit that
//! drafts it. The admins read none (三员分立).
//!
//! Matching is computed, never stored: `zhuqi_domain::policy` decides, these queries read the facts it needs.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use zhuqi_domain::policy::{
    BenefitKind, Check, Conditions, EnterpriseFacts, Fit, PolicyLevel, PolicyStatus, RevenueBand, SizeFlag, TaxCredit,
    check, fit, qualifies,
};
use zhuqi_domain::time::{from_micros, to_micros};
use zhuqi_domain::{Fen, RegionCode, Role};

use crate::access::Principal;
use crate::audit;
use crate::catalog::{ENTERPRISE_COLUMNS, EnterpriseRecord, coded, enterprise_from_row, known_industries};
use crate::db::{Row, Tx, Value, params};
use crate::scope::{bind, enterprise_scope, escape_like, in_region};
use crate::{IdempotencyKey, Result, Store, StoreError, Writer};

mod deliveries;
mod drafting;
mod figures;
mod files;
pub use deliveries::{DeliveryDesk, DeliveryFilter, DeliveryPage, DeliveryRecord, POLICY_CATEGORY, Progress};
pub use drafting::DRAFTING_AREA;
pub use figures::{PolicyFigures, PolicyGrouping, PolicyTally};
pub use files::PolicyFile;

pub const MAX_POLICY_TITLE: usize = 200;
pub const MAX_POLICY_BODY: usize = 50_000;
/// 文号, 发文机关, 扶持内容: one line each.
pub const MAX_POLICY_LINE: usize = 500;

/// A policy as written (new or edited).
#[derive(Debug, Clone)]
pub struct NewPolicy {
    pub title: String,
    /// 发文机关
    pub issuer: String,
    pub level: PolicyLevel,
    /// 文号, e.g. 周政办〔2026〕12号
    pub doc_number: String,
    /// Where it applies.
    pub region: RegionCode,
    /// The unit that answers for it: drafts it, grants it.
    pub unit_id: i64,
    pub status: PolicyStatus,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// A draft's due date (推进清单).
    pub due_on: Option<Date>,
    pub benefit_kind: BenefitKind,
    /// 扶持内容: the amount or the formula, in words.
    pub benefit: String,
    /// The most one enterprise may be granted.
    pub cap: Option<Fen>,
    /// 免申即享
    pub no_application: bool,
    pub conditions: Conditions,
    /// 政策原文
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct PolicyRecord {
    pub id: i64,
    pub policy: NewPolicy,
    pub region_name: String,
    pub unit_name: String,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl PolicyRecord {
    /// Published and between its dates on `day` (the 执行清单's policies).
    pub fn in_force(&self, day: Date) -> bool {
        let p = &self.policy;
        p.status == PolicyStatus::Published && p.valid_from <= day && p.valid_to.is_none_or(|to| day <= to)
    }

    /// 有效 / 未生效 / 已失效 / 起草中 / 已废止, as lists show it on `day`.
    pub fn standing(&self, day: Date) -> &'static str {
        let p = &self.policy;
        match p.status {
            PolicyStatus::Published if p.valid_from > day => "未生效",
            PolicyStatus::Published if p.valid_to.is_some_and(|to| to < day) => "已失效",
            PolicyStatus::Published => "有效",
            other => other.label(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PolicyFilter {
    /// Words, each found in the title, 文号, 发文机关, 扶持内容 or text.
    pub words: Option<String>,
    pub status: Option<PolicyStatus>,
    pub level: Option<PolicyLevel>,
    pub benefit_kind: Option<BenefitKind>,
    pub unit_id: Option<i64>,
    /// Published and in force on this day.
    pub in_force_on: Option<Date>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone)]
pub struct PolicyPage {
    pub items: Vec<PolicyRecord>,
    pub total: usize,
}

/// A policy an enterprise qualifies for or nearly does, with each condition checked.
#[derive(Debug, Clone)]
pub struct PolicyFit {
    pub policy: PolicyRecord,
    pub fit: Fit,
    pub checks: Vec<Check>,
}

/// A policy in force on the 执行清单: how many enterprises qualify for it, and how far it has gone with them.
#[derive(Debug, Clone)]
pub struct PolicyReach {
    pub policy: PolicyRecord,
    /// 符合条件企业
    pub matched: usize,
    pub progress: Progress,
}

/// Page of the enterprises that qualify for a policy, with how many qualify in all.
#[derive(Debug, Clone)]
pub struct MatchPage {
    pub items: Vec<EnterpriseRecord>,
    pub total: usize,
    /// The policy's record with each enterprise of the page that has one, by enterprise id.
    pub deliveries: std::collections::HashMap<i64, DeliveryRecord>,
}

fn invalid<T>(message: impl Into<String>) -> Result<T> {
    Err(StoreError::Invalid(message.into()))
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

const POLICY_COLUMNS: &str = "p.id, p.title, p.issuer, p.level, p.doc_number, p.region_code, p.unit_id, p.status, \
     p.valid_from, p.valid_to, p.due_on, p.benefit_kind, p.benefit, p.cap_fen, p.no_application, p.conditions, \
     p.body, p.version, p.created_at, p.updated_at, r.name, u.name";
const POLICY_FROM: &str = "policies p JOIN regions r ON r.code = p.region_code JOIN units u ON u.id = p.unit_id";

fn date(text: Option<String>, what: &str) -> Result<Option<Date>> {
    text.map(|t| t.parse::<Date>().map_err(|e| corrupt(what, e))).transpose()
}

fn policy_from_row(row: &Row) -> Result<PolicyRecord> {
    let stamp = |i| -> Result<Timestamp> { from_micros(row.int(i)?).ok_or_else(|| corrupt("policies", "time")) };
    fn required<T>(v: Option<T>, what: &str) -> Result<T> {
        v.ok_or_else(|| corrupt(what, "unknown code"))
    }
    let conditions: Conditions = serde_json::from_str(&row.text(15)?).map_err(|e| corrupt("policies.conditions", e))?;
    Ok(PolicyRecord {
        id: row.int(0)?,
        policy: NewPolicy {
            title: row.text(1)?,
            issuer: row.text(2)?,
            level: required(PolicyLevel::parse(&row.text(3)?), "policies.level")?,
            doc_number: row.text(4)?,
            region: RegionCode::parse(&row.text(5)?).map_err(|e| corrupt("policies.region_code", e))?,
            unit_id: row.int(6)?,
            status: required(PolicyStatus::parse(&row.text(7)?), "policies.status")?,
            valid_from: row.text(8)?.parse().map_err(|e| corrupt("policies.valid_from", e))?,
            valid_to: date(row.opt_text(9)?, "policies.valid_to")?,
            due_on: date(row.opt_text(10)?, "policies.due_on")?,
            benefit_kind: required(BenefitKind::parse(&row.text(11)?), "policies.benefit_kind")?,
            benefit: row.text(12)?,
            cap: row.opt_int(13)?.map(Fen::new).transpose().map_err(|e| corrupt("policies.cap_fen", e))?,
            no_application: row.int(14)? != 0,
            conditions,
            body: row.text(16)?,
        },
        version: row.int(17)?,
        created_at: stamp(18)?,
        updated_at: stamp(19)?,
        region_name: row.text(20)?,
        unit_name: row.text(21)?,
    })
}

fn load_policies(tx: &mut Tx<'_>, condition: &str, tail: &str, values: &[Value]) -> Result<Vec<PolicyRecord>> {
    let sql = format!("SELECT {POLICY_COLUMNS} FROM {POLICY_FROM} WHERE {condition} {tail}");
    tx.query(&sql, values)?.iter().map(policy_from_row).collect()
}

fn load_policy(tx: &mut Tx<'_>, id: i64) -> Result<PolicyRecord> {
    load_policies(tx, "p.id = $1", "", params![id])?.into_iter().next().ok_or(StoreError::NotFound("政策"))
}

/// The region a user reads policies for: an enterprise's own; a staff member's, or its unit's.
fn home_region(tx: &mut Tx<'_>, p: &Principal) -> Result<Option<RegionCode>> {
    let row = match (p.enterprise_id.filter(|_| p.has(Role::Enterprise)), &p.region, p.unit_id) {
        (Some(e), _, _) => tx.query_opt("SELECT region_code FROM enterprises WHERE id = $1", params![e])?,
        (None, Some(r), _) => return Ok(Some(r.clone())),
        (None, None, Some(unit)) => tx.query_opt("SELECT region_code FROM units WHERE id = $1", params![unit])?,
        (None, None, None) => None,
    };
    row.map(|r| RegionCode::parse(&r.text(0)?).map_err(|e| corrupt("region_code", e))).transpose()
}

/// `p.region_code` concerns `region`: lies under it, or is one of the regions above it.
fn concerns(region: &RegionCode, values: &mut Vec<Value>) -> String {
    let mut above = Vec::new();
    let mut at = region.parent();
    while let Some(r) = at {
        above.push(bind(values, r.as_str()));
        at = r.parent();
    }
    let under = in_region("p.region_code", region, values);
    if above.is_empty() { under } else { format!("({under} OR p.region_code IN ({}))", above.join(", ")) }
}

/// The condition on `policies p` of what `p` may read (see the module comment).
fn policy_scope(tx: &mut Tx<'_>, user: &Principal, values: &mut Vec<Value>) -> Result<String> {
    const READERS: [Role; 8] = [
        Role::Dispatcher,
        Role::Office,
        Role::Leader,
        Role::Handler,
        Role::Cadre,
        Role::Enterprise,
        Role::Workstation,
        Role::Mediator,
    ];
    let Some(region) = home_region(tx, user)?.filter(|_| READERS.iter().any(|r| user.has(*r))) else {
        return Ok("1 = 0".into());
    };
    let mut parts = vec![format!("(p.status <> 'drafting' AND {})", concerns(&region, values))];
    // The government office judges the drafting tasks of the 推进清单, so it reads the drafts too.
    if user.has(Role::Dispatcher) || user.has(Role::Leader) || user.has(Role::Office) {
        parts.push(concerns(&region, values));
    }
    if let Some(unit) = user.unit_id.filter(|_| user.has(Role::Handler)) {
        parts.push(format!("p.unit_id = {}", bind(values, unit)));
    }
    Ok(format!("({})", parts.join(" OR ")))
}

fn visible_policy(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<PolicyRecord> {
    let mut values = vec![Value::from(id)];
    let scope = policy_scope(tx, p, &mut values)?;
    load_policies(tx, &format!("p.id = $1 AND {scope}"), "", &values)?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound("政策"))
}

/// Whether `p` may record or change `policy`: a dispatcher anywhere in its region, a handler for its own unit
/// within its unit's region.
fn check_writer(tx: &mut Tx<'_>, p: &Principal, policy: &NewPolicy) -> Result<()> {
    let unit = tx
        .query_opt("SELECT region_code, active, name FROM units WHERE id = $1", params![policy.unit_id])?
        .ok_or_else(|| {
            StoreError::Invalid(format!("单位 {} 不存在 / unit {} does not exist", policy.unit_id, policy.unit_id))
        })?;
    let unit_region = RegionCode::parse(&unit.text(0)?).map_err(|e| corrupt("units.region_code", e))?;
    let dispatcher = p.has(Role::Dispatcher)
        && p.region.as_ref().is_some_and(|r| r.contains(&policy.region) && r.contains(&unit_region));
    let handler = p.has(Role::Handler) && p.unit_id == Some(policy.unit_id) && unit_region.contains(&policy.region);
    if !dispatcher && !handler {
        return Err(StoreError::Forbidden(
            "只有本地区指挥部或政策的责任单位可以登记、修改该政策 / only the region's office or the policy's unit may"
                .into(),
        ));
    }
    if unit.int(1)? == 0 {
        return invalid(format!("单位「{}」已停用 / the unit is retired", unit.text(2)?));
    }
    Ok(())
}

impl Writer<'_> {
    /// Checks a policy as written against the database: its region, its unit, its industries; the bounds of its
    /// lines and dates. Returns the conditions normalised.
    fn checked_policy(&mut self, policy: &NewPolicy) -> Result<Conditions> {
        let length = |what: &str, text: &str, min: usize, max: usize| -> Result<()> {
            match text.trim().chars().count() {
                n if n < min => invalid(format!("请填写{what} / {what} is required")),
                n if n > max => invalid(format!("{what}最多{max}字 / {what} is too long")),
                _ => Ok(()),
            }
        };
        length("政策名称", &policy.title, 1, MAX_POLICY_TITLE)?;
        length("发文机关", &policy.issuer, 1, MAX_POLICY_LINE)?;
        length("文号", &policy.doc_number, 0, MAX_POLICY_LINE)?;
        length("扶持内容", &policy.benefit, 0, MAX_POLICY_LINE)?;
        length("政策原文", &policy.body, 0, MAX_POLICY_BODY)?;
        if policy.valid_to.is_some_and(|to| to < policy.valid_from) {
            return invalid("有效期止不能早于有效期起 / the validity ends before it starts");
        }
        if policy.status == PolicyStatus::Drafting && policy.due_on.is_none() {
            return invalid("起草中的政策请填写计划出台日期 / a draft needs its due date");
        }
        match self.tx.query_opt("SELECT active FROM regions WHERE code = $1", params![policy.region.as_str()])? {
            None => return invalid(format!("地区 {} 不存在 / unknown region", policy.region)),
            Some(r) if r.int(0)? == 0 => {
                return invalid(format!("地区 {} 已停用 / the region is retired", policy.region));
            }
            Some(_) => {}
        }
        let conditions = policy.conditions.clone().normalised().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let known = known_industries(&mut self.tx)?;
        if let Some(unknown) = conditions.industries.iter().find(|i| !known.contains(i)) {
            return invalid(format!("产业链「{unknown}」不在目录中 / unknown industry"));
        }
        Ok(conditions)
    }

    /// Records a policy (no scope check: `Store::create_policy_as` makes it).
    pub fn insert_policy(&mut self, policy: &NewPolicy, created_by: Option<i64>, at: Timestamp) -> Result<i64> {
        let conditions = self.checked_policy(policy)?;
        let mut values = policy_values(policy, &conditions)?;
        values.extend([Value::from(created_by), Value::from(to_micros(at))]);
        let id = self
            .tx
            .query_one(
                &format!(
                    "INSERT INTO policies ({POLICY_WRITTEN}, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) \
                     RETURNING id"
                ),
                &values,
            )?
            .int(0)?;
        self.audit(
            "support_policy.create",
            format!("support_policy:{id}"),
            None,
            audit::json(&summary(policy, &conditions)),
        );
        if policy.status == PolicyStatus::Drafting {
            self.hand_out_drafting(id, policy, created_by, at)?;
        }
        Ok(id)
    }

    /// Rewrites policy `id` as the caller last read it (`expected_version`); refused with `Stale` if it changed
    /// since.
    pub fn update_policy(
        &mut self,
        id: i64,
        expected_version: i64,
        policy: &NewPolicy,
        by: Option<i64>,
        at: Timestamp,
    ) -> Result<()> {
        let before = load_policy(&mut self.tx, id)?;
        if before.version != expected_version {
            return Err(StoreError::Stale("政策"));
        }
        let conditions = self.checked_policy(policy)?;
        let mut values = policy_values(policy, &conditions)?;
        values.extend([Value::from(to_micros(at)), Value::from(id)]);
        let set: Vec<String> =
            POLICY_WRITTEN.split(", ").enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
        self.tx.execute(
            &format!("UPDATE policies SET {}, updated_at = $17, version = version + 1 WHERE id = $18", set.join(", ")),
            &values,
        )?;
        self.audit(
            "support_policy.edit",
            format!("support_policy:{id}"),
            audit::json(&summary(&before.policy, &before.policy.conditions)),
            audit::json(&summary(policy, &conditions)),
        );
        self.follow_drafting(id, &before, policy, by, at)
    }
}

/// The columns a policy as written fills, in the order of `policy_values`.
const POLICY_WRITTEN: &str = "title, issuer, level, doc_number, region_code, unit_id, status, valid_from, valid_to, \
     due_on, benefit_kind, benefit, cap_fen, no_application, conditions, body";

/// The values of `POLICY_WRITTEN` for `policy` with its checked `conditions`.
fn policy_values(policy: &NewPolicy, conditions: &Conditions) -> Result<Vec<Value>> {
    let conditions = serde_json::to_string(conditions).map_err(|e| corrupt("conditions", e))?;
    Ok(params![
        policy.title.trim(),
        policy.issuer.trim(),
        policy.level.as_str(),
        policy.doc_number.trim(),
        policy.region.as_str(),
        policy.unit_id,
        policy.status.as_str(),
        policy.valid_from.to_string(),
        policy.valid_to.map(|d| d.to_string()),
        policy.due_on.map(|d| d.to_string()),
        policy.benefit_kind.as_str(),
        policy.benefit.trim(),
        policy.cap.map(Fen::fen),
        policy.no_application,
        conditions,
        policy.body.trim(),
    ]
    .to_vec())
}

/// What the audit keeps of a policy: everything but its text, which can be long (the text's length stands in).
fn summary(p: &NewPolicy, conditions: &Conditions) -> serde_json::Value {
    json!({"title": p.title.trim(), "issuer": p.issuer.trim(), "level": p.level.as_str(),
        "doc_number": p.doc_number.trim(), "region": p.region.as_str(), "unit_id": p.unit_id,
        "status": p.status.as_str(), "valid_from": p.valid_from.to_string(),
        "valid_to": p.valid_to.map(|d| d.to_string()), "due_on": p.due_on.map(|d| d.to_string()),
        "benefit_kind": p.benefit_kind.as_str(), "benefit": p.benefit.trim(), "cap_fen": p.cap.map(Fen::fen),
        "no_application": p.no_application, "conditions": conditions,
        "body_chars": p.body.trim().chars().count()})
}

/// The columns of the facts a condition reads, in the order `facts_from_row` takes them.
const FACT_COLUMNS: &str = "e.id, e.region_code, e.industry, e.above_scale, e.small_micro, e.specialized, \
     e.little_giant, e.high_tech, e.registered_on, e.employees, e.revenue_band, e.tax_credit";

/// How many columns `FACT_COLUMNS` names.
const FACT_COUNT: usize = 12;

/// Whether `p` is of the unit that answers for `policy`: it grants the policy, so it counts and lists every enterprise
/// of the policy's region that qualifies, not only those its own items bring it.
fn grants(p: &Principal, policy: &PolicyRecord) -> bool {
    p.has(Role::Handler) && p.unit_id == Some(policy.policy.unit_id)
}

fn facts_from_row(row: &Row) -> Result<(i64, EnterpriseFacts)> {
    let flags =
        [SizeFlag::AboveScale, SizeFlag::SmallMicro, SizeFlag::Specialized, SizeFlag::LittleGiant, SizeFlag::HighTech];
    let mut sizes = Vec::new();
    for (i, flag) in flags.into_iter().enumerate() {
        if row.int(3 + i)? != 0 {
            sizes.push(flag);
        }
    }
    Ok((
        row.int(0)?,
        EnterpriseFacts {
            region: RegionCode::parse(&row.text(1)?).map_err(|e| corrupt("enterprises.region_code", e))?,
            industry: row.text(2)?,
            sizes,
            registered_on: date(row.opt_text(8)?, "enterprises.registered_on")?,
            employees: row.opt_int(9)?.map(u32::try_from).transpose().map_err(|e| corrupt("employees", e))?,
            revenue: coded(row.opt_text(10)?, RevenueBand::parse, "enterprises.revenue_band")?,
            tax_credit: coded(row.opt_text(11)?, TaxCredit::parse, "enterprises.tax_credit")?,
        },
    ))
}

/// `zhuqi_domain::policy::qualifies` (region apart) written as conditions on `enterprises e`, so that the database
/// counts and pages a policy's enterprises without sending every row out. The domain stays the judge: a test runs both
/// over enterprises on each side of every bound (`crates/store/tests/policies.rs`), and debug builds check every row
/// a page shows. "成立满 N 年 on `day`" is "registered on or before `day` − N years", anniversaries and 29 February
/// included (`full_years` counts a year on the day the calendar subtraction lands on).
fn conditions_sql(c: &Conditions, day: Date, values: &mut Vec<Value>) -> Vec<String> {
    let mut out = Vec::new();
    if !c.industries.is_empty() {
        let list: Vec<String> = c.industries.iter().map(|i| bind(values, i.as_str())).collect();
        out.push(format!("e.industry IN ({})", list.join(", ")));
    }
    if !c.sizes.is_empty() {
        let column = |s: &SizeFlag| match s {
            SizeFlag::AboveScale => "e.above_scale",
            SizeFlag::SmallMicro => "e.small_micro",
            SizeFlag::Specialized => "e.specialized",
            SizeFlag::LittleGiant => "e.little_giant",
            SizeFlag::HighTech => "e.high_tech",
        };
        let any: Vec<String> = c.sizes.iter().map(|s| format!("{} = 1", column(s))).collect();
        out.push(format!("({})", any.join(" OR ")));
    }
    let years_ago = |n: u32| day.checked_sub(jiff::Span::new().years(i64::from(n))).ok();
    if let Some(n) = c.min_years {
        // Before year 1 nobody was registered: no enterprise is that old.
        out.push(match years_ago(n) {
            Some(d) => format!("e.registered_on <= {}", bind(values, d.to_string())),
            None => "1 = 0".into(),
        });
    }
    if let Some(n) = c.max_years {
        out.push(match years_ago(n) {
            Some(d) => format!("e.registered_on > {}", bind(values, d.to_string())),
            None => "e.registered_on IS NOT NULL".into(),
        });
    }
    if let Some(n) = c.min_employees {
        out.push(format!("e.employees >= {}", bind(values, n)));
    }
    if let Some(n) = c.max_employees {
        out.push(format!("e.employees <= {}", bind(values, n)));
    }
    if c.min_revenue.is_some() || c.max_revenue.is_some() {
        let bands = RevenueBand::ALL
            .iter()
            .filter(|b| c.min_revenue.is_none_or(|m| **b >= m) && c.max_revenue.is_none_or(|m| **b <= m));
        let list: Vec<String> = bands.map(|b| bind(values, b.as_str())).collect();
        out.push(if list.is_empty() { "1 = 0".into() } else { format!("e.revenue_band IN ({})", list.join(", ")) });
    }
    if let Some(min) = c.min_tax_credit {
        let list: Vec<String> =
            TaxCredit::ALL.iter().filter(|t| **t <= min).map(|t| bind(values, t.as_str())).collect();
        out.push(format!("e.tax_credit IN ({})", list.join(", ")));
    }
    out
}

impl Store {
    /// Records a policy for `p` (see `check_writer`); idempotent by `key`.
    pub async fn create_policy_as(
        &self,
        p: &Principal,
        source: &str,
        policy: NewPolicy,
        at: Timestamp,
        key: Option<IdempotencyKey>,
    ) -> Result<PolicyRecord> {
        let q = p.clone();
        let create = move |w: &mut Writer<'_>| {
            check_writer(&mut w.tx, &q, &policy)?;
            w.insert_policy(&policy, Some(q.user_id), at)
        };
        self.create_once(p.origin(source), "policy", key, create, load_policy).await
    }

    /// Rewrites a policy `p` may change, as `p` read it at `expected_version` (both the policy as it stands and as
    /// rewritten must be `p`'s to write).
    pub async fn edit_policy_as(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        expected_version: i64,
        policy: NewPolicy,
        at: Timestamp,
    ) -> Result<PolicyRecord> {
        let q = p.clone();
        self.transaction(p.origin(source), move |w| {
            let before = visible_policy(&mut w.tx, &q, id)?;
            check_writer(&mut w.tx, &q, &before.policy)?;
            check_writer(&mut w.tx, &q, &policy)?;
            w.update_policy(id, expected_version, &policy, Some(q.user_id), at)?;
            load_policy(&mut w.tx, id)
        })
        .await
    }

    /// Whether `p` may change policy `id` (what a page offers).
    pub async fn may_edit_policy(&self, p: &Principal, id: i64) -> Result<bool> {
        let p = p.clone();
        self.read(move |tx| {
            let policy = visible_policy(tx, &p, id)?;
            match check_writer(tx, &p, &policy.policy) {
                Ok(()) => Ok(true),
                Err(StoreError::Forbidden(_) | StoreError::Invalid(_)) => Ok(false),
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// The policies `p` may read that `filter` picks, newest first, with the total.
    pub async fn policies_for(&self, p: &Principal, filter: PolicyFilter) -> Result<PolicyPage> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut conditions = vec![policy_scope(tx, &p, &mut values)?];
            for word in filter.words.as_deref().unwrap_or_default().split_whitespace().take(10) {
                let like = bind(&mut values, escape_like(word));
                conditions.push(format!(
                    "(p.title LIKE {like} ESCAPE '\\' OR p.doc_number LIKE {like} ESCAPE '\\' \
                     OR p.issuer LIKE {like} ESCAPE '\\' OR p.benefit LIKE {like} ESCAPE '\\' \
                     OR p.body LIKE {like} ESCAPE '\\')"
                ));
            }
            if let Some(s) = filter.status {
                conditions.push(format!("p.status = {}", bind(&mut values, s.as_str())));
            }
            if let Some(l) = filter.level {
                conditions.push(format!("p.level = {}", bind(&mut values, l.as_str())));
            }
            if let Some(k) = filter.benefit_kind {
                conditions.push(format!("p.benefit_kind = {}", bind(&mut values, k.as_str())));
            }
            if let Some(u) = filter.unit_id {
                conditions.push(format!("p.unit_id = {}", bind(&mut values, u)));
            }
            if let Some(day) = filter.in_force_on {
                let d = bind(&mut values, day.to_string());
                conditions.push(format!(
                    "p.status = 'published' AND p.valid_from <= {d} AND (p.valid_to IS NULL OR p.valid_to >= {d})"
                ));
            }
            let condition = conditions.join(" AND ");
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM policies p WHERE {condition}"), &values)?.int(0)?;
            let limit = bind(&mut values, i64::try_from(filter.limit.max(1)).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(filter.offset).unwrap_or(i64::MAX));
            let tail = format!("ORDER BY p.valid_from DESC, p.id DESC LIMIT {limit} OFFSET {offset}");
            let items = load_policies(tx, &condition, &tail, &values)?;
            Ok(PolicyPage { items, total: usize::try_from(total).unwrap_or(0) })
        })
        .await
    }

    /// The policy if `p` may read it; `NotFound` otherwise.
    pub async fn policy_for(&self, p: &Principal, id: i64) -> Result<PolicyRecord> {
        let p = p.clone();
        self.read(move |tx| visible_policy(tx, &p, id)).await
    }

    /// The enterprises that qualify for policy `id` on `day`, among those `p` may see — or, for the policy's own
    /// unit, among every enterprise of the policy's region (the unit grants them) — page `offset`/`limit` in id
    /// order, with how many qualify.
    pub async fn policy_matches_for(
        &self,
        p: &Principal,
        id: i64,
        day: Date,
        offset: usize,
        limit: usize,
    ) -> Result<MatchPage> {
        let p = p.clone();
        self.read(move |tx| {
            let policy = visible_policy(tx, &p, id)?;
            let mut values = Vec::new();
            let mut condition = in_region("e.region_code", &policy.policy.region, &mut values);
            if !grants(&p, &policy) {
                condition = format!("{condition} AND {}", enterprise_scope(&p, &mut values));
            }
            let mut conditions = vec![condition];
            conditions.extend(conditions_sql(&policy.policy.conditions, day, &mut values));
            let condition = conditions.join(" AND ");
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM enterprises e WHERE {condition}"), &values)?.int(0)?;
            let limit = bind(&mut values, i64::try_from(limit).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(offset).unwrap_or(i64::MAX));
            let sql = format!(
                "SELECT {ENTERPRISE_COLUMNS} FROM enterprises e WHERE {condition} ORDER BY e.id LIMIT {limit} OFFSET {offset}"
            );
            let items = tx.query(&sql, &values)?.iter().map(enterprise_from_row).collect::<Result<Vec<_>>>()?;
            debug_assert!(
                items.iter().all(|e| qualifies(&policy.policy.region, &policy.policy.conditions, &e.facts(), day)),
                "the SQL of a policy's conditions and the domain's disagree"
            );
            let deliveries = deliveries::of_enterprises(tx, id, items.iter().map(|e| e.id))?;
            Ok(MatchPage { items, total: usize::try_from(total).unwrap_or(0), deliveries })
        })
        .await
    }

    /// Each policy in force on `day` that `p` may read, with how many of the enterprises `p` may see qualify for
    /// it (from one reading of the enterprises' facts for every policy) and how far it has gone with them by `day`:
    /// the 执行清单.
    pub async fn policy_reach(&self, p: &Principal, day: Date) -> Result<Vec<PolicyReach>> {
        let p = p.clone();
        self.read(move |tx| {
            let policies = figures::in_force(tx, &p, day, None)?;
            let mut matched = figures::count_matches(tx, &p, &policies, day, None, |policy, _| policy.id)?;
            let mut progress = figures::progress_by(tx, &p, day, ("d.policy_id", "p.title"), None)?;
            Ok(policies
                .into_iter()
                .map(|policy| PolicyReach {
                    matched: matched.remove(&policy.id).unwrap_or(0),
                    progress: progress.remove(&policy.id.to_string()).map(|(_, g)| g).unwrap_or_default(),
                    policy,
                })
                .collect())
        })
        .await
    }

    /// The policies in force on `day` that enterprise `enterprise_id` (which `p` must be able to see) qualifies for
    /// or nearly does, each with its conditions checked: those it qualifies for first, then by newest.
    pub async fn enterprise_policies_for(
        &self,
        p: &Principal,
        enterprise_id: i64,
        day: Date,
    ) -> Result<Vec<PolicyFit>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = vec![Value::from(enterprise_id)];
            let scope = enterprise_scope(&p, &mut values);
            let row = tx
                .query_opt(&format!("SELECT {FACT_COLUMNS} FROM enterprises e WHERE e.id = $1 AND {scope}"), &values)?
                .ok_or(StoreError::NotFound("企业"))?;
            let (_, facts) = facts_from_row(&row)?;
            let mut values = Vec::new();
            let d = bind(&mut values, day.to_string());
            let condition = format!(
                "p.status = 'published' AND p.valid_from <= {d} AND (p.valid_to IS NULL OR p.valid_to >= {d}) AND {}",
                concerns(&facts.region, &mut values)
            );
            let mut out = Vec::new();
            for policy in load_policies(tx, &condition, "ORDER BY p.valid_from DESC, p.id DESC", &values)? {
                let checks = check(&policy.policy.region, &policy.policy.conditions, &facts, day);
                let fit = fit(&checks);
                if fit != Fit::No {
                    out.push(PolicyFit { policy, fit, checks });
                }
            }
            out.sort_by_key(|f| f.fit != Fit::Qualifies);
            Ok(out)
        })
        .await
    }
}
