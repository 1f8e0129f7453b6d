// Turns zod issues into one-line messages a person can act on: which key, what was expected, what
// was found. zod's own messages ("Invalid input") are written for developers, not config authors.
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { fixedKeyPaths, objectKeysAt } from './schema-keys.js';
import type { Anchor } from './yaml-location.js';

type Issue = z.core.$ZodIssue;

export interface Problem {
  path: PropertyKey[];
  anchor: Anchor;
  text: string;
}

export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(String(segment))) out += out ? `.${String(segment)}` : String(segment);
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a date';
  if (value instanceof Map || value instanceof Set) return 'a tagged collection';
  return 'a mapping';
}

const EXPECTED_TEXT: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function expectedText(expected: string): string {
  return EXPECTED_TEXT[expected] ?? expected;
}

function joinAlternatives(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique.join('');
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function unknownKeyText(schema: z.core.$ZodType, parent: readonly PropertyKey[], key: string): string {
  const full = formatKeyPath([...parent, key]);
  const siblings = objectKeysAt(schema, parent);
  const sibling = didYouMean(key, siblings);
  if (sibling) return `unknown key "${full}" — did you mean "${sibling}"?`;
  // A right key at the wrong level (`failOn` at the top instead of under `gate`).
  const elsewhere = fixedKeyPaths(schema).find((path) => path[path.length - 1].toLowerCase() === key.toLowerCase());
  if (elsewhere) return `unknown key "${full}" — did you mean "${elsewhere.join('.')}"?`;
  return siblings.length > 0
    ? `unknown key "${full}" (allowed here: ${siblings.join(', ')})`
    : `unknown key "${full}"`;
}

/** Whether a union branch got past its type check, i.e. the input was meant for that branch. */
function reachedBranch(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.path.length > 0 || (issue.code !== 'invalid_type' && issue.code !== 'invalid_value'));
}

function branchExpectation(issues: readonly Issue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_value') return issue.values.map(String);
    if (issue.code === 'invalid_type') return [expectedText(issue.expected)];
    return [];
  });
}

function withKey(path: readonly PropertyKey[], text: string): string {
  return path.length === 0 ? `top level: ${text}` : `${formatKeyPath(path)}: ${text}`;
}

function rangeText(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, got: unknown): string {
  const small = issue.code === 'too_small';
  const bound = small ? issue.minimum : issue.maximum;
  if (issue.origin === 'string') return small && Number(bound) <= 1 ? 'expected a non-empty string' : `expected ${small ? 'at least' : 'at most'} ${bound} characters`;
  if (issue.origin === 'array') return `expected ${small ? 'at least' : 'at most'} ${bound} items`;
  const word = small ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
  return `expected ${word} ${bound}, got ${describeValue(got)}`;
}

/** Problems for one issue; `prefix` is the path of an enclosing union whose branch is being read. */
export function problemsFromIssue(
  issue: Issue,
  input: unknown,
  schema: z.core.$ZodType,
  prefix: readonly PropertyKey[] = [],
): Problem[] {
  const path = [...prefix, ...issue.path];
  const got = valueAt(input, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], anchor: 'key', text: unknownKeyText(schema, path, key) }));
    case 'invalid_union': {
      const reached = issue.errors.filter(reachedBranch);
      if (reached.length > 0) return reached[0].flatMap((inner) => problemsFromIssue(inner, input, schema, path));
      const expected = joinAlternatives(issue.errors.flatMap(branchExpectation));
      return [{ path, anchor: 'value', text: withKey(path, `expected ${expected || 'a valid value'}, got ${describeValue(got)}`) }];
    }
    case 'invalid_key': {
      const reason = issue.issues[0]?.message ?? 'invalid name';
      const name = String(path[path.length - 1]);
      return [{ path, anchor: 'key', text: `${formatKeyPath(path.slice(0, -1))}: invalid name "${name}" — ${reason}` }];
    }
    case 'invalid_type':
      return [{ path, anchor: 'value', text: withKey(path, `expected ${expectedText(issue.expected)}, got ${describeValue(got)}`) }];
    case 'invalid_value':
      return [{ path, anchor: 'value', text: withKey(path, `expected one of ${issue.values.map(String).join(', ')}, got ${describeValue(got)}`) }];
    case 'too_small':
    case 'too_big':
      return [{ path, anchor: 'value', text: withKey(path, rangeText(issue, got)) }];
    case 'custom':
      // Refinements that name their key (patterns.*) are already complete sentences.
      return [{ path, anchor: 'value', text: issue.message.startsWith(formatKeyPath(path)) && path.length > 0 ? issue.message : withKey(path, issue.message) }];
    default:
      return [{ path, anchor: 'value', text: withKey(path, issue.message) }];
  }
}
