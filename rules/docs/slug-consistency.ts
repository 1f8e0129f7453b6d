// rules.md rule 55: one kebab-case slug names a feature everywhere (folder, launch decisions, catalog
// row) and channel names stay separate from it. Mixed spellings split one feature's history across
// several names and break every path-based cross-check.
import { classifyPath } from '../../src/artifacts/classify.js';
import { findField, findSection, sectionFields, unwrapBackticks } from '../../src/artifacts/markdown.js';
import { isChannelName, SLUG_NAME } from '../../src/artifacts/links.js';
import type { Feature } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const TAIL = ' Use the feature slug {slug} for folders and the channel name for contract files.';
const message = (problem: string) => `{file}: ${problem}.${TAIL}`;

const messages = {
  folderName: message('the feature folder "{folder}" is not a kebab-case slug'),
  launchFeature: message('the launch decision names Feature "{value}" but lives in the folder of {folder}'),
  runbookPrefix: message('the runbook file name repeats the feature slug; the folder already names the feature'),
  slugAsChannel: message('the {kind} file is named after the feature slug, not after a channel (e.g. {example})'),
  adrTitle: message('the ADR title "{title}" in the file name is not kebab-case'),
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'slug-consistency',
    kind: 'docs',
    severity: 'Suggestion',
    precision: 'High',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description: 'Feature folders use a kebab-case slug consistently; launch decisions name it, and runbook, contract and ADR file names follow the canonical patterns.',
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

/** What the folder name should have been: `Order_Fulfillment` and `OrderFulfillment` → `order-fulfillment`. */
function suggestedSlug(folder: string): string {
  return folder
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `[x](../README.md)`, `[x][ref]` or `[x]` written as the whole value. */
const LINK_VALUE = /^\[([^\]]*)\](?:\([^)\s]*(?:\s[^)]*)?\)|\[[^\]]*\])?$/;

/** The feature a `Feature` value names: a link stands for its text, without code marks (`[`x`](…)`). */
function featureName(normalized: string): string {
  const link = LINK_VALUE.exec(normalized);
  return link ? unwrapBackticks(link[1]) : normalized;
}

function checkFeature(context: DocsRuleContext<MessageId>, feature: Feature, allPaths: string[]): void {
  const folder = feature.slug;
  const root = `docs/features/${folder}/`;
  const paths = allPaths.filter((p) => p.startsWith(root));
  const slug = SLUG_NAME.test(folder) ? folder : suggestedSlug(folder) || folder;
  const report = (messageId: MessageId, path: string, line: number, anchor: string, data: Record<string, string> = {}) =>
    context.report({
      messageId,
      data: { file: path, slug, folder, ...data },
      loc: { path, startLine: line },
      anchor: `slug | ${anchor}`,
      feature: folder,
    });
  const names = new Set([folder, slug]);

  // Step 1: reported once, on the README (else the first artifact) of the folder.
  if (!SLUG_NAME.test(folder) && paths.length > 0) {
    const at = paths.find((p) => p === `${root}README.md`) ?? paths.find((p) => classifyPath(p)?.type !== 'unclassified') ?? paths[0];
    report('folderName', at, 1, 'folder name');
  }

  // Step 2.
  for (const launch of feature.launches) {
    const summary = findSection(launch.doc, 'summary');
    const field = summary ? findField(sectionFields(summary, true), 'Feature') : undefined;
    const value = field ? featureName(field.normalized) : '';
    if (field && value && value !== folder && !/^<[^>]*>$/.test(value)) {
      const at = launch.path;
      context.report({
        messageId: 'launchFeature',
        data: { file: at, slug, folder, value },
        loc: { path: at, startLine: field.line },
        anchor: `slug | launch feature ${value}`,
        feature: folder,
      });
    }
  }

  for (const path of paths) {
    const c = classifyPath(path);
    if (!c) continue;
    // Step 3.
    if (c.type === 'runbook' && c.incident && [...names].some((n) => c.incident!.toLowerCase().startsWith(`${n.toLowerCase()}-`))) {
      report('runbookPrefix', path, 1, `runbook prefix ${c.incident}`);
    }
    // Step 4.
    if ((c.type === 'contract' || c.type === 'schema' || c.type === 'asyncapi') && c.channel && !isChannelName(c.channel) && names.has(c.channel)) {
      const kind = c.type === 'asyncapi' ? 'AsyncAPI' : c.type;
      report('slugAsChannel', path, 1, `slug as channel ${c.type}`, { kind, example: `${slug.split('-')[0]}.<event>.v1` });
    }
    // Step 5.
    if (c.type === 'adr' && c.title && !SLUG_NAME.test(c.title)) report('adrTitle', path, 1, `adr title ${c.title}`, { title: c.title });
  }
}
