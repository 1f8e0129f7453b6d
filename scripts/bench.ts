// `npm run bench`: a benchmark, not a test. For generated realistic pull requests of 50, 300 and
// 1,000 changed TypeScript files (bench/generate.ts) it measures, in one run:
//
//   engine   runReview with every registered rule over an in-memory source: wall time, peak RSS
//   floor    typescript-estree parse alone of exactly the files the engine parsed, with locations,
//            ranges and comments: the tree a linter's parser produces (ESLint's asks for the same,
//            and tokens besides)
//   bare     the same parse without comments, which the engine asks for only in files that hold
//            a suppression directive (src/code/parse.ts): the floor with the engine's own options
//            on these files, and the stricter comparison
//   eslint   ESLint 9 (Linter) with @typescript-eslint/parser and one rule visiting every node
//            plus the node types the engine's model listens to, over the same files
//   requests GitHub requests per review, from the simulator (the App's real GitHub source)
//   acks     webhook acknowledgement latency of the App (src/app/main.ts, its own process) under a
//            burst of 200 deliveries sent at once
//
// Each measurement of the first four runs in its own process (so peak RSS is its own): one cold
// run, untimed warm-up runs until the process has seen WARM_UP_FILES changed files (the JIT needs
// about that much to settle: at 50 files the engine's first warm runs are up to 1.8x its settled
// pace, the parser's up to 1.4x), then --repeat timed runs (default 3) whose median is the warm
// figure, because a shared machine's noise moves single runs by 20% or more. Ratios are given for
// the warm medians (a long-running App) and for the cold runs (a one-off CLI review). Everything
// stays on 127.0.0.1.
//
//   npm run bench -- [--sizes 50,300,1000] [--repeat 3] [--rss-runs 3] [--burst 200] [--profile] [--json FILE]
//
// Peak RSS of one review is taken in --rss-runs fresh engine processes (the timed one and more that
// run one review each): it moves by 100 MB or more between processes on a shared host.
//
// --profile adds a CPU profile of the engine's warm run (self time by area and function); the
// profiler slows that run, so take the figures from a run without it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePullRequest, type BenchPr } from '../bench/generate.js';
import { ackLatency } from './bench-acks.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface ChildResult {
  kind: string;
  size: number;
  files: number;
  lines: number;
  coldMs: number;
  /** Median of the timed warm runs (after the warm-up). */
  warmMs: number;
  warmRunsMs: number[];
  /** Peak RSS of the process after its first (cold) run: one review in a fresh process. */
  firstRunPeakRssMb: number;
  /** Peak RSS after the cold run and every warm run. */
  peakRssMb: number;
  baselineRssMb: number;
  findings?: number;
  skipped?: number;
  profile?: string[];
}

// ---- children -----------------------------------------------------------------------------------

/** The code files the engine parsed in a run (side and path), so the floor and ESLint parse the same. */
interface ParsedSet {
  files: { side: 'base' | 'head'; path: string }[];
}

function memorySource(pr: BenchPr, record?: Set<string>) {
  const lines = (t: string | undefined) => (t === undefined ? 0 : t.split('\n').length - (t.endsWith('\n') ? 1 : 0));
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  return {
    baseRef: 'base',
    headRef: 'head',
    async changedFiles() {
      return pr.changed.map((path) => {
        const added = pr.added.has(path);
        const oldLines = added ? 0 : lines(pr.base[path]);
        const newLines = lines(pr.head[path]);
        return {
          path,
          status: added ? ('added' as const) : ('modified' as const),
          hunks: [{ oldStart: added ? 0 : 1, oldLines, newStart: 1, newLines, added: range(newLines), deleted: range(oldLines) }],
          hasPatch: true,
        };
      });
    },
    async readFile(side: 'base' | 'head', path: string, maxBytes: number) {
      const text = (side === 'head' ? pr.head : pr.base)[path];
      if (text === undefined) return { ok: false as const, reason: 'missing' as const };
      const bytes = Buffer.byteLength(text);
      if (bytes > maxBytes) return { ok: false as const, reason: 'too-large' as const, bytes };
      if (record && /\.(ts|tsx|js|mjs|cjs|jsx)$/.test(path)) record.add(`${side}\u0000${path}`);
      return { ok: true as const, text, bytes };
    },
    async listPaths(side: 'base' | 'head', prefix: string) {
      const p = prefix.replace(/\/+$/, '');
      return Object.keys(side === 'head' ? pr.head : pr.base).filter((x) => p === '' || x === p || x.startsWith(`${p}/`)).sort();
    },
  };
}

const rssMb = () => process.memoryUsage().rss / (1024 * 1024);

const WARM_UP_FILES = 300;

async function child(kind: string, size: number, setFile: string, repeat: number, profile: boolean): Promise<ChildResult> {
  const pr = generatePullRequest(size);
  const baselineRssMb = rssMb();
  let files = 0;
  let lines = 0;
  const extra: Partial<ChildResult> = {};
  let work: () => Promise<void> | void;

  if (kind === 'engine') {
    // The same process policy as the CLI and the App (src/runtime/heap.ts); the floor and ESLint
    // keep V8's defaults, which favour their speed.
    const { limitHeapGrowth } = await import('../src/runtime/heap.js');
    limitHeapGrowth();
    const { allRules, codeRules, docsRules } = await import('../rules/index.js');
    const { parseConfig } = await import('../src/config/load.js');
    const { runReview } = await import('../src/review/engine.js');
    const cfg = parseConfig('', '.github/arch-review.yml', { knownRuleIds: allRules.map((r) => r.meta.id) });
    if (!cfg.ok) throw new Error(cfg.error.message);
    const parsed = new Set<string>();
    work = async () => {
      const result = await runReview({ source: memorySource(pr, parsed), config: cfg.config, codeRules, docsRules });
      extra.findings = result.findings.length;
      extra.skipped = result.coverage.skipped.length;
    };
    const t0 = performance.now();
    await work();
    const cold = performance.now() - t0;
    extra.firstRunPeakRssMb = process.resourceUsage().maxRSS / 1024;
    const set: ParsedSet = { files: [...parsed].map((k) => ({ side: k.split('\u0000')[0] as 'base' | 'head', path: k.split('\u0000')[1]! })) };
    writeFileSync(setFile, JSON.stringify(set));
    files = set.files.length;
    lines = set.files.reduce((n, f) => n + (f.side === 'head' ? pr.head : pr.base)[f.path]!.split('\n').length, 0);
    return finish(kind, size, files, lines, baselineRssMb, cold, work, extra, repeat, profile);
  }

  const set = JSON.parse(readFileSync(setFile, 'utf8')) as ParsedSet;
  const texts = set.files.map((f) => ({ path: f.path, text: (f.side === 'head' ? pr.head : pr.base)[f.path]! }));
  files = texts.length;
  lines = texts.reduce((n, t) => n + t.text.split('\n').length, 0);
  if (kind === 'floor' || kind === 'bare') {
    const { parse } = await import('@typescript-eslint/typescript-estree');
    const comment = kind === 'floor';
    work = () => {
      for (const t of texts) {
        // The engine's options (src/code/parse.ts), comments aside.
        parse(t.text, { loc: true, range: true, comment, jsx: /\.[jt]sx$/.test(t.path), errorOnUnknownASTType: false, allowInvalidAST: false });
      }
    };
  } else {
    const { Linter } = await import('eslint');
    const parserModule = (await import('@typescript-eslint/parser')) as unknown as { default?: { parseForESLint?: unknown }; parseForESLint?: unknown };
    const tsParser = typeof parserModule.parseForESLint === 'function' ? parserModule : parserModule.default;
    if (typeof tsParser?.parseForESLint !== 'function') throw new Error('@typescript-eslint/parser did not load');
    const linter = new Linter({ configType: 'flat' });
    let visited = 0;
    const touch = () => void visited++;
    const visit = {
      meta: { type: 'problem' as const, schema: [] },
      create: () => ({
        '*': touch,
        CallExpression: touch,
        'CallExpression:exit': touch,
        NewExpression: touch,
        MemberExpression: touch,
        ImportDeclaration: touch,
        VariableDeclarator: touch,
        AssignmentExpression: touch,
        AwaitExpression: touch,
        FunctionDeclaration: touch,
        'FunctionDeclaration:exit': touch,
        ArrowFunctionExpression: touch,
        'ArrowFunctionExpression:exit': touch,
        FunctionExpression: touch,
        MethodDefinition: touch,
        TryStatement: touch,
        CatchClause: touch,
        ReturnStatement: touch,
        ThrowStatement: touch,
        ObjectExpression: touch,
        Property: touch,
        Identifier: touch,
        Literal: touch,
        TemplateLiteral: touch,
        'Program:exit': touch,
      }),
    };
    const config = [
      {
        files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx'],
        languageOptions: { parser: tsParser, ecmaVersion: 'latest' as const, sourceType: 'module' as const },
        plugins: { bench: { rules: { visit } } },
        rules: { 'bench/visit': 'error' as const },
      },
    ];
    work = () => {
      for (const t of texts) {
        const messages = linter.verify(t.text, config as never, { filename: t.path });
        // A fatal message is a parse error: the run would not be comparable.
        if (messages.some((m) => m.fatal)) throw new Error(`ESLint could not parse ${t.path}: ${messages[0]!.message}`);
      }
    };
  }
  const started = performance.now();
  await work();
  const cold = performance.now() - started;
  extra.firstRunPeakRssMb = process.resourceUsage().maxRSS / 1024;
  return finish(kind, size, files, lines, baselineRssMb, cold, work, extra, repeat, profile);
}

async function finish(
  kind: string,
  size: number,
  files: number,
  lines: number,
  baselineRssMb: number,
  coldMs: number,
  work: () => Promise<void> | void,
  extra: Partial<ChildResult>,
  repeat: number,
  profile: boolean,
): Promise<ChildResult> {
  // The cold run counts towards the warm-up; `repeat` 0 measures the cold run alone (peak RSS).
  if (repeat > 0) for (let seen = size; seen < WARM_UP_FILES; seen += size) await work();
  let session: import('node:inspector').Session | null = null;
  if (profile && kind === 'engine') {
    const inspector = await import('node:inspector');
    session = new inspector.Session();
    session.connect();
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.start');
  }
  const warmRunsMs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await work();
    warmRunsMs.push(performance.now() - started);
  }
  if (session) {
    const { profile: cpu } = (await post(session, 'Profiler.stop')) as { profile: CpuProfile };
    extra.profile = summariseProfile(cpu);
  }
  return {
    kind,
    size,
    files,
    lines,
    coldMs,
    warmMs: median(warmRunsMs),
    warmRunsMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb,
    firstRunPeakRssMb: 0,
    ...extra,
  };
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function post(session: import('node:inspector').Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result))));
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by area of the code (engine modules, rules, the TS parser, ...), then the top functions. */
function summariseProfile(p: CpuProfile): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const area = (url: string) => {
    if (url.includes('typescript-estree')) return 'typescript-estree (AST conversion)';
    if (/node_modules\/typescript\//.test(url)) return 'typescript (scanner/parser)';
    if (url.includes('/rules/')) return 'rules/';
    if (url.includes('/src/code/')) return 'src/code (model)';
    if (url.includes('/src/review/')) return 'src/review (runner, facts, statuses)';
    if (url.includes('/src/artifacts/')) return 'src/artifacts (docs model)';
    if (url.includes('node_modules')) return `other packages`;
    if (url === '') return '(native, GC, idle)';
    return 'other';
  };
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!)!;
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    areas.set(area(n.callFrame.url), (areas.get(area(n.callFrame.url)) ?? 0) + dt);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules\/|work\/main\/)/, '')}:${n.callFrame.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + dt);
  }
  const pct = (v: number) => `${((v / total) * 100).toFixed(1)}%`;
  return [
    ...[...areas].sort((a, b) => b[1] - a[1]).map(([k, v]) => `area ${pct(v).padStart(6)}  ${k}`),
    ...[...fns].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `fn   ${pct(v).padStart(6)}  ${k}`),
  ];
}

// ---- the driver ---------------------------------------------------------------------------------

function runChild(kind: string, size: number, setFile: string, repeat: number, profile: boolean): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', kind, String(size), setFile, String(repeat), profile ? 'profile' : ''], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${kind} ${size} exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
}

async function requestsPerReview(sizes: number[]): Promise<{ size: number; requests: number; byOperation: Record<string, number>; conclusion: string | null }[]> {
  const { REPO, startStack } = await import('../test/simulator/harness.js');
  const { pullRequestEvent } = await import('../test/simulator/payloads.js');
  const out: { size: number; requests: number; byOperation: Record<string, number>; conclusion: string | null }[] = [];
  const stack = await startStack({ transport: 'fetch' });
  try {
    for (const size of sizes) {
      const pr = generatePullRequest(size);
      const base = await stack.repo.commit(pr.base);
      const head = await stack.repo.commit(pr.head, base);
      stack.sim.addRepo(REPO.owner, REPO.name, stack.repo, base);
      stack.sim.openPull(REPO.owner, REPO.name, size, base, head);
      const from = stack.sim.requests.length;
      await stack.send('pull_request', pullRequestEvent('opened', REPO, { number: size, head, base }));
      await stack.settle();
      const byOperation: Record<string, number> = {};
      for (const r of stack.sim.requests.slice(from)) {
        if (r.operation === 'apps/create-installation-access-token' || r.operation === 'apps/get-authenticated') continue;
        byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
      }
      const run = stack.sim.checkRuns.find((r) => r.head_sha === head);
      out.push({ size, requests: Object.values(byOperation).reduce((a, b) => a + b, 0), byOperation, conclusion: run?.conclusion ?? null });
    }
  } finally {
    await stack.close();
  }
  return out;
}

function machine(): string[] {
  const free = (() => {
    try {
      return execFileSync('free', ['-h'], { encoding: 'utf8' }).trim().split('\n');
    } catch {
      return [`total memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`];
    }
  })();
  const nproc = (() => {
    try {
      return execFileSync('nproc', { encoding: 'utf8' }).trim();
    } catch {
      return String(cpus().length);
    }
  })();
  return [`nproc: ${nproc} (${cpus()[0]?.model ?? 'unknown CPU'})`, ...free.map((l) => `free -h: ${l}`), `node: ${process.version}`];
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (get('sizes') ?? '50,300,1000').split(',').map(Number).filter((n) => n > 0 && n <= 3000);
  const burst = Math.min(Number(get('burst') ?? 200), 1000);
  const profile = argv.includes('--profile');
  const repeat = Math.min(Math.max(Math.round(Number(get('repeat') ?? 3)) || 3, 1), 15);
  const rssRuns = Math.min(Math.max(Math.round(Number(get('rss-runs') ?? 3)) || 3, 1), 10);
  const started = Date.now();
  console.log(`arch-review bench — ${new Date().toISOString()}`);
  for (const line of machine()) console.log(`  ${line}`);

  const dir = mkdtempSync(join(tmpdir(), 'arch-review-bench-set-'));
  const rows: { size: number; engine: ChildResult; floor: ChildResult; bare: ChildResult; eslint: ChildResult; rss: number[] }[] = [];
  try {
    for (const size of sizes) {
      const setFile = join(dir, `set-${size}.json`);
      const engine = await runChild('engine', size, setFile, repeat, profile);
      const floor = await runChild('floor', size, setFile, repeat, false);
      const bare = await runChild('bare', size, setFile, repeat, false);
      const eslint = await runChild('eslint', size, setFile, repeat, false);
      // Peak RSS moves by 100 MB or more between fresh processes on a shared host: one review in
      // each of `rssRuns` processes, the timed engine process being the first.
      const rss = [engine.firstRunPeakRssMb];
      while (rss.length < rssRuns) rss.push((await runChild('engine', size, setFile, 0, false)).firstRunPeakRssMb);
      rows.push({ size, engine, floor, bare, eslint, rss });
      const runs = (c: ChildResult) => `${fmt(c.warmMs)} ms (${c.warmRunsMs.map(fmt).join(', ')}; cold ${fmt(c.coldMs)})`;
      console.log(
        `\n${size} changed files (${engine.files} parsed, ${engine.lines} lines), warm median (timed runs; cold run): engine ${runs(engine)}; floor ${runs(floor)}; floor without comments ${runs(bare)}; ESLint ${runs(eslint)}; peak RSS engine ${rss.map((x) => Math.round(x)).join(', ')} MB (one review in each of ${rss.length} processes), floor ${Math.round(floor.firstRunPeakRssMb)} MB, ESLint ${Math.round(eslint.firstRunPeakRssMb)} MB`,
      );
      if (engine.profile) for (const line of engine.profile) console.log(`    ${line}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const requests = await requestsPerReview(sizes);
  const acks = await ackLatency(burst);

  console.log('\n| changed files | parsed files | engine (warm) | engine (cold) | parse floor | floor without comments | ESLint + ts parser | engine / floor | engine / floor without comments | engine / ESLint | cold: engine / floor, / ESLint | engine peak RSS, one review (median of fresh processes; all) | GitHub requests |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const req = requests.find((q) => q.size === r.size);
    console.log(
      `| ${r.size} | ${r.engine.files} | ${fmt(r.engine.warmMs)} ms | ${fmt(r.engine.coldMs)} ms | ${fmt(r.floor.warmMs)} ms | ${fmt(r.bare.warmMs)} ms | ${fmt(r.eslint.warmMs)} ms | ${(r.engine.warmMs / r.floor.warmMs).toFixed(2)}× | ${(r.engine.warmMs / r.bare.warmMs).toFixed(2)}× | ${(r.engine.warmMs / r.eslint.warmMs).toFixed(2)}× | ${(r.engine.coldMs / r.floor.coldMs).toFixed(2)}×, ${(r.engine.coldMs / r.eslint.coldMs).toFixed(2)}× | ${Math.round(median(r.rss))} MB (${r.rss.map((x) => Math.round(x)).join(', ')}; after all timed runs ${Math.round(r.engine.peakRssMb)}; baseline ${Math.round(r.engine.baselineRssMb)}) | ${req?.requests ?? '–'} |`,
    );
  }
  for (const q of requests) console.log(`requests, ${q.size} files: ${JSON.stringify(q.byOperation)} (conclusion ${q.conclusion})`);
  console.log(`\nwebhook acks, ${acks.burst} deliveries at once: p50 ${fmt(acks.p50)} ms, p99 ${fmt(acks.p99)} ms, max ${fmt(acks.max)} ms; statuses ${JSON.stringify(acks.statuses)}`);
  console.log(`  the load generator alone (same ${acks.burst} requests to a server that only answers 202): p50 ${fmt(acks.floor.p50)} ms, p99 ${fmt(acks.floor.p99)} ms`);
  console.log(`  ${acks.burst} more deliveries paced over 1 s while the first burst is reviewed: p50 ${fmt(acks.paced.p50)} ms, p99 ${fmt(acks.paced.p99)} ms, max ${fmt(acks.paced.max)} ms; statuses ${JSON.stringify(acks.paced.statuses)}`);

  const targets = [
    ...rows.map((r) => [`engine ≤ 1.5× parse floor at ${r.size}`, r.engine.warmMs <= 1.5 * r.floor.warmMs] as const),
    ...rows.map((r) => [`engine ≤ 1.5× parse floor without comments (the engine's own parse options on these files) at ${r.size}`, r.engine.warmMs <= 1.5 * r.bare.warmMs] as const),
    ...rows.map((r) => [`engine faster than ESLint at ${r.size}`, r.engine.warmMs < r.eslint.warmMs] as const),
    ...rows.filter((r) => r.size >= 1000).map((r) => [`${r.size}-file review within 500 MB peak RSS (each of ${r.rss.length} fresh processes)`, Math.max(...r.rss) <= 500] as const),
    [`ack p99 ≤ 100 ms (${acks.burst} at once)`, acks.p99 <= 100] as const,
    [`ack p99 ≤ 100 ms (${acks.burst} over 1 s, reviews running)`, acks.paced.p99 <= 100] as const,
  ];
  console.log('\ntargets:');
  for (const [name, ok] of targets) console.log(`  ${ok ? 'met ' : 'MISS'}  ${name}`);
  console.log(`\n(bench took ${Math.round((Date.now() - started) / 1000)} s)`);
  const json = get('json');
  if (json) writeFileSync(json, `${JSON.stringify({ machine: machine(), rows, requests, acks, targets }, null, 2)}\n`);
  return 0;
}

function fmt(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1);
}

if (process.argv[2] === '--child') {
  const [, , , kind, size, setFile, repeat, profile] = process.argv;
  const result = await child(kind!, Number(size), setFile!, Number(repeat), profile === 'profile');
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
} else {
  process.exitCode = await main();
}
