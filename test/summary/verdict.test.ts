import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeVerdict, evaluateCriteria } from '../../src/review/summary/verdict.js';
import { exampleFacts, exampleFindings, facts, FILE, finding } from '../render/fixture.js';

const state = (c: ReturnType<typeof evaluateCriteria>, id: string) => c.find((x) => x.id === id)!;

describe('evaluateCriteria', () => {
  it('fails code criteria on High/Medium findings and names the first one', () => {
    const c = evaluateCriteria(exampleFindings(), exampleFacts());
    assert.deepEqual([state(c, 'C1.1').state, state(c, 'C1.1').evidence], ['failed', `${FILE}:20 (dual-write)`]);
    assert.equal(state(c, 'C1.2').state, 'failed');
    assert.equal(state(c, 'C1.4').state, 'failed');
    assert.equal(state(c, 'C2.2').state, 'failed');
    assert.equal(state(c, 'C2.5').state, 'failed');
  });

  it('meets clean code criteria and leaves docs criteria not demonstrated', () => {
    const c = evaluateCriteria([], exampleFacts());
    assert.equal(state(c, 'C1.1').state, 'met');
    assert.equal(state(c, 'C2.5').state, 'met');
    for (const id of ['C0.1', 'C0.2', 'C1.2', 'C1.3', 'C1.4', 'C1.5', 'C2.3', 'C2.4', 'C3.4', 'C4.1']) {
      assert.equal(state(c, id).state, 'not-demonstrated', id);
    }
    assert.equal(state(c, 'C1.2').needsDocs, true);
  });

  it('counts a criterion as met (n/a) when its construct is absent, but not without any code', () => {
    const withCode = evaluateCriteria([], facts());
    assert.deepEqual([state(withCode, 'C1.4').state, state(withCode, 'C1.4').evidence], ['met', 'n/a: no consumer']);
    const noCode = evaluateCriteria([], facts({ codeFiles: 0 }));
    assert.deepEqual([state(noCode, 'C1.4').state, state(noCode, 'C1.4').evidence], ['not-demonstrated', 'no code in scope']);
  });

  it('never fails a criterion on Heuristic findings', () => {
    const c = evaluateCriteria(
      [finding({ ruleId: 'dual-write', severity: 'Critical', precision: 'Heuristic', line: 3 })],
      exampleFacts(),
    );
    assert.equal(state(c, 'C1.1').state, 'not-demonstrated');
    const shutdown = evaluateCriteria([finding({ ruleId: 'consumer-graceful-shutdown', severity: 'Suggestion', precision: 'Heuristic' })], exampleFacts());
    assert.equal(state(shutdown, 'C2.5').state, 'not-demonstrated');
  });

  it('finds the C2.1 test groups by file name', () => {
    const tests = ['t/dedup.test.ts', 't/poison.test.ts', 't/replay.test.ts', 't/retry-backoff.test.ts'];
    assert.equal(state(evaluateCriteria([], exampleFacts({ testFiles: tests })), 'C2.1').state, 'met');
    const partial = state(evaluateCriteria([], exampleFacts({ testFiles: tests.slice(0, 2) })), 'C2.1');
    assert.deepEqual([partial.state, partial.evidence], ['not-demonstrated', 'no test file named for replay, retry classification']);
  });
});

describe('computeVerdict', () => {
  it('is Prototype with level-1 gaps naming the first finding or the missing evidence', () => {
    const v = computeVerdict(exampleFindings(), exampleFacts());
    assert.equal(v.tier, 'Prototype');
    assert.equal(v.level, 0);
    assert.equal(v.nextTier, 'Service-ready');
    assert.equal(v.feature, 'loyalty-points');
    assert.deepEqual(
      v.gaps.map((g) => `${g.kind} ${g.text.split(' — ')[0]}`),
      [
        'technical C1.1 no dual-writes',
        'technical C1.2 every consumer side effect is keyed for idempotency',
        'technical C1.3 retries are bounded and back off explicitly',
        'technical C1.4 a working dead-letter queue',
        'technical C1.5 every channel has a documented owner and purpose',
        'system Owner team filled',
      ],
    );
    assert.match(v.gaps[0].text, new RegExp(`— ${FILE}:20 \\(dual-write\\); next move: `));
    assert.match(v.gaps[2].text, /— not demonstrated: unbounded-retry clean; design `Retry` bound not evaluated yet/);
    assert.deepEqual(v.readmeUpdates, ['docs/features/loyalty-points/README.md:12 — Posture change: Cost owner of loyalty-points changes.']);
    assert.match(v.basis, /^computed from 8 head findings and code facts \(1 code files, 1 consumers, 1 publishes, 1 retry constructs, 0 test files searched by name\)/);
    assert.match(v.basis, /failed: C1\.1, C1\.2, C1\.4, C2\.2, C2\.5, C3\.6/);
  });

  it('stays Prototype even when every code criterion is clean, because docs are not evaluated', () => {
    const v = computeVerdict([], facts());
    assert.equal(v.tier, 'Prototype');
    assert.deepEqual(
      v.gaps.map((g) => g.text.split(' — ')[0]),
      ['C1.5 every channel has a documented owner and purpose', 'Owner team filled'],
    );
  });

  it('writes one downgrade line per claimed tier above the evidence', () => {
    const v = computeVerdict(exampleFindings(), exampleFacts(), {
      claims: [
        { location: 'README.md:6', tier: 'Service-ready' },
        { location: 'launches/2026-05-20.md:5', tier: 'Service-ready' },
        { location: 'docs/system/catalog.md:7', tier: 'Production-ready' },
        { location: 'design.md:3', tier: 'Prototype' },
      ],
    });
    assert.equal(
      v.downgrade,
      'Downgrade: README.md:6 and launches/2026-05-20.md:5 claim Service-ready; evidence supports Prototype.\n' +
        'Downgrade: docs/system/catalog.md:7 claims Production-ready; evidence supports Prototype.',
    );
    assert.equal(v.claims.length, 4);
    assert.equal(computeVerdict([], facts()).downgrade, null);
  });
});
