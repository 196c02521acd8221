//! Attachments of appeals (SPEC §3): the files an enterprise or its cadre sends with a problem (a refused loan's letter,
//! a photo of the broken road). They are stored in the database itself, so that a backup and a restore hold an appeal
//! with its files, and a file is written in the same transaction as what refers to it.
//!
//! A file is checked before any transaction starts (its name, type and size, and its SHA-256 computed), off the async
//! threads: hashing 100 MiB takes a while, and the single SQLite writer must not wait for it.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use zhuqi_domain::time::{from_micros, to_micros};
use zhuqi_domain::{Role, Status};

use crate::access::Principal;
use crate::db::{Row, Tx, Value, params};
use crate::scope::{appeal_role_scope, appeal_scope, holds, visible_appeal};
use crate::{Result, Store, StoreError, Writer, audit};

/// The largest file accepted: 10 MiB.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// The most files one appeal may carry, over all uploads.
pub const MAX_ATTACHMENTS: usize = 10;
/// The longest file name kept, in characters.
pub const MAX_ATTACHMENT_NAME: usize = 100;

/// The file types accepted, by extension (compared without case), and the content type each is served with. Office
/// documents, images, archives and the Chinese formats government offices exchange (OFD 版式文件, WPS 文字/表格).
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("doc", "application/msword"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xls", "application/vnd.ms-excel"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt", "application/vnd.ms-powerpoint"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    // No charset: a text file from a Chinese office is as often GBK as UTF-8, and a wrong label garbles it.
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("zip", "application/zip"),
    ("rar", "application/vnd.rar"),
    ("7z", "application/x-7z-compressed"),
    ("ofd", "application/ofd"),
    // WPS's own formats have no registered type: served as plain bytes, the WPS client opens them by extension.
    ("wps", "application/octet-stream"),
    ("et", "application/octet-stream"),
];

/// A file as the client sent it.
#[derive(Clone)]
pub struct NewAttachment {
    /// The file name as the browser gave it (possibly with a path, which is dropped).
    pub name: String,
    /// What the client claims the type is. Not trusted and not stored: the type is derived from the extension.
    pub content_type: String,
    pub data: FileBytes,
}

/// A file's bytes: in memory (the API's base64, the demo's), or in a temporary file that an upload was streamed into
/// as it arrived (issue 14, finding 7: ten 10 MB files a post, many posts at once, must not sit in memory). A spooled
/// file is hashed in chunks and read whole only when its own row is written, one file at a time.
#[derive(Clone)]
pub enum FileBytes {
    Memory(Vec<u8>),
    Spooled { file: std::sync::Arc<tempfile::NamedTempFile>, len: u64 },
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> Self {
        FileBytes::Memory(bytes)
    }
}

impl FileBytes {
    pub fn len(&self) -> u64 {
        match self {
            FileBytes::Memory(b) => b.len() as u64,
            FileBytes::Spooled { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn sha256(&self) -> std::io::Result<String> {
        let mut hasher = Sha256::new();
        match self {
            FileBytes::Memory(b) => hasher.update(b),
            FileBytes::Spooled { file, .. } => {
                let mut reader = file.reopen()?;
                let mut chunk = vec![0u8; 64 * 1024];
                loop {
                    let n = std::io::Read::read(&mut reader, &mut chunk)?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&chunk[..n]);
                }
            }
        }
        Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }

    pub(crate) fn into_vec(self) -> std::io::Result<Vec<u8>> {
        match self {
            FileBytes::Memory(b) => Ok(b),
            FileBytes::Spooled { file, len } => {
                let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
                std::io::Read::read_to_end(&mut file.reopen()?, &mut bytes)?;
                Ok(bytes)
            }
        }
    }
}

/// By hand: the bytes would drown any message the value is printed in.
impl std::fmt::Debug for NewAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAttachment")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// A stored file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub id: i64,
    pub appeal_id: i64,
    /// The file's own name, without any path.
    pub name: String,
    /// Derived from the extension when it was stored.
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, lowercase hex: what a recipient checks a copy against.
    pub sha256: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub uploaded_at: Timestamp,
    /// The uploader's display name.
    pub uploaded_by: String,
    /// The step the file came with (`supply_material`, `reply`, `answer`, `co_opinion`); `None` for the files sent
    /// with the problem itself.
    pub step: Option<String>,
    /// The 协办意见 the file belongs to.
    pub co_opinion_id: Option<i64>,
}

/// A file that passed the checks, ready to be written.
pub(crate) struct Prepared {
    pub(crate) name: String,
    pub(crate) content_type: &'static str,
    pub(crate) sha256: String,
    pub(crate) data: FileBytes,
}

/// The name as it may appear in a message: escaped, and cut short if it is very long.
fn shown(name: &str) -> String {
    let cut: String = name.chars().take(50).collect();
    let ellipsis = if cut.len() < name.len() { "…" } else { "" };
    format!("{}{ellipsis}", cut.escape_debug())
}

/// Characters that are no part of a file name: control characters, and the invisible ones that reorder or hide text
/// (a right-to-left override makes `报告\u{202E}fdp.exe` look like a PDF).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The file's own name, stripped of any path the client sent (`C:\\Users\\王\\报告.pdf` → `报告.pdf`) and checked.
fn clean_name(raw: &str) -> Result<String> {
    let invalid = |msg: String| Err(StoreError::Invalid(msg));
    let name = raw.trim().rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if name.is_empty() {
        return invalid(format!("附件「{}」缺少文件名 / the attachment has no file name", shown(raw)));
    }
    if name.chars().any(is_hidden) {
        return invalid(format!(
            "附件「{}」的文件名含有控制字符 / the file name «{}» contains control characters",
            shown(name),
            shown(name)
        ));
    }
    if name.chars().count() > MAX_ATTACHMENT_NAME {
        return invalid(format!(
            "附件「{}」的文件名超过{MAX_ATTACHMENT_NAME}字 / the file name «{}» is longer than {MAX_ATTACHMENT_NAME} characters",
            shown(name),
            shown(name)
        ));
    }
    Ok(name.to_owned())
}

/// The content type of an accepted extension; `None` for a type not accepted or a name without a stem.
fn content_type(name: &str) -> Option<&'static str> {
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.trim().is_empty() {
        return None;
    }
    TYPES.iter().find(|(e, _)| ext.eq_ignore_ascii_case(e)).map(|(_, t)| *t)
}

/// Checks one file and hashes it.
pub(crate) fn check(file: NewAttachment) -> Result<Prepared> {
    let name = clean_name(&file.name)?;
    let Some(content_type) = content_type(&name) else {
        let allowed: Vec<&str> = TYPES.iter().map(|(e, _)| *e).collect();
        return Err(StoreError::Invalid(format!(
            "附件「{}」的类型不允许，仅限 {} / the file type of «{}» is not accepted",
            shown(&name),
            allowed.join("、"),
            shown(&name)
        )));
    };
    if file.data.is_empty() {
        return Err(StoreError::Invalid(format!(
            "附件「{}」是空文件 / the attachment «{}» is empty",
            shown(&name),
            shown(&name)
        )));
    }
    if file.data.len() > MAX_ATTACHMENT_BYTES as u64 {
        return Err(StoreError::Invalid(format!(
            "附件「{}」超过10MB / the attachment «{}» is larger than 10 MiB",
            shown(&name),
            shown(&name)
        )));
    }
    let sha256 = file.data.sha256().map_err(unreadable)?;
    Ok(Prepared { sha256, name, content_type, data: file.data })
}

pub(crate) fn unreadable(e: std::io::Error) -> StoreError {
    StoreError::Database(format!("无法读取上传的临时文件 / cannot read the uploaded file: {e}"))
}

fn too_many(already: usize) -> StoreError {
    StoreError::Invalid(format!(
        "每件诉求的这一环节最多{MAX_ATTACHMENTS}个附件（已有{already}个）/ at most {MAX_ATTACHMENTS} attachments per appeal and step ({already} already)"
    ))
}

/// Where a file comes from: the problem as raised (`step` none), or a later step of its handling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FileStep<'a> {
    pub step: Option<&'a str>,
    pub co_opinion_id: Option<i64>,
}

/// Checks and hashes `files` on a blocking thread. The first file refused refuses them all.
pub(crate) async fn prepare(files: Vec<NewAttachment>) -> Result<Vec<Prepared>> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(StoreError::Invalid(format!(
            "一次最多上传{MAX_ATTACHMENTS}个附件 / at most {MAX_ATTACHMENTS} files at once"
        )));
    }
    tokio::task::spawn_blocking(move || files.into_iter().map(check).collect())
        .await
        .map_err(|e| StoreError::Database(format!("附件校验中断 / checking the attachments failed: {e}")))?
}

/// The columns `info_from_row` reads, from `attachments t` and `users u`: all but the bytes.
const INFO_COLUMNS: &str = "t.id, t.appeal_id, t.name, t.content_type, t.size, t.sha256, t.uploaded_at, u.display_name, t.step, t.co_opinion_id";

fn info_from_row(row: &Row) -> Result<AttachmentInfo> {
    Ok(AttachmentInfo {
        id: row.int(0)?,
        appeal_id: row.int(1)?,
        name: row.text(2)?,
        content_type: row.text(3)?,
        size: row.int(4)?,
        sha256: row.text(5)?,
        uploaded_at: from_micros(row.int(6)?)
            .ok_or_else(|| StoreError::Corrupt("attachments.uploaded_at: out of range".into()))?,
        uploaded_by: row.text(7)?,
        step: row.opt_text(8)?,
        co_opinion_id: row.opt_int(9)?,
    })
}

/// The statuses in which files may still be added: until the unit has answered, and again once the enterprise has
/// rejected the answer. An answered appeal waits for the enterprise's verdict on what the unit had in hand; an ended
/// one never changes again.
const TAKES_FILES: [Status; 6] =
    [Status::Draft, Status::Submitted, Status::Assigned, Status::InProgress, Status::Waiting, Status::Reopened];

/// The roles that may add files: the enterprise and the cadre who raise problems.
const UPLOADERS: [Role; 2] = [Role::Enterprise, Role::Cadre];

impl Writer<'_> {
    /// Stores `files` with appeal `appeal_id`, uploaded by `user_id` at `step`. Refused whole if the appeal would
    /// carry more than `MAX_ATTACHMENTS` at that step. No scope check: the callers make it.
    pub(crate) fn insert_attachments(
        &mut self,
        appeal_id: i64,
        user_id: i64,
        files: Vec<Prepared>,
        step: FileStep<'_>,
        at: Timestamp,
    ) -> Result<Vec<AttachmentInfo>> {
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let already = self.tx.query_one(
            "SELECT COUNT(*) FROM attachments WHERE appeal_id = $1 AND COALESCE(step, '') = $2",
            params![appeal_id, step.step.unwrap_or_default()],
        )?;
        let already = usize::try_from(already.int(0)?).unwrap_or(usize::MAX);
        if already.saturating_add(files.len()) > MAX_ATTACHMENTS {
            return Err(too_many(already));
        }
        let uploader = self
            .tx
            .query_opt("SELECT display_name FROM users WHERE id = $1", params![user_id])?
            .ok_or(StoreError::NotFound("用户"))?
            .text(0)?;
        files.into_iter().map(|f| self.insert_attachment(appeal_id, user_id, &uploader, f, step, at)).collect()
    }

    fn insert_attachment(
        &mut self,
        appeal_id: i64,
        user_id: i64,
        uploader: &str,
        f: Prepared,
        step: FileStep<'_>,
        at: Timestamp,
    ) -> Result<AttachmentInfo> {
        let size = i64::try_from(f.data.len()).unwrap_or(i64::MAX);
        // The bytes are moved into the statement, not copied: a file is bound once, and read from its spool only
        // now, so that one file at a time is in memory.
        let bytes = f.data.into_vec().map_err(unreadable)?;
        let values = vec![
            Value::from(appeal_id),
            f.name.as_str().into(),
            f.content_type.into(),
            size.into(),
            f.sha256.as_str().into(),
            user_id.into(),
            to_micros(at).into(),
            bytes.into(),
            step.step.into(),
            step.co_opinion_id.into(),
        ];
        let id = self
            .tx
            .query_one(
                "INSERT INTO attachments \
                 (appeal_id, name, content_type, size, sha256, uploaded_by, uploaded_at, data, step, co_opinion_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &values,
            )?
            .int(0)?;
        let mut after = json!({"appeal_id": appeal_id, "name": f.name, "size": size, "sha256": f.sha256});
        if let Some(s) = step.step {
            after["step"] = s.into();
        }
        if let Some(o) = step.co_opinion_id {
            after["co_opinion_id"] = o.into();
        }
        self.audit("attachment.add", format!("attachment:{id}"), None, audit::json(&after));
        Ok(AttachmentInfo {
            id,
            appeal_id,
            name: f.name,
            content_type: f.content_type.to_owned(),
            size,
            sha256: f.sha256,
            uploaded_at: at,
            uploaded_by: uploader.to_owned(),
            step: step.step.map(str::to_owned),
            co_opinion_id: step.co_opinion_id,
        })
    }

    /// Stores `files` (checked here) with appeal `appeal_id` at `step` (`None`: with the problem itself), uploaded by
    /// `user_id`. No scope or status check: for records written in bulk (the demo).
    pub fn record_attachments(
        &mut self,
        appeal_id: i64,
        user_id: i64,
        files: Vec<NewAttachment>,
        step: Option<&str>,
        at: Timestamp,
    ) -> Result<Vec<AttachmentInfo>> {
        let files = files.into_iter().map(check).collect::<Result<Vec<_>>>()?;
        self.insert_attachments(appeal_id, user_id, files, FileStep { step, co_opinion_id: None }, at)
    }

    /// Refuses unless the appeal still takes files, and holds its row until the commit (PostgreSQL), so that it cannot
    /// end between this check and the files being written. The no-op update names an unindexed column: no index
    /// page is touched.
    fn lock_open_for_files(&mut self, appeal_id: i64, status: Status) -> Result<()> {
        // The statuses are written as literals: fixed names, never user text.
        let names: Vec<String> = TAKES_FILES.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let sql = format!("UPDATE appeals SET version = version WHERE id = $1 AND status IN ({})", names.join(", "));
        let open = TAKES_FILES.contains(&status) && self.tx.execute(&sql, params![appeal_id])? == 1;
        if !open {
            return Err(StoreError::Forbidden(format!(
                "诉求当前为「{}」，不能再上传附件 / the appeal is {status}: no more attachments",
                status.label()
            )));
        }
        Ok(())
    }
}

/// Whether `p` reads the co-units' files: the government side. An enterprise or a cadre sees what was exchanged with
/// the enterprise, not the deliberation behind the answer.
pub(crate) fn is_staff(p: &Principal) -> bool {
    [Role::Handler, Role::Dispatcher, Role::Leader].iter().any(|r| p.has(*r))
}

/// Every file of an appeal, in the order they were added. No scope check: the callers make it.
pub(crate) fn of_appeal(tx: &mut Tx<'_>, appeal_id: i64) -> Result<Vec<AttachmentInfo>> {
    tx.query(
        &format!(
            "SELECT {INFO_COLUMNS} FROM attachments t JOIN users u ON u.id = t.uploaded_by \
             WHERE t.appeal_id = $1 ORDER BY t.id"
        ),
        params![appeal_id],
    )?
    .iter()
    .map(info_from_row)
    .collect()
}

impl Store {
    /// Adds files to an appeal: for an enterprise or cadre whose scope holds it, while it is open to the unit's work
    /// (draft to waiting, or reopened). Outside `p`'s scope the appeal is not found; in scope but not `p`'s to add to,
    /// or no longer taking files, forbidden. All the files are stored or none.
    pub async fn attach(
        &self,
        p: &Principal,
        source: &str,
        appeal_id: i64,
        files: Vec<NewAttachment>,
    ) -> Result<Vec<AttachmentInfo>> {
        if files.is_empty() {
            return Err(StoreError::Invalid("请选择要上传的文件 / no file was given".into()));
        }
        let files = prepare(files).await?;
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let record = visible_appeal(&mut w.tx, &p, appeal_id)?;
            let mut may = false;
            for role in UPLOADERS.into_iter().filter(|r| p.has(*r)) {
                if holds(&mut w.tx, "appeals", "a", appeal_id, |v| appeal_role_scope(&p, role, v))? {
                    may = true;
                    break;
                }
            }
            if !may {
                return Err(StoreError::Forbidden(
                    "您的角色无权为该诉求上传附件 / your roles may not attach files to this appeal".into(),
                ));
            }
            w.lock_open_for_files(appeal_id, record.state.status)?;
            w.insert_attachments(appeal_id, p.user_id, files, FileStep::default(), Timestamp::now())
        })
        .await
    }

    /// The files of an appeal `p` may see, in the order they were added.
    pub async fn attachments_for(&self, p: &Principal, appeal_id: i64) -> Result<Vec<AttachmentInfo>> {
        let p = p.clone();
        self.read(move |tx| {
            if !holds(tx, "appeals", "a", appeal_id, |v| Some(appeal_scope(&p, v)))? {
                return Err(StoreError::NotFound("诉求"));
            }
            let files = of_appeal(tx, appeal_id)?;
            let staff = is_staff(&p);
            Ok(files.into_iter().filter(|f| staff || f.co_opinion_id.is_none()).collect())
        })
        .await
    }

    /// One file with its bytes, if `p` may see its appeal; not found otherwise.
    pub async fn attachment_for(&self, p: &Principal, attachment_id: i64) -> Result<(AttachmentInfo, Vec<u8>)> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = vec![Value::from(attachment_id)];
            let mut scope = appeal_scope(&p, &mut values);
            if !is_staff(&p) {
                scope.push_str(" AND t.co_opinion_id IS NULL");
            }
            let mut row = tx
                .query_opt(
                    &format!(
                        "SELECT {INFO_COLUMNS}, t.data FROM attachments t JOIN users u ON u.id = t.uploaded_by \
                         JOIN appeals a ON a.id = t.appeal_id WHERE t.id = $1 AND {scope}"
                    ),
                    &values,
                )?
                .ok_or(StoreError::NotFound("附件"))?;
            let info = info_from_row(&row)?;
            let data = row.take_bytes(10)?;
            Ok((info, data))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_path_and_keep_their_case() {
        assert_eq!(clean_name(" C:\\Users\\王\\贷款 申请.PDF ").ok().as_deref(), Some("贷款 申请.PDF"));
        assert_eq!(clean_name("../../etc/报告.docx").ok().as_deref(), Some("报告.docx"));
        assert!(clean_name("dir/").is_err());
        assert!(clean_name("a\u{0}.pdf").is_err());
        assert!(clean_name("报告\u{202E}fdp.exe").is_err());
        assert!(clean_name(&format!("{}.pdf", "长".repeat(97))).is_err());
        assert!(clean_name(&format!("{}.pdf", "长".repeat(96))).is_ok());
    }

    #[test]
    fn the_type_comes_from_the_extension() {
        assert_eq!(content_type("x.JPG"), Some("image/jpeg"));
        assert_eq!(content_type("合同.Docx"), Some(TYPES[7].1));
        assert_eq!(content_type("表.et"), Some("application/octet-stream"));
        assert_eq!(content_type("run.exe"), None);
        assert_eq!(content_type(".pdf"), None);
        assert_eq!(content_type("pdf"), None);
        assert_eq!(content_type("page.html"), None);
    }

    #[test]
    fn the_hash_is_lowercase_hex_sha256_in_memory_and_spooled_alike() {
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(FileBytes::from(b"abc".to_vec()).sha256().expect("hash"), abc);
        let mut spool = tempfile::NamedTempFile::new().expect("temp");
        std::io::Write::write_all(&mut spool, b"abc").expect("write");
        let spooled = FileBytes::Spooled { file: std::sync::Arc::new(spool), len: 3 };
        assert_eq!(spooled.sha256().expect("hash"), abc);
        assert_eq!(spooled.into_vec().expect("read"), b"abc");
    }
}
