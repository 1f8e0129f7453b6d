// What the summary sections (checklists, anti-patterns, failure-mode walk, verdict) may read besides
// the findings. The engine fills it from the code model, the artifact models of both sides and a few
// evidence files (tests, CI configuration); the summary functions stay pure over (findings, facts).
import type { ArtifactModel } from '../../artifacts/model.js';
import type { PullRequestClaim } from '../pr-claims.js';
import type { Finding, Severity } from '../types.js';

export interface FactSite {
  path: string;
  line: number;
  library: string;
}

/** A file read as evidence only (a test, a CI configuration). */
export interface EvidenceFile {
  path: string;
  text: string;
}

export interface ReviewFacts {
  /** `channel` is the subscribed channel when the handler names one (kafkajs subscribe, queue name). */
  consumers: (FactSite & { atLeastOnce: boolean; channel?: string | null })[];
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
  /** Tiers the PR title or body claims (§9.3 step 5); head side only, the base has no PR text. */
  pullRequestClaims?: readonly PullRequestClaim[];
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
  /** Code sites of the Heuristic signals of failure modes 8, 9 and 17 (code-summary.ts, caches.ts), and of cache reads. */
  cacheSites?: { reads: FactSite[]; writesWithoutTtl: FactSite[]; uncoalescedReads: FactSite[]; clockComparisons: FactSite[] };
  /** Cache writes that expire (TTL code, mode 17's exposure with locks). */
  ttlWrites?: number;

  // Evidence beyond the code model (review-output.md §5-9). Every field is optional: summaries
  // computed without it say "not evaluated" or fall back to findings only.
  /**
   * The artifact models: `head` is the side being evaluated (the head commit for the review, the
   * base commit when the tier-claim rule runs on the base side), `base` the other side (for
   * "complete at base, incomplete at head"). `consumed` holds the contracts of channels that a
   * touched feature consumes from another feature (C1.5), read outside the docs rules' model.
   */
  artifacts?: { head: ArtifactModel; base: ArtifactModel | null; consumed?: ArtifactModel };
  /** Test files read for the test searches of §8.1 and C2.1 / C3.2 (contents, not only names). */
  tests?: EvidenceFile[];
  /** CI configuration files (`.github/workflows/*.yml`, `.gitlab-ci.yml`, ...) for C3.1. */
  ciConfigs?: EvidenceFile[];
  /** Repository paths that look like load tests (k6, artillery, `*.load.*`) for C4.2. */
  loadTestPaths?: string[];
  /** Changed files the review could not read (too large, binary, unparseable): nothing is "clean" with them unread. */
  unreadFiles?: readonly string[];
  /** Ids of the rules that ran; a rule that did not run cannot show a criterion "clean". */
  ranRules?: ReadonlySet<string>;
  /** Changed paths of the PR (head paths; removed files at their base path) with their status. */
  changes?: { path: string; status: 'added' | 'modified' | 'removed' | 'renamed' }[];
  /** Changed deployment or scaling files (§6.1: Terraform, k8s, Helm, HPA / ScaledObject YAML). */
  deploymentChanges?: string[];
  /** Service folders added by the PR, or whose package manifest changed (§6.1). */
  serviceFolderChanges?: string[];
  /** The same code facts at the base side of the changed files, to tell new constructs (§6.1, §7). */
  baseCode?: Pick<ReviewFacts, 'consumers' | 'publishes' | 'dbWrites' | 'retries'>;
  /** The configuration's `features:` path mapping, used to attribute code to features. */
  featureGlobs?: Readonly<Record<string, readonly string[]>>;
  /** Channel -> owning feature (contract or AsyncAPI basename), at the evaluated side. */
  channelOwners?: ReadonlyMap<string, string>;
  /** `asyncapi.traceHeaderIn`: `openapi` means AsyncAPI files are not expected to list trace headers. */
  traceHeaderIn?: 'asyncapi' | 'openapi';
  /** `nonIdempotentCalls` of the configuration (§8.2 impact). */
  nonIdempotentCalls?: readonly string[];
  /** `// Pattern:` comments in the analysed code (C0.1). */
  patternComments?: FactSite[];
  /** Outbound synchronous calls (HTTP, gRPC) in the analysed code. */
  outboundCalls?: FactSite[];
  /** Patterns recognised per analysed file (outbox write, dedup guard, DLQ publish), review-output.md §4.1. */
  codePatterns?: { path: string; pattern: string }[];
  /** Every analysed (non-test) code path, including files without any fact site. */
  analysedPaths?: string[];
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

/** `docs/features/<slug>/x/y.md` -> `x/y.md` (how the review names a feature's own files); other paths stay. */
export function featureRelative(path: string): string {
  const m = /^docs\/features\/[^/]+\/(.+)$/.exec(path);
  return m ? m[1] : path;
}

/** A ruled-out rule cannot show "clean": unknown (undefined) means every rule ran. */
export function ruleRan(facts: ReviewFacts, ruleId: string): boolean {
  return facts.ranRules === undefined || facts.ranRules.has(ruleId);
}
