// The anti-pattern table of review-output.md §7: which anti-patterns were checked, which fired,
// which this change removed, which are forward-looking risks, and which no rule can decide.
import type { AntiPatternRow, Finding } from '../types.js';
import { at, compareInGroup, type ReviewFacts } from './facts.js';

/** A checked condition: `true`, or the n/a reason shown when it does not hold. */
type Checked = true | string;

interface AntiPattern {
  name: string;
  rules: readonly string[];
  /** `antiPattern` values of `artifact-anti-pattern-scan` hits that belong here (normalised). */
  scan?: readonly string[];
  checked(facts: ReviewFacts): Checked;
}

function count(n: number | undefined, what: string, missing: string): Checked {
  if (n === undefined) return `n/a: ${missing} not evaluated yet`;
  return n > 0 ? true : `n/a: no ${what} in scope`;
}

function any(...conds: Checked[]): Checked {
  if (conds.some((c) => c === true)) return true;
  return conds.join('; ').replace(/; n\/a: /g, ', ');
}

const consumers = (f: ReviewFacts): Checked => count(f.consumers.length, 'consumer', 'consumers');
const retries = (f: ReviewFacts): Checked => count(f.retries.length, 'retry construct', 'retry constructs');
const publishes = (f: ReviewFacts): Checked => count(f.publishes.length, 'publish', 'publishes');

// Names avoid commas: the rendered lists are comma-separated.
export const ANTI_PATTERNS: readonly AntiPattern[] = [
  {
    name: 'dual-write',
    rules: ['dual-write'],
    scan: ['dual write'],
    checked: (f) =>
      any(count(f.regionsWithWriteAndPublish, 'region with both a DB write and a publish', ''), f.hasDesign ? true : 'n/a: no design'),
  },
  {
    name: 'ack / commit before processing or auto-commit',
    rules: ['ack-before-commit', 'auto-commit-consumer', 'consumer-error-swallowed'],
    scan: ['ack before commit'],
    checked: consumers,
  },
  { name: 'unbounded retry', rules: ['unbounded-retry'], scan: ['unbounded retry'], checked: (f) => any(retries(f), consumers(f)) },
  {
    name: 'no jitter or retrying permanent errors',
    rules: ['retry-without-jitter', 'retry-permanent-errors'],
    checked: retries,
  },
  { name: 'retry storm (stacked retries)', rules: ['stacked-retries'], checked: retries },
  {
    name: 'non-idempotent consumer under at-least-once',
    rules: ['non-idempotent-consumer'],
    checked: (f) => count(f.consumers.filter((c) => c.atLeastOnce).length, 'at-least-once consumer', ''),
  },
  {
    name: 'DLQ missing or without owner / alert / dashboard / redrive',
    rules: ['missing-dlq', 'dlq-ownership', 'runbook-quality-bar'],
    checked: (f) => any(consumers(f), count(f.contracts, 'contract', 'contracts')),
  },
  {
    name: 'missing trace context (traceparent, correlation / causation id)',
    rules: ['missing-trace-context', 'asyncapi-trace-headers'],
    checked: (f) => any(publishes(f), count(f.asyncApiFiles, 'AsyncAPI file', 'AsyncAPI files')),
  },
  { name: 'oversized broker payloads', rules: ['oversized-payload'], checked: publishes },
  { name: 'distributed 2PC / XA', rules: ['distributed-2pc'], scan: ['distributed 2pc'], checked: (f) => count(f.dbWrites.length, 'DB code', '') },
  {
    name: 'synchronous RPC chain on a write path',
    rules: ['sync-rpc-chain'],
    checked: (f) => count(f.writeHandlers, 'write handler', 'write handlers'),
  },
  {
    name: 'unbounded queues / workers / prefetch / buffers',
    rules: ['unbounded-prefetch-concurrency'],
    checked: (f) => any(consumers(f), count(f.streamWrites, 'stream write', 'stream writes')),
  },
  {
    name: 'distributed locks without fencing',
    rules: ['lock-without-fencing'],
    checked: (f) => count(f.lockSites, 'lock code', 'lock code'),
  },
  {
    name: 'shared OLTP between services',
    rules: ['shared-oltp-write'],
    scan: ['shared oltp'],
    checked: (f) => {
      if (f.dbWrites.length === 0) return 'n/a: no DB write in scope';
      if (f.services === undefined) return 'n/a: service boundaries not evaluated yet';
      return f.services > 1 ? true : 'n/a: single service';
    },
  },
  {
    name: 'one channel with many event types',
    rules: ['multi-type-channel', 'channel-naming-convention'],
    checked: (f) => any(publishes(f), consumers(f), count(f.asyncApiFiles, 'AsyncAPI file', 'AsyncAPI files')),
  },
  {
    name: 'schema change without compatibility check and consumer audit',
    rules: ['schema-breaking-change', 'contract-doc-fields'],
    checked: (f) =>
      any(count(f.schemaFiles, 'schema', 'schema files'), count(f.contracts, 'contract', 'contracts')),
  },
];

/** The last row of the §7 table: no deterministic rule, always listed as not checked. */
export const UNCHECKABLE_ANTI_PATTERNS: readonly string[] = [
  'distributed monolith',
  'autoscaling on the wrong signal',
  'business rules in routers',
  'cache as source of truth',
  'active-active without conflict policy',
  '"eventually consistent" skipping a Process Manager',
];

export const NO_DETERMINISTIC_RULE = 'no deterministic rule';

function normalise(name: string | undefined): string {
  return (name ?? '').toLowerCase().replace(/[-_]+/g, ' ').trim();
}

// The phrase scan is one rule covering several anti-patterns; its `antiPattern` says which one.
function belongsTo(ap: AntiPattern, f: Finding): boolean {
  if (f.ruleId === 'artifact-anti-pattern-scan') return (ap.scan ?? []).includes(normalise(f.antiPattern));
  return ap.rules.includes(f.ruleId);
}

export function computeAntiPatterns(findings: readonly Finding[], facts: ReviewFacts): AntiPatternRow[] {
  const rows: AntiPatternRow[] = [];
  for (const ap of ANTI_PATTERNS) {
    const mine = findings.filter((f) => belongsTo(ap, f)).sort(compareInGroup);
    const head = mine.filter((f) => f.status !== 'removed');
    // Heuristic findings prompt a human; they are risks to watch, not fired anti-patterns (§7).
    const firm = head.filter((f) => f.precision !== 'Heuristic');
    const removed = mine.filter((f) => f.status === 'removed');

    if (firm.length > 0) {
      const introduced = firm.filter((f) => f.status === 'introduced').length;
      const pre = firm.length - introduced;
      rows.push({
        name: ap.name,
        state: 'fired',
        detail: `${introduced} introduced, ${pre} pre-existing (first at ${at(firm[0])})`,
      });
    } else if (head.length > 0) {
      rows.push({
        name: ap.name,
        state: 'forward-looking',
        detail: `watch: ${head[0].ruleId} (Heuristic) at ${at(head[0])}`,
      });
    }
    if (removed.length > 0) {
      rows.push({ name: ap.name, state: 'removed', detail: `${removed.length} removed (was at ${at(removed[0])})` });
    }
    if (head.length > 0) continue;

    const checked = ap.checked(facts);
    if (checked === true) {
      rows.push({ name: ap.name, state: 'clean', detail: '' });
    } else {
      rows.push({ name: ap.name, state: 'not-checked', detail: checked });
    }
  }
  for (const name of UNCHECKABLE_ANTI_PATTERNS) {
    // No rule decides these, but a design that chooses one in its own words is still worth watching.
    const hit = findings
      .filter((f) => f.status !== 'removed' && f.ruleId === 'artifact-anti-pattern-scan' && normalise(f.antiPattern) === normalise(name))
      .sort(compareInGroup)[0];
    if (hit) rows.push({ name, state: 'forward-looking', detail: `watch: ${hit.ruleId} (Heuristic) at ${at(hit)}` });
    rows.push({ name, state: 'not-checked', detail: NO_DETERMINISTIC_RULE });
  }
  return rows;
}
