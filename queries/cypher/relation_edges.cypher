// Relations between institutions and kinds, of the chosen types (for hub analysis).
// Reads the current generation only (the pointer a push switches last).
// params: relations
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (a)-[r]->(b)
WHERE a._push = cur.push AND type(r) IN $relations AND (a:`機関` OR a:`機関種別`)
  AND (b:`機関` OR b:`機関種別`)
RETURN a.id AS source, b.id AS target, type(r) AS type, r.regions AS regions
ORDER BY source, target, type
