-- The dashboard's figures (headline.rs) count every collected appeal of a scope. Nineteen in twenty are closed, and a
-- closed appeal never changes again: this index holds exactly the columns the counts and the scopes read, for closed
-- rows only, so the counts read it instead of every wide row, and only the transition that closes an item writes it.
-- (closed_at is listed too: SQLite reads a partial index as covering only if it holds the columns of its WHERE.)
-- Open items are read from the partial index of open items (0003), as the lists read them.
CREATE INDEX appeals_closed_figures ON appeals
    (region_code, status, resolved, rating, reopen_count, common_issue_id, enterprise_id, unit_id, submitted_at, closed_at)
    WHERE closed_at IS NOT NULL;
