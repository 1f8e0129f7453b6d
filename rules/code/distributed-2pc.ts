// rules.md rule 15: two-phase commit / XA across resource managers, written as SQL, as two
// overlapping transactions on different databases, or as an HTTP prepare/commit protocol.
import { calleeText, type CallLike } from '../../src/code/ast.js';
import { httpCallOf, urlText } from '../../src/code/http-calls.js';
import type { CodeModel, Region } from '../../src/code/model.js';
import { normalizeSql, sqlCalls, type SqlCall } from '../../src/code/sql.js';
import { nestedForeignTransaction, overlappingTransactions } from '../../src/code/transactions.js';
import type { Config } from '../../src/config/schema.js';
import { matchesGlob } from '../../src/review/glob.js';
import { createCodeRule, type CodeRuleContext } from '../../src/review/rule.js';
import type { Precision, RelatedLocation } from '../../src/review/types.js';

const PG_TWO_PHASE = /\b(PREPARE\s+TRANSACTION|COMMIT\s+PREPARED|ROLLBACK\s+PREPARED)\b/i;
const MYSQL_XA = /\bXA\s+(START|BEGIN|END|PREPARE|COMMIT|ROLLBACK|RECOVER)\b/i;
/** Statements that open or prepare a branch; without them a file only resolves prepared transactions. */
const PREPARING = /\b(PREPARE\s+TRANSACTION|XA\s+(START|BEGIN|END|PREPARE))\b/i;

export default createCodeRule({
  meta: {
    id: 'distributed-2pc',
    kind: 'code',
    severity: 'Critical',
    precision: 'High',
    systemTag: false,
    checklist: ['R8', 'D2'],
    antiPattern: 'distributed 2PC / XA',
    failureModes: [],
    pattern: 'Process Manager (Saga)',
    description: 'Several resource managers are coordinated with a two-phase or XA commit instead of local transactions and a saga.',
    messages: {
      distributed2pc:
        'Distributed two-phase commit at {loc} ({variant}). 2PC/XA couples the availability of every participant and blocks on ' +
        'coordinator failure. Pattern: local transactions plus a Process Manager (saga) with explicit compensation; publish facts through an outbox.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      'Program:exit'() {
        const twoPhase = sqlCalls(model).filter((s) => isTwoPhaseSql(s.sql));
        const twoPhaseRegions = new Set(twoPhase.map((s) => model.regionOf(s.call)));
        // One finding per function: an XA participant class has a method per phase, each a coupling point.
        const prepares = twoPhase.some((s) => PREPARING.test(normalizeSql(s.sql)));
        for (const region of twoPhaseRegions) {
          const inRegion = twoPhase.filter((s) => model.regionOf(s.call) === region);
          const first = inRegion.find((s) => PREPARING.test(normalizeSql(s.sql))) ?? inRegion[0]!;
          const precision: Precision = !prepares ? 'Heuristic' : first.bound ? 'High' : 'Medium';
          context.report({
            node: first.call,
            messageId: 'distributed2pc',
            data: {
              loc: `line ${model.line(first.call)}`,
              variant: prepares
                ? `SQL two-phase commit: ${statementName(first)}`
                : `SQL two-phase commit: only resolves prepared transactions (${statementName(first)}); if this is a maintenance job, suppress with that reason`,
            },
            variant: 'sql-2pc',
            precision,
            related: inRegion.filter((s) => s !== first).map((s) => ({ path: context.path, line: model.line(s.call), note: statementName(s) })),
          });
        }

        for (const region of model.regions()) {
          if (twoPhaseRegions.has(region)) continue;
          reportOverlap(context, model, region);
          reportHttpTwoPhase(context, model, region, context.config);
        }
        for (const call of model.calls) {
          if (twoPhaseRegions.has(model.regionOf(call))) continue;
          const nested = nestedForeignTransaction(model, call);
          if (!nested) continue;
          context.report({
            node: call,
            messageId: 'distributed2pc',
            data: {
              loc: `line ${model.line(call)}`,
              variant: `cross-database transaction: ${text(model, call)} opens a transaction on a second database inside the ${text(model, nested.outer)} transaction (line ${model.line(nested.outer)}), and the two commit one after the other`,
            },
            variant: 'cross-database-transaction',
            precision: 'Medium',
            related: [{ path: context.path, line: model.line(nested.outer), note: 'outer transaction' }],
          });
        }
      },
    };
  },
});

function isTwoPhaseSql(sql: string): boolean {
  const text = normalizeSql(sql);
  return PG_TWO_PHASE.test(text) || MYSQL_XA.test(text);
}

function statementName(s: SqlCall): string {
  const text = normalizeSql(s.sql);
  const match = PG_TWO_PHASE.exec(text) ?? MYSQL_XA.exec(text);
  return match ? `\`${match[0].replace(/\s+/g, ' ').toUpperCase()}\`` : 'two-phase SQL';
}

function text(model: CodeModel, call: CallLike): string {
  return `\`${calleeText(model.text, call)}\``;
}

type Reporter = CodeRuleContext<'distributed2pc'>;

function reportOverlap(context: Reporter, model: CodeModel, region: Region): void {
  const overlap = overlappingTransactions(model, region);
  if (!overlap) return;
  const related: RelatedLocation[] = [
    { path: context.path, line: model.line(overlap.first.call), note: 'first transaction starts' },
    ...overlap.commits.map((c) => ({ path: context.path, line: model.line(c.call), note: 'commit' })),
  ];
  context.report({
    node: overlap.second.call,
    messageId: 'distributed2pc',
    data: {
      loc: `line ${model.line(overlap.second.call)}`,
      variant: `cross-database transaction: ${text(model, overlap.second.call)} starts a transaction on a second database while the one started by ${text(model, overlap.first.call)} (line ${model.line(overlap.first.call)}) is still open, and both are committed in turn`,
    },
    variant: 'cross-database-transaction',
    precision: 'Medium',
    related,
  });
}

/** rules.md rule 15 step 3: `/prepare` on two internal services, then `/commit`. */
function reportHttpTwoPhase(context: Reporter, model: CodeModel, region: Region, config: Config): void {
  const prepares: { call: CallLike; service: string }[] = [];
  const commits: CallLike[] = [];
  for (const call of model.callsIn(region)) {
    const http = httpCallOf(model, call);
    if (!http) continue;
    const url = urlText(model, http.url);
    if (!url) continue;
    const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
    const service = serviceKey(url, config);
    if (!service) continue;
    if (/\/prepare$/i.test(path)) prepares.push({ call, service });
    else if (/\/commit$/i.test(path) && prepares.some((p) => p.call.range[1] <= call.range[0])) commits.push(call);
  }
  const services = new Set(prepares.map((p) => p.service));
  const first = prepares[0];
  if (!first || services.size < 2 || commits.length === 0) return;
  context.report({
    node: first.call,
    messageId: 'distributed2pc',
    data: {
      loc: `line ${model.line(first.call)}`,
      variant: `HTTP two-phase protocol: ${services.size} services are asked to \`/prepare\` and then to \`/commit\``,
    },
    variant: 'http-prepare-commit',
    precision: 'Heuristic',
    related: [
      ...prepares.slice(1).map((p) => ({ path: context.path, line: model.line(p.call), note: 'prepare' })),
      ...commits.map((c) => ({ path: context.path, line: model.line(c), note: 'commit' })),
    ],
  });
}

/** Which service a URL addresses: its base variable (`{ORDERS_URL}`) or an internal literal host. */
function serviceKey(url: string, config: Config): string | null {
  const base = /^\{([^}]+)\}/.exec(url);
  if (base) return base[1]!;
  const host = /^[a-z]+:\/\/([^/:?#]+)/i.exec(url)?.[1];
  if (!host) return null;
  return config.internalHosts.some((glob) => matchesGlob(host, glob)) ? host : null;
}
