// rules.md rule 44: one channel carries unrelated event types (producers publishing several type
// discriminators to one channel, or a consumer dispatching on the message type) instead of one
// Datatype Channel per event type.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { contains, propertyName, unwrap } from '../../src/code/ast.js';
import { findHandlers, type Handler } from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
import { isPropertyName, objectLiteralOf, originOf, stringOf, walk } from '../../src/code/value-flow.js';
import { compiledPatterns, type Pattern } from '../../src/config/patterns.js';
import { createCodeRule, type CodeRuleContext } from '../../src/review/rule.js';

export default createCodeRule({
  meta: {
    id: 'multi-type-channel',
    kind: 'code',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: ['R6'],
    antiPattern: 'multi-type-channel',
    // review-output.md §8.1 lists this rule under no failure mode; a signal here would change the walk.
    failureModes: [],
    pattern: 'Datatype Channel',
    // The producer side groups typed publishes of every analysed file by channel.
    crossFile: true,
    description: 'One channel carries several unrelated event types instead of one Datatype Channel per type.',
    messages: {
      multiType:
        'Channel {channel} carries {n} event types ({types}) at {loc}. Use one Datatype Channel per event type ' +
        '(e.g. {suggestion}), or document the ordered-lifecycle exception in the contract.',
    },
  },
  create(context) {
    const dlq = compiledPatterns(context.config).dlqChannel;
    // Two scopes on purpose: the Repository:exit closure outlives the file and must not share a
    // scope that holds its model (V8 keeps a scope alive for every closure created in it).
    return { 'Repository:exit': producerSide(context, dlq), ...consumerSide(context) };
  },
});

/**
 * rules.md rule 44 step 1: the typed publishes of every analysed file grouped by channel, reported
 * once per channel, at its first site in a changed file.
 */
function producerSide(context: CodeRuleContext<'multiType'>, dlq: Pattern): () => void {
  return () => {
    const index = context.crossFile;
    if (!index) return;
    const own = new Set(index.publishesIn(context.path).map((site) => site.channel));
    for (const channel of own) {
      if (dlq.test(channel)) continue;
      const sites = index.publishesTo(channel);
      const types = unique(sites.map((s) => s.eventType));
      if (types.length < 2) continue;
      const first = sites.find((s) => s.reported);
      if (first?.path !== context.path) continue;
      context.report({
        loc: first.loc,
        anchor: `producer|${channel}`,
        messageId: 'multiType',
        data: summary(channel, types, `${first.path}:${first.line}`),
        variant: 'producer',
        severity: related(types) ? 'Suggestion' : 'Important',
        channel,
        related: sites.filter((s) => s !== first).map((s) => ({ path: s.path, line: s.line, note: `publishes ${s.eventType}` })),
      });
    }
  };
}

/** rules.md rule 44 step 2: a handler dispatching on the message type with three or more cases. */
function consumerSide(context: CodeRuleContext<'multiType'>) {
  const { model } = context;
  return {
    'Program:exit'() {
      for (const handler of findHandlers(model)) {
        const dispatch = dispatchIn(model, handler);
        if (!dispatch || dispatch.types.length < 3) continue;
        const channel = handler.channel ?? 'subscribed by this handler';
        context.report({
          node: dispatch.node,
          messageId: 'multiType',
          data: summary(handler.channel ?? '(unresolved)', dispatch.types, `${context.path}:${model.line(dispatch.node)}`),
          variant: 'consumer',
          severity: related(dispatch.types) ? 'Suggestion' : 'Important',
          precision: handler.via === 'binding' ? 'Medium' : 'Heuristic',
          ...(handler.channel ? { channel: handler.channel } : {}),
          anchor: `consumer|${channel}|${model.regionOf(dispatch.node).name}`,
        });
      }
    },
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function summary(channel: string, types: string[], loc: string): Record<string, string | number> {
  const suggestion = types.slice(0, 3).map((t) => `${segments(t).join('.')}.v1`).join(', ');
  return { channel, n: types.length, types: types.join(', '), loc, suggestion };
}

/** Type segments: split on `.`, `_`, `-` and camelCase (`OrderCreated` is `order` + `created`). */
function segments(type: string): string[] {
  return type
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[._\-\s]+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
}

/** rules.md rule 44 step 3: all types share their first segment (one aggregate's lifecycle). */
function related(types: string[]): boolean {
  const heads = new Set(types.map((t) => segments(t)[0] ?? t));
  return heads.size === 1;
}

// ---------------------------------------------------------------- consumer side

interface Dispatch {
  node: TSESTree.Node;
  types: string[];
}

const TYPE_PROPS = new Set(['type', 'eventType', 'event_type']);
const TYPE_HEADERS = new Set(['event-type', 'type', 'ce-type', 'ce_type', 'eventType', 'x-event-type']);
/** Containers between the message value and its type field (`event.data.type`, `msg.headers['type']`). */
const ENVELOPE_PARTS = new Set(['data', 'payload', 'body', 'headers', 'attributes', 'properties', 'metadata', 'meta', 'value']);

/** The first type dispatch in the handler or the local helpers it calls, with its string cases. */
function dispatchIn(model: CodeModel, handler: Handler): Dispatch | null {
  const roots: { root: TSESTree.Node; fromMessage: (node: TSESTree.Node) => boolean }[] = [
    { root: handler.fn?.body ?? handler.root, fromMessage: (n) => derivesFromMessage(model, n, handler.messageNames, 0) },
  ];
  for (const call of model.calls) {
    if (!contains(handler.root, call)) continue;
    const fn = model.calleeFunction(call);
    if (!fn || contains(fn, handler.root) || contains(handler.root, fn)) continue;
    const args = call.type === 'CallExpression' ? call.arguments : [];
    const passed = args.map((a) => derivesFromMessage(model, a, handler.messageNames, 0));
    if (!passed.some(Boolean)) continue;
    const params = new Set<string>();
    fn.params.forEach((p, i) => {
      if (passed[i] && p.type === 'Identifier') params.add(p.name);
    });
    roots.push({ root: fn.body, fromMessage: (n) => derivesFromMessage(model, n, params, 0) });
  }
  for (const { root, fromMessage } of roots) {
    const found = switchDispatch(model, root, fromMessage) ?? ifChainDispatch(model, root, fromMessage) ?? mapDispatch(model, root, fromMessage);
    if (found) return found;
  }
  return null;
}

/** `<msg>.type`, `<msg>.data.eventType`, `<msg>.headers['event-type']`, with `.toString()` looked through. */
function typeExpression(model: CodeModel, node: TSESTree.Node): TSESTree.Node | null {
  let target = unwrap(node);
  if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression' && propertyName(target.callee) === 'toString') {
    target = unwrap(target.callee.object);
  }
  if (target.type === 'Identifier') {
    const origin = originOf(model, target);
    if (origin.kind === 'destructured' && origin.path.length === 1 && TYPE_PROPS.has(String(origin.path[0]))) return origin.init;
    if (origin.kind === 'expr' && origin.node !== target) return typeExpression(model, origin.node) ? origin.node : null;
    return null;
  }
  if (target.type !== 'MemberExpression') return null;
  const name = propertyName(target) ?? (target.computed ? stringOf(model, target.property) : null);
  if (!name) return null;
  const isType = TYPE_PROPS.has(name) || TYPE_HEADERS.has(name);
  if (!isType) return null;
  // Only envelope containers may sit between the message and the type field (`msg.properties.headers`);
  // `event.payment.method.type` is a domain field, not the message type.
  let object = unwrap(target.object);
  for (let depth = 0; object.type === 'MemberExpression'; depth++) {
    const container = propertyName(object);
    if (depth >= 2 || !container || !ENVELOPE_PARTS.has(container)) return null;
    object = unwrap(object.object);
  }
  return target;
}

function derivesFromMessage(model: CodeModel, node: TSESTree.Node, names: Set<string>, depth: number): boolean {
  if (depth > 3) return false;
  let found = false;
  walk(node, (inner) => {
    if (found) return false;
    if (inner.type === 'Identifier' && !isPropertyName(inner)) {
      if (names.has(inner.name)) found = true;
      else {
        const origin = originOf(model, inner);
        if (origin.kind === 'expr' && origin.node !== inner && !contains(origin.node, inner) && derivesFromMessage(model, origin.node, names, depth + 1)) found = true;
        if (origin.kind === 'destructured' && derivesFromMessage(model, origin.init, names, depth + 1)) found = true;
      }
    }
    return true;
  });
  return found;
}

function switchDispatch(model: CodeModel, root: TSESTree.Node, fromMessage: (n: TSESTree.Node) => boolean): Dispatch | null {
  let out: Dispatch | null = null;
  walk(root, (node) => {
    if (out) return false;
    if (node.type !== 'SwitchStatement') return true;
    const typeNode = typeExpression(model, node.discriminant);
    if (!typeNode || !fromMessage(typeNode)) return true;
    const types = unique(node.cases.map((c) => (c.test ? stringOf(model, c.test) : null)).filter((t): t is string => t !== null));
    if (types.length >= 3) out = { node: node.discriminant, types };
    return true;
  });
  return out;
}

function ifChainDispatch(model: CodeModel, root: TSESTree.Node, fromMessage: (n: TSESTree.Node) => boolean): Dispatch | null {
  const byDiscriminant = new Map<string, { node: TSESTree.Node; types: string[] }>();
  walk(root, (node) => {
    if (node.type !== 'BinaryExpression' || (node.operator !== '===' && node.operator !== '==')) return true;
    const pairs: [TSESTree.Node, TSESTree.Node][] = [[node.left, node.right], [node.right, node.left]];
    for (const [side, other] of pairs) {
      const literal = stringOf(model, other);
      const typeNode = literal !== null ? typeExpression(model, side) : null;
      if (!typeNode || !fromMessage(typeNode)) continue;
      const key = model.text.slice(side.range[0], side.range[1]).replace(/\s+/g, '');
      const entry = byDiscriminant.get(key) ?? { node: side, types: [] };
      if (!entry.types.includes(literal!)) entry.types.push(literal!);
      byDiscriminant.set(key, entry);
      break;
    }
    return true;
  });
  for (const entry of byDiscriminant.values()) if (entry.types.length >= 3) return entry;
  return null;
}

/** `handlers[event.type](event)`: a lookup keyed by the type in an object literal of handlers. */
function mapDispatch(model: CodeModel, root: TSESTree.Node, fromMessage: (n: TSESTree.Node) => boolean): Dispatch | null {
  let out: Dispatch | null = null;
  walk(root, (node) => {
    if (out) return false;
    if (node.type !== 'MemberExpression' || !node.computed) return true;
    const typeNode = typeExpression(model, node.property);
    if (!typeNode || !fromMessage(typeNode)) return true;
    const table = objectLiteralOf(model, node.object);
    if (!table) return true;
    const types = table.properties
      .map((p) => (p.type === 'Property' ? (p.computed ? stringOf(model, p.key) : p.key.type === 'Literal' ? String(p.key.value) : p.key.type === 'Identifier' ? p.key.name : null) : null))
      .filter((t): t is string => t !== null);
    if (types.length >= 3) out = { node: node.property, types: unique(types) };
    return true;
  });
  return out;
}
