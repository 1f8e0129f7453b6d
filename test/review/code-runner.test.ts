// The code runner's order and lifetime rules: files are analysed imports-first so Program:exit
// sees complete helper summaries; a file's model is released once it and its importers are done;
// repository-wide exits run last; cycles wait for the end.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dualWrite from '../../rules/code/dual-write.js';
import lockWithoutFencing from '../../rules/code/lock-without-fencing.js';
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

  it('a defect on one file (its summary throws) is named as an error and the other files are still summarised', () => {
    const files = ['a', 'b'].map((n) => ({ path: `src/${n}.ts`, text: `export const ${n} = 1;\n` }));
    const result = runCodeRules(files, [], {
      side: 'head', config: defaultConfig,
      summarize: (model) => {
        if (model.path === 'src/a.ts') throw new RangeError('Maximum call stack size exceeded');
        return model.path;
      },
    });
    assert.deepEqual([...result.summaries.values()], ['src/b.ts']);
    assert.deepEqual(result.errors, ['the file summary failed on src/a.ts: Maximum call stack size exceeded']);
  });

  it('under a deadline, skips context files rather than changed files once time runs short', () => {
    // Each changed file imports two context files, so imports-first analyses them before it. The
    // fake clock moves 10 ms per analysed file (when its summary is taken), and not otherwise.
    const changed = ['a', 'b', 'c'].map((n) => ({ path: `src/${n}.ts`, text: `import { x } from './${n}1';\nimport { y } from './${n}2';\nexport const ${n} = () => x() + y();\n` }));
    const context = ['a', 'b', 'c'].flatMap((n) => [1, 2].map((i) => ({ path: `src/${n}${i}.ts`, text: `export const ${i === 1 ? 'x' : 'y'} = () => ${i};\n` })));
    const run = (deadline: number | undefined) => {
      let t = 0;
      const seen: string[] = [];
      const result = runCodeRules(changed, [], {
        side: 'head', config: defaultConfig, contextFiles: context,
        ...(deadline === undefined ? {} : { deadline }), now: () => t,
        summarize: (model) => {
          seen.push(model.path);
          t += 10;
        },
      });
      return { seen, skipped: result.skipped.map((s) => `${s.path} ${s.reason}`), evidence: result.evidenceSkipped.map((s) => `${s.path} ${s.reason}`) };
    };
    assert.equal(run(undefined).seen.length, 9);
    // Without the reserve this budget analysed a1, a2, a, b1, b2, b and skipped c.
    const tight = run(50);
    assert.deepEqual(tight.skipped, []);
    assert.deepEqual(tight.seen, ['src/a1.ts', 'src/a2.ts', 'src/a.ts', 'src/b1.ts', 'src/b.ts', 'src/c.ts']);
    // The context files left out are named, so the coverage line can say what evidence is missing.
    assert.deepEqual(tight.evidence, ['src/b2.ts time-budget', 'src/c1.ts time-budget', 'src/c2.ts time-budget']);
    assert.deepEqual(run(undefined).evidence, []);
    // A budget gone before the first file still lists every changed file as skipped.
    assert.deepEqual(run(-1).skipped, ['src/a.ts time-budget', 'src/b.ts time-budget', 'src/c.ts time-budget']);
  });

  // Regressions found in review of the release change: each one reported differently from the
  // runner that kept every model to the end.
  const repo = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function insertOrder(order: { id: string }) {
  await prisma.order.create({ data: order });
}
`;
  const dualWriteAt = (files: { path: string; text: string }[], context: { path: string; text: string }[] = [], side: 'head' | 'base' = 'head') =>
    runCodeRules(files, [dualWrite], { side, config: defaultConfig, contextFiles: context })
      .findings.filter((f) => f.ruleId === 'dual-write').map((f) => `${f.location.path}:${f.location.startLine}`);

  it('resolves a helper chain of three files after the bottom file is released, on both sides alike', () => {
    const service = `import { insertOrder } from './repo';
export async function saveOrder(order: { id: string }) {
  await insertOrder(order);
}
`;
    const placing = `import { saveOrder } from './service';
import { Kafka } from 'kafkajs';
const producer = new Kafka({ brokers: ['b'] }).producer();
export async function placeOrder(order: { id: string }) {
  await saveOrder(order);
  await producer.send({ topic: 'orders.placed', messages: [{ key: order.id, value: 'x' }] });
}
`;
    for (const side of ['head', 'base'] as const) {
      assert.deepEqual(
        dualWriteAt([{ path: 'src/handler.ts', text: placing }, { path: 'src/repo.ts', text: repo }], [{ path: 'src/service.ts', text: service }], side),
        ['src/handler.ts:6'],
        side,
      );
    }
  });

  it('resolves an exported value built from another file\'s export (client -> bus -> user)', () => {
    const client = `import { Kafka } from 'kafkajs';\nexport const kafka = new Kafka({ brokers: ['b'] });\n`;
    const bus = `import { kafka } from './client';\nexport const bus = kafka.producer();\n`;
    const user = `import { bus } from './bus';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function place(order: { id: string }) {
  await prisma.order.create({ data: order });
  await bus.send({ topic: 'orders.placed', messages: [{ key: order.id, value: 'x' }] });
}
`;
    assert.deepEqual(dualWriteAt([{ path: 'src/user.ts', text: user }, { path: 'src/client.ts', text: client }], [{ path: 'src/bus.ts', text: bus }]), ['src/user.ts:6']);
  });

  it("orders a file importing '.' after the folder's index, whichever comes first", () => {
    const place = `import { insertOrder } from '.';
import { Kafka } from 'kafkajs';
const producer = new Kafka({ brokers: ['b'] }).producer();
export async function placeOrder(order: { id: string }) {
  await insertOrder(order);
  await producer.send({ topic: 'orders.placed', messages: [{ key: order.id, value: 'x' }] });
}
`;
    const files = [{ path: 'src/orders/place.ts', text: place }, { path: 'src/orders/index.ts', text: repo }];
    assert.deepEqual(dualWriteAt(files), ['src/orders/place.ts:6']);
    assert.deepEqual(dualWriteAt([...files].reverse()), ['src/orders/place.ts:6']);
  });

  it('still reads a fencing token taken from a member named like a fence (no INCR or nextval in the file)', () => {
    const code = `import Redis from 'ioredis';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
const redis = new Redis(process.env.REDIS_URL!);
const db = new Pool();
export async function sendInvoice(id: string, lease: { fencingToken: number }) {
  const lockKey = \`lock:invoice:\${id}\`;
  const holder = randomUUID();
  if ((await redis.set(lockKey, holder, 'PX', 30_000, 'NX')) !== 'OK') return;
  const tok = lease.fencingToken;
  try {
    await db.query('UPDATE invoices SET status = $1 WHERE id = $2 AND tok < $3', ['SENT', id, tok]);
  } finally {
    await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, lockKey, holder);
  }
}
`;
    const result = runCodeRules([{ path: 'src/inv.ts', text: code }], [lockWithoutFencing], { side: 'head', config: defaultConfig });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.findings.filter((f) => f.variant === 'no-fencing-token' || f.messageId === 'noFencingToken').map((f) => f.location.startLine), []);
  });
});

describe('runCodeRules per-file time limit', { timeout: 60_000 }, () => {
  // A rule that reports, then never returns on files named `stuck`: what a quadratic analysis of a
  // hostile file looks like from outside, without depending on how fast this machine is.
  const stuck: CodeRule = createCodeRule({
    meta: { ...meta, id: 'test-stuck' },
    create(context) {
      return {
        'Program:exit'() {
          context.report({ loc: { startLine: 1 }, anchor: 'start', messageId: 'seen', data: { what: context.path } });
          if (context.path.includes('stuck')) for (;;) void context.path.length;
        },
      };
    },
  });
  const files = ['src/a.ts', 'src/stuck.ts', 'src/b.ts'].map((path) => ({ path, text: 'export const x = 1;\n' }));
  const limits = { maxBytes: 1024 * 1024, maxLineLength: 20_000, timeBudgetMs: 200 };

  it('stops a file whose analysis runs past the limit, drops what it reported, and analyses the rest', () => {
    const result = runCodeRules(files, [stuck], { side: 'head', config: defaultConfig, limits });
    assert.deepEqual(result.findings.map((f) => f.location.path).sort(), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(result.skipped.map((s) => `${s.path} ${s.reason}`), ['src/stuck.ts time-budget']);
    assert.match(result.skipped[0]!.detail, /200 ms limit/);
    assert.deepEqual(result.errors, []);
  });

  it('applies the limit to files in an import cycle, whose exits run after the others', () => {
    const cycle = [
      { path: 'src/a.ts', text: "import { s } from './stuck';\nexport const a = () => s;\n" },
      { path: 'src/stuck.ts', text: "import { a } from './a';\nexport const s = () => a;\n" },
    ];
    const result = runCodeRules(cycle, [stuck], { side: 'head', config: defaultConfig, limits });
    assert.deepEqual(result.findings.map((f) => f.location.path), ['src/a.ts']);
    assert.deepEqual(result.skipped.map((s) => `${s.path} ${s.reason}`), ['src/stuck.ts time-budget']);
  });

  it('stops a repository-wide exit that runs past the limit, names it among the rule errors, and runs the others', () => {
    const stuckWide: CodeRule = createCodeRule({
      meta: { ...meta, id: 'test-stuck-wide', repositoryWide: true },
      create(context) {
        return {
          'Program:exit'() {
            context.report({ loc: { startLine: 1 }, anchor: 'start', messageId: 'seen', data: { what: context.path } });
            if (context.path.includes('stuck')) for (;;) void context.path.length;
          },
        };
      },
    });
    const result = runCodeRules(files, [stuckWide], { side: 'head', config: defaultConfig, limits });
    assert.deepEqual(result.findings.map((f) => f.location.path), ['src/a.ts', 'src/b.ts']);
    assert.deepEqual(result.skipped, []);
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!, /^test-stuck-wide stopped on src\/stuck\.ts: .*200 ms limit/);
  });
});
