// A pull request that edits `.github/arch-review.yml` is still gated by the default branch's file, so
// a change cannot switch off its own gate. Users still want to know what their edit will do before
// it merges (a broken file would stop every review afterwards): the proposed file is checked, and
// when it parses, the same pull request is reviewed with it once more to show the gate it would give.
import { isDeepStrictEqual } from 'node:util';
import { CONFIG_PATH, MAX_CONFIG_BYTES, parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { ChangedFile, ReviewSource } from '../review/source.js';
import type { ReviewResult } from '../review/types.js';

export interface ConfigPreviewInput {
  source: Pick<ReviewSource, 'readFile'>;
  changed: readonly ChangedFile[];
  /** The configuration the gate used (the default branch's). */
  current: Config;
  defaultBranch: string;
  knownRuleIds: string[];
  /** What the review gave with `current`. */
  now: Pick<ReviewResult, 'gate' | 'findings'>;
  /** Reviews this pull request again with another configuration. */
  review: (config: Config) => Promise<ReviewResult>;
}

export type ProposedConfig =
  | { kind: 'untouched' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'invalid'; message: string }
  /** `removed`: the file is gone or empty, so the defaults apply. */
  | { kind: 'valid'; config: Config; warnings: string[]; removed: boolean };

/** The configuration file as this pull request leaves it, checked like the default branch's. */
export async function proposedConfig(source: Pick<ReviewSource, 'readFile'>, changed: readonly ChangedFile[], knownRuleIds: string[]): Promise<ProposedConfig> {
  const file = changed.find((f) => f.path === CONFIG_PATH || f.previousPath === CONFIG_PATH);
  if (!file) return { kind: 'untouched' };
  let text = '';
  if (file.status !== 'removed' && file.path === CONFIG_PATH) {
    const read = await source.readFile('head', CONFIG_PATH, MAX_CONFIG_BYTES + 1);
    // Once merged, a file over the limit stops every review just as a syntax error would.
    if (!read.ok && read.reason === 'too-large') return { kind: 'invalid', message: `${CONFIG_PATH} in this pull request: file is larger than ${MAX_CONFIG_BYTES / 1024} KiB` };
    if (!read.ok) return { kind: 'unreadable', reason: read.reason };
    text = read.text;
  }
  const parsed = parseConfig(text, `${CONFIG_PATH} in this pull request`, { knownRuleIds });
  if (!parsed.ok) return { kind: 'invalid', message: parsed.error.message };
  return { kind: 'valid', config: parsed.config, warnings: parsed.warnings, removed: text === '' };
}

/** A note for the check run, or null when the pull request does not touch the configuration file. */
export async function previewProposedConfig(input: ConfigPreviewInput): Promise<string | null> {
  const proposed = await proposedConfig(input.source, input.changed, input.knownRuleIds);
  if (proposed.kind === 'untouched') return null;
  const lead = `This pull request changes \`${CONFIG_PATH}\`. The gate above uses the file on \`${input.defaultBranch}\`, so a change cannot switch off its own gate;`;
  if (proposed.kind === 'unreadable') return `${lead} the proposed file could not be read (${proposed.reason}), so it was not checked.`;
  if (proposed.kind === 'invalid') {
    return `${lead} the proposed file is invalid and, once merged, every review would stop with a configuration error: ${proposed.message}`;
  }
  const removed = proposed.removed ? ' (the file is removed or empty, so the defaults apply)' : '';
  const warnings = proposed.warnings.length ? ` Warnings: ${proposed.warnings.join('; ')}.` : '';
  if (isDeepStrictEqual(proposed.config, input.current)) {
    return `${lead} the proposed file${removed} is valid and configures the same review.${warnings}`;
  }
  // The proposed file's own patterns and globs are safe to run: patterns are matched by RE2 and globs
  // by an automaton, both linear in what they read (src/config/patterns.ts, src/review/glob.ts).
  let preview: ReviewResult;
  try {
    preview = await input.review(proposed.config);
  } catch (error) {
    return `${lead} the proposed file${removed} is valid; reviewing with it failed (${(error as Error).message.split('\n')[0]}).`;
  }
  const same = preview.gate.conclusion === input.now.gate.conclusion && preview.gate.reason === input.now.gate.reason;
  return `${lead} with the proposed file${removed} the gate would be **${preview.gate.conclusion}** (${preview.gate.reason})` +
    `${same ? ', as it is now' : ''}, with ${count(preview.findings.length)} (now ${input.now.findings.length}).${warnings}`;
}

function count(n: number): string {
  return `${n} finding${n === 1 ? '' : 's'}`;
}
