// Institutions of a kind (or of a narrower kind) located in a prefecture or its municipalities.
// Reads the current generation only (the pointer a push switches last).
// params: kind, prefecture
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (k:`機関種別` {name: $kind}) WHERE k._push = cur.push
MATCH (place:`地域` {name: $prefecture}) WHERE place._push = cur.push
MATCH (i:`機関`)-[:`種別`]->(ik:`機関種別`)
WHERE i._push = cur.push AND (ik = k OR (ik)-[:`上位種別`*1..4]->(k))
MATCH (i)-[:`所在`]->(r:`地域`)
WHERE r = place OR (r)-[:`包含`]->(place)
RETURN i.name AS institution, ik.name AS kind, r.name AS region
ORDER BY institution
