// Outbound synchronous calls (rules.md §2.9): fetch, axios (default export, `axios.create`
// instances, NestJS HttpService), got (and `got.extend` instances), undici `request` / `fetch` /
// `Client` / `Pool`, Node `http(s).request|get` and `@grpc/grpc-js` client methods. For each call:
// the client, HTTP method, target (URL, host, env var), internal or external per `internalHosts`,
// and whether a deadline is set. Everything is resolved through imports, constructors and typed
// injections; when an option object is not visible the timeout is `unknown`, never `absent`, so
// the rules that read it stay quiet instead of guessing.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeOf, type CallLike, contains, type FunctionLike, isFunction, parentOf, propertyName, unwrap } from './ast.js';
import type { CodeModel, Region } from './model.js';
import { matchesWildcard } from '../review/glob.js';
import {
  booleanValue,
  envVarName,
  lookupProperty,
  numberValue,
  objectLiteralOf,
  originOf,
  stringOf,
  typeKey,
  typeName,
  walk,
  type Origin,
} from './value-flow.js';

export type OutboundClient = 'fetch' | 'axios' | 'got' | 'undici' | 'http' | 'grpc';

export type TimeoutState = 'present' | 'absent' | 'unknown';

export interface TimeoutFact {
  state: TimeoutState;
  /** How the deadline is set (`timeout option`, `AbortSignal.timeout`, `instance timeout`, ...). */
  how: string | null;
}

export interface OutboundTarget {
  /** The URL as written, for messages: `${INVENTORY_SERVICE_URL}/reservations`. */
  text: string | null;
  host: string | null;
  envVar: string | null;
}

export interface OutboundCall {
  call: CallLike;
  client: OutboundClient;
  /** `GET`, `POST`, ...; the RPC method name for gRPC. */
  method: string | null;
  target: OutboundTarget;
  internal: boolean;
  timeout: TimeoutFact;
  /** `binding`: resolved through imports / constructors / library types; `name`: a guess. */
  via: 'binding' | 'name';
  /** gRPC: the client class (`OrdersServiceClient`, `orders.v1.OrdersService`). */
  grpcClient: string | null;
  /**
   * The call is the WHATWG `fetch(input, init)` API, whichever module provides it (global,
   * node-fetch, undici): its deadline is `init.signal`. `client` stays `undici` for undici's fetch.
   */
  fetchApi: boolean;
}

export interface OutboundOptions {
  internalHosts: readonly string[];
}

const AXIOS_NO_BODY = new Set(['get', 'delete', 'head', 'options']);
const AXIOS_WITH_BODY = new Set(['post', 'put', 'patch', 'postForm', 'putForm', 'patchForm']);
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'stream', 'paginate']);
const HTTP_MODULES = new Set(['http', 'https', 'node:http', 'node:https']);
const FETCH_MODULES = new Set(['node-fetch', 'cross-fetch', 'isomorphic-fetch', 'undici']);
const GRPC_MODULES = new Set(['@grpc/grpc-js', 'grpc']);
/** Client methods that are plumbing, not RPCs. */
const GRPC_NON_RPC = new Set([
  'close', 'getChannel', 'waitForReady', 'makeUnaryRequest', 'makeClientStreamRequest', 'makeServerStreamRequest',
  'makeBidiStreamRequest', 'on', 'once', 'emit', 'bind', 'call', 'apply', 'toString',
]);

const cache = new WeakMap<CodeModel, Map<CallLike, OutboundCall | null>>();

/** The outbound call a call expression makes, or null when it is not one. */
export function outboundCall(model: CodeModel, call: CallLike, options: OutboundOptions): OutboundCall | null {
  let perModel = cache.get(model);
  if (!perModel) {
    perModel = new Map();
    cache.set(model, perModel);
  }
  if (perModel.has(call)) return perModel.get(call) ?? null;
  const found = call.type === 'CallExpression' ? recognise(model, call, options) : null;
  perModel.set(call, found);
  return found;
}

export function outboundCallsIn(model: CodeModel, region: Region, options: OutboundOptions): OutboundCall[] {
  return model.callsIn(region).map((c) => outboundCall(model, c, options)).filter((c): c is OutboundCall => c !== null);
}

/** Outbound calls lexically inside a node (a handler body, including nested callbacks). */
export function outboundCallsWithin(model: CodeModel, node: TSESTree.Node, options: OutboundOptions): OutboundCall[] {
  return model.calls
    .filter((c) => contains(node, c))
    .sort((a, b) => a.range[0] - b.range[0])
    .map((c) => outboundCall(model, c, options))
    .filter((c): c is OutboundCall => c !== null);
}

// ---------------------------------------------------------------- recognition

interface ClientShape {
  client: OutboundClient;
  via: 'binding' | 'name';
  /** Config object of the instance (axios.create / got.extend / undici Client), if visible. */
  instanceConfig: TSESTree.Node | null;
  /** The instance's configuration is not visible (typed injection, parameter). */
  instanceUnknown: boolean;
  /** The instance value, for `.defaults.timeout =` and interceptor checks. */
  instanceNode: TSESTree.Node | null;
  /** Origin of a gRPC client: its constructor call, if visible. */
  grpcConstructor?: TSESTree.NewExpression | null;
  grpcClient?: string | null;
  /** undici Client / Pool origin (base URL). */
  origin?: TSESTree.Node | null;
}

function recognise(model: CodeModel, call: TSESTree.CallExpression, options: OutboundOptions): OutboundCall | null {
  const callee = calleeOf(call);
  if (callee.type === 'Identifier') return recogniseFunctionCall(model, call, callee, options);
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method) return null;
  const receiver = unwrap(callee.object);
  if (method === 'fetch' && receiver.type === 'Identifier' && (receiver.name === 'globalThis' || receiver.name === 'window')) {
    return fetchCall(model, call, 'fetch', 'binding', options);
  }
  const receiverOrigin = originOf(model, receiver);
  if (receiverOrigin.kind === 'module') {
    if (isAxiosModule(receiverOrigin)) {
      if (AXIOS_NO_BODY.has(method) || AXIOS_WITH_BODY.has(method) || method === 'request') {
        return axiosCall(model, call, method, { client: 'axios', via: 'binding', instanceConfig: null, instanceUnknown: false, instanceNode: receiver }, options);
      }
      return null;
    }
    if (isGotModule(receiverOrigin) && GOT_METHODS.has(method)) {
      return gotCall(model, call, method, { client: 'got', via: 'binding', instanceConfig: null, instanceUnknown: false, instanceNode: null }, options);
    }
    if (HTTP_MODULES.has(receiverOrigin.module) && receiverOrigin.path.length === 0 && (method === 'request' || method === 'get')) {
      return httpCall(model, call, method, options);
    }
    if (receiverOrigin.module === 'undici' && receiverOrigin.path.length === 0) {
      if (method === 'fetch') return fetchCall(model, call, 'undici', 'binding', options);
      if (method === 'request') return undiciRequest(model, call, null, options);
    }
    return null;
  }
  const shape = instanceShape(model, receiver, receiverOrigin);
  if (!shape) return null;
  switch (shape.client) {
    case 'axios':
      if (AXIOS_NO_BODY.has(method) || AXIOS_WITH_BODY.has(method) || method === 'request') return axiosCall(model, call, method, shape, options);
      return null;
    case 'got':
      return GOT_METHODS.has(method) ? gotCall(model, call, method, shape, options) : null;
    case 'undici':
      return method === 'request' ? undiciRequest(model, call, shape.origin ?? null, options) : null;
    case 'grpc':
      return GRPC_NON_RPC.has(method) ? null : grpcCall(model, call, method, shape, options);
    default:
      return null;
  }
}

function recogniseFunctionCall(model: CodeModel, call: TSESTree.CallExpression, callee: TSESTree.Identifier, options: OutboundOptions): OutboundCall | null {
  const origin = originOf(model, callee);
  if (origin.kind === 'global' && origin.name === 'fetch') return fetchCall(model, call, 'fetch', 'binding', options);
  if (origin.kind === 'module') {
    if (FETCH_MODULES.has(origin.module) && (origin.path.length === 0 ? origin.module !== 'undici' : origin.path.join('.') === 'fetch' || origin.path.join('.') === 'default')) {
      return fetchCall(model, call, origin.module === 'undici' ? 'undici' : 'fetch', 'binding', options);
    }
    if (isAxiosModule(origin)) {
      return axiosCall(model, call, null, { client: 'axios', via: 'binding', instanceConfig: null, instanceUnknown: false, instanceNode: callee }, options);
    }
    if (isGotModule(origin)) return gotCall(model, call, null, { client: 'got', via: 'binding', instanceConfig: null, instanceUnknown: false, instanceNode: null }, options);
    if (origin.module === 'undici' && origin.path.join('.') === 'request') return undiciRequest(model, call, null, options);
    if (HTTP_MODULES.has(origin.module) && origin.path.length === 1 && (origin.path[0] === 'request' || origin.path[0] === 'get')) {
      return httpCall(model, call, origin.path[0], options);
    }
    return null;
  }
  const shape = instanceShape(model, callee, origin);
  if (shape?.client === 'axios') return axiosCall(model, call, null, shape, options);
  if (shape?.client === 'got') return gotCall(model, call, null, shape, options);
  return null;
}

function isAxiosModule(origin: Extract<Origin, { kind: 'module' }>): boolean {
  return origin.module === 'axios' && (origin.path.length === 0 || (origin.path.length === 1 && origin.path[0] === 'default'));
}

function isGotModule(origin: Extract<Origin, { kind: 'module' }>): boolean {
  return origin.module === 'got' && (origin.path.length === 0 || (origin.path.length === 1 && (origin.path[0] === 'default' || origin.path[0] === 'got')));
}

/** What kind of client instance a receiver is: axios / got instance, undici pool, gRPC client. */
function instanceShape(model: CodeModel, receiver: TSESTree.Node, origin: Origin, depth = 0): ClientShape | null {
  if (depth > 4) return null;
  switch (origin.kind) {
    case 'expr': {
      const node = origin.node;
      if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression') {
        const method = propertyName(node.callee);
        const base = originOf(model, node.callee.object);
        if (method === 'create' && base.kind === 'module' && isAxiosModule(base)) {
          return { client: 'axios', via: 'binding', instanceConfig: node.arguments[0] ?? null, instanceUnknown: false, instanceNode: receiver };
        }
        if (method === 'extend') {
          if (base.kind === 'module' && isGotModule(base)) {
            return { client: 'got', via: 'binding', instanceConfig: node.arguments[0] ?? null, instanceUnknown: false, instanceNode: receiver };
          }
          const parent = instanceShape(model, node.callee.object, base, depth + 1);
          if (parent?.client === 'got') {
            // `base.extend(opts)`: a timeout on either layer applies.
            const own = node.arguments[0] ?? null;
            const inherited = parent.instanceConfig;
            const ownTimeout = own ? lookupProperty(model, own, 'timeout') : { state: 'absent' as const };
            return {
              ...parent,
              instanceNode: receiver,
              instanceConfig: ownTimeout.state === 'absent' ? inherited : own,
              instanceUnknown: parent.instanceUnknown || ownTimeout.state === 'unknown',
            };
          }
        }
        if (method === 'axiosRef') return null;
      }
      if (node.type === 'MemberExpression' && propertyName(node) === 'axiosRef') {
        const base = originOf(model, node.object);
        if (base.kind === 'typed' && typeKey(model, base.type) === '@nestjs/axios#HttpService') {
          return { client: 'axios', via: 'binding', instanceConfig: null, instanceUnknown: true, instanceNode: receiver };
        }
      }
      if (node.type === 'NewExpression') return constructedShape(model, node, receiver);
      return null;
    }
    case 'typed':
    case 'param': {
      const type = origin.type;
      const key = typeKey(model, type);
      if (key === 'axios#AxiosInstance' || key === '@nestjs/axios#HttpService') {
        return { client: 'axios', via: 'binding', instanceConfig: null, instanceUnknown: true, instanceNode: receiver };
      }
      if (key === 'got#Got') return { client: 'got', via: 'binding', instanceConfig: null, instanceUnknown: true, instanceNode: receiver };
      if (key && isGrpcClientType(model, key)) {
        return { client: 'grpc', via: 'binding', instanceConfig: null, instanceUnknown: true, instanceNode: receiver, grpcConstructor: null, grpcClient: typeName(type) };
      }
      return null;
    }
    default:
      return null;
  }
}

function constructedShape(model: CodeModel, node: TSESTree.NewExpression, receiver: TSESTree.Node): ClientShape | null {
  const ctor = originOf(model, node.callee);
  if (ctor.kind === 'module' && ctor.module === 'undici' && ctor.path.length === 1 && ['Client', 'Pool', 'Agent'].includes(ctor.path[0]!)) {
    return { client: 'undici', via: 'binding', instanceConfig: node.arguments[1] ?? null, instanceUnknown: false, instanceNode: receiver, origin: node.arguments[0] ?? null };
  }
  const grpc = grpcClientName(model, node, ctor);
  if (grpc) return { client: 'grpc', via: 'binding', instanceConfig: node.arguments[2] ?? null, instanceUnknown: false, instanceNode: receiver, grpcConstructor: node, grpcClient: grpc };
  return null;
}

/**
 * A gRPC client constructor: a service constructor read from `grpc.loadPackageDefinition(...)`,
 * a class made by `makeGenericClientConstructor`, or a generated `*Client` from a `_grpc_pb`
 * module or built with `grpc.credentials` as its second argument.
 */
function grpcClientName(model: CodeModel, node: TSESTree.NewExpression, ctor: Origin): string | null {
  const calleeText = model.text.slice(node.callee.range[0], node.callee.range[1]).replace(/\s+/g, '');
  if (ctor.kind === 'module') {
    if (/_grpc_pb(\.js)?$/.test(ctor.module) || (GRPC_MODULES.has(ctor.module) && ctor.path.at(-1) === 'Client')) return calleeText;
    const name = ctor.path.at(-1) ?? '';
    if (/Client$/.test(name) && isGrpcCredentials(model, node.arguments[1])) return name;
    return null;
  }
  if (ctor.kind === 'expr') {
    if (fromLoadPackageDefinition(model, node.callee)) return calleeText;
    const made = ctor.node;
    if (made.type === 'CallExpression') {
      const fn = originOf(model, made.callee);
      if (fn.kind === 'module' && GRPC_MODULES.has(fn.module) && fn.path.at(-1) === 'makeGenericClientConstructor') return calleeText;
    }
    if (node.callee.type === 'MemberExpression' && isGrpcCredentials(model, node.arguments[1])) return calleeText;
  }
  return null;
}

/** `pkg.orders.v1.OrdersService` where `pkg` holds `grpc.loadPackageDefinition(...)`. */
function fromLoadPackageDefinition(model: CodeModel, callee: TSESTree.Node): boolean {
  let current = unwrap(callee);
  while (current.type === 'MemberExpression') current = unwrap(current.object);
  const origin = originOf(model, current);
  if (origin.kind !== 'expr') return false;
  let value = unwrap(origin.node);
  while (value.type === 'MemberExpression') value = unwrap(value.object);
  if (value.type !== 'CallExpression') return false;
  const fn = originOf(model, value.callee);
  return fn.kind === 'module' && GRPC_MODULES.has(fn.module) && fn.path.at(-1) === 'loadPackageDefinition';
}

function isGrpcCredentials(model: CodeModel, node: TSESTree.Node | undefined): boolean {
  if (!node) return false;
  const target = unwrap(node);
  if (target.type !== 'CallExpression') {
    const origin = originOf(model, target);
    return origin.kind === 'expr' && origin.node !== target && isGrpcCredentials(model, origin.node);
  }
  const fn = originOf(model, target.callee);
  return fn.kind === 'module' && GRPC_MODULES.has(fn.module) && (fn.path[0] === 'credentials' || fn.path[0] === 'ChannelCredentials');
}

/** A library type key naming a generated gRPC client. */
function isGrpcClientType(model: CodeModel, key: string): boolean {
  const [module, path] = key.split('#') as [string, string];
  if (/_grpc_pb(\.js)?$/.test(module)) return /Client$/.test(path);
  if (GRPC_MODULES.has(module)) return path === 'Client';
  // ts-proto / proto-loader output lives in the repository; a `*Client` type from it counts only
  // when the file itself talks to grpc-js.
  return /Client$/.test(path) && [...model.imports.values()].some((b) => GRPC_MODULES.has(b.module));
}

// ---------------------------------------------------------------- per client

function result(
  call: CallLike,
  client: OutboundClient,
  method: string | null,
  target: OutboundTarget,
  timeout: TimeoutFact,
  via: 'binding' | 'name',
  options: OutboundOptions,
  grpcClient: string | null = null,
): OutboundCall {
  return { call, client, method, target, internal: isInternal(target, options.internalHosts), timeout, via, grpcClient, fetchApi: false };
}

function fetchCall(model: CodeModel, call: TSESTree.CallExpression, client: 'fetch' | 'undici', via: 'binding' | 'name', options: OutboundOptions): OutboundCall {
  const [input, init] = call.arguments as TSESTree.Node[];
  // undici's global dispatcher carries headers / body timeouts for every fetch of the process.
  const globalDispatcher = setsGlobalDispatcher(model);
  const method = init ? upper(stringOf(model, propertyValue(model, init, 'method'))) ?? (hasProperty(model, init, 'method') ? null : 'GET') : 'GET';
  let timeout: TimeoutFact;
  if (input && isRequestObject(model, input)) timeout = { state: 'unknown', how: null };
  else if (!init) timeout = { state: 'absent', how: null };
  else {
    const signal = lookupProperty(model, init, 'signal');
    if (signal.state === 'present') timeout = signalTimeout(model, signal.value, call);
    else if (signal.state === 'unknown') timeout = { state: 'unknown', how: null };
    else {
      // node-fetch v2 takes `timeout`; undici takes a `dispatcher` carrying its own timeouts.
      const legacy = lookupProperty(model, init, 'timeout');
      const dispatcher = lookupProperty(model, init, 'dispatcher');
      if (legacy.state === 'present' && !isZero(model, legacy.value)) timeout = { state: 'present', how: 'timeout option' };
      else if (dispatcher.state === 'present') timeout = { state: 'present', how: 'dispatcher' };
      else if (legacy.state === 'unknown' || dispatcher.state === 'unknown') timeout = { state: 'unknown', how: null };
      else timeout = { state: 'absent', how: null };
    }
  }
  if (timeout.state === 'absent' && globalDispatcher) timeout = { state: 'unknown', how: null };
  return { ...result(call, client, method, input ? targetOf(model, input) : emptyTarget(), timeout, via, options), fetchApi: true };
}

function setsGlobalDispatcher(model: CodeModel): boolean {
  return model.calls.some((c) => {
    const fn = originOf(model, calleeOf(c));
    return fn.kind === 'module' && fn.module === 'undici' && fn.path.at(-1) === 'setGlobalDispatcher';
  });
}

function isRequestObject(model: CodeModel, node: TSESTree.Node): boolean {
  const origin = originOf(model, node);
  return origin.kind === 'expr' && origin.node.type === 'NewExpression' && origin.node.callee.type === 'Identifier' && origin.node.callee.name === 'Request';
}

/** `AbortSignal.timeout(ms)`, `AbortSignal.any([..timeout..])`, or a controller aborted by a timer. */
function signalTimeout(model: CodeModel, value: TSESTree.Node, call: CallLike): TimeoutFact {
  const origin = originOf(model, value);
  const node = origin.kind === 'expr' ? origin.node : unwrap(value);
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression') {
    const obj = unwrap(node.callee.object);
    const method = propertyName(node.callee);
    if (obj.type === 'Identifier' && obj.name === 'AbortSignal' && method === 'timeout') return { state: 'present', how: 'AbortSignal.timeout' };
    if (obj.type === 'Identifier' && obj.name === 'AbortSignal' && method === 'any') return { state: 'present', how: 'AbortSignal.any' };
  }
  if (node.type === 'MemberExpression' && propertyName(node) === 'signal') {
    const controller = unwrap(node.object);
    if (controller.type === 'Identifier' && abortedByTimer(model, controller.name, call)) return { state: 'present', how: 'AbortController with setTimeout' };
  }
  // A caller-provided or otherwise-driven signal: a deadline may well be behind it.
  return { state: 'present', how: 'signal' };
}

function abortedByTimer(model: CodeModel, controller: string, call: CallLike): boolean {
  const region = model.regionOf(call);
  let found = false;
  walk(region.node, (node) => {
    if (found) return false;
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'setTimeout') {
      walk(node, (inner) => {
        if (inner.type === 'CallExpression' && inner.callee.type === 'MemberExpression' && propertyName(inner.callee) === 'abort') {
          const obj = unwrap(inner.callee.object);
          if (obj.type === 'Identifier' && obj.name === controller) found = true;
        }
      });
    }
    return true;
  });
  return found;
}

function axiosCall(
  model: CodeModel,
  call: TSESTree.CallExpression,
  method: string | null,
  shape: ClientShape,
  options: OutboundOptions,
): OutboundCall {
  const args = call.arguments as TSESTree.Node[];
  let config: TSESTree.Node | undefined;
  let url: TSESTree.Node | undefined;
  let httpMethod: string | null;
  if (method === null || method === 'request') {
    // axios(config), axios(url, config), instance.request(config)
    const first = args[0];
    const firstIsConfig = method === 'request' || (first !== undefined && !looksLikeUrl(model, first));
    config = firstIsConfig ? first : args[1];
    url = firstIsConfig ? propertyValue(model, first, 'url') ?? undefined : first;
    httpMethod = upper(stringOf(model, propertyValue(model, config, 'method'))) ?? (config && hasProperty(model, config, 'method') ? null : 'GET');
  } else {
    url = args[0];
    config = AXIOS_WITH_BODY.has(method) ? args[2] : args[1];
    httpMethod = method.replace(/Form$/, '').toUpperCase();
  }
  const timeout = axiosTimeout(model, config, shape);
  const base = shape.instanceConfig ? propertyValue(model, shape.instanceConfig, 'baseURL') : null;
  const target = combineTargets(base ? targetOf(model, base) : null, url ? targetOf(model, url) : emptyTarget());
  return result(call, 'axios', httpMethod, target, timeout, shape.via, options);
}

function axiosTimeout(model: CodeModel, config: TSESTree.Node | undefined, shape: ClientShape): TimeoutFact {
  if (config) {
    const own = optionTimeout(model, config, ['timeout', 'signal']);
    if (own.state !== 'absent') return own;
  }
  if (shape.instanceUnknown) return { state: 'unknown', how: null };
  if (shape.instanceConfig) {
    const inherited = optionTimeout(model, shape.instanceConfig, ['timeout', 'signal']);
    if (inherited.state === 'present') return { state: 'present', how: 'instance timeout' };
    if (inherited.state === 'unknown') return { state: 'unknown', how: null };
  }
  // `axios.defaults.timeout = n`, `api.defaults.timeout = n`, or an interceptor that may set one.
  const instanceName = shape.instanceNode ? instanceText(model, shape.instanceNode) : null;
  if (instanceName && setsDefaultTimeout(model, instanceName)) return { state: 'present', how: 'defaults.timeout' };
  if (instanceName && hasInterceptor(model, instanceName)) return { state: 'unknown', how: null };
  return { state: 'absent', how: null };
}

function instanceText(model: CodeModel, node: TSESTree.Node): string {
  const target = unwrap(node);
  return model.text.slice(target.range[0], target.range[1]).replace(/\s+/g, '');
}

function setsDefaultTimeout(model: CodeModel, instance: string): boolean {
  return model.assignments.some((node) => {
    if (node.left.type !== 'MemberExpression' || propertyName(node.left) !== 'timeout') return false;
    return model.text.slice(node.left.range[0], node.left.range[1]).replace(/\s+/g, '') === `${instance}.defaults.timeout`;
  });
}

function hasInterceptor(model: CodeModel, instance: string): boolean {
  return model.calls.some((c) => {
    const text = model.text.slice(calleeOf(c).range[0], calleeOf(c).range[1]).replace(/\s+/g, '');
    return text === `${instance}.interceptors.request.use`;
  });
}

function gotCall(model: CodeModel, call: TSESTree.CallExpression, method: string | null, shape: ClientShape, options: OutboundOptions): OutboundCall {
  const args = call.arguments as TSESTree.Node[];
  const first = args[0];
  const firstIsOptions = first !== undefined && !looksLikeUrl(model, first);
  const opts = firstIsOptions ? first : args[1];
  const url = firstIsOptions ? propertyValue(model, first, 'url') ?? undefined : first;
  const httpMethod = method && method !== 'stream' && method !== 'paginate'
    ? method.toUpperCase()
    : upper(stringOf(model, propertyValue(model, opts, 'method'))) ?? (opts && hasProperty(model, opts, 'method') ? null : 'GET');
  let timeout: TimeoutFact = opts ? optionTimeout(model, opts, ['timeout', 'signal']) : { state: 'absent', how: null };
  if (timeout.state === 'absent') {
    if (shape.instanceUnknown) timeout = { state: 'unknown', how: null };
    else if (shape.instanceConfig) {
      const inherited = optionTimeout(model, shape.instanceConfig, ['timeout', 'signal']);
      if (inherited.state !== 'absent') timeout = inherited.state === 'present' ? { state: 'present', how: 'instance timeout' } : inherited;
    }
  }
  const prefix = shape.instanceConfig ? propertyValue(model, shape.instanceConfig, 'prefixUrl') : null;
  const target = combineTargets(prefix ? targetOf(model, prefix) : null, url ? targetOf(model, url) : emptyTarget());
  return result(call, 'got', httpMethod, target, timeout, shape.via, options);
}

function undiciRequest(model: CodeModel, call: TSESTree.CallExpression, origin: TSESTree.Node | null, options: OutboundOptions): OutboundCall {
  const args = call.arguments as TSESTree.Node[];
  const opts = origin ? args[0] : args[1];
  const url = origin ? propertyValue(model, args[0], 'path') : args[0];
  const httpMethod = upper(stringOf(model, propertyValue(model, opts, 'method'))) ?? (opts && hasProperty(model, opts, 'method') ? null : 'GET');
  const timeout = opts ? optionTimeout(model, opts, ['headersTimeout', 'bodyTimeout', 'signal']) : { state: 'absent' as const, how: null };
  const target = combineTargets(origin ? targetOf(model, origin) : null, url ? targetOf(model, url) : emptyTarget());
  return result(call, 'undici', httpMethod, target, timeout, 'binding', options);
}

function httpCall(model: CodeModel, call: TSESTree.CallExpression, method: string, options: OutboundOptions): OutboundCall {
  const args = call.arguments as TSESTree.Node[];
  const first = args[0];
  const firstIsOptions = first !== undefined && objectLiteralOf(model, first) !== null;
  const opts = firstIsOptions ? first : args[1] && !isFunction(unwrap(args[1])) ? args[1] : undefined;
  const httpMethod = method === 'get' ? 'GET' : upper(stringOf(model, propertyValue(model, opts, 'method'))) ?? 'GET';
  let timeout: TimeoutFact = opts ? optionTimeout(model, opts, ['timeout', 'signal']) : { state: 'absent', how: null };
  if (timeout.state === 'absent' && requestGetsTimeout(model, call)) timeout = { state: 'present', how: 'setTimeout on the request' };
  let target: OutboundTarget;
  if (firstIsOptions) {
    const host = propertyValue(model, first, 'hostname') ?? propertyValue(model, first, 'host');
    target = host ? bareHost(targetOf(model, host)) : emptyTarget();
  } else {
    target = first ? targetOf(model, first) : emptyTarget();
  }
  return result(call, 'http', httpMethod, target, timeout, 'binding', options);
}

/** `const req = http.request(...); req.setTimeout(ms)` or `http.request(...).setTimeout(ms)`. */
function requestGetsTimeout(model: CodeModel, call: CallLike): boolean {
  const parent = parentOf(call);
  if (parent?.type === 'MemberExpression' && propertyName(parent) === 'setTimeout') return true;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
    const name = parent.id.name;
    return model.calls.some((c) => {
      const callee = calleeOf(c);
      return callee.type === 'MemberExpression' && propertyName(callee) === 'setTimeout' && unwrap(callee.object).type === 'Identifier' &&
        (unwrap(callee.object) as TSESTree.Identifier).name === name;
    });
  }
  return false;
}

function grpcCall(model: CodeModel, call: TSESTree.CallExpression, method: string, shape: ClientShape, options: OutboundOptions): OutboundCall {
  const args = call.arguments as TSESTree.Node[];
  let state: TimeoutState = 'absent';
  for (let i = 1; i < args.length; i++) {
    const arg = unwrap(args[i]!);
    if (isFunction(arg)) continue;
    const deadline = lookupProperty(model, arg, 'deadline');
    if (deadline.state === 'present') {
      state = 'present';
      break;
    }
    if (deadline.state === 'unknown' && !isMetadata(model, arg)) state = 'unknown';
  }
  // Channel-level deadlines: interceptors or a service config with a method timeout.
  if (state === 'absent' && shape.instanceConfig) {
    const interceptors = lookupProperty(model, shape.instanceConfig, 'interceptors');
    const serviceConfig = lookupProperty(model, shape.instanceConfig, 'grpc.service_config');
    if (interceptors.state !== 'absent' || serviceConfig.state !== 'absent') state = 'unknown';
  }
  const address = shape.grpcConstructor?.arguments[0];
  const target = address ? bareHost(targetOf(model, address)) : emptyTarget();
  return result(call, 'grpc', method, target, { state, how: state === 'present' ? 'deadline' : null }, shape.via, options, shape.grpcClient ?? null);
}

function isMetadata(model: CodeModel, node: TSESTree.Node): boolean {
  const origin = originOf(model, node);
  if (origin.kind === 'expr' && origin.node.type === 'NewExpression') {
    const ctor = originOf(model, origin.node.callee);
    return ctor.kind === 'module' && GRPC_MODULES.has(ctor.module) && ctor.path.at(-1) === 'Metadata';
  }
  if (origin.kind === 'typed' || origin.kind === 'param') {
    const key = typeKey(model, origin.type);
    return key !== null && GRPC_MODULES.has(key.split('#')[0]!) && key.endsWith('Metadata');
  }
  return false;
}

// ---------------------------------------------------------------- options and targets

function propertyValue(model: CodeModel, node: TSESTree.Node | undefined | null, name: string): TSESTree.Node | null {
  if (!node) return null;
  const found = lookupProperty(model, node, name);
  return found.state === 'present' ? found.value : null;
}

function hasProperty(model: CodeModel, node: TSESTree.Node, name: string): boolean {
  return lookupProperty(model, node, name).state !== 'absent';
}

function isZero(model: CodeModel, node: TSESTree.Node): boolean {
  return numberValue(model, node) === 0;
}

/** A deadline among the named options: `timeout: 0` / `timeout: false` mean none. */
function optionTimeout(model: CodeModel, config: TSESTree.Node, names: string[]): TimeoutFact {
  let unknown = false;
  for (const name of names) {
    const found = lookupProperty(model, config, name);
    if (found.state === 'unknown') unknown = true;
    if (found.state !== 'present') continue;
    if (isZero(model, found.value) || booleanValue(model, found.value) === false) continue;
    const value = unwrap(found.value);
    if (value.type === 'Identifier' && value.name === 'undefined') continue;
    return { state: 'present', how: name === 'signal' ? 'signal' : `${name} option` };
  }
  return unknown ? { state: 'unknown', how: null } : { state: 'absent', how: null };
}

/** A URL-shaped argument (string, template, concatenation, `new URL`, env var) rather than options. */
function looksLikeUrl(model: CodeModel, node: TSESTree.Node): boolean {
  const origin = originOf(model, node);
  const target = origin.kind === 'expr' ? unwrap(origin.node) : unwrap(node);
  if (objectLiteralOf(model, node) !== null) return false;
  if (target.type === 'Literal' || target.type === 'TemplateLiteral' || target.type === 'BinaryExpression') return true;
  if (target.type === 'NewExpression' && target.callee.type === 'Identifier' && target.callee.name === 'URL') return true;
  const resolved = targetOf(model, node);
  return resolved.text !== null || resolved.host !== null || resolved.envVar !== null;
}

function upper(value: string | null): string | null {
  return value === null ? null : value.toUpperCase();
}

/** gRPC targets and http `hostname` options are bare `host[:port]`, not URLs. */
function bareHost(target: OutboundTarget): OutboundTarget {
  return target.host === null && target.text !== null && target.envVar === null ? { ...target, host: hostOf(target.text, true) } : target;
}

function emptyTarget(): OutboundTarget {
  return { text: null, host: null, envVar: null };
}

/** A base URL (instance `baseURL` / `prefixUrl`) applies unless the call's URL is absolute. */
function combineTargets(base: OutboundTarget | null, own: OutboundTarget): OutboundTarget {
  if (!base) return own;
  if (own.host || own.envVar) return own;
  return { text: [base.text, own.text].filter(Boolean).join('') || null, host: base.host, envVar: base.envVar };
}

const CONFIG_GETTERS = new Set(['get', 'getOrThrow']);

/** Resolves a URL expression to a host or an env var name (rules.md §2.9). */
export function targetOf(model: CodeModel, node: TSESTree.Node, depth = 0): OutboundTarget {
  if (depth > 8) return emptyTarget();
  const target = unwrap(node);
  const env = envVarName(model, target);
  if (env) return { text: `\${${env}}`, host: null, envVar: env };
  if (target.type === 'Literal' && typeof target.value === 'string') return { text: target.value, host: hostOf(target.value), envVar: null };
  if (target.type === 'TemplateLiteral') {
    const head = target.quasis[0]?.value.cooked ?? '';
    const text = templateText(model, target);
    if (head !== '' && /^[a-z][a-z0-9+.-]*:\/\/[^/$]/i.test(head)) return { text, host: hostOf(head), envVar: null };
    if (head === '' && target.expressions[0]) {
      const base = targetOf(model, target.expressions[0], depth + 1);
      return { ...base, text };
    }
    return { text, host: null, envVar: null };
  }
  if (target.type === 'BinaryExpression' && target.operator === '+') {
    const base = targetOf(model, target.left, depth + 1);
    return { ...base, text: `${base.text ?? '…'}${literalTail(target.right)}` };
  }
  if (target.type === 'LogicalExpression' && (target.operator === '??' || target.operator === '||')) {
    const left = targetOf(model, target.left, depth + 1);
    const right = targetOf(model, target.right, depth + 1);
    return { text: left.text ?? right.text, host: left.host ?? right.host, envVar: left.envVar ?? right.envVar };
  }
  if (target.type === 'NewExpression' && target.callee.type === 'Identifier' && target.callee.name === 'URL') {
    const [path, base] = target.arguments as TSESTree.Node[];
    if (base) return combineTargets(targetOf(model, base, depth + 1), path ? targetOf(model, path, depth + 1) : emptyTarget());
    return path ? targetOf(model, path, depth + 1) : emptyTarget();
  }
  if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression') {
    const method = propertyName(target.callee);
    if (method === 'toString' || method === 'toJSON') return targetOf(model, target.callee.object, depth + 1);
    // NestJS ConfigService and similar `config.get('INVENTORY_SERVICE_URL')`.
    const key = method && CONFIG_GETTERS.has(method) ? model.stringValue(target.arguments[0]) : null;
    if (key && /^[A-Z][A-Z0-9_]*$/.test(key)) return { text: `\${${key}}`, host: null, envVar: key };
    return emptyTarget();
  }
  if (target.type === 'Identifier' || target.type === 'MemberExpression') {
    const origin = originOf(model, target, depth + 1);
    if (origin.kind === 'expr' && origin.node !== target) return targetOf(model, origin.node, depth + 1);
  }
  return emptyTarget();
}

function templateText(model: CodeModel, node: TSESTree.TemplateLiteral): string {
  let out = '';
  node.quasis.forEach((q, i) => {
    out += q.value.cooked ?? '';
    const expr = node.expressions[i];
    if (expr) {
      const env = envVarName(model, expr);
      out += env ? `\${${env}}` : `\${${model.text.slice(expr.range[0], expr.range[1])}}`;
    }
  });
  return out;
}

function literalTail(node: TSESTree.Node): string {
  const target = unwrap(node);
  if (target.type === 'Literal' && typeof target.value === 'string') return target.value;
  return '…';
}

/** `inventory-service` of `http://inventory-service:8080/x`; also bare `host:port` (gRPC targets). */
export function hostOf(url: string, bare = false): string | null {
  const text = url.trim().replace(/^dns:\/*/i, '');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (!hasScheme && !bare) return null;
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(text);
  if (!match || text.startsWith('/')) return null;
  const host = match[1]!.toLowerCase();
  return /^[a-z0-9.[\]:_-]+$/.test(host) ? host : null;
}

/** rules.md §2.9: the host or the env var name matches one of the `internalHosts` globs. */
export function isInternal(target: OutboundTarget, internalHosts: readonly string[]): boolean {
  // Host globs are not paths: `*` spans dots (`*.svc.cluster.local`), `?` is one character, and case
  // does not matter. The names come from the pull request's code: matched without backtracking.
  const host = target.host?.toLowerCase() ?? null;
  const envVar = target.envVar?.toLowerCase() ?? null;
  return internalHosts.some((glob) => {
    const pattern = glob.toLowerCase();
    return (host !== null && matchesWildcard(host, pattern, true)) || (envVar !== null && matchesWildcard(envVar, pattern, true));
  });
}

/** The identity used to count distinct callees: host, else env var, else gRPC client class. */
export function serviceOf(call: OutboundCall): string | null {
  if (call.client === 'grpc') return call.grpcClient ?? call.target.host ?? call.target.envVar;
  return call.target.host ?? call.target.envVar;
}

/** An outbound call's result is awaited: directly, via `.json()`-style chains, or `firstValueFrom`. */
export function isOutboundSettled(model: CodeModel, call: CallLike): boolean {
  if (model.isSettled(call)) return true;
  let node: TSESTree.Node = call;
  for (let i = 0; i < 4; i++) {
    const parent = parentOf(node);
    if (!parent) return false;
    if (parent.type === 'MemberExpression' && parent.object === node) {
      const chained = parentOf(parent);
      const method = propertyName(parent);
      if (chained?.type === 'CallExpression' && chained.callee === parent && method &&
        ['json', 'text', 'buffer', 'arrayBuffer', 'blob', 'pipe', 'toPromise'].includes(method)) {
        if (model.isSettled(chained)) return true;
        node = chained;
        continue;
      }
      return false;
    }
    if (parent.type === 'CallExpression' && parent.arguments.includes(node as TSESTree.CallExpressionArgument)) {
      const fn = originOf(model, parent.callee);
      if (fn.kind === 'module' && fn.module === 'rxjs' && ['firstValueFrom', 'lastValueFrom'].includes(fn.path.at(-1) ?? '')) {
        if (model.isSettled(parent)) return true;
        node = parent;
        continue;
      }
      return false;
    }
    return false;
  }
  return false;
}

export interface ReachedOutbound {
  outbound: OutboundCall;
  /** The local helper the call sits in when it is not directly in the root, for `related`. */
  helper: FunctionLike | null;
}

/**
 * Outbound calls that run when `roots` run: lexically inside them, and inside local functions
 * and methods they call (rules.md §2.1 item 5, up to `hops` levels).
 */
export function outboundReachedFrom(model: CodeModel, roots: TSESTree.Node[], options: OutboundOptions, hops = 1): ReachedOutbound[] {
  const out: ReachedOutbound[] = [];
  const seenCalls = new Set<CallLike>();
  const seenFns = new Set<TSESTree.Node>();
  const visit = (root: TSESTree.Node, helper: FunctionLike | null, depth: number) => {
    for (const call of model.calls) {
      if (!contains(root, call) || seenCalls.has(call)) continue;
      seenCalls.add(call);
      const found = outboundCall(model, call, options);
      if (found) {
        out.push({ outbound: found, helper });
        continue;
      }
      if (depth >= hops) continue;
      const fn = model.calleeFunction(call);
      if (!fn || seenFns.has(fn) || contains(fn, root)) continue;
      seenFns.add(fn);
      visit(fn.body, helper ?? fn, depth + 1);
    }
  };
  for (const root of roots) visit(root, null, 0);
  return out.sort((a, b) => a.outbound.call.range[0] - b.outbound.call.range[0]);
}
