// `npm run eval`: runs the real CLI over the labelled code corpus (fixtures/corpus/code) and prints,
// per rule, expected findings, true/false positives, false negatives, precision and recall.
//
// One throwaway git repository is built: its base holds only a README, its head adds the whole
// corpus at the repository root, so every corpus file is an added file of the reviewed change and
// finding paths equal manifest paths. The CLI runs as a child process (`bin/arch-review.js`), exactly
// as a user runs it. Nothing is written into this repository; the temp directory is removed.
//
// Matching: a finding matches an expectation when the rule id and the path are equal and the
// expected line lies within [line, endLine] of the finding; each expectation matches at most one
// finding and each finding at most one expectation (maximum bipartite matching per rule and file).
// Optional expectations (`"optional": true`) and per-file `unscored` rules mark places where the
// spec reads either way: a finding there is neither a true nor a false positive, and no finding is
// not a false negative. See docs/quality.md.
//
// Usage: npm run eval [-- --rule <id>] [-- --json]
// Exit: 0 (a measurement, not a gate); 2 when the CLI failed or its output was unparseable.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRepoFromSnapshots } from '../src/git/snapshot-repo.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = join(ROOT, 'fixtures', 'corpus', 'code');
const MANIFEST = join(CORPUS, 'expected.json');
const CLI = join(ROOT, 'bin', 'arch-review.js');

export interface Expectation {
  rule: string;
  line: number;
  note: string;
  optional?: boolean;
}

export interface ManifestEntry {
  expected: Expectation[];
  negativeFor?: string[];
  unscored?: Array<{ rule: string; reason: string }>;
}

export interface Manifest {
  labelledRules: string[];
  files: Record<string, ManifestEntry>;
}

interface CliFinding {
  ruleId: string;
  severity: string;
  status: string;
  path: string;
  line: number;
  endLine: number;
  message: string;
  variant?: string;
}

interface Miss {
  path: string;
  line: number;
  rule: string;
  detail: string;
}

interface RuleRow {
  rule: string;
  labelled: boolean;
  expected: number;
  tp: number;
  fp: number;
  fn: number;
  ignored: number;
  precision: number | null;
  recall: number | null;
}

export interface EvalResult {
  rows: RuleRow[];
  totals: RuleRow;
  falsePositives: Miss[];
  falseNegatives: Miss[];
  /** Findings of rules the corpus does not label (e.g. docs rules on the contract files). */
  unlabelled: Array<{ rule: string; findings: number }>;
  skipped: Array<{ path: string; reason: string }>;
  files: number;
}

function parseArgs(argv: string[]): { rule?: string; json: boolean } {
  const out: { rule?: string; json: boolean } = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') out.json = true;
    else if (arg === '--rule') {
      const value = argv[++i];
      if (!value) throw new Error('--rule needs a rule id');
      out.rule = value;
    } else if (arg?.startsWith('--rule=')) out.rule = arg.slice('--rule='.length);
    else throw new Error(`unknown argument ${arg}`);
  }
  return out;
}

/** Maximum bipartite matching (Kuhn): expectation index -> finding index. */
function match(expect: Expectation[], findings: CliFinding[]): Map<number, number> {
  const findingOwner = new Map<number, number>();
  const fits = (e: Expectation, f: CliFinding) => e.line >= f.line && e.line <= Math.max(f.line, f.endLine);
  const tryAssign = (ei: number, seen: Set<number>): boolean => {
    for (let fi = 0; fi < findings.length; fi++) {
      if (seen.has(fi) || !fits(expect[ei]!, findings[fi]!)) continue;
      seen.add(fi);
      const owner = findingOwner.get(fi);
      if (owner === undefined || tryAssign(owner, seen)) {
        findingOwner.set(fi, ei);
        return true;
      }
    }
    return false;
  };
  // Required expectations first, so an optional one never takes a finding a required one needs.
  const order = expect.map((_, i) => i).sort((a, b) => Number(!!expect[a]!.optional) - Number(!!expect[b]!.optional));
  for (const ei of order) tryAssign(ei, new Set());
  const out = new Map<number, number>();
  for (const [fi, ei] of findingOwner) out.set(ei, fi);
  return out;
}

const ratio = (num: number, den: number) => (den === 0 ? null : num / den);

export function score(manifest: Manifest, findings: CliFinding[], skipped: EvalResult['skipped'] = []): EvalResult {
  const labelled = new Set(manifest.labelledRules);
  const rows = new Map<string, RuleRow>();
  const row = (rule: string) => {
    let r = rows.get(rule);
    if (!r) {
      r = { rule, labelled: labelled.has(rule), expected: 0, tp: 0, fp: 0, fn: 0, ignored: 0, precision: null, recall: null };
      rows.set(rule, r);
    }
    return r;
  };
  for (const rule of manifest.labelledRules) row(rule);
  const falsePositives: Miss[] = [];
  const falseNegatives: Miss[] = [];
  const unlabelled = new Map<string, number>();

  // Group by (rule, path).
  const groups = new Map<string, { rule: string; path: string; expect: Expectation[]; found: CliFinding[] }>();
  const group = (rule: string, path: string) => {
    const key = `${rule}\u0000${path}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rule, path, expect: [], found: [] }));
    return g;
  };
  for (const [path, entry] of Object.entries(manifest.files)) {
    for (const e of entry.expected) group(e.rule, path).expect.push(e);
  }
  for (const f of findings) {
    if (f.status === 'removed') continue;
    if (!labelled.has(f.ruleId)) {
      unlabelled.set(f.ruleId, (unlabelled.get(f.ruleId) ?? 0) + 1);
      continue;
    }
    group(f.ruleId, f.path).found.push(f);
  }

  for (const g of groups.values()) {
    const r = row(g.rule);
    const unscored = manifest.files[g.path]?.unscored?.some((u) => u.rule === g.rule) ?? false;
    if (unscored) {
      r.ignored += g.found.length;
      continue;
    }
    const matched = match(g.expect, g.found);
    const usedFindings = new Set(matched.values());
    g.expect.forEach((e, ei) => {
      if (e.optional) {
        if (matched.has(ei)) r.ignored++;
        return;
      }
      r.expected++;
      if (matched.has(ei)) r.tp++;
      else {
        r.fn++;
        falseNegatives.push({ path: g.path, line: e.line, rule: g.rule, detail: e.note });
      }
    });
    g.found.forEach((f, fi) => {
      if (usedFindings.has(fi)) return;
      r.fp++;
      const where = f.endLine > f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
      falsePositives.push({ path: g.path, line: f.line, rule: g.rule, detail: `[${where}]${f.variant ? ` (${f.variant})` : ''} ${f.message.split('\n')[0]!.slice(0, 160)}` });
    });
  }

  const list = [...rows.values()].sort((a, b) => manifest.labelledRules.indexOf(a.rule) - manifest.labelledRules.indexOf(b.rule));
  for (const r of list) {
    r.precision = ratio(r.tp, r.tp + r.fp);
    r.recall = ratio(r.tp, r.expected);
  }
  const totals: RuleRow = { rule: 'TOTAL', labelled: true, expected: 0, tp: 0, fp: 0, fn: 0, ignored: 0, precision: null, recall: null };
  for (const r of list) {
    totals.expected += r.expected;
    totals.tp += r.tp;
    totals.fp += r.fp;
    totals.fn += r.fn;
    totals.ignored += r.ignored;
  }
  totals.precision = ratio(totals.tp, totals.tp + totals.fp);
  totals.recall = ratio(totals.tp, totals.expected);
  const byPlace = (a: Miss, b: Miss) => a.rule.localeCompare(b.rule) || a.path.localeCompare(b.path) || a.line - b.line;
  return {
    rows: list,
    totals,
    falsePositives: falsePositives.sort(byPlace),
    falseNegatives: falseNegatives.sort(byPlace),
    unlabelled: [...unlabelled].map(([rule, n]) => ({ rule, findings: n })).sort((a, b) => a.rule.localeCompare(b.rule)),
    skipped,
    files: Object.keys(manifest.files).length,
  };
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(2));

export function renderTable(result: EvalResult, only?: string): string {
  const rows = only ? result.rows.filter((r) => r.rule === only) : result.rows;
  const header = ['rule', 'expected', 'TP', 'FP', 'FN', 'precision', 'recall', 'unscored'];
  const body = rows.map((r) => [r.rule, r.expected, r.tp, r.fp, r.fn, fmt(r.precision), fmt(r.recall), r.ignored].map(String));
  if (!only) {
    const t = result.totals;
    body.push([t.rule, t.expected, t.tp, t.fp, t.fn, fmt(t.precision), fmt(t.recall), t.ignored].map(String));
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  const fps = result.falsePositives.filter((m) => !only || m.rule === only);
  const fns = result.falseNegatives.filter((m) => !only || m.rule === only);
  out.push('', `False positives (${fps.length}):`);
  for (const m of fps) out.push(`  ${m.path}:${m.line} ${m.rule} ${m.detail}`);
  out.push('', `False negatives (${fns.length}):`);
  for (const m of fns) out.push(`  ${m.path}:${m.line} ${m.rule} — ${m.detail}`);
  if (!only) {
    out.push('', `Findings of rules this corpus does not label (not scored): ${result.unlabelled.length === 0 ? 'none' : result.unlabelled.map((u) => `${u.rule} ${u.findings}`).join(', ')}`);
    if (result.skipped.length > 0) {
      out.push(`Files the CLI skipped (${result.skipped.length}): ${result.skipped.map((s) => `${s.path} (${s.reason})`).join(', ')}`);
    }
    out.push(`Corpus: ${result.files} labelled files.`);
  }
  return out.join('\n');
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 2) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const manifest = JSON.parse(await readFile(MANIFEST, 'utf8')) as Manifest;
  if (opts.rule && !manifest.labelledRules.includes(opts.rule)) {
    process.stderr.write(`eval: note: ${opts.rule} is not a labelled rule of the corpus\n`);
  }
  const scratch = await mkdtemp(join(tmpdir(), 'arch-review-eval-'));
  try {
    const base = join(scratch, 'base');
    const head = join(scratch, 'head');
    await mkdir(base, { recursive: true });
    await mkdir(head, { recursive: true });
    const readme = '# corpus\n\nLabelled evaluation corpus for arch-review (fixtures/corpus/code).\n';
    await writeFile(join(base, 'README.md'), readme);
    await writeFile(join(head, 'README.md'), readme);
    await cp(CORPUS, head, { recursive: true, filter: (src) => !(src === MANIFEST || basename(src) === '.git') });
    const repo = await createRepoFromSnapshots(base, head, { dir: join(scratch, 'repo') });

    const cli = await runCli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'json', '--fail-on', 'never']);
    if (cli.code === 2) {
      process.stderr.write(`eval: the CLI failed (exit 2): ${cli.stderr.trim()}\n`);
      return 2;
    }
    let json: { findings: CliFinding[]; coverage?: { skipped?: Array<{ path: string; reason: string }> } };
    try {
      json = JSON.parse(cli.stdout);
      if (!Array.isArray(json.findings)) throw new Error('no findings array');
    } catch (err) {
      process.stderr.write(`eval: unparseable CLI output (${(err as Error).message}); exit ${cli.code}\n${cli.stderr}`);
      return 2;
    }
    const skipped = (json.coverage?.skipped ?? []).map((s) => ({ path: s.path, reason: s.reason }));
    const result = score(manifest, json.findings, skipped);
    if (opts.json) {
      const filtered = opts.rule
        ? { ...result, rows: result.rows.filter((r) => r.rule === opts.rule), falsePositives: result.falsePositives.filter((m) => m.rule === opts.rule), falseNegatives: result.falseNegatives.filter((m) => m.rule === opts.rule) }
        : result;
      process.stdout.write(`${JSON.stringify(filtered, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderTable(result, opts.rule)}\n`);
    }
    return 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`eval: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(2);
    },
  );
}
