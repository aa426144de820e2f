// Resolve the institution (or kind) holding a case, by name or alias.
// params: name
MATCH (n)
WHERE (n:`機関` OR n:`機関種別`) AND (n.name = $name OR $name IN coalesce(n.aliases, []))
RETURN n.id AS id, n.name AS name, labels(n) AS labels
ORDER BY id
