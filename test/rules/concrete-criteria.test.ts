import rule from '../../rules/docs/concrete-criteria.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/loyalty-points';
const DESIGN = `${F}/design.md`;
const ADR = `${F}/adrs/0002-balance-cache.md`;
const RUNBOOK = `${F}/runbooks/consumer-lag.md`;
const LAUNCH = `${F}/launches/2026-06-01.md`;

/** Body lines start on line 3. */
const doc = (heading: string, ...body: string[]) => md('# Doc', `## ${heading}`, ...body);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 26 Passes example',
      files: {
        [DESIGN]: doc(
          'Verification',
          '- Alert when ledger and balance-cache totals differ for more than 0.1% of members over a 10-minute window.',
          '- Roll back when the consumer error rate exceeds 2% for 5 minutes.',
        ),
      },
    },
    {
      name: 'named states count, in prose or as a whole code span',
      files: { [DESIGN]: doc('Operations', '- Degrade when the breaker is HALF_OPEN.', '- Fail over when the primary reports `DEGRADED`.') },
    },
    {
      name: 'word boundaries: "page on-call", "alert once", "classify" and "verify" are not triggers',
      files: {
        [DESIGN]: doc(
          'Operations',
          '- We page on-call engineers through the rota.',
          '- The relay sends an alert once per incident.',
          '- Stop the relay to classify the backlog; verify it afterwards.',
        ),
      },
    },
    {
      name: 'rejected alternatives, anti-patterns, contracts and READMEs are not claims',
      files: {
        [ADR]: doc('Alternatives Considered', '- Roll back when things look bad. Rejected.'),
        [DESIGN]: doc('Anti-patterns to avoid', '- Alerting on divergence without a threshold: alert on divergence is noise.'),
        [`${F}/contracts/loyalty.points-awarded.v1.md`]: doc('DLQ and replay', '- Alert on DLQ growth.'),
        [`${F}/README.md`]: doc('Service info', '- Alert on DLQ growth.'),
      },
    },
    {
      name: 'a code span is masked: numbers inside it are not thresholds, trigger words inside it are not phrases',
      files: { [DESIGN]: doc('Flags', '- The flag `alert-on-lag` is documented in the platform handbook.') },
    },
  ],
  invalid: [
    {
      name: 'rule 26 Fails example: two claims without a threshold',
      files: { [DESIGN]: doc('Verification', '- Alert on divergence between the ledger and the balance cache.', '- Roll back when error rates look unhealthy.') },
      errors: [
        { messageId: 'noCriterion', path: DESIGN, line: 3, severity: 'Important' },
        { messageId: 'noCriterion', path: DESIGN, line: 4, severity: 'Important' },
      ],
    },
    {
      name: 'an explicit <TBD: criterion> is a Suggestion; a number inside a code span is no criterion',
      files: {
        [ADR]: doc('Rollout', '- Phase 1: abort if the drift exceeds <TBD: SRE sets the threshold>.', '- Phase 2: abort gate on `p99 > 80ms` in the dashboard.'),
      },
      errors: [
        { messageId: 'tbdCriterion', path: ADR, line: 3, severity: 'Suggestion' },
        { messageId: 'noCriterion', path: ADR, line: 4 },
      ],
    },
    {
      name: 'every item of a runbook stop-and-rollback section needs a criterion',
      files: {
        [RUNBOOK]: doc('Stop and rollback criteria', '- Stop the replay when the lag age exceeds 300 s.', '- The on-call engineer decides whether to continue.'),
      },
      errors: [{ messageId: 'noCriterion', path: RUNBOOK, line: 4 }],
    },
    {
      name: 'a launch Trigger and a rollout item with rollback but no criterion',
      files: {
        [LAUNCH]: md('## Summary', '- **Status**: GO', '', '### Rollback plan', '- **Trigger**: when the beta looks unhealthy', '- **RTO**: 15 minutes'),
        [ADR]: doc('Rollout', '- Phase 1 (2026-06-01): serve balances from the view; rollback is manual.', '- Rollback owner: Loyalty Platform on-call.'),
      },
      errors: [
        { messageId: 'noCriterion', path: LAUNCH, line: 5 },
        { messageId: 'noCriterion', path: ADR, line: 3 },
      ],
    },
    {
      name: 'CHANGES.md example: a descriptive "alert on" sentence still matches',
      files: { [`docs/system/runbooks/broker-outage.md`]: md('# Runbook', '', 'We alert on the team channel first.') },
      errors: [{ messageId: 'noCriterion', path: 'docs/system/runbooks/broker-outage.md', line: 3 }],
    },
  ],
});
