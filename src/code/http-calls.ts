// Outbound HTTP calls (rules.md §2.9) as far as the lock and 2PC rules need them: which call is an
// HTTP request, its method, its URL expression and the static text of that URL. Libraries are
// recognised through imports (axios, got, undici, node-fetch, @nestjs/axios HttpService) or the
// global `fetch`; instances come from `axios.create` / `got.extend` or typed parameters and fields.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { argumentsOf, calleeOf, objectProperty, propertyName, unwrap, type CallLike } from './ast.js';
import type { CodeModel } from './model.js';
import { declarationOf, initializerOf, instanceImport, originOf } from './values.js';

export interface HttpCall {
  call: CallLike;
  library: 'fetch' | 'axios' | 'got' | 'undici' | 'nestjs-http';
  /** Upper-case method when known; `null` when it is computed. */
  method: string | null;
  url: TSESTree.Node | null;
  options: TSESTree.Node | null;
}

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const FETCH_MODULES = new Set(['node-fetch', 'undici', 'cross-fetch', 'isomorphic-fetch']);

function literalMethod(model: CodeModel, options: TSESTree.Node | null | undefined, fallback: string | null): string | null {
  const node = options ? objectProperty(originOf(model, options), 'method') : null;
  if (!node) return fallback;
  const value = unwrap(node);
  return value.type === 'Literal' && typeof value.value === 'string' ? value.value.toUpperCase() : null;
}

/** What library an identifier or receiver is: the module itself, or an instance made from it. */
function httpLibraryOf(model: CodeModel, node: TSESTree.Node): { library: HttpCall['library']; instance: boolean } | null {
  const target = unwrap(node);
  if (target.type === 'Identifier') {
    const decl = declarationOf(model, target);
    if (decl?.kind === 'import') {
      const { module, path } = decl.binding;
      if (module === 'axios' && path.length === 0) return { library: 'axios', instance: false };
      if (module === 'got' && path.length === 0) return { library: 'got', instance: false };
    }
  }
  const created = originOf(model, target);
  if (created.type === 'CallExpression' && created.callee.type === 'MemberExpression') {
    const factory = propertyName(created.callee);
    const base = httpLibraryOf(model, created.callee.object);
    if (base && !base.instance && ((base.library === 'axios' && factory === 'create') || (base.library === 'got' && factory === 'extend'))) {
      return { library: base.library, instance: true };
    }
  }
  const typed = instanceImport(model, target);
  if (typed?.module === 'axios' && typed.path[0] === 'AxiosInstance') return { library: 'axios', instance: true };
  if (typed?.module === '@nestjs/axios' && typed.path[0] === 'HttpService') return { library: 'nestjs-http', instance: true };
  if (typed?.module === 'got' && typed.path[0] === 'Got') return { library: 'got', instance: true };
  return null;
}

// Every client recognised here is named in the file's text (an import of axios, got, undici or
// @nestjs/axios, or a call to fetch); a file naming none has no HTTP call to resolve.
const mentionsClient = new WeakMap<CodeModel, boolean>();
function mayCallHttp(model: CodeModel): boolean {
  let yes = mentionsClient.get(model);
  if (yes === undefined) {
    yes = /fetch|axios|got|undici/.test(model.text);
    mentionsClient.set(model, yes);
  }
  return yes;
}

export function httpCallOf(model: CodeModel, call: CallLike): HttpCall | null {
  if (call.type !== 'CallExpression' || !mayCallHttp(model)) return null;
  const callee = calleeOf(call);
  const args = argumentsOf(call);
  if (callee.type === 'Identifier') {
    const decl = declarationOf(model, callee);
    const isFetch = callee.name === 'fetch' && (decl === null || (decl.kind === 'import' && FETCH_MODULES.has(decl.binding.module)));
    const isUndiciRequest = decl?.kind === 'import' && decl.binding.module === 'undici' && decl.binding.path[0] === 'request';
    if (isFetch || isUndiciRequest) {
      return { call, library: isFetch ? 'fetch' : 'undici', method: literalMethod(model, args[1], 'GET'), url: args[0] ?? null, options: args[1] ?? null };
    }
    const lib = httpLibraryOf(model, callee);
    if (lib) {
      // axios(config) / axios(url, config) / got(url, options)
      const first = args[0] ? unwrap(args[0]) : null;
      const config = first?.type === 'ObjectExpression' ? first : args[1] ?? null;
      const url = first?.type === 'ObjectExpression' ? objectProperty(first, 'url') : args[0] ?? null;
      return { call, library: lib.library, method: literalMethod(model, config, 'GET'), url, options: config };
    }
    return null;
  }
  if (callee.type !== 'MemberExpression') return null;
  const verb = propertyName(callee);
  if (!verb) return null;
  const lib = httpLibraryOf(model, callee.object);
  if (!lib) return null;
  if (VERBS.has(verb)) {
    const options = verb === 'get' || verb === 'delete' || verb === 'head' || verb === 'options' || lib.library === 'got' ? args[1] : args[2];
    return { call, library: lib.library, method: verb.toUpperCase(), url: args[0] ?? null, options: options ?? null };
  }
  if (verb === 'request') {
    const config = args[0] ?? null;
    return { call, library: lib.library, method: literalMethod(model, config, 'GET'), url: config ? objectProperty(originOf(model, config), 'url') : null, options: config };
  }
  return null;
}

/** A call that changes state on the other side: any method but GET / HEAD / OPTIONS. */
export function isMutatingHttpCall(http: HttpCall): boolean {
  return http.method === null || !['GET', 'HEAD', 'OPTIONS'].includes(http.method);
}

/** Static text of a URL expression: template holes become `{}`; identifiers keep their name as `{name}`. */
export function urlText(model: CodeModel, node: TSESTree.Node | null): string | null {
  if (!node) return null;
  const target = unwrap(node);
  if (target.type === 'Literal' && typeof target.value === 'string') return target.value;
  if (target.type === 'TemplateLiteral') {
    let out = '';
    target.quasis.forEach((q, i) => {
      out += q.value.cooked ?? q.value.raw;
      const expr = target.expressions[i];
      if (expr) out += `{${model.text.slice(expr.range[0], expr.range[1]).replace(/\s+/g, '')}}`;
    });
    return out;
  }
  if (target.type === 'BinaryExpression' && target.operator === '+') {
    const left = urlText(model, target.left) ?? `{${model.text.slice(target.left.range[0], target.left.range[1]).replace(/\s+/g, '')}}`;
    const right = urlText(model, target.right) ?? `{${model.text.slice(target.right.range[0], target.right.range[1]).replace(/\s+/g, '')}}`;
    return left + right;
  }
  const init = initializerOf(model, target);
  return init ? urlText(model, init) : null;
}
