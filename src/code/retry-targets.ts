// What a retried function does, for the retry rules: outbound HTTP calls (rules.md §2.9), payload
// validation (JSON.parse, zod, ajv, class-validator, joi, yup) and connection set-up calls (the
// reconnect loops rule 6 calls legitimate). Recognised through imports and constructors first.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeOf, propertyName, unwrap, type CallLike } from './ast.js';
import type { CodeModel } from './model.js';
import { bindingOf, calleeName, isModuleMember, moduleRef, originOf } from './retry-values.js';

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'postForm', 'putForm', 'patchForm']);
const HTTP_MODULES = ['http', 'https'];
const FETCH_MODULES = ['node-fetch', 'cross-fetch', 'undici', 'isomorphic-fetch'];
const CLIENT_MODULES = ['axios', 'got', 'ky', 'superagent', 'needle', 'request', 'request-promise', 'undici'];

/** Which HTTP library an instance comes from: `axios.create()`, `got.extend()`, a typed `AxiosInstance`. */
export function httpInstanceLibrary(model: CodeModel, receiver: TSESTree.Node): string | null {
  const origin = originOf(model, receiver);
  if (origin.type === 'CallExpression') {
    const ref = moduleRef(model, origin.callee);
    if (ref && ref.module === 'axios' && ref.path.length === 1 && ref.path[0] === 'create') return 'axios';
    if (ref && ref.module === 'got' && ref.path.length === 1 && ref.path[0] === 'extend') return 'got';
    if (origin.callee.type === 'MemberExpression' && propertyName(origin.callee) === 'extend') {
      return httpInstanceLibrary(model, origin.callee.object) === 'got' ? 'got' : null;
    }
  }
  const typed = model.classNameOf(receiver);
  if (typed) {
    const binding = model.imports.get(typed);
    if (binding?.module === 'axios' && ['AxiosInstance', 'AxiosStatic', 'Axios'].includes(binding.path[0] ?? '')) return 'axios';
    if (binding?.module === 'got' && binding.path[0] === 'Got') return 'got';
    if (binding?.module === '@nestjs/axios' && binding.path[0] === 'HttpService') return 'axios';
  }
  return null;
}

/** rules.md §2.9: fetch, axios and its instances, got, undici, http(s).request, ky, superagent. */
export function outboundLibrary(model: CodeModel, call: CallLike): string | null {
  if (call.type !== 'CallExpression') return null;
  const callee = unwrap(calleeOf(call));
  if (callee.type === 'Identifier') {
    if (callee.name === 'fetch' && !bindingOf(model, callee)) return 'fetch';
    const ref = moduleRef(model, callee);
    if (!ref) return httpInstanceLibrary(model, callee);
    if (FETCH_MODULES.includes(ref.module) && (ref.path.length === 0 || ref.path[0] === 'fetch' || ref.path[0] === 'request')) return ref.module;
    if (CLIENT_MODULES.includes(ref.module) && (ref.path.length === 0 || HTTP_METHODS.has(ref.path[0] ?? ''))) return ref.module;
    if (HTTP_MODULES.includes(ref.module) && (ref.path[0] === 'request' || ref.path[0] === 'get')) return ref.module;
    return null;
  }
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method) return null;
  const ref = moduleRef(model, callee);
  if (ref) {
    if (CLIENT_MODULES.includes(ref.module) && ref.path.length === 1 && HTTP_METHODS.has(method)) return ref.module;
    if (HTTP_MODULES.includes(ref.module) && (method === 'request' || method === 'get')) return ref.module;
    if (FETCH_MODULES.includes(ref.module) && (method === 'fetch' || method === 'request')) return ref.module;
    return null;
  }
  if (!HTTP_METHODS.has(method)) return null;
  return httpInstanceLibrary(model, callee.object);
}

const VALIDATION_MODULES = ['zod', 'yup', 'joi', 'valibot', 'superstruct', '@sinclair/typebox', 'io-ts', 'ajv', 'class-validator'];
const PARSE_METHODS = new Set(['parse', 'parseAsync', 'safeParse', 'safeParseAsync', 'validate', 'validateSync', 'validateAsync', 'assert', 'decode', 'cast']);

/** Whether an expression chain starts at a schema library (`z.object(...)`, `Joi.string()`, `new Ajv()`). */
function fromValidationLibrary(model: CodeModel, node: TSESTree.Node, depth = 0): boolean {
  if (depth > 12) return false;
  const origin = originOf(model, node);
  if (origin.type === 'Identifier' || origin.type === 'MemberExpression') {
    const ref = moduleRef(model, origin);
    if (ref && VALIDATION_MODULES.includes(ref.module)) return true;
    if (origin.type === 'MemberExpression') return fromValidationLibrary(model, origin.object, depth + 1);
    return false;
  }
  if (origin.type === 'CallExpression' || origin.type === 'NewExpression') return fromValidationLibrary(model, origin.callee, depth + 1);
  return false;
}

/** JSON.parse, zod/yup/joi schema parsing, ajv validators, class-validator validate*. */
export function isValidationCall(model: CodeModel, call: CallLike): boolean {
  if (call.type !== 'CallExpression') return false;
  const callee = unwrap(calleeOf(call));
  if (callee.type === 'MemberExpression') {
    const method = propertyName(callee);
    if (!method) return false;
    if (callee.object.type === 'Identifier' && callee.object.name === 'JSON' && method === 'parse') return true;
    if (!PARSE_METHODS.has(method)) return false;
    if (fromValidationLibrary(model, callee.object)) return true;
    // A typed DTO schema held in a field or imported from a schemas module still reads as a schema.
    const receiver = calleeName(callee.object);
    return receiver !== null && /schema$|validator$/i.test(receiver);
  }
  if (callee.type === 'Identifier') {
    if (isModuleMember(model, callee, ['class-validator'], ['validate']) ||
      isModuleMember(model, callee, ['class-validator'], ['validateOrReject']) ||
      isModuleMember(model, callee, ['class-validator'], ['validateSync'])) {
      return true;
    }
    // `const validate = ajv.compile(schema)`.
    const origin = originOf(model, callee);
    if (origin.type === 'CallExpression' && origin.callee.type === 'MemberExpression' && propertyName(origin.callee) === 'compile') {
      return fromValidationLibrary(model, origin.callee.object);
    }
  }
  return false;
}

const CONNECTION_METHODS = new Set([
  'connect', '$connect', 'reconnect', 'ping', 'login', 'authenticate', 'init', 'initialize', 'start', 'open', 'listen',
  'subscribe', 'bootstrap', 'createChannel', 'createConfirmChannel', 'assertQueue', 'assertExchange', 'bindQueue',
  'prefetch', 'waitUntilReady', 'jetstream', 'jetstreamManager', 'connectAsync',
]);

/** Set-up calls a reconnect loop retries (rule 6 false positives: idempotent, no business effect). */
export function isConnectionCall(model: CodeModel, call: CallLike): boolean {
  const callee = unwrap(calleeOf(call));
  const name = calleeName(callee);
  if (name && CONNECTION_METHODS.has(name)) return true;
  if (name === 'run' && callee.type === 'MemberExpression') return model.roleOf(callee.object)?.role === 'kafka.consumer';
  if (callee.type === 'Identifier') {
    const ref = moduleRef(model, callee);
    return ref !== null && ref.path.length === 1 && ref.path[0] === 'connect';
  }
  return false;
}
