//! What can be done to an appeal (the actions of SPEC §3) and the event that records one being done.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Level;
use crate::deadline::{DeadlinePolicy, EscalationKind, Milestone};
use crate::dispute::{Forum, Outcome};
use crate::role::Role;
use crate::values::{Fen, Stars};

/// Who acted, in which role. `user_id` is `None` only for the program itself (`Role::System`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    pub user_id: Option<i64>,
    pub role: Role,
}

impl Actor {
    pub fn user(user_id: i64, role: Role) -> Self {
        Self { user_id: Some(user_id), role }
    }

    pub fn system() -> Self {
        Self { user_id: None, role: Role::System }
    }
}

/// One action with its payload. The payload is what the audit trail shows: reasons, texts, the unit and policy given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Action {
    /// The first event of every appeal: recorded as a draft or submitted at once.
    Create {
        category: String,
        draft: bool,
    },
    Submit,
    /// 交办 — also re-assignment to another unit before it is signed for.
    Assign {
        unit_id: i64,
        co_unit_ids: Vec<i64>,
        level: Level,
        category: String,
        policy: DeadlinePolicy,
    },
    /// 签收
    Acknowledge,
    /// 首次答复 / 反馈办理意见: an interim reply that meets the reply deadline.
    Reply {
        text: String,
    },
    /// 退回: not this unit's business.
    Return {
        reason: String,
    },
    /// 答复 / 办结
    Answer {
        text: String,
    },
    RequestExtension {
        days: u16,
        reason: String,
    },
    ApproveExtension,
    RefuseExtension {
        reason: String,
    },
    /// 待补充材料: stops the clock.
    RequestMaterial {
        what: String,
    },
    SupplyMaterial {
        text: String,
    },
    /// The enterprise accepts the answer (满意), optionally with stars and a comment.
    Confirm {
        rating: Option<Stars>,
        comment: String,
    },
    /// 不满意 → 重办
    Reject {
        reason: String,
    },
    /// Answered and neither confirmed nor rejected in time: closed as confirmed, without rating.
    AutoClose,
    Withdraw {
        reason: String,
    },
    /// 无效
    RejectInvalid {
        reason: String,
    },
    /// 并入共性问题
    Merge {
        common_issue_id: i64,
    },
    /// 集中解决: the common issue the appeal was merged into is answered once for all of its appeals. The appeal
    /// comes back as answered by the issue's lead unit, for its enterprise to rate (or to reject, and the lead unit
    /// handles it again).
    ResolveCommon {
        text: String,
        unit_id: i64,
    },
    /// 领导批示
    Instruct {
        text: String,
    },
    /// A step of the escalation ladder, taken by the program.
    Escalate {
        step: EscalationKind,
        milestone: Milestone,
    },
    /// 移交转办 (dispute cases): classified as `category` (纠纷类型) and handed to a forum — a mediator of `unit_id`,
    /// or the court, arbitration body or government unit `unit_id` — under `policy`. Also re-transfer before the
    /// forum has taken the case up.
    Transfer {
        forum: Forum,
        unit_id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mediator_id: Option<i64>,
        category: String,
        policy: DeadlinePolicy,
    },
    /// 结果反馈 (dispute cases): how mediation ended; `agreed` only, and always, for 调解成功.
    Conclude {
        outcome: Outcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
        agreed: Option<Fen>,
        text: String,
    },
}

/// The name of an action without its payload: for errors, permissions and the event log's `action` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ActionKind {
    Create,
    Submit,
    Assign,
    Acknowledge,
    Reply,
    Return,
    Answer,
    RequestExtension,
    ApproveExtension,
    RefuseExtension,
    RequestMaterial,
    SupplyMaterial,
    Confirm,
    Reject,
    AutoClose,
    Withdraw,
    RejectInvalid,
    Merge,
    ResolveCommon,
    Instruct,
    Escalate,
    Transfer,
    Conclude,
}

impl ActionKind {
    pub const ALL: [ActionKind; 23] = [
        ActionKind::Create,
        ActionKind::Submit,
        ActionKind::Assign,
        ActionKind::Acknowledge,
        ActionKind::Reply,
        ActionKind::Return,
        ActionKind::Answer,
        ActionKind::RequestExtension,
        ActionKind::ApproveExtension,
        ActionKind::RefuseExtension,
        ActionKind::RequestMaterial,
        ActionKind::SupplyMaterial,
        ActionKind::Confirm,
        ActionKind::Reject,
        ActionKind::AutoClose,
        ActionKind::Withdraw,
        ActionKind::RejectInvalid,
        ActionKind::Merge,
        ActionKind::ResolveCommon,
        ActionKind::Instruct,
        ActionKind::Escalate,
        ActionKind::Transfer,
        ActionKind::Conclude,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Submit => "submit",
            ActionKind::Assign => "assign",
            ActionKind::Acknowledge => "acknowledge",
            ActionKind::Reply => "reply",
            ActionKind::Return => "return",
            ActionKind::Answer => "answer",
            ActionKind::RequestExtension => "request_extension",
            ActionKind::ApproveExtension => "approve_extension",
            ActionKind::RefuseExtension => "refuse_extension",
            ActionKind::RequestMaterial => "request_material",
            ActionKind::SupplyMaterial => "supply_material",
            ActionKind::Confirm => "confirm",
            ActionKind::Reject => "reject",
            ActionKind::AutoClose => "auto_close",
            ActionKind::Withdraw => "withdraw",
            ActionKind::RejectInvalid => "reject_invalid",
            ActionKind::Merge => "merge",
            ActionKind::ResolveCommon => "resolve_common",
            ActionKind::Instruct => "instruct",
            ActionKind::Escalate => "escalate",
            ActionKind::Transfer => "transfer",
            ActionKind::Conclude => "conclude",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Create => "登记",
            ActionKind::Submit => "提交",
            ActionKind::Assign => "交办",
            ActionKind::Acknowledge => "签收",
            ActionKind::Reply => "首次答复",
            ActionKind::Return => "退回",
            ActionKind::Answer => "答复办结",
            ActionKind::RequestExtension => "申请延期",
            ActionKind::ApproveExtension => "批准延期",
            ActionKind::RefuseExtension => "不予延期",
            ActionKind::RequestMaterial => "要求补充材料",
            ActionKind::SupplyMaterial => "补充材料",
            ActionKind::Confirm => "确认满意",
            ActionKind::Reject => "不满意重办",
            ActionKind::AutoClose => "超时自动办结",
            ActionKind::Withdraw => "撤回",
            ActionKind::RejectInvalid => "判定无效",
            ActionKind::Merge => "并入共性问题",
            ActionKind::ResolveCommon => "集中解决",
            ActionKind::Instruct => "领导批示",
            ActionKind::Escalate => "督办升级",
            ActionKind::Transfer => "移交转办",
            ActionKind::Conclude => "结果反馈",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The roles that may take this action on an appeal (SPEC §1, §3); other kinds: `Kind::allowed_roles`.
    pub fn allowed_roles(self) -> &'static [Role] {
        crate::kind::Kind::Appeal.allowed_roles(self)
    }
}

impl std::fmt::Display for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    /// 交办 to one unit at city level under the standard 13710 policy: the common case.
    pub fn assign_standard(unit_id: i64, category: &str) -> Action {
        Action::Assign {
            unit_id,
            co_unit_ids: Vec::new(),
            level: Level::City,
            category: category.to_owned(),
            policy: DeadlinePolicy::standard(),
        }
    }

    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Create { .. } => ActionKind::Create,
            Action::Submit => ActionKind::Submit,
            Action::Assign { .. } => ActionKind::Assign,
            Action::Acknowledge => ActionKind::Acknowledge,
            Action::Reply { .. } => ActionKind::Reply,
            Action::Return { .. } => ActionKind::Return,
            Action::Answer { .. } => ActionKind::Answer,
            Action::RequestExtension { .. } => ActionKind::RequestExtension,
            Action::ApproveExtension => ActionKind::ApproveExtension,
            Action::RefuseExtension { .. } => ActionKind::RefuseExtension,
            Action::RequestMaterial { .. } => ActionKind::RequestMaterial,
            Action::SupplyMaterial { .. } => ActionKind::SupplyMaterial,
            Action::Confirm { .. } => ActionKind::Confirm,
            Action::Reject { .. } => ActionKind::Reject,
            Action::AutoClose => ActionKind::AutoClose,
            Action::Withdraw { .. } => ActionKind::Withdraw,
            Action::RejectInvalid { .. } => ActionKind::RejectInvalid,
            Action::Merge { .. } => ActionKind::Merge,
            Action::ResolveCommon { .. } => ActionKind::ResolveCommon,
            Action::Instruct { .. } => ActionKind::Instruct,
            Action::Escalate { .. } => ActionKind::Escalate,
            Action::Transfer { .. } => ActionKind::Transfer,
            Action::Conclude { .. } => ActionKind::Conclude,
        }
    }
}

/// One audited step in an appeal's life: `seq` counts from 1 and equals the appeal's version after the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub seq: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    pub actor: Actor,
    pub action: Action,
}
