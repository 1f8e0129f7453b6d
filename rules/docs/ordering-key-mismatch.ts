// rules.md rule 8: a channel's ordering key agrees between design, contract and AsyncAPI, and it is a
// root property of the payload. The design is the reference for the contract, the contract for the
// AsyncAPI file (CHANGES.md 4).
import { channelFor, readAsyncApi, type Channel } from '../../src/artifacts/asyncapi.js';
import { boundaryContracts, contractOrderingKey, orderingKeyOf } from '../../src/artifacts/channel-sets.js';
import { normKey } from '../../src/artifacts/markdown.js';
import type { Feature } from '../../src/artifacts/model.js';
import { cachedSchemaModel, jsonSchemaModel, rootFields, type SchemaModel } from '../../src/artifacts/schema-model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const TAIL = ' Producers and consumers will partition differently and per-key ordering is not guaranteed.';

const messages = {
  designMismatch: `Ordering key mismatch for {channel}: design says {designKey}, contract says {contractKey}{asyncapiPart}.${TAIL}`,
  asyncapiMismatch: `Ordering key mismatch for {channel}: AsyncAPI x-ordering-key says {asyncapiKey}, contract says {contractKey}{designPart}.${TAIL}`,
  missingInSchema: `Ordering key mismatch for {channel}: contract says {contractKey}, but the payload schema {file} has no root property {missing}.${TAIL}`,
  examplePartitionKey:
    'Ordering key mismatch for {channel}: the AsyncAPI example sets partitionkey {header} but its payload {key} is {value}. ' +
    'An example that contradicts the key teaches producers the wrong key.',
};
type MessageId = keyof typeof messages;

/** CloudEvents attributes a key may name instead of a payload field (artifacts.md 6.5). */
const ENVELOPE_KEYS = new Set(['subject', 'partitionkey']);

export default createDocsRule({
  meta: {
    id: 'ordering-key-mismatch',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R5'],
    failureModes: ['out-of-order-delivery'],
    description: 'The ordering key agrees between design, contract and AsyncAPI, and it exists in the payload.',
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

const show = (key: string | null) => (key === null ? 'nothing' : `\`${key}\``);

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature): void {
  const design = feature.design ? boundaryContracts(feature.design).entries : [];
  for (const [channel, contract] of feature.contracts) {
    const field = contractOrderingKey(contract);
    const contractKey = field ? orderingKeyOf(field.value) : null;
    const entry = design.find((e) => e.channel === channel);
    const designFact = entry?.facts.get('ordering key');
    const designKey = designFact ? orderingKeyOf(designFact.value) : null;
    const asyncArtifact = feature.asyncapi.get(channel);
    const asyncDoc = asyncArtifact ? readAsyncApi(asyncArtifact, context.model) : null;
    const asyncChannel = asyncDoc ? channelFor(asyncDoc, channel) : null;
    const asyncKey = asyncChannel?.orderingKey ? orderingKeyOf(asyncChannel.orderingKey.value) : null;
    const base = { channel: `\`${channel}\`` };
    const common = { channel, feature: feature.slug };

    // Step 2.
    if (field && contractKey !== null && designKey !== null && designKey !== contractKey) {
      context.report({
        messageId: 'designMismatch',
        data: {
          ...base,
          designKey: show(designKey),
          contractKey: show(contractKey),
          asyncapiPart: asyncKey !== null ? `, AsyncAPI x-ordering-key says ${show(asyncKey)}` : '',
        },
        loc: { path: contract.path, startLine: field.line },
        anchor: `ordering key | design ${designKey} | contract ${contractKey}`,
        related: [{ path: feature.design!.path, line: designFact!.line, note: 'design ordering key' }],
        variant: 'design-contract',
        ...common,
      });
    }
    const contractAlone = designKey !== null && designKey === asyncKey;
    if (field && asyncChannel?.orderingKey && contractKey !== null && asyncKey !== null && asyncKey !== contractKey && !contractAlone) {
      context.report({
        messageId: 'asyncapiMismatch',
        data: {
          ...base,
          asyncapiKey: show(asyncKey),
          contractKey: show(contractKey),
          designPart: designKey !== null ? ` (design says ${show(designKey)})` : '',
        },
        loc: { path: asyncArtifact!.path, startLine: asyncChannel.orderingKey.line },
        anchor: `ordering key | x-ordering-key ${asyncKey} | contract ${contractKey}`,
        related: [{ path: contract.path, line: field.line, note: 'contract ordering key' }],
        variant: 'asyncapi-contract',
        ...common,
      });
    }

    // Step 3.
    if (field && contractKey !== null && contractKey !== 'none') {
      const parts = contractKey.split(',').filter((p) => !ENVELOPE_KEYS.has(p));
      for (const schema of payloadSchemas(feature, channel, asyncChannel)) {
        const names = new Set(rootFields(schema).map((f) => normKey(f.name)));
        const missing = parts.filter((p) => !names.has(p));
        if (missing.length === 0 || parts.length === 0) continue;
        const propertiesLine = schema.objects.find((o) => o.path === '')?.propertiesLine ?? 1;
        context.report({
          messageId: 'missingInSchema',
          data: { ...base, contractKey: show(contractKey), file: schema.path, missing: missing.map((m) => `\`${m}\``).join(', ') },
          loc: { path: contract.path, startLine: field.line },
          anchor: `ordering key | ${contractKey} not in ${schema.path}`,
          related: [{ path: schema.path, line: propertiesLine, note: 'payload properties' }],
          variant: 'missing-in-schema',
          ...common,
        });
      }
    }

    // Step 4 (Suggestion): the example's partitionkey against the payload's key field.
    // The example is judged by the reference chain of step 2 (design, then contract, then AsyncAPI), so
    // a key already reported as wrong does not make a correct example look wrong too.
    const key = designKey ?? contractKey ?? asyncKey;
    if (!asyncChannel || key === null || key === 'none' || key.includes(',') || ENVELOPE_KEYS.has(key)) continue;
    const seen = new Set<string>();
    for (const message of asyncChannel.messages) {
      for (const example of message.examples) {
        const header = example.headers?.partitionkey;
        const payloadKey = example.payload ? Object.keys(example.payload).find((k) => normKey(k) === key) : undefined;
        if (header === undefined || payloadKey === undefined) continue;
        const value = example.payload![payloadKey];
        if (String(header) === String(value)) continue;
        const line = example.lineOf('headers', 'partitionkey') ?? message.line;
        const where = `${example.at.artifact.path}:${line}`;
        if (seen.has(where)) continue;
        seen.add(where);
        context.report({
          messageId: 'examplePartitionKey',
          data: { ...base, header: `\`${String(header)}\``, key: `\`${payloadKey}\``, value: `\`${String(value)}\`` },
          loc: { path: example.at.artifact.path, startLine: line },
          anchor: `ordering key | example partitionkey ${String(header)} | ${payloadKey} ${String(value)}`,
          severity: 'Suggestion',
          variant: 'example-partitionkey',
          ...common,
        });
      }
    }
  }
}

/** The channel's schema files; without any, the AsyncAPI payload schema when it is inline or local. */
function payloadSchemas(feature: Feature, channel: string, asyncChannel: Channel | null): SchemaModel[] {
  const out: SchemaModel[] = [];
  for (const artifact of feature.schemas.get(channel) ?? []) {
    const result = cachedSchemaModel(artifact);
    if (result.ok) out.push(result.model);
  }
  if (out.length > 0 || (feature.schemas.get(channel) ?? []).length > 0 || !asyncChannel) return out;
  for (const message of asyncChannel.messages) {
    const schema = message.payload?.schema;
    if (!schema) continue;
    const result = jsonSchemaModel(schema.artifact.path, schema.value, schema.artifact.lineOf, { root: schema.keyPath, document: schema.artifact.value });
    if (result.ok) out.push(result.model);
    break;
  }
  return out;
}
