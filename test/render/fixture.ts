// Hand-built findings and results for the renderer and summary tests, modelled on the worked example
// of review-output.md §12 (the loyalty-points award consumer).
import { computeAntiPatterns } from '../../src/review/summary/anti-patterns.js';
import { computeChecklists } from '../../src/review/summary/checklists.js';
import type { ReviewFacts } from '../../src/review/summary/facts.js';
import { computeFailureModes } from '../../src/review/summary/failure-modes.js';
import { computeVerdict } from '../../src/review/summary/verdict.js';
import type { Finding, ReviewResult } from '../../src/review/types.js';

export const FILE = 'services/loyalty/src/award-consumer.ts';

let counter = 0;

export function finding(overrides: Partial<Finding> & { ruleId: string; line?: number; path?: string }): Finding {
  const { line = 1, path = FILE, ...rest } = overrides;
  counter += 1;
  return {
    kind: 'code',
    severity: 'Important',
    systemTag: false,
    precision: 'High',
    messageId: 'default',
    message: `${overrides.ruleId} message`,
    location: { path, startLine: line, endLine: line },
    anchor: `anchor-${counter}`,
    related: [],
    checklist: [],
    failureModes: [],
    fingerprint: `${counter.toString(16).padStart(8, '0')}${'ab'.repeat(16)}`,
    status: 'introduced',
    gating: false,
    accepted: null,
    ...rest,
  };
}

export function facts(overrides: Partial<ReviewFacts> = {}): ReviewFacts {
  return {
    consumers: [],
    publishes: [],
    dbWrites: [],
    retries: [],
    regionsWithWriteAndPublish: 0,
    codeFiles: 1,
    testFiles: [],
    features: ['loyalty-points'],
    hasDesign: true,
    ...overrides,
  };
}

/** The code facts of the worked example's award consumer. */
export function exampleFacts(overrides: Partial<ReviewFacts> = {}): ReviewFacts {
  return facts({
    consumers: [{ path: FILE, line: 12, library: 'kafkajs', atLeastOnce: true }],
    publishes: [{ path: FILE, line: 20, library: 'kafkajs', channel: 'loyalty.points-awarded.v1' }],
    dbWrites: [{ path: FILE, line: 17, library: '@prisma/client' }],
    retries: [{ path: FILE, line: 16, library: 'p-retry' }],
    regionsWithWriteAndPublish: 1,
    ...overrides,
  });
}

/** The code findings of the worked example. */
export function exampleFindings(): Finding[] {
  return [
    finding({
      ruleId: 'dual-write',
      severity: 'Critical',
      line: 20,
      gating: true,
      variant: 'commit-then-publish',
      related: [{ path: FILE, line: 17, note: 'DB write' }],
      message: 'Dual-write: prisma.ledgerEntry.create (line 17) and producer.send commit to two systems.',
      checklist: ['R8', 'R1', 'D2'],
      antiPattern: 'dual-write',
      failureModes: ['lost-publish'],
    }),
    finding({
      ruleId: 'non-idempotent-consumer',
      severity: 'Critical',
      precision: 'Medium',
      line: 17,
      gating: true,
      checklist: ['R2'],
      failureModes: ['duplicate-delivery'],
    }),
    finding({ ruleId: 'consumer-error-swallowed', line: 24, checklist: ['R1', 'R3'], failureModes: ['ack-before-commit'] }),
    finding({ ruleId: 'missing-dlq', precision: 'Medium', line: 12, checklist: ['R3'], failureModes: ['poison-message-loop'] }),
    finding({ ruleId: 'retry-without-jitter', line: 16, checklist: ['R4', 'D4'], failureModes: ['retry-storm'] }),
    finding({ ruleId: 'missing-trace-context', precision: 'Medium', line: 20, checklist: ['R7'] }),
    finding({ ruleId: 'consumer-graceful-shutdown', severity: 'Suggestion', precision: 'Heuristic', line: 12 }),
    finding({
      ruleId: 'system-concerns-drift',
      kind: 'docs',
      severity: 'System',
      systemTag: true,
      path: 'docs/features/loyalty-points/README.md',
      line: 12,
      message: 'Posture change: Cost owner of loyalty-points changes.',
    }),
  ];
}

export function buildResult(findings: Finding[], f: ReviewFacts, extra: Partial<ReviewResult> = {}): ReviewResult {
  return {
    base: 'aaaaaaaa',
    head: 'bbbbbbbb',
    findings,
    scope: {
      features: f.features,
      channels: ['orders.placed.v1', 'loyalty.points-awarded.v1'],
      codeFiles: f.codeFiles,
      artifacts: 9,
      patterns: ['Retry'],
      contracts: ['loyalty.points-awarded.v1 (new producer)'],
    },
    checklists: computeChecklists(findings, f),
    antiPatterns: computeAntiPatterns(findings, f),
    failureModes: computeFailureModes(findings, f),
    verdict: computeVerdict(findings, f),
    coverage: { codeFiles: [FILE], artifacts: [], skipped: [], suppressed: {}, notes: [] },
    gate: { conclusion: 'failure', reason: '2 gating Critical findings' },
    ...extra,
  };
}
