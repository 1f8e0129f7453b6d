// End to end over real HTTP on loopback: the App listens for signed webhooks, the GitHub simulator
// serves the API (reached through GHE_HOST), and every request the App makes is validated against
// GitHub's schemas and limits. This is issue 5's "done when", step by step.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { readSnapshot } from '../simulator/fixture-repo.js';
import { APP_ID, REPO, startStack, type Stack } from '../simulator/harness.js';
import { pullRequestEvent } from '../simulator/payloads.js';

const demo = new URL('../../fixtures/demo/', import.meta.url);
const PLACE_ORDER = 'services/orders/src/place-order.ts';

describe('the App over HTTP against the GitHub simulator', () => {
  let stack: Stack;
  let base: string;
  let head: string;
  let fix: string;
  const number = 12;

  const runsFor = (sha: string) => stack.sim.checkRuns.filter((r) => r.head_sha === sha && r.name === 'Architecture review');
  const pull = () => stack.sim.pull(REPO.owner, REPO.name, number);
  // The demo change also lacks trace context; the dual-write thread is the one these tests follow.
  const dualWriteThreads = () => pull().threads.filter((t) => /dual-write/.test(t.comments[0]?.body ?? ''));
  const summaries = () => pull().comments.filter((c) => c.body.includes('<!-- arch-review:summary -->'));
  const botComments = () => pull().comments.filter((c) => c.login.endsWith('[bot]'));

  before(async () => {
    stack = await startStack({ transport: 'http' });
    const baseFiles = readSnapshot(new URL('base', demo).pathname);
    base = await stack.repo.commit(baseFiles);
    // The pull request adds only the dual-writing handler; the fix turns it into an outbox write.
    head = await stack.repo.commit({ ...baseFiles, [PLACE_ORDER]: readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8') }, base);
    fix = await stack.repo.commit(
      { ...baseFiles, [PLACE_ORDER]: readFileSync(new URL(`../../fixtures/github/demo-fix/${PLACE_ORDER}`, import.meta.url), 'utf8') },
      head,
    );
    stack.sim.addRepo(REPO.owner, REPO.name, stack.repo, base);
    stack.sim.addCollaborator(REPO.owner, REPO.name, 'maintainer', 'maintain');
    stack.sim.addCollaborator(REPO.owner, REPO.name, 'reader', 'read');
    stack.sim.openPull(REPO.owner, REPO.name, number, base, head);
  });
  after(() => stack?.close());

  it('answers a health check', async () => {
    const res = await fetch(`${stack.appUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
  });

  it('pull_request.opened with a dual-write: one failing check run, an annotation on the publish line, one inline comment', async () => {
    const res = await stack.send('pull_request', pullRequestEvent('opened', REPO, { number, head, base }));
    assert.equal(res.status, 202);
    await stack.settle();

    const runs = runsFor(head);
    assert.equal(runs.length, 1);
    const run = runs[0]!;
    assert.equal(run.status, 'completed');
    assert.equal(run.conclusion, 'failure');
    assert.equal(run.external_id, head);
    const annotation = run.annotations.find((a) => a.title === '[Critical] dual-write');
    assert.ok(annotation, 'a dual-write annotation');
    assert.equal(annotation.path, PLACE_ORDER);
    assert.equal(annotation.annotation_level, 'failure');
    const lines = readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8').split('\n');
    assert.match(lines[annotation.start_line - 1]!, /producer\.send/);
    assert.match(run.output.summary ?? '', /^\*\*Architecture review\*\* — 1 Critical/);

    assert.equal(pull().reviews.length, 1);
    assert.equal(pull().reviews[0]!.event, 'COMMENT');
    assert.equal(dualWriteThreads().length, 1);
    assert.match(dualWriteThreads()[0]!.comments[0]!.body, /<!-- arch-review:fp=[0-9a-f]{40} -->/);
    assert.deepEqual(stack.sim.rejections, []);
  });

  it('a redelivered webhook, or the same head SHA in a new delivery, changes nothing', async () => {
    const payload = pullRequestEvent('opened', REPO, { number, head, base });
    const first = await stack.send('pull_request', payload);
    await stack.settle();
    const before = stack.sim.requests.length;
    const writes = () => stack.sim.requests.filter((r) => r.method !== 'GET' && !r.operation.startsWith('graphql:PullRequestState')).length;
    const writesBefore = writes();

    assert.equal((await stack.send('pull_request', payload, { id: first.id })).status, 202);
    await stack.settle();
    assert.equal(stack.sim.requests.length, before, 'the same delivery id makes no request at all');

    await stack.send('pull_request', pullRequestEvent('synchronize', REPO, { number, head, base }));
    await stack.settle();
    assert.equal(writes(), writesBefore, 'the same head SHA is not reviewed or posted again');
    assert.equal(runsFor(head).length, 1);
    assert.equal(dualWriteThreads().length, 1);
  });

  it('a push that fixes it completes a successful run and resolves the thread; redelivery changes nothing', async () => {
    pull().head = fix;
    const sync = await stack.send('pull_request', pullRequestEvent('synchronize', REPO, { number, head: fix, base }));
    await stack.settle();

    const runs = runsFor(fix);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.conclusion, 'success');
    assert.doesNotMatch(runs[0]!.output.summary ?? '', /\*\*dual-write\*\*/);
    const thread = dualWriteThreads()[0]!;
    assert.equal(thread.isResolved, true);
    assert.match(thread.comments.at(-1)!.body, new RegExp(`Resolved in ${fix}`));
    assert.equal(pull().reviews.length, 1, 'no new review');

    const count = stack.sim.requests.length;
    await stack.send('pull_request', pullRequestEvent('synchronize', REPO, { number, head: fix, base }), { id: sync.id });
    await stack.settle();
    assert.equal(stack.sim.requests.length, count);
    assert.equal(runsFor(fix).length, 1);
    assert.deepEqual(stack.sim.rejections, []);
  });

  it('/review from a maintainer posts the summary once and edits it on the next /review', async () => {
    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review'));
    await stack.settle();
    assert.equal(summaries().length, 1);
    assert.match(summaries()[0]!.body, /## Findings/);

    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review'));
    await stack.settle();
    assert.equal(summaries().length, 1, 'edited in place, not posted again');
    assert.equal(summaries()[0]!.edits, 1);
    const command = pull().comments.find((c) => c.login === 'maintainer')!;
    assert.deepEqual(command.reactions, ['eyes', 'rocket']);
    assert.ok(stack.outcomes.filter((o) => o.job.trigger === 'command').every((o) => o.outcome.kind === 'reviewed'));
  });

  it('/review from a read-only user is refused politely, once', async () => {
    const before = botComments().length;
    await stack.send('issue_comment', stack.comment(number, 'reader', '/review'));
    await stack.send('issue_comment', stack.comment(number, 'reader', '/review'));
    await stack.settle();
    const replies = botComments().slice(before);
    assert.equal(replies.length, 1);
    assert.match(replies[0]!.body, /@reader.*write access/);
  });

  it('rejects a delivery with a bad signature and never logs its payload', async () => {
    const secretWord = 'do-not-log-this-payload-7f3a';
    const payload = { ...pullRequestEvent('opened', REPO, { number, head, base }), marker: secretWord };
    const res = await stack.send('pull_request', payload, { secret: 'wrong-secret' });
    assert.equal(res.status, 400);
    assert.ok(stack.logs.some((l) => l.text.includes('invalid signature')));
    assert.ok(!stack.logs.some((l) => l.text.includes(secretWord)));
    assert.equal(APP_ID, 4242);
  });
});
