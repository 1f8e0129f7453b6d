// Facts a code rule cannot compute from one file's AST and must not fetch itself (rules never do
// I/O): the package's instrumentation (package.json + entry files), the feature contracts of a
// channel, and publishes seen in the other analysed files. The engine fills `context.facts`; until
// it does, each accessor answers "unknown" and the rules fall back to what the configuration and
// the file itself say.
import type { Config } from '../config/schema.js';
import { matchesGlob } from '../review/glob.js';

export interface InstrumentationFact {
  /** Folder of the package.json that owns the file (`services/orders`). */
  packageRoot: string;
  /** Tracing packages among that package.json's dependencies (`@opentelemetry/instrumentation-kafkajs`, `dd-trace`). */
  packages: string[];
  /** An entry file registers them: a `NodeSDK` start, a `register` import, `--require` in a start script. */
  registered: boolean;
  /**
   * Libraries whose client tracing some file of the package switches on (`new PubSub({
   * enableOpenTelemetryTracing: true })`, a BullMQ `telemetry` option): `clientTracing()` per file.
   */
  clientTracing?: string[];
}

export interface ContractFact {
  channel: string;
  /** The contract's `Ordering key` through `normKey`; `none` when it declares none; null when missing. */
  orderingKey: string | null;
  /** The design's `Delivery` answer for the channel, lower-cased (`at-least-once`, `at-most-once`). */
  delivery: string | null;
  /** Where the contract lives, for `related`. */
  path: string;
}

export interface CodeFacts {
  instrumentation?: InstrumentationFact | null;
  /** The contract of a channel in the touched features; null when the channel has none. */
  contract?: (channel: string) => ContractFact | null;
}

/** `context.facts`, when the engine provides it. Typed loosely so rules compile before it exists. */
export function codeFacts(context: object): CodeFacts {
  const facts = (context as { facts?: CodeFacts }).facts;
  return facts ?? {};
}

/**
 * Which publish libraries (the model's effect `library`) each instrumentation package propagates
 * W3C context for. Span-only instrumentations (ioredis, pg) are absent on purpose.
 */
const INSTRUMENTS: Record<string, string[]> = {
  '@opentelemetry/auto-instrumentations-node': ['kafka', 'amqplib', 'sqs', 'sns'],
  '@opentelemetry/instrumentation-kafkajs': ['kafka'],
  '@opentelemetry/instrumentation-amqplib': ['amqplib'],
  '@opentelemetry/instrumentation-aws-sdk': ['sqs', 'sns'],
  'opentelemetry-instrumentation-kafkajs': ['kafka'],
  'opentelemetry-instrumentation-amqplib': ['amqplib'],
  'opentelemetry-instrumentation-aws-sdk': ['sqs', 'sns'],
  '@appsignal/opentelemetry-instrumentation-bullmq': ['bullmq'],
  'bullmq-otel': ['bullmq'],
  'dd-trace': ['kafka', 'node-rdkafka', 'amqplib', 'sqs', 'sns', 'eventbridge', 'pubsub'],
  newrelic: ['kafka', 'amqplib'],
};

/** rules.md §2.10: instrumentation for this library is a dependency and an entry file registers it. */
export function instrumentationCovers(fact: InstrumentationFact | null | undefined, library: string): boolean {
  if (!fact) return false;
  if (fact.clientTracing?.includes(library)) return true;
  return fact.registered && fact.packages.some((name) => INSTRUMENTS[name]?.includes(library));
}

/**
 * The contract of a channel: the engine's `facts.contract`, else a `declaredChannels` entry that
 * carries the contract's ordering key (the lighter way to wire it).
 */
export function contractOf(context: object, channel: string): ContractFact | null {
  const fromFacts = codeFacts(context).contract?.(channel);
  if (fromFacts !== undefined) return fromFacts;
  const declared = (context as { declaredChannels?: ReadonlyMap<string, { path: string; orderingKey?: string | null; delivery?: string | null }> | null })
    .declaredChannels?.get(channel);
  if (!declared || !('orderingKey' in declared || 'delivery' in declared)) return null;
  return { channel, orderingKey: declared.orderingKey ?? null, delivery: declared.delivery ?? null, path: declared.path };
}

/** `instrumentation.provided` lists package folders (or globs) whose propagation comes from outside. */
export function providedByConfig(config: Config, path: string): boolean {
  return config.instrumentation.provided.some((entry) => {
    const folder = entry.replace(/\/+$/, '');
    return matchesGlob(path, folder) || matchesGlob(path, `${folder}/**`);
  });
}
