import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { DEFAULT_PARSE_LIMITS, isCodePath, isTestPath, looksMinified, parseCode } from '../../src/code/parse.js';
import { MAX_DEPTH, TraversalTooDeep, traverse } from '../../src/code/traverse.js';

describe('parseCode budgets', () => {
  it('parses an ordinary service file', () => {
    const result = parseCode('src/orders/service.ts', `import { Kafka } from 'kafkajs';\nexport const kafka = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] });\n`);
    assert.equal(result.ok, true);
    if (result.ok) {
      assert.equal(result.ast.type, 'Program');
      // Fingerprints and findings depend on positions, so loc and range must be present.
      assert.ok(result.ast.body[0]!.loc.start.line === 1);
      assert.ok(Array.isArray(result.ast.body[0]!.range));
    }
  });

  it('rejects a file above the byte budget as too-large without parsing it', () => {
    const text = `export const payload = '${'x'.repeat(200)}';\n`;
    const result = parseCode('src/big.ts', text, { maxBytes: 100, maxLineLength: 10_000 });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.reason, 'too-large');
      assert.match(result.detail, /byte limit/);
    }
  });

  it('counts bytes, not UTF-16 code units, against the byte budget', () => {
    // 6 two-byte characters are 12 bytes: over a 10-byte budget even though length is 6.
    const result = parseCode('src/i18n.ts', 'éééééé', { maxBytes: 10, maxLineLength: 100 });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.reason, 'too-large');
  });

  it('rejects a minified bundle by its longest line', () => {
    const minified = 'var a=1;'.repeat(3_000) + '\n';
    assert.ok(minified.length > DEFAULT_PARSE_LIMITS.maxLineLength);
    const result = parseCode('dist/bundle.js', `// header\n${minified}`);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.reason, 'too-large');
      assert.match(result.detail, /minified/);
    }
  });

  it('reads JSX in a .js file (the Create React App convention), and still refuses broken JS', () => {
    const jsx = `export function Badge({ count }) {\n  return <span className="badge">{count}</span>;\n}\n`;
    for (const path of ['src/Badge.js', 'src/Badge.mjs']) {
      const result = parseCode(path, jsx);
      assert.equal(result.ok, true, path);
    }
    const broken = parseCode('src/broken.js', 'export const a = <div>;\nconst = 1;\n');
    assert.deepEqual(broken.ok ? null : broken.reason, 'unparseable');
  });

  it('names the JSX error of a broken JSX .js file, and the plain error of broken plain JS', () => {
    const jsx = parseCode('src/Badge.js', 'export const Badge = () => <span>ok</span>;\n\nexport const Broken = () => {\n  const = 1;\n};\n');
    assert.ok(!jsx.ok);
    assert.match(jsx.detail, / at line 4$/);
    const plain = parseCode('src/plain.js', 'export const a = 1 < 2;\nconst = 1;\n');
    assert.ok(!plain.ok);
    assert.match(plain.detail, / at line 2$/);
  });

  it('says of a minified bundle that it looks minified (the gate does not count it as unread)', () => {
    const bundle = parseCode('dist/bundle.js', 'var a=1;'.repeat(3_000));
    assert.ok(!bundle.ok && looksMinified(bundle.detail));
    const big = parseCode('src/big.ts', 'x'.repeat(2 * 1024 * 1024));
    assert.ok(!big.ok && !looksMinified(big.detail));
  });

  it('accepts many short lines whose total exceeds the line limit', () => {
    const text = 'export const x = 1;\n'.repeat(2_000);
    assert.equal(parseCode('src/consts.ts', text).ok, true);
  });

  it('reports a syntax error as unparseable with the line it occurred on', () => {
    const text = `export async function place() {\n  const order = ;\n}\n`;
    const result = parseCode('src/orders.ts', text);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.reason, 'unparseable');
      assert.match(result.detail, /at line 2\b/);
      assert.ok(!result.detail.includes('\n'), 'detail is a single line');
    }
  });

  it('reports an unclosed function as unparseable rather than throwing', () => {
    const result = parseCode('src/broken.ts', `const a = 1;\nfunction f( {\n`);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.reason, 'unparseable');
      assert.match(result.detail, /at line \d+/);
    }
  });
});

describe('parseCode time budget', { timeout: 60_000 }, () => {
  // TypeScript's parser doubles its time with each nested `async (`: 40 levels would not finish.
  const exponential = `export const x = ${'async ('.repeat(40)}a${')'.repeat(40)};\n`;
  const ordinary = `export async function place(db: any, id: string) {\n  return db.order.create({ data: { id } });\n}\n`;

  it('abandons a parse past its budget and reports it as time-budget', () => {
    const result = parseCode('src/hostile.ts', exponential, { timeBudgetMs: 100 });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.reason, 'time-budget');
      assert.match(result.detail, /100 ms limit/);
    }
  });

  it('leaves the parser usable after an interrupted parse: the next tree is the same as a fresh one', () => {
    const before = parseCode('src/orders.ts', ordinary);
    assert.equal(parseCode('src/hostile.ts', exponential, { timeBudgetMs: 50 }).ok, false);
    const after = parseCode('src/orders.ts', ordinary);
    assert.ok(before.ok && after.ok);
    assert.deepEqual(after.ast, before.ast);
  });

  it('still reports syntax errors as unparseable inside the budget', () => {
    const result = parseCode('src/broken.ts', 'function f( {\n', { timeBudgetMs: 5_000 });
    assert.equal(!result.ok && result.reason, 'unparseable');
  });
});

describe('parseCode JSX by extension', () => {
  const component = `export function OrderRow({ order }: { order: { id: string } }) {\n  return <tr className="order"><td>{order.id}</td></tr>;\n}\n`;

  it('parses JSX in .tsx files', () => {
    const result = parseCode('src/ui/OrderRow.tsx', component);
    assert.equal(result.ok, true);
    if (result.ok) {
      let sawJsx = false;
      traverse(result.ast, [{ JSXElement: () => { sawJsx = true; } }]);
      assert.equal(sawJsx, true);
    }
  });

  it('parses JSX in .jsx files', () => {
    const result = parseCode('src/ui/App.jsx', `export const App = () => <main><OrderList /></main>;\n`);
    assert.equal(result.ok, true);
  });

  it('does not enable JSX for .ts, so angle-bracket type assertions still parse', () => {
    assert.equal(parseCode('src/cast.ts', 'const v = <string>input;\n').ok, true);
    const jsxInTs = parseCode('src/wrong.ts', 'const el = <div />;\n');
    assert.equal(jsxInTs.ok, false);
    if (!jsxInTs.ok) assert.equal(jsxInTs.reason, 'unparseable');
  });

  it('parses .js files with the TypeScript parser', () => {
    assert.equal(parseCode('src/legacy.js', `const { Kafka } = require('kafkajs');\nmodule.exports = { Kafka };\n`).ok, true);
  });
});

describe('parseCode comments', () => {
  it('converts comments only in a file that holds a suppression directive', () => {
    const plain = parseCode('src/a.ts', `// a note\nexport const a = 1; /* another */\n`);
    const directive = parseCode('src/b.ts', `// arch-review-disable-next-line dual-write -- reason\nexport const b = 1; /* another */\n`);
    assert.ok(plain.ok && directive.ok);
    if (!plain.ok || !directive.ok) return;
    assert.deepEqual(plain.ast.comments ?? [], []);
    assert.deepEqual(
      directive.ast.comments?.map((c) => [c.type, c.value.trim(), c.loc.start.line]),
      [['Line', 'arch-review-disable-next-line dual-write -- reason', 1], ['Block', 'another', 2]],
    );
  });
});

describe('isCodePath', () => {
  for (const path of ['src/a.ts', 'src/a.tsx', 'src/a.js', 'src/a.jsx', 'src/a.mjs', 'src/a.cjs', 'src/a.mts', 'src/a.cts']) {
    it(`treats ${path} as code`, () => assert.equal(isCodePath(path), true));
  }
  for (const path of ['src/types.d.ts', 'docs/README.md', 'package.json', 'schema/order.avsc', 'src/a.ts.snap']) {
    it(`does not treat ${path} as code`, () => assert.equal(isCodePath(path), false));
  }
});

describe('isTestPath (rules.md §1.4)', () => {
  const tests = [
    'src/orders/service.test.ts',
    'src/orders/service.spec.ts',
    'src/ui/OrderRow.spec.tsx',
    'src/ui/OrderRow.test.jsx',
    'lib/relay.test.mjs',
    'lib/relay.spec.cjs',
    'index.test.js',
    'src/__tests__/relay.ts',
    '__tests__/relay.ts',
    'test/relay.ts',
    'tests/integration/relay.ts',
    'packages/orders/test/helpers/kafka.ts',
    'packages/orders/tests/fixtures/order.ts',
  ];
  for (const path of tests) it(`${path} is test code`, () => assert.equal(isTestPath(path), true));

  const production = [
    'src/orders/service.ts',
    'src/testing/kafka-fake.ts',
    'src/contest/entries.ts',
    'src/latest.ts',
    'src/test.ts',
    'src/attest/verify.ts',
    'src/orders/service.tests.ts',
    'src/orders/service.e2e-spec.ts',
  ];
  for (const path of production) it(`${path} is not test code`, () => assert.equal(isTestPath(path), false));

  it('matches the `**/*.test.*` glob when a further dot segment follows', () => {
    assert.equal(isTestPath('src/orders/service.test.helpers.ts'), true);
    assert.equal(isTestPath('src/orders/service.spec.fixtures.ts'), true);
  });
});

/** A synthetic chain of `!!!...x` built directly, so the guard is tested independently of the parser's own stack use. */
function unaryChain(depth: number): TSESTree.Program {
  const loc = { start: { line: 1, column: 0 }, end: { line: 1, column: 1 } };
  let node: TSESTree.Node = { type: 'Identifier', name: 'x', range: [0, 1], loc, decorators: [], optional: false } as unknown as TSESTree.Node;
  for (let i = 0; i < depth; i++) {
    node = { type: 'UnaryExpression', operator: '!', prefix: true, argument: node, range: [0, 1], loc } as unknown as TSESTree.Node;
  }
  return {
    type: 'Program', sourceType: 'module', range: [0, 1], loc, comments: [], tokens: [],
    body: [{ type: 'ExpressionStatement', expression: node, directive: undefined, range: [0, 1], loc }],
  } as unknown as TSESTree.Program;
}

describe('traverse', () => {
  it('fires enter and exit listeners, the `*` wildcard, and sets parent pointers', () => {
    const result = parseCode('src/a.ts', `function f() { return g(1); }\n`);
    assert.ok(result.ok);
    const order: string[] = [];
    let wildcard = 0;
    let callParent: string | undefined;
    traverse(result.ast, [
      {
        FunctionDeclaration: () => order.push('enter fn'),
        'FunctionDeclaration:exit': () => order.push('exit fn'),
        CallExpression: (node) => {
          order.push('enter call');
          callParent = (node as { parent?: TSESTree.Node }).parent?.type;
        },
        'CallExpression:exit': () => order.push('exit call'),
      },
      { '*': () => void (wildcard += 1) },
    ]);
    assert.deepEqual(order, ['enter fn', 'enter call', 'exit call', 'exit fn']);
    assert.equal(callParent, 'ReturnStatement');
    assert.ok(wildcard > 5);
  });

  it('runs several listener maps for the same node type in registration order', () => {
    const result = parseCode('src/a.ts', `h();\n`);
    assert.ok(result.ok);
    const seen: string[] = [];
    traverse(result.ast, [{ CallExpression: () => seen.push('model') }, { CallExpression: () => seen.push('rule') }]);
    assert.deepEqual(seen, ['model', 'rule']);
  });

  it('handles a 3,000-deep nested expression without crashing the process', () => {
    const depth = 3_000;
    const text = `export const x = ${'['.repeat(depth)}${']'.repeat(depth)};\n`;
    const result = parseCode('src/deep.ts', text);
    if (!result.ok) {
      // The parser ran out of stack first: that must surface as a clean outcome, not an exception.
      assert.equal(result.reason, 'unparseable');
      return;
    }
    assert.throws(() => traverse(result.ast, [{}]), TraversalTooDeep);
  });

  it('handles a 3,000-deep call nesting without crashing the process', () => {
    const depth = 3_000;
    const text = `export const x = ${'f('.repeat(depth)}${')'.repeat(depth)};\n`;
    const result = parseCode('src/deep-calls.ts', text);
    if (!result.ok) {
      assert.ok(result.reason === 'unparseable' || result.reason === 'too-large');
      return;
    }
    assert.throws(() => traverse(result.ast, [{}]), TraversalTooDeep);
  });

  it('throws a catchable TraversalTooDeep past MAX_DEPTH on a synthetic tree', () => {
    const program = unaryChain(MAX_DEPTH + 500);
    let caught: unknown;
    try {
      traverse(program, [{ UnaryExpression: () => {} }]);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof TraversalTooDeep);
    assert.match((caught as Error).message, new RegExp(String(MAX_DEPTH)));
  });

  it('walks a tree just under MAX_DEPTH completely', () => {
    const program = unaryChain(MAX_DEPTH - 10);
    let unary = 0;
    traverse(program, [{ UnaryExpression: () => void (unary += 1) }]);
    assert.equal(unary, MAX_DEPTH - 10);
  });
});

describe('parseCode on code too deep for the default stack', () => {
  it('parses 200 nested callbacks and a 900-term concatenation again on a larger stack, literals intact', () => {
    let callbacks = "export const r = /a+/g;\nexport const big = 12n;\ndeclare function run(f: () => Promise<void>): void;\n";
    for (let i = 0; i < 200; i++) callbacks += 'run(async () => {\n';
    callbacks += '});\n'.repeat(200);
    const parsed = parseCode('src/deep.ts', callbacks);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.detail);
    const literals: TSESTree.Literal[] = [];
    let arrows = 0;
    traverse(parsed.ast, [{ Literal: (n) => void literals.push(n as TSESTree.Literal), ArrowFunctionExpression: () => void (arrows += 1) }]);
    assert.equal(arrows, 200);
    const regex = literals.find((l) => 'regex' in l) as TSESTree.RegExpLiteral;
    assert.ok(regex.value instanceof RegExp && regex.value.source === 'a+' && regex.regex.flags === 'g');
    assert.equal(literals.find((l) => 'bigint' in l)?.value, 12n);

    const chain = parseCode('src/chain.ts', `export const s = ${Array.from({ length: 900 }, (_, i) => `'p${i}'`).join(' + ')};\n`);
    assert.ok(chain.ok, chain.ok ? '' : chain.detail);
  });
});
