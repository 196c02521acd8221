//! Backup and restore (issue 14, SPEC §9). A SQLite database is copied while the server runs and writes: `VACUUM
//! INTO` reads one snapshot (every commit before it began, none after), and the copy is checked as a restore checks
//! it. A restore checks the file whole — SQLite's integrity check, zhuqi's own mark, a schema this program knows —
//! before anything is replaced, and keeps the database it replaces beside it. PostgreSQL is copied and restored by
//! its own tools (`pg_dump`, `pg_restore`) when they are installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::{Connection, OpenFlags};

use crate::connect::{SQLITE_HEADER, read_head};
use crate::db::migrate::newest_known;
use crate::{Result, StoreError};

/// What a backup holds, as read back from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub bytes: u64,
    pub schema_version: i64,
    pub appeals: i64,
    pub audit_records: i64,
}

fn invalid(file: &Path, why: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("{} 不是完好的助企通备份：{why} / not a whole zhuqi backup", file.display()))
}

fn db_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(e.to_string())
}

/// Copies the SQLite database `db` to the new file `out` while others may be writing to it, then checks the copy.
pub fn backup_sqlite(db: &Path, out: &Path) -> Result<BackupSummary> {
    if out.exists() {
        return Err(StoreError::Invalid(format!("{} 已存在，请换一个文件名 / the file exists", out.display())));
    }
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db_error)?;
    // The live database is only asked whose it is; the copy is checked whole below.
    if !is_zhuqis(&conn) {
        return Err(StoreError::NotZhuqi { what: format!("sqlite://{}", db.display()) });
    }
    let target = out.to_str().ok_or_else(|| StoreError::Invalid("备份文件名须为UTF-8 / a UTF-8 file name".into()))?;
    conn.execute("VACUUM INTO ?1", [target])
        .map_err(|e| StoreError::NotWritable { path: out.display().to_string(), detail: e.to_string() })?;
    check_sqlite(out)
}

/// Checks that `file` is a whole zhuqi SQLite database this program can open: SQLite's integrity check passes, it
/// carries zhuqi's mark, and its schema is not newer than this program's.
pub fn check_sqlite(file: &Path) -> Result<BackupSummary> {
    let head = read_head(file).map_err(|e| invalid(file, e))?;
    if head != SQLITE_HEADER.as_slice() {
        return Err(invalid(file, "不是SQLite数据库文件 / not a SQLite file"));
    }
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| invalid(file, e))?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| invalid(file, e))?;
    if integrity != "ok" {
        return Err(invalid(file, format!("完整性检查未通过 / integrity check: {integrity}")));
    }
    if !is_zhuqis(&conn) {
        return Err(invalid(file, "不是助企通的数据库 / not zhuqi's database"));
    }
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(|e| invalid(file, e));
    let schema_version = count("SELECT COALESCE(MAX(version), 0) FROM zhuqi_migrations")?;
    if schema_version > newest_known() {
        return Err(invalid(file, format!("结构版本{schema_version}比本程序新，请先升级助企通 / a newer schema")));
    }
    let summary = BackupSummary {
        bytes: std::fs::metadata(file).map_err(|e| invalid(file, e))?.len(),
        schema_version,
        appeals: count("SELECT COUNT(*) FROM appeals")?,
        audit_records: count("SELECT COUNT(*) FROM audit_log")?,
    };
    Ok(summary)
}

/// Whether the database carries zhuqi's mark.
fn is_zhuqis(conn: &Connection) -> bool {
    let mark: Option<String> =
        conn.query_row("SELECT value FROM zhuqi_meta WHERE key = 'application'", [], |r| r.get(0)).ok();
    mark.as_deref() == Some("zhuqi")
}

/// Replaces the SQLite database `target` (no server may have it open) by the backup `file`, once the backup is
/// checked whole. The database replaced is kept beside it (`<target>.before-restore-<time>`), its last commits
/// included, and its path is returned with what the restored database holds.
pub fn restore_sqlite(file: &Path, target: &Path) -> Result<(BackupSummary, Option<PathBuf>)> {
    let summary = check_sqlite(file)?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let not_writable =
        |e: std::io::Error| StoreError::NotWritable { path: target.display().to_string(), detail: e.to_string() };
    // The copy is made whole beside the target first: a crash now leaves the target as it was.
    let incoming = dir.join(format!(".zhuqi-restore-{}", std::process::id()));
    std::fs::copy(file, &incoming).map_err(not_writable)?;
    std::fs::File::open(&incoming).and_then(|f| f.sync_all()).map_err(not_writable)?;
    let kept = if target.exists() {
        // Fold the old database's write-ahead log into it, so that the copy kept aside is whole.
        let old = Connection::open(target).map_err(db_error)?;
        old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(db_error)?;
        drop(old);
        let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S");
        let aside = PathBuf::from(format!("{}.before-restore-{stamp}", target.display()));
        std::fs::rename(target, &aside).map_err(not_writable)?;
        Some(aside)
    } else {
        None
    };
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    std::fs::rename(&incoming, target).map_err(not_writable)?;
    std::fs::File::open(&dir).and_then(|d| d.sync_all()).map_err(not_writable)?;
    Ok((summary, kept))
}

/// Runs one of PostgreSQL's own tools, or says that it is missing.
fn pg_tool(tool: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(tool).args(args).output().map_err(|e| {
        StoreError::Invalid(format!(
            "未找到 {tool}（{e}），请安装 PostgreSQL 客户端工具后重试 / {tool} is needed: install the PostgreSQL client"
        ))
    })?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or_default().to_owned();
        return Err(StoreError::Database(format!("{tool}: {why}")));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Copies the PostgreSQL database `url` to `out` with `pg_dump` (custom format: one consistent snapshot).
pub fn backup_postgres(url: &str, out: &Path) -> Result<u64> {
    if out.exists() {
        return Err(StoreError::Invalid(format!("{} 已存在，请换一个文件名 / the file exists", out.display())));
    }
    let path = out.to_string_lossy();
    pg_tool("pg_dump", &["--format=custom", "--no-owner", "--file", &path, "--dbname", url])?;
    check_postgres_archive(out)?;
    Ok(std::fs::metadata(out).map_err(db_error)?.len())
}

/// Checks that `file` is a `pg_dump` archive of a zhuqi database (it lists zhuqi's tables).
pub fn check_postgres_archive(file: &Path) -> Result<()> {
    let listing = pg_tool("pg_restore", &["--list", &file.to_string_lossy()]).map_err(|e| invalid(file, e))?;
    if !listing.lines().any(|l| l.contains("TABLE DATA") && l.contains("zhuqi_meta")) {
        return Err(invalid(file, "不含助企通的数据表 / it holds no zhuqi tables"));
    }
    Ok(())
}

/// Replaces the PostgreSQL database `url`'s tables by the archive `file`, in one transaction, once it is checked.
pub fn restore_postgres(file: &Path, url: &str) -> Result<()> {
    check_postgres_archive(file)?;
    let path = file.to_string_lossy();
    pg_tool("pg_restore", &["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url, &path])?;
    Ok(())
}
