-- Creating an item is idempotent (issue 13, SPEC §3): a form posted twice or an API call retried with the same
-- Idempotency-Key creates one item. The key is remembered per user and kind of item, with what it created, in the
-- transaction that created it; a second create with it returns the first item.
CREATE TABLE idempotency_keys (
    user_id    BIGINT NOT NULL,
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    created_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, scope, key)
);
