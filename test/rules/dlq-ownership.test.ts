import rule from '../../rules/docs/dlq-ownership.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/order-fulfillment';
const C1 = `${F}/contracts/orders.placed.v1.md`;
const C2 = `${F}/contracts/orders.cancelled.v1.md`;
const RUNBOOK = `${F}/runbooks/dlq-triage.md`;
const DESIGN = `${F}/design.md`;
const README = `${F}/README.md`;

/** DLQ section lines start at line 4: the DLQ field is on line 4. */
const contract = (channel: string, ...dlq: string[]) =>
  md(`# Contract: \`${channel}\``, '', '## DLQ and replay', ...dlq, '', '## Related artifacts', '- none');

const GOOD_DLQ = (channel: string) => [
  `- **DLQ**: \`${channel}.dlq\` (owner: Orders Platform)`,
  '- **Replay/redrive**: operator-only redrive at 50 msg/s or less after the cause is fixed; see [../runbooks/dlq-triage.md](../runbooks/dlq-triage.md).',
];

const runbook = (dashboards: string[], ...extra: string[]) =>
  md(
    '# Runbook: DLQ triage',
    '',
    '## Summary',
    '- **Status**: Active',
    '- **Incident type**: DLQ triage',
    '',
    '## Dashboards',
    ...dashboards,
    '',
    ...extra,
  );

const DASH = ['- `orders/consumer-health`: DLQ depth and age.'];

const design = (...bullets: string[]) => md('# Design', '', '## Boundary contracts (conceptual, not code)', ...bullets);

const edit = (path: string, from: string, to: string): FileTree => {
  if (!loyalty[path].includes(from)) throw new Error(`fixture ${path} lacks ${from}`);
  return { ...loyalty, [path]: loyalty[path].replace(from, to) };
};
const LP_CONTRACT = 'docs/features/loyalty-points/contracts/loyalty.points-awarded.v1.md';
const LP_RUNBOOK = 'docs/features/loyalty-points/runbooks/dlq-triage.md';

const PAY = 'docs/features/payments';
const PAY_CONTRACT = `${PAY}/contracts/payments.settled.v1.md`;
const payments = { [PAY_CONTRACT]: contract('payments.settled.v1', '- **DLQ**: `payments.settled.v1.dlq` (owner: Payments)', '- **Replay/redrive**: operator-only') };
// The payments contract has no runbook of its own; give it one so only the consumer side is judged.
const paymentsRunbook = { [`${PAY}/runbooks/dlq-triage.md`]: runbook(DASH, 'Covers `payments.settled.v1.dlq`.') };

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 12 Passes example with its linked runbook',
      files: { [C1]: contract('orders.placed.v1', ...GOOD_DLQ('orders.placed.v1')), [RUNBOOK]: runbook(DASH) },
    },
    {
      name: 'owner as an Owner sub-field; runbook found by naming the DLQ; a platform runbook linked from the README',
      files: {
        [C1]: contract('orders.placed.v1', '- **DLQ**: `orders.placed.v1.dlq`', '- **Owner**: Orders Platform', '- **Replay/redrive**: operator-only'),
        [RUNBOOK]: runbook(DASH, 'Drains `orders.placed.v1.dlq`.'),
        [C2]: contract('orders.cancelled.v1', '- **DLQ**: `orders.cancelled.v1.dlq` (owner: Orders Platform)', '- **Replay/redrive**: operator-only'),
        [README]: md('# Order Fulfillment', '', '## Shared references', '- Platform DLQ runbook: [dlq](../../system/runbooks/dlq-triage.md)'),
        'docs/system/runbooks/dlq-triage.md': runbook(DASH, 'Covers `orders.cancelled.v1.dlq`.'),
      },
    },
    {
      name: 'design DLQ owner agrees with the contract (teams compared with teamOf)',
      files: {
        [C1]: contract('orders.placed.v1', ...GOOD_DLQ('orders.placed.v1')),
        [RUNBOOK]: runbook(DASH),
        [DESIGN]: design('- `orders.placed.v1` — ordering key: `order_id`; DLQ owner: Orders Platform (#orders-oncall)'),
      },
    },
    {
      name: 'a consumed bullet naming the producer\'s DLQ owner needs no runbook of its own',
      files: {
        ...payments,
        ...paymentsRunbook,
        [DESIGN]: design('- `payments.settled.v1` (consumed) — ordering key: `order_id`; idempotency key: `id`; DLQ owner: Payments'),
      },
    },
    {
      name: 'a consumer-side DLQ with its own covering runbook',
      files: {
        ...payments,
        ...paymentsRunbook,
        [DESIGN]: design('- `payments.settled.v1` (consumed) — ordering key: `order_id`; idempotency key: `id`; DLQ owner: Orders Platform'),
        [RUNBOOK]: runbook(DASH, 'Our dead letters from `payments.settled.v1` go to `payments.settled.v1.quarantine`.'),
      },
    },
    {
      name: 'a Replay/redrive policy written as sub-bullets under the field is the policy',
      files: {
        [C1]: contract(
          'orders.placed.v1',
          GOOD_DLQ('orders.placed.v1')[0],
          '- **Replay/redrive**:',
          '  - operator-only redrive at 50 msg/s or less after the cause is fixed',
          '  - see [../runbooks/dlq-triage.md](../runbooks/dlq-triage.md)',
        ),
        [RUNBOOK]: runbook(DASH),
      },
    },
    {
      name: 'a consumed channel whose producer contract is not loaded is skipped',
      files: { [DESIGN]: design('- `billing.invoiced.v1` (consumed) — ordering key: `id`; idempotency key: `id`; DLQ owner: Orders Platform') },
    },
  ],
  invalid: [
    {
      name: 'rule 12 Fails example: placeholder owner, placeholder redrive, no runbook',
      files: { [C1]: contract('orders.placed.v1', '- **DLQ**: `orders.placed.v1.dlq` (owner: <team>)', '- **Replay/redrive**: <TBD>') },
      errors: [
        { messageId: 'dlqField', path: C1, line: 4, severity: 'Important' },
        { messageId: 'replayPolicy', path: C1, line: 4 },
        { messageId: 'coveringRunbook', path: C1, line: 4 },
      ],
    },
    {
      name: 'loyalty: the DLQ is not a derived channel name',
      files: edit(LP_CONTRACT, '`loyalty.points-awarded.v1.dlq` (owner', '`loyalty-dlq` (owner'),
      errors: [{ messageId: 'dlqField', path: LP_CONTRACT, line: 38 }],
    },
    {
      name: 'no DLQ field: reported on the DLQ section heading',
      files: { [C1]: contract('orders.placed.v1', '- **Replay/redrive**: operator-only'), [RUNBOOK]: runbook(DASH, '`orders.placed.v1`') },
      errors: [{ messageId: 'dlqField', path: C1, line: 3 }],
    },
    {
      name: 'a contract without any DLQ declaration: one finding on line 1',
      files: { [C1]: md('# Contract: `orders.placed.v1`', '', '## Summary', '- **Status**: Active') },
      errors: [{ messageId: 'dlqField', path: C1, line: 1 }],
    },
    {
      name: 'loyalty: the linked runbook has no dashboards',
      files: edit(LP_RUNBOOK, '- `loyalty/consumer-health`: DLQ depth, DLQ age, retry rate, consumer lag age.', '- <TBD>'),
      errors: [{ messageId: 'coveringRunbook', path: LP_CONTRACT, line: 38 }],
    },
    {
      name: 'one DLQ-triage runbook does not cover a channel it neither names nor is linked from',
      files: {
        [C1]: contract('orders.placed.v1', ...GOOD_DLQ('orders.placed.v1')),
        [C2]: contract('orders.cancelled.v1', '- **DLQ**: `orders.cancelled.v1.dlq` (owner: Orders Platform)', '- **Replay/redrive**: operator-only'),
        [RUNBOOK]: runbook(DASH),
      },
      errors: [{ messageId: 'coveringRunbook', path: C2, line: 4 }],
    },
    {
      name: 'the design names another DLQ owner than the contract',
      files: {
        [C1]: contract('orders.placed.v1', ...GOOD_DLQ('orders.placed.v1')),
        [RUNBOOK]: runbook(DASH),
        [DESIGN]: design('- `orders.placed.v1` — ordering key: `order_id`; DLQ owner: Fulfilment Ops'),
      },
      errors: [{ messageId: 'ownerMismatch', path: C1, line: 4 }],
    },
    {
      name: 'a consumer-side DLQ without its own runbook: reported on the consumed bullet',
      files: {
        ...payments,
        ...paymentsRunbook,
        [DESIGN]: design('- `payments.settled.v1` (consumed) — ordering key: `order_id`; idempotency key: `id`; DLQ owner: Orders Platform'),
      },
      errors: [{ messageId: 'consumerRunbook', path: DESIGN, line: 4 }],
    },
  ],
});
