import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declarationOf, instanceImport, keyTexts, numberValue, originOf, sameKey } from '../../src/code/values.js';
import { build, call, identifier } from './model-helpers.js';

describe('value helpers', () => {
  it('resolves declarations through scopes and imports', () => {
    const model = build(`import Redis from 'ioredis';
const key = 'outer';
export function f(key: string) {
  return key;
}
export function g() {
  const key = 'inner';
  return [key, Redis];
}
`);
    assert.equal(declarationOf(model, identifier(model, 'key', 2))?.kind, 'param');
    const inner = declarationOf(model, identifier(model, 'key', 4));
    assert.equal(inner?.kind === 'var' && inner.decl.init?.type === 'Literal' ? inner.decl.init.value : null, 'inner');
    assert.equal(declarationOf(model, identifier(model, 'Redis', 1))?.kind, 'import');
  });

  it('evaluates numeric constants', () => {
    const model = build(`const TTL = 30 * 1000;
const CFG = { ttlMs: 5_000 };
export const a = [TTL, CFG.ttlMs, '250', -1, TTL / 0, nope];
`);
    const values = (model.program.body[2] as any).declaration.declarations[0].init.elements.map((e: any) => numberValue(model, e));
    assert.deepEqual(values, [30_000, 5_000, 250, -1, null, null]);
  });

  it('compares key expressions through their initialisers', () => {
    const model = build(`export async function f(redis: any, id: string) {
  const lockKey = \`lock:\${id}\`;
  await redis.set(lockKey, 'v');
  await redis.del(\`lock:\${id}\`);
  await redis.del(\`other:\${id}\`);
}
`);
    const set = call(model, 'redis.set');
    const del0 = call(model, 'redis.del', 0);
    const del1 = call(model, 'redis.del', 1);
    const arg = (c: any) => c.arguments[0];
    assert.ok(sameKey(model, arg(set), arg(del0)));
    assert.ok(!sameKey(model, arg(set), arg(del1)));
    assert.ok(keyTexts(model, arg(set)).has('lockKey'));
    assert.equal(originOf(model, arg(set)).type, 'TemplateLiteral');
  });

  it('finds the library class of instances, typed parameters and fields', () => {
    const model = build(`import Redlock from 'redlock';
import { Mutex } from 'redis-semaphore';
export class S {
  private readonly redlock = new Redlock([]);
  constructor(private readonly mutex: Mutex) {}
  f(r: Redlock) { return [this.redlock, this.mutex, r]; }
}
`);
    assert.deepEqual(instanceImport(model, identifier(model, 'r', 1)), { module: 'redlock', path: [] });
    const members = (model.program.body[2] as any).declaration.body.body[2].value.body.body[0].argument.elements;
    assert.deepEqual(instanceImport(model, members[0]), { module: 'redlock', path: [] });
    assert.deepEqual(instanceImport(model, members[1]), { module: 'redis-semaphore', path: ['Mutex'] });
  });
});
