// rules.md rule 17: retries that do not tell transient failures from permanent ones, so validation
// errors, 4xx responses and poison payloads are retried. Variants 1-4 live here; variant 5 (consumer
// poison path) needs the consumer entry points of src/code/handlers.ts.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeText, isFunction, parentOf, propertyName, unwrap, type CallLike, type FunctionLike } from '../../src/code/ast.js';
import type { CodeModel } from '../../src/code/model.js';
import {
  constructAnchor,
  findRetries,
  functionUses,
  reachableCalls,
  retriesText,
  sourceText,
  type RetryConstruct,
} from '../../src/code/retries.js';
import { isValidationCall, outboundLibrary } from '../../src/code/retry-targets.js';
import { findAll, functionOf, isModuleMember, moduleRef, patternNames } from '../../src/code/retry-values.js';
import type { Precision } from '../../src/review/types.js';
import { createCodeRule } from '../../src/review/rule.js';

type Variant = 'retry-everything' | 'no-escape-hatch' | 'job-retries-invalid-input' | 'hand-rolled-loop';

interface Hit {
  node: TSESTree.Node;
  variant: Variant;
  text: string;
  attempts: string;
  precision: Precision;
  anchor: string;
  related?: { line: number; note: string }[];
}

export default createCodeRule({
  meta: {
    id: 'retry-permanent-errors',
    kind: 'code',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: ['R4', 'R3'],
    antiPattern: 'retrying-permanent-errors',
    failureModes: ['poison-message-loop', 'retry-storm'],
    pattern: 'Error classification with an Invalid Message Channel',
    description: 'Retries do not distinguish transient from permanent failures, so validation errors and 4xx responses are retried.',
    messages: {
      permanentErrors:
        'Retrying permanent errors at {loc} ({variant}): validation failures and 4xx responses will be retried {attempts} ' +
        'times and then dead-lettered late or looped. Classify errors: retry only transient failures (timeouts, 5xx, 429, ' +
        'network), stop immediately on permanent ones (AbortError, bail, UnrecoverableError, invalid-message channel).',
    },
  },
  create(context) {
    const { model } = context;
    return {
      'Program:exit'() {
        const hits: Hit[] = [];
        const constructs = findRetries(model);
        for (const construct of constructs) {
          if (construct.attempts !== null && construct.attempts <= 1) continue;
          const hit = libraryHit(model, construct) ?? loopHit(model, construct);
          if (hit) hits.push(hit);
        }
        hits.push(...workerHits(model, constructs));
        for (const hit of hits) {
          context.report({
            node: hit.node,
            messageId: 'permanentErrors',
            data: { loc: `${context.path}:${model.line(hit.node)}`, variant: hit.text, attempts: hit.attempts },
            variant: hit.variant,
            precision: hit.precision,
            anchor: hit.anchor,
            ...(hit.related ? { related: hit.related.map((r) => ({ path: context.path, ...r })) } : {}),
          });
        }
      },
    };
  },
});

/** A retried call that a permanent failure can come out of: an outbound HTTP call or payload validation. */
function permanentSource(model: CodeModel, construct: RetryConstruct): CallLike | null {
  const calls = reachableCalls(model, construct.runs.map((r) => r.fn));
  return calls.find((call) => outboundLibrary(model, call) !== null || isValidationCall(model, call)) ?? null;
}

function libraryHit(model: CodeModel, c: RetryConstruct): Hit | null {
  const base = { attempts: retriesText(c), anchor: constructAnchor(model, c) };
  const precision: Precision = c.via === 'name' ? 'Medium' : 'High';
  switch (c.library) {
    case 'axios-retry':
      if (!c.retryEverything) return null;
      return { ...base, node: c.retryEverything, variant: 'retry-everything', precision, text: `axios-retry \`${sourceText(model, c.retryEverything)}\` retries every failure, 4xx included` };
    case 'got':
      if (!c.retryEverything) return null;
      return { ...base, node: c.retryEverything, variant: 'retry-everything', precision, text: `got \`${sourceText(model, c.retryEverything)}\` retries permanent 4xx responses` };
    case 'cockatiel': {
      if (c.handles !== 'all') return null;
      const source = permanentSource(model, c);
      if (!source) return null;
      return {
        ...base,
        node: c.node,
        variant: 'retry-everything',
        precision,
        text: `cockatiel policy built on handleAll retries ${describe(model, source)}`,
        related: [{ line: model.line(source), note: `retried call ${calleeText(model.text, source)}` }],
      };
    }
    case 'p-retry':
    case 'async-retry': {
      if (c.escapes.length > 0 || c.runs.every((r) => !r.fn)) return null;
      // AbortError imported but thrown somewhere the analysis did not follow: assume it is used.
      if (c.library === 'p-retry' && importsAbortError(model)) return null;
      const source = permanentSource(model, c);
      if (!source) return null;
      const how = c.library === 'p-retry' ? 'the retried function never throws AbortError and no shouldRetry is set' : 'the retried callback never calls bail()';
      return {
        ...base,
        node: c.node,
        variant: 'no-escape-hatch',
        precision: 'Medium',
        text: `${c.description}: ${how}, yet it makes ${describe(model, source)}`,
        related: [{ line: model.line(source), note: `retried call ${calleeText(model.text, source)}` }],
      };
    }
    default:
      return null;
  }
}

function describe(model: CodeModel, call: CallLike): string {
  return outboundLibrary(model, call) !== null
    ? `an HTTP call (${calleeText(model.text, call)})`
    : `a validation call (${calleeText(model.text, call)})`;
}

function importsAbortError(model: CodeModel): boolean {
  return [...model.imports.values()].some((binding) => binding.module === 'p-retry' && binding.path[0] === 'AbortError');
}

/** rules.md rule 17 variant 4: a bounded hand-rolled retry that never looks at the failure. */
function loopHit(model: CodeModel, c: RetryConstruct): Hit | null {
  if (c.kind !== 'loop' && c.kind !== 'recursion') return null;
  // Unbounded loops are unbounded-retry's finding.
  if (c.bound === 'unbounded' || c.escapes.length > 0) return null;
  // Bounded means a limit was found; `while (this.running)` leaves the count open.
  if (typeof c.bound !== 'number' && !c.boundNode) return null;
  const node = c.shape === 'try-catch' && c.handler ? c.handler : c.node;
  const text = c.shape === 'status-check'
    ? 'bounded retry loop that retries every failed response without checking its status'
    : c.handler?.param
      ? 'bounded retry whose catch retries without inspecting the error'
      : 'bounded retry whose catch discards the error';
  return { node, variant: 'hand-rolled-loop', text, attempts: retriesText(c), precision: 'Medium', anchor: constructAnchor(model, c) };
}

// ------------------------------------------------------------------ BullMQ processors (variant 3)

/**
 * A `new Worker(queue, processor)` whose queue's jobs retry (attempts > 1 on the same queue in this
 * file) and whose processor rejects invalid job data with a plain error instead of UnrecoverableError.
 */
function workerHits(model: CodeModel, constructs: RetryConstruct[]): Hit[] {
  const hits: Hit[] = [];
  for (const call of model.calls) {
    if (call.type !== 'NewExpression') continue;
    if (!isModuleMember(model, call.callee, ['bullmq', 'bullmq-pro'], ['Worker']) && !isModuleMember(model, call.callee, ['bullmq-pro'], ['WorkerPro'])) continue;
    const queue = model.stringValue(call.arguments[0]);
    const processor = call.arguments[1] ? functionOf(model, call.arguments[1]) : null;
    if (!queue || !processor) continue;
    const retrying = constructs.find((c) => c.library === 'bullmq' && c.channel === queue && (c.attempts === null ? c.bound === 'unbounded' : c.attempts > 1));
    if (!retrying) continue;
    if (functionUses(model, processor, (n) => isUnrecoverable(model, n))) continue;
    const site = invalidDataSite(model, processor);
    if (!site) continue;
    hits.push({
      node: site,
      variant: 'job-retries-invalid-input',
      text: `BullMQ processor of '${queue}' rejects invalid job data with ${site.type === 'ThrowStatement' ? 'a plain Error' : `a throwing ${calleeText(model.text, site as CallLike)}`} instead of UnrecoverableError`,
      attempts: retriesText(retrying),
      precision: 'Medium',
      anchor: `${model.regionOf(site).name}|bullmq-worker|${queue}|${sourceText(model, site, 40)}`,
      related: [{ line: model.line(retrying.node), note: `job options with ${retrying.attempts ?? 'unbounded'} attempts` }],
    });
  }
  return hits;
}

function isUnrecoverable(model: CodeModel, node: TSESTree.Node): boolean {
  if (node.type !== 'Identifier' && node.type !== 'MemberExpression') return false;
  const ref = moduleRef(model, node);
  if (ref) return ref.path[ref.path.length - 1] === 'UnrecoverableError';
  return node.type === 'Identifier' && node.name === 'UnrecoverableError';
}

/** Where the processor turns invalid data into a retryable failure: a guarded throw or an unguarded validation. */
function invalidDataSite(model: CodeModel, processor: FunctionLike): TSESTree.Node | null {
  const jobParam = processor.params[0];
  if (!jobParam) return null;
  const dataNames = new Set<string>();
  const jobName = jobParam.type === 'Identifier' ? jobParam.name : null;
  if (jobParam.type === 'ObjectPattern') {
    for (const prop of jobParam.properties) {
      if (prop.type === 'Property' && prop.key.type === 'Identifier' && prop.key.name === 'data') for (const n of patternNames(prop.value)) dataNames.add(n);
    }
  }
  const mentionsData = (node: TSESTree.Node): boolean =>
    findAll(node, (n): n is TSESTree.Node =>
      (n.type === 'MemberExpression' && jobName !== null && unwrap(n.object).type === 'Identifier' &&
        (unwrap(n.object) as TSESTree.Identifier).name === jobName && propertyName(n) === 'data') ||
      (n.type === 'Identifier' && dataNames.has(n.name) && !(parentOf(n)?.type === 'MemberExpression' && (parentOf(n) as TSESTree.MemberExpression).property === n))).length > 0;
  // Names holding the job data or its validation result (`const { id } = job.data`,
  // `const parsed = Schema.safeParse(job.data)`); a response fetched with job data is not job data.
  const holdsData = (init: TSESTree.Node): boolean => {
    const target = unwrap(init);
    if (target.type === 'CallExpression') return isValidationCall(model, target) && target.arguments.some(mentionsData);
    if (target.type === 'LogicalExpression' || target.type === 'ConditionalExpression') return mentionsData(target) && !findAll(target, (n): n is TSESTree.Node => n.type === 'CallExpression').length;
    return (target.type === 'MemberExpression' || target.type === 'Identifier') && mentionsData(target);
  };
  for (const decl of findAll(processor.body, (n): n is TSESTree.VariableDeclarator => n.type === 'VariableDeclarator', { intoFunctions: false })) {
    if (decl.init && holdsData(decl.init)) for (const n of patternNames(decl.id)) dataNames.add(n);
  }
  const sites: TSESTree.Node[] = [];
  for (const statement of findAll(processor.body, (n): n is TSESTree.ThrowStatement => n.type === 'ThrowStatement', { intoFunctions: false })) {
    if (insideTryBlock(statement, processor)) continue;
    const guard = guardTests(statement, processor);
    if (guard.some(mentionsData)) sites.push(statement);
  }
  for (const call of findAll(processor.body, (n): n is TSESTree.CallExpression => n.type === 'CallExpression', { intoFunctions: false })) {
    if (!isValidationCall(model, call) || !call.arguments.some(mentionsData) || insideTryBlock(call, processor)) continue;
    if (propertyName(call.callee as TSESTree.MemberExpression) === 'safeParse') continue;
    sites.push(call);
  }
  sites.sort((a, b) => a.range[0] - b.range[0]);
  return sites[0] ?? null;
}

function guardTests(node: TSESTree.Node, stop: TSESTree.Node): TSESTree.Node[] {
  const out: TSESTree.Node[] = [];
  let child = node;
  let current = parentOf(node);
  while (current && current !== stop) {
    if ((current.type === 'IfStatement' || current.type === 'ConditionalExpression') && child !== current.test) out.push(current.test);
    child = current;
    current = parentOf(current);
  }
  return out;
}

/** Inside the `try` block of a try/catch in the processor: the catch decides what happens. */
function insideTryBlock(node: TSESTree.Node, stop: TSESTree.Node): boolean {
  let child = node;
  let current = parentOf(node);
  while (current && current !== stop) {
    if (isFunction(current)) return false;
    if (current.type === 'TryStatement' && current.block === child && current.handler) return true;
    child = current;
    current = parentOf(current);
  }
  return false;
}
