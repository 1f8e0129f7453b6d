// `npm run chaos`: the real App, in its own process, against the local GitHub simulator over
// loopback, with faults injected at configurable rates (test/simulator/faults.ts). Four scenarios:
//
//   redelivery  one delivery sent 10 times with the same id, then 10 more times with new ids
//   pushes      20 pushes to one pull request within 2 s
//   burst       200 pull requests across 20 installations, all delivered at once
//   crash       the App (src/app/main.ts, the production entry point) killed with SIGKILL mid-review
//               and restarted: recovery from its run journal, then from the next event alone
//               (journal lost), for the same head and for a new one
//
// Every scenario ends with an audit of the simulator's state: each pull request's latest head has
// exactly one completed check run, no run is left in progress, nothing is posted twice. The script
// prints one table row per scenario and exits 1 if any required outcome fails. Everything listens
// on 127.0.0.1; every loop is bounded in count and time.
//
//   npm run chaos -- [--scenario all|redelivery|pushes|burst|crash] [--seed N] [--prs 200]
//                    [--installations 20] [--rate-5xx 0.03] [--rate-limit 0.02] [--rate-422 0.2]
//                    [--rate-slow 0.05] [--rate-timeout 0.005] [--rate-drop 0.02] [--json FILE]
//
// Internal: `scripts/chaos.ts --child` is the App process of the first three scenarios.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP_ID = 4242;
const APP_SLUG = 'arch-review';
const SECRET = 'chaos-webhook-secret';
const CHECK_NAME = 'Architecture review';
const PLACE_ORDER = 'services/orders/src/place-order.ts';


// ---- the App process ------------------------------------------------------------------------------

/**
 * The App as main.ts builds it (Probot, createArchReviewApp with a run journal, createAppServer),
 * with three knobs for a compressed run: Probot's write spacing (one write a second, for the whole
 * process) can be switched off, the per-request timeout is shorter, and unfinished runs are retried
 * after seconds rather than minutes. It reports its retries and peak RSS on /healthz.
 */
async function runChild(): Promise<void> {
  const { createProbot } = await import('probot');
  const { createArchReviewApp } = await import('../src/app/app.js');
  const { RunJournal } = await import('../src/app/journal.js');
  const { archReviewOctokit } = await import('../src/app/octokit.js');
  const { createAppServer } = await import('../src/app/server.js');
  const env = process.env;
  const retries = { rateLimit: 0, transient: 0 };
  const probot = createProbot({
    env: {
      APP_ID: env.APP_ID,
      PRIVATE_KEY: env.PRIVATE_KEY,
      WEBHOOK_SECRET: env.WEBHOOK_SECRET,
      GHE_HOST: env.GHE_HOST,
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: env.LOG_LEVEL ?? 'info',
      LOG_FORMAT: 'json',
    },
    overrides: { Octokit: archReviewOctokit({ throttle: env.CHAOS_THROTTLE === 'on' }) },
  });
  const { app, queue, recover } = createArchReviewApp({
    appId: Number(env.APP_ID),
    concurrency: Number(env.REVIEW_CONCURRENCY) || 2,
    journal: new RunJournal(env.RUN_JOURNAL && env.RUN_JOURNAL !== 'off' ? env.RUN_JOURNAL : null),
    unfinishedRetryDelaysMs: [2_000, 4_000, 8_000],
    retry: {
      timeoutMs: Number(env.CHAOS_TIMEOUT_MS) || 2_000,
      onRetry: (info) => void (info.reason === 'rate-limit' ? retries.rateLimit++ : retries.transient++),
    },
  });
  await probot.load(app);
  const server = createAppServer({
    probot,
    secret: env.WEBHOOK_SECRET!,
    log: probot.log,
    health: () => ({ ...queue.stats(), retries, maxRssKb: process.resourceUsage().maxRSS }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await recover();
  process.send?.({ ready: (server.address() as AddressInfo).port });
}

// ---- the driver ---------------------------------------------------------------------------------

interface Args {
  scenario: string;
  seed: number;
  prs: number;
  installations: number;
  rates: Record<string, number>;
  json: string | null;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, fallback: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a number, got ${v}`);
    return n;
  };
  return {
    scenario: get('scenario') ?? 'all',
    seed: num('seed', 7),
    prs: Math.min(num('prs', 200), 1000),
    installations: Math.max(1, Math.min(num('installations', 20), 100)),
    rates: {
      serverError: num('rate-5xx', 0.03),
      rateLimit: num('rate-limit', 0.02),
      commentRejected: num('rate-422', 0.2),
      slow: num('rate-slow', 0.05),
      timeout: num('rate-timeout', 0.005),
      drop: num('rate-drop', 0.02),
    },
    json: get('json') ?? null,
  };
}

interface Row {
  scenario: string;
  deliveries: number;
  prs: number;
  completed: number;
  duplicates: number;
  stuck: number;
  retries: number;
  p50: number | null;
  p95: number | null;
  peakRssMb: number;
  seconds: number;
  notes: string[];
  failures: string[];
  faults: Record<string, number>;
  conclusions: Record<string, number>;
}

/**
 * "Memory bounded": the App's peak RSS in any scenario, two reviews at a time (the default
 * concurrency). Runs here peak at 290-490 MB; the bound leaves room for a busy host's late
 * collections and is what docs/app.md asks a container to allow.
 */
const MAX_PEAK_RSS_MB = 640;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const scenarios: Record<string, (w: World) => Promise<Row>> = {
    redelivery: (w) => redelivery(w, args),
    pushes: (w) => pushes(w, args),
    burst: (w) => burst(w, args),
    crash: (w) => crash(w),
  };
  const names = args.scenario === 'all' ? Object.keys(scenarios) : args.scenario.split(',');
  for (const n of names) if (!scenarios[n]) throw new Error(`unknown scenario ${n} (${Object.keys(scenarios).join(', ')})`);

  console.log(`arch-review chaos: seed ${args.seed}, fault rates ${JSON.stringify(args.rates)}`);
  const rows: Row[] = [];
  for (const name of names) {
    const started = Date.now();
    const world = await createWorld(name === 'crash' ? null : { rates: args.rates, seed: args.seed });
    try {
      console.log(`\n== ${name}`);
      const row = await scenarios[name]!(world);
      row.seconds = Math.round((Date.now() - started) / 100) / 10;
      if (row.peakRssMb > MAX_PEAK_RSS_MB) row.failures.push(`peak RSS ${row.peakRssMb} MB is over the ${MAX_PEAK_RSS_MB} MB bound`);
      rows.push(row);
      for (const note of row.notes) console.log(`   ${note}`);
      for (const failure of row.failures) console.log(`   FAIL ${failure}`);
    } finally {
      await world.close();
    }
  }
  printTable(rows);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ args, rows }, null, 2)}\n`);
  const failed = rows.filter((r) => r.failures.length > 0);
  console.log(failed.length === 0 ? '\nall required outcomes hold' : `\n${failed.length} scenario(s) failed a required outcome`);
  return failed.length === 0 ? 0 : 1;
}

// ---- the simulated world ------------------------------------------------------------------------------

type Simulator = import('../test/simulator/github-simulator.js').GitHubSimulator;
type Fixture = import('../test/simulator/fixture-repo.js').FixtureRepo;
type Injector = import('../test/simulator/faults.js').FaultInjector;
type Hook = import('../test/simulator/github-simulator.js').FaultHook;

interface World {
  sim: Simulator;
  repo: Fixture;
  host: string;
  privateKey: string;
  faults: Injector | null;
  /** Runs before the random faults (e.g. the crash trigger). */
  setTrigger(hook: Hook | null): void;
  dir: string;
  base: string;
  heads: string[];
  /** A head commit with a distinct marker line (for pushes). */
  newHead(tag: string): Promise<string>;
  close(): Promise<void>;
}

async function createWorld(faultOptions: { rates: Record<string, number>; seed: number } | null): Promise<World> {
  const { GitHubSimulator } = await import('../test/simulator/github-simulator.js');
  const { FixtureRepo, readSnapshot } = await import('../test/simulator/fixture-repo.js');
  const { FaultInjector } = await import('../test/simulator/faults.js');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const sim = new GitHubSimulator({ appId: APP_ID, appSlug: APP_SLUG, publicKeyPem: publicKey });
  const host = await sim.listen();
  const repo = await FixtureRepo.create();
  const faults = faultOptions ? new FaultInjector({ rates: faultOptions.rates, seed: faultOptions.seed, retryAfterSeconds: 1, stallMs: 3_000 }) : null;
  let trigger: Hook | null = null;
  sim.faultHook = async (request) => (trigger ? await trigger(request) : null) ?? (faults ? faults.hook(request) : null);

  const baseFiles = readSnapshot(join(ROOT, 'fixtures/demo/base'));
  const placeOrder = readFileSync(join(ROOT, 'fixtures/demo/head', PLACE_ORDER), 'utf8');
  const base = await repo.commit(baseFiles);
  const newHead = (tag: string) => repo.commit({ ...baseFiles, [PLACE_ORDER]: `${placeOrder}\n// ${tag}\n` }, base);
  const heads: string[] = [];
  for (let i = 0; i < 10; i++) heads.push(await newHead(`variant ${i}`));
  const dir = mkdtempSync(join(tmpdir(), 'arch-review-chaos-'));
  return {
    sim,
    repo,
    host,
    privateKey,
    faults,
    setTrigger: (hook) => void (trigger = hook),
    dir,
    base,
    heads,
    newHead,
    async close() {
      await sim.close();
      repo.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- the App under test ------------------------------------------------------------------------

interface AppProcess {
  child: ChildProcess;
  url: string;
  logPath: string;
  exited: Promise<number | null>;
  health(): Promise<{ pending: number; running: number; retries?: { rateLimit: number; transient: number }; maxRssKb?: number } | null>;
  /** Peak resident set so far (VmHWM), in MiB. */
  peakRssMb(): number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `chaos` child (the App with chaos knobs) or `main` (src/app/main.ts exactly as `npm start` runs it). */
async function startApp(world: World, kind: 'chaos' | 'main', options: { journal: string | null; throttle?: boolean; tag: string }): Promise<AppProcess> {
  const logPath = join(world.dir, `app-${options.tag}.log`);
  const out = openSync(logPath, 'a');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    APP_ID: String(APP_ID),
    PRIVATE_KEY: world.privateKey,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: world.host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    REVIEW_CONCURRENCY: '2',
    RUN_JOURNAL: options.journal ?? 'off',
    CHAOS_THROTTLE: options.throttle ? 'on' : 'off',
  };
  let port: number | null = null;
  if (kind === 'main') {
    port = await freePort();
    Object.assign(env, { PORT: String(port), HOST: '127.0.0.1' });
  }
  const script = kind === 'main' ? join(ROOT, 'src/app/main.ts') : fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(kind === 'chaos' ? ['--child'] : [])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', out, out, 'ipc'],
  });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let peak = 0;
  const readPeak = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // exited
    }
    return peak;
  };
  const sampler = setInterval(readPeak, 200);
  void exited.then(() => clearInterval(sampler));

  if (kind === 'chaos') {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the App did not start in 60 s; see ${logPath}`)), 60_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve((m as { ready: number }).ready);
      });
      void exited.then((code) => reject(new Error(`the App exited with ${code} while starting; see ${logPath}`)));
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const health: AppProcess['health'] = async () => {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      return (await res.json()) as Awaited<ReturnType<AppProcess['health']>>;
    } catch {
      return null;
    }
  };
  if (kind === 'main') {
    const deadline = Date.now() + 60_000;
    while (!(await health())) {
      if (Date.now() > deadline) throw new Error(`main.ts did not answer /healthz in 60 s; see ${logPath}`);
      await sleep(100);
    }
  }
  return {
    child,
    url,
    logPath,
    exited,
    health,
    peakRssMb: readPeak,
    async kill(signal = 'SIGTERM') {
      readPeak();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await Promise.race([exited, sleep(70_000, true)]);
    },
  };
}

// ---- deliveries ---------------------------------------------------------------------------------

interface Coordinates {
  owner: string;
  name: string;
  installationId: number;
}

let deliveryCounter = 0;
const newDeliveryId = () => `chaos-${process.pid}-${++deliveryCounter}-${Date.now().toString(36)}`;

async function deliver(app: AppProcess, name: string, payload: object, id = newDeliveryId()): Promise<{ status: number; ms: number; id: string }> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const started = performance.now();
  try {
    const res = await fetch(`${app.url}/api/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': id, 'x-hub-signature-256': signature },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.text();
    return { status: res.status, ms: performance.now() - started, id };
  } catch {
    return { status: 0, ms: performance.now() - started, id };
  }
}

async function pullRequestPayload(action: 'opened' | 'synchronize', coords: Coordinates, pr: { number: number; head: string; base: string; before?: string }): Promise<object> {
  const { pullRequestEvent } = await import('../test/simulator/payloads.js');
  const payload = pullRequestEvent(action, coords, pr);
  if (pr.before) payload.before = pr.before;
  payload.after = pr.head;
  return payload;
}

// ---- observation and audit ----------------------------------------------------------------------

interface PrRef {
  owner: string;
  name: string;
  number: number;
  /** When the delivery of the latest head was sent. */
  sentAt: number;
}

/** Records when each check run is first seen completed (polling the simulator's state). */
function watchCompletions(sim: Simulator): { completedAt: Map<number, number>; stop(): void } {
  const completedAt = new Map<number, number>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const run of sim.checkRuns) if (run.status === 'completed' && !completedAt.has(run.id)) completedAt.set(run.id, now);
  }, 20);
  return { completedAt, stop: () => clearInterval(timer) };
}

function latestRuns(sim: Simulator, pr: PrRef) {
  const head = sim.pull(pr.owner, pr.name, pr.number).head;
  return sim.checkRuns.filter((r) => r.repo === `${pr.owner}/${pr.name}` && r.head_sha === head && r.name === CHECK_NAME);
}

async function waitForOutcome(sim: Simulator, apps: () => AppProcess | null, prs: PrRef[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = 0;
  while (Date.now() < deadline) {
    const done = prs.every((pr) => latestRuns(sim, pr).some((r) => r.status === 'completed'));
    const app = apps();
    const h = app ? await app.health() : null;
    const idle = h !== null && h.pending === 0 && h.running === 0 && !sim.checkRuns.some((r) => r.status !== 'completed');
    if (done && idle) {
      // Stay idle a moment: a late retry or a delayed delivery must not post after the audit.
      quietSince ||= Date.now();
      if (Date.now() - quietSince > 1_500) return true;
    } else {
      quietSince = 0;
    }
    await sleep(100);
  }
  return false;
}

function audit(sim: Simulator, prs: PrRef[], completedAt: Map<number, number>, row: Row): void {
  const times: number[] = [];
  let completed = 0;
  for (const pr of prs) {
    const runs = latestRuns(sim, pr);
    const done = runs.filter((r) => r.status === 'completed');
    if (runs.length === 1 && done.length === 1) completed++;
    else row.failures.push(`${pr.owner}/${pr.name}#${pr.number}: latest head has ${runs.length} check run(s), ${done.length} completed (want exactly 1)`);
    const at = done[0] ? completedAt.get(done[0].id) : undefined;
    if (at !== undefined) times.push(at - pr.sentAt);
  }
  row.completed = completed;

  // Duplicates: a second run for one (repository, commit), a second review for one commit, a second
  // summary comment, two threads on one fingerprint, two identical bot comments.
  let duplicates = 0;
  const runsPerSha = new Map<string, number>();
  for (const run of sim.checkRuns) {
    if (run.name !== CHECK_NAME) continue;
    const key = `${run.repo}@${run.head_sha}`;
    runsPerSha.set(key, (runsPerSha.get(key) ?? 0) + 1);
  }
  for (const [key, n] of runsPerSha) {
    if (n > 1) {
      duplicates += n - 1;
      row.failures.push(`${key}: ${n} check runs`);
    }
  }
  const seenPrs = new Set<string>();
  for (const pr of prs) {
    const id = `${pr.owner}/${pr.name}#${pr.number}`;
    if (seenPrs.has(id)) continue;
    seenPrs.add(id);
    const pull = sim.pull(pr.owner, pr.name, pr.number);
    const dup = (label: string, keys: string[]) => {
      const counts = new Map<string, number>();
      for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
      for (const [k, n] of counts) {
        if (n > 1) {
          duplicates += n - 1;
          row.failures.push(`${id}: ${n} ${label} (${k.slice(0, 60)})`);
        }
      }
    };
    dup('reviews on one commit', pull.reviews.map((r) => r.commit_id));
    dup('threads on one finding', pull.threads.map((t) => /arch-review:fp=([0-9a-f]+)/.exec(t.comments[0]?.body ?? '')?.[1] ?? `thread ${t.id}`));
    const bot = pull.comments.filter((c) => c.login.endsWith('[bot]'));
    dup('summary comments', bot.filter((c) => c.body.includes('<!-- arch-review:summary -->')).map(() => 'summary'));
    dup('identical bot comments', bot.filter((c) => !c.body.includes('<!-- arch-review:summary -->')).map((c) => c.body));
  }
  row.duplicates = duplicates;

  const stuck = sim.checkRuns.filter((r) => r.status !== 'completed');
  row.stuck = stuck.length;
  for (const run of stuck) row.failures.push(`${run.repo}@${run.head_sha.slice(0, 7)}: check run ${run.id} left ${run.status}`);
  if (sim.rejections.length > 0) {
    row.failures.push(`${sim.rejections.length} request(s) GitHub would reject (schema or limit): ${sim.rejections.slice(0, 3).map((r) => `${r.operation} ${r.status} ${r.message.slice(0, 80)}`).join('; ')}`);
  }
  for (const run of sim.checkRuns) {
    const c = run.conclusion ?? run.status;
    const label = run.output.title?.startsWith('Architecture review could not complete') ? `${c} (could not complete)` : run.output.title?.startsWith('Superseded') ? `${c} (superseded)` : c;
    row.conclusions[label] = (row.conclusions[label] ?? 0) + 1;
  }
  times.sort((a, b) => a - b);
  row.p50 = percentile(times, 0.5);
  row.p95 = percentile(times, 0.95);
}

function faultFigures(world: World, row: Row, health: Awaited<ReturnType<AppProcess['health']>>): void {
  const f = world.faults;
  if (f) {
    row.faults = { ...f.stats.injected };
    row.retries = f.stats.retries;
    row.notes.push(
      `faults injected: ${Object.entries(f.stats.injected).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'} over ${f.stats.requests} requests`,
      `retries seen by the simulator: ${f.stats.retries} (most attempts of one request: ${f.stats.maxAttempts}); rate-limit retries sooner than retry-after: ${f.stats.retryAfterViolations}` +
        (f.stats.minRateLimitRetryGapMs !== null ? ` (shortest wait ${f.stats.minRateLimitRetryGapMs} ms for retry-after 1 s)` : ''),
    );
    if (f.stats.retryAfterViolations > 0) row.failures.push(`${f.stats.retryAfterViolations} retries came sooner than retry-after`);
    if (f.stats.maxAttempts > 5) row.failures.push(`one request was attempted ${f.stats.maxAttempts} times (retries must be bounded)`);
  }
  if (health?.retries) row.notes.push(`retries counted by the App: ${health.retries.rateLimit} after rate limits, ${health.retries.transient} after transient failures`);
  row.notes.push(`conclusions: ${Object.entries(row.conclusions).map(([k, n]) => `${k} ${n}`).join(', ')}`);
}

function newRow(scenario: string): Row {
  return { scenario, deliveries: 0, prs: 0, completed: 0, duplicates: 0, stuck: 0, retries: 0, p50: null, p95: null, peakRssMb: 0, seconds: 0, notes: [], failures: [], faults: {}, conclusions: {} };
}

// ---- scenarios ----------------------------------------------------------------------------------

/** One delivery, redelivered 10 times with the same id while and after it is reviewed; then the same event under 10 new ids. */
async function redelivery(world: World, _args: Args): Promise<Row> {
  const row = newRow('redelivery ×10');
  const coords = { owner: 'acme', name: 'shop', installationId: 77 };
  world.sim.addRepo(coords.owner, coords.name, world.repo, world.base);
  world.sim.openPull(coords.owner, coords.name, 1, world.base, world.heads[0]!);
  const app = await startApp(world, 'chaos', { journal: join(world.dir, 'journal.json'), tag: 'redelivery' });
  const watch = watchCompletions(world.sim);
  try {
    const payload = await pullRequestPayload('opened', coords, { number: 1, head: world.heads[0]!, base: world.base });
    const id = newDeliveryId();
    const pr: PrRef = { ...coords, number: 1, sentAt: Date.now() };
    const acks: number[] = [];
    for (let i = 0; i < 10; i++) {
      acks.push((await deliver(app, 'pull_request', payload, id)).status);
      await sleep(i < 5 ? 50 : 400);
    }
    for (let i = 0; i < 10; i++) {
      acks.push((await deliver(app, 'pull_request', payload)).status);
      await sleep(150);
    }
    row.deliveries = acks.length;
    row.prs = 1;
    if (acks.some((s) => s !== 202)) row.failures.push(`acks: ${acks.join(',')}`);
    if (!(await waitForOutcome(world.sim, () => app, [pr], 60_000))) row.failures.push('did not settle within 60 s');
    audit(world.sim, [pr], watch.completedAt, row);
    const health = await app.health();
    row.peakRssMb = app.peakRssMb();
    faultFigures(world, row, health);
    row.notes.push(`acks: 20 × 202 (10 with one delivery id, 10 with new ids for the same head)`);
  } finally {
    watch.stop();
    await app.kill();
  }
  return row;
}

/** 20 pushes to one pull request within 2 s: the latest head wins, every older run ends. */
async function pushes(world: World, _args: Args): Promise<Row> {
  const row = newRow('20 pushes in 2 s');
  const coords = { owner: 'acme', name: 'shop', installationId: 77 };
  world.sim.addRepo(coords.owner, coords.name, world.repo, world.base);
  const heads: string[] = [];
  for (let i = 0; i < 20; i++) heads.push(await world.newHead(`push ${i}`));
  const pull = world.sim.openPull(coords.owner, coords.name, 2, world.base, heads[0]!);
  const app = await startApp(world, 'chaos', { journal: join(world.dir, 'journal.json'), tag: 'pushes' });
  const watch = watchCompletions(world.sim);
  const pr: PrRef = { ...coords, number: 2, sentAt: 0 };
  try {
    const started = Date.now();
    let before: string | undefined;
    const acks: number[] = [];
    for (let i = 0; i < 20; i++) {
      pull.head = heads[i]!;
      pr.sentAt = Date.now();
      const action = i === 0 ? 'opened' : 'synchronize';
      acks.push((await deliver(app, 'pull_request', await pullRequestPayload(action, coords, { number: 2, head: heads[i]!, base: world.base, ...(before ? { before } : {}) }))).status);
      before = heads[i];
      const next = started + ((i + 1) * 2_000) / 20;
      await sleep(Math.max(0, next - Date.now()));
    }
    row.deliveries = acks.length;
    row.prs = 1;
    row.notes.push(`20 pushes delivered in ${Date.now() - started} ms; acks ${[...new Set(acks)].join(',')}`);
    if (acks.some((s) => s !== 202)) row.failures.push(`acks: ${acks.join(',')}`);
    if (!(await waitForOutcome(world.sim, () => app, [pr], 90_000))) row.failures.push('did not settle within 90 s');
    audit(world.sim, [pr], watch.completedAt, row);
    const latest = latestRuns(world.sim, pr)[0];
    if (latest && latest.output.title?.startsWith('Superseded')) row.failures.push('the latest head was concluded as superseded');
    const reviewed = world.sim.checkRuns.filter((r) => !r.output.title?.startsWith('Superseded')).length;
    row.notes.push(`check runs: ${world.sim.checkRuns.length} for 20 commits (${reviewed} reviewed to the end, the rest superseded; commits never started have none)`);
    const health = await app.health();
    row.peakRssMb = app.peakRssMb();
    faultFigures(world, row, health);
  } finally {
    watch.stop();
    await app.kill();
  }
  return row;
}

/** Many pull requests across many installations, all delivered at once. */
async function burst(world: World, args: Args): Promise<Row> {
  const row = newRow(`${args.prs} PRs / ${args.installations} installations`);
  const prs: PrRef[] = [];
  const payloads: { payload: object; pr: PrRef }[] = [];
  for (let i = 0; i < args.prs; i++) {
    const inst = i % args.installations;
    const coords = { owner: `org${inst}`, name: 'service', installationId: 1000 + inst };
    if (i < args.installations) world.sim.addRepo(coords.owner, coords.name, world.repo, world.base);
    const number = 100 + Math.floor(i / args.installations);
    // Distinct heads within a repository (runs are per repository and commit).
    const head = world.heads[Math.floor(i / args.installations) % world.heads.length]!;
    world.sim.openPull(coords.owner, coords.name, number, world.base, head);
    const pr: PrRef = { ...coords, number, sentAt: 0 };
    prs.push(pr);
    payloads.push({ payload: await pullRequestPayload('opened', coords, { number, head, base: world.base }), pr });
  }
  const app = await startApp(world, 'chaos', { journal: join(world.dir, 'journal.json'), tag: 'burst' });
  const watch = watchCompletions(world.sim);
  try {
    const started = Date.now();
    const acks = await Promise.all(
      payloads.map(async ({ payload, pr }) => {
        pr.sentAt = Date.now();
        return deliver(app, 'pull_request', payload);
      }),
    );
    row.deliveries = acks.length;
    row.prs = prs.length;
    const ackMs = acks.map((a) => a.ms).sort((a, b) => a - b);
    row.notes.push(`${acks.length} deliveries sent in ${Date.now() - started} ms; ack p50 ${fmt(percentile(ackMs, 0.5))} ms, p99 ${fmt(percentile(ackMs, 0.99))} ms`);
    const bad = acks.filter((a) => a.status !== 202);
    if (bad.length) row.failures.push(`${bad.length} deliveries not acknowledged 202 (${[...new Set(bad.map((b) => b.status))].join(',')})`);
    if (!(await waitForOutcome(world.sim, () => app, prs, 170_000))) row.failures.push('did not settle within 170 s');
    audit(world.sim, prs, watch.completedAt, row);
    const health = await app.health();
    row.peakRssMb = app.peakRssMb();
    faultFigures(world, row, health);
  } finally {
    watch.stop();
    await app.kill();
  }
  return row;
}

/**
 * SIGKILL mid-review, three ways. (a) The run journal: restart, and the App finishes what it had
 * accepted. (b) Journal lost, the same head delivered again: the run left in progress is adopted and
 * completed. (c) Journal lost, a new head pushed: the new head is reviewed and the run left on the old
 * one is concluded as superseded. The App is src/app/main.ts, exactly as `npm start` runs it
 * (Probot's write spacing on, no faults injected).
 */
async function crash(world: World): Promise<Row> {
  const row = newRow('kill -9 mid-review + restart');
  const coords = { owner: 'acme', name: 'shop', installationId: 77 };
  world.sim.addRepo(coords.owner, coords.name, world.repo, world.base);
  const journal = join(world.dir, 'runs.json');
  const watch = watchCompletions(world.sim);
  const prs: PrRef[] = [];
  let app: AppProcess | null = null;
  let deliveries = 0;
  let peak = 0;
  let restarts = 0;

  /** Kills the App when the next blob read of a review arrives (after its check run is in progress). */
  const killOnNextBlobRead = () =>
    new Promise<void>((resolve) => {
      let armed = true;
      world.setTrigger((request) => {
        if (!armed || request.operation !== 'graphql:ReadBlobs') return null;
        armed = false;
        const victim = app!;
        void victim.kill('SIGKILL').then(() => {
          peak = Math.max(peak, victim.peakRssMb());
          resolve();
        });
        // Hold the request until the process is gone.
        return { kind: 'delay', ms: 5_000 };
      });
    });
  const restart = async (tag: string) => {
    app = await startApp(world, 'main', { journal, tag });
    restarts++;
  };
  const open = async (number: number, head: string, before?: string) => {
    const existing = (() => {
      try {
        return world.sim.pull(coords.owner, coords.name, number);
      } catch {
        return null;
      }
    })();
    if (existing) existing.head = head;
    else world.sim.openPull(coords.owner, coords.name, number, world.base, head);
    const pr: PrRef = { ...coords, number, sentAt: Date.now() };
    const idx = prs.findIndex((p) => p.number === number);
    if (idx >= 0) prs[idx] = pr;
    else prs.push(pr);
    const action = existing ? 'synchronize' : 'opened';
    const res = await deliver(app!, 'pull_request', await pullRequestPayload(action, coords, { number, head, base: world.base, ...(before ? { before } : {}) }));
    deliveries++;
    if (res.status !== 202) row.failures.push(`delivery for #${number} answered ${res.status}`);
  };
  const inProgress = () => world.sim.checkRuns.filter((r) => r.status !== 'completed').length;

  try {
    // (a) journal recovery
    await restart('a1');
    let killed = killOnNextBlobRead();
    await open(11, world.heads[1]!);
    await open(12, world.heads[2]!);
    await Promise.race([killed, sleep(60_000, true)]);
    const stuckA = inProgress();
    const journaled = existsSync(journal) ? (JSON.parse(readFileSync(journal, 'utf8')) as { entries: unknown[] }).entries.length : 0;
    row.notes.push(`(a) killed mid-review: ${stuckA} run(s) in progress, ${journaled} run(s) in the journal; restarting`);
    if (stuckA === 0) row.failures.push('(a) the kill did not land mid-review');
    world.setTrigger(null);
    await restart('a2');
    if (!(await waitForOutcome(world.sim, () => app, prs.filter((p) => p.number === 11 || p.number === 12), 90_000))) row.failures.push('(a) did not settle after restart');
    row.notes.push(`(a) after restart: ${inProgress()} in progress; recovered from the journal`);

    // (b) journal lost, same head delivered again
    killed = killOnNextBlobRead();
    await open(13, world.heads[3]!);
    await Promise.race([killed, sleep(60_000, true)]);
    const stuckB = inProgress();
    rmSync(journal, { force: true });
    world.setTrigger(null);
    await restart('b');
    await sleep(3_000);
    const stillB = inProgress();
    row.notes.push(`(b) killed mid-review with ${stuckB} run in progress, journal deleted; after restart alone: ${stillB} in progress; redelivering the same head`);
    if (stuckB === 0) row.failures.push('(b) the kill did not land mid-review');
    await open(13, world.heads[3]!);
    if (!(await waitForOutcome(world.sim, () => app, prs, 90_000))) row.failures.push('(b) did not settle after the next event');

    // (c) journal lost, a new head pushed
    killed = killOnNextBlobRead();
    await open(14, world.heads[4]!);
    await Promise.race([killed, sleep(60_000, true)]);
    const stuckC = inProgress();
    rmSync(journal, { force: true });
    world.setTrigger(null);
    await restart('c');
    const newHead = await world.newHead('after the crash');
    await open(14, newHead, world.heads[4]!);
    if (!(await waitForOutcome(world.sim, () => app, prs, 90_000))) row.failures.push('(c) did not settle after the next push');
    const old = world.sim.checkRuns.find((r) => r.head_sha === world.heads[4]! && r.repo === 'acme/shop');
    row.notes.push(`(c) killed with ${stuckC} run in progress, journal deleted, new head pushed: the old run ended ${old?.status}/${old?.conclusion} ("${old?.output.title ?? ''}")`);
    if (stuckC === 0) row.failures.push('(c) the kill did not land mid-review');

    row.deliveries = deliveries;
    row.prs = prs.length;
    audit(world.sim, prs, watch.completedAt, row);
    // Time to completed check is not meaningful across deliberate kills; report the restarts instead.
    row.p50 = null;
    row.p95 = null;
    peak = Math.max(peak, app ? (app as AppProcess).peakRssMb() : 0);
    row.peakRssMb = peak;
    row.notes.push(`${restarts} App starts (3 SIGKILLs); conclusions: ${Object.entries(row.conclusions).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  } finally {
    watch.stop();
    world.setTrigger(null);
    if (app) await (app as AppProcess).kill();
  }
  return row;
}

// ---- output -------------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function fmt(n: number | null): string {
  return n === null ? '–' : n >= 100 ? String(Math.round(n)) : n.toFixed(1);
}

function printTable(rows: Row[]): void {
  const header = ['scenario', 'deliveries', 'PRs', 'latest head completed', 'duplicates', 'stuck runs', 'retries', 'p50 to completed', 'p95 to completed', 'peak RSS', 'wall'];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.deliveries),
    String(r.prs),
    `${r.completed}/${r.prs}`,
    String(r.duplicates),
    String(r.stuck),
    String(r.retries),
    r.p50 === null ? '–' : `${(r.p50 / 1000).toFixed(1)} s`,
    r.p95 === null ? '–' : `${(r.p95 / 1000).toFixed(1)} s`,
    `${Math.round(r.peakRssMb)} MB`,
    `${r.seconds} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${line(header)}`);
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(line(l));
}

/** `detached`: the timer does not keep the process alive (a bound in a race). */
function sleep(ms: number, detached = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (detached) timer.unref();
  });
}

// Last, so every module-level binding above is initialised.
if (process.argv.includes('--child')) {
  await runChild();
} else {
  process.exitCode = await main();
}
