// The in-process review queue: webhooks are answered at once and reviews run here, a few at a time.
// One run per pull request at a time; a newer head SHA replaces a waiting run and marks a running
// one as superseded, which then concludes its check run instead of finishing (the latest head wins,
// and nothing is left in progress).

export interface RunSignal {
  /** The newer head SHA that made this run obsolete, or null while it is still current. */
  supersededBy(): string | null;
}

export interface QueueTask<T> {
  /** One key per pull request (or per repository and SHA while the pull request is unknown). */
  key: string;
  headSha: string;
  /** A user asked for this run (re-run, command): it is not a duplicate of a run for the same SHA. */
  explicit: boolean;
  /**
   * False for a run brought back for an older commit (a retry): it must not mark the running review
   * of a newer head as superseded, as a new push does.
   */
  supersedes?: boolean;
  data: T;
}

export type EnqueueResult = 'queued' | 'coalesced' | 'duplicate' | 'full';

export interface QueueOptions<T> {
  concurrency: number;
  maxPending: number;
  run: (task: QueueTask<T>, signal: RunSignal) => Promise<void>;
  /** Combines a waiting task with the newer one that replaces it (e.g. keeps a requested summary). */
  merge?: (older: QueueTask<T>, newer: QueueTask<T>) => QueueTask<T>;
  onError?: (error: unknown, task: QueueTask<T>) => void;
  /**
   * Asked before runs start: null lets them start now, a promise holds them (still counted as
   * pending) until it settles. main.ts waits for a lull in webhook traffic (server.ts
   * `RequestActivity`), so a burst of deliveries is answered before reviews take the event loop.
   */
  startGate?: () => Promise<void> | null;
}

interface Running<T> {
  task: QueueTask<T>;
  supersededBy: string | null;
}

export class ReviewQueue<T> {
  readonly #options: QueueOptions<T>;
  readonly #pending = new Map<string, QueueTask<T>>();
  readonly #running = new Map<string, Running<T>>();
  #idleWaiters: (() => void)[] = [];
  #gated = false;

  constructor(options: QueueOptions<T>) {
    this.#options = options;
  }

  enqueue(task: QueueTask<T>): EnqueueResult {
    const running = this.#running.get(task.key);
    if (running && running.task.headSha === task.headSha && !task.explicit && running.supersededBy === null) return 'duplicate';
    // A command run learns its SHA only once it starts, so it is never superseded.
    if (running && task.supersedes !== false && running.task.headSha && task.headSha && running.task.headSha !== task.headSha) running.supersededBy = task.headSha;

    const waiting = this.#pending.get(task.key);
    if (waiting) {
      if (waiting.headSha === task.headSha && !task.explicit) return 'duplicate';
      this.#pending.set(task.key, this.#options.merge?.(waiting, task) ?? task);
      return 'coalesced';
    }
    if (this.#pending.size >= this.#options.maxPending) return 'full';
    this.#pending.set(task.key, task);
    this.#pump();
    return 'queued';
  }

  stats(): { pending: number; running: number } {
    return { pending: this.#pending.size, running: this.#running.size };
  }

  /** Resolves when nothing is queued or running (tests, graceful shutdown). */
  idle(): Promise<void> {
    if (this.#pending.size === 0 && this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    if (this.#gated || !this.#canStart()) return;
    const gate = this.#options.startGate?.() ?? null;
    if (gate) {
      this.#gated = true;
      void gate
        .catch(() => undefined)
        .then(() => {
          this.#gated = false;
          this.#pump();
        });
      return;
    }
    for (const [key, task] of this.#pending) {
      if (this.#running.size >= this.#options.concurrency) return;
      if (this.#running.has(key)) continue;
      this.#pending.delete(key);
      this.#start(task);
    }
  }

  /** A waiting task whose pull request has no run in progress, and a free slot. */
  #canStart(): boolean {
    if (this.#running.size >= this.#options.concurrency) return false;
    for (const key of this.#pending.keys()) if (!this.#running.has(key)) return true;
    return false;
  }

  #start(task: QueueTask<T>): void {
    const entry: Running<T> = { task, supersededBy: null };
    this.#running.set(task.key, entry);
    const signal: RunSignal = { supersededBy: () => entry.supersededBy };
    void this.#options
      .run(task, signal)
      .catch((error: unknown) => this.#options.onError?.(error, task))
      .finally(() => {
        this.#running.delete(task.key);
        this.#pump();
        if (this.#pending.size === 0 && this.#running.size === 0) {
          const waiters = this.#idleWaiters;
          this.#idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      });
  }
}
