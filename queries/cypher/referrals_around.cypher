// Referrals (紹介) made or received by some institutions or kinds, with their properties.
// Reads the current generation only (the pointer a push switches last).
// params: ids
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (a)-[r:`紹介`]->(b)
WHERE a._push = cur.push AND (a.id IN $ids OR b.id IN $ids)
RETURN a.id AS source, b.id AS target,
       {topics: r.topics, regions: r.regions, count: r.count, evidence_doc: r.evidence_doc,
        evidence_start: r.evidence_start, evidence_end: r.evidence_end,
        evidence_quote: r.evidence_quote} AS props
ORDER BY source, target
