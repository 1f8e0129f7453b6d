// Every write the App makes to GitHub: the check run (the merge gate) and its annotations, one
// review with inline comments, thread resolution, the sticky summary comment and command replies.
// Each function sends few requests and stays inside the documented limits (limits.ts).
import { isTransient, type GitHubApi } from './api.js';
import { clip, type Annotation, type CheckOutput, type Conclusion } from './check-output.js';
import type { ReviewCommentDraft } from './inline.js';
import { ANNOTATIONS_PER_REQUEST, CHECK_NAME, MAX_COMMENT_BODY_CHARS, RE_REVIEW_ACTION } from './limits.js';
import { fingerprintMarker, RESOLVED_REPLY, SUMMARY_MARKER } from './markers.js';
import type { OwnThread } from './pr-state.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRef extends RepoRef {
  number: number;
}

const now = () => new Date().toISOString();

/** Attempts of a create whose first try may or may not have reached GitHub. */
const CREATE_ATTEMPTS = 3;
const CREATE_RETRY_WAIT_MS = 1_000;

/**
 * A create (check run, review, comment) is not safe to send twice: a 5xx, a dropped connection or a
 * timeout may come after GitHub stored it. Before creating again, look for what the attempt may have
 * made, and adopt it; after the last attempt too, so a stored create is never reported as failed.
 * If even the look-up fails, give up rather than risk a duplicate.
 */
export async function createOnce<T>(create: () => Promise<T>, find: () => Promise<T | null>, waitMs: number = CREATE_RETRY_WAIT_MS): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await create();
    } catch (error) {
      if (!isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.round(waitMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5))));
      let found: T | null;
      try {
        found = await find();
      } catch {
        throw error;
      }
      if (found !== null) return found;
      if (n >= CREATE_ATTEMPTS) throw error;
    }
  }
}

interface CheckRunNode {
  databaseId: number;
  status: string;
  externalId: string | null;
}

/** This app's runs of the check on a commit (ids and status), through GraphQL. */
export async function findCheckRuns(api: GitHubApi, repo: RepoRef, headSha: string, appId?: number): Promise<CheckRunNode[]> {
  const filter = appId === undefined ? '' : '(first: 10, filterBy: { appId: $appId })';
  const query = `query ExistingCheckRuns($owner: String!, $name: String!, $sha: GitObjectID!, $checkName: String!${appId === undefined ? '' : ', $appId: Int!'}) {
  repository(owner: $owner, name: $name) { object(oid: $sha) { ... on Commit {
    checkSuites${filter || '(first: 10)'} { nodes { checkRuns(first: 50, filterBy: { checkName: $checkName }) { nodes { databaseId status externalId } } } }
  } } }
}`;
  const data = await api.graphql<{ repository: { object: { checkSuites?: { nodes: { checkRuns: { nodes: CheckRunNode[] } }[] } } | null } | null }>(query, {
    owner: repo.owner,
    name: repo.repo,
    sha: headSha,
    checkName: CHECK_NAME,
    ...(appId === undefined ? {} : { appId }),
  });
  return (data.repository?.object?.checkSuites?.nodes ?? []).flatMap((s) => s.checkRuns.nodes).filter((r) => r.externalId === null || r.externalId === headSha);
}

export interface CreateGuard {
  appId?: number;
  /** Runs known to exist before this create (the run state read at the start); looked up when absent. */
  known?: readonly number[];
  /**
   * An earlier create of this run may have been stored although it failed (its answer lost, and the
   * look-up after it failed or never came): look for a run not in `known` before creating, adopt it,
   * and if the look-up fails, throw rather than create a second run.
   */
  lookFirst?: boolean;
}

async function createCheckRun(
  api: GitHubApi,
  repo: RepoRef,
  headSha: string,
  body: Record<string, unknown>,
  guard: CreateGuard,
): Promise<{ id: number; adopted: string | null }> {
  let known = guard.known;
  // Without a list of the runs that were there before, take one now: only rare paths (a full queue,
  // a commit without a pull request) come here, so the extra request is cheap.
  known ??= (await findCheckRuns(api, repo, headSha, guard.appId).catch(() => [])).map((r) => r.databaseId);
  const before = new Set(known);
  const find = async () => {
    const run = (await findCheckRuns(api, repo, headSha, guard.appId)).find((r) => !before.has(r.databaseId));
    return run ? { id: run.databaseId, adopted: run.status } : null;
  };
  if (guard.lookFirst && guard.known) {
    const stored = await find();
    if (stored) return stored;
  }
  return createOnce<{ id: number; adopted: string | null }>(
    async () => ({ id: (await api.request<{ id: number }>('POST /repos/{owner}/{repo}/check-runs', { ...repo, ...body })).data.id, adopted: null }),
    find,
    api.transientWaitMs,
  );
}

/** Created in progress so the pull request shows the gate at once; `external_id` ties it to the SHA. */
export async function startCheckRun(api: GitHubApi, repo: RepoRef, headSha: string, detailsUrl?: string, guard: CreateGuard = {}): Promise<number> {
  return createCheckRun(api, repo, headSha, {
    name: CHECK_NAME,
    head_sha: headSha,
    external_id: headSha,
    status: 'in_progress',
    started_at: now(),
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    output: { title: 'Reviewing…', summary: `Reviewing ${headSha.slice(0, 7)}: the result appears here when the review completes.` },
  }, guard).then((r) => r.id);
}

/**
 * Completes the run. Annotations go 50 a request: the extra batches first, while the run is still in
 * progress (each update appends), and the last batch with the conclusion, so a run is never shown
 * complete with half its annotations.
 */
export async function completeCheckRun(
  api: GitHubApi,
  repo: RepoRef,
  checkRunId: number,
  conclusion: Conclusion,
  output: CheckOutput,
  annotations: readonly Annotation[] = [],
): Promise<void> {
  const batches: Annotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const last = batches.pop() ?? [];
  for (const batch of batches) {
    await api.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...repo,
      check_run_id: checkRunId,
      output: { title: output.title, summary: output.summary, annotations: batch },
    });
  }
  await api.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    ...repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion,
    completed_at: now(),
    output: { ...output, ...(last.length ? { annotations: last } : {}) },
    actions: [RE_REVIEW_ACTION],
  });
}

/** A run that ends without a review (configuration error, superseded, failure), created if need be. */
export async function concludeCheckRun(
  api: GitHubApi,
  repo: RepoRef,
  headSha: string,
  checkRunId: number | null,
  conclusion: Conclusion,
  output: CheckOutput,
  guard: CreateGuard = {},
): Promise<number> {
  if (checkRunId === null) {
    const created = await createCheckRun(api, repo, headSha, {
      name: CHECK_NAME,
      head_sha: headSha,
      external_id: headSha,
      status: 'completed',
      conclusion,
      completed_at: now(),
      output,
      actions: [RE_REVIEW_ACTION],
    }, guard);
    // A run adopted from a lost first attempt is already complete; anything else gets completed.
    if (created.adopted !== null && created.adopted !== 'COMPLETED') await completeCheckRun(api, repo, created.id, conclusion, output);
    return created.id;
  }
  await completeCheckRun(api, repo, checkRunId, conclusion, output);
  return checkRunId;
}

const RECENT_THREADS = `query RecentThreads($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    reviewThreads(last: 100) { nodes { comments(first: 1) { nodes { body } } } }
  } }
}`;

const RECENT_COMMENTS = `query RecentComments($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    comments(last: 100) { nodes { databaseId body } }
  } }
}`;

async function recentComments(api: GitHubApi, pull: PullRef): Promise<{ databaseId: number; body: string }[]> {
  const data = await api.graphql<{ repository: { pullRequest: { comments: { nodes: { databaseId: number; body: string }[] } } } }>(RECENT_COMMENTS, {
    owner: pull.owner,
    name: pull.repo,
    number: pull.number,
  });
  return data.repository.pullRequest.comments.nodes;
}

/** One review per run (`COMMENT`, never `REQUEST_CHANGES`: the check run is the gate). */
export async function postReview(api: GitHubApi, pull: PullRef, headSha: string, comments: readonly ReviewCommentDraft[]): Promise<void> {
  const n = comments.length;
  const marker = comments[0] ? fingerprintMarker(comments[0].fingerprint) : null;
  await createOnce(
    async () => {
      await api.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        owner: pull.owner,
        repo: pull.repo,
        pull_number: pull.number,
        commit_id: headSha,
        event: 'COMMENT',
        body: `Architecture review: ${n} new finding${n === 1 ? '' : 's'} on changed lines. The "${CHECK_NAME}" check run has the full report.`,
        comments: comments.map(({ fingerprint: _fingerprint, ...c }) => c),
      });
      return true;
    },
    async () => {
      // A review is all or nothing: its first comment's fingerprint marker shows it was stored.
      if (!marker) return null;
      const data = await api.graphql<{ repository: { pullRequest: { reviewThreads: { nodes: { comments: { nodes: { body: string }[] } }[] } } } }>(RECENT_THREADS, {
        owner: pull.owner,
        name: pull.repo,
        number: pull.number,
      });
      return data.repository.pullRequest.reviewThreads.nodes.some((t) => t.comments.nodes[0]?.body.includes(marker)) ? true : null;
    },
    api.transientWaitMs,
  );
}

/** Replies `Resolved in <sha>` and resolves each thread, all in one GraphQL mutation; never deletes. */
export async function resolveThreads(api: GitHubApi, threads: readonly OwnThread[], headSha: string): Promise<void> {
  if (threads.length === 0) return;
  const decls: string[] = ['$body: String!'];
  const fields: string[] = [];
  const vars: Record<string, unknown> = { body: `${RESOLVED_REPLY}${headSha}: this finding is no longer reported.` };
  threads.forEach((t, i) => {
    decls.push(`$t${i}: ID!`);
    vars[`t${i}`] = t.id;
    fields.push(
      `r${i}: addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $t${i}, body: $body }) { clientMutationId }`,
      `s${i}: resolveReviewThread(input: { threadId: $t${i} }) { thread { id isResolved } }`,
    );
  });
  await api.graphql(`mutation ResolveThreads(${decls.join(', ')}) { ${fields.join(' ')} }`, vars);
}

export function summaryCommentBody(markdown: string): string {
  const notice = `\n\n_Truncated at GitHub's comment limit; the "${CHECK_NAME}" check run has the full report._\n`;
  return `${SUMMARY_MARKER}\n${clip(markdown, MAX_COMMENT_BODY_CHARS - SUMMARY_MARKER.length - 1, notice)}`;
}

/** Edits the sticky summary in place, or creates it once. */
export async function upsertSummaryComment(api: GitHubApi, pull: PullRef, existingId: number | null, markdown: string): Promise<number> {
  const body = summaryCommentBody(markdown);
  if (existingId !== null) {
    await api.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: pull.owner, repo: pull.repo, comment_id: existingId, body });
    return existingId;
  }
  return createIssueComment(api, pull, body);
}

/** Creates an issue comment once: after a lost answer, a comment with the same body is adopted. */
async function createIssueComment(api: GitHubApi, pull: PullRef, body: string): Promise<number> {
  return createOnce(
    async () =>
      (
        await api.request<{ id: number }>('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: pull.owner,
          repo: pull.repo,
          issue_number: pull.number,
          body,
        })
      ).data.id,
    async () => (await recentComments(api, pull)).find((c) => c.body === body)?.databaseId ?? null,
    api.transientWaitMs,
  );
}

export async function postComment(api: GitHubApi, pull: PullRef, body: string): Promise<void> {
  await createIssueComment(api, pull, clip(body, MAX_COMMENT_BODY_CHARS, '…'));
}

export async function react(api: GitHubApi, repo: RepoRef, commentId: number, content: 'eyes' | 'rocket' | 'confused'): Promise<void> {
  await api.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', { ...repo, comment_id: commentId, content });
}
