// What the check run shows (review-output.md §11.2, §11.3): conclusion, title, summary within
// GitHub's 65,535 characters (overflow to `text`, then a visible truncation notice), annotations.
import { codeSpan, escapeCell, escapeInline, renderCoverageLine } from '../render/markdown.js';
import { BASELINE_PATH } from '../review/baseline.js';
import { compareFindings, headFindings } from '../review/summary/facts.js';
export { incompleteBecause } from '../review/gate.js';
import type { Finding, ReviewResult, Severity } from '../review/types.js';
import { MAX_ANNOTATIONS_PER_RUN, MAX_ANNOTATION_TITLE_CHARS, MAX_CHECK_OUTPUT_CHARS } from './limits.js';

/** `cancelled`: a run that ended without a review (superseded, out of date); it does not pass a required check. */
export type Conclusion = 'success' | 'failure' | 'neutral' | 'skipped' | 'cancelled';

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
  raw_details?: string;
}

const LEVEL: Record<Severity, Annotation['annotation_level']> = {
  Critical: 'failure',
  Important: 'warning',
  System: 'warning',
  Suggestion: 'notice',
};

// 64 KB caps on `message` and `raw_details`: a UTF-16 unit never takes more than 3 UTF-8 bytes.
const MAX_ANNOTATION_TEXT_CHARS = 21_000;

export function clip(text: string, max: number, notice: string): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - notice.length));
  // Never split a surrogate pair: GitHub would reject the half character.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + notice;
}

/**
 * The check-run conclusion (review-output.md §11.2, §11.6): a gating finding fails; a review that
 * did not finish (the time budget, GitHub's file list, a rule that threw or ran past its limit)
 * concludes as `onError` says (`neutral` by default), since what it missed might have gated; a
 * passing run with findings worth a look is `neutral`. `neutral` passes a required check.
 */
export function checkConclusion(result: ReviewResult, incomplete: string | null, onError: 'neutral' | 'failure' = 'neutral'): Conclusion {
  const gate = result.gate.conclusion;
  if (gate === 'failure') return gate;
  // Before `skipped`: "nothing relevant" cannot be known of files that were never read.
  if (incomplete !== null) return onError;
  if (gate === 'skipped' || gate === 'neutral') return gate;
  const notable = headFindings(result.findings).some((f) => !f.baselined && f.severity !== 'Suggestion');
  return notable ? 'neutral' : 'success';
}

/**
 * The spec's title for a review that did not finish (§11.2), the partial report's first line after
 * it; a run whose findings already fail keeps its own title, which says why it fails.
 */
export function incompleteTitle(title: string, incomplete: string | null, result: ReviewResult): string {
  if (incomplete === null || result.gate.conclusion === 'failure') return title;
  return clip(`Architecture review could not complete (${incomplete}) — ${title}`, 1000, '…');
}


/** The report's first line without bold marks, e.g. `Architecture review — 1 Critical · …`. */
export function titleOf(markdown: string): string {
  return clip(markdown.split('\n', 1)[0]!.replace(/\*\*/g, ''), 1000, '…');
}

/** Summary = the /review report; what does not fit moves to `text`, and `text` is clipped last. */
export function buildCheckOutput(markdown: string, appendix: string): CheckOutput {
  const title = titleOf(markdown);
  if (markdown.length <= MAX_CHECK_OUTPUT_CHARS) {
    return { title, summary: markdown, ...(appendix ? { text: clip(appendix, MAX_CHECK_OUTPUT_CHARS, TEXT_NOTICE) } : {}) };
  }
  const room = MAX_CHECK_OUTPUT_CHARS - SUMMARY_NOTICE.length;
  let cut = markdown.lastIndexOf('\n', room);
  if (cut <= 0) cut = room;
  const summary = clip(markdown.slice(0, cut), room, '') + SUMMARY_NOTICE;
  const text = clip(`${markdown.slice(cut).replace(/^\n/, '')}\n\n---\n${appendix}`, MAX_CHECK_OUTPUT_CHARS, TEXT_NOTICE);
  return { title, summary, text };
}

const SUMMARY_NOTICE = '\n\n_The report continues in the details below (GitHub caps a summary at 65,535 characters)._\n';
const TEXT_NOTICE = `\n\n_Truncated at GitHub's 65,535-character limit; the first ${MAX_ANNOTATIONS_PER_RUN} findings, most severe first, are annotations._\n`;

/** Files named in the details before the rest are counted: the text has GitHub's 65,535-character cap. */
const MAX_LISTED_FILES = 200;

/**
 * Check-run details (review-output.md §11.2 `text`): gate, per-rule and suppressed counts, the
 * configuration's hash, the analysed files, the §9.1 criteria with their values, and what the
 * publisher did or could not do.
 */
export function buildAppendix(result: ReviewResult, notes: readonly string[], configHash?: string): string {
  const counts = new Map<string, number>();
  for (const f of headFindings(result.findings)) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  const files = [...result.coverage.codeFiles, ...result.coverage.artifacts];
  const listed = files.slice(0, MAX_LISTED_FILES).map((f) => codeSpan(f)).join(', ');
  // Short, bounded lines first: when the text reaches GitHub's cap, the long lists are what is cut.
  const lines = [
    '### Details',
    `- Gate: ${result.gate.conclusion} — ${result.gate.reason}`,
    `- Findings per rule: ${[...counts].map(([id, n]) => `${id} ×${n}`).join(', ') || 'none'}`,
    ...(configHash ? [`- Configuration: ${configHash}`] : []),
    `- Base ${result.base}, head ${result.head}`,
    ...notes.map((n) => `- ${n}`),
    `- ${renderCoverageLine(result.coverage)}`,
    ...result.coverage.notes.map((n) => `- ${n}`),
    `- Analysed: ${listed || 'no files'}${files.length > MAX_LISTED_FILES ? ` and ${files.length - MAX_LISTED_FILES} more` : ''}`,
  ];
  for (const verdict of result.verdicts ?? [result.verdict]) {
    if (!verdict.criteria?.length) continue;
    lines.push('', `#### Readiness criteria${verdict.feature ? ` — ${escapeInline(verdict.feature)}` : ''} (tier ${verdict.tier})`, '| Id | Value | Evidence |', '| --- | --- | --- |');
    for (const c of verdict.criteria) lines.push(`| ${c.id} | ${CRITERION_VALUE[c.state]} | ${escapeCell(c.evidence)} |`);
  }
  return `${lines.join('\n')}\n`;
}

const CRITERION_VALUE = { met: 'met', failed: 'failed', 'not-demonstrated': 'not demonstrated' } as const;

function rawDetails(f: Finding): string {
  const lines = [`Fingerprint: ${f.fingerprint}`, `Status: ${f.status}`, `Precision: ${f.precision}`];
  if (f.pattern) lines.push(`Pattern: ${f.pattern}`);
  if (f.variant) lines.push(`Variant: ${f.variant}`);
  for (const r of f.related) lines.push(`Related: ${r.path}:${r.line} (${r.note})`);
  if (f.accepted) lines.push(`Risk accepted by @${f.accepted.by}: ${f.accepted.reason}`);
  else if (f.baselined) lines.push(`Baselined: in ${BASELINE_PATH}`);
  return lines.join('\n');
}

/** Every finding at head, most severe first, capped so the pull-request page stays usable. */
export function buildAnnotations(result: ReviewResult): { annotations: Annotation[]; dropped: number } {
  const findings = headFindings(result.findings).sort(compareFindings);
  const annotations = findings.slice(0, MAX_ANNOTATIONS_PER_RUN).map((f): Annotation => {
    const start = Math.max(1, f.location.startLine);
    return {
      path: f.location.path,
      start_line: start,
      end_line: Math.max(start, f.location.endLine),
      annotation_level: LEVEL[f.severity],
      title: clip(`[${f.severity}] ${f.ruleId}`, MAX_ANNOTATION_TITLE_CHARS, '…'),
      message: clip(f.message, MAX_ANNOTATION_TEXT_CHARS, '…'),
      raw_details: clip(rawDetails(f), MAX_ANNOTATION_TEXT_CHARS, '…'),
    };
  });
  return { annotations, dropped: Math.max(0, findings.length - annotations.length) };
}
