// End to end: real git repositories built from snapshots, the real CLI, its exit codes and outputs.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../../src/cli.js';
import { createRepoFromSnapshots } from '../../src/git/snapshot-repo.js';
import { readSnapshot } from '../simulator/fixture-repo.js';
import type { ReviewJson } from '../../src/render/json.js';

const scratch = mkdtempSync(join(tmpdir(), 'arch-review-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

async function repoFrom(base: Record<string, string | Buffer>, head: Record<string, string | Buffer>) {
  const id = counter++;
  const baseDir = join(scratch, `${id}-base`);
  const headDir = join(scratch, `${id}-head`);
  mkdirSync(baseDir, { recursive: true });
  mkdirSync(headDir, { recursive: true });
  writeTree(baseDir, base);
  writeTree(headDir, head);
  return createRepoFromSnapshots(baseDir, headDir, { dir: join(scratch, `${id}-repo`) });
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: scratch });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function reviewJson(repo: { dir: string; base: string; head: string }, extra: string[] = []) {
  const result = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'json', ...extra]);
  return { ...result, json: result.code === 2 ? null : (JSON.parse(result.stdout) as ReviewJson) };
}

const README = '# shop\n';

const dualWriteHandler = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();

export async function placeOrder(input: { id: string; totalCents: number }) {
  const order = await prisma.order.create({ data: input });
  await producer.send({
    topic: 'orders.placed.v1',
    messages: [{ key: order.id, value: JSON.stringify(order) }],
  });
  return order;
}
`;

const outboxHandler = `import { randomUUID } from 'node:crypto';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function placeOrder(input: { id: string; totalCents: number }) {
  // Pattern: Transactional Outbox - order row and event row commit together.
  return prisma.$transaction(async (tx) => {
    const order = await tx.order.create({ data: input });
    await tx.outboxEvent.create({
      data: { id: randomUUID(), aggregateId: order.id, type: 'orders.placed.v1', payload: order },
    });
    return order;
  });
}
`;

describe('arch-review review (CLI end to end)', () => {
  it('fails the gate with a dual-write finding at the publish call', async () => {
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler });
    const { code, json, stderr } = await reviewJson(repo);
    assert.equal(code, 1, stderr);
    const finding = json!.findings.find((f) => f.ruleId === 'dual-write');
    assert.ok(finding, 'dual-write finding expected');
    assert.equal(finding.path, 'src/orders/place-order.ts');
    assert.equal(finding.line, 9);
    assert.equal(finding.endLine, 12);
    assert.equal(finding.status, 'introduced');
    assert.equal(finding.severity, 'Critical');
    assert.equal(finding.gates, true);
    assert.match(finding.fingerprint, /^[0-9a-f]{40}$/);
    assert.equal(json!.gate.conclusion, 'failure');
  });

  it('passes when the same handler writes the event to an outbox inside $transaction', async () => {
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': outboxHandler });
    const { code, json, stderr } = await reviewJson(repo);
    assert.equal(code, 0, stderr);
    assert.equal(json!.findings.filter((f) => f.ruleId === 'dual-write').length, 0);
    assert.notEqual(json!.gate.conclusion, 'failure');
  });

  it('keeps the fingerprint when unrelated lines are inserted above, so the finding is pre-existing', async () => {
    const shifted = dualWriteHandler.replace(
      'export async function placeOrder',
      '// Orders are placed from the checkout service.\nconst MAX_ITEMS = 50;\nexport const limits = { MAX_ITEMS };\n\nexport async function placeOrder',
    );
    const before = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler });
    const introduced = (await reviewJson(before)).json!.findings.find((f) => f.ruleId === 'dual-write')!;
    const repo = await repoFrom({ 'src/orders/place-order.ts': dualWriteHandler }, { 'src/orders/place-order.ts': shifted });
    const { code, json } = await reviewJson(repo);
    const finding = json!.findings.find((f) => f.ruleId === 'dual-write')!;
    assert.equal(finding.line, introduced.line + 4, 'the finding moved down four lines');
    assert.equal(finding.fingerprint, introduced.fingerprint);
    assert.equal(finding.status, 'pre-existing');
    assert.equal(finding.gates, false, 'pre-existing findings do not gate with the default scope');
    assert.equal(code, 0);
  });

  it('reports a fixed dual-write as removed and passes', async () => {
    const repo = await repoFrom({ 'src/orders/place-order.ts': dualWriteHandler }, { 'src/orders/place-order.ts': outboxHandler });
    const { code, json } = await reviewJson(repo);
    assert.equal(code, 0);
    const removed = json!.findings.filter((f) => f.ruleId === 'dual-write');
    assert.deepEqual(removed.map((f) => f.status), ['removed']);
  });

  it('exits 2 naming the key and line of a typo in the config file', async () => {
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler });
    const config = join(scratch, 'typo.yml');
    writeFileSync(config, 'features:\n  orders: ["src/orders/**"]\ngate:\n  failon: [Critical]\n');
    const { code, stderr, stdout } = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--config', config]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr.split('\n').length, 1, 'one line on stderr');
    assert.match(stderr, /:4:\d+/, 'names line 4');
    assert.match(stderr, /failon/);
    assert.match(stderr, /did you mean "failOn"/);
  });

  it('names the commit whose config is invalid: the base\'s, though the pull request fixes it', async () => {
    const bad = 'gate:\n  failOn: [Critical, Blocker]\n';
    const good = 'gate:\n  failOn: [Critical]\n';
    const repo = await repoFrom({ 'README.md': README, '.github/arch-review.yml': bad }, { 'README.md': README, '.github/arch-review.yml': good, 'src/orders/place-order.ts': dualWriteHandler });
    const { code, stderr } = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head]);
    assert.equal(code, 2);
    assert.match(stderr, /^arch-review: \.github\/arch-review\.yml:2:\d+: gate\.failOn\[1\]: .*"Blocker" \(the file as committed at base [0-9a-f]{12}; the gate's config comes from there\)$/);
  });

  it('exits 2 when the committed config cannot be read or a named --config does not exist, rather than use the defaults', async () => {
    const big = `# ${'x'.repeat(70 * 1024)}\ngate:\n  failOn: [Critical, Important]\n`;
    const repo = await repoFrom({ 'README.md': README, '.github/arch-review.yml': big }, { 'README.md': README, '.github/arch-review.yml': big, 'src/orders/place-order.ts': dualWriteHandler });
    const tooBig = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head]);
    assert.equal(tooBig.code, 2);
    assert.equal(tooBig.stderr, `arch-review: .github/arch-review.yml at ${repo.base}: file is larger than 64 KiB; a configuration file has no need to be this big`);
    const missing = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--config', 'no/such.yml']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^arch-review: .*no\/such\.yml: no such file$/);
  });

  it('reads the gate config from the base, so a change cannot switch off its own gate', async () => {
    const relaxed = 'gate:\n  failOn: []\n';
    const repo = await repoFrom(
      { 'README.md': README },
      { 'README.md': README, '.github/arch-review.yml': relaxed, 'src/orders/place-order.ts': dualWriteHandler },
    );
    const { code } = await reviewJson(repo);
    assert.equal(code, 1);
  });

  it('honours --fail-on never and --fail-on important', async () => {
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler });
    assert.equal((await reviewJson(repo, ['--fail-on', 'never'])).code, 0);
    assert.equal((await reviewJson(repo, ['--fail-on', 'important'])).code, 1);
  });

  it('lists binary, oversized and unparseable files in coverage instead of failing', async () => {
    const repo = await repoFrom(
      { 'README.md': README },
      {
        'README.md': README,
        'src/broken.ts': 'export function (((\n',
        'src/bundle.min.js': `var a=${'1+'.repeat(30_000)}1;\n`,
        'src/blob.js': Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00]),
        'src/orders/place-order.ts': dualWriteHandler,
      },
    );
    const { code, json } = await reviewJson(repo);
    assert.equal(code, 1, 'the reviewable file still gates');
    const reasons = Object.fromEntries(json!.coverage.skipped.map((s) => [s.path, s.reason]));
    assert.equal(reasons['src/broken.ts'], 'unparseable');
    assert.equal(reasons['src/bundle.min.js'], 'too-large');
    assert.equal(reasons['src/blob.js'], 'binary');
    assert.deepEqual(json!.coverage.codeFiles, ['src/orders/place-order.ts']);
  });

  it('names an artifact unreadable only at the base side in coverage', async () => {
    const readme = '# Orders\n\n| Field | Value |\n| --- | --- |\n| Owner team | Checkout |\n';
    const repo = await repoFrom(
      { 'README.md': README, 'docs/features/orders/README.md': readme, 'docs/features/orders/design.md': `# Design\n\n${'x'.repeat(1_100_000)}\n` },
      { 'README.md': README, 'docs/features/orders/README.md': `${readme}\nMore.\n`, 'docs/features/orders/design.md': '# Design\n' },
    );
    const { json } = await reviewJson(repo);
    const skip = json!.coverage.skipped.find((s) => s.path === 'docs/features/orders/design.md');
    assert.deepEqual([skip?.side, skip?.reason], ['base', 'too-large']);
  });

  it('names Process Manager, Message History, Claim Check and Lease and Fencing Token among the patterns touched', async () => {
    const code = `import { Connection, Client } from '@temporalio/client';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { context, propagation } from '@opentelemetry/api';
import Redis from 'ioredis';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const redis = new Redis();
const db = new Pool();
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();

export async function startFulfilment(orderId: string) {
  const client = new Client({ connection: await Connection.connect() });
  await client.workflow.start('fulfil', { taskQueue: 'orders', workflowId: orderId, args: [orderId] });
}

export async function announce(orderId: string) {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  await producer.send({ topic: 'orders.placed.v1', messages: [{ key: orderId, value: orderId, headers }] });
}

export async function archive(orderId: string, body: Buffer) {
  await new S3Client({}).send(new PutObjectCommand({ Bucket: 'orders', Key: orderId, Body: body }));
  await producer.send({ topic: 'orders.archived.v1', messages: [{ key: orderId, value: JSON.stringify({ bucket: 'orders', key: orderId }) }] });
}

export async function reprice(sku: string) {
  if ((await redis.set('lock:' + sku, 'me', 'PX', 30000, 'NX')) !== 'OK') return;
  const token = await redis.incr('fence:' + sku);
  try {
    await db.query('UPDATE prices SET amount = amount * 1.1, fence = $2 WHERE sku = $1 AND fence < $2', [sku, token]);
  } finally {
    await redis.del('lock:' + sku);
  }
}
`;
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/workflows.ts': code });
    const { json, stderr } = await reviewJson(repo);
    assert.ok(json, stderr);
    // The scope line's patterns: recognised in code, then named by the design.
    assert.deepEqual(json.scope.patterns, ['Claim Check, Lease and Fencing Token, Message History, Process Manager (code)']);
  });

  it('walks the cache and clock failure modes from code signals (Heuristic)', async () => {
    const code = `import Redis from 'ioredis';
import { Pool } from 'pg';

const redis = new Redis();
const db = new Pool();

export async function price(sku: string) {
  const hit = await redis.get('price:' + sku);
  if (hit) return Number(hit);
  const { rows } = await db.query('SELECT amount FROM prices WHERE sku = $1', [sku]);
  await redis.set('price:' + sku, String(rows[0].amount));
  return rows[0].amount;
}

export function stillHeld(lease: { expiresAt: number }) {
  return Date.now() < lease.expiresAt;
}
`;
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/pricing/price.ts': code });
    const { json, stderr } = await reviewJson(repo);
    assert.ok(json, stderr);
    const modes = Object.fromEntries(json.failureModes.map((m) => [m.id, m]));
    assert.equal(modes['stale-cache']?.likelihood, 2);
    assert.match(modes['stale-cache']!.rootCause, /^a cache write that never expires .*\(src\/pricing\/price\.ts:11\)\.$/);
    assert.equal(modes['cache-stampede']?.likelihood, 2);
    assert.match(modes['cache-stampede']!.rootCause, /\(src\/pricing\/price\.ts:8\)\.$/);
    assert.equal(modes['clock-skew']?.likelihood, 2);
    assert.match(modes['clock-skew']!.rootCause, /^`Date\.now\(\)` compared with an expiry .*\(src\/pricing\/price\.ts:16\)\.$/);
  });

  it('finds a required test the pull request adds outside the service folder', async () => {
    const golden = (side: string) => {
      const files = readSnapshot(fileURLToPath(new URL(`../../fixtures/golden/inventory-reservations/${side}`, import.meta.url)));
      return Object.fromEntries(Object.entries(files).filter(([path]) => !path.startsWith('services/inventory/test/')));
    };
    const test = readFileSync(new URL('../../fixtures/golden/inventory-reservations/head/services/inventory/test/reserve-consumer.test.ts', import.meta.url), 'utf8')
      .replace("'../src/reserve-consumer.js'", "'../../services/inventory/src/reserve-consumer.js'");
    const repo = await repoFrom(golden('base'), { ...golden('head'), 'tests/integration/reserve-consumer.test.ts': test });
    const { stdout } = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head]);
    assert.match(stdout, /^- \*\*Required test:\*\* deliver one message twice, in parallel — found at `tests\/integration\/reserve-consumer\.test\.ts`$/m);
  });

  it('prints the /review Markdown and a coverage line by default', async () => {
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler });
    const { code, stdout } = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head]);
    assert.equal(code, 1);
    assert.match(stdout, /^\*\*Architecture review\*\* — 1 Critical/);
    const sections = stdout.split('\n').filter((l) => l.startsWith('## '));
    assert.deepEqual(sections, [
      '## Findings', '## Reliability checklist', '## Distributed-systems checklist', '## Anti-patterns', '## Failure-mode walk', '## Readiness verdict',
    ]);
    assert.match(stdout, /`src\/orders\/place-order\.ts:9` — \*\*dual-write\*\*/);
    assert.match(stdout, /\nCoverage: 1 code file/);
  });

  it('checks a tier the PR title or body claims (--pr-title, --pr-body) and names an unreadable body file', async () => {
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler });
    const args = ['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head];
    writeFileSync(join(scratch, 'pr-body.md'), '<!-- production-ready? -->\nThis makes orders enterprise-critical.\n');
    const claimed = await cli([...args, '--pr-title', 'Orders, production-ready', '--pr-body', 'pr-body.md']);
    assert.match(claimed.stdout, /^\*\*Architecture review\*\* — 1 Critical .* — Tier: Prototype \(claimed Enterprise-critical\)$/m);
    assert.match(claimed.stdout, /^Downgrade: PR title claims Production-ready; evidence supports Prototype\.$/m);
    assert.match(claimed.stdout, /^Downgrade: PR body claims Enterprise-critical; evidence supports Prototype\.$/m);
    const plain = await cli(args);
    assert.doesNotMatch(plain.stdout, /claimed|Downgrade: PR/);
    const missing = await cli([...args, '--pr-body', 'no-such-body.md']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^arch-review: --pr-body: cannot read no-such-body\.md: /);
  });

  it('--only narrows the review to paths; --full adds the features\' unchanged code without gating on it', async () => {
    const config = '.github/arch-review.yml';
    const settings = 'features:\n  orders: ["src/orders/**"]\ngate:\n  failOn: [Critical]\n  scope: all\n';
    const money = 'export const cents = (amount: number): number => Math.round(amount * 100);\n';
    const common = { 'README.md': README, [config]: settings, 'src/orders/legacy.ts': dualWriteHandler };
    const repo = await repoFrom(common, { ...common, 'src/orders/money.ts': money, 'src/billing/charge.ts': dualWriteHandler });

    const diff = await reviewJson(repo);
    assert.equal(diff.code, 1, 'the new billing handler dual-writes');
    assert.equal(diff.json!.coverage.reach, undefined);

    const only = await reviewJson(repo, ['--only', './src/orders/', '--only', 'src/none']);
    assert.equal(only.code, 0, only.stderr);
    assert.deepEqual(only.json!.coverage.codeFiles, ['src/orders/money.ts']);
    assert.equal(only.json!.coverage.reach, 'restricted to src/orders, src/none: 1 of 2 changed files; no changed file at or under src/none');

    // The legacy dual-write is pre-existing under a gate that counts every finding: reported, not gating.
    const full = await reviewJson(repo, ['--only', 'src/orders', '--full']);
    assert.equal(full.code, 0, full.stderr);
    const legacy = full.json!.findings.find((f) => f.ruleId === 'dual-write')!;
    assert.deepEqual([legacy.path, legacy.status, legacy.gates], ['src/orders/legacy.ts', 'pre-existing', false]);
    assert.deepEqual(full.json!.coverage.codeFiles, ['src/orders/legacy.ts', 'src/orders/money.ts']);
    assert.match(full.json!.coverage.reach!, /; full review: 1 unchanged code file of the touched features analysed$/);
    assert.deepEqual(full.json!.scope.features, only.json!.scope.features, 'the same touched features');
    assert.deepEqual(full.json!.gate, only.json!.gate, "the diff review's gate");
    const markdown = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--full']);
    assert.equal(markdown.code, 1, 'without --only the billing handler still gates');
    assert.match(markdown.stdout, /^Coverage: 3 code files, .* \(full review: 1 unchanged code file of the touched features analysed\)/m);

    const escape = await cli(['review', '--repo', repo.dir, '--only', '../elsewhere']);
    assert.equal(escape.code, 2);
    assert.match(escape.stderr, /--only: "\.\.\/elsewhere" leaves the repository/);
  });

  it('baseline: records the findings at head, which then report without gating; --prune drops fixed ones', async () => {
    const handler = { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler };
    const legacy = await repoFrom({ 'README.md': README }, handler);
    const wrote = await cli(['baseline', '--repo', legacy.dir, '--head', legacy.head]);
    assert.equal(wrote.code, 0, wrote.stderr);
    assert.match(wrote.stdout, /^arch-review: wrote \d+ findings to \.github\/arch-review-baseline\.json; commit it/);
    const file = readFileSync(join(legacy.dir, '.github/arch-review-baseline.json'), 'utf8');
    const entries = (JSON.parse(file) as { version: number; findings: { fingerprint: string; ruleId: string; path: string }[] }).findings;
    assert.ok(entries.some((e) => e.ruleId === 'dual-write' && e.path === 'src/orders/place-order.ts'));

    // Committed at head, the file baselines those findings for `review --all` (its config side).
    const adopted = await repoFrom({ 'README.md': README }, { ...handler, '.github/arch-review-baseline.json': file });
    const all = await cli(['review', '--repo', adopted.dir, '--head', adopted.head, '--all', '--format', 'json']);
    assert.equal(all.code, 0, all.stderr);
    const json = JSON.parse(all.stdout) as ReviewJson;
    const dualWrite = json.findings.find((f) => f.ruleId === 'dual-write')!;
    assert.deepEqual([dualWrite.baselined, dualWrite.gates, dualWrite.status], [true, false, 'introduced']);
    assert.match(json.gate.reason, /^no gating finding \(\d+ baselined\)$/);
    const markdown = await cli(['review', '--repo', adopted.dir, '--head', adopted.head, '--all']);
    assert.match(markdown.stdout, /— \*\*dual-write\*\* — .* \(baselined\)$/m);

    // A pull request cannot baseline its own finding: a review reads the file at the base.
    const sneaky = await repoFrom({ 'README.md': README }, { ...handler, '.github/arch-review-baseline.json': file });
    assert.equal((await reviewJson(sneaky)).code, 1);

    // Fixed at head: --prune keeps nothing of the dual-write, and never adds.
    const fixed = await repoFrom({ 'README.md': README }, { 'README.md': README });
    mkdirSync(join(fixed.dir, '.github'), { recursive: true });
    writeFileSync(join(fixed.dir, '.github/arch-review-baseline.json'), file);
    const pruned = await cli(['baseline', '--repo', fixed.dir, '--head', fixed.head, '--prune']);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, new RegExp(`^arch-review: kept 0 of ${entries.length} baselined findings`));
    assert.deepEqual((JSON.parse(readFileSync(join(fixed.dir, '.github/arch-review-baseline.json'), 'utf8')) as { findings: unknown[] }).findings, []);
  });

  it('from a subdirectory: --only is relative to it and baseline writes at the root; stderr says what was compared', async () => {
    const files = { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler, 'src/billing/charge.ts': dualWriteHandler };
    const repo = await repoFrom({ 'README.md': README }, files);
    await promisify(execFile)('git', ['checkout', '-q', repo.head], { cwd: repo.dir });
    const sub = join(repo.dir, 'src', 'orders');
    const inSub = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: sub });
      return { code, stdout: out.join('\n'), stderr: err.join('\n') };
    };
    const only = await inSub(['review', '--base', repo.base, '--only', '.', '--format', 'json']);
    assert.equal(only.code, 1, only.stderr);
    assert.deepEqual((JSON.parse(only.stdout) as ReviewJson).coverage.codeFiles, ['src/orders/place-order.ts']);
    assert.match(only.stderr, new RegExp(`^arch-review: reviewed HEAD \\(${repo.head.slice(0, 12)}\\) against its merge-base with ${repo.base.slice(0, 12)}, ${repo.base.slice(0, 12)}$`, 'm'));
    assert.equal((await inSub(['review', '--base', repo.base, '--only', '../../..'])).code, 2);

    const wrote = await inSub(['baseline']);
    assert.equal(wrote.code, 0, wrote.stderr);
    assert.ok(readFileSync(join(repo.dir, '.github/arch-review-baseline.json'), 'utf8').includes('dual-write'));

    // The baseline file is not committed: the tree is dirty, which the review says it does not read.
    const same = await inSub(['review', '--base', repo.head]);
    assert.equal(same.code, 0);
    assert.match(same.stderr, /note: HEAD is that merge-base itself, so there are no committed changes to review/);
    assert.match(same.stderr, /note: the working tree has uncommitted changes; they are not reviewed/);

    for (const flag of ['--config', '--base', '--repo', '--only']) {
      const empty = await inSub(['review', flag, '']);
      assert.equal(empty.code, 2);
      assert.match(empty.stderr, new RegExp(`${flag} was given an empty value`));
    }
  });

  it('a feature folder renamed in the pull request still has its schemas compared with the base', async () => {
    const loyalty = readSnapshot(fileURLToPath(new URL('../../fixtures/artifacts/loyalty-points', import.meta.url)));
    const schema = 'schemas/loyalty.points-awarded.v1.json';
    const moved = Object.fromEntries(Object.entries(loyalty).map(([path, text]) => [path.replace('docs/features/loyalty-points/', 'docs/features/loyalty-ledger/'), text]));
    const renamedOnly = await repoFrom(loyalty, moved);
    const quiet = await reviewJson(renamedOnly);
    assert.deepEqual(quiet.json!.findings.filter((f) => f.ruleId === 'schema-breaking-change'), [], quiet.stderr);
    const head = `docs/features/loyalty-ledger/${schema}`;
    const dropped = { ...moved, [head]: moved[head]!.replace('"required": ["member_id", "points", "awarded_at"]', '"required": ["member_id", "points"]').replace(/\n {4}"awarded_at": [^\n]*\n/, '\n') };
    assert.notEqual(dropped[head], moved[head]);
    const breaking = await reviewJson(await repoFrom(loyalty, dropped));
    const found = breaking.json!.findings.filter((f) => f.ruleId === 'schema-breaking-change');
    assert.equal(found.length, 1, JSON.stringify(breaking.json!.findings.map((f) => f.ruleId)));
    assert.equal(found[0]!.path, head);
    assert.match(found[0]!.message, /awarded_at/);
  });

  it('baseline: a broken file is named and applies nothing; flags that do not apply are usage errors', async () => {
    const broken = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler, '.github/arch-review-baseline.json': '{"version": 2, "findings": []}' });
    const all = await cli(['review', '--repo', broken.dir, '--head', broken.head, '--all', '--format', 'json']);
    assert.equal(all.code, 1);
    assert.match(all.stderr, /arch-review: baseline not applied: \.github\/arch-review-baseline\.json: version: /);
    const report = await cli(['review', '--repo', broken.dir, '--head', broken.head, '--all']);
    assert.match(report.stdout, /^Coverage: .*; notes: baseline not applied: \.github\/arch-review-baseline\.json: version: /m, 'a saved report keeps the note');
    const misuse = await cli(['baseline', '--repo', broken.dir, '--format', 'json']);
    assert.equal(misuse.code, 2);
    assert.match(misuse.stderr, /--format does not apply to "baseline"/);
    assert.equal((await cli(['review', '--prune'])).code, 2);
  });

  it('emits SARIF with partial fingerprints', async () => {
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler });
    const { code, stdout } = await cli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'sarif']);
    assert.equal(code, 1);
    const log = JSON.parse(stdout) as { version: string; runs: { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[] };
    assert.equal(log.version, '2.1.0');
    const result = log.runs[0]!.results.find((r) => r.ruleId === 'dual-write')!;
    assert.match(Object.values(result.partialFingerprints)[0]!, /^[0-9a-f]{40}$/);
  });

  it('exits 2 with a one-line reason on usage errors and unknown refs', async () => {
    const bad = await cli(['review', '--format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be markdown, json or sarif/);
    const unknown = await cli(['lint']);
    assert.equal(unknown.code, 2);
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README });
    const ref = await cli(['review', '--repo', repo.dir, '--base', 'no-such-ref', '--head', repo.head]);
    assert.equal(ref.code, 2);
    assert.equal(ref.stderr.split('\n').length, 1);
    assert.match(ref.stderr, /no-such-ref/);
    assert.equal((await cli(['review', '--bogus'])).stderr, 'arch-review: unknown option --bogus (see arch-review --help)');
    assert.equal((await cli(['review', '--base'])).stderr, 'arch-review: --base needs a value (see arch-review --help)');
    assert.match((await cli(['review', '--base', '--format', 'json'])).stderr, /^arch-review: --base needs a value, and the next argument is another option/);
  });

  it('runs through the installed bin script', async () => {
    const repo = await repoFrom({ 'README.md': README }, { 'README.md': README, 'src/orders/place-order.ts': dualWriteHandler });
    const bin = fileURLToPath(new URL('../../bin/arch-review.js', import.meta.url));
    const run = promisify(execFile);
    const outcome = await run(process.execPath, [bin, 'review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'json'])
      .then(() => ({ code: 0, stdout: '' }))
      .catch((error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }));
    assert.equal(outcome.code, 1);
    assert.equal((JSON.parse(outcome.stdout) as ReviewJson).findings[0]!.ruleId, 'dual-write');

    // A reader that closes early keeps the gate's exit code; output that cannot be written is exit 2, one line.
    const args = [bin, 'review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head];
    const closed = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += String(chunk)));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => done({ code, stderr }));
    });
    assert.equal(closed.code, 1, closed.stderr);
    assert.doesNotMatch(closed.stderr, /Error|EPIPE/);
    if (existsSync('/dev/full')) {
      const full = spawnSync(process.execPath, args, { stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'], encoding: 'utf8' });
      assert.equal(full.status, 2);
      assert.match(full.stderr.trim().split('\n').at(-1)!, /^arch-review: could not write the output: ENOSPC/);
      assert.doesNotMatch(full.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
