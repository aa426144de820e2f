// Institutions and kinds with their properties (for hub analysis and maps).
// Reads the current generation only (the pointer a push switches last).
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (n)
WHERE (n:`機関` OR n:`機関種別`) AND n._push = cur.push
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
ORDER BY id
