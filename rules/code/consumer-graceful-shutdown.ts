// rules.md rule 49: a long-running consumer with no shutdown hook that stops and closes it.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeOf, propertyName, type CallLike } from '../../src/code/ast.js';
import { findHandlers, resolveFunction, type Handler } from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
import { createCodeRule } from '../../src/review/rule.js';

const SIGNALS = new Set(['SIGTERM', 'SIGINT']);
const CLOSE_METHODS = new Set(['disconnect', 'close', 'drain', 'stop', 'pause', 'shutdown', 'removeAllListeners']);
const SHUTDOWN_LIBRARIES = ['@godaddy/terminus', 'http-terminator', 'lightship', 'close-with-grace'];
const NEST_HOOKS = new Set(['onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown']);

export default createCodeRule({
  meta: {
    id: 'consumer-graceful-shutdown',
    kind: 'code',
    severity: 'Suggestion',
    precision: 'Heuristic',
    systemTag: false,
    checklist: ['R1', 'D6'],
    failureModes: [],
    pattern: 'Graceful shutdown',
    description: 'A long-running consumer has no SIGTERM handling that stops it, drains in-flight work and closes it.',
    messages: {
      noShutdown:
        'Consumer started at line {line} has no graceful shutdown: on deploy or scale-in, in-flight messages are cut off and ' +
        'redelivered. Handle SIGTERM: stop fetching, finish in-flight work, commit, then close.',
      hookMissesConsumer:
        'Consumer started at line {line} is not closed by the shutdown hook at line {hookLine}: on deploy or scale-in, in-flight ' +
        'messages are cut off and redelivered. Have the hook stop fetching, finish in-flight work, commit, then close it.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      'Program:exit'() {
        const handlers = findHandlers(model).filter(isLongRunning);
        if (handlers.length === 0) return;
        if (SHUTDOWN_LIBRARIES.some((lib) => [...model.imports.values()].some((b) => b.module === lib))) return;
        const hooks = shutdownHooks(model);
        // A hook in an imported module (a shared `nats.ts` that drains the connection) counts too.
        const importedHooks = context.importedModels().flatMap((other) =>
          shutdownHooks(other).filter((hook) => closeCalls(other, hook).some((call) => closes(other, call, ''))));
        if (importedHooks.length > 0) return;
        for (const handler of handlers) {
          const line = model.line(handler.registration);
          if (hooks.length === 0) {
            context.report({ node: handler.registration, messageId: 'noShutdown', data: { line } });
            continue;
          }
          const consumer = consumerText(model, handler);
          if (consumer === null) continue;
          const closed = hooks.some((hook) => closeCalls(model, hook).some((call) => closes(model, call, consumer)) ||
            (handler.fn === null && setsLoopFlag(model, hook, handler)));
          if (!closed) {
            context.report({ node: handler.registration, messageId: 'hookMissesConsumer', data: { line, hookLine: model.line(hooks[0]!) } });
          }
        }
      },
    };
  },
});

/** Lambda and NestJS handlers have their lifecycle managed by the runtime or framework. */
function isLongRunning(handler: Handler): boolean {
  return handler.library !== 'lambda-sqs' && handler.library !== 'nestjs';
}

/** `process.on('SIGTERM', fn)` / `process.once(...)` bodies and NestJS lifecycle hooks. */
function shutdownHooks(model: CodeModel): TSESTree.Node[] {
  const hooks: TSESTree.Node[] = [];
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') continue;
    const obj = call.callee.object;
    const method = propertyName(call.callee);
    if (obj.type !== 'Identifier' || obj.name !== 'process' || (method !== 'on' && method !== 'once' && method !== 'addListener')) continue;
    const signal = model.stringValue(call.arguments[0]);
    if (!signal || !SIGNALS.has(signal)) continue;
    const fn = resolveFunction(model, call.arguments[1]);
    hooks.push(fn ?? call);
  }
  for (const cls of model.classes) {
    for (const member of cls.body.body) {
      if (member.type === 'MethodDefinition' && member.key.type === 'Identifier' && NEST_HOOKS.has(member.key.name)) hooks.push(member.value);
    }
  }
  return hooks;
}

/** Calls inside a hook, following one hop into local helpers (`await shutdown()`). */
function closeCalls(model: CodeModel, hook: TSESTree.Node): CallLike[] {
  const inside = model.calls.filter((c) => c.range[0] >= hook.range[0] && c.range[1] <= hook.range[1]);
  const out = [...inside];
  for (const call of inside) {
    const fn = model.calleeFunction(call);
    if (fn) out.push(...model.calls.filter((c) => c.range[0] >= fn.range[0] && c.range[1] <= fn.range[1]));
  }
  return out;
}

/** The receiver text that owns the consumer (`consumer`, `this.worker`, `ch`), or null when unknown. */
function consumerText(model: CodeModel, handler: Handler): string | null {
  const reg = handler.registration;
  if (reg.type === 'CallExpression' && reg.callee.type === 'MemberExpression') return model.text.slice(reg.callee.object.range[0], reg.callee.object.range[1]);
  if (reg.type === 'NewExpression') {
    const parent = (reg as { parent?: TSESTree.Node }).parent;
    if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    if (parent?.type === 'AssignmentExpression') return model.text.slice(parent.left.range[0], parent.left.range[1]);
    return null;
  }
  return '';
}

/** Poll loops stop through a flag: `process.on('SIGTERM', () => { running = false })` read by the loop. */
function setsLoopFlag(model: CodeModel, hook: TSESTree.Node, handler: Handler): boolean {
  const hookText = model.text.slice(hook.range[0], hook.range[1]);
  const loopScope = model.text.slice(model.regionOf(handler.registration).node.range[0], handler.registration.range[1] + 200);
  for (const match of hookText.matchAll(/([\w$.]+)\s*=\s*(true|false)\b/g)) {
    const flag = match[1]!.replace(/^this\./, '');
    if (loopScope.includes(flag)) return true;
  }
  const aborts = /\.abort\(\)/.test(hookText);
  return aborts;
}

function closes(model: CodeModel, call: CallLike, consumer: string): boolean {
  const callee = calleeOf(call);
  if (callee.type !== 'MemberExpression') return false;
  const method = propertyName(callee);
  if (!method || !CLOSE_METHODS.has(method)) return false;
  if (consumer === '') return true;
  const receiver = model.text.slice(callee.object.range[0], callee.object.range[1]);
  // Closing the connection that owns a channel also stops the channel's consumers.
  return receiver === consumer || receiver.endsWith(consumer) || consumer.endsWith(receiver) || /conn(ection)?$/i.test(receiver) || /^(nc|client)$/.test(receiver);
}
