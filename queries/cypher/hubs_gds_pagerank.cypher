// Weighted PageRank of a projection made by hubs_gds_project.cypher (Neo4j GDS), damping 0.85
// as NetworkX, iterated to a tolerance well below NetworkX's. GDS scores are not a
// distribution; the backend divides them by their sum, which gives NetworkX's figures.
// params: graph
CALL gds.pageRank.stream($graph, {relationshipWeightProperty: 'weight', dampingFactor: 0.85,
                                  maxIterations: 1000, tolerance: 1.0E-10})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score
