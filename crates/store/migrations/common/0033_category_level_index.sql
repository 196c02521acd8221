-- A list filtered by category and level (county, city, province) was read off the category's index, the level
-- checked row by row: a combination that matches nothing read the whole category (PostgreSQL, 1M appeals: 85,000
-- rows, 2 s). Keyed by both, it reads the page and nothing else. Written when an appeal is created and when it is
-- assigned (the level and category are set then), as the category's index is.
CREATE INDEX appeals_category_level ON appeals (category_code, level, created_at, id);
