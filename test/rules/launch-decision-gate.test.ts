import rule from '../../rules/docs/launch-decision-gate.js';
import type { OtherFinding } from '../../src/review/other-findings.js';
import type { DocsRule, DocsRuleContext } from '../../src/review/rule.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/inventory-reservations';
const L = `${F}/launches/2026-06-02.md`;

const ROLLBACK = [
  '- **Trigger**: DLQ depth above 100 for 5 minutes, or end-to-end p95 above 5 s for 10 minutes.',
  '- **Procedure**: switch off flag `inventory-v2`, halt the CDC connector, drain the consumer group, restore schema v1.',
  '- **RTO**: 10 minutes from page to flag off.',
];

/**
 * Status on line 2, the Blockers heading on line 8 with entries from line 9; then a blank line,
 * `### Acknowledged risks` and its entries, a blank line, `### Rollback plan` and its lines.
 */
const launch = (status: string, blockers: string[], risks: string[], rollback: string[] | null = ROLLBACK) =>
  md(
    '## Summary',
    `- **Status**: ${status}`,
    '- **Date**: 2026-06-02',
    '- **Feature**: inventory-reservations',
    '- **Tier achieved**: Service-ready',
    '- **TL;DR**: Decision.',
    '',
    '### Blockers',
    ...blockers,
    '',
    '### Acknowledged risks',
    ...risks,
    ...(rollback ? ['', '### Rollback plan', ...rollback] : []),
  );

const BLOCKER = '- src/inventory/consumer.ts:142 — ack-before-commit (Critical).';

/** The rule with variant 3's optional context input (src/review/other-findings.ts). */
const withFindings = (findings: OtherFinding[]): DocsRule =>
  ({ meta: rule.meta, create: (context: DocsRuleContext) => rule.create({ ...context, otherFindings: findings } as DocsRuleContext) }) as DocsRule;

const finding = (overrides: Partial<OtherFinding> = {}): OtherFinding => ({
  ruleId: 'ack-before-commit',
  severity: 'Critical',
  gating: true,
  path: 'services/inventory/src/consumer.ts',
  line: 142,
  fingerprint: '3f9a1c0e52b7aa00',
  accepted: false,
  feature: 'inventory-reservations',
  ...overrides,
});

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 20 Passes example (NO-GO over a listed blocker)', files: { [L]: launch('NO-GO', [BLOCKER], ['- None.']) } },
    {
      name: 'GO over a blocker accepted by file:line',
      files: {
        [L]: launch('GO', [BLOCKER], ['- Risk: ack before commit at src/inventory/consumer.ts:142. Mitigation: beta behind flag. Accepted by: Ana Souza (VP Eng).']),
      },
    },
    {
      name: 'GO over a blocker accepted by token overlap, with the parts as sub-items',
      files: {
        [L]: launch(
          'GO',
          ['- [consumer.ts:142](../../../../services/inventory/src/consumer.ts) acks the reservation before the commit'],
          ['- Reservation consumer acks before the commit', '  - Mitigation: replay from the outbox', '  - Accepted-by: Ana Souza'],
        ),
      },
    },
    {
      name: 'an accepted-by that merely starts like a non-name is a name',
      files: {
        [L]: launch('GO', [BLOCKER], ['- Risk: ack-before-commit at src/inventory/consumer.ts:142. Mitigation: beta behind flag. Accepted by: Nadia Nobre (VP Eng).']),
      },
    },
    ...['Nil Şahin (Head of Payments)', 'Null Hypothesis Okafor', 'Unknown Mortal Vance'].map((who) => ({
      name: `a name that starts with a word for nobody is a name: ${who}`,
      files: {
        [L]: launch('GO', [BLOCKER], [`- Risk: ack-before-commit at src/inventory/consumer.ts:142. Mitigation: beta behind flag. Accepted by: ${who}.`]),
      },
    })),
    {
      name: 'a status naming both decisions is no decision to judge',
      files: { [L]: launch('GO / NO-GO', [BLOCKER], ['- None.'], null) },
    },
    {
      name: 'a `### Rollback plan:` heading with a trailing colon is the rollback plan',
      files: { [L]: launch('GO', ['- None.'], ['- None.']).replace('### Rollback plan\n', '### Rollback plan:\n') },
    },
    ...['15m', '15 mins', '< 1 hr', '2 hrs', '90 secs'].map((rto) => ({
      name: `an RTO of "${rto}" is a duration`,
      files: { [L]: launch('GO', ['- None.'], ['- None.'], [ROLLBACK[0], ROLLBACK[1], `- **RTO**: ${rto}`]) },
    })),
    {
      name: 'a Procedure written as a numbered list under the field is the procedure',
      files: {
        [L]: launch('GO', ['- None.'], ['- None.'], [
          ROLLBACK[0],
          '- **Procedure**:',
          '  1. Switch off flag `inventory-v2`.',
          '  2. Halt the CDC connector.',
          ROLLBACK[2],
        ]),
      },
    },
    {
      name: 'a Trigger written as sub-bullets is the trigger, and its criteria are concrete',
      files: {
        [L]: launch('GO', ['- None.'], ['- None.'], ['- **Trigger**:', '  - DLQ depth above 100 for 5 minutes', '  - end-to-end p95 above 5 s for 10 minutes', ROLLBACK[1], ROLLBACK[2]]),
      },
    },
    {
      name: 'an unchanged launch file is not judged again',
      files: { [L]: launch('GO', [BLOCKER], ['- None.'], null) },
      baseFiles: { [L]: launch('GO', [BLOCKER], ['- None.'], null) },
    },
  ],
  invalid: [
    {
      name: 'rule 20 Fails example: GO over an unaccepted blocker, rollback plan of placeholders',
      files: {
        [L]: launch('GO', ['- src/inventory/consumer.ts:142 — ack-before-commit.'], ['- None.'], [
          '- **Trigger**: <TBD>',
          '- **Procedure**: roll back if needed',
          '- **RTO**: <TBD>',
        ]),
      },
      errors: [
        { messageId: 'goOverBlockers', path: L, line: 9, severity: 'Critical' },
        { messageId: 'incompleteRollback', path: L, line: 15, severity: 'Critical' },
      ],
    },
    {
      name: 'an empty Procedure followed by a list elsewhere (after a blank line, outside the item) is still empty',
      files: {
        [L]: launch('GO', ['- None.'], ['- None.'], [ROLLBACK[0], '- **Procedure**:', ROLLBACK[2], '', 'Steps:', '', '1. Flip the flag.']),
      },
      errors: [{ messageId: 'incompleteRollback', path: L, line: 16, severity: 'Critical' }],
    },
    {
      name: 'GO without a rollback plan section: on the Status line',
      files: { [L]: launch('GO', ['- None.'], ['- None.'], null) },
      errors: [{ messageId: 'incompleteRollback', path: L, line: 2 }],
    },
    {
      name: 'GO with a rollback field missing: on the Rollback plan heading',
      files: { [L]: launch('GO', ['- None.'], ['- None.'], ['- **Trigger**: DLQ depth above 100 for 5 minutes.', '- **RTO**: 10 minutes.']) },
      errors: [{ messageId: 'incompleteRollback', path: L, line: 14 }],
    },
    {
      name: 'GO with a vague trigger and an RTO without a duration: on the first field at fault',
      files: {
        [L]: launch('GO', ['- None.'], ['- None.'], ['- **Trigger**: when errors look unhealthy', '- **Procedure**: flip the flag.', '- **RTO**: as fast as possible']),
      },
      errors: [{ messageId: 'incompleteRollback', path: L, line: 15 }],
    },
    {
      name: 'an RTO without a duration alone',
      files: { [L]: launch('GO', ['- None.'], ['- None.'], [ROLLBACK[0], ROLLBACK[1], '- **RTO**: quick']) },
      errors: [{ messageId: 'incompleteRollback', path: L, line: 17 }],
    },
    {
      name: 'an acknowledged risk without accepted-by leaves its blocker unaccepted',
      files: { [L]: launch('GO', [BLOCKER], ['- Risk: ack-before-commit at src/inventory/consumer.ts:142. Mitigation: flag. Accepted by: <TBD>']) },
      errors: [
        { messageId: 'goOverBlockers', path: L, line: 9 },
        { messageId: 'incompleteRisk', path: L, line: 12, severity: 'Important' },
      ],
    },
    ...['n/a', 'N/A', '-', '—', 'pending', 'Pending sign-off', 'none', 'nobody', 'nobody yet', 'TBC', 'Nil', 'unknown.'].map((who) => ({
      name: `an accepted-by of "${who}" names nobody: the blocker stays unaccepted`,
      files: { [L]: launch('GO', [BLOCKER], [`- Risk: ack-before-commit at src/inventory/consumer.ts:142. Mitigation: flag. Accepted by: ${who}`]) },
      errors: [
        { messageId: 'goOverBlockers', path: L, line: 9, severity: 'Critical' as const },
        { messageId: 'incompleteRisk', path: L, line: 12, severity: 'Important' as const },
      ],
    })),
    ...['GO (conditional)', 'GO ✅', '**GO**', 'Go!'].map((status) => ({
      name: `a decorated "${status}" is judged as GO`,
      files: { [L]: launch(status, [BLOCKER], ['- None.'], [ROLLBACK[0], ROLLBACK[1], '- **RTO**: <TBD>']) },
      errors: [
        { messageId: 'goOverBlockers', path: L, line: 9, severity: 'Critical' as const },
        { messageId: 'incompleteRollback', path: L, line: 17, severity: 'Critical' as const },
      ],
    })),
    {
      name: 'a `### Blockers:` heading with a trailing colon still lists blockers',
      files: { [L]: launch('GO', [BLOCKER], ['- None.']).replace('### Blockers\n', '### Blockers:\n') },
      errors: [{ messageId: 'goOverBlockers', path: L, line: 9, severity: 'Critical' }],
    },
    {
      name: 'a decorated NO-GO without blockers is judged as NO-GO',
      files: { [L]: launch('NO-GO ⛔', ['- None.'], ['- None.']) },
      errors: [{ messageId: 'noGoWithoutBlockers', path: L, line: 2, severity: 'Suggestion' }],
    },
    {
      name: 'NO-GO without blockers',
      files: { [L]: launch('NO-GO', ['- None.'], ['- None.']) },
      errors: [{ messageId: 'noGoWithoutBlockers', path: L, line: 2, severity: 'Suggestion' }],
    },
    {
      name: 'a blocker without file:line or artifact path',
      files: { [L]: launch('NO-GO', ['- The reservation consumer acks too early.'], ['- None.']) },
      errors: [{ messageId: 'untraceableBlocker', path: L, line: 9, severity: 'Suggestion' }],
    },
    {
      name: 'a changed launch file is judged (base differs)',
      files: { [L]: launch('NO-GO', ['- None.'], ['- None.']) },
      baseFiles: { [L]: launch('NO-GO', [BLOCKER], ['- None.']) },
      errors: [{ messageId: 'noGoWithoutBlockers', path: L, line: 2 }],
    },
  ],
});

// Variant 3 reads the review's other findings through the optional context input.
testDocsRule(withFindings([finding(), finding({ ruleId: 'dual-write', line: 20, fingerprint: 'aa11bb22cc33dd44' })]), {
  valid: [
    { name: 'variant 3: the example launch of another feature is not affected', files: loyalty },
    {
      name: 'variant 3: findings listed as blockers and accepted by a named person do not count',
      files: {
        [L]: launch(
          'GO',
          ['- services/inventory/src/consumer.ts:142 — ack-before-commit.', '- services/inventory/src/consumer.ts:20 — dual-write (aa11bb22).'],
          [
            '- Risk: ack-before-commit at services/inventory/src/consumer.ts:142. Mitigation: beta flag. Accepted by: Ana Souza.',
            '- Risk: dual-write at services/inventory/src/consumer.ts:20. Mitigation: reconciliation job. Accepted by: Ana Souza.',
          ],
        ),
      },
    },
    { name: 'variant 3: a NO-GO does not go against the review', files: { [L]: launch('NO-GO', [BLOCKER], ['- None.']) } },
  ],
  invalid: [
    {
      name: 'variant 3: GO while gating Critical findings of other rules are open (one finding per launch file)',
      files: { [L]: launch('GO', ['- None.'], ['- None.']) },
      errors: [{ messageId: 'goAgainstReview', path: L, line: 2, severity: 'Important' }],
    },
  ],
});

testDocsRule(
  withFindings([
    finding({ accepted: true }),
    finding({ gating: false, line: 7 }),
    finding({ severity: 'Important', line: 8 }),
    finding({ ruleId: 'launch-decision-gate', path: L, line: 9 }),
    finding({ feature: 'loyalty-points', path: 'services/loyalty/src/a.ts' }),
  ]),
  {
    valid: [
      {
        name: 'variant 3: accepted, non-gating, non-Critical, own-rule and other-feature findings never count',
        files: { [L]: launch('GO', ['- None.'], ['- None.']) },
      },
    ],
    invalid: [
      {
        name: 'variant 3 stays silent for those findings while variant 2 still applies',
        files: { [L]: launch('GO', ['- None.'], ['- None.'], null) },
        errors: [{ messageId: 'incompleteRollback', path: L, line: 2 }],
      },
    ],
  },
);
