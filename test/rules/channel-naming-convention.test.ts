import rule from '../../rules/docs/channel-naming-convention.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/orders';
const LP_ASYNC = 'docs/features/loyalty-points/asyncapi/loyalty.points-awarded.v1.yaml';

const contract = (channel: string) => md(`# Contract: \`${channel}\``, '', '## Summary', '- **Status**: Active');

/** An AsyncAPI file with one channel; its `messages:` key is on line 5. */
const asyncapi = (address: string, ...messageNames: string[]) =>
  md(
    'asyncapi: 3.1.0',
    'channels:',
    '  main:',
    `    address: ${address}`,
    '    messages:',
    ...messageNames.flatMap((m) => [`      ${m}:`, `        name: ${m}`]),
  );

const design = (...bullets: string[]) => md('# Design', '', '## Boundary contracts (conceptual, not code)', ...bullets);
const readme = (...entries: string[]) => md('# Orders', '', '## Channels owned', ...entries);

const edit = (from: string, to: string): FileTree => {
  if (!loyalty[LP_ASYNC].includes(from)) throw new Error(`fixture lacks ${from}`);
  return { ...loyalty, [LP_ASYNC]: loyalty[LP_ASYNC].replace(from, to) };
};

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 50 Passes example: one semantic channel per event type',
      files: {
        [`${F}/contracts/orders.placed.v1.md`]: contract('orders.placed.v1'),
        [`${F}/contracts/orders.cancelled.v1.md`]: contract('orders.cancelled.v1'),
        [`${F}/contracts/orders.shipped.v1.md`]: contract('orders.shipped.v1'),
        [`${F}/asyncapi/orders.placed.v1.yaml`]: asyncapi('orders.placed.v1', 'OrderPlaced'),
        [`${F}/asyncapi/orders.cancelled.v1.yaml`]: asyncapi('orders.cancelled.v1', 'OrderCancelled'),
        [`${F}/asyncapi/orders.shipped.v1.yaml`]: asyncapi('orders.shipped.v1', 'OrderShipped'),
      },
    },
    {
      name: 'hyphens and underscores inside segments, derived channels, higher versions',
      files: {
        [`${F}/design.md`]: design('- `order_fulfilment.label-printed.v12` — ordering key: `order_id`'),
        [`${F}/README.md`]: readme('- `orders.placed.v1.dlq`: produced. See x.'),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 50 Fails example: a generic contract name and an AsyncAPI channel with three messages',
      files: {
        [`${F}/contracts/OrderEvents.md`]: contract('OrderEvents'),
        [`${F}/asyncapi/OrderEvents.yaml`]: asyncapi('OrderEvents', 'OrderPlaced', 'OrderCancelled', 'OrderShipped'),
      },
      errors: [
        { messageId: 'generic', path: `${F}/contracts/OrderEvents.md`, line: 1, severity: 'Important' },
        { messageId: 'multipleMessages', path: `${F}/asyncapi/OrderEvents.yaml`, line: 5, severity: 'Important' },
      ],
    },
    {
      name: 'grammar problems are Suggestions, reported once per name at its first spelling',
      files: {
        [`${F}/design.md`]: design('- `orders.placed` — ordering key: `order_id`', '- `Orders.Cancelled.v1` — ordering key: `order_id`'),
        [`${F}/README.md`]: readme('- `orders.placed`: produced. See x.', '- `orders_shipped.v1`: produced. See y.'),
      },
      errors: [
        { messageId: 'grammar', path: `${F}/design.md`, line: 4, severity: 'Suggestion' },
        { messageId: 'grammar', path: `${F}/design.md`, line: 5, severity: 'Suggestion' },
        { messageId: 'grammar', path: `${F}/README.md`, line: 5, severity: 'Suggestion' },
      ],
    },
    {
      name: 'a generic name in the README',
      files: { [`${F}/README.md`]: readme('- `events`: produced. See x.') },
      errors: [{ messageId: 'generic', path: `${F}/README.md`, line: 4, severity: 'Important' }],
    },
    {
      name: 'loyalty: the example CloudEvents type carries another version',
      files: edit('type: com.example.loyalty.points-awarded.v1', 'type: com.example.loyalty.points-awarded'),
      errors: [{ messageId: 'exampleType', path: LP_ASYNC, line: 47, severity: 'Suggestion' }],
    },
  ],
});
