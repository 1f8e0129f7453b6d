// A per-file time budget for the Markdown parser. remark/micromark is synchronous and its time grows
// faster than its input on some shapes (measured on 2 cores: 160 KB of two-level lists about 100 s,
// 840 KB of one paragraph about 25 s), so a size cap alone cannot bound it. The parse runs in a
// worker thread; the caller waits for it synchronously (Atomics.wait) and, past the budget,
// terminates the worker and reports the file as over the time budget. The tree comes back by
// structured clone, so callers see exactly what an in-thread parse gives.
//
// If a worker cannot be started (a restricted runtime), the parse runs in-thread without a budget.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Root } from 'mdast';

export type BoundedParse = { ok: true; root: Root } | { ok: false; timedOut: boolean; error: string };

// Plain JavaScript (evaluated, so it runs the same under tsx and from dist/), loading the same
// packages the main thread uses, resolved by the main thread.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, urls } = workerData;
const ready = Promise.all([import(urls.unified), import(urls.remarkParse), import(urls.remarkGfm)]).then(
  ([u, p, g]) => u.unified().use(p.default).use(g.default),
);
// Slot 1: the parser is loaded, so the caller's budget covers parsing only.
void ready.then(() => {
  Atomics.store(flag, 1, 1);
  Atomics.notify(flag, 1);
}, () => undefined);
port.on('message', async ({ seq, text }) => {
  let reply;
  try {
    reply = { seq, root: (await ready).parse(text) };
  } catch (error) {
    reply = { seq, error: error && error.message ? String(error.name) + ': ' + error.message : String(error) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, seq);
  Atomics.notify(flag, 0);
});
`;

interface Channel {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  seq: number;
  /** The worker has loaded the parser (slot 1 of `flag`). */
  started: boolean;
}

/** Extra wait on a worker's first parse, while it loads the parser modules. */
const STARTUP_ALLOWANCE_MS = 15_000;

let channel: Channel | null = null;
let unavailable = false;

function open(): Channel | null {
  if (channel) return channel;
  if (unavailable) return null;
  try {
    const urls = {
      unified: import.meta.resolve('unified'),
      remarkParse: import.meta.resolve('remark-parse'),
      remarkGfm: import.meta.resolve('remark-gfm'),
    };
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag, urls }, transferList: [port2] });
    worker.unref();
    port1.unref();
    worker.on('error', () => {
      if (channel?.worker === worker) channel = null;
    });
    channel = { worker, port: port1, flag, seq: 0, started: false };
    return channel;
  } catch {
    unavailable = true;
    return null;
  }
}

/**
 * Parses `text` with `parse` in a worker, giving up after `budgetMs`. `inThread` is the fallback
 * when no worker can run.
 */
export function parseWithBudget(text: string, budgetMs: number, inThread: (text: string) => Root): BoundedParse {
  const c = open();
  if (!c) {
    try {
      return { ok: true, root: inThread(text) };
    } catch (error) {
      return { ok: false, timedOut: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }
  if (!c.started) {
    // Loading the parser is not the file's fault: wait for it apart from the budget.
    const until = Date.now() + STARTUP_ALLOWANCE_MS;
    while (Atomics.load(c.flag, 1) !== 1 && Date.now() < until) Atomics.wait(c.flag, 1, 0, until - Date.now());
    c.started = true;
  }
  const seq = ++c.seq;
  c.port.postMessage({ seq, text });
  const deadline = Date.now() + budgetMs;
  while (Atomics.load(c.flag, 0) !== seq) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    Atomics.wait(c.flag, 0, Atomics.load(c.flag, 0), left);
  }
  if (Atomics.load(c.flag, 0) !== seq) {
    // Over budget: this worker is busy for as long as the parse takes; drop it and start afresh next time.
    channel = null;
    void c.worker.terminate();
    c.port.close();
    return { ok: false, timedOut: true, error: `parsing took longer than the ${Math.round(budgetMs / 1000)} s budget` };
  }
  // Replies to earlier, abandoned requests cannot be queued here: a timed-out worker is replaced.
  let reply = receiveMessageOnPort(c.port)?.message as { seq: number; root?: Root; error?: string } | undefined;
  while (reply && reply.seq !== seq) reply = receiveMessageOnPort(c.port)?.message as typeof reply;
  if (!reply) return { ok: false, timedOut: false, error: 'the parser worker gave no answer' };
  return reply.root ? { ok: true, root: reply.root } : { ok: false, timedOut: false, error: reply.error ?? 'unknown parser error' };
}
