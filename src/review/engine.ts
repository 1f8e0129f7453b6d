// The review engine (review-output.md §1): scope → load → code and artifact models → rules on base
// and head → statuses → suppressions and accepted risks → gate → computed sections. Pure over a
// ReviewSource: it never imports Probot or Octokit, and reads nothing but what the source gives it.
import { posix } from 'node:path';
import { classifyPath } from '../artifacts/classify.js';
import { buildArtifactModel, type ArtifactModel } from '../artifacts/model.js';
import { DEFAULT_PARSE_LIMITS, isCodePath, isTestPath } from '../code/parse.js';
import type { Config } from '../config/schema.js';
import { relativeImports, runCodeRules, type CodeFileInput } from './code-runner.js';
import { summarizeCodeFile, type CodeFileSummary } from './code-summary.js';
import { loadCodeFacts } from './code-facts.js';
import { loadCrossFileSources, serviceResolver } from './cross-file.js';
import { runDocsRules } from './docs-runner.js';
import { assignStatuses } from './fingerprint.js';
import type { OtherFinding } from './other-findings.js';
import { decideGate, gatePolicy, isGating, unreadChanges } from './gate.js';
import { isSuppressionProblem } from './code-suppressions.js';
import { matchesGlob } from './glob.js';
import { resolveRuleSettings } from './rule-settings.js';
import type { CodeRule, DocsRule } from './rule.js';
import type { ChangedFile, ReviewSource } from './source.js';
import { computeAntiPatterns } from './summary/anti-patterns.js';
import { computeChecklists } from './summary/checklists.js';
import { asHeadFinding, provideReadinessInputs, READINESS_RULES } from './summary/criteria.js';
import type { ReviewFacts } from './summary/facts.js';
import { computeFailureModes } from './summary/failure-modes.js';
import { loadEvidence } from './summary/load-evidence.js';
import { scopeSummary } from './summary/scope-line.js';
import { computeVerdicts, primaryVerdict } from './summary/verdict.js';
import { pullRequestClaims, type PullRequestText } from './pr-claims.js';
import type { Baseline } from './baseline.js';
import type { AcceptedRisk, CoverageSkip, Finding, RawFinding, ReviewResult, Side } from './types.js';

export interface ReviewLimits {
  maxCodeBytes: number;
  maxArtifactBytes: number;
  /** Files past this count are listed in coverage, not read. */
  maxFiles: number;
  /** Wall-clock budget for reading and analysing; the rest is listed as skipped. */
  timeBudgetMs: number;
  /** Repository files imported by changed files, read for helper summaries. */
  maxContextFiles: number;
  /**
   * Wall-clock budget for one file: parsing a Markdown artifact (its parser runs in a worker; see
   * bounded-parse.ts), or parsing and analysing a code file (interrupted in-thread; see
   * src/code/time-limit.ts).
   */
  perFileTimeBudgetMs: number;
}

export const DEFAULT_LIMITS: ReviewLimits = {
  maxCodeBytes: 1024 * 1024,
  maxArtifactBytes: 1024 * 1024,
  maxFiles: 3000,
  timeBudgetMs: 120_000,
  maxContextFiles: 200,
  perFileTimeBudgetMs: 10_000,
};

export interface ReviewOptions {
  source: ReviewSource;
  config: Config;
  codeRules: CodeRule[];
  docsRules: DocsRule[];
  limits?: Partial<ReviewLimits>;
  failOn?: 'critical' | 'important' | 'never';
  /** Fingerprints of findings to report but never gate on (`readBaseline`, from the side the config comes from). */
  baseline?: Baseline;
  /** The PR's title and body: tier claims in them are checked like the docs' (review-output.md §9.3 step 5). */
  pullRequest?: PullRequestText;
  accepted?: ReadonlyMap<string, AcceptedRisk>;
  /**
   * `/review <paths>` (review-output.md §3 (e)): only changed files at or under these repository
   * paths are reviewed, with the features they resolve to. Prefixes, not globs: a commenter's
   * pattern never becomes a regular expression.
   */
  restrictTo?: readonly string[];
  /**
   * `/review full` (review-output.md §3 (d)): code files the pull request does not change (a touched
   * feature's mapped code, `mappedCodeOf`), analysed at both sides and reported like changed ones.
   */
  unchangedCode?: readonly string[];
  now?: () => number;
}

/** At most this many unchanged files are analysed for `unchangedCode`; the rest are counted in coverage. */
export const MAX_UNCHANGED_CODE = 300;

interface SideLoad {
  code: CodeFileInput[];
  context: CodeFileInput[];
  skipped: CoverageSkip[];
  /** Imports of changed files that were wanted as evidence and not read. */
  contextSkipped: CoverageSkip[];
}

export async function runReview(options: ReviewOptions): Promise<ReviewResult> {
  const { source, config } = options;
  const limits = { ...DEFAULT_LIMITS, ...(options.limits ?? {}) };
  const now = options.now ?? Date.now;
  const deadline = now() + limits.timeBudgetMs;
  const skipped: CoverageSkip[] = [];

  const changed = await source.changedFiles();
  const reviewable = changed.slice(0, limits.maxFiles);
  const overCap = new Set(changed.slice(limits.maxFiles).map((f) => f.path));
  // Changed files left unread (§11.6): past the file cap, or too large, binary, unparseable.
  const unreadChanged = () => unreadChanges(skipped).filter((s) => changedPaths.has(s.path) || overCap.has(s.path));
  for (const file of changed.slice(limits.maxFiles)) {
    skipped.push({ path: file.path, reason: 'too-large', detail: `the pull request has more than ${limits.maxFiles} changed files` });
  }
  // `exclude` globs drop paths from review entirely (fixtures, vendored, generated code).
  const excluded = (path: string) => config.exclude.some((glob) => matchesGlob(path, glob));
  for (const file of [...reviewable]) if (excluded(file.path)) reviewable.splice(reviewable.indexOf(file), 1);
  const scopeNotes: string[] = [];
  if (options.restrictTo) {
    const before = reviewable.length;
    const prefixes = options.restrictTo.map(normalisePathArgument).filter((p) => p !== null);
    const under = (file: ChangedFile, prefix: string) => isAtOrUnder(file.path, prefix) || (file.previousPath !== undefined && isAtOrUnder(file.previousPath, prefix));
    const kept = reviewable.filter((file) => prefixes.some((p) => under(file, p)));
    reviewable.splice(0, reviewable.length, ...kept);
    const unmatched = prefixes.filter((p) => !changed.some((f) => under(f, p)));
    scopeNotes.push(
      `restricted to ${prefixes.map((p) => (p === '' ? '(the whole repository)' : p)).join(', ')}: ${reviewable.length} of ${before} changed files` +
        (unmatched.length > 0 ? `; no changed file at or under ${unmatched.join(', ')}` : ''),
    );
  }
  const changedPaths = new Set(reviewable.map((f) => f.path));
  const headToBase = new Map<string, string>();
  for (const file of reviewable) if (file.previousPath) headToBase.set(file.path, file.previousPath);
  const baseToHead = new Map([...headToBase].map(([head, base]) => [base, head] as const));

  const codeChanges = reviewable.filter((f) => isCodePath(f.path) && !isTestPath(f.path));
  const testFiles = reviewable.filter((f) => isCodePath(f.path) && isTestPath(f.path) && f.status !== 'removed').map((f) => f.path);
  for (const file of reviewable) {
    if (file.submodule) {
      skipped.push({ path: file.path, reason: 'not-reviewable', detail: 'git submodule: its files are in another repository' });
      continue;
    }
    if (file.binary && !isCodePath(file.path)) continue;
    if (!file.hasPatch && isCodePath(file.path)) {
      skipped.push({ path: file.path, reason: 'no-patch', detail: 'the diff carries no textual patch' });
    }
  }

  // Unchanged files are the same at both sides: each is read once (the source caches by blob) and
  // analysed at both, so a finding there is pre-existing unless a changed import changed it.
  const unchanged = (options.unchangedCode ?? []).filter(
    (path) => isCodePath(path) && !isTestPath(path) && !excluded(path) && !changedPaths.has(path) && !headToBase.has(path),
  );
  const unchangedCode = [...new Set(unchanged)].slice(0, MAX_UNCHANGED_CODE);
  if (options.unchangedCode) {
    const over = new Set(unchanged).size - unchangedCode.length;
    scopeNotes.push(
      `full review: ${unchangedCode.length} unchanged code file${unchangedCode.length === 1 ? '' : 's'} of the touched features analysed` +
        (over > 0 ? `; ${over} more not analysed (at most ${MAX_UNCHANGED_CODE} a run)` : ''),
    );
  }
  const unchangedSet = new Set(unchangedCode);
  const head = await loadCode(source, 'head', [...codeChanges.filter((f) => f.status !== 'removed').map((f) => f.path), ...unchangedCode], limits, deadline, now);
  const base = await loadCode(
    source,
    'base',
    [...codeChanges.filter((f) => f.status !== 'added').map((f) => f.previousPath ?? f.path), ...unchangedCode],
    limits,
    deadline,
    now,
  );
  skipped.push(...head.skipped, ...base.skipped.filter((s) => s.reason !== 'deleted'));

  const headDeclared = await declaredChannels(source, 'head');
  const baseDeclared = await declaredChannels(source, 'base');
  // Schema and deploy sources are read only when the change touches code of a repository with
  // several services: they matter for shared-OLTP ownership and cost reads otherwise.
  const multiService = await hasSeveralServices(source, config, head.code.map((f) => f.path));
  const headSources = multiService ? await loadCrossFileSources(source, 'head', config) : undefined;
  const baseSources = multiService ? await loadCrossFileSources(source, 'base', config) : undefined;
  const headFacts = await loadCodeFacts(source, 'head', head.code, headDeclared);
  const baseFacts = await loadCodeFacts(source, 'base', base.code, baseDeclared);
  const parseLimits = { ...DEFAULT_PARSE_LIMITS, timeBudgetMs: limits.perFileTimeBudgetMs };
  const headCode = runCodeRules(head.code, options.codeRules, {
    side: 'head', config, contextFiles: head.context, declaredChannels: headDeclared, factsFor: headFacts,
    summarize: (model, reported) => summarizeCodeFile(model, { config, reported, patterns: true }),
    ...(headSources ? { crossFileSources: headSources } : {}),
    deadline, now, limits: parseLimits,
  });
  const baseCode = runCodeRules(base.code, options.codeRules, {
    side: 'base', config, contextFiles: base.context, declaredChannels: baseDeclared, factsFor: baseFacts,
    summarize: (model, reported) => summarizeCodeFile(model, { config, reported, patterns: false }),
    ...(baseSources ? { crossFileSources: baseSources } : {}),
    deadline, now, limits: parseLimits,
  });
  skipped.push(...headCode.skipped, ...baseCode.skipped.filter((s) => !headCode.skipped.some((h) => h.path === s.path)));
  // An unchanged file is compared with itself: analysed at one side only (a time limit, a read that
  // failed), its findings would pass for introduced or fixed by this pull request. They are dropped;
  // the coverage line names the file.
  if (unchangedSet.size > 0) {
    const both = (path: string) => headCode.summaries.has(path) && baseCode.summaries.has(path);
    for (const run of [headCode, baseCode]) {
      run.findings = run.findings.filter((f) => !unchangedSet.has(f.location.path) || both(f.location.path));
    }
  }

  // Scope (review-output.md §3): features touched by docs, by the config's path mapping, by channels.
  const features = new Set<string>();
  for (const file of reviewable) {
    const slug = /^docs\/features\/([^/]+)\//.exec(file.path)?.[1];
    if (slug) features.add(slug);
    // A feature folder renamed: its old name is read at the base, so the moved files compare with it.
    const previous = file.previousPath ? /^docs\/features\/([^/]+)\//.exec(file.previousPath)?.[1] : undefined;
    if (previous) features.add(previous);
    for (const [feature, globs] of Object.entries(config.features)) {
      if (globs.some((glob) => matchesGlob(file.path, glob))) features.add(feature);
    }
  }
  const codeChannels = new Set<string>();
  // `/review full` reviews "the same set" of features (review-output.md §3 (d)): channels of the
  // unchanged code it adds neither touch features nor reach the docs rules.
  const diffSummaries = (summaries: Map<string, CodeFileSummary>) => [...summaries.values()].filter((s) => !unchangedSet.has(s.path));
  for (const summary of diffSummaries(headCode.summaries)) {
    for (const use of summary.channelUses) if (use.kind === 'publish') codeChannels.add(use.channel);
  }
  for (const channel of codeChannels) {
    const owner = headDeclared.get(channel);
    if (owner) features.add(owner.feature);
  }
  const platformChanged = reviewable.some((f) => f.path.startsWith('docs/system/'));
  const platformInScope = platformChanged || features.size > 0;

  const headArtifacts = await loadArtifacts(source, 'head', [...features], platformInScope, limits, deadline, now);
  const baseArtifacts = await loadArtifacts(source, 'base', [...features], platformInScope, limits, deadline, now);
  // Base-side skips as for code: a base artifact left unread makes its findings look introduced.
  skipped.push(...headArtifacts.skipped, ...baseArtifacts.skipped.filter((s) => !headArtifacts.skipped.some((h) => h.path === s.path)));

  // Rules that read the readiness evaluation (tier-claim-unsupported) run after every other rule of
  // their side, with that side's findings and facts attached to its artifact model.
  // launch-decision-gate variant 3 counts the gating findings of every other rule: it runs last.
  const launchGate = options.docsRules.filter((r) => r.meta.id === LAUNCH_GATE);
  const ordinaryDocsRules = options.docsRules.filter((r) => !READINESS_RULES.has(r.meta.id) && r.meta.id !== LAUNCH_GATE);
  const readinessDocsRules = options.docsRules.filter((r) => READINESS_RULES.has(r.meta.id));
  const headDocsInput = {
    side: 'head' as const, model: headArtifacts.model, other: baseArtifacts.model, config,
    codeChannels: diffSummaries(headCode.summaries).flatMap((s) => s.channelUses),
  };
  const baseDocsInput = {
    side: 'base' as const, model: baseArtifacts.model, other: headArtifacts.model, config,
    codeChannels: diffSummaries(baseCode.summaries).flatMap((s) => s.channelUses),
  };
  const headDocs = runDocsRules(ordinaryDocsRules, headDocsInput);
  const baseDocs = runDocsRules(ordinaryDocsRules, baseDocsInput);

  // Evidence for the computed sections (review-output.md §5-9): test contents, CI configuration,
  // deployment changes and consumed contracts; base-side code facts tell new constructs.
  const evidence = await loadEvidence({
    source, config, changed: reviewable, codePaths: head.code.map((f) => f.path), features: [...features].sort(), headModel: headArtifacts.model,
  });
  const ranRules = new Set(
    [...options.codeRules, ...options.docsRules].map((r) => r.meta.id).filter((id) => resolveRuleSettings(config, id).enabled),
  );
  const baseCodeFacts = collectFacts(baseCode.summaries, base.code, [], features, baseArtifacts.model);
  const channelOwners = (declared: Map<string, { feature: string }>) => new Map([...declared].map(([c, o]) => [c, o.feature] as const));
  const sharedFacts = {
    tests: evidence.tests,
    ciConfigs: evidence.ciConfigs,
    loadTestPaths: evidence.loadTestPaths,
    ranRules,
    unreadFiles: unreadChanged().map((s) => s.path),
    changes: reviewable.map((f) => ({ path: f.path, status: f.status })),
    deploymentChanges: evidence.deploymentChanges,
    serviceFolderChanges: evidence.serviceFolderChanges,
    featureGlobs: config.features,
    nonIdempotentCalls: config.nonIdempotentCalls,
    traceHeaderIn: config.asyncapi.traceHeaderIn,
    services: evidence.services,
  };
  const facts: ReviewFacts = {
    ...collectFacts(headCode.summaries, head.code, testFiles, features, headArtifacts.model),
    ...sharedFacts,
    artifacts: { head: headArtifacts.model, base: baseArtifacts.model, ...(evidence.consumed ? { consumed: evidence.consumed } : {}) },
    baseCode: baseCodeFacts,
    channelOwners: channelOwners(headDeclared),
    pullRequestClaims: pullRequestClaims(options.pullRequest),
  };
  if (readinessDocsRules.length > 0) {
    provideReadinessInputs(headArtifacts.model, { findings: [...headCode.findings, ...headDocs.findings].map(asHeadFinding), facts });
    // The base side reuses the head's evidence files (tests, CI configuration): they are read once,
    // at head, to keep reads few; code facts and findings are the base side's own.
    provideReadinessInputs(baseArtifacts.model, {
      findings: [...baseCode.findings, ...baseDocs.findings].map(asHeadFinding),
      facts: {
        ...baseCodeFacts,
        ...sharedFacts,
        artifacts: { head: baseArtifacts.model, base: null, ...(evidence.consumed ? { consumed: evidence.consumed } : {}) },
        channelOwners: channelOwners(baseDeclared),
      },
    });
    for (const [into, input] of [[headDocs, headDocsInput], [baseDocs, baseDocsInput]] as const) {
      const extra = runDocsRules(readinessDocsRules, input);
      into.findings.push(...extra.findings);
      into.suppressionProblems.push(...extra.suppressionProblems);
      into.errors.push(...extra.errors);
      for (const [id, n] of Object.entries(extra.suppressed)) into.suppressed[id] = (into.suppressed[id] ?? 0) + n;
    }
  }

  const headRaw: RawFinding[] = [...headCode.findings, ...headDocs.findings, ...headDocs.suppressionProblems];
  const baseRaw: RawFinding[] = [...baseCode.findings, ...baseDocs.findings, ...baseDocs.suppressionProblems];
  const policy = gatePolicy(config, options.failOn);
  const memo = new Map<string, string>();
  const statuses = (head: RawFinding[], base: RawFinding[]) => {
    const out = assignStatuses({
      head,
      base,
      memo,
      baseToHead: (path) => baseToHead.get(path) ?? path,
      ...(options.accepted ? { accepted: options.accepted } : {}),
    });
    for (const finding of out) {
      if (finding.status !== 'removed' && options.baseline?.fingerprints.has(finding.fingerprint)) finding.baselined = true;
      // `/review full` keeps the diff's gate scope: what it adds is reported, never gating.
      finding.gating = !unchangedSet.has(finding.location.path) && isGating(finding, policy, changedPaths);
    }
    return out;
  };
  let findings = statuses(headRaw, baseRaw);
  if (launchGate.length > 0) {
    const featureOf = (f: Finding) => f.feature ?? featureOfPath(f.location.path, config.features) ?? (f.channel ? headDeclared.get(f.channel)?.feature : undefined);
    const otherFindings: OtherFinding[] = findings.filter((f) => f.status !== 'removed').map((f) => ({
      ruleId: f.ruleId, severity: f.severity, gating: f.gating, path: f.location.path, line: f.location.startLine,
      fingerprint: f.fingerprint, accepted: f.accepted !== null, ...(featureOf(f) ? { feature: featureOf(f)! } : {}),
    }));
    const headLaunch = runDocsRules(launchGate, { ...headDocsInput, otherFindings });
    const baseLaunch = runDocsRules(launchGate, baseDocsInput);
    headRaw.push(...headLaunch.findings, ...headLaunch.suppressionProblems);
    baseRaw.push(...baseLaunch.findings, ...baseLaunch.suppressionProblems);
    headDocs.errors.push(...headLaunch.errors);
    baseDocs.errors.push(...baseLaunch.errors);
    for (const [id, n] of Object.entries(headLaunch.suppressed)) headDocs.suppressed[id] = (headDocs.suppressed[id] ?? 0) + n;
    findings = statuses(headRaw, baseRaw);
  }

  const relevant = facts.publishes.length + facts.dbWrites.length + facts.consumers.length + facts.retries.length > 0 ||
    features.size > 0 || platformChanged;
  const gate = decideGate(findings, relevant, unreadChanged());
  // A note about a suppression comment carries the suppressed rule's id, but it is not that anti-pattern firing.
  const summarised = findings.filter((f) => !isSuppressionProblem(f));

  const suppressed: Record<string, number> = {};
  for (const map of [headCode.suppressed, headDocs.suppressed]) {
    for (const [id, n] of Object.entries(map)) suppressed[id] = (suppressed[id] ?? 0) + n;
  }
  const errors = [...headCode.errors, ...baseCode.errors, ...headDocs.errors, ...baseDocs.errors];

  const changedContracts = new Set<string>();
  for (const file of reviewable) {
    const c = classifyPath(file.path);
    if (c?.channel && (c.type === 'contract' || c.type === 'schema' || c.type === 'asyncapi')) changedContracts.add(c.channel);
  }
  // Patterns recognised in the analysed code (review-output.md §4.1).
  const patterns = new Set<string>();
  const codePatterns: { path: string; pattern: string }[] = [];
  for (const summary of headCode.summaries.values()) {
    for (const pattern of summary.patterns) {
      patterns.add(pattern);
      codePatterns.push({ path: summary.path, pattern });
    }
  }
  if (facts.retries.length > 0) patterns.add('Retry');
  // Mitigations the failure-mode walk can name for exposure-only entries (review-output.md §8.3).
  facts.codePatterns = codePatterns;
  const scopeLine = scopeSummary(facts, [...changedContracts], [...patterns]);

  return {
    base: source.baseRef,
    head: source.headRef,
    findings,
    scope: {
      features: [...features].sort(),
      channels: scopeLine.channels,
      codeFiles: head.code.length,
      artifacts: headArtifacts.model.artifacts.size,
      patterns: scopeLine.patterns,
      contracts: scopeLine.contracts,
    },
    checklists: computeChecklists(summarised, facts),
    antiPatterns: computeAntiPatterns(summarised, facts),
    failureModes: computeFailureModes(summarised, facts),
    ...verdictsOf(summarised, facts),
    coverage: {
      codeFiles: head.code.map((f) => f.path).filter((p) => !headCode.skipped.some((s) => s.path === p)).sort(),
      artifacts: [...headArtifacts.model.artifacts.keys()].sort(),
      skipped: dedupeSkips(skipped),
      suppressed,
      ...(scopeNotes.length > 0 ? { reach: scopeNotes.join('; ') } : {}),
      notes: [...(options.baseline?.note ? [options.baseline.note] : []), ...errors.map((e) => `rule error: ${e}`)],
      evidenceSkipped: dedupeSkips([...head.contextSkipped, ...headCode.evidenceSkipped]),
    },
    gate,
    ruleErrors: errors,
  };
}

/** A `/review <paths>` argument as a repository path prefix; null for one that can name nothing. */
export function normalisePathArgument(raw: string): string | null {
  const path = raw.replace(/^`|`$/g, '').replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  if (path.split('/').includes('..')) return null;
  const normal = posix.normalize(path || '.');
  return normal === '.' ? '' : normal;
}

export function isAtOrUnder(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * `/review full`'s extra files: code at head that the configuration maps to one of `features` and
 * the pull request does not change. Test files and `exclude`d paths are left out, as for changed code.
 */
export function mappedCodeOf(config: Config, features: readonly string[], headPaths: readonly string[], changed: ReadonlySet<string>): string[] {
  const globs = features.flatMap((f) => config.features[f] ?? []);
  if (globs.length === 0) return [];
  return headPaths.filter(
    (path) =>
      !changed.has(path) && isCodePath(path) && !isTestPath(path) &&
      !config.exclude.some((glob) => matchesGlob(path, glob)) && globs.some((glob) => matchesGlob(path, glob)),
  );
}

/**
 * A wider or narrower review gates exactly as the diff review did: a finding gates only if the same
 * finding gated there, and the gate decision is the diff's. Context the wider review adds (another
 * file's helper, a cross-file channel) can change a changed file's findings, never the merge.
 */
export function withDiffGate(reached: ReviewResult, diff: ReviewResult): ReviewResult {
  const gating = new Set(diff.findings.filter((f) => f.gating).map((f) => f.fingerprint));
  return { ...reached, findings: reached.findings.map((f) => ({ ...f, gating: gating.has(f.fingerprint) })), gate: diff.gate };
}

/** `mappedCodeOf` for a review source: the touched features' unchanged code at head. */
export async function unchangedMappedCode(source: ReviewSource, config: Config, features: readonly string[]): Promise<string[]> {
  const changed = new Set((await source.changedFiles()).flatMap((f) => [f.path, f.previousPath ?? f.path]));
  return mappedCodeOf(config, features, await source.listPaths('head', ''), changed);
}

async function loadCode(
  source: ReviewSource,
  side: Side,
  paths: string[],
  limits: ReviewLimits,
  deadline: number,
  now: () => number,
): Promise<SideLoad> {
  const out: SideLoad = { code: [], context: [], skipped: [], contextSkipped: [] };
  for (const path of paths) {
    if (now() > deadline) {
      out.skipped.push({ path, side, reason: 'time-budget', detail: 'review time budget exhausted before this file' });
      continue;
    }
    const read = await source.readFile(side, path, limits.maxCodeBytes);
    if (read.ok) out.code.push({ path, text: read.text });
    else if (read.reason === 'missing') out.skipped.push({ path, side, reason: 'deleted', detail: `not present at ${side}` });
    else out.skipped.push(unreadable(path, side, { reason: read.reason, bytes: read.bytes }, limits.maxCodeBytes));
  }
  // One level of relative imports, read only for helper summaries (rules.md §1.4).
  const wanted = new Set<string>();
  for (const file of out.code) {
    for (const spec of relativeImports(file.text)) wanted.add(posix.normalize(posix.join(posix.dirname(file.path), spec)));
  }
  const have = new Set(out.code.map((f) => f.path));
  const imports = [...wanted].filter((path) => !have.has(path));
  for (const [i, base] of imports.entries()) {
    if (i >= limits.maxContextFiles) {
      out.contextSkipped.push({ path: base, side, reason: 'too-large', detail: `more than ${limits.maxContextFiles} imported files` });
      continue;
    }
    if (now() > deadline) {
      out.contextSkipped.push({ path: base, side, reason: 'time-budget', detail: 'review time budget exhausted before this import was read' });
      continue;
    }
    const stem = base.replace(/\.(js|mjs|cjs|jsx)$/, '');
    for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.js`, `${stem}/index.ts`, `${stem}/index.js`]) {
      if (have.has(candidate) || !isCodePath(candidate)) continue;
      const read = await source.readFile(side, candidate, limits.maxCodeBytes);
      if (read.ok) {
        out.context.push({ path: candidate, text: read.text });
        have.add(candidate);
        break;
      }
      // Missing: try the next resolution. Present but unreadable: this is the import, and it is named.
      if (read.reason === 'missing') continue;
      out.contextSkipped.push(unreadable(candidate, side, { reason: read.reason, bytes: read.bytes }, limits.maxCodeBytes));
      break;
    }
  }
  return out;
}

const SYMLINK_DETAIL = 'symbolic link: its target is not followed';

/** The coverage entry for a file that exists but was not read: a symbolic link, binary, or over the byte limit. */
function unreadable(path: string, side: Side, read: { reason: 'binary' | 'too-large' | 'symlink'; bytes?: number }, maxBytes: number): CoverageSkip {
  if (read.reason === 'symlink') return { path, side, reason: 'not-reviewable', detail: SYMLINK_DETAIL };
  return { path, side, reason: read.reason, detail: read.reason === 'too-large' ? `${read.bytes ?? '?'} bytes > ${maxBytes}` : 'binary content' };
}

const LAUNCH_GATE = 'launch-decision-gate';

function featureOfPath(path: string, features: Record<string, string[]>): string | undefined {
  for (const [feature, globs] of Object.entries(features)) if (globs.some((glob) => matchesGlob(path, glob))) return feature;
  return /^docs\/features\/([^/]+)\//.exec(path)?.[1];
}

async function hasSeveralServices(source: ReviewSource, config: Config, codePaths: string[]): Promise<boolean> {
  if (codePaths.length === 0) return false;
  const paths = await source.listPaths('head', '');
  const serviceOf = serviceResolver(config, paths.filter((p) => /^(services|apps)\/[^/]+\/package\.json$/.test(p)));
  if (!codePaths.some((p) => serviceOf(p) !== null)) return false;
  const services = new Set<string>();
  for (const path of paths) {
    const service = serviceOf(path);
    if (service) services.add(service);
    if (services.size > 1) return true;
  }
  return false;
}

/** Channel → owning feature and file, from contract and AsyncAPI basenames at one side. */
async function declaredChannels(source: ReviewSource, side: Side): Promise<Map<string, { feature: string; path: string }>> {
  const owners = new Map<string, { feature: string; path: string }>();
  for (const path of await source.listPaths(side, 'docs/features')) {
    const c = classifyPath(path);
    if (c?.slug && c.channel && (c.type === 'contract' || c.type === 'asyncapi') && !owners.has(c.channel)) {
      owners.set(c.channel, { feature: c.slug, path });
    }
  }
  return owners;
}

async function loadArtifacts(
  source: ReviewSource,
  side: Side,
  features: string[],
  platform: boolean,
  limits: ReviewLimits,
  deadline: number,
  now: () => number,
): Promise<{ model: ArtifactModel; skipped: CoverageSkip[] }> {
  const allPaths = await source.listPaths(side, 'docs');
  const wanted = allPaths.filter((path) => {
    if (platform && path.startsWith('docs/system/')) return true;
    return features.some((slug) => path.startsWith(`docs/features/${slug}/`));
  });
  const files: { path: string; text: string }[] = [];
  const skipped: CoverageSkip[] = [];
  for (const path of wanted) {
    const c = classifyPath(path);
    if (!c || c.type === 'unclassified') continue;
    const read = await source.readFile(side, path, limits.maxArtifactBytes);
    if (read.ok) files.push({ path, text: read.text });
    else if (read.reason !== 'missing') skipped.push(unreadable(path, side, { reason: read.reason, bytes: read.bytes }, limits.maxArtifactBytes));
  }
  const model = buildArtifactModel(files, {
    allPaths, side, maxMarkdownBytes: limits.maxArtifactBytes, deadline, now, markdownTimeBudgetMs: limits.perFileTimeBudgetMs,
  });
  return { model, skipped: [...skipped, ...model.skipped] };
}

function collectFacts(
  summaries: ReadonlyMap<string, CodeFileSummary>,
  files: readonly CodeFileInput[],
  testFiles: string[],
  features: Set<string>,
  artifacts: ArtifactModel,
): ReviewFacts {
  const reported = new Set(files.map((f) => f.path));
  const facts: ReviewFacts = {
    consumers: [],
    publishes: [],
    dbWrites: [],
    retries: [],
    regionsWithWriteAndPublish: 0,
    codeFiles: reported.size,
    testFiles,
    features: [...features].sort(),
    hasDesign: [...artifacts.features.values()].some((f) => f.design !== undefined),
    contracts: [...artifacts.features.values()].reduce((n, f) => n + f.contracts.size, 0),
    asyncApiFiles: [...artifacts.features.values()].reduce((n, f) => n + f.asyncapi.size, 0),
    schemaFiles: [...artifacts.features.values()].reduce((n, f) => n + f.schemas.size, 0),
    writeHandlers: 0,
    lockSites: 0,
    cacheReads: 0,
    cacheSites: { reads: [], writesWithoutTtl: [], uncoalescedReads: [], clockComparisons: [] },
    ttlWrites: 0,
    streamWrites: 0,
    outboundCalls: [],
    patternComments: [],
    analysedPaths: [...reported].sort(),
  };
  for (const file of files) {
    // Most files have none: find the comments first, count lines only for those found.
    for (const match of file.text.matchAll(/\/\/[^\S\r\n]*Pattern:/g)) {
      const line = lineAt(file.text, match.index!);
      if (!facts.patternComments!.some((c) => c.path === file.path && c.line === line)) facts.patternComments!.push({ path: file.path, line, library: 'comment' });
    }
  }
  for (const summary of summaries.values()) {
    if (!summary.reported) continue;
    facts.consumers.push(...summary.consumers);
    facts.retries.push(...summary.retries);
    facts.writeHandlers! += summary.writeHandlers;
    facts.lockSites! += summary.lockSites;
    facts.cacheReads! += summary.cacheReads.length;
    facts.ttlWrites! += summary.ttlWrites;
    facts.streamWrites! += summary.streamWrites;
    facts.cacheSites!.reads.push(...summary.cacheReads);
    facts.cacheSites!.writesWithoutTtl.push(...summary.cacheWritesWithoutTtl);
    facts.cacheSites!.uncoalescedReads.push(...summary.uncoalescedCacheReads);
    facts.cacheSites!.clockComparisons.push(...summary.clockComparisons);
    facts.outboundCalls!.push(...summary.outboundCalls);
    facts.publishes.push(...summary.publishes);
    facts.dbWrites.push(...summary.dbWrites);
    facts.regionsWithWriteAndPublish += summary.regionsWithWriteAndPublish;
  }
  return facts;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** One verdict per touched feature; the headline verdict is the lowest tier (review-output.md §9.3). */
function verdictsOf(findings: ReturnType<typeof assignStatuses>, facts: ReviewFacts): { verdict: ReviewResult['verdict']; verdicts: ReviewResult['verdict'][] } {
  const verdicts = computeVerdicts(findings, facts);
  return { verdict: primaryVerdict(verdicts), verdicts };
}

function dedupeSkips(skips: CoverageSkip[]): CoverageSkip[] {
  const seen = new Set<string>();
  const out: CoverageSkip[] = [];
  // "No patch" says less than why the file was not read (binary, too large): a file is counted once.
  const unread = new Set(skips.filter((s) => s.reason !== 'no-patch').map((s) => s.path));
  for (const skip of skips) {
    const key = `${skip.path}|${skip.reason}`;
    if (seen.has(key) || (skip.reason === 'no-patch' && unread.has(skip.path))) continue;
    seen.add(key);
    out.push(skip);
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export type { ChangedFile };
