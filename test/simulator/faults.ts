// Fault injection for the GitHub simulator (`sim.faultHook = new FaultInjector(...).hook`): 5xx
// answers, secondary rate limits (403 and 429 with retry-after), 422 on comment writes, slow answers,
// stalls past the client's timeout, and dropped connections (before the request is processed, or
// after it, so the answer to a stored write is lost). Decisions come from a seeded generator, so a
// run with the same seed and the same request order injects the same faults.
//
// The injector also watches what the client does next: a request identical to one that was faulted
// (same method, path and body) counts as a retry, and the time since the fault is checked against
// the retry-after the fault asked for.
import { createHash } from 'node:crypto';
import type { FaultHook, FaultRequest, InjectedFault } from './github-simulator.js';

export interface FaultRates {
  /** 500, 502 or 503. */
  serverError: number;
  /** 403 "secondary rate limit" or 429, both with retry-after. */
  rateLimit: number;
  /** 422 on comment writes (reviews, issue comments). */
  commentRejected: number;
  /** An answer delayed by `slowMs`. */
  slow: number;
  /** No answer for `stallMs` (past the client's timeout), then the connection closes; not processed. */
  timeout: number;
  /** The connection closes at once: half the time before processing, half after (answer lost). */
  drop: number;
}

export const NO_FAULTS: FaultRates = { serverError: 0, rateLimit: 0, commentRejected: 0, slow: 0, timeout: 0, drop: 0 };

export const DEFAULT_RATES: FaultRates = {
  serverError: 0.03,
  rateLimit: 0.02,
  commentRejected: 0.2,
  slow: 0.05,
  timeout: 0.005,
  drop: 0.02,
};

export interface FaultOptions {
  rates?: Partial<FaultRates>;
  seed?: number;
  retryAfterSeconds?: number;
  slowMs?: [number, number];
  stallMs?: number;
  /** Operations never faulted (default: none; token exchanges never reach the hook). */
  exempt?: (operation: string) => boolean;
}

export type FaultKind = 'serverError' | 'rateLimit' | 'commentRejected' | 'slow' | 'timeout' | 'dropBefore' | 'dropAfter';

export interface FaultStats {
  requests: number;
  injected: Record<FaultKind, number>;
  /** Requests identical to one that was faulted, seen within a minute of it. */
  retries: number;
  /** Retries that came sooner than the retry-after their fault asked for. */
  retryAfterViolations: number;
  /** Shortest wait before a retry of a rate-limited request, in ms (null: none retried). */
  minRateLimitRetryGapMs: number | null;
  /** Most attempts seen for one identical request. */
  maxAttempts: number;
}

const COMMENT_WRITES = new Set(['pulls/create-review', 'issues/create-comment', 'issues/update-comment']);
const RETRY_WINDOW_MS = 60_000;

/** mulberry32: small, fast, and good enough to spread faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  readonly rates: FaultRates;
  readonly stats: FaultStats;
  readonly #random: () => number;
  readonly #options: Required<Omit<FaultOptions, 'rates' | 'seed'>>;
  /** Request key → when it was last faulted, the retry-after asked for, and attempts so far. */
  readonly #faulted = new Map<string, { at: number; retryAfterMs: number; attempts: number }>();
  #enabled = true;

  constructor(options: FaultOptions = {}) {
    this.rates = { ...DEFAULT_RATES, ...(options.rates ?? {}) };
    this.#random = seededRandom(options.seed ?? 1);
    this.#options = {
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      slowMs: options.slowMs ?? [150, 1200],
      stallMs: options.stallMs ?? 3_000,
      exempt: options.exempt ?? (() => false),
    };
    this.stats = {
      requests: 0,
      injected: { serverError: 0, rateLimit: 0, commentRejected: 0, slow: 0, timeout: 0, dropBefore: 0, dropAfter: 0 },
      retries: 0,
      retryAfterViolations: 0,
      minRateLimitRetryGapMs: null,
      maxAttempts: 1,
    };
  }

  /** Stops (or resumes) injecting; retries are still watched. */
  enable(on: boolean): void {
    this.#enabled = on;
  }

  readonly hook: FaultHook = (request) => this.decide(request);

  decide(request: FaultRequest): InjectedFault | null {
    this.stats.requests++;
    const now = Date.now();
    const key = requestKey(request);
    const previous = this.#faulted.get(key);
    let attempts = 1;
    if (previous && now - previous.at < RETRY_WINDOW_MS) {
      attempts = previous.attempts + 1;
      this.stats.retries++;
      this.stats.maxAttempts = Math.max(this.stats.maxAttempts, attempts);
      const gap = now - previous.at;
      if (previous.retryAfterMs > 0) {
        this.stats.minRateLimitRetryGapMs = Math.min(this.stats.minRateLimitRetryGapMs ?? gap, gap);
        // A little slack for timer granularity.
        if (gap + 25 < previous.retryAfterMs) this.stats.retryAfterViolations++;
      }
      this.#faulted.delete(key);
    }
    if (!this.#enabled || this.#options.exempt(request.operation)) return null;

    const fault = this.#pick(request);
    if (fault && fault.kind !== 'delay') {
      const retryAfterMs = fault.kind === 'status' && fault.headers?.['retry-after'] ? Number(fault.headers['retry-after']) * 1000 : 0;
      this.#faulted.set(key, { at: now, retryAfterMs, attempts });
    }
    return fault;
  }

  #pick(request: FaultRequest): InjectedFault | null {
    const r = this.rates;
    const roll = this.#random();
    let edge = 0;
    const hit = (rate: number) => roll < (edge += rate);
    const count = (kind: FaultKind) => this.stats.injected[kind]++;
    if (hit(r.serverError)) {
      count('serverError');
      const status = [500, 502, 503][Math.floor(this.#random() * 3)]!;
      return { kind: 'status', status, message: status === 502 ? 'Server Error' : 'Service Unavailable' };
    }
    if (hit(r.rateLimit)) {
      count('rateLimit');
      const headers = { 'retry-after': String(this.#options.retryAfterSeconds) };
      return this.#random() < 0.5
        ? { kind: 'status', status: 403, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', headers }
        : { kind: 'status', status: 429, message: 'Too Many Requests', headers };
    }
    if (COMMENT_WRITES.has(request.operation) && hit(r.commentRejected)) {
      count('commentRejected');
      return { kind: 'status', status: 422, message: 'Validation Failed' };
    }
    if (hit(r.slow)) {
      count('slow');
      const [lo, hi] = this.#options.slowMs;
      return { kind: 'delay', ms: Math.round(lo + this.#random() * (hi - lo)) };
    }
    if (hit(r.timeout)) {
      count('timeout');
      return { kind: 'drop', after: false, ms: this.#options.stallMs };
    }
    if (hit(r.drop)) {
      const after = this.#random() < 0.5;
      count(after ? 'dropAfter' : 'dropBefore');
      return { kind: 'drop', after };
    }
    return null;
  }
}

function requestKey(request: FaultRequest): string {
  return `${request.method} ${request.path} ${createHash('sha1').update(request.body).digest('hex')}`;
}

/** Chains hooks: the first that answers wins (e.g. a crash trigger before the random faults). */
export function firstOf(...hooks: FaultHook[]): FaultHook {
  return async (request) => {
    for (const hook of hooks) {
      const fault = await hook(request);
      if (fault) return fault;
    }
    return null;
  };
}
