// YAML (AsyncAPI) and JSON (JSON Schema, Avro) parsing with a size budget and line lookup, so a
// rule can point at the line of `channels.x.address` instead of line 1. Parsing never throws.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

export const DEFAULT_MAX_STRUCTURED_BYTES = 1024 * 1024;
/** Real AsyncAPI files use a handful of anchors; hundreds of alias expansions mean a "billion laughs" file. */
export const DEFAULT_MAX_ALIAS_COUNT = 50;
/** Schemas and AsyncAPI files nest a few dozen levels; rules walk values recursively. */
export const DEFAULT_MAX_DEPTH = 128;

export type KeyPath = readonly (string | number)[];

export type StructuredResult =
  | { ok: true; value: unknown; lineOf(path: KeyPath): number | null }
  | { ok: false; error: string; line: number | null; tooLarge?: boolean };

export interface StructuredOptions {
  maxBytes?: number;
  maxAliasCount?: number;
  maxDepth?: number;
}

function sizeError(text: string, maxBytes: number, what: string): StructuredResult | null {
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > maxBytes
    ? { ok: false, error: `${bytes} bytes, over the ${what} limit of ${maxBytes}`, line: null, tooLarge: true }
    : null;
}

// ---------------------------------------------------------------------------------------------
// YAML

export function parseYaml(text: string, options: StructuredOptions = {}): StructuredResult {
  const tooLarge = sizeError(text, options.maxBytes ?? DEFAULT_MAX_STRUCTURED_BYTES, 'YAML');
  if (tooLarge) return tooLarge;
  const counter = new LineCounter();
  try {
    // `merge`: `<<: *anchor` merge keys, which AsyncAPI files use to share header and trait
    // properties. Merging resolves aliases, so maxAliasCount bounds merge bombs too.
    const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false, merge: true });
    const [first] = doc.errors;
    if (first) {
      const offset = first.pos[0];
      return { ok: false, error: `YAML ${first.code}: ${first.message}`, line: counter.linePos(offset).line };
    }
    const value: unknown = doc.toJS({ maxAliasCount: options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT });
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (depthExceeds(value, maxDepth)) return { ok: false, error: `YAML: nesting deeper than ${maxDepth} levels`, line: null };
    return { ok: true, value, lineOf: (path) => yamlLineOf(doc, counter, path) };
  } catch (error) {
    return { ok: false, error: `YAML: ${error instanceof Error ? error.message : String(error)}`, line: null };
  }
}

/** Iterative, so the check itself cannot overflow on the input it guards against. */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    if (depth >= max) return true;
    seen.add(current);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A `<<` merge key (parsed with `merge: true`, a plain `<<` key is a symbol). */
const isMergeKey = (key: unknown) => isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';

/**
 * The pair holding `key` in a map: its own keys first, then the maps it merges in with `<<`, in the
 * order YAML gives them precedence (each merged map with its own merges before the next one). A key
 * brought in by a merge is found in the anchored map it comes from, so its line is that map's.
 */
function findPair(doc: Document, map: YAMLMap, key: string): Pair | undefined {
  const stack: unknown[] = [map];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    let node = stack.pop();
    if (isAlias(node)) node = node.resolve(doc);
    if (!isMap(node) || seen.has(node)) continue;
    seen.add(node);
    const pair = node.items.find((p) => isScalar(p.key) && !isMergeKey(p.key) && String(p.key.value) === key);
    if (pair) return pair;
    const sources: unknown[] = [];
    for (const p of node.items) {
      if (!isMergeKey(p.key)) continue;
      const value = isAlias(p.value) ? p.value.resolve(doc) : p.value;
      if (isSeq(value)) sources.push(...value.items);
      else sources.push(value);
    }
    for (let i = sources.length - 1; i >= 0; i--) stack.push(sources[i]);
  }
  return undefined;
}

/** Line of the key that holds `path` (or of the item, for sequence indexes). */
function yamlLineOf(doc: Document, counter: LineCounter, path: KeyPath): number | null {
  const lineAt = (node: Node | null | undefined) => (node?.range ? counter.linePos(node.range[0]).line : null);
  let node: unknown = doc.contents;
  let line = lineAt(doc.contents as Node | null);
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = findPair(doc, node, String(segment));
      if (!pair) return null;
      line = lineAt(pair.key as Node) ?? lineAt(pair.value as Node | null);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return null;
      line = lineAt(item as Node);
      node = item;
    } else {
      return null;
    }
  }
  return line;
}

// ---------------------------------------------------------------------------------------------
// JSON

export function parseJson(text: string, options: StructuredOptions = {}): StructuredResult {
  const tooLarge = sizeError(text, options.maxBytes ?? DEFAULT_MAX_STRUCTURED_BYTES, 'JSON');
  if (tooLarge) return tooLarge;
  // The scan gives the error line (Node 20's JSON.parse does not) and the key lines.
  const scan = scanJson(text, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  if (!scan.ok) return { ok: false, error: `JSON: ${scan.message}`, line: scan.line };
  try {
    // Editors on Windows save JSON with a byte order mark, which the scan skips but JSON.parse refuses.
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return { ok: true, value, lineOf: (path) => scan.lines.get(pathKey(path)) ?? null };
  } catch (error) {
    return { ok: false, error: `JSON: ${error instanceof Error ? error.message : String(error)}`, line: null };
  }
}

const pathKey = (path: KeyPath) => JSON.stringify(path);

type ScanResult = { ok: true; lines: Map<string, number> } | { ok: false; message: string; line: number };

interface Frame {
  kind: 'object' | 'array';
  path: (string | number)[];
  /** object: 'key' | 'colon' | 'value' | 'next'; array: 'value' | 'next'. */
  state: 'key' | 'colon' | 'value' | 'next';
  /** The container was just opened, so a closing bracket is allowed in place of a key/value. */
  empty: boolean;
  key: string;
  index: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * A strict JSON grammar walk with a nesting limit that records the line of every key and array
 * item by path.
 */
function scanJson(text: string, maxDepth: number): ScanResult {
  const lines = new Map<string, number>();
  const stack: Frame[] = [];
  let line = 1;
  let i = 0;
  let done = false;
  const fail = (message: string): ScanResult => ({ ok: false, message: `${message} at line ${line}`, line });

  const skipSpace = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      i++;
    }
  };
  const sticky = (re: RegExp): string | null => {
    re.lastIndex = i;
    const m = re.exec(text);
    return m ? m[0] : null;
  };
  const valueCompleted = () => {
    const top = stack[stack.length - 1];
    if (top) {
      top.state = 'next';
      top.empty = false;
    } else done = true;
  };

  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (;;) {
    skipSpace();
    const top = stack[stack.length - 1];
    if (i >= text.length) {
      return done ? { ok: true, lines } : fail('Unexpected end of JSON input');
    }
    const c = text[i];
    if (done) return fail(`Unexpected ${JSON.stringify(c)} after the JSON value`);

    if (top && (c === '}' || c === ']')) {
      const closes = top.kind === 'object' ? '}' : ']';
      const allowed = top.state === 'next' || (top.empty && (top.state === 'key' || top.state === 'value'));
      if (c !== closes || !allowed) return fail(`Unexpected ${JSON.stringify(c)}`);
      i++;
      stack.pop();
      valueCompleted();
      continue;
    }
    if (top?.state === 'next') {
      if (c !== ',') return fail(`Expected "," or "${top.kind === 'object' ? '}' : ']'}"`);
      i++;
      top.state = top.kind === 'object' ? 'key' : 'value';
      if (top.kind === 'array') top.index++;
      continue;
    }
    if (top?.kind === 'object' && top.state === 'key') {
      const raw = sticky(STRING);
      if (raw === null) return fail('Expected a property name in double quotes');
      top.key = JSON.parse(raw) as string;
      lines.set(pathKey([...top.path, top.key]), line);
      i += raw.length;
      top.state = 'colon';
      continue;
    }
    if (top?.kind === 'object' && top.state === 'colon') {
      if (c !== ':') return fail('Expected ":" after a property name');
      i++;
      top.state = 'value';
      continue;
    }

    // A value starts here.
    const path = !top ? [] : top.kind === 'object' ? [...top.path, top.key] : [...top.path, top.index];
    if (!top || top.kind === 'array') lines.set(pathKey(path), line);
    if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) return fail(`Nesting deeper than ${maxDepth} levels`);
      i++;
      stack.push({ kind: c === '{' ? 'object' : 'array', path, state: c === '{' ? 'key' : 'value', empty: true, key: '', index: 0 });
      continue;
    }
    const token =
      c === '"' ? sticky(STRING) : c === '-' || (c >= '0' && c <= '9') ? sticky(NUMBER) : (/^(true|false|null)/.exec(text.slice(i, i + 5))?.[0] ?? null);
    if (token === null) return fail(`Unexpected ${JSON.stringify(c)}`);
    i += token.length;
    valueCompleted();
  }
}
