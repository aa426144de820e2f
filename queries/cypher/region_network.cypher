// A region's network: relations between institutions located in a prefecture or in one of
// its municipalities.
// Reads the current generation only (the pointer a push switches last).
// params: region, relations
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (place:`地域` {name: $region}) WHERE place._push = cur.push
MATCH (a:`機関`)-[:`所在`]->(ra:`地域`)
WHERE ra = place OR (ra)-[:`包含`]->(place)
MATCH (a)-[r]->(b:`機関`)-[:`所在`]->(rb:`地域`)
WHERE type(r) IN $relations AND (rb = place OR (rb)-[:`包含`]->(place))
RETURN a.name AS source, type(r) AS relation, b.name AS target, r.count AS count,
       r.evidence_quote[0] AS quote
ORDER BY relation, source, target
