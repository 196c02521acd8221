//! Synthetic dispute cases, meeting tasks and enterprises for `zhuqi bench --disputes`, `--meetings` and
//! `--policies`: a database made to the size a province reaches (100,000 cases, tasks or enterprises), written fast,
//! to measure the figures, the meeting report and policy matching on.
//!
//! It copies the work items the database already holds (the demo city's year), history and all, again and again
//! with fresh ids and numbers (prefix `JFB`/`RWB`): every copy is a consistent item of its kind, and the copies
//! keep the originals' mix of types, amounts, outcomes and dates.

use zhuqi_domain::Uscc;

use crate::audit::Origin;
use crate::db::{Tx, params};
use crate::{Result, Store, StoreError};

/// The columns a copy keeps as they are (all but `id` and `number`).
const DISPUTE_COLUMNS: &str = "workstation_id, region_code, other_party, facts, amount_fen, forum, mediator_id, \
    outcome, agreed_fen, created_by, version, status, category_code, level, unit_id, common_issue_id, rating, \
    reopen_count, resolved, acknowledge_due, reply_due, resolve_due, feedback_due, created_at, submitted_at, \
    first_assigned_at, answered_at, closed_at, updated_at, on_time, work_days, first_reopened_at, \
    pending_extension, state";
const TASK_COLUMNS: &str = "region_code, content, leader, expected, due_on, created_by, version, status, \
    category_code, level, unit_id, common_issue_id, rating, reopen_count, resolved, acknowledge_due, reply_due, \
    resolve_due, feedback_due, created_at, submitted_at, first_assigned_at, answered_at, closed_at, updated_at, \
    on_time, work_days, first_reopened_at, pending_extension, state";
const EVENT_COLUMNS: &str = "seq, at, actor_user_id, actor_role, action, payload";

/// The columns an enterprise's copy keeps as they are (all but `id`, `name` and `uscc`).
const ENTERPRISE_COPY_COLUMNS: &str = "region_code, industry, above_scale, small_micro, specialized, little_giant, \
    contact_name, contact_phone, created_at, high_tech, registered_on, employees, revenue_band, tax_credit";

impl Store {
    /// Copies the database's enterprises (those it held before any copy) with their facts until it holds `count`,
    /// each copy under a name and a credit code of its own (`…（副本n）`, `91{region}B{n:08}` with its check
    /// character), in one transaction. Returns how many were added.
    pub async fn copy_enterprises(&self, count: usize, progress: impl Fn(usize) + Send + 'static) -> Result<usize> {
        self.transaction(Origin::system("bench"), move |w| {
            let tx = &mut w.tx;
            let originals = tx.query(
                "SELECT id, name, region_code FROM enterprises WHERE name NOT LIKE '%（副本%' ORDER BY id",
                &[],
            )?;
            let start = usize::try_from(tx.query_one("SELECT COUNT(*) FROM enterprises", &[])?.int(0)?).unwrap_or(0);
            if originals.is_empty() && start < count {
                return Err(StoreError::Invalid(
                    "数据库中没有可复制的企业（请先写入演示数据）/ no enterprises to copy".into(),
                ));
            }
            let mut have = start;
            while have < count {
                let row = &originals[have % originals.len()];
                let (id, name, region) = (row.int(0)?, row.text(1)?, row.text(2)?);
                let uscc = Uscc::with_check_char(&format!("91{region}B{have:08}"))
                    .map_err(|e| StoreError::Invalid(format!("credit code of a copy: {e}")))?;
                tx.execute(
                    &format!(
                        "INSERT INTO enterprises (name, uscc, {ENTERPRISE_COPY_COLUMNS}) \
                         SELECT $1, $2, {ENTERPRISE_COPY_COLUMNS} FROM enterprises WHERE id = $3"
                    ),
                    params![format!("{name}（副本{have}）"), uscc.as_str(), id],
                )?;
                have += 1;
                if have % 1000 == 0 {
                    progress(have);
                }
            }
            let added = have - start;
            w.audit("bench.enterprises", format!("enterprises:{added}"), None, Some(format!("{{\"added\":{added}}}")));
            Ok(added)
        })
        .await
    }

    /// Copies the database's dispute cases (those it held before any copy) until it holds `count`, in one
    /// transaction. `progress` is told how many cases there are so far. Returns how many were added.
    pub async fn copy_disputes(&self, count: usize, progress: impl Fn(usize) + Send + 'static) -> Result<usize> {
        self.transaction(Origin::system("bench"), move |w| {
            let tx = &mut w.tx;
            let count = i64::try_from(count).unwrap_or(i64::MAX);
            let originals =
                tx.query_one("SELECT COALESCE(MAX(id), 0) FROM disputes WHERE number NOT LIKE 'JFB-%'", &[])?.int(0)?;
            let start = tx.query_one("SELECT COUNT(*) FROM disputes", &[])?.int(0)?;
            if originals == 0 && start < count {
                return Err(StoreError::Invalid(
                    "数据库中没有可复制的纠纷案件（请先写入演示数据）/ no cases to copy".into(),
                ));
            }
            let mut have = start;
            while have < count {
                let offset = tx.query_one("SELECT MAX(id) FROM disputes", &[])?.int(0)?;
                let picked =
                    format!("(SELECT id FROM disputes WHERE id <= {originals} ORDER BY id LIMIT {})", count - have);
                let added = tx.execute(
                    &format!(
                        "INSERT INTO disputes (id, number, {DISPUTE_COLUMNS}) SELECT id + {offset}, \
                         'JFB-2026-' || CAST(id + {offset} AS TEXT), {DISPUTE_COLUMNS} FROM disputes WHERE id IN {picked}"
                    ),
                    &[],
                )?;
                copy_rows(tx, ("dispute_enterprises", "dispute_id"), "enterprise_id", offset, &picked)?;
                copy_rows(tx, ("dispute_events", "dispute_id"), EVENT_COLUMNS, offset, &picked)?;
                have += i64::try_from(added).unwrap_or(0);
                progress(usize::try_from(have).unwrap_or(0));
            }
            move_identities(tx, &["disputes"])?;
            let added = have - start;
            w.audit("bench.disputes", format!("disputes:{added}"), None, Some(format!("{{\"added\":{added}}}")));
            Ok(usize::try_from(added).unwrap_or(0))
        })
        .await
    }

    /// Copies the database's meetings with their tasks (those it held before any copy) until it holds `count`
    /// tasks or a little more (whole meetings are copied), in one transaction. Returns how many tasks were added.
    pub async fn copy_meetings(&self, count: usize, progress: impl Fn(usize) + Send + 'static) -> Result<usize> {
        self.transaction(Origin::system("bench"), move |w| {
            let tx = &mut w.tx;
            let count = i64::try_from(count).unwrap_or(i64::MAX);
            let originals = tx
                .query_one("SELECT COALESCE(MAX(meeting_id), 0) FROM tasks WHERE number NOT LIKE 'RWB-%'", &[])?
                .int(0)?;
            let start = tx.query_one("SELECT COUNT(*) FROM tasks", &[])?.int(0)?;
            if originals == 0 && start < count {
                return Err(StoreError::Invalid(
                    "数据库中没有可复制的交办事项（请先写入演示数据）/ no tasks to copy".into(),
                ));
            }
            let mut have = start;
            let mut after = 0;
            while have < count {
                // The next original meeting with tasks, copied whole under a new id and title.
                let Some(meeting) = tx.query_opt(
                    "SELECT MIN(meeting_id) FROM tasks WHERE meeting_id > $1 AND meeting_id <= $2 HAVING COUNT(*) > 0",
                    &[after.into(), originals.into()],
                )?
                else {
                    after = 0;
                    continue;
                };
                let meeting = meeting.int(0)?;
                after = meeting;
                let copy = tx.query_one("SELECT MAX(id) + 1 FROM meetings", &[])?.int(0)?;
                tx.execute(
                    &format!(
                        "INSERT INTO meetings (id, region_code, title, held_on, chair, attendees, created_by, \
                         created_at) SELECT {copy}, region_code, title || '（基准副本{copy}）', held_on, chair, \
                         attendees, created_by, created_at FROM meetings WHERE id = {meeting}"
                    ),
                    &[],
                )?;
                let offset = tx.query_one("SELECT MAX(id) FROM tasks", &[])?.int(0)?;
                let picked = format!("(SELECT id FROM tasks WHERE meeting_id = {meeting})");
                let added = tx.execute(
                    &format!(
                        "INSERT INTO tasks (id, number, meeting_id, {TASK_COLUMNS}) SELECT id + {offset}, \
                         'RWB-2026-' || CAST(id + {offset} AS TEXT), {copy}, {TASK_COLUMNS} FROM tasks WHERE id IN {picked}"
                    ),
                    &[],
                )?;
                copy_rows(tx, ("task_events", "task_id"), EVENT_COLUMNS, offset, &picked)?;
                let co_units = "unit_id, since, signed_at, signed_by, opinion_at";
                copy_rows(tx, ("task_co_units", "task_id"), co_units, offset, &picked)?;
                have += i64::try_from(added).unwrap_or(0);
                progress(usize::try_from(have).unwrap_or(0));
            }
            move_identities(tx, &["meetings", "tasks"])?;
            let added = have - start;
            w.audit("bench.tasks", format!("tasks:{added}"), None, Some(format!("{{\"added\":{added}}}")));
            Ok(usize::try_from(added).unwrap_or(0))
        })
        .await
    }
}

/// Copies the rows of `table` whose `key` is among `picked` (a subquery of ids), the key moved by `offset`.
fn copy_rows(tx: &mut Tx<'_>, (table, key): (&str, &str), columns: &str, offset: i64, picked: &str) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO {table} ({key}, {columns}) SELECT {key} + {offset}, {columns} FROM {table} WHERE {key} IN {picked}"
        ),
        &[],
    )?;
    Ok(())
}

/// On PostgreSQL, moves each table's identity past the explicit ids the copies took.
fn move_identities(tx: &mut Tx<'_>, tables: &[&str]) -> Result<()> {
    if let Tx::Postgres(_) = tx {
        for t in tables {
            tx.execute(&format!("SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"), &[])?;
        }
    }
    Ok(())
}
