// Where a routing search starts: the holder, its kind, the kind's broader kinds, and the
// institutions of the same kind elsewhere (whose documented practice may carry over).
// Reads the current generation only (the pointer a push switches last).
// params: holder
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (h {id: $holder}) WHERE h._push = cur.push
OPTIONAL MATCH (h)-[:`種別`]->(k:`機関種別`)
WITH h, CASE WHEN h:`機関種別` THEN h ELSE k END AS kind
OPTIONAL MATCH (kind)-[:`上位種別`*1..5]->(broader:`機関種別`)
OPTIONAL MATCH (peer:`機関`)-[:`種別`]->(kind)
RETURN h.id AS holder, kind.id AS kind, collect(DISTINCT broader.id) AS broader,
       collect(DISTINCT peer.id) AS peers
