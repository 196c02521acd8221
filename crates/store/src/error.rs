use zhuqi_domain::TransitionError;

/// Everything that can go wrong below the application. Messages are one line, Chinese first then English, because
/// the command line prints them as they are.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库地址格式错误 / malformed database URL «{url}»: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("无法连接数据库 {target} / cannot reach the database: {detail}")]
    Unreachable { target: String, detail: String },
    #[error("{what} 不是助企通（zhuqi）的数据库，未做任何改动 / {what} is not a zhuqi database; nothing was changed")]
    NotZhuqi { what: String },
    #[error("无法创建或写入数据库文件 {path} / cannot create or write the database file: {detail}")]
    NotWritable { path: String, detail: String },
    #[error("数据库升级失败 / database migration failed: {0}")]
    Migration(String),
    #[error(
        "该诉求已被他人修改（当前第{actual}版，您提交的是第{expected}版），请刷新后重试 / stale version {expected}, the appeal is at version {actual}"
    )]
    Conflict { expected: u32, actual: u32 },
    /// An edit made on a version someone else has saved over since (a project's ledger fields).
    #[error("该{0}已被他人修改，请刷新后重试 / someone saved this {0} since you opened it; reload and try again")]
    Stale(&'static str),
    #[error("{0}不存在 / {0} not found")]
    NotFound(&'static str),
    #[error("记录已存在 / duplicate: {0}")]
    Duplicate(String),
    #[error("引用的记录不存在 / a referenced record does not exist: {0}")]
    MissingReference(String),
    #[error("{0}")]
    Invalid(String),
    /// The user may see the record but not do this to it.
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("数据库中的记录已损坏 / corrupt record: {0}")]
    Corrupt(String),
    #[error("数据库错误 / database error: {0}")]
    Database(String),
}

impl From<rusqlite::Error> for StoreError {
    /// Constraint violations are the caller's mistake and get their own variants; the rest is ours.
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        if let rusqlite::Error::SqliteFailure(e, msg) = &err {
            let msg = msg.clone().unwrap_or_default();
            match e.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => return StoreError::Duplicate(msg),
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return StoreError::MissingReference(msg),
                _ => {}
            }
        }
        StoreError::Database(err.to_string())
    }
}

impl From<postgres::Error> for StoreError {
    fn from(err: postgres::Error) -> Self {
        use postgres::error::SqlState;
        if let Some(db) = err.as_db_error() {
            let msg = db.message().to_owned();
            if *db.code() == SqlState::UNIQUE_VIOLATION {
                return StoreError::Duplicate(msg);
            }
            if *db.code() == SqlState::FOREIGN_KEY_VIOLATION {
                return StoreError::MissingReference(msg);
            }
            return StoreError::Database(msg);
        }
        StoreError::Database(crate::db::first_line(&err))
    }
}
