// rules.md rule 35: the design fixes, per channel, the facts that every later artifact must agree
// with: ordering key, idempotency key, retention, DLQ owner and compatibility mode. A design that
// leaves them out leaves the contract, the schema and the consumer code to guess them separately.
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { boundaryContracts, type BoundaryEntry, type BoundaryFactKey } from '../../src/artifacts/channel-sets.js';
import { isEmptyOrPlaceholder, parseDuration, unwrapBackticks } from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { matchesGlob } from '../../src/review/glob.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const TAIL = ' The design must fix ordering key, idempotency key, retention, DLQ owner and compatibility mode per channel.';

const messages = {
  missingSection: 'Boundary contracts in {file}: the `## Boundary contracts` section is missing although {reason}.' + TAIL,
  emptySection: 'Boundary contracts in {file}: the section names no channel although {reason}.' + TAIL,
  incompleteBullet: 'Boundary contract for {channel} in {file}:{line} is missing {fields}.' + TAIL,
};
type MessageId = keyof typeof messages;

const PRODUCED_FACTS: BoundaryFactKey[] = ['ordering key', 'idempotency key', 'retention', 'dlq owner', 'compatibility'];
const CONSUMED_FACTS: BoundaryFactKey[] = ['ordering key', 'idempotency key'];
const LABELS: Record<BoundaryFactKey, string> = {
  'ordering key': 'ordering key',
  'idempotency key': 'idempotency key',
  retention: 'retention',
  'dlq owner': 'DLQ owner',
  compatibility: 'compatibility',
  'event type': 'event type',
};

const MODE = /^(?:BACKWARD|FORWARD|FULL|NONE)(?:_TRANSITIVE)?(?![A-Za-z0-9_])/i;

export default createDocsRule({
  meta: {
    id: 'boundary-contract-fields',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R2', 'R3', 'R5', 'R6'],
    failureModes: [],
    description:
      'Each channel in the design\'s Boundary contracts states its ordering key, idempotency key, retention, DLQ owner and compatibility mode.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax === 'markdown' && currentTypeOf(artifact.type) === 'design') checkDesign(context, artifact);
        }
      },
    };
  },
});

function checkDesign(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { path } = artifact;
  const report = (messageId: MessageId, line: number, anchor: string, data: Record<string, string | number>, channel?: string) =>
    context.report({
      messageId,
      data: { file: path, ...data },
      loc: { path, startLine: line },
      anchor: `boundary contracts | ${anchor}`,
      ...(artifact.slug ? { feature: artifact.slug } : {}),
      ...(channel ? { channel } : {}),
    });
  const reason = channelEvidence(context, artifact.slug);
  // Step 1. The bullets come from the parser the cross-file rules use too, so every rule agrees on
  // which bullets are channels and what their facts say.
  const { section, entries: bullets } = boundaryContracts(artifact);
  if (!section) {
    if (reason) report('missingSection', 1, 'missing section', { reason });
    return;
  }
  if (bullets.length === 0) {
    if (reason) report('emptySection', section.line, 'empty section', { reason });
    return;
  }

  // Steps 2 and 3.
  for (const bullet of bullets) {
    const problems = bulletProblems(bullet);
    if (problems.length > 0) {
      report('incompleteBullet', bullet.line, `incomplete ${bullet.channel}`, { channel: bullet.channel, line: bullet.line, fields: listOf(problems) }, bullet.channel);
    }
  }
}

/**
 * Why the design must describe channels (step 1): the feature has contracts, or the analysed code
 * publishes to a channel the feature declares or from a path the config maps to the feature.
 * Null when neither holds.
 */
function channelEvidence(context: DocsRuleContext<MessageId>, slug: string | undefined): string | null {
  if (!slug) return null;
  const root = `docs/features/${slug}/`;
  const declared = new Set<string>();
  let contracts = 0;
  for (const p of context.model.paths) {
    if (!p.startsWith(root)) continue;
    const m = /^(?:contracts\/([^/]+)\.md|asyncapi\/([^/]+)\.ya?ml)$/.exec(p.slice(root.length));
    if (!m) continue;
    declared.add(m[1] ?? m[2]);
    if (m[1]) contracts++;
  }
  if (contracts > 0) return `the feature has ${contracts} contract(s)`;
  const globs = context.config.features[slug] ?? [];
  const publish = (context.codeChannels ?? []).find(
    (use) => use.kind === 'publish' && (declared.has(use.channel) || globs.some((glob) => matchesGlob(use.path, glob))),
  );
  return publish ? `${publish.path}:${publish.line} publishes to ${publish.channel}` : null;
}

function bulletProblems(bullet: BoundaryEntry): string[] {
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const fact of bullet.consumed ? CONSUMED_FACTS : PRODUCED_FACTS) {
    const found = bullet.facts.get(fact);
    if (!found || isEmptyOrPlaceholder(found.value)) {
      missing.push(LABELS[fact]);
      continue;
    }
    const value = unwrapBackticks(found.value);
    if (fact === 'retention' && parseDuration(value) === null && !/\bcompact/i.test(value)) invalid.push(`a valid retention ("${value}" is not a duration)`);
    if (fact === 'compatibility' && !MODE.test(value)) invalid.push(`a compatibility mode ("${value}" is not BACKWARD, FORWARD, FULL or NONE)`);
  }
  return [...missing, ...invalid];
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
