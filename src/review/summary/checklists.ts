// Reliability (R1-R8) and distributed-systems (D1-D6) checklists, review-output.md §5 and §6.
// Each question combines the negative rules' findings with the doc evidence of every touched
// feature (design checklist answers, contracts, AsyncAPI, README, runbooks), or with the code
// evidence that may substitute for it when a feature has no design (§5.1). Status follows §5.2:
// Regressed on an introduced finding or on doc evidence that was complete at base and is not at
// head; Open on a pre-existing finding or missing evidence; Answered otherwise.
import type { ArtifactModel, Feature } from '../../artifacts/model.js';
import { proseUnits } from '../../artifacts/prose.js';
import { wordsOf } from '../../artifacts/vocabulary.js';
import type { ChecklistId, ChecklistRow, Checklists, Finding } from '../types.js';
import {
  allDocs,
  asyncApiRequiresTraceparent,
  concernOf,
  contractsOf,
  decisionDocs,
  distributedAnswer,
  featureConcern,
  findInProse,
  firstMatch,
  isFilled,
  matches,
  proseOf,
  readmeField,
  reliabilityAnswer,
  runbookFacts,
  runbooksOf,
  teamName,
  tripletComplete,
  unitText,
  vocab,
  where,
  type Answer,
} from './docs.js';
import { compareInGroup, headFindings, ruleRan, type ReviewFacts } from './facts.js';
import { featureScopes, type FeatureScope } from './scope.js';

/** Doc evidence of one feature for one question. */
export interface DocResult {
  complete: boolean;
  /** What answers the question (`design.md:26 at-least-once`). */
  evidence: string[];
  /** What is missing (`design has no Retry answer`). */
  missing: string[];
  /** False when the feature has no design: the code substitute may stand in (§5.1). */
  hasDesign: boolean;
}

/** Code evidence standing in for a missing design. */
export interface Substitute {
  holds: boolean;
  text: string;
}

/** The question's decisive findings (F(q) of §5.2) in a feature: a code substitute cannot hold with one. */
function fired(scope: FeatureScope, rules: readonly string[]): boolean {
  return scope.findings.some((f) => rules.includes(f.ruleId) && counts(f));
}

interface Question {
  id: ChecklistId;
  question: string;
  /** Negative rules that count for every finding of the rule. */
  rules: readonly string[];
  /**
   * Negative rules that count only for some variants or items (e.g. `unbounded-retry` redelivery
   * variants for R3); the rule's per-variant metadata says so by listing the question in
   * `finding.checklist`.
   */
  conditionalRules?: readonly string[];
  /** Doc evidence of a feature (§5.1 / §6.2 "Answered requires"). */
  doc(feature: Feature | undefined, scope: FeatureScope, side: 'head' | 'base'): DocResult;
  /** Code evidence allowed when no design exists (R2, R3, R4, R7). */
  substitute?(scope: FeatureScope): Substitute;
}

// ---------------------------------------------------------------------------------------------
// Vocabularies of §5.1 and §6.2

const DELIVERY = vocab('at-most-once', 'at-least-once', 'effectively-once', 'exactly-once');
const IDEMPOTENCY_KEY = vocab('id', 'key');
const IDEMPOTENCY_STORE = vocab('table', 'inbox', 'unique', 'index', 'redis', 'setnx', 'conditional', 'upsert', 'constraint');
const DLQ = vocab('dlq', 'dead-letter', 'dead letter', 'invalid-message', 'invalid message', 'quarantine', 'dlt');
const OWNER = vocab('owned by', 'owner', 'owns', 'triaged by');
const RETRY_BOUND = vocab('\\d+\\s*(attempts?|retries|tries|x)', 'max');
const BACKOFF = vocab('backoff', 'exponential');
const JITTER = vocab('jitter', 'random');
const CLASSIFICATION = vocab('transient', 'permanent', '4xx', 'non-retryable', 'classif');
const ORDERING = vocab('total', 'none', 'per-key');
const SCHEMA_FORMAT = vocab('avro', 'protobuf', 'json schema');
const COMPAT_MODE = vocab('backward', 'forward', 'full', 'none');
const TRACE = vocab('traceparent', 'trace context', 'opentelemetry');
const METRIC = vocab('lag', 'age', 'dlq depth', 'retr', 'latency', 'throughput');
const FAILURE_BOUNDARY = vocab('roll back', 'rollback', 'compensat', 'replay', 'saga', 'process manager', 'local transaction', 'outbox');
const CONSISTENCY = vocab('consisten');
const CONSISTENCY_MODEL = vocab('strong', 'read-your-writes', 'causal', 'eventual', 'best-effort');
const SCALING_AXIS = vocab('partition', 'shard', 'replica', 'tenant', 'region', 'cache', 'read replica', 'consumer group', 'concurrency', 'autoscal');
const FAILURE_CONTAINMENT = vocab('timeout', 'time-out', 'time out', 'deadline', 'retry budget', 'circuit', 'bulkhead');
const BACKPRESSURE = vocab('bounded', 'rate limit', 'load shed', 'backpressure', '429', '503', 'prefetch');
/** §6.1: a touched design, ADR or architecture doc mentions scale, resilience or multi-region. */
export const DISTRIBUTED_MENTIONS = vocab('multi-region', 'active-active', 'failover', 'shard', 'tenant', 'consistency', 'autoscal', 'capacity');

// ---------------------------------------------------------------------------------------------
// Doc evidence helpers

const done = (evidence: string[], missing: string[], hasDesign = true): DocResult => ({
  complete: missing.length === 0,
  evidence,
  missing,
  hasDesign,
});

/** A design answer, or why there is none. */
function answerOf(
  feature: Feature | undefined,
  key: Parameters<typeof reliabilityAnswer>[1],
): { answer: Answer; missing: null } | { answer: null; missing: string } {
  if (!feature?.design) return { answer: null, missing: 'no design in scope' };
  const answer = reliabilityAnswer(feature.design, key);
  if (!answer) return { answer: null, missing: `design has no ${key} answer` };
  if (answer.deferred) return { answer: null, missing: `design ${key} answer defers the decision ("${answer.text}")` };
  return { answer, missing: null };
}

function answerWhere(a: Answer): string {
  return where(a.path, a.field.line);
}

/** A field name in the answer: a code span, else a snake_case or camelCase token. */
function keyToken(answer: Answer): string | null {
  const span = /`([^`]+)`/.exec(answer.field.value)?.[1];
  if (span) return `\`${span.trim()}\``;
  return /(?<![A-Za-z0-9_])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+[A-Z][A-Za-z0-9]*)(?![A-Za-z0-9_])/.exec(answer.text)?.[0] ?? null;
}

const lower = (s: string) => s.toLowerCase();

// ---------------------------------------------------------------------------------------------
// Questions

export const RELIABILITY_QUESTIONS: readonly Question[] = [
  {
    id: 'R1',
    question: 'Delivery guarantee',
    rules: ['auto-commit-consumer', 'ack-before-commit', 'consumer-error-swallowed', 'producer-durability'],
    doc(feature) {
      const a = answerOf(feature, 'Delivery');
      if (!a.answer) return done([], [a.missing], Boolean(feature?.design));
      const m = firstMatch(a.answer.text, DELIVERY);
      return m ? done([`${answerWhere(a.answer)} ${lower(m)}`], []) : done([], [`design Delivery answer names no guarantee (${answerWhere(a.answer)})`]);
    },
  },
  {
    id: 'R2',
    question: 'Idempotency strategy',
    rules: ['non-idempotent-consumer'],
    doc(feature) {
      const a = answerOf(feature, 'Idempotency');
      const evidence: string[] = [];
      const missing: string[] = [];
      if (!a.answer) missing.push(a.missing);
      else {
        const key = keyToken(a.answer) ?? firstMatch(a.answer.text, IDEMPOTENCY_KEY);
        const store = firstMatch(a.answer.text, IDEMPOTENCY_STORE);
        if (!key) missing.push(`design Idempotency answer names no key (${answerWhere(a.answer)})`);
        if (!store) missing.push(`design Idempotency answer names no store (${answerWhere(a.answer)})`);
        if (key && store) evidence.push(`${answerWhere(a.answer)} ${lower(store)}`);
      }
      const contracts = contractsOf(feature);
      for (const c of contracts) {
        if (!isFilled(c.idempotencyKey?.value)) missing.push(`contract ${c.channel} has no Idempotency key`);
      }
      if (contracts.length > 0 && contracts.every((c) => isFilled(c.idempotencyKey?.value))) evidence.push('contract Idempotency key declared');
      return done(evidence, missing, Boolean(feature?.design));
    },
    substitute(scope) {
      const consumers = scope.facts.consumers.filter((c) => c.atLeastOnce);
      if (consumers.length === 0) return { holds: false, text: 'no design and no at-least-once consumer in scope to show a dedup guard' };
      if (!ruleRan(scope.facts, 'non-idempotent-consumer')) return { holds: false, text: 'no design, and non-idempotent-consumer did not run' };
      if (fired(scope, ['non-idempotent-consumer'])) return { holds: false, text: 'no design, and a handler has no dedup guard' };
      return { holds: true, text: `no design; ${consumers.length} at-least-once handler(s) guard their effects (non-idempotent-consumer clean)` };
    },
  },
  {
    id: 'R3',
    question: 'Bad-message strategy',
    rules: ['missing-dlq', 'consumer-error-swallowed', 'dlq-ownership'],
    conditionalRules: ['unbounded-retry', 'retry-permanent-errors'],
    doc(feature) {
      const a = answerOf(feature, 'Bad-message');
      const evidence: string[] = [];
      const missing: string[] = [];
      if (!a.answer) missing.push(a.missing);
      else {
        const dlq = matches(a.answer.text, DLQ);
        const owner = matches(a.answer.text, OWNER);
        if (!dlq) missing.push(`design Bad-message answer names no DLQ or invalid-message channel (${answerWhere(a.answer)})`);
        if (!owner) missing.push(`design Bad-message answer names no owner (${answerWhere(a.answer)})`);
        if (dlq && owner) {
          const team = /(?:owned by|owner:?|triaged by)\s+([^.;,()]+)/i.exec(a.answer.text)?.[1]?.trim();
          evidence.push(`${answerWhere(a.answer)} DLQ${team ? ` owned by ${team}` : ' with an owner'}`);
        }
      }
      // dlq-ownership items 1-2: the contract names its DLQ with an owner, and a replay/redrive policy.
      for (const c of contractsOf(feature)) {
        if (!isFilled(c.dlq?.value)) missing.push(`contract ${c.channel} declares no DLQ`);
        else if (!/owner/i.test(c.dlq!.value) && !c.artifact.doc.fields.some((f) => /^owner$/i.test(f.name) && f.line > c.dlq!.line && f.line <= c.dlq!.line + 2)) {
          missing.push(`contract ${c.channel} DLQ names no owner`);
        }
        if (!isFilled(c.replay?.value)) missing.push(`contract ${c.channel} has no Replay/redrive policy`);
      }
      return done(evidence, missing, Boolean(feature?.design));
    },
    substitute(scope) {
      if (scope.facts.consumers.length === 0) return { holds: false, text: 'no design and no consumer in scope to show dead-letter handling' };
      if (!ruleRan(scope.facts, 'missing-dlq')) return { holds: false, text: 'no design, and missing-dlq did not run' };
      if (fired(scope, ['missing-dlq', 'consumer-error-swallowed'])) return { holds: false, text: 'no design, and a handler has no dead-letter path' };
      return { holds: true, text: `no design; ${scope.facts.consumers.length} handler(s) dead-letter failures (missing-dlq clean)` };
    },
  },
  {
    id: 'R4',
    question: 'Retry policy',
    rules: ['unbounded-retry', 'retry-without-jitter', 'retry-permanent-errors', 'stacked-retries', 'outbound-call-without-timeout'],
    doc(feature) {
      const a = answerOf(feature, 'Retry');
      if (!a.answer) return done([], [a.missing], Boolean(feature?.design));
      const parts: [string, ReturnType<typeof firstMatch>][] = [
        ['bound', firstMatch(a.answer.text, RETRY_BOUND)],
        ['backoff', firstMatch(a.answer.text, BACKOFF)],
        ['jitter', firstMatch(a.answer.text, JITTER)],
        ['error classification', firstMatch(a.answer.text, CLASSIFICATION)],
      ];
      const absent = parts.filter(([, m]) => !m).map(([what]) => what);
      if (absent.length) return done([], [`design Retry answer states no ${absent.join(', no ')} (${answerWhere(a.answer)})`]);
      return done([`${answerWhere(a.answer)} ${parts.map(([, m]) => lower(m!)).join(', ')}`], []);
    },
    substitute(scope) {
      if (scope.facts.retries.length === 0) return { holds: false, text: 'no design and no retry construct in scope' };
      const rules = ['unbounded-retry', 'retry-without-jitter', 'retry-permanent-errors'];
      const missingRule = rules.find((r) => !ruleRan(scope.facts, r));
      if (missingRule) return { holds: false, text: `no design, and ${missingRule} did not run` };
      if (fired(scope, rules)) return { holds: false, text: 'no design, and a retry construct is unbounded, unjittered or retries permanent errors' };
      return { holds: true, text: `no design; ${scope.facts.retries.length} retry construct(s) bounded, jittered and classifying errors` };
    },
  },
  {
    id: 'R5',
    question: 'Ordering requirement',
    rules: ['ordering-key-mismatch', 'producer-ordering-key-missing'],
    doc(feature) {
      const a = answerOf(feature, 'Ordering');
      const evidence: string[] = [];
      const missing: string[] = [];
      if (!a.answer) missing.push(a.missing);
      else {
        const m = firstMatch(a.answer.text, ORDERING);
        const key = keyToken(a.answer);
        if (!m && !key) missing.push(`design Ordering answer is not total, none or per-key (${answerWhere(a.answer)})`);
        else if (m && lower(m) === 'per-key' && !key) missing.push(`design Ordering answer is per-key without a key (${answerWhere(a.answer)})`);
        else evidence.push(`${answerWhere(a.answer)} ${m && lower(m) !== 'per-key' ? lower(m) : `per-key ${key}`}`);
      }
      for (const c of contractsOf(feature)) if (!isFilled(c.orderingKey?.value)) missing.push(`contract ${c.channel} has no Ordering key`);
      return done(evidence, missing, Boolean(feature?.design));
    },
  },
  {
    id: 'R6',
    question: 'Schema evolution',
    rules: [
      'schema-breaking-change',
      'schema-closed-with-backward',
      'contract-triplet-complete',
      'channel-name-mismatch',
      'undeclared-channel',
      'multi-type-channel',
      // Only its Important variants count, and F(q) already drops Suggestions.
      'channel-naming-convention',
    ],
    conditionalRules: ['contract-doc-fields'],
    doc(feature, scope, side) {
      const a = answerOf(feature, 'Schema');
      const evidence: string[] = [];
      const missing: string[] = [];
      if (!a.answer) missing.push(a.missing);
      else {
        const format = firstMatch(a.answer.text, SCHEMA_FORMAT);
        const mode = firstMatch(a.answer.text, COMPAT_MODE);
        if (!format) missing.push(`design Schema answer names no format (${answerWhere(a.answer)})`);
        if (!mode) missing.push(`design Schema answer names no compatibility mode (${answerWhere(a.answer)})`);
        if (format && mode) evidence.push(`${answerWhere(a.answer)} ${format}, ${mode.toUpperCase()}`);
      }
      const model = side === 'head' ? scope.model : scope.baseModel;
      const contracts = contractsOf(feature);
      for (const c of contracts) {
        if (!c.mode) missing.push(`contract ${c.channel} declares no compatibility mode`);
        if (!isFilled(c.ciGate?.value)) missing.push(`contract ${c.channel} names no CI gate`);
        if (feature && model && !tripletComplete(feature, c.channel, model)) missing.push(`contract ${c.channel} has no schema or AsyncAPI file`);
      }
      if (contracts.length === 1 && missing.length === 0) {
        const c = contracts[0];
        evidence.push(`contract ${c.mode!.mode}, CI gate ${c.ciJob ? `\`${c.ciJob}\`` : 'named'}, triplet complete`);
      } else if (contracts.length > 1 && contracts.every((c) => c.mode && isFilled(c.ciGate?.value))) {
        evidence.push(`${contracts.length} contracts with a mode and a CI gate`);
      }
      return done(evidence, missing, Boolean(feature?.design));
    },
  },
  {
    id: 'R7',
    question: 'Observability',
    rules: ['missing-trace-context', 'asyncapi-trace-headers'],
    doc(feature, scope, side) {
      const a = answerOf(feature, 'Observability');
      const evidence: string[] = [];
      const missing: string[] = [];
      if (!a.answer) missing.push(a.missing);
      else {
        const trace = firstMatch(a.answer.text, TRACE);
        const metric = firstMatch(a.answer.text, METRIC);
        if (!trace) missing.push(`design Observability answer names no trace context (${answerWhere(a.answer)})`);
        if (!metric) missing.push(`design Observability answer names no metric (${answerWhere(a.answer)})`);
        if (trace && metric) evidence.push(`${answerWhere(a.answer)} ${trace}`);
      }
      const model = side === 'head' ? scope.model : scope.baseModel;
      // Webhook features document their trace headers in OpenAPI (config `asyncapi.traceHeaderIn`).
      if (feature && model && scope.facts.traceHeaderIn !== 'openapi') {
        for (const channel of [...feature.asyncapi.keys()].sort()) {
          if (asyncApiRequiresTraceparent(feature, channel, model) === false) missing.push(`AsyncAPI ${channel} does not require traceparent`);
        }
      }
      return done(evidence, missing, Boolean(feature?.design));
    },
    substitute(scope) {
      if (scope.facts.publishes.length === 0) return { holds: false, text: 'no design and no publish in scope to show trace propagation' };
      if (!ruleRan(scope.facts, 'missing-trace-context')) return { holds: false, text: 'no design, and missing-trace-context did not run' };
      if (fired(scope, ['missing-trace-context'])) return { holds: false, text: 'no design, and a publish carries no trace context' };
      return { holds: true, text: `no design; ${scope.facts.publishes.length} publish(es) propagate trace context (missing-trace-context clean)` };
    },
  },
  {
    id: 'R8',
    question: 'Failure boundary',
    rules: ['dual-write', 'distributed-2pc'],
    doc(feature) {
      const a = answerOf(feature, 'Failure-boundary');
      if (!a.answer) return done([], [a.missing], Boolean(feature?.design));
      const m = firstMatch(a.answer.text, FAILURE_BOUNDARY);
      return m
        ? done([`${answerWhere(a.answer)} ${lower(m)}`], [])
        : done([], [`design Failure-boundary answer names no rollback, compensation, replay or outbox (${answerWhere(a.answer)})`]);
    },
  },
];

/** Owners named across the feature's artifacts, by team (§6.2 D1 "owners agree"). */
function owners(feature: Feature): { team: string; at: string }[] {
  const out: { team: string; at: string }[] = [];
  const add = (value: string | undefined, at: string) => {
    if (isFilled(value)) out.push({ team: teamName(value), at });
  };
  const readme = readmeField(feature.readme, 'Owner team');
  if (readme) add(readme.value, where(readme.path, readme.line));
  for (const artifact of decisionDocs(feature)) {
    const c = concernOf(artifact, 'Owner team');
    if (c) add(c.value, where(c.path, c.line));
  }
  for (const c of contractsOf(feature)) if (c.owner) add(c.owner.value, where(c.owner.path, c.owner.line));
  return out;
}

/** A consistency model named within ten words of `consisten` in one text (§6.2 D2). */
function consistencyModel(text: string): string | null {
  const words = wordsOf(text);
  const anchors = words.map((w, i) => (matches(w.word, CONSISTENCY) ? i : -1)).filter((i) => i >= 0);
  if (anchors.length === 0) return null;
  for (let i = 0; i < words.length; i++) {
    if (matches(words[i].word, CONSISTENCY_MODEL) && anchors.some((a) => Math.abs(a - i) <= 10)) return words[i].word.toLowerCase();
  }
  return null;
}

export const DISTRIBUTED_QUESTIONS: readonly Question[] = [
  {
    id: 'D1',
    question: 'Boundary and ownership',
    rules: ['shared-oltp-write', 'feature-readme-sync'],
    conditionalRules: ['system-concerns-complete'],
    doc(feature) {
      if (!feature) return done([], ['no feature docs in scope'], false);
      const missing: string[] = [];
      const readme = readmeField(feature.readme, 'Owner team');
      if (!feature.readme) missing.push('no README in scope');
      else if (!isFilled(readme?.value)) missing.push('README has no Owner team');
      const contracts = contractsOf(feature);
      for (const c of contracts) if (!isFilled(c.owner?.value)) missing.push(`contract ${c.channel} names no Owner`);
      const named = owners(feature);
      const teams = [...new Set(named.map((o) => o.team.toLowerCase()))];
      if (teams.length > 1) {
        const odd = named.find((o) => o.team.toLowerCase() !== named[0].team.toLowerCase())!;
        missing.push(`owners differ: ${named[0].team} (${named[0].at}) and ${odd.team} (${odd.at})`);
      }
      const evidence = missing.length === 0 && named.length > 0
        ? [`Owner team ${named[0].team} in README${contracts.length ? ` and contract${contracts.length > 1 ? 's' : ''}` : ''}`]
        : [];
      return done(evidence, missing, Boolean(feature.design));
    },
  },
  {
    id: 'D2',
    question: 'Consistency model',
    rules: ['dual-write', 'distributed-2pc', 'lock-without-fencing'],
    doc(feature) {
      const docs = decisionDocs(feature);
      for (const { artifact, unit } of proseOf(docs)) {
        const model = consistencyModel(unitText(unit));
        if (model) return done([`${where(artifact.path, unit.line)} ${model}`], []);
      }
      const answer = distributedAnswer(feature?.design, 'Consistency');
      if (answer) {
        const m = firstMatch(answer.text, CONSISTENCY_MODEL);
        if (m) return done([`${where(answer.path, answer.field.line)} ${lower(m)}`], []);
      }
      return done([], [docs.length ? 'no consistency model named in design, ADR or architecture doc' : 'no design, ADR or architecture doc in scope'], Boolean(feature?.design));
    },
  },
  {
    id: 'D3',
    question: 'Scaling axis',
    rules: [],
    doc(feature) {
      const missing: string[] = [];
      const evidence: string[] = [];
      const capacity = featureConcern(feature, 'Capacity');
      if (!capacity || !isFilled(capacity.value) || !/\d/.test(capacity.value)) missing.push('Capacity has no number');
      else evidence.push(`Capacity ${capacity.value.replace(/\s+/g, ' ').split(';')[0].trim()}`);
      // The axis may be named anywhere but in the System concerns block (DR posture's "region" is
      // a recovery posture, not a scaling axis); Anti-patterns to avoid count, they name real axes.
      let axis: { path: string; line: number; text: string } | null = null;
      for (const artifact of allDocs(feature)) {
        if (axis) break;
        for (const unit of proseUnits(artifact.doc)) {
          if (unit.headingPath.some((k) => k.startsWith('system concerns'))) continue;
          const m = firstMatch(unitText(unit), SCALING_AXIS);
          if (m) {
            axis = { path: artifact.path, line: unit.line, text: m };
            break;
          }
        }
      }
      if (!axis) missing.push('the docs name no scaling axis');
      else evidence.push(`axis: ${lower(axis.text)} (${where(axis.path, axis.line)})`);
      return done(evidence, missing, Boolean(feature?.design));
    },
  },
  {
    id: 'D4',
    question: 'Failure mode',
    rules: ['sync-rpc-chain', 'stacked-retries', 'outbound-call-without-timeout', 'lock-without-fencing', 'retry-without-jitter', 'concrete-criteria'],
    doc(feature, scope, side) {
      const missing: string[] = [];
      const evidence: string[] = [];
      const runbooks = runbooksOf(feature, side === 'head' ? scope.model : scope.baseModel);
      if (runbooks.length === 0) missing.push('no runbook for the feature');
      else {
        const names = runbooks.map((r) => where(r.path, 1).replace(/:1$/, '').replace(/^runbooks\//, ''));
        evidence.push(names.length === 1 ? `runbook ${names[0]} exists` : `runbooks ${names.join(', ')} exist`);
      }
      const stated = findInProse(allDocs(feature), FAILURE_CONTAINMENT);
      if (!stated) missing.push('the docs state no timeouts, retry budget or circuit breaking');
      else evidence.push(`${lower(stated.text)} at ${where(stated.path, stated.line)}`);
      return done(evidence, missing, Boolean(feature?.design));
    },
  },
  {
    id: 'D5',
    question: 'Backpressure',
    rules: ['unbounded-prefetch-concurrency', 'oversized-payload'],
    doc(feature, scope) {
      const consumers = scope.facts.consumers;
      // "Every consumer in scope has bounded intake" holds trivially for code without a consumer.
      if (consumers.length === 0 && scope.facts.codeFiles > 0 && !findInProse(allDocs(feature), BACKPRESSURE)) {
        return done(['n/a: the code in scope has no consumer'], [], Boolean(feature?.design));
      }
      // "Clean" only when the rule found nothing here: its findings are the row's evidence otherwise.
      const flagged = scope.findings.some((f) => f.ruleId === 'unbounded-prefetch-concurrency' && f.status !== 'removed');
      if (consumers.length > 0 && ruleRan(scope.facts, 'unbounded-prefetch-concurrency') && !flagged) {
        const libraries = [...new Set(consumers.map((c) => c.library))].sort();
        return done([`${libraries.map(intakeOf).join('; ')} (unbounded-prefetch-concurrency clean)`], [], Boolean(feature?.design));
      }
      const stated = findInProse(allDocs(feature), BACKPRESSURE);
      if (stated) return done([`${lower(stated.text)} at ${where(stated.path, stated.line)}`], [], Boolean(feature?.design));
      const why = flagged
        ? 'the docs state no backpressure'
        : consumers.length ? 'unbounded-prefetch-concurrency did not run and the docs state no backpressure' : 'no consumer intake shown and the docs state no backpressure';
      return done([], [why], Boolean(feature?.design));
    },
  },
  {
    id: 'D6',
    question: 'Operations',
    rules: ['runbook-quality-bar', 'dlq-ownership', 'system-concerns-complete', 'launch-decision-gate'],
    doc(feature, scope, side) {
      if (!feature) return done([], ['no feature docs in scope'], false);
      const missing: string[] = [];
      if (!isFilled(readmeField(feature.readme, 'SLO')?.value)) missing.push('README has no SLO');
      const runbooks = runbooksOf(feature, side === 'head' ? scope.model : scope.baseModel).map(runbookFacts);
      if (!runbooks.some((r) => r.dashboards !== null)) missing.push(runbooks.length ? 'no runbook names dashboards' : 'no runbook');
      for (const concern of ['Cost owner', 'Capacity', 'Tenancy'] as const) {
        if (!isFilled(featureConcern(feature, concern)?.value)) missing.push(`${concern} not filled`);
      }
      return done(missing.length ? [] : ['SLO, runbook with dashboards, cost owner, capacity, tenancy filled'], missing, Boolean(feature.design));
    },
  },
];

/** Bounded intake per consumer library (§6.2 D5). */
function intakeOf(library: string): string {
  if (library === 'kafkajs') return 'kafkajs eachMessage processes one message per partition at a time';
  if (library === 'amqplib') return 'amqplib consumers have a bounded prefetch';
  if (library.includes('pubsub')) return 'Pub/Sub flow control bounds outstanding messages';
  if (library === 'nats') return 'JetStream max_ack_pending bounds outstanding messages';
  if (library === 'bullmq') return 'BullMQ workers have a finite concurrency';
  return `${library} consumers have bounded intake`;
}

// ---------------------------------------------------------------------------------------------
// Status (§5.2)

export const NOT_APPLICABLE_REASON = 'the change does not touch scale, resilience, multi-region or service boundaries.';

function isNegative(q: Question, f: Finding): boolean {
  if (q.rules.includes(f.ruleId)) return true;
  return (q.conditionalRules ?? []).includes(f.ruleId) && f.checklist.includes(q.id);
}

/** F(q) of 5.2: the findings that can change the status. */
function counts(f: Finding): boolean {
  return (f.severity === 'Critical' || f.severity === 'Important') && f.precision !== 'Heuristic';
}

/** `services/loyalty/src/award-consumer.ts:24` -> `award-consumer.ts:24` when the base name is unique in scope. */
function shortAt(f: Finding, scopePaths: ReadonlySet<string>): string {
  const path = f.location.path;
  if (path.startsWith('docs/features/')) return where(path, f.location.startLine);
  const base = baseName(path);
  const clash = (baseNameCounts(scopePaths).get(base) ?? 0) > (scopePaths.has(path) ? 1 : 0);
  return `${clash ? path : base}:${f.location.startLine}`;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

// Thousands of findings are described against the same scope: count base names once per scope.
const baseNameCountsBySet = new WeakMap<ReadonlySet<string>, Map<string, number>>();
function baseNameCounts(paths: ReadonlySet<string>): Map<string, number> {
  let counts = baseNameCountsBySet.get(paths);
  if (!counts) {
    counts = new Map();
    for (const p of paths) counts.set(baseName(p), (counts.get(baseName(p)) ?? 0) + 1);
    baseNameCountsBySet.set(paths, counts);
  }
  return counts;
}

function describe(f: Finding, paths: ReadonlySet<string>): string {
  return `${f.ruleId}${f.status === 'introduced' ? ' introduced' : f.status === 'pre-existing' ? ' pre-existing' : ''} at ${shortAt(f, paths)}`;
}

interface FeatureEval {
  scope: FeatureScope;
  head: DocResult;
  base: DocResult | null;
  substitute: Substitute | null;
}

function evaluate(q: Question, scope: FeatureScope): FeatureEval {
  const head = q.doc(scope.feature, scope, 'head');
  const base = scope.baseFeature ? q.doc(scope.baseFeature, scope, 'base') : null;
  const substitute = !head.complete && !head.hasDesign && q.substitute ? q.substitute(scope) : null;
  return { scope, head, base, substitute };
}

function rowFor(q: Question, head: readonly Finding[], scopes: readonly FeatureScope[], paths: ReadonlySet<string>): ChecklistRow {
  const negative = head.filter((f) => isNegative(q, f)).sort(compareInGroup);
  const decisive = negative.filter(counts);
  const notes = negative.filter((f) => !counts(f));
  const evals = scopes.map((s) => evaluate(q, s));
  const multi = scopes.length > 1;
  const label = (e: FeatureEval, text: string) => (multi && e.scope.slug ? `${e.scope.slug}: ${text}` : text);

  const weakened = evals.filter((e) => e.base?.complete && !e.head.complete);
  const unanswered = evals.filter((e) => !e.head.complete && !(e.substitute?.holds ?? false));
  const introduced = decisive.filter((f) => f.status === 'introduced');

  // Per feature: what answers the question, then what is missing (weakened by the change, or absent).
  const positiveOf = (e: FeatureEval) => (e.head.evidence.length ? e.head.evidence.join('; ') : e.substitute?.holds ? e.substitute.text : null);
  const gapOf = (e: FeatureEval) => {
    if (weakened.includes(e)) return `doc answer weakened by this change: ${e.head.missing[0]} (base: ${e.base!.evidence.join('; ') || 'complete'})`;
    if (!unanswered.includes(e)) return null;
    return e.substitute && !e.head.hasDesign ? e.substitute.text : e.head.missing.join('; ');
  };
  const positive: string[] = [];
  const gaps: string[] = [];
  for (const e of evals) {
    if (multi) {
      const text = [positiveOf(e), gapOf(e)].filter((x): x is string => x !== null).join('; ');
      if (text) positive.push(label(e, text));
    } else {
      const pos = positiveOf(e);
      const gap = gapOf(e);
      if (pos) positive.push(pos);
      if (gap) gaps.push(gap);
    }
  }
  const more = decisive.length > 1 ? ` (+${decisive.length - 1} more)` : '';
  const noteText = notes.length ? `notes: ${notes.map((f) => `${f.ruleId} (${f.severity}, ${f.precision}) at ${shortAt(f, paths)}`).join(', ')}` : null;

  let status: ChecklistRow['status'];
  const parts: string[] = [...positive];
  if (introduced.length > 0 || weakened.length > 0) {
    status = 'Regressed';
    if (introduced.length) parts.push(`${describe(introduced[0], paths)}${more}`);
    parts.push(...gaps);
  } else if (decisive.length > 0 || unanswered.length > 0) {
    status = 'Open';
    if (decisive.length) parts.push(`${describe(decisive[0], paths)}${more}`);
    parts.push(...gaps);
  } else {
    status = 'Answered';
  }
  if (noteText) parts.push(noteText);
  return { id: q.id, question: q.question, status, evidence: parts.join('; ') || 'no evidence' };
}

const D_RULES = new Set(DISTRIBUTED_QUESTIONS.flatMap((q) => q.rules));
const D_CONDITIONAL = new Set(DISTRIBUTED_QUESTIONS.flatMap((q) => q.conditionalRules ?? []));

function contractChannels(feature: Feature | undefined): Set<string> {
  return new Set(feature?.contracts.keys() ?? []);
}

/** §6.1. Returns the first reason the section applies, or null. */
export function distributedApplicability(findings: readonly Finding[], facts: ReviewFacts): string | null {
  const head = headFindings(findings);
  const reasons: string[] = [];
  const deploy = facts.deploymentChanges ?? [];
  if (deploy.length) reasons.push(`deployment or scaling file changed (${deploy[0]})`);

  const base = facts.baseCode;
  const newConsumer = facts.consumers.find((c) => !base || !base.consumers.some((b) => b.path === c.path && b.library === c.library && (b.channel ?? null) === (c.channel ?? null)));
  if (newConsumer) reasons.push(`new consumer entry point at ${newConsumer.path}:${newConsumer.line}`);
  const newProducer = facts.publishes.find((p) => !base || !base.publishes.some((b) => b.path === p.path && b.channel === p.channel));
  if (newProducer) reasons.push(`new producer${newProducer.channel ? ` of ${newProducer.channel}` : ''} at ${newProducer.path}:${newProducer.line}`);
  const headModel = facts.artifacts?.head;
  const baseModel = facts.artifacts?.base;
  for (const slug of facts.features) {
    const added = [...contractChannels(headModel?.features.get(slug))].filter((c) => baseModel && !contractChannels(baseModel.features.get(slug)).has(c));
    if (added.length) {
      reasons.push(`new channel ${added[0]}`);
      break;
    }
  }
  const changed = new Set((facts.changes ?? []).map((c) => c.path));
  for (const slug of facts.features) {
    const readme = headModel?.features.get(slug)?.readme;
    if (!readme || !changed.has(readme.path)) continue;
    const text = (m: ArtifactModel | undefined | null) => {
      const r = m?.features.get(slug)?.readme;
      const s = r?.doc.headings.find((h) => h.key === 'dependencies');
      return r && s ? r.doc.lines.slice(s.line, s.endLine).join('\n').trim() : null;
    };
    if (text(headModel) !== text(baseModel)) reasons.push(`README Dependencies of ${slug} changed`);
  }
  const folders = facts.serviceFolderChanges ?? [];
  if (folders.length) reasons.push(`service folder ${folders[0]} added or changed`);
  for (const slug of facts.features) {
    const docs = decisionDocs(headModel?.features.get(slug)).filter((d) => changed.has(d.path));
    for (const { artifact, unit } of proseOf(docs)) {
      if (unit.headingPath.some((k) => k.startsWith('system concerns'))) continue;
      const m = firstMatch(unitText(unit), DISTRIBUTED_MENTIONS);
      if (m) {
        reasons.push(`${where(artifact.path, unit.line)} mentions ${lower(m)}`);
        break;
      }
    }
  }
  const mapped = head
    .filter((f) => D_RULES.has(f.ruleId) || (D_CONDITIONAL.has(f.ruleId) && f.checklist.some((c) => c.startsWith('D'))))
    .sort(compareInGroup);
  if (mapped.length > 0) reasons.push(`D-mapped finding ${mapped[0].ruleId} at ${mapped[0].location.path}:${mapped[0].location.startLine}`);
  return reasons.length ? reasons.join('; ') : null;
}

export function computeChecklists(findings: readonly Finding[], facts: ReviewFacts): Checklists {
  const head = headFindings(findings);
  const scopes = featureScopes(findings, facts);
  // One set for every row, so base-name counts (shortAt) are computed once per review.
  const paths = new Set([...head.map((f) => f.location.path), ...scopes.flatMap((s) => [...s.codePaths])]);
  const reliability = RELIABILITY_QUESTIONS.map((q) => rowFor(q, head, scopes, paths));
  const applicableBecause = distributedApplicability(findings, facts);
  if (applicableBecause === null) {
    return { reliability, distributed: { applicable: false, reason: NOT_APPLICABLE_REASON, rows: [] } };
  }
  return {
    reliability,
    distributed: { applicable: true, reason: applicableBecause, rows: DISTRIBUTED_QUESTIONS.map((q) => rowFor(q, head, scopes, paths)) },
  };
}
