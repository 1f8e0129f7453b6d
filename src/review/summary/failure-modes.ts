// The failure-mode walk of review-output.md §8: the catalog of reference/failure-modes.md scored by
// the findings that support each mode (likelihood) and its base impact, top five shown.
import type { FailureModeEntry, Finding } from '../types.js';
import { at, compareInGroup, headFindings, severityRank, siteAt, type FactSite, type ReviewFacts } from './facts.js';

interface Exposure {
  construct: string;
  site: FactSite | null;
}

interface CatalogRow {
  n: number;
  /** The id rules put in `finding.failureModes`. */
  id: string;
  name: string;
  /**
   * Rules that support the mode for every finding. Signals that hold only for some variants or need
   * docs facts (redelivery variants, multi-region posture) arrive through `finding.failureModes`.
   */
  rules: readonly string[];
  exposure(facts: ReviewFacts): Exposure | null;
  impact: number;
  mitigation: string;
  requiredTest: string;
  testSearch: RegExp;
}

function first<T extends FactSite>(sites: readonly T[], construct: string): Exposure | null {
  return sites.length ? { construct, site: sites[0] } : null;
}

function counted(n: number | undefined, construct: string): Exposure | null {
  return n !== undefined && n > 0 ? { construct, site: null } : null;
}

/** Exposures that need docs facts (ordering policy, multi-region posture, compliance) are not reachable yet. */
const DOCS_ONLY = (): Exposure | null => null;

export const FAILURE_MODE_CATALOG: readonly CatalogRow[] = [
  {
    n: 1,
    id: 'duplicate-delivery',
    name: 'Duplicate delivery',
    rules: ['non-idempotent-consumer'],
    exposure: (f) => first(f.consumers.filter((c) => c.atLeastOnce), 'at-least-once consumer'),
    impact: 2,
    mitigation: 'Idempotent Receiver, inbox table, natural idempotency',
    requiredTest: 'deliver one message twice, in parallel',
    testSearch: /duplicate|twice|idempot|dedup/i,
  },
  {
    n: 2,
    id: 'out-of-order-delivery',
    name: 'Out-of-order delivery',
    rules: ['ordering-key-mismatch', 'producer-ordering-key-missing'],
    exposure: DOCS_ONLY,
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
    exposure: (f) =>
      f.regionsWithWriteAndPublish > 0 || (f.publishes.length > 0 && f.dbWrites.length > 0)
        ? { construct: 'producer that also writes a DB', site: f.publishes[0] ?? null }
        : null,
    impact: 3,
    mitigation: 'Transactional Outbox plus CDC',
    requiredTest: 'kill the process between DB commit and publish',
    testSearch: /outbox|atomic/i,
  },
  {
    n: 4,
    id: 'ack-before-commit',
    name: 'Ack before commit',
    rules: ['ack-before-commit', 'auto-commit-consumer', 'consumer-error-swallowed'],
    // At-least-once entry points are the ones that acknowledge (2.4); at-most-once ones never ack.
    exposure: (f) => first(f.consumers.filter((c) => c.atLeastOnce), 'consumer with acknowledgements'),
    impact: 3,
    mitigation: 'commit after durable work',
    requiredTest: 'kill the process between ack and DB write',
    testSearch: /ack|commit.*(after|before)|crash/i,
  },
  {
    n: 5,
    id: 'poison-message-loop',
    name: 'Poison message loop',
    rules: ['missing-dlq', 'retry-permanent-errors'],
    exposure: (f) => first(f.consumers, 'consumer'),
    impact: 2,
    mitigation: 'Invalid Message Channel, DLQ, bounded retry',
    requiredTest: 'a malformed payload ends up in the DLQ',
    testSearch: /poison|malformed|dlq|dead.?letter/i,
  },
  {
    n: 6,
    id: 'retry-storm',
    name: 'Retry storm',
    rules: ['stacked-retries', 'retry-without-jitter', 'unbounded-retry', 'sync-rpc-chain'],
    exposure: (f) => first(f.retries, 'retry construct'),
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
    exposure: DOCS_ONLY,
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
    exposure: (f) => counted(f.cacheReads, 'cache reads'),
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
    exposure: (f) => counted(f.cacheReads, 'cache reads'),
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
    exposure: DOCS_ONLY,
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
    exposure: (f) => counted(f.lockSites, 'lock code'),
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
    exposure: DOCS_ONLY,
    impact: 2,
    mitigation: 'redaction, encryption, PII tags',
    requiredTest: 'scan DLQ and log samples for PII',
    testSearch: /pii|redact/i,
  },
  {
    n: 13,
    id: 'lost-trace-context',
    name: 'Lost trace context',
    rules: ['missing-trace-context', 'asyncapi-trace-headers'],
    exposure: (f) => first(f.publishes, 'producer'),
    impact: 1,
    mitigation: 'Message History, W3C Trace Context',
    requiredTest: 'one trace spans producer, broker and consumer',
    testSearch: /traceparent|trace|span/i,
  },
  {
    n: 14,
    id: 'replay-side-effect',
    name: 'Replay side effect',
    rules: [],
    exposure: DOCS_ONLY,
    impact: 3,
    mitigation: 'replay mode, idempotency, side-effect guards',
    requiredTest: 'replay historical events in staging',
    testSearch: /replay/i,
  },
  {
    n: 15,
    id: 'consumer-memory-blow-up',
    name: 'Consumer memory blow-up',
    rules: ['unbounded-prefetch-concurrency', 'oversized-payload'],
    exposure: (f) => first(f.consumers, 'consumer'),
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
    exposure: (f) => counted(f.contracts, 'contract'),
    impact: 3,
    mitigation: 'schema registry, compatibility CI',
    requiredTest: 'an incompatible schema breaks the build',
    testSearch: /schema|compat/i,
  },
  {
    n: 17,
    id: 'clock-skew',
    name: 'Clock skew',
    rules: [],
    exposure: (f) => counted(f.lockSites, 'lock or TTL code'),
    impact: 1,
    mitigation: 'server-side clocks, leases with fencing',
    requiredTest: 'inject clock skew',
    testSearch: /skew|clock/i,
  },
  {
    n: 18,
    id: 'region-failover-duplicate',
    name: 'Region failover duplicate',
    rules: [],
    exposure: DOCS_ONLY,
    impact: 2,
    mitigation: 'idempotency, conflict policy, replay-safe consumers',
    requiredTest: 'rehearse failover and failback',
    testSearch: /failover|failback/i,
  },
];

export const MAX_FAILURE_MODES = 5;

export const BLAST_RADIUS_PENDING =
  'tenants: not evaluated; compliance: not evaluated; cost: not evaluated; consumers: not evaluated ' +
  '(System concerns and contracts are read by the docs rules, which have not landed yet)';

function supports(row: CatalogRow, f: Finding): boolean {
  return row.rules.includes(f.ruleId) || f.failureModes.includes(row.id);
}

/** The root-cause finding: most severe, then the in-group order. */
function strongest(findings: readonly Finding[]): Finding {
  return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || compareInGroup(a, b))[0];
}

/**
 * Only base names are searched: test contents are not in the facts yet, and directory names
 * (`packages/`, `tracking/`) would match the short expressions by accident.
 */
export function findTest(testFiles: readonly string[], search: RegExp): string | null {
  return [...testFiles].sort().find((p) => search.test(p.slice(p.lastIndexOf('/') + 1))) ?? null;
}

export function computeFailureModes(findings: readonly Finding[], facts: ReviewFacts): FailureModeEntry[] {
  // A removed finding no longer exists at head, so it cannot make a failure more likely.
  const head = headFindings(findings);
  const scored: { row: CatalogRow; entry: FailureModeEntry }[] = [];
  for (const row of FAILURE_MODE_CATALOG) {
    const support = head.filter((f) => supports(row, f));
    const exposure = support.length ? null : row.exposure(facts);
    const likelihood = support.some((f) => f.precision === 'High') ? 3 : support.length ? 2 : exposure ? 1 : 0;
    if (likelihood === 0) continue;

    let rootCause: string;
    if (support.length) {
      const f = strongest(support);
      rootCause = `${at(f)} — ${f.ruleId} (${f.severity}, ${f.precision}): ${f.message}`;
    } else {
      const where = exposure!.site ? ` at ${siteAt(exposure!.site)}` : ' in scope';
      rootCause = `Exposure: ${exposure!.construct}${where}; no mitigation evidence found.`;
    }
    const test = findTest(facts.testFiles, row.testSearch);
    scored.push({
      row,
      entry: {
        id: row.id,
        name: row.name,
        likelihood,
        impact: row.impact,
        rootCause,
        blastRadius: BLAST_RADIUS_PENDING,
        mitigation: row.mitigation,
        requiredTest: row.requiredTest,
        testFound: test,
      },
    });
  }
  scored.sort(
    (a, b) => b.entry.likelihood * b.entry.impact - a.entry.likelihood * a.entry.impact || a.row.n - b.row.n,
  );
  return scored.slice(0, MAX_FAILURE_MODES).map((s) => s.entry);
}
