import rule from '../../rules/docs/system-concerns-complete.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const DESIGN = 'docs/features/payments/design.md';
const CONTRACT = 'docs/features/payments/contracts/payments.authorized.v1.md';
const RUNBOOK = 'docs/features/payments/runbooks/dlq-triage.md';
const README = 'docs/features/payments/README.md';
const PLATFORM_ADR = 'docs/system/adrs/0001-one-broker.md';
const STANDARD = 'docs/system/standards/event-envelope.md';

const SUMMARY = ['## Summary', '- **Status**: Proposed', '- **Date**: 2026-04-02', '- **TL;DR**: Authorise cards over messaging.', ''];

/** Rule 21 Passes example: lines 7-13 of the design hold the seven fields. */
const PASSES_FIELDS = [
  '- **Owner team**: Payments Platform (#payments, page `payments-oncall`)',
  '- **Tenancy**: multi-tenant, one partition key prefix and quota per merchant',
  '- **Compliance**: PCI, GDPR',
  '- **Cost owner**: <TBD: FinOps to assign after the pilot>',
  '- **Capacity**: p99 100 authorisations/s; 40% yearly growth',
  '- **DR posture**: RPO 1 min, RTO 5 min, active-passive across two regions',
  '- **Lifecycle**: created 2026-04-02; replaced when the card vault moves to the shared platform',
];

const design = (...concerns: string[]) => md('# Payments Design', '', ...SUMMARY, '## System concerns', ...concerns, '', '## Patterns', '- Event Message');

const withField = (name: string, value: string) => PASSES_FIELDS.map((l) => (l.startsWith(`- **${name}**`) ? `- **${name}**: ${value}` : l));
const without = (...names: string[]) => PASSES_FIELDS.filter((l) => !names.some((n) => l.startsWith(`- **${n}**`)));

const README_TEXT = (...concerns: string[]) =>
  md(
    '# Payments', // 1
    '', // 2
    '## Service info', // 3
    '- **Owner team**: Payments Platform', // 4
    '- **Tier**: Prototype', // 5
    '', // 6
    '## System concerns (the layer beyond code)', // 7
    ...concerns,
  );
const README_CONCERNS = PASSES_FIELDS.slice(1);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 21 Passes example (an annotated <TBD: ...> is fine)', files: { [DESIGN]: design(...PASSES_FIELDS) } },
    {
      name: 'a key field written as sub-bullets under it; sub-fields under a grouping bullet stay fields',
      files: {
        [DESIGN]: design(
          PASSES_FIELDS[0],
          '- **Tenancy**:',
          '  - multi-tenant, one partition key prefix and quota per merchant',
          '- **Compliance**:',
          '  - PCI',
          '  - GDPR',
          '- **Operations**:',
          ...PASSES_FIELDS.slice(3).map((l) => `  ${l}`),
        ),
      },
    },
    {
      name: 'a contract may omit the block only with a Suggestion, but a complete block is clean',
      files: { [CONTRACT]: md('# Contract: `payments.authorized.v1`', '', ...SUMMARY, '## System concerns', ...PASSES_FIELDS) },
    },
    {
      name: 'a README with the six-field variant and the owner in Service info',
      files: { [README]: README_TEXT(...README_CONCERNS) },
    },
    {
      name: 'a README without a System concerns section is left to feature-readme-sync',
      files: { [README]: md('# Payments', '', '## Service info', '- **Owner team**: Payments Platform') },
    },
    {
      name: 'standards, the catalog and sysdocs carry no block',
      files: {
        [STANDARD]: md('# Platform Standard: Envelope', '', ...SUMMARY, '## Rule', 'Every event is a CloudEvent.'),
        'docs/system/catalog.md': md('# System Catalog', '', 'Last updated: 2026-05-20'),
        'docs/system/dr.md': md('# DR'),
      },
    },
    {
      name: 'plain `Name: value` fields, backticked values, tenancy without a hyphen',
      files: {
        [DESIGN]: design(
          'Owner team: `Payments Platform`',
          'Tenancy: single tenant',
          'Compliance: `PCI`',
          'Cost owner: Payments Platform',
          'Capacity: p99 100/s',
          'DR posture: RPO 1 min, RTO 5 min',
          'Lifecycle: created 2026-04-02',
        ),
      },
    },
    {
      name: 'a design without a Summary is not judged on position (summary-metadata reports it)',
      files: { [DESIGN]: md('# Payments Design', '', '## System concerns', ...PASSES_FIELDS) },
    },
    {
      name: 'a suppression with a reason hides the finding',
      files: {
        [RUNBOOK]: md('<!-- arch-review-disable system-concerns-complete: imported runbook, block added in OPS-12 -->', '# Runbook', '', ...SUMMARY, '## Triage', '1. Look.'),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 21 Fails example: an all-TBD block is one finding',
      files: {
        [DESIGN]: design('- **Owner team**: <TBD>', '- **Tenancy**: <TBD>', '- **Compliance**: <TBD>', '- **Cost owner**: <TBD>', '- **Capacity**: <TBD>', '- **DR posture**: <TBD>', '- **Lifecycle**: <TBD>'),
      },
      errors: [{ messageId: 'allPlaceholders', path: DESIGN, line: 8, severity: 'Important' }],
    },
    {
      name: 'step 1: block missing in a runbook (Important) and in a contract (Suggestion)',
      files: {
        [RUNBOOK]: md('# Runbook: DLQ triage', '', ...SUMMARY, '## Triage', '1. Look.'),
        [CONTRACT]: md('# Contract: `payments.authorized.v1`', '', ...SUMMARY, '## Patterns', 'Event Message.'),
        [PLATFORM_ADR]: md('# ADR-0001: One broker', '', ...SUMMARY, '## Context', 'One cluster.'),
      },
      errors: [
        { messageId: 'missingBlock', path: RUNBOOK, line: 1, severity: 'Important' },
        { messageId: 'missingBlockContract', path: CONTRACT, line: 1, severity: 'Suggestion' },
        { messageId: 'missingBlock', path: PLATFORM_ADR, line: 1 },
      ],
    },
    {
      name: 'step 2: block present but not directly after Summary',
      files: {
        [DESIGN]: md('# Payments Design', '', ...SUMMARY, '## Patterns', '- Event Message', '', '## System concerns', ...PASSES_FIELDS),
      },
      errors: [{ messageId: 'notAfterSummary', path: DESIGN, line: 11, severity: 'Suggestion' }],
    },
    {
      name: 'step 3: missing fields are one finding on the section heading',
      files: { [DESIGN]: design(...without('Capacity', 'Lifecycle')) },
      errors: [{ messageId: 'missingFields', path: DESIGN, line: 8 }],
    },
    {
      name: 'step 5: bare placeholders on owner, tenancy and compliance are one finding on the first',
      files: {
        [DESIGN]: design(
          '- **Owner team**: Payments Platform',
          '- **Tenancy**: <TBD>',
          '- **Compliance**: TBD',
          '- **Cost owner**: <TBD>',
          '- **Capacity**: p99 100/s',
          '- **DR posture**: RPO 1 min',
          '- **Lifecycle**: created 2026-04-02',
        ),
      },
      errors: [{ messageId: 'unannotatedKeyFields', path: DESIGN, line: 10 }],
    },
    {
      name: 'step 5: an empty owner counts as a bare placeholder',
      files: { [DESIGN]: design(...withField('Owner team', '')) },
      errors: [{ messageId: 'unannotatedKeyFields', path: DESIGN, line: 9 }],
    },
    {
      name: 'step 6: tenancy class, isolation and compliance vocabulary (Suggestions on the field lines)',
      files: {
        [DESIGN]: design(...withField('Tenancy', 'shared by all merchants').map((l) => (l.startsWith('- **Compliance**') ? '- **Compliance**: internal only' : l))),
        [RUNBOOK]: md('# Runbook', '', ...SUMMARY, '## System concerns', ...withField('Tenancy', 'multi-tenant, shared tables')),
      },
      errors: [
        { messageId: 'tenancyClass', path: DESIGN, line: 10, severity: 'Suggestion' },
        { messageId: 'complianceVocabulary', path: DESIGN, line: 11, severity: 'Suggestion' },
        { messageId: 'tenancyIsolation', path: RUNBOOK, line: 10, severity: 'Suggestion' },
      ],
    },
    {
      name: 'README: six-field variant missing a field, and Service info without its owner',
      files: {
        [README]: md(
          '# Payments', // 1
          '', // 2
          '## Service info', // 3
          '- **Tier**: Prototype', // 4
          '', // 5
          '## System concerns (the layer beyond code)', // 6
          ...README_CONCERNS.slice(0, 5),
        ),
      },
      errors: [
        { messageId: 'missingFields', path: README, line: 3 },
        { messageId: 'missingFields', path: README, line: 6 },
      ],
    },
    {
      name: 'README: the Service info owner counts for the bare-placeholder check',
      files: { [README]: README_TEXT(...README_CONCERNS).replace('Owner team**: Payments Platform', 'Owner team**: <team>') },
      errors: [{ messageId: 'unannotatedKeyFields', path: README, line: 4 }],
    },
    {
      name: 'legacy v0.2 design paths are read too',
      files: { 'docs/designs/payments-design.md': md('# Payments Design', '', ...SUMMARY, '## Patterns') },
      errors: [{ messageId: 'missingBlock', path: 'docs/designs/payments-design.md', line: 1 }],
    },
  ],
});
