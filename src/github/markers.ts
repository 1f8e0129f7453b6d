// Hidden HTML markers the bot leaves in its own comments. GitHub is the only store the App has:
// markers say which findings were already commented, which comment is the sticky summary, and which
// risks were accepted, so a restart, a second replica or a rebase never loses that knowledge.
// Only comments written by the App itself are read for markers (see isOwnComment): anyone can type
// an HTML comment into a PR conversation. And only where the App puts them (the summary marker
// first, the others last, an accept marker only in an accept confirmation): the App's comments quote
// paths and text from the pull request, and a file named `x <!-- arch-review:accept … -->.ts` would
// otherwise plant a marker in a comment the App wrote.

export const SUMMARY_MARKER = '<!-- arch-review:summary -->';

const FP = /<!-- arch-review:fp=([0-9a-f]{8,64}) -->\s*$/;
const ACCEPT = /\n<!-- arch-review:accept fp=([0-9a-f]{8,64}) by=([A-Za-z0-9-]+(?:\[bot\])?) reason=([^\s>]*) -->\s*$/;
/** How the App's accept confirmation begins (review-pr.ts); no other comment of the App carries an accept. */
export const ACCEPT_CONFIRMATION = 'Risk accepted by @';
/** How the App's reply starts when it resolves a thread whose finding is gone. */
export const RESOLVED_REPLY = 'Resolved in ';

export function fingerprintMarker(fingerprint: string): string {
  return `<!-- arch-review:fp=${fingerprint} -->`;
}

export function fingerprintIn(body: string): string | null {
  return FP.exec(body)?.[1] ?? null;
}

export function acceptMarker(fingerprint: string, by: string, reason: string): string {
  // encodeURIComponent leaves no space, `>` or `--` that could end the HTML comment early.
  return `<!-- arch-review:accept fp=${fingerprint} by=${by} reason=${encodeURIComponent(reason).replace(/-/g, '%2D')} -->`;
}

export interface AcceptMarker {
  fingerprint: string;
  by: string;
  reason: string;
}

/** The accept an App comment records: none unless the comment is an accept confirmation ending in its marker. */
export function acceptsIn(body: string): AcceptMarker[] {
  if (!body.startsWith(ACCEPT_CONFIRMATION)) return [];
  const m = ACCEPT.exec(body);
  if (!m) return [];
  try {
    return [{ fingerprint: m[1]!, by: m[2]!, reason: decodeURIComponent(m[3]!) }];
  } catch {
    return [];
  }
}

export function hasSummaryMarker(body: string): boolean {
  // A browser edit turns the line break into CRLF; the comment is still the summary to update.
  return body.startsWith(SUMMARY_MARKER) && /^(\r?\n|$)/.test(body.slice(SUMMARY_MARKER.length));
}

/** GraphQL names a bot author by its slug, REST by `slug[bot]`. */
export function isOwnComment(authorLogin: string | null | undefined, appSlug: string): boolean {
  if (!authorLogin) return false;
  return authorLogin === appSlug || authorLogin === `${appSlug}[bot]`;
}
