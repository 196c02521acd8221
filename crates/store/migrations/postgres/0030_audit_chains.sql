-- Audit chains that do not make a province's writes queue (issue 17, point 3). Every write appended its records to
-- the one hash chain under one lock: on PostgreSQL the province's writes committed one at a time. The log is now
-- several chains (`chain`, at most 16), each linked by its own hashes; a write appends to the first chain no other
-- transaction is appending to, so a quiet city keeps one chain and a busy province spreads over a few. Record numbers
-- (`seq`) come from a sequence: they order the log but may skip a number that a failed commit took. The seals name
-- the head of every chain (store/src/seal.rs), which ties the chains together; the records already stored are chain 0.
ALTER TABLE audit_log ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
CREATE INDEX audit_log_chain ON audit_log (chain, seq);
CREATE SEQUENCE audit_log_seq;
SELECT setval('audit_log_seq', COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1, false);
