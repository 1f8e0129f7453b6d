// rules.md rule 28 (with CHANGES.md 15 and 18): rollout phases that wait on a decision name the
// open question that owns it, rollout-blocking questions are cited by their phase with a due date,
// and every open question names an owner and a date so it actually gets answered.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { contentStems, isFilled, labelledParts, stemOverlap } from '../../src/artifacts/claims.js';
import { isAnnotatedTbd, isPlaceholder, parseDate, type MarkdownDoc, type Section } from '../../src/artifacts/markdown.js';
import type { ArtifactModel, MarkdownArtifact } from '../../src/artifacts/model.js';
import { bareKey, revealText, sectionItems, sectionText } from '../../src/artifacts/prose.js';
import { compileVocabulary, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Precision, RelatedLocation } from '../../src/review/types.js';

const TEMPLATE =
  'Open question and rollout are not linked in {file}: {problem}. Rollout phases that wait on a decision must name the question (and its due date); rollout-blocking questions must be cited by their phase.';

const messages = {
  unreferencedQuestion: TEMPLATE,
  questionWithoutDate: TEMPLATE,
  phaseWithoutQuestion: TEMPLATE,
  unknownQuestionId: TEMPLATE,
  ownerOrDate:
    'Open question in {file}:{line} names no {missing}. Every open question names an owner and a due date (`Due:` or `Target:` YYYY-MM-DD) so that someone answers it in time.',
};
type MessageId = keyof typeof messages;

const QUESTION_SECTION = /open questions|decision log|decisions needed/;
const PHASE_SECTION = /rollout|migration plan|milestones|phases/;
const QUESTION_ID = /(?<![A-Za-z0-9_])(OQ|Q|DQ)-?(\d+)(?![A-Za-z0-9_])/gi;
/** `Q3 2026` is a quarter, not question Q-3. */
const QUARTER_AFTER = /^[\s/-]*(?:19|20)\d{2}(?!\d)/;
const ROLLOUT_WORDS = compileVocabulary(['rollout', 'phase', 'launch', 'cutover', 'migration', 'go-live']);
const DEPENDENCY = compileVocabulary([
  'TBD',
  'pending',
  'depends on',
  'once .{1,80}?(decided|resolved|answered|chosen)',
  'blocked( by)?',
  'after .{1,80}?(decided|answered)',
]);
const ISO_DATE = /(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/g;
const NONE = /^\(?\s*(?:none|n\/a|no open questions)\b/i;
const LABELS = ['owner', 'due', 'target', 'blocks'];
const OVERLAP = 0.6;

export default createDocsRule({
  meta: {
    id: 'open-question-rollout-xref',
    kind: 'docs',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description:
      'Rollout-blocking open questions are cited by their phase with a due date, phases that wait on a decision name the question, and every open question has an owner and a date.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax !== 'markdown') continue;
          const type = currentTypeOf(artifact.type);
          if (type === 'adr' || type === 'archdoc') checkRollout(context, artifact);
          if (type === 'adr' || type === 'archdoc' || type === 'design') checkOwnerAndDate(context, artifact, type === 'design');
        }
      },
    };
  },
});

interface Block {
  line: number;
  endLine: number;
  /** Revealed text (code spans as text), nested items included. */
  text: string;
}

interface Question extends Block {
  id: string | null;
  /** The question without its `Owner:` / `Due:` / `Blocks:` parts, for token overlap. */
  lead: string;
  blocks: boolean;
}

/** Each list item of the section's own body, and each subsection, is one block; `None` is none. */
function blocksOf(doc: MarkdownDoc, section: Section): Block[] {
  const out: Block[] = sectionItems(doc, section).map((i) => ({ line: i.line, endLine: i.endLine, text: flat(revealText(i.unit)) }));
  for (const sub of section.children) out.push({ line: sub.line, endLine: sub.endLine, text: flat(`${sub.heading}\n${sectionText(doc, sub)}`) });
  return out.filter((b) => b.text !== '' && !NONE.test(b.text)).sort((a, b) => a.line - b.line);
}

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

function idsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(QUESTION_ID)) {
    if (m[1].toUpperCase() === 'Q' && QUARTER_AFTER.test(text.slice((m.index ?? 0) + m[0].length))) continue;
    out.push(`${m[1].toUpperCase()}-${Number(m[2])}`);
  }
  return [...new Set(out)];
}

/** A question's own id is the one it opens with (`OQ-1: …`, `### Q2 …`); a later id is a reference. */
function ownId(text: string): string | null {
  const lead = /^[#*_\s[]*((?:OQ|Q|DQ)-?\d+)(?![A-Za-z0-9_])/i.exec(text);
  return lead ? (idsIn(lead[1])[0] ?? null) : null;
}

function questionsOf(doc: MarkdownDoc): Question[] {
  const out: Question[] = [];
  for (const section of doc.headings.filter((s) => s.depth >= 2 && QUESTION_SECTION.test(bareKey(s.key)))) {
    for (const block of blocksOf(doc, section)) {
      const { lead, parts } = labelledParts(block.text, LABELS);
      out.push({ ...block, id: ownId(block.text), lead: lead.replace(/^[#*_\s]*(?:(?:OQ|Q|DQ)-?\d+)\s*[:.)-]?\s*/i, ''), blocks: parts.some((p) => /^blocks$/i.test(p.label)) });
    }
  }
  return out;
}

function phasesOf(doc: MarkdownDoc): Block[] {
  return doc.headings.filter((s) => s.depth >= 2 && PHASE_SECTION.test(bareKey(s.key))).flatMap((s) => blocksOf(doc, s));
}

const hasDate = (text: string) => [...text.matchAll(ISO_DATE)].some((m) => parseDate(m[0]) !== null);

/** Question ids known in the artifact's scope: its feature's design, ADRs and architecture docs (or the platform's). */
function knownIds(model: ArtifactModel, artifact: MarkdownArtifact): Set<string> {
  const scope = [...model.artifacts.values()].filter(
    (a): a is MarkdownArtifact =>
      a.syntax === 'markdown' && ['adr', 'archdoc', 'design'].includes(currentTypeOf(a.type)) && a.slug === artifact.slug && a.classification.scope === artifact.classification.scope,
  );
  const ids = new Set<string>();
  for (const a of [artifact, ...scope]) for (const q of questionsOf(a.doc)) if (q.id) ids.add(q.id);
  return ids;
}

function checkRollout(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { doc, path } = artifact;
  const questions = questionsOf(doc);
  const phases = phasesOf(doc).map((p) => ({ ...p, ids: idsIn(p.text), stems: contentStems(p.text) }));
  const report = (messageId: MessageId, block: Block, problem: string, precision: Precision, anchor: string, related: RelatedLocation[] = []) =>
    context.report({
      messageId,
      data: { file: path, problem },
      loc: { path, startLine: block.line, endLine: block.endLine },
      anchor: `open questions | ${anchor}`,
      precision,
      related,
      variant: messageId,
      ...(artifact.slug ? { feature: artifact.slug } : {}),
    });

  for (const q of questions) {
    // Steps 1-2.
    const lead = contentStems(q.lead);
    const citing = phases.filter((p) => (q.id !== null && p.ids.includes(q.id)) || stemOverlap(lead, p.stems) >= OVERLAP);
    const affects = q.blocks || citing.length > 0 || (q.id === null && testVocabulary(q.text, ROLLOUT_WORDS));
    if (!affects) continue;
    const name = q.id ?? `"${short(q.lead || q.text)}"`;
    const precision: Precision = q.id ? 'High' : 'Medium';
    const dated = hasDate(q.text) || citing.some((p) => hasDate(p.text));
    // Step 3 (a question nobody cites also has no citing phase to carry its date).
    if (citing.length === 0) {
      const why = q.blocks ? 'it has a Blocks: field' : 'it mentions the rollout';
      report('unreferencedQuestion', q, `open question ${name} affects rollout (${why}) but no rollout phase names it${dated ? '' : ', and it has no due date'}`, precision, `unreferenced ${q.id ?? short(q.lead)}`);
    } else if (!dated) {
      // Step 4.
      report('questionWithoutDate', q, `open question ${name} gates ${citing.length === 1 ? 'a rollout phase' : 'rollout phases'} but neither the question nor the phase carries a due date (YYYY-MM-DD)`, precision, `undated ${q.id ?? short(q.lead)}`, citing.map((p) => ({ path, line: p.line, note: 'citing phase' })));
    }
  }

  // Step 5.
  const known = knownIds(context.model, artifact);
  for (const phase of phases) {
    const ids = phase.ids;
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      report('unknownQuestionId', phase, `phase "${short(phase.text)}" names ${unknown.join(', ')}, which no open question of this feature has`, 'High', `unknown ${unknown.join(',')} ${short(phase.text, 40)}`);
    } else if (ids.length === 0 && testVocabulary(phase.text, DEPENDENCY)) {
      report('phaseWithoutQuestion', phase, `phase "${short(phase.text)}" waits on an unresolved choice but names no open question id`, 'Medium', `dependency ${short(phase.text, 60)}`);
    }
  }
}

/** Step 6 (Suggestion): every item of an `Open questions` section names an owner and a date. */
function checkOwnerAndDate(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact, design: boolean): void {
  const { doc, path } = artifact;
  for (const section of doc.headings.filter((s) => s.depth >= 2 && bareKey(s.key).includes('open questions'))) {
    for (const q of blocksOf(doc, section)) {
      const { parts } = labelledParts(q.text, LABELS);
      const owner = parts.find((p) => /^owner$/i.test(p.label));
      const dates = parts.filter((p) => /^(due|target)$/i.test(p.label));
      const missing: string[] = [];
      if (!owner || !isFilled(owner.value) || (isPlaceholder(owner.value) && !isAnnotatedTbd(owner.value))) missing.push('owner (Owner: …)');
      const dated = dates.some((d) => hasDate(d.value) || (design && /<YYYY-MM-DD>/i.test(d.value)));
      if (!dated) missing.push('date (Due: or Target: YYYY-MM-DD)');
      if (missing.length === 0) continue;
      context.report({
        messageId: 'ownerOrDate',
        data: { file: path, line: q.line, missing: missing.join(' and ') },
        loc: { path, startLine: q.line, endLine: q.endLine },
        anchor: `open questions | owner and date ${ownId(q.text) ?? short(q.text, 60)}`,
        severity: 'Suggestion',
        variant: 'ownerOrDate',
        ...(artifact.slug ? { feature: artifact.slug } : {}),
      });
    }
  }
}

function short(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}
