// The HTTP front: webhook deliveries and a health endpoint. Signatures are checked here, before
// Probot sees a byte, because Probot logs the whole payload of a delivery with a bad signature; an
// unsigned or forged delivery is answered 400 (issue 6) and logged by delivery id only.
//
// A verified delivery is answered 202 at once and handed to Probot afterwards, never on the
// response path: Probot building a context and an Octokit for it, de-duplication and queueing
// (app.ts) cost the answer nothing. With a `RequestActivity` (main.ts) the hand-off also waits for a
// lull between requests, so a burst of deliveries is answered before any of it is processed, and the
// review queue waits for the same lull before it starts a run.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import type { Log } from './review-pr.js';

/** GitHub does not deliver payloads above 25 MB. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;
/** Longest stretch of hand-offs to Probot before requests that arrived meanwhile are answered. */
const HAND_OFF_SLICE_MS = 1;

export interface AppServerOptions {
  probot: Probot;
  secret: string;
  webhookPath?: string;
  log: Log;
  /** Extra fields for the health answer (queue sizes). */
  health?: () => Record<string, unknown>;
  /**
   * Webhook traffic, shared with the review queue (main.ts). With it, answered deliveries go to
   * Probot in a lull between requests, or once the oldest has waited `maxWaitMs`; without it (tests),
   * on the next turn of the event loop.
   */
  activity?: RequestActivity;
  /**
   * Bytes of not-yet-verified bodies read at once, across requests (default 64 MB; tests lower it).
   * Bodies declaring at most 1 MB have a 16 MB budget of their own besides.
   */
  unverifiedBudgetBytes?: number;
  /** The small bodies' own budget (default 16 MB; tests lower it). */
  smallBudgetBytes?: number;
  /** How long an unverified body may take to arrive (default 10 s; tests lower it). */
  unverifiedBodyTimeoutMs?: number;
}

export interface AppServer extends Server {
  /** Hands every answered delivery to Probot now; resolves once Probot has taken them all (shutdown). */
  handOffAll(): Promise<void>;
}

/**
 * Requests in progress on the HTTP front, and deliveries answered but not yet given to Probot. Work
 * that can wait (hand-offs, review starts) waits for `quietMs` without either, and never longer than
 * `maxWaitMs`: a steady stream of deliveries delays that work, it never stops it.
 */
export class RequestActivity {
  readonly quietMs: number;
  readonly maxWaitMs: number;
  #requests = 0;
  #handOffs = 0;
  #lastRequestEnd = Number.NEGATIVE_INFINITY;
  #lastEnd = Number.NEGATIVE_INFINITY;
  #waiters: (() => void)[] = [];
  #waitingSince = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: { quietMs?: number; maxWaitMs?: number } = {}) {
    this.quietMs = options.quietMs ?? 10;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
  }

  requestStarted(): void {
    this.#requests++;
  }

  requestEnded(): void {
    this.#requests = Math.max(0, this.#requests - 1);
    this.#lastRequestEnd = this.#lastEnd = performance.now();
  }

  handOffStarted(): void {
    this.#handOffs++;
  }

  handOffEnded(): void {
    this.#handOffs = Math.max(0, this.#handOffs - 1);
    this.#lastEnd = performance.now();
  }

  /** Milliseconds since the last request ended; 0 while one is in progress. */
  requestsQuietFor(): number {
    return this.#requests > 0 ? 0 : performance.now() - this.#lastRequestEnd;
  }

  /**
   * For background work (the review queue's `startGate`): null when neither a request nor a hand-off
   * has been in progress for `quietMs`; otherwise a promise that resolves at the next such lull, or
   * after `maxWaitMs`.
   */
  lull(): Promise<void> | null {
    if (this.#waiters.length === 0 && this.#quietFor() >= this.quietMs) return null;
    if (this.#waiters.length === 0) this.#waitingSince = performance.now();
    const wait = new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#check();
    return wait;
  }

  #quietFor(): number {
    return this.#requests > 0 || this.#handOffs > 0 ? 0 : performance.now() - this.#lastEnd;
  }

  #check(): void {
    if (this.#timer || this.#waiters.length === 0) return;
    const waited = performance.now() - this.#waitingSince;
    const quiet = this.#quietFor();
    if (quiet >= this.quietMs || waited >= this.maxWaitMs) {
      for (const resolve of this.#waiters.splice(0)) resolve();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#check();
    }, Math.max(1, Math.ceil(Math.min(this.quietMs - quiet, this.maxWaitMs - waited))));
  }
}

const SIGNATURE_SHAPE = /^sha256=[0-9a-f]{64}$/;

export function signatureMatches(secret: string | KeyObject, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `close`: the request's body was not read to its end, so the connection cannot carry another request. */
function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  // With a length the answer is one plain write, not a chunked stream.
  res
    .writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(close ? { connection: 'close' } : {}),
    })
    .end(text);
}

/**
 * Bytes of bodies being read whose signature is not yet checked, across all requests: well-formed
 * signature headers cost an attacker nothing, and 20 concurrent 25 MB bodies took the server from
 * 101 to 566 MB. Past the budget a request is refused (503) rather than buffered.
 */
const UNVERIFIED_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * Bodies that declare at most this length (GitHub's pull request and comment deliveries are tens of
 * kilobytes) are read against a budget of their own, so a flood of large fake-signed bodies cannot
 * turn genuine deliveries away with 503s. Node's parser stops a body at its declared length.
 */
const SMALL_BODY_BYTES = 1024 * 1024;
const SMALL_BUDGET_BYTES = 16 * 1024 * 1024;

interface Budget {
  used: number;
  max: number;
}

type BodyRead = { ok: true; body: Buffer } | { ok: false; status: 408 | 413 | 503 };

/**
 * GitHub sends a delivery's body at once; one that trickles in holds its share of a budget for
 * Node's 300 s request timeout, so a few stalled connections could keep genuine deliveries out.
 */
const UNVERIFIED_BODY_TIMEOUT_MS = 10_000;

/**
 * Reads a body up to the limit. Past it the request is left unread (paused), so the answer can still
 * be delivered, with `Connection: close`, before the socket goes.
 */
function readBody(req: IncomingMessage, budget: Budget, timeoutMs = UNVERIFIED_BODY_TIMEOUT_MS): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return Promise.resolve({ ok: false, status: 413 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const timer = setTimeout(() => finish({ ok: false, status: 408 }), timeoutMs);
    timer.unref();
    const finish = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      budget.used -= size;
      req.off('data', onData);
      if (!result.ok) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      budget.used += chunk.length;
      if (size > MAX_BODY_BYTES) return finish({ ok: false, status: 413 });
      if (budget.used > budget.max) return finish({ ok: false, status: 503 });
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
    req.once('error', () => finish({ ok: false, status: 413 }));
    req.once('close', () => finish({ ok: false, status: 413 }));
  });
}

/** First line of each error's message: never a payload, never a stack. */
function describeError(error: unknown): string {
  const errors: unknown[] = error instanceof AggregateError ? error.errors : [error];
  return errors.map((e) => String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300)).join('; ');
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A delivery answered 202 and not yet given to Probot. */
interface Accepted {
  id: string;
  name: string;
  /** Kept as bytes, parsed again at hand-off: a burst's payloads are not live objects meanwhile. */
  body: Buffer;
  since: number;
}

export function createAppServer(options: AppServerOptions): AppServer {
  const path = options.webhookPath ?? '/api/github/webhooks';
  const activity = options.activity;
  // Prepared once rather than for every delivery.
  const secret = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const accepted: Accepted[] = [];
  /** Accepted deliveries not yet taken by Probot, including the one being handed off. */
  let untaken = 0;
  let draining = false;
  let flushing = 0;
  let wake: (() => void) | null = null;
  let takenWaiters: (() => void)[] = [];
  const unverified: Budget = { used: 0, max: options.unverifiedBudgetBytes ?? UNVERIFIED_BUDGET_BYTES };
  const unverifiedSmall: Budget = { used: 0, max: options.smallBudgetBytes ?? SMALL_BUDGET_BYTES };

  const server = createServer((req, res) => {
    if (activity) {
      activity.requestStarted();
      res.once('close', () => activity.requestEnded());
    }
    void route(req, res).catch((error: unknown) => {
      options.log.error({ err: (error as Error).message }, 'request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  }) as AppServer;

  server.handOffAll = async () => {
    if (untaken === 0) return;
    flushing++;
    wake?.();
    try {
      await new Promise<void>((resolve) => takenWaiters.push(resolve));
    } finally {
      flushing--;
    }
  };
  return server;

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
    const signature = header(req, 'x-hub-signature-256');
    const reject = (unread: boolean) => {
      // Nothing from an unverified body is logged: it is untrusted and may carry anything.
      options.log.warn({ delivery: id ?? null, event: name ?? null }, 'webhook rejected: missing or invalid signature');
      send(res, 400, { error: 'signature does not match' }, unread);
    };
    // Without a well-formed signature the body is never read: no 25 MB held for an unsigned request.
    if (!id || !name || !signature || !SIGNATURE_SHAPE.test(signature)) {
      reject(true);
      return;
    }
    const declared = Number(req.headers['content-length']);
    const small = req.headers['content-length'] !== undefined && Number.isFinite(declared) && declared <= SMALL_BODY_BYTES;
    // A small body takes the shared budget once its own is full: the split can only add room.
    const budget = small && unverifiedSmall.used + declared <= unverifiedSmall.max ? unverifiedSmall : unverified;
    const read = await readBody(req, budget, options.unverifiedBodyTimeoutMs);
    if (!read.ok) {
      if (read.status === 503) res.setHeader('retry-after', '5');
      const error = read.status === 413 ? 'payload too large' : read.status === 408 ? 'body not received in time' : 'too many deliveries being read at once';
      send(res, read.status, { error }, true);
      return;
    }
    const body = read.body;
    if (!signatureMatches(secret, body, signature)) {
      reject(false);
      return;
    }
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      send(res, 400, { error: 'payload is not JSON' });
      return;
    }
    // GitHub only needs to know the delivery arrived: answer now, give it to Probot afterwards.
    send(res, 202, 'accepted\n');
    accepted.push({ id, name, body, since: performance.now() });
    untaken++;
    activity?.handOffStarted();
    if (!draining) {
      draining = true;
      void drain();
    }
  }

  /**
   * Gives accepted deliveries to Probot one after the other, in arrival order, never in the turn of
   * the event loop that answered them. With `activity`, waits for a lull in requests first (or until
   * the oldest has waited `maxWaitMs`), and yields after every HAND_OFF_SLICE_MS so requests that
   * arrive meanwhile are answered in between.
   */
  async function drain(): Promise<void> {
    await nextTurn();
    let slice = performance.now();
    while (accepted.length > 0) {
      const hold = holdFor(accepted[0]!);
      if (hold > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            wake = null;
            resolve();
          }, hold);
          wake = () => {
            clearTimeout(timer);
            wake = null;
            resolve();
          };
        });
        slice = performance.now();
        continue;
      }
      // Probot's handlers only enqueue, so a hand-off settles within this turn; one that waits on I/O
      // does not hold up the deliveries behind it.
      await Promise.race([give(accepted.shift()!), nextTurn()]);
      if (accepted.length > 0 && performance.now() - slice >= HAND_OFF_SLICE_MS) {
        await nextTurn();
        slice = performance.now();
      }
    }
    draining = false;
  }

  /** How long the oldest accepted delivery should still wait before it goes to Probot. */
  function holdFor(oldest: Accepted): number {
    if (!activity || flushing > 0) return 0;
    const quiet = activity.requestsQuietFor();
    const waited = performance.now() - oldest.since;
    if (quiet >= activity.quietMs || waited >= activity.maxWaitMs) return 0;
    return Math.max(1, Math.ceil(Math.min(activity.quietMs - quiet, activity.maxWaitMs - waited)));
  }

  /** Probot's handlers (app.ts) de-duplicate and queue; a failure is logged by delivery id, never with the payload. */
  async function give(delivery: Accepted): Promise<void> {
    const { id, name } = delivery;
    try {
      const payload: unknown = JSON.parse(delivery.body.toString('utf8'));
      await options.probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
    } catch (error) {
      options.log.error({ delivery: id, event: name, err: describeError(error) }, 'webhook handling failed after the 202');
    } finally {
      activity?.handOffEnded();
      untaken--;
      if (untaken === 0) {
        const waiters = takenWaiters;
        takenWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }
}
