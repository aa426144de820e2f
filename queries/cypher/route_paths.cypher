// Documented referral paths (紹介, one to three hand-offs) out of the start nodes, with what
// the routing score reads from each referral: topics, regions, count, evidence.
// Reads the current generation only (the pointer a push switches last).
// params: starts
MATCH (cur:`_shienmap` {id: 'current'})
UNWIND $starts AS start
MATCH p = (s {id: start})-[:`紹介`*1..3]->(x)
WHERE s._push = cur.push
RETURN start,
       [n IN nodes(p) | n.id] AS path,
       [r IN relationships(p) | {topics: r.topics, regions: r.regions, count: r.count,
                                 evidence_doc: r.evidence_doc, evidence_start: r.evidence_start,
                                 evidence_end: r.evidence_end,
                                 evidence_quote: r.evidence_quote}] AS referrals
