import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodeModel } from '../../src/code/model.js';
import { publishMetadata, traceContextOf, type PublishMetadata } from '../../src/code/publish-metadata.js';
import { build, call } from './model-helpers.js';

function metaAt(model: CodeModel, callee: string, nth = 0): PublishMetadata {
  const c = call(model, callee, nth);
  const effect = model.effectsOf(c).find((e) => e.kind === 'publish');
  assert.ok(effect, `${callee} is not a publish`);
  const meta = publishMetadata(model, effect);
  assert.ok(meta, `${callee} has no metadata`);
  return meta;
}

const text = (model: CodeModel, node: { range: [number, number] } | null) => (node ? model.text.slice(node.range[0], node.range[1]) : null);
const keys = (meta: PublishMetadata, i = 0) => [...meta.messages[i]!.metadata.keys.keys()].sort();

const kafka = `import { Kafka } from 'kafkajs';
import { context, propagation } from '@opentelemetry/api';
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
`;

describe('publish metadata (rules.md §2.3)', () => {
  it('kafkajs send: per-message key, headers and value; options carry acks', () => {
    const model = build(`${kafka}
export async function f(o: { id: string }) {
  await producer.send({ topic: 'orders.placed.v1', acks: -1, messages: [{ key: o.id, value: JSON.stringify(o), headers: { 'correlation-id': o.id } }, { value: 'x' }] });
}`);
    const meta = metaAt(model, 'producer.send');
    assert.equal(meta.messages.length, 2);
    assert.equal(meta.messages[0]!.orderingField, 'key');
    assert.equal(meta.messages[0]!.orderingKey.state, 'present');
    assert.equal(meta.messages[1]!.orderingKey.state, 'absent');
    assert.deepEqual(keys(meta), ['correlation-id']);
    assert.equal(text(model, meta.messages[0]!.payload), 'JSON.stringify(o)');
    assert.ok(meta.messages[0]!.envelope === null);
    assert.equal(meta.messages[0]!.channel, 'orders.placed.v1');
  });

  it('kafkajs sendBatch gives each topic entry its channel; map callbacks are message templates', () => {
    const model = build(`${kafka}
export async function f(rows: { id: string }[]) {
  await producer.sendBatch({ topicMessages: [
    { topic: 'a.one.v1', messages: rows.map((r) => ({ key: r.id, value: r.id })) },
    { topic: 'b.two.v1', messages: [{ value: 'x' }] },
  ] });
}`);
    const meta = metaAt(model, 'producer.sendBatch');
    assert.deepEqual(meta.messages.map((m) => m.channel), ['a.one.v1', 'b.two.v1']);
    assert.equal(meta.messages[0]!.orderingKey.state, 'present');
    assert.equal(meta.unknownMessages, false);
  });

  it('kafkajs messages from a parameter are unknown', () => {
    const model = build(`${kafka}\nexport const f = (messages: any[]) => producer.send({ topic: 't.x.v1', messages });`);
    const meta = metaAt(model, 'producer.send');
    assert.equal(meta.unknownMessages, true);
    assert.equal(meta.messages.length, 0);
  });

  it('rdkafka produce: key and headers by position', () => {
    const model = build(`import Kafka from 'node-rdkafka';
const producer = new Kafka.Producer({});
export const f = (id: string) => producer.produce('t.x.v1', null, Buffer.from(id), id, Date.now(), null, [{ traceparent: 'x' }]);`);
    const meta = metaAt(model, 'producer.produce');
    assert.equal(meta.messages[0]!.orderingKey.state, 'present');
    assert.equal(meta.messages[0]!.metadata.unknown, true);
  });

  it('amqplib: options keys and headers keys together', () => {
    const model = build(`import amqp from 'amqplib';
export async function f() {
  const ch = await (await amqp.connect('x')).createChannel();
  ch.publish('ex', 'rk', Buffer.from('x'), { persistent: true, correlationId: 'c', headers: { traceparent: 't' } });
}`);
    const meta = metaAt(model, 'ch.publish');
    assert.deepEqual(keys(meta), ['correlationid', 'headers', 'persistent', 'traceparent']);
    assert.equal(meta.messages[0]!.orderingField, null);
  });

  it('SQS v3 command: MessageGroupId, attributes, body; v2 sendMessage', () => {
    const model = build(`import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import AWS from 'aws-sdk';
const sqs = new SQSClient({});
const legacy = new AWS.SQS();
export async function f(id: string) {
  const command = new SendMessageCommand({ QueueUrl: 'https://q/1/orders.fifo', MessageBody: id, MessageGroupId: id, MessageAttributes: { causationId: { DataType: 'String', StringValue: id } } });
  await sqs.send(command);
  await legacy.sendMessage({ QueueUrl: 'https://q/1/plain', MessageBody: id }).promise();
}`);
    const v3 = metaAt(model, 'sqs.send');
    assert.equal(v3.messages[0]!.channel, 'orders.fifo');
    assert.equal(v3.messages[0]!.orderingKey.state, 'present');
    assert.deepEqual(keys(v3), ['causationid']);
    assert.equal(text(model, v3.messages[0]!.payload), 'id');
    const v2 = metaAt(model, 'legacy.sendMessage');
    assert.equal(v2.messages[0]!.orderingKey.state, 'absent');
  });

  it('SNS batch entries are messages', () => {
    const model = build(`import { SNSClient, PublishBatchCommand } from '@aws-sdk/client-sns';
const sns = new SNSClient({});
export const f = () => sns.send(new PublishBatchCommand({ TopicArn: 'arn:aws:sns:r:1:t.fifo', PublishBatchRequestEntries: [{ Id: '1', Message: 'a', MessageGroupId: 'g' }, { Id: '2', Message: 'b' }] }));`);
    const meta = metaAt(model, 'sns.send');
    assert.deepEqual(meta.messages.map((m) => m.orderingKey.state), ['present', 'absent']);
  });

  it('Pub/Sub publishMessage and legacy publish', () => {
    const model = build(`import { PubSub } from '@google-cloud/pubsub';
const topic = new PubSub().topic('m.x.v1');
export async function f(id: string) {
  await topic.publishMessage({ json: { id }, orderingKey: id, attributes: { correlationId: id } });
  await topic.publish(Buffer.from(id), { eventType: 'x' });
}`);
    const modern = metaAt(model, 'topic.publishMessage');
    assert.equal(modern.messages[0]!.orderingField, 'orderingKey');
    assert.equal(modern.messages[0]!.orderingKey.state, 'present');
    assert.deepEqual(keys(modern), ['correlationid']);
    assert.deepEqual(keys(metaAt(model, 'topic.publish')), ['eventtype']);
  });

  it('NATS headers() filled by set / append', () => {
    const model = build(`import { connect, headers } from 'nats';
export async function f() {
  const nc = await connect();
  const h = headers();
  h.set('traceparent', 't');
  h.append('x-correlation-id', 'c');
  nc.publish('s.x.v1', new Uint8Array(), { headers: h });
}`);
    assert.deepEqual(keys(metaAt(model, 'nc.publish')), ['traceparent', 'x-correlation-id']);
  });

  it('BullMQ data is the metadata; redis xadd field lists', () => {
    const model = build(`import { Queue } from 'bullmq';
import Redis from 'ioredis';
const q = new Queue('emails');
const redis = new Redis();
export async function f(id: string) {
  await q.add('welcome', { id, correlationId: id }, { jobId: id });
  await redis.xadd('orders', '*', 'type', 'order.placed', 'payload', JSON.stringify({ id }));
}`);
    assert.deepEqual(keys(metaAt(model, 'q.add')), ['correlationid', 'id']);
    const stream = metaAt(model, 'redis.xadd');
    assert.deepEqual(keys(stream), ['payload', 'type']);
    assert.deepEqual([...stream.messages[0]!.envelope!.keys.keys()], ['id']);
  });

  it('envelopes are read through JSON.stringify and Buffer.from, with nested metadata', () => {
    const model = build(`${kafka}
export const f = (id: string) => producer.send({ topic: 't.x.v1', messages: [{ value: Buffer.from(JSON.stringify({ type: 'x', data: {}, metadata: { causationId: id } })) }] });`);
    const envelope = metaAt(model, 'producer.send').messages[0]!.envelope!;
    assert.deepEqual([...envelope.keys.keys()].sort(), ['causationid', 'data', 'metadata', 'type']);
  });

  it('helper summaries have no visible metadata', () => {
    const model = build(`${kafka}
async function emit(v: string) { await producer.send({ topic: 't.x.v1', messages: [{ value: v }] }); }
export const f = () => emit('x');`);
    const effect = model.effectsOf(call(model, 'emit'))[0]!;
    assert.equal(effect.via, 'summary');
    assert.equal(publishMetadata(model, effect), null);
  });
});

describe('trace context (rules.md §2.10)', () => {
  const traceOf = (body: string) => {
    const model = build(`${kafka}${body}`);
    const meta = metaAt(model, 'producer.send');
    return traceContextOf(model, meta, meta.messages[0]!);
  };

  it('a traceparent header, correlation and causation keys', () => {
    const ctx = traceOf(`export const f = (t: string) => producer.send({ topic: 't.x.v1', messages: [{ value: 'x', headers: { traceparent: t, 'X-Correlation-Id': t, causation_id: t } }] });`);
    assert.deepEqual(ctx, { traceparent: 'present', how: 'traceparent header', correlation: 'present', causation: 'present' });
  });

  it('nothing at all', () => {
    const ctx = traceOf(`export const f = () => producer.send({ topic: 't.x.v1', messages: [{ value: 'x' }] });`);
    assert.deepEqual(ctx, { traceparent: 'absent', how: null, correlation: 'absent', causation: 'absent' });
  });

  it('propagation.inject carrier flowing in as the headers, through a spread, or via the message object', () => {
    assert.equal(traceOf(`export async function f() { const h = {}; propagation.inject(context.active(), h); await producer.send({ topic: 't.x.v1', messages: [{ value: 'x', headers: h }] }); }`).how, 'propagation.inject');
    assert.equal(traceOf(`export async function f() { const c = {}; propagation.inject(context.active(), c); await producer.send({ topic: 't.x.v1', messages: [{ value: 'x', headers: { ...c } }] }); }`).how, 'propagation.inject');
    assert.equal(traceOf(`export async function f() {
  const message = { value: 'x', headers: {} as Record<string, string> };
  propagation.inject(context.active(), message.headers);
  await producer.send({ topic: 't.x.v1', messages: [message] });
}`).traceparent, 'present');
  });

  it('a carrier with the same property name as the headers key does not count', () => {
    const ctx = traceOf(`export async function f(other: Record<string, string>) { const headers = {}; propagation.inject(context.active(), headers); await producer.send({ topic: 't.x.v1', messages: [{ value: 'x', headers: { a: other.b } }] }); }`);
    assert.equal(ctx.traceparent, 'absent');
  });

  it('headers from a parameter are unknown', () => {
    const ctx = traceOf(`export const f = (h: Record<string, string>) => producer.send({ topic: 't.x.v1', messages: [{ value: 'x', headers: h }] });`);
    assert.equal(ctx.traceparent, 'unknown');
    assert.equal(ctx.correlation, 'unknown');
  });

  it('an imported helper named for tracing is trusted', () => {
    const ctx = traceOf(`import { withTraceHeaders } from './otel.js';
export const f = () => producer.send({ topic: 't.x.v1', messages: [{ value: 'x', headers: withTraceHeaders({ a: '1' }) }] });`);
    assert.equal(ctx.how, 'tracing helper');
  });

  it('X-Ray trace header on SQS counts as trace context', () => {
    const model = build(`import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const f = (t: string) => sqs.send(new SendMessageCommand({ QueueUrl: 'q', MessageBody: 'x', MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: t } } }));`);
    const meta = metaAt(model, 'sqs.send');
    assert.equal(traceContextOf(model, meta, meta.messages[0]!).how, 'X-Ray trace header');
  });
});
