// rules.md rule 30: a pattern-mapping row names one pattern (or attributes each of several to its
// own component), and its tool column does not claim a capability the named runtime lacks, such as
// a circuit breaker "in Temporal".
import type { Table, TableCell } from 'mdast';
import { currentTypeOf } from '../../src/artifacts/classify.js';
import { plainText, type MarkdownDoc } from '../../src/artifacts/markdown.js';
import type { MarkdownArtifact } from '../../src/artifacts/model.js';
import { compileVocabulary, matchVocabulary, testVocabulary, type Vocabulary } from '../../src/artifacts/vocabulary.js';
import { createDocsRule, type DocsRuleContext } from '../../src/review/rule.js';

const TEMPLATE =
  'Pattern mapping row "{row}" in {file}:{line}: {problem}. One pattern per row, or attribute each pattern to the component that actually implements it.';

const messages = {
  compoundRow: TEMPLATE,
  capabilityOverclaim: TEMPLATE,
};
type MessageId = keyof typeof messages;

/** Step 1: the pattern names of the source's pattern tables and `reference/checklist.md`. */
const PATTERN_NAMES = [
  'Point-to-Point Channel',
  'Competing Consumers',
  'Publish-Subscribe Channel',
  'Datatype Channel',
  'Transactional Outbox',
  'CDC',
  'Idempotent Receiver',
  'Inbox',
  'Invalid Message Channel',
  'Dead Letter Channel',
  'Retry',
  'Process Manager',
  'Saga',
  'Request-Reply',
  'Return Address',
  'Correlation Identifier',
  'Content-Based Router',
  'Message Translator',
  'Claim Check',
  'Message History',
  'Canonical Data Model',
  'Message Bus',
  'Message Store',
  'Wire Tap',
  'Circuit Breaker',
  'Bulkhead',
  'Timeout',
  'Backpressure',
  'Load Shedding',
  'Rate Limiting',
  'Horizontal Autoscaling',
  'Queue-Based Scaling',
  'Sharding',
  'Replication',
  'Materialized View',
  'Cache-Aside',
  'Read Replica',
  'Lease',
  'Fencing Token',
  'Progressive Delivery',
  'Event Message',
  'Command Message',
  'Aggregator',
  'Resequencer',
];

/** Hyphens and spaces between words are interchangeable; British `materialised` is the same pattern. */
const patternSource = (name: string) =>
  name
    .toLowerCase()
    .split(/[- ]/)
    .map((w) => (w === 'materialized' ? 'materiali[sz]ed' : w))
    .join('[- ]?');

const PATTERNS = compileVocabulary(PATTERN_NAMES.map(patternSource));
const PATTERN_VOCAB = new Map(PATTERN_NAMES.map((name) => [name, compileVocabulary([patternSource(name)])]));

/** Technologies the tool cell may name; a cell naming one of these besides `t` attributes the pattern elsewhere. */
const TECHNOLOGIES = compileVocabulary([
  'temporal',
  '(aws )?step functions',
  'kafka',
  'debezium',
  'cdc connector',
  'sqs',
  'sns',
  'hpa',
  'keda',
  'postgres(ql)?',
  'mysql',
  'redis',
  'dynamodb',
  'rabbitmq',
  'nats',
  'pub/?sub',
  'kinesis',
  'eventbridge',
  'envoy',
  'istio',
  'linkerd',
  'resilience4j',
  'opossum',
  'cockatiel',
  'polly',
  'hystrix',
  'flink',
  'lambda',
]);

interface Capability {
  tech: string;
  tool: Vocabulary;
  pattern: Vocabulary;
  patternName: string;
  /** Where the pattern lives instead (rules.md 30 table); naming it in the cell attributes it correctly. */
  instead: Vocabulary;
  where: string;
}

const BREAKER_HOMES = ['resilience', 'breaker librar', 'opossum', 'cockatiel', 'resilience4j', 'polly', 'hystrix'];

/** The seed capability table of rules.md 30 [spec convention]. */
const CAPABILITIES: Capability[] = [
  {
    tech: 'Temporal',
    tool: compileVocabulary(['temporal']),
    pattern: compileVocabulary(['circuit[- ]?breaker']),
    patternName: 'Circuit Breaker',
    instead: compileVocabulary(['worker code', 'activity code', ...BREAKER_HOMES]),
    where: 'worker / activity code or a resilience library',
  },
  {
    tech: 'AWS Step Functions',
    tool: compileVocabulary(['step functions']),
    pattern: compileVocabulary(['circuit[- ]?breaker']),
    patternName: 'Circuit Breaker',
    instead: compileVocabulary(['task code', 'lambda code', ...BREAKER_HOMES]),
    where: 'task code or a resilience library',
  },
  {
    tech: 'Kafka',
    tool: compileVocabulary(['kafka']),
    pattern: compileVocabulary(['idempotent[- ]?receiver']),
    patternName: 'Idempotent Receiver',
    instead: compileVocabulary(['consumer code', 'dedup', 'inbox', 'unique']),
    where: "consumer code (a dedup store); Kafka's idempotent producer only dedupes producer retries",
  },
  {
    tech: 'Debezium / CDC connector',
    tool: compileVocabulary(['debezium', 'cdc connector']),
    pattern: compileVocabulary(['idempotent[- ]?receiver']),
    patternName: 'Idempotent Receiver',
    instead: compileVocabulary(['consumer code', 'dedup', 'inbox', 'unique']),
    where: 'consumer code',
  },
  {
    tech: 'SQS standard queue',
    tool: compileVocabulary(['sqs']),
    pattern: compileVocabulary(['resequencer', 'per[- ]key ordering']),
    patternName: 'Resequencer / per-key ordering',
    instead: compileVocabulary(['fifo', 'message group', 'partitioned log', 'kafka', 'kinesis']),
    where: 'SQS FIFO message groups, or a partitioned log keyed by the ordering key',
  },
  {
    tech: 'Kubernetes HPA / KEDA',
    tool: compileVocabulary(['hpa', 'keda', 'horizontal pod autoscal']),
    pattern: compileVocabulary(['back[- ]?pressure']),
    patternName: 'Backpressure',
    instead: compileVocabulary(['bounded queue', 'bounded buffer', 'rate limit', 'load shedding', 'prefetch', 'concurrency limit']),
    where: 'bounded queues, rate limits, load shedding',
  },
];

export default createDocsRule({
  meta: {
    id: 'pattern-mapping-attribution',
    kind: 'docs',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: [],
    failureModes: [],
    description:
      'Pattern-mapping rows do not bundle several patterns under one tool, and the tool column does not claim capabilities the named runtime lacks.',
    messages,
  },
  create(context) {
    return {
      check() {
        for (const artifact of context.model.artifacts.values()) {
          if (artifact.syntax !== 'markdown') continue;
          const type = currentTypeOf(artifact.type);
          if (type === 'adr' || type === 'archdoc') checkArtifact(context, artifact);
        }
      },
    };
  },
});

function tables(doc: MarkdownDoc): Table[] {
  const out: Table[] = [];
  const stack = [...doc.root.children];
  while (stack.length > 0) {
    const node = stack.shift()!;
    if (node.type === 'table') out.push(node);
    else if ('children' in node && node.type !== 'paragraph' && node.type !== 'heading') stack.unshift(...(node.children as typeof stack));
  }
  return out;
}

function cellRaw(doc: MarkdownDoc, cell: TableCell | undefined): string {
  const start = cell?.position?.start.offset;
  const end = cell?.position?.end.offset;
  return start === undefined || end === undefined ? '' : doc.text.slice(start, end).replace(/^\|/, '').replace(/\|$/, '').trim();
}

function checkArtifact(context: DocsRuleContext<MessageId>, artifact: MarkdownArtifact): void {
  const { doc, path } = artifact;
  for (const table of tables(doc)) {
    const [header, ...rows] = table.children;
    if (!header) continue;
    const names = header.children.map((c) => plainText(c));
    const patternCol = names.findIndex((n) => /pattern/i.test(n));
    const toolCol = names.findIndex((n, i) => i !== patternCol && /tool|implementation/i.test(n));
    if (patternCol < 0 || toolCol < 0) continue;
    for (const row of rows) {
      const patternCell = row.children[patternCol];
      const toolCell = row.children[toolCol];
      const patternText = patternCell ? plainText(patternCell) : '';
      const toolRaw = cellRaw(doc, toolCell);
      const toolText = toolCell ? plainText(toolCell) : '';
      const problems: { id: MessageId; text: string }[] = [];

      // Step 2.
      const patterns = patternsIn(patternText);
      if (patterns.length >= 2 && joined(patternText, patterns) && !attributed(toolRaw, patterns.map((p) => p.name))) {
        problems.push({
          id: 'compoundRow',
          text: `it bundles ${patterns.map((p) => p.name).join(' + ')} under one tool; split the row or attribute each pattern ("${patterns[patterns.length - 1].name}: <component>")`,
        });
      }

      // Step 3.
      for (const cap of CAPABILITIES) {
        if (!testVocabulary(patternText, cap.pattern) || !testVocabulary(toolText, cap.tool)) continue;
        if (testVocabulary(toolText, cap.instead)) continue;
        const others = matchVocabulary(toolText, TECHNOLOGIES).filter((m) => !testVocabulary(m.text, cap.tool));
        if (others.length > 0) continue;
        problems.push({ id: 'capabilityOverclaim', text: `${cap.tech} does not natively provide ${cap.patternName}; it lives in ${cap.where}` });
      }

      if (problems.length === 0) continue;
      const line = row.position?.start.line ?? 1;
      context.report({
        messageId: problems[0].id,
        data: { row: `${patternText.trim()} | ${toolText.trim()}`, file: path, line, problem: problems.map((p) => p.text).join('; ') },
        loc: { path, startLine: line },
        anchor: `pattern mapping | ${patternText.trim().toLowerCase()} | ${toolText.trim().toLowerCase()}`,
        variant: problems[0].id,
        ...(artifact.slug ? { feature: artifact.slug } : {}),
      });
    }
  }
}

interface PatternHit {
  name: string;
  index: number;
  end: number;
}

/** Distinct vocabulary patterns in the cell, leftmost-longest and non-overlapping. */
function patternsIn(text: string): PatternHit[] {
  const hits = matchVocabulary(text, PATTERNS).map((m) => ({ name: PATTERN_NAMES[m.pattern], index: m.index, end: m.end }));
  const out: PatternHit[] = [];
  for (const hit of hits) {
    if (out.some((o) => hit.index < o.end && o.index < hit.end)) continue;
    if (out.some((o) => o.name === hit.name)) continue;
    out.push(hit);
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Two names are bundled when a `+`, `&`, `and`, `/` or `,` joins them. */
function joined(text: string, hits: PatternHit[]): boolean {
  for (let i = 0; i + 1 < hits.length; i++) {
    if (/(?:\+|&|\/|,|(?<![A-Za-z0-9_])and(?![A-Za-z0-9_]))/i.test(text.slice(hits[i].end, hits[i + 1].index))) return true;
  }
  return false;
}

/** The tool cell has one segment per pattern, each naming its pattern (`Circuit breaker: worker code`). */
function attributed(toolRaw: string, patterns: string[]): boolean {
  const segments = toolRaw
    .split(/;|\s\+\s|<br\s*\/?>|\n/i)
    .map((s) => s.trim())
    .filter(Boolean);
  if (segments.length < patterns.length) return false;
  const used = new Set<number>();
  return patterns.every((p) => {
    const vocab = PATTERN_VOCAB.get(p)!;
    const i = segments.findIndex((s, k) => !used.has(k) && testVocabulary(s, vocab));
    if (i < 0) return false;
    used.add(i);
    return true;
  });
}
