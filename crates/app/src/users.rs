//! `zhuqi user`: accounts from the command line — the first administrator of a new city, a forgotten password, roles.
//! A password made here is shown once and must be changed at the first sign-in.

use std::io::BufRead;

use anyhow::Context;
use clap::Subcommand;
use rand::RngExt;
use zhuqi_auth::password;
use zhuqi_domain::{RegionCode, Role};
use zhuqi_store::{NewUser, Origin};

use crate::cli::{DbArg, open};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 新建用户，打印一次性初始密码（首次登录须修改）/ add a user; prints a one-time initial password
    Add {
        #[command(flatten)]
        db: DbArg,
        /// 登录名 / sign-in name
        username: String,
        /// 姓名或单位内称呼 / the person's name
        #[arg(long)]
        name: String,
        /// 角色，可多个：enterprise, cadre, dispatcher, handler, leader, sysadmin, secadmin, auditor
        #[arg(long = "role", required = true, value_delimiter = ',')]
        roles: Vec<String>,
        /// 所属地区代码（如 411600）/ region code
        #[arg(long)]
        region: Option<String>,
        /// 所属承办单位编号 / unit id (handlers)
        #[arg(long)]
        unit_id: Option<i64>,
        /// 所属企业编号 / enterprise id (enterprise users)
        #[arg(long)]
        enterprise_id: Option<i64>,
        /// 从标准输入读取密码，而不是生成 / read the password from standard input instead of generating one
        #[arg(long)]
        password_stdin: bool,
    },
    /// 重置密码（打印新的一次性密码，首次登录须修改）/ reset a password
    Passwd {
        #[command(flatten)]
        db: DbArg,
        username: String,
        /// 从标准输入读取新密码 / read the new password from standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// 设置角色（替换原有角色）/ replace a user's roles
    Roles {
        #[command(flatten)]
        db: DbArg,
        username: String,
        /// 新角色，逗号分隔 / the new roles, comma-separated
        #[arg(long = "set", required = true, value_delimiter = ',')]
        roles: Vec<String>,
    },
    /// 查看用户 / show a user
    Show {
        #[command(flatten)]
        db: DbArg,
        username: String,
    },
    /// 接口令牌：为用户新建（只显示一次）、列出、吊销 / API tokens: add (shown once), list, revoke
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// 新建令牌，打印一次 / make a token and print it once
    Add {
        #[command(flatten)]
        db: DbArg,
        username: String,
        /// 用途，如「12345热线对接」/ what it is for
        #[arg(long, default_value = "接口调用")]
        name: String,
    },
    /// 列出用户的令牌 / list a user's tokens
    List {
        #[command(flatten)]
        db: DbArg,
        username: String,
    },
    /// 吊销令牌 / revoke a token
    Revoke {
        #[command(flatten)]
        db: DbArg,
        /// 令牌编号（见 list）/ the token's number
        id: i64,
    },
}

async fn token(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Add { db, username, name } => {
            let store = open(&db.db).await?;
            let user = store.user_by_name(&username).await?;
            let secret = zhuqi_auth::new_secret("zq_");
            let id = store.create_token(Origin::cli(), user.id, &name, zhuqi_store::hash_secret(&secret)).await?;
            println!("已为 {username} 新建令牌 {id}（{name}）/ token {id} made for {username}");
            println!("令牌（只显示这一次）/ the token, shown once: {secret}");
            println!("调用时加请求头 / send it as: Authorization: Bearer {secret}");
            store.close().await;
        }
        TokenCommand::List { db, username } => {
            let store = open(&db.db).await?;
            let user = store.user_by_name(&username).await?;
            for t in store.tokens(user.id).await? {
                let state =
                    t.revoked_at.map_or_else(|| "有效 / active".to_owned(), |at| format!("已吊销 / revoked {at}"));
                println!("{:>6}  {}  {}  {state}", t.id, t.created_at, t.name);
            }
            store.close().await;
        }
        TokenCommand::Revoke { db, id } => {
            let store = open(&db.db).await?;
            store.revoke_token(Origin::cli(), id, None).await?;
            println!("令牌 {id} 已吊销 / token {id} revoked");
            store.close().await;
        }
    }
    Ok(())
}

fn parse_roles(names: &[String]) -> anyhow::Result<Vec<Role>> {
    let mut roles: Vec<Role> = names
        .iter()
        .map(|n| Role::parse(n.trim()).with_context(|| format!("未知角色 / unknown role «{}»", n.trim())))
        .collect::<anyhow::Result<_>>()?;
    roles.sort();
    roles.dedup();
    zhuqi_domain::check_roles(&roles).map_err(anyhow::Error::msg)?;
    Ok(roles)
}

/// The password to set and whether it was generated (and so must be shown, once).
fn new_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((password::generate(), true));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("无法读取标准输入 / cannot read standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    password::check_rules(&password).map_err(anyhow::Error::msg)?;
    Ok((password, false))
}

fn hash(password: &str) -> anyhow::Result<String> {
    password::hash_with_salt(password, &rand::rng().random())
}

fn labels(roles: &[Role]) -> String {
    roles.iter().map(|r| format!("{}({r})", r.label())).collect::<Vec<_>>().join("、")
}

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { db, username, name, roles, region, unit_id, enterprise_id, password_stdin } => {
            let roles = parse_roles(&roles)?;
            let region = region.map(|r| RegionCode::parse(&r)).transpose()?;
            let (password, generated) = new_password(password_stdin)?;
            let store = open(&db.db).await?;
            let user = NewUser {
                username: username.trim().to_owned(),
                display_name: name,
                password_hash: Some(hash(&password)?),
                must_change_password: true,
                region,
                unit_id,
                enterprise_id,
                phone: None,
                roles: roles.clone(),
                created_at: jiff::Timestamp::now(),
            };
            store.add_user(Origin::cli(), user).await?;
            println!("已新建用户 {} / user added, 角色 / roles: {}", username.trim(), labels(&roles));
            if generated {
                println!("初始密码（只显示这一次，首次登录须修改）/ initial password, shown once: {password}");
            }
            store.close().await;
        }
        UserCommand::Passwd { db, username, password_stdin } => {
            let (password, generated) = new_password(password_stdin)?;
            let store = open(&db.db).await?;
            let user = store.user_by_name(&username).await?;
            let hashed = hash(&password)?;
            store.reset_password(Origin::cli(), user.id, hashed).await?;
            println!(
                "已重置 {username} 的密码，下次登录须修改 / password reset; it must be changed at the next sign-in"
            );
            if generated {
                println!("新密码（只显示这一次）/ new password, shown once: {password}");
            }
            store.close().await;
        }
        UserCommand::Roles { db, username, roles } => {
            let roles = parse_roles(&roles)?;
            let store = open(&db.db).await?;
            let user = store.user_by_name(&username).await?;
            store.set_user_roles(Origin::cli(), user.id, roles.clone()).await?;
            println!("{username} 的角色已设为 / roles set to: {}", labels(&roles));
            store.close().await;
        }
        UserCommand::Token { command } => token(command).await?,
        UserCommand::Show { db, username } => {
            let store = open(&db.db).await?;
            let u = store.user_by_name(&username).await?;
            println!("用户 {}（{}）编号 {}", u.username, u.display_name, u.id);
            println!("  角色 / roles: {}", labels(&u.roles));
            println!(
                "  地区 {}  单位 {}  企业 {}",
                u.region_code.as_deref().unwrap_or("—"),
                opt(u.unit_id),
                opt(u.enterprise_id)
            );
            let state = match (u.has_password, u.must_change_password) {
                (false, _) => "未设密码，不能登录 / no password: cannot sign in",
                (true, true) => "首次登录须修改密码 / must change the password at the next sign-in",
                (true, false) => "正常 / active",
            };
            println!("  状态 / state: {state}");
            store.close().await;
        }
    }
    Ok(())
}

fn opt(v: Option<i64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_generated_password_never_starts_with_a_symbol() {
        for _ in 0..2000 {
            let p = super::password::generate();
            assert!(p.starts_with(|c: char| c.is_ascii_alphanumeric()) && p.len() == 14, "{p}");
        }
    }
}
