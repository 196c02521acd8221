//! Who is asking (SPEC §9): sign-in with lockout, sessions that expire when idle, API tokens, password changes.
//!
//! Secrets (session cookies, API tokens) are random strings made by the caller; only their SHA-256 is stored. Password
//! hashes are argon2id strings made and checked by the caller too, outside any transaction: checking one takes tens of
//! milliseconds, and the single SQLite writer must not wait for it.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sha2::{Digest, Sha256};
use zhuqi_domain::time::{from_micros, to_micros};
use zhuqi_domain::{RegionCode, Role};

use crate::db::{Row, Tx, params};
use crate::{Origin, Result, SecondFactor, Store, StoreError, audit};

/// Failed sign-ins in a row after which an account is locked…
pub const MAX_FAILED_SIGN_INS: i64 = 5;
/// …for this long.
pub const LOCKOUT: SignedDuration = SignedDuration::from_mins(15);
/// Failed sign-ins from one address within `ADDRESS_WINDOW` after which that address waits (issue 14, finding 5: a
/// tool tried 5,662 passwords in 4.5 minutes across accounts). Generous enough for an office behind one address.
pub const MAX_FAILED_FROM_ADDRESS: i64 = 50;
/// …counted over this window; the address may try again once its oldest counted failure has left it.
pub const ADDRESS_WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// A new password may not be any of the user's last this many (its current one included).
pub const PASSWORD_HISTORY: i64 = 5;
/// A session not used for this long is over.
pub const SESSION_IDLE: SignedDuration = SignedDuration::from_mins(30);
/// However busy, a session is over this long after its sign-in (issue 14: an absolute cap, SPEC §9).
pub const SESSION_MAX: SignedDuration = SignedDuration::from_hours(8);
/// A session's last use is written at most this often (a write per request would halve what the server can take).
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

/// The stored form of a secret.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A signed-in user with what scopes its reading and acting (SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub region: Option<RegionCode>,
    pub unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub must_change_password: bool,
    /// An administrator without a second factor while the security administrator requires one: may do nothing but
    /// set one up (issue 14).
    pub must_add_second_factor: bool,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Names what this user may read: users with the same view read the same figures, so one computation serves
    /// them all (`Store::memoized`). Leaders and the command office read by their roles and region alone; anyone
    /// with another role reads by who they are (their unit, enterprise or work groups).
    pub fn view(&self) -> String {
        let mut roles: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
        roles.sort_unstable();
        let region = self.region.as_ref().map_or("", |r| r.as_str());
        if self.roles.iter().all(|r| matches!(r, Role::Leader | Role::Dispatcher)) {
            format!("{}@{region}", roles.join(","))
        } else {
            format!("{}@{region}#{}", roles.join(","), self.user_id)
        }
    }

    /// The origin of this user's writes from `source` (the client's address).
    pub fn origin(&self, source: &str) -> Origin {
        let roles: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
        Origin {
            user_id: Some(self.user_id),
            actor: self.username.clone(),
            roles: roles.join(","),
            source: source.to_owned(),
        }
    }
}

/// A user and its roles, in one read (every request reads them: a token's, a session's).
const PRINCIPAL_COLUMNS: &str = "u.id, u.username, u.display_name, u.region_code, u.unit_id, u.enterprise_id, \
     u.must_change_password, CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END, \
     (SELECT string_agg(r.role, ',') FROM user_roles r WHERE r.user_id = u.id)";
/// The columns after `PRINCIPAL_COLUMNS` start at this index.
const AFTER_PRINCIPAL: usize = 9;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// Reads the user of `row` (laid out as `PRINCIPAL_COLUMNS`) and its roles.
fn principal(tx: &mut Tx<'_>, row: &Row) -> Result<Principal> {
    let user_id = row.int(0)?;
    let mut names: Vec<String> =
        row.opt_text(8)?.map(|r| r.split(',').map(str::to_owned).collect()).unwrap_or_default();
    names.sort();
    let roles: Vec<Role> = names
        .into_iter()
        .map(|name| Role::parse(&name).ok_or_else(|| corrupt("user_roles.role", name)))
        .collect::<Result<_>>()?;
    let second_factor = row.int(7)? != 0;
    let must_add_second_factor = !second_factor
        && roles.iter().any(|r| r.is_admin())
        && crate::security::settings(tx)?.admins_need_second_factor;
    Ok(Principal {
        user_id,
        username: row.text(1)?,
        display_name: row.text(2)?,
        roles,
        region: row.opt_text(3)?.map(|c| RegionCode::parse(&c)).transpose().map_err(|e| corrupt("region", e))?,
        unit_id: row.opt_int(4)?,
        enterprise_id: row.opt_int(5)?,
        must_change_password: row.int(6)? != 0,
        must_add_second_factor,
    })
}

pub(crate) fn principal_by_id(tx: &mut Tx<'_>, user_id: i64) -> Result<Principal> {
    let row = tx
        .query_opt(&format!("SELECT {PRINCIPAL_COLUMNS} FROM users u WHERE u.id = $1"), params![user_id])?
        .ok_or(StoreError::NotFound("用户"))?;
    principal(tx, &row)
}

/// What a sign-in needs to decide, read before the password is checked.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: Option<String>,
    pub locked_until: Option<Timestamp>,
    /// The TOTP secret when the user has a second factor: a sign-in needs a code too.
    pub totp_secret: Option<String>,
}

/// Why a sign-in was refused, as recorded in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFailure {
    UnknownUser,
    WrongPassword,
    /// The password was right; the second factor was missing, wrong or already used. Counts towards the lockout.
    WrongCode,
    Locked,
    NoPassword,
}

impl SignInFailure {
    fn as_str(self) -> &'static str {
        match self {
            SignInFailure::UnknownUser => "unknown_user",
            SignInFailure::WrongPassword => "wrong_password",
            SignInFailure::WrongCode => "wrong_second_factor",
            SignInFailure::Locked => "locked",
            SignInFailure::NoPassword => "no_password",
        }
    }
}

/// An API token as its owner sees it (never the secret, which is shown once when made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

fn anonymous(username: &str, source: &str) -> Origin {
    Origin { user_id: None, actor: username.to_owned(), roles: String::new(), source: source.to_owned() }
}

impl Store {
    pub async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        let username = username.trim().to_owned();
        self.read(move |tx| {
            tx.query_opt(
                "SELECT id, password_hash, locked_until, totp_secret FROM users WHERE username = $1",
                params![username],
            )?
            .map(|row| {
                Ok(Credentials {
                    user_id: row.int(0)?,
                    password_hash: row.opt_text(1)?,
                    locked_until: row.opt_int(2)?.and_then(from_micros),
                    totp_secret: row.opt_text(3)?,
                })
            })
            .transpose()
        })
        .await
    }

    /// Records a refused sign-in; the fifth in a row locks the account for `LOCKOUT`. Returns until when it is locked.
    pub async fn record_failed_sign_in(
        &self,
        username: &str,
        user_id: Option<i64>,
        why: SignInFailure,
        now: Timestamp,
        source: &str,
    ) -> Result<Option<Timestamp>> {
        let origin = Origin { user_id, ..anonymous(username, source) };
        let object = user_id.map_or_else(|| format!("username:{username}"), |id| format!("user:{id}"));
        self.transaction(origin, move |w| {
            let mut locked = None;
            if let (Some(id), SignInFailure::WrongPassword | SignInFailure::WrongCode) = (user_id, why) {
                let until = to_micros(now + LOCKOUT);
                // A lock that has run out starts the count again.
                let row = w.tx.query_one(
                    "UPDATE users SET \
                     failed_logins = (CASE WHEN locked_until <= $1 THEN 0 ELSE failed_logins END) + 1, \
                     locked_until = CASE WHEN (CASE WHEN locked_until <= $1 THEN 0 ELSE failed_logins END) + 1 >= $2 \
                                    THEN CAST($3 AS BIGINT) ELSE NULL END \
                     WHERE id = $4 RETURNING failed_logins, locked_until",
                    params![to_micros(now), MAX_FAILED_SIGN_INS, until, id],
                )?;
                locked = row.opt_int(1)?.and_then(from_micros).filter(|t| *t > now);
                let after = json!({"reason": why.as_str(), "failed_in_a_row": row.int(0)?, "locked_until": locked});
                w.audit("auth.sign_in_failed", object, None, audit::json(&after));
            } else {
                w.audit("auth.sign_in_failed", object, None, audit::json(&json!({"reason": why.as_str()})));
            }
            Ok(locked)
        })
        .await
    }

    /// How long `source` must wait before it may try to sign in again: `None` while it has failed fewer than
    /// `MAX_FAILED_FROM_ADDRESS` times within `ADDRESS_WINDOW`. Read from the audit log, so every instance of a
    /// province agrees.
    pub async fn sign_in_wait(&self, source: &str, now: Timestamp) -> Result<Option<SignedDuration>> {
        let source = source.to_owned();
        self.read(move |tx| {
            let since = to_micros(now - ADDRESS_WINDOW);
            // The MAX-th latest failure within the window, if there is one: the wait ends when it leaves the window.
            let row = tx.query_opt(
                "SELECT at FROM audit_log WHERE source = $1 AND action = 'auth.sign_in_failed' AND at > $2 \
                 ORDER BY at DESC LIMIT 1 OFFSET $3",
                params![source.as_str(), since, MAX_FAILED_FROM_ADDRESS - 1],
            )?;
            let Some(at) = row.map(|r| r.int(0)).transpose()?.and_then(from_micros) else { return Ok(None) };
            let wait = (at + ADDRESS_WINDOW).duration_since(now);
            Ok((wait > SignedDuration::ZERO).then_some(wait))
        })
        .await
    }

    /// Records a good sign-in: spends the second factor if one was needed, clears the failure count, expires a
    /// password past its lifetime and opens a session under `session_hash`. `None` when the second factor had been
    /// used already (a replayed code): nothing is written then.
    pub async fn record_sign_in(
        &self,
        user_id: i64,
        factor: Option<SecondFactor>,
        session_hash: String,
        now: Timestamp,
        source: &str,
    ) -> Result<Option<Principal>> {
        let source = source.to_owned();
        self.transaction(Origin::system(&source), move |w| {
            if let Some(factor) = &factor
                && !crate::security::spend(&mut w.tx, user_id, factor)?
            {
                return Ok(None);
            }
            if crate::security::expire_password(&mut w.tx, user_id, now)? {
                w.audit("auth.password_expired", format!("user:{user_id}"), None, None);
            }
            let p = principal_by_id(&mut w.tx, user_id)?;
            w.act_as(p.origin(&source));
            w.tx.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", params![user_id])?;
            // Sessions past their time are of no use to anyone: clear them out while we are here.
            w.tx.execute(
                "DELETE FROM sessions WHERE user_id = $1 AND (last_seen_at < $2 OR created_at < $3)",
                params![user_id, to_micros(now - SESSION_IDLE), to_micros(now - SESSION_MAX)],
            )?;
            w.tx.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
                params![session_hash, user_id, to_micros(now)],
            )?;
            let how = match &factor {
                None => None,
                Some(SecondFactor::Step(_)) => audit::json(&json!({"second_factor": "totp"})),
                Some(SecondFactor::Recovery(_)) => audit::json(&json!({"second_factor": "recovery_code"})),
            };
            w.audit("auth.sign_in", format!("user:{user_id}"), None, how);
            Ok(Some(p))
        })
        .await
    }

    /// The user of a session that has been used within `SESSION_IDLE` and began within `SESSION_MAX`; marks it
    /// used.
    pub async fn session_principal(&self, session_hash: &str, now: Timestamp) -> Result<Option<Principal>> {
        let hash = session_hash.to_owned();
        let found = self
            .read(move |tx| {
                let Some(row) = tx.query_opt(
                    &format!(
                        "SELECT {PRINCIPAL_COLUMNS}, s.last_seen_at, s.created_at FROM sessions s \
                         JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
                    ),
                    params![hash],
                )?
                else {
                    return Ok(None);
                };
                Ok(Some((principal(tx, &row)?, row.int(AFTER_PRINCIPAL)?, row.int(AFTER_PRINCIPAL + 1)?)))
            })
            .await?;
        let Some((p, last_seen, began)) = found else { return Ok(None) };
        let at = |micros| from_micros(micros).unwrap_or(Timestamp::UNIX_EPOCH);
        if now - SESSION_IDLE > at(last_seen) || now - SESSION_MAX > at(began) {
            return Ok(None);
        }
        let last_seen = at(last_seen);
        if now - TOUCH_EVERY > last_seen {
            let hash = session_hash.to_owned();
            // Not an act of the user's: no audit record for keeping a session alive.
            self.transaction(Origin::system("session"), move |w| {
                w.tx.execute(
                    "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
                    params![to_micros(now), hash],
                )
            })
            .await?;
        }
        Ok(Some(p))
    }

    pub async fn sign_out(&self, p: &Principal, session_hash: &str, source: &str) -> Result<()> {
        let (hash, user_id) = (session_hash.to_owned(), p.user_id);
        self.transaction(p.origin(source), move |w| {
            w.tx.execute("DELETE FROM sessions WHERE token_hash = $1", params![hash])?;
            w.audit("auth.sign_out", format!("user:{user_id}"), None, None);
            Ok(())
        })
        .await
    }

    /// The hashes of the user's current password and of those before it, up to `PASSWORD_HISTORY` in all: a new
    /// password must match none of them.
    pub async fn recent_password_hashes(&self, user_id: i64) -> Result<Vec<String>> {
        self.read(move |tx| {
            let mut hashes: Vec<String> = tx
                .query("SELECT password_hash FROM users WHERE id = $1 AND password_hash IS NOT NULL", params![user_id])?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<_>>()?;
            let older = tx.query(
                "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY replaced_at DESC LIMIT $2",
                params![user_id, PASSWORD_HISTORY - 1],
            )?;
            for row in older {
                hashes.push(row.text(0)?);
            }
            Ok(hashes)
        })
        .await
    }

    /// The user's own new password (after checking the old one): lifts the forced change and ends the user's other
    /// sessions.
    pub async fn change_own_password(
        &self,
        p: &Principal,
        new_hash: String,
        keep_session: Option<String>,
        source: &str,
    ) -> Result<()> {
        let user_id = p.user_id;
        self.transaction(p.origin(source), move |w| {
            w.set_password(user_id, &new_hash, false)?;
            w.tx.execute(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                params![user_id, keep_session.unwrap_or_default()],
            )?;
            Ok(())
        })
        .await
    }

    /// A new API token for `user_id`, stored as `token_hash`.
    pub async fn create_token(&self, origin: Origin, user_id: i64, name: &str, token_hash: String) -> Result<i64> {
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid("令牌名称须为1至100字 / a token name of 1 to 100 characters".into()));
        }
        self.transaction(origin, move |w| {
            principal_by_id(&mut w.tx, user_id)?;
            let id = w
                .tx
                .query_one(
                    "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    params![user_id, &name, token_hash, to_micros(Timestamp::now())],
                )?
                .int(0)?;
            w.audit("token.create", format!("token:{id}"), None, audit::json(&json!({"user_id": user_id, "name": name})));
            Ok(id)
        })
        .await
    }

    /// Revokes a token of `owner` (or of anyone, when `owner` is `None`: the security administrator).
    pub async fn revoke_token(&self, origin: Origin, token_id: i64, owner: Option<i64>) -> Result<()> {
        self.transaction(origin, move |w| {
            let changed = w.tx.execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND ($3 = 0 OR user_id = $3)",
                params![to_micros(Timestamp::now()), token_id, owner.unwrap_or(0)],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound("有效的令牌"));
            }
            w.audit("token.revoke", format!("token:{token_id}"), None, None);
            Ok(())
        })
        .await
    }

    pub async fn tokens(&self, user_id: i64) -> Result<Vec<TokenInfo>> {
        self.read(move |tx| {
            tx.query(
                "SELECT id, user_id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id",
                params![user_id],
            )?
            .iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.int(0)?,
                    user_id: r.int(1)?,
                    name: r.text(2)?,
                    created_at: from_micros(r.int(3)?).unwrap_or(Timestamp::UNIX_EPOCH),
                    revoked_at: r.opt_int(4)?.and_then(from_micros),
                })
            })
            .collect()
        })
        .await
    }

    /// The user of a token that has not been revoked.
    pub async fn token_principal(&self, token_hash: &str) -> Result<Option<Principal>> {
        let hash = token_hash.to_owned();
        self.read(move |tx| {
            let row = tx.query_opt(
                &format!(
                    "SELECT {PRINCIPAL_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
                ),
                params![hash],
            )?;
            row.map(|row| principal(tx, &row)).transpose()
        })
        .await
    }

    pub async fn principal(&self, user_id: i64) -> Result<Principal> {
        self.read(move |tx| principal_by_id(tx, user_id)).await
    }
}
