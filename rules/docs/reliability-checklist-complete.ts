// rules.md rule 34: the design answers all eight reliability questions before code is written.
// "Later" is not an answer: a deferred delivery or retry decision is exactly the one that causes the
// first incident.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { findSection, isEmptyOrPlaceholder, sectionFields, type Field, type Section } from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { MASK, maskInline, type MaskedText } from '../../src/artifacts/prose.js';
import { compileVocabulary, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TAIL = ' All eight answers are required before code is written or approved; "later" is not an answer.';
const message = (problem: string) => `Reliability checklist in {file}: {key} ${problem}.${TAIL}`;

const messages = {
  missingSection: 'Reliability checklist in {file}: the `## Reliability checklist` section is missing.' + TAIL,
  missingKey: message('is not answered (no `{key}:` line)'),
  deferred: message('answer "{value}" defers the decision'),
  placeholder: message('answer "{value}" is a placeholder'),
  deliveryVocabulary: message('answer "{value}" names no delivery guarantee (at-most-once, at-least-once, effectively-once, exactly-once)'),
  orderingVocabulary: message('answer "{value}" names no ordering (total, per-key with its key, or none)'),
  tooLong: message('answer has {count} words; keep it to 15 or fewer'),
};
type MessageId = keyof typeof messages;

/** Keys and synonyms (artifacts.md §6.1), compared after `normalizeKey`. */
const RELIABILITY_KEYS: { key: string; names: string[] }[] = [
  { key: 'Delivery', names: ['delivery', 'delivery guarantee'] },
  { key: 'Idempotency', names: ['idempotency'] },
  { key: 'Bad-message', names: ['bad message', 'dlq'] },
  { key: 'Retry', names: ['retry', 'retry policy'] },
  { key: 'Ordering', names: ['ordering'] },
  { key: 'Schema', names: ['schema', 'schema evolution'] },
  { key: 'Observability', names: ['observability'] },
  { key: 'Failure-boundary', names: ['failure boundary'] },
];

const DISTRIBUTED_KEYS: { key: string; names: string[] }[] = [
  { key: 'Boundary', names: ['boundary'] },
  { key: 'Consistency', names: ['consistency'] },
  { key: 'Scaling axis', names: ['scaling axis'] },
  { key: 'Failure mode', names: ['failure mode'] },
  { key: 'Backpressure', names: ['backpressure'] },
  { key: 'Operations', names: ['operations'] },
];

// TBC and "to be determined" / "to be confirmed" defer the decision exactly as TBD does.
const DEFERRAL = compileVocabulary(['\\b(later|tbd|tbc|todo|to be decided|to be defined|to be determined|to be confirmed|n/a|not sure)\\b']);
// Prose writes the guarantees with spaces as often as with hyphens: `at least once` is the same answer.
const DELIVERY = compileVocabulary(['at[-\\s]most[-\\s]once', 'at[-\\s]least[-\\s]once', 'effectively[-\\s]once', 'exactly[-\\s]once']);
const ORDERING = compileVocabulary(['total', 'per-key', 'none']);
/** A field name written in the prose: `member_id`, `orderId`. */
const KEY_TOKEN = /(?<![A-Za-z0-9_])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+[A-Z][A-Za-z0-9]*)(?![A-Za-z0-9_])/;
const MAX_WORDS = 15;

export default createDocsRule({
  meta: {
    id: 'reliability-checklist-complete',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8'],
    failureModes: [],
    description: 'The design answers all eight reliability questions, each with a real answer of 15 words or fewer.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax === 'markdown' && currentTypeOf(artifact.type) === 'design') checkDesign(context, artifact);
        }
      },
    };
  },
});

type Report = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string | number>, extra?: { severity?: Severity; endLine?: number }) => void;

function checkDesign(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { doc, path } = artifact;
  const report: Report = (messageId, line, anchor, data = {}, extra = {}) =>
    context.report({
      messageId,
      data: { file: path, ...data },
      loc: { path, startLine: line, ...(extra.endLine !== undefined ? { endLine: extra.endLine } : {}) },
      anchor,
      ...(extra.severity ? { severity: extra.severity } : {}),
      ...(artifact.slug ? { feature: artifact.slug } : {}),
    });

  // Step 1.
  const reliability = findSection(doc, 'reliability checklist');
  if (!reliability) report('missingSection', 1, 'reliability checklist | missing section', { key: '' });
  else checkSection(report, reliability, RELIABILITY_KEYS, true);
  // Step 6: the v0.3 section is optional; when present it follows steps 2-3.
  const distributed = doc.headings.find((s) => s.key.startsWith('distributed-systems checklist'));
  if (distributed) checkSection(report, distributed, DISTRIBUTED_KEYS, false);
}

function checkSection(report: Report, section: Section, keys: { key: string; names: string[] }[], full: boolean): void {
  const fields = sectionFields(section, true);
  const scope = `${section.key} | `;
  for (const { key, names } of keys) {
    const field = fields.find((f) => names.includes(normalizeKey(f.name)));
    // Step 2.
    if (!field) {
      report('missingKey', section.line, `${scope}missing ${key.toLowerCase()}`, { key });
      continue;
    }
    const at = { endLine: field.endLine };
    const value = excerptOf(field);
    const anchor = `${scope}${key.toLowerCase()}`;
    // Step 3.
    if (isEmptyOrPlaceholder(field.value)) {
      report('placeholder', field.line, `${anchor} placeholder`, { key, value }, at);
      continue;
    }
    const masked = maskInline(field.value, field.line);
    if (testVocabulary(masked, DEFERRAL)) {
      report('deferred', field.line, `${anchor} deferred`, { key, value }, at);
      continue;
    }
    if (!full) continue;
    // Step 4.
    if (key === 'Delivery' && !testVocabulary(masked, DELIVERY)) report('deliveryVocabulary', field.line, `${anchor} vocabulary`, { key, value }, at);
    if (key === 'Ordering' && !testVocabulary(masked, ORDERING) && !hasKeyToken(masked)) {
      report('orderingVocabulary', field.line, `${anchor} vocabulary`, { key, value }, at);
    }
    // Step 5.
    const count = countWords(masked);
    if (count > MAX_WORDS) report('tooLong', field.line, `${anchor} length`, { key, count }, { ...at, severity: 'Suggestion' });
  }
}

/** `Bad-message`, `bad message` and `Bad_message` are one key. */
function normalizeKey(name: string): string {
  return name.replace(/`/g, '').toLowerCase().replace(/[-_\s]+/g, ' ').trim();
}

/** A code span or a snake_case / camelCase field name in the prose counts as an ordering key. */
function hasKeyToken(value: MaskedText): boolean {
  return value.masks.some((m) => m.kind === 'code' && m.content.trim() !== '') || KEY_TOKEN.test(value.text);
}

/**
 * rules.md rule 34 step 5: emphasis dropped, a link counts as the words of its text, a code span as
 * one word, and every whitespace piece holding a letter or digit is a word.
 */
function countWords(value: MaskedText): number {
  const codeTokens = new Set(value.masks.filter((m) => m.kind === 'code').map((m) => m.offset));
  let count = 0;
  let offset = 0;
  for (const piece of value.text.split(/(\s+)/)) {
    if (piece && !/^\s+$/.test(piece)) {
      const holdsCode = [...piece].some((ch, i) => ch === MASK && codeTokens.has(offset + i));
      const stripped = piece.replace(/[*_]/g, '');
      if (/[\p{L}\p{N}]/u.test(stripped) || holdsCode) count++;
    }
    offset += piece.length;
  }
  return count;
}

function excerptOf(field: Field): string {
  const v = field.value.replace(/\s+/g, ' ').trim();
  return v.length > 80 ? `${v.slice(0, 79)}…` : v;
}
