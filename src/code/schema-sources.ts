// Table ownership sources (rules.md rule 43 inputs): which tables, models and collections a file
// defines. SQL migrations (`CREATE TABLE`), `schema.prisma` models (with `@@map`), typeorm
// `@Entity`, sequelize `define` / `init` / `@Table`, drizzle `pgTable` / `mysqlTable` / `sqliteTable`,
// knex `schema.createTable`, mongoose `model(...)` and NestJS `@Schema`. Code definitions are
// resolved through imports; every name is reduced to the snake_case keys DB writes are compared by.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { argumentsOf, calleeOf, objectProperty, parentOf, propertyName, toSnakeCase, unwrap } from './ast.js';
import type { CodeModel } from './model.js';
import { sqlCallOf } from './sql.js';
import { declarationOf } from './values.js';

export type DefinitionSource = 'sql' | 'prisma' | 'typeorm' | 'sequelize' | 'drizzle' | 'knex' | 'mongoose';

export interface TableDefinition {
  /** The name as written (table, model or collection). */
  name: string;
  /** snake_case names a DB write target may use for this table: model name and mapped table name. */
  keys: string[];
  path: string;
  line: number;
  source: DefinitionSource;
}

/** snake_case, lower-case, unquoted, schema prefix dropped: the form write targets are compared in. */
export function tableKey(name: string): string {
  const bare = name.replace(/["`[\]]/g, '').split('.').pop() ?? name;
  return toSnakeCase(bare).toLowerCase();
}

function definition(name: string, aliases: (string | null | undefined)[], path: string, line: number, source: DefinitionSource): TableDefinition {
  const keys = [...new Set([name, ...aliases].filter((n): n is string => Boolean(n)).map(tableKey))];
  return { name, keys, path, line, source };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const CREATE_TABLE = /\bcreate\s+(?:(?:global\s+|local\s+)?(temporary|temp)\s+|unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?((?:["`[]?[\w$]+["`\]]?\s*\.\s*)?["`[]?([\w$]+)["`\]]?)/gi;

/** `CREATE TABLE` statements of SQL text; `baseLine` places text embedded in code. */
export function definitionsFromSql(path: string, text: string, baseLine = 1): TableDefinition[] {
  const out: TableDefinition[] = [];
  const stripped = text.replace(/--[^\n]*/g, (m) => ' '.repeat(m.length));
  for (const match of stripped.matchAll(CREATE_TABLE)) {
    if (match[1]) continue;
    out.push(definition(match[3]!, [], path, baseLine + lineAt(stripped, match.index ?? 0) - 1, 'sql'));
  }
  return out;
}

/** `model Order { ... @@map("orders") }` blocks of a Prisma schema. */
export function definitionsFromPrisma(path: string, text: string): TableDefinition[] {
  const out: TableDefinition[] = [];
  const model = /^[ \t]*model\s+(\w+)\s*\{/gm;
  for (const match of text.matchAll(model)) {
    const start = (match.index ?? 0) + match[0].length;
    const end = text.indexOf('\n}', start);
    const body = text.slice(start, end < 0 ? undefined : end);
    const mapped = /@@map\(\s*(?:name\s*:\s*)?"([^"]+)"/.exec(body)?.[1];
    out.push(definition(match[1]!, [mapped], path, lineAt(text, match.index ?? 0), 'prisma'));
  }
  return out;
}

const DRIZZLE_MODULES = /^drizzle-orm\/(pg|mysql|sqlite|singlestore)-core$/;
const DRIZZLE_TABLES = new Set(['pgTable', 'mysqlTable', 'sqliteTable', 'singlestoreTable', 'table']);

/** Definitions in a TS/JS file, resolved through the file's imports. */
export function definitionsFromModel(model: CodeModel): TableDefinition[] {
  const out: TableDefinition[] = [];
  const path = model.path;
  const importOf = (node: TSESTree.Node): { module: string; name: string } | null => {
    const target = unwrap(node);
    if (target.type === 'Identifier') {
      const decl = declarationOf(model, target);
      if (decl?.kind === 'import') return { module: decl.binding.module, name: decl.binding.path[decl.binding.path.length - 1] ?? 'default' };
    }
    if (target.type === 'MemberExpression' && target.object.type === 'Identifier') {
      const decl = declarationOf(model, target.object);
      if (decl?.kind === 'import') return { module: decl.binding.module, name: propertyName(target) ?? '' };
    }
    return null;
  };
  const stringArg = (node: TSESTree.Node | undefined) => (node ? model.stringValue(node) : null);

  for (const cls of model.classes) {
    const className = cls.id?.name;
    if (!className) continue;
    for (const decorator of cls.decorators ?? []) {
      const expr = unwrap(decorator.expression);
      const callee = expr.type === 'CallExpression' ? expr.callee : expr;
      const args = expr.type === 'CallExpression' ? expr.arguments : [];
      const imported = importOf(callee);
      if (!imported) continue;
      const first = args[0] ? unwrap(args[0]) : undefined;
      const named = first?.type === 'ObjectExpression' ? null : stringArg(first);
      if (imported.module === 'typeorm' && imported.name === 'Entity') {
        const table = named ?? stringArg(objectProperty(first, 'name') ?? undefined);
        out.push(definition(table ?? className, [className], path, model.line(cls), 'typeorm'));
      } else if (imported.module === 'sequelize-typescript' && imported.name === 'Table') {
        const table = named ?? stringArg(objectProperty(first, 'tableName') ?? undefined);
        out.push(definition(table ?? className, [className, stringArg(objectProperty(first, 'modelName') ?? undefined)], path, model.line(cls), 'sequelize'));
      } else if (imported.module === '@nestjs/mongoose' && imported.name === 'Schema') {
        out.push(definition(className, [stringArg(objectProperty(first, 'collection') ?? undefined)], path, model.line(cls), 'mongoose'));
      }
    }
  }

  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    const callee = calleeOf(call);
    const args = argumentsOf(call);
    const method = callee.type === 'MemberExpression' ? propertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
    if (!method) continue;

    // drizzle: export const orders = pgTable('orders', { ... })
    if (DRIZZLE_TABLES.has(method)) {
      const imported = importOf(callee.type === 'MemberExpression' ? callee.object : callee);
      const viaSchema = callee.type === 'MemberExpression' && method === 'table' && isDrizzleSchema(model, callee.object);
      if ((imported && DRIZZLE_MODULES.test(imported.module)) || viaSchema) {
        const table = stringArg(args[0]);
        const holder = parentOf(call);
        const variable = holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? holder.id.name : null;
        if (table) out.push(definition(table, [variable], path, model.line(call), 'drizzle'));
      }
      continue;
    }

    // knex migrations: knex.schema.createTable('orders', ...)
    if ((method === 'createTable' || method === 'createTableIfNotExists') && callee.type === 'MemberExpression' && isKnexSchema(model, callee.object)) {
      const table = stringArg(args[0]);
      if (table) out.push(definition(table, [], path, model.line(call), 'knex'));
      continue;
    }

    if (method === 'define' && callee.type === 'MemberExpression') {
      const role = model.roleOf(callee.object);
      if (role?.role === 'sequelize') {
        const name = stringArg(args[0]);
        if (name) out.push(definition(name, [stringArg(objectProperty(args[2], 'tableName') ?? undefined)], path, model.line(call), 'sequelize'));
      }
      continue;
    }

    if (method === 'init' && callee.type === 'MemberExpression' && callee.object.type === 'Identifier') {
      const role = model.roleOf(callee.object);
      if (role?.role === 'sequelize.model') {
        const options = args[1];
        out.push(definition(callee.object.name, [
          stringArg(objectProperty(options, 'tableName') ?? undefined),
          stringArg(objectProperty(options, 'modelName') ?? undefined),
        ], path, model.line(call), 'sequelize'));
      }
      continue;
    }

    if (method === 'model') {
      const isMongoose = callee.type === 'Identifier'
        ? importOf(callee)?.module === 'mongoose'
        : callee.type === 'MemberExpression' &&
          (importOf(callee.object)?.module === 'mongoose' || model.roleOf(callee.object)?.role === 'mongoose.conn');
      const name = stringArg(args[0]);
      if (isMongoose && name && args.length >= 2) {
        const collection = stringArg(args[2]);
        out.push(definition(name, [collection], path, model.line(call), 'mongoose'));
      }
      continue;
    }
  }

  // SQL DDL inside code: typeorm / knex migrations run `CREATE TABLE` through a DB handle.
  for (const call of model.calls) {
    const sql = sqlCallOf(model, call);
    const text = sql?.sql ?? null;
    if (text && /\bcreate\s+table\b/i.test(text)) out.push(...definitionsFromSql(path, text, model.line(call)).map((d) => ({ ...d, line: model.line(call) })));
  }
  return dedupe(out);
}

function isKnexSchema(model: CodeModel, node: TSESTree.Node): boolean {
  let target = unwrap(node);
  // knex.schema.withSchema('billing').createTable(...)
  if (target.type === 'CallExpression' && target.callee.type === 'MemberExpression' && propertyName(target.callee) === 'withSchema') {
    target = unwrap(target.callee.object);
  }
  if (target.type !== 'MemberExpression' || propertyName(target) !== 'schema') return false;
  const role = model.roleOf(target.object);
  if (role?.role === 'knex') return true;
  // `exports.up = (knex) => knex.schema...`: migration files pass the knex instance untyped.
  const root = unwrap(target.object);
  return root.type === 'Identifier' && /^knex$/i.test(root.name);
}

function isDrizzleSchema(model: CodeModel, node: TSESTree.Node): boolean {
  const target = unwrap(node);
  const init = target.type === 'Identifier' ? declarationOf(model, target) : null;
  const value = init?.kind === 'var' && init.decl.init ? unwrap(init.decl.init) : null;
  if (value?.type !== 'CallExpression' || value.callee.type !== 'Identifier') return false;
  const decl = declarationOf(model, value.callee);
  return decl?.kind === 'import' && DRIZZLE_MODULES.test(decl.binding.module);
}

function dedupe(list: TableDefinition[]): TableDefinition[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.path}:${d.line}:${d.keys.join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
