//! A policy's attachments (SPEC §8: "the full text, attachments"): the document as issued, its 申报指南, the forms an
//! enterprise fills in. Whoever may change the policy adds and removes them; whoever reads the policy downloads them.
//! Files are checked and hashed as an appeal's are (`crate::attachments`); a removed file is marked, never deleted.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use zhuqi_domain::time::{from_micros, to_micros};

use super::{check_writer, visible_policy};
use crate::access::Principal;
use crate::attachments::{MAX_ATTACHMENTS, NewAttachment, prepare, unreadable};
use crate::db::{Row, Tx, Value, params};
use crate::{Result, Store, StoreError, audit};

/// A policy's file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyFile {
    pub id: i64,
    pub policy_id: i64,
    pub name: String,
    /// Derived from the extension when it was stored.
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub uploaded_at: Timestamp,
    /// The uploader's display name.
    pub uploaded_by: String,
}

const COLUMNS: &str =
    "f.id, f.policy_id, f.name, f.content_type, f.size, f.sha256, f.uploaded_at, COALESCE(u.display_name, '')";
const FROM: &str = "policy_files f LEFT JOIN users u ON u.id = f.uploaded_by";

fn file_from_row(row: &Row) -> Result<PolicyFile> {
    Ok(PolicyFile {
        id: row.int(0)?,
        policy_id: row.int(1)?,
        name: row.text(2)?,
        content_type: row.text(3)?,
        size: row.int(4)?,
        sha256: row.text(5)?,
        uploaded_at: from_micros(row.int(6)?)
            .ok_or_else(|| StoreError::Corrupt("policy_files.uploaded_at: out of range".into()))?,
        uploaded_by: row.text(7)?,
    })
}

fn files_of(tx: &mut Tx<'_>, policy_id: i64) -> Result<Vec<PolicyFile>> {
    tx.query(
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE f.policy_id = $1 AND f.removed_at IS NULL ORDER BY f.id"),
        params![policy_id],
    )?
    .iter()
    .map(file_from_row)
    .collect()
}

/// The policy `p` may see and change: `NotFound` outside its sight, `Forbidden` if not its to change.
fn writable(tx: &mut Tx<'_>, p: &Principal, policy_id: i64) -> Result<()> {
    let policy = visible_policy(tx, p, policy_id)?;
    check_writer(tx, p, &policy.policy)
}

impl Store {
    /// The files of a policy `p` may read, in the order they were added.
    pub async fn policy_files_for(&self, p: &Principal, policy_id: i64) -> Result<Vec<PolicyFile>> {
        let p = p.clone();
        self.read(move |tx| {
            visible_policy(tx, &p, policy_id)?;
            files_of(tx, policy_id)
        })
        .await
    }

    /// One file of a policy `p` may read, with its bytes.
    pub async fn policy_file_for(&self, p: &Principal, policy_id: i64, file_id: i64) -> Result<(PolicyFile, Vec<u8>)> {
        let p = p.clone();
        self.read(move |tx| {
            visible_policy(tx, &p, policy_id)?;
            let mut row = tx
                .query_opt(
                    &format!(
                        "SELECT {COLUMNS}, f.data FROM {FROM} \
                         WHERE f.id = $1 AND f.policy_id = $2 AND f.removed_at IS NULL"
                    ),
                    params![file_id, policy_id],
                )?
                .ok_or(StoreError::NotFound("附件"))?;
            let info = file_from_row(&row)?;
            Ok((info, row.take_bytes(8)?))
        })
        .await
    }

    /// Adds `files` to a policy `p` may change, all or none; a policy carries at most `MAX_ATTACHMENTS`.
    pub async fn attach_to_policy(
        &self,
        p: &Principal,
        source: &str,
        policy_id: i64,
        files: Vec<NewAttachment>,
        at: Timestamp,
    ) -> Result<Vec<PolicyFile>> {
        if files.is_empty() {
            return Err(StoreError::Invalid("请选择要上传的文件 / no file was sent".into()));
        }
        let files = prepare(files).await?;
        let q = p.clone();
        self.transaction(p.origin(source), move |w| {
            writable(&mut w.tx, &q, policy_id)?;
            let already = files_of(&mut w.tx, policy_id)?.len();
            if already + files.len() > MAX_ATTACHMENTS {
                return Err(StoreError::Invalid(format!(
                    "每项政策最多{MAX_ATTACHMENTS}个附件（已有{already}个）/ at most {MAX_ATTACHMENTS} files per policy"
                )));
            }
            let mut ids = Vec::with_capacity(files.len());
            for f in files {
                let size = i64::try_from(f.data.len()).unwrap_or(i64::MAX);
                let after = json!({"policy_id": policy_id, "name": f.name, "size": size, "sha256": f.sha256});
                let values: Vec<Value> = vec![
                    policy_id.into(),
                    f.name.as_str().into(),
                    f.content_type.into(),
                    size.into(),
                    f.sha256.as_str().into(),
                    q.user_id.into(),
                    to_micros(at).into(),
                    f.data.into_vec().map_err(unreadable)?.into(),
                ];
                let id =
                    w.tx.query_one(
                        "INSERT INTO policy_files \
                         (policy_id, name, content_type, size, sha256, uploaded_by, uploaded_at, data) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                        &values,
                    )?
                    .int(0)?;
                w.audit("support_policy.file_add", format!("support_policy_file:{id}"), None, audit::json(&after));
                ids.push(id);
            }
            Ok(files_of(&mut w.tx, policy_id)?.into_iter().filter(|f| ids.contains(&f.id)).collect())
        })
        .await
    }

    /// Takes a file off a policy `p` may change: it is no longer listed nor served, and stays on record.
    pub async fn remove_policy_file(
        &self,
        p: &Principal,
        source: &str,
        policy_id: i64,
        file_id: i64,
        at: Timestamp,
    ) -> Result<()> {
        let q = p.clone();
        self.transaction(p.origin(source), move |w| {
            writable(&mut w.tx, &q, policy_id)?;
            let file = files_of(&mut w.tx, policy_id)?
                .into_iter()
                .find(|f| f.id == file_id)
                .ok_or(StoreError::NotFound("附件"))?;
            w.tx.execute(
                "UPDATE policy_files SET removed_at = $1, removed_by = $2 WHERE id = $3 AND removed_at IS NULL",
                params![to_micros(at), q.user_id, file_id],
            )?;
            let before = json!({"policy_id": policy_id, "name": file.name, "sha256": file.sha256});
            w.audit("support_policy.file_remove", format!("support_policy_file:{file_id}"), audit::json(&before), None);
            Ok(())
        })
        .await
    }
}
