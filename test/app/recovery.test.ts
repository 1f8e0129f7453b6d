// Crash and restart, in process: an App instance accepts runs and "crashes" (from that moment none of
// its requests reaches GitHub or answers, and it writes nothing more, as after a SIGKILL); a new
// instance on the same run journal file is the restarted process. Every check run must end
// completed exactly once, with nothing posted twice. `npm run chaos` does the same with real
// processes and SIGKILL (docs/resilience.md).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { journalId, RunJournal } from '../../src/app/journal.js';
import { isGraphql, startAppInstance, startDemoGitHub, type AppInstance, type SimulatedGitHub } from '../simulator/app-instance.js';
import { REPO } from '../simulator/harness.js';
import { issueCommentEvent, pullRequestEvent } from '../simulator/payloads.js';

const demo = new URL('../../fixtures/demo/', import.meta.url);
const PLACE_ORDER = 'services/orders/src/place-order.ts';
const CHECK_NAME = 'Architecture review';

describe('crash and restart with the run journal', { timeout: 120_000 }, () => {
  let github: SimulatedGitHub;
  let baseFiles: Record<string, string>;
  let base: string;
  let dir: string;
  let next = 1;
  const quiet = { info: () => undefined, warn: () => undefined };

  const runsFor = (sha: string) => github.sim.checkRuns.filter((r) => r.head_sha === sha && r.name === CHECK_NAME);
  const pull = (number: number) => github.sim.pull(REPO.owner, REPO.name, number);
  /** A head with the demo's dual-write, distinct per case. */
  const variant = (tag: string) =>
    github.repo.commit({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// ${tag}\n` }, base);
  const open = async (tag: string) => {
    const number = next++;
    const head = await variant(tag);
    github.sim.openPull(REPO.owner, REPO.name, number, base, head);
    return { number, head };
  };
  const opened = (app: AppInstance, pr: { number: number; head: string }) =>
    app.send('pull_request', pullRequestEvent('opened', REPO, { number: pr.number, head: pr.head, base }));
  const journalFile = (name: string) => join(dir, name, 'runs.json');
  const onFile = (path: string) => new RunJournal(path, { log: quiet }).entries().map((e) => journalId(e.job)).sort();
  const idOf = (pr: { number: number; head: string }) => journalId({ owner: REPO.owner, repo: REPO.name, number: pr.number, headSha: pr.head });
  const creates = () => github.sim.requests.filter((r) => r.operation === 'checks/create').length;
  /** The next check run create is stored but its answer lost, and the look-ups for it fail (8 times). */
  const loseCheckRunCreate = (): NonNullable<SimulatedGitHub['sim']['faultHook']> => {
    const faults = new Map([['checks/create', 1], ['graphql:ExistingCheckRuns', 8]]);
    return (request) => {
      const left = faults.get(request.operation) ?? 0;
      if (left === 0) return null;
      faults.set(request.operation, left - 1);
      return request.operation === 'checks/create' ? { kind: 'drop', after: true } : { kind: 'status', status: 502, message: 'Server Error' };
    };
  };
  /** Kills the instance when its review starts reading files, i.e. after its check run is in progress. */
  const atFirstBlobRead = { crashWhen: (r: Parameters<typeof isGraphql>[0]) => isGraphql(r, 'ReadBlobs') };

  before(async () => {
    ({ github, baseFiles, base } = await startDemoGitHub());
    dir = mkdtempSync(join(tmpdir(), 'arch-review-recovery-'));
  });
  after(async () => {
    await github?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a run killed mid-review and one still queued are each completed exactly once after the restart', async () => {
    const path = journalFile('mid-review');
    const first = await open('mid-review');
    const second = await open('queued');
    const journal = new RunJournal(path, { log: quiet });
    const doomed = await startAppInstance(github, { journal, concurrency: 1, ...atFirstBlobRead });
    await opened(doomed, first);
    await opened(doomed, second);
    await doomed.crashed;
    await journal.flush();

    // The kill landed mid-review: the first run is in progress, the second never started.
    assert.deepEqual(runsFor(first.head).map((r) => r.status), ['in_progress']);
    assert.deepEqual(runsFor(second.head), []);
    assert.deepEqual(onFile(path), [idOf(first), idOf(second)].sort());

    const createsBefore = creates();
    const reopened = new RunJournal(path, { log: quiet });
    const restarted = await startAppInstance(github, { journal: reopened });
    assert.equal(await restarted.app.recover(), 2);
    await restarted.settle();

    for (const pr of [first, second]) {
      const runs = runsFor(pr.head);
      assert.equal(runs.length, 1, `one check run for #${pr.number}`);
      assert.equal(runs[0]!.status, 'completed');
      assert.equal(runs[0]!.conclusion, 'failure', 'the dual-write gates');
      assert.equal(runs[0]!.updates, 1, 'completed once');
      assert.equal(pull(pr.number).reviews.length, 1);
    }
    assert.equal(creates() - createsBefore, 1, 'the run left in progress was adopted; only the queued one was created');
    assert.deepEqual(restarted.outcomes.map((o) => [o.job.trigger, o.outcome.kind]), [['recover', 'reviewed'], ['recover', 'reviewed']]);
    await reopened.flush();
    assert.deepEqual(onFile(path), [], 'concluded runs leave the journal');
    assert.deepEqual(github.sim.rejections, []);
  });

  it('a run killed after its inline comments were posted posts nothing twice', async () => {
    const path = journalFile('after-review');
    const pr = await open('after-review');
    const journal = new RunJournal(path, { log: quiet });
    // Killed as it sends the request that would complete the check run.
    const doomed = await startAppInstance(github, {
      journal,
      crashWhen: (r) => r.method === 'PATCH' && /\/check-runs\/\d+$/.test(r.url.pathname),
    });
    await opened(doomed, pr);
    await doomed.crashed;
    await journal.flush();
    assert.equal(runsFor(pr.head)[0]!.status, 'in_progress');
    const threads = pull(pr.number).threads.length;
    assert.ok(threads > 0, 'the inline comments were posted before the kill');

    const reopened = new RunJournal(path, { log: quiet });
    const restarted = await startAppInstance(github, { journal: reopened });
    assert.equal(await restarted.app.recover(), 1);
    await restarted.settle();
    const runs = runsFor(pr.head);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, 'completed');
    assert.equal(runs[0]!.conclusion, 'failure');
    assert.equal(runs[0]!.updates, 1);
    assert.equal(pull(pr.number).reviews.length, 1, 'no second review');
    assert.equal(pull(pr.number).threads.length, threads, 'no finding commented twice');
    await reopened.flush();
    assert.deepEqual(onFile(path), []);
  });

  it('a pull request that moved on while the App was down: the old run ends superseded, the new head is reviewed once', async () => {
    const path = journalFile('moved-on');
    const pr = await open('moved-on');
    const journal = new RunJournal(path, { log: quiet });
    const doomed = await startAppInstance(github, { journal, ...atFirstBlobRead });
    await opened(doomed, pr);
    await doomed.crashed;
    await journal.flush();

    // A push lands while no instance is up; its delivery reaches the restarted one.
    const newer = await variant('moved-on, pushed while down');
    pull(pr.number).head = newer;
    const reopened = new RunJournal(path, { log: quiet });
    const restarted = await startAppInstance(github, { journal: reopened });
    assert.equal(await restarted.app.recover(), 1);
    await restarted.send('pull_request', { ...pullRequestEvent('synchronize', REPO, { number: pr.number, head: newer, base }), before: pr.head });
    await restarted.settle();

    const old = runsFor(pr.head);
    assert.equal(old.length, 1);
    assert.equal(old[0]!.status, 'completed');
    assert.equal(old[0]!.conclusion, 'cancelled');
    assert.equal(old[0]!.output.title, 'Superseded by a newer commit');
    const current = runsFor(newer);
    assert.equal(current.length, 1);
    assert.equal(current[0]!.status, 'completed');
    assert.equal(current[0]!.conclusion, 'failure');
    await reopened.flush();
    assert.deepEqual(onFile(path), []);
  });

  it('a push waiting behind a /review command stays journaled until the command starts', async () => {
    const path = journalFile('command');
    const busy = await open('busy');
    const pr = await open('push, then /review');
    const journal = new RunJournal(path, { log: quiet });
    const doomed = await startAppInstance(github, { journal, concurrency: 1, ...atFirstBlobRead });
    await opened(doomed, busy);
    await opened(doomed, pr);
    // The command waits beside the push in the queue; the push is journaled, the command not yet.
    const commentId = github.sim.addUserComment(REPO.owner, REPO.name, pr.number, 'maintainer', '/review');
    await doomed.send('issue_comment', issueCommentEvent(REPO, { number: pr.number, body: '/review', login: 'maintainer', commentId }));
    await doomed.crashed;
    await journal.flush();
    assert.deepEqual(onFile(path), [idOf(busy), idOf(pr)].sort(), 'the accepted push is still journaled');

    const reopened = new RunJournal(path, { log: quiet });
    const restarted = await startAppInstance(github, { journal: reopened });
    assert.equal(await restarted.app.recover(), 2);
    await restarted.settle();
    for (const head of [busy.head, pr.head]) {
      const runs = runsFor(head);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.status, 'completed');
    }
    await reopened.flush();
    assert.deepEqual(onFile(path), []);
  });

  it('a /review run killed mid-review beside a completed push run is completed after the restart', async () => {
    const path = journalFile('command-beside-completed');
    const pr = await open('command beside a completed run');
    const healthy = await startAppInstance(github, { journal: new RunJournal(path, { log: quiet }) });
    await opened(healthy, pr);
    await healthy.settle();
    assert.deepEqual(runsFor(pr.head).map((r) => r.status), ['completed']);

    const journal = new RunJournal(path, { log: quiet });
    const doomed = await startAppInstance(github, { journal, ...atFirstBlobRead });
    const commentId = github.sim.addUserComment(REPO.owner, REPO.name, pr.number, 'maintainer', '/review');
    await doomed.send('issue_comment', issueCommentEvent(REPO, { number: pr.number, body: '/review', login: 'maintainer', commentId }));
    await doomed.crashed;
    await journal.flush();
    assert.deepEqual(runsFor(pr.head).map((r) => r.status), ['completed', 'in_progress'], 'the command added a second run');

    const reopened = new RunJournal(path, { log: quiet });
    const restarted = await startAppInstance(github, { journal: reopened });
    assert.equal(await restarted.app.recover(), 1);
    await restarted.settle();
    const runs = runsFor(pr.head);
    assert.deepEqual(runs.map((r) => r.status), ['completed', 'completed'], 'nothing left in progress');
    assert.equal(runs[1]!.conclusion, 'failure');
    assert.deepEqual(restarted.outcomes.map((o) => [o.job.trigger, o.outcome.kind]), [['recover', 'reviewed']]);
    await reopened.flush();
    assert.deepEqual(onFile(path), []);
  });

  it('a run that could not even report its failure stays journaled after its retries; the restart completes it', async () => {
    const path = journalFile('unfinished');
    const pr = await open('GitHub unreachable');
    const journal = new RunJournal(path, { log: quiet });
    // No retries in this process: the run is left to the journal at once.
    const first = await startAppInstance(github, { journal, unfinishedRetryDelaysMs: [] });
    // The check run is stored but its answer lost, and every look-up for it fails.
    github.sim.faultHook = loseCheckRunCreate();
    try {
      await opened(first, pr);
      await first.settle();
    } finally {
      github.sim.faultHook = null;
    }
    assert.deepEqual(first.outcomes.map((o) => o.outcome), [{ kind: 'failed', checkRunId: null, unfinished: true }]);
    assert.deepEqual(runsFor(pr.head).map((r) => r.status), ['in_progress']);
    await journal.flush();
    assert.deepEqual(onFile(path), [idOf(pr)], 'left to the journal');
    first.crash();

    const reopened = new RunJournal(path, { log: quiet });
    const restarted = await startAppInstance(github, { journal: reopened });
    assert.equal(await restarted.app.recover(), 1);
    await restarted.settle();
    const runs = runsFor(pr.head);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, 'completed');
    assert.equal(runs[0]!.conclusion, 'failure');
    assert.equal(runs[0]!.updates, 1);
    await reopened.flush();
    assert.deepEqual(onFile(path), []);
  });

  it('an accept retried after its run could not report asks for the accepter\'s role again', async () => {
    const pr = await open('accept retried');
    const app = await startAppInstance(github, { unfinishedRetryDelaysMs: [200] });
    await opened(app, pr);
    await app.settle();
    const id = /arch-review:fp=([0-9a-f]{8})/.exec(pull(pr.number).threads[0]?.comments[0]?.body ?? '')?.[1];
    assert.ok(id, 'the dual-write has an inline comment');
    github.sim.addCollaborator(REPO.owner, REPO.name, 'chief', 'admin');
    // The command's check run is stored but its answer lost, and every look-up for it fails.
    github.sim.faultHook = loseCheckRunCreate();
    try {
      const commentId = github.sim.addUserComment(REPO.owner, REPO.name, pr.number, 'chief', `/review accept ${id} known risk`);
      await app.send('issue_comment', issueCommentEvent(REPO, { number: pr.number, body: `/review accept ${id} known risk`, login: 'chief', commentId }));
      await app.settle();
    } finally {
      github.sim.faultHook = null;
    }
    assert.deepEqual(app.outcomes.at(-1)?.outcome, { kind: 'failed', checkRunId: null, unfinished: true });
    // Demoted before the retry runs.
    github.sim.addCollaborator(REPO.owner, REPO.name, 'chief', 'read');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await app.settle();
    assert.equal(app.outcomes.at(-1)?.job.trigger, 'recover');
    const bot = pull(pr.number).comments.filter((c) => c.login.endsWith('[bot]')).map((c) => c.body);
    assert.ok(!bot.some((b) => b.includes('arch-review:accept')), 'no accept recorded');
    assert.ok(bot.some((b) => /^@chief accepting a risk needs write access to this repository, which you no longer have\.$/.test(b)));
    assert.ok(runsFor(pr.head).every((r) => r.status === 'completed'));
  });

  it('without a journal (RUN_JOURNAL=off) nothing is recovered, and the next delivery of the head adopts the run left in progress', async () => {
    const pr = await open('no journal');
    const doomed = await startAppInstance(github, { journal: new RunJournal(null), ...atFirstBlobRead });
    await opened(doomed, pr);
    await doomed.crashed;
    const restarted = await startAppInstance(github, { journal: new RunJournal(null) });
    assert.equal(await restarted.app.recover(), 0);
    await restarted.settle();
    assert.equal(runsFor(pr.head)[0]!.status, 'in_progress', 'nothing finished it yet');

    await opened(restarted, pr);
    await restarted.settle();
    const runs = runsFor(pr.head);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, 'completed');
    assert.equal(runs[0]!.updates, 1);
  });
});

describe('REVIEW_CONCURRENCY as main.ts passes it', { timeout: 120_000 }, () => {
  it('a value below 1 (REVIEW_CONCURRENCY=-1) or not whole still runs reviews', async () => {
    const { github, baseFiles, base } = await startDemoGitHub();
    try {
      const head = await github.repo.commit({ ...baseFiles, [PLACE_ORDER]: readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8') }, base);
      for (const [number, concurrency] of [[1, -1], [2, 0.5]] as const) {
        github.sim.openPull(REPO.owner, REPO.name, number, base, head);
        const app = await startAppInstance(github, { concurrency });
        await app.send('pull_request', pullRequestEvent('opened', REPO, { number, head, base }));
        const settled = await Promise.race([app.settle().then(() => true), new Promise<false>((resolve) => setTimeout(resolve, 60_000, false).unref())]);
        assert.ok(settled, `concurrency ${concurrency}: the review never ran`);
        assert.equal(app.outcomes.length, 1);
      }
      assert.equal(github.sim.checkRuns.filter((r) => r.head_sha === head && r.status === 'completed').length, 1, 'the second pull request of the same head was already reviewed');
    } finally {
      await github.close();
    }
  });
});
