// rules.md rule 24: the per-feature README is the index a newcomer opens first, so it must list the
// artifacts and channels that exist (nothing planned, nothing stale) and carry the tier and review
// date of the latest launch decision.
import { classifyPath } from '../../src/artifacts/classify.js';
import {
  findField,
  findSection,
  isRelativePathSpan,
  parseDate,
  parseTier,
  sectionFields,
  type Field,
  type LinkTarget,
  type MarkdownDoc,
  type Section,
} from '../../src/artifacts/markdown.js';
import { isExternalTarget, linksOfField, pathExists, relativeLink, resolveLinkPath } from '../../src/artifacts/links.js';
import type { Feature, MarkdownArtifact } from '../../src/artifacts/model.js';
import { sectionItems, type SectionItem } from '../../src/artifacts/prose.js';
import { compileVocabulary, firstVocabularyMatch, testVocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TAIL = ' The per-feature index must list what exists, nothing planned, and follow the latest launch decision.';
const message = (problem: string) => `README of {feature} is out of sync: ${problem}.${TAIL}`;

const messages = {
  missingReadme: message('docs/features/{feature}/README.md does not exist although the feature has {count} artifact(s)'),
  missingSection: message('the `## {section}` section is missing'),
  missingField: message('Artifacts has no {field} field although the feature has {files}'),
  missingEntry: message('{field} does not list {file}, which exists'),
  entryWithoutFile: message('{field} lists {target}, which does not exist'),
  plannedEntry: message('{field} lists a planned entry ({entry}); the index lists only what exists'),
  channelWithoutLink: message('the Channels owned entry for {channel} links no contract'),
  channelLinkBroken: message('the Channels owned entry for {channel} links {target}, which does not exist'),
  channelLinkWrong: message('the Channels owned entry for {channel} ({mark}) links {target}, not {expected}'),
  tierMismatch: message('Tier is {value} but the latest launch decision ({launch}) achieved {expected}'),
  lastReviewedStale: message('Last reviewed is {value}, before the latest launch decision ({launch})'),
  lastReviewedMissing: message('Service info has no valid Last reviewed date; the latest launch decision is {launch}'),
  lineCount: message('the README has {count} lines, outside the {low}-{high} range'),
  ownLinkUpward: message('the link {target} leaves the feature folder with ../ and comes back; write it relative to the README ({suggested})'),
};
type MessageId = keyof typeof messages;

/** Artifacts fields and the files each must list (artifacts.md §6.9). */
const KINDS = [
  { field: 'Design', synonyms: ['Design', 'Design doc'], files: (root: string, paths: string[]) => paths.filter((p) => p === `${root}design.md`) },
  { field: 'ADRs', synonyms: ['ADRs', 'ADR'], files: (root: string, paths: string[]) => childrenOf(paths, `${root}adrs/`, /\.md$/) },
  { field: 'Contracts', synonyms: ['Contracts', 'Contract'], files: (root: string, paths: string[]) => childrenOf(paths, `${root}contracts/`, /\.md$/) },
  { field: 'Runbooks', synonyms: ['Runbooks', 'Runbook'], files: (root: string, paths: string[]) => childrenOf(paths, `${root}runbooks/`, /\.md$/) },
  {
    field: 'Launch decisions',
    synonyms: ['Launch decisions', 'Launch decision', 'Launches'],
    files: (root: string, paths: string[]) => childrenOf(paths, `${root}launches/`, /\.md$/),
  },
] as const;

const REQUIRED_SECTIONS = ['Service info', 'Artifacts', 'Channels owned'];
const TEMPLATE_SECTIONS = ['System concerns', 'Shared references', 'Dependencies'];
const PLANNED = compileVocabulary(['planned', 'upcoming', 'TODO']);
const MARK = compileVocabulary(['produced', 'consumed', 'both']);

export default createDocsRule({
  meta: {
    id: 'feature-readme-sync',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['D1'],
    failureModes: [],
    description:
      'The per-feature README exists, lists exactly the artifacts and channel contracts that exist, and follows the latest launch decision.',
    messages,
  },
  create(context) {
    return {
      check() {
        const paths = [...context.model.paths].sort();
        for (const feature of context.model.features.values()) checkFeature(context, feature, paths);
      },
    };
  },
});

type Report = (messageId: MessageId, path: string, line: number, anchor: string, data?: Record<string, string | number>, severity?: Severity) => void;

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature, allPaths: string[]): void {
  const root = `docs/features/${feature.slug}/`;
  const paths = allPaths.filter((p) => p.startsWith(root));
  const report: Report = (messageId, path, line, anchor, data = {}, severity) =>
    context.report({
      messageId,
      data: { feature: feature.slug, ...data },
      loc: { path, startLine: line },
      anchor: `readme | ${anchor}`,
      feature: feature.slug,
      ...(severity ? { severity } : {}),
    });

  // Step 1.
  const readmePath = `${root}README.md`;
  if (!paths.includes(readmePath)) {
    const artifacts = paths.filter((p) => {
      const type = classifyPath(p)?.type;
      return type !== undefined && type !== 'unclassified';
    });
    if (artifacts.length > 0) {
      const at = artifacts.includes(`${root}design.md`) ? `${root}design.md` : artifacts[0];
      report('missingReadme', at, 1, 'missing readme', { count: artifacts.length });
    }
    return;
  }
  const readme = feature.readme;
  if (!readme) return;
  const { doc } = readme;
  const at = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string | number>, severity?: Severity) =>
    report(messageId, readme.path, line, anchor, data, severity);

  // Step 2.
  for (const name of REQUIRED_SECTIONS) if (!findSection(doc, name.toLowerCase())) at('missingSection', 1, `missing section ${name}`, { section: name });
  for (const name of TEMPLATE_SECTIONS) {
    if (!findSection(doc, name.toLowerCase())) at('missingSection', 1, `missing section ${name}`, { section: name }, 'Suggestion');
  }

  const exists = (p: string) => pathExists(p, (q) => context.exists(q));
  const artifactsSection = findSection(doc, 'artifacts');
  if (artifactsSection) checkArtifacts(at, readme, artifactsSection, root, paths, exists);
  const channels = findSection(doc, 'channels owned');
  if (channels) checkChannels(at, readme, channels, root, allPaths, exists);
  checkLaunch(at, readme, feature, paths);

  // Step 6.
  const [low, high] = context.config.thresholds.readmeLines;
  if (doc.lineCount < low || doc.lineCount > high) at('lineCount', 1, 'line count', { count: doc.lineCount, low, high }, 'Suggestion');
  for (const link of doc.links) {
    if (isExternalTarget(link.target) || !/(^|\/)\.\.\//.test(link.path)) continue;
    const resolved = resolveLinkPath(readme.path, link.target);
    if (resolved && resolved.startsWith(root)) {
      at('ownLinkUpward', link.line, `own link ${link.target}`, { target: link.target, suggested: relativeLink(readme.path, resolved) || resolved }, 'Suggestion');
    }
  }
}

type At = (messageId: MessageId, line: number, anchor: string, data?: Record<string, string | number>, severity?: Severity) => void;

/** Step 3. */
function checkArtifacts(at: At, readme: MarkdownArtifact, section: Section, root: string, paths: string[], exists: (p: string) => boolean): void {
  const { doc } = readme;
  const fields = sectionFields(section, true);
  for (const kind of KINDS) {
    const files = kind.files(root, paths);
    const field = findField(fields, ...kind.synonyms);
    if (!field) {
      if (files.length > 0) {
        at('missingField', section.line, `missing field ${kind.field}`, { field: kind.field, files: files.map((f) => relativeLink(readme.path, f)).join(', ') });
      }
      continue;
    }
    const links = linksOfField(doc, field).filter((l) => !isExternalTarget(l.target));
    const listed = new Set(links.map((l) => resolveLinkPath(readme.path, l.target)).filter((p): p is string => p !== null));
    const data = { field: kind.field };
    for (const file of files) {
      if (!listed.has(file)) at('missingEntry', field.line, `${kind.field} missing ${file}`, { ...data, file: relativeLink(readme.path, file) });
    }
    const segments = entrySegments(doc, field, links);
    for (const { link, text } of segments) {
      const resolved = resolveLinkPath(readme.path, link.target);
      const planned = testVocabulary(text, PLANNED);
      if (planned) at('plannedEntry', link.line, `${kind.field} planned ${link.target}`, { ...data, entry: link.target });
      else if (!resolved || !exists(resolved)) at('entryWithoutFile', link.line, `${kind.field} without file ${link.target}`, { ...data, target: link.target });
    }
    const lead = leadingText(doc, field, links);
    if (testVocabulary(lead, PLANNED)) at('plannedEntry', field.line, `${kind.field} planned text`, { ...data, entry: `"${lead.trim()}"` });
  }
}

/**
 * The text that belongs to each link of a field: from the link to the next link on its line, with
 * link and code syntax removed, so a label such as "(planned)" attaches to the entry it follows and
 * a file named `planned-maintenance.md` is no label.
 */
function entrySegments(doc: MarkdownDoc, field: Field, links: LinkTarget[]): { link: LinkTarget; text: string }[] {
  return links.map((link, i) => {
    const next = links[i + 1];
    const source = doc.lines[link.line - 1] ?? '';
    const end = next && next.line === link.line ? next.column - 1 : source.length;
    return { link, text: stripLinks(source.slice(link.column - 1, end)) };
  });
}

/** The field value before its first link (or all of it), link and code syntax removed. */
function leadingText(doc: MarkdownDoc, field: Field, links: LinkTarget[]): string {
  if (links.length === 0) return stripLinks(field.value);
  const first = links[0];
  const source = doc.lines[first.line - 1] ?? '';
  const value = first.line === field.line ? source.slice(0, first.column - 1).replace(/^.*?:\s*/, '') : field.value;
  return stripLinks(value);
}

function stripLinks(text: string): string {
  return text.replace(/!?\[[^\]]*\]\([^)]*\)/g, ' ').replace(/(`+)[\s\S]*?\1/g, ' ');
}

/** Step 4: each Channels owned entry links its contract, and the link resolves. */
function checkChannels(at: At, readme: MarkdownArtifact, section: Section, root: string, allPaths: string[], exists: (p: string) => boolean): void {
  for (const item of sectionItems(readme.doc, section, true)) {
    const entry = channelEntry(item);
    if (!entry) continue;
    const { channel, mark, targets } = entry;
    const data = { channel, mark };
    if (targets.length === 0) {
      at('channelWithoutLink', item.line, `channel ${channel} no link`, data);
      continue;
    }
    const resolved = targets.map((target) => ({ target, path: resolveLinkPath(readme.path, target) }));
    const expected = mark === 'consumed'
      ? allPaths.filter((p) => new RegExp(`^docs/features/[^/]+/contracts/${escape(channel)}\\.md$`).test(p))
      : [`${root}contracts/${channel}.md`];
    if (resolved.some((r) => r.path !== null && expected.includes(r.path) && exists(r.path))) continue;
    const broken = resolved.find((r) => r.path === null || !exists(r.path));
    if (broken) at('channelLinkBroken', item.line, `channel ${channel} broken`, { ...data, target: broken.target });
    else {
      const wanted = mark === 'consumed' ? `../<producer>/contracts/${channel}.md` : `contracts/${channel}.md`;
      at('channelLinkWrong', item.line, `channel ${channel} wrong link`, { ...data, target: resolved[0].target, expected: wanted });
    }
  }
}

/** `` `<channel>`: produced|consumed|both. See <link> `` → its parts; null for prose bullets. */
function channelEntry(item: SectionItem): { channel: string; mark: string; targets: string[] } | null {
  const { unit } = item;
  const code = unit.masks.filter((m) => m.kind === 'code');
  const first = code[0];
  const leading = first && unit.text.slice(0, first.offset).trim() === '';
  if (!first || !leading) return null;
  const channel = first.content.trim();
  // A bullet without a mark describes a produced channel, as in the design (CHANGES.md item 17).
  const found = firstVocabularyMatch(unit.text.slice(first.offset + 1), MARK);
  const mark = found ? MARK.sources[found.pattern] : 'produced';
  const targets = [
    ...unit.masks.filter((m) => m.kind === 'link').map((m) => m.content),
    ...code.slice(1).filter((m) => isRelativePathSpan(m.content)).map((m) => m.content.trim()),
  ].filter((t) => !isExternalTarget(t));
  return { channel, mark, targets };
}

/** Step 5: Tier and Last reviewed follow the latest launch decision. */
function checkLaunch(at: At, readme: MarkdownArtifact, feature: Feature, paths: string[]): void {
  const launchPaths = paths.filter((p) => classifyPath(p)?.type === 'launch').sort();
  const latestPath = launchPaths[launchPaths.length - 1];
  if (!latestPath) return;
  const date = classifyPath(latestPath)!.date!;
  const serviceInfo = findSection(readme.doc, 'service info');
  if (!serviceInfo) return;
  const fields = sectionFields(serviceInfo, true);
  const launchName = relativeLink(readme.path, latestPath);
  const launch = feature.launches.find((l) => l.path === latestPath);
  const summary = launch ? findSection(launch.doc, 'summary') : undefined;
  const achieved = summary ? findField(sectionFields(summary, true), 'Tier achieved') : undefined;
  const expectedTier = achieved ? parseTier(achieved.value) : null;
  if (expectedTier) {
    const tier = findField(fields, 'Tier');
    if (!tier || parseTier(tier.value) !== expectedTier) {
      at('tierMismatch', tier?.line ?? serviceInfo.line, 'tier', { value: tier ? `"${tier.value}"` : 'missing', launch: launchName, expected: expectedTier });
    }
  }
  const reviewed = findField(fields, 'Last reviewed');
  const reviewedDate = reviewed ? parseDate(reviewed.value) : null;
  if (!reviewedDate) at('lastReviewedMissing', reviewed?.line ?? serviceInfo.line, 'last reviewed', { launch: launchName });
  else if (reviewedDate < date) at('lastReviewedStale', reviewed!.line, 'last reviewed', { value: reviewedDate, launch: launchName });
}

function childrenOf(paths: string[], prefix: string, re: RegExp): string[] {
  return paths.filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && re.test(p));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
