import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeAntiPatterns, NO_DETERMINISTIC_RULE, UNCHECKABLE_ANTI_PATTERNS } from '../../src/review/summary/anti-patterns.js';
import { exampleCodeFacts, exampleFacts, facts, FILE, finding, loyaltyModel } from '../render/fixture.js';

const rows = (...args: Parameters<typeof computeAntiPatterns>) => computeAntiPatterns(...args);
const find = (r: ReturnType<typeof rows>, name: string, state?: string) =>
  r.filter((x) => x.name === name && (state === undefined || x.state === state));

describe('computeAntiPatterns', () => {
  it('reports fired anti-patterns with counts and the first location', () => {
    const r = rows(
      [
        finding({ ruleId: 'dual-write', severity: 'Critical', line: 20 }),
        finding({ ruleId: 'dual-write', severity: 'Critical', status: 'pre-existing', path: 'a.ts', line: 2 }),
      ],
      exampleFacts(),
    );
    assert.deepEqual(find(r, 'dual-write'), [
      { name: 'dual-write', state: 'fired', detail: `1 introduced, 1 pre-existing (first at ${FILE}:20)` },
    ]);
  });

  it('is clean when checked and nothing fired', () => {
    const r = rows([], exampleCodeFacts());
    assert.deepEqual(find(r, 'dual-write'), [{ name: 'dual-write', state: 'clean', detail: '' }]);
    assert.equal(find(r, 'unbounded retry')[0].state, 'clean');
    assert.equal(find(r, 'non-idempotent consumer under at-least-once')[0].state, 'clean');
  });

  it('is not clean when its rule was turned off, or when a changed file went unread', () => {
    const ran = new Set(['unbounded-retry']);
    const off = rows([], { ...exampleCodeFacts(), ranRules: ran });
    assert.deepEqual(find(off, 'dual-write'), [{ name: 'dual-write', state: 'not-checked', detail: 'not run: dual-write turned off in the config' }]);
    assert.equal(find(off, 'unbounded retry')[0].state, 'clean');
    const unread = rows([], { ...exampleCodeFacts(), unreadFiles: ['src/big.ts', 'src/bin.ts'] });
    assert.deepEqual(find(unread, 'dual-write'), [{ name: 'dual-write', state: 'not-checked', detail: 'not run: 2 changed files were not read (first src/big.ts)' }]);
    assert.equal(unread.filter((x) => x.state === 'clean').length, 0);
  });

  it('is not checked with an n/a reason when the construct is absent', () => {
    const r = rows([], facts({ hasDesign: false }));
    assert.deepEqual(find(r, 'ack / commit before processing or auto-commit'), [
      { name: 'ack / commit before processing or auto-commit', state: 'not-checked', detail: 'n/a: no consumer in scope' },
    ]);
    assert.equal(
      find(r, 'dual-write')[0].detail,
      'n/a: no region with both a DB write and a publish in scope, no design',
    );
  });

  it('says "not evaluated" instead of claiming absence for facts the model does not report', () => {
    const r = rows([], exampleFacts({ lockSites: undefined }));
    assert.deepEqual(find(r, 'distributed locks without fencing'), [
      { name: 'distributed locks without fencing', state: 'not-checked', detail: 'n/a: lock code not evaluated yet' },
    ]);
    const withLocks = rows([], exampleFacts({ lockSites: 2 }));
    assert.equal(find(withLocks, 'distributed locks without fencing')[0].state, 'clean');
    const noLocks = rows([], exampleFacts({ lockSites: 0 }));
    assert.equal(find(noLocks, 'distributed locks without fencing')[0].detail, 'n/a: no lock code in scope');
  });

  it('lists removed findings as removed and the anti-pattern as clean at head', () => {
    const r = rows([finding({ ruleId: 'unbounded-retry', status: 'removed', line: 30 })], exampleCodeFacts());
    assert.deepEqual(find(r, 'unbounded retry'), [
      { name: 'unbounded retry', state: 'removed', detail: `1 removed (was at ${FILE}:30)` },
      { name: 'unbounded retry', state: 'clean', detail: '' },
    ]);
  });

  it('treats Heuristic findings and phrase-scan hits as forward-looking risks', () => {
    const r = rows(
      [
        finding({ ruleId: 'oversized-payload', severity: 'Suggestion', precision: 'Heuristic', line: 22 }),
        finding({ ruleId: 'artifact-anti-pattern-scan', precision: 'Heuristic', antiPattern: 'distributed monolith', path: 'docs/design.md', line: 9 }),
        finding({ ruleId: 'artifact-anti-pattern-scan', precision: 'Heuristic', antiPattern: 'dual-write', path: 'docs/design.md', line: 4 }),
      ],
      exampleFacts(),
    );
    assert.deepEqual(find(r, 'oversized broker payloads'), [
      { name: 'oversized broker payloads', state: 'forward-looking', detail: `watch: oversized-payload (Heuristic) at ${FILE}:22` },
    ]);
    assert.deepEqual(find(r, 'dual-write').map((x) => x.state), ['forward-looking']);
    assert.deepEqual(find(r, 'distributed monolith').map((x) => x.state), ['forward-looking', 'not-checked']);
  });

  it('watches an anti-pattern the design names under "Anti-patterns to avoid" when the change adds its construct', () => {
    // §12: the design lists unbounded retry, the change adds a consumer and a retry, no rule fired.
    const r = rows([], exampleFacts());
    assert.deepEqual(find(r, 'unbounded retry', 'forward-looking'), [
      {
        name: 'unbounded retry',
        state: 'forward-looking',
        detail: `watch: the design lists it under "Anti-patterns to avoid" (design.md:41) and this change adds a p-retry retry at ${FILE}:16 that no rule flags yet`,
      },
    ]);
    assert.equal(find(r, 'unbounded retry', 'clean').length, 1, 'still checked and clean');
    // Named but fired: no forward-looking entry.
    const fired = rows([finding({ ruleId: 'dual-write', severity: 'Critical', line: 20 })], exampleFacts());
    assert.deepEqual(find(fired, 'dual-write').map((x) => x.state), ['fired']);
    // Named, but the construct already existed at base: nothing new to watch.
    const same = exampleFacts();
    const unchanged = rows([], { ...same, baseCode: { consumers: same.consumers, publishes: same.publishes, dbWrites: same.dbWrites, retries: same.retries } });
    assert.deepEqual(find(unchanged, 'unbounded retry', 'forward-looking'), []);
    // Not named in the design: no entry even though a consumer is added.
    const noList = rows([], exampleFacts({ artifacts: { head: loyaltyModel({ 'docs/features/loyalty-points/design.md': '# D\n\n## Anti-patterns to avoid\n- None.\n' }), base: null } }));
    assert.equal(noList.filter((x) => x.state === 'forward-looking').length, 0);
  });

  it('always ends with the anti-patterns no rule can decide', () => {
    const r = rows([finding({ ruleId: 'dual-write', severity: 'Critical' })], exampleFacts());
    const tail = r.slice(-UNCHECKABLE_ANTI_PATTERNS.length);
    assert.deepEqual(tail.map((x) => x.name), [...UNCHECKABLE_ANTI_PATTERNS]);
    assert.ok(tail.every((x) => x.state === 'not-checked' && x.detail === NO_DETERMINISTIC_RULE));
  });
});
