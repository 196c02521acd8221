//! 三个一批: batches of projects to sign, to start and to put into production, and their rates as of a date.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use zhuqi_domain::project::{BatchList, BatchProgress, Stage};
use zhuqi_domain::time::to_micros;

use super::read::{
    BATCH_COLUMNS, batch_from_row, check_within, fen_of, ledger_project, ledger_region, list_of, month_of,
    project_scope, region_relation, stage_of,
};
use super::{BatchLine, BatchRecord, BatchReport, NewBatch};
use crate::access::Principal;
use crate::db::{Tx, Value, params};
use crate::scope::bind;
use crate::{IdempotencyKey, Result, Store, StoreError, Writer, audit};

/// The batches `p` reads, as a condition on batches `b`: those of its region, above it or below it, and any batch
/// holding a project it reads.
fn batch_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = region_relation(p, "b.region_code", values) {
        parts.push(r);
    }
    let projects = project_scope(p, values);
    parts.push(format!(
        "b.id IN (SELECT bp.batch_id FROM batch_projects bp JOIN projects p ON p.id = bp.project_id WHERE {projects})"
    ));
    format!("({})", parts.join(" OR "))
}

fn visible_batch(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<BatchRecord> {
    let mut values = Vec::new();
    let scope = batch_scope(p, &mut values);
    let id = bind(&mut values, id);
    let row = tx
        .query_opt(&format!("SELECT {BATCH_COLUMNS} FROM batches b WHERE b.id = {id} AND {scope}"), &values)?
        .ok_or(StoreError::NotFound("批次"))?;
    batch_from_row(&row)
}

impl Store {
    /// Opens a batch; posted twice with one `key`, it opens one.
    pub async fn create_batch(
        &self,
        p: &Principal,
        source: &str,
        new: NewBatch,
        key: Option<IdempotencyKey>,
    ) -> Result<BatchRecord> {
        let region = ledger_region(p)?;
        check_within(&region, &new.region_code)?;
        let name = new.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::Invalid("请填写批次名称（最多200字）/ the batch needs a name (up to 200)".into()));
        }
        if new.starts_on > new.ends_on {
            return Err(StoreError::Invalid("批次的开始日期晚于结束日期 / the batch starts after it ends".into()));
        }
        let (origin, q) = (p.origin(source), p.clone());
        let create = move |w: &mut Writer<'_>| {
            if w.tx.query_opt("SELECT 1 FROM batches WHERE name = $1", params![name.as_str()])?.is_some() {
                return Err(StoreError::Duplicate(format!("批次「{name}」已存在 / the batch {name} exists")));
            }
            if w.tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![new.region_code.as_str()])?.is_none() {
                return Err(StoreError::Invalid(format!("地区 {} 不存在 / no such region", new.region_code)));
            }
            let id =
                w.tx.query_one(
                    "INSERT INTO batches (name, region_code, starts_on, ends_on, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    params![
                        name.as_str(),
                        new.region_code.as_str(),
                        new.starts_on.to_string(),
                        new.ends_on.to_string(),
                        to_micros(Timestamp::now())
                    ],
                )?
                .int(0)?;
            let after = json!({"name": name, "region_code": new.region_code.as_str(),
                "starts_on": new.starts_on.to_string(), "ends_on": new.ends_on.to_string()});
            w.audit("batch.create", format!("batch:{id}"), None, audit::json(&after));
            Ok(id)
        };
        self.create_once(origin, "batch", key, create, move |tx, id| visible_batch(tx, &q, id)).await
    }

    /// Puts the project on one list of the batch (moving it from another), or takes it off with `None`.
    pub async fn set_batch_list(
        &self,
        p: &Principal,
        source: &str,
        batch_id: i64,
        project_id: i64,
        list: Option<BatchList>,
    ) -> Result<()> {
        ledger_region(p)?;
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            visible_batch(&mut w.tx, &p, batch_id)?;
            ledger_project(&mut w.tx, &p, project_id)?;
            let before =
                w.tx.query_opt(
                    "SELECT list FROM batch_projects WHERE batch_id = $1 AND project_id = $2",
                    params![batch_id, project_id],
                )?
                .map(|r| r.text(0))
                .transpose()?;
            match list {
                Some(l) => w.tx.execute(
                    "INSERT INTO batch_projects (batch_id, project_id, list) VALUES ($1, $2, $3) \
                     ON CONFLICT (batch_id, project_id) DO UPDATE SET list = excluded.list",
                    params![batch_id, project_id, l.as_str()],
                )?,
                None => w.tx.execute(
                    "DELETE FROM batch_projects WHERE batch_id = $1 AND project_id = $2",
                    params![batch_id, project_id],
                )?,
            };
            w.audit(
                "batch.list",
                format!("batch:{batch_id}"),
                audit::json(&json!({"project_id": project_id, "list": before})),
                audit::json(&json!({"project_id": project_id, "list": list.map(BatchList::as_str)})),
            );
            Ok(())
        })
        .await
    }

    /// The batches `p` may read (those of its region, and of the regions above it), newest first.
    pub async fn batches(&self, p: &Principal) -> Result<Vec<BatchRecord>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let scope = batch_scope(&p, &mut values);
            tx.query(
                &format!("SELECT {BATCH_COLUMNS} FROM batches b WHERE {scope} ORDER BY b.starts_on DESC, b.id DESC"),
                &values,
            )?
            .iter()
            .map(batch_from_row)
            .collect()
        })
        .await
    }

    /// The batch's rates and lines as of `as_of`, counting the projects `p` may read. A project's stage is the one it
    /// stood at on the day (谋划 if it had not entered the ledger yet); its investment completed within the batch is
    /// its cumulative figure at the end of the month of `as_of` (or of the batch's end, if earlier) less the figure
    /// before the batch's first month.
    pub async fn batch_report(&self, p: &Principal, batch_id: i64, as_of: Date) -> Result<BatchReport> {
        let p = p.clone();
        self.read(move |tx| {
            let batch = visible_batch(tx, &p, batch_id)?;
            let mut values = Vec::new();
            let scope = project_scope(&p, &mut values);
            let b = bind(&mut values, batch_id);
            let d = bind(&mut values, as_of.to_string());
            let end = bind(&mut values, month_of(as_of.min(batch.ends_on)));
            let first = bind(&mut values, month_of(batch.starts_on));
            let sql = format!(
                "SELECT p.id, p.code, p.name, rg.name, bp.list, \
                 CASE WHEN p.stage_on <= {d} THEN p.stage ELSE \
                  (SELECT sc.to_stage FROM project_stage_changes sc WHERE sc.project_id = p.id \
                   AND sc.changed_on <= {d} ORDER BY sc.changed_on DESC, sc.id DESC LIMIT 1) END, \
                 (SELECT ir.cumulative FROM investment_reports ir WHERE ir.project_id = p.id AND ir.month <= {end} \
                  ORDER BY ir.month DESC LIMIT 1), \
                 (SELECT ir.cumulative FROM investment_reports ir WHERE ir.project_id = p.id AND ir.month < {first} \
                  ORDER BY ir.month DESC LIMIT 1) \
                 FROM batch_projects bp JOIN projects p ON p.id = bp.project_id \
                 JOIN regions rg ON rg.code = p.region_code WHERE bp.batch_id = {b} AND {scope} \
                 ORDER BY CASE bp.list WHEN 'sign' THEN 1 WHEN 'start' THEN 2 ELSE 3 END, p.code, p.id"
            );
            let mut progress = BatchProgress::default();
            let mut completed = 0i64;
            let mut lines = Vec::new();
            for row in tx.query(&sql, &values)? {
                let list = list_of(&row.text(4)?)?;
                let stage = row.opt_text(5)?.map(|s| stage_of(&s)).transpose()?.unwrap_or(Stage::Planning);
                let done = (row.opt_int(6)?.unwrap_or(0) - row.opt_int(7)?.unwrap_or(0)).max(0);
                progress.add(list, stage);
                completed += done;
                lines.push(BatchLine {
                    project_id: row.int(0)?,
                    code: row.text(1)?,
                    name: row.text(2)?,
                    region_name: row.text(3)?,
                    list,
                    stage,
                    completed: fen_of(done, "completed")?,
                });
            }
            Ok(BatchReport { batch, as_of, progress, completed: fen_of(completed, "completed")?, lines })
        })
        .await
    }
}
