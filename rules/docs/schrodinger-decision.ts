// rules.md rule 16: an ADR or RFC whose decision hedges ("X with Y as fallback", "either X or Y",
// "X (TBD if Y)") has not decided anything unless it commits to one option, gives a measurable
// trigger for the alternative and names who decides; a choice that cannot be made yet is Deferred,
// with its blocking question and due date.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { findSectionBy, isFilled, statusSectionStatus, summaryStatus, withoutLines } from '../../src/artifacts/claims.js';
import {
  findField,
  findSection,
  isPlaceholder,
  parseDate,
  sectionFields,
  type MarkdownDoc,
  type Section,
} from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { bareKey, excerpt, proseUnits, revealText, sectionUnits, type MaskedText, type ProseUnit } from '../../src/artifacts/prose.js';
import { compileVocabulary, criterionStatus, firstVocabularyMatch, matchVocabulary, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { RelatedLocation } from '../../src/review/types.js';

const messages = {
  uncommitted:
    'Uncommitted decision in {file}:{line}: "{excerpt}". A decision with a fallback needs a committed choice, a measurable trigger for the fallback and a decision owner (missing: {missing}). If the choice cannot be made yet, set Status: Deferred and name the blocking question and due date.',
  deferredIncomplete:
    'Deferred decision in {file}:{line} names no {missing}. A Deferred ADR or RFC must name the question that blocks the choice and the date it is due, so the decision is taken rather than left open.',
};
type MessageId = keyof typeof messages;

/** Step 1 hedge patterns, as written in rules.md. */
const HEDGES = compileVocabulary([
  'with .{1,60}? as (a )?(fallback|backup|plan b)',
  '(fall ?back|fallback) (to|on)',
  '\\beither\\b.{1,80}\\bor\\b',
  '\\(\\s*TBD\\b',
  '\\bTBD if\\b',
  'to be decided',
  '\\b(may|might|could) (use|adopt|switch to)\\b',
  '\\bdepending on\\b',
]);
// The spec's trailing `\b` after `decision:` could never match before a space; the colon ends it.
const COMMITMENT = compileVocabulary(['(we will|we have decided|we choose|we adopt)(?![A-Za-z0-9_])', 'decision:']);
const OR_WORDS = compileVocabulary(['or', 'and/or']);
const SLASH_BETWEEN_WORDS = /[\p{L}\p{N}_]\s*\/\s*[\p{L}\p{N}_]/u;
const TRIGGER = compileVocabulary(['\\b(switch|fall ?back|move|revert|take over)\\b.*\\b(if|when|only if)\\b']);
const OWNER = compileVocabulary(['(decision owner|owner|DRI|decided by)(?![A-Za-z0-9_])']);
const OWNER_FIELDS = ['Decision owner', 'DRI', 'Decided by'];
const ALTERNATIVES_LABEL = /^\s*(?:\*\*|__)?alternatives?\b/i;
const BLOCKING_QUESTION = /^blocking question/i;
/** A `?` that ends a question, not the bare `?` placeholder of a field. */
const QUESTION_MARK = /[\p{L}\p{N}_)"'\u201d\uFFFC]\?/u;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g;

/** Statuses whose decision no longer holds or is not yet proposed: a hedge there is history or a draft. */
const NOT_JUDGED = /^(superseded|deprecated|retired|draft)/;

export default createDocsRule({
  meta: {
    id: 'schrodinger-decision',
    kind: 'docs',
    severity: 'Critical',
    precision: 'Medium',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description:
      'An ADR or RFC that hedges its decision commits to one option, gives a measurable fallback trigger and a decision owner, or is Deferred with a blocking question and due date.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax !== 'markdown') continue;
          const type = currentTypeOf(artifact.type);
          if (type === 'adr' || (type === 'archdoc' && artifact.classification.doctype === 'rfc')) checkDecision(context, artifact, type);
        }
      },
    };
  },
});

function checkDecision(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact, type: string): void {
  const { doc, path } = artifact;
  // A Nygard ADR may state its status only in a `## Status` section; judging it as if it had none
  // would read a Deferred or Superseded decision as an uncommitted Accepted one.
  const status = summaryStatus(doc) ?? statusSectionStatus(doc);
  const feature = artifact.slug ? { feature: artifact.slug } : {};

  // Step 3: Deferred is judged on its own terms, hedge or not.
  if (status?.normalized === 'deferred') {
    const missing: string[] = [];
    if (!hasBlockingQuestion(doc)) missing.push('blocking question');
    if (!hasDueDate(doc)) missing.push('due date (YYYY-MM-DD)');
    if (missing.length > 0) {
      context.report({
        messageId: 'deferredIncomplete',
        data: { file: path, line: status.line, missing: missing.join(' and ') },
        loc: { path, startLine: status.line },
        anchor: 'decision | deferred',
        variant: 'deferred',
        ...feature,
      });
    }
    return;
  }
  if (status && NOT_JUDGED.test(status.normalized)) return;

  // MADR names the section `Decision Outcome`.
  const isDecision = (k: string) => k === 'decision' || k === 'decision outcome';
  const section =
    type === 'adr'
      ? findSectionBy(doc, isDecision)
      : (findSectionBy(doc, isDecision) ?? findSectionBy(doc, (k) => k === 'recommendation'));
  if (!section) return;

  // Step 1.
  const units = decisionUnits(doc, section);
  const hedged = units.filter((u) => testVocabulary(u.text, HEDGES));
  if (hedged.length === 0) return;

  // Step 2.
  const missing: string[] = [];
  if (!units.some((u) => isCommitment(u.text))) missing.push('committed choice');
  if (!units.some((u) => testVocabulary(u.text, TRIGGER) && criterionStatus(u.text) !== 'none')) missing.push('measurable trigger');
  if (!hasOwner(doc, units)) missing.push('decision owner');
  if (missing.length === 0) return;

  const first = hedged[0];
  const related: RelatedLocation[] = hedged.slice(1).map((u) => ({ path, line: u.unit.line, note: 'another hedge' }));
  if (status) related.push({ path, line: status.line, note: `Status: ${status.value}` });
  const hedge = firstVocabularyMatch(first.text, HEDGES)!;
  context.report({
    messageId: 'uncommitted',
    data: { file: path, line: first.unit.line, excerpt: excerpt(first.text), missing: missing.join(', ') },
    loc: { path, startLine: first.unit.line, endLine: first.unit.endLine },
    anchor: `decision | ${hedge.text.toLowerCase().replace(/\s+/g, ' ')}`,
    related,
    ...feature,
  });
}

interface DecisionUnit {
  unit: ProseUnit;
  text: MaskedText;
}

/**
 * Prose units of the decision section, without the alternatives it lists: nested lists under an
 * `Alternatives` label item, a list right after an `Alternatives:` paragraph, and an
 * `### Alternatives` subsection name options the decision rejects, not hedges.
 */
function decisionUnits(doc: MarkdownDoc, section: Section): DecisionUnit[] {
  const excluded = new Set<number>();
  const addLines = (node: { position?: { start: { line: number }; end: { line: number } } }) => {
    for (let l = node.position?.start.line ?? 0; l <= (node.position?.end.line ?? -1); l++) excluded.add(l);
  };
  for (const sub of section.children) {
    if (/^alternative/.test(bareKey(sub.key))) for (let l = sub.line; l <= sub.endLine; l++) excluded.add(l);
  }
  const nodes = doc.root.children.filter((n) => {
    const line = n.position?.start.line ?? 0;
    return line > section.line && line <= section.endLine;
  });
  nodes.forEach((node, i) => {
    if (node.type === 'paragraph' && ALTERNATIVES_LABEL.test(sourceOf(doc, node))) {
      addLines(node);
      const next = nodes[i + 1];
      if (next?.type === 'list') addLines(next);
    }
    if (node.type === 'list') visitItems(node.children);
  });
  function visitItems(items: readonly import('mdast').ListItem[]): void {
    for (const item of items) {
      const first = item.children[0];
      if (first?.type === 'paragraph' && ALTERNATIVES_LABEL.test(sourceOf(doc, first))) {
        addLines(item);
        continue;
      }
      for (const child of item.children) if (child.type === 'list') visitItems(child.children);
    }
  }
  const out: DecisionUnit[] = [];
  for (const unit of sectionUnits(doc, section)) {
    const text = withoutLines(unit, excluded);
    if (text && !ALTERNATIVES_LABEL.test(text.text)) out.push({ unit, text });
  }
  return out;
}

function sourceOf(doc: MarkdownDoc, node: { position?: { start: { offset?: number }; end: { offset?: number } } }): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? '' : doc.text.slice(start, end);
}

/** A commitment names exactly one option (CHANGES.md 17): no hedge, no `or`, no `and/or`, no `a/b`. */
function isCommitment(text: MaskedText): boolean {
  if (!testVocabulary(text, COMMITMENT)) return false;
  if (testVocabulary(text, HEDGES) || testVocabulary(text, OR_WORDS)) return false;
  return !SLASH_BETWEEN_WORDS.test(text.text);
}

/**
 * An owner is a `Decision owner` / `DRI` / `Decided by` field anywhere, an `Owner` field in the
 * Summary, or the phrase in the decision section followed by a separator (`:`, `-`, `—`) or, for
 * "decided by", directly by a name; the value must not be a bare placeholder. The separator keeps
 * "the decision owner approves the switch" from counting as naming one.
 */
function hasOwner(doc: MarkdownDoc, units: DecisionUnit[]): boolean {
  const summary = findSection(doc, 'summary');
  const summaryOwner = summary ? findField(sectionFields(summary, true), 'Owner', ...OWNER_FIELDS) : undefined;
  if (summaryOwner && isFilled(summaryOwner.value)) return true;
  const field = findField(doc.fields, ...OWNER_FIELDS);
  if (field && isFilled(field.value)) return true;
  for (const { text } of units) {
    for (const m of matchVocabulary(text, OWNER)) {
      const rest = text.text.slice(m.end);
      const sep = /^\s*(?:[:\-–—]|is\b)\s*/i.exec(rest);
      if (!sep && !/^decided by$/i.test(m.text)) continue;
      const value = rest.slice(sep ? sep[0].length : 0).split(/[.;](?:\s|$)/)[0].trim();
      if (value && !(isPlaceholder(value) && !/^<TBD:/i.test(value))) return true;
    }
  }
  return false;
}

const BLOCK_SECTIONS = new Set(['summary', 'system concerns', 'date', 'related artifacts']);

function unitsOutsideBlocks(doc: MarkdownDoc): ProseUnit[] {
  return proseUnits(doc).filter((u) => !u.headingPath.some((k) => BLOCK_SECTIONS.has(bareKey(k))));
}

function hasBlockingQuestion(doc: MarkdownDoc): boolean {
  return proseUnits(doc)
    .filter((u) => !u.headingPath.some((k) => bareKey(k) === 'system concerns'))
    .some((u) => QUESTION_MARK.test(u.text) || BLOCKING_QUESTION.test(u.text.replace(/^[*_\s]+/, '')));
}

/** A real date outside the Summary (its Date is when the ADR was written, not when it is due). */
function hasDueDate(doc: MarkdownDoc): boolean {
  return unitsOutsideBlocks(doc).some((u) => [...revealText(u).matchAll(ISO_DATE)].some((m) => parseDate(m[0]) !== null));
}
