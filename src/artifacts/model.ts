// The artifact model every docs rule reads (artifacts.md §3): each file parsed once, grouped per
// feature and platform. Building it never throws; what cannot be read lands in `skipped`.
import type { CoverageReason, CoverageSkip, Side } from '../review/types.js';
import { classifyPath, currentTypeOf, isLegacyType, type ArtifactType, type Classification } from './classify.js';
import { parseMarkdown, unwrapBackticks, type MarkdownDoc } from './markdown.js';
import { schemaCoverageProblem } from './schema-model.js';
import { parseJson, parseYaml, type KeyPath } from './structured.js';

interface ArtifactCommon {
  path: string;
  type: ArtifactType;
  classification: Classification;
  /** Owning feature: from the path, or resolved for legacy files (artifacts.md §2.3). */
  slug?: string;
  text: string;
}

export interface MarkdownArtifact extends ArtifactCommon {
  syntax: 'markdown';
  doc: MarkdownDoc;
}

export interface StructuredArtifact extends ArtifactCommon {
  syntax: 'json' | 'yaml';
  value: unknown;
  /** Line of the key (or sequence item) at `path`, null when the path does not exist. */
  lineOf(path: KeyPath): number | null;
}

/** Protobuf schemas: kept as text (no parser in the engine). */
export interface TextArtifact extends ArtifactCommon {
  syntax: 'text';
}

export type ParsedArtifact = MarkdownArtifact | StructuredArtifact | TextArtifact;
export type SchemaArtifact = StructuredArtifact | TextArtifact;

export interface Feature {
  slug: string;
  readme?: MarkdownArtifact;
  design?: MarkdownArtifact;
  archdocs: MarkdownArtifact[];
  /** Sorted by ADR number. */
  adrs: MarkdownArtifact[];
  contracts: Map<string, MarkdownArtifact>;
  /** A channel may have several schema files (`.json` and `.avsc`). */
  schemas: Map<string, SchemaArtifact[]>;
  asyncapi: Map<string, StructuredArtifact>;
  runbooks: MarkdownArtifact[];
  /** Sorted by date, oldest first. */
  launches: MarkdownArtifact[];
  /** Other files under the feature folder: link targets only. */
  unclassified: string[];
}

export interface Platform {
  catalog?: MarkdownArtifact;
  adrs: MarkdownArtifact[];
  runbooks: MarkdownArtifact[];
  standards: MarkdownArtifact[];
  archdocs: MarkdownArtifact[];
  sysdocs: Map<string, MarkdownArtifact>;
}

/**
 * A file that failed to parse is in `skipped` and in no feature slot, but its path stays in
 * `paths`: rules that ask "does the schema file exist" must use `paths` (or the context's
 * `exists`), not the feature slots, or an unreadable file would read as a missing one.
 * A schema (or AsyncAPI payload schema) that parses but cannot be modelled (schema-model.ts
 * `schemaCoverageProblem`) stays in its slot and is listed in `skipped` too: its schema checks did
 * not run, the others did.
 */
export interface ArtifactModel {
  features: Map<string, Feature>;
  platform: Platform;
  /** Every parsed artifact by path, legacy ones included. */
  artifacts: Map<string, ParsedArtifact>;
  /** Every path of this side's tree (for link checks). */
  paths: Set<string>;
  skipped: CoverageSkip[];
  /** v0.2 layout files (artifacts.md §2.3), with their feature resolved where possible. */
  legacy: ParsedArtifact[];
}

export interface BuildOptions {
  maxMarkdownBytes?: number;
  maxStructuredBytes?: number;
  /** Every path of the tree; defaults to the paths of `files`. */
  allPaths?: string[];
  /** Stamped on coverage entries. */
  side?: Side;
  /** The review's deadline: files not parsed by then are listed as skipped (time-budget). */
  deadline?: number;
  now?: () => number;
  /** Wall-clock budget for parsing one Markdown file (markdown.ts). */
  markdownTimeBudgetMs?: number;
}

export function buildArtifactModel(files: { path: string; text: string }[], options: BuildOptions = {}): ArtifactModel {
  const model: ArtifactModel = {
    features: new Map(),
    platform: { adrs: [], runbooks: [], standards: [], archdocs: [], sysdocs: new Map() },
    artifacts: new Map(),
    paths: new Set([...(options.allPaths ?? []), ...files.map((f) => f.path)]),
    skipped: [],
    legacy: [],
  };
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    const classification = classifyPath(file.path);
    if (!classification) continue;
    if (classification.type === 'unclassified') {
      featureOf(model, classification.slug!).unclassified.push(file.path);
      continue;
    }
    const now = options.now ?? Date.now;
    if (options.deadline !== undefined && now() > options.deadline) {
      model.skipped.push({ path: file.path, ...(options.side ? { side: options.side } : {}), reason: 'time-budget', detail: 'review time budget exhausted before this file was parsed' });
      continue;
    }
    const parsed = parseArtifact(file, classification, options);
    if (!parsed.ok) {
      model.skipped.push({ path: file.path, ...(options.side ? { side: options.side } : {}), reason: parsed.reason, detail: parsed.detail });
      continue;
    }
    model.artifacts.set(file.path, parsed.artifact);
    const unmodelled = schemaCoverageProblem(parsed.artifact);
    if (unmodelled) model.skipped.push({ path: file.path, ...(options.side ? { side: options.side } : {}), ...unmodelled });
    if (isLegacyType(classification.type)) model.legacy.push(parsed.artifact);
    else place(model, parsed.artifact);
  }
  resolveLegacySlugs(model);
  for (const feature of model.features.values()) {
    feature.adrs.sort((a, b) => (a.classification.number ?? '').localeCompare(b.classification.number ?? ''));
    feature.launches.sort((a, b) => (a.classification.date ?? '').localeCompare(b.classification.date ?? ''));
  }
  model.platform.adrs.sort((a, b) => (a.classification.number ?? '').localeCompare(b.classification.number ?? ''));
  return model;
}

type ParseOutcome = { ok: true; artifact: ParsedArtifact } | { ok: false; reason: CoverageReason; detail: string };

function parseArtifact(file: { path: string; text: string }, classification: Classification, options: BuildOptions): ParseOutcome {
  const common: ArtifactCommon = {
    path: file.path,
    type: classification.type,
    classification,
    ...(classification.slug ? { slug: classification.slug } : {}),
    text: file.text,
  };
  if (file.text.includes('\u0000')) return { ok: false, reason: 'binary', detail: 'contains NUL bytes; not a text artifact' };
  const ext = /\.([a-z]+)$/i.exec(file.path)?.[1]?.toLowerCase() ?? '';
  if (ext === 'md') {
    const left = options.deadline === undefined ? Infinity : options.deadline - (options.now ?? Date.now)();
    const budget = Math.max(1, Math.min(options.markdownTimeBudgetMs ?? Infinity, left));
    const result = parseMarkdown(file.text, { maxBytes: options.maxMarkdownBytes, ...(Number.isFinite(budget) ? { timeBudgetMs: budget } : {}) });
    return result.ok
      ? { ok: true, artifact: { ...common, syntax: 'markdown', doc: result.doc } }
      : { ok: false, reason: result.reason, detail: result.detail };
  }
  if (ext === 'proto') return { ok: true, artifact: { ...common, syntax: 'text' } };
  const yaml = ext === 'yaml' || ext === 'yml';
  const result = (yaml ? parseYaml : parseJson)(file.text, { maxBytes: options.maxStructuredBytes });
  if (!result.ok) {
    const where = result.line === null ? '' : ` (line ${result.line})`;
    return { ok: false, reason: result.tooLarge ? 'too-large' : 'unparseable', detail: `${result.error}${where}` };
  }
  return { ok: true, artifact: { ...common, syntax: yaml ? 'yaml' : 'json', value: result.value, lineOf: result.lineOf } };
}

function featureOf(model: ArtifactModel, slug: string): Feature {
  let feature = model.features.get(slug);
  if (!feature) {
    feature = {
      slug,
      archdocs: [],
      adrs: [],
      contracts: new Map(),
      schemas: new Map(),
      asyncapi: new Map(),
      runbooks: [],
      launches: [],
      unclassified: [],
    };
    model.features.set(slug, feature);
  }
  return feature;
}

function place(model: ArtifactModel, artifact: ParsedArtifact): void {
  const { classification: c } = artifact;
  if (c.scope === 'platform') {
    placePlatform(model.platform, artifact);
    return;
  }
  const feature = featureOf(model, c.slug!);
  const channel = c.channel ?? '';
  if (artifact.syntax === 'markdown') {
    switch (c.type) {
      case 'readme':
        feature.readme ??= artifact;
        break;
      case 'design':
        feature.design ??= artifact;
        break;
      case 'archdoc':
        feature.archdocs.push(artifact);
        break;
      case 'adr':
        feature.adrs.push(artifact);
        break;
      case 'contract':
        if (!feature.contracts.has(channel)) feature.contracts.set(channel, artifact);
        break;
      case 'runbook':
        feature.runbooks.push(artifact);
        break;
      case 'launch':
        feature.launches.push(artifact);
        break;
    }
  } else if (c.type === 'schema') {
    feature.schemas.set(channel, [...(feature.schemas.get(channel) ?? []), artifact]);
  } else if (c.type === 'asyncapi' && (artifact.syntax === 'yaml' || artifact.syntax === 'json') && !feature.asyncapi.has(channel)) {
    feature.asyncapi.set(channel, artifact);
  }
}

function placePlatform(platform: Platform, artifact: ParsedArtifact): void {
  if (artifact.syntax !== 'markdown') return;
  const c = artifact.classification;
  switch (c.type) {
    case 'catalog':
      platform.catalog = artifact;
      break;
    case 'adr':
      platform.adrs.push(artifact);
      break;
    case 'runbook':
      platform.runbooks.push(artifact);
      break;
    case 'standard':
      platform.standards.push(artifact);
      break;
    case 'archdoc':
      platform.archdocs.push(artifact);
      break;
    case 'sysdoc':
      platform.sysdocs.set(c.name!, artifact);
      break;
  }
}

/**
 * Legacy channel files belong to the first README that names the channel (services before
 * features, as the source's migration script looks them up); legacy runbooks to the longest
 * known slug their file name starts with.
 */
function resolveLegacySlugs(model: ArtifactModel): void {
  const readmes = [...model.artifacts.values()]
    .filter((a) => a.type === 'legacy-readme' || a.type === 'readme')
    .sort((a, b) => Number(b.type === 'legacy-readme') - Number(a.type === 'legacy-readme') || a.path.localeCompare(b.path));
  const knownSlugs = new Set<string>(model.features.keys());
  for (const a of model.legacy) if (a.slug) knownSlugs.add(a.slug);
  const bySlugLength = [...knownSlugs].sort((a, b) => b.length - a.length);

  for (const artifact of model.legacy) {
    const c = artifact.classification;
    if (c.channel && !artifact.slug) {
      const owner = readmes.find((r) => r.text.includes(c.channel!));
      if (owner?.slug) artifact.slug = owner.slug;
    }
    if (c.stem && !artifact.slug) {
      const slug = bySlugLength.find((s) => c.stem!.startsWith(`${s}-`));
      if (slug) {
        artifact.slug = slug;
        artifact.classification = { ...c, slug, incident: c.stem.slice(slug.length + 1) };
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Per-type facts (artifacts.md §5)

const WRITTEN = new Set<ArtifactType>(['design', 'adr', 'archdoc', 'contract', 'runbook', 'launch', 'standard']);

/** Designs, ADRs, architecture docs, contracts, runbooks, launches and standards (legacy paths too). */
export function isWrittenArtifact(type: ArtifactType): boolean {
  return WRITTEN.has(currentTypeOf(type));
}

export interface StatusSet {
  /** The values the type's template lists, in the order to show them. */
  listed: readonly string[];
  accepts(value: string): boolean;
}

const GENERAL = ['Draft', 'Proposed', 'Accepted', 'Superseded', 'Retired'];

function statusSet(listed: string[], tolerated: string[] = [], patterns: RegExp[] = []): StatusSet {
  const known = new Set([...listed, ...tolerated].map((v) => v.toLowerCase()));
  return {
    listed,
    accepts(value) {
      const v = normalizeStatus(value);
      return known.has(v) || patterns.some((p) => p.test(v));
    },
  };
}

const STATUS_SETS: Partial<Record<ArtifactType, StatusSet>> = {
  design: statusSet(['Draft', 'Proposed', 'Accepted'], GENERAL),
  adr: statusSet(['Proposed', 'Accepted', 'Superseded', 'Superseded by ADR-NNNN', 'Deprecated', 'Deferred'], GENERAL, [
    /^superseded by adr-\d{4}$/,
  ]),
  archdoc: statusSet(['Proposed', 'Accepted', 'Superseded', 'Deferred'], GENERAL),
  contract: statusSet(['Draft', 'Active', 'Deprecating', 'Retired']),
  runbook: statusSet(['Draft', 'Active', 'Retired']),
  launch: statusSet(['GO', 'NO-GO']),
  standard: statusSet(['Draft', 'Active', 'Deprecating', 'Retired']),
};

/** The Summary `Status` values allowed for a type (§5.1 table); null for types without a Summary. */
export function summaryStatusSet(type: ArtifactType): StatusSet | null {
  const current = currentTypeOf(type);
  return current === 'unclassified' ? null : (STATUS_SETS[current] ?? null);
}

/** Status comparison form: markup, link syntax and a trailing period do not change a status. */
export function normalizeStatus(value: string): string {
  return unwrapBackticks(value)
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_]/g, '')
    .replace(/\.$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
