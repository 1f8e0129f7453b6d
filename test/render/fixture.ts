// Hand-built findings and results for the renderer and summary tests, modelled on the worked example
// of review-output.md §12 (the loyalty-points award consumer), with the artifacts of artifacts.md §10.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildArtifactModel, type ArtifactModel } from '../../src/artifacts/model.js';
import { computeAntiPatterns } from '../../src/review/summary/anti-patterns.js';
import { computeChecklists } from '../../src/review/summary/checklists.js';
import type { ReviewFacts } from '../../src/review/summary/facts.js';
import { computeFailureModes } from '../../src/review/summary/failure-modes.js';
import { computeVerdict, computeVerdicts } from '../../src/review/summary/verdict.js';
import type { Finding, ReviewResult } from '../../src/review/types.js';

export const FILE = 'services/loyalty/src/award-consumer.ts';
export const README = 'docs/features/loyalty-points/README.md';

const LOYALTY_ROOT = fileURLToPath(new URL('../../fixtures/artifacts/loyalty-points/', import.meta.url));

/** The files of artifacts.md §10 (the loyalty-points example), keyed by repository path. */
export function loyaltyFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) visit(full);
      else out[relative(LOYALTY_ROOT, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  visit(LOYALTY_ROOT);
  return out;
}

/** An artifact model of the example, with files replaced (a `null` value deletes the file). */
export function loyaltyModel(changes: Record<string, string | null> = {}, side: 'base' | 'head' = 'head'): ArtifactModel {
  const files = { ...loyaltyFiles() } as Record<string, string | null>;
  Object.assign(files, changes);
  const entries = Object.entries(files).filter((e): e is [string, string] => e[1] !== null).map(([path, text]) => ({ path, text }));
  return buildArtifactModel(entries, { side });
}

/** The README edit of §12: the cost owner moves to Growth Marketing (line 12). */
export function costOwnerChange(): Record<string, string> {
  const readme = loyaltyFiles()[README]!;
  return { [README]: readme.replace('- **Cost owner**: Loyalty Platform, cost centre CC-4410', '- **Cost owner**: Growth Marketing, cost centre CC-7002') };
}

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

/** The code facts of the worked example's award consumer, without docs (code-only review). */
export function exampleCodeFacts(overrides: Partial<ReviewFacts> = {}): ReviewFacts {
  return facts({
    consumers: [{ path: FILE, line: 12, library: 'kafkajs', atLeastOnce: true, channel: 'orders.placed.v1' }],
    publishes: [{ path: FILE, line: 20, library: 'kafkajs', channel: 'loyalty.points-awarded.v1' }],
    dbWrites: [{ path: FILE, line: 17, library: '@prisma/client' }],
    retries: [{ path: FILE, line: 16, library: 'p-retry' }],
    regionsWithWriteAndPublish: 1,
    ...overrides,
  });
}

/** The worked example of §12: the award consumer's code facts plus the loyalty-points artifacts at base and head. */
export function exampleFacts(overrides: Partial<ReviewFacts> = {}): ReviewFacts {
  return exampleCodeFacts({
    artifacts: { head: loyaltyModel(costOwnerChange()), base: loyaltyModel({}, 'base') },
    baseCode: { consumers: [], publishes: [], dbWrites: [], retries: [] },
    changes: [
      { path: FILE, status: 'added' },
      { path: README, status: 'modified' },
    ],
    analysedPaths: [FILE],
    contracts: 1,
    asyncApiFiles: 1,
    schemaFiles: 1,
    writeHandlers: 0,
    streamWrites: 0,
    lockSites: 0,
    services: 1,
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
    verdicts: computeVerdicts(findings, f),
    coverage: { codeFiles: [FILE], artifacts: [], skipped: [], suppressed: {}, notes: [] },
    gate: { conclusion: 'failure', reason: '2 gating Critical findings' },
    ...extra,
  };
}
