// The finding record and review result shared by the engine, the renderers, the CLI and the App.
// Shapes follow ../shared/spec/review-output.md §2; renderers read only these records.

export const SEVERITIES = ['Critical', 'Important', 'Suggestion', 'System'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PRECISIONS = ['High', 'Medium', 'Heuristic'] as const;
export type Precision = (typeof PRECISIONS)[number];

export type FindingStatus = 'introduced' | 'pre-existing' | 'removed';
export type RuleKind = 'code' | 'docs';
export type Side = 'base' | 'head';

export type ChecklistId =
  | 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8'
  | 'D1' | 'D2' | 'D3' | 'D4' | 'D5' | 'D6';

export interface Location {
  path: string;
  startLine: number;
  endLine: number;
  startColumn?: number;
  endColumn?: number;
}

export interface RelatedLocation {
  path: string;
  line: number;
  note: string;
}

export interface AcceptedRisk {
  by: string;
  reason: string;
}

/** What a rule reports; the engine adds fingerprint, status and gating. */
export interface RawFinding {
  ruleId: string;
  kind: RuleKind;
  severity: Severity;
  systemTag: boolean;
  precision: Precision;
  messageId: string;
  message: string;
  location: Location;
  /** Line-independent text that identifies the finding inside its file (rules.md §1.4). */
  anchor: string;
  related: RelatedLocation[];
  variant?: string;
  feature?: string;
  channel?: string;
  pattern?: string;
  checklist: ChecklistId[];
  antiPattern?: string;
  failureModes: string[];
}

export interface Finding extends RawFinding {
  fingerprint: string;
  status: FindingStatus;
  gating: boolean;
  accepted: AcceptedRisk | null;
  /** Its fingerprint is in the baseline file (src/review/baseline.ts): reported, never gating. */
  baselined?: boolean;
}

export type CoverageReason =
  | 'too-large'
  | 'binary'
  | 'unparseable'
  | 'unsupported-language'
  | 'time-budget'
  | 'no-patch'
  | 'deleted'
  | 'test-file'
  | 'not-reviewable';

export interface CoverageSkip {
  path: string;
  side?: Side;
  reason: CoverageReason;
  detail: string;
}

export interface Coverage {
  codeFiles: string[];
  artifacts: string[];
  skipped: CoverageSkip[];
  suppressed: Record<string, number>;
  /** Suppression comments that matched nothing or had no reason, reported as findings too. */
  notes: string[];
  /** How `/review <paths>` or `/review full` changed what was reviewed; absent for a diff review. */
  reach?: string;
  /**
   * Imports of changed files, read as evidence for helper summaries, that were not analysed (head
   * side): a helper's effects there are unknown to the rules, so findings may be missing.
   */
  evidenceSkipped?: CoverageSkip[];
}

export type ChecklistStatus = 'Answered' | 'Open' | 'Regressed';

export interface ChecklistRow {
  id: ChecklistId;
  question: string;
  status: ChecklistStatus;
  evidence: string;
}

export interface Checklists {
  reliability: ChecklistRow[];
  distributed: { applicable: boolean; reason: string; rows: ChecklistRow[] };
}

export interface AntiPatternRow {
  name: string;
  state: 'fired' | 'removed' | 'forward-looking' | 'clean' | 'not-checked';
  detail: string;
}

export interface FailureModeEntry {
  id: string;
  name: string;
  likelihood: number;
  impact: number;
  rootCause: string;
  blastRadius: string;
  mitigation: string;
  requiredTest: string;
  testFound: string | null;
  /** The touched feature whose System concerns and contracts gave the blast radius. */
  feature?: string;
}

export type Tier = 'Prototype' | 'Service-ready' | 'Production-ready' | 'Enterprise-critical';

export interface Verdict {
  feature: string | null;
  tier: Tier;
  level: number;
  basis: string;
  claims: { location: string; tier: Tier }[];
  downgrade: string | null;
  nextTier: Tier | null;
  gaps: { kind: 'technical' | 'system'; text: string }[];
  readmeUpdates: string[];
  /** Level-0 criteria that are not met: the verdict says "below the Prototype gate" (§9.3 step 2). */
  belowGate?: string[];
  /** Every criterion of §9.1 with its value (for the check-run text appendix, §11.2). */
  criteria?: { id: string; state: 'met' | 'failed' | 'not-demonstrated'; evidence: string }[];
}

export interface GateDecision {
  conclusion: 'success' | 'failure' | 'neutral' | 'skipped';
  reason: string;
}

export interface ReviewScope {
  features: string[];
  channels: string[];
  codeFiles: number;
  artifacts: number;
  patterns: string[];
  contracts: string[];
}

export interface ReviewResult {
  base: string;
  head: string;
  findings: Finding[];
  scope: ReviewScope;
  checklists: Checklists;
  antiPatterns: AntiPatternRow[];
  failureModes: FailureModeEntry[];
  /** The headline verdict: the lowest tier among the touched features. */
  verdict: Verdict;
  /** One verdict per touched feature (§9.3 step 1), sorted by feature; absent in older results. */
  verdicts?: Verdict[];
  coverage: Coverage;
  gate: GateDecision;
  /** Rules that threw or ran past their time limit (either side); their findings are missing. */
  ruleErrors?: string[];
}
