-- PostgreSQL only (see postgres/0029_appeal_fact_shards.sql): SQLite has one writer at a time, so its sums have no
-- hot rows to spread.
SELECT 1;
