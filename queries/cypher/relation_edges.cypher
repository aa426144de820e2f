// Relations between institutions and kinds, of the chosen types (for hub analysis).
// params: relations
MATCH (a)-[r]->(b)
WHERE type(r) IN $relations AND (a:`機関` OR a:`機関種別`) AND (b:`機関` OR b:`機関種別`)
RETURN a.id AS source, b.id AS target, type(r) AS type, r.regions AS regions
ORDER BY source, target, type
