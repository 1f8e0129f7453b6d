// The example of rules.md §1.6, verbatim: the loader must accept the spec's own sample unchanged.
export const SPEC_EXAMPLE = `features:                      # map code paths to feature slugs (else inferred from channels)
  order-fulfillment: ["services/orders/**", "packages/orders-*/**"]
services:                      # service boundaries for shared-oltp-write (else top-level dirs under services/ or apps/)
  orders: "services/orders/**"
  billing: "services/billing/**"
wrappers:                      # project helpers treated like library sinks
  publish: ["EventBus.publish", "this.events.emit"]
  dbWrite: ["OrderRepository.save"]
  ack: ["MessageContext.ack"]
  dlq: ["deadLetter", "sendToDlq"]
patterns:
  outboxTable: "(?i)outbox"
  inboxTable: "(?i)(inbox|processed_?(event|message)s?|dedup|idempot)"   # matched against snake_case names
  dlqChannel: "(?i)(\\\\.dlq|\\\\.dlt|dead[-_.]?letter)$"
  envPrefix: "^(dev|staging|prod)[.-]"
thresholds:
  maxAttempts: 50              # attempts above this count as unbounded
  rpcChainServices: 3          # caller + callees on a write path
  payloadBytes: { kafka: 1048576, sqs: 262144, sns: 262144, pubsub: 10000000, nats: 1048576 }
  readmeLines: [30, 60]
  workerConcurrency: 256
internalHosts: ["*.svc.cluster.local", "*-service", "*_SERVICE_URL"]
nonIdempotentCalls: ["sendEmail", "sendSms", "charge", "capture", "refund", "payout", "transfer"]
gate:
  failOn: [Critical]
  minPrecision: Medium
  scope: introduced
  strict: false                # true: Important findings also fail the check
inline:
  severities: [Critical, Important, System]
  max: 30
summaryComment: on-command     # always | on-command | never (review-output.md 11.5)
onError: neutral               # neutral | failure (review-output.md 11.2)
instrumentation:               # packages whose trace propagation is provided outside package.json
  provided: ["services/legacy-gateway"]
treatJobQueuesAsChannels: false  # BullMQ queue names checked by undeclared-channel
asyncapi:
  traceHeaderIn: asyncapi      # asyncapi | openapi (webhook features document headers in OpenAPI)
rules:                         # per-rule overrides (examples)
  sync-rpc-chain: off
  retry-without-jitter: { severity: Suggestion }
  undeclared-channel: { ignore: ["connect-offsets", "_schemas"] }
`;
