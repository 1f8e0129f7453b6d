// Inline review comments (review-output.md §11.4): which findings earn one, where it is anchored,
// and what it says. Anchors are checked against the diff hunks here, so GitHub never answers 422
// ("line must be part of the diff") and a batched review is never lost.
import type { Config } from '../config/schema.js';
import { codeSpan, escapeInline } from '../render/markdown.js';
import { compareFindings, headFindings } from '../review/summary/facts.js';
import type { ChangedFile, Hunk } from '../review/source.js';
import type { Finding } from '../review/types.js';
import { clip } from './check-output.js';
import { MAX_COMMENT_BODY_CHARS } from './limits.js';
import { fingerprintMarker } from './markers.js';

export interface ReviewCommentDraft {
  fingerprint: string;
  path: string;
  line: number;
  side: 'RIGHT';
  start_line?: number;
  start_side?: 'RIGHT';
  body: string;
}

export interface InlinePlan {
  comments: ReviewCommentDraft[];
  alreadyCommented: number;
  outsideDiff: number;
  overCap: number;
}

/** The hunk whose head-side range holds `line` (added or context line: both are RIGHT lines). */
function hunkAt(hunks: readonly Hunk[], line: number): Hunk | undefined {
  return hunks.find((h) => h.newLines > 0 && line >= h.newStart && line < h.newStart + h.newLines);
}

function eligible(f: Finding, config: Config, file: ChangedFile | undefined): boolean {
  const severities = config.inline.severities;
  if (!severities.includes(f.severity) && !(f.systemTag && severities.includes('System'))) return false;
  if (f.accepted || f.baselined) return false;
  if (f.status === 'introduced') return true;
  // A pre-existing finding is worth a comment only when the change touched its lines.
  return f.status === 'pre-existing' && !!file?.hunks.some((h) => h.added.some((l) => l >= f.location.startLine && l <= f.location.endLine));
}

export function commentBody(f: Finding): string {
  const shortId = f.fingerprint.slice(0, 8);
  const related = f.related.map((r) => `${r.path}:${r.line} (${r.note})`).join(', ');
  const evidence = [
    f.variant ? `Variant: ${escapeInline(f.variant)}.` : '',
    related ? `Related: ${escapeInline(related)}.` : '',
    `Accept the risk: ${codeSpan(`/review accept ${shortId} <reason>`)}`,
  ].filter(Boolean);
  const head = `**[${f.severity}] ${escapeInline(f.ruleId)}**${f.pattern ? ` · Pattern: ${escapeInline(f.pattern)}` : ''}`;
  const marker = fingerprintMarker(f.fingerprint);
  const body = `${head}\n${escapeInline(f.message)}\n<details><summary>Evidence and fix</summary>\n\n${evidence.join('\n')}\n</details>\n`;
  return clip(body, MAX_COMMENT_BODY_CHARS - marker.length - 1, '…\n') + marker;
}

/**
 * `commented`: fingerprints with an unresolved thread (a resolved one whose finding came back gets a
 * new comment, review-output.md §11.4). `open`: how many of those threads still hold a current
 * finding; they count toward `inline.max`, so the cap bounds the pull request's open threads, not
 * each run's (every push, Re-run or `/review` would otherwise add another `inline.max`).
 */
export function planInlineComments(
  findings: readonly Finding[],
  changed: readonly ChangedFile[],
  config: Config,
  commented: ReadonlySet<string>,
  open = 0,
): InlinePlan {
  const files = new Map(changed.filter((f) => f.status !== 'removed').map((f) => [f.path, f] as const));
  const plan: InlinePlan = { comments: [], alreadyCommented: 0, outsideDiff: 0, overCap: 0 };
  for (const f of headFindings(findings).sort(compareFindings)) {
    const file = files.get(f.location.path);
    if (!eligible(f, config, file)) continue;
    if (commented.has(f.fingerprint)) {
      plan.alreadyCommented++;
      continue;
    }
    const hunk = file ? hunkAt(file.hunks, f.location.endLine) : undefined;
    if (!file || !hunk) {
      plan.outsideDiff++;
      continue;
    }
    if (open + plan.comments.length >= config.inline.max) {
      plan.overCap++;
      continue;
    }
    const multi = f.location.startLine < f.location.endLine && hunkAt([hunk], f.location.startLine) !== undefined;
    plan.comments.push({
      fingerprint: f.fingerprint,
      path: f.location.path,
      line: f.location.endLine,
      side: 'RIGHT',
      ...(multi ? { start_line: f.location.startLine, start_side: 'RIGHT' as const } : {}),
      body: commentBody(f),
    });
  }
  return plan;
}
