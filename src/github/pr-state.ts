// Everything a run needs to know before it reviews, in one GraphQL request: the gating config on
// the default branch, this app's check runs on the head SHA (idempotency), the draft flag, and the
// app's own review threads and comments (fingerprint, summary and accept markers).
import type { GitHubApi } from './api.js';
import { BASELINE_PATH, MAX_BASELINE_BYTES } from '../review/baseline.js';
import type { ReadResult } from '../review/source.js';
import { CHECK_NAME } from './limits.js';
import { acceptsIn, fingerprintIn, hasSummaryMarker, isOwnComment, RESOLVED_REPLY, type AcceptMarker } from './markers.js';

export interface ExistingCheckRun {
  id: number;
  status: string;
  conclusion: string | null;
}

export interface OwnThread {
  id: string;
  isResolved: boolean;
  path: string;
  fingerprint: string;
  /**
   * Resolved by the App itself (its last comment is the App's `Resolved in <sha>` reply): the finding
   * was fixed. A thread a person resolved (to dismiss it) is not.
   */
  resolvedAsFixed: boolean;
}

export interface PullRequestState {
  /** null: no config file on the default branch (all defaults). */
  configText: string | null;
  configTooLarge: boolean;
  /** The baseline file on the default branch, read like the config (src/review/baseline.ts). */
  baseline: ReadResult;
  isDraft: boolean;
  /** Read at each run, so an edited title is seen by the next review (its tier claims, §9.3 step 5). */
  title: string;
  body: string;
  headSha: string;
  /** The base branch's tip; the review itself follows the merge base (see source.ts). */
  baseSha: string;
  checkRuns: ExistingCheckRun[];
  /** This app's runs on the commit the push replaced (`before` of a synchronize), when asked for. */
  previousCheckRuns: ExistingCheckRun[];
  threads: OwnThread[];
  summaryCommentId: number | null;
  accepted: AcceptMarker[];
}

interface ThreadNode {
  id: string;
  isResolved: boolean;
  path: string;
  comments: { nodes: { body: string; author: { login: string } | null }[] };
  latest: { nodes: { body: string; author: { login: string } | null }[] };
}
interface CommentNode {
  databaseId: number;
  body: string;
  author: { login: string } | null;
  /** Who last edited it; null (or absent) when never edited. */
  editor?: { login: string } | null;
}
interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage?: boolean; endCursor?: string | null; hasPreviousPage?: boolean; startCursor?: string | null };
}

const THREAD_FIELDS = 'id isResolved path comments(first: 1) { nodes { body author { login } } } latest: comments(last: 1) { nodes { body author { login } } }';
const COMMENT_FIELDS = 'databaseId body author { login } editor { login }';

const RUNS_OF_COMMIT = `... on Commit {
        checkSuites(first: 10, filterBy: { appId: $appId }) {
          nodes { checkRuns(first: 50, filterBy: { checkName: $checkName }) { nodes { databaseId status conclusion } } }
        }
      }`;

// `previous` is the commit a push replaced; without one it repeats the head (GraphQL needs a value).
const STATE_QUERY = `query PullRequestState($owner: String!, $name: String!, $number: Int!, $configExpr: String!, $baselineExpr: String!, $headSha: GitObjectID!, $previousSha: GitObjectID!, $appId: Int!, $checkName: String!) {
  repository(owner: $owner, name: $name) {
    config: object(expression: $configExpr) { ... on Blob { text byteSize isTruncated } }
    baseline: object(expression: $baselineExpr) { ... on Blob { text byteSize isTruncated isBinary } }
    commit: object(oid: $headSha) {
      ${RUNS_OF_COMMIT}
    }
    previous: object(oid: $previousSha) {
      ${RUNS_OF_COMMIT}
    }
    pullRequest(number: $number) {
      isDraft
      title
      body
      headRefOid
      baseRefOid
      reviewThreads(first: 100) { nodes { ${THREAD_FIELDS} } pageInfo { hasNextPage endCursor } }
      comments(last: 100) { nodes { ${COMMENT_FIELDS} } pageInfo { hasPreviousPage startCursor } }
    }
  }
}`;

const MORE_THREADS = `query MoreThreads($owner: String!, $name: String!, $number: Int!, $after: String!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    reviewThreads(first: 100, after: $after) { nodes { ${THREAD_FIELDS} } pageInfo { hasNextPage endCursor } }
  } }
}`;

const MORE_COMMENTS = `query MoreComments($owner: String!, $name: String!, $number: Int!, $before: String!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    comments(last: 100, before: $before) { nodes { ${COMMENT_FIELDS} } pageInfo { hasPreviousPage startCursor } }
  } }
}`;

// A very busy pull request still ends: past this many pages the oldest markers are not read.
const MAX_EXTRA_PAGES = 20;

export interface StateRequest {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  defaultBranch: string;
  configPath: string;
  appId: number;
  appSlug: string;
  /** The head before the push (synchronize's `before`): runs a stopped process left there are reported. */
  previousSha?: string;
}

type CommitRuns = { checkSuites?: { nodes: { checkRuns: { nodes: { databaseId: number; status: string; conclusion: string | null }[] } }[] } };

function runsOf(commit: CommitRuns | null): ExistingCheckRun[] {
  return (commit?.checkSuites?.nodes ?? []).flatMap((s) =>
    s.checkRuns.nodes.map((r) => ({ id: r.databaseId, status: r.status.toLowerCase(), conclusion: r.conclusion?.toLowerCase() ?? null })),
  );
}

export async function fetchPullRequestState(api: GitHubApi, req: StateRequest): Promise<PullRequestState> {
  const vars = { owner: req.owner, name: req.repo, number: req.number };
  const data = await api.graphql<{
    repository: {
      config: { text: string | null; byteSize: number; isTruncated: boolean } | null;
      baseline: { text: string | null; byteSize: number; isTruncated: boolean; isBinary: boolean | null } | null;
      commit: CommitRuns | null;
      previous: CommitRuns | null;
      pullRequest: { isDraft: boolean; title: string; body: string; headRefOid: string; baseRefOid: string; reviewThreads: Page<ThreadNode>; comments: Page<CommentNode> };
    };
  }>(STATE_QUERY, {
    ...vars,
    // Fully qualified: in a revision expression a tag named like the branch (`main`) would win over
    // the branch, and anyone who can push a tag could then pick the gate's configuration.
    configExpr: `refs/heads/${req.defaultBranch}:${req.configPath}`,
    baselineExpr: `refs/heads/${req.defaultBranch}:${BASELINE_PATH}`,
    headSha: req.headSha,
    previousSha: req.previousSha && /^[0-9a-f]{40}$/.test(req.previousSha) ? req.previousSha : req.headSha,
    appId: req.appId,
    checkName: CHECK_NAME,
  });
  const repo = data.repository;
  const pr = repo.pullRequest;

  const threads = [...pr.reviewThreads.nodes];
  let threadPage = pr.reviewThreads.pageInfo;
  for (let n = 0; threadPage.hasNextPage && threadPage.endCursor && n < MAX_EXTRA_PAGES; n++) {
    const more = await api.graphql<{ repository: { pullRequest: { reviewThreads: Page<ThreadNode> } } }>(MORE_THREADS, { ...vars, after: threadPage.endCursor });
    threads.push(...more.repository.pullRequest.reviewThreads.nodes);
    threadPage = more.repository.pullRequest.reviewThreads.pageInfo;
  }
  const comments = [...pr.comments.nodes];
  let commentPage = pr.comments.pageInfo;
  for (let n = 0; commentPage.hasPreviousPage && commentPage.startCursor && n < MAX_EXTRA_PAGES; n++) {
    const more = await api.graphql<{ repository: { pullRequest: { comments: Page<CommentNode> } } }>(MORE_COMMENTS, { ...vars, before: commentPage.startCursor });
    comments.unshift(...more.repository.pullRequest.comments.nodes);
    commentPage = more.repository.pullRequest.comments.pageInfo;
  }

  const own = (login: string | undefined) => isOwnComment(login, req.appSlug);
  const ownThreads: OwnThread[] = [];
  for (const t of threads) {
    const first = t.comments.nodes[0];
    const fingerprint = first && own(first.author?.login) ? fingerprintIn(first.body) : null;
    const last = t.latest?.nodes[0];
    const resolvedAsFixed = t.isResolved && !!last && own(last.author?.login) && last.body.startsWith(RESOLVED_REPLY);
    if (fingerprint) ownThreads.push({ id: t.id, isResolved: t.isResolved, path: t.path, fingerprint, resolvedAsFixed });
  }
  const ownComments = comments.filter((c) => own(c.author?.login));
  const summary = ownComments.find((c) => hasSummaryMarker(c.body));

  return {
    configText: repo.config ? repo.config.text : null,
    configTooLarge: repo.config ? repo.config.isTruncated || repo.config.text === null : false,
    baseline: blobRead(repo.baseline, MAX_BASELINE_BYTES),
    isDraft: pr.isDraft,
    title: pr.title,
    body: pr.body,
    headSha: pr.headRefOid,
    baseSha: pr.baseRefOid,
    checkRuns: runsOf(repo.commit),
    previousCheckRuns: req.previousSha && req.previousSha !== req.headSha ? runsOf(repo.previous) : [],
    threads: ownThreads,
    summaryCommentId: summary?.databaseId ?? null,
    // Anyone with write access can edit the App's comments in the browser, and GitHub keeps the App
    // as their author: an accept counts only in a confirmation nobody else has edited.
    accepted: ownComments.filter((c) => !c.editor || own(c.editor.login)).flatMap((c) => acceptsIn(c.body)),
  };
}

/** A blob from the state query as a source read: missing, binary, too large (or cut short by GitHub), or its text. */
function blobRead(blob: { text: string | null; byteSize: number; isTruncated: boolean; isBinary: boolean | null } | null, maxBytes: number): ReadResult {
  if (!blob) return { ok: false, reason: 'missing' };
  if (blob.isBinary) return { ok: false, reason: 'binary', bytes: blob.byteSize };
  if (blob.byteSize > maxBytes || blob.isTruncated || blob.text === null) return { ok: false, reason: 'too-large', bytes: blob.byteSize };
  return { ok: true, text: blob.text, bytes: blob.byteSize };
}
