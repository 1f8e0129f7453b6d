import rule from '../../rules/docs/runbook-quality-bar.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const LR = 'docs/features/loyalty-points/runbooks/dlq-triage.md';
const LOYALTY_RUNBOOK = loyalty[LR];

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const RUNBOOK = 'docs/features/orders/runbooks/dlq-triage.md';
const PLATFORM = 'docs/system/runbooks/broker-outage.md';

/** Replaces the body of one `## Heading` section of the loyalty runbook. */
const withSection = (text: string, heading: string, ...body: string[]) =>
  text.replace(new RegExp(`(## ${heading}\\n)[\\s\\S]*?(?=\\n## )`), `$1${body.join('\n')}\n`);
const withoutSection = (text: string, heading: string) => text.replace(new RegExp(`## ${heading}\\n[\\s\\S]*?(?=\\n## )`), '');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 52 Passes example: the runbook of artifacts.md §10.8', files: { [RUNBOOK]: LOYALTY_RUNBOOK } },
    {
      name: 'a failover runbook needs no redrive section; synonyms of the section names',
      files: {
        [RUNBOOK.replace('dlq-triage', 'region-failover')]: withoutSection(LOYALTY_RUNBOOK, 'Redrive')
          .replace('- **Incident type**: DLQ triage', '- **Incident type**: failover')
          .replace('## Owner and escalation', '## Escalation')
          .replace('## Dashboards', '## Impacted systems')
          .replace('## Stop and rollback criteria', '## Abort criteria')
          .replace('## Post-incident actions', '## Follow-up'),
      },
    },
    {
      name: 'a platform runbook listing the feature READMEs it affects',
      files: {
        [PLATFORM]: LOYALTY_RUNBOOK.replace(
          /## Related artifacts[\s\S]*$/,
          '## Related artifacts\n- Affected: [loyalty-points](../../features/loyalty-points/README.md)\n',
        ),
      },
      extraPaths: ['docs/features/loyalty-points/README.md'],
    },
  ],
  invalid: [
    {
      name: 'rule 52 Fails example',
      files: {
        [RUNBOOK]: md(
          '## Summary',
          '- **Status**: Active',
          '- **Date**: 2026-05-02',
          '- **Incident type**: DLQ triage',
          '- **Owner**: <team>',
          '- **TL;DR**: What to do when the DLQ fills up.',
          '',
          '## Steps',
          '1. Look at the DLQ.',
          '2. Redrive all messages.',
        ),
      },
      errors: [
        ...Array.from({ length: 10 }, () => ({ messageId: 'missingSection', path: RUNBOOK, line: 1, severity: 'Important' as const })),
        { messageId: 'dlqRetention', path: RUNBOOK, line: 1, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 2: a placeholder owner (on its line) and dashboards that name nothing (on the heading)',
      files: {
        [RUNBOOK]: withSection(
          withSection(LOYALTY_RUNBOOK, 'Owner and escalation', '- Primary: <team on-call>.'),
          'Dashboards',
          '- The usual consumer dashboards.',
        ),
      },
      errors: [
        { messageId: 'placeholder', path: RUNBOOK, line: 20 },
        { messageId: 'notConcrete', path: RUNBOOK, line: 22 },
      ],
    },
    {
      name: 'step 3: each uncovered safety topic is a Suggestion on the safety heading',
      files: { [RUNBOOK]: withSection(LOYALTY_RUNBOOK, 'Safety warnings', '- Be careful with production data.', '- Never redrive blindly.') },
      errors: [
        { messageId: 'safetyTopic', path: RUNBOOK, line: lineOf(LOYALTY_RUNBOOK, '## Safety warnings'), severity: 'Suggestion' },
        { messageId: 'safetyTopic', path: RUNBOOK, line: lineOf(LOYALTY_RUNBOOK, '## Safety warnings'), severity: 'Suggestion' },
        { messageId: 'safetyTopic', path: RUNBOOK, line: lineOf(LOYALTY_RUNBOOK, '## Safety warnings'), severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 4: a redrive without a rate (on its first step)',
      files: { [RUNBOOK]: withSection(LOYALTY_RUNBOOK, 'Redrive', '1. Redrive all messages.', '2. Watch the dashboard.') },
      errors: [{ messageId: 'redriveRate', path: RUNBOOK, line: lineOf(LOYALTY_RUNBOOK, '## Redrive') + 1, severity: 'Important' }],
    },
    {
      name: 'step 4 applies only when the section exists: a missing one is reported once, by step 1',
      files: { [RUNBOOK]: withoutSection(LOYALTY_RUNBOOK, 'Redrive') },
      errors: [{ messageId: 'missingSection', path: RUNBOOK, line: 1 }],
    },
    {
      name: 'step 5: a DLQ triage runbook that never states retention (on the triage heading)',
      files: { [RUNBOOK]: LOYALTY_RUNBOOK.replace('; DLQ messages are retained for 14 days', '') },
      errors: [{ messageId: 'dlqRetention', path: RUNBOOK, line: lineOf(LOYALTY_RUNBOOK, '## Triage'), severity: 'Suggestion' }],
    },
    {
      name: 'step 6: audit trail without ticket and operator; post-incident without prevention',
      files: {
        [RUNBOOK]: withSection(
          withSection(LOYALTY_RUNBOOK, 'Audit trail', '- Keep notes of what happened.'),
          'Post-incident actions',
          '- Find the root cause within 5 working days.',
        ),
      },
      errors: [
        { messageId: 'auditTrail', path: RUNBOOK, line: lineOf(LOYALTY_RUNBOOK, '## Audit trail'), severity: 'Suggestion' },
        { messageId: 'postIncident', path: RUNBOOK, line: lineOf(LOYALTY_RUNBOOK, '## Post-incident actions'), severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 7: a platform runbook without affected feature READMEs',
      files: { [PLATFORM]: LOYALTY_RUNBOOK },
      errors: [{ messageId: 'platformReadmes', path: PLATFORM, line: lineOf(LOYALTY_RUNBOOK, '## Related artifacts'), severity: 'Suggestion' }],
    },
  ],
});
