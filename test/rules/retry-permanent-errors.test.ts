import rule from '../../rules/code/retry-permanent-errors.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

testCodeRule(rule, {
  valid: [
    {
      name: 'axios-retry with a transient-only retryCondition (spec passing example)',
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';

const client = axios.create({ baseURL: process.env.TAX_SERVICE_URL, timeout: 2_000 });
axiosRetry(client, {
  retries: 4,
  retryDelay: axiosRetry.exponentialDelay,
  retryCondition: (error) =>
    axiosRetry.isNetworkError(error) ||
    error.response?.status === 429 ||
    (error.response?.status ?? 0) >= 500,
});
`,
    },
    {
      name: 'axios-retry default condition and got transient status codes',
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
import got from 'got';

axiosRetry(axios, { retries: 3, retryDelay: axiosRetry.exponentialDelay });
export const tax = got.extend({ prefixUrl: 'http://tax', retry: { limit: 3, statusCodes: [408, 413, 429, 500, 502, 503, 504] } });
`,
    },
    {
      name: 'p-retry that throws AbortError on 4xx, directly or from a helper',
      code: `import pRetry, { AbortError } from 'p-retry';

function assertTransient(res: Response) {
  if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new AbortError(\`permanent \${res.status}\`);
}

export const a = (id: string) =>
  pRetry(async () => {
    const res = await fetch(\`https://catalog.internal/items/\${id}\`);
    assertTransient(res);
    return res.json();
  }, { retries: 5, randomize: true });

export const b = (body: string) =>
  pRetry(async () => {
    const res = await fetch('https://ledger.internal/entries', { method: 'POST', body });
    if (res.status === 422) throw new AbortError('rejected');
    return res;
  }, { retries: 5, randomize: true });
`,
    },
    {
      name: 'p-retry with shouldRetry, async-retry calling bail',
      code: `import pRetry from 'p-retry';
import retry from 'async-retry';
import axios from 'axios';

export const a = (id: string) =>
  pRetry(() => axios.get(\`/users/\${id}\`), {
    retries: 4,
    randomize: true,
    shouldRetry: (error) => !axios.isAxiosError(error) || (error.response?.status ?? 500) >= 500,
  });

export const b = (id: string) =>
  retry(async (bail) => {
    const res = await fetch(\`https://crm.internal/contacts/\${id}\`);
    if (res.status === 404) return bail(new Error('no such contact'));
    return res.json();
  }, { retries: 4 });
`,
    },
    {
      name: 'p-retry around a database call only (no outbound or validation call)',
      code: `import pRetry from 'p-retry';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
export const bump = (id: string) => pRetry(() => prisma.counter.update({ where: { id }, data: { n: { increment: 1 } } }), { retries: 3, randomize: true });
`,
    },
    {
      name: 'cockatiel policies that classify, or handleAll around non-HTTP work',
      code: `import { retry, handleAll, handleType, ExponentialBackoff } from 'cockatiel';
import { PrismaClient } from '@prisma/client';

class TransientHttpError extends Error {}
const prisma = new PrismaClient();
const httpPolicy = retry(handleType(TransientHttpError), { maxAttempts: 3, backoff: new ExponentialBackoff() });
const dbPolicy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });

export const quote = (sku: string) => httpPolicy.execute(() => fetch(\`https://pricing.internal/\${sku}\`));
export const touch = (id: string) => dbPolicy.execute(() => prisma.session.update({ where: { id }, data: { seenAt: new Date() } }));
`,
    },
    {
      name: 'hand-rolled loops that inspect the error before retrying',
      code: `import { setTimeout as sleep } from 'node:timers/promises';
import axios from 'axios';

const isRetryable = (e: unknown) => axios.isAxiosError(e) && (!e.response || e.response.status >= 500);

export async function a(id: string) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await axios.get(\`/orders/\${id}\`);
    } catch (err) {
      if (!isRetryable(err) || attempt === 3) throw err;
      await sleep(attempt * 200 + Math.random() * 100);
    }
  }
}

export async function b(id: string) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await axios.get(\`/invoices/\${id}\`);
    } catch (error: any) {
      const status = error.response?.status;
      if (status && status < 500) throw error;
      await sleep(attempt * 200 + Math.random() * 100);
    }
  }
}

export async function c(id: string) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch(\`https://shipping.internal/labels/\${id}\`);
      if (res.status >= 400 && res.status < 500) return null;
      if (!res.ok) throw new Error(String(res.status));
      return await res.json();
    } catch {
      await sleep(attempt * 200 + Math.random() * 100);
    }
  }
  return null;
}
`,
    },
    {
      name: 'BullMQ processor that fails invalid jobs with UnrecoverableError',
      code: `import { Queue, Worker, UnrecoverableError } from 'bullmq';
import { z } from 'zod';

const Receipt = z.object({ orderId: z.string() });
export const receipts = new Queue('receipts', { defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 } } });

export const worker = new Worker('receipts', async (job) => {
  const parsed = Receipt.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(parsed.error.message);
  await fetch('https://mail.internal/receipts', { method: 'POST', body: JSON.stringify(parsed.data) });
});
`,
    },
    {
      name: 'BullMQ processor of a queue whose jobs are not retried',
      code: `import { Queue, Worker } from 'bullmq';

export const audit = new Queue('audit');
export const enqueue = (e: object) => audit.add('entry', e, { attempts: 1 });
export const worker = new Worker('audit', async (job) => {
  if (!job.data.actor) throw new Error('actor missing');
  await fetch('https://audit.internal', { method: 'POST', body: JSON.stringify(job.data) });
});
`,
    },
    {
      name: 'a loop that stops on a runtime condition has no known bound',
      code: `export class Forwarder {
  private running = true;
  async forward(body: string, sleep: (ms: number) => Promise<void>) {
    while (this.running) {
      try {
        await fetch('https://hooks.example', { method: 'POST', body });
        return;
      } catch {
        await sleep(1_000 + Math.random() * 500);
      }
    }
  }
}
`,
    },
    {
      name: 'a BullMQ processor that fails on upstream status, not on job data',
      code: `import { Queue, Worker } from 'bullmq';

const webhooks = new Queue('partner-webhooks', { defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 } } });

export const worker = new Worker('partner-webhooks', async (job) => {
  const res = await fetch(job.data.url, { method: 'POST', body: JSON.stringify(job.data.payload) });
  if (res.status >= 500 || res.status === 429) throw new Error(\`partner returned \${res.status}\`);
  return { status: res.status };
});
`,
    },
    {
      name: 'unbounded loops are left to unbounded-retry',
      code: `export async function forever(url: string) {
  while (true) {
    try {
      return await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
`,
    },
  ],
  invalid: [
    {
      name: 'axios-retry retryCondition: () => true (spec failing example)',
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';

const client = axios.create({ baseURL: process.env.TAX_SERVICE_URL, timeout: 2_000 });
axiosRetry(client, {
  retries: 4,
  retryDelay: axiosRetry.exponentialDelay,
  retryCondition: () => true,
});
`,
      errors: [{ messageId: 'permanentErrors', line: 8, variant: 'retry-everything', precision: 'High', severity: 'Important' }],
    },
    {
      name: 'axios-retry condition that only asks for a response, got retrying 400 and 404',
      code: `import axios from 'axios';
import axiosRetry from 'axios-retry';
import got from 'got';

axiosRetry(axios, { retries: 3, retryCondition: (error) => !!error.response || axios.isAxiosError(error) });

export const fetchProfile = (id: string) =>
  got(\`https://profiles.internal/\${id}\`, { retry: { limit: 4, statusCodes: [400, 404, 500, 503] } }).json();
`,
      errors: [
        { messageId: 'permanentErrors', line: 5, variant: 'retry-everything', precision: 'High' },
        { messageId: 'permanentErrors', line: 8, variant: 'retry-everything', precision: 'High' },
      ],
    },
    {
      name: 'cockatiel handleAll around an HTTP call and around schema validation',
      code: `import { retry, handleAll, ExponentialBackoff, wrap, timeout, TimeoutStrategy } from 'cockatiel';
import { z } from 'zod';

const Quote = z.object({ sku: z.string(), cents: z.number() });
const policy = retry(handleAll, { maxAttempts: 4, backoff: new ExponentialBackoff() });
const guarded = wrap(policy, timeout(1_500, TimeoutStrategy.Aggressive));

export class PricingClient {
  private readonly parsing = retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() });

  quote(sku: string) {
    return guarded.execute(() => fetch(\`https://pricing.internal/quotes/\${sku}\`));
  }

  read(raw: string) {
    return this.parsing.execute(() => Quote.parse(JSON.parse(raw)));
  }
}
`,
      errors: [
        { messageId: 'permanentErrors', line: 5, variant: 'retry-everything', precision: 'High' },
        { messageId: 'permanentErrors', line: 9, variant: 'retry-everything', precision: 'High' },
      ],
    },
    {
      name: 'p-retry without AbortError or shouldRetry around an HTTP call (through a local helper)',
      code: `import pRetry from 'p-retry';
import axios from 'axios';

const crm = axios.create({ baseURL: process.env.CRM_SERVICE_URL, timeout: 2_000 });

async function upsertContact(contact: { email: string }) {
  return crm.put(\`/contacts/\${contact.email}\`, contact);
}

export async function syncContact(contact: { email: string }) {
  await pRetry(() => upsertContact(contact), { retries: 6, randomize: true });
}
`,
      errors: [{ messageId: 'permanentErrors', line: 11, variant: 'no-escape-hatch', precision: 'Medium' }],
    },
    {
      name: 'async-retry whose callback never calls bail, around payload validation',
      code: `import retry from 'async-retry';
import Ajv from 'ajv';

const ajv = new Ajv();
const validateEvent = ajv.compile({ type: 'object', required: ['id'] });

export async function ingest(raw: string) {
  return retry(async () => {
    const event = JSON.parse(raw);
    if (!validateEvent(event)) throw new Error('invalid event');
    await fetch('https://events.internal', { method: 'POST', body: raw });
  }, { retries: 5 });
}
`,
      errors: [{ messageId: 'permanentErrors', line: 8, variant: 'no-escape-hatch', precision: 'Medium' }],
    },
    {
      name: 'BullMQ processor that throws a plain Error on invalid job data',
      code: `import { Queue, Worker } from 'bullmq';
import { z } from 'zod';

const Payout = z.object({ accountId: z.string(), cents: z.number().int().positive() });
const payouts = new Queue('payouts');

export const schedulePayout = (accountId: string, cents: number) =>
  payouts.add('payout', { accountId, cents }, { attempts: 8, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 } });

export const worker = new Worker('payouts', async (job) => {
  const { accountId } = job.data;
  if (!accountId) throw new Error('accountId missing');
  const payout = Payout.parse(job.data);
  await fetch('https://payments.internal/payouts', { method: 'POST', body: JSON.stringify(payout) });
});
`,
      errors: [{ messageId: 'permanentErrors', line: 12, variant: 'job-retries-invalid-input', precision: 'Medium' }],
    },
    {
      name: 'bounded loops and recursion whose catch never looks at the error',
      code: `import { setTimeout as sleep } from 'node:timers/promises';
import axios from 'axios';

export async function pushShipment(shipment: { id: string }) {
  let attempt = 0;
  while (attempt < 4) {
    try {
      await axios.post('https://carrier.example/shipments', shipment);
      return;
    } catch {
      attempt++;
      await sleep(attempt * 500 + Math.random() * 250);
    }
  }
  throw new Error('carrier unavailable');
}

export async function getRate(currency: string, attemptsLeft = 2): Promise<number> {
  try {
    const { data } = await axios.get(\`https://fx.example/rates/\${currency}\`);
    return data.rate;
  } catch (err) {
    console.warn('rate lookup failed', err);
    if (attemptsLeft === 0) throw err;
    return getRate(currency, attemptsLeft - 1);
  }
}

export async function fetchStatus(url: string) {
  for (let i = 0; i < 5; i++) {
    const res = await fetch(url);
    if (res.ok) return res.json();
    await sleep(300 + Math.random() * 300);
  }
  throw new Error('status unavailable');
}
`,
      errors: [
        { messageId: 'permanentErrors', line: 10, variant: 'hand-rolled-loop', precision: 'Medium' },
        { messageId: 'permanentErrors', line: 22, variant: 'hand-rolled-loop', precision: 'Medium' },
        { messageId: 'permanentErrors', line: 30, variant: 'hand-rolled-loop', precision: 'Medium' },
      ],
    },
  ],
});
