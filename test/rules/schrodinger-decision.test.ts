import rule from '../../rules/docs/schrodinger-decision.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const ADR = 'docs/features/refund-saga/adrs/0003-temporal-refund-saga.md';
const RFC = 'docs/features/refund-saga/architecture-rfc.md';
const PLATFORM_ADR = 'docs/system/adrs/0002-broker.md';

/** Summary Status on line 4; the Decision heading on line 7, its first line on line 8. */
const adr = (status: string, ...decision: string[]) =>
  md('# ADR-0003: Use Temporal for the refund saga', '', '## Summary', `- **Status**: ${status}`, '- **Date**: 2026-05-30', '', '## Decision', ...decision);

/** A classic Nygard ADR without a Summary: the Status value on line 4, the Decision's first line on line 7. */
const nygard = (status: string, ...decision: string[]) =>
  md('# ADR-0003: Use Temporal for the refund saga', '', '## Status', status, '', '## Decision', ...decision);

const FAILS = 'Use Temporal for the refund saga, with Step Functions as a fallback if Temporal Cloud pricing becomes a problem.';
const PASSES = [
  'We will run the refund saga on Temporal. Decision owner: Payments Platform tech lead (Ana Souza).',
  '',
  'Fallback trigger: we move the saga to Step Functions only if Temporal Cloud spend exceeds 4,000 USD per month for 2 consecutive months, as shown on the FinOps dashboard `payments/temporal-spend`; the decision owner approves the switch.',
];

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 16 Passes example', files: { [ADR]: adr('Accepted', ...PASSES) } },
    {
      name: 'a hedge with a committed choice, a measurable trigger and an owner',
      files: {
        [ADR]: adr(
          'Accepted',
          'We will run the refund saga on Temporal, with Step Functions as a fallback.',
          '',
          'We will run the saga on Temporal.',
          '',
          '- We switch to Step Functions only if Temporal Cloud p99 schedule latency exceeds 2 s for 1 hour.',
          '- Decided by: Ana Souza',
        ),
      },
    },
    {
      name: 'alternatives listed under an Alternatives label inside the decision are not hedges',
      files: {
        [ADR]: adr(
          'Accepted',
          '- We will run the refund saga on Temporal.',
          '- Alternatives:',
          '  - either Step Functions or Cadence, depending on pricing',
          '',
          'Alternatives:',
          '- Step Functions with Lambda as a fallback',
        ),
      },
    },
    {
      name: 'a Deferred ADR with a blocking question and a due date',
      files: {
        [ADR]: adr('Deferred', 'Either Temporal or Step Functions; to be decided.', '', '## Open questions', '- Can Temporal Cloud meet the EU residency requirement? Due: 2026-07-01.'),
      },
    },
    {
      name: 'superseded and draft decisions are history or work in progress',
      files: {
        [ADR]: adr('Superseded by ADR-0004', FAILS),
        'docs/features/refund-saga/adrs/0004-draft.md': adr('Draft', FAILS),
      },
    },
    {
      name: 'a Nygard `## Status` section stands in for the Summary Status: Superseded is history',
      files: { [ADR]: nygard('Superseded by ADR-0004', FAILS) },
    },
    {
      name: 'a Nygard `## Status` section saying Deferred, with a blocking question and a due date',
      files: { [ADR]: nygard('Deferred', FAILS, '', 'Blocking question: can Temporal Cloud meet EU residency? Due 2026-07-01.') },
    },
    {
      name: 'designs and non-RFC architecture docs are not decision records',
      files: {
        'docs/features/refund-saga/design.md': adr('Accepted', FAILS),
        'docs/features/refund-saga/architecture-overview.md': adr('Accepted', FAILS),
      },
    },
    {
      name: 'hedge words inside code spans do not count',
      files: { [ADR]: adr('Accepted', 'We will set `fallback to none` in the saga worker config.') },
    },
  ],
  invalid: [
    {
      name: 'rule 16 Fails example: no commitment, no measurable trigger, no owner',
      files: { [ADR]: adr('Accepted', FAILS) },
      errors: [{ messageId: 'uncommitted', path: ADR, line: 8, severity: 'Critical' }],
    },
    {
      name: 'MADR: `## Decision Outcome` is the decision section',
      files: { [ADR]: adr('Accepted', FAILS).replace('## Decision\n', '## Decision Outcome\n') },
      errors: [{ messageId: 'uncommitted', path: ADR, line: 8, severity: 'Critical' }],
    },
    {
      name: 'a `## Decision:` heading with a trailing colon is the decision section',
      files: { [ADR]: adr('Accepted', FAILS).replace('## Decision\n', '## Decision:\n') },
      errors: [{ messageId: 'uncommitted', path: ADR, line: 8, severity: 'Critical' }],
    },
    {
      name: 'a commitment that still names two options does not commit',
      files: {
        [ADR]: adr(
          'Proposed',
          'We will use Temporal or Step Functions for the saga.',
          '',
          'Either way, we fall back to Step Functions only if Temporal p99 exceeds 2 s for 1 hour. Decision owner: Ana Souza.',
        ),
      },
      errors: [{ messageId: 'uncommitted', path: ADR, line: 10 }],
    },
    {
      name: 'the owner phrase without a name does not name an owner; "not" does not hide a hedge',
      files: {
        [ADR]: adr(
          'Accepted',
          'We will run the saga on Temporal.',
          '',
          'For scan codes that are not ranked yet, we fall back to Step Functions only if Temporal p99 exceeds 2 s for 1 hour; the decision owner approves it.',
        ),
      },
      errors: [{ messageId: 'uncommitted', path: ADR, line: 10 }],
    },
    {
      name: 'a placeholder owner is no owner; an untriggered fallback is not measurable',
      files: { [ADR]: adr('Accepted', 'We will run the saga on Temporal (TBD if pricing changes).', '', 'Decision owner: <TBD>') },
      errors: [{ messageId: 'uncommitted', path: ADR, line: 8 }],
    },
    {
      name: 'an RFC recommendation hedges; a platform ADR may too',
      files: {
        [RFC]: md('# RFC', '', '## Summary', '- **Status**: Proposed', '', '## Recommendation', '- We might use Kafka, depending on the managed offer.'),
        [PLATFORM_ADR]: adr('Accepted', 'Either Kafka or Pulsar as the platform broker.'),
      },
      errors: [
        { messageId: 'uncommitted', path: RFC, line: 7 },
        { messageId: 'uncommitted', path: PLATFORM_ADR, line: 8 },
      ],
    },
    {
      name: 'Deferred without a blocking question or due date',
      files: { [ADR]: adr('Deferred', 'Either Temporal or Step Functions; to be decided.') },
      errors: [{ messageId: 'deferredIncomplete', path: ADR, line: 4 }],
    },
    {
      name: 'a Nygard `## Status` section saying Deferred is judged as Deferred, on its value line',
      files: { [ADR]: nygard('Deferred', FAILS) },
      errors: [{ messageId: 'deferredIncomplete', path: ADR, line: 4 }],
    },
    {
      name: 'a Nygard `## Status` section saying Accepted keeps the hedge check',
      files: { [ADR]: nygard('Accepted', FAILS) },
      errors: [{ messageId: 'uncommitted', path: ADR, line: 7, severity: 'Critical' }],
    },
    {
      name: 'Deferred with a question but no due date (the Summary Date does not count)',
      files: { [ADR]: adr('Deferred', 'Blocking question: can Temporal Cloud meet EU residency.') },
      errors: [{ messageId: 'deferredIncomplete', path: ADR, line: 4 }],
    },
  ],
});
