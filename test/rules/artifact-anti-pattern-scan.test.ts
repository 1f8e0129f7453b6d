import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/artifact-anti-pattern-scan.js';
import { buildArtifactModel } from '../../src/artifacts/model.js';
import { defaultConfig } from '../../src/config/schema.js';
import { runDocsRules } from '../../src/review/docs-runner.js';
import { computeAntiPatterns } from '../../src/review/summary/anti-patterns.js';
import { asHeadFinding } from '../../src/review/summary/criteria.js';
import { facts } from '../render/fixture.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const F = 'docs/features/orders';
const DESIGN = `${F}/design.md`;
const ADR = `${F}/adrs/0002-publishing.md`;
const RUNBOOK = `${F}/runbooks/dlq-triage.md`;
const OVERVIEW = `${F}/architecture-overview.md`;

/** Body lines start on line 3. */
const design = (heading: string, ...body: string[]) => md('# Orders Design', `## ${heading}`, ...body);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    {
      name: 'rule 33 Passes example',
      files: { [DESIGN]: design('Boundary contracts (conceptual, not code)', '- The API saves the order and an outbox row in one transaction; a CDC relay publishes `orders.placed.v1`.') },
    },
    {
      name: 'the negation window: avoided, rejected and never-chosen anti-patterns',
      files: {
        [DESIGN]: design(
          'Reliability checklist',
          '- Retry: we never retry forever; 5 attempts, then the DLQ.',
          '- Delivery: consumers do not auto-commit offsets.',
          '- We avoid a two-phase commit across the ledger and the broker.',
          '- Auto-commit is disabled on every consumer.',
        ),
      },
    },
    {
      name: 'the Anti-patterns to avoid section and ADR context are not scanned',
      files: {
        [DESIGN]: design('Anti-patterns to avoid', '- Dual-write: the API saves the order, then publishes the event.'),
        [ADR]: md('# ADR-0002', '## Context', 'Today the API saves the order, then publishes to Kafka.', '', '## Decision', 'We will publish through the outbox relay.'),
      },
    },
    {
      name: 'word boundaries and masked code: "tracking", "rollback", "backoff" and table names do not trigger',
      files: {
        [DESIGN]: design(
          'Observability',
          '- Tracking of the rollback backoff is immediate and first-class.',
          '- The `shared_db` table `write_then_publish` is read only.',
        ),
      },
    },
    {
      name: 'active-active with a conflict policy; a paced redrive; a blind-redrive phrase outside runbooks',
      files: {
        [DESIGN]: design('DR', '- The ledger runs active-active; conflicts resolve by a single writer per member.', '- Operators may replay all events into staging.'),
        [RUNBOOK]: md('# Runbook', '## Redrive', '1. Redrive all messages at 10 msg/s after the fix ships.'),
      },
    },
  ],
  invalid: [
    {
      name: 'rule 33 Fails example: save, then publish',
      files: { [DESIGN]: design('Boundary contracts (conceptual, not code)', '- The API saves the order, then publishes `orders.placed.v1` directly to Kafka.') },
      errors: [{ messageId: 'antiPattern', path: DESIGN, line: 3, severity: 'Important' }],
    },
    {
      name: 'each anti-pattern of the table',
      files: {
        [DESIGN]: design(
          'Flow',
          '- The consumer acks the message immediately and then writes the row.',
          '- Failed calls retry forever.',
          '- Orders and billing share a two-phase commit.',
          '- Both services write to the shared database.',
          '- Orders and billing are deployed together.',
          '- The cache is the source of truth for balances.',
          '- Consumers use auto-commit.',
        ),
      },
      errors: [3, 4, 5, 6, 7, 8, 9].map((line) => ({ messageId: 'antiPattern', path: DESIGN, line })),
    },
    {
      name: 'ADR decision and consequences, overview flows, runbook procedures',
      files: {
        [ADR]: md('# ADR-0002', '## Decision', 'We will insert the row and then publish the event.', '', '## Consequences', '- Billing and orders are released in lockstep.'),
        [OVERVIEW]: md('# Overview', '## 8. Message and request flows', '- Regions run active-active with XA transactions.'),
        [RUNBOOK]: md('# Runbook', '## Redrive', '1. Redrive all messages from the DLQ.'),
      },
      errors: [
        { messageId: 'antiPattern', path: ADR, line: 3 },
        { messageId: 'antiPattern', path: ADR, line: 6 },
        { messageId: 'antiPattern', path: OVERVIEW, line: 3 },
        { messageId: 'antiPattern', path: OVERVIEW, line: 3 },
        { messageId: 'antiPattern', path: RUNBOOK, line: 3 },
      ],
    },
  ],
});

describe('artifact-anti-pattern-scan in the summary: each hit names its anti-pattern', () => {
  it('files a design that chooses dual-write and a cache as source of truth under those rows', () => {
    const files = {
      [DESIGN]: design(
        'Boundary contracts (conceptual, not code)',
        '- The API saves the order, then publishes `orders.placed.v1` directly to Kafka.',
        '- The cart cache is the source of truth; Postgres is written later.',
      ),
    };
    const model = buildArtifactModel(Object.entries(files).map(([path, text]) => ({ path, text })), { side: 'head' });
    const result = runDocsRules([rule], { side: 'head', model, other: null, config: defaultConfig });
    assert.deepEqual(result.findings.map((f) => f.antiPattern), ['dual-write', 'cache-as-source-of-truth']);
    const rows = computeAntiPatterns(result.findings.map(asHeadFinding), facts({ features: ['orders'] }));
    const forward = rows.filter((r) => r.state === 'forward-looking').map((r) => `${r.name}: ${r.detail}`);
    assert.deepEqual(forward, [
      `dual-write: watch: artifact-anti-pattern-scan (Heuristic) at ${DESIGN}:3`,
      `cache as source of truth: watch: artifact-anti-pattern-scan (Heuristic) at ${DESIGN}:4`,
    ]);
  });

  it('files a runbook step that redrives everything under the DLQ row', () => {
    const files = { [RUNBOOK]: md('# Runbook', '## Redrive', '1. Redrive all messages from the DLQ once the fix ships.') };
    const model = buildArtifactModel(Object.entries(files).map(([path, text]) => ({ path, text })), { side: 'head' });
    const result = runDocsRules([rule], { side: 'head', model, other: null, config: defaultConfig });
    assert.deepEqual(result.findings.map((f) => f.antiPattern), ['blind-redrive']);
    const rows = computeAntiPatterns(result.findings.map(asHeadFinding), facts({ features: ['orders'] }));
    assert.deepEqual(rows.filter((r) => r.state === 'forward-looking').map((r) => r.name), ['DLQ missing or without owner / alert / dashboard / redrive']);
  });
});
