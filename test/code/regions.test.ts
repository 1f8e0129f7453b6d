import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build, call, callsNamed } from './model-helpers.js';

describe('regions (rules.md §2.2)', () => {
  const consumerService = `import pRetry from 'p-retry';
import express from 'express';
import amqp from 'amqplib';
import { Kafka } from 'kafkajs';
import { PrismaClient } from '@prisma/client';
const app = express();
const prisma = new PrismaClient();
const kafka = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] });

export async function start() {
  const consumer = kafka.consumer({ groupId: 'billing' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      await charge(message);
    },
  });
  await pRetry(async () => {
    await fetchRates();
  }, { retries: 3 });
  await prisma.$transaction(async (tx) => {
    await tx.invoice.create({ data: {} });
  });
  const ch = await (await amqp.connect('amqp://rabbit')).createChannel();
  await ch.consume('billing-requests', async (msg) => {
    await charge(msg);
    ch.ack(msg);
  });
  app.post('/invoices', async (req, res) => {
    await createInvoice(req.body);
    res.sendStatus(202);
  });
  setTimeout(() => {
    flushMetrics();
  }, 1_000);
  pRetry(async () => { await warmCache(); });
}

export class InvoiceService {
  async issue() { await createInvoice({}); }
  handle = async () => { await charge({}); };
}

const handlers = {
  async onRefund() { await refund(); },
};
`;

  it('an awaited pRetry callback joins the caller region', () => {
    const model = build(consumerService);
    assert.equal(model.regionOf(call(model, 'fetchRates')), model.regionOf(call(model, 'pRetry')));
    assert.equal(model.regionOf(call(model, 'fetchRates')).name, 'start');
  });

  it('a $transaction callback joins the caller region', () => {
    const model = build(consumerService);
    assert.equal(model.regionOf(call(model, 'tx.invoice.create')), model.regionOf(call(model, 'prisma.$transaction')));
  });

  it('a floating pRetry callback is its own region: it runs after the caller moved on', () => {
    const model = build(consumerService);
    assert.notEqual(model.regionOf(call(model, 'warmCache')).name, 'start');
  });

  it('ch.consume, app.post and setTimeout callbacks are their own regions', () => {
    const model = build(consumerService);
    const startRegion = model.regionOf(call(model, 'pRetry'));
    for (const inner of ['ch.ack', 'res.sendStatus', 'flushMetrics']) {
      assert.notEqual(model.regionOf(call(model, inner)), startRegion, `${inner} must not share start's region`);
    }
    assert.equal(model.regionOf(call(model, 'ch.ack')).name, 'start>ch.consume(callback)');
    assert.equal(model.regionOf(call(model, 'res.sendStatus')).name, 'start>app.post(callback)');
    assert.equal(model.regionOf(call(model, 'flushMetrics')).name, 'start>setTimeout(callback)');
    assert.equal(model.regionOf(call(model, 'ch.ack')), model.regionOf(call(model, 'charge', 1)));
  });

  it('functionName qualifies handlers by their enclosing function: start>eachMessage', () => {
    const model = build(consumerService);
    const region = model.regionOf(call(model, 'charge', 0));
    assert.equal(region.name, 'start>eachMessage');
    assert.equal(model.functionName(region.node), 'start>eachMessage');
  });

  it('functionName gives Class.method for methods and class-property arrows, and object-method keys', () => {
    const model = build(consumerService);
    assert.equal(model.regionOf(call(model, 'createInvoice', 1)).name, 'InvoiceService.issue');
    assert.equal(model.regionOf(call(model, 'charge', 2)).name, 'InvoiceService.handle');
    assert.equal(model.regionOf(call(model, 'refund')).name, 'onRefund');
    assert.equal(model.functionName(model.program), '<module>');
  });

  it('module-level calls belong to the <module> region', () => {
    const model = build(consumerService);
    assert.equal(model.regionOf(call(model, 'express')).name, '<module>');
    assert.equal(model.regionOf(call(model, 'express')).node, model.program);
  });

  it('regions() lists every region holding a call once, in source order; callsIn is sorted', () => {
    const model = build(consumerService);
    const regions = model.regions();
    const names = regions.map((r) => r.name);
    assert.equal(new Set(regions.map((r) => r.id)).size, regions.length);
    assert.deepEqual(names, [
      '<module>',
      'start',
      'start>eachMessage',
      'start>ch.consume(callback)',
      'start>app.post(callback)',
      'start>setTimeout(callback)',
      'start>pRetry(callback)',
      'InvoiceService.issue',
      'InvoiceService.handle',
      'onRefund',
    ]);
    const start = regions.find((r) => r.name === 'start')!;
    const inStart = model.callsIn(start);
    assert.ok(inStart.includes(call(model, 'tx.invoice.create')));
    assert.ok(inStart.includes(call(model, 'fetchRates')));
    assert.ok(!inStart.includes(call(model, 'ch.ack')));
    for (let i = 1; i < inStart.length; i++) assert.ok(inStart[i - 1]!.range[0] <= inStart[i]!.range[0]);
  });

  it('a class static block is its own region', () => {
    const model = build(`export class Registry {
  static {
    register('orders');
  }
}
boot();
`);
    const region = model.regionOf(call(model, 'register'));
    assert.notEqual(region.name, '<module>');
    assert.ok(region.node.type !== 'Program');
    assert.notEqual(region.id, model.regionOf(call(model, 'boot')).id);
  });
});

describe('ordering: precedes and exclusive (rules.md §2.2)', () => {
  const branches = `export async function settle(order: { status: string; total: number }) {
  load();
  if (order.total > 0) {
    charge();
  } else {
    skipCharge();
  }
  const label = order.status === 'vip' ? vipLabel() : plainLabel();
  switch (order.status) {
    case 'paid': markPaid(); break;
    case 'refunded': markRefunded(); break;
    default: markUnknown();
  }
  try {
    reserve();
  } catch (error) {
    compensate();
  } finally {
    release();
  }
  try {
    outerTry();
    try { innerTry(); } catch { innerCatch(); }
  } catch {
    outerCatch();
  }
  if (order.total > 100) {
    if (order.status === 'vip') { nestedThen(); } else { nestedElse(); }
  } else {
    outerElse();
  }
  done();
}
`;

  it('straight-line calls precede later calls and not earlier ones', () => {
    const model = build(branches);
    assert.equal(model.precedes(call(model, 'load'), call(model, 'charge')), true);
    assert.equal(model.precedes(call(model, 'charge'), call(model, 'done')), true);
    assert.equal(model.precedes(call(model, 'done'), call(model, 'load')), false);
    assert.equal(model.precedes(call(model, 'load'), call(model, 'load')), false);
  });

  it('if/else arms are exclusive in both directions', () => {
    const model = build(branches);
    assert.equal(model.exclusive(call(model, 'charge'), call(model, 'skipCharge')), true);
    assert.equal(model.exclusive(call(model, 'skipCharge'), call(model, 'charge')), true);
    assert.equal(model.precedes(call(model, 'charge'), call(model, 'skipCharge')), false);
    assert.equal(model.exclusive(call(model, 'load'), call(model, 'charge')), false);
  });

  it('ternary arms are exclusive', () => {
    const model = build(branches);
    assert.equal(model.exclusive(call(model, 'vipLabel'), call(model, 'plainLabel')), true);
    assert.equal(model.precedes(call(model, 'vipLabel'), call(model, 'plainLabel')), false);
    assert.equal(model.precedes(call(model, 'charge'), call(model, 'vipLabel')), true);
  });

  it('switch cases are exclusive, including default', () => {
    const model = build(branches);
    assert.equal(model.exclusive(call(model, 'markPaid'), call(model, 'markRefunded')), true);
    assert.equal(model.exclusive(call(model, 'markPaid'), call(model, 'markUnknown')), true);
    assert.equal(model.precedes(call(model, 'markPaid'), call(model, 'done')), true);
  });

  it('try and its catch are exclusive; finally follows both', () => {
    const model = build(branches);
    assert.equal(model.exclusive(call(model, 'reserve'), call(model, 'compensate')), true);
    assert.equal(model.precedes(call(model, 'reserve'), call(model, 'compensate')), false);
    assert.equal(model.exclusive(call(model, 'reserve'), call(model, 'release')), false);
    assert.equal(model.exclusive(call(model, 'compensate'), call(model, 'release')), false);
    assert.equal(model.precedes(call(model, 'reserve'), call(model, 'release')), true);
    assert.equal(model.precedes(call(model, 'compensate'), call(model, 'release')), true);
  });

  it('nested try statements: anything in the outer try block is exclusive with the outer catch', () => {
    const model = build(branches);
    assert.equal(model.exclusive(call(model, 'outerTry'), call(model, 'outerCatch')), true);
    assert.equal(model.exclusive(call(model, 'innerTry'), call(model, 'outerCatch')), true);
    assert.equal(model.exclusive(call(model, 'innerTry'), call(model, 'innerCatch')), true);
    assert.equal(model.precedes(call(model, 'outerTry'), call(model, 'innerTry')), true);
  });

  it('different try statements are not exclusive with each other', () => {
    const model = build(branches);
    assert.equal(model.exclusive(call(model, 'compensate'), call(model, 'outerTry')), false);
    assert.equal(model.precedes(call(model, 'compensate'), call(model, 'outerTry')), true);
  });

  it('nested if arms: inner arms are exclusive with each other and with the outer else', () => {
    const model = build(branches);
    assert.equal(model.exclusive(call(model, 'nestedThen'), call(model, 'nestedElse')), true);
    assert.equal(model.exclusive(call(model, 'nestedThen'), call(model, 'outerElse')), true);
    assert.equal(model.exclusive(call(model, 'nestedElse'), call(model, 'outerElse')), true);
  });

  it('tryPart and enclosingTries name the try parts, innermost first', () => {
    const model = build(branches);
    const tries = model.enclosingTries(call(model, 'innerTry'));
    assert.equal(tries.length, 2);
    assert.ok(tries[0]!.range[0] > tries[1]!.range[0], 'innermost first');
    assert.equal(model.tryPart(call(model, 'innerTry'), tries[0]!), 'try');
    assert.equal(model.tryPart(call(model, 'innerCatch'), tries[0]!), 'catch');
    assert.equal(model.tryPart(call(model, 'outerCatch'), tries[1]!), 'catch');
    assert.equal(model.tryPart(call(model, 'load'), tries[1]!), null);
    const first = model.enclosingTries(call(model, 'release'))[0]!;
    assert.equal(model.tryPart(call(model, 'release'), first), 'finally');
    assert.deepEqual(model.enclosingTries(call(model, 'load')), []);
  });

  it('the test of an if precedes its arms and is not exclusive with them', () => {
    const model = build(`export async function f() {
  if (await isDuplicate()) { skip(); } else { process(); }
}
`);
    assert.equal(model.precedes(call(model, 'isDuplicate'), call(model, 'skip')), true);
    assert.equal(model.precedes(call(model, 'isDuplicate'), call(model, 'process')), true);
  });
});

describe('isSettled (rules.md §2.2)', () => {
  const settling = `export async function f() {
  await awaited();
  floating();
  await chained().then((r) => r).catch(() => null);
  floatingChain().then(() => 1);
  const pending = assignedThenAwaited();
  await pending;
  const never = assignedNeverAwaited();
  await Promise.all([inAll(), other]);
  await Promise.allSettled([inAllSettled()]);
  Promise.all([inFloatingAll()]);
  void voided();
  const r = await nonNull()!;
  const s = asserted() as Promise<void>;
  await s;
  await optional?.();
  return returned();
}
export const arrow = () => arrowBody();
export function* gen() { yield yielded(); }
`;

  const expectations: [string, boolean][] = [
    ['awaited', true],
    ['floating', false],
    ['chained', true],
    ['floatingChain', false],
    ['assignedThenAwaited', true],
    ['assignedNeverAwaited', false],
    ['inAll', true],
    ['inAllSettled', true],
    ['inFloatingAll', false],
    ['voided', false],
    ['nonNull', true],
    ['asserted', true],
    ['optional', true],
    ['returned', true],
    ['arrowBody', true],
    ['yielded', true],
  ];
  for (const [name, settled] of expectations) {
    it(`${name}() is ${settled ? 'settled' : 'floating'}`, () => {
      const model = build(settling);
      assert.equal(model.isSettled(call(model, name)), settled);
    });
  }

  it('a variable awaited in a different function does not settle the call', () => {
    const model = build(`export async function a() { const job = startJob(); }
export async function b(job: Promise<void>) { await job; }
`);
    assert.equal(model.isSettled(call(model, 'startJob')), false);
  });

  it('a drizzle write is settled when its builder chain is awaited', () => {
    const model = build(`import { drizzle } from 'drizzle-orm/node-postgres';
import { orders } from './schema';
const db = drizzle(process.env.DATABASE_URL!);
export async function f() { await db.insert(orders).values({ id: 1 }); }
`);
    assert.equal(model.effectsOf(call(model, 'db.insert')).length, 1);
    assert.equal(model.isSettled(call(model, 'db.insert')), true);
  });

  it('an aws-sdk v2 publish is settled when its .promise() is awaited', () => {
    const model = build(`import AWS from 'aws-sdk';
const sqs = new AWS.SQS();
export async function f() { await sqs.sendMessage({ QueueUrl: 'https://sqs/1/q', MessageBody: '' }).promise(); }
`);
    assert.equal(model.isSettled(call(model, 'sqs.sendMessage')), true);
  });
});

describe('transactionOf (rules.md §2.2, §2.6)', () => {
  it('statements inside a $transaction callback are in that transaction; statements outside are not', () => {
    const model = build(`import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';
const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function place() {
  await prisma.order.findFirst();
  const order = await prisma.$transaction(async (tx) => {
    const created = await tx.order.create({ data: {} });
    await tx.outboxEvent.create({ data: {} });
    return created;
  });
  await producer.send({ topic: 'orders.placed.v1', messages: [] });
}
`);
    const opener = call(model, 'prisma.$transaction');
    const scope = model.transactionOf(call(model, 'tx.order.create'));
    assert.ok(scope);
    assert.equal(scope.opener, opener);
    assert.equal(scope.commit, null);
    assert.equal(model.transactionOf(call(model, 'tx.outboxEvent.create'))?.opener, opener);
    assert.equal(model.transactionOf(call(model, 'producer.send')), null);
    assert.equal(model.transactionOf(call(model, 'prisma.order.findFirst')), null);
    assert.equal(model.transactionOf(opener), null, 'the opener itself runs outside its scope');
  });

  it('knex, typeorm, sequelize and mongoose transaction helpers open a scope', () => {
    const model = build(`import knex from 'knex';
import { DataSource } from 'typeorm';
import { Sequelize } from 'sequelize';
import mongoose from 'mongoose';
const db = knex({ client: 'pg' });
const ds = new DataSource({ type: 'postgres' });
const sequelize = new Sequelize('postgres://x');
export async function f() {
  await db.transaction(async (trx) => { await trx('a').insert({}); });
  await ds.transaction(async (em) => { await em.save({}); });
  await sequelize.transaction(async (t) => { await seqWrite(t); });
  const session = await mongoose.startSession();
  await session.withTransaction(async () => { await mongoWrite(session); });
}
`);
    for (const [inner, opener] of [
      ["trx('a').insert", 'db.transaction'],
      ['em.save', 'ds.transaction'],
      ['seqWrite', 'sequelize.transaction'],
      ['mongoWrite', 'session.withTransaction'],
    ] as const) {
      assert.equal(model.transactionOf(call(model, inner))?.opener, call(model, opener), inner);
    }
  });

  it('a callback scheduled from inside a transaction callback is outside the transaction', () => {
    const model = build(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function f() {
  await prisma.$transaction(async (tx) => {
    await tx.order.update({ where: {}, data: {} });
    setTimeout(() => { void tx.auditEntry.create({ data: {} }); }, 10);
  });
}
`);
    assert.ok(model.transactionOf(call(model, 'tx.order.update')));
    assert.equal(model.transactionOf(call(model, 'tx.auditEntry.create')), null);
  });

  it('a manual BEGIN..COMMIT on a pg client spans the writes between them', () => {
    const model = build(`import { Pool } from 'pg';
const pool = new Pool();
export async function transfer() {
  const client = await pool.connect();
  await client.query('SELECT 1');
  try {
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance - 10 WHERE id = 1');
    await client.query('UPDATE accounts SET balance = balance + 10 WHERE id = 2');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  await client.query('INSERT INTO audit (event) VALUES (1)');
}
`);
    const queries = callsNamed(model, 'client.query');
    const [select, begin, debit, credit, commit, , audit] = queries;
    assert.equal(model.transactionMarker(begin!), 'begin');
    assert.equal(model.transactionMarker(commit!), 'commit');
    assert.equal(model.transactionMarker(debit!), null);
    for (const write of [debit!, credit!]) {
      const scope = model.transactionOf(write);
      assert.ok(scope);
      assert.equal(scope.opener, begin);
      assert.equal(scope.commit, commit);
    }
    assert.equal(model.transactionOf(select!), null);
    assert.equal(model.transactionOf(audit!), null, 'after COMMIT');
  });

  it('mysql2 beginTransaction..commit and typeorm startTransaction..commitTransaction', () => {
    const model = build(`import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
const ds = new DataSource({ type: 'mysql' });
export async function f() {
  const conn = await mysql.createConnection({});
  await conn.beginTransaction();
  await conn.query('UPDATE stock SET n = n - 1');
  await conn.commit();
  const qr = ds.createQueryRunner();
  await qr.startTransaction();
  await qr.manager.save({});
  await qr.commitTransaction();
  await conn.query('UPDATE stock SET n = n + 1');
}
`);
    assert.equal(model.transactionOf(call(model, 'conn.query', 0))?.opener, call(model, 'conn.beginTransaction'));
    assert.equal(model.transactionOf(call(model, 'conn.query', 0))?.commit, call(model, 'conn.commit'));
    assert.equal(model.transactionOf(call(model, 'qr.manager.save'))?.opener, call(model, 'qr.startTransaction'));
    assert.equal(model.transactionOf(call(model, 'conn.query', 1)), null);
  });

  it('a BEGIN with no COMMIT in the region is not a transaction scope', () => {
    const model = build(`import { Pool } from 'pg';
const pool = new Pool();
export async function f() {
  const client = await pool.connect();
  await client.query('BEGIN');
  await client.query('INSERT INTO orders (id) VALUES (1)');
}
`);
    assert.equal(model.transactionOf(call(model, 'client.query', 1)), null);
  });

  it('a write on the pool between BEGIN and COMMIT on a client is not in that transaction', () => {
    const model = build(`import { Pool } from 'pg';
const pool = new Pool();
export async function f() {
  const client = await pool.connect();
  await client.query('BEGIN');
  await pool.query('INSERT INTO audit (x) VALUES (1)');
  await client.query('COMMIT');
}
`);
    assert.equal(model.transactionOf(call(model, 'pool.query')), null);
  });

  it('prisma $transaction([...]) array form is a transaction scope', () => {
    const model = build(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function f() {
  await prisma.$transaction([prisma.order.create({ data: {} }), prisma.outboxEvent.create({ data: {} })]);
}
`);
    assert.equal(model.transactionOf(call(model, 'prisma.order.create'))?.opener, call(model, 'prisma.$transaction'));
  });
});
