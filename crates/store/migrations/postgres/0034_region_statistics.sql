-- A leader's or the office's scope is a region prefix (`substr(region_code, 1, 4) = '4116'`, scope.rs), which
-- PostgreSQL guesses to keep 0.5% of the rows when it keeps all of a city's: it then read every open item in a
-- status and sorted them (a list of 50 in progress: 67 ms at 1M appeals) instead of walking the status index newest
-- first (0.2 ms). Statistics on the prefixes tell it how many rows each keeps.
CREATE STATISTICS appeals_region_prefixes ON (substr(region_code, 1, 2)), (substr(region_code, 1, 4)) FROM appeals;
ANALYZE appeals;
