// SQL text as drivers receive it (rules.md rule 15 inputs): string literals, templates whose dynamic
// parts become `?`, tagged templates (`sql\`...\``, `prisma.$executeRaw\`...\``), `{ text }` / `{ sql }`
// query objects, string concatenation and consts holding any of these. Also the driver calls that
// take SQL, with the role their receiver resolves to.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { argumentsOf, calleeOf, objectProperty, propertyName, unwrap, type CallLike } from './ast.js';
import type { CodeModel, RoleRef } from './model.js';
import { initializerOf } from './values.js';

/** Methods that send SQL text on a DB handle (pg, mysql2, typeorm, knex, prisma, sequelize, drizzle, postgres.js). */
export const SQL_METHODS = new Set([
  'query', 'execute', 'raw', 'run', 'unsafe', 'exec',
  '$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe',
]);

/** Roles whose SQL reaches a relational database. */
export const SQL_CAPABLE_ROLES = new Set([
  'pg.pool', 'pg.client', 'mysql', 'typeorm.ds', 'typeorm.manager', 'typeorm.qr', 'knex',
  'prisma', 'prisma.tx', 'sequelize', 'sequelize.tx', 'drizzle.db',
]);

/** Tagged-template SQL helpers, by module: `import postgres from 'postgres'`, `import { sql } from 'drizzle-orm'`, slonik. */
const SQL_TAG_MODULES = new Set(['postgres', 'drizzle-orm', 'slonik', '@vercel/postgres', '@neondatabase/serverless', 'sql-template-strings', 'sql-template-tag', '@prisma/client']);

export function sqlTextOf(model: CodeModel, node: TSESTree.Node | null | undefined, depth = 0): string | null {
  if (!node || depth > 6) return null;
  const target = unwrap(node);
  switch (target.type) {
    case 'Literal':
      return typeof target.value === 'string' ? target.value : null;
    case 'TemplateLiteral':
      return target.quasis.map((q) => q.value.cooked ?? q.value.raw).join('?');
    case 'TaggedTemplateExpression':
      return target.quasi.quasis.map((q) => q.value.cooked ?? q.value.raw).join('?');
    case 'BinaryExpression': {
      if (target.operator !== '+') return null;
      const left = sqlTextOf(model, target.left, depth + 1);
      const right = sqlTextOf(model, target.right, depth + 1);
      if (left === null && right === null) return null;
      return `${left ?? '?'}${right ?? '?'}`;
    }
    case 'ObjectExpression':
      return sqlTextOf(model, objectProperty(target, 'text') ?? objectProperty(target, 'sql') ?? undefined, depth + 1);
    case 'Identifier': {
      const init = initializerOf(model, target);
      return init ? sqlTextOf(model, init, depth + 1) : null;
    }
    case 'CallExpression': {
      // `sql.raw('...')`, `Prisma.sql\`...\`` wrapped in a call, `format('...', x)`: the first string argument.
      const callee = target.callee;
      if (callee.type === 'MemberExpression' && ['raw', 'sql', 'unsafe'].includes(propertyName(callee) ?? '')) {
        return sqlTextOf(model, target.arguments[0], depth + 1);
      }
      // pg-format / util.format: the format string carries the statement.
      if (callee.type === 'Identifier' && ['format', 'pgFormat'].includes(callee.name)) return sqlTextOf(model, target.arguments[0], depth + 1);
      return null;
    }
    default:
      return null;
  }
}

export interface SqlCall {
  call: CallLike;
  sql: string;
  /** The DB handle the SQL is sent on, when it resolves to a role. */
  role: RoleRef | null;
  /** The receiver expression (`client` in `client.query(...)`), null for bare tags. */
  receiver: TSESTree.Node | null;
  /** Resolved through import bindings (driver role or an imported SQL tag). */
  bound: boolean;
}

/** A call that sends SQL to a database, with its text. */
export function sqlCallOf(model: CodeModel, call: CallLike): SqlCall | null {
  const callee = calleeOf(call);
  if (call.type === 'TaggedTemplateExpression') {
    const sql = sqlTextOf(model, call);
    if (sql === null) return null;
    if (callee.type === 'MemberExpression') {
      const role = model.roleOf(callee.object);
      return { call, sql, role, receiver: callee.object, bound: role?.via === 'binding' && SQL_CAPABLE_ROLES.has(role.role) };
    }
    if (callee.type === 'Identifier') {
      const value = model.valueOf(callee);
      const bound = value?.kind === 'module' && SQL_TAG_MODULES.has(value.module);
      const origin = initializerOf(model, callee);
      const madeByImport = origin && origin.type === 'CallExpression' && origin.callee.type === 'Identifier' &&
        SQL_TAG_MODULES.has(model.imports.get(origin.callee.name)?.module ?? '');
      return { call, sql, role: null, receiver: null, bound: bound || Boolean(madeByImport) };
    }
    return null;
  }
  if (call.type !== 'CallExpression' || callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (!method || !SQL_METHODS.has(method)) return null;
  const sql = sqlTextOf(model, argumentsOf(call)[0]);
  if (sql === null) return null;
  const role = model.roleOf(callee.object);
  return { call, sql, role, receiver: callee.object, bound: role?.via === 'binding' && SQL_CAPABLE_ROLES.has(role.role) };
}

/** Every SQL-sending call of a model, in source order. */
export function sqlCalls(model: CodeModel): SqlCall[] {
  const out: SqlCall[] = [];
  for (const call of model.calls) {
    const found = sqlCallOf(model, call);
    if (found) out.push(found);
  }
  return out.sort((a, b) => a.call.range[0] - b.call.range[0]);
}

/** SQL with comments removed and whitespace collapsed, for keyword matching. */
export function normalizeSql(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ').trim();
}
