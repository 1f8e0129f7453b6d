import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeFailureModes, findTest } from '../../src/review/summary/failure-modes.js';
import type { ReviewFacts } from '../../src/review/summary/facts.js';
import { exampleFacts, exampleFindings, facts, FILE, finding, loyaltyFiles, loyaltyModel } from '../render/fixture.js';

const DESIGN = 'docs/features/loyalty-points/design.md';
const README = 'docs/features/loyalty-points/README.md';

function withDocs(changes: Record<string, string>, overrides: Partial<ReviewFacts> = {}): ReviewFacts {
  return exampleFacts({ artifacts: { head: loyaltyModel(changes), base: loyaltyModel({}, 'base') }, ...overrides });
}

const replaceAll = (path: string, from: string, to: string) => ({ [path]: loyaltyFiles()[path]!.split(from).join(to) });

describe('computeFailureModes', () => {
  it('scores the worked example like §12: lost publish and ack before commit first, then retry storm', () => {
    const entries = computeFailureModes(exampleFindings(), exampleFacts());
    assert.deepEqual(
      entries.map((e) => [e.name, e.likelihood, e.impact]),
      [
        ['Lost publish', 3, 3],
        ['Ack before commit', 3, 3],
        ['Retry storm', 3, 2],
        ['Duplicate delivery', 2, 2],
        ['Poison message loop', 2, 2],
      ],
    );
  });

  it('takes the blast radius from the feature System concerns and contracts', () => {
    const [lost, ack] = computeFailureModes(exampleFindings(), exampleFacts());
    assert.equal(
      lost.blastRadius,
      'tenants: the one tenant (one loyalty programme per deployment); compliance: none; ' +
        'cost: Loyalty Platform, cost centre CC-4410 per the design (the README says Growth Marketing, cost centre CC-7002); ' +
        'consumers: member-notifications, analytics-loader',
    );
    assert.match(ack.blastRadius, /; retries, redelivery and replays are billed there; consumers: /);
    assert.equal(lost.feature, 'loyalty-points');
  });

  it('sorts by likelihood × impact, then by catalog number, and keeps at most five', () => {
    const entries = computeFailureModes(
      [
        finding({ ruleId: 'missing-trace-context', precision: 'High' }), // 13: 3×1
        finding({ ruleId: 'lock-without-fencing', precision: 'Medium' }), // 11: 2×3
        finding({ ruleId: 'ordering-key-mismatch' }), // 2: 3×2
        finding({ ruleId: 'non-idempotent-consumer', severity: 'Critical' }), // 1: 3×2
        finding({ ruleId: 'schema-breaking-change', severity: 'Critical' }), // 16: 3×3
        finding({ ruleId: 'oversized-payload', precision: 'Heuristic' }), // 15: 2×2
      ],
      facts(),
    );
    assert.deepEqual(
      entries.map((e) => e.id),
      ['schema-drift', 'duplicate-delivery', 'out-of-order-delivery', 'zombie-lock-holder', 'consumer-memory-blow-up'],
    );
  });

  it('uses exposures from code and docs at likelihood 1 and skips unreachable modes', () => {
    const entries = computeFailureModes([], exampleFacts());
    assert.ok(entries.length >= 3 && entries.length <= 5);
    assert.ok(entries.every((e) => e.likelihood === 1));
    const lost = entries.find((e) => e.id === 'lost-publish')!;
    assert.equal(lost.rootCause, `Exposure: producer that also writes a DB at ${FILE}:20; no mitigation evidence found.`);
    assert.deepEqual(computeFailureModes([], facts()), []);
    // Docs-only: per-key ordering with a redrive policy, and a contract, are exposures too.
    const docs = computeFailureModes([], facts({ codeFiles: 0, artifacts: { head: loyaltyModel(), base: null } }));
    assert.deepEqual(docs.map((e) => e.id), ['schema-drift', 'out-of-order-delivery', 'hot-partition']);
    assert.equal(docs[1].rootCause, 'Exposure: per-key ordering (contracts/loyalty.points-awarded.v1.md:33) with a redrive policy at contracts/loyalty.points-awarded.v1.md:39; no mitigation evidence found.');
  });

  it('raises impact for a compliance class on data-loss modes and for a Production-ready claim', () => {
    const pii = withDocs(replaceAll(DESIGN, '- **Compliance**: none (opaque member ids only, no contact data)', '- **Compliance**: PII (member email)'));
    const dup = (f: ReviewFacts) => computeFailureModes(exampleFindings(), f);
    assert.equal(dup(pii).find((e) => e.id === 'duplicate-delivery')!.impact, 2, 'duplicate delivery does not lose data');
    const docsOnly = (f: ReviewFacts) => computeFailureModes([], { ...f, codeFiles: 0, consumers: [], publishes: [], dbWrites: [], retries: [], regionsWithWriteAndPublish: 0 });
    assert.equal(docsOnly(withDocs({})).find((e) => e.id === 'out-of-order-delivery')!.impact, 2);
    const claimed = withDocs(replaceAll(README, '- **Tier**: Service-ready', '- **Tier**: Production-ready'));
    assert.equal(docsOnly(claimed).find((e) => e.id === 'out-of-order-delivery')!.impact, 3);
    // DLQ privacy leak: base impact 2, +1 because the DLQ holds PII.
    const leak = docsOnly(pii).find((e) => e.id === 'dlq-privacy-leak')!;
    assert.deepEqual([leak.likelihood, leak.impact], [1, 3]);
    assert.match(leak.blastRadius, /compliance: PII \(DLQ and log samples fall under it\);/);
  });

  it('sets impact 3 and supports replay side effects when the effect is in nonIdempotentCalls', () => {
    const charge = finding({
      ruleId: 'non-idempotent-consumer',
      severity: 'Critical',
      precision: 'Medium',
      line: 30,
      message: 'Non-idempotent consumer: payments.charge at line 30 runs on every delivery of orders.placed.v1 (charge is listed in nonIdempotentCalls), and at-least-once delivery will repeat it.',
      failureModes: ['duplicate-delivery', 'replay-side-effect'],
    });
    const entries = computeFailureModes([charge], exampleFacts({ nonIdempotentCalls: ['charge'] }));
    assert.deepEqual(entries.find((e) => e.id === 'duplicate-delivery')!.impact, 3);
    assert.deepEqual([entries.find((e) => e.id === 'replay-side-effect')!.likelihood, entries.find((e) => e.id === 'replay-side-effect')!.impact], [2, 3]);
    // A DB insert is a duplicate row (mode 1), not a replayed external side effect (mode 14).
    assert.equal(computeFailureModes(exampleFindings(), exampleFacts()).some((e) => e.id === 'replay-side-effect'), false);
  });

  it('takes the root cause from the most severe supporting finding, and failureModes metadata counts', () => {
    const entries = computeFailureModes(
      [
        finding({ ruleId: 'retry-without-jitter', line: 16, message: 'no jitter' }),
        finding({ ruleId: 'unbounded-retry', severity: 'Critical', line: 40, message: 'forever' }),
        finding({ ruleId: 'custom-rule', precision: 'Medium', line: 2, failureModes: ['split-brain'] }),
      ],
      facts(),
    );
    const storm = entries.find((e) => e.id === 'retry-storm')!;
    assert.equal(storm.rootCause, `${FILE}:40 — unbounded-retry (Critical, High): forever`);
    assert.equal(entries.find((e) => e.id === 'split-brain')!.likelihood, 2);
  });

  it('does not blame a broker redelivery loop (poison-message-loop only) for a retry storm', () => {
    const entries = computeFailureModes(
      [
        finding({ ruleId: 'unbounded-retry', severity: 'Critical', line: 12, message: 'restart loop', failureModes: ['poison-message-loop'] }),
        finding({ ruleId: 'unbounded-retry', line: 40, message: 'for (;;)', failureModes: ['retry-storm', 'poison-message-loop'] }),
      ],
      facts(),
    );
    assert.equal(entries.find((e) => e.id === 'retry-storm')!.rootCause, `${FILE}:40 — unbounded-retry (Important, High): for (;;)`);
    assert.equal(entries.find((e) => e.id === 'poison-message-loop')!.rootCause, `${FILE}:12 — unbounded-retry (Critical, High): restart loop`);
  });

  it('ignores removed findings', () => {
    assert.deepEqual(computeFailureModes([finding({ ruleId: 'dual-write', status: 'removed' })], facts()), []);
  });

  it('searches the contents of tests that reference the feature code or channels', () => {
    const tests = [
      { path: 'services/loyalty/test/award.test.ts', text: "import { start } from '../src/award-consumer.js';\nit('credits once when the order arrives twice', () => {});" },
      { path: 'services/loyalty/test/unrelated.test.ts', text: "it('outbox relay is atomic', () => {});" },
      { path: 'services/loyalty/test/channel.test.ts', text: "send('loyalty.points-awarded.v1'); it('poison goes to the dlq', () => {});" },
    ];
    const entries = computeFailureModes(exampleFindings(), exampleFacts({ tests }));
    assert.equal(entries.find((e) => e.id === 'duplicate-delivery')!.testFound, 'services/loyalty/test/award.test.ts');
    assert.equal(entries.find((e) => e.id === 'lost-publish')!.testFound, null, 'the outbox test does not reference the feature');
    assert.equal(entries.find((e) => e.id === 'poison-message-loop')!.testFound, 'services/loyalty/test/channel.test.ts');
    assert.equal(findTest([{ path: 'a/x.spec.ts', text: 'Poison-Message' }], /poison/i), 'a/x.spec.ts');
  });

  it('adds the DR posture for split brain', () => {
    const activeActive = withDocs(replaceAll(DESIGN, 'single region with warm standby', 'active-active in two regions'));
    const entry = computeFailureModes([], activeActive).find((e) => e.id === 'split-brain')!;
    assert.equal(entry.likelihood, 2);
    assert.equal(entry.rootCause, 'DR posture is active-active (design.md:14).');
    assert.match(entry.blastRadius, /; DR: RPO 5 min, RTO 30 min, active-active in two regions$/);
  });
});
