// rules.md rule 45: a write request handler that synchronously calls several internal services, so
// the write is only available when every callee is.
import { routeLabel, writeHandlers } from '../../src/code/http-routes.js';
import { isOutboundSettled, outboundReachedFrom, serviceOf, type ReachedOutbound } from '../../src/code/outbound.js';
import { createCodeRule } from '../../src/review/rule.js';

export default createCodeRule({
  meta: {
    id: 'sync-rpc-chain',
    kind: 'code',
    severity: 'Important',
    precision: 'Heuristic',
    systemTag: false,
    checklist: ['D4', 'D2'],
    antiPattern: 'sync-rpc-chain',
    failureModes: ['retry-storm'],
    pattern: 'Process Manager',
    description: 'A write request handler calls several other services synchronously, multiplying their unavailability.',
    messages: {
      rpcChain:
        'Synchronous call chain on write path {route} at {loc}: {services}. Every callee must be up for the write to ' +
        'succeed and latencies add up. Accept the command, record it locally with an outbox, and run the multi-service ' +
        'steps in a Process Manager.',
    },
  },
  create(context) {
    const { model, config } = context;
    const options = { internalHosts: config.internalHosts };
    return {
      'Program:exit'() {
        for (const route of writeHandlers(model)) {
          // Lexical containment keeps calls wrapped in retries or Promise.all: still synchronous steps.
          const callees = new Map<string, ReachedOutbound>();
          for (const reached of outboundReachedFrom(model, [route.handler.body], options, 1)) {
            const { outbound } = reached;
            if (!(outbound.internal || outbound.client === 'grpc')) continue;
            if (!isOutboundSettled(model, outbound.call)) continue;
            const service = serviceOf(outbound);
            if (service !== null && !callees.has(service)) callees.set(service, reached);
          }
          if (1 + callees.size < config.thresholds.rpcChainServices) continue;
          const label = routeLabel(route);
          context.report({
            node: route.anchorNode,
            messageId: 'rpcChain',
            data: {
              route: label,
              loc: `${context.path}:${model.line(route.anchorNode)}`,
              services: [...callees.keys()].join(' -> '),
            },
            anchor: `route|${label}`,
            related: [...callees.entries()].map(([service, { outbound, helper }]) => ({
              path: context.path,
              line: model.line(outbound.call),
              note: `${outbound.method ?? 'call'} to ${service}${helper ? ' (in a helper)' : ''}`,
            })),
          });
        }
      },
    };
  },
});
