import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/code/unbounded-retry.js';
import { defaultConfig } from '../../src/config/schema.js';
import { runCodeRules } from '../../src/review/code-runner.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

testCodeRule(rule, {
  valid: [
    {
      name: 'bounded retry options shared through a const',
      code: `import pRetry from 'p-retry';
const RETRY_OPTS = { retries: 5, randomize: true };
export const a = () => pRetry(() => fetch('https://a.example.com', { method: 'POST', signal: AbortSignal.timeout(2000) }), RETRY_OPTS);
export const b = () => pRetry(() => fetch('https://b.example.com', { method: 'POST', signal: AbortSignal.timeout(2000) }), RETRY_OPTS);
`,
    },
    {
      name: 'p-retry bounded, jittered, with AbortError (spec passing example)',
      code: `import pRetry, { AbortError } from 'p-retry';

export async function notifyPartner(payload: unknown) {
  return pRetry(
    async () => {
      const res = await fetch(\`\${process.env.PARTNER_URL}/events\`, {
        method: 'POST',
        body: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(2_000),
      });
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        throw new AbortError(\`permanent failure \${res.status}\`);
      }
      if (!res.ok) throw new Error(\`transient failure \${res.status}\`);
    },
    { retries: 5, factor: 2, minTimeout: 200, randomize: true },
  );
}
`,
    },
    {
      name: 'library defaults are finite',
      code: `import pRetry from 'p-retry';
import retry from 'async-retry';
import axios from 'axios';
import axiosRetry from 'axios-retry';

axiosRetry(axios);
export const a = () => pRetry(() => fetch('https://a.example'));
export const b = () => retry(async () => fetch('https://b.example'));
`,
    },
    {
      name: 'while (true) with an attempt counter checked in the catch',
      code: `import { setTimeout as sleep } from 'node:timers/promises';
import axios from 'axios';

export async function pushInvoice(invoice: { id: string }) {
  let attempt = 0;
  while (true) {
    try {
      await axios.post(\`\${process.env.BILLING_URL}/invoices\`, invoice);
      return;
    } catch (err) {
      attempt += 1;
      if (attempt >= 5) throw err;
      await sleep(2 ** attempt * 100 + Math.random() * 100);
    }
  }
}
`,
    },
    {
      name: 'for loop with a bound in the header',
      code: `const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fetchRates(): Promise<unknown> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch('https://rates.example/latest');
      return await res.json();
    } catch {
      await sleep(attempt * 250);
    }
  }
  throw new Error('rates unavailable');
}
`,
    },
    {
      name: 'a deadline bounds the loop',
      code: `import { setTimeout as sleep } from 'node:timers/promises';

export async function waitForLedger(id: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await fetch(\`https://ledger.internal/entries/\${id}\`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}
`,
    },
    {
      name: 'reconnect loop around connection set-up only (legitimate, rule 6 false positives)',
      code: `import { Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

const consumer = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });

export async function connectForever() {
  while (true) {
    try {
      await consumer.connect();
      break;
    } catch {
      await sleep(5_000);
    }
  }
}
`,
    },
    {
      name: 'consumer poll loop: success keeps polling, so it is not a retry',
      code: `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';

const sqs = new SQSClient({});

export async function poll(queueUrl: string, handle: (body: string) => Promise<void>) {
  while (true) {
    try {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }));
      for (const m of Messages) {
        await handle(m.Body ?? '');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    } catch (err) {
      console.error('poll failed', err);
      await sleep(1_000);
    }
  }
}
`,
    },
    {
      name: 'a catch that always rethrows is a single attempt',
      code: `export async function once(url: string) {
  while (true) {
    try {
      return await fetch(url);
    } catch (err) {
      throw new Error('upstream failed', { cause: err });
    }
  }
}
`,
    },
    {
      name: 'recursion with a decreasing counter parameter',
      code: `export async function deliver(url: string, body: string, retriesLeft = 3): Promise<Response> {
  try {
    return await fetch(url, { method: 'POST', body });
  } catch (err) {
    if (retriesLeft <= 0) throw err;
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 200));
    return deliver(url, body, retriesLeft - 1);
  }
}
`,
    },
    {
      name: 'recursion with an increasing counter that a retry policy judges (a predicate helper, a policy object)',
      code: `const MAX = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function giveUp(attempt: number): boolean { return attempt >= MAX; }
const policy = { shouldRetry: (n: number) => n < MAX };

export async function connectA(attempt = 0): Promise<void> {
  try {
    await fetch('https://partner.example/api');
  } catch (err) {
    if (giveUp(attempt)) throw err;
    await sleep(2 ** attempt * 100 + Math.random() * 100);
    return connectA(attempt + 1);
  }
}

export async function connectC(attempt = 1): Promise<void> {
  try {
    await fetch('https://partner.example/api');
  } catch (err) {
    if (!policy.shouldRetry(attempt)) throw err;
    await sleep(2 ** attempt * 100 + Math.random() * 100);
    await connectC(attempt + 1);
  }
}
`,
    },
    {
      name: 'recursion with an increasing counter compared with a limit (a guard, a ternary, a rejection handler)',
      code: `const MAX_ATTEMPTS = 5;

export async function deliver(url: string, body: string, attempt = 0): Promise<void> {
  try {
    await fetch(url, { method: 'POST', body });
  } catch (err) {
    if (attempt >= MAX_ATTEMPTS) throw err;
    return deliver(url, body, attempt + 1);
  }
}

export async function notify(url: string, attempt = 0): Promise<void> {
  try {
    await fetch(url, { method: 'POST' });
  } catch (err) {
    return attempt < 5 ? notify(url, attempt + 1) : Promise.reject(err);
  }
}

export function ping(url: string, attempt = 0): Promise<unknown> {
  return fetch(url).catch((err) => {
    if (attempt >= MAX_ATTEMPTS) throw err;
    return ping(url, attempt + 1);
  });
}
`,
    },
    {
      name: 'bounded library options, including a cockatiel policy with maxAttempts',
      code: `import { Queue } from 'bullmq';
import { retry, handleAll, ExponentialBackoff } from 'cockatiel';
import { Kafka } from 'kafkajs';

export const receipts = new Queue('receipts', { defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 } } });
export const policy = retry(handleAll, { maxAttempts: 4, backoff: new ExponentialBackoff() });
export const kafka = new Kafka({ clientId: 'x', brokers: [], retry: { retries: 8 } });
`,
    },
    {
      name: 'attempts within a raised thresholds.maxAttempts',
      config: { thresholds: { ...defaultConfig.thresholds, maxAttempts: 200 } },
      code: `import { Queue } from 'bullmq';

const exports = new Queue('exports');
export const enqueue = (id: string) => exports.add('export', { id }, { attempts: 100, backoff: { type: 'exponential', delay: 500, jitter: 1 } });
`,
    },
    {
      name: 'a loop that stops on a runtime condition is not reported as unbounded',
      code: `export class Forwarder {
  private running = true;
  async forward(body: string, sleep: (ms: number) => Promise<void>) {
    while (this.running) {
      try {
        await fetch('https://hooks.example', { method: 'POST', body });
        return;
      } catch {
        await sleep(1_000);
      }
    }
  }
}
`,
    },
    {
      name: 'a suppression with a reason on the line before the loop',
      code: `import { setTimeout as sleep } from 'node:timers/promises';

export async function warmCache(load: () => Promise<void>) {
  // arch-review-disable-next-line unbounded-retry -- idempotent cache warm-up, stops on SIGTERM
  while (true) {
    try {
      await load();
      return;
    } catch {
      await sleep(5_000 + Math.random() * 1_000);
    }
  }
}
`,
    },
    {
      name: 'waiting for a health endpoint (status polling, no try/catch)',
      code: `const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntilHealthy(url: string) {
  while (true) {
    const res = await fetch(\`\${url}/healthz\`);
    if (res.ok) return;
    await sleep(1_000);
  }
}
`,
    },
    {
      name: 'a requeue bounded by the delivery count (x-death) is not a loop',
      code: `import amqp from 'amqplib';
const ch = await (await amqp.connect('amqp://rabbit')).createChannel();
await ch.prefetch(4);
await ch.consume('q.v1', async (msg) => {
  if (!msg) return;
  try {
    await apply(msg);
    ch.ack(msg);
  } catch {
    const deaths = (msg.properties.headers?.['x-death']?.[0]?.count ?? 0) as number;
    if (deaths > 5) ch.nack(msg, false, false);
    else ch.nack(msg);
  }
});
async function apply(x: unknown) {}
`,
    },
    {
      name: 'nack without requeue and JetStream with a finite max_deliver const',
      code: `import { connect } from 'nats';
const MAX_DELIVER = 5;
const nc = await connect();
const js = nc.jetstream();
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('CATALOG', { durable_name: 'import', max_deliver: MAX_DELIVER });
const consumer = await js.consumers.get('CATALOG', 'import');
for await (const m of await consumer.consume()) {
  try {
    await save(m.json());
    m.ack();
  } catch {
    m.nak(2_000);
  }
}
async function save(x: unknown) {}
`,
    },
  ],
  invalid: [
    {
      name: 'while (true) around axios.post with a fixed delay (spec failing example)',
      code: `import axios from 'axios';

export async function notifyPartner(payload: unknown) {
  while (true) {
    try {
      await axios.post(\`\${process.env.PARTNER_URL}/events\`, payload, { timeout: 2_000 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
`,
      errors: [{ messageId: 'unboundedRetry', line: 4, endLine: 11, variant: 'hand-rolled-loop', precision: 'High', severity: 'Important' }],
    },
    {
      name: 'p-retry forever and retries: Infinity (reported where the limit is set)',
      code: `import pRetry from 'p-retry';
import { Kafka } from 'kafkajs';

const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();

export async function publish(value: string) {
  await pRetry(() => producer.send({ topic: 'orders.v1', messages: [{ value }] }), { forever: true });
}

export const syncCatalog = () =>
  pRetry(async () => fetch('https://catalog.internal/sync', { method: 'POST' }), {
    retries: Infinity,
    randomize: true,
  });
`,
      errors: [
        { messageId: 'unboundedRetry', line: 7, variant: 'library', precision: 'High' },
        { messageId: 'unboundedRetry', line: 12, variant: 'library', precision: 'High' },
      ],
    },
    {
      name: 'retry options shared through a const: one finding per pRetry call, at the call',
      code: `import pRetry from 'p-retry';
const RETRY_OPTS = { retries: Infinity, randomize: true };
export const a = (p: unknown) => pRetry(() => fetch('https://a.example.com', { method: 'POST', signal: AbortSignal.timeout(2000) }), RETRY_OPTS);
export const b = (p: unknown) => pRetry(() => fetch('https://b.example.com', { method: 'POST', signal: AbortSignal.timeout(2000) }), RETRY_OPTS);
`,
      errors: [
        { messageId: 'unboundedRetry', line: 3, column: 34, variant: 'library', precision: 'High' },
        { messageId: 'unboundedRetry', line: 4, column: 34, variant: 'library', precision: 'High' },
      ],
    },
    {
      name: 'options const used by one call (forever: true) and BullMQ job options shared by two adds: reported at the calls',
      code: `import pRetry from 'p-retry';
import { Queue } from 'bullmq';

const FOREVER = { forever: true } as const;
const JOB_OPTS = { attempts: Infinity, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 } };
const emails = new Queue('emails', { connection: { host: 'redis' } });

export async function sync() {
  await pRetry(() => fetch('https://catalog.internal/sync', { method: 'POST' }), FOREVER);
}
export const welcome = (userId: string) => emails.add('welcome', { userId }, JOB_OPTS);
export const goodbye = (userId: string) => emails.add('goodbye', { userId }, JOB_OPTS);
`,
      errors: [
        { messageId: 'unboundedRetry', line: 9, column: 9, variant: 'library' },
        { messageId: 'unboundedRetry', line: 11, column: 44, variant: 'library' },
        { messageId: 'unboundedRetry', line: 12, column: 44, variant: 'library' },
      ],
    },
    {
      name: 'async-retry forever and axios-retry with infinite retries',
      code: `import retry from 'async-retry';
import axios from 'axios';
import axiosRetry from 'axios-retry';

const tax = axios.create({ baseURL: process.env.TAX_SERVICE_URL });
axiosRetry(tax, { retries: Number.POSITIVE_INFINITY, retryDelay: axiosRetry.exponentialDelay });

export const quote = (sku: string) => retry(async () => tax.get(\`/quotes/\${sku}\`), { forever: true });
`,
      errors: [
        { messageId: 'unboundedRetry', line: 6, variant: 'library' },
        { messageId: 'unboundedRetry', line: 8, variant: 'library' },
      ],
    },
    {
      name: 'cockatiel v3 policy without maxAttempts, and a fluent policy without attempts',
      code: `import { retry, handleAll, ExponentialBackoff, Policy } from 'cockatiel';

export const v3 = retry(handleAll, { backoff: new ExponentialBackoff() });
export const v2 = Policy.handleAll().retry().exponential({ maxDelay: 10_000 });
`,
      errors: [
        { messageId: 'unboundedRetry', line: 3, variant: 'library' },
        { messageId: 'unboundedRetry', line: 4, variant: 'library' },
      ],
    },
    {
      name: 'BullMQ attempts above the threshold and kafkajs infinite client retries',
      code: `import { Queue } from 'bullmq';
import { Kafka } from 'kafkajs';

const emails = new Queue('emails', {
  defaultJobOptions: { attempts: Number.MAX_SAFE_INTEGER, backoff: { type: 'exponential', delay: 1000, jitter: 0.3 } },
});

export async function sendWelcome(userId: string) {
  await emails.add('welcome', { userId }, { attempts: 1000, backoff: { type: 'fixed', delay: 60_000, jitter: 0.5 } });
}

export const kafka = new Kafka({ clientId: 'mailer', brokers: ['kafka:9092'], retry: { retries: Infinity } });
`,
      errors: [
        { messageId: 'unboundedRetry', line: 5, variant: 'library' },
        { messageId: 'unboundedRetry', line: 9, variant: 'library' },
        { messageId: 'unboundedRetry', line: 12, variant: 'library' },
      ],
    },
    {
      name: 'a lowered thresholds.maxAttempts makes 30 attempts unbounded',
      config: { thresholds: { ...defaultConfig.thresholds, maxAttempts: 20 } },
      code: `import { Queue } from 'bullmq';

const q = new Queue('webhooks');
export const deliver = (id: string) => q.add('deliver', { id }, { attempts: 30, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 } });
`,
      errors: [{ messageId: 'unboundedRetry', line: 4, variant: 'library' }],
    },
    {
      name: 'for (;;) whose catch only classifies the error, never counts',
      code: `import { setTimeout as sleep } from 'node:timers/promises';

export async function chargeCard(client: { post(path: string, body: unknown): Promise<unknown> }, body: unknown) {
  for (;;) {
    try {
      return await client.post('/charges', body);
    } catch (error) {
      if ((error as { status?: number }).status === 400) throw error;
      await sleep(1_000);
    }
  }
}
`,
      errors: [{ messageId: 'unboundedRetry', line: 4, variant: 'hand-rolled-loop' }],
    },
    {
      name: 'do...while (true) and a flag loop in a NestJS-style service',
      code: `import { Injectable } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { firstValueFrom } from 'rxjs';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Injectable()
export class ShippingClient {
  constructor(private readonly http: HttpService) {}

  async createLabel(orderId: string) {
    do {
      try {
        const res = await firstValueFrom(this.http.post('/labels', { orderId }));
        return res.data;
      } catch {
        await delay(2_000);
      }
    } while (true);
  }

  async cancelLabel(labelId: string) {
    let cancelled = false;
    while (!cancelled) {
      try {
        await firstValueFrom(this.http.delete(\`/labels/\${labelId}\`));
        cancelled = true;
      } catch (err) {
        console.warn('cancel failed, retrying', err);
        await delay(2_000);
      }
    }
  }
}
`,
      errors: [
        { messageId: 'unboundedRetry', line: 12, variant: 'hand-rolled-loop' },
        { messageId: 'unboundedRetry', line: 24, variant: 'hand-rolled-loop' },
      ],
    },
    {
      name: 'recursion from the catch without a counter',
      code: `export class WebhookSender {
  async send(url: string, body: string): Promise<void> {
    try {
      await fetch(url, { method: 'POST', body });
    } catch (err) {
      console.error('webhook failed', err);
      setTimeout(() => this.send(url, body), 5_000);
    }
  }
}

export async function post(url: string, body: string): Promise<Response> {
  try {
    return await fetch(url, { method: 'POST', body });
  } catch {
    await new Promise((r) => setTimeout(r, 1_000));
    return post(url, body);
  }
}
`,
      errors: [
        { messageId: 'unboundedRetry', line: 7, variant: 'hand-rolled-loop' },
        { messageId: 'unboundedRetry', line: 17, variant: 'hand-rolled-loop' },
      ],
    },
    {
      name: 'recursion with an increasing counter that only feeds the backoff',
      code: `import axios from 'axios';

export async function sendWebhook(url: string, body: unknown, attempt = 0): Promise<void> {
  try {
    await axios.post(url, body);
  } catch {
    await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 60_000)));
    return sendWebhook(url, body, attempt + 1);
  }
}
`,
      errors: [{ messageId: 'unboundedRetry', line: 8, column: 12, variant: 'hand-rolled-loop', precision: 'High' }],
    },
    {
      name: 'recursion with an increasing counter that is only logged, counted or fed to a delay helper',
      code: `import axios from 'axios';
declare function logRetry(n: number): void;
declare const metrics: { retries(n: number): void };
declare function retryDelay(n: number): number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendWebhook(url: string, body: unknown, attempt = 0): Promise<void> {
  try {
    await axios.post(url, body);
  } catch {
    logRetry(attempt);
    metrics.retries(attempt);
    await sleep(retryDelay(attempt));
    return sendWebhook(url, body, attempt + 1);
  }
}
`,
      errors: [{ messageId: 'unboundedRetry', line: 14, column: 12, variant: 'hand-rolled-loop', precision: 'High' }],
    },
    {
      name: 'recursion from promise rejection handlers: .catch() with a timer, an async .catch(), .then(ok, onRejected)',
      code: `import axios from 'axios';

export function sendWebhook(url: string, body: unknown): void {
  axios.post(url, body).catch(() => {
    setTimeout(() => sendWebhook(url, body), 1000);
  });
}

export function postEvent(url: string, body: unknown): Promise<void> {
  return axios.post(url, body).then(() => undefined).catch(async () => {
    await new Promise((r) => setTimeout(r, 1000));
    return postEvent(url, body);
  });
}

export function notify(url: string, body: unknown): Promise<void> {
  return axios.post(url, body).then(
    () => undefined,
    () => notify(url, body),
  );
}
`,
      errors: [
        { messageId: 'unboundedRetry', line: 5, column: 22, variant: 'hand-rolled-loop', precision: 'High' },
        { messageId: 'unboundedRetry', line: 12, column: 12, variant: 'hand-rolled-loop', precision: 'High' },
        { messageId: 'unboundedRetry', line: 19, column: 11, variant: 'hand-rolled-loop', precision: 'High' },
      ],
    },
    {
      name: 'recursion from a named rejection handler: a local function, a const arrow, a bound method',
      code: `import axios from 'axios';

export function sendWebhook(url: string, body: unknown): void {
  axios.post(url, body).catch(onFailure);
  function onFailure(err: unknown) {
    console.warn('webhook failed', err);
    setTimeout(() => sendWebhook(url, body), 1000);
  }
}

export function postEvent(url: string, body: unknown): Promise<void> {
  const again = () => postEvent(url, body);
  return axios.post(url, body).then(() => undefined, again);
}

export class Notifier {
  notify(url: string, body: unknown): Promise<void> {
    return axios.post(url, body).then(() => undefined).catch(this.onError.bind(this, url, body));
  }
  private onError(url: string, body: unknown) {
    return this.notify(url, body);
  }
}
`,
      errors: [
        { messageId: 'unboundedRetry', line: 7, column: 22, variant: 'hand-rolled-loop', precision: 'High' },
        { messageId: 'unboundedRetry', line: 12, column: 23, variant: 'hand-rolled-loop', precision: 'High' },
        { messageId: 'unboundedRetry', line: 21, column: 12, variant: 'hand-rolled-loop', precision: 'High' },
      ],
    },
    {
      name: 'a pRetry whose import cannot be resolved is a name-only guess (Medium)',
      code: `import { pRetry } from './lib/resilience';

export const refresh = () => pRetry(() => fetch('https://tokens.internal/refresh'), { retries: Infinity });
`,
      errors: [{ messageId: 'unboundedRetry', line: 3, variant: 'library', precision: 'Medium' }],
    },
    {
      name: 'amqplib nack (requeue defaults to true) on the catch-all path, no DLX: Critical requeue loop',
      code: `import amqp from 'amqplib';
const conn = await amqp.connect('amqp://rabbit');
const ch = await conn.createChannel();
await ch.assertQueue('inventory.cycle-count-completed.v1', { durable: true });
await ch.prefetch(4);
await ch.consume('inventory.cycle-count-completed.v1', async (msg) => {
  if (!msg) return;
  try {
    await apply(JSON.parse(msg.content.toString()));
    ch.ack(msg);
  } catch (err) {
    console.warn('failed, requeueing', err);
    ch.nack(msg);
  }
});
async function apply(x: unknown) {}
`,
      errors: [{ messageId: 'unboundedRetry', line: 13, variant: 'requeue-loop', severity: 'Critical', precision: 'High' }],
    },
    {
      name: 'the same requeue with a dead-letter exchange on the queue stays Important',
      code: `import amqp from 'amqplib';
const conn = await amqp.connect('amqp://rabbit');
const ch = await conn.createChannel();
await ch.assertQueue('q.v1', { durable: true, deadLetterExchange: 'dlx' });
await ch.prefetch(4);
await ch.consume('q.v1', async (msg) => {
  if (!msg) return;
  try {
    await apply(msg);
    ch.ack(msg);
  } catch {
    ch.nack(msg, false, true);
  }
});
async function apply(x: unknown) {}
`,
      errors: [{ messageId: 'unboundedRetry', line: 12, variant: 'requeue-loop', severity: 'Important' }],
    },
    {
      name: 'Pub/Sub nack on the catch-all path of a subscription destructured from createSubscription, no deadLetterPolicy',
      code: `import { PubSub, type Message } from '@google-cloud/pubsub';
const pubsub = new PubSub();
export async function start() {
  const [sub] = await pubsub.topic('orders').createSubscription('billing', { ackDeadlineSeconds: 60 });
  sub.on('message', async (message: Message) => {
    try {
      await bill(JSON.parse(message.data.toString()));
      message.ack();
    } catch {
      message.nack();
    }
  });
}
async function bill(x: unknown) {}
`,
      errors: [{ messageId: 'unboundedRetry', line: 10, column: 7, variant: 'unlimited-redelivery-pubsub', severity: 'Critical', precision: 'High' }],
    },
    {
      name: 'JetStream nak on the catch-all path of a consumer without max_deliver',
      code: `import { connect } from 'nats';
const nc = await connect();
const js = nc.jetstream();
const jsm = await nc.jetstreamManager();
await jsm.consumers.add('CATALOG', { durable_name: 'import', ack_policy: 'explicit' });
const consumer = await js.consumers.get('CATALOG', 'import');
for await (const m of await consumer.consume()) {
  try {
    await save(m.json());
    m.ack();
  } catch {
    m.nak();
  }
}
async function save(x: unknown) {}
`,
      errors: [{ messageId: 'unboundedRetry', line: 12, variant: 'unlimited-redelivery-jetstream' }],
    },
  ],
});

// ---------------------------------------------------------------- variant 7: kafkajs restart loop

const kafkaHead = `import { Kafka } from 'kafkajs';
const kafka = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'orders', retry: { retries: 5 } });
const producer = kafka.producer();
declare function save(x: unknown): Promise<void>;
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'JSON.parse inside a try whose catch publishes to orders.dlq and returns',
      code: `${kafkaHead}await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await save(JSON.parse(message.value!.toString()));
    } catch (err) {
      await producer.send({ topic: 'orders.dlq', messages: [{ key: message.key, value: message.value, headers: { 'dlq-reason': String(err) } }] });
      return;
    }
  },
});
`,
    },
    {
      name: 'a catch that logs and returns swallows the failure (consumer-error-swallowed, not a restart loop)',
      code: `${kafkaHead}await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      const order = JSON.parse(message.value!.toString());
      if (!order.id) throw new Error('order without id');
      await save(order);
    } catch (err) {
      console.error('order failed', err);
    }
  },
});
`,
    },
    {
      name: 'a handler with no permanent throw point (a failing write is transient and meant to be retried)',
      code: `${kafkaHead}await consumer.run({
  eachMessage: async ({ message }) => {
    await save({ key: message.key?.toString(), value: message.value });
  },
});
`,
    },
    {
      name: 'a throw decided by a database lookup may pass on a later delivery, so it is not a permanent failure',
      code: `${kafkaHead}declare const repo: { find(id: string): Promise<unknown> };
await consumer.run({
  eachMessage: async ({ message }) => {
    const id = message.key!.toString();
    const order = await repo.find(id);
    if (!order) throw new Error(\`order \${id} not replicated yet\`);
    await save(order);
  },
});
`,
    },
    {
      name: 'non-kafkajs handlers: amqplib, sqs-consumer and BullMQ parse outside any try',
      code: `import amqp from 'amqplib';
import { Consumer } from 'sqs-consumer';
import { Worker } from 'bullmq';
declare function save(x: unknown): Promise<void>;
const ch = await (await amqp.connect('amqp://rabbit')).createChannel();
await ch.prefetch(4);
await ch.consume('orders.v1', async (msg) => {
  if (!msg) return;
  await save(JSON.parse(msg.content.toString()));
  ch.ack(msg);
});
export const app = Consumer.create({
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
  handleMessage: async (message) => { await save(JSON.parse(message.Body!)); },
});
export const worker = new Worker('orders', async (job) => save(JSON.parse(job.data.raw)), { connection: { host: 'redis' } });
`,
    },
    {
      name: 'the catch rethrows only what an error check calls transient and dead-letters the rest',
      code: `${kafkaHead}declare function isTransient(err: unknown): boolean;
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await save(JSON.parse(message.value!.toString()));
    } catch (err) {
      if (isTransient(err)) throw err;
      await producer.send({ topic: 'orders.v1.dlq', messages: [{ key: message.key, value: message.value }] });
    }
  },
});
`,
    },
    {
      name: 'a throw inside a catch that first dead-letters',
      code: `${kafkaHead}import { z } from 'zod';
const Order = z.object({ id: z.string() });
await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await save(Order.parse(JSON.parse(message.value!.toString())));
    } catch (err) {
      await producer.send({ topic: 'orders.v1.dlq', messages: [{ key: message.key, value: message.value }] });
      throw err;
    }
  },
});
`,
    },
    {
      name: 'the catch tells error kinds apart: a SyntaxError is skipped, everything else rethrown',
      code: `${kafkaHead}await consumer.run({
  eachMessage: async ({ message }) => {
    try {
      await save(JSON.parse(message.value!.toString()));
    } catch (err) {
      if (err instanceof SyntaxError) {
        console.warn('skipping malformed message', message.offset);
        return;
      }
      throw err;
    }
  },
});
`,
    },
    {
      name: 'a handler that reads a retry-count header bounds the loop itself',
      code: `${kafkaHead}await consumer.run({
  eachMessage: async ({ message }) => {
    const attempts = Number(message.headers?.['x-retry-count']?.toString() ?? '0');
    if (attempts > 5) return;
    await save(JSON.parse(message.value!.toString()));
  },
});
`,
    },
    {
      name: 'a helper whose rejection a swallowing .catch() handles; failures kafkajs never sees (floating helper, async forEach callback)',
      code: `${kafkaHead}import type { KafkaMessage } from 'kafkajs';
async function project(message: KafkaMessage) {
  await save(JSON.parse(message.value!.toString()));
}
await consumer.run({
  eachMessage: async ({ message }) => {
    await project(message).catch((err) => console.error('projection failed', err));
  },
});
const floating = kafka.consumer({ groupId: 'orders-floating' });
await floating.run({
  eachMessage: async ({ message }) => {
    void project(message);
  },
});
const batches = kafka.consumer({ groupId: 'orders-batch' });
await batches.run({
  eachBatch: async ({ batch }) => {
    batch.messages.forEach(async (m) => {
      await save(JSON.parse(m.value!.toString()));
    });
  },
});
`,
    },
    {
      name: 'safeParse returns a result: the invalid branch dead-letters and returns',
      code: `${kafkaHead}import { z } from 'zod';
const Order = z.object({ id: z.string() });
await consumer.run({
  eachMessage: async ({ message }) => {
    let raw: unknown;
    try {
      raw = JSON.parse(message.value!.toString());
    } catch {
      await producer.send({ topic: 'orders.v1.dlq', messages: [{ value: message.value }] });
      return;
    }
    const parsed = Order.safeParse(raw);
    if (!parsed.success) {
      await producer.send({ topic: 'orders.v1.dlq', messages: [{ value: message.value }] });
      return;
    }
    await save(parsed.data);
  },
});
`,
    },
  ],
  invalid: [
    {
      name: 'JSON.parse in eachMessage with no try and no dead-letter path anywhere: Critical',
      code: `${kafkaHead}await consumer.run({
  eachMessage: async ({ message }) => {
    const order = JSON.parse(message.value!.toString());
    await save(order);
  },
});
`,
      errors: [{ messageId: 'unboundedRetry', line: 8, column: 19, endLine: 8, variant: 'consumer-restart-loop-kafkajs', severity: 'Critical', precision: 'High' }],
    },
    {
      name: 'explicit throw on a validation failure after the parse try; the handler dead-letters elsewhere: Important',
      code: `${kafkaHead}import Ajv from 'ajv';
const validate = new Ajv().compile({ type: 'object', required: ['id'] });
await consumer.run({
  eachMessage: async ({ message }) => {
    let order: { id?: string };
    try {
      order = JSON.parse(message.value!.toString());
    } catch (err) {
      await producer.send({ topic: 'orders.v1.dlq', messages: [{ value: message.value }] });
      return;
    }
    if (!validate(order)) {
      throw new Error(\`invalid order: \${JSON.stringify(validate.errors)}\`);
    }
    await save(order);
  },
});
`,
      errors: [{ messageId: 'unboundedRetry', line: 18, column: 7, variant: 'consumer-restart-loop-kafkajs', severity: 'Important', precision: 'High' }],
    },
    {
      name: 'eachBatch: a zod parse per message in the batch loop, and a catch that logs and rethrows',
      code: `${kafkaHead}import { z } from 'zod';
const Posting = z.object({ id: z.string(), amountCents: z.number() });
await consumer.run({
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    for (const message of batch.messages) {
      try {
        const posting = Posting.parse(JSON.parse(message.value!.toString()));
        await save(posting);
      } catch (err) {
        console.error('posting failed', err);
        throw err;
      }
      resolveOffset(message.offset);
      await heartbeat();
    }
  },
});
`,
      errors: [{ messageId: 'unboundedRetry', line: 12, column: 25, variant: 'consumer-restart-loop-kafkajs', severity: 'Critical' }],
    },
    {
      name: 'through a local helper the handler awaits with the message: reported at the parse in the helper',
      code: `${kafkaHead}import type { EachMessagePayload } from 'kafkajs';
import { validateOrReject } from 'class-validator';
class OrderDto { id!: string }
async function toOrder(raw: Buffer | null) {
  const dto = Object.assign(new OrderDto(), JSON.parse(raw!.toString()));
  await validateOrReject(dto);
  return dto;
}
await consumer.run({
  eachMessage: async ({ message }: EachMessagePayload) => {
    const order = await toOrder(message.value);
    await save(order);
  },
});
`,
      errors: [{ messageId: 'unboundedRetry', line: 10, column: 45, variant: 'consumer-restart-loop-kafkajs', severity: 'Critical' }],
    },
    {
      name: 'a try with only a finally does not stop the failure',
      code: `${kafkaHead}declare const locks: { acquire(key: string): Promise<{ release(): Promise<void> }> };
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    const lock = await locks.acquire(\`p\${partition}\`);
    try {
      await save(JSON.parse(message.value!.toString()));
    } finally {
      await lock.release();
    }
  },
});
`,
      errors: [{ messageId: 'unboundedRetry', line: 11, column: 18, variant: 'consumer-restart-loop-kafkajs', severity: 'Critical' }],
    },
    {
      name: 'an explicit throw on an empty value (a tombstone fails the same way on every delivery)',
      code: `${kafkaHead}await consumer.run({
  eachMessage: async ({ message }) => {
    if (!message.value) throw new Error('tombstone');
    await save(message.value);
  },
});
`,
      errors: [{ messageId: 'unboundedRetry', line: 8, column: 25, variant: 'consumer-restart-loop-kafkajs', severity: 'Critical' }],
    },
  ],
});

describe('unbounded-retry variant 7 message', () => {
  it('names the throw point, the handler kind and the restart loop, with the registration as related location', () => {
    const code = `${kafkaHead}await consumer.run({
  eachMessage: async ({ message }) => {
    await save(JSON.parse(message.value!.toString()));
  },
});
`;
    const result = runCodeRules([{ path: 'src/orders.ts', text: code }], [rule], { side: 'head', config: defaultConfig });
    assert.deepEqual(result.errors, []);
    const [finding, ...rest] = result.findings;
    assert.equal(rest.length, 0);
    assert.match(finding!.message, /^Unbounded retry: JSON\.parse in eachMessage at line 8 has no finite attempt limit \(consumer restart loop \(kafkajs\): /);
    assert.deepEqual(finding!.related.map((r) => [r.line, r.note]), [[6, 'consumer handler']]);
  });

  it('names the helper a failure is raised in', () => {
    const code = `${kafkaHead}import type { KafkaMessage } from 'kafkajs';
function parse(message: KafkaMessage) {
  return JSON.parse(message.value!.toString());
}
await consumer.run({ eachMessage: async ({ message }) => save(parse(message)) });
`;
    const result = runCodeRules([{ path: 'src/orders.ts', text: code }], [rule], { side: 'head', config: defaultConfig });
    assert.deepEqual(result.findings.map((f) => [f.location.startLine, f.message.split(' at ')[0]]), [[8, 'Unbounded retry: JSON.parse in parse(), called from eachMessage']]);
  });
});

// ---------------------------------------------------------------- variant 6: SQS via CDK

const ordersStack = (options: string) => `import { Stack, type StackProps } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Orders', ${options});
  }
}
`;

const receiveLoop = (queue: string, body = 'await handle(JSON.parse(message.Body!));') => `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
declare function handle(x: unknown): Promise<void>;
const sqs = new SQSClient({});
const QueueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/${queue}';
export async function poll() {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'] }));
  for (const message of Messages ?? []) {
    ${body}
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
}
`;

const cdk = { filename: 'infra/orders-stack.ts' };

testCodeRule(rule, {
  valid: [
    {
      ...cdk,
      name: 'CDK queue with a deadLetterQueue, consumed elsewhere',
      code: `import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const dlq = new sqs.Queue(this, 'OrdersDlq', { queueName: 'orders-dlq' });
    new sqs.Queue(this, 'Orders', { queueName: 'orders', deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  }
}
`,
      context: { 'src/worker.ts': receiveLoop('orders'), 'src/redrive.ts': receiveLoop('orders-dlq') },
    },
    {
      ...cdk,
      name: 'CDK queue without deadLetterQueue that no analysed file consumes',
      code: ordersStack(`{ queueName: 'orders' }`),
      context: { 'src/worker.ts': receiveLoop('payments') },
    },
    {
      ...cdk,
      name: 'the dead-letter queue itself (named like one, or named as another queue\'s deadLetterQueue), consumed by a redrive worker',
      code: `import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const parked = new sqs.Queue(this, 'Parked', { queueName: 'orders-parked' });
    new sqs.Queue(this, 'OrdersDeadLetter', { queueName: 'orders-errors' });
    new sqs.Queue(this, 'Orders', { queueName: 'orders', deadLetterQueue: { queue: parked, maxReceiveCount: 5 } });
  }
}
`,
      context: { 'src/parked.ts': receiveLoop('orders-parked'), 'src/errors.ts': receiveLoop('orders-errors') },
    },
    {
      ...cdk,
      name: 'options with a spread or options the file cannot read: the dead-letter queue may be set there',
      code: `import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { queueDefaults, type QueueProps } from './defaults';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string, props: { payments: QueueProps }, worker: IGrantable) {
    super(scope, id);
    new sqs.Queue(this, 'Orders', { ...queueDefaults, queueName: 'orders' });
    const payments = new sqs.Queue(this, 'Payments', props.payments);
    payments.grantConsumeMessages(worker);
  }
}
`,
      context: { 'src/orders.ts': receiveLoop('orders') },
    },
    {
      ...cdk,
      name: 'a consumer that reads ApproximateReceiveCount bounds receives itself',
      code: ordersStack(`{ queueName: 'orders' }`),
      context: {
        'src/worker.ts': receiveLoop('orders', `if (Number(message.Attributes?.ApproximateReceiveCount) > 5) { await park(message); continue; }
    await handle(JSON.parse(message.Body!));`).replace('declare function handle', 'declare function park(x: unknown): Promise<void>;\ndeclare function handle'),
      },
    },
    {
      ...cdk,
      name: 'a RedrivePolicy set through the L1 escape hatch',
      code: `import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string, dlqArn: string) {
    super(scope, id);
    const queue = new sqs.Queue(this, 'Orders', { queueName: 'orders' });
    (queue.node.defaultChild as sqs.CfnQueue).addPropertyOverride('RedrivePolicy', { deadLetterTargetArn: dlqArn, maxReceiveCount: 5 });
  }
}
`,
      context: { 'src/worker.ts': receiveLoop('orders') },
    },
    {
      ...cdk,
      name: 'a queue handed to SqsEventSource from another module is not this construct',
      code: `import * as sqs from 'aws-cdk-lib/aws-sqs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { sharedQueue } from './shared';

export function wire(scope: Construct, fn: IFunction) {
  new sqs.Queue(scope, 'Audit', { queueName: 'audit' });
  fn.addEventSource(new SqsEventSource(sharedQueue));
}
`,
    },
  ],
  invalid: [
    {
      ...cdk,
      name: 'CDK queue without deadLetterQueue consumed by a receive loop in another file',
      code: ordersStack(`{ queueName: 'orders' }`),
      context: { 'src/worker.ts': receiveLoop('orders') },
      errors: [{ messageId: 'unboundedRetry', line: 8, column: 5, endLine: 8, variant: 'unlimited-receives-sqs', severity: 'Important', precision: 'High' }],
    },
    {
      ...cdk,
      name: 'CDK queue without deadLetterQueue wired to a Lambda with SqsEventSource in the same file',
      code: `import { Duration, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';

export class BillingStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const queue = new sqs.Queue(this, 'InvoiceRequested', { visibilityTimeout: Duration.seconds(90) });
    const fn = new NodejsFunction(this, 'CreateInvoice', { entry: 'src/handlers/create-invoice.ts' });
    fn.addEventSource(new SqsEventSource(queue, { batchSize: 10 }));
  }
}
`,
      errors: [{ messageId: 'unboundedRetry', line: 10, column: 19, variant: 'unlimited-receives-sqs', severity: 'Important' }],
    },
    {
      ...cdk,
      name: 'named Queue import on fields: one consumed through grantConsumeMessages, one by sqs-consumer elsewhere (FIFO name in the queue URL)',
      code: `import { Stack } from 'aws-cdk-lib';
import { Queue } from '@aws-cdk/aws-sqs';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export class PaymentsStack extends Stack {
  readonly queue: Queue;
  readonly refunds: Queue;
  readonly audit: Queue;
  constructor(scope: Construct, id: string, worker: IGrantable) {
    super(scope, id);
    this.queue = new Queue(this, 'Payments', { fifo: true });
    this.refunds = new Queue(this, 'Refunds', { queueName: 'refunds.fifo', fifo: true });
    this.audit = new Queue(this, 'Audit');
    this.queue.grantConsumeMessages(worker);
  }
}
`,
      context: {
        'src/consumer.ts': `import { Consumer } from 'sqs-consumer';
declare function refund(x: unknown): Promise<void>;
export const app = Consumer.create({
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/refunds.fifo',
  handleMessage: async (message) => { await refund(JSON.parse(message.Body!)); },
});
`,
      },
      errors: [
        { messageId: 'unboundedRetry', line: 12, column: 18, variant: 'unlimited-receives-sqs' },
        { messageId: 'unboundedRetry', line: 13, column: 20, variant: 'unlimited-receives-sqs' },
      ],
    },
  ],
});

describe('unbounded-retry variant 6 across changed files', () => {
  const stack = ordersStack(`{ queueName: 'orders', fifo: false }`);
  const run = (files: { path: string; text: string }[]) => {
    const result = runCodeRules(files, [rule], { side: 'head', config: defaultConfig });
    assert.deepEqual(result.errors, []);
    return result.findings.filter((f) => f.variant === 'unlimited-receives-sqs');
  };

  it('reports once, in the stack, with every consumer related and a line-independent anchor', () => {
    const found = run([
      { path: 'services/orders/src/worker.ts', text: receiveLoop('orders') },
      { path: 'services/orders/infra/stack.ts', text: stack },
      { path: 'services/orders/src/replay.ts', text: receiveLoop('orders') },
    ]);
    assert.deepEqual(
      found.map((f) => [f.location.path, f.location.startLine, f.anchor, f.channel, f.related.map((r) => `${r.path}:${r.line} ${r.note}`)]),
      [['services/orders/infra/stack.ts', 8, 'OrdersStack.constructor|sqs.Queue|orders', 'orders', [
        'services/orders/src/worker.ts:7 sqs consumer of orders',
        'services/orders/src/replay.ts:7 sqs consumer of orders',
      ]]],
    );
    assert.match(found[0]!.message, /^Unbounded retry: CDK sqs\.Queue 'orders' at services\/orders\/infra\/stack\.ts:8 has no finite attempt limit \(unlimited receives \(SQS via CDK\): the queue has no deadLetterQueue/);
  });

  it('keeps the anchor when other options of the queue change', () => {
    const before = run([{ path: 'infra/stack.ts', text: ordersStack(`{ queueName: 'orders' }`) }, { path: 'src/worker.ts', text: receiveLoop('orders') }]);
    const after = run([{ path: 'infra/stack.ts', text: `// moved down a line\n${stack}` }, { path: 'src/worker.ts', text: receiveLoop('orders') }]);
    assert.equal(before.length, 1);
    assert.deepEqual(after.map((f) => [f.location.startLine, f.anchor]), [[9, before[0]!.anchor]]);
  });

  it('says nothing when the only consumer is a test file', () => {
    assert.deepEqual(run([{ path: 'infra/stack.ts', text: stack }, { path: 'test/worker.test.ts', text: receiveLoop('orders') }]), []);
  });
});

describe('unbounded-retry: a limit set in a shared options const', () => {
  const code = (prefix = '') => `${prefix}import pRetry from 'p-retry';
const RETRY_OPTS = { retries: Infinity, randomize: true };
export const a = (p: unknown) => pRetry(() => fetch('https://a.example.com', { method: 'POST', signal: AbortSignal.timeout(2000) }), RETRY_OPTS);
export const b = (p: unknown) => pRetry(() => fetch('https://b.example.com', { method: 'POST', signal: AbortSignal.timeout(2000) }), RETRY_OPTS);
`;
  const run = (text: string) => {
    const result = runCodeRules([{ path: 'src/notify.ts', text }], [rule], { side: 'head', config: defaultConfig });
    assert.deepEqual(result.errors, []);
    return result.findings.filter((f) => f.ruleId === 'unbounded-retry');
  };

  it('gives each call its own text and anchor, with the shared option as related location', () => {
    const found = run(code());
    assert.deepEqual(
      found.map((f) => [f.location.startLine, f.related.map((r) => `${r.line} ${r.note}`)]),
      [
        [3, ['2 retry limit retries: Infinity in RETRY_OPTS']],
        [4, ['2 retry limit retries: Infinity in RETRY_OPTS']],
      ],
    );
    assert.match(found[0]!.message, /^Unbounded retry: pRetry\(\.\.\.\) at src\/notify\.ts:3 has no finite attempt limit \(library without bound: retries: Infinity never stops, set in RETRY_OPTS at line 2\)/);
    assert.match(found[1]!.message, /at src\/notify\.ts:4 /);
    assert.notEqual(found[0]!.message, found[1]!.message);
    assert.notEqual(found[0]!.anchor, found[1]!.anchor);
  });

  it('keeps the anchors when the file moves down a line', () => {
    const before = run(code());
    const after = run(code('// header\n'));
    assert.deepEqual(after.map((f) => [f.location.startLine, f.anchor]), before.map((f) => [f.location.startLine + 1, f.anchor]));
  });
});
