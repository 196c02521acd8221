-- Which appeals were overdue (超期未办结) at the end of a past day, one by one (store/src/facts/spans.rs): a bulletin
-- of last month listed them by reading every appeal changed since the month's end from its state or its events
-- (at 1M appeals 14,000 rows, 340–630 ms on PostgreSQL, growing with the province's activity). Each state that owes
-- an answer now writes the span of days over which it stands overdue, ended by the next state that stands otherwise:
-- a day's list is the spans that cover it.
CREATE TABLE appeal_overdue_spans (
    appeal_id BIGINT NOT NULL REFERENCES appeals (id),
    -- The first day overdue, and the day it no longer is (NULL: it still stands so), as YYYY-MM-DD.
    from_day TEXT NOT NULL,
    until_day TEXT,
    -- The resolve deadline; NULL while paused (it moves on with each working day of the pause: read from the state).
    resolve_due TEXT,
    -- The appeal as it stood: what the list shows and groups by.
    status TEXT NOT NULL,
    unit_id BIGINT,
    category_code TEXT NOT NULL,
    PRIMARY KEY (appeal_id, from_day)
);
-- A day's spans: those still open, most overdue (earliest deadline) first, paused ones (no deadline) together; and
-- those ended since, that began by then.
CREATE INDEX appeal_overdue_spans_open ON appeal_overdue_spans (resolve_due, appeal_id) WHERE until_day IS NULL;
CREATE INDEX appeal_overdue_spans_ended ON appeal_overdue_spans (until_day, from_day) WHERE until_day IS NOT NULL;

-- The list read the open appeals by deadline from this index; nothing else does.
DROP INDEX appeals_open_resolve_due;

-- Written from every appeal's history on the next start (connect.rs), with the sums.
INSERT INTO zhuqi_meta (key, value) VALUES ('rebuild_appeal_facts', 'pending') ON CONFLICT (key) DO NOTHING;
