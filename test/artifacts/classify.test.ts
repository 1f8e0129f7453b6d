import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyPath, currentTypeOf, isLegacyType } from '../../src/artifacts/classify.js';

const F = 'docs/features/loyalty-points';

describe('classifyPath', () => {
  const table: [string, ReturnType<typeof classifyPath>][] = [
    ['docs/system/catalog.md', { type: 'catalog', scope: 'platform' }],
    ['docs/system/adrs/0003-event-envelope.md', { type: 'adr', scope: 'platform', number: '0003', title: 'event-envelope' }],
    ['docs/system/runbooks/broker-cluster-outage.md', { type: 'runbook', scope: 'platform', incident: 'broker-cluster-outage' }],
    ['docs/system/standards/event-envelope.md', { type: 'standard', scope: 'platform', topic: 'event-envelope' }],
    ['docs/system/architecture-overview.md', { type: 'archdoc', scope: 'platform', doctype: 'overview' }],
    ['docs/system/dr.md', { type: 'sysdoc', scope: 'platform', name: 'dr' }],
    ['docs/system/glossary.md', { type: 'sysdoc', scope: 'platform', name: 'glossary' }],
    [`${F}/README.md`, { type: 'readme', scope: 'feature', slug: 'loyalty-points' }],
    [`${F}/design.md`, { type: 'design', scope: 'feature', slug: 'loyalty-points' }],
    [`${F}/architecture-impl-plan.md`, { type: 'archdoc', scope: 'feature', slug: 'loyalty-points', doctype: 'impl-plan' }],
    [
      `${F}/adrs/0001-append-only-points-ledger.md`,
      { type: 'adr', scope: 'feature', slug: 'loyalty-points', number: '0001', title: 'append-only-points-ledger' },
    ],
    [
      `${F}/contracts/loyalty.points-awarded.v1.md`,
      { type: 'contract', scope: 'feature', slug: 'loyalty-points', channel: 'loyalty.points-awarded.v1' },
    ],
    [
      `${F}/schemas/loyalty.points-awarded.v1.json`,
      { type: 'schema', scope: 'feature', slug: 'loyalty-points', channel: 'loyalty.points-awarded.v1', format: 'json' },
    ],
    [
      `${F}/schemas/loyalty.points-awarded.v1.avsc`,
      { type: 'schema', scope: 'feature', slug: 'loyalty-points', channel: 'loyalty.points-awarded.v1', format: 'avsc' },
    ],
    [
      `${F}/schemas/loyalty.points-awarded.v1.proto`,
      { type: 'schema', scope: 'feature', slug: 'loyalty-points', channel: 'loyalty.points-awarded.v1', format: 'proto' },
    ],
    [
      `${F}/asyncapi/loyalty.points-awarded.v1.yml`,
      { type: 'asyncapi', scope: 'feature', slug: 'loyalty-points', channel: 'loyalty.points-awarded.v1' },
    ],
    [`${F}/runbooks/dlq-triage.md`, { type: 'runbook', scope: 'feature', slug: 'loyalty-points', incident: 'dlq-triage' }],
    [`${F}/launches/2026-05-20.md`, { type: 'launch', scope: 'feature', slug: 'loyalty-points', date: '2026-05-20' }],
    // Files that miss their row's shape fall through to unclassified.
    [`${F}/adrs/README.md`, { type: 'unclassified', scope: 'feature', slug: 'loyalty-points' }],
    [`${F}/launches/beta.md`, { type: 'unclassified', scope: 'feature', slug: 'loyalty-points' }],
    [`${F}/schemas/loyalty.points-awarded.v1.xsd`, { type: 'unclassified', scope: 'feature', slug: 'loyalty-points' }],
    [`${F}/contracts/old/orders.placed.v1.md`, { type: 'unclassified', scope: 'feature', slug: 'loyalty-points' }],
    [`${F}/diagrams/flow.png`, { type: 'unclassified', scope: 'feature', slug: 'loyalty-points' }],
    // Legacy v0.2 layout.
    ['docs/designs/order-fulfillment-design.md', { type: 'legacy-design', scope: 'feature', slug: 'order-fulfillment' }],
    ['docs/adr/0004-use-outbox.md', { type: 'legacy-adr', scope: 'feature', number: '0004', title: 'use-outbox' }],
    [
      'docs/architecture/order-fulfillment-migration-plan.md',
      { type: 'legacy-archdoc', scope: 'feature', slug: 'order-fulfillment', doctype: 'migration-plan' },
    ],
    ['docs/contracts/orders.placed.v1.md', { type: 'legacy-contract', scope: 'feature', channel: 'orders.placed.v1' }],
    ['schemas/orders.placed.v1.avsc', { type: 'legacy-schema', scope: 'feature', channel: 'orders.placed.v1', format: 'avsc' }],
    ['asyncapi/orders.placed.v1.yaml', { type: 'legacy-asyncapi', scope: 'feature', channel: 'orders.placed.v1' }],
    ['docs/runbooks/order-fulfillment-dlq-triage.md', { type: 'legacy-runbook', scope: 'feature', stem: 'order-fulfillment-dlq-triage' }],
    [
      'docs/launches/order-fulfillment-2026-01-15.md',
      { type: 'legacy-launch', scope: 'feature', slug: 'order-fulfillment', date: '2026-01-15' },
    ],
    ['docs/services/orders/README.md', { type: 'legacy-readme', scope: 'feature', slug: 'orders' }],
    // Not artifacts.
    ['docs/system/notes.md', null],
    ['docs/index.md', null],
    ['src/orders/service.ts', null],
    ['README.md', null],
  ];
  for (const [path, expected] of table) {
    it(path, () => assert.deepEqual(classifyPath(path), expected));
  }
});

describe('legacy types', () => {
  it('map to their v0.3 type', () => {
    assert.equal(isLegacyType('legacy-contract'), true);
    assert.equal(isLegacyType('contract'), false);
    assert.equal(currentTypeOf('legacy-launch'), 'launch');
    assert.equal(currentTypeOf('design'), 'design');
  });
});
