// A second try for files whose nesting is too deep for the main thread's stack. typescript-estree
// converts the syntax tree recursively, and with Node's default stack (about 1 MB) ordinary code
// overflows it: measured, a 900-term string concatenation, 500 nested `if`s, 200 nested callbacks.
// V8's stack size is fixed when a thread starts, so the retry parses in a worker started with a
// large stack and takes the tree back by structured clone (plain objects, RegExp and bigint values
// included). The caller waits synchronously, at most `budgetMs`, as the Markdown worker does
// (src/artifacts/bounded-parse.ts). Rare by construction: only a file that overflowed comes here.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { TSESTree, TSESTreeOptions } from '@typescript-eslint/typescript-estree';

/**
 * The worker's stack, 64 times V8's default. The tree must still be rebuilt on this thread's stack,
 * which bounds what the retry can rescue (measured: a 1,500-term concatenation comes back, a
 * 2,000-term one overflows in the copy and stays unparseable). A retry blocks the thread for about
 * 0.4 s (a worker's start); a retry the code runner's watchdog cuts short leaves its worker to
 * finish its parse and exit (it is unreferenced).
 */
const STACK_MB = 64;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, url, text, options } = workerData;
import(url).then(({ parse }) => {
  let reply;
  try {
    reply = { ast: parse(text, options) };
  } catch (error) {
    reply = { error: error && error.message ? String(error.message) : String(error), lineNumber: error && error.lineNumber };
  }
  port.postMessage(reply);
}, (error) => port.postMessage({ error: 'the parser could not be loaded: ' + String(error && error.message) })).finally(() => {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export type DeepParse =
  | { ok: true; ast: TSESTree.Program }
  | { ok: false; timedOut: boolean; error: string; lineNumber?: number };

export function parseWithDeepStack(text: string, options: TSESTreeOptions, budgetMs: number): DeepParse {
  let worker: Worker;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag, url: import.meta.resolve('@typescript-eslint/typescript-estree'), text, options },
      transferList: [port2],
      resourceLimits: { stackSizeMb: STACK_MB },
    });
  } catch (error) {
    port1.close();
    return { ok: false, timedOut: false, error: `no worker for a deeper stack: ${(error as Error).message}` };
  }
  worker.unref();
  try {
    const deadline = Date.now() + (Number.isFinite(budgetMs) ? budgetMs : 60_000);
    while (Atomics.load(flag, 0) !== 1) {
      const left = deadline - Date.now();
      if (left <= 0) return { ok: false, timedOut: true, error: 'parsing with a deeper stack ran out of time' };
      Atomics.wait(flag, 0, 0, left);
    }
    let reply: { ast?: TSESTree.Program; error?: string; lineNumber?: number } | undefined;
    try {
      // The clone is rebuilt on this thread's stack; a tree deep enough to overflow it fails here.
      reply = receiveMessageOnPort(port1)?.message as typeof reply;
    } catch (error) {
      return { ok: false, timedOut: false, error: (error as Error).message };
    }
    if (reply?.ast) return { ok: true, ast: reply.ast };
    return { ok: false, timedOut: false, error: reply?.error ?? 'the parser worker gave no answer', ...(reply?.lineNumber ? { lineNumber: reply.lineNumber } : {}) };
  } finally {
    port1.close();
    void worker.terminate();
  }
}
