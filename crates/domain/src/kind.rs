//! The kinds of item the one closed loop carries (SPEC §3): enterprises' appeals (诉求), the tasks handed out at the
//! government's weekly meetings (交办事项, 重点工作周交办) and the dispute cases of the 多元解纷工作站 (纠纷案件). Every kind goes through the same state machine
//! (`appeal::Appeal::apply`), deadline clock, escalation ladder and audit; a kind decides which steps it has and who
//! takes them. A new kind adds a variant here, its roles per step, and its own fields in the store.

use serde::{Deserialize, Serialize};

use crate::appeal::{ActionKind, Status};
use crate::role::Role;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Kind {
    /// 诉求: raised by an enterprise or its cadre, rated by the enterprise.
    #[default]
    Appeal,
    /// 交办事项: handed out by the government office (政府办) at a meeting; no enterprise, not rated — the office marks
    /// it 完成 or 未完成 at a later meeting.
    Task,
    /// 纠纷案件: taken in by a workstation, transferred to a mediator, court, arbitration body or unit, concluded
    /// with an outcome (`crate::dispute`), evaluated by the enterprise party.
    Dispute,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Appeal, Kind::Task, Kind::Dispute];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Appeal => "appeal",
            Kind::Task => "task",
            Kind::Dispute => "dispute",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Appeal => "诉求",
            Kind::Task => "交办事项",
            Kind::Dispute => "纠纷案件",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_appeal(&self) -> bool {
        *self == Kind::Appeal
    }

    /// The roles that may take `action` on an item of this kind (SPEC §1, §3); empty where the kind has no such step.
    /// Scope — which items a user of the role may touch — is checked by the store, not here.
    pub fn allowed_roles(self, action: ActionKind) -> &'static [Role] {
        use ActionKind::*;
        use Role::*;
        match (self, action) {
            (Kind::Appeal, Create) => &[Enterprise, Cadre, Dispatcher, System],
            (Kind::Appeal, Submit | SupplyMaterial | Withdraw) => &[Enterprise, Cadre],
            (Kind::Appeal, Assign | ApproveExtension | RefuseExtension | RejectInvalid | Merge | ResolveCommon) => {
                &[Dispatcher]
            }
            (Kind::Appeal, Confirm | Reject) => &[Enterprise],
            (Kind::Appeal, AutoClose) => &[System],
            (Kind::Task, Create) => &[Office, System],
            // A draft policy on the 政策推进清单 is a task the program hands out to the drafting unit when the draft
            // is recorded, reports done when the policy is published and withdraws when the draft is dropped
            // (`zhuqi_store::policies`): the office judges it like any other.
            (Kind::Task, Assign | Withdraw) => &[Office, System],
            (Kind::Task, Acknowledge | Answer) => &[Handler, System],
            (Kind::Task, ApproveExtension | RefuseExtension | Confirm | Reject) => &[Office],
            // A task has no enterprise to supply material, to rate it or to leave it unconfirmed; it is not merged
            // into common issues, and is never "invalid": the office withdraws (撤销) one it no longer wants.
            (
                Kind::Task,
                Submit | RequestMaterial | SupplyMaterial | AutoClose | RejectInvalid | Merge | ResolveCommon,
            ) => &[],
            (Kind::Dispute, Create) => &[Workstation, System],
            // 不予受理 (RejectInvalid) and 撤回 (Withdraw, when the applicant withdraws) are recorded by the workstation.
            (Kind::Dispute, Transfer | ApproveExtension | RefuseExtension | RejectInvalid | Withdraw) => &[Workstation],
            // Whoever took the case — a mediator, or the court, arbitration body or unit as a handling unit —
            // mediates (each session a Reply), may give it back, ask for time and records how it ended.
            (Kind::Dispute, Acknowledge | Reply | Return | RequestExtension | Conclude) => &[Mediator, Handler],
            (Kind::Dispute, Confirm) => &[Enterprise],
            (Kind::Dispute, AutoClose) => &[System],
            // A case is not drafted, has no material loop, is not merged, and its evaluation does not reopen it: an
            // unhappy party gives fewer stars, and may bring the dispute again as a new case.
            (
                Kind::Dispute,
                Submit | Assign | Answer | RequestMaterial | SupplyMaterial | Reject | Merge | ResolveCommon,
            ) => &[],
            (Kind::Appeal | Kind::Task, Transfer | Conclude) => &[],
            (_, Acknowledge | Reply | Return | Answer | RequestExtension | RequestMaterial) => &[Handler],
            (_, Escalate) => &[System],
            (_, Instruct) => &[Leader],
        }
    }

    /// Whether the item's own side rates the answer (an enterprise's 1–5 stars).
    pub fn is_rated(self) -> bool {
        matches!(self, Kind::Appeal | Kind::Dispute)
    }

    /// Whether an answer waits for feedback within a deadline (回访: the enterprise's, within the policy's feedback
    /// days). A task reported done waits for the office's judgement at its next meeting, under no deadline.
    pub fn awaits_feedback(self) -> bool {
        matches!(self, Kind::Appeal | Kind::Dispute)
    }

    /// The label of a step where the kind names it its own way (a task is 完成/未完成 at the meeting, not 满意/重办).
    pub fn step_label(self, action: ActionKind) -> &'static str {
        match (self, action) {
            (Kind::Task, ActionKind::Reply) => "报告进展",
            (Kind::Task, ActionKind::Answer) => "报告完成",
            (Kind::Task, ActionKind::Confirm) => "确认完成",
            (Kind::Task, ActionKind::Reject) => "认定未完成",
            (Kind::Task, ActionKind::Withdraw) => "撤销",
            (Kind::Dispute, ActionKind::Create) => "受理",
            (Kind::Dispute, ActionKind::Acknowledge) => "接收",
            (Kind::Dispute, ActionKind::Reply) => "记录调解",
            (Kind::Dispute, ActionKind::Confirm) => "效果评价",
            (Kind::Dispute, ActionKind::RejectInvalid) => "不予受理",
            _ => action.label(),
        }
    }

    /// The label of a status where the kind names it its own way.
    pub fn status_label(self, status: Status) -> &'static str {
        match (self, status) {
            (Kind::Dispute, Status::Submitted) => "待分流",
            (Kind::Dispute, Status::Assigned) => "待接收",
            (Kind::Dispute, Status::InProgress) => "调解中",
            (Kind::Dispute, Status::Answered) => "待评价",
            (Kind::Dispute, Status::Invalid) => "不予受理",
            _ => status.label(),
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appeals_keep_their_roles() {
        // The table of SPEC §3 as it stood before kinds: the appeal's steps and roles are unchanged.
        use Role::*;
        let expected: &[(ActionKind, &[Role])] = &[
            (ActionKind::Create, &[Enterprise, Cadre, Dispatcher, System]),
            (ActionKind::Submit, &[Enterprise, Cadre]),
            (ActionKind::Assign, &[Dispatcher]),
            (ActionKind::Acknowledge, &[Handler]),
            (ActionKind::Answer, &[Handler]),
            (ActionKind::RequestMaterial, &[Handler]),
            (ActionKind::Confirm, &[Enterprise]),
            (ActionKind::AutoClose, &[System]),
            (ActionKind::Instruct, &[Leader]),
            (ActionKind::Escalate, &[System]),
            (ActionKind::Merge, &[Dispatcher]),
        ];
        for (action, roles) in expected {
            assert_eq!(Kind::Appeal.allowed_roles(*action), *roles, "{action}");
        }
    }

    #[test]
    fn tasks_are_the_offices_and_the_units() {
        for action in ActionKind::ALL {
            let roles = Kind::Task.allowed_roles(action);
            assert!(!roles.contains(&Role::Enterprise) && !roles.contains(&Role::Cadre), "{action}");
            assert!(!roles.contains(&Role::Dispatcher), "the office, not the dispatcher, runs tasks: {action}");
        }
        assert_eq!(Kind::Task.allowed_roles(ActionKind::Confirm), &[Role::Office]);
        assert!(Kind::Task.allowed_roles(ActionKind::AutoClose).is_empty());
        assert!(Kind::Task.allowed_roles(ActionKind::SupplyMaterial).is_empty());
        assert!(!Kind::Task.is_rated());
    }

    #[test]
    fn disputes_are_the_workstations_and_the_mediators() {
        for action in ActionKind::ALL {
            let roles = Kind::Dispute.allowed_roles(action);
            for role in [Role::Cadre, Role::Dispatcher, Role::Office] {
                assert!(!roles.contains(&role), "{role} may not {action} a dispute");
            }
            if matches!(action, ActionKind::Transfer | ActionKind::Conclude) {
                assert!(Kind::Appeal.allowed_roles(action).is_empty() && Kind::Task.allowed_roles(action).is_empty());
            }
        }
        assert_eq!(Kind::Dispute.allowed_roles(ActionKind::Transfer), &[Role::Workstation]);
        assert_eq!(Kind::Dispute.allowed_roles(ActionKind::Confirm), &[Role::Enterprise]);
        assert!(Kind::Dispute.allowed_roles(ActionKind::Assign).is_empty());
        assert!(Kind::Dispute.allowed_roles(ActionKind::Reject).is_empty());
    }
}
