import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acksInHandler, callsInHandler, findHandlers } from '../../src/code/handlers.js';
import { CodeModel } from '../../src/code/model.js';
import { parseCode } from '../../src/code/parse.js';
import { traverse } from '../../src/code/traverse.js';

function model(code: string, path = 'src/consumer.ts'): CodeModel {
  const parsed = parseCode(path, code);
  if (!parsed.ok) throw new Error(parsed.detail);
  const m = new CodeModel(parsed.ast, path, code, {
    wrappers: { publish: [], dbWrite: [] },
    outboxPattern: /outbox/i,
    envPrefixPattern: /^(dev|staging|prod)[.-]/,
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
