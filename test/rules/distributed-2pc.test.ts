import rule from '../../rules/code/distributed-2pc.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

const twoPools = `import { Pool } from 'pg';

const ordersPool = new Pool({ connectionString: process.env.ORDERS_DATABASE_URL });
const billingPool = new Pool({ connectionString: process.env.BILLING_DATABASE_URL });
`;

testCodeRule(rule, {
  valid: [
    {
      name: 'Temporal saga with compensation (spec example)',
      code: `import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { bookOrder, chargeOrder, cancelBooking } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '1 second', backoffCoefficient: 2 },
});

// Pattern: Process Manager (Saga) - each service commits locally; a failed step compensates.
export async function bookAndCharge(orderId: string): Promise<void> {
  await bookOrder(orderId);
  try {
    await chargeOrder(orderId);
  } catch (err) {
    await cancelBooking(orderId);
    throw err;
  }
}
`,
    },
    {
      name: 'two connections of the same pool',
      code: `${twoPools}
export async function move(from: string, to: string) {
  const a = await ordersPool.connect();
  const b = await ordersPool.connect();
  await a.query('BEGIN');
  await b.query('BEGIN');
  await a.query('UPDATE orders SET shelf = NULL WHERE id = $1', [from]);
  await b.query('UPDATE orders SET shelf = $1 WHERE id = $2', ['A1', to]);
  await a.query('COMMIT');
  await b.query('COMMIT');
}
`,
    },
    {
      name: 'local transactions on two databases, one after the other (a saga step each)',
      code: `${twoPools}
export async function bookThenCharge(orderId: string) {
  const a = await ordersPool.connect();
  await a.query('BEGIN');
  await a.query('UPDATE orders SET status = $1 WHERE id = $2', ['BOOKED', orderId]);
  await a.query('COMMIT');
  const b = await billingPool.connect();
  await b.query('BEGIN');
  await b.query('INSERT INTO charges (order_id) VALUES ($1)', [orderId]);
  await b.query('COMMIT');
}
`,
    },
    {
      name: 'the words PREPARE TRANSACTION in a log line are not SQL',
      code: `import pino from 'pino';
const log = pino();
export function explain() {
  log.info('we never PREPARE TRANSACTION here; see ADR-7 (saga)');
}
`,
    },
    {
      name: 'nested transaction callbacks on the same prisma client',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function transfer(a: string, b: string) {
  await prisma.$transaction(async (tx) => {
    await tx.account.update({ where: { id: a }, data: { cents: { decrement: 5 } } });
    await tx.account.update({ where: { id: b }, data: { cents: { increment: 5 } } });
  });
}
`,
    },
    {
      name: 'two client parameters: may be the same pool, so no guess',
      code: `import type { PoolClient } from 'pg';
export async function copy(a: PoolClient, b: PoolClient, id: string) {
  await a.query('BEGIN');
  await b.query('BEGIN');
  await b.query('INSERT INTO archive SELECT * FROM live WHERE id = $1', [id]);
  await a.query('DELETE FROM live WHERE id = $1', [id]);
  await a.query('COMMIT');
  await b.query('COMMIT');
}
`,
    },
    {
      name: 'one prepare call to one service is not a two-phase protocol',
      code: `import axios from 'axios';
export async function preview(id: string) {
  await axios.post(\`\${process.env.QUOTES_SERVICE_URL}/quotes/\${id}/prepare\`, {});
  await axios.post(\`\${process.env.QUOTES_SERVICE_URL}/quotes/\${id}/commit\`, {});
}
`,
    },
    {
      name: 'two injected TypeORM repositories share the default data source',
      filename: 'services/orders/src/orders.service.ts',
      code: `import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Order } from './order.entity';
import { Payment } from './payment.entity';

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
  ) {}

  async pay(id: string) {
    await this.orders.manager.transaction(async (m) => {
      await m.update(Order, { id }, { status: 'PAID' });
      await this.payments.manager.transaction(async (p) => {
        await p.insert(Payment, { orderId: id });
      });
    });
  }
}
`,
    },
  ],
  invalid: [
    {
      name: 'PostgreSQL PREPARE TRANSACTION / COMMIT PREPARED across two pools (spec example)',
      code: `${twoPools}
export async function bookAndCharge(orderId: string) {
  const a = await ordersPool.connect();
  const b = await billingPool.connect();
  await a.query('BEGIN');
  await b.query('BEGIN');
  await a.query('UPDATE orders SET status = $1 WHERE id = $2', ['BOOKED', orderId]);
  await b.query('INSERT INTO charges (order_id) VALUES ($1)', [orderId]);
  await a.query(\`PREPARE TRANSACTION 'book-\${orderId}'\`);
  await b.query(\`PREPARE TRANSACTION 'charge-\${orderId}'\`);
  await a.query(\`COMMIT PREPARED 'book-\${orderId}'\`);
  await b.query(\`COMMIT PREPARED 'charge-\${orderId}'\`);
}
`,
      errors: [{ messageId: 'distributed2pc', line: 13, column: 9, variant: 'sql-2pc', precision: 'High', severity: 'Critical' }],
    },
    {
      name: 'MySQL XA through mysql2 connections',
      code: `import mysql from 'mysql2/promise';

const inventory = mysql.createPool({ uri: process.env.INVENTORY_DB });
const shipping = mysql.createPool({ uri: process.env.SHIPPING_DB });

export async function ship(xid: string, sku: string) {
  const a = await inventory.getConnection();
  const b = await shipping.getConnection();
  await a.query(\`XA START '\${xid}'\`);
  await a.query('UPDATE stock SET qty = qty - 1 WHERE sku = ?', [sku]);
  await a.query(\`XA END '\${xid}'\`);
  await a.query(\`XA PREPARE '\${xid}'\`);
  await b.execute(\`XA START '\${xid}'\`);
  await b.execute('INSERT INTO shipments (sku) VALUES (?)', [sku]);
  await b.execute(\`XA END '\${xid}'\`);
  await b.execute(\`XA PREPARE '\${xid}'\`);
  await a.query(\`XA COMMIT '\${xid}'\`);
  await b.execute(\`XA COMMIT '\${xid}'\`);
}
`,
      errors: [{ messageId: 'distributed2pc', line: 9, variant: 'sql-2pc', precision: 'High' }],
    },
    {
      name: 'two-phase SQL held in constants, sent by a coordinator class on an untyped handle',
      code: `const PREPARE = "PREPARE TRANSACTION 'tx'";
const COMMIT = "COMMIT PREPARED 'tx'";

export class Coordinator {
  constructor(private readonly participants: { query(sql: string): Promise<unknown> }[]) {}

  async commitAll() {
    for (const p of this.participants) await p.query(PREPARE);
    for (const p of this.participants) await p.query(COMMIT);
  }
}
`,
      errors: [{ messageId: 'distributed2pc', line: 8, variant: 'sql-2pc', precision: 'Medium' }],
    },
    {
      name: 'a job that only resolves orphaned prepared transactions is Heuristic',
      code: `import { Pool } from 'pg';
const pool = new Pool();
export async function cleanupOrphans() {
  const { rows } = await pool.query("SELECT gid FROM pg_prepared_xacts WHERE prepared < now() - interval '1 hour'");
  for (const row of rows) await pool.query(\`ROLLBACK PREPARED '\${row.gid}'\`);
}
`,
      errors: [{ messageId: 'distributed2pc', line: 5, variant: 'sql-2pc', precision: 'Heuristic' }],
    },
    {
      name: 'hand-rolled: two pg pools, both transactions open, both committed',
      code: `${twoPools}
export async function bookAndCharge(orderId: string) {
  const a = await ordersPool.connect();
  const b = await billingPool.connect();
  try {
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('UPDATE orders SET status = $1 WHERE id = $2', ['BOOKED', orderId]);
    await b.query('INSERT INTO charges (order_id) VALUES ($1)', [orderId]);
    await a.query('COMMIT');
    await b.query('COMMIT');
  } catch (err) {
    await a.query('ROLLBACK');
    await b.query('ROLLBACK');
    throw err;
  } finally {
    a.release();
    b.release();
  }
}
`,
      errors: [{ messageId: 'distributed2pc', line: 11, variant: 'cross-database-transaction', precision: 'Medium' }],
    },
    {
      name: 'hand-rolled: two TypeORM data sources with query runners (NestJS)',
      filename: 'services/orders/src/transfer.service.ts',
      code: `import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class TransferService {
  constructor(
    @InjectDataSource('orders') private readonly ordersDs: DataSource,
    @InjectDataSource('billing') private readonly billingDs: DataSource,
  ) {}

  async transfer(orderId: string) {
    const left = this.ordersDs.createQueryRunner();
    const right = this.billingDs.createQueryRunner();
    await left.startTransaction();
    await right.startTransaction();
    await left.manager.update('orders', { id: orderId }, { status: 'PAID' });
    await right.manager.insert('payments', { orderId });
    await left.commitTransaction();
    await right.commitTransaction();
  }
}
`,
      errors: [{ messageId: 'distributed2pc', line: 16, variant: 'cross-database-transaction', precision: 'Medium' }],
    },
    {
      name: 'hand-rolled: unmanaged sequelize transactions on two databases',
      code: `import { Sequelize } from 'sequelize';

const ordersDb = new Sequelize(process.env.ORDERS_DB!);
const ledgerDb = new Sequelize(process.env.LEDGER_DB!);

export async function post(orderId: string) {
  const t1 = await ordersDb.transaction();
  const t2 = await ledgerDb.transaction();
  await ordersDb.query('UPDATE orders SET posted = true WHERE id = :id', { replacements: { id: orderId }, transaction: t1 });
  await ledgerDb.query('INSERT INTO entries (order_id) VALUES (:id)', { replacements: { id: orderId }, transaction: t2 });
  await t1.commit();
  await t2.commit();
}
`,
      errors: [{ messageId: 'distributed2pc', line: 8, variant: 'cross-database-transaction', precision: 'Medium' }],
    },
    {
      name: 'hand-rolled: a prisma transaction nested in a transaction on another prisma client',
      code: `import { PrismaClient } from '@prisma/client';

const orders = new PrismaClient({ datasources: { db: { url: process.env.ORDERS_DB } } });
const billing = new PrismaClient({ datasources: { db: { url: process.env.BILLING_DB } } });

export async function settle(orderId: string) {
  await orders.$transaction(async (o) => {
    await o.order.update({ where: { id: orderId }, data: { status: 'SETTLED' } });
    await billing.$transaction(async (b) => {
      await b.invoice.create({ data: { orderId } });
    });
  });
}
`,
      errors: [{ messageId: 'distributed2pc', line: 9, variant: 'cross-database-transaction', precision: 'Medium' }],
    },
    {
      name: 'HTTP prepare on two internal services, then commit',
      code: `import axios from 'axios';

const INVENTORY = process.env.INVENTORY_SERVICE_URL;
const PAYMENTS = process.env.PAYMENTS_SERVICE_URL;

export async function checkout(orderId: string) {
  await axios.post(\`\${INVENTORY}/reservations/\${orderId}/prepare\`);
  await axios.post(\`\${PAYMENTS}/charges/\${orderId}/prepare\`);
  await axios.post(\`\${INVENTORY}/reservations/\${orderId}/commit\`);
  await axios.post(\`\${PAYMENTS}/charges/\${orderId}/commit\`);
}
`,
      errors: [{ messageId: 'distributed2pc', line: 7, variant: 'http-prepare-commit', precision: 'Heuristic' }],
    },
  ],
});
