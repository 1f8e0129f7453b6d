// Consumer entry points (rules.md §2.4) and ack / settle calls (§2.5): where a message enters the
// code, which identifiers hold it, how the library settles it, and which calls acknowledge it.
// Computed once per file model from the facts the shared traversal collected.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  argumentsOf,
  calleeOf,
  calleeText,
  type CallLike,
  contains,
  enclosingClass,
  type FunctionLike,
  isFunction,
  keyName,
  objectProperty,
  parentOf,
  propertyName,
  unwrap,
} from './ast.js';
import type { CodeModel, EffectVia } from './model.js';
import { walk } from './values.js';
import type { Pattern } from '../config/patterns.js';

export type HandlerLibrary =
  | 'kafkajs' | 'node-rdkafka' | 'amqplib' | 'sqs' | 'lambda-sqs' | 'pubsub' | 'nats' | 'jetstream'
  | 'bullmq' | 'redis-streams' | 'nestjs' | 'sqs-consumer';

export type HandlerKind =
  | 'eachMessage' | 'eachBatch' | 'data-event' | 'consume' | 'message-event' | 'receive-loop'
  | 'records-loop' | 'subscribe-callback' | 'iterator' | 'worker' | 'stream-loop' | 'decorated' | 'consumer-callback';

export interface Handler {
  library: HandlerLibrary;
  kind: HandlerKind;
  /** Where the handler is wired: the registration call, the loop, or the decorated method. */
  registration: TSESTree.Node;
  fn: FunctionLike | null;
  /** The code that runs per message: a function body or a loop body. */
  root: TSESTree.Node;
  /** Identifiers bound to the current message (`msg`, `message`, `job`, `record`). */
  messageNames: Set<string>;
  channel: string | null;
  /** Options object of the registration (consume options, run options, worker options). */
  options: TSESTree.ObjectExpression | null;
  via: 'binding' | 'name';
  /** rules.md §2.4: every entry point is at-least-once except noAck, NATS core and AckPolicy.None. */
  atLeastOnce: boolean;
  /** The framework acknowledges or commits when the handler returns (kafkajs, BullMQ, NestJS, Lambda). */
  implicitSettlement: boolean;
  /** NestJS handlers: the decorator that registers the method (`EventPattern`, `MessagePattern`, ...). */
  decorator?: string;
  /**
   * Found by its parameter's library type (`payload: EachMessagePayload`) on an exported function
   * another file registers: the registration, its options and its channel are not in this file.
   */
  typed?: true;
}

export interface AckCall {
  call: CallLike;
  kind: 'positive' | 'negative';
  /** For negative acks: whether the broker requeues (amqplib defaults to true). */
  requeue: boolean | null;
  /** Whether the call names the handler's current message. */
  onMessage: boolean;
  description: string;
  /** How the acknowledging receiver was resolved; `summary` when a local helper performs the ack. */
  via?: 'binding' | 'name' | 'summary' | 'wrapper';
}

/** Project acknowledgement helpers from the configuration (`wrappers.ack`). */
export interface AckOptions {
  ackWrappers?: readonly string[];
}

const NEST_DECORATORS: Record<string, Set<string>> = {
  '@nestjs/microservices': new Set(['MessagePattern', 'EventPattern']),
  '@golevelup/nestjs-rabbitmq': new Set(['RabbitSubscribe', 'RabbitRPC']),
  '@ssut/nestjs-sqs': new Set(['SqsMessageHandler']),
  '@nestjs/bull': new Set(['Process']),
  '@nestjs/bullmq': new Set(['Process']),
};

const cache = new WeakMap<CodeModel, Handler[]>();
const typedCache = new WeakMap<CodeModel, Handler[]>();

/**
 * Library types whose value is one delivery, and that only a handler takes: a function taking one as
 * its first parameter handles it. BullMQ's `Job` and Pub/Sub's `Message` are not among them: event
 * listeners (`worker.on('completed', onCompleted)`) and helpers take them too.
 */
const HANDLER_TYPES: Record<string, { library: HandlerLibrary; kind: HandlerKind; implicitSettlement: boolean }> = {
  'kafkajs#EachMessagePayload': { library: 'kafkajs', kind: 'eachMessage', implicitSettlement: true },
  'kafkajs#EachBatchPayload': { library: 'kafkajs', kind: 'eachBatch', implicitSettlement: true },
  'amqplib#ConsumeMessage': { library: 'amqplib', kind: 'consume', implicitSettlement: false },
};

/**
 * The file's entry points plus, with `typed`, exported functions whose first parameter has a
 * consumer library's delivery type (`handlePayment({ message }: EachMessagePayload)`): handlers that
 * another file registers (`eachMessage: handlePayment`). Only rules that read the handler's body ask
 * for them; its registration options and channel are in the other file.
 */
export function findHandlers(model: CodeModel, options: { typed?: boolean } = {}): Handler[] {
  const registered = registeredHandlers(model);
  if (!options.typed) return registered;
  let typed = typedCache.get(model);
  if (!typed) {
    typed = typedHandlers(model, registered);
    typedCache.set(model, typed);
  }
  return typed.length === 0 ? registered : [...registered, ...typed];
}

function typedHandlers(model: CodeModel, registered: Handler[]): Handler[] {
  const out: Handler[] = [];
  // A function this file's own handlers run (as the handler or a helper they call) is read through them.
  let known: Set<FunctionLike> | null = null;
  const reached = () => {
    known ??= new Set(registered.flatMap((h) => [h.fn, ...callsInHandler(model, h).map((c) => model.calleeFunction(c))]).filter((fn): fn is FunctionLike => !!fn));
    return known;
  };
  for (const fn of model.functions) {
    const param = fn.params[0];
    const annotated = param?.type === 'Identifier' || param?.type === 'ObjectPattern' ? param.typeAnnotation?.typeAnnotation : undefined;
    const spec = annotated ? HANDLER_TYPES[libraryTypeKey(model, annotated) ?? ''] : undefined;
    if (!spec || !isExported(fn) || reached().has(fn)) continue;
    const messageNames = spec.kind === 'eachBatch' ? batchMessageNames(model, fn) : spec.kind === 'eachMessage' ? boundNames(param, ['message']) : boundNames(param);
    if (spec.kind === 'eachMessage' && param?.type === 'Identifier') messageNames.add(`${param.name}.message`);
    out.push({
      library: spec.library, kind: spec.kind, registration: fn, fn, root: fn.body, messageNames, channel: null, options: null,
      via: 'binding', atLeastOnce: true, implicitSettlement: spec.implicitSettlement, typed: true,
    });
  }
  return out;
}

/** `module#Name` of a type reference to an imported type (`Job<T>`, `amqp.ConsumeMessage`). */
function libraryTypeKey(model: CodeModel, type: TSESTree.TypeNode): string | null {
  // `ConsumeMessage | null`: amqplib hands `null` when the queue is cancelled.
  if (type.type === 'TSUnionType') {
    const named = type.types.filter((t) => t.type !== 'TSNullKeyword' && t.type !== 'TSUndefinedKeyword');
    return named.length === 1 ? libraryTypeKey(model, named[0]!) : null;
  }
  if (type.type !== 'TSTypeReference') return null;
  const name = type.typeName;
  if (name.type === 'Identifier') {
    const binding = model.imports.get(name.name);
    return binding && binding.path.length === 1 ? `${binding.module}#${binding.path[0]}` : null;
  }
  if (name.type === 'TSQualifiedName' && name.left.type === 'Identifier') {
    const binding = model.imports.get(name.left.name);
    return binding && binding.path.length === 0 ? `${binding.module}#${name.right.name}` : null;
  }
  return null;
}

/** `export function f`, `export const f = …`, `export default …`, or a method of an exported class. */
function isExported(fn: FunctionLike): boolean {
  let node: TSESTree.Node | undefined = parentOf(fn);
  if (node?.type === 'MethodDefinition' || node?.type === 'PropertyDefinition') {
    const cls = enclosingClass(node);
    node = cls ? parentOf(cls) : undefined;
  } else if (node?.type === 'VariableDeclarator') {
    node = parentOf(parentOf(node)!);
  }
  return node?.type === 'ExportNamedDeclaration' || node?.type === 'ExportDefaultDeclaration';
}

function registeredHandlers(model: CodeModel): Handler[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const handlers: Handler[] = [];
  for (const call of model.calls) {
    const found = registrationHandler(model, call);
    if (found) handlers.push(found);
  }
  for (const loop of model.loops) {
    const found = loopHandler(model, loop);
    if (found) handlers.push(found);
  }
  handlers.push(...lambdaHandlers(model), ...decoratedHandlers(model));
  for (let i = 0; i < handlers.length; i++) handlers[i] = followDelegate(model, handlers[i]!);
  handlers.sort((a, b) => a.registration.range[0] - b.registration.range[0]);
  cache.set(model, handlers);
  return handlers;
}

/** A function value: inline, a named local function, `this.method`, or `fn.bind(this)`. */
export function resolveFunction(model: CodeModel, node: TSESTree.Node | undefined | null): FunctionLike | null {
  if (!node) return null;
  let target = unwrap(node);
  if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression' && propertyName(target.callee) === 'bind') {
    target = target.callee.object;
  }
  if (isFunction(target)) return target;
  if (target.type === 'Identifier') {
    const decl = model.nearestDeclarator(target) ?? model.declaratorIn(target.name, model.program);
    if (decl?.init && isFunction(unwrap(decl.init))) return unwrap(decl.init) as FunctionLike;
    for (const fn of model.functions) if (fn.type === 'FunctionDeclaration' && fn.id?.name === target.name) return fn;
    return null;
  }
  if (target.type === 'MemberExpression' && target.object.type === 'ThisExpression') {
    const name = propertyName(target);
    const cls = enclosingClass(target);
    for (const member of cls?.body.body ?? []) {
      if ((member.type === 'MethodDefinition' || member.type === 'PropertyDefinition') && keyName(member.key) === name) {
        const value = member.value;
        if (value && isFunction(value as TSESTree.Node)) return value as FunctionLike;
      }
    }
  }
  return null;
}

/**
 * `ch.consume(q, (msg) => this.handle(msg))`: a callback that only forwards the message to a local
 * function or method. The per-message code is the delegate's body, and its parameter holds the message.
 * Leading `if (...) return` guards are allowed; anything else keeps the callback as the handler.
 */
function followDelegate(model: CodeModel, handler: Handler): Handler {
  if (handler.kind === 'eachBatch') return followBatchDelegate(model, handler);
  if (!handler.fn || handler.kind === 'decorated' || handler.kind === 'records-loop') return handler;
  const fn = handler.fn;
  let expression: TSESTree.Node | null = null;
  if (fn.body.type !== 'BlockStatement') {
    expression = fn.body;
  } else {
    const statements = fn.body.body;
    const last = statements[statements.length - 1];
    const guards = statements.slice(0, -1);
    if (!last || !guards.every((st) => st.type === 'IfStatement' && !st.alternate && isBareReturn(st.consequent))) return handler;
    if (last.type === 'ExpressionStatement') expression = last.expression;
    else if (last.type === 'ReturnStatement' && last.argument) expression = last.argument;
  }
  if (!expression) return handler;
  // Frameworks that settle on return must see the delegate's promise; `void this.handle(m)` stays visible.
  const settled = fn.body.type !== 'BlockStatement' || expression.type === 'AwaitExpression' || parentOf(expression)?.type === 'ReturnStatement';
  if (!settled && handler.implicitSettlement) return handler;
  const call = unwrap(expression);
  if (call.type !== 'CallExpression') return handler;
  const target = model.calleeFunction(call);
  if (!target || target === fn || target.body.type !== 'BlockStatement') return handler;
  const params = new Set<string>();
  for (const param of fn.params) for (const name of boundNames(param)) params.add(name);
  const names = new Set<string>();
  call.arguments.forEach((arg, index) => {
    const value = unwrap(arg);
    const param = target.params[index];
    if (!param || value.type !== 'Identifier') return;
    if (handler.messageNames.has(value.name)) {
      for (const name of boundNames(param)) names.add(name);
    } else if (handler.kind === 'eachMessage' && params.has(value.name)) {
      // the whole kafkajs payload: its `message` property is the message
      for (const name of boundNames(param, ['message'])) names.add(name);
      if (param.type === 'Identifier') names.add(`${param.name}.message`);
    }
  });
  if (names.size === 0) return handler;
  for (const name of handler.messageNames) names.add(name);
  return { ...handler, fn: target, root: target.body, messageNames: names };
}

/** `eachBatch: (payload) => this.handleBatch(payload)`: the method gets the whole batch payload. */
function followBatchDelegate(model: CodeModel, handler: Handler): Handler {
  const fn = handler.fn;
  const param = fn?.params[0];
  if (!fn || param?.type !== 'Identifier') return handler;
  let expression: TSESTree.Node | null = fn.body.type !== 'BlockStatement' ? fn.body : null;
  if (fn.body.type === 'BlockStatement' && fn.body.body.length === 1) {
    const only = fn.body.body[0]!;
    expression = only.type === 'ExpressionStatement' ? only.expression : only.type === 'ReturnStatement' ? only.argument ?? null : null;
  }
  const call = expression ? unwrap(expression) : null;
  if (call?.type !== 'CallExpression') return handler;
  const first = call.arguments[0] ? unwrap(call.arguments[0]) : null;
  if (first?.type !== 'Identifier' || first.name !== param.name) return handler;
  const target = model.calleeFunction(call);
  if (!target || target === fn || target.body.type !== 'BlockStatement') return handler;
  return { ...handler, fn: target, root: target.body, messageNames: batchMessageNames(model, target) };
}

function isBareReturn(statement: TSESTree.Statement): boolean {
  if (statement.type === 'ReturnStatement') return true;
  return statement.type === 'BlockStatement' && statement.body.length === 1 && statement.body[0]!.type === 'ReturnStatement';
}

/** Names a parameter binds: `msg`, or the `message` of `{ message }` / `{ message: m }`. */
function boundNames(param: TSESTree.Node | undefined, wanted?: string[]): Set<string> {
  const names = new Set<string>();
  if (!param) return names;
  const target = param.type === 'AssignmentPattern' ? param.left : param;
  if (target.type === 'Identifier') names.add(target.name);
  // `for (const [id, fields] of entries)` over Redis stream entries: the elements are the message.
  if (target.type === 'ArrayPattern' && !wanted) {
    for (const element of target.elements) if (element?.type === 'Identifier') names.add(element.name);
  }
  if (target.type === 'ObjectPattern') {
    for (const prop of target.properties) {
      if (prop.type !== 'Property') continue;
      const key = keyName(prop.key);
      if (wanted && key && !wanted.includes(key)) continue;
      const value = prop.value.type === 'AssignmentPattern' ? prop.value.left : prop.value;
      if (value.type === 'Identifier') names.add(value.name);
    }
  }
  return names;
}

function registrationHandler(model: CodeModel, call: CallLike): Handler | null {
  if (call.type === 'TaggedTemplateExpression') return null;
  if (call.type === 'NewExpression') {
    const ctor = model.valueOf(call.callee);
    if (ctor?.kind === 'module' && ctor.module === 'sqs-consumer' && ctor.path.join('.') === 'Consumer') {
      return sqsConsumerHandler(model, call, call.arguments[0]);
    }
    if (ctor?.kind === 'module' && ctor.module === 'bullmq' && ctor.path.join('.') === 'Worker') {
      const fn = resolveFunction(model, call.arguments[1]);
      if (!fn) return null;
      return {
        library: 'bullmq', kind: 'worker', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
        channel: model.channelValue(call.arguments[0]), options: asObject(call.arguments[2]), via: 'binding',
        atLeastOnce: true, implicitSettlement: true,
      };
    }
    return null;
  }
  const callee = call.callee;
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method) return null;
  if (method === 'create') {
    const factory = model.valueOf(callee.object);
    if (factory?.kind === 'module' && factory.module === 'sqs-consumer' && factory.path.join('.') === 'Consumer') {
      return sqsConsumerHandler(model, call, call.arguments[0]);
    }
  }
  if (method === 'map' || method === 'forEach') {
    // `await Promise.all(Messages.map(async (m) => ...))` is a receive loop written as a callback.
    const receive = sqsReceiveSource(model, unwrapDefault(callee.object));
    const fn = receive ? resolveFunction(model, call.arguments[0]) : null;
    if (receive && fn) {
      return {
        library: 'sqs', kind: 'receive-loop', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
        channel: receive.queue, options: null, via: 'binding', atLeastOnce: true, implicitSettlement: false,
      };
    }
  }
  const args = call.arguments as TSESTree.Node[];
  if ((method === 'on' || method === 'addListener') && model.stringValue(args[0]) === 'message') {
    const created = createdSubscription(model, callee.object);
    const fn = created ? resolveFunction(model, args[1]) : null;
    if (created && fn) {
      return {
        library: 'pubsub', kind: 'message-event', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
        channel: created.name, options: null, via: created.via, atLeastOnce: true, implicitSettlement: false,
      };
    }
  }
  const owner = model.roleOf(callee.object);
  if (!owner) return null;
  const via = owner.via;

  if (owner.role === 'kafka.consumer' && method === 'run') {
    const options = asObject(args[0]);
    const batch = objectProperty(options ?? undefined, 'eachBatch');
    const each = objectProperty(options ?? undefined, 'eachMessage');
    const fn = resolveFunction(model, each ?? batch);
    if (!fn || !options) return null;
    const isBatch = !each;
    const messageNames = isBatch ? batchMessageNames(model, fn) : boundNames(fn.params[0], ['message']);
    if (!isBatch && fn.params[0]?.type === 'Identifier') messageNames.add(`${fn.params[0].name}.message`);
    return {
      library: 'kafkajs', kind: isBatch ? 'eachBatch' : 'eachMessage', registration: call, fn, root: fn.body, messageNames,
      channel: kafkaSubscription(model, callee.object), options, via, atLeastOnce: true, implicitSettlement: true,
    };
  }
  if (owner.role === 'rdkafka.consumer' && method === 'on' && model.stringValue(args[0]) === 'data') {
    const fn = resolveFunction(model, args[1]);
    if (!fn) return null;
    return {
      library: 'node-rdkafka', kind: 'data-event', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
      channel: null, options: null, via, atLeastOnce: true, implicitSettlement: true,
    };
  }
  if (owner.role === 'amqp.channel' && method === 'consume') {
    const fn = resolveFunction(model, args[1]);
    if (!fn) return null;
    const options = asObject(args[2]);
    const noAck = objectProperty(options ?? undefined, 'noAck');
    const atMostOnce = noAck?.type === 'Literal' && noAck.value === true;
    return {
      library: 'amqplib', kind: 'consume', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
      channel: model.channelValue(args[0]), options, via, atLeastOnce: !atMostOnce, implicitSettlement: false,
    };
  }
  if (owner.role === 'pubsub.subscription' && (method === 'on' || method === 'addListener') && model.stringValue(args[0]) === 'message') {
    const fn = resolveFunction(model, args[1]);
    if (!fn) return null;
    return {
      library: 'pubsub', kind: 'message-event', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
      channel: subscriptionName(model, callee.object), options: null, via, atLeastOnce: true, implicitSettlement: false,
    };
  }
  if ((owner.role === 'nats.conn' || owner.role === 'nats.js') && method === 'subscribe') {
    const callback = objectProperty(args[1], 'callback');
    const fn = resolveFunction(model, callback);
    if (!fn) return null;
    const jetstream = owner.role === 'nats.js';
    return {
      library: jetstream ? 'jetstream' : 'nats', kind: 'subscribe-callback', registration: call, fn, root: fn.body,
      messageNames: boundNames(fn.params[1] ?? fn.params[0]), channel: model.channelValue(args[0]), options: asObject(args[1]),
      via, atLeastOnce: jetstream && !jetstreamAckNone(model, call), implicitSettlement: false,
    };
  }
  if (owner.role === 'nats.jsconsumer' && method === 'consume') {
    const fn = resolveFunction(model, objectProperty(args[0], 'callback'));
    if (!fn) return null;
    return {
      library: 'jetstream', kind: 'subscribe-callback', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
      channel: null, options: asObject(args[0]), via, atLeastOnce: !jetstreamAckNone(model, call), implicitSettlement: false,
    };
  }
  return null;
}

/** `sqs-consumer`: `Consumer.create({ queueUrl, handleMessage })` deletes the message when the handler resolves. */
function sqsConsumerHandler(model: CodeModel, call: CallLike, optionsNode: TSESTree.Node | undefined): Handler | null {
  const options = asObject(optionsNode);
  const fn = resolveFunction(model, objectProperty(options ?? undefined, 'handleMessage') ?? objectProperty(options ?? undefined, 'handleMessageBatch'));
  if (!options || !fn) return null;
  return {
    library: 'sqs-consumer', kind: 'consumer-callback', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
    channel: queueName(model, objectProperty(options, 'queueUrl')), options, via: 'binding', atLeastOnce: true, implicitSettlement: true,
  };
}

/**
 * Names an eachBatch handler gives its payload's fields: destructured in the parameter list
 * (`({ batch, resolveOffset })`) or from the parameter in the body (`const { batch } = payload`).
 */
function payloadFieldNames(fn: FunctionLike, fields: string[]): Set<string> {
  const param = fn.params[0];
  const target = param?.type === 'AssignmentPattern' ? param.left : param;
  if (target?.type === 'ObjectPattern') return boundNames(target, fields);
  const names = new Set<string>();
  if (target?.type !== 'Identifier' || fn.body.type !== 'BlockStatement') return names;
  for (const statement of fn.body.body) {
    if (statement.type !== 'VariableDeclaration') continue;
    for (const decl of statement.declarations) {
      const init = decl.init ? unwrap(decl.init) : null;
      if (decl.id.type === 'ObjectPattern' && init?.type === 'Identifier' && init.name === target.name) {
        for (const name of boundNames(decl.id, fields)) names.add(name);
      }
    }
  }
  return names;
}

/** `batch`, `payload.batch` (a payload not destructured): one of the payload's fields. */
function isPayloadField(fn: FunctionLike, node: TSESTree.Node, field: string, names: Set<string>): boolean {
  const target = unwrap(node);
  if (target.type === 'Identifier') return names.has(target.name);
  const param = fn.params[0];
  const payload = param?.type === 'AssignmentPattern' ? param.left : param;
  return target.type === 'MemberExpression' && propertyName(target) === field && payload?.type === 'Identifier' &&
    unwrap(target.object).type === 'Identifier' && (unwrap(target.object) as TSESTree.Identifier).name === payload.name;
}

const BATCH_ACKS = ['resolveOffset', 'commitOffsetsIfNecessary'];

/** `for (const message of batch.messages)` inside an eachBatch handler binds the message. */
function batchMessageNames(model: CodeModel, fn: FunctionLike): Set<string> {
  const names = new Set<string>();
  const batchNames = payloadFieldNames(fn, ['batch']);
  const isBatch = (node: TSESTree.Node) => isPayloadField(fn, node, 'batch', batchNames);
  for (const loop of model.loops) {
    if (loop.type !== 'ForOfStatement' || loop.range[0] < fn.range[0] || loop.range[1] > fn.range[1]) continue;
    const right = unwrap(loop.right);
    if (right.type === 'MemberExpression' && propertyName(right) === 'messages' && isBatch(right.object)) {
      for (const name of declaredNames(loop.left)) names.add(name);
    }
  }
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || call.range[0] < fn.range[0] || call.range[1] > fn.range[1]) continue;
    const callee = call.callee;
    if (callee.type !== 'MemberExpression' || !['forEach', 'map'].includes(propertyName(callee) ?? '')) continue;
    const obj = unwrap(callee.object);
    if (obj.type === 'MemberExpression' && propertyName(obj) === 'messages') {
      const cb = resolveFunction(model, call.arguments[0]);
      if (cb) for (const name of boundNames(cb.params[0])) names.add(name);
    }
  }
  return names;
}

function declaredNames(left: TSESTree.Node): string[] {
  if (left.type === 'VariableDeclaration') {
    return left.declarations.flatMap((d) => [...boundNames(d.id)]);
  }
  if (left.type === 'Identifier') return [left.name];
  return [];
}

function asObject(node: TSESTree.Node | undefined): TSESTree.ObjectExpression | null {
  if (!node) return null;
  const target = unwrap(node);
  return target.type === 'ObjectExpression' ? target : null;
}

/** The topic of `consumer.subscribe({ topic })` / `{ topics: [...] }` on the same consumer. */
function kafkaSubscription(model: CodeModel, consumer: TSESTree.Node): string | null {
  const receiver = model.text.slice(consumer.range[0], consumer.range[1]);
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') continue;
    if (propertyName(call.callee) !== 'subscribe') continue;
    const other = call.callee.object;
    if (model.text.slice(other.range[0], other.range[1]) !== receiver) continue;
    const topic = model.channelValue(objectProperty(call.arguments[0], 'topic'));
    if (topic) return topic;
    const topics = objectProperty(call.arguments[0], 'topics');
    if (topics && unwrap(topics).type === 'ArrayExpression') {
      const first = (unwrap(topics) as TSESTree.ArrayExpression).elements[0];
      if (first) return model.channelValue(first);
    }
  }
  return null;
}

function subscriptionName(model: CodeModel, node: TSESTree.Node): string | null {
  const target = unwrap(node);
  const init = target.type === 'Identifier'
    ? (model.nearestDeclarator(target) ?? model.declaratorIn(target.name, model.program))?.init
    : target;
  const call = init ? unwrap(init) : null;
  if (call?.type === 'CallExpression' && call.callee.type === 'MemberExpression' && propertyName(call.callee) === 'subscription') {
    return model.channelValue(call.arguments[0]);
  }
  return null;
}

/**
 * `const [sub] = await topic.createSubscription('name')`: the client resolves to a tuple, and an
 * array pattern is outside what role resolution follows, so the subscription is recognised here.
 */
function createdSubscription(model: CodeModel, node: TSESTree.Node): { name: string | null; via: Handler['via'] } | null {
  const target = unwrap(node);
  if (target.type !== 'Identifier') return null;
  for (const decl of model.patternDeclarators) {
    const first = decl.id.type === 'ArrayPattern' ? decl.id.elements[0] : null;
    if (first?.type !== 'Identifier' || first.name !== target.name || !decl.init) continue;
    if (!inScopeOf(decl, target)) continue;
    const call = unwrap(decl.init);
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || propertyName(call.callee) !== 'createSubscription') continue;
    const owner = model.roleOf(call.callee.object);
    // `pubsub.createSubscription(topic, name, options)` names the subscription second.
    if (owner?.role === 'pubsub.client') return { name: model.channelValue(call.arguments[1]), via: owner.via };
    if (owner?.role === 'pubsub.topic') return { name: model.channelValue(call.arguments[0]), via: owner.via };
  }
  return null;
}

/** The declarator's function (or the program) encloses the use, so a same-named binding elsewhere does not count. */
function inScopeOf(decl: TSESTree.VariableDeclarator, use: TSESTree.Node): boolean {
  let scope = parentOf(decl);
  while (scope && !isFunction(scope) && scope.type !== 'Program') scope = parentOf(scope);
  return !scope || contains(scope, use);
}

/** SQS receive loops, NATS iterators and Redis stream loops: the loop body is the handler. */
function loopHandler(model: CodeModel, loop: CodeModel['loops'][number]): Handler | null {
  if (loop.type !== 'ForOfStatement') return null;
  const names = new Set(declaredNames(loop.left));
  const iterable = unwrapDefault(loop.right);
  // `for await (const m of sub)` over a NATS subscription or a JetStream consume()/fetch().
  const role = model.roleOf(iterable);
  if (role && (role.role === 'nats.sub' || role.role === 'nats.messages')) {
    const jetstream = role.role === 'nats.messages' || isJetStreamSub(model, iterable);
    return {
      library: jetstream ? 'jetstream' : 'nats', kind: 'iterator', registration: loop, fn: null, root: loop.body, messageNames: names,
      channel: null, options: null, via: role.via, atLeastOnce: jetstream && !jetstreamAckNone(model, iterable), implicitSettlement: false,
    };
  }
  // `for (const m of res.Messages ?? [])` after `await sqs.send(new ReceiveMessageCommand(...))`.
  const receive = sqsReceiveSource(model, iterable);
  if (receive) {
    return {
      library: 'sqs', kind: 'receive-loop', registration: loop, fn: null, root: loop.body, messageNames: names,
      channel: receive.queue, options: null, via: 'binding', atLeastOnce: true, implicitSettlement: false,
    };
  }
  if (isRedisStreamSource(model, iterable)) {
    return {
      library: 'redis-streams', kind: 'stream-loop', registration: loop, fn: null, root: loop.body, messageNames: names,
      channel: null, options: null, via: 'binding', atLeastOnce: true, implicitSettlement: false,
    };
  }
  return null;
}

function unwrapDefault(node: TSESTree.Node): TSESTree.Node {
  let target = unwrap(node);
  while (target.type === 'LogicalExpression' && (target.operator === '??' || target.operator === '||')) target = unwrap(target.left);
  return target;
}

/** The durable name behind `consumer.consume()`: `const consumer = await js.consumers.get('STREAM', 'name')`. */
function jetstreamConsumerName(model: CodeModel, node: TSESTree.Node, depth = 0): string | null {
  if (depth > 5) return null;
  const target = unwrap(node);
  if (target.type === 'Identifier') {
    const decl = model.nearestDeclarator(target) ?? model.declaratorIn(target.name, model.program);
    return decl?.init ? jetstreamConsumerName(model, decl.init, depth + 1) : null;
  }
  if (target.type !== 'CallExpression' || target.callee.type !== 'MemberExpression') return null;
  const method = propertyName(target.callee);
  if (method === 'get' && target.callee.object.type === 'MemberExpression' && propertyName(target.callee.object) === 'consumers') {
    return model.stringValue(target.arguments[1]);
  }
  if (method === 'consume' || method === 'fetch') return jetstreamConsumerName(model, target.callee.object, depth + 1);
  return null;
}

/**
 * rules.md §2.4: a JetStream consumer created with `ack_policy: AckPolicy.None` is at-most-once. The
 * configuration is matched by durable name; when the name is unknown, every configuration in the
 * file must say None.
 */
function jetstreamAckNone(model: CodeModel, source: TSESTree.Node): boolean {
  const name = jetstreamConsumerName(model, source);
  const configs: TSESTree.ObjectExpression[] = [];
  walkNodes(model.program, (node) => {
    if (node.type === 'ObjectExpression' && objectProperty(node, 'ack_policy')) configs.push(node);
  });
  const own = name
    ? configs.filter((c) => model.stringValue(objectProperty(c, 'durable_name') ?? objectProperty(c, 'name') ?? undefined) === name)
    : configs;
  return own.length > 0 && own.every((c) => {
    const policy = unwrap(objectProperty(c, 'ack_policy')!);
    if (policy.type === 'Literal') return policy.value === 'none';
    return policy.type === 'MemberExpression' && propertyName(policy) === 'None';
  });
}

function isJetStreamSub(model: CodeModel, iterable: TSESTree.Node): boolean {
  const target = unwrap(iterable);
  const init = target.type === 'Identifier' ? (model.nearestDeclarator(target) ?? model.declaratorIn(target.name, model.program))?.init : target;
  const call = init ? unwrap(init) : null;
  if (call?.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') return false;
  return model.roleOf(call.callee.object)?.role === 'nats.js';
}

/** The value an identifier or `x.Messages` denotes, traced back to an SQS ReceiveMessage call. */
function sqsReceiveSource(model: CodeModel, iterable: TSESTree.Node): { queue: string | null } | null {
  const target = unwrap(iterable);
  let source: TSESTree.Node | null = null;
  if (target.type === 'MemberExpression' && propertyName(target) === 'Messages') {
    const obj = unwrap(target.object);
    if (obj.type === 'Identifier') source = (model.nearestDeclarator(obj) ?? model.declaratorIn(obj.name, model.program))?.init ?? null;
    else source = obj;
  } else if (target.type === 'Identifier') {
    for (const decl of model.patternDeclarators) {
      if (decl.id.type !== 'ObjectPattern' || !decl.init) continue;
      if (decl.id.properties.some((p) => p.type === 'Property' && keyName(p.key) === 'Messages' && bindsName(p.value, target.name))) {
        source = decl.init;
      }
    }
  }
  if (!source) return null;
  let call = unwrap(source);
  // aws-sdk v2: `await sqs.receiveMessage(params).promise()`
  if (call.type === 'CallExpression' && call.callee.type === 'MemberExpression' && propertyName(call.callee) === 'promise') {
    call = unwrap(call.callee.object);
  }
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') return null;
  const method = propertyName(call.callee);
  if (method === 'receiveMessage' && model.roleOf(call.callee.object)?.role === 'sqs.v2') {
    return { queue: queueName(model, objectProperty(call.arguments[0], 'QueueUrl')) };
  }
  if (method === 'send' && call.arguments[0]) {
    const command = model.commandOf(call.arguments[0]);
    const ctor = command ? model.valueOf(command.callee) : null;
    if (ctor?.kind === 'module' && ctor.module === '@aws-sdk/client-sqs' && ctor.path.join('.') === 'ReceiveMessageCommand') {
      return { queue: queueName(model, objectProperty(command!.arguments[0], 'QueueUrl')) };
    }
  }
  return null;
}

/** The SDK omits `Messages` on an empty receive, so loops often bind it with a default (`Messages = []`). */
function bindsName(value: TSESTree.Node, name: string): boolean {
  const target = value.type === 'AssignmentPattern' ? value.left : value;
  return target.type === 'Identifier' && target.name === name;
}

function queueName(model: CodeModel, node: TSESTree.Node | null): string | null {
  const url = node ? model.stringValue(node) : null;
  return url ? url.split('/').pop() || null : null;
}

function isRedisStreamSource(model: CodeModel, iterable: TSESTree.Node): boolean {
  let target: TSESTree.Node | null | undefined = unwrap(iterable);
  for (let hops = 0; target && hops < 4; hops++) {
    if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression') {
      const method = propertyName(target.callee);
      if ((method === 'xreadgroup' || method === 'xReadGroup') && model.roleOf(target.callee.object)?.role === 'redis') return true;
      return false;
    }
    if (target.type === 'Identifier') {
      const decl: TSESTree.VariableDeclarator | null = model.nearestDeclarator(target) ?? model.declaratorIn(target.name, model.program);
      target = decl?.init ? unwrap(decl.init) : null;
      continue;
    }
    if (target.type === 'MemberExpression') {
      target = unwrap(target.object);
      continue;
    }
    return false;
  }
  return false;
}

/** AWS Lambda handlers typed `SQSEvent` / `SQSHandler` from `aws-lambda`. */
function lambdaHandlers(model: CodeModel): Handler[] {
  const out: Handler[] = [];
  const isLambdaType = (type: TSESTree.TypeNode | undefined, names: string[]) => {
    if (type?.type !== 'TSTypeReference' || type.typeName.type !== 'Identifier') return false;
    const binding = model.imports.get(type.typeName.name);
    return binding?.module === 'aws-lambda' && names.includes(binding.path[0] ?? '');
  };
  for (const fn of model.functions) {
    const param = fn.params[0];
    let typed = param?.type === 'Identifier' && isLambdaType(param.typeAnnotation?.typeAnnotation, ['SQSEvent']);
    const parent = parentOf(fn);
    if (!typed && parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
      const declared = parent.id.typeAnnotation?.typeAnnotation;
      typed = isLambdaType(declared, ['SQSHandler']) ||
        // `Handler<SQSEvent, SQSBatchResponse>`: the generic handler type instantiated with an SQS event.
        (isLambdaType(declared, ['Handler']) && declared?.type === 'TSTypeReference' &&
          isLambdaType(declared.typeArguments?.params[0], ['SQSEvent']));
    }
    if (!typed) continue;
    const eventName = param?.type === 'Identifier' ? param.name : null;
    const names = new Set<string>();
    for (const loop of model.loops) {
      if (loop.type !== 'ForOfStatement' || loop.range[0] < fn.range[0] || loop.range[1] > fn.range[1]) continue;
      if (isRecords(loop.right, eventName)) for (const name of declaredNames(loop.left)) names.add(name);
    }
    for (const call of model.calls) {
      if (call.type !== 'CallExpression' || call.range[0] < fn.range[0] || call.range[1] > fn.range[1]) continue;
      if (call.callee.type === 'MemberExpression' && ['map', 'forEach'].includes(propertyName(call.callee) ?? '') && isRecords(call.callee.object, eventName)) {
        const cb = resolveFunction(model, call.arguments[0]);
        if (cb) for (const name of boundNames(cb.params[0])) names.add(name);
      }
    }
    out.push({
      library: 'lambda-sqs', kind: 'records-loop', registration: fn, fn, root: fn.body, messageNames: names,
      channel: null, options: null, via: 'binding', atLeastOnce: true, implicitSettlement: true,
    });
  }
  return out;
}

function isRecords(node: TSESTree.Node, eventName: string | null): boolean {
  const target = unwrapDefault(node);
  return target.type === 'MemberExpression' && propertyName(target) === 'Records' &&
    unwrap(target.object).type === 'Identifier' && (eventName === null || (unwrap(target.object) as TSESTree.Identifier).name === eventName);
}

/** NestJS message handlers: `@EventPattern`, `@MessagePattern`, `@RabbitSubscribe`, `@SqsMessageHandler`, `@Process`. */
function decoratedHandlers(model: CodeModel): Handler[] {
  const out: Handler[] = [];
  for (const cls of model.classes) {
    const isBullProcessor = (cls.decorators ?? []).some((d) => decoratorName(model, d)?.name === 'Processor');
    const extendsWorkerHost = cls.superClass?.type === 'Identifier' && model.imports.get(cls.superClass.name)?.module === '@nestjs/bullmq';
    for (const member of cls.body.body) {
      if (member.type !== 'MethodDefinition' || !member.value.body) continue;
      const fn = member.value as FunctionLike;
      const decorator = (member.decorators ?? []).map((d) => ({ d, info: decoratorName(model, d) })).find((x) => x.info?.known);
      const workerHostProcess = extendsWorkerHost && isBullProcessor && keyName(member.key) === 'process';
      if (!decorator && !workerHostProcess) continue;
      const arg = decorator && decorator.d.expression.type === 'CallExpression' ? decorator.d.expression.arguments[0] : undefined;
      const channel = arg ? model.channelValue(arg) ?? model.channelValue(objectProperty(arg, 'queue') ?? objectProperty(arg, 'routingKey')) : null;
      const paramIndex = Math.max(0, fn.params.findIndex((p) => (p.decorators ?? []).some((d) => decoratorName(model, d)?.name === 'Payload')));
      out.push({
        library: 'nestjs', kind: 'decorated', registration: member, fn, root: fn.body, messageNames: boundNames(fn.params[paramIndex]),
        channel, options: null, via: 'binding', atLeastOnce: true, implicitSettlement: true,
        decorator: decorator?.info?.name ?? 'Process',
      });
    }
  }
  return out;
}

function decoratorName(model: CodeModel, decorator: TSESTree.Decorator): { name: string; known: boolean } | null {
  const expr = decorator.expression.type === 'CallExpression' ? decorator.expression.callee : decorator.expression;
  if (expr.type !== 'Identifier') return null;
  const binding = model.imports.get(expr.name);
  const name = binding?.path[0] ?? expr.name;
  const known = binding ? NEST_DECORATORS[binding.module]?.has(name) ?? false : false;
  return { name, known };
}

// ---------------------------------------------------------------- calls in a handler and acks

/** Calls that run per message: inside the handler's root and in its region (inline callbacks included). */
export function callsInHandler(model: CodeModel, handler: Handler): CallLike[] {
  const region = handler.fn ? model.regionOf(handler.fn.body) : model.regionOf(handler.root);
  return model.calls
    .filter((call) => call.range[0] >= handler.root.range[0] && call.range[1] <= handler.root.range[1] && model.regionOf(call) === region)
    .sort((a, b) => a.range[0] - b.range[0]);
}

export function mentionsMessage(model: CodeModel, node: TSESTree.Node, handler: Handler): boolean {
  const text = model.text.slice(node.range[0], node.range[1]);
  for (const name of handler.messageNames) {
    if (new RegExp(`(^|[^\\w$.])${name.replace(/[.$]/g, '\\$&')}(?![\\w$])`).test(text)) return true;
  }
  return false;
}

export function classifyAck(model: CodeModel, handler: Handler, call: CallLike, options: AckOptions = {}): AckCall | null {
  const direct = directAck(model, handler, call, options);
  if (direct) return direct;
  return helperAck(model, handler, call, options);
}

function directAck(model: CodeModel, handler: Handler, call: CallLike, options: AckOptions): AckCall | null {
  const callee = calleeOf(call);
  const args = argumentsOf(call);
  const description = calleeText(model.text, call);
  const data = messageDataNames(model, handler);
  const onData = (node: TSESTree.Node) => mentionsAny(model, node, data);
  const make = (kind: AckCall['kind'], requeue: boolean | null, onMessage: boolean, via: AckCall['via'] = 'binding'): AckCall =>
    ({ call, kind, requeue, onMessage, description, via });
  if (call.type === 'NewExpression') {
    // @golevelup/nestjs-rabbitmq: returning `new Nack(requeue = false)` from the handler rejects the message.
    const ctor = model.valueOf(call.callee);
    if (ctor?.kind === 'module' && ctor.module === '@golevelup/nestjs-rabbitmq' && ctor.path.join('.') === 'Nack') {
      return make('negative', booleanArg(args[0], false), true);
    }
    return null;
  }
  const wrapper = (options.ackWrappers ?? []).find((spec) => matchesConfiguredCall(model, call, spec));
  if (wrapper) return make('positive', null, args.some(onData) || (callee.type === 'MemberExpression' && onData(callee.object)), 'wrapper');
  // kafkajs eachBatch acks through its payload: `resolveOffset(…)` destructured, or `payload.resolveOffset(…)`.
  if (handler.kind === 'eachBatch' && handler.fn) {
    const names = payloadFieldNames(handler.fn, BATCH_ACKS);
    const field = BATCH_ACKS.find((f) => isPayloadField(handler.fn!, callee, f, names));
    const name = field ?? (callee.type === 'Identifier' && names.has(callee.name) ? callee.name : null);
    // committing offsets covers every message resolved so far, this one included.
    if (name) return make('positive', null, args.some(onData) || name === 'commitOffsetsIfNecessary', handler.via);
  }
  if (callee.type === 'Identifier') return null;
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method) return null;
  const owner = model.roleOf(callee.object);
  const receiverIsMessage = mentionsMessage(model, callee.object, handler) && !owner;
  const argOnMessage = args.some(onData);

  if (owner?.role === 'amqp.channel') {
    if (method === 'ack') return make('positive', null, argOnMessage, owner.via);
    if (method === 'ackAll') return make('positive', null, true, owner.via);
    if (method === 'nack') return make('negative', booleanArg(args[2], true), argOnMessage, owner.via);
    if (method === 'reject') return make('negative', booleanArg(args[1], true), argOnMessage, owner.via);
    if (method === 'nackAll') return make('negative', booleanArg(args[0], true), true, owner.via);
  }
  if (receiverIsMessage) {
    if (method === 'ack' || method === 'ackAck' || method === 'ackWithResponse') return make('positive', null, true, handler.via);
    if (method === 'nack' || method === 'nak') return make('negative', true, true, handler.via);
    if (method === 'term') return make('negative', false, true, handler.via);
  }
  if (owner?.role === 'kafka.consumer' && (method === 'commitOffsets' || method === 'commitOffsetsIfNecessary')) {
    return make('positive', null, argOnMessage || method === 'commitOffsetsIfNecessary', owner.via);
  }
  if (owner?.role === 'rdkafka.consumer' && ['commit', 'commitMessage', 'commitSync', 'commitMessageSync'].includes(method)) {
    return make('positive', null, argOnMessage || args.length === 0, owner.via);
  }
  if (owner?.role === 'redis' && (method === 'xack' || method === 'xAck')) return make('positive', null, argOnMessage, owner.via);
  if (method === 'send' && args[0]) {
    const command = model.commandOf(args[0]);
    const ctor = command ? model.valueOf(command.callee) : null;
    if (ctor?.kind === 'module' && ctor.module === '@aws-sdk/client-sqs') {
      const name = ctor.path.join('.');
      const onMessage = command ? onData(command) : false;
      if (name === 'DeleteMessageCommand' || name === 'DeleteMessageBatchCommand') return make('positive', null, onMessage);
      if (name === 'ChangeMessageVisibilityCommand') return make('negative', true, onMessage);
    }
  }
  if (owner?.role === 'sqs.v2' && (method === 'deleteMessage' || method === 'deleteMessageBatch')) return make('positive', null, argOnMessage, owner.via);
  return null;
}

/**
 * One hop (rules.md §2.1 item 5): `await this.ack(msg)` where the local helper acknowledges its
 * parameter. The helper's parameters stand for the message; the caller's arguments decide `onMessage`.
 */
function helperAck(model: CodeModel, handler: Handler, call: CallLike, options: AckOptions): AckCall | null {
  const fn = model.calleeFunction(call);
  if (!fn || fn === handler.fn || (handler.fn && contains(fn, handler.fn))) return null;
  const params = new Set<string>();
  for (const param of fn.params) for (const name of boundNames(param)) params.add(name);
  const pseudo: Handler = { ...handler, fn, root: fn.body, messageNames: params, kind: handler.kind === 'eachBatch' ? 'consume' : handler.kind };
  const region = model.regionOf(fn.body);
  let found: AckCall | null = null;
  const calls = model.callsIn(region);
  // A helper that also does the work is processing, not an acknowledgement wrapper.
  if (calls.some((inner) => model.effectsOf(inner).length > 0)) return null;
  for (const inner of calls) {
    const ack = directAck(model, pseudo, inner, options);
    if (!ack || !ack.onMessage) continue;
    if (ack.kind === 'positive') {
      found = ack;
      break;
    }
    found ??= ack;
  }
  if (!found) return null;
  const data = messageDataNames(model, handler);
  const onMessage = argumentsOf(call).some((a) => mentionsAny(model, a, data));
  return { call, kind: found.kind, requeue: found.requeue, onMessage, description: calleeText(model.text, call), via: 'summary' };
}

function booleanArg(node: TSESTree.Node | undefined, fallback: boolean): boolean | null {
  if (!node) return fallback;
  const target = unwrap(node);
  if (target.type === 'Literal' && typeof target.value === 'boolean') return target.value;
  return null;
}

export function acksInHandler(model: CodeModel, handler: Handler, options: AckOptions = {}): AckCall[] {
  const out: AckCall[] = [];
  for (const call of callsInHandler(model, handler)) {
    const ack = classifyAck(model, handler, call, options);
    if (ack) out.push(ack);
  }
  return out;
}

// ---------------------------------------------------------------- shared consumer analysis
// Used by the delivery rules (ack-before-commit, auto-commit-consumer, consumer-error-swallowed,
// missing-dlq): what a handler does with the message, which calls are durable work, which calls
// route a message to a dead-letter store, and whether control can flow from one call to another.

/** The shared depth-first walk of values.ts, under the name the consumer rules use. */
export const walkNodes = walk;

/** The bare name a call invokes: `save` for `this.repo.save(...)`, `handle` for `handle(...)`. */
export function callName(call: CallLike): string | null {
  const callee = calleeOf(call);
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression') return propertyName(callee);
  return null;
}

export function mentionsAny(model: CodeModel, node: TSESTree.Node, names: ReadonlySet<string>): boolean {
  const text = model.text.slice(node.range[0], node.range[1]);
  for (const name of names) {
    if (new RegExp(`(^|[^\\w$.])${name.replace(/[.$]/g, '\\$&')}(?![\\w$])`).test(text)) return true;
  }
  return false;
}

const dataNameCache = new WeakMap<Handler, Set<string>>();

/**
 * The message and the values derived from it inside the handler (`const cmd = JSON.parse(msg.content)`,
 * `const { orderId } = job.data`), plus a NestJS `@Ctx()` context, which identifies the message too.
 */
export function messageDataNames(model: CodeModel, handler: Handler): Set<string> {
  const cached = dataNameCache.get(handler);
  if (cached) return cached;
  const names = new Set(handler.messageNames);
  if (handler.library === 'nestjs' && handler.fn) {
    for (const param of handler.fn.params) {
      if ((param.decorators ?? []).some((d) => decoratorName(model, d)?.name === 'Ctx')) for (const name of boundNames(param)) names.add(name);
    }
  }
  // `const cmd = parse(msg)` and `for (const [id, fields] of entries)`: the bound names and what they derive from.
  const bindings: { id: TSESTree.Node; from: TSESTree.Node }[] = [];
  walkNodes(handler.root, (node) => {
    if (node.type === 'VariableDeclarator' && node.init) bindings.push({ id: node.id, from: node.init });
    if ((node.type === 'ForOfStatement' || node.type === 'ForInStatement') && node.left.type === 'VariableDeclaration') {
      for (const decl of node.left.declarations) bindings.push({ id: decl.id, from: node.right });
    }
  });
  for (let pass = 0; pass < 4; pass++) {
    let grew = false;
    for (const { id, from } of bindings) {
      if (!mentionsAny(model, from, names)) continue;
      for (const name of boundNames(id)) {
        if (!names.has(name)) {
          names.add(name);
          grew = true;
        }
      }
    }
    if (!grew) break;
  }
  dataNameCache.set(handler, names);
  return names;
}

/** A configured helper (`wrappers.*`): exact callee text, a `.name` suffix, or `Class.method` on an instance of Class. */
export function matchesConfiguredCall(model: CodeModel, call: CallLike, spec: string): boolean {
  const callee = calleeOf(call);
  const text = model.text.slice(callee.range[0], callee.range[1]).replace(/\s+/g, '');
  if (text === spec || text.endsWith(`.${spec}`)) return true;
  const dot = spec.lastIndexOf('.');
  if (dot < 0) return false;
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== spec.slice(dot + 1)) return false;
  const cls = spec.slice(0, dot);
  if (model.classNameOf(callee.object) === cls) return true;
  const receiver = callee.object.type === 'MemberExpression' ? propertyName(callee.object) : callee.object.type === 'Identifier' ? callee.object.name : null;
  return receiver !== null && receiver.toLowerCase() === cls.toLowerCase();
}

export interface ConsumerPatterns {
  dlqChannel: Pattern;
  /** `wrappers.dlq`. */
  dlqWrappers: readonly string[];
  nonIdempotentCalls: readonly string[];
}

const DLQ_CALL_NAME = /dead.?letter|dlq|quarantine|moveToFailed|parkingLot|toParking|poison/i;
/** Loose dead-letter naming for dynamic channel expressions: `${topic}.dlq`, `process.env.DLQ_URL`, `this.deadLetterTopic`. */
const DLQ_TEXT = /dlq|dlx|dead[-_.]?letter|[._-]dlt\b|\bdlt[._-]|parking[-_.]?lot|poison/i;
const DLQ_TABLE = /dead_?letter|dlq|poison|quarantine|parked|failed_(message|event|job)s?$/;

/** The expressions that name where a publish goes: topic, queue, exchange and routing key, subject, receiver. */
function publishTargets(model: CodeModel, call: CallLike): TSESTree.Node[] {
  const callee = calleeOf(call);
  const args = argumentsOf(call);
  if (callee.type !== 'MemberExpression') return [];
  const method = propertyName(callee);
  const out: (TSESTree.Node | null | undefined)[] = [callee.object];
  if (method === 'send' && args[0]) {
    const command = model.commandOf(args[0]);
    if (command) out.push(objectProperty(command.arguments[0], 'QueueUrl'), objectProperty(command.arguments[0], 'TopicArn'));
  }
  const owner = model.roleOf(callee.object);
  switch (owner?.role) {
    case 'kafka.producer':
    case 'kafka.transaction': {
      out.push(objectProperty(args[0], 'topic'));
      const batch = objectProperty(args[0], 'topicMessages');
      const first = batch && unwrap(batch).type === 'ArrayExpression' ? (unwrap(batch) as TSESTree.ArrayExpression).elements[0] : null;
      if (first) out.push(objectProperty(first as TSESTree.Node, 'topic'));
      break;
    }
    case 'amqp.channel':
      out.push(args[0], method === 'publish' ? args[1] : null);
      break;
    case 'sqs.v2':
      out.push(objectProperty(args[0], 'QueueUrl'));
      break;
    case 'sns.v2':
      out.push(objectProperty(args[0], 'TopicArn'));
      break;
    case 'pubsub.topic':
    case 'bullmq.queue':
      out.push(owner.channelNode);
      break;
    case 'rdkafka.producer':
    case 'nats.conn':
    case 'nats.js':
    case 'redis':
      out.push(args[0]);
      break;
    default:
      break;
  }
  return out.filter((n): n is TSESTree.Node => Boolean(n));
}

function namesDeadLetter(model: CodeModel, node: TSESTree.Node, dlqChannel: Pattern): boolean {
  const value = model.stringValue(node);
  if (value !== null) return dlqChannel.test(value) || DLQ_TEXT.test(value);
  return DLQ_TEXT.test(model.text.slice(node.range[0], node.range[1]));
}

/**
 * Why a call routes the message to a dead-letter store, or null: a publish to a channel matching
 * `patterns.dlqChannel` (or named like one when it is dynamic), a `wrappers.dlq` helper, a helper
 * named like a dead-letter route, a write to a dead-letter table, or a local helper doing one of these.
 */
export function deadLetterRoute(model: CodeModel, call: CallLike, patterns: ConsumerPatterns, depth = 0): string | null {
  const description = calleeText(model.text, call);
  const name = callName(call);
  if (patterns.dlqWrappers.some((spec) => matchesConfiguredCall(model, call, spec))) return `${description} (wrappers.dlq)`;
  if (name && DLQ_CALL_NAME.test(name)) return description;
  // `this.dlqService.send(...)`, `deadLetterPublisher.publish(...)`: the receiver names the route.
  const callee = calleeOf(call);
  if (callee.type === 'MemberExpression' && DLQ_TEXT.test(model.text.slice(callee.object.range[0], callee.object.range[1]))) return description;
  for (const effect of model.effectsOf(call)) {
    if (effect.kind === 'publish') {
      if (effect.channel && patterns.dlqChannel.test(effect.channel)) return `${description} to ${effect.channel}`;
      if (effect.via !== 'summary' && publishTargets(model, call).some((n) => namesDeadLetter(model, n, patterns.dlqChannel))) return description;
    }
    if (effect.kind === 'dbWrite' && effect.target && DLQ_TABLE.test(toSnakeCaseName(effect.target))) return `${description} into ${effect.target}`;
  }
  if (depth < 2) {
    const fn = model.calleeFunction(call);
    if (fn && !contains(fn, call)) {
      for (const inner of model.callsIn(model.regionOf(fn.body))) {
        if (deadLetterRoute(model, inner, patterns, depth + 1)) return `${description} (dead-letters inside)`;
      }
    }
  }
  return null;
}

function toSnakeCaseName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]+/g, '_').toLowerCase();
}

export type SideEffectKind = 'dbWrite' | 'publish' | 'nonIdempotent' | 'processing';

/** Durable work a consumer does for a message (rule 2 inputs). */
export interface SideEffect {
  call: CallLike;
  kind: SideEffectKind;
  description: string;
  /** `heuristic`: an unresolved call that takes the message, read as processing by its name. */
  via: EffectVia | 'heuristic';
  target: string | null;
  channel: string | null;
  related: { line: number; note: string }[];
}

/** Library, logging and plain-data receivers whose calls are not the handler's work. */
const NOT_WORK_RECEIVER = /(^|\.)(console|logger|log|_logger|metrics?|statsd|tracer|span|sentry|Sentry|JSON|Math|Object|Array|Promise|Buffer|Date|Number|String|crypto|process|schema|validator|ajv|z|Joi|yup|cache|histogram|counter|gauge)$/i;
/** Names that read, decode, validate, log or measure rather than change anything durable. */
const NOT_WORK_NAME = new RegExp(
  '^(' +
    'parse|validate|decode|deserial|serial|encode|format|normali[sz]e|transform|convert|map|to[A-Z]|from[A-Z]|' +
    'get|find|fetch|load|read|select|lookup|count|exists|has[A-Z]|is[A-Z]|can[A-Z]|should|check|assert|verify|ensure[A-Z]\\w*Valid|' +
    'log|debug|info|warn|error|fatal|trace|metric|observe|measure|timing|gauge|histogram|inc$|dec$|startSpan|startActiveSpan|setAttribute|setTag|recordException|' +
    'capture(Exception|Message|Error)|addBreadcrumb|' +
    'sleep|delay|wait|heartbeat|working|touch|updateProgress|progress$|clone|stringify|build|make|' +
    'push$|pop$|shift$|unshift$|slice$|splice$|filter$|reduce$|some$|every$|forEach$|includes$|join$|split$|trim|replace|match|test$|exec$|' +
    'then$|catch$|finally$|resolve$|reject$|all$|allSettled$|race$|any$|bind$|call$|apply$|set$|add$|delete$|clear$|emit$|on$|once$|next$' +
  ')',
);

const BUILTIN_FUNCTIONS = new Set([
  'String', 'Number', 'Boolean', 'BigInt', 'Symbol', 'Object', 'Array', 'Date', 'Error', 'RegExp', 'Map', 'Set', 'parseInt',
  'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI', 'structuredClone',
  'require', 'setTimeout', 'setImmediate', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'fetch',
]);

/**
 * An awaited call that hands the message to unresolved code (`await handle(cmd)`) or to a local async
 * helper: the handler's processing, when no library sink is visible. Name-based, hence `heuristic`.
 */
export function isProcessingCall(model: CodeModel, call: CallLike, handler: Handler): boolean {
  if (call.type !== 'CallExpression') return false;
  const name = callName(call);
  if (!name || NOT_WORK_NAME.test(name)) return false;
  const callee = call.callee;
  if (callee.type === 'Identifier' && BUILTIN_FUNCTIONS.has(callee.name)) return false;
  if (callee.type === 'MemberExpression') {
    if (mentionsMessage(model, callee.object, handler)) return false;
    if (model.roleOf(callee.object)) return false;
    const receiver = model.text.slice(callee.object.range[0], callee.object.range[1]).replace(/\s+/g, '');
    if (NOT_WORK_RECEIVER.test(receiver)) return false;
  }
  const data = messageDataNames(model, handler);
  if (!call.arguments.some((arg) => mentionsAny(model, arg, data))) return false;
  const fn = model.calleeFunction(call);
  if (fn) return fn.async || containsAwait(fn.body);
  return true;
}

function containsAwait(root: TSESTree.Node): boolean {
  let found = false;
  walkNodes(root, (node) => {
    if (found) return false;
    if (node !== root && isFunction(node)) return false;
    if (node.type === 'AwaitExpression') found = true;
    return undefined;
  });
  return found;
}

/**
 * The durable work a call does: a DB write or publish (directly, through a helper summary or a
 * configured wrapper), a `nonIdempotentCalls` call, or, when `handler` is given, processing of the
 * message by unresolved code. Dead-letter routing is not work: it is how failures are handled.
 */
export function sideEffectOf(model: CodeModel, call: CallLike, patterns: ConsumerPatterns, handler?: Handler): SideEffect | null {
  const description = calleeText(model.text, call);
  const effects = model.effectsOf(call);
  const name = callName(call);
  const configured = name !== null && patterns.nonIdempotentCalls.some((n) => n.toLowerCase() === name.toLowerCase());
  if (effects.length === 0 && !configured && !(handler && isProcessingCall(model, call, handler))) return null;
  if (deadLetterRoute(model, call, patterns)) return null;
  const effect = effects[0];
  if (effect) {
    return {
      call, kind: effect.kind, description: effect.description, via: effect.via, target: effect.target, channel: effect.channel,
      related: effect.related,
    };
  }
  if (configured) return { call, kind: 'nonIdempotent', description, via: 'wrapper', target: null, channel: null, related: [] };
  return { call, kind: 'processing', description, via: 'heuristic', target: null, channel: null, related: [] };
}

/**
 * Sinks whose call completes synchronously (the client buffers the write and returns a boolean or
 * nothing): amqplib `publish` / `sendToQueue`, node-rdkafka `produce`, NATS core `publish`. Not
 * awaiting them is the normal usage, not floating work.
 */
export function isSynchronousSink(model: CodeModel, call: CallLike): boolean {
  const callee = calleeOf(call);
  if (callee.type !== 'MemberExpression') return false;
  const method = propertyName(callee);
  const role = model.roleOf(callee.object)?.role;
  if (role === 'amqp.channel') return method === 'publish' || method === 'sendToQueue';
  if (role === 'rdkafka.producer') return method === 'produce';
  if (role === 'nats.conn') return method === 'publish';
  return false;
}

/** Settled (rules.md §2.2), also through `Promise.all(xs.map(...))` and `const ps = ...; await Promise.all(ps)`. */
export function isJoined(model: CodeModel, call: CallLike): boolean {
  if (model.isSettled(call)) return true;
  let parent = parentOf(call);
  // `await Promise.all([...batch.messages.map((m) => db.write(m))])`
  if (parent?.type === 'SpreadElement' && parentOf(parent)?.type === 'ArrayExpression') {
    const array = parentOf(parent)!;
    const combinator = parentOf(array);
    if (combinator?.type === 'CallExpression' && combinator.arguments.includes(array as TSESTree.CallExpressionArgument) && isPromiseCombinator(combinator)) {
      return model.isSettled(combinator);
    }
  }
  // `const writes = [db.query(...), db.query(...)]; await Promise.all(writes)`
  if (parent?.type === 'ArrayExpression' && parentOf(parent)?.type === 'VariableDeclarator') parent = parentOf(parent);
  if (parent?.type === 'CallExpression' && parent.arguments.includes(call as TSESTree.CallExpressionArgument) && isPromiseCombinator(parent)) {
    return model.isSettled(parent);
  }
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
    const name = parent.id.name;
    const region = model.regionOf(call);
    return model.callsIn(region).some((other) =>
      other.type === 'CallExpression' && isPromiseCombinator(other) && other.range[0] > call.range[1] &&
      other.arguments.some((a) => a.type === 'Identifier' && a.name === name) && model.isSettled(other));
  }
  return false;
}

function isPromiseCombinator(call: TSESTree.CallExpression): boolean {
  return call.callee.type === 'MemberExpression' && call.callee.object.type === 'Identifier' && call.callee.object.name === 'Promise' &&
    ['all', 'allSettled', 'race', 'any'].includes(propertyName(call.callee) ?? '');
}

type Jump = TSESTree.ReturnStatement | TSESTree.ThrowStatement | TSESTree.ContinueStatement | TSESTree.BreakStatement;

function nearestFunctionOf(node: TSESTree.Node): TSESTree.Node | null {
  let current = parentOf(node);
  while (current && !isFunction(current)) current = parentOf(current);
  return current ?? null;
}

/** Whether entering `child` from `parent` depends on a condition (an arm, a case, a catch, a loop body). */
function conditionalEdge(child: TSESTree.Node, parent: TSESTree.Node): boolean {
  switch (parent.type) {
    case 'IfStatement':
    case 'ConditionalExpression':
      return child !== parent.test;
    case 'LogicalExpression':
      return child === parent.right;
    case 'SwitchStatement':
      return child !== parent.discriminant;
    case 'TryStatement':
      return child === parent.handler;
    case 'ForStatement':
      return child === parent.body || child === parent.update || child === parent.test;
    case 'ForInStatement':
    case 'ForOfStatement':
    case 'WhileStatement':
      return child === parent.body;
    default:
      return false;
  }
}

/** The loop (or, for `break`, switch) a `break` / `continue` leaves. */
function jumpTarget(jump: TSESTree.BreakStatement | TSESTree.ContinueStatement): TSESTree.Node | null {
  let current = parentOf(jump);
  while (current && !isFunction(current)) {
    if (jump.label) {
      if (current.type === 'LabeledStatement' && current.label.name === jump.label.name) return current.body;
    } else if (
      current.type === 'ForStatement' || current.type === 'ForInStatement' || current.type === 'ForOfStatement' ||
      current.type === 'WhileStatement' || current.type === 'DoWhileStatement' ||
      (jump.type === 'BreakStatement' && current.type === 'SwitchStatement')
    ) {
      return current;
    }
    current = parentOf(current);
  }
  return null;
}

function blocks(jump: Jump, from: TSESTree.Node, to: TSESTree.Node): boolean {
  if (jump.range[1] > to.range[0]) return false;
  if (!(jump.range[0] >= from.range[1] || contains(jump, from))) return false;
  const fn = nearestFunctionOf(jump);
  if (fn && !(contains(fn, from) && contains(fn, to))) return false;
  if (jump.type === 'BreakStatement' || jump.type === 'ContinueStatement') {
    const target = jumpTarget(jump);
    if (!target || !contains(target, to)) return false;
  }
  // The jump must run whenever `from` ran: no condition between it and their common ancestor.
  let child: TSESTree.Node = jump;
  for (;;) {
    if (contains(child, from)) return true;
    const parent = parentOf(child);
    if (!parent || conditionalEdge(child, parent)) return false;
    child = parent;
  }
}

/**
 * rules.md rule 2 step 3: a `return`, `throw`, `continue` or `break` that every path from `from`
 * to `to` passes, so `to` is not reachable after `from`. Null when `to` is reachable.
 */
export function jumpBetween(model: CodeModel, from: TSESTree.Node, to: TSESTree.Node): TSESTree.Node | null {
  const region = model.regionOf(from).node;
  let found: TSESTree.Node | null = null;
  walkNodes(region, (node) => {
    if (found) return false;
    if (node.range[1] < from.range[1] || node.range[0] >= to.range[0]) return false;
    if (node !== region && isFunction(node) && !contains(node, from)) return false;
    if (
      (node.type === 'ReturnStatement' || node.type === 'ThrowStatement' || node.type === 'ContinueStatement' || node.type === 'BreakStatement') &&
      blocks(node, from, to)
    ) {
      found = node;
      return false;
    }
    return undefined;
  });
  return found;
}

/** Nodes inside `root` that belong to `root`'s own function (nested functions excluded). */
export function ownNodes<T extends TSESTree.Node>(root: TSESTree.Node, test: (node: TSESTree.Node) => node is T): T[] {
  const out: T[] = [];
  walkNodes(root, (node) => {
    if (node !== root && isFunction(node)) return false;
    if (test(node)) out.push(node);
    return undefined;
  });
  return out;
}
