// Hubs by degree, in plain Cypher (runs anywhere): relations per institution or kind, by
// type and direction, ranked by total. Betweenness and PageRank: hubs_gds_*.cypher.
// Reads the current generation only (the pointer a push switches last).
// params: relations, top
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (n)-[r]-(m)
WHERE n._push = cur.push AND (n:`機関` OR n:`機関種別`) AND (m:`機関` OR m:`機関種別`)
  AND type(r) IN $relations
WITH n, type(r) AS t, sum(CASE WHEN startNode(r) = n THEN 1 ELSE 0 END) AS outgoing,
     sum(CASE WHEN endNode(r) = n THEN 1 ELSE 0 END) AS incoming
WITH n, collect({type: t, out: outgoing, in: incoming}) AS by_type,
     sum(outgoing + incoming) AS degree
RETURN n.id AS id, n.name AS name, labels(n)[0] AS label, degree, by_type
ORDER BY degree DESC, id
LIMIT $top
