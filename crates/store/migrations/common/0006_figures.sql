-- The bulletins' figures (SPEC §6) are counted as of any date. Three more facts of each appeal are kept in columns,
-- derived from its state when each event is written, like the other derived columns:
--   on_time            1/0 once resolved: the answer that resolved it met its cycle's resolve deadline (按期办结);
--   work_days          working days from first assignment to that answer (avg_working_days);
--   first_reopened_at  when the enterprise first rejected an answer (重办 counted as of a date).
ALTER TABLE appeals ADD COLUMN on_time BIGINT;
ALTER TABLE appeals ADD COLUMN work_days BIGINT;
ALTER TABLE appeals ADD COLUMN first_reopened_at BIGINT;

-- The closed rows' index now holds what the figures read, grouped by region, unit and category.
DROP INDEX appeals_closed_figures;
CREATE INDEX appeals_closed_figures ON appeals
    (region_code, unit_id, category_code, level, status, resolved, on_time, rating, work_days, first_reopened_at,
     reopen_count, common_issue_id, enterprise_id, submitted_at, closed_at)
    WHERE closed_at IS NOT NULL;

-- Rows written before this migration get the new columns from their history on the next start (connect.rs).
INSERT INTO zhuqi_meta (key, value) VALUES ('backfill_figures', 'pending');

-- Items closed after a date: the overdue items of a past date are found among the open ones and these. Written only by
-- the first assignment and the closing. Partial on first_assigned_at (which the overdue query bounds) rather than on
-- closed_at: otherwise SQLite would read the figures' `closed_at IS NOT NULL` through it, row by row, instead of
-- through the covering index above.
CREATE INDEX appeals_closed_at ON appeals (closed_at) WHERE first_assigned_at IS NOT NULL;
