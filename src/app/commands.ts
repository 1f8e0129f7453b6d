// `/review` comments (review-output.md §11.7). Only the first line counts, so quoting an earlier
// command further down a reply does not run it again.
import { normalisePathArgument } from '../review/engine.js';

/** What a `/review` run's summary comment covers; the check run always gates on the diff. */
export type Reach = { kind: 'diff' } | { kind: 'full' } | { kind: 'paths'; paths: string[] };

/** More paths than this in one comment is a paste, not a request. */
export const MAX_COMMAND_PATHS = 20;
const MAX_PATH_ARGUMENT = 200;
const SAFE_PATH = /^[\p{L}\p{N}._\-+=,/~]+$/u;

export type ReviewCommand =
  | { name: 'review'; reach: Reach }
  | { name: 'accept'; shortId: string; reason: string }
  | { name: 'help' }
  | { name: 'invalid'; problem: string };

export function parseCommand(body: string): ReviewCommand | null {
  const first = body.trimStart().split(/\r?\n/, 1)[0]!.trim();
  const m = /^\/review(?:\s+(.*))?$/.exec(first);
  if (!m) return null;
  const args = (m[1] ?? '').trim();
  if (args === '') return { name: 'review', reach: { kind: 'diff' } };
  const [word, ...rest] = args.split(/\s+/);
  if (word === 'help') return { name: 'help' };
  if (word === 'accept') {
    const [id, ...reason] = rest;
    if (!id || !/^[0-9a-f]{8,64}$/i.test(id)) return { name: 'invalid', problem: '`/review accept` needs a finding id: the 8 characters shown in the finding, e.g. `/review accept 3f9a1c0e the reason`.' };
    const text = reason.join(' ').trim();
    if (!text) return { name: 'invalid', problem: '`/review accept` needs a reason after the finding id, e.g. `/review accept 3f9a1c0e metrics event, losing one is harmless`.' };
    return { name: 'accept', shortId: id.toLowerCase(), reason: text.slice(0, 500) };
  }
  if (word === 'full') {
    if (rest.length === 0) return { name: 'review', reach: { kind: 'full' } };
    return { name: 'invalid', problem: '`/review full` takes nothing after it. To review a folder named `full`, write `/review ./full`.' };
  }
  const paths = args.split(/\s+/);
  if (paths.length > MAX_COMMAND_PATHS) return { name: 'invalid', problem: `\`/review <paths>\` takes at most ${MAX_COMMAND_PATHS} paths.` };
  // Paths are echoed in the bot's comment and check run: only characters Markdown gives no meaning
  // there (no mentions, links, images or HTML), and a bounded length.
  if (paths.some((p) => p.length > MAX_PATH_ARGUMENT || !SAFE_PATH.test(p))) {
    return {
      name: 'invalid',
      problem: `\`/review <paths>\` takes repository paths of letters, digits and \`. _ - + = , / ~\`, up to ${MAX_PATH_ARGUMENT} characters each; name a folder above a path with other characters.`,
    };
  }
  const outside = paths.find((p) => normalisePathArgument(p) === null);
  if (outside) return { name: 'invalid', problem: `\`${outside}\` is not a path in this repository; \`/review <paths>\` takes repository paths such as \`src/orders\`.` };
  return { name: 'review', reach: { kind: 'paths', paths } };
}

export const HELP_TEXT = [
  '**arch-review commands** (people with write access to this repository):',
  '- `/review` — review the pull request now and post or update the summary comment.',
  '- `/review full` — the same, and the summary comment also covers the unchanged code the configuration maps to the touched features; the merge gate still covers the diff only.',
  '- `/review <path> [<path> ...]` — the summary comment covers only the changed files at or under these paths, and their features; the merge gate still covers the whole diff.',
  '- `/review accept <finding id> <reason>` — accept a finding as a known risk (repository admins, or a code owner of its file in CODEOWNERS who did not open this pull request); it stops gating this pull request.',
  '- `/review help` — this list.',
  'The "Architecture review" check run carries the full result; its **Re-review** button runs the review again.',
].join('\n');
