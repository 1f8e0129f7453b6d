import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeSql, sqlCallOf, sqlCalls, sqlTextOf } from '../../src/code/sql.js';
import { build, call } from './model-helpers.js';

describe('SQL text and SQL calls', () => {
  it('reads literals, templates, consts, concatenation, query objects and tags', () => {
    const model = build(`import { Pool } from 'pg';
import postgres from 'postgres';
const pool = new Pool();
const sql = postgres(process.env.DATABASE_URL!);
const PREPARE = "PREPARE TRANSACTION 'x'";
export async function f(id: string) {
  await pool.query(\`COMMIT PREPARED '\${id}'\`);
  await pool.query(PREPARE);
  await pool.query('UPDATE t SET a = 1 ' + 'WHERE id = ' + id);
  await pool.query({ text: 'DELETE FROM t WHERE id = $1', values: [id] });
  await sql\`XA START \${id}\`;
  await unknown.query(id);
}
`);
    assert.equal(sqlCallOf(model, call(model, 'pool.query', 0))?.sql, "COMMIT PREPARED '?'");
    assert.equal(sqlCallOf(model, call(model, 'pool.query', 1))?.sql, "PREPARE TRANSACTION 'x'");
    assert.equal(sqlCallOf(model, call(model, 'pool.query', 2))?.sql, 'UPDATE t SET a = 1 WHERE id = ?');
    assert.equal(sqlCallOf(model, call(model, 'pool.query', 3))?.sql, 'DELETE FROM t WHERE id = $1');
    const tagged = sqlCallOf(model, call(model, 'sql'));
    assert.equal(tagged?.sql, 'XA START ?');
    assert.equal(tagged?.bound, true);
    assert.equal(sqlCallOf(model, call(model, 'pool.query'))?.bound, true);
    assert.equal(sqlCallOf(model, call(model, 'unknown.query')), null);
    assert.equal(sqlCalls(model).length, 5);
    assert.equal(sqlTextOf(model, null), null);
  });

  it('marks SQL on unresolved handles as unbound', () => {
    const model = build(`export async function f(db: { query(s: string): Promise<void> }) {
  await db.query('PREPARE TRANSACTION \\'a\\'');
}
`);
    const found = sqlCallOf(model, call(model, 'db.query'));
    assert.equal(found?.bound, false);
    assert.equal(found?.role, null);
  });

  it('normalises comments and whitespace', () => {
    assert.equal(normalizeSql('-- note\nPREPARE   /* x */\n TRANSACTION'), 'PREPARE TRANSACTION');
  });
});
