-- The passwords a user had (issue 14, SPEC §9): a new password may not be one of the last five. Only hashes, as in
-- users; pruned to what the rule needs.
CREATE TABLE password_history (
    user_id       BIGINT NOT NULL,
    password_hash TEXT NOT NULL,
    replaced_at   BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, replaced_at);
