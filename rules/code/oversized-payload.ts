// rules.md rule 47: a producer puts a document, a binary or a whole collection into a broker message
// instead of a reference to object storage (Claim Check).
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunction, keyName, normalizedText, propertyName, unwrap } from '../../src/code/ast.js';
import type { CodeModel } from '../../src/code/model.js';
import { publishMetadata } from '../../src/code/publish-metadata.js';
import { lookupProperty, originOf, stringOf } from '../../src/code/value-flow.js';
import type { Config } from '../../src/config/schema.js';
import { createCodeRule } from '../../src/review/rule.js';

export default createCodeRule({
  meta: {
    id: 'oversized-payload',
    kind: 'code',
    severity: 'Suggestion',
    precision: 'Heuristic',
    systemTag: false,
    checklist: ['D5'],
    antiPattern: 'oversized-payload',
    failureModes: ['consumer-memory-blow-up'],
    pattern: 'Claim Check',
    description: 'A producer puts documents, binaries or unbounded collections into a broker message.',
    messages: {
      oversized:
        'Possible oversized payload at {loc}: {evidence}. Large messages hit broker limits ({limit} for {broker}) and ' +
        'slow every consumer. Pattern: Claim Check; store the object and publish {uri, etag, sha256}.',
    },
  },
  create(context) {
    const { model, config } = context;
    return {
      'Program:exit'() {
        for (const call of model.calls) {
          for (const effect of model.effectsOf(call)) {
            const meta = publishMetadata(model, effect);
            if (!meta) continue;
            const broker = BROKER_LIMIT_KEY[effect.library] ?? null;
            const limit = broker ? config.thresholds.payloadBytes[broker] : null;
            let found: Evidence | null = null;
            let payload: TSESTree.Node = call;
            for (const message of meta.messages) {
              if (!message.payload) continue;
              found = evidenceOf(model, message.payload, limit, 0, new Set());
              if (found) {
                payload = message.payload;
                break;
              }
            }
            if (!found) continue;
            context.report({
              node: payload,
              messageId: 'oversized',
              data: {
                loc: `${context.path}:${model.line(payload)}`,
                evidence: found.text,
                limit: limit ? formatBytes(limit) : 'its configured maximum',
                broker: effect.library,
              },
              variant: found.kind,
              anchor: `${model.regionOf(call).name}|${normalizedText(model.text, call)}`,
              ...(effect.channel ? { channel: effect.channel } : {}),
              related: found.node ? [{ path: context.path, line: model.line(found.node), note: found.text }] : [],
            });
          }
        }
      },
    };
  },
});

type BrokerKey = keyof Config['thresholds']['payloadBytes'];

const BROKER_LIMIT_KEY: Record<string, BrokerKey> = {
  kafka: 'kafka',
  'node-rdkafka': 'kafka',
  sqs: 'sqs',
  sns: 'sns',
  pubsub: 'pubsub',
  nats: 'nats',
};

interface Evidence {
  kind: 'file-content' | 'binary-body' | 'base64' | 'unbounded-query' | 'large-literal';
  text: string;
  node: TSESTree.Node | null;
}

const FS_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'fs-extra']);
const FS_READS = new Set(['readFile', 'readFileSync']);
const BODY_READS = new Set(['arrayBuffer', 'blob', 'transformToByteArray']);
const STREAM_CONSUMERS = new Set(['stream/consumers', 'node:stream/consumers']);
const BINARY_NAME = /file|image|pdf|attachment|document|blob|binary|html|raw/i;
/** Calls whose result is as large as their input. */
const PRESERVING_CALLS = new Set(['stringify', 'from', 'encode', 'toString', 'concat', 'map', 'filter', 'flat', 'flatMap', 'assign', 'lean', 'exec', 'toArray', 'sort', 'reverse']);
/** Properties of a read result that hold the data itself. */
const PRESERVING_PROPS = new Set(['rows', 'data', 'Items', 'Body', 'body', 'content', 'buffer', 'result', 'results', 'records']);

const MAX_DEPTH = 6;

/**
 * Follows the payload through the operations that keep its size (serialisation, encoding, object
 * and array literals, local names) to a large source. Anything else (hashes, lengths, ids of an
 * upload result) ends the search, so a Claim Check payload built next to the document stays quiet.
 */
function evidenceOf(model: CodeModel, node: TSESTree.Node, limit: number | null, depth: number, seen: Set<TSESTree.Node>): Evidence | null {
  if (depth > MAX_DEPTH) return null;
  const target = unwrap(node);
  if (seen.has(target)) return null;
  seen.add(target);
  const next = (n: TSESTree.Node | null | undefined) => (n ? evidenceOf(model, n, limit, depth + 1, seen) : null);
  switch (target.type) {
    case 'Literal':
      return typeof target.value === 'string' ? largeLiteral(target, Buffer.byteLength(target.value), limit) : null;
    case 'TemplateLiteral': {
      const size = target.quasis.reduce((n, q) => n + Buffer.byteLength(q.value.cooked ?? ''), 0);
      return largeLiteral(target, size, limit) ?? firstOf(target.expressions.map((e) => () => next(e)));
    }
    case 'Identifier': {
      const origin = originOf(model, target);
      if (origin.kind === 'expr' && origin.node !== target) return next(origin.node);
      if (origin.kind === 'destructured' && typeof origin.path[0] === 'string' && PRESERVING_PROPS.has(origin.path[0])) return next(origin.init);
      return null;
    }
    case 'ObjectExpression':
      return firstOf(target.properties.map((prop) => () => {
        if (prop.type === 'SpreadElement') return next(prop.argument);
        const name = keyName(prop.key);
        const inner = next(prop.value);
        if (inner) return name && BINARY_NAME.test(name) ? { ...inner, text: `property \`${name}\` holds ${inner.text}` } : inner;
        // `pdf: something.toString('base64')` of a value the analysis cannot trace.
        if (name && BINARY_NAME.test(name) && isBase64(model, prop.value)) {
          return { kind: 'base64' as const, text: `property \`${name}\` holds base64-encoded content`, node: prop.value };
        }
        return null;
      }));
    case 'ArrayExpression':
      return firstOf(target.elements.map((e) => () => (e ? next(e.type === 'SpreadElement' ? e.argument : e) : null)));
    case 'BinaryExpression':
      return target.operator === '+' ? next(target.left) ?? next(target.right) : null;
    case 'LogicalExpression':
      return next(target.left) ?? next(target.right);
    case 'ConditionalExpression':
      return next(target.consequent) ?? next(target.alternate);
    case 'MemberExpression': {
      const name = propertyName(target);
      return name && PRESERVING_PROPS.has(name) ? next(target.object) : null;
    }
    case 'CallExpression':
      return sourceCall(model, target) ?? preservingCall(target, next);
    default:
      return null;
  }
}

function firstOf(thunks: (() => Evidence | null)[]): Evidence | null {
  for (const thunk of thunks) {
    const found = thunk();
    if (found) return found;
  }
  return null;
}

function largeLiteral(node: TSESTree.Node, size: number, limit: number | null): Evidence | null {
  if (limit === null || size <= limit) return null;
  return { kind: 'large-literal', text: `a ${formatBytes(size)} string literal`, node };
}

function preservingCall(call: TSESTree.CallExpression, next: (n: TSESTree.Node | null | undefined) => Evidence | null): Evidence | null {
  const callee = unwrap(call.callee);
  const method = callee.type === 'MemberExpression' ? propertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
  if (!method || (!PRESERVING_CALLS.has(method) && method !== 'String')) return null;
  const fromArgs = () => firstOf(call.arguments.filter((a) => !isFunction(unwrap(a))).map((a) => () => next(a)));
  const fromReceiver = () => (callee.type === 'MemberExpression' ? next(callee.object) : null);
  const found = method === 'toString' || method === 'map' || method === 'filter' || method === 'lean' || method === 'exec' || method === 'toArray'
    ? fromReceiver()
    : fromArgs() ?? (method === 'concat' ? fromReceiver() : null);
  if (found && method === 'toString' && call.arguments[0] && (call.arguments[0] as TSESTree.Node).type === 'Literal' &&
    (call.arguments[0] as TSESTree.Literal).value === 'base64') {
    return { ...found, text: `${found.text}, base64-encoded` };
  }
  return found;
}

function isBase64(model: CodeModel, node: TSESTree.Node): boolean {
  const target = unwrap(node);
  if (target.type !== 'CallExpression' || target.callee.type !== 'MemberExpression') return false;
  const method = propertyName(target.callee);
  return (method === 'toString' || method === 'transformToString') && stringOf(model, target.arguments[0]) === 'base64';
}

/** A call that produces a large value: a file read, an HTTP / stream body in memory, an unbounded query. */
function sourceCall(model: CodeModel, call: TSESTree.CallExpression): Evidence | null {
  // Most calls are not evidence: the call's text is cut only for one that is.
  const short = () => {
    const text = model.text.slice(call.range[0], call.range[1]).replace(/\s+/g, ' ');
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  const fn = originOf(model, call.callee);
  if (fn.kind === 'module') {
    const last = fn.path.at(-1) ?? '';
    if (FS_MODULES.has(fn.module) && FS_READS.has(last)) return { kind: 'file-content', text: `file contents from \`${short()}\``, node: call };
    if (STREAM_CONSUMERS.has(fn.module) && ['buffer', 'arrayBuffer', 'blob'].includes(last)) {
      return { kind: 'binary-body', text: `a stream read into memory by \`${short()}\``, node: call };
    }
  }
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method) return null;
  const receiver = unwrap(callee.object);
  if (method === 'concat' && receiver.type === 'Identifier' && receiver.name === 'Buffer') {
    return { kind: 'binary-body', text: `a stream or body collected with \`${short()}\``, node: call };
  }
  if (BODY_READS.has(method) && call.arguments.length === 0) return { kind: 'binary-body', text: `a response body read into memory by \`${short()}\``, node: call };
  if (method === 'transformToString' && stringOf(model, call.arguments[0]) === 'base64') {
    return { kind: 'base64', text: `an object body read as base64 by \`${short()}\``, node: call };
  }
  return unboundedQuery(model, call, method, short);
}

const SQL_LIMIT = /\b(limit|fetch\s+first|top)\b/i;
const SQL_AGGREGATE = /^\s*select\s+(count|sum|min|max|avg|exists)\s*\(/i;
const SQL_KEY_LOOKUP = /\bwhere\s+[\w."]*\bid\s*=/i;

/** rules.md rule 47 step 2: a read with no take / limit serialised whole. */
function unboundedQuery(model: CodeModel, call: TSESTree.CallExpression, method: string, short: () => string): Evidence | null {
  const callee = call.callee as TSESTree.MemberExpression;
  const owner = model.roleOf(callee.object);
  const found = (what: string): Evidence => ({ kind: 'unbounded-query', text: `the whole result of \`${short()}\` (${what})`, node: call });
  if (owner?.role === 'prisma.delegate' && method === 'findMany') {
    const take = call.arguments[0] ? lookupProperty(model, call.arguments[0], 'take') : { state: 'absent' as const };
    return take.state === 'absent' ? found('no take') : null;
  }
  if ((owner?.role === 'typeorm.repo' || owner?.role === 'typeorm.manager') && ['find', 'findBy', 'findAndCount'].includes(method)) {
    if (method === 'findBy') return found('no take');
    const options = owner.role === 'typeorm.manager' ? call.arguments[1] : call.arguments[0];
    if (!options) return found('no take');
    const take = lookupProperty(model, options, 'take');
    const limit = lookupProperty(model, options, 'limit');
    return take.state === 'absent' && limit.state === 'absent' ? found('no take') : null;
  }
  if (owner?.role === 'sequelize.model' && method === 'findAll') {
    const limit = call.arguments[0] ? lookupProperty(model, call.arguments[0], 'limit') : { state: 'absent' as const };
    return limit.state === 'absent' ? found('no limit') : null;
  }
  if (owner?.role === 'mongoose.model' && method === 'find') return found('no limit');
  if (owner && ['pg.pool', 'pg.client', 'mysql'].includes(owner.role) && (method === 'query' || method === 'execute')) {
    const sql = stringOf(model, call.arguments[0]) ?? templateSql(call.arguments[0]);
    if (sql && /^\s*select\b/i.test(sql) && !SQL_LIMIT.test(sql) && !SQL_AGGREGATE.test(sql) && !SQL_KEY_LOOKUP.test(sql)) return found('no LIMIT');
  }
  if (owner?.role === 'knex' && owner.target) {
    const chain = knexChain(callee);
    if (!chain.some((m) => ['limit', 'first', 'count', 'countDistinct', 'sum', 'min', 'max', 'avg', 'pluck', 'paginate'].includes(m))) {
      return found('no limit');
    }
  }
  return null;
}

function templateSql(node: TSESTree.Node | undefined): string | null {
  if (!node) return null;
  const target = unwrap(node);
  return target.type === 'TemplateLiteral' ? target.quasis.map((q) => q.value.cooked ?? '').join('?') : null;
}

function knexChain(callee: TSESTree.MemberExpression): string[] {
  const out: string[] = [];
  let current: TSESTree.Node = callee;
  while (current.type === 'MemberExpression') {
    const name = propertyName(current);
    if (name) out.push(name);
    const obj = unwrap(current.object);
    current = obj.type === 'CallExpression' ? unwrap(obj.callee) : obj;
  }
  return out;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1_000_000 && bytes % 1_000_000 === 0) return `${bytes / 1_000_000} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
