import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeChecklists, NOT_APPLICABLE_REASON } from '../../src/review/summary/checklists.js';
import type { ReviewFacts } from '../../src/review/summary/facts.js';
import {
  exampleCodeFacts,
  exampleFacts,
  exampleFindings,
  facts,
  FILE,
  finding,
  loyaltyFiles,
  loyaltyModel,
  README,
} from '../render/fixture.js';

const DESIGN = 'docs/features/loyalty-points/design.md';
const CONTRACT = 'docs/features/loyalty-points/contracts/loyalty.points-awarded.v1.md';

const row = (c: ReturnType<typeof computeChecklists>, id: string) =>
  [...c.reliability, ...c.distributed.rows].find((r) => r.id === id)!;

/** The example feature reviewed without code, with `head` edits against the unchanged example as base. */
function docsFacts(head: Record<string, string | null> = {}, extra: Partial<ReviewFacts> = {}): ReviewFacts {
  return facts({
    codeFiles: 0,
    analysedPaths: [],
    artifacts: { head: loyaltyModel(head), base: loyaltyModel({}, 'base') },
    baseCode: { consumers: [], publishes: [], dbWrites: [], retries: [] },
    changes: Object.keys(head).map((path) => ({ path, status: 'modified' as const })),
    ...extra,
  });
}

const edit = (path: string, from: string, to: string) => {
  const text = loyaltyFiles()[path]!;
  assert.ok(text.includes(from), `fixture ${path} lacks "${from}"`);
  return { [path]: text.replace(from, to) };
};

describe('computeChecklists: reliability (§5)', () => {
  it('reproduces the worked example of §12: design evidence plus the first introduced finding', () => {
    const c = computeChecklists(exampleFindings(), exampleFacts());
    assert.deepEqual(
      c.reliability.map((r) => [r.id, r.status, r.evidence]),
      [
        ['R1', 'Regressed', 'design.md:26 at-least-once; consumer-error-swallowed introduced at award-consumer.ts:24'],
        ['R2', 'Regressed', 'design.md:27 inbox; contract Idempotency key declared; non-idempotent-consumer introduced at award-consumer.ts:17'],
        ['R3', 'Regressed', 'design.md:28 DLQ owned by Loyalty Platform; missing-dlq introduced at award-consumer.ts:12 (+1 more)'],
        ['R4', 'Regressed', 'design.md:29 5 attempts, exponential, jitter, permanent; retry-without-jitter introduced at award-consumer.ts:16'],
        ['R5', 'Answered', 'design.md:30 per-key `member_id`'],
        ['R6', 'Answered', 'design.md:31 JSON Schema, BACKWARD; contract BACKWARD, CI gate `schema-compat`, triplet complete'],
        ['R7', 'Regressed', 'design.md:32 traceparent; missing-trace-context introduced at award-consumer.ts:20'],
        ['R8', 'Regressed', 'design.md:33 replay; dual-write introduced at award-consumer.ts:20'],
      ],
    );
  });

  it('answers every question from the example feature alone (docs-only review)', () => {
    const c = computeChecklists([], docsFacts());
    assert.ok(c.reliability.every((r) => r.status === 'Answered'), JSON.stringify(c.reliability));
  });

  it('is Open with a pre-existing finding, keeping the design evidence', () => {
    const c = computeChecklists([finding({ ruleId: 'retry-without-jitter', status: 'pre-existing', line: 16 })], exampleFacts());
    assert.equal(row(c, 'R4').status, 'Open');
    assert.equal(row(c, 'R4').evidence, 'design.md:29 5 attempts, exponential, jitter, permanent; retry-without-jitter pre-existing at award-consumer.ts:16');
  });

  it('is Regressed when the PR weakens an answer that was complete at base', () => {
    const c = computeChecklists([], docsFacts(edit(DESIGN, 'exponential backoff from 200 ms with full jitter; permanent errors skip retry', 'exponential backoff')));
    assert.equal(row(c, 'R4').status, 'Regressed');
    assert.match(row(c, 'R4').evidence, /^doc answer weakened by this change: design Retry answer states no jitter, no error classification \(design\.md:29\)/);
  });

  it('is Open (not Regressed) when the answer was already missing at base', () => {
    const weak = edit(DESIGN, '- **Ordering**: per-key by `member_id`.\n', '');
    const f = docsFacts(weak, { artifacts: { head: loyaltyModel(weak), base: loyaltyModel(weak, 'base') } });
    const c = computeChecklists([], f);
    assert.equal(row(c, 'R5').status, 'Open');
    assert.equal(row(c, 'R5').evidence, 'design has no Ordering answer');
  });

  it('treats a "later" answer as Open by definition', () => {
    const later = edit(DESIGN, '5 attempts, exponential backoff from 200 ms with full jitter; permanent errors skip retry', 'decide later');
    const f = docsFacts(later, { artifacts: { head: loyaltyModel(later), base: loyaltyModel(later, 'base') } });
    assert.equal(row(computeChecklists([], f), 'R4').status, 'Open');
    assert.match(row(computeChecklists([], f), 'R4').evidence, /design Retry answer defers the decision \("decide later\."\)/);
  });

  it('requires every contract to carry the field the question needs', () => {
    const c = computeChecklists([], docsFacts(edit(CONTRACT, '- **Idempotency key**: `id` (CloudEvents)\n', '')));
    assert.equal(row(c, 'R2').status, 'Regressed');
    assert.match(row(c, 'R2').evidence, /contract loyalty\.points-awarded\.v1 has no Idempotency key/);
  });

  it('reads code spans as text: the DLQ channel and traceparent are named in backticks', () => {
    const c = computeChecklists([], docsFacts());
    assert.equal(row(c, 'R3').evidence, 'design.md:28 DLQ owned by Loyalty Platform');
    assert.equal(row(c, 'R7').evidence, 'design.md:32 traceparent');
  });

  it('lets code evidence stand in only when no design exists', () => {
    const noDesign = exampleCodeFacts({ features: [], analysedPaths: [FILE] });
    const c = computeChecklists([], noDesign);
    // R2, R3, R4 and R7 have code substitutes; R1, R5, R6 and R8 are decisions.
    assert.equal(row(c, 'R2').status, 'Answered');
    assert.match(row(c, 'R2').evidence, /^no design; 1 at-least-once handler\(s\) guard their effects/);
    assert.equal(row(c, 'R7').status, 'Answered');
    assert.equal(row(c, 'R1').status, 'Open');
    assert.equal(row(c, 'R1').evidence, 'no design in scope');
    const notRun = computeChecklists([], { ...noDesign, ranRules: new Set(['dual-write']) });
    assert.equal(row(notRun, 'R2').status, 'Open');
    assert.equal(row(notRun, 'R2').evidence, 'no design, and non-idempotent-consumer did not run');
  });

  it('lists Suggestion, System and Heuristic findings as notes without changing the status', () => {
    const c = computeChecklists(
      [
        finding({ ruleId: 'outbound-call-without-timeout', severity: 'Suggestion', line: 3 }),
        finding({ ruleId: 'stacked-retries', precision: 'Heuristic', line: 4 }),
      ],
      exampleFacts(),
    );
    assert.equal(row(c, 'R4').status, 'Answered');
    assert.equal(
      row(c, 'R4').evidence,
      'design.md:29 5 attempts, exponential, jitter, permanent; notes: outbound-call-without-timeout (Suggestion, High) at award-consumer.ts:3, stacked-retries (Important, Heuristic) at award-consumer.ts:4',
    );
  });

  it('ignores removed findings and rules outside the question', () => {
    const c = computeChecklists(
      [finding({ ruleId: 'non-idempotent-consumer', status: 'removed' }), finding({ ruleId: 'dual-write', severity: 'Critical' })],
      exampleFacts(),
    );
    assert.equal(row(c, 'R2').status, 'Answered');
    assert.equal(row(c, 'R1').status, 'Answered');
    assert.equal(row(c, 'R8').status, 'Regressed');
  });

  it('counts variant-dependent rules only when the finding names the question', () => {
    const redelivery = finding({ ruleId: 'unbounded-retry', checklist: ['R4', 'R3'] });
    const library = finding({ ruleId: 'unbounded-retry', checklist: ['R4'], line: 9 });
    assert.equal(row(computeChecklists([redelivery], exampleFacts()), 'R3').status, 'Regressed');
    assert.equal(row(computeChecklists([library], exampleFacts()), 'R3').status, 'Answered');
    assert.equal(row(computeChecklists([library], exampleFacts()), 'R4').status, 'Regressed');
  });

  it('prefixes evidence with the feature in a multi-feature review', () => {
    const other = loyaltyModel();
    const f = docsFacts({}, { features: ['loyalty-points', 'orders'], artifacts: { head: other, base: loyaltyModel({}, 'base') } });
    const r1 = row(computeChecklists([], f), 'R1');
    assert.equal(r1.status, 'Open');
    assert.equal(r1.evidence, 'loyalty-points: design.md:26 at-least-once; orders: no design in scope');
  });
});

describe('computeChecklists: distributed systems (§6)', () => {
  it('reproduces the worked example of §12', () => {
    const c = computeChecklists(exampleFindings(), exampleFacts());
    assert.equal(c.distributed.applicable, true);
    assert.match(c.distributed.reason, /^new consumer entry point at services\/loyalty\/src\/award-consumer\.ts:12/);
    assert.deepEqual(
      c.distributed.rows.map((r) => [r.id, r.status, r.evidence]),
      [
        ['D1', 'Answered', 'Owner team Loyalty Platform in README and contract'],
        ['D2', 'Regressed', 'dual-write introduced at award-consumer.ts:20; no consistency model named in design, ADR or architecture doc'],
        ['D3', 'Answered', 'Capacity p99 220 awards/s; axis: partition (design.md:41)'],
        ['D4', 'Regressed', 'runbook dlq-triage.md exists; retry-without-jitter introduced at award-consumer.ts:16; the docs state no timeouts, retry budget or circuit breaking'],
        ['D5', 'Answered', 'kafkajs eachMessage processes one message per partition at a time (unbounded-prefetch-concurrency clean)'],
        ['D6', 'Answered', 'SLO, runbook with dashboards, cost owner, capacity, tenancy filled'],
      ],
    );
  });

  it('does not call intake bounded (D5) when unbounded-prefetch-concurrency fired in scope', () => {
    const flagged = finding({ ruleId: 'unbounded-prefetch-concurrency', severity: 'Important', path: 'services/loyalty/src/award-consumer.ts', line: 12 });
    const d5 = computeChecklists([...exampleFindings(), flagged], exampleFacts()).distributed.rows.find((r) => r.id === 'D5')!;
    assert.equal(d5.status, 'Regressed');
    assert.doesNotMatch(d5.evidence, /clean|did not run/);
    assert.equal(d5.evidence, 'bounded at design.md:23; unbounded-prefetch-concurrency introduced at award-consumer.ts:12');
  });

  it('is not applicable when nothing of §6.1 holds', () => {
    const c = computeChecklists([], docsFacts());
    assert.equal(c.distributed.applicable, false);
    assert.equal(c.distributed.reason, NOT_APPLICABLE_REASON);
    assert.deepEqual(c.distributed.rows, []);
    const none = computeChecklists([], facts());
    assert.equal(none.distributed.applicable, false);
  });

  it('applies on deployment files, service folders, README Dependencies and doc mentions', () => {
    assert.match(computeChecklists([], docsFacts({}, { deploymentChanges: ['deploy/hpa.yaml'] })).distributed.reason, /deployment or scaling file changed \(deploy\/hpa\.yaml\)/);
    assert.match(computeChecklists([], docsFacts({}, { serviceFolderChanges: ['services/loyalty/'] })).distributed.reason, /service folder services\/loyalty\/ added or changed/);
    const deps = edit(README, '- **External services**: (none)', '- **External services**: Braze (email)');
    assert.match(computeChecklists([], docsFacts(deps)).distributed.reason, /README Dependencies of loyalty-points changed/);
    const mention = edit(DESIGN, '## Related artifacts', 'Awards are sharded by member across two clusters.\n\n## Related artifacts');
    assert.match(computeChecklists([], docsFacts(mention)).distributed.reason, /design\.md:46 mentions shard/);
    // A System concerns field named Capacity is not a mention; nor is an unchanged design.
    const capacity = edit(DESIGN, '- **Capacity**: p99 220 awards/s; 25% yearly growth', '- **Capacity**: p99 230 awards/s; 25% yearly growth');
    assert.equal(computeChecklists([], docsFacts(capacity)).distributed.applicable, false);
  });

  it('applies on a D-mapped finding', () => {
    const c = computeChecklists([finding({ ruleId: 'lock-without-fencing', line: 8 })], facts());
    assert.equal(c.distributed.applicable, true);
    assert.equal(row(c, 'D2').status, 'Regressed');
    assert.equal(row(c, 'D4').status, 'Regressed');
  });

  it('finds a consistency model within ten words of "consisten" (D2)', () => {
    const near = edit(DESIGN, '## Related artifacts', 'Balances are eventually consistent with the ledger within 5 s.\n\n## Related artifacts');
    const d2 = row(computeChecklists([], docsFacts(near, { deploymentChanges: ['x.tf'] })), 'D2');
    assert.equal(d2.status, 'Answered');
    assert.equal(d2.evidence, 'design.md:46 eventually');
    const far = edit(
      DESIGN,
      '## Related artifacts',
      'We chose eventual delivery of awards to members after a long discussion across every team about the consistency of balances.\n\n## Related artifacts',
    );
    assert.equal(row(computeChecklists([], docsFacts(far, { deploymentChanges: ['x.tf'] })), 'D2').status, 'Open');
  });

  it('reports owners that disagree across artifacts (D1)', () => {
    const drift = edit(CONTRACT, '- **Owner**: Loyalty Platform (escalation: page `loyalty-oncall`)', '- **Owner**: Growth Marketing');
    const d1 = row(computeChecklists([], docsFacts(drift, { deploymentChanges: ['x.tf'] })), 'D1');
    assert.equal(d1.status, 'Regressed');
    assert.match(d1.evidence, /owners differ: Loyalty Platform \(README\.md:4\) and Growth Marketing \(contracts\/loyalty\.points-awarded\.v1\.md:7\)/);
  });
});
