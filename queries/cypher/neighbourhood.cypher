// An institution's neighbourhood: every relation with its type, direction and evidence.
// Reads the current generation only (the pointer a push switches last).
// params: name
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (n {name: $name})-[r]-(m)
WHERE n._push = cur.push AND (n:`機関` OR n:`機関種別`)
RETURN n.name AS institution, type(r) AS relation,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction, m.name AS other,
       r.count AS count, r.evidence_doc AS documents, r.evidence_quote AS quotes
ORDER BY relation, other
