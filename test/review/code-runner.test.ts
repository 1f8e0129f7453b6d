// The code runner's order and lifetime rules: files are analysed imports-first so Program:exit
// sees complete helper summaries; a file's model is released once it and its importers are done;
// repository-wide exits run last; cycles wait for the end.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dualWrite from '../../rules/code/dual-write.js';
import { defaultConfig } from '../../src/config/schema.js';
import { runCodeRules } from '../../src/review/code-runner.js';
import { createCodeRule, type CodeRule, type CodeRuleContext } from '../../src/review/rule.js';

const meta = {
  kind: 'code' as const,
  severity: 'Suggestion' as const,
  precision: 'High' as const,
  systemTag: false,
  checklist: [],
  failureModes: [],
  description: 'test probe',
  messages: { seen: 'seen {what}' },
};

/** A rule that records, per file, what its Program:exit could see, and keeps its contexts. */
function probe(log: string[], contexts: CodeRuleContext<string>[], repositoryWide = false): CodeRule {
  return createCodeRule({
    meta: { ...meta, id: repositoryWide ? 'probe-wide' : 'probe', ...(repositoryWide ? { repositoryWide: true } : {}) },
    create(context) {
      contexts.push(context);
      return {
        'Program:exit'() {
          if (repositoryWide) {
            log.push(`wide ${context.path}`);
            context.report({ loc: { startLine: 1 }, anchor: 'wide', messageId: 'seen', data: { what: 'wide' } });
            return;
          }
          const imported = context.importedModels().map((m) => m.path).sort().join(',');
          log.push(`exit ${context.path} [${imported}]`);
        },
      };
    },
  }) as CodeRule;
}

const helper = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';
const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['b'] }).producer();
export async function saveOrder(order: { id: string }) {
  await prisma.order.create({ data: order });
}
export async function announce(order: { id: string }) {
  await producer.send({ topic: 'orders.placed', messages: [{ key: order.id, value: JSON.stringify(order) }] });
}
`;
const handler = `import { saveOrder, announce } from './helpers';
export async function placeOrder(order: { id: string }) {
  await saveOrder(order);
  await announce(order);
}
`;

describe('runCodeRules order and lifetime', () => {
  it('analyses an imported helper first even when it is listed last, so helper summaries reach Program:exit', () => {
    const result = runCodeRules([{ path: 'src/place-order.ts', text: handler }], [dualWrite], {
      side: 'head',
      config: defaultConfig,
      contextFiles: [{ path: 'src/helpers.ts', text: helper }],
    });
    assert.deepEqual(result.errors, []);
    const found = result.findings.filter((f) => f.ruleId === 'dual-write');
    assert.equal(found.length, 1, JSON.stringify(result.findings.map((f) => [f.ruleId, f.location])));
    assert.equal(found[0]!.location.path, 'src/place-order.ts');
    assert.equal(found[0]!.location.startLine, 4);
  });

  it('gives importedModels() the imported files, then releases every model once the run is over', () => {
    const log: string[] = [];
    const contexts: CodeRuleContext<string>[] = [];
    const result = runCodeRules(
      [
        { path: 'src/a.ts', text: `import { b } from './b';\nexport const a = () => b();\n` },
        { path: 'src/b.ts', text: `import { c } from './c.js';\nexport const b = () => c();\n` },
      ],
      [probe(log, contexts)],
      { side: 'head', config: defaultConfig, contextFiles: [{ path: 'src/c.ts', text: 'export const c = () => 1;\n' }] },
    );
    assert.deepEqual(result.errors, []);
    // b before a (a imports b); c is context, analysed first but not reported on.
    assert.deepEqual(log, ['exit src/b.ts [src/c.ts]', 'exit src/a.ts [src/b.ts]']);
    assert.equal(contexts.length, 2);
    for (const context of contexts) assert.throws(() => context.model, /released/);
  });

  it('lets files that import each other wait for the end, each seeing the other', () => {
    const log: string[] = [];
    const result = runCodeRules(
      [
        { path: 'src/a.ts', text: `import { b } from './b';\nexport const a = () => b();\n` },
        { path: 'src/b.ts', text: `import { a } from './a';\nexport const b = () => a();\n` },
      ],
      [probe(log, [])],
      { side: 'head', config: defaultConfig },
    );
    assert.deepEqual(result.errors, []);
    assert.deepEqual([...log].sort(), ['exit src/a.ts [src/b.ts]', 'exit src/b.ts [src/a.ts]']);
  });

  it('runs repository-wide exits after every file, without the released models', () => {
    const log: string[] = [];
    const result = runCodeRules(
      [
        { path: 'src/a.ts', text: 'export const a = 1;\n' },
        { path: 'src/b.ts', text: 'export const b = 2;\n' },
      ],
      [probe(log, []), probe(log, [], true)],
      { side: 'head', config: defaultConfig },
    );
    assert.deepEqual(result.errors, []);
    assert.deepEqual(log, ['exit src/a.ts []', 'exit src/b.ts []', 'wide src/a.ts', 'wide src/b.ts']);
    assert.deepEqual(result.findings.filter((f) => f.ruleId === 'probe-wide').map((f) => f.location.path), ['src/a.ts', 'src/b.ts']);
  });

  it('reports a repository-wide rule that reaches for the released model as a rule error, not a crash', () => {
    const greedy = createCodeRule({
      meta: { ...meta, id: 'greedy', repositoryWide: true },
      create(context) {
        return {
          'Program:exit'() {
            void context.model.calls.length;
          },
        };
      },
    }) as CodeRule;
    const result = runCodeRules([{ path: 'src/a.ts', text: 'f();\n' }], [greedy], { side: 'head', config: defaultConfig });
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!, /greedy failed on src\/a.ts: .*released/);
  });

  it('keeps a summary per analysed file in input order, context files marked as not reported', () => {
    const result = runCodeRules(
      [{ path: 'src/place-order.ts', text: handler }],
      [],
      {
        side: 'head',
        config: defaultConfig,
        contextFiles: [{ path: 'src/helpers.ts', text: helper }],
        summarize: (model, reported) => ({ path: model.path, reported, calls: model.calls.length }),
      },
    );
    assert.deepEqual([...result.summaries.values()], [
      { path: 'src/place-order.ts', reported: true, calls: 2 },
      { path: 'src/helpers.ts', reported: false, calls: 6 },
    ]);
  });
});
