// Exact betweenness of a projection made by hubs_gds_project.cypher (Neo4j GDS): directed,
// unweighted, unnormalised (ordered pairs); the backend divides by (n-1)(n-2) as NetworkX does.
// params: graph
CALL gds.betweenness.stream($graph) YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score
