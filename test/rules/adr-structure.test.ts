import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/adr-structure.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, runRuleOnCase, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const A = 'docs/features/refunds/adrs';
const ADR3 = `${A}/0003-temporal-refund-saga.md`;

/** The rule 51 Passes example (13 lines). */
const PASSES = [
  '# ADR-0003: Use Temporal for the refund saga', // 1
  '', // 2
  '## Context', // 3
  'Refunds span payments, ledger and notifications and must compensate in order.', // 4
  '', // 5
  '## Decision', // 6
  'We will run the refund saga on Temporal. Decision owner: Payments Platform tech lead.', // 7
  '', // 8
  '## Consequences', // 9
  '- Positive: queryable saga state and durable timers.', // 10
  '- Negative: a new runtime to operate; activities must stay idempotent.', // 11
  '', // 12
  '## Alternatives Considered', // 13
  "- Step Functions Standard: rejected because the team's compensation logic needs local replay tests.", // 14
  '- Event choreography: rejected because no single place shows where a refund is stuck.', // 15
];

/** An ADR numbered `n` with a Summary status and optional extra lines (Related artifacts last). */
function adr(n: string, status: string, ...extra: string[]): string {
  return md(
    `# ADR-${n}: Decision ${n}`, // 1
    '', // 2
    '## Summary', // 3
    `- **Status**: ${status}`, // 4
    '', // 5
    ...PASSES.slice(2), // 6-18
    ...extra, // 19..
  );
}

const SIBLINGS = [`${A}/0001-outbox.md`, `${A}/0002-choreography.md`];

/** An ADR in the MADR template (Context and Problem Statement, Considered Options, Decision Outcome). */
const MADR = [
  '# ADR-0003: Use Temporal for the refund saga', // 1
  '', // 2
  '## Context and Problem Statement', // 3
  'Refunds span payments, ledger and notifications and must compensate in order.', // 4
  '', // 5
  '## Considered Options', // 6
  '* Temporal', // 7
  '* Step Functions Standard', // 8
  '* Event choreography', // 9
  '', // 10
  '## Decision Outcome', // 11
  'Chosen option: "Temporal", because it keeps saga state queryable.', // 12
  '', // 13
  '### Consequences', // 14
  '* Good, because of durable timers.', // 15
  '* Bad, because it is a new runtime to operate.', // 16
  '', // 17
  '## Pros and Cons of the Options', // 18
  '### Temporal', // 19
  '* Good, because of local replay tests.', // 20
  '### Step Functions Standard', // 21
  '* Bad, because compensation logic cannot be replayed locally.', // 22
  '### Event choreography', // 23
  '* Bad, because no single place shows where a refund is stuck.', // 24
];

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 51 Passes example', files: { [ADR3]: md(...PASSES) }, extraPaths: SIBLINGS },
    {
      name: 'alternatives as ### subsections with trade-offs',
      files: {
        [ADR3]: md(
          ...PASSES.slice(0, 13),
          '### Step Functions',
          'Cheaper to run, but the trade-off is no local replay.',
          '### Choreography',
          'Rejected: nobody sees where a refund is stuck.',
        ),
      },
      extraPaths: SIBLINGS,
    },
    {
      name: 'a correct supersession pair',
      files: {
        [`${A}/0002-choreography.md`]: adr('0002', 'Superseded by ADR-0003'),
        [ADR3]: adr('0003', 'Accepted', '', '## Related artifacts', '- Supersedes: [ADR-0002](0002-choreography.md)'),
      },
      extraPaths: [`${A}/0001-outbox.md`],
    },
    {
      name: 'an ADR saying another ADR supersedes it, or that it is superseded, claims nothing itself',
      files: {
        [`${A}/0001-outbox.md`]: adr(
          '0001',
          'Superseded by ADR-0002',
          '',
          'Note: ADR-0002 supersedes this decision as of 2026-05-16; keep this file for history.',
          'This ADR is superseded by [ADR-0002](0002-choreography.md), which supersedes it in full.',
        ),
        [`${A}/0002-choreography.md`]: adr('0002', 'Accepted', '', '## Related artifacts', '- Supersedes: [ADR-0001](0001-outbox.md)'),
      },
    },
    { name: 'a MADR ADR: its headings are the Nygard sections, its Pros and Cons the reasons', files: { [ADR3]: md(...MADR) }, extraPaths: SIBLINGS },
    {
      name: 'MADR 2: Positive and Negative Consequences under the Decision Outcome',
      files: { [ADR3]: md(...MADR.slice(0, 13), '### Positive Consequences', '* Durable timers.', '### Negative Consequences', '* A new runtime.', ...MADR.slice(17)) },
      extraPaths: SIBLINGS,
    },
    {
      name: 'a platform ADR listing the feature READMEs it affects',
      files: {
        'docs/system/adrs/0001-one-broker.md': adr('0001', 'Accepted', '', '## Related artifacts', '- Affected: [refunds](../../features/refunds/README.md)'),
      },
      extraPaths: ['docs/features/refunds/README.md'],
    },
  ],
  invalid: [
    {
      name: 'rule 51 Fails example: no Context, no Consequences, one alternative',
      files: {
        [ADR3]: md(
          '# ADR-0003: Use Temporal for the refund saga', // 1
          '', // 2
          '## Decision', // 3
          'We will use Temporal.', // 4
          '', // 5
          '## Alternatives Considered', // 6
          '- Step Functions.', // 7
        ),
      },
      extraPaths: SIBLINGS,
      errors: [
        { messageId: 'missingSection', path: ADR3, line: 1, severity: 'Important' },
        { messageId: 'missingSection', path: ADR3, line: 1, severity: 'Important' },
        { messageId: 'fewAlternatives', path: ADR3, line: 6, severity: 'Important' },
      ],
    },
    {
      name: 'step 1: H1 without the file number; a file name without a number',
      files: { [ADR3]: md(...PASSES).replace('# ADR-0003:', '# ADR-3:') },
      extraPaths: [...SIBLINGS, `${A}/use-temporal.md`],
      errors: [
        { messageId: 'titleNumber', path: ADR3, line: 1, severity: 'Suggestion' },
        { messageId: 'fileName', path: `${A}/use-temporal.md`, line: 1, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 2: a duplicate number (Important, on the later file) and a gap (Suggestion)',
      files: { [ADR3]: md(...PASSES) },
      extraPaths: [`${A}/0001-outbox.md`, `${A}/0001-inbox.md`],
      errors: [
        { messageId: 'duplicateNumber', path: `${A}/0001-outbox.md`, line: 1, severity: 'Important' },
        { messageId: 'numberGap', path: ADR3, line: 1, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 3: an empty section (on its heading)',
      files: { [ADR3]: md(...PASSES.slice(0, 3), '<!-- forces go here -->', ...PASSES.slice(4)) },
      extraPaths: SIBLINGS,
      errors: [{ messageId: 'emptySection', path: ADR3, line: 3 }],
    },
    {
      name: 'step 4: an alternative without a trade-off or reason (Suggestion, on the item)',
      files: { [ADR3]: md(...PASSES.slice(0, 14), '- Event choreography with a status table.') },
      extraPaths: SIBLINGS,
      errors: [{ messageId: 'alternativeWithoutReason', path: ADR3, line: 15, severity: 'Suggestion' }],
    },
    {
      name: 'step 5: "Supersedes" without a Related artifacts link and with a stale status',
      files: {
        [`${A}/0002-choreography.md`]: adr('0002', 'Accepted'),
        [ADR3]: adr('0003', 'Accepted', '', 'This decision supersedes ADR-0002.', '', '## Related artifacts', '- Design: [../design.md](../design.md)'),
      },
      extraPaths: [`${A}/0001-outbox.md`],
      errors: [{ messageId: 'supersession', path: ADR3, line: 20 }],
    },
    {
      name: 'step 5: linked correctly, but the superseded ADR still says Accepted (on its Status line)',
      files: {
        [`${A}/0002-choreography.md`]: adr('0002', 'Accepted'),
        [ADR3]: adr('0003', 'Accepted', '', '## Related artifacts', '- Supersedes: [ADR-0002](0002-choreography.md)'),
      },
      extraPaths: [`${A}/0001-outbox.md`],
      errors: [{ messageId: 'supersededStatus', path: `${A}/0002-choreography.md`, line: 4 }],
    },
    {
      name: 'step 5: superseding an ADR that does not exist; a status naming a missing ADR',
      files: {
        [`${A}/0001-outbox.md`]: adr('0001', 'Superseded by ADR-0009'),
        [`${A}/0002-choreography.md`]: adr('0002', 'Accepted', '', 'Supersedes ADR-0007.'),
      },
      errors: [
        { messageId: 'supersededByMissing', path: `${A}/0001-outbox.md`, line: 4 },
        { messageId: 'supersession', path: `${A}/0002-choreography.md`, line: 20 },
      ],
    },
    {
      name: 'step 5: "Supersedes" after a sentence end, a dash or a table cell, and "It" / "This proposal" as the subject',
      files: {
        [`${A}/0001-outbox.md`]: adr('0001', 'Accepted'),
        [`${A}/0002-choreography.md`]: adr('0002', 'Accepted', '', 'Accepted. Supersedes ADR-0001.', 'Accepted — supersedes ADR-0001', '| Supersedes | ADR-0001 |', 'It supersedes ADR-0001.', 'This proposal supersedes ADR-0001.'),
      },
      errors: [
        { messageId: 'supersession', path: `${A}/0002-choreography.md`, line: 20 },
        { messageId: 'supersession', path: `${A}/0002-choreography.md`, line: 21 },
        { messageId: 'supersession', path: `${A}/0002-choreography.md`, line: 22 },
        { messageId: 'supersession', path: `${A}/0002-choreography.md`, line: 23 },
        { messageId: 'supersession', path: `${A}/0002-choreography.md`, line: 24 },
      ],
    },
    {
      name: 'step 5: the ADR as the subject (a status parenthetical, "We", its own number); another subject on the same line is not',
      files: {
        [`${A}/0001-outbox.md`]: adr('0001', 'Accepted'),
        [`${A}/0002-choreography.md`]: adr('0002', 'Accepted (supersedes ADR-0001)', '', 'ADR-0002 supersedes [ADR-0001](0001-outbox.md).'),
        [ADR3]: adr('0003', 'Accepted', '', 'ADR-0009 supersedes this decision; we supersede ADR-0001 too.', '**Supersedes** ADR-0002.'),
      },
      errors: [
        { messageId: 'supersession', path: `${A}/0002-choreography.md`, line: 4 },
        { messageId: 'supersession', path: `${A}/0002-choreography.md`, line: 20 },
        { messageId: 'supersession', path: ADR3, line: 20 },
        { messageId: 'supersession', path: ADR3, line: 21 },
      ],
    },
    {
      name: 'MADR: an option whose Pros and Cons give no reason; without the Consequences and the Context',
      files: { [ADR3]: md(...MADR.slice(0, 2), '## Problem', 'Refunds must compensate in order.', ...MADR.slice(4, 13), ...MADR.slice(17, 23), 'It is event-driven.') },
      extraPaths: SIBLINGS,
      errors: [
        { messageId: 'missingSection', path: ADR3, line: 1 },
        { messageId: 'missingSection', path: ADR3, line: 1 },
        { messageId: 'alternativeWithoutReason', path: ADR3, line: 19, severity: 'Suggestion' },
      ],
    },
    {
      name: 'MADR without Pros and Cons: the Considered Options are judged for their reasons',
      files: { [ADR3]: md(...MADR.slice(0, 17)) },
      extraPaths: SIBLINGS,
      errors: [
        { messageId: 'alternativeWithoutReason', path: ADR3, line: 7, severity: 'Suggestion' },
        { messageId: 'alternativeWithoutReason', path: ADR3, line: 8, severity: 'Suggestion' },
        { messageId: 'alternativeWithoutReason', path: ADR3, line: 9, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 6: a platform ADR that lists no feature README (Suggestion)',
      files: { 'docs/system/adrs/0001-one-broker.md': adr('0001', 'Accepted', '', '## Related artifacts', '- Catalog: [../catalog.md](../catalog.md)') },
      extraPaths: ['docs/system/catalog.md'],
      errors: [{ messageId: 'platformReadmes', path: 'docs/system/adrs/0001-one-broker.md', line: 20, severity: 'Suggestion' }],
    },
    {
      name: 'the loyalty-points ADR with a single alternative',
      files: {
        ...loyalty,
        [`${L}/adrs/0001-append-only-points-ledger.md`]: loyalty[`${L}/adrs/0001-append-only-points-ledger.md`].replace(
          /- Event log kept only in the broker:.*\n/,
          '',
        ),
      },
      errors: [{ messageId: 'fewAlternatives', path: `${L}/adrs/0001-append-only-points-ledger.md`, line: 27 }],
    },
  ],
});

describe('adr-structure on hostile supersession lines', () => {
  it('reads a 100,000-character line of supersede verbs in linear time', () => {
    for (const hostile of ['supersedes '.repeat(9100), 'This ADR supersedes ADR-0001 and '.repeat(3000), `Supersedes ${' '.repeat(100_000)}ADR-0001`]) {
      const started = performance.now();
      runRuleOnCase(rule, { name: 'hostile', files: { [ADR3]: adr('0003', 'Accepted', '', hostile) }, extraPaths: SIBLINGS });
      assert.ok(performance.now() - started < 2000, `${hostile.slice(0, 20)}… took too long`);
    }
  });
});
