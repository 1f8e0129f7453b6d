import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/channel-name-mismatch.js';
import { buildArtifactModel } from '../../src/artifacts/model.js';
import { defaultConfig } from '../../src/config/schema.js';
import type { ReportDescriptor } from '../../src/review/rule.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/order-fulfillment';
const DESIGN = `${F}/design.md`;
const README = `${F}/README.md`;
const contractPath = (channel: string, feature = F) => `${feature}/contracts/${channel}.md`;
const ASYNC = `${F}/asyncapi/orders.placed.v1.yaml`;

const contract = (channel: string, title = channel, summaryChannel = channel) =>
  md(
    `# Contract: \`${title}\``,
    '',
    '## Summary',
    '- **Status**: Active',
    '- **Date**: 2026-05-13',
    `- **Channel**: \`${summaryChannel}\``,
    '- **Owner**: Orders Platform',
    '- **TL;DR**: Announces a placed order.',
  );

const FACTS = 'ordering key: `order_id`; idempotency key: `id`; retention: 7 days; DLQ owner: Orders Platform; compatibility: BACKWARD';
/** Boundary bullets start at line 4. */
const design = (...bullets: string[]) =>
  md('# Order Fulfillment Design', '', '## Boundary contracts (conceptual, not code)', ...bullets, '', '## Related artifacts', '- none');
/** Channels owned entries start at line 4. */
const readme = (...entries: string[]) => md('# Order Fulfillment', '', '## Channels owned', ...entries);

const placed = { [contractPath('orders.placed.v1')]: contract('orders.placed.v1') };

const asyncapi = (...channels: string[]) => md('asyncapi: 3.1.0', 'channels:', ...channels);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 7 Passes example',
      files: { ...placed, [DESIGN]: design(`- \`orders.placed.v1\` — ${FACTS}`) },
    },
    {
      name: 'consumed channels whose contract lives in another feature (not loaded, only listed)',
      files: {
        ...placed,
        [DESIGN]: design(`- \`orders.placed.v1\` — ${FACTS}`, '- `payments.settled.v1` (consumed) — ordering key: `order_id`; idempotency key: `id`'),
        [README]: readme('- `orders.placed.v1`: produced. See x.', '- `payments.settled.v1`: consumed. See y.'),
      },
      extraPaths: ['docs/features/payments/contracts/payments.settled.v1.md'],
    },
    {
      name: 'sub-bullet form and a both entry',
      files: {
        ...placed,
        [DESIGN]: design('- `orders.placed.v1`', '  - Ordering key: `order_id`', '  - Idempotency key: `id`'),
        [README]: readme('- `orders.placed.v1`: both. See [contract](contracts/orders.placed.v1.md).'),
      },
    },
    {
      name: 'AsyncAPI 2.x: the channel key is the address',
      files: { [ASYNC]: md('asyncapi: 2.6.0', 'channels:', '  orders.placed.v1:', '    subscribe:', '      message:', '        name: OrderPlaced') },
    },
    {
      name: 'a design without a Boundary contracts section is left to boundary-contract-fields',
      files: { ...placed, [DESIGN]: md('# Design', '', '## Summary', '- **Status**: Draft') },
    },
  ],
  invalid: [
    {
      name: 'rule 7 Fails example: one finding on the design bullet',
      files: { ...placed, [DESIGN]: design(`- \`orders.order-placed.v1\` — ${FACTS}`) },
      errors: [{ messageId: 'designPair', path: DESIGN, line: 4, severity: 'Important' }],
    },
    {
      name: 'near miss by version: design says v2, the contract is v1',
      files: { ...placed, [DESIGN]: design(`- \`orders.placed.v2\` — ${FACTS}`) },
      errors: [{ messageId: 'designPair', path: DESIGN, line: 4 }],
    },
    {
      name: 'contract H1 and Summary Channel differ from the file name',
      files: { [contractPath('orders.placed.v1')]: contract('orders.placed.v1', 'orders.placed', 'order.placed.v1') },
      errors: [
        { messageId: 'titleMismatch', path: contractPath('orders.placed.v1'), line: 1 },
        { messageId: 'summaryMismatch', path: contractPath('orders.placed.v1'), line: 6 },
      ],
    },
    {
      name: 'AsyncAPI address differs from its file name',
      files: { [ASYNC]: asyncapi('  placed:', '    address: orders.placed.v01', '    messages: {}') },
      errors: [{ messageId: 'addressMismatch', path: ASYNC, line: 4 }],
    },
    {
      name: 'AsyncAPI with two addresses, and one with none',
      files: {
        [ASYNC]: asyncapi('  a:', '    address: orders.placed.v1', '  b:', '    address: orders.cancelled.v1'),
        [`${F}/asyncapi/orders.shipped.v1.yaml`]: md('asyncapi: 3.1.0', 'info:', '  title: x'),
      },
      errors: [
        { messageId: 'addressCount', path: ASYNC, line: 2 },
        { messageId: 'addressCount', path: `${F}/asyncapi/orders.shipped.v1.yaml`, line: 1 },
      ],
    },
    {
      name: 'unrelated unmatched names: each design channel and each missing contract is its own finding',
      files: {
        [contractPath('orders.cancelled.v1')]: contract('orders.cancelled.v1'),
        [DESIGN]: design(`- \`billing.invoiced.v1\` — ${FACTS}`, `- \`shipping.labelled.v1\` — ${FACTS}`),
      },
      errors: [
        { messageId: 'designWithoutContract', path: DESIGN, line: 4 },
        { messageId: 'designWithoutContract', path: DESIGN, line: 5 },
        { messageId: 'contractNotInDesign', path: DESIGN, line: 3 },
      ],
    },
    {
      name: 'an unmarked design bullet for a channel another feature owns',
      files: { ...placed, [DESIGN]: design(`- \`orders.placed.v1\` — ${FACTS}`, `- \`payments.settled.v1\` — ${FACTS}`) },
      extraPaths: ['docs/features/payments/contracts/payments.settled.v1.md'],
      errors: [{ messageId: 'designWithoutContract', path: DESIGN, line: 5 }],
    },
    {
      name: 'consumed channels without a contract anywhere (design and README)',
      files: {
        ...placed,
        [DESIGN]: design(`- \`orders.placed.v1\` — ${FACTS}`, '- `payments.setled.v1` (consumed) — ordering key: `order_id`; idempotency key: `id`'),
        [README]: readme('- `orders.placed.v1`: produced. See x.', '- `payments.settled.v2`: consumed. See y.'),
      },
      extraPaths: ['docs/features/payments/contracts/payments.settled.v1.md'],
      errors: [
        { messageId: 'consumedWithoutContract', path: DESIGN, line: 5 },
        { messageId: 'consumedWithoutContract', path: README, line: 5 },
      ],
    },
    {
      name: 'README: a misspelt produced entry (one finding) and a contract it does not list',
      files: {
        ...placed,
        [contractPath('orders.cancelled.v1')]: contract('orders.cancelled.v1'),
        [README]: readme('- `orders.placd.v1`: produced. See x.'),
      },
      errors: [
        { messageId: 'readmePair', path: README, line: 4 },
        { messageId: 'contractNotInReadme', path: README, line: 3 },
      ],
    },
    {
      name: 'README lists an owned contract as consumed',
      files: { ...placed, [README]: readme('- `orders.placed.v1`: consumed. See x.') },
      errors: [{ messageId: 'contractNotInReadme', path: README, line: 3 }],
    },
  ],
});

describe('channel-name-mismatch code cross-check (optional engine input)', () => {
  it('names the code call sites that use the deviating spelling in related', () => {
    const files: FileTree = { ...placed, [DESIGN]: design(`- \`orders.order-placed.v1\` — ${FACTS}`) };
    const model = buildArtifactModel(Object.entries(files).map(([path, text]) => ({ path, text })));
    const reports: ReportDescriptor[] = [];
    const context = {
      side: 'head' as const,
      model,
      other: null,
      config: defaultConfig,
      exists: () => true,
      report: (d: ReportDescriptor) => void reports.push(d),
      codeChannels: [{ channel: 'orders.order-placed.v1', path: 'services/orders/publish.ts', line: 12, kind: 'publish' as const }],
    };
    rule.create(context as never).check();
    assert.equal(reports.length, 1);
    assert.deepEqual(reports[0].related, [{ path: 'services/orders/publish.ts', line: 12, note: 'code publishes to orders.order-placed.v1' }]);
  });
});
