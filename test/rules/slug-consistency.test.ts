import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/slug-consistency.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, runRuleOnCase, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const BAD = 'docs/features/Order_Fulfillment';
const GOOD = 'docs/features/order-fulfillment';

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 55 Passes example', files: { [`${GOOD}/runbooks/dlq-triage.md`]: md('# Runbook') } },
    {
      name: 'channel files whose names start like the slug are channels, not the slug',
      files: { [`${GOOD}/contracts/order-fulfillment.shipped.v1.md`]: md('# Contract') },
      extraPaths: [`${GOOD}/schemas/order-fulfillment.shipped.v1.json`, `${GOOD}/adrs/0001-use-temporal.md`],
    },
    ...['[order-fulfillment](../README.md)', '[`order-fulfillment`](../README.md "the feature")', '[order-fulfillment][readme]'].map((value) => ({
      name: `a launch Feature written as a link names its text: ${value}`,
      files: { [`${GOOD}/launches/2026-06-01.md`]: md('## Summary', `- **Feature**: ${value}`, '', '[readme]: ../README.md') },
    })),
    {
      name: 'a launch whose Feature is still a template token is summary-metadata’s finding',
      files: { [`${GOOD}/launches/2026-06-01.md`]: md('## Summary', '- **Feature**: <slug>') },
    },
  ],
  invalid: [
    {
      name: 'rule 55 Fails example: folder not a slug, runbook repeating the slug',
      files: { [`${BAD}/runbooks/order-fulfillment-dlq-triage.md`]: md('# Runbook') },
      errors: [
        { messageId: 'folderName', path: `${BAD}/runbooks/order-fulfillment-dlq-triage.md`, line: 1, severity: 'Suggestion' },
        { messageId: 'runbookPrefix', path: `${BAD}/runbooks/order-fulfillment-dlq-triage.md`, line: 1, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 1: reported once, on the README',
      files: { [`${BAD}/README.md`]: md('# Orders'), [`${BAD}/design.md`]: md('# Design') },
      errors: [{ messageId: 'folderName', path: `${BAD}/README.md`, line: 1 }],
    },
    {
      name: 'step 2: a launch decision naming another feature (on the Feature line)',
      files: { [`${GOOD}/launches/2026-06-01.md`]: md('## Summary', '- **Status**: GO', '- **Feature**: orders') },
      errors: [{ messageId: 'launchFeature', path: `${GOOD}/launches/2026-06-01.md`, line: 3 }],
    },
    {
      name: 'step 2: a launch Feature linking another feature is that feature',
      files: { [`${GOOD}/launches/2026-06-01.md`]: md('## Summary', '- **Status**: GO', '- **Feature**: [orders](../../orders/README.md)') },
      errors: [{ messageId: 'launchFeature', path: `${GOOD}/launches/2026-06-01.md`, line: 3 }],
    },
    {
      name: 'step 4: contract, schema and AsyncAPI files named after the slug',
      files: { [`${GOOD}/contracts/order-fulfillment.md`]: md('# Contract') },
      extraPaths: [`${GOOD}/schemas/order-fulfillment.json`, `${GOOD}/asyncapi/order-fulfillment.yaml`],
      errors: [
        { messageId: 'slugAsChannel', path: `${GOOD}/asyncapi/order-fulfillment.yaml`, line: 1 },
        { messageId: 'slugAsChannel', path: `${GOOD}/contracts/order-fulfillment.md`, line: 1 },
        { messageId: 'slugAsChannel', path: `${GOOD}/schemas/order-fulfillment.json`, line: 1 },
      ],
    },
    {
      name: 'step 5: ADR titles that are not kebab-case',
      files: { [`${GOOD}/adrs/0001-Use_Temporal.md`]: md('# ADR-0001: Use Temporal') },
      extraPaths: [`${GOOD}/adrs/0002-use temporal.md`],
      errors: [
        { messageId: 'adrTitle', path: `${GOOD}/adrs/0001-Use_Temporal.md`, line: 1 },
        { messageId: 'adrTitle', path: `${GOOD}/adrs/0002-use temporal.md`, line: 1 },
      ],
    },
    {
      name: 'the loyalty-points launch naming the wrong feature',
      files: { ...loyalty, [`${L}/launches/2026-05-20.md`]: loyalty[`${L}/launches/2026-05-20.md`].replace('- **Feature**: loyalty-points', '- **Feature**: loyalty') },
      errors: [{ messageId: 'launchFeature', path: `${L}/launches/2026-05-20.md`, line: 4 }],
    },
  ],
});

describe('slug-consistency on a hostile Feature value', () => {
  it('reads a 100,000-character unclosed link value in linear time', () => {
    for (const hostile of [`[x](${'a'.repeat(100_000)}`, `[x](a ${' '.repeat(100_000)}`, `[${'x'.repeat(100_000)}`]) {
      const started = performance.now();
      runRuleOnCase(rule, { name: 'hostile', files: { [`${GOOD}/launches/2026-06-01.md`]: md('## Summary', `- **Feature**: ${hostile}`) } });
      assert.ok(performance.now() - started < 2000, `${hostile.slice(0, 10)}… took too long`);
    }
  });
});
