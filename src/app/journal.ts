// The run journal: the reviews this process has accepted and not yet concluded, kept in a small JSON
// file. GitHub does not redeliver a webhook that was answered 202, so a review queued or running when
// the process dies (a deploy, an OOM kill, a crash) would otherwise leave its pull request without a
// check run, or with one stuck `in_progress`. At start the App takes every entry up again as a
// `recover` run, which finishes a run left in progress instead of creating a second one
// (review-pr.ts), and concludes it as superseded when the pull request has moved on.
//
// Writes are coalesced (one write in flight, the latest state wins) and atomic (temp file + rename),
// so a burst of deliveries costs a few small writes, and a kill mid-write leaves the previous file.
// The journal never stops a review: a file it cannot read is set aside and the journal starts empty,
// a file it cannot write only costs crash recovery; both are logged.
//
// One file per process: each process rewrites the whole file with its own runs, so two replicas
// sharing one would erase each other's entries and recover each other's runs.
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Log, ReviewJob } from './review-pr.js';

export interface JournalEntry {
  /** The installation whose token the run uses. */
  installationId: number;
  job: ReviewJob;
  /** When the run was accepted (ms since the epoch). */
  since: number;
}

export interface JournalOptions {
  /** The clock at start, for dropping old entries (tests). */
  now?: number;
  /** Where problems with the file are reported; one line on stderr by default. */
  log?: Pick<Log, 'info' | 'warn'>;
}

/** Entries older than this are dropped at start: a run days old is better re-requested by a person. */
export const MAX_AGE_MS = 3 * 24 * 3600_000;
/** A bound on the file, whatever happens to the queue. */
export const MAX_ENTRIES = 5_000;

export function journalId(job: Pick<ReviewJob, 'owner' | 'repo' | 'number' | 'headSha'>): string {
  return `${job.owner}/${job.repo}#${job.number}@${job.headSha}`;
}

/** The default log: main.ts builds the journal before Probot's logger is in reach of it. */
const stderrLog: Pick<Log, 'info' | 'warn'> = {
  info: () => undefined,
  warn: (obj, msg) => console.warn(`arch-review: ${msg ?? ''} ${typeof obj === 'string' ? obj : JSON.stringify(obj)}`.trim()),
};

export class RunJournal {
  readonly path: string | null;
  readonly #entries = new Map<string, JournalEntry>();
  readonly #log: Pick<Log, 'info' | 'warn'>;
  #dirty = false;
  #writing: Promise<void> | null = null;
  #writeFailing = false;
  #fullWarned = false;

  /** `null`: keep nothing (`RUN_JOURNAL=off`, or tests). */
  constructor(path: string | null, options: JournalOptions = {}) {
    this.path = path;
    this.#log = options.log ?? stderrLog;
    if (path) this.#load(path, options.now ?? Date.now());
  }

  #load(path: string, now: number): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      // No journal yet is the ordinary first start.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#unreadable(path, error, false);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      this.#unreadable(path, error, true);
      return;
    }
    const list = (parsed as { entries?: unknown } | null)?.entries;
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray(list)) {
      this.#unreadable(path, new Error('not a run journal (no "entries" list)'), true);
      return;
    }
    let malformed = 0;
    let old = 0;
    for (const e of list) {
      if (!isEntry(e)) malformed++;
      else if (now - e.since > MAX_AGE_MS) old++;
      else if (this.#entries.size < MAX_ENTRIES) this.#entries.set(journalId(e.job), e);
    }
    if (malformed > 0) this.#log.warn({ journal: path, malformed }, 'run journal: skipped malformed entries; those runs are not recovered');
    if (old > 0) this.#log.info({ journal: path, dropped: old }, 'run journal: dropped runs accepted more than 3 days ago');
  }

  /** A file that is there but cannot be used: say so, keep it aside for a person, start empty. */
  #unreadable(path: string, error: unknown, setAside: boolean): void {
    let keptAs: string | null = null;
    if (setAside) {
      try {
        renameSync(path, `${path}.corrupt`);
        keptAs = `${path}.corrupt`;
      } catch {
        // The next write replaces it.
      }
    }
    this.#log.warn(
      { journal: path, err: (error as Error)?.message ?? String(error), ...(keptAs ? { keptAs } : {}) },
      'run journal unreadable: starting with an empty journal; runs accepted before this start are not recovered',
    );
  }

  entries(): JournalEntry[] {
    return [...this.#entries.values()];
  }

  has(job: Pick<ReviewJob, 'owner' | 'repo' | 'number' | 'headSha'>): boolean {
    return this.#entries.has(journalId(job));
  }

  /** Records an accepted run (once per pull request and head; a later summary request is kept). */
  put(installationId: number | null, job: ReviewJob): void {
    // Without an installation a recovered run could not authenticate.
    if (installationId === null || !this.path) return;
    const id = journalId(job);
    const existing = this.#entries.get(id);
    if (existing && existing.job.summaryComment === job.summaryComment) return;
    if (!existing && this.#entries.size >= MAX_ENTRIES) {
      if (!this.#fullWarned) this.#log.warn({ journal: this.path, max: MAX_ENTRIES }, 'run journal full: further runs are not recovered after a restart');
      this.#fullWarned = true;
      return;
    }
    // Only what recovery needs: an accept is a person's one-off request and is not replayed.
    const { accept: _accept, ...rest } = job;
    this.#entries.set(id, { installationId, job: rest, since: existing?.since ?? Date.now() });
    this.#schedule();
  }

  /** Forgets a concluded run. */
  delete(job: Pick<ReviewJob, 'owner' | 'repo' | 'number' | 'headSha'>): void {
    if (this.#entries.delete(journalId(job))) {
      if (this.#entries.size < MAX_ENTRIES) this.#fullWarned = false;
      this.#schedule();
    }
  }

  /** Resolves when the file holds the current entries (or the last write failed); never rejects. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  #schedule(): void {
    if (!this.path) return;
    this.#dirty = true;
    if (this.#writing) return;
    this.#writing = this.#write().finally(() => {
      this.#writing = null;
      // A change made after the write loop's last check, before this ran, still gets written.
      if (this.#dirty) this.#schedule();
    });
  }

  /** Never rejects: a failed write costs crash recovery, never a review. */
  async #write(): Promise<void> {
    const path = this.path!;
    const tmp = `${path}.${process.pid}.tmp`;
    while (this.#dirty) {
      this.#dirty = false;
      try {
        const text = JSON.stringify({ version: 1, entries: this.entries() });
        mkdirSync(dirname(path), { recursive: true });
        await writeFile(tmp, text, { mode: 0o600 });
        await rename(tmp, path);
        if (this.#writeFailing) this.#log.warn({ journal: path }, 'run journal written again');
        this.#writeFailing = false;
      } catch (error) {
        // A full or read-only disk: said once, until a write succeeds again.
        if (!this.#writeFailing) {
          this.#log.warn({ journal: path, err: (error as Error)?.message ?? String(error) }, 'run journal could not be written: runs accepted now are not recovered after a restart');
        }
        this.#writeFailing = true;
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
