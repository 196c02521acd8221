-- The escalation sweep reads the items whose deadline clock runs (`open_item_states`: by id, a slice at a time).
-- Through the primary key it walked every closed item to find them: a province's open items are its newest, so the
-- first slice of a 1M-appeal city read 897,000 closed rows (0.7–1.3 s on PostgreSQL, every five minutes on every
-- instance). These indexes hold only the items the sweep looks at, in its order.
CREATE INDEX appeals_clock_running ON appeals (id) WHERE status IN ('assigned', 'in_progress', 'reopened', 'answered');
CREATE INDEX tasks_clock_running ON tasks (id) WHERE status IN ('assigned', 'in_progress', 'reopened', 'answered');
CREATE INDEX disputes_clock_running ON disputes (id) WHERE status IN ('assigned', 'in_progress', 'reopened', 'answered');
