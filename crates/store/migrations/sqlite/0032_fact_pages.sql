-- PostgreSQL only (see postgres/0032_fact_pages.sql): SQLite keeps the sums in key order (WITHOUT ROWID) and
-- rewrites a row in place.
SELECT 1;
