import rule from '../../rules/docs/per-scope-qualification.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/refunds';
const README = `${F}/README.md`;
const DESIGN = `${F}/design.md`;
const ADR = `${F}/adrs/0001-saga.md`;
const CONTRACT = `${F}/contracts/refunds.requested.v1.md`;
const RUNBOOK = `${F}/runbooks/region-failover.md`;

const readme = md(
  '# Refunds',
  '',
  '## Channels owned',
  '- `refunds.requested.v1`: produced. See [contracts/refunds.requested.v1.md](contracts/refunds.requested.v1.md).',
  '- `refunds.completed.v1`: produced. See [contracts/refunds.completed.v1.md](contracts/refunds.completed.v1.md).',
);
/** The claim is on line 3. */
const failureModes = (...lines: string[]) => md('# ADR-0001', '## Failure modes', ...lines);

const design = (tenancy: string, dr: string) =>
  md('# Refunds Design', '', '## System concerns', `- **Tenancy**: ${tenancy}`, `- **DR posture**: ${dr}`, '', '## Consequences');

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (one channel, single tenant, single region)', files: loyalty },
    {
      name: 'rule 29 Passes example: each claim names its channel',
      files: {
        [README]: readme,
        [ADR]: failureModes(
          '- Lost `refunds.requested.v1` commands: not applicable (workflow history persists them).',
          '- Lost `refunds.completed.v1` events: possible; mitigated by the outbox relay and consumer dedup.',
        ),
      },
    },
    {
      name: 'all-scope wording with a reason; a derived channel names its base; contracts are per channel',
      files: {
        [README]: readme,
        [ADR]: failureModes(
          '- Duplicate delivery is handled for every channel because each consumer dedupes on the CloudEvents id.',
          '- Poison messages on `refunds.completed.v1.dlq` are covered by the DLQ runbook.',
        ),
        [CONTRACT]: md('# Contract', '## Ordering', '- Reordering is not possible: one partition key per refund.'),
      },
    },
    {
      name: 'the README index and the Anti-patterns section are not scanned',
      files: {
        [README]: md(readme, '## Shared references', '- **Glossary**: (not applicable)'),
        [DESIGN]: md('# Refunds Design', '## Anti-patterns to avoid', '- Lost events: not applicable here, but only if the outbox is used.'),
      },
    },
    {
      name: 'a multi-tenant feature: a claim about tenants; a multi-region one: a claim naming a region',
      files: {
        [DESIGN]: design('multi-tenant (schema per tenant)', 'RPO 5 min, RTO 30 min, active-active in eu-west-1 and us-east-1'),
        [RUNBOOK]: md('# Runbook', '## Mitigation', '- Cross-tenant leaks cannot happen: every query is scoped by tenant id.', '- Split brain in eu-west-1 is mitigated by a single writer.'),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 29 Fails example: a blanket claim while the feature owns two channels',
      files: { [README]: readme, [ADR]: failureModes('- Lost event: not applicable.') },
      errors: [{ messageId: 'blanketClaim', path: ADR, line: 3, severity: 'Important' }],
    },
    {
      name: 'design Boundary contracts define the channels; all-scope wording without a reason is not enough',
      files: {
        [DESIGN]: md(
          '# Refunds Design',
          '## Boundary contracts (conceptual, not code)',
          '- `refunds.requested.v1` — ordering key: `refund_id`',
          '- `payments.settled.v1` (consumed) — ordering key: `payment_id`',
          '',
          '## Reliability',
          '- Ordering is handled for every channel.',
        ),
      },
      errors: [{ messageId: 'blanketClaim', path: DESIGN, line: 7 }],
    },
    {
      name: 'multi-tenant and multi-region scopes',
      files: {
        [DESIGN]: design('multi-tenant (row-level security)', 'multi-region active-active'),
        [RUNBOOK]: md('# Runbook', '## Mitigation', '- Data loss is mitigated by the outbox.'),
      },
      errors: [{ messageId: 'blanketClaim', path: RUNBOOK, line: 3 }],
    },
  ],
});
