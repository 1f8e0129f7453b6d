// Reads the allowed keys back out of the zod schema, so did-you-mean suggestions can never drift
// from what the schema actually accepts.
import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

function defOf(schema: AnySchema): Record<string, unknown> & { type: string } {
  return schema._zod.def as unknown as Record<string, unknown> & { type: string };
}

/** Strips wrappers that do not change which keys an object accepts. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'default' || def.type === 'prefault' || def.type === 'optional' || def.type === 'nullable') {
      current = def.innerType as AnySchema;
    } else if (def.type === 'pipe') {
      current = def.in as AnySchema;
    } else {
      return current;
    }
  }
}

function child(schema: AnySchema, segment: PropertyKey): AnySchema | null {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'object':
      return (def.shape as Record<string, AnySchema>)[String(segment)] ?? null;
    case 'record':
      return def.valueType as AnySchema;
    case 'array':
      return def.element as AnySchema;
    case 'tuple':
      return (def.items as AnySchema[])[Number(segment)] ?? null;
    case 'union':
      for (const option of def.options as AnySchema[]) {
        const found = child(option, segment);
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

function objectShape(schema: AnySchema): Record<string, AnySchema> | null {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type === 'object') return def.shape as Record<string, AnySchema>;
  if (def.type === 'union') {
    for (const option of def.options as AnySchema[]) {
      const shape = objectShape(option);
      if (shape) return shape;
    }
  }
  return null;
}

/** Keys the object at `path` accepts; empty when `path` does not lead to an object. */
export function objectKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current: AnySchema | null = schema;
  for (const segment of path) {
    if (!current) return [];
    current = child(current, segment);
  }
  const shape = current ? objectShape(current) : null;
  return shape ? Object.keys(shape) : [];
}

/**
 * Every fixed key path (`gate.failOn`, `thresholds.payloadBytes.kafka`); record entries are
 * user-named, so they are not listed.
 */
export function fixedKeyPaths(schema: AnySchema, prefix: readonly string[] = []): string[][] {
  const shape = objectShape(schema);
  if (!shape) return [];
  const out: string[][] = [];
  for (const [key, value] of Object.entries(shape)) {
    const path = [...prefix, key];
    out.push(path, ...fixedKeyPaths(value, path));
  }
  return out;
}
