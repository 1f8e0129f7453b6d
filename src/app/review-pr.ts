// One review run for one pull request head: read state → check run in progress → config from the
// default branch → engine → inline comments, resolved threads, summary comment → completed check
// run. Whatever fails, the check run ends completed with a message that says what happened.
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { allRules, codeRules, docsRules } from '../../rules/index.js';
import { CONFIG_PATH, MAX_CONFIG_BYTES, parseConfig, type ConfigResult } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { codeSpan, escapeInline, renderCoverageLine, renderMarkdown } from '../render/markdown.js';
import { baselineOf } from '../review/baseline.js';
import { DEFAULT_LIMITS, isAtOrUnder, MAX_UNCHANGED_CODE, normalisePathArgument, runReview, unchangedMappedCode, withDiffGate } from '../review/engine.js';
import { headFindings } from '../review/summary/facts.js';
import type { AcceptedRisk, ReviewResult } from '../review/types.js';
import type { GitHubApi } from '../github/api.js';
import { buildAnnotations, buildAppendix, buildCheckOutput, checkConclusion, incompleteBecause, incompleteTitle, type Conclusion } from '../github/check-output.js';
import { planInlineComments } from '../github/inline.js';
import { MAX_PR_FILES } from '../github/limits.js';
import { ACCEPT_CONFIRMATION, acceptMarker } from '../github/markers.js';
import { permissionOf, WRITE_ROLES } from '../github/permission.js';
import { fetchPullRequestState, type PullRequestState } from '../github/pr-state.js';
import {
  completeCheckRun,
  concludeCheckRun,
  type CreateGuard,
  postComment,
  postReview,
  resolveThreads,
  startCheckRun,
  upsertSummaryComment,
} from '../github/publish.js';
import { createGitHubSource } from '../github/source.js';
import { previewProposedConfig, proposedConfig } from './config-preview.js';
import { acceptAuthority, type Authority } from './accept-authority.js';
import type { Reach } from './commands.js';
import type { RunSignal } from './queue.js';

export interface ReviewJob {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  defaultBranch: string;
  /**
   * push: opened/synchronize/…; edited: a new base branch or a new claimed tier (reviewed again like a
   * re-run, but drafts wait as for a push); rerun: a re-run button; command: a `/review` comment; recover: a run
   * the process had queued or started when it stopped, taken up again at start (journal.ts). A
   * recovered run behaves like a push: it finishes a run left in progress and never duplicates one.
   */
  trigger: 'push' | 'rerun' | 'command' | 'recover' | 'edited';
  summaryComment: boolean;
  /** `admin`: the commenter's role; `author`: the pull request's, who may not accept unless an admin. */
  accept?: { shortId: string; reason: string; by: string; admin: boolean; author: string | null };
  /** `/review full` or `/review <paths>`: what the summary comment covers; the check run gates on the diff. */
  reach?: Exclude<Reach, { kind: 'diff' }>;
  /** The head this push replaced (synchronize's `before`); a run a stopped process left there is concluded. */
  previousSha?: string;
}

export interface Log {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface RunContext {
  api: GitHubApi;
  appId: number;
  appSlug: string;
  log: Log;
  signal: RunSignal;
}

export type RunOutcome =
  | { kind: 'reviewed'; checkRunId: number; conclusion: Conclusion; inline: number; resolved: number }
  | { kind: 'already-reviewed' | 'draft' | 'stale-head'; checkRunId: null }
  | { kind: 'superseded' | 'config-error'; checkRunId: number | null }
  /** `unfinished`: not even the failure could be reported, so the check run may still be in progress. */
  | { kind: 'failed'; checkRunId: number | null; unfinished?: boolean };

class Superseded extends Error {
  constructor(readonly by: string) {
    super(`superseded by ${by}`);
  }
}

function describe(error: unknown): string {
  const e = error as { status?: number; message?: string };
  const text = (e?.message ?? String(error)).split('\n')[0]!.slice(0, 500);
  return e?.status ? `GitHub answered ${e.status}: ${text}` : text;
}

const KNOWN_RULE_IDS = allRules.map((r) => r.meta.id);

function readConfig(state: PullRequestState, defaultBranch: string): ConfigResult {
  const where = `${CONFIG_PATH} on ${defaultBranch}`;
  if (state.configTooLarge) {
    return { ok: false, error: { message: `${where}: file is larger than ${MAX_CONFIG_BYTES / 1024} KiB`, key: '', line: null, column: null } };
  }
  return parseConfig(state.configText ?? '', where, { knownRuleIds: KNOWN_RULE_IDS });
}

export async function reviewPullRequest(ctx: RunContext, job: ReviewJob): Promise<RunOutcome> {
  const { api, log } = ctx;
  const repo = { owner: job.owner, repo: job.repo };
  const pull = { ...repo, number: job.number };
  let checkRunId: number | null = null;
  let onError: Conclusion = 'neutral';
  // Which runs existed before this one: a create that may have been stored is looked up, not repeated.
  let guard: CreateGuard = { appId: ctx.appId };
  // True once this run has sent its check-run create: when that failed, it may still have been stored.
  let startSent = false;
  const failureGuard = (): CreateGuard => (startSent && checkRunId === null ? { ...guard, lookFirst: true } : guard);
  const checkpoint = () => {
    const by = ctx.signal.supersededBy();
    if (by) throw new Superseded(by);
  };

  try {
    const state = await fetchPullRequestState(api, {
      ...pull,
      headSha: job.headSha,
      defaultBranch: job.defaultBranch,
      configPath: CONFIG_PATH,
      appId: ctx.appId,
      appSlug: ctx.appSlug,
      ...(job.previousSha ? { previousSha: job.previousSha } : {}),
    });
    await concludeLeftovers(ctx, job, state);
    const config = readConfig(state, job.defaultBranch);
    if (config.ok) onError = config.config.onError;

    const automatic = job.trigger === 'push' || job.trigger === 'recover';
    guard = { appId: ctx.appId, known: state.checkRuns.map((r) => r.id) };
    if (state.headSha !== job.headSha) {
      // A newer push is on its way with its own event; only a requested re-run gets an answer, and
      // a run a stopped process left in progress on this older commit is concluded as superseded.
      const leftover = state.checkRuns.find((r) => r.status !== 'completed')?.id ?? null;
      // An edit on a head a push has replaced changes nothing the newer head's review will not read.
      if ((automatic || job.trigger === 'edited') && leftover === null) return { kind: 'stale-head', checkRunId: null };
      if (automatic) checkRunId = leftover;
      throw new Superseded(state.headSha);
    }
    const draftWaits = state.isDraft && !(config.ok && config.config.drafts);
    // The head's result stands when its newest completed run is a review; a `cancelled` one (superseded
    // by a push since force-pushed away, or made out of date by an edit) is no review of this head.
    const newestCompleted = state.checkRuns.filter((r) => r.status === 'completed').sort((a, b) => b.id - a.id)[0];
    const reviewed = newestCompleted !== undefined && newestCompleted.conclusion !== 'cancelled';
    if (job.trigger === 'edited' && draftWaits) {
      // A new base or claimed tier makes the last review wrong; marking the draft ready reviews it again.
      if (reviewed) {
        await concludeCheckRun(api, repo, job.headSha, null, 'cancelled', {
          title: 'Out of date: the pull request changed while a draft',
          summary: 'The base branch or the claimed tier changed while this pull request is a draft, so the last review no longer applies. It is reviewed again when it is marked ready for review, or on `/review`.',
        }, guard);
      }
      return { kind: 'draft', checkRunId: null };
    }
    if (automatic) {
      // A run left in progress by a crashed process is finished here rather than duplicated. Beside a
      // completed run (a `/review` or Re-review adds a second one) only a recovered run adopts it: a
      // push for the head could otherwise take over a Re-review still running under another queue
      // key (a fork's, keyed by SHA), and two runs would complete one check run.
      const leftover = state.checkRuns.find((r) => r.status !== 'completed')?.id ?? null;
      const completed = newestCompleted !== undefined;
      if (leftover === null ? reviewed : completed && job.trigger !== 'recover') return { kind: 'already-reviewed', checkRunId: null };
      if (leftover === null && draftWaits) return { kind: 'draft', checkRunId: null };
      checkRunId = leftover;
    }
    if (checkRunId === null) {
      startSent = true;
      checkRunId = await startCheckRun(api, repo, job.headSha, undefined, guard);
    }

    const source = createGitHubSource({ api, pull: { ...pull, baseSha: state.baseSha, headSha: job.headSha } });
    if (!config.ok) {
      // A team that chose to fail closed keeps that choice when a typo elsewhere breaks the file.
      const failClosed = declaredOnError(state.configText) === 'failure';
      await concludeCheckRun(api, repo, job.headSha, checkRunId, failClosed ? 'failure' : 'neutral', {
        title: 'Configuration error: the review did not run',
        summary: [
          `The gating configuration could not be read, so this commit was not reviewed.${failClosed ? ' The file says `onError: failure`, so this check fails until it is fixed.' : ''}`,
          '',
          `**${config.error.message}**`,
          '',
          `The configuration is read from the default branch (\`${job.defaultBranch}\`), so a pull request cannot change its own gate. Fix the file there, then press **Re-review**.`,
          ...(await fixOnTheWay(source)),
        ].join('\n'),
      });
      return { kind: 'config-error', checkRunId };
    }
    checkpoint();

    const accepted = new Map<string, AcceptedRisk>(state.accepted.map((a) => [a.fingerprint, { by: a.by, reason: a.reason }]));
    // From the default branch, like the config: a pull request can neither add its own findings to it
    // nor keep entries a later `--prune` dropped.
    const baseline = baselineOf(state.baseline);
    const reviewWith = (settings: Config, reach: { restrictTo?: string[]; unchangedCode?: string[] } = {}) =>
      runReview({ source, config: settings, codeRules, docsRules, accepted, baseline, pullRequest: { title: state.title, body: state.body }, ...reach });
    const review = () => reviewWith(config.config);
    let result = await review();
    const notes: string[] = [];

    if (job.accept) {
      const reply = await applyAccept(ctx, job, result, accepted);
      if (reply.changed) result = await review();
      notes.push(reply.note);
    }
    checkpoint();

    const changed = await source.changedFiles();
    let proposalInvalid = false;
    try {
      proposalInvalid = (await proposedConfig(source, changed, KNOWN_RULE_IDS)).kind === 'invalid';
      const preview = await previewProposedConfig({
        source, changed, current: config.config, defaultBranch: job.defaultBranch, knownRuleIds: KNOWN_RULE_IDS, now: result, review: reviewWith,
      });
      if (preview) notes.push(preview);
    } catch (error) {
      // The preview is a courtesy: the review above is done and stands on its own.
      notes.push(`This pull request changes \`${CONFIG_PATH}\`; the proposed file could not be checked (${describe(error)}).`);
    }
    checkpoint();
    const current = new Set(headFindings(result.findings).map((f) => f.fingerprint));
    const openThreads = state.threads.filter((t) => !t.isResolved);
    // A thread a person resolved dismissed its finding: not posted again. One the App resolved because
    // the finding was gone is posted again when the finding comes back.
    const commented = state.threads.filter((t) => !t.isResolved || !t.resolvedAsFixed);
    const plan = planInlineComments(
      result.findings, changed, config.config, new Set(commented.map((t) => t.fingerprint)), openThreads.filter((t) => current.has(t.fingerprint)).length,
    );
    let inline = 0;
    if (plan.comments.length > 0) {
      try {
        await postReview(api, pull, job.headSha, plan.comments);
        inline = plan.comments.length;
      } catch (error) {
        notes.push(`Inline comments could not be posted (${describe(error)}); every finding is in this check run.`);
      }
    }
    notes.push(
      `Inline comments: ${inline} posted, ${plan.alreadyCommented} already on the pull request, ${plan.outsideDiff} outside the diff, ${plan.overCap} over the limit of ${config.config.inline.max}.`,
    );

    const unread = new Set(result.coverage.skipped.map((s) => s.path));
    const listCut = source.listedFiles() >= MAX_PR_FILES;
    // Past GitHub's file-list cut a file is not read at all: its threads are left alone, like an unread file's.
    const listed = new Set(changed.map((f) => f.path));
    const gone = openThreads.filter((t) => !current.has(t.fingerprint) && !unread.has(t.path) && (!listCut || listed.has(t.path)));
    if (gone.length > 0) {
      try {
        await resolveThreads(api, gone, job.headSha);
        notes.push(`Resolved ${gone.length} review thread${gone.length === 1 ? '' : 's'} whose finding is gone in ${job.headSha.slice(0, 7)}.`);
      } catch (error) {
        notes.push(`Threads of fixed findings could not be resolved (${describe(error)}).`);
      }
    }

    const report = `${renderMarkdown(result)}\n${renderCoverageLine(result.coverage)}\n`;
    if (listCut) notes.push(`GitHub lists at most ${MAX_PR_FILES} files of a pull request; files past that were not reviewed.`);
    const incomplete = incompleteBecause(result, listCut);
    // Merging an invalid configuration would stop every later review: the change that brings it fails.
    const conclusion = proposalInvalid ? 'failure' : checkConclusion(result, incomplete, config.config.onError);
    // `summaryComment: never` posts none, even on request; a run with nothing relevant posts nothing
    // but its skipped check run (review-output.md §3.5), though a summary comment an earlier run
    // wrote is brought up to date rather than left reporting findings the pull request no longer has.
    const commentWanted = config.config.summaryComment !== 'never' && (conclusion !== 'skipped' || state.summaryCommentId !== null) &&
      (job.summaryComment || config.config.summaryComment === 'always');
    const command = job.reach ? reachName(job.reach) : null;
    if (command && commentWanted) notes.push(`The summary comment shows the ${command} report; this check run is the diff review and gates on it, as every run does.`);
    if (command && config.config.summaryComment === 'never') notes.push(`The configuration says \`summaryComment: never\`, so the ${command} report, which only goes to the summary comment, was not made.`);
    if (!job.reach && commentWanted) {
      // The gate is the check run: a summary comment GitHub refuses must not turn it neutral.
      try {
        await upsertSummaryComment(api, pull, state.summaryCommentId, report);
      } catch (error) {
        notes.push(`The summary comment could not be written (${describe(error)}); the report is in this check run.`);
      }
    }

    const { annotations, dropped } = buildAnnotations(result);
    if (dropped > 0) notes.push(`${dropped} more findings are not annotated (the page stays usable); they are counted above.`);
    checkpoint();
    const output = buildCheckOutput(report, buildAppendix(result, notes, configHash(state.configText, job.defaultBranch)));
    output.title = proposalInvalid ? `Invalid ${CONFIG_PATH} proposed: merged, it would stop every review` : incompleteTitle(output.title, incomplete, result);
    await completeCheckRun(api, repo, checkRunId, conclusion, output, annotations);
    log.info({ pr: `${job.owner}/${job.repo}#${job.number}`, sha: job.headSha, conclusion, inline, resolved: gone.length }, 'review completed');
    // A wider or narrower report for the summary comment, made after the gate is complete: it never
    // holds the check run in progress, and no `/review` argument can change what gates the merge.
    if (job.reach && commentWanted) await postReachedSummary(ctx, job, { source, config: config.config, diff: result, diffReport: report, commentId: state.summaryCommentId, reviewWith });
    return { kind: 'reviewed', checkRunId, conclusion, inline, resolved: gone.length };
  } catch (error) {
    if (error instanceof Superseded) {
      if (checkRunId === null && (job.trigger === 'push' || job.trigger === 'recover')) return { kind: 'stale-head', checkRunId: null };
      try {
        checkRunId = await concludeCheckRun(api, repo, job.headSha, checkRunId, 'cancelled', {
          title: 'Superseded by a newer commit',
          summary: `A newer commit (${error.by.slice(0, 7)}) is now the head of this pull request; it is reviewed instead of ${job.headSha.slice(0, 7)}.`,
        }, failureGuard());
      } catch (e) {
        log.error({ err: describe(e) }, 'could not conclude a superseded check run');
        return { kind: 'failed', checkRunId, unfinished: true };
      }
      return { kind: 'superseded', checkRunId };
    }
    const message = describe(error);
    log.error({ pr: `${job.owner}/${job.repo}#${job.number}`, sha: job.headSha, err: message }, 'review failed');
    try {
      checkRunId = await concludeCheckRun(api, repo, job.headSha, checkRunId, onError, {
        title: 'Architecture review could not complete',
        summary: `The review of ${job.headSha.slice(0, 7)} stopped: ${message}\n\nPress **Re-review** (or comment \`/review\`) to try again. The conclusion is \`${onError}\`, as configured by \`onError\`.`,
      }, failureGuard());
    } catch (second) {
      log.error({ err: describe(second) }, 'could not complete the check run after a failure');
      return { kind: 'failed', checkRunId, unfinished: true };
    }
    return { kind: 'failed', checkRunId };
  }
}

/**
 * Runs left in progress on the commit this push replaced. Runs of one pull request never overlap in
 * this process (queue.ts), so one still in progress was left by a process that stopped mid-review:
 * it is concluded as superseded, so no run stays pending forever. A failure here is only logged.
 */
async function concludeLeftovers(ctx: RunContext, job: ReviewJob, state: PullRequestState): Promise<void> {
  const leftovers = state.previousCheckRuns.filter((r) => r.status !== 'completed');
  for (const run of leftovers) {
    try {
      await completeCheckRun(ctx.api, { owner: job.owner, repo: job.repo }, run.id, 'cancelled', {
        title: 'Superseded by a newer commit',
        summary: `A newer commit (${job.headSha.slice(0, 7)}) is now the head of this pull request; it is reviewed instead of ${job.previousSha!.slice(0, 7)}.`,
      });
    } catch (error) {
      ctx.log.warn({ pr: `${job.owner}/${job.repo}#${job.number}`, run: run.id, err: describe(error) }, 'could not conclude a run left in progress');
    }
  }
}

/** `/review accept`: confirms with a marker comment the next runs rebuild the accepted set from. */
async function applyAccept(
  ctx: RunContext,
  job: ReviewJob,
  result: ReviewResult,
  accepted: Map<string, AcceptedRisk>,
): Promise<{ changed: boolean; note: string }> {
  const { shortId, reason, by } = job.accept!;
  const pull = { owner: job.owner, repo: job.repo, number: job.number };
  const matches = headFindings(result.findings).filter((f) => f.fingerprint.startsWith(shortId));
  if (matches.length !== 1) {
    const problem = matches.length === 0 ? 'matches no finding of this review' : 'matches more than one finding; give more characters';
    await postComment(ctx.api, pull, `@${by} \`${shortId}\` ${problem}. Finding ids are shown in the inline comments and the check run annotations.`);
    return { changed: false, note: `Accept request for ${shortId} ${problem}.` };
  }
  const finding = matches[0]!;
  if (accepted.has(finding.fingerprint)) return { changed: false, note: `${shortId} was already accepted.` };
  let authority: Authority;
  // A retried run (recover) asks again: the role decided when the comment arrived may have changed.
  let role: string | null = null;
  if (job.trigger !== 'command') {
    try {
      role = await permissionOf(ctx.api, pull, by);
    } catch (error) {
      const reason = `your permission on this repository could not be checked (${describe(error)}); try again.`;
      await postComment(ctx.api, pull, `@${by} ${reason}`);
      return { changed: false, note: `Accept request for ${shortId} by @${by} refused: ${reason}` };
    }
  }
  try {
    if (role !== null && !WRITE_ROLES.has(role)) {
      authority = { ok: false, reason: 'accepting a risk needs write access to this repository, which you no longer have.' };
    } else {
      authority = await acceptAuthority(ctx.api, {
        owner: job.owner, repo: job.repo, number: job.number, defaultBranch: job.defaultBranch, login: by,
        admin: role === null ? job.accept!.admin : role === 'admin', author: job.accept!.author, path: finding.location.path,
      });
    }
  } catch (error) {
    authority = { ok: false, reason: `accepting a risk needs a repository admin or a code owner of the file, and CODEOWNERS could not be checked (${describe(error)}).` };
  }
  if (!authority.ok) {
    await postComment(ctx.api, pull, `@${by} ${authority.reason}`);
    return { changed: false, note: `Accept request for ${shortId} by @${by} refused: ${authority.reason}` };
  }
  accepted.set(finding.fingerprint, { by, reason });
  await postComment(
    ctx.api,
    pull,
    `${ACCEPT_CONFIRMATION}${by} (${authority.via}) for **${finding.ruleId}** at ${codeSpan(`${finding.location.path}:${finding.location.startLine}`)}: ${escapeInline(reason)}\n` +
      `It no longer gates this pull request; it stays in the report.\n${acceptMarker(finding.fingerprint, by, reason)}`,
  );
  return { changed: true, note: `Risk ${shortId} accepted by @${by}.` };
}

async function postReachedSummary(
  ctx: RunContext,
  job: ReviewJob,
  input: {
    source: ReturnType<typeof createGitHubSource>;
    config: Config;
    diff: ReviewResult;
    diffReport: string;
    commentId: number | null;
    reviewWith: (settings: Config, reach: { restrictTo?: string[]; unchangedCode?: string[] }) => Promise<ReviewResult>;
  },
): Promise<void> {
  const reach = job.reach!;
  const pull = { owner: job.owner, repo: job.repo, number: job.number };
  if (reach.kind === 'paths') {
    // `/review again` or `/review please` reads as a path; a report of nothing would replace the
    // summary comment's findings with an empty one, so the command is answered instead.
    const changed = await input.source.changedFiles();
    const prefixes = reach.paths.map(normalisePathArgument).filter((p) => p !== null);
    const matches = (p: string) => changed.some((f) => isAtOrUnder(f.path, p) || (f.previousPath !== undefined && isAtOrUnder(f.previousPath, p)));
    if (!prefixes.some(matches)) {
      const named = reach.paths.map((p) => codeSpan(p)).join(', ');
      await postComment(ctx.api, pull, `No changed file of this pull request is at or under ${named}, so the summary comment is unchanged. \`/review\` alone reviews the whole pull request; \`/review help\` lists the commands. The check run reviewed the diff as usual.`);
      return;
    }
  }
  let summary: string;
  try {
    const reached = withDiffGate(await reachedReview(reach, input.source, input.config, input.diff, input.reviewWith), input.diff);
    summary = `${reachHeading(reach)}\n\n${renderMarkdown(reached)}\n${renderCoverageLine(reached.coverage)}\n`;
  } catch (error) {
    summary = `> The ${reachName(reach)} report could not be made (${describe(error).replace(/</g, '&lt;')}); this is the diff review.\n\n${input.diffReport}`;
  }
  // A newer head's own review writes the comment; this one would only overwrite it with old news.
  if (ctx.signal.supersededBy()) return;
  try {
    await upsertSummaryComment(ctx.api, pull, input.commentId, summary);
  } catch (error) {
    ctx.log.warn({ pr: `${job.owner}/${job.repo}#${job.number}`, err: describe(error) }, 'could not write the summary comment');
  }
}

/**
 * `onError` as an invalid file states it, when the file still reads as YAML with that key: the one
 * setting that decides what a configuration error concludes.
 */
export function declaredOnError(text: string | null): 'neutral' | 'failure' | null {
  if (!text) return null;
  try {
    const value = parseYaml(text, { maxAliasCount: 0, uniqueKeys: false }) as unknown;
    const declared = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).onError : undefined;
    return declared === 'failure' || declared === 'neutral' ? declared : null;
  } catch {
    return null;
  }
}

/** Which configuration a run used, so two runs' details can be compared (review-output.md §11.2). */
function configHash(text: string | null, defaultBranch: string): string {
  if (text === null || text.trim() === '') return `defaults (no \`${CONFIG_PATH}\` on \`${defaultBranch}\`)`;
  return `sha256 ${createHash('sha256').update(text).digest('hex').slice(0, 12)} of \`${CONFIG_PATH}\` on \`${defaultBranch}\``;
}

/** The `/review full` or `/review <paths>` review, from the diff review's touched features. */
async function reachedReview(
  reach: Exclude<Reach, { kind: 'diff' }>,
  source: ReturnType<typeof createGitHubSource>,
  config: Config,
  diff: ReviewResult,
  reviewWith: (settings: Config, reach: { restrictTo?: string[]; unchangedCode?: string[] }) => Promise<ReviewResult>,
): Promise<ReviewResult> {
  if (reach.kind === 'paths') return reviewWith(config, { restrictTo: reach.paths });
  const unchangedCode = await unchangedMappedCode(source, config, diff.scope.features);
  source.readAlong(unchangedCode.slice(0, MAX_UNCHANGED_CODE), DEFAULT_LIMITS.maxCodeBytes);
  return reviewWith(config, { unchangedCode });
}

const reachName = (reach: Exclude<Reach, { kind: 'diff' }>) => (reach.kind === 'full' ? '`/review full`' : '`/review <paths>`');

function reachHeading(reach: Exclude<Reach, { kind: 'diff' }>): string {
  const what = reach.kind === 'full'
    ? '**`/review full`**: this report also covers the unchanged code the configuration maps to the touched features; findings there are reported, never gating.'
    : `**\`/review ${reach.paths.map((p) => p.replace(/`/g, '')).join(' ')}\`**: this report covers only the changed files at or under these paths, and their features.`;
  return `> ${what} The merge gate (the check run) covers the whole diff; \`/review\` brings back the diff report.`;
}

/** When the pull request itself edits the broken file: whether its version would end the error once merged. */
async function fixOnTheWay(source: ReturnType<typeof createGitHubSource>): Promise<string[]> {
  let proposed;
  try {
    proposed = await proposedConfig(source, await source.changedFiles(), KNOWN_RULE_IDS);
  } catch {
    // The error above is what the run reports; the preview is a courtesy.
    return [];
  }
  if (proposed.kind === 'untouched') return [];
  if (proposed.kind === 'valid') return ['', `This pull request changes \`${CONFIG_PATH}\`, and its version is valid: once merged, reviews run again.`];
  if (proposed.kind === 'invalid') return ['', `This pull request changes \`${CONFIG_PATH}\`, but its version is invalid too: ${proposed.message}`];
  return ['', `This pull request changes \`${CONFIG_PATH}\`; its version could not be read (${proposed.reason}).`];
}
