// rules.md rule 21: every decision artifact carries the seven System concerns fields, so ownership,
// tenancy, compliance, cost, capacity, DR and lifecycle are decided (or visibly flagged) before
// anyone approves the design, and never silently dropped.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import {
  complianceSet,
  findField,
  findSection,
  isAnnotatedTbd,
  isEmptyOrPlaceholder,
  sectionFields,
  type Field,
  type Section,
} from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { maskInline } from '../../src/artifacts/prose.js';
import { compileVocabulary, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TAIL = ' Owner, tenancy and compliance must be stated (or flagged with <TBD: who decides>) before the artifact is decision-ready.';
const message = (problem: string) => `System concerns in {file}: ${problem}.${TAIL}`;

const messages = {
  missingBlock: message('the `## System concerns` block is missing'),
  missingBlockContract: message('the contract has no `## System concerns` block (optional for contracts, but it lets reviewers compare it with the design)'),
  notAfterSummary: message('`## System concerns` does not come directly after `## Summary` ({found} is in between)'),
  missingFields: message('{fields} missing; keep every field and write <TBD: reason> when it is unknown'),
  allPlaceholders: message('every field is a placeholder (an all-TBD block)'),
  unannotatedKeyFields: message('{fields} {verb} a bare placeholder'),
  tenancyClass: message('Tenancy "{value}" does not start with single-tenant or multi-tenant'),
  tenancyIsolation: message('Tenancy "{value}" is multi-tenant but names no isolation mechanism (partition, schema or database per tenant, row-level security, quota, namespace)'),
  complianceVocabulary: message('Compliance "{value}" names none of none, PII, GDPR, SOC2, PCI, data residency'),
};
type MessageId = keyof typeof messages;

const FIELDS = ['Owner team', 'Tenancy', 'Compliance', 'Cost owner', 'Capacity', 'DR posture', 'Lifecycle'] as const;
/** The README keeps the owner in Service info (artifacts.md §5.2, README variant). */
const README_FIELDS = FIELDS.filter((f) => f !== 'Owner team');
const KEY_FIELDS = ['Owner team', 'Tenancy', 'Compliance'] as const;

const REQUIRED = new Set(['design', 'adr', 'archdoc', 'runbook', 'launch']);

const ISOLATION = compileVocabulary(['isolat', 'partition', 'schema per', 'database per', 'row-level', 'quota', 'namespace', 'per-tenant']);
const TENANCY_CLASS = /^(?:single|multi)[- ]?tenant(?![A-Za-z0-9_])/i;
const MULTI_TENANT = /^multi[- ]?tenant/i;

export default createDocsRule({
  meta: {
    id: 'system-concerns-complete',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: true,
    checklist: ['D1', 'D6'],
    failureModes: [],
    description:
      'Designs, ADRs, architecture docs, runbooks and launches carry all seven System concerns fields, with owner, tenancy and compliance filled or explicitly flagged.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax !== 'markdown') continue;
          const type = currentTypeOf(artifact.type);
          if (REQUIRED.has(type) || type === 'contract') checkWritten(context, artifact, type === 'contract');
          else if (type === 'readme') checkReadme(context, artifact);
        }
      },
    };
  },
});

type Report = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string>, severity?: Severity, endLine?: number) => void;

function reporter(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): Report {
  return (messageId, line, anchor, data = {}, severity, endLine) =>
    context.report({
      messageId,
      data: { file: artifact.path, ...data },
      loc: { path: artifact.path, startLine: line, ...(endLine !== undefined ? { endLine } : {}) },
      anchor: `system concerns | ${anchor}`,
      ...(severity ? { severity } : {}),
      ...(artifact.slug ? { feature: artifact.slug } : {}),
    });
}

function checkWritten(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact, optional: boolean): void {
  const report = reporter(context, artifact);
  const { doc } = artifact;
  const block = findSection(doc, 'system concerns');
  // Step 1.
  if (!block) {
    if (optional) report('missingBlockContract', 1, 'missing block', {}, 'Suggestion');
    else report('missingBlock', 1, 'missing block');
    return;
  }
  // Step 2: only judged against an existing Summary; a missing Summary is summary-metadata's finding.
  const h2 = doc.headings.filter((s) => s.depth === 2);
  const summary = h2.findIndex((s) => s.key === 'summary');
  if (summary >= 0 && block.depth === 2 && h2[summary + 1] !== block) {
    const between = h2[summary + 1];
    report('notAfterSummary', block.line, 'position', { found: between ? `"${between.heading}"` : 'nothing' }, 'Suggestion');
  }
  checkFields(report, block, sectionFields(block, true), FIELDS, new Map());
}

function checkReadme(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const report = reporter(context, artifact);
  const { doc } = artifact;
  const block = findSection(doc, 'system concerns');
  // The README's sections themselves are feature-readme-sync's (step 2); only a present block is judged.
  const serviceInfo = findSection(doc, 'service info');
  const owner = serviceInfo ? findField(sectionFields(serviceInfo, true), 'Owner team') : undefined;
  if (serviceInfo && !owner) report('missingFields', serviceInfo.line, 'missing owner team', { fields: 'Owner team (in Service info) is' });
  if (!block) return;
  const extra = new Map<string, Field>(owner ? [['Owner team', owner]] : []);
  checkFields(report, block, sectionFields(block, true), README_FIELDS, extra);
}

/** Steps 3-6 over one block; `extra` holds key fields that live elsewhere (the README owner). */
function checkFields(report: Report, block: Section, fields: Field[], names: readonly string[], extra: Map<string, Field>): void {
  const found = new Map<string, Field>(extra);
  for (const name of names) {
    const field = findField(fields, name);
    if (field) found.set(name, field);
  }
  // Step 3. Anchors name the variant, not the field list, so fixing one of three missing fields
  // leaves a pre-existing finding pre-existing instead of turning it into a new one.
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    report('missingFields', block.line, 'missing fields', { fields: `${listOf(missing)} ${missing.length === 1 ? 'is' : 'are'}` });
  }
  const present = names.map((n) => found.get(n)).filter((f): f is Field => f !== undefined);
  // Step 4: the all-TBD block already says everything step 5 would.
  if (present.length > 0 && present.every((f) => isEmptyOrPlaceholder(f.value))) {
    report('allPlaceholders', block.line, 'all placeholders');
    return;
  }
  // Step 5.
  const bare = KEY_FIELDS.map((n) => found.get(n)).filter((f): f is Field => f !== undefined && isEmptyOrPlaceholder(f.value) && !isAnnotatedTbd(f.value));
  if (bare.length > 0) {
    const namesOf = bare.map((f) => f.name);
    report('unannotatedKeyFields', bare[0].line, 'bare placeholders', {
      fields: listOf(namesOf),
      verb: bare.length === 1 ? 'is' : 'are each',
    });
  }
  // Step 6.
  const tenancy = found.get('Tenancy');
  if (tenancy && !isEmptyOrPlaceholder(tenancy.value)) {
    const value = plainValue(tenancy.value);
    if (!TENANCY_CLASS.test(value)) report('tenancyClass', tenancy.line, `tenancy class ${value}`, { value }, 'Suggestion', tenancy.endLine);
    else if (MULTI_TENANT.test(value) && !testVocabulary(maskInline(tenancy.value), ISOLATION)) {
      report('tenancyIsolation', tenancy.line, `tenancy isolation ${value}`, { value }, 'Suggestion', tenancy.endLine);
    }
  }
  const compliance = found.get('Compliance');
  if (compliance && !isEmptyOrPlaceholder(compliance.value) && complianceSet(plainValue(compliance.value)).size === 0) {
    const value = plainValue(compliance.value);
    report('complianceVocabulary', compliance.line, `compliance ${value}`, { value }, 'Suggestion', compliance.endLine);
  }
}

/** The value without Markdown marks, for comparisons and messages. */
function plainValue(value: string): string {
  return value.replace(/`/g, '').replace(/\*\*|__/g, '').replace(/\s+/g, ' ').trim();
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
