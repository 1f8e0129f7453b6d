import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/summary-metadata.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, runRuleOnCase, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const F = 'docs/features/loyalty-points';
const only = (...paths: string[]): FileTree => Object.fromEntries(paths.map((p) => [p, loyalty[p]]));

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const DESIGN = 'docs/features/refunds/design.md';
const CONTRACT = 'docs/features/refunds/contracts/refunds.issued.v1.md';
const ADR = 'docs/features/refunds/adrs/0002-saga-orchestration.md';
const RUNBOOK = 'docs/features/refunds/runbooks/dlq-triage.md';
const LAUNCH = 'docs/features/refunds/launches/2026-06-02.md';
const STANDARD = 'docs/system/standards/event-envelope.md';

const designWith = (...summary: string[]) =>
  md('# Refund Saga Design', '', '## Summary', ...summary, '', '## Patterns', '- Process Manager');

const GOOD_TLDR = '- **TL;DR**: Orchestrate refunds with a Process Manager over messaging because three services must compensate in order.';

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'loyalty-points design', files: only(`${F}/design.md`) },
    { name: 'loyalty-points contract', files: only(`${F}/contracts/loyalty.points-awarded.v1.md`) },
    { name: 'loyalty-points ADR', files: only(`${F}/adrs/0001-append-only-points-ledger.md`) },
    { name: 'loyalty-points runbook', files: only(`${F}/runbooks/dlq-triage.md`) },
    { name: 'loyalty-points launch (no H1 before the Summary)', files: only(`${F}/launches/2026-05-20.md`) },
    {
      name: 'rule 22 Passes example',
      files: { [DESIGN]: designWith('- **Status**: Proposed', '- **Date**: 2026-05-30', GOOD_TLDR) },
    },
    {
      name: 'YAML front matter before the title is no section',
      files: {
        [DESIGN]: `---\ntitle: Refund saga\nowner: payments\n---\n\n${designWith('- **Status**: Proposed', '- **Date**: 2026-05-30', GOOD_TLDR)}`,
      },
    },
    {
      name: 'indexes and free-form docs carry no Summary',
      files: {
        'docs/features/refunds/README.md': md('# Refunds', '', '## Service info', '- **Tier**: Prototype'),
        'docs/system/catalog.md': md('# System Catalog', '', 'Last updated: 2026-05-20'),
        'docs/system/glossary.md': md('# Glossary', '', '## Terms'),
        'docs/features/refunds/notes/scratch.md': md('# Scratch'),
      },
    },
    {
      name: 'dots inside numbers, abbreviations and channel names do not end a sentence',
      files: {
        [DESIGN]: designWith(
          '- **Status**: Accepted',
          '- **Date**: 2026-05-30',
          '- **TL;DR**: Publish to `refunds.issued.v1` so 99.5% of refunds settle within 60 s, e.g. the card and wallet paths. Consumers read refunds.issued.v1 independently.',
        ),
      },
    },
    {
      name: 'plain `Name: value` lines, a backticked status and the general status set on a design',
      files: { [DESIGN]: designWith('Status: `Superseded`', 'Date: 2026-05-30', 'TL;DR: Replaced by the payments saga.') },
    },
    {
      name: 'ADR superseded by another, with an agreeing ## Status section',
      files: {
        [ADR]: md(
          '# ADR-0002: Orchestrate refunds',
          '',
          '## Summary',
          '- **Status**: Superseded by ADR-0003',
          '- **Date**: 2026-05-30',
          '- **TL;DR**: Orchestration replaced choreography.',
          '',
          '## Status',
          'Superseded by [ADR-0003](0003-payments-saga.md).',
        ),
      },
    },
    {
      name: 'platform standard with its extra fields',
      files: {
        [STANDARD]: md(
          '# Platform Standard: Event envelope',
          '',
          '## Summary',
          '- **Status**: Active',
          '- **Date**: 2026-04-01',
          '- **Owner**: Platform team',
          '- **Applies to**: every produced channel',
          '- **TL;DR**: Every event is a CloudEvents 1.0 envelope with traceparent.',
        ),
      },
    },
    {
      name: 'a suppression with a reason hides the finding for its section',
      files: {
        [DESIGN]: md(
          '# Refund Saga Design',
          '<!-- arch-review-disable summary-metadata: imported from the old wiki, rewritten next sprint -->',
          '',
          '## Patterns',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 22 Fails example: no Summary section',
      files: { [DESIGN]: md('# Refund Saga Design', '', 'Status: WIP', '', '## Patterns', '- Process Manager') },
      errors: [{ messageId: 'missingSummary', path: DESIGN, line: 1, severity: 'Important' }],
    },
    {
      name: 'no ## section at all',
      files: { [DESIGN]: md('# Refund Saga Design', '', 'Work in progress.') },
      errors: [{ messageId: 'missingSummary', path: DESIGN, line: 1 }],
    },
    {
      name: 'Summary present but not first',
      files: {
        [DESIGN]: md(
          '# Refund Saga Design',
          '',
          '## Context',
          'Refunds are manual today.',
          '',
          '## Summary',
          '- **Status**: Draft',
          '- **Date**: 2026-05-30',
          GOOD_TLDR,
        ),
      },
      errors: [{ messageId: 'summaryNotFirst', path: DESIGN, line: 6 }],
    },
    {
      name: 'missing Status, Date and TL;DR are reported on the Summary heading',
      files: { [DESIGN]: md('# Refund Saga Design', '', '## Summary', 'To be written.', '', '## Patterns') },
      errors: [
        { messageId: 'missingField', path: DESIGN, line: 3 },
        { messageId: 'missingField', path: DESIGN, line: 3 },
        { messageId: 'missingField', path: DESIGN, line: 3 },
      ],
    },
    {
      name: 'status outside the contract set',
      files: {
        [CONTRACT]: md(
          '# Contract: `refunds.issued.v1`',
          '',
          '## Summary',
          '- **Status**: Accepted',
          '- **Date**: 2026-05-30',
          '- **Channel**: `refunds.issued.v1`',
          '- **Owner**: Payments (page `payments-oncall`)',
          '- **TL;DR**: Announces an issued refund.',
        ),
      },
      errors: [{ messageId: 'invalidStatus', path: CONTRACT, line: 4 }],
    },
    {
      name: 'launch status other than GO / NO-GO, and a placeholder status',
      files: {
        [LAUNCH]: md(
          '## Summary',
          '- **Status**: GO with conditions',
          '- **Date**: 2026-06-02',
          '- **Feature**: refunds',
          '- **Tier achieved**: Prototype',
          '- **TL;DR**: Beta only.',
        ),
        [RUNBOOK]: md(
          '# Runbook: DLQ triage',
          '',
          '## Summary',
          '- **Status**: <Draft|Active|Retired>',
          '- **Date**: 2026-06-02',
          '- **Incident type**: DLQ triage',
          '- **Owner**: Payments',
          '- **TL;DR**: Triage the refunds DLQ.',
        ),
      },
      errors: [
        { messageId: 'invalidStatus', path: LAUNCH, line: 2 },
        { messageId: 'invalidStatus', path: RUNBOOK, line: 4 },
      ],
    },
    {
      name: 'dates that are not real YYYY-MM-DD dates',
      files: {
        [DESIGN]: designWith('- **Status**: Draft', '- **Date**: 2026-02-30', GOOD_TLDR),
        [ADR]: md(
          '# ADR-0002: Orchestrate refunds',
          '',
          '## Summary',
          '- **Status**: Proposed',
          '- **Date**: <YYYY-MM-DD>',
          '- **TL;DR**: Orchestrate.',
        ),
        [STANDARD]: md(
          '# Platform Standard: Event envelope',
          '## Summary',
          '- **Status**: Draft',
          '- **Date**: 30 May 2026',
          '- **Owner**: Platform team',
          '- **Applies to**: every channel',
          '- **TL;DR**: Use CloudEvents.',
        ),
      },
      errors: [
        { messageId: 'invalidDate', path: ADR, line: 5 },
        { messageId: 'invalidDate', path: DESIGN, line: 5 },
        { messageId: 'invalidDate', path: STANDARD, line: 4 },
      ],
    },
    {
      name: 'launch Date differs from the file name',
      files: {
        [LAUNCH]: md(
          '## Summary',
          '- **Status**: NO-GO',
          '- **Date**: 2026-06-01',
          '- **Feature**: refunds',
          '- **Tier achieved**: Prototype',
          '- **TL;DR**: No rollback plan yet.',
        ),
      },
      errors: [{ messageId: 'launchDateMismatch', path: LAUNCH, line: 3 }],
    },
    {
      name: 'TL;DR missing, placeholder, or empty',
      files: {
        [DESIGN]: designWith('- **Status**: Draft', '- **Date**: 2026-05-30'),
        'docs/features/refunds/architecture-rfc.md': md(
          '# RFC: Refund orchestration',
          '',
          '## Summary',
          '- **Status**: Proposed',
          '- **Date**: 2026-05-30',
          '- **TL;DR**: <TBD>',
        ),
        'docs/system/architecture-overview.md': md(
          '# Platform overview',
          '',
          '## Summary',
          '- **Status**: Accepted',
          '- **Date**: 2026-05-30',
          '- **TL;DR**:',
        ),
      },
      errors: [
        { messageId: 'placeholderTldr', path: 'docs/features/refunds/architecture-rfc.md', line: 6 },
        { messageId: 'missingField', path: DESIGN, line: 3 },
        { messageId: 'placeholderTldr', path: 'docs/system/architecture-overview.md', line: 6 },
      ],
    },
    {
      name: 'TL;DR of three sentences, wrapped over two lines, is a Suggestion on its lines',
      files: {
        [DESIGN]: designWith(
          '- **Status**: Draft',
          '- **Date**: 2026-05-30',
          '- **TL;DR**: Refunds use a saga. Three services compensate in order.',
          '  A Process Manager owns the state.',
        ),
      },
      errors: [{ messageId: 'longTldr', path: DESIGN, line: 6, endLine: 7, severity: 'Suggestion' }],
    },
    {
      name: 'contract extras: Channel missing, Owner a placeholder',
      files: {
        [CONTRACT]: md(
          '# Contract: `refunds.issued.v1`',
          '',
          '## Summary',
          '- **Status**: Draft',
          '- **Date**: 2026-05-30',
          '- **Owner**: <team>',
          '- **TL;DR**: Announces an issued refund.',
        ),
      },
      errors: [
        { messageId: 'missingField', path: CONTRACT, line: 3 },
        { messageId: 'placeholderField', path: CONTRACT, line: 6 },
      ],
    },
    {
      name: 'launch extras: Feature missing, Tier achieved not a tier',
      files: {
        [LAUNCH]: md(
          '## Summary',
          '- **Status**: GO',
          '- **Date**: 2026-06-02',
          '- **Tier achieved**: Gold',
          '- **TL;DR**: Launch the beta.',
        ),
      },
      errors: [
        { messageId: 'missingField', path: LAUNCH, line: 1 },
        { messageId: 'invalidTier', path: LAUNCH, line: 4 },
      ],
    },
    {
      name: 'runbook extras: Incident type TBD, Owner missing; standard: Applies to missing',
      files: {
        [RUNBOOK]: md(
          '# Runbook: DLQ triage',
          '',
          '## Summary',
          '- **Status**: Active',
          '- **Date**: 2026-06-02',
          '- **Incident type**: TBD',
          '- **TL;DR**: Triage the refunds DLQ.',
        ),
        [STANDARD]: md(
          '# Platform Standard: Event envelope',
          '',
          '## Summary',
          '- **Status**: Active',
          '- **Date**: 2026-04-01',
          '- **Owner**: Platform team',
          '- **TL;DR**: Use CloudEvents.',
        ),
      },
      errors: [
        { messageId: 'placeholderField', path: RUNBOOK, line: 6 },
        { messageId: 'missingField', path: RUNBOOK, line: 3 },
        { messageId: 'missingField', path: STANDARD, line: 3 },
      ],
    },
    {
      name: 'ADR ## Status section disagrees with the Summary',
      files: {
        [ADR]: md(
          '# ADR-0002: Orchestrate refunds',
          '',
          '## Summary',
          '- **Status**: Accepted',
          '- **Date**: 2026-05-30',
          '- **TL;DR**: Orchestrate refunds.',
          '',
          '## Status',
          '',
          'Proposed',
        ),
      },
      errors: [{ messageId: 'adrStatusMismatch', path: ADR, line: 10, severity: 'Important' }],
    },
    {
      name: 'legacy launch path: the file name date still applies',
      files: {
        'docs/launches/refunds-2026-06-02.md': md(
          '## Summary',
          '- **Status**: GO',
          '- **Date**: 2026-06-03',
          '- **Feature**: refunds',
          '- **Tier achieved**: Prototype',
          '- **TL;DR**: Launch the beta.',
        ),
      },
      errors: [{ messageId: 'launchDateMismatch', path: 'docs/launches/refunds-2026-06-02.md', line: 3 }],
    },
    {
      name: 'docs page bad launch example',
      files: {
        'docs/features/refund-saga/launches/2026-06-02.md': md(
          '## Summary',
          '- **Status**: GO with conditions',
          '- **Date**: 2026-06-01',
          '- **Feature**: refund-saga',
          '- **Tier achieved**: Gold',
          '- **TL;DR**: <TBD>',
        ),
      },
      errors: [
        { messageId: 'invalidStatus', path: 'docs/features/refund-saga/launches/2026-06-02.md', line: 2 },
        { messageId: 'launchDateMismatch', path: 'docs/features/refund-saga/launches/2026-06-02.md', line: 3 },
        { messageId: 'invalidTier', path: 'docs/features/refund-saga/launches/2026-06-02.md', line: 5 },
        { messageId: 'placeholderTldr', path: 'docs/features/refund-saga/launches/2026-06-02.md', line: 6 },
      ],
    },
    {
      name: 'a suppression without a reason still suppresses, and is reported',
      files: {
        [DESIGN]: md('# Refund Saga Design', '<!-- arch-review-disable summary-metadata -->', '', '## Patterns'),
      },
      errors: [{ messageId: 'suppressionWithoutReason', path: DESIGN, line: 2, severity: 'Suggestion' }],
    },
  ],
});

describe('summary-metadata messages', () => {
  it('names the status set with its article: an ADR, a contract', () => {
    const files = {
      [ADR]: md('# ADR-0002: Orchestrate refunds', '', '## Summary', '- **Status**: Accepted (2026-05-14)', '- **Date**: 2026-05-14', '- **TL;DR**: Orchestrate.'),
      [CONTRACT]: md(
        '# Contract: `refunds.issued.v1`',
        '',
        '## Summary',
        '- **Status**: Accepted',
        '- **Date**: 2026-05-30',
        '- **Channel**: `refunds.issued.v1`',
        '- **Owner**: Payments (page `payments-oncall`)',
        '- **TL;DR**: Announces an issued refund.',
      ),
    };
    const problems = runRuleOnCase(rule, { name: 'statuses', files })
      .filter((f) => f.messageId === 'invalidStatus')
      .map((f) => f.message.split(': ')[1].split('. ')[0])
      .sort();
    assert.deepEqual(problems, ['Status "Accepted (2026-05-14)" is not an ADR status', 'Status "Accepted" is not a contract status']);
  });
});
