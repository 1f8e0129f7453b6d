// rules.md rule 20 (with CHANGES.md 4 and 6): a launch decision is consistent and safe. No GO over
// blockers nobody accepted, no GO without a rollback trigger, procedure and RTO, no GO while this
// review's own gating Critical findings are open; risk acceptances name a risk, a mitigation and a
// person; a NO-GO names what blocks it; every blocker points at a file.
import { isTouched, labelledParts, markdownOfTypes, summaryStatus, tokenOverlap } from '../../src/artifacts/claims.js';
import { isExternalTarget } from '../../src/artifacts/links.js';
import {
  findField,
  isEmptyOrPlaceholder,
  isRelativePathSpan,
  parseDuration,
  sectionFields,
  type MarkdownDoc,
  type Section,
} from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { maskInline, revealText, sectionItems, sectionUnits, type MaskedText } from '../../src/artifacts/prose.js';
import { criterionStatus } from '../../src/artifacts/vocabulary.js';
import type { DocsRuleContextWithFindings, OtherFinding } from '../../src/review/other-findings.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { RelatedLocation, Severity } from '../../src/review/types.js';

const TEMPLATE =
  "Launch decision {file}: {variant}. The source's rule is NO-GO while Critical findings are open unless a named person accepts each risk, and no GO without trigger, procedure and RTO.";

const messages = {
  goOverBlockers: TEMPLATE,
  incompleteRollback: TEMPLATE,
  goAgainstReview: TEMPLATE,
  incompleteRisk: TEMPLATE,
  noGoWithoutBlockers: TEMPLATE,
  untraceableBlocker: TEMPLATE,
};
type MessageId = keyof typeof messages;

const RULE_ID = 'launch-decision-gate';

export default createDocsRule({
  meta: {
    id: RULE_ID,
    kind: 'docs',
    severity: 'Critical',
    precision: 'High',
    systemTag: false,
    checklist: ['D6'],
    failureModes: [],
    description:
      'A GO launch decision has no unaccepted blockers, a complete rollback plan and no open gating Critical findings; risk acceptances and blockers are complete and traceable.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const launch of markdownOfTypes(context.model, 'launch')) {
          // Inputs: changed or added launch files; an untouched one was judged when it changed.
          if (isTouched(context.other, launch.path, launch.text)) checkLaunch(context, launch);
        }
      },
    };
  },
});

interface Entry {
  line: number;
  endLine: number;
  text: string;
  masked: MaskedText;
}

interface Risk extends Entry {
  risk: string;
  mitigation: string;
  acceptedBy: string;
}

function checkLaunch(context: DocsRuleContext<MessageId>, launch: MarkdownArtifact): void {
  const { doc, path } = launch;
  const slug = launch.slug;
  const status = summaryStatus(doc);
  const statusLine = status?.line ?? 1;
  const report = (messageId: MessageId, line: number, variant: string, anchor: string, extra: { severity?: Severity; related?: RelatedLocation[]; endLine?: number } = {}) =>
    context.report({
      messageId,
      data: { file: path, variant },
      loc: { path, startLine: line, ...(extra.endLine !== undefined ? { endLine: extra.endLine } : {}) },
      anchor: `launch | ${anchor}`,
      variant: messageId,
      ...(extra.severity ? { severity: extra.severity } : {}),
      ...(extra.related ? { related: extra.related } : {}),
      ...(slug ? { feature: slug } : {}),
    });

  const blockersSection = sectionByKey(doc, 'blockers');
  const risksSection = sectionByKey(doc, 'acknowledged risks');
  const blockers = blockersSection ? entriesOf(doc, blockersSection) : [];
  const risks = (risksSection ? entriesOf(doc, risksSection) : []).map(toRisk);
  const accepted = risks.filter((r) => namesSomeone(r.acceptedBy));
  const decision = status ? launchDecision(status.normalized) : null;
  const isGo = decision === 'go';
  const statusRelated: RelatedLocation[] = status ? [{ path, line: status.line, note: `Status: ${status.value}` }] : [];

  // Variant 1.
  if (isGo) {
    const unmatched = blockers.find((b) => !accepted.some((r) => matches(b, r)));
    if (unmatched) {
      report('goOverBlockers', unmatched.line, `Status GO while blocker "${short(unmatched.text)}" has no acknowledged risk with a named accepted-by`, `blocker ${short(unmatched.text)}`, {
        related: statusRelated,
        endLine: unmatched.endLine,
      });
    }
  }

  // Variant 2.
  if (isGo) checkRollback(doc, statusLine, report);

  // Variant 3.
  const others = (context as DocsRuleContextWithFindings<MessageId>).otherFindings;
  if (isGo && others && context.side === 'head') {
    const open = others.filter(
      (f) => f.ruleId !== RULE_ID && f.severity === 'Critical' && f.gating && !f.accepted && belongsTo(f, slug) && !acceptedAsBlocker(f, blockers, accepted),
    );
    if (open.length > 0) {
      report(
        'goAgainstReview',
        statusLine,
        `Status GO while this review has ${open.length} gating Critical finding${open.length === 1 ? '' : 's'} of other rules for ${slug ?? 'this feature'} that nobody accepted (${open
          .slice(0, 5)
          .map((f) => `${f.ruleId} at ${f.path}:${f.line}`)
          .join(', ')}${open.length > 5 ? ', …' : ''})`,
        'go against review',
        { severity: 'Important', related: open.map((f) => ({ path: f.path, line: f.line, note: `${f.ruleId} (Critical, gating)` })) },
      );
    }
  }

  // Variant 4.
  for (const risk of risks) {
    const missing = [
      ...(isEmptyOrPlaceholder(risk.risk) ? ['risk'] : []),
      ...(isEmptyOrPlaceholder(risk.mitigation) ? ['mitigation'] : []),
      ...(namesSomeone(risk.acceptedBy) ? [] : ['accepted-by']),
    ];
    if (missing.length > 0) {
      report('incompleteRisk', risk.line, `acknowledged risk "${short(risk.text)}" has no ${missing.join(', ')}`, `risk ${short(risk.text)}`, {
        severity: 'Important',
        endLine: risk.endLine,
      });
    }
  }

  // Variant 5.
  if (decision === 'no-go' && blockers.length === 0) {
    report('noGoWithoutBlockers', statusLine, 'Status NO-GO but `### Blockers` lists nothing that blocks the launch', 'no-go without blockers', { severity: 'Suggestion' });
  }

  // Variant 6.
  for (const blocker of blockers) {
    if (!isTraceable(blocker)) {
      report('untraceableBlocker', blocker.line, `blocker "${short(blocker.text)}" names no file:line or artifact path`, `untraceable ${short(blocker.text)}`, {
        severity: 'Suggestion',
        endLine: blocker.endLine,
      });
    }
  }
}

/**
 * `GO (conditional)`, `GO ✅` and `**GO**` are still a GO: summary-metadata reports the decoration,
 * and this rule must not let it skip the blocker and rollback checks. A value that names both
 * decisions (`GO / NO-GO`) is neither.
 */
function launchDecision(normalized: string): 'go' | 'no-go' | null {
  const m = /^(no[- ]?go|go)(?![\p{L}\p{N}_/-])(.*)$/su.exec(normalized);
  if (!m) return null;
  if (/(?<![\p{L}\p{N}_-])(?:no[- ]?)?go(?![\p{L}\p{N}_-])/u.test(m[2])) return null;
  return m[1] === 'go' ? 'go' : 'no-go';
}

/**
 * An accepted-by names someone; `n/a`, `-`, `pending`, `nobody` and the like are the absence of
 * an acceptance written out, as unusable as `<TBD>`. Words that are also given names or surnames
 * (`Nil Şahin`) count only as the whole value; phrases that say the acceptance is yet to come
 * (`pending sign-off`) count whatever follows them.
 */
const NOBODY = /^(?:[\p{P}\p{S}\s]*|(?:n\/a|n\.a\.?|none|nobody|no[- ]?one|nil|null|unknown|unassigned)(?:\s+yet)?[\p{P}\s]*|(?:pending|tbc|tbd|todo|tba|not (?:yet|accepted|applicable)|awaiting|to be (?:confirmed|decided|determined|named))(?![\p{L}\p{N}_-]).*)$/isu;

function namesSomeone(acceptedBy: string): boolean {
  return !isEmptyOrPlaceholder(acceptedBy) && !NOBODY.test(acceptedBy.replace(/[*_`]/g, '').trim());
}

type Report = (messageId: MessageId, line: number, variant: string, anchor: string, extra?: { severity?: Severity; related?: RelatedLocation[]; endLine?: number }) => void;

/** Variant 2: one finding per file, on the first field at fault (the heading when one is missing). */
function checkRollback(doc: MarkdownDoc, statusLine: number, report: Report): void {
  const section = sectionByKey(doc, 'rollback plan');
  if (!section) {
    report('incompleteRollback', statusLine, 'Status GO without a `### Rollback plan` (Trigger, Procedure, RTO)', 'rollback missing');
    return;
  }
  const fields = sectionFields(section, true);
  const problems: { line: number; text: string }[] = [];
  const missing: string[] = [];
  const trigger = findField(fields, 'Trigger');
  if (!trigger) missing.push('Trigger');
  else if (isEmptyOrPlaceholder(trigger.value)) problems.push({ line: trigger.line, text: `Trigger "${trigger.value}" is a placeholder` });
  else if (criterionStatus(maskInline(trigger.value)) !== 'concrete') {
    // A GO cannot wait for its rollback signal to be decided: `<TBD: …>` is not enough here.
    problems.push({ line: trigger.line, text: `Trigger "${short(trigger.value)}" names no concrete criterion (a number with a unit, a threshold or a named state)` });
  }
  const procedure = findField(fields, 'Procedure');
  if (!procedure) missing.push('Procedure');
  else if (isEmptyOrPlaceholder(procedure.value)) problems.push({ line: procedure.line, text: `Procedure "${procedure.value}" is a placeholder` });
  const rto = findField(fields, 'RTO');
  if (!rto) missing.push('RTO');
  else if (isEmptyOrPlaceholder(rto.value)) problems.push({ line: rto.line, text: `RTO "${rto.value}" is a placeholder` });
  else {
    const ms = parseDuration(rto.value);
    if (ms === null || !Number.isFinite(ms)) problems.push({ line: rto.line, text: `RTO "${short(rto.value)}" has no duration` });
  }
  if (missing.length === 0 && problems.length === 0) return;
  const texts = [...(missing.length > 0 ? [`the rollback plan has no ${missing.join(', ')}`] : []), ...problems.sort((a, b) => a.line - b.line).map((p) => p.text)];
  const line = missing.length > 0 ? section.line : Math.min(...problems.map((p) => p.line));
  report('incompleteRollback', line, `Status GO with an incomplete rollback plan: ${texts.join('; ')}`, 'rollback incomplete');
}

function sectionByKey(doc: MarkdownDoc, key: string): Section | undefined {
  return doc.headings.find((s) => s.key === key);
}

const NONE = /^\(?\s*(?:none|n\/a|nothing)\b/i;

/** List items of the section (its own body), else its sentences; `None` entries are no entries. */
function entriesOf(doc: MarkdownDoc, section: Section): Entry[] {
  const items = sectionItems(doc, section);
  const raw: Entry[] =
    items.length > 0
      ? items.map((i) => ({ line: i.line, endLine: i.endLine, text: revealText(i.unit).replace(/\s+/g, ' ').trim(), masked: i.unit }))
      : sectionUnits(doc, section)
          .filter((u) => u.section === section)
          .map((u) => ({ line: u.line, endLine: u.endLine, text: revealText(u).replace(/\s+/g, ' ').trim(), masked: u }));
  return raw.filter((e) => e.text !== '' && !NONE.test(e.text));
}

function toRisk(entry: Entry): Risk {
  const { lead, parts } = labelledParts(entry.text, ['risk', 'mitigation', 'accepted by']);
  const part = (label: RegExp) => parts.find((p) => label.test(p.label))?.value;
  return {
    ...entry,
    risk: part(/^risk$/i) ?? lead,
    mitigation: part(/^mitigation$/i) ?? '',
    acceptedBy: part(/^accepted/i) ?? '',
  };
}

const FILE_LINE = /([\w./@-]*[\w-]\.[A-Za-z0-9]+):(\d+)/g;
const FINGERPRINT = /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,40}\b/gi;
const ARTIFACT_PATH = /(?:[\w.@-]+\/)+[\w.@-]+\.[A-Za-z0-9]+/;

function fileLines(text: string): string[] {
  return [...text.matchAll(FILE_LINE)].map((m) => `${m[1]}:${m[2]}`);
}

function sameFileLine(a: string, b: string): boolean {
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

/** rules.md 20 variant 1 matching: a shared `file:line`, a shared finding fingerprint, or 50% token overlap. */
function matches(blocker: Entry, risk: Risk): boolean {
  const a = fileLines(blocker.text);
  const b = fileLines(risk.text);
  if (a.some((x) => b.some((y) => sameFileLine(x, y)))) return true;
  const prints = new Set([...blocker.text.matchAll(FINGERPRINT)].map((m) => m[0].toLowerCase()));
  if ([...risk.text.matchAll(FINGERPRINT)].some((m) => [...prints].some((p) => p.startsWith(m[0].toLowerCase()) || m[0].toLowerCase().startsWith(p)))) return true;
  return tokenOverlap(blocker.text, risk.text) >= 0.5;
}

function belongsTo(finding: OtherFinding, slug: string | undefined): boolean {
  if (!slug) return false;
  return finding.feature === slug || finding.path.startsWith(`docs/features/${slug}/`);
}

/** A finding listed as a blocker (by `path:line` or fingerprint) whose blocker entry a named person accepted. */
function acceptedAsBlocker(finding: OtherFinding, blockers: Entry[], accepted: Risk[]): boolean {
  const here = `${finding.path}:${finding.line}`;
  const short8 = finding.fingerprint.slice(0, 8).toLowerCase();
  return blockers.some((b) => {
    const listed = fileLines(b.text).some((x) => sameFileLine(x, here)) || (short8.length === 8 && b.text.toLowerCase().includes(short8));
    return listed && accepted.some((r) => matches(b, r));
  });
}

function isTraceable(entry: Entry): boolean {
  if (fileLines(entry.text).length > 0 || ARTIFACT_PATH.test(entry.text)) return true;
  return entry.masked.masks.some((m) => (m.kind === 'link' && m.content !== '' && !isExternalTarget(m.content)) || (m.kind === 'code' && isRelativePathSpan(m.content)));
}

function short(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}
