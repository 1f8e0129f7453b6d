// A hard wall-clock limit for synchronous work on the main thread: a file's parse and analysis.
// JavaScript cannot interrupt a running function, but a vm script's `timeout` can: V8 terminates
// whatever runs on the thread, including functions called from the script. One compiled script is
// reused; a call still starts and joins a watchdog thread (60-90 µs on an idle loop, more on a
// busy one), so callers with many small pieces of work batch them (the code runner runs files in
// chunks). A worker thread would also bound the time, but it would have to copy each tree back.
//
// Termination skips `finally` blocks and `catch` clauses inside `fn`: callers must be able to tell
// how far `fn` got and repair or throw away the rest.
import { Script } from 'node:vm';

export class OverTimeLimit extends Error {
  constructor(readonly limitMs: number) {
    super(`took longer than ${limitMs} ms`);
  }
}

// The script runs in this realm (`runInThisContext`): with the analysis entered through a separate
// vm context, two alternated pairs of 1,000-file reviews were 5% and 21% slower than without a
// limit; through this realm, not slower. It finds `fn` through one non-enumerable global slot.
const SLOT = '__archReviewTimeLimited';
Object.defineProperty(globalThis, SLOT, { value: null, writable: true, enumerable: false, configurable: true });
const slot = globalThis as unknown as Record<typeof SLOT, null | (() => void)>;
const call = new Script(`globalThis.${SLOT}()`);
let running = false;

/** Runs `fn`, or throws OverTimeLimit once it has run `limitMs`. `Infinity` runs it unguarded. */
export function withinTimeLimit<T>(fn: () => T, limitMs: number): T {
  // Nested watchdogs are not needed (the outer one bounds the inner work) and are avoided.
  if (!Number.isFinite(limitMs) || running) return fn();
  running = true;
  let result: T | undefined;
  slot[SLOT] = () => {
    result = fn();
  };
  try {
    call.runInThisContext({ timeout: Math.max(1, Math.floor(limitMs)) });
    return result as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new OverTimeLimit(limitMs);
    throw error;
  } finally {
    running = false;
    slot[SLOT] = null;
  }
}
