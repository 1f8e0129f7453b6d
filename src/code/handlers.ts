// Consumer entry points (rules.md §2.4) and ack / settle calls (§2.5): where a message enters the
// code, which identifiers hold it, how the library settles it, and which calls acknowledge it.
// Computed once per file model from the facts the shared traversal collected.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  argumentsOf,
  calleeOf,
  calleeText,
  isFunction,
  keyName,
  objectProperty,
  parentOf,
  propertyName,
  unwrap,
  type CallLike,
  type FunctionLike,
} from './ast.js';
import type { CodeModel } from './model.js';

export type HandlerLibrary =
  | 'kafkajs' | 'node-rdkafka' | 'amqplib' | 'sqs' | 'lambda-sqs' | 'pubsub' | 'nats' | 'jetstream'
  | 'bullmq' | 'redis-streams' | 'nestjs';

export type HandlerKind =
  | 'eachMessage' | 'eachBatch' | 'data-event' | 'consume' | 'message-event' | 'receive-loop'
  | 'records-loop' | 'subscribe-callback' | 'iterator' | 'worker' | 'stream-loop' | 'decorated';

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
}

export interface AckCall {
  call: CallLike;
  kind: 'positive' | 'negative';
  /** For negative acks: whether the broker requeues (amqplib defaults to true). */
  requeue: boolean | null;
  /** Whether the call names the handler's current message. */
  onMessage: boolean;
  description: string;
}

const NEST_DECORATORS: Record<string, Set<string>> = {
  '@nestjs/microservices': new Set(['MessagePattern', 'EventPattern']),
  '@golevelup/nestjs-rabbitmq': new Set(['RabbitSubscribe', 'RabbitRPC']),
  '@ssut/nestjs-sqs': new Set(['SqsMessageHandler']),
  '@nestjs/bull': new Set(['Process']),
  '@nestjs/bullmq': new Set(['Process']),
};

const cache = new WeakMap<CodeModel, Handler[]>();

export function findHandlers(model: CodeModel): Handler[] {
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
    const cls = model.enclosingClass(target);
    for (const member of cls?.body.body ?? []) {
      if ((member.type === 'MethodDefinition' || member.type === 'PropertyDefinition') && keyName(member.key) === name) {
        const value = member.value;
        if (value && isFunction(value as TSESTree.Node)) return value as FunctionLike;
      }
    }
  }
  return null;
}

/** Names a parameter binds: `msg`, or the `message` of `{ message }` / `{ message: m }`. */
function boundNames(param: TSESTree.Node | undefined, wanted?: string[]): Set<string> {
  const names = new Set<string>();
  if (!param) return names;
  const target = param.type === 'AssignmentPattern' ? param.left : param;
  if (target.type === 'Identifier') names.add(target.name);
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
  const owner = model.roleOf(callee.object);
  if (!owner) return null;
  const via = owner.via;
  const args = call.arguments as TSESTree.Node[];

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
      via, atLeastOnce: jetstream, implicitSettlement: false,
    };
  }
  if (owner.role === 'nats.jsconsumer' && method === 'consume') {
    const fn = resolveFunction(model, objectProperty(args[0], 'callback'));
    if (!fn) return null;
    return {
      library: 'jetstream', kind: 'subscribe-callback', registration: call, fn, root: fn.body, messageNames: boundNames(fn.params[0]),
      channel: null, options: asObject(args[0]), via, atLeastOnce: true, implicitSettlement: false,
    };
  }
  return null;
}

/** `for (const message of batch.messages)` inside an eachBatch handler binds the message. */
function batchMessageNames(model: CodeModel, fn: FunctionLike): Set<string> {
  const names = new Set<string>();
  const batchNames = boundNames(fn.params[0], ['batch']);
  for (const loop of model.loops) {
    if (loop.type !== 'ForOfStatement' || loop.range[0] < fn.range[0] || loop.range[1] > fn.range[1]) continue;
    const right = unwrap(loop.right);
    if (right.type === 'MemberExpression' && propertyName(right) === 'messages' && right.object.type === 'Identifier' && batchNames.has(right.object.name)) {
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
      channel: null, options: null, via: role.via, atLeastOnce: jetstream, implicitSettlement: false,
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
      if (decl.id.properties.some((p) => p.type === 'Property' && keyName(p.key) === 'Messages' && p.value.type === 'Identifier' && p.value.name === target.name)) {
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
      typed = isLambdaType(parent.id.typeAnnotation?.typeAnnotation, ['SQSHandler']);
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

export function classifyAck(model: CodeModel, handler: Handler, call: CallLike): AckCall | null {
  const callee = calleeOf(call);
  const args = argumentsOf(call);
  const description = calleeText(model.text, call);
  const make = (kind: AckCall['kind'], requeue: boolean | null, onMessage: boolean): AckCall => ({ call, kind, requeue, onMessage, description });
  if (callee.type === 'Identifier') {
    // kafkajs eachBatch destructures `resolveOffset` / `commitOffsetsIfNecessary` from its payload.
    if (handler.kind === 'eachBatch' && handler.fn && boundNames(handler.fn.params[0], ['resolveOffset', 'commitOffsetsIfNecessary']).has(callee.name)) {
      return make('positive', null, args.some((a) => mentionsMessage(model, a, handler)) || callee.name === 'commitOffsetsIfNecessary');
    }
    return null;
  }
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method) return null;
  const receiverIsMessage = mentionsMessage(model, callee.object, handler) && !model.roleOf(callee.object);
  const argOnMessage = args.some((a) => mentionsMessage(model, a, handler));
  const owner = model.roleOf(callee.object);

  if (owner?.role === 'amqp.channel') {
    if (method === 'ack') return make('positive', null, argOnMessage);
    if (method === 'ackAll') return make('positive', null, true);
    if (method === 'nack') return make('negative', booleanArg(args[2], true), argOnMessage);
    if (method === 'reject') return make('negative', booleanArg(args[1], true), argOnMessage);
    if (method === 'nackAll') return make('negative', booleanArg(args[0], true), true);
  }
  if (receiverIsMessage) {
    if (method === 'ack' || method === 'ackAck' || method === 'ackWithResponse') return make('positive', null, true);
    if (method === 'nack' || method === 'nak') return make('negative', true, true);
    if (method === 'term') return make('negative', false, true);
  }
  if (owner?.role === 'kafka.consumer' && (method === 'commitOffsets' || method === 'commitOffsetsIfNecessary')) return make('positive', null, argOnMessage || method === 'commitOffsetsIfNecessary');
  if (owner?.role === 'rdkafka.consumer' && ['commit', 'commitMessage', 'commitSync', 'commitMessageSync'].includes(method)) return make('positive', null, argOnMessage || args.length === 0);
  if (owner?.role === 'redis' && (method === 'xack' || method === 'xAck')) return make('positive', null, argOnMessage);
  if (method === 'send' && args[0]) {
    const command = model.commandOf(args[0]);
    const ctor = command ? model.valueOf(command.callee) : null;
    if (ctor?.kind === 'module' && ctor.module === '@aws-sdk/client-sqs') {
      const name = ctor.path.join('.');
      const onMessage = command ? mentionsMessage(model, command, handler) : false;
      if (name === 'DeleteMessageCommand' || name === 'DeleteMessageBatchCommand') return make('positive', null, onMessage);
      if (name === 'ChangeMessageVisibilityCommand') return make('negative', true, onMessage);
    }
  }
  if (owner?.role === 'sqs.v2' && (method === 'deleteMessage' || method === 'deleteMessageBatch')) return make('positive', null, argOnMessage);
  return null;
}

function booleanArg(node: TSESTree.Node | undefined, fallback: boolean): boolean | null {
  if (!node) return fallback;
  const target = unwrap(node);
  if (target.type === 'Literal' && typeof target.value === 'boolean') return target.value;
  return null;
}

export function acksInHandler(model: CodeModel, handler: Handler): AckCall[] {
  const out: AckCall[] = [];
  for (const call of callsInHandler(model, handler)) {
    const ack = classifyAck(model, handler, call);
    if (ack) out.push(ack);
  }
  return out;
}
