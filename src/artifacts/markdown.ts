// One parse per Markdown artifact (artifacts.md §4): the mdast tree plus the views every docs rule
// needs (section tree, field lines, link targets, code blocks, HTML comments). Parsing never
// throws: hostile or oversized input comes back as a failure the model turns into coverage.
import type { Code, Definition, Heading, Html, InlineCode, Link, List, Nodes, Paragraph, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parseWithBudget } from './bounded-parse.js';

export const DEFAULT_MAX_MARKDOWN_BYTES = 1024 * 1024;
export const DEFAULT_MAX_HEADINGS = 2000;
/**
 * The parser's cost grows with the square of block-quote and list nesting (a 1 MiB file of nested
 * lists takes about a minute, a long run of `- - - -` overflows the stack); real documents stay
 * far below this depth.
 */
export const DEFAULT_MAX_NESTING = 64;
/**
 * The Markdown parser's time also grows faster than the input with inline structure (brackets,
 * emphasis, tables, code spans): measured on 2 cores, 300 KB of `[[[[ x` lines takes about 50 s and
 * a realistic 1 MB design document about 8 s. Real documents carry 30-65 such markers per KB, so
 * these caps let a realistic 1 MB document through and stop pathological ones within a few seconds.
 */
export const DEFAULT_MAX_INLINE_MARKERS = 64_000;
/** Per block (text between blank lines): where the parser's cost is quadratic. */
export const DEFAULT_MAX_BLOCK_MARKERS = 8_000;
/**
 * Plain structure costs too (900 KB of `- a` lines takes about a minute, 160 KB of two-level lists
 * about 100 s), so no cap on the text bounds the parser: it runs in a worker with this budget
 * (bounded-parse.ts). A realistic 1 MB document parses in about 8 s.
 */
export const DEFAULT_MARKDOWN_TIME_BUDGET_MS = 10_000;
/** Bounds the tree the rest of the model walks (a realistic 1 MB document has 25,000-40,000 lines). */
export const DEFAULT_MAX_MARKDOWN_LINES = 40_000;

export interface Section {
  /** Heading text with inline markup removed (code span content kept). */
  heading: string;
  /** artifacts.md §4.1 key: lower-case, no code marks, no trailing parenthetical. */
  key: string;
  depth: number;
  /** Line of the heading. */
  line: number;
  /** Last line of the section, subsections included. */
  endLine: number;
  parent: Section | null;
  children: Section[];
  /** Fields in this section's own body (not in its subsections). */
  fields: Field[];
}

export interface Field {
  /** As written, with emphasis marks removed (`Status`, `TL;DR`). */
  name: string;
  /**
   * Trimmed value as written (HTML comments dropped, continuation lines joined with a space). A
   * field with an empty inline value directly over a list takes the list's text (items joined
   * with `; `, or a space after an item that ends a sentence), and `endLine` its last line.
   */
  value: string;
  /** `value` with one enclosing pair of backticks removed, for comparisons. */
  normalized: string;
  line: number;
  endLine: number;
}

export interface LinkTarget {
  /** Destination as written (`../design.md#summary`). */
  target: string;
  /** Destination without `#fragment` and `?query`. */
  path: string;
  text: string;
  kind: 'link' | 'definition' | 'code';
  line: number;
  column: number;
  /** URI scheme or a bare `#anchor`: never resolved against the tree. */
  external: boolean;
  /** Followed on the same line, before the next link, by `(not yet written)` (§4.5). */
  notYetWritten: boolean;
}

export interface CodeBlock {
  line: number;
  endLine: number;
  lang: string | null;
  /** False for indented code blocks. */
  fenced: boolean;
}

export interface HtmlComment {
  /** Content between `<!--` and `-->`, trimmed. */
  text: string;
  line: number;
  endLine: number;
}

export interface MarkdownDoc {
  text: string;
  lines: readonly string[];
  /** Number of lines; a trailing newline does not start another line. */
  lineCount: number;
  root: Root;
  title: { text: string; line: number } | null;
  /** Top-level sections (usually the H1, which holds every `##`). */
  sections: Section[];
  /** Every section in document order. */
  headings: Section[];
  /** Every field of the file, including those before the first heading. */
  fields: Field[];
  links: LinkTarget[];
  codeBlocks: CodeBlock[];
  comments: HtmlComment[];
  /** True when the heading cap cut the section tree short. */
  headingsTruncated: boolean;
}

export type MarkdownParseResult =
  | { ok: true; doc: MarkdownDoc }
  | { ok: false; reason: 'too-large' | 'unparseable' | 'time-budget'; detail: string };

export interface MarkdownParseOptions {
  maxBytes?: number;
  maxHeadings?: number;
  maxNesting?: number;
  maxInlineMarkers?: number;
  maxBlockMarkers?: number;
  /** Wall-clock budget for the parse itself (bounded-parse.ts). */
  timeBudgetMs?: number;
  maxLines?: number;
}

const processor = unified().use(remarkParse).use(remarkGfm);

export function parseMarkdown(text: string, options: MarkdownParseOptions = {}): MarkdownParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MARKDOWN_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    return { ok: false, reason: 'too-large', detail: `${bytes} bytes, over the Markdown limit of ${maxBytes}` };
  }
  const maxLines = options.maxLines ?? DEFAULT_MAX_MARKDOWN_LINES;
  let lineCount = 1;
  for (let i = text.indexOf('\n'); i !== -1 && lineCount <= maxLines; i = text.indexOf('\n', i + 1)) lineCount++;
  if (lineCount > maxLines) return { ok: false, reason: 'too-large', detail: `more than ${maxLines} lines, over the Markdown limit` };
  const deep = deepNesting(text, options.maxNesting ?? DEFAULT_MAX_NESTING);
  if (deep) return { ok: false, reason: 'unparseable', detail: `refused: ${deep}` };
  const dense = denseInline(text, options.maxInlineMarkers ?? DEFAULT_MAX_INLINE_MARKERS, options.maxBlockMarkers ?? DEFAULT_MAX_BLOCK_MARKERS);
  if (dense) return { ok: false, reason: 'too-large', detail: `refused: ${dense}` };
  const parsed = parseWithBudget(withoutFrontMatter(text), options.timeBudgetMs ?? DEFAULT_MARKDOWN_TIME_BUDGET_MS, (t) => processor.parse(t));
  if (!parsed.ok) {
    return parsed.timedOut
      ? { ok: false, reason: 'time-budget', detail: `Markdown parser: ${parsed.error}` }
      : { ok: false, reason: 'unparseable', detail: `Markdown parser failed: ${parsed.error}` };
  }
  try {
    return { ok: true, doc: buildDoc(text, parsed.root, options.maxHeadings ?? DEFAULT_MAX_HEADINGS) };
  } catch (error) {
    return { ok: false, reason: 'unparseable', detail: `Markdown parser failed: ${describeError(error)}` };
  }
}

/**
 * YAML (`---`) or TOML (`+++`) front matter at the top of the file, blanked to spaces. CommonMark
 * reads it as a thematic break and a setext heading, which puts a bogus `##` section before the
 * Summary; blanking every character but the line breaks keeps the offsets and lines of the rest.
 */
function withoutFrontMatter(text: string): string {
  const open = /^\uFEFF?(---|\+\+\+)[ \t]*\r?\n/.exec(text);
  if (!open) return text;
  const fence = open[1] === '---' ? '-{3}' : '\\+{3}';
  const close = new RegExp(`^${fence}[ \\t]*\\r?$`, 'm');
  const rest = text.slice(open[0].length);
  const end = close.exec(rest);
  if (!end || !looksLikeMetadata(rest.slice(0, end.index), open[1] === '---')) return text;
  const stop = open[0].length + end.index + end[0].length;
  return text.slice(0, stop).replace(/[^\r\n]/g, ' ') + text.slice(stop);
}

// Any key a YAML mapping can hold in block style: `títol:`, `og:title:`, `see/also:`, quoted keys.
const YAML_KEY = /^["']?[^\s#:"'{[].*?:(?:[ \t]|$)/u;
const YAML_FLOW_MAP = /^\{.*\}[ \t]*\r?$/;
const YAML_LIST_ITEM = /^-(?:[ \t]|$)/;
const TOML_KEY = /^["']?[\w.-][\w ."'-]*=/;
const TOML_TABLE = /^\[\[?[^\]]*\]\]?[ \t]*$/;

/**
 * Whether the text between two fences is metadata (keys at the start of its lines), not a document
 * that opens with a thematic break: `---`, a paragraph and a later `---` is Markdown, and blanking
 * it would hide the document's first section.
 */
function looksLikeMetadata(block: string, yaml: boolean): boolean {
  let keys = 0;
  for (const line of block.split('\n')) {
    if (/^[ \t]*\r?$/.test(line) || /^[ \t]*#/.test(line)) continue;
    if (/^[ \t]/.test(line)) {
      if (keys === 0) return false;
      continue;
    }
    if (yaml ? YAML_KEY.test(line) || YAML_FLOW_MAP.test(line) : TOML_KEY.test(line) || TOML_TABLE.test(line)) keys++;
    else if (!(yaml && keys > 0 && YAML_LIST_ITEM.test(line))) return false;
  }
  return keys > 0;
}

const CONTAINER_MARKER = '(?:>|[-*+](?=[ \\t]|$)|\\d{1,9}[.)](?=[ \\t]|$))';
const CONTAINER_PREFIX = new RegExp(`^(?:[ \\t]*${CONTAINER_MARKER})+`);
const CONTAINER_MARKERS = new RegExp(CONTAINER_MARKER, 'g');

/** The first line whose block-quote / list nesting (markers plus their indentation) exceeds the limit. */
function deepNesting(text: string, max: number): string | null {
  let line = 0;
  for (const row of text.split('\n')) {
    line++;
    const indent = /^[ \t]*/.exec(row)![0].replace(/\t/g, '    ').length;
    const markers = CONTAINER_PREFIX.exec(row)?.[0].match(CONTAINER_MARKERS)?.length ?? 0;
    // Indentation nests only where a marker opens a container; an indented code line opens none.
    const depth = markers === 0 ? 0 : markers + Math.floor(indent / 2);
    if (depth > max) return `block nesting of about ${depth} levels at line ${line}, over the limit of ${max}`;
  }
  return null;
}

const INLINE_MARKER = new Set(['[', ']', '*', '_', '`', '<', '|', '&']);

/** Counts inline markers (the parser's costly constructs) per document and per block, in one pass. */
function denseInline(text: string, maxTotal: number, maxBlock: number): string | null {
  let total = 0;
  let block = 0;
  let line = 1;
  let blockLine = 1;
  let lineHasText = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      if (!lineHasText) {
        block = 0;
        blockLine = line + 1;
      }
      line++;
      lineHasText = false;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') lineHasText = true;
    if (!INLINE_MARKER.has(c)) continue;
    total++;
    block++;
    if (block > maxBlock) return `${block} inline markers ([ ] * _ \` < | &) in the block at line ${blockLine}, over the limit of ${maxBlock}; parsing it would take too long`;
    if (total > maxTotal) return `over ${maxTotal} inline markers ([ ] * _ \` < | &) by line ${line}; parsing it would take too long`;
  }
  return null;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function buildDoc(text: string, root: Root, maxHeadings: number): MarkdownDoc {
  const lines = text.split(/\r?\n/);
  const lineCount = text.endsWith('\n') ? Math.max(lines.length - 1, 1) : lines.length;
  const { sections, headings, truncated } = buildSections(root, lineCount, maxHeadings);
  const fields: Field[] = [];
  const linkDrafts: LinkDraft[] = [];
  const codeBlocks: CodeBlock[] = [];
  const comments: HtmlComment[] = [];

  walk(root, (node, inQuote, parent, index) => {
    switch (node.type) {
      case 'paragraph':
        if (!inQuote) {
          const own = paragraphFields(text, node);
          const next = parent?.children[index + 1];
          if (next?.type === 'list') takeNestedList(text, node, own, next);
          fields.push(...own);
        }
        break;
      case 'link':
        linkDrafts.push(linkOf(node.url, plainText(node), 'link', node));
        break;
      case 'definition':
        linkDrafts.push(linkOf(node.url, node.label ?? '', 'definition', node));
        break;
      case 'inlineCode':
        if (isRelativePathSpan(node.value)) linkDrafts.push(linkOf(node.value.trim(), node.value, 'code', node));
        break;
      case 'code':
        codeBlocks.push(codeBlockOf(text, node));
        break;
      case 'html':
        comments.push(...commentsIn(node));
        break;
    }
  });
  const links = resolveAnnotations(linkDrafts, lines);
  attachFields(fields, headings);
  const h1 = headings.find((s) => s.depth === 1);
  return {
    text,
    lines,
    lineCount,
    root,
    title: h1 ? { text: h1.heading, line: h1.line } : null,
    sections,
    headings,
    fields,
    links,
    codeBlocks,
    comments,
    headingsTruncated: truncated,
  };
}

type ParentNode = Extract<Nodes, { children: unknown }>;

/** Depth-first, iterative so deeply nested input cannot overflow the stack. */
function walk(root: Root, visit: (node: Nodes, inQuote: boolean, parent: ParentNode | null, index: number) => void): void {
  const stack: { node: Nodes; inQuote: boolean; parent: ParentNode | null; index: number }[] = [{ node: root, inQuote: false, parent: null, index: 0 }];
  while (stack.length > 0) {
    const { node, inQuote, parent, index } = stack.pop()!;
    visit(node, inQuote, parent, index);
    if ('children' in node) {
      const quoted = inQuote || node.type === 'blockquote';
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as Nodes, inQuote: quoted, parent: node, index: i });
    }
  }
}

/** Text content of a node: inline code values kept, markup and HTML dropped. */
export function plainText(node: Nodes): string {
  let out = '';
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'text' || current.type === 'inlineCode') out += current.value;
    else if (current.type === 'break') out += ' ';
    else if ('children' in current) {
      for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i] as Nodes);
    }
  }
  return out;
}

const startLine = (node: Nodes) => node.position?.start.line ?? 1;
const endLineOf = (node: Nodes) => node.position?.end.line ?? startLine(node);

// ---------------------------------------------------------------------------------------------
// Sections

function buildSections(root: Root, lineCount: number, maxHeadings: number) {
  const all = root.children.filter((n): n is Heading => n.type === 'heading');
  const truncated = all.length > maxHeadings;
  const headings: Section[] = [];
  const sections: Section[] = [];
  const open: Section[] = [];
  for (const node of all.slice(0, maxHeadings)) {
    const heading = plainText(node).replace(/\s+/g, ' ').trim();
    const section: Section = {
      heading,
      key: headingKey(heading),
      depth: node.depth,
      line: startLine(node),
      endLine: lineCount,
      parent: null,
      children: [],
      fields: [],
    };
    while (open.length > 0 && open[open.length - 1].depth >= section.depth) {
      open.pop()!.endLine = Math.max(section.line - 1, 1);
    }
    const parent = open[open.length - 1] ?? null;
    section.parent = parent;
    (parent ? parent.children : sections).push(section);
    open.push(section);
    headings.push(section);
  }
  return { sections, headings, truncated };
}

/**
 * artifacts.md §4.1. A trailing `:` or `.` is dropped too (`### Blockers:`, `## Decision.`): writers
 * add it freely, and a section that stops matching its key silently skips every check that reads
 * it. It goes before and after the parenthetical (`## Reliability checklist (8 answers):`).
 */
export function headingKey(text: string): string {
  // Trimmed by scanning, not by end-anchored regexes: those retry from every position, which is
  // quadratic on a hostile heading (40,000 spaces took 16 s).
  let key = trimEndOf(text.replace(/`/g, '').toLowerCase(), ':.');
  if (key.endsWith(')')) {
    const open = key.lastIndexOf('(');
    if (open !== -1 && !key.slice(open + 1, -1).includes(')')) key = trimEndOf(key.slice(0, open), ':.');
  }
  return key.replace(/\s+/g, ' ').trim();
}

/** `text` without its trailing whitespace and trailing characters of `extra`. */
function trimEndOf(text: string, extra: string): string {
  let end = text.length;
  while (end > 0 && (/\s/.test(text[end - 1]!) || extra.includes(text[end - 1]!))) end--;
  return text.slice(0, end);
}

/** The deepest section whose range holds `line`, or null before the first heading. */
export function sectionAt(doc: MarkdownDoc, line: number): Section | null {
  let found: Section | null = null;
  let candidates = doc.sections;
  for (;;) {
    // Siblings are in line order and do not overlap: the last one starting at or before `line`
    // is the only candidate (binary search: every prose unit asks, and a document may have
    // thousands of headings).
    let lo = 0;
    let hi = candidates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (candidates[mid]!.line <= line) lo = mid + 1;
      else hi = mid;
    }
    const next = lo > 0 && line <= candidates[lo - 1]!.endLine ? candidates[lo - 1]! : undefined;
    if (!next) return found;
    found = next;
    candidates = next.children;
  }
}

/** Heading keys from the top-level section down to the one holding `line`. */
export function headingPath(doc: MarkdownDoc, line: number): string[] {
  const path: string[] = [];
  for (let s = sectionAt(doc, line); s; s = s.parent) path.unshift(s.key);
  return path;
}

/** First section with this key (`summary`, `related artifacts`), optionally at one depth. */
export function findSection(doc: MarkdownDoc, key: string, depth?: number): Section | undefined {
  return doc.headings.find((s) => s.key === key && (depth === undefined || s.depth === depth));
}

/** Fields of a section, with those of its subsections when `deep`. */
export function sectionFields(section: Section, deep = false): Field[] {
  if (!deep) return section.fields;
  const out: Field[] = [];
  const stack = [section];
  while (stack.length > 0) {
    const s = stack.shift()!;
    out.push(...s.fields);
    stack.unshift(...s.children);
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Field names are matched case-insensitively after trimming (§4.2); first occurrence wins. */
export function findField(fields: readonly Field[], ...names: string[]): Field | undefined {
  const wanted = new Set(names.map(fieldKey));
  return fields.find((f) => wanted.has(fieldKey(f.name)));
}

export function fieldKey(name: string): string {
  return name.replace(/`/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The top-level mdast nodes in a section's own body (between its heading and its first subsection). */
export function sectionBody(doc: MarkdownDoc, section: Section): Root['children'] {
  const bodyEnd = section.children.length > 0 ? section.children[0].line - 1 : section.endLine;
  return doc.root.children.filter((n) => {
    const line = startLine(n);
    return line > section.line && line <= bodyEnd;
  });
}

function attachFields(fields: Field[], headings: Section[]): void {
  let i = 0;
  for (const field of fields.sort((a, b) => a.line - b.line)) {
    while (i + 1 < headings.length && headings[i + 1].line <= field.line) i++;
    const section = headings[i];
    if (section && section.line <= field.line) section.fields.push(field);
  }
}

// ---------------------------------------------------------------------------------------------
// Fields (§4.2)

const BOLD_COLON_OUTSIDE = /^\*\*([^*]+?)\*\*\s*:\s*(.*)$/;
const BOLD_COLON_INSIDE = /^\*\*([^*]+?):\*\*\s*(.*)$/;
const PLAIN = /^([^:\s][^:]{0,79}?)\s*:(?:\s+(.*)|$)/;

function matchField(line: string): { name: string; value: string } | null {
  const m = BOLD_COLON_OUTSIDE.exec(line) ?? BOLD_COLON_INSIDE.exec(line) ?? PLAIN.exec(line);
  if (!m) return null;
  const name = m[1].replace(/\*\*/g, '').trim();
  return name ? { name, value: m[2] ?? '' } : null;
}

/**
 * Each source line of a paragraph that has a field shape starts a field; the following lines that
 * do not are its wrapped continuation. The paragraph's first line starts after any list marker,
 * so `- **Name**: value`, `- Name: value` and `Name: value` reduce to the same shapes.
 */
function paragraphFields(text: string, node: Paragraph): Field[] {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return [];
  const firstLine = startLine(node);
  const rows = text.slice(start, end).split(/\r?\n/);
  const fields: Field[] = [];
  let current: { name: string; parts: string[]; line: number; endLine: number } | null = null;
  const flush = () => {
    if (!current) return;
    const value = current.parts.join(' ').replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ' ').trim();
    fields.push({ name: current.name, value, normalized: unwrapBackticks(value), line: current.line, endLine: current.endLine });
    current = null;
  };
  rows.forEach((raw, index) => {
    const line = raw.replace(/<!--[\s\S]*?-->/g, ' ').trim();
    const match = matchField(line);
    if (match) {
      flush();
      current = { name: match.name, parts: [match.value], line: firstLine + index, endLine: firstLine + index };
    } else if (current) {
      current.parts.push(line);
      current.endLine = firstLine + index;
    }
  });
  flush();
  return fields;
}

/** Longest value a field takes from its nested list: enough for any check, bounded on hostile input. */
const MAX_NESTED_VALUE = 4000;
const ENDS_ITEM = new Set(['.', ';', ',', ':', '!', '?']);

/**
 * A field with nothing after its colon that ends its paragraph and is followed directly by a list
 * (`- **Procedure**:` over numbered steps, `- **Runbooks**:` over links, or `Consumers:` over a
 * bullet list) is written as that list: its value is the list's text and its lines run to the
 * list's end, so the rules reading the value or the links of the field see the items. The field
 * keeps its own line; fields written inside the list stay fields of their own.
 */
function takeNestedList(text: string, paragraph: Paragraph, fields: Field[], list: List): void {
  const field = fields[fields.length - 1];
  if (!field || field.value !== '' || field.endLine !== endLineOf(paragraph)) return;
  const pieces: string[] = [];
  let length = 0;
  const stack: Nodes[] = [list];
  while (stack.length > 0 && length <= MAX_NESTED_VALUE) {
    const node = stack.pop()!;
    if (node.type === 'paragraph') {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (start === undefined || end === undefined) continue;
      const piece = text
        .slice(start, Math.min(end, start + MAX_NESTED_VALUE))
        .replace(/<!--[\s\S]*?-->/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      if (piece) {
        pieces.push(piece);
        length += piece.length + 2;
      }
    } else if ('children' in node && node.type !== 'blockquote') {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as Nodes);
    }
  }
  // Items are joined as list items (§4.3 splits on `;`) unless an item ends its own sentence.
  const value = pieces.map((piece, i) => (i === 0 ? piece : ENDS_ITEM.has(pieces[i - 1]!.slice(-1)) ? ` ${piece}` : `; ${piece}`)).join('');
  field.value = value.length > MAX_NESTED_VALUE ? value.slice(0, MAX_NESTED_VALUE) : value;
  field.normalized = unwrapBackticks(field.value);
  field.endLine = Math.max(field.endLine, endLineOf(list));
}

export function unwrapBackticks(value: string): string {
  const v = value.trim();
  const m = /^(`+)([^`][\s\S]*?)\1$/.exec(v);
  return m ? m[2].trim() : v;
}

// ---------------------------------------------------------------------------------------------
// Links (§4.4, §4.5)

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const LINKABLE_EXTENSION = /\.(md|json|avsc|proto|ya?ml)(#[^#]*)?$/i;

/** A code span is a link target only when its whole content is a relative path (§4.4). */
export function isRelativePathSpan(content: string): boolean {
  const v = content.trim();
  if (!v || /\s/.test(v) || SCHEME.test(v) || /[<>{}*$]/.test(v)) return false;
  return v.startsWith('./') || v.startsWith('../') || LINKABLE_EXTENSION.test(v);
}

interface LinkDraft {
  link: LinkTarget;
  /** 1-based column just past the node on its first line; where the annotation scan starts. */
  endColumn: number;
}

function linkOf(target: string, text: string, kind: LinkTarget['kind'], node: Link | Definition | InlineCode): LinkDraft {
  const line = startLine(node);
  const end = node.position?.end;
  return {
    link: {
      target,
      path: target.replace(/[?#].*$/, ''),
      text,
      kind,
      line,
      column: node.position?.start.column ?? 1,
      external: target.startsWith('#') || SCHEME.test(target),
      notYetWritten: false,
    },
    endColumn: end && end.line === line ? end.column : Number.MAX_SAFE_INTEGER,
  };
}

function resolveAnnotations(drafts: LinkDraft[], lines: readonly string[]): LinkTarget[] {
  const byLine = new Map<number, LinkDraft[]>();
  for (const draft of drafts) {
    const list = byLine.get(draft.link.line) ?? [];
    list.push(draft);
    byLine.set(draft.link.line, list);
  }
  for (const [line, list] of byLine) {
    list.sort((a, b) => a.link.column - b.link.column);
    const source = lines[line - 1] ?? '';
    list.forEach((draft, i) => {
      const from = Math.min(draft.endColumn - 1, source.length);
      const to = i + 1 < list.length ? list[i + 1].link.column - 1 : source.length;
      draft.link.notYetWritten = from < to && /\(not yet written\)/i.test(source.slice(from, to));
    });
  }
  return drafts.map((d) => d.link);
}

// ---------------------------------------------------------------------------------------------
// Code blocks and comments

function codeBlockOf(text: string, node: Code): CodeBlock {
  const offset = node.position?.start.offset ?? 0;
  const opening = text.slice(offset, offset + 3);
  return { line: startLine(node), endLine: endLineOf(node), lang: node.lang ?? null, fenced: opening === '```' || opening === '~~~' };
}

function commentsIn(node: Html): HtmlComment[] {
  const out: HtmlComment[] = [];
  const first = startLine(node);
  for (const m of node.value.matchAll(/<!--([\s\S]*?)-->/g)) {
    const before = node.value.slice(0, m.index);
    const line = first + countNewlines(before);
    out.push({ text: m[1].trim(), line, endLine: line + countNewlines(m[0]) });
  }
  return out;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === '\n') n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Sentences (rules.md §3)

/**
 * Splits after `.`, `!` or `?` when whitespace and then an upper-case letter, a digit or a masked
 * token (code span, link destination) follow, and at the end of the text. Nothing inside a masked
 * token ends a sentence, so `v1.json`, `99.5%` and `e.g. the` stay in one sentence.
 */
export function splitSentences(text: string): string[] {
  const masks = maskedRanges(text);
  const maskStartAt = new Set(masks.map(([s]) => s));
  const masked = new Uint8Array(text.length);
  for (const [s, e] of masks) masked.fill(1, s, e);

  const sentences: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (masked[i] || !'.!?'.includes(text[i])) continue;
    let j = i + 1;
    if (j >= text.length || !/\s/.test(text[j])) continue;
    while (j < text.length && /\s/.test(text[j])) j++;
    // Emphasis and link-text brackets are markup, not the first character of the next sentence.
    let k = j;
    while (k < text.length && !masked[k] && /[[*_"'“(]/.test(text[k])) k++;
    const startsSentence = maskStartAt.has(k) || /[\p{Lu}\p{Nd}]/u.test(text[k] ?? '');
    if (!startsSentence) continue;
    pushSentence(sentences, text.slice(start, i + 1));
    start = j;
  }
  pushSentence(sentences, text.slice(start));
  return sentences;
}

function pushSentence(out: string[], s: string): void {
  const trimmed = s.trim();
  if (trimmed) out.push(trimmed);
}

/** [start, end) ranges of inline code spans and link destinations `](...)`. */
function maskedRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const re = /(`+)[\s\S]*?\1|\]\([^)\s]*(?:\s+"[^"]*")?\)/g;
  for (const m of text.matchAll(re)) {
    const index = m.index ?? 0;
    // A destination is masked from its `(`, so the visible link text keeps its `]`.
    ranges.push(m[0].startsWith(']') ? [index + 1, index + m[0].length] : [index, index + m[0].length]);
  }
  return ranges;
}

// ---------------------------------------------------------------------------------------------
// Value helpers (artifacts.md §1, §4.3, §7, §8)

/** Template token or TBD / TODO / `?` (artifacts.md §1); `<TBD: reason>` is one too. */
export function isPlaceholder(value: string): boolean {
  const v = unwrapBackticks(value);
  return /^<[^>]*>$/.test(v) || /^(TBD|TODO|\?)$/i.test(v);
}

/** Empty values are as unusable as template tokens, and rules treat both as "not filled in". */
export function isEmptyOrPlaceholder(value: string): boolean {
  return unwrapBackticks(value) === '' || isPlaceholder(value);
}

/** `<TBD: reason>`: a gap flagged for input with a reason. */
export function isAnnotatedTbd(value: string): boolean {
  return /^<TBD:\s*\S.*>$/.test(unwrapBackticks(value));
}

/** `YYYY-MM-DD` that is a real calendar date; returns the date string or null. */
export function parseDate(value: string): string | null {
  const v = unwrapBackticks(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? v : null;
}

const DURATION_UNITS: [RegExp, number][] = [
  [/^ms$/, 1],
  [/^(s|secs?|seconds?)$/, 1000],
  [/^(m|mins?|minutes?)$/, 60_000],
  [/^(h|hrs?|hours?)$/, 3_600_000],
  [/^(d|days?)$/, 86_400_000],
  [/^(w|weeks?)$/, 604_800_000],
];

/** First duration in the value, in milliseconds; `Infinity` for infinite/forever; null if none. */
export function parseDuration(value: string): number | null {
  // A duration is stated in its first words; the digit patterns below are quadratic on a long run
  // of digits (40,000 took 3.5 s), so a hostile field is cut first.
  const v = unwrapBackticks(value.slice(0, 200));
  if (/\b(infinite|forever)\b/i.test(v)) return Infinity;
  const iso = /\bP(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?\b/.exec(v);
  if (iso && iso[0].length > 1 && iso[0] !== 'PT') {
    const n = (i: number) => Number(iso[i] ?? 0);
    return ((((n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60 + n(7)) * 1000;
  }
  // The spec's unit words, plus the shorthands writers use for the same units (`15m`, `15 mins`,
  // `2 hrs`, `30 secs`); a bare capital `M` is left out because `1M` is a count (a million).
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)\s*(ms|secs?|seconds?|s|mins?|minutes?|m|hrs?|hours?|h|d|days?|w|weeks?)(?![A-Za-z0-9_])/gi)) {
    if (m[2] === 'M') continue;
    const unit = m[2].toLowerCase();
    const factor = DURATION_UNITS.find(([re]) => re.test(unit))?.[1] ?? 1;
    return Number(m[1]) * factor;
  }
  return null;
}

/** Field-name comparison form: `memberId`, `member_id` and `` `member_id` `` agree; `(a, b)` is `a,b`. */
export function normKey(value: string): string {
  let v = value.replace(/`/g, '').trim();
  const tuple = /^\((.*)\)$/.exec(v);
  if (tuple) v = tuple[1];
  return v
    .split(',')
    .map((part) =>
      part
        .trim()
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .replace(/\s+/g, ''),
    )
    .join(',');
}

/** The team part of an owner value: text before the first `(`, `,` or ` - `. */
export function teamOf(value: string): string {
  return value.split(/\(|,| - /)[0].trim().toLowerCase();
}

export const COMPLIANCE_CLASSES = ['none', 'PII', 'GDPR', 'SOC2', 'PCI', 'data residency'] as const;

/** Compliance vocabulary items named in the value; a value that opens with `none` is just that. */
export function complianceSet(value: string): Set<string> {
  const v = unwrapBackticks(value);
  if (/^none(?![A-Za-z0-9_-])/i.test(v)) return new Set(['none']);
  const found = new Set<string>();
  for (const item of COMPLIANCE_CLASSES) {
    if (item === 'none') continue;
    const re = new RegExp(`(?<![A-Za-z0-9_-])${item.replace(' ', '\\s+')}(?![A-Za-z0-9_-])`, 'i');
    if (re.test(v)) found.add(item);
  }
  return found;
}

export const TIERS = ['Prototype', 'Service-ready', 'Production-ready', 'Enterprise-critical'] as const;
export type TierName = (typeof TIERS)[number];

/** The tier named by a value (case-insensitive, a trailing parenthetical ignored), or null. */
export function parseTier(value: string): TierName | null {
  const v = unwrapBackticks(value).replace(/\s*\([^()]*\)\s*$/, '').trim().toLowerCase();
  return TIERS.find((t) => t.toLowerCase() === v) ?? null;
}

/** Comparison order of tiers (not a maturity level). */
export function tierRank(tier: string): number | null {
  const t = parseTier(tier);
  return t === null ? null : TIERS.indexOf(t);
}

/** A field value holding several items (§4.3): split on `,`, `;`, `|` and ` and `. */
export function splitList(value: string): string[] {
  return value
    .split(/[,;|]| and /)
    .map((s) => s.trim())
    .filter(Boolean);
}
