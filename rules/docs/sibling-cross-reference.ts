// rules.md rule 27: a claim deferred to another document ("covered in", "per", "see", "handled
// by") points at a document that exists, still applies, contains the part named and mentions the
// subject without contradicting it. Reference targets are read from masked code spans and link
// destinations (CHANGES.md "Masked content readers").
import { documentAnchors, headingKey, isClaimMaking, STOP_WORDS, stem, summaryStatus, wordsIn } from '../../src/artifacts/claims.js';
import { isSkillReference, pathExists, resolveLinkPath, targetFragment } from '../../src/artifacts/links.js';
import { isRelativePathSpan, type MarkdownDoc } from '../../src/artifacts/markdown.js';
import type { ArtifactModel, MarkdownArtifact } from '../../src/artifacts/model.js';
import { excerpt, MASK, maskAt, maskFollowing, proseUnits, type ProseUnit } from '../../src/artifacts/prose.js';
import { compileVocabulary, matchVocabulary, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TEMPLATE =
  'Reference in {file}:{line} ("{excerpt}") is not backed by {target}: {problem}. A deferred claim must point at a document that exists and actually covers it.';

const messages = {
  missingTarget: TEMPLATE,
  notBacked: TEMPLATE,
  retiredTarget: TEMPLATE,
};
type MessageId = keyof typeof messages;

/** Step 1 reference phrases; `per` and `see` are whole words, so "upper", "per-key" and "seen" never match. */
const REFERENCE = compileVocabulary(['(covered (in|by)|per|see|handled (in|by)|described in|documented in)(?![A-Za-z0-9_-])']);
const CONTRADICTION = compileVocabulary(['not (covered|handled|applicable)', 'out of scope', 'TODO', '<TBD']);

/**
 * Failure-mode names (review-output.md 8.1, the rows of the source's `reference/failure-modes.md`)
 * and their common short forms, each kept as one subject token.
 */
const FAILURE_MODES = [
  'duplicate delivery',
  'out-of-order delivery',
  'lost publish',
  'ack before commit',
  'poison message loop',
  'poison message',
  'retry storm',
  'hot partition',
  'stale cache',
  'cache stampede',
  'split brain',
  'zombie lock holder',
  'dlq privacy leak',
  'privacy leak',
  'lost trace context',
  'replay side effect',
  'consumer memory blow-up',
  'memory blow-up',
  'schema drift',
  'clock skew',
  'region failover duplicate',
  'consumer lag',
  'dual write',
].map((name) => name.split(/\s+/).map(stem));

const MAX_SUBJECT_TOKENS = 8;

export default createDocsRule({
  meta: {
    id: 'sibling-cross-reference',
    kind: 'docs',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description:
      'A claim deferred to another document points at one that exists, still applies, contains the named part and mentions the subject without contradicting it.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (isClaimMaking(artifact)) checkArtifact(context, artifact);
        }
      },
    };
  },
});

interface Reference {
  /** As written, for messages. */
  written: string;
  /** Repository path, or null when the target climbs above the root. */
  path: string | null;
  fragment: string | null;
  /** Offset in the unit just past the target (where a named part may follow). */
  after: number;
}

function checkArtifact(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  for (const unit of proseUnits(artifact.doc)) {
    for (const match of matchVocabulary(unit, REFERENCE)) {
      const ref = referenceAt(context.model, artifact, unit, match.end);
      if (!ref) continue;
      checkReference(context, artifact, unit, match.index, ref);
    }
  }
}

const PLAIN_MD = /^[\s:]*((?:\.{1,2}\/)*[\w@.-]+(?:\/[\w@.-]+)*\.md(?:#[\w-]+)?)(?![\w/])/;
const SLUG_FORM = /^[\s:]*the\s+(?:(\uFFFC)|([a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9]))\s+(runbook|adr|contract|design)(?![A-Za-z0-9_])/i;

/** The target that directly follows a reference phrase (only whitespace or `:` between), if any. */
function referenceAt(model: ArtifactModel, artifact: MarkdownArtifact, unit: ProseUnit, offset: number): Reference | null {
  const mask = maskFollowing(unit, offset);
  if (mask) {
    const target = mask.content.trim();
    if (mask.kind === 'code' && !isRelativePathSpan(target)) return null;
    if (!target || /^[a-z][a-z0-9+.-]*:|^#|^\/\//i.test(target)) return null;
    return { written: target, path: resolveLinkPath(artifact.path, target), fragment: targetFragment(target), after: mask.offset + 1 };
  }
  const rest = unit.text.slice(offset);
  const plain = PLAIN_MD.exec(rest);
  if (plain) {
    return { written: plain[1], path: resolveLinkPath(artifact.path, plain[1]), fragment: targetFragment(plain[1]), after: offset + plain[0].length };
  }
  const named = SLUG_FORM.exec(rest);
  if (!named) return null;
  const inCode = named[1] !== undefined;
  const slug = inCode ? (maskAt(unit, offset + named[0].indexOf(MASK))?.content.trim() ?? '') : named[2];
  if (!slug || /\s/.test(slug)) return null;
  const kind = named[3].toLowerCase();
  const path = slugTarget(model, artifact, slug, kind);
  // "see the main runbook" is prose, not a reference: a one-word name counts only when it resolves.
  if (!inCode && !slug.includes('-') && !slug.includes('.') && (!path || !model.paths.has(path))) return null;
  if (!path) return null;
  return { written: `the ${slug} ${named[3]}`, path, fragment: null, after: offset + named[0].length };
}

/** `the <slug> runbook|ADR|contract|design` resolved in the writer's feature (platform as fallback). */
function slugTarget(model: ArtifactModel, artifact: MarkdownArtifact, slug: string, kind: string): string | null {
  const feature = artifact.slug;
  const root = feature ? `docs/features/${feature}` : null;
  const adrIn = (dir: string) => [...model.paths].filter((p) => p.startsWith(`${dir}/`) && new RegExp(`/\\d{4}-${escape(slug)}\\.md$`).test(p)).sort()[0];
  switch (kind) {
    case 'runbook': {
      const own = root ? `${root}/runbooks/${slug}.md` : null;
      const platform = `docs/system/runbooks/${slug}.md`;
      return own && model.paths.has(own) ? own : model.paths.has(platform) ? platform : (own ?? platform);
    }
    case 'adr': {
      const own = root ? adrIn(`${root}/adrs`) : undefined;
      return own ?? adrIn('docs/system/adrs') ?? (root ? `${root}/adrs/NNNN-${slug}.md` : `docs/system/adrs/NNNN-${slug}.md`);
    }
    case 'contract':
      return root ? `${root}/contracts/${slug}.md` : null;
    case 'design':
      return model.features.has(slug) ? `docs/features/${slug}/design.md` : root ? `${root}/design.md` : null;
  }
  return null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checkReference(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact, unit: ProseUnit, phraseAt: number, ref: Reference): void {
  const { path } = artifact;
  const report = (messageId: MessageId, problem: string, severity?: Severity) =>
    context.report({
      messageId,
      data: { file: path, line: unit.line, excerpt: excerpt(unit), target: ref.path ?? ref.written, problem },
      loc: { path, startLine: unit.line, endLine: unit.endLine },
      anchor: `${unit.headingPath.join(' > ')} | reference ${ref.written} | ${excerpt(unit, 120).toLowerCase()}`,
      ...(severity ? { severity } : {}),
      ...(artifact.slug ? { feature: artifact.slug } : {}),
      variant: messageId,
    });

  // Step 2.
  if (isSkillReference(ref.written)) return;
  if (!ref.path || !pathExists(ref.path, (p) => context.exists(p))) {
    report('missingTarget', ref.path ? 'the target does not exist' : 'the target climbs above the repository root');
    return;
  }
  const target = context.model.artifacts.get(ref.path);
  if (!target) return;
  const problems: string[] = [];

  // Step 3.
  let retired: string | null = null;
  if (target.syntax === 'markdown') {
    const status = summaryStatus(target.doc);
    if (status && (status.normalized === 'retired' || status.normalized.startsWith('superseded'))) retired = `its Status is ${status.value}`;
  }

  // Step 4.
  const part = namedPart(unit, ref);
  if (part && target.syntax === 'markdown' && !containsPart(target.doc, part)) problems.push(`it has no ${part.label}`);

  // Step 5.
  const subject = subjectTokens(unit.text.slice(0, phraseAt));
  const targetWords = targetStems(target);
  if (subject.length > 0 && !subject.some((t) => occursIn(t, targetWords))) {
    problems.push(`it does not mention ${subject.map((t) => t.join(' ')).join(', ')}`);
  }

  // Step 6.
  if (target.syntax === 'markdown' && subject.length > 0) {
    const contradicting = contradictionUnits(target.doc).find((u) => subject.some((t) => occursIn(t, stemsOf(u.text))));
    if (contradicting) problems.push(`line ${contradicting.line} says "${excerpt(contradicting, 80).replace(/[.;:]$/, '')}"`);
  }

  if (problems.length > 0) report('notBacked', [...problems, ...(retired ? [retired] : [])].join('; '));
  else if (retired) report('retiredTarget', `${retired}, so the claim rests on a document that no longer applies`, 'Suggestion');
}

const stemsOf = (text: string) => wordsIn(text).map(stem);

// A target is read once however many references point at it; keyed weakly so a long-running
// process does not keep old trees alive.
const targetStemCache = new WeakMap<object, string[]>();
function targetStems(target: { text: string }): string[] {
  let out = targetStemCache.get(target);
  if (!out) {
    out = stemsOf(target.text);
    targetStemCache.set(target, out);
  }
  return out;
}

const contradictionCache = new WeakMap<MarkdownDoc, ProseUnit[]>();
function contradictionUnits(doc: MarkdownDoc): ProseUnit[] {
  let out = contradictionCache.get(doc);
  if (!out) {
    out = proseUnits(doc).filter((u) => testVocabulary(u, CONTRADICTION));
    contradictionCache.set(doc, out);
  }
  return out;
}

interface Part {
  kind: 'anchor' | 'section' | 'class' | 'step' | 'heading';
  value: string;
  label: string;
}

const PART_AFTER = /^\s*[,:]?\s*(?:(?:in|under|at)\s+)?(section|class|step)\s+([A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*)/i;
const QUOTED_AFTER = /^\s*[,:]?\s*(?:(?:in|under|at)\s+)?(?:(?:the\s+)?section\s+)?["\u201c]([^"\u201d]+)["\u201d]/i;

/** The part the reference names: its `#anchor`, or `section X`, `class X`, `step N` or a quoted heading right after the target. */
function namedPart(unit: ProseUnit, ref: Reference): Part | null {
  if (ref.fragment) return { kind: 'anchor', value: ref.fragment, label: `anchor #${ref.fragment}` };
  const rest = unit.text.slice(ref.after);
  const m = PART_AFTER.exec(rest);
  if (m) {
    const kind = m[1].toLowerCase() as 'section' | 'class' | 'step';
    return { kind, value: m[2], label: `${kind} ${m[2]}` };
  }
  const q = QUOTED_AFTER.exec(rest);
  return q ? { kind: 'heading', value: q[1], label: `heading "${q[1]}"` } : null;
}

function containsPart(doc: MarkdownDoc, part: Part): boolean {
  const word = (text: string) => new RegExp(`(?<![A-Za-z0-9_])${escape(part.value)}(?![A-Za-z0-9_])`, 'i').test(text);
  const phrase = (prefix: string) => new RegExp(`(?<![A-Za-z0-9_])${prefix}\\s+${escape(part.value)}(?![A-Za-z0-9_])`, 'i');
  switch (part.kind) {
    case 'anchor': {
      let fragment = part.value;
      try {
        fragment = decodeURIComponent(fragment);
      } catch {
        /* keep as written */
      }
      return documentAnchors(doc).has(fragment.toLowerCase());
    }
    case 'class':
      return phrase('class').test(doc.text);
    case 'step':
      return phrase('step').test(doc.text) || doc.lines.some((l) => new RegExp(`^\\s*${escape(part.value)}[.)]\\s`).test(l));
    case 'section':
      return phrase('section').test(doc.text) || doc.headings.some((s) => s.heading.startsWith(`${part.value}.`) || s.heading.startsWith(`${part.value} `) || word(s.heading));
    case 'heading': {
      const key = headingKey(part.value);
      return doc.headings.some((s) => s.key === key || s.key.includes(key));
    }
  }
}

/**
 * Up to eight content tokens before the reference phrase, nearest last: stop words and numbers
 * dropped, stems compared, failure-mode names kept together as one token.
 */
function subjectTokens(before: string): string[][] {
  const words = wordsIn(before);
  const stems = words.map(stem);
  const tokens: string[][] = [];
  for (let i = 0; i < words.length; ) {
    const mode = FAILURE_MODES.find((m) => m.every((s, k) => stems[i + k] === s));
    if (mode) {
      tokens.push(mode);
      i += mode.length;
      continue;
    }
    const w = words[i];
    if (!STOP_WORDS.has(w) && !/^\d+$/.test(w) && w.length > 1) tokens.push([stems[i]]);
    i++;
  }
  return tokens.slice(-MAX_SUBJECT_TOKENS);
}

function occursIn(token: string[], words: string[]): boolean {
  if (token.length === 1) return words.includes(token[0]);
  for (let i = 0; i + token.length <= words.length; i++) if (token.every((s, k) => words[i + k] === s)) return true;
  return false;
}
