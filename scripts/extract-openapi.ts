// Regenerates fixtures/github/openapi-extract.json: the request-body and query-parameter schemas of
// the GitHub REST operations the App calls, cut out of GitHub's official OpenAPI description. The
// local GitHub simulator validates every request against them (test/simulator/), so a body GitHub
// would reject fails a test here first. The full description ships in @octokit/openapi, 385 MB
// installed, so it is never a dependency; fetch it once into a scratch folder:
//
//   npm pack @octokit/openapi@23.0.2 --pack-destination /tmp
//   tar -xzf /tmp/octokit-openapi-23.0.2.tgz -C /tmp package/generated/api.github.com.deref.json
//   node --import tsx scripts/extract-openapi.ts /tmp/package/generated/api.github.com.deref.json
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SOURCE_PACKAGE = '@octokit/openapi@23.0.2';
const SOURCE_FILE = 'generated/api.github.com.deref.json';

/** Operation ids the App and its simulator use; the simulator refuses routes missing here. */
export const OPERATIONS = [
  'apps/get-authenticated',
  'apps/create-installation-access-token',
  'checks/create',
  'checks/update',
  'git/get-tree',
  'issues/create-comment',
  'issues/update-comment',
  'pulls/get',
  'pulls/list',
  'pulls/list-commits',
  'pulls/list-files',
  'pulls/create-review',
  'reactions/create-for-issue-comment',
  // Added without the full description at hand (it is not installable offline): its page and
  // per_page parameters are transcribed from @octokit/openapi-types, generated from the same source.
  'repos/compare-commits-with-basehead',
  'repos/get-collaborator-permission-level',
  'teams/check-permissions-for-repo-in-org',
  'teams/get-membership-for-user-in-org',
] as const;

// Prose and examples are most of the bytes and validate nothing.
const DROPPED_KEYS = new Set(['description', 'example', 'examples', 'externalDocs', 'title']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function strip(value: Json, parentKey = ''): Json {
  if (Array.isArray(value)) return value.map((v) => strip(v));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, inner] of Object.entries(value)) {
    // `properties` maps names to schemas: a property may be called "description" or "title".
    if (parentKey !== 'properties' && DROPPED_KEYS.has(key)) continue;
    out[key] = strip(inner, key);
  }
  return out;
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Json }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
}

export interface ExtractedOperation {
  method: string;
  path: string;
  query: Record<string, { required: boolean; schema: Json }>;
  body: { required: boolean; schema: Json } | null;
}

export function extract(description: { paths: Record<string, Record<string, OpenApiOperation>> }): Record<string, ExtractedOperation> {
  const wanted = new Set<string>(OPERATIONS);
  const found: Record<string, ExtractedOperation> = {};
  for (const [path, item] of Object.entries(description.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op?.operationId || !wanted.has(op.operationId)) continue;
      const query: ExtractedOperation['query'] = {};
      for (const p of op.parameters ?? []) {
        if (p.in === 'query') query[p.name] = { required: p.required === true, schema: strip(p.schema ?? {}) };
      }
      const schema = op.requestBody?.content?.['application/json']?.schema;
      found[op.operationId] = {
        method: method.toUpperCase(),
        path,
        query,
        body: schema ? { required: op.requestBody?.required === true, schema: strip(schema) } : null,
      };
    }
  }
  const missing = OPERATIONS.filter((id) => !found[id]);
  if (missing.length) throw new Error(`operations not found in the description: ${missing.join(', ')}`);
  return Object.fromEntries(OPERATIONS.map((id) => [id, found[id]!]));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const input = process.argv[2];
  if (!input) {
    console.error('usage: node --import tsx scripts/extract-openapi.ts <path to api.github.com.deref.json>');
    process.exit(2);
  }
  const description = JSON.parse(readFileSync(input, 'utf8')) as { info?: { version?: string }; paths: Record<string, Record<string, OpenApiOperation>> };
  const out = {
    source: `${SOURCE_PACKAGE} ${SOURCE_FILE}`,
    apiVersion: description.info?.version ?? null,
    generatedBy: 'scripts/extract-openapi.ts',
    operations: extract(description),
  };
  const target = fileURLToPath(new URL('../fixtures/github/openapi-extract.json', import.meta.url));
  writeFileSync(target, `${JSON.stringify(out, null, 1)}\n`);
  console.log(`wrote ${target} (${OPERATIONS.length} operations)`);
}
