-- Figures from facts by day (issue 17, SPEC §6). Every figure as of a day is a sum of what the appeals did up to
-- that day; these tables hold those sums per (period, region, unit, category, level), kept by the store in the
-- transaction of every write that changes an appeal's facts (store/src/facts/). A figure then reads a few thousand
-- rows, whatever the number of appeals.
--
-- `period` is a year (2026), a month (202611) or a day (20261104), China time: each fact is counted in the three rows
-- of its day, month and year, so "up to 2026-11-04" is the years before 2026, the months of 2026 before November
-- and November's first four days. The three forms have 4, 6 and 8 digits and never meet.
-- `unit_id` 0 and `level` '' stand for an appeal not yet assigned (a key column cannot be NULL).
CREATE TABLE appeal_facts (
    period            INTEGER NOT NULL,
    region_code       TEXT NOT NULL,
    unit_id           BIGINT NOT NULL,
    category_code     TEXT NOT NULL,
    level             TEXT NOT NULL,
    -- On the day it was submitted.
    submitted         BIGINT NOT NULL,
    -- On the day the enterprise first rejected an answer (重办).
    reopened          BIGINT NOT NULL,
    -- On the day it was closed: withdrawn or found invalid after its submission (voided, of which reopened before),
    -- resolved (of which on time; the working days of those with a first assignment, and how many they are), rated
    -- (five stars, four or five).
    voided            BIGINT NOT NULL,
    voided_reopened   BIGINT NOT NULL,
    resolved          BIGINT NOT NULL,
    on_time           BIGINT NOT NULL,
    work_days         BIGINT NOT NULL,
    timed             BIGINT NOT NULL,
    rated             BIGINT NOT NULL,
    five_star         BIGINT NOT NULL,
    satisfied         BIGINT NOT NULL,
    PRIMARY KEY (period, region_code, unit_id, category_code, level)
);

-- "New in a period" excludes the appeals submitted in it that were voided by its end: a count by both days.
-- Only voided appeals have a row here.
CREATE TABLE appeal_voided (
    submitted_on      INTEGER NOT NULL,
    closed_on         INTEGER NOT NULL,
    region_code       TEXT NOT NULL,
    unit_id           BIGINT NOT NULL,
    category_code     TEXT NOT NULL,
    level             TEXT NOT NULL,
    appeals           BIGINT NOT NULL,
    PRIMARY KEY (submitted_on, closed_on, region_code, unit_id, category_code, level)
);

-- The appeals already stored are counted on the next start (connect.rs), in Rust, by the same code that keeps the
-- sums afterwards.
INSERT INTO zhuqi_meta (key, value) VALUES ('rebuild_appeal_facts', 'pending');
