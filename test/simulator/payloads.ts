// Real webhook payloads from @octokit/webhooks-examples, adapted to the simulated repository. The
// examples lack a few fields (probot-notes.md): the first `pull_request.opened` has no installation,
// no `issue_comment` example is on a pull request, `check_run.rerequested` lists no pull requests
// (which is also what a fork PR looks like). Only those fields and the repository coordinates are
// patched; everything else is GitHub's own example.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Record<string, unknown>[] }[];

export interface RepoCoordinates {
  owner: string;
  name: string;
  installationId: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function example(event: string, action: string, index = 0): Json {
  const list = examples.find((e) => e.name === event)?.examples.filter((x) => x.action === action) ?? [];
  const found = list[index];
  if (!found) throw new Error(`no ${event}.${action} example #${index}`);
  return structuredClone(found) as Json;
}

function withRepo(payload: Json, repo: RepoCoordinates): Json {
  payload.installation = { id: repo.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u' };
  payload.repository.name = repo.name;
  payload.repository.full_name = `${repo.owner}/${repo.name}`;
  payload.repository.owner.login = repo.owner;
  payload.repository.default_branch = 'main';
  return payload;
}

export function pullRequestEvent(action: 'opened' | 'reopened' | 'synchronize' | 'ready_for_review', repo: RepoCoordinates, pr: { number: number; head: string; base: string; draft?: boolean }): Json {
  const p = withRepo(example('pull_request', action), repo);
  p.number = pr.number;
  p.pull_request.number = pr.number;
  p.pull_request.head.sha = pr.head;
  p.pull_request.base.sha = pr.base;
  p.pull_request.draft = pr.draft ?? false;
  return p;
}

/**
 * `pull_request.edited`: @octokit/webhooks-examples has no example of it, so it is the `opened`
 * example with the action and the `changes` object of GitHub's webhook schema
 * (`webhook-pull-request-edited` in @octokit/openapi-webhooks-types: `changes.title.from`,
 * `changes.body.from`, `changes.base.ref.from` and `changes.base.sha.from`).
 */
export function pullRequestEditedEvent(
  repo: RepoCoordinates,
  pr: { number: number; head: string; base: string; title: string; body: string | null; draft?: boolean },
  changes: { title?: { from: string }; body?: { from: string }; base?: { ref: { from: string }; sha: { from: string } } },
): Json {
  const p = pullRequestEvent('opened', repo, pr);
  p.action = 'edited';
  p.changes = changes;
  p.pull_request.title = pr.title;
  p.pull_request.body = pr.body;
  return p;
}

export function issueCommentEvent(repo: RepoCoordinates, c: { number: number; body: string; login: string; commentId: number }): Json {
  const p = withRepo(example('issue_comment', 'created'), repo);
  p.issue.number = c.number;
  p.issue.pull_request = { url: `https://api.github.com/repos/${repo.owner}/${repo.name}/pulls/${c.number}` };
  p.comment.id = c.commentId;
  p.comment.body = c.body;
  p.comment.user.login = c.login;
  p.comment.user.type = 'User';
  return p;
}

export function checkRunEvent(
  action: 'rerequested' | 'requested_action',
  repo: RepoCoordinates,
  run: { headSha: string; appId: number; name: string; pullNumbers: number[]; identifier?: string },
): Json {
  const p = withRepo(example('check_run', action), repo);
  p.check_run.head_sha = run.headSha;
  p.check_run.name = run.name;
  p.check_run.app.id = run.appId;
  p.check_run.pull_requests = run.pullNumbers.map((number) => ({ number, head: { sha: run.headSha }, base: { ref: 'main' } }));
  if (action === 'requested_action') p.requested_action = { identifier: run.identifier ?? 're-review' };
  return p;
}

export function checkSuiteEvent(repo: RepoCoordinates, suite: { headSha: string; appId: number; pullNumbers: number[] }): Json {
  const p = withRepo(example('check_suite', 'rerequested'), repo);
  p.check_suite.head_sha = suite.headSha;
  p.check_suite.app.id = suite.appId;
  p.check_suite.pull_requests = suite.pullNumbers.map((number) => ({ number, head: { sha: suite.headSha }, base: { ref: 'main' } }));
  return p;
}

let deliveries = 0;
/** A fresh delivery GUID-shaped id. */
export function deliveryId(): string {
  const h = createHash('sha1').update(`delivery-${++deliveries}-${process.pid}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
