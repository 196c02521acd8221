-- The dashboard's open appeals and lights, and the bulletins' overdue count, as sums by day (issue 17): `closed`
-- counts a submitted appeal on the day it closed (open = submitted − closed), and `warning`, `red` and `overdue` are
-- dated ahead from each appeal's state (store/src/facts/outlook.rs): their sums up to a day are that day's yellow
-- lights, red lights and answers overdue (超期未办结).
ALTER TABLE appeal_facts ADD COLUMN closed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE appeal_facts ADD COLUMN warning BIGINT NOT NULL DEFAULT 0;
ALTER TABLE appeal_facts ADD COLUMN red BIGINT NOT NULL DEFAULT 0;
ALTER TABLE appeal_facts ADD COLUMN overdue BIGINT NOT NULL DEFAULT 0;

-- Counted again from every appeal's history on the next start (connect.rs).
INSERT INTO zhuqi_meta (key, value) VALUES ('rebuild_appeal_facts', 'pending') ON CONFLICT (key) DO NOTHING;

-- A bulletin lists the most overdue open items first: by resolve deadline.
CREATE INDEX appeals_open_resolve_due ON appeals (resolve_due, id) WHERE closed_at IS NULL;
-- The open appeals by when they last changed (closed_at IS NULL): those changed since a past day (a bulletin of last
-- month), those paused for longer than the sums count ahead. Not a partial index: SQLite would rather take the
-- closings' index for "closed_at IS NULL" than a partial one for a range of updated_at.
CREATE INDEX appeals_closed_updated ON appeals (closed_at, updated_at);
