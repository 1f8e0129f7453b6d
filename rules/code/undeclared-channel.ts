// rules.md rule 13: code publishes to or consumes from a channel no contract declares. A name one or
// two edits away from a declared channel (or another version of it) is almost always a typo that
// silently sends events nowhere, so it is Critical.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { objectProperty, propertyName, unwrap } from '../../src/code/ast.js';
import { findHandlers } from '../../src/code/handlers.js';
import type { CodeModel } from '../../src/code/model.js';
import { baseOfDerived, nearestChannel } from '../../src/artifacts/channel-sets.js';
import { compiledPatterns } from '../../src/config/patterns.js';
import { createCodeRule, type DeclaredChannels } from '../../src/review/rule.js';
import { resolveRuleSettings } from '../../src/review/rule-settings.js';
import { matchesWildcard } from '../../src/review/glob.js';

const ADD = 'Add docs/features/<slug>/contracts/{file}.md with its schema and AsyncAPI file (via the producer feature), or use the declared channel.';

const messages = {
  undeclared: `Undeclared channel {name} at {loc}: no contract exists for it{hint}. ${ADD}`,
  unmatchedPattern:
    'Undeclared channel pattern {name} at {loc}: the subscription matches no channel a contract declares. ' +
    'Subscribe to declared channels, or add the contracts of the channels it is meant to read.',
};

interface Use {
  node: TSESTree.Node;
  kind: 'publish' | 'consume';
  name?: string;
  pattern?: RegExp;
}

export default createCodeRule({
  meta: {
    id: 'undeclared-channel',
    kind: 'code',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R6'],
    failureModes: [],
    description: 'Code publishes to or consumes from a channel that no contract declares; near-miss names are Critical.',
    messages,
  },
  create(context) {
    const declared = context.declaredChannels;
    // Without the repository's docs listing there is nothing to compare with (single-file runs).
    if (!declared) return {};
    const { model, config } = context;
    const envPrefix = compiledPatterns(config).envPrefix;
    const ignore = resolveRuleSettings(config, 'undeclared-channel').ignore;
    return {
      'Program:exit'() {
        const seen = new Set<string>();
        for (const use of channelUses(model, config.treatJobQueuesAsChannels)) {
          const loc = `${context.path}:${use.node.loc.start.line}`;
          if (use.pattern) {
            const key = `${loc} ${use.pattern.source}`;
            if (seen.has(key) || [...declared.keys()].some((c) => use.pattern!.test(c))) continue;
            seen.add(key);
            context.report({
              node: use.node,
              messageId: 'unmatchedPattern',
              data: { name: `/${use.pattern.source}/`, loc },
              variant: 'pattern',
            });
            continue;
          }
          const name = envPrefix.strip(use.name!);
          const key = `${loc} ${name}`;
          if (!name || seen.has(key) || isDeclared(name, declared) || ignore.some((pattern) => matchesWildcard(name, pattern))) continue;
          seen.add(key);
          const near = nearestChannel(name, declared.keys());
          const owner = near ? declared.get(near) : undefined;
          context.report({
            node: use.node,
            messageId: 'undeclared',
            data: {
              name: `\`${name}\``,
              // The path is prose, not code: the channel's name sits in it bare.
              file: name,
              loc,
              hint: near ? ` (did you mean \`${near}\`, declared in ${owner?.path ?? 'a contract'}?)` : '',
            },
            severity: near ? 'Critical' : 'Important',
            variant: near ? 'near-miss' : 'undeclared',
            channel: name,
            ...(owner ? { feature: owner.feature, related: [{ path: owner.path, line: 1, note: `declares ${near}` }] } : {}),
          });
        }
      },
    };
  },
});

/** Declared directly, or derived from a declared channel (`<channel>.dlq`: contracts name their DLQs). */
function isDeclared(name: string, declared: DeclaredChannels): boolean {
  if (declared.has(name)) return true;
  const base = baseOfDerived(name);
  return base !== null && declared.has(base);
}

function channelUses(model: CodeModel, jobQueues: boolean): Use[] {
  const uses: Use[] = [];
  for (const call of model.calls) {
    for (const effect of model.effectsOf(call)) {
      // A helper's publish is reported where the helper publishes, not at every caller.
      if (effect.kind !== 'publish' || effect.via === 'summary' || !effect.channel) continue;
      if (effect.library === 'bullmq' && !jobQueues) continue;
      uses.push({ node: effect.call, kind: 'publish', name: effect.channel });
    }
    uses.push(...kafkaSubscriptions(model, call));
  }
  for (const handler of findHandlers(model)) {
    if (handler.library === 'kafkajs' || !handler.channel) continue;
    if (handler.library === 'bullmq' && !jobQueues) continue;
    uses.push({ node: handler.registration, kind: 'consume', name: handler.channel });
  }
  return uses.sort((a, b) => a.node.range[0] - b.node.range[0]);
}

/** kafkajs `consumer.subscribe({ topic })` / `{ topics: [...] }`, regular expressions included. */
function kafkaSubscriptions(model: CodeModel, call: CodeModel['calls'][number]): Use[] {
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || propertyName(call.callee) !== 'subscribe') return [];
  if (model.roleOf(call.callee.object)?.role !== 'kafka.consumer') return [];
  const options = call.arguments[0];
  const nodes: TSESTree.Node[] = [];
  const topic = objectProperty(options, 'topic');
  if (topic) nodes.push(topic);
  const topics = objectProperty(options, 'topics');
  if (topics && unwrap(topics).type === 'ArrayExpression') {
    for (const element of (unwrap(topics) as TSESTree.ArrayExpression).elements) if (element && element.type !== 'SpreadElement') nodes.push(element);
  }
  const out: Use[] = [];
  for (const node of nodes) {
    const target = unwrap(node);
    if (target.type === 'Literal' && 'regex' in target && target.regex) {
      try {
        out.push({ node: call, kind: 'consume', pattern: new RegExp(target.regex.pattern, target.regex.flags.replace(/[gy]/g, '')) });
      } catch {
        // An invalid literal cannot subscribe to anything; the compiler reports it.
      }
      continue;
    }
    const name = model.channelValue(node);
    if (name) out.push({ node: call, kind: 'consume', name });
  }
  return out;
}
