// Turns unified diff text into the engine's ChangedFile records. Used for `git diff` output (local
// source) and, through hunksFromPatch, for the per-file `patch` strings the GitHub API returns.
//
// parse-diff reads hunk bodies well but not git's extended headers (renames, binary markers, quoted
// names, paths with spaces), so the file-level split and the header fields are read here and only
// each file's hunk text goes through parse-diff.
import parseDiff from 'parse-diff';
import type { ChangedFile, Hunk } from '../review/source.js';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const DEV_NULL = '/dev/null';

/** Hunks of one file's patch (only `@@` sections, as in GitHub's `files[].patch`). */
export function hunksFromPatch(patch: string | null | undefined): Hunk[] {
  if (!patch || !patch.includes('@@')) return [];
  const hunks: Hunk[] = [];
  for (const file of parseDiff(patch)) {
    for (const chunk of file.chunks) {
      const added: number[] = [];
      const deleted: number[] = [];
      for (const change of chunk.changes) {
        // parse-diff records "\ No newline at end of file" as a copy of the previous change, which
        // would count that line twice.
        if (change.content.startsWith('\\')) continue;
        if (change.type === 'add') added.push(change.ln);
        else if (change.type === 'del') deleted.push(change.ln);
      }
      hunks.push({
        oldStart: chunk.oldStart,
        oldLines: chunk.oldLines,
        newStart: chunk.newStart,
        newLines: chunk.newLines,
        added,
        deleted,
      });
    }
  }
  return hunks;
}

interface Section {
  header: string[];
  hunkLines: string[];
}

/**
 * Splits diff text into one section per file. Hunk bodies are consumed by their line counts, so a
 * deleted line such as `-- comment` (shown as `--- comment`) is never taken for a file header.
 */
function splitSections(diffText: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let oldLeft = 0;
  let newLeft = 0;

  const open = (): Section => {
    current = { header: [], hunkLines: [] };
    sections.push(current);
    return current;
  };

  for (const raw of diffText.split('\n')) {
    if (current && (oldLeft > 0 || newLeft > 0)) {
      const c = raw[0];
      if (c === '\\') {
        current.hunkLines.push(raw);
        continue;
      }
      if (c === '+' || c === '-' || c === ' ' || raw === '' || raw === '\r') {
        if (c === '+') newLeft--;
        else if (c === '-') oldLeft--;
        else {
          // An empty line is a context line whose leading space was stripped (editors, e-mail).
          oldLeft--;
          newLeft--;
        }
        current.hunkLines.push(raw);
        continue;
      }
      // A truncated hunk: stop counting and read the line as a header.
      oldLeft = 0;
      newLeft = 0;
    }

    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('\\') && current && current.hunkLines.length > 0) {
      current.hunkLines.push(raw);
      continue;
    }
    const hunk = HUNK_HEADER.exec(line);
    if (hunk) {
      const section = current ?? open();
      section.hunkLines.push(line);
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      continue;
    }
    if (line.startsWith('diff --git ')) {
      open().header.push(line);
      continue;
    }
    if (
      line.startsWith('--- ') &&
      (!current || current.hunkLines.length > 0 || current.header.some((h) => h.startsWith('--- ')))
    ) {
      // A plain (non-git) unified diff has no `diff --git` line: `---` starts the file.
      open().header.push(line);
      continue;
    }
    if (current && current.hunkLines.length === 0) current.header.push(line);
    else if (current && line.startsWith('diff ')) open().header.push(line);
  }
  return sections;
}

const C_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  '\\': 92,
};

/**
 * Reads a C-style quoted name as git writes it (core.quotePath), starting at `text[start] === '"'`.
 * Octal escapes are UTF-8 bytes, so the name is decoded from bytes.
 */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== undefined && /[0-7]/.test(next)) {
        const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
        bytes.push(parseInt(oct, 8) & 0xff);
        i += 1 + oct.length;
        continue;
      }
      if (next !== undefined && next in C_ESCAPES) {
        bytes.push(C_ESCAPES[next]);
        i += 2;
        continue;
      }
      bytes.push(92);
      i += 1;
      continue;
    }
    bytes.push(...Buffer.from(ch, 'utf8'));
    i += ch.length;
  }
  return undefined;
}

/** A name that git may have quoted; unquoted names are taken whole. */
function unquote(text: string): string {
  if (text.startsWith('"')) {
    const q = readQuoted(text, 0);
    if (q) return q.value;
  }
  return text;
}

function stripPrefix(name: string, prefix: 'a/' | 'b/'): string {
  if (name === DEV_NULL) return name;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** The name on a `---`/`+++` line: git appends a tab to names containing spaces, diff(1) a timestamp. */
function fileLineName(rest: string): string {
  if (rest.startsWith('"')) {
    const q = readQuoted(rest, 0);
    if (q) return q.value;
  }
  const tab = rest.indexOf('\t');
  return tab >= 0 ? rest.slice(0, tab) : rest.trimEnd();
}

/** Both names of `diff --git a/X b/Y`, or undefined when the line cannot be split unambiguously. */
function gitLineNames(rest: string): [string, string] | undefined {
  if (rest.startsWith('"')) {
    const a = readQuoted(rest, 0);
    if (!a || rest[a.end] !== ' ') return undefined;
    return [a.value, unquote(rest.slice(a.end + 1))];
  }
  if (rest.endsWith('"')) {
    const at = rest.lastIndexOf(' "');
    if (at < 0) return undefined;
    return [rest.slice(0, at), unquote(rest.slice(at + 1))];
  }
  // Unquoted names may hold spaces; without a rename both sides are the same path.
  if ((rest.length - 5) % 2 === 0 && rest.length > 5) {
    const half = (rest.length - 5) / 2;
    const a = rest.slice(2, 2 + half);
    if (rest === `a/${a} b/${a}`) return [`a/${a}`, `b/${a}`];
  }
  const at = rest.indexOf(' b/');
  if (at < 0) return undefined;
  return [rest.slice(0, at), rest.slice(at + 1)];
}

/** `Binary files X and Y differ`: each side may be quoted, /dev/null, or a plain name. */
function binaryLineNames(rest: string): [string, string] | undefined {
  let a: string;
  let tail: string;
  if (rest.startsWith('"')) {
    const q = readQuoted(rest, 0);
    if (!q || !rest.startsWith(' and ', q.end)) return undefined;
    a = q.value;
    tail = rest.slice(q.end + 5);
  } else {
    const at = rest.indexOf(' and ');
    if (at < 0) return undefined;
    a = rest.slice(0, at);
    tail = rest.slice(at + 5);
  }
  if (!tail.endsWith(' differ')) return undefined;
  return [a, unquote(tail.slice(0, -' differ'.length))];
}

function toChangedFile(section: Section): ChangedFile | undefined {
  let gitOld: string | undefined;
  let gitNew: string | undefined;
  let minusName: string | undefined;
  let plusName: string | undefined;
  let binaryOld: string | undefined;
  let binaryNew: string | undefined;
  let renameFrom: string | undefined;
  let renameTo: string | undefined;
  let copyTo: string | undefined;
  let isNew = false;
  let isDeleted = false;
  let binary = false;
  let submodule = false;

  for (const line of section.header) {
    if (/^(?:new file mode|deleted file mode|new mode|old mode) 160000$/.test(line) || /^index [0-9a-f]+\.\.[0-9a-f]+ 160000$/.test(line)) submodule = true;
    if (line.startsWith('diff --git ')) {
      const names = gitLineNames(line.slice('diff --git '.length));
      if (names) {
        gitOld = stripPrefix(names[0], 'a/');
        gitNew = stripPrefix(names[1], 'b/');
      }
    } else if (line.startsWith('--- ')) {
      minusName = stripPrefix(fileLineName(line.slice(4)), 'a/');
    } else if (line.startsWith('+++ ')) {
      plusName = stripPrefix(fileLineName(line.slice(4)), 'b/');
    } else if (line.startsWith('rename from ')) {
      renameFrom = unquote(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) {
      renameTo = unquote(line.slice('rename to '.length));
    } else if (line.startsWith('copy to ')) {
      copyTo = unquote(line.slice('copy to '.length));
    } else if (line.startsWith('new file mode ')) {
      isNew = true;
    } else if (line.startsWith('deleted file mode ')) {
      isDeleted = true;
    } else if (line.startsWith('Binary files ')) {
      binary = true;
      const names = binaryLineNames(line.slice('Binary files '.length));
      if (names) {
        binaryOld = stripPrefix(names[0], 'a/');
        binaryNew = stripPrefix(names[1], 'b/');
      }
    } else if (line === 'GIT binary patch') {
      binary = true;
    }
  }

  const oldName = renameFrom ?? pick(minusName, binaryOld, gitOld);
  const newName = renameTo ?? copyTo ?? pick(plusName, binaryNew, gitNew);
  const added = isNew || (oldName === DEV_NULL && newName !== undefined && newName !== DEV_NULL);
  const removed = isDeleted || (newName === DEV_NULL && oldName !== undefined && oldName !== DEV_NULL);

  const hunks = binary ? [] : hunksFromPatch(section.hunkLines.join('\n'));
  const base = { hunks, hasPatch: !binary, ...(binary ? { binary: true } : {}), ...(submodule ? { submodule: true } : {}) };

  if (renameFrom !== undefined && renameTo !== undefined) {
    return { path: renameTo, previousPath: renameFrom, status: 'renamed', ...base };
  }
  if (removed) {
    const path = real(oldName) ?? real(gitOld) ?? real(gitNew);
    return path === undefined ? undefined : { path, status: 'removed', ...base };
  }
  const path = real(newName) ?? real(gitNew) ?? real(oldName);
  if (path === undefined) return undefined;
  // Copies only appear with -C, which the sources never pass; the ChangeStatus set has no `copied`.
  return { path, status: added || copyTo !== undefined ? 'added' : 'modified', ...base };
}

/** The first name that is a real path; /dev/null is kept only when nothing else is known. */
function pick(...names: (string | undefined)[]): string | undefined {
  return names.find((n) => n !== undefined && n !== DEV_NULL) ?? names.find((n) => n !== undefined);
}

function real(name: string | undefined): string | undefined {
  return name === undefined || name === DEV_NULL || name === '' ? undefined : name;
}

/** Every file in a unified diff (git's extended format or plain `diff -u`), in diff order. */
export function changedFilesFromUnifiedDiff(diffText: string): ChangedFile[] {
  const files: ChangedFile[] = [];
  for (const section of splitSections(diffText)) {
    const file = toChangedFile(section);
    if (file) files.push(file);
  }
  return files;
}
