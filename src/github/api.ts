// The narrow slice of Octokit that the GitHub source and publisher use, with our own retry for
// secondary rate limits: Probot 14's throttling only logs them (probot-notes.md), and one failed
// check-run write would leave a pull request without its gate.

export interface GitHubResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

export interface GitHubApi {
  request<T = unknown>(route: string, params?: Record<string, unknown>): Promise<GitHubResponse<T>>;
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
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
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; waitMs: number; route: string }) => void;
}

const DEFAULTS: Required<Omit<RetryOptions, 'onRetry'>> = {
  retries: 3,
  fallbackWaitMs: 60_000,
  maxWaitMs: 5 * 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface ErrorShape {
  status?: number;
  message?: string;
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

export function withSecondaryLimitRetry(api: GitHubApi, options: RetryOptions = {}): GitHubApi {
  const o = { ...DEFAULTS, ...options };
  async function attempt<T>(route: string, call: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await call();
      } catch (error) {
        const base = secondaryLimitWait(error, o.fallbackWaitMs * 2 ** n);
        if (base === null || n >= o.retries || base > o.maxWaitMs) throw error;
        o.onRetry?.({ attempt: n + 1, waitMs: base, route });
        await o.sleep(base);
      }
    }
  }
  return {
    request: (route, params) => attempt(route, () => api.request(route, params)),
    graphql: (query, variables) => attempt('POST /graphql', () => api.graphql(query, variables)),
  };
}

export function apiFromOctokit(octokit: OctokitLike, retry: RetryOptions = {}): GitHubApi {
  const raw: GitHubApi = {
    request: async <T>(route: string, params?: Record<string, unknown>) => (await octokit.request(route, params)) as GitHubResponse<T>,
    graphql: async <T>(query: string, variables?: Record<string, unknown>) => (await octokit.graphql(query, variables)) as T,
  };
  return withSecondaryLimitRetry(raw, retry);
}
