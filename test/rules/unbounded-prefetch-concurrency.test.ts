import rule from '../../rules/code/unbounded-prefetch-concurrency.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

const amqpHeader = `import amqp from 'amqplib';
const conn = await amqp.connect('amqp://rabbit');
async function handle(m: unknown) {}
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'amqp-connection-manager: prefetch set in the channel wrapper\'s setup and in consume options',
      code: `import amqp from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
const connection = amqp.connect(['amqp://localhost']);
const channelWrapper = connection.createChannel({
  json: true,
  setup: async (channel: ConfirmChannel) => {
    await channel.prefetch(10);
  },
});
export async function start(): Promise<void> {
  await channelWrapper.consume('orders', async (msg: ConsumeMessage) => {
    await channelWrapper.sendToQueue('shipments', { id: msg.content.toString() }, { persistent: true });
    channelWrapper.ack(msg);
  }, { prefetch: 10 });
}
`,
    },
    {
      name: 'prefetch on the consuming channel (spec Passes)',
      code: `${amqpHeader}const ch = await conn.createChannel();
await ch.prefetch(16); // Pattern: Backpressure
await ch.consume('media.thumbnail-requested.v1', async (msg) => {
  if (!msg) return;
  await handle(msg);
  ch.ack(msg);
});
`,
    },
    {
      name: 'an injected channel: prefetch is the creator\'s business',
      code: `import type { Channel } from 'amqplib';
export async function start(ch: Channel) {
  await ch.consume('q', async (msg) => { if (msg) ch.ack(msg); });
}
`,
    },
    {
      name: 'bounded streams and flow control',
      code: `import Redis from 'ioredis';
import { PubSub } from '@google-cloud/pubsub';
const redis = new Redis();
await redis.xadd('orders', 'MAXLEN', '~', '100000', '*', 'data', '{}');
const sub = new PubSub().subscription('s', { flowControl: { maxMessages: 100 } });
`,
    },
    {
      name: 'fan-out through p-limit',
      code: `import { Kafka } from 'kafkajs';
import pLimit from 'p-limit';
const limit = pLimit(8);
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({
  eachBatch: async ({ batch }) => {
    await Promise.all(batch.messages.map((m) => limit(() => handle(m))));
  },
});
async function handle(m: unknown) {}
`,
    },
    {
      name: 'Lambda SQS partial batch response: Promise.allSettled over event.Records (bounded by the mapping BatchSize)',
      code: `import type { SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const results = await Promise.allSettled(event.Records.map((r) => prisma.payment.create({ data: JSON.parse(r.body) })));
  return {
    batchItemFailures: results.flatMap((res, i) => (res.status === 'rejected' ? [{ itemIdentifier: event.Records[i]!.messageId }] : [])),
  };
};
`,
    },
    {
      name: 'Lambda SQSHandler with Records destructured from the event, Promise.all',
      code: `import type { SQSHandler } from 'aws-lambda';
declare function handle(body: unknown): Promise<void>;
export const handler: SQSHandler = async ({ Records }) => {
  await Promise.all(Records.map(async (record) => handle(JSON.parse(record.body))));
};
`,
    },
  ],
  invalid: [
    {
      name: 'amqplib consumer without prefetch (spec Fails)',
      code: `${amqpHeader}const ch = await conn.createChannel();
await ch.consume('media.thumbnail-requested.v1', async (msg) => {
  if (!msg) return;
  await handle(msg);
  ch.ack(msg);
});
`,
      errors: [{ messageId: 'unbounded', line: 5, variant: 'amqplib-no-prefetch', precision: 'High' }],
    },
    {
      name: 'prefetch(0) means unlimited',
      code: `${amqpHeader}const ch = await conn.createChannel();
await ch.prefetch(0);
await ch.consume('q', async (msg) => { if (msg) ch.ack(msg); });
`,
      errors: [{ messageId: 'unbounded', line: 5, variant: 'amqplib-prefetch-zero' }],
    },
    {
      name: 'Pub/Sub with infinite flow control, JetStream max_ack_pending -1, untrimmed xadd',
      code: `import { PubSub } from '@google-cloud/pubsub';
import { connect } from 'nats';
import Redis from 'ioredis';
const sub = new PubSub().subscription('s', { flowControl: { maxMessages: Infinity } });
const nc = await connect();
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('ORDERS', { durable_name: 'award', max_ack_pending: -1 });
const redis = new Redis();
await redis.xadd('orders', '*', 'data', '{}');
`,
      errors: [
        { messageId: 'unbounded', line: 4, variant: 'pubsub-flow-control' },
        { messageId: 'unbounded', line: 9, variant: 'redis-stream-no-trim' },
      ],
    },
    {
      name: 'Promise.all over a batch with no limiter, and oversized BullMQ concurrency',
      code: `import { Kafka } from 'kafkajs';
import { Worker } from 'bullmq';
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({
  eachBatch: async ({ batch }) => {
    await Promise.all(batch.messages.map(async (m) => handle(m)));
  },
});
new Worker('thumbnails', async (job) => handle(job.data), { connection: {}, concurrency: 1000 });
async function handle(m: unknown) {}
`,
      errors: [
        { messageId: 'unbounded', line: 6, variant: 'unbounded-fan-out', precision: 'Medium' },
        { messageId: 'unbounded', line: 9, variant: 'oversized-concurrency', severity: 'Suggestion' },
      ],
    },
    {
      name: 'Lambda SQS handler fanning out over arrays inside a record (the payload, not the batch; S3 notification Records)',
      code: `import type { SQSEvent } from 'aws-lambda';
declare function reserve(line: unknown): Promise<void>;
export const handler = async (event: SQSEvent) => {
  for (const record of event.Records) {
    await Promise.all(JSON.parse(record.body).lines.map(async (line: unknown) => reserve(line)));
    const notification = JSON.parse(record.body);
    await Promise.all(notification.Records.map(async (r: unknown) => reserve(r)));
    const order = JSON.parse(record.body) as { lines: unknown[] };
    await Promise.all(order.lines.map(async (line) => reserve(line)));
  }
};
`,
      errors: [
        { messageId: 'unbounded', line: 5, column: 11, variant: 'unbounded-fan-out', precision: 'Medium' },
        { messageId: 'unbounded', line: 7, column: 11, variant: 'unbounded-fan-out', precision: 'Medium' },
        { messageId: 'unbounded', line: 9, column: 11, variant: 'unbounded-fan-out', precision: 'Medium' },
      ],
    },
  ],
});
