// Issue 6, security: the App over real HTTP on loopback against the GitHub simulator.
// - A webhook with a missing, wrong or malformed signature is rejected (400) before anything reads
//   it; its payload is never logged and nothing is queued.
// - `/review` runs only for people with write access; accepting a risk needs admin or code ownership.
// - The gate's configuration comes from the default branch: a pull request cannot switch off its gate.
// - Pull request content is never executed (install scripts, top-level code, config-as-code).
// - Tokens, the private key, the webhook secret and JWTs never appear in the logs of a full run.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProbot, type Probot } from 'probot';
import { createArchReviewApp, type ArchReviewApp } from '../../src/app/app.js';
import { archReviewOctokit } from '../../src/app/octokit.js';
import { createAppServer } from '../../src/app/server.js';
import { FixtureRepo, readSnapshot } from '../simulator/fixture-repo.js';
import { FaultInjector, NO_FAULTS } from '../simulator/faults.js';
import { GitHubSimulator } from '../simulator/github-simulator.js';
import { memoryLogger, type LogLine } from '../simulator/harness.js';
import { deliveryId, issueCommentEvent, pullRequestEvent } from '../simulator/payloads.js';

const APP_ID = 5151;
const SLUG = 'arch-review';
const REPO = { owner: 'acme', name: 'vault', installationId: 91 };
const PLACE_ORDER = 'services/orders/src/place-order.ts';
const CONFIG = '.github/arch-review.yml';
const demo = new URL('../../fixtures/demo/', import.meta.url);

describe('security of the App', { timeout: 180_000 }, () => {
  const secret = `whsec-${randomBytes(16).toString('hex')}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const logs: LogLine[] = [];
  /** Everything written to stdout/stderr while the App runs (console output included). */
  const written: string[] = [];
  const pwned = join(tmpdir(), `arch-review-pwned-${process.pid}-${randomBytes(4).toString('hex')}`);
  let sim: GitHubSimulator;
  let repo: FixtureRepo;
  let probot: Probot;
  let app: ArchReviewApp;
  let server: Server;
  let url: string;
  let base: string;
  let baseFiles: Record<string, string>;
  let next = 1;
  let restoreWrites: () => void;

  const runsFor = (sha: string) => sim.checkRuns.filter((r) => r.head_sha === sha);
  const pull = (n: number) => sim.pull(REPO.owner, REPO.name, n);

  async function post(name: string, body: string, headers: Record<string, string | undefined>): Promise<number> {
    const h: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': name };
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) h[k] = v;
    const res = await fetch(`${url}/api/github/webhooks`, { method: 'POST', headers: h, body });
    await res.text();
    return res.status;
  }
  const sign = (body: string, key = secret) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
  async function deliver(name: string, payload: object): Promise<number> {
    const body = JSON.stringify(payload);
    return post(name, body, { 'x-github-delivery': deliveryId(), 'x-hub-signature-256': sign(body) });
  }
  async function openPull(files: Record<string, string>): Promise<{ number: number; head: string }> {
    const head = await repo.commit(files, base);
    const number = next++;
    sim.openPull(REPO.owner, REPO.name, number, base, head);
    assert.equal(await deliver('pull_request', pullRequestEvent('opened', REPO, { number, head, base })), 202);
    await app.queue.idle();
    return { number, head };
  }
  const comment = async (number: number, login: string, body: string) => {
    const commentId = sim.addUserComment(REPO.owner, REPO.name, number, login, body);
    assert.equal(await deliver('issue_comment', issueCommentEvent(REPO, { number, body, login, commentId })), 202);
    await app.queue.idle();
  };

  before(async () => {
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const capture = (orig: typeof out) => ((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof out;
    process.stdout.write = capture(out);
    process.stderr.write = capture(err);
    restoreWrites = () => {
      process.stdout.write = out;
      process.stderr.write = err;
    };

    sim = new GitHubSimulator({ appId: APP_ID, appSlug: SLUG, publicKeyPem: publicKey });
    const host = await sim.listen();
    repo = await FixtureRepo.create();
    baseFiles = readSnapshot(new URL('base', demo).pathname);
    base = await repo.commit(baseFiles);
    sim.addRepo(REPO.owner, REPO.name, repo, base);
    sim.addCollaborator(REPO.owner, REPO.name, 'writer', 'write');
    sim.addCollaborator(REPO.owner, REPO.name, 'maintainer', 'maintain');
    sim.addCollaborator(REPO.owner, REPO.name, 'boss', 'admin');
    sim.addCollaborator(REPO.owner, REPO.name, 'reader', 'read');
    sim.addCollaborator(REPO.owner, REPO.name, 'triager', 'triage');

    probot = createProbot({
      env: { APP_ID: String(APP_ID), PRIVATE_KEY: privateKey, WEBHOOK_SECRET: secret, GHE_HOST: host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'trace' },
      overrides: { log: memoryLogger(logs), Octokit: archReviewOctokit({ throttle: false }) },
    });
    app = createArchReviewApp({ appId: APP_ID, concurrency: 2, retry: { fallbackWaitMs: 5, transientWaitMs: 5 } });
    await probot.load(app.app);
    server = createAppServer({ probot, secret, log: probot.log, health: () => app.queue.stats() });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    restoreWrites?.();
    await app?.queue.idle();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await sim?.close();
    repo?.remove();
    rmSync(pwned, { force: true });
  });

  describe('webhook signatures', () => {
    const marker = `untrusted-payload-${randomBytes(6).toString('hex')}`;
    const payload = () => JSON.stringify({ ...pullRequestEvent('opened', REPO, { number: 999, head: base, base }), marker });

    for (const [label, headers] of [
      ['missing signature', (_body: string) => ({ 'x-github-delivery': deliveryId(), 'x-hub-signature-256': undefined })],
      ['signed with another secret', (body: string) => ({ 'x-github-delivery': deliveryId(), 'x-hub-signature-256': sign(body, 'not-the-secret') })],
      ['sha1 signature only', (body: string) => ({ 'x-github-delivery': deliveryId(), 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` })],
      ['malformed signature', (_body: string) => ({ 'x-github-delivery': deliveryId(), 'x-hub-signature-256': 'sha256=zz' })],
      ['signature of a different body', (_body: string) => ({ 'x-github-delivery': deliveryId(), 'x-hub-signature-256': sign('{}') })],
      ['no delivery id', (body: string) => ({ 'x-hub-signature-256': sign(body) })],
    ] as const) {
      it(`rejects a delivery with a ${label}: 400, nothing queued, payload never logged`, async () => {
        const before = sim.requests.length;
        const body = payload();
        const status = await post('pull_request', body, headers(body) as Record<string, string | undefined>);
        assert.equal(status, 400);
        await app.queue.idle();
        assert.equal(sim.requests.length, before, 'no GitHub request');
        assert.deepEqual(app.queue.stats(), { pending: 0, running: 0 });
        assert.ok(!logs.some((l) => l.text.includes(marker)), 'the payload is not in the logs');
        assert.ok(!written.some((w) => w.includes(marker)), 'the payload is not on stdout/stderr');
      });
    }

    it('an unsigned body over the size limit is answered 400 too: nothing unsigned is read', async () => {
      const big = `{"pad":"${'x'.repeat(26 * 1024 * 1024)}","marker":"${marker}"}`;
      assert.equal(await post('pull_request', big, { 'x-github-delivery': deliveryId() }), 400);
      assert.equal(await post('pull_request', big, { 'x-github-delivery': deliveryId(), 'x-hub-signature-256': 'sha256=abc' }), 400);
      assert.equal(await post('pull_request', big, { 'x-github-delivery': deliveryId(), 'x-hub-signature-256': sign('{}') }), 413, 'a well-formed signature is checked against the body, which is too large');
      assert.ok(!logs.some((l) => l.text.includes(marker)));
    });

    it('a correctly signed body that is not JSON is answered 400', async () => {
      const body = `not json ${marker}`;
      assert.equal(await post('pull_request', body, { 'x-github-delivery': deliveryId(), 'x-hub-signature-256': sign(body) }), 400);
      assert.ok(!logs.some((l) => l.text.includes(marker)));
    });
  });

  describe('/review permissions', () => {
    let number: number;
    let head: string;
    before(async () => {
      ({ number, head } = await openPull({ ...baseFiles, [PLACE_ORDER]: readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8') }));
      assert.equal(runsFor(head).length, 1);
    });

    for (const login of ['reader', 'triager', 'stranger']) {
      it(`${login} cannot run /review: one polite refusal, no review, no check run`, async () => {
        const runs = sim.checkRuns.length;
        const comments = pull(number).comments.filter((c) => c.login.endsWith('[bot]')).length;
        await comment(number, login, '/review');
        await comment(number, login, '/review');
        assert.equal(sim.checkRuns.length, runs, 'no check run');
        const replies = pull(number).comments.filter((c) => c.login.endsWith('[bot]')).slice(comments);
        assert.equal(replies.length, 1);
        assert.match(replies[0]!.body, new RegExp(`@${login}.*write access`));
        assert.ok(!replies.some((c) => c.body.includes('<!-- arch-review:summary -->')));
      });
    }

    it('a bot account cannot trigger /review', async () => {
      const runs = sim.checkRuns.length;
      const commentId = sim.addUserComment(REPO.owner, REPO.name, number, 'evil[bot]', '/review');
      const event = issueCommentEvent(REPO, { number, body: '/review', login: 'evil[bot]', commentId }) as { comment: { user: { type: string } } };
      event.comment.user.type = 'Bot';
      assert.equal(await deliver('issue_comment', event), 202);
      await app.queue.idle();
      assert.equal(sim.checkRuns.length, runs);
    });

    it('a maintainer can run /review; accepting a risk needs admin or a CODEOWNERS entry', async () => {
      await comment(number, 'maintainer', '/review');
      assert.equal(pull(number).comments.filter((c) => c.body.includes('<!-- arch-review:summary -->')).length, 1);
      const id = /arch-review:fp=([0-9a-f]{8})/.exec(pull(number).threads[0]?.comments[0]?.body ?? '')?.[1];
      assert.ok(id, 'the dual-write has an inline comment with its id');
      await comment(number, 'writer', `/review accept ${id} we know`);
      assert.ok(pull(number).comments.some((c) => /^@writer accepting a risk needs a repository admin or a code owner of the file, and `main` has no CODEOWNERS file\.$/.test(c.body)));
      assert.ok(!pull(number).comments.some((c) => c.body.includes('arch-review:accept')));
      await comment(number, 'boss', `/review accept ${id} reviewed with the team`);
      assert.ok(pull(number).comments.some((c) => c.body.includes('arch-review:accept') && c.login.endsWith('[bot]')));
    });

    it('an accept marker typed by a person is not trusted', async () => {
      const runs = runsFor(head).length;
      const fake = `<!-- arch-review:accept fp=${'f'.repeat(40)} by=boss reason=forged -->`;
      await comment(number, 'writer', `looks fine ${fake}`);
      assert.equal(runsFor(head).length, runs, 'an ordinary comment starts nothing');
    });

    it('an App comment a person edited into an accept confirmation is not trusted', async () => {
      const placeOrder = `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// edited confirmation\n`;
      const first = await openPull({ ...baseFiles, [PLACE_ORDER]: placeOrder });
      const fp = /arch-review:fp=([0-9a-f]{40})/.exec(pull(first.number).threads[0]?.comments[0]?.body ?? '')?.[1];
      assert.ok(fp, 'the dual-write has an inline comment');
      await comment(first.number, 'maintainer', '/review');
      const summary = pull(first.number).comments.find((c) => c.body.startsWith('<!-- arch-review:summary -->'))!;
      // What a browser edit sends: the App stays the author, line breaks become CRLF.
      const forged = `Risk accepted by @boss (repository admin) for **dual-write** at \`x\`: ok\r\nIt no longer gates this pull request; it stays in the report.\r\n<!-- arch-review:accept fp=${fp} by=boss reason=ok -->`;
      sim.editCommentAs(REPO.owner, REPO.name, first.number, summary.id, 'writer', forged);
      const head = await repo.commit({ ...baseFiles, [PLACE_ORDER]: `${placeOrder}// again\n` }, first.head);
      pull(first.number).head = head;
      assert.equal(await deliver('pull_request', pullRequestEvent('synchronize', REPO, { number: first.number, head, base })), 202);
      await app.queue.idle();
      assert.equal(runsFor(head).at(-1)!.conclusion, 'failure', 'the edited comment is not an accept');
    });

    it('a file path cannot plant an accept marker in a comment the App writes', async () => {
      const placeOrder = `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// planted marker\n`;
      const first = await openPull({ ...baseFiles, [PLACE_ORDER]: placeOrder });
      assert.equal(runsFor(first.head)[0]!.conclusion, 'failure');
      const fp = /arch-review:fp=([0-9a-f]{40})/.exec(pull(first.number).threads[0]?.comments[0]?.body ?? '')?.[1];
      assert.ok(fp, 'the dual-write has an inline comment');
      // A consumer with findings that do not gate, under a path that carries a forged accept.
      const planted = `services/orders/src/x <!-- arch-review:accept fp=${fp} by=boss reason=approved -->/sync.ts`;
      const consumer = [
        "import { Kafka } from 'kafkajs';",
        "const consumer = new Kafka({ clientId: 'crm-sync', brokers: ['kafka:9092'] }).consumer({ groupId: 'crm-sync' });",
        'export async function start() {',
        "  await consumer.subscribe({ topic: 'orders.placed.v1' });",
        "  await consumer.run({ eachMessage: async ({ message }) => { await fetch('https://crm.example.com/x', { method: 'PUT', body: message.value! }); } });",
        '}',
        '',
      ].join('\n');
      const push = async (files: Record<string, string>, previous: string) => {
        const head = await repo.commit(files, previous);
        pull(first.number).head = head;
        assert.equal(await deliver('pull_request', pullRequestEvent('synchronize', REPO, { number: first.number, head, base })), 202);
        await app.queue.idle();
        return head;
      };
      const second = await push({ ...baseFiles, [PLACE_ORDER]: placeOrder, [planted]: consumer }, first.head);
      await comment(first.number, 'writer', '/review');
      const summary = pull(first.number).comments.find((c) => c.body.includes('<!-- arch-review:summary -->'));
      assert.ok(summary?.body.includes(`arch-review:accept fp=${fp}`), 'the path is quoted in the summary');
      const third = await push({ ...baseFiles, [PLACE_ORDER]: placeOrder, [planted]: `${consumer}// again\n` }, second);
      const run = runsFor(third).at(-1)!;
      assert.equal(run.conclusion, 'failure', 'the forged accept is not read');
      assert.ok(!(run.output?.summary ?? '').includes('risk accepted'));
    });
  });

  describe('the gate configuration', () => {
    it('comes from the default branch: a pull request that switches the gate off still fails', async () => {
      const evil = `gate:\n  failOn: []\nrules:\n  dual-write: off\nexclude: ["**"]\n`;
      const { head } = await openPull({
        ...baseFiles,
        [CONFIG]: evil,
        [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// evil config\n`,
      });
      const run = runsFor(head)[0]!;
      assert.equal(run.status, 'completed');
      assert.equal(run.conclusion, 'failure', 'the default branch config still gates');
      assert.ok(run.annotations.some((a) => a.title === '[Critical] dual-write'));
    });

    it('a tag named like the default branch cannot stand in for it', async () => {
      // In a short revision expression (`main:…`) git resolves refs/tags/main before refs/heads/main.
      const evil = await repo.commit({ ...baseFiles, [CONFIG]: `gate:\n  failOn: []\n` }, base);
      sim.addTag(REPO.owner, REPO.name, 'main', evil);
      const { head } = await openPull({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// tag named main\n` });
      assert.equal(runsFor(head)[0]!.conclusion, 'failure', 'the branch\'s config gates, not the tag\'s');
    });

    it('an invalid config in the pull request changes nothing either', async () => {
      const { head } = await openPull({
        ...baseFiles,
        [CONFIG]: 'gate: [[[ this is not yaml',
        [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// broken config\n`,
      });
      assert.equal(runsFor(head)[0]!.conclusion, 'failure');
    });
  });

  describe('pull request content is never executed', () => {
    it('install scripts, top-level code and config-as-code files are read as text only', async () => {
      const payload = `require('node:fs').writeFileSync(${JSON.stringify(pwned)}, 'ran');`;
      const { head } = await openPull({
        ...baseFiles,
        'package.json': JSON.stringify({ name: 'x', scripts: { preinstall: payload, postinstall: payload, prepare: payload, test: payload } }),
        'services/orders/package.json': JSON.stringify({ name: 'orders', main: 'src/boot.js', scripts: { postinstall: payload } }),
        'services/orders/src/boot.js': `${payload}\nmodule.exports = {};\n`,
        'services/orders/src/place-order.ts': `import './boot.js';\n${payload}\n${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}`,
        '.github/arch-review.config.js': payload,
        'arch-review.config.ts': payload,
        'eslint.config.js': payload,
        '.husky/pre-commit': `node -e "${payload.replace(/"/g, '\\"')}"`,
        'Makefile': `all:\n\ttouch ${pwned}\n`,
      });
      assert.equal(runsFor(head)[0]!.status, 'completed');
      assert.equal(existsSync(pwned), false, 'nothing from the pull request ran');
    });
  });

  describe('secrets in logs', () => {
    /** What of the App's secrets shows in `everything`; `headerNamed`: a token counts only where "authorization" appears too. */
    const leaksIn = (everything: string, { headerNamed }: { headerNamed: boolean }): string[] => {
      const keyBody = privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
      const leaks: string[] = [];
      if (/ghs_[A-Za-z0-9]+/.test(everything)) leaks.push('an installation token (ghs_…)');
      if (everything.includes('BEGIN RSA PRIVATE KEY') || keyBody.some((line) => everything.includes(line.slice(0, 40)))) leaks.push('the private key');
      if (everything.includes(secret)) leaks.push('the webhook secret');
      if (/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./.test(everything)) leaks.push('a JWT');
      if ((!headerNamed || /authorization/i.test(everything)) && /(token|bearer) [A-Za-z0-9_.-]{20,}/i.test(everything)) leaks.push('an authorization header');
      return leaks;
    };

    it('a full run logs no installation token, private key, webhook secret or JWT', async () => {
      // One more complete run with everything: review, inline comment, summary, a thread resolved.
      const { number } = await openPull({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// secrets run\n` });
      await comment(number, 'maintainer', '/review');
      assert.ok(logs.length > 20, `${logs.length} log lines captured`);
      assert.deepEqual(leaksIn([...logs.map((l) => l.text), ...written].join('\n'), { headerNamed: true }), []);
    });

    it('nor does a run through failures: 5xx answers, dropped connections, rejected comments, a failed token exchange', async () => {
      const from = logs.length;
      const writtenFrom = written.length;
      const injector = new FaultInjector({ seed: 6, rates: { ...NO_FAULTS, serverError: 0.25, drop: 0.05, commentRejected: 0.5 } });
      sim.faultHook = injector.hook;
      sim.failNext('apps/create-installation-access-token', { status: 500, message: 'token service down' });
      try {
        const { number } = await openPull({ ...baseFiles, [PLACE_ORDER]: `${readFileSync(new URL(`head/${PLACE_ORDER}`, demo), 'utf8')}// faulty run\n` });
        await comment(number, 'maintainer', '/review');
        await comment(number, 'boss', '/review accept deadbeef not a finding');
      } finally {
        sim.faultHook = null;
      }
      const faults = Object.values(injector.stats.injected).reduce((a, b) => a + b, 0);
      assert.ok(faults >= 5, `${faults} faults injected`);
      const errorLines = logs.slice(from).filter((l) => l.level === 'warn' || l.level === 'error');
      assert.ok(errorLines.length > 0, 'the failures were logged');
      assert.deepEqual(leaksIn([...logs.slice(from).map((l) => l.text), ...written.slice(writtenFrom)].join('\n'), { headerNamed: false }), []);
    });
  });
});
