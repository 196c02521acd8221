//! Reading a form with files (multipart/form-data) as it arrives (issue 14, finding 7): each file is written to a
//! temporary file chunk by chunk, never held whole in memory, and a post that breaks a limit is stopped at the chunk
//! that breaks it, with a message that says which limit — too many files, a file too large, or too much in all.

use std::io::Write;
use std::sync::Arc;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use zhuqi_store::{FileBytes, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, NewAttachment};

/// The largest body of a form with files: ten files of 10 MiB and the text fields.
pub const UPLOAD_LIMIT: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024;
/// The text fields of a form with files, all together.
const MAX_TEXT_BYTES: usize = 256 * 1024;

/// Why a post with files was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// More than `MAX_ATTACHMENTS` files.
    TooManyFiles,
    /// A file over `MAX_ATTACHMENT_BYTES`, by name.
    FileTooLarge(String),
    /// The whole body over `UPLOAD_LIMIT`.
    TooMuchInAll,
    /// The text fields over their limit.
    TextTooLong,
    /// The client stopped sending or sent something that is not multipart.
    Broken,
    /// The server could not write the temporary file (a full disk).
    Spool,
}

impl Refused {
    pub fn status(&self) -> StatusCode {
        match self {
            Refused::Broken => StatusCode::BAD_REQUEST,
            Refused::Spool => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    /// What the user reads.
    pub fn message(&self) -> String {
        let mb = |bytes: usize| bytes / 1024 / 1024;
        match self {
            Refused::TooManyFiles => format!("一次最多上传{MAX_ATTACHMENTS}个附件，请分次上传或合并文件。"),
            Refused::FileTooLarge(name) => format!(
                "附件「{name}」超过{}MB（每个附件不超过{}MB），请压缩或拆分后重试。",
                mb(MAX_ATTACHMENT_BYTES),
                mb(MAX_ATTACHMENT_BYTES)
            ),
            Refused::TooMuchInAll => format!("上传内容总量超过{}MB，请分次上传。", mb(UPLOAD_LIMIT)),
            Refused::TextTooLong => "提交的文字内容过长，请精简后重试。".to_owned(),
            Refused::Broken => "上传未完成（网络中断或表单格式不正确），请返回重试。".to_owned(),
            Refused::Spool => "服务器暂时无法保存上传的文件，请稍后重试或联系系统管理员。".to_owned(),
        }
    }
}

fn broken(e: MultipartError) -> Refused {
    tracing::debug!(error = %e, "multipart refused");
    // The body limit shows as 413 from the reader: the whole post was too large.
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE { Refused::TooMuchInAll } else { Refused::Broken }
}

/// The text fields in order, and the files (inputs named `files`; an empty file input is skipped).
pub async fn read(mut m: Multipart) -> Result<(Vec<(String, String)>, Vec<NewAttachment>), Refused> {
    let (mut fields, mut files, mut text_bytes) = (Vec::new(), Vec::new(), 0usize);
    while let Some(mut field) = m.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "files" {
            let value = field.text().await.map_err(broken)?;
            text_bytes += name.len() + value.len();
            if text_bytes > MAX_TEXT_BYTES {
                return Err(Refused::TextTooLong);
            }
            fields.push((name, value));
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let mut spool: Option<tempfile::NamedTempFile> = None;
        let mut len = 0usize;
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            if chunk.is_empty() {
                continue;
            }
            if spool.is_none() && files.len() == MAX_ATTACHMENTS {
                return Err(Refused::TooManyFiles);
            }
            len += chunk.len();
            if len > MAX_ATTACHMENT_BYTES {
                return Err(Refused::FileTooLarge(file_name.chars().take(50).collect()));
            }
            let file = match &mut spool {
                Some(f) => f,
                None => spool.insert(tempfile::NamedTempFile::new().map_err(spool_failed)?),
            };
            // A chunk is at most tens of KiB, into the page cache: not worth a trip to the blocking pool.
            file.write_all(&chunk).map_err(spool_failed)?;
        }
        match spool {
            Some(file) => files.push(NewAttachment {
                name: file_name,
                content_type: String::new(),
                data: FileBytes::Spooled { file: Arc::new(file), len: len as u64 },
            }),
            // A named file with no bytes is kept, so that the store says it is empty; a blank input is skipped.
            None if !file_name.is_empty() => {
                if files.len() == MAX_ATTACHMENTS {
                    return Err(Refused::TooManyFiles);
                }
                files.push(NewAttachment { name: file_name, content_type: String::new(), data: Vec::new().into() });
            }
            None => {}
        }
    }
    Ok((fields, files))
}

fn spool_failed(e: std::io::Error) -> Refused {
    tracing::error!(error = %e, "cannot write an upload to a temporary file");
    Refused::Spool
}
