// rules.md rule 12 (with CHANGES.md 10): every produced channel's DLQ is named, owned, has a redrive
// policy and a covering runbook with dashboards; a consumer that claims another DLQ owner than the
// producer runs its own dead letters and needs its own runbook.
import { posix } from 'node:path';
import { boundaryContracts, isDerivedChannel, type BoundaryEntry } from '../../src/artifacts/channel-sets.js';
import {
  findField,
  isEmptyOrPlaceholder,
  sectionFields,
  teamOf,
  type Field,
  type MarkdownDoc,
  type Section,
} from '../../src/artifacts/markdown.js';
import type { ArtifactModel, Feature, MarkdownArtifact } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const TEMPLATE = 'DLQ for {channel} is not operable: {missing}. Without an owner, a dashboard and a redrive runbook, messages pile up there with nobody responsible for them.';

const messages = {
  dlqField: TEMPLATE,
  replayPolicy: TEMPLATE,
  coveringRunbook: TEMPLATE,
  ownerMismatch: TEMPLATE,
  consumerRunbook: TEMPLATE,
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'dlq-ownership',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R3', 'D6'],
    antiPattern: 'DLQ missing or without owner / alert / dashboard / redrive',
    failureModes: [],
    pattern: 'Dead Letter Channel',
    description: 'Every channel\'s DLQ is named and owned, has a redrive policy and a runbook with dashboards.',
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

interface DlqFacts {
  section: Section | null;
  field: Field | null;
  channel: string | null;
  /** Every channel-like token of the DLQ value, for the grammar message. */
  named: string | null;
  owner: { value: string; line: number } | null;
  replay: Field | null;
}

const REPLAY_FIELDS = ['Replay/redrive', 'Replay / redrive', 'Replay and redrive', 'Redrive/replay', 'Replay', 'Redrive', 'Redrive policy', 'Replay policy'];

function dlqFacts(contract: MarkdownArtifact): DlqFacts {
  const doc = contract.doc;
  const section = doc.headings.find((s) => s.depth >= 2 && /\bdlq\b|dead[- ]letter/.test(s.key)) ?? null;
  const fields = section ? sectionFields(section, true) : doc.fields;
  const field = findField(fields, 'DLQ', 'Dead letter queue', 'Dead-letter queue', 'Dead letter channel') ?? null;
  const tokens = field ? [...field.value.matchAll(/`([^`]+)`/g)].map((m) => m[1].trim()) : [];
  const bare = field ? (field.value.replace(/`[^`]*`/g, ' ').match(/[a-z0-9][a-z0-9_.-]*\.[a-z0-9_-]+/gi) ?? []) : [];
  const candidates = [...tokens, ...bare];
  const channel = candidates.find(isDerivedChannel) ?? null;
  const named = channel ?? candidates.find((t) => /[.]/.test(t)) ?? null;
  let owner: DlqFacts['owner'] = null;
  const inline = field ? /\(\s*owner\s*:\s*([^)]*)\)/i.exec(field.value) : null;
  if (inline && field) owner = { value: inline[1].trim(), line: field.line };
  else {
    const sub = findField(fields.filter((f) => f !== field), 'Owner', 'DLQ owner');
    if (sub) owner = { value: sub.value, line: sub.line };
  }
  const replay = findField(fields, ...REPLAY_FIELDS) ?? findField(doc.fields, ...REPLAY_FIELDS) ?? null;
  return { section, field, channel, named, owner, replay };
}

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature): void {
  const design = feature.design ? boundaryContracts(feature.design).entries : [];
  const runbooks = candidateRunbooks(context.model, feature);
  for (const [channel, contract] of feature.contracts) {
    const facts = dlqFacts(contract);
    const line = facts.field?.line ?? facts.section?.line ?? 1;
    const report = (messageId: MessageId, missing: string, anchor: string, related?: { path: string; line: number; note: string }[]) =>
      context.report({
        messageId,
        data: { channel: `\`${channel}\``, missing },
        loc: { path: contract.path, startLine: line },
        anchor: `dlq | ${anchor}`,
        channel,
        feature: feature.slug,
        variant: messageId,
        ...(related ? { related } : {}),
      });

    // A contract without any DLQ declaration gets one finding, not one per step: there is no DLQ
    // yet for a policy or a runbook to cover, and contract-doc-fields reports the missing section.
    if (!facts.section && !facts.field) {
      report('dlqField', 'the contract declares no DLQ (no `## DLQ and replay` section with a `DLQ` field, owner and redrive policy)', `field ${channel}`);
      continue;
    }

    // Step 1.
    const problems: string[] = [];
    if (!facts.field) problems.push('the contract has no `DLQ` field');
    else {
      if (!facts.channel) {
        problems.push(
          facts.named
            ? `\`${facts.named}\` is not a dead-letter channel name (\`<channel>.dlq\`, \`.dlt\`, \`.retry\` or \`.quarantine\`)`
            : 'the `DLQ` field names no dead-letter channel',
        );
      }
      if (!facts.owner) problems.push('no DLQ owner (`(owner: <team>)` or an `Owner:` line)');
      else if (isEmptyOrPlaceholder(facts.owner.value)) problems.push(`the DLQ owner "${facts.owner.value}" is a placeholder`);
    }
    if (problems.length > 0) report('dlqField', problems.join('; '), `field ${channel}`);

    // Step 2.
    if (!facts.replay) report('replayPolicy', 'no `Replay/redrive` policy', `replay ${channel}`);
    else if (isEmptyOrPlaceholder(facts.replay.value)) {
      report('replayPolicy', `the \`Replay/redrive\` policy "${facts.replay.value}" is a placeholder`, `replay ${channel}`);
    }

    // Step 3.
    const linked = new Set(facts.section ? linksIn(contract, facts.section) : []);
    const names = [channel, ...(facts.channel ? [facts.channel] : [])];
    const relevant = runbooks.filter((r) => (isDlqTriage(r) || (facts.channel !== null && namesAny(r, [facts.channel]))) && (linked.has(r.path) || namesAny(r, names)));
    const covering = relevant.find(hasDashboards);
    if (!covering) {
      const first = relevant[0];
      report(
        'coveringRunbook',
        first
          ? `the DLQ runbook ${first.path} has no dashboards`
          : `no runbook covers it (a DLQ-triage runbook that the contract's DLQ section links or that names \`${facts.channel ?? channel}\`)`,
        `runbook ${channel}`,
        first ? [{ path: first.path, line: dashboardsSection(first.doc)?.line ?? 1, note: 'runbook dashboards' }] : undefined,
      );
    }

    // Step 4.
    const entry = design.find((e) => e.channel === channel && !e.consumed);
    const designOwner = entry?.facts.get('dlq owner');
    if (designOwner && facts.owner && !isEmptyOrPlaceholder(designOwner.value) && !isEmptyOrPlaceholder(facts.owner.value)) {
      if (teamOf(designOwner.value) !== teamOf(facts.owner.value)) {
        report(
          'ownerMismatch',
          `the design names ${designOwner.value} as DLQ owner but the contract names ${facts.owner.value}`,
          `owner ${channel}`,
          [{ path: feature.design!.path, line: designOwner.line, note: 'design DLQ owner' }],
        );
      }
    }
  }

  // Step 5: consumed channels whose design names a DLQ owner other than the producer's.
  for (const entry of design.filter((e) => e.consumed)) checkConsumed(context, feature, entry, runbooks);
}

function checkConsumed(context: DocsRuleContext<MessageId>, feature: Feature, entry: BoundaryEntry, runbooks: MarkdownArtifact[]): void {
  const claimed = entry.facts.get('dlq owner');
  if (!claimed || isEmptyOrPlaceholder(claimed.value)) return;
  // The producer's contract is read from the loaded features; one outside the review is not
  // loaded, and the comparison is skipped rather than guessed.
  const producer = [...context.model.features.values()].map((f) => f.contracts.get(entry.channel)).find(Boolean);
  if (!producer) return;
  const producerOwner = dlqFacts(producer).owner;
  if (!producerOwner || isEmptyOrPlaceholder(producerOwner.value) || teamOf(producerOwner.value) === teamOf(claimed.value)) return;
  const own = runbooks.filter((r) => r.slug === feature.slug || r.path.startsWith(`docs/features/${feature.slug}/`));
  const covering = own.find((r) => isDlqTriage(r) && namesChannelOrDerived(r, entry.channel) && hasDashboards(r));
  if (covering) return;
  context.report({
    messageId: 'consumerRunbook',
    data: {
      channel: `\`${entry.channel}\``,
      missing: `the design names ${claimed.value} as DLQ owner of this consumed channel while its producer's contract names ${producerOwner.value}, so ${feature.slug} runs a consumer-side DLQ, and no DLQ-triage runbook of ${feature.slug} with dashboards names \`${entry.channel}\` or its dead-letter channel`,
    },
    loc: { path: feature.design!.path, startLine: entry.line },
    anchor: `dlq | consumer-side ${entry.channel}`,
    related: [{ path: producer.path, line: producerOwner.line, note: 'producer DLQ owner' }],
    channel: entry.channel,
    feature: feature.slug,
    variant: 'consumerRunbook',
  });
}

/** Feature runbooks, plus platform runbooks the feature README links. */
function candidateRunbooks(model: ArtifactModel, feature: Feature): MarkdownArtifact[] {
  const out = [...feature.runbooks];
  if (feature.readme) {
    const dir = posix.dirname(feature.readme.path);
    for (const link of feature.readme.doc.links) {
      if (link.external) continue;
      const target = posix.normalize(posix.join(dir, link.path));
      const runbook = model.platform.runbooks.find((r) => r.path === target);
      if (runbook && !out.includes(runbook)) out.push(runbook);
    }
  }
  return out;
}

function linksIn(contract: MarkdownArtifact, section: Section): string[] {
  const dir = posix.dirname(contract.path);
  return contract.doc.links
    .filter((l) => !l.external && l.line >= section.line && l.line <= section.endLine)
    .map((l) => posix.normalize(posix.join(dir, l.path)));
}

function isDlqTriage(runbook: MarkdownArtifact): boolean {
  const summary = runbook.doc.headings.find((s) => s.key === 'summary');
  const type = findField(summary ? sectionFields(summary, true) : runbook.doc.fields, 'Incident type');
  return type !== undefined && /\bdlq\b|dead[- ]letter/i.test(type.value);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether the runbook's text (headings and code spans included) names one of the channels. */
function namesAny(runbook: MarkdownArtifact, channels: string[]): boolean {
  return channels.some((c) => new RegExp(`(?<![\\w.-])${escape(c)}(?![\\w-]|\\.\\w)`).test(runbook.text));
}

function namesChannelOrDerived(runbook: MarkdownArtifact, channel: string): boolean {
  return new RegExp(`(?<![\\w.-])${escape(channel)}(?:\\.(?:dlq|dlt|retry|quarantine))?(?![\\w-]|\\.\\w)`).test(runbook.text);
}

function dashboardsSection(doc: MarkdownDoc): Section | undefined {
  return doc.headings.find((s) => s.depth >= 2 && (s.key.includes('dashboards') || s.key.includes('impacted systems')));
}

/** A dashboards section with at least one line that is not blank, a placeholder or "none". */
function hasDashboards(runbook: MarkdownArtifact): boolean {
  const section = dashboardsSection(runbook.doc);
  if (!section) return false;
  return runbook.doc.lines.slice(section.line, section.endLine).some((raw) => {
    const line = raw.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
    if (line === '' || /^#/.test(line)) return false;
    return !isEmptyOrPlaceholder(line) && !/^\(?none\)?\.?$/i.test(line) && !/^n\/a$/i.test(line);
  });
}
