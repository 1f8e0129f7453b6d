// rules.md rule 9: the contract promises BACKWARD (or FULL) evolution while the payload schema is
// closed, so the first additive change breaks strict consumers. Also owns closing changes, a marker
// introduced into an existing channel version (CHANGES.md 8).
import { channelFor, readAsyncApi } from '../../src/artifacts/asyncapi.js';
import { compatibilityMode, sectionText } from '../../src/artifacts/channel-sets.js';
import type { ArtifactModel, Feature, SchemaArtifact } from '../../src/artifacts/model.js';
import { cachedSchemaModel, jsonSchemaModel, type ClosedMarker, type SchemaModel } from '../../src/artifacts/schema-model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const messages = {
  closedSchema:
    'Closed schema under {mode}: {file}:{line} has {marker} while the contract declares {mode}. Adding a field or enum ' +
    'value will be rejected by strict consumers. Open the schema (drop {marker} / allow unknown values) or document a ' +
    'consumer-first rollout in the contract.',
  closingChange:
    'Closing change under {mode}: {file}:{line} adds {marker} to the existing channel version {channel}. Replays of events ' +
    'published before this change, and the next additive change, will be rejected by strict consumers. Open the schema ' +
    'again, publish the closed shape on a new channel version, or document a consumer-first rollout in the contract.',
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'schema-closed-with-backward',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R6'],
    failureModes: ['schema-drift'],
    description: 'A contract that promises BACKWARD evolution has a closed schema (additionalProperties false, enums), so additive changes break consumers.',
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

const CONSUMER_FIRST = /consumer[- ]first/i;

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature): void {
  for (const [channel, contract] of feature.contracts) {
    const compat = compatibilityMode(contract);
    if (!compat || (compat.mode !== 'BACKWARD' && compat.mode !== 'FULL')) continue;
    if (CONSUMER_FIRST.test(sectionText(contract.doc, compat.section))) continue;
    const related = [{ path: contract.path, line: compat.line, note: `compatibility ${compat.mode}` }];
    for (const { model, artifact } of schemasOf(context.model, feature, channel)) {
      const first = model.closedMarkers[0];
      if (!first) continue;
      const common = { channel, feature: feature.slug, related };
      context.report({
        messageId: 'closedSchema',
        data: { mode: compat.mode, file: model.path, line: first.line, marker: markerText(first) },
        loc: { path: model.path, startLine: first.line },
        // One finding per closed file, anchored on the file so adding a second marker above the
        // first does not turn a pre-existing finding into a new one.
        anchor: `closed schema | ${channel} | ${compat.mode}`,
        variant: 'closed-schema',
        ...common,
      });
      if (context.side !== 'head' || !context.other || !artifact) continue;
      const before = baseMarkers(context.other, artifact);
      if (!before || before.length === 0) continue;
      const known = new Set(before.map(identity));
      for (const marker of model.closedMarkers) {
        if (known.has(identity(marker))) continue;
        context.report({
          messageId: 'closingChange',
          data: { mode: compat.mode, file: model.path, line: marker.line, marker: markerText(marker), channel },
          loc: { path: model.path, startLine: marker.line },
          anchor: `closing change | ${identity(marker)}`,
          variant: 'closing-change',
          ...common,
        });
      }
    }
  }
}

const identity = (m: ClosedMarker) => `${m.kind} ${m.path}`;

function markerText(m: ClosedMarker): string {
  return m.kind === 'enum' ? `\`enum\` on ${m.path}` : m.kind === 'avro-enum-without-default' ? m.description : `\`${m.description}\``;
}

/** Markers of the same file at the other side; null when it did not exist or does not parse. */
function baseMarkers(other: ArtifactModel, head: SchemaArtifact): ClosedMarker[] | null {
  const base = other.artifacts.get(head.path);
  if (!base || base.type !== head.type || (base.syntax !== 'json' && base.syntax !== 'text')) return null;
  const result = cachedSchemaModel(base as SchemaArtifact);
  return result.ok ? result.model.closedMarkers : null;
}

/** Schema files of the channel, plus the AsyncAPI payload schema when it lives in the AsyncAPI file. */
function schemasOf(model: ArtifactModel, feature: Feature, channel: string): { model: SchemaModel; artifact: SchemaArtifact | null }[] {
  const out: { model: SchemaModel; artifact: SchemaArtifact | null }[] = [];
  for (const artifact of feature.schemas.get(channel) ?? []) {
    const result = cachedSchemaModel(artifact);
    if (result.ok) out.push({ model: result.model, artifact });
  }
  const asyncArtifact = feature.asyncapi.get(channel);
  if (!asyncArtifact) return out;
  const ch = channelFor(readAsyncApi(asyncArtifact, model), channel);
  const seen = new Set<string>();
  for (const message of ch?.messages ?? []) {
    const schema = message.payload?.schema;
    if (!schema || schema.artifact.path !== asyncArtifact.path) continue;
    const key = schema.keyPath.join('/');
    if (seen.has(key)) continue;
    seen.add(key);
    const result = jsonSchemaModel(schema.artifact.path, schema.value, schema.artifact.lineOf, { root: schema.keyPath, document: schema.artifact.value });
    if (result.ok && result.model.closedMarkers.length > 0) out.push({ model: result.model, artifact: null });
  }
  return out;
}
