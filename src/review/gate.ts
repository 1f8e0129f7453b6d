// The merge gate (rules.md §1.3, review-output.md §2): which findings fail the check run.
import type { Config } from '../config/schema.js';
import type { Finding, GateDecision, Precision, ReviewResult, Severity } from './types.js';

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

export function decideGate(findings: Finding[], relevant: boolean): GateDecision {
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
  if (!relevant) {
    return { conclusion: 'skipped', reason: 'nothing architectural in scope: no sink, handler or retry in changed code and no artifact touched' };
  }
  const accepted = findings.filter((f) => f.accepted && f.status !== 'removed').length;
  const baselined = findings.filter((f) => f.baselined && !f.accepted).length;
  const set = [accepted > 0 ? `${accepted} accepted risk${accepted === 1 ? '' : 's'}` : null, baselined > 0 ? `${baselined} baselined` : null].filter(Boolean);
  return { conclusion: 'success', reason: set.length ? `no gating finding (${set.join(', ')})` : 'no gating finding' };
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
