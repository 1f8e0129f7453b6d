// rules.md rule 25: docs/system/catalog.md is the one page that lists every feature with its owner,
// tier and SLO, and every platform-wide document. It is only useful while it lists exactly what
// exists, with the values the feature READMEs hold.
import type { Nodes, Table, TableCell } from 'mdast';
import {
  complianceSet,
  findField,
  findSection,
  isRelativePathSpan,
  parseDate,
  parseTier,
  plainText,
  sectionFields,
  teamOf,
  type Field,
  type MarkdownDoc,
  type Section,
} from '../../src/artifacts/markdown.js';
import { isExternalTarget, pathExists, resolveLinkPath } from '../../src/artifacts/links.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { sectionItems } from '../../src/artifacts/prose.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const CATALOG = 'docs/system/catalog.md';
const TAIL = ' The catalog lists exactly the features and platform docs that exist, with the values of their READMEs.';
const message = (problem: string) => `System catalog is out of sync: ${problem}.${TAIL}`;

const messages = {
  missingCatalog: message('{count} feature README(s) exist but docs/system/catalog.md does not'),
  missingRow: message('feature {slug} has a README but no catalog row'),
  rowWithoutReadme: message('the row for {slug} has no docs/features/{slug}/README.md'),
  unsorted: message('rows are not sorted by slug ({slug} comes after {previous})'),
  valueMismatch: message('{column} of {slug} is "{value}" in the catalog but "{expected}" in its README'),
  indexLink: message('the Index of {slug} {problem}; it must link ../features/{slug}/README.md'),
  crossCuttingMissingDoc: message('the cross-cutting row "{concern}" points at {doc}, which does not exist'),
  crossCuttingMissingRow: message('{doc} exists but the Cross-cutting concerns section has no row for it ({concern})'),
  crossCuttingCount: message('the "{concern}" row says "{value}" but {doc} holds {count} file(s), so it should say "{expected}"'),
  lastUpdatedMissing: message('there is no `Last updated: YYYY-MM-DD` line'),
  lastUpdatedStale: message('Last updated {value} is earlier than the latest Last reviewed of a row ({latest})'),
};
type MessageId = keyof typeof messages;

interface CrossDoc {
  concern: string;
  /** Repository path; folders end in `/`. */
  path: string;
  /** Words of a Concern cell that name this doc when the row has no link. */
  words: RegExp;
  /** Files of the folder's kind, for existence and counts. */
  files?: RegExp;
}

const CROSS_DOCS: CrossDoc[] = [
  { concern: 'Org topology', path: 'docs/system/topology.md', words: /topology/i },
  { concern: 'Capacity envelope', path: 'docs/system/capacity.md', words: /capacity/i },
  { concern: 'Compliance baseline', path: 'docs/system/compliance.md', words: /compliance/i },
  { concern: 'DR strategy', path: 'docs/system/dr.md', words: /\bdr\b|disaster/i },
  { concern: 'Glossary', path: 'docs/system/glossary.md', words: /glossary/i },
  { concern: 'Standards', path: 'docs/system/standards/', words: /standard/i, files: /^docs\/system\/standards\/[^/]+\.md$/ },
  { concern: 'Platform-wide ADRs', path: 'docs/system/adrs/', words: /\badrs?\b|decision/i, files: /^docs\/system\/adrs\/\d{4}-[^/]+\.md$/ },
  { concern: 'Platform runbooks', path: 'docs/system/runbooks/', words: /runbook/i, files: /^docs\/system\/runbooks\/[^/]+\.md$/ },
];

export default createDocsRule({
  meta: {
    id: 'system-catalog-sync',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['D1', 'D6'],
    failureModes: [],
    description:
      'docs/system/catalog.md lists exactly the features with a README (sorted, with their README values) and the platform docs that exist.',
    messages,
  },
  create(context) {
    return {
      check() {
        const paths = [...context.model.paths].sort();
        const readmes = paths.map((p) => /^docs\/features\/([^/]+)\/README\.md$/.exec(p)).filter((m): m is RegExpExecArray => m !== null);
        const catalog = context.model.platform.catalog;
        if (!paths.includes(CATALOG)) {
          if (readmes.length > 0) {
            const loaded = readmes.find((m) => context.model.artifacts.has(m[0])) ?? readmes[0];
            context.report({
              messageId: 'missingCatalog',
              data: { count: readmes.length },
              loc: { path: loaded[0], startLine: 1 },
              anchor: 'catalog | missing',
            });
          }
          return;
        }
        if (catalog) checkCatalog(context, catalog, new Map(readmes.map((m) => [m[1], m[0]])), paths);
      },
    };
  },
});

type Report = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string | number>, severity?: Severity, feature?: string) => void;

interface Row {
  line: number;
  cells: string[];
  nodes: TableCell[];
}

function checkCatalog(context: DocsRuleContext<MessageId>, catalog: MarkdownArtifact, readmes: Map<string, string>, paths: string[]): void {
  const { doc } = catalog;
  const report: Report = (messageId, line, anchor, data = {}, severity, feature) =>
    context.report({
      messageId,
      data,
      loc: { path: CATALOG, startLine: line },
      anchor: `catalog | ${anchor}`,
      ...(severity ? { severity } : {}),
      ...(feature ? { feature } : {}),
    });
  const exists = (p: string) => pathExists(p, (q) => context.exists(q));
  const cross = findSection(doc, 'cross-cutting concerns');
  const tables = tablesOf(doc);
  const featureTable = tables.find((t) => /^(feature|service)$/i.test(t.header[0] ?? '') && !inSection(t.line, cross));

  const reviewed: string[] = [];
  if (featureTable) {
    const col = (name: string) => featureTable.header.findIndex((h) => h.toLowerCase() === name);
    const seen = new Set<string>();
    let previous: string | null = null;
    let unsortedReported = false;
    for (const row of featureTable.rows) {
      const slug = row.cells[0].replace(/`/g, '').trim();
      if (!slug) continue;
      seen.add(slug);
      // Step 3.
      if (previous !== null && slug < previous && !unsortedReported) {
        report('unsorted', row.line, 'unsorted', { slug, previous }, 'Suggestion');
        unsortedReported = true;
      }
      previous = slug;
      const lastReviewed = col('last reviewed');
      if (lastReviewed >= 0) {
        const date = parseDate(row.cells[lastReviewed] ?? '');
        if (date) reviewed.push(date);
      }
      // Step 2.
      const readmePath = readmes.get(slug);
      if (!readmePath) {
        report('rowWithoutReadme', row.line, `row without readme ${slug}`, { slug }, undefined, slug);
        continue;
      }
      // Step 4.
      const readme = context.model.artifacts.get(readmePath);
      if (readme?.syntax === 'markdown') compareRow(report, row, featureTable.header, readme, slug);
      // Step 5.
      const index = col('index');
      if (index >= 0) {
        const targets = linksOfCell(row.nodes[index]);
        const expected = `docs/features/${slug}/README.md`;
        const resolved = targets.map((t) => resolveLinkPath(CATALOG, t));
        if (!resolved.some((p) => p === expected && exists(p))) {
          const problem = targets.length === 0 ? 'has no link' : `links ${targets[0]}`;
          report('indexLink', row.line, `index ${slug}`, { slug, problem }, undefined, slug);
        }
      }
    }
    for (const slug of [...readmes.keys()].sort()) {
      if (!seen.has(slug)) report('missingRow', featureTable.line, `missing row ${slug}`, { slug }, undefined, slug);
    }
  } else {
    for (const slug of [...readmes.keys()].sort()) report('missingRow', 1, `missing row ${slug}`, { slug }, undefined, slug);
  }

  checkCrossCutting(report, doc, cross, tables, paths, exists);

  // Step 7.
  const updated = findField(doc.fields, 'Last updated');
  const updatedDate = updated ? parseDate(updated.value) : null;
  if (!updatedDate) report('lastUpdatedMissing', updated?.line ?? doc.title?.line ?? 1, 'last updated', {}, 'Suggestion');
  else {
    const latest = reviewed.sort().at(-1);
    if (latest && updatedDate < latest) report('lastUpdatedStale', updated!.line, 'last updated', { value: updatedDate, latest }, 'Suggestion');
  }
}

/** Step 4: Owner (team), Tier, Compliance (set), Last reviewed, SLO (whitespace-normalised). */
function compareRow(report: Report, row: Row, header: string[], readme: MarkdownArtifact & { syntax: 'markdown' }, slug: string): void {
  const serviceInfo = findSection(readme.doc, 'service info');
  const concerns = findSection(readme.doc, 'system concerns');
  const field = (section: Section | undefined, ...names: string[]): Field | undefined => (section ? findField(sectionFields(section, true), ...names) : undefined);
  const checks: { column: string; readme: Field | undefined; same: (a: string, b: string) => boolean }[] = [
    { column: 'Owner', readme: field(serviceInfo, 'Owner team', 'Owner'), same: (a, b) => teamOf(clean(a)) === teamOf(clean(b)) },
    { column: 'Tier', readme: field(serviceInfo, 'Tier'), same: (a, b) => (parseTier(a) ?? clean(a).toLowerCase()) === (parseTier(b) ?? clean(b).toLowerCase()) },
    { column: 'Compliance', readme: field(concerns, 'Compliance'), same: (a, b) => sameSet(complianceSet(clean(a)), complianceSet(clean(b))) },
    { column: 'Last reviewed', readme: field(serviceInfo, 'Last reviewed'), same: (a, b) => clean(a) === clean(b) },
    { column: 'SLO', readme: field(serviceInfo, 'SLO'), same: (a, b) => clean(a) === clean(b) },
  ];
  for (const check of checks) {
    const index = header.findIndex((h) => h.toLowerCase() === check.column.toLowerCase());
    if (index < 0 || !check.readme) continue;
    const value = row.cells[index] ?? '';
    if (!check.same(value, check.readme.value)) {
      report('valueMismatch', row.line, `value ${slug} ${check.column.toLowerCase()}`, { column: check.column, slug, value: clean(value), expected: clean(check.readme.value) }, undefined, slug);
    }
  }
}

/** Step 6: cross-cutting rows name docs that exist; existing docs have a row; folder counts agree. */
function checkCrossCutting(report: Report, doc: MarkdownDoc, cross: Section | undefined, tables: ParsedTable[], paths: string[], exists: (p: string) => boolean): void {
  const present = (d: CrossDoc) => (d.files ? paths.some((p) => d.files!.test(p)) : exists(d.path));
  const rows: { line: number; concern: string; docCell: Nodes | null; docText: string; status: string }[] = [];
  if (cross) {
    for (const table of tables.filter((t) => inSection(t.line, cross))) {
      const concern = table.header.findIndex((h) => /concern/i.test(h));
      const docCol = table.header.findIndex((h) => /^doc/i.test(h));
      const status = table.header.findIndex((h) => /status/i.test(h));
      for (const row of table.rows) {
        rows.push({
          line: row.line,
          concern: row.cells[concern >= 0 ? concern : 0] ?? '',
          docCell: docCol >= 0 ? row.nodes[docCol] : null,
          docText: docCol >= 0 ? row.cells[docCol] : '',
          status: status >= 0 ? (row.cells[status] ?? '') : '',
        });
      }
    }
    // The older bullet-list form: `- Concern: [doc](doc) (status)`.
    for (const item of sectionItems(doc, cross, true)) {
      const link = item.unit.masks.find((m) => m.kind === 'link' || (m.kind === 'code' && isRelativePathSpan(m.content)));
      const concern = item.unit.text.split(/[:\uFFFC]/)[0].trim();
      const after = link ? item.unit.text.slice(link.offset + 1) : item.unit.text;
      rows.push({ line: item.line, concern, docCell: null, docText: link?.content ?? '', status: after });
    }
  }
  const covered = new Set<string>();
  for (const row of rows) {
    const target = docOfRow(row);
    if (!target) continue;
    const known = CROSS_DOCS.find((d) => d.path === target.path || d.path === `${target.path}/`);
    const path = known?.path ?? target.path;
    covered.add(path);
    const ok = known ? present(known) : exists(path);
    if (!ok) {
      report('crossCuttingMissingDoc', row.line, `cross-cutting missing ${path}`, { concern: row.concern || (known?.concern ?? path), doc: path });
      continue;
    }
    if (known?.files) {
      const files = paths.filter((p) => known.files!.test(p));
      const count = Number(/\d+/.exec(row.status)?.[0] ?? NaN);
      const isAdrs = known.path === 'docs/system/adrs/';
      const highest = isAdrs ? files.map((p) => /\/(\d{4})-/.exec(p)![1]).sort().at(-1) : undefined;
      const latest = /latest\s*(?:ADR-?)?(\d{4})/i.exec(row.status)?.[1];
      if (count !== files.length || (isAdrs && latest !== highest)) {
        const expected = isAdrs ? `${files.length} (latest ${highest})` : String(files.length);
        report('crossCuttingCount', row.line, `cross-cutting count ${path}`, { concern: row.concern || known.concern, value: row.status.trim(), doc: path, count: files.length, expected }, 'Suggestion');
      }
    }
  }
  for (const d of CROSS_DOCS) {
    if (!covered.has(d.path) && present(d)) {
      report('crossCuttingMissingRow', cross?.line ?? 1, `cross-cutting row ${d.path}`, { doc: d.path, concern: d.concern }, 'Suggestion');
    }
  }

  /** The doc a row points at: its link, a path written in the Doc cell, or the concern's name. */
  function docOfRow(row: { concern: string; docCell: Nodes | null; docText: string }): { path: string } | null {
    const targets = row.docCell ? linksOfCell(row.docCell) : [];
    const written = targets[0] ?? (row.docText.trim() && !/\s/.test(row.docText.trim()) ? row.docText.trim() : '');
    if (written && !isExternalTarget(written)) {
      const path = resolveLinkPath(CATALOG, written);
      if (path) return { path };
    }
    const byName = CROSS_DOCS.find((d) => d.words.test(row.concern));
    return byName ? { path: byName.path } : null;
  }
}

interface ParsedTable {
  line: number;
  header: string[];
  rows: Row[];
}

function tablesOf(doc: MarkdownDoc): ParsedTable[] {
  return doc.root.children
    .filter((n): n is Table => n.type === 'table')
    .map((table) => {
      const [head, ...body] = table.children;
      return {
        line: table.position?.start.line ?? 1,
        header: (head?.children ?? []).map((c) => clean(plainText(c))),
        rows: body.map((row) => ({
          line: row.position?.start.line ?? 1,
          cells: row.children.map((c) => clean(plainText(c))),
          nodes: row.children,
        })),
      };
    });
}

function inSection(line: number, section: Section | undefined): boolean {
  return section !== undefined && line > section.line && line <= section.endLine;
}

/** Link destinations in a table cell: Markdown links and relative-path code spans. */
function linksOfCell(cell: Nodes | undefined): string[] {
  const out: string[] = [];
  const stack: Nodes[] = cell ? [cell] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'link') out.push(node.url);
    else if (node.type === 'inlineCode' && isRelativePathSpan(node.value)) out.push(node.value.trim());
    else if ('children' in node) stack.push(...[...(node.children as Nodes[])].reverse());
  }
  return out;
}

function clean(value: string): string {
  return value.replace(/`/g, '').replace(/\*\*|__/g, '').replace(/\s+/g, ' ').trim();
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((v) => b.has(v));
}
