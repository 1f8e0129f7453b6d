// Probot's Octokit with two adjustments. Secondary rate limits (403/429 with retry-after) are
// retried by our own wrapper (github/api.ts), so plugin-retry must not also retry 429 on its own
// fixed schedule. Write spacing (one write a second) stays on in production; tests switch it off.
import { ProbotOctokit } from 'probot';

const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

export function archReviewOctokit(options: { throttle?: boolean } = {}): typeof ProbotOctokit {
  const throttle = options.throttle ?? true;
  // A function, not an object: Probot merges its own defaults last for an object (probot-notes.md).
  return ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
    ...instance,
    retry: { ...(instance.retry as object | undefined), doNotRetry: DO_NOT_RETRY },
    throttle: { ...(instance.throttle as object | undefined), enabled: throttle },
  })) as typeof ProbotOctokit;
}
