// The server's procedures (Neo4j 5): which graph algorithms `hubs --backend cypher` may use.
SHOW PROCEDURES YIELD name
WHERE name STARTS WITH 'gds.'
RETURN name
