// The HTTP front: webhook deliveries and a health endpoint. Signatures are checked here, before
// Probot sees a byte, because Probot logs the whole payload of a delivery with a bad signature; an
// unsigned or forged delivery is answered 401 and logged by delivery id only.
//
// A verified delivery is answered 202 first and handed to Probot afterwards, on a later turn of the
// event loop (setImmediate): building Probot's context and Octokit for it, de-duplication and
// queueing (app.ts) never delay the answer. `RequestActivity` lets background work (the review
// queue's starts) wait for a lull in webhook traffic, so a burst of deliveries is answered before
// reviews take the event loop.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import type { Log } from './review-pr.js';

/** GitHub does not deliver payloads above 25 MB. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;
/** Longest stretch of hand-offs to Probot before the event loop may answer other requests. */
const HAND_OFF_SLICE_MS = 1;

export interface AppServerOptions {
  probot: Probot;
  secret: string;
  webhookPath?: string;
  log: Log;
  /** Extra fields for the health answer (queue sizes). */
  health?: () => Record<string, unknown>;
  /** Told when each request starts and ends (main.ts: the review queue waits for a lull). */
  activity?: RequestActivity;
}

/**
 * Requests in progress on the HTTP front. `lull()` says when background work may take the event
 * loop: at once when no request has been in progress for `quietMs`, otherwise at the next such lull,
 * and after `maxWaitMs` at the latest, so a steady stream of deliveries delays reviews, never stops them.
 */
export class RequestActivity {
  readonly quietMs: number;
  readonly maxWaitMs: number;
  #active = 0;
  #lastEnd = Number.NEGATIVE_INFINITY;
  #waiters: (() => void)[] = [];
  #waitingSince = 0;
  #timer: NodeJS.Timeout | null = null;
  #handOffs = 0;
  #handedOffWaiters: (() => void)[] = [];

  constructor(options: { quietMs?: number; maxWaitMs?: number } = {}) {
    this.quietMs = options.quietMs ?? 10;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
  }

  begin(): void {
    this.#active++;
  }

  end(): void {
    this.#active = Math.max(0, this.#active - 1);
    this.#lastEnd = performance.now();
    this.#lastReqEnd = this.#lastEnd;
  }

  /** A delivery answered 202 and not yet taken by Probot (the server calls these). */
  handOffStarted(): void {
    this.#handOffs++;
  }

  handOffDone(): void {
    this.#handOffs = Math.max(0, this.#handOffs - 1);
    this.#lastEnd = performance.now();
    if (this.#handOffs === 0) for (const resolve of this.#handedOffWaiters.splice(0)) resolve();
  }

  /** Resolves once every delivery answered so far has been handed to Probot (and so queued): shutdown waits for it. */
  handedOff(): Promise<void> {
    if (this.#handOffs === 0) return Promise.resolve();
    return new Promise((resolve) => this.#handedOffWaiters.push(resolve));
  }

  /** null: background work may run now; otherwise a promise that resolves when it may. */
  lull(): Promise<void> | null {
    if (this.#waiters.length === 0 && this.#quietFor() >= this.quietMs) return null;
    if (this.#waiters.length === 0) this.#waitingSince = performance.now();
    const wait = new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#check();
    return wait;
  }

  /** How long neither a request nor a hand-off to Probot has been in progress. */
  #quietFor(): number {
    return this.#active > 0 || this.#handOffs > 0 ? 0 : performance.now() - this.#lastEnd;
  }

  #lastReqEnd = Number.NEGATIVE_INFINITY;
  /** EXPERIMENT: resolves when no request has been in progress for quietMs (hand-offs ignored). */
  async requestLull(): Promise<void> {
    const since = performance.now();
    for (;;) {
      const quiet = this.#active > 0 ? 0 : performance.now() - this.#lastReqEnd;
      if (quiet >= this.quietMs || performance.now() - since >= this.maxWaitMs) return;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.ceil(this.quietMs - quiet))));
    }
  }

  #check(): void {
    if (this.#timer || this.#waiters.length === 0) return;
    const waited = performance.now() - this.#waitingSince;
    const quiet = this.#quietFor();
    if (quiet >= this.quietMs || waited >= this.maxWaitMs) {
      for (const resolve of this.#waiters.splice(0)) resolve();
      return;
    }
    const next = Math.min(this.quietMs - quiet, this.maxWaitMs - waited);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#check();
    }, Math.max(1, Math.ceil(next)));
  }
}

export function signatureMatches(secret: string | KeyObject, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  // With a length the answer is one plain write, not a chunked stream.
  res
    .writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function describeError(error: unknown): string {
  const errors = error instanceof AggregateError ? error.errors : [error];
  return errors.map((e: unknown) => String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300)).join('; ');
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function createAppServer(options: AppServerOptions): Server {
  const path = options.webhookPath ?? '/api/github/webhooks';
  const activity = options.activity;
  // Prepared once rather than for every delivery.
  const secret = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const waiting: { id: string; name: string; payload: unknown }[] = [];
  let draining = false;
  return createServer((req, res) => {
    if (activity) {
      activity.begin();
      res.once('close', () => activity.end());
    }
    void route(req, res).catch((error: unknown) => {
      options.log.error({ err: (error as Error).message }, 'request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/ping')) {
      send(res, 200, { status: 'ok', ...(options.health?.() ?? {}) });
      return;
    }
    if (url.pathname !== path) {
      send(res, 404, { error: 'not found' });
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, { error: 'webhooks are POSTed' });
      return;
    }
    const id = header(req, 'x-github-delivery');
    const name = header(req, 'x-github-event');
    const body = await readBody(req);
    if (body === null) {
      send(res, 413, { error: 'payload too large' });
      return;
    }
    if (!id || !name || !signatureMatches(secret, body, header(req, 'x-hub-signature-256'))) {
      // Nothing from an unverified body is logged: it is untrusted and may carry anything.
      options.log.warn({ delivery: id ?? null, event: name ?? null }, 'webhook rejected: missing or invalid signature');
      send(res, 401, { error: 'signature does not match' });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      send(res, 400, { error: 'payload is not JSON' });
      return;
    }
    // GitHub only needs to know the delivery arrived; Probot (and the queue behind it) gets it after
    // the answer is written. Whatever fails there is logged by delivery id, never with the payload.
    send(res, 202, 'accepted\n');
    handOff({ id, name, payload: process.env.ACK_HANDOFF === 'lull-raw' ? body.toString('utf8') : payload });
  }

  /** Deliveries answered and not yet given to Probot, oldest first. */
  function handOff(delivery: { id: string; name: string; payload: unknown }): void {
    waiting.push(delivery);
    activity?.handOffStarted();
    if (!draining) {
      draining = true;
      setImmediate(() => void drain());
    }
  }

  /**
   * Gives waiting deliveries to Probot one after the other, in arrival order, and yields to the event
   * loop every HAND_OFF_SLICE_MS: requests that arrive meanwhile are answered between two slices,
   * instead of after a whole burst's hand-offs.
   */
  async function drain(): Promise<void> {
    const MODE = process.env.ACK_HANDOFF ?? 'immediate';
    if (MODE !== 'immediate' && activity) await activity.requestLull();
    let slice = performance.now();
    for (let delivery = waiting.shift(); delivery; delivery = waiting.shift()) {
      const { id, name } = delivery;
      const payload = typeof delivery.payload === 'string' ? JSON.parse(delivery.payload) : delivery.payload;
      try {
        await options.probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
      } catch (error) {
        options.log.error({ delivery: id, event: name, err: describeError(error) }, 'webhook handling failed after the 202');
      } finally {
        activity?.handOffDone();
      }
      if (waiting.length > 0 && performance.now() - slice >= HAND_OFF_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (MODE !== 'immediate' && activity) await activity.requestLull();
        slice = performance.now();
      }
    }
    draining = false;
  }
}
