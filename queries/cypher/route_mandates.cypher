// Who handles a case's topics: the 対応 edges of mandates.toml (role, rank and the reference
// each rests on), and, for a kind, the bodies of it or of a narrower kind (商工団体 -> 商工会)
// located in the case's region.
// Reads the current generation only (the pointer a push switches last).
// params: topics, region
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (h)-[r:`対応`]->(t:`課題`)
WHERE t.id IN $topics AND h._push = cur.push AND t._push = cur.push
OPTIONAL MATCH (b:`機関`)-[:`種別`]->(:`機関種別`)-[:`上位種別`*0..1]->(h)
WHERE b.region = $region AND b._push = cur.push
RETURN h.id AS handler, t.id AS topic, t.name AS topic_name, r.role AS role, r.rank AS rank,
       r.reference AS reference, r.first AS first, collect(DISTINCT b.id) AS bodies
ORDER BY handler, topic
