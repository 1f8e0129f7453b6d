// Every write the App makes to GitHub: the check run (the merge gate) and its annotations, one
// review with inline comments, thread resolution, the sticky summary comment and command replies.
// Each function sends few requests and stays inside the documented limits (limits.ts).
import type { GitHubApi } from './api.js';
import { clip, type Annotation, type CheckOutput, type Conclusion } from './check-output.js';
import type { ReviewCommentDraft } from './inline.js';
import { ANNOTATIONS_PER_REQUEST, CHECK_NAME, MAX_COMMENT_BODY_CHARS, RE_REVIEW_ACTION } from './limits.js';
import { SUMMARY_MARKER } from './markers.js';
import type { OwnThread } from './pr-state.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRef extends RepoRef {
  number: number;
}

const now = () => new Date().toISOString();

/** Created in progress so the pull request shows the gate at once; `external_id` ties it to the SHA. */
export async function startCheckRun(api: GitHubApi, repo: RepoRef, headSha: string, detailsUrl?: string): Promise<number> {
  const res = await api.request<{ id: number }>('POST /repos/{owner}/{repo}/check-runs', {
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    external_id: headSha,
    status: 'in_progress',
    started_at: now(),
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    output: { title: 'Reviewing…', summary: `Reviewing ${headSha.slice(0, 7)}: the result appears here when the review completes.` },
  });
  return res.data.id;
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
): Promise<number> {
  if (checkRunId === null) {
    const res = await api.request<{ id: number }>('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: CHECK_NAME,
      head_sha: headSha,
      external_id: headSha,
      status: 'completed',
      conclusion,
      completed_at: now(),
      output,
      actions: [RE_REVIEW_ACTION],
    });
    return res.data.id;
  }
  await completeCheckRun(api, repo, checkRunId, conclusion, output);
  return checkRunId;
}

/** One review per run (`COMMENT`, never `REQUEST_CHANGES`: the check run is the gate). */
export async function postReview(api: GitHubApi, pull: PullRef, headSha: string, comments: readonly ReviewCommentDraft[]): Promise<void> {
  const n = comments.length;
  await api.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
    owner: pull.owner,
    repo: pull.repo,
    pull_number: pull.number,
    commit_id: headSha,
    event: 'COMMENT',
    body: `Architecture review: ${n} new finding${n === 1 ? '' : 's'} on changed lines. The "${CHECK_NAME}" check run has the full report.`,
    comments: comments.map(({ fingerprint: _fingerprint, ...c }) => c),
  });
}

/** Replies `Resolved in <sha>` and resolves each thread, all in one GraphQL mutation; never deletes. */
export async function resolveThreads(api: GitHubApi, threads: readonly OwnThread[], headSha: string): Promise<void> {
  if (threads.length === 0) return;
  const decls: string[] = ['$body: String!'];
  const fields: string[] = [];
  const vars: Record<string, unknown> = { body: `Resolved in ${headSha}: this finding is no longer reported.` };
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
  const res = await api.request<{ id: number }>('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: pull.owner,
    repo: pull.repo,
    issue_number: pull.number,
    body,
  });
  return res.data.id;
}

export async function postComment(api: GitHubApi, pull: PullRef, body: string): Promise<void> {
  await api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: pull.owner,
    repo: pull.repo,
    issue_number: pull.number,
    body: clip(body, MAX_COMMENT_BODY_CHARS, '…'),
  });
}

export async function react(api: GitHubApi, repo: RepoRef, commentId: number, content: 'eyes' | 'rocket' | 'confused'): Promise<void> {
  await api.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', { ...repo, comment_id: commentId, content });
}
