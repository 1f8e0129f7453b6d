// Event handlers with real payloads from @octokit/webhooks-examples, delivered into Probot with the
// GitHub simulator injected as Octokit's fetch (no sockets). Each case opens its own pull request.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { readSnapshot } from '../simulator/fixture-repo.js';
import { APP_ID, REPO, startStack, type Stack } from '../simulator/harness.js';
import { checkRunEvent, checkSuiteEvent, example, pullRequestEditedEvent, pullRequestEvent } from '../simulator/payloads.js';
import { samplePullRequest } from '../simulator/sample-prs.js';

const demo = new URL('../../fixtures/demo/', import.meta.url);
const PLACE_ORDER = 'services/orders/src/place-order.ts';
const CONFIG = '.github/arch-review.yml';

describe('webhook handlers', () => {
  let stack: Stack;
  let baseFiles: Record<string, string>;
  let base: string;
  let dualWrite: string;
  let next = 100;

  const runsFor = (sha: string) => stack.sim.checkRuns.filter((r) => r.head_sha === sha);
  const open = (head: string, draft = false) => {
    const number = next++;
    stack.sim.openPull(REPO.owner, REPO.name, number, base, head, draft);
    return number;
  };
  /** A head commit that differs from the dual-write head, so each case has its own SHA. */
  const variant = async (tag: string, extra: Record<string, string> = {}) =>
    stack.repo.commit({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// ${tag}\n`, ...extra }, base);
  const pr = (action: Parameters<typeof pullRequestEvent>[0], number: number, head: string, draft = false) =>
    stack.send('pull_request', pullRequestEvent(action, REPO, { number, head, base, draft }));

  before(async () => {
    stack = await startStack({ transport: 'fetch' });
    baseFiles = readSnapshot(new URL('base', demo).pathname);
    base = await stack.repo.commit(baseFiles);
    dualWrite = await variant('first');
    stack.sim.addRepo(REPO.owner, REPO.name, stack.repo, base);
    stack.sim.addCollaborator(REPO.owner, REPO.name, 'maintainer', 'maintain');
    stack.sim.addCollaborator(REPO.owner, REPO.name, 'boss', 'admin');
  });
  after(() => stack?.close());

  for (const action of ['opened', 'reopened', 'synchronize', 'ready_for_review'] as const) {
    it(`pull_request.${action} reviews the head SHA`, async () => {
      const head = await variant(action);
      await pr(action, open(head), head);
      await stack.settle();
      assert.equal(runsFor(head).length, 1);
      assert.equal(runsFor(head)[0]!.conclusion, 'failure');
    });
  }

  it('skips drafts unless the default branch config says drafts: true', async () => {
    const head = await variant('draft');
    const number = open(head, true);
    await pr('opened', number, head, true);
    await stack.settle();
    assert.equal(runsFor(head).length, 0);

    const withDrafts = await stack.repo.commit({ ...baseFiles, [CONFIG]: `${baseFiles[CONFIG]}drafts: true\n` });
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, withDrafts);
    try {
      await pr('synchronize', number, head, true);
      await stack.settle();
      assert.equal(runsFor(head).length, 1);
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
  });

  it('check_run.rerequested from a fork (no pull_requests) finds the pull request by head SHA', async () => {
    const head = await variant('fork');
    const number = open(head);
    await pr('opened', number, head);
    await stack.settle();
    await stack.send('check_run', checkRunEvent('rerequested', REPO, { headSha: head, appId: APP_ID, name: 'Architecture review', pullNumbers: [] }));
    await stack.settle();
    const runs = runsFor(head);
    assert.equal(runs.length, 2, 'a re-run is a new run');
    assert.ok(runs.every((r) => r.status === 'completed'));
    assert.ok(stack.sim.requests.some((r) => r.operation === 'pulls/list'));
  });

  it('a fork\'s Re-run (no pull_requests) waits for the pull request\'s own review: one summary comment', async () => {
    const always = await stack.repo.commit({ ...baseFiles, [CONFIG]: `${baseFiles[CONFIG]}summaryComment: always\n` });
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, always);
    try {
      const head = await variant('fork-race');
      const number = open(head);
      await pr('opened', number, head);
      await stack.send('check_run', checkRunEvent('rerequested', REPO, { headSha: head, appId: APP_ID, name: 'Architecture review', pullNumbers: [] }));
      await stack.settle();
      const summaries = stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.body.startsWith('<!-- arch-review:summary -->'));
      assert.equal(summaries.length, 1);
      assert.ok(runsFor(head).length >= 1 && runsFor(head).every((r) => r.status === 'completed'));
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
  });

  it('check_suite.rerequested and the Re-review button re-run; other apps and buttons are ignored', async () => {
    const head = await variant('suite');
    const number = open(head);
    await stack.send('check_suite', checkSuiteEvent(REPO, { headSha: head, appId: APP_ID, pullNumbers: [number] }));
    await stack.settle();
    assert.equal(runsFor(head).length, 1);

    await stack.send('check_run', checkRunEvent('requested_action', REPO, { headSha: head, appId: APP_ID, name: 'Architecture review', pullNumbers: [number] }));
    await stack.settle();
    assert.equal(runsFor(head).length, 2);

    const requests = stack.sim.requests.length;
    await stack.send('check_run', checkRunEvent('requested_action', REPO, { headSha: head, appId: APP_ID, name: 'Architecture review', pullNumbers: [number], identifier: 'lgtm' }));
    await stack.send('check_run', checkRunEvent('rerequested', REPO, { headSha: head, appId: 999, name: 'Architecture review', pullNumbers: [number] }));
    await stack.send('check_suite', checkSuiteEvent(REPO, { headSha: head, appId: 999, pullNumbers: [number] }));
    await stack.settle();
    assert.equal(stack.sim.requests.length, requests);
  });

  it('ignores comments on issues and comments that are not commands', async () => {
    const requests = stack.sim.requests.length;
    const onIssue = example('issue_comment', 'created');
    onIssue.installation = { id: REPO.installationId };
    onIssue.comment.body = '/review';
    await stack.send('issue_comment', onIssue);
    await stack.send('issue_comment', stack.comment(open(dualWrite), 'maintainer', 'LGTM, but /review later'));
    await stack.settle();
    assert.equal(stack.sim.requests.length, requests);
  });

  it('retries a secondary rate limit on check-run creation and still completes the run', async () => {
    const head = await variant('rate-limit');
    stack.sim.failNext('checks/create', { status: 403, message: 'You have exceeded a secondary rate limit', headers: { 'retry-after': '0' } });
    await pr('opened', open(head), head);
    await stack.settle();
    const creates = stack.sim.requests.filter((r) => r.operation === 'checks/create').slice(-2);
    assert.deepEqual(creates.map((r) => r.status), [403, 201]);
    assert.equal(runsFor(head).length, 1);
    assert.equal(runsFor(head)[0]!.conclusion, 'failure');
  });

  it('a failure mid-review still completes the check run, with the configured onError conclusion', async () => {
    const head = await variant('outage');
    const strict = await stack.repo.commit({ ...baseFiles, [CONFIG]: `${baseFiles[CONFIG]}onError: failure\n` });
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, strict);
    try {
      stack.sim.failNext('pulls/list-files', { status: 404, message: 'Not Found' });
      await pr('opened', open(head), head);
      await stack.settle();
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
    const run = runsFor(head)[0]!;
    assert.equal(run.status, 'completed');
    assert.equal(run.conclusion, 'failure');
    assert.equal(run.output.title, 'Architecture review could not complete');
    assert.match(run.output.summary ?? '', /GitHub answered 404/);
  });

  it('/review that fails gets a confused reaction and a comment saying so (review-output.md §11.7)', async () => {
    const head = await variant('command-outage');
    const number = open(head);
    stack.sim.failNext('pulls/list-files', { status: 404, message: 'Not Found' });
    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review'));
    await stack.settle();
    assert.equal(runsFor(head).at(-1)!.output.title, 'Architecture review could not complete');
    const reply = stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.login.endsWith('[bot]')).at(-1)!;
    assert.equal(reply.body, '@maintainer the review could not complete. The "Architecture review" check run says why.');
    const asked = stack.sim.pull(REPO.owner, REPO.name, number).comments.find((c) => c.login === 'maintainer')!;
    assert.deepEqual(asked.reactions, ['eyes', 'confused']);
  });

  it('an invalid config on the default branch completes the run and says what and where', async () => {
    const head = await variant('bad-config');
    // A pull request that brings its own version of the file: valid, and then invalid too.
    const fixing = await variant('fixing-config', { [CONFIG]: `${baseFiles[CONFIG]}onError: neutral\n` });
    const alsoBroken = await variant('also-broken-config', { [CONFIG]: 'gate:\n  failon: [Critical]\n' });
    const broken = await stack.repo.commit({ ...baseFiles, [CONFIG]: 'gate:\n  failOn: [Critcal]\n' });
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, broken);
    try {
      for (const sha of [head, fixing, alsoBroken]) await pr('opened', open(sha), sha);
      await stack.settle();
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
    const run = runsFor(head)[0]!;
    assert.equal(run.conclusion, 'neutral');
    assert.match(run.output.title ?? '', /Configuration error/);
    assert.match(run.output.summary ?? '', /\.github\/arch-review\.yml on main:2:\d+/);
    assert.match(run.output.summary ?? '', /failOn/);
    assert.doesNotMatch(run.output.summary ?? '', /This pull request changes/);
    const fixed = runsFor(fixing)[0]!;
    assert.equal(fixed.conclusion, 'neutral', 'still gated by the broken file on main');
    assert.match(fixed.output.summary ?? '', /This pull request changes `\.github\/arch-review\.yml`, and its version is valid: once merged, reviews run again\.$/);
    assert.match(runsFor(alsoBroken)[0]!.output.summary ?? '', /but its version is invalid too: \.github\/arch-review\.yml in this pull request:2:3: unknown key "gate\.failon"/);

    // A file that says `onError: failure` keeps failing closed when a typo elsewhere breaks it.
    const closed = await stack.repo.commit({ ...baseFiles, [CONFIG]: 'onError: failure\ninline:\n  maxx: 3\n' });
    const strict = await variant('fail-closed-config');
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, closed);
    try {
      await pr('opened', open(strict), strict);
      await stack.settle();
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
    assert.equal(runsFor(strict)[0]!.conclusion, 'failure');
    assert.match(runsFor(strict)[0]!.output.summary ?? '', /The file says `onError: failure`/);
  });

  it('a pull request that makes the configuration invalid fails its own check', async () => {
    const head = await stack.repo.commit({ ...baseFiles, [CONFIG]: `${baseFiles[CONFIG]}inline:\n  maxx: 3\n` }, base);
    await pr('opened', open(head), head);
    await stack.settle();
    const run = runsFor(head)[0]!;
    assert.equal(run.conclusion, 'failure');
    assert.equal(run.output.title, 'Invalid .github/arch-review.yml proposed: merged, it would stop every review');
    assert.match(run.output.text ?? '', /the proposed file is invalid/);
  });

  it('a newer push supersedes a running review: its run ends cancelled "superseded", never in progress', async () => {
    const first = await variant('older');
    const second = await variant('newer');
    const number = open(first);
    // The push lands while the first review is creating its check run.
    stack.sim.onceOn('checks/create', async () => {
      stack.sim.pull(REPO.owner, REPO.name, number).head = second;
      await pr('synchronize', number, second);
    });
    await pr('opened', number, first);
    await stack.settle();
    const older = runsFor(first);
    assert.equal(older.length, 1);
    assert.equal(older[0]!.status, 'completed');
    assert.equal(older[0]!.conclusion, 'cancelled');
    assert.match(older[0]!.output.title ?? '', /Superseded/);
    assert.equal(runsFor(second).length, 1);
    assert.equal(runsFor(second)[0]!.conclusion, 'failure');

    // Force-pushed back to the superseded commit: its push reviews it, since it never was.
    stack.sim.pull(REPO.owner, REPO.name, number).head = first;
    await stack.send('pull_request', { ...pullRequestEvent('synchronize', REPO, { number, head: first, base }), before: second });
    await stack.settle();
    assert.deepEqual(runsFor(first).map((r) => [r.status, r.conclusion]), [['completed', 'cancelled'], ['completed', 'failure']]);
    // A redelivery of that push changes nothing: the newest completed run is now a review.
    await stack.send('pull_request', { ...pullRequestEvent('synchronize', REPO, { number, head: first, base }), before: second });
    await stack.settle();
    assert.equal(runsFor(first).length, 2);
  });

  it('threads a person resolved stay resolved and are not posted again; a finding the App saw fixed is posted again when it returns', async () => {
    const head = await variant('resolved-by-person');
    const number = open(head);
    await pr('opened', number, head);
    await stack.settle();
    const pull = stack.sim.pull(REPO.owner, REPO.name, number);
    const posted = pull.threads.length;
    assert.ok(posted > 0);
    for (const t of pull.threads) t.isResolved = true;
    await stack.send('check_run', checkRunEvent('rerequested', REPO, { headSha: head, appId: APP_ID, name: 'Architecture review', pullNumbers: [number] }));
    await stack.settle();
    assert.equal(runsFor(head).length, 2);
    assert.equal(pull.threads.length, posted, 'dismissed threads are not re-posted');
    assert.ok(pull.threads.every((t) => t.isResolved));

    // Fixed (the App resolves the thread with its reply), then brought back: a new comment.
    const fixedFile = readFileSync(new URL(`../github/demo-fix/${PLACE_ORDER}`, demo), 'utf8');
    const fixed = await stack.repo.commit({ ...baseFiles, [PLACE_ORDER]: fixedFile }, head);
    const again = await stack.repo.commit({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// again\n` }, fixed);
    for (const t of pull.threads) t.isResolved = false;
    for (const [sha, before] of [[fixed, head], [again, fixed]] as const) {
      pull.head = sha;
      await stack.send('pull_request', { ...pullRequestEvent('synchronize', REPO, { number, head: sha, base }), before });
      await stack.settle();
    }
    assert.equal(runsFor(fixed).at(-1)!.conclusion, 'success');
    assert.ok(pull.threads.slice(0, posted).every((t) => t.isResolved && /^Resolved in /.test(t.comments.at(-1)!.body)));
    assert.equal(runsFor(again).at(-1)!.conclusion, 'failure');
    assert.ok(pull.threads.length > posted, 'the returning finding is commented again');
    assert.ok(pull.threads.slice(posted).every((t) => !t.isResolved));
  });

  it('a summary comment is brought up to date when the pull request no longer has anything in scope', async () => {
    const head = await variant('stale-summary');
    const number = open(head);
    const summaries = () => stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.body.startsWith('<!-- arch-review:summary -->'));
    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review'));
    await stack.settle();
    assert.match(summaries()[0]!.body, /— 1 Critical/);
    const irrelevant = await stack.repo.commit({ ...baseFiles, 'README.md': 'typo fixed\n' }, head);
    stack.sim.pull(REPO.owner, REPO.name, number).head = irrelevant;
    await stack.send('pull_request', { ...pullRequestEvent('synchronize', REPO, { number, head: irrelevant, base }), before: head });
    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review'));
    await stack.settle();
    assert.equal(runsFor(irrelevant).at(-1)!.conclusion, 'skipped');
    assert.equal(summaries().length, 1);
    assert.doesNotMatch(summaries()[0]!.body, /Critical/);
  });

  it('a changed file GitHub lists without a patch is read at the merge base, not at the moved base branch', async () => {
    const dual = readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8');
    const fixedFile = readFileSync(new URL(`../github/demo-fix/${PLACE_ORDER}`, demo), 'utf8');
    // The merge base already has the dual-write; main fixed it since; the pull request appends lines.
    const mergeBase = await stack.repo.commit({ ...baseFiles, [PLACE_ORDER]: dual });
    const mainTip = await stack.repo.commit({ ...baseFiles, [PLACE_ORDER]: fixedFile }, mergeBase);
    const head = await stack.repo.commit({ ...baseFiles, [PLACE_ORDER]: `${dual}export const label = 'no-patch';\n` }, mergeBase);
    const number = next++;
    stack.sim.openPull(REPO.owner, REPO.name, number, mergeBase, head);
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, mainTip);
    const listed = stack.repo.pullFiles.bind(stack.repo);
    // GitHub leaves `patch` out of large diffs.
    stack.repo.pullFiles = async (b: string, h: string) =>
      (await listed(b, h)).map((f) => (f.filename === PLACE_ORDER ? (({ patch: _patch, ...rest }) => rest)(f) : f));
    try {
      await stack.send('pull_request', pullRequestEvent('opened', REPO, { number, head, base: mergeBase }));
      await stack.settle();
    } finally {
      stack.repo.pullFiles = listed;
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
    const run = runsFor(head)[0]!;
    assert.equal(run.conclusion, 'neutral', `the dual-write is pre-existing at the merge base: ${run.output.title}`);
    assert.ok(stack.sim.requests.some((r) => r.operation === 'repos/compare-commits-with-basehead'));
  });

  it('a draft whose base changes after its review is out of date, and reviewed again when marked ready', async () => {
    const head = await variant('draft-base');
    const number = open(head);
    await pr('opened', number, head);
    await stack.settle();
    assert.deepEqual(runsFor(head).map((r) => r.conclusion), ['failure']);
    stack.sim.pull(REPO.owner, REPO.name, number).draft = true;
    await stack.send('pull_request', pullRequestEditedEvent(REPO, { number, head, base, title: 'Pull request', body: '', draft: true }, { base: { ref: { from: 'release' }, sha: { from: base } } }));
    await stack.settle();
    assert.deepEqual(runsFor(head).map((r) => [r.conclusion, r.output.title]), [
      ['failure', runsFor(head)[0]!.output.title],
      ['cancelled', 'Out of date: the pull request changed while a draft'],
    ]);
    stack.sim.pull(REPO.owner, REPO.name, number).draft = false;
    await pr('ready_for_review', number, head);
    await stack.settle();
    assert.deepEqual(runsFor(head).map((r) => r.conclusion), ['failure', 'cancelled', 'failure']);
  });

  it('/review help, /review accept by a maintainer (refused) and by an admin (accepted, gate passes)', async () => {
    const head = await variant('accept');
    const number = open(head);
    await pr('opened', number, head);
    await stack.settle();
    const thread = stack.sim.pull(REPO.owner, REPO.name, number).threads[0]!;
    const shortId = /fp=([0-9a-f]{8})/.exec(thread.comments[0]!.body)![1]!;
    const bot = () => stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.login.endsWith('[bot]'));

    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review help'));
    await stack.settle();
    assert.match(bot().at(-1)!.body, /arch-review commands/);

    // Someone typing the marker by hand accepts nothing: only the bot's own comments count.
    await stack.send('issue_comment', stack.comment(number, 'maintainer', `<!-- arch-review:accept fp=${'0'.repeat(40)} by=maintainer reason=x -->`));
    await stack.send('issue_comment', stack.comment(number, 'maintainer', `/review accept ${shortId} we ship it anyway`));
    await stack.settle();
    assert.match(bot().filter((c) => !c.body.includes('arch-review:summary')).at(-1)!.body, /^@maintainer accepting a risk needs a repository admin or a code owner of the file, and `main` has no CODEOWNERS file\.$/);

    await stack.send('issue_comment', stack.comment(number, 'boss', `/review accept ${shortId} metrics only, losing one is harmless`));
    await stack.settle();
    const confirmation = bot().find((c) => c.body.includes('arch-review:accept'))!;
    assert.match(confirmation.body, /Risk accepted by @boss/);
    const last = runsFor(head).at(-1)!;
    assert.equal(last.conclusion, 'neutral', 'an accepted Critical no longer gates but is still worth a look');
    assert.match(last.output.summary ?? '', /risk accepted by @boss: metrics only/);

    // A later push keeps the acceptance: it is rebuilt from the bot's marker.
    await stack.send('check_run', checkRunEvent('rerequested', REPO, { headSha: head, appId: APP_ID, name: 'Architecture review', pullNumbers: [number] }));
    await stack.settle();
    assert.equal(runsFor(head).at(-1)!.conclusion, 'neutral');
  });

  it('/review accept by a code owner: CODEOWNERS from the default branch, teams checked, the author refused', async () => {
    // The pull request's own CODEOWNERS would make anyone an owner: the default branch's counts.
    const head = await variant('owners', { '.github/CODEOWNERS': '* @docs-writer\n' });
    const number = open(head);
    await pr('opened', number, head);
    await stack.settle();
    const thread = stack.sim.pull(REPO.owner, REPO.name, number).threads[0]!;
    const shortId = /fp=([0-9a-f]{8})/.exec(thread.comments[0]!.body)![1]!;
    // The bot's replies, not its sticky summary comment.
    const bot = () => stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.login.endsWith('[bot]') && !c.body.includes('arch-review:summary'));
    stack.sim.addCollaborator(REPO.owner, REPO.name, 'dev', 'write');
    stack.sim.addCollaborator(REPO.owner, REPO.name, 'docs-writer', 'write');
    stack.sim.addTeamMember(REPO.owner, 'orders-team', 'dev');
    stack.sim.grantTeam(REPO.owner, 'orders-team', REPO.owner, REPO.name, 'push');
    const owners = '# orders\n* @docs-writer\nservices/orders/ @acme/orders-team @other-org/orders\n';
    const withOwners = await stack.repo.commit({ ...baseFiles, '.github/CODEOWNERS': owners });
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, withOwners);
    try {
      await stack.send('issue_comment', stack.comment(number, 'docs-writer', `/review accept ${shortId} fine by docs`));
      await stack.settle();
      assert.equal(
        bot().at(-1)!.body,
        "@docs-writer accepting a risk needs a repository admin or a code owner of the file; .github/CODEOWNERS on `main` line 3 gives `services/orders/src/place-order.ts` to `@acme/orders-team`, `@other-org/orders`.",
      );

      const pull = stack.sim.pull(REPO.owner, REPO.name, number);
      pull.author = 'dev';
      await stack.send('issue_comment', stack.comment(number, 'dev', `/review accept ${shortId} my own change`));
      await stack.settle();
      assert.match(bot().at(-1)!.body, /^@dev accepting a risk needs a repository admin or a code owner of the file other than the pull request's author\.$/);
      assert.notEqual(runsFor(head).at(-1)!.conclusion, 'neutral');

      pull.author = 'someone-else';
      pull.commits = [{ author: 'someone-else', committer: 'someone-else' }, { author: 'someone-else', committer: 'dev' }];
      await stack.send('issue_comment', stack.comment(number, 'dev', `/review accept ${shortId} I only rebased it`));
      await stack.settle();
      assert.match(bot().at(-1)!.body, /who did not author or commit any of this pull request's commits; @dev did\.$/);

      pull.commits = [{ author: 'someone-else', committer: 'someone-else' }];
      await stack.send('issue_comment', stack.comment(number, 'dev', `/review accept ${shortId} metrics only, losing one is harmless`));
      await stack.settle();
      assert.match(bot().at(-1)!.body, /^Risk accepted by @dev \(code owner through `@acme\/orders-team` \(\.github\/CODEOWNERS on `main` line 3\)\)/);
      assert.equal(runsFor(head).at(-1)!.conclusion, 'neutral');
      assert.ok(stack.sim.requests.some((r) => r.operation === 'teams/get-membership-for-user-in-org'));
      assert.ok(stack.sim.requests.some((r) => r.operation === 'teams/check-permissions-for-repo-in-org'));
      assert.deepEqual(stack.sim.rejections, []);
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
  });

  it('summaryComment: never posts no summary comment, even on /review or /review full', async () => {
    const never = await stack.repo.commit({ ...baseFiles, [CONFIG]: `${baseFiles[CONFIG]}summaryComment: never\n` });
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, never);
    try {
      const head = await variant('never');
      const number = open(head);
      await pr('opened', number, head);
      await stack.settle();
      for (const command of ['/review', '/review full']) {
        await stack.send('issue_comment', stack.comment(number, 'maintainer', command));
        await stack.settle();
      }
      const runs = runsFor(head);
      assert.equal(runs.length, 3);
      assert.ok(runs.every((r) => r.status === 'completed' && r.conclusion === 'failure'));
      assert.match(runs.at(-1)!.output.text ?? '', /`summaryComment: never`, so the `\/review full` report, which only goes to the summary comment, was not made/);
      assert.equal(stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.body.includes('arch-review:summary')).length, 0);
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
  });

  it('/review full adds the features\' unchanged code to the summary comment and never to the gate', async () => {
    const dualWriteCode = readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8');
    // A pre-existing Critical in code the pull request does not touch, under a gate that counts
    // every finding: had the full review gated, the run would fail.
    const legacyBase = await stack.repo.commit({
      ...baseFiles,
      'services/orders/src/legacy-refund.ts': dualWriteCode,
      'services/orders/src/refund-batch.ts': dualWriteCode.replace(/placeOrder/g, 'refundBatch'),
      [CONFIG]: `${baseFiles[CONFIG]!.replace('failOn: [Critical]', 'failOn: [Critical]\n  scope: all')}`,
    });
    const head = await stack.repo.commit({ ...readSnapshot(new URL('base', demo).pathname), 'services/orders/src/legacy-refund.ts': dualWriteCode,
      'services/orders/src/refund-batch.ts': dualWriteCode.replace(/placeOrder/g, 'refundBatch'),
      [CONFIG]: `${baseFiles[CONFIG]!.replace('failOn: [Critical]', 'failOn: [Critical]\n  scope: all')}`,
      'services/orders/src/money.ts': 'export const cents = (amount: number): number => Math.round(amount * 100);\n' }, legacyBase);
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, legacyBase);
    try {
      const number = next++;
      stack.sim.openPull(REPO.owner, REPO.name, number, legacyBase, head, false);
      await stack.send('pull_request', pullRequestEvent('opened', REPO, { number, head, base: legacyBase }));
      await stack.settle();
      assert.equal(runsFor(head).at(-1)!.conclusion, 'success', 'the diff adds one clean file');

      const blobReads = (from: number) => stack.sim.requests.slice(from).filter((r) => r.operation === 'graphql:ReadBlobs').length;
      let requests = stack.sim.requests.length;
      await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review'));
      await stack.settle();
      const diffReads = blobReads(requests);
      requests = stack.sim.requests.length;
      await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review full'));
      await stack.settle();
      const run = runsFor(head).at(-1)!;
      assert.equal(runsFor(head).length, 3);
      assert.equal(run.conclusion, 'success', 'the gate still covers the diff only');
      assert.match(run.output.text ?? '', /The summary comment shows the `\/review full` report; this check run is the diff review/);
      assert.match(run.output.summary ?? '', /Coverage: 1 code file, /, 'the check run keeps the diff report');
      const summary = stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.login.endsWith('[bot]')).at(-1)!.body;
      assert.match(summary, /^> \*\*`\/review full`\*\*/m);
      assert.match(summary, /services\/orders\/src\/legacy-refund\.ts/);
      assert.match(summary, /services\/orders\/src\/refund-batch\.ts/);
      // The demo's own kafka.ts and db.ts are unchanged mapped code too.
      assert.match(summary, /Coverage: 5 code files, .* \(full review: 4 unchanged code files of the touched features analysed\)/);
      // The unchanged files come in one more blob batch than `/review` reads, not one request each.
      assert.equal(blobReads(requests), diffReads + 1);
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
  });

  it('/review <paths> narrows the summary comment; the check run still gates on the whole diff', async () => {
    const head = await variant('paths', { 'services/orders/src/money.ts': 'export const cents = (amount: number): number => Math.round(amount * 100);\n' });
    const number = open(head);
    await pr('opened', number, head);
    await stack.settle();
    assert.equal(runsFor(head)[0]!.conclusion, 'failure');

    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review ./services/orders/src/money.ts docs/none'));
    await stack.settle();
    const run = runsFor(head).at(-1)!;
    assert.equal(runsFor(head).length, 2);
    assert.equal(run.conclusion, 'failure', 'naming a clean file does not lift the gate');
    const summary = stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.login.endsWith('[bot]')).at(-1)!.body;
    assert.match(summary, /^> \*\*`\/review \.\/services\/orders\/src\/money\.ts docs\/none`\*\*/m);
    assert.match(summary, /— 0 Critical ·/);
    assert.doesNotMatch(summary, /place-order\.ts/);
    assert.match(summary, /restricted to services\/orders\/src\/money\.ts, docs\/none: 1 of 2 changed files; no changed file at or under docs\/none/);
    assert.match(run.output.summary ?? '', /dual-write/, 'the check run keeps the diff report');
    // §11.2's details: the configuration's hash, the analysed files, the criteria with their values.
    const details = run.output.text ?? '';
    assert.match(details, /^- Configuration: sha256 [0-9a-f]{12} of `\.github\/arch-review\.yml` on `main`$/m);
    assert.match(details, /^- Analysed: `services\/orders\/src\/money\.ts`, `services\/orders\/src\/place-order\.ts`, `docs\/features\/order-placement\/README\.md`/m);
    assert.match(details, /^#### Readiness criteria — order-placement \(tier Prototype\)$/m);
    assert.match(details, /^\| C1\.1 \| failed \| /m);

    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review src/../../secrets'));
    await stack.settle();
    const reply = stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.login.endsWith('[bot]')).at(-1)!.body;
    assert.match(reply, /is not a path in this repository/);
    assert.equal(runsFor(head).length, 2, 'an invalid command starts no run');

    // `/review again` reads as a path that matches nothing: answered, and the summary comment kept.
    const bot = () => stack.sim.pull(REPO.owner, REPO.name, number).comments.filter((c) => c.login.endsWith('[bot]'));
    const before = bot().map((c) => c.body);
    await stack.send('issue_comment', stack.comment(number, 'maintainer', '/review again'));
    await stack.settle();
    assert.equal(runsFor(head).at(-1)!.conclusion, 'failure', 'the check run still reviews the diff');
    const after = bot();
    assert.equal(after.length, before.length + 1);
    assert.deepEqual(after.slice(0, -1).map((c) => c.body), before, 'the summary comment is not replaced by an empty report');
    assert.match(after.at(-1)!.body, /No changed file of this pull request is at or under `again`/);
  });

  it('a tier claimed in the PR title is read at each run: edited away, the next review drops it', async () => {
    const head = await variant('claims');
    const number = open(head);
    const pull = stack.sim.pull(REPO.owner, REPO.name, number);
    pull.title = 'Order placement is production-ready';
    pull.body = '<!-- Say "enterprise-critical" only with a DR drill on record -->\nAdds the order handler.';
    await pr('opened', number, head);
    await stack.settle();
    const first = runsFor(head)[0]!;
    assert.match(first.output.summary ?? '', /— Tier: Prototype \(claimed Production-ready\)/);
    const summary = first.output.summary ?? '';
    assert.match(summary, /^Downgrade: PR title claims Production-ready; evidence supports Prototype\.$/m);
    assert.match(summary, /`docs\/features\/order-placement\/README\.md:1` — \*\*tier-claim-unsupported\*\* — Tier claim "Production-ready" in the PR title is contradicted by: C1\.1 \(dual-write\)/);
    // The body's template comment mentions a tier; it is not a claim.
    assert.doesNotMatch(summary, /Enterprise-critical; evidence/);

    pull.title = 'Order placement handler';
    await stack.send('check_run', checkRunEvent('rerequested', REPO, { headSha: head, appId: APP_ID, name: 'Architecture review', pullNumbers: [number] }));
    await stack.settle();
    const second = runsFor(head).at(-1)!;
    assert.notEqual(second.id, first.id);
    assert.doesNotMatch(`${second.output.summary}${second.output.text}`, /PR title claims|in the PR title/);
    assert.deepEqual(stack.sim.rejections, []);
  });

  it('pull_request.edited re-reviews when the claimed tier or the base changes, not for other edits', async () => {
    const head = await variant('edited');
    const number = open(head);
    const pull = stack.sim.pull(REPO.owner, REPO.name, number);
    pull.title = 'Order placement handler';
    await pr('opened', number, head);
    await stack.settle();
    assert.equal(runsFor(head).length, 1);
    const edited = (title: string, body: string, changes: Parameters<typeof pullRequestEditedEvent>[2]) => {
      pull.title = title;
      pull.body = body;
      return stack.send('pull_request', pullRequestEditedEvent(REPO, { number, head, base, title, body }, changes));
    };

    // A typo fixed in the body claims nothing new: no run.
    await edited('Order placement handler', 'Adds the order handler.', { body: { from: 'Adds the ordr handler.' } });
    await stack.settle();
    assert.equal(runsFor(head).length, 1);

    // The title now claims Production-ready: a new run reads it.
    await edited('Order placement, production-ready', 'Adds the order handler.', { title: { from: 'Order placement handler' } });
    await stack.settle();
    assert.equal(runsFor(head).length, 2);
    assert.match(runsFor(head)[1]!.output.summary ?? '', /^Downgrade: PR title claims Production-ready; evidence supports Prototype\.$/m);

    // The base branch changed: another diff, another run.
    await edited('Order placement, production-ready', 'Adds the order handler.', { base: { ref: { from: 'release' }, sha: { from: base } } });
    await stack.settle();
    assert.equal(runsFor(head).length, 3);
    assert.ok(runsFor(head).every((r) => r.status === 'completed'));
    assert.deepEqual(stack.sim.rejections, []);
  });

  it('pull_request.edited on a draft waits unless the default branch config says drafts: true', async () => {
    const head = await variant('edited-draft');
    const number = open(head, true);
    const claim = () =>
      stack.send('pull_request', pullRequestEditedEvent(REPO, { number, head, base, title: 'Now production-ready', body: '', draft: true }, { title: { from: 'Draft' } }));
    await claim();
    await stack.settle();
    assert.equal(runsFor(head).length, 0);

    const withDrafts = await stack.repo.commit({ ...baseFiles, [CONFIG]: `${baseFiles[CONFIG]}drafts: true\n` });
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, withDrafts);
    try {
      stack.sim.pull(REPO.owner, REPO.name, number).title = 'Now production-ready';
      await claim();
      await stack.settle();
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
    assert.equal(runsFor(head).length, 1);
    assert.match(runsFor(head)[0]!.output.summary ?? '', /Downgrade: PR title claims Production-ready/);
  });

  it('a pull request that edits the config is gated by the default branch and shows what its file would do', async () => {
    const review = async (tag: string, config: string) => opened(await variant(tag, { [CONFIG]: config }));
    const opened = async (head: string) => {
      const number = open(head);
      await pr('opened', number, head);
      await stack.settle();
      const run = runsFor(head)[0]!;
      const note = (run.output.text ?? '').split('\n').find((l) => l.includes('This pull request changes `.github/arch-review.yml`')) ?? '';
      return { run, note };
    };

    // The dual-write is Critical: the default branch's gate fails it, whatever the proposed file says.
    const relaxed = await review('config-relaxed', baseFiles[CONFIG]!.replace('failOn: [Critical]', 'failOn: [System]'));
    assert.equal(relaxed.run.conclusion, 'failure');
    assert.match(relaxed.note, /The gate above uses the file on `main`, so a change cannot switch off its own gate;/);
    // It would not fail, but a Critical that does not gate still makes the run neutral (§11.2).
    assert.match(relaxed.note, /with the proposed file the gate would be \*\*neutral\*\* \(no gating finding; 1 Critical[^)]*\), with \d+ findings \(now \d+\)\./);

    const broken = await review('config-broken', 'gate:\n  failOn: [Critcal]\n');
    assert.equal(broken.run.conclusion, 'failure');
    assert.match(broken.note, /the proposed file is invalid and, once merged, every review would stop with a configuration error: \.github\/arch-review\.yml in this pull request:2:\d+/);

    const comments = await review('config-comment', `# reviewed by the platform team\n${baseFiles[CONFIG]}`);
    assert.match(comments.note, /the proposed file is valid and configures the same review\.$/);

    const untouched = await opened(await variant('config-untouched'));
    assert.equal(untouched.note, '');
    assert.deepEqual(stack.sim.rejections, []);
  });

  it('a finding in the baseline file on the default branch is reported as baselined and does not gate', async () => {
    const first = await variant('baseline-source');
    const number = open(first);
    await pr('opened', number, first);
    await stack.settle();
    const gated = runsFor(first)[0]!;
    assert.equal(gated.conclusion, 'failure');
    const annotation = gated.annotations.find((a) => a.title === '[Critical] dual-write')!;
    const fingerprint = /Fingerprint: ([0-9a-f]{40})/.exec((annotation as { raw_details?: string }).raw_details ?? '')![1]!;
    const baseline = JSON.stringify({ version: 1, findings: [{ fingerprint, ruleId: 'dual-write', path: PLACE_ORDER }] });

    const baselinedBase = await stack.repo.commit({ ...baseFiles, '.github/arch-review-baseline.json': baseline }, base);
    const head = await stack.repo.commit(
      { ...baseFiles, '.github/arch-review-baseline.json': baseline, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// baselined\n` },
      baselinedBase,
    );
    const second = next++;
    stack.sim.openPull(REPO.owner, REPO.name, second, baselinedBase, head);
    stack.sim.setDefaultBranch(REPO.owner, REPO.name, baselinedBase);
    try {
      await stack.send('pull_request', pullRequestEvent('opened', REPO, { number: second, head, base: baselinedBase }));
      await stack.settle();
    } finally {
      stack.sim.setDefaultBranch(REPO.owner, REPO.name, base);
    }
    const run = runsFor(head)[0]!;
    assert.notEqual(run.conclusion, 'failure');
    assert.match(run.output.summary ?? '', /— \*\*dual-write\*\* — .* \(baselined\)$/m);
    assert.equal(stack.sim.pull(REPO.owner, REPO.name, second).threads.filter((t) => /dual-write/.test(t.comments[0]?.body ?? '')).length, 0, 'no inline comment');

    // A pull request that brings the same file itself is not exempted: the default branch has none.
    const sneaky = await stack.repo.commit({ ...baseFiles, '.github/arch-review-baseline.json': baseline, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// sneaky\n` }, base);
    const third = open(sneaky);
    await pr('opened', third, sneaky);
    await stack.settle();
    assert.equal(runsFor(sneaky)[0]!.conclusion, 'failure');
    assert.deepEqual(stack.sim.rejections, []);
  });

  it('many findings: annotations go 50 a request, inline comments stop at inline.max', async () => {
    const sample = samplePullRequest(20);
    const handler = readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8').replaceAll("'./db.js'", "'./db.js'");
    const files: Record<string, string> = { ...sample.head };
    for (let i = 0; i < 60; i++) files[`services/svc0/src/place-order-${i}.ts`] = handler.replace('placeOrder', `placeOrder${i}`);
    const head = await stack.repo.commit(files, base);
    const number = next++;
    const baseSha = await stack.repo.commit(sample.base);
    stack.sim.openPull(REPO.owner, REPO.name, number, baseSha, head);
    await stack.send('pull_request', pullRequestEvent('opened', REPO, { number, head, base: baseSha }));
    await stack.settle();
    const run = runsFor(head)[0]!;
    assert.equal(run.conclusion, 'failure');
    assert.ok(run.annotations.length > 50, `${run.annotations.length} annotations`);
    assert.equal(run.updates, Math.ceil(run.annotations.length / 50));
    assert.equal(stack.sim.pull(REPO.owner, REPO.name, number).threads.length, 30);
    assert.deepEqual(stack.sim.rejections, []);
  });
});
