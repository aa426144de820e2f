// PageRank and betweenness with the Neo4j Graph Data Science library, when it is installed
// (not on FalkorDB). Projects the relations of the chosen types, scores, drops the projection.
// Reads the current generation only (the pointer a push switches last).
// params: relations, top
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (a)-[r]->(b)
WHERE a._push = cur.push AND type(r) IN $relations AND (a:`機関` OR a:`機関種別`)
  AND (b:`機関` OR b:`機関種別`)
WITH gds.graph.project('shienmap_hubs', a, b) AS g
CALL gds.pageRank.stream('shienmap_hubs') YIELD nodeId, score AS pagerank
WITH gds.util.asNode(nodeId) AS n, pagerank
CALL gds.betweenness.stream('shienmap_hubs') YIELD nodeId, score AS betweenness
WITH n, pagerank, gds.util.asNode(nodeId) AS m, betweenness
WHERE m = n
RETURN n.id AS id, n.name AS name, pagerank, betweenness
ORDER BY pagerank DESC, id
LIMIT $top
