//! Counted programmes with a yearly target (老旧小区改造: 5.3万 planned, 4.26万 started → 80.4%), read with the same
//! plan-against-actual figures as investment.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use zhuqi_domain::RegionCode;
use zhuqi_domain::project::PlanProgress;
use zhuqi_domain::time::to_micros;

use super::read::{check_month, check_within, corrupt, ledger_region, month_of, region_relation};
use super::{Month, NewProgramme, ProgrammeLine};
use crate::access::Principal;
use crate::db::{Row, Value, params};
use crate::scope::bind;
use crate::{Result, Store, StoreError, audit};

fn programme_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    region_relation(p, "g.region_code", values).unwrap_or_else(|| "1 = 0".to_owned())
}

/// The columns of a line as of a month: `y01`/`m` bound as text, the programme's own year compared as text.
fn line_sql(scope: &str, m: &str, extra: &str) -> String {
    let last = format!(
        "FROM programme_reports gr WHERE gr.programme_id = g.id AND gr.month <= {m} \
         AND gr.month >= {y01} AND gr.month <= {y12} ORDER BY gr.month DESC LIMIT 1",
        y01 = "(CAST(g.year AS TEXT) || '-01')",
        y12 = "(CAST(g.year AS TEXT) || '-12')"
    );
    format!(
        "SELECT g.id, g.name, g.region_code, g.year, g.unit_label, g.target, (SELECT gr.done {last}), \
         (SELECT gr.month {last}) FROM programmes g WHERE {scope}{extra} ORDER BY g.year DESC, g.region_code, g.name"
    )
}

fn line_from_row(row: &Row) -> Result<ProgrammeLine> {
    Ok(ProgrammeLine {
        id: row.int(0)?,
        name: row.text(1)?,
        region_code: row.text(2)?,
        year: i16::try_from(row.int(3)?).map_err(|e| corrupt("programmes.year", e))?,
        unit_label: row.text(4)?,
        progress: PlanProgress::new(row.opt_int(6)?.unwrap_or(0), row.int(5)?),
        last_month: row.opt_text(7)?,
    })
}

impl Store {
    pub async fn create_programme(&self, p: &Principal, source: &str, new: NewProgramme) -> Result<ProgrammeLine> {
        let region = ledger_region(p)?;
        check_within(&region, &new.region_code)?;
        let name = new.name.trim().to_owned();
        let unit_label = new.unit_label.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::Invalid("请填写名称（最多200字）/ the programme needs a name".into()));
        }
        if !(2000..=2099).contains(&new.year) {
            return Err(StoreError::Invalid(format!("年度{}无效 / invalid year", new.year)));
        }
        if new.target <= 0 {
            return Err(StoreError::Invalid("目标须大于0 / the target must be above 0".into()));
        }
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            if w.tx
                .query_opt(
                    "SELECT 1 FROM programmes WHERE name = $1 AND region_code = $2 AND year = $3",
                    params![name.as_str(), new.region_code.as_str(), new.year],
                )?
                .is_some()
            {
                return Err(StoreError::Duplicate(format!("{}年的「{name}」已存在 / the programme exists", new.year)));
            }
            if w.tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![new.region_code.as_str()])?.is_none() {
                return Err(StoreError::Invalid(format!("地区 {} 不存在 / no such region", new.region_code)));
            }
            let id =
                w.tx.query_one(
                    "INSERT INTO programmes (name, region_code, year, unit_label, target, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    params![
                        name.as_str(),
                        new.region_code.as_str(),
                        new.year,
                        unit_label.as_str(),
                        new.target,
                        to_micros(Timestamp::now())
                    ],
                )?
                .int(0)?;
            let after = json!({"name": name, "region_code": new.region_code.as_str(), "year": new.year,
                "unit_label": unit_label, "target": new.target});
            w.audit("programme.create", format!("programme:{id}"), None, audit::json(&after));
            Ok(ProgrammeLine {
                id,
                name,
                region_code: new.region_code.as_str().to_owned(),
                year: new.year,
                unit_label,
                progress: PlanProgress::new(0, new.target),
                last_month: None,
            })
        })
        .await
    }

    /// Records the count done up to the end of `month` (cumulative within the programme's year).
    pub async fn report_programme(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        month: Month,
        done: i64,
        today: Date,
    ) -> Result<()> {
        let region = ledger_region(p)?;
        let month_text = check_month(month, today)?;
        if done < 0 {
            return Err(StoreError::Invalid("完成数不能为负 / the count done cannot be negative".into()));
        }
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let mut values = Vec::new();
            let scope = programme_scope(&p, &mut values);
            let idp = bind(&mut values, id);
            let row = w
                .tx
                .query_opt(&format!("SELECT g.region_code, g.year FROM programmes g WHERE g.id = {idp} AND {scope}"), &values)?
                .ok_or(StoreError::NotFound("计划"))?;
            let code = RegionCode::parse(&row.text(0)?).map_err(|e| corrupt("programmes.region_code", e))?;
            check_within(&region, &code)?;
            let year = row.int(1)?;
            if i64::from(month.0) != year {
                return Err(StoreError::Invalid(format!(
                    "该计划是{year}年度的，不能填报{month_text}的数据 / the programme is of {year}, not of {month_text}"
                )));
            }
            let before = w
                .tx
                .query_opt(
                    "SELECT done FROM programme_reports WHERE programme_id = $1 AND month = $2",
                    params![id, month_text.as_str()],
                )?
                .map(|r| r.int(0))
                .transpose()?;
            w.tx.execute(
                "INSERT INTO programme_reports (programme_id, month, done, reported_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (programme_id, month) DO UPDATE SET done = excluded.done, reported_at = excluded.reported_at",
                params![id, month_text.as_str(), done, to_micros(Timestamp::now())],
            )?;
            w.audit(
                "programme.report",
                format!("programme:{id}"),
                before.and_then(|b| audit::json(&json!({"month": month_text, "done": b}))),
                audit::json(&json!({"month": month_text, "done": done})),
            );
            Ok(())
        })
        .await
    }

    /// The programmes `p` may read with their progress as of `as_of`: the last count reported for a month of the
    /// programme's year up to `as_of`'s month, against the target.
    pub async fn programmes(&self, p: &Principal, as_of: Date) -> Result<Vec<ProgrammeLine>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let scope = programme_scope(&p, &mut values);
            let m = bind(&mut values, month_of(as_of));
            tx.query(&line_sql(&scope, &m, ""), &values)?.iter().map(line_from_row).collect()
        })
        .await
    }
}
