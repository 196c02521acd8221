//! The audit log (SPEC §9): every write, sign-in, failed sign-in, sign-out and permission change, with who, when, from
//! where, on what, and the record before and after.
//!
//! Entries are gathered by the `Writer` while a transaction runs and appended when it commits, in the same
//! transaction: an act and its audit record are stored together or not at all. Each row carries the SHA-256 of its
//! own fields and of the row before it in its chain (a hash chain), so `verify` finds the first row that was changed,
//! removed or slipped in behind the program's back. The database refuses UPDATE and DELETE on the table (triggers);
//! nothing in zhuqi offers to edit it.
//!
//! On PostgreSQL the log is up to `CHAINS` chains (migration 0030): a transaction appends to the first chain no other
//! is appending to, so that the writes of a province do not queue behind one lock. SQLite, with one writer, has one.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};
use zhuqi_domain::time::to_micros;

use crate::db::{Row, Tx, params};
use crate::scope::{PageSlice, bind};
use crate::seal::{AuditKey, SEAL_ACTION, Stamp};
use crate::{Result, Store, Writer};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who is writing, and from where: set once per transaction and copied into each audit record it produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub user_id: Option<i64>,
    /// The user's name, or what the program calls itself (`系统`, `命令行`).
    pub actor: String,
    /// The roles the actor acted in, comma-separated.
    pub roles: String,
    /// The client's IP address, `cli` or `scheduler`.
    pub source: String,
}

impl Origin {
    /// The program itself: the escalation sweep, the demo.
    pub fn system(source: &str) -> Self {
        Origin { user_id: None, actor: "系统".into(), roles: "system".into(), source: source.into() }
    }

    /// An operator at the server's command line (who has the database file, hence every right).
    pub fn cli() -> Self {
        let who = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        Origin { user_id: None, actor: format!("命令行:{who}"), roles: "system".into(), source: "cli".into() }
    }
}

/// One audit record before it is chained.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    origin: Origin,
    action: String,
    object: String,
    before: Option<String>,
    after: Option<String>,
}

/// Which audit records a search finds: every condition given narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// The actor's user name, exactly.
    pub actor: Option<String>,
    /// The action code, exactly (`appeal.assign`).
    pub action: Option<String>,
    /// `kind:id` for one object (`appeal:12`), `kind` for every object of a kind.
    pub object: Option<String>,
    /// From this moment (stored micros), inclusive.
    pub from: Option<i64>,
    /// Before this moment (stored micros).
    pub to: Option<i64>,
}

/// A stored audit record, as the auditor reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    /// The record's place in the log: numbers grow with time, and may skip one a failed commit took (PostgreSQL).
    pub seq: i64,
    /// Microseconds since 1970-01-01 UTC.
    pub at: i64,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub actor_role: String,
    pub source: String,
    pub action: String,
    pub object: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The hash of the record before it in its chain.
    pub prev_hash: String,
    pub hash: String,
    pub chain: i64,
}

impl AuditRecord {
    fn from_row(row: &Row) -> Result<Self> {
        Ok(AuditRecord {
            seq: row.int(0)?,
            at: row.int(1)?,
            actor_user_id: row.opt_int(2)?,
            actor: row.text(3)?,
            actor_role: row.text(4)?,
            source: row.text(5)?,
            action: row.text(6)?,
            object: row.text(7)?,
            before: row.opt_text(8)?,
            after: row.opt_text(9)?,
            prev_hash: row.text(10)?,
            hash: row.text(11)?,
            chain: row.int(12)?,
        })
    }

    /// The hash this record must carry: SHA-256 over its fields and the previous hash, as a JSON array (unambiguous
    /// however the texts are made).
    fn expected_hash(&self) -> String {
        chain_hash(
            self.seq,
            self.at,
            self.actor_user_id,
            [&self.actor, &self.actor_role, &self.source, &self.action, &self.object],
            [&self.before, &self.after],
            &self.prev_hash,
        )
    }
}

fn chain_hash(
    seq: i64,
    at: i64,
    user_id: Option<i64>,
    texts: [&String; 5],
    change: [&Option<String>; 2],
    prev: &str,
) -> String {
    let canonical = serde_json::json!([seq, at, user_id, texts, change, prev]).to_string();
    Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

const COLUMNS: &str =
    "seq, at, actor_user_id, actor, actor_role, source, action, object, before, after, prev_hash, hash, chain";

/// The chains of a PostgreSQL log: more than the transactions that commit at one moment on a server of a few cores.
const CHAINS: i64 = 16;
/// The advisory lock of chain `c` is (AUDIT_LOCK, c).
const AUDIT_LOCK: i64 = 20261121;

/// How many chains the log of this database may have.
pub(crate) fn chains(tx: &Tx<'_>) -> i64 {
    if let Tx::Postgres(_) = tx { CHAINS } else { 1 }
}

/// Holds every chain still until the transaction ends (a seal reads their heads), taking their locks in order: a
/// writer holds one at a time, so no two wait on each other.
pub(crate) fn hold_every_chain(tx: &mut Tx<'_>) -> Result<()> {
    if let Tx::Postgres(_) = tx {
        tx.execute(
            &format!("SELECT pg_advisory_xact_lock({AUDIT_LOCK}, c) FROM generate_series(0, {}) c", CHAINS - 1),
            &[],
        )?;
    }
    Ok(())
}

/// Where a transaction's records go: a chain held until it commits, the hash its first record links to, and the
/// records' numbers.
struct Place {
    chain: i64,
    prev: String,
    seqs: Vec<i64>,
}

impl Place {
    fn take(tx: &mut Tx<'_>, records: usize) -> Result<Place> {
        let n = i64::try_from(records).unwrap_or(i64::MAX);
        let (chain, seqs) = match tx {
            Tx::Postgres(_) => {
                // The first chain free; if every one is taken, this connection's own, waited for. Numbered once it
                // is held: a chain's numbers grow in the order of its records.
                let free = tx.query_opt(
                    &format!(
                        "SELECT c, nextval('audit_log_seq') FROM generate_series(0, {}) c \
                         WHERE pg_try_advisory_xact_lock({AUDIT_LOCK}, c) LIMIT 1",
                        CHAINS - 1
                    ),
                    &[],
                )?;
                let held = match free {
                    Some(row) => row,
                    None => tx.query_one(
                        &format!(
                            "SELECT x.c, nextval('audit_log_seq') FROM (SELECT pg_backend_pid() % {CHAINS} AS c) x, \
                             pg_advisory_xact_lock({AUDIT_LOCK}, x.c)"
                        ),
                        &[],
                    )?,
                };
                let mut seqs = vec![held.int(1)?];
                if n > 1 {
                    let more = tx.query("SELECT nextval('audit_log_seq') FROM generate_series(2, $1)", params![n])?;
                    seqs.extend(more.iter().map(|r| r.int(0)).collect::<Result<Vec<_>>>()?);
                }
                (held.int(0)?, seqs)
            }
            _ => {
                // One writer, one chain: its head is the newest record, and numbers follow one another.
                let head = tx.query_opt("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &[])?;
                let (last, prev) = match head {
                    Some(row) => (row.int(0)?, row.text(1)?),
                    None => (0, GENESIS.to_owned()),
                };
                return Ok(Place { chain: 0, prev, seqs: (last + 1..=last + n).collect() });
            }
        };
        // Read once the chain is held, in a statement of its own: it sees the head its last holder committed.
        let head =
            tx.query_opt("SELECT hash FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1", params![chain])?;
        let prev = match head {
            Some(row) => row.text(0)?,
            // A chain a purge emptied goes on from its last record; a new one starts.
            None => crate::seal::last_purge(tx)?
                .and_then(|(_, stamp)| stamp?.hash_of(chain).map(str::to_owned))
                .unwrap_or_else(|| GENESIS.to_owned()),
        };
        Ok(Place { chain, prev, seqs })
    }
}

/// Any serialisable value as the text kept in `before`/`after`.
pub(crate) fn json(value: &impl Serialize) -> Option<String> {
    serde_json::to_string(value).ok()
}

impl Writer<'_> {
    /// Records that this transaction did `action` to `object`; written when the transaction commits.
    pub(crate) fn audit(&mut self, action: &str, object: String, before: Option<String>, after: Option<String>) {
        self.audit.push(Entry { origin: self.origin.clone(), action: action.to_owned(), object, before, after });
    }

    /// Who the following records name: a sign-in learns who the actor is only once it has found the user.
    pub(crate) fn act_as(&mut self, origin: Origin) {
        self.origin = origin;
    }

    /// Appends the gathered records to a chain (`Place`).
    pub(crate) fn append_audit(&mut self) -> Result<()> {
        if self.audit.is_empty() {
            return Ok(());
        }
        let entries = std::mem::take(&mut self.audit);
        let Place { chain, mut prev, seqs } = Place::take(&mut self.tx, entries.len())?;
        let at = to_micros(Timestamp::now());
        // Many rows to one INSERT on PostgreSQL: a bulk import's thousands of records are a few round trips. SQLite runs
        // in the process: one prepared statement a record is faster there than parsing a long one.
        let per_insert = if let Tx::Postgres(_) = self.tx { AUDIT_ROWS_PER_INSERT } else { 1 };
        let mut rows: Vec<crate::db::Value> = Vec::new();
        let last = entries.len();
        for (i, (e, seq)) in entries.into_iter().zip(seqs).enumerate() {
            let o = e.origin;
            let hash = chain_hash(
                seq,
                at,
                o.user_id,
                [&o.actor, &o.roles, &o.source, &e.action, &e.object],
                [&e.before, &e.after],
                &prev,
            );
            rows.extend_from_slice(params![
                seq, at, o.user_id, o.actor, o.roles, o.source, e.action, e.object, e.before, e.after, prev, &hash,
                chain
            ]);
            prev = hash;
            if rows.len() >= per_insert * AUDIT_COLUMNS || i + 1 == last {
                let values: Vec<String> = (0..rows.len() / AUDIT_COLUMNS)
                    .map(|r| {
                        let p: Vec<String> =
                            (1..=AUDIT_COLUMNS).map(|c| format!("${}", r * AUDIT_COLUMNS + c)).collect();
                        format!("({})", p.join(", "))
                    })
                    .collect();
                self.tx.execute(&format!("INSERT INTO audit_log ({COLUMNS}) VALUES {}", values.join(", ")), &rows)?;
                rows.clear();
            }
        }
        Ok(())
    }
}

/// The columns of one audit record as written, and how many records one INSERT carries on PostgreSQL (well under its
/// limit on parameters).
const AUDIT_COLUMNS: usize = 13;
const AUDIT_ROWS_PER_INSERT: usize = 200;

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerdict {
    /// Every record checked; `head` is the newest one's (seq, hash), worth writing down to check against later.
    Intact {
        records: u64,
        head: Option<(i64, String)>,
        /// Seals met; with the key, each was checked to be made with it.
        seals: u64,
        /// Records after the newest seal (the server seals every few minutes), and when the first of them was written
        /// (microseconds): a long unsealed stretch means the server did not run — or someone removed the seals.
        unsealed: u64,
        unsealed_since: Option<i64>,
        /// The key was given: a chain rewritten with every hash recomputed would have been caught.
        keyed: bool,
        /// The last record a purge removed (0: the chain is whole from its first record).
        purged_through: i64,
    },
    /// The first record that does not fit the chain, and why.
    Broken { seq: i64, reason: String },
}

/// Records read per round trip while verifying.
const VERIFY_CHUNK: i64 = 5_000;
/// Hashes kept at hand for the seals that follow them.
const RECENT_HASHES: usize = 4_096;
const FORGED: &str =
    "印记的密钥校验值不符：印记被伪造或改动，或所给的不是本库的审计密钥 / a seal was not made with this key";

impl Store {
    /// Walks the whole log in order, every chain from where the last purge left it; checks that every seal names
    /// the hash each chain has and every chain written before it, and with `key` that every seal and the purge were
    /// made with it. `progress(done, total)` is called after each chunk.
    pub async fn verify_audit(&self, key: Option<&AuditKey>, progress: impl Fn(u64, u64)) -> Result<AuditVerdict> {
        let total = self.read(|tx| tx.query_one("SELECT COUNT(*) FROM audit_log", &[])?.int(0)).await?;
        let total = u64::try_from(total).unwrap_or(0);
        // Where each chain starts: after the heads the last purge named (a chain it does not name from the genesis).
        let purge = self.read(crate::seal::last_purge).await?;
        let mut start = None;
        if let Some((seq, stamp)) = purge {
            let Some(stamp) = stamp else {
                return Ok(AuditVerdict::Broken {
                    seq, reason: "清理记录无法读取 / unreadable purge record".into()
                });
            };
            if key.is_some_and(|k| !stamp.made_with(k, "purge")) {
                return Ok(AuditVerdict::Broken { seq, reason: FORGED.into() });
            }
            start = Some(stamp);
        }
        let purged_through = start.as_ref().map_or(0, Stamp::last_seq);
        let mut done = 0_u64;
        let (mut seals, mut unsealed, mut unsealed_since) = (0_u64, 0_u64, None);
        // Each chain walked so far, with its last record (seq, hash).
        let mut heads: BTreeMap<i64, (i64, String)> = BTreeMap::new();
        let mut newest: Option<(i64, String)> = None;
        // The hashes just verified, to check the seals that name them without reading them again.
        let mut recent: std::collections::VecDeque<(i64, String)> = std::collections::VecDeque::new();
        // Read from the very first row, whatever its number: a row slipped in before record 1 must be seen too.
        let mut cursor = i64::MIN;
        loop {
            let after = cursor;
            let chunk = self
                .read(move |tx| {
                    tx.query(
                        &format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"),
                        params![after, VERIFY_CHUNK],
                    )?
                    .iter()
                    .map(AuditRecord::from_row)
                    .collect::<Result<Vec<_>>>()
                })
                .await?;
            if chunk.is_empty() {
                break;
            }
            cursor = chunk.last().map_or(cursor, |r| r.seq);
            for r in &chunk {
                let broken = |reason: String| Ok(AuditVerdict::Broken { seq: r.seq, reason });
                // A record removed shows in the link to it from the next of its chain, one slipped in in its own
                // link, a changed one in its own hash.
                let links_to = match heads.get(&r.chain) {
                    Some((_, hash)) => hash.as_str(),
                    None => start.as_ref().and_then(|s| s.hash_of(r.chain)).unwrap_or(GENESIS),
                };
                if r.prev_hash != links_to {
                    return broken(format!(
                        "与第 {} 链中前一条记录的哈希不衔接：前一条被删除、插入或改动 / prev_hash does not match",
                        r.chain
                    ));
                }
                if r.hash != r.expected_hash() {
                    return broken(
                        "记录内容与其哈希不符：本条被改动 / the record's content does not match its hash".into(),
                    );
                }
                if r.action == SEAL_ACTION {
                    let Some(stamp) = Stamp::parse(r.after.as_deref()) else {
                        return broken("印记无法读取 / unreadable seal".into());
                    };
                    if key.is_some_and(|k| !stamp.made_with(k, "seal")) {
                        return broken(FORGED.into());
                    }
                    // Every chain written before the seal is one it names.
                    if let Some((chain, (seq, _))) = heads.iter().find(|(c, _)| stamp.hash_of(**c).is_none()) {
                        return Ok(AuditVerdict::Broken {
                            seq: *seq,
                            reason: format!(
                                "第 {chain} 链不在其后第 {} 条印记之内：该链是在程序之外插入的 / a chain no seal names",
                                r.seq
                            ),
                        });
                    }
                    for head in &stamp.heads {
                        let named = match heads.get(&head.chain) {
                            Some((seq, hash)) if *seq == head.seq => Some(hash.clone()),
                            _ => match recent.iter().rev().find(|(seq, _)| *seq == head.seq) {
                                Some((_, hash)) => Some(hash.clone()),
                                None if head.seq <= purged_through => Some(head.hash.clone()),
                                None => self.audit_hash(head.seq).await?,
                            },
                        };
                        if named.as_deref() != Some(head.hash.as_str()) {
                            return Ok(AuditVerdict::Broken {
                                seq: head.seq,
                                reason: format!(
                                    "与第{}条印记记下的哈希不符：本条或其前的记录被改写，且重算了其后的哈希 / differs \
                                     from the hash sealed by record {}",
                                    r.seq, r.seq
                                ),
                            });
                        }
                    }
                    seals += 1;
                    (unsealed, unsealed_since) = (0, None);
                } else {
                    unsealed += 1;
                    unsealed_since = unsealed_since.or(Some(r.at));
                }
                recent.push_back((r.seq, r.hash.clone()));
                if recent.len() > RECENT_HASHES {
                    recent.pop_front();
                }
                heads.insert(r.chain, (r.seq, r.hash.clone()));
                newest = Some((r.seq, r.hash.clone()));
                done += 1;
            }
            progress(done, total);
        }
        if done != total {
            let next = newest.as_ref().map_or(purged_through, |(seq, _)| *seq) + 1;
            return Ok(AuditVerdict::Broken {
                seq: next,
                reason: format!("记录数 {total} 与链长 {done} 不符 / {total} rows but a chain of {done}"),
            });
        }
        let keyed = key.is_some();
        Ok(AuditVerdict::Intact { records: done, head: newest, seals, unsealed, unsealed_since, keyed, purged_through })
    }

    /// The stored hash of record `seq`.
    async fn audit_hash(&self, seq: i64) -> Result<Option<String>> {
        self.read(move |tx| {
            tx.query_opt("SELECT hash FROM audit_log WHERE seq = $1", params![seq])?.map(|r| r.text(0)).transpose()
        })
        .await
    }

    /// The audit log, newest first, `limit` records before `before_seq` (the auditor's reading).
    /// Page `page` (1-based) of the audit records `filter` finds, newest first, and how many it finds in all. The
    /// last pages are read from the log's start, so that they cost what the first do.
    pub async fn audit_page(
        &self,
        filter: AuditFilter,
        page: usize,
        per_page: usize,
    ) -> Result<(Vec<AuditRecord>, usize)> {
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut conditions = vec!["1 = 1".to_owned()];
            if let Some(actor) = filter.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
                conditions.push(format!("actor = {}", bind(&mut values, actor)));
            }
            if let Some(action) = filter.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
                conditions.push(format!("action = {}", bind(&mut values, action)));
            }
            if let Some(object) = filter.object.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                // `kind:id` is one object; `kind` alone every object of that kind.
                if object.contains(':') {
                    conditions.push(format!("object = {}", bind(&mut values, object)));
                } else {
                    let like = bind(&mut values, format!("{}:%", object.replace(['%', '_', '\\'], "")));
                    conditions.push(format!("object LIKE {like}"));
                }
            }
            if let Some(from) = filter.from {
                conditions.push(format!("at >= {}", bind(&mut values, from)));
            }
            if let Some(to) = filter.to {
                conditions.push(format!("at < {}", bind(&mut values, to)));
            }
            let condition = conditions.join(" AND ");
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM audit_log WHERE {condition}"), &values)?.int(0)?;
            let slice = PageSlice::of(usize::try_from(total).unwrap_or(0), page, per_page);
            let (order, limit, offset) = (slice.order(), bind(&mut values, slice.limit), bind(&mut values, slice.offset));
            let mut rows = tx
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM audit_log WHERE {condition} ORDER BY seq {order} LIMIT {limit} OFFSET {offset}"
                    ),
                    &values,
                )?
                .iter()
                .map(AuditRecord::from_row)
                .collect::<Result<Vec<_>>>()?;
            if slice.from_end {
                rows.reverse();
            }
            Ok((rows, usize::try_from(total).unwrap_or(0)))
        })
        .await
    }

    pub async fn audit_records(&self, before_seq: Option<i64>, limit: i64) -> Result<Vec<AuditRecord>> {
        self.read(move |tx| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2"),
                params![before_seq.unwrap_or(i64::MAX), limit],
            )?
            .iter()
            .map(AuditRecord::from_row)
            .collect()
        })
        .await
    }
}
