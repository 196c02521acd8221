//! Idempotent creation (issue 13, SPEC §3): a create that carries a key — the hidden field of a form, the
//! `Idempotency-Key` header of an API call — creates its item once. The key is written with the item, in its
//! transaction, under the unique (user, kind, key); a retry finds it and gets the first item back. Two posts racing
//! each other cannot both write it: the loser's transaction is refused by the key's uniqueness, and it too is given
//! the winner's item (`Store::created_with`).

use jiff::Timestamp;
use zhuqi_domain::time::to_micros;

use crate::db::{Tx, params};
use crate::{Origin, Result, Store, StoreError, Writer};

/// The longest key accepted (a UUID is 36 characters).
pub const MAX_IDEMPOTENCY_KEY: usize = 100;

/// A key as a client sends it: 1 to 100 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Result<IdempotencyKey> {
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_IDEMPOTENCY_KEY || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(StoreError::Invalid(format!(
                "幂等键须为1到{MAX_IDEMPOTENCY_KEY}个可见ASCII字符 / an idempotency key is 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"
            )));
        }
        Ok(IdempotencyKey(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub(crate) fn created_with(tx: &mut Tx<'_>, user_id: i64, scope: &str, key: &IdempotencyKey) -> Result<Option<i64>> {
    tx.query_opt(
        "SELECT created_id FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3",
        params![user_id, scope, key.as_str()],
    )?
    .map(|r| r.int(0))
    .transpose()
}

impl Writer<'_> {
    /// What this user already created of `scope` with `key`, if anything.
    pub(crate) fn created_with(&mut self, user_id: i64, scope: &str, key: &IdempotencyKey) -> Result<Option<i64>> {
        created_with(&mut self.tx, user_id, scope, key)
    }

    /// Remembers that `key` created `id`; a concurrent create with the same key fails here with `Duplicate`.
    pub(crate) fn remember_key(&mut self, user_id: i64, scope: &str, key: &IdempotencyKey, id: i64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO idempotency_keys (user_id, scope, key, created_id, created_at) VALUES ($1, $2, $3, $4, $5)",
            params![user_id, scope, key.as_str(), id, to_micros(Timestamp::now())],
        )?;
        Ok(())
    }
}

/// What a keyed create gave: the item, and whether this call made it (false: an earlier post with the key did).
#[derive(Debug, Clone)]
pub struct Created<T> {
    pub item: T,
    pub fresh: bool,
}

impl Store {
    /// Runs `create` (which gives the new item's id) in one transaction as `origin`, once per `key`: a retry carrying
    /// the key, or a post that lost the race on it, gets the item the key first created, read by `load`. Keys belong
    /// to the signed-in user; those of a form shown before sign-in (enterprise sign-up) to user 0 — random keys that
    /// only the browser holding the form knows. An item without an id of its own (a region, a category) returns 0 and
    /// `load` reads it by what the closure holds.
    pub(crate) async fn create_once<T: Send + 'static>(
        &self,
        origin: Origin,
        scope: &'static str,
        key: Option<IdempotencyKey>,
        create: impl FnOnce(&mut Writer<'_>) -> Result<i64> + Send + 'static,
        load: impl Fn(&mut Tx<'_>, i64) -> Result<T> + Send + Sync + Clone + 'static,
    ) -> Result<T> {
        self.create_once_telling(origin, scope, key, create, load).await.map(|c| c.item)
    }

    /// `create_once`, telling whether this call created the item: what a create shows only once (a generated
    /// password) must not be shown again, made up anew, to a repeated post.
    pub(crate) async fn create_once_telling<T: Send + 'static>(
        &self,
        origin: Origin,
        scope: &'static str,
        key: Option<IdempotencyKey>,
        create: impl FnOnce(&mut Writer<'_>) -> Result<i64> + Send + 'static,
        load: impl Fn(&mut Tx<'_>, i64) -> Result<T> + Send + Sync + Clone + 'static,
    ) -> Result<Created<T>> {
        let user = origin.user_id.unwrap_or(0);
        let (retry_key, reload) = (key.clone(), load.clone());
        let created = self
            .transaction(origin, move |w| {
                if let Some(key) = &key
                    && let Some(id) = w.created_with(user, scope, key)?
                {
                    return Ok(Created { item: load(&mut w.tx, id)?, fresh: false });
                }
                let id = create(w)?;
                if let Some(key) = &key {
                    w.remember_key(user, scope, key, id)?;
                }
                Ok(Created { item: load(&mut w.tx, id)?, fresh: true })
            })
            .await;
        match (created, retry_key) {
            // Another post with the same key committed first: its item is this one.
            (Err(e @ StoreError::Duplicate(_)), Some(key)) => match self.created_with(user, scope, key).await? {
                Some(id) => Ok(Created { item: self.read(move |tx| reload(tx, id)).await?, fresh: false }),
                None => Err(e),
            },
            (result, _) => result,
        }
    }

    /// What `user_id` created of `scope` with `key` (read after a create lost a race on its key).
    pub(crate) async fn created_with(
        &self,
        user_id: i64,
        scope: &'static str,
        key: IdempotencyKey,
    ) -> Result<Option<i64>> {
        self.read(move |tx| created_with(tx, user_id, scope, &key)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(IdempotencyKey::parse("7d1f6a2c-0b1e-4b7e-9d1c-2f3a4b5c6d7e").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("含中文").is_err());
        assert!(IdempotencyKey::parse("a b").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(101)).is_err());
        assert_eq!(IdempotencyKey::parse(" k1 ").map(|k| k.as_str().to_owned()).ok().as_deref(), Some("k1"));
    }
}
