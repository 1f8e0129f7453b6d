import rule from '../../rules/code/lock-without-fencing.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

const ioredisPg = `import Redis from 'ioredis';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';

const redis = new Redis(process.env.REDIS_URL!);
const db = new Pool();
`;

const compareAndDelete =
  `"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"`;

testCodeRule(rule, {
  valid: [
    {
      name: 'lease, fencing token and compare-and-delete (spec example)',
      code: `${ioredisPg}
export async function sendInvoice(id: string) {
  const lockKey = \`lock:invoice:\${id}\`;
  const holder = randomUUID();
  if ((await redis.set(lockKey, holder, 'PX', 30_000, 'NX')) !== 'OK') return; // Pattern: Lease
  const fence = await redis.incr(\`fence:invoice:\${id}\`); // Pattern: Fencing Token
  try {
    await db.query(
      'UPDATE invoices SET status = $1, fence = $2 WHERE id = $3 AND fence < $2',
      ['SENT', fence, id],
    );
  } finally {
    await redis.eval(
      ${compareAndDelete},
      1, lockKey, holder,
    );
  }
}
`,
    },
    {
      name: 'SET NX with a TTL used as an idempotency marker is not a lock',
      code: `${ioredisPg}
export async function onPayment(eventId: string, orderId: string) {
  const fresh = await redis.set(\`processed:payment:\${eventId}\`, '1', 'EX', 86_400, 'NX');
  if (!fresh) return;
  await db.query('UPDATE orders SET paid = true WHERE id = $1', [orderId]);
}
`,
    },
    {
      name: 'deleting a cache key is not a lock release',
      code: `${ioredisPg}
export async function rename(id: string, name: string) {
  await db.query('UPDATE products SET name = $1 WHERE id = $2', [name, id]);
  await redis.del(\`cache:product:\${id}\`);
}
`,
    },
    {
      name: 'redlock using with a version-checked prisma update',
      code: `import Redlock from 'redlock';
import Redis from 'ioredis';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const redlock = new Redlock([new Redis()], { retryCount: 3 });

export async function reprice(id: string, version: number, cents: number) {
  await redlock.using([\`product:\${id}\`], 10_000, async () => {
    await prisma.product.update({ where: { id, version }, data: { cents, version: { increment: 1 } } });
  });
}
`,
    },
    {
      name: 'redlock lease extended while a long call runs, fenced write',
      code: `import Redlock from 'redlock';
import Redis from 'ioredis';
import axios from 'axios';
import { Pool } from 'pg';

const db = new Pool();
const redlock = new Redlock([new Redis()]);

export async function sync(id: string, fence: number) {
  let lock = await redlock.acquire([\`sync:\${id}\`], 5_000);
  try {
    lock = await lock.extend(60_000);
    const { data } = await axios.get(\`https://erp.example.com/items/\${id}\`, { timeout: 30_000 });
    await db.query('UPDATE items SET data = $1 WHERE id = $2 AND fence < $3', [data, id, fence]);
  } finally {
    await lock.release();
  }
}
`,
    },
    {
      name: 'redis-semaphore refreshes its lease by default; the write carries the fence',
      code: `import { Mutex } from 'redis-semaphore';
import Redis from 'ioredis';
import axios from 'axios';

const redis = new Redis();

export async function rebuild(id: string) {
  const fencingToken = await redis.incr(\`fence:report:\${id}\`);
  const mutex = new Mutex(redis, \`report:\${id}\`, { lockTimeout: 5_000 });
  await mutex.acquire();
  try {
    await axios.post('http://reports-service/rebuild', { id, fencingToken }, { timeout: 20_000 });
  } finally {
    await mutex.release();
  }
}
`,
    },
    {
      name: 'transaction-scoped advisory lock guarding writes on the same client',
      code: `import { Pool } from 'pg';

const pool = new Pool();

export async function allocate(sku: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [sku]);
    await client.query('UPDATE stock SET reserved = reserved + 1 WHERE sku = $1', [sku]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'a set with NX on something that is not a Redis client',
      code: `import { LRUCache } from 'lru-cache';
const cache = new LRUCache<string, string>({ max: 100 });
export function remember(key: string) {
  cache.set(\`lock:\${key}\`, 'x', 'NX' as never);
  cache.delete(\`lock:\${key}\`);
}
`,
    },
    {
      name: 'only reads under the lock',
      code: `${ioredisPg}
export async function report(id: string) {
  const key = \`lock:report:\${id}\`;
  const me = randomUUID();
  if (!(await redis.set(key, me, 'PX', 10_000, 'NX'))) return;
  await fetch(\`https://reports.example.com/\${id}\`);
  await db.query('SELECT * FROM reports WHERE id = $1', [id]);
  await redis.eval(${compareAndDelete}, 1, key, me);
}
`,
    },
    {
      name: 'mongoose write filtered on the document version',
      code: `import Redis from 'ioredis';
import mongoose from 'mongoose';

const redis = new Redis();
const Account = mongoose.model('Account', new mongoose.Schema({ balance: Number }));

export async function credit(id: string, v: number, amount: number) {
  const lockKey = \`lock:account:\${id}\`;
  if (!(await redis.set(lockKey, 'w1', 'EX', 30, 'NX'))) return;
  await Account.updateOne({ _id: id, __v: v }, { $inc: { balance: amount, __v: 1 } });
}
`,
    },
    {
      name: 'knex update conditioned on the fencing column',
      code: `import Redis from 'ioredis';
import knex from 'knex';

const redis = new Redis();
const db = knex({ client: 'pg' });

export async function close(id: string) {
  const lockKey = \`lock:period:\${id}\`;
  if (!(await redis.set(lockKey, 'w1', 'PX', 15_000, 'NX'))) return;
  const token = await redis.incr('fence:period');
  await db('periods').where({ id }).andWhere('fence', '<', token).update({ closed: true, fence: token });
}
`,
    },
    {
      name: 'a helper that takes and releases the lock itself does not cover its caller',
      code: `${ioredisPg}
class Reports {
  async refresh(id: string) {
    const key = \`lock:report:\${id}\`;
    const me = randomUUID();
    if (!(await redis.set(key, me, 'PX', 10_000, 'NX'))) return;
    try {
      await db.query('SELECT refresh_report($1)', [id]);
    } finally {
      await redis.eval(${compareAndDelete}, 1, key, me);
    }
  }

  async nightly(id: string) {
    await this.refresh(id);
    await db.query('UPDATE reports SET refreshed_at = now() WHERE id = $1', [id]);
  }
}
`,
    },
    {
      name: 'a lock utility module: atomic lease and compare-and-delete, nothing written under it',
      code: `import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

const RELEASE = ${compareAndDelete};

export async function acquireLock(redis: Redis, key: string, ttlMs: number): Promise<string | null> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  return ok === 'OK' ? token : null;
}

export async function releaseLock(redis: Redis, key: string, token: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, token);
}
`,
    },
    {
      name: 'idempotency key removed in the catch so a retry can run again',
      code: `${ioredisPg}
export async function handle(messageId: string, orderId: string) {
  const key = \`idempotency:\${messageId}\`;
  if (!(await redis.set(key, 'processing', 'EX', 300, 'NX'))) return;
  try {
    await db.query('UPDATE orders SET shipped = true WHERE id = $1', [orderId]);
  } catch (err) {
    await redis.del(key);
    throw err;
  }
}
`,
    },
    {
      name: 'a rate limiter window is not a lock',
      code: `${ioredisPg}
export async function allow(ip: string): Promise<boolean> {
  const key = \`ratelimit:\${ip}\`;
  await redis.set(key, 0, 'EX', 60, 'NX');
  const hits = await redis.incr(key);
  if (hits > 100) return false;
  await db.query('INSERT INTO requests (ip) VALUES ($1)', [ip]);
  return true;
}
`,
    },
    {
      name: 'a cache delete next to a lock helper that uses the same parameter name',
      code: `import Redis from 'ioredis';
const redis = new Redis();

export async function acquireLock(key: string, ttl = 5000) {
  return redis.set(key, 'locked', 'PX', ttl, 'NX');
}

export async function invalidate(key: string) {
  await redis.del(key);
}
`,
    },
  ],
  invalid: [
    {
      name: 'SET NX without a lease, plain DEL, unfenced write (spec example)',
      code: `${ioredisPg}
export async function sendInvoice(id: string) {
  const acquired = await redis.set(\`lock:invoice:\${id}\`, 'worker-1', 'NX');
  if (acquired) {
    await db.query('UPDATE invoices SET status = $1 WHERE id = $2', ['SENT', id]);
    await redis.del(\`lock:invoice:\${id}\`);
  }
}
`,
      errors: [
        { messageId: 'lockWithoutFencing', line: 9, column: 26, variant: 'no-lease', precision: 'High' },
        { messageId: 'lockWithoutFencing', line: 11, variant: 'no-fencing-token', precision: 'Medium' },
        { messageId: 'lockWithoutFencing', line: 12, variant: 'unsafe-release', precision: 'High' },
      ],
    },
    {
      name: 'node-redis SET with { NX: true } and no expiry',
      code: `import { createClient } from 'redis';

const client = createClient({ url: process.env.REDIS_URL });

export async function becomeLeader(instanceId: string) {
  const won = await client.set('leader:scheduler', instanceId, { NX: true });
  return won === 'OK';
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 6, variant: 'no-lease', precision: 'High' }],
    },
    {
      name: 'SETNX followed by a separate EXPIRE is a non-atomic lease',
      code: `${ioredisPg}
export async function runNightly(fence: number) {
  if (!(await redis.setnx('lock:nightly', 'w1'))) return;
  await redis.expire('lock:nightly', 600);
  await db.query('UPDATE jobs SET ran_at = now() WHERE name = $1 AND fence < $2', ['nightly', fence]);
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 9, variant: 'non-atomic-lease', precision: 'High' }],
    },
    {
      name: 'GET then DEL is not a compare-and-delete',
      code: `${ioredisPg}
export async function settle(id: string) {
  const key = \`lock:settle:\${id}\`;
  const me = randomUUID();
  if (!(await redis.set(key, me, 'EX', 30, 'NX'))) return;
  try {
    await db.query('UPDATE ledgers SET settled = true WHERE id = $1 AND version = $2', [id, 7]);
  } finally {
    if ((await redis.get(key)) === me) await redis.del(key);
  }
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 15, variant: 'unsafe-release', precision: 'High' }],
    },
    {
      name: 'redlock v5 acquire guarding an unfenced prisma write',
      code: `import Redlock from 'redlock';
import Redis from 'ioredis';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const redlock = new Redlock([new Redis()], { retryCount: 10 });

export async function assignSeat(flightId: string, seat: string, passengerId: string) {
  const lock = await redlock.acquire([\`seat:\${flightId}:\${seat}\`], 5_000);
  try {
    await prisma.seat.update({ where: { flightId_seat: { flightId, seat } }, data: { passengerId } });
  } finally {
    await lock.release();
  }
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 11, variant: 'no-fencing-token', precision: 'Medium' }],
    },
    {
      name: 'redlock using around a kafkajs publish and a pg write',
      code: `import Redlock from 'redlock';
import Redis from 'ioredis';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
const redlock = new Redlock([new Redis()]);

export async function rollover(period: string) {
  await redlock.using([\`rollover:\${period}\`], 30_000, async (signal) => {
    await pool.query('INSERT INTO periods (name) VALUES ($1)', [period]);
    if (signal.aborted) throw signal.error;
    await producer.send({ topic: 'billing.period-rolled.v1', messages: [{ value: period }] });
  });
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 12, variant: 'no-fencing-token', precision: 'Medium' }],
    },
    {
      name: 'redis-semaphore mutex in a NestJS service, unfenced POST',
      filename: 'services/billing/src/payout.service.ts',
      code: `import { Injectable } from '@nestjs/common';
import { InjectRedis } from '@nestjs-modules/ioredis';
import Redis from 'ioredis';
import { Mutex } from 'redis-semaphore';
import axios from 'axios';

@Injectable()
export class PayoutService {
  constructor(@InjectRedis() private readonly redis: Redis) {}

  async payout(accountId: string, cents: number) {
    const mutex = new Mutex(this.redis, \`payout:\${accountId}\`, { lockTimeout: 30_000 });
    await mutex.acquire();
    try {
      await axios.post('https://payments.example.com/payouts', { accountId, cents }, { timeout: 10_000 });
    } finally {
      await mutex.release();
    }
  }
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 15, variant: 'no-fencing-token', precision: 'Medium' }],
    },
    {
      name: 'lease shorter than the timeout of the call it guards',
      code: `import Redlock from 'redlock';
import Redis from 'ioredis';
import axios from 'axios';

const redlock = new Redlock([new Redis()]);
const LOCK_TTL_MS = 5_000;

export async function exportLedger(id: string, fence: number) {
  const lock = await redlock.acquire([\`export:\${id}\`], LOCK_TTL_MS);
  try {
    await axios.put(\`http://ledger-service/exports/\${id}\`, { fence }, { timeout: 10_000 });
  } finally {
    await lock.release();
  }
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 9, variant: 'lease-shorter-than-work', precision: 'High' }],
    },
    {
      name: 'SET PX lease shorter than an AbortSignal timeout (ioredis token form, EX in seconds)',
      code: `${ioredisPg}
export async function pushStock(sku: string, version: number) {
  const key = \`lock:stock:\${sku}\`;
  const me = randomUUID();
  if ((await redis.set(key, me, 'EX', 5, 'NX')) !== 'OK') return;
  await fetch('https://warehouse.example.com/stock', {
    method: 'PUT',
    body: JSON.stringify({ sku, version }),
    signal: AbortSignal.timeout(8_000),
  });
  await redis.eval(${compareAndDelete}, 1, key, me);
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 11, variant: 'lease-shorter-than-work', precision: 'High' }],
    },
    {
      name: 'session advisory lock taken and released through a pool',
      code: `import { Pool } from 'pg';

const pool = new Pool();

export async function leaderTick(epoch: number) {
  const { rows } = await pool.query('SELECT pg_try_advisory_lock(42) AS ok');
  if (!rows[0].ok) return;
  await pool.query('UPDATE leader SET heartbeat = now() WHERE epoch = $1', [epoch]);
  await pool.query('SELECT pg_advisory_unlock(42)');
}
`,
      errors: [
        { messageId: 'lockWithoutFencing', line: 6, variant: 'no-lease', precision: 'High' },
        { messageId: 'lockWithoutFencing', line: 9, variant: 'unsafe-release', precision: 'High' },
      ],
    },
    {
      name: 'advisory lock on one client guarding a publish to another system',
      code: `import { Pool } from 'pg';
import { Kafka } from 'kafkajs';

const pool = new Pool();
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();

export async function emitDaily(day: string) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(7)');
    await client.query('UPDATE days SET emitted = true WHERE day = $1', [day]);
    await producer.send({ topic: 'reports.daily.v1', messages: [{ value: day }] });
    await client.query('SELECT pg_advisory_unlock(7)');
  } finally {
    client.release();
  }
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 12, variant: 'no-fencing-token', precision: 'Medium' }],
    },
    {
      name: 'name-only redis receiver lowers precision',
      code: `export class Scheduler {
  constructor(private readonly redisClient: any) {}

  async tick() {
    await this.redisClient.set('lock:scheduler', process.pid, 'NX');
  }
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 5, variant: 'no-lease', precision: 'Medium' }],
    },
    {
      name: 'local withLock helper: writes in the callback are unfenced',
      code: `${ioredisPg}
async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  const key = \`lock:\${name}\`;
  const me = randomUUID();
  if (!(await redis.set(key, me, 'PX', 60_000, 'NX'))) return undefined;
  try {
    return await fn();
  } finally {
    await redis.eval(${compareAndDelete}, 1, key, me);
  }
}

export async function closeMonth(month: string) {
  await withLock(\`close:\${month}\`, async () => {
    await db.query('UPDATE months SET closed = true WHERE month = $1', [month]);
  });
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 21, variant: 'no-fencing-token', precision: 'Medium' }],
    },
    {
      name: 'lock utility whose release deletes the key unconditionally (client imported from a config module)',
      filename: 'src/utils/redisLock.ts',
      code: `import { redis } from '../config/redis';

export async function acquireLock(key: string, ttl = 5000) {
  return redis.set(key, 'locked', 'PX', ttl, 'NX');
}

export async function releaseLock(key: string) {
  await redis.del(key);
}
`,
      errors: [{ messageId: 'lockWithoutFencing', line: 8, variant: 'unsafe-release', precision: 'Medium' }],
    },
  ],
});
