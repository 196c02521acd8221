-- PostgreSQL only (see postgres/0036_narrow_sums.sql): SQLite stores integers by their size and plans without
-- statistics.
SELECT 1;
