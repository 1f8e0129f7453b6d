// The webhook front answers 202 before Probot sees a delivery (server.ts): with a RequestActivity,
// as main.ts runs it, deliveries wait for a lull in requests (bounded by maxWaitMs), keep their
// order, and a handler failure after the answer is logged without the payload. The review queue's
// start gate holds runs without losing them.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { Probot } from 'probot';
import { ReviewQueue } from '../../src/app/queue.js';
import { createAppServer, RequestActivity, type AppServer } from '../../src/app/server.js';
import { memoryLogger, type LogLine } from '../simulator/harness.js';

const SECRET = 'handoff-secret';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(done: () => boolean, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await sleep(10);
}

async function start(activity: RequestActivity | undefined, onReceive: (id: string, payload: unknown) => void | Promise<void>) {
  const logs: LogLine[] = [];
  const probot = { receive: async (event: { id: string; payload: unknown }) => onReceive(event.id, event.payload) } as unknown as Probot;
  const server: AppServer = createAppServer({ probot, secret: SECRET, log: memoryLogger(logs), ...(activity ? { activity } : {}) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  const deliver = async (id: string, payload: object) => {
    const body = JSON.stringify(payload);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': id,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    await res.text();
    return res.status;
  };
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { server, logs, deliver, close };
}

describe('webhook hand-off after the 202', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers) await close();
  });

  it('answers first; with activity, hands deliveries to Probot in a lull, in arrival order', async () => {
    const received: string[] = [];
    const activity = new RequestActivity({ quietMs: 1_000, maxWaitMs: 10_000 });
    const front = await start(activity, (id) => void received.push(id));
    closers.push(front.close);
    // The first request in a process loads fetch; warm it so the three deliveries follow each other closely.
    await fetch(`http://127.0.0.1:${(front.server.address() as AddressInfo).port}/healthz`).then((r) => r.text());
    for (const id of ['a', 'b', 'c']) assert.equal(await front.deliver(id, { action: 'opened', n: id }), 202);
    assert.deepEqual(received, [], 'nothing handed off while requests keep arriving');
    const lull = activity.lull();
    assert.notEqual(lull, null, 'background work waits too');
    await until(() => received.length === 3);
    assert.deepEqual(received, ['a', 'b', 'c']);
    await lull; // resolves once neither requests nor hand-offs have been seen for quietMs
  });

  it('maxWaitMs bounds the wait, and handOffAll gives everything over at once', async () => {
    const received: string[] = [];
    const bounded = await start(new RequestActivity({ quietMs: 60_000, maxWaitMs: 50 }), (id) => void received.push(id));
    closers.push(bounded.close);
    assert.equal(await bounded.deliver('x', { action: 'opened' }), 202);
    await until(() => received.length === 1);
    assert.deepEqual(received, ['x']);

    const held = await start(new RequestActivity({ quietMs: 60_000, maxWaitMs: 60_000 }), (id) => void received.push(id));
    closers.push(held.close);
    assert.equal(await held.deliver('y', { action: 'opened' }), 202);
    assert.equal(await held.deliver('z', { action: 'opened' }), 202);
    await sleep(50);
    assert.deepEqual(received, ['x']);
    await held.server.handOffAll();
    assert.deepEqual(received, ['x', 'y', 'z']);
  });

  it('a handler that fails after the 202 is logged by delivery id, never with the payload; the next delivery still goes through', async () => {
    const marker = 'payload-marker-5d1e';
    const received: string[] = [];
    const front = await start(undefined, (id) => {
      if (id === 'bad') throw new Error('handler exploded');
      received.push(id);
    });
    closers.push(front.close);
    assert.equal(await front.deliver('bad', { action: 'opened', marker }), 202);
    assert.equal(await front.deliver('good', { action: 'opened', marker }), 202);
    await front.server.handOffAll();
    await sleep(20);
    assert.deepEqual(received, ['good']);
    const failure = front.logs.find((l) => l.text.includes('webhook handling failed after the 202'));
    assert.ok(failure, 'the failure is logged');
    assert.match(failure.text, /"delivery":"bad"/);
    assert.match(failure.text, /handler exploded/);
    assert.ok(!front.logs.some((l) => l.text.includes(marker)), 'the payload is not logged');
  });

  it('a bad signature is answered 400 and never handed off', async () => {
    const received: string[] = [];
    const front = await start(new RequestActivity({ quietMs: 1 }), (id) => void received.push(id));
    closers.push(front.close);
    const url = `http://127.0.0.1:${(front.server.address() as AddressInfo).port}/api/github/webhooks`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'forged', 'x-hub-signature-256': 'sha256=00' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    await front.server.handOffAll();
    await sleep(20);
    assert.deepEqual(received, []);
  });
});

describe('review queue start gate', () => {
  it('holds runs while the gate is closed; they stay pending and idle() waits for them', async () => {
    let open!: () => void;
    let gate: Promise<void> | null = new Promise<void>((resolve) => (open = resolve));
    const started: string[] = [];
    const queue = new ReviewQueue<null>({
      concurrency: 2,
      maxPending: 10,
      startGate: () => gate,
      run: async (task) => void started.push(task.headSha),
    });
    assert.equal(queue.enqueue({ key: 'o/r#1', headSha: 'a', explicit: false, data: null }), 'queued');
    assert.equal(queue.enqueue({ key: 'o/r#1', headSha: 'b', explicit: false, data: null }), 'coalesced');
    assert.equal(queue.enqueue({ key: 'o/r#2', headSha: 'c', explicit: false, data: null }), 'queued');
    let idle = false;
    void queue.idle().then(() => (idle = true));
    await sleep(20);
    assert.deepEqual(started, []);
    assert.deepEqual(queue.stats(), { pending: 2, running: 0 });
    assert.equal(idle, false);
    gate = null;
    open();
    await queue.idle();
    assert.deepEqual(started, ['b', 'c']);
  });
});
