// The `arch-review` command: the same engine as the App, over a local git repository.
// Exit codes are an interface other tools rely on: 0 gate passes, 1 gate fails, 2 usage, config or
// runtime error (one line on stderr).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { codeRules, docsRules, allRules } from '../rules/index.js';
import { loadConfigFile, parseConfig, CONFIG_PATH, MAX_CONFIG_BYTES } from './config/load.js';
import type { Config } from './config/schema.js';
import { git } from './git/git.js';
import { createLocalGitSource, EMPTY_BASE, resolveBase, resolveDefaultBase } from './git/local-source.js';
import { renderJson } from './render/json.js';
import { renderCoverageLine, renderMarkdown } from './render/markdown.js';
import { renderSarif } from './render/sarif.js';
import { BASELINE_PATH, baselineEntries, parseBaseline, readBaseline, serializeBaseline } from './review/baseline.js';
import { normalisePathArgument, runReview, unchangedMappedCode, withDiffGate } from './review/engine.js';
import { incompleteBecause } from './review/gate.js';
import type { Finding, ReviewResult } from './review/types.js';
import type { PullRequestText } from './review/pr-claims.js';

const UNREADABLE_CONFIG = {
  'too-large': `file is larger than ${MAX_CONFIG_BYTES / 1024} KiB; a configuration file has no need to be this big`,
  symlink: 'is a symbolic link; the configuration must be a regular file',
  binary: 'is not a text file',
} as const;

export const USAGE = `Usage: arch-review review [options]
       arch-review baseline [--repo DIR] [--head REF] [--config FILE] [--prune]

review: review the changes between two commits of a git repository. Findings listed in
.github/arch-review-baseline.json (read at the base, or at head with --all) are reported but
never gate.
baseline: write every finding at --head to that file (--prune: only drop entries that no longer
occur).

Options:
  --repo DIR        repository to review (default: current directory)
  --base REF        base commit (default: merge-base of HEAD with the default branch)
  --head REF        head commit (default: HEAD)
  --all             review every file at head as if it were new (base = the empty tree)
  --only PATH       review only changed files at or under PATH (repeatable), and their features
  --full            also analyse the touched features' unchanged code (config "features");
                    findings there are reported, never gate
  --format FORMAT   markdown | json | sarif (default: markdown)
  --config FILE     config file to use (default: .github/arch-review.yml as committed at the base)
  --fail-on LEVEL   critical | important | never (default: the config's gate.failOn)
  --pr-title TEXT   the pull request's title: a tier it claims is checked like the docs' claims
  --pr-body FILE    a file holding the pull request's body, read the same way
  --prune           baseline: keep the file's entries that still occur, add none
  -h, --help        show this help
  -v, --version     print the version

Exit codes: 0 gate passes, 1 gate fails (or, with onError: failure, the review did not
finish), 2 usage, config or runtime error.`;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

class UsageError extends Error {}

/** From the package's own package.json, found upwards so it works from src/ and from dist/src/. */
export function version(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'arch-review') return pkg.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}

/** Node's parseArgs messages, said in this command's terms. */
function argumentProblem(error: Error & { code?: string }): string {
  const option = /'(-{1,2}[^' <]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /ambiguous/.test(error.message)
      ? `${option} needs a value, and the next argument is another option (write ${option}=VALUE for a value that starts with -)`
      : `${option} needs a value`;
  }
  return error.message.split('\n')[0]!;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`arch-review: ${message.split('\n')[0]}${error instanceof UsageError ? ' (see arch-review --help)' : ''}`);
    return 2;
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        repo: { type: 'string' },
        base: { type: 'string' },
        head: { type: 'string' },
        all: { type: 'boolean' },
        format: { type: 'string' },
        config: { type: 'string' },
        'fail-on': { type: 'string' },
        'pr-title': { type: 'string' },
        'pr-body': { type: 'string' },
        prune: { type: 'boolean' },
        only: { type: 'string', multiple: true },
        full: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(argumentProblem(error as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.version) {
    io.stdout(version());
    return 0;
  }
  const command = positionals.length === 1 ? positionals[0] : null;
  if (command !== 'review' && command !== 'baseline') {
    throw new UsageError(positionals.length === 0 ? 'missing command "review"' : `unknown command "${positionals.join(' ')}"`);
  }
  if (command === 'baseline') {
    for (const flag of ['base', 'all', 'format', 'fail-on', 'pr-title', 'pr-body', 'only', 'full'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to "baseline", which records every finding at --head`);
    }
  } else if (values.prune) {
    throw new UsageError('--prune applies to "baseline" only');
  }
  const all = command === 'baseline' || values.all === true;
  const format = values.format ?? 'markdown';
  if (!['markdown', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be markdown, json or sarif, got "${format}"`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && !['critical', 'important', 'never'].includes(failOn)) {
    throw new UsageError(`--fail-on must be critical, important or never, got "${failOn}"`);
  }

  // An empty value is an unset variable in a CI script (`--config "$CONFIG"`), never a choice.
  for (const flag of ['repo', 'base', 'head', 'config', 'pr-body'] as const) {
    if (values[flag] !== undefined && values[flag]!.trim() === '') throw new UsageError(`--${flag} was given an empty value`);
  }
  if ((values.only ?? []).some((p) => p.trim() === '')) throw new UsageError('--only was given an empty value');
  const repo = resolve(io.cwd, values.repo ?? '.');
  const head = values.head ?? 'HEAD';
  if (values.all && values.base) throw new UsageError('--all and --base cannot be combined');
  const resolved = all ? null : values.base !== undefined ? await resolveBase(repo, values.base, head) : await resolveDefaultBase(repo, head);
  const base = resolved ? resolved.sha : EMPTY_BASE;
  const source = await createLocalGitSource({ repo, base, head });
  // Said after the review, so an error stays the one line on stderr.
  const baseNotes: string[] = [];
  if (resolved) {
    const named = (name: string, sha: string) => (sha.startsWith(name) ? sha.slice(0, 12) : `${name} (${sha.slice(0, 12)})`);
    baseNotes.push(`reviewed ${named(head, source.headRef)} against its merge-base with ${resolved.ref.length >= 40 && /^[0-9a-f]+$/.test(resolved.ref) ? resolved.ref.slice(0, 12) : resolved.ref}, ${resolved.sha.slice(0, 12)}`);
    if (source.headRef === resolved.sha) baseNotes.push(`note: ${head} is that merge-base itself, so there are no committed changes to review`);
  }
  if (values.head === undefined && (await hasUncommittedChanges(repo))) {
    baseNotes.push('note: the working tree has uncommitted changes; they are not reviewed (only commits are): commit them first');
  }
  const knownRuleIds = allRules.map((r) => r.meta.id);

  let config: Config;
  if (values.config) {
    const loaded = await loadConfigFile(resolve(io.cwd, values.config), { knownRuleIds, mustExist: true });
    if (!loaded.ok) throw new Error(loaded.error.message);
    config = loaded.config;
    for (const warning of loaded.warnings) io.stderr(`arch-review: warning: ${warning}`);
  } else {
    // Like the App: the gate's config comes from the base, so a change cannot switch off its own gate.
    // With --all there is no base to trust, so the head's committed config applies.
    const side = all ? 'head' : 'base';
    const read = await source.readFile(side, CONFIG_PATH, MAX_CONFIG_BYTES);
    // Only a missing file means the defaults: one that cannot be read must not silently stop gating.
    if (!read.ok && read.reason !== 'missing') throw new Error(`${CONFIG_PATH} at ${side === 'base' ? source.baseRef : source.headRef}: ${UNREADABLE_CONFIG[read.reason]}`);
    const parsedConfig = parseConfig(read.ok ? read.text : '', CONFIG_PATH, { knownRuleIds });
    // The file on disk may already be fixed: say which commit's version the error is about.
    const ref = side === 'base' ? source.baseRef : source.headRef;
    if (!parsedConfig.ok) throw new Error(`${parsedConfig.error.message} (the file as committed at ${side} ${ref.slice(0, 12)}; the gate's config comes from there)`);
    config = parsedConfig.config;
    for (const warning of parsedConfig.warnings) io.stderr(`arch-review: warning: ${warning}`);
  }

  if (command === 'baseline') {
    const result = await runReview({ source, config, codeRules, docsRules });
    for (const note of [...baseNotes, ...result.coverage.notes]) io.stderr(`arch-review: ${note}`);
    return writeBaseline(await topLevel(repo), result.findings, values.prune === true, io);
  }

  const only = await repositoryPaths(values.only ?? [], repo, io.cwd);
  const pullRequest = pullRequestText(values['pr-title'], values['pr-body'], io.cwd);
  const options = {
    source,
    config,
    codeRules,
    docsRules,
    // Read from the same side as the config: a change cannot baseline its own findings.
    baseline: await readBaseline(source, all ? 'head' : 'base'),
    ...(failOn ? { failOn: failOn as 'critical' | 'important' | 'never' } : {}),
    ...(pullRequest ? { pullRequest } : {}),
    ...(only.length > 0 ? { restrictTo: only } : {}),
  };
  let result = await runReview(options);
  // The touched features are known after a first review; the full one adds their unchanged code and
  // keeps that review's gate. With --all every file is changed already.
  if (values.full && !all) {
    const full = await runReview({ ...options, unchangedCode: await unchangedMappedCode(source, config, result.scope.features) });
    result = withDiffGate(full, result);
  }

  if (format === 'json') io.stdout(renderJson(result));
  else if (format === 'sarif') {
    io.stdout(renderSarif(result, allRules.map((r) => ({
      id: r.meta.id, description: r.meta.description, docsUrl: r.meta.docsUrl, severity: r.meta.severity, precision: r.meta.precision,
    })), version()));
  } else {
    io.stdout(`${renderMarkdown(result)}\n\n${renderCoverageLine(result.coverage)}`);
  }
  for (const note of [...baseNotes, ...result.coverage.notes]) io.stderr(`arch-review: ${note}`);
  const incomplete = incompleteBecause(result);
  if (incomplete) io.stderr(`arch-review: the review did not finish (${incomplete}); onError is ${config.onError}`);
  return exitCodeOf(result, config.onError);
}

/**
 * 1 when the gate fails, or when the review did not finish (a rule error, a time limit) and the
 * config's `onError` is `failure`, as the App concludes its check run; else 0.
 */
export function exitCodeOf(result: ReviewResult, onError: 'neutral' | 'failure'): 0 | 1 {
  if (result.gate.conclusion === 'failure') return 1;
  return onError === 'failure' && incompleteBecause(result) !== null ? 1 : 0;
}

/** The PR's text when CI passes it (`--pr-title "$PR_TITLE" --pr-body body.md`); a body alone has an empty title. */
function pullRequestText(title: string | undefined, bodyPath: string | undefined, cwd: string): PullRequestText | null {
  if (title === undefined && bodyPath === undefined) return null;
  let body: string | null = null;
  if (bodyPath !== undefined) {
    try {
      body = readFileSync(resolve(cwd, bodyPath), 'utf8');
    } catch (error) {
      throw new UsageError(`--pr-body: cannot read ${bodyPath}: ${(error as Error).message}`);
    }
  }
  return { title: title ?? '', body };
}

async function hasUncommittedChanges(repo: string): Promise<boolean> {
  try {
    return (await git(['status', '--porcelain', '--untracked-files=normal'], { cwd: repo })).trim() !== '';
  } catch {
    // A bare repository has no working tree to be dirty.
    return false;
  }
}

/** The working tree's root: the baseline file belongs there, wherever the command runs from. */
async function topLevel(repo: string): Promise<string> {
  try {
    return (await git(['rev-parse', '--show-toplevel'], { cwd: repo })).trim();
  } catch {
    throw new Error(`${repo} has no working tree (a bare repository?); run "baseline" in a checkout, where the file can be committed`);
  }
}

/**
 * `--only` paths as git reads pathspecs: relative to the current directory when it is inside the
 * repository (`--only src` from services/orders means services/orders/src), else to the root.
 */
async function repositoryPaths(paths: readonly string[], repo: string, cwd: string): Promise<string[]> {
  if (paths.length === 0) return [];
  const root = await topLevel(repo).catch(() => repo);
  const inside = (p: string) => p === '' || (!p.startsWith('..') && !isAbsolute(p));
  const here = relative(root, resolve(cwd));
  const from = inside(here) ? resolve(root, here) : root;
  return paths.map((path) => {
    const rel = relative(root, resolve(from, path)).split(sep).join('/');
    if (!inside(rel) || normalisePathArgument(rel) === null) throw new UsageError(`--only: "${path}" leaves the repository`);
    return rel;
  });
}

/**
 * `baseline` records every finding at head in the working tree's baseline file; `--prune` only drops
 * entries that match nothing any more, so it never baselines a new finding.
 */
function writeBaseline(repo: string, findings: readonly Finding[], prune: boolean, io: CliIO): number {
  const path = join(repo, BASELINE_PATH);
  const current = baselineEntries(findings);
  let entries = current;
  let message = `arch-review: wrote ${entries.length} findings to ${BASELINE_PATH}; commit it to stop them from gating`;
  if (prune) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(`--prune: there is no ${BASELINE_PATH} in ${repo} to prune`);
    }
    const existing = parseBaseline(text);
    if (!existing.ok) throw new Error(existing.message);
    const now = new Set(current.map((e) => e.fingerprint));
    entries = existing.entries.filter((e) => now.has(e.fingerprint));
    message = `arch-review: kept ${entries.length} of ${existing.entries.length} baselined findings in ${BASELINE_PATH}; ${existing.entries.length - entries.length} no longer occur`;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeBaseline(entries));
  // Said once the file is written: a failed write must not be reported as done.
  io.stdout(message);
  return 0;
}

