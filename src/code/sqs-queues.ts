// SQS queues created in code: SDK `CreateQueue` calls and CDK `new sqs.Queue(...)` constructs, with
// what the file says about their dead-letter queue. Shared by missing-dlq (rules.md rule 11, the
// redrive evidence of a consumer) and unbounded-retry (rule 6 variant 6, a consumed CDK queue with
// no deadLetterQueue), which is why it lives here and not in either rule.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { objectProperty, parentOf, propertyName } from './ast.js';
import type { CodeModel } from './model.js';
import { originOf } from './value-flow.js';
import { optionsObject } from './values.js';

const CDK_SQS = new Set(['aws-cdk-lib/aws-sqs', '@aws-cdk/aws-sqs']);
const CDK_EVENT_SOURCES = new Set(['aws-cdk-lib/aws-lambda-event-sources', '@aws-cdk/aws-lambda-event-sources']);

export const DEAD_LETTER_NAME = /dlq|dead[-_.]?letter/i;

export interface QueueDefinition {
  node: TSESTree.Node;
  name: string | null;
  /** The queue name, or the CDK construct id when no name is given. */
  label: string | null;
  redrive: boolean | null;
  cdk: boolean;
}

/** Queues created in the file: `CreateQueueCommand`, aws-sdk v2 `createQueue`, CDK `new sqs.Queue(...)`. */
export function sqsQueueDefinitions(model: CodeModel): QueueDefinition[] {
  const out: QueueDefinition[] = [];
  for (const call of model.calls) {
    if (call.type === 'NewExpression') {
      const ctor = model.valueOf(call.callee);
      if (ctor?.kind !== 'module') continue;
      const path = ctor.path.join('.');
      if (ctor.module === '@aws-sdk/client-sqs' && path === 'CreateQueueCommand') {
        const options = optionsObject(model, call.arguments[0]);
        const name = options ? model.stringValue(objectProperty(options, 'QueueName') ?? undefined) : null;
        out.push({ node: call, name, label: name, redrive: redrive(model, options, 'Attributes'), cdk: false });
      }
      if (CDK_SQS.has(ctor.module) && path === 'Queue') {
        const options = optionsObject(model, call.arguments[2]);
        const name = options ? model.stringValue(objectProperty(options, 'queueName') ?? undefined) : null;
        const label = name ?? model.stringValue(call.arguments[1]);
        out.push({ node: call, name, label, redrive: cdkRedrive(options), cdk: true });
      }
      continue;
    }
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || propertyName(call.callee) !== 'createQueue') continue;
    if (model.roleOf(call.callee.object)?.role !== 'sqs.v2') continue;
    const options = optionsObject(model, call.arguments[0]);
    const name = options ? model.stringValue(objectProperty(options, 'QueueName') ?? undefined) : null;
    out.push({ node: call, name, label: name, redrive: redrive(model, options, 'Attributes'), cdk: false });
  }
  return out;
}

/** CDK props: `deadLetterQueue` present; null when a spread may hold it; false without readable props. */
function cdkRedrive(options: TSESTree.ObjectExpression | null): boolean | null {
  if (!options) return false;
  return options.properties.some((p) => p.type === 'SpreadElement') ? null : Boolean(objectProperty(options, 'deadLetterQueue'));
}

function redrive(model: CodeModel, options: TSESTree.ObjectExpression | null, key: string): boolean | null {
  if (!options || options.properties.some((p) => p.type === 'SpreadElement')) return null;
  const attributes = objectProperty(options, key);
  if (!attributes) return false;
  const literal = optionsObject(model, attributes);
  if (!literal) return null;
  return Boolean(objectProperty(literal, 'RedrivePolicy'));
}

// ---------------------------------------------------------------- CDK queues without a dead-letter queue

/** A CDK queue the file creates with no `deadLetterQueue`, and where the same file hands it to a consumer. */
export interface CdkQueueWithoutDeadLetter {
  node: TSESTree.NewExpression;
  /** `queueName`, when the stack fixes it: what consumers elsewhere name the queue by. */
  name: string | null;
  /** `queueName`, else the construct id as written, for messages and anchors. */
  label: string;
  consumers: { node: TSESTree.Node; description: string }[];
}

/**
 * Queues whose receives nothing bounds as far as the file shows: `deadLetterQueue` absent from
 * readable options without spreads. Dead-letter queues themselves are left out, and so is every queue
 * of a file that sets a `RedrivePolicy` by hand (a CfnQueue override the construct props do not show).
 */
export function cdkQueuesWithoutDeadLetter(model: CodeModel): CdkQueueWithoutDeadLetter[] {
  if (/RedrivePolicy|redrivePolicy/.test(model.text)) return [];
  const definitions = sqsQueueDefinitions(model).filter((d) => d.cdk);
  const deadLetters = deadLetterTargets(model, definitions);
  const out: CdkQueueWithoutDeadLetter[] = [];
  for (const definition of definitions) {
    const node = definition.node as TSESTree.NewExpression;
    if (definition.redrive !== false || (node.arguments[2] && !optionsObject(model, node.arguments[2]))) continue;
    if (deadLetters.has(node) || looksLikeDeadLetter(model, node, definition.label)) continue;
    const label = definition.name ?? definition.label ?? sourceText(model, node.arguments[1]);
    out.push({ node, name: definition.name, label, consumers: sameFileConsumers(model, node) });
  }
  return out;
}

/** Queues another queue of the file names as its `deadLetterQueue: { queue }`. */
function deadLetterTargets(model: CodeModel, definitions: QueueDefinition[]): Set<TSESTree.Node> {
  const out = new Set<TSESTree.Node>();
  for (const definition of definitions) {
    const options = optionsObject(model, (definition.node as TSESTree.NewExpression).arguments[2]);
    const deadLetter = optionsObject(model, objectProperty(options ?? undefined, 'deadLetterQueue') ?? undefined);
    const queue = objectProperty(deadLetter ?? undefined, 'queue');
    const origin = queue ? originOf(model, queue) : null;
    if (origin?.kind === 'expr') out.add(origin.node);
  }
  return out;
}

/** By its name, its construct id as written, or the variable or field holding it (`const dlq = ...`). */
function looksLikeDeadLetter(model: CodeModel, node: TSESTree.NewExpression, label: string | null): boolean {
  if (label && DEAD_LETTER_NAME.test(label)) return true;
  if (DEAD_LETTER_NAME.test(sourceText(model, node.arguments[1]))) return true;
  const holder = parentOf(node);
  if (holder?.type === 'VariableDeclarator') return DEAD_LETTER_NAME.test(sourceText(model, holder.id));
  if (holder?.type === 'AssignmentExpression' || holder?.type === 'PropertyDefinition') {
    return DEAD_LETTER_NAME.test(sourceText(model, holder.type === 'AssignmentExpression' ? holder.left : holder.key));
  }
  return false;
}

/** `new SqsEventSource(queue)` (a Lambda polls it) and `queue.grantConsumeMessages(...)` on this queue. */
function sameFileConsumers(model: CodeModel, queue: TSESTree.NewExpression): CdkQueueWithoutDeadLetter['consumers'] {
  const out: CdkQueueWithoutDeadLetter['consumers'] = [];
  for (const call of model.calls) {
    const consumed = consumedQueue(model, call);
    if (!consumed || !refersTo(model, consumed.target, queue)) continue;
    out.push({ node: call, description: consumed.description });
  }
  return out;
}

function consumedQueue(model: CodeModel, call: TSESTree.Node): { target: TSESTree.Node; description: string } | null {
  if (call.type === 'NewExpression' && call.arguments[0]) {
    const ctor = model.valueOf(call.callee);
    if (ctor?.kind === 'module' && CDK_EVENT_SOURCES.has(ctor.module) && ctor.path.join('.') === 'SqsEventSource') {
      return { target: call.arguments[0], description: 'Lambda event source (SqsEventSource)' };
    }
  }
  if (call.type === 'CallExpression' && call.callee.type === 'MemberExpression' && propertyName(call.callee) === 'grantConsumeMessages') {
    return { target: call.callee.object, description: 'grantConsumeMessages' };
  }
  return null;
}

function refersTo(model: CodeModel, node: TSESTree.Node, queue: TSESTree.NewExpression): boolean {
  const origin = originOf(model, node);
  return origin.kind === 'expr' && origin.node === queue;
}

function sourceText(model: CodeModel, node: TSESTree.Node | undefined): string {
  return node ? model.text.slice(node.range[0], node.range[1]).replace(/\s+/g, ' ') : '';
}
