import rule from '../../rules/code/dual-write.js';
import { defaultConfig } from '../../src/config/schema.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

/** A project event bus whose `publish` sends to Kafka, exported as a singleton instance. */
const SIMPLE_EVENT_BUS = `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'bus', brokers: [] }).producer();
class EventBus {
  async publish(topic: string) { await producer.send({ topic, messages: [] }); }
}
export const eventBus = new EventBus();
`;

/** The same as a class holding its producer, also exported for others to instantiate. */
const EVENT_BUS = `import { Kafka, Producer } from 'kafkajs';
export class EventBus {
  private producer: Producer;
  constructor() { this.producer = new Kafka({ clientId: 'bus', brokers: [] }).producer(); }
  async publish(topic: string, payload: unknown) {
    await this.producer.send({ topic, messages: [{ value: JSON.stringify(payload) }] });
  }
}
export const eventBus = new EventBus();
`;

const prismaKafkaHeader = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'outbox row written in the same prisma transaction',
      code: `import { randomUUID } from 'node:crypto';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function placeOrder(input: { id: string; totalCents: number }) {
  return prisma.$transaction(async (tx) => {
    const order = await tx.order.create({ data: input });
    await tx.outboxEvent.create({
      data: { id: randomUUID(), aggregateId: order.id, type: 'orders.placed.v1', payload: order },
    });
    return order;
  });
}
`,
    },
    {
      name: 'outbox relay: reads outbox rows, publishes, marks them published',
      code: `import { Pool } from 'pg';
import { Kafka } from 'kafkajs';

const pool = new Pool();
const producer = new Kafka({ clientId: 'relay', brokers: ['kafka:9092'] }).producer();

export async function relayOnce() {
  const { rows } = await pool.query('SELECT id, topic, payload FROM outbox WHERE published_at IS NULL LIMIT 100');
  for (const row of rows) {
    await producer.send({ topic: row.topic, messages: [{ key: row.id, value: row.payload }] });
    await pool.query('UPDATE outbox SET published_at = now() WHERE id = $1', [row.id]);
  }
}
`,
    },
    {
      name: 'outbox relays written with Prisma tagged $executeRaw and with a table-name constant in a pg template',
      code: `import { PrismaClient } from '@prisma/client';
import { Pool } from 'pg';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const pool = new Pool();
const producer = new Kafka({ clientId: 'relay', brokers: ['kafka:9092'] }).producer();
const OUTBOX = 'outbox_events';

export async function relayPrisma() {
  const rows = await prisma.$queryRaw<{ id: string; topic: string; payload: string }[]>\`SELECT * FROM outbox_events WHERE published_at IS NULL LIMIT 100\`;
  for (const r of rows) {
    await producer.send({ topic: r.topic, messages: [{ key: r.id, value: r.payload }] });
    await prisma.$executeRaw\`UPDATE outbox_events SET published_at = now() WHERE id = \${r.id}\`;
  }
}

export async function relayPg() {
  const { rows } = await pool.query(\`SELECT * FROM \${OUTBOX} WHERE published_at IS NULL LIMIT 100\`);
  for (const r of rows) {
    await producer.send({ topic: r.topic, messages: [{ key: r.id, value: r.payload }] });
    await pool.query(\`UPDATE \${OUTBOX} SET published_at = now() WHERE id = $1\`, [r.id]);
  }
}
`,
    },
    {
      name: 'an eager dispatch after a transaction that also wrote the outbox row (the relay re-sends what it misses)',
      code: `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';
import Redis from 'ioredis';

const prisma = new PrismaClient();
const redis = new Redis();
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();

export async function placeOrder(input: { id: string }) {
  const { order, event } = await prisma.$transaction(async (tx) => {
    const order = await tx.order.create({ data: input });
    const event = await tx.outboxEvent.create({ data: { aggregateId: order.id, type: 'orders.placed.v1', payload: order } });
    return { order, event };
  });
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.id, value: JSON.stringify(order) }] });
  await prisma.outboxEvent.update({ where: { id: event.id }, data: { publishedAt: new Date() } });
  await redis.publish('outbox:wake', '1');
  return order;
}
`,
    },
    {
      name: 'kafkajs transactional consume-transform-produce with no DB write',
      code: `import { Kafka } from 'kafkajs';

const kafka = new Kafka({ clientId: 'enricher', brokers: ['kafka:9092'] });
const producer = kafka.producer({ transactionalId: 'enricher-1', idempotent: true, maxInFlightRequests: 1 });

export async function forward(value: string) {
  const transaction = await producer.transaction();
  await transaction.send({ topic: 'orders.enriched.v1', messages: [{ value }] });
  await transaction.commit();
}
`,
    },
    {
      name: 'write and publish on mutually exclusive branches',
      code: `${prismaKafkaHeader}
export async function handle(cmd: { kind: string; id: string }) {
  if (cmd.kind === 'store') {
    await prisma.order.create({ data: { id: cmd.id } });
  } else {
    await producer.send({ topic: 'orders.forwarded.v1', messages: [{ value: cmd.id }] });
  }
}
`,
    },
    {
      name: 'dead-letter publish in the catch of the write',
      code: `${prismaKafkaHeader}
export async function store(id: string) {
  try {
    await prisma.order.create({ data: { id } });
  } catch (err) {
    await producer.send({ topic: 'orders.placed.v1.dlq', messages: [{ value: id }] });
  }
}
`,
    },
    {
      name: 'write and publish in different functions',
      code: `${prismaKafkaHeader}
export async function save(id: string) {
  await prisma.order.create({ data: { id } });
}

export async function announce(id: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: id }] });
}
`,
    },
    {
      name: 'read-only queries do not count as writes',
      code: `import { Pool } from 'pg';
import { Kafka } from 'kafkajs';
const pool = new Pool();
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function report() {
  const { rows } = await pool.query('SELECT count(*) FROM orders');
  await producer.send({ topic: 'orders.counted.v1', messages: [{ value: String(rows[0].count) }] });
}
`,
    },
    {
      name: 'an unrelated object with a send method is not a publish',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function notify(mailer: { send(x: unknown): Promise<void> }, id: string) {
  await prisma.order.update({ where: { id }, data: { notified: true } });
  await mailer.send({ to: 'a@example.com' });
}
`,
    },
    {
      name: 'a periodic publish (setInterval) is not on the path of the write before it',
      code: `${prismaKafkaHeader}
export async function start(id: string) {
  await prisma.worker.update({ where: { id }, data: { startedAt: new Date() } });
  setInterval(() => {
    void producer.send({ topic: 'workers.heartbeat.v1', messages: [{ value: id }] });
  }, 10_000);
}
`,
    },
    {
      name: 'a deferred relay pass that only marks outbox rows',
      code: `${prismaKafkaHeader}
export async function enqueue(id: string) {
  await prisma.outboxEvent.create({ data: { id, type: 'orders.paid.v1' } });
  setImmediate(async () => {
    await producer.send({ topic: 'orders.paid.v1', messages: [{ value: id }] });
    await prisma.outboxEvent.update({ where: { id }, data: { publishedAt: new Date() } });
  });
}
`,
    },
    {
      name: 'a parameter shadowing an imported singleton is not that singleton',
      filename: 'src/orders/cancel.ts',
      context: {
        'src/orders/event-bus.ts': SIMPLE_EVENT_BUS,
      },
      code: `import { PrismaClient } from '@prisma/client';
import { eventBus } from './event-bus';
const prisma = new PrismaClient();
export async function cancel(id: string, eventBus: { publish(topic: string): Promise<void> }) {
  await prisma.order.update({ where: { id }, data: { status: 'CANCELLED' } });
  await eventBus.publish('audit');
}
export { eventBus };
`,
    },
    {
      name: 'an imported singleton shadowed by a destructured parameter, a destructured local, a for-of pattern or a catch parameter',
      filename: 'src/orders/cancel.ts',
      context: {
        'src/orders/event-bus.ts': SIMPLE_EVENT_BUS,
      },
      code: `import { PrismaClient } from '@prisma/client';
import { eventBus } from './event-bus';
const prisma = new PrismaClient();
type Ctx = { eventBus: { publish(topic: string): Promise<void> } };
export async function a(id: string, { eventBus }: Ctx) {
  await prisma.order.update({ where: { id }, data: { status: 'A' } });
  await eventBus.publish('audit');
}
export async function b(id: string, ctx: Ctx) {
  const { eventBus } = ctx;
  await prisma.order.update({ where: { id }, data: { status: 'B' } });
  await eventBus.publish('audit');
}
export async function c(id: string, tenants: Ctx[]) {
  for (const { eventBus } of tenants) {
    await prisma.order.update({ where: { id }, data: { status: 'C' } });
    await eventBus.publish('audit');
  }
}
export async function d(id: string) {
  try {
    await prisma.order.update({ where: { id }, data: { status: 'D' } });
  } catch (eventBus: any) {
    await prisma.order.update({ where: { id }, data: { status: 'E' } });
    await eventBus.publish('audit');
  }
}
export { eventBus };
`,
    },
  ],
  invalid: [
    {
      name: 'publish before commit in unmanaged Knex, Sequelize and Mongoose transactions emits an event for a rolled-back write',
      code: `import knex from 'knex';
import mongoose from 'mongoose';
import { Sequelize, DataTypes } from 'sequelize';
import { Kafka } from 'kafkajs';

const db = knex({ client: 'pg' });
const sequelize = new Sequelize('postgres://db/orders');
const Order = sequelize.define('Order', { id: DataTypes.STRING });
const Shipment = mongoose.model('Shipment', new mongoose.Schema({ id: String }));
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();

export async function viaKnex(input: { id: string }) {
  const trx = await db.transaction();
  try {
    await trx('orders').insert(input);
    await producer.send({ topic: 'orders.placed.v1', messages: [{ key: input.id, value: 'x' }] });
    await trx.commit();
  } catch (e) { await trx.rollback(); throw e; }
}

export async function viaSequelize(input: { id: string }) {
  const t = await sequelize.transaction();
  try {
    await Order.create(input, { transaction: t });
    await producer.send({ topic: 'orders.placed.v1', messages: [{ key: input.id, value: 'x' }] });
    await t.commit();
  } catch (e) { await t.rollback(); throw e; }
}

export async function viaMongoose(input: { id: string }) {
  const session = await mongoose.startSession();
  session.startTransaction();
  try {
    await Shipment.create([input], { session });
    await producer.send({ topic: 'shipments.created.v1', messages: [{ key: input.id, value: 'x' }] });
    await session.commitTransaction();
  } catch (e) { await session.abortTransaction(); throw e; }
}
`,
      errors: [
        { messageId: 'dualWrite', line: 16, column: 11, variant: 'publish-inside-transaction' },
        { messageId: 'dualWrite', line: 25, column: 11, variant: 'publish-inside-transaction' },
        { messageId: 'dualWrite', line: 35, column: 11, variant: 'publish-inside-transaction' },
      ],
    },
    {
      name: 'an outbox row in the transaction does not excuse a publish inside it, before the commit',
      code: `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();

export async function placeOrder(input: { id: string }) {
  return prisma.$transaction(async (tx) => {
    const order = await tx.order.create({ data: input });
    await tx.outboxEvent.create({ data: { aggregateId: order.id, type: 'orders.placed.v1', payload: order } });
    await producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.id, value: JSON.stringify(order) }] });
    return order;
  });
}
`,
      errors: [{ messageId: 'dualWrite', line: 11, column: 11, variant: 'publish-inside-transaction' }],
    },
    {
      name: 'a poller that schedules its own next run: one finding for its write and publish, none for the timer',
      code: `${prismaKafkaHeader}
export async function tick(id: string) {
  const rows = await prisma.event.findMany({ where: { sent: false } });
  for (const r of rows) {
    await producer.send({ topic: 'orders.v1', messages: [{ value: r.id }] });
  }
  await prisma.worker.update({ where: { id }, data: { lastSeen: new Date() } });
  setTimeout(() => void tick(id), 1000);
}
`,
      errors: [{ messageId: 'dualWrite', line: 10, variant: 'publish-inside-transaction' }],
    },
    {
      name: 'prisma create then kafkajs send (spec example)',
      code: `${prismaKafkaHeader}
export async function placeOrder(input: { id: string; totalCents: number }) {
  const order = await prisma.order.create({ data: input });
  await producer.send({
    topic: 'orders.placed.v1',
    messages: [{ key: order.id, value: JSON.stringify(order) }],
  });
  return order;
}
`,
      errors: [{ messageId: 'dualWrite', line: 9, endLine: 12, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'publish inside the prisma transaction callback',
      code: `${prismaKafkaHeader}
export async function placeOrder(id: string) {
  await prisma.$transaction(async (tx) => {
    await tx.order.create({ data: { id } });
    await producer.send({ topic: 'orders.placed.v1', messages: [{ value: id }] });
  });
}
`,
      errors: [{ messageId: 'dualWrite', line: 10, variant: 'publish-inside-transaction', precision: 'High' }],
    },
    {
      name: 'publish before the write',
      code: `${prismaKafkaHeader}
export async function placeOrder(id: string) {
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: id }] });
  await prisma.order.create({ data: { id } });
}
`,
      errors: [{ messageId: 'dualWrite', line: 8, variant: 'publish-inside-transaction' }],
    },
    {
      name: 'prisma create then a NestJS ClientKafka emit (an injected microservice client)',
      filename: 'services/orders/src/orders.service.ts',
      code: `import { Inject, Injectable } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { PrismaClient } from '@prisma/client';
import { lastValueFrom } from 'rxjs';

@Injectable()
export class OrdersService {
  constructor(private readonly prisma: PrismaClient, @Inject('ORDERS_KAFKA') private readonly kafka: ClientKafka) {}

  async place(customerId: string) {
    const order = await this.prisma.order.create({ data: { customerId } });
    await lastValueFrom(this.kafka.emit('orders.placed.v1', { key: order.id, value: order }));
    return order;
  }
}
`,
      errors: [{ messageId: 'dualWrite', line: 12, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'prisma create then an amqp-connection-manager ChannelWrapper publish',
      code: `import amqp from 'amqp-connection-manager';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const connection = amqp.connect(['amqp://rabbit']);
const channelWrapper = connection.createChannel({ json: true });
export async function placeOrder(id: string) {
  await prisma.order.create({ data: { id } });
  await channelWrapper.publish('orders', 'orders.placed.v1', { id });
}
`,
      errors: [{ messageId: 'dualWrite', line: 8, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'typeorm repository save then amqplib publish (NestJS provider with typed injections)',
      filename: 'services/orders/src/orders.service.ts',
      code: `import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Channel } from 'amqplib';
import { Order } from './order.entity';

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly channel: Channel,
  ) {}

  async place(order: Order) {
    const saved = await this.orders.save(order);
    this.channel.publish('orders', 'orders.placed.v1', Buffer.from(JSON.stringify(saved)), { persistent: true });
    return saved;
  }
}
`,
      errors: [{ messageId: 'dualWrite', line: 16, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'pg insert then SQS SendMessageCommand',
      code: `import { Pool } from 'pg';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

const pool = new Pool();
const sqs = new SQSClient({});

export async function createInvoice(id: string) {
  await pool.query('INSERT INTO invoices (id) VALUES ($1)', [id]);
  await sqs.send(new SendMessageCommand({
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/billing-invoice-created',
    MessageBody: JSON.stringify({ id }),
  }));
}
`,
      errors: [{ messageId: 'dualWrite', line: 9, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'pg BEGIN..COMMIT with the publish inside the transaction',
      code: `import { Pool } from 'pg';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const pool = new Pool();
const sns = new SNSClient({});

export async function refund(id: string) {
  const client = await pool.connect();
  await client.query('BEGIN');
  await client.query('UPDATE payments SET status = $1 WHERE id = $2', ['refunded', id]);
  await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:123:payments-refunded', Message: id }));
  await client.query('COMMIT');
  client.release();
}
`,
      errors: [{ messageId: 'dualWrite', line: 11, variant: 'publish-inside-transaction' }],
    },
    {
      name: 'mongoose model create then kafkajs send via require()',
      filename: 'src/users.js',
      code: `const mongoose = require('mongoose');
const { Kafka } = require('kafkajs');

const User = mongoose.model('User', new mongoose.Schema({ email: String }));
const kafka = new Kafka({ clientId: 'users', brokers: ['kafka:9092'] });
const producer = kafka.producer();

async function register(email) {
  const user = await User.create({ email });
  await producer.send({ topic: 'users.registered.v1', messages: [{ key: String(user._id), value: email }] });
  return user;
}

module.exports = { register };
`,
      errors: [{ messageId: 'dualWrite', line: 10, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'amqplib channel from connect/createChannel, write in an awaited retry callback',
      code: `import amqp from 'amqplib';
import pRetry from 'p-retry';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function start() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createChannel();
  await ch.consume('orders', async (msg) => {
    if (!msg) return;
    const order = JSON.parse(msg.content.toString());
    await pRetry(() => prisma.shipment.create({ data: { orderId: order.id } }), { retries: 3 });
    ch.sendToQueue('shipments.created.v1', Buffer.from(order.id));
    ch.ack(msg);
  });
}
`,
      errors: [{ messageId: 'dualWrite', line: 14, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'name fallback only: Medium precision',
      code: `export async function place(deps: { prisma: any; producer: any }, id: string) {
  const { prisma, producer } = deps;
  await prisma.order.create({ data: { id } });
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: id }] });
}
`,
      errors: [{ messageId: 'dualWrite', line: 4, precision: 'Medium' }],
    },
    {
      name: 'write through a local helper (one-hop summary): Medium',
      code: `${prismaKafkaHeader}
async function saveOrder(id: string) {
  return prisma.order.create({ data: { id } });
}

export async function placeOrder(id: string) {
  await saveOrder(id);
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: id }] });
}
`,
      errors: [{ messageId: 'dualWrite', line: 13, precision: 'Medium' }],
    },
    {
      name: 'event-bus class wrapping the producer, repository wrapping prisma (class summaries)',
      code: `import { PrismaClient } from '@prisma/client';
import { Kafka, Producer } from 'kafkajs';

class EventBus {
  constructor(private readonly producer: Producer) {}
  async publish(topic: string, payload: unknown) {
    await this.producer.send({ topic, messages: [{ value: JSON.stringify(payload) }] });
  }
}

class OrderRepository {
  constructor(private readonly db: PrismaClient) {}
  async save(order: { id: string }) {
    return this.db.order.create({ data: order });
  }
}

export class OrderService {
  constructor(private readonly repo: OrderRepository, private readonly bus: EventBus) {}
  async place(order: { id: string }) {
    await this.repo.save(order);
    await this.bus.publish('orders.placed.v1', order);
  }
}
`,
      errors: [{ messageId: 'dualWrite', line: 22, precision: 'Medium' }],
    },
    {
      name: 'configured wrappers are sinks',
      config: { wrappers: { ...defaultConfig.wrappers, publish: ['EventBus.publish'], dbWrite: ['OrderStore.put'] } },
      code: `import type { EventBus } from '@acme/events';
import type { OrderStore } from '@acme/store';

export async function place(store: OrderStore, bus: EventBus, id: string) {
  await store.put({ id });
  await bus.publish('orders.placed.v1', { id });
}
`,
      errors: [{ messageId: 'dualWrite', line: 6, precision: 'Medium' }],
    },
    {
      name: 'helper imported from another repository file (cross-file summary)',
      filename: 'src/orders/place.ts',
      context: {
        'src/orders/repo.ts': `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function insertOrder(id: string) {
  return prisma.order.create({ data: { id } });
}
`,
      },
      code: `import { Kafka } from 'kafkajs';
import { insertOrder } from './repo.js';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function place(id: string) {
  await insertOrder(id);
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: id }] });
}
`,
      errors: [{ messageId: 'dualWrite', line: 6, precision: 'Medium' }],
    },
    {
      name: 'publish deferred with setImmediate after the write (void inside the callback)',
      code: `${prismaKafkaHeader}
export async function pay(id: string) {
  await prisma.order.update({ where: { id }, data: { paid: true } });
  setImmediate(() => {
    void producer.send({ topic: 'orders.paid.v1', messages: [{ key: id, value: id }] });
  });
}
`,
      errors: [{ messageId: 'dualWrite', line: 10, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'publish deferred with process.nextTick and setTimeout(..., 0) after the write',
      code: `${prismaKafkaHeader}
export async function pay(id: string) {
  await prisma.order.update({ where: { id }, data: { paid: true } });
  process.nextTick(() => producer.send({ topic: 'orders.paid.v1', messages: [{ value: id }] }));
}
export async function ship(id: string) {
  await prisma.order.update({ where: { id }, data: { shipped: true } });
  setTimeout(async () => {
    await producer.send({ topic: 'orders.shipped.v1', messages: [{ value: id }] });
  }, 0);
}
`,
      errors: [
        { messageId: 'dualWrite', line: 9, variant: 'commit-then-publish', precision: 'High' },
        { messageId: 'dualWrite', line: 14, variant: 'commit-then-publish', precision: 'High' },
      ],
    },
    {
      name: 'write and publish both inside a deferred callback are reported once',
      code: `${prismaKafkaHeader}
export function schedule(id: string) {
  setImmediate(async () => {
    await prisma.order.update({ where: { id }, data: { paid: true } });
    await producer.send({ topic: 'orders.paid.v1', messages: [{ value: id }] });
  });
}
`,
      errors: [{ messageId: 'dualWrite', line: 10, variant: 'commit-then-publish', precision: 'High' }],
    },
    {
      name: 'exported singleton instance of a project class imported from another file',
      filename: 'src/orders/cancel.ts',
      context: {
        'src/orders/event-bus.ts': EVENT_BUS,
      },
      code: `import { PrismaClient } from '@prisma/client';
import { eventBus } from './event-bus';
const prisma = new PrismaClient();
export async function cancel(id: string) {
  await prisma.order.update({ where: { id }, data: { status: 'CANCELLED' } });
  await eventBus.publish('orders.cancelled.v1', { id });
}
`,
      errors: [{ messageId: 'dualWrite', line: 6, variant: 'commit-then-publish', precision: 'Medium' }],
    },
    {
      name: 'default-exported instance (`export default new EventBus()`) of a class from a third file',
      filename: 'src/orders/cancel.ts',
      context: {
        'src/orders/event-bus.ts': EVENT_BUS,
        'src/orders/bus.ts': `import { EventBus } from './event-bus';
export default new EventBus();
`,
      },
      code: `import { PrismaClient } from '@prisma/client';
import bus from './bus';
const prisma = new PrismaClient();
export async function cancel(id: string) {
  await prisma.order.update({ where: { id }, data: { status: 'CANCELLED' } });
  await bus.publish('orders.cancelled.v1', { id });
}
`,
      errors: [{ messageId: 'dualWrite', line: 6, variant: 'commit-then-publish', precision: 'Medium' }],
    },
    {
      name: 'imported repository singleton whose method writes, then a publish',
      filename: 'src/orders/pay.ts',
      context: {
        'src/orders/order-repo.ts': `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
class OrderRepository {
  async markPaid(id: string) {
    await prisma.order.update({ where: { id }, data: { status: 'PAID' } });
  }
}
export const orderRepository = new OrderRepository();
`,
      },
      code: `import { Kafka } from 'kafkajs';
import { orderRepository } from './order-repo';
const producer = new Kafka({ clientId: 'o', brokers: [] }).producer();
export async function pay(id: string) {
  await orderRepository.markPaid(id);
  await producer.send({ topic: 'orders.paid.v1', messages: [{ key: id, value: id }] });
}
`,
      errors: [{ messageId: 'dualWrite', line: 6, variant: 'commit-then-publish', precision: 'Medium' }],
    },
    {
      name: 'exported object of methods imported from another file',
      filename: 'src/orders/cancel.ts',
      context: {
        'src/orders/publisher.ts': `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export const publisher = {
  async emit(topic: string, payload: unknown) {
    await producer.send({ topic, messages: [{ value: JSON.stringify(payload) }] });
  },
};
`,
      },
      code: `import { PrismaClient } from '@prisma/client';
import { publisher } from './publisher';
const prisma = new PrismaClient();
export async function cancel(id: string) {
  await prisma.order.update({ where: { id }, data: { status: 'CANCELLED' } });
  await publisher.emit('orders.cancelled.v1', { id });
}
`,
      errors: [{ messageId: 'dualWrite', line: 6, variant: 'commit-then-publish', precision: 'Medium' }],
    },
  ],
});
