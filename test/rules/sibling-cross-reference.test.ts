import rule from '../../rules/docs/sibling-cross-reference.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/payments';
const ADR = `${F}/adrs/0002-dlq-handling.md`;
const RUNBOOK = `${F}/runbooks/dlq-triage.md`;
const DESIGN = `${F}/design.md`;

/** The claim is on line 3. */
const adr = (...body: string[]) => md('# ADR-0002: DLQ handling', '## Decision', ...body);
const runbook = (...body: string[]) => md('# Runbook: DLQ triage', '', '## Summary', '- **Status**: Active', '', '## Triage', ...body);

const CLAIM = '- Poison messages are covered in [../runbooks/dlq-triage.md](../runbooks/dlq-triage.md) class B.';
const CLASS_B = ['### Class B: poison messages', '1. Quarantine the message id, then file a schema or producer fix before any redrive.'];

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 27 Passes example', files: { [ADR]: adr(CLAIM), [RUNBOOK]: runbook('1. Group failures by error class.', ...CLASS_B) } },
    {
      name: 'anchors, steps and quoted headings the target contains; a backticked path and a bare .md token',
      files: {
        [ADR]: adr(
          '- Redrive pacing is described in [the runbook](../runbooks/dlq-triage.md#class-b-poison-messages).',
          '- Quarantine handling: see `../runbooks/dlq-triage.md` step 1.',
          '- Redrive pacing is documented in ../runbooks/dlq-triage.md "Triage".',
        ),
        [RUNBOOK]: runbook('1. Group failures by error class; redrive pacing is 10 msg/s.', ...CLASS_B),
      },
    },
    {
      name: '"per second", "per-key" and "see" without a target are not references; READMEs are never read',
      files: {
        [ADR]: adr('- Redrive runs at 20 messages per second, ordered per-key; see below for details.'),
        [`${F}/README.md`]: md('## Channels owned', '- `payments.settled.v1`: produced. See [contracts/payments.settled.v1.md](contracts/payments.settled.v1.md).'),
      },
    },
    {
      name: '"the <slug> runbook" resolves in the feature; a one-word name that resolves nowhere is prose',
      files: {
        [ADR]: adr('- Poison messages are handled by the dlq-triage runbook.', '- Escalation is covered by the main runbook.'),
        [RUNBOOK]: runbook(...CLASS_B),
      },
    },
    {
      name: 'external links and skill reference paths are not checked',
      files: { [ADR]: adr('- Retry storms are covered in [the guide](https://example.com/retries).', '- Failure modes: see [catalog](reference/failure-modes.md).') },
    },
  ],
  invalid: [
    {
      name: 'rule 27 Fails example: no class B and no mention of poison messages (one finding)',
      files: { [ADR]: adr(CLAIM), [RUNBOOK]: runbook('1. Group failures by error class.') },
      errors: [{ messageId: 'notBacked', path: ADR, line: 3, severity: 'Important' }],
    },
    {
      name: 'a target that does not exist',
      files: { [ADR]: adr('- Replays are covered in [replay runbook](../runbooks/replay.md).') },
      errors: [{ messageId: 'missingTarget', path: ADR, line: 3 }],
    },
    {
      name: 'a "the <slug> runbook" that does not exist',
      files: { [ADR]: adr('- Replays are handled by the replay-backfill runbook.') },
      errors: [{ messageId: 'missingTarget', path: ADR, line: 3 }],
    },
    {
      name: 'a retired target is a Suggestion',
      files: {
        [ADR]: adr('- Poison messages are covered in [../runbooks/dlq-triage.md](../runbooks/dlq-triage.md) class B.'),
        [RUNBOOK]: md('# Runbook', '', '## Summary', '- **Status**: Retired', '', ...CLASS_B),
      },
      errors: [{ messageId: 'retiredTarget', path: ADR, line: 3, severity: 'Suggestion' }],
    },
    {
      name: 'a missing anchor; a target that contradicts the claim',
      files: {
        [DESIGN]: md(
          '# Design',
          '## Reliability',
          '- Redrive is described in [runbook](runbooks/dlq-triage.md#redrive).',
          '- Poison messages are handled in [runbook](runbooks/dlq-triage.md).',
        ),
        [RUNBOOK]: runbook('1. Group failures; redrive at 10 msg/s.', '- Poison messages are out of scope for this runbook.'),
      },
      errors: [
        { messageId: 'notBacked', path: DESIGN, line: 3 },
        { messageId: 'notBacked', path: DESIGN, line: 4 },
      ],
    },
  ],
});
