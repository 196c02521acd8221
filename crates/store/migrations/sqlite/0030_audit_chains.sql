-- Audit chains (see postgres/0030_audit_chains.sql). SQLite has one writer at a time: it appends to chain 0 alone and
-- numbers its records one after another, as before.
ALTER TABLE audit_log ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
CREATE INDEX audit_log_chain ON audit_log (chain, seq);
