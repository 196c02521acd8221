-- Sign-in (SPEC §9), API tokens and the tamper-evident audit log.

ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT;

-- A session cookie or API token is stored only as the SHA-256 of its secret: a copy of the database signs no one in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Append-only and hash-chained: `hash` = SHA-256 over this row's fields and the previous row's hash, so a row changed,
-- removed or slipped in behind the program's back breaks the chain (`zhuqi audit verify`). No foreign keys: the
-- record of an act outlives what it acted on.
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    at            BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor         TEXT NOT NULL,
    actor_role    TEXT NOT NULL,
    source        TEXT NOT NULL,
    action        TEXT NOT NULL,
    object        TEXT NOT NULL,
    before        TEXT,
    after         TEXT,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志只能追加 / the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志只能追加 / the audit log is append-only'); END;
