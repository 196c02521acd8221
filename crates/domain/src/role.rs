//! The roles of SPEC §1. A user may hold several; each action of the state machine names the roles that may take it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// 政府办: records the government's weekly meetings (重点工作周交办) and their tasks, and judges them done
    Office,
    /// 多元解纷工作站: a chamber of commerce's workstation staff, who take in dispute cases, classify and transfer them
    Workstation,
    /// 法治护航员: a mediator, who mediates the dispute cases transferred to them and records the outcome
    Mediator,
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
    pub const ALL: [Role; 12] = [
        Role::Enterprise,
        Role::Cadre,
        Role::Dispatcher,
        Role::Handler,
        Role::Leader,
        Role::Office,
        Role::Workstation,
        Role::Mediator,
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
            Role::Office => "office",
            Role::Workstation => "workstation",
            Role::Mediator => "mediator",
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
            Role::Office => "政府办",
            Role::Workstation => "解纷工作站",
            Role::Mediator => "法治护航员",
            Role::Sysadmin => "系统管理员",
            Role::Secadmin => "安全管理员",
            Role::Auditor => "审计管理员",
            Role::System => "系统",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The three separated admin roles (三员分立, SPEC §9).
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Sysadmin | Role::Secadmin | Role::Auditor)
    }
}

/// Checks a user's set of roles: at least one, never the program's own, and an admin role (系统/安全/审计管理员) held
/// alone — one person may not both administer and audit, nor administer and do business (三员分立).
pub fn check_roles(roles: &[Role]) -> Result<(), &'static str> {
    if roles.is_empty() {
        return Err("至少需要一个角色 / a user needs at least one role");
    }
    if roles.contains(&Role::System) {
        return Err("system 角色只属于程序本身 / the system role belongs to the program itself");
    }
    if roles.iter().any(|r| r.is_admin()) && roles.len() > 1 {
        return Err("三员分立：系统、安全、审计管理员角色须单独授予 / an admin role must be a user's only role");
    }
    Ok(())
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_roles_stand_alone() {
        assert!(check_roles(&[Role::Dispatcher, Role::Leader]).is_ok());
        assert!(check_roles(&[Role::Auditor]).is_ok());
        assert!(check_roles(&[Role::Auditor, Role::Sysadmin]).is_err());
        assert!(check_roles(&[Role::Secadmin, Role::Handler]).is_err());
        assert!(check_roles(&[]).is_err());
        assert!(check_roles(&[Role::System]).is_err());
    }
}
