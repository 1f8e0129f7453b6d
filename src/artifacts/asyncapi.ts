// AsyncAPI 2.x and 3.x read into one view (artifacts.md 6.6, rules.md 3): channels with their
// address, messages with headers (direct and through traits), payload, examples and bindings, and
// the operations that reference each channel. `$ref`s are followed inside the file and into other
// files of the same feature; a cycle or a dangling reference is recorded, never thrown.
import { posix } from 'node:path';
import type { ArtifactModel, StructuredArtifact } from './model.js';
import { parsePointer, valueAt } from './schema-model.js';
import type { KeyPath } from './structured.js';

/** A value together with the file and key path it was found at, so rules can point at its line. */
export interface Located {
  value: unknown;
  artifact: StructuredArtifact;
  keyPath: KeyPath;
}

export interface RefProblem {
  ref: string;
  reason: 'cycle' | 'missing-file' | 'missing-pointer' | 'outside-feature' | 'unparsed-file';
  /** The file and line of the `$ref` that failed. */
  path: string;
  line: number;
}

export interface HeadersSource {
  /** Where the headers object is defined (after following references). */
  at: Located;
  /** 'trait' when it came from `traits[]`. */
  origin: 'message' | 'trait';
  line: number;
  propertiesLine: number | null;
  requiredLine: number | null;
  properties: string[];
  required: string[];
}

export interface Headers {
  /** Every headers object merged into the message, message first, then traits in order. */
  sources: HeadersSource[];
  properties: Set<string>;
  required: Set<string>;
  /** Line of a header property in the source that declares it. */
  propertyLine(name: string): { path: string; line: number } | null;
}

export interface Payload {
  /** `$ref` as written, null for an inline payload. */
  ref: string | null;
  /** File and line of the `payload` key (or its `$ref`). */
  path: string;
  line: number;
  /** The payload schema, when it resolves. */
  schema: Located | null;
  problem: RefProblem | null;
}

export interface Example {
  at: Located;
  headers: Record<string, unknown> | null;
  payload: Record<string, unknown> | null;
  /** Line of a key of the example's headers or payload. */
  lineOf(part: 'headers' | 'payload', key: string): number | null;
}

export interface Message {
  /** Key of the message in the channel's `messages` map (3.x) or its `name` / index (2.x). */
  id: string;
  /** Where the message object is defined after following references (dedupes shared messages). */
  at: Located;
  identity: string;
  /** Line of the message's key at its definition. */
  line: number;
  contentType: string | null;
  headers: Headers | null;
  payload: Payload | null;
  examples: Example[];
  /** Kafka message binding `key` schema, when declared. */
  kafkaKey: unknown;
  problems: RefProblem[];
}

export interface Channel {
  /** Key under `channels`. */
  id: string;
  /** 3.x `address`; for 2.x the channel key is the address. */
  address: string | null;
  addressLine: number | null;
  /** Line of the channel's key. */
  line: number;
  messagesLine: number | null;
  messages: Message[];
  orderingKey: { value: string; line: number } | null;
  kafkaTopic: string | null;
  problems: RefProblem[];
}

export interface Operation {
  id: string;
  action: string | null;
  /** Channel key the operation references; null when it references none or it does not resolve. */
  channelId: string | null;
  line: number;
}

export interface AsyncApiDoc {
  path: string;
  artifact: StructuredArtifact;
  version: string | null;
  major: number | null;
  versionLine: number | null;
  channelsLine: number | null;
  channels: Channel[];
  operations: Operation[];
  defaultContentType: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_REF_HOPS = 16;

const cache = new WeakMap<StructuredArtifact, AsyncApiDoc>();

/** Cached per artifact; `model` (the same side's artifact model) lets references reach sibling files. */
export function readAsyncApi(artifact: StructuredArtifact, model: ArtifactModel | null = null): AsyncApiDoc {
  const cached = cache.get(artifact);
  if (cached) return cached;
  const doc = new Reader(artifact, model).read();
  cache.set(artifact, doc);
  return doc;
}

/** Lines inside a Located value's file. */
export function lineAt(at: Located, ...more: (string | number)[]): number | null {
  return at.artifact.lineOf([...at.keyPath, ...more]);
}

class Reader {
  constructor(
    private readonly artifact: StructuredArtifact,
    private readonly model: ArtifactModel | null,
  ) {}

  read(): AsyncApiDoc {
    const root = this.artifact.value;
    const top: Located = { value: root, artifact: this.artifact, keyPath: [] };
    const version = isObject(root) && root.asyncapi !== undefined ? String(root.asyncapi) : null;
    const major = version ? Number(/^(\d+)/.exec(version)?.[1] ?? NaN) : NaN;
    const doc: AsyncApiDoc = {
      path: this.artifact.path,
      artifact: this.artifact,
      version,
      major: Number.isFinite(major) ? major : null,
      versionLine: this.artifact.lineOf(['asyncapi']),
      channelsLine: this.artifact.lineOf(['channels']),
      channels: [],
      operations: [],
      defaultContentType: isObject(root) && typeof root.defaultContentType === 'string' ? root.defaultContentType : null,
    };
    if (!isObject(root)) return doc;
    const channels = isObject(root.channels) ? root.channels : {};
    const v2 = doc.major === 2;
    for (const id of Object.keys(channels)) {
      const keyed = child(top, 'channels', id);
      const resolved = this.resolve(keyed);
      const channel: Channel = {
        id,
        address: v2 ? id : null,
        addressLine: v2 ? this.artifact.lineOf(['channels', id]) : null,
        line: this.artifact.lineOf(['channels', id]) ?? doc.channelsLine ?? 1,
        messagesLine: null,
        messages: [],
        orderingKey: null,
        kafkaTopic: null,
        problems: [],
      };
      doc.channels.push(channel);
      if (!resolved.ok) {
        channel.problems.push(resolved.problem);
        continue;
      }
      const c = resolved.at;
      if (!isObject(c.value)) continue;
      if (!v2 && typeof c.value.address === 'string') {
        channel.address = c.value.address;
        channel.addressLine = lineAt(c, 'address');
      }
      if (typeof c.value['x-ordering-key'] === 'string') {
        channel.orderingKey = { value: c.value['x-ordering-key'], line: lineAt(c, 'x-ordering-key') ?? channel.line };
      }
      const kafka = valueAt(c.value, ['bindings', 'kafka', 'topic']);
      if (typeof kafka === 'string') channel.kafkaTopic = kafka;
      if (v2) this.readV2Channel(c, channel, doc);
      else this.readV3Messages(c, channel);
    }
    if (!v2 && isObject(root.operations)) {
      for (const [id, raw] of Object.entries(root.operations)) {
        const at = child(top, 'operations', id);
        const resolved = this.resolve(at);
        const op = resolved.ok && isObject(resolved.at.value) ? resolved.at.value : isObject(raw) ? raw : {};
        const channelRef = isObject(op.channel) && typeof op.channel.$ref === 'string' ? op.channel.$ref : null;
        const channelId = channelRef?.startsWith('#/channels/') ? (parsePointer(channelRef.slice(1))[1] ?? null) : null;
        doc.operations.push({
          id,
          action: typeof op.action === 'string' ? op.action : null,
          channelId: channelId && Object.hasOwn(channels, channelId) ? channelId : null,
          line: this.artifact.lineOf(['operations', id]) ?? 1,
        });
      }
    }
    return doc;
  }

  private readV3Messages(c: Located, channel: Channel): void {
    if (!isObject(c.value) || !isObject(c.value.messages)) return;
    channel.messagesLine = lineAt(c, 'messages');
    for (const id of Object.keys(c.value.messages)) {
      const message = this.message(child(c, 'messages', id), id);
      if (message) channel.messages.push(message);
      else {
        const r = this.resolve(child(c, 'messages', id));
        if (!r.ok) channel.problems.push(r.problem);
      }
    }
  }

  /** 2.x: operations live in the channel (`publish`, `subscribe`), each with a message or `oneOf`. */
  private readV2Channel(c: Located, channel: Channel, doc: AsyncApiDoc): void {
    if (!isObject(c.value)) return;
    const seen = new Set<string>();
    for (const action of ['publish', 'subscribe'] as const) {
      const opAt = child(c, action);
      if (!isObject(opAt.value)) continue;
      doc.operations.push({ id: `${channel.id}.${action}`, action, channelId: channel.id, line: lineAt(opAt) ?? channel.line });
      if (opAt.value.message === undefined) continue;
      const messageAt = child(opAt, 'message');
      channel.messagesLine ??= lineAt(messageAt);
      const resolved = this.resolve(messageAt);
      if (!resolved.ok) {
        channel.problems.push(resolved.problem);
        continue;
      }
      const list: Located[] =
        isObject(resolved.at.value) && Array.isArray(resolved.at.value.oneOf)
          ? resolved.at.value.oneOf.map((_, i) => child(resolved.at, 'oneOf', i))
          : [messageAt];
      for (const [i, item] of list.entries()) {
        const message = this.message(item, String(i));
        if (!message) continue;
        if (isObject(message.at.value) && typeof message.at.value.name === 'string') message.id = message.at.value.name;
        if (seen.has(message.identity)) continue;
        seen.add(message.identity);
        channel.messages.push(message);
      }
    }
  }

  private message(keyed: Located, id: string): Message | null {
    const resolved = this.resolve(keyed);
    if (!resolved.ok) return null;
    const at = resolved.at;
    if (!isObject(at.value)) return null;
    const m = at.value;
    const problems: RefProblem[] = [];
    const sources: HeadersSource[] = [];
    if (m.headers !== undefined) {
      const h = this.resolve(child(at, 'headers'));
      if (h.ok) sources.push(headersSource(h.at, 'message'));
      else problems.push(h.problem);
    }
    let contentType = typeof m.contentType === 'string' ? m.contentType : null;
    let kafkaKey: unknown = valueAt(m, ['bindings', 'kafka', 'key']);
    if (Array.isArray(m.traits)) {
      for (const [i] of m.traits.entries()) {
        const t = this.resolve(child(at, 'traits', i));
        if (!t.ok) {
          problems.push(t.problem);
          continue;
        }
        if (!isObject(t.at.value)) continue;
        if (t.at.value.headers !== undefined) {
          const h = this.resolve(child(t.at, 'headers'));
          if (h.ok) sources.push(headersSource(h.at, 'trait'));
          else problems.push(h.problem);
        }
        if (contentType === null && typeof t.at.value.contentType === 'string') contentType = t.at.value.contentType;
        kafkaKey ??= valueAt(t.at.value, ['bindings', 'kafka', 'key']);
      }
    }
    const payload = m.payload === undefined ? null : this.payload(child(at, 'payload'));
    const examples: Example[] = [];
    if (Array.isArray(m.examples)) {
      for (const [i] of m.examples.entries()) {
        const e = this.resolve(child(at, 'examples', i));
        if (!e.ok || !isObject(e.at.value)) continue;
        const ex = e.at;
        const value = ex.value as Record<string, unknown>;
        examples.push({
          at: ex,
          headers: isObject(value.headers) ? value.headers : null,
          payload: isObject(value.payload) ? value.payload : null,
          lineOf: (part, key) => lineAt(ex, part, key),
        });
      }
    }
    return {
      id,
      at,
      identity: `${at.artifact.path}#${at.keyPath.join('/')}`,
      line: lineAt(at) ?? 1,
      contentType,
      headers: sources.length > 0 ? mergeHeaders(sources) : null,
      payload,
      examples,
      kafkaKey: kafkaKey ?? null,
      problems,
    };
  }

  private payload(at: Located): Payload {
    const ref = isObject(at.value) && typeof at.value.$ref === 'string' ? at.value.$ref : null;
    // 3.x multi-format schema objects wrap the schema in `schema`.
    const line = (ref ? lineAt(at, '$ref') : null) ?? lineAt(at) ?? 1;
    const resolved = this.resolve(at);
    if (!resolved.ok) return { ref, path: at.artifact.path, line, schema: null, problem: resolved.problem };
    let schema = resolved.at;
    if (isObject(schema.value) && typeof schema.value.schemaFormat === 'string' && schema.value.schema !== undefined) {
      const inner = this.resolve(child(schema, 'schema'));
      if (!inner.ok) return { ref, path: at.artifact.path, line, schema: null, problem: inner.problem };
      schema = inner.at;
    }
    return { ref, path: at.artifact.path, line, schema, problem: null };
  }

  /** Follows `$ref` chains; references may leave the file only for files of the same feature. */
  resolve(start: Located): { ok: true; at: Located } | { ok: false; problem: RefProblem } {
    let at = start;
    const seen = new Set<string>();
    for (let hops = 0; isObject(at.value) && typeof at.value.$ref === 'string'; hops++) {
      const ref = at.value.$ref;
      const problem = (reason: RefProblem['reason']): { ok: false; problem: RefProblem } => ({
        ok: false,
        problem: { ref, reason, path: at.artifact.path, line: lineAt(at, '$ref') ?? lineAt(at) ?? 1 },
      });
      const [filePart, pointer = ''] = ref.split('#', 2) as [string, string?];
      const targetPath = filePart === '' ? at.artifact.path : posix.normalize(posix.join(posix.dirname(at.artifact.path), filePart));
      const key = `${targetPath}#${pointer}`;
      if (seen.has(key) || hops >= MAX_REF_HOPS) return problem('cycle');
      seen.add(key);
      let target: StructuredArtifact;
      if (targetPath === at.artifact.path) target = at.artifact;
      else {
        if (/^[a-z][a-z0-9+.-]*:/i.test(filePart)) return problem('outside-feature');
        if (featureRoot(targetPath) !== featureRoot(this.artifact.path)) return problem('outside-feature');
        const other = this.model?.artifacts.get(targetPath);
        if (!other) {
          if (this.model?.paths.has(targetPath)) return problem('unparsed-file');
          return problem('missing-file');
        }
        if (other.syntax !== 'json' && other.syntax !== 'yaml') return problem('unparsed-file');
        target = other;
      }
      const segments = parsePointer(pointer);
      const value = valueAt(target.value, segments);
      if (value === undefined) return problem('missing-pointer');
      at = { value, artifact: target, keyPath: segments };
    }
    return { ok: true, at };
  }
}

function child(at: Located, ...keys: (string | number)[]): Located {
  return { value: valueAt(at.value, keys), artifact: at.artifact, keyPath: [...at.keyPath, ...keys] };
}

/** `docs/features/<slug>/` of a path; legacy and other paths stand for themselves. */
function featureRoot(path: string): string {
  return /^docs\/features\/[^/]+\//.exec(path)?.[0] ?? posix.dirname(path);
}

function headersSource(at: Located, origin: HeadersSource['origin']): HeadersSource {
  const value = isObject(at.value) ? at.value : {};
  const properties = isObject(value.properties) ? Object.keys(value.properties) : [];
  const required = Array.isArray(value.required) ? value.required.map(String) : [];
  return {
    at,
    origin,
    line: lineAt(at) ?? 1,
    propertiesLine: value.properties !== undefined ? lineAt(at, 'properties') : null,
    requiredLine: value.required !== undefined ? lineAt(at, 'required') : null,
    properties,
    required,
  };
}

function mergeHeaders(sources: HeadersSource[]): Headers {
  const properties = new Set<string>();
  const required = new Set<string>();
  for (const s of sources) {
    for (const p of s.properties) properties.add(p);
    for (const r of s.required) required.add(r);
  }
  return {
    sources,
    properties,
    required,
    propertyLine(name) {
      for (const s of sources) {
        if (!s.properties.includes(name)) continue;
        const line = lineAt(s.at, 'properties', name);
        if (line !== null) return { path: s.at.artifact.path, line };
      }
      return null;
    },
  };
}

/** The channel of an AsyncAPI document whose address is `address` (or its only channel). */
export function channelFor(doc: AsyncApiDoc, address: string): Channel | null {
  return doc.channels.find((c) => c.address === address) ?? (doc.channels.length === 1 ? doc.channels[0] : null);
}
