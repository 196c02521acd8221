-- Sums without hot rows (issue 17, point 3). Every appeal submitted today in one region and category adds to the same
-- day's, month's and year's rows of `appeal_facts`: on PostgreSQL each create waited for the one before it to commit
-- (a province's creates ran one at a time). Each write now adds to rows of its own `shard` — the writing connection's
-- server process id, which no two connections share at once — and a job folds those rows into shard 0 every few
-- seconds (store/src/facts/shards.rs). Every read sums over the shards, so a figure is the same before and after a fold.
-- SQLite has one writer at a time: it writes shard-less rows and needs none of this.
ALTER TABLE appeal_facts ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeal_facts DROP CONSTRAINT appeal_facts_pkey;
ALTER TABLE appeal_facts ADD PRIMARY KEY (period, region_code, unit_id, category_code, level, shard);
-- The rows waiting to be folded.
CREATE INDEX appeal_facts_unfolded ON appeal_facts (shard) WHERE shard <> 0;
