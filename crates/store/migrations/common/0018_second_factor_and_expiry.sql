-- Issue 14, SPEC §9: passwords expire, staff may add a second factor (TOTP, RFC 6238), and the security administrator
-- sets both rules.
--
-- When the password was last set; NULL for one set before this migration or by an administrator's import, counted from
-- the next sign-in (an upgrade must not force every user of a city to change passwords at once).
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;
-- The TOTP secret (base32) once the user has confirmed it with a code; NULL without a second factor.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- The last 30-second step whose code was accepted: a code is good once (RFC 6238 §5.2).
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- One-time recovery codes for a lost authenticator, as SHA-256 (they are random, not chosen).
CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- The security administrator's settings, by name; a missing row means the default.
CREATE TABLE security_settings (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
