//! The security administrator's rules (SPEC §9, issue 14): how long a password lasts, whether the three admin roles
//! must use a second factor; and each user's second factor (a TOTP secret and one-time recovery codes).
//!
//! The codes themselves are computed and checked by the caller (the app knows RFC 6238); the store keeps what makes a
//! code good only once: the last accepted time step, and the recovery codes not yet used (as SHA-256).

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use zhuqi_domain::time::to_micros;

use crate::db::{Tx, params};
use crate::{Origin, Result, Store, StoreError, audit};

/// Days a password lasts unless the security administrator says otherwise (SPEC §9: 90).
pub const DEFAULT_PASSWORD_MAX_AGE_DAYS: i64 = 90;
/// The longest a security administrator may let a password last (a year), so that "never" is a decision (0).
pub const MAX_PASSWORD_MAX_AGE_DAYS: i64 = 366;
/// Recovery codes made at once.
pub const RECOVERY_CODES: usize = 10;

/// The security administrator's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecuritySettings {
    /// Days after which a password must be changed at the next sign-in; 0 = never.
    pub password_max_age_days: i64,
    /// The system, security and audit administrators must sign in with a second factor.
    pub admins_need_second_factor: bool,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings { password_max_age_days: DEFAULT_PASSWORD_MAX_AGE_DAYS, admins_need_second_factor: false }
    }
}

const PASSWORD_MAX_AGE: &str = "password_max_age_days";
const ADMINS_NEED_SECOND_FACTOR: &str = "admins_need_second_factor";

pub(crate) fn settings(tx: &mut Tx<'_>) -> Result<SecuritySettings> {
    let mut s = SecuritySettings::default();
    for row in tx.query("SELECT name, value FROM security_settings", &[])? {
        match row.text(0)?.as_str() {
            PASSWORD_MAX_AGE => s.password_max_age_days = row.int(1)?,
            ADMINS_NEED_SECOND_FACTOR => s.admins_need_second_factor = row.int(1)? != 0,
            _ => {}
        }
    }
    Ok(s)
}

/// A second factor offered at sign-in, as the caller understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// A TOTP code that matched this 30-second step of the user's secret.
    Step(i64),
    /// The SHA-256 of a recovery code.
    Recovery(String),
}

impl Store {
    pub async fn security_settings(&self) -> Result<SecuritySettings> {
        self.read(settings).await
    }

    /// Stores the security administrator's settings; the audit record keeps both versions.
    pub async fn set_security_settings(&self, origin: Origin, new: SecuritySettings) -> Result<SecuritySettings> {
        if !(0..=MAX_PASSWORD_MAX_AGE_DAYS).contains(&new.password_max_age_days) {
            return Err(StoreError::Invalid(format!(
                "密码有效期应为 0（不过期）到 {MAX_PASSWORD_MAX_AGE_DAYS} 天 / the password lifetime is 0 to \
                 {MAX_PASSWORD_MAX_AGE_DAYS} days"
            )));
        }
        self.transaction(origin, move |w| {
            let before = settings(&mut w.tx)?;
            for (name, value) in [
                (PASSWORD_MAX_AGE, new.password_max_age_days),
                (ADMINS_NEED_SECOND_FACTOR, new.admins_need_second_factor as i64),
            ] {
                w.tx.execute("DELETE FROM security_settings WHERE name = $1", params![name])?;
                w.tx.execute("INSERT INTO security_settings (name, value) VALUES ($1, $2)", params![name, value])?;
            }
            if before != new {
                w.audit("security.settings", "security:settings".into(), audit::json(&before), audit::json(&new));
            }
            Ok(new)
        })
        .await
    }

    /// The user's TOTP secret, if a second factor is on.
    pub async fn totp_secret(&self, user_id: i64) -> Result<Option<String>> {
        self.read(move |tx| {
            tx.query_opt("SELECT totp_secret FROM users WHERE id = $1", params![user_id])?
                .map(|r| r.opt_text(0))
                .transpose()
                .map(Option::flatten)
        })
        .await
    }

    /// Turns the second factor on with `secret`, which the user has just proved with a code of `step`; replaces any
    /// recovery codes with `recovery_hashes`. Refused when a second factor is already on (turn it off first).
    pub async fn enable_totp(
        &self,
        origin: Origin,
        user_id: i64,
        secret: String,
        step: i64,
        recovery_hashes: Vec<String>,
    ) -> Result<()> {
        self.transaction(origin, move |w| {
            let changed = w.tx.execute(
                "UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3 AND totp_secret IS NULL",
                params![secret, step, user_id],
            )?;
            if changed == 0 {
                return Err(StoreError::Invalid(
                    "两步验证已启用，如需更换请先停用 / a second factor is already on".into(),
                ));
            }
            keep_recovery_codes(&mut w.tx, user_id, &recovery_hashes)?;
            let after = json!({"second_factor": "totp", "recovery_codes": recovery_hashes.len()});
            w.audit("user.second_factor_on", format!("user:{user_id}"), None, audit::json(&after));
            Ok(())
        })
        .await
    }

    /// Turns the user's second factor off: the user, proving it with a code (`proof`), or a security administrator
    /// for a lost phone (no proof).
    pub async fn disable_totp(&self, origin: Origin, user_id: i64, proof: Option<SecondFactor>) -> Result<()> {
        self.transaction(origin, move |w| {
            if let Some(proof) = &proof
                && !spend(&mut w.tx, user_id, proof)?
            {
                return Err(StoreError::Invalid("动态验证码不正确或已使用过 / wrong or already used code".into()));
            }
            let changed = w.tx.execute(
                "UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1 AND totp_secret IS NOT NULL",
                params![user_id],
            )?;
            if changed == 0 {
                if w.tx.query_opt("SELECT 1 FROM users WHERE id = $1", params![user_id])?.is_none() {
                    return Err(StoreError::NotFound("用户"));
                }
                return Err(StoreError::Invalid("该用户未启用两步验证 / no second factor to turn off".into()));
            }
            w.tx.execute("DELETE FROM recovery_codes WHERE user_id = $1", params![user_id])?;
            w.audit("user.second_factor_off", format!("user:{user_id}"), None, None);
            Ok(())
        })
        .await
    }

    /// Replaces the user's recovery codes (the old ones stop working), proved by a code of the second factor.
    pub async fn replace_recovery_codes(
        &self,
        origin: Origin,
        user_id: i64,
        proof: SecondFactor,
        recovery_hashes: Vec<String>,
    ) -> Result<()> {
        self.transaction(origin, move |w| {
            if !spend(&mut w.tx, user_id, &proof)? {
                return Err(StoreError::Invalid("动态验证码不正确或已使用过 / wrong or already used code".into()));
            }
            keep_recovery_codes(&mut w.tx, user_id, &recovery_hashes)?;
            let after = json!({"recovery_codes": recovery_hashes.len()});
            w.audit("user.recovery_codes", format!("user:{user_id}"), None, audit::json(&after));
            Ok(())
        })
        .await
    }

    /// How many recovery codes the user has left.
    pub async fn recovery_codes_left(&self, user_id: i64) -> Result<i64> {
        self.read(move |tx| {
            tx.query_one("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1", params![user_id])?.int(0)
        })
        .await
    }
}

/// Replaces the user's recovery codes with `hashes`.
fn keep_recovery_codes(tx: &mut Tx<'_>, user_id: i64, hashes: &[String]) -> Result<()> {
    tx.execute("DELETE FROM recovery_codes WHERE user_id = $1", params![user_id])?;
    for hash in hashes {
        tx.execute("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)", params![user_id, hash.as_str()])?;
    }
    Ok(())
}

/// Uses `factor` for `user_id` inside a sign-in: a step must be later than the last one accepted, a recovery code
/// must be unused. False when it was already used — the second of two identical sign-ins loses.
pub(crate) fn spend(tx: &mut Tx<'_>, user_id: i64, factor: &SecondFactor) -> Result<bool> {
    let used = match factor {
        SecondFactor::Step(step) => tx.execute(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_secret IS NOT NULL \
             AND (totp_last_step IS NULL OR totp_last_step < $1)",
            params![*step, user_id],
        )?,
        SecondFactor::Recovery(hash) => tx.execute(
            "DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2",
            params![user_id, hash.as_str()],
        )?,
    };
    Ok(used == 1)
}

/// At sign-in: a password older than the rule allows must be changed now. A password of unknown age (set before
/// passwords expired) starts its count at this sign-in. True when the password has just expired.
pub(crate) fn expire_password(tx: &mut Tx<'_>, user_id: i64, now: Timestamp) -> Result<bool> {
    let max_age = settings(tx)?.password_max_age_days;
    let row =
        tx.query_one("SELECT password_changed_at, must_change_password FROM users WHERE id = $1", params![user_id])?;
    let Some(changed_at) = row.opt_int(0)? else {
        tx.execute("UPDATE users SET password_changed_at = $1 WHERE id = $2", params![to_micros(now), user_id])?;
        return Ok(false);
    };
    let already = row.int(1)? != 0;
    let limit = to_micros(now) - max_age * 86_400_000_000;
    if max_age == 0 || already || changed_at > limit {
        return Ok(false);
    }
    tx.execute("UPDATE users SET must_change_password = 1 WHERE id = $1", params![user_id])?;
    Ok(true)
}
