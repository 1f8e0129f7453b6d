// Rebuilds a file's base version from its head version and the pull request's patch. The files
// API diffs against the merge base, so this is the exact base the patch describes, even when the
// base branch has moved on, and it costs no request. Returns null when the patch does not fit the
// head text, so the caller reads the blob instead.

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: false };
  const finalNewline = text.endsWith('\n');
  return { lines: (finalNewline ? text.slice(0, -1) : text).split('\n'), finalNewline };
}

export function reversePatch(headText: string, patch: string): string | null {
  const head = splitLines(headText);
  const out: string[] = [];
  let pos = 0;
  let baseFinalNewline = head.finalNewline;
  let lastKind = '';
  let lastBaseMarked = false;
  let touchedEnd = false;
  const body = patch.split('\n');
  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    const h = HUNK.exec(line);
    if (h) {
      const newStart = Number(h[1]);
      const newLines = h[2] === undefined ? 1 : Number(h[2]);
      const start = newLines === 0 ? newStart : newStart - 1;
      if (start < pos || start > head.lines.length) return null;
      while (pos < start) out.push(head.lines[pos++]!);
      continue;
    }
    const kind = line[0];
    const rest = line.slice(1);
    if (kind === '\\') {
      if (lastKind === '-' || lastKind === ' ') lastBaseMarked = true;
      continue;
    }
    if (kind === ' ' || kind === undefined) {
      if (kind === undefined && i === body.length - 1) continue; // the patch's own final newline
      if (head.lines[pos] !== rest) return null;
      out.push(rest);
      pos++;
    } else if (kind === '+') {
      if (head.lines[pos] !== rest) return null;
      pos++;
    } else if (kind === '-') {
      out.push(rest);
    } else {
      return null;
    }
    if (kind === '-' || kind === ' ') lastBaseMarked = false;
    lastKind = kind ?? ' ';
    touchedEnd = pos === head.lines.length;
  }
  while (pos < head.lines.length) {
    out.push(head.lines[pos++]!);
    touchedEnd = false;
  }
  if (touchedEnd) baseFinalNewline = !lastBaseMarked && out.length > 0;
  return out.join('\n') + (baseFinalNewline && out.length > 0 ? '\n' : '');
}
