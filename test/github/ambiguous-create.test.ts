// Ambiguous creates: a POST that creates a check run, a review or a comment, whose answer is lost
// (the connection drops after GitHub stored it) or that fails before GitHub processed it. The App
// must look for what it may already have created before creating again (publish.ts `createOnce`),
// so one head gets one check run and nothing is posted twice. Faults are injected by the
// simulator's fault hook, as `npm run chaos` does at random (test/simulator/faults.ts); here each
// case injects exactly the faults it is about.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { startAppInstance, startDemoGitHub, type AppInstance, type SimulatedGitHub } from '../simulator/app-instance.js';
import type { InjectedFault } from '../simulator/github-simulator.js';
import { APP_ID, REPO } from '../simulator/harness.js';
import { checkSuiteEvent, issueCommentEvent, pullRequestEvent } from '../simulator/payloads.js';

const demo = new URL('../../fixtures/demo/', import.meta.url);
const PLACE_ORDER = 'services/orders/src/place-order.ts';
const CHECK_NAME = 'Architecture review';

/** The connection drops after GitHub stored the write: the answer is lost. */
const ANSWER_LOST: InjectedFault = { kind: 'drop', after: true };
/** The connection drops before GitHub processed the request: nothing was stored. */
const DROPPED_BEFORE: InjectedFault = { kind: 'drop', after: false };
const BAD_GATEWAY: InjectedFault = { kind: 'status', status: 502, message: 'Server Error' };

describe('creates whose answer is lost', { timeout: 120_000 }, () => {
  let github: SimulatedGitHub;
  let app: AppInstance;
  let baseFiles: Record<string, string>;
  let base: string;
  let next = 1;
  let rules: { operation: string; fault: InjectedFault; times: number }[] = [];
  let from = 0;

  const runsFor = (sha: string) => github.sim.checkRuns.filter((r) => r.head_sha === sha && r.name === CHECK_NAME);
  const pull = (number: number) => github.sim.pull(REPO.owner, REPO.name, number);
  const variant = (tag: string) =>
    github.repo.commit({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// ${tag}\n` }, base);
  const open = async (tag: string) => {
    const number = next++;
    const head = await variant(tag);
    github.sim.openPull(REPO.owner, REPO.name, number, base, head);
    return { number, head };
  };
  const review = async (pr: { number: number; head: string }) => {
    await app.send('pull_request', pullRequestEvent('opened', REPO, { number: pr.number, head: pr.head, base }));
    await app.settle();
  };
  /** Requests of one operation since the case started: their answer statuses (0: no answer). */
  const sent = (operation: string) => github.sim.requests.slice(from).filter((r) => r.operation === operation).map((r) => r.status);
  /** Faults for the next requests of an operation, in order. */
  const inject = (operation: string, fault: InjectedFault, times = 1) => void rules.push({ operation, fault, times });
  const botComments = (number: number) => pull(number).comments.filter((c) => c.login.endsWith('[bot]'));

  /** Waits for a condition the App reaches on its own timers (bounded; the bound is not the assertion). */
  async function eventually(what: string, condition: () => boolean, boundMs = 60_000): Promise<void> {
    const until = Date.now() + boundMs;
    while (!condition()) {
      if (Date.now() > until) assert.fail(`${what}: not reached within ${boundMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  before(async () => {
    ({ github, baseFiles, base } = await startDemoGitHub());
    github.sim.faultHook = (request) => {
      const rule = rules.find((r) => r.operation === request.operation && r.times > 0);
      if (!rule) return null;
      rule.times--;
      return rule.fault;
    };
    // Unfinished runs come back after 20 ms instead of 30 s; creates wait 5 ms before their look-up.
    app = await startAppInstance(github, { unfinishedRetryDelaysMs: [20, 40] });
  });
  after(() => github?.close());
  afterEach(() => {
    const unused = rules.filter((r) => r.times > 0);
    rules = [];
    from = github.sim.requests.length;
    assert.deepEqual(unused, [], 'every injected fault was hit');
    assert.deepEqual(github.sim.rejections, []);
  });

  describe('check runs', () => {
    it('a create whose answer is lost is adopted, not created again', async () => {
      const pr = await open('check run, answer lost');
      inject('checks/create', ANSWER_LOST);
      await review(pr);
      assert.deepEqual(sent('checks/create'), [0]);
      assert.ok(sent('graphql:ExistingCheckRuns').length >= 1, 'looked for the run before creating again');
      const runs = runsFor(pr.head);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.status, 'completed');
      assert.equal(runs[0]!.conclusion, 'failure', 'the adopted run carries the review');
      assert.equal(runs[0]!.updates, 1);
    });

    it('a create dropped before GitHub processed it is sent again, once', async () => {
      const pr = await open('check run, dropped before');
      inject('checks/create', DROPPED_BEFORE);
      await review(pr);
      assert.deepEqual(sent('checks/create'), [0, 201]);
      const runs = runsFor(pr.head);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.conclusion, 'failure');
    });

    it("the last attempt's answer is lost: the run is found after it, not created by the failure path", async () => {
      const pr = await open('check run, last attempt lost');
      inject('checks/create', DROPPED_BEFORE, 2);
      inject('checks/create', ANSWER_LOST);
      await review(pr);
      assert.deepEqual(sent('checks/create'), [0, 0, 0]);
      const runs = runsFor(pr.head);
      assert.equal(runs.length, 1, 'one check run for the head');
      assert.equal(runs[0]!.status, 'completed');
      assert.equal(runs[0]!.conclusion, 'failure');
    });

    it('the answer is lost and the look-up fails too: the failure is reported on the stored run, not on a second one', async () => {
      const pr = await open('check run, look-up fails');
      inject('checks/create', ANSWER_LOST);
      // The look-up and its three retries.
      inject('graphql:ExistingCheckRuns', BAD_GATEWAY, 4);
      await review(pr);
      assert.deepEqual(sent('checks/create'), [0], 'the failure path looked before creating');
      const runs = runsFor(pr.head);
      assert.equal(runs.length, 1, 'one check run for the head');
      assert.equal(runs[0]!.status, 'completed', 'never left in progress');
      assert.equal(runs[0]!.conclusion, 'neutral');
      assert.equal(runs[0]!.output.title, 'Architecture review could not complete');
    });

    it('every look-up fails: the run is tried again later and completes the stored run', async () => {
      const pr = await open('check run, GitHub down');
      inject('checks/create', ANSWER_LOST);
      // The look-up after the create, and the one before concluding, each with three retries.
      inject('graphql:ExistingCheckRuns', BAD_GATEWAY, 8);
      await review(pr);
      await eventually('the retried run', () => app.outcomes.some((o) => o.job.headSha === pr.head && o.job.trigger === 'recover'));
      await app.settle();
      const outcomes = app.outcomes.filter((o) => o.job.headSha === pr.head);
      assert.deepEqual(outcomes.map((o) => [o.job.trigger, o.outcome.kind]), [['push', 'failed'], ['recover', 'reviewed']]);
      assert.equal((outcomes[0]!.outcome as { unfinished?: boolean }).unfinished, true);
      assert.deepEqual(sent('checks/create'), [0], 'nothing created without a look-up');
      const runs = runsFor(pr.head);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.status, 'completed');
      assert.equal(runs[0]!.conclusion, 'failure');
    });

    it('a run created completed (no open pull request for the commit) whose answer is lost is adopted as it is', async () => {
      const orphan = await variant('no pull request');
      inject('checks/create', ANSWER_LOST);
      await app.send('check_suite', checkSuiteEvent(REPO, { headSha: orphan, appId: APP_ID, pullNumbers: [] }));
      await app.settle();
      assert.deepEqual(sent('checks/create'), [0]);
      const runs = runsFor(orphan);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.status, 'completed');
      assert.equal(runs[0]!.output.title, 'No open pull request for this commit');
      assert.equal(runs[0]!.updates, 0, 'already complete: not updated again');
    });
  });

  describe('reviews and comments', () => {
    it('a review whose answer is lost is not posted twice, and counts as posted', async () => {
      const pr = await open('review, answer lost');
      inject('pulls/create-review', ANSWER_LOST);
      await review(pr);
      assert.deepEqual(sent('pulls/create-review'), [0]);
      assert.ok(sent('graphql:RecentThreads').length >= 1, 'looked for the review before posting again');
      assert.equal(pull(pr.number).reviews.length, 1);
      const threads = pull(pr.number).threads;
      assert.ok(threads.length > 0);
      const fingerprints = threads.map((t) => /fp=([0-9a-f]+)/.exec(t.comments[0]!.body)![1]);
      assert.equal(new Set(fingerprints).size, fingerprints.length, 'no finding commented twice');
      const run = runsFor(pr.head)[0]!;
      assert.equal(run.conclusion, 'failure');
      assert.match(run.output.text ?? '', new RegExp(`Inline comments: ${threads.length} posted`));
    });

    it('a review dropped before GitHub processed it is sent again, once', async () => {
      const pr = await open('review, dropped before');
      inject('pulls/create-review', DROPPED_BEFORE);
      await review(pr);
      assert.deepEqual(sent('pulls/create-review'), [0, 200]);
      assert.equal(pull(pr.number).reviews.length, 1);
    });

    it('a /review summary comment whose answer is lost is not posted twice', async () => {
      const pr = await open('summary, answer lost');
      inject('issues/create-comment', ANSWER_LOST);
      const commentId = github.sim.addUserComment(REPO.owner, REPO.name, pr.number, 'maintainer', '/review');
      await app.send('issue_comment', issueCommentEvent(REPO, { number: pr.number, body: '/review', login: 'maintainer', commentId }));
      await app.settle();
      assert.deepEqual(sent('issues/create-comment'), [0]);
      assert.ok(sent('graphql:RecentComments').length >= 1, 'looked for the comment before posting again');
      const summaries = botComments(pr.number).filter((c) => c.body.includes('<!-- arch-review:summary -->'));
      assert.equal(summaries.length, 1);
      assert.deepEqual(pull(pr.number).comments.find((c) => c.id === commentId)!.reactions, ['eyes', 'rocket'], 'the command succeeded');
      assert.doesNotMatch(runsFor(pr.head)[0]!.output.text ?? '', /summary comment could not be written/);
    });

    it('a command reply whose answer is lost is not posted twice', async () => {
      const pr = await open('help, answer lost');
      inject('issues/create-comment', ANSWER_LOST);
      const commentId = github.sim.addUserComment(REPO.owner, REPO.name, pr.number, 'maintainer', '/review help');
      await app.send('issue_comment', issueCommentEvent(REPO, { number: pr.number, body: '/review help', login: 'maintainer', commentId }));
      await app.settle();
      assert.deepEqual(sent('issues/create-comment'), [0]);
      assert.deepEqual(botComments(pr.number).map((c) => c.body.split('\n')[0]), ['**arch-review commands** (people with write access to this repository):']);
    });
  });
});
