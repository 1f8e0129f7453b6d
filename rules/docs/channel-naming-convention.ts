// rules.md rule 50: channel names are semantic, versioned and carry one event type (Datatype
// Channel). One finding per name and feature, at its most authoritative spelling, so a bad name
// repeated in five documents is one thing to fix.
import { readAsyncApi } from '../../src/artifacts/asyncapi.js';
import {
  GENERIC_CHANNEL_NAMES,
  boundaryContracts,
  isChannelName,
  isDerivedChannel,
  readmeChannels,
} from '../../src/artifacts/channel-sets.js';
import type { Feature } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { RelatedLocation } from '../../src/review/types.js';

const TEMPLATE = 'Channel {name} in {file}: {problem}. Use one semantic, versioned channel per event type, e.g. {example}.';

const messages = {
  grammar: TEMPLATE,
  generic: TEMPLATE,
  multipleMessages: TEMPLATE,
  exampleType: TEMPLATE,
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'channel-naming-convention',
    kind: 'docs',
    severity: 'Suggestion',
    precision: 'High',
    systemTag: false,
    checklist: ['R6'],
    antiPattern: 'one channel with many event types',
    failureModes: [],
    pattern: 'Datatype Channel',
    description: 'Channel names are semantic, versioned and carry one event type (orders.placed.v1, not events).',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const feature of context.model.features.values()) checkFeature(context, feature);
      },
    };
  },
});

interface Occurrence {
  name: string;
  path: string;
  line: number;
  where: string;
}

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature): void {
  // Contract file, AsyncAPI address, design bullet, README entry: the order in which a reader
  // would fix the name, and so where the finding goes.
  const occurrences: Occurrence[] = [];
  for (const [channel, contract] of feature.contracts) occurrences.push({ name: channel, path: contract.path, line: 1, where: 'contract file name' });
  for (const artifact of feature.asyncapi.values()) {
    for (const ch of readAsyncApi(artifact, context.model).channels) {
      if (ch.address) occurrences.push({ name: ch.address, path: artifact.path, line: ch.addressLine ?? ch.line, where: 'AsyncAPI address' });
    }
  }
  if (feature.design) {
    for (const e of boundaryContracts(feature.design).entries) occurrences.push({ name: e.channel, path: feature.design.path, line: e.line, where: 'design' });
  }
  if (feature.readme) {
    for (const e of readmeChannels(feature.readme).entries) occurrences.push({ name: e.channel, path: feature.readme.path, line: e.line, where: 'README' });
  }

  const byName = new Map<string, Occurrence[]>();
  for (const o of occurrences) byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
  for (const [name, list] of byName) {
    const problem = nameProblem(name);
    if (!problem) continue;
    const [first, ...rest] = list;
    const related: RelatedLocation[] = rest.map((o) => ({ path: o.path, line: o.line, note: `${o.where} uses the same name` }));
    context.report({
      messageId: problem.generic ? 'generic' : 'grammar',
      data: { name: `\`${name}\``, file: first.path, problem: problem.text, example: `\`${exampleFor(name)}\`` },
      loc: { path: first.path, startLine: first.line },
      anchor: `channel name | ${name}`,
      severity: problem.generic ? 'Important' : 'Suggestion',
      variant: problem.generic ? 'generic' : 'grammar',
      channel: name,
      feature: feature.slug,
      ...(related.length > 0 ? { related } : {}),
    });
  }

  // Steps 3 and 4 read the AsyncAPI channels themselves.
  for (const artifact of feature.asyncapi.values()) {
    for (const ch of readAsyncApi(artifact, context.model).channels) {
      const name = ch.address ?? ch.id;
      if (ch.messages.length > 1) {
        context.report({
          messageId: 'multipleMessages',
          data: {
            name: `\`${name}\``,
            file: artifact.path,
            problem: `the channel carries ${ch.messages.length} message types (${ch.messages.map((m) => `\`${m.id}\``).join(', ')}); a Datatype Channel carries one`,
            example: `\`${exampleFor(name)}\``,
          },
          loc: { path: artifact.path, startLine: ch.messagesLine ?? ch.line },
          anchor: `channel messages | ${name} | ${ch.messages.map((m) => m.id).sort().join(',')}`,
          severity: 'Important',
          variant: 'multiple-messages',
          channel: name,
          feature: feature.slug,
        });
      }
      const version = /\.(v\d+)$/.exec(name)?.[1];
      if (!version) continue;
      for (const message of ch.messages) {
        for (const example of message.examples) {
          const envelope = example.headers?.type !== undefined ? 'headers' : example.payload?.specversion !== undefined ? 'payload' : null;
          const type = envelope ? (envelope === 'headers' ? example.headers!.type : example.payload!.type) : undefined;
          if (typeof type !== 'string' || type.endsWith(`.${version}`)) continue;
          const line = example.lineOf(envelope!, 'type') ?? message.line;
          context.report({
            messageId: 'exampleType',
            data: {
              name: `\`${name}\``,
              file: example.at.artifact.path,
              problem: `the example's CloudEvents type \`${type}\` does not end with the channel version \`.${version}\``,
              example: `\`${type.replace(/\.v\d+$/, '')}.${version}\``,
            },
            loc: { path: example.at.artifact.path, startLine: line },
            anchor: `example type | ${name} | ${type}`,
            severity: 'Suggestion',
            variant: 'example-type',
            channel: name,
            feature: feature.slug,
          });
        }
      }
    }
  }
}

function nameProblem(name: string): { generic: boolean; text: string } | null {
  if (GENERIC_CHANNEL_NAMES.has(name.toLowerCase())) return { generic: true, text: 'the name is generic and says nothing about the event it carries' };
  if (!name.includes('.')) return { generic: true, text: 'the name is a single segment, with no domain, event or version' };
  if (isChannelName(name) || isDerivedChannel(name)) return null;
  const reasons: string[] = [];
  if (!/\.v[1-9][0-9]*$/.test(name)) reasons.push('it has no `.vN` version suffix');
  if (/[A-Z]/.test(name)) reasons.push('it has upper-case letters');
  if (/[^a-zA-Z0-9._-]/.test(name)) reasons.push('it has characters other than letters, digits, `.`, `-` and `_`');
  if (reasons.length === 0) reasons.push('its segments do not follow `<domain>.<event>.v<N>` (lower-case words, each starting with a letter)');
  return { generic: false, text: `the name does not follow the channel grammar: ${reasons.join(', ')}` };
}

/**
 * A grammar-conforming spelling of a dotted name (`Orders.Placed` → `orders.placed.v1`); a generic or
 * single-segment name says too little to respell, so it gets the canonical example.
 */
function exampleFor(name: string): string {
  if (!name.includes('.') || GENERIC_CHANNEL_NAMES.has(name.toLowerCase())) return 'orders.placed.v1';
  const segments = name
    .replace(/\.v\d+$/i, '')
    .toLowerCase()
    .split('.')
    .map((s) => s.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(Boolean);
  const version = /\.v([1-9][0-9]*)$/i.exec(name)?.[1] ?? '1';
  const candidate = `${segments.join('.')}.v${version}`;
  return isChannelName(candidate) ? candidate : 'orders.placed.v1';
}
