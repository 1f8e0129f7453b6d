import rule from '../../rules/code/shared-oltp-write.js';
import { isCodePath } from '../../src/code/parse.js';
import { buildCrossFileIndex, type CrossFileIndex } from '../../src/review/cross-file.js';
import type { CodeRule, CodeRuleContext } from '../../src/review/rule.js';
import { build } from '../code/model-helpers.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

/**
 * The rule as the engine will run it: with `context.crossFile` built from the file under test plus
 * a repository of schema sources, deployment files and other services' code.
 */
function withRepository(files: Record<string, string>): CodeRule {
  const codeModels = Object.entries(files).filter(([path]) => isCodePath(path)).map(([path, text]) => build(text, path));
  const repoFiles = Object.entries(files).filter(([path]) => !isCodePath(path)).map(([path, text]) => ({ path, text }));
  const repoPaths = Object.keys(files);
  return {
    meta: rule.meta,
    create(context: CodeRuleContext) {
      let index: CrossFileIndex | undefined;
      // The engine releases the file's model before repository-wide exits run; take it now.
      const model = context.model;
      const withIndex = Object.create(context, {
        crossFile: {
          get: () => (index ??= buildCrossFileIndex({ models: [model, ...codeModels], repoFiles, repoPaths, config: context.config })),
        },
      }) as CodeRuleContext;
      return rule.create(withIndex);
    },
  };
}

const repository: Record<string, string> = {
  'services/orders/package.json': '{ "name": "orders" }',
  'services/billing/package.json': '{ "name": "billing" }',
  'services/shipping/package.json': '{ "name": "shipping" }',
  'services/catalog/package.json': '{ "name": "catalog" }',
  'services/orders/migrations/001_orders.sql': `-- orders service schema
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  payment_status text NOT NULL
);
CREATE TABLE IF NOT EXISTS public.customers (id uuid PRIMARY KEY);
CREATE TABLE outbox (id uuid PRIMARY KEY, payload jsonb);
`,
  'services/billing/prisma/schema.prisma': `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Invoice {
  id      String @id
  orderId String
  status  String
  @@map("invoices")
}

model Customer {
  id String @id
  @@map("customers")
}

model OutboxEvent {
  id String @id
  @@map("outbox")
}
`,
  'services/shipping/src/entities/shipment.entity.ts': `import { Entity, PrimaryColumn, Column } from 'typeorm';

@Entity('shipments')
export class Shipment {
  @PrimaryColumn() id!: string;
  @Column() status!: string;
}
`,
  'services/catalog/src/db/schema.ts': `import { pgTable, text, integer } from 'drizzle-orm/pg-core';

export const products = pgTable('products', {
  id: text('id').primaryKey(),
  priceCents: integer('price_cents').notNull(),
});
`,
  'services/orders/src/audit.ts': `import { Pool } from 'pg';
const pool = new Pool();
export async function audit(kind: string) {
  await pool.query('INSERT INTO audit_events (kind) VALUES ($1)', [kind]);
}
`,
};

const billingPg = `import { Pool } from 'pg';

const db = new Pool({ connectionString: process.env.DATABASE_URL });
`;

testCodeRule(withRepository(repository), {
  valid: [
    {
      name: 'billing changes its own data and announces the fact through its outbox (spec example)',
      filename: 'services/billing/src/close-invoice.ts',
      code: `import { randomUUID } from 'node:crypto';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function closeInvoice(invoiceId: string, orderId: string) {
  await prisma.$transaction(async (tx) => {
    await tx.invoice.update({ where: { id: invoiceId }, data: { status: 'PAID' } });
    await tx.outboxEvent.create({
      data: { id: randomUUID(), aggregateId: invoiceId, type: 'billing.invoice-paid.v1', payload: { orderId } },
    });
  });
}
`,
    },
    {
      name: 'reading another service\'s table is not reported',
      filename: 'services/billing/src/report.ts',
      code: `${billingPg}
export async function unpaid() {
  const { rows } = await db.query("SELECT id FROM orders WHERE payment_status = 'PENDING'");
  return rows;
}
`,
    },
    {
      name: 'the owner writes its own table',
      filename: 'services/orders/src/pay.ts',
      code: `import { Pool } from 'pg';
const pool = new Pool();
export async function markPaid(id: string) {
  await pool.query('UPDATE orders SET payment_status = $1 WHERE id = $2', ['PAID', id]);
}
`,
    },
    {
      name: 'code outside any service folder',
      filename: 'packages/ops-scripts/src/backfill.ts',
      code: `${billingPg}
export async function backfill() {
  await db.query("UPDATE orders SET payment_status = 'UNKNOWN' WHERE payment_status IS NULL");
}
`,
    },
    {
      name: 'orders and billing declared as one service in config',
      filename: 'services/billing/src/close-invoice.ts',
      config: { services: { commerce: ['services/orders/**', 'services/billing/**'] } },
      code: `${billingPg}
export async function settle(orderId: string) {
  await db.query('UPDATE orders SET payment_status = $1 WHERE id = $2', ['PAID', orderId]);
}
`,
    },
    {
      name: 'every service has its own outbox table',
      filename: 'services/billing/src/relay.ts',
      code: `${billingPg}
export async function markSent(id: string) {
  await db.query('UPDATE outbox SET sent_at = now() WHERE id = $1', [id]);
}
`,
    },
    {
      name: 'a table listed in the rule\'s ignore list',
      filename: 'services/billing/src/close-invoice.ts',
      config: { rules: { 'shared-oltp-write': { ignore: ['orders'] } } },
      code: `${billingPg}
export async function settle(orderId: string) {
  await db.query('UPDATE orders SET payment_status = $1 WHERE id = $2', ['PAID', orderId]);
}
`,
    },
  ],
  invalid: [
    {
      name: 'billing updates the orders table defined by an orders migration (spec example)',
      filename: 'services/billing/src/close-invoice.ts',
      code: `${billingPg}
export async function closeInvoice(orderId: string) {
  await db.query('UPDATE orders SET payment_status = $1 WHERE id = $2', ['PAID', orderId]);
}
`,
      errors: [{ messageId: 'sharedWrite', line: 6, column: 9, variant: 'schema-owner', precision: 'Medium', severity: 'Important' }],
    },
    {
      name: 'billing saves a shipping entity through a TypeORM repository',
      filename: 'services/billing/src/ship.ts',
      code: `import { DataSource } from 'typeorm';
import { Shipment } from '../../shipping/src/entities/shipment.entity';

export async function markShipped(ds: DataSource, id: string) {
  await ds.getRepository(Shipment).update({ id }, { status: 'BILLED' });
}
`,
      errors: [{ messageId: 'sharedWrite', line: 5, variant: 'schema-owner', precision: 'Medium' }],
    },
    {
      name: 'billing updates catalog products (drizzle schema) through knex',
      filename: 'services/billing/src/pricing.ts',
      code: `import knex from 'knex';

const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });

export async function applyDiscount(id: string) {
  await db('products').where({ id }).update({ price_cents: 0 });
}
`,
      errors: [{ messageId: 'sharedWrite', line: 6, variant: 'schema-owner' }],
    },
    {
      name: 'a table two services define is a Suggestion at the write',
      filename: 'services/billing/src/customers.ts',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function rename(id: string, name: string) {
  await prisma.customer.update({ where: { id }, data: { name } });
  await prisma.customer.update({ where: { id }, data: { touched: true } });
}
`,
      errors: [{ messageId: 'duplicateOwner', line: 4, variant: 'duplicate-definition', severity: 'Suggestion' }],
    },
    {
      name: 'two services write a table no schema source defines (Heuristic)',
      filename: 'services/billing/src/audit.ts',
      code: `${billingPg}
export async function audit(kind: string) {
  await db.query('INSERT INTO audit_events (kind) VALUES ($1)', [kind]);
}
`,
      errors: [{ messageId: 'coWritten', line: 6, variant: 'co-written', precision: 'Heuristic' }],
    },
  ],
});

testCodeRule(withRepository({
  ...repository,
  'services/orders/.env': 'DATABASE_URL=postgres://orders_app:secret@pg.internal:5432/commerce\n',
  'services/billing/.env.production': '# billing\nDATABASE_URL=postgres://billing_app:secret@pg.internal:5432/commerce\nREPORTING_URL=postgres://billing_ro:x@pg.internal:5432/orders\n',
}), {
  valid: [],
  invalid: [
    {
      name: 'two services connect to the same database with write credentials (Heuristic)',
      filename: 'services/billing/src/invoices.ts',
      code: `${billingPg}
export async function create(id: string) {
  await db.query('INSERT INTO invoices (id) VALUES ($1)', [id]);
}
`,
      errors: [{ messageId: 'sharedDatabase', line: 2, variant: 'shared-database', precision: 'Heuristic' }],
    },
  ],
});

// Without the engine's index the rule still sees writes to entities imported from another service.
testCodeRule(rule, {
  valid: [
    {
      name: 'an entity imported from the same service',
      filename: 'services/billing/src/invoices.ts',
      code: `import { DataSource } from 'typeorm';
import { Invoice } from './entities/invoice.entity';
export async function pay(ds: DataSource, id: string) {
  await ds.getRepository(Invoice).update({ id }, { status: 'PAID' });
}
`,
    },
  ],
  invalid: [
    {
      name: 'an entity imported from another service\'s folder',
      filename: 'services/billing/src/ship.ts',
      code: `import { DataSource } from 'typeorm';
import { Shipment } from '../../shipping/src/entities/shipment.entity';

export async function markShipped(ds: DataSource, id: string) {
  await ds.getRepository(Shipment).update({ id }, { status: 'BILLED' });
}
`,
      errors: [{ messageId: 'sharedWrite', line: 5, variant: 'imported-entity', precision: 'Medium' }],
    },
    {
      name: 'a drizzle table imported from another service\'s schema module',
      filename: 'apps/checkout/src/reserve.ts',
      code: `import { drizzle } from 'drizzle-orm/node-postgres';
import { eq } from 'drizzle-orm';
import { products } from '../../catalog/src/db/schema';

const db = drizzle(process.env.DATABASE_URL!);

export async function reserve(id: string) {
  await db.update(products).set({ reserved: true }).where(eq(products.id, id));
}
`,
      errors: [{ messageId: 'sharedWrite', line: 8, variant: 'imported-entity' }],
    },
  ],
});
