// The anti-pattern table of review-output.md §7: which anti-patterns were checked, which fired,
// which this change removed, which are forward-looking risks, and which no rule can decide.
// Forward-looking risks are Heuristic-only findings, anti-pattern phrase hits, and anti-patterns a
// touched design names under `## Anti-patterns to avoid` while the change adds constructs of that
// kind (a new consumer, retry, publish, DB write or contract) without the rule firing yet.
import type { List } from 'mdast';
import { findSection, sectionBody } from '../../artifacts/markdown.js';
import { maskInline, revealText } from '../../artifacts/prose.js';
import type { AntiPatternRow, Finding } from '../types.js';
import { firstMatch, vocab, where } from './docs.js';
import { at, compareInGroup, ruleRan, siteAt, type FactSite, type ReviewFacts } from './facts.js';
import { featureScopes } from './scope.js';

/** A checked condition: `true`, or the n/a reason shown when it does not hold. */
type Checked = true | string;

/** A construct the change adds, that the anti-pattern is about. */
type NewConstruct = (facts: ReviewFacts) => { what: string; site: FactSite | null } | null;

interface AntiPattern {
  name: string;
  rules: readonly string[];
  /** `antiPattern` values of `artifact-anti-pattern-scan` hits that belong here (normalised). */
  scan?: readonly string[];
  checked(facts: ReviewFacts): Checked;
  /** How a design's `## Anti-patterns to avoid` bullet names it (matched on the bullet's lead). */
  named?: string[];
  /** Constructs whose addition turns a design's named anti-pattern into a forward-looking risk. */
  adds?: NewConstruct;
}

function added<T extends FactSite>(head: readonly T[], base: readonly T[] | undefined, same: (a: T, b: T) => boolean): T | null {
  return head.find((h) => !base || !base.some((b) => same(h, b))) ?? null;
}

const newConsumer: NewConstruct = (f) => {
  const c = added(f.consumers, f.baseCode?.consumers, (a, b) => a.path === b.path && a.library === b.library && (a.channel ?? null) === (b.channel ?? null));
  return c ? { what: `a consumer${c.channel ? ` of ${c.channel}` : ''}`, site: c } : null;
};
const newPublish: NewConstruct = (f) => {
  const p = added(f.publishes, f.baseCode?.publishes, (a, b) => a.path === b.path && a.channel === b.channel);
  return p ? { what: `a publish${p.channel ? ` to ${p.channel}` : ''}`, site: p } : null;
};
const newRetry: NewConstruct = (f) => {
  const r = added(f.retries, f.baseCode?.retries, (a, b) => a.path === b.path && a.library === b.library);
  return r ? { what: `a ${r.library} retry`, site: r } : null;
};
const newDbWrite: NewConstruct = (f) => {
  const w = added(f.dbWrites, f.baseCode?.dbWrites, (a, b) => a.path === b.path && a.library === b.library);
  return w ? { what: 'a DB write', site: w } : null;
};
const newContract: NewConstruct = (f) => {
  const c = (f.changes ?? []).find((x) => x.status === 'added' && /\/(contracts|schemas|asyncapi)\//.test(x.path));
  return c ? { what: `${c.path.includes('/contracts/') ? 'a contract' : 'a schema'} (${c.path})`, site: null } : null;
};
const either = (...fs: NewConstruct[]): NewConstruct => (f) => fs.map((x) => x(f)).find((x) => x !== null) ?? null;

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
    named: ['dual-write', 'dual write'],
    adds: either(newPublish, newDbWrite),
    checked: (f) =>
      any(count(f.regionsWithWriteAndPublish, 'region with both a DB write and a publish', ''), f.hasDesign ? true : 'n/a: no design'),
  },
  {
    name: 'ack / commit before processing or auto-commit',
    rules: ['ack-before-commit', 'auto-commit-consumer', 'consumer-error-swallowed'],
    scan: ['ack before commit'],
    named: ['ack-before-commit', 'ack before commit', 'ack before', 'commit before', 'auto-commit', 'auto commit'],
    adds: newConsumer,
    checked: consumers,
  },
  {
    name: 'unbounded retry',
    rules: ['unbounded-retry'],
    scan: ['unbounded retry'],
    named: ['unbounded retr', 'infinite retr', 'retry forever', 'retries forever', 'endless retr'],
    adds: either(newRetry, newConsumer),
    checked: (f) => any(retries(f), consumers(f)),
  },
  {
    name: 'no jitter or retrying permanent errors',
    rules: ['retry-without-jitter', 'retry-permanent-errors'],
    named: ['jitter', 'permanent error', 'retrying permanent', 'retry permanent'],
    adds: newRetry,
    checked: retries,
  },
  {
    name: 'retry storm (stacked retries)',
    rules: ['stacked-retries'],
    named: ['retry storm', 'stacked retr', 'retry amplification'],
    adds: newRetry,
    checked: retries,
  },
  {
    name: 'non-idempotent consumer under at-least-once',
    rules: ['non-idempotent-consumer'],
    named: ['non-idempotent', 'idempoten', 'duplicate'],
    adds: newConsumer,
    checked: (f) => count(f.consumers.filter((c) => c.atLeastOnce).length, 'at-least-once consumer', ''),
  },
  {
    name: 'DLQ missing or without owner / alert / dashboard / redrive',
    rules: ['missing-dlq', 'dlq-ownership', 'runbook-quality-bar'],
    // A runbook step that redrives everything at once is this row's "redrive" done wrong.
    scan: ['blind redrive'],
    named: ['dlq', 'dead-letter', 'dead letter', 'poison'],
    adds: either(newConsumer, newContract),
    checked: (f) => any(consumers(f), count(f.contracts, 'contract', 'contracts')),
  },
  {
    name: 'missing trace context (traceparent, correlation / causation id)',
    rules: ['missing-trace-context', 'asyncapi-trace-headers'],
    named: ['trace', 'traceparent', 'correlation', 'causation'],
    adds: newPublish,
    checked: (f) => any(publishes(f), count(f.asyncApiFiles, 'AsyncAPI file', 'AsyncAPI files')),
  },
  {
    name: 'oversized broker payloads',
    rules: ['oversized-payload'],
    named: ['oversized', 'large payload', 'payload size', 'claim check'],
    adds: newPublish,
    checked: publishes,
  },
  {
    name: 'distributed 2PC / XA',
    rules: ['distributed-2pc'],
    scan: ['distributed 2pc'],
    named: ['2pc', 'two-phase', 'two phase', 'xa'],
    adds: newDbWrite,
    checked: (f) => count(f.dbWrites.length, 'DB code', ''),
  },
  {
    name: 'synchronous RPC chain on a write path',
    rules: ['sync-rpc-chain'],
    named: ['rpc chain', 'synchronous chain', 'synchronous rpc', 'sync rpc', 'call chain'],
    checked: (f) => count(f.writeHandlers, 'write handler', 'write handlers'),
  },
  {
    name: 'unbounded queues / workers / prefetch / buffers',
    rules: ['unbounded-prefetch-concurrency'],
    named: ['unbounded queue', 'unbounded prefetch', 'unbounded worker', 'unbounded buffer', 'unbounded concurrency', 'prefetch', 'backpressure'],
    adds: newConsumer,
    checked: (f) => any(consumers(f), count(f.streamWrites, 'stream write', 'stream writes')),
  },
  {
    name: 'distributed locks without fencing',
    rules: ['lock-without-fencing'],
    named: ['lock', 'fencing'],
    checked: (f) => count(f.lockSites, 'lock code', 'lock code'),
  },
  {
    name: 'shared OLTP between services',
    rules: ['shared-oltp-write'],
    scan: ['shared oltp'],
    named: ['shared database', 'shared db', 'shared oltp', 'shared schema'],
    adds: newDbWrite,
    checked: (f) => {
      if (f.dbWrites.length === 0) return 'n/a: no DB write in scope';
      if (f.services === undefined) return 'n/a: service boundaries not evaluated yet';
      return f.services > 1 ? true : 'n/a: single service';
    },
  },
  {
    name: 'one channel with many event types',
    rules: ['multi-type-channel', 'channel-naming-convention'],
    named: ['many event types', 'multi-type', 'multiple event types', 'one topic', 'one channel', 'generic channel'],
    adds: either(newPublish, newConsumer),
    checked: (f) => any(publishes(f), consumers(f), count(f.asyncApiFiles, 'AsyncAPI file', 'AsyncAPI files')),
  },
  {
    name: 'schema change without compatibility check and consumer audit',
    rules: ['schema-breaking-change', 'contract-doc-fields'],
    named: ['schema change', 'breaking change', 'compatib', 'consumer audit'],
    adds: newContract,
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

interface DesignBullet {
  lead: string;
  at: string;
  slug: string;
}

/** The bullets of every touched design's `## Anti-patterns to avoid` (their lead: the text before `:`). */
function designAntiPatterns(facts: ReviewFacts): DesignBullet[] {
  const out: DesignBullet[] = [];
  const model = facts.artifacts?.head;
  for (const slug of facts.features) {
    const design = model?.features.get(slug)?.design;
    if (!design) continue;
    const section = findSection(design.doc, 'anti-patterns to avoid');
    if (!section) continue;
    for (const node of sectionBody(design.doc, section)) {
      if (node.type !== 'list') continue;
      for (const item of (node as List).children) {
        const start = item.position?.start.offset;
        const end = item.children[0]?.position?.end.offset;
        if (start === undefined || end === undefined) continue;
        const raw = design.doc.text.slice(start, end).replace(/^\s*[-*+]\s+/, '');
        const text = revealText(maskInline(raw)).replace(/\s+/g, ' ').trim();
        const lead = /^(.{1,80}?)(?::|\s—|\s–|\s-\s)/.exec(text)?.[1] ?? text;
        const at = where(design.path, item.position?.start.line ?? section.line);
        out.push({ lead, at: facts.features.length > 1 ? `${slug}/${at}` : at, slug });
      }
    }
  }
  return out;
}

function namedIn(ap: AntiPattern, bullets: readonly DesignBullet[]): DesignBullet[] {
  if (!ap.named) return [];
  const v = vocab(...ap.named.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return bullets.filter((b) => firstMatch(b.lead, v) !== null);
}

/** Detail prefix of a row whose rules could not decide here: a rule turned off, or changed files left unread. */
export const NOT_RUN = 'not run: ';

export function computeAntiPatterns(findings: readonly Finding[], facts: ReviewFacts): AntiPatternRow[] {
  const rows: AntiPatternRow[] = [];
  const bullets = designAntiPatterns(facts);
  // A design's bullet is about its own feature: the construct must be added in that feature's code.
  const scopes = bullets.length ? featureScopes(findings, facts) : [];
  const factsOf = (slug: string) => scopes.find((s) => s.slug === slug)?.facts ?? facts;
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
    if (firm.length === 0 && head.length === 0 && ap.adds) {
      const hit = namedIn(ap, bullets)
        .map((b) => ({ bullet: b, construct: ap.adds!(factsOf(b.slug)) }))
        .find((x) => x.construct !== null);
      const bullet = hit?.bullet;
      const construct = hit?.construct ?? null;
      if (bullet && construct) {
        rows.push({
          name: ap.name,
          state: 'forward-looking',
          detail:
            `watch: the design lists it under "Anti-patterns to avoid" (${bullet.at}) and this change adds ` +
            `${construct.what}${construct.site ? ` at ${siteAt(construct.site)}` : ''} that no rule flags yet`,
        });
      }
    }
    if (head.length > 0) continue;

    const off = ap.rules.filter((id) => !ruleRan(facts, id));
    // A rule turned off in the config checked nothing: its anti-pattern is not "clean" (§7).
    const unread = facts.unreadFiles ?? [];
    const checked = off.length > 0
      ? `${NOT_RUN}${off.join(', ')} turned off in the config`
      : unread.length > 0
        ? `${NOT_RUN}${unread.length} changed file${unread.length === 1 ? ' was' : 's were'} not read (first ${unread[0]})`
        : ap.checked(facts);
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
