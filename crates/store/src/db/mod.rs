//! The thin layer under the store: one SQL text for both databases, values and rows of the few types zhuqi stores,
//! and connections that live on their own threads.
//!
//! SQL is written once with `$1`-style parameters, which PostgreSQL takes as they are and SQLite takes as named
//! parameters (bound here by their number). Each transaction runs whole as one job on a connection's thread, so an
//! async caller pays one hand-off per transaction instead of one per statement, and a caller that stops waiting can
//! never leave a transaction half done.

pub(crate) mod migrate;
mod pg_target;
mod pool;

use postgres::types::{IsNull, ToSql, Type};

pub(crate) use migrate::apply_next;
pub(crate) use pg_target::PgTarget;
pub(crate) use pool::{Conn, Pool, first_line, open_sqlite_connection};

use crate::{Result, StoreError};

/// A value bound to or read from SQL. zhuqi stores integers (ids, counts, microseconds, flags), text, and the bytes of
/// attachments (BLOB in SQLite, BYTEA in PostgreSQL).
#[derive(Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// By hand: a file of 10 MiB printed byte by byte would drown any error message or log line it appears in.
impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Int(v) => write!(f, "Int({v})"),
            Value::Real(v) => write!(f, "Real({v})"),
            Value::Text(v) => write!(f, "Text({v:?})"),
            Value::Blob(v) => write!(f, "Blob({} bytes)", v.len()),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<u16> for Value {
    fn from(v: u16) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<i16> for Value {
    fn from(v: i16) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// `params![a, b, c]`: the values bound to `$1`, `$2`, `$3`.
macro_rules! params {
    ($($value:expr),* $(,)?) => { &[$($crate::db::Value::from($value)),*] as &[$crate::db::Value] };
}
pub(crate) use params;

/// `$first, $first+1, …` for `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// One result row, read by column position.
#[derive(Debug, Clone)]
pub(crate) struct Row(Vec<Value>);

fn wrong_type(i: usize, want: &str, got: &Value) -> StoreError {
    StoreError::Corrupt(format!("column {i}: expected {want}, found {got:?}"))
}

impl Row {
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            Some(Value::Int(v)) => Ok(Some(*v)),
            Some(other) => Err(wrong_type(i, "integer", other)),
            None => Err(StoreError::Corrupt(format!("column {i} missing"))),
        }
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            Some(Value::Text(v)) => Ok(Some(v.clone())),
            Some(other) => Err(wrong_type(i, "text", other)),
            None => Err(StoreError::Corrupt(format!("column {i} missing"))),
        }
    }

    pub fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
    }

    /// Takes the bytes out of the row rather than copying them: a row holds at most one file, read once.
    pub fn take_bytes(&mut self, i: usize) -> Result<Vec<u8>> {
        match self.0.get_mut(i) {
            Some(Value::Blob(v)) => Ok(std::mem::take(v)),
            Some(other) => Err(wrong_type(i, "bytes", other)),
            None => Err(StoreError::Corrupt(format!("column {i} missing"))),
        }
    }
}

/// An open transaction on either database. Dropped without `commit`, it rolls back.
pub(crate) enum Tx<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    /// One write of a group that the SQLite writer commits together (see `pool`): committing it releases its
    /// savepoint, dropping it rolls back to it; either way the other writes of the group are untouched.
    SqliteSavepoint(rusqlite::Savepoint<'c>),
    Postgres(PgTx<'c>),
}

/// A PostgreSQL transaction with its connection's prepared statements.
pub(crate) struct PgTx<'c> {
    tx: postgres::Transaction<'c>,
    statements: &'c mut Statements,
}

/// The statements prepared on one PostgreSQL connection, by their SQL. Given a text, the client would prepare it
/// anew on every call — a round trip to parse and plan before the one that runs it; a statement kept here is run in
/// one. The store's SQL is a bounded set of texts (list filters combine into a few hundred at most); past
/// `MAX_STATEMENTS` the cache starts again.
#[derive(Default)]
pub(crate) struct Statements(std::collections::HashMap<String, postgres::Statement>);

const MAX_STATEMENTS: usize = 1024;

impl Statements {
    fn get(&mut self, tx: &mut postgres::Transaction<'_>, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.0.get(sql) {
            return Ok(statement.clone());
        }
        if self.0.len() >= MAX_STATEMENTS {
            self.0.clear();
        }
        let statement = tx.prepare(sql)?;
        self.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// After an error: a statement the server no longer knows (its plan outdated by a schema change another
    /// instance made, or the statement gone) is prepared again next time.
    fn forget_if_stale(&mut self, e: &postgres::Error) {
        use postgres::error::SqlState;
        if e.code().is_some_and(|c| *c == SqlState::FEATURE_NOT_SUPPORTED || *c == SqlState::INVALID_SQL_STATEMENT_NAME)
        {
            self.0.clear();
        }
    }
}

impl<'c> PgTx<'c> {
    pub(crate) fn new(tx: postgres::Transaction<'c>, statements: &'c mut Statements) -> PgTx<'c> {
        PgTx { tx, statements }
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let statement = self.statements.get(&mut self.tx, sql)?;
        self.tx.execute(&statement, &pg_params(params)).map_err(|e| {
            self.statements.forget_if_stale(&e);
            e.into()
        })
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<postgres::Row>> {
        let statement = self.statements.get(&mut self.tx, sql)?;
        self.tx.query(&statement, &pg_params(params)).map_err(|e| {
            self.statements.forget_if_stale(&e);
            e.into()
        })
    }
}

impl Tx<'_> {
    /// The SQLite connection under either SQLite form.
    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Tx::Sqlite(tx) => Some(tx),
            Tx::SqliteSavepoint(sp) => Some(sp),
            Tx::Postgres(_) => None,
        }
    }

    /// ` INDEXED BY <index>` on SQLite, nothing on PostgreSQL: for the few reads where SQLite, planning without
    /// statistics, takes an index on a mostly-NULL column for a selective one (`closed_at IS NULL` reads every open
    /// item where a range of the open items' deadline index reads a few hundred). PostgreSQL plans with its own.
    pub fn indexed_by(&self, index: &str) -> String {
        if self.sqlite().is_some() { format!(" INDEXED BY {index}") } else { String::new() }
    }

    /// Runs a statement; returns the number of rows it changed.
    pub fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        if let Tx::Postgres(tx) = self {
            return tx.execute(sql, params);
        }
        let conn = self.sqlite().ok_or_else(|| StoreError::Corrupt("no connection".into()))?;
        let mut stmt = conn.prepare_cached(sql)?;
        bind_sqlite(&mut stmt, params)?;
        Ok(stmt.raw_execute()? as u64)
    }

    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        if let Tx::Postgres(tx) = self {
            return tx.query(sql, params)?.iter().map(pg_row).collect();
        }
        let conn = self.sqlite().ok_or_else(|| StoreError::Corrupt("no connection".into()))?;
        let mut stmt = conn.prepare_cached(sql)?;
        bind_sqlite(&mut stmt, params)?;
        let columns = stmt.column_count();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(Row((0..columns).map(|i| sqlite_value(row.get_ref(i)?)).collect::<Result<_>>()?));
        }
        Ok(out)
    }

    pub fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Exactly one row is expected (`COUNT(*)`, `RETURNING`): none means the database is not what we think.
    pub fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row> {
        self.query_opt(sql, params)?.ok_or_else(|| StoreError::Corrupt(format!("no row from: {sql}")))
    }

    /// Statements without parameters, separated by `;` (schema changes).
    pub fn batch(&mut self, sql: &str) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.execute_batch(sql)?,
            Tx::SqliteSavepoint(sp) => sp.execute_batch(sql)?,
            Tx::Postgres(pg) => {
                // A schema change may outdate what was prepared.
                pg.statements.0.clear();
                pg.tx.batch_execute(sql)?;
            }
        }
        Ok(())
    }

    pub fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit()?,
            Tx::SqliteSavepoint(sp) => sp.commit()?,
            Tx::Postgres(pg) => pg.tx.commit()?,
        }
        Ok(())
    }
}

/// SQLite sees `$3` as a parameter named "$3": bind each by its number.
fn bind_sqlite(stmt: &mut rusqlite::Statement<'_>, params: &[Value]) -> Result<()> {
    for index in 1..=stmt.parameter_count() {
        let number = stmt
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| StoreError::Corrupt(format!("SQL parameter {index} is not of the form $N")))?;
        let value = params.get(number - 1).ok_or_else(|| StoreError::Corrupt(format!("no value for ${number}")))?;
        stmt.raw_bind_parameter(index, value)?;
    }
    Ok(())
}

fn sqlite_value(v: rusqlite::types::ValueRef<'_>) -> Result<Value> {
    use rusqlite::types::ValueRef;
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    })
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

fn pg_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                _ => i.to_string().to_sql(ty, out),
            },
            Value::Real(f) => f.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::INT2
                | Type::BOOL
                | Type::FLOAT8
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
                | Type::BYTEA
        )
    }

    postgres::types::to_sql_checked!();
}

fn pg_row(row: &postgres::Row) -> Result<Row> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let v = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(|v| Value::Int(v.into())),
            Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(|v| Value::Int(v.into())),
            Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(|v| Value::Int(v.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
            _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
        };
        values.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}
