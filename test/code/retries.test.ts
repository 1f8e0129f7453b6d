import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calleeText } from '../../src/code/ast.js';
import { delayOf, findRetries, retryLayerOf, type RetryConstruct } from '../../src/code/retries.js';
import { isConnectionCall, isValidationCall, outboundLibrary } from '../../src/code/retry-targets.js';
import { build, call } from './model-helpers.js';

function only(code: string): RetryConstruct {
  const found = findRetries(build(code));
  assert.equal(found.length, 1, `expected one construct, got ${found.map((c) => `${c.library}@${c.node.loc.start.line}`).join(', ') || 'none'}`);
  return found[0]!;
}

function none(code: string): void {
  const found = findRetries(build(code));
  assert.deepEqual(found.map((c) => `${c.library}@${c.node.loc.start.line}`), []);
}

const wrapped = (c: RetryConstruct, text: string) => c.wraps.map((w) => calleeText(text, w));

describe('retries: p-retry', () => {
  it('reads the default bound and the default (absent) randomisation', () => {
    const code = `import pRetry from 'p-retry';
export const run = () => pRetry(() => fetch('https://x'), { minTimeout: 100 });
`;
    const c = only(code);
    assert.equal(c.library, 'p-retry');
    assert.equal(c.bound, 'default:10');
    assert.equal(c.attempts, 11);
    assert.deepEqual({ kind: c.backoff.kind, jitter: c.backoff.jitter }, { kind: 'exponential', jitter: 'no' });
    assert.deepEqual(wrapped(c, code), ['fetch']);
    assert.equal(c.via, 'binding');
  });

  it('treats Infinity and forever as unbounded, and randomize: true as jitter', () => {
    assert.equal(only(`import pRetry from 'p-retry';\npRetry(async () => 1, { retries: Infinity, randomize: true });`).bound, 'unbounded');
    assert.equal(only(`import pRetry from 'p-retry';\npRetry(async () => 1, { forever: true });`).bound, 'unbounded');
    assert.equal(only(`import pRetry from 'p-retry';\npRetry(async () => 1, { retries: Number.MAX_SAFE_INTEGER });`).bound, 'unbounded');
    assert.equal(only(`import pRetry from 'p-retry';\npRetry(async () => 1, { retries: 3, randomize: true });`).backoff.jitter, 'yes');
  });

  it('resolves option objects through consts and spreads', () => {
    const c = only(`import pRetry from 'p-retry';
const BASE = { retries: 4, randomize: true } as const;
const OPTS = { ...BASE, minTimeout: 200 };
export const run = () => pRetry(() => fetch('x'), OPTS);
`);
    assert.equal(c.bound, 4);
    assert.equal(c.attempts, 5);
    assert.equal(c.backoff.jitter, 'yes');
  });

  it('does not guess when the options are a parameter', () => {
    const c = only(`import pRetry from 'p-retry';
export const run = (opts: object) => pRetry(() => fetch('x'), opts);
`);
    assert.equal(c.bound, 'unknown');
    assert.equal(c.backoff.jitter, 'unknown');
  });

  it('finds AbortError in the function and in a local helper, and shouldRetry', () => {
    const direct = only(`import pRetry, { AbortError } from 'p-retry';
pRetry(async () => { const r = await fetch('x'); if (r.status === 404) throw new AbortError('gone'); }, { retries: 3 });
`);
    assert.deepEqual(direct.escapes.map((e) => e.kind), ['abort-error']);
    const helper = only(`import pRetry, { AbortError } from 'p-retry';
function check(r: Response) { if (r.status < 500) throw new AbortError('permanent'); }
pRetry(async () => { const r = await fetch('x'); check(r); }, { retries: 3 });
`);
    assert.deepEqual(helper.escapes.map((e) => e.kind), ['abort-error']);
    const should = only(`import pRetry from 'p-retry';
pRetry(() => fetch('x'), { retries: 3, shouldRetry: (e) => e.name !== 'ValidationError' });
`);
    assert.deepEqual(should.escapes.map((e) => e.kind), ['should-retry']);
  });

  it('recognises require() and a name-only pRetry', () => {
    assert.equal(only(`const pRetry = require('p-retry');\npRetry(() => fetch('x'));`).via, 'binding');
    const guessed = only(`import { pRetry } from './lib/retry';\npRetry(() => fetch('x'), { retries: Infinity });`);
    assert.equal(guessed.via, 'name');
    assert.equal(guessed.bound, 'unbounded');
  });

  it('links a retry helper to the functions its callers pass', () => {
    const code = `import pRetry from 'p-retry';
import axios from 'axios';
const withRetry = <T>(fn: () => Promise<T>) => pRetry(fn, { retries: 2, randomize: true });
export const getUser = (id: string) => withRetry(() => axios.get('/users/' + id));
`;
    const c = only(code);
    assert.equal(c.runs.length, 2);
    assert.deepEqual(wrapped(c, code), ['axios.get']);
  });
});

describe('retries: async-retry', () => {
  it('defaults to randomised backoff and finds bail', () => {
    const c = only(`import retry from 'async-retry';
export const run = () => retry(async (bail) => {
  const res = await fetch('x');
  if (res.status === 403) { bail(new Error('forbidden')); return; }
  return res.json();
}, { retries: 5 });
`);
    assert.equal(c.library, 'async-retry');
    assert.equal(c.bound, 5);
    assert.equal(c.backoff.jitter, 'yes');
    assert.deepEqual(c.escapes.map((e) => e.kind), ['bail']);
  });

  it('reads randomize: false and forever', () => {
    assert.equal(only(`import retry from 'async-retry';\nretry(async () => 1, { randomize: false });`).backoff.jitter, 'no');
    assert.equal(only(`import retry from 'async-retry';\nretry(async () => 1, { forever: true });`).bound, 'unbounded');
  });
});

describe('retries: cockatiel', () => {
  it('v3 retry(): bound, backoff, handles and execute sites', () => {
    const code = `import { retry, handleAll, handleType, ExponentialBackoff, ConstantBackoff, noJitterGenerator, wrap, timeout, TimeoutStrategy } from 'cockatiel';
const retryPolicy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
const resilient = wrap(retryPolicy, timeout(2000, TimeoutStrategy.Aggressive));
export const a = () => resilient.execute(() => fetch('a'));
export const b = () => retryPolicy.execute(() => fetch('b'));
`;
    const c = only(code);
    assert.equal(c.bound, 3);
    assert.equal(c.attempts, 4);
    assert.equal(c.handles, 'all');
    assert.equal(c.backoff.jitter, 'yes');
    assert.equal(c.runs.length, 2);
    assert.deepEqual(wrapped(c, code), ['fetch', 'fetch']);
  });

  it('v3 without maxAttempts is unbounded; classified policies escape; fixed backoffs have no jitter', () => {
    assert.equal(only(`import { retry, handleAll } from 'cockatiel';\nretry(handleAll, {});`).bound, 'unbounded');
    const typed = only(`import { retry, handleType, ConstantBackoff } from 'cockatiel';
class HttpError extends Error {}
retry(handleType(HttpError, (e) => e.status >= 500), { maxAttempts: 4, backoff: new ConstantBackoff(500) });
`);
    assert.equal(typed.handles, 'classified');
    assert.deepEqual(typed.escapes.map((e) => e.kind), ['handle-type']);
    assert.deepEqual({ kind: typed.backoff.kind, jitter: typed.backoff.jitter }, { kind: 'fixed', jitter: 'no' });
    const noJitter = only(`import { retry, handleAll, ExponentialBackoff, noJitterGenerator } from 'cockatiel';
retry(handleAll, { maxAttempts: 4, backoff: new ExponentialBackoff({ generator: noJitterGenerator }) });
`);
    assert.equal(noJitter.backoff.jitter, 'no');
  });

  it('class field policies are executed through this.policy', () => {
    const code = `import { retry, handleAll, ExponentialBackoff } from 'cockatiel';
export class PricingClient {
  private readonly policy = retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() });
  quote(sku: string) { return this.policy.execute(() => fetch('/q/' + sku)); }
}
`;
    const c = only(code);
    assert.equal(c.runs.length, 1);
    assert.deepEqual(wrapped(c, code), ['fetch']);
  });

  it('v2 fluent builders', () => {
    const attempts = only(`import { Policy } from 'cockatiel';\nexport const p = Policy.handleAll().retry().attempts(3).exponential();`);
    assert.equal(attempts.bound, 3);
    assert.equal(attempts.handles, 'all');
    assert.equal(attempts.backoff.jitter, 'yes');
    assert.equal(only(`import { Policy } from 'cockatiel';\nexport const p = Policy.handleAll().retry().exponential();`).bound, 'unbounded');
    const delays = only(`import { Policy } from 'cockatiel';\nexport const p = Policy.handleType(Error).retry().delay([100, 200, 400]);`);
    assert.equal(delays.bound, 3);
    assert.equal(delays.backoff.jitter, 'no');
    assert.equal(delays.handles, 'classified');
  });
});

describe('retries: axios-retry and got', () => {
  it('axios-retry: defaults, delays, conditions and the configured instance', () => {
    const plain = only(`import axios from 'axios';
import axiosRetry from 'axios-retry';
const api = axios.create({ baseURL: 'http://pricing' });
axiosRetry(api);
`);
    assert.equal(plain.bound, 'default:3');
    assert.deepEqual({ kind: plain.backoff.kind, jitter: plain.backoff.jitter }, { kind: 'none', jitter: 'no' });
    assert.deepEqual(plain.escapes.map((e) => e.kind), ['library-default']);
    const expo = only(`import axiosRetry from 'axios-retry';\nimport axios from 'axios';\naxiosRetry(axios, { retries: 4, retryDelay: axiosRetry.exponentialDelay, retryCondition: () => true });`);
    assert.equal(expo.backoff.jitter, 'yes');
    assert.ok(expo.retryEverything);
    const custom = only(`import axiosRetry from 'axios-retry';\nimport axios from 'axios';\naxiosRetry(axios, { retryDelay: (n) => n * 1000, retryCondition: (e) => !!e.response?.status && e.response.status >= 500 });`);
    assert.equal(custom.backoff.jitter, 'no');
    assert.equal(custom.retryEverything, null);
    const responseOnly = only(`import axiosRetry from 'axios-retry';\nimport axios from 'axios';\naxiosRetry(axios, { retryCondition: (error) => error.response !== undefined || axios.isAxiosError(error) });`);
    assert.ok(responseOnly.retryEverything);
  });

  it('got retry options on calls and extended instances', () => {
    const c = only(`import got from 'got';
export const client = got.extend({ prefixUrl: 'http://tax', retry: { limit: 3, statusCodes: [400, 500, 503] } });
`);
    assert.equal(c.library, 'got');
    assert.equal(c.bound, 3);
    assert.ok(c.retryEverything);
    const ok = only(`import got from 'got';\nexport const r = () => got.post('http://x', { json: {}, retry: { limit: 2, statusCodes: [429, 503] } });`);
    assert.equal(ok.retryEverything, null);
    assert.deepEqual(ok.escapes.map((e) => e.kind), ['status-codes']);
    none(`import got from 'got';\nexport const r = () => got.get('http://x', { timeout: { request: 1000 } });`);
  });
});

describe('retries: BullMQ, kafkajs and AWS SDK options', () => {
  it('BullMQ queue.add and defaultJobOptions', () => {
    const code = `import { Queue } from 'bullmq';
const receipts = new Queue('receipts', { connection: {}, defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 } } });
export const enqueue = (orderId: string) => receipts.add('send-receipt', { orderId }, { attempts: 6, backoff: { type: 'exponential', delay: 1000 } });
`;
    const found = findRetries(build(code));
    assert.equal(found.length, 2);
    const [queue, job] = found as [RetryConstruct, RetryConstruct];
    assert.deepEqual([queue.bound, queue.backoff.jitter, queue.channel], [3, 'yes', 'receipts']);
    assert.deepEqual([job.bound, job.attempts, job.backoff.kind, job.backoff.jitter, job.channel], [6, 6, 'exponential', 'no', 'receipts']);
  });

  it('BullMQ: numeric backoff, no backoff, and no attempts', () => {
    const numeric = only(`import { Queue } from 'bullmq';\nconst q = new Queue('q');\nq.add('j', {}, { attempts: 4, backoff: 2000 });`);
    assert.deepEqual([numeric.backoff.kind, numeric.backoff.jitter], ['fixed', 'no']);
    const immediate = only(`import { Queue } from 'bullmq';\nconst q = new Queue('q');\nq.add('j', {}, { attempts: 4 });`);
    assert.deepEqual([immediate.backoff.kind, immediate.backoff.jitter], ['none', 'no']);
    none(`import { Queue } from 'bullmq';\nconst q = new Queue('q');\nq.add('j', {}, { removeOnComplete: true });`);
  });

  it('kafkajs client retry and AWS maxAttempts', () => {
    const kafka = only(`import { Kafka } from 'kafkajs';\nexport const k = new Kafka({ clientId: 'a', brokers: [], retry: { retries: Infinity, randomizationFactor: 0 } });`);
    assert.deepEqual([kafka.library, kafka.bound, kafka.backoff.jitter], ['kafkajs', 'unbounded', 'no']);
    const consumer = only(`import { Kafka } from 'kafkajs';\nconst k = new Kafka({ clientId: 'a', brokers: [] });\nexport const c = k.consumer({ groupId: 'g', retry: { retries: 8 } });`);
    assert.deepEqual([consumer.bound, consumer.backoff.jitter], [8, 'yes']);
    const aws = only(`import { SQSClient } from '@aws-sdk/client-sqs';\nexport const sqs = new SQSClient({ maxAttempts: 1 });`);
    assert.deepEqual([aws.library, aws.bound, aws.attempts], ['aws-sdk', 1, 1]);
  });
});

describe('retries: hand-rolled loops', () => {
  it('the rule 6 failing example: while (true) around a settled call with a fixed delay', () => {
    const code = `import axios from 'axios';

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
`;
    const c = only(code);
    assert.deepEqual([c.library, c.bound, c.shape], ['loop', 'unbounded', 'try-catch']);
    assert.deepEqual({ kind: c.backoff.kind, jitter: c.backoff.jitter }, { kind: 'fixed', jitter: 'no' });
    assert.deepEqual(wrapped(c, code), ['axios.post']);
    assert.deepEqual(c.escapes, []);
  });

  it('a counter compared in the catch bounds the loop', () => {
    const c = only(`import { setTimeout as sleep } from 'node:timers/promises';
export async function send(body: string) {
  let attempt = 0;
  for (;;) {
    try {
      return await fetch('http://x', { method: 'POST', body });
    } catch (err) {
      attempt++;
      if (attempt >= 5) throw err;
      await sleep(100 * 2 ** attempt + Math.random() * 100);
    }
  }
}
`);
    assert.equal(c.bound, 5);
    assert.deepEqual({ kind: c.backoff.kind, jitter: c.backoff.jitter }, { kind: 'exponential', jitter: 'yes' });
    assert.deepEqual(c.escapes, []);
  });

  it('counted for loops, jittered helpers and error checks', () => {
    const c = only(`const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jittered = (base: number) => base / 2 + Math.random() * base;
export async function load(id: string) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await fetch('/items/' + id);
      return await res.json();
    } catch (error) {
      if (error instanceof TypeError && attempt < 3) { await sleep(jittered(200 * attempt)); continue; }
      throw error;
    }
  }
}
`);
    assert.equal(c.bound, 3);
    assert.equal(c.backoff.jitter, 'yes');
    assert.deepEqual(c.escapes.map((e) => e.kind), ['error-check']);
  });

  it('a flag loop without a counter is unbounded; with one it is bounded', () => {
    assert.equal(only(`export async function f(sleep: (n: number) => Promise<void>) {
  let done = false;
  while (!done) {
    try { await fetch('x'); done = true; } catch { await sleep(500); }
  }
}`).bound, 'unbounded');
    assert.equal(only(`export async function f(sleep: (n: number) => Promise<void>) {
  let done = false;
  let tries = 0;
  while (!done && tries < 4) {
    try { await fetch('x'); done = true; } catch { tries += 1; await sleep(500); }
  }
}`).bound, 4);
  });

  it('for...of over a delay list', () => {
    const c = only(`import { setTimeout } from 'timers/promises';
export async function f() {
  for (const ms of [100, 200, 400]) {
    try { return await fetch('x'); } catch { await setTimeout(ms); }
  }
}`);
    assert.deepEqual([c.bound, c.backoff.jitter], [3, 'no']);
  });

  it('poll, drain and try-once loops are not retries', () => {
    none(`export async function poll(sleep: (n: number) => Promise<void>, stop: () => boolean) {
  while (true) {
    try {
      if (stop()) return;
      const batch = await fetch('/jobs');
      await batch.json();
    } catch (e) { console.error(e); await sleep(1000); }
  }
}`);
    none(`export async function drain(queue: { next(): Promise<unknown | null> }) {
  while (true) {
    try {
      const item = await queue.next();
      if (!item) return;
      await fetch('/process');
    } catch { /* keep draining */ }
  }
}`);
    none(`export async function once() {
  while (true) {
    try { return await fetch('x'); } catch (e) { throw new Error('failed', { cause: e }); }
  }
}`);
  });

  it('a retry utility class: limits from options, delays from a method', () => {
    const code = `export class SmartRetry {
  private readonly options: { maxAttempts: number; baseDelay: number };
  constructor(options: Partial<{ maxAttempts: number; baseDelay: number }> = {}) {
    this.options = { maxAttempts: 3, baseDelay: 200, ...options };
  }
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      try {
        return await fn();
      } catch (error) {
        lastError = error;
        if (!this.shouldRetry(error, attempt)) throw error;
        const delay = this.calculateDelay(attempt);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    throw lastError;
  }
  private shouldRetry(error: unknown, attempt: number) { return attempt < this.options.maxAttempts && !(error instanceof TypeError); }
  private calculateDelay(attempt: number) { return this.options.baseDelay * 2 ** attempt * (0.5 + Math.random() * 0.5); }
}`;
    const c = only(code);
    assert.deepEqual([c.library, c.bound, c.backoff.jitter], ['loop', 'unknown', 'yes']);
    assert.ok(c.boundNode);
    assert.deepEqual(c.escapes.map((e) => e.kind), ['error-check']);
  });

  it('fail-over loops and conditional flags are not retries', () => {
    none(`export async function firstHealthy(urls: string[]) {
  for (let i = 0; i < urls.length; i++) {
    try { return await fetch(urls[i]); } catch { /* next */ }
  }
}`);
    none(`export async function anyRegion(sleep: (n: number) => Promise<void>) {
  for (const region of ['eu-west-1', 'us-east-1']) {
    try { return await fetch(\`https://\${region}.example\`); } catch { await sleep(100); }
  }
}`);
    none(`export async function drain(next: () => Promise<string | null>, handle: (m: string) => Promise<void>) {
  let done = false;
  while (!done) {
    try {
      const m = await next();
      if (!m) { done = true; } else { await handle(m); }
    } catch (e) { console.error(e); }
  }
}`);
  });

  it('a counted loop that retries on the response status (no try/catch)', () => {
    const c = only(`const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function get(url: string) {
  for (let i = 0; i < 4; i++) {
    const res = await fetch(url);
    if (res.ok) return res.json();
    await sleep(250);
  }
  throw new Error('gave up');
}`);
    assert.deepEqual([c.shape, c.bound, c.backoff.jitter], ['status-check', 4, 'no']);
    assert.deepEqual(c.escapes, []);
  });
});

describe('retries: recursion from a catch', () => {
  it('unbounded recursion and a counter parameter', () => {
    const unbounded = only(`export class Publisher {
  async publish(msg: string): Promise<void> {
    try {
      await fetch('http://bus', { method: 'POST', body: msg });
    } catch {
      setTimeout(() => this.publish(msg), 1000);
    }
  }
}`);
    assert.deepEqual([unbounded.library, unbounded.bound, unbounded.backoff.jitter], ['recursion', 'unbounded', 'no']);
    const bounded = only(`export async function send(msg: string, retries = 3): Promise<Response> {
  try {
    return await fetch('http://bus', { method: 'POST', body: msg });
  } catch (err) {
    if (retries <= 0) throw err;
    return send(msg, retries - 1);
  }
}`);
    assert.equal(bounded.bound, 4);
  });
});

describe('retries: recursion shapes that are bounded or not retries', () => {
  it('a deadline computed from the clock bounds the recursion', () => {
    const c = only(`const LIMIT_MS = 5_000;
export async function sendWithRetries(request: (o: object) => Promise<unknown>, options: object, createdAt: string, retries = 0): Promise<unknown> {
  const sinceCreation = +new Date() - +new Date(createdAt);
  try {
    return await request(options);
  } catch (error: any) {
    if (error.status !== 401) throw error;
    if (sinceCreation >= LIMIT_MS) throw error;
    ++retries;
    await new Promise((resolve) => setTimeout(resolve, retries * 1_000));
    return sendWithRetries(request, options, createdAt, retries);
  }
}`);
    assert.notEqual(c.bound, 'unbounded');
  });

  it('an increasing counter is a bound only where the function compares it', () => {
    const backoffOnly = only(`export async function send(url: string, attempt = 0): Promise<void> {
  try {
    await fetch(url);
  } catch {
    await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 60_000)));
    return send(url, attempt + 1);
  }
}`);
    assert.deepEqual([backoffOnly.bound, backoffOnly.boundNode], ['unbounded', null]);
    const compared = only(`export async function send(url: string, attempt = 0): Promise<void> {
  try {
    await fetch(url);
  } catch (err) {
    if (attempt >= 4) throw err;
    return send(url, ++attempt);
  }
}`);
    assert.equal(compared.bound, 4);
    const fromOptions = only(`export async function send(url: string, opts: { attempt: number; max: number }): Promise<void> {
  try {
    await fetch(url);
  } catch (err) {
    if (opts.attempt > opts.max) throw err;
    return send(url, { ...opts, attempt: opts.attempt + 1 });
  }
}`);
    assert.notEqual(fromOptions.bound, 'unbounded');
    // The loop form already treats a counter that never meets a limit as no bound.
    const loop = only(`export async function send(url: string): Promise<void> {
  let attempt = 0;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      attempt += 1;
      await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 60_000)));
    }
  }
}`);
    assert.deepEqual([loop.library, loop.bound], ['loop', 'unbounded']);
  });

  it('recursion from a .catch() callback or the rejection handler of .then()', () => {
    const code = `import axios from 'axios';
export function send(url: string): void {
  axios.post(url).catch(() => {
    setTimeout(() => send(url), 1000);
  });
}
export function post(url: string, attempt = 0): Promise<unknown> {
  return axios.post(url).then((r) => r.data, (err) => {
    if (err.response?.status === 400 || attempt >= 3) throw err;
    return post(url, attempt + 1);
  });
}`;
    const [timer, then] = findRetries(build(code));
    assert.deepEqual([timer!.library, timer!.bound, timer!.description, wrapped(timer!, code)], ['recursion', 'unbounded', 'recursive call send() from .catch()', ['axios.post']]);
    assert.deepEqual([timer!.backoff.kind, timer!.backoff.jitter, timer!.handler], ['fixed', 'no', null]);
    assert.deepEqual([then!.bound, then!.description, wrapped(then!, code)], [3, 'recursive call post() from .then() rejection handler', ['axios.post']]);
    assert.equal(then!.escapes[0]?.kind, 'error-check');
  });

  it('an emitter re-entering itself with the error is not a retry', () => {
    none(`export class Events {
  async trigger(name: string, ...args: unknown[]): Promise<unknown> {
    try {
      return await Promise.all(this.listeners(name).map((l) => l(...args)));
    } catch (error) {
      this.trigger('error', error);
      return null;
    }
  }
  listeners(name: string): ((...a: unknown[]) => unknown)[] { return []; }
}`);
  });
});

describe('retries: delays', () => {
  it('recognises timer promises, promise-wrapped setTimeout and named helpers', () => {
    const model = build(`import { setTimeout as wait } from 'node:timers/promises';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function f() {
  await wait(100);
  await sleep(200 + Math.random() * 50);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await queue.waitUntilReady();
}`);
    assert.equal(delayOf(model, call(model, 'wait'))?.jitter, 'no');
    assert.equal(delayOf(model, call(model, 'sleep'))?.jitter, 'yes');
    assert.ok(delayOf(model, call(model, 'Promise', 1)));
    assert.equal(delayOf(model, call(model, 'queue.waitUntilReady')), null);
  });
});

describe('retries: inner retry layers', () => {
  it('axios-retry instances, kafkajs producers, AWS clients and nested constructs', () => {
    const model = build(`import axios from 'axios';
import axiosRetry from 'axios-retry';
import { Kafka } from 'kafkajs';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import pRetry from 'p-retry';
const api = axios.create({ baseURL: 'http://pricing' });
axiosRetry(api, { retries: 3 });
const producer = new Kafka({ clientId: 'x', brokers: [] }).producer();
const s3 = new S3Client({});
export async function f() {
  await api.get('/q');
  await producer.send({ topic: 't', messages: [] });
  await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k' }));
  await pRetry(() => fetch('x'), { retries: 2 });
  await fetch('plain');
}`);
    assert.deepEqual([retryLayerOf(model, call(model, 'api.get'))?.library, retryLayerOf(model, call(model, 'api.get'))?.attempts], ['axios-retry', 4]);
    assert.deepEqual([retryLayerOf(model, call(model, 'producer.send'))?.library, retryLayerOf(model, call(model, 'producer.send'))?.attempts], ['kafkajs', 6]);
    assert.deepEqual([retryLayerOf(model, call(model, 's3.send'))?.library, retryLayerOf(model, call(model, 's3.send'))?.attempts], ['aws-sdk', 3]);
    assert.equal(retryLayerOf(model, call(model, 'pRetry'))?.library, 'p-retry');
    assert.equal(retryLayerOf(model, call(model, 'fetch', 1)), null);
  });
});

describe('retry targets', () => {
  it('outbound HTTP calls through imports and instances', () => {
    const model = build(`import axios from 'axios';
import got from 'got';
import { request } from 'undici';
const api = axios.create();
export async function f(repo: { get(id: string): Promise<unknown> }) {
  await fetch('x');
  await axios.post('x', {});
  await api.get('/a');
  await got('x');
  await request('x');
  await repo.get('1');
}`);
    assert.equal(outboundLibrary(model, call(model, 'fetch')), 'fetch');
    assert.equal(outboundLibrary(model, call(model, 'axios.post')), 'axios');
    assert.equal(outboundLibrary(model, call(model, 'api.get')), 'axios');
    assert.equal(outboundLibrary(model, call(model, 'got')), 'got');
    assert.equal(outboundLibrary(model, call(model, 'request')), 'undici');
    assert.equal(outboundLibrary(model, call(model, 'repo.get')), null);
  });

  it('validation calls', () => {
    const model = build(`import { z } from 'zod';
import { validateOrReject } from 'class-validator';
const Order = z.object({ id: z.string() });
export async function f(raw: string, dto: object, url: string) {
  JSON.parse(raw);
  Order.parse({});
  await validateOrReject(dto);
  new URL(url);
  Date.parse(url);
}`);
    assert.equal(isValidationCall(model, call(model, 'JSON.parse')), true);
    assert.equal(isValidationCall(model, call(model, 'Order.parse')), true);
    assert.equal(isValidationCall(model, call(model, 'validateOrReject')), true);
    assert.equal(isValidationCall(model, call(model, 'Date.parse')), false);
  });

  it('connection calls', () => {
    const model = build(`import { Kafka } from 'kafkajs';
const consumer = new Kafka({ clientId: 'a', brokers: [] }).consumer({ groupId: 'g' });
export async function f() { await consumer.connect(); await consumer.run({}); await fetch('x'); }`);
    assert.equal(isConnectionCall(model, call(model, 'consumer.connect')), true);
    assert.equal(isConnectionCall(model, call(model, 'consumer.run')), true);
    assert.equal(isConnectionCall(model, call(model, 'fetch')), false);
  });
});
