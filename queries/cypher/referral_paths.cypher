// All referral paths (紹介, up to four hand-offs) from one institution or kind to another.
// params: source, target
MATCH p = (a {name: $source})-[:`紹介`*1..4]->(b {name: $target})
RETURN [n IN nodes(p) | n.name] AS path, length(p) AS hops,
       [r IN relationships(p) | r.evidence_quote[0]] AS first_quotes
ORDER BY hops
