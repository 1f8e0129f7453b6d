// The CLI's JSON contract. Objects are rebuilt key by key so the key order is part of the contract
// and does not depend on how the engine happened to assemble its records.
import type {
  AcceptedRisk,
  AntiPatternRow,
  ChecklistRow,
  Checklists,
  Coverage,
  CoverageSkip,
  FailureModeEntry,
  Finding,
  FindingStatus,
  GateDecision,
  Precision,
  RelatedLocation,
  ReviewResult,
  ReviewScope,
  Severity,
  Tier,
  Verdict,
} from '../review/types.js';
import { compareFindings } from '../review/summary/facts.js';

export interface ReviewJsonFinding {
  ruleId: string;
  severity: Severity;
  precision: Precision;
  status: FindingStatus;
  path: string;
  line: number;
  endLine: number;
  message: string;
  fingerprint: string;
  /** Whether the finding fails the merge gate (`Finding.gating`). */
  gates: boolean;
  variant?: string;
  related: RelatedLocation[];
  accepted: AcceptedRisk | null;
  /** In the baseline file: reported, never gating (docs/configuration.md). */
  baselined: boolean;
}

export interface ReviewJson {
  findings: ReviewJsonFinding[];
  checklists: Checklists;
  antiPatterns: AntiPatternRow[];
  failureModes: FailureModeEntry[];
  verdict: {
    tier: Tier;
    level: number;
    gaps: Verdict['gaps'];
    claims: Verdict['claims'];
    downgrade: string | null;
  };
  coverage: Coverage;
  gate: GateDecision;
  base: string;
  head: string;
  scope: ReviewScope;
}

function finding(f: Finding): ReviewJsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    precision: f.precision,
    status: f.status,
    path: f.location.path,
    line: f.location.startLine,
    endLine: f.location.endLine,
    message: f.message,
    fingerprint: f.fingerprint,
    gates: f.gating,
    // Spread keeps the optional key in its documented position (absent, not null, when unset).
    ...(f.variant !== undefined ? { variant: f.variant } : {}),
    related: f.related.map((r) => ({ path: r.path, line: r.line, note: r.note })),
    accepted: f.accepted ? { by: f.accepted.by, reason: f.accepted.reason } : null,
    baselined: f.baselined === true,
  };
}

function checklistRow(r: ChecklistRow): ChecklistRow {
  return { id: r.id, question: r.question, status: r.status, evidence: r.evidence };
}

function skip(s: CoverageSkip): CoverageSkip {
  return { path: s.path, ...(s.side !== undefined ? { side: s.side } : {}), reason: s.reason, detail: s.detail };
}

export function toReviewJson(result: ReviewResult): ReviewJson {
  const v = result.verdict;
  const c = result.coverage;
  const s = result.scope;
  return {
    findings: [...result.findings].sort(compareFindings).map(finding),
    checklists: {
      reliability: result.checklists.reliability.map(checklistRow),
      distributed: {
        applicable: result.checklists.distributed.applicable,
        reason: result.checklists.distributed.reason,
        rows: result.checklists.distributed.rows.map(checklistRow),
      },
    },
    antiPatterns: result.antiPatterns.map((a) => ({ name: a.name, state: a.state, detail: a.detail })),
    failureModes: result.failureModes.map((e) => ({
      id: e.id,
      name: e.name,
      likelihood: e.likelihood,
      impact: e.impact,
      rootCause: e.rootCause,
      blastRadius: e.blastRadius,
      mitigation: e.mitigation,
      requiredTest: e.requiredTest,
      testFound: e.testFound,
    })),
    verdict: {
      tier: v.tier,
      level: v.level,
      gaps: v.gaps.map((g) => ({ kind: g.kind, text: g.text })),
      claims: v.claims.map((cl) => ({ location: cl.location, tier: cl.tier })),
      downgrade: v.downgrade,
    },
    coverage: {
      codeFiles: [...c.codeFiles],
      artifacts: [...c.artifacts],
      skipped: c.skipped.map(skip),
      suppressed: Object.fromEntries(Object.entries(c.suppressed).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      notes: [...c.notes],
      ...(c.reach ? { reach: c.reach } : {}),
      evidenceSkipped: (c.evidenceSkipped ?? []).map(skip),
    },
    gate: { conclusion: result.gate.conclusion, reason: result.gate.reason },
    base: result.base,
    head: result.head,
    scope: {
      features: [...s.features],
      channels: [...s.channels],
      codeFiles: s.codeFiles,
      artifacts: s.artifacts,
      patterns: [...s.patterns],
      contracts: [...s.contracts],
    },
  };
}

export function renderJson(result: ReviewResult): string {
  return `${JSON.stringify(toReviewJson(result), null, 2)}\n`;
}
