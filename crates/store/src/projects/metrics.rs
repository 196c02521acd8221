//! The figures of SPEC §7 for a scope and an as-of date: completed_ytd against the annual plans, 时序进度, the stages,
//! per region and per industry. One pass over the projects in scope, two index seeks into the reports per project.

use std::collections::HashMap;

use zhuqi_domain::Role;
use zhuqi_domain::project::{PlanProgress, Stage, time_progress};

use super::read::{child_of, month_of, project_scope, reads_projects, region_names, stage_of};
use super::{MetricsQuery, ProjectMetrics, ProjectTally};
use crate::access::Principal;
use crate::db::params;
use crate::scope::{bind, in_region};
use crate::{Result, Store, StoreError};

impl ProjectTally {
    fn add(&mut self, whitelist: bool, total: i64, planned: Option<i64>, done: i64, cumulative: i64, stage: Stage) {
        self.projects += 1;
        self.whitelist += i64::from(whitelist);
        self.total_investment += total;
        self.progress += PlanProgress::new(done, planned.unwrap_or(0));
        self.cumulative += cumulative;
        let i = usize::from(stage.ordinal().saturating_sub(1));
        if let Some(n) = self.stages.get_mut(i) {
            *n += 1;
        }
    }
}

impl Store {
    /// The project figures of `q`'s region (or `p`'s whole scope) as of `q.as_of`.
    ///
    /// A project counts from the day of its first stage change, at the stage it stood at on the day; its completed
    /// investment of the year is the last report of the year up to the as-of month less the last report before the
    /// year (never below 0). `progress.done` adds up every project's; `progress.planned` the plans of those that
    /// have one for the year.
    pub async fn project_metrics(&self, p: &Principal, q: MetricsQuery) -> Result<ProjectMetrics> {
        if !reads_projects(p) {
            return Err(StoreError::Forbidden(
                "您的角色无权查看重点项目 / your roles may not read key projects".into(),
            ));
        }
        if let Some(r) = &q.region
            && (p.has(Role::Dispatcher) || p.has(Role::Leader))
            && !p.region.as_ref().is_some_and(|mine| mine.contains(r))
        {
            return Err(StoreError::NotFound("地区"));
        }
        let p = p.clone();
        self.read(move |tx| {
            let started = std::time::Instant::now();
            let as_of = q.as_of;
            let mut values = Vec::new();
            let mut conditions = vec![project_scope(&p, &mut values)];
            if let Some(r) = &q.region {
                conditions.push(in_region("p.region_code", r, &mut values));
            }
            if let Some(i) = q.industry.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
                conditions.push(format!("p.industry = {}", bind(&mut values, i)));
            }
            if let Some(b) = q.batch_id {
                conditions.push(format!(
                    "p.id IN (SELECT bp.project_id FROM batch_projects bp WHERE bp.batch_id = {})",
                    bind(&mut values, b)
                ));
            }
            if q.whitelist_only {
                conditions.push("p.whitelist = 1".into());
            }
            let d = bind(&mut values, as_of.to_string());
            let y = bind(&mut values, as_of.year());
            let y01 = bind(&mut values, format!("{:04}-01", as_of.year()));
            let m = bind(&mut values, month_of(as_of));
            // The stage as of D: the stored one when it was reached by D (no later change exists), else the last
            // change up to D; none for a project whose first change is after D (it does not exist yet).
            let sql = format!(
                "SELECT p.region_code, p.industry, p.whitelist, p.total_investment, \
                 CASE WHEN p.stage_on <= {d} THEN p.stage ELSE \
                  (SELECT sc.to_stage FROM project_stage_changes sc WHERE sc.project_id = p.id \
                   AND sc.changed_on <= {d} ORDER BY sc.changed_on DESC, sc.id DESC LIMIT 1) END, \
                 (SELECT pl.planned FROM project_plans pl WHERE pl.project_id = p.id AND pl.year = {y}), \
                 (SELECT ir.cumulative FROM investment_reports ir WHERE ir.project_id = p.id \
                  AND ir.month >= {y01} AND ir.month <= {m} ORDER BY ir.month DESC LIMIT 1), \
                 (SELECT ir.cumulative FROM investment_reports ir WHERE ir.project_id = p.id \
                  AND ir.month < {y01} ORDER BY ir.month DESC LIMIT 1) \
                 FROM projects p WHERE {}",
                conditions.join(" AND ")
            );
            let rows = tx.query(&sql, &values)?;
            tracing::debug!(rows = rows.len(), elapsed = ?started.elapsed(), "project metrics: read");
            let base = q.region.clone().or_else(|| p.region.clone());
            let mut total = ProjectTally::default();
            let mut by_region: HashMap<String, ProjectTally> = HashMap::new();
            let mut by_industry: HashMap<String, ProjectTally> = HashMap::new();
            let mut children: HashMap<String, String> = HashMap::new();
            let mut stages: HashMap<String, Stage> = HashMap::new();
            for row in &rows {
                let Some(stage_text) = row.opt_text(4)? else { continue };
                let stage = match stages.get(&stage_text) {
                    Some(s) => *s,
                    None => {
                        let s = stage_of(&stage_text)?;
                        stages.insert(stage_text, s);
                        s
                    }
                };
                let region = row.text(0)?;
                let whitelist = row.int(2)? != 0;
                let total_investment = row.int(3)?;
                let planned = row.opt_int(5)?;
                let in_year = row.opt_int(6)?;
                let before = row.opt_int(7)?;
                let done = in_year.map_or(0, |c| (c - before.unwrap_or(0)).max(0));
                let cumulative = in_year.or(before).unwrap_or(0);
                let add = |t: &mut ProjectTally| t.add(whitelist, total_investment, planned, done, cumulative, stage);
                add(&mut total);
                let child = match children.get(&region) {
                    Some(c) => c.clone(),
                    None => {
                        let c = child_of(base.as_ref(), &region);
                        children.insert(region, c.clone());
                        c
                    }
                };
                add(by_region.entry(child).or_default());
                add(by_industry.entry(row.text(1)?).or_default());
            }
            // Every region one level below gets its line, with no projects too.
            if let Some(base) = &base {
                for row in tx.query("SELECT code FROM regions WHERE parent_code = $1", params![base.as_str()])? {
                    by_region.entry(row.text(0)?).or_default();
                }
            }
            let names = region_names(tx)?;
            let mut by_region: Vec<(String, String, ProjectTally)> = by_region
                .into_iter()
                .map(|(code, t)| {
                    let name = names.get(&code).cloned().unwrap_or_else(|| code.clone());
                    (code, name, t)
                })
                .collect();
            by_region.sort_by(|a, b| a.0.cmp(&b.0));
            let mut by_industry: Vec<(String, ProjectTally)> = by_industry.into_iter().collect();
            by_industry.sort_by(|a, b| b.1.progress.planned.cmp(&a.1.progress.planned).then_with(|| a.0.cmp(&b.0)));
            tracing::debug!(elapsed = ?started.elapsed(), "project metrics: counted");
            Ok(ProjectMetrics { as_of, time_progress: time_progress(as_of), total, by_region, by_industry })
        })
        .await
    }
}
