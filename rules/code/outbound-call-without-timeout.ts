// rules.md rule 48: outbound calls made while handling a message, serving a write request or inside
// a retried function must carry a deadline (fetch `signal`, axios / got `timeout`, gRPC `deadline`).
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { normalizedText } from '../../src/code/ast.js';
import { findHandlers } from '../../src/code/handlers.js';
import { routeLabel, writeHandlers } from '../../src/code/http-routes.js';
import { outboundReachedFrom, type OutboundCall } from '../../src/code/outbound.js';
import { findRetries } from '../../src/code/retries.js';
import { createCodeRule } from '../../src/review/rule.js';
import type { Precision } from '../../src/review/types.js';

/**
 * The clients rule 48 names: fetch (global, node-fetch and undici's `fetch`, all recognised by
 * `fetchApi`), axios, got and gRPC. undici `request` / `Client` / `Pool` and `http.request` are
 * outside the rule's detection list.
 */
const CHECKED = new Set<OutboundCall['client']>(['fetch', 'axios', 'got', 'grpc']);

function checked(outbound: OutboundCall): boolean {
  return outbound.fetchApi || CHECKED.has(outbound.client);
}

interface Context {
  roots: TSESTree.Node[];
  label: string;
  via: 'binding' | 'name';
}

export default createCodeRule({
  meta: {
    id: 'outbound-call-without-timeout',
    kind: 'code',
    severity: 'Suggestion',
    precision: 'High',
    systemTag: false,
    checklist: ['R4', 'D4'],
    // review-output.md §8.1 lists this rule under no failure mode; a signal here would change the walk.
    failureModes: [],
    pattern: 'Timeout',
    description: 'An outbound call from a consumer, write handler or retried function has no deadline.',
    messages: {
      noTimeout:
        'Outbound call at {loc} has no explicit timeout. A slow-but-up dependency will hold the message or request ' +
        "(and its prefetch slot) indefinitely. Set a deadline shorter than the message's visibility / processing budget.",
    },
  },
  create(context) {
    const { model, config } = context;
    const options = { internalHosts: config.internalHosts };
    return {
      'Program:exit'() {
        const contexts: Context[] = [];
        for (const handler of findHandlers(model)) {
          contexts.push({ roots: [handler.fn?.body ?? handler.root], label: `${handler.library} consumer`, via: handler.via });
        }
        for (const route of writeHandlers(model)) {
          contexts.push({ roots: [route.handler.body], label: `write handler ${routeLabel(route)}`, via: route.via });
        }
        for (const retry of findRetries(model)) {
          if (retry.kind === 'wrapper') {
            const fns = retry.runs.map((r) => r.fn).filter((f): f is NonNullable<typeof f> => f !== null);
            if (fns.length) contexts.push({ roots: fns.map((f) => f.body), label: `retried by ${retry.description}`, via: retry.via });
          } else if (retry.kind === 'loop' || retry.kind === 'recursion') {
            contexts.push({ roots: [retry.node], label: `retried by ${retry.description}`, via: retry.via });
          }
        }
        const reported = new Set<TSESTree.Node>();
        for (const ctx of contexts) {
          for (const { outbound, helper } of outboundReachedFrom(model, ctx.roots, options, 2)) {
            if (!checked(outbound) || outbound.timeout.state !== 'absent' || reported.has(outbound.call)) continue;
            reported.add(outbound.call);
            const precision: Precision = outbound.via === 'binding' && ctx.via === 'binding' ? 'High' : 'Medium';
            context.report({
              node: outbound.call,
              messageId: 'noTimeout',
              data: { loc: `${context.path}:${model.line(outbound.call)}` },
              variant: outbound.fetchApi ? 'fetch' : outbound.client,
              precision,
              anchor: `${model.regionOf(outbound.call).name}|${normalizedText(model.text, outbound.call)}`,
              related: [
                { path: context.path, line: model.line(ctx.roots[0]!), note: ctx.label },
                ...(helper ? [{ path: context.path, line: model.line(helper), note: `called through helper ${model.functionName(helper)}` }] : []),
              ],
            });
          }
        }
      },
    };
  },
});
