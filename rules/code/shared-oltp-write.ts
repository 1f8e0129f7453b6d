// rules.md rule 43: code of one service writes tables owned by another. Ownership comes from schema
// sources across the repository, so the rule reads the engine's cross-file index
// (`context.crossFile`); without one it still sees writes to entities imported from another
// service's folder, using an index built from the current file alone.
import type { Config } from '../../src/config/schema.js';
import {
  buildCrossFileIndex,
  type CrossFileIndex,
  type DatabaseReference,
  type OwnerSite,
  type WriteSite,
} from '../../src/review/cross-file.js';
import { createCodeRule, type CodeRuleContext } from '../../src/review/rule.js';
import { resolveRuleSettings } from '../../src/review/rule-settings.js';
import { tableKey } from '../../src/code/schema-sources.js';

export type SharedOltpHit =
  | { kind: 'owned-by-other'; write: WriteSite; owners: OwnerSite[] }
  | { kind: 'imported-entity'; write: WriteSite; owner: string; module: string }
  | { kind: 'duplicate-definition'; write: WriteSite; definitions: OwnerSite[] }
  | { kind: 'co-written'; write: WriteSite; others: WriteSite[] }
  | { kind: 'shared-database'; service: string; database: string; at: DatabaseReference; others: DatabaseReference[] };

/**
 * Cross-service writes in one file (or in every file when `path` is omitted), from the index alone.
 * Repository-wide facts (shared databases) are claimed once per service so each is reported once.
 */
export function detectSharedOltpWrites(index: CrossFileIndex, config: Config, path?: string): SharedOltpHit[] {
  // `rules: { shared-oltp-write: { ignore: [audit_log] } }` names tables every service may write.
  const ignored = new Set(resolveRuleSettings(config, 'shared-oltp-write').ignore.map(tableKey));
  const hits: SharedOltpHit[] = [];
  const duplicatesReported = new Set<string>();
  const inScope = path === undefined ? [...index.writesByTarget.values()].flat() : writesByPath(index).get(path) ?? [];
  const writes = inScope
    .filter((w) => w.service !== null && !ignored.has(w.key))
    .sort((a, b) => a.path.localeCompare(b.path) || a.start - b.start);
  for (const write of writes) {
    const service = write.service!;
    const owners = index.ownersOf(write.key);
    const ownerServices = [...new Set(owners.map((o) => o.service))];
    if (ownerServices.length > 0 && !ownerServices.includes(service)) {
      hits.push({ kind: 'owned-by-other', write, owners });
    } else if (ownerServices.length > 1) {
      const key = `${write.path}|${write.key}`;
      if (!duplicatesReported.has(key)) {
        duplicatesReported.add(key);
        hits.push({ kind: 'duplicate-definition', write, definitions: owners });
      }
    } else if (ownerServices.length === 0 && write.importedFrom) {
      hits.push({ kind: 'imported-entity', write, owner: write.importedFrom.service, module: write.importedFrom.module });
    } else if (ownerServices.length === 0) {
      const others = (index.writesByTarget.get(write.key) ?? []).filter((w) => w.service !== null && w.service !== service);
      if (others.length > 0) hits.push({ kind: 'co-written', write, others });
    }
  }
  const writers = new Set(inScope.filter((w) => w.service !== null).map((w) => w.service!));
  for (const shared of index.sharedDatabases) {
    if (ignored.has(tableKey(shared.database.split('/').pop() ?? ''))) continue;
    for (const service of writers) {
      const at = shared.references.find((r) => r.service === service);
      if (!at || !index.claimOnce(`shared-database|${shared.database}|${service}`)) continue;
      hits.push({ kind: 'shared-database', service, database: shared.database, at, others: shared.references.filter((r) => r.service !== service) });
    }
  }
  return hits;
}

// The rule runs once per file against one index: group its writes by file once, not per file.
const byPathCache = new WeakMap<CrossFileIndex, Map<string, WriteSite[]>>();
function writesByPath(index: CrossFileIndex): Map<string, WriteSite[]> {
  let map = byPathCache.get(index);
  if (!map) {
    map = new Map();
    for (const list of index.writesByTarget.values()) {
      for (const write of list) {
        const own = map.get(write.path);
        if (own) own.push(write);
        else map.set(write.path, [write]);
      }
    }
    byPathCache.set(index, map);
  }
  return map;
}

const SHARED_WRITE_TAIL =
  'Cross-service writes to another service\'s database couple deploys and bypass its invariants. ' +
  'Send a command or consume the owner\'s events instead.';

export default createCodeRule({
  meta: {
    id: 'shared-oltp-write',
    kind: 'code',
    severity: 'Important',
    precision: 'Medium',
    systemTag: true,
    checklist: ['D1', 'D2'],
    antiPattern: 'shared OLTP between services',
    failureModes: [],
    pattern: 'Database per Service',
    repositoryWide: true,
    description: 'Code of one service writes tables or collections that another service owns.',
    messages: {
      sharedWrite: `Shared OLTP write: {service} writes {table} at {loc}, but {table} is owned by {owner} ({schemaLoc}). ${SHARED_WRITE_TAIL}`,
      coWritten:
        `Shared OLTP write: {service} writes {table} at {loc}, and {owner} writes it too ({schemaLoc}); no schema source says which service owns {table}. ${SHARED_WRITE_TAIL}`,
      duplicateOwner:
        'Two services define {table}: {schemaLoc}. Decide which one owns it; the other should read through the owner\'s API or events, or keep a differently named projection.',
      sharedDatabase:
        'Shared OLTP database: {service} and {owner} both connect to {table} with write credentials ({schemaLoc}). ' + SHARED_WRITE_TAIL,
    },
  },
  create(context) {
    return {
      'Program:exit'() {
        const index = crossFileOf(context) ?? buildCrossFileIndex({ models: [context.model], config: context.config });
        for (const hit of detectSharedOltpWrites(index, context.config, context.path)) report(context, hit);
      },
    };
  },
});

/** `context.crossFile` once the engine provides it (see the rule's wiring note in src/review/cross-file.ts). */
function crossFileOf(context: CodeRuleContext<string>): CrossFileIndex | null {
  return (context as CodeRuleContext<string> & { crossFile?: CrossFileIndex }).crossFile ?? null;
}

type Messages = 'sharedWrite' | 'coWritten' | 'duplicateOwner' | 'sharedDatabase';

/** The write's location and anchor from the index: the file's syntax tree is gone by `Program:exit`. */
function at_(write: WriteSite): { loc: WriteSite['loc'] & { path: string }; anchor: string } {
  return { loc: { ...write.loc, path: write.path }, anchor: write.anchor };
}

function report(context: CodeRuleContext<Messages>, hit: SharedOltpHit): void {
  const at = (site: { path: string; line: number }) => `${site.path}:${site.line}`;
  switch (hit.kind) {
    case 'owned-by-other': {
      const owners = [...new Set(hit.owners.map((o) => o.service))];
      context.report({
        ...at_(hit.write),
        messageId: 'sharedWrite',
        data: {
          service: hit.write.service!, table: hit.write.target, loc: at(hit.write), owner: owners.join(' and '),
          schemaLoc: hit.owners.map(at).join(', '),
        },
        variant: 'schema-owner',
        precision: hit.write.via === 'name' ? 'Heuristic' : 'Medium',
        related: hit.owners.map((o) => ({ path: o.path, line: o.line, note: `${o.name} defined by ${o.service}` })),
      });
      return;
    }
    case 'imported-entity':
      context.report({
        ...at_(hit.write),
        messageId: 'sharedWrite',
        data: { service: hit.write.service!, table: hit.write.target, loc: at(hit.write), owner: hit.owner, schemaLoc: `imported from ${hit.module}` },
        variant: 'imported-entity',
        precision: 'Medium',
      });
      return;
    case 'duplicate-definition':
      context.report({
        ...at_(hit.write),
        messageId: 'duplicateOwner',
        data: { table: hit.write.target, schemaLoc: hit.definitions.map((d) => `${d.service} at ${at(d)}`).join(', ') },
        variant: 'duplicate-definition',
        severity: 'Suggestion',
        precision: 'Medium',
        related: hit.definitions.map((d) => ({ path: d.path, line: d.line, note: `${d.name} defined by ${d.service}` })),
      });
      return;
    case 'co-written': {
      const services = [...new Set(hit.others.map((w) => w.service!))];
      context.report({
        ...at_(hit.write),
        messageId: 'coWritten',
        data: {
          service: hit.write.service!, table: hit.write.target, loc: at(hit.write), owner: services.join(' and '),
          schemaLoc: hit.others.map(at).join(', '),
        },
        variant: 'co-written',
        precision: 'Heuristic',
        related: hit.others.map((w) => ({ path: w.path, line: w.line, note: `${w.service} writes ${w.target}` })),
      });
      return;
    }
    case 'shared-database': {
      const others = [...new Set(hit.others.map((r) => r.service))];
      context.report({
        loc: { path: hit.at.path, startLine: hit.at.line },
        anchor: `shared-database|${hit.database}|${hit.service}`,
        messageId: 'sharedDatabase',
        data: { service: hit.service, owner: others.join(' and '), table: `database ${hit.database}`, schemaLoc: [hit.at, ...hit.others].map(at).join(', ') },
        variant: 'shared-database',
        precision: 'Heuristic',
        related: hit.others.map((r) => ({ path: r.path, line: r.line, note: `${r.service} connects to ${hit.database}` })),
      });
      return;
    }
  }
}
