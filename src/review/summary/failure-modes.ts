// The failure-mode walk of review-output.md §8: the catalog of reference/failure-modes.md scored by
// the findings and facts that support each mode (likelihood) and its impact, top five shown.
// Likelihood: 3 with a High-precision finding, 2 with Medium / Heuristic findings or a docs signal
// (a multi-tenant key, an active-active posture, a contract without a CI gate), 1 when only the
// exposure holds. Impact: the base impact, +1 for a compliance class on modes that lose or leak data,
// +1 for a claimed Production-ready tier or higher, 3 when the side effect is in nonIdempotentCalls.
// The blast radius comes from the feature's System concerns and contracts; the required test is
// searched in the contents of test files that reference the feature's code or channels.
import type { Feature } from '../../artifacts/model.js';
import type { FailureModeEntry, Finding } from '../types.js';
import { CLAIM_LEVEL } from './criteria.js';
import {
  claimsOf,
  complianceOf,
  concernOf,
  contractsOf,
  featureConcern,
  isFilled,
  matches,
  readmeField,
  reliabilityAnswer,
  reveal,
  vocab,
  where,
  type Located,
} from './docs.js';
import { compareInGroup, headFindings, severityRank, siteAt, type EvidenceFile, type FactSite, type ReviewFacts } from './facts.js';
import { featureScopes, featuresOfCode, featuresOfFinding, type FeatureScope } from './scope.js';

interface Exposure {
  construct: string;
  /** A code site or a docs location (`contracts/x.md:12`). */
  at: string | null;
  slug: string | null;
  /** The code file of a code site, to look for a mitigation recognised in it. */
  path?: string;
}

interface Signal {
  text: string;
  at: string;
  slug: string | null;
}

interface Ctx {
  facts: ReviewFacts;
  scopes: FeatureScope[];
}

interface CatalogRow {
  n: number;
  /** The id rules put in `finding.failureModes`. */
  id: string;
  name: string;
  /** Rules that support the mode (always, or when `accept` holds). */
  rules: readonly string[];
  accept?(f: Finding): boolean;
  /** A docs fact that makes the mode likely without a finding (counts like a Heuristic finding). */
  signal?(ctx: Ctx): Signal | null;
  exposure(ctx: Ctx): Exposure | null;
  impact: number;
  /** The code pattern that mitigates the mode, when the engine recognised it in the exposed file. */
  mitigatedBy?: string;
  /** Loses or leaks data: +1 impact under a compliance class (§8.2). */
  dataLoss?: boolean;
  mitigation: string;
  requiredTest: string;
  testSearch: RegExp;
}

function codeSite(ctx: Ctx, sites: readonly FactSite[], construct: string): Exposure | null {
  const s = sites[0];
  if (!s) return null;
  return { construct, at: siteAt(s), slug: featuresOfCode(s.path, ctx.facts)[0] ?? null, path: s.path };
}

/** A Heuristic code signal: its first site, in the feature that code belongs to. */
function codeSignal(ctx: Ctx, sites: readonly FactSite[] | undefined, text: string): Signal | null {
  const s = sites?.[0];
  return s ? { text, at: siteAt(s), slug: featuresOfCode(s.path, ctx.facts)[0] ?? null } : null;
}

function counted(n: number | undefined, construct: string): Exposure | null {
  return n !== undefined && n > 0 ? { construct, at: null, slug: null } : null;
}

/** First feature scope whose docs satisfy `test`, with the location it returns. */
function inDocs(ctx: Ctx, test: (feature: Feature, scope: FeatureScope) => { construct: string; at: string } | null): Exposure | null {
  for (const scope of ctx.scopes) {
    if (!scope.feature) continue;
    const hit = test(scope.feature, scope);
    if (hit) return { ...hit, slug: scope.slug };
  }
  return null;
}

const DEAD_LETTER = /(\.dlq|\.dlt|dead[-_.]?letter)$/i;
const MULTI_REGION = vocab('multi-region', 'multi region', 'active-active', 'active-passive', 'cross-region', 'second region', 'two regions');
const ACTIVE_ACTIVE = vocab('active-active');
const TENANT_KEY = /tenant|account|customer|merchant/i;

/** Per-key ordering: the design Ordering answer, else a contract Ordering key that is not `none`. */
function perKeyOrdering(feature: Feature): { key: string; at: string } | null {
  for (const c of contractsOf(feature)) {
    const v = c.orderingKey?.value;
    if (isFilled(v) && !/^`?none`?/i.test(v.trim())) return { key: reveal(v), at: where(c.orderingKey!.path, c.orderingKey!.line) };
  }
  const a = reliabilityAnswer(feature.design, 'Ordering');
  if (a && /per-key/i.test(a.text)) return { key: a.text, at: where(a.path, a.field.line) };
  return null;
}

function replayPolicy(feature: Feature): Located | null {
  return contractsOf(feature).map((c) => c.replay).find((r): r is Located => r !== null && isFilled(r.value)) ?? null;
}

function drPosture(feature: Feature): Located | null {
  const dr = featureConcern(feature, 'DR posture');
  return dr && isFilled(dr.value) ? dr : null;
}

function multiTenant(feature: Feature): boolean {
  return /multi-tenant/i.test(featureConcern(feature, 'Tenancy')?.value ?? '');
}

function complianceClasses(feature: Feature | undefined): Set<string> {
  const c = featureConcern(feature, 'Compliance');
  return c && isFilled(c.value) ? complianceOf(c.value) : new Set();
}

/** non-idempotent-consumer on an outbound or nonIdempotentCalls effect (mode 14's signal). */
function externalEffect(f: Finding): boolean {
  return f.ruleId === 'non-idempotent-consumer' && /nonIdempotentCalls|outbound|Idempotency-Key/i.test(f.message);
}

export const FAILURE_MODE_CATALOG: readonly CatalogRow[] = [
  {
    n: 1,
    id: 'duplicate-delivery',
    name: 'Duplicate delivery',
    rules: ['non-idempotent-consumer'],
    exposure: (c) => codeSite(c, c.facts.consumers.filter((x) => x.atLeastOnce), 'at-least-once consumer'),
    impact: 2,
    mitigatedBy: 'Idempotent Receiver',
    mitigation: 'Idempotent Receiver, inbox table, natural idempotency',
    requiredTest: 'deliver one message twice, in parallel',
    testSearch: /duplicate|twice|idempot|dedup/i,
  },
  {
    n: 2,
    id: 'out-of-order-delivery',
    name: 'Out-of-order delivery',
    rules: ['ordering-key-mismatch', 'producer-ordering-key-missing'],
    exposure: (c) =>
      inDocs(c, (feature) => {
        const ordering = perKeyOrdering(feature);
        const replay = replayPolicy(feature);
        return ordering && replay ? { construct: `per-key ordering (${ordering.at}) with a redrive policy`, at: where(replay.path, replay.line) } : null;
      }),
    impact: 2,
    mitigation: 'per-key ordering, version checks, Resequencer',
    requiredTest: 'deliver lifecycle events out of order',
    testSearch: /out.?of.?order|reorder|sequence/i,
  },
  {
    n: 3,
    id: 'lost-publish',
    name: 'Lost publish',
    rules: ['dual-write'],
    // A dead-letter copy is not an event the business relies on; only real publishes can be lost.
    exposure: (c) => {
      const publishes = c.facts.publishes.filter((p) => !p.channel || !DEAD_LETTER.test(p.channel));
      const files = new Set(c.facts.dbWrites.map((w) => w.path));
      return codeSite(c, publishes.filter((p) => files.has(p.path)), 'producer that also writes a DB');
    },
    impact: 3,
    mitigatedBy: 'Transactional Outbox',
    dataLoss: true,
    mitigation: 'Transactional Outbox plus CDC',
    requiredTest: 'kill the process between DB commit and publish',
    testSearch: /outbox|atomic/i,
  },
  {
    n: 4,
    id: 'ack-before-commit',
    name: 'Ack before commit',
    rules: ['ack-before-commit', 'auto-commit-consumer', 'consumer-error-swallowed'],
    // At-least-once entry points are the ones that acknowledge (rules.md 2.4); at-most-once ones never ack.
    exposure: (c) => codeSite(c, c.facts.consumers.filter((x) => x.atLeastOnce), 'consumer with acknowledgements'),
    impact: 3,
    dataLoss: true,
    mitigation: 'commit after durable work',
    requiredTest: 'kill the process between ack and DB write',
    testSearch: /ack|commit.*(after|before)|crash/i,
  },
  {
    n: 5,
    id: 'poison-message-loop',
    name: 'Poison message loop',
    rules: ['missing-dlq', 'retry-permanent-errors'],
    // unbounded-retry supports it only in its redelivery variants, which list the mode themselves.
    exposure: (c) => codeSite(c, c.facts.consumers, 'consumer'),
    impact: 2,
    mitigatedBy: 'Dead Letter Channel',
    mitigation: 'Invalid Message Channel, DLQ, bounded retry',
    requiredTest: 'a malformed payload ends up in the DLQ',
    testSearch: /poison|malformed|dlq|dead.?letter/i,
  },
  {
    n: 6,
    id: 'retry-storm',
    name: 'Retry storm',
    rules: ['stacked-retries', 'retry-without-jitter', 'unbounded-retry', 'sync-rpc-chain'],
    // unbounded-retry's redelivery variants (a broker handing one message back) list only the
    // poison-message loop: they put no extra load on a dependency.
    accept: (f) => f.ruleId !== 'unbounded-retry' || f.failureModes.length === 0 || f.failureModes.includes('retry-storm'),
    exposure: (c) => codeSite(c, c.facts.retries, 'retry construct'),
    impact: 2,
    mitigation: 'retry budget, backoff with jitter, circuit breaker',
    requiredTest: 'the dependency answers 503 under load',
    testSearch: /503|storm|circuit|backoff/i,
  },
  {
    n: 7,
    id: 'hot-partition',
    name: 'Hot partition',
    rules: [],
    signal: (c) => {
      const hit = inDocs(c, (feature) => {
        const ordering = perKeyOrdering(feature);
        return ordering && TENANT_KEY.test(ordering.key) && multiTenant(feature)
          ? { construct: `ordering key ${ordering.key} names a tenant-like entity in a multi-tenant feature`, at: ordering.at }
          : null;
      });
      return hit ? { text: hit.construct, at: hit.at!, slug: hit.slug } : null;
    },
    exposure: (c) =>
      inDocs(c, (feature) => {
        const ordering = perKeyOrdering(feature);
        return ordering ? { construct: `per-key ordering on ${ordering.key}`, at: ordering.at } : null;
      }),
    impact: 2,
    mitigation: 'better key, tenant isolation, resharding',
    requiredTest: 'load test with most traffic on one key',
    testSearch: /hot.?(key|partition)|skew/i,
  },
  {
    n: 8,
    id: 'stale-cache',
    name: 'Stale cache',
    rules: [],
    signal: (c) => codeSignal(c, c.facts.cacheSites?.writesWithoutTtl, 'a cache write that never expires (no TTL and no expire after it; Heuristic)'),
    exposure: (c) => codeSite(c, c.facts.cacheSites?.reads ?? [], 'cache read') ?? counted(c.facts.cacheReads, 'cache reads'),
    impact: 1,
    mitigation: 'TTL, event-driven invalidation, read-your-writes path',
    requiredTest: 'write, then read back through the cache',
    testSearch: /stale|invalidat/i,
  },
  {
    n: 9,
    id: 'cache-stampede',
    name: 'Cache stampede',
    rules: [],
    signal: (c) => codeSignal(c, c.facts.cacheSites?.uncoalescedReads, 'a cache-aside read (read, then write on a miss) with no request coalescing or lock around it (Heuristic)'),
    exposure: (c) => codeSite(c, c.facts.cacheSites?.reads ?? [], 'cache read') ?? counted(c.facts.cacheReads, 'cache reads'),
    impact: 1,
    mitigation: 'singleflight, jittered TTL, request coalescing',
    requiredTest: 'let a hot key expire under load',
    testSearch: /stampede|singleflight|coalesc/i,
  },
  {
    n: 10,
    id: 'split-brain',
    name: 'Split brain',
    rules: [],
    signal: (c) => {
      const hit = inDocs(c, (feature) => {
        const dr = drPosture(feature);
        return dr && matches(reveal(dr.value), ACTIVE_ACTIVE) ? { construct: 'DR posture is active-active', at: where(dr.path, dr.line) } : null;
      });
      return hit ? { text: hit.construct, at: hit.at!, slug: hit.slug } : null;
    },
    exposure: (c) =>
      inDocs(c, (feature) => {
        const dr = drPosture(feature);
        return dr && matches(reveal(dr.value), MULTI_REGION) ? { construct: 'multi-region DR posture', at: where(dr.path, dr.line) } : null;
      }),
    impact: 3,
    mitigation: 'single writer, lease plus fencing, conflict policy',
    requiredTest: 'simulate a network partition and a failover',
    testSearch: /split.?brain|failover/i,
  },
  {
    n: 11,
    id: 'zombie-lock-holder',
    name: 'Zombie lock holder',
    rules: ['lock-without-fencing'],
    exposure: (c) => counted(c.facts.lockSites, 'lock code'),
    impact: 3,
    mitigation: 'fencing token',
    requiredTest: "let a lease expire, then attempt the stale holder's write",
    testSearch: /fenc|lease|expir/i,
  },
  {
    n: 12,
    id: 'dlq-privacy-leak',
    name: 'DLQ privacy leak',
    rules: ['schema-pii-classification'],
    exposure: (c) =>
      inDocs(c, (feature) => {
        const classes = complianceClasses(feature);
        const dlq = contractsOf(feature).find((k) => isFilled(k.dlq?.value));
        return dlq && classes.size > 0 && !classes.has('none')
          ? { construct: `DLQ of ${dlq.channel} under ${[...classes].join(', ')}`, at: where(dlq.dlq!.path, dlq.dlq!.line) }
          : null;
      }),
    impact: 2,
    dataLoss: true,
    mitigation: 'redaction, encryption, PII tags',
    requiredTest: 'scan DLQ and log samples for PII',
    testSearch: /pii|redact/i,
  },
  {
    n: 13,
    id: 'lost-trace-context',
    name: 'Lost trace context',
    rules: ['missing-trace-context', 'asyncapi-trace-headers'],
    exposure: (c) => codeSite(c, c.facts.publishes, 'producer'),
    impact: 1,
    mitigation: 'Message History, W3C Trace Context',
    requiredTest: 'one trace spans producer, broker and consumer',
    testSearch: /traceparent|trace|span/i,
  },
  {
    n: 14,
    id: 'replay-side-effect',
    name: 'Replay side effect',
    rules: ['non-idempotent-consumer'],
    // Only effects outside the database (an outbound call, a nonIdempotentCalls effect) are the
    // "side effects" a replay repeats; a duplicate row is mode 1.
    accept: externalEffect,
    exposure: (c) =>
      inDocs(c, (feature, scope) => {
        const replay = replayPolicy(feature);
        const external = (c.facts.outboundCalls ?? []).find((o) => scope.facts.consumers.some((k) => k.path === o.path));
        return replay && external ? { construct: `redrive policy with a consumer calling out at ${siteAt(external)}`, at: where(replay.path, replay.line) } : null;
      }),
    impact: 3,
    dataLoss: true,
    mitigation: 'replay mode, idempotency, side-effect guards',
    requiredTest: 'replay historical events in staging',
    testSearch: /replay/i,
  },
  {
    n: 15,
    id: 'consumer-memory-blow-up',
    name: 'Consumer memory blow-up',
    rules: ['unbounded-prefetch-concurrency', 'oversized-payload'],
    exposure: (c) => codeSite(c, c.facts.consumers, 'consumer'),
    impact: 2,
    mitigation: 'bounded workers, prefetch limits, backpressure',
    requiredTest: 'load test with a slow dependency',
    testSearch: /load|slow|backpressure|memory/i,
  },
  {
    n: 16,
    id: 'schema-drift',
    name: 'Schema drift',
    rules: ['schema-breaking-change', 'schema-closed-with-backward'],
    signal: (c) => {
      const hit = inDocs(c, (feature) => {
        const ungated = contractsOf(feature).find((k) => !isFilled(k.ciGate?.value));
        return ungated ? { construct: `contract ${ungated.channel} names no CI gate`, at: where(ungated.artifact.path, 1) } : null;
      });
      return hit ? { text: hit.construct, at: hit.at!, slug: hit.slug } : null;
    },
    exposure: (c) =>
      inDocs(c, (feature) => {
        const first = contractsOf(feature)[0];
        return first ? { construct: `contract ${first.channel}`, at: where(first.artifact.path, 1) } : null;
      }) ?? counted(c.facts.contracts, 'contract'),
    impact: 3,
    dataLoss: true,
    mitigation: 'schema registry, compatibility CI',
    requiredTest: 'an incompatible schema breaks the build',
    testSearch: /schema|compat/i,
  },
  {
    n: 17,
    id: 'clock-skew',
    name: 'Clock skew',
    rules: [],
    signal: (c) => codeSignal(c, c.facts.cacheSites?.clockComparisons, '`Date.now()` compared with an expiry or lease value that another process may have set (Heuristic)'),
    exposure: (c) => counted(c.facts.lockSites === undefined ? undefined : c.facts.lockSites + (c.facts.ttlWrites ?? 0), 'lock or TTL code'),
    impact: 1,
    mitigation: 'server-side clocks, leases with fencing',
    requiredTest: 'inject clock skew',
    testSearch: /skew|clock/i,
  },
  {
    n: 18,
    id: 'region-failover-duplicate',
    name: 'Region failover duplicate',
    rules: ['non-idempotent-consumer'],
    // The finding supports this mode only under a multi-region posture (checked in `supports`).
    exposure: (c) =>
      c.facts.consumers.length === 0
        ? null
        : inDocs(c, (feature) => {
            const dr = drPosture(feature);
            return dr && matches(reveal(dr.value), MULTI_REGION) ? { construct: 'multi-region posture with consumers', at: where(dr.path, dr.line) } : null;
          }),
    impact: 2,
    mitigation: 'idempotency, conflict policy, replay-safe consumers',
    requiredTest: 'rehearse failover and failback',
    testSearch: /failover|failback/i,
  },
];

export const MAX_FAILURE_MODES = 5;
export const MIN_FAILURE_MODES = 3;

function multiRegionAnywhere(ctx: Ctx): boolean {
  return ctx.scopes.some((s) => s.feature && matches(reveal(drPosture(s.feature)?.value ?? ''), MULTI_REGION));
}

function supports(row: CatalogRow, f: Finding, ctx: Ctx): boolean {
  if (row.n === 18) return f.ruleId === 'non-idempotent-consumer' && multiRegionAnywhere(ctx);
  if (row.n === 16 && f.ruleId === 'contract-doc-fields') return /CI gate/i.test(f.message);
  if (row.rules.includes(f.ruleId)) return row.accept ? row.accept(f) : true;
  return f.failureModes.includes(row.id);
}

/** The root-cause finding: most severe, then the in-group order. */
function strongest(findings: readonly Finding[]): Finding {
  return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || compareInGroup(a, b))[0];
}

/** The first test whose contents match the search (substrings of code, §8.1). */
export function findTest(tests: readonly EvidenceFile[], search: RegExp): string | null {
  return [...tests].sort((a, b) => (a.path < b.path ? -1 : 1)).find((t) => search.test(t.text))?.path ?? null;
}

// ---------------------------------------------------------------------------------------------
// Blast radius (§8.3)

const REDELIVERY_MODES = new Set([4, 5, 6, 14, 15]);

function blastRadius(row: CatalogRow, scope: FeatureScope | undefined, channel: string | null): string {
  const feature = scope?.feature;
  if (!feature) return 'tenants: not documented; compliance: not documented; cost: not documented; consumers: not documented (no feature docs in scope)';
  const tenancy = featureConcern(feature, 'Tenancy');
  let tenants = 'not documented';
  if (tenancy && isFilled(tenancy.value)) {
    const v = reveal(tenancy.value);
    const detail = /\(([^)]*)\)/.exec(v)?.[1];
    if (/multi-tenant/i.test(v)) {
      tenants = row.n === 2 || row.n === 7 ? 'the tenant of the affected key' : `every tenant sharing ${channel ?? 'the channel'}`;
    } else if (/single-tenant/i.test(v)) tenants = `the one tenant${detail ? ` (${detail})` : ''}`;
    else tenants = v;
  }
  const classes = complianceClasses(feature);
  let compliance = classes.size ? [...classes].join(', ') : 'not documented';
  if ((row.n === 12 || row.n === 14) && classes.size && !classes.has('none')) compliance += ' (DLQ and log samples fall under it)';

  const design = concernOf(feature.design, 'Cost owner');
  const readme = readmeField(feature.readme, 'Cost owner');
  const costValue = design && isFilled(design.value) ? design : featureConcern(feature, 'Cost owner');
  let cost = costValue && isFilled(costValue.value) ? reveal(costValue.value) : 'not documented';
  if (design && isFilled(design.value) && readme && isFilled(readme.value) && reveal(readme.value) !== reveal(design.value)) {
    cost = `${reveal(design.value)} per the design (the README says ${reveal(readme.value)})`;
  }
  if (REDELIVERY_MODES.has(row.n) && costValue) cost += '; retries, redelivery and replays are billed there';

  const contracts = contractsOf(feature);
  const own = channel ? contracts.find((c) => c.channel === channel) : undefined;
  const consumers = own ? own.consumers : [...new Set(contracts.flatMap((c) => c.consumers))];
  let out = `tenants: ${tenants}; compliance: ${compliance}; cost: ${cost}; consumers: ${consumers.length ? consumers.join(', ') : 'none documented'}`;
  if (row.n === 10 || row.n === 18) {
    const dr = drPosture(feature);
    out += `; DR: ${dr ? reveal(dr.value) : 'not documented'}`;
  }
  return out;
}

function claimedProductionReady(scope: FeatureScope | undefined): boolean {
  if (!scope?.slug) return false;
  return claimsOf(scope.slug, scope.feature, scope.model).some((c) => CLAIM_LEVEL[c.tier] >= CLAIM_LEVEL['Production-ready']);
}

function nonIdempotentCall(f: Finding, calls: readonly string[]): boolean {
  return f.ruleId === 'non-idempotent-consumer' && (/nonIdempotentCalls/.test(f.message) || calls.some((c) => new RegExp(`\\b${c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(f.message.split(' runs on ')[0] ?? '')));
}

export function computeFailureModes(findings: readonly Finding[], facts: ReviewFacts): FailureModeEntry[] {
  // A removed finding no longer exists at head, so it cannot make a failure more likely.
  const head = headFindings(findings);
  const scopes = featureScopes(findings, facts);
  const ctx: Ctx = { facts, scopes };
  const scopeOf = (slug: string | null) => scopes.find((s) => s.slug === slug) ?? (scopes.length === 1 ? scopes[0] : undefined);
  const scored: { row: CatalogRow; entry: FailureModeEntry }[] = [];

  for (const row of FAILURE_MODE_CATALOG) {
    const support = head.filter((f) => supports(row, f, ctx));
    const signal = support.length ? null : (row.signal?.(ctx) ?? null);
    const exposure = support.length || signal ? null : row.exposure(ctx);
    const likelihood = support.some((f) => f.precision === 'High') ? 3 : support.length || signal ? 2 : exposure ? 1 : 0;
    if (likelihood === 0) continue;

    let rootCause: string;
    let slug: string | null;
    let channel: string | null = null;
    if (support.length) {
      const f = strongest(support);
      rootCause = `${f.location.path}:${f.location.startLine} — ${f.ruleId} (${f.severity}, ${f.precision}): ${f.message}`;
      slug = featuresOfFinding(f, facts)[0] ?? null;
      // A finding without a channel (a retry loop) affects what its file's consumer reads.
      channel = f.channel ?? facts.consumers.find((c) => c.path === f.location.path && c.channel)?.channel ?? null;
    } else if (signal) {
      rootCause = `${signal.text} (${signal.at}).`;
      slug = signal.slug;
    } else {
      const e = exposure!;
      const mitigated = row.mitigatedBy && e.path && facts.codePatterns?.some((p) => p.path === e.path && p.pattern === row.mitigatedBy);
      rootCause = `Exposure: ${e.construct}${e.at ? ` at ${e.at}` : ' in scope'}; ${mitigated ? `mitigated in code by ${row.mitigatedBy}` : 'no mitigation evidence found'}.`;
      slug = e.slug;
    }
    const scope = scopeOf(slug);

    let impact = row.impact;
    const classes = complianceClasses(scope?.feature);
    if (row.dataLoss && classes.size > 0 && !classes.has('none')) impact = Math.min(3, impact + 1);
    if (claimedProductionReady(scope)) impact = Math.min(3, impact + 1);
    if (support.some((f) => nonIdempotentCall(f, facts.nonIdempotentCalls ?? []))) impact = 3;

    const tests = scope ? scope.tests : (facts.tests ?? []);
    scored.push({
      row,
      entry: {
        id: row.id,
        name: row.name,
        likelihood,
        impact,
        rootCause,
        blastRadius: blastRadius(row, scope, channel),
        mitigation: row.mitigation,
        requiredTest: row.requiredTest,
        testFound: findTest(tests, row.testSearch),
        ...(slug ? { feature: slug } : {}),
      },
    });
  }
  scored.sort((a, b) => b.entry.likelihood * b.entry.impact - a.entry.likelihood * a.entry.impact || a.row.n - b.row.n);
  return scored.slice(0, MAX_FAILURE_MODES).map((s) => s.entry);
}
