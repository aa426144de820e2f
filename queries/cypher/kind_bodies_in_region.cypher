// The institutions of some kinds located in one region (a municipality): the bodies a kind is
// brought down to for a case there (queries/routing.py body_for).
// Reads the current generation only (the pointer a push switches last).
// params: kinds, region
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (b:`機関`)-[:`種別`]->(k:`機関種別`)
WHERE k.id IN $kinds AND b.region = $region AND b._push = cur.push
RETURN DISTINCT b.id AS id
ORDER BY id
