// The Probot app: turns webhook events into queued review runs. Handlers only read the payload and
// enqueue, so a delivery is answered in milliseconds; every GitHub call happens in the queue.
import type { Context, Probot } from 'probot';
import { apiFromOctokit, type GitHubApi, type OctokitLike, type RetryOptions } from '../github/api.js';
import { CHECK_NAME, RE_REVIEW_ACTION } from '../github/limits.js';
import { pullRequestClaims } from '../review/pr-claims.js';
import { permissionOf, WRITE_ROLES } from '../github/permission.js';
import { concludeCheckRun, postComment, react } from '../github/publish.js';
import { HELP_TEXT, parseCommand, type ReviewCommand } from './commands.js';
import { journalId, type RunJournal } from './journal.js';
import { SeenSet } from './lru.js';
import { ReviewQueue, type QueueTask, type RunSignal } from './queue.js';
import { reviewPullRequest, type Log, type ReviewJob, type RunOutcome } from './review-pr.js';

export interface ArchReviewOptions {
  appId: number;
  /** Reviews running at once; each holds one pull request's files in memory. A whole number ≥ 1, else 2. */
  concurrency?: number;
  /** Pull requests waiting at most; more are answered with a neutral "busy" check run. */
  maxPending?: number;
  retry?: RetryOptions;
  /** Called after every run (tests and metrics). */
  onOutcome?: (outcome: RunOutcome, job: ReviewJob) => void;
  /** Accepted runs survive a restart through this file (journal.ts); none without it. */
  journal?: RunJournal;
  /**
   * A run that could not even report its failure (GitHub unreachable) may leave its check run in
   * progress: it is tried again after these delays, then left to the journal and the next event.
   */
  unfinishedRetryDelaysMs?: readonly number[];
  /** Holds review starts until it settles (queue.ts `startGate`; main.ts: a lull in webhook traffic). */
  startGate?: () => Promise<void> | null;
}

/** What the steps of one sequence share: the head a plain `/review` among them has just reviewed. */
interface SequenceState {
  reviewedHead: string | null;
}

function stepsOf(data: JobData): Step[] {
  return data.type === 'sequence' ? data.steps : [data];
}

/**
 * The commands that wait, in the order they came: a person's repeated command (the same text) counts
 * once, at its latest place; accepts are kept apart from the cap on the others, so a flood of other
 * commands cannot evict a waiting `/review accept`.
 */
function waitingCommands(steps: readonly Step[]): Step[] {
  const commands = steps.filter((s): s is Extract<Step, { type: 'command' }> => s.type === 'command');
  // Re-runs of one commit (a check run's Re-run, pressed again and again) count once, at their latest place.
  const rerunOf = new Map<string, Step>();
  for (const s of steps) {
    if (s.type !== 'rerun-sha') continue;
    const key = `${s.headSha}\u0000${s.pullNumbers.join(',')}`;
    rerunOf.delete(key);
    rerunOf.set(key, s);
  }
  const others = [...rerunOf.values()].slice(-MAX_WAITING_COMMANDS);
  const latestOf = new Map<string, Extract<Step, { type: 'command' }>>();
  for (const c of commands) {
    const key = `${c.actor}\u0000${JSON.stringify(c.command)}`;
    latestOf.delete(key);
    latestOf.set(key, c);
  }
  const unique = [...latestOf.values()];
  const accepts = unique.filter((c) => c.command.name === 'accept').slice(-MAX_WAITING_ACCEPTS);
  const rest = unique.filter((c) => c.command.name !== 'accept').slice(-MAX_WAITING_COMMANDS);
  return [...others, ...unique.filter((c) => accepts.includes(c) || rest.includes(c))];
}

interface Repo {
  owner: string;
  repo: string;
  defaultBranch: string;
}

type JobData =
  | { type: 'review'; api: GitHubApi; installationId: number | null; job: ReviewJob }
  | { type: 'command'; api: GitHubApi; installationId: number | null; repo: Repo; number: number; commentId: number; actor: string; command: ReviewCommand }
  | { type: 'rerun-sha'; api: GitHubApi; installationId: number | null; repo: Repo; headSha: string; pullNumbers: number[] }
  /** What waited for one pull request: commands in the order they came, then the newest push's review. */
  | { type: 'sequence'; steps: Step[] };
type Step = Exclude<JobData, { type: 'sequence' }>;

/** Commands kept waiting per pull request; older ones beyond it are dropped (a flood of comments). */
const MAX_WAITING_COMMANDS = 20;
const MAX_WAITING_ACCEPTS = 50;


export interface ArchReviewApp {
  app: (probot: Probot) => void;
  queue: ReviewQueue<JobData>;
  /** Queues again every run the journal holds (call once, after `probot.load`); returns how many. */
  recover: () => Promise<number>;
}

interface PayloadRepo {
  name: string;
  owner: { login: string };
  default_branch: string;
}

function repoOf(payload: { repository: PayloadRepo }): Repo {
  return { owner: payload.repository.owner.login, repo: payload.repository.name, defaultBranch: payload.repository.default_branch };
}

export function createArchReviewApp(options: ArchReviewOptions): ArchReviewApp {
  const deliveries = new SeenSet(10_000);
  const refusals = new SeenSet(10_000);
  let log: Log = console;
  let slug: Promise<string> | undefined;
  let probotRef: Probot | undefined;

  /** The app's slug, which names its bot account: comments by anyone else never carry trusted markers. */
  function appSlug(): Promise<string> {
    slug ??= (async () => {
      const octokit = (await probotRef!.auth()) as unknown as OctokitLike;
      const res = await apiFromOctokit(octokit, options.retry).request<{ slug: string }>('GET /app');
      return res.data.slug;
    })().catch((error: unknown) => {
      slug = undefined;
      throw error;
    });
    return slug;
  }

  const journal = options.journal;
  const retryDelays = options.unfinishedRetryDelaysMs ?? [30_000, 60_000, 120_000, 240_000];
  const unfinished = new Map<string, number>();

  /** A run that may have left its check run in progress is queued again later, a bounded number of times. */
  function retryLater(installationId: number | null, job: ReviewJob, api: GitHubApi): boolean {
    const id = journalId(job);
    const attempt = unfinished.get(id) ?? 0;
    const delay = retryDelays[attempt];
    if (delay === undefined) {
      // Out of retries: the journal keeps the run for the next start, and the next event for this
      // head adopts a check run it left in progress.
      unfinished.delete(id);
      log.warn({ pr: `${job.owner}/${job.repo}#${job.number}`, sha: job.headSha, journaled: journal?.has(job) ?? false }, 'run did not finish after its retries; left to the journal and the next event');
      return false;
    }
    unfinished.set(id, attempt + 1);
    log.warn({ pr: `${job.owner}/${job.repo}#${job.number}`, sha: job.headSha, attempt: attempt + 1, delayMs: delay }, 'run did not finish; trying again later');
    setTimeout(() => {
      queue.enqueue({
        key: `${job.owner}/${job.repo}#${job.number}`,
        headSha: job.headSha,
        explicit: false,
        // The pull request may have moved on meanwhile: this retry must not cut short the newer head's review.
        supersedes: false,
        data: { type: 'review', api, installationId, job: { ...job, trigger: 'recover' } },
      });
    }, delay).unref();
    return true;
  }

  async function review(api: GitHubApi, job: ReviewJob, signal: RunSignal, installationId: number | null): Promise<RunOutcome> {
    journal?.put(installationId, job);
    let outcome: RunOutcome;
    try {
      outcome = await reviewPullRequest({ api, appId: options.appId, appSlug: await appSlug(), log, signal }, job);
    } catch (error) {
      // Only the slug look-up throws here; the run never started, so it is simply tried again.
      retryLater(installationId, job, api);
      throw error;
    }
    if (outcome.kind === 'failed' && outcome.unfinished) {
      retryLater(installationId, job, api);
    } else {
      unfinished.delete(journalId(job));
      journal?.delete(job);
    }
    options.onOutcome?.(outcome, job);
    return outcome;
  }

  async function runCommand(data: Extract<JobData, { type: 'command' }>, signal: RunSignal, shared?: SequenceState): Promise<void> {
    const { api, repo, number, actor, command, commentId } = data;
    const pull = { owner: repo.owner, repo: repo.repo, number };
    const permission = await permissionOf(api, repo, actor);
    if (!WRITE_ROLES.has(permission)) {
      // One polite answer per person and pull request, however often they ask.
      if (refusals.add(`${repo.owner}/${repo.repo}#${number}@${actor}`)) {
        await postComment(api, pull, `Thanks @${actor}! \`/review\` can be run by people with write access to this repository; a maintainer can run it for you.`);
      }
      return;
    }
    if (command.name === 'help' || command.name === 'invalid') {
      await postComment(api, pull, command.name === 'help' ? HELP_TEXT : `@${actor} ${command.problem}`);
      return;
    }
    await react(api, repo, commentId, 'eyes');
    let outcome: RunOutcome;
    let reviewedHead: string | null = null;
    try {
      const pr = await api.request<{ state: string; head: { sha: string }; user: { login: string } | null }>('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
        owner: repo.owner,
        repo: repo.repo,
        pull_number: number,
      });
      if (pr.data.state !== 'open') {
        await postComment(api, pull, `@${actor} this pull request is closed, so it was not reviewed.`);
        return;
      }
      // Several people asked for the same review while it waited: one review answers them all.
      if (command.name === 'review' && command.reach.kind === 'diff' && shared?.reviewedHead === pr.data.head.sha) {
        await react(api, repo, commentId, 'rocket');
        return;
      }
      reviewedHead = pr.data.head.sha;
      outcome = await review(api, {
        owner: repo.owner,
        repo: repo.repo,
        number,
        headSha: pr.data.head.sha,
        defaultBranch: repo.defaultBranch,
        trigger: 'command',
        summaryComment: true,
        // Whether the commenter may accept is decided once the finding, and so its file, is known.
        ...(command.name === 'accept' ? { accept: { shortId: command.shortId, reason: command.reason, by: actor, admin: permission === 'admin', author: pr.data.user?.login ?? null } } : {}),
        ...(command.name === 'review' && command.reach.kind !== 'diff' ? { reach: command.reach } : {}),
      }, signal, data.installationId);
    } catch (error) {
      // review-output.md §11.7: `confused` with an explanation comment, also when the run never started.
      // Only the status goes in the comment: an error's text stays in the App's log.
      const status = (error as { status?: number }).status;
      await react(api, repo, commentId, 'confused').catch(() => undefined);
      await postComment(api, pull, `@${actor} the review failed${status ? ` (GitHub answered ${status})` : ''}. Try \`/review\` again in a moment.`).catch(() => undefined);
      throw error;
    }
    const failed = outcome.kind === 'failed' || outcome.kind === 'config-error';
    if (shared && outcome.kind === 'reviewed' && command.name === 'review' && command.reach.kind === 'diff') shared.reviewedHead = reviewedHead;
    await react(api, repo, commentId, failed ? 'confused' : 'rocket');
    if (failed) {
      const text = outcome.kind === 'config-error'
        ? 'the review did not run: the configuration on the default branch is invalid. The "Architecture review" check run says why.'
        : outcome.kind === 'failed' && outcome.unfinished
          ? 'the review could not complete, and neither could its check run be updated. Try `/review` again in a moment.'
          : 'the review could not complete. The "Architecture review" check run says why.';
      await postComment(api, pull, `@${actor} ${text}`);
    }
  }

  /** Fork pull requests carry no `pull_requests` in check events: find them by head SHA. */
  async function runForSha(data: Extract<JobData, { type: 'rerun-sha' }>, signal: RunSignal): Promise<void> {
    const { api, repo, headSha } = data;
    let numbers = data.pullNumbers;
    if (numbers.length === 0) {
      const open: number[] = [];
      for (let page = 1; page <= 10; page++) {
        const res = await api.request<{ number: number; head: { sha: string } }[]>('GET /repos/{owner}/{repo}/pulls', {
          owner: repo.owner,
          repo: repo.repo,
          state: 'open',
          per_page: 100,
          page,
        });
        open.push(...res.data.filter((p) => p.head.sha === headSha).map((p) => p.number));
        if (res.data.length < 100) break;
      }
      numbers = open;
    }
    if (numbers.length === 0) {
      await concludeCheckRun(api, repo, headSha, null, 'neutral', {
        title: 'No open pull request for this commit',
        summary: `${headSha.slice(0, 7)} is not the head of an open pull request, so there is nothing to review.`,
      }, { appId: options.appId });
      return;
    }
    const jobOf = (number: number): ReviewJob => ({ owner: repo.owner, repo: repo.repo, number, headSha, defaultBranch: repo.defaultBranch, trigger: 'rerun', summaryComment: false });
    if (data.pullNumbers.length === 1) {
      await review(api, jobOf(numbers[0]!), signal, data.installationId);
      return;
    }
    // Found by SHA, or for several pull requests: this task ran under the commit's key, so each review
    // now takes its pull request's place in the queue instead, where it cannot run beside that pull
    // request's own review (two at once could each post the summary comment). A push may have come
    // since the listing: this re-run must not cut that newer head's review short.
    for (const number of numbers) {
      const job = jobOf(number);
      const task: QueueTask<JobData> = {
        key: `${repo.owner}/${repo.repo}#${number}`, headSha, explicit: true, supersedes: false,
        data: { type: 'review', api, installationId: data.installationId, job },
      };
      const result = queue.enqueue(task);
      if (result === 'queued' || result === 'coalesced') journal?.put(data.installationId, job);
      if (result === 'full') await busy(task);
    }
  }

  const queue = new ReviewQueue<JobData>({
    // Below 1 no review would ever start (REVIEW_CONCURRENCY=-1 reaches here as -1).
    concurrency: Number.isInteger(options.concurrency) && options.concurrency! >= 1 ? options.concurrency! : 2,
    maxPending: options.maxPending ?? 500,
    ...(options.startGate ? { startGate: options.startGate } : {}),
    run: async (task, signal) => {
      const data = task.data;
      if (data.type !== 'sequence') return runStep(data, signal);
      const shared: SequenceState = { reviewedHead: null };
      for (const step of data.steps) {
        try {
          await runStep(step, signal, shared);
        } catch (error) {
          log.error({ key: task.key, err: (error as Error)?.message ?? String(error) }, 'review task failed');
        }
      }
    },
    merge: coalesce,
    onError: (error, task) => log.error({ key: task.key, err: (error as Error)?.message ?? String(error) }, 'review task failed'),
  });

  async function runStep(step: Step, signal: RunSignal, shared?: SequenceState): Promise<void> {
    if (step.type === 'review') await review(step.api, step.job, signal, step.installationId);
    else if (step.type === 'command') await runCommand(step, signal, shared);
    else await runForSha(step, signal);
  }

  /**
   * What runs when a task arrives for a pull request that already has one waiting. A newer push's
   * review replaces an older one; a command never replaces a review and is never replaced by one:
   * a `/review` from someone without write access, or a `/review help`, must not cancel the push's
   * review it displaced, and a push must not drop a waiting `/review accept`. Commands run first, in
   * the order they came (a person's repeated command counts once), then runs the journal or a retry
   * brought back for other commits (each only concludes what it left), then the newest push's
   * review, which a command that reviewed the head leaves nothing to do.
   */
  function coalesce(older: QueueTask<JobData>, newer: QueueTask<JobData>): QueueTask<JobData> {
    const steps = [...stepsOf(older.data), ...stepsOf(newer.data)];
    const reviews = steps.filter((s): s is Extract<Step, { type: 'review' }> => s.type === 'review');
    // A re-run names the commit it was pressed on, which a push since may have left behind: the
    // newest push decides the head; a re-run does only when no push waits.
    const pushes = reviews.filter((r) => r.job.trigger !== 'recover' && r.job.trigger !== 'rerun');
    let latest = pushes.at(-1) ?? reviews.filter((r) => r.job.trigger === 'rerun').at(-1) ?? reviews.at(-1);
    // A recovered run or a re-run of another commit stays: it concludes the check run of its own
    // commit. Two of the same commit (the journal's and a retry's) conclude the same check run: one is kept.
    const recovered = [...new Map(reviews
      .filter((r) => r !== latest && (r.job.trigger === 'recover' || r.job.trigger === 'rerun') && r.job.headSha !== latest!.job.headSha)
      .map((r) => [r.job.headSha, r] as const)).values()];
    const keptHeads = new Set([latest!.job.headSha, ...recovered.map((r) => r.job.headSha)]);
    for (const replaced of reviews) {
      if (replaced === latest || recovered.includes(replaced)) continue;
      // The replaced run will not happen: nothing to recover for it once the newer review is journaled
      // in its place. (A command is journaled only when it starts, so a review it displaced keeps its
      // entry until then: a crash in between must not leave the pull request unreviewed.) The journal
      // keys runs by pull request and commit: a run kept for the same commit still needs its entry.
      if (!keptHeads.has(replaced.job.headSha)) journal?.delete(replaced.job);
    }
    // A newer push replaces a waiting /review's run, but the summary it asked for is still posted.
    if (latest && !latest.job.summaryComment && reviews.some((r) => r.job.summaryComment)) {
      latest = { ...latest, job: { ...latest.job, summaryComment: true } };
      journal?.put(latest.installationId, latest.job);
    }
    const kept: Step[] = [...waitingCommands(steps), ...recovered, ...(latest ? [latest] : [])];
    return {
      key: newer.key,
      // A sequence holding a command is never superseded, like a lone command: the command reviews
      // the head it finds when it starts, and a newer push must not cut that review short (its
      // accept would be lost, and its check run on the newest head concluded as superseded). The
      // push's review waiting behind it is then wasted work at worst.
      headSha: kept.some((s) => s.type !== 'review') ? '' : latest && latest.job.trigger !== 'recover' ? latest.job.headSha : newer.headSha,
      explicit: older.explicit || newer.explicit,
      data: kept.length === 1 ? kept[0]! : { type: 'sequence', steps: kept },
    };
  }

  function enqueue(task: QueueTask<JobData>, context: Context): void {
    const result = queue.enqueue(task);
    // Journaled as soon as it is queued: after its 202 (server.ts), GitHub never sends this delivery again.
    if ((result === 'queued' || result === 'coalesced') && task.data.type === 'review') journal?.put(task.data.installationId, task.data.job);
    context.log.info({ key: task.key, sha: task.headSha, result }, 'review task');
    if (result === 'full') {
      void busy(task).catch((error: unknown) => log.error({ err: (error as Error).message }, 'could not report a full queue'));
    }
  }

  /** A required check must never stay pending: a full queue still answers, and offers a re-run. */
  async function busy(task: QueueTask<JobData>): Promise<void> {
    const data = task.data;
    if (!task.headSha || data.type === 'command' || data.type === 'sequence') return;
    const repo = data.type === 'review' ? { owner: data.job.owner, repo: data.job.repo } : data.repo;
    // `cancelled`, not a passing conclusion: a merge gate that is not run must not let the change
    // through. The next push, a Re-review or a redelivery reviews it (a cancelled run is no review).
    await concludeCheckRun(data.api, repo, task.headSha, null, 'cancelled', {
      title: 'Not reviewed: the reviewer is busy',
      summary: 'Too many reviews are waiting, so this commit was not reviewed; the check does not pass until it is. Press **Re-review** in a few minutes.',
    }, { appId: options.appId });
  }

  function apiFor(context: Context): GitHubApi {
    return apiFromOctokit(context.octokit as unknown as OctokitLike, options.retry);
  }

  function installationOf(context: Context): number | null {
    const id = (context.payload as { installation?: { id?: unknown } }).installation?.id;
    return typeof id === 'number' ? id : null;
  }

  async function recover(): Promise<number> {
    if (!journal || !probotRef) return 0;
    let queued = 0;
    for (const entry of journal.entries()) {
      const { job } = entry;
      try {
        const octokit = (await probotRef.auth(entry.installationId)) as unknown as OctokitLike;
        const api = apiFromOctokit(octokit, options.retry);
        const result = queue.enqueue({
          key: `${job.owner}/${job.repo}#${job.number}`,
          headSha: job.headSha,
          explicit: false,
          data: { type: 'review', api, installationId: entry.installationId, job: { ...job, trigger: 'recover' } },
        });
        if (result === 'queued' || result === 'coalesced') queued++;
      } catch (error) {
        log.error({ pr: `${job.owner}/${job.repo}#${job.number}`, err: (error as Error).message }, 'could not recover a journaled run');
      }
    }
    if (queued > 0) log.info({ runs: queued }, 'recovered runs from the journal');
    return queued;
  }

  /** Runs a handler once per delivery id, and never lets it throw (Probot would log the payload). */
  function handle<E extends Context>(fn: (context: E) => void): (context: E) => Promise<void> {
    return async (context) => {
      if (!deliveries.add(context.id)) {
        context.log.info({ delivery: context.id }, 'duplicate delivery ignored');
        return;
      }
      try {
        fn(context);
      } catch (error) {
        context.log.error({ delivery: context.id, err: (error as Error).message }, 'webhook handler failed');
      }
    };
  }

  /** A review of a pull request's head from its own event: a push (a new head) or an edit that changes the review. */
  function enqueuePullRequest(
    context: Context,
    p: { pull_request: { number: number; head: { sha: string } }; repository: PayloadRepo },
    trigger: 'push' | 'edited',
    previousSha?: string,
  ): void {
    const repo = repoOf(p);
    const job: ReviewJob = {
      owner: repo.owner,
      repo: repo.repo,
      number: p.pull_request.number,
      headSha: p.pull_request.head.sha,
      defaultBranch: repo.defaultBranch,
      trigger,
      summaryComment: false,
      ...(previousSha ? { previousSha } : {}),
    };
    // An edit asks for a review of a head that may already have one, so it is never a duplicate.
    enqueue(
      { key: `${repo.owner}/${repo.repo}#${job.number}`, headSha: job.headSha, explicit: trigger === 'edited', data: { type: 'review', api: apiFor(context), installationId: installationOf(context), job } },
      context,
    );
  }

  const app = (probot: Probot): void => {
    probotRef = probot;
    log = probot.log;

    probot.on(
      ['pull_request.opened', 'pull_request.reopened', 'pull_request.synchronize', 'pull_request.ready_for_review'],
      handle((context: Context<'pull_request'>) => {
        const p = context.payload as unknown as { pull_request: { number: number; head: { sha: string } }; before?: unknown; repository: PayloadRepo };
        const previousSha = typeof p.before === 'string' && p.before !== p.pull_request.head.sha ? p.before : undefined;
        enqueuePullRequest(context, p, 'push', previousSha);
      }),
    );

    probot.on(
      'issue_comment.created',
      handle((context: Context<'issue_comment.created'>) => {
        const p = context.payload as unknown as {
          issue: { number: number; pull_request?: unknown };
          comment: { id: number; body: string; user: { login: string; type?: string } };
          repository: PayloadRepo;
        };
        if (!p.issue.pull_request || p.comment.user.type === 'Bot') return;
        const command = parseCommand(p.comment.body);
        if (!command) return;
        const repo = repoOf(p);
        enqueue(
          {
            key: `${repo.owner}/${repo.repo}#${p.issue.number}`,
            headSha: '',
            explicit: true,
            data: { type: 'command', api: apiFor(context), installationId: installationOf(context), repo, number: p.issue.number, commentId: p.comment.id, actor: p.comment.user.login, command },
          },
          context,
        );
      }),
    );

    const rerun = (context: Context, headSha: string, pullRequests: { number: number }[] | undefined) => {
      const repo = repoOf(context.payload as unknown as { repository: PayloadRepo });
      const numbers = (pullRequests ?? []).map((p) => p.number);
      const key = numbers.length === 1 ? `${repo.owner}/${repo.repo}#${numbers[0]}` : `${repo.owner}/${repo.repo}@${headSha}`;
      // Re-run is pressed on a commit a push may have left behind: it must not cut the newer head's review short.
      enqueue({ key, headSha, explicit: true, supersedes: false, data: { type: 'rerun-sha', api: apiFor(context), installationId: installationOf(context), repo, headSha, pullNumbers: numbers } }, context);
    };

    const ours = (app: { id: number } | null | undefined) => !app || app.id === options.appId;

    // An edit changes the review when the base branch moves (another diff) or when the tier the title
    // or body claims changes (rule tier-claim-unsupported, the Downgrade line); other edits do not.
    probot.on(
      'pull_request.edited',
      handle((context: Context<'pull_request.edited'>) => {
        const p = context.payload as unknown as {
          pull_request: { number: number; state: string; draft?: boolean; head: { sha: string }; title: string; body: string | null };
          changes?: { title?: { from: string }; body?: { from: string | null }; base?: unknown };
        };
        const changes = p.changes ?? {};
        if (p.pull_request.state !== 'open') return;
        const before = { title: changes.title?.from ?? p.pull_request.title, body: changes.body ? changes.body.from : p.pull_request.body };
        const claimsMoved = JSON.stringify(pullRequestClaims(before)) !== JSON.stringify(pullRequestClaims(p.pull_request));
        if (!changes.base && !claimsMoved) return;
        // Reviewed again even when the head already has a completed run; a draft only with `drafts: true` (review-pr.ts).
        enqueuePullRequest(context, p as unknown as { pull_request: { number: number; head: { sha: string } }; repository: PayloadRepo }, 'edited');
      }),
    );

    probot.on(
      'check_run.rerequested',
      handle((context: Context<'check_run.rerequested'>) => {
        const run = (context.payload as unknown as { check_run: { name: string; head_sha: string; app?: { id: number }; pull_requests?: { number: number }[] } }).check_run;
        if (run.name !== CHECK_NAME || !ours(run.app)) return;
        rerun(context, run.head_sha, run.pull_requests);
      }),
    );
    probot.on(
      'check_run.requested_action',
      handle((context: Context<'check_run.requested_action'>) => {
        const p = context.payload as unknown as {
          check_run: { name: string; head_sha: string; app?: { id: number }; pull_requests?: { number: number }[] };
          requested_action?: { identifier: string };
        };
        if (p.requested_action?.identifier !== RE_REVIEW_ACTION.identifier || !ours(p.check_run.app)) return;
        rerun(context, p.check_run.head_sha, p.check_run.pull_requests);
      }),
    );
    probot.on(
      'check_suite.rerequested',
      handle((context: Context<'check_suite.rerequested'>) => {
        const suite = (context.payload as unknown as { check_suite: { head_sha: string; app?: { id: number }; pull_requests?: { number: number }[] } }).check_suite;
        if (!ours(suite.app)) return;
        rerun(context, suite.head_sha, suite.pull_requests);
      }),
    );
  };

  return { app, queue, recover };
}

