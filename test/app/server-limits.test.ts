// The webhook server's limits on bodies it has not verified yet: a declared length over GitHub's
// 25 MB is refused before any byte is read, and unverified bodies read at once share one budget.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Probot } from 'probot';
import { createAppServer, type AppServer } from '../../src/app/server.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never;
const SECRET = 'limits-secret';

describe('webhook server limits', { timeout: 30_000 }, () => {
  let server: AppServer;
  let port: number;
  const received: string[] = [];

  before(async () => {
    const probot = { webhooks: { receive: async ({ id }: { id: string }) => void received.push(id) } } as unknown as Probot;
    server = createAppServer({ probot, secret: SECRET, log: quiet, unverifiedBudgetBytes: 1024 * 1024, smallBudgetBytes: 100 * 1024, unverifiedBodyTimeoutMs: 1_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Starts a POST and sends `first` bytes of its body, keeping the request open. */
  function open(headers: Record<string, string>, first: Buffer) {
    let req!: ReturnType<typeof request>;
    const answer = new Promise<IncomingMessage>((resolve, reject) => {
      req = request({ port, host: '127.0.0.1', method: 'POST', path: '/api/github/webhooks', headers }, resolve);
      req.on('error', reject);
      req.write(first);
    });
    pending.set(answer, req);
    return answer;
  }
  const pending = new Map<Promise<IncomingMessage>, ReturnType<typeof request>>();

  it('answers 413 to a declared length over 25 MB without reading the body', async () => {
    const res = await open({ 'content-length': String(26 * 1024 * 1024), 'x-github-delivery': 'd1', 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, Buffer.alloc(1024));
    assert.equal(res.statusCode, 413);
    assert.equal(res.headers.connection, 'close');
    res.resume();
  });

  it('refuses with 503 what would pass the shared budget for unverified bodies, and still takes signed deliveries', async () => {
    const big = Buffer.alloc(700 * 1024, 0x20);
    const headers = (id: string) => ({ 'content-length': String(big.length * 2), 'x-github-delivery': id, 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` });
    const first = open(headers('h1'), big);
    // Let the first body's bytes arrive before the second starts.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await open(headers('h2'), big);
    assert.equal(second.statusCode, 503);
    assert.equal(second.headers['retry-after'], '5');
    second.resume();
    pending.get(first)!.destroy();
    await first.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const body = JSON.stringify({ zen: 'ok', hook_id: 1 });
    const signed = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/api/github/webhooks', headers: {
        'content-type': 'application/json', 'x-github-delivery': 'signed-1', 'x-github-event': 'ping',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      } }, resolve);
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(signed.statusCode, 202, 'the budget is given back when a request goes');
    signed.resume();
  });

  it('a flood of large unverified bodies does not turn away a small signed delivery', async () => {
    const big = Buffer.alloc(1000 * 1024, 0x20);
    const held = open({ 'content-length': String(1400 * 1024), 'x-github-delivery': 'flood', 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, big);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // 30 KB more would pass the 1 MB budget the large body has nearly used up.
    const body = JSON.stringify({ zen: 'x'.repeat(30 * 1024), hook_id: 2 });
    const signed = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/api/github/webhooks', headers: {
        'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-github-delivery': 'signed-2', 'x-github-event': 'ping',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      } }, resolve);
      req.on('error', reject);
      req.end(body);
    });
    signed.resume();
    pending.get(held)!.destroy();
    await held.catch(() => undefined);
    assert.equal(signed.statusCode, 202);
  });

  /** A correctly signed delivery of `bytes` JSON bytes, with its length declared as GitHub does. */
  function signedDelivery(id: string, bytes: number): Promise<IncomingMessage> {
    const body = JSON.stringify({ zen: 'x'.repeat(bytes), hook_id: 3 });
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/api/github/webhooks', headers: {
        'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-github-delivery': id, 'x-github-event': 'ping',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      } }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }

  it('a small delivery takes the shared budget when the small bodies\' own is full', async () => {
    const held = open({ 'content-length': String(90 * 1024), 'x-github-delivery': 'stall', 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, Buffer.alloc(80 * 1024, 0x20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const signed = await signedDelivery('signed-3', 30 * 1024);
    signed.resume();
    pending.get(held)!.destroy();
    await held.catch(() => undefined);
    assert.equal(signed.statusCode, 202);
  });

  it('answers 408 to a body that does not arrive in time, and gives its budget back', async () => {
    const started = Date.now();
    const stalled = await open({ 'content-length': String(900 * 1024), 'x-github-delivery': 'slow', 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, Buffer.alloc(900 * 1024 - 1, 0x20));
    assert.equal(stalled.statusCode, 408);
    assert.equal(stalled.headers.connection, 'close');
    assert.ok(Date.now() - started >= 900, 'not before its time');
    stalled.resume();
    const signed = await signedDelivery('signed-4', 200 * 1024);
    signed.resume();
    assert.equal(signed.statusCode, 202, 'the stalled body\'s 900 KB are free again');
  });
});
