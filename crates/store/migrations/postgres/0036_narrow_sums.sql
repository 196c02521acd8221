-- The dashboard and every bulletin sum the sums by day of a scope (`facts::read`): 15,000 rows for a city of 1M
-- appeals. As BIGINTs PostgreSQL sums each column in NUMERIC and, the rows being wide, sorted them to group them
-- (24 ms a read, alone); as INTEGERs it sums in BIGINT and groups them in a hash (10 ms). A count of one period and
-- key never nears 2,147,483,647 (and would fail its write, not wrap); the working days stay BIGINT, being a sum of
-- spans.
ALTER TABLE appeal_facts
    ALTER COLUMN submitted TYPE INTEGER, ALTER COLUMN reopened TYPE INTEGER, ALTER COLUMN voided TYPE INTEGER,
    ALTER COLUMN voided_reopened TYPE INTEGER, ALTER COLUMN resolved TYPE INTEGER, ALTER COLUMN on_time TYPE INTEGER,
    ALTER COLUMN timed TYPE INTEGER, ALTER COLUMN rated TYPE INTEGER, ALTER COLUMN five_star TYPE INTEGER,
    ALTER COLUMN satisfied TYPE INTEGER, ALTER COLUMN closed TYPE INTEGER, ALTER COLUMN warning TYPE INTEGER,
    ALTER COLUMN red TYPE INTEGER, ALTER COLUMN overdue TYPE INTEGER;
ALTER TABLE appeal_voided ALTER COLUMN appeals TYPE INTEGER;
-- The sums and the enterprises are read by region prefix too (see 0034): without statistics PostgreSQL guessed
-- 0.5% of the rows, sorted where it should hash and looped where it should join.
CREATE STATISTICS appeal_facts_region_prefixes ON (substr(region_code, 1, 2)), (substr(region_code, 1, 4))
    FROM appeal_facts;
CREATE STATISTICS appeal_voided_region_prefixes ON (substr(region_code, 1, 2)), (substr(region_code, 1, 4))
    FROM appeal_voided;
CREATE STATISTICS enterprises_region_prefixes ON (substr(region_code, 1, 2)), (substr(region_code, 1, 4))
    FROM enterprises;
ANALYZE appeal_facts;
ANALYZE appeal_voided;
ANALYZE enterprises;
