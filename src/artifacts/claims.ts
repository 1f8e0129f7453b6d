// Small helpers the claim and decision rules (rules.md 16, 20, 26-30, 32, 33, 56) share on top of
// prose.ts and vocabulary.ts: which artifacts make claims, whether the PR touched one, inline
// `Label: value` parts of a list item, content words for subject and overlap comparisons, and
// GitHub heading anchors.
import { currentTypeOf } from './classify.js';
import { findField, findSection, headingKey, isEmptyOrPlaceholder, isAnnotatedTbd, plainText, sectionBody, sectionFields, type MarkdownDoc } from './markdown.js';
import type { ArtifactModel, MarkdownArtifact, ParsedArtifact } from './model.js';
import { normalizeStatus } from './model.js';
import { bareKey, type Mask, type MaskedText, type ProseUnit } from './prose.js';
import { WORD_PATTERN } from './vocabulary.js';

/** rules.md 3 "Claim-making artifacts" (CHANGES.md 13): never READMEs, the catalog, standards or sysdocs. */
const CLAIM_MAKING = new Set(['design', 'adr', 'archdoc', 'contract', 'runbook', 'launch']);

export function isClaimMaking(artifact: ParsedArtifact): artifact is MarkdownArtifact {
  return artifact.syntax === 'markdown' && CLAIM_MAKING.has(currentTypeOf(artifact.type));
}

/** Markdown artifacts of the model whose current type is one of `types`, in path order. */
export function markdownOfTypes(model: ArtifactModel, ...types: string[]): MarkdownArtifact[] {
  const wanted = new Set(types);
  return [...model.artifacts.values()].filter(
    (a): a is MarkdownArtifact => a.syntax === 'markdown' && wanted.has(currentTypeOf(a.type)),
  );
}

/**
 * Whether the PR added or changed the file, judged against the other side's tree. Without the
 * other side (a single-tree run) every file counts as touched, as on a first run against an empty base.
 */
export function isTouched(other: ArtifactModel | null, path: string, text: string): boolean {
  if (!other) return true;
  const before = other.artifacts.get(path);
  return before === undefined || before.text !== text;
}

/** The Summary `Status` field of a document (normalised for comparison), with its line. */
export function summaryStatus(doc: MarkdownDoc): { value: string; normalized: string; line: number } | null {
  const summary = findSection(doc, 'summary');
  const field = findField(summary ? sectionFields(summary, true) : doc.fields, 'Status');
  return field ? { value: field.value, normalized: normalizeStatus(field.value), line: field.line } : null;
}

/**
 * The status an ADR states in a classic Nygard `## Status` section (artifacts.md 5.1 ADR variant):
 * its `Status:` field, else its first paragraph or list. `normalized` is the first word, so
 * `Superseded by ADR-0004` and `Deferred until the pricing review` compare as their status.
 */
export function statusSectionStatus(doc: MarkdownDoc): { value: string; normalized: string; line: number } | null {
  const section = findSection(doc, 'status', 2);
  if (!section) return null;
  let stated: { value: string; line: number } | null = null;
  const field = findField(section.fields, 'Status');
  if (field) stated = { value: field.value, line: field.line };
  else {
    const first = sectionBody(doc, section).find((n) => n.type === 'paragraph' || n.type === 'list');
    const value = first ? plainText(first).replace(/\s+/g, ' ').trim() : '';
    if (first && value) stated = { value, line: first.position?.start.line ?? section.line };
  }
  if (!stated || isEmptyOrPlaceholder(stated.value)) return null;
  const word = /^[\p{L}\p{N}]+/u.exec(normalizeStatus(stated.value))?.[0];
  return word ? { ...stated, normalized: word } : null;
}

/** The first section whose key, without an overview's numbering, satisfies `test`. */
export function findSectionBy(doc: MarkdownDoc, test: (key: string) => boolean) {
  return doc.headings.find((s) => test(bareKey(s.key)));
}

// ---------------------------------------------------------------------------------------------
// Inline labelled parts: `Risk: X. Mitigation: Y. Accepted by: Z.` in one list item

export interface LabelledPart {
  label: string;
  value: string;
  index: number;
}

/**
 * Splits a text into the parts that follow each label (`Owner:`, `Due:`); `lead` is the text
 * before the first label. Labels are matched case-insensitively at word starts; a part's value
 * runs to the next label, with trailing `.`, `;` and `,` trimmed.
 */
export function labelledParts(text: string, labels: readonly string[]): { lead: string; parts: LabelledPart[] } {
  const alternatives = labels.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[ _-]/g, '[ _-]?')).join('|');
  const re = new RegExp(`(?<![A-Za-z0-9_])(${alternatives})\\s*:`, 'gi');
  const hits = [...text.matchAll(re)];
  const parts: LabelledPart[] = hits.map((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = i + 1 < hits.length ? hits[i + 1].index ?? text.length : text.length;
    return { label: m[1], value: trimValue(text.slice(start, end)), index: m.index ?? 0 };
  });
  return { lead: trimValue(text.slice(0, hits[0]?.index ?? text.length)), parts };
}

function trimValue(value: string): string {
  return value.replace(/\s+/g, ' ').trim().replace(/[.;,]+$/, '').trim();
}

/** A value that is filled in: not empty and not a bare template token (`<TBD: reason>` counts as filled). */
export function isFilled(value: string | undefined): boolean {
  if (value === undefined) return false;
  return !isEmptyOrPlaceholder(value) || isAnnotatedTbd(value);
}

// ---------------------------------------------------------------------------------------------
// Content words

/** Function words left out of subject and overlap comparisons. */
export const STOP_WORDS = new Set(
  (
    'a an the and or but nor not no yes is are was were be been being am do does did done has have had ' +
    'it its it\'s this that these those there here then than so as at by for from in into of on onto ' +
    'to with without within via per over under up down out off about above below after before again ' +
    'all any each every both either neither some such only own same other more most less least very ' +
    'can could may might must shall should will would we our us you your they them their he she his ' +
    'her i me my what which who whom whose when where why how if else also just once until while ' +
    'see covered handled described documented'
  ).split(' '),
);

/** Lower-cased words of a text (rules.md 3 words: hyphens and apostrophes join). */
export function wordsIn(text: string): string[] {
  return [...text.toLowerCase().matchAll(WORD_PATTERN)].map((m) => m[0]);
}

/** Words that carry meaning: no stop words, no bare numbers, no single letters. */
export function contentWords(text: string): string[] {
  return wordsIn(text).filter((w) => !STOP_WORDS.has(w) && !/^\d+$/.test(w) && w.length > 1);
}

/** A light suffix-stripping stemmer, enough to make "messages" meet "message" and "retried" meet "retry". */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3) return w;
  if (/ie[sd]$/.test(w) && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (/(ss|sh|ch|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  // "message" and "messages", "close" and "closed" meet once a final `e` is dropped too.
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** Stems of the content words. */
export function contentStems(text: string): Set<string> {
  return new Set(contentWords(text).map(stem));
}

/** Share of `of`'s content stems that also occur in `in` (0 when `of` has none). */
export function tokenOverlap(of: string, inText: string): number {
  return stemOverlap(contentStems(of), contentStems(inText));
}

/** `tokenOverlap` on precomputed stem sets, for rules that compare many pairs. */
export function stemOverlap(of: ReadonlySet<string>, inSet: ReadonlySet<string>): number {
  if (of.size === 0) return 0;
  let shared = 0;
  for (const t of of) if (inSet.has(t)) shared++;
  return shared / of.size;
}

// ---------------------------------------------------------------------------------------------
// Anchors

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** Anchors a document offers: heading anchors (with GitHub's `-1` suffixes) and HTML `id` / `name`. */
export function documentAnchors(doc: MarkdownDoc): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const s of doc.headings) {
    const base = headingAnchor(s.heading);
    const n = seen.get(base) ?? 0;
    out.add(n === 0 ? base : `${base}-${n}`);
    seen.set(base, n + 1);
  }
  for (const m of doc.text.matchAll(/<a\s+[^>]*(?:id|name)\s*=\s*["']([^"']+)["']/gi)) out.add(m[1].toLowerCase());
  return out;
}

export { headingKey };

// ---------------------------------------------------------------------------------------------
// Cutting lines out of a masked unit

/**
 * The unit's text without the characters on `excluded` lines (a nested list the rule must not
 * read), masks rebased. Null when nothing but whitespace is left.
 */
export function withoutLines(unit: ProseUnit, excluded: ReadonlySet<number>): MaskedText | null {
  if (excluded.size === 0) return unit;
  let text = '';
  const moved: number[] = [];
  for (let i = 0; i < unit.text.length; i++) {
    moved.push(text.length);
    if (!excluded.has(unit.lineOf(i))) text += unit.text[i];
  }
  const masks: Mask[] = unit.masks
    .filter((m) => !excluded.has(unit.lineOf(m.offset)))
    .map((m) => ({ ...m, offset: moved[m.offset], ...(m.textOffset !== undefined ? { textOffset: moved[m.textOffset] ?? moved[m.offset] } : {}) }));
  return /\S/.test(text) ? { text, masks } : null;
}
