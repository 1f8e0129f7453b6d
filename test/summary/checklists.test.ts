import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeChecklists, DOC_EVIDENCE_PENDING } from '../../src/review/summary/checklists.js';
import { exampleFacts, facts, FILE, finding } from '../render/fixture.js';

const row = (c: ReturnType<typeof computeChecklists>, id: string) =>
  [...c.reliability, ...c.distributed.rows].find((r) => r.id === id)!;

describe('computeChecklists', () => {
  it('is Regressed when a negative finding is introduced', () => {
    const c = computeChecklists([finding({ ruleId: 'non-idempotent-consumer', severity: 'Critical', precision: 'Medium', line: 17 })], facts());
    assert.equal(row(c, 'R2').status, 'Regressed');
    assert.equal(row(c, 'R2').evidence, `non-idempotent-consumer introduced at ${FILE}:17`);
  });

  it('is Open with the finding when the negative finding is pre-existing', () => {
    const c = computeChecklists([finding({ ruleId: 'retry-without-jitter', status: 'pre-existing', line: 16 })], facts());
    assert.equal(row(c, 'R4').status, 'Open');
    assert.equal(row(c, 'R4').evidence, `retry-without-jitter pre-existing at ${FILE}:16; ${DOC_EVIDENCE_PENDING}`);
  });

  it('prefers introduced over pre-existing and counts the rest', () => {
    const c = computeChecklists(
      [
        finding({ ruleId: 'ack-before-commit', status: 'pre-existing', severity: 'Critical', line: 5 }),
        finding({ ruleId: 'consumer-error-swallowed', line: 24 }),
      ],
      facts(),
    );
    assert.equal(row(c, 'R1').status, 'Regressed');
    assert.equal(row(c, 'R1').evidence, `consumer-error-swallowed introduced at ${FILE}:24 (+1 more)`);
  });

  it('never claims Answered without evidence', () => {
    const c = computeChecklists([], facts());
    for (const r of c.reliability) {
      assert.equal(r.status, 'Open');
      assert.equal(r.evidence, `no negative finding; ${DOC_EVIDENCE_PENDING}`);
    }
  });

  it('lists Suggestion, System and Heuristic findings as notes without changing the status', () => {
    const c = computeChecklists(
      [
        finding({ ruleId: 'outbound-call-without-timeout', severity: 'Suggestion', line: 3 }),
        finding({ ruleId: 'stacked-retries', precision: 'Heuristic', line: 4 }),
      ],
      facts(),
    );
    assert.equal(row(c, 'R4').status, 'Open');
    assert.equal(
      row(c, 'R4').evidence,
      `no negative finding; ${DOC_EVIDENCE_PENDING}; notes: outbound-call-without-timeout (Suggestion, High) at ${FILE}:3, stacked-retries (Important, Heuristic) at ${FILE}:4`,
    );
  });

  it('ignores removed findings and rules outside the question', () => {
    const c = computeChecklists(
      [finding({ ruleId: 'non-idempotent-consumer', status: 'removed' }), finding({ ruleId: 'dual-write', severity: 'Critical' })],
      facts(),
    );
    assert.equal(row(c, 'R2').status, 'Open');
    // dual-write's metadata lists R1 too, but R1's negative rules (5.1) do not include it.
    assert.equal(row(c, 'R1').status, 'Open');
    assert.equal(row(c, 'R8').status, 'Regressed');
  });

  it('counts variant-dependent rules only when the finding names the question', () => {
    const redelivery = finding({ ruleId: 'unbounded-retry', checklist: ['R4', 'R3'] });
    const library = finding({ ruleId: 'unbounded-retry', checklist: ['R4'], line: 9 });
    assert.equal(row(computeChecklists([redelivery], facts()), 'R3').status, 'Regressed');
    assert.equal(row(computeChecklists([library], facts()), 'R3').status, 'Open');
    assert.equal(row(computeChecklists([library], facts()), 'R4').status, 'Regressed');
  });

  it('decides D1-D6 applicability from consumers, producers and D-mapped findings', () => {
    const none = computeChecklists([], facts());
    assert.equal(none.distributed.applicable, false);
    assert.deepEqual(none.distributed.rows, []);
    assert.match(none.distributed.reason, /^the change does not touch scale, resilience, multi-region or service boundaries/);

    const byFacts = computeChecklists([], exampleFacts());
    assert.equal(byFacts.distributed.applicable, true);
    assert.deepEqual(byFacts.distributed.rows.map((r) => r.id), ['D1', 'D2', 'D3', 'D4', 'D5', 'D6']);
    assert.match(byFacts.distributed.reason, /1 consumer entry point in scope; 1 publish in scope/);

    const byFinding = computeChecklists([finding({ ruleId: 'lock-without-fencing', line: 8 })], facts());
    assert.equal(byFinding.distributed.applicable, true);
    assert.equal(row(byFinding, 'D2').status, 'Regressed');
    assert.equal(row(byFinding, 'D4').status, 'Regressed');
    assert.match(row(byFinding, 'D3').evidence, /^no negative rule exists; /);
  });
});
