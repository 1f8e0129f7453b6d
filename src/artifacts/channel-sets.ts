// The channel facts several docs rules compare (rules.md 3): design Boundary contracts bullets
// (artifacts.md 6.1 grammar), README `Channels owned` entries, the contract's H1 channel, ordering
// keys and compatibility modes, plus the channel-name grammar of artifacts.md 9.
import type { List, ListItem, Nodes, Paragraph } from 'mdast';
import { editDistance } from '../config/did-you-mean.js';
import {
  findField,
  findSection,
  isEmptyOrPlaceholder,
  normKey,
  sectionBody,
  sectionFields,
  unwrapBackticks,
  type Field,
  type MarkdownDoc,
  type Section,
} from './markdown.js';
import type { MarkdownArtifact } from './model.js';

// ---------------------------------------------------------------------------------------------
// Channel grammar (artifacts.md 9)

const SEGMENT = '[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*';
export const CHANNEL_GRAMMAR = new RegExp(`^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?:\\.${SEGMENT})+\\.v[1-9][0-9]*$`);
export const DERIVED_SUFFIXES = ['dlq', 'dlt', 'retry', 'quarantine'] as const;
export const GENERIC_CHANNEL_NAMES = new Set(['events', 'messages', 'queue', 'topic', 'bus', 'default', 'all']);

export function isChannelName(name: string): boolean {
  return CHANNEL_GRAMMAR.test(name);
}

/** The base channel of a derived one (`orders.placed.v1.dlq` → `orders.placed.v1`), else null. */
export function baseOfDerived(name: string): string | null {
  const m = new RegExp(`^(.*)\\.(${DERIVED_SUFFIXES.join('|')})$`).exec(name);
  return m ? m[1] : null;
}

export function isDerivedChannel(name: string): boolean {
  const base = baseOfDerived(name);
  return base !== null && isChannelName(base);
}

/** `orders.placed.v1` → `orders.placed.v2`; a name without a version gets `.v2`. */
export function nextVersion(channel: string): string {
  const m = /^(.*\.v)(\d+)$/.exec(channel);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${channel}.v2`;
}

export function withoutVersion(channel: string): string {
  return channel.replace(/\.v\d+$/, '');
}

/** rules.md 7 step 6 / 13 step 3: edit distance 2 or less, or the same name with another version. */
export function isNearMiss(a: string, b: string): boolean {
  if (a === b) return false;
  if (editDistance(a, b) <= 2) return true;
  return /\.v\d+$/.test(a) && /\.v\d+$/.test(b) && withoutVersion(a) === withoutVersion(b);
}

/** The closest near-miss candidate (smallest edit distance, then sort order). */
export function nearestChannel(name: string, candidates: Iterable<string>): string | null {
  let best: { c: string; d: number } | null = null;
  for (const c of candidates) {
    if (!isNearMiss(name, c)) continue;
    const d = editDistance(name, c);
    if (!best || d < best.d || (d === best.d && c < best.c)) best = { c, d };
  }
  return best?.c ?? null;
}

// ---------------------------------------------------------------------------------------------
// Design Boundary contracts (artifacts.md 6.1)

export type BoundaryFactKey = 'ordering key' | 'idempotency key' | 'retention' | 'dlq owner' | 'compatibility' | 'event type';

export interface BoundaryFact {
  /** As written (`partition key`). */
  name: string;
  value: string;
  line: number;
}

export interface BoundaryEntry {
  channel: string;
  /** The explicit mark; a bullet without one describes a produced channel. */
  mark: 'produced' | 'consumed' | null;
  consumed: boolean;
  line: number;
  endLine: number;
  facts: Map<BoundaryFactKey | string, BoundaryFact>;
}

const FACT_SYNONYMS: Record<string, BoundaryFactKey> = {
  'ordering key': 'ordering key',
  'partition key': 'ordering key',
  'idempotency key': 'idempotency key',
  'dedup key': 'idempotency key',
  retention: 'retention',
  'dlq owner': 'dlq owner',
  compatibility: 'compatibility',
  'compatibility mode': 'compatibility',
  'event type': 'event type',
};

function factKey(name: string): string {
  const key = name.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return FACT_SYNONYMS[key] ?? key;
}

export interface BoundarySection {
  section: Section | null;
  entries: BoundaryEntry[];
}

const boundaryCache = new WeakMap<MarkdownDoc, BoundarySection>();

export function boundaryContracts(design: MarkdownArtifact): BoundarySection {
  const cached = boundaryCache.get(design.doc);
  if (cached) return cached;
  const doc = design.doc;
  const section = findSection(doc, 'boundary contracts') ?? null;
  const entries: BoundaryEntry[] = [];
  if (section) {
    for (const node of sectionBody(doc, section)) {
      if (node.type !== 'list') continue;
      for (const item of (node as List).children) {
        const entry = boundaryEntry(doc, item);
        if (entry) entries.push(entry);
      }
    }
  }
  const result = { section, entries };
  boundaryCache.set(design.doc, result);
  return result;
}

const BULLET_HEAD = /^\s*`([^`]+)`\s*(?:\((consumed|produced)\))?\s*(?:(?:—|–|-|:)\s*)?([\s\S]*)$/i;

function boundaryEntry(doc: MarkdownDoc, item: ListItem): BoundaryEntry | null {
  const first = item.children[0];
  if (!first || first.type !== 'paragraph') return null;
  const raw = rawText(doc, first);
  if (!raw) return null;
  const m = BULLET_HEAD.exec(raw.text);
  if (!m) return null;
  const mark = m[2] ? (m[2].toLowerCase() as 'produced' | 'consumed') : null;
  const facts = new Map<string, BoundaryFact>();
  const restStart = raw.text.length - m[3].length;
  let offset = restStart;
  for (const part of m[3].split(';')) {
    const fact = parseFact(part, raw.line + countNewlines(raw.text.slice(0, offset + leadingSpace(part))));
    if (fact && !facts.has(fact.key)) facts.set(fact.key, fact.fact);
    offset += part.length + 1;
  }
  for (const child of item.children.slice(1)) {
    if (child.type !== 'list') continue;
    for (const sub of child.children) {
      const p = sub.children[0];
      if (!p || p.type !== 'paragraph') continue;
      const subRaw = rawText(doc, p);
      if (!subRaw) continue;
      const fact = parseFact(subRaw.text, subRaw.line);
      if (fact && !facts.has(fact.key)) facts.set(fact.key, fact.fact);
    }
  }
  return {
    channel: m[1].trim(),
    mark,
    consumed: mark === 'consumed',
    line: raw.line,
    endLine: item.position?.end.line ?? raw.line,
    facts,
  };
}

function parseFact(text: string, line: number): { key: string; fact: BoundaryFact } | null {
  const cleaned = text.replace(/\*\*/g, '').trim();
  const colon = cleaned.indexOf(':');
  if (colon <= 0) return null;
  const name = cleaned.slice(0, colon).trim();
  if (name.length > 40) return null;
  return { key: factKey(name), fact: { name, value: cleaned.slice(colon + 1).trim().replace(/\.$/, ''), line } };
}

const leadingSpace = (s: string) => s.length - s.trimStart().length;
const countNewlines = (s: string) => (s.match(/\n/g) ?? []).length;

function rawText(doc: MarkdownDoc, node: Paragraph | Nodes): { text: string; line: number } | null {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return null;
  return { text: doc.text.slice(start, end), line: node.position!.start.line };
}

// ---------------------------------------------------------------------------------------------
// README Channels owned (artifacts.md 6.9)

export interface ReadmeChannel {
  channel: string;
  role: 'produced' | 'consumed' | 'both' | null;
  line: number;
}

export function readmeChannels(readme: MarkdownArtifact): { section: Section | null; entries: ReadmeChannel[] } {
  const doc = readme.doc;
  const section = findSection(doc, 'channels owned') ?? null;
  const entries: ReadmeChannel[] = [];
  if (!section) return { section, entries };
  for (const node of sectionBody(doc, section)) {
    if (node.type !== 'list') continue;
    for (const item of (node as List).children) {
      const first = item.children[0];
      if (!first || first.type !== 'paragraph') continue;
      const raw = rawText(doc, first);
      const m = raw ? /^\s*(?:\*\*)?`([^`]+)`/.exec(raw.text) : null;
      if (!raw || !m) continue;
      const role = /(?<![A-Za-z0-9_-])(produced|consumed|both)(?![A-Za-z0-9_-])/i.exec(raw.text.slice(m[0].length))?.[1]?.toLowerCase();
      entries.push({ channel: m[1].trim(), role: (role as ReadmeChannel['role']) ?? null, line: raw.line });
    }
  }
  return { section, entries };
}

// ---------------------------------------------------------------------------------------------
// Contract facts (artifacts.md 6.4)

/** The channel named by `` # Contract: `<channel>` `` (code span, else the text after the colon). */
export function contractTitleChannel(doc: MarkdownDoc): { channel: string; line: number } | null {
  const h1 = doc.headings.find((s) => s.depth === 1);
  if (!h1) return null;
  const raw = doc.lines[h1.line - 1] ?? '';
  const span = /`([^`]+)`/.exec(raw)?.[1];
  const text = span ?? h1.heading.replace(/^contract\s*:\s*/i, '');
  return { channel: text.trim(), line: h1.line };
}

/** First field with one of `names` in the section (subsections included) whose key matches. */
export function fieldInSection(doc: MarkdownDoc, sectionKey: (key: string) => boolean, ...names: string[]): { field: Field; section: Section } | null {
  for (const section of doc.headings) {
    if (!sectionKey(section.key)) continue;
    const field = findField(sectionFields(section, true), ...names);
    if (field) return { field, section };
  }
  return null;
}

/** The contract's `Ordering key` field (in its Ordering section first, else anywhere). */
export function contractOrderingKey(contract: MarkdownArtifact): Field | null {
  return (
    fieldInSection(contract.doc, (k) => k.includes('ordering'), 'Ordering key', 'Partition key')?.field ??
    findField(contract.doc.fields, 'Ordering key', 'Partition key') ??
    null
  );
}

/**
 * An ordering key value in `normKey` form: `none`, a field (`member_id`), or a composite `a,b`
 * written `(a, b)` or as several code spans joined by `,` / `+` / `and`. Null for a placeholder
 * or a value with no recognisable key.
 */
export function orderingKeyOf(value: string): string | null {
  const v = value.trim();
  if (v === '' || isEmptyOrPlaceholder(v)) return null;
  if (/^`?none`?(?![A-Za-z0-9_])/i.test(v)) return 'none';
  const tuple = /^`?\(([^)]*)\)`?/.exec(v);
  if (tuple) return normKey(`(${tuple[1]})`);
  const spans = [...v.matchAll(/`([^`]+)`/g)];
  if (spans.length > 0) {
    const firstSpan = spans[0][1].trim();
    if (/^\(.*\)$/.test(firstSpan)) return normKey(firstSpan);
    if (/^none$/i.test(firstSpan)) return 'none';
    const parts = [firstSpan];
    for (let i = 1; i < spans.length; i++) {
      const prev = spans[i - 1];
      const between = v.slice((prev.index ?? 0) + prev[0].length, spans[i].index ?? 0);
      if (!/^\s*(,|\+|&|and)\s*$/i.test(between)) break;
      parts.push(spans[i][1].trim());
    }
    return parts.map((p) => normKey(p)).join(',');
  }
  const token = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(unwrapBackticks(v))?.[0];
  return token ? normKey(token) : null;
}

export type CompatibilityMode = 'BACKWARD' | 'FORWARD' | 'FULL' | 'NONE';

const MODE = /(?<![A-Za-z0-9_])(BACKWARD|FORWARD|FULL|NONE)(?:_TRANSITIVE)?(?![A-Za-z0-9])/;

/** The contract's compatibility mode: first of the four modes in its Compatibility section. */
export function compatibilityMode(contract: MarkdownArtifact): { mode: CompatibilityMode; line: number; section: Section } | null {
  const doc = contract.doc;
  for (const section of doc.headings) {
    if (!section.key.includes('compatibility')) continue;
    const field = findField(sectionFields(section, true), 'Compatibility', 'Compatibility mode');
    const fromField = field ? MODE.exec(field.value.toUpperCase()) : null;
    if (field && fromField) return { mode: fromField[1] as CompatibilityMode, line: field.line, section };
    const end = section.endLine;
    for (let line = section.line; line <= end; line++) {
      const m = MODE.exec(doc.lines[line - 1] ?? '');
      if (m) return { mode: m[1] as CompatibilityMode, line, section };
    }
    return null;
  }
  return null;
}

/** Text of a section's lines (heading excluded), for whole-section searches. */
export function sectionText(doc: MarkdownDoc, section: Section): string {
  return doc.lines.slice(section.line, section.endLine).join('\n');
}
