//! Writing the ledger: projects, their dated stage changes, monthly investment reports, annual plans, and the link
//! of an appeal to the project it is about. Each call is one transaction with its audit record.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use zhuqi_domain::project::{Stage, check_investment_report, check_stage_change};
use zhuqi_domain::time::to_micros;
use zhuqi_domain::{Fen, RegionCode, Role};

use super::read::{
    check_month, check_within, ledger_project, ledger_region, project_by_id, reporting_project, reports_of,
    visible_project,
};
use super::{InvestmentReport, NewInvestmentReport, NewProject, ProjectEdit, ProjectRecord};
use crate::access::Principal;
use crate::db::{Tx, params};
use crate::scope::{appeal_role_scope, holds};
use crate::{IdempotencyKey, Result, Store, StoreError, Writer, audit};

fn invalid<T>(msg: impl Into<String>) -> Result<T> {
    Err(StoreError::Invalid(msg.into()))
}

/// A required text field, trimmed.
fn required(value: &str, label: &str, what: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return invalid(format!("请填写{label} / the {what} is required"));
    }
    if v.chars().count() > 500 {
        return invalid(format!("{label}最多500字 / the {what} is longer than 500 characters"));
    }
    Ok(v.to_owned())
}

fn optional(value: &str) -> String {
    value.trim().to_owned()
}

/// The fields of a project as written, checked.
struct Fields {
    name: String,
    industry: String,
    owner: String,
    leader: String,
    team: String,
    plan: String,
}

fn fields(name: &str, industry: &str, owner: &str, leader: &str, team: &str, plan: &str) -> Result<Fields> {
    Ok(Fields {
        name: required(name, "项目名称", "project name")?,
        industry: required(industry, "产业", "industry")?,
        owner: required(owner, "业主单位", "owner")?,
        leader: optional(leader),
        team: optional(team),
        plan: optional(plan),
    })
}

fn check_references(tx: &mut Tx<'_>, enterprise_id: Option<i64>, unit_id: Option<i64>) -> Result<()> {
    if let Some(e) = enterprise_id
        && tx.query_opt("SELECT 1 FROM enterprises WHERE id = $1", params![e])?.is_none()
    {
        return invalid(format!("企业 {e} 不存在 / enterprise {e} does not exist"));
    }
    if let Some(u) = unit_id
        && tx.query_opt("SELECT 1 FROM units WHERE id = $1", params![u])?.is_none()
    {
        return invalid(format!("责任单位 {u} 不存在 / unit {u} does not exist"));
    }
    Ok(())
}

fn check_region_exists(tx: &mut Tx<'_>, region: &RegionCode) -> Result<()> {
    if tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![region.as_str()])?.is_none() {
        return invalid(format!("地区 {region} 不存在 / region {region} does not exist"));
    }
    Ok(())
}

/// The next free `XM2026-0001`.
fn next_code(tx: &mut Tx<'_>, year: i16) -> Result<String> {
    let prefix = format!("XM{year:04}-");
    let mut n = tx
        .query("SELECT code FROM projects WHERE code LIKE $1", params![format!("{prefix}%")])?
        .iter()
        .filter_map(|r| r.text(0).ok()?.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    loop {
        n += 1;
        let code = format!("{prefix}{n:04}");
        if tx.query_opt("SELECT 1 FROM projects WHERE code = $1", params![code.as_str()])?.is_none() {
            return Ok(code);
        }
    }
}

fn audit_view(r: &ProjectRecord) -> Option<String> {
    audit::json(&json!({
        "code": r.code, "name": r.name, "region_code": r.region_code, "industry": r.industry, "owner": r.owner,
        "enterprise_id": r.enterprise_id, "unit_id": r.unit_id, "total_investment": r.total_investment.fen(),
        "leader": r.leader, "team": r.team, "plan": r.plan, "whitelist": r.whitelist, "stage": r.stage.as_str(),
        "stage_on": r.stage_on.to_string(), "version": r.version,
    }))
}

impl Store {
    /// Enters a project in the ledger (a dispatcher, within its region), with its first stage dated `stage_on`.
    pub async fn create_project(
        &self,
        p: &Principal,
        source: &str,
        new: NewProject,
        today: Date,
        key: Option<IdempotencyKey>,
    ) -> Result<ProjectRecord> {
        let region = ledger_region(p)?;
        check_within(&region, &new.region_code)?;
        let f = fields(&new.name, &new.industry, &new.owner, &new.leader, &new.team, &new.plan)?;
        if new.stage_on > today {
            return invalid(format!("阶段日期{}晚于今天 / the stage date is after today", new.stage_on));
        }
        let code = new.code.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
        if code.as_ref().is_some_and(|c| c.chars().count() > 64) {
            return invalid("项目编号最多64字 / the project code is longer than 64 characters");
        }
        let user = p.user_id;
        let create = move |w: &mut Writer<'_>| {
            check_region_exists(&mut w.tx, &new.region_code)?;
            check_references(&mut w.tx, new.enterprise_id, new.unit_id)?;
            let code = match code {
                Some(c) => {
                    if w.tx.query_opt("SELECT 1 FROM projects WHERE code = $1", params![c.as_str()])?.is_some() {
                        return Err(StoreError::Duplicate(format!("项目编号 {c} 已存在 / project code {c} exists")));
                    }
                    c
                }
                None => next_code(&mut w.tx, new.stage_on.year())?,
            };
            let now = to_micros(Timestamp::now());
            let id =
                w.tx.query_one(
                    "INSERT INTO projects (code, name, region_code, industry, owner, enterprise_id, unit_id, \
                     total_investment, leader, team, plan, whitelist, stage, stage_on, version, created_at, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15) \
                     RETURNING id",
                    params![
                        code.as_str(),
                        f.name,
                        new.region_code.as_str(),
                        f.industry,
                        f.owner,
                        new.enterprise_id,
                        new.unit_id,
                        new.total_investment.fen(),
                        f.leader,
                        f.team,
                        f.plan,
                        new.whitelist,
                        new.stage.as_str(),
                        new.stage_on.to_string(),
                        now
                    ],
                )?
                .int(0)?;
            w.tx.execute(
                "INSERT INTO project_stage_changes (project_id, from_stage, to_stage, changed_on, reason, \
                 recorded_by, recorded_at) VALUES ($1, NULL, $2, $3, NULL, $4, $5)",
                params![id, new.stage.as_str(), new.stage_on.to_string(), user, now],
            )?;
            let record = project_by_id(&mut w.tx, id)?;
            w.audit("project.create", format!("project:{id}"), None, audit_view(&record));
            Ok(id)
        };
        self.create_once(p.origin(source), "project", key, create, project_by_id).await
    }

    /// Saves an edit of the project's fields; refused as stale when `edit.version` is not the stored one.
    pub async fn edit_project(&self, p: &Principal, source: &str, id: i64, edit: ProjectEdit) -> Result<ProjectRecord> {
        let region = ledger_region(p)?;
        check_within(&region, &edit.region_code)?;
        let f = fields(&edit.name, &edit.industry, &edit.owner, &edit.leader, &edit.team, &edit.plan)?;
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let before = ledger_project(&mut w.tx, &p, id)?;
            if before.version != edit.version {
                return Err(StoreError::Stale("项目"));
            }
            check_region_exists(&mut w.tx, &edit.region_code)?;
            check_references(&mut w.tx, edit.enterprise_id, edit.unit_id)?;
            let changed = w.tx.execute(
                "UPDATE projects SET name = $1, region_code = $2, industry = $3, owner = $4, enterprise_id = $5, \
                 unit_id = $6, total_investment = $7, leader = $8, team = $9, plan = $10, whitelist = $11, \
                 version = version + 1, updated_at = $12 WHERE id = $13 AND version = $14",
                params![
                    f.name,
                    edit.region_code.as_str(),
                    f.industry,
                    f.owner,
                    edit.enterprise_id,
                    edit.unit_id,
                    edit.total_investment.fen(),
                    f.leader,
                    f.team,
                    f.plan,
                    edit.whitelist,
                    to_micros(Timestamp::now()),
                    id,
                    edit.version
                ],
            )?;
            if changed != 1 {
                return Err(StoreError::Stale("项目"));
            }
            let after = project_by_id(&mut w.tx, id)?;
            w.audit("project.edit", format!("project:{id}"), audit_view(&before), audit_view(&after));
            Ok(after)
        })
        .await
    }

    /// Moves the project to stage `to` on `on` (checked by `zhuqi_domain::project::check_stage_change`).
    #[allow(clippy::too_many_arguments)]
    pub async fn change_stage(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        to: Stage,
        on: Date,
        reason: Option<String>,
        today: Date,
    ) -> Result<ProjectRecord> {
        let p = p.clone();
        let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        self.transaction(p.origin(source), move |w| {
            let before = reporting_project(&mut w.tx, &p, id)?;
            let last =
                w.tx.query_opt(
                    "SELECT changed_on FROM project_stage_changes WHERE project_id = $1 \
                     ORDER BY changed_on DESC, id DESC LIMIT 1",
                    params![id],
                )?
                .map(|r| r.text(0))
                .transpose()?
                .map(|t| super::read::date_of(&t, "project_stage_changes.changed_on"))
                .transpose()?;
            check_stage_change(before.stage, to, on, last, today, reason.as_deref())
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let now = to_micros(Timestamp::now());
            w.tx.execute(
                "INSERT INTO project_stage_changes (project_id, from_stage, to_stage, changed_on, reason, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                params![id, before.stage.as_str(), to.as_str(), on.to_string(), reason.as_deref(), p.user_id, now],
            )?;
            w.tx.execute(
                "UPDATE projects SET stage = $1, stage_on = $2, version = version + 1, updated_at = $3 WHERE id = $4",
                params![to.as_str(), on.to_string(), now, id],
            )?;
            let after = project_by_id(&mut w.tx, id)?;
            w.audit(
                "project.stage",
                format!("project:{id}"),
                audit::json(&json!({"stage": before.stage.as_str(), "stage_on": before.stage_on.to_string()})),
                audit::json(&json!({"stage": to.as_str(), "stage_on": on.to_string(), "reason": reason})),
            );
            Ok(after)
        })
        .await
    }

    /// Records (or corrects) the monthly report of cumulative completed investment for `report.month`, which may not
    /// be after `today`'s month (checked by `zhuqi_domain::project::check_investment_report`).
    pub async fn report_investment(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        report: NewInvestmentReport,
        today: Date,
    ) -> Result<InvestmentReport> {
        let month = check_month(report.month, today)?;
        let reason = report.override_reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let project = reporting_project(&mut w.tx, &p, id)?;
            let previous =
                w.tx.query_opt(
                    "SELECT cumulative FROM investment_reports WHERE project_id = $1 AND month < $2 \
                     ORDER BY month DESC LIMIT 1",
                    params![id, month.as_str()],
                )?
                .map(|r| r.int(0))
                .transpose()?
                .map(|v| super::read::fen_of(v, "investment_reports.cumulative"))
                .transpose()?;
            check_investment_report(report.cumulative, project.total_investment, previous, reason.as_deref())
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let before = w.tx.query_opt(
                "SELECT cumulative, override_reason FROM investment_reports WHERE project_id = $1 AND month = $2",
                params![id, month.as_str()],
            )?;
            let before = match before {
                Some(r) => audit::json(&json!({"month": month, "cumulative": r.int(0)?, "reason": r.opt_text(1)?})),
                None => None,
            };
            w.tx.execute(
                "INSERT INTO investment_reports (project_id, month, cumulative, override_reason, reported_by, \
                 reported_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, month) DO UPDATE SET \
                 cumulative = excluded.cumulative, override_reason = excluded.override_reason, \
                 reported_by = excluded.reported_by, reported_at = excluded.reported_at",
                params![
                    id,
                    month.as_str(),
                    report.cumulative.fen(),
                    reason.as_deref(),
                    p.user_id,
                    to_micros(Timestamp::now())
                ],
            )?;
            let after = json!({"month": month, "cumulative": report.cumulative.fen(), "reason": reason.as_deref()});
            w.audit("project.report", format!("project:{id}"), before, audit::json(&after));
            reports_of(&mut w.tx, id)?
                .into_iter()
                .find(|r| r.month == month)
                .ok_or_else(|| StoreError::Corrupt("the report just written is missing".into()))
        })
        .await
    }

    /// Sets the project's planned investment for `year` (年度计划投资).
    pub async fn set_plan(&self, p: &Principal, source: &str, id: i64, year: i16, planned: Fen) -> Result<()> {
        if !(2000..=2099).contains(&year) {
            return invalid(format!("年度{year}无效 / invalid year {year}"));
        }
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            ledger_project(&mut w.tx, &p, id)?;
            let before = w
                .tx
                .query_opt("SELECT planned FROM project_plans WHERE project_id = $1 AND year = $2", params![id, year])?
                .map(|r| r.int(0))
                .transpose()?;
            w.tx.execute(
                "INSERT INTO project_plans (project_id, year, planned) VALUES ($1, $2, $3) \
                 ON CONFLICT (project_id, year) DO UPDATE SET planned = excluded.planned",
                params![id, year, planned.fen()],
            )?;
            w.audit(
                "project.plan",
                format!("project:{id}"),
                before.and_then(|b| audit::json(&json!({"year": year, "planned": b}))),
                audit::json(&json!({"year": year, "planned": planned.fen()})),
            );
            Ok(())
        })
        .await
    }

    /// Links appeal `appeal_id` to project `project_id` (or unlinks it with `None`): a dispatcher, both in its scope.
    pub async fn link_appeal(
        &self,
        p: &Principal,
        source: &str,
        appeal_id: i64,
        project_id: Option<i64>,
    ) -> Result<()> {
        ledger_region(p)?;
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            if !holds(&mut w.tx, "appeals", "a", appeal_id, |v| appeal_role_scope(&p, Role::Dispatcher, v))? {
                return Err(StoreError::NotFound("诉求"));
            }
            if let Some(project) = project_id {
                visible_project(&mut w.tx, &p, project)?;
                ledger_project(&mut w.tx, &p, project)?;
            }
            let before =
                w.tx.query_one("SELECT project_id FROM appeals WHERE id = $1", params![appeal_id])?.opt_int(0)?;
            w.tx.execute("UPDATE appeals SET project_id = $1 WHERE id = $2", params![project_id, appeal_id])?;
            w.audit(
                "appeal.project",
                format!("appeal:{appeal_id}"),
                audit::json(&json!({"project_id": before})),
                audit::json(&json!({"project_id": project_id})),
            );
            Ok(())
        })
        .await
    }
}
