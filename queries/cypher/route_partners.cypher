// The holder's partnerships (協定, 連携, 同行訪問, either way), with their properties: its own
// documented cooperation, which routing offers when it is about a case topic.
// Reads the current generation only (the pointer a push switches last).
// params: holder
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (h {id: $holder}) WHERE h._push = cur.push
MATCH (h)-[r:`協定`|`連携`|`同行訪問`]-(p)
RETURN startNode(r).id AS source, endNode(r).id AS target, type(r) AS type,
       {topics: r.topics, regions: r.regions, count: r.count, evidence_doc: r.evidence_doc,
        evidence_start: r.evidence_start, evidence_end: r.evidence_end,
        evidence_quote: r.evidence_quote} AS props
ORDER BY source, target, type
