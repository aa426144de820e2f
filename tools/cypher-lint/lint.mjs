// Lint Cypher statements with Neo4j's parser. Reads JSON from stdin:
//   [{"name": "...", "query": "...", "parameters": ["rows", "push"]}, ...]
// and prints JSON: [{"name", "diagnostics": [{"severity", "message", "offsets"}]}, ...].
// Parameters named in "parameters" are declared, so only real problems are reported.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const statements = JSON.parse(input);
  const out = statements.map(({ name, query, parameters }) => {
    const params = Object.fromEntries((parameters || []).map((p) => [p, null]));
    const result = lintCypherQuery(query, { parameters: params });
    return {
      name,
      diagnostics: result.diagnostics.map((d) => ({
        severity: d.severity, message: d.message, offsets: d.offsets,
      })),
    };
  });
  process.stdout.write(JSON.stringify(out));
});
