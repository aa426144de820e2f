// Resolve the institution (or kind) holding a case, by name or alias.
// Reads the current generation only (the pointer a push switches last).
// params: name
MATCH (cur:`_shienmap` {id: 'current'})
MATCH (n)
WHERE (n:`機関` OR n:`機関種別`) AND n._push = cur.push
  AND (n.name = $name OR $name IN coalesce(n.aliases, []))
RETURN n.id AS id, n.name AS name, labels(n) AS labels
ORDER BY id
