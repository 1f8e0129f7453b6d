import rule from '../../rules/docs/legacy-layout.js';
import { runRuleOnCase, LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';
import assert from 'node:assert/strict';
import { it } from 'node:test';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 57 Passes example',
      files: {
        'docs/features/order-fulfillment/design.md': md('# Order Fulfillment Design'),
        'docs/features/order-fulfillment/contracts/orders.placed.v1.md': md('# Contract'),
      },
    },
    { name: 'other docs are not legacy artifacts', files: { 'docs/index.md': md('# Docs'), 'docs/guides/setup.md': md('# Setup') } },
  ],
  invalid: [
    {
      name: 'rule 57 Fails example: one Suggestion for the tree, on the first legacy file',
      files: {
        'docs/designs/order-fulfillment-design.md': md('# Order Fulfillment Design'),
        'docs/contracts/orders.placed.v1.md': md('# Contract: `orders.placed.v1`'),
      },
      errors: [{ messageId: 'legacyFiles', path: 'docs/contracts/orders.placed.v1.md', line: 1, severity: 'Suggestion' }],
    },
    {
      name: 'legacy files that are only listed (not loaded) count too',
      files: {},
      extraPaths: ['docs/runbooks/orders-replay.md', 'schemas/orders.placed.v1.avsc', 'docs/services/orders/README.md'],
      errors: [{ messageId: 'legacyFiles', path: 'docs/runbooks/orders-replay.md', line: 1 }],
    },
  ],
});

it('legacy-layout names each file with its v0.3 target, resolving the owning feature where the model can', () => {
  const [finding] = runRuleOnCase(rule, {
    name: 'targets',
    files: {
      'docs/services/orders/README.md': md('# Orders', '', 'Produces `orders.placed.v1`.'),
      'docs/contracts/orders.placed.v1.md': md('# Contract'),
      'docs/designs/orders-design.md': md('# Design'),
      'docs/launches/orders-2026-05-01.md': md('## Summary'),
      'docs/adr/0001-outbox.md': md('# ADR-0001: Outbox'),
      'docs/runbooks/orders-replay.md': md('# Runbook'),
    },
  });
  assert.equal(
    finding.message,
    'Artifacts in the pre-0.3 layout: ' +
      [
        'docs/adr/0001-outbox.md → docs/features/<slug>/adrs/0001-outbox.md or docs/system/adrs/0001-outbox.md',
        'docs/contracts/orders.placed.v1.md → docs/features/orders/contracts/orders.placed.v1.md',
        'docs/designs/orders-design.md → docs/features/orders/design.md',
        'docs/launches/orders-2026-05-01.md → docs/features/orders/launches/2026-05-01.md',
        'docs/runbooks/orders-replay.md → docs/features/orders/runbooks/replay.md',
        'docs/services/orders/README.md → docs/features/orders/README.md',
      ].join('; ') +
      '. Move them under docs/features/<slug>/ (the skill ships scripts/migrate-layout.sh for this), then review ADR scope by hand.',
  );
});
