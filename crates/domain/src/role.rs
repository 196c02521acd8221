//! The roles of SPEC §1. A user may hold several; each action of the state machine names the roles that may take it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 企业用户
    Enterprise,
    /// 助企干部 / 首席服务官
    Cadre,
    /// 指挥部 / 专班
    Dispatcher,
    /// 承办单位
    Handler,
    /// 领导
    Leader,
    /// 系统管理员 (三员分立)
    Sysadmin,
    /// 安全管理员
    Secadmin,
    /// 审计管理员
    Auditor,
    /// The program itself: scheduled escalation and auto-closing, imports.
    System,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Enterprise,
        Role::Cadre,
        Role::Dispatcher,
        Role::Handler,
        Role::Leader,
        Role::Sysadmin,
        Role::Secadmin,
        Role::Auditor,
        Role::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Enterprise => "enterprise",
            Role::Cadre => "cadre",
            Role::Dispatcher => "dispatcher",
            Role::Handler => "handler",
            Role::Leader => "leader",
            Role::Sysadmin => "sysadmin",
            Role::Secadmin => "secadmin",
            Role::Auditor => "auditor",
            Role::System => "system",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Enterprise => "企业用户",
            Role::Cadre => "助企干部",
            Role::Dispatcher => "指挥部",
            Role::Handler => "承办单位",
            Role::Leader => "领导",
            Role::Sysadmin => "系统管理员",
            Role::Secadmin => "安全管理员",
            Role::Auditor => "审计管理员",
            Role::System => "系统",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
