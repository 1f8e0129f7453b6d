// Write request handlers (rules.md rule 45 inputs): Express / Koa / Hono routers
// `post|put|patch|delete` (also `router.route(path).post(fn)`), Fastify route methods and
// `route({ method })`, NestJS `@Post|@Put|@Patch|@Delete` methods and Next.js app-router
// `export async function POST|PUT|PATCH|DELETE` in `route.ts`. Routers are recognised through
// their import (`express()`, `Router()`, `new Router()`, `Fastify()`, `new Hono()`); a receiver
// known only by its name (`app`, `router`) is a `name` match.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunction, propertyName, unwrap, type FunctionLike } from './ast.js';
import type { CodeModel } from './model.js';
import { functionOf, lookupProperty, originOf, stringOf, type Origin } from './value-flow.js';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface WriteHandler {
  method: WriteMethod;
  path: string | null;
  /** The node a finding points at: the registration callee, decorator or exported function name. */
  anchorNode: TSESTree.Node;
  handler: FunctionLike;
  framework: 'express' | 'koa' | 'hono' | 'fastify' | 'nestjs' | 'next';
  via: 'binding' | 'name';
}

const WRITE_METHODS: Record<string, WriteMethod> = { post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE', del: 'DELETE' };
const ROUTER_NAMES = /^(app|router|server|api|routes?|fastify|[a-z]+Router|[a-z]+Routes)$/;

const cache = new WeakMap<CodeModel, WriteHandler[]>();

export function writeHandlers(model: CodeModel): WriteHandler[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const out: WriteHandler[] = [];
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') continue;
    const method = propertyName(call.callee);
    if (!method) continue;
    if (method === 'route') {
      const route = fastifyRoute(model, call);
      if (route) out.push(route);
      continue;
    }
    const write = WRITE_METHODS[method];
    if (!write) continue;
    const found = routerRoute(model, call, call.callee, write);
    if (found) out.push(found);
  }
  out.push(...nestRoutes(model), ...nextRoutes(model));
  out.sort((a, b) => a.anchorNode.range[0] - b.anchorNode.range[0]);
  cache.set(model, out);
  return out;
}

function routerRoute(model: CodeModel, call: TSESTree.CallExpression, callee: TSESTree.MemberExpression, method: WriteMethod): WriteHandler | null {
  const args = call.arguments as TSESTree.Node[];
  const last = args.at(-1);
  const handler = last ? functionOf(model, last) : null;
  if (!handler || args.length < 1) return null;
  let receiver = unwrap(callee.object);
  let path: string | null = null;
  // router.route('/orders').post(handler)
  if (receiver.type === 'CallExpression' && receiver.callee.type === 'MemberExpression' && propertyName(receiver.callee) === 'route') {
    path = stringOf(model, receiver.arguments[0]);
    receiver = unwrap(receiver.callee.object);
  } else {
    if (args.length < 2) return null;
    const first = unwrap(args[0]!);
    if (!(first.type === 'Literal' || first.type === 'TemplateLiteral' || first.type === 'ArrayExpression' || first.type === 'Identifier' || first.type === 'MemberExpression')) return null;
    if (isFunction(first)) return null;
    path = stringOf(model, first);
    if (path === null && (first.type === 'Identifier' || first.type === 'MemberExpression') && !isRouteish(model, first)) return null;
  }
  const kind = routerKind(model, receiver);
  if (!kind) return null;
  return { method, path, anchorNode: callee, handler, framework: kind.framework, via: kind.via };
}

/** A path argument given by a name must at least resolve to a string, or look like a path. */
function isRouteish(model: CodeModel, node: TSESTree.Node): boolean {
  const value = stringOf(model, node);
  return value !== null && value.startsWith('/');
}

function routerKind(model: CodeModel, receiver: TSESTree.Node): { framework: WriteHandler['framework']; via: 'binding' | 'name' } | null {
  const origin = originOf(model, receiver);
  const framework = frameworkOf(model, origin);
  if (framework) return { framework, via: 'binding' };
  const name = receiver.type === 'Identifier' ? receiver.name : receiver.type === 'MemberExpression' ? propertyName(receiver) : null;
  // `const app = createApp()` and injected routers: the name is the only hint left.
  if (name && ROUTER_NAMES.test(name) && origin.kind !== 'module') return { framework: 'express', via: 'name' };
  return null;
}

function frameworkOf(model: CodeModel, origin: Origin): WriteHandler['framework'] | null {
  if (origin.kind === 'typed' || origin.kind === 'param') {
    const type = origin.type;
    if (type?.type === 'TSTypeReference') {
      const head = type.typeName.type === 'Identifier' ? type.typeName.name : type.typeName.type === 'TSQualifiedName' ? type.typeName.left.type === 'Identifier' ? type.typeName.left.name : null : null;
      const binding = head ? model.imports.get(head) : undefined;
      if (binding?.module === 'express') return 'express';
      if (binding?.module === 'fastify') return 'fastify';
      if (binding?.module === 'koa-router' || binding?.module === '@koa/router') return 'koa';
      if (binding?.module === 'hono') return 'hono';
    }
    return null;
  }
  if (origin.kind !== 'expr') return null;
  const node = origin.node;
  if (node.type === 'CallExpression' || node.type === 'NewExpression') {
    const ctor = originOf(model, node.callee);
    if (ctor.kind !== 'module') return null;
    const last = ctor.path.at(-1);
    if (ctor.module === 'express' && (ctor.path.length === 0 || last === 'Router' || last === 'default')) return 'express';
    if (ctor.module === 'fastify' && (ctor.path.length === 0 || last === 'fastify' || last === 'default')) return 'fastify';
    if ((ctor.module === 'koa-router' || ctor.module === '@koa/router') && node.type === 'NewExpression') return 'koa';
    if (ctor.module === 'hono' && last === 'Hono') return 'hono';
  }
  return null;
}

/** `fastify.route({ method: 'POST', url, handler })`. */
function fastifyRoute(model: CodeModel, call: TSESTree.CallExpression): WriteHandler | null {
  const callee = call.callee as TSESTree.MemberExpression;
  const options = call.arguments[0];
  if (!options) return null;
  const methodNode = lookupProperty(model, options, 'method');
  const handlerNode = lookupProperty(model, options, 'handler');
  if (methodNode.state !== 'present' || handlerNode.state !== 'present') return null;
  const methods = unwrap(methodNode.value).type === 'ArrayExpression'
    ? (unwrap(methodNode.value) as TSESTree.ArrayExpression).elements.map((e) => (e ? stringOf(model, e) : null))
    : [stringOf(model, methodNode.value)];
  const write = methods.map((m) => (m ? WRITE_METHODS[m.toLowerCase()] : undefined)).find(Boolean);
  const handler = functionOf(model, handlerNode.value);
  if (!write || !handler) return null;
  const kind = routerKind(model, unwrap(callee.object));
  if (!kind) return null;
  const url = lookupProperty(model, options, 'url');
  return {
    method: write,
    path: url.state === 'present' ? stringOf(model, url.value) : null,
    anchorNode: callee,
    handler,
    framework: kind.via === 'binding' ? kind.framework : 'fastify',
    via: kind.via,
  };
}

const NEST_DECORATORS: Record<string, WriteMethod> = { Post: 'POST', Put: 'PUT', Patch: 'PATCH', Delete: 'DELETE' };

function nestRoutes(model: CodeModel): WriteHandler[] {
  const out: WriteHandler[] = [];
  for (const cls of model.classes) {
    const prefix = decoratorArgument(model, cls.decorators ?? [], 'Controller');
    for (const member of cls.body.body) {
      if (member.type !== 'MethodDefinition' || !member.decorators?.length) continue;
      for (const decorator of member.decorators) {
        const name = nestDecoratorName(model, decorator);
        const method = name ? NEST_DECORATORS[name] : undefined;
        if (!method) continue;
        const expr = unwrap(decorator.expression);
        const own = expr.type === 'CallExpression' ? stringOf(model, expr.arguments[0]) : null;
        out.push({
          method,
          path: joinPath(prefix, own),
          anchorNode: decorator,
          handler: member.value as FunctionLike,
          framework: 'nestjs',
          via: 'binding',
        });
      }
    }
  }
  return out;
}

function nestDecoratorName(model: CodeModel, decorator: TSESTree.Decorator): string | null {
  const expr = unwrap(decorator.expression);
  const callee = expr.type === 'CallExpression' ? unwrap(expr.callee) : expr;
  const origin = originOf(model, callee);
  if (origin.kind === 'module' && origin.module === '@nestjs/common') return origin.path.at(-1) ?? null;
  return null;
}

function decoratorArgument(model: CodeModel, decorators: TSESTree.Decorator[], name: string): string | null {
  for (const decorator of decorators) {
    if (nestDecoratorName(model, decorator) !== name) continue;
    const expr = unwrap(decorator.expression);
    if (expr.type !== 'CallExpression') return null;
    const arg = expr.arguments[0];
    if (!arg) return null;
    return stringOf(model, arg) ?? (() => {
      const path = lookupProperty(model, arg, 'path');
      return path.state === 'present' ? stringOf(model, path.value) : null;
    })();
  }
  return null;
}

function joinPath(prefix: string | null, own: string | null): string | null {
  if (prefix === null && own === null) return null;
  const parts = [prefix, own].filter((p): p is string => p !== null && p !== '').map((p) => p.replace(/^\/+|\/+$/g, ''));
  return `/${parts.filter(Boolean).join('/')}`;
}

/** Next.js app router: `export async function POST(req)` in `app/**\/route.ts`. */
function nextRoutes(model: CodeModel): WriteHandler[] {
  if (!/(^|\/)route\.(t|j)sx?$/.test(model.path)) return [];
  const out: WriteHandler[] = [];
  const path = '/' + model.path.replace(/^.*?(?:^|\/)app\//, '').replace(/\/?route\.(t|j)sx?$/, '');
  for (const statement of model.program.body) {
    if (statement.type !== 'ExportNamedDeclaration' || !statement.declaration) continue;
    const decl = statement.declaration;
    if (decl.type === 'FunctionDeclaration' && decl.id && WRITE_METHODS[decl.id.name.toLowerCase()] && decl.id.name === decl.id.name.toUpperCase()) {
      out.push({ method: WRITE_METHODS[decl.id.name.toLowerCase()]!, path, anchorNode: decl.id, handler: decl, framework: 'next', via: 'binding' });
    }
    if (decl.type === 'VariableDeclaration') {
      for (const d of decl.declarations) {
        const name = d.id.type === 'Identifier' ? d.id.name : null;
        const init = d.init ? unwrap(d.init) : null;
        if (name && name === name.toUpperCase() && WRITE_METHODS[name.toLowerCase()] && init && isFunction(init)) {
          out.push({ method: WRITE_METHODS[name.toLowerCase()]!, path, anchorNode: d.id, handler: init, framework: 'next', via: 'binding' });
        }
      }
    }
  }
  return out;
}

/** `POST /orders` for messages. */
export function routeLabel(route: WriteHandler): string {
  return `${route.method} ${route.path ?? '(dynamic path)'}`;
}
