// rules.md rule 38: the AsyncAPI file is a usable 3.x contract whose messages make trace context a
// required header and document the correlation extensions. Headers are resolved through traits and
// `$ref`s, and a problem in a trait is reported where the trait defines it.
import { readAsyncApi, type AsyncApiDoc, type HeadersSource, type Message, type RefProblem } from '../../src/artifacts/asyncapi.js';
import { contractOrderingKey, orderingKeyOf } from '../../src/artifacts/channel-sets.js';
import type { Feature, StructuredArtifact } from '../../src/artifacts/model.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';
import type { Severity } from '../../src/review/types.js';

const TEMPLATE =
  'AsyncAPI {file}: {problem}. Messages must declare traceparent as a required header and document correlationid, causationid and partitionkey.';

/**
 * The 2.x note says what to do about the version (the spec's tail is about headers, which a 2.x
 * file may already declare): migrate, and declare the trace headers only when a message lacks them.
 */
const MIGRATE = 'migrate it to AsyncAPI 3.1 (channels get an `address` and their `messages`; `publish` and `subscribe` become `operations` with `action: send` or `receive`)';
const OLD_VERSION_ADVICE = {
  /** `asyncapi.traceHeaderIn: openapi`: the headers are not this file's business. */
  headersElsewhere: `${MIGRATE[0]!.toUpperCase()}${MIGRATE.slice(1)}.`,
  headersDeclared: `${MIGRATE[0]!.toUpperCase()}${MIGRATE.slice(1)}; the trace headers it declares carry over unchanged.`,
  headersMissing: `${MIGRATE[0]!.toUpperCase()}${MIGRATE.slice(1)}, and declare traceparent as a required header and document correlationid, causationid and partitionkey on its messages.`,
};

const messages = {
  missingVersion: TEMPLATE,
  oldVersion: 'AsyncAPI {file}: {problem}. {advice}',
  traceparent: TEMPLATE,
  correlationHeaders: TEMPLATE,
  contentType: TEMPLATE,
  noOperation: TEMPLATE,
  unresolvedPayload: TEMPLATE,
  unresolvedRef: TEMPLATE,
};
type MessageId = keyof typeof messages;

export default createDocsRule({
  meta: {
    id: 'asyncapi-trace-headers',
    kind: 'docs',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['R7', 'R6'],
    antiPattern: 'missing trace context (traceparent, correlation / causation id)',
    failureModes: ['lost-trace-context'],
    pattern: 'Message History',
    description: 'AsyncAPI files are 3.x contracts whose messages require traceparent and document correlationid, causationid and partitionkey.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const feature of context.model.features.values()) {
          for (const [channel, artifact] of feature.asyncapi) checkFile(context, feature, channel, artifact);
        }
      },
    };
  },
});

type Report = (messageId: MessageId, path: string, line: number, problem: string, anchor: string, severity?: Severity, data?: Record<string, string>) => void;

function checkFile(context: DocsRuleContext<MessageId>, feature: Feature, channel: string, artifact: StructuredArtifact): void {
  const doc = readAsyncApi(artifact, context.model);
  const seen = new Set<string>();
  let headersIncomplete = false;
  const report: Report = (messageId, path, line, problem, anchor, severity, data = {}) => {
    if (messageId === 'traceparent' || messageId === 'correlationHeaders') headersIncomplete = true;
    const key = `${messageId} ${path}:${line} ${problem}`;
    if (seen.has(key)) return;
    seen.add(key);
    context.report({
      messageId,
      data: { file: artifact.path, problem, ...data },
      loc: { path, startLine: line },
      anchor: `asyncapi | ${anchor}`,
      ...(severity ? { severity } : {}),
      variant: messageId,
      channel,
      feature: feature.slug,
    });
  };

  // Step 1 (the 2.x note is reported after the messages, whose headers decide its advice).
  if (doc.version === null) report('missingVersion', artifact.path, 1, 'the `asyncapi` version field is missing', 'version missing');

  const headersChecked = context.config.asyncapi.traceHeaderIn !== 'openapi';
  const orderingKey = contractKey(feature, channel);
  const checked = new Set<string>();
  for (const ch of doc.channels) {
    for (const problem of ch.problems) reportRef(report, problem);
    // Step 4: an operation must reference the channel.
    if (!doc.operations.some((op) => op.channelId === ch.id)) {
      report('noOperation', artifact.path, ch.line, `no operation references channel \`${ch.id}\``, `no operation ${ch.id}`, 'Suggestion');
    }
    for (const message of ch.messages) {
      if (checked.has(message.identity)) continue;
      checked.add(message.identity);
      checkMessage(report, doc, message, headersChecked, orderingKey);
    }
  }
  if (doc.version !== null && doc.major === 2) {
    const advice = !headersChecked
      ? OLD_VERSION_ADVICE.headersElsewhere
      : headersIncomplete
        ? OLD_VERSION_ADVICE.headersMissing
        : OLD_VERSION_ADVICE.headersDeclared;
    report('oldVersion', artifact.path, doc.versionLine ?? 1, `AsyncAPI ${doc.version} is 2.x; the skill targets 3.1`, 'version 2.x', 'Suggestion', { advice });
  }
}

function checkMessage(report: Report, doc: AsyncApiDoc, message: Message, headersChecked: boolean, orderingKey: string | null): void {
  const messagePath = message.at.artifact.path;
  const name = `message \`${message.id}\``;
  for (const problem of message.problems) reportRef(report, problem);

  // Steps 2 and 3, unless a header or trait reference failed (then the headers are unknown, and
  // the unresolved reference is the finding).
  if (headersChecked && message.problems.length === 0) {
    const headers = message.headers;
    const sources = headers?.sources ?? [];
    const withProperties = sources.find((s) => s.propertiesLine !== null);
    const fallback = headerLocation(withProperties ?? sources[0], messagePath, message.line);
    if (!headers?.properties.has('traceparent')) {
      report('traceparent', fallback.path, fallback.line, `${name} does not declare a \`traceparent\` header`, `traceparent ${message.identity}`);
    } else if (!headers.required.has('traceparent')) {
      const declaring = sources.find((s) => s.requiredLine !== null) ?? sources.find((s) => s.properties.includes('traceparent'));
      const at = declaring?.requiredLine !== null && declaring?.requiredLine !== undefined
        ? { path: declaring.at.artifact.path, line: declaring.requiredLine }
        : headerLocation(declaring, messagePath, message.line);
      report('traceparent', at.path, at.line, `${name} lists \`traceparent\` but does not require it`, `traceparent required ${message.identity}`);
    }
    const missing = ['correlationid', 'causationid'].filter((h) => !headers?.properties.has(h));
    if (orderingKey !== 'none' && !headers?.properties.has('partitionkey')) missing.push('partitionkey');
    if (missing.length > 0) {
      report(
        'correlationHeaders',
        fallback.path,
        fallback.line,
        `${name} does not document ${missing.map((h) => `\`${h}\``).join(', ')}`,
        `correlation ${message.identity} ${missing.join(',')}`,
        'Suggestion',
      );
    }
  }

  // Step 4: content type.
  if (message.contentType === null && doc.defaultContentType === null) {
    report('contentType', messagePath, message.line, `${name} has no \`contentType\``, `content type ${message.identity}`, 'Suggestion');
  }

  // Step 5: the payload reference resolves.
  const problem = message.payload?.problem;
  if (message.payload && problem && isBroken(problem)) {
    report(
      'unresolvedPayload',
      message.payload.path,
      message.payload.line,
      `the payload \`$ref\` \`${problem.ref}\` of ${name} does not resolve (${describe(problem)})`,
      `payload ${problem.ref}`,
    );
  }
}

/** The `properties:` line of a headers object, else its `headers:` line, else the message's line. */
function headerLocation(source: HeadersSource | undefined, path: string, messageLine: number): { path: string; line: number } {
  if (!source) return { path, line: messageLine };
  return { path: source.at.artifact.path, line: source.propertiesLine ?? source.line };
}

function reportRef(report: Report, problem: RefProblem): void {
  if (!isBroken(problem)) return;
  report('unresolvedRef', problem.path, problem.line, `\`$ref\` \`${problem.ref}\` does not resolve (${describe(problem)})`, `ref ${problem.ref}`);
}

/** References into other features, URLs and files that did not parse cannot be judged here. */
function isBroken(problem: RefProblem): boolean {
  return problem.reason === 'missing-file' || problem.reason === 'missing-pointer' || problem.reason === 'cycle';
}

function describe(problem: RefProblem): string {
  switch (problem.reason) {
    case 'missing-file':
      return 'no such file';
    case 'missing-pointer':
      return 'no such pointer';
    case 'cycle':
      return 'the references form a cycle';
    default:
      return problem.reason;
  }
}

/** The contract's ordering key for the partitionkey check; null when unknown (then it is expected). */
function contractKey(feature: Feature, channel: string): string | null {
  const contract = feature.contracts.get(channel);
  const field = contract ? contractOrderingKey(contract) : null;
  return field ? orderingKeyOf(field.value) : null;
}
