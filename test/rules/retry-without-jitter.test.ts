import rule from '../../rules/code/retry-without-jitter.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

testCodeRule(rule, {
  valid: [
    {
      name: 'BullMQ exponential backoff with jitter (spec passing example)',
      code: `import { Queue } from 'bullmq';

const receiptsQueue = new Queue('receipts');

export async function enqueueReceipt(orderId: string) {
  await receiptsQueue.add('send-receipt', { orderId }, {
    jobId: \`receipt-\${orderId}\`,
    attempts: 6,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  });
}
`,
    },
    {
      name: 'libraries whose defaults or options randomise the backoff',
      code: `import pRetry from 'p-retry';
import retry from 'async-retry';
import axios from 'axios';
import axiosRetry from 'axios-retry';
import { retry as policyRetry, handleAll, ExponentialBackoff } from 'cockatiel';
import { Kafka } from 'kafkajs';
import { SQSClient } from '@aws-sdk/client-sqs';
import got from 'got';

const api = axios.create({ baseURL: process.env.PRICING_SERVICE_URL });
axiosRetry(api, { retries: 3, retryDelay: axiosRetry.exponentialDelay });
export const a = () => pRetry(() => api.get('/a'), { retries: 4, randomize: true });
export const b = () => retry(async () => api.get('/b'), { retries: 4 });
export const policy = policyRetry(handleAll, { maxAttempts: 5, backoff: new ExponentialBackoff({ maxDelay: 5_000 }) });
export const kafka = new Kafka({ clientId: 'x', brokers: [], retry: { retries: 8, initialRetryTime: 300 } });
export const sqs = new SQSClient({ maxAttempts: 5 });
export const tax = got.extend({ prefixUrl: 'http://tax', retry: { limit: 3 } });
`,
    },
    {
      name: 'constructs that never retry',
      code: `import pRetry from 'p-retry';
import { Queue } from 'bullmq';
import { retry, handleAll, ConstantBackoff } from 'cockatiel';

const q = new Queue('audit');
export const once = () => pRetry(() => fetch('https://audit.example'), { retries: 0 });
export const log = (e: object) => q.add('log', e, { attempts: 1, backoff: 5_000 });
export const single = retry(handleAll, { maxAttempts: 1, backoff: new ConstantBackoff(100) });
`,
    },
    {
      name: 'hand-rolled loops with a random source in the delay or its helper',
      code: `import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const withJitter = (ms: number) => ms / 2 + Math.random() * (ms / 2);
const backoff = (attempt: number) => sleep(Math.min(30_000, 2 ** attempt * 100) + randomInt(100));

export async function a(url: string) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await fetch(url);
    } catch {
      await sleep(withJitter(2 ** attempt * 100));
    }
  }
  throw new Error('unreachable');
}

export async function b(url: string) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await fetch(url);
    } catch {
      await backoff(attempt);
    }
  }
  throw new Error('unreachable');
}

export async function c(url: string) {
  let delay = 100;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await fetch(url);
    } catch {
      delay = Math.min(delay * 3, 10_000) * (0.5 + Math.random());
      await sleep(delay);
    }
  }
  throw new Error('unreachable');
}
`,
    },
    {
      name: 'a delay computed by a helper the analysis cannot read stays silent',
      code: `import { backoffDelay } from './backoff';
import { setTimeout as sleep } from 'node:timers/promises';

export async function call(url: string) {
  for (let attempt = 1; attempt <= 4; attempt++) {
    try {
      return await fetch(url);
    } catch {
      await sleep(backoffDelay(attempt));
    }
  }
  throw new Error('unreachable');
}
`,
    },
    {
      name: 'BullMQ custom backoff strategies live in the worker',
      code: `import { Queue } from 'bullmq';

const q = new Queue('payouts');
export const pay = (id: string) => q.add('payout', { id }, { attempts: 5, backoff: { type: 'custom' } });
`,
    },
    {
      name: 'options passed in from elsewhere are not guessed',
      code: `import pRetry, { type Options } from 'p-retry';

export const withRetry = <T>(fn: () => Promise<T>, options: Options) => pRetry(fn, options);
`,
    },
    {
      name: 'a fixed wait in a poll loop that is not a retry',
      code: `const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForExport(id: string) {
  for (let i = 0; i < 60; i++) {
    const job = await fetch(\`https://exports.internal/jobs/\${id}\`).then((r) => r.json());
    if (job.state === 'done') return job;
    await sleep(1_000);
  }
  throw new Error('export timed out');
}
`,
    },
  ],
  invalid: [
    {
      name: 'BullMQ exponential backoff without jitter (spec failing example)',
      code: `import { Queue } from 'bullmq';

const receiptsQueue = new Queue('receipts');

export async function enqueueReceipt(orderId: string) {
  await receiptsQueue.add('send-receipt', { orderId }, {
    attempts: 6,
    backoff: { type: 'exponential', delay: 1_000 },
  });
}
`,
      errors: [{ messageId: 'noJitter', line: 6, variant: 'bullmq-no-jitter', precision: 'High', severity: 'Important' }],
    },
    {
      name: 'BullMQ numeric backoff, no backoff, and defaultJobOptions',
      code: `import { Queue } from 'bullmq';

const emails = new Queue('emails', {
  connection: { host: 'redis' },
  defaultJobOptions: { attempts: 5, backoff: { type: 'fixed', delay: 30_000 } },
});

export const welcome = (userId: string) => emails.add('welcome', { userId }, { attempts: 3, backoff: 10_000 });
export const digest = (userId: string) => emails.add('digest', { userId }, { attempts: 4 });
`,
      errors: [
        { messageId: 'noJitter', line: 3, variant: 'bullmq-no-jitter' },
        { messageId: 'noJitter', line: 8, variant: 'bullmq-no-jitter' },
        { messageId: 'noJitter', line: 9, variant: 'bullmq-no-jitter' },
      ],
    },
    {
      name: 'p-retry without randomize and async-retry with randomize: false',
      code: `import pRetry from 'p-retry';
import retry from 'async-retry';

export async function syncInventory(sku: string) {
  await pRetry(() => fetch(\`https://inventory.internal/sync/\${sku}\`, { method: 'POST' }), { retries: 5, minTimeout: 500 });
}

export async function refreshToken() {
  return retry(async () => fetch('https://auth.internal/token', { method: 'POST' }), { retries: 3, randomize: false });
}
`,
      errors: [
        { messageId: 'noJitter', line: 5, variant: 'p-retry-no-randomize' },
        { messageId: 'noJitter', line: 9, variant: 'async-retry-randomize-false' },
      ],
    },
    {
      name: 'cockatiel constant, no-jitter exponential and fixed-list backoffs',
      code: `import { retry, handleAll, ConstantBackoff, ExponentialBackoff, noJitterGenerator, Policy } from 'cockatiel';

export const constant = retry(handleAll, { maxAttempts: 3, backoff: new ConstantBackoff(1_000) });
export const exponential = retry(handleAll, {
  maxAttempts: 5,
  backoff: new ExponentialBackoff({ generator: noJitterGenerator, initialDelay: 200 }),
});
export const fixedList = Policy.handleAll().retry().delay([100, 500, 2_000]);
`,
      errors: [
        { messageId: 'noJitter', line: 3, variant: 'cockatiel-deterministic-backoff' },
        { messageId: 'noJitter', line: 4, variant: 'cockatiel-deterministic-backoff' },
        { messageId: 'noJitter', line: 8, variant: 'cockatiel-deterministic-backoff' },
      ],
    },
    {
      name: 'axios-retry without retryDelay, with linearDelay, and with a deterministic function',
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';

const pricing = axios.create({ baseURL: process.env.PRICING_SERVICE_URL, timeout: 1_500 });
const tax = axios.create({ baseURL: process.env.TAX_SERVICE_URL, timeout: 1_500 });
const fx = axios.create({ baseURL: process.env.FX_SERVICE_URL, timeout: 1_500 });

axiosRetry(pricing, { retries: 3 });
axiosRetry(tax, { retries: 3, retryDelay: axiosRetry.linearDelay(500) });
axiosRetry(fx, { retries: 3, retryDelay: (retryCount) => retryCount * 1_000 });
`,
      errors: [
        { messageId: 'noJitter', line: 8, variant: 'axios-retry-no-jitter' },
        { messageId: 'noJitter', line: 9, variant: 'axios-retry-no-jitter' },
        { messageId: 'noJitter', line: 10, variant: 'axios-retry-no-jitter' },
      ],
    },
    {
      name: 'kafkajs with randomizationFactor: 0',
      code: `import { Kafka } from 'kafkajs';

export const kafka = new Kafka({
  clientId: 'orders',
  brokers: ['kafka:9092'],
  retry: { retries: 8, initialRetryTime: 300, randomizationFactor: 0 },
});
`,
      errors: [{ messageId: 'noJitter', line: 6, variant: 'kafkajs-no-randomization' }],
    },
    {
      name: 'hand-rolled loop and recursion with deterministic delays (reported at the delay)',
      code: `import { setTimeout as sleep } from 'node:timers/promises';

export async function pushOrder(order: { id: string }) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await fetch('https://erp.internal/orders', { method: 'POST', body: JSON.stringify(order) });
    } catch (err) {
      if (attempt === 5) throw err;
      await sleep(2 ** attempt * 100);
    }
  }
}

export class Notifier {
  private attempts = 0;

  async notify(body: string): Promise<void> {
    try {
      await fetch('https://hooks.example/notify', { method: 'POST', body });
      this.attempts = 0;
    } catch (err) {
      this.attempts++;
      if (this.attempts > 3) throw err;
      setTimeout(() => this.notify(body), 1_000);
    }
  }
}
`,
      errors: [
        { messageId: 'noJitter', line: 9, variant: 'hand-rolled-loop' },
        { messageId: 'noJitter', line: 24, variant: 'hand-rolled-loop' },
      ],
    },
    {
      name: 'a promise-wrapped setTimeout in a while loop with a counter',
      code: `export async function send(url: string, body: string) {
  let tries = 0;
  while (tries < 4) {
    try {
      const res = await fetch(url, { method: 'POST', body });
      if (!res.ok) throw new Error(String(res.status));
      return res;
    } catch {
      tries++;
      await new Promise((resolve) => setTimeout(resolve, 500 * tries));
    }
  }
  throw new Error('failed');
}
`,
      errors: [{ messageId: 'noJitter', line: 10, variant: 'hand-rolled-loop' }],
    },
  ],
});
