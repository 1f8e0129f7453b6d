// rules.md rule 29: when a feature spans several channels, tenants or regions, a blanket claim
// ("not applicable", "is handled", "cannot happen") says which scope it holds for, or why it holds
// for all of them. Scope members are read from masked code spans too (CHANGES.md "Masked content readers").
import { baseOfDerived, boundaryContracts, readmeChannels } from '../../src/artifacts/channel-sets.js';
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { findField, findSection, isEmptyOrPlaceholder, sectionFields } from '../../src/artifacts/markdown.js';
import type { Feature, MarkdownArtifact } from '../../src/artifacts/model.js';
import { excerpt, proseUnits, revealText, type ProseUnit } from '../../src/artifacts/prose.js';
import { compileVocabulary, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const messages = {
  blanketClaim:
    'Blanket claim in {file}:{line}: "{excerpt}" while the feature has {n} {scopeKind}s ({members}). Qualify the claim per {scopeKind}, or split it.',
};
type MessageId = keyof typeof messages;

const CLAIMS = compileVocabulary([
  'not applicable',
  'n/a',
  'is handled',
  'are handled',
  'is mitigated',
  'are mitigated',
  'is covered',
  'are covered',
  'cannot happen',
  "can't happen",
  'not possible',
  'no risk',
]);
const REASON = compileVocabulary(['because', 'since']);
const MULTI_REGION = /(?<![A-Za-z0-9_])(multi[- ]region|active[- ]active|active[- ]passive|two regions|multiple regions|cross[- ]region)/i;
const MULTI_TENANT = /(?<![A-Za-z0-9_])multi[- ]?tenan/i;
/** AWS (`eu-west-1`), GCP (`europe-west1`) and Azure (`westeurope`) region names. */
const REGION =
  /(?<![A-Za-z0-9_-])(?:(?:us|eu|ap|sa|ca|me|af|il|mx)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)(?:-\d)?|(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)\d|(?:east|west|north|south|central)(?:us|europe|asia)\d?)(?![A-Za-z0-9_-])/gi;

type ScopeKind = 'channel' | 'tenant' | 'region';

interface Scope {
  kind: ScopeKind;
  members: string[];
  /** Shown instead of a count when the members are not named (a multi-tenant posture). */
  description?: string;
  allWording: ReturnType<typeof compileVocabulary>;
}

export default createDocsRule({
  meta: {
    id: 'per-scope-qualification',
    kind: 'docs',
    severity: 'Important',
    precision: 'Heuristic',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description:
      'In a feature with several channels, tenants or regions, blanket claims ("not applicable", "is handled") are qualified per scope or give a reason that covers every scope.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const feature of context.model.features.values()) checkFeature(context, feature);
      },
    };
  },
});

function claimArtifacts(feature: Feature): MarkdownArtifact[] {
  return [
    ...(feature.design ? [feature.design] : []),
    ...feature.adrs,
    ...feature.archdocs,
    ...feature.contracts.values(),
    ...feature.runbooks,
    ...feature.launches,
  ];
}

function scopesOf(feature: Feature): Scope[] {
  const scopes: Scope[] = [];
  // Channels: README entries (produced and consumed) and design Boundary contracts.
  const channels = new Set<string>();
  if (feature.readme) for (const e of readmeChannels(feature.readme).entries) channels.add(e.channel);
  if (feature.design) for (const e of boundaryContracts(feature.design).entries) channels.add(e.channel);
  if (channels.size >= 2) scopes.push({ kind: 'channel', members: [...channels].sort(), allWording: allWording('channel') });

  const tenancy = systemField(feature, 'Tenancy');
  if (tenancy && MULTI_TENANT.test(tenancy)) {
    const named = [...tenancy.matchAll(/`([^`]+)`/g)].map((m) => m[1].trim());
    scopes.push({ kind: 'tenant', members: named, description: tenancy, allWording: allWording('tenant') });
  }

  const regions = new Set<string>();
  for (const a of claimArtifacts(feature)) for (const m of a.text.matchAll(REGION)) regions.add(m[0].toLowerCase());
  const dr = systemField(feature, 'DR posture');
  if (regions.size >= 2 || (dr && MULTI_REGION.test(dr))) {
    scopes.push({ kind: 'region', members: [...regions].sort(), ...(regions.size < 2 && dr ? { description: dr } : {}), allWording: allWording('region') });
  }
  return scopes;
}

function allWording(kind: ScopeKind) {
  return compileVocabulary([`(all|every|each) ${kind}s?`]);
}

/** A System concerns fact of the design, else of the README. */
function systemField(feature: Feature, name: string): string | null {
  for (const a of [feature.design, feature.readme]) {
    if (!a) continue;
    const block = findSection(a.doc, 'system concerns');
    const field = block ? findField(sectionFields(block, true), name) : undefined;
    if (field && !isEmptyOrPlaceholder(field.value)) return field.value;
  }
  return null;
}

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature): void {
  const scopes = scopesOf(feature);
  if (scopes.length === 0) return;
  for (const artifact of claimArtifacts(feature)) {
    for (const unit of proseUnits(artifact.doc, { affirmative: true })) {
      if (!testVocabulary(unit, CLAIMS)) continue;
      // A claim scoped along one axis ("cross-tenant leaks") is no longer blanket along the others.
      if (scopes.some((s) => qualified(unit, s, artifact))) continue;
      const open = scopes[0];
      const named = open.members.length >= 2;
      context.report({
        messageId: 'blanketClaim',
        data: {
          file: artifact.path,
          line: unit.line,
          excerpt: excerpt(unit),
          n: named ? open.members.length : 'several',
          scopeKind: open.kind,
          members: named ? open.members.join(', ') : (open.description ?? ''),
        },
        loc: { path: artifact.path, startLine: unit.line, endLine: unit.endLine },
        anchor: `${unit.headingPath.join(' > ')} | ${open.kind} | ${excerpt(unit, 200).toLowerCase()}`,
        feature: feature.slug,
        variant: open.kind,
      });
    }
  }
}

function qualified(unit: ProseUnit, scope: Scope, artifact: MarkdownArtifact): boolean {
  // A contract describes exactly one channel: its claims are qualified by construction.
  if (scope.kind === 'channel' && currentTypeOf(artifact.type) === 'contract') return true;
  const revealed = revealText(unit).toLowerCase();
  if (scope.kind === 'channel') {
    const names = unit.masks.filter((m) => m.kind === 'code').map((m) => m.content.trim());
    if (names.some((n) => scope.members.includes(n) || scope.members.includes(baseOfDerived(n) ?? ''))) return true;
    if (scope.members.some((m) => new RegExp(`(?<![\\w.-])${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]|\\.\\w)`, 'i').test(revealed))) return true;
  } else if (scope.kind === 'tenant') {
    if (/(?<![A-Za-z0-9_])(?:per-|multi-)?tenan/i.test(revealed) && !testVocabulary(unit, scope.allWording)) return true;
    if (scope.members.some((m) => revealed.includes(m.toLowerCase()))) return true;
  } else {
    if ([...revealed.matchAll(REGION)].length > 0) return true;
    if (scope.members.length < 2 && /(?<![A-Za-z0-9_])region/i.test(revealed) && !testVocabulary(unit, scope.allWording)) return true;
  }
  // All-scope wording with a reason.
  return testVocabulary(unit, scope.allWording) && (testVocabulary(unit, REASON) || /\([^)]*\S[^)]*\)/.test(unit.text));
}
