// rules.md rule 26: every alerting, abort, trigger, degrade, rollback, divergence-monitoring and
// "not applicable when" claim names a threshold someone can measure: a number with a unit, a
// comparator and a number, or a named state. `<TBD: criterion>` keeps the gap visible as a Suggestion.
import { markdownOfTypes } from '../../src/artifacts/claims.js';
import { findField, sectionFields, type MarkdownDoc, type Section } from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { bareKey, excerpt, proseUnits, sectionItems, sectionUnits, type ProseUnit } from '../../src/artifacts/prose.js';
import { compileVocabulary, criterionStatus, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const messages = {
  noCriterion:
    'Claim without a concrete criterion in {file}:{line}: "{excerpt}". State a measurable threshold (a number, a duration, a percentage or a named state), or mark the gap with <TBD: criterion>.',
  tbdCriterion:
    'Claim without a concrete criterion in {file}:{line}: "{excerpt}". The criterion is still <TBD: …>; state a measurable threshold (a number, a duration, a percentage or a named state) once it is known.',
};
type MessageId = keyof typeof messages;

/** Step 1 trigger phrases, as written in rules.md (word boundaries per section 3). */
const TRIGGERS = compileVocabulary([
  'alert (if|when|on)',
  'page (if|when|on)',
  'abort (gate|if|when|on)',
  'trigger(ed)? (when|if|on)',
  'degrade (on|when|if)',
  'roll ?back (when|if|on)',
  'monitor(ing)? for divergence',
  'not applicable when',
  'stop .{0,20}(when|if)',
  'fail ?over (when|if)',
]);
const ROLLOUT_WORDS = compileVocabulary(['abort', 'roll ?back(?! ?owner)']);
const STOP_SECTION = /^(stop and rollback criteria|stop criteria|rollback criteria|stop|abort)/;

export default createDocsRule({
  meta: {
    id: 'concrete-criteria',
    kind: 'docs',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: ['D4', 'D6'],
    failureModes: [],
    description:
      'Alert, abort, trigger, degrade, rollback, divergence and "not applicable when" claims name a measurable threshold (number, duration, percentage or named state).',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of markdownOfTypes(context.model, 'design', 'adr', 'archdoc', 'runbook', 'launch')) checkArtifact(context, artifact);
      },
    };
  },
});

function checkArtifact(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { doc, path } = artifact;
  const all = proseUnits(doc);
  const candidates = new Map<number, ProseUnit>();
  const add = (unit: ProseUnit | undefined) => {
    if (unit && !candidates.has(unit.line)) candidates.set(unit.line, unit);
  };

  // Step 1: the claim sections only; rejected alternatives and anti-patterns are not claims.
  for (const unit of all) if (!unit.excluded && testVocabulary(unit, TRIGGERS)) add(unit);

  // Step 2.
  const type = artifact.classification.type.replace(/^legacy-/, '');
  if (type === 'launch') {
    const plan = doc.headings.find((s) => s.key === 'rollback plan');
    const trigger = plan ? findField(sectionFields(plan, true), 'Trigger') : undefined;
    if (trigger) add(all.find((u) => u.line <= trigger.line && trigger.line <= u.endLine));
  }
  if (type === 'runbook') {
    for (const section of doc.headings.filter((s) => s.depth >= 2 && STOP_SECTION.test(bareKey(s.key)))) {
      for (const unit of itemsOrUnits(doc, section)) add(unit);
    }
  }
  for (const section of doc.headings.filter((s) => s.depth >= 2 && bareKey(s.key).includes('rollout'))) {
    for (const unit of itemsOrUnits(doc, section)) if (testVocabulary(unit, ROLLOUT_WORDS)) add(unit);
  }

  // Step 3.
  for (const unit of [...candidates.values()].sort((a, b) => a.line - b.line)) {
    const status = criterionStatus(unit);
    if (status === 'concrete') continue;
    const tbd = status === 'tbd';
    context.report({
      messageId: tbd ? 'tbdCriterion' : 'noCriterion',
      data: { file: path, line: unit.line, excerpt: excerpt(unit) },
      loc: { path, startLine: unit.line, endLine: unit.endLine },
      anchor: `${unit.headingPath.join(' > ')} | ${excerpt(unit, 200).toLowerCase()}`,
      ...(tbd ? { severity: 'Suggestion' as const } : {}),
      ...(artifact.slug ? { feature: artifact.slug } : {}),
      variant: tbd ? 'tbd' : 'missing',
    });
  }
}

/** The section's list items (nested ones inside their parent), else its sentences. */
function itemsOrUnits(doc: MarkdownDoc, section: Section): ProseUnit[] {
  const items = sectionItems(doc, section, true);
  return items.length > 0 ? items.map((i) => i.unit) : sectionUnits(doc, section);
}
