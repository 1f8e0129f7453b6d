import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildArtifactModel, isWrittenArtifact, summaryStatusSet } from '../../src/artifacts/model.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree } from '../harness/docs-rule-tester.js';

const files = (tree: Record<string, string>) => Object.entries(tree).map(([path, text]) => ({ path, text }));
const F = 'docs/features/loyalty-points';
const CHANNEL = 'loyalty.points-awarded.v1';

describe('buildArtifactModel', () => {
  const tree = readFixtureTree(LOYALTY_POINTS_FIXTURE);

  it('builds the loyalty-points feature of artifacts.md §10', () => {
    const model = buildArtifactModel(files(tree));
    assert.deepEqual(model.skipped, []);
    assert.deepEqual([...model.features.keys()], ['loyalty-points']);
    const feature = model.features.get('loyalty-points')!;
    assert.equal(feature.readme?.path, `${F}/README.md`);
    assert.equal(feature.design?.doc.title?.text, 'Loyalty Points Design');
    assert.deepEqual([...feature.contracts.keys()], [CHANNEL]);
    assert.deepEqual([...feature.schemas.keys()], [CHANNEL]);
    assert.equal(feature.schemas.get(CHANNEL)!.length, 1);
    assert.deepEqual([...feature.asyncapi.keys()], [CHANNEL]);
    assert.equal(feature.runbooks.length, 1);
    assert.equal(feature.launches.length, 1);
    assert.equal(feature.adrs.length, 1);
    assert.equal(feature.adrs[0].classification.number, '0001');
    assert.deepEqual(feature.archdocs, []);
    assert.equal(model.platform.catalog?.path, 'docs/system/catalog.md');
    assert.equal(model.artifacts.size, 9);
    assert.equal(model.paths.size, 9);
  });

  it('keeps structured values with line lookup', () => {
    const feature = buildArtifactModel(files(tree)).features.get('loyalty-points')!;
    const asyncapi = feature.asyncapi.get(CHANNEL)!;
    assert.equal(asyncapi.syntax, 'yaml');
    assert.equal(asyncapi.lineOf(['channels', 'pointsAwardedV1', 'x-ordering-key']), 14);
    const [schema] = feature.schemas.get(CHANNEL)!;
    assert.equal(schema.syntax, 'json');
    assert.equal(schema.syntax === 'json' && schema.lineOf(['properties', 'member_id']), 9);
  });

  it('sorts launches by date and ADRs by number', () => {
    const launch = (date: string) => [`${F}/launches/${date}.md`, `## Summary\n- **Date**: ${date}\n`];
    const model = buildArtifactModel(
      files(
        Object.fromEntries([
          launch('2026-07-01'),
          launch('2026-05-20'),
          [`${F}/adrs/0010-later.md`, '# ADR-0010\n'],
          [`${F}/adrs/0002-earlier.md`, '# ADR-0002\n'],
        ]),
      ),
    );
    const feature = model.features.get('loyalty-points')!;
    assert.deepEqual(
      feature.launches.map((l) => l.classification.date),
      ['2026-05-20', '2026-07-01'],
    );
    assert.deepEqual(
      feature.adrs.map((a) => a.classification.number),
      ['0002', '0010'],
    );
  });

  it('puts unparseable, oversized and binary files in skipped, never throws', () => {
    const model = buildArtifactModel(
      [
        { path: `${F}/schemas/${CHANNEL}.json`, text: '{ "type": "object", }' },
        { path: `${F}/asyncapi/${CHANNEL}.yaml`, text: 'a: [1, 2\nb: 3\n' },
        { path: `${F}/design.md`, text: `# Design\n${'x'.repeat(3000)}\n` },
        { path: `${F}/contracts/${CHANNEL}.md`, text: '# Contract\u0000' },
        { path: `${F}/runbooks/dlq-triage.md`, text: `${'>'.repeat(100)} x\n` },
      ],
      { maxMarkdownBytes: 2000, side: 'head' },
    );
    const skipped = model.skipped.map((s) => [s.path, s.reason, s.side]);
    assert.deepEqual(skipped, [
      [`${F}/asyncapi/${CHANNEL}.yaml`, 'unparseable', 'head'],
      [`${F}/contracts/${CHANNEL}.md`, 'binary', 'head'],
      [`${F}/design.md`, 'too-large', 'head'],
      [`${F}/runbooks/dlq-triage.md`, 'unparseable', 'head'],
      [`${F}/schemas/${CHANNEL}.json`, 'unparseable', 'head'],
    ]);
    assert.match(model.skipped[4].detail, /line 1/);
    assert.match(model.skipped[2].detail, /over the Markdown limit of 2000/);
    const feature = model.features.get('loyalty-points');
    assert.equal(feature, undefined, 'no parsed artifact, so no feature slot');
    assert.equal(model.paths.has(`${F}/schemas/${CHANNEL}.json`), true, 'an unreadable file still exists');
  });

  it('holds every path of the tree, loaded or not, and the unclassified feature files', () => {
    const model = buildArtifactModel([{ path: `${F}/notes/idea.md`, text: '# Idea\n' }], {
      allPaths: [`${F}/notes/idea.md`, `${F}/design.md`, 'src/index.ts'],
    });
    assert.deepEqual([...model.paths].sort(), [`${F}/design.md`, `${F}/notes/idea.md`, 'src/index.ts']);
    assert.deepEqual(model.features.get('loyalty-points')!.unclassified, [`${F}/notes/idea.md`]);
    assert.equal(model.artifacts.size, 0);
  });

  it('groups platform docs', () => {
    const model = buildArtifactModel(
      files({
        'docs/system/adrs/0001-envelope.md': '# ADR-0001\n',
        'docs/system/runbooks/broker-outage.md': '# Runbook\n',
        'docs/system/standards/envelope.md': '# Standard\n',
        'docs/system/architecture-overview.md': '# Overview\n',
        'docs/system/glossary.md': '# Glossary\n',
      }),
    );
    const p = model.platform;
    assert.deepEqual(
      [p.adrs.length, p.runbooks.length, p.standards.length, p.archdocs.length, [...p.sysdocs.keys()]],
      [1, 1, 1, 1, ['glossary']],
    );
    assert.equal(model.features.size, 0);
  });

  it('resolves the feature of legacy files the way the migration script does', () => {
    const model = buildArtifactModel(
      files({
        'docs/services/orders/README.md': '# Orders\n- `orders.placed.v1`: produced\n',
        'docs/features/billing/README.md': '# Billing\n- `orders.placed.v1`: consumed\n',
        'docs/contracts/orders.placed.v1.md': '# Contract: `orders.placed.v1`\n',
        'schemas/invoices.sent.v1.json': '{}',
        'docs/designs/order-fulfillment-design.md': '# Design\n',
        'docs/runbooks/order-fulfillment-dlq-triage.md': '# Runbook\n',
      }),
    );
    const slugOf = (path: string) => model.legacy.find((a) => a.path === path)?.slug;
    assert.equal(slugOf('docs/contracts/orders.placed.v1.md'), 'orders');
    assert.equal(slugOf('schemas/invoices.sent.v1.json'), undefined);
    assert.equal(slugOf('docs/runbooks/order-fulfillment-dlq-triage.md'), 'order-fulfillment');
    assert.equal(model.legacy.find((a) => a.path.startsWith('docs/runbooks/'))!.classification.incident, 'dlq-triage');
    assert.equal(model.features.has('orders'), false, 'legacy files stay out of the per-feature slots');
  });
});

describe('per-type facts', () => {
  it('isWrittenArtifact covers the seven written types (artifacts.md §5)', () => {
    for (const t of ['design', 'adr', 'archdoc', 'contract', 'runbook', 'launch', 'standard', 'legacy-design'] as const) {
      assert.equal(isWrittenArtifact(t), true, t);
    }
    for (const t of ['readme', 'catalog', 'sysdoc', 'schema', 'asyncapi', 'unclassified', 'legacy-readme'] as const) {
      assert.equal(isWrittenArtifact(t), false, t);
    }
  });

  it('summaryStatusSet follows the table of §5.1', () => {
    assert.deepEqual(summaryStatusSet('launch')!.listed, ['GO', 'NO-GO']);
    assert.equal(summaryStatusSet('launch')!.accepts('NO-GO'), true);
    assert.equal(summaryStatusSet('launch')!.accepts('Accepted'), false);
    assert.equal(summaryStatusSet('design')!.accepts('Retired'), true, 'general set tolerated');
    assert.equal(summaryStatusSet('design')!.accepts('Active'), false);
    assert.equal(summaryStatusSet('adr')!.accepts('Superseded by ADR-0007'), true);
    assert.equal(summaryStatusSet('adr')!.accepts('Superseded by [ADR-0007](0007-x.md)'), true);
    assert.equal(summaryStatusSet('adr')!.accepts('Deferred'), true);
    assert.equal(summaryStatusSet('contract')!.accepts('`Deprecating`'), true);
    assert.equal(summaryStatusSet('contract')!.accepts('Accepted'), false);
    assert.equal(summaryStatusSet('runbook')!.accepts('Deprecating'), false);
    assert.equal(summaryStatusSet('standard')!.accepts('active'), true);
    assert.equal(summaryStatusSet('readme'), null);
  });
});
