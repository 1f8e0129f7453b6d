// The shape of `.github/arch-review.yml` (rules.md §1.6). Every key is optional in the file and
// every default is applied here, so the rest of the engine reads a fully populated `Config` and
// never re-states a default. Objects are strict: a misspelt key is an error, not a silent no-op.
// Nested objects use `.prefault({})`: zod 4 returns a `.default()` value as-is, so `{}` would skip
// the inner defaults, while a prefault is parsed like input and fills them in.
import { z } from 'zod';
import { PRECISIONS, SEVERITIES } from '../review/types.js';
import { compilePattern, DEFAULT_PATTERNS } from './patterns.js';

const severity = z.enum(SEVERITIES);
const precision = z.enum(PRECISIONS);

// Keys become object properties downstream; a restricted alphabet also rules out `__proto__`.
const slug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must start with a letter or digit and use only letters, digits, ".", "_" or "-"');
const ruleId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a kebab-case rule id such as "sync-rpc-chain"');

const globs = z.array(z.string().min(1));
const names = z.array(z.string().min(1));

/** One glob or a list of globs; always a list once parsed, so consumers need one code path. */
const globList = z
  .union([z.string().min(1), globs])
  .transform((value) => (typeof value === 'string' ? [value] : value));

function regexSource(fallback: string, key: string) {
  return z
    .string()
    .superRefine((pattern, ctx) => {
      try {
        compilePattern(pattern);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `${key} is not a valid regular expression: ${(error as Error).message}`,
        });
      }
    })
    .default(fallback);
}

const positiveInt = z.int().min(1);

export const wrappersSchema = z
  .strictObject({
    publish: names.default([]).describe('Calls treated as broker publish sinks, e.g. "EventBus.publish".'),
    dbWrite: names.default([]).describe('Calls treated as database writes, e.g. "OrderRepository.save".'),
    ack: names.default([]).describe('Calls treated as message acknowledgements, e.g. "MessageContext.ack".'),
    dlq: names.default([]).describe('Calls treated as dead-letter routing, e.g. "sendToDlq".'),
  })
  .prefault({})
  .describe('Project helpers treated like the library sinks they wrap.');

export const patternsSchema = z
  .strictObject({
    outboxTable: regexSource(DEFAULT_PATTERNS.outboxTable, 'patterns.outboxTable').describe(
      'Regular expression for outbox table names. A leading (?i) / (?s) / (?m) sets JS flags.',
    ),
    inboxTable: regexSource(DEFAULT_PATTERNS.inboxTable, 'patterns.inboxTable').describe(
      'Regular expression for inbox / dedup table names, matched against snake_case names.',
    ),
    dlqChannel: regexSource(DEFAULT_PATTERNS.dlqChannel, 'patterns.dlqChannel').describe(
      'Regular expression for dead-letter channel names.',
    ),
    envPrefix: regexSource(DEFAULT_PATTERNS.envPrefix, 'patterns.envPrefix').describe(
      'Regular expression for an environment prefix stripped before comparing channel names.',
    ),
  })
  .prefault({})
  .describe('Naming patterns (PCRE-style leading inline flags accepted).');

export const payloadBytesSchema = z
  .strictObject({
    kafka: positiveInt.default(1048576),
    sqs: positiveInt.default(262144),
    sns: positiveInt.default(262144),
    pubsub: positiveInt.default(10000000),
    nats: positiveInt.default(1048576),
  })
  .prefault({})
  .describe("Per-broker message size limits in bytes; set them to the platform's real limits.");

export const thresholdsSchema = z
  .strictObject({
    maxAttempts: positiveInt.default(50).describe('Retry attempts above this count as unbounded.'),
    rpcChainServices: z.int().min(2).default(3).describe('Caller plus callees on a write path that make a sync RPC chain.'),
    payloadBytes: payloadBytesSchema,
    readmeLines: z
      .tuple([positiveInt, positiveInt])
      .refine(([low, high]) => low <= high, 'the first bound must not exceed the second')
      .default([30, 60])
      .describe('[lower, upper] line-count band for a feature README.'),
    workerConcurrency: positiveInt.default(256).describe('Worker concurrency above this is flagged.'),
  })
  .prefault({});

export const gateSchema = z
  .strictObject({
    failOn: z.array(severity).default(['Critical']).describe('Severities that fail the check run.'),
    minPrecision: precision.default('Medium').describe('Least precise finding that may gate (High > Medium > Heuristic).'),
    scope: z
      .enum(['introduced', 'changed-files', 'all'])
      .default('introduced')
      .describe('Which findings may gate: introduced by the PR, anywhere in changed files, or all.'),
    strict: z.boolean().default(false).describe('true: Important findings also fail the check.'),
  })
  .prefault({})
  .describe('When findings fail the check run (rules.md §1.3, §1.4).');

export const inlineSchema = z
  .strictObject({
    severities: z.array(severity).default(['Critical', 'Important', 'System']).describe('Severities posted as inline review comments.'),
    max: z.int().min(0).max(100).default(30).describe('Most inline comments per review; the rest stay in the summary.'),
  })
  .prefault({});

export const ruleOverrideSchema = z.union([
  z.enum(['off', 'on']),
  z.strictObject({
    severity: severity.optional(),
    ignore: names.optional().describe('Names (channels, tables, ...) the rule skips.'),
    enabled: z.boolean().optional(),
  }),
]);

export const configSchema = z
  .strictObject({
    features: z
      .record(slug, globList)
      // JSON Schema export drops a `default` on a transforming schema but keeps a prefault.
      .prefault({})
      .describe('Feature slug to code path globs (else features are inferred from channels).'),
    services: z
      .record(slug, globList)
      .prefault({})
      .describe('Service name to path globs (else top-level dirs under services/ or apps/).'),
    wrappers: wrappersSchema,
    patterns: patternsSchema,
    thresholds: thresholdsSchema,
    internalHosts: globs
      .default(['*.svc.cluster.local', '*-service', '*_SERVICE_URL'])
      .describe('Host / env-var globs that mark an outbound call as internal.'),
    nonIdempotentCalls: names
      .default(['sendEmail', 'sendSms', 'charge', 'capture', 'refund', 'payout', 'transfer'])
      .describe('Call names with external side effects that need a dedup guard.'),
    gate: gateSchema,
    inline: inlineSchema,
    summaryComment: z
      .enum(['always', 'on-command', 'never'])
      .default('on-command')
      .describe('When the App posts the summary comment.'),
    onError: z.enum(['neutral', 'failure']).default('neutral').describe('Check-run conclusion when the review itself fails.'),
    instrumentation: z
      .strictObject({
        provided: globs.default([]).describe('Packages whose trace propagation is provided outside package.json.'),
      })
      .prefault({}),
    treatJobQueuesAsChannels: z.boolean().default(false).describe('Check BullMQ queue names with undeclared-channel.'),
    asyncapi: z
      .strictObject({
        traceHeaderIn: z
          .enum(['asyncapi', 'openapi'])
          .default('asyncapi')
          .describe('Where trace headers are documented (webhook features use OpenAPI).'),
      })
      .prefault({}),
    rules: z
      .record(ruleId, ruleOverrideSchema)
      .default({})
      .describe('Per-rule overrides: off, on, or { severity, ignore, enabled }.'),
    drafts: z
      .boolean()
      .default(false)
      .describe('Project addition (not in rules.md §1.6): also review draft pull requests.'),
    exclude: globs
      .default([])
      .describe('Project addition (not in rules.md §1.6): path globs never reviewed (fixtures, vendored or generated code).'),
  })
  .describe('arch-review configuration (.github/arch-review.yml)');

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type RuleOverride = z.output<typeof ruleOverrideSchema>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Shared by every caller, hence frozen; `configSchema.parse({})` gives a private, mutable copy. */
export const defaultConfig: Config = deepFreeze(configSchema.parse({}));
