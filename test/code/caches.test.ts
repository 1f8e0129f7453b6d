import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheFacts } from '../../src/code/caches.js';
import type { CodeModel } from '../../src/code/model.js';
import { build } from './model-helpers.js';

const ioredis = `import Redis from 'ioredis';
const redis = new Redis();
`;

/** `line:method` of each call, so a case names what it expects. */
const sites = (model: CodeModel, calls: readonly { range: [number, number] }[]) =>
  calls.map((c) => `${model.line(c as never)}:${model.text.slice(c.range[0], c.range[1]).replace(/\(.*$/s, '')}`);

describe('cache facts', () => {
  it('tells writes that expire from writes that never do', () => {
    const model = build(`${ioredis}import { createClient } from 'redis';
const client = createClient();
export async function f(k: string, v: string) {
  await redis.set(k, v);
  await redis.set(k, v, 'EX', 60);
  await redis.setex(k, 60, v);
  await client.set(k, v, { EX: 10 });
  await client.set(k, v);
  await redis.set(k, v, 'NX', 'PX', 3000);
  await redis.hset(\`h:\${k}\`, 'a', v);
  await redis.expire(\`h:\${k}\`, 30);
}
`);
    const facts = cacheFacts(model);
    // Line 12 (hset) is expired by the expire of its key after it; line 11's SET NX is a lock, not a cache write.
    assert.deepEqual(sites(model, facts.writesWithoutTtl), ['6:redis.set', '10:client.set']);
    assert.deepEqual(sites(model, facts.writes), ['6:redis.set', '7:redis.set', '8:redis.setex', '9:client.set', '10:client.set', '12:redis.hset']);
  });

  it('reads a receiver named like a cache, with its default TTL, and ignores a plain Map', () => {
    const model = build(`import { LRUCache } from 'lru-cache';
const sessionCache = new LRUCache({ max: 100, ttl: 60_000 });
const userCache = new LRUCache({ max: 100 });
const seenCache = new Map();
export function f(k: string) {
  sessionCache.set(k, 1);
  userCache.set(k, 1);
  seenCache.set(k, 1);
  return userCache.get(k) ?? seenCache.get(k);
}
`);
    const facts = cacheFacts(model);
    assert.deepEqual(sites(model, facts.writesWithoutTtl), ['7:userCache.set']);
    assert.deepEqual(sites(model, facts.reads), ['9:userCache.get']);
  });

  it('finds cache-aside reads without coalescing, and not those behind a lock or a single-flight', () => {
    const aside = (extra: string, body = '') => build(`${ioredis}${extra}
export async function getUser(id: string, db: { find(id: string): Promise<string> }) {
  ${body}
  const hit = await redis.get('user:' + id);
  if (hit) return hit;
  const user = await db.find(id);
  await redis.set('user:' + id, user, 'EX', 60);
  return user;
}
`);
    const bare = aside('');
    assert.deepEqual(sites(bare, cacheFacts(bare).uncoalescedReads), ['6:redis.get']);
    const flight = aside(`import { singleflight } from './flight.js';`);
    assert.deepEqual(cacheFacts(flight).uncoalescedReads, []);
    const locked = aside(`declare const redlock: { acquire(k: string[], ttl: number): Promise<unknown> };`, `await redlock.acquire(['user:' + id], 1000);`);
    assert.deepEqual(cacheFacts(locked).uncoalescedReads, []);
    // A read with no write after it is not cache-aside.
    const readOnly = build(`${ioredis}export async function f(k: string) { return redis.get(k); }\n`);
    assert.deepEqual(cacheFacts(readOnly).uncoalescedReads, []);
  });

  it('leaves receivers typed as a plain Map alone', () => {
    const model = build(`export function remember(cache: Map<string, number>, k: string) {
  if (!cache.get(k)) cache.set(k, 1);
}
export function keep(k: string) {
  const byIdCache: Map<string, number> = makeMap();
  byIdCache.set(k, 2);
}
declare function makeMap(): Map<string, number>;
`);
    const facts = cacheFacts(model);
    assert.deepEqual([facts.reads, facts.writes, facts.uncoalescedReads].map((l) => l.length), [0, 0, 0]);
  });

  it('finds Date.now() compared with an expiry or a lease, not with other values', () => {
    const model = build(`export function f(lease: { expiresAt: number }, started: number, ttlMs: number) {
  if (Date.now() > lease.expiresAt) return 'expired';
  if (lease.expiresAt <= Date.now() + 500) return 'expiring';
  if (Date.now() - started > ttlMs) return 'stale';
  if (Date.now() - started > 1000) return 'slow';
  const deadline = started + 5000;
  while (Date.now() < deadline) break;
  const now = Date.now();
  return now;
}
`);
    assert.deepEqual(cacheFacts(model).clockComparisons.map((n) => model.line(n)), [2, 3, 4]);
  });
});
