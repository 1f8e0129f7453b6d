// Process-level memory policy for the CLI and the App (not the engine, which stays pure).
//
// A review allocates a syntax tree per file and drops it once the file's rules have run, so its
// live heap stays near 100 MB even for 1,000 files. V8's default heap growth lets the old space
// swell to several times the live size before a full collection (measured: about 600-1,000 MB peak
// RSS for a 1,000-file review, with about 80-180 MB live). Growing the heap by at most 25% per
// collection keeps the peak under 400 MB; full collections of a small live heap cost a few ms each,
// and alternated runs show no measurable slowdown (docs/benchmarks.md). 50% was not enough: a long
// concurrent marking cycle counts what is allocated meanwhile as live, the next limit grows from
// that, and on a busy host peaks reached 557-625 MB.
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 25;

let applied = false;

/** Idempotent; `ARCH_REVIEW_HEAP_GROWTH=default` leaves V8's own policy in place. */
export function limitHeapGrowth(env: NodeJS.ProcessEnv = process.env): void {
  if (applied || env.ARCH_REVIEW_HEAP_GROWTH === 'default') return;
  applied = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
