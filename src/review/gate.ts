// The merge gate (rules.md §1.3, review-output.md §2): which findings fail the check run.
import { looksMinified } from '../code/parse.js';
import type { Config } from '../config/schema.js';
import type { CoverageReason, CoverageSkip, Finding, GateDecision, Precision, ReviewResult, Severity } from './types.js';

const PRECISION_RANK: Record<Precision, number> = { High: 0, Medium: 1, Heuristic: 2 };

export interface GatePolicy {
  failOn: Severity[];
  minPrecision: Precision;
  scope: 'introduced' | 'changed-files' | 'all';
}

export function gatePolicy(config: Config, failOnOverride?: 'critical' | 'important' | 'never'): GatePolicy {
  let failOn: Severity[] = [...config.gate.failOn];
  if (config.gate.strict && !failOn.includes('Important')) failOn.push('Important');
  if (failOnOverride === 'critical') failOn = ['Critical'];
  if (failOnOverride === 'important') failOn = ['Critical', 'Important'];
  if (failOnOverride === 'never') failOn = [];
  return { failOn, minPrecision: config.gate.minPrecision, scope: config.gate.scope };
}

export function isGating(finding: Finding, policy: GatePolicy, changedPaths: ReadonlySet<string>): boolean {
  if (finding.status === 'removed' || finding.accepted || finding.baselined) return false;
  if (!policy.failOn.includes(finding.severity)) return false;
  if (PRECISION_RANK[finding.precision] > PRECISION_RANK[policy.minPrecision]) return false;
  if (policy.scope === 'introduced') return finding.status === 'introduced';
  if (policy.scope === 'changed-files') return changedPaths.has(finding.location.path);
  return true;
}

/** Why a changed file could not be read at all: what it holds is unknown, so the review cannot call it clean. */
const UNREAD: ReadonlySet<CoverageReason> = new Set(['too-large', 'binary', 'unparseable']);

/**
 * Changed files the review could not read, head side. A minified bundle where bundles live is left
 * out: generated code the review never means to read (parse.ts). A long line alone is not enough,
 * or one 20,000-character comment would take any file out of the gate.
 */
export function unreadChanges(skipped: readonly CoverageSkip[]): CoverageSkip[] {
  return skipped.filter((s) => s.side !== 'base' && UNREAD.has(s.reason) && !(looksMinified(s.detail) && GENERATED_PATH.test(s.path)));
}

const GENERATED_PATH = /(^|\/)(dist|build|vendor|vendored|public|static|assets|out)\/|\.(min|bundle)\.[cm]?js$/;

/**
 * review-output.md §11.2: a gating finding fails; else findings worth a look (a Critical, Important
 * or System one that does not gate) make it `neutral`, as does a changed file left unread (§11.6:
 * coverage that is not whole cannot conclude better than `neutral`); nothing in scope is `skipped`.
 */
export function decideGate(findings: Finding[], relevant: boolean, unread: readonly CoverageSkip[] = []): GateDecision {
  const gating = findings.filter((f) => f.gating);
  if (gating.length > 0) {
    const first = gating[0]!;
    const counts = new Map<string, number>();
    for (const f of gating) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
    const summary = [...counts].map(([id, n]) => `${n} ${id}`).join(', ');
    return {
      conclusion: 'failure',
      reason: `${gating.length} gating finding${gating.length === 1 ? '' : 's'} (${summary}); first at ${first.location.path}:${first.location.startLine}`,
    };
  }
  if (unread.length > 0) {
    const first = unread[0]!;
    return {
      conclusion: 'neutral',
      reason: `no gating finding, but ${unread.length} changed file${unread.length === 1 ? ' was' : 's were'} not read (${[...new Set(unread.map((s) => s.reason))].join(', ')}); first ${first.path}`,
    };
  }
  if (!relevant) {
    return { conclusion: 'skipped', reason: 'nothing architectural in scope: no sink, handler or retry in changed code and no artifact touched' };
  }
  const accepted = findings.filter((f) => f.accepted && f.status !== 'removed').length;
  const baselined = findings.filter((f) => f.baselined && !f.accepted).length;
  const set = [accepted > 0 ? `${accepted} accepted risk${accepted === 1 ? '' : 's'}` : null, baselined > 0 ? `${baselined} baselined` : null].filter(Boolean);
  const reason = set.length ? `no gating finding (${set.join(', ')})` : 'no gating finding';
  // Baselined findings are the debt a team chose to carry: they would make every run neutral.
  const notable = findings.filter((f) => f.status !== 'removed' && !f.baselined && f.severity !== 'Suggestion');
  if (notable.length > 0) {
    const bySeverity = (['Critical', 'Important', 'System'] as const)
      .map((sev) => [sev, notable.filter((f) => f.severity === sev).length] as const)
      .filter(([, n]) => n > 0)
      .map(([sev, n]) => `${n} ${sev}`);
    return { conclusion: 'neutral', reason: `${reason}; ${bySeverity.join(', ')} to look at` };
  }
  return { conclusion: 'success', reason };
}

/** Why a review did not finish, for the conclusion and the title; null when it did. */
export function incompleteBecause(result: ReviewResult, fileListCut = false): string | null {
  const reasons: string[] = [];
  const errors = result.ruleErrors ?? [];
  if (errors.length > 0) reasons.push(`${errors.length} rule error${errors.length === 1 ? '' : 's'}`);
  // The review's budget and the per-file limit share the reason: either way a file went unread.
  if (result.coverage.skipped.some((s) => s.reason === 'time-budget')) reasons.push('a time limit stopped part of it');
  if (fileListCut) reasons.push('GitHub lists at most 3,000 files');
  return reasons.length > 0 ? reasons.join(', ') : null;
}
