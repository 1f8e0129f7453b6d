// The shared code-analysis model (rules.md §2): import bindings, value roles, regions, ordering,
// settled calls, transaction scopes, channels and the effects (publishes, DB writes) of each call.
// Built from the facts the single traversal collects; everything else is computed lazily and cached.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  argumentsOf,
  calleeOf,
  calleeText,
  enclosingClass,
  isFunction,
  isNode,
  keyName,
  normalizedText,
  objectProperty,
  paramName,
  parentOf,
  propertyName,
  resultName,
  toSnakeCase,
  unwrap,
  type CallLike,
  type FunctionLike,
} from './ast.js';
import {
  BASE_CLASS_ROLES,
  CONSTRUCTORS,
  DERIVED_CALLS,
  DERIVED_PROPERTIES,
  FACTORY_CALLS,
  KNEX_WRITES,
  NAME_FALLBACKS,
  PUBLISH_COMMANDS,
  SINK_METHODS,
  SQL_ROLES,
  TRANSACTION_CALLBACKS,
  TRANSACTION_METHOD_NAMES,
  TYPE_ROLES,
  libraryOf,
  type EffectKind,
  type Role,
} from './libraries.js';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import type { ListenerMap } from './traverse.js';
import type { Pattern } from '../config/patterns.js';

export interface ImportBinding {
  module: string;
  /** Export path below the module: [] for default and namespace imports. */
  path: string[];
}

export interface ModuleRef {
  kind: 'module';
  module: string;
  path: string[];
}

export interface RoleRef {
  kind: 'role';
  role: Role;
  via: 'binding' | 'name';
  /** DB target (prisma model, table, repository entity) when known. */
  target?: string | null;
  /** The node naming the channel a handle is bound to (pubsub topic, bullmq queue). */
  channelNode?: TSESTree.Node | null;
}

export type ValueRef = ModuleRef | RoleRef;

export type EffectVia = 'binding' | 'name' | 'summary' | 'wrapper';

export interface Effect {
  kind: EffectKind;
  library: string;
  call: CallLike;
  via: EffectVia;
  /** `prisma.order.create`, `producer.send` — how messages name the call. */
  description: string;
  channel: string | null;
  target: string | null;
  /** Set when a publish is a kafkajs transactional send (consume-transform-produce inside Kafka). */
  kafkaTransaction: boolean;
  /** For summaries: where the underlying sink is. */
  related: { line: number; note: string }[];
}

export interface Region {
  id: number;
  node: FunctionLike | TSESTree.StaticBlock | TSESTree.Program;
  name: string;
}

export interface TransactionScope {
  /** The call that opens the scope: `$transaction(...)`, or the `BEGIN` / `startTransaction` call. */
  opener: CallLike;
  /** For manual scopes, the commit call; callback scopes commit when the helper settles. */
  commit: CallLike | null;
}

export interface CodeModelOptions {
  /** Project helpers configured as sinks (config `wrappers`). */
  wrappers: { publish: string[]; dbWrite: string[] };
  outboxPattern: Pattern;
  envPrefixPattern: Pattern;
  /** Effects of functions exported by other analysed files, for cross-file helper summaries. */
  importedEffects?: (module: string, fromPath: string, path: string[]) => ExternalEffect[];
  /** Role of a value exported by another analysed file (`export const prisma = new PrismaClient()`). */
  importedValue?: (module: string, fromPath: string, path: string[]) => RoleRef | null;
  /** Effects of the methods of a class another analysed file exports, by method name (instances of it exported here). */
  importedMembers?: (module: string, fromPath: string, path: string[]) => Map<string, ExternalEffect[]>;
}

export interface ExternalEffect {
  kind: EffectKind;
  library: string;
  description: string;
  channel: string | null;
  target: string | null;
  path: string;
  line: number;
}

const HANDLER_REGISTRATIONS = new Set([
  'consume', 'on', 'once', 'subscribe', 'run', 'process', 'addListener', 'setTimeout', 'setInterval',
  'setImmediate', 'get', 'post', 'put', 'patch', 'delete', 'use', 'all', 'handle', 'listen', 'register',
]);

const MAX_RESOLVE_DEPTH = 12;

/** Every method name `directEffect` answers for past an AWS command `send`. */
const EFFECT_METHODS = new Set([
  ...Object.values(SINK_METHODS).flatMap((methods) => Object.keys(methods ?? {})),
  ...KNEX_WRITES,
  'query', 'execute', 'raw', 'insert', 'update', 'delete',
]);

/** `description` is the callee's text, built only for calls that have an effect (most calls have none). */
function makeEffect(text: string, call: CallLike, kind: EffectKind, library: string, via: EffectVia, extra: Partial<Effect>): Effect {
  return { kind, library, call, via, description: calleeText(text, call), channel: null, target: null, kafkaTransaction: false, related: [], ...extra };
}

/** The leftmost name of a receiver chain: `trx` for `trx('orders').insert`, `session` for `session.commitTransaction`. */
function rootName(node: TSESTree.Node): string | null {
  let current = unwrap(node);
  for (;;) {
    if (current.type === 'Identifier') return current.name;
    if (current.type === 'MemberExpression') current = unwrap(current.object);
    else if (current.type === 'CallExpression') current = unwrap(current.callee);
    else return current.type === 'ThisExpression' ? 'this' : null;
  }
}

/** The transaction handles a DB call runs on: its receiver's root and `{ session }` / `{ transaction: t }` options. */
function transactionHandles(call: TSESTree.Node): Set<string> {
  const out = new Set<string>();
  if (call.type !== 'CallExpression') return out;
  if (call.callee.type === 'MemberExpression') {
    const root = rootName(call.callee.object);
    if (root) out.add(root);
  }
  for (const arg of call.arguments) {
    const options = unwrap(arg);
    if (options.type !== 'ObjectExpression') continue;
    for (const prop of options.properties) {
      if (prop.type !== 'Property') continue;
      const key = prop.key.type === 'Identifier' ? prop.key.name : null;
      const value = unwrap(prop.value);
      if ((key === 'session' || key === 'transaction') && value.type === 'Identifier') out.add(value.name);
    }
  }
  return out;
}

/** The handle a transaction marker acts on: the declared handle of `const t = await db.transaction()`, else its receiver's root. */
function markerHandle(call: CallLike): string | null {
  const declared = resultName(call);
  if (declared) return declared;
  const callee = calleeOf(call);
  return callee.type === 'MemberExpression' ? rootName(callee.object) : null;
}

export class CodeModel {
  readonly program: TSESTree.Program;
  readonly path: string;
  readonly text: string;
  readonly options: CodeModelOptions;

  readonly imports = new Map<string, ImportBinding>();
  readonly calls: CallLike[] = [];
  readonly functions: FunctionLike[] = [];
  readonly classes: (TSESTree.ClassDeclaration | TSESTree.ClassExpression)[] = [];
  /** Every loop, for rules that look at loops (retry loops, receive loops, stream loops). */
  readonly loops: (TSESTree.ForOfStatement | TSESTree.ForStatement | TSESTree.ForInStatement | TSESTree.WhileStatement | TSESTree.DoWhileStatement)[] = [];
  /** Declarators whose id is a pattern (`const { Messages } = await sqs.send(...)`). */
  readonly patternDeclarators: TSESTree.VariableDeclarator[] = [];
  readonly throws: TSESTree.ThrowStatement[] = [];
  private readonly declarators = new Map<string, TSESTree.VariableDeclarator[]>();
  /** Every variable declarator, identifier or pattern, in source order (pre-order). */
  readonly allDeclarators: TSESTree.VariableDeclarator[] = [];
  /** Every assignment expression, in source order: indexes read these instead of re-walking the tree. */
  readonly assignments: TSESTree.AssignmentExpression[] = [];
  private readonly thisAssignments = new Map<string, TSESTree.AssignmentExpression[]>();
  readonly comments: TSESTree.Comment[];
  /** Names bound to a whole module (`import * as ns`, `const m = require('./m')`): `ns.f` is the export `f`. */
  private readonly moduleObjects = new Map<string, 'namespace' | 'require'>();

  private readonly regionCache = new Map<TSESTree.Node, Region>();
  private readonly regionsById: Region[] = [];
  private readonly regionByRoot = new Map<TSESTree.Node, Region>();
  private readonly roleCache = new Map<TSESTree.Node, ValueRef | null>();
  private readonly effectCache = new Map<CallLike, Effect[]>();
  private readonly branchCache = new Map<TSESTree.Node, Map<TSESTree.Node, string>>();
  private resolving = new Set<TSESTree.Node>();
  private summaryDepth = 0;
  private readonly inProgress = new Set<CallLike>();

  constructor(program: TSESTree.Program, path: string, text: string, options: CodeModelOptions) {
    this.program = program;
    this.path = path;
    this.text = text;
    this.options = options;
    this.comments = program.comments ?? [];
  }

  /** Listeners for the shared traversal: the model collects facts while rules receive nodes. */
  collector(): ListenerMap {
    return {
      ImportDeclaration: (node) => {
        const decl = node as TSESTree.ImportDeclaration;
        const module = String(decl.source.value);
        for (const spec of decl.specifiers) {
          if (spec.type === 'ImportSpecifier') {
            const imported = keyName(spec.imported) ?? spec.local.name;
            this.imports.set(spec.local.name, { module, path: imported === 'default' ? [] : [imported] });
          } else {
            this.imports.set(spec.local.name, { module, path: [] });
            if (spec.type === 'ImportNamespaceSpecifier') this.moduleObjects.set(spec.local.name, 'namespace');
          }
        }
      },
      VariableDeclarator: (node) => {
        const decl = node as TSESTree.VariableDeclarator;
        this.allDeclarators.push(decl);
        const required = decl.init ? this.requiredModule(decl.init) : null;
        if (decl.id.type === 'Identifier') {
          if (required !== null) {
            this.imports.set(decl.id.name, { module: required, path: [] });
            this.moduleObjects.set(decl.id.name, 'require');
          }
          const list = this.declarators.get(decl.id.name) ?? [];
          list.push(decl);
          this.declarators.set(decl.id.name, list);
        } else if (required === null) {
          this.patternDeclarators.push(decl);
        } else if (decl.id.type === 'ObjectPattern') {
          for (const prop of decl.id.properties) {
            if (prop.type !== 'Property') continue;
            const imported = keyName(prop.key);
            const local = prop.value.type === 'Identifier' ? prop.value.name : null;
            if (imported && local) this.imports.set(local, { module: required, path: [imported] });
          }
        }
      },
      AssignmentExpression: (node) => {
        const assign = node as TSESTree.AssignmentExpression;
        this.assignments.push(assign);
        if (assign.left.type === 'MemberExpression' && assign.left.object.type === 'ThisExpression') {
          const name = propertyName(assign.left);
          if (name) {
            const list = this.thisAssignments.get(name) ?? [];
            list.push(assign);
            this.thisAssignments.set(name, list);
          }
        }
      },
      CallExpression: (node) => void this.calls.push(node as CallLike),
      NewExpression: (node) => void this.calls.push(node as CallLike),
      TaggedTemplateExpression: (node) => void this.calls.push(node as CallLike),
      FunctionDeclaration: (node) => void this.functions.push(node as FunctionLike),
      FunctionExpression: (node) => void this.functions.push(node as FunctionLike),
      ArrowFunctionExpression: (node) => void this.functions.push(node as FunctionLike),
      ForOfStatement: (node) => void this.loops.push(node as TSESTree.ForOfStatement),
      ForStatement: (node) => void this.loops.push(node as TSESTree.ForStatement),
      ForInStatement: (node) => void this.loops.push(node as TSESTree.ForInStatement),
      WhileStatement: (node) => void this.loops.push(node as TSESTree.WhileStatement),
      DoWhileStatement: (node) => void this.loops.push(node as TSESTree.DoWhileStatement),
      ThrowStatement: (node) => void this.throws.push(node as TSESTree.ThrowStatement),
      ClassDeclaration: (node) => void this.classes.push(node as TSESTree.ClassDeclaration),
      ClassExpression: (node) => void this.classes.push(node as TSESTree.ClassExpression),
      'Program:exit': () => {
        this.traversed = true;
      },
    };
  }

  private requiredModule(init: TSESTree.Node): string | null {
    const target = unwrap(init);
    if (target.type === 'CallExpression' && target.callee.type === 'Identifier' && target.callee.name === 'require') {
      const arg = target.arguments[0];
      if (arg && arg.type === 'Literal' && typeof arg.value === 'string') return arg.value;
    }
    if (target.type === 'ImportExpression' && target.source.type === 'Literal' && typeof target.source.value === 'string') {
      return target.source.value;
    }
    return null;
  }

  line(node: TSESTree.Node): number {
    return node.loc.start.line;
  }

  // ---------------------------------------------------------------- regions and ordering

  /** rules.md §2.2: callbacks run inline by their caller (transactions, awaited helpers) join its region. */
  isInlineCallback(fn: FunctionLike): boolean {
    const parent = parentOf(fn);
    if (!parent || parent.type !== 'CallExpression' || !parent.arguments.includes(fn as TSESTree.CallExpressionArgument)) {
      return false;
    }
    const method = parent.callee.type === 'MemberExpression' ? propertyName(parent.callee) : null;
    if (method && TRANSACTION_METHOD_NAMES.has(method)) return true;
    if (method && HANDLER_REGISTRATIONS.has(method)) return false;
    if (parent.callee.type === 'Identifier' && HANDLER_REGISTRATIONS.has(parent.callee.name)) return false;
    return this.isAwaitedContext(parent);
  }

  /** Whether an expression's value is awaited or returned by the statement that holds it. */
  private isAwaitedContext(node: TSESTree.Node): boolean {
    let current: TSESTree.Node | undefined = node;
    while (current) {
      const parent = parentOf(current);
      if (!parent) return false;
      if (parent.type === 'AwaitExpression' || parent.type === 'ReturnStatement' || parent.type === 'YieldExpression') return true;
      if (parent.type === 'ArrowFunctionExpression' && parent.body === current) return this.isInlineCallback(parent);
      if (
        parent.type === 'ExpressionStatement' ||
        parent.type === 'BlockStatement' ||
        isFunction(parent) ||
        parent.type === 'Program' ||
        parent.type === 'VariableDeclarator'
      ) {
        return false;
      }
      current = parent;
    }
    return false;
  }

  regionOf(node: TSESTree.Node): Region {
    const cached = this.regionCache.get(node);
    if (cached) return cached;
    let current = parentOf(node);
    let root: FunctionLike | TSESTree.StaticBlock | TSESTree.Program = this.program;
    while (current) {
      if ((isFunction(current) && !this.isInlineCallback(current)) || current.type === 'StaticBlock') {
        root = current;
        break;
      }
      current = parentOf(current);
    }
    let region = this.regionByRoot.get(root);
    if (!region) {
      region = { id: this.regionsById.length, node: root, name: this.functionName(root) };
      this.regionsById.push(region);
      this.regionByRoot.set(root, region);
    }
    this.regionCache.set(node, region);
    return region;
  }

  /** Every region that holds at least one call, in source order. */
  regions(): Region[] {
    for (const call of this.calls) this.regionOf(call);
    return [...this.regionsById].sort((a, b) => a.node.range[0] - b.node.range[0]);
  }

  callsIn(region: Region): CallLike[] {
    // Grouped once for all regions (rules ask per region, many times); callers get their own copy.
    // Before the traversal has listed every call, answer from the calls seen so far, uncached.
    if (!this.traversed) return this.calls.filter((call) => this.regionOf(call) === region).sort((a, b) => a.range[0] - b.range[0]);
    if (!this.callsByRegion) {
      this.callsByRegion = new Map();
      for (const call of this.calls) {
        const owner = this.regionOf(call);
        const list = this.callsByRegion.get(owner);
        if (list) list.push(call);
        else this.callsByRegion.set(owner, [call]);
      }
      for (const list of this.callsByRegion.values()) list.sort((a, b) => a.range[0] - b.range[0]);
    }
    return this.callsByRegion.get(region)?.slice() ?? [];
  }

  private callsByRegion: Map<Region, CallLike[]> | null = null;
  /** Set when the collector's traversal has finished: lists and the indexes built on them are complete from then on. */
  private traversed = false;

  get complete(): boolean {
    return this.traversed;
  }

  /** The enclosing function's name, qualified by its enclosing named functions: `start>eachMessage`. */
  functionName(fn: FunctionLike | TSESTree.StaticBlock | TSESTree.Program): string {
    if (fn.type === 'Program') return '<module>';
    if (fn.type === 'StaticBlock') return `${this.enclosingClassName(fn) ?? '<class>'}.<static>`;
    const own = this.ownName(fn);
    let current = parentOf(fn);
    while (current) {
      if (isFunction(current) && !this.isInlineCallback(current)) return `${this.functionName(current)}>${own}`;
      current = parentOf(current);
    }
    return own;
  }

  private ownName(fn: FunctionLike): string {
    if (fn.type === 'FunctionDeclaration' && fn.id) return fn.id.name;
    const parent = parentOf(fn);
    if (!parent) return '<anonymous>';
    if (parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') {
      const cls = this.enclosingClassName(parent);
      const key = keyName(parent.key) ?? '<computed>';
      return cls ? `${cls}.${key}` : key;
    }
    if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    if (parent.type === 'Property') return keyName(parent.key) ?? '<computed>';
    if (parent.type === 'AssignmentExpression') return this.text.slice(parent.left.range[0], parent.left.range[1]);
    if (parent.type === 'CallExpression') return `${calleeText(this.text, parent)}(callback)`;
    if (fn.type === 'FunctionExpression' && fn.id) return fn.id.name;
    return '<anonymous>';
  }

  private enclosingClassName(node: TSESTree.Node): string | null {
    let current = parentOf(node);
    while (current) {
      if ((current.type === 'ClassDeclaration' || current.type === 'ClassExpression') && current.id) return current.id.name;
      current = parentOf(current);
    }
    return null;
  }

  /** Branch arms on the way from a node to the root: `if`/`?:`/`switch` arms and try parts. */
  private branches(node: TSESTree.Node): Map<TSESTree.Node, string> {
    const cached = this.branchCache.get(node);
    if (cached) return cached;
    const steps = new Map<TSESTree.Node, string>();
    let child: TSESTree.Node = node;
    let current = parentOf(node);
    while (current) {
      switch (current.type) {
        case 'IfStatement':
        case 'ConditionalExpression':
          if (child === current.consequent) steps.set(current, 'then');
          else if (child === current.alternate) steps.set(current, 'else');
          break;
        case 'SwitchCase': {
          const sw = parentOf(current) as TSESTree.SwitchStatement | undefined;
          if (sw) steps.set(sw, `case${sw.cases.indexOf(current)}`);
          break;
        }
        case 'TryStatement':
          if (child === current.block) steps.set(current, 'try');
          else if (child === current.handler) steps.set(current, 'catch');
          else if (child === current.finalizer) steps.set(current, 'finally');
          break;
        default:
          break;
      }
      child = current;
      current = parentOf(current);
    }
    this.branchCache.set(node, steps);
    return steps;
  }

  /** Mutually exclusive: different arms of one branch, or try block versus its catch (§2.2). */
  exclusive(a: TSESTree.Node, b: TSESTree.Node): boolean {
    const left = this.branches(a);
    const right = this.branches(b);
    for (const [branch, arm] of left) {
      const other = right.get(branch);
      if (other === undefined || other === arm) continue;
      if (arm === 'finally' || other === 'finally') continue;
      return true;
    }
    return false;
  }

  precedes(a: TSESTree.Node, b: TSESTree.Node): boolean {
    return a.range[1] <= b.range[0] && !this.exclusive(a, b);
  }

  /** Which part of a `try` statement holds the node, if any. */
  tryPart(node: TSESTree.Node, tryStatement: TSESTree.TryStatement): 'try' | 'catch' | 'finally' | null {
    return (this.branches(node).get(tryStatement) as 'try' | 'catch' | 'finally' | undefined) ?? null;
  }

  /** Try statements enclosing the node, innermost first. */
  enclosingTries(node: TSESTree.Node): TSESTree.TryStatement[] {
    return [...this.branches(node).keys()].filter((n): n is TSESTree.TryStatement => n.type === 'TryStatement');
  }

  /** rules.md §2.2: awaited, returned, yielded, assigned then awaited, or in an awaited Promise.all. */
  isSettled(call: CallLike): boolean {
    let node: TSESTree.Node = call;
    let parent = parentOf(node);
    while (parent && (parent.type === 'ChainExpression' || parent.type === 'TSNonNullExpression' || parent.type === 'TSAsExpression')) {
      node = parent;
      parent = parentOf(parent);
    }
    if (!parent) return false;
    if (parent.type === 'AwaitExpression' || parent.type === 'ReturnStatement' || parent.type === 'YieldExpression') return true;
    if (parent.type === 'ArrowFunctionExpression' && parent.body === node) return true;
    if (parent.type === 'MemberExpression' && parent.object === node) {
      // `await db.insert(t).values(v)`, `await sqs.sendMessage(p).promise()`, `.then(...)`: the chain settles the call.
      const chained = parentOf(parent);
      if (chained?.type === 'CallExpression' && chained.callee === parent) return this.isSettled(chained);
      return false;
    }
    if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
      return this.isNameAwaited(parent.id.name, this.regionOf(call));
    }
    if (parent.type === 'ArrayExpression') {
      const holder = parentOf(parent);
      if (holder?.type === 'CallExpression' && holder.callee.type === 'MemberExpression') {
        const obj = holder.callee.object;
        const method = propertyName(holder.callee);
        if (obj.type === 'Identifier' && obj.name === 'Promise' && method && ['all', 'allSettled', 'race', 'any'].includes(method)) {
          return this.isSettled(holder);
        }
      }
    }
    return false;
  }

  private isNameAwaited(name: string, region: Region): boolean {
    let found = false;
    const visit = (node: TSESTree.Node): void => {
      if (found) return;
      if (node.type === 'AwaitExpression') {
        const arg = node.argument;
        if (arg.type === 'Identifier' && arg.name === name) found = true;
        if (arg.type === 'CallExpression') {
          for (const item of arg.arguments) {
            if (item.type === 'ArrayExpression' && item.elements.some((e) => e?.type === 'Identifier' && e.name === name)) found = true;
          }
        }
      }
      for (const key of visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(child)) {
          for (const item of child) if (isNode(item)) visit(item);
        } else if (isNode(child)) {
          visit(child);
        }
      }
    };
    visit(region.node);
    return found;
  }

  // ---------------------------------------------------------------- transactions

  /** The transaction a node runs in: a transaction callback, or a manual BEGIN..COMMIT span. */
  transactionOf(node: TSESTree.Node): TransactionScope | null {
    let current = parentOf(node);
    while (current) {
      if (current.type === 'ArrayExpression') {
        const holder = parentOf(current);
        if (holder?.type === 'CallExpression' && holder.callee.type === 'MemberExpression' && propertyName(holder.callee) === '$transaction') {
          return { opener: holder, commit: null };
        }
      }
      if (isFunction(current)) {
        const parent = parentOf(current);
        if (parent?.type === 'CallExpression' && parent.callee.type === 'MemberExpression') {
          const method = propertyName(parent.callee);
          if (method && TRANSACTION_METHOD_NAMES.has(method)) return { opener: parent, commit: null };
        }
        if (!this.isInlineCallback(current)) break;
      }
      current = parentOf(current);
    }
    return this.manualTransactionOf(node);
  }

  private manualTransactionOf(node: TSESTree.Node): TransactionScope | null {
    const region = this.regionOf(node);
    const receiver = (call: TSESTree.Node) => {
      const callee = call.type === 'CallExpression' ? call.callee : call.type === 'TaggedTemplateExpression' ? call.tag : null;
      return callee?.type === 'MemberExpression' ? this.text.slice(callee.object.range[0], callee.object.range[1]) : null;
    };
    const own = receiver(node);
    const callee = node.type === 'CallExpression' ? node.callee : null;
    const ownRole = callee?.type === 'MemberExpression' ? this.roleOf(callee.object)?.role : undefined;
    const ownIsDb = ownRole !== undefined && /^(pg|mysql|typeorm|knex|sequelize|mongoose|prisma|drizzle)/.test(ownRole);
    const ownHandles = ownIsDb ? transactionHandles(node) : new Set<string>();
    // BEGIN..COMMIT scopes one connection (§2.6): a DB call on another receiver is outside it,
    // while any other call (a publish) is inside when it sits between BEGIN and COMMIT. A write names
    // its transaction by receiver (`trx('orders')`, `client.query`) or option (`{ session }`,
    // `{ transaction: t }`), a marker by its receiver or the handle it creates (`const t = await db.transaction()`).
    const sameConnection = (call: CallLike) => {
      if (!ownIsDb) return true;
      const handle = markerHandle(call);
      if (handle !== null && ownHandles.has(handle)) return true;
      const other = receiver(call);
      return own === null || other === null || own === other || own.startsWith(`${other}.`);
    };
    let open: CallLike | null = null;
    let scope: TransactionScope | null = null;
    for (const call of this.callsIn(region)) {
      const marker = this.transactionMarker(call);
      if (marker && !sameConnection(call)) continue;
      if (marker === 'begin' && call.range[1] <= node.range[0]) open = call;
      if (marker === 'commit' && open && call.range[0] >= node.range[1]) {
        scope = { opener: open, commit: call };
        break;
      }
      if (marker === 'commit' && call.range[1] <= node.range[0]) open = null;
    }
    return scope;
  }

  transactionMarker(call: CallLike): 'begin' | 'commit' | null {
    const callee = calleeOf(call);
    if (callee.type !== 'MemberExpression') return null;
    const method = propertyName(callee);
    if (method === 'startTransaction' || method === 'beginTransaction') return 'begin';
    // Knex's and Sequelize's unmanaged transaction: `const trx = await db.transaction()`, no callback.
    if (method === 'transaction' && argumentsOf(call).every((a) => !isFunction(unwrap(a)))) {
      const role = this.roleOf(callee.object)?.role;
      if (role === 'knex' || role === 'sequelize') return 'begin';
    }
    if (method === 'commitTransaction' || method === 'commit') return 'commit';
    if (method === 'query' || method === 'execute') {
      const sql = this.stringValue(argumentsOf(call)[0]);
      if (sql && /^\s*(begin|start\s+transaction)\b/i.test(sql)) return 'begin';
      if (sql && /^\s*commit\b/i.test(sql)) return 'commit';
    }
    return null;
  }

  // ---------------------------------------------------------------- values and roles

  /** The import a module-level name is bound to, following `const x = imported.member`. */
  private moduleRefOfIdentifier(name: string): ModuleRef | null {
    const binding = this.imports.get(name);
    return binding ? { kind: 'module', module: binding.module, path: binding.path } : null;
  }

  valueOf(node: TSESTree.Node, depth = 0): ValueRef | null {
    if (depth > MAX_RESOLVE_DEPTH) return null;
    const target = unwrap(node);
    if (this.roleCache.has(target)) return this.roleCache.get(target) ?? null;
    if (this.resolving.has(target)) return null;
    this.resolving.add(target);
    let result: ValueRef | null = null;
    try {
      result = this.computeValue(target, depth + 1);
    } finally {
      this.resolving.delete(target);
    }
    this.roleCache.set(target, result);
    return result;
  }

  roleOf(node: TSESTree.Node): RoleRef | null {
    const value = this.valueOf(node);
    return value?.kind === 'role' ? value : null;
  }

  private computeValue(node: TSESTree.Node, depth: number): ValueRef | null {
    switch (node.type) {
      case 'Identifier':
        return this.resolveIdentifier(node, depth);
      case 'MemberExpression': {
        if (node.object.type === 'ThisExpression') {
          const name = propertyName(node);
          return name ? this.resolveThisField(node, name, depth) : null;
        }
        const name = propertyName(node);
        const object = this.valueOf(node.object, depth);
        if (object?.kind === 'module' && name) return { kind: 'module', module: object.module, path: [...object.path, name] };
        if (object?.kind === 'role' && name) {
          if (object.role === 'prisma' || object.role === 'prisma.tx') {
            if (!name.startsWith('$')) return { kind: 'role', role: 'prisma.delegate', via: object.via, target: name };
            return null;
          }
          const derived = DERIVED_PROPERTIES[`${object.role}.${name}`];
          if (derived) return { kind: 'role', role: derived, via: object.via };
          return null;
        }
        // `deps.producer`, `ctx.prisma`: the property name is the only hint left.
        return name ? this.nameFallback(name) : null;
      }
      case 'NewExpression': {
        const callee = this.valueOf(node.callee, depth);
        if (callee?.kind === 'module') {
          const role = CONSTRUCTORS[moduleKey(callee)];
          if (role) return { kind: 'role', role, via: 'binding', channelNode: role === 'bullmq.queue' ? node.arguments[0] ?? null : null };
        }
        if (callee?.kind === 'role' && callee.role === 'mongoose.model') return { kind: 'role', role: 'mongoose.doc', via: callee.via, target: callee.target };
        if (node.callee.type === 'Identifier') return this.localClassInstanceRole(node.callee.name);
        return null;
      }
      case 'CallExpression': {
        const callee = node.callee;
        const required = this.requiredModule(node);
        if (required) return { kind: 'module', module: required, path: [] };
        if (callee.type === 'MemberExpression') {
          const method = propertyName(callee);
          const object = this.valueOf(callee.object, depth);
          if (!method || !object) return null;
          if (object.kind === 'module') {
            const role = FACTORY_CALLS[`${object.module}#${[...object.path, method].join('.')}`];
            return role ? this.factoryResult(role, node) : null;
          }
          if (object.role === 'knex' && !KNEX_WRITES.has(method)) return { kind: 'role', role: 'knex', via: object.via, target: object.target };
          const derived = DERIVED_CALLS[`${object.role}.${method}`];
          if (!derived) return null;
          if (derived === 'pubsub.topic') return { kind: 'role', role: derived, via: object.via, channelNode: node.arguments[0] ?? null };
          if (derived === 'typeorm.repo') return { kind: 'role', role: derived, via: object.via, target: entityName(node.arguments[0]) };
          if (derived === 'mongoose.model' || derived === 'sequelize.model') {
            return { kind: 'role', role: derived, via: object.via, target: stringLiteral(node.arguments[0]) };
          }
          return { kind: 'role', role: derived, via: object.via };
        }
        const fn = this.valueOf(callee, depth);
        if (fn?.kind === 'module') {
          const role = FACTORY_CALLS[moduleKey(fn)];
          return role ? this.factoryResult(role, node) : null;
        }
        // `knex('orders')` and `trx('orders')` start a query builder on a table.
        if (fn?.kind === 'role' && fn.role === 'knex') {
          return { kind: 'role', role: 'knex', via: fn.via, target: stringLiteral(node.arguments[0]) };
        }
        return null;
      }
      default:
        return null;
    }
  }

  private factoryResult(role: Role, call: TSESTree.CallExpression): RoleRef {
    if (role === 'mongoose.model') return { kind: 'role', role, via: 'binding', target: stringLiteral(call.arguments[0]) };
    if (role === 'typeorm.repo') return { kind: 'role', role, via: 'binding', target: entityName(call.arguments[0]) };
    return { kind: 'role', role, via: 'binding' };
  }

  private resolveIdentifier(node: TSESTree.Identifier, depth: number): ValueRef | null {
    const name = node.name;
    // Walk outwards through enclosing functions: parameters and local declarations shadow outer ones.
    let current = parentOf(node);
    while (current) {
      if (isFunction(current)) {
        const param = current.params.findIndex((p) => paramName(p) === name);
        if (param >= 0) return this.resolveParam(current, param, depth);
        const local = this.declaratorIn(name, current);
        if (local) return this.resolveDeclarator(local, depth);
      }
      current = parentOf(current);
    }
    const top = this.declaratorIn(name, this.program);
    if (top) return this.resolveDeclarator(top, depth);
    const imported = this.moduleRefOfIdentifier(name);
    if (imported) {
      if (!imported.module.startsWith('.')) return imported;
      const exported = this.options.importedValue?.(imported.module, this.path, imported.path.length ? imported.path : ['default']);
      return exported ?? this.nameFallback(name);
    }
    const classRole = this.localClassValueRole(name);
    if (classRole) return classRole;
    return this.nameFallback(name);
  }

  /** Identifier declarators of `name`, in source order. */
  declaratorsNamed(name: string): readonly TSESTree.VariableDeclarator[] {
    return this.declarators.get(name) ?? [];
  }

  /** The declarator of `name` whose nearest enclosing function is `scope`. */
  declaratorIn(name: string, scope: FunctionLike | TSESTree.Program): TSESTree.VariableDeclarator | null {
    for (const decl of this.declarators.get(name) ?? []) {
      let owner = parentOf(decl);
      while (owner && !isFunction(owner) && owner.type !== 'Program') owner = parentOf(owner);
      if (owner === scope) return decl;
    }
    return null;
  }

  private resolveDeclarator(decl: TSESTree.VariableDeclarator, depth: number): ValueRef | null {
    if (decl.id.type === 'Identifier' && decl.id.typeAnnotation) {
      const typed = this.roleFromType(decl.id.typeAnnotation.typeAnnotation);
      if (typed) return typed;
    }
    if (decl.init) {
      const required = this.requiredModule(decl.init);
      if (required) return { kind: 'module', module: required, path: [] };
      const value = this.valueOf(decl.init, depth);
      if (value) return value;
      const init = unwrap(decl.init);
      if (init.type === 'NewExpression' && init.callee.type === 'Identifier') return this.typedFallback(init.callee.name);
    }
    if (decl.id.type === 'Identifier' && decl.id.typeAnnotation?.typeAnnotation.type === 'TSTypeReference') return this.typedFallback(typeName(decl.id.typeAnnotation.typeAnnotation));
    return decl.id.type === 'Identifier' ? this.nameFallback(decl.id.name) : null;
  }

  /**
   * A value whose class or type is known but is not a library type: a local class is analysed
   * through its method summaries, so no guess; otherwise only the type's own name may hint
   * (`PrismaService`, `OrderRepository`, `KafkaProducerService`), never the variable's name.
   */
  private typedFallback(name: string | null): RoleRef | null {
    if (name === null) return null;
    if (this.classes.some((c) => c.id?.name === name)) return null;
    return this.nameFallback(name.replace(/(Service|Client|Provider|Adapter|Impl)$/, '')) ?? this.nameFallback(name);
  }

  private resolveParam(fn: FunctionLike, index: number, depth: number): ValueRef | null {
    const param = fn.params[index]!;
    const annotated = paramTypeAnnotation(param);
    if (annotated) {
      const typed = this.roleFromType(annotated);
      if (typed) return typed;
    }
    const parent = parentOf(fn);
    if (index === 0 && parent?.type === 'CallExpression' && parent.callee.type === 'MemberExpression') {
      const method = propertyName(parent.callee);
      const owner = this.roleOf(parent.callee.object);
      if (method && owner) {
        const role = TRANSACTION_CALLBACKS[`${owner.role}.${method}`];
        if (role) return { kind: 'role', role, via: owner.via };
      }
    }
    if (annotated?.type === 'TSTypeReference') return this.typedFallback(typeName(annotated));
    const name = paramName(param);
    return name ? this.nameFallback(name) : null;
  }

  private resolveThisField(node: TSESTree.Node, name: string, depth: number): ValueRef | null {
    const cls = enclosingClass(node);
    if (cls) {
      for (const member of cls.body.body) {
        if (member.type === 'PropertyDefinition' && keyName(member.key) === name) {
          if (member.typeAnnotation) {
            const typed = this.roleFromType(member.typeAnnotation.typeAnnotation);
            if (typed) return typed;
          }
          if (member.value) {
            const value = this.valueOf(member.value, depth);
            if (value) return value;
            const init = unwrap(member.value);
            if (init.type === 'NewExpression' && init.callee.type === 'Identifier') return this.typedFallback(init.callee.name);
          }
          if (member.typeAnnotation?.typeAnnotation.type === 'TSTypeReference') return this.typedFallback(typeName(member.typeAnnotation.typeAnnotation));
        }
        if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
          for (const param of member.value.params) {
            if (param.type === 'TSParameterProperty' && paramName(param.parameter) === name) {
              const annotated = paramTypeAnnotation(param.parameter);
              const typed = annotated ? this.roleFromType(annotated) : null;
              if (typed) return typed;
              if (annotated?.type === 'TSTypeReference') return this.typedFallback(typeName(annotated));
            }
          }
        }
      }
      for (const assign of this.thisAssignments.get(name) ?? []) {
        if (enclosingClass(assign) !== cls) continue;
        const value = this.valueOf(assign.right, depth);
        if (value) return value;
        const init = unwrap(assign.right);
        if (init.type === 'NewExpression' && init.callee.type === 'Identifier') return this.typedFallback(init.callee.name);
      }
    }
    return this.nameFallback(name);
  }

  roleFromType(type: TSESTree.TypeNode): RoleRef | null {
    if (type.type !== 'TSTypeReference') return null;
    const names = qualifiedName(type.typeName);
    if (!names) return null;
    const [head, ...rest] = names;
    const binding = this.imports.get(head!);
    if (binding) {
      const key = `${binding.module}#${[...binding.path, ...rest].join('.')}`;
      const role = TYPE_ROLES[key];
      if (role) {
        const typeArg = type.typeArguments?.params[0];
        const target = typeArg && typeArg.type === 'TSTypeReference' && typeArg.typeName.type === 'Identifier'
          ? typeArg.typeName.name.replace(/Document$/, '')
          : null;
        return { kind: 'role', role, via: 'binding', target };
      }
      return null;
    }
    return rest.length === 0 ? this.localClassInstanceRole(head!) : null;
  }

  /** Instances of a local class that extends a library client (`class PrismaService extends PrismaClient`). */
  private localClassInstanceRole(name: string): RoleRef | null {
    const cls = this.classes.find((c) => c.id?.name === name);
    if (!cls?.superClass) return null;
    const base = this.valueOf(cls.superClass);
    if (base?.kind !== 'module') return null;
    const role = CONSTRUCTORS[moduleKey(base)];
    return role ? { kind: 'role', role, via: 'binding' } : null;
  }

  /** Class values that are themselves models (`class Order extends Model` in sequelize). */
  private localClassValueRole(name: string): RoleRef | null {
    const cls = this.classes.find((c) => c.id?.name === name);
    if (!cls?.superClass) return null;
    const base = this.valueOf(cls.superClass);
    if (base?.kind !== 'module') return null;
    const role = BASE_CLASS_ROLES[moduleKey(base)];
    return role && role.endsWith('.model') ? { kind: 'role', role, via: 'binding', target: name } : null;
  }

  private nameFallback(name: string): RoleRef | null {
    for (const { pattern, role } of NAME_FALLBACKS) {
      if (pattern.test(name)) return { kind: 'role', role, via: 'name' };
    }
    return null;
  }

  // ---------------------------------------------------------------- strings and channels

  /** A string a node denotes: literal, plain template, same-file const, enum member, or object const. */
  stringValue(node: TSESTree.Node | undefined, depth = 0): string | null {
    if (!node || depth > 6) return null;
    const target = unwrap(node);
    if (target.type === 'Literal' && typeof target.value === 'string') return target.value;
    if (target.type === 'TemplateLiteral') {
      if (target.expressions.length === 0) return target.quasis.map((q) => q.value.cooked ?? '').join('');
      return null;
    }
    if (target.type === 'TaggedTemplateExpression') return target.quasi.quasis.map((q) => q.value.cooked ?? '').join('?');
    if (target.type === 'Identifier') {
      const decl = this.declaratorIn(target.name, this.program) ?? this.nearestDeclarator(target);
      if (decl?.init) return this.stringValue(decl.init, depth + 1);
      return null;
    }
    if (target.type === 'MemberExpression' && target.object.type === 'Identifier') {
      const member = propertyName(target);
      if (!member) return null;
      const objectName = target.object.name;
      const decl = this.declaratorIn(objectName, this.program);
      if (decl?.init) return this.stringValue(objectProperty(decl.init, member) ?? undefined, depth + 1);
      const enumDecl = this.program.body
        .map((s) => (s.type === 'ExportNamedDeclaration' ? s.declaration : s))
        .find((s): s is TSESTree.TSEnumDeclaration => s?.type === 'TSEnumDeclaration' && s.id.name === objectName);
      const enumMember = enumDecl?.body.members.find((m) => keyName(m.id) === member);
      return enumMember?.initializer ? this.stringValue(enumMember.initializer, depth + 1) : null;
    }
    return null;
  }

  nearestDeclarator(node: TSESTree.Identifier): TSESTree.VariableDeclarator | null {
    let current = parentOf(node);
    while (current) {
      if (isFunction(current)) {
        const local = this.declaratorIn(node.name, current);
        if (local) return local;
      }
      current = parentOf(current);
    }
    return null;
  }

  /** rules.md §2.11: literal channel names, with an environment prefix allowed as the dynamic part. */
  channelValue(node: TSESTree.Node | undefined | null): string | null {
    if (!node) return null;
    const target = unwrap(node);
    if (target.type === 'TemplateLiteral' && target.expressions.length > 0) {
      const head = target.quasis[0]?.value.cooked ?? '';
      const rest = target.quasis.slice(1);
      if (head === '' && target.expressions.length === 1 && rest.length === 1) {
        const tail = rest[0]!.value.cooked ?? '';
        if (/^[.-]/.test(tail)) return tail.slice(1) || null;
      }
      return null;
    }
    const value = this.stringValue(target);
    return value === null ? null : this.options.envPrefixPattern.strip(value) || null;
  }

  // ---------------------------------------------------------------- effects

  effectsOf(call: CallLike): Effect[] {
    const cached = this.effectCache.get(call);
    if (cached) return cached;
    if (this.inProgress.has(call)) return [];
    this.inProgress.add(call);
    try {
      const effects = this.computeEffects(call);
      // A result cut short by the summary depth limit is only valid for that depth: cache top-level results only.
      if (this.summaryDepth === 0) this.effectCache.set(call, effects);
      return effects;
    } finally {
      this.inProgress.delete(call);
    }
  }

  private computeEffects(call: CallLike): Effect[] {
    if (call.type === 'NewExpression') return [];
    const callee = calleeOf(call);
    const args = argumentsOf(call);
    const direct = this.directEffect(call, callee, args);
    if (direct) return [direct];
    const wrapped = this.wrapperEffect(call);
    if (wrapped) return [wrapped];
    return this.summaryEffects(call);
  }

  private directEffect(call: CallLike, callee: TSESTree.Node, args: TSESTree.Node[]): Effect | null {
    if (callee.type !== 'MemberExpression') return null;
    const method = propertyName(callee);
    if (!method) return null;

    if (method === 'send' && args[0]) {
      const command = this.commandOf(args[0]);
      if (command) {
        const key = this.valueOf(command.callee);
        const spec = key?.kind === 'module' ? PUBLISH_COMMANDS[moduleKey(key)] : undefined;
        if (spec) {
          const channelNode = spec.library === 'eventbridge'
            ? objectProperty(firstArrayElement(objectProperty(command.arguments[0], 'Entries')), 'DetailType')
            : objectProperty(command.arguments[0], spec.channelKey);
          return makeEffect(this.text, call, 'publish', spec.library, 'binding', { channel: this.awsChannel(channelNode, spec.library) });
        }
      }
    }

    // Most calls (`arr.push`, `logger.info`) name no sink method: their receiver need not be resolved.
    if (!EFFECT_METHODS.has(method)) return null;
    const owner = this.roleOf(callee.object);
    if (!owner) return null;
    const via: EffectVia = owner.via;
    const sink = SINK_METHODS[owner.role]?.[method];
    if (sink === 'publish') {
      return makeEffect(this.text, call, 'publish', libraryOf(owner.role), via, {
        channel: this.publishChannel(owner, method, args),
        kafkaTransaction: owner.role === 'kafka.transaction',
      });
    }
    if (sink === 'dbWrite') {
      const target = owner.role === 'typeorm.manager' || owner.role === 'typeorm.repo'
        ? owner.target ?? entityName(args[0])
        : owner.role === 'prisma' || owner.role === 'prisma.tx'
          ? sqlTarget(this.sqlText(args[0]) ?? '')
          : owner.target ?? null;
      return makeEffect(this.text, call, 'dbWrite', libraryOf(owner.role), via, { target });
    }
    if ((method === 'query' || method === 'execute') && SQL_ROLES.has(owner.role)) {
      const sql = this.sqlText(args[0]);
      if (sql && isWriteSql(sql)) return makeEffect(this.text, call, 'dbWrite', libraryOf(owner.role), via, { target: sqlTarget(sql) });
      return null;
    }
    if (owner.role === 'knex') {
      if (KNEX_WRITES.has(method) && owner.target !== undefined) return makeEffect(this.text, call, 'dbWrite', 'knex', via, { target: owner.target ?? null });
      if (method === 'raw') {
        const sql = this.sqlText(args[0]);
        if (sql && isWriteSql(sql)) return makeEffect(this.text, call, 'dbWrite', 'knex', via, { target: sqlTarget(sql) });
      }
      return null;
    }
    if (owner.role === 'drizzle.db') {
      if (method === 'insert' || method === 'update' || method === 'delete') {
        return makeEffect(this.text, call, 'dbWrite', 'drizzle', via, { target: this.drizzleTable(args[0]) });
      }
      if (method === 'execute') {
        const sql = this.sqlText(args[0]);
        if (sql && isWriteSql(sql)) return makeEffect(this.text, call, 'dbWrite', 'drizzle', via, { target: sqlTarget(sql) });
      }
    }
    if (method === 'execute' && owner.role.startsWith('typeorm')) return null;
    return null;
  }

  /** TypeORM query builders: `repo.createQueryBuilder().insert().into(X).values(v).execute()`. */
  private queryBuilderWrite(call: CallLike): Effect | null {
    const callee = calleeOf(call);
    if (callee.type !== 'MemberExpression' || propertyName(callee) !== 'execute') return null;
    let node: TSESTree.Node = callee.object;
    let write = false;
    let target: string | null = null;
    while (node.type === 'CallExpression' && node.callee.type === 'MemberExpression') {
      const method = propertyName(node.callee);
      if (method && ['insert', 'update', 'delete', 'softDelete'].includes(method)) write = true;
      if (method === 'into' || method === 'update' || method === 'from') target = entityName(node.arguments[0]) ?? target;
      if (method === 'createQueryBuilder') {
        const owner = this.roleOf(node.callee.object);
        if (!owner || !owner.role.startsWith('typeorm') || !write) return null;
        return {
          kind: 'dbWrite', library: 'typeorm', call, via: owner.via, description: calleeText(this.text, call), channel: null,
          target: target ?? owner.target ?? null, kafkaTransaction: false, related: [],
        };
      }
      node = node.callee.object;
    }
    return null;
  }

  commandOf(node: TSESTree.Node): TSESTree.NewExpression | null {
    const target = unwrap(node);
    if (target.type === 'NewExpression') return target;
    if (target.type === 'Identifier') {
      const decl = this.nearestDeclarator(target) ?? this.declaratorIn(target.name, this.program);
      if (decl?.init && unwrap(decl.init).type === 'NewExpression') return unwrap(decl.init) as TSESTree.NewExpression;
    }
    return null;
  }

  private awsChannel(node: TSESTree.Node | null, library: string): string | null {
    const value = node ? this.stringValue(node) : null;
    if (value === null) return null;
    if (library === 'sqs') return value.split('/').pop() || null;
    if (library === 'sns') return value.split(':').pop() || null;
    return value;
  }

  private publishChannel(owner: RoleRef, method: string, args: TSESTree.Node[]): string | null {
    switch (owner.role) {
      case 'kafka.producer':
      case 'kafka.transaction':
        return method === 'send' ? this.channelValue(objectProperty(args[0], 'topic')) : null;
      case 'rdkafka.producer':
        return this.channelValue(args[0]);
      case 'amqp.channel':
      case 'amqpcm.channel':
        if (method === 'sendToQueue') return this.channelValue(args[0]);
        return this.channelValue(args[1]) ?? this.channelValue(args[0]);
      case 'sqs.v2':
        return this.awsChannel(objectProperty(args[0], 'QueueUrl'), 'sqs');
      case 'sns.v2':
        return this.awsChannel(objectProperty(args[0], 'TopicArn'), 'sns');
      case 'pubsub.topic':
      case 'bullmq.queue':
        return this.channelValue(owner.channelNode);
      case 'nats.conn':
      case 'nats.js':
      case 'redis':
      case 'nest.client':
        return this.channelValue(args[0]);
      default:
        return null;
    }
  }

  private sqlText(node: TSESTree.Node | undefined): string | null {
    if (!node) return null;
    const target = unwrap(node);
    // `UPDATE ${OUTBOX} SET …`: a constant table name reads as its value; other holes as `?`.
    if (target.type === 'TemplateLiteral') {
      return target.quasis.map((q, i) => `${q.value.cooked ?? ''}${i < target.expressions.length ? this.stringValue(target.expressions[i]!) ?? '?' : ''}`).join('');
    }
    if (target.type === 'ObjectExpression') return this.stringValue(objectProperty(target, 'text') ?? objectProperty(target, 'sql') ?? undefined);
    return this.stringValue(target);
  }

  private drizzleTable(node: TSESTree.Node | undefined): string | null {
    if (!node) return null;
    const target = unwrap(node);
    if (target.type !== 'Identifier') return null;
    const decl = this.declaratorIn(target.name, this.program);
    const init = decl?.init ? unwrap(decl.init) : null;
    if (init?.type === 'CallExpression' && /Table$/.test(calleeText(this.text, init))) return stringLiteral(init.arguments[0]) ?? target.name;
    return target.name;
  }

  private wrapperEffect(call: CallLike): Effect | null {
    const qb = this.queryBuilderWrite(call);
    if (qb) return qb;
    const { publish, dbWrite } = this.options.wrappers;
    if (publish.length === 0 && dbWrite.length === 0) return null;
    const callee = calleeOf(call);
    const text = normalizedText(this.text, callee);
    for (const kind of ['publish', 'dbWrite'] as const) {
      for (const spec of this.options.wrappers[kind]) {
        if (this.matchesWrapper(callee, text, spec)) {
          return makeEffect(this.text, call, kind, 'wrapper', 'wrapper', {});
        }
      }
    }
    return null;
  }

  /** `this.events.emit` matches the callee text; `EventBus.publish` matches receivers of that class. */
  private matchesWrapper(callee: TSESTree.Node, text: string, spec: string): boolean {
    if (text === spec || text.endsWith(`.${spec}`)) return true;
    const dot = spec.lastIndexOf('.');
    if (dot < 0) return callee.type === 'Identifier' && callee.name === spec;
    const cls = spec.slice(0, dot);
    const method = spec.slice(dot + 1);
    if (callee.type !== 'MemberExpression' || propertyName(callee) !== method) return false;
    const receiverClass = this.classNameOf(callee.object);
    if (receiverClass === cls) return true;
    const receiver = callee.object.type === 'MemberExpression' ? propertyName(callee.object) : callee.object.type === 'Identifier' ? callee.object.name : null;
    return receiver !== null && receiver.toLowerCase() === cls.toLowerCase();
  }

  /** The class a receiver is an instance of, from `new K()` or a `: K` annotation. */
  classNameOf(node: TSESTree.Node): string | null {
    const cached = this.classNames.get(node);
    if (cached !== undefined) return cached;
    // `const A = B; const B = A;` (or `this.a = this.b` both ways) leads back to itself: no class.
    if (this.namingClass.has(node)) return null;
    this.namingClass.add(node);
    let name: string | null;
    try {
      name = this.computeClassName(node);
    } finally {
      this.namingClass.delete(node);
    }
    if (this.traversed) this.classNames.set(node, name);
    return name;
  }

  private readonly namingClass = new Set<TSESTree.Node>();

  private readonly classNames = new WeakMap<TSESTree.Node, string | null>();

  private computeClassName(node: TSESTree.Node): string | null {
    const target = unwrap(node);
    const fromType = (type: TSESTree.TypeNode | undefined): string | null =>
      type?.type === 'TSTypeReference' && type.typeName.type === 'Identifier' ? type.typeName.name : null;
    if (target.type === 'NewExpression' && target.callee.type === 'Identifier') return target.callee.name;
    if (target.type === 'Identifier') {
      let current = parentOf(target);
      while (current) {
        if (isFunction(current)) {
          const param = current.params.find((p) => paramName(p) === target.name);
          if (param) return fromType(paramTypeAnnotation(param) ?? undefined);
        }
        current = parentOf(current);
      }
      const decl = this.nearestDeclarator(target) ?? this.declaratorIn(target.name, this.program);
      if (decl) return fromType(decl.id.typeAnnotation?.typeAnnotation) ?? (decl.init ? this.classNameOf(decl.init) : null);
      return null;
    }
    if (target.type === 'MemberExpression' && target.object.type === 'ThisExpression') {
      const name = propertyName(target);
      const cls = enclosingClass(target);
      if (!cls || !name) return null;
      for (const member of cls.body.body) {
        if (member.type === 'PropertyDefinition' && keyName(member.key) === name) {
          return fromType(member.typeAnnotation?.typeAnnotation) ?? (member.value ? this.classNameOf(member.value) : null);
        }
        if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
          for (const param of member.value.params) {
            if (param.type === 'TSParameterProperty' && paramName(param.parameter) === name) {
              return fromType(paramTypeAnnotation(param.parameter) ?? undefined);
            }
          }
        }
      }
      for (const assign of this.thisAssignments.get(name) ?? []) {
        if (enclosingClass(assign) === cls) return this.classNameOf(assign.right);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- helper summaries

  /** The local function a call invokes: `helper()`, `this.method()`, `obj.method()` on a local class. */
  calleeFunction(call: CallLike): FunctionLike | null {
    const callee = calleeOf(call);
    if (callee.type === 'Identifier') {
      const declared = this.declaredFunction(callee.name);
      if (declared) return declared;
      const decl = this.nearestDeclarator(callee) ?? this.declaratorIn(callee.name, this.program);
      const init = decl?.init ? unwrap(decl.init) : null;
      return init && isFunction(init) ? init : null;
    }
    if (callee.type === 'MemberExpression') {
      const method = propertyName(callee);
      if (!method) return null;
      const cls = callee.object.type === 'ThisExpression'
        ? enclosingClass(callee)
        : this.classes.length === 0
          ? null
          : (() => {
              const name = this.classNameOf(callee.object);
              return name ? this.classes.find((c) => c.id?.name === name) ?? null : null;
            })();
      if (!cls) return null;
      for (const member of cls.body.body) {
        if (member.type === 'MethodDefinition' && keyName(member.key) === method) return member.value as FunctionLike;
        if (member.type === 'PropertyDefinition' && keyName(member.key) === method && member.value && isFunction(member.value)) {
          return member.value as FunctionLike;
        }
      }
    }
    return null;
  }

  private functionsByName: Map<string, FunctionLike> | null = null;

  /** The first function declaration with this name; indexed once the traversal is complete (a scan per call was quadratic). */
  private declaredFunction(name: string): FunctionLike | null {
    if (!this.complete) {
      for (const fn of this.functions) if (fn.type === 'FunctionDeclaration' && fn.id?.name === name) return fn;
      return null;
    }
    if (!this.functionsByName) {
      this.functionsByName = new Map();
      for (const fn of this.functions) {
        if (fn.type === 'FunctionDeclaration' && fn.id && !this.functionsByName.has(fn.id.name)) this.functionsByName.set(fn.id.name, fn);
      }
    }
    return this.functionsByName.get(name) ?? null;
  }

  /** Effects performed directly (or through up to three local hops) inside a function's region. */
  functionEffects(fn: FunctionLike): Effect[] {
    const region = this.regionOf(fn.body);
    const out: Effect[] = [];
    for (const call of this.callsIn(region)) {
      out.push(...this.effectsOf(call));
    }
    return out;
  }

  private summaryEffects(call: CallLike): Effect[] {
    if (this.summaryDepth >= 3) return [];
    const fn = this.calleeFunction(call);
    if (fn) {
      this.summaryDepth += 1;
      try {
        const inner = this.functionEffects(fn);
        if (inner.length === 0) return [];
        const description = calleeText(this.text, call);
        return inner
          .filter((effect) => !(effect.kind === 'dbWrite' && this.isOutboxTarget(effect.target)))
          .map((effect) => ({
            ...effect,
            call,
            via: 'summary' as const,
            description: `${description} (${effect.description} inside)`,
            related: [{ line: this.line(effect.call), note: `${effect.kind === 'publish' ? 'publish' : 'DB write'} ${effect.description} in helper ${this.functionName(fn)}` }],
          }));
      } finally {
        this.summaryDepth -= 1;
      }
    }
    return this.importedSummary(call);
  }

  private importedSummary(call: CallLike): Effect[] {
    const lookup = this.options.importedEffects;
    if (!lookup || !this.hasRelativeImport()) return [];
    const callee = calleeOf(call);
    let binding: ImportBinding | undefined;
    let path: string[] = [];
    let orDefault = false;
    if (callee.type === 'Identifier') {
      binding = this.imports.get(callee.name);
      path = binding ? [...binding.path] : [];
    } else if (callee.type === 'MemberExpression') {
      const method = propertyName(callee);
      const cls = method ? this.classNameOf(callee.object) : null;
      if (cls && method) {
        binding = this.imports.get(cls);
        path = binding ? [...(binding.path.length ? binding.path : ['default']), method] : [];
      } else if (method && callee.object.type === 'Identifier') {
        // An imported instance or object (`export const eventBus = new EventBus()`): the exporting
        // file lists its methods' effects under the export's name.
        binding = this.importedBindingOf(callee.object) ?? undefined;
        const form = this.moduleObjects.get(callee.object.name);
        if (binding) path = binding.path.length ? [...binding.path, method] : form ? [method] : ['default', method];
        // `require('./bus')` is `module.exports`, which may itself be the instance.
        orDefault = binding !== undefined && binding.path.length === 0 && form === 'require';
      }
    }
    if (!binding || !binding.module.startsWith('.')) return [];
    let raw = lookup(binding.module, this.path, path.length ? path : ['default']);
    if (raw.length === 0 && orDefault) raw = lookup(binding.module, this.path, ['default', ...path]);
    const found = raw.filter((effect) => !(effect.kind === 'dbWrite' && this.isOutboxTarget(effect.target)));
    if (found.length === 0) return [];
    const description = calleeText(this.text, call);
    return found.map((effect) => ({
        kind: effect.kind,
        library: effect.library,
        call,
        via: 'summary' as const,
        description: `${description} (${effect.description} inside)`,
        channel: effect.channel,
        target: effect.target,
        kafkaTransaction: false,
        related: [{ line: effect.line, note: `${effect.kind === 'publish' ? 'publish' : 'DB write'} ${effect.description} in ${effect.path}:${effect.line}` }],
      }));
  }

  /** The import an identifier names, unless a parameter or a declaration shadows it. */
  private importedBindingOf(id: TSESTree.Identifier): ImportBinding | null {
    const binding = this.imports.get(id.name);
    if (!binding || !binding.module.startsWith('.')) return null;
    const declared = (decl: TSESTree.VariableDeclarator): ImportBinding | null => {
      const required = decl.init ? this.requiredModule(decl.init) : null;
      return required === null ? null : { module: required, path: [] };
    };
    const destructured = this.destructuredScopes(id.name);
    let current = parentOf(id);
    while (current) {
      if (isFunction(current)) {
        if (current.params.some((p) => bindsName(p, id.name))) return null;
        const local = this.declaratorIn(id.name, current);
        if (local) return declared(local);
      }
      // `catch (ledger)`, `const { ledger } = ctx`, `for (const { ledger } of tenants)`: another value.
      if (current.type === 'CatchClause' && current.param && bindsName(current.param, id.name)) return null;
      if (destructured.has(current)) return null;
      current = parentOf(current);
    }
    const top = this.declaratorIn(id.name, this.program);
    return top ? declared(top) : binding;
  }

  /** The scopes (function or program) in which a destructuring declarator binds `name`, by name, once. */
  private destructuredScopes(name: string): Set<TSESTree.Node> {
    this.destructuredByName ??= new Map();
    let scopes = this.destructuredByName.get(name);
    if (!scopes) {
      scopes = new Set();
      for (const decl of this.allDeclarators) {
        if (decl.id.type === 'Identifier' || !bindsName(decl.id, name)) continue;
        let scope: TSESTree.Node | undefined = parentOf(decl);
        while (scope && !isFunction(scope)) scope = parentOf(scope);
        scopes.add(scope ?? this.program);
      }
      this.destructuredByName.set(name, scopes);
    }
    return scopes;
  }

  private destructuredByName: Map<string, Set<TSESTree.Node>> | null = null;

  private relativeImport: boolean | null = null;

  /** Only imports of analysed files (`./x`) carry summaries; most calls of a file without one need no lookup. */
  private hasRelativeImport(): boolean {
    if (this.relativeImport !== null) return this.relativeImport;
    let found = false;
    for (const binding of this.imports.values()) {
      if (binding.module.startsWith('.')) {
        found = true;
        break;
      }
    }
    // The bindings are complete only once the traversal has seen every import.
    if (this.traversed) this.relativeImport = found;
    return found;
  }

  isOutboxTarget(target: string | null): boolean {
    return target !== null && this.options.outboxPattern.test(toSnakeCase(target));
  }

  /** CommonJS exports: `module.exports = { a, b: expr }`, `module.exports.a = expr`, `exports.a = expr`, `module.exports = x`. */
  private commonJsExport(name: string): TSESTree.Node | null {
    for (const statement of this.program.body) {
      if (statement.type !== 'ExpressionStatement' || statement.expression.type !== 'AssignmentExpression') continue;
      const { left, right } = statement.expression;
      const target = this.text.slice(left.range[0], left.range[1]).replace(/\s+/g, '');
      if (target === 'module.exports') {
        const value = unwrap(right);
        if (value.type === 'ObjectExpression') {
          const prop = objectProperty(value, name);
          if (prop) return prop;
        } else if (name === 'default') {
          return value;
        }
      }
      if (target === `module.exports.${name}` || target === `exports.${name}`) return right;
    }
    return null;
  }

  /** The role of an exported top-level value, for files that import it. */
  exportedValueRole(name: string): RoleRef | null {
    const cjs = this.commonJsExport(name);
    if (cjs) {
      const value = this.valueOf(cjs);
      return value?.kind === 'role' ? value : null;
    }
    for (const statement of this.program.body) {
      const decl = statement.type === 'ExportNamedDeclaration' ? statement.declaration : null;
      if (decl?.type === 'ClassDeclaration' && decl.id?.name === name) return this.localClassValueRole(name);
    }
    for (const statement of this.program.body) {
      const decl = statement.type === 'ExportNamedDeclaration' ? statement.declaration : null;
      if (decl?.type !== 'VariableDeclaration') continue;
      for (const d of decl.declarations) {
        if (d.id.type === 'Identifier' && d.id.name === name) {
          const value = this.resolveDeclarator(d, 0);
          return value?.kind === 'role' ? value : null;
        }
      }
    }
    const local = this.declaratorIn(name, this.program);
    const exportedLater = this.program.body.some((s) => s.type === 'ExportNamedDeclaration' && !s.declaration &&
      s.specifiers.some((sp) => sp.local.type === 'Identifier' && sp.local.name === name));
    if (local && exportedLater) {
      const value = this.resolveDeclarator(local, 0);
      return value?.kind === 'role' ? value : null;
    }
    return null;
  }

  /** Exported functions, class methods and methods of exported instances or objects, with their effects, for other files' summaries. */
  private exportedEffectsCache: Map<string, ExternalEffect[]> | null = null;

  exportedEffects(): Map<string, ExternalEffect[]> {
    if (this.exportedEffectsCache) return this.exportedEffectsCache;
    const out = new Map<string, ExternalEffect[]>();
    this.exportedEffectsCache = out;
    const record = (key: string, fn: FunctionLike) => {
      const effects = this.functionEffects(fn).filter((e) => e.via !== 'summary' || e.related.length > 0);
      if (effects.length === 0) return;
      out.set(key, effects.map((e) => ({
        kind: e.kind, library: e.library, description: e.description, channel: e.channel, target: e.target,
        path: this.path, line: e.via === 'summary' && e.related[0] ? e.related[0].line : this.line(e.call),
      })));
    };
    // `export { a, B }`, `export default B`, and CommonJS `module.exports = { a, B }` / `exports.a = fn`.
    const recordLocal = (exported: string, node: TSESTree.Node) => {
      const target = unwrap(node);
      if (isFunction(target)) return record(exported, target);
      if (target.type !== 'Identifier') return recordMembers(exported, target);
      const cls = this.classes.find((c) => c.id?.name === target.name);
      if (cls) return recordClass(exported, cls);
      const fn = this.functions.find((f) => f.type === 'FunctionDeclaration' && f.id?.name === target.name);
      if (fn) return record(exported, fn);
      const decl = this.declaratorIn(target.name, this.program);
      if (decl?.init && isFunction(unwrap(decl.init))) record(exported, unwrap(decl.init) as FunctionLike);
      else if (decl?.init && decl.id.type === 'Identifier') recordMembers(exported, decl.id);
    };
    // An exported instance (`export const eventBus = new EventBus()`) or object of methods: callers
    // in other files call its methods by the export's name (`eventBus.publish`).
    const recordMembers = (exported: string, node: TSESTree.Node) => {
      const target = unwrap(node);
      if (target.type === 'ObjectExpression') {
        for (const prop of target.properties) {
          if (prop.type !== 'Property') continue;
          const key = keyName(prop.key);
          const value = unwrap(prop.value);
          if (key && isFunction(value)) record(`${exported}.${key}`, value);
        }
        return;
      }
      if (target.type === 'Identifier') {
        const decl = this.declaratorIn(target.name, this.program);
        const init = decl?.init ? unwrap(decl.init) : null;
        if (init?.type === 'ObjectExpression') return recordMembers(exported, init);
      }
      const className = this.classNameOf(target);
      if (!className) return;
      const cls = this.classes.find((c) => c.id?.name === className);
      if (cls) return recordClass(exported, cls);
      const binding = this.imports.get(className);
      if (!binding?.module.startsWith('.') || !this.options.importedMembers) return;
      const members = this.options.importedMembers(binding.module, this.path, binding.path.length ? binding.path : ['default']);
      for (const [method, effects] of members) out.set(`${exported}.${method}`, effects);
    };
    for (const statement of this.program.body) {
      const isDefault = statement.type === 'ExportDefaultDeclaration';
      const decl = statement.type === 'ExportNamedDeclaration' || isDefault ? statement.declaration : null;
      if (!decl) continue;
      if (decl.type === 'FunctionDeclaration') record(isDefault ? 'default' : decl.id?.name ?? 'default', decl);
      if (decl.type === 'VariableDeclaration') {
        for (const d of decl.declarations) {
          if (d.id.type !== 'Identifier' || !d.init) continue;
          if (isFunction(unwrap(d.init))) record(d.id.name, unwrap(d.init) as FunctionLike);
          else recordMembers(d.id.name, d.id);
        }
      }
      if (decl.type === 'ClassDeclaration') recordClass(isDefault ? 'default' : decl.id?.name ?? 'default', decl);
      if (isDefault && (decl.type === 'NewExpression' || decl.type === 'ObjectExpression' || decl.type === 'TSAsExpression')) recordMembers('default', decl);
    }
    for (const statement of this.program.body) {
      if (statement.type === 'ExportNamedDeclaration' && !statement.declaration && !statement.source) {
        for (const spec of statement.specifiers) {
          const exported = keyName(spec.exported);
          if (exported) recordLocal(exported, spec.local);
        }
      }
      if (statement.type === 'ExportDefaultDeclaration' && statement.declaration.type === 'Identifier') recordLocal('default', statement.declaration);
      if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression') {
        const { left, right } = statement.expression;
        const target = this.text.slice(left.range[0], left.range[1]).replace(/\s+/g, '');
        const value = unwrap(right);
        if (target === 'module.exports' && value.type === 'ObjectExpression') {
          for (const prop of value.properties) {
            const key = prop.type === 'Property' ? keyName(prop.key) : null;
            if (key && prop.type === 'Property') recordLocal(key, prop.value);
          }
        } else if (target === 'module.exports') {
          recordLocal('default', value);
        } else {
          const named = /^(?:module\.)?exports\.(\w+)$/.exec(target);
          if (named) recordLocal(named[1]!, value);
        }
      }
    }
    return out;

    function recordClass(name: string, cls: TSESTree.ClassDeclaration | TSESTree.ClassExpression) {
      for (const member of cls.body.body) {
        if (member.type === 'MethodDefinition' && member.kind === 'method') {
          const key = keyName(member.key);
          if (key) record(`${name}.${key}`, member.value as FunctionLike);
        }
      }
    }
  }
}

/** A parameter or binding pattern that declares `name` anywhere in it (defaults, nesting, rest). */
function bindsName(pattern: TSESTree.Node, name: string): boolean {
  switch (pattern.type) {
    case 'Identifier': return pattern.name === name;
    case 'AssignmentPattern': return bindsName(pattern.left, name);
    case 'RestElement': return bindsName(pattern.argument, name);
    case 'TSParameterProperty': return bindsName(pattern.parameter, name);
    case 'ArrayPattern': return pattern.elements.some((e) => e !== null && bindsName(e, name));
    case 'ObjectPattern': return pattern.properties.some((p) => (p.type === 'RestElement' ? bindsName(p, name) : bindsName(p.value, name)));
    default: return false;
  }
}

function moduleKey(ref: ModuleRef): string {
  return `${ref.module}#${ref.path.join('.')}`;
}

function qualifiedName(name: TSESTree.EntityName): string[] | null {
  if (name.type === 'Identifier') return [name.name];
  if (name.type === 'TSQualifiedName') {
    const left = qualifiedName(name.left);
    return left ? [...left, name.right.name] : null;
  }
  return null;
}

function typeName(type: TSESTree.TypeNode): string | null {
  if (type.type !== 'TSTypeReference') return null;
  const names = qualifiedName(type.typeName);
  return names ? names[names.length - 1]! : null;
}

function paramTypeAnnotation(param: TSESTree.Node): TSESTree.TypeNode | null {
  if (param.type === 'Identifier') return param.typeAnnotation?.typeAnnotation ?? null;
  if (param.type === 'AssignmentPattern') return paramTypeAnnotation(param.left);
  if (param.type === 'TSParameterProperty') return paramTypeAnnotation(param.parameter);
  return null;
}

function stringLiteral(node: TSESTree.Node | undefined): string | null {
  return node && node.type === 'Literal' && typeof node.value === 'string' ? node.value : null;
}

/** An entity class argument (`Order`, `Order.name`, `'orders'`). */
function entityName(node: TSESTree.Node | undefined): string | null {
  if (!node) return null;
  if (node.type === 'Identifier') return /^[A-Z]/.test(node.name) ? node.name : null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'MemberExpression' && node.object.type === 'Identifier' && propertyName(node) === 'name') return node.object.name;
  return null;
}

function firstArrayElement(node: TSESTree.Node | null): TSESTree.Node | undefined {
  if (!node) return undefined;
  const target = unwrap(node);
  return target.type === 'ArrayExpression' ? (target.elements[0] as TSESTree.Node | null) ?? undefined : undefined;
}

const WRITE_SQL = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(insert|update|delete|merge|upsert|replace)\b/i;
const CTE_WRITE_SQL = /^\s*with\b[\s\S]*\b(insert\s+into|update\s+\w|delete\s+from)\b/i;

export function isWriteSql(sql: string): boolean {
  return WRITE_SQL.test(sql) || CTE_WRITE_SQL.test(sql);
}

export function sqlTarget(sql: string): string | null {
  const match = /\b(?:insert\s+(?:ignore\s+)?into|update|delete\s+from|merge\s+into|replace\s+into|upsert\s+into)\s+(?:only\s+)?["`[]?([\w.]+)/i.exec(sql);
  return match ? match[1]!.split('.').pop()! : null;
}
