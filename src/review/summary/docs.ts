// Readers of the artifact facts the computed review needs (review-output.md §5-9): a design's
// reliability answers, System concerns, README service info, contract fields, runbooks, tier claims.
// Every word list is matched the way rules.md §3 defines ("Vocabulary matching"): case-insensitive,
// at word boundaries, through src/artifacts/vocabulary.ts. Evidence checks read a field or a section
// as a whole, so code spans count as ordinary text (`traceparent`, `orders.placed.v1.dlq`) while link
// destinations are dropped.
import type { Table, TableCell } from 'mdast';
import { readAsyncApi } from '../../artifacts/asyncapi.js';
import { boundaryContracts, compatibilityMode, readmeChannels } from '../../artifacts/channel-sets.js';
import {
  complianceSet,
  findField,
  findSection,
  isAnnotatedTbd,
  isEmptyOrPlaceholder,
  parseTier,
  plainText,
  sectionFields,
  type Field,
  type MarkdownDoc,
  type Section,
} from '../../artifacts/markdown.js';
import type { ArtifactModel, Feature, MarkdownArtifact } from '../../artifacts/model.js';
import { maskInline, proseUnits, revealText, type ProseUnit } from '../../artifacts/prose.js';
import {
  compileVocabulary,
  firstVocabularyMatch,
  matchVocabulary,
  testVocabulary,
  type Vocabulary,
} from '../../artifacts/vocabulary.js';
import type { Tier } from '../types.js';
import { featureRelative } from './facts.js';

export { featureRelative };

/** A word list, compiled once (rules.md §3 boundaries). */
export const vocab = (...patterns: string[]): Vocabulary => compileVocabulary(patterns);

/** Field value as evidence text: code spans kept as their content, links as their text. */
export function reveal(value: string): string {
  return revealText(maskInline(value)).replace(/\s+/g, ' ').trim();
}

/** The first match of a vocabulary in a value, as written. */
export function firstMatch(value: string, v: Vocabulary): string | null {
  return firstVocabularyMatch(value, v)?.text ?? null;
}

export function matches(value: string, v: Vocabulary): boolean {
  return testVocabulary(value, v);
}

/** Filled: not empty, not a template token, not `<TBD: ...>` (annotated TBDs do not count, §9.2). */
export function isFilled(value: string | undefined | null): value is string {
  return value !== undefined && value !== null && !isEmptyOrPlaceholder(value) && !isAnnotatedTbd(value);
}

/** `docs/features/<slug>/design.md:26` -> `design.md:26`; platform and code paths stay whole. */
export function where(path: string, line: number): string {
  return `${featureRelative(path)}:${line}`;
}

// ---------------------------------------------------------------------------------------------
// Design reliability checklist (artifacts.md §6.1)

export const RELIABILITY_KEYS = {
  Delivery: ['delivery', 'delivery guarantee'],
  Idempotency: ['idempotency'],
  'Bad-message': ['bad message', 'dlq'],
  Retry: ['retry', 'retry policy'],
  Ordering: ['ordering'],
  Schema: ['schema', 'schema evolution'],
  Observability: ['observability'],
  'Failure-boundary': ['failure boundary'],
} as const;
export type ReliabilityKey = keyof typeof RELIABILITY_KEYS;

export const DISTRIBUTED_KEYS = {
  Boundary: ['boundary'],
  Consistency: ['consistency'],
  'Scaling axis': ['scaling axis'],
  'Failure mode': ['failure mode'],
  Backpressure: ['backpressure'],
  Operations: ['operations'],
} as const;
export type DistributedKey = keyof typeof DISTRIBUTED_KEYS;

/** `Bad-message`, `bad message` and `Bad_message` are one key (as rule 34 reads them). */
function answerKey(name: string): string {
  return name.replace(/`/g, '').toLowerCase().replace(/[-_\s]+/g, ' ').trim();
}

export interface Answer {
  field: Field;
  path: string;
  /** Code spans as text, links as their text. */
  text: string;
  /** "later", "TBD", "n/a": the decision is deferred, so the question is open (§5.2). */
  deferred: boolean;
}

const DEFERRAL = vocab('\\b(later|tbd|todo|to be decided|to be defined|n/a|not sure)\\b');

function answerIn(artifact: MarkdownArtifact, section: Section | undefined, names: readonly string[]): Answer | null {
  if (!section) return null;
  const field = sectionFields(section, true).find((f) => names.includes(answerKey(f.name)));
  if (!field || isEmptyOrPlaceholder(field.value)) return null;
  const text = reveal(field.value);
  return { field, path: artifact.path, text, deferred: matches(text, DEFERRAL) };
}

export function reliabilityAnswer(design: MarkdownArtifact | undefined, key: ReliabilityKey): Answer | null {
  if (!design) return null;
  return answerIn(design, findSection(design.doc, 'reliability checklist'), RELIABILITY_KEYS[key]);
}

/** The v0.3 `## Distributed-systems checklist` answers (tolerated section). */
export function distributedAnswer(design: MarkdownArtifact | undefined, key: DistributedKey): Answer | null {
  if (!design) return null;
  const section = design.doc.headings.find((s) => s.key.startsWith('distributed-systems checklist'));
  return answerIn(design, section, DISTRIBUTED_KEYS[key]);
}

// ---------------------------------------------------------------------------------------------
// System concerns (artifacts.md §5.2) and README fields (§6.9)

export const CONCERNS = ['Owner team', 'Tenancy', 'Compliance', 'Cost owner', 'Capacity', 'DR posture', 'Lifecycle'] as const;
export type Concern = (typeof CONCERNS)[number];

export interface Located {
  value: string;
  path: string;
  line: number;
}

function located(artifact: MarkdownArtifact, field: Field | undefined): Located | null {
  return field ? { value: field.value, path: artifact.path, line: field.line } : null;
}

/** A field of a written artifact's `## System concerns` block. */
export function concernOf(artifact: MarkdownArtifact | undefined, name: Concern): Located | null {
  if (!artifact) return null;
  const section = findSection(artifact.doc, 'system concerns', 2);
  return section ? located(artifact, findField(sectionFields(section, true), name)) : null;
}

/** A README field: `Owner team`, `SLO`, `Tier` in Service info; the concerns in their section. */
export function readmeField(readme: MarkdownArtifact | undefined, name: string): Located | null {
  if (!readme) return null;
  const sectionKey = ['owner team', 'slo', 'tier', 'last reviewed'].includes(name.toLowerCase()) ? 'service info' : 'system concerns';
  const section = findSection(readme.doc, sectionKey);
  const fields = section ? sectionFields(section, true) : readme.doc.fields;
  return located(readme, findField(fields, name));
}

/**
 * The feature's value of a concern: the design's when filled, else the README's, else any other
 * written artifact's. `filled` says whether the returned value is filled.
 */
export function featureConcern(feature: Feature | undefined, name: Concern): Located | null {
  if (!feature) return null;
  const candidates = [
    concernOf(feature.design, name),
    readmeField(feature.readme, name),
    ...feature.adrs.map((a) => concernOf(a, name)),
    ...feature.archdocs.map((a) => concernOf(a, name)),
    ...[...feature.contracts.values()].map((a) => concernOf(a, name)),
    ...feature.runbooks.map((a) => concernOf(a, name)),
    ...[...feature.launches].reverse().map((a) => concernOf(a, name)),
  ].filter((c): c is Located => c !== null);
  return candidates.find((c) => isFilled(c.value)) ?? candidates[0] ?? null;
}

/** The compliance classes named in a value (`none` excludes the others). */
export function complianceOf(value: string): Set<string> {
  return complianceSet(reveal(value));
}

/**
 * The feature's own statement of a concern (§9.2): the design's System concerns, else the README's
 * (Owner team in Service info). Other artifacts repeat these values; they do not stand in for them.
 */
export function ownConcern(feature: Feature | undefined, name: Concern): Located | null {
  if (!feature) return null;
  const candidates = [concernOf(feature.design, name), readmeField(feature.readme, name)].filter((c): c is Located => c !== null);
  return candidates.find((c) => isFilled(c.value)) ?? candidates[0] ?? null;
}

/** Owner team's display name: the text before the first `(`, `,` or ` - ` (case kept). */
export function teamName(value: string): string {
  return reveal(value).split(/\(|,| - /)[0].trim();
}

/** The team that closes a feature's gaps (§9.4): README `Owner team`, else the design's. */
export function ownerOf(feature: Feature | undefined): string | null {
  const owner = readmeField(feature?.readme, 'Owner team') ?? concernOf(feature?.design, 'Owner team');
  return owner && isFilled(owner.value) ? teamName(owner.value) : null;
}

// ---------------------------------------------------------------------------------------------
// Channels of a feature (review-output.md §9.1 C1.5)

export interface FeatureChannels {
  produced: Set<string>;
  consumed: Set<string>;
}

export function featureChannels(feature: Feature | undefined): FeatureChannels {
  const out: FeatureChannels = { produced: new Set(), consumed: new Set() };
  if (!feature) return out;
  if (feature.design) {
    for (const entry of boundaryContracts(feature.design).entries) (entry.consumed ? out.consumed : out.produced).add(entry.channel);
  }
  if (feature.readme) {
    for (const entry of readmeChannels(feature.readme).entries) {
      if (entry.role === 'consumed') out.consumed.add(entry.channel);
      else out.produced.add(entry.channel);
      if (entry.role === 'both') out.consumed.add(entry.channel);
    }
  }
  for (const channel of feature.contracts.keys()) out.produced.add(channel);
  for (const channel of out.produced) out.consumed.delete(channel);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Contracts (artifacts.md §6.4)

export interface ContractFacts {
  channel: string;
  artifact: MarkdownArtifact;
  owner: Located | null;
  tldr: Located | null;
  idempotencyKey: Located | null;
  orderingKey: Located | null;
  dlq: Located | null;
  replay: Located | null;
  ciGate: Located | null;
  /** Name of the CI job the contract names (first code span of `CI gate`). */
  ciJob: string | null;
  mode: { mode: string; line: number } | null;
  consumers: string[];
}

const contractCache = new WeakMap<MarkdownArtifact, ContractFacts>();

export function contractFacts(channel: string, artifact: MarkdownArtifact): ContractFacts {
  const cached = contractCache.get(artifact);
  if (cached) return cached;
  const fields = artifact.doc.fields;
  const summary = findSection(artifact.doc, 'summary', 2);
  const summaryFields = summary ? sectionFields(summary, true) : fields;
  const get = (fs: readonly Field[], ...names: string[]) => located(artifact, findField(fs, ...names));
  const ciGate = get(fields, 'CI gate', 'CI-gate');
  const consumers = get(fields, 'Consumers', 'Known consumers');
  const facts: ContractFacts = {
    channel,
    artifact,
    owner: get(summaryFields, 'Owner'),
    tldr: get(summaryFields, 'TL;DR', 'TLDR'),
    idempotencyKey: get(fields, 'Idempotency key', 'Dedup key'),
    orderingKey: get(fields, 'Ordering key', 'Partition key'),
    dlq: get(fields, 'DLQ'),
    replay: get(fields, 'Replay/redrive', 'Replay / redrive', 'Redrive', 'Replay'),
    ciGate,
    ciJob: ciGate ? (/`([^`]+)`/.exec(ciGate.value)?.[1]?.trim() ?? null) : null,
    mode: (() => {
      const m = compatibilityMode(artifact);
      return m ? { mode: m.mode, line: m.line } : null;
    })(),
    consumers: consumers && isFilled(consumers.value)
      ? reveal(consumers.value).replace(/\.$/, '').split(/,|;| and /).map((s) => s.trim()).filter(Boolean)
      : [],
  };
  contractCache.set(artifact, facts);
  return facts;
}

export function contractsOf(feature: Feature | undefined): ContractFacts[] {
  if (!feature) return [];
  return [...feature.contracts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([channel, a]) => contractFacts(channel, a));
}

/** Schema and AsyncAPI files exist for the contract's channel (triplet complete, rule 36). */
export function tripletComplete(feature: Feature, channel: string, model: ArtifactModel): boolean {
  const base = `docs/features/${feature.slug}/`;
  const hasSchema = feature.schemas.has(channel) || ['json', 'avsc', 'proto'].some((ext) => model.paths.has(`${base}schemas/${channel}.${ext}`));
  const hasAsyncApi = feature.asyncapi.has(channel) || ['yaml', 'yml'].some((ext) => model.paths.has(`${base}asyncapi/${channel}.${ext}`));
  return hasSchema && hasAsyncApi;
}

/** Whether every message of the AsyncAPI file requires `traceparent` in its headers (rule 38). */
export function asyncApiRequiresTraceparent(feature: Feature, channel: string, model: ArtifactModel): boolean | null {
  const artifact = feature.asyncapi.get(channel);
  if (!artifact) return null;
  const doc = readAsyncApi(artifact, model);
  const messages = doc.channels.flatMap((c) => c.messages);
  if (messages.length === 0) return false;
  return messages.every((m) => m.headers?.required.has('traceparent') ?? false);
}

// ---------------------------------------------------------------------------------------------
// Runbooks (artifacts.md §6.7)

export interface RunbookFacts {
  artifact: MarkdownArtifact;
  incidentType: string | null;
  /** Line of a non-empty, non-placeholder dashboards section. */
  dashboards: number | null;
  lastDrilled: Located | null;
}

export function runbookFacts(artifact: MarkdownArtifact): RunbookFacts {
  const doc = artifact.doc;
  const incident = findField(doc.fields, 'Incident type');
  const section = doc.headings.find((s) => s.depth === 2 && (s.key.startsWith('dashboards') || s.key.startsWith('impacted systems')));
  let dashboards: number | null = null;
  if (section) {
    const body = sectionText(doc, section).replace(/<!--[\s\S]*?-->/g, '').trim();
    const bare = body.replace(/^[-*]\s*/gm, '').trim();
    if (bare && !isEmptyOrPlaceholder(bare) && !/^(none|n\/a)\.?$/i.test(bare)) dashboards = section.line;
  }
  const drilled = findField(doc.fields, 'Last drilled');
  return {
    artifact,
    incidentType: incident ? reveal(incident.value) : null,
    dashboards,
    lastDrilled: drilled && /^\s*`?\d{4}-\d{2}-\d{2}/.test(drilled.value) ? located(artifact, drilled) : null,
  };
}

export function sectionText(doc: MarkdownDoc, section: Section): string {
  return doc.lines.slice(section.line, section.endLine).join('\n');
}

/** Runbooks of the feature plus platform runbooks its README links to. */
export function runbooksOf(feature: Feature | undefined, model: ArtifactModel | undefined): MarkdownArtifact[] {
  if (!feature) return [];
  const out = [...feature.runbooks];
  if (feature.readme && model) {
    for (const link of feature.readme.doc.links) {
      const target = link.path.replace(/^(\.\.\/)+/, '');
      const platform = model.platform.runbooks.find((r) => r.path === `docs/${target}` || r.path.endsWith(`/${target}`));
      if (platform && !out.includes(platform)) out.push(platform);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Whole-artifact text searches

/** Prose units of every Markdown artifact of the given kinds (affirmative only: no Anti-patterns, no Alternatives). */
export function proseOf(artifacts: readonly (MarkdownArtifact | undefined)[]): { artifact: MarkdownArtifact; unit: ProseUnit }[] {
  const out: { artifact: MarkdownArtifact; unit: ProseUnit }[] = [];
  for (const artifact of artifacts) {
    if (!artifact) continue;
    for (const unit of proseUnits(artifact.doc, { affirmative: true })) out.push({ artifact, unit });
  }
  return out;
}

/** The unit text with code spans revealed (evidence checks see code spans as text). */
export function unitText(unit: ProseUnit): string {
  return revealText(unit);
}

export interface TextHit {
  path: string;
  line: number;
  text: string;
}

/** First match of a vocabulary in the artifacts' affirmative prose, in artifact order. */
export function findInProse(artifacts: readonly (MarkdownArtifact | undefined)[], v: Vocabulary, accept?: (text: string) => boolean): TextHit | null {
  for (const { artifact, unit } of proseOf(artifacts)) {
    const text = unitText(unit);
    const m = matchVocabulary(text, v)[0];
    if (m && (!accept || accept(text))) return { path: artifact.path, line: unit.line, text: m.text };
  }
  return null;
}

/** Designs, ADRs and architecture docs of the feature. */
export function decisionDocs(feature: Feature | undefined): MarkdownArtifact[] {
  if (!feature) return [];
  return [feature.design, ...feature.adrs, ...feature.archdocs].filter((a): a is MarkdownArtifact => a !== undefined);
}

/** Every Markdown artifact of the feature, README last. */
export function allDocs(feature: Feature | undefined): MarkdownArtifact[] {
  if (!feature) return [];
  return [
    ...decisionDocs(feature),
    ...[...feature.contracts.values()],
    ...feature.runbooks,
    ...feature.launches,
    feature.readme,
  ].filter((a): a is MarkdownArtifact => a !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Tier claims (review-output.md §9.3 step 5, rules.md rule 39 inputs)

export interface Claim {
  tier: Tier;
  /**
   * README, launch, catalog, design: the order rule 39 step 3 locates its finding in. `pr` is the PR
   * title or body, which has no line in the repository: its `path` and `line` are the feature
   * README's first line, where rule 39 reports a claim only the PR makes.
   */
  source: 'readme' | 'launch' | 'catalog' | 'design' | 'pr';
  path: string;
  line: number;
  /** `README.md:6`, `launches/2026-05-20.md:5`, `docs/system/catalog.md:7`, `PR title`. */
  location: string;
}

export function claimsOf(slug: string, feature: Feature | undefined, model: ArtifactModel | undefined): Claim[] {
  const out: Claim[] = [];
  const add = (source: Claim['source'], path: string, line: number, value: string) => {
    const tier = parseTier(reveal(value)) ?? parseTier(reveal(value).split(/[\s;,(]/)[0] ?? '');
    if (tier) out.push({ tier, source, path, line, location: where(path, line) });
  };
  const readme = readmeField(feature?.readme, 'Tier');
  if (readme) add('readme', readme.path, readme.line, readme.value);
  const launch = feature?.launches[feature.launches.length - 1];
  const achieved = launch ? findField(launch.doc.fields, 'Tier achieved') : undefined;
  if (launch && achieved) add('launch', launch.path, achieved.line, achieved.value);
  const catalog = model?.platform.catalog;
  if (catalog) {
    for (const row of tableRows(catalog.doc)) {
      const name = row.cell(/^(feature|service)$/i);
      const tier = row.cell(/^tier$/i);
      if (name !== null && tier !== null && reveal(name).toLowerCase() === slug) add('catalog', catalog.path, row.line, tier);
    }
  }
  const design = feature?.design;
  const readiness = design?.doc.headings.find((s) => s.key.startsWith('readiness tier'));
  if (design && readiness) {
    const text = sectionText(design.doc, readiness);
    const m = /\b(Prototype|Service-ready|Production-ready|Enterprise-critical)\b/i.exec(text);
    if (m) add('design', design.path, readiness.line + 1 + text.slice(0, m.index).split('\n').length - 1, m[1]);
  }
  return out;
}

export interface TableRow {
  line: number;
  cells: string[];
  header: string[];
  cell(name: RegExp): string | null;
}

/** Rows of every GFM table of a document, with their header. */
export function tableRows(doc: MarkdownDoc): TableRow[] {
  const out: TableRow[] = [];
  for (const node of doc.root.children) {
    if (node.type !== 'table') continue;
    const [head, ...body] = (node as Table).children;
    const header = (head?.children ?? []).map((c: TableCell) => plainText(c).trim());
    for (const row of body) {
      const cells = row.children.map((c: TableCell) => plainText(c).trim());
      out.push({
        line: row.position?.start.line ?? 1,
        cells,
        header,
        cell: (name) => {
          const i = header.findIndex((h) => name.test(h));
          return i >= 0 ? (cells[i] ?? null) : null;
        },
      });
    }
  }
  return out;
}
