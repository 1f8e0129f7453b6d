import rule from '../../rules/docs/open-question-rollout-xref.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/loyalty-points';
const ADR = `${F}/adrs/0002-fraud-review.md`;
const RFC = `${F}/architecture-rfc.md`;
const DESIGN = `${F}/design.md`;
const OVERVIEW = 'docs/system/architecture-overview.md';

/** `## Rollout` on line 1, its phases from line 2; then a blank line and `## Open questions`. */
const adr = (phases: string[], questions: string[]) => md('## Rollout', ...phases, '', '## Open questions', ...questions);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 28 Passes example',
      files: {
        [ADR]: adr(
          ['- Phase 2 (after OQ-1 is answered, due 2026-06-15): enable high-value awards.'],
          ['- OQ-1: Should awards above 10,000 points wait for fraud review? Owner: Loyalty PM. Due: 2026-06-15. Blocks: Phase 2.'],
        ),
      },
    },
    {
      name: 'a question with an id never affects rollout through wording alone; a Risks section is never read',
      files: {
        [ADR]: md(
          '## Rollout',
          '- Phase 1 (2026-06-01): shadow writes.',
          '',
          '## Open questions',
          '- OQ-2: Is the launch email copy final? Owner: Growth PM. Due: 2026-06-20.',
          '',
          '## Risks',
          '- The cutover may slip if the migration is late.',
        ),
      },
    },
    {
      name: 'a quarter is not a question id; a design with the template date placeholder and a None section',
      files: {
        [RFC]: md('## Rollout', '- Phase 1 (Q3 2026): migrate the ledger.', '', '## Decision log', '- None.'),
        [DESIGN]: md('## Open questions', '- OQ-1: Which fraud vendor? Owner: Loyalty PM. Target: <YYYY-MM-DD>.'),
      },
    },
    {
      name: 'a question cited by 60% token overlap and dated on the phase; an annotated owner',
      files: {
        [ADR]: adr(
          ['- Phase 3 (2026-07-01): wait for fraud review of awards above 10,000 points before enabling.'],
          ['- Should awards above 10,000 points wait for fraud review? Owner: <TBD: Loyalty PM names one>. Due: 2026-06-15.'],
        ),
      },
    },
    {
      name: 'phases as ### subsections of a migration plan, in a platform overview',
      files: {
        [OVERVIEW]: md(
          '## 15. Rollout and migration plan',
          '### Phase 1',
          'Cut over once DQ-1 is decided, due 2026-08-01.',
          '',
          '## 17. Risks, open questions, and decisions needed',
          '- DQ-1: Which region hosts the primary? Owner: Platform lead. Due: 2026-08-01. Blocks: Phase 1.',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 28 Fails example: the phase names no question; the question has no date',
      files: {
        [ADR]: adr(['- Phase 2: enable high-value awards once the fraud policy is decided.'], ['- Should awards above 10,000 points wait for fraud review? Owner: Loyalty PM.']),
      },
      errors: [
        { messageId: 'phaseWithoutQuestion', path: ADR, line: 2, severity: 'Important' },
        { messageId: 'ownerOrDate', path: ADR, line: 5, severity: 'Suggestion' },
      ],
    },
    {
      name: 'a question that Blocks a phase which does not cite it',
      files: { [ADR]: adr(['- Phase 1 (2026-06-01): shadow writes.'], ['- OQ-1: Fraud review? Owner: Loyalty PM. Due: 2026-06-15. Blocks: Phase 2.']) },
      errors: [{ messageId: 'unreferencedQuestion', path: ADR, line: 5 }],
    },
    {
      name: 'a question without an id that mentions the launch and no phase cites',
      files: { [ADR]: adr(['- Phase 1 (2026-06-01): shadow writes.'], ['- Does legal sign off before launch? Owner: Legal. Due: 2026-06-15.']) },
      errors: [{ messageId: 'unreferencedQuestion', path: ADR, line: 5 }],
    },
    {
      name: 'a cited question without a due date on either side',
      files: { [ADR]: adr(['- Phase 2: enable awards after OQ-1 is answered.'], ['- OQ-1: Fraud review? Owner: Loyalty PM. Blocks: Phase 2.']) },
      errors: [
        { messageId: 'questionWithoutDate', path: ADR, line: 5 },
        { messageId: 'ownerOrDate', path: ADR, line: 5 },
      ],
    },
    {
      name: 'a phase naming an id that does not exist',
      files: { [ADR]: adr(['- Phase 2 (after OQ-7 is answered, due 2026-06-15): enable awards.'], ['- None.']) },
      errors: [{ messageId: 'unknownQuestionId', path: ADR, line: 2 }],
    },
    {
      name: 'design open questions without owner or date',
      files: { [DESIGN]: md('## Open questions', '- Which fraud vendor do we use?', '- OQ-2: Retention of the ledger? Owner: <TBD>. Target: someday.') },
      errors: [
        { messageId: 'ownerOrDate', path: DESIGN, line: 2 },
        { messageId: 'ownerOrDate', path: DESIGN, line: 3 },
      ],
    },
  ],
});
