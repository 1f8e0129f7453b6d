import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calleeOf } from '../../src/code/ast.js';
import type { CodeModel, RoleRef } from '../../src/code/model.js';
import { build, call, identifier, receiver } from './model-helpers.js';

/** The role of the receiver of the nth call with this callee text. */
function receiverRole(model: CodeModel, callee: string, nth = 0): RoleRef | null {
  return model.roleOf(receiver(call(model, callee, nth)));
}

function assertRole(actual: RoleRef | null, role: string, via: 'binding' | 'name' = 'binding', target?: string | null): void {
  assert.ok(actual, `expected role ${role}, got none`);
  assert.equal(actual.role, role);
  assert.equal(actual.via, via);
  if (target !== undefined) assert.equal(actual.target ?? null, target);
}

describe('import map (rules.md §2.1 item 2)', () => {
  it('records default, named, renamed, namespace, require and dynamic import bindings', () => {
    const model = build(`import amqp from 'amqplib';
import { Kafka, logLevel as level } from 'kafkajs';
import { default as Redis } from 'ioredis';
import * as pg from 'pg';
const mongoose = require('mongoose');
const { Queue, Worker: BullWorker } = require('bullmq');
export async function lazy() {
  const { PubSub } = await import('@google-cloud/pubsub');
  const nats = await import('nats');
  return { PubSub, nats };
}
`);
    assert.deepEqual(model.imports.get('amqp'), { module: 'amqplib', path: [] });
    assert.deepEqual(model.imports.get('Kafka'), { module: 'kafkajs', path: ['Kafka'] });
    assert.deepEqual(model.imports.get('level'), { module: 'kafkajs', path: ['logLevel'] });
    assert.deepEqual(model.imports.get('Redis'), { module: 'ioredis', path: [] });
    assert.deepEqual(model.imports.get('pg'), { module: 'pg', path: [] });
    assert.deepEqual(model.imports.get('mongoose'), { module: 'mongoose', path: [] });
    assert.deepEqual(model.imports.get('Queue'), { module: 'bullmq', path: ['Queue'] });
    assert.deepEqual(model.imports.get('BullWorker'), { module: 'bullmq', path: ['Worker'] });
    assert.deepEqual(model.imports.get('PubSub'), { module: '@google-cloud/pubsub', path: ['PubSub'] });
    assert.deepEqual(model.imports.get('nats'), { module: 'nats', path: [] });
    assert.equal(model.imports.has('lazy'), false);
  });

  it('resolves a namespace member to the same key as a named import', () => {
    const model = build(`import pg from 'pg';
import { Pool } from 'pg';
const a = new pg.Pool();
const b = new Pool();
export async function f() { await a.query('SELECT 1'); await b.query('SELECT 1'); }
`);
    assertRole(receiverRole(model, 'a.query'), 'pg.pool');
    assertRole(receiverRole(model, 'b.query'), 'pg.pool');
  });
});

describe('broker roles (rules.md §2.1, §2.3)', () => {
  it('kafkajs: new Kafka().producer() is a producer, the client a kafka.client', () => {
    const model = build(`import { Kafka } from 'kafkajs';
const kafka = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] });
const producer = kafka.producer({ idempotent: true });
const inline = new Kafka({ clientId: 'x', brokers: [] }).producer();
const consumer = kafka.consumer({ groupId: 'billing' });
export async function start() {
  await producer.connect();
  await inline.connect();
  await consumer.connect();
  const txn = await producer.transaction();
  await txn.commit();
  await kafka.admin().connect();
}
`);
    assertRole(receiverRole(model, 'producer.connect'), 'kafka.producer');
    assertRole(receiverRole(model, 'inline.connect'), 'kafka.producer');
    assertRole(receiverRole(model, 'consumer.connect'), 'kafka.consumer');
    assertRole(receiverRole(model, 'txn.commit'), 'kafka.transaction');
    assertRole(receiverRole(model, 'kafka.admin'), 'kafka.client');
    // admin() is not a known factory: its result must stay unknown rather than inherit the client role.
    assert.equal(receiverRole(model, 'kafka.admin().connect'), null);
  });

  it('kafkajs: a NestJS constructor parameter typed Producer', () => {
    const model = build(`import { Injectable } from '@nestjs/common';
import { Producer } from 'kafkajs';

@Injectable()
export class OrderEventsPublisher {
  constructor(private readonly events: Producer) {}

  async placed(orderId: string) {
    await this.events.send({ topic: 'orders.placed.v1', messages: [{ key: orderId, value: orderId }] });
  }
}
`);
    assertRole(receiverRole(model, 'this.events.send'), 'kafka.producer');
  });

  it('kafkajs: a `this.producer` field assigned in the constructor', () => {
    const model = build(`import { Kafka } from 'kafkajs';

export class Publisher {
  private readonly client;
  private readonly bus;
  constructor(private readonly kafka: Kafka) {
    this.client = this.kafka.producer();
    this.bus = new Kafka({ clientId: 'bus', brokers: [] }).producer();
  }
  async publish() {
    await this.client.send({ topic: 'a', messages: [] });
    await this.bus.send({ topic: 'b', messages: [] });
  }
}
`);
    assertRole(receiverRole(model, 'this.kafka.producer'), 'kafka.client');
    assertRole(receiverRole(model, 'this.client.send'), 'kafka.producer');
    assertRole(receiverRole(model, 'this.bus.send'), 'kafka.producer');
  });

  it('kafkajs: a field assigned in another class does not leak into this one', () => {
    const model = build(`import { Kafka } from 'kafkajs';
class A { private out: any; constructor() { this.out = new Kafka({ clientId: 'a', brokers: [] }).producer(); } }
export class B { private out: any; async go() { await this.out.send({ topic: 'b', messages: [] }); } }
`);
    assert.equal(receiverRole(model, 'this.out.send'), null);
  });

  it('amqplib: default import, connect then createChannel, both awaited', () => {
    const model = build(`import amqp from 'amqplib';
export async function main() {
  const connection = await amqp.connect('amqp://rabbit');
  const channel = await connection.createChannel();
  await channel.assertQueue('billing');
}
`);
    assertRole(receiverRole(model, 'connection.createChannel'), 'amqp.connection');
    assertRole(receiverRole(model, 'channel.assertQueue'), 'amqp.channel');
  });

  it('amqplib: `import * as amqp` with a nested awaited confirm channel', () => {
    const model = build(`import * as amqp from 'amqplib';
export async function main() {
  const confirm = await (await amqp.connect('amqp://rabbit')).createConfirmChannel();
  confirm.publish('orders', 'orders.placed', Buffer.from('{}'));
}
`);
    assertRole(receiverRole(model, 'confirm.publish'), 'amqp.channel');
  });

  it('amqplib: CommonJS require of the module and of `connect`', () => {
    const model = build(`const amqp = require('amqplib');
const { connect } = require('amqplib');
async function main() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch1 = await conn.createChannel();
  ch1.sendToQueue('q1', Buffer.from('x'));
  const conn2 = await connect('amqp://rabbit');
  const ch2 = await conn2.createChannel();
  ch2.sendToQueue('q2', Buffer.from('x'));
}
module.exports = { main };
`, 'src/worker.js');
    assertRole(receiverRole(model, 'ch1.sendToQueue'), 'amqp.channel');
    assertRole(receiverRole(model, 'ch2.sendToQueue'), 'amqp.channel');
  });

  it('AWS SDK v3: SQSClient and SNSClient constructors', () => {
    const model = build(`import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
const sqs = new SQSClient({ region: 'eu-west-1' });
const sns = new SNSClient({});
export async function f(cmd: any) { await sqs.send(cmd); await sns.send(cmd); }
`);
    assertRole(receiverRole(model, 'sqs.send'), 'sqs.client');
    assertRole(receiverRole(model, 'sns.send'), 'sns.client');
  });

  it('aws-sdk v2: new AWS.SQS() from the default import', () => {
    const model = build(`import AWS from 'aws-sdk';
const queue = new AWS.SQS({ region: 'eu-west-1' });
const topic = new AWS.SNS();
export async function f() { await queue.sendMessage({ QueueUrl: 'q', MessageBody: '' }).promise(); await topic.publish({ TopicArn: 't', Message: '' }).promise(); }
`);
    assertRole(receiverRole(model, 'queue.sendMessage'), 'sqs.v2');
    assertRole(receiverRole(model, 'topic.publish'), 'sns.v2');
  });

  it('pubsub: pubsub.topic(name) is a topic bound to its name', () => {
    const model = build(`import { PubSub } from '@google-cloud/pubsub';
const pubsub = new PubSub();
export async function f() {
  await pubsub.topic('orders-placed').publishMessage({ json: {} });
  const refunds = pubsub.topic('refunds');
  await refunds.publishMessage({ data: Buffer.from('x') });
}
`);
    const inline = receiverRole(model, "pubsub.topic('orders-placed').publishMessage");
    assertRole(inline, 'pubsub.topic');
    assert.ok(inline?.channelNode);
    assertRole(receiverRole(model, 'refunds.publishMessage'), 'pubsub.topic');
  });

  it('nats: connect() is a connection, jetstream() a JetStream client', () => {
    const model = build(`import { connect } from 'nats';
export async function f() {
  const nc = await connect({ servers: 'nats://nats:4222' });
  const js = nc.jetstream();
  nc.publish('orders.placed', new Uint8Array());
  await js.publish('orders.shipped', new Uint8Array());
}
`);
    assertRole(receiverRole(model, 'nc.publish'), 'nats.conn');
    assertRole(receiverRole(model, 'js.publish'), 'nats.js');
  });

  it('bullmq: new Queue(name) is a queue bound to its name', () => {
    const model = build(`import { Queue } from 'bullmq';
const emails = new Queue('emails', { connection: { host: 'redis' } });
export async function f() { await emails.add('welcome', { to: 'a@b.c' }); }
`);
    const role = receiverRole(model, 'emails.add');
    assertRole(role, 'bullmq.queue');
    assert.equal(role?.channelNode?.type, 'Literal');
  });

  it('ioredis: default-import constructor and redis createClient', () => {
    const model = build(`import Redis from 'ioredis';
import { createClient } from 'redis';
const streams = new Redis(process.env.REDIS_URL!);
const client = createClient();
export async function f() { await streams.xadd('orders', '*', 'id', '1'); await client.xAdd('orders', '*', {}); }
`);
    assertRole(receiverRole(model, 'streams.xadd'), 'redis');
    assertRole(receiverRole(model, 'client.xAdd'), 'redis');
  });
});

describe('database roles (rules.md §2.1, §2.6)', () => {
  it('prisma: the client, model delegates with their target, and the $transaction tx parameter', () => {
    const model = build(`import { PrismaClient, Prisma } from '@prisma/client';
const prisma = new PrismaClient();
export async function place() {
  await prisma.order.create({ data: {} });
  await prisma.$transaction(async (tx) => {
    await tx.outboxEvent.create({ data: {} });
  });
}
export async function typed(db: Prisma.TransactionClient) { await db.payment.update({ where: {}, data: {} }); }
`);
    assertRole(receiverRole(model, 'prisma.$transaction'), 'prisma');
    assertRole(receiverRole(model, 'prisma.order.create'), 'prisma.delegate', 'binding', 'order');
    assertRole(receiverRole(model, 'tx.outboxEvent.create'), 'prisma.delegate', 'binding', 'outboxEvent');
    assertRole(model.roleOf(identifier(model, 'tx', 1)), 'prisma.tx');
    assertRole(receiverRole(model, 'db.payment.update'), 'prisma.delegate', 'binding', 'payment');
  });

  it('prisma: `$`-methods of the client are not model delegates', () => {
    const model = build(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function f() { await prisma.$connect(); await prisma.$queryRaw\`SELECT 1\`; }
`);
    assert.equal(model.roleOf(calleeOf(call(model, 'prisma.$connect'))), null);
    assert.deepEqual(model.effectsOf(call(model, 'prisma.$queryRaw')), []);
  });

  it('prisma: a NestJS PrismaService extending PrismaClient, injected by type', () => {
    const model = build(`import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit {
  async onModuleInit() { await this.$connect(); }
}

@Injectable()
export class OrdersService {
  constructor(private readonly db: PrismaService) {}
  async place() { return this.db.order.create({ data: {} }); }
}
`);
    assertRole(receiverRole(model, 'this.db.order.create'), 'prisma.delegate', 'binding', 'order');
  });

  it('typeorm: getRepository(Entity), Repository<T> annotation, manager.transaction callback', () => {
    const model = build(`import { DataSource, EntityManager, Repository, getRepository } from 'typeorm';
import { Order } from './order.entity';
export const dataSource = new DataSource({ type: 'postgres' });
export class OrdersService {
  constructor(private readonly orders: Repository<Order>, private readonly manager: EntityManager) {}
  async place(o: Order) {
    await this.orders.save(o);
    await getRepository(Order).insert(o);
    await this.manager.transaction(async (em) => { await em.save(o); });
    await dataSource.manager.save(o);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
  }
}
`);
    assertRole(receiverRole(model, 'this.orders.save'), 'typeorm.repo', 'binding', 'Order');
    assertRole(receiverRole(model, 'getRepository(Order).insert'), 'typeorm.repo', 'binding', 'Order');
    assertRole(receiverRole(model, 'em.save'), 'typeorm.manager');
    assertRole(receiverRole(model, 'dataSource.manager.save'), 'typeorm.manager');
    assertRole(receiverRole(model, 'runner.connect'), 'typeorm.qr');
  });

  it('mongoose: model(), mongoose.model(), new Model() documents and Model<T> annotations', () => {
    const model = build(`import mongoose, { Model, Schema, model } from 'mongoose';
const OrderModel = model('Order', new Schema({}));
const Payment = mongoose.model('Payment', new Schema({}));
export async function f(Invoice: Model<InvoiceDocument>) {
  await OrderModel.create({});
  await Payment.updateOne({}, {});
  const doc = new OrderModel({ total: 1 });
  await doc.save();
  await Invoice.insertMany([]);
}
`);
    assertRole(receiverRole(model, 'OrderModel.create'), 'mongoose.model', 'binding', 'Order');
    assertRole(receiverRole(model, 'Payment.updateOne'), 'mongoose.model', 'binding', 'Payment');
    assertRole(receiverRole(model, 'doc.save'), 'mongoose.doc', 'binding', 'Order');
    // `InvoiceDocument` names the collection; the Document suffix is the mongoose convention, not the model.
    assertRole(receiverRole(model, 'Invoice.insertMany'), 'mongoose.model', 'binding', 'Invoice');
  });

  it('pg: Pool, pool.connect() client, and typed PoolClient parameters', () => {
    const model = build(`import { Pool, PoolClient } from 'pg';
const pool = new Pool();
export async function f(external: PoolClient) {
  const client = await pool.connect();
  await client.query('SELECT 1');
  await external.query('SELECT 1');
}
`);
    assertRole(receiverRole(model, 'pool.connect'), 'pg.pool');
    assertRole(receiverRole(model, 'client.query'), 'pg.client');
    assertRole(receiverRole(model, 'external.query'), 'pg.client');
  });

  it('mysql2/promise: createPool and getConnection', () => {
    const model = build(`import mysql from 'mysql2/promise';
const pool = mysql.createPool({ uri: process.env.DATABASE_URL });
export async function f() {
  const conn = await pool.getConnection();
  await conn.query('SELECT 1');
}
`);
    assertRole(receiverRole(model, 'pool.getConnection'), 'mysql');
    assertRole(receiverRole(model, 'conn.query'), 'mysql');
  });

  it('knex: the instance, table builders with their table, and the transaction trx', () => {
    const model = build(`import knex from 'knex';
const db = knex({ client: 'pg' });
export async function f() {
  await db('orders').where({ id: 1 }).update({ status: 'paid' });
  await db.transaction(async (trx) => { await trx('payments').insert({ id: 1 }); });
}
`);
    assertRole(receiverRole(model, "db('orders').where"), 'knex', 'binding', 'orders');
    assertRole(receiverRole(model, "db('orders').where({id:1}).update"), 'knex', 'binding', 'orders');
    assertRole(receiverRole(model, "trx('payments').insert"), 'knex', 'binding', 'payments');
  });

  it('sequelize: `class X extends Model` and sequelize.define', () => {
    const model = build(`import { Sequelize, Model } from 'sequelize';
const sequelize = new Sequelize('postgres://db/orders');
class Order extends Model {}
const Payment = sequelize.define('Payment', {});
export async function f() { await Order.create({}); await Payment.create({}); }
`);
    assertRole(receiverRole(model, 'Order.create'), 'sequelize.model', 'binding', 'Order');
    assertRole(receiverRole(model, 'Payment.create'), 'sequelize.model');
  });

  it('drizzle: drizzle() from node-postgres and the transaction tx', () => {
    const model = build(`import { drizzle } from 'drizzle-orm/node-postgres';
const db = drizzle(process.env.DATABASE_URL!);
export async function f() { await db.transaction(async (tx) => { await tx.select(); }); }
`);
    assertRole(receiverRole(model, 'db.transaction'), 'drizzle.db');
    assertRole(receiverRole(model, 'tx.select'), 'drizzle.db');
  });
});

describe('name fallback and shadowing (rules.md §2.1 item 4)', () => {
  it('falls back on role-like receiver names with via name', () => {
    const model = build(`export async function f(deps: { orderProducer: any }, ch: any, orderRepository: any, redisClient: any, prisma: any, queryRunner: any) {
  await deps.orderProducer.send({ topic: 'x', messages: [] });
  ch.publish('ex', 'rk', Buffer.from(''));
  await orderRepository.save({});
  await redisClient.xadd('s', '*');
  await prisma.order.create({ data: {} });
  await queryRunner.startTransaction();
}
`);
    assertRole(receiverRole(model, 'deps.orderProducer.send'), 'kafka.producer', 'name');
    assertRole(receiverRole(model, 'ch.publish'), 'amqp.channel', 'name');
    assertRole(receiverRole(model, 'orderRepository.save'), 'typeorm.repo', 'name');
    assertRole(receiverRole(model, 'redisClient.xadd'), 'redis', 'name');
    assertRole(receiverRole(model, 'prisma.order.create'), 'prisma.delegate', 'name', 'order');
    assertRole(receiverRole(model, 'queryRunner.startTransaction'), 'typeorm.qr', 'name');
  });

  it('gives no role to unrelated names', () => {
    const model = build(`export async function f(mailer: any, channelId: string, represent: any) {
  await mailer.send({ to: 'a' });
  await represent.save();
}
`);
    assert.equal(receiverRole(model, 'mailer.send'), null);
    assert.equal(receiverRole(model, 'represent.save'), null);
  });

  it('a parameter named producer with an unrelated type does not take the module-level kafkajs producer binding', () => {
    const model = build(`import { Kafka } from 'kafkajs';
import type { AuditLogger } from './audit';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function audit(producer: AuditLogger) {
  await producer.send({ topic: 'audit', messages: [] });
}
export async function real() {
  await producer.send({ topic: 'orders', messages: [] });
}
`);
    const shadowed = receiverRole(model, 'producer.send', 0);
    // At most the Medium name heuristic may apply; the exact binding belongs to the outer variable only.
    assert.notEqual(shadowed?.via, 'binding');
    assertRole(receiverRole(model, 'producer.send', 1), 'kafka.producer', 'binding');
  });

  it('a local variable shadows a module-level producer', () => {
    const model = build(`import { Kafka } from 'kafkajs';
import { Mailer } from './mailer';
const sender = new Kafka({ clientId: 'x', brokers: [] }).producer();
export async function notify() {
  const sender = new Mailer();
  await sender.send({ to: 'a' });
}
`);
    assert.equal(receiverRole(model, 'sender.send'), null);
  });

  it('an exact binding wins over the name fallback', () => {
    const model = build(`import { Pool } from 'pg';
const orderRepository = new Pool();
export async function f() { await orderRepository.query('SELECT 1'); }
`);
    assertRole(receiverRole(model, 'orderRepository.query'), 'pg.pool', 'binding');
  });
});

describe('cross-file values', () => {
  it('asks importedValue for relative imports and falls back by name when it has no answer', () => {
    const asked: string[][] = [];
    const model = build(`import { prisma } from '../db';
import { eventsProducer } from './kafka';
import { mailer } from './mail';
export async function f() {
  await prisma.order.create({ data: {} });
  await eventsProducer.send({ topic: 't', messages: [] });
  await mailer.send({});
}
`, 'src/orders/service.ts', {
      importedValue: (module, from, path) => {
        asked.push([module, from, ...path]);
        return module === '../db' ? { kind: 'role', role: 'prisma', via: 'binding' } : null;
      },
    });
    assertRole(receiverRole(model, 'prisma.order.create'), 'prisma.delegate', 'binding', 'order');
    assertRole(receiverRole(model, 'eventsProducer.send'), 'kafka.producer', 'name');
    assert.equal(receiverRole(model, 'mailer.send'), null);
    assert.deepEqual(asked.find((a) => a[0] === '../db'), ['../db', 'src/orders/service.ts', 'prisma']);
  });
});
