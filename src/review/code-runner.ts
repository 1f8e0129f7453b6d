// Runs every code rule over a set of files: one parse and one traversal per file, shared by the
// code model and all rules. Files are analysed imports-first, so a file's `Program:exit` listeners
// run as soon as it is traversed, with the models of the files it imports (helper summaries,
// `importedModels`) complete. Once a file's rules have run and every file importing it is done,
// its summary is kept and its syntax tree and model are released: memory follows the import graph's
// width, not the pull request's size. `Program:exit` of repository-wide rules (`meta.repositoryWide`)
// and `Repository:exit` of any rule (`meta.crossFile`) run after every file, against the cross-file
// index built from the files' contributions.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { CodeModel, type ExternalEffect, type RoleRef } from '../code/model.js';
import type { CodeFacts } from '../code/rule-facts.js';
import { parseCode, type ParseLimits, DEFAULT_PARSE_LIMITS } from '../code/parse.js';
import { OverTimeLimit, withinTimeLimit } from '../code/time-limit.js';
import { traverse, TraversalTooDeep, type ListenerMap } from '../code/traverse.js';
import type { Config } from '../config/schema.js';
import { compiledPatterns } from '../config/patterns.js';
import { formatMessage, type CodeRule, type DeclaredChannels, type ReportDescriptor } from './rule.js';
import { applyCodeSuppressions, collectSuppressions, type Suppression } from './code-suppressions.js';
import { buildCrossFileIndex, crossFileContribution, serviceResolver, type CrossFileContribution, type CrossFileIndex, type RepoFile } from './cross-file.js';
import { nodeAnchor, nodeLocation } from './node-anchor.js';
import { resolveRuleSettings } from './rule-settings.js';
import type { CoverageSkip, RawFinding, Side } from './types.js';
import { posix } from 'node:path';

export interface CodeFileInput {
  path: string;
  text: string;
}

export interface CodeRunResult<S = never> {
  findings: RawFinding[];
  suppressed: Record<string, number>;
  skipped: CoverageSkip[];
  /** Context files (read as evidence, never reported on) that could not be analysed. */
  evidenceSkipped: CoverageSkip[];
  /** `summarize`'s result for every analysed file, in input order (changed files, then context files). */
  summaries: Map<string, S>;
  errors: string[];
}

export interface CodeRunOptions<S = never> {
  side: Side;
  config: Config;
  limits?: ParseLimits;
  /** Files read only for helper summaries (imports of changed files): analysed, never reported on. */
  contextFiles?: CodeFileInput[];
  declaredChannels?: DeclaredChannels | null;
  /** Schema and deployment sources of the repository, for rules that reason across services. */
  crossFileSources?: { files: RepoFile[]; paths: string[] };
  /** Per-file facts the engine read (package instrumentation, channel contracts). */
  factsFor?: (path: string) => CodeFacts;
  /** The review's deadline: files not yet analysed by then are listed as skipped (time-budget). */
  deadline?: number;
  now?: () => number;
  /** What to keep of each analysed file once its model is released; `reported` is false for context files. */
  summarize?: (model: CodeModel, reported: boolean) => S;
}

/** The file a chunk is in the middle of: its marks in the shared lists, and how far it got. */
interface Running<S> {
  state: FileState;
  reported: boolean;
  findings: number;
  errors: number;
  outcome: Analysed<S> | null;
  settled: boolean;
}

/** Files run in chunks of about this long under one watchdog (see the main loop of runCodeRules). */
const CHUNK_MS = 250;

/** What is kept of an analysed file (see `conclude`). */
interface Kept<S> {
  suppressions: Suppression[];
  summary: { value: S } | null;
  contribution: CrossFileContribution | null;
  exports: ExportSurface | null;
}

type Analysed<S> =
  | { skip: CoverageSkip }
  | { wideExits: WideExit[]; exits: (() => void)[]; kept: Kept<S> | null };

/** A `Program:exit` of a repository-wide rule or a `Repository:exit`: it runs after every file. */
interface WideExit {
  ruleId: string;
  path: string;
  run: () => void;
}

/** Where a relative import may land among the analysed files (TypeScript's and Node's usual forms). */
function importCandidates(module: string, fromPath: string): string[] {
  const base = posix.normalize(posix.join(posix.dirname(fromPath), module));
  const stem = base.replace(/\.(js|mjs|cjs|jsx)$/, '');
  return [base, ...['.ts', '.tsx', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'].map((ext) => stem + ext)];
}

const IMPORT_SPECIFIER = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"](\.{1,2}(?:\/[^'"\n]{0,300})?)['"]/g;

/** Relative import specifiers found by a textual scan: enough to order files before parsing them. */
export function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(IMPORT_SPECIFIER)) out.push(match[1]!);
  return out;
}

/** Imports-first order (depth-first post-order, input order among independent files); cycles are cut. */
function analysisOrder(inputs: CodeFileInput[], importsOf: Map<string, string[]>): CodeFileInput[] {
  const byPath = new Map(inputs.map((f) => [f.path, f] as const));
  const state = new Map<string, 'open' | 'done'>();
  const order: CodeFileInput[] = [];
  for (const root of inputs) {
    if (state.has(root.path)) continue;
    // Iterative: an import chain as long as the pull request must not exhaust the stack.
    const stack: { path: string; next: number }[] = [{ path: root.path, next: 0 }];
    state.set(root.path, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = importsOf.get(top.path) ?? [];
      if (top.next < deps.length) {
        const dep = deps[top.next++]!;
        if (!state.has(dep)) {
          state.set(dep, 'open');
          stack.push({ path: dep, next: 0 });
        }
        continue;
      }
      stack.pop();
      state.set(top.path, 'done');
      order.push(byPath.get(top.path)!);
    }
  }
  return order;
}

/**
 * Runs `step(0)` … `step(count - 1)` in chunks of about CHUNK_MS under one watchdog of CHUNK_MS
 * plus `limitMs`: a step starts before CHUNK_MS has passed, so only one that ran past the limit is
 * stopped. It is handed to `stopped`, and the steps after it go on.
 */
function inChunks(count: number, limitMs: number, step: (index: number) => void, stopped: (index: number) => void): void {
  for (let next = 0; next < count; ) {
    let current = next;
    try {
      next = withinTimeLimit(() => {
        const chunkStart = performance.now();
        let i = next;
        while (i < count) {
          current = i;
          step(i);
          i += 1;
          if (performance.now() - chunkStart >= CHUNK_MS) break;
        }
        return i;
      }, CHUNK_MS + limitMs);
    } catch (error) {
      if (!(error instanceof OverTimeLimit)) throw error;
      stopped(current);
      next = current + 1;
    }
  }
}

interface FileState {
  path: string;
  model: CodeModel | null;
  deps: string[];
  /** Files importing this one that have not finished yet; the model is released at zero. */
  importers: number;
  finished: boolean;
  /** How many of `deps` this file has let go of (see `letGoOfImports`). */
  released: number;
  /** What importers may still ask of this file once its own imports are released (see `keep`). */
  exports: ExportSurface | null;
}

interface ExportSurface {
  effects: Map<string, ExternalEffect[]>;
  values: Map<string, RoleRef>;
}

export function runCodeRules<S = never>(files: CodeFileInput[], rules: CodeRule[], options: CodeRunOptions<S>): CodeRunResult<S> {
  const { side, config } = options;
  const patterns = compiledPatterns(config);
  const skipped: CoverageSkip[] = [];
  const evidenceSkipped: CoverageSkip[] = [];
  const errors: string[] = [];
  const findings: RawFinding[] = [];
  const active = rules.filter((rule) => resolveRuleSettings(config, rule.meta.id).enabled);
  const needsCrossFile = active.some((rule) => rule.meta.repositoryWide || rule.meta.crossFile);
  const reportPaths = new Set(files.map((f) => f.path));
  const inputs = [...files, ...(options.contextFiles ?? []).filter((f) => !reportPaths.has(f.path))];
  const inputPaths = new Set(inputs.map((f) => f.path));
  const resolve = (module: string, fromPath: string): string | null =>
    importCandidates(module, fromPath).find((candidate) => inputPaths.has(candidate)) ?? null;

  const importsOf = new Map<string, string[]>();
  const states = new Map<string, FileState>();
  for (const file of inputs) {
    const deps = [...new Set(relativeImports(file.text).map((m) => resolve(m, file.path)))]
      .filter((p): p is string => p !== null && p !== file.path);
    importsOf.set(file.path, deps);
    states.set(file.path, { path: file.path, model: null, deps, importers: 0, finished: false, released: 0, exports: null });
  }
  for (const state of states.values()) for (const dep of state.deps) states.get(dep)!.importers += 1;

  const suppressions = new Map<string, Suppression[]>();
  const summaries = new Map<string, S>();
  const contributions = new Map<string, CrossFileContribution>();
  const serviceOf = serviceResolver(config, options.crossFileSources?.paths);
  const repositoryExits: WideExit[] = [];
  let crossFileIndex: CrossFileIndex | undefined;
  let allAnalysed = false;
  const inputOrder = new Map(inputs.map((f, i) => [f.path, i] as const));
  // Complete only once every file is analysed (repository-wide exits run then); asked earlier, it
  // answers from the files so far and is not kept.
  const crossFile = (): CrossFileIndex => {
    if (crossFileIndex) return crossFileIndex;
    const index = buildCrossFileIndex({
      contributions: [...contributions.values()].sort((a, b) => inputOrder.get(a.path)! - inputOrder.get(b.path)!),
      repoFiles: options.crossFileSources?.files ?? [],
      ...(options.crossFileSources ? { repoPaths: options.crossFileSources.paths } : {}),
      config,
    });
    if (allAnalysed) crossFileIndex = index;
    return index;
  };

  const stateFor = (module: string, fromPath: string): FileState | null => {
    const path = resolve(module, fromPath);
    return path ? states.get(path) ?? null : null;
  };
  const modelFor = (module: string, fromPath: string): CodeModel | null => stateFor(module, fromPath)?.model ?? null;
  // A finished file answers from its export surface, resolved while its own imports were alive: an
  // importer two files up asks lazily, after the files below have been released.
  const importedEffects = (module: string, fromPath: string, exportPath: string[]): ExternalEffect[] => {
    const state = stateFor(module, fromPath);
    const effects = state?.exports?.effects ?? state?.model?.exportedEffects();
    return effects?.get(exportPath.join('.')) ?? [];
  };
  // Methods of an exported class, for a file that exports an instance of it (`export default new EventBus()`).
  const importedMembers = (module: string, fromPath: string, exportPath: string[]): Map<string, ExternalEffect[]> => {
    const state = stateFor(module, fromPath);
    const effects = state?.exports?.effects ?? state?.model?.exportedEffects();
    const out = new Map<string, ExternalEffect[]>();
    const prefix = `${exportPath.join('.')}.`;
    for (const [key, list] of effects ?? []) {
      if (key.startsWith(prefix) && !key.includes('.', prefix.length)) out.set(key.slice(prefix.length), list);
    }
    return out;
  };
  const importedValue = (module: string, fromPath: string, exportPath: string[]): RoleRef | null => {
    if (exportPath.length !== 1) return null;
    const state = stateFor(module, fromPath);
    if (state?.exports) return state.exports.values.get(exportPath[0]!) ?? null;
    return state?.model?.exportedValueRole(exportPath[0]!) ?? null;
  };

  const release = (state: FileState) => {
    if (state.finished && state.importers === 0) state.model = null;
  };
  /**
   * The file's rules run their exits and what is kept of it is computed, without touching shared
   * state, so a file stopped by its time limit half-way leaves nothing behind but its findings
   * (which the caller truncates).
   */
  const conclude = (state: FileState, exits: (() => void)[]): Kept<S> => {
    for (const exit of exits) exit();
    const model = state.model!;
    const reported = reportPaths.has(state.path);
    // A defect of ours on one odd file must not take the whole review down: it is named as an
    // error (so the run concludes as not finished) and the file keeps no summary.
    const guarded = <T>(what: string, compute: () => T, fallback: T): T => {
      try {
        return compute();
      } catch (error) {
        if (error instanceof OverTimeLimit) throw error;
        errors.push(`${what} failed on ${state.path}: ${(error as Error)?.message ?? String(error)}`);
        return fallback;
      }
    };
    return {
      suppressions: guarded('reading suppressions', () => collectSuppressions(model), []),
      summary: options.summarize ? guarded('the file summary', () => ({ value: options.summarize!(model, reported) }), null) : null,
      contribution: needsCrossFile ? guarded('the cross-file facts', () => crossFileContribution(model, serviceOf, reported), null) : null,
      exports: state.importers > 0 ? guarded('the export surface', () => exportSurface(model), null) : null,
    };
  };
  /** Keep the file's summary, then let go of what nobody needs any more. Idempotent (see the time limit below). */
  const keep = (state: FileState, kept: Kept<S>) => {
    suppressions.set(state.path, kept.suppressions);
    if (kept.summary) summaries.set(state.path, kept.summary.value);
    if (kept.contribution) contributions.set(state.path, kept.contribution);
    if (kept.exports) state.exports = kept.exports;
    letGoOfImports(state);
  };
  /** The file is done (analysed or not): each file it imports has one importer fewer waiting. */
  const letGoOfImports = (state: FileState) => {
    state.finished = true;
    release(state);
    // Counted before each decrement: run again after an interruption, no import loses two importers.
    while (state.released < state.deps.length) {
      const other = states.get(state.deps[state.released++]!)!;
      other.importers -= 1;
      release(other);
    }
  };

  // Built outside the per-file loop on purpose: closures a rule keeps past its file (repository-wide
  // exits) must not hold the file's syntax tree or model through a shared scope.
  const severities = new Map(active.map((rule) => [rule, resolveRuleSettings(config, rule.meta.id).severity] as const));
  function contextFor(rule: CodeRule, file: CodeFileInput, state: FileState, facts: CodeFacts | undefined) {
    const severity = severities.get(rule);
    return {
      path: file.path,
      side,
      sourceText: file.text,
      get model(): CodeModel {
        if (!state.model) throw new Error('the file\'s model was released: a repository-wide rule must not read it in Program:exit');
        return state.model;
      },
      config,
      declaredChannels: options.declaredChannels ?? null,
      get crossFile() {
        return crossFile();
      },
      ...(facts ? { facts } : {}),
      importedModels: () => {
        const model = state.model;
        if (!model) return [];
        const out: CodeModel[] = [];
        for (const binding of new Set([...model.imports.values()].map((b) => b.module))) {
          if (!binding.startsWith('.')) continue;
          const other = modelFor(binding, file.path);
          if (other && other !== model && !out.includes(other)) out.push(other);
        }
        return out;
      },
      report: (descriptor: ReportDescriptor) => {
        findings.push(toRawFinding(rule, descriptor, state.model ?? releasedModel(file.path), severity));
      },
    };
  }
  function guardedExit(programExit: (node: TSESTree.Node) => void, program: TSESTree.Program | null, rule: CodeRule, path: string) {
    return () => {
      try {
        programExit(program as TSESTree.Program);
      } catch (error) {
        errors.push(`${rule.meta.id} failed on ${path}: ${(error as Error).message}`);
      }
    };
  }

  const now = options.now ?? Date.now;
  const limits = options.limits ?? DEFAULT_PARSE_LIMITS;
  const waiting: { state: FileState; exits: (() => void)[] }[] = [];
  // Imports-first puts a changed file's context files before it. Under a deadline, a context file
  // (evidence only, never reported on) is skipped once the time left would not cover the changed
  // files still to come at the pace measured so far, so the budget goes to what the review is about.
  let reportLeft = reportPaths.size;
  let analysedMs = 0;
  let analysedFiles = 0;
  const reserveFor = (files: number) => (analysedFiles === 0 ? 0 : (analysedMs / analysedFiles) * files);
  // Each file's parse and analysis are bounded by `limits.timeBudgetMs`: TypeScript's parser is
  // exponential on some inputs and some analyses are quadratic in a file's size
  // (docs/resilience.md). One watchdog per file cost up to 10% of a review (a thread started and
  // joined per call), so files run in chunks under one watchdog (`inChunks`). `running` says how
  // far the stopped file got.
  const order = analysisOrder(inputs, importsOf);
  const running: { current: Running<S> | null } = { current: null };
  const step = (index: number): void => {
    const file = order[index]!;
    const state = states.get(file.path)!;
    const reported = reportPaths.has(file.path);
    if (reported) reportLeft -= 1;
    const fail = (skip: CoverageSkip) => {
      (reported ? skipped : evidenceSkipped).push(skip);
      letGoOfImports(state);
    };
    const started = options.deadline !== undefined ? now() : 0;
    if (options.deadline !== undefined && started > options.deadline) {
      fail({ path: file.path, side, reason: 'time-budget', detail: 'review time budget exhausted before this file was analysed' });
      return;
    }
    if (options.deadline !== undefined && !reported && started + reserveFor(reportLeft) > options.deadline) {
      fail({ path: file.path, side, reason: 'time-budget', detail: 'left out to keep the review time budget for the changed files' });
      return;
    }
    const current: Running<S> = { state, reported, findings: findings.length, errors: errors.length, outcome: null, settled: false };
    running.current = current;
    current.outcome = analyse(file, state);
    settle(current);
    running.current = null;
    if (options.deadline !== undefined) {
      analysedMs += now() - started;
      analysedFiles += 1;
    }
  };
  /** What follows a file's analysis; run again after an interruption, it does nothing twice. */
  const settle = (current: Running<S>) => {
    const outcome = current.outcome!;
    const first = !current.settled;
    current.settled = true;
    if ('skip' in outcome) {
      if (first) (current.reported ? skipped : evidenceSkipped).push(outcome.skip);
      letGoOfImports(current.state);
      return;
    }
    if (first) {
      repositoryExits.push(...outcome.wideExits);
      if (!outcome.kept) waiting.push({ state: current.state, exits: outcome.exits });
    }
    if (outcome.kept) keep(current.state, outcome.kept);
  };
  /** A file stopped by its time limit: what it reported is dropped and it is listed as skipped. */
  const drop = (state: FileState, marks: { findings: number; errors: number } | null) => {
    if (marks) {
      findings.length = marks.findings;
      errors.length = marks.errors;
    }
    state.model = null;
    (reportPaths.has(state.path) ? skipped : evidenceSkipped).push({
      path: state.path, side, reason: 'time-budget', detail: `parsing and analysing it took longer than the ${limits.timeBudgetMs} ms limit for one file`,
    });
    letGoOfImports(state);
  };
  inChunks(order.length, limits.timeBudgetMs, step, (index) => {
    const stopped = running.current;
    running.current = null;
    if (stopped?.outcome) {
      // Stopped just after the file's analysis had finished: complete what follows it.
      settle(stopped);
      return;
    }
    // Stopped in its analysis, or (never seen: they take microseconds) in the checks before it.
    drop(stopped?.state ?? states.get(order[index]!.path)!, stopped);
  });
  for (const { state, exits } of waiting) {
    const marks = { findings: findings.length, errors: errors.length };
    try {
      keep(state, withinTimeLimit(() => conclude(state, exits), limits.timeBudgetMs));
    } catch (error) {
      if (!(error instanceof OverTimeLimit)) throw error;
      drop(state, marks);
    }
  }
  allAnalysed = true;
  // Bounded like files: an exit that runs past the limit is stopped, what it reported is dropped,
  // and it is named among the rule errors.
  let marks = findings.length;
  inChunks(repositoryExits.length, limits.timeBudgetMs, (i) => {
    marks = findings.length;
    repositoryExits[i]!.run();
  }, (i) => {
    findings.length = marks;
    const stopped = repositoryExits[i]!;
    errors.push(`${stopped.ruleId} stopped on ${stopped.path}: its repository-wide check ran past the ${limits.timeBudgetMs} ms limit, and what it reported there is dropped`);
  });

  const suppression = applyCodeSuppressions(findings, suppressions, active.map((r) => r.meta.id));
  const ordered = new Map<string, S>();
  for (const file of inputs) if (summaries.has(file.path)) ordered.set(file.path, summaries.get(file.path)!);
  return { findings: suppression.findings, suppressed: suppression.suppressed, skipped, evidenceSkipped, summaries: ordered, errors };

  /** Parse, model, traversal and (unless an import is still pending) the exits; of shared state, only the file's own `state.model` and the findings and errors it reports change. */
  function analyse(file: CodeFileInput, state: FileState): Analysed<S> {
    const parsed = parseCode(file.path, file.text, { ...limits, timeBudgetMs: Infinity });
    if (!parsed.ok) return { skip: { path: file.path, side, reason: parsed.reason, detail: parsed.detail } };
    const model = new CodeModel(parsed.ast, file.path, file.text, {
      wrappers: { publish: config.wrappers.publish, dbWrite: config.wrappers.dbWrite },
      outboxPattern: patterns.outboxTable,
      envPrefixPattern: patterns.envPrefix,
      importedEffects,
      importedValue,
      importedMembers,
    });
    state.model = model;
    const listeners: ListenerMap[] = [model.collector()];
    const exits: (() => void)[] = [];
    const wideExits: WideExit[] = [];
    if (reportPaths.has(file.path)) {
      const facts = options.factsFor?.(file.path);
      for (const rule of active) {
        const context = contextFor(rule, file, state, facts);
        let visitors: ListenerMap;
        try {
          visitors = rule.create(context) as ListenerMap;
        } catch (error) {
          errors.push(`${rule.meta.id} failed on ${file.path}: ${(error as Error).message}`);
          continue;
        }
        const { 'Program:exit': programExit, 'Repository:exit': repositoryExit, ...rest } = visitors;
        listeners.push(guardListeners(rest, rule.meta.id, file.path, errors));
        if (programExit) {
          if (rule.meta.repositoryWide) wideExits.push({ ruleId: rule.meta.id, path: file.path, run: guardedExit(programExit, null, rule, file.path) });
          else exits.push(guardedExit(programExit, parsed.ast, rule, file.path));
        }
        if (repositoryExit) wideExits.push({ ruleId: rule.meta.id, path: file.path, run: guardedExit(repositoryExit, null, rule, file.path) });
      }
    }
    try {
      traverse(parsed.ast, listeners);
    } catch (error) {
      if (error instanceof TraversalTooDeep) {
        state.model = null;
        return { skip: { path: file.path, side, reason: 'unparseable', detail: error.message } };
      }
      throw error;
    }
    // An import not analysed yet can only be part of a cycle: this file waits for the end.
    const pending = state.deps.some((dep) => !states.get(dep)!.finished && !states.get(dep)!.model);
    return { wideExits, exits, kept: pending ? null : conclude(state, exits) };
  }

}

/**
 * Everything another file can import from this one, resolved now: exported functions' effects and
 * exported values' roles. A role's channel node is copied as a bare literal (or dropped), so the
 * surface does not keep this file's syntax tree alive.
 */
function exportSurface(model: CodeModel): ExportSurface {
  const values = new Map<string, RoleRef>();
  for (const name of exportedNames(model)) {
    const role = model.exportedValueRole(name);
    if (!role) continue;
    const channel = role.channelNode ? model.channelValue(role.channelNode) : null;
    values.set(name, {
      ...role,
      channelNode: channel === null ? null : ({ type: 'Literal', value: channel, raw: JSON.stringify(channel), range: [0, 0], loc: role.channelNode!.loc } as unknown as TSESTree.Node),
    });
  }
  return { effects: model.exportedEffects(), values };
}

/** Names `exportedValueRole` can answer for: ES exports (by local name), CommonJS exports, default. */
function exportedNames(model: CodeModel): Set<string> {
  const names = new Set<string>(['default']);
  for (const statement of model.program.body) {
    if (statement.type === 'ExportNamedDeclaration') {
      const decl = statement.declaration;
      if (decl?.type === 'VariableDeclaration') for (const d of decl.declarations) if (d.id.type === 'Identifier') names.add(d.id.name);
      if ((decl?.type === 'ClassDeclaration' || decl?.type === 'FunctionDeclaration') && decl.id) names.add(decl.id.name);
      for (const spec of statement.specifiers) if (spec.local.type === 'Identifier') names.add(spec.local.name);
    }
    if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression') {
      const { left, right } = statement.expression;
      const target = model.text.slice(left.range[0], left.range[1]).replace(/\s+/g, '');
      const member = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(target);
      if (member) names.add(member[1]!);
      if (target === 'module.exports' && right.type === 'ObjectExpression') {
        for (const prop of right.properties) {
          if (prop.type === 'Property' && prop.key.type === 'Identifier') names.add(prop.key.name);
          if (prop.type === 'Property' && prop.key.type === 'Literal' && typeof prop.key.value === 'string') names.add(prop.key.value);
        }
      }
    }
  }
  return names;
}

/** Stands in for a released model when a repository-wide rule reports with `loc` and `anchor`. */
function releasedModel(path: string): CodeModel {
  return new Proxy({ path } as CodeModel, {
    get(target, key) {
      if (key === 'path') return path;
      throw new Error(`the model of ${path} was released: report with loc and anchor after every file is analysed`);
    },
  });
}

function guardListeners(listeners: ListenerMap, ruleId: string, path: string, errors: string[]): ListenerMap {
  const out: ListenerMap = {};
  let failed = false;
  for (const [key, fn] of Object.entries(listeners)) {
    if (!fn) continue;
    out[key] = (node) => {
      if (failed) return;
      try {
        fn(node);
      } catch (error) {
        failed = true;
        errors.push(`${ruleId} failed on ${path}: ${(error as Error).message}`);
      }
    };
  }
  return out;
}

export function toRawFinding(
  rule: CodeRule,
  descriptor: ReportDescriptor,
  model: CodeModel,
  severityOverride?: RawFinding['severity'],
): RawFinding {
  const node = descriptor.node;
  const loc: NonNullable<ReportDescriptor['loc']> = descriptor.loc ?? (node ? nodeLocation(node) : { startLine: 1, endLine: 1 });
  const anchor = descriptor.anchor ?? (node ? nodeAnchor(model, node) : descriptor.messageId);
  const template = (rule.meta.messages as Record<string, string>)[descriptor.messageId] ?? descriptor.messageId;
  return {
    ruleId: rule.meta.id,
    kind: 'code',
    severity: severityOverride ?? descriptor.severity ?? rule.meta.severity,
    systemTag: rule.meta.systemTag,
    precision: descriptor.precision ?? rule.meta.precision,
    messageId: descriptor.messageId,
    message: formatMessage(template, descriptor.data),
    location: {
      path: loc.path ?? model.path,
      startLine: loc.startLine,
      endLine: loc.endLine ?? loc.startLine,
      ...(loc.startColumn !== undefined ? { startColumn: loc.startColumn } : {}),
      ...(loc.endColumn !== undefined ? { endColumn: loc.endColumn } : {}),
    },
    anchor,
    related: (descriptor.related ?? []).map((r) => ({ ...r })),
    ...(descriptor.variant ? { variant: descriptor.variant } : {}),
    ...(descriptor.channel ? { channel: descriptor.channel } : {}),
    ...(descriptor.feature ? { feature: descriptor.feature } : {}),
    ...(rule.meta.pattern ? { pattern: rule.meta.pattern } : {}),
    checklist: descriptor.checklist ?? rule.meta.checklist,
    ...((descriptor.antiPattern ?? rule.meta.antiPattern) ? { antiPattern: descriptor.antiPattern ?? rule.meta.antiPattern } : {}),
    failureModes: descriptor.failureModes ?? rule.meta.failureModes,
  };
}

