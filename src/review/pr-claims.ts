// Tier claims in the pull request's own text (review-output.md §9.3 step 5, rules.md rule 39
// inputs): `/production[- ]ready|enterprise[- ]critical/i` in the title or the body.
//
// The spec gives only the pattern. A PR body is mostly template and quotation, so a mention is not
// a claim when it sits in an HTML comment (template hints), a code span or fence, an unchecked task
// item (`- [ ] Production-ready`), a quote, or right after a negation ("not production-ready yet").
// docs/rules/tier-claim-unsupported.md lists these.
import type { Tier } from './types.js';

export interface PullRequestText {
  title: string;
  body: string | null;
}

export interface PullRequestClaim {
  /** `PR title` or `PR body`: how the Downgrade line and rule 39's message name it. */
  location: 'PR title' | 'PR body';
  tier: Tier;
}

/** Bodies are user text of any size; claims are read from the first 64 KiB (GitHub caps bodies at 65,536 characters). */
const MAX_BODY = 65_536;

// Not after a hyphen or a letter: "pre-production ready" and "non-production-ready" are not claims.
const CLAIM = /(?<![\w-])(production[- ]ready|enterprise[- ]critical)\b/gi;
// A negation up to three words before the mention, within one clause: "not yet fully production-ready".
const NEGATION = /\b(?:not|never|nor|no longer|cannot|can't|don't|doesn't|isn't|aren't|wasn't|won't|cant|dont|doesnt|isnt|arent|wont)\s+(?:[^\s,;:.!?]+\s+){0,3}$/i;

/** The claimed tiers of one text's prose lines, highest last, each once. */
function tiersIn(lines: readonly string[]): Tier[] {
  const found = new Set<Tier>();
  for (const line of lines) {
    // Unchecked task items are options offered by a template, and quotes are someone else's words.
    if (/^\s*(?:[-*+]|\d+[.)])\s+\[ \]/.test(line) || /^\s*>/.test(line)) continue;
    for (const m of line.matchAll(CLAIM)) {
      // Only the words just before the mention can negate it; a bounded window keeps long lines linear.
      if (NEGATION.test(line.slice(Math.max(0, m.index - 60), m.index))) continue;
      found.add(/^production/i.test(m[1]!) ? 'Production-ready' : 'Enterprise-critical');
    }
  }
  return (['Production-ready', 'Enterprise-critical'] as const).filter((t) => found.has(t));
}

/**
 * The lines that are the author's own prose: HTML comments, fenced blocks and code spans removed.
 * Line by line rather than by one regex over the text: a fence regex backtracks quadratically on a
 * long unterminated run of backticks.
 */
function proseLines(text: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of text.replace(/<!--[\s\S]*?(?:-->|$)/g, ' ').split('\n')) {
    const marker = /^[ \t]*(`{3,}|~{3,})/.exec(line)?.[1] ?? null;
    if (fence !== null) {
      // A fence closes with a run of the same character at least as long as the one that opened it.
      if (marker !== null && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker !== null) {
      fence = marker;
      continue;
    }
    out.push(withoutCodeSpans(line));
  }
  return out;
}

/** Removes code spans of any backtick length (`x`, ``x``); an unmatched run stays as text. */
function withoutCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const open = line.indexOf('`', i);
    if (open === -1) break;
    let run = open;
    while (line[run] === '`') run++;
    const ticks = line.slice(open, run);
    // The closing run must be exactly as long: search for it, skipping longer runs.
    let close = line.indexOf(ticks, run);
    while (close !== -1 && (line[close + ticks.length] === '`' || line[close - 1] === '`')) {
      let end = close;
      while (line[end] === '`') end++;
      close = line.indexOf(ticks, end);
    }
    if (close === -1) {
      out += line.slice(i, run);
      i = run;
      continue;
    }
    out += `${line.slice(i, open)} `;
    i = close + ticks.length;
  }
  return out + line.slice(i);
}

export function pullRequestClaims(pr: PullRequestText | undefined): PullRequestClaim[] {
  if (!pr) return [];
  const out: PullRequestClaim[] = [];
  for (const tier of tiersIn(proseLines(pr.title))) out.push({ location: 'PR title', tier });
  for (const tier of tiersIn(proseLines((pr.body ?? '').slice(0, MAX_BODY).replace(/\r\n?/g, '\n')))) out.push({ location: 'PR body', tier });
  return out;
}
