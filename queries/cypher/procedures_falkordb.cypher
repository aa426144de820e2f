// The server's procedures (FalkorDB): which graph algorithms it has (algo.pageRank,
// algo.betweenness, ...).
CALL dbms.procedures() YIELD name
RETURN name
