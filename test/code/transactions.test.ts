import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calleeText } from '../../src/code/ast.js';
import { handleRoot, nestedForeignTransaction, overlappingTransactions, transactionEvents } from '../../src/code/transactions.js';
import { build, call, identifier } from './model-helpers.js';

describe('transaction handles and events', () => {
  it('derives connections, query runners and transactions back to their pool or data source', () => {
    const model = build(`import { Pool } from 'pg';
import { DataSource } from 'typeorm';
const a = new Pool();
const b = new Pool();
const ds = new DataSource({ type: 'postgres' });
export async function f() {
  const c1 = await a.connect();
  const c2 = await a.connect();
  const c3 = await b.connect();
  const qr = ds.createQueryRunner();
  return [c1, c2, c3, qr];
}
`);
    const root = (name: string) => handleRoot(model, identifier(model, name, 1))?.key;
    assert.equal(root('c1'), root('c2'));
    assert.notEqual(root('c1'), root('c3'));
    assert.ok(root('qr'));
  });

  it('lists begin and commit events per handle and finds overlapping ones', () => {
    const model = build(`import { Pool } from 'pg';
const a = new Pool();
const b = new Pool();
export async function f() {
  const x = await a.connect();
  const y = await b.connect();
  await x.query('BEGIN');
  await y.query('BEGIN');
  await x.query('COMMIT');
  await y.query('COMMIT');
}
`);
    const region = model.regionOf(call(model, 'x.query'));
    assert.deepEqual(transactionEvents(model, region).map((e) => [calleeText(model.text, e.call), e.kind]), [
      ['x.query', 'begin'], ['y.query', 'begin'], ['x.query', 'commit'], ['y.query', 'commit'],
    ]);
    const overlap = overlappingTransactions(model, region);
    assert.equal(overlap?.second.call, call(model, 'y.query', 0));
  });

  it('parameters are opaque: two of them may be the same pool', () => {
    const model = build(`import type { PoolClient } from 'pg';
export async function f(x: PoolClient, y: PoolClient) {
  await x.query('BEGIN');
  await y.query('BEGIN');
  await x.query('COMMIT');
  await y.query('COMMIT');
}
`);
    assert.equal(overlappingTransactions(model, model.regionOf(call(model, 'x.query'))), null);
  });

  it('finds a transaction callback on another client nested in a transaction callback', () => {
    const model = build(`import { PrismaClient } from '@prisma/client';
const one = new PrismaClient();
const two = new PrismaClient();
export async function f() {
  await one.$transaction(async (tx) => {
    await tx.$transaction(async () => {});
    await two.$transaction(async () => {});
  });
}
`);
    assert.equal(nestedForeignTransaction(model, call(model, 'tx.$transaction')), null);
    assert.equal(nestedForeignTransaction(model, call(model, 'two.$transaction'))?.outer, call(model, 'one.$transaction'));
  });
});
