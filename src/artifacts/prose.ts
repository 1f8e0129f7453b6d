// Prose units (rules.md §3): the pieces of a Markdown artifact that claim rules scan. A unit is a
// list item (with its nested items) or one sentence of a paragraph; fenced code, block quotes,
// tables, headings and HTML are not prose. Inline code spans and link destinations are *masked*:
// each becomes one opaque token (MASK) that no phrase, word or number pattern can match, while its
// content stays attached for the few checks that look for a named path, channel, job or state
// (CHANGES.md item 1). Link text stays visible.
import type { Definition, Link, LinkReference, List, ListItem, Nodes, Paragraph, PhrasingContent, RootContent } from 'mdast';
import { headingPath, sectionAt, type MarkdownDoc, type Section } from './markdown.js';

/** The opaque token that replaces a code span or a link destination (U+FFFC OBJECT REPLACEMENT). */
export const MASK = '\uFFFC';

export interface Mask {
  /** Offset of the MASK token in the masked text. */
  offset: number;
  kind: 'code' | 'link';
  /** Code span content as written, or the link destination (`../runbooks/dlq-triage.md#redrive`). */
  content: string;
  /** Links: the visible link text, which sits in the masked text just before the token. */
  linkText?: string;
  /** Links: offset where the visible link text starts. */
  textOffset?: number;
  line: number;
}

export interface MaskedText {
  /** The text with every code span and link destination replaced by one MASK character. */
  text: string;
  /** In text order; `masks[i].offset` is the offset of the i-th MASK. */
  masks: readonly Mask[];
}

export interface ProseUnit extends MaskedText {
  kind: 'item' | 'sentence';
  line: number;
  endLine: number;
  /** Heading keys from the top-level section down to the unit's section. */
  headingPath: readonly string[];
  section: Section | null;
  /** Inside `Anti-patterns to avoid` or `Alternatives Considered` (never an affirmative claim). */
  excluded: boolean;
  /** Source line of a character offset of `text`. */
  lineOf(offset: number): number;
}

export interface ProseOptions {
  /** Leave out units under `Anti-patterns to avoid` and `Alternatives Considered` (affirmative-claim scans). */
  affirmative?: boolean;
  /** Only units inside this section (its subsections included). */
  within?: Section;
}

/** Sections whose text describes what the design rejects; affirmative-claim scans skip them. */
export const NON_AFFIRMATIVE_SECTIONS = ['anti-patterns to avoid', 'alternatives considered'] as const;

/** A heading key without an overview's numbering prefix (`6. alternatives considered`). */
export function bareKey(key: string): string {
  return key.replace(/^\d+(?:\.\d+)*\.?\s+/, '');
}

export function isNonAffirmativePath(path: readonly string[]): boolean {
  return path.some((key) => (NON_AFFIRMATIVE_SECTIONS as readonly string[]).includes(bareKey(key)));
}

/** Every prose unit of the document in source order. */
export function proseUnits(doc: MarkdownDoc, options: ProseOptions = {}): ProseUnit[] {
  const cache = unitCache(doc);
  const units: ProseUnit[] = [];
  doc.root.children.forEach((node, index) => {
    if (options.within && !overlaps(node, options.within)) return;
    for (const unit of nodeUnits(doc, cache, node, index)) {
      if (options.within && (unit.line < options.within.line || unit.line > options.within.endLine)) continue;
      if (options.affirmative && unit.excluded) continue;
      units.push(unit);
    }
  });
  return units;
}

/**
 * Units are built once per document and block: every docs rule and several summaries ask for the
 * prose of the same parsed document, and a long paragraph is thousands of units. The cache holds
 * what an unfiltered call would build; callers get a fresh array each time (the units themselves
 * are shared and never modified after they are built).
 */
interface UnitCache {
  ctx: InlineContext;
  /** Units of `doc.root.children[i]`, filled on first use. */
  byNode: (readonly ProseUnit[] | undefined)[];
}

const unitCaches = new WeakMap<MarkdownDoc, UnitCache>();

function unitCache(doc: MarkdownDoc): UnitCache {
  let cache = unitCaches.get(doc);
  if (!cache) {
    const definitions = new Map<string, string>();
    for (const node of doc.root.children) {
      if (node.type === 'definition') definitions.set(normalizeLabel((node as Definition).identifier), (node as Definition).url);
    }
    cache = { ctx: { text: doc.text, definitions }, byNode: [] };
    unitCaches.set(doc, cache);
  }
  return cache;
}

function nodeUnits(doc: MarkdownDoc, cache: UnitCache, node: RootContent, index: number): readonly ProseUnit[] {
  const cached = cache.byNode[index];
  if (cached) return cached;
  const units: ProseUnit[] = [];
  const add = (built: Built, kind: ProseUnit['kind']) => {
    const unit = toUnit(doc, built, kind);
    if (unit) units.push(unit);
  };
  if (node.type === 'paragraph') {
    for (const sentence of splitBuilt(paragraphText(node, cache.ctx))) add(sentence, 'sentence');
  } else if (node.type === 'list') {
    for (const item of node.children) add(itemText(item, cache.ctx), 'item');
  }
  cache.byNode[index] = units;
  return units;
}

/** Units of one section (with its subsections). */
export function sectionUnits(doc: MarkdownDoc, section: Section, options: Omit<ProseOptions, 'within'> = {}): ProseUnit[] {
  return proseUnits(doc, { ...options, within: section });
}

function overlaps(node: RootContent, section: Section): boolean {
  const start = node.position?.start.line ?? 0;
  const end = node.position?.end.line ?? start;
  return end >= section.line && start <= section.endLine;
}

// ---------------------------------------------------------------------------------------------
// Building masked text with a line map

interface Built extends MaskedText {
  /** [offset, line] pairs: from `offset` on, text is on `line` (until the next pair). */
  breaks: [number, number][];
}

class Builder {
  text = '';
  masks: Mask[] = [];
  breaks: [number, number][] = [];
  private line = 0;

  private at(line: number): void {
    if (line !== this.line) {
      this.breaks.push([this.text.length, line]);
      this.line = line;
    }
  }

  append(value: string, line: number): void {
    value.replace(/\uFFFC/g, ' ').split('\n').forEach((piece, i) => {
      if (i > 0) this.text += '\n';
      this.at(line + i);
      this.text += piece;
    });
  }

  /** A separator between blocks of one unit; keeps the line of what follows. */
  separate(): void {
    // The last character only: an end-anchored regular expression scans the whole text each time.
    if (this.text && !/\s/.test(this.text[this.text.length - 1]!)) this.text += '\n';
  }

  mask(kind: Mask['kind'], content: string, line: number, link?: { text: string; textOffset: number }): void {
    this.at(line);
    this.masks.push({ offset: this.text.length, kind, content, line, ...(link ? { linkText: link.text, textOffset: link.textOffset } : {}) });
    this.text += MASK;
  }

  get length(): number {
    return this.text.length;
  }

  done(): Built {
    return { text: this.text, masks: this.masks, breaks: this.breaks };
  }
}

interface InlineContext {
  text: string;
  definitions: Map<string, string>;
}

const lineOfNode = (node: Nodes) => node.position?.start.line ?? 1;
const normalizeLabel = (label: string) => label.replace(/\s+/g, ' ').trim().toLowerCase();
const URL_AUTOLINK = /^(?:https?|mailto|ftp|file):/i;

function inline(nodes: readonly PhrasingContent[], b: Builder, ctx: InlineContext): void {
  for (const node of nodes) {
    const line = lineOfNode(node);
    switch (node.type) {
      case 'text':
        b.append(node.value, line);
        break;
      case 'inlineCode':
        b.mask('code', node.value, line);
        break;
      case 'emphasis':
      case 'strong':
      case 'delete':
        inline(node.children, b, ctx);
        break;
      case 'link':
        linkNode(node, b, ctx);
        break;
      case 'linkReference': {
        const textOffset = b.length;
        inline(node.children, b, ctx);
        const url = ctx.definitions.get(normalizeLabel((node as LinkReference).identifier)) ?? '';
        b.mask('link', url, line, { text: b.text.slice(textOffset), textOffset });
        break;
      }
      case 'html':
        // Comments are not prose; a bare `<TBD>` or `<team>` parses as HTML but is a placeholder.
        if (/^<!--/.test(node.value)) break;
        if (/^<br\s*\/?>$/i.test(node.value)) b.append(' ', line);
        else b.append(node.value, line);
        break;
      case 'break':
        b.append('\n', line);
        break;
      default:
        break;
    }
  }
}

function linkNode(node: Link, b: Builder, ctx: InlineContext): void {
  const line = lineOfNode(node);
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  const raw = start !== undefined && end !== undefined ? ctx.text.slice(start, end) : '';
  // `<TBD:who-decides>` is an autolink to CommonMark; to a reader it is an annotated placeholder.
  if (raw.startsWith('<') && !URL_AUTOLINK.test(node.url)) {
    b.append(raw, line);
    return;
  }
  const textOffset = b.length;
  inline(node.children, b, ctx);
  b.mask('link', node.url, line, { text: b.text.slice(textOffset), textOffset });
}

function paragraphText(node: Paragraph, ctx: InlineContext): Built {
  const b = new Builder();
  inline(node.children, b, ctx);
  return b.done();
}

/** A list item's own paragraphs and its nested items; code, quotes and tables are left out. */
function itemText(item: ListItem, ctx: InlineContext): Built {
  const b = new Builder();
  const visit = (node: ListItem) => {
    for (const child of node.children) {
      if (child.type === 'paragraph') {
        b.separate();
        inline(child.children, b, ctx);
      } else if (child.type === 'list') {
        for (const nested of (child as List).children) visit(nested);
      }
    }
  };
  visit(item);
  return b.done();
}

function lineAt(breaks: readonly [number, number][], offset: number): number {
  let lo = 0;
  let hi = breaks.length - 1;
  let found = breaks[0]?.[1] ?? 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (breaks[mid][0] <= offset) {
      found = breaks[mid][1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** First index in [0, length) whose key is >= `value` (> `value` when `strict`); keys must not decrease. */
function lowerBound(length: number, key: (i: number) => number, value: number, strict: boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = key(mid);
    if (strict ? k <= value : k < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function nonDecreasing(length: number, key: (i: number) => number): boolean {
  for (let i = 1; i < length; i++) if (!(key(i - 1) <= key(i))) return false;
  return true;
}

/**
 * Cuts parts [start, end) out of a built text, with masks and line breaks rebased. Masks and breaks
 * are in offset order (the Builder appends them so), so each cut finds its first mask and break by
 * binary search and reads only what it keeps: splitting a paragraph costs its length times a log,
 * not its sentences times its masks and lines. Out-of-order input (a hand-built `MaskedText`) is
 * filtered in full, as before.
 */
function slicer(built: Built): (start: number, end: number) => Built {
  const { masks, breaks } = built;
  const masksSorted = nonDecreasing(masks.length, (i) => masks[i].offset);
  const breaksSorted = nonDecreasing(breaks.length, (i) => breaks[i][0]);
  const rebase = (m: Mask, start: number): Mask => ({
    ...m,
    offset: m.offset - start,
    ...(m.textOffset !== undefined ? { textOffset: Math.max(0, m.textOffset - start) } : {}),
  });
  return (start, end) => {
    const text = built.text.slice(start, end);
    let kept: Mask[];
    if (masksSorted) {
      kept = [];
      for (let i = lowerBound(masks.length, (k) => masks[k].offset, start, false); i < masks.length && masks[i].offset < end; i++) {
        kept.push(rebase(masks[i], start));
      }
    } else {
      kept = masks.filter((m) => m.offset >= start && m.offset < end).map((m) => rebase(m, start));
    }
    const cut: [number, number][] = [[0, lineAt(breaks, start)]];
    if (breaksSorted) {
      for (let i = lowerBound(breaks.length, (k) => breaks[k][0], start, true); i < breaks.length && breaks[i][0] < end; i++) {
        cut.push([breaks[i][0] - start, breaks[i][1]]);
      }
    } else {
      for (const [offset, line] of breaks) if (offset > start && offset < end) cut.push([offset - start, line]);
    }
    return { text, masks: kept, breaks: cut };
  };
}

/** The part [start, end) of a built text, with masks and line breaks rebased. */
function slice(built: Built, start: number, end: number): Built {
  return slicer(built)(start, end);
}

function trimBuilt(built: Built): Built | null {
  const start = built.text.search(/\S/);
  if (start < 0) return null;
  const end = built.text.length - (built.text.length - built.text.trimEnd().length);
  return slice(built, start, end);
}

function toUnit(doc: MarkdownDoc, built: Built, kind: ProseUnit['kind']): ProseUnit | null {
  const trimmed = trimBuilt(built);
  if (!trimmed) return null;
  const line = lineAt(trimmed.breaks, 0);
  const endLine = lineAt(trimmed.breaks, trimmed.text.length - 1);
  const path = headingPath(doc, line);
  const breaks = trimmed.breaks;
  return {
    kind,
    text: trimmed.text,
    masks: trimmed.masks,
    line,
    endLine: Math.max(line, endLine),
    headingPath: path,
    section: sectionAt(doc, line),
    excluded: isNonAffirmativePath(path),
    lineOf: (offset: number) => lineAt(breaks, offset),
  };
}

// ---------------------------------------------------------------------------------------------
// Sentences (rules.md §3)

/**
 * Splits after `.`, `!` or `?` when whitespace and then an upper-case letter, a digit or a masked
 * token follow (opening quotes and brackets skipped). A link counts as a token from its text on.
 */
function splitBuilt(built: Built): Built[] {
  const { text } = built;
  const tokenStarts = new Set<number>();
  for (const m of built.masks) tokenStarts.add(m.textOffset ?? m.offset);
  const cut = slicer(built);
  const out: Built[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!'.!?'.includes(text[i])) continue;
    let j = i + 1;
    if (j >= text.length || !/\s/.test(text[j])) continue;
    while (j < text.length && /\s/.test(text[j])) j++;
    let k = j;
    while (k < text.length && /["'“‘(]/.test(text[k])) k++;
    const next = text[k] ?? '';
    if (!(tokenStarts.has(k) || next === MASK || /[\p{Lu}\p{Nd}]/u.test(next))) continue;
    out.push(cut(start, i + 1));
    start = j;
  }
  out.push(cut(start, text.length));
  return out;
}

/** Sentences of a masked text (a paragraph, or a field value passed through `maskInline`). */
export function splitMaskedSentences(value: MaskedText): MaskedText[] {
  const built: Built = { text: value.text, masks: value.masks, breaks: [[0, value.masks[0]?.line ?? 1]] };
  return splitBuilt(built)
    .map(trimBuilt)
    .filter((b): b is Built => b !== null)
    .map(({ text, masks }) => ({ text, masks }));
}

// ---------------------------------------------------------------------------------------------
// Field values and display

const INLINE_TOKENS = /(`+)([\s\S]*?)\1|\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)|<((?:https?|mailto):[^>\s]*)>/g;

/**
 * Masks a Markdown fragment held as a string (a field value): code spans, `[text](dest)` links and
 * URL autolinks, the same way `proseUnits` masks parsed text. `**` and `__` emphasis marks are
 * dropped; single `*` / `_` stay, because outside code they are usually part of a name.
 */
export function maskInline(markdown: string, line = 1): MaskedText {
  const masks: Mask[] = [];
  let text = '';
  let last = 0;
  const plain = (s: string) => s.replace(/\*\*|__/g, '').replace(/\uFFFC/g, ' ');
  for (const m of markdown.matchAll(INLINE_TOKENS)) {
    const index = m.index ?? 0;
    text += plain(markdown.slice(last, index));
    if (m[1] !== undefined) {
      masks.push({ offset: text.length, kind: 'code', content: m[2], line });
      text += MASK;
    } else if (m[3] !== undefined) {
      const textOffset = text.length;
      const linkText = plain(m[3]);
      text += linkText;
      masks.push({ offset: text.length, kind: 'link', content: m[4] ?? '', linkText, textOffset, line });
      text += MASK;
    } else {
      masks.push({ offset: text.length, kind: 'link', content: m[5], line });
      text += MASK;
    }
    last = index + m[0].length;
  }
  text += plain(markdown.slice(last));
  return { text, masks };
}

/** The text with code spans put back as their content and link destinations dropped. */
export function revealText(value: MaskedText): string {
  return replaceMasks(value, (m) => (m.kind === 'code' ? m.content : ''));
}

/** A one-line excerpt for messages: code spans in backticks, destinations dropped, whitespace collapsed. */
export function excerpt(value: MaskedText, max = 100): string {
  const text = replaceMasks(value, (m) => (m.kind === 'code' ? `\`${m.content}\`` : '')).replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function replaceMasks(value: MaskedText, by: (mask: Mask) => string): string {
  let out = '';
  let last = 0;
  for (const mask of value.masks) {
    out += value.text.slice(last, mask.offset) + by(mask);
    last = mask.offset + 1;
  }
  return out + value.text.slice(last);
}

/** The mask whose token sits at `offset`, if any. */
export function maskAt(value: MaskedText, offset: number): Mask | undefined {
  return value.masks.find((m) => m.offset === offset);
}

/**
 * The code span or link that directly follows `offset`, with only characters matching `gap`
 * (whitespace and `:` by default) in between; for links, the link text must start there.
 */
export function maskFollowing(value: MaskedText, offset: number, gap: RegExp = /[\s:]/): Mask | undefined {
  let k = offset;
  while (k < value.text.length && gap.test(value.text[k])) k++;
  return value.masks.find((m) => (m.textOffset ?? m.offset) === k);
}

// ---------------------------------------------------------------------------------------------
// Section structure helpers shared by the structural docs rules

export interface SectionItem {
  line: number;
  endLine: number;
  /** The item's own first paragraph as written in the source (markers stripped, lines joined). */
  raw: string;
  /** Masked text of the whole item, nested items included (as a prose unit). */
  unit: ProseUnit;
  /** Nested items, one level down. */
  children: SectionItem[];
  node: ListItem;
}

/**
 * The list items of a section, top level only (nested ones are in `children`). With `deep`, lists
 * in subsections count too. Lists inside block quotes are not items.
 */
export function sectionItems(doc: MarkdownDoc, section: Section, deep = false): SectionItem[] {
  const end = deep || section.children.length === 0 ? section.endLine : section.children[0].line - 1;
  const units = new Map(proseUnits(doc, { within: section }).filter((u) => u.kind === 'item').map((u) => [u.line, u]));
  const out: SectionItem[] = [];
  for (const node of doc.root.children) {
    const line = node.position?.start.line ?? 0;
    if (node.type !== 'list' || line <= section.line || line > end) continue;
    for (const item of node.children) {
      const built = toSectionItem(doc, item, units);
      if (built) out.push(built);
    }
  }
  return out;
}

function toSectionItem(doc: MarkdownDoc, item: ListItem, units: Map<number, ProseUnit>): SectionItem | null {
  const line = item.position?.start.line ?? 0;
  const ctx: InlineContext = { text: doc.text, definitions: new Map() };
  const unit = units.get(line) ?? toUnit(doc, itemText(item, ctx), 'item');
  if (!unit) return null;
  const first = item.children.find((c): c is Paragraph => c.type === 'paragraph');
  const start = first?.position?.start.offset;
  const stop = first?.position?.end.offset;
  const raw = start !== undefined && stop !== undefined ? doc.text.slice(start, stop).replace(/\s*\n\s*/g, ' ').trim() : '';
  const children: SectionItem[] = [];
  for (const child of item.children) {
    if (child.type !== 'list') continue;
    for (const nested of child.children) {
      const built = toSectionItem(doc, nested, units);
      if (built) children.push(built);
    }
  }
  return { line, endLine: item.position?.end.line ?? line, raw, unit, children, node: item };
}

/** Whether a section (subsections included) holds anything but blank lines and HTML comments. */
export function sectionHasContent(doc: MarkdownDoc, section: Section, deep = true): boolean {
  const end = deep || section.children.length === 0 ? section.endLine : section.children[0].line - 1;
  const body = doc.lines.slice(section.line, end).join('\n').replace(/<!--[\s\S]*?-->/g, '');
  return /\S/.test(body);
}

/** The source text of a section's lines (heading excluded), for whole-section keyword checks. */
export function sectionText(doc: MarkdownDoc, section: Section, deep = true): string {
  const end = deep || section.children.length === 0 ? section.endLine : section.children[0].line - 1;
  return doc.lines.slice(section.line, end).join('\n').replace(/<!--[\s\S]*?-->/g, '');
}
