import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Effect, ExternalEffect } from '../../src/code/model.js';
import { build, call, effectsAt } from './model-helpers.js';

/** The comparable part of an effect (the call node itself carries parent pointers). */
function shape(effect: Effect): Record<string, unknown> {
  return { kind: effect.kind, library: effect.library, via: effect.via, channel: effect.channel, target: effect.target };
}

function only(effects: Effect[]): Effect {
  assert.equal(effects.length, 1, `expected one effect, got ${effects.length}`);
  return effects[0]!;
}

describe('publish effects (rules.md §2.3)', () => {
  it('kafkajs producer.send and sendBatch, and a transactional send', () => {
    const model = build(`import { Kafka } from 'kafkajs';
const kafka = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] });
const producer = kafka.producer({ transactionalId: 'orders-tx', idempotent: true });
export async function publish(orderId: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: orderId, value: orderId }] });
  await producer.sendBatch({ topicMessages: [] });
  const txn = await producer.transaction();
  await txn.send({ topic: 'ledger.entries.v1', messages: [] });
  await txn.commit();
}
`);
    const send = only(effectsAt(model, 'producer.send'));
    assert.deepEqual(shape(send), { kind: 'publish', library: 'kafka', via: 'binding', channel: 'orders.placed.v1', target: null });
    assert.equal(send.kafkaTransaction, false);
    assert.equal(send.description, 'producer.send');
    assert.deepEqual(send.related, []);
    assert.equal(only(effectsAt(model, 'producer.sendBatch')).channel, null);
    const txSend = only(effectsAt(model, 'txn.send'));
    assert.equal(txSend.kafkaTransaction, true);
    assert.equal(txSend.channel, 'ledger.entries.v1');
    assert.deepEqual(effectsAt(model, 'txn.commit'), []);
    assert.deepEqual(effectsAt(model, 'producer.transaction'), []);
  });

  it('node-rdkafka produce(topic, ...)', () => {
    const model = build(`import Kafka from 'node-rdkafka';
const producer = new Kafka.Producer({ 'metadata.broker.list': 'kafka:9092' });
export function emit() { producer.produce('payments.captured.v1', null, Buffer.from('{}'), 'key'); }
`);
    assert.deepEqual(shape(only(effectsAt(model, 'producer.produce'))), {
      kind: 'publish', library: 'node-rdkafka', via: 'binding', channel: 'payments.captured.v1', target: null,
    });
  });

  it('amqplib publish uses the routing key, sendToQueue the queue', () => {
    const model = build(`import amqp from 'amqplib';
export async function main() {
  const conn = await amqp.connect('amqp://rabbit');
  const channel = await conn.createChannel();
  channel.publish('orders', 'orders.placed', Buffer.from('{}'), { persistent: true });
  channel.sendToQueue('billing-requests', Buffer.from('{}'));
  channel.publish('fanout-exchange', '', Buffer.from('{}'));
  await channel.assertQueue('billing-requests');
}
`);
    assert.equal(only(effectsAt(model, 'channel.publish', 0)).channel, 'orders.placed');
    assert.equal(only(effectsAt(model, 'channel.sendToQueue')).channel, 'billing-requests');
    // An empty routing key on a fanout exchange leaves the exchange as the channel.
    assert.equal(only(effectsAt(model, 'channel.publish', 1)).channel, 'fanout-exchange');
    assert.deepEqual(effectsAt(model, 'channel.assertQueue'), []);
  });

  it('SQS and SNS v3 commands, inline and stored in a variable; non-publishing commands are not sinks', () => {
    const model = build(`import { SQSClient, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
const sqs = new SQSClient({ region: 'eu-west-1' });
const sns = new SNSClient({});
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/billing-requests';
export async function notify(id: string) {
  await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: id }));
  const command = new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orders-placed', Message: id });
  await sns.send(command);
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: process.env.QUEUE_URL, Entries: [] }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL }));
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'sqs.send', 0))), {
      kind: 'publish', library: 'sqs', via: 'binding', channel: 'billing-requests', target: null,
    });
    assert.deepEqual(shape(only(effectsAt(model, 'sns.send'))), {
      kind: 'publish', library: 'sns', via: 'binding', channel: 'orders-placed', target: null,
    });
    const batch = only(effectsAt(model, 'sqs.send', 1));
    assert.equal(batch.library, 'sqs');
    assert.equal(batch.channel, null, 'an env-var queue URL is dynamic');
    assert.deepEqual(effectsAt(model, 'sqs.send', 2), []);
  });

  it('EventBridge PutEventsCommand uses the first entry DetailType', () => {
    const model = build(`import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
const events = new EventBridgeClient({});
export async function f() { await events.send(new PutEventsCommand({ Entries: [{ DetailType: 'OrderPlaced', Detail: '{}' }] })); }
`);
    assert.deepEqual(shape(only(effectsAt(model, 'events.send'))), {
      kind: 'publish', library: 'eventbridge', via: 'binding', channel: 'OrderPlaced', target: null,
    });
  });

  it('aws-sdk v2 new AWS.SQS().sendMessage and AWS.SNS().publish', () => {
    const model = build(`import AWS from 'aws-sdk';
const sqs = new AWS.SQS({ region: 'eu-west-1' });
const sns = new AWS.SNS();
export async function f() {
  await sqs.sendMessage({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/invoices', MessageBody: 'x' }).promise();
  await sns.publish({ TopicArn: 'arn:aws:sns:eu-west-1:1:refunds-issued', Message: '' }).promise();
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'sqs.sendMessage'))), {
      kind: 'publish', library: 'sqs', via: 'binding', channel: 'invoices', target: null,
    });
    assert.equal(only(effectsAt(model, 'sns.publish')).channel, 'refunds-issued');
    assert.equal(model.calls.filter((c) => model.effectsOf(c).length > 0).length, 2, '.promise() itself is not a second publish');
  });

  it('pubsub topic(name).publishMessage and a stored topic', () => {
    const model = build(`import { PubSub } from '@google-cloud/pubsub';
const pubsub = new PubSub();
const REFUNDS = 'refunds-issued';
export async function f() {
  await pubsub.topic('orders-placed').publishMessage({ json: { id: 1 }, orderingKey: '1' });
  const topic = pubsub.topic(REFUNDS);
  await topic.publishMessage({ data: Buffer.from('x') });
}
`);
    assert.deepEqual(shape(only(effectsAt(model, "pubsub.topic('orders-placed').publishMessage"))), {
      kind: 'publish', library: 'pubsub', via: 'binding', channel: 'orders-placed', target: null,
    });
    assert.equal(only(effectsAt(model, 'topic.publishMessage')).channel, 'refunds-issued');
    assert.deepEqual(effectsAt(model, 'pubsub.topic', 0), []);
  });

  it('nats core publish and JetStream publish', () => {
    const model = build(`import { connect } from 'nats';
export async function f() {
  const nc = await connect({ servers: 'nats://nats:4222' });
  nc.publish('orders.placed', new Uint8Array());
  const js = nc.jetstream();
  await js.publish('orders.shipped', new Uint8Array(), { msgID: 'o-1' });
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'nc.publish'))), {
      kind: 'publish', library: 'nats', via: 'binding', channel: 'orders.placed', target: null,
    });
    assert.equal(only(effectsAt(model, 'js.publish')).channel, 'orders.shipped');
  });

  it('bullmq queue.add names the queue, not the job', () => {
    const model = build(`import { Queue } from 'bullmq';
const emails = new Queue('emails', { connection: { host: 'redis' } });
export async function f() { await emails.add('welcome', { to: 'a@b.c' }, { jobId: 'w-1' }); await emails.getJobCounts(); }
`);
    assert.deepEqual(shape(only(effectsAt(model, 'emails.add'))), {
      kind: 'publish', library: 'bullmq', via: 'binding', channel: 'emails', target: null,
    });
    assert.deepEqual(effectsAt(model, 'emails.getJobCounts'), []);
  });

  it('ioredis xadd and publish; reads are not sinks', () => {
    const model = build(`import Redis from 'ioredis';
const redis = new Redis();
export async function f() {
  await redis.xadd('orders-stream', '*', 'id', '1');
  await redis.publish('cache-invalidation', 'orders');
  await redis.get('orders:1');
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'redis.xadd'))), {
      kind: 'publish', library: 'redis', via: 'binding', channel: 'orders-stream', target: null,
    });
    assert.equal(only(effectsAt(model, 'redis.publish')).channel, 'cache-invalidation');
    assert.deepEqual(effectsAt(model, 'redis.get'), []);
  });
});

describe('database write effects (rules.md §2.6)', () => {
  it('prisma delegate writes, raw writes and reads', () => {
    const model = build(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function f() {
  await prisma.order.create({ data: {} });
  await prisma.order.upsert({ where: { id: 1 }, create: {}, update: {} });
  await prisma.order.findMany();
  await prisma.$executeRawUnsafe('DELETE FROM carts WHERE id = 1');
  await prisma.$transaction(async (tx) => {
    await tx.outboxEvent.create({ data: {} });
    await tx.$executeRaw\`UPDATE orders SET status = 'paid'\`;
  });
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'prisma.order.create'))), {
      kind: 'dbWrite', library: 'prisma', via: 'binding', channel: null, target: 'order',
    });
    assert.equal(only(effectsAt(model, 'prisma.order.upsert')).target, 'order');
    assert.deepEqual(effectsAt(model, 'prisma.order.findMany'), []);
    assert.equal(only(effectsAt(model, 'prisma.$executeRawUnsafe')).target, 'carts');
    assert.equal(only(effectsAt(model, 'tx.outboxEvent.create')).target, 'outboxEvent');
    assert.equal(only(effectsAt(model, 'tx.$executeRaw')).target, 'orders');
    assert.deepEqual(effectsAt(model, 'prisma.$transaction'), []);
  });

  it('prisma writes through an injected PrismaService subclass', () => {
    const model = build(`import { PrismaClient } from '@prisma/client';
export class PrismaService extends PrismaClient {}
export class OrdersService {
  constructor(private readonly prisma: PrismaService) {}
  async place() { return this.prisma.order.create({ data: {} }); }
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'this.prisma.order.create'))), {
      kind: 'dbWrite', library: 'prisma', via: 'binding', channel: null, target: 'order',
    });
  });

  it('typeorm repository, manager, query-builder writes; selects are not writes', () => {
    const model = build(`import { DataSource, EntityManager, Repository, getRepository } from 'typeorm';
import { Order } from './order.entity';
import { Outbox } from './outbox.entity';
export const ds = new DataSource({ type: 'postgres' });
export class OrdersService {
  constructor(private readonly orders: Repository<Order>, private readonly manager: EntityManager) {}
  async place(o: Order) {
    await this.orders.save(o);
    await getRepository(Order).insert(o);
    await this.manager.transaction(async (em) => {
      await em.save(Outbox, { id: 1 });
      await em.getRepository(Order).update(1, {});
    });
    await ds.createQueryBuilder().insert().into(Outbox).values({}).execute();
    await this.orders.createQueryBuilder('o').update(Order).set({}).where('id = 1').execute();
    await this.orders.createQueryBuilder('o').select().where('id = 1').execute();
    await this.orders.find();
    await ds.manager.query('INSERT INTO audit_log (x) VALUES (1)');
  }
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'this.orders.save'))), {
      kind: 'dbWrite', library: 'typeorm', via: 'binding', channel: null, target: 'Order',
    });
    assert.equal(only(effectsAt(model, 'getRepository(Order).insert')).target, 'Order');
    assert.equal(only(effectsAt(model, 'em.save')).target, 'Outbox');
    assert.equal(only(effectsAt(model, 'em.getRepository(Order).update')).target, 'Order');
    const insertQb = only(effectsAt(model, 'ds.createQueryBuilder().insert().into(Outbox).values({}).execute'));
    assert.deepEqual(shape(insertQb), { kind: 'dbWrite', library: 'typeorm', via: 'binding', channel: null, target: 'Outbox' });
    assert.equal(only(effectsAt(model, "this.orders.createQueryBuilder('o').update(Order).set({}).where('id=1').execute")).target, 'Order');
    assert.deepEqual(effectsAt(model, "this.orders.createQueryBuilder('o').select().where('id=1').execute"), []);
    assert.deepEqual(effectsAt(model, 'this.orders.find'), []);
    assert.equal(only(effectsAt(model, 'ds.manager.query')).target, 'audit_log');
    // Only the terminal execute() writes; the builder steps are not separate effects.
    assert.deepEqual(effectsAt(model, 'ds.createQueryBuilder().insert().into(Outbox).values'), []);
  });

  it('mongoose Model.create, updateOne, doc.save and Model<T> writes; find is a read', () => {
    const model = build(`import mongoose, { Model, Schema, model } from 'mongoose';
const OrderModel = model('Order', new Schema({}));
const Payment = mongoose.model('Payment', new Schema({}));
export async function f(Invoice: Model<InvoiceDocument>) {
  await OrderModel.create({});
  await Payment.updateOne({}, { $set: { status: 'captured' } });
  const doc = new OrderModel({ total: 1 });
  await doc.save();
  await Invoice.insertMany([]);
  await OrderModel.find();
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'OrderModel.create'))), {
      kind: 'dbWrite', library: 'mongoose', via: 'binding', channel: null, target: 'Order',
    });
    assert.equal(only(effectsAt(model, 'Payment.updateOne')).target, 'Payment');
    assert.equal(only(effectsAt(model, 'doc.save')).target, 'Order');
    assert.equal(only(effectsAt(model, 'Invoice.insertMany')).target, 'Invoice');
    assert.deepEqual(effectsAt(model, 'OrderModel.find'), []);
  });

  it('pg Pool.query writes by SQL verb, including { text } configs, CTE writes and leading comments', () => {
    const model = build(`import { Pool } from 'pg';
const pool = new Pool();
export async function f() {
  await pool.query('INSERT INTO orders (id) VALUES ($1)', [1]);
  await pool.query('SELECT * FROM orders WHERE id = $1', [1]);
  await pool.query({ text: 'UPDATE orders SET status = $1', values: ['paid'] });
  await pool.query(\`WITH moved AS (DELETE FROM carts RETURNING *) INSERT INTO orders SELECT * FROM moved\`);
  await pool.query(\`WITH recent AS (SELECT 1) SELECT * FROM recent\`);
  await pool.query('-- archive\\nDELETE FROM sessions WHERE expired');
  await pool.query(\`INSERT INTO "public"."payments" (id) VALUES (\${1})\`);
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'pool.query', 0))), {
      kind: 'dbWrite', library: 'pg', via: 'binding', channel: null, target: 'orders',
    });
    assert.deepEqual(effectsAt(model, 'pool.query', 1), []);
    assert.equal(only(effectsAt(model, 'pool.query', 2)).target, 'orders');
    // A data-modifying CTE writes even though the statement starts with WITH.
    assert.equal(only(effectsAt(model, 'pool.query', 3)).target, 'carts');
    assert.deepEqual(effectsAt(model, 'pool.query', 4), []);
    assert.equal(only(effectsAt(model, 'pool.query', 5)).target, 'sessions');
    assert.equal(only(effectsAt(model, 'pool.query', 6)).kind, 'dbWrite');
  });

  // COMMIT closes the transaction that holds the writes; counted as a write of its own, an outbox
  // relay (BEGIN; SELECT … FOR UPDATE; publish; UPDATE outbox; COMMIT) would read as a dual-write.
  it('pg COMMIT is a transaction marker, not a write of its own', () => {
    const model = build(`import { Pool } from 'pg';
const pool = new Pool();
export async function f() {
  const client = await pool.connect();
  await client.query('BEGIN');
  await client.query('INSERT INTO orders (id) VALUES (1)');
  await client.query('COMMIT');
}
`);
    assert.deepEqual(effectsAt(model, 'client.query', 2), []);
    const commit = model.calls.filter((c) => model.text.slice(c.range[0], c.range[1]).includes("'COMMIT'"))[0]!;
    assert.equal(model.transactionMarker(commit), 'commit');
  });

  it('mysql2/promise execute/query writes; SELECT is not a write', () => {
    const model = build(`import mysql from 'mysql2/promise';
const pool = mysql.createPool({ uri: process.env.DATABASE_URL });
export async function f() {
  await pool.execute('INSERT INTO orders (id) VALUES (?)', [1]);
  await pool.query('SELECT 1');
  const conn = await pool.getConnection();
  await conn.query('UPDATE stock SET n = n - 1');
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'pool.execute'))), {
      kind: 'dbWrite', library: 'mysql', via: 'binding', channel: null, target: 'orders',
    });
    assert.deepEqual(effectsAt(model, 'pool.query'), []);
    assert.equal(only(effectsAt(model, 'conn.query')).target, 'stock');
  });

  it('mysql2 commit() closes the transaction of the writes before it (a marker, not a write)', () => {
    const model = build(`import mysql from 'mysql2/promise';
export async function f() {
  const conn = await mysql.createConnection({});
  await conn.beginTransaction();
  await conn.query('UPDATE stock SET n = n - 1');
  await conn.commit();
}
`);
    assert.deepEqual(effectsAt(model, 'conn.commit'), []);
    const update = model.calls.find((c) => model.text.slice(c.range[0], c.range[1]).startsWith('conn.query'))!;
    assert.equal(model.line(model.transactionOf(update)!.commit!), 6);
  });

  it('knex table writes, trx writes inside knex.transaction, raw writes; select and where are not writes', () => {
    const model = build(`import knex from 'knex';
const db = knex({ client: 'pg' });
export async function f() {
  await db('orders').insert({ id: 1 });
  await db('orders').where({ id: 1 }).update({ status: 'paid' });
  await db('orders').select('*');
  await db.transaction(async (trx) => {
    await trx('payments').update({ status: 'captured' });
  });
  await db.raw('DELETE FROM sessions');
  await db('orders').where({ id: 1 }).del();
}
`);
    assert.deepEqual(shape(only(effectsAt(model, "db('orders').insert"))), {
      kind: 'dbWrite', library: 'knex', via: 'binding', channel: null, target: 'orders',
    });
    assert.equal(only(effectsAt(model, "db('orders').where({id:1}).update")).target, 'orders');
    assert.deepEqual(effectsAt(model, "db('orders').where", 0), []);
    assert.deepEqual(effectsAt(model, "db('orders').select"), []);
    assert.equal(only(effectsAt(model, "trx('payments').update")).target, 'payments');
    assert.equal(only(effectsAt(model, 'db.raw')).target, 'sessions');
    assert.equal(only(effectsAt(model, "db('orders').where({id:1}).del")).target, 'orders');
  });

  it('sequelize class models and define()d models write; findAll does not', () => {
    const model = build(`import { Sequelize, Model } from 'sequelize';
const sequelize = new Sequelize('postgres://db/orders');
class Order extends Model {}
const Payment = sequelize.define('Payment', {});
export async function f() {
  await Order.create({});
  await Payment.update({ status: 'paid' }, { where: {} });
  await sequelize.transaction(async (t) => { await Order.destroy({ where: {}, transaction: t }); });
  await Order.findAll();
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'Order.create'))), {
      kind: 'dbWrite', library: 'sequelize', via: 'binding', channel: null, target: 'Order',
    });
    assert.equal(only(effectsAt(model, 'Payment.update')).kind, 'dbWrite');
    assert.equal(only(effectsAt(model, 'Order.destroy')).target, 'Order');
    assert.deepEqual(effectsAt(model, 'Order.findAll'), []);
  });

  it('sequelize.define names the write target', () => {
    const model = build(`import { Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://db/orders');
const OutboxEvent = sequelize.define('OutboxEvent', {});
export async function f() { await OutboxEvent.create({}); }
`);
    assert.equal(only(effectsAt(model, 'OutboxEvent.create')).target, 'OutboxEvent');
  });

  it('drizzle insert/update/delete resolve the pgTable name; select is a read', () => {
    const model = build(`import { drizzle } from 'drizzle-orm/node-postgres';
import { pgTable, serial } from 'drizzle-orm/pg-core';
import { eq } from 'drizzle-orm';
import { payments } from './schema';
export const ordersTable = pgTable('orders', { id: serial('id') });
const db = drizzle(process.env.DATABASE_URL!);
export async function f() {
  await db.insert(ordersTable).values({});
  await db.update(ordersTable).set({}).where(eq(ordersTable.id, 1));
  await db.transaction(async (tx) => { await tx.delete(ordersTable); });
  await db.select().from(ordersTable);
  await db.insert(payments).values({});
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'db.insert', 0))), {
      kind: 'dbWrite', library: 'drizzle', via: 'binding', channel: null, target: 'orders',
    });
    assert.equal(only(effectsAt(model, 'db.update')).target, 'orders');
    assert.equal(only(effectsAt(model, 'tx.delete')).target, 'orders');
    assert.deepEqual(effectsAt(model, 'db.select'), []);
    // A table defined in another file keeps its variable name as the best available target.
    assert.equal(only(effectsAt(model, 'db.insert', 1)).target, 'payments');
  });
});

describe('name fallback effects', () => {
  it('a role-like receiver without a binding yields an effect via name', () => {
    const model = build(`export class OrderService {
  constructor(private readonly eventProducer: any, private readonly orderRepository: any) {}
  async place(order: { id: string }) {
    await this.orderRepository.save(order);
    await this.eventProducer.send({ topic: 'orders.placed.v1', messages: [] });
  }
}
`);
    assert.deepEqual(shape(only(effectsAt(model, 'this.eventProducer.send'))), {
      kind: 'publish', library: 'kafka', via: 'name', channel: 'orders.placed.v1', target: null,
    });
    assert.deepEqual(shape(only(effectsAt(model, 'this.orderRepository.save'))), {
      kind: 'dbWrite', library: 'typeorm', via: 'name', channel: null, target: null,
    });
  });

  it('an unrelated mailer.send has no effect', () => {
    const model = build(`import { Mailer } from './mailer';
const mailer = new Mailer();
export async function welcome(email: string) { await mailer.send({ to: email, template: 'welcome' }); }
`);
    assert.deepEqual(effectsAt(model, 'mailer.send'), []);
  });

  it('send() on something that is neither a producer nor an AWS command has no effect', () => {
    const model = build(`import { SQSClient } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export async function f(socket: any) { socket.send('ping'); await sqs.send(buildCommand()); }
`);
    assert.deepEqual(effectsAt(model, 'socket.send'), []);
    assert.deepEqual(effectsAt(model, 'sqs.send'), []);
  });
});

describe('configured wrappers', () => {
  it('a configured function or method is a sink of its kind via wrapper', () => {
    const model = build(`import { EventBus } from './bus';
import { publishEvent } from './events';
export class OrderService {
  constructor(private readonly bus: EventBus, private readonly store: any) {}
  async place() {
    await publishEvent('orders.placed.v1', {});
    await this.bus.publish({ type: 'OrderPlaced' });
    await this.store.persist({});
  }
}
`, 'src/service.ts', { wrappers: { publish: ['publishEvent', 'EventBus.publish'], dbWrite: ['store.persist'] } });
    assert.deepEqual(shape(only(effectsAt(model, 'publishEvent'))), {
      kind: 'publish', library: 'wrapper', via: 'wrapper', channel: null, target: null,
    });
    assert.equal(only(effectsAt(model, 'this.bus.publish')).via, 'wrapper');
    assert.deepEqual(shape(only(effectsAt(model, 'this.store.persist'))), {
      kind: 'dbWrite', library: 'wrapper', via: 'wrapper', channel: null, target: null,
    });
  });
});

describe('helper summaries (rules.md §2.1 item 5)', () => {
  const helpers = `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
const pool = new Pool();
const producer = new Kafka({ clientId: 'orders', brokers: [] }).producer();
async function publishPlaced(id: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: id }] });
}
const saveOrder = async (id: string) => {
  await pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);
};
class OrderStore {
  async persist(id: string) { await pool.query('UPDATE orders SET status = $1 WHERE id = $2', ['placed', id]); }
}
class OutboxStore {
  async add(event: unknown) { await pool.query('INSERT INTO outbox_events (payload) VALUES ($1)', [event]); }
}
export class OrderService {
  private readonly store = new OrderStore();
  private readonly outbox: OutboxStore;
  constructor() { this.outbox = new OutboxStore(); }
  async place(id: string) {
    await this.store.persist(id);
    await this.outbox.add({ id });
    await this.notify(id);
    await publishPlaced(id);
    await saveOrder(id);
  }
  private async notify(id: string) { await publishPlaced(id); }
}
`;

  it('a local helper function carries the inner publish via summary with the sink line in related', () => {
    const model = build(helpers);
    const effect = only(effectsAt(model, 'publishPlaced', 0));
    assert.deepEqual(shape(effect), { kind: 'publish', library: 'kafka', via: 'summary', channel: 'orders.placed.v1', target: null });
    assert.equal(effect.related.length, 1);
    assert.equal(effect.related[0]!.line, 6);
    assert.match(effect.related[0]!.note, /publishPlaced/);
    assert.match(effect.description, /^publishPlaced \(producer\.send inside\)$/);
    assert.equal(effect.call, call(model, 'publishPlaced', 0));
  });

  it('an arrow-function helper carries the inner DB write', () => {
    const model = build(helpers);
    const effect = only(effectsAt(model, 'saveOrder'));
    assert.deepEqual(shape(effect), { kind: 'dbWrite', library: 'pg', via: 'summary', channel: null, target: 'orders' });
    assert.equal(effect.related[0]!.line, 9);
  });

  it('a method of a local class held in a field carries its write', () => {
    const model = build(helpers);
    const effect = only(effectsAt(model, 'this.store.persist'));
    assert.deepEqual(shape(effect), { kind: 'dbWrite', library: 'pg', via: 'summary', channel: null, target: 'orders' });
    assert.equal(effect.related[0]!.line, 12);
    assert.match(effect.related[0]!.note, /OrderStore\.persist/);
  });

  it('a this-method calling a helper reaches the sink two hops away', () => {
    const model = build(helpers);
    const effect = only(effectsAt(model, 'this.notify'));
    assert.equal(effect.via, 'summary');
    assert.equal(effect.channel, 'orders.placed.v1');
  });

  it('outbox writes inside a helper are not reported as plain DB writes of the caller', () => {
    const model = build(helpers);
    assert.deepEqual(effectsAt(model, 'this.outbox.add'), []);
  });

  it('functionEffects lists the direct effects of a helper body', () => {
    const model = build(helpers);
    const fn = model.calleeFunction(call(model, 'publishPlaced', 0));
    assert.ok(fn);
    assert.deepEqual(model.functionEffects(fn).map(shape), [
      { kind: 'publish', library: 'kafka', via: 'binding', channel: 'orders.placed.v1', target: null },
    ]);
  });

  it('calleeFunction resolves declarations, arrow consts, this-methods and local-class instances', () => {
    const model = build(helpers);
    assert.equal(model.calleeFunction(call(model, 'publishPlaced', 0))?.type, 'FunctionDeclaration');
    assert.equal(model.calleeFunction(call(model, 'saveOrder'))?.type, 'ArrowFunctionExpression');
    assert.equal(model.calleeFunction(call(model, 'this.notify'))?.type, 'FunctionExpression');
    assert.ok(model.calleeFunction(call(model, 'this.store.persist')));
    assert.ok(model.calleeFunction(call(model, 'this.outbox.add')), 'a field assigned in the constructor');
    assert.equal(model.calleeFunction(call(model, 'producer.send')), null);
  });

  it('follows up to three hops and no further', () => {
    const model = build(`import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
async function publishPlaced() { await producer.send({ topic: 'orders.placed.v1', messages: [] }); }
async function two() { await publishPlaced(); }
async function three() { await two(); }
async function four() { await three(); }
export async function entry() { await four(); }
`);
    // Fresh models per query: results must not depend on what an earlier query cached.
    assert.equal(effectsAt(build(model.text), 'publishPlaced').length, 1, 'one hop');
    assert.equal(effectsAt(build(model.text), 'two').length, 1, 'two hops');
    assert.equal(effectsAt(build(model.text), 'three').length, 1, 'three hops: three -> two -> publishPlaced -> send');
    assert.equal(effectsAt(build(model.text), 'four').length, 0, 'four hops is past the limit');
  });

  it('does not loop on recursive helpers', () => {
    const model = build(`import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
async function ping(n: number): Promise<void> { if (n > 0) await pong(n - 1); await producer.send({ topic: 'p', messages: [] }); }
async function pong(n: number): Promise<void> { await ping(n); }
export async function go() { await ping(3); }
`);
    const effects = effectsAt(model, 'ping', 1);
    assert.ok(effects.length >= 1);
    assert.ok(effects.every((e) => e.via === 'summary' && e.channel === 'p'));
  });

  it('a receiver known to be a local class uses the summary, not the repository name fallback', () => {
    const model = build(`import { Pool } from 'pg';
const pool = new Pool();
class OrderRepo {
  async save(id: string) { await pool.query('UPDATE orders SET status = 1 WHERE id = $1', [id]); }
}
export class OrderService {
  private readonly repo = new OrderRepo();
  async place(id: string) { await this.repo.save(id); }
}
`);
    const effect = only(effectsAt(model, 'this.repo.save'));
    assert.deepEqual(shape(effect), { kind: 'dbWrite', library: 'pg', via: 'summary', channel: null, target: 'orders' });
    assert.equal(effect.related[0]!.line, 4);
  });

  it('effects of a call do not depend on which calls were queried first', () => {
    const text = `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
async function publishPlaced() { await producer.send({ topic: 'orders.placed.v1', messages: [] }); }
async function a() { await publishPlaced(); }
async function b() { await a(); }
async function c() { await b(); }
export async function d() { await c(); }
`;
    const model = build(text);
    effectsAt(model, 'c');
    assert.equal(effectsAt(model, 'publishPlaced').length, 1);
    assert.equal(effectsAt(model, 'a').length, 1);
  });
});

describe('cross-file effects and values', () => {
  const libText = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';
export const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
const version = 'v1';
export { producer, version };
export const answer = 42;
export async function publishPlaced(id: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: id }] });
}
export const saveOrder = async (id: string) => { await prisma.order.create({ data: { id } }); };
export class OrderEvents {
  async placed() { await publishPlaced('x'); }
  async quiet() { return 1; }
}
export default async function audit() { await prisma.auditEntry.create({ data: {} }); }
async function internal() { await producer.send({ topic: 'internal', messages: [] }); }
`;

  it('exportedEffects lists exported functions, arrow consts, class methods and the default export', () => {
    const lib = build(libText, 'src/lib/events.ts');
    const exported = lib.exportedEffects();
    assert.deepEqual([...exported.keys()].sort(), ['OrderEvents.placed', 'default', 'publishPlaced', 'saveOrder']);
    assert.deepEqual(exported.get('publishPlaced'), [
      { kind: 'publish', library: 'kafka', description: 'producer.send', channel: 'orders.placed.v1', target: null, path: 'src/lib/events.ts', line: 9 },
    ] satisfies ExternalEffect[]);
    assert.equal(exported.get('saveOrder')![0]!.target, 'order');
    // A method that only reaches the sink through a helper points at the sink, not at its own call.
    assert.equal(exported.get('OrderEvents.placed')![0]!.line, 9);
    assert.equal(exported.get('default')![0]!.target, 'auditEntry');
    assert.equal(exported.has('internal'), false);
    assert.equal(exported.has('OrderEvents.quiet'), false);
  });

  it('exportedValueRole resolves inline exports and `export { x }` lists, and nothing else', () => {
    const lib = build(libText, 'src/lib/events.ts');
    assert.equal(lib.exportedValueRole('prisma')?.role, 'prisma');
    assert.equal(lib.exportedValueRole('producer')?.role, 'kafka.producer');
    assert.equal(lib.exportedValueRole('version'), null);
    assert.equal(lib.exportedValueRole('answer'), null);
    assert.equal(lib.exportedValueRole('internal'), null);
    assert.equal(lib.exportedValueRole('missing'), null);
  });

  it('a caller in another file sees imported helpers and values through the options hooks', () => {
    const lib = build(libText, 'src/lib/events.ts');
    const exported = lib.exportedEffects();
    const lookups: string[] = [];
    const user = build(`import { publishPlaced, prisma, OrderEvents } from './lib/events';
import audit from './lib/events';
import { format } from 'date-fns';
export async function handle() {
  await prisma.order.update({ where: {}, data: {} });
  await publishPlaced('1');
  const events = new OrderEvents();
  await events.placed();
  await audit();
  format(new Date(), 'yyyy');
}
`, 'src/handler.ts', {
      importedValue: (_module, _from, path) => lib.exportedValueRole(path[0]!),
      importedEffects: (module, from, path) => {
        lookups.push(`${module}|${from}|${path.join('.')}`);
        return exported.get(path.join('.')) ?? [];
      },
    });
    assert.equal(only(effectsAt(user, 'prisma.order.update')).via, 'binding');
    const helper = only(effectsAt(user, 'publishPlaced'));
    assert.deepEqual(shape(helper), { kind: 'publish', library: 'kafka', via: 'summary', channel: 'orders.placed.v1', target: null });
    assert.deepEqual(helper.related.map((r) => r.line), [9]);
    assert.match(helper.related[0]!.note, /src\/lib\/events\.ts:9/);
    assert.equal(only(effectsAt(user, 'events.placed')).channel, 'orders.placed.v1');
    assert.equal(only(effectsAt(user, 'audit')).target, 'auditEntry');
    assert.deepEqual(effectsAt(user, 'format'), []);
    assert.ok(lookups.includes('./lib/events|src/handler.ts|OrderEvents.placed'));
    assert.ok(lookups.includes('./lib/events|src/handler.ts|default'));
    assert.ok(!lookups.some((l) => l.startsWith('date-fns')), 'package imports are never summarised');
  });

  it('exportedEffects lists the methods of exported instances and objects under the export name', () => {
    const bus = build(`import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
class EventBus {
  async publish(topic: string) { await producer.send({ topic, messages: [] }); }
  async quiet() { return 1; }
}
export const eventBus = new EventBus();
const typed: EventBus = makeBus();
export { typed };
export const publisher = {
  async emit() { await producer.send({ topic: 'a.b.v1', messages: [] }); },
  name: 'publisher',
};
export const notAnInstance = makeBus();
export default new EventBus();
`, 'src/lib/bus.ts');
    const exported = bus.exportedEffects();
    assert.deepEqual([...exported.keys()].sort(), ['default.publish', 'eventBus.publish', 'publisher.emit', 'typed.publish']);
    assert.equal(exported.get('eventBus.publish')![0]!.line, 4);
    assert.equal(exported.get('publisher.emit')![0]!.channel, 'a.b.v1');
  });

  it('an export whose value leads back to itself has no class and no effects (no stack overflow)', () => {
    const cyclic = build(`export const A: any = B;\nconst B: any = A;\nexport const C = D;\nconst D = C;\n`, 'src/lib/a.ts');
    assert.deepEqual([...cyclic.exportedEffects().keys()], []);
  });

  it('an instance of an imported class is exported with that class\'s method effects', () => {
    const asked: string[] = [];
    const forwarding = build(`import { EventBus } from './event-bus';
import Store from './store';
export default new EventBus();
export const store = new Store();
`, 'src/lib/bus-default.ts', {
      importedMembers: (module, _from, path) => {
        asked.push(`${module}|${path.join('.')}`);
        return module === './event-bus'
          ? new Map([['publish', [{ kind: 'publish', library: 'kafka', description: 'this.producer.send', channel: null, target: null, path: 'src/lib/event-bus.ts', line: 6 }]]])
          : new Map();
      },
    });
    const exported = forwarding.exportedEffects();
    assert.deepEqual([...exported.keys()], ['default.publish']);
    assert.equal(exported.get('default.publish')![0]!.path, 'src/lib/event-bus.ts');
    assert.deepEqual(asked, ['./event-bus|EventBus', './store|default']);
  });

  it('a call on an imported instance asks for the export\'s method, unless a local name shadows it', () => {
    const lookups: string[] = [];
    const user = build(`import { eventBus } from './lib/bus';
import bus from './lib/bus-default';
import * as ns from './lib/ns';
const cjs = require('./lib/cjs');
export async function handle(other: { publish(): Promise<void> }) {
  await eventBus.publish('a');
  await bus.publish('b');
  await ns.publishPlaced('c');
  await cjs.publish('d');
  const eventBus2 = eventBus;
  await eventBus2.publish('e');
}
export async function shadowed(eventBus: { publish(t: string): Promise<void> }) {
  await eventBus.publish('f');
}
`, 'src/handler.ts', {
      importedEffects: (module, _from, path) => {
        lookups.push(`${module}|${path.join('.')}`);
        return [{ kind: 'publish', library: 'kafka', description: 'producer.send', channel: null, target: null, path: 'src/lib/x.ts', line: 1 }];
      },
    });
    assert.equal(only(effectsAt(user, 'eventBus.publish')).via, 'summary');
    assert.match(only(effectsAt(user, 'eventBus.publish')).related[0]!.note, /src\/lib\/x\.ts:1/);
    assert.equal(only(effectsAt(user, 'bus.publish')).via, 'summary');
    assert.equal(only(effectsAt(user, 'ns.publishPlaced')).via, 'summary');
    assert.equal(only(effectsAt(user, 'cjs.publish')).via, 'summary');
    assert.deepEqual(effectsAt(user, 'eventBus.publish', 1), []);
    assert.deepEqual(lookups, ['./lib/bus|eventBus.publish', './lib/bus-default|default.publish', './lib/ns|publishPlaced', './lib/cjs|publish']);
  });

  it('a required module that is itself an instance (`module.exports = new Bus()`) answers under default', () => {
    const lookups: string[] = [];
    const user = build(`const bus = require('./bus');
export async function handle() { await bus.publish('a'); }
`, 'src/handler.js', {
      importedEffects: (module, _from, path) => {
        lookups.push(`${module}|${path.join('.')}`);
        return path[0] === 'default'
          ? [{ kind: 'publish', library: 'kafka', description: 'producer.send', channel: null, target: null, path: 'src/bus.js', line: 3 }]
          : [];
      },
    });
    assert.equal(only(effectsAt(user, 'bus.publish')).via, 'summary');
    assert.deepEqual(lookups, ['./bus|publish', './bus|default.publish']);
  });

  it('imported outbox writes are not reported as plain DB writes', () => {
    const user = build(`import { recordOutbox } from './outbox';
export async function f() { await recordOutbox({}); }
`, 'src/handler.ts', {
      importedEffects: () => [{ kind: 'dbWrite', library: 'prisma', description: 'tx.outboxEvent.create', channel: null, target: 'outboxEvent', path: 'src/outbox.ts', line: 3 }],
    });
    assert.deepEqual(effectsAt(user, 'recordOutbox'), []);
  });
});
