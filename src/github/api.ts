// The narrow slice of Octokit that the GitHub source and publisher use, with one retry policy of our
// own. Octokit's plugin-retry is switched off per request: it re-sends a timed-out request with the
// same, already aborted signal, and it re-sends writes whose first attempt may have reached GitHub.
// Here:
// - secondary rate limits (403/429 with retry-after, or GitHub's message) are retried for every
//   request, honouring retry-after (Probot 14's throttling only logs them, probot-notes.md);
// - transient failures (5xx, a dropped connection, a timeout) are retried with exponential backoff
//   and jitter, but only for requests that are safe to repeat (reads, updates, GraphQL queries);
//   a create that may have happened is left to the caller, which checks before creating again
//   (publish.ts `createOnce`);
// - every attempt has its own timeout, so a stalled connection cannot hold a review forever.

export interface GitHubResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

export interface GitHubApi {
  request<T = unknown>(route: string, params?: Record<string, unknown>): Promise<GitHubResponse<T>>;
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /**
   * First wait after a transient failure (`RetryOptions.transientWaitMs`), also used before a
   * create whose answer was lost is looked up (publish.ts `createOnce`); 1 s when absent.
   */
  readonly transientWaitMs?: number;
}

/** Structural type of an Octokit instance (Probot's `context.octokit`). */
export interface OctokitLike {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: unknown; headers: Record<string, unknown> }>;
  graphql(query: string, variables?: Record<string, unknown>): Promise<unknown>;
}

export interface RetryOptions {
  /** Retries after the first attempt. */
  retries?: number;
  /** Wait when GitHub gives no `retry-after`; doubled on each retry (GitHub asks for at least a minute). */
  fallbackWaitMs?: number;
  /** Longest single wait honoured; a longer `retry-after` ends the retries. */
  maxWaitMs?: number;
  /** First wait after a transient failure (5xx, dropped connection, timeout); doubled on each retry. */
  transientWaitMs?: number;
  /** Per-attempt timeout of one request (apiFromOctokit only). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; waitMs: number; route: string; reason: 'rate-limit' | 'transient' }) => void;
}

const DEFAULTS: Required<Omit<RetryOptions, 'onRetry'>> = {
  retries: 3,
  fallbackWaitMs: 60_000,
  maxWaitMs: 5 * 60_000,
  transientWaitMs: 1_000,
  timeoutMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface ErrorShape {
  status?: number;
  name?: string;
  message?: string;
  cause?: unknown;
  response?: { headers?: Record<string, unknown> };
}

/** Milliseconds to wait before retrying, or null when the error is not a secondary rate limit. */
export function secondaryLimitWait(error: unknown, fallbackMs: number): number | null {
  const e = error as ErrorShape;
  if (e?.status !== 403 && e?.status !== 429) return null;
  const headers = e.response?.headers ?? {};
  const retryAfter = headers['retry-after'];
  const secondary = /secondary rate limit|abuse/i.test(e.message ?? '');
  if (retryAfter !== undefined && retryAfter !== null && retryAfter !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  }
  if (secondary || e.status === 429) return fallbackMs;
  // A primary limit (remaining 0) is Probot's to handle; a plain 403 is a permission problem.
  return null;
}

/** A timeout of our own per-attempt signal, however Octokit wrapped it. */
export function isTimeout(error: unknown): boolean {
  for (let e = error as ErrorShape | undefined, n = 0; e && n < 4; e = e.cause as ErrorShape | undefined, n++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || /aborted due to timeout|operation was aborted/i.test(e.message ?? '')) return true;
  }
  return false;
}

/**
 * True when the request may or may not have reached GitHub: a 5xx answer, no answer at all (a
 * dropped connection), or a timeout. 4xx answers are definite.
 */
export function isTransient(error: unknown): boolean {
  const status = (error as ErrorShape)?.status;
  if (isTimeout(error)) return true;
  return status === undefined || status === 0 || status >= 500;
}

/** Requests that change nothing when sent twice. */
export function isIdempotent(route: string): boolean {
  if (route === 'POST /graphql') return true;
  if (route === 'POST /graphql:mutation') return false;
  const method = route.split(' ')[0]!.toUpperCase();
  // GitHub answers an existing reaction with 200 instead of adding another.
  return method !== 'POST' || route.endsWith('/reactions');
}

export function withSecondaryLimitRetry(api: GitHubApi, options: RetryOptions = {}): GitHubApi {
  const o = { ...DEFAULTS, ...options };
  async function attempt<T>(route: string, call: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await call();
      } catch (error) {
        if (n >= o.retries) throw error;
        const limit = secondaryLimitWait(error, o.fallbackWaitMs * 2 ** n);
        if (limit !== null) {
          if (limit > o.maxWaitMs) throw error;
          // Never earlier than retry-after, plus up to 10% (at most 1 s) of jitter so that workers
          // limited together do not all come back in the same instant.
          const wait = limit + Math.round(Math.random() * Math.min(1_000, limit * 0.1));
          o.onRetry?.({ attempt: n + 1, waitMs: wait, route, reason: 'rate-limit' });
          await o.sleep(wait);
          continue;
        }
        if (!isTransient(error) || !isIdempotent(route)) throw error;
        const wait = Math.round(o.transientWaitMs * 2 ** n * (0.75 + Math.random() * 0.5));
        o.onRetry?.({ attempt: n + 1, waitMs: wait, route, reason: 'transient' });
        await o.sleep(wait);
      }
    }
  }
  const mutation = (query: string) => /^\s*mutation\b/.test(query);
  return {
    request: (route, params) => attempt(route, () => api.request(route, params)),
    graphql: (query, variables) => attempt(mutation(query) ? 'POST /graphql:mutation' : 'POST /graphql', () => api.graphql(query, variables)),
    transientWaitMs: o.transientWaitMs,
  };
}

export function apiFromOctokit(octokit: OctokitLike, retry: RetryOptions = {}): GitHubApi {
  const timeoutMs = retry.timeoutMs ?? DEFAULTS.timeoutMs;
  // A fresh signal per attempt; `retries: 0` keeps plugin-retry out (see the top of this file).
  const per = (params?: Record<string, unknown>) => ({
    ...(params ?? {}),
    request: { ...((params?.request as object | undefined) ?? {}), retries: 0, signal: AbortSignal.timeout(timeoutMs) },
  });
  const raw: GitHubApi = {
    request: async <T>(route: string, params?: Record<string, unknown>) => (await octokit.request(route, per(params))) as GitHubResponse<T>,
    graphql: async <T>(query: string, variables?: Record<string, unknown>) => (await octokit.graphql(query, per(variables))) as T,
  };
  return withSecondaryLimitRetry(raw, retry);
}
