-- Extension requests wait on the dispatcher's desk (issue 13): the days asked for by a pending request are kept in a
-- column derived from the state, like the others, with a partial index holding only the few rows that wait.
ALTER TABLE appeals ADD COLUMN pending_extension BIGINT;
UPDATE appeals SET pending_extension = (state::jsonb ->> 'pending_extension')::bigint
    WHERE closed_at IS NULL AND (state::jsonb ->> 'pending_extension') IS NOT NULL;
CREATE INDEX appeals_pending_extension ON appeals (region_code, updated_at) WHERE pending_extension IS NOT NULL;
