// rules.md rule 22: every written artifact opens with a Summary block (Status, Date, TL;DR and the
// type's extra fields) so a reader knows in three lines what the file decides and whether it holds.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import {
  findField,
  findSection,
  isEmptyOrPlaceholder,
  parseDate,
  parseTier,
  plainText,
  sectionBody,
  sectionFields,
  splitSentences,
  TIERS,
  type Field,
  type Section,
} from '../../src/artifacts/markdown.js';
import {
  isWrittenArtifact,
  normalizeStatus,
  summaryStatusSet,
  type MarkdownArtifact,
} from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const TAIL = ' Every artifact starts with Status ({allowed}), Date (YYYY-MM-DD) and a one-to-two sentence TL;DR.';
const message = (problem: string) => `Summary block of {file}: ${problem}.${TAIL}`;

const messages = {
  missingSummary: message('it does not open with a `## Summary` section (first `##` section: {found})'),
  summaryNotFirst: message('`## Summary` is not the first `##` section ({found} comes before it)'),
  missingField: message('field {field} is missing'),
  invalidStatus: message('Status "{value}" is not {kind} status'),
  invalidDate: message('Date "{value}" is not a real YYYY-MM-DD date'),
  launchDateMismatch: message('Date {value} differs from the launch file name date {expected}'),
  placeholderTldr: message('TL;DR "{value}" is a placeholder, not a summary'),
  longTldr: message('TL;DR has {count} sentences; shorten it to one or two'),
  placeholderField: message('{field} "{value}" is a placeholder'),
  invalidTier: message(`Tier achieved "{value}" is not a tier (${TIERS.join(', ')})`),
  adrStatusMismatch: message('the `## Status` section says "{value}" but the Summary Status is "{summary}"'),
};
type MessageId = keyof typeof messages;

/** The status set's owner as the message names it, with its article ("an ADR", not "a adr"). */
const STATUS_KINDS: Record<string, string> = {
  adr: 'an ADR',
  archdoc: 'an architecture document',
  contract: 'a contract',
  design: 'a design',
  launch: 'a launch',
  runbook: 'a runbook',
  standard: 'a standard',
};
const statusKind = (type: string) => STATUS_KINDS[type] ?? `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}`;

/** Fields beyond Status / Date / TL;DR that a type's template puts in its Summary (rule 22 step 5). */
const EXTRA_FIELDS: Record<string, string[]> = {
  contract: ['Channel', 'Owner'],
  launch: ['Feature', 'Tier achieved'],
  runbook: ['Incident type', 'Owner'],
  standard: ['Owner', 'Applies to'],
};

const TLDR_NAMES = ['TL;DR', 'TLDR'];

export default createDocsRule({
  meta: {
    id: 'summary-metadata',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description: 'Written artifacts open with a Summary holding a valid Status, an ISO Date, a short TL;DR and the type\'s extra fields.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax === 'markdown' && isWrittenArtifact(artifact.type)) checkArtifact(context, artifact);
        }
      },
    };
  },
});

type Report = (
  messageId: MessageId,
  line: number,
  anchor: string,
  data?: Record<string, string | number>,
  extra?: { endLine?: number; severity?: 'Suggestion' },
) => void;

function checkArtifact(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { doc, path } = artifact;
  const type = currentTypeOf(artifact.type);
  const statusSet = summaryStatusSet(artifact.type);
  const base = { file: path, allowed: statusSet?.listed.join(', ') ?? '' };
  const report: Report = (messageId, line, anchor, data = {}, extra = {}) =>
    context.report({
      messageId,
      data: { ...base, ...data },
      loc: { path, startLine: line, ...(extra.endLine !== undefined ? { endLine: extra.endLine } : {}) },
      anchor: `summary | ${anchor}`,
      ...(extra.severity ? { severity: extra.severity } : {}),
      ...(artifact.slug ? { feature: artifact.slug } : {}),
    });

  // Step 1.
  const firstH2 = doc.headings.find((s) => s.depth === 2);
  const summary = findSection(doc, 'summary', 2);
  if (!summary) {
    report('missingSummary', 1, 'missing section', { found: firstH2 ? `"${firstH2.heading}"` : 'none' });
    return;
  }
  if (summary !== firstH2) report('summaryNotFirst', summary.line, 'not first', { found: `"${firstH2!.heading}"` });

  const fields = sectionFields(summary, true);
  const missing = (field: string) => report('missingField', summary.line, `missing ${field}`, { field });
  const fieldAt = (field: Field) => ({ endLine: field.endLine });

  // Step 2.
  const status = findField(fields, 'Status');
  if (!status) missing('Status');
  else if (statusSet && !statusSet.accepts(status.value)) {
    report('invalidStatus', status.line, `status ${normalizeStatus(status.value)}`, { value: status.value, kind: statusKind(type) }, fieldAt(status));
  }

  // Step 3.
  const date = findField(fields, 'Date');
  if (!date) missing('Date');
  else {
    const parsed = parseDate(date.value);
    const expected = artifact.classification.date;
    if (!parsed) report('invalidDate', date.line, `date ${date.normalized}`, { value: date.value }, fieldAt(date));
    else if (type === 'launch' && expected && parsed !== expected) {
      report('launchDateMismatch', date.line, `launch date ${parsed}`, { value: parsed, expected }, fieldAt(date));
    }
  }

  // Step 4.
  const tldr = findField(fields, ...TLDR_NAMES);
  if (!tldr) missing('TL;DR');
  else if (isEmptyOrPlaceholder(tldr.value)) {
    report('placeholderTldr', tldr.line, 'placeholder tl;dr', { value: tldr.value }, fieldAt(tldr));
  } else {
    const count = splitSentences(tldr.value).length;
    if (count > 2) report('longTldr', tldr.line, 'long tl;dr', { count }, { ...fieldAt(tldr), severity: 'Suggestion' });
  }

  // Step 5.
  for (const name of EXTRA_FIELDS[type] ?? []) {
    const field = findField(fields, name);
    if (!field) missing(name);
    else if (isEmptyOrPlaceholder(field.value)) {
      report('placeholderField', field.line, `placeholder ${name}`, { field: name, value: field.value }, fieldAt(field));
    } else if (name === 'Tier achieved' && !parseTier(field.value)) {
      report('invalidTier', field.line, `tier ${field.normalized}`, { value: field.value }, fieldAt(field));
    }
  }

  // Step 6.
  if (type === 'adr' && status) {
    const section = findSection(doc, 'status', 2);
    const stated = section ? statusSectionValue(artifact, section) : null;
    if (stated && normalizeStatus(stated.value) !== normalizeStatus(status.value)) {
      report('adrStatusMismatch', stated.line, `status section ${normalizeStatus(stated.value)}`, {
        value: stated.value,
        summary: status.value,
      });
    }
  }
}

/** A `## Status` section states its value as a `Status:` field or as its first paragraph. */
function statusSectionValue(artifact: MarkdownArtifact, section: Section): { value: string; line: number } | null {
  const field = findField(section.fields, 'Status');
  if (field) return { value: field.value, line: field.line };
  const first = sectionBody(artifact.doc, section).find((n) => n.type === 'paragraph' || n.type === 'list');
  if (!first) return null;
  const value = plainText(first).replace(/\s+/g, ' ').trim();
  return value ? { value, line: first.position?.start.line ?? section.line } : null;
}
