// What the summary sections (checklists, anti-patterns, failure-mode walk, verdict) may read besides
// the findings. The code model fills it; the summary functions stay pure over (findings, facts).
import type { Finding, Severity } from '../types.js';

export interface FactSite {
  path: string;
  line: number;
  library: string;
}

export interface ReviewFacts {
  consumers: (FactSite & { atLeastOnce: boolean })[];
  publishes: (FactSite & { channel: string | null })[];
  dbWrites: FactSite[];
  retries: FactSite[];
  regionsWithWriteAndPublish: number;
  /** Reviewed code files (non-test). */
  codeFiles: number;
  /** Test files present in the changed set / repo listing. */
  testFiles: string[];
  /** Touched feature slugs. */
  features: string[];
  /** Any touched feature has a design.md. */
  hasDesign: boolean;
  // The counts below are optional because the code and artifact models do not report them yet.
  // `undefined` means "not evaluated": rows that depend on them say so instead of claiming absence.
  /** Contract files of touched features in scope. */
  contracts?: number;
  /** AsyncAPI files in scope. */
  asyncApiFiles?: number;
  /** Schema files (JSON Schema, Avro, Protobuf) in scope. */
  schemaFiles?: number;
  /** Write handlers (HTTP or RPC handlers that mutate state) in scope. */
  writeHandlers?: number;
  /** Stream writes (Redis xadd, Node streams to a broker) in scope. */
  streamWrites?: number;
  /** Distributed lock / lease code sites in scope. */
  lockSites?: number;
  /** Services in the repository (shared-oltp-write needs more than one). */
  services?: number;
  /** Cache reads in scope. */
  cacheReads?: number;
}

const SEVERITY_RANK: Record<Severity, number> = { Critical: 0, Important: 1, Suggestion: 2, System: 3 };
const STATUS_RANK = { introduced: 0, 'pre-existing': 1, removed: 2 } as const;

/** Head findings: what exists at the head commit (removed findings are positive notes only). */
export function headFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.status !== 'removed');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order inside a severity group (review-output.md 4.1): status, path, line, rule id. */
export function compareInGroup(a: Finding, b: Finding): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    cmp(a.location.path, b.location.path) ||
    a.location.startLine - b.location.startLine ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.fingerprint, b.fingerprint)
  );
}

/** Severity first, then the in-group order; the fingerprint makes the order total. */
export function compareFindings(a: Finding, b: Finding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compareInGroup(a, b);
}

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

export function at(f: Finding): string {
  return `${f.location.path}:${f.location.startLine}`;
}

export function siteAt(s: FactSite): string {
  return `${s.path}:${s.line}`;
}
