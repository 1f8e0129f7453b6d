// rules.md rule 4: an existing channel version's payload schema changes in a way a deployed consumer
// cannot read. The structural diff compares the same file at base and head through `context.other`;
// closing changes (a new closed-schema marker) belong to schema-closed-with-backward (CHANGES.md 8).
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { findField, findSection, sectionFields } from '../../src/artifacts/markdown.js';
import { normalizeStatus, type ArtifactModel, type MarkdownArtifact, type ParsedArtifact, type SchemaArtifact, type StructuredArtifact } from '../../src/artifacts/model.js';
import { nextVersion } from '../../src/artifacts/channel-sets.js';
import {
  cachedSchemaModel,
  jsonSchemaModel,
  type Constraints,
  type SchemaElement,
  type SchemaField,
  type SchemaModel,
} from '../../src/artifacts/schema-model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const messages = {
  breaking:
    'Breaking schema change in {channel} ({file}:{line}): {change}. Consumers deployed against {channel} cannot read this ' +
    'without a code change. Keep {channel} unchanged, publish the new shape on {nextChannel} in parallel, audit consumers, ' +
    'and retire {channel} on a fixed date.',
  weakening:
    'Weakening schema change in {channel} ({file}:{line}): {change}. Consumers deployed against {channel} may reject or ' +
    'misread payloads that used to be valid. Give new optional fields a default and keep constraints, or publish the new ' +
    'shape on {nextChannel} in parallel.',
  noRetirement:
    'Channel {nextChannel} exists next to {channel}, but the {channel} contract is neither Deprecating nor names a ' +
    'retirement date. Audit the consumers of {channel}, set its Status to Deprecating and name the date it is retired.',
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'schema-breaking-change',
    kind: 'docs',
    severity: 'Critical',
    precision: 'High',
    systemTag: false,
    checklist: ['R6'],
    antiPattern: 'schema change without compatibility check and consumer audit',
    failureModes: ['schema-drift'],
    pattern: 'Schema evolution with a new channel version',
    description: 'An existing channel version\'s schema changes in a way deployed consumers cannot read; breaking changes go to a new version.',
    messages,
  },
  create(context) {
    return {
      check() {
        // The diff is head minus base: on the base side the same pair would read as its inverse,
        // so diff findings exist only at head and come out `introduced`.
        if (context.side === 'head' && context.other) diffSide(context, context.other);
        retirementSuggestions(context);
      },
    };
  },
});

type Severity = 'breaking' | 'weakening';

interface Change {
  severity: Severity;
  /** Field path (or message name) the change is about; anchors the finding. */
  subject: string;
  line: number;
  descriptions: string[];
}

class Changes {
  private readonly byKey = new Map<string, Change>();

  add(key: string, severity: Severity, subject: string, line: number, description: string): void {
    const existing = this.byKey.get(key);
    if (!existing) {
      this.byKey.set(key, { severity, subject, line, descriptions: [description] });
      return;
    }
    existing.descriptions.push(description);
    if (severity === 'breaking') existing.severity = 'breaking';
  }

  list(): Change[] {
    return [...this.byKey.values()].sort((a, b) => a.line - b.line || a.subject.localeCompare(b.subject));
  }
}

function diffSide(context: DocsRuleContext<MessageId>, base: ArtifactModel): void {
  const moved = movedFrom(context.model, base);
  for (const [path, head] of context.model.artifacts) {
    const c = head.classification;
    const type = currentTypeOf(c.type);
    if (type !== 'schema' && type !== 'asyncapi') continue;
    const before = base.artifacts.get(path) ?? moved.get(path);
    if (!before || before.text === head.text || !c.channel) continue;
    const changes =
      type === 'schema'
        ? diffSchemaFiles(before as SchemaArtifact, head as SchemaArtifact)
        : (head.syntax === 'yaml' || head.syntax === 'json') && (before.syntax === 'yaml' || before.syntax === 'json')
          ? diffInlineSchemas(before, head)
          : null;
    if (!changes) continue;
    for (const change of changes.list()) {
      context.report({
        messageId: change.severity,
        data: {
          channel: c.channel,
          file: path,
          line: change.line,
          change: change.descriptions.join('; '),
          nextChannel: nextVersion(c.channel),
        },
        loc: { path, startLine: change.line },
        anchor: `schema diff | ${change.subject} | ${change.descriptions.join('; ')}`,
        severity: change.severity === 'breaking' ? 'Critical' : 'Important',
        variant: change.severity,
        channel: c.channel,
        ...(head.slug ? { feature: head.slug } : {}),
      });
    }
  }
}

/**
 * Schema and AsyncAPI files moved in the pull request (a feature folder renamed): a head file with
 * no base file at its path is compared with the one base file of the same type, channel and
 * extension whose path is gone at head. The engine passes the rule no rename map, so the channel
 * name is the link; two candidates are ambiguous and compare with nothing.
 */
function movedFrom(head: ArtifactModel, base: ArtifactModel): Map<string, ParsedArtifact> {
  type Artifact = ParsedArtifact;
  const key = (path: string, a: Artifact) => {
    const type = currentTypeOf(a.classification.type);
    if ((type !== 'schema' && type !== 'asyncapi') || !a.classification.channel) return null;
    return `${type} ${a.classification.channel} ${/\.[^./]*$/.exec(path)?.[0] ?? ''}`;
  };
  const gone = new Map<string, Artifact | null>();
  for (const [path, a] of base.artifacts) {
    if (head.artifacts.has(path)) continue;
    const k = key(path, a);
    if (k !== null) gone.set(k, gone.has(k) ? null : a);
  }
  const out = new Map<string, Artifact>();
  if (gone.size === 0) return out;
  const claimed = new Map<string, number>();
  const wanted: [string, string][] = [];
  for (const [path, a] of head.artifacts) {
    if (base.artifacts.has(path)) continue;
    const k = key(path, a);
    if (k === null || !gone.get(k)) continue;
    wanted.push([path, k]);
    claimed.set(k, (claimed.get(k) ?? 0) + 1);
  }
  for (const [path, k] of wanted) if (claimed.get(k) === 1) out.set(path, gone.get(k)!);
  return out;
}

function diffSchemaFiles(before: SchemaArtifact, after: SchemaArtifact): Changes | null {
  const base = cachedSchemaModel(before);
  const head = cachedSchemaModel(after);
  if (!base.ok || !head.ok || base.model.format !== head.model.format) return null;
  if (head.model.format === 'proto') return diffProto(base.model, head.model);
  return diffFields(base.model, head.model);
}

/** AsyncAPI `components.schemas` present at both sides, compared as JSON Schema. */
function diffInlineSchemas(before: StructuredArtifact, after: StructuredArtifact): Changes | null {
  const schemasOf = (a: StructuredArtifact) => {
    const v = a.value as { components?: { schemas?: Record<string, unknown> } } | null;
    const s = v?.components?.schemas;
    return s && typeof s === 'object' ? s : {};
  };
  const out = new Changes();
  const baseSchemas = schemasOf(before);
  for (const [name, schema] of Object.entries(schemasOf(after))) {
    if (!Object.hasOwn(baseSchemas, name)) continue;
    const root = ['components', 'schemas', name];
    const b = jsonSchemaModel(before.path, baseSchemas[name], before.lineOf, { root, document: before.value });
    const h = jsonSchemaModel(after.path, schema, after.lineOf, { root, document: after.value });
    if (b.ok && h.ok) diffFields(b.model, h.model, out, `${name}.`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON Schema and Avro: fields by path

function diffFields(base: SchemaModel, head: SchemaModel, out = new Changes(), prefix = ''): Changes {
  const avro = head.format === 'avsc';
  // Properties inside `oneOf` / `anyOf` branches compare like any other, under the branch's path,
  // unless either side's branches ran past their budget: what was modelled then depends on order.
  const branches = !base.branchesTruncated && !head.branchesTruncated;
  const baseFields = [...base.fields, ...(branches ? base.branchFields ?? [] : [])];
  const headFields = [...head.fields, ...(branches ? head.branchFields ?? [] : [])];
  const baseBy = new Map(baseFields.map((f) => [f.path, f]));
  const headBy = new Map(headFields.map((f) => [f.path, f]));
  const branchesOf = (m: SchemaModel) => (branches ? (m.elements ?? []).filter((e) => e.kind === 'branch') : []);
  const baseBranches = new Set(branchesOf(base).map((e) => e.path));
  const headBranches = new Set(branchesOf(head).map((e) => e.path));
  // Only the topmost removed or added path counts: the children of a removed object (or branch) go
  // with it, and so do those of a property whose type changed so that the other side holds nothing
  // under it (an object now a string): its type change is reported. Items (`tags[]`) and map values
  // (`meta.*`) belong to the property holding them.
  const holderOf = (parent: string) => parent.replace(/(?:\[\]|\.\*|^\*)+$/, '');
  const holders = (fields: SchemaField[], m: SchemaModel) =>
    new Set([...fields.map((f) => holderOf(f.parent)), ...branchesOf(m).map((e) => holderOf(e.parent))]);
  const baseHolders = holders(baseFields, base);
  const headHolders = holders(headFields, head);
  const parentIn = (branches: Set<string>, otherHolders: Set<string>, parent: string) => {
    const holder = holderOf(parent);
    if (holder === '' || branches.has(holder)) return true;
    const b = baseBy.get(holder);
    const h = headBy.get(holder);
    return b !== undefined && h !== undefined && (typeOf(b) === typeOf(h) || otherHolders.has(holder));
  };
  const removed = baseFields.filter((f) => !headBy.has(f.path) && parentIn(headBranches, headHolders, f.parent));
  const added = headFields.filter((f) => !baseBy.has(f.path) && parentIn(baseBranches, baseHolders, f.parent));
  const objectLines = new Map<string, number>();
  for (const o of head.objects) if (!objectLines.has(o.path)) objectLines.set(o.path, o.propertiesLine);
  const objectLine = (path: string) => objectLines.get(path) ?? 1;
  const name = (f: SchemaField) => `${prefix}${f.path}`;
  // Avro: a removed and an added field that both have a default pair up as a rename only when the
  // added one takes the removed one's place (the same surviving field before both).
  const baseAnchor = avro ? survivorBefore(baseFields, headBy) : null;
  const headAnchor = avro ? survivorBefore(headFields, baseBy) : null;
  const samePlace = (r: SchemaField, x: SchemaField) => baseAnchor!.get(r) === headAnchor!.get(x);

  const paired = new Set<SchemaField>();
  for (const r of removed) {
    const a = added.find(
      (x) =>
        !paired.has(x) &&
        x.parent === r.parent &&
        sameType(x, r) &&
        (!avro || x.aliases.includes(r.name) || r.required || x.required || samePlace(r, x)),
    );
    if (a) {
      paired.add(a);
      if (avro && a.aliases.includes(r.name)) continue;
      const lost = avro && r.hasDefault && a.hasDefault ? `, so records written with ${r.name} read ${a.name} as its default and lose the ${r.name} value` : '';
      const what = avro ? `field ${name(r)} renamed to ${a.name} without aliases${lost}` : `property ${name(r)} renamed to ${a.name}`;
      out.add(`field:${a.path}`, 'breaking', name(a), a.line, what);
      continue;
    }
    if (avro && r.hasDefault) continue;
    const what = avro ? `field ${name(r)} removed (it has no default)` : `property ${name(r)} removed`;
    out.add(`removed:${r.path}`, 'breaking', name(r), objectLine(r.parent), what);
  }
  for (const a of added) {
    if (paired.has(a)) continue;
    if (avro) {
      if (!a.hasDefault) out.add(`field:${a.path}`, 'breaking', name(a), a.line, `field ${name(a)} added without a default`);
    } else if (a.required) {
      out.add(`field:${a.path}`, 'breaking', name(a), a.line, `new required property ${name(a)}`);
    } else if (!a.hasDefault) {
      out.add(`field:${a.path}`, 'weakening', name(a), a.line, `new optional property ${name(a)} without a default`);
    }
  }
  for (const h of headFields) {
    const b = baseBy.get(h.path);
    if (!b) continue;
    const key = `field:${h.path}`;
    const n = name(h);
    if (avro) {
      if (!sameType(b, h) && !avroCompatible(typeOf(b), typeOf(h))) out.add(key, 'breaking', n, h.line, `type of ${n} changed from ${b.type} to ${h.type}`);
      const lost = (b.enumValues ?? []).filter((v) => h.enumValues && !h.enumValues.includes(v));
      if (lost.length > 0) out.add(key, 'breaking', n, h.line, `enum symbol ${lost.join(', ')} removed from ${n}`);
      const gained = (h.enumValues ?? []).filter((v) => b.enumValues && !b.enumValues.includes(v));
      if (gained.length > 0 && !h.enumDefault) {
        out.add(key, 'weakening', n, h.line, `enum symbol ${gained.join(', ')} added to ${n}, whose enum has no default`);
      }
      continue;
    }
    compareShape(out, key, n, h.line, b, h);
    if (h.required && !b.required) out.add(key, 'breaking', n, h.line, `${n} added to required`);
    compareValues(out, key, n, h.line, b, h);
    const tightened = tightenedConstraints(b.constraints, h.constraints);
    if (tightened.length > 0) out.add(key, 'weakening', n, h.line, `${tightened.join(', ')} tightened on ${n}`);
    const { pattern: before } = b.constraints;
    const { pattern: after } = h.constraints;
    // Whether one pattern accepts less than another is not decidable here: a new or other pattern is
    // a change (weakening), named as one, never as "tightened".
    if (after !== undefined && after !== before) {
      out.add(key, 'weakening', n, h.line, before === undefined ? `pattern ${after} added to ${n}` : `pattern of ${n} changed from ${before} to ${after}`);
    }
  }
  // A branch of a `oneOf` / `anyOf` removed: payloads of that shape no longer validate. A branch
  // added is not compared, as a value added to an `enum` is not.
  const firstByPath = <T extends { path: string }>(list: T[] | undefined) => {
    const out = new Map<string, T>();
    for (const x of list ?? []) if (!out.has(x.path)) out.set(x.path, x);
    return out;
  };
  const headUnions = firstByPath(head.unions);
  const baseUnions = firstByPath(base.unions);
  const headElementsBy = firstByPath(head.elements);
  const unionLine = (path: string) => headUnions.get(path)?.line ?? headBy.get(path)?.line ?? headElementsBy.get(path)?.line ?? objectLine(path);
  for (const b of branchesOf(base)) {
    if (headBranches.has(b.path) || !parentIn(headBranches, headHolders, b.parent)) continue;
    const keyword = baseUnions.get(b.parent)?.keyword ?? 'oneOf';
    const label = b.path.slice(b.parent.length);
    const holder = b.parent === '' ? 'the payload root' : `${prefix}${b.parent}`;
    out.add(`removed:${b.path}`, 'breaking', `${prefix}${b.path}`, unionLine(b.parent), `${keyword} branch ${label} of ${holder} removed`);
  }
  // Array items, map values and branches present at both sides; an item or value schema added or
  // dropped changes the shape of its array or map, which the property's own comparison covers.
  const baseElements = new Map((base.elements ?? []).map((e) => [e.path, e]));
  for (const h of head.elements ?? []) {
    const b = baseElements.get(h.path);
    if (!b || (!branches && h.path.includes('<'))) continue;
    const key = `field:${h.path}`;
    const n = `${prefix}${h.path}`;
    compareShape(out, key, n, h.line, b, h);
    compareValues(out, key, n, h.line, b, h);
  }
  return out;
}

type JsonValueSchema = Pick<SchemaField | SchemaElement, 'type' | 'ref' | 'refResolves' | 'enumValues' | 'constValue'>;

function compareShape(out: Changes, key: string, n: string, line: number, b: JsonValueSchema, h: JsonValueSchema): void {
  // Two local `$ref`s that resolve are compared by what they resolve to: the model walks both
  // targets, so their type, values, constraints and properties compare by path (`#/definitions/Money`
  // becoming `#/$defs/Money` with the same content is no change). The text matters only for a
  // reference the document cannot resolve (another file, a missing definition).
  const resolved = b.refResolves === true && h.refResolves === true;
  if (b.ref !== h.ref && b.ref !== null && h.ref !== null && !resolved) {
    out.add(key, 'breaking', n, line, `$ref of ${n} changed from ${b.ref} to ${h.ref}`);
  } else if (
    b.type !== h.type &&
    !(b.type === 'integer' && h.type === 'number') &&
    !(b.type === 'enum' || h.type === 'enum') &&
    // A reference cut short by the cycle guard keeps its text as its type (`ref:#/$defs/Node`).
    !(resolved && b.type.startsWith('ref:') && h.type.startsWith('ref:'))
  ) {
    out.add(key, 'breaking', n, line, `type of ${n} changed from ${b.type} to ${h.type}`);
  }
}

/**
 * Avro: for each field missing from the other side, the name of the nearest field before it (same
 * parent) that both sides have; '' when none. One pass over the fields in order.
 */
function survivorBefore(fields: SchemaField[], other: Map<string, SchemaField>): Map<SchemaField, string> {
  const last = new Map<string, string>();
  const out = new Map<SchemaField, string>();
  for (const f of fields) {
    if (other.has(f.path)) last.set(f.parent, f.name);
    else out.set(f, last.get(f.parent) ?? '');
  }
  return out;
}

/**
 * A value the base allowed (its `const`, or a member of its `enum`) that the head no longer allows.
 * Restricting a value that was open is a closing change (schema-closed-with-backward), not compared.
 */
function compareValues(out: Changes, key: string, n: string, line: number, b: JsonValueSchema, h: JsonValueSchema): void {
  if (b.constValue !== undefined && h.constValue !== undefined) {
    if (b.constValue !== h.constValue) out.add(key, 'breaking', n, line, `const of ${n} changed from ${b.constValue} to ${h.constValue}`);
    return;
  }
  const before = allowedValues(b);
  const after = allowedValues(h);
  if (!before || !after) return;
  const lost = before.filter((v) => !after.includes(v));
  if (lost.length === 0) return;
  const what = b.constValue !== undefined ? `const value ${b.constValue} no longer allowed in ${n}` : `enum value ${lost.join(', ')} removed from ${n}`;
  out.add(key, 'breaking', n, line, what);
}

/** Enum members compare as `String(value)`; a `const` is a one-member enum. */
function allowedValues(f: JsonValueSchema): string[] | null {
  if (f.constValue === undefined) return f.enumValues;
  try {
    return [String(JSON.parse(f.constValue))];
  } catch {
    // The model keeps a const JSON cannot write (a cyclic YAML alias) as its String().
    return [f.constValue];
  }
}

/** Types compare by their resolved names; messages keep the names as written. */
const typeOf = (f: SchemaField) => f.typeKey ?? f.type;

/**
 * One type on both sides. A `?Name` key is a proto type this file alone could not resolve (declared
 * in an imported file), as written. Written unqualified, it is the resolved type of the same last
 * segment on the other side (a message moved to a shared file of the package changes nothing on the
 * wire); written with a package, it must match as written.
 */
function sameType(a: SchemaField, b: SchemaField): boolean {
  const ka = typeOf(a);
  const kb = typeOf(b);
  if (ka === kb) return true;
  if (!ka.includes('?') && !kb.includes('?')) return false;
  const pa = ka.split(/([<>,\s])/);
  const pb = kb.split(/([<>,\s])/);
  if (pa.length !== pb.length) return false;
  const last = (name: string) => name.slice(name.lastIndexOf('.') + 1);
  return pa.every((x, i) => {
    const y = pb[i]!;
    if (x === y) return true;
    if (x.startsWith('?') && !x.includes('.') && !y.startsWith('?')) return x.slice(1) === last(y);
    if (y.startsWith('?') && !y.includes('.') && !x.startsWith('?')) return y.slice(1) === last(x);
    return false;
  });
}

const AVRO_PROMOTIONS: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

/** Avro type resolution: equal, a promotion, or a union whose members each map to one of the other's. */
function avroCompatible(before: string, after: string): boolean {
  const promotes = (a: string, b: string) => a === b || (AVRO_PROMOTIONS[a] ?? []).includes(b);
  const b = before.split('|');
  const a = after.split('|');
  if (b.length !== a.length) return false;
  return b.every((x) => a.some((y) => promotes(x, y)));
}

function tightenedConstraints(before: Constraints, after: Constraints): string[] {
  const out: string[] = [];
  const raisedLower = (k: 'minimum' | 'exclusiveMinimum' | 'minLength' | 'minItems') =>
    after[k] !== undefined && (before[k] === undefined || after[k]! > before[k]!);
  const loweredUpper = (k: 'maximum' | 'exclusiveMaximum' | 'maxLength' | 'maxItems') =>
    after[k] !== undefined && (before[k] === undefined || after[k]! < before[k]!);
  for (const k of ['minimum', 'exclusiveMinimum', 'minLength'] as const) if (raisedLower(k)) out.push(k);
  for (const k of ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const) if (loweredUpper(k)) out.push(k);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Protobuf: fields by message and number

function diffProto(base: SchemaModel, head: SchemaModel): Changes {
  const out = new Changes();
  const headMessages = head.protoMessages!;
  for (const [message, baseFields] of base.protoFields!) {
    const info = headMessages.get(message);
    if (!info) {
      out.add(`message:${message}`, 'breaking', message, 1, `message ${message} removed`);
      continue;
    }
    const headFields = head.protoFields!.get(message) ?? [];
    for (const b of baseFields) {
      const key = `field:${message}.${b.number}`;
      const subject = `${message}.${b.name}`;
      const h = headFields.find((f) => f.number === b.number);
      if (h) {
        if (h.name !== b.name && !sameType(h, b)) {
          out.add(key, 'breaking', subject, h.line, `field number ${b.number} of ${message} reused: was ${b.type} ${b.name}, now ${h.type} ${h.name}`);
        } else if (!sameType(h, b)) {
          out.add(key, 'breaking', subject, h.line, `type of ${subject} changed from ${b.type} to ${h.type}`);
        } else if (h.name !== b.name) {
          out.add(key, 'weakening', subject, h.line, `field ${subject} renamed to ${h.name} (wire-safe, but generated code breaks)`);
        }
        if (h.required && !b.required) out.add(key, 'breaking', subject, h.line, `${message}.${h.name} made required`);
        continue;
      }
      const moved = headFields.find((f) => f.name === b.name);
      if (moved) {
        out.add(key, 'breaking', subject, moved.line, `field number of ${subject} changed from ${b.number} to ${moved.number}`);
        continue;
      }
      const reserved =
        info.reservedNames.includes(b.name) || info.reservedNumbers.some(([from, to]) => b.number! >= from && b.number! <= to);
      if (!reserved) out.add(key, 'breaking', subject, info.line, `field ${subject} = ${b.number} removed without a reserved entry`);
    }
    for (const h of headFields) {
      if (h.required && !baseFields.some((b) => b.number === h.number)) {
        out.add(`field:${message}.${h.number}`, 'breaking', `${message}.${h.name}`, h.line, `new required field ${message}.${h.name}`);
      }
    }
  }
  for (const [name, baseEnum] of base.protoEnums!) {
    const headEnum = head.protoEnums!.get(name);
    if (!headEnum) continue;
    const lost = [...baseEnum.values.keys()].filter((v) => !headEnum.values.has(v));
    if (lost.length > 0) out.add(`enum:${name}`, 'breaking', name, headEnum.line, `enum value ${lost.join(', ')} removed from ${name}`);
    // The wire carries the number: a renumbered value reads as another value, or as unknown.
    for (const [value, { number }] of baseEnum.values) {
      const now = headEnum.values.get(value);
      if (now && now.number !== number) {
        out.add(`enum:${name}.${value}`, 'breaking', `${name}.${value}`, now.line, `number of enum value ${name}.${value} changed from ${number} to ${now.number}`);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The old version's contract once a next version exists (a state check, so it runs at both sides
// and a contract that was already missing its retirement date stays pre-existing)

function retirementSuggestions(context: DocsRuleContext<MessageId>): void {
  for (const feature of context.model.features.values()) {
    const channels = new Set([...feature.contracts.keys(), ...feature.schemas.keys()]);
    for (const [channel, contract] of feature.contracts) {
      const next = nextVersion(channel);
      if (!/\.v\d+$/.test(channel) || !channels.has(next) || retiring(contract)) continue;
      const status = statusField(contract);
      context.report({
        messageId: 'noRetirement',
        data: { channel, nextChannel: next },
        loc: { path: contract.path, startLine: status?.line ?? 1 },
        anchor: `retirement | ${channel} -> ${next}`,
        severity: 'Suggestion',
        variant: 'no-retirement',
        channel,
        feature: feature.slug,
      });
    }
  }
}

function statusField(contract: MarkdownArtifact) {
  const summary = findSection(contract.doc, 'summary');
  return summary ? findField(sectionFields(summary, true), 'Status') : findField(contract.doc.fields, 'Status');
}

/** Deprecating or Retired, or a line that names the date of the retirement (or sunset). */
function retiring(contract: MarkdownArtifact): boolean {
  const status = statusField(contract);
  if (status && ['deprecating', 'retired'].includes(normalizeStatus(status.value))) return true;
  return contract.doc.lines.some(namesRetirementDate);
}

/**
 * Words a date on a lifecycle line can belong to. Group 1 is the retirement; the others name other
 * events, so the template's `created 2026-05-13; retired 30 days after …` names no retirement date.
 */
const LIFECYCLE_TOKEN =
  /(?<![A-Za-z0-9_])(?:(retire|sunset)|created|added|introduced|published|launched|released|shipped|deprecat)|(\b\d{4}-\d{2}-\d{2}\b)/gi;

/**
 * A date belongs to the nearest lifecycle word before it in its clause (up to a `;` or the end of a
 * sentence; table cells stay together, `| Sunset | 2026-09-30 |`), or to the first one after it
 * when none comes before (`On 2026-09-30 v1 retires`).
 */
function namesRetirementDate(line: string): boolean {
  for (const clause of line.split(/;|\.\s/)) {
    let owner: 'retirement' | 'other' | null = null;
    let leadingDate = false;
    for (const m of clause.matchAll(LIFECYCLE_TOKEN)) {
      if (m[2] !== undefined) {
        if (owner === 'retirement') return true;
        if (owner === null) leadingDate = true;
        continue;
      }
      if (owner === null && leadingDate && m[1] !== undefined) return true;
      owner = m[1] !== undefined ? 'retirement' : 'other';
    }
  }
  return false;
}
