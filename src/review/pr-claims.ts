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

const CLAIM = /\b(production[- ]ready|enterprise[- ]critical)\b/gi;
// A negation up to three words before the mention, within one clause: "not yet fully production-ready".
const NEGATION = /\b(?:not|never|nor|no longer|isn't|aren't|wasn't|won't|isnt|arent|wont)\s+(?:[^\s,;:.!?]+\s+){0,3}$/i;

/** The claimed tiers of one text, highest last, each once. */
function tiersIn(text: string): Tier[] {
  const found = new Set<Tier>();
  for (const line of text.split('\n')) {
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

/** Removes what is not the author's claim: HTML comments, fenced code and code spans. */
function prose(text: string): string {
  return text
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/^([ \t]*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^[ \t]*\2[^\n]*$|(?![\s\S]))/gm, '$1')
    .replace(/`[^`\n]*`/g, ' ');
}

export function pullRequestClaims(pr: PullRequestText | undefined): PullRequestClaim[] {
  if (!pr) return [];
  const out: PullRequestClaim[] = [];
  for (const tier of tiersIn(prose(pr.title))) out.push({ location: 'PR title', tier });
  for (const tier of tiersIn(prose((pr.body ?? '').slice(0, MAX_BODY).replace(/\r\n?/g, '\n')))) out.push({ location: 'PR body', tier });
  return out;
}
