// rules.md rule 7: one channel has one spelling in the design, the contract (file name, H1, Summary),
// the AsyncAPI address and the README. The contract file basename is the reference spelling; a
// near-miss pair of unmatched names is one mismatch, reported where the name differs (CHANGES.md 4).
import { readAsyncApi } from '../../src/artifacts/asyncapi.js';
import {
  boundaryContracts,
  contractTitleChannel,
  isNearMiss,
  nearestChannel,
  readmeChannels,
  withoutVersion,
} from '../../src/artifacts/channel-sets.js';
import { classifyPath } from '../../src/artifacts/classify.js';
import { findField, findSection, sectionFields } from '../../src/artifacts/markdown.js';
import type { Feature } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { RelatedLocation } from '../../src/review/types.js';

const TAIL = ' Design, contract, AsyncAPI, schema and README must use one channel name.';

const messages = {
  titleMismatch: `Channel name mismatch in {feature}: the contract H1 says {name1} but the contract file name says {name2}{hint}.${TAIL}`,
  summaryMismatch: `Channel name mismatch in {feature}: the contract Summary Channel says {name1} but the contract file name says {name2}{hint}.${TAIL}`,
  addressMismatch: `Channel name mismatch in {feature}: the AsyncAPI address says {name1} but the AsyncAPI file name says {name2}{hint}.${TAIL}`,
  addressCount: `Channel name mismatch in {feature}: {file} declares {count} channel addresses ({names}) but its file name says {name2}; an AsyncAPI file describes exactly one channel.${TAIL}`,
  designPair: `Channel name mismatch in {feature}: design Boundary contracts says {name1} but the contract file says {name2}{hint}.${TAIL}`,
  designWithoutContract: `Channel name mismatch in {feature}: design Boundary contracts says {name1} (produced) but no contract file of {feature} says it{hint}.${TAIL}`,
  contractNotInDesign: `Channel name mismatch in {feature}: contract file says {name2} but design Boundary contracts does not list it.${TAIL}`,
  consumedWithoutContract: `Channel name mismatch in {feature}: {where1} says {name1} (consumed) but no feature has a contract for it{hint}.${TAIL}`,
  readmePair: `Channel name mismatch in {feature}: README Channels owned says {name1} but the contract file says {name2}{hint}.${TAIL}`,
  readmeWithoutContract: `Channel name mismatch in {feature}: README Channels owned says {name1} ({role}) but no contract file of {feature} says it{hint}.${TAIL}`,
  contractNotInReadme: `Channel name mismatch in {feature}: contract file says {name2} but README Channels owned does not list it as produced.${TAIL}`,
};
type MessageId = keyof typeof messages;

/**
 * Optional engine input for the code cross-check (see docs/rules/channel-name-mismatch.md): channel
 * names that changed code publishes to or consumes from. When present, a finding whose deviating
 * spelling is the one the code uses names those call sites in `related`.
 */
export interface CodeChannelUse {
  channel: string;
  path: string;
  line: number;
  kind: 'publish' | 'consume';
}

export default createDocsRule({
  meta: {
    id: 'channel-name-mismatch',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R6'],
    failureModes: [],
    description: 'One channel has one spelling in the design, the contract, the AsyncAPI file and the README.',
    messages,
  },
  create(context) {
    return {
      check() {
        const contractsAnywhere = contractChannelsInTree(context);
        for (const feature of context.model.features.values()) checkFeature(context, feature, contractsAnywhere);
      },
    };
  },
});

/** Channel → feature of every contract path of this side's tree (features outside the review too). */
function contractChannelsInTree(context: DocsRuleContext<MessageId>): Map<string, string> {
  const out = new Map<string, string>();
  for (const path of context.model.paths) {
    const c = classifyPath(path);
    if (c?.channel && (c.type === 'contract' || c.type === 'legacy-contract') && !out.has(c.channel)) out.set(c.channel, c.slug ?? '');
  }
  return out;
}

interface Report {
  messageId: MessageId;
  path: string;
  line: number;
  name1: string;
  name2?: string;
  extra?: Record<string, string | number>;
  hint?: string;
  channel: string;
}

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature, contractsAnywhere: Map<string, string>): void {
  const codeUses = (context as unknown as { codeChannels?: readonly CodeChannelUse[] }).codeChannels ?? [];
  const cf = [...feature.contracts.keys()];
  const report = (r: Report) => {
    const related: RelatedLocation[] = codeUses
      .filter((u) => u.channel === r.name1)
      .map((u) => ({ path: u.path, line: u.line, note: `code ${u.kind === 'publish' ? 'publishes to' : 'consumes'} ${u.channel}` }));
    context.report({
      messageId: r.messageId,
      data: { feature: feature.slug, name1: `\`${r.name1}\``, name2: r.name2 ? `\`${r.name2}\`` : '', hint: r.hint ?? '', ...(r.extra ?? {}) },
      loc: { path: r.path, startLine: r.line },
      anchor: `channel-name | ${r.messageId} | ${r.name1} | ${r.name2 ?? ''}`,
      channel: r.channel,
      feature: feature.slug,
      ...(related.length > 0 ? { related } : {}),
    });
  };
  const didYouMean = (name: string, candidates: Iterable<string>) => {
    const near = nearestChannel(name, candidates);
    return near ? ` (did you mean \`${near}\`?)` : '';
  };

  // Step 1.
  for (const [channel, contract] of feature.contracts) {
    const title = contractTitleChannel(contract.doc);
    if (title && title.channel !== channel) {
      report({ messageId: 'titleMismatch', path: contract.path, line: title.line, name1: title.channel, name2: channel, channel, hint: nearHint(title.channel, channel) });
    }
    const summary = findSection(contract.doc, 'summary');
    const field = summary ? findField(sectionFields(summary, true), 'Channel') : undefined;
    if (field && field.normalized !== '' && field.normalized !== channel) {
      report({ messageId: 'summaryMismatch', path: contract.path, line: field.line, name1: field.normalized, name2: channel, channel, hint: nearHint(field.normalized, channel) });
    }
  }

  // Step 2.
  for (const [channel, artifact] of feature.asyncapi) {
    const doc = readAsyncApi(artifact, context.model);
    const addresses = doc.channels.filter((c) => c.address !== null);
    if (addresses.length === 1) {
      const only = addresses[0];
      if (only.address !== channel) {
        report({ messageId: 'addressMismatch', path: artifact.path, line: only.addressLine ?? only.line, name1: only.address!, name2: channel, channel, hint: nearHint(only.address!, channel) });
      }
    } else if (doc.channels.length > 0 || doc.channelsLine !== null) {
      report({
        messageId: 'addressCount',
        path: artifact.path,
        line: doc.channelsLine ?? 1,
        name1: addresses.map((a) => a.address).join(', '),
        name2: channel,
        channel,
        extra: { file: artifact.path, count: addresses.length, names: addresses.map((a) => `\`${a.address}\``).join(', ') || 'none' },
      });
    } else {
      report({ messageId: 'addressCount', path: artifact.path, line: 1, name1: '', name2: channel, channel, extra: { file: artifact.path, count: 0, names: 'none' } });
    }
  }

  // Steps 3 and 4: the design's Boundary contracts.
  if (feature.design) {
    const { section, entries } = boundaryContracts(feature.design);
    if (section) {
      const designNames = new Set(entries.map((e) => e.channel));
      const produced = entries.filter((e) => !e.consumed && !feature.contracts.has(e.channel));
      const missing = cf.filter((c) => !designNames.has(c));
      const pairs = pairUp(produced.map((e) => e.channel), missing);
      for (const entry of produced) {
        const partner = pairs.get(entry.channel);
        const elsewhere = contractsAnywhere.get(entry.channel);
        if (partner !== undefined) {
          report({ messageId: 'designPair', path: feature.design.path, line: entry.line, name1: entry.channel, name2: partner, channel: partner, hint: nearHint(entry.channel, partner) });
        } else {
          const hint = elsewhere !== undefined && elsewhere !== feature.slug
            ? ` (feature ${elsewhere} owns its contract: mark the bullet \`(consumed)\`)`
            : didYouMean(entry.channel, cf);
          report({ messageId: 'designWithoutContract', path: feature.design.path, line: entry.line, name1: entry.channel, channel: entry.channel, hint });
        }
      }
      const paired = new Set(pairs.values());
      for (const channel of missing) {
        if (paired.has(channel)) continue;
        report({ messageId: 'contractNotInDesign', path: feature.design.path, line: section.line, name1: '', name2: channel, channel });
      }
      for (const entry of entries.filter((e) => e.consumed && !contractsAnywhere.has(e.channel))) {
        report({
          messageId: 'consumedWithoutContract',
          path: feature.design.path,
          line: entry.line,
          name1: entry.channel,
          channel: entry.channel,
          extra: { where1: 'design Boundary contracts' },
          hint: didYouMean(entry.channel, contractsAnywhere.keys()),
        });
      }
    }
  }

  // Steps 4 and 5: the README's Channels owned.
  if (feature.readme) {
    const { section, entries } = readmeChannels(feature.readme);
    if (section) {
      for (const entry of entries.filter((e) => e.role === 'consumed' && !contractsAnywhere.has(e.channel))) {
        report({
          messageId: 'consumedWithoutContract',
          path: feature.readme.path,
          line: entry.line,
          name1: entry.channel,
          channel: entry.channel,
          extra: { where1: 'README Channels owned' },
          hint: didYouMean(entry.channel, contractsAnywhere.keys()),
        });
      }
      const owned = entries.filter((e) => e.role === 'produced' || e.role === 'both');
      const ownedNames = new Set(owned.map((e) => e.channel));
      const listedAnyRole = new Set(entries.map((e) => e.channel));
      const unmatched = owned.filter((e) => !feature.contracts.has(e.channel));
      const missing = cf.filter((c) => !ownedNames.has(c));
      const pairs = pairUp(unmatched.map((e) => e.channel), missing.filter((c) => !listedAnyRole.has(c)));
      for (const entry of unmatched) {
        const partner = pairs.get(entry.channel);
        if (partner !== undefined) {
          report({ messageId: 'readmePair', path: feature.readme.path, line: entry.line, name1: entry.channel, name2: partner, channel: partner, hint: nearHint(entry.channel, partner) });
        } else {
          report({
            messageId: 'readmeWithoutContract',
            path: feature.readme.path,
            line: entry.line,
            name1: entry.channel,
            channel: entry.channel,
            extra: { role: entry.role ?? 'produced' },
            hint: didYouMean(entry.channel, cf),
          });
        }
      }
      const paired = new Set(pairs.values());
      for (const channel of missing) {
        if (paired.has(channel)) continue;
        report({ messageId: 'contractNotInReadme', path: feature.readme.path, line: section.line, name1: '', name2: channel, channel });
      }
    }
  }
}

function nearHint(name: string, reference: string): string {
  return isNearMiss(name, reference) ? ` (did you mean \`${reference}\`?)` : '';
}

/**
 * Pairs unmatched names with unmatched reference names so one misspelling gives one finding:
 * first strict near misses (edit distance 2 or less, or another version), then names that share
 * their first segment and version, then a single leftover on each side (the same channel spelt
 * two ways is the only plausible reading; the spec's own example differs by a whole word).
 */
function pairUp(names: string[], references: string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  const free = new Set(references);
  const take = (accept: (name: string, ref: string) => boolean) => {
    for (const name of names) {
      if (pairs.has(name)) continue;
      const ref = [...free].find((r) => accept(name, r));
      if (ref !== undefined) {
        pairs.set(name, ref);
        free.delete(ref);
      }
    }
  };
  take(isNearMiss);
  take((a, b) => a.split('.')[0] === b.split('.')[0] && /\.v\d+$/.test(a) && a.slice(withoutVersion(a).length) === b.slice(withoutVersion(b).length));
  const leftover = names.filter((n) => !pairs.has(n));
  if (leftover.length === 1 && free.size === 1) pairs.set(leftover[0], [...free][0]);
  return pairs;
}
