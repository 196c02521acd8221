//! Opening a database: parse the URL, connect with the right settings, make sure it is zhuqi's, migrate.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::db::{self, Conn, Pool, Tx, first_line};
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives: `sqlite://zhuqi.db` (a file, created when missing), `postgres://user@host:5432/db`.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for DbUrl {
    // A PostgreSQL URL may carry a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DbUrl::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

/// A URL fit to print: the password, if any, replaced by `***`.
fn redacted(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.rsplit_once('@')
        && let Some((user, _password)) = creds.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}

impl FromStr for DbUrl {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        let bad = |reason: &str| StoreError::BadUrl { url: redacted(s), reason: reason.to_owned() };
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("sqlite://").or_else(|| s.strip_prefix("sqlite:")) {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(bad("缺少数据库文件路径 / the file path is missing"));
            }
            if path == ":memory:" {
                return Err(bad("不支持内存数据库，数据会丢失 / in-memory databases lose data and are not supported"));
            }
            return Ok(DbUrl::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            let after = s.split_once("://").map(|(_, r)| r).unwrap_or_default();
            let host = after.rsplit_once('@').map_or(after, |(_, h)| h);
            if host.is_empty() || host.starts_with('/') && !host.contains("host=") {
                return Err(bad("缺少主机名 / the host is missing"));
            }
            // Check the rest now (the driver's settings, sslmode and its root certificate), so that a typo fails here
            // and not at the first query.
            crate::db::PgTarget::parse(s).map_err(|reason| bad(&reason))?;
            return Ok(DbUrl::Postgres(s.to_owned()));
        }
        if s.contains("://") {
            return Err(bad("只支持 sqlite:// 和 postgres:// / only sqlite:// and postgres:// are supported"));
        }
        Err(bad("应以 sqlite:// 或 postgres:// 开头 / expected sqlite://FILE or postgres://…"))
    }
}

/// The first 16 bytes of every SQLite database file.
pub(crate) const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Connects, refuses a database that is not zhuqi's, applies pending migrations and loads the calendar.
    pub async fn open(url: &DbUrl) -> Result<Store> {
        let (pool, backend) = match url {
            DbUrl::Sqlite(path) => {
                let path = path.clone();
                let pool = tokio::task::spawn_blocking(move || open_sqlite(&path))
                    .await
                    .map_err(|e| StoreError::Database(e.to_string()))??;
                (pool, Backend::Sqlite)
            }
            DbUrl::Postgres(raw) => {
                let mut target = crate::db::PgTarget::parse(raw)
                    .map_err(|reason| StoreError::BadUrl { url: url.to_string(), reason })?;
                target.config.connect_timeout(Duration::from_secs(5));
                let pool = Pool::postgres(target).await.map_err(|e| match e {
                    StoreError::Unreachable { detail, .. } => {
                        StoreError::Unreachable { target: url.to_string(), detail }
                    }
                    other => other,
                })?;
                (pool, Backend::Postgres)
            }
        };
        let what = url.to_string();
        pool.run(true, move |conn| prepare(backend, conn, &what)).await??;
        let store =
            Store { pool, backend, calendar: Arc::new(RwLock::new(Default::default())), memo: Default::default() };
        store.reload_calendar().await?;
        store.backfill_figures().await?;
        Ok(store)
    }
}

/// Checks the database is zhuqi's (or empty), brings its schema up to date and ships the official calendar years.
fn prepare(backend: Backend, conn: &mut Conn, what: &str) -> Result<()> {
    {
        let mut tx = conn.transaction(false)?;
        check_is_zhuqi(backend, &mut tx, what)?;
    }
    loop {
        let mut tx = conn.transaction(true)?;
        if !db::apply_next(backend, &mut tx)? {
            break;
        }
        tx.commit()?;
    }
    let mut tx = conn.transaction(true)?;
    crate::calendar::ensure_official(&mut tx)?;
    tx.commit()
}

/// An empty database becomes zhuqi's; one with tables but without our marker belongs to someone else.
fn check_is_zhuqi(backend: Backend, tx: &mut Tx<'_>, what: &str) -> Result<()> {
    let list_tables = match backend {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema()"
        }
    };
    let not_ours = || StoreError::NotZhuqi { what: what.to_owned() };
    let tables: Vec<String> =
        tx.query(list_tables, &[]).map_err(|_| not_ours())?.iter().map(|r| r.text(0)).collect::<Result<_>>()?;
    if tables.is_empty() {
        return Ok(());
    }
    let ours = tables.iter().any(|t| t == "zhuqi_meta")
        && tx
            .query_opt("SELECT value FROM zhuqi_meta WHERE key = 'application'", &[])
            .ok()
            .flatten()
            .is_some_and(|r| r.text(0).is_ok_and(|v| v == "zhuqi"));
    if ours { Ok(()) } else { Err(not_ours()) }
}

/// Up to the first 16 bytes of a file (fewer if it is shorter).
pub(crate) fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(16);
    std::fs::File::open(path)?.take(16).read_to_end(&mut head)?;
    Ok(head)
}

/// Opens (creating when missing) a SQLite file after checking that it is a SQLite file and that its directory takes
/// new files; nothing is written to a file that turns out not to be zhuqi's.
fn open_sqlite(path: &Path) -> Result<Pool> {
    let shown = path.display().to_string();
    let not_writable = |detail: String| StoreError::NotWritable { path: shown.clone(), detail };
    let not_ours = || StoreError::NotZhuqi { what: format!("sqlite://{shown}") };
    // The first 16 bytes tell; the rest of a file that may be larger than memory is never read here.
    match read_head(path) {
        Ok(head) if !head.is_empty() && head != SQLITE_HEADER.as_slice() => return Err(not_ours()),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(not_writable(e.to_string())),
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(not_writable(format!("目录 {} 不存在 / directory does not exist", dir.display())));
    }
    // Probe the directory: SQLite must create the -wal and -shm files beside the database.
    let probe = dir.join(format!(".zhuqi-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| not_writable(format!("目录不可写 / directory is not writable: {e}")))?;
    let _ = std::fs::remove_file(&probe);

    // Look before touching: switching to WAL would already write to a foreign file.
    {
        let plain = rusqlite::Connection::open(path).map_err(|e| not_writable(first_line(&e)))?;
        let mut conn = Conn::Sqlite(plain);
        let mut tx = conn.transaction(false).map_err(|_| not_ours())?;
        check_is_zhuqi(Backend::Sqlite, &mut tx, &format!("sqlite://{shown}"))?;
    }
    let writer = db::open_sqlite_connection(path).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => not_ours(),
        _ => not_writable(first_line(&e)),
    })?;
    Pool::sqlite(path, writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!("sqlite://zhuqi.db".parse::<DbUrl>().ok(), Some(DbUrl::Sqlite("zhuqi.db".into())));
        assert_eq!("sqlite:data/z.db".parse::<DbUrl>().ok(), Some(DbUrl::Sqlite("data/z.db".into())));
        assert!(matches!("postgres://postgres@127.0.0.1:5432/x".parse::<DbUrl>(), Ok(DbUrl::Postgres(_))));
        for bad in
            ["", "zhuqi.db", "mysql://x", "sqlite://", "sqlite::memory:", "postgres://", "postgres://u:p@h:notaport/d"]
        {
            assert!(matches!(bad.parse::<DbUrl>(), Err(StoreError::BadUrl { .. })), "{bad}");
        }
    }

    #[test]
    fn passwords_are_not_printed() {
        let url: DbUrl = "postgres://zhuqi:s3cret@db.example:5432/zhuqi".parse().expect("valid");
        assert!(!url.to_string().contains("s3cret"));
        assert!(!format!("{url:?}").contains("s3cret"));
        let err = "postgres://zhuqi:s3cret@db.example:notaport/zhuqi".parse::<DbUrl>().expect_err("bad port");
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }
}
