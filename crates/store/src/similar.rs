//! Likely duplicates, for the dispatcher deciding what to do with a new appeal (SPEC §3: merging duplicates into
//! common issues): open appeals of the same enterprise, or of the same category with a similar title, and open common
//! issues of the category with a similar title.
//!
//! Titles are compared by their character pairs (Dice's coefficient over bigrams): Chinese has no spaces to split
//! words on, and two titles about one problem share most of their pairs ("用电容量不足" / "用电增容困难").

use std::collections::HashSet;

use zhuqi_domain::Role;

use crate::access::Principal;
use crate::appeals::{AppealSummary, SUMMARY_COLUMNS, summary_from_row};
use crate::db::Value;
use crate::issues::{CommonIssueFilter, CommonIssueRecord};
use crate::scope::{appeal_role_scope, bind, visible_appeal};
use crate::{Result, Store, StoreError};

/// Titles at least this alike are suggested.
const ALIKE: f64 = 0.3;
/// Candidates read (the newest open ones of the enterprise or the category) and suggestions given.
const CANDIDATES: i64 = 300;
const SHOWN: usize = 5;

/// Why an appeal is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Likeness {
    /// The same enterprise, with a similar title.
    SameEnterpriseAlike,
    /// The same enterprise.
    SameEnterprise,
    /// The same category, with a similar title.
    Alike,
}

impl Likeness {
    pub fn label(self) -> &'static str {
        match self {
            Likeness::SameEnterpriseAlike => "同一企业，标题相近",
            Likeness::SameEnterprise => "同一企业",
            Likeness::Alike => "同类问题，标题相近",
        }
    }
}

/// What the triage page suggests for one appeal.
#[derive(Debug, Clone, Default)]
pub struct Similar {
    pub appeals: Vec<(AppealSummary, Likeness)>,
    pub issues: Vec<CommonIssueRecord>,
}

fn pairs(title: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = title.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice's coefficient of the two titles' character pairs: 1 for the same title, 0 for nothing in common.
pub fn alike(a: &str, b: &str) -> f64 {
    let (a, b) = (pairs(a), pairs(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(&b).count() as f64;
    2.0 * shared / (a.len() + b.len()) as f64
}

impl Store {
    /// Likely duplicates of appeal `id` for a dispatcher who may see it: the most alike first.
    pub async fn similar_to(&self, p: &Principal, id: i64) -> Result<Similar> {
        if !p.has(Role::Dispatcher) {
            return Err(StoreError::Forbidden("只有指挥部可以查看疑似重复诉求 / dispatchers only".into()));
        }
        let q = p.clone();
        let (me, candidates) = self
            .read(move |tx| {
                let me = visible_appeal(tx, &q, id)?;
                let mut values = Vec::new();
                let scope = appeal_role_scope(&q, Role::Dispatcher, &mut values).unwrap_or_else(|| "1 = 0".into());
                let (this, enterprise) = (bind(&mut values, id), bind(&mut values, me.enterprise_id));
                let category = bind(&mut values, me.state.category.as_str());
                let limit = bind(&mut values, Value::from(CANDIDATES));
                let rows = tx.query(
                    &format!(
                        "SELECT {SUMMARY_COLUMNS} FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id \
                         LEFT JOIN units u ON u.id = a.unit_id WHERE {scope} AND a.closed_at IS NULL \
                         AND a.id <> {this} AND (a.enterprise_id = {enterprise} OR a.category_code = {category}) \
                         ORDER BY a.created_at DESC, a.id DESC LIMIT {limit}"
                    ),
                    &values,
                )?;
                let candidates = rows.iter().map(summary_from_row).collect::<Result<Vec<_>>>()?;
                Ok((me, candidates))
            })
            .await?;
        let mut appeals: Vec<(f64, AppealSummary, Likeness)> = candidates
            .into_iter()
            .filter_map(|s| {
                let score = alike(&me.title, &s.title);
                let same = s.enterprise_id == me.enterprise_id;
                let likeness = match (same, score >= ALIKE) {
                    (true, true) => Likeness::SameEnterpriseAlike,
                    (true, false) => Likeness::SameEnterprise,
                    (false, true) => Likeness::Alike,
                    (false, false) => return None,
                };
                Some((score + if same { 1.0 } else { 0.0 }, s, likeness))
            })
            .collect();
        appeals.sort_by(|a, b| b.0.total_cmp(&a.0));
        let open = CommonIssueFilter { open: Some(true), limit: 200, ..CommonIssueFilter::default() };
        let mut issues: Vec<(f64, CommonIssueRecord)> = self
            .list_common_issues(p, open)
            .await?
            .items
            .into_iter()
            .filter(|i| i.category_code == me.state.category)
            .map(|i| (alike(&me.title, &i.title), i))
            .filter(|(score, _)| *score >= ALIKE)
            .collect();
        issues.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(Similar {
            appeals: appeals.into_iter().take(SHOWN).map(|(_, s, l)| (s, l)).collect(),
            issues: issues.into_iter().take(SHOWN).map(|(_, i)| i).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::alike;

    #[test]
    fn titles_about_one_problem_are_alike_and_others_are_not() {
        assert!((alike("园区用电容量不足", "园区用电容量不足") - 1.0).abs() < 1e-9);
        assert!(alike("扩产用电增容", "用电增容申请慢") >= 0.3);
        assert!(alike("流动资金贷款", "招工难") < 0.3);
        assert_eq!(alike("", "贷款"), 0.0);
    }
}
