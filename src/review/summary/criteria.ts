// The readiness criteria of review-output.md §9.1 (C0.1-C4.6), the System-concerns requirement of
// §9.2 and the tier of §9.3, evaluated per touched feature. One implementation serves the readiness
// verdict and rule `tier-claim-unsupported` (rules.md rule 39).
//
// States: `met`, `failed` or `not-demonstrated`. A criterion whose construct does not exist in the
// feature's code is met (n/a) when the feature has code and not demonstrated when it has none (§9.1);
// Heuristic findings never fail a criterion. Doc evidence that the feature's own artifacts should
// hold and do not is `failed` (the docs show the gap); evidence that cannot be seen from the
// repository (no CI configuration, no code, no tests) is `not-demonstrated`. A rule that did not run
// (not registered, or switched off in the configuration) cannot show "clean": the criterion is not
// demonstrated.
import type { ArtifactModel, Feature, MarkdownArtifact } from '../../artifacts/model.js';
import { findSection, parseDuration, sectionBody } from '../../artifacts/markdown.js';
import { hasConcreteCriterion } from '../../artifacts/vocabulary.js';
import type { Finding, RawFinding, Tier } from '../types.js';
import { computeChecklists } from './checklists.js';
import {
  allDocs,
  asyncApiRequiresTraceparent,
  claimsOf,
  contractFacts,
  contractsOf,
  decisionDocs,
  featureChannels,
  featureConcern,
  firstMatch,
  isFilled,
  matches,
  ownConcern,
  ownerOf,
  proseOf,
  readmeField,
  reliabilityAnswer,
  RELIABILITY_KEYS,
  runbookFacts,
  runbooksOf,
  tripletComplete,
  unitText,
  vocab,
  where,
  type Claim,
  type Concern,
  type ReliabilityKey,
} from './docs.js';
import { compareInGroup, ruleRan, type ReviewFacts } from './facts.js';
import { featureScopes, type FeatureScope } from './scope.js';

export type CriterionState = 'met' | 'failed' | 'not-demonstrated';

export interface CriterionResult {
  id: string;
  level: number;
  criterion: string;
  /** Short name for messages: `C1.1 (dual-write)`. */
  label: string;
  state: CriterionState;
  /** For failed: the first supporting finding or the missing doc element; otherwise what met it or what is missing. */
  evidence: string;
  /** The next move that closes the gap (§9.4). */
  move: string;
}

export const TIERS: readonly Tier[] = ['Prototype', 'Service-ready', 'Production-ready', 'Enterprise-critical'];

/** The lowest level that yields a tier (§9.3 step 3, CHANGES.md item 7); claims are checked against it. */
export const CLAIM_LEVEL: Record<Tier, number> = {
  Prototype: 0,
  'Service-ready': 1,
  'Production-ready': 3,
  'Enterprise-critical': 4,
};

const MAX_LEVEL: Record<Tier, number> = {
  Prototype: 0,
  'Service-ready': 2,
  'Production-ready': 3,
  'Enterprise-critical': 4,
};

export function tierOfLevel(level: number): Tier {
  return level >= 4 ? 'Enterprise-critical' : level >= 3 ? 'Production-ready' : level >= 1 ? 'Service-ready' : 'Prototype';
}

export const tierRankOf = (t: Tier): number => TIERS.indexOf(t);

/** §9.2: System concerns each tier requires. */
export const SYSTEM_CONCERNS: Record<Tier, readonly Concern[]> = {
  Prototype: [],
  'Service-ready': ['Owner team'],
  'Production-ready': ['Owner team', 'Tenancy', 'Compliance', 'Cost owner'],
  'Enterprise-critical': ['Owner team', 'Tenancy', 'Compliance', 'Cost owner', 'Capacity', 'DR posture', 'Lifecycle'],
};

/** The maturity model's recommended moves when leaving a level (§9.4). */
export const NEXT_MOVE: Record<number, string> = {
  0: 'name the patterns and answer the eight reliability questions in the design',
  1: 'remove dual-writes and add an outbox or inbox, idempotency keys, bounded retries and a DLQ',
  2: 'add tests for duplicates, retries, DLQ and replay, trace propagation and a first dashboard',
  3: 'add contract checks in CI, a real-broker test, alerts, a runbook, a named owner and a rehearsed replay / redrive',
  4: 'measure SLOs, run a capacity test, hold security and DR reviews, isolate tenants and deliver progressively',
};

// ---------------------------------------------------------------------------------------------
// Evaluation context and outcome helpers

interface Ctx {
  scope: FeatureScope;
  head: Finding[];
  facts: ReviewFacts;
  hasCode: boolean;
  feature: Feature | undefined;
  model: ArtifactModel | undefined;
}

type Outcome = { state: CriterionState; evidence: string };

const met = (evidence: string): Outcome => ({ state: 'met', evidence });
const failed = (evidence: string): Outcome => ({ state: 'failed', evidence });
const notShown = (evidence: string): Outcome => ({ state: 'not-demonstrated', evidence });

/** Failed if any part failed, else not demonstrated if any part is, else met. */
function all(...parts: Outcome[]): Outcome {
  const f = parts.find((p) => p.state === 'failed');
  if (f) return f;
  const n = parts.find((p) => p.state === 'not-demonstrated');
  if (n) return n;
  return met(parts.map((p) => p.evidence).filter(Boolean).join('; '));
}

function shortPath(ctx: Ctx, path: string): string {
  if (path.startsWith('docs/')) return where(path, 0).replace(/:0$/, '');
  const base = path.slice(path.lastIndexOf('/') + 1);
  const clash = [...ctx.scope.codePaths].some((p) => p !== path && p.endsWith(`/${base}`));
  return clash ? path : base;
}

function at(ctx: Ctx, f: Finding): string {
  return `${shortPath(ctx, f.location.path)}:${f.location.startLine}`;
}

/**
 * The finding half of a criterion: failed on a High/Medium finding of the rules, not demonstrated
 * on Heuristic findings only (§9.1), null when there is none.
 */
function fromFindings(ctx: Ctx, rules: readonly string[], accept: (f: Finding) => boolean = () => true): Outcome | null {
  // The first finding in group order, firm or any: a scan, since a big review has thousands.
  let firm: Finding | null = null;
  let first: Finding | null = null;
  const byRule = findingsByRule(ctx.head);
  for (const rule of rules) {
    for (const f of byRule.get(rule) ?? []) {
      if (!accept(f)) continue;
      if (!first || compareInGroup(f, first) < 0) first = f;
      if (f.precision !== 'Heuristic' && (!firm || compareInGroup(f, firm) < 0)) firm = f;
    }
  }
  if (firm) return failed(`${at(ctx, firm)} (${firm.ruleId})`);
  if (first) return notShown(`only Heuristic evidence: ${at(ctx, first)} (${first.ruleId})`);
  return null;
}

const byRuleCache = new WeakMap<readonly Finding[], Map<string, Finding[]>>();
function findingsByRule(findings: readonly Finding[]): Map<string, Finding[]> {
  let map = byRuleCache.get(findings);
  if (!map) {
    map = new Map();
    for (const f of findings) {
      const list = map.get(f.ruleId);
      if (list) list.push(f);
      else map.set(f.ruleId, [f]);
    }
    byRuleCache.set(findings, map);
  }
  return map;
}

/** Rules that must have run for "clean" to mean anything. */
function notRun(ctx: Ctx, rules: readonly string[]): string | null {
  return rules.find((r) => !ruleRan(ctx.facts, r)) ?? null;
}

/**
 * A code criterion: findings first; without code the criterion cannot be shown (§9.3 step 6); when
 * the construct is absent it is met as n/a; otherwise the rules must have run and be clean.
 */
function codePart(ctx: Ctx, rules: readonly string[], construct: { present: boolean; none: string }, accept?: (f: Finding) => boolean): Outcome {
  const found = fromFindings(ctx, rules, accept);
  if (found) return found;
  if (!ctx.hasCode) return notShown('no code in scope');
  if (!construct.present) return met(`n/a: ${construct.none}`);
  const missing = notRun(ctx, rules);
  if (missing) return notShown(`${missing} did not run`);
  return met(`${rules.join(', ')} clean`);
}

/** A docs criterion: not demonstrated without the feature's docs, otherwise the check decides. */
function docsPart(ctx: Ctx, check: (feature: Feature) => Outcome): Outcome {
  if (!ctx.feature) return notShown('no feature docs in scope');
  return check(ctx.feature);
}

const rel = (path: string, line: number) => where(path, line);

// ---------------------------------------------------------------------------------------------
// Vocabularies (§9.1 evidence column)

const RETRY_BOUND = vocab('\\d+\\s*(attempts?|retries|tries|x)', 'max');
const DUPLICATE_TESTS = /duplicate|twice|idempot|dedup/i;
const POISON_TESTS = /poison|malformed|dlq|dead.?letter/i;
const REPLAY_TESTS = /replay/i;
const RETRY_TESTS = /retry|backoff|transient|permanent/i;
const REAL_BROKER = /testcontainers|@testcontainers\/|localstack/i;
const COMPAT_TOOL = /schema-registry[^\n]*schema\s+check|asyncapi\s+diff|buf\s+breaking|check-schema-version-validity|json-?schema[-\s]?(diff|compat)|jsonschema-diff/i;
const ONCALL = vocab('page', 'on-call', 'oncall', 'pager', 'escalat');
const ALERT = vocab('alert');
const DLQ_WORDS = vocab('dlq', 'dead-letter', 'dead letter');
const RETRY_RATE = vocab('retry rate', 'retries', 'retry');
const QUEUE_AGE = vocab('queue age', 'lag', 'age');
const DRILL = vocab('drill', 'game day', 'gameday');
const LOAD_TEST = vocab('load test', 'load-test');
const SECURITY_REVIEW = vocab('security review');
const ISOLATION = vocab('quota', 'noisy-neighbour', 'noisy neighbour', 'noisy-neighbor', 'noisy neighbor', 'per-tenant');
const METRIC_GROUPS: [string, ReturnType<typeof vocab>][] = [
  ['queue age / lag', vocab('queue age', 'lag', 'age')],
  ['DLQ depth', vocab('dlq depth')],
  ['retry rate', vocab('retry rate', 'retr')],
  ['throughput', vocab('throughput')],
];
const DATE = /\b\d{4}-\d{2}-\d{2}\b/;

// ---------------------------------------------------------------------------------------------
// Criteria

interface Criterion {
  id: string;
  level: number;
  criterion: string;
  label: string;
  move: string;
  evaluate(ctx: Ctx): Outcome;
}

function patternsNamed(feature: Feature): number {
  const design = feature.design;
  if (!design) return 0;
  const section = findSection(design.doc, 'patterns', 2);
  if (!section) return 0;
  return sectionBody(design.doc, section)
    .filter((n) => n.type === 'list')
    .reduce((sum, n) => sum + ('children' in n ? n.children.length : 0), 0);
}

function designAnswers(design: MarkdownArtifact): ReliabilityKey[] {
  return (Object.keys(RELIABILITY_KEYS) as ReliabilityKey[]).filter((k) => {
    const a = reliabilityAnswer(design, k);
    return !a || a.deferred;
  });
}

/** Contract of a consumed channel: in the evaluated model, or read from the producing feature. */
function consumedContract(ctx: Ctx, channel: string): { path: string; artifact: MarkdownArtifact | null } | null {
  for (const m of [ctx.model, ctx.facts.artifacts?.consumed]) {
    for (const feature of m?.features.values() ?? []) {
      const artifact = feature.contracts.get(channel);
      if (artifact) return { path: artifact.path, artifact };
    }
  }
  for (const path of ctx.model?.paths ?? []) {
    if (new RegExp(`^docs/features/[^/]+/contracts/${channel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.md$`).test(path)) return { path, artifact: null };
  }
  return null;
}

function ownerAndPurpose(channel: string, artifact: MarkdownArtifact): string | null {
  const c = contractFacts(channel, artifact);
  if (!isFilled(c.owner?.value)) return `contract ${channel} names no Owner (${rel(artifact.path, 1)})`;
  if (!isFilled(c.tldr?.value)) return `contract ${channel} has no TL;DR (${rel(artifact.path, 1)})`;
  return null;
}

function alertsFor(feature: Feature, model: ArtifactModel | undefined): Record<'dlq' | 'retry' | 'age', string | null> {
  const found: Record<'dlq' | 'retry' | 'age', string | null> = { dlq: null, retry: null, age: null };
  const docs = [...decisionDocs(feature), ...feature.contracts.values(), ...runbooksOf(feature, model)];
  for (const { artifact, unit } of proseOf(docs)) {
    const text = unitText(unit);
    if (!matches(text, ALERT) || !hasConcreteCriterion(unit)) continue;
    const loc = rel(artifact.path, unit.line);
    if (!found.dlq && matches(text, DLQ_WORDS)) found.dlq = loc;
    if (!found.retry && matches(text, RETRY_RATE)) found.retry = loc;
    if (!found.age && matches(text, QUEUE_AGE)) found.age = loc;
  }
  return found;
}

/** A prose statement matching `v` that also carries a date (a dated drill, load test, review). */
function datedStatement(feature: Feature, v: ReturnType<typeof vocab>): string | null {
  for (const { artifact, unit } of proseOf(allDocs(feature))) {
    const text = unitText(unit);
    if (matches(text, v) && DATE.test(text)) return rel(artifact.path, unit.line);
  }
  return null;
}

export const CRITERIA: readonly Criterion[] = [
  {
    id: 'C0.1',
    level: 0,
    criterion: 'patterns are named',
    label: 'patterns',
    move: 'name the patterns in the design `## Patterns` section or with `// Pattern:` comments at boundaries',
    evaluate(c) {
      const comment = c.facts.patternComments?.[0];
      if (comment) return met(`\`// Pattern:\` comment at ${shortPath(c, comment.path)}:${comment.line}`);
      if (!c.feature?.design) return notShown('no design and no `// Pattern:` comment in scope');
      const n = patternsNamed(c.feature);
      return n > 0 ? met(`design names ${n} pattern${n === 1 ? '' : 's'}`) : failed('design `## Patterns` has no bullet');
    },
  },
  {
    id: 'C0.2',
    level: 0,
    criterion: 'reliability questions answered in design notes',
    label: 'reliability answers',
    move: 'answer the eight reliability questions in the design, none of them "later"',
    evaluate(c) {
      const found = fromFindings(c, ['reliability-checklist-complete'], (f) => f.severity !== 'Suggestion');
      if (found) return found;
      if (!c.feature?.design) return notShown('no design in scope');
      const open = designAnswers(c.feature.design);
      return open.length ? failed(`design has no answer for ${open.join(', ')}`) : met('design answers all eight');
    },
  },
  {
    id: 'C1.1',
    level: 1,
    criterion: 'no dual-writes',
    label: 'dual-write',
    move: 'write the event to an outbox in the same transaction (or record an inbox row on the consumer side)',
    evaluate: (c) =>
      codePart(c, ['dual-write'], {
        present: c.facts.regionsWithWriteAndPublish > 0 || (c.facts.dbWrites.length > 0 && c.facts.publishes.length > 0),
        none: 'no DB write together with a publish',
      }),
  },
  {
    id: 'C1.2',
    level: 1,
    criterion: 'every consumer side effect is keyed for idempotency',
    label: 'idempotency',
    move: 'guard each side effect with an inbox row, unique constraint or upsert, and declare the contract `Idempotency key`',
    evaluate: (c) =>
      all(
        codePart(c, ['non-idempotent-consumer'], { present: c.facts.consumers.length > 0, none: 'no consumer' }),
        docsPart(c, (feature) => {
          const bad = contractsOf(feature).find((k) => !isFilled(k.idempotencyKey?.value));
          if (bad) return failed(`contract ${bad.channel} declares no \`Idempotency key\``);
          return met(feature.contracts.size ? 'contract `Idempotency key` declared' : '');
        }),
      ),
  },
  {
    id: 'C1.3',
    level: 1,
    criterion: 'retries are bounded and back off explicitly',
    label: 'bounded retry',
    move: 'bound attempts, back off with jitter, and state the bound in the design `Retry` answer',
    evaluate: (c) =>
      all(
        codePart(c, ['unbounded-retry'], { present: c.facts.retries.length > 0 || c.facts.consumers.length > 0, none: 'no retry construct or consumer' }),
        docsPart(c, (feature) => {
          if (!feature.design) return notShown('no design in scope');
          const a = reliabilityAnswer(feature.design, 'Retry');
          if (!a || a.deferred) return failed('design has no `Retry` answer');
          const bound = firstMatch(a.text, RETRY_BOUND);
          return bound ? met(`design Retry bound "${bound}"`) : failed(`design Retry answer states no bound (${rel(a.path, a.field.line)})`);
        }),
      ),
  },
  {
    id: 'C1.4',
    level: 1,
    criterion: 'a working dead-letter queue',
    label: 'DLQ',
    move: 'route failed messages to a dead-letter channel before acknowledging, and declare the DLQ in the contract',
    evaluate: (c) =>
      all(
        codePart(c, ['missing-dlq'], { present: c.facts.consumers.length > 0, none: 'no consumer' }),
        docsPart(c, (feature) => {
          const bad = contractsOf(feature).find((k) => !isFilled(k.dlq?.value));
          if (bad) return failed(`contract ${bad.channel} declares no DLQ`);
          return met(feature.contracts.size ? 'contract DLQ declared' : '');
        }),
      ),
  },
  {
    id: 'C1.5',
    level: 1,
    criterion: 'every channel has a documented owner and purpose',
    label: 'channel ownership',
    move: 'give every produced and consumed channel a contract with `Owner` and `TL;DR`',
    evaluate: (c) => {
      const found = fromFindings(c, ['undeclared-channel']);
      if (found) return found;
      return docsPart(c, (feature) => {
        const { produced, consumed } = featureChannels(feature);
        for (const channel of [...produced].sort()) {
          const artifact = feature.contracts.get(channel);
          if (!artifact) return failed(`produced channel ${channel} has no contract in the feature`);
          const problem = ownerAndPurpose(channel, artifact);
          if (problem) return failed(problem);
        }
        for (const channel of [...consumed].sort()) {
          const contract = consumedContract(c, channel);
          if (!contract) return failed(`consumed channel ${channel} has no contract in any feature`);
          const problem = contract.artifact ? ownerAndPurpose(channel, contract.artifact) : null;
          if (problem) return failed(problem);
        }
        const n = produced.size + consumed.size;
        return met(n ? `${n} channel${n === 1 ? '' : 's'} with an owned contract` : 'n/a: no channel');
      });
    },
  },
  {
    id: 'C2.1',
    level: 2,
    criterion: 'tests exist for duplicate or replayed messages, retry classification and DLQ routing',
    label: 'reliability tests',
    move: 'add tests that deliver a message twice, replay events, classify retried errors and route a poison message to the DLQ',
    evaluate(c) {
      if (!c.hasCode) return notShown('no code in scope');
      const groups: [string, RegExp][] = [
        ['duplicates', DUPLICATE_TESTS],
        ['poison / DLQ', POISON_TESTS],
        ['replay', REPLAY_TESTS],
        ['retry classification', RETRY_TESTS],
      ];
      const missing = groups.filter(([, re]) => !c.scope.tests.some((t) => re.test(t.text))).map(([g]) => g);
      if (missing.length === 0) return met(`tests cover every group (${c.scope.tests.map((t) => shortPath(c, t.path)).join(', ')})`);
      return notShown(`no test of the feature's code covers ${missing.join(', ')}`);
    },
  },
  {
    id: 'C2.2',
    level: 2,
    criterion: 'every broker hop carries trace context',
    label: 'trace context',
    move: 'inject W3C traceparent on every publish, extract it in consumers, and require it in the AsyncAPI headers',
    evaluate: (c) => {
      const found = fromFindings(
        c,
        ['missing-trace-context', 'asyncapi-trace-headers'],
        // Only the traceparent variants decide C2.2; correlation-id variants are R7 notes.
        (f) => f.variant === undefined || /traceparent/i.test(f.variant),
      );
      if (found) return found;
      const docs = c.feature && c.model && c.facts.traceHeaderIn !== 'openapi'
        ? [...c.feature.asyncapi.keys()].sort().find((ch) => asyncApiRequiresTraceparent(c.feature!, ch, c.model!) === false)
        : undefined;
      if (docs) return failed(`AsyncAPI ${docs} does not require traceparent`);
      return codePart(c, ['missing-trace-context'], { present: c.facts.publishes.length > 0 || c.facts.consumers.length > 0, none: 'no broker hop' });
    },
  },
  {
    id: 'C2.3',
    level: 2,
    criterion: 'basic metrics dashboard',
    label: 'dashboard',
    move: 'name a dashboard in the runbook (queue age, DLQ depth, retry rate, throughput)',
    evaluate: (c) =>
      docsPart(c, (feature) => {
        const runbook = runbooksOf(feature, c.model).map(runbookFacts).find((r) => r.dashboards !== null);
        if (runbook) return met(`${rel(runbook.artifact.path, runbook.dashboards!)} names dashboards`);
        const a = reliabilityAnswer(feature.design, 'Observability');
        const named = a ? METRIC_GROUPS.filter(([, v]) => matches(a.text, v)).map(([g]) => g) : [];
        if (a && named.length >= 3) return met(`design Observability names ${named.join(', ')}`);
        return failed('no runbook names a dashboard and the design Observability answer names fewer than three metrics');
      }),
  },
  {
    id: 'C2.4',
    level: 2,
    criterion: "each channel's schema file and compatibility mode are declared",
    label: 'schema and compatibility',
    move: 'add the schema and AsyncAPI files of every contract and declare its compatibility mode',
    evaluate: (c) => {
      const found = fromFindings(c, ['contract-triplet-complete', 'schema-breaking-change']);
      if (found) return found;
      return docsPart(c, (feature) => {
        for (const k of contractsOf(feature)) {
          if (!k.mode) return failed(`contract ${k.channel} declares no compatibility mode`);
          if (c.model && !tripletComplete(feature, k.channel, c.model)) return failed(`contract ${k.channel} has no schema or AsyncAPI file`);
        }
        return met(feature.contracts.size ? 'schemas and modes declared' : 'n/a: no contract');
      });
    },
  },
  {
    id: 'C2.5',
    level: 2,
    criterion: 'consumers shut down gracefully and acknowledge only after durable writes',
    label: 'graceful consumers',
    move: 'acknowledge after durable work, rethrow or dead-letter failures, and handle SIGTERM',
    evaluate: (c) => {
      const ack = fromFindings(c, ['ack-before-commit', 'auto-commit-consumer', 'consumer-error-swallowed']);
      if (ack) return ack;
      const shutdown = c.head.filter((f) => f.ruleId === 'consumer-graceful-shutdown').sort(compareInGroup)[0];
      // consumer-graceful-shutdown is Heuristic: firing means "not shown", never "failed".
      if (shutdown) return notShown(`${at(c, shutdown)} (consumer-graceful-shutdown)`);
      return codePart(c, ['ack-before-commit', 'auto-commit-consumer', 'consumer-error-swallowed', 'consumer-graceful-shutdown'], {
        present: c.facts.consumers.length > 0,
        none: 'no consumer',
      });
    },
  },
  {
    id: 'C3.1',
    level: 3,
    criterion: 'CI rejects incompatible contract changes',
    label: 'CI compatibility check',
    move: 'run a schema compatibility check (schema registry, `buf breaking`, `asyncapi diff`) in CI and name the job in the contract',
    evaluate(c) {
      const contracts = contractsOf(c.feature);
      const ungated = contracts.find((k) => !isFilled(k.ciGate?.value));
      if (ungated) return failed(`contract ${ungated.channel} names no CI gate`);
      if (c.feature && contracts.length === 0) return met('n/a: no contract');
      const configs = c.facts.ciConfigs ?? [];
      if (configs.length === 0) return notShown('no CI configuration visible');
      for (const cfg of configs) {
        if (COMPAT_TOOL.test(cfg.text)) return met(`${cfg.path} runs a compatibility check`);
        const job = contracts.find((k) => k.ciJob && cfg.text.includes(k.ciJob));
        if (job) return met(`${cfg.path} runs \`${job.ciJob}\``);
      }
      return failed(`CI configuration (${configs.map((f) => f.path).join(', ')}) runs no compatibility check`);
    },
  },
  {
    id: 'C3.2',
    level: 3,
    criterion: 'an integration test against a real broker covers one success and one poison message',
    label: 'real-broker test',
    move: 'add a Testcontainers (or LocalStack) test with one good and one poison message',
    evaluate(c) {
      if (!c.hasCode) return notShown('no code in scope');
      const test = c.scope.tests.find((t) => REAL_BROKER.test(t.text) && POISON_TESTS.test(t.text));
      return test ? met(`${test.path} uses a real broker with a poison message`) : notShown('no real-broker test with a poison message');
    },
  },
  {
    id: 'C3.3',
    level: 3,
    criterion: 'dashboards, a published runbook, and alerts on DLQ, retry rate and queue age',
    label: 'runbook and alerts',
    move: 'publish a runbook that passes the quality bar and alert on the first DLQ message, abnormal retry rate and queue age',
    evaluate: (c) => {
      const found = fromFindings(c, ['runbook-quality-bar'], (f) => f.severity !== 'Suggestion');
      if (found) return found;
      return docsPart(c, (feature) => {
        const runbooks = runbooksOf(feature, c.model);
        if (runbooks.length === 0) return failed('the feature has no runbook');
        if (notRun(c, ['runbook-quality-bar'])) return notShown('runbook-quality-bar did not run');
        const alerts = alertsFor(feature, c.model);
        const missing = (['dlq', 'retry', 'age'] as const).filter((k) => !alerts[k]).map((k) => ({ dlq: 'DLQ', retry: 'retry rate', age: 'queue age' })[k]);
        if (missing.length) return failed(`no alert with a concrete threshold on ${missing.join(', ')}`);
        return met(`runbook passes the quality bar; alerts at ${alerts.dlq}, ${alerts.retry}, ${alerts.age}`);
      });
    },
  },
  {
    id: 'C3.4',
    level: 3,
    criterion: 'a named owning team with an on-call escalation path',
    label: 'owner and on-call',
    move: 'name the owning team in the README with its on-call or paging target',
    evaluate: (c) =>
      docsPart(c, (feature) => {
        const owner = readmeField(feature.readme, 'Owner team');
        if (!feature.readme) return notShown('no README in scope');
        if (!owner || !isFilled(owner.value)) return failed('README has no `Owner team`');
        if (matches(owner.value, ONCALL) || /#[a-z0-9][\w-]*/i.test(owner.value)) return met(`README.md:${owner.line} names the team and its escalation`);
        return failed(`README \`Owner team\` names no on-call, pager or chat channel (README.md:${owner.line})`);
      }),
  },
  {
    id: 'C3.5',
    level: 3,
    criterion: 'replay and redrive have been rehearsed',
    label: 'rehearsed redrive',
    move: 'rehearse replay and redrive and record `Last drilled: YYYY-MM-DD` in the runbook',
    evaluate: (c) =>
      docsPart(c, (feature) => {
        const drilled = runbooksOf(feature, c.model).map(runbookFacts).find((r) => r.lastDrilled);
        if (drilled) return met(`${rel(drilled.artifact.path, drilled.lastDrilled!.line)} Last drilled`);
        const stated = datedStatement(feature, DRILL);
        return stated ? met(`dated drill at ${stated}`) : failed('no runbook `Last drilled` date and no dated drill or game day');
      }),
  },
  {
    id: 'C3.6',
    level: 3,
    criterion: 'no unanswered checklist items',
    label: 'checklist answered',
    move: 'answer every open reliability and distributed-systems question',
    evaluate(c) {
      const lists = computeChecklists(c.head, c.facts);
      const rows = [...lists.reliability, ...(lists.distributed.applicable ? lists.distributed.rows : [])];
      const open = rows.filter((r) => r.status !== 'Answered');
      if (open.length === 0) return met(`R1-R8${lists.distributed.applicable ? ' and D1-D6' : ''} Answered`);
      const text = `${open.map((r) => `${r.id} ${r.status}`).join(', ')}`;
      const shown = Boolean(c.feature?.design) || open.some((r) => r.status === 'Regressed');
      return shown ? failed(text) : notShown(`${text} (no design in scope)`);
    },
  },
  {
    id: 'C4.1',
    level: 4,
    criterion: 'SLOs defined for whole workflows or user journeys',
    label: 'SLO',
    move: 'define the SLO as a percentage and a latency or time bound for the whole workflow',
    evaluate: (c) =>
      docsPart(c, (feature) => {
        if (!feature.readme) return notShown('no README in scope');
        const slo = readmeField(feature.readme, 'SLO');
        if (!slo || !isFilled(slo.value)) return failed('README has no `SLO`');
        const percent = /\d+(\.\d+)?\s*%/.test(slo.value);
        const bound = parseDuration(slo.value) !== null || /\bp\d{2,3}\b/i.test(slo.value);
        return percent && bound ? met(`README.md:${slo.line} SLO`) : failed(`README SLO lacks a percentage and a time bound (README.md:${slo.line})`);
      }),
  },
  {
    id: 'C4.2',
    level: 4,
    criterion: 'a capacity plan whose burst and dependency-quota headroom were load-tested',
    label: 'load-tested capacity',
    move: 'state p99 and growth in `Capacity` and load-test the burst headroom',
    evaluate: (c) =>
      docsPart(c, (feature) => {
        const capacity = featureConcern(feature, 'Capacity');
        if (!capacity || !isFilled(capacity.value)) return failed('`Capacity` not filled');
        if (!/\bp99\b/i.test(capacity.value) || !/growth/i.test(capacity.value) || !/\d/.test(capacity.value)) {
          return failed(`\`Capacity\` lacks p99 and growth numbers (${rel(capacity.path, capacity.line)})`);
        }
        const files = c.facts.loadTestPaths ?? [];
        if (files.length) return met(`load tests at ${files[0]}`);
        const stated = datedStatement(feature, LOAD_TEST);
        return stated ? met(`dated load test at ${stated}`) : failed('no load-test file and no dated load test');
      }),
  },
  {
    id: 'C4.3',
    level: 4,
    criterion: 'security and compliance review',
    label: 'security review',
    move: 'hold a security and compliance review and record its date',
    evaluate: (c) => {
      const found = fromFindings(c, ['schema-pii-classification']);
      if (found) return found;
      return docsPart(c, (feature) => {
        const compliance = featureConcern(feature, 'Compliance');
        if (!compliance || !isFilled(compliance.value)) return failed('`Compliance` not filled');
        const linked = feature.readme?.doc.links.some((l) => /(^|\/)system\/compliance\.md$/.test(l.path));
        const stated = datedStatement(feature, SECURITY_REVIEW);
        if (!linked && !stated) return failed('no dated security review and no link to docs/system/compliance.md');
        if (notRun(c, ['schema-pii-classification'])) return notShown('schema-pii-classification did not run');
        return met(stated ? `dated security review at ${stated}` : 'README links docs/system/compliance.md');
      });
    },
  },
  {
    id: 'C4.4',
    level: 4,
    criterion: 'a DR plan whose RPO and RTO were exercised',
    label: 'DR drill',
    move: 'state RPO and RTO and drill the failover runbook',
    evaluate: (c) =>
      docsPart(c, (feature) => {
        const dr = featureConcern(feature, 'DR posture');
        if (!dr || !isFilled(dr.value) || !/RPO\D{0,10}\d/i.test(dr.value) || !/RTO\D{0,10}\d/i.test(dr.value)) {
          return failed('`DR posture` has no RPO and RTO numbers');
        }
        const runbooks = runbooksOf(feature, c.model).map(runbookFacts);
        const failover = runbooks.find((r) => /failover/i.test(r.incidentType ?? '') && r.lastDrilled);
        if (failover) return met(`${rel(failover.artifact.path, failover.lastDrilled!.line)} failover drilled`);
        const linked = feature.readme?.doc.links.some((l) => /(^|\/)system\/dr\.md$/.test(l.path));
        const drill = runbooks.find((r) => r.lastDrilled) ?? null;
        if (linked && (drill || datedStatement(feature, DRILL))) return met('README links docs/system/dr.md and a drill is dated');
        return failed('no failover runbook with a drill date');
      }),
  },
  {
    id: 'C4.5',
    level: 4,
    criterion: 'tenant isolation',
    label: 'tenant isolation',
    move: 'name the tenant isolation mechanism and add quotas or per-tenant observability',
    evaluate: (c) =>
      docsPart(c, (feature) => {
        const tenancy = featureConcern(feature, 'Tenancy');
        if (!tenancy || !isFilled(tenancy.value)) return failed('`Tenancy` not filled');
        if (/single-tenant/i.test(tenancy.value)) return met('single-tenant');
        if (!/multi-tenant/i.test(tenancy.value)) return failed(`\`Tenancy\` is neither single-tenant nor multi-tenant (${rel(tenancy.path, tenancy.line)})`);
        const mechanism = tenancy.value.replace(/`?multi-tenant`?/i, '').replace(/[^A-Za-z]+/g, ' ').trim();
        if (!mechanism) return failed('`Tenancy` names no isolation mechanism');
        const hit = proseOf(allDocs(feature)).find(({ unit }) => matches(unitText(unit), ISOLATION));
        return hit ? met(`isolation at ${rel(hit.artifact.path, hit.unit.line)}`) : failed('no quota, noisy-neighbour protection or per-tenant observability in the docs');
      }),
  },
  {
    id: 'C4.6',
    level: 4,
    criterion: 'progressive rollout with abort metrics and a named rollback owner',
    label: 'progressive rollout',
    move: 'write a rollout with concrete abort criteria and a named rollback owner',
    evaluate: (c) =>
      docsPart(c, (feature) => {
        const launch = feature.launches[feature.launches.length - 1];
        const trigger = launch?.doc.fields.find((f) => /^trigger$/i.test(f.name));
        if (launch && trigger) {
          const unit = proseOf([launch]).find(({ unit: u }) => u.line <= trigger.line && trigger.line <= u.endLine)?.unit;
          if (unit && hasConcreteCriterion(unit)) return met(`${rel(launch.path, trigger.line)} rollback trigger`);
        }
        for (const doc of decisionDocs(feature)) {
          const rollout = doc.doc.headings.find((s) => s.key === 'rollout' || s.key.endsWith('rollout and migration plan'));
          if (!rollout) continue;
          const units = proseOf([doc]).filter(({ unit }) => unit.line > rollout.line && unit.line <= rollout.endLine).map((x) => x.unit);
          const abort = units.some((u) => /abort|roll ?back/i.test(unitText(u)) && hasConcreteCriterion(u));
          const owner = units.some((u) => /rollback owner/i.test(unitText(u)));
          if (abort && owner) return met(`${rel(doc.path, rollout.line)} rollout with abort criteria and a rollback owner`);
        }
        return failed('no launch rollback trigger and no rollout with concrete abort criteria and a rollback owner');
      }),
  },
];

// ---------------------------------------------------------------------------------------------
// Readiness of one feature

export interface SystemRequirement {
  concern: string;
  state: CriterionState;
  evidence: string;
}

export interface Readiness {
  slug: string | null;
  criteria: CriterionResult[];
  technicalLevel: number;
  tier: Tier;
  level: number;
  /** Tier before the System-concerns cap. */
  uncappedTier: Tier;
  /** Requirement of each tier (§9.2), evaluated. */
  system: Record<Tier, SystemRequirement[]>;
  claims: Claim[];
  /** README `Owner team` (team part), the owner who closes the gaps (§9.4). */
  owner: string | null;
  scope: FeatureScope;
}

function systemRequirement(scope: FeatureScope, concern: Concern, tier: Tier): SystemRequirement {
  const name = tier === 'Enterprise-critical' && ['Capacity', 'DR posture', 'Lifecycle'].includes(concern)
    ? { Capacity: 'Capacity (with a number)', 'DR posture': 'DR posture (RPO and RTO)', Lifecycle: 'Lifecycle (with a deprecation trigger)' }[concern as 'Capacity']
    : concern;
  if (!scope.feature) return { concern: name, state: 'not-demonstrated', evidence: 'no feature docs in scope' };
  const value = ownConcern(scope.feature, concern);
  if (!value || !isFilled(value.value)) {
    return { concern: name, state: 'failed', evidence: value ? `placeholder at ${rel(value.path, value.line)}` : 'not written in the design or README' };
  }
  const v = value.value;
  if (tier === 'Enterprise-critical') {
    if (concern === 'Capacity' && !/\d/.test(v)) return { concern: name, state: 'failed', evidence: `no number at ${rel(value.path, value.line)}` };
    if (concern === 'DR posture' && !(/RPO\D{0,10}\d/i.test(v) && /RTO\D{0,10}\d/i.test(v))) {
      return { concern: name, state: 'failed', evidence: `no RPO and RTO at ${rel(value.path, value.line)}` };
    }
    if (concern === 'Lifecycle' && !/deprecat|retire|sunset|replace/i.test(v)) {
      return { concern: name, state: 'failed', evidence: `no deprecation trigger at ${rel(value.path, value.line)}` };
    }
  }
  return { concern: name, state: 'met', evidence: rel(value.path, value.line) };
}

export function assessScope(scope: FeatureScope): Readiness {
  const ctx: Ctx = {
    scope,
    head: scope.findings,
    facts: scope.facts,
    hasCode: scope.facts.codeFiles > 0,
    feature: scope.feature,
    model: scope.model,
  };
  const criteria: CriterionResult[] = CRITERIA.map((k) => {
    const o = k.evaluate(ctx);
    return { id: k.id, level: k.level, criterion: k.criterion, label: k.label, state: o.state, evidence: o.evidence, move: k.move };
  });
  const levelMet = (level: number) => criteria.filter((c) => c.level === level).every((c) => c.state === 'met');
  let technicalLevel = 0;
  while (technicalLevel < 4 && levelMet(technicalLevel + 1)) technicalLevel++;

  const system = Object.fromEntries(
    TIERS.map((t) => [t, SYSTEM_CONCERNS[t].map((concern) => systemRequirement(scope, concern, t))]),
  ) as Record<Tier, SystemRequirement[]>;
  const uncappedTier = tierOfLevel(technicalLevel);
  let tier = uncappedTier;
  while (system[tier].some((r) => r.state !== 'met')) tier = TIERS[TIERS.indexOf(tier) - 1];
  const level = Math.min(technicalLevel, MAX_LEVEL[tier]);

  return {
    slug: scope.slug,
    criteria,
    technicalLevel,
    tier,
    level,
    uncappedTier,
    system,
    claims: [
      ...(scope.slug ? claimsOf(scope.slug, scope.feature, scope.model) : []),
      // The PR's own claim is about every feature it touches, and about the review when it touches none.
      ...(scope.facts.pullRequestClaims ?? []).map((c) => ({
        tier: c.tier,
        source: 'pr' as const,
        // Rule 39 reports a claim only the PR makes at the README's first line; without a README, at the design's.
        path: scope.slug ? (scope.feature?.readme?.path ?? scope.feature?.design?.path ?? `docs/features/${scope.slug}/README.md`) : '',
        line: 1,
        location: c.location,
      })),
    ],
    owner: ownerOf(scope.feature),
    scope,
  };
}

/** Readiness of every touched feature (one for a review without features). */
export function assessReadiness(findings: readonly Finding[], facts: ReviewFacts): Readiness[] {
  return featureScopes(findings, facts).map(assessScope);
}

/**
 * Rule 39 steps 1-2: the criteria of every level up to the claim level of `tier`, and the tier's
 * System-concerns requirement, that are failed (not merely not demonstrated).
 */
export function contradictions(readiness: Readiness, tier: Tier): { id: string; label: string; evidence: string }[] {
  const limit = CLAIM_LEVEL[tier];
  const out = readiness.criteria
    .filter((c) => c.level <= limit && c.state === 'failed')
    .map((c) => ({ id: c.id, label: c.label, evidence: c.evidence }));
  for (const r of readiness.system[tier]) {
    if (r.state === 'failed') out.push({ id: 'System concerns', label: r.concern, evidence: r.evidence });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Inputs for rule tier-claim-unsupported. Docs rules see only the artifact model; the readiness
// evaluation also needs the other rules' findings and the code facts of the same side. The engine
// runs the rule after every other rule and attaches those inputs to the side's model here.

export interface ReadinessInputs {
  findings: readonly (Finding | RawFinding)[];
  facts: ReviewFacts;
}

const inputsByModel = new WeakMap<ArtifactModel, ReadinessInputs>();

export function provideReadinessInputs(model: ArtifactModel, inputs: ReadinessInputs): void {
  inputsByModel.set(model, inputs);
}

export function readinessInputsFor(model: ArtifactModel): ReadinessInputs | undefined {
  return inputsByModel.get(model);
}

/** Rules that read the readiness evaluation and so must run after every other rule of a side. */
export const READINESS_RULES: ReadonlySet<string> = new Set(['tier-claim-unsupported']);

/** A raw finding (no status yet) as the summaries read it: it exists at the evaluated side. */
export function asHeadFinding(f: Finding | RawFinding): Finding {
  if ('status' in f) return f;
  return { ...f, fingerprint: '', status: 'pre-existing', gating: false, accepted: null };
}
