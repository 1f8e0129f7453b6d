// rules.md rule 52: a runbook is read by the engineer who was just paged. It must say who owns the
// incident, where to look, what never to do, the ordered steps, when to stop, how to verify, what to
// record and what to follow up, or the 2 a.m. reader improvises (and blind redrives are how a DLQ
// incident becomes an outage).
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { findField, findSection, sectionFields, type MarkdownDoc, type Section } from '../../src/artifacts/markdown.js';
import { linksInSection, resolveLinkPath } from '../../src/artifacts/links.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { bareKey, sectionItems, sectionText } from '../../src/artifacts/prose.js';
import { compileVocabulary, testVocabulary, type Vocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TAIL =
  ' A runbook must let a paged engineer act safely at 2 a.m.: owner, dashboards, safety warnings, ordered steps, stop criteria, verification, audit, follow-up.';
const message = (problem: string) => `Runbook {file}: ${problem}.${TAIL}`;

const messages = {
  missingSection: message('the {section} section is missing'),
  placeholder: message('the {section} section holds a placeholder ("{value}")'),
  notConcrete: message('the {section} section names no {what}'),
  safetyTopic: message('the safety warnings do not cover {topic}'),
  redriveRate: message('the {section} step names no rate (for example "20 msg/s"); ramp up explicitly'),
  dlqRetention: message('the runbook does not state how long DLQ messages are retained'),
  auditTrail: message('the audit trail does not mention {missing}'),
  postIncident: message('the post-incident actions do not mention {missing}'),
  platformReadmes: message('a platform runbook should list the feature READMEs it affects in Related artifacts'),
};
type MessageId = keyof typeof messages;

interface SectionSpec {
  name: string;
  /** Heading keys (overview numbering stripped) that count as this section. */
  matches: (key: string) => boolean;
}

const OWNER: SectionSpec = { name: 'Owner and escalation', matches: (k) => /escalation|paging|^owner/.test(k) };
const DASHBOARDS: SectionSpec = { name: 'Dashboards', matches: (k) => /dashboard|impacted systems/.test(k) };
const SAFETY: SectionSpec = { name: 'Safety warnings', matches: (k) => /safety/.test(k) };
const TRIAGE: SectionSpec = { name: 'Triage', matches: (k) => /triage/.test(k) };
const MITIGATION: SectionSpec = { name: 'Mitigation', matches: (k) => /mitigat/.test(k) };
const REDRIVE: SectionSpec = { name: 'Redrive / replay', matches: (k) => /redrive|replay|ramp/.test(k) };
const VERIFICATION: SectionSpec = { name: 'Verification', matches: (k) => /verif/.test(k) };
const STOP: SectionSpec = { name: 'Stop and rollback criteria', matches: (k) => /stop|rollback|roll back|abort/.test(k) };
const AUDIT: SectionSpec = { name: 'Audit trail', matches: (k) => /audit/.test(k) };
const FOLLOW_UP: SectionSpec = { name: 'Post-incident actions', matches: (k) => /post-incident|post incident|follow-?up/.test(k) };

/** Incident types whose runbook must ramp a redrive or replay (rule 52 step 4). */
const NEEDS_REDRIVE = compileVocabulary(['dlq', 'dead[- ]letter', 'replay', 'backfill', 'lag']);
const DLQ_INCIDENT = compileVocabulary(['dlq', 'dead[- ]letter']);
const RATE = /\d+\s*(?:msg\/s|\/s|per second|messages per)(?![A-Za-z0-9_])/i;
const RETENTION = compileVocabulary(['retain', 'retention', 'expire']);
const PLACEHOLDER = /<(?!!--)(?!br\s*\/?>)(?!https?:|mailto:)[^<>\n]+>|(?<![A-Za-z0-9_])(?:TBD|TODO)(?![A-Za-z0-9_])/;

/** Safety topics (rule 52 step 3): each is covered when one line matches all of its groups. */
const SAFETY_TOPICS: { topic: string; groups: Vocabulary[] }[] = [
  {
    topic: 'keeping payloads out of chat and tickets',
    groups: [compileVocabulary(['payload', 'message bod', 'message content', 'PII', 'personal data']), compileVocabulary(['chat', 'ticket', 'slack', 'paste', 'share', 'copy', 'screenshot', 'email'])],
  },
  { topic: 'never redriving blindly', groups: [compileVocabulary(['blind', '(redrive|replay)s? only after', 'cause is (understood|known|fixed)', 'root cause (is )?(understood|known|fixed)'])] },
  {
    topic: 'pausing automatic redrive first',
    groups: [compileVocabulary(['pause', 'stop', 'disable', 'halt', 'suspend', 'turn off', 'switch off']), compileVocabulary(['auto(matic)?[- ]?(redrive|replay|retr)'])],
  },
  { topic: 'operator-only redrive and replay', groups: [compileVocabulary(['operator', 'role', 'only .{0,40}may', 'authori[sz]ed', 'permission', 'approv', 'on-call only'])] },
];

const TICKET = compileVocabulary(['ticket', 'incident id', 'issue']);
const OPERATOR = compileVocabulary(['operator', 'who ran', 'who executed', 'engineer', 'responder', 'on-call']);
const ROOT_CAUSE = compileVocabulary(['root cause', 'root-cause', 'rca']);
const PREVENTION = compileVocabulary(['prevent', 'action item']);
const TEAMISH = compileVocabulary(['team', 'on-?call', 'oncall', 'rotation', 'pager', 'squad', 'lead']);

export default createDocsRule({
  meta: {
    id: 'runbook-quality-bar',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R3', 'D6'],
    failureModes: [],
    description:
      'Runbooks meet the quality bar: owner and escalation, dashboards, safety warnings, triage, mitigation, a rate-limited redrive, stop criteria, verification, audit trail and follow-up.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax === 'markdown' && currentTypeOf(artifact.type) === 'runbook') checkRunbook(context, artifact);
        }
      },
    };
  },
});

type At = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string>, severity?: Severity) => void;

function checkRunbook(context: DocsRuleContext<MessageId>, runbook: MarkdownArtifact): void {
  const { doc, path } = runbook;
  const at: At = (messageId, line, anchor, data = {}, severity) =>
    context.report({
      messageId,
      data: { file: path, ...data },
      loc: { path, startLine: line },
      anchor: `runbook | ${anchor}`,
      ...(severity ? { severity } : {}),
      ...(runbook.slug ? { feature: runbook.slug } : {}),
    });
  const find = (spec: SectionSpec) => doc.headings.find((s) => s.depth >= 2 && spec.matches(bareKey(s.key)));

  const summary = findSection(doc, 'summary');
  const incidentField = summary ? findField(sectionFields(summary, true), 'Incident type') : undefined;
  const incident = incidentField?.value || runbook.classification.incident || '';
  const needsRedrive = testVocabulary(incident.replace(/-/g, ' '), NEEDS_REDRIVE);
  const isDlq = testVocabulary(incident.replace(/-/g, ' '), DLQ_INCIDENT);

  // Step 1.
  const required = [OWNER, DASHBOARDS, SAFETY, TRIAGE, MITIGATION, ...(needsRedrive ? [REDRIVE] : []), VERIFICATION, STOP, AUDIT, FOLLOW_UP];
  const found = new Map<SectionSpec, Section>();
  for (const spec of required) {
    const section = find(spec);
    if (section) found.set(spec, section);
    else at('missingSection', 1, `missing ${spec.name.toLowerCase()}`, { section: spec.name });
  }

  // Step 2.
  for (const [spec, what, concrete] of [
    [OWNER, 'team, page target or escalation contact', ownerIsConcrete],
    [DASHBOARDS, 'dashboard (an id in backticks or a link)', dashboardIsConcrete],
  ] as const) {
    const section = found.get(spec);
    if (!section) continue;
    const lines = doc.lines.slice(section.line, section.endLine);
    const index = lines.findIndex((l) => PLACEHOLDER.test(l.replace(/<!--[\s\S]*?-->/g, '')));
    if (index >= 0) {
      const value = PLACEHOLDER.exec(lines[index].replace(/<!--[\s\S]*?-->/g, ''))![0];
      at('placeholder', section.line + 1 + index, `placeholder ${spec.name.toLowerCase()}`, { section: spec.name, value });
    } else if (!concrete(doc, section)) {
      at('notConcrete', section.line, `not concrete ${spec.name.toLowerCase()}`, { section: spec.name, what });
    }
  }

  // Step 3: one line must hold every keyword group of a topic.
  const safety = found.get(SAFETY);
  if (safety) {
    const lines = sectionText(doc, safety).split('\n');
    for (const { topic, groups } of SAFETY_TOPICS) {
      if (!lines.some((line) => groups.every((g) => testVocabulary(line, g)))) {
        at('safetyTopic', safety.line, `safety ${topic}`, { topic }, 'Suggestion');
      }
    }
  }

  // Step 4 (only when the section exists; a missing one is step 1's).
  const redrive = find(REDRIVE);
  if (needsRedrive && redrive && !RATE.test(sectionText(doc, redrive).replace(/`/g, ''))) {
    const first = sectionItems(doc, redrive, true)[0];
    at('redriveRate', first?.line ?? redrive.line, 'redrive rate', { section: redrive.heading });
  }

  // Step 5: a whole-file check, so code spans are text.
  if (isDlq && !testVocabulary(doc.text.replace(/`/g, ''), RETENTION)) {
    const triage = find(TRIAGE);
    at('dlqRetention', triage?.line ?? 1, 'dlq retention', {}, 'Suggestion');
  }

  // Step 6.
  const audit = found.get(AUDIT);
  if (audit) {
    const text = sectionText(doc, audit);
    const missing = [
      ...(testVocabulary(text, TICKET) ? [] : ['the ticket']),
      ...(testVocabulary(text, OPERATOR) ? [] : ['the operator']),
    ];
    if (missing.length > 0) at('auditTrail', audit.line, 'audit trail', { missing: missing.join(' or ') }, 'Suggestion');
  }
  const followUp = found.get(FOLLOW_UP);
  if (followUp) {
    const text = sectionText(doc, followUp);
    const missing = [
      ...(testVocabulary(text, ROOT_CAUSE) ? [] : ['the root cause']),
      ...(testVocabulary(text, PREVENTION) ? [] : ['a prevention item']),
    ];
    if (missing.length > 0) at('postIncident', followUp.line, 'post-incident', { missing: missing.join(' or ') }, 'Suggestion');
  }

  // Step 7.
  if (runbook.classification.scope === 'platform') {
    const related = findSection(doc, 'related artifacts');
    if (related && !linksInSection(doc, related).some((l) => /^docs\/features\/[^/]+\/README\.md$/.test(resolveLinkPath(path, l.target) ?? ''))) {
      at('platformReadmes', related.line, 'platform readmes', {}, 'Suggestion');
    }
  }
}

/** A team, a page target or a contact: a code span, a link, an @handle or #channel, or team words. */
function ownerIsConcrete(doc: MarkdownDoc, section: Section): boolean {
  const text = sectionText(doc, section);
  return /`[^`]+`|\]\(|@[\w-]+|#[a-z][\w-]*|https?:\/\//i.test(text) || testVocabulary(text, TEAMISH);
}

/** Named dashboards: a dashboard id in backticks or a link. */
function dashboardIsConcrete(doc: MarkdownDoc, section: Section): boolean {
  return /`[^`]+`|\]\(|https?:\/\//.test(sectionText(doc, section));
}
