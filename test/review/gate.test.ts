// The gate's decision (review-output.md §11.2, §11.6): failure, neutral, skipped or success.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideGate, unreadChanges } from '../../src/review/gate.js';
import type { CoverageSkip } from '../../src/review/types.js';
import { finding } from '../render/fixture.js';

const unread: CoverageSkip[] = [
  { path: 'src/big.ts', side: 'head', reason: 'too-large', detail: '2000000 bytes' },
  { path: 'src/bin.ts', side: 'head', reason: 'binary', detail: 'binary content' },
];

describe('decideGate', () => {
  it('fails on a gating finding, whatever else holds', () => {
    const gate = decideGate([finding({ ruleId: 'dual-write', gating: true, line: 9 })], false, unread);
    assert.equal(gate.conclusion, 'failure');
  });

  it('is neutral when a changed file went unread, even with nothing else in scope', () => {
    assert.deepEqual(decideGate([], false, unread), {
      conclusion: 'neutral',
      reason: 'no gating finding, but 2 changed files were not read (too-large, binary); first src/big.ts',
    });
  });

  it('is neutral for findings worth a look that do not gate, success for Suggestions and baselined ones', () => {
    const important = finding({ ruleId: 'missing-dlq', severity: 'Important', gating: false });
    assert.deepEqual(decideGate([important], true), { conclusion: 'neutral', reason: 'no gating finding; 1 Important to look at' });
    const suggestion = finding({ ruleId: 'retry-without-jitter', severity: 'Suggestion', gating: false });
    assert.equal(decideGate([suggestion], true).conclusion, 'success');
    assert.deepEqual(decideGate([{ ...important, baselined: true }], true), { conclusion: 'success', reason: 'no gating finding (1 baselined)' });
    assert.equal(decideGate([{ ...important, status: 'removed' }], true).conclusion, 'success');
  });

  it('is skipped with nothing in scope and everything read', () => {
    assert.equal(decideGate([], false).conclusion, 'skipped');
  });

  it('counts as unread the head side\'s too-large, binary and unparseable files only, minified bundles aside', () => {
    const skipped: CoverageSkip[] = [
      ...unread,
      { path: 'src/old.ts', side: 'base', reason: 'unparseable', detail: 'x' },
      { path: 'src/slow.ts', side: 'head', reason: 'time-budget', detail: 'x' },
      { path: 'src/sub', reason: 'not-reviewable', detail: 'submodule' },
      { path: 'public/vendor/lib.min.js', side: 'head', reason: 'too-large', detail: 'a line of 90000 characters looks minified (limit 20000)' },
      // One long comment line in ordinary source must not take the file out of the gate.
      { path: 'src/pay.ts', side: 'head', reason: 'too-large', detail: 'a line of 20001 characters looks minified (limit 20000)' },
    ];
    assert.deepEqual(unreadChanges(skipped).map((s) => s.path), ['src/big.ts', 'src/bin.ts', 'src/pay.ts']);
  });
});
