// rules.md rule 37: the contract document is the channel's ownership contract. It names producer and
// consumers, the compatibility mode and the CI gate that enforces it, the versioning policy, the
// ordering and idempotency keys, retention, and the DLQ and replay policy. Without the gate, "BACKWARD"
// is a wish; without the keys, every consumer guesses.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import {
  findField,
  isEmptyOrPlaceholder,
  isPlaceholder,
  parseDuration,
  sectionFields,
  unwrapBackticks,
  type Field,
  type MarkdownDoc,
  type Section,
} from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { MASK, sectionHasContent, sectionText, sectionUnits, type ProseUnit } from '../../src/artifacts/prose.js';
import { compileVocabulary, testVocabulary, wordsOf } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TAIL =
  ' Every channel needs an owner, producer and consumers, compatibility mode with a CI gate, ordering and idempotency keys, retention, DLQ and replay policy.';
const message = (problem: string) => `Contract {channel}: ${problem}.${TAIL}`;

const messages = {
  missingSection: message('the `## {section}` section is missing'),
  missingMode: message('the Compatibility section names no compatibility mode (BACKWARD, FORWARD, FULL or NONE)'),
  modeNone: message('compatibility mode NONE lets any change through; it is never a default'),
  missingCiGate: message('the Compatibility section names no CI gate (a named job, check, pipeline or registry rule) that enforces the mode'),
  versioningPolicy: message('the Compatibility section says neither when a new channel version opens nor how the old one is deprecated or retired'),
  missingKeyField: message('{field} is missing from Ordering, idempotency, retention'),
  placeholderKeyField: message('{field} "{value}" is a placeholder'),
  invalidRetention: message('Retention "{value}" is not a duration'),
  producerConsumers: message('Producer and consumers {problem}'),
  emptyPatterns: message('the Patterns section is empty'),
};
type MessageId = keyof typeof messages;

const SECTIONS: { name: string; matches: (key: string) => boolean }[] = [
  { name: 'Patterns', matches: (k) => k === 'patterns' || k === 'pattern' },
  { name: 'Producer and consumers', matches: (k) => k.includes('producer') },
  { name: 'Compatibility and versioning', matches: (k) => k.includes('compatibility') },
  { name: 'Ordering, idempotency, retention', matches: (k) => k.includes('ordering') || k.includes('idempotency') },
  { name: 'DLQ and replay', matches: (k) => k.includes('dlq') || k.includes('dead letter') },
];

const MODE_VALUE = /^(BACKWARD|FORWARD|FULL|NONE)(?:_TRANSITIVE)?(?![A-Za-z0-9_])/i;
const MODE_TOKEN = /(?<![A-Za-z0-9_])(BACKWARD|FORWARD|FULL|NONE)(?:_TRANSITIVE)?(?![A-Za-z0-9_])/;
const GATE = compileVocabulary(['CI', 'gate', 'pipeline', 'job', 'check', 'registry']);
const NEXT_VERSION = /\.v\d+|(?<![A-Za-z0-9_])v[2-9]\d*(?![A-Za-z0-9_])|new (?:channel )?version/i;
const RETIRE = compileVocabulary(['deprecat', 'retire']);
/** `schema-compat`, `contract_check`: a kebab or snake identifier names a job in prose. */
const IDENTIFIER = /^[a-z0-9]+(?:[-_][a-z0-9]+)+$/i;

export default createDocsRule({
  meta: {
    id: 'contract-doc-fields',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R2', 'R5', 'R6', 'D1'],
    failureModes: [],
    description:
      'Contract documents state producer and consumers, a compatibility mode with the CI gate that enforces it, a versioning policy, ordering and idempotency keys, retention, and DLQ and replay.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax === 'markdown' && currentTypeOf(artifact.type) === 'contract') checkContract(context, artifact);
        }
      },
    };
  },
});

type Report = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string>, extra?: { severity?: Severity; endLine?: number }) => void;

function checkContract(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { doc, path } = artifact;
  const channel = artifact.classification.channel ?? path;
  const report: Report = (messageId, line, anchor, data = {}, extra = {}) =>
    context.report({
      messageId,
      data: { channel, ...data },
      loc: { path, startLine: line, ...(extra.endLine !== undefined ? { endLine: extra.endLine } : {}) },
      anchor: `contract | ${anchor}`,
      channel,
      ...(extra.severity ? { severity: extra.severity } : {}),
      ...(artifact.slug ? { feature: artifact.slug } : {}),
    });

  // Step 1. Summary and Related artifacts are summary-metadata's and related-artifacts-integrity's.
  const found = new Map<string, Section>();
  for (const { name, matches } of SECTIONS) {
    const section = doc.headings.find((s) => s.depth >= 2 && matches(s.key));
    if (section) found.set(name, section);
    else report('missingSection', 1, `missing section ${name.toLowerCase()}`, { section: name });
  }

  const compatibility = found.get('Compatibility and versioning');
  if (compatibility) checkCompatibility(report, doc, compatibility);
  const ordering = found.get('Ordering, idempotency, retention');
  if (ordering) checkKeys(report, ordering);
  const producers = found.get('Producer and consumers');
  if (producers) checkProducers(report, producers);
  // Step 7.
  const patterns = found.get('Patterns');
  if (patterns && !sectionHasContent(doc, patterns)) report('emptyPatterns', patterns.line, 'empty patterns', {}, { severity: 'Suggestion' });
}

/** Steps 2-4. */
function checkCompatibility(report: Report, doc: MarkdownDoc, section: Section): void {
  const field = findField(sectionFields(section, true), 'Compatibility', 'Compatibility mode');
  const fieldMode = field ? MODE_VALUE.exec(unwrapBackticks(field.value)) : null;
  let mode: { value: string; line: number } | null = fieldMode && field ? { value: fieldMode[1].toUpperCase(), line: field.line } : null;
  if (!mode) {
    // Whole-section check: code spans are text here (`BACKWARD` counts).
    const lines = doc.lines.slice(section.line, section.endLine);
    const index = lines.findIndex((l) => MODE_TOKEN.test(l.replace(/`/g, '')));
    if (index >= 0) mode = { value: MODE_TOKEN.exec(lines[index].replace(/`/g, ''))![1], line: section.line + 1 + index };
  }
  if (!mode) report('missingMode', section.line, 'missing mode');
  else if (mode.value === 'NONE') report('modeNone', mode.line, 'mode none');

  // Step 3: a prose unit with gate vocabulary and a name; the name may be a masked code span.
  if (!sectionUnits(doc, section).some((unit) => testVocabulary(unit, GATE) && namesSomething(unit))) {
    report('missingCiGate', section.line, 'missing ci gate');
  }

  // Step 4.
  const text = sectionText(doc, section).replace(/`/g, '');
  if (!NEXT_VERSION.test(text) || !testVocabulary(text, RETIRE)) report('versioningPolicy', section.line, 'versioning policy', {}, { severity: 'Suggestion' });
}

function namesSomething(unit: ProseUnit): boolean {
  for (const mask of unit.masks) {
    if (mask.kind === 'link') return true;
    if (mask.kind === 'code' && mask.content.trim() && !isPlaceholder(mask.content)) return true;
  }
  return wordsOf(unit.text.replace(new RegExp(MASK, 'g'), ' ')).some((w) => IDENTIFIER.test(w.word) && /[-_]/.test(w.word));
}

/** Step 5. */
function checkKeys(report: Report, section: Section): void {
  const fields = sectionFields(section, true);
  const keys: { name: string; synonyms: string[] }[] = [
    { name: 'Ordering key', synonyms: ['Ordering key', 'Partition key'] },
    { name: 'Idempotency key', synonyms: ['Idempotency key', 'Dedup key', 'Deduplication key'] },
    { name: 'Retention', synonyms: ['Retention'] },
  ];
  for (const { name, synonyms } of keys) {
    const field = findField(fields, ...synonyms);
    const anchor = name.toLowerCase();
    if (!field) {
      report('missingKeyField', section.line, `missing ${anchor}`, { field: name });
      continue;
    }
    const at = { endLine: field.endLine };
    if (isEmptyOrPlaceholder(field.value)) {
      report('placeholderKeyField', field.line, `placeholder ${anchor}`, { field: name, value: field.value }, at);
    } else if (name === 'Retention' && parseDuration(field.value) === null && !/\bcompact/i.test(field.value)) {
      report('invalidRetention', field.line, 'invalid retention', { value: field.value }, at);
    }
  }
}

/** Step 6. */
function checkProducers(report: Report, section: Section): void {
  const fields = sectionFields(section, true);
  const producer = findField(fields, 'Producer', 'Producers', 'Producer service');
  const consumers = findField(fields, 'Consumers', 'Consumer', 'Known consumers');
  const problems: string[] = [];
  let line = section.line;
  const note = (field: Field | undefined, what: string) => {
    if (!field) problems.push(`name no ${what}`);
    else if (isEmptyOrPlaceholder(field.value)) {
      problems.push(`give a placeholder ${what} ("${field.value}")`);
      if (line === section.line) line = field.line;
    }
  };
  note(producer, 'producer');
  if (!(consumers && /\bnone yet\b/i.test(consumers.value))) note(consumers, 'consumer');
  if (problems.length > 0) report('producerConsumers', line, 'producer and consumers', { problem: problems.join(' and ') });
}
