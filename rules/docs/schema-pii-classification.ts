// rules.md rule 53: personal data in payload schemas is classified in the schema, and the
// classification agrees with the feature's declared Compliance class. A DLQ or an analytics sink
// copies every field it receives, so the classification has to travel with the schema.
import { fieldInSection } from '../../src/artifacts/channel-sets.js';
import { complianceSet, type Field } from '../../src/artifacts/markdown.js';
import type { Feature, MarkdownArtifact } from '../../src/artifacts/model.js';
import { cachedSchemaModel, type SchemaField, type SchemaModel } from '../../src/artifacts/schema-model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const TAIL = ' Classify PII in the schema (x-pii / x-classification) and keep the feature\'s Compliance class in line.';

const messages = {
  unclassified: `Schema {file}: property {property} looks like personal data but {problem}.${TAIL}`,
  postureMismatch: `Schema {file}: property {property} looks like personal data but {problem}.${TAIL}`,
  noAnnotations:
    'Schema classification of {feature}: Compliance says {compliance}, but no property of its schemas ({files}) carries a PII ' +
    `classification, so nothing marks which fields hold personal data.${TAIL}`,
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'schema-pii-classification',
    kind: 'docs',
    severity: 'System',
    precision: 'Medium',
    systemTag: true,
    checklist: ['D6'],
    failureModes: ['dlq-privacy-leak'],
    description: 'Personal data in payload schemas is classified in the schema and agrees with the feature\'s Compliance class.',
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

const SINGLE = new Set([
  'email', 'phone', 'mobile', 'msisdn', 'address', 'street', 'postcode', 'zip', 'postal', 'dob', 'birth', 'ssn',
  'passport', 'card', 'pan', 'iban', 'latitude', 'longitude',
]);
const PAIRS = [['first', 'name'], ['last', 'name'], ['full', 'name'], ['national', 'id'], ['tax', 'id'], ['ip', 'address'], ['account', 'number']];

/** snake_case, camelCase, kebab-case and dotted names to lower-case words. */
function tokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const matchesWord = (token: string, word: string) => token === word || token === `${word}s` || token === `${word}es`;

function lexiconHit(name: string): boolean {
  const t = tokens(name);
  if (t.some((token) => [...SINGLE].some((w) => matchesWord(token, w)))) return true;
  return PAIRS.some(([a, b]) => t.some((token, i) => token === a && t[i + 1] !== undefined && matchesWord(t[i + 1], b)));
}

/** Lexicon hits of a schema; `name` counts only next to a sibling that is itself a hit. */
function hits(model: SchemaModel): SchemaField[] {
  const direct = new Set(model.fields.filter((f) => lexiconHit(f.name)));
  const parentsWithHit = new Set([...direct].map((f) => f.parent));
  return model.fields.filter((f) => direct.has(f) || (tokens(f.name).includes('name') && parentsWithHit.has(f.parent)));
}

function complianceOf(feature: Feature): { field: Field; artifact: MarkdownArtifact } | null {
  for (const artifact of [feature.readme, feature.design]) {
    if (!artifact) continue;
    const found = fieldInSection(artifact.doc, (k) => k === 'system concerns', 'Compliance');
    if (found) return { field: found.field, artifact };
  }
  return null;
}

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature): void {
  const compliance = complianceOf(feature);
  const classes = compliance ? complianceSet(compliance.field.value) : new Set<string>();
  const related = compliance ? [{ path: compliance.artifact.path, line: compliance.field.line, note: 'feature Compliance' }] : [];
  const schemas: SchemaModel[] = [];
  for (const list of feature.schemas.values()) {
    for (const artifact of list) {
      const result = cachedSchemaModel(artifact);
      if (result.ok) schemas.push(result.model);
    }
  }

  for (const schema of schemas) {
    const found = hits(schema);
    // Step 2.
    for (const field of found) {
      if (field.annotated) continue;
      context.report({
        messageId: 'unclassified',
        data: { file: schema.path, property: `\`${field.path}\``, problem: 'it carries no classification (x-pii, x-classification, Avro pii/doc, Protobuf comment or option)' },
        loc: { path: schema.path, startLine: field.line },
        anchor: `pii | unclassified ${field.path}`,
        variant: 'unclassified',
        feature: feature.slug,
      });
    }
    // Step 3.
    if (!classes.has('none')) continue;
    const personal = schema.fields.find((f) => f.pii === true || (found.includes(f) && f.pii !== false));
    if (!personal) continue;
    context.report({
      messageId: 'postureMismatch',
      data: {
        file: schema.path,
        property: `\`${personal.path}\``,
        problem: `the feature's Compliance is \`none\` (${compliance!.artifact.path}:${compliance!.field.line})`,
      },
      loc: { path: schema.path, startLine: personal.line },
      anchor: `pii | posture none | ${schema.path}`,
      related,
      variant: 'posture-mismatch',
      feature: feature.slug,
    });
  }

  // Step 4.
  if (!compliance || schemas.length === 0 || !(classes.has('PII') || classes.has('GDPR'))) return;
  if (schemas.some((s) => s.fields.some((f) => f.annotated))) return;
  context.report({
    messageId: 'noAnnotations',
    data: {
      feature: feature.slug,
      compliance: `\`${compliance.field.normalized}\``,
      files: schemas.map((s) => s.path.split('/').pop()).join(', '),
    },
    loc: { path: compliance.artifact.path, startLine: compliance.field.line },
    anchor: `pii | no annotations | ${feature.slug}`,
    related: schemas.map((s) => ({ path: s.path, line: 1, note: 'schema without classification' })),
    variant: 'no-annotations',
    feature: feature.slug,
  });
}
