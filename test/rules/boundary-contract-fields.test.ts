import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/boundary-contract-fields.js';
import { buildArtifactModel } from '../../src/artifacts/model.js';
import { configSchema, defaultConfig } from '../../src/config/schema.js';
import { runDocsRules } from '../../src/review/docs-runner.js';
import type { CodeChannelUse, DocsRule } from '../../src/review/rule.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const DESIGN = 'docs/features/payments/design.md';
const CONTRACT = 'docs/features/payments/contracts/payments.authorized.v1.md';

/** The section heading is line 3; bullets start at line 4. */
const design = (...bullets: string[]) => md('# Payments Design', '', '## Boundary contracts (conceptual, not code)', ...bullets, '', '## Anti-patterns to avoid', '- Dual-write.');

const PASSES = '- `payments.authorized.v1` — ordering key: `payment_id`; idempotency key: `id`; retention: 14 days; DLQ owner: Payments Platform; compatibility: FULL';

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 35 Passes example', files: { [DESIGN]: design(PASSES) }, extraPaths: [CONTRACT] },
    {
      name: 'a consumed bullet needs only the ordering and idempotency keys',
      files: { [DESIGN]: design(PASSES, '- `orders.placed.v1` (consumed) — ordering key: `order_id`; idempotency key: `id`') },
    },
    {
      name: 'the sub-bullet form with key synonyms, bold labels, compaction and a _TRANSITIVE mode',
      files: {
        [DESIGN]: design(
          '- `payments.authorized.v1`',
          '  - Partition key: `payment_id`',
          '  - **Dedup key**: `id`',
          '  - Retention: log-compacted',
          '  - DLQ owner: Payments Platform',
          '  - Compatibility mode: BACKWARD_TRANSITIVE',
          '  - Event type: `com.example.payments.authorized`',
          '- `refunds.requested.v1` (consumed)',
          '  - Ordering key: none',
          '  - Idempotency key: `id`',
        ),
      },
    },
    {
      name: 'rule 54 Passes example: trailing prose after the compatibility mode',
      files: {
        [DESIGN]: design(
          '- `orders.placed.v1` — ordering key: `order_id`; idempotency key: `id`; retention: 7 days; DLQ owner: Orders Platform; compatibility: BACKWARD. Payload: see `schemas/orders.placed.v1.json`.',
        ),
      },
    },
    {
      name: 'a design without the section when the feature has no contract (nothing to describe yet)',
      files: { [DESIGN]: md('# Payments Design', '', '## Patterns', '- Saga') },
    },
    {
      name: 'a feature with contracts but no design gets nothing (CHANGES.md item 11)',
      files: { [CONTRACT]: md('# Contract: `payments.authorized.v1`') },
    },
    {
      name: 'prose bullets that do not open with a channel are not channel bullets',
      files: { [DESIGN]: design(PASSES, '- Payloads are described in the schema files.') },
    },
  ],
  invalid: [
    {
      name: 'rule 35 Fails example: one finding listing every gap',
      files: { [DESIGN]: design('- `payments.authorized.v1` — ordering key: `payment_id`; retention: long') },
      errors: [{ messageId: 'incompleteBullet', path: DESIGN, line: 4, severity: 'Important' }],
    },
    {
      name: 'step 1: section missing while the feature has contracts (line 1)',
      files: { [DESIGN]: md('# Payments Design', '', '## Patterns', '- Saga') },
      extraPaths: [CONTRACT],
      errors: [{ messageId: 'missingSection', path: DESIGN, line: 1 }],
    },
    {
      name: 'step 1: section empty while the feature has contracts (on the heading)',
      files: { [DESIGN]: design('Channels are listed later.') },
      extraPaths: [CONTRACT],
      errors: [{ messageId: 'emptySection', path: DESIGN, line: 3 }],
    },
    {
      name: 'step 2: placeholders and an unknown compatibility mode',
      files: {
        [DESIGN]: design(
          '- `payments.authorized.v1` — ordering key: `<field|none>`; idempotency key: `id`; retention: 7 days; DLQ owner: <team>; compatibility: SEMVER',
          PASSES.replace('payments.authorized.v1', 'payments.captured.v1'),
        ),
      },
      errors: [{ messageId: 'incompleteBullet', path: DESIGN, line: 4 }],
    },
    {
      name: 'step 3: a consumed bullet without its idempotency key; a sub-bullet channel missing facts',
      files: {
        [DESIGN]: design(
          '- `orders.placed.v1` (consumed) — ordering key: `order_id`', // 4
          '- `payments.authorized.v1`', // 5
          '  - Ordering key: `payment_id`', // 6
          '  - Idempotency key: `id`', // 7
        ),
      },
      errors: [
        { messageId: 'incompleteBullet', path: DESIGN, line: 4 },
        { messageId: 'incompleteBullet', path: DESIGN, line: 5 },
      ],
    },
    {
      name: 'the loyalty-points design without its retention',
      files: { ...loyalty, [`${L}/design.md`]: loyalty[`${L}/design.md`].replace(' retention: 7 days;', '') },
      errors: [{ messageId: 'incompleteBullet', path: `${L}/design.md`, line: 36 }],
    },
  ],
});

describe('boundary-contract-fields with code channel facts (step 1, "code publishing to its channels")', () => {
  const run = (files: Record<string, string>, codeChannels: CodeChannelUse[], config = defaultConfig) => {
    const model = buildArtifactModel(Object.entries(files).map(([path, text]) => ({ path, text })), { side: 'head' });
    return runDocsRules([rule as DocsRule], { side: 'head', model, other: null, config, codeChannels }).findings;
  };
  const noSection = { [DESIGN]: md('# Payments Design', '', '## Patterns', '- Saga') };

  it('a feature without contracts whose mapped code publishes needs the section', () => {
    const config = configSchema.parse({ features: { payments: ['services/payments/**'] } });
    const findings = run(noSection, [{ channel: 'payments.authorized.v1', path: 'services/payments/src/pub.ts', line: 12, kind: 'publish' }], config);
    assert.deepEqual(findings.map((f) => [f.messageId, f.location.startLine]), [['missingSection', 1]]);
    assert.match(findings[0].message, /services\/payments\/src\/pub\.ts:12 publishes to payments\.authorized\.v1/);
  });

  it('code that only consumes, or that belongs to another feature, does not', () => {
    assert.deepEqual(run(noSection, [{ channel: 'orders.placed.v1', path: 'services/orders/a.ts', line: 3, kind: 'publish' }]), []);
    assert.deepEqual(run(noSection, [{ channel: 'payments.authorized.v1', path: 'services/payments/a.ts', line: 3, kind: 'consume' }]), []);
  });
});
