// The readiness verdict of review-output.md §9, reduced to the criteria that findings and code facts
// can decide. Every criterion that needs docs evidence is "not demonstrated" until the docs rules
// land, so the computed tier is a floor, never an overstatement.
import type { Finding, Tier, Verdict } from '../types.js';
import { computeChecklists } from './checklists.js';
import { at, compareInGroup, headFindings, type ReviewFacts } from './facts.js';
import { findTest } from './failure-modes.js';

export type CriterionState = 'met' | 'failed' | 'not-demonstrated';

export interface CriterionResult {
  id: string;
  level: number;
  criterion: string;
  state: CriterionState;
  /** For failed: the first supporting finding; otherwise what met it or what is missing. */
  evidence: string;
  /** Set when the verdict rests on docs that are not evaluated yet. */
  needsDocs: boolean;
}

export const TIERS: readonly Tier[] = ['Prototype', 'Service-ready', 'Production-ready', 'Enterprise-critical'];

/** The lowest level that yields a tier (9.3 step 3); claims are checked against it. */
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

/** 9.2: System concerns each tier requires. */
const SYSTEM_CONCERNS: Record<Tier, readonly string[]> = {
  Prototype: [],
  'Service-ready': ['Owner team'],
  'Production-ready': ['Owner team', 'Tenancy', 'Compliance', 'Cost owner'],
  'Enterprise-critical': [
    'Owner team',
    'Tenancy',
    'Compliance',
    'Cost owner',
    'Capacity (with a number)',
    'DR posture (RPO and RTO)',
    'Lifecycle (with a deprecation trigger)',
  ],
};

/** The maturity model's recommended moves when leaving a level (9.4). */
const NEXT_MOVE: Record<number, string> = {
  1: 'remove dual-writes and add an outbox or inbox, idempotency keys, bounded retries and a DLQ',
  2: 'add tests for duplicates, retries, DLQ and replay, trace propagation and a first dashboard',
  3: 'add contract checks in CI, a real-broker test, alerts, a runbook, a named owner and a rehearsed replay / redrive',
  4: 'measure SLOs, run a capacity test, hold security and DR reviews, isolate tenants and deliver progressively',
};

const DOCS_PENDING = 'not evaluated yet (arrives with the docs rules)';

interface Ctx {
  head: Finding[];
  facts: ReviewFacts;
  hasCode: boolean;
}

type Outcome = { state: CriterionState; evidence: string; needsDocs?: boolean };

/**
 * The finding half of a criterion: failed on a High/Medium finding of the rules, not demonstrated
 * on Heuristic findings only (9.1), null when the rules are clean.
 */
function fromFindings(ctx: Ctx, rules: readonly string[], accept: (f: Finding) => boolean = () => true): Outcome | null {
  const hits = ctx.head.filter((f) => rules.includes(f.ruleId) && accept(f)).sort(compareInGroup);
  const firm = hits.find((f) => f.precision !== 'Heuristic');
  if (firm) return { state: 'failed', evidence: `${at(firm)} (${firm.ruleId})` };
  if (hits.length) return { state: 'not-demonstrated', evidence: `only Heuristic evidence: ${at(hits[0])} (${hits[0].ruleId})` };
  return null;
}

function docsOnly(ctx: Ctx, what: string, rules: readonly string[] = []): Outcome {
  return fromFindings(ctx, rules) ?? { state: 'not-demonstrated', evidence: `${what} ${DOCS_PENDING}`, needsDocs: true };
}

/**
 * A code criterion: findings first; without code the criterion cannot be shown (9.3 step 6); when
 * the construct is absent it is met as n/a; otherwise `clean` decides, possibly still waiting on docs.
 */
function codeCriterion(
  ctx: Ctx,
  rules: readonly string[],
  construct: { present: boolean; none: string },
  clean: Outcome,
  accept?: (f: Finding) => boolean,
): Outcome {
  const found = fromFindings(ctx, rules, accept);
  if (found) return found;
  if (!ctx.hasCode) return { state: 'not-demonstrated', evidence: 'no code in scope' };
  if (!construct.present) return { state: 'met', evidence: `n/a: ${construct.none}` };
  return clean;
}

interface Criterion {
  id: string;
  level: number;
  criterion: string;
  /** The next move for this gap; the level's recommended moves (9.4) when unset. */
  move?: string;
  evaluate(ctx: Ctx): Outcome;
}

const RETRY_TESTS = /retry|backoff|transient|permanent/i;

export const CRITERIA: readonly Criterion[] = [
  {
    id: 'C0.1',
    level: 0,
    criterion: 'patterns are named',
    evaluate: (c) => docsOnly(c, 'design `## Patterns` and `// Pattern:` comments'),
  },
  {
    id: 'C0.2',
    level: 0,
    criterion: 'reliability questions answered in design notes',
    evaluate: (c) => docsOnly(c, 'design reliability checklist', ['reliability-checklist-complete']),
  },
  {
    id: 'C1.1',
    level: 1,
    criterion: 'no dual-writes',
    move: 'write the event to an outbox in the same transaction (or record an inbox row on the consumer side)',
    evaluate: (c) =>
      codeCriterion(
        c,
        ['dual-write'],
        {
          present: c.facts.regionsWithWriteAndPublish > 0 || (c.facts.dbWrites.length > 0 && c.facts.publishes.length > 0),
          none: 'no DB write together with a publish',
        },
        { state: 'met', evidence: 'dual-write clean' },
      ),
  },
  {
    id: 'C1.2',
    level: 1,
    criterion: 'every consumer side effect is keyed for idempotency',
    move: 'guard each side effect with an inbox row, unique constraint or upsert, and declare the contract `Idempotency key`',
    evaluate: (c) =>
      codeCriterion(
        c,
        ['non-idempotent-consumer'],
        { present: c.facts.consumers.length > 0, none: 'no consumer' },
        {
          state: 'not-demonstrated',
          evidence: `non-idempotent-consumer clean; contract \`Idempotency key\` ${DOCS_PENDING}`,
          needsDocs: true,
        },
      ),
  },
  {
    id: 'C1.3',
    level: 1,
    criterion: 'retries are bounded and back off explicitly',
    move: 'bound attempts, back off with jitter, and state the bound in the design `Retry` answer',
    evaluate: (c) =>
      codeCriterion(
        c,
        ['unbounded-retry'],
        { present: c.facts.retries.length > 0 || c.facts.consumers.length > 0, none: 'no retry construct or consumer' },
        { state: 'not-demonstrated', evidence: `unbounded-retry clean; design \`Retry\` bound ${DOCS_PENDING}`, needsDocs: true },
      ),
  },
  {
    id: 'C1.4',
    level: 1,
    criterion: 'a working dead-letter queue',
    move: 'route failed messages to a dead-letter channel before acknowledging, and declare the DLQ in the contract',
    evaluate: (c) =>
      codeCriterion(
        c,
        ['missing-dlq'],
        { present: c.facts.consumers.length > 0, none: 'no consumer' },
        { state: 'not-demonstrated', evidence: `missing-dlq clean; contract DLQ ${DOCS_PENDING}`, needsDocs: true },
      ),
  },
  {
    id: 'C1.5',
    level: 1,
    criterion: 'every channel has a documented owner and purpose',
    move: 'give every produced and consumed channel a contract with `Owner` and `TL;DR`',
    evaluate: (c) => docsOnly(c, 'channel contracts (`Owner`, `TL;DR`)', ['undeclared-channel']),
  },
  {
    id: 'C2.1',
    level: 2,
    criterion: 'tests exist for duplicate or replayed messages, retry classification and DLQ routing',
    evaluate: (c) => {
      const groups: [string, RegExp][] = [
        ['duplicates', /duplicate|twice|idempot|dedup/i],
        ['poison / DLQ', /poison|malformed|dlq|dead.?letter/i],
        ['replay', /replay/i],
        ['retry classification', RETRY_TESTS],
      ];
      const missing = groups.filter(([, re]) => findTest(c.facts.testFiles, re) === null).map(([g]) => g);
      if (missing.length === 0) return { state: 'met', evidence: 'test file names cover every group' };
      return { state: 'not-demonstrated', evidence: `no test file named for ${missing.join(', ')}` };
    },
  },
  {
    id: 'C2.2',
    level: 2,
    criterion: 'every broker hop carries trace context',
    evaluate: (c) => {
      const found = fromFindings(
        c,
        ['missing-trace-context', 'asyncapi-trace-headers'],
        // Only the traceparent variants decide C2.2; correlation-id variants are R7 notes.
        (f) => f.variant === undefined || /traceparent/i.test(f.variant),
      );
      if (found) return found;
      if (c.facts.asyncApiFiles === undefined || c.facts.asyncApiFiles > 0) {
        return {
          state: 'not-demonstrated',
          evidence: `missing-trace-context clean; AsyncAPI trace headers ${DOCS_PENDING}`,
          needsDocs: true,
        };
      }
      return codeCriterion(
        c,
        [],
        { present: c.facts.publishes.length > 0 || c.facts.consumers.length > 0, none: 'no broker hop' },
        { state: 'met', evidence: 'missing-trace-context clean; no AsyncAPI file in scope' },
      );
    },
  },
  {
    id: 'C2.3',
    level: 2,
    criterion: 'basic metrics dashboard',
    evaluate: (c) => docsOnly(c, 'runbook dashboards and design `Observability` metrics'),
  },
  {
    id: 'C2.4',
    level: 2,
    criterion: "each channel's schema file and compatibility mode are declared",
    evaluate: (c) =>
      docsOnly(c, 'contract schema file and compatibility mode', ['contract-triplet-complete', 'schema-breaking-change']),
  },
  {
    id: 'C2.5',
    level: 2,
    criterion: 'consumers shut down gracefully and acknowledge only after durable writes',
    evaluate: (c) => {
      const ack = fromFindings(c, ['ack-before-commit', 'auto-commit-consumer', 'consumer-error-swallowed']);
      if (ack) return ack;
      const shutdown = c.head.filter((f) => f.ruleId === 'consumer-graceful-shutdown').sort(compareInGroup)[0];
      // consumer-graceful-shutdown is Heuristic: firing means "not shown", never "failed".
      if (shutdown) return { state: 'not-demonstrated', evidence: `${at(shutdown)} (consumer-graceful-shutdown)` };
      return codeCriterion(
        c,
        [],
        { present: c.facts.consumers.length > 0, none: 'no consumer' },
        { state: 'met', evidence: 'ack, auto-commit, error-swallowing and shutdown rules clean' },
      );
    },
  },
  {
    id: 'C3.1',
    level: 3,
    criterion: 'CI rejects incompatible contract changes',
    evaluate: () => ({ state: 'not-demonstrated', evidence: 'CI configuration not evaluated yet' }),
  },
  {
    id: 'C3.2',
    level: 3,
    criterion: 'an integration test against a real broker covers one success and one poison message',
    evaluate: () => ({ state: 'not-demonstrated', evidence: 'test imports (testcontainers, LocalStack) not evaluated yet' }),
  },
  {
    id: 'C3.3',
    level: 3,
    criterion: 'dashboards, a published runbook, and alerts on DLQ, retry rate and queue age',
    evaluate: (c) => docsOnly(c, 'runbook and alert statements', ['runbook-quality-bar']),
  },
  {
    id: 'C3.4',
    level: 3,
    criterion: 'a named owning team with an on-call escalation path',
    evaluate: (c) => docsOnly(c, 'README `Owner team`'),
  },
  {
    id: 'C3.5',
    level: 3,
    criterion: 'replay and redrive have been rehearsed',
    evaluate: (c) => docsOnly(c, 'runbook drill dates'),
  },
  {
    id: 'C3.6',
    level: 3,
    criterion: 'no unanswered checklist items',
    evaluate: (c) => {
      const regressed = computeChecklists(c.head, c.facts).reliability.find((r) => r.status === 'Regressed');
      if (regressed) return { state: 'failed', evidence: `${regressed.id} Regressed: ${regressed.evidence}` };
      return { state: 'not-demonstrated', evidence: `R1-R8 cannot be Answered: doc evidence ${DOCS_PENDING}`, needsDocs: true };
    },
  },
  { id: 'C4.1', level: 4, criterion: 'SLOs defined for whole workflows', evaluate: (c) => docsOnly(c, 'README `SLO`') },
  {
    id: 'C4.2',
    level: 4,
    criterion: 'a load-tested capacity plan',
    evaluate: (c) => docsOnly(c, '`Capacity` numbers and load-test evidence'),
  },
  {
    id: 'C4.3',
    level: 4,
    criterion: 'security and compliance review',
    evaluate: (c) => docsOnly(c, '`Compliance` and a dated security review', ['schema-pii-classification']),
  },
  { id: 'C4.4', level: 4, criterion: 'an exercised DR plan', evaluate: (c) => docsOnly(c, '`DR posture` RPO / RTO and a drill date') },
  { id: 'C4.5', level: 4, criterion: 'tenant isolation', evaluate: (c) => docsOnly(c, '`Tenancy`') },
  {
    id: 'C4.6',
    level: 4,
    criterion: 'progressive rollout with abort metrics and a named rollback owner',
    evaluate: (c) => docsOnly(c, 'launch rollback plan or rollout ADR'),
  },
];

export function evaluateCriteria(findings: readonly Finding[], facts: ReviewFacts): CriterionResult[] {
  const ctx: Ctx = { head: headFindings(findings), facts, hasCode: facts.codeFiles > 0 };
  return CRITERIA.map((c) => {
    const o = c.evaluate(ctx);
    return {
      id: c.id,
      level: c.level,
      criterion: c.criterion,
      state: o.state,
      evidence: o.evidence,
      needsDocs: o.needsDocs ?? (o.state === 'not-demonstrated' && o.evidence.includes(DOCS_PENDING)),
    };
  });
}

function joinLocations(locs: string[]): string {
  return locs.length <= 1 ? locs.join('') : `${locs.slice(0, -1).join(', ')} and ${locs[locs.length - 1]}`;
}

export interface VerdictOptions {
  /** Claimed tiers (README, catalog, launch, design, PR body); read by the docs rules when they land. */
  claims?: { location: string; tier: Tier }[];
}

export function computeVerdict(findings: readonly Finding[], facts: ReviewFacts, options: VerdictOptions = {}): Verdict {
  const criteria = evaluateCriteria(findings, facts);
  const met = (level: number) => criteria.filter((c) => c.level === level).every((c) => c.state === 'met');

  let technicalLevel = 0;
  while (technicalLevel < 4 && met(technicalLevel + 1)) technicalLevel++;

  // 9.2: System concerns are read from docs, so no tier above Prototype has its requirement shown.
  let tier = tierOfLevel(technicalLevel);
  const systemHolds = (t: Tier) => SYSTEM_CONCERNS[t].length === 0;
  while (!systemHolds(tier)) tier = TIERS[TIERS.indexOf(tier) - 1];
  const level = Math.min(technicalLevel, MAX_LEVEL[tier]);

  const next = TIERS[TIERS.indexOf(tier) + 1] ?? null;
  const gaps: Verdict['gaps'] = [];
  if (next) {
    for (const c of criteria) {
      if (c.level <= level || c.level > CLAIM_LEVEL[next] || c.state === 'met') continue;
      const what = c.state === 'failed' ? c.evidence : `not demonstrated: ${c.evidence}`;
      const move = CRITERIA.find((k) => k.id === c.id)?.move ?? NEXT_MOVE[c.level];
      gaps.push({ kind: 'technical', text: `${c.id} ${c.criterion} — ${what}; next move: ${move}.` });
    }
    const incomplete = headFindings(findings)
      .filter((f) => f.ruleId === 'system-concerns-complete')
      .sort(compareInGroup)[0];
    for (const concern of SYSTEM_CONCERNS[next]) {
      const why = incomplete ? `see ${at(incomplete)} (system-concerns-complete)` : `System concerns ${DOCS_PENDING}`;
      gaps.push({ kind: 'system', text: `${concern} filled — ${why}.` });
    }
  }

  const claims = [...(options.claims ?? [])];
  const downgrades: string[] = [];
  for (const claimed of TIERS) {
    if (TIERS.indexOf(claimed) <= TIERS.indexOf(tier)) continue;
    const locs = claims.filter((c) => c.tier === claimed).map((c) => c.location);
    if (locs.length === 0) continue;
    downgrades.push(
      `Downgrade: ${joinLocations(locs)} ${locs.length === 1 ? 'claims' : 'claim'} ${claimed}; evidence supports ${tier}.`,
    );
  }

  const readmeUpdates = headFindings(findings)
    .filter((f) => f.ruleId === 'system-concerns-drift')
    .sort(compareInGroup)
    .map((f) => `${at(f)} — ${f.message}`);

  const levelZero = criteria.filter((c) => c.level === 0 && c.state !== 'met').map((c) => c.id);
  const notShown = criteria.filter((c) => c.state === 'not-demonstrated').length;
  const failed = criteria.filter((c) => c.state === 'failed').map((c) => c.id);
  const feature = facts.features.length === 1 ? facts.features[0] : null;
  const basis = [
    `computed from ${headFindings(findings).length} head findings and code facts (${facts.codeFiles} code files, ` +
      `${facts.consumers.length} consumers, ${facts.publishes.length} publishes, ${facts.retries.length} retry constructs, ` +
      `${facts.testFiles.length} test files searched by name)`,
    facts.features.length > 1 ? `one verdict for features ${facts.features.join(', ')}` : null,
    failed.length ? `failed: ${failed.join(', ')}` : null,
    `${notShown} of ${criteria.length} criteria not demonstrated; criteria that need docs evidence count as not demonstrated until the docs rules land`,
    levelZero.length ? `level-0 criteria ${levelZero.join(', ')} not met (below the Prototype gate)` : null,
    tier !== tierOfLevel(technicalLevel)
      ? `technical level ${technicalLevel}, tier capped at ${tier} because System concerns are not evaluated yet`
      : null,
  ]
    .filter((s): s is string => s !== null)
    .join('; ');

  return {
    feature,
    tier,
    level,
    basis,
    claims,
    downgrade: downgrades.length ? downgrades.join('\n') : null,
    nextTier: next,
    gaps,
    readmeUpdates,
  };
}
