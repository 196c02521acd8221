//! Synthetic projects for `zhuqi bench --projects`: a province-sized ledger written fast, to measure the figures on.

use jiff::Timestamp;
use jiff::civil::Date;
use zhuqi_domain::RegionCode;
use zhuqi_domain::project::Stage;
use zhuqi_domain::time::to_micros;

use super::read::month_of;
use crate::audit::Origin;
use crate::db::Value;
use crate::{Result, Store, StoreError};

impl Store {
    /// For `zhuqi bench --projects`: adds synthetic projects until the database holds `count`, each with an annual
    /// plan for `today`'s year, a stage history and twelve monthly reports (the last twelve months up to `today`'s),
    /// in one transaction of multi-row INSERTs. The projects are spread over the county-level regions (or whatever
    /// regions there are). `progress` is told how many projects were written so far. Returns how many were added.
    pub async fn generate_projects(
        &self,
        origin: Origin,
        count: usize,
        today: Date,
        progress: impl Fn(usize) + Send + 'static,
    ) -> Result<usize> {
        self.transaction(origin, move |w| {
            let have = usize::try_from(w.tx.query_one("SELECT COUNT(*) FROM projects", &[])?.int(0)?).unwrap_or(0);
            if have >= count {
                return Ok(0);
            }
            let mut regions: Vec<String> =
                w.tx.query("SELECT code FROM regions ORDER BY code", &[])?
                    .iter()
                    .map(|r| r.text(0))
                    .collect::<Result<_>>()?;
            let counties: Vec<String> = regions
                .iter()
                .filter(|c| RegionCode::parse(c).is_ok_and(|r| r.level() == zhuqi_domain::RegionLevel::County))
                .cloned()
                .collect();
            if !counties.is_empty() {
                regions = counties;
            }
            if regions.is_empty() {
                return Err(StoreError::Invalid("数据库中没有地区 / no regions in the database".into()));
            }
            let first_id = w.tx.query_one("SELECT COALESCE(MAX(id), 0) FROM projects", &[])?.int(0)? + 1;
            let industries = ["电子信息", "生物医药", "新型材料", "现代轻工", "现代食品", "先进装备", "纺织服装"];
            let months: Vec<String> = (0..12)
                .rev()
                .map(|k| {
                    let d = today.first_of_month().checked_sub(jiff::Span::new().months(k)).unwrap_or(today);
                    month_of(d)
                })
                .collect();
            let year = today.year();
            let start = Date::new(year - 1, 1, 15).unwrap_or(today);
            let now = to_micros(Timestamp::now());
            let add = count - have;
            const CHUNK: usize = 200;
            let mut done = 0;
            while done < add {
                let n = CHUNK.min(add - done);
                let ids: Vec<i64> = (0..n).map(|k| first_id + i64::try_from(done + k).unwrap_or(0)).collect();
                let mut projects = Vec::with_capacity(n);
                let mut values: Vec<Value> = Vec::new();
                for &id in &ids {
                    let k = usize::try_from(id).unwrap_or(0);
                    let total: i64 = 1_000_000_000 * (1 + (id * 7919) % 500);
                    let stage = Stage::ALL[k % 9];
                    let v = [
                        Value::from(id),
                        Value::from(format!("BENCH-{id:07}")),
                        Value::from(format!("基准测试项目{id}")),
                        Value::from(regions[k % regions.len()].as_str()),
                        Value::from(industries[k % industries.len()]),
                        Value::from(format!("基准业主{id}")),
                        Value::from(total),
                        Value::from(k % 5 == 0),
                        Value::from(stage.as_str()),
                        Value::from(start.to_string()),
                        Value::from(now),
                    ];
                    let at = values.len();
                    projects.push(format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, NULL, NULL, ${}, '', '', '', ${}, ${}, ${}, 1, ${}, ${})",
                        at + 1,
                        at + 2,
                        at + 3,
                        at + 4,
                        at + 5,
                        at + 6,
                        at + 7,
                        at + 8,
                        at + 9,
                        at + 10,
                        at + 11,
                        at + 11
                    ));
                    values.extend(v);
                }
                w.tx.execute(
                    &format!(
                        "INSERT INTO projects (id, code, name, region_code, industry, owner, enterprise_id, unit_id, \
                         total_investment, leader, team, plan, whitelist, stage, stage_on, version, created_at, \
                         updated_at) VALUES {}",
                        projects.join(", ")
                    ),
                    &values,
                )?;
                // Literal numbers from here on: they are ours, and a statement of thousands of parameters is slower
                // to bind than to parse.
                let mut stages = Vec::with_capacity(n);
                let mut plans = Vec::with_capacity(n);
                let mut reports = Vec::with_capacity(n * months.len());
                for &id in &ids {
                    let k = usize::try_from(id).unwrap_or(0);
                    let stage = Stage::ALL[k % 9];
                    stages.push(format!("({id}, NULL, '{}', '{start}', {now})", stage.as_str()));
                    let total: i64 = 1_000_000_000 * (1 + (id * 7919) % 500);
                    plans.push(format!("({id}, {year}, {})", total / 3));
                    for (i, month) in months.iter().enumerate() {
                        let cumulative = total / 24 * (i as i64 + 1);
                        reports.push(format!("({id}, '{month}', {cumulative}, {now})"));
                    }
                }
                w.tx.execute(
                    &format!(
                        "INSERT INTO project_stage_changes (project_id, from_stage, to_stage, changed_on, \
                         recorded_at) VALUES {}",
                        stages.join(", ")
                    ),
                    &[],
                )?;
                w.tx.execute(
                    &format!("INSERT INTO project_plans (project_id, year, planned) VALUES {}", plans.join(", ")),
                    &[],
                )?;
                w.tx.execute(
                    &format!(
                        "INSERT INTO investment_reports (project_id, month, cumulative, reported_at) VALUES {}",
                        reports.join(", ")
                    ),
                    &[],
                )?;
                done += n;
                progress(done);
            }
            if let crate::db::Tx::Postgres(_) = w.tx {
                // Explicit ids: move the identity past them.
                w.tx.execute(
                    "SELECT setval(pg_get_serial_sequence('projects', 'id'), (SELECT MAX(id) FROM projects))",
                    &[],
                )?;
            }
            w.audit("bench.projects", format!("projects:{add}"), None, Some(format!("{{\"added\":{add}}}")));
            Ok(add)
        })
        .await
    }
}
