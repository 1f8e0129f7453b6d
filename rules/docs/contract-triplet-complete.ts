// rules.md rule 36: a channel is specified by three files in the producing feature: the contract
// (for humans), the payload schema (for the registry and CI) and the AsyncAPI file (for tooling).
// Any one of them alone leaves either people or machines without the specification.
import { classifyPath } from '../../src/artifacts/classify.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const messages = {
  incomplete: 'Contract triplet for {channel} in {feature} is incomplete: missing {files}.',
  orphan: 'Contract triplet for {channel} in {feature} is incomplete: missing {files} (the {kind} {file} has no contract).',
  severalFormats: 'Contract triplet for {channel} in {feature} has {count} schema formats ({files}); keep one schema per channel so producers and consumers validate against the same one.',
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'contract-triplet-complete',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R6'],
    failureModes: [],
    description: 'Every channel has its contract, payload schema and AsyncAPI file in the producing feature, and no schema or AsyncAPI file lacks its contract.',
    messages,
  },
  create(context) {
    return {
      check() {
        const paths = [...context.model.paths].sort();
        for (const slug of context.model.features.keys()) checkFeature(context, slug, paths);
      },
    };
  },
});

interface ChannelFiles {
  contract?: string;
  schemas: string[];
  asyncapi: string[];
}

function checkFeature(context: DocsRuleContext<MessageId>, feature: string, allPaths: string[]): void {
  const root = `docs/features/${feature}/`;
  // Paths, not the parsed slots: a schema that does not parse still exists (model.ts).
  const channels = new Map<string, ChannelFiles>();
  const entry = (channel: string) => {
    let files = channels.get(channel);
    if (!files) channels.set(channel, (files = { schemas: [], asyncapi: [] }));
    return files;
  };
  for (const path of allPaths) {
    if (!path.startsWith(root)) continue;
    const c = classifyPath(path);
    if (!c?.channel) continue;
    if (c.type === 'contract') entry(c.channel).contract = path;
    else if (c.type === 'schema') entry(c.channel).schemas.push(path);
    else if (c.type === 'asyncapi') entry(c.channel).asyncapi.push(path);
  }
  const report = (messageId: MessageId, path: string, channel: string, anchor: string, data: Record<string, string | number>, severity?: 'Suggestion') =>
    context.report({
      messageId,
      data: { channel, feature, ...data },
      loc: { path, startLine: 1 },
      anchor: `triplet | ${anchor}`,
      feature,
      channel,
      ...(severity ? { severity } : {}),
    });

  for (const [channel, files] of [...channels].sort(([a], [b]) => a.localeCompare(b))) {
    if (files.contract) {
      // Step 1: a "(not yet written)" annotation does not excuse a missing file (CHANGES.md).
      const missing = [
        ...(files.schemas.length === 0 ? [`schemas/${channel}.{json,avsc,proto}`] : []),
        ...(files.asyncapi.length === 0 ? [`asyncapi/${channel}.yaml`] : []),
      ];
      if (missing.length > 0) report('incomplete', files.contract, channel, `missing ${missing.map((m) => m.split('/')[0]).join(' ')}`, { files: missing.join(' and ') });
    } else {
      // Step 2.
      for (const [kind, list] of [['schema', files.schemas], ['AsyncAPI file', files.asyncapi]] as const) {
        for (const path of list) {
          report('orphan', path, channel, 'orphan', { files: `contracts/${channel}.md`, kind, file: path.slice(root.length) });
        }
      }
    }
    // Step 3.
    if (files.schemas.length > 1) {
      const sorted = [...files.schemas].sort();
      const last = sorted[sorted.length - 1];
      report('severalFormats', last, channel, 'several formats', { count: sorted.length, files: sorted.map((p) => p.slice(root.length)).join(', ') }, 'Suggestion');
    }
  }
}
