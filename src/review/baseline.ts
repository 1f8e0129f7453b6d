// The baseline file: findings a team has decided to live with while it adopts a stricter gate
// (`gate.scope: all`, `arch-review review --all`). Keyed by fingerprint, which is line-independent
// (rules.md §1.4), so edits around a baselined finding keep it baselined; a finding whose
// fingerprint is not in the file is never hidden. `arch-review baseline` writes it and
// `arch-review baseline --prune` drops entries that no longer match anything (docs/configuration.md).
//
// Like the configuration, it is read where a change cannot rewrite it for itself: the App reads both
// from the default branch, the CLI at the base commit (at head only with `--all`).
import { z } from 'zod';
import type { ReadResult, ReviewSource } from './source.js';
import type { Finding, Side } from './types.js';

export const BASELINE_PATH = '.github/arch-review-baseline.json';
export const MAX_BASELINE_BYTES = 4 * 1024 * 1024;

const entry = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{40}$/, 'a fingerprint is 40 hexadecimal characters'),
  ruleId: z.string(),
  path: z.string(),
  /** For the people reading the file in a diff; never compared. */
  message: z.string().optional(),
}).strict();

const fileSchema = z.object({ version: z.literal(1), findings: z.array(entry) }).strict();

export type BaselineEntry = z.infer<typeof entry>;

export interface Baseline {
  fingerprints: ReadonlySet<string>;
  /** Why the file was not applied, for the coverage notes; null when it was (or there is none). */
  note: string | null;
}

export const NO_BASELINE: Baseline = { fingerprints: new Set(), note: null };

export function parseBaseline(text: string, where = BASELINE_PATH): { ok: true; entries: BaselineEntry[] } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${where}: not JSON (${(error as Error).message})` };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, entries: parsed.data.findings };
}

/** The baseline at one side; a broken file applies nothing and says why, never stops the review. */
export async function readBaseline(source: Pick<ReviewSource, 'readFile'>, side: Side): Promise<Baseline> {
  return baselineOf(await source.readFile(side, BASELINE_PATH, MAX_BASELINE_BYTES));
}

/** The baseline from a read of its file, however it was read (a source, or the App's state query). */
export function baselineOf(read: ReadResult): Baseline {
  if (!read.ok) {
    if (read.reason === 'missing') return NO_BASELINE;
    const why = read.reason === 'too-large' ? `too large to read${read.bytes === undefined ? '' : ` (${read.bytes} bytes)`}` : `a ${read.reason} file`;
    return { fingerprints: new Set(), note: `baseline not applied: ${BASELINE_PATH} is ${why}` };
  }
  const parsed = parseBaseline(read.text);
  if (!parsed.ok) return { fingerprints: new Set(), note: `baseline not applied: ${parsed.message}` };
  return { fingerprints: new Set(parsed.entries.map((e) => e.fingerprint)), note: null };
}

/** One entry per fingerprint, for the findings at head (removed ones are not there to baseline). */
export function baselineEntries(findings: readonly Pick<Finding, 'fingerprint' | 'ruleId' | 'location' | 'message' | 'status'>[]): BaselineEntry[] {
  const seen = new Set<string>();
  const entries: BaselineEntry[] = [];
  for (const f of findings) {
    if (f.status === 'removed' || seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    entries.push({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.location.path, message: f.message.length > 160 ? `${f.message.slice(0, 157)}...` : f.message });
  }
  return entries;
}

/** The file's text: entries sorted by path, rule and fingerprint, so its diffs stay small. */
export function serializeBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort((a, b) => compare(a.path, b.path) || compare(a.ruleId, b.ruleId) || compare(a.fingerprint, b.fingerprint));
  return `${JSON.stringify({ version: 1, findings: sorted }, null, 2)}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
