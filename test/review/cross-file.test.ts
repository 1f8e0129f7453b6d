import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema, defaultConfig } from '../../src/config/schema.js';
import {
  buildCrossFileIndex,
  crossFileIndexFromSources,
  databaseReferences,
  isCrossFileSourcePath,
  loadCrossFileSources,
  serviceResolver,
} from '../../src/review/cross-file.js';
import type { ReadResult } from '../../src/review/source.js';
import detectRule, { detectSharedOltpWrites } from '../../rules/code/shared-oltp-write.js';
import { build } from '../code/model-helpers.js';

describe('service boundaries', () => {
  it('uses configured globs first, else services/ and apps/ folders with a package.json', () => {
    const configured = serviceResolver(configSchema.parse({ services: { orders: 'services/orders/**', web: ['apps/web/**', 'packages/web-*/**'] } }));
    assert.equal(configured('services/orders/src/a.ts'), 'orders');
    assert.equal(configured('packages/web-ui/x.ts'), 'web');
    assert.equal(configured('services/billing/src/a.ts'), null);

    const inferred = serviceResolver(defaultConfig, ['services/orders/package.json', 'apps/api/package.json']);
    assert.equal(inferred('services/orders/src/a.ts'), 'orders');
    assert.equal(inferred('apps/api/src/a.ts'), 'api');
    assert.equal(inferred('services/shared/src/a.ts'), null, 'no package.json: not a service');
    assert.equal(serviceResolver(defaultConfig)('services/shared/src/a.ts'), 'shared', 'paths unknown: folder is enough');
    assert.equal(inferred('libs/x.ts'), null);
  });
});

describe('cross-file sources', () => {
  it('selects schema and deployment files, not tests or examples', () => {
    for (const path of ['services/a/migrations/001.sql', 'services/a/prisma/schema.prisma', 'services/a/src/order.entity.ts',
      'services/a/src/db/schema.ts', 'services/a/.env', 'services/a/.env.production', 'services/a/docker-compose.yml', 'services/a/k8s/deploy.yaml']) {
      assert.ok(isCrossFileSourcePath(path), path);
    }
    for (const path of ['services/a/src/handler.ts', 'services/a/.env.example', 'services/a/test/order.entity.ts', 'services/a/README.md', 'services/a/app.yaml']) {
      assert.ok(!isCrossFileSourcePath(path), path);
    }
  });

  it('loads only sources inside services through the review source', async () => {
    const files: Record<string, string> = {
      'services/orders/package.json': '{}',
      'services/orders/migrations/001.sql': 'CREATE TABLE orders (id int);',
      'services/orders/src/handler.ts': 'export {}',
      'db/migrations/001.sql': 'CREATE TABLE global (id int);',
    };
    const source = {
      listPaths: async () => Object.keys(files).sort(),
      readFile: async (_side: unknown, path: string): Promise<ReadResult> => ({ ok: true, text: files[path]!, bytes: files[path]!.length }),
    };
    const loaded = await loadCrossFileSources(source, 'head', defaultConfig);
    assert.deepEqual(loaded.files.map((f) => f.path), ['services/orders/migrations/001.sql']);
    assert.deepEqual(loaded.paths, ['services/orders/package.json']);
  });

  it('reads write-credential database URLs from deployment files', () => {
    const refs = databaseReferences({
      path: 'services/a/.env',
      text: [
        '# DATABASE_URL=postgres://old@pg:5432/legacy',
        'DATABASE_URL=postgres://app:pw@pg.internal:5432/commerce',
        'REPORTS_URL=postgresql://reporting_ro:pw@pg.internal/commerce',
        'REPLICA_URL=postgres://app:pw@pg-replica.internal/commerce',
        'MONGO_URL=mongodb+srv://svc:pw@cluster0.mongodb.net/catalog?retryWrites=true',
        'TEMPLATED=postgres://app:pw@${DB_HOST}/commerce',
      ].join('\n'),
    }, 'a');
    assert.deepEqual(refs.map((r) => [r.line, r.database, r.user]), [
      [2, 'pg.internal/commerce', 'app'],
      [5, 'cluster0.mongodb.net/catalog', 'svc'],
    ]);
  });
});

describe('the index', () => {
  const repo = [
    { path: 'services/orders/migrations/001.sql', text: 'CREATE TABLE orders (id int);\nCREATE TABLE outbox (id int);' },
    { path: 'services/billing/prisma/schema.prisma', text: 'model Invoice {\n  id String @id\n  @@map("invoices")\n}\n' },
    { path: 'services/orders/.env', text: 'DATABASE_URL=postgres://o:pw@pg/commerce' },
    { path: 'services/billing/.env', text: 'DATABASE_URL=postgres://b:pw@pg/commerce' },
  ];

  it('records owners, writes by target and shared databases', () => {
    const billing = build(`import { Pool } from 'pg';
const db = new Pool();
export async function f() {
  await db.query('UPDATE orders SET paid = true');
  await db.query('UPDATE outbox SET sent = true');
  await db.query('INSERT INTO invoices (id) VALUES (1)');
}
`, 'services/billing/src/pay.ts');
    const index = buildCrossFileIndex({ models: [billing], repoFiles: repo, config: defaultConfig });
    assert.deepEqual([...index.services].sort(), ['billing', 'orders']);
    assert.deepEqual([...index.writesByTarget.keys()].sort(), ['invoices', 'orders'], 'outbox writes are infrastructure, not ownership');
    assert.deepEqual(index.ownersOf('orders').map((o) => o.service), ['orders']);
    assert.deepEqual(index.ownersOf('invoice').map((o) => o.service), ['billing']);
    assert.equal(index.ownersOf('outbox').length, 0);
    assert.deepEqual(index.sharedDatabases.map((s) => [s.database, s.references.map((r) => r.service)]), [['pg/commerce', ['orders', 'billing']]]);
    assert.equal(index.claimOnce('x'), true);
    assert.equal(index.claimOnce('x'), false);

    const hits = detectSharedOltpWrites(index, defaultConfig);
    assert.deepEqual(hits.map((h) => h.kind), ['owned-by-other', 'shared-database']);
  });

  it('parses code sources itself for callers outside the code runner', () => {
    const index = crossFileIndexFromSources(
      [{ path: 'services/billing/src/pay.ts', text: `import knex from 'knex';\nconst db = knex({});\nexport const f = () => db('orders').update({ paid: true });\n` }],
      repo,
      defaultConfig,
    );
    const hits = detectSharedOltpWrites(index, defaultConfig, 'services/billing/src/pay.ts');
    assert.equal(hits[0]?.kind, 'owned-by-other');
    assert.equal(hits[0]?.kind === 'owned-by-other' ? hits[0].write.line : 0, 3);
    assert.equal(detectRule.meta.id, 'shared-oltp-write');
  });
});
