// Hidden HTML markers the bot leaves in its own comments. GitHub is the only store the App has:
// markers say which findings were already commented, which comment is the sticky summary, and which
// risks were accepted, so a restart, a second replica or a rebase never loses that knowledge.
// Only comments written by the App itself are read for markers (see isOwnComment): anyone can type
// an HTML comment into a PR conversation.

export const SUMMARY_MARKER = '<!-- arch-review:summary -->';

const FP = /<!-- arch-review:fp=([0-9a-f]{8,64}) -->/;
const ACCEPT = /<!-- arch-review:accept fp=([0-9a-f]{8,64}) by=([A-Za-z0-9-]+(?:\[bot\])?) reason=([^\s>]*) -->/g;

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

export function acceptsIn(body: string): AcceptMarker[] {
  const out: AcceptMarker[] = [];
  for (const m of body.matchAll(ACCEPT)) {
    let reason: string;
    try {
      reason = decodeURIComponent(m[3]!);
    } catch {
      continue;
    }
    out.push({ fingerprint: m[1]!, by: m[2]!, reason });
  }
  return out;
}

export function hasSummaryMarker(body: string): boolean {
  return body.includes(SUMMARY_MARKER);
}

/** GraphQL names a bot author by its slug, REST by `slug[bot]`. */
export function isOwnComment(authorLogin: string | null | undefined, appSlug: string): boolean {
  if (!authorLogin) return false;
  return authorLogin === appSlug || authorLogin === `${appSlug}[bot]`;
}
