// Message metadata of a publish call (rules.md §2.3, last column) and the trace / correlation
// context it carries (§2.10). Works on the model's direct publish effects only: for helper
// summaries and configured wrappers the message is built somewhere the call site cannot see.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { argumentsOf, calleeOf, type CallLike, contains, type FunctionLike, isFunction, propertyName, unwrap } from './ast.js';
import type { CodeModel, Effect } from './model.js';
import {
  addedKeys,
  arrayLiteralOf,
  functionOf,
  isPropertyName,
  keysOf,
  lookupProperty,
  objectLiteralOf,
  originOf,
  returnedExpressions,
  walk,
  type KeySet,
} from './value-flow.js';

/** What one metadata slot (key, ordering key) holds. */
export type Slot =
  | { state: 'present'; value: TSESTree.Node }
  | { state: 'null'; value: TSESTree.Node }
  | { state: 'absent' }
  | { state: 'unknown' };

export interface MessageFacts {
  /** Where a finding about this message points: the message object, else the publish call. */
  node: TSESTree.Node;
  /** Channel of this message (kafkajs `sendBatch` carries one per topic entry). */
  channel: string | null;
  /**
   * The broker's ordering field: kafkajs / rdkafka `key`, Pub/Sub `orderingKey`, SQS / SNS
   * `MessageGroupId`; `null` field name when the broker has none.
   */
  orderingField: string | null;
  orderingKey: Slot;
  /** Header / attribute / option keys (lower-cased) with their values. */
  metadata: KeySet;
  /** Nodes that make up the metadata (headers object, options), for carrier-flow checks. */
  metadataNodes: TSESTree.Node[];
  /** The payload expression as written (`value`, `content`, `MessageBody`, `data`, ...). */
  payload: TSESTree.Node | null;
  /** Keys of the payload's envelope object when it is visible (`JSON.stringify({ ... })`). */
  envelope: KeySet | null;
}

export interface PublishMetadata {
  effect: Effect;
  library: string;
  method: string;
  /** Per-call options: kafkajs send argument (`acks`), amqplib options, NATS opts, BullMQ opts, AWS input. */
  options: TSESTree.Node | null;
  messages: MessageFacts[];
  /** Some messages are not statically visible (an array built elsewhere). */
  unknownMessages: boolean;
}

const EMPTY_KEYS: KeySet = { keys: new Map(), unknown: false, spreads: [] };
const UNKNOWN_KEYS: KeySet = { keys: new Map(), unknown: true, spreads: [] };

const cache = new WeakMap<CallLike, PublishMetadata | null>();

/** Metadata of a direct publish effect; null for summaries, wrappers and non-publish effects. */
export function publishMetadata(model: CodeModel, effect: Effect): PublishMetadata | null {
  if (effect.kind !== 'publish' || (effect.via !== 'binding' && effect.via !== 'name')) return null;
  if (cache.has(effect.call)) return cache.get(effect.call) ?? null;
  const found = compute(model, effect);
  cache.set(effect.call, found);
  return found;
}

function compute(model: CodeModel, effect: Effect): PublishMetadata | null {
  const call = effect.call;
  const callee = calleeOf(call);
  const method = callee.type === 'MemberExpression' ? propertyName(callee) : null;
  if (!method) return null;
  const args = argumentsOf(call);
  const base = { effect, library: effect.library, method };
  switch (effect.library) {
    case 'kafka':
      return kafkaMetadata(model, effect, base, args);
    case 'node-rdkafka':
      return {
        ...base,
        options: null,
        unknownMessages: false,
        messages: [{
          node: call,
          channel: effect.channel,
          orderingField: 'key',
          orderingKey: positional(model, args[3]),
          metadata: args[6] ? keysOf(model, args[6]) : EMPTY_KEYS,
          metadataNodes: args[6] ? [args[6]] : [],
          payload: args[2] ?? null,
          envelope: envelopeOf(model, args[2]),
        }],
      };
    case 'amqplib': {
      const options = method === 'sendToQueue' ? args[2] : args[3];
      const content = method === 'sendToQueue' ? args[1] : args[2];
      return {
        ...base,
        options: options ?? null,
        unknownMessages: false,
        messages: [{
          node: call,
          channel: effect.channel,
          orderingField: null,
          orderingKey: { state: 'absent' },
          metadata: options ? mergeKeys(keysOf(model, options), nested(model, options, 'headers')) : EMPTY_KEYS,
          metadataNodes: options ? [options] : [],
          payload: content ?? null,
          envelope: envelopeOf(model, content),
        }],
      };
    }
    case 'sqs':
    case 'sns':
    case 'eventbridge':
      return awsMetadata(model, effect, base, method, args);
    case 'pubsub': {
      if (method === 'publishMessage') {
        const message = args[0];
        const attributes = propertyOf(model, message, 'attributes');
        const payload = propertyOf(model, message, 'json') ?? propertyOf(model, message, 'data');
        return {
          ...base,
          options: message ?? null,
          unknownMessages: false,
          messages: [{
            node: message ?? call,
            channel: effect.channel,
            orderingField: 'orderingKey',
            orderingKey: slot(model, message, 'orderingKey'),
            metadata: message && objectLiteralOf(model, message) ? (attributes ? keysOf(model, attributes) : EMPTY_KEYS) : UNKNOWN_KEYS,
            metadataNodes: attributes ? [attributes] : [],
            payload,
            envelope: envelopeOf(model, payload),
          }],
        };
      }
      // Legacy `topic.publish(buffer, attributes)` / `publishJSON(object, attributes)`.
      const attributes = args[1] && !isFunction(unwrap(args[1])) ? args[1] : undefined;
      return {
        ...base,
        options: attributes ?? null,
        unknownMessages: false,
        messages: [{
          node: call,
          channel: effect.channel,
          orderingField: 'orderingKey',
          orderingKey: { state: 'absent' },
          metadata: attributes ? keysOf(model, attributes) : EMPTY_KEYS,
          metadataNodes: attributes ? [attributes] : [],
          payload: args[0] ?? null,
          envelope: envelopeOf(model, args[0]),
        }],
      };
    }
    case 'nats': {
      const opts = args[2];
      const headers = propertyOf(model, opts, 'headers');
      const optsKnown = !opts || objectLiteralOf(model, opts) !== null;
      return {
        ...base,
        options: opts ?? null,
        unknownMessages: false,
        messages: [{
          node: call,
          channel: effect.channel,
          orderingField: null,
          orderingKey: { state: 'absent' },
          metadata: !optsKnown ? UNKNOWN_KEYS : headers ? natsHeaderKeys(model, headers) : EMPTY_KEYS,
          metadataNodes: headers ? [headers] : [],
          payload: args[1] ?? null,
          envelope: envelopeOf(model, args[1]),
        }],
      };
    }
    case 'bullmq':
      return bullmqMetadata(model, effect, base, method, args);
    case 'redis': {
      if (method === 'publish') {
        return {
          ...base,
          options: null,
          unknownMessages: false,
          messages: [{
            node: call, channel: effect.channel, orderingField: null, orderingKey: { state: 'absent' },
            metadata: EMPTY_KEYS, metadataNodes: [], payload: args[1] ?? null, envelope: envelopeOf(model, args[1]),
          }],
        };
      }
      // xadd(key, id, field, value, ...) / xAdd(key, id, { field: value })
      const fields = new Map<string, TSESTree.Node>();
      let unknown = false;
      const rest = args.slice(2);
      if (rest.length === 1 && objectLiteralOf(model, rest[0]) !== null) {
        const keys = keysOf(model, rest[0]);
        for (const [k, v] of keys.keys) fields.set(k, v);
        unknown = keys.unknown;
      } else {
        for (let i = 0; i < rest.length; i += 2) {
          const name = model.stringValue(rest[i]);
          // ioredis options such as 'MAXLEN', '~', 1000 precede the id; they are not fields.
          if (name === null) unknown = true;
          else if (rest[i + 1]) fields.set(name.toLowerCase(), rest[i + 1]!);
        }
      }
      const payload = fields.get('payload') ?? fields.get('data') ?? fields.get('event') ?? fields.get('body') ?? null;
      return {
        ...base,
        options: null,
        unknownMessages: false,
        messages: [{
          node: call, channel: effect.channel, orderingField: null, orderingKey: { state: 'absent' },
          metadata: { keys: fields, unknown, spreads: [] }, metadataNodes: rest, payload, envelope: envelopeOf(model, payload),
        }],
      };
    }
    default:
      return null;
  }
}

type Base = { effect: Effect; library: string; method: string };

function kafkaMetadata(model: CodeModel, effect: Effect, base: Base, args: TSESTree.Node[]): PublishMetadata {
  const options = args[0] ?? null;
  const out: PublishMetadata = { ...base, options, messages: [], unknownMessages: false };
  if (!options || !objectLiteralOf(model, options)) {
    out.unknownMessages = true;
    return out;
  }
  const batches: { channel: string | null; messages: TSESTree.Node | null }[] = [];
  if (base.method === 'sendBatch') {
    const topicMessages = items(model, propertyOf(model, options, 'topicMessages'));
    if (topicMessages.unknown) out.unknownMessages = true;
    for (const entry of topicMessages.items) {
      batches.push({ channel: model.channelValue(propertyOf(model, entry, 'topic')), messages: propertyOf(model, entry, 'messages') });
    }
  } else {
    batches.push({ channel: effect.channel, messages: propertyOf(model, options, 'messages') });
  }
  for (const batch of batches) {
    const list = items(model, batch.messages);
    if (list.unknown) out.unknownMessages = true;
    for (const message of list.items) {
      const known = objectLiteralOf(model, message) !== null;
      const headers = propertyOf(model, message, 'headers');
      const value = propertyOf(model, message, 'value');
      out.messages.push({
        node: message,
        channel: batch.channel,
        orderingField: 'key',
        orderingKey: known ? slot(model, message, 'key') : { state: 'unknown' },
        metadata: !known ? UNKNOWN_KEYS : headers ? keysOf(model, headers) : hasSlot(model, message, 'headers') ? UNKNOWN_KEYS : EMPTY_KEYS,
        metadataNodes: headers ? [headers] : [],
        payload: value,
        envelope: envelopeOf(model, value),
      });
    }
  }
  return out;
}

function awsMetadata(model: CodeModel, effect: Effect, base: Base, method: string, args: TSESTree.Node[]): PublishMetadata {
  let input: TSESTree.Node | null = null;
  let batch = false;
  if (method === 'send') {
    const command = commandOf(model, args[0]);
    if (command) {
      input = command.node.arguments[0] ?? null;
      batch = /Batch/.test(command.name) || command.name === 'PutEventsCommand';
    }
  } else {
    input = args[0] ?? null;
    batch = /Batch$/.test(method);
  }
  const out: PublishMetadata = { ...base, options: input, messages: [], unknownMessages: false };
  if (!input || !objectLiteralOf(model, input)) {
    out.unknownMessages = true;
    return out;
  }
  const entryKey = effect.library === 'eventbridge' ? 'Entries' : effect.library === 'sns' ? 'PublishBatchRequestEntries' : 'Entries';
  const entries = batch ? items(model, propertyOf(model, input, entryKey)) : { items: [input], unknown: false };
  if (entries.unknown) out.unknownMessages = true;
  for (const entry of entries.items) {
    const known = objectLiteralOf(model, entry) !== null;
    if (effect.library === 'eventbridge') {
      const detail = propertyOf(model, entry, 'Detail');
      const traceHeader = propertyOf(model, entry, 'TraceHeader');
      out.messages.push({
        node: entry,
        channel: model.channelValue(propertyOf(model, entry, 'DetailType')) ?? effect.channel,
        orderingField: null,
        orderingKey: { state: 'absent' },
        metadata: traceHeader ? { keys: new Map([['traceheader', traceHeader]]), unknown: false, spreads: [] } : known ? EMPTY_KEYS : UNKNOWN_KEYS,
        metadataNodes: traceHeader ? [traceHeader] : [],
        payload: detail,
        envelope: envelopeOf(model, detail),
      });
      continue;
    }
    const attributes = propertyOf(model, entry, 'MessageAttributes');
    const system = propertyOf(model, entry, 'MessageSystemAttributes');
    const metadata = !known
      ? UNKNOWN_KEYS
      : mergeKeys(
          attributes ? keysOf(model, attributes) : hasSlot(model, entry, 'MessageAttributes') ? UNKNOWN_KEYS : EMPTY_KEYS,
          system ? keysOf(model, system) : EMPTY_KEYS,
        );
    const payload = propertyOf(model, entry, effect.library === 'sqs' ? 'MessageBody' : 'Message');
    out.messages.push({
      node: entry,
      channel: effect.channel,
      orderingField: 'MessageGroupId',
      orderingKey: known ? slot(model, entry, 'MessageGroupId') : { state: 'unknown' },
      metadata,
      metadataNodes: [attributes, system].filter((n): n is TSESTree.Node => n !== null),
      payload,
      envelope: envelopeOf(model, payload),
    });
  }
  return out;
}

function bullmqMetadata(model: CodeModel, effect: Effect, base: Base, method: string, args: TSESTree.Node[]): PublishMetadata {
  const out: PublishMetadata = { ...base, options: null, messages: [], unknownMessages: false };
  const job = (data: TSESTree.Node | null, opts: TSESTree.Node | null, node: TSESTree.Node): MessageFacts => ({
    node,
    channel: effect.channel,
    orderingField: null,
    orderingKey: { state: 'absent' },
    // §2.3: BullMQ has no headers; `data` is where trace context travels.
    metadata: data ? keysOf(model, data) : EMPTY_KEYS,
    metadataNodes: [data, opts].filter((n): n is TSESTree.Node => n !== null),
    payload: data,
    envelope: data ? keysOf(model, data) : null,
  });
  if (method === 'add' && effect.library === 'bullmq' && args.length >= 2) {
    out.options = args[2] ?? null;
    out.messages.push(job(args[1] ?? null, args[2] ?? null, effect.call));
    return out;
  }
  // addBulk(jobs) and FlowProducer.add(tree): objects with `data` / `opts`.
  const list = method === 'addBulk' ? items(model, args[0]) : { items: args[0] ? [args[0]] : [], unknown: false };
  if (list.unknown) out.unknownMessages = true;
  for (const entry of list.items) {
    out.messages.push(job(propertyOf(model, entry, 'data'), propertyOf(model, entry, 'opts'), entry));
  }
  return out;
}

/** `new SendMessageCommand({...})` passed directly or through a local name. */
function commandOf(model: CodeModel, node: TSESTree.Node | undefined): { node: TSESTree.NewExpression; name: string } | null {
  if (!node) return null;
  const origin = originOf(model, node);
  const target = origin.kind === 'expr' ? origin.node : unwrap(node);
  if (target.type !== 'NewExpression') return null;
  const ctor = originOf(model, target.callee);
  const name = ctor.kind === 'module' ? ctor.path.at(-1) ?? '' : target.callee.type === 'Identifier' ? target.callee.name : '';
  return { node: target, name };
}

/** Elements of an array literal, or the object a `.map(fn)` callback returns for each element. */
function items(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): { items: TSESTree.Node[]; unknown: boolean } {
  if (!node || depth > 4) return { items: [], unknown: node !== null && node !== undefined };
  const array = arrayLiteralOf(model, node);
  if (array) {
    const out: TSESTree.Node[] = [];
    let unknown = false;
    for (const element of array.elements) {
      if (!element) continue;
      if (element.type === 'SpreadElement') {
        const inner = items(model, element.argument, depth + 1);
        out.push(...inner.items);
        unknown ||= inner.unknown;
      } else {
        out.push(element);
      }
    }
    return { items: out, unknown };
  }
  const origin = originOf(model, node);
  const target = origin.kind === 'expr' ? origin.node : unwrap(node);
  if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression' && propertyName(target.callee) === 'map') {
    const fn = functionOf(model, target.arguments[0]);
    if (fn) {
      const returned = returnedExpressions(fn).map((r) => unwrap(r));
      if (returned.length > 0) return { items: returned, unknown: false };
    }
  }
  return { items: [], unknown: true };
}

function propertyOf(model: CodeModel, node: TSESTree.Node | null | undefined, name: string): TSESTree.Node | null {
  if (!node) return null;
  const found = lookupProperty(model, node, name);
  return found.state === 'present' ? found.value : null;
}

function hasSlot(model: CodeModel, node: TSESTree.Node, name: string): boolean {
  return lookupProperty(model, node, name).state !== 'absent';
}

function slot(model: CodeModel, node: TSESTree.Node | null | undefined, name: string): Slot {
  if (!node) return { state: 'absent' };
  const found = lookupProperty(model, node, name);
  if (found.state !== 'present') return found;
  return nullish(found.value) ? { state: 'null', value: found.value } : { state: 'present', value: found.value };
}

function positional(model: CodeModel, node: TSESTree.Node | undefined): Slot {
  if (!node) return { state: 'absent' };
  return nullish(node) ? { state: 'null', value: node } : { state: 'present', value: node };
}

function nullish(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return (target.type === 'Literal' && target.value === null) || (target.type === 'Identifier' && target.name === 'undefined');
}

function nested(model: CodeModel, node: TSESTree.Node, name: string): KeySet {
  const value = propertyOf(model, node, name);
  return value ? keysOf(model, value) : EMPTY_KEYS;
}

function mergeKeys(...sets: KeySet[]): KeySet {
  const out: KeySet = { keys: new Map(), unknown: false, spreads: [] };
  for (const set of sets) {
    for (const [k, v] of set.keys) out.keys.set(k, v);
    out.unknown ||= set.unknown;
    out.spreads.push(...set.spreads);
  }
  return out;
}

/** NATS `headers()` objects start empty and are filled by `h.set(k, v)` / `h.append(k, v)`. */
function natsHeaderKeys(model: CodeModel, node: TSESTree.Node): KeySet {
  const target = unwrap(node);
  const origin = originOf(model, target);
  if (target.type === 'Identifier' && origin.kind === 'expr' && origin.node.type === 'CallExpression') {
    const fn = originOf(model, origin.node.callee);
    if (fn.kind === 'module' && fn.module === 'nats' && fn.path.at(-1) === 'headers') {
      return { keys: addedKeys(model, target.name), unknown: false, spreads: [] };
    }
  }
  return keysOf(model, node);
}

const SERIALISERS = new Set(['stringify', 'from', 'encode', 'serialize', 'serialise', 'toBuffer']);

/** The object literal a payload serialises: `JSON.stringify({...})`, `Buffer.from(JSON.stringify(x))`, codecs. */
export function envelopeObject(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): TSESTree.Node | null {
  if (!node || depth > 6) return null;
  const origin = originOf(model, node);
  const target = origin.kind === 'expr' ? origin.node : unwrap(node);
  if (target.type === 'ObjectExpression') return target;
  if (target.type === 'CallExpression') {
    const callee = target.callee;
    const method = callee.type === 'MemberExpression' ? propertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
    if (method && SERIALISERS.has(method) && target.arguments[0]) return envelopeObject(model, target.arguments[0], depth + 1);
  }
  return null;
}

const ENVELOPE_METADATA = ['metadata', 'meta', 'headers', 'context', 'envelope', '_meta', 'tracing', 'trace'];

function envelopeOf(model: CodeModel, node: TSESTree.Node | null | undefined): KeySet | null {
  const object = envelopeObject(model, node);
  if (!object) return null;
  const keys = keysOf(model, object);
  const out = mergeKeys(keys);
  for (const name of ENVELOPE_METADATA) {
    const inner = keys.keys.get(name);
    if (inner && objectLiteralOf(model, inner)) {
      const innerKeys = keysOf(model, inner);
      for (const [k, v] of innerKeys.keys) out.keys.set(k, v);
    }
  }
  return out;
}

// ---------------------------------------------------------------- trace context (§2.10)

export type Presence = 'present' | 'absent' | 'unknown';

export interface TraceContext {
  traceparent: Presence;
  /** How trace context gets in: `traceparent header`, `propagation.inject`, `CloudEvents`, `X-Ray`. */
  how: string | null;
  correlation: Presence;
  causation: Presence;
}

const CORRELATION_KEYS = new Set(['correlationid', 'xcorrelationid', 'correlation']);
const CAUSATION_KEYS = new Set(['causationid', 'xcausationid']);
const TRACE_KEYS = new Set(['traceparent']);
const XRAY_KEYS = new Set(['awstraceheader', 'traceheader', 'xamzntraceid']);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * Trace, correlation and causation context of one message of a publish call. `imported` are the
 * models of the repository files this file imports, so imported header helpers are judged by
 * their bodies rather than their names.
 */
export function traceContextOf(model: CodeModel, meta: PublishMetadata, message: MessageFacts, imported: readonly CodeModel[] = []): TraceContext {
  const keys = new Set<string>();
  for (const k of message.metadata.keys.keys()) keys.add(normaliseKey(k));
  const envelopeKeys = new Set<string>();
  for (const k of message.envelope?.keys.keys() ?? []) envelopeKeys.add(normaliseKey(k));
  const all = new Set([...keys, ...envelopeKeys]);
  const has = (set: Set<string>) => [...all].some((k) => set.has(k));
  const unknown = message.metadata.unknown || (message.envelope?.unknown ?? false);

  let traceparent: Presence = 'absent';
  let how: string | null = null;
  if (has(TRACE_KEYS)) {
    traceparent = 'present';
    how = 'traceparent header';
  } else if (has(XRAY_KEYS)) {
    traceparent = 'present';
    how = 'X-Ray trace header';
  } else if (carrierFlows(model, meta, message)) {
    traceparent = 'present';
    how = 'propagation.inject';
  } else if (cloudEventWithTrace(model, message)) {
    traceparent = 'present';
    how = 'CloudEvents traceparent extension';
  } else if (tracingHelperFlows(model, message, imported)) {
    traceparent = 'present';
    how = 'tracing helper';
  } else if (unknown) {
    traceparent = 'unknown';
  }
  return {
    traceparent,
    how,
    correlation: has(CORRELATION_KEYS) ? 'present' : unknown ? 'unknown' : 'absent',
    causation: has(CAUSATION_KEYS) ? 'present' : unknown ? 'unknown' : 'absent',
  };
}

/** Calls that write trace context into a carrier, with the carrier's argument index. */
export function injectCarrier(model: CodeModel, call: CallLike): TSESTree.Node | null {
  const callee = calleeOf(call);
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== 'inject') return null;
  const args = argumentsOf(call);
  const receiver = originOf(model, callee.object);
  if (receiver.kind === 'module') {
    if (receiver.module === '@opentelemetry/api' && receiver.path.at(-1) === 'propagation') return args[1] ?? null;
    if (receiver.module === 'dd-trace') return args[2] ?? null;
    return null;
  }
  if (receiver.kind === 'expr') {
    const node = receiver.node;
    // `new W3CTraceContextPropagator().inject(ctx, carrier, setter)` and `tracer.init().inject(...)`.
    if (node.type === 'NewExpression') {
      const ctor = originOf(model, node.callee);
      if (ctor.kind === 'module' && ctor.module.startsWith('@opentelemetry/')) return args[1] ?? null;
    }
    if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression') {
      const base = originOf(model, node.callee.object);
      if (base.kind === 'module' && base.module === 'dd-trace') return args[2] ?? null;
    }
  }
  return null;
}

/** §2.10: `propagation.inject(ctx, carrier)` in the region and the carrier flows into the message. */
function carrierFlows(model: CodeModel, meta: PublishMetadata, message: MessageFacts): boolean {
  if (!textHas(model, 'inject')) return false;
  const region = model.regionOf(meta.effect.call);
  const scope = message.node === meta.effect.call ? [...message.metadataNodes, ...(meta.options ? [meta.options] : [])] : [message.node, ...message.metadataNodes];
  for (const call of model.callsIn(region)) {
    const carrier = injectCarrier(model, call);
    if (!carrier) continue;
    const root = rootName(carrier);
    if (root && scope.some((node) => mentions(model, node, root))) return true;
  }
  return false;
}

function rootName(node: TSESTree.Node): string | null {
  let current = unwrap(node);
  while (current.type === 'MemberExpression') current = unwrap(current.object);
  return current.type === 'Identifier' ? current.name : null;
}

/** Whether a node mentions a name, directly or through the initialisers of the names it uses. */
function mentions(model: CodeModel, node: TSESTree.Node, name: string, depth = 0): boolean {
  if (depth > 3) return false;
  let found = false;
  walk(node, (inner) => {
    if (found) return false;
    if (inner.type === 'Identifier' && !isPropertyName(inner)) {
      if (inner.name === name) found = true;
      else if (depth < 3) {
        const origin = originOf(model, inner);
        if (origin.kind === 'expr' && origin.node !== inner && !contains(origin.node, inner) && mentions(model, origin.node, name, depth + 1)) found = true;
      }
    }
    return true;
  });
  return found;
}

/** A CloudEvents SDK event carrying a `traceparent` extension serialised into the message. */
function cloudEventWithTrace(model: CodeModel, message: MessageFacts): boolean {
  const nodes = [message.node, ...message.metadataNodes, ...(message.payload ? [message.payload] : [])];
  return readCloudEvent(model, nodes, (options) => (lookupProperty(model, options, 'traceparent').state !== 'absent' ? true : null)) ?? false;
}

/**
 * What `read` finds in the options of the first CloudEvents SDK `new CloudEvent(...)` that one of
 * `nodes` builds or names (through a variable) and where it finds something; null otherwise.
 */
export function readCloudEvent<T>(model: CodeModel, nodes: readonly TSESTree.Node[], read: (options: TSESTree.Node | undefined) => T | null): T | null {
  // Only the CloudEvents SDK makes a CloudEvent: a file that never names it has none to find.
  if (!textHas(model, 'cloudevents')) return null;
  let found: T | null = null;
  for (const node of nodes) {
    walk(node, (inner) => {
      if (found !== null) return false;
      const origin = inner.type === 'Identifier' ? originOf(model, inner) : null;
      const candidate = origin?.kind === 'expr' ? origin.node : inner;
      if (candidate.type === 'NewExpression') {
        const ctor = originOf(model, candidate.callee);
        if (ctor.kind === 'module' && ctor.module === 'cloudevents' && ctor.path.at(-1) === 'CloudEvent') found = read(candidate.arguments[0]);
      }
      return true;
    });
    if (found !== null) return found;
  }
  return null;
}

const TRACING_HELPER = /trace|propagat|otel|telemetry|tracing/i;

const textChecks = new WeakMap<CodeModel, Map<string | RegExp, boolean>>();

/** Whether the file's text holds `needle`, searched once per file: these prechecks run per publish call. */
function textHas(model: CodeModel, needle: string | RegExp): boolean {
  let checks = textChecks.get(model);
  if (!checks) textChecks.set(model, (checks = new Map()));
  let has = checks.get(needle);
  if (has === undefined) {
    has = typeof needle === 'string' ? model.text.includes(needle) : needle.test(model.text);
    checks.set(needle, has);
  }
  return has;
}

/**
 * Headers built by a helper that injects trace context: a local function whose body calls
 * `propagation.inject`, the same for an exported function of an imported repository file, or,
 * when the helper's body is not available, a helper named for tracing.
 */
function tracingHelperFlows(model: CodeModel, message: MessageFacts, imported: readonly CodeModel[]): boolean {
  // Every way to `found` needs `inject` in this file or an imported one, or a tracing word in this
  // file (a helper's name): without them the walk cannot succeed.
  if (!textHas(model, TRACING_HELPER) && !textHas(model, 'inject') && !imported.some((m) => textHas(m, 'inject'))) return false;
  let found = false;
  const visit = (node: TSESTree.Node) => walk(node, (inner) => {
    if (found) return false;
    // A property key or member name is not a reference: only values can hold a helper's result.
    const candidate = inner.type === 'Identifier' && !isPropertyName(inner) ? originOf(model, inner) : null;
    const expr = candidate?.kind === 'expr' ? candidate.node : inner;
    if (expr.type === 'CallExpression') {
      const fn = model.calleeFunction(expr);
      if (fn) {
        if (functionInjects(model, fn)) found = true;
        return true;
      }
      const callee = unwrap(expr.callee);
      const remote = callee.type === 'Identifier' ? importedFunction(model, callee.name, imported) : null;
      if (remote) {
        if (functionInjects(remote.model, remote.fn)) found = true;
        return true;
      }
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
      if (name && TRACING_HELPER.test(name)) found = true;
    }
    return true;
  });
  for (const node of message.metadataNodes) visit(node);
  if (!found && message.node.type !== 'CallExpression') visit(message.node);
  return found;
}

/** The exported function an imported name refers to, found among the imported models. */
function importedFunction(model: CodeModel, local: string, imported: readonly CodeModel[]): { model: CodeModel; fn: FunctionLike } | null {
  const binding = model.imports.get(local);
  if (!binding || !binding.module.startsWith('.')) return null;
  const name = binding.path[0] ?? 'default';
  const stem = binding.module.replace(/^(\.\.?\/)+/, '').replace(/\.(c|m)?(j|t)sx?$/, '');
  const candidates = imported.filter((m) => m.path.replace(/\.(c|m)?(j|t)sx?$/, '').endsWith(stem));
  for (const other of candidates.length > 0 ? candidates : imported) {
    const fn = exportedFunction(other, name);
    if (fn) return { model: other, fn };
  }
  return null;
}

function exportedFunction(model: CodeModel, name: string): FunctionLike | null {
  const local = (id: string): FunctionLike | null => {
    for (const statement of model.program.body) {
      const decl = statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? statement.declaration : statement;
      if (decl?.type === 'FunctionDeclaration' && decl.id?.name === id) return decl;
      if (decl?.type === 'VariableDeclaration') {
        for (const d of decl.declarations) {
          const init = d.init ? unwrap(d.init) : null;
          if (d.id.type === 'Identifier' && d.id.name === id && init && isFunction(init)) return init;
        }
      }
    }
    return null;
  };
  for (const statement of model.program.body) {
    if (statement.type === 'ExportDefaultDeclaration' && name === 'default') {
      const decl = statement.declaration;
      if (isFunction(decl)) return decl;
      if (decl.type === 'Identifier') return local(decl.name);
    }
    if (statement.type === 'ExportNamedDeclaration') {
      const decl = statement.declaration;
      if (decl?.type === 'FunctionDeclaration' && decl.id?.name === name) return decl;
      if (decl?.type === 'VariableDeclaration') {
        for (const d of decl.declarations) {
          const init = d.init ? unwrap(d.init) : null;
          if (d.id.type === 'Identifier' && d.id.name === name && init && isFunction(init)) return init;
        }
      }
      for (const spec of statement.specifiers) {
        const exported = spec.exported.type === 'Identifier' ? spec.exported.name : String(spec.exported.value);
        if (exported === name && spec.local.type === 'Identifier') return local(spec.local.name);
      }
    }
  }
  return null;
}

function functionInjects(model: CodeModel, fn: TSESTree.Node): boolean {
  // injectCarrier needs a member named `inject`: without the word in the file, skip the scan.
  if (!textHas(model, 'inject')) return false;
  return model.calls.some((c) => contains(fn, c) && injectCarrier(model, c) !== null);
}
