// The conclusion of a review that did not finish (review-output.md §11.2, §11.6): a rule that
// threw, the time budget, GitHub's file list. What it missed might have gated, so it concludes as
// `onError` says, unless what it did find already fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConclusion, incompleteBecause, incompleteTitle } from '../../src/github/check-output.js';
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
    assert.equal(incompleteBecause(timedOut, true), 'a time limit stopped part of it, GitHub lists at most 3,000 files');
    assert.equal(checkConclusion(timedOut, incompleteBecause(timedOut, true), 'failure'), 'failure');
    assert.equal(incompleteBecause(passing(), false), null);
  });

  it('"nothing relevant" is not known of files that were never read: an incomplete skipped run concludes as onError', () => {
    const unread = buildResult([], facts(), {
      gate: { conclusion: 'skipped', reason: 'nothing architectural in scope' },
      coverage: { codeFiles: [], artifacts: [], skipped: [{ path: 'src/only.ts', reason: 'time-budget', detail: '' }], suppressed: {}, notes: [] },
    });
    assert.equal(checkConclusion(unread, incompleteBecause(unread, false), 'failure'), 'failure');
    assert.equal(checkConclusion(unread, incompleteBecause(unread, false)), 'neutral');
    const nothing = buildResult([], facts(), { gate: { conclusion: 'skipped', reason: 'nothing architectural in scope' } });
    assert.equal(checkConclusion(nothing, incompleteBecause(nothing, false), 'failure'), 'skipped');
  });

  it('the title says the review could not complete, also when onError makes it fail', () => {
    const crashed = passing({ ruleErrors: ['dual-write failed on src/a.ts: boom'] });
    const title = 'Architecture review — 0 Critical · 0 Important · 0 Suggestion · 0 System';
    assert.equal(incompleteTitle(title, incompleteBecause(crashed, false), crashed), `Architecture review could not complete (1 rule error) — ${title}`);
    assert.equal(incompleteTitle(title, null, passing()), title);
    const failing = buildResult([], facts(), { ruleErrors: ['x'] });
    assert.equal(incompleteTitle(title, incompleteBecause(failing, false), failing), title, 'a failing gate keeps the title that says why');
  });
});

describe('the CLI exit code', () => {
  it('follows the gate, and onError for a review that did not finish', async () => {
    const { exitCodeOf } = await import('../../src/cli.js');
    const crashed = passing({ ruleErrors: ['dual-write failed on src/a.ts: boom'] });
    assert.equal(exitCodeOf(crashed, 'neutral'), 0);
    assert.equal(exitCodeOf(crashed, 'failure'), 1);
    assert.equal(exitCodeOf(passing(), 'failure'), 0);
    assert.equal(exitCodeOf(buildResult([], facts()), 'neutral'), 1, 'a failing gate');
  });
});
