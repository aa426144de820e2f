// Where a firm would go first for some topics: nodes that handle them (対応, their own or
// their kind's), and the referrals about them that each node makes and receives.
// Reads the current generation only (the pointer a push switches last).
// params: topics
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (n)
WHERE (n:`機関` OR n:`機関種別`) AND n._push = cur.push
OPTIONAL MATCH (n)-[:`対応`]->(t:`課題`) WHERE t.id IN $topics
OPTIONAL MATCH (n)-[:`種別`]->(:`機関種別`)-[:`対応`]->(kt:`課題`) WHERE kt.id IN $topics
OPTIONAL MATCH (n)-[o:`紹介`]->(o_to) WHERE any(x IN coalesce(o.topics, []) WHERE x IN $topics)
WITH n, collect(DISTINCT t.id) + collect(DISTINCT kt.id) AS handled,
     collect(DISTINCT o_to.id) AS refers_to
WHERE size(handled) > 0 OR size(refers_to) > 0
RETURN n.id AS id, handled, refers_to
ORDER BY id
