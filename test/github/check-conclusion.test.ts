// The conclusion of a review that did not finish (review-output.md §11.2, §11.6): a rule that
// threw, the time budget, GitHub's file list. What it missed might have gated, so it concludes as
// `onError` says, unless what it did find already fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConclusion, incompleteBecause } from '../../src/github/check-output.js';
import { buildResult, facts, finding } from '../render/fixture.js';

const passing = (extra = {}) => buildResult([], facts(), { gate: { conclusion: 'success', reason: 'no gating finding' }, ...extra });

describe('checkConclusion', () => {
  it('a finished run: success, or neutral with findings worth a look', () => {
    assert.equal(checkConclusion(passing(), null), 'success');
    const important = buildResult([finding({ ruleId: 'missing-dlq', severity: 'Important', status: 'introduced' })], facts(), { gate: { conclusion: 'success', reason: 'no gating finding' } });
    assert.equal(checkConclusion(important, null), 'neutral');
  });

  it('a rule error or a cut review concludes as onError says, and a gating finding still fails', () => {
    const crashed = passing({ ruleErrors: ['dual-write failed on src/a.ts: boom'] });
    const why = incompleteBecause(crashed, false);
    assert.equal(why, '1 rule error');
    assert.equal(checkConclusion(crashed, why), 'neutral');
    assert.equal(checkConclusion(crashed, why, 'failure'), 'failure');
    const failing = buildResult([], facts(), { ruleErrors: ['x'] });
    assert.equal(checkConclusion(failing, incompleteBecause(failing, false), 'neutral'), 'failure');
    const timedOut = passing({ coverage: { codeFiles: [], artifacts: [], skipped: [{ path: 'src/b.ts', reason: 'time-budget', detail: '' }], suppressed: {}, notes: [] } });
    assert.equal(incompleteBecause(timedOut, true), 'the time budget ran out, GitHub lists at most 3,000 files');
    assert.equal(checkConclusion(timedOut, incompleteBecause(timedOut, true), 'failure'), 'failure');
    assert.equal(incompleteBecause(passing(), false), null);
  });
});
