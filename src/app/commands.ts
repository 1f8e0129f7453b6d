// `/review` comments (review-output.md §11.7). Only the first line counts, so quoting an earlier
// command further down a reply does not run it again.

export type ReviewCommand =
  | { name: 'review'; scope: string[] }
  | { name: 'accept'; shortId: string; reason: string }
  | { name: 'help' }
  | { name: 'invalid'; problem: string };

export function parseCommand(body: string): ReviewCommand | null {
  const first = body.trimStart().split(/\r?\n/, 1)[0]!.trim();
  const m = /^\/review(?:\s+(.*))?$/.exec(first);
  if (!m) return null;
  const args = (m[1] ?? '').trim();
  if (args === '') return { name: 'review', scope: [] };
  const [word, ...rest] = args.split(/\s+/);
  if (word === 'help') return { name: 'help' };
  if (word === 'accept') {
    const [id, ...reason] = rest;
    if (!id || !/^[0-9a-f]{8,64}$/i.test(id)) return { name: 'invalid', problem: '`/review accept` needs a finding id: the 8 characters shown in the finding, e.g. `/review accept 3f9a1c0e the reason`.' };
    const text = reason.join(' ').trim();
    if (!text) return { name: 'invalid', problem: '`/review accept` needs a reason after the finding id, e.g. `/review accept 3f9a1c0e metrics event, losing one is harmless`.' };
    return { name: 'accept', shortId: id.toLowerCase(), reason: text.slice(0, 500) };
  }
  return { name: 'review', scope: args.split(/\s+/) };
}

export const HELP_TEXT = [
  '**arch-review commands** (people with write access to this repository):',
  '- `/review` — review the pull request now and post or update the summary comment.',
  '- `/review accept <finding id> <reason>` — accept a finding as a known risk (repository admins); it stops gating this pull request.',
  '- `/review help` — this list.',
  'The "Architecture review" check run carries the full result; its **Re-review** button runs the review again.',
].join('\n');
