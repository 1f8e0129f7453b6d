// Maps a key path of the parsed value back to the YAML source, so a config error points at the line
// a person has to edit rather than at "somewhere in the file".
import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export interface SourcePosition {
  line: number;
  column: number;
}

/** `key`: the mapping key itself (unknown keys); `value`: what the key holds (wrong types). */
export type Anchor = 'key' | 'value';

function keyText(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return null;
  return typeof key === 'object' ? null : String(key);
}

function positionOf(node: unknown, lineCounter: LineCounter): SourcePosition | null {
  if (!isNode(node) || !node.range) return null;
  const { line, col } = lineCounter.linePos(node.range[0]);
  return { line, column: col };
}

/**
 * Position of `path` in `doc`. When the path runs past what the source has (a default filled in,
 * a key that is missing), the deepest node that exists is the best place to send the reader.
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  anchor: Anchor,
): SourcePosition | null {
  let node: unknown = doc.contents;
  let found = positionOf(node, lineCounter);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) return found;
      const keyPosition = positionOf(pair.key, lineCounter);
      const valuePosition = positionOf(pair.value, lineCounter);
      // An empty value (`failOn:`) has no range worth showing; its key is where the fix goes.
      const emptyValue = isScalar(pair.value) && pair.value.value === null;
      if (last && (anchor === 'key' || emptyValue)) return keyPosition ?? found;
      found = valuePosition ?? keyPosition ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return found;
      found = positionOf(item, lineCounter) ?? found;
      node = item;
    } else {
      return found;
    }
  }
  return found;
}
