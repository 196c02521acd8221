//! Seals on the audit chain (issue 14): a hash chain shows any edit — unless whoever edited also recomputed every hash
//! after it, which anyone with write access to the database can. So every few minutes the server appends a seal: the
//! chain's head `(seq, hash)` with an HMAC made with a key kept outside the database. Rewriting a sealed record now
//! changes the hash a later seal names, and a new seal cannot be made without the key; `verify` with the key says so.
//!
//! Purging (records older than the retention, SPEC §9: at least six months) deletes the chain's start and appends a
//! sealed record of where the kept chain now begins, so that a start cut off any other way is still caught. The
//! database itself refuses to delete a record younger than `AUDIT_RETENTION_DAYS` (migration 0019).

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zhuqi_domain::time::to_micros;

use crate::db::params;
use crate::{Origin, Result, Store, StoreError};

/// The fewest days an audit record is kept: six calendar months are at most 184 days.
pub const AUDIT_RETENTION_DAYS: i64 = 184;

/// The action of a seal record, and of a purge's record.
pub const SEAL_ACTION: &str = "audit.seal";
pub const PURGE_ACTION: &str = "audit.purge";

/// The secret that seals the chain; at least 32 bytes.
#[derive(Clone)]
pub struct AuditKey(Vec<u8>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    pub fn new(bytes: Vec<u8>) -> std::result::Result<Self, &'static str> {
        if bytes.len() < 32 {
            return Err("审计密钥至少 32 字节 / the audit key needs at least 32 bytes");
        }
        Ok(AuditKey(bytes))
    }

    /// HMAC-SHA256 of what a seal (or a purge) says, hex.
    pub(crate) fn mac(&self, what: &str, seq: i64, hash: &str) -> String {
        // A key of any length is valid for HMAC: new_from_slice cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(format!("zhuqi-audit|{what}|{seq}|{hash}").as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What a seal or a purge record carries in `after`: a record of the chain and its hash, with the key's MAC.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub seq: i64,
    pub hash: String,
    pub mac: String,
}

impl Stamp {
    pub(crate) fn parse(after: Option<&str>) -> Option<Stamp> {
        serde_json::from_str(after?).ok()
    }

    pub(crate) fn made_with(&self, key: &AuditKey, what: &str) -> bool {
        key.mac(what, self.seq, &self.hash) == self.mac
    }
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub records: i64,
    /// The last record removed; the kept chain starts after it.
    pub through_seq: i64,
}

impl Store {
    /// Seals the chain's head with `key`, unless the head is a seal already (nothing new to seal). The sealed
    /// record's number, if a seal was added.
    pub async fn seal_audit(&self, key: &AuditKey, origin: Origin) -> Result<Option<i64>> {
        let key = key.clone();
        self.transaction(origin, move |w| {
            let Some(head) =
                w.tx.query_opt("SELECT seq, hash, action FROM audit_log ORDER BY seq DESC LIMIT 1", &[])?
            else {
                return Ok(None);
            };
            if head.text(2)? == SEAL_ACTION {
                return Ok(None);
            }
            let (seq, hash) = (head.int(0)?, head.text(1)?);
            let stamp = Stamp { mac: key.mac("seal", seq, &hash), seq, hash };
            w.audit(SEAL_ACTION, format!("audit:{seq}"), None, crate::audit::json(&stamp));
            Ok(Some(seq))
        })
        .await
    }

    /// Deletes the audit records written before `before`, which must be at least `AUDIT_RETENTION_DAYS` ago, and
    /// records where the kept chain starts, sealed with `key`.
    pub async fn purge_audit(&self, key: &AuditKey, origin: Origin, before: Timestamp) -> Result<Purged> {
        let limit = Timestamp::now() - jiff::SignedDuration::from_hours(24 * AUDIT_RETENTION_DAYS);
        if before > limit {
            return Err(StoreError::Invalid(format!(
                "审计记录至少保存 6 个月：只能清理 {} 之前的记录 / audit records are kept at least six months",
                limit.strftime("%Y-%m-%d")
            )));
        }
        let key = key.clone();
        self.transaction(origin, move |w| {
            let Some(last) = w.tx.query_opt(
                "SELECT seq, hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log WHERE at < $1)",
                params![to_micros(before)],
            )?
            else {
                return Err(StoreError::Invalid("该日期之前没有审计记录 / no audit record before that day".into()));
            };
            let (seq, hash) = (last.int(0)?, last.text(1)?);
            let records = w.tx.execute("DELETE FROM audit_log WHERE seq <= $1", params![seq])? as i64;
            let stamp = Stamp { mac: key.mac("purge", seq, &hash), seq, hash };
            w.audit(PURGE_ACTION, format!("audit:{seq}"), None, crate::audit::json(&stamp));
            Ok(Purged { records, through_seq: seq })
        })
        .await
    }
}
