// The per-file summary the engine keeps once a file's syntax tree is gone: the facts the failure-mode
// walk and the anti-pattern table read for caches, clocks and streams.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index.js';
import { parseConfig } from '../../src/config/load.js';
import { summarizeCodeFile } from '../../src/review/code-summary.js';
import { build } from '../code/model-helpers.js';

const parsed = parseConfig('', '.github/arch-review.yml', { knownRuleIds: allRules.map((r) => r.meta.id) });
if (!parsed.ok) throw new Error('default config');
const config = parsed.config;

describe('code file summary', () => {
  it('counts Redis stream appends, cache sites, TTL writes and clock comparisons of a reported file', () => {
    const model = build(`import Redis from 'ioredis';
const redis = new Redis();
export async function record(id: string, lease: { expiresAt: number }) {
  await redis.xadd('orders-stream', '*', 'id', id);
  const cached = await redis.get('order:' + id);
  if (!cached) await redis.set('order:' + id, id, 'EX', 30);
  await redis.set('last', id);
  return Date.now() >= lease.expiresAt;
}
`, 'services/orders/src/record.ts');
    const summary = summarizeCodeFile(model, { config, reported: true, patterns: false });
    assert.equal(summary.streamWrites, 1);
    assert.deepEqual(summary.cacheReads.map((s) => s.line), [5]);
    assert.deepEqual(summary.cacheWritesWithoutTtl.map((s) => s.line), [7]);
    assert.equal(summary.ttlWrites, 1);
    assert.deepEqual(summary.uncoalescedCacheReads.map((s) => s.line), [5]);
    assert.deepEqual(summary.clockComparisons.map((s) => s.line), [8]);
    const unreported = summarizeCodeFile(model, { config, reported: false, patterns: false });
    assert.equal(unreported.streamWrites + unreported.cacheReads.length + unreported.clockComparisons.length, 0, 'files read only for helpers report no facts');
  });
});
