//! The appeal (诉求) work item and its closed loop (SPEC §3).
//!
//! An appeal's workflow state is a fold of its events: `Appeal::apply` checks one event against the state (status and
//! role) and returns the next state. The same function decides a new action and replays stored history, so "replaying
//! the event history gives the stored state" holds by construction and is tested against the stored form.

mod action;
mod machine;
mod outlook;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use action::{Action, ActionKind, Actor, Event};
pub use machine::{AUTO_CLOSE_AFTER, Appeal, MAX_EXTENSION_DAYS, MAX_TEXT, TransitionError};
pub use outlook::{Outlook, Overdue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    Draft,
    Submitted,
    Assigned,
    InProgress,
    /// 待补充材料: the deadline clock stops.
    Waiting,
    Answered,
    Reopened,
    Closed,
    Withdrawn,
    Invalid,
    /// Follows its common issue (共性问题).
    Merged,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Submitted,
        Status::Assigned,
        Status::InProgress,
        Status::Waiting,
        Status::Answered,
        Status::Reopened,
        Status::Closed,
        Status::Withdrawn,
        Status::Invalid,
        Status::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::Waiting => "waiting",
            Status::Answered => "answered",
            Status::Reopened => "reopened",
            Status::Closed => "closed",
            Status::Withdrawn => "withdrawn",
            Status::Invalid => "invalid",
            Status::Merged => "merged",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "待交办",
            Status::Assigned => "待签收",
            Status::InProgress => "办理中",
            Status::Waiting => "待补充材料",
            Status::Answered => "已答复",
            Status::Reopened => "重办",
            Status::Closed => "已办结",
            Status::Withdrawn => "已撤回",
            Status::Invalid => "无效",
            Status::Merged => "已并入共性问题",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Closed, withdrawn, invalid and merged items never change again.
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Closed | Status::Withdrawn | Status::Invalid | Status::Merged)
    }

    /// The unit holds the item and its deadline clock runs.
    pub fn is_with_unit(self) -> bool {
        matches!(self, Status::Assigned | Status::InProgress | Status::Reopened)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// 分层交办: the level that handles the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Level {
    County,
    City,
    Province,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::County => "county",
            Level::City => "city",
            Level::Province => "province",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::County => "县区级",
            Level::City => "市级",
            Level::Province => "省级",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        [Level::County, Level::City, Level::Province].into_iter().find(|l| l.as_str() == s)
    }
}

/// How the appeal reached the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    /// 干部走访
    CadreVisit,
    /// 网上提交
    Web,
    /// 电话
    Phone,
    /// 台账导入
    Import,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::CadreVisit => "cadre_visit",
            Channel::Web => "web",
            Channel::Phone => "phone",
            Channel::Import => "import",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::CadreVisit => "干部走访",
            Channel::Web => "网上提交",
            Channel::Phone => "电话",
            Channel::Import => "台账导入",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::CadreVisit, Channel::Web, Channel::Phone, Channel::Import].into_iter().find(|c| c.as_str() == s)
    }
}
