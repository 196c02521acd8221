//! 非公企业多元解纷 (SPEC §3, seed 002): the dispute cases the chambers of commerce's workstations (多元解纷工作站)
//! take in. A case runs on the engine of appeals with two steps of its own: 移交转办 (`Action::Transfer`, to a
//! mediator, a court, an arbitration body or a unit) and 结果反馈 (`Action::Conclude`, with its outcome). Withdrawal
//! (撤回) is the engine's `Withdraw`; 效果评价 is the engine's `Confirm` by the enterprise party.

use serde::{Deserialize, Serialize};

use crate::values::Fen;

/// The types of dispute the workstations record (纠纷类型), in the order their forms list them.
pub const DISPUTE_TYPES: [&str; 10] = [
    "合同纠纷",
    "买卖纠纷",
    "借贷纠纷",
    "工程款纠纷",
    "劳动争议",
    "租赁纠纷",
    "知识产权纠纷",
    "股权纠纷",
    "侵权纠纷",
    "其他纠纷",
];

/// The largest amount in dispute a case may state, in fen: 1,000 亿元. Anything above is a typing error, not a case.
pub const MAX_DISPUTE_FEN: i64 = 100_000_000_000 * 100;

/// Where a case is transferred (移交转办).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Forum {
    /// 法治护航员调解: a mediator (a user with the mediator role) takes it.
    Mediator,
    /// 法院诉调对接: the court's mediation centre, a unit.
    Court,
    /// 仲裁机构
    Arbitration,
    /// 职能部门: a government unit whose business it is (人社局 for wages, …).
    Unit,
}

impl Forum {
    pub const ALL: [Forum; 4] = [Forum::Mediator, Forum::Court, Forum::Arbitration, Forum::Unit];

    pub fn as_str(self) -> &'static str {
        match self {
            Forum::Mediator => "mediator",
            Forum::Court => "court",
            Forum::Arbitration => "arbitration",
            Forum::Unit => "unit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Forum::Mediator => "法治护航员调解",
            Forum::Court => "法院诉调对接",
            Forum::Arbitration => "仲裁机构",
            Forum::Unit => "职能部门",
        }
    }

    pub fn parse(s: &str) -> Option<Forum> {
        Forum::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// How mediation ended (结果反馈). A withdrawn case (撤回) ends by the engine's `Withdraw` instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Outcome {
    /// 调解成功, with the amount the parties agreed.
    Mediated,
    /// 调解不成
    Failed,
    /// 转诉讼
    Litigation,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Mediated, Outcome::Failed, Outcome::Litigation];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Mediated => "mediated",
            Outcome::Failed => "failed",
            Outcome::Litigation => "litigation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Mediated => "调解成功",
            Outcome::Failed => "调解不成",
            Outcome::Litigation => "转诉讼",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// What a case's own steps added to its workflow state: where it went and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mediation {
    pub forum: Option<Forum>,
    /// The mediator (法治护航员) the case was transferred to, when the forum is a mediator.
    pub mediator_id: Option<i64>,
    pub outcome: Option<Outcome>,
    /// The amount agreed in a successful mediation.
    pub agreed: Option<Fen>,
}

/// Whether `name` is one of the dispute types.
pub fn is_dispute_type(name: &str) -> bool {
    DISPUTE_TYPES.contains(&name)
}
