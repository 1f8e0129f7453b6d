import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calleeText } from '../../src/code/ast.js';
import {
  criticalSection,
  extendsLease,
  fenceNames,
  helperAcquireOf,
  isFenced,
  lockFacts,
  longestAwaitedTimeout,
  protectedWrites,
  redisCommandOf,
  setOptions,
} from '../../src/code/locks.js';
import { build, call } from './model-helpers.js';

const ioredis = `import Redis from 'ioredis';
import { Pool } from 'pg';
const redis = new Redis();
const db = new Pool();
`;

describe('redis commands', () => {
  it('reads ioredis token options and node-redis object options', () => {
    const model = build(`${ioredis}
import { createClient } from 'redis';
const client = createClient();
export async function f(k: string) {
  await redis.set(k, 'v', 'PX', 30_000, 'NX');
  await redis.set(k, 'v', 'NX', 'EX', 10);
  await redis.set(k, 'v', 'NX');
  await client.set(k, 'v', { NX: true, PX: 2_000 });
  await client.set(k, 'v', { condition: 'NX', expiration: { type: 'EX', value: 5 } });
  await redis.set(k, 'v', mode, 'NX');
}
`);
    const opts = (n: number, name = 'redis.set') => {
      const c = call(model, name, n);
      return setOptions(model, redisCommandOf(model, c)!.args);
    };
    assert.deepEqual(opts(0), { nx: true, expiry: true, ttlMs: 30_000, unknown: false });
    assert.deepEqual(opts(1), { nx: true, expiry: true, ttlMs: 10_000, unknown: false });
    assert.deepEqual(opts(2), { nx: true, expiry: false, ttlMs: null, unknown: false });
    assert.deepEqual(opts(0, 'client.set'), { nx: true, expiry: true, ttlMs: 2_000, unknown: false });
    assert.deepEqual(opts(1, 'client.set'), { nx: true, expiry: true, ttlMs: 5_000, unknown: false });
    assert.equal(opts(3).unknown, true);
  });

  it('reads call / sendCommand forms and ignores non-Redis receivers', () => {
    const model = build(`${ioredis}
const map = new Map();
export async function f() {
  await redis.call('SET', 'lock:a', 'v', 'NX');
  await redis.sendCommand(['DEL', 'lock:a']);
  map.set('lock:a', 'v');
}
`);
    assert.equal(redisCommandOf(model, call(model, 'redis.call'))?.name, 'set');
    assert.equal(redisCommandOf(model, call(model, 'redis.sendCommand'))?.name, 'del');
    assert.equal(redisCommandOf(model, call(model, 'map.set')), null);
  });
});

describe('lock acquires and releases', () => {
  it('classifies leases: none, atomic, separate; dedup markers are not locks', () => {
    const model = build(`${ioredis}
export async function f(id: string) {
  await redis.set(\`lock:a:\${id}\`, 'v', 'NX');
  await redis.set(\`lock:b:\${id}\`, 'v', 'PX', 1000, 'NX');
  await redis.setnx('lock:c', 'v');
  await redis.expire('lock:c', 60);
  await redis.set(\`processed:\${id}\`, '1', 'NX');
}
`);
    const leases = lockFacts(model).acquires.map((a) => [a.kind, a.lease, a.ttlMs]);
    assert.deepEqual(leases, [
      ['redis-set-nx', 'none', null],
      ['redis-set-nx', 'atomic', 1000],
      ['redis-setnx', 'separate', 60_000],
    ]);
  });

  it('a key deleted after the work is a lock even without lock vocabulary', () => {
    const model = build(`${ioredis}
export async function f(id: string) {
  const key = \`job:\${id}\`;
  if (!(await redis.set(key, 'me', 'EX', 30, 'NX'))) return;
  await redis.del(key);
}
`);
    const facts = lockFacts(model);
    assert.equal(facts.acquires.length, 1);
    assert.deepEqual(facts.releases.map((r) => [r.kind, r.safe]), [['del', false]]);
  });

  it('compare-and-delete scripts, WATCH-guarded deletes and library releases are safe', () => {
    const model = build(`${ioredis}
import Redlock from 'redlock';
const redlock = new Redlock([redis]);
export async function f(key: string, me: string) {
  await redis.set('lock:x', me, 'PX', 5000, 'NX');
  await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end", 1, 'lock:x', me);
  await redis.watch('lock:x');
  await redis.del('lock:x');
  const lock = await redlock.acquire(['r'], 1000);
  await redlock.release(lock);
}
`);
    const releases = lockFacts(model).releases.map((r) => [calleeText(model.text, r.call), r.kind, r.safe]);
    assert.deepEqual(releases, [
      ['redis.eval', 'compare-and-delete', true],
      ['redis.del', 'del', true],
      ['redlock.release', 'library', true],
    ]);
  });

  it('redlock, redis-semaphore and advisory locks resolve through bindings', () => {
    const model = build(`import Redlock from 'redlock';
import { Mutex } from 'redis-semaphore';
import Redis from 'ioredis';
import { Pool } from 'pg';
const redis = new Redis();
const pool = new Pool();
const redlock = new Redlock([redis]);
export async function f() {
  const lock = await redlock.acquire(['a'], 2_000);
  await redlock.using(['b'], 3_000, async () => {});
  const m = new Mutex(redis, 'c', { lockTimeout: 4_000, refreshInterval: 0 });
  await m.acquire();
  const client = await pool.connect();
  await client.query('SELECT pg_advisory_lock(1)');
  await pool.query('SELECT pg_try_advisory_lock(2)');
  await client.query('SELECT pg_advisory_xact_lock(3)');
}
`);
    const acquires = lockFacts(model).acquires.map((a) => [a.kind, a.lease, a.ttlMs, a.autoExtends, a.result]);
    assert.deepEqual(acquires, [
      ['redlock', 'library', 2_000, false, 'lock'],
      ['redlock-using', 'library', 3_000, true, null],
      ['redis-semaphore', 'library', 4_000, false, null],
      ['pg-advisory', 'session', null, false, null],
      ['pg-advisory', 'pooled', null, false, null],
      ['pg-advisory', 'session', null, false, null],
    ]);
  });

  it('an untyped object named lock is not a lock library', () => {
    const model = build(`export async function f(locker: { acquire(k: string[], n: number): Promise<void> }) {
  await locker.acquire(['a'], 10);
}
`);
    assert.deepEqual(lockFacts(model).acquires, []);
  });
});

describe('critical sections, writes and fencing', () => {
  it('spans from the acquire to the last release and lists protected writes', () => {
    const model = build(`${ioredis}
import { Kafka } from 'kafkajs';
import axios from 'axios';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function f(id: string) {
  await db.query('UPDATE before SET x = 1');
  const key = \`lock:\${id}\`;
  if (!(await redis.set(key, 'me', 'PX', 1000, 'NX'))) return;
  await db.query('UPDATE a SET x = 1 WHERE id = $1', [id]);
  await axios.get('http://x/y');
  await axios.post('http://x/y', {});
  await producer.send({ topic: 't', messages: [] });
  await redis.del(key);
  await db.query('UPDATE after SET x = 1');
}
`);
    const acquire = lockFacts(model).acquires[0]!;
    const section = criticalSection(model, acquire).map((c) => calleeText(model.text, c));
    assert.deepEqual(section, ['db.query', 'axios.get', 'axios.post', 'producer.send']);
    const writes = protectedWrites(model, acquire, criticalSection(model, acquire)).map((w) => w.kind);
    assert.deepEqual(writes, ['dbWrite', 'http', 'publish']);
  });

  it('the callback of redlock.using is the section', () => {
    const model = build(`import Redlock from 'redlock';
import { Pool } from 'pg';
const pool = new Pool();
const redlock = new Redlock([]);
export async function f() {
  await redlock.using(['a'], 1000, async () => {
    await pool.query('UPDATE t SET x = 1');
  });
  await pool.query('UPDATE u SET x = 1');
}
`);
    const acquire = lockFacts(model).acquires[0]!;
    assert.deepEqual(criticalSection(model, acquire).map((c) => model.line(c)), [7]);
  });

  it('recognises fencing values and conditional writes', () => {
    const model = build(`${ioredis}
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function f(id: string, version: number) {
  const fence = await redis.incr('fence:x');
  const seq = await redis.incrby('seq', 1);
  await db.query('UPDATE a SET v = 1 WHERE id = $1 AND fence < $2', [id, fence]);
  await db.query('UPDATE a SET v = 1 WHERE id = $1', [id, seq]);
  await prisma.item.update({ where: { id, version }, data: {} });
  await db.query('UPDATE a SET v = 1 WHERE id = $1', [id]);
}
`);
    const fences = fenceNames(model);
    assert.ok(fences.has('fence') && fences.has('seq'));
    const fenced = model.calls
      .filter((c) => ['db.query', 'prisma.item.update'].includes(calleeText(model.text, c)))
      .map((c) => isFenced(model, c, fences));
    assert.deepEqual(fenced, [true, true, true, false]);
  });

  it('finds the longest awaited timeout and lease extensions', () => {
    const model = build(`import Redlock from 'redlock';
import axios from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
const redlock = new Redlock([]);
export async function f() {
  const lock = await redlock.acquire(['a'], 1000);
  await axios.post('http://x', {}, { timeout: 2_000 });
  await sleep(5_000);
  await fetch('http://y', { method: 'POST', signal: AbortSignal.timeout(3_000) });
  await lock.release();
}
export async function g() {
  const lock = await redlock.acquire(['b'], 1000);
  await lock.extend(10_000);
}
`);
    const [first, second] = lockFacts(model).acquires;
    const longest = longestAwaitedTimeout(model, criticalSection(model, first!));
    assert.equal(longest?.ms, 5_000);
    assert.equal(extendsLease(model, first!), false);
    assert.equal(extendsLease(model, second!), true);
  });

  it('summarises local helpers that take a lock', () => {
    const model = build(`${ioredis}
class Locks {
  async acquire(name: string) {
    return redis.set(\`lock:\${name}\`, 'me', 'PX', 1000, 'NX');
  }
}
export class Jobs {
  private readonly locks = new Locks();
  async run() {
    await this.locks.acquire('nightly');
    await db.query('UPDATE jobs SET ran = now()');
  }
}
`);
    const helper = helperAcquireOf(model, call(model, 'this.locks.acquire'));
    assert.equal(helper?.kind, 'helper');
    assert.equal(helper?.via, 'summary');
    assert.deepEqual(criticalSection(model, helper!).map((c) => calleeText(model.text, c)), ['db.query']);
  });
});
