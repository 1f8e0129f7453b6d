import rule from '../../rules/code/consumer-graceful-shutdown.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

testCodeRule(rule, {
  valid: [
    {
      name: 'BullMQ worker closed on SIGTERM (spec Passes)',
      code: `import { Worker } from 'bullmq';
const connection = { host: 'redis' };
async function renderReport(job: unknown) {}
const worker = new Worker('reports-render', renderReport, { connection, concurrency: 4 });

process.once('SIGTERM', async () => {
  await worker.close();
  process.exit(0);
});
`,
    },
    {
      name: 'kafkajs consumer disconnected through a local shutdown helper',
      code: `import { Kafka } from 'kafkajs';
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
async function shutdown() {
  await consumer.disconnect();
}
export async function main() {
  await consumer.run({ eachMessage: async ({ message }) => { console.log(message.offset); } });
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}
`,
    },
    {
      name: 'Lambda handlers are managed by the runtime',
      code: `import type { SQSEvent } from 'aws-lambda';
export async function handler(event: SQSEvent) {
  for (const record of event.Records) console.log(record.body);
}
`,
    },
    {
      name: 'terminus manages shutdown',
      code: `import { createTerminus } from '@godaddy/terminus';
import amqp from 'amqplib';
const conn = await amqp.connect('amqp://rabbit');
const ch = await conn.createChannel();
await ch.prefetch(10);
await ch.consume('q', async (msg) => { if (msg) ch.ack(msg); });
createTerminus({} as any, { onSignal: async () => { await conn.close(); } });
`,
    },
  ],
  invalid: [
    {
      name: 'BullMQ worker without any hook (spec Fails)',
      code: `import { Worker } from 'bullmq';
const connection = { host: 'redis' };
async function renderReport(job: unknown) {}
const worker = new Worker('reports-render', renderReport, { connection, concurrency: 4 });
`,
      errors: [{ messageId: 'noShutdown', line: 4, severity: 'Suggestion', precision: 'Heuristic' }],
    },
    {
      name: 'a hook exists but closes something else',
      code: `import { Kafka } from 'kafkajs';
import http from 'node:http';
const server = http.createServer();
const consumer = new Kafka({ clientId: 'x', brokers: [] }).consumer({ groupId: 'g' });
await consumer.run({ eachMessage: async ({ message }) => { console.log(message.offset); } });
process.on('SIGTERM', () => server.close());
`,
      errors: [{ messageId: 'hookMissesConsumer', line: 5 }],
    },
  ],
});
