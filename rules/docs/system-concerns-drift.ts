// rules.md rule 32: ownership, tenancy, compliance, cost and DR facts agree across a feature's
// artifacts, and a PR that changes them in the design or README is surfaced as a System finding so
// reviewers of other teams see the stance move.
import {
  complianceSet,
  findField,
  findSection,
  isEmptyOrPlaceholder,
  parseDuration,
  sectionFields,
  teamOf,
  unwrapBackticks,
  type Field,
} from '../../src/artifacts/markdown.js';
import type { ArtifactModel, Feature, MarkdownArtifact } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { RelatedLocation } from '../../src/review/types.js';

const messages = {
  drift:
    'System concern drift for {feature}: {field} is "{a}" in {fileA} but "{b}" in {fileB}. Ownership, tenancy, compliance, cost and DR facts must agree across artifacts.',
  postureChange: 'Posture change: {field} of {feature} changes from "{old}" to "{new}" in {file}{drift}.',
};
type MessageId = keyof typeof messages;

const FIELDS = ['Owner team', 'Tenancy', 'Compliance', 'Cost owner', 'DR posture'] as const;
type FieldName = (typeof FIELDS)[number];

export default createDocsRule({
  meta: {
    id: 'system-concerns-drift',
    kind: 'docs',
    severity: 'System',
    precision: 'High',
    systemTag: true,
    checklist: ['D1'],
    failureModes: [],
    description:
      'Owner team, tenancy, compliance, cost owner and DR posture agree across a feature\'s artifacts; changes to them in the design or README are surfaced.',
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

/** One comparable fact: `parts` are compared key by key where both sides have the key. */
interface Fact {
  field: FieldName;
  value: string;
  line: number;
  parts: Map<string, string>;
}

type Facts = Map<FieldName, Fact>;

interface Holder {
  artifact: MarkdownArtifact;
  facts: Facts;
}

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature): void {
  const holders = holdersOf(feature);
  const design = holders.find((h) => h.artifact === feature.design);
  const readme = holders.find((h) => h.artifact === feature.readme);
  const reference = design ?? readme;
  if (!reference) return;

  // Step 2.
  interface Drift {
    other: Holder;
    field: FieldName;
  }
  const drifts: Drift[] = [];
  for (const other of holders) {
    if (other === reference) continue;
    for (const field of FIELDS) {
      const a = reference.facts.get(field);
      const b = other.facts.get(field);
      if (a && b && differs(a, b)) drifts.push({ other, field });
    }
  }

  // Step 3 (head only: the change belongs to the PR, so the base run must not report it too).
  const merged = new Set<Drift>();
  if (context.side === 'head' && context.other) {
    for (const changed of [design, readme]) {
      if (!changed) continue;
      const before = holderAt(context.other, changed.artifact.path, changed.artifact === feature.readme);
      if (!before) continue;
      for (const field of FIELDS) {
        const old = before.facts.get(field);
        const now = changed.facts.get(field);
        if (!old || !now || !differs(old, now)) continue;
        // Step 4: drift findings about the same field of the changed file fold into this one.
        for (const d of drifts) {
          if (d.field === field && (changed === reference || d.other === changed)) merged.add(d);
        }
        const still: string[] = [];
        const otherValues: string[] = [];
        for (const h of holders) {
          const fact = h.facts.get(field);
          if (h === changed || !fact) continue;
          if (!differs(fact, old)) still.push(`${h.artifact.path}:${fact.line}`);
          else if (differs(fact, now)) otherValues.push(`${h.artifact.path}:${fact.line} ("${fact.value}")`);
        }
        const drift = [
          ...(still.length > 0 ? [`; ${list(still)} still ${still.length === 1 ? 'holds' : 'hold'} the old value`] : []),
          ...(otherValues.length > 0 ? [`; ${list(otherValues)} ${otherValues.length === 1 ? 'differs' : 'differ'} from both`] : []),
        ].join('');
        const related: RelatedLocation[] = holders
          .filter((h) => h !== changed && h.facts.has(field) && differs(h.facts.get(field)!, now))
          .map((h) => ({ path: h.artifact.path, line: h.facts.get(field)!.line, note: `${field}: ${h.facts.get(field)!.value}` }));
        context.report({
          messageId: 'postureChange',
          data: { field, feature: feature.slug, old: old.value, new: now.value, file: changed.artifact.path, drift },
          loc: { path: changed.artifact.path, startLine: now.line },
          anchor: `system concerns posture | ${field}`,
          related,
          feature: feature.slug,
          variant: 'posture-change',
        });
      }
    }
  }

  for (const d of drifts) {
    if (merged.has(d)) continue;
    const a = reference.facts.get(d.field)!;
    const b = d.other.facts.get(d.field)!;
    context.report({
      messageId: 'drift',
      data: {
        feature: feature.slug,
        field: d.field,
        a: a.value,
        fileA: `${reference.artifact.path}:${a.line}`,
        b: b.value,
        fileB: d.other.artifact.path,
      },
      loc: { path: d.other.artifact.path, startLine: b.line },
      anchor: `system concerns drift | ${d.field} | ${reference.artifact.path}`,
      related: [{ path: reference.artifact.path, line: a.line, note: `reference ${d.field}` }],
      feature: feature.slug,
      variant: 'drift',
    });
  }
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function holdersOf(feature: Feature): Holder[] {
  const artifacts: { artifact: MarkdownArtifact; readme: boolean }[] = [
    ...(feature.design ? [{ artifact: feature.design, readme: false }] : []),
    ...(feature.readme ? [{ artifact: feature.readme, readme: true }] : []),
    ...[...feature.adrs, ...feature.archdocs, ...feature.contracts.values(), ...feature.runbooks, ...feature.launches].map((artifact) => ({ artifact, readme: false })),
  ];
  return artifacts.map(({ artifact, readme }) => ({ artifact, facts: factsOf(artifact, readme) })).filter((h) => h.facts.size > 0);
}

function holderAt(model: ArtifactModel, path: string, readme: boolean): Holder | null {
  const artifact = model.artifacts.get(path);
  if (!artifact || artifact.syntax !== 'markdown') return null;
  return { artifact, facts: factsOf(artifact, readme) };
}

/** The System concerns facts; a README keeps its owner in `## Service info` (artifacts.md 5.2). */
function factsOf(artifact: MarkdownArtifact, readme: boolean): Facts {
  const facts: Facts = new Map();
  const block = findSection(artifact.doc, 'system concerns');
  const fields = block ? sectionFields(block, true) : [];
  if (readme) {
    const info = findSection(artifact.doc, 'service info');
    const owner = info ? findField(sectionFields(info, true), 'Owner team') : undefined;
    if (owner) add(facts, 'Owner team', owner);
  }
  for (const name of FIELDS) {
    if (readme && name === 'Owner team') continue;
    const field = findField(fields, name);
    if (field) add(facts, name, field);
  }
  return facts;
}

function add(facts: Facts, name: FieldName, field: Field): void {
  // Placeholders on either side are skipped: an unknown value is not a disagreement.
  if (isEmptyOrPlaceholder(field.value)) return;
  const parts = comparable(name, field.value);
  if (parts.size > 0) facts.set(name, { field: name, value: field.value, line: field.line, parts });
}

const TENANCY = /(?<![A-Za-z0-9_])(single|multi)[- ]?tenan/i;

function comparable(name: FieldName, value: string): Map<string, string> {
  const v = unwrapBackticks(value);
  switch (name) {
    case 'Owner team':
    case 'Cost owner': {
      const team = teamOf(v);
      return team ? new Map([['', team]]) : new Map();
    }
    case 'Tenancy': {
      const m = TENANCY.exec(v);
      return m ? new Map([['', `${m[1].toLowerCase()}-tenant`]]) : new Map();
    }
    case 'Compliance': {
      const set = complianceSet(v);
      return set.size > 0 ? new Map([['', [...set].map((s) => s.toLowerCase()).sort().join(',')]]) : new Map();
    }
    case 'DR posture': {
      const out = new Map<string, string>();
      for (const key of ['RPO', 'RTO']) {
        const m = new RegExp(`${key}\\s*[:=]?\\s*(\\d+(?:\\.\\d+)?\\s*\\w+)`, 'i').exec(v);
        if (!m) continue;
        const ms = parseDuration(m[1]);
        out.set(key, ms === null ? m[1].replace(/\s+/g, ' ').toLowerCase() : String(ms));
      }
      return out;
    }
  }
}

function differs(a: Fact, b: Fact): boolean {
  for (const [key, value] of a.parts) {
    const other = b.parts.get(key);
    if (other !== undefined && other !== value) return true;
  }
  return false;
}
