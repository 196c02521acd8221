//! Seals on the audit chains (issue 14): a hash chain shows any edit — unless whoever edited also recomputed every
//! hash after it, which anyone with write access to the database can. So every few minutes the server appends a seal:
//! the head `(seq, hash)` of every chain, with an HMAC made with a key kept outside the database. Rewriting a sealed
//! record now changes the hash a later seal names, and a new seal cannot be made without the key; `verify` with the key
//! says so. A seal is made while no chain can grow (it holds every chain's lock), so every record numbered before it
//! is in a chain it names: a chain slipped in behind the program's back is named by no seal.
//!
//! Purging (records older than the retention, SPEC §9: at least six months) deletes the log's start and appends a
//! sealed record of where each kept chain now begins, so that a start cut off any other way is still caught. The
//! database itself refuses to delete a record younger than `AUDIT_RETENTION_DAYS` (migration 0019).

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zhuqi_domain::time::to_micros;

use crate::db::{Tx, params};
use crate::{Origin, Result, Store, StoreError};

/// The fewest days an audit record is kept: six calendar months are at most 184 days.
pub const AUDIT_RETENTION_DAYS: i64 = 184;

/// The action of a seal record, and of a purge's record.
pub const SEAL_ACTION: &str = "audit.seal";
pub const PURGE_ACTION: &str = "audit.purge";

/// The secret that seals the chains; at least 32 bytes.
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
    fn mac(&self, what: &str, says: &str) -> String {
        // A key of any length is valid for HMAC: new_from_slice cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(format!("zhuqi-audit|{what}|{says}").as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The last record of one chain, as a seal or a purge names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Head {
    pub chain: i64,
    pub seq: i64,
    pub hash: String,
}

/// What a seal or a purge record carries in `after`: the head of every chain, with the key's MAC.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub heads: Vec<Head>,
    pub mac: String,
    /// Written before the log had chains, as `{seq, hash, mac}` (chain 0): its MAC is over that one head.
    #[serde(skip)]
    one_chain: bool,
}

#[derive(Deserialize)]
struct OneChainStamp {
    seq: i64,
    hash: String,
    mac: String,
}

impl Stamp {
    fn new(key: &AuditKey, what: &str, heads: Vec<Head>) -> Stamp {
        let mut stamp = Stamp { heads, mac: String::new(), one_chain: false };
        stamp.mac = key.mac(what, &stamp.says());
        stamp
    }

    pub(crate) fn parse(after: Option<&str>) -> Option<Stamp> {
        let after = after?;
        serde_json::from_str(after).ok().or_else(|| {
            let old: OneChainStamp = serde_json::from_str(after).ok()?;
            Some(Stamp { heads: vec![Head { chain: 0, seq: old.seq, hash: old.hash }], mac: old.mac, one_chain: true })
        })
    }

    /// The text the MAC is made over.
    fn says(&self) -> String {
        match (self.one_chain, self.heads.as_slice()) {
            (true, [head]) => format!("{}|{}", head.seq, head.hash),
            _ => self.heads.iter().map(|h| format!("{}:{}:{}", h.chain, h.seq, h.hash)).collect::<Vec<_>>().join("|"),
        }
    }

    pub(crate) fn made_with(&self, key: &AuditKey, what: &str) -> bool {
        key.mac(what, &self.says()) == self.mac
    }

    /// The newest record named (0: none).
    pub(crate) fn last_seq(&self) -> i64 {
        self.heads.iter().map(|h| h.seq).max().unwrap_or(0)
    }

    /// The hash that chain `chain`'s next record links to, if this stamp names the chain.
    pub(crate) fn hash_of(&self, chain: i64) -> Option<&str> {
        self.heads.iter().find(|h| h.chain == chain).map(|h| h.hash.as_str())
    }
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub records: i64,
    /// The last record removed; the kept chains start after it.
    pub through_seq: i64,
}

impl Store {
    /// Seals the head of every chain with `key`, unless the newest record is a seal already (nothing new to seal).
    /// The newest record sealed, if a seal was added.
    pub async fn seal_audit(&self, key: &AuditKey, origin: Origin) -> Result<Option<i64>> {
        let key = key.clone();
        self.transaction(origin, move |w| {
            let newest = w.tx.query_opt("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1", &[])?;
            if newest.map(|r| r.text(0)).transpose()?.is_none_or(|action| action == SEAL_ACTION) {
                return Ok(None);
            }
            crate::audit::hold_every_chain(&mut w.tx)?;
            let mut heads = Vec::new();
            for chain in 0..crate::audit::chains(&w.tx) {
                if let Some(row) = w.tx.query_opt(
                    "SELECT seq, hash FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1",
                    params![chain],
                )? {
                    heads.push(Head { chain, seq: row.int(0)?, hash: row.text(1)? });
                }
            }
            let stamp = Stamp::new(&key, "seal", heads);
            let last = stamp.last_seq();
            w.audit(SEAL_ACTION, format!("audit:{last}"), None, crate::audit::json(&stamp));
            Ok(Some(last))
        })
        .await
    }

    /// Deletes the audit records written before `before`, which must be at least `AUDIT_RETENTION_DAYS` ago, and
    /// records where each kept chain starts, sealed with `key`.
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
            let cut = w.tx.query_one("SELECT MAX(seq) FROM audit_log WHERE at < $1", params![to_micros(before)])?;
            let Some(cut) = cut.opt_int(0)? else {
                return Err(StoreError::Invalid("该日期之前没有审计记录 / no audit record before that day".into()));
            };
            // Each chain's last record removed; a chain that loses none starts where the last purge said.
            let mut heads = last_purge(&mut w.tx)?.and_then(|(_, stamp)| stamp).map(|s| s.heads).unwrap_or_default();
            for chain in 0..crate::audit::chains(&w.tx) {
                if let Some(row) = w.tx.query_opt(
                    "SELECT seq, hash FROM audit_log WHERE chain = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1",
                    params![chain, cut],
                )? {
                    heads.retain(|h| h.chain != chain);
                    heads.push(Head { chain, seq: row.int(0)?, hash: row.text(1)? });
                }
            }
            heads.sort_by_key(|h| h.chain);
            let records = w.tx.execute("DELETE FROM audit_log WHERE seq <= $1", params![cut])? as i64;
            let stamp = Stamp::new(&key, "purge", heads);
            w.audit(PURGE_ACTION, format!("audit:{cut}"), None, crate::audit::json(&stamp));
            Ok(Purged { records, through_seq: cut })
        })
        .await
    }
}

/// The newest purge record's number and what it says (`None` for what cannot be read: `verify` says so).
pub(crate) fn last_purge(tx: &mut Tx<'_>) -> Result<Option<(i64, Option<Stamp>)>> {
    let row = tx.query_opt(
        "SELECT seq, after FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1",
        params![PURGE_ACTION],
    )?;
    row.map(|row| Ok((row.int(0)?, Stamp::parse(row.opt_text(1)?.as_deref())))).transpose()
}
