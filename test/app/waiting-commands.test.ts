// Runs that wait for the same pull request (one review slot, so the second pull request waits): a
// command must not cancel the push review it arrives behind, and a push must not drop a waiting
// command. Before this, the queue kept only the newest task per pull request, so a `/review` from
// anyone who can comment left a required check missing until the next push.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startAppInstance, startDemoGitHub, type AppInstance, type SimulatedGitHub } from '../simulator/app-instance.js';
import { APP_ID, REPO } from '../simulator/harness.js';
import { checkRunEvent, issueCommentEvent, pullRequestEvent } from '../simulator/payloads.js';

const demo = new URL('../../fixtures/demo/', import.meta.url);
const PLACE_ORDER = 'services/orders/src/place-order.ts';
const SUMMARY = '<!-- arch-review:summary -->';

describe('commands and pushes waiting for one pull request', { timeout: 120_000 }, () => {
  let github: SimulatedGitHub;
  let app: AppInstance;
  let baseFiles: Record<string, string>;
  let base: string;
  let next = 1;

  const runsFor = (sha: string) => github.sim.checkRuns.filter((r) => r.head_sha === sha);
  const pull = (number: number) => github.sim.pull(REPO.owner, REPO.name, number);
  const botComments = (number: number) => pull(number).comments.filter((c) => c.login.endsWith('[bot]'));
  const variant = (tag: string, previous = base) =>
    github.repo.commit({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// ${tag}\n` }, previous);
  const opened = async (tag: string) => {
    const number = next++;
    const head = await variant(tag);
    github.sim.openPull(REPO.owner, REPO.name, number, base, head);
    await app.send('pull_request', pullRequestEvent('opened', REPO, { number, head, base }));
    return { number, head };
  };
  const comment = async (number: number, login: string, body: string) => {
    const commentId = github.sim.addUserComment(REPO.owner, REPO.name, number, login, body);
    await app.send('issue_comment', issueCommentEvent(REPO, { number, body, login, commentId }));
    return commentId;
  };
  /** Pull request 1 takes the only slot; whatever arrives for pull request 2 meanwhile waits. */
  const busyWith = async (tag: string) => opened(`${tag}-occupant`);

  before(async () => {
    ({ github, baseFiles, base } = await startDemoGitHub());
    app = await startAppInstance(github, { concurrency: 1 });
  });
  after(async () => {
    await app?.settle();
    await github?.close();
  });

  for (const [label, login, body] of [
    ['someone without write access asks for /review', 'stranger', '/review'],
    ['a maintainer asks for /review help', 'maintainer', '/review help'],
  ] as const) {
    it(`the waiting push review still runs when ${label}`, async () => {
      await busyWith(label);
      const pr = await opened(label);
      await comment(pr.number, login, body);
      await app.settle();
      const runs = runsFor(pr.head);
      assert.equal(runs.length, 1, 'one check run for the head');
      assert.equal(runs[0]!.status, 'completed');
      assert.equal(runs[0]!.conclusion, 'failure');
      assert.equal(botComments(pr.number).length, 1, 'the command was answered too');
    });
  }

  it('a push does not drop a waiting /review: the newer head is reviewed once and the summary posted', async () => {
    await busyWith('push-after-command');
    const pr = await opened('push-after-command');
    const commentId = await comment(pr.number, 'maintainer', '/review');
    const newer = await variant('push-after-command-2', pr.head);
    pull(pr.number).head = newer;
    await app.send('pull_request', pullRequestEvent('synchronize', REPO, { number: pr.number, head: newer, base }));
    await app.settle();
    assert.equal(runsFor(pr.head).length, 0, 'the replaced head is not reviewed');
    assert.equal(runsFor(newer).length, 1, 'the command reviewed the newer head; the push found it reviewed');
    assert.equal(runsFor(newer)[0]!.conclusion, 'failure');
    assert.equal(botComments(pr.number).filter((c) => c.body.startsWith(SUMMARY)).length, 1);
    assert.deepEqual(pull(pr.number).comments.find((c) => c.id === commentId)?.reactions, ['eyes', 'rocket']);
  });

  it('three people asking /review for the same head get one review, and each a rocket', async () => {
    github.sim.addCollaborator(REPO.owner, REPO.name, 'second', 'write');
    github.sim.addCollaborator(REPO.owner, REPO.name, 'third', 'write');
    await busyWith('three-asks');
    const pr = await opened('three-asks');
    const ids = [await comment(pr.number, 'maintainer', '/review'), await comment(pr.number, 'second', '/review'), await comment(pr.number, 'third', '/review')];
    await app.settle();
    assert.equal(runsFor(pr.head).length, 1, 'one run answers the three comments and the push');
    for (const id of ids) assert.ok(pull(pr.number).comments.find((c) => c.id === id)?.reactions.includes('rocket'), `comment ${id} answered`);
  });

  it('a flood of one person\'s comments cannot evict another person\'s waiting command', async () => {
    await busyWith('flood');
    const pr = await opened('flood');
    const asked = await comment(pr.number, 'maintainer', '/review');
    for (let i = 0; i < 25; i++) await comment(pr.number, 'stranger', '/review');
    await app.settle();
    assert.deepEqual(pull(pr.number).comments.find((c) => c.id === asked)?.reactions, ['eyes', 'rocket']);
    assert.equal(botComments(pr.number).filter((c) => c.body.startsWith('Thanks @stranger')).length, 1);
  });

  it('a push during a waiting /review accept does not cut it short: the accept is recorded, the newest head reviewed', async () => {
    github.sim.addCollaborator(REPO.owner, REPO.name, 'chief', 'admin');
    const pr = await opened('accept-then-push');
    await app.settle();
    const id = /arch-review:fp=([0-9a-f]{8})/.exec(pull(pr.number).threads[0]?.comments[0]?.body ?? '')?.[1];
    assert.ok(id, 'the dual-write has an inline comment');
    await busyWith('accept-then-push');
    const h1 = await variant('accept-then-push-1', pr.head);
    pull(pr.number).head = h1;
    await app.send('pull_request', pullRequestEvent('synchronize', REPO, { number: pr.number, head: h1, base }));
    const commentId = await comment(pr.number, 'chief', `/review accept ${id} reviewed with the team`);
    // When the command starts (its eyes reaction), a newer commit is pushed.
    const h2 = await variant('accept-then-push-2', h1);
    let pushed = false;
    github.sim.faultHook = (request) => {
      if (!pushed && request.operation === 'reactions/create-for-issue-comment' && request.path.includes(`/comments/${commentId}/`)) {
        pushed = true;
        pull(pr.number).head = h2;
        void app.send('pull_request', pullRequestEvent('synchronize', REPO, { number: pr.number, head: h2, base }));
      }
      return null;
    };
    try {
      await app.settle();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await app.settle();
    } finally {
      github.sim.faultHook = null;
    }
    assert.ok(pushed, 'the push happened while the command ran');
    assert.ok(botComments(pr.number).some((c) => c.body.startsWith('Risk accepted by @chief')), 'the accept is recorded');
    const last = runsFor(h2).at(-1)!;
    assert.equal(last.status, 'completed');
    assert.ok(!last.output?.title?.startsWith('Superseded'), `the newest head is reviewed, not superseded (${last.output?.title})`);
  });

  it('two waiting commands are both answered, in order', async () => {
    await busyWith('two-commands');
    const pr = await opened('two-commands');
    await comment(pr.number, 'maintainer', '/review help');
    await comment(pr.number, 'stranger', '/review');
    await app.settle();
    const answers = botComments(pr.number).map((c) => c.body);
    assert.equal(answers.length, 2);
    assert.match(answers[0]!, /^\*\*arch-review commands\*\*/);
    assert.match(answers[1]!, /^Thanks @stranger!/);
    assert.equal(runsFor(pr.head).length, 1);
  });

  it('Re-run pressed on an older commit while the newest head is reviewed does not cut that review short', async () => {
    const pr = await opened('rerun-old');
    await app.settle();
    const h2 = await variant('rerun-old-2', pr.head);
    pull(pr.number).head = h2;
    let pressed = false;
    github.sim.faultHook = (request) => {
      // The newest head's review is running (it creates its check run): Re-run on the old commit now.
      if (!pressed && request.operation === 'checks/create' && request.body.includes(h2)) {
        pressed = true;
        void app.send('check_run', checkRunEvent('rerequested', REPO, { headSha: pr.head, appId: APP_ID, name: 'Architecture review', pullNumbers: [pr.number] }));
      }
      return null;
    };
    try {
      await app.send('pull_request', pullRequestEvent('synchronize', REPO, { number: pr.number, head: h2, base }));
      await app.settle();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await app.settle();
    } finally {
      github.sim.faultHook = null;
    }
    assert.ok(pressed, 'Re-run came while the newest head was reviewed');
    const last = runsFor(h2).at(-1)!;
    assert.equal(last.status, 'completed');
    assert.ok(!last.output?.title?.startsWith('Superseded'), `the newest head is reviewed, not superseded (${last.output?.title})`);
    assert.equal(last.conclusion, 'failure');
  });

  it('Re-run pressed five times while the pull request waits runs once', async () => {
    await busyWith('reruns');
    const pr = await opened('reruns');
    await app.settle();
    await busyWith('reruns-2');
    for (let i = 0; i < 5; i++) {
      await app.send('check_run', checkRunEvent('rerequested', REPO, { headSha: pr.head, appId: APP_ID, name: 'Architecture review', pullNumbers: [pr.number] }));
    }
    await app.settle();
    const runs = runsFor(pr.head);
    assert.equal(runs.length, 2, 'the push\'s run and one re-run');
    assert.ok(runs.every((r) => r.status === 'completed'));
  });
});
