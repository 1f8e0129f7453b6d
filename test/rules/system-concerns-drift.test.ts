import rule from '../../rules/docs/system-concerns-drift.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, runRuleOnCase, testDocsRule, type FileTree } from '../harness/docs-rule-tester.js';
import assert from 'node:assert/strict';
import { it } from 'node:test';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const LP = 'docs/features/loyalty-points';
const DESIGN = `${LP}/design.md`;
const README = `${LP}/README.md`;
const ADR = `${LP}/adrs/0001-append-only-points-ledger.md`;
const CONTRACT = `${LP}/contracts/loyalty.points-awarded.v1.md`;
const RUNBOOK = `${LP}/runbooks/dlq-triage.md`;
const LAUNCH = `${LP}/launches/2026-05-20.md`;

const edit = (tree: FileTree, path: string, from: string, to: string): FileTree => {
  if (!tree[path].includes(from)) throw new Error(`fixture ${path} lacks ${from}`);
  return { ...tree, [path]: tree[path].replace(from, to) };
};

const F = 'docs/features/refunds';
/** The Compliance field is on line 3 of these files. */
const block = (...fields: string[]) => md('## System concerns', '- **Owner team**: Payments', ...fields);
const COST_OWNER_LINE = '- **Cost owner**: Loyalty Platform, cost centre CC-4410';
const NEW_COST_OWNER = '- **Cost owner**: Growth Marketing, cost centre CC-7002';

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 32 Passes example: the same compliance set with an explanation',
      files: {
        [`${F}/design.md`]: block('- **Compliance**: PII, GDPR'),
        [`${F}/contracts/refunds.completed.v1.md`]: block('- **Compliance**: PII, GDPR (email hashed; see schema tags)'),
      },
    },
    {
      name: 'placeholders are skipped, narrowed DR facts with equal numbers agree, units are normalised',
      files: {
        [`${F}/design.md`]: block('- **Compliance**: <TBD>', '- **DR posture**: RPO 5 min, RTO 30 min, single region'),
        [`${F}/runbooks/failover.md`]: block('- **Compliance**: PII', '- **DR posture**: RPO 5 minutes (eu-west only), RTO 30 minutes'),
      },
    },
    {
      name: 'without a design the README is the reference',
      files: {
        [`${F}/README.md`]: md('## Service info', '- **Owner team**: Payments (#payments)', '', '## System concerns (the layer beyond code)', '- **Tenancy**: multi-tenant (schema per tenant)'),
        [`${F}/adrs/0001-x.md`]: md('## System concerns', '- **Owner team**: Payments', '- **Tenancy**: multi-tenant, row-level security'),
      },
    },
    {
      name: 'an unchanged design and README make no posture change',
      files: loyalty,
      baseFiles: loyalty,
    },
  ],
  invalid: [
    {
      name: 'rule 32 Fails example: design PII, GDPR; contract none',
      files: {
        [`${F}/design.md`]: block('- **Compliance**: PII, GDPR'),
        [`${F}/contracts/refunds.completed.v1.md`]: block('- **Compliance**: none'),
      },
      errors: [{ messageId: 'drift', path: `${F}/contracts/refunds.completed.v1.md`, line: 3, severity: 'System' }],
    },
    {
      name: 'README owner team (Service info), runbook tenancy class and launch RTO drift from the design',
      files: {
        ...edit(
          edit(edit(loyalty, README, '- **Owner team**: Loyalty Platform', '- **Owner team**: Growth Marketing'), RUNBOOK, 'single-tenant', 'multi-tenant'),
          LAUNCH,
          'RTO 30 min',
          'RTO 2 h',
        ),
      },
      errors: [
        { messageId: 'drift', path: README, line: 4 },
        { messageId: 'drift', path: RUNBOOK, line: 12 },
        { messageId: 'drift', path: LAUNCH, line: 14 },
      ],
    },
    {
      name: 'review-output.md §12: a README cost-owner change is one posture change that names the old holders',
      files: edit(loyalty, README, COST_OWNER_LINE, NEW_COST_OWNER),
      baseFiles: loyalty,
      errors: [{ messageId: 'postureChange', path: README, line: 12, severity: 'System' }],
    },
    {
      name: 'a design change folds the drift of every other artifact into its posture change',
      files: edit(loyalty, DESIGN, COST_OWNER_LINE, NEW_COST_OWNER),
      baseFiles: loyalty,
      errors: [{ messageId: 'postureChange', path: DESIGN, line: 12 }],
    },
    {
      name: 'a posture change that every artifact follows is still surfaced',
      files: [DESIGN, README, ADR, CONTRACT, RUNBOOK, LAUNCH].reduce((tree, path) => edit(tree, path, 'Compliance**: none', 'Compliance**: PII'), loyalty),
      baseFiles: loyalty,
      errors: [
        { messageId: 'postureChange', path: DESIGN, line: 11 },
        { messageId: 'postureChange', path: README, line: 11 },
      ],
    },
  ],
});

it('system-concerns-drift: the posture-change message names the change and the artifacts that still hold the old value', () => {
  const [finding] = runRuleOnCase(rule, { name: 'worked example', files: edit(loyalty, README, COST_OWNER_LINE, NEW_COST_OWNER), baseFiles: loyalty });
  assert.match(finding.message, /^Posture change: Cost owner of loyalty-points changes from "Loyalty Platform, cost centre CC-4410" to "Growth Marketing, cost centre CC-7002" in docs\/features\/loyalty-points\/README\.md; /);
  assert.match(finding.message, /design\.md:12, .*launches\/2026-05-20\.md:12 still hold the old value\.$/);
});
