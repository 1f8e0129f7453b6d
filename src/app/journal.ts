// The run journal: the reviews this process has accepted and not yet concluded, kept in a small JSON
// file. GitHub does not redeliver a webhook that was answered 202, so a review queued or running when
// the process dies (a deploy, an OOM kill, a crash) would otherwise leave its pull request without a
// check run, or with one stuck `in_progress`. At start the App takes every entry up again as a
// `recover` run, which finishes a run left in progress instead of creating a second one
// (review-pr.ts), and concludes it as superseded when the pull request has moved on.
//
// Writes are coalesced (one write in flight, the latest state wins) and atomic (temp file + rename),
// so a burst of deliveries costs a few small writes, and a kill mid-write leaves the previous file.
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReviewJob } from './review-pr.js';

export interface JournalEntry {
  /** The installation whose token the run uses. */
  installationId: number;
  job: ReviewJob;
  /** When the run was accepted (ms since the epoch). */
  since: number;
}

/** Entries older than this are dropped at start: a week-old run is better re-requested by a person. */
const MAX_AGE_MS = 3 * 24 * 3600_000;
/** A bound on the file, whatever happens to the queue. */
const MAX_ENTRIES = 5_000;

export function journalId(job: Pick<ReviewJob, 'owner' | 'repo' | 'number' | 'headSha'>): string {
  return `${job.owner}/${job.repo}#${job.number}@${job.headSha}`;
}

export class RunJournal {
  readonly path: string | null;
  readonly #entries = new Map<string, JournalEntry>();
  #dirty = false;
  #writing: Promise<void> | null = null;

  /** `null`: keep nothing (tests, or a deployment that opts out). */
  constructor(path: string | null, now: number = Date.now()) {
    this.path = path;
    if (!path) return;
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { entries?: JournalEntry[] };
      for (const e of parsed.entries ?? []) {
        if (!isEntry(e) || now - e.since > MAX_AGE_MS) continue;
        this.#entries.set(journalId(e.job), e);
      }
    } catch {
      // No journal yet, or an unreadable one: nothing to recover.
    }
  }

  entries(): JournalEntry[] {
    return [...this.#entries.values()];
  }

  has(job: ReviewJob): boolean {
    return this.#entries.has(journalId(job));
  }

  put(installationId: number | null, job: ReviewJob): void {
    if (installationId === null || !this.path) return;
    const id = journalId(job);
    const existing = this.#entries.get(id);
    if (existing && existing.job.summaryComment === job.summaryComment) return;
    if (!existing && this.#entries.size >= MAX_ENTRIES) return;
    // Only what recovery needs: an accept is a person's one-off request and is not replayed.
    const { accept: _accept, ...rest } = job;
    this.#entries.set(id, { installationId, job: rest, since: existing?.since ?? Date.now() });
    this.#schedule();
  }

  delete(job: Pick<ReviewJob, 'owner' | 'repo' | 'number' | 'headSha'>): void {
    if (this.#entries.delete(journalId(job))) this.#schedule();
  }

  /** Resolves when the file holds the current entries. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  #schedule(): void {
    if (!this.path) return;
    this.#dirty = true;
    this.#writing ??= this.#write().finally(() => {
      this.#writing = null;
    });
  }

  async #write(): Promise<void> {
    const path = this.path!;
    const tmp = `${path}.${process.pid}.tmp`;
    mkdirSync(dirname(path), { recursive: true });
    while (this.#dirty) {
      this.#dirty = false;
      const text = JSON.stringify({ version: 1, entries: this.entries() });
      try {
        await writeFile(tmp, text, { mode: 0o600 });
        await rename(tmp, path);
      } catch {
        // A full or read-only disk loses crash recovery, never a review.
      }
    }
  }
}

function isEntry(value: unknown): value is JournalEntry {
  const e = value as JournalEntry;
  return (
    typeof e === 'object' && e !== null &&
    typeof e.installationId === 'number' && typeof e.since === 'number' &&
    typeof e.job === 'object' && e.job !== null &&
    typeof e.job.owner === 'string' && typeof e.job.repo === 'string' && typeof e.job.number === 'number' &&
    typeof e.job.headSha === 'string' && /^[0-9a-f]{40}$/.test(e.job.headSha) && typeof e.job.defaultBranch === 'string'
  );
}
