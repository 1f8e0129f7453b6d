// Line-independent fingerprints (rules.md §1.4) and the statuses they give when base and head are
// compared. A rebase or an unrelated edit above a finding never changes its fingerprint.
import { createHash } from 'node:crypto';
import type { AcceptedRisk, Finding, FindingStatus, RawFinding } from './types.js';

export function fingerprintOf(ruleId: string, path: string, anchor: string, memo?: Map<string, string>): string {
  const key = `${ruleId}|${path}|${anchor}`;
  let print = memo?.get(key);
  if (print === undefined) {
    print = createHash('sha1').update(key).digest('hex');
    memo?.set(key, print);
  }
  return print;
}

/**
 * Fingerprints for one side's findings. Two findings with the same anchor in one file (the same
 * call written twice in one function) are told apart by their order, which stays line-independent.
 */
export function fingerprintAll(findings: RawFinding[], pathAtHead: (path: string) => string, memo?: Map<string, string>): Map<RawFinding, string> {
  const seen = new Map<string, number>();
  const out = new Map<RawFinding, string>();
  // Only the order within a file numbers repeats, so paths compare by code unit, not by locale.
  const ordered = [...findings].sort(
    (a, b) => (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : a.location.startLine - b.location.startLine),
  );
  for (const finding of ordered) {
    const path = pathAtHead(finding.location.path);
    const base = fingerprintOf(finding.ruleId, path, finding.anchor, memo);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.set(finding, count === 0 ? base : fingerprintOf(finding.ruleId, path, `${finding.anchor}#${count + 1}`, memo));
  }
  return out;
}

export interface StatusInput {
  head: RawFinding[];
  base: RawFinding[];
  /** Maps a base path to its head path (renames). */
  baseToHead: (path: string) => string;
  accepted?: ReadonlyMap<string, AcceptedRisk>;
  /** Hashes already computed in this review, when statuses are assigned more than once. */
  memo?: Map<string, string>;
}

/** introduced / pre-existing from head, removed from base only; gating is decided later. */
export function assignStatuses(input: StatusInput): Finding[] {
  const headPrints = fingerprintAll(input.head, (p) => p, input.memo);
  const basePrints = fingerprintAll(input.base, input.baseToHead, input.memo);
  const baseSet = new Set(basePrints.values());
  const headSet = new Set(headPrints.values());
  const out: Finding[] = [];
  const make = (raw: RawFinding, fingerprint: string, status: FindingStatus): Finding => ({
    ...raw,
    fingerprint,
    status,
    gating: false,
    accepted: input.accepted?.get(fingerprint) ?? null,
  });
  for (const [raw, print] of headPrints) out.push(make(raw, print, baseSet.has(print) ? 'pre-existing' : 'introduced'));
  for (const [raw, print] of basePrints) {
    if (headSet.has(print)) continue;
    const moved = { ...raw, location: { ...raw.location, path: input.baseToHead(raw.location.path) } };
    out.push(make(moved, print, 'removed'));
  }
  return out;
}
