// rules.md rule 19: published messages that carry no W3C trace context, or neither a correlation
// nor a causation id, so the message hop breaks the trace.
import { normalizedText } from '../../src/code/ast.js';
import { clientTracing } from '../../src/code/instrumentation.js';
import { publishMetadata, traceContextOf } from '../../src/code/publish-metadata.js';
import { codeFacts, instrumentationCovers, providedByConfig } from '../../src/code/rule-facts.js';
import { compiledPatterns } from '../../src/config/patterns.js';
import { createCodeRule } from '../../src/review/rule.js';
import type { Precision } from '../../src/review/types.js';

export default createCodeRule({
  meta: {
    id: 'missing-trace-context',
    kind: 'code',
    severity: 'Important',
    precision: 'Medium',
    systemTag: false,
    checklist: ['R7'],
    antiPattern: 'missing-trace-context',
    failureModes: ['lost-trace-context'],
    pattern: 'Message History',
    description: 'A published message carries no W3C trace context and no correlation / causation id.',
    messages: {
      missingContext:
        'Message published at {loc} to {channel} carries no {missing}. Consumers cannot join the producer\'s trace and ' +
        'incidents become hard to follow. Inject W3C traceparent (OpenTelemetry propagation or messaging ' +
        'instrumentation) and propagate correlationid / causationid.',
    },
  },
  create(context) {
    const { model, config } = context;
    const facts = codeFacts(context);
    const configured = providedByConfig(config, context.path);
    const dlqChannel = compiledPatterns(config).dlqChannel;
    return {
      'Program:exit'() {
        // The client is often built in an imported module (`export const pubsub = new PubSub(...)`).
        const imported = context.importedModels();
        const ownTracing = [model, ...imported].flatMap((m) => clientTracing(m));
        for (const call of model.calls) {
          for (const effect of model.effectsOf(call)) {
            const meta = publishMetadata(model, effect);
            if (!meta || meta.messages.length === 0) continue;
            const instrumented = configured || instrumentationCovers(facts.instrumentation, effect.library) || ownTracing.includes(effect.library);
            let missingTrace = false;
            let missingIds = false;
            let channel: string | null = null;
            for (const message of meta.messages) {
              // A dead-letter forward copies a consumed message; its context belongs to the original.
              if (message.channel && dlqChannel.test(message.channel)) continue;
              const trace = traceContextOf(model, meta, message, imported);
              const noTrace = trace.traceparent === 'absent' && !instrumented;
              const noIds = trace.correlation === 'absent' && trace.causation === 'absent';
              if ((noTrace || noIds) && channel === null) channel = message.channel;
              missingTrace ||= noTrace;
              missingIds ||= noIds;
            }
            if (!missingTrace && !missingIds) continue;
            // One finding per publish: the trace gap decides the severity, the id gap rides along.
            const missing = [missingTrace ? 'W3C traceparent' : null, missingIds ? 'correlation id or causation id' : null]
              .filter(Boolean)
              .join(', and no ');
            const variant = missingTrace ? 'missing-traceparent' : 'missing-correlation';
            const precision: Precision = effect.via === 'binding' ? 'Medium' : 'Heuristic';
            context.report({
              node: call,
              messageId: 'missingContext',
              data: { loc: `${context.path}:${model.line(call)}`, channel: channel ?? effect.channel ?? '(dynamic channel)', missing },
              variant,
              severity: missingTrace ? 'Important' : 'Suggestion',
              precision,
              anchor: `${model.regionOf(call).name}|${normalizedText(model.text, call)}`,
              ...((channel ?? effect.channel) ? { channel: (channel ?? effect.channel)! } : {}),
            });
          }
        }
      },
    };
  },
});
