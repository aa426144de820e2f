// The topics and evidence sentences of every referral (紹介) about a topic: what the evidence
// index of the user's words is built from (queries/words.py evidence_index).
// Reads the current generation only (the pointer a push switches last).
// params: (none)
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (a)-[r:`紹介`]->(b)
WHERE a._push = cur.push AND r.topics IS NOT NULL
RETURN a.id AS source, b.id AS target, r.topics AS topics, r.evidence_quote AS quotes
ORDER BY source, target
