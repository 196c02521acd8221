-- The 多元解纷 figures (`Store::dispute_figures`) read eight columns of every case in a region. With them all in one
-- index the count reads the index alone, not the cases' rows with their histories: over 100,000 cases on SQLite
-- about 57 ms instead of 163 ms (issue 15's target is 200 ms).
CREATE INDEX disputes_figures ON disputes (
    region_code, created_at, workstation_id, category_code, amount_fen, outcome, answered_at, agreed_fen, status,
    closed_at
);
