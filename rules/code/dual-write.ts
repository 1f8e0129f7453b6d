// rules.md rule 1: a DB write and a broker publish committed independently in one region.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunction, propertyName, type CallLike, type FunctionLike } from '../../src/code/ast.js';
import type { CodeModel, Effect, Region } from '../../src/code/model.js';
import { compiledPatterns } from '../../src/config/patterns.js';
import { createCodeRule } from '../../src/review/rule.js';

type Variant = 'commit-then-publish' | 'publish-inside-transaction';

export default createCodeRule({
  meta: {
    id: 'dual-write',
    kind: 'code',
    severity: 'Critical',
    precision: 'High',
    systemTag: false,
    checklist: ['R8', 'R1', 'D2'],
    antiPattern: 'dual-write',
    failureModes: ['lost-publish'],
    pattern: 'Transactional Outbox',
    description: 'A database write and a broker publish commit separately; a crash between them loses or invents an event.',
    messages: {
      dualWrite:
        'Dual-write: {write} (line {writeLine}) and {publish} commit to two systems with no shared transaction ({variant}). ' +
        'A crash between them {consequence}. Pattern: Transactional Outbox; insert the event into the outbox table in the ' +
        'same DB transaction and let a CDC connector or outbox relay publish it.',
    },
  },
  create(context) {
    const { model } = context;
    const dlqChannel = compiledPatterns(context.config).dlqChannel;
    return {
      'Program:exit'() {
        // A deferred callback is both its own region and part of the region that schedules it.
        const reported = new Set<CallLike>();
        for (const region of model.regions()) {
          const writes: Effect[] = [];
          const publishes: Effect[] = [];
          const outboxTransactions = new Set<TSESTree.Node>();
          for (const call of pathCalls(model, region)) {
            for (const effect of model.effectsOf(call)) {
              if (effect.kind === 'dbWrite' && !model.isOutboxTarget(effect.target)) writes.push(effect);
              else if (effect.kind === 'dbWrite') {
                const tx = model.transactionOf(effect.call);
                if (tx) outboxTransactions.add(tx.opener);
              }
              if (effect.kind === 'publish') publishes.push(effect);
            }
          }
          if (writes.length === 0 || publishes.length === 0) continue;
          // A write committed with an outbox row already has its event: a publish after the commit
          // (an eager dispatch, a relay wake-up) is a duplicate the relay makes anyway, not a lost one.
          const outboxed = (write: Effect) => {
            const tx = model.transactionOf(write.call);
            return tx !== null && outboxTransactions.has(tx.opener);
          };
          for (const publish of publishes) {
            if (reported.has(publish.call)) continue;
            if (publish.channel && dlqChannel.test(publish.channel) && isDeadLetterBranch(model, publish.call, writes)) continue;
            const pairing = pairFor(model, publish, writes, outboxed);
            if (!pairing) continue;
            reported.add(publish.call);
            const { write, variant } = pairing;
            const precise = publish.via === 'binding' && write.via === 'binding';
            context.report({
              node: publish.call,
              messageId: 'dualWrite',
              data: {
                write: write.description,
                writeLine: model.line(write.call),
                publish: publish.description,
                variant,
                consequence: variant === 'commit-then-publish' ? 'loses the event' : 'emits an event for a rolled-back write',
              },
              variant,
              precision: precise ? 'High' : 'Medium',
              ...(publish.channel ? { channel: publish.channel } : {}),
              related: [
                { path: context.path, line: model.line(write.call), note: 'DB write' },
                ...write.related.map((r) => ({ path: context.path, line: r.line, note: r.note })),
                ...publish.related.map((r) => ({ path: context.path, line: r.line, note: r.note })),
              ],
            });
          }
        }
      },
    };
  },
});

const DEFERRING_FUNCTIONS = new Set(['setImmediate', 'setTimeout', 'queueMicrotask']);
const MAX_DEFERRAL_DEPTH = 3;

/** The inline callback a call schedules to run once the current function has moved on. */
function deferredCallback(call: CallLike): FunctionLike | null {
  if (call.type !== 'CallExpression') return null;
  const callee = call.callee;
  let deferring = callee.type === 'Identifier' && DEFERRING_FUNCTIONS.has(callee.name);
  if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier') {
    const method = propertyName(callee) ?? '';
    const owner = callee.object.name;
    deferring = owner === 'process' ? method === 'nextTick' : (owner === 'globalThis' || owner === 'global') && DEFERRING_FUNCTIONS.has(method);
  }
  const fn = deferring ? call.arguments[0] : undefined;
  return fn && isFunction(fn) ? fn : null;
}

/**
 * The region's calls plus those of the callbacks it defers (`setImmediate(() => producer.send(...))`,
 * `process.nextTick`, `setTimeout`): they run after the region's writes, on the same path, and a
 * crash before they run loses the event just as a later publish would.
 */
function pathCalls(model: CodeModel, region: Region): CallLike[] {
  const out: CallLike[] = [];
  const visit = (current: Region, depth: number) => {
    for (const call of model.callsIn(current)) {
      out.push(call);
      const fn = depth < MAX_DEFERRAL_DEPTH ? deferredCallback(call) : null;
      // A poller scheduling its own next run (`setTimeout(() => tick(id), 1000)`) starts a new path.
      const deferred = fn && !callsOnlyItsCaller(model, fn, region) ? model.regionOf(fn.body) : null;
      if (deferred && deferred !== current) visit(deferred, depth + 1);
    }
  };
  visit(region, 0);
  return out;
}

/** The deferred callback does nothing but call the function it is deferred from (again). */
function callsOnlyItsCaller(model: CodeModel, fn: FunctionLike, region: Region): boolean {
  const calls = model.callsIn(model.regionOf(fn.body));
  const own = region.name;
  return calls.length > 0 && calls.every((c) => c.type === 'CallExpression' && (
    (c.callee.type === 'Identifier' && c.callee.name === own) ||
    (c.callee.type === 'MemberExpression' && c.callee.object.type === 'ThisExpression' && propertyName(c.callee) === own)));
}

/** The first write on a common path with the publish, and which way round they commit. */
function pairFor(model: CodeModel, publish: Effect, writes: Effect[], outboxed: (write: Effect) => boolean): { write: Effect; variant: Variant } | null {
  const publishTx = model.transactionOf(publish.call);
  for (const write of writes) {
    if (model.exclusive(write.call, publish.call)) continue;
    const writeTx = model.transactionOf(write.call);
    if (writeTx && publishTx && writeTx.opener === publishTx.opener) return { write, variant: 'publish-inside-transaction' };
    if (model.precedes(write.call, publish.call)) {
      if (outboxed(write)) continue;
      return { write, variant: 'commit-then-publish' };
    }
    if (model.precedes(publish.call, write.call)) return { write, variant: 'publish-inside-transaction' };
  }
  return null;
}

/** rules.md rule 1 step 2: a dead-letter publish in a `catch` whose `try` holds every write. */
function isDeadLetterBranch(model: CodeModel, publish: CallLike, writes: Effect[]): boolean {
  return model.enclosingTries(publish).some(
    (tryStatement: TSESTree.TryStatement) =>
      model.tryPart(publish, tryStatement) === 'catch' &&
      writes.every((write) => model.tryPart(write.call, tryStatement) === 'try'),
  );
}
