-- Lists filtered by one status count and page on an index of their own (issue 13): a city's 已办结 are most of its
-- appeals, and counting them through the registration-time index read every row (37 ms at 30,000 appeals). Status
-- first, so the count and the page's steps are read from the index alone; the region rides along for the scope.
CREATE INDEX appeals_status ON appeals (status, created_at, id, region_code);

-- The audit log searched by one action: without it the count read the whole log, before and after images included.
CREATE INDEX audit_log_action ON audit_log (action, seq);
