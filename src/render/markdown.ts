// The `/review` Markdown of review-output.md §4: title, scope line and exactly six `##` sections.
// The same text is the check-run summary and the sticky comment, so everything that came from a
// repository (paths, messages, doc excerpts, accept reasons) is escaped: it must not open a heading,
// split a table row, or inject HTML such as the bot's own `<!-- arch-review:... -->` markers.
import type {
  AntiPatternRow,
  ChecklistRow,
  Coverage,
  CoverageReason,
  CoverageSkip,
  FailureModeEntry,
  Finding,
  ReviewResult,
  Severity,
  Tier,
  Verdict,
} from '../review/types.js';
import { compareInGroup, headFindings } from '../review/summary/facts.js';
import { NOT_RUN } from '../review/summary/anti-patterns.js';

export const DEFAULT_MAX_PER_GROUP = 50;

const GROUPS: readonly Severity[] = ['Critical', 'Important', 'Suggestion', 'System'];
const TIER_ORDER: readonly Tier[] = ['Prototype', 'Service-ready', 'Production-ready', 'Enterprise-critical'];

/**
 * Control characters (a file name may hold an ESC) shown as their Unicode control pictures (U+2400
 * block), so they reach a terminal or a comment as visible marks, never as terminal commands.
 */
function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });
}

/** One line of inline text: no line breaks (they would end the bullet or row), no raw HTML, no control characters. */
export function escapeInline(text: string): string {
  return visible(text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')).replace(/</g, '&lt;');
}

/** A GFM table cell: inline text whose pipes cannot split the row (this holds inside code spans too). */
export function escapeCell(text: string): string {
  return escapeInline(text).replace(/\|/g, '\\|');
}

/** A code span that survives backticks in its content (CommonMark: a longer fence, padded). */
export function codeSpan(text: string): string {
  const flat = visible(text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' '));
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function list(items: readonly string[]): string {
  return items.length ? items.map(escapeInline).join(', ') : 'none';
}

/** The per-feature verdicts of a multi-feature review (§9.3 step 1), else the single verdict. */
function verdictsOf(result: ReviewResult): Verdict[] {
  return result.verdicts && result.verdicts.length > 1 ? result.verdicts : [result.verdict];
}

function titleLine(result: ReviewResult, head: readonly Finding[]): string {
  const counts = GROUPS.map((s) => `${head.filter((f) => f.severity === s).length} ${s}`).join(' · ');
  const verdicts = verdictsOf(result);
  const tier = verdicts.length > 1
    ? verdicts.map((v) => `${escapeInline(v.feature ?? 'code')} ${v.tier}${claimNote(v)}`).join(', ')
    : `${result.verdict.tier}${claimNote(result.verdict)}`;
  return `**Architecture review** — ${counts} — Tier: ${tier}`;
}

/** `(claimed X)` when some claim is above the computed tier; the highest such claim is shown. */
function claimNote(v: Verdict): string {
  const rank = (t: Tier) => TIER_ORDER.indexOf(t);
  const above = v.claims.filter((c) => rank(c.tier) > rank(v.tier)).sort((a, b) => rank(b.tier) - rank(a.tier));
  return above.length ? ` (claimed ${above[0].tier})` : '';
}

function scopeLine(result: ReviewResult): string {
  const s = result.scope;
  return (
    `Scope: features ${list(s.features)}; channels ${list(s.channels)}; ` +
    `${plural(s.codeFiles, 'code file')}, ${plural(s.artifacts, 'artifact')}; ` +
    // Pattern groups ("Retry (code)", "Event Message, ... (design)") are separated by semicolons.
    `patterns touched: ${s.patterns.length ? s.patterns.map(escapeInline).join('; ') : 'none'}; contracts affected: ${list(s.contracts)}`
  );
}

function findingBullet(f: Finding): string {
  let suffix = '';
  if (f.status === 'pre-existing') suffix += ' (pre-existing)';
  if (f.accepted) {
    const by = f.accepted.by.startsWith('@') ? f.accepted.by : `@${f.accepted.by}`;
    suffix += ` (risk accepted by ${escapeInline(by)}: ${escapeInline(f.accepted.reason)})`;
  } else if (f.baselined) {
    suffix += ' (baselined)';
  }
  return `- ${codeSpan(`${f.location.path}:${f.location.startLine}`)} — **${escapeInline(f.ruleId)}** — ${escapeInline(f.message)}${suffix}`;
}

function pointerBullet(f: Finding): string {
  return `- see ${f.severity}: ${escapeInline(f.ruleId)} at ${escapeInline(`${f.location.path}:${f.location.startLine}`)}`;
}

function capped(bullets: string[], max: number): string[] {
  if (bullets.length === 0) return ['- None.'];
  if (bullets.length <= max) return bullets;
  return [...bullets.slice(0, max), `- … and ${bullets.length - max} more, not listed here (the check run annotates up to 500 findings, most severe first; the CLI's \`--format json\` lists all).`];
}

function findingsSection(head: readonly Finding[], max: number): string[] {
  const out = ['## Findings'];
  for (const severity of GROUPS) {
    const group = head.filter((f) => f.severity === severity).sort(compareInGroup);
    const bullets = group.map(findingBullet);
    if (severity === 'System') {
      // System is a category in addition to the other three: tagged findings keep their own group
      // and get a pointer here.
      const tagged = head
        .filter((f) => f.systemTag && f.severity !== 'System')
        .sort((a, b) => GROUPS.indexOf(a.severity) - GROUPS.indexOf(b.severity) || compareInGroup(a, b));
      bullets.push(...tagged.map(pointerBullet));
    }
    out.push(`### ${severity}`, ...capped(bullets, max));
  }
  return out;
}

function table(rows: readonly ChecklistRow[]): string[] {
  return [
    '| # | Question | Status | Evidence |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.id} | ${escapeCell(r.question)} | ${r.status} | ${escapeCell(r.evidence)} |`),
  ];
}

function sentence(items: readonly string[]): string {
  return items.length ? `${items.join('; ')}.` : 'none.';
}

function antiPatternsSection(rows: readonly AntiPatternRow[]): string[] {
  const by = (state: AntiPatternRow['state']) => rows.filter((r) => r.state === state);
  const named = (r: AntiPatternRow) => (r.detail ? `${escapeInline(r.name)}: ${escapeInline(r.detail)}` : escapeInline(r.name));
  const notChecked = by('not-checked');
  const noRule = notChecked.filter((r) => !r.detail.startsWith('n/a') && !r.detail.startsWith(NOT_RUN)).map((r) => escapeInline(r.name));
  const na = notChecked
    .filter((r) => r.detail.startsWith('n/a'))
    .map((r) => `${escapeInline(r.name)} (${escapeInline(r.detail.replace(/^n\/a:\s*/, ''))})`);
  const notRun = notChecked.filter((r) => r.detail.startsWith(NOT_RUN));
  let notCheckedText = noRule.join(', ') || 'none';
  if (na.length) notCheckedText += `; n/a in scope: ${na.join(', ')}`;
  // Rows sharing one reason (every row, when files went unread) name it once.
  const reasons = [...new Set(notRun.map((r) => r.detail.slice(NOT_RUN.length)))];
  for (const reason of reasons) {
    const names = notRun.filter((r) => r.detail.slice(NOT_RUN.length) === reason).map((r) => escapeInline(r.name));
    notCheckedText += `; not decided here, ${escapeInline(reason)}: ${names.join(', ')}`;
  }
  return [
    '## Anti-patterns',
    `- **Fired:** ${sentence(by('fired').map(named))}`,
    `- **Removed by this change:** ${sentence(by('removed').map(named))}`,
    `- **Forward-looking risks:** ${sentence(by('forward-looking').map(named))}`,
    `- **Checked, clean:** ${by('clean').map((r) => escapeInline(r.name)).join(', ') || 'none'}.`,
    `- **Not checked (no deterministic rule):** ${notCheckedText}.`,
  ];
}

function failureModesSection(entries: readonly FailureModeEntry[]): string[] {
  const out = ['## Failure-mode walk'];
  if (entries.length === 0) out.push('- None reachable from the findings and facts in scope.');
  entries.forEach((e, i) => {
    const test = e.testFound ? `found at ${codeSpan(e.testFound)}` : 'not found';
    out.push(
      `### ${i + 1}. ${escapeInline(e.name)} — likelihood ${e.likelihood}/3, impact ${e.impact}/3`,
      `- **Root cause here:** ${escapeInline(e.rootCause)}`,
      `- **Blast radius:** ${escapeInline(e.blastRadius)}`,
      `- **Mitigation pattern:** ${escapeInline(e.mitigation)}`,
      `- **Required test:** ${escapeInline(e.requiredTest)} — ${test}`,
    );
  });
  return out;
}

function verdictSection(result: ReviewResult): string[] {
  const verdicts = verdictsOf(result);
  if (verdicts.length === 1) return ['## Readiness verdict', ...verdictLines(verdicts[0])];
  // One verdict per touched feature, each under its own sub-heading.
  return ['## Readiness verdict', ...verdicts.flatMap((v) => [`### ${escapeInline(v.feature ?? 'code without a feature')}`, ...verdictLines(v)])];
}

function verdictLines(v: Verdict): string[] {
  const gate = v.belowGate?.length ? `, below the Prototype gate: ${v.belowGate.join(', ')} not met` : '';
  const out = [`Tier: ${v.tier} (maturity level ${v.level}${v.level === 1 ? ': basic' : ''}${gate})`];
  if (v.downgrade) {
    // One line per claimed tier (9.3 step 5); each line is escaped on its own.
    for (const line of v.downgrade.split(/\r?\n/).filter(Boolean)) {
      out.push(escapeInline(line.startsWith('Downgrade:') ? line : `Downgrade: ${line}`));
    }
  }
  if (v.nextTier) {
    out.push(`Gaps to next tier (${v.nextTier}):`);
    if (v.gaps.length === 0) out.push('- None.');
    for (const g of v.gaps) out.push(`- [${g.kind}] ${escapeInline(g.text)}`);
  } else {
    out.push(`Gaps to next tier: none (${v.tier} is the highest tier).`);
  }
  const updates = v.readmeUpdates.map(escapeInline).join('; ');
  out.push(`README updates to consider: ${updates ? `${updates}${/[.!?]$/.test(updates) ? '' : '.'}` : 'none.'}`);
  return out;
}

export function renderMarkdown(result: ReviewResult, options: { maxPerGroup?: number } = {}): string {
  const max = Math.max(0, options.maxPerGroup ?? DEFAULT_MAX_PER_GROUP);
  // Removed findings are positive notes: they show under Anti-patterns, never as findings.
  const head = headFindings(result.findings);
  const { reliability, distributed } = result.checklists;
  // review-output.md §3.5: nothing architectural in scope means nothing else to say. Checklists all
  // "Open" and a Prototype tier would read as an alarm about a change the review has no opinion on.
  if (result.gate.conclusion === 'skipped') {
    const why = result.gate.reason.replace(/^nothing architectural in scope:\s*/, '');
    // Findings can still exist (a note about a suppression comment): they are listed, never hidden.
    return `${[
      '**Architecture review** — nothing architectural in scope',
      scopeLine(result),
      '',
      `${escapeInline(why.charAt(0).toUpperCase() + why.slice(1))}, so no checklist, anti-pattern or readiness verdict applies.`,
      ...(head.length > 0 ? ['', ...findingsSection(head, max)] : []),
    ].join('\n')}\n`;
  }
  const lines = [
    titleLine(result, head),
    scopeLine(result),
    '',
    ...findingsSection(head, max),
    '',
    '## Reliability checklist',
    ...table(reliability),
    '',
    '## Distributed-systems checklist',
    ...(distributed.applicable ? table(distributed.rows) : [`Not applicable: ${escapeInline(distributed.reason)}`]),
    '',
    ...antiPatternsSection(result.antiPatterns),
    '',
    ...failureModesSection(result.failureModes),
    '',
    ...verdictSection(result),
  ];
  return `${lines.join('\n')}\n`;
}

const EVIDENCE_NAMED = 5;
const SKIPS_NAMED = 50;
const NOTES_NAMED = 5;

const REASON_LABEL: Record<CoverageReason, string> = {
  'too-large': 'too large',
  binary: 'binary',
  unparseable: 'unparseable',
  'unsupported-language': 'unsupported language',
  'time-budget': 'time budget exceeded',
  'no-patch': 'no patch',
  deleted: 'deleted',
  'test-file': 'test file',
  'not-reviewable': 'not reviewable',
};

/**
 * The coverage footer for the check-run text and the CLI, e.g.
 * `Coverage: 3 code files, 9 artifacts reviewed; skipped 2: big.min.js (too large, 5.2 MB > 1 MB), logo.png (binary).`
 */
export function renderCoverageLine(coverage: Coverage): string {
  let line = `Coverage: ${plural(coverage.codeFiles.length, 'code file')}, ${plural(coverage.artifacts.length, 'artifact')} reviewed`;
  if (coverage.reach) line += ` (${coverage.reach})`;
  const named = (s: CoverageSkip) => {
    const why = [s.side === 'base' ? 'base side' : null, REASON_LABEL[s.reason] ?? s.reason, s.detail || null]
      .filter((x): x is string => x !== null)
      .join(', ');
    return `${s.path} (${why})`;
  };
  if (coverage.skipped.length) {
    // Named up to a bound, counted past it (the JSON output lists every one): 3,000 skipped files
    // would otherwise fill the report and push everything after it out of GitHub's limits.
    const more = coverage.skipped.length > SKIPS_NAMED ? ` and ${coverage.skipped.length - SKIPS_NAMED} more` : '';
    line += `; skipped ${coverage.skipped.length}: ${coverage.skipped.slice(0, SKIPS_NAMED).map(named).join(', ')}${more}`;
  }
  const evidence = coverage.evidenceSkipped ?? [];
  if (evidence.length) {
    // Imports are context, not the change: a few are named, the rest counted, to keep the line short.
    const shown = evidence.slice(0, EVIDENCE_NAMED).map(named);
    const more = evidence.length > EVIDENCE_NAMED ? ` and ${evidence.length - EVIDENCE_NAMED} more` : '';
    line += `; imports not analysed ${evidence.length}: ${shown.join(', ')}${more}`;
  }
  const suppressed = Object.entries(coverage.suppressed)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (suppressed.length) {
    const total = suppressed.reduce((sum, [, n]) => sum + n, 0);
    line += `; suppressed ${total}: ${suppressed.map(([rule, n]) => `${rule} ×${n}`).join(', ')}`;
  }
  // A baseline not applied or a rule that failed changes what the report means: said in the report
  // itself, not only on the CLI's stderr or the check run's details.
  const notes = coverage.notes ?? [];
  if (notes.length) {
    const clipped = notes.slice(0, NOTES_NAMED).map((n) => (n.length > 300 ? `${n.slice(0, 299)}…` : n));
    line += `; notes: ${clipped.join('; ')}${notes.length > NOTES_NAMED ? ` and ${notes.length - NOTES_NAMED} more` : ''}`;
  }
  return escapeInline(`${line}.`);
}
