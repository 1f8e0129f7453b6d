import rule from '../../rules/code/stacked-retries.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

testCodeRule(rule, {
  valid: [
    {
      name: 'one retry layer: the client owns the budget (spec passing example)',
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';

const api = axios.create({ baseURL: process.env.PRICING_SERVICE_URL, timeout: 1_500 });
axiosRetry(api, {
  retries: 3,
  retryDelay: axiosRetry.exponentialDelay,
  retryCondition: axiosRetry.isNetworkOrIdempotentRequestError,
});

// Pattern: one retry layer - the client owns the retry budget.
export const quote = (sku: string) => api.get(\`/quotes/\${sku}\`);
`,
    },
    {
      name: 'a retry around clients that do not retry by themselves',
      code: `import pRetry from 'p-retry';
import axios from 'axios';
import axiosRetry from 'axios-retry';

const pricing = axios.create({ baseURL: process.env.PRICING_SERVICE_URL });
const inventory = axios.create({ baseURL: process.env.INVENTORY_SERVICE_URL });
axiosRetry(pricing, { retries: 3, retryDelay: axiosRetry.exponentialDelay });

export const stock = (sku: string) => pRetry(() => inventory.get(\`/stock/\${sku}\`), { retries: 4, randomize: true });
export const ping = () => pRetry(() => fetch('https://status.example/ping'), { retries: 4, randomize: true });
`,
    },
    {
      name: 'a layer with a single attempt does not stack',
      code: `import pRetry from 'p-retry';
import { Kafka } from 'kafkajs';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import axios from 'axios';
import axiosRetry from 'axios-retry';

const producer = new Kafka({ clientId: 'audit', brokers: ['kafka:9092'] }).producer({ retry: { retries: 0 } });
const s3 = new S3Client({ region: 'eu-west-1', maxAttempts: 1 });
const api = axios.create({ baseURL: process.env.LEDGER_SERVICE_URL });
axiosRetry(api, { retries: 3, retryDelay: axiosRetry.exponentialDelay });

export const audit = (value: string) => pRetry(() => producer.send({ topic: 'audit.v1', messages: [{ value }] }), { retries: 3, randomize: true });
export const archive = (key: string, body: string) => pRetry(() => s3.send(new PutObjectCommand({ Bucket: 'archive', Key: key, Body: body })), { retries: 3, randomize: true });
export const post = (entry: object) => pRetry(() => api.post('/entries', entry), { retries: 0 });
`,
    },
    {
      name: 'a hand-rolled loop around a plain fetch',
      code: `import { setTimeout as sleep } from 'node:timers/promises';

export async function load(url: string) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await fetch(url);
    } catch (err) {
      if (attempt === 3) throw err;
      await sleep(attempt * 100 + Math.random() * 100);
    }
  }
}
`,
    },
  ],
  invalid: [
    {
      name: 'pRetry around an axios instance configured with axios-retry (spec failing example)',
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
import pRetry from 'p-retry';

const api = axios.create({ baseURL: process.env.PRICING_SERVICE_URL, timeout: 1_500 });
axiosRetry(api, { retries: 3, retryDelay: axiosRetry.exponentialDelay });

export const quote = (sku: string) =>
  pRetry(() => api.get(\`/quotes/\${sku}\`), { retries: 5, randomize: true });
`,
      errors: [{ messageId: 'stackedRetries', line: 9, variant: 'nested-retry-layers', precision: 'Medium', severity: 'Important' }],
    },
    {
      name: 'p-retry around a kafkajs producer (client retries by default)',
      code: `import pRetry from 'p-retry';
import { Kafka } from 'kafkajs';

const kafka = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] });
const producer = kafka.producer({ idempotent: true });

export async function publishOrderPlaced(order: { id: string }) {
  await pRetry(
    () => producer.send({ topic: 'orders.placed.v1', messages: [{ key: order.id, value: JSON.stringify(order) }] }),
    { retries: 4, randomize: true },
  );
}
`,
      errors: [{ messageId: 'stackedRetries', line: 8 }],
    },
    {
      name: 'a hand-rolled loop around an AWS SDK v3 client (SDK default retries)',
      code: `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';

const sqs = new SQSClient({ region: 'eu-west-1' });

export async function enqueue(body: string) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await sqs.send(new SendMessageCommand({ QueueUrl: process.env.JOBS_QUEUE_URL, MessageBody: body }));
    } catch (err) {
      if (attempt === 5) throw err;
      await sleep(attempt * 200 + Math.random() * 200);
    }
  }
}
`,
      errors: [{ messageId: 'stackedRetries', line: 7 }],
    },
    {
      name: 'a cockatiel policy around a got instance that retries',
      code: `import got from 'got';
import { retry, handleAll, ExponentialBackoff } from 'cockatiel';

const tax = got.extend({ prefixUrl: process.env.TAX_SERVICE_URL, retry: { limit: 2 } });
const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });

export const rate = (region: string) => policy.execute(() => tax.get(\`rates/\${region}\`).json());
`,
      errors: [{ messageId: 'stackedRetries', line: 7 }],
    },
    {
      name: 'a service method retries a repository method that retries (one helper hop)',
      code: `import pRetry from 'p-retry';
import axios from 'axios';
import axiosRetry from 'axios-retry';

export class PaymentsGateway {
  private readonly http = axios.create({ baseURL: process.env.PSP_URL, timeout: 3_000 });

  constructor() {
    axiosRetry(this.http, { retries: 2, retryDelay: axiosRetry.exponentialDelay });
  }

  async capture(paymentId: string) {
    return this.http.post(\`/payments/\${paymentId}/capture\`);
  }

  async captureWithRetry(paymentId: string) {
    return pRetry(() => this.capture(paymentId), { retries: 3, randomize: true });
  }
}
`,
      errors: [{ messageId: 'stackedRetries', line: 17 }],
    },
    {
      name: 'a retry helper used inside a hand-rolled loop, and nested pRetry calls',
      code: `import pRetry from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';

const withRetry = <T>(fn: () => Promise<T>) => pRetry(fn, { retries: 2, randomize: true });

export async function sync(id: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await withRetry(() => fetch(\`https://crm.internal/sync/\${id}\`, { method: 'POST' }));
    } catch {
      await sleep(500 + Math.random() * 500);
    }
  }
}

export const nested = (id: string) =>
  pRetry(() => pRetry(() => fetch(\`https://crm.internal/contacts/\${id}\`), { retries: 3, randomize: true }), { retries: 3, randomize: true });
`,
      errors: [
        { messageId: 'stackedRetries', line: 7 },
        { messageId: 'stackedRetries', line: 17 },
      ],
    },
  ],
});
