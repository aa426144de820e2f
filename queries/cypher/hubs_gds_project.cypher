// Projects the relation graph `hubs` analyses into the Graph Data Science catalog (Neo4j with
// GDS only): institutions (機関) joined by relations of the chosen types, self-relations left
// out; a directed type keeps its direction, an undirected one counts both ways; the weight of
// an arc is the number of typed relations behind it (as queries/hubs.py relation_graph).
// Reads the current generation only (the pointer a push switches last).
// params: graph (a name unique to this run), relations, directed (the directed types)
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (a:`機関`)-[r]->(b:`機関`)
WHERE a._push = cur.push AND b._push = cur.push AND a <> b AND type(r) IN $relations
UNWIND CASE WHEN type(r) IN $directed THEN [[a, b]] ELSE [[a, b], [b, a]] END AS arc
WITH arc[0] AS s, arc[1] AS t, count(*) AS weight
WITH gds.graph.project($graph, s, t, {relationshipProperties: {weight: toFloat(weight)}}) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS arcs
