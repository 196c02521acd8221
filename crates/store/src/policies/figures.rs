//! 惠企政策 figures (issue 16): how many policies are in force, how many enterprises qualify for them and how far the
//! policies have gone with them — delivered, claimed, granted, the amount granted — by policy, unit, region or
//! industry, as of a day. The same counting as the 执行清单 (`Store::policy_reach`): a pair of a policy and an
//! enterprise counts once under each figure (户次), among the enterprises the reader sees and, for the policies its
//! unit grants, every one of their regions.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use zhuqi_domain::policy::{EnterpriseFacts, qualifies};
use zhuqi_domain::{Fen, RegionCode};

use super::deliveries::{Progress, delivery_scope};
use super::{
    FACT_COLUMNS, FACT_COUNT, PolicyRecord, concerns, corrupt, facts_from_row, grants, load_policies, policy_scope,
};
use crate::access::Principal;
use crate::db::{Row, Tx};
use crate::scope::{bind, enterprise_scope, in_region};
use crate::{Result, Store};

/// What the figures' lines are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyGrouping {
    Policy,
    /// The unit that answers for the policy.
    Unit,
    /// The enterprise's region (a county, or a city's district).
    Region,
    /// The enterprise's industry (产业链).
    Industry,
}

/// One line's figures: enterprise-policy pairs that qualify, and how far they have gone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyTally {
    pub matched: usize,
    pub progress: Progress,
}

impl PolicyTally {
    /// The two added up (a county's lines into its city's).
    pub fn plus(self, o: PolicyTally) -> Result<PolicyTally> {
        let p = (self.progress, o.progress);
        Ok(PolicyTally {
            matched: self.matched + o.matched,
            progress: Progress {
                delivered: p.0.delivered + p.1.delivered,
                claimed: p.0.claimed + p.1.claimed,
                granted: p.0.granted + p.1.granted,
                amount: p.0.amount.checked_add(p.1.amount).ok_or_else(|| corrupt("granted_fen", "overflow"))?,
            },
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct PolicyFigures {
    /// Policies in force on the day, and of them 免申即享.
    pub in_force: usize,
    pub no_application: usize,
    pub total: PolicyTally,
    /// (key, name, figures), in key order: a policy's or unit's id, a region's code, an industry's name.
    pub rows: Vec<(String, String, PolicyTally)>,
}

/// The published policies in force on `day` that `p` reads (concerning `region`, when given), newest first.
pub(super) fn in_force(
    tx: &mut Tx<'_>,
    p: &Principal,
    day: Date,
    region: Option<&RegionCode>,
) -> Result<Vec<PolicyRecord>> {
    let mut values = Vec::new();
    let mut condition = policy_scope(tx, p, &mut values)?;
    let d = bind(&mut values, day.to_string());
    condition.push_str(&format!(
        " AND p.status = 'published' AND p.valid_from <= {d} AND (p.valid_to IS NULL OR p.valid_to >= {d})"
    ));
    if let Some(r) = region {
        condition.push_str(&format!(" AND {}", concerns(r, &mut values)));
    }
    load_policies(tx, &condition, "ORDER BY p.valid_from DESC, p.id DESC", &values)
}

/// For each pair of one of `policies` and an enterprise (of `region`, when given) that qualifies on `day` — among
/// those `p` sees, and for the policies `p`'s unit grants every one of their regions — one count under `key`.
pub(super) fn count_matches<K: std::hash::Hash + Eq>(
    tx: &mut Tx<'_>,
    p: &Principal,
    policies: &[PolicyRecord],
    day: Date,
    region: Option<&RegionCode>,
    key: impl Fn(&PolicyRecord, &EnterpriseFacts) -> K,
) -> Result<HashMap<K, usize>> {
    let mut values = Vec::new();
    let scope = enterprise_scope(p, &mut values);
    let mut reach = vec![scope.clone()];
    for policy in policies.iter().filter(|policy| grants(p, policy)) {
        reach.push(in_region("e.region_code", &policy.policy.region, &mut values));
    }
    let mut condition = format!("({})", reach.join(" OR "));
    if let Some(r) = region {
        condition.push_str(&format!(" AND {}", in_region("e.region_code", r, &mut values)));
    }
    // The last column says whether `p` sees the row itself.
    let sql =
        format!("SELECT {FACT_COLUMNS}, CASE WHEN {scope} THEN 1 ELSE 0 END FROM enterprises e WHERE {condition}");
    let mut counts = HashMap::new();
    for row in &tx.query(&sql, &values)? {
        let (_, facts) = facts_from_row(row)?;
        let sees = row.int(FACT_COUNT)? == 1;
        for policy in policies {
            if (sees || grants(p, policy)) && qualifies(&policy.policy.region, &policy.policy.conditions, &facts, day) {
                *counts.entry(key(policy, &facts)).or_insert(0) += 1;
            }
        }
    }
    Ok(counts)
}

/// `Progress` by `day` of the records `p` reads (of enterprises of `region`, when given), under the text of the SQL
/// expression `key` with the name `label` (both over `DELIVERY_FROM`, `units u` and `regions r`).
pub(super) fn progress_by(
    tx: &mut Tx<'_>,
    p: &Principal,
    day: Date,
    (key, label): (&str, &str),
    region: Option<&RegionCode>,
) -> Result<HashMap<String, (String, Progress)>> {
    let mut values = Vec::new();
    let mut scope = delivery_scope(tx, p, &mut values)?;
    if let Some(r) = region {
        scope.push_str(&format!(" AND {}", in_region("e.region_code", r, &mut values)));
    }
    let d = bind(&mut values, day.to_string());
    let granted = format!("d.stage = 'granted' AND d.decided_on <= {d}");
    let sql = format!(
        "SELECT CAST({key} AS TEXT), {label}, SUM(CASE WHEN d.delivered_on <= {d} THEN 1 ELSE 0 END), \
         SUM(CASE WHEN d.claimed_on <= {d} THEN 1 ELSE 0 END), SUM(CASE WHEN {granted} THEN 1 ELSE 0 END), \
         CAST(SUM(CASE WHEN {granted} THEN d.granted_fen ELSE 0 END) AS BIGINT) \
         FROM {} JOIN units u ON u.id = p.unit_id JOIN regions r ON r.code = e.region_code \
         WHERE {scope} GROUP BY {key}, {label}",
        super::deliveries::DELIVERY_FROM
    );
    let count = |row: &Row, i| -> Result<usize> { usize::try_from(row.int(i)?).map_err(|e| corrupt("count", e)) };
    let mut out = HashMap::new();
    for row in &tx.query(&sql, &values)? {
        let progress = Progress {
            delivered: count(row, 2)?,
            claimed: count(row, 3)?,
            granted: count(row, 4)?,
            amount: Fen::new(row.int(5)?).map_err(|e| corrupt("granted_fen", e))?,
        };
        out.insert(row.text(0)?, (row.text(1)?, progress));
    }
    Ok(out)
}

impl Store {
    /// The 惠企政策 progress (delivered, claimed, granted: `matched` left 0) `p` reads as of `day`, of the enterprises
    /// of `region`: what a bulletin subtracts from its period's end, without matching every enterprise again.
    pub async fn policy_progress(&self, p: &Principal, region: Option<RegionCode>, day: Date) -> Result<PolicyTally> {
        let p = p.clone();
        self.read(move |tx| {
            let lines = progress_by(tx, &p, day, ("e.region_code", "r.name"), region.as_ref())?;
            lines.into_values().try_fold(PolicyTally::default(), |total, (_, progress)| {
                total.plus(PolicyTally { matched: 0, progress })
            })
        })
        .await
    }

    /// The 惠企政策 figures `p` reads as of `day`, of the enterprises of `region` (all `p` reads when `None`), in
    /// lines `by`.
    pub async fn policy_figures(
        &self,
        p: &Principal,
        region: Option<RegionCode>,
        day: Date,
        by: PolicyGrouping,
    ) -> Result<PolicyFigures> {
        let p = p.clone();
        self.read(move |tx| {
            let region = region.as_ref();
            let policies = in_force(tx, &p, day, region)?;
            let matched = count_matches(tx, &p, &policies, day, region, |policy, facts| match by {
                PolicyGrouping::Policy => policy.id.to_string(),
                PolicyGrouping::Unit => policy.policy.unit_id.to_string(),
                PolicyGrouping::Region => facts.region.as_str().to_owned(),
                PolicyGrouping::Industry => facts.industry.clone(),
            })?;
            let sql = match by {
                PolicyGrouping::Policy => ("d.policy_id", "p.title"),
                PolicyGrouping::Unit => ("p.unit_id", "u.name"),
                PolicyGrouping::Region => ("e.region_code", "r.name"),
                PolicyGrouping::Industry => ("e.industry", "e.industry"),
            };
            let progress = progress_by(tx, &p, day, sql, region)?;
            // The names of lines that only qualify (nothing delivered yet).
            let mut names: HashMap<String, String> = match by {
                PolicyGrouping::Policy => policies.iter().map(|x| (x.id.to_string(), x.policy.title.clone())).collect(),
                PolicyGrouping::Unit => {
                    policies.iter().map(|x| (x.policy.unit_id.to_string(), x.unit_name.clone())).collect()
                }
                PolicyGrouping::Region => {
                    let rows = tx.query("SELECT code, name FROM regions", &[])?;
                    rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect::<Result<_>>()?
                }
                PolicyGrouping::Industry => matched.keys().map(|k| (k.clone(), k.clone())).collect(),
            };
            let mut lines: BTreeMap<String, (String, PolicyTally)> = BTreeMap::new();
            for (key, n) in matched {
                let name = names.remove(&key).unwrap_or_else(|| key.clone());
                lines.insert(key, (name, PolicyTally { matched: n, progress: Progress::default() }));
            }
            for (key, (name, progress)) in progress {
                lines.entry(key).or_insert_with(|| (name, PolicyTally::default())).1.progress = progress;
            }
            let mut total = PolicyTally::default();
            for (_, t) in lines.values() {
                total = total.plus(*t)?;
            }
            Ok(PolicyFigures {
                in_force: policies.len(),
                no_application: policies.iter().filter(|x| x.policy.no_application).count(),
                total,
                rows: lines.into_iter().map(|(k, (name, t))| (k, name, t)).collect(),
            })
        })
        .await
    }
}
