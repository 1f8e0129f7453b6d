import rule from '../../rules/code/outbound-call-without-timeout.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

const kafkaConsumer = `import { Kafka } from 'kafkajs';

const kafka = new Kafka({ clientId: 'crm-sync', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'crm-sync' });
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'fetch with AbortSignal.timeout in a kafkajs handler (spec Passes)',
      code: `${kafkaConsumer}
export async function start() {
  await consumer.subscribe({ topic: 'members.updated.v1' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      await fetch(\`\${process.env.CRM_SERVICE_URL}/contacts/\${event.memberId}\`, {
        method: 'PUT',
        body: message.value!,
        signal: AbortSignal.timeout(3_000),
      });
    },
  });
}
`,
    },
    {
      name: 'fetch with an AbortController aborted by a timer',
      code: `${kafkaConsumer}
export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 2_000);
      try {
        await fetch('https://crm.example.com/contacts', { method: 'POST', body: message.value!, signal: controller.signal });
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
`,
    },
    {
      name: 'axios instance created with a timeout, used from an amqplib consumer',
      code: `import amqp from 'amqplib';
import axios from 'axios';

const inventory = axios.create({ baseURL: process.env.INVENTORY_SERVICE_URL, timeout: 2_000 });

export async function start() {
  const conn = await amqp.connect('amqp://rabbit');
  const ch = await conn.createChannel();
  await ch.consume('orders.placed.v1', async (msg) => {
    if (!msg) return;
    await inventory.post('/reservations', JSON.parse(msg.content.toString()));
    ch.ack(msg);
  });
}
`,
    },
    {
      name: 'axios.defaults.timeout set for the default export',
      code: `import express from 'express';
import axios from 'axios';

axios.defaults.timeout = 5_000;
const app = express();

app.post('/orders', async (req, res) => {
  await axios.post('https://payments.example.com/charges', req.body);
  res.status(201).end();
});
`,
    },
    {
      name: 'got with a timeout object in an Express write route',
      code: `import express from 'express';
import got from 'got';

const router = express.Router();
router.post('/refunds', async (req, res) => {
  const refund = await got.post('https://psp.example.com/refunds', { json: req.body, timeout: { request: 5_000 } }).json();
  res.json(refund);
});
export default router;
`,
    },
    {
      name: 'got.extend instance with a timeout',
      code: `import got from 'got';
import pRetry from 'p-retry';

const psp = got.extend({ prefixUrl: 'https://psp.example.com', timeout: { request: 4_000 } });

export async function capture(id: string) {
  return pRetry(() => psp.post(\`captures/\${id}\`).json(), { retries: 3 });
}
`,
    },
    {
      name: 'fetch outside any handler, write route or retry (a one-off script)',
      code: `export async function warmUp() {
  const res = await fetch('https://status.example.com/ping');
  return res.ok;
}
`,
    },
    {
      name: 'fetch in a GET route is not a write handler',
      code: `import express from 'express';
const app = express();
app.get('/profile', async (req, res) => {
  const r = await fetch('https://auth.example.com/userinfo');
  res.json(await r.json());
});
`,
    },
    {
      name: 'injected AxiosInstance: its config is not visible',
      code: `import express from 'express';
import type { AxiosInstance } from 'axios';

export function routes(http: AxiosInstance) {
  const router = express.Router();
  router.post('/orders', async (req, res) => {
    await http.post('/reservations', req.body);
    res.status(202).end();
  });
  return router;
}
`,
    },
    {
      name: 'fetch init from a parameter is not guessed',
      code: `${kafkaConsumer}
export async function start(init: RequestInit) {
  await consumer.run({
    eachMessage: async ({ message }) => {
      await fetch('https://crm.example.com/contacts', init);
    },
  });
}
`,
    },
    {
      name: 'axios instance with a request interceptor (may set the timeout)',
      code: `import express from 'express';
import axios from 'axios';
const api = axios.create({ baseURL: 'https://payments.example.com' });
api.interceptors.request.use((config) => ({ ...config, timeout: 3_000 }));
const app = express();
app.post('/charges', async (req, res) => {
  await api.post('/charges', req.body);
  res.end();
});
`,
    },
    {
      name: 'a local function named fetch is not the global fetch',
      code: `${kafkaConsumer}
async function fetch(url: string) {
  return { url };
}
export async function start() {
  await consumer.run({ eachMessage: async ({ message }) => { await fetch(String(message.key)); } });
}
`,
    },
    {
      name: 'gRPC call with a deadline in a BullMQ worker',
      code: `import { Worker } from 'bullmq';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const definition = protoLoader.loadSync('protos/ledger.proto');
const proto = grpc.loadPackageDefinition(definition) as any;
const ledger = new proto.ledger.v1.LedgerService('ledger-service:50051', grpc.credentials.createInsecure());

export const worker = new Worker('ledger-postings', async (job) => {
  await new Promise((resolve, reject) =>
    ledger.post(job.data, { deadline: Date.now() + 2_000 }, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))),
  );
});
`,
    },
    {
      name: 'undici request is not one of the clients the rule names (its own headersTimeout / bodyTimeout apply)',
      code: `${kafkaConsumer}
import { request } from 'undici';
export async function start() {
  await consumer.run({ eachMessage: async ({ message }) => {
    await request(\`\${process.env.CRM_SERVICE_URL}/contacts\`, { method: 'PUT', body: message.value! });
  } });
}
`,
    },
    {
      name: 'undici fetch with a signal',
      code: `${kafkaConsumer}
import { fetch } from 'undici';
export async function start() {
  await consumer.run({ eachMessage: async ({ message }) => {
    await fetch(\`\${process.env.CRM_SERVICE_URL}/contacts\`, { method: 'PUT', body: message.value!, signal: AbortSignal.timeout(3_000) });
  } });
}
`,
    },
    {
      name: 'undici fetch with a dispatcher carrying its own timeouts',
      code: `${kafkaConsumer}
import { Agent, fetch } from 'undici';
const agent = new Agent({ headersTimeout: 2_000, bodyTimeout: 2_000 });
export async function start() {
  await consumer.run({ eachMessage: async ({ message }) => {
    await fetch(\`\${process.env.CRM_SERVICE_URL}/contacts\`, { method: 'PUT', body: message.value!, dispatcher: agent });
  } });
}
`,
    },
  ],
  invalid: [
    {
      name: 'fetch without a signal in a kafkajs handler (spec Fails)',
      code: `${kafkaConsumer}
export async function start() {
  await consumer.subscribe({ topic: 'members.updated.v1' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      await fetch(\`\${process.env.CRM_SERVICE_URL}/contacts/\${event.memberId}\`, { method: 'PUT', body: message.value! });
    },
  });
}
`,
      errors: [{ messageId: 'noTimeout', line: 11, column: 13, variant: 'fetch', precision: 'High', severity: 'Suggestion' }],
    },
    {
      name: 'axios default export in an Express POST route',
      code: `import express from 'express';
import axios from 'axios';

const app = express();
app.use(express.json());

app.post('/orders', async (req, res) => {
  const stock = await axios.post(\`\${process.env.INVENTORY_SERVICE_URL}/reservations\`, req.body);
  res.status(201).json({ reservation: stock.data.id });
});
`,
      errors: [{ messageId: 'noTimeout', line: 8, variant: 'axios' }],
    },
    {
      name: 'axios instance created without timeout, in a Lambda SQS handler',
      code: `import type { SQSEvent } from 'aws-lambda';
import axios from 'axios';

const crm = axios.create({ baseURL: process.env.CRM_SERVICE_URL });

export const handler = async (event: SQSEvent) => {
  for (const record of event.Records) {
    const body = JSON.parse(record.body);
    await crm.put(\`/contacts/\${body.memberId}\`, body);
  }
};
`,
      errors: [{ messageId: 'noTimeout', line: 9, variant: 'axios' }],
    },
    {
      name: 'got call retried by p-retry without a timeout',
      code: `import got from 'got';
import pRetry from 'p-retry';

export async function capture(id: string) {
  return pRetry(() => got.post(\`https://psp.example.com/captures/\${id}\`, { json: { id } }).json(), { retries: 3 });
}
`,
      errors: [{ messageId: 'noTimeout', line: 5, variant: 'got' }],
    },
    {
      name: 'explicit timeout: 0 means no timeout',
      code: `import express from 'express';
import axios from 'axios';
const app = express();
app.put('/members/:id', async (req, res) => {
  await axios.put('https://crm.example.com/members', req.body, { timeout: 0 });
  res.end();
});
`,
      errors: [{ messageId: 'noTimeout', line: 5, variant: 'axios' }],
    },
    {
      name: 'gRPC client from loadPackageDefinition without a deadline in a BullMQ worker',
      code: `import { Worker } from 'bullmq';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const definition = protoLoader.loadSync('protos/ledger.proto');
const proto = grpc.loadPackageDefinition(definition) as any;
const ledger = new proto.ledger.v1.LedgerService(process.env.LEDGER_SERVICE_URL, grpc.credentials.createInsecure());

export const worker = new Worker('ledger-postings', async (job) => {
  await new Promise((resolve, reject) =>
    ledger.post(job.data, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))),
  );
});
`,
      errors: [{ messageId: 'noTimeout', line: 11, variant: 'grpc' }],
    },
    {
      name: 'NestJS event handler calling a class helper that fetches without a signal',
      filename: 'services/crm-sync/src/members.consumer.ts',
      code: `import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

@Controller()
export class MembersConsumer {
  @EventPattern('members.updated.v1')
  async onMemberUpdated(@Payload() event: { memberId: string }) {
    await this.pushToCrm(event);
  }

  private async pushToCrm(event: { memberId: string }) {
    await fetch(\`https://crm.example.com/contacts/\${event.memberId}\`, { method: 'PUT', body: JSON.stringify(event) });
  }
}
`,
      errors: [{ messageId: 'noTimeout', line: 12, variant: 'fetch' }],
    },
    {
      name: 'undici fetch without a signal in a kafkajs handler',
      code: `import { fetch } from 'undici';
import { Kafka } from 'kafkajs';
const consumer = new Kafka({ clientId: 'c', brokers: [] }).consumer({ groupId: 'g' });
export async function start() {
  await consumer.run({ eachMessage: async ({ message }) => {
    await fetch(\`\${process.env.CRM_SERVICE_URL}/contacts\`, { method: 'PUT', body: message.value! });
  } });
}
`,
      errors: [{ messageId: 'noTimeout', line: 6, column: 11, variant: 'fetch', precision: 'High' }],
    },
    {
      name: 'undici fetch imported under another name, next to node-fetch',
      code: `import { fetch as ufetch } from 'undici';
import nodeFetch from 'node-fetch';
import { Kafka } from 'kafkajs';
const consumer = new Kafka({ clientId: 'c', brokers: [] }).consumer({ groupId: 'g' });
export async function start() {
  await consumer.run({ eachMessage: async ({ message }) => {
    await ufetch(\`\${process.env.CRM_SERVICE_URL}/contacts\`, { method: 'PUT', body: message.value! });
    await nodeFetch(\`\${process.env.CRM_SERVICE_URL}/contacts\`, { method: 'PUT', body: message.value! });
  } });
}
`,
      errors: [
        { messageId: 'noTimeout', line: 7, column: 11, variant: 'fetch' },
        { messageId: 'noTimeout', line: 8, column: 11, variant: 'fetch' },
      ],
    },
    {
      name: 'undici namespace import: undici.fetch without a signal in an Express POST route',
      code: `import express from 'express';
import * as undici from 'undici';
const app = express();
app.post('/contacts', async (req, res) => {
  await undici.fetch('https://crm.example.com/contacts', { method: 'POST', body: JSON.stringify(req.body) });
  res.status(202).end();
});
`,
      errors: [{ messageId: 'noTimeout', line: 5, column: 9, variant: 'fetch' }],
    },
  ],
});
