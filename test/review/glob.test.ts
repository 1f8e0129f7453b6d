import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesGlob, matchesWildcard } from '../../src/review/glob.js';

/**
 * The regular-expression translation the matcher replaced: the meaning it must keep. (That code left
 * `*` and `?` inside braces unescaped, so `{a*,b}` meant "a repeated"; braces alternate literal text.)
 */
function oracle(glob: string): RegExp {
  const escape = (text: string) => text.replace(/[.*?+^${}()|[\]\\]/g, '\\$&');
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`;
        i = end;
      }
    } else out += escape(ch);
  }
  return new RegExp(`${out}$`);
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('matchesGlob', () => {
  it('keeps the documented meaning', () => {
    const cases: [string, string, boolean][] = [
      ['services/orders/**', 'services/orders/src/a.ts', true],
      ['services/orders/**', 'services/orders', false],
      ['services/*/src/*.ts', 'services/orders/src/a.ts', true],
      ['services/*/src/*.ts', 'services/orders/src/deep/a.ts', false],
      ['**/*.test.ts', 'a.test.ts', true],
      ['**/*.test.ts', 'src/x/a.test.ts', true],
      ['src/**/index.ts', 'src/index.ts', true],
      ['src/**/index.ts', 'src/a/b/index.ts', true],
      ['src/**/index.ts', 'srcx/index.ts', false],
      ['src/?.ts', 'src/a.ts', true],
      ['src/?.ts', 'src//.ts', false],
      ['{apps,libs}/**', 'libs/x.ts', true],
      ['{apps,libs}/**', 'tools/x.ts', false],
      ['src/a{,.generated}.ts', 'src/a.ts', true],
      ['src/a{,.generated}.ts', 'src/a.generated.ts', true],
      ['src/{a.ts', 'src/{a.ts', true],
      ['docs/README.md', 'docs/README.md', true],
      ['docs/README.md', 'docs/README.mdx', false],
      ['', '', true],
      ['**', '', true],
    ];
    for (const [glob, path, expected] of cases) assert.equal(matchesGlob(path, glob), expected, `${glob} ~ ${path}`);
  });

  it('agrees with the regular-expression translation on 20,000 random globs and paths', () => {
    const next = random(20261124);
    const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const globParts = ['a', 'b', '/', '*', '**', '**/', '?', '{a,b}', '{,a}', '{ab,b/}', '.', '{', '}'];
    const pathParts = ['a', 'b', '/', '.', 'ab', '{', '}', ','];
    for (let i = 0; i < 20_000; i++) {
      const glob = Array.from({ length: Math.floor(next() * 7) }, () => pick(globParts)).join('');
      const path = Array.from({ length: Math.floor(next() * 9) }, () => pick(pathParts)).join('');
      assert.equal(matchesGlob(path, glob), oracle(glob).test(path), `${JSON.stringify(glob)} ~ ${JSON.stringify(path)}`);
    }
  });

  it('does not backtrack: a glob that would take a regular expression years returns', () => {
    // As a regular expression this is ^.*a.*a.*a.*a.*a.*a.*a.*a.*b$ against 4,000 a's: O(n^9).
    const glob = '**a**a**a**a**a**a**a**a**b';
    assert.equal(matchesGlob('a'.repeat(4_000), glob), false);
    assert.equal(matchesGlob(`${'a'.repeat(4_000)}b`, glob), true);
    assert.equal(matchesGlob(`${'a/'.repeat(2_000)}x`, '*/*/*/*/*/*/*/*/*/*/*/*/*/y'), false);
  });
});

describe('matchesWildcard', () => {
  it('matches names where * is any text', () => {
    const cases: [string, string, boolean][] = [
      ['__consumer_offsets*', '__consumer_offsets', true],
      ['__consumer_offsets*', '__consumer_offsets-7', true],
      ['*.dlq', 'orders.placed.dlq', true],
      ['*.dlq', 'orders.placed', false],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'axxbyyc', true],
      ['a*b*c', 'acb', false],
      ['ab*ba', 'aba', false],
      ['*', '', true],
      ['connect-offsets', 'connect-offsets', true],
      ['connect-offsets', 'connect-offsets2', false],
    ];
    for (const [pattern, name, expected] of cases) assert.equal(matchesWildcard(name, pattern), expected, `${pattern} ~ ${name}`);
  });

  it('agrees with a regular expression on random patterns, and does not backtrack', () => {
    const next = random(7);
    const chars = ['a', 'b', '*', '.'];
    for (let i = 0; i < 20_000; i++) {
      const pattern = Array.from({ length: Math.floor(next() * 7) }, () => chars[Math.floor(next() * chars.length)]!).join('');
      const name = Array.from({ length: Math.floor(next() * 8) }, () => chars[Math.floor(next() * 3)]!).join('');
      const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      assert.equal(matchesWildcard(name, pattern), re.test(name), `${pattern} ~ ${name}`);
    }
    assert.equal(matchesWildcard('a'.repeat(50_000), '*a*a*a*a*a*a*a*a*b'), false);
  });

  it('with question set, ? is any one character (host globs)', () => {
    assert.equal(matchesWildcard('orders.svc.cluster.local', '*.svc.cluster.local', true), true);
    assert.equal(matchesWildcard('orders-v2-service', 'orders-v?-service', true), true);
    assert.equal(matchesWildcard('orders-v22-service', 'orders-v?-service', true), false);
    assert.equal(matchesWildcard('a?c', 'a?c'), true, 'without question, ? is itself');
    assert.equal(matchesWildcard('abc', 'a?c'), false);
    assert.equal(matchesWildcard('x'.repeat(20_000), '*?x*?x*?x*?y', true), false);
  });
});
