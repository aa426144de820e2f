// Nodes a routing answer is built from, with their kind, broader kinds and handled topics.
// Reads the current generation only (the pointer a push switches last).
// params: ids
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (n)
WHERE n.id IN $ids AND n._push = cur.push
OPTIONAL MATCH (n)-[r]->(m)
WHERE type(r) IN ['種別', '上位種別', '対応']
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props,
       collect({type: type(r), target: m.id}) AS out
