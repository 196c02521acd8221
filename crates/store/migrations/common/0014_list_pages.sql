-- Lists show page N of M (issue 13): a page deep in a city's list steps over the rows before it. The registration-time
-- index also holds the region (which never changes, so no transition writes it), so that a dispatcher's or leader's
-- scope is checked on the index alone while stepping, and the rows of the page are read whole only once found.
DROP INDEX appeals_created;
CREATE INDEX appeals_created ON appeals (created_at, id, region_code);
