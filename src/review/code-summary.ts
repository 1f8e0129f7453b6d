// What the engine keeps of one analysed code file once its rules have run: the facts the scope,
// the docs rules and the computed sections read (review-output.md §3, §5-9), as plain data. The
// code runner computes it while the file's model is alive and then lets the syntax tree go, so a
// review's memory does not grow with the ASTs of every file it has read.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeOf, type CallLike, propertyName } from '../code/ast.js';
import { isClaimCheck } from '../code/blob-puts.js';
import { cacheFacts } from '../code/caches.js';
import { callsInHandler, findHandlers } from '../code/handlers.js';
import { writeHandlers } from '../code/http-routes.js';
import { isDedupGuard } from '../code/idempotency.js';
import { criticalSection, fenceNames, isFenced, lockFacts, protectedWrites } from '../code/locks.js';
import { injectCarrier } from '../code/publish-metadata.js';
import type { CodeModel } from '../code/model.js';
import { outboundCall } from '../code/outbound.js';
import { findRetries } from '../code/retries.js';
import { compiledPatterns } from '../config/patterns.js';
import type { Config } from '../config/schema.js';
import type { CodeChannelUse } from './rule.js';
import type { FactSite } from './summary/facts.js';

export interface CodeFileSummary {
  path: string;
  /** False for files read only for helper summaries (imports of changed files). */
  reported: boolean;
  /** Publishes (call order) then consumed channels: reported files only. */
  channelUses: CodeChannelUse[];
  consumers: (FactSite & { atLeastOnce: boolean; channel: string | null })[];
  retries: FactSite[];
  writeHandlers: number;
  lockSites: number;
  /** Cache reads; writes that never expire; reads of uncoalesced cache-aside; `Date.now()` against an expiry (§8.1 modes 8, 9, 17). */
  cacheReads: FactSite[];
  cacheWritesWithoutTtl: FactSite[];
  uncoalescedCacheReads: FactSite[];
  clockComparisons: FactSite[];
  /** Cache writes that expire: TTL code, with locks mode 17's exposure. */
  ttlWrites: number;
  /** Appends to a Redis stream (`XADD`), the stream writes of the unbounded-queues row (§7). */
  streamWrites: number;
  outboundCalls: FactSite[];
  publishes: (FactSite & { channel: string | null })[];
  dbWrites: FactSite[];
  regionsWithWriteAndPublish: number;
  /** Integration patterns recognised in the file (§4.1), in the order found; when asked for. */
  patterns: string[];
}

export interface SummaryOptions {
  config: Config;
  reported: boolean;
  /** Recognise patterns (the head side's scope line reads them; the base side does not). */
  patterns: boolean;
}

export function summarizeCodeFile(model: CodeModel, options: SummaryOptions): CodeFileSummary {
  const { path } = model;
  const out: CodeFileSummary = {
    path, reported: options.reported, channelUses: [], consumers: [], retries: [], writeHandlers: 0, lockSites: 0,
    cacheReads: [], cacheWritesWithoutTtl: [], uncoalescedCacheReads: [], clockComparisons: [], ttlWrites: 0, streamWrites: 0, outboundCalls: [], publishes: [], dbWrites: [], regionsWithWriteAndPublish: 0, patterns: [],
  };
  const compiled = compiledPatterns(options.config);
  const handlers = options.reported || options.patterns ? findHandlers(model) : [];
  if (options.reported) {
    for (const call of model.calls) {
      for (const effect of model.effectsOf(call)) {
        if (effect.kind === 'publish' && effect.channel) out.channelUses.push({ channel: effect.channel, path, line: model.line(call), kind: 'publish' });
      }
    }
    for (const handler of handlers) {
      if (handler.channel) out.channelUses.push({ channel: handler.channel, path, line: model.line(handler.registration), kind: 'consume' });
      out.consumers.push({ path, line: model.line(handler.registration), library: handler.library, atLeastOnce: handler.atLeastOnce, channel: handler.channel ?? null });
    }
    for (const retry of findRetries(model)) out.retries.push({ path, line: model.line(retry.node), library: retry.library });
    out.writeHandlers = writeHandlers(model).length;
    out.lockSites = lockFacts(model).acquires.length;
    const caches = cacheFacts(model);
    const site = (node: TSESTree.Node, library: string): FactSite => ({ path, line: model.line(node), library });
    out.cacheReads = caches.reads.map((c) => site(c, 'cache'));
    out.cacheWritesWithoutTtl = caches.writesWithoutTtl.map((c) => site(c, 'cache'));
    out.uncoalescedCacheReads = caches.uncoalescedReads.map((c) => site(c, 'cache'));
    out.clockComparisons = caches.clockComparisons.map((n) => site(n, 'Date.now()'));
    out.ttlWrites = caches.writes.length - caches.writesWithoutTtl.length;
    for (const call of model.calls) {
      const outbound = outboundCall(model, call, { internalHosts: options.config.internalHosts });
      if (outbound) out.outboundCalls.push({ path, line: model.line(call), library: outbound.client });
    }
    for (const region of model.regions()) {
      let write = false;
      let publish = false;
      for (const call of model.callsIn(region)) {
        for (const effect of model.effectsOf(call)) {
          const site = { path, line: model.line(call), library: effect.library };
          if (effect.kind === 'publish') {
            publish = true;
            out.publishes.push({ ...site, channel: effect.channel });
            if (isStreamAppend(call)) out.streamWrites += 1;
          } else {
            write = true;
            out.dbWrites.push(site);
          }
        }
      }
      if (write && publish) out.regionsWithWriteAndPublish += 1;
    }
  }
  if (options.patterns) {
    const recognised = (pattern: string) => {
      if (!out.patterns.includes(pattern)) out.patterns.push(pattern);
    };
    for (const call of model.calls) {
      for (const effect of model.effectsOf(call)) {
        if (effect.kind === 'dbWrite' && model.isOutboxTarget(effect.target)) recognised('Transactional Outbox');
        if (effect.kind === 'publish' && effect.channel && compiled.dlqChannel.test(effect.channel)) recognised('Dead Letter Channel');
      }
    }
    for (const handler of handlers) {
      if (callsInHandler(model, handler).some((call) => isDedupGuard(model, call, compiled.inboxTable))) recognised('Idempotent Receiver');
    }
    // review-output.md §4.1's other recognisable constructs: a workflow-engine client, trace
    // propagation injected into a carrier, a blob put before a publish, and a lock whose protected
    // writes carry a fence.
    if ([...model.imports.values()].some((b) => PROCESS_MANAGER_CLIENTS.has(b.module))) recognised('Process Manager');
    if (model.calls.some((call) => injectCarrier(model, call) !== null)) recognised('Message History');
    if (isClaimCheck(model)) recognised('Claim Check');
    const acquires = lockFacts(model).acquires;
    if (acquires.length > 0) {
      const fences = fenceNames(model);
      const fenced = acquires.some((acquire) => protectedWrites(model, acquire, criticalSection(model, acquire)).some((w) => isFenced(model, w.call, fences)));
      if (fenced) recognised('Lease and Fencing Token');
    }
  }
  return out;
}

const STREAM_APPENDS = new Set(['xadd', 'xAdd']);

function isStreamAppend(call: CallLike): boolean {
  const callee = calleeOf(call);
  return callee.type === 'MemberExpression' && STREAM_APPENDS.has(propertyName(callee) ?? '');
}

/** Workflow-engine clients whose use in code is a Process Manager (Temporal, AWS Step Functions). */
const PROCESS_MANAGER_CLIENTS = new Set(['@temporalio/client', '@temporalio/workflow', '@aws-sdk/client-sfn']);
