// All referral paths (紹介, up to four hand-offs) from one institution or kind to another.
// Reads the current generation only (the pointer a push switches last).
// params: source, target
MATCH (cur:`_shienmap` {id: 'current'})
MATCH p = (a {name: $source})-[:`紹介`*1..4]->(b {name: $target})
WHERE a._push = cur.push
RETURN [n IN nodes(p) | n.name] AS path, length(p) AS hops,
       [r IN relationships(p) | r.evidence_quote[0]] AS first_quotes
ORDER BY hops
