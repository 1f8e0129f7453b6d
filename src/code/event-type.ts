// The event type a published message declares (rules.md rule 44 "Inputs"): a type header or
// attribute, the payload envelope's `type` / `eventType`, or a CloudEvents SDK event's `type`.
// Shared by multi-type-channel and the cross-file index, which groups publishes by channel.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { unwrap } from './ast.js';
import type { CodeModel } from './model.js';
import { readCloudEvent, type MessageFacts } from './publish-metadata.js';
import { lookupProperty, objectLiteralOf, stringOf } from './value-flow.js';

const HEADER_TYPE_KEYS = new Set(['eventtype', 'type', 'cetype', 'xeventtype', 'messagetype']);
const ENVELOPE_TYPE_KEYS = new Set(['type', 'eventtype']);

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** The event-type literal of a message: a type header / attribute, the envelope `type`, or a CloudEvent type. */
export function eventTypeOf(model: CodeModel, message: MessageFacts): string | null {
  for (const [key, value] of message.metadata.keys) {
    if (!HEADER_TYPE_KEYS.has(normalise(key))) continue;
    const literal = attributeString(model, value);
    if (literal) return literal;
  }
  for (const [key, value] of message.envelope?.keys ?? []) {
    if (!ENVELOPE_TYPE_KEYS.has(normalise(key))) continue;
    const literal = stringOf(model, value);
    if (literal) return literal;
  }
  return cloudEventType(model, message);
}

/** A header value, or an SQS / SNS attribute `{ DataType, StringValue }`. */
function attributeString(model: CodeModel, node: TSESTree.Node): string | null {
  const direct = stringOf(model, node);
  if (direct !== null) return direct;
  if (objectLiteralOf(model, node)) {
    const value = lookupProperty(model, node, 'StringValue');
    if (value.state === 'present') return stringOf(model, value.value);
  }
  const target = unwrap(node);
  // `Buffer.from('order.created')` headers in kafkajs.
  if (target.type === 'CallExpression' && target.arguments[0]) return stringOf(model, target.arguments[0]);
  return null;
}

function cloudEventType(model: CodeModel, message: MessageFacts): string | null {
  const nodes = [message.payload, ...message.metadataNodes].filter((n): n is TSESTree.Node => n !== null);
  return readCloudEvent(model, nodes, (options) => {
    const type = lookupProperty(model, options, 'type');
    return type.state === 'present' ? stringOf(model, type.value) : null;
  });
}
