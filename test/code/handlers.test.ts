import { compilePattern } from '../../src/config/patterns.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  acksInHandler,
  callsInHandler,
  deadLetterRoute,
  findHandlers,
  isJoined,
  jumpBetween,
  messageDataNames,
  sideEffectOf,
} from '../../src/code/handlers.js';
import { CodeModel } from '../../src/code/model.js';
import { parseCode } from '../../src/code/parse.js';
import { traverse } from '../../src/code/traverse.js';

function model(code: string, path = 'src/consumer.ts'): CodeModel {
  const parsed = parseCode(path, code);
  if (!parsed.ok) throw new Error(parsed.detail);
  const m = new CodeModel(parsed.ast, path, code, {
    wrappers: { publish: [], dbWrite: [] },
    outboxPattern: compilePattern('(?i)outbox'),
    envPrefixPattern: compilePattern('^(dev|staging|prod)[.-]'),
  });
  traverse(parsed.ast, [m.collector()]);
  return m;
}

describe('consumer entry points', () => {
  it('finds a kafkajs eachMessage handler, its topic and the destructured message', () => {
    const m = model(`import { Kafka } from 'kafkajs';
const consumer = new Kafka({ clientId: 'a', brokers: [] }).consumer({ groupId: 'g' });
export async function start() {
  await consumer.subscribe({ topic: 'orders.placed.v1' });
  await consumer.run({ eachMessage: async ({ message: msg }) => { await handle(msg); } });
}
async function handle(m: unknown) {}
`);
    const [h, ...rest] = findHandlers(m);
    assert.equal(rest.length, 0);
    assert.equal(h!.library, 'kafkajs');
    assert.equal(h!.kind, 'eachMessage');
    assert.equal(h!.channel, 'orders.placed.v1');
    assert.ok(h!.messageNames.has('msg'));
    assert.equal(h!.implicitSettlement, true);
  });

  it('finds kafkajs eachBatch loop variables and resolveOffset acks', () => {
    const m = model(`import { Kafka } from 'kafkajs';
const consumer = new Kafka({ clientId: 'a', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    for (const message of batch.messages) {
      await apply(message);
      resolveOffset(message.offset);
      await heartbeat();
    }
  },
});
async function apply(m: unknown) {}
`);
    const [h] = findHandlers(m);
    assert.equal(h!.kind, 'eachBatch');
    assert.ok(h!.messageNames.has('message'));
    const acks = acksInHandler(m, h!);
    assert.deepEqual(acks.map((a) => [a.description, a.kind, a.onMessage]), [['resolveOffset', 'positive', true]]);
  });

  it('finds amqplib consume with noAck as at-most-once, and classifies ack / nack requeue', () => {
    const m = model(`import amqp from 'amqplib';
const ch = await (await amqp.connect('amqp://x')).createChannel();
await ch.consume('q.a', async (msg) => {
  if (!msg) return;
  try { await work(msg); ch.ack(msg); } catch { ch.nack(msg, false, false); }
});
await ch.consume('q.b', (msg) => { log(msg); }, { noAck: true });
async function work(m: unknown) {}
function log(m: unknown) {}
`);
    const [a, b] = findHandlers(m);
    assert.equal(a!.channel, 'q.a');
    assert.equal(a!.atLeastOnce, true);
    assert.equal(b!.atLeastOnce, false);
    const acks = acksInHandler(m, a!);
    assert.deepEqual(acks.map((x) => [x.description, x.kind, x.requeue, x.onMessage]), [
      ['ch.ack', 'positive', null, true],
      ['ch.nack', 'negative', false, true],
    ]);
  });

  it('finds an SQS receive loop (destructured Messages) and its DeleteMessageCommand ack', () => {
    const m = model(`import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
const QueueUrl = 'https://sqs.eu-west-1.amazonaws.com/1/billing-invoice-requested';
export async function poll() {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  for (const message of Messages ?? []) {
    await handle(message);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
}
async function handle(m: unknown) {}
`);
    const [h] = findHandlers(m);
    assert.equal(h!.library, 'sqs');
    assert.equal(h!.channel, 'billing-invoice-requested');
    const acks = acksInHandler(m, h!);
    assert.equal(acks.length, 1);
    assert.equal(acks[0]!.onMessage, true);
  });

  it('finds SQS receive loops over Messages destructured with a default, renamed or not', () => {
    const m = model(`import { SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
const QueueUrl = 'https://sqs.eu-west-1.amazonaws.com/1/billing-invoice-requested';
export async function poll() {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  for (const message of Messages) await handle(message);
}
export async function pollRenamed() {
  const { Messages: msgs = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  for (const msg of msgs) await handle(msg);
}
async function handle(m: unknown) {}
`);
    const found = findHandlers(m).map((h) => `${h.library}:${h.kind}:${h.channel ?? '-'}:${[...h.messageNames].join(',')}`);
    assert.deepEqual(found, [
      'sqs:receive-loop:billing-invoice-requested:message',
      'sqs:receive-loop:billing-invoice-requested:msg',
    ]);
  });

  it('finds Pub/Sub subscriptions destructured from createSubscription on a topic or the client', () => {
    const m = model(`import { PubSub } from '@google-cloud/pubsub';
const pubsub = new PubSub();
declare function process(x: unknown): Promise<void>;
export async function ledger() {
  const [subscription] = await pubsub.topic('payments').createSubscription('ledger');
  subscription.on('message', async (message) => { await process(message.data); message.ack(); });
}
export async function billing() {
  const topic = pubsub.topic('orders');
  const [sub] = await topic.createSubscription('billing', { ackDeadlineSeconds: 60 });
  sub.on('message', async (message) => { await process(message.data); message.ack(); });
}
export async function audit() {
  const [sub] = await pubsub.createSubscription('orders', 'audit', { ackDeadlineSeconds: 60 });
  sub.addListener('message', async (message) => { await process(message.data); message.ack(); });
}
export async function other(store: { createSubscription(n: string): Promise<[{ on(e: string, f: (m: unknown) => void): void }]> }) {
  const [sub] = await store.createSubscription('x');
  sub.on('message', (m) => console.log(m));
}
`);
    const handlers = findHandlers(m);
    assert.deepEqual(handlers.map((h) => `${h.library}:${h.kind}:${h.channel ?? '-'}:${h.via}`), [
      'pubsub:message-event:ledger:binding',
      'pubsub:message-event:billing:binding',
      'pubsub:message-event:audit:binding',
    ]);
    assert.deepEqual(acksInHandler(m, handlers[0]!).map((a) => a.description), ['message.ack']);
  });

  it('finds Lambda SQS handlers, BullMQ workers, Pub/Sub and NATS JetStream consumers, NestJS decorated handlers', () => {
    const m = model(`import type { SQSEvent, SQSHandler } from 'aws-lambda';
import { Worker } from 'bullmq';
import { PubSub } from '@google-cloud/pubsub';
import { connect } from 'nats';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

export const handler: SQSHandler = async (event) => {
  for (const record of event.Records) await process(record.body);
};
export async function other(event: SQSEvent) {
  await Promise.all(event.Records.map(async (r) => process(r.body)));
}
new Worker('emails', async (job) => { await process(job.data); }, { connection: {} });
const sub = new PubSub().subscription('loyalty-award');
sub.on('message', async (message) => { await process(message.data); message.ack(); });
const nc = await connect();
const js = nc.jetstream();
const c = await js.consumers.get('ORDERS', 'award');
for await (const m of await c.consume()) { await process(m.data); m.ack(); }
@Controller()
export class AwardController {
  @EventPattern('orders.placed.v1')
  async onPlaced(@Payload() data: unknown) { await process(data); }
}
async function process(x: unknown) {}
`);
    const kinds = findHandlers(m).map((h) => `${h.library}:${h.kind}:${h.channel ?? '-'}`);
    assert.deepEqual(kinds, [
      'lambda-sqs:records-loop:-',
      'lambda-sqs:records-loop:-',
      'bullmq:worker:emails',
      'pubsub:message-event:loyalty-award',
      'jetstream:iterator:-',
      'nestjs:decorated:orders.placed.v1',
    ]);
    const pubsub = findHandlers(m)[3]!;
    assert.deepEqual(acksInHandler(m, pubsub).map((a) => a.description), ['message.ack']);
    const jet = findHandlers(m)[4]!;
    assert.deepEqual(acksInHandler(m, jet).map((a) => a.description), ['m.ack']);
  });

  it('does not treat an unrelated consume() or on("message") as a handler', () => {
    const m = model(`import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
bus.on('message', (m) => console.log(m));
const stream = { consume: (q: string, fn: (x: unknown) => void) => fn(q) };
stream.consume('x', (m) => console.log(m));
`);
    assert.deepEqual(findHandlers(m), []);
  });

  it('keeps calls of a nested non-inline callback out of the handler', () => {
    const m = model(`import amqp from 'amqplib';
const ch = await (await amqp.connect('amqp://x')).createChannel();
await ch.consume('q', async (msg) => {
  if (!msg) return;
  setTimeout(() => ch.ack(msg), 10);
  await save(msg);
});
async function save(m: unknown) {}
`);
    const [h] = findHandlers(m);
    const names = callsInHandler(m, h!).map((c) => m.text.slice(c.range[0], c.range[1]).split('(')[0]);
    assert.deepEqual(names, ['setTimeout', 'save']);
  });
});

describe('entry points added for the delivery rules', () => {
  it('finds sqs-consumer apps, SQS receive results mapped with a callback, and Lambda Handler<SQSEvent>', () => {
    const m = model(`import { Consumer } from 'sqs-consumer';
import { SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Handler, SQSEvent } from 'aws-lambda';
declare function work(x: unknown): Promise<void>;
const sqs = new SQSClient({});
export const app = Consumer.create({ queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/orders-placed', handleMessage: async (message) => { await work(message); } });
export async function poll() {
  const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/billing' }));
  await Promise.all((res.Messages ?? []).map(async (msg) => work(msg)));
}
export const handler: Handler<SQSEvent> = async (event) => {
  for (const record of event.Records) await work(record.body);
};
`);
    const found = findHandlers(m).map((h) => `${h.library}:${h.kind}:${h.channel ?? '-'}:${[...h.messageNames].join(',')}`);
    assert.deepEqual(found, [
      'sqs-consumer:consumer-callback:orders-placed:message',
      'sqs:receive-loop:billing:msg',
      'lambda-sqs:records-loop:-:record',
    ]);
    assert.equal(findHandlers(m)[0]!.implicitSettlement, true);
  });

  it('follows a callback that only forwards the message to a method', () => {
    const m = model(`import type { Channel, ConsumeMessage } from 'amqplib';
export class Consumer {
  constructor(private readonly channel: Channel) {}
  async start() {
    await this.channel.consume('q', (msg) => this.handle(msg));
  }
  private async handle(message: ConsumeMessage | null) {
    if (!message) return;
    this.channel.ack(message);
  }
}
`);
    const [h] = findHandlers(m);
    assert.ok(h!.messageNames.has('message'));
    assert.deepEqual(acksInHandler(m, h!).map((a) => [a.description, a.onMessage]), [['this.channel.ack', true]]);
  });

  it('keeps a floating delegate visible in frameworks that settle on return', () => {
    const m = model(`import { Kafka } from 'kafkajs';
const consumer = new Kafka({ clientId: 'a', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({ eachMessage: async ({ message }) => { void handle(message); } });
async function handle(m: unknown) {}
`);
    const [h] = findHandlers(m);
    assert.deepEqual(callsInHandler(m, h!).map((c) => m.text.slice(c.range[0], c.range[1])), ['handle(message)']);
  });

  it('binds Redis stream entries destructured as arrays, and values derived from the message', () => {
    const m = model(`import Redis from 'ioredis';
const redis = new Redis();
const res = await redis.xreadgroup('GROUP', 'g', 'c', 'STREAMS', 's', '>');
for (const [, entries] of res) {
  for (const [id, fields] of entries) {
    const data = Object.fromEntries(fields);
    await redis.xack('s', 'g', id);
  }
}
`);
    const [h] = findHandlers(m);
    assert.equal(h!.library, 'redis-streams');
    const names = messageDataNames(m, h!);
    for (const name of ['entries', 'id', 'fields', 'data']) assert.ok(names.has(name), name);
    assert.deepEqual(acksInHandler(m, h!).map((a) => [a.description, a.onMessage]), [['redis.xack', true]]);
  });

  it('treats a JetStream consumer configured with AckPolicy.None as at-most-once', () => {
    const m = model(`import { AckPolicy, connect } from 'nats';
const nc = await connect();
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('T', { durable_name: 'views', ack_policy: AckPolicy.None });
await jsm.consumers.add('O', { durable_name: 'orders', ack_policy: AckPolicy.Explicit });
const views = await nc.jetstream().consumers.get('T', 'views');
const orders = await nc.jetstream().consumers.get('O', 'orders');
for await (const m of await views.consume()) { console.log(m.seq); }
for await (const m of await orders.consume()) { m.ack(); }
`);
    assert.deepEqual(findHandlers(m).map((h) => h.atLeastOnce), [false, true]);
  });

  it('records the NestJS decorator', () => {
    const m = model(`import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
@Controller()
export class C {
  @EventPattern('a') async onA(data: unknown) {}
  @MessagePattern('b') async onB(data: unknown) { return data; }
}
`);
    assert.deepEqual(findHandlers(m).map((h) => h.decorator), ['EventPattern', 'MessagePattern']);
  });
});

describe('acknowledgement shapes added for the delivery rules', () => {
  it('classifies a golevelup Nack, a one-hop ack helper and a configured ack wrapper', () => {
    const m = model(`import amqp from 'amqplib';
import { Nack } from '@golevelup/nestjs-rabbitmq';
import type { MessageContext } from '@acme/messaging';
declare const ctx: MessageContext;
const ch = await (await amqp.connect('amqp://x')).createChannel();
function done(m: unknown) { ch.ack(m as never); }
await ch.consume('q', async (msg) => {
  if (!msg) return;
  done(msg);
  await ctx.ack(msg);
  return new Nack(false);
});
`);
    const [h] = findHandlers(m);
    const acks = acksInHandler(m, h!, { ackWrappers: ['MessageContext.ack'] });
    assert.deepEqual(acks.map((a) => [a.description, a.kind, a.onMessage, a.via, a.requeue]), [
      ['done', 'positive', true, 'summary', null],
      ['ctx.ack', 'positive', true, 'wrapper', null],
      ['Nack', 'negative', true, 'binding', false],
    ]);
    // without the option the wrapper is not an ack: backward compatible
    assert.equal(acksInHandler(m, h!).length, 2);
  });
});

describe('shared consumer analysis', () => {
  const patterns = { dlqChannel: compilePattern('(?i)(\\.dlq|\\.dlt|dead[-_.]?letter)$'), dlqWrappers: ['parkMessage'], nonIdempotentCalls: ['charge'] };

  it('finds dead-letter routes: DLQ channel, dynamic DLQ topic, wrapper, receiver name, local helper', () => {
    const m = model(`import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'a', brokers: [] }).producer();
declare const dlqService: { send(x: unknown): Promise<void> };
declare function parkMessage(x: unknown): Promise<void>;
async function toDlq(v: string) { await producer.send({ topic: 'orders.placed.v1.dlq', messages: [{ value: v }] }); }
export async function f(topic: string, v: string) {
  await producer.send({ topic: 'orders.placed.v1.dlq', messages: [{ value: v }] });
  await producer.send({ topic: \`\${topic}.dlq\`, messages: [{ value: v }] });
  await parkMessage(v);
  await dlqService.send(v);
  await toDlq(v);
  await producer.send({ topic: 'orders.placed.v1', messages: [{ value: v }] });
}
`);
    const calls = m.calls.filter((c) => m.regionOf(c).name === 'f' && c.type === 'CallExpression');
    assert.deepEqual(calls.map((c) => deadLetterRoute(m, c, patterns) !== null), [true, true, true, true, true, false]);
  });

  it('classifies side effects: sinks, nonIdempotentCalls, processing of the message, and not logging', () => {
    const m = model(`import amqp from 'amqplib';
import { Pool } from 'pg';
const db = new Pool();
const logger = console;
declare const gateway: { charge(x: unknown): Promise<void> };
declare function handleOrder(x: unknown): Promise<void>;
const ch = await (await amqp.connect('amqp://x')).createChannel();
await ch.consume('q', async (msg) => {
  if (!msg) return;
  const cmd = JSON.parse(msg.content.toString());
  await db.query('INSERT INTO orders (id) VALUES ($1)', [cmd.id]);
  await gateway.charge(cmd);
  await handleOrder(cmd);
  logger.info(cmd);
  ch.sendToQueue('q.dlq', msg.content);
  ch.ack(msg);
});
`);
    const [h] = findHandlers(m);
    const kinds = callsInHandler(m, h!).map((c) => sideEffectOf(m, c, patterns, h)?.kind ?? '-');
    assert.deepEqual(kinds, ['-', '-', 'dbWrite', 'nonIdempotent', 'processing', '-', '-', '-']);
  });

  it('decides reachability: returns, conditional returns, continue and the loop it leaves', () => {
    const m = model(`declare function a(): void;
declare function b(): void;
declare const x: boolean;
export function one() { a(); return; b(); }
export function two() { a(); if (x) return; b(); }
export function three() { if (x) { a(); return; } b(); }
export function four() { for (;;) { a(); continue; } b(); }
export function five() { for (;;) { a(); if (x) break; b(); } }
`);
    const pairs = ['one', 'two', 'three', 'four', 'five'].map((name) => {
      const calls = m.calls.filter((c) => m.regionOf(c).name === name);
      return jumpBetween(m, calls[0]!, calls[1]!) !== null;
    });
    assert.deepEqual(pairs, [true, false, true, false, false]);
  });

  it('joins promises through Promise.all of a mapped array or of an array constant', () => {
    const m = model(`declare function w(x: unknown): Promise<void>;
export async function f(xs: unknown[]) {
  await Promise.all(xs.map(async (x) => w(x)));
  const ps = [w(1), w(2)];
  await Promise.all(ps);
  w(3);
}
`);
    const calls = m.calls.filter((c) => m.regionOf(c).name === 'f' && m.text.slice(c.range[0], c.range[1]).startsWith('w(') || (c.type === 'CallExpression' && m.text.slice(c.range[0], c.range[1]).startsWith('xs.map')));
    assert.deepEqual(calls.map((c) => [m.text.slice(c.range[0], c.range[1]).slice(0, 6), isJoined(m, c)]), [
      ['xs.map', true], ['w(x)', true], ['w(1)', true], ['w(2)', true], ['w(3)', false],
    ]);
  });
});
