import rule from '../../rules/docs/cross-channel-policy-consistency.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/payments';
const AUTH = `${F}/contracts/payments.authorized.v1.md`;
const SETTLED = `${F}/contracts/payments.settled.v1.md`;
const REFUNDED = `${F}/contracts/payments.refunded.v1.md`;

/** Ordering key on line 4, Retention on line 6; extra lines from line 7. */
const contract = (channel: string, opts: { key?: string; retention?: string } = {}, ...extra: string[]) =>
  md(
    `# Contract: \`${channel}\``,
    '',
    '## Ordering, idempotency, retention',
    `- **Ordering key**: ${opts.key ?? '`payment_id`'}`,
    '- **Idempotency key**: `id` (CloudEvents)',
    `- **Retention**: ${opts.retention ?? '7 days'}`,
    ...extra,
  );

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 31 Passes example: the deviating retention is justified',
      files: {
        [AUTH]: contract('payments.authorized.v1'),
        [SETTLED]: contract('payments.settled.v1', { retention: '30 days, because finance replays month-end settlements from this channel.' }),
      },
      baseFiles: {},
    },
    {
      name: 'the same policies, written differently (1 week = 7 days)',
      files: { [AUTH]: contract('payments.authorized.v1'), [SETTLED]: contract('payments.settled.v1', { retention: '1 week' }) },
    },
    {
      name: 'a justification elsewhere in the same section',
      files: {
        [AUTH]: contract('payments.authorized.v1'),
        [SETTLED]: contract('payments.settled.v1', { key: 'none' }, '- Unlike authorizations, settlements are independent facts and need no order.'),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 31 Fails example: both contracts new, the second by name deviates',
      files: { [AUTH]: contract('payments.authorized.v1'), [SETTLED]: contract('payments.settled.v1', { retention: '30 days' }) },
      baseFiles: {},
      errors: [{ messageId: 'inconsistent', path: SETTLED, line: 6, severity: 'Suggestion' }],
    },
    {
      name: 'the contract the PR adds deviates from the one already there, even when it sorts first',
      files: { [AUTH]: contract('payments.authorized.v1', { retention: '30 days' }), [SETTLED]: contract('payments.settled.v1') },
      baseFiles: { [SETTLED]: contract('payments.settled.v1') },
      errors: [{ messageId: 'inconsistent', path: AUTH, line: 6 }],
    },
    {
      name: 'the majority value is the reference',
      files: {
        [AUTH]: contract('payments.authorized.v1', { retention: '30 days' }),
        [REFUNDED]: contract('payments.refunded.v1'),
        [SETTLED]: contract('payments.settled.v1'),
      },
      errors: [{ messageId: 'inconsistent', path: AUTH, line: 6 }],
    },
    {
      name: 'ordering classes differ: per-key against none',
      files: { [AUTH]: contract('payments.authorized.v1'), [SETTLED]: contract('payments.settled.v1', { key: 'none' }) },
      errors: [{ messageId: 'inconsistent', path: SETTLED, line: 4 }],
    },
    {
      name: 'expiry declared by one contract only: the other is reported on its H1',
      files: {
        [AUTH]: contract('payments.authorized.v1', {}, '- Authorizations carry `expirytime` 15 min after issue.'),
        [SETTLED]: contract('payments.settled.v1'),
      },
      errors: [{ messageId: 'inconsistent', path: SETTLED, line: 1 }],
    },
  ],
});
