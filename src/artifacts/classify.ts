// Maps a repository path to its artifact type (artifacts.md §3). First matching row wins, and the
// table is data so the order stays visible; a path no row claims is not an artifact at all.

export const CURRENT_TYPES = [
  'catalog',
  'adr',
  'runbook',
  'standard',
  'archdoc',
  'sysdoc',
  'readme',
  'design',
  'contract',
  'schema',
  'asyncapi',
  'launch',
] as const;
export type CurrentType = (typeof CURRENT_TYPES)[number];

/** v0.2 layout paths (artifacts.md §2.3), named after the v0.3 type they correspond to. */
export const LEGACY_TYPES = [
  'legacy-design',
  'legacy-adr',
  'legacy-archdoc',
  'legacy-contract',
  'legacy-schema',
  'legacy-asyncapi',
  'legacy-runbook',
  'legacy-launch',
  'legacy-readme',
] as const;
export type LegacyType = (typeof LEGACY_TYPES)[number];

export type ArtifactType = CurrentType | LegacyType | 'unclassified';
export type ArtifactScope = 'feature' | 'platform';
export type SchemaFormat = 'json' | 'avsc' | 'proto';

export interface Classification {
  type: ArtifactType;
  scope: ArtifactScope;
  /** Feature slug; absent for platform files and for legacy files whose path does not name one. */
  slug?: string;
  channel?: string;
  /** ADR number, four digits as written (`0001`). */
  number?: string;
  /** ADR title part of the file name (`append-only-points-ledger`). */
  title?: string;
  doctype?: string;
  incident?: string;
  /** Launch date from the file name, `YYYY-MM-DD`. */
  date?: string;
  format?: SchemaFormat;
  /** Standard topic (`docs/system/standards/<topic>.md`). */
  topic?: string;
  /** Sysdoc name (`glossary`, `topology`, ...). */
  name?: string;
  /** Legacy runbook file stem `<slug>-<incident>`: the split needs the known slugs (model.ts). */
  stem?: string;
}

export const SYSDOC_NAMES = ['glossary', 'topology', 'capacity', 'compliance', 'dr'] as const;

/** Doctype tokens of `architecture-<doctype>.md` (artifacts.md §2.2); longest first for suffix matching. */
export const KNOWN_DOCTYPES = ['migration-plan', 'impl-plan', 'overview', 'rfc', 'prr'] as const;

const SEG = '([^/]+)';
const ADR_FILE = '([0-9]{4})-([^/]+)\\.md';
const DATE = '([0-9]{4}-[0-9]{2}-[0-9]{2})';

interface Row {
  pattern: RegExp;
  build(m: RegExpMatchArray): Omit<Classification, 'scope'> & { scope?: ArtifactScope };
}

const rx = (source: string) => new RegExp(`^${source}$`);

const ROWS: Row[] = [
  { pattern: rx('docs/system/catalog\\.md'), build: () => ({ type: 'catalog', scope: 'platform' }) },
  {
    pattern: rx(`docs/system/adrs/${ADR_FILE}`),
    build: (m) => ({ type: 'adr', scope: 'platform', number: m[1], title: m[2] }),
  },
  {
    pattern: rx(`docs/system/runbooks/${SEG}\\.md`),
    build: (m) => ({ type: 'runbook', scope: 'platform', incident: m[1] }),
  },
  {
    pattern: rx(`docs/system/standards/${SEG}\\.md`),
    build: (m) => ({ type: 'standard', scope: 'platform', topic: m[1] }),
  },
  {
    pattern: rx(`docs/system/architecture-${SEG}\\.md`),
    build: (m) => ({ type: 'archdoc', scope: 'platform', doctype: m[1] }),
  },
  {
    pattern: rx(`docs/system/(${SYSDOC_NAMES.join('|')})\\.md`),
    build: (m) => ({ type: 'sysdoc', scope: 'platform', name: m[1] }),
  },
  { pattern: rx(`docs/features/${SEG}/README\\.md`), build: (m) => ({ type: 'readme', slug: m[1] }) },
  { pattern: rx(`docs/features/${SEG}/design\\.md`), build: (m) => ({ type: 'design', slug: m[1] }) },
  {
    pattern: rx(`docs/features/${SEG}/architecture-${SEG}\\.md`),
    build: (m) => ({ type: 'archdoc', slug: m[1], doctype: m[2] }),
  },
  {
    pattern: rx(`docs/features/${SEG}/adrs/${ADR_FILE}`),
    build: (m) => ({ type: 'adr', slug: m[1], number: m[2], title: m[3] }),
  },
  {
    pattern: rx(`docs/features/${SEG}/contracts/${SEG}\\.md`),
    build: (m) => ({ type: 'contract', slug: m[1], channel: m[2] }),
  },
  {
    pattern: rx(`docs/features/${SEG}/schemas/${SEG}\\.(json|avsc|proto)`),
    build: (m) => ({ type: 'schema', slug: m[1], channel: m[2], format: m[3] as SchemaFormat }),
  },
  {
    pattern: rx(`docs/features/${SEG}/asyncapi/${SEG}\\.(?:ya?ml|json)`),
    build: (m) => ({ type: 'asyncapi', slug: m[1], channel: m[2] }),
  },
  {
    pattern: rx(`docs/features/${SEG}/runbooks/${SEG}\\.md`),
    build: (m) => ({ type: 'runbook', slug: m[1], incident: m[2] }),
  },
  {
    pattern: rx(`docs/features/${SEG}/launches/${DATE}\\.md`),
    build: (m) => ({ type: 'launch', slug: m[1], date: m[2] }),
  },
  // Legacy v0.2 layout (artifacts.md §2.3).
  {
    pattern: rx(`docs/designs/${SEG}-design\\.md`),
    build: (m) => ({ type: 'legacy-design', slug: m[1] }),
  },
  {
    pattern: rx(`docs/adr/${ADR_FILE}`),
    build: (m) => ({ type: 'legacy-adr', number: m[1], title: m[2] }),
  },
  {
    pattern: rx(`docs/architecture/${SEG}\\.md`),
    build: (m) => ({ type: 'legacy-archdoc', ...splitSlugDoctype(m[1]) }),
  },
  {
    pattern: rx(`docs/contracts/${SEG}\\.md`),
    build: (m) => ({ type: 'legacy-contract', channel: m[1] }),
  },
  {
    pattern: rx(`schemas/${SEG}\\.(json|avsc|proto)`),
    build: (m) => ({ type: 'legacy-schema', channel: m[1], format: m[2] as SchemaFormat }),
  },
  {
    pattern: rx(`asyncapi/${SEG}\\.(?:ya?ml|json)`),
    build: (m) => ({ type: 'legacy-asyncapi', channel: m[1] }),
  },
  {
    pattern: rx(`docs/runbooks/${SEG}\\.md`),
    build: (m) => ({ type: 'legacy-runbook', stem: m[1] }),
  },
  {
    pattern: rx(`docs/launches/${SEG}-${DATE}\\.md`),
    build: (m) => ({ type: 'legacy-launch', slug: m[1], date: m[2] }),
  },
  {
    pattern: rx(`docs/services/${SEG}/README\\.md`),
    build: (m) => ({ type: 'legacy-readme', slug: m[1] }),
  },
  { pattern: rx(`docs/features/${SEG}/.+`), build: (m) => ({ type: 'unclassified', slug: m[1] }) },
];

/** `<slug>-<doctype>`: the doctype is a known token at the end, else the last dash-separated part. */
function splitSlugDoctype(stem: string): { slug?: string; doctype?: string } {
  for (const doctype of KNOWN_DOCTYPES) {
    if (stem.endsWith(`-${doctype}`) && stem.length > doctype.length + 1) {
      return { slug: stem.slice(0, -doctype.length - 1), doctype };
    }
  }
  const dash = stem.lastIndexOf('-');
  return dash > 0 ? { slug: stem.slice(0, dash), doctype: stem.slice(dash + 1) } : { doctype: stem };
}

export function classifyPath(path: string): Classification | null {
  for (const row of ROWS) {
    const match = path.match(row.pattern);
    if (match) {
      const built = row.build(match);
      return { ...built, scope: built.scope ?? 'feature' };
    }
  }
  return null;
}

export function isLegacyType(type: ArtifactType): type is LegacyType {
  return type.startsWith('legacy-');
}

/** The v0.3 type a legacy path corresponds to; current types map to themselves. */
export function currentTypeOf(type: ArtifactType): CurrentType | 'unclassified' {
  return isLegacyType(type) ? (type.slice('legacy-'.length) as CurrentType) : type;
}
