// The readiness verdict of review-output.md §9: one per touched feature (§9.3 step 1). The criteria,
// the System-concerns cap and the tier come from criteria.ts, which rule tier-claim-unsupported
// shares; this module adds the claims and Downgrade line (§9.3 step 5), the gaps to the next tier
// with their next move and owner (§9.4), and the README updates to consider.
import type { Feature } from '../../artifacts/model.js';
import type { Finding, Verdict } from '../types.js';
import {
  assessReadiness,
  CLAIM_LEVEL,
  TIERS,
  tierOfLevel,
  tierRankOf,
  type CriterionResult,
  type Readiness,
} from './criteria.js';
import {
  complianceOf,
  concernOf,
  contractsOf,
  isFilled,
  readmeField,
  runbooksOf,
  teamName,
  where,
  type Concern,
  type Located,
} from './docs.js';
import { at, compareInGroup, type ReviewFacts } from './facts.js';

export { CLAIM_LEVEL, TIERS, tierOfLevel };
export type { CriterionResult, CriterionState } from './criteria.js';

/** Every criterion of the first (or only) feature; kept for callers that want the flat list. */
export function evaluateCriteria(findings: readonly Finding[], facts: ReviewFacts): CriterionResult[] {
  return assessReadiness(findings, facts)[0]?.criteria ?? [];
}

function joinLocations(locs: string[]): string {
  return locs.length <= 1 ? locs.join('') : `${locs.slice(0, -1).join(', ')} and ${locs[locs.length - 1]}`;
}

/** §9.4: the criteria of the next level(s) up to the next tier's claim level that are not met. */
function gapsOf(r: Readiness): Verdict['gaps'] {
  const next = TIERS[TIERS.indexOf(r.tier) + 1];
  const gaps: Verdict['gaps'] = [];
  if (!next) return gaps;
  const owner = r.owner;
  const contractOwner = (c: CriterionResult) => {
    // Contract gaps are closed by the contract's Owner (§9.4).
    const channel = /contract ([a-z0-9._-]+)/i.exec(c.evidence)?.[1];
    const contract = channel ? contractsOf(r.scope.feature).find((k) => k.channel === channel) : undefined;
    return contract && isFilled(contract.owner?.value) ? teamName(contract.owner!.value) : null;
  };
  for (const c of r.criteria) {
    // Level-0 criteria gate every tier, so an unmet one is always a gap.
    if (c.state === 'met' || (c.level > 0 && (c.level <= r.level || c.level > CLAIM_LEVEL[next]))) continue;
    const what = c.state === 'failed' ? c.evidence : `not demonstrated: ${c.evidence}`;
    const who = contractOwner(c) ?? owner;
    gaps.push({ kind: 'technical', text: `${c.id} ${c.criterion} — ${what}; ${c.move}.${who ? ` Owner: ${who}.` : ''}` });
  }
  for (const s of r.system[next]) {
    if (s.state === 'met') continue;
    gaps.push({ kind: 'system', text: `${s.concern} filled — ${s.evidence}; fill it in the design System concerns and the README.${owner ? ` Owner: ${owner}.` : ''}` });
  }
  return gaps;
}

// ---------------------------------------------------------------------------------------------
// README updates (§9.4): System facts that differ between the README and the other artifacts.

const COMPARED: { concern: Concern; key(v: string): string }[] = [
  { concern: 'Owner team', key: (v) => teamName(v).toLowerCase() },
  { concern: 'Tenancy', key: (v) => (/multi-tenant/i.test(v) ? 'multi-tenant' : /single-tenant/i.test(v) ? 'single-tenant' : v.toLowerCase()) },
  { concern: 'Compliance', key: (v) => [...complianceOf(v)].sort().join(',') },
  { concern: 'Cost owner', key: (v) => v.replace(/\s+/g, ' ').trim().toLowerCase() },
  {
    concern: 'DR posture',
    key: (v) => `${/RPO\D{0,10}(\d+\s*\w+)/i.exec(v)?.[1] ?? ''}|${/RTO\D{0,10}(\d+\s*\w+)/i.exec(v)?.[1] ?? ''}`.toLowerCase(),
  },
];

function others(feature: Feature, concern: Concern, model: Readiness['scope']['model']): Located[] {
  return [
    concernOf(feature.design, concern),
    ...feature.adrs.map((a) => concernOf(a, concern)),
    ...feature.archdocs.map((a) => concernOf(a, concern)),
    ...[...feature.contracts.values()].map((a) => concernOf(a, concern)),
    ...runbooksOf(feature, model).filter((r) => r.slug === feature.slug).map((a) => concernOf(a, concern)),
    ...feature.launches.map((a) => concernOf(a, concern)),
  ].filter((l): l is Located => l !== null && isFilled(l.value));
}

function kindOf(path: string): string {
  if (/\/design\.md$/.test(path)) return 'design';
  if (/\/adrs\//.test(path)) return 'ADR';
  if (/\/contracts\//.test(path)) return 'contract';
  if (/\/runbooks\//.test(path)) return 'runbook';
  if (/\/launches\//.test(path)) return 'launch decision';
  return 'architecture doc';
}

function readmeUpdates(r: Readiness, findings: readonly Finding[]): string[] {
  const feature = r.scope.feature;
  const out: string[] = [];
  const covered = new Set<string>();
  if (feature?.readme) {
    for (const { concern, key } of COMPARED) {
      const readme = readmeField(feature.readme, concern);
      if (!readme || !isFilled(readme.value)) continue;
      const rest = others(feature, concern, r.scope.model);
      const differing = rest.filter((o) => key(o.value) !== key(readme.value));
      if (differing.length === 0) continue;
      covered.add(concern.toLowerCase());
      const kinds = [...new Set(differing.map((d) => kindOf(d.path)))];
      if (differing.length === rest.length) {
        out.push(
          `${concern} now differs from every other artifact of the feature (README.md:${readme.line} vs ${where(differing[0].path, differing[0].line)}); ` +
            `confirm the new value and update the ${joinLocations(kinds)}, or revert the README line`,
        );
      } else {
        out.push(`${concern} in README.md:${readme.line} differs from the ${joinLocations(kinds)} (${where(differing[0].path, differing[0].line)}); confirm which is right`);
      }
    }
  }
  // System findings located in the README name facts the review found; list those not covered above.
  for (const f of [...findings].sort(compareInGroup)) {
    if (f.status === 'removed' || f.severity !== 'System' || !/\/README\.md$/.test(f.location.path)) continue;
    if ([...covered].some((c) => f.message.toLowerCase().includes(c))) continue;
    out.push(`${at(f)} — ${f.message}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function verdictOf(r: Readiness, findings: readonly Finding[]): Verdict {
  // The PR title and body are among the claims (facts.pullRequestClaims), after the repository's own.
  const claims = r.claims.map((c) => ({ location: c.location, tier: c.tier }));
  const downgrades: string[] = [];
  for (const claimed of TIERS) {
    if (tierRankOf(claimed) <= tierRankOf(r.tier)) continue;
    const locs = claims.filter((c) => c.tier === claimed).map((c) => c.location);
    if (locs.length === 0) continue;
    downgrades.push(`Downgrade: ${joinLocations(locs)} ${locs.length === 1 ? 'claims' : 'claim'} ${claimed}; evidence supports ${r.tier}.`);
  }
  const levelZero = r.criteria.filter((c) => c.level === 0 && c.state !== 'met').map((c) => c.id);
  const failed = r.criteria.filter((c) => c.state === 'failed').map((c) => c.id);
  const notShown = r.criteria.filter((c) => c.state === 'not-demonstrated').map((c) => c.id);
  const basis = [
    `technical level ${r.technicalLevel}`,
    failed.length ? `failed: ${failed.join(', ')}` : null,
    notShown.length ? `not demonstrated: ${notShown.join(', ')}` : null,
    r.tier !== r.uncappedTier ? `capped at ${r.tier} by System concerns (${r.system[r.uncappedTier].filter((s) => s.state !== 'met').map((s) => s.concern).join(', ')})` : null,
  ]
    .filter((s): s is string => s !== null)
    .join('; ');
  return {
    feature: r.slug,
    tier: r.tier,
    level: r.level,
    basis,
    claims,
    downgrade: downgrades.length ? downgrades.join('\n') : null,
    nextTier: TIERS[TIERS.indexOf(r.tier) + 1] ?? null,
    gaps: gapsOf(r),
    readmeUpdates: readmeUpdates(r, r.scope.findings.length ? findings.filter((f) => r.scope.findings.includes(f)) : []),
    ...(levelZero.length ? { belowGate: levelZero } : {}),
    criteria: r.criteria.map((c) => ({ id: c.id, state: c.state, evidence: c.evidence })),
  };
}

/** One verdict per touched feature, sorted by slug (a review without features gets one). */
export function computeVerdicts(findings: readonly Finding[], facts: ReviewFacts): Verdict[] {
  return assessReadiness(findings, facts).map((r) => verdictOf(r, findings));
}

/** The lowest-tier verdict (the review's headline); ties go to the first feature. */
export function primaryVerdict(verdicts: readonly Verdict[]): Verdict {
  return [...verdicts].sort((a, b) => tierRankOf(a.tier) - tierRankOf(b.tier))[0]!;
}

export function computeVerdict(findings: readonly Finding[], facts: ReviewFacts): Verdict {
  return primaryVerdict(computeVerdicts(findings, facts));
}
