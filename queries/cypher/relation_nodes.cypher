// Institutions and kinds with their properties (for hub analysis and maps).
MATCH (n)
WHERE n:`機関` OR n:`機関種別`
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
ORDER BY id
