import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeFailureModes, findTest } from '../../src/review/summary/failure-modes.js';
import { exampleFacts, exampleFindings, facts, FILE, finding } from '../render/fixture.js';

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
    assert.equal(entries.length, 5);
  });

  it('uses exposure from facts at likelihood 1 and skips unreachable modes', () => {
    const entries = computeFailureModes([], exampleFacts());
    assert.ok(entries.length >= 3 && entries.length <= 5);
    assert.ok(entries.every((e) => e.likelihood === 1));
    const lost = entries.find((e) => e.id === 'lost-publish')!;
    assert.equal(lost.rootCause, `Exposure: producer that also writes a DB at ${FILE}:20; no mitigation evidence found.`);
    assert.deepEqual(computeFailureModes([], facts()), []);
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

  it('ignores removed findings', () => {
    assert.deepEqual(computeFailureModes([finding({ ruleId: 'dual-write', status: 'removed' })], facts()), []);
  });

  it('searches test file names with the 8.1 expressions', () => {
    const entries = computeFailureModes(
      exampleFindings(),
      exampleFacts({ testFiles: ['services/loyalty/test/award.dedup.test.ts', 'packages/tracking/x.test.ts'] }),
    );
    assert.equal(entries.find((e) => e.id === 'duplicate-delivery')!.testFound, 'services/loyalty/test/award.dedup.test.ts');
    // `packages/tracking/` contains "ack" but only base names are searched.
    assert.equal(entries.find((e) => e.id === 'ack-before-commit')!.testFound, null);
    assert.equal(findTest(['a/Poison-Message.spec.ts'], /poison/i), 'a/Poison-Message.spec.ts');
  });
});
