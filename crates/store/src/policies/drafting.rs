//! 政策推进清单 (SPEC §8): a policy being drafted is a task on the loop (`crate::tasks`). Recording a draft hands the
//! drafting to its unit as a task due on the draft's planned date, on the unit's desk with the lights, extensions and
//! escalation every task has; publishing the policy reports the task done, dropping the draft withdraws it; the
//! government office judges it 完成 or 未完成 like any task. The program takes those steps (`Actor::system`), so they
//! happen the same whoever — the command office or the unit — records the policy.

use std::collections::HashMap;

use jiff::Timestamp;
use zhuqi_domain::policy::PolicyStatus;
use zhuqi_domain::time::local_date;
use zhuqi_domain::{Action, Actor, DeadlinePolicy, Status};

use super::{NewPolicy, PolicyRecord};
use crate::db::{Tx, params};
use crate::tasks::{Handout, TASK_COLUMNS, TaskRecord, task_from_row};
use crate::{Result, Store, StoreError, Writer};

/// The area a drafting task is filed under (the tasks' 工作领域).
pub const DRAFTING_AREA: &str = "惠企政策";

/// The latest task that drafts policy `id`, if any.
fn drafting_task(tx: &mut Tx<'_>, id: i64) -> Result<Option<TaskRecord>> {
    tx.query_opt(&format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.policy_id = $1 ORDER BY t.id DESC"), params![id])?
        .as_ref()
        .map(task_from_row)
        .transpose()
}

impl Writer<'_> {
    /// The latest task that drafts policy `id`, as stored now inside this transaction.
    pub fn drafting_task(&mut self, id: i64) -> Result<Option<TaskRecord>> {
        drafting_task(&mut self.tx, id)
    }

    /// Hands the drafting of policy `id` to its unit, due on the draft's planned date.
    pub(super) fn hand_out_drafting(
        &mut self,
        id: i64,
        policy: &NewPolicy,
        created_by: Option<i64>,
        at: Timestamp,
    ) -> Result<TaskRecord> {
        let due = policy.due_on.ok_or_else(|| StoreError::Invalid("起草中的政策请填写计划出台日期".into()))?;
        let deadline = DeadlinePolicy::until(&self.cal, local_date(at), due)
            .map_err(|e| StoreError::Invalid(format!("计划出台日期：{e}")))?;
        let title = policy.title.trim();
        self.hand_out(
            &Handout {
                region: &policy.region,
                meeting_id: None,
                policy_id: Some(id),
                area: DRAFTING_AREA,
                content: &format!("起草出台《{title}》"),
                leader: "",
                expected: &format!("{due}前印发《{title}》并组织实施"),
                unit_id: policy.unit_id,
                co_unit_ids: &[],
                policy: deadline,
                due_on: Some(due),
                created_by,
            },
            Actor::system(),
            at,
        )
    }

    /// Keeps policy `id`'s drafting task in step with the policy as it was (`before`) and is now (`after`): a
    /// draft with no task gets one; published, the task is reported done; dropped, it is withdrawn. While the unit
    /// holds the task, its unit and due date are the task's: changing them on the draft is refused, for the office
    /// reassigns a task and grants it more time on the loop.
    pub(super) fn follow_drafting(
        &mut self,
        id: i64,
        before: &PolicyRecord,
        after: &NewPolicy,
        by: Option<i64>,
        at: Timestamp,
    ) -> Result<()> {
        let task = drafting_task(&mut self.tx, id)?;
        let open = task.as_ref().filter(|t| t.with_unit());
        match (after.status, open) {
            (PolicyStatus::Drafting, Some(task)) => {
                let was = &before.policy;
                if was.unit_id != after.unit_id || was.due_on != after.due_on {
                    return Err(StoreError::Invalid(format!(
                        "起草任务 {} 正在办理：责任单位和计划出台日期以交办事项为准，改派或延期请在交办事项中办理",
                        task.number
                    )));
                }
            }
            (PolicyStatus::Drafting, None) if task.as_ref().is_none_or(|t| t.state.status == Status::Withdrawn) => {
                self.hand_out_drafting(id, after, by, at)?;
            }
            (PolicyStatus::Drafting, None) => {}
            (PolicyStatus::Published, Some(task)) => {
                let doc = Some(after.doc_number.trim()).filter(|d| !d.is_empty()).map(|d| format!("（{d}）"));
                let text = format!(
                    "《{}》{}已发布，自{}起施行。",
                    after.title.trim(),
                    doc.unwrap_or_default(),
                    after.valid_from
                );
                let mut task = task.clone();
                if task.state.status != Status::InProgress {
                    task = self.apply_task(&task, Actor::system(), Action::Acknowledge, at)?;
                }
                self.apply_task(&task, Actor::system(), Action::Answer { text }, at)?;
            }
            (PolicyStatus::Repealed, Some(task)) => {
                let reason = "政策草案已废止，不再出台".to_owned();
                self.apply_task(task, Actor::system(), Action::Withdraw { reason }, at)?;
            }
            (_, None) => {}
        }
        Ok(())
    }
}

impl Store {
    /// The latest drafting task of each of `policies` that has one. A draft's task is part of what its readers see
    /// of it (number, state, due date), so no scope beyond the policy's own applies.
    pub async fn drafting_tasks(&self, policies: Vec<i64>) -> Result<HashMap<i64, TaskRecord>> {
        self.read(move |tx| {
            let mut out = HashMap::new();
            for id in policies {
                if let Some(task) = drafting_task(tx, id)? {
                    out.insert(id, task);
                }
            }
            Ok(out)
        })
        .await
    }
}
