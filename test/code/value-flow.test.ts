import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  definitionOf,
  envVarName,
  keysOf,
  lookupProperty,
  numberValue,
  objectLiteralOf,
  originOf,
  stringOf,
} from '../../src/code/value-flow.js';
import { build, identifier } from './model-helpers.js';

describe('value flow', () => {
  it('definitions walk outwards: parameters shadow module names', () => {
    const model = build(`const opts = { timeout: 1 };
export function f(opts: unknown) { return opts; }
export function g() { return opts; }`);
    assert.equal(definitionOf(model, identifier(model, 'opts', 2)).kind, 'param');
    assert.equal(definitionOf(model, identifier(model, 'opts', 3)).kind, 'binding');
  });

  it('origins follow consts, awaits, class fields assigned in methods and destructuring', () => {
    const model = build(`import axios from 'axios';
const base = axios;
export class C {
  private client!: unknown;
  init() { this.client = base.create({ timeout: 5 }); }
  use() { return this.client; }
}
export async function h(pool: any) { const { rows } = await pool.query('x'); return rows; }`);
    const client = originOf(model, identifier(model, 'client', 2).parent!);
    assert.equal(client.kind, 'expr');
    const rows = originOf(model, identifier(model, 'rows', 1));
    assert.equal(rows.kind, 'destructured');
    assert.equal(originOf(model, identifier(model, 'base', 1)).kind, 'module');
  });

  it('property lookup: later keys win, spreads are followed, unknown spreads stay unknown', () => {
    const model = build(`const defaults = { timeout: 1, retry: 2 };
const a = { ...defaults, timeout: 0 };
const b = { ...defaults };
export function f(extra: object) { const c = { ...extra, x: 1 }; return c; }
const d = { x: 1 };
d.timeout = 3;`);
    const value = (name: string, nth: number, key: string) => {
      const found = lookupProperty(model, identifier(model, name, nth), key);
      return found.state === 'present' ? numberValue(model, found.value) : found.state;
    };
    assert.equal(value('a', 0, 'timeout'), 0);
    assert.equal(value('b', 0, 'retry'), 2);
    assert.equal(value('b', 0, 'missing'), 'absent');
    assert.equal(value('c', 0, 'timeout'), 'unknown');
    assert.equal(value('c', 0, 'x'), 1);
    assert.equal(value('d', 0, 'timeout'), 3);
  });

  it('keys of an object with computed constant keys and later additions', () => {
    const model = build(`const HEADER = 'X-Trace';
const h: Record<string, string> = { [HEADER]: 'a', plain: 'b' };
h['Correlation-Id'] = 'c';`);
    const set = keysOf(model, identifier(model, 'h'));
    assert.deepEqual([...set.keys.keys()].sort(), ['correlation-id', 'plain', 'x-trace']);
    assert.equal(set.unknown, false);
  });

  it('numbers, strings and env var names', () => {
    const model = build(`const MS = 2 * 1000;
const NAME = 'orders';
const { CRM_URL } = process.env;
export const x = [MS, NAME, process.env.PAY_URL, process.env['SHIP_URL'], CRM_URL, -1];`);
    const array = objectLiteralOf(model, identifier(model, 'x')) ?? null;
    assert.equal(array, null);
    assert.equal(numberValue(model, identifier(model, 'MS', 1)), 2000);
    assert.equal(stringOf(model, identifier(model, 'NAME', 1)), 'orders');
    const init = (identifier(model, 'x').parent as { init: { elements: import('@typescript-eslint/typescript-estree').TSESTree.Node[] } }).init;
    assert.equal(envVarName(model, init.elements[2]!), 'PAY_URL');
    assert.equal(envVarName(model, init.elements[3]!), 'SHIP_URL');
    assert.equal(envVarName(model, init.elements[4]!), 'CRM_URL');
    assert.equal(numberValue(model, init.elements[5]!), -1);
  });
});
