// rules.md rule 56: platform conventions are linked from feature docs rather than copied into
// them. The same paragraph in three features belongs in a standard; a standard's rule restated in a
// feature doc should be a link; a README's shared references must resolve.
import { isTouched } from '../../src/artifacts/claims.js';
import { checkLink, linksInSection, ownerOf, resolveLinkPath } from '../../src/artifacts/links.js';
import { findSection, type MarkdownDoc } from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { proseUnits, revealText, sectionUnits, type ProseUnit } from '../../src/artifacts/prose.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import { resolveRuleSettings } from '../../src/review/rule-settings.js';
import type { RelatedLocation } from '../../src/review/types.js';

const messages = {
  restated:
    '{file}:{line} restates text found in {otherFiles}. Consider promoting it to docs/system/standards/<topic>.md and linking it from each feature.',
  restatesStandard: '{file}:{line} restates the rule of {standard} without linking it. Link the standard rather than restating it.',
  unresolvedReference:
    'Shared reference {target} in {file}:{line} does not resolve. Point it at the platform document, or annotate a conventional path that is planned with (not yet written).',
};
type MessageId = keyof typeof messages;

const RULE_ID = 'reference-dont-restate';
const MIN_WORDS = 25;
/** A standard's Rule is one testable sentence, often shorter than a paragraph: a shingle is enough. */
const MIN_RULE_WORDS = 5;
const SHINGLE = 5;
const SIMILAR = 0.8;
const MIN_OTHER_FEATURES = 2;
/** Distinct texts a shingle may appear in before it counts as template wording for candidate search. */
const MAX_POSTING = 200;

/**
 * Boilerplate the templates themselves impose (artifacts.md 6, the runbook safety warnings): the
 * same words in every feature are the template working, not knowledge to promote. More sentences
 * can be added with the rule's `ignore` option.
 */
const TEMPLATE_SENTENCES = [
  'Never paste message payloads into tickets or chat; refer to message ids.',
  'Pause any automatic redrive before triage starts.',
  'Never redrive blindly: redrive only after the failure cause is understood and fixed.',
  'Stop automatic redrive before triage; only operators may replay or redrive.',
  'No payloads in chat or tickets, no blind redrive, stop automatic redrive first, operator-only replay and redrive.',
];

export default createDocsRule({
  meta: {
    id: RULE_ID,
    kind: 'docs',
    severity: 'Suggestion',
    precision: 'Medium',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description:
      'Platform conventions are linked from feature docs rather than copied: text repeated across three features or restating a standard\'s rule is flagged, and README shared references resolve.',
    messages,
  },
  create(context) {
    return {
      check() {
        check(context);
      },
    };
  },
});

interface Unit {
  artifact: MarkdownArtifact;
  unit: ProseUnit;
  /** Normalised words joined by spaces. */
  text: string;
  words: number;
  shingles: Set<string>;
}

interface Group {
  shingles: Set<string>;
  members: Unit[];
  similar: Group[] | null;
}

function normalizedWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

function shinglesOf(words: string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + SHINGLE <= words.length; i++) out.add(words.slice(i, i + SHINGLE).join(' '));
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

function check(context: DocsRuleContext<MessageId>): void {
  const ignored = [...TEMPLATE_SENTENCES, ...resolveRuleSettings(context.config, RULE_ID).ignore].map((s) => shinglesOf(normalizedWords(s)));
  const isIgnored = (shingles: Set<string>) => ignored.some((i) => jaccard(i, shingles) >= SIMILAR);

  const featureDocs = [...context.model.artifacts.values()].filter(
    (a): a is MarkdownArtifact => a.syntax === 'markdown' && a.classification.scope === 'feature' && a.slug !== undefined,
  );
  const units: Unit[] = [];
  for (const artifact of featureDocs) {
    for (const unit of proseUnits(artifact.doc)) {
      const words = normalizedWords(revealText(unit));
      if (words.length < MIN_RULE_WORDS) continue;
      const shingles = shinglesOf(words);
      if (!isIgnored(shingles)) units.push({ artifact, unit, text: words.join(' '), words: words.length, shingles });
    }
  }
  const touched = (u: Unit) => isTouched(context.other, u.artifact.path, u.artifact.text);

  // Step 2. Identical texts share one group, so a paragraph repeated a hundred times is compared once.
  const groups = new Map<string, Group>();
  for (const u of units) {
    if (u.words < MIN_WORDS) continue;
    let g = groups.get(u.text);
    if (!g) {
      g = { shingles: u.shingles, members: [], similar: null };
      groups.set(u.text, g);
    }
    g.members.push(u);
  }
  const index = new Map<string, Group[]>();
  for (const g of groups.values()) {
    for (const s of g.shingles) {
      const list = index.get(s);
      if (list) list.push(g);
      else index.set(s, [g]);
    }
  }
  const similarGroups = (g: Group): Group[] => {
    if (g.similar) return g.similar;
    const candidates = new Set<Group>([g]);
    for (const s of g.shingles) {
      const list = index.get(s)!;
      // A shingle found everywhere is template wording; it cannot single out a restated paragraph.
      if (list.length > MAX_POSTING) continue;
      for (const c of list) candidates.add(c);
    }
    g.similar = [...candidates].filter((c) => c === g || jaccard(g.shingles, c.shingles) >= SIMILAR);
    return g.similar;
  };
  for (const u of units) {
    if (u.words < MIN_WORDS || !touched(u)) continue;
    const byFeature = new Map<string, Unit>();
    const matches = similarGroups(groups.get(u.text)!)
      .flatMap((g) => g.members)
      .filter((c) => c.artifact.slug !== u.artifact.slug)
      .sort((a, b) => a.artifact.path.localeCompare(b.artifact.path) || a.unit.line - b.unit.line);
    for (const c of matches) if (!byFeature.has(c.artifact.slug!)) byFeature.set(c.artifact.slug!, c);
    if (byFeature.size < MIN_OTHER_FEATURES) continue;
    const others = [...byFeature.values()];
    context.report({
      messageId: 'restated',
      data: { file: u.artifact.path, line: u.unit.line, otherFiles: others.map((o) => `${o.artifact.path}:${o.unit.line}`).join(', ') },
      loc: { path: u.artifact.path, startLine: u.unit.line, endLine: u.unit.endLine },
      anchor: `restated | ${normalizedWords(revealText(u.unit)).slice(0, 12).join(' ')}`,
      related: others.map<RelatedLocation>((o) => ({ path: o.artifact.path, line: o.unit.line, note: `same text in ${o.artifact.slug}` })),
      feature: u.artifact.slug!,
      variant: 'promote',
    });
  }

  // Step 3.
  for (const standard of context.model.platform.standards) {
    const rule = findSection(standard.doc, 'rule');
    if (!rule) continue;
    const sentences = sectionUnits(standard.doc, rule)
      .map((s) => shinglesOf(normalizedWords(revealText(s))))
      .filter((s) => s.size > 0);
    for (const u of units) {
      if (!touched(u) || links(u.artifact, standard.path)) continue;
      if (!sentences.some((s) => jaccard(s, u.shingles) >= SIMILAR)) continue;
      context.report({
        messageId: 'restatesStandard',
        data: { file: u.artifact.path, line: u.unit.line, standard: standard.path },
        loc: { path: u.artifact.path, startLine: u.unit.line, endLine: u.unit.endLine },
        anchor: `restates standard | ${standard.path} | ${normalizedWords(revealText(u.unit)).slice(0, 12).join(' ')}`,
        related: [{ path: standard.path, line: rule.line, note: 'the standard\'s Rule' }],
        feature: u.artifact.slug!,
        variant: 'link-standard',
      });
    }
  }

  // Step 4.
  for (const readme of featureDocs.filter((a) => a.type === 'readme')) checkSharedReferences(context, readme);
}

/** Whether the artifact links the path (Markdown links, definitions and backticked relative paths). */
function links(artifact: MarkdownArtifact, path: string): boolean {
  return artifact.doc.links.some((l) => !l.external && resolveLinkPath(artifact.path, l.target) === path);
}

function checkSharedReferences(context: DocsRuleContext<MessageId>, readme: MarkdownArtifact): void {
  const doc: MarkdownDoc = readme.doc;
  const section = findSection(doc, 'shared references');
  if (!section) return;
  const owner = ownerOf(readme.path);
  for (const link of linksInSection(doc, section)) {
    const verdict = checkLink(link, readme.path, owner, (p) => context.exists(p)).verdict;
    if (verdict !== 'missing' && verdict !== 'announced-unconventional') continue;
    context.report({
      messageId: 'unresolvedReference',
      data: { target: link.target, file: readme.path, line: link.line },
      loc: { path: readme.path, startLine: link.line },
      anchor: `shared references | ${link.target}`,
      ...(readme.slug ? { feature: readme.slug } : {}),
      variant: 'shared-reference',
    });
  }
}
