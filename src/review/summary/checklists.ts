// Reliability (R1-R8) and distributed-systems (D1-D6) checklists, review-output.md §5 and §6.
// Only the finding half of the status algorithm (5.2) is decidable today: doc evidence (design
// checklist, contracts, AsyncAPI) arrives with the docs rules, so a question without a negative
// finding stays Open and says why instead of claiming Answered.
import type { ChecklistId, ChecklistRow, Checklists, Finding } from '../types.js';
import { at, compareInGroup, headFindings, type ReviewFacts } from './facts.js';

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
}

export const RELIABILITY_QUESTIONS: readonly Question[] = [
  {
    id: 'R1',
    question: 'Delivery guarantee',
    rules: ['auto-commit-consumer', 'ack-before-commit', 'consumer-error-swallowed', 'producer-durability'],
  },
  { id: 'R2', question: 'Idempotency strategy', rules: ['non-idempotent-consumer'] },
  {
    id: 'R3',
    question: 'Bad-message strategy',
    rules: ['missing-dlq', 'consumer-error-swallowed', 'dlq-ownership'],
    conditionalRules: ['unbounded-retry', 'retry-permanent-errors'],
  },
  {
    id: 'R4',
    question: 'Retry policy',
    rules: [
      'unbounded-retry',
      'retry-without-jitter',
      'retry-permanent-errors',
      'stacked-retries',
      'outbound-call-without-timeout',
    ],
  },
  { id: 'R5', question: 'Ordering requirement', rules: ['ordering-key-mismatch', 'producer-ordering-key-missing'] },
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
  },
  { id: 'R7', question: 'Observability', rules: ['missing-trace-context', 'asyncapi-trace-headers'] },
  { id: 'R8', question: 'Failure boundary', rules: ['dual-write', 'distributed-2pc'] },
];

export const DISTRIBUTED_QUESTIONS: readonly Question[] = [
  {
    id: 'D1',
    question: 'Boundary and ownership',
    rules: ['shared-oltp-write', 'feature-readme-sync'],
    conditionalRules: ['system-concerns-complete'],
  },
  { id: 'D2', question: 'Consistency model', rules: ['dual-write', 'distributed-2pc', 'lock-without-fencing'] },
  { id: 'D3', question: 'Scaling axis', rules: [] },
  {
    id: 'D4',
    question: 'Failure mode',
    rules: [
      'sync-rpc-chain',
      'stacked-retries',
      'outbound-call-without-timeout',
      'lock-without-fencing',
      'retry-without-jitter',
      'concrete-criteria',
    ],
  },
  { id: 'D5', question: 'Backpressure', rules: ['unbounded-prefetch-concurrency', 'oversized-payload'] },
  {
    id: 'D6',
    question: 'Operations',
    rules: ['runbook-quality-bar', 'dlq-ownership', 'system-concerns-complete', 'launch-decision-gate'],
  },
];

export const DOC_EVIDENCE_PENDING =
  'doc evidence not evaluated yet (design checklist parsing arrives with the docs rules)';

export const NOT_APPLICABLE_REASON =
  'the change does not touch scale, resilience, multi-region or service boundaries ' +
  '(checked: consumers, producers and D1-D6 findings; deployment files and docs are not evaluated yet).';

function isNegative(q: Question, f: Finding): boolean {
  if (q.rules.includes(f.ruleId)) return true;
  return (q.conditionalRules ?? []).includes(f.ruleId) && f.checklist.includes(q.id);
}

/** F(q) of 5.2: the findings that can change the status. */
function counts(f: Finding): boolean {
  return (f.severity === 'Critical' || f.severity === 'Important') && f.precision !== 'Heuristic';
}

function describe(f: Finding): string {
  return `${f.ruleId} ${f.status} at ${at(f)}`;
}

function row(q: Question, head: readonly Finding[]): ChecklistRow {
  const negative = head.filter((f) => isNegative(q, f)).sort(compareInGroup);
  const decisive = negative.filter(counts);
  const notes = negative.filter((f) => !counts(f));
  const noteText = notes.length
    ? `; notes: ${notes.map((f) => `${f.ruleId} (${f.severity}, ${f.precision}) at ${at(f)}`).join(', ')}`
    : '';
  const more = (n: number) => (n > 1 ? ` (+${n - 1} more)` : '');

  const introduced = decisive.filter((f) => f.status === 'introduced');
  if (introduced.length > 0) {
    // Doc evidence cannot lift a Regressed status, so no caveat is needed here.
    return { id: q.id, question: q.question, status: 'Regressed', evidence: `${describe(introduced[0])}${more(decisive.length)}${noteText}` };
  }
  if (decisive.length > 0) {
    return {
      id: q.id,
      question: q.question,
      status: 'Open',
      evidence: `${describe(decisive[0])}${more(decisive.length)}; ${DOC_EVIDENCE_PENDING}${noteText}`,
    };
  }
  const base = q.rules.length === 0 && !q.conditionalRules ? 'no negative rule exists' : 'no negative finding';
  return { id: q.id, question: q.question, status: 'Open', evidence: `${base}; ${DOC_EVIDENCE_PENDING}${noteText}` };
}

const D_RULES = new Set(DISTRIBUTED_QUESTIONS.flatMap((q) => [...q.rules, ...(q.conditionalRules ?? [])]));

/** 6.1, reduced to what the facts and findings can show. */
function distributedApplicability(head: readonly Finding[], facts: ReviewFacts): string | null {
  const reasons: string[] = [];
  if (facts.consumers.length > 0) {
    reasons.push(`${facts.consumers.length} consumer entry point${facts.consumers.length === 1 ? '' : 's'} in scope`);
  }
  if (facts.publishes.length > 0) {
    reasons.push(`${facts.publishes.length} publish${facts.publishes.length === 1 ? '' : 'es'} in scope`);
  }
  const mapped = head.filter((f) => D_RULES.has(f.ruleId) || f.checklist.some((c) => c.startsWith('D')));
  if (mapped.length > 0) {
    const first = [...mapped].sort(compareInGroup)[0];
    reasons.push(`D-mapped finding ${first.ruleId} at ${at(first)}`);
  }
  return reasons.length ? reasons.join('; ') : null;
}

export function computeChecklists(findings: readonly Finding[], facts: ReviewFacts): Checklists {
  const head = headFindings(findings);
  const reliability = RELIABILITY_QUESTIONS.map((q) => row(q, head));
  const applicableBecause = distributedApplicability(head, facts);
  if (applicableBecause === null) {
    return { reliability, distributed: { applicable: false, reason: NOT_APPLICABLE_REASON, rows: [] } };
  }
  return {
    reliability,
    distributed: { applicable: true, reason: applicableBecause, rows: DISTRIBUTED_QUESTIONS.map((q) => row(q, head)) },
  };
}
