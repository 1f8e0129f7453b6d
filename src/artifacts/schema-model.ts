// One field model for the three payload schema formats (artifacts.md 6.5): JSON Schema, Avro and
// Protobuf. Rules compare schemas across sides, look up ordering-key properties, find closed-schema
// markers and PII annotations without caring which format the producer chose. Building a model
// never throws: an unreadable schema comes back as an error the rule can skip or report.
import protobuf from 'protobufjs';
import { currentTypeOf } from './classify.js';
import type { KeyPath } from './structured.js';
import type { ParsedArtifact, SchemaArtifact } from './model.js';

export const DEFAULT_MAX_SCHEMA_BYTES = 1024 * 1024;
/** Real payloads nest a handful of levels; the cap keeps self-referencing types finite. */
export const MAX_SCHEMA_DEPTH = 32;
/** A schema with more fields than this is generated, not written; the rest is not modelled. */
export const MAX_SCHEMA_FIELDS = 5000;
/**
 * Subschemas one JSON Schema walk may visit (each `allOf` branch, `items` and property it reaches
 * counts, also one skipped as already walked). Real payload schemas need a few thousand; `$ref`
 * fan-out that memoisation cannot collapse (a definition of many branches referenced from thousands
 * of properties) is refused as too large rather than walked for minutes.
 */
export const MAX_SCHEMA_NODES = 100_000;
/**
 * Subschemas one JSON Schema walk may visit inside `oneOf` / `anyOf` branches. Each branch opens its
 * own paths (`reward<kind=cash>.amount`), so memoisation by path cannot collapse branches that
 * reference one definition: past this budget the branches are left unmodelled (the model comes back
 * `truncated`) instead of the whole schema being refused.
 */
export const MAX_SCHEMA_BRANCH_NODES = 100_000;
/**
 * protobufjs' parser re-indexes a message's fields on every field it adds, so one message costs the
 * square of its field count (4,000 fields 0.8 s, 8,000 3.7 s, 16,000 19 s). Before parsing, a linear
 * scan counts the field statements of each message (a `oneof`'s count toward its message) and of the
 * whole file; a file over either cap is refused as too large.
 */
export const MAX_PROTO_FIELD_DECLARATIONS = 2000;
export const MAX_PROTO_FILE_FIELD_DECLARATIONS = 20_000;

export type SchemaFormat = 'json' | 'avsc' | 'proto';

export interface Constraints {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

export interface SchemaField {
  /** Dotted path from the payload root: `address.street`; array items add `[]` (`lines[].sku`). */
  path: string;
  name: string;
  /** Path of the object holding the field; '' for root-level fields. */
  parent: string;
  /**
   * Normalised type: JSON Schema `string`, `integer|null`, `object`, `array`; Avro `long`,
   * `record:Address`, `enum:Status`, `null|string` (union members sorted); Protobuf the declared
   * type (`string`, `Address`, `map<string,int32>`, `repeated string`).
   */
  type: string;
  /**
   * `type` with named types resolved to their full names (`record:com.example.Address`,
   * `repeated com.example.v1.Order.Line`), for comparisons: the same type may be written short or
   * fully qualified. Absent when no name resolves.
   */
  typeKey?: string;
  required: boolean;
  hasDefault: boolean;
  default?: unknown;
  /** Enum values or symbols the field is restricted to; null when it is not an enum. */
  enumValues: string[] | null;
  /** JSON Schema `const`, as JSON text (`"award"`, `3`); absent when the field has none. */
  constValue?: string;
  /** Avro enum `default` symbol (present only for Avro enums). */
  enumDefault?: string | null;
  /** JSON Schema `$ref` of the property as written; null when it has none. */
  ref: string | null;
  /**
   * JSON Schema: the `$ref` is local (`#/...`) and points at a schema object of the document, whose
   * content the model walks (so two such refs compare by what they resolve to, not by their text).
   */
  refResolves?: boolean;
  constraints: Constraints;
  /** Avro field aliases. */
  aliases: string[];
  /** Protobuf field number. */
  number?: number;
  /** Whether the schema classifies the field (x-pii, x-classification, Avro pii/doc, proto comment/option). */
  annotated: boolean;
  /** The classification: true = personal data, false = explicitly not; null when not annotated. */
  pii: boolean | null;
  /** Line of the field's key (JSON/Avro name, Protobuf declaration). */
  line: number;
  /** Key path of the field schema in its file (JSON/YAML), for finer line lookups. */
  keyPath?: KeyPath;
}

/**
 * JSON Schema: the schema an array's items (`tags[]`), a map's values (`additionalProperties`,
 * `meta.*`) or one branch of a `oneOf` / `anyOf` (`reward<kind=cash>`, see `branchLabels`) must
 * match. They are not properties, so they are kept apart from `fields`: the PII and ordering-key
 * rules read property names, while a consumer breaks the same way when an item's type changes as
 * when a property's does.
 */
export interface SchemaElement {
  path: string;
  /** Path of the array, map, or of the schema holding the `oneOf` / `anyOf`. */
  parent: string;
  kind: 'items' | 'values' | 'branch';
  type: string;
  enumValues: string[] | null;
  constValue?: string;
  ref: string | null;
  /** See `SchemaField.refResolves`. */
  refResolves?: boolean;
  /** Line of the `items` or `additionalProperties` key, or of the branch. */
  line: number;
}

/** JSON Schema: a `oneOf` / `anyOf` list, by the path of the schema holding it. */
export interface SchemaUnion {
  path: string;
  keyword: 'oneOf' | 'anyOf';
  /** Line of the `oneOf` / `anyOf` key. */
  line: number;
}

export type ClosedMarkerKind = 'additionalProperties' | 'unevaluatedProperties' | 'enum' | 'avro-enum-without-default';

export interface ClosedMarker {
  kind: ClosedMarkerKind;
  /** The object or field path the marker closes ('' for the root object). */
  path: string;
  line: number;
  /** How to name it in a message: `additionalProperties: false at the root`, `enum on status`. */
  description: string;
}

export interface SchemaObject {
  /** '' for the root. */
  path: string;
  /** Line of the object's `properties` key (JSON Schema), `fields` key (Avro) or `message` (Protobuf). */
  propertiesLine: number;
}

export interface ProtoMessageInfo {
  name: string;
  line: number;
  reservedNumbers: [number, number][];
  reservedNames: string[];
}

export interface ProtoEnumInfo {
  name: string;
  line: number;
  values: Map<string, { number: number; line: number }>;
}

export interface SchemaModel {
  format: SchemaFormat;
  path: string;
  fields: SchemaField[];
  objects: SchemaObject[];
  closedMarkers: ClosedMarker[];
  /** JSON Schema only: array items, map values and `oneOf` / `anyOf` branches by path. */
  elements?: SchemaElement[];
  /**
   * JSON Schema only: properties reached through a `oneOf` / `anyOf` branch (`reward<kind=cash>.amount`).
   * Kept apart from `fields` (which the PII, ordering-key and closed-schema rules read) so reading
   * the branches changes only the rules that ask for them; their closed markers are not collected.
   */
  branchFields?: SchemaField[];
  /** JSON Schema only: every `oneOf` / `anyOf` list the walk reached. */
  unions?: SchemaUnion[];
  /**
   * JSON Schema only: the branches' own budget cut their walk short, so which branch properties are
   * modelled depends on the branches' order and count; they cannot be compared between versions.
   */
  branchesTruncated?: boolean;
  /** Protobuf only: every message and enum of the file by full name. */
  protoMessages?: Map<string, ProtoMessageInfo>;
  protoEnums?: Map<string, ProtoEnumInfo>;
  /** Protobuf only: field lists of every message (by full message name), root or not. */
  protoFields?: Map<string, SchemaField[]>;
  /** True when the field or depth cap cut the model short. */
  truncated: boolean;
}

/** `tooLarge`: refused by a size or work cap (coverage reason `too-large`), not for its content. */
export type SchemaModelResult = { ok: true; model: SchemaModel } | { ok: false; error: string; line: number | null; tooLarge?: boolean };

export interface SchemaModelOptions {
  maxBytes?: number;
}

/** The field model of a schema artifact, by its format (classification `format`, else extension). */
export function schemaModelOf(artifact: SchemaArtifact, options: SchemaModelOptions = {}): SchemaModelResult {
  const format = artifact.classification.format ?? formatOfPath(artifact.path);
  if (!format) return { ok: false, error: 'unknown schema format', line: null };
  if (format === 'proto') return protoModel(artifact.path, artifact.text, options);
  if (artifact.syntax === 'text') return { ok: false, error: 'schema is not JSON', line: null };
  return format === 'avsc'
    ? avroModel(artifact.path, artifact.value, artifact.lineOf)
    : jsonSchemaModel(artifact.path, artifact.value, artifact.lineOf);
}

export function formatOfPath(path: string): SchemaFormat | null {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext === 'json' || ext === 'avsc' || ext === 'proto' ? ext : null;
}

const cache = new WeakMap<object, SchemaModelResult>();

/** Cached per artifact object: several rules read the same schema in one run. */
export function cachedSchemaModel(artifact: SchemaArtifact): SchemaModelResult {
  let result = cache.get(artifact);
  if (!result) {
    result = schemaModelOf(artifact);
    cache.set(artifact, result);
  }
  return result;
}

/**
 * Why a schema the rules read cannot be modelled, as a coverage entry (the artifact model lists it
 * in `skipped`); null when it models. Schema files: their model failed (a Protobuf syntax error, an
 * Avro root that is not a record, a JSON Schema root that is not an object, a cap). AsyncAPI files:
 * an inline or local payload or `components.schemas` entry over the JSON Schema walk budget (other
 * failures there are not schemas the rules would read). The schema checks (breaking changes, PII,
 * closed schemas, ordering keys) skip such a schema, so the review must say they did not run.
 */
export function schemaCoverageProblem(artifact: ParsedArtifact): { reason: 'too-large' | 'unparseable'; detail: string } | null {
  const type = currentTypeOf(artifact.type);
  const problem = (error: string, tooLarge: boolean | undefined) => ({
    reason: tooLarge ? ('too-large' as const) : ('unparseable' as const),
    detail: `${error}; its schema checks did not run`,
  });
  if (type === 'schema' && artifact.syntax !== 'markdown') {
    const result = cachedSchemaModel(artifact);
    return result.ok ? null : problem(result.error, result.tooLarge);
  }
  if (type === 'asyncapi' && (artifact.syntax === 'yaml' || artifact.syntax === 'json')) {
    for (const { value, keyPath } of asyncApiSchemas(artifact.value)) {
      const result = jsonSchemaModel(artifact.path, value, artifact.lineOf, { root: keyPath, document: artifact.value });
      if (!result.ok && result.tooLarge) return problem(`${result.error} at ${keyPath.join('.')}`, true);
    }
  }
  return null;
}

/** `components.schemas` entries and every `payload` (not under examples) of an AsyncAPI document. */
function asyncApiSchemas(document: unknown): { value: unknown; keyPath: KeyPath }[] {
  const out: { value: unknown; keyPath: KeyPath }[] = [];
  const schemas = isObject(document) && isObject(document.components) ? document.components.schemas : undefined;
  if (isObject(schemas)) for (const [name, value] of Object.entries(schemas)) out.push({ value, keyPath: ['components', 'schemas', name] });
  // YAML aliases share nodes: each object is visited once.
  const visited = new WeakSet<object>();
  const stack: { node: unknown; keyPath: KeyPath }[] = [{ node: document, keyPath: [] }];
  while (stack.length > 0) {
    const { node, keyPath } = stack.pop()!;
    if (typeof node !== 'object' || node === null || visited.has(node)) continue;
    visited.add(node);
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, value] of entries) {
      if (key === 'examples' || key === 'example') continue;
      if (key === 'payload' && isObject(value)) out.push({ value, keyPath: [...keyPath, key] });
      else stack.push({ node: value, keyPath: [...keyPath, key] });
    }
  }
  return out;
}

/** Fields directly under the payload root. */
export function rootFields(model: SchemaModel): SchemaField[] {
  return model.fields.filter((f) => f.parent === '');
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

type LineOf = (path: KeyPath) => number | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const joinPath = (parent: string, name: string) => (parent === '' ? name : `${parent}.${name}`);

/** `x-classification` values that mean "not personal data"; any other class marks the field as PII. */
const NON_PII_CLASSES = /^(none|public|internal|non[-_ ]?pii|not[-_ ]?pii|no[-_ ]?pii|false)$/i;

function classificationPii(value: unknown): boolean {
  return !(typeof value === 'string' && NON_PII_CLASSES.test(value.trim()));
}

/** A doc text or comment mentioning PII; "non-PII" and "not PII" classify a field as not personal. */
function textPii(text: string): { annotated: boolean; pii: boolean | null } {
  const explicit = /\bpii\s*[:=]\s*(true|false|yes|no)\b/i.exec(text);
  if (explicit) return { annotated: true, pii: /true|yes/i.test(explicit[1]) };
  if (!/pii/i.test(text)) return { annotated: false, pii: null };
  if (/\b(non|not|no)[-_ ]?pii\b/i.test(text)) return { annotated: true, pii: false };
  return { annotated: true, pii: true };
}

function numberOrUndefined(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

export interface JsonSchemaOptions {
  /** Key path of the schema root inside its file (AsyncAPI `components.schemas.X`). */
  root?: KeyPath;
  /** The whole document, for `#/...` references when the schema is embedded in a larger file. */
  document?: unknown;
  /** Subschema budget (default MAX_SCHEMA_NODES). */
  maxNodes?: number;
  /** Subschema budget inside `oneOf` / `anyOf` branches (default MAX_SCHEMA_BRANCH_NODES). */
  maxBranchNodes?: number;
}

/**
 * JSON Schema (draft 4 to 2020-12, the keywords payload schemas use): `properties`, `required`,
 * `items`, `allOf`, local `$ref`s into the same document (`#/$defs/X`, `#/definitions/X`,
 * AsyncAPI `#/components/schemas/X`), cycles stopped at the first repeat. `oneOf` / `anyOf`
 * branches are walked too, each under its own path (`branchLabels`); what they hold goes to
 * `branchFields` and to `elements`, never to `fields`.
 */
export function jsonSchemaModel(path: string, value: unknown, lineOf: LineOf, options: JsonSchemaOptions = {}): SchemaModelResult {
  if (!isObject(value)) return { ok: false, error: 'JSON Schema root is not an object', line: 1 };
  const rootPath = options.root ?? [];
  const document = options.document ?? value;
  const maxNodes = options.maxNodes ?? MAX_SCHEMA_NODES;
  const maxBranchNodes = options.maxBranchNodes ?? MAX_SCHEMA_BRANCH_NODES;
  const elements = new Map<string, SchemaElement>();
  const branchFields: SchemaField[] = [];
  const branchFieldPaths = new Set<string>();
  const unions: SchemaUnion[] = [];
  const model: SchemaModel = { format: 'json', path, fields: [], objects: [], closedMarkers: [], truncated: false };
  const lineAt = (keyPath: KeyPath): number => lineOf(keyPath) ?? lineOf(rootPath) ?? 1;
  // The first schema found for a path wins, as for properties reached through several `allOf` branches.
  // Elements inside `oneOf` / `anyOf` branches (the branches included) are capped apart, so that
  // branches cannot crowd out the items and values of the properties.
  const elementCount = { main: 0, branch: 0 };
  const addElement = (
    kind: SchemaElement['kind'],
    raw: Record<string, unknown>,
    keyPath: KeyPath,
    parent: string,
    seen: Set<string>,
    inBranch: boolean,
    path?: string,
  ) => {
    const elementPath = path ?? (kind === 'items' ? `${parent}[]` : joinPath(parent, '*'));
    if (elements.has(elementPath)) return;
    const counter = inBranch || kind === 'branch' ? 'branch' : 'main';
    if (elementCount[counter] >= MAX_SCHEMA_FIELDS) {
      model.truncated = true;
      return;
    }
    elementCount[counter]++;
    const target = resolveLocalRef(document, raw, keyPath, seen)?.schema ?? raw;
    const constValue = jsonConst(raw) ?? jsonConst(target);
    elements.set(elementPath, {
      path: elementPath,
      parent,
      kind,
      type: jsonType(target),
      enumValues: Array.isArray(raw.enum) ? raw.enum.map(String) : Array.isArray(target.enum) ? target.enum.map(String) : null,
      ...(constValue !== undefined ? { constValue } : {}),
      ref: typeof raw.$ref === 'string' ? raw.$ref : null,
      ...(localRefResolves(document, raw) ? { refResolves: true } : {}),
      line: lineAt(keyPath),
    });
  };
  // A subschema reached again at the same field path (two `allOf` branches naming the same `$ref`,
  // a definition reached along several chains) adds nothing new: it is walked again only when
  // reached at a smaller depth, where the depth cap cuts it later. Without this a chain of
  // definitions that each reference the next twice is walked 2^n times.
  const walked = new WeakMap<object, Map<string, number>>();
  // Field paths already read from a subschema's `properties`, so a walk again does not repeat them.
  const read = new WeakMap<object, Set<string>>();
  let nodes = 0;
  let branchNodes = 0;
  let overBudget = false;

  /** `inBranch`: reached through a `oneOf` / `anyOf` branch (own budget, fields to `branchFields`). */
  const walkObject = (schema: Record<string, unknown>, keyPath: KeyPath, fieldPath: string, depth: number, seen: Set<string>, inBranch = false): void => {
    if (overBudget) return;
    if (inBranch) {
      if (++branchNodes > maxBranchNodes) {
        model.truncated = true;
        return;
      }
    } else if (++nodes > maxNodes) {
      overBudget = true;
      return;
    }
    const out = inBranch ? branchFields : model.fields;
    if (depth > MAX_SCHEMA_DEPTH || out.length >= MAX_SCHEMA_FIELDS) {
      model.truncated = true;
      return;
    }
    const resolved = resolveLocalRef(document, schema, keyPath, seen);
    if (!resolved) return;
    const { schema: s, keyPath: at, seen: nextSeen } = resolved;
    let depths = walked.get(s);
    if (!depths) walked.set(s, (depths = new Map()));
    const before = depths.get(fieldPath);
    if (before !== undefined && before <= depth) return;
    depths.set(fieldPath, depth);
    const first = before === undefined;
    const where = fieldPath === '' ? 'at the root' : `on ${fieldPath}`;
    if (first && !inBranch) {
      for (const keyword of ['additionalProperties', 'unevaluatedProperties'] as const) {
        if (s[keyword] === false) {
          model.closedMarkers.push({ kind: keyword, path: fieldPath, line: lineAt([...at, keyword]), description: `${keyword}: false ${where}` });
        }
      }
    }
    for (const [i, sub] of (Array.isArray(s.allOf) ? s.allOf : []).entries()) {
      if (isObject(sub)) walkObject(sub, [...at, 'allOf', i], fieldPath, depth + 1, nextSeen, inBranch);
    }
    const both = Array.isArray(s.oneOf) && Array.isArray(s.anyOf);
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const list = s[keyword];
      if (!Array.isArray(list)) continue;
      if (first) unions.push({ path: fieldPath, keyword, line: lineAt([...at, keyword]) });
      const labels = branchLabels(document, list);
      for (const [i, sub] of list.entries()) {
        // Past the branch budget or either cap, a branch can add nothing: stop, do not loop on.
        if (branchNodes >= maxBranchNodes || branchFields.length >= MAX_SCHEMA_FIELDS || elementCount.branch >= MAX_SCHEMA_FIELDS) {
          model.truncated = true;
          break;
        }
        if (!isObject(sub)) continue;
        // A schema with both lists (rare) keeps their branches apart.
        const branchPath = `${fieldPath}<${both && keyword === 'anyOf' ? 'anyOf ' : ''}${labels[i]}>`;
        addElement('branch', sub, [...at, keyword, i], fieldPath, nextSeen, true, branchPath);
        walkObject(sub, [...at, keyword, i], branchPath, depth + 1, nextSeen, true);
      }
    }
    if (isObject(s.items)) {
      addElement('items', s.items, [...at, 'items'], fieldPath, nextSeen, inBranch);
      walkObject(s.items, [...at, 'items'], `${fieldPath}[]`, depth + 1, nextSeen, inBranch);
    }
    if (isObject(s.additionalProperties)) {
      addElement('values', s.additionalProperties, [...at, 'additionalProperties'], fieldPath, nextSeen, inBranch);
      walkObject(s.additionalProperties, [...at, 'additionalProperties'], joinPath(fieldPath, '*'), depth + 1, nextSeen, inBranch);
    }
    if (!isObject(s.properties)) return;
    if (first) model.objects.push({ path: fieldPath, propertiesLine: lineAt([...at, 'properties']) });
    let done = read.get(s);
    if (!done) read.set(s, (done = new Set()));
    const required = new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
    for (const [name, raw] of Object.entries(s.properties)) {
      if (out.length >= MAX_SCHEMA_FIELDS) {
        model.truncated = true;
        return;
      }
      const propKeyPath = [...at, 'properties', name];
      const prop = isObject(raw) ? raw : {};
      const path = joinPath(fieldPath, name);
      if (!done.has(path) && !(inBranch && branchFieldPaths.has(path))) {
        done.add(path);
        if (inBranch) branchFieldPaths.add(path);
        const target = resolveLocalRef(document, prop, propKeyPath, nextSeen)?.schema ?? prop;
        const enumValues = Array.isArray(prop.enum) ? prop.enum.map(String) : Array.isArray(target.enum) ? target.enum.map(String) : null;
        const pii = jsonPii(prop);
        const constValue = jsonConst(prop) ?? jsonConst(target);
        out.push({
          path,
          name,
          parent: fieldPath,
          type: jsonType(target),
          required: required.has(name),
          hasDefault: 'default' in prop || 'default' in target,
          ...('default' in prop ? { default: prop.default } : 'default' in target ? { default: target.default } : {}),
          enumValues,
          ...(constValue !== undefined ? { constValue } : {}),
          ref: typeof prop.$ref === 'string' ? prop.$ref : null,
          ...(localRefResolves(document, prop) ? { refResolves: true } : {}),
          constraints: jsonConstraints(target),
          aliases: [],
          annotated: pii.annotated,
          pii: pii.pii,
          line: lineAt(propKeyPath),
          keyPath: propKeyPath,
        });
        if (Array.isArray(prop.enum) && !inBranch) {
          model.closedMarkers.push({ kind: 'enum', path, line: lineAt([...propKeyPath, 'enum']), description: `enum on ${path}` });
        }
      }
      walkObject(prop, propKeyPath, path, depth + 1, nextSeen, inBranch);
    }
  };

  walkObject(value, rootPath, '', 0, new Set());
  if (overBudget) {
    return {
      ok: false,
      error: `JSON Schema: more than ${maxNodes} subschemas to walk (allOf, items and $ref fan-out); not modelled`,
      line: null,
      tooLarge: true,
    };
  }
  model.closedMarkers.sort((a, b) => a.line - b.line);
  model.elements = [...elements.values()];
  model.branchFields = branchFields;
  model.unions = unions;
  model.branchesTruncated = branchNodes >= maxBranchNodes || branchFields.length >= MAX_SCHEMA_FIELDS || elementCount.branch >= MAX_SCHEMA_FIELDS;
  return { ok: true, model };
}

/** A `$ref` into the same document that points at a schema object (see `SchemaField.refResolves`). */
function localRefResolves(document: unknown, schema: Record<string, unknown>): boolean {
  const ref = schema.$ref;
  return typeof ref === 'string' && ref.startsWith('#') && isObject(valueAt(document, parsePointer(ref.slice(1))));
}

const MAX_BRANCH_LABEL = 60;
const MAX_DISCRIMINATOR_CANDIDATES = 64;
const branchLabelCache = new WeakMap<object, string[]>();

/**
 * Names for the branches of one `oneOf` / `anyOf` list, stable when branches are reordered or one is
 * added: the branch's own `const` (`const=award`); else a discriminator, the first property whose
 * `const` (or one-value `enum`) no other branch of the list shares (`kind=cash`); else the last
 * segment of its `$ref` (`Cash`), its `title`, its `type` (`string`, `null`), the first branch to
 * claim each; else its 1-based position (`#2`). `$ref`s are followed to find the const, title and type.
 */
function branchLabels(document: unknown, list: unknown[]): string[] {
  const cached = branchLabelCache.get(list);
  if (cached) return cached;
  const targets = list.map((sub) => (isObject(sub) ? (resolveLocalRef(document, sub, [], new Set())?.schema ?? sub) : {}));
  const consts = targets.map((target, i) => {
    const own = isObject(list[i]) ? jsonConst(list[i] as Record<string, unknown>) ?? jsonConst(target) : undefined;
    return own === undefined ? undefined : scalarText(own);
  });
  const discriminators = targets.map((target) => {
    const out: string[] = [];
    if (!isObject(target.properties)) return out;
    for (const [name, raw] of Object.entries(target.properties)) {
      if (out.length >= MAX_DISCRIMINATOR_CANDIDATES) break;
      if (!isObject(raw)) continue;
      const value = jsonConst(raw) ?? (Array.isArray(raw.enum) && raw.enum.length === 1 ? jsonConst({ const: raw.enum[0] }) : undefined);
      const text = value === undefined ? undefined : scalarText(value);
      if (text !== undefined) out.push(`${name}=${text}`);
    }
    return out;
  });
  const counts = new Map<string, number>();
  for (const candidates of discriminators) for (const c of new Set(candidates)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const refs = list.map((sub) => (isObject(sub) && typeof sub.$ref === 'string' ? sub.$ref.slice(sub.$ref.lastIndexOf('/') + 1) || undefined : undefined));
  const titles = targets.map((t) => (typeof t.title === 'string' && t.title.trim() !== '' ? t.title.trim() : undefined));
  const types = targets.map((t) => (typeof t.type === 'string' || Array.isArray(t.type) ? jsonType(t) : undefined));
  const used = new Set<string>();
  const labels = list.map((_, i) => {
    const options = [
      consts[i] === undefined ? undefined : `const=${consts[i]}`,
      discriminators[i].find((c) => counts.get(c) === 1),
      refs[i],
      titles[i],
      types[i],
    ];
    for (const option of options) {
      if (option === undefined) continue;
      const label = option.replace(/[<>]/g, '_').slice(0, MAX_BRANCH_LABEL);
      if (used.has(label)) continue;
      used.add(label);
      return label;
    }
    return `#${i + 1}`;
  });
  branchLabelCache.set(list, labels);
  return labels;
}

/** A const's JSON text as a label: strings unquoted; objects and arrays are not labels. */
function scalarText(json: string): string | undefined {
  if (json.startsWith('{') || json.startsWith('[')) return undefined;
  if (!json.startsWith('"')) return json;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'string' ? value : json;
  } catch {
    return json;
  }
}

/**
 * Follows a chain of `#/...` references inside the document. Returns the schema to read and the
 * key path it lives at (for line lookups); null when a reference repeats (a cycle).
 */
function resolveLocalRef(
  document: unknown,
  schema: Record<string, unknown>,
  keyPath: KeyPath,
  seen: Set<string>,
): { schema: Record<string, unknown>; keyPath: KeyPath; seen: Set<string> } | null {
  let current = schema;
  let at = keyPath;
  let visited = seen;
  for (let hops = 0; typeof current.$ref === 'string' && current.$ref.startsWith('#'); hops++) {
    const ref = current.$ref;
    if (visited.has(ref) || hops > 16) return null;
    visited = new Set(visited).add(ref);
    const pointer = parsePointer(ref.slice(1));
    const target = valueAt(document, pointer);
    if (!isObject(target)) return { schema: current, keyPath: at, seen: visited };
    // Pointers are relative to the whole file, so they double as key paths for line lookups.
    at = pointer;
    current = target;
  }
  return { schema: current, keyPath: at, seen: visited };
}

/** RFC 6901 pointer (`/components/schemas/A~1B`) to key segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => safeDecode(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `%zz` is not a valid escape: the segment is kept as written (building a model never throws). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function valueAt(document: unknown, path: readonly (string | number)[]): unknown {
  let node: unknown = document;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = Object.hasOwn(node, String(segment)) ? node[String(segment)] : undefined;
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

function jsonType(schema: Record<string, unknown>): string {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map(String).sort().join('|');
  if (typeof schema.$ref === 'string') return `ref:${schema.$ref}`;
  if (isObject(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  if (Array.isArray(schema.enum)) return 'enum';
  if (Array.isArray(schema.oneOf)) return 'oneOf';
  if (Array.isArray(schema.anyOf)) return 'anyOf';
  return 'any';
}

function jsonConst(schema: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(schema, 'const')) return undefined;
  try {
    return JSON.stringify(schema.const) ?? 'undefined';
  } catch {
    // A YAML alias can make the value cyclic, which JSON.stringify refuses; building a model never throws.
    return String(schema.const);
  }
}

function jsonConstraints(schema: Record<string, unknown>): Constraints {
  const out: Constraints = {};
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const) {
    const v = numberOrUndefined(schema[key]);
    if (v !== undefined) out[key] = v;
  }
  if (typeof schema.pattern === 'string') out.pattern = schema.pattern;
  return out;
}

function jsonPii(prop: Record<string, unknown>): { annotated: boolean; pii: boolean | null } {
  if (typeof prop['x-pii'] === 'boolean') return { annotated: true, pii: prop['x-pii'] };
  if (prop['x-classification'] !== undefined) return { annotated: true, pii: classificationPii(prop['x-classification']) };
  return { annotated: false, pii: null };
}

// ---------------------------------------------------------------------------------------------
// Avro

const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Avro schema JSON: records (nested too), enums, arrays, maps, unions and named-type references. */
export function avroModel(path: string, value: unknown, lineOf: LineOf): SchemaModelResult {
  if (!isObject(value) || value.type !== 'record' || !Array.isArray(value.fields)) {
    return { ok: false, error: 'Avro schema root is not a record with fields', line: 1 };
  }
  const model: SchemaModel = { format: 'avsc', path, fields: [], objects: [], closedMarkers: [], truncated: false };
  const named = new Map<string, Record<string, unknown>>();
  const lineAt = (keyPath: KeyPath): number => lineOf(keyPath) ?? 1;

  const walkRecord = (record: Record<string, unknown>, keyPath: KeyPath, fieldPath: string, depth: number, seen: Set<string>, enclosing: string | null) => {
    if (depth > MAX_SCHEMA_DEPTH || model.fields.length >= MAX_SCHEMA_FIELDS) {
      model.truncated = true;
      return;
    }
    const ns = registerAvroName(named, record, enclosing);
    const fields = Array.isArray(record.fields) ? record.fields : [];
    model.objects.push({ path: fieldPath, propertiesLine: lineAt([...keyPath, 'fields']) });
    for (const [i, raw] of fields.entries()) {
      if (!isObject(raw) || typeof raw.name !== 'string') continue;
      if (model.fields.length >= MAX_SCHEMA_FIELDS) {
        model.truncated = true;
        return;
      }
      const fieldKeyPath = [...keyPath, 'fields', i];
      const path = joinPath(fieldPath, raw.name);
      const typeKeyPath = [...fieldKeyPath, 'type'];
      const info = avroTypeInfo(raw.type, named, typeKeyPath, ns);
      const pii = avroPii(raw);
      model.fields.push({
        path,
        name: raw.name,
        parent: fieldPath,
        type: info.type,
        ...(info.key !== info.type ? { typeKey: info.key } : {}),
        required: !('default' in raw),
        hasDefault: 'default' in raw,
        ...('default' in raw ? { default: raw.default } : {}),
        enumValues: info.enumSchema ? stringArray(info.enumSchema.schema.symbols) : null,
        ...(info.enumSchema ? { enumDefault: typeof info.enumSchema.schema.default === 'string' ? info.enumSchema.schema.default : null } : {}),
        ref: null,
        constraints: {},
        aliases: stringArray(raw.aliases),
        annotated: pii.annotated,
        pii: pii.pii,
        line: lineAt([...fieldKeyPath, 'name']),
        keyPath: fieldKeyPath,
      });
      if (info.enumSchema && typeof info.enumSchema.schema.default !== 'string' && info.enumSchema.defined) {
        model.closedMarkers.push({
          kind: 'avro-enum-without-default',
          path,
          line: lineAt(info.enumSchema.keyPath),
          description: `Avro enum ${String(info.enumSchema.schema.name ?? path)} without a default symbol`,
        });
      }
      if (info.record) {
        const name = String(info.record.schema.name ?? '');
        if (!seen.has(name)) walkRecord(info.record.schema, info.record.keyPath, path, depth + 1, new Set(seen).add(name), info.record.namespace);
      }
    }
  };

  walkRecord(value, [], '', 0, new Set([String(value.name ?? '')]), null);
  model.closedMarkers.sort((a, b) => a.line - b.line);
  return { ok: true, model };
}

interface AvroTypeInfo {
  type: string;
  /**
   * `type` with named types by their own name, whatever the reference wrote: schema resolution
   * matches records, enums and fixed by unqualified name (Avro specification, "Schema Resolution"),
   * so `Address`, `com.example.Address` and a moved namespace are one type (`SchemaField.typeKey`).
   */
  key: string;
  /** The record this field holds (directly, in a union, array or map), to walk its fields. */
  record?: { schema: Record<string, unknown>; keyPath: KeyPath; namespace: string | null };
  /** `defined`: the enum is declared here (a marker belongs to its declaration, not its uses). */
  enumSchema?: { schema: Record<string, unknown>; keyPath: KeyPath; defined: boolean };
}

/**
 * Avro names (specification, "Names"): a name with a dot is a full name; otherwise the type's own
 * `namespace`, else the enclosing one, qualifies it. Registered by full name and by bare name (the
 * bare name as a fallback for references this resolution misses). Returns the namespace the
 * type's fields resolve their references in.
 */
function registerAvroName(named: Map<string, Record<string, unknown>>, schema: Record<string, unknown>, enclosing: string | null): string | null {
  if (typeof schema.name !== 'string') return enclosing;
  const full = avroFullName(schema.name, typeof schema.namespace === 'string' && schema.namespace ? schema.namespace : enclosing);
  named.set(full, schema);
  avroFullNames.set(schema, full);
  if (!named.has(schema.name)) named.set(schema.name, schema);
  const dot = full.lastIndexOf('.');
  return dot === -1 ? null : full.slice(0, dot);
}

const avroFullNames = new WeakMap<object, string>();

function avroFullName(name: string, namespace: string | null): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function avroTypeInfo(type: unknown, named: Map<string, Record<string, unknown>>, keyPath: KeyPath, ns: string | null): AvroTypeInfo {
  if (typeof type === 'string') {
    if (AVRO_PRIMITIVES.has(type)) return { type, key: type };
    const full = avroFullName(type, ns);
    const target = named.get(full) ?? named.get(type);
    if (!target) return { type, key: unqualified(full) };
    const targetName = avroFullNames.get(target) ?? full;
    const key = `${String(target.type)}:${unqualified(targetName)}`;
    if (target.type === 'record') return { type: `record:${type}`, key, record: { schema: target, keyPath, namespace: namespaceOf(targetName) } };
    if (target.type === 'enum') return { type: `enum:${type}`, key, enumSchema: { schema: target, keyPath, defined: false } };
    return { type: `${String(target.type)}:${type}`, key };
  }
  if (Array.isArray(type)) {
    const members = type.map((t, i) => avroTypeInfo(t, named, [...keyPath, i], ns));
    const out: AvroTypeInfo = { type: members.map((m) => m.type).sort().join('|'), key: members.map((m) => m.key).sort().join('|') };
    const record = members.find((m) => m.record)?.record;
    const enumSchema = members.find((m) => m.enumSchema)?.enumSchema;
    if (record) out.record = record;
    if (enumSchema) out.enumSchema = enumSchema;
    return out;
  }
  if (!isObject(type)) return { type: 'unknown', key: 'unknown' };
  const kind = String(type.type);
  let inner = ns;
  let full = '';
  if (typeof type.name === 'string' && (kind === 'record' || kind === 'enum' || kind === 'fixed')) {
    inner = registerAvroName(named, type, ns);
    full = avroFullName(type.name, typeof type.namespace === 'string' && type.namespace ? type.namespace : ns);
  }
  if (typeof type.logicalType === 'string' && AVRO_PRIMITIVES.has(kind)) return { type: kind, key: kind };
  switch (kind) {
    case 'record':
      return { type: `record:${String(type.name)}`, key: `record:${unqualified(full)}`, record: { schema: type, keyPath, namespace: inner } };
    case 'enum':
      return { type: `enum:${String(type.name)}`, key: `enum:${unqualified(full)}`, enumSchema: { schema: type, keyPath, defined: true } };
    case 'array': {
      const item = avroTypeInfo(type.items, named, [...keyPath, 'items'], ns);
      return { ...item, type: `array<${item.type}>`, key: `array<${item.key}>` };
    }
    case 'map': {
      const value = avroTypeInfo(type.values, named, [...keyPath, 'values'], ns);
      return { ...value, type: `map<${value.type}>`, key: `map<${value.key}>` };
    }
    default:
      return avroTypeInfo(kind, named, keyPath, ns);
  }
}

function unqualified(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function namespaceOf(name: string): string | null {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? null : name.slice(0, dot);
}

function avroPii(field: Record<string, unknown>): { annotated: boolean; pii: boolean | null } {
  if (typeof field.pii === 'boolean') return { annotated: true, pii: field.pii };
  if (field['x-pii'] !== undefined && typeof field['x-pii'] === 'boolean') return { annotated: true, pii: field['x-pii'] };
  if (typeof field.doc === 'string') return textPii(field.doc);
  return { annotated: false, pii: null };
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

// ---------------------------------------------------------------------------------------------
// Protobuf

const PROTO_SCALARS = new Set([
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64',
  'sfixed32', 'sfixed64', 'bool', 'string', 'bytes',
]);

/**
 * Protobuf via protobufjs' parser. The payload root is the first top-level message of the file;
 * messages it references are walked as nested paths. protobufjs keeps no source positions, so
 * lines come from a scan of the text for each declaration.
 */
export function protoModel(path: string, text: string, options: SchemaModelOptions = {}): SchemaModelResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SCHEMA_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return { ok: false, error: `${bytes} bytes, over the Protobuf limit of ${maxBytes}`, line: null, tooLarge: true };
  const crowded = protoFieldCount(text);
  if (crowded) return { ok: false, error: `Protobuf: ${crowded}`, line: null, tooLarge: true };
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, { keepCase: true, alternateCommentMode: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = /\(line (\d+)\)/.exec(message)?.[1];
    return { ok: false, error: `Protobuf: ${message}`, line: line ? Number(line) : null };
  }
  const lines = text.split(/\r?\n/);
  const locator = new ProtoLocator(lines);
  const model: SchemaModel = {
    format: 'proto',
    path,
    fields: [],
    objects: [],
    closedMarkers: [],
    protoMessages: new Map(),
    protoEnums: new Map(),
    protoFields: new Map(),
    truncated: false,
  };

  const types: protobuf.Type[] = [];
  const collect = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        types.push(nested);
        collect(nested);
      } else if (nested instanceof protobuf.Enum) {
        const line = locator.declaration('enum', nested.name);
        const values = new Map<string, { number: number; line: number }>();
        for (const [name, number] of Object.entries(nested.values)) values.set(name, { number, line: locator.enumValue(name, number, line) });
        model.protoEnums!.set(fullName(nested), { name: fullName(nested), line, values });
      } else if (nested instanceof protobuf.Namespace) {
        collect(nested);
      }
    }
  };
  collect(parsed.root);

  for (const type of types) {
    const line = locator.declaration('message', type.name);
    const reserved = type.reserved ?? [];
    model.protoMessages!.set(fullName(type), {
      name: fullName(type),
      line,
      reservedNumbers: reserved.filter((r): r is number[] => Array.isArray(r)).map((r) => [r[0], r[1]] as [number, number]),
      reservedNames: reserved.filter((r): r is string => typeof r === 'string'),
    });
    model.protoFields!.set(fullName(type), type.fieldsArray.map((f) => protoField(f, '', line, locator)));
  }

  const root = types.find((t) => t.parent === parsed.root || !(t.parent instanceof protobuf.Type));
  if (root) {
    const walk = (type: protobuf.Type, fieldPath: string, depth: number, seen: Set<string>) => {
      if (depth > MAX_SCHEMA_DEPTH || model.fields.length >= MAX_SCHEMA_FIELDS) {
        model.truncated = true;
        return;
      }
      const info = model.protoMessages!.get(fullName(type))!;
      model.objects.push({ path: fieldPath, propertiesLine: info.line });
      for (const f of type.fieldsArray) {
        const field = protoField(f, fieldPath, info.line, locator);
        const enumType = resolveProto(type, f.type);
        if (enumType instanceof protobuf.Enum) field.enumValues = Object.keys(enumType.values);
        model.fields.push(field);
        const child = resolveProto(type, f.type);
        if (child instanceof protobuf.Type && !seen.has(fullName(child))) {
          walk(child, field.path, depth + 1, new Set(seen).add(fullName(child)));
        }
      }
    };
    walk(root, '', 0, new Set([fullName(root)]));
  }
  return { ok: true, model };
}

function fullName(obj: protobuf.ReflectionObject): string {
  return obj.fullName.replace(/^\./, '');
}

/** The type's full name, or null when this file alone cannot resolve it (an imported file's type). */
function protoTypeName(scope: protobuf.Type, typeName: string): string | null {
  try {
    return fullName(scope.lookupTypeOrEnum(typeName));
  } catch {
    return null;
  }
}

function resolveProto(scope: protobuf.Type, typeName: string): protobuf.ReflectionObject | null {
  if (PROTO_SCALARS.has(typeName)) return null;
  try {
    return scope.lookup(typeName);
  } catch {
    return null;
  }
}

function protoField(f: protobuf.Field, parent: string, messageLine: number, locator: ProtoLocator): SchemaField {
  const options = f.options ?? {};
  const optionPii = Object.entries(options).find(([key]) => /pii/i.test(key));
  let pii: { annotated: boolean; pii: boolean | null } = { annotated: false, pii: null };
  if (optionPii) pii = { annotated: true, pii: optionPii[1] === true || optionPii[1] === 'true' };
  else if (f.comment) pii = textPii(f.comment);
  const mapKey = (f as protobuf.Field & { keyType?: string }).keyType;
  const type = f.map ? `map<${mapKey ?? '?'},${f.type}>` : f.repeated ? `repeated ${f.type}` : f.type;
  // `Line`, `Order.Line` and `.pkg.Order.Line` name one type; compare them by the full name.
  const scope = f.parent instanceof protobuf.Type ? f.parent : null;
  // A type this file cannot resolve (declared in an imported .proto) is keyed `?` + the name as
  // written; the rule matches an unqualified one to a resolved type of the same last segment.
  const resolved = PROTO_SCALARS.has(f.type) || !scope ? f.type : protoTypeName(scope, f.type) ?? `?${f.type.replace(/^\./, '')}`;
  const typeKey = f.map ? `map<${mapKey ?? '?'},${resolved}>` : f.repeated ? `repeated ${resolved}` : resolved;
  return {
    path: joinPath(parent, f.name),
    name: f.name,
    parent,
    type,
    ...(typeKey !== type ? { typeKey } : {}),
    required: f.rule === 'required',
    hasDefault: options.default !== undefined,
    ...(options.default !== undefined ? { default: options.default } : {}),
    enumValues: null,
    ref: null,
    constraints: {},
    aliases: [],
    number: f.id,
    annotated: pii.annotated,
    pii: pii.pii,
    line: locator.field(f.name, f.id, messageLine),
  };
}

/**
 * Finds declaration lines in Protobuf text (comments stripped so they cannot match). The lines are
 * indexed once: `message X` / `enum X` by name, `name = number` by both, each with its lines in order,
 * so a look-up is a binary search instead of a scan of the file (quadratic for a large message).
 */
class ProtoLocator {
  private readonly declarations = new Map<string, number>();
  private readonly assignments = new Map<string, number[]>();

  constructor(lines: string[]) {
    let inBlock = false;
    const declaration = /\b(message|enum)\s+([A-Za-z_]\w*)\b/g;
    const assignment = /\b([A-Za-z_]\w*)\s*=\s*(-?\d+)\b/g;
    lines.forEach((line, index) => {
      let code = '';
      for (let i = 0; i < line.length; i++) {
        if (inBlock) {
          const end = line.indexOf('*/', i);
          if (end < 0) break;
          inBlock = false;
          i = end + 1;
          continue;
        }
        if (line.startsWith('/*', i)) {
          inBlock = true;
          i++;
          continue;
        }
        if (line.startsWith('//', i)) break;
        code += line[i];
      }
      for (const m of code.matchAll(declaration)) {
        const key = `${m[1]} ${m[2]}`;
        if (!this.declarations.has(key)) this.declarations.set(key, index);
      }
      for (const m of code.matchAll(assignment)) {
        const key = `${m[1]}=${m[2]}`;
        const at = this.assignments.get(key);
        if (!at) this.assignments.set(key, [index]);
        else if (at[at.length - 1] !== index) at.push(index);
      }
    });
  }

  declaration(keyword: 'message' | 'enum', name: string): number {
    const index = this.declarations.get(`${keyword} ${name}`);
    return index === undefined ? 1 : index + 1;
  }

  /** The first `name = id` at or after line `from`, else the first anywhere, else `from`. */
  field(name: string, id: number, from: number): number {
    const at = this.assignments.get(`${name}=${id}`);
    if (!at) return from;
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid] < from - 1) lo = mid + 1;
      else hi = mid;
    }
    return (lo < at.length ? at[lo] : at[0]) + 1;
  }

  enumValue(name: string, number: number, from: number): number {
    return this.field(name, number, from);
  }
}

/**
 * Counts field statements per message before protobufjs parses the text (see
 * MAX_PROTO_FIELD_DECLARATIONS): one pass over the characters, skipping comments and strings. A
 * statement is a `;` directly in a message (or `extend`) block or in a `oneof` (whose fields belong
 * to its message); enum values, service methods and option literals are not fields. Returns why the file is
 * refused, or null.
 */
function protoFieldCount(text: string): string | null {
  interface Frame {
    counter: { n: number } | null;
  }
  const stack: Frame[] = [{ counter: null }];
  let total = 0;
  let keyword: string | null = null;
  let expectKeyword = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j;
      expectKeyword = false;
      continue;
    }
    if (c === '{') {
      const parent = stack[stack.length - 1];
      // `extend` fields are added to the extended message, at the same cost.
      const counter = keyword === 'message' || keyword === 'group' || keyword === 'extend' ? { n: 0 } : keyword === 'oneof' ? parent.counter : null;
      stack.push({ counter });
      keyword = null;
      expectKeyword = true;
      continue;
    }
    if (c === '}') {
      if (stack.length > 1) stack.pop();
      keyword = null;
      expectKeyword = true;
      continue;
    }
    if (c === ';') {
      const counter = stack[stack.length - 1].counter;
      if (counter) {
        counter.n++;
        total++;
        if (counter.n > MAX_PROTO_FIELD_DECLARATIONS) {
          return `more than ${MAX_PROTO_FIELD_DECLARATIONS} field statements in one message, over the Protobuf limit (parse time grows with their square)`;
        }
        if (total > MAX_PROTO_FILE_FIELD_DECLARATIONS) return `more than ${MAX_PROTO_FILE_FIELD_DECLARATIONS} field statements, over the Protobuf limit`;
      }
      keyword = null;
      expectKeyword = true;
      continue;
    }
    if (identStart(text.charCodeAt(i))) {
      let j = i + 1;
      while (j < text.length && (identStart(text.charCodeAt(j)) || digit(text.charCodeAt(j)))) j++;
      const word = text.slice(i, j);
      if (expectKeyword) keyword = word;
      // `optional group Name = 1 {` (proto2): the block is a message.
      else if (word === 'group') keyword = 'group';
      expectKeyword = false;
      i = j - 1;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') expectKeyword = false;
  }
  return null;
}

const identStart = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const digit = (code: number) => code >= 48 && code <= 57;
