// rules.md rule 39: a document claims a readiness tier that the evidence contradicts. The claim is
// checked against its claim level (CHANGES.md item 7): the criteria of every maturity level up to the
// lowest level that yields the tier, plus the tier's System-concerns requirement. Only *failed*
// criteria contradict a claim; "not demonstrated" ones (code criteria of a docs-only review) are
// readiness gaps. One finding per feature, at the first contradicted claim location (README, latest
// launch, catalog, v0.3 design), the others in `related` and in the message. A claim in the PR title
// or body is named in the message only; when it is the only contradicted claim, the finding sits at
// line 1 of the feature README (rules.md rule 39 step 3).
//
// The readiness evaluation is the one the verdict uses (src/review/summary/criteria.ts). It needs
// the other rules' findings and the code facts of the same side, which the engine attaches to the
// side's artifact model before it runs this rule last; without them (a docs-only run) the code
// criteria are not demonstrated and only doc evidence can contradict a claim.
import { assessReadiness, asHeadFinding, contradictions, readinessInputsFor, TIERS } from '../../src/review/summary/criteria.js';
import type { Claim } from '../../src/review/summary/docs.js';
import type { ReviewFacts } from '../../src/review/summary/facts.js';
import { createDocsRule } from '../../src/review/rule.js';
import type { Tier } from '../../src/review/types.js';

const messages = {
  contradicted:
    'Tier claim "{claimed}" in {file}{alsoClaimedIn} is contradicted by: {failedCriteria}. Evidence supports "{computed}". ' +
    'Downgrade the claim or close the gaps.',
};

/** Facts of a run without the engine's inputs: docs only, no code. */
function docsOnlyFacts(features: string[]): ReviewFacts {
  return { consumers: [], publishes: [], dbWrites: [], retries: [], regionsWithWriteAndPublish: 0, codeFiles: 0, testFiles: [], features, hasDesign: false };
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `README.md:6` stays; the PR's text reads as `the PR title`. */
function named(claim: Claim): string {
  return claim.source === 'pr' ? `the ${claim.location}` : claim.location;
}

const SOURCE_ORDER: Claim['source'][] = ['readme', 'launch', 'catalog', 'design', 'pr'];

export default createDocsRule({
  meta: {
    id: 'tier-claim-unsupported',
    kind: 'docs',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    // "All (summarised in the readiness verdict)": the rule informs every question through the tier.
    checklist: ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6'],
    failureModes: [],
    description: 'A README, launch decision, catalog row, design or the PR title or body claims a readiness tier that a failed criterion at or below its claim level contradicts.',
    messages,
  },
  create(context) {
    return {
      check() {
        const slugs = [...context.model.features.keys()].sort();
        const provided = readinessInputsFor(context.model);
        const facts: ReviewFacts = provided
          ? { ...provided.facts, artifacts: { ...(provided.facts.artifacts ?? { base: null }), head: context.model } }
          : { ...docsOnlyFacts(slugs), artifacts: { head: context.model, base: null } };
        const features = provided ? facts.features.filter((s) => context.model.features.has(s)) : slugs;
        const findings = (provided?.findings ?? []).map(asHeadFinding).filter((f) => f.ruleId !== 'tier-claim-unsupported');
        for (const readiness of assessReadiness(findings, { ...facts, features })) {
          const slug = readiness.slug;
          if (!slug) continue;
          const contradicted = readiness.claims
            .map((claim) => ({ claim, failed: contradictions(readiness, claim.tier) }))
            .filter((c) => c.failed.length > 0)
            .sort((a, b) => SOURCE_ORDER.indexOf(a.claim.source) - SOURCE_ORDER.indexOf(b.claim.source) || a.claim.line - b.claim.line);
          if (contradicted.length === 0) continue;
          const first = contradicted[0];
          const others = contradicted.slice(1);
          // Every contradicted claim's failures, first claim's level first, without repeats.
          const failed = new Map<string, string>();
          for (const c of contradicted) for (const f of c.failed) if (!failed.has(`${f.id}|${f.label}`)) failed.set(`${f.id}|${f.label}`, f.id === 'System concerns' ? `${f.label} not filled` : `${f.id} (${f.label})`);
          // The identity comes from the repository's claims: the base side has no PR text, so a PR
          // claim in it would turn a README claim's finding into a new one. One only the PR makes is `PR`.
          const claimedTiers = [...new Set(contradicted.filter((c) => c.claim.source !== 'pr').map((c) => c.claim.tier))];
          context.report({
            messageId: 'contradicted',
            data: {
              claimed: first.claim.tier,
              file: named(first.claim).replace(/:\d+$/, ''),
              alsoClaimedIn: others.length ? ` (also in ${joinAnd(others.map((o) => (o.claim.tier === first.claim.tier ? named(o.claim) : `${named(o.claim)} as ${o.claim.tier}`)))})` : '',
              failedCriteria: joinAnd([...failed.values()]),
              computed: readiness.tier,
            },
            loc: { path: first.claim.path, startLine: first.claim.line },
            anchor: `tier claim | ${slug} | ${claimedTiers.length ? claimedTiers.sort((a, b) => rank(a) - rank(b)).join(', ') : 'PR'}`,
            // The PR's text has no line to point at; the message names it.
            related: others.filter((o) => o.claim.source !== 'pr').map((o) => ({ path: o.claim.path, line: o.claim.line, note: `also claims ${o.claim.tier}` })),
            feature: slug,
          });
        }
      },
    };
  },
});

const rank = (t: Tier) => TIERS.indexOf(t);
