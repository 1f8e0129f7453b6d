// rules.md rule 31 (with CHANGES.md 5): the contracts of one feature apply one expiry, retention and
// ordering policy, or say why they differ. The reference value is the one most contracts hold; a
// tie is broken by the contracts the pull request did not touch, then by channel name.
import { readAsyncApi, channelFor } from '../../src/artifacts/asyncapi.js';
import { contractOrderingKey, orderingKeyOf } from '../../src/artifacts/channel-sets.js';
import { findField, parseDuration, sectionAt, type MarkdownDoc } from '../../src/artifacts/markdown.js';
import type { Feature, MarkdownArtifact } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const messages = {
  inconsistent: 'Inconsistent {policy} across {feature} channels: {values}. Align the policy or justify the difference in the contract.',
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'cross-channel-policy-consistency',
    kind: 'docs',
    severity: 'Suggestion',
    precision: 'Medium',
    systemTag: false,
    checklist: ['R5', 'D6'],
    failureModes: [],
    description: 'Contracts of one feature apply the same expiry, retention and ordering policy, or justify the difference.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const feature of context.model.features.values()) {
          if (feature.contracts.size >= 2) checkFeature(context, feature);
        }
      },
    };
  },
});

type Policy = 'retention' | 'ordering' | 'expiry';

interface PolicyValue {
  /** Comparison key (retention in milliseconds). */
  key: string;
  /** As shown in the message. */
  shown: string;
  path: string;
  line: number;
  /** Whether the line or its section gives a reason for the value. */
  justified: boolean;
}

interface ContractFacts {
  channel: string;
  contract: MarkdownArtifact;
  changed: boolean;
  values: Partial<Record<Policy, PolicyValue>>;
}

const JUSTIFICATION = /(?<![A-Za-z0-9_])(because|since|differs|unlike|justif|rationale|due to)/i;
const EXPIRY = /(?<![A-Za-z0-9_])(expirytime|ttl(?![A-Za-z0-9_])|expir(?:y|es|ation|e\b))/i;
const NEGATED_EXPIRY = /(?<![A-Za-z0-9_])(no|never|without|not)(?![A-Za-z0-9_])[^.;]{0,40}?(expirytime|ttl|expir)/i;

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature): void {
  const facts: ContractFacts[] = [...feature.contracts].map(([channel, contract]) => {
    const asyncArtifact = feature.asyncapi.get(channel);
    const before = context.other?.artifacts.get(contract.path);
    const asyncBefore = asyncArtifact ? context.other?.artifacts.get(asyncArtifact.path) : undefined;
    const changed =
      context.other !== null &&
      (before?.text !== contract.text || (asyncArtifact !== undefined && asyncBefore?.text !== asyncArtifact.text));
    return { channel, contract, changed, values: derive(context, feature, channel, contract) };
  });
  // The PR's contracts first, then by channel name: the order findings and lists are read in.
  facts.sort((a, b) => Number(b.changed) - Number(a.changed) || a.channel.localeCompare(b.channel));

  for (const policy of ['expiry', 'retention', 'ordering'] as const) {
    const holders = facts.filter((f) => f.values[policy] !== undefined);
    if (new Set(holders.map((f) => f.values[policy]!.key)).size < 2) continue;
    const reference = referenceValue(holders, policy);
    const offenders = holders.filter((f) => f.values[policy]!.key !== reference && !f.values[policy]!.justified);
    if (offenders.length === 0) continue;
    const first = offenders[0].values[policy]!;
    context.report({
      messageId: 'inconsistent',
      data: {
        policy,
        feature: feature.slug,
        values: holders.map((f) => `\`${f.channel}\`=${f.values[policy]!.shown}`).join(', '),
      },
      loc: { path: first.path, startLine: first.line },
      anchor: `policy | ${policy} | ${offenders.map((o) => o.channel).join(',')}`,
      related: holders
        .filter((f) => f !== offenders[0])
        .map((f) => ({ path: f.values[policy]!.path, line: f.values[policy]!.line, note: `${f.channel}: ${f.values[policy]!.shown}` })),
      variant: policy,
      channel: offenders[0].channel,
      feature: feature.slug,
    });
  }
}

function referenceValue(holders: ContractFacts[], policy: Policy): string {
  const count = (list: ContractFacts[]) => {
    const counts = new Map<string, number>();
    for (const f of list) counts.set(f.values[policy]!.key, (counts.get(f.values[policy]!.key) ?? 0) + 1);
    return counts;
  };
  const all = count(holders);
  const best = Math.max(...all.values());
  let tied = [...all].filter(([, n]) => n === best).map(([k]) => k);
  if (tied.length > 1) {
    const untouched = count(holders.filter((f) => !f.changed));
    const bestUntouched = Math.max(0, ...tied.map((k) => untouched.get(k) ?? 0));
    tied = tied.filter((k) => (untouched.get(k) ?? 0) === bestUntouched);
  }
  if (tied.length === 1) return tied[0];
  const byName = [...holders].sort((a, b) => a.channel.localeCompare(b.channel));
  return byName.find((f) => tied.includes(f.values[policy]!.key))!.values[policy]!.key;
}

function derive(context: DocsRuleContext<MessageId>, feature: Feature, channel: string, contract: MarkdownArtifact): ContractFacts['values'] {
  const doc = contract.doc;
  const values: ContractFacts['values'] = {};
  const justifiedAt = (line: number, endLine = line) => {
    const section = sectionAt(doc, line);
    const lines = doc.lines.slice(line - 1, endLine).join(' ');
    return JUSTIFICATION.test(lines) || (section !== null && JUSTIFICATION.test(sectionLines(doc, section.line, section.endLine)));
  };

  const retention = findField(doc.fields, 'Retention');
  const ms = retention ? parseDuration(retention.value) : null;
  if (retention && ms !== null) {
    values.retention = {
      key: String(ms),
      shown: retention.normalized.replace(/[,;].*$/, '').trim() || retention.normalized,
      path: contract.path,
      line: retention.line,
      justified: justifiedAt(retention.line, retention.endLine),
    };
  }

  const ordering = contractOrderingKey(contract);
  const key = ordering ? orderingKeyOf(ordering.value) : null;
  if (ordering && key !== null) {
    const cls = key === 'none' ? 'none' : /(?<![A-Za-z0-9_])(total|single partition)/i.test(ordering.value) ? 'total' : 'per-key';
    values.ordering = { key: cls, shown: cls, path: contract.path, line: ordering.line, justified: justifiedAt(ordering.line, ordering.endLine) };
  }

  values.expiry = expiryOf(context, feature, channel, contract, justifiedAt, retention?.line ?? null);
  return values;
}

/**
 * Expiry: a contract line mentioning expirytime / TTL / expiry (a negated mention, "no expiry",
 * declares no expiry on that line), else an `expirytime` header in the AsyncAPI file, else none
 * (located on the H1; a reason for it is looked for in the Retention line's section).
 */
function expiryOf(
  context: DocsRuleContext<MessageId>,
  feature: Feature,
  channel: string,
  contract: MarkdownArtifact,
  justifiedAt: (line: number, endLine?: number) => boolean,
  retentionLine: number | null,
): PolicyValue {
  const doc = contract.doc;
  const related = sectionAtKey(doc, 'related artifacts');
  for (let i = 0; i < doc.lines.length; i++) {
    const line = i + 1;
    if (related && line >= related.line && line <= related.endLine) continue;
    const text = doc.lines[i];
    if (!EXPIRY.test(text)) continue;
    const negated = NEGATED_EXPIRY.test(text);
    return {
      key: negated ? 'no' : 'yes',
      shown: negated ? 'no expiry' : 'expiry',
      path: contract.path,
      line,
      justified: justifiedAt(line),
    };
  }
  const asyncArtifact = feature.asyncapi.get(channel);
  if (asyncArtifact) {
    const ch = channelFor(readAsyncApi(asyncArtifact, context.model), channel);
    for (const message of ch?.messages ?? []) {
      const at = message.headers?.properties.has('expirytime') ? message.headers.propertyLine('expirytime') : null;
      if (at) return { key: 'yes', shown: 'expiry', path: at.path, line: at.line, justified: false };
    }
  }
  const title = doc.headings.find((s) => s.depth === 1)?.line ?? 1;
  return { key: 'no', shown: 'no expiry', path: contract.path, line: title, justified: retentionLine !== null && justifiedAt(retentionLine) };
}

function sectionAtKey(doc: MarkdownDoc, key: string) {
  return doc.headings.find((s) => s.key === key && s.depth === 2);
}

function sectionLines(doc: MarkdownDoc, from: number, to: number): string {
  return doc.lines.slice(from - 1, to).join(' ');
}
