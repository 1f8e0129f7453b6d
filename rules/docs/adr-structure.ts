// rules.md rule 51: an ADR records one decision in the Nygard shape (context, decision, consequences,
// real alternatives) with consistent numbering and explicit supersession, so a reader can trust
// which decision holds and why the others lost.
import { classifyPath, currentTypeOf } from '../../src/artifacts/classify.js';
import { findField, findSection, plainText, sectionBody, sectionFields, type MarkdownDoc, type Section } from '../../src/artifacts/markdown.js';
import { linksInSection, resolveLinkPath } from '../../src/artifacts/links.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { bareKey, sectionHasContent, sectionItems, sectionText } from '../../src/artifacts/prose.js';
import { compileVocabulary, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TAIL = ' An ADR records one decision with context, consequences, at least two real alternatives, and explicit supersession links.';
const message = (problem: string) => `ADR {file}: ${problem}.${TAIL}`;

const messages = {
  fileName: message('the file name is not NNNN-<kebab-title>.md'),
  titleNumber: message('the H1 should read "ADR-{number}: <title>" ({found})'),
  duplicateNumber: message('number {number} is also used by {other}'),
  numberGap: message('numbers jump from {previous} to {number} in {folder}'),
  missingSection: message('the `## {section}` section is missing'),
  emptySection: message('the `## {section}` section is empty'),
  fewAlternatives: message('Alternatives Considered lists {count} alternative(s); name at least two real options'),
  alternativeWithoutReason: message('the alternative "{item}" gives no trade-off or reason for rejecting it'),
  supersession: message('it supersedes ADR-{number}, but {problems}'),
  supersededStatus: message('ADR-{other} supersedes this ADR, but its status is "{status}" instead of "Superseded by ADR-{other}"'),
  supersededByMissing: message('the status says "Superseded by ADR-{number}", but no ADR-{number} exists in {folder}'),
  platformReadmes: message('a platform ADR should list the feature READMEs it affects in Related artifacts'),
};
type MessageId = keyof typeof messages;

/**
 * The Nygard sections, with the MADR headings that hold the same content (MADR 2-4: `Context and
 * Problem Statement`, `Considered Options`, `Decision Outcome` with `Consequences` or
 * `Positive/Negative Consequences` under it).
 */
const REQUIRED = [
  { name: 'Context', matches: (k: string) => k === 'context' || k === 'context and problem statement' },
  { name: 'Decision', matches: (k: string) => k === 'decision' || k === 'decision outcome' },
  { name: 'Consequences', matches: (k: string) => k === 'consequences' || k === 'positive consequences' || k === 'negative consequences' },
  { name: 'Alternatives Considered', matches: (k: string) => k.startsWith('alternatives') || MADR_OPTIONS.has(k) },
];
const MADR_OPTIONS = new Set(['considered options', 'options considered']);
/** MADR gives each option's trade-offs here (`### <option>` with `Good, because …` / `Bad, because …`). */
const MADR_PROS_AND_CONS = new Set(['pros and cons of the options', 'pros and cons of the alternatives']);
const REASON = compileVocabulary(['reject', 'not chosen', 'because', 'trade-?off', 'downside', 'cost', 'risk']);
const ADR_FILE = /^(\d{4})-([^/]+)\.md$/;
const SUPERSEDED_BY = /^superseded by\s+\[?adr-?(\d{1,4})/i;

export default createDocsRule({
  meta: {
    id: 'adr-structure',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description:
      'ADRs have the Nygard sections, at least two real alternatives, consistent per-folder numbering and correct supersession links.',
    messages,
  },
  create(context) {
    return {
      check() {
        const adrs = [...context.model.artifacts.values()].filter(
          (a): a is MarkdownArtifact => a.syntax === 'markdown' && currentTypeOf(a.type) === 'adr',
        );
        const paths = [...context.model.paths].sort();
        const folders = new Set(adrs.map((a) => folderOf(a.path)));
        for (const slug of context.model.features.keys()) folders.add(`docs/features/${slug}/adrs/`);
        for (const folder of [...folders].sort()) checkFolder(context, folder, paths);
        for (const adr of adrs) checkAdr(context, adr, paths);
      },
    };
  },
});

type Report = (messageId: MessageId, path: string, line: number, anchor: string, data?: Record<string, string | number>, severity?: Severity) => void;

function reporter(context: DocsRuleContext<MessageId>): Report {
  return (messageId, path, line, anchor, data = {}, severity) => {
    const slug = classifyPath(path)?.slug;
    context.report({
      messageId,
      data: { file: path, ...data },
      loc: { path, startLine: line },
      anchor: `adr | ${anchor}`,
      ...(severity ? { severity } : {}),
      ...(slug ? { feature: slug } : {}),
    });
  };
}

const folderOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);

/** Steps 1 (file names) and 2, from the tree's paths: a file that did not parse is still numbered. */
function checkFolder(context: DocsRuleContext<MessageId>, folder: string, paths: string[]): void {
  const report = reporter(context);
  const files = paths.filter((p) => p.startsWith(folder) && !p.slice(folder.length).includes('/') && p.endsWith('.md'));
  const numbered: { path: string; number: string }[] = [];
  for (const path of files) {
    const m = ADR_FILE.exec(path.slice(folder.length));
    if (m) numbered.push({ path, number: m[1] });
    else report('fileName', path, 1, 'file name', {}, 'Suggestion');
  }
  const byNumber = new Map<string, string>();
  for (const { path, number } of numbered) {
    const first = byNumber.get(number);
    if (first) report('duplicateNumber', path, 1, `duplicate ${number}`, { number, other: first.slice(folder.length) });
    else byNumber.set(number, path);
  }
  const sorted = [...byNumber.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (let i = 1; i < sorted.length; i++) {
    const [previous] = sorted[i - 1];
    const [number, path] = sorted[i];
    if (Number(number) > Number(previous) + 1) report('numberGap', path, 1, `gap before ${number}`, { previous, number, folder }, 'Suggestion');
  }
}

function checkAdr(context: DocsRuleContext<MessageId>, adr: MarkdownArtifact, paths: string[]): void {
  const report = reporter(context);
  const { doc, path } = adr;
  const number = adr.classification.number ?? '';
  const at = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string | number>, severity?: Severity) =>
    report(messageId, path, line, anchor, data, severity);

  // Step 1: the H1 carries the file's number.
  const title = doc.title;
  const titleNumber = title ? /^ADR-(\d{4})\s*:/i.exec(title.text)?.[1] : undefined;
  if (titleNumber !== number) {
    at('titleNumber', title?.line ?? 1, 'title number', { number, found: title ? `it reads "${title.text}"` : 'there is no H1' }, 'Suggestion');
  }

  // Step 3.
  const sections = new Map<string, Section>();
  for (const { name, matches } of REQUIRED) {
    const section = doc.headings.find((s) => s.depth >= 2 && matches(bareKey(s.key)));
    if (!section) at('missingSection', 1, `missing ${name.toLowerCase()}`, { section: name });
    else if (!sectionHasContent(doc, section)) at('emptySection', section.line, `empty ${name.toLowerCase()}`, { section: name });
    else sections.set(name, section);
  }

  // Step 4.
  const alternatives = sections.get('Alternatives Considered');
  if (alternatives) {
    // MADR lists the options in Considered Options and weighs them in Pros and Cons of the Options.
    const prosAndCons = MADR_OPTIONS.has(bareKey(alternatives.key))
      ? doc.headings.find((s) => s.depth >= 2 && MADR_PROS_AND_CONS.has(bareKey(s.key)) && sectionHasContent(doc, s))
      : undefined;
    checkAlternatives(at, doc, alternatives, prosAndCons);
  }

  // Step 5.
  const folder = folderOf(path);
  const inFolder = (n: string) => paths.find((p) => p.startsWith(folder) && ADR_FILE.exec(p.slice(folder.length))?.[1] === n);
  const status = statusOf(adr);
  const supersededBy = status ? SUPERSEDED_BY.exec(status.value) : null;
  if (status && supersededBy) {
    const other = supersededBy[1].padStart(4, '0');
    if (!inFolder(other)) at('supersededByMissing', status.line, 'superseded by missing', { number: other, folder });
  }
  checkSupersedes(context, report, adr, paths, inFolder);

  // Step 6.
  if (adr.classification.scope === 'platform') {
    const related = findSection(doc, 'related artifacts');
    if (related) {
      const readmes = linksInSection(doc, related).some((l) => /^docs\/features\/[^/]+\/README\.md$/.test(resolveLinkPath(path, l.target) ?? ''));
      if (!readmes) at('platformReadmes', related.line, 'platform readmes', {}, 'Suggestion');
    }
  }
}

type At = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string | number>, severity?: Severity) => void;

function alternativesOf(doc: MarkdownDoc, section: Section): { line: number; text: string }[] {
  return section.children.length > 0
    ? section.children.map((child) => ({ line: child.line, text: `${child.heading}\n${sectionText(doc, child)}` }))
    : sectionItems(doc, section).map((item) => ({ line: item.line, text: item.unit.text }));
}

/** `reasons`: a separate section weighing the options (MADR's Pros and Cons), judged for the reasons. */
function checkAlternatives(at: At, doc: MarkdownDoc, section: Section, reasons?: Section): void {
  const items = alternativesOf(doc, section);
  if (items.length < 2) {
    // With fewer than two options the alternatives are missing, not just their reasons.
    at('fewAlternatives', section.line, 'few alternatives', { count: items.length });
    return;
  }
  for (const item of reasons ? alternativesOf(doc, reasons) : items) {
    if (!testVocabulary(item.text, REASON)) {
      const excerpt = item.text.replace(/\uFFFC/g, '').replace(/\s+/g, ' ').trim();
      at('alternativeWithoutReason', item.line, `alternative ${excerpt.slice(0, 60).toLowerCase()}`, { item: excerpt.length > 60 ? `${excerpt.slice(0, 59)}…` : excerpt }, 'Suggestion');
    }
  }
}

/** The ADR's status: the Summary `Status` field, else a `## Status` section's first line. */
function statusOf(adr: MarkdownArtifact): { value: string; line: number } | null {
  const summary = findSection(adr.doc, 'summary');
  const field = summary ? findField(sectionFields(summary, true), 'Status') : undefined;
  if (field) return { value: field.normalized, line: field.line };
  const section = findSection(adr.doc, 'status');
  if (!section) return null;
  const own = findField(section.fields, 'Status');
  if (own) return { value: own.normalized, line: own.line };
  const first = sectionBody(adr.doc, section).find((n) => n.type === 'paragraph' || n.type === 'list');
  return first ? { value: plainText(first).replace(/\s+/g, ' ').trim(), line: first.position?.start.line ?? section.line } : null;
}

/** How far back from the verb its subject is looked for. */
const SUBJECT_WINDOW = 80;
/** The subject of a `supersede(s)` that is this ADR: `This ADR`, `This decision`, `We`, `ADR-<own number>`. */
const SUBJECT_THIS = /(?:^|[\s(])(?:this (?:adr|decision|record|document|one|proposal|rfc)|it|we|adr-?(\d{1,4}))(?: (?:also|now|hereby|partially|partly|fully|formally))?$/;

/**
 * [from, to) column ranges of the line holding what this ADR says it supersedes: the words after a
 * `supersede(s)` whose subject is this ADR, up to the end of the sentence or clause. The subject is
 * this ADR when nothing precedes the verb (`Supersedes ADR-0002`, a `Supersedes:` field), when a
 * label, `(`, `,` or `;` precedes it (`Status: Accepted (supersedes ADR-0002)`), or when it is
 * `This ADR` / `This decision` / `We` / the ADR's own number. `ADR-0002 supersedes this decision`
 * names the ADR that supersedes this one and is no claim of this ADR.
 */
function supersededSpans(text: string, number: string): [number, number][] {
  const spans: [number, number][] = [];
  const verbs = [...text.matchAll(/\bsupersedes?\b/gi)].map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
  // The end of the sentence or clause at or after a position; found once and reused while it lies
  // ahead, so a line of many verbs and no full stop is scanned once, not once per verb.
  const clauseEnd = /[.;!?](?=\s|$)/g;
  let nextEnd = -1;
  verbs.forEach((verb, i) => {
    const window = text.slice(Math.max(0, verb.start - SUBJECT_WINDOW), verb.start).replace(/[*_`>[\]]/g, ' ');
    let before = window.replace(/\s+/g, ' ').trim().toLowerCase();
    if (verb.start <= SUBJECT_WINDOW) before = before.replace(/^(?:[-+]|\d{1,9}[.)])(?: |$)/, '').trim();
    const subject = SUBJECT_THIS.exec(before);
    // Nothing but a label, a sentence's or clause's end, a dash or a table cell before the verb:
    // `Accepted. Supersedes ADR-0007`, `Accepted — supersedes …`, `| Supersedes | ADR-0007 |`.
    const self = before === '' || /[:(;,.!?|\u2014\u2013-]$/.test(before) || (subject !== null && (subject[1] === undefined || subject[1].padStart(4, '0') === number));
    if (!self) return;
    if (nextEnd < verb.end) {
      clauseEnd.lastIndex = verb.end;
      nextEnd = clauseEnd.exec(text)?.index ?? text.length;
    }
    // The clause ends at the next verb too: `… supersedes ADR-0002 and ADR-0004 supersedes this`.
    spans.push([verb.end, Math.min(nextEnd, verbs[i + 1]?.start ?? text.length)]);
  });
  return spans;
}

/** Step 5: `Supersedes ADR-NNNN` said by this ADR (or a link to an ADR after such a `supersedes`). */
function checkSupersedes(
  context: DocsRuleContext<MessageId>,
  report: Report,
  adr: MarkdownArtifact,
  paths: string[],
  inFolder: (n: string) => string | undefined,
): void {
  const { doc, path } = adr;
  const number = adr.classification.number ?? '';
  const code = doc.codeBlocks.map((b) => [b.line, b.endLine] as const);
  const related = findSection(doc, 'related artifacts');
  const linked = new Set(related ? linksInSection(doc, related).map((l) => resolveLinkPath(path, l.target)) : []);
  doc.lines.forEach((text, index) => {
    const line = index + 1;
    if (!/\bsupersedes?\b/i.test(text) || code.some(([from, to]) => line >= from && line <= to)) return;
    const targets = new Map<string, string | undefined>();
    const spans = supersededSpans(text, number);
    for (const [from, to] of spans) {
      for (const m of text.slice(from, to).matchAll(/\bADR-?(\d{1,4})\b/gi)) targets.set(m[1].padStart(4, '0'), undefined);
    }
    // Spans are disjoint and in order: one binary search per link of the line.
    const inSpan = (column: number) => {
      let lo = 0;
      let hi = spans.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (spans[mid]![0] <= column) lo = mid + 1;
        else hi = mid;
      }
      return lo > 0 && column < spans[lo - 1]![1];
    };
    for (const link of doc.links.filter((l) => l.line === line && inSpan(l.column - 1))) {
      const resolved = resolveLinkPath(path, link.target);
      const c = resolved ? classifyPath(resolved) : null;
      if (resolved && c?.type === 'adr' && c.number) targets.set(c.number, resolved);
    }
    for (const [other, viaLink] of targets) {
      if (other === number) continue;
      const target = viaLink && paths.includes(viaLink) ? viaLink : inFolder(other);
      const anchor = `supersedes ${other}`;
      if (!target) {
        report('supersession', path, line, anchor, { number: other, problems: `no ADR-${other} exists` });
        continue;
      }
      const problems: string[] = [];
      if (!linked.has(target)) problems.push('Related artifacts does not link it');
      const superseded = context.model.artifacts.get(target);
      const status = superseded?.syntax === 'markdown' ? statusOf(superseded) : null;
      const statusOk = !status || SUPERSEDED_BY.exec(status.value)?.[1].padStart(4, '0') === number;
      if (problems.length > 0) {
        if (!statusOk) problems.push(`its status is "${status!.value}" instead of "Superseded by ADR-${number}"`);
        report('supersession', path, line, anchor, { number: other, problems: problems.join(', and ') });
      } else if (!statusOk) {
        report('supersededStatus', target, status!.line, `superseded status by ${number}`, { other: number, status: status!.value });
      }
    }
  });
}
