-- The escalation sweep reads the open items a slice at a time (`open_item_states`). Walking the primary key it read
-- every closed item to find them: a province's open items are its newest, so the first slice of a 1M-appeal city
-- read 897,000 closed rows (0.7–1.3 s on PostgreSQL, every five minutes on every instance). It now walks the open
-- items' index by registration (appeals_open, 0003); meeting tasks and dispute cases get the same index.
-- (An index of the clock-running statuses alone was tried: PostgreSQL then combined it with the status index for a
-- list of one status, misjudged the overlap and sorted every such item — 3 ms → 58 ms for a page at 1M.)
CREATE INDEX tasks_open ON tasks (created_at, id) WHERE closed_at IS NULL;
CREATE INDEX disputes_open ON disputes (created_at, id) WHERE closed_at IS NULL;
