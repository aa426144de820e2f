// Drops a projection made by hubs_gds_project.cypher (Neo4j GDS); no error if it is gone.
// params: graph
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName AS graph
